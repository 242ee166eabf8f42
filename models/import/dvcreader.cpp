// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/dvcreader.h"

#include "core/error.h"
#include "core/jsonformat.h"
#include "core/sourcefile.h"
#include "import/csvlogreader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace runlens::import {
namespace {

constexpr qint64 MaxPlotBytes = qint64(256) << 20;
constexpr qint64 MaxDocumentBytes = qint64(16) << 20; // JSON and YAML
constexpr qint64 MaxGitFileBytes = 4096;              // HEAD, a ref, a .git file, commondir
constexpr qint64 MaxPackedRefsBytes = qint64(32) << 20;
constexpr int SearchDepth = 12;
constexpr int SearchEntries = 200000;
constexpr int ProbeDepth = 3;
constexpr int ProbeEntries = 20000;

QString latin(const char *s)
{
    return QString::fromLatin1(s);
}

// Why a run cannot be read: thrown while it is put together, so that nothing of it is delivered.
struct Broken
{
    QString file;
    QString message;
};

qint64 modifiedMs(const QString &path)
{
    return QFileInfo(path).lastModified().toMSecsSinceEpoch();
}

QByteArray readDocument(const QString &path, qint64 limit)
{
    BoundedRead r = readBounded(path, limit);
    if (r.problem == BoundedRead::Problem::Unreadable)
        throw Broken{path, QStringLiteral("cannot read: %1").arg(r.error)};
    if (r.problem == BoundedRead::Problem::TooLarge)
        throw Broken{path, QStringLiteral("larger than %1 MiB; not read").arg(limit >> 20)};
    return std::move(r.data);
}

// A document that holds nothing but white space is broken input, not an empty mapping.
void refuseEmpty(const QByteArray &data, const QString &file)
{
    if (data.trimmed().isEmpty())
        throw Broken{file, QStringLiteral("line 1: empty file")};
}

std::optional<double> parseNumber(QByteArrayView v)
{
    v = v.trimmed();
    if (v.startsWith('+'))
        v = v.sliced(1);
    if (v.isEmpty())
        return std::nullopt;
    double d = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), d, std::chars_format::general);
    if (r.ptr != v.data() + v.size())
        return std::nullopt;
    if (r.ec == std::errc::result_out_of_range)
        return text::parseNumber(QString::fromLatin1(v)); // what strtod makes of 1e400
    if (r.ec != std::errc())
        return std::nullopt;
    return d;
}

std::optional<qint64> parseInteger(QByteArrayView v)
{
    v = v.trimmed();
    qint64 i = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), i);
    if (r.ec == std::errc() && r.ptr == v.data() + v.size() && !v.isEmpty())
        return i;
    const auto d = parseNumber(v); // 1.0, 1e3
    if (!d || !std::isfinite(*d) || *d != std::floor(*d) || std::fabs(*d) >= 9.2e18)
        return std::nullopt;
    return qint64(*d);
}

// ---- plots

struct Plot
{
    std::vector<MetricPoint> points;
    bool timed = false;
};

QString clip(QByteArrayView v)
{
    return QString::fromUtf8(v.first(std::min<qsizetype>(v.size(), 60)));
}

