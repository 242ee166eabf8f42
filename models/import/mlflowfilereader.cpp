// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/mlflowfilereader.h"
#include "core/sourcefile.h"
#include "import/loggedmodels.h"

#include "core/error.h"

#include <charconv>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <yaml-cpp/yaml.h>

namespace runlens::import {

namespace {

constexpr qint64 MaxYamlBytes = 4 << 20;
constexpr qint64 MaxTextBytes = 16 << 20;

// A regular file, not a link, FIFO or device: a copied store must not make the import read ~/.ssh, block on a
// pipe or stream /dev/zero.
bool isPlainFile(const QString &path, ImportSink &sink)
{
    const QFileInfo info(path);
    if (info.isSymLink()) {
        sink.warning({path, QStringLiteral("symbolic link not followed")});
        return false;
    }
    if (!info.isFile()) {
        if (info.exists())
            sink.warning({path, QStringLiteral("not a regular file; skipped")});
        return false;
    }
    return true;
}

class YamlFile
{
public:
    // Parses path; on any problem `ok()` is false and the sink got a warning naming the file.
    YamlFile(const QString &path, ImportSink &sink)
        : m_path(path)
    {
        if (!isPlainFile(path, sink))
            return;
        SourceFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            sink.warning({path, QStringLiteral("cannot read: %1").arg(f.errorString())});
            return;
        }
        if (f.size() > MaxYamlBytes) {
            sink.warning({path, QStringLiteral("skipped: larger than %1 MiB").arg(MaxYamlBytes >> 20)});
            return;
        }
        try {
            m_root = YAML::Load(f.read(MaxYamlBytes).toStdString());
            m_ok = m_root.IsMap();
            if (!m_ok)
                sink.warning({path, QStringLiteral("not a YAML mapping")});
        } catch (const YAML::Exception &e) {
            sink.warning({path, QStringLiteral("invalid YAML: %1").arg(QString::fromStdString(e.what()))});
        }
    }
    bool ok() const { return m_ok; }
    const YAML::Node &root() const { return m_root; }
    QString string(const char *key) const { return text(m_root[key]); }
    std::optional<qint64> integer(const char *key) const
    {
        const QString s = string(key);
        bool ok = false;
        const qint64 v = s.toLongLong(&ok);
        return ok ? std::optional<qint64>(v) : std::nullopt;
    }
    static QString text(const YAML::Node &n)
    {
        try {
            if (!n.IsDefined() || n.IsNull() || !n.IsScalar())
                return {};
            return QString::fromStdString(n.Scalar());
        } catch (const YAML::Exception &) {
            return {};
        }
    }

private:
    QString m_path;
    YAML::Node m_root;
    bool m_ok = false;
};

QString readText(const QString &path, ImportSink &sink, bool *ok = nullptr)
{
    if (ok)
        *ok = false;
    if (!isPlainFile(path, sink))
        return {};
    SourceFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        sink.warning({path, QStringLiteral("cannot read: %1").arg(f.errorString())});
        return {};
    }
    if (f.size() > MaxTextBytes) {
        sink.warning({path, QStringLiteral("skipped: larger than %1 MiB").arg(MaxTextBytes >> 20)});
        return {};
    }
    if (ok)
        *ok = true;
    return QString::fromUtf8(f.read(MaxTextBytes));
}

// Files below dir as (key, path): the key is the '/'-joined relative path, as MLflow stores keys with '/'.
// The same walk as for artifacts: symbolic links are not followed.
QList<std::pair<QString, QString>> keyFiles(const QString &dir, ImportSink &sink)
{
    QList<std::pair<QString, QString>> out;
    if (!QFileInfo(dir).isDir())
        return out;
    for (const SourceArtifact &f : listArtifacts(dir, sink))
        out.append({f.path, f.filePath});
    return out;
}

std::optional<RunStatus> statusOf(const QString &s)
{
    bool isNumber = false;
    const int code = s.toInt(&isNumber);
    if (isNumber) {
        switch (code) {
        case 1:
            return RunStatus::Running;
        case 2:
            return RunStatus::Scheduled;
        case 3:
            return RunStatus::Finished;
        case 4:
            return RunStatus::Failed;
        case 5:
            return RunStatus::Killed;
        default:
            return std::nullopt;
        }
    }
    return runStatusFromName(s);
}

