// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importwriter.h"

#include "itemmodels/displaytext.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace runlens::import {

QString derivedRunId(const QString &sourceKey)
{
    const QByteArray digest = QCryptographicHash::hash(
        QByteArrayLiteral("runlens-import\n") + sourceKey.toUtf8(), QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toHex().left(32));
}

void ImportReport::merge(const ImportReport &o)
{
    experimentsAdded += o.experimentsAdded;
    runsAdded += o.runsAdded;
    runsUpdated += o.runsUpdated;
    pointsAdded += o.pointsAdded;
    artifactsAdded += o.artifactsAdded;
    modelsAdded += o.modelsAdded;
    versionsAdded += o.versionsAdded;
    for (auto it = o.warnings.begin(); it != o.warnings.end(); ++it)
        warnings[it.key()] << it.value();
    for (auto it = o.skipped.begin(); it != o.skipped.end(); ++it)
        skipped[it.key()] += it.value();
    failedRuns << o.failedRuns;
    for (auto it = o.runsByExperiment.begin(); it != o.runsByExperiment.end(); ++it)
        runsByExperiment[it.key()] += it.value();
    failedSources << o.failedSources;
    cancelled |= o.cancelled;
}

ExperimentId ImportReport::busiestExperiment() const
{
    ExperimentId busiest = 0;
    int most = 0;
    for (auto it = runsByExperiment.begin(); it != runsByExperiment.end(); ++it) {
        if (it.value() > most) { // ascending ids: the first of equals stays
            busiest = it.key();
            most = it.value();
        }
    }
    return busiest;
}

int ImportReport::warningCount() const
{
    int n = 0;
    for (const QStringList &w : warnings)
        n += int(w.size());
    return n;
}

QJsonObject ImportReport::toJson() const
{
    QJsonObject w;
    for (auto it = warnings.begin(); it != warnings.end(); ++it)
        w.insert(it.key(), QJsonArray::fromStringList(it.value()));
    QJsonObject s;
    for (auto it = skipped.begin(); it != skipped.end(); ++it)
        s.insert(it.key(), it.value());
    return {{QStringLiteral("experiments_added"), experimentsAdded},
            {QStringLiteral("runs_added"), runsAdded},
            {QStringLiteral("runs_updated"), runsUpdated},
            {QStringLiteral("points_added"), pointsAdded},
            {QStringLiteral("artifacts_added"), artifactsAdded},
            {QStringLiteral("models_added"), modelsAdded},
            {QStringLiteral("model_versions_added"), versionsAdded},
            {QStringLiteral("skipped"), s},
            {QStringLiteral("failed_runs"), QJsonArray::fromStringList(failedRuns)},
            {QStringLiteral("failed_sources"), QJsonArray::fromStringList(failedSources)},
            {QStringLiteral("warnings"), w},
            {QStringLiteral("cancelled"), cancelled}};
}

QString ImportReport::toText() const
{
    QString t =
        QStringLiteral("%1 experiments, %2 runs added (%3 updated), %4 points, %5 artifacts, %6 models "
                       "(%7 versions) added")
            .arg(experimentsAdded)
            .arg(runsAdded)
            .arg(runsUpdated)
            .arg(pointsAdded)
            .arg(artifactsAdded)
            .arg(modelsAdded)
            .arg(versionsAdded);
    if (cancelled)
        t += QStringLiteral(" — cancelled");
    t += QLatin1Char('\n');
    // File names, kinds of data and messages come from the sources: escaped, they stay one line each and
    // cannot send a terminal commands.
    using display::escapeControls;
    for (auto it = skipped.begin(); it != skipped.end(); ++it)
        t += QStringLiteral("skipped %1 %2\n").arg(it.value()).arg(escapeControls(it.key()));
    for (const QString &f : failedSources)
        t += QStringLiteral("could not import %1\n").arg(escapeControls(f));
    for (const QString &f : failedRuns)
        t += QStringLiteral("failed: %1\n").arg(escapeControls(f));
    if (!warnings.isEmpty()) {
        t += QStringLiteral("%1 warnings:\n").arg(warningCount());
        for (auto it = warnings.begin(); it != warnings.end(); ++it) {
            t += QStringLiteral("  %1\n").arg(escapeControls(it.key()));
            for (const QString &m : it.value())
                t += QStringLiteral("    %1\n").arg(escapeControls(m));
        }
    }
    return t;
}

