// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What Promote to Model… offers for a run, read in one store job: whether the run exists, its name, the
// registered models to add a version to, and the run's artifacts (the folders a model may be in).

#include "core/types.h"

#include <functional>
#include <QStringList>
#include <vector>

class QObject;

namespace runlens {

class Store;
class StoreWorker;

struct PromoteChoices
{
    bool runFound = false;
    QString runName;
    QStringList models;
    std::vector<Artifact> artifacts;

    // Runs on the store worker. A run id that is malformed or not in the database is no error: runFound
    // stays false.
    static PromoteChoices load(Store &store, const QString &runId);
};

// PromoteChoices::load(runId) on the worker, then done(choices) on context's thread, or failed(message).
// Nothing is called once context is gone.
void readPromoteChoices(StoreWorker *worker, QObject *context, const QString &runId,
                        std::function<void(PromoteChoices)> done,
                        std::function<void(const QString &)> failed);

} // namespace runlens
