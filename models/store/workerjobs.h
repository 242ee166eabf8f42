// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The reads (and the one piece of housekeeping) the window's pages ask of the store worker, typed: each runs
// as one job on the StoreWorker and answers done(result) or failed(message) on context's thread, nothing once
// context is gone. With the item models and the action objects (models/actions/), this is how widgets reach
// the data: none of them sees the Store.

#include "core/types.h"
#include "search/filterkeys.h"

#include <functional>
#include <QMap>
#include <vector>

class QObject;

namespace runlens {

class StoreWorker;
struct RunDetails; // itemmodels/rundetails.h
struct Sparkline;  // itemmodels/runmetricsmodel.h

namespace jobs {

template<typename T> using Done = std::function<void(T)>;
using Failed = std::function<void(const QString &message)>;

// Everything the run page shows of one run but its curves (RunDetails::load).
void readRunDetails(StoreWorker *worker, QObject *context, const QString &runId, Done<RunDetails> done,
                    Failed failed);
// Each metric of the run reduced to a sparkline; none for a run that is not there (the details say so).
void readSparklines(StoreWorker *worker, QObject *context, const QString &runId,
                    Done<QMap<QString, Sparkline>> done, Failed failed);
// The runs with these ids, in the order given, with params, tags and metric summaries; unknown ids are left
// out.
void readRuns(StoreWorker *worker, QObject *context, const QStringList &ids, Done<std::vector<Run>> done,
              Failed failed);
// The artifact rows of a run, deleted ones too when asked.
void readArtifacts(StoreWorker *worker, QObject *context, const QString &runId, bool withDeleted,
                   Done<std::vector<Artifact>> done, Failed failed);

// The metric, param and tag keys the runs of `experiments` use (every experiment when empty); also what a
// filter over them may name (search::unknownKeys).
using Keys = search::KnownKeys;
void readKeys(StoreWorker *worker, QObject *context, const QList<ExperimentId> &experiments, Done<Keys> done,
              Failed failed);
// Whether the database could only be opened for reading.
void readIsReadOnly(StoreWorker *worker, QObject *context, Done<bool> done, Failed failed = {});
// How many runs the database holds, trashed ones included.
void countAllRuns(StoreWorker *worker, QObject *context, Done<qint64> done, Failed failed);
// Removes what an attach or import killed mid-copy left in the artifact store (ArtifactStaging::sweep, which
// leaves every live writer's copies alone). A write: it runs even when context is gone.
void sweepArtifactStaging(StoreWorker *worker, QObject *context);

} // namespace jobs
} // namespace runlens