// A DVCLive plot: `[timestamp<TAB>]step<TAB>name` and one row per point. Any row that is not is broken input.
Plot parsePlot(QByteArray data, const QString &file)
{
    if (data.startsWith("\xEF\xBB\xBF"))
        data.remove(0, 3);
    refuseEmpty(data, file);
    const qint64 fileMs = modifiedMs(file);
    Plot plot;
    qsizetype from = 0;
    qint64 lineNo = 0;
    qsizetype columns = 0;
    while (from < data.size()) {
        qsizetype nl = data.indexOf('\n', from);
        if (nl < 0)
            nl = data.size();
        QByteArrayView line = QByteArrayView(data).sliced(from, nl - from);
        from = nl + 1;
        ++lineNo;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        const QList<QByteArrayView> fields = [&] {
            QList<QByteArrayView> out;
            qsizetype start = 0;
            for (qsizetype i = 0; i <= line.size(); ++i) {
                if (i == line.size() || line.at(i) == '\t') {
                    out.append(line.sliced(start, i - start));
                    start = i + 1;
                }
            }
            return out;
        }();
        if (columns == 0) {
            const bool plain = fields.size() == 2 && fields[0].trimmed() == "step";
            const bool timed =
                fields.size() == 3 && fields[0].trimmed() == "timestamp" && fields[1].trimmed() == "step";
            if (!plain && !timed)
                throw Broken{file, QStringLiteral("line %1: not a DVCLive plot header (step<TAB>name or "
                                                  "timestamp<TAB>step<TAB>name)")
                                       .arg(lineNo)};
            columns = fields.size();
            plot.timed = timed;
            continue;
        }
        if (fields.size() != columns)
            throw Broken{file, QStringLiteral("line %1: %2 field(s) where the header has %3")
                                   .arg(lineNo)
                                   .arg(fields.size())
                                   .arg(columns)};
        const qsizetype s = plot.timed ? 1 : 0;
        const auto step = parseInteger(fields[s]);
        if (!step)
            throw Broken{
                file,
                QStringLiteral("line %1: step '%2' is not an integer").arg(lineNo).arg(clip(fields[s]))};
        const auto value = parseNumber(fields[s + 1]);
        if (!value)
            throw Broken{
                file,
                QStringLiteral("line %1: value '%2' is not a number").arg(lineNo).arg(clip(fields[s + 1]))};
        qint64 ts = fileMs;
        if (plot.timed) {
            const auto ms = parseInteger(fields[0]);
            if (!ms)
                throw Broken{file, QStringLiteral("line %1: timestamp '%2' is not an integer")
                                       .arg(lineNo)
                                       .arg(clip(fields[0]))};
            ts = *ms;
        }
        plot.points.push_back({*step, ts, *value});
    }
    if (columns == 0)
        throw Broken{file, QStringLiteral("line 1: empty file")};
    return plot;
}

// ---- summaries and metrics files

struct Summary
{
    std::optional<qint64> step;
    std::vector<std::pair<QString, double>> values; // in the file's order
    QStringList skipped;                            // keys that hold no number
};

// Python's json module writes NaN, Infinity and -Infinity bare; JSON has no such tokens. They become the
// strings numberFromJson reads.
QByteArray quoteNonFinite(const QByteArray &in)
{
    QByteArray out;
    out.reserve(in.size() + 16);
    bool inString = false;
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < in.size())
                out += in.at(++i);
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            out += c;
            continue;
        }
        bool replaced = false;
        for (const char *token : {"-Infinity", "Infinity", "NaN"}) {
            const QByteArrayView t(token);
            if (QByteArrayView(in).sliced(i).startsWith(t)) {
                out += '"';
                out += t.toByteArray();
                out += '"';
                i += t.size() - 1;
                replaced = true;
                break;
            }
        }
        if (!replaced)
            out += c;
    }
    return out;
}

void flattenJson(const QJsonObject &o, const QString &prefix, Summary &out, int depth)
{
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('/') + it.key();
        if (it->isObject() && depth < 64) {
            flattenJson(it->toObject(), key, out, depth + 1);
        } else if (const auto v = text::numberFromJson(*it)) {
            out.values.emplace_back(key, *v);
        } else {
            out.skipped.append(key);
        }
    }
}

// A JSON summary or metrics file. withStep: a top-level integer `step` is DVCLive's step, not a metric.
Summary parseJsonMetrics(const QByteArray &raw, const QString &file, bool withStep)
{
    refuseEmpty(raw, file);
    const QByteArray data = quoteNonFinite(raw);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError) // quoting added no line breaks: the line is the file's
        throw Broken{file, QStringLiteral("line %1: not valid JSON (%2)")
                               .arg(lineOfOffset(data, error.offset))
                               .arg(error.errorString())};
    if (!doc.isObject())
        throw Broken{file, QStringLiteral("line 1: not a JSON object")};
    QJsonObject o = doc.object();
    Summary s;
    if (withStep) {
        const QJsonValue step = o.value(latin("step"));
        if (step.isDouble() && std::isfinite(step.toDouble()) &&
            step.toDouble() == std::floor(step.toDouble())) {
            s.step = qint64(step.toDouble());
            o.remove(latin("step"));
        }
    }
    flattenJson(o, QString(), s, 0);
    return s;
}

