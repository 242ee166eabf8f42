// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the Models page shows about one registered model, read in one store job: the model with its
// versions, aliases and tags, its audit trail, and the names of the runs its versions came from (a version
// of an imported registry may name a run this database does not hold). With the page's two reads, which run
// on the store worker so that the page never sees the Store.

#include "core/types.h"

#include <functional>
#include <optional>
#include <QMap>
#include <vector>

class QObject;

namespace runlens {

class Store;
class StoreWorker;

// The run a model version was made from, as a version row shows it.
struct VersionRun
{
    QString name;         // empty when the run has none (the row shows the short id)
    bool deleted = false; // in the trash
    RunStatus status = RunStatus::Finished;
};

struct ModelDetails
{
    QString requestedName;
    std::optional<RegisteredModel> model; // nullopt: no model of that name (deleted meanwhile)
    std::vector<AuditEntry> audit;        // oldest first
    QMap<QString, VersionRun> runs;       // run id -> run; runs not in the database are absent

    // Runs on the store worker. Throws Error for database failures; a missing model is not one.
    static ModelDetails load(Store &store, const QString &name);
};

// Reads every registered model (the Models page's list) on the worker, then done(models) on context's
// thread, or failed(message). Nothing is called once context is gone.
void readRegisteredModels(StoreWorker *worker, QObject *context,
                          std::function<void(std::vector<RegisteredModel>)> done,
                          std::function<void(const QString &)> failed);
// ModelDetails::load(name) on the worker, answered as readRegisteredModels.
void readModelDetails(StoreWorker *worker, QObject *context, const QString &name,
                      std::function<void(ModelDetails)> done, std::function<void(const QString &)> failed);

} // namespace runlens