ImportWriter::ImportWriter(Store &store, const ImportOptions &options, const QString &defaultExperiment,
                           const QString &source)
    : m_store(store)
    , m_options(options)
    , m_defaultExperiment(defaultExperiment.isEmpty() ? QStringLiteral("Default") : defaultExperiment)
    , m_source(source.isEmpty() ? QString() : QFileInfo(source).canonicalFilePath())
    , m_sourceShown(QDir::toNativeSeparators(source))
{}

bool ImportWriter::isCancelled() const
{
    return m_options.cancelled && m_options.cancelled();
}

void ImportWriter::progress(qint64 done, qint64 total)
{
    if (m_options.progress)
        m_options.progress(done, total);
}

void ImportWriter::warning(const Diagnostic &d)
{
    m_report.warnings[d.file] << d.message;
}

void ImportWriter::skipped(const QString &what, qint64 count)
{
    m_report.skipped[what] += count;
}

// Found or created under the write lock: another import of the same source may be creating it right now.
// What it adds is counted in `pending`, applied once the run's transaction commits.
ExperimentId ImportWriter::experimentFor(const QString &name, Pending &pending)
{
    Store::Transaction tx(m_store);
    if (const auto e = m_store.runs().experimentByName(name)) {
        // A deleted experiment of the source is open while its runs are written and deleted again in
        // finish(); one that was deleted here but is active in the source stays deleted (its new runs are
        // reported).
        if (e->lifecycle == Lifecycle::Deleted && m_experiments.value(name).lifecycle == Lifecycle::Deleted &&
            !m_reopened.contains(name) && !pending.reopened.contains(name)) {
            m_store.runs().setExperimentLifecycle(e->id, Lifecycle::Active);
            pending.reopened.insert(name);
        }
        tx.commit();
        return e->id;
    }
    const SourceExperiment described = m_experiments.value(name);
    const ExperimentId id = m_store.runs().createExperiment(name, described.description);
    for (auto it = described.tags.begin(); it != described.tags.end(); ++it)
        m_store.runs().setExperimentTag(id, it.key(), it.value());
    tx.commit();
    pending.reopened.insert(name);
    ++pending.experimentsAdded;
    return id;
}

void ImportWriter::apply(const Pending &pending)
{
    m_report.experimentsAdded += pending.experimentsAdded;
    m_reopened.unite(pending.reopened);
}

bool ImportWriter::experiment(const SourceExperiment &e)
{
    m_experiments.insert(e.name, e);
    try {
        Pending pending;
        experimentFor(e.name, pending);
        apply(pending);
    } catch (const Error &err) {
        warning({e.name, err.message()});
    }
    return !isCancelled();
}

bool ImportWriter::run(SourceRun &&r)
{
    if (isCancelled())
        return false;
    ++m_runsRead;
    const QString id = r.id.isEmpty() ? derivedRunId(m_source + QLatin1Char('\n') + r.sourceKey) : r.id;
    try {
        writeRun(r, id);
    } catch (const Error &e) {
        m_report.failedRuns << QStringLiteral("run %1 (%2): %3").arg(id, r.name, e.message());
    }
    return !isCancelled();
}