QString yamlError(const YAML::Exception &e)
{
    QString what = QString::fromStdString(e.msg);
    return QStringLiteral("line %1: not valid YAML (%2)").arg(e.mark.line + 1).arg(what);
}

YAML::Node loadYaml(const QByteArray &data, const QString &file)
{
    refuseEmpty(data, file);
    try {
        return YAML::Load(data.toStdString());
    } catch (const YAML::Exception &e) {
        throw Broken{file, yamlError(e)};
    }
}

void flattenYaml(const YAML::Node &n, const QString &prefix, Summary &out, int depth)
{
    for (auto it = n.begin(); it != n.end(); ++it) {
        const QString name =
            QString::fromStdString(it->first.IsScalar() ? it->first.Scalar() : std::string());
        const QString key = prefix.isEmpty() ? name : prefix + QLatin1Char('/') + name;
        const YAML::Node &v = it->second;
        if (v.IsMap() && depth < 64) {
            flattenYaml(v, key, out, depth + 1);
        } else if (const auto d =
                       v.IsScalar() ? text::parseNumber(QString::fromStdString(v.Scalar())) : std::nullopt) {
            out.values.emplace_back(key, *d);
        } else {
            out.skipped.append(key);
        }
    }
}

Summary parseYamlMetrics(const QByteArray &data, const QString &file)
{
    const YAML::Node root = loadYaml(data, file);
    if (!root.IsMap())
        throw Broken{file, QStringLiteral("line %1: not a YAML mapping").arg(root.Mark().line + 1)};
    Summary s;
    flattenYaml(root, QString(), s, 0);
    return s;
}

// Params from a YAML file, nested keys joined with ".": broken YAML refuses the run.
void readParams(const QString &file, QMap<QString, QString> &params, ImportSink &sink)
{
    const QByteArray data = readDocument(file, MaxDocumentBytes);
    const YAML::Node root = loadYaml(data, file);
    if (!root.IsMap())
        throw Broken{file, QStringLiteral("line %1: not a YAML mapping").arg(root.Mark().line + 1)};
    readYamlParams(data, file, params, sink);
}

// ---- dvc.lock

QString yamlText(const YAML::Node &n)
{
    return n && n.IsScalar() ? QString::fromStdString(n.Scalar()) : QString();
}

std::vector<DatasetInput> readLockInputs(const QString &file, const QString &projectDir)
{
    const YAML::Node root = loadYaml(readDocument(file, MaxDocumentBytes), file);
    if (!root.IsMap())
        throw Broken{file, QStringLiteral("line %1: not a YAML mapping").arg(root.Mark().line + 1)};
    // dvc.lock 2.0 and 3.0 hold `schema` and `stages`; 1.0 is the stages mapping itself.
    const YAML::Node stages = root["schema"] ? root["stages"] : root;
    std::vector<DatasetInput> inputs;
    if (!stages)
        return inputs;
    if (!stages.IsMap())
        throw Broken{file, QStringLiteral("line %1: 'stages' is not a mapping").arg(stages.Mark().line + 1)};
    const QDir dir(projectDir);
    try {
        for (auto it = stages.begin(); it != stages.end(); ++it) {
            const QString stage = yamlText(it->first);
            const YAML::Node &body = it->second;
            if (!body.IsMap())
                throw Broken{file, QStringLiteral("line %1: stage '%2' is not a mapping")
                                       .arg(body.Mark().line + 1)
                                       .arg(stage)};
            const YAML::Node deps = body["deps"];
            if (!deps)
                continue;
            if (!deps.IsSequence())
                throw Broken{file, QStringLiteral("line %1: the deps of stage '%2' are not a list")
                                       .arg(deps.Mark().line + 1)
                                       .arg(stage)};
            for (const YAML::Node &dep : deps) {
                const QString path = dep.IsMap() ? yamlText(dep["path"]) : QString();
                if (path.isEmpty())
                    throw Broken{file, QStringLiteral("line %1: a dependency of stage '%2' has no path")
                                           .arg(dep.Mark().line + 1)
                                           .arg(stage)};
                DatasetInput in;
                in.name = path;
                for (const char *k : {"md5", "etag", "checksum"}) {
                    in.digest = yamlText(dep[k]);
                    if (!in.digest.isEmpty())
                        break;
                }
                in.sourceType = QStringLiteral("dvc");
                static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*://"));
                in.source =
                    scheme.match(path).hasMatch() ? path : QDir::cleanPath(dir.absoluteFilePath(path));
                QJsonObject profile;
                for (const char *k : {"size", "nfiles"}) {
                    bool ok = false;
                    const qint64 v = yamlText(dep[k]).toLongLong(&ok);
                    if (ok)
                        profile.insert(latin(k), v);
                }
                if (!profile.isEmpty())
                    in.profile = QString::fromUtf8(QJsonDocument(profile).toJson(QJsonDocument::Compact));
                in.context = stage;
                inputs.push_back(std::move(in));
            }
        }
    } catch (const YAML::Exception &e) {
        throw Broken{file, yamlError(e)};
    }
    return inputs;
}

