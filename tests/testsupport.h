// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small helpers shared by the test suites.

#include <QProcess>
#include <QString>

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

} // namespace runlens::test
