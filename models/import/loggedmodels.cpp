// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/loggedmodels.h"

#include <QSet>

namespace runlens::import {

namespace {

// A name that can stand as one folder of the run's artifacts.
bool usableFolderName(const QString &name)
{
    if (name.trimmed().isEmpty() || name == QLatin1String(".") || name == QLatin1String(".."))
        return false;
    for (const QChar c : name) {
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

bool folderTaken(const SourceRun &run, const QString &folder)
{
    const QString prefix = folder + QLatin1Char('/');
    for (const SourceArtifact &a : run.artifacts) {
        if (a.path == folder || a.path.startsWith(prefix))
            return true;
    }
    return false;
}

} // namespace

QString loggedModelStatusName(const QString &stored)
{
    bool number = false;
    const int code = stored.trimmed().toInt(&number);
    if (!number)
        return stored.trimmed();
    switch (code) {
    case 1:
        return QStringLiteral("PENDING");
    case 2:
        return QStringLiteral("READY");
    case 3:
        return QStringLiteral("FAILED");
    default:
        return QStringLiteral("UNSPECIFIED");
    }
}

void LoggedModelIndex::add(LoggedModel model, ImportSink &sink)
{
    const QString run = model.sourceRunId.trimmed().toLower();
    if (run.isEmpty()) {
        sink.warning({model.where, QStringLiteral("logged model %1 (%2) names no source run: not imported")
                                       .arg(model.id, model.name)});
        sink.skipped(QStringLiteral("logged models without their run"), 1);
        return;
    }
    if (!m_byRun.contains(run))
        m_order << run;
    m_byRun[run].push_back(std::move(model));
}

int LoggedModelIndex::attach(SourceRun &run, ImportSink &sink)
{
    const auto it = m_byRun.find(run.id.toLower());
    if (it == m_byRun.end())
        return 0;
    std::vector<LoggedModel> models = std::move(*it);
    m_byRun.erase(it);
    m_order.removeOne(run.id.toLower());
    QSet<QString> used;
    for (LoggedModel &m : models) {
        QString folder = usableFolderName(m.name) ? m.name : m.id;
        if (used.contains(folder) || folderTaken(run, folder))
            folder = m.id;
        if (used.contains(folder) || folderTaken(run, folder)) {
            sink.warning(
                {m.where, QStringLiteral("logged model %1: the run already has a folder %2; its files "
                                         "are not imported")
                              .arg(m.id, folder)});
            sink.skipped(QStringLiteral("logged models without their run"), 1);
            continue;
        }
        used.insert(folder);
        const QString prefix = folder + QLatin1Char('/');
        for (SourceArtifact &a : m.artifacts) {
            a.path = prefix + a.path;
            run.artifacts.push_back(std::move(a));
        }
        for (auto p = m.params.cbegin(); p != m.params.cend(); ++p) {
            const QString key = prefix + p.key();
            if (run.params.contains(key) && run.params.value(key) != p.value())
                sink.warning({m.where, QStringLiteral("logged model %1: param %2 is also a param of the run "
                                                      "with another value; the run's is kept")
                                           .arg(m.id, key)});
            else
                run.params.insert(key, p.value());
        }
        for (SourceMetric &metric : m.metrics) {
            metric.key = prefix + metric.key;
            const bool clash = std::any_of(run.metrics.begin(), run.metrics.end(),
                                           [&](const SourceMetric &r) { return r.key == metric.key; });
            if (clash) {
                sink.warning(
                    {m.where, QStringLiteral("logged model %1: the run has a metric %2 of its own; the "
                                             "model's is not imported")
                                  .arg(m.id, metric.key)});
                continue;
            }
            run.metrics.push_back(std::move(metric));
        }
        const QString tag = QStringLiteral("mlflow.logged_model.%1.").arg(folder);
        run.tags.insert(tag + QStringLiteral("model_id"), m.id);
        if (!m.status.isEmpty())
            run.tags.insert(tag + QStringLiteral("status"), m.status);
        if (!m.modelType.isEmpty())
            run.tags.insert(tag + QStringLiteral("model_type"), m.modelType);
        for (auto t = m.tags.cbegin(); t != m.tags.cend(); ++t)
            run.tags.insert(tag + QStringLiteral("tags.") + t.key(), t.value());
    }
    return int(used.size());
}

void LoggedModelIndex::reportUnclaimed(ImportSink &sink)
{
    for (const QString &run : std::as_const(m_order)) {
        for (const LoggedModel &m : m_byRun.value(run)) {
            sink.warning({m.where, QStringLiteral("logged model %1 (%2): its source run %3 is not in this "
                                                  "source; not imported")
                                       .arg(m.id, m.name, m.sourceRunId)});
            sink.skipped(QStringLiteral("logged models without their run"), 1);
        }
    }
    m_byRun.clear();
    m_order.clear();
}

} // namespace runlens::import