// "timestamp value [step]" lines. A logged model's metric files add the run id and, for metrics computed on
// a dataset, its name and digest (`extraFields`). Returns false when the file could not be read at all.
bool readMetricFile(const QString &path, SourceMetric &metric, ImportSink &sink, bool extraFields = false)
{
    if (!isPlainFile(path, sink))
        return false;
    SourceFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        sink.warning({path, QStringLiteral("cannot read: %1").arg(f.errorString())});
        return false;
    }
    const QByteArray data = f.readAll();
    const char *p = data.constData();
    const char *end = p + data.size();
    qint64 lineNo = 0, bad = 0;
    QString firstBad;
    metric.points.reserve(size_t(data.size() / 30));
    while (p < end) {
        const char *eol = static_cast<const char *>(memchr(p, '\n', size_t(end - p)));
        if (!eol)
            eol = end;
        ++lineNo;
        const char *q = p;
        const auto skipSpace = [&] {
            while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
                ++q;
        };
        const auto field = [&]() -> std::pair<const char *, const char *> {
            skipSpace();
            const char *b = q;
            while (q < eol && *q != ' ' && *q != '\t' && *q != '\r')
                ++q;
            return {b, q};
        };
        MetricPoint pt;
        const auto [tb, te] = field();
        const auto [vb, ve] = field();
        const auto [sb, se] = field();
        const auto [xb, xe] = field();
        bool ok = tb != te && vb != ve && (extraFields || xb == xe);
        // A number out of range is a malformed line, not a silent 0.
        const auto parsed = [](std::from_chars_result r, const char *end) {
            return r.ptr == end && r.ec == std::errc();
        };
        if (ok)
            ok = parsed(std::from_chars(tb, te, pt.timestamp), te);
        if (ok) {
            // from_chars takes nan, inf and infinity in any case, as Python writes them; not a leading '+'.
            const char *v = vb + (*vb == '+' ? 1 : 0);
            ok = parsed(std::from_chars(v, ve, pt.value), ve);
        }
        if (ok && sb != se)
            ok = parsed(std::from_chars(sb, se, pt.step), se);
        if (ok) {
            metric.points.push_back(pt);
        } else if (tb != te) {
            if (bad++ == 0)
                firstBad = QString::fromUtf8(p, qMin<qsizetype>(eol - p, 80));
        }
        p = eol + 1;
    }
    if (bad)
        sink.warning(
            {path, QStringLiteral("%1 malformed line(s) skipped, first: '%2'").arg(bad).arg(firstBad)});
    return true;
}

bool isRunFolder(const QString &dir)
{
    const QString meta = dir + QStringLiteral("/meta.yaml");
    if (!QFileInfo(meta).isFile() || QFileInfo(meta).isSymLink())
        return false;
    SourceFile f(meta);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = f.read(MaxYamlBytes);
    return head.contains("run_uuid:") || head.contains("run_id:");
}

QString storeRoot(const QString &path)
{
    const QFileInfo info(path);
    const QString nested = info.absoluteFilePath() + QStringLiteral("/mlruns");
    if (QFileInfo(nested).isDir() &&
        !QFileInfo(info.absoluteFilePath() + QStringLiteral("/0/meta.yaml")).exists()) {
        const QDir d(info.absoluteFilePath());
        bool hasExperiments = false;
        for (const QString &e : d.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks))
            hasExperiments |= QFileInfo(d.filePath(e) + QStringLiteral("/meta.yaml")).exists();
        if (!hasExperiments)
            return QDir::cleanPath(nested);
    }
    return QDir::cleanPath(info.absoluteFilePath());
}

class FileStoreReader
{
public:
    FileStoreReader(const QString &root, ImportSink &sink)
        : m_root(root)
        , m_sink(sink)
    {}

