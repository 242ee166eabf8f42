// SPDX-License-Identifier: GPL-3.0-or-later
#include "registry/modeldetails.h"

#include "store/store.h"
#include "store/storeworker.h"

namespace runlens {

ModelDetails ModelDetails::load(Store &store, const QString &name)
{
    ModelDetails d;
    d.requestedName = name;
    d.model = store.registry().registeredModel(name);
    if (!d.model)
        return d;
    d.audit = store.registry().auditTrail(name);
    // The versions' runs in one batched read, not one per version.
    QStringList ids;
    for (const ModelVersion &v : d.model->versions) {
        if (!v.runId.isEmpty() && !ids.contains(v.runId) && isValidRunId(v.runId))
            ids << v.runId;
    }
    for (const Run &r : store.runs().runs(ids))
        d.runs.insert(r.id, VersionRun{r.name, r.lifecycle == Lifecycle::Deleted, r.status});
    return d;
}

void readRegisteredModels(StoreWorker *worker, QObject *context,
                          std::function<void(std::vector<RegisteredModel>)> done,
                          std::function<void(const QString &)> failed)
{
    worker->run<std::vector<RegisteredModel>>(
        context, [](Store &store) { return store.registry().registeredModels(); }, std::move(done),
        std::move(failed));
}

void readModelDetails(StoreWorker *worker, QObject *context, const QString &name,
                      std::function<void(ModelDetails)> done, std::function<void(const QString &)> failed)
{
    worker->run<ModelDetails>(
        context, [name](Store &store) { return ModelDetails::load(store, name); }, std::move(done),
        std::move(failed));
}

} // namespace runlens
