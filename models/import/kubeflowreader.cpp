// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/kubeflowreader.h"

#include "core/error.h"
#include "core/sourcefile.h"

#include <algorithm>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

namespace runlens::import {
namespace {

constexpr qint64 MaxFileBytes = qint64(16) << 20;
constexpr int MaxDepth = 32;
constexpr qint64 MaxEntries = 200000;
constexpr int ProbeDepth = 6;
constexpr int ProbeEntries = 20000;

const QString V1Name = QStringLiteral("mlpipeline-metrics.json");
const QString ExecutorName = QStringLiteral("executor_output.json");
const QString ArtifactName = QStringLiteral("metrics");

bool isUuid(const QString &name)
{
    static const QRegularExpression re(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return re.match(name).hasMatch();
}

// kfp.local's pipeline resource name: `<pipeline>-<%Y-%m-%d-%H-%M-%S-%f>`. Returns the pipeline part.
std::optional<QString> localPipelineName(const QString &name)
{
    static const QRegularExpression re(
        QStringLiteral("^(.+)-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{6}$"));
    const QRegularExpressionMatch m = re.match(name);
    if (!m.hasMatch())
        return std::nullopt;
    return m.captured(1);
}

std::optional<KubeflowFile> kindOfName(const QString &fileName)
{
    if (fileName == V1Name)
        return KubeflowFile::V1Metrics;
    if (fileName == ExecutorName)
        return KubeflowFile::ExecutorOutput;
    if (fileName == ArtifactName || fileName.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return KubeflowFile::MetricsArtifact;
    return std::nullopt;
}

// A runtime artifact written as JSON on its own: an object with a metadata object. A .json file must also
// look like one (a uri or a type), so that a dataset that happens to have "metadata" is not taken for it.
bool isArtifactObject(const QJsonObject &o, const QString &fileName)
{
    if (!o.value(QLatin1String("metadata")).isObject())
        return false;
    return fileName == ArtifactName || o.contains(QLatin1String("uri")) || o.contains(QLatin1String("type"));
}

bool isMetricsType(const QString &schemaTitle)
{
    return schemaTitle == QLatin1String("system.Metrics") ||
           schemaTitle == QLatin1String("system.ClassificationMetrics") ||
           schemaTitle == QLatin1String("system.SlicedClassificationMetrics");
}

struct Parser
{
    const QString &file;
    qint64 fileMs;
    SourceRun &run;
    ImportSink &sink;
    QSet<QString> keys; // in the run already
    int added = 0;

    void warn(const QString &message) { sink.warning({file, message}); }

    void addMetric(const QString &key, double value)
    {
        run.metrics.push_back({key, {MetricPoint{0, fileMs, value}}});
        keys.insert(key);
        ++added;
    }

    void v1(const QJsonObject &root)
    {
        const QJsonValue list = root.value(QLatin1String("metrics"));
        if (!list.isArray()) {
            warn(QStringLiteral(
                "no \"metrics\" list (KFP v1 writes {\"metrics\": [{\"name\", \"numberValue\", "
                "\"format\"}]}); nothing imported"));
            return;
        }
        const QJsonArray metrics = list.toArray();
        QSet<QString> seen;
        for (qsizetype i = 0; i < metrics.size(); ++i) {
            const QString where = QStringLiteral("metrics[%1]").arg(i);
            const QJsonObject m = metrics.at(i).toObject();
            const QString name = m.value(QLatin1String("name")).toString();
            if (!metrics.at(i).isObject()) {
                warn(QStringLiteral("%1: not an object; skipped").arg(where));
                continue;
            }
            if (name.isEmpty()) {
                warn(QStringLiteral("%1: no name; skipped").arg(where));
                continue;
            }
            const QJsonValue value = m.value(QLatin1String("numberValue"));
            if (!value.isDouble()) {
                warn(QStringLiteral("%1 ('%2'): numberValue is not a number; skipped").arg(where, name));
                continue;
            }
            if (seen.contains(name)) {
                warn(QStringLiteral("%1: '%2' is given again; kept the first value, as KFP does")
                         .arg(where, name));
                continue;
            }
            seen.insert(name);
            const QString key = keys.contains(name) ? QStringLiteral("mlpipeline-metrics/") + name : name;
            addMetric(key, value.toDouble());
            const QJsonValue format = m.value(QLatin1String("format"));
            if (format.isUndefined() || format.isNull())
                continue;
            const QString f = format.toString();
            if (f == QLatin1String("RAW") || f == QLatin1String("PERCENTAGE"))
                run.tags.insert(QStringLiteral("kfp.format.") + key, f);
            else
                warn(
                    QStringLiteral("%1 ('%2'): format is not RAW or PERCENTAGE; the value is kept without it")
                        .arg(where, name));
        }
    }

    // One runtime artifact's metadata; `output` is its output name, `where` says where it is in the file.
    void artifact(const QString &output, const QJsonObject &a, const QString &where)
    {
        const QString type =
            a.value(QLatin1String("type")).toObject().value(QLatin1String("schemaTitle")).toString();
        if (!type.isEmpty() && !isMetricsType(type))
            return; // a model, a dataset: its metadata describes it, it is not a measurement
        const QJsonObject metadata = a.value(QLatin1String("metadata")).toObject();
        for (auto it = metadata.begin(); it != metadata.end(); ++it) {
            const QString name = it.key();
            const QJsonValue v = it.value();
            if (name == QLatin1String("display_name") || name == QLatin1String("store_session_info"))
                continue;
            if (name.isEmpty()) {
                warn(QStringLiteral("%1: a metric without a name; skipped").arg(where));
                continue;
            }
            if (v.isDouble()) {
                addMetric(keys.contains(name) ? output + QLatin1Char('/') + name : name, v.toDouble());
            } else if (name == QLatin1String("confidenceMetrics") && v.isArray()) {
                sink.skipped(QStringLiteral("KFP ROC curves"), 1);
            } else if (name == QLatin1String("confusionMatrix") && v.isObject()) {
                sink.skipped(QStringLiteral("KFP confusion matrices"), 1);
            } else if (v.isArray() || v.isObject()) {
                sink.skipped(QStringLiteral("KFP structured metadata"), 1);
            } else {
                warn(QStringLiteral("%1: '%2' is not a number; skipped").arg(where, name));
            }
        }
    }

    void executorOutput(const QJsonObject &root)
    {
        const QJsonObject outputs = root.value(QLatin1String("artifacts")).toObject();
        for (auto it = outputs.begin(); it != outputs.end(); ++it) {
            const QJsonArray list = it.value().toObject().value(QLatin1String("artifacts")).toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                const QString where = QStringLiteral("artifacts.%1[%2]").arg(it.key()).arg(i);
                if (!list.at(i).isObject()) {
                    warn(QStringLiteral("%1: not an object; skipped").arg(where));
                    continue;
                }
                artifact(it.key(), list.at(i).toObject(), where);
            }
        }
    }
};

// The names a step's execution folder gives (see the header).
struct StepNames
{
    QString step;
    QString pipeline;
    QString pipelineRun; // the pipeline run's folder name
    QString runId;
};

// `exec` is the folder holding the files; `root` the import root (a folder). Folders at or below the root
// are taken as they are, folders above it only when they have a KFP shape.
StepNames namesFor(const QString &exec, const QString &root)
{
    const QString rootPath = QDir::cleanPath(root);
    const auto inside = [&](const QString &dir) {
        return dir == rootPath || dir.startsWith(rootPath + QLatin1Char('/'));
    };
    StepNames n;
    QString stepDir = QDir::cleanPath(exec);
    if (isUuid(QFileInfo(stepDir).fileName()) && inside(stepDir))
        stepDir = QFileInfo(stepDir).path();
    n.step = QFileInfo(stepDir).fileName();
    const QString runDir = QFileInfo(stepDir).path();
    const QString runName = QFileInfo(runDir).fileName();
    if (runDir == stepDir || runName.isEmpty())
        return n;
    if (isUuid(runName)) {
        n.runId = runName;
        const QString pipelineDir = QFileInfo(runDir).path();
        if (inside(pipelineDir))
            n.pipeline = QFileInfo(pipelineDir).fileName();
    } else if (const auto local = localPipelineName(runName)) {
        n.pipeline = *local;
        n.pipelineRun = runName;
    } else if (inside(runDir)) {
        n.pipeline = runName;
    }
    return n;
}

std::optional<QByteArray> readFile(const QFileInfo &fi, bool quietWhenLarge, ImportSink &sink)
{
    // The size is looked at first so that a large file listed as a candidate is passed over quietly.
    if (fi.size() > MaxFileBytes && quietWhenLarge)
        return std::nullopt;
    BoundedRead r = readBounded(fi.filePath(), MaxFileBytes);
    switch (r.problem) {
    case BoundedRead::Problem::None:
        return std::move(r.data);
    case BoundedRead::Problem::Unreadable:
        sink.warning({fi.filePath(), QStringLiteral("cannot read: %1").arg(r.error)});
        break;
    case BoundedRead::Problem::TooLarge:
        sink.warning({fi.filePath(),
                      QStringLiteral("larger than 16 MiB, the most a KFP metrics file is read to; skipped")});
        break;
    }
    return std::nullopt;
}

// A metrics artifact file is only one when its content says so; anything else (datasets, configs) is not
// reported.
bool isArtifactFile(const QByteArray &data, const QString &fileName)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    return error.error == QJsonParseError::NoError && doc.isObject() &&
           isArtifactObject(doc.object(), fileName);
}

// Every folder below dir that holds candidate files, with them, sorted; bounded in depth and entries.
void collect(const QString &dir, int depth, qint64 &budget, QMap<QString, QList<QFileInfo>> &out)
{
    if (depth > MaxDepth)
        return;
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &e : entries) {
        if (--budget < 0)
            return;
        if (e.isDir()) {
            if (!e.isSymLink())
                collect(e.filePath(), depth + 1, budget, out);
        } else if (e.isFile() && kindOfName(e.fileName())) {
            out[dir].append(e);
        }
    }
}

// Reads one execution folder's files into one run and hands it to the sink, counting the KFP files among
// them in `recognised`. Returns false when the sink asked to stop.
bool readStep(const QString &dir, const QList<QFileInfo> &files, const QString &root, bool single,
              qint64 &recognised, ImportSink &sink)
{
    const bool hasExecutorOutput = std::any_of(
        files.begin(), files.end(), [](const QFileInfo &f) { return f.fileName() == ExecutorName; });
    SourceRun run;
    run.status = RunStatus::Finished;
    const QString key = QDir(root).relativeFilePath(dir);
    run.sourceKey = key.isEmpty() ? QStringLiteral(".") : key;
    const StepNames names = namesFor(dir, root);
    run.name = names.step;
    run.experiment = names.pipeline;
    if (!names.pipelineRun.isEmpty())
        run.tags.insert(QStringLiteral("kfp.pipeline_run"), names.pipelineRun);
    if (!names.runId.isEmpty())
        run.tags.insert(QStringLiteral("kfp.run_id"), names.runId);
    std::optional<qint64> lastWrite;
    for (const QFileInfo &fi : files) {
        const KubeflowFile kind = *kindOfName(fi.fileName());
        // The executor output is KFP's record of the step; artifact files beside it hold what the code wrote.
        if (kind == KubeflowFile::MetricsArtifact && hasExecutorOutput)
            continue;
        const bool generic = kind == KubeflowFile::MetricsArtifact && !single;
        const auto data = readFile(fi, generic, sink);
        if (!data)
            continue;
        if (generic && !isArtifactFile(*data, fi.fileName()))
            continue;
        ++recognised;
        const qint64 ms = fi.lastModified().toMSecsSinceEpoch();
        if (parseKubeflowFile(*data, kind, fi.filePath(), ms, run, sink) > 0)
            lastWrite = std::max(lastWrite.value_or(ms), ms);
    }
    if (run.metrics.empty())
        return true;
    run.endMs = lastWrite;
    return sink.run(std::move(run));
}

template<class Pred> bool probe(const QString &dir, int depth, int &budget, const Pred &pred)
{
    const QFileInfoList entries = QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &e : entries) {
        if (--budget < 0)
            return false;
        if (e.isDir()) {
            if (!e.isSymLink() && depth < ProbeDepth && probe(e.filePath(), depth + 1, budget, pred))
                return true;
        } else if (pred(e)) {
            return true;
        }
    }
    return false;
}

} // namespace