void ImportWriter::writeRun(SourceRun &r, const QString &id)
{
    if (r.experiment.isEmpty())
        r.experiment = m_defaultExperiment;

    // Artifact bytes first, outside the run's transaction: long copies must not hold the write lock. What
    // is stored already is only a hint here (which copies to skip); the rows are written against what the
    // transaction finds.
    QMap<QString, Artifact> stored;
    if (m_store.runs().run(id)) {
        for (const Artifact &a : m_store.artifacts().artifacts(id, true))
            stored.insert(a.path, a);
    }
    std::vector<Artifact> newArtifacts;
    // The copies enter the artifact store with the run's commit, or not at all (see ArtifactStaging).
    ArtifactStaging staging(m_store);
    if (m_options.copyArtifacts) {
        for (const SourceArtifact &a : r.artifacts) {
            const std::optional<QString> path = ArtifactStore::normalizedPath(a.path);
            if (!path) {
                warning(
                    {a.filePath,
                     QStringLiteral("artifact path '%1' would leave the run's folder; skipped").arg(a.path)});
                continue;
            }
            // Unchanged since it was stored: same size and not modified after the copy was made.
            const QFileInfo info(a.filePath);
            const auto have = stored.constFind(*path);
            if (have != stored.constEnd() && have->size == info.size() &&
                info.lastModified().toMSecsSinceEpoch() <= have->createdMs)
                continue;
            try {
                const ArtifactStore::Stored s = staging.put(a.filePath, m_options.cancelled, {}, a.root);
                newArtifacts.push_back(
                    {*path, s.size, s.sha256, ArtifactStore::mediaType(*path), nowMs(), Lifecycle::Active});
            } catch (const Error &e) {
                if (isCancelled())
                    throw;
                warning({a.filePath, e.message()});
            }
        }
    }

    // New or existing is decided under the write lock: another import of the same source may have stored
    // the run since the look above, and then this one adds only what is new, as a re-import does. Counted
    // only once committed: a run rolled back takes the experiment it created with it.
    Pending pending;
    Store::Transaction tx(m_store);
    const std::optional<Run> before = m_store.runs().run(id);
    const ExperimentId experiment = experimentFor(r.experiment, pending);
    qint64 points = 0;
    if (!before) {
        NewRun init;
        init.experimentId = experiment;
        init.id = id;
        init.name = r.name;
        init.user = r.user;
        init.status = r.status;
        init.startMs = r.startMs;
        init.startKnown = r.startMs.has_value(); // a source that does not tell the start gets none invented
        init.endMs = r.endMs;
        init.lifecycle = r.lifecycle;
        m_store.runs().createRun(init);
    } else if (!isTerminal(before->status) && (before->status != r.status || before->endMs != r.endMs)) {
        // A run still going when last imported has progressed (import --follow); a finished run's status is
        // left as it is here (someone may have corrected it).
        m_store.runs().setRunStatus(id, r.status, r.endMs);
    }
    for (auto it = r.params.begin(); it != r.params.end(); ++it) {
        if (before && before->params.contains(it.key())) {
            if (before->params.value(it.key()) != it.value())
                warning(
                    {r.sourceKey.isEmpty() ? id : r.sourceKey,
                     QStringLiteral(
                         "param '%1' is '%2' in the source but '%3' here; params are immutable, kept '%3'")
                         .arg(it.key(), it.value(), before->params.value(it.key()))});
            continue;
        }
        m_store.runs().logParam(id, it.key(), it.value());
    }
    // Tags the run has here are left alone (they may have been edited here); the source only adds new ones.
    // Its lifecycle is not changed either: a run deleted or restored here stays so.
    for (auto it = r.tags.begin(); it != r.tags.end(); ++it) {
        if (!before || !before->tags.contains(it.key()))
            m_store.runs().setTag(id, it.key(), it.value());
    }
    const QMap<QString, qint64> counts = before ? m_store.series().metricCounts(id) : QMap<QString, qint64>();
    for (SourceMetric &m : r.metrics) {
        const qint64 have = counts.value(m.key, 0);
        const qint64 source = qint64(m.points.size());
        if (source > have) {
            m_store.series().logMetrics(id, m.key,
                                        std::span<const MetricPoint>(m.points).subspan(size_t(have)));
            points += source - have;
        } else if (source < have) {
            warning(
                {r.sourceKey.isEmpty() ? id : r.sourceKey,
                 QStringLiteral("metric '%1' has %2 points in the source but %3 here; kept the stored ones")
                     .arg(m.key)
                     .arg(source)
                     .arg(have)});
        }
    }
    for (const DatasetInput &in : r.inputs)
        m_store.runs().addDatasetInput(id, in);
    QMap<QString, QString> recorded; // path -> sha256, as the transaction finds them
    if (before && !newArtifacts.empty()) {
        for (const Artifact &a : m_store.artifacts().artifacts(id, true))
            recorded.insert(a.path, a.sha256);
        // The same bytes at the same path were recorded meanwhile (by an import running alongside): the row
        // stays as it is.
        std::erase_if(newArtifacts, [&](const Artifact &a) { return recorded.value(a.path) == a.sha256; });
    }
    for (const Artifact &a : newArtifacts) {
        // A changed artifact replaces its row: the old bytes go once nothing names them.
        if (const auto have = recorded.constFind(a.path); have != recorded.constEnd() && *have != a.sha256)
            staging.replaces(*have);
        m_store.artifacts().addArtifact(id, a);
    }
    staging.publish();
    tx.commit();
    staging.committed();

    apply(pending);
    m_report.pointsAdded += points;
    m_report.artifactsAdded += int(newArtifacts.size());
    // Runs in the trash are not what the window shows: they do not make an experiment the busiest.
    if (!before) {
        ++m_report.runsAdded;
        if (r.lifecycle == Lifecycle::Active)
            ++m_report.runsByExperiment[experiment];
    } else if (points > 0 || !newArtifacts.empty()) {
        ++m_report.runsUpdated;
        if (before->lifecycle == Lifecycle::Active)
            ++m_report.runsByExperiment[before->experimentId];
    }
}

