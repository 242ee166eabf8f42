// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small helpers shared by the test suites.

#include <QProcess>
#include <QSettings>
#include <QString>
#include <QTest>

namespace runlens::test {

// Copies a fixture tree and makes the copy writable: tests never write into ../shared/fixtures.
inline bool copyTree(const QString &from, const QString &to)
{
    QProcess cp;
    cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), from, to});
    if (!cp.waitForFinished(60000) || cp.exitCode() != 0)
        return false;
    QProcess chmod;
    chmod.start(QStringLiteral("chmod"), {QStringLiteral("-R"), QStringLiteral("u+w"), to});
    return chmod.waitForFinished(60000) && chmod.exitCode() == 0;
}

// Forgets what the window remembered (last experiment, columns, recent databases): each test starts afresh.
// Suites point XDG_CONFIG_HOME into their temporary folder first, so this never touches the user's settings.
inline void forgetSettings()
{
    QSettings(QStringLiteral("runlens"), QStringLiteral("runlens")).clear();
}

// Waits until a lazy model has fetched every row (views fetch only what they show).
template<typename Model> bool fetchAll(Model *model, int timeoutMs = 30000)
{
    return QTest::qWaitFor(
        [model] {
            if (model->canFetchMore({}))
                model->fetchMore({});
            return !model->canFetchMore({}) && !model->isLoading();
        },
        timeoutMs);
}

} // namespace runlens::test