// ---- git

std::optional<QByteArray> readGitFile(const QString &path, qint64 limit)
{
    SourceFile f(path);
    if (!QFileInfo(path).isFile() || !f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray data = f.read(limit);
    if (f.error() != QFileDevice::NoError)
        return std::nullopt;
    return data;
}

bool isObjectName(QByteArrayView s)
{
    return (s.size() == 40 || s.size() == 64) && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// A ref name git could have written: no "..", no leading "/", nothing that climbs out of the git dir.
bool isSafeRef(const QString &ref)
{
    return ref.startsWith(latin("refs/")) && !ref.contains(latin("..")) && !ref.contains(QLatin1Char('\\')) &&
           !ref.contains(QChar(0));
}

std::optional<QString> resolveRef(const QString &gitDir, const QString &commonDir, QString ref, int depth = 0)
{
    if (depth > 5 || !isSafeRef(ref))
        return std::nullopt;
    for (const QString &dir : {gitDir, commonDir}) {
        if (const auto data = readGitFile(QDir(dir).filePath(ref), MaxGitFileBytes)) {
            const QByteArray t = data->trimmed();
            if (t.startsWith("ref:"))
                return resolveRef(gitDir, commonDir, QString::fromUtf8(t.mid(4).trimmed()), depth + 1);
            if (isObjectName(t))
                return QString::fromLatin1(t);
            return std::nullopt;
        }
    }
    if (const auto packed =
            readGitFile(QDir(commonDir).filePath(QStringLiteral("packed-refs")), MaxPackedRefsBytes)) {
        const QByteArray name = ref.toUtf8();
        for (const QByteArray &line : packed->split('\n')) {
            const QByteArray l = line.trimmed();
            const qsizetype space = l.indexOf(' ');
            if (l.startsWith('#') || l.startsWith('^') || space < 0)
                continue;
            if (l.mid(space + 1) == name && isObjectName(QByteArrayView(l).first(space)))
                return QString::fromLatin1(l.first(space));
        }
    }
    return std::nullopt;
}

// ---- finding DVCLive folders and projects

bool hasSuffixTsv(const QFileInfo &fi)
{
    return fi.suffix().compare(latin("tsv"), Qt::CaseInsensitive) == 0;
}

bool hasPlotHeader(const QString &file)
{
    SourceFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QByteArray line = f.readLine(4096);
    if (line.startsWith("\xEF\xBB\xBF"))
        line.remove(0, 3);
    const QList<QByteArray> fields = line.trimmed().split('\t');
    return (fields.size() == 2 && fields[0] == "step") ||
           (fields.size() == 3 && fields[0] == "timestamp" && fields[1] == "step");
}

// Every .tsv file below dir (sorted, not following links, skipping hidden folders), with a budget.
void listTsv(const QString &dir, QStringList &out, int depth, int &budget, const QStringList &exclude = {})
{
    if (depth > SearchDepth)
        return;
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &e : entries) {
        if (--budget < 0)
            return;
        if (e.isDir()) {
            if (!e.isSymLink() && !exclude.contains(e.fileName()))
                listTsv(e.filePath(), out, depth + 1, budget);
        } else if (hasSuffixTsv(e) && !e.isSymLink()) {
            out.append(e.filePath());
        }
    }
}

bool holdsTsv(const QString &dir)
{
    int budget = ProbeEntries;
    QStringList files;
    listTsv(dir, files, 0, budget);
    return !files.isEmpty();
}

bool isDvcLiveFolder(const QString &dir)
{
    const QDir d(dir);
    if (QFileInfo(d.filePath(QStringLiteral("plots/metrics"))).isDir() &&
        holdsTsv(d.filePath(QStringLiteral("plots/metrics"))))
        return true;
    if (QFileInfo(d.filePath(QStringLiteral("scalars"))).isDir() &&
        holdsTsv(d.filePath(QStringLiteral("scalars"))))
        return true;
    if (d.dirName() == latin("dvclive") && QFileInfo(d.filePath(QStringLiteral("metrics.json"))).isFile())
        return true;
    const QFileInfoList tsv = d.entryInfoList({QStringLiteral("*.tsv")}, QDir::Files, QDir::Name);
    return d.dirName() == latin("dvclive") ? !tsv.isEmpty()
                                           : std::any_of(tsv.cbegin(), tsv.cend(), [](const QFileInfo &f) {
                                                 return hasPlotHeader(f.filePath());
                                             });
}

bool isProject(const QString &dir)
{
    const QDir d(dir);
    return QFileInfo(d.filePath(QStringLiteral("dvc.yaml"))).isFile() ||
           QFileInfo(d.filePath(QStringLiteral("dvc.lock"))).isFile();
}

struct Project
{
    QString dir;
    QStringList dvcLive; // its DVCLive folders
};

// DVCLive folders are not searched further; a project's own DVCLive folders (the nearest project above).
void search(const QString &dir, const QString &project, int depth, int &budget, QList<Project> &projects,
            QStringList &loose)
{
    if (depth > SearchDepth || budget <= 0)
        return;
    if (isDvcLiveFolder(dir)) {
        for (Project &p : projects)
            if (p.dir == project) {
                p.dvcLive.append(dir);
                return;
            }
        loose.append(dir);
        return;
    }
    QString current = project;
    if (isProject(dir)) {
        projects.append({dir, {}});
        current = dir;
    }
    const QFileInfoList entries = QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &e : entries) {
        if (--budget < 0)
            return;
        if (!e.isSymLink())
            search(e.filePath(), current, depth + 1, budget, projects, loose);
    }
}

