// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Item-data roles of every Runlens item model, in one place. Views and delegates use these names; no bare
// Qt::UserRole anywhere.

#include <Qt>

namespace runlens {

enum Role : int {
    RunIdRole = Qt::UserRole + 1, // QString: the run's 32-hex id, on every column of a run row
    RunStatusRole,                // int: RunStatus of the run
    StarredRole,                  // bool: the run is starred
    SortValueRole,                // QVariant: the raw value behind the displayed text (numbers as double)
    ExperimentIdRole,             // qint64: an experiment's id
    RunCountRole,                 // qint64: an experiment's active runs
    DeletedRole,                  // bool: the item (experiment, run or artifact) is in the trash
    RunColorRole,                 // QColor: the run's colour in the shared run-colour map (runcolors.h)
    DescriptionRole,              // QString: an experiment's description as written (Markdown)
    FullTextRole,  // QString: a cell's complete text (full precision, not shortened) for copying
    SparklineRole, // Sparkline (runmetricsmodel.h): a metric's overview, on the sparkline column
    PendingRole,   // bool: a write of this item is in flight; it shows the stored value until then
    // The hyperparameter diff (RunDiffModel): on its cells, and on its header sections where noted.
    DiffersRole,             // bool: the row's values are not all equal across the runs (missing differs);
                             // on cells and on the vertical header
    ChangedFromBaselineRole, // bool: the cell's value is not equal to the baseline run's (never on the
                             // baseline)
    MissingRole,             // bool: the run has no value for the row; the cell shows a marker
    BaselineRole,            // bool: the column is the baseline run; on cells and on the horizontal header
    SectionHeaderRole,       // bool: the row titles a section (Params, Metrics, Tags, Attributes); on cells
                             // and on the vertical header
    BaselineDeltaRole,       // double: a numeric cell's value minus the baseline's; absent when not numeric
    ParamKeyRole,            // QString: a param's key, on the items of the parallel-coordinates axis list
    // The artifact tree (ArtifactTreeModel, and the promote dialog's folder tree), on every column of an
    // item.
    ArtifactPathRole,   // QString: the item's path relative to the run's artifact root ('/'-separated; in the
                        // promote dialog "" stands for the whole run)
    ArtifactFolderRole, // bool: the item is a folder (its size is the sum of the files below it)
    // The model registry (RegisteredModelsModel, ModelVersionsModel, AuditTrailModel, RegistryTagsModel).
    ModelNameRole,    // QString: the registered model's name, on every column of a model or version row
    ModelVersionRole, // int: the model version's number, on every column of a version row (0: none)
    TagKeyRole,       // QString: the tag's key, on every column of a tag row
    // The runs table's tree (RunTableModel::setNested), on every column of a run row.
    TreeDepthRole,  // int: 0 for a top-level run, 1 for its children, ...
    ChildCountRole, // qint64: the run's children in the listing (0: no disclosure)
    ExpandedRole,   // bool: the run's children are shown below it
};

} // namespace runlens