    void read()
    {
        QList<std::pair<QString, bool>> experiments; // folder, in trash
        const QDir root(m_root);
        for (const QString &e :
             root.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name)) {
            if (e != QLatin1String("models") && e != QLatin1String(".trash"))
                experiments.append({root.filePath(e), false});
        }
        const QDir trash(root.filePath(QStringLiteral(".trash")));
        if (trash.exists()) {
            for (const QString &e :
                 trash.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name))
                experiments.append({trash.filePath(e), true});
        }
        // Count runs first, for progress.
        QList<QStringList> runsPerExperiment;
        qint64 total = 0;
        for (const auto &[dir, trashed] : experiments) {
            QStringList runs;
            const QDir d(dir);
            for (const QString &r :
                 d.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name)) {
                if (isRunFolder(d.filePath(r)))
                    runs << d.filePath(r);
            }
            total += runs.size();
            runsPerExperiment << runs;
            readLoggedModels(dir);
        }
        qint64 done = 0;
        for (qsizetype i = 0; i < experiments.size(); ++i) {
            const auto &[dir, trashed] = experiments[i];
            const QString meta = dir + QStringLiteral("/meta.yaml");
            if (!QFileInfo(meta).isFile()) {
                if (!runsPerExperiment[i].isEmpty())
                    m_sink.warning(
                        {dir, QStringLiteral("experiment folder without meta.yaml; its runs are skipped")});
                continue;
            }
            const YamlFile y(meta, m_sink);
            if (!y.ok())
                continue;
            SourceExperiment e;
            try {
                e.sourceId = y.string("experiment_id");
                if (e.sourceId.isEmpty())
                    e.sourceId = QFileInfo(dir).fileName();
                e.name = y.string("name");
                if (e.name.isEmpty()) {
                    m_sink.warning({meta, QStringLiteral("experiment without a name; named after its id")});
                    e.name = QStringLiteral("experiment-%1").arg(e.sourceId);
                }
                const QString stage = y.string("lifecycle_stage");
                e.lifecycle =
                    trashed || stage == QLatin1String("deleted") ? Lifecycle::Deleted : Lifecycle::Active;
                e.createdMs = y.integer("creation_time");
                for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/tags"), m_sink)) {
                    if (key == QLatin1String("mlflow.note.content"))
                        e.description = readText(file, m_sink);
                    e.tags.insert(key, readText(file, m_sink));
                }
            } catch (const std::exception &ex) {
                m_sink.warning(
                    {meta, QStringLiteral("experiment skipped: %1").arg(QString::fromUtf8(ex.what()))});
                continue;
            }
            if (!m_sink.experiment(e))
                return;
            for (const QString &runDir : runsPerExperiment[i]) {
                if (m_sink.isCancelled())
                    return;
                std::optional<SourceRun> run;
                try {
                    run = readRun(runDir, e);
                } catch (const std::exception &ex) { // yaml-cpp throws on unexpected node shapes
                    m_sink.warning(
                        {runDir, QStringLiteral("run skipped: %1").arg(QString::fromUtf8(ex.what()))});
                }
                if (run && !m_sink.run(std::move(*run)))
                    return;
                m_sink.progress(++done, total);
            }
        }
        m_loggedModels.reportUnclaimed(m_sink);
        readRegistry();
    }