bool probe(const QString &dir, int depth, int &budget)
{
    if (isProject(dir) || isDvcLiveFolder(dir))
        return true;
    if (depth >= ProbeDepth)
        return false;
    const QFileInfoList entries = QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &e : entries) {
        if (--budget < 0)
            return false;
        if (!e.isSymLink() && probe(e.filePath(), depth + 1, budget))
            return true;
    }
    return false;
}

// ---- putting runs together

// What a project gives each of its runs.
struct ProjectData
{
    QMap<QString, QString> params;
    std::vector<DatasetInput> inputs;
    std::optional<GitHead> git;
    std::vector<std::pair<QString, Summary>> metrics; // file -> contents
    qint64 lastWriteMs = 0;
};

ProjectData readProject(const QString &dir, ImportSink &sink)
{
    ProjectData p;
    const QDir d(dir);
    const QString params = d.filePath(QStringLiteral("params.yaml"));
    if (QFileInfo(params).isFile())
        readParams(params, p.params, sink);
    const QString lock = d.filePath(QStringLiteral("dvc.lock"));
    if (QFileInfo(lock).isFile())
        p.inputs = readLockInputs(lock, dir);
    for (const char *name : {"metrics.json", "metrics.yaml"}) {
        const QString file = d.filePath(latin(name));
        if (!QFileInfo(file).isFile())
            continue;
        const QByteArray data = readDocument(file, MaxDocumentBytes);
        p.metrics.emplace_back(file, QByteArrayView(name).endsWith(".json")
                                         ? parseJsonMetrics(data, file, false)
                                         : parseYamlMetrics(data, file));
        p.lastWriteMs = std::max(p.lastWriteMs, modifiedMs(file));
    }
    p.git = readGitHead(dir);
    return p;
}

