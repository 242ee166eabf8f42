// SPDX-License-Identifier: GPL-3.0-or-later
#include "modeldetails.h"

namespace runlens {

ModelDetails ModelDetails::load(Store &store, const QString &name)
{
    ModelDetails d;
    d.requestedName = name;
    d.model = store.registeredModel(name);
    if (!d.model)
        return d;
    d.audit = store.auditTrail(name);
    for (const ModelVersion &v : d.model->versions) {
        if (v.runId.isEmpty() || d.runs.contains(v.runId) || !isValidRunId(v.runId))
            continue;
        if (const std::optional<Run> r = store.run(v.runId))
            d.runs.insert(v.runId, VersionRun{r->name, r->lifecycle == Lifecycle::Deleted});
    }
    return d;
}

} // namespace runlens
