// SPDX-License-Identifier: GPL-3.0-or-later
#include "registry/promotechoices.h"

#include "store/store.h"
#include "store/storeworker.h"

namespace runlens {

PromoteChoices PromoteChoices::load(Store &store, const QString &id)
{
    PromoteChoices c;
    if (!isValidRunId(id))
        return c;
    const std::optional<Run> run = store.runs().run(id);
    if (!run)
        return c;
    c.runFound = true;
    c.runName = run->name;
    for (const RegisteredModel &m : store.registry().registeredModels())
        c.models << m.name;
    c.artifacts = store.artifacts().artifacts(id);
    return c;
}

void readPromoteChoices(StoreWorker *worker, QObject *context, const QString &runId,
                        std::function<void(PromoteChoices)> done, std::function<void(const QString &)> failed)
{
    worker->run<PromoteChoices>(
        context, [runId](Store &store) { return PromoteChoices::load(store, runId); }, std::move(done),
        std::move(failed));
}

} // namespace runlens