void applyProject(const ProjectData &p, SourceRun &run)
{
    for (auto it = p.params.cbegin(); it != p.params.cend(); ++it)
        if (!run.params.contains(it.key()))
            run.params.insert(it.key(), it.value());
    run.inputs = p.inputs;
    if (p.git) {
        run.tags.insert(QStringLiteral("mlflow.source.git.commit"), p.git->commit);
        if (!p.git->branch.isEmpty())
            run.tags.insert(QStringLiteral("mlflow.source.git.branch"), p.git->branch);
    }
}

void warnSkipped(const QString &file, const Summary &s, ImportSink &sink)
{
    if (!s.skipped.isEmpty())
        sink.warning(
            {file,
             QStringLiteral("keys without a number left out: %1").arg(s.skipped.join(QStringLiteral(", ")))});
}

// Single points for a summary's keys that the run has no metric for; returns the keys it left out.
QStringList addSummary(SourceRun &run, const Summary &s, qint64 step, qint64 ms)
{
    QStringList clashes;
    for (const auto &[key, value] : s.values) {
        if (std::any_of(run.metrics.cbegin(), run.metrics.cend(),
                        [&](const SourceMetric &m) { return m.key == key; })) {
            clashes.append(key);
            continue;
        }
        run.metrics.push_back({key, {MetricPoint{step, ms, value}}});
    }
    return clashes;
}

// A project's metrics file on a run: single points at step 0; a key the run has already (the DVCLive
// summary's `loss` beside the project's evaluation `loss`) is kept as `metrics.json:loss`, the name
// `dvc exp show` gives that column.
void addProjectMetrics(SourceRun &run, const QString &file, const Summary &s)
{
    const QStringList clashes = addSummary(run, s, 0, modifiedMs(file));
    if (clashes.isEmpty())
        return;
    Summary renamed;
    for (const auto &[key, value] : s.values)
        if (clashes.contains(key))
            renamed.values.emplace_back(QFileInfo(file).fileName() + QLatin1Char(':') + key, value);
    addSummary(run, renamed, 0, modifiedMs(file));
}

QString relativeKey(const QString &root, const QString &dir)
{
    const QString rel = QDir(root).relativeFilePath(dir);
    return rel.isEmpty() ? QStringLiteral(".") : rel;
}

