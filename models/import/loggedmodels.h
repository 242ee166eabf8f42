// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// MLflow 3 "logged models" (a file store's <experiment>/models/m-<id>/ folders, a database's logged_models
// tables), as both MLflow readers deliver them: each becomes part of its source run, so that the run page
// lists it and Promote to Model can register it.
//
// How a logged model lands on its run (folder = the model's name, or its id when the name is not a usable
// folder name or is taken on that run already):
//   - its artifacts (MLmodel, model files) under <folder>/..., as artifacts of the run;
//   - its params as run params <folder>/<key>: they are the model's hyperparameters, so they belong with the
//     run's params in the runs table and Compare, and the prefix keeps them apart from the run's own;
//   - its metrics as run metrics <folder>/<key>, every point kept (step and time as logged): the Compare page
//     groups them under the folder name;
//   - its id, status, type and tags as run tags mlflow.logged_model.<folder>.{model_id,status,model_type} and
//     mlflow.logged_model.<folder>.tags.<key>: descriptive, not for comparing, and tags can be edited here.
// A logged model whose source run is not in the source, or that names none, gives one warning line each.

#include "import/importsource.h"

#include <QHash>

namespace runlens::import {

struct LoggedModel
{
    QString id;   // m-<32 hex>
    QString name; // as logged (log_model(name=...))
    QString sourceRunId;
    QString status; // READY, PENDING, FAILED, ...
    QString modelType;
    std::optional<qint64> createdMs;
    QMap<QString, QString> params;
    QMap<QString, QString> tags;
    std::vector<SourceMetric> metrics;
    std::vector<SourceArtifact> artifacts; // paths relative to the model's artifact folder
    QString where;                         // the file or row it came from, for messages
};

// MLflow's LoggedModelStatus as stored (an integer in meta.yaml and the database) to its name.
QString loggedModelStatusName(const QString &stored);

// Logged models by source run id (lower case), in the order they were given; attach() takes them out.
class LoggedModelIndex
{
public:
    // Models without a source run are reported at once.
    void add(LoggedModel model, ImportSink &sink);
    // Moves the run's logged models into it (see the header comment). Returns how many.
    int attach(SourceRun &run, ImportSink &sink);
    // One warning per model whose source run never came (not in the source, or skipped). Call at the end.
    void reportUnclaimed(ImportSink &sink);
    bool isEmpty() const { return m_byRun.isEmpty(); }

private:
    QHash<QString, std::vector<LoggedModel>> m_byRun;
    QStringList m_order; // run ids in first-seen order, for stable messages
};

} // namespace runlens::import
