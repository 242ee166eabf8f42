// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads the metrics Kubeflow Pipelines steps write into SourceRuns: one run per step, every metric a single
// point at step 0 (the time of the file that holds it). Never writes to the source.
//
// Files read:
// - KFP v1 `mlpipeline-metrics.json`: {"metrics": [{"name": ..., "numberValue": ..., "format": ...}]}. The
//   format (RAW or PERCENTAGE) becomes the tag `kfp.format.<name>`; a metric without a format gets none. A
//   name given twice keeps the first value, as KFP does ("first reporting wins").
// - KFP v2 `executor_output.json` (what the SDK's executor writes for a step, e.g. under kfp.local):
//   {"artifacts": {"<output>": {"artifacts": [{"name", "uri", "metadata": {...}, "type": {...}}]}}}. The
//   numeric metadata values of its artifacts are metrics (KFP's Metrics.log_metric stores them there); an
//   artifact typed as anything but system.Metrics / system.ClassificationMetrics /
//   system.SlicedClassificationMetrics is left alone. ROC curves and confusion matrices
//   (ClassificationMetrics' confidenceMetrics and confusionMatrix) and other structured values are counted
//   as skipped; `display_name` and `store_session_info` (KFP's own bookkeeping) are ignored.
// - A metrics artifact file: a file named `metrics` or `*.json` holding one runtime artifact as JSON, an
//   object with a `metadata` object (and `uri` or `type`, or the name `metrics`), read as one artifact of an
//   executor output. Only read in folders without an executor_output.json, which is KFP's record of the
//   step when present.
// A metric name that two artifacts of one step both hold is kept as `<output>/<name>` for the later ones.
//
// Names, from the layouts KFP writes (kfp.dsl.executor, kfp.local, the v2 driver's output URIs):
// - kfp.local: `<pipeline_root>/<pipeline name>-<YYYY-MM-DD-HH-MM-SS-ffffff>/<task
// name>/executor_output.json`
//   (kfp/local/executor_input_utils.py: get_local_pipeline_resource_name, construct_local_task_root).
// - The v2 backend's artifact store: `<pipeline_root>/<pipeline name>/<run id>/<task name>/<uuid>/<output>`
//   (backend/src/v2: GetPipeline's pipeline root plus provisionOutputs' task root with a uuid salt).
// - KFP v1 files kept one folder per step: `<pipeline>/<step>/mlpipeline-metrics.json`.
// The folder holding a file is its step's execution; the step name is that folder's name, or its parent's
// when the folder is a uuid (the v2 salt). The folder above the step is the pipeline run: a uuid there is
// the run id (tag `kfp.run_id`) and the pipeline name is the folder above it; a kfp.local name is cut
// before its timestamp (the whole name becomes the tag `kfp.pipeline_run`); any other name is the
// pipeline's. Folders are taken from the import root down (its own name included); folders above it only
// when they have one of these KFP shapes. The pipeline names the experiment (empty when no folder tells it:
// the import's --experiment or default), the step names the run.
//
// Runs: status FINISHED, start unknown, end the newest modification time of the files read. sourceKey: the
// execution folder's path relative to the import root ("." for the root; for a single file, relative to
// its folder), so a second import finds the same runs.
//
// Bounds: files above 16 MiB are not read (metrics files are a few KB; a long ROC curve stays far below),
// folders are walked at most 32 levels deep without following links to folders, FIFOs and devices are
// never opened, and at most 200,000 entries are looked at. Broken JSON is a warning naming the file and the
// line the parser stopped at; a metric without a name or with a value that is not a number is a warning
// naming the file and where in it; the rest is imported. A file that yields no metric is reported.

#include "import/importsource.h"

#include <QByteArray>
#include <QString>

namespace runlens::import {

// An mlpipeline-metrics.json or executor_output.json file, a metrics artifact file, or a folder holding one
// of the first two (or a `metrics` file inside a uuid-named folder) within six levels.
bool looksLikeKubeflow(const QString &path);

// File or folder, as described above. Throws runlens::Error when the path does not exist or holds none of
// the files read.
void readKubeflow(const QString &path, ImportSink &sink);

// What kind of KFP file a name is, for parseKubeflowFile.
enum class KubeflowFile { V1Metrics, ExecutorOutput, MetricsArtifact };

// Adds the metrics (and format tags) one file holds, read into memory, to run; warnings name `file`.
// Returns the number of metrics added. For readKubeflow, the tests and fuzzing; never throws.
int parseKubeflowFile(const QByteArray &data, KubeflowFile kind, const QString &file, qint64 fileMs,
                      SourceRun &run, ImportSink &sink);

} // namespace runlens::import