int parseKubeflowFile(const QByteArray &data, KubeflowFile kind, const QString &file, qint64 fileMs,
                      SourceRun &run, ImportSink &sink)
{
    Parser p{file, fileMs, run, sink, {}, 0};
    for (const SourceMetric &m : run.metrics)
        p.keys.insert(m.key);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError) {
        p.warn(QStringLiteral("line %1: invalid JSON (%2); nothing imported from this file")
                   .arg(lineOfOffset(data, error.offset))
                   .arg(error.errorString()));
        return 0;
    }
    if (!doc.isObject()) {
        p.warn(QStringLiteral("not a JSON object; nothing imported from this file"));
        return 0;
    }
    const QJsonObject root = doc.object();
    switch (kind) {
    case KubeflowFile::V1Metrics:
        p.v1(root);
        break;
    case KubeflowFile::ExecutorOutput:
        p.executorOutput(root);
        break;
    case KubeflowFile::MetricsArtifact: {
        if (!root.value(QLatin1String("metadata")).isObject()) {
            p.warn(QStringLiteral("no \"metadata\" object (a KFP metrics artifact holds its metrics there); "
                                  "nothing imported from this file"));
            return 0;
        }
        QString output = root.value(QLatin1String("name")).toString();
        if (output.isEmpty())
            output = QFileInfo(file).completeBaseName();
        p.artifact(output, root, QStringLiteral("metadata"));
        break;
    }
    }
    if (p.added == 0)
        p.warn(QStringLiteral("no metrics in this file"));
    return p.added;
}