bool ImportWriter::model(const SourceModel &m)
{
    ++m_modelsRead;
    // Counted only once committed, as runs are.
    int modelsAdded = 0;
    int versionsAdded = 0;
    try {
        Store::Transaction tx(m_store);
        std::optional<RegisteredModel> existing = m_store.registry().registeredModel(m.name);
        if (!existing) {
            m_store.registry().createRegisteredModel(m.name, m.description, m.createdMs);
            ++modelsAdded;
            existing = m_store.registry().registeredModel(m.name);
        }
        for (auto it = m.tags.begin(); it != m.tags.end(); ++it)
            m_store.registry().setRegisteredModelTag(m.name, it.key(), it.value());
        for (const SourceModelVersion &v : m.versions) {
            const std::optional<ModelStage> stage = modelStageFromName(v.stage);
            if (!stage)
                warning({m.name, QStringLiteral("version %1: unknown stage '%2', kept as None")
                                     .arg(v.version)
                                     .arg(v.stage)});
            const auto have = std::find_if(existing->versions.begin(), existing->versions.end(),
                                           [&](const ModelVersion &x) { return x.version == v.version; });
            if (have == existing->versions.end()) {
                ModelVersion mv;
                mv.version = v.version;
                mv.runId = v.runId;
                mv.source = v.source;
                mv.description = v.description;
                mv.stage = stage.value_or(ModelStage::None);
                mv.creator = v.creator;
                mv.createdMs = v.createdMs.value_or(0);
                mv.updatedMs = v.updatedMs.value_or(0);
                mv.tags = v.tags;
                try {
                    m_store.registry().createModelVersion(m.name, mv);
                    ++versionsAdded;
                } catch (const Error &e) {
                    // The number is taken by a version deleted here: a re-import leaves it deleted and
                    // goes on with the model's other versions, tags and aliases.
                    if (e.kind() != Error::Kind::Conflict)
                        throw;
                    warning(
                        {m.name,
                         QStringLiteral("version %1 was deleted here; not imported again").arg(v.version)});
                }
            } else if (stage && have->stage != *stage) {
                m_store.registry().setModelVersionStage(m.name, v.version, *stage);
            }
        }
        for (auto it = m.aliases.begin(); it != m.aliases.end(); ++it) {
            try {
                m_store.registry().setModelAlias(m.name, it.key(), it.value());
            } catch (const Error &e) {
                warning({m.name, QStringLiteral("alias '%1': %2").arg(it.key(), e.message())});
            }
        }
        tx.commit();
        m_report.modelsAdded += modelsAdded;
        m_report.versionsAdded += versionsAdded;
    } catch (const Error &e) {
        warning({m.name, QStringLiteral("registered model not imported: %1").arg(e.message())});
    }
    return !isCancelled();
}

void ImportWriter::sourceFailed(const QString &message)
{
    m_sourceFailed = true;
    warning({m_sourceShown, message});
    m_report.failedSources << QStringLiteral("%1: %2").arg(m_sourceShown, message);
}

ImportReport ImportWriter::finish(const QString &lookedFor)
{
    // Runs could only be added while their experiment was active; deleted ones are deleted now.
    for (const SourceExperiment &e : m_experiments) {
        if (e.lifecycle != Lifecycle::Deleted || !m_reopened.contains(e.name))
            continue;
        if (const auto stored = m_store.runs().experimentByName(e.name))
            m_store.runs().setExperimentLifecycle(stored->id, Lifecycle::Deleted);
    }
    m_report.cancelled = isCancelled();
    if (!m_sourceFailed && !m_report.cancelled && m_runsRead == 0 && !m_report.warnings.isEmpty())
        m_report.failedSources << QStringLiteral("%1: no run could be read (%2 warnings)")
                                      .arg(m_sourceShown)
                                      .arg(m_report.warningCount());
    // A source that held nothing at all (no run, experiment or model, and nothing wrong) is not a success.
    else if (!m_sourceFailed && !m_report.cancelled && m_runsRead == 0 && m_experiments.isEmpty() &&
             m_modelsRead == 0)
        m_report.failedSources
            << (lookedFor.isEmpty()
                    ? QStringLiteral("%1: nothing to import found").arg(m_sourceShown)
                    : QStringLiteral("%1: nothing to import: no %2 found").arg(m_sourceShown, lookedFor));
    return m_report;
}

} // namespace runlens::import
