// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Everything the run page shows about one run except its metric curves, read in one store job: the run
// with params, tags and metric summaries, its parent and children, dataset inputs, artifacts and the model
// versions made from it.

#include "core/types.h"

#include <optional>
#include <vector>

namespace runlens {

class Store;

struct RunDetails
{
    QString requestedId;
    std::optional<Run> run;    // nullopt: the database has no run with requestedId
    std::optional<Run> parent; // when the run names a parent that exists
    std::vector<Run> children;
    std::vector<DatasetInput> inputs;
    std::vector<Artifact> artifacts;
    std::vector<ModelVersion> modelVersions; // registered model versions made from the run

    // Runs on the store worker. Throws Error for database failures; a missing run is not one.
    static RunDetails load(Store &store, const QString &id);
};

} // namespace runlens
