// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importer.h"

#include "core/sourcefile.h"
#include "import/csvlogreader.h"
#include "import/dvcreader.h"
#include "import/kubeflowreader.h"
#include "import/mlflowdbreader.h"
#include "import/mlflowfilereader.h"
#include "import/tensorboardreader.h"

#include <QFileInfo>

namespace runlens::import {

namespace {

struct Reader
{
    Format format;
    const char *name;
    bool (*detect)(const QString &);
    void (*read)(const QString &, ImportSink &);
    // What the reader looks for, named when a source holds none of it.
    const char *lookedFor = nullptr;
};

// In detection order: the more specific formats first.
const QList<Reader> &readers()
{
    static const QList<Reader> all = {
        {Format::MlflowDatabase, "mlflow-db", looksLikeMlflowDatabase, readMlflowDatabase,
         "MLflow experiments, runs or models in the database"},
        {Format::MlflowFiles, "mlflow", looksLikeMlflowFiles, readMlflowFiles,
         "MLflow experiments or runs (<experiment>/meta.yaml, <experiment>/<run>/meta.yaml)"},
        // Before TensorBoard: a pipeline folder may hold event files among its artifacts.
        {Format::Kubeflow, "kubeflow", looksLikeKubeflow, readKubeflow,
         "Kubeflow Pipelines metrics (mlpipeline-metrics.json, executor_output.json, metrics artifacts)"},
        {Format::Dvc, "dvc", looksLikeDvc, readDvc,
         "DVC projects (dvc.yaml, dvc.lock) or DVCLive folders (plots/metrics, scalars, *.tsv with a "
         "summary)"},
        {Format::TensorBoard, "tensorboard", looksLikeTensorBoard, readTensorBoard,
         "TensorBoard event files (events.out.tfevents*) with data"},
        {Format::Csv, "csv", looksLikeCsvLog, readCsvLog,
         "CSV or TSV logs (.csv, .tsv, or .log/.txt files with a header row and rows of numbers)"},
        {Format::JsonLines, "jsonl", looksLikeJsonLines, readJsonLines,
         "JSON-lines logs (.jsonl, .ndjson, or .json/.log files of one JSON object per line)"},
    };
    return all;
}

} // namespace

QString formatName(Format f)
{
    switch (f) {
    case Format::Auto:
        return QStringLiteral("auto");
    case Format::MlflowFiles:
        return QStringLiteral("mlflow");
    case Format::MlflowDatabase:
        return QStringLiteral("mlflow-db");
    case Format::TensorBoard:
        return QStringLiteral("tensorboard");
    case Format::Csv:
        return QStringLiteral("csv");
    case Format::JsonLines:
        return QStringLiteral("jsonl");
    case Format::Kubeflow:
        return QStringLiteral("kubeflow");
    case Format::Dvc:
        return QStringLiteral("dvc");
    }
    return {};
}

std::optional<Format> formatFromName(const QString &name)
{
    for (Format f : {Format::Auto, Format::MlflowFiles, Format::MlflowDatabase, Format::TensorBoard,
                     Format::Csv, Format::JsonLines, Format::Kubeflow, Format::Dvc}) {
        if (name == formatName(f))
            return f;
    }
    return std::nullopt;
}

Format detectFormat(const QString &path)
{
    if (livedb::databaseOf(path))
        return Format::Auto; // never read as a file (sourcefile.h)
    for (const Reader &r : readers()) {
        if (r.detect(path))
            return r.format;
    }
    return Format::Auto;
}

ImportReport importPaths(Store &store, const QStringList &paths, Format format, const ImportOptions &options)
{
    // Resolve every path's reader first, so that a typo in the last path changes nothing.
    QList<std::pair<QString, const Reader *>> plan;
    for (const QString &path : paths) {
        if (!QFileInfo::exists(path))
            throw Error(QStringLiteral("%1 does not exist").arg(path), Error::Kind::NotFound);
        livedb::refuseLiveDatabase(path);
        const Format f = format == Format::Auto ? detectFormat(path) : format;
        const Reader *reader = nullptr;
        for (const Reader &r : readers()) {
            if (r.format == f)
                reader = &r;
        }
        if (!reader) {
            throw Error(f == Format::Auto
                            ? QStringLiteral("%1: format not recognised (an mlruns folder, mlflow.db, "
                                             "TensorBoard event files, CSV or JSON-lines logs, "
                                             "Kubeflow Pipelines metrics, a DVC project or DVCLive folder)")
                                  .arg(path)
                            : QStringLiteral("%1: the %2 reader is not available").arg(path, formatName(f)));
        }
        plan.append({path, reader});
    }
    // Copies that killed or failed imports and attaches left behind go first (never a live writer's).
    ArtifactStaging::sweep(store);
    ImportReport total;
    for (const auto &[path, reader] : plan) {
        const QString fallback =
            options.experiment.isEmpty() ? QFileInfo(path).completeBaseName() : options.experiment;
        ImportWriter writer(store, options, fallback, path);
        try {
            reader->read(path, writer);
        } catch (const Error &e) {
            writer.sourceFailed(e.message());
        } catch (const std::exception &e) { // a library's exception must not end the program
            writer.sourceFailed(QStringLiteral("import stopped: %1").arg(QString::fromUtf8(e.what())));
        }
        total.merge(writer.finish(reader->lookedFor ? QString::fromUtf8(reader->lookedFor) : QString()));
        if (total.cancelled)
            break;
    }
    return total;
}

} // namespace runlens::import
