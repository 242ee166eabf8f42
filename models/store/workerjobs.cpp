// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/workerjobs.h"

#include "artifacts/artifactstore.h"
#include "core/error.h"
#include "itemmodels/rundetails.h"
#include "itemmodels/runmetricsmodel.h"
#include "store/storeworker.h"

namespace runlens::jobs {

void readRunDetails(StoreWorker *worker, QObject *context, const QString &runId, Done<RunDetails> done,
                    Failed failed)
{
    worker->run<RunDetails>(
        context, [runId](Store &store) { return RunDetails::load(store, runId); }, std::move(done),
        std::move(failed));
}

void readSparklines(StoreWorker *worker, QObject *context, const QString &runId,
                    Done<QMap<QString, Sparkline>> done, Failed failed)
{
    worker->run<QMap<QString, Sparkline>>(
        context,
        [runId](Store &store) {
            // A missing run is reported by the details job; here it just has no curves.
            if (!isValidRunId(runId))
                return QMap<QString, Sparkline>();
            try {
                return RunMetricsModel::loadSparklines(store, runId);
            } catch (const Error &e) {
                if (e.kind() == Error::Kind::NotFound)
                    return QMap<QString, Sparkline>();
                throw;
            }
        },
        std::move(done), std::move(failed));
}

void readRuns(StoreWorker *worker, QObject *context, const QStringList &ids, Done<std::vector<Run>> done,
              Failed failed)
{
    worker->run<std::vector<Run>>(
        context,
        [ids](Store &store) {
            std::vector<Run> runs;
            for (const QString &id : ids) {
                if (std::optional<Run> r = store.runs().run(id))
                    runs.push_back(std::move(*r));
            }
            return runs;
        },
        std::move(done), std::move(failed));
}

void readArtifacts(StoreWorker *worker, QObject *context, const QString &runId, bool withDeleted,
                   Done<std::vector<Artifact>> done, Failed failed)
{
    worker->run<std::vector<Artifact>>(
        context,
        [runId, withDeleted](Store &store) { return store.artifacts().artifacts(runId, withDeleted); },
        std::move(done), std::move(failed));
}

void readKeys(StoreWorker *worker, QObject *context, const QList<ExperimentId> &experiments, Done<Keys> done,
              Failed failed)
{
    worker->run<Keys>(
        context, [experiments](Store &store) { return store.runs().knownKeys(experiments); }, std::move(done),
        std::move(failed));
}

void readIsReadOnly(StoreWorker *worker, QObject *context, Done<bool> done, Failed failed)
{
    worker->run<bool>(
        context, [](Store &store) { return store.isReadOnly(); }, std::move(done), std::move(failed));
}

void countAllRuns(StoreWorker *worker, QObject *context, Done<qint64> done, Failed failed)
{
    worker->run<qint64>(
        context,
        [](Store &store) {
            RunQuery all;
            all.includeDeleted = true;
            return store.runs().countRuns(all);
        },
        std::move(done), std::move(failed));
}

void sweepArtifactStaging(StoreWorker *worker, QObject *context)
{
    worker->write<int>(
        context, [](Store &store) { return ArtifactStaging::sweep(store); }, [](int) {});
}

} // namespace runlens::jobs
