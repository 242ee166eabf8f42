// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every importer reads a foreign format into, before anything touches the store: experiments, runs
// (with their points and artifact files), registered models, and diagnostics per file. Readers are pure
// (path in, values out) so that they can be fuzzed and tested against ground truth; ImportWriter
// (importwriter.h) stores what they produce, idempotently and atomically per run.

#include "core/types.h"

#include <functional>
#include <optional>
#include <QMap>
#include <QString>
#include <vector>

namespace runlens::import {

enum class Format { Auto, MlflowFiles, MlflowDatabase, TensorBoard, Csv, JsonLines, Kubeflow, Dvc };
// "auto", "mlflow", "mlflow-db", "tensorboard", "csv", "jsonl", "kubeflow", "dvc"
QString formatName(Format f);
std::optional<Format> formatFromName(const QString &name);

struct SourceExperiment
{
    QString sourceId; // the source's own id (MLflow experiment id), informational
    QString name;
    QString description;
    Lifecycle lifecycle = Lifecycle::Active;
    std::optional<qint64> createdMs;
    QMap<QString, QString> tags;
};

struct SourceMetric
{
    QString key;
    std::vector<MetricPoint> points; // logging order
};

struct SourceArtifact
{
    QString path;     // relative to the run's artifact root, '/'-separated, never absolute, no ".." segments
    QString filePath; // the file on disk to copy from
    // The run's artifact folder filePath lies below, when the reader walked one: the copy opens every
    // component between the two without following a link, whatever changed on disk since the walk.
    QString root;
};

// An MLflow dataset input (log_input): kept as the run's inputs.
using SourceDatasetInput = DatasetInput;

struct SourceRun
{
    // The run's 32-hex id. Sources without ids (TensorBoard, CSV) leave it empty and set sourceKey: a stable
    // identity within the source from which the writer derives the same id on every import.
    QString id;
    QString sourceKey;
    QString experiment; // experiment name; empty: the import's --experiment or "Default"
    QString name;
    RunStatus status = RunStatus::Finished;
    std::optional<qint64> startMs;
    std::optional<qint64> endMs;
    QString user;
    Lifecycle lifecycle = Lifecycle::Active;
    std::optional<qint64> deletedMs;
    QMap<QString, QString> params;
    QMap<QString, QString> tags; // verbatim; well-known mlflow.* tags also fill native fields
    std::vector<SourceMetric> metrics;
    std::vector<SourceArtifact> artifacts;
    std::vector<SourceDatasetInput> inputs;
};

struct SourceModelVersion
{
    int version = 0;
    QString runId;
    QString source; // artifact location as the source recorded it
    QString description;
    QString stage = QStringLiteral("None"); // None, Staging, Production, Archived
    QString creator;
    std::optional<qint64> createdMs;
    std::optional<qint64> updatedMs;
    QMap<QString, QString> tags;
};

struct SourceModel
{
    QString name;
    QString description;
    std::optional<qint64> createdMs;
    std::optional<qint64> updatedMs;
    QMap<QString, QString> tags;
    QMap<QString, int> aliases; // alias -> version
    std::vector<SourceModelVersion> versions;
};

struct Diagnostic
{
    QString file; // the file (or folder) it concerns
    QString message;
};

// Where a reader delivers what it reads, one run at a time so that memory stays bounded by the largest run.
// Returning false from a callback (or isCancelled() turning true) asks the reader to stop early.
class ImportSink
{
public:
    virtual ~ImportSink() = default;
    virtual bool experiment(const SourceExperiment &experiment) = 0;
    virtual bool run(SourceRun &&run) = 0;
    virtual bool model(const SourceModel &model) = 0;
    virtual void warning(const Diagnostic &d) = 0;
    virtual void skipped(const QString &what, qint64 count) = 0; // e.g. ("histogram", 12): not an error
    virtual bool isCancelled() const { return false; }
    virtual void progress(qint64 done, qint64 total)
    {
        Q_UNUSED(done)
        Q_UNUSED(total)
    }
};

} // namespace runlens::import