private:
    std::optional<SourceRun> readRun(const QString &dir, const SourceExperiment &experiment)
    {
        const QString meta = dir + QStringLiteral("/meta.yaml");
        const YamlFile y(meta, m_sink);
        if (!y.ok())
            return std::nullopt;
        SourceRun r;
        r.id = y.string("run_id");
        if (r.id.isEmpty())
            r.id = y.string("run_uuid");
        if (!isValidRunId(r.id)) {
            m_sink.warning(
                {meta,
                 QStringLiteral("run id '%1' is not 32 hexadecimal characters; run skipped").arg(r.id)});
            return std::nullopt;
        }
        r.experiment = experiment.name;
        r.name = y.string("run_name");
        if (r.name.isEmpty())
            r.name = y.string("name");
        const QString status = y.string("status");
        const std::optional<RunStatus> s = statusOf(status);
        if (!s)
            m_sink.warning({meta, QStringLiteral("unknown status '%1'; imported as FINISHED").arg(status)});
        r.status = s.value_or(RunStatus::Finished);
        r.startMs = y.integer("start_time");
        r.endMs = y.integer("end_time");
        r.user = y.string("user_id");
        r.lifecycle = y.string("lifecycle_stage") == QLatin1String("deleted") ||
                              experiment.lifecycle == Lifecycle::Deleted
                          ? Lifecycle::Deleted
                          : Lifecycle::Active;
        r.deletedMs = y.integer("deleted_time");

        for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/params"), m_sink)) {
            bool ok = false;
            const QString value = readText(file, m_sink, &ok);
            if (ok)
                r.params.insert(key, value);
        }
        for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/tags"), m_sink)) {
            bool ok = false;
            const QString value = readText(file, m_sink, &ok);
            if (ok)
                r.tags.insert(key, value);
        }
        if (r.name.isEmpty())
            r.name = r.tags.value(QString::fromLatin1(mlflowtag::RunName));
        // Old stores recorded the git commit as source_version only.
        const QString version = y.string("source_version");
        if (!version.isEmpty() && !r.tags.contains(QString::fromLatin1(mlflowtag::GitCommit)))
            r.tags.insert(QString::fromLatin1(mlflowtag::GitCommit), version);
        for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/metrics"), m_sink)) {
            SourceMetric m;
            m.key = key;
            if (readMetricFile(file, m, m_sink) && !m.points.empty())
                r.metrics.push_back(std::move(m));
        }
        readInputs(dir, r);

        const QString uri = y.string("artifact_uri");
        const ArtifactLocation location = resolveArtifactLocation(uri, m_root, dir, r.id);
        QString folder = location.folder;
        if (!location.skipped.isEmpty()) {
            m_sink.warning({meta, QStringLiteral("artifacts skipped: %1").arg(location.skipped)});
            m_sink.skipped(QStringLiteral("artifact locations outside the run"), 1);
        }
        QString ownProblem;
        if (folder.isEmpty()) // the run's own folder, wherever the URI pointed
            folder = confinedFolder(m_root, QDir(m_root).relativeFilePath(dir) + QStringLiteral("/artifacts"),
                                    &ownProblem);
        if (!ownProblem.isEmpty() && ownProblem != location.skipped) {
            m_sink.warning({meta, QStringLiteral("artifacts skipped: %1").arg(ownProblem)});
            m_sink.skipped(QStringLiteral("artifact locations outside the run"), 1);
        }
        if (!folder.isEmpty())
            r.artifacts = listArtifacts(folder, m_sink);
        else if (!uri.isEmpty() && location.skipped.isEmpty() && ownProblem.isEmpty())
            m_sink.warning({meta, QStringLiteral("artifacts not found: %1 does not exist here, nor under %2")
                                      .arg(uri, QDir::toNativeSeparators(m_root))});
        m_loggedModels.attach(r, m_sink);
        return r;
    }

    // MLflow 3 keeps each logged model in <experiment>/models/m-<id>/: meta.yaml (name, source_run_id,
    // status, ...), artifacts/ (MLmodel and the model files), params/, tags/ and metrics/ like a run's. They
    // are held until their run is read (see loggedmodels.h).
    void readLoggedModels(const QString &experimentDir)
    {
        const QDir models(experimentDir + QStringLiteral("/models"));
        if (!models.exists())
            return;
        for (const QString &id : models.entryList(
                 {QStringLiteral("m-*")}, QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name)) {
            const QString dir = models.filePath(id);
            try {
                readLoggedModel(dir, id);
            } catch (const std::exception &ex) {
                m_sink.warning(
                    {dir, QStringLiteral("logged model skipped: %1").arg(QString::fromUtf8(ex.what()))});
                m_sink.skipped(QStringLiteral("logged models without their run"), 1);
            }
        }
    }

    void readLoggedModel(const QString &dir, const QString &folderName)
    {
        const QString meta = dir + QStringLiteral("/meta.yaml");
        const YamlFile y(meta, m_sink);
        if (!y.ok()) {
            m_sink.skipped(QStringLiteral("logged models without their run"), 1);
            return;
        }
        LoggedModel m;
        m.where = meta;
        m.id = y.string("model_id");
        if (m.id.isEmpty())
            m.id = folderName;
        m.name = y.string("name");
        m.sourceRunId = y.string("source_run_id");
        m.status = loggedModelStatusName(y.string("status"));
        m.modelType = y.string("model_type");
        m.createdMs = y.integer("creation_timestamp");
        for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/params"), m_sink)) {
            bool ok = false;
            const QString value = readText(file, m_sink, &ok);
            if (ok)
                m.params.insert(key, value);
        }
        for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/tags"), m_sink)) {
            bool ok = false;
            const QString value = readText(file, m_sink, &ok);
            if (ok)
                m.tags.insert(key, value);
        }
        for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/metrics"), m_sink)) {
            SourceMetric metric;
            metric.key = key;
            if (readMetricFile(file, metric, m_sink, true) && !metric.points.empty())
                m.metrics.push_back(std::move(metric));
        }
        // Only the model's own folder in the store is read, as for runs: artifact_location was recorded on
        // another machine and may name any place.
        QString problem;
        const QString folder = confinedFolder(
            m_root, QDir(m_root).relativeFilePath(dir) + QStringLiteral("/artifacts"), &problem);
        if (!problem.isEmpty()) {
            m_sink.warning({meta, QStringLiteral("logged model artifacts skipped: %1").arg(problem)});
            m_sink.skipped(QStringLiteral("artifact locations outside the run"), 1);
        } else if (folder.isEmpty()) {
            m_sink.warning({meta, QStringLiteral("logged model %1 has no artifacts folder here (%2)")
                                      .arg(m.id, y.string("artifact_location"))});
        } else {
            m.artifacts = listArtifacts(folder, m_sink);
        }
        m_loggedModels.add(std::move(m), m_sink);
    }

    void readInputs(const QString &runDir, SourceRun &r)
    {
        const QDir inputs(runDir + QStringLiteral("/inputs"));
        if (!inputs.exists())
            return;
        for (const QString &id :
             inputs.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name)) {
            const YamlFile in(inputs.filePath(id) + QStringLiteral("/meta.yaml"), m_sink);
            if (!in.ok() || in.string("source_type") != QLatin1String("DATASET"))
                continue;
            const QString datasetId = in.string("source_id");
            // Dataset ids are hex digests; anything else would name a path outside the datasets folder.
            if (datasetId.isEmpty() || datasetId.contains(QLatin1Char('/')) ||
                datasetId.contains(QLatin1String("..")))
                continue;
            const QString datasetMeta = QFileInfo(runDir).absolutePath() + QStringLiteral("/datasets/") +
                                        datasetId + QStringLiteral("/meta.yaml");
            const YamlFile ds(datasetMeta, m_sink);
            if (!ds.ok())
                continue;
            SourceDatasetInput d;
            d.name = ds.string("name");
            d.digest = ds.string("digest");
            d.sourceType = ds.string("source_type");
            d.source = ds.string("source");
            d.schema = ds.string("schema");
            d.profile = ds.string("profile");
            const YAML::Node tags = in.root()["tags"];
            if (tags.IsDefined() && tags.IsMap())
                d.context = YamlFile::text(tags["mlflow.data.context"]);
            r.inputs.push_back(d);
        }
    }

    void readRegistry()
    {
        const QDir models(m_root + QStringLiteral("/models"));
        if (!models.exists())
            return;
        for (const QString &name :
             models.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name)) {
            try {
                if (!readModel(models.filePath(name), name))
                    return;
            } catch (const std::exception &ex) {
                m_sink.warning(
                    {models.filePath(name),
                     QStringLiteral("registered model skipped: %1").arg(QString::fromUtf8(ex.what()))});
            }
        }
    }

    // Returns false when the sink asks to stop.
    bool readModel(const QString &dir, const QString &name)
    {
        {
            const YamlFile y(dir + QStringLiteral("/meta.yaml"), m_sink);
            if (!y.ok())
                return true;
            SourceModel m;
            m.name = y.string("name");
            if (m.name.isEmpty())
                m.name = name;
            m.description = y.string("description");
            m.createdMs = y.integer("creation_timestamp");
            m.updatedMs = y.integer("last_updated_timestamp");
            for (const auto &[key, file] : keyFiles(dir + QStringLiteral("/tags"), m_sink))
                m.tags.insert(key, readText(file, m_sink));
            for (const auto &[alias, file] : keyFiles(dir + QStringLiteral("/aliases"), m_sink)) {
                bool ok = false;
                const int v = readText(file, m_sink).trimmed().toInt(&ok);
                if (ok)
                    m.aliases.insert(alias, v);
                else
                    m_sink.warning({file, QStringLiteral("alias does not name a version number")});
            }
            const QDir d(dir);
            for (const QString &v : d.entryList({QStringLiteral("version-*")}, QDir::Dirs, QDir::Name)) {
                const YamlFile vy(d.filePath(v) + QStringLiteral("/meta.yaml"), m_sink);
                if (!vy.ok())
                    continue;
                SourceModelVersion mv;
                mv.version = int(vy.integer("version").value_or(0));
                if (mv.version < 1) {
                    m_sink.warning(
                        {d.filePath(v), QStringLiteral("model version without a valid number; skipped")});
                    continue;
                }
                mv.runId = vy.string("run_id");
                mv.source = vy.string("source");
                mv.description = vy.string("description");
                mv.stage = vy.string("current_stage");
                if (mv.stage.isEmpty())
                    mv.stage = QStringLiteral("None");
                mv.creator = vy.string("user_id");
                mv.createdMs = vy.integer("creation_timestamp");
                mv.updatedMs = vy.integer("last_updated_timestamp");
                for (const auto &[key, file] : keyFiles(d.filePath(v) + QStringLiteral("/tags"), m_sink))
                    mv.tags.insert(key, readText(file, m_sink));
                m.versions.push_back(mv);
            }
            std::sort(m.versions.begin(), m.versions.end(),
                      [](auto &a, auto &b) { return a.version < b.version; });
            return m_sink.model(m);
        }
    }

    QString m_root;
    ImportSink &m_sink;
    LoggedModelIndex m_loggedModels;
};

} // namespace