bool looksLikeKubeflow(const QString &path)
{
    const QFileInfo fi(path);
    if (fi.isFile()) {
        const auto kind = kindOfName(fi.fileName());
        if (!kind)
            return false;
        if (*kind != KubeflowFile::MetricsArtifact)
            return true;
        if (fi.size() > MaxFileBytes)
            return false;
        SourceFile f(fi.filePath());
        return f.open(QIODevice::ReadOnly) && isArtifactFile(f.read(MaxFileBytes), fi.fileName());
    }
    if (!fi.isDir())
        return false;
    int budget = ProbeEntries;
    return probe(fi.absoluteFilePath(), 1, budget, [](const QFileInfo &e) {
        return e.fileName() == V1Name || e.fileName() == ExecutorName ||
               (e.fileName() == ArtifactName && isUuid(e.dir().dirName()));
    });
}

void readKubeflow(const QString &path, ImportSink &sink)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        throw Error(QStringLiteral("%1: no such file or folder").arg(path), Error::Kind::NotFound);
    QMap<QString, QList<QFileInfo>> steps;
    QString root;
    const bool single = fi.isFile();
    if (single) {
        if (!kindOfName(fi.fileName()))
            throw Error(QStringLiteral("%1: not a Kubeflow Pipelines metrics file (mlpipeline-metrics.json, "
                                       "executor_output.json or a metrics artifact)")
                            .arg(path));
        root = fi.absolutePath();
        steps[root].append(QFileInfo(fi.absoluteFilePath()));
    } else {
        root = QDir(fi.absoluteFilePath()).absolutePath();
        qint64 budget = MaxEntries;
        collect(root, 0, budget, steps);
        if (budget < 0)
            sink.warning({path, QStringLiteral("more than %1 files and folders; the rest was not looked at")
                                    .arg(MaxEntries)});
    }
    qint64 done = 0;
    const qint64 total = steps.size();
    sink.progress(0, total);
    qint64 recognised = 0; // KFP files among the candidates
    for (auto it = steps.cbegin(); it != steps.cend(); ++it) {
        if (sink.isCancelled() || !readStep(it.key(), it.value(), root, single, recognised, sink))
            return;
        sink.progress(++done, total);
    }
    if (recognised == 0)
        throw Error(
            QStringLiteral("%1: no Kubeflow Pipelines metrics found (looked for mlpipeline-metrics.json, "
                           "executor_output.json and metrics artifacts)")
                .arg(path));
}

} // namespace runlens::import
