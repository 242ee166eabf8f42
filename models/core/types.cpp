// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/types.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace runlens {

QString lifecycleName(Lifecycle l)
{
    return l == Lifecycle::Active ? QStringLiteral("active") : QStringLiteral("deleted");
}

std::optional<Lifecycle> lifecycleFromName(const QString &name)
{
    if (name.compare(QLatin1String("active"), Qt::CaseInsensitive) == 0)
        return Lifecycle::Active;
    if (name.compare(QLatin1String("deleted"), Qt::CaseInsensitive) == 0)
        return Lifecycle::Deleted;
    return std::nullopt;
}

static constexpr const char *statusNames[] = {"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};

QString runStatusName(RunStatus s)
{
    return QString::fromLatin1(statusNames[static_cast<int>(s)]);
}

std::optional<RunStatus> runStatusFromName(const QString &name)
{
    for (int i = 0; i < 5; ++i) {
        if (name.compare(QLatin1String(statusNames[i]), Qt::CaseInsensitive) == 0)
            return static_cast<RunStatus>(i);
    }
    return std::nullopt;
}

bool isTerminal(RunStatus s)
{
    return s == RunStatus::Finished || s == RunStatus::Failed || s == RunStatus::Killed;
}

bool isLaterThan(const MetricPoint &a, const MetricPoint &b)
{
    if (a.step != b.step)
        return a.step > b.step;
    if (a.timestamp != b.timestamp)
        return a.timestamp > b.timestamp;
    if (std::isnan(b.value))
        return !std::isnan(a.value);
    return !std::isnan(a.value) && a.value > b.value;
}

static constexpr const char *stageNames[] = {"None", "Staging", "Production", "Archived"};

QString modelStageName(ModelStage s)
{
    return QString::fromLatin1(stageNames[static_cast<int>(s)]);
}

std::optional<ModelStage> modelStageFromName(const QString &name)
{
    for (int i = 0; i < 4; ++i) {
        if (name.compare(QLatin1String(stageNames[i]), Qt::CaseInsensitive) == 0)
            return static_cast<ModelStage>(i);
    }
    return std::nullopt;
}

QString newRunId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    QString id;
    id.reserve(32);
    for (quint32 w : words)
        id += QStringLiteral("%1").arg(w, 8, 16, QLatin1Char('0'));
    return id;
}

bool isValidRunId(const QString &id)
{
    if (id.size() != 32)
        return false;
    for (QChar c : id) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
              (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace runlens