bool looksLikeMlflowFiles(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isDir())
        return false;
    const QDir root(storeRoot(path));
    for (const QString &e : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks)) {
        const QString meta = root.filePath(e) + QStringLiteral("/meta.yaml");
        const QFileInfo info(meta);
        if (!info.isFile() || info.isSymLink())
            continue; // never open a FIFO or device while merely detecting
        SourceFile f(meta);
        if (f.open(QIODevice::ReadOnly)) {
            const QByteArray head = f.read(4096);
            if (head.contains("experiment_id:") || head.contains("artifact_location:"))
                return true;
        }
    }
    return false;
}

void readMlflowFiles(const QString &path, ImportSink &sink)
{
    if (!QFileInfo(path).isDir())
        throw Error(QStringLiteral("%1 is not a folder").arg(path));
    if (!looksLikeMlflowFiles(path))
        throw Error(
            QStringLiteral("%1 is not an MLflow file store (no experiment folder with meta.yaml)").arg(path));
    FileStoreReader(storeRoot(path), sink).read();
}

QString confinedFolder(const QString &base, const QString &relative, QString *problem)
{
    const QString canonicalBase = QFileInfo(base).canonicalFilePath();
    if (canonicalBase.isEmpty())
        return {};
    const QString literal = QDir::cleanPath(canonicalBase + QLatin1Char('/') + relative);
    if (!literal.startsWith(canonicalBase + QLatin1Char('/'))) {
        *problem =
            QStringLiteral("%1 is not below %2").arg(relative, QDir::toNativeSeparators(canonicalBase));
        return {};
    }
    const QFileInfo info(literal);
    if (!info.exists() && !info.isSymLink())
        return {};
    // Every link on the way is resolved: a folder of the run that is a link, or a link anywhere between the
    // store and it, makes the canonical path differ from the literal one.
    const QString canonical = info.canonicalFilePath();
    if (canonical.isEmpty()) {
        *problem = QStringLiteral("%1 is reached through a broken or looping symbolic link")
                       .arg(QDir::toNativeSeparators(literal));
        return {};
    }
    if (canonical != literal) {
        *problem = QStringLiteral("%1 leads to %2 through a symbolic link; links are not followed")
                       .arg(QDir::toNativeSeparators(literal), QDir::toNativeSeparators(canonical));
        return {};
    }
    if (!info.isDir()) {
        *problem = QStringLiteral("%1 is not a folder").arg(QDir::toNativeSeparators(literal));
        return {};
    }
    return literal;
}