SourceRun readDvcLiveRun(const QString &dir, const QString &root, const ProjectData *project,
                         ImportSink &sink)
{
    const QDir d(dir);
    const QString summaryBeside = QDir::cleanPath(dir) + QStringLiteral(".json");
    const QString summaryInside = d.filePath(QStringLiteral("metrics.json"));
    // The layouts, newest first: each one's plot files, relative to the folder their keys are taken below.
    int budget = SearchEntries;
    QStringList current, v1, v0;
    if (QFileInfo(d.filePath(QStringLiteral("plots/metrics"))).isDir())
        listTsv(d.filePath(QStringLiteral("plots/metrics")), current, 0, budget);
    if (QFileInfo(d.filePath(QStringLiteral("scalars"))).isDir())
        listTsv(d.filePath(QStringLiteral("scalars")), v1, 0, budget);
    QStringList top;
    listTsv(dir, top, 0, budget, {QStringLiteral("plots"), QStringLiteral("scalars")});
    for (const QString &f : std::as_const(top))
        if (hasPlotHeader(f))
            v0.append(f);
    QStringList plots, stale;
    QString base, summary;
    if (!current.isEmpty()) {
        plots = current;
        base = d.filePath(QStringLiteral("plots/metrics"));
        summary = summaryInside;
        stale = v1 + v0;
        if (QFileInfo(summaryBeside).isFile() && QFileInfo(summaryInside).isFile())
            stale.append(summaryBeside);
    } else if (!v1.isEmpty()) {
        plots = v1;
        base = d.filePath(QStringLiteral("scalars"));
        summary = QFileInfo(summaryBeside).isFile() ? summaryBeside : summaryInside;
        stale = v0;
    } else {
        plots = v0;
        base = dir;
        summary = QFileInfo(summaryBeside).isFile() ? summaryBeside : summaryInside;
    }

    SourceRun run;
    run.sourceKey = relativeKey(root, dir);
    const bool named = d.dirName() == latin("dvclive");
    run.name = named ? QFileInfo(QFileInfo(dir).absolutePath()).fileName() : d.dirName();
    if (run.name.isEmpty())
        run.name = d.dirName();
    run.status = RunStatus::Finished;
    const QString params = d.filePath(QStringLiteral("params.yaml"));
    if (QFileInfo(params).isFile())
        readParams(params, run.params, sink);

    std::optional<qint64> first, last;
    qint64 lastWrite = 0;
    for (const QString &file : std::as_const(plots)) {
        Plot plot = parsePlot(readDocument(file, MaxPlotBytes), file);
        lastWrite = std::max(lastWrite, modifiedMs(file));
        if (plot.timed)
            for (const MetricPoint &p : plot.points) {
                first = std::min(first.value_or(p.timestamp), p.timestamp);
                last = std::max(last.value_or(p.timestamp), p.timestamp);
            }
        QString key = QDir(base).relativeFilePath(file);
        key.chop(QFileInfo(file).suffix().size() + 1);
        if (!plot.points.empty())
            run.metrics.push_back({key, std::move(plot.points)});
    }
    if (QFileInfo(summary).isFile()) {
        const Summary s = parseJsonMetrics(readDocument(summary, MaxDocumentBytes), summary, true);
        warnSkipped(summary, s, sink);
        const qint64 ms = modifiedMs(summary);
        lastWrite = std::max(lastWrite, ms);
        addSummary(run, s, s.step.value_or(0), ms); // a key a plot has: its last point already
    }
    if (project)
        applyProject(*project, run);
    run.startMs = first;
    run.endMs = last ? last : std::optional<qint64>(lastWrite ? lastWrite : modifiedMs(dir));
    if (!stale.isEmpty()) {
        QStringList names;
        for (const QString &f : std::as_const(stale))
            names.append(d.relativeFilePath(f));
        sink.warning({dir, QStringLiteral("DVCLive files of an older layout left out (the newer layout was "
                                          "imported): %1")
                               .arg(names.join(QStringLiteral(", ")))});
    }
    return run;
}

bool deliver(const std::function<SourceRun()> &make, const QString &what, ImportSink &sink)
{
    try {
        return sink.run(make());
    } catch (const Broken &b) {
        sink.warning({b.file, QStringLiteral("%1; %2 not imported").arg(b.message, what)});
        return true;
    } catch (const YAML::Exception &e) {
        sink.warning({what, QStringLiteral("%1; not imported").arg(yamlError(e))});
        return true;
    }
}

} // namespace

// ---- public

std::optional<GitHead> readGitHead(const QString &workTree)
{
    const QString dotGit = QDir(workTree).filePath(QStringLiteral(".git"));
    const QFileInfo fi(dotGit);
    QString gitDir;
    if (fi.isDir()) {
        gitDir = dotGit;
    } else if (fi.isFile()) {
        const auto data = readGitFile(dotGit, MaxGitFileBytes);
        if (!data || !data->startsWith("gitdir:"))
            return std::nullopt;
        const QString target = QString::fromUtf8(data->mid(7).trimmed());
        gitDir = QDir::cleanPath(QDir(workTree).absoluteFilePath(target));
    } else {
        return std::nullopt;
    }
    QString commonDir = gitDir;
    if (const auto common = readGitFile(QDir(gitDir).filePath(QStringLiteral("commondir")), MaxGitFileBytes))
        commonDir = QDir::cleanPath(QDir(gitDir).absoluteFilePath(QString::fromUtf8(common->trimmed())));
    const auto head = readGitFile(QDir(gitDir).filePath(QStringLiteral("HEAD")), MaxGitFileBytes);
    if (!head)
        return std::nullopt;
    const QByteArray h = head->trimmed();
    if (isObjectName(h))
        return GitHead{QString::fromLatin1(h), {}};
    if (!h.startsWith("ref:"))
        return std::nullopt;
    const QString ref = QString::fromUtf8(h.mid(4).trimmed());
    const auto commit = resolveRef(gitDir, commonDir, ref);
    if (!commit)
        return std::nullopt; // a branch without commits yet
    const QString heads = QStringLiteral("refs/heads/");
    return GitHead{*commit, ref.startsWith(heads) ? ref.mid(heads.size()) : QString()};
}

