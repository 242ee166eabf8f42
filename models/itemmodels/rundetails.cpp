// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/rundetails.h"

#include "store/store.h"

namespace runlens {

RunDetails RunDetails::load(Store &store, const QString &id)
{
    RunDetails d;
    d.requestedId = id;
    if (!isValidRunId(id))
        return d; // never a run id: no need to ask the database
    d.run = store.runs().run(id);
    if (!d.run)
        return d;
    if (!d.run->parentId.isEmpty() && d.run->parentId != id)
        d.parent = store.runs().run(d.run->parentId);
    d.children = store.runs().childRuns(id);
    d.inputs = store.runs().datasetInputs(id);
    d.artifacts = store.artifacts().artifacts(id);
    d.modelVersions = store.registry().modelVersionsOfRun(id);
    return d;
}

} // namespace runlens