ArtifactLocation resolveArtifactLocation(const QString &uri, const QString &storeRoot, const QString &runDir,
                                         const QString &runId)
{
    ArtifactLocation location;
    if (uri.trimmed().isEmpty())
        return location;
    static const QRegularExpression remoteRe(QStringLiteral("^[A-Za-z][A-Za-z0-9+.\\-]+://"));
    QString path = uri.trimmed();
    bool served = false;
    if (path.startsWith(QLatin1String("mlflow-artifacts:"))) {
        served = true;
        path = path.mid(17);
    } else if (path.startsWith(QLatin1String("file://"))) {
        path = path.mid(7);
    } else if (path.startsWith(QLatin1String("file:"))) {
        path = path.mid(5);
    } else if (remoteRe.match(path).hasMatch()) {
        location.skipped = QStringLiteral("%1 is not on this disk; not read").arg(uri);
        return location;
    }
    path.replace(QLatin1Char('\\'), QLatin1Char('/'));
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segments.contains(QLatin1String(".."))) {
        location.skipped = QStringLiteral("%1 names a parent folder ('..'); not read").arg(uri);
        return location;
    }
    const QString ownRelative = QDir(storeRoot).relativeFilePath(runDir) + QStringLiteral("/artifacts");
    const QString own = QDir::toNativeSeparators(QDir::cleanPath(storeRoot + QLatin1Char('/') + ownRelative));
    const QString mlartifacts = QFileInfo(storeRoot).absolutePath() + QStringLiteral("/mlartifacts");
    // MLflow always writes <artifact location>/<run id>/artifacts: a URI that ends otherwise, or names
    // another run, names a folder that is not this run's, wherever it points.
    const qsizetype n = segments.size();
    const bool namesRun = n >= 2 && !runId.isEmpty() && segments[n - 1] == QLatin1String("artifacts") &&
                          segments[n - 2].compare(runId, Qt::CaseInsensitive) == 0;
    if (!namesRun || (served && n < 3)) {
        location.skipped =
            QStringLiteral("%1 is neither this run's folder in the store (%2) nor the tracking server's "
                           "%3/<experiment>/%4/artifacts; not read")
                .arg(uri, own, QDir::toNativeSeparators(mlartifacts), runId);
        return location;
    }
    if (served) {
        const QString relative = QStringLiteral("mlartifacts/%1/%2/artifacts").arg(segments[n - 3], runId);
        location.folder = confinedFolder(QFileInfo(storeRoot).absolutePath(), relative, &location.skipped);
    } else {
        location.folder = confinedFolder(storeRoot, ownRelative, &location.skipped);
    }
    return location;
}

std::vector<SourceArtifact> listArtifacts(const QString &folder, ImportSink &sink)
{
    std::vector<SourceArtifact> out;
    if (QFileInfo(folder).isSymLink()) {
        sink.warning({folder, QStringLiteral("symbolic link not followed")});
        sink.skipped(QStringLiteral("symbolic links not followed"), 1);
        return out;
    }
    const QDir base(folder);
    QDirIterator it(folder, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (info.isSymLink()) {
            sink.warning({info.filePath(), QStringLiteral("symbolic link not followed")});
            sink.skipped(QStringLiteral("symbolic links not followed"), 1);
            continue;
        }
        if (!info.isFile())
            continue;
        const QString rel = base.relativeFilePath(info.filePath());
        if (rel.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(rel))
            continue;
        out.push_back({rel, info.absoluteFilePath(), folder});
    }
    std::sort(out.begin(), out.end(), [](auto &a, auto &b) { return a.path < b.path; });
    return out;
}

} // namespace runlens::import