bool looksLikeDvc(const QString &path)
{
    const QFileInfo fi(path);
    if (fi.isFile())
        return fi.fileName() == latin("dvc.yaml") || fi.fileName() == latin("dvc.lock");
    if (!fi.isDir())
        return false;
    int budget = ProbeEntries;
    return probe(fi.absoluteFilePath(), 0, budget);
}

void readDvc(const QString &path, ImportSink &sink)
{
    QFileInfo fi(path);
    if (!fi.exists())
        throw Error(QStringLiteral("%1: no such file or folder").arg(path), Error::Kind::NotFound);
    const QString root = QDir::cleanPath(fi.isFile() ? fi.absolutePath() : fi.absoluteFilePath());
    QList<Project> projects;
    QStringList loose;
    int budget = SearchEntries;
    search(root, QString(), 0, budget, projects, loose);
    // A DVCLive folder imported on its own still belongs to the project around it.
    const QString parent = QFileInfo(root).absolutePath();
    if (projects.isEmpty() && loose == QStringList{root} && parent != root && isProject(parent)) {
        projects.append({parent, {root}});
        loose.clear();
    }
    if (projects.isEmpty() && loose.isEmpty())
        throw Error(
            QStringLiteral("%1: no DVC project (dvc.yaml, dvc.lock) or DVCLive folder found").arg(path));
    const qint64 total = loose.size() + std::accumulate(projects.cbegin(), projects.cend(), qint64(0),
                                                        [](qint64 n, const Project &p) {
                                                            return n + std::max<qint64>(1, p.dvcLive.size());
                                                        });
    qint64 done = 0;
    sink.progress(0, total);
    for (const QString &dir : std::as_const(loose)) {
        if (sink.isCancelled())
            return;
        if (!deliver([&] { return readDvcLiveRun(dir, root, nullptr, sink); }, QStringLiteral("the run"),
                     sink))
            return;
        sink.progress(++done, total);
    }
    for (const Project &p : std::as_const(projects)) {
        if (sink.isCancelled())
            return;
        std::optional<ProjectData> data;
        try {
            data = readProject(p.dir, sink);
        } catch (const Broken &b) {
            sink.warning(
                {b.file,
                 QStringLiteral("%1; the runs of the DVC project %2 not imported").arg(b.message, p.dir)});
            done += std::max<qint64>(1, p.dvcLive.size());
            sink.progress(done, total);
            continue;
        }
        for (const auto &[file, s] : data->metrics)
            warnSkipped(file, s, sink);
        for (const QString &dir : p.dvcLive) {
            if (sink.isCancelled())
                return;
            const bool ok = deliver(
                [&] {
                    SourceRun run = readDvcLiveRun(dir, root, &*data, sink);
                    if (p.dvcLive.size() == 1) { // the project's metrics are this run's
                        for (const auto &[file, s] : data->metrics)
                            addProjectMetrics(run, file, s);
                        if (!run.startMs) // no times of its own: it ended by the last write
                            run.endMs = std::max(run.endMs.value_or(0), data->lastWriteMs);
                    }
                    return run;
                },
                QStringLiteral("the run"), sink);
            if (!ok)
                return;
            sink.progress(++done, total);
        }
        if (p.dvcLive.isEmpty() || (p.dvcLive.size() > 1 && !data->metrics.empty())) {
            SourceRun run;
            run.sourceKey = relativeKey(root, p.dir) + QStringLiteral("#dvc-project");
            run.name = QFileInfo(p.dir).fileName();
            run.status = RunStatus::Finished;
            for (const auto &[file, s] : data->metrics)
                addSummary(run, s, 0, modifiedMs(file));
            applyProject(*data, run);
            if (!p.dvcLive.isEmpty()) // beside its DVCLive runs, which may carry the folder's name
                run.name += QStringLiteral(" (project)");
            const qint64 lastWrite = data->lastWriteMs ? data->lastWriteMs : modifiedMs(p.dir);
            run.endMs = lastWrite;
            if (!sink.run(std::move(run)))
                return;
            if (p.dvcLive.isEmpty())
                sink.progress(++done, total);
        }
    }
}

} // namespace runlens::import
