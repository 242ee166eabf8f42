// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/registrycommands.h"

#include "artifacts/artifactstore.h"
#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "core/atomicfile.h"
#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"
#include "registry/registrycsv.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

namespace runlens::cli {

namespace {

QString utcTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString mapText(const QMap<QString, QString> &map)
{
    QStringList parts;
    for (auto it = map.begin(); it != map.end(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QStringLiteral(", "));
}

QString aliasesText(const QMap<QString, int> &aliases)
{
    QStringList parts;
    for (auto it = aliases.begin(); it != aliases.end(); ++it)
        parts << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    return parts.join(QStringLiteral(", "));
}

// Versions per stage other than None, in stage order: {"Production": [3], "Archived": [1, 2]}.
QMap<ModelStage, QList<int>> versionsByStage(const RegisteredModel &m)
{
    QMap<ModelStage, QList<int>> stages;
    for (const ModelVersion &v : m.versions) {
        if (v.stage != ModelStage::None)
            stages[v.stage] << v.version;
    }
    return stages;
}

QString stagesText(const RegisteredModel &m)
{
    QStringList parts;
    const QMap<ModelStage, QList<int>> stages = versionsByStage(m);
    for (auto it = stages.begin(); it != stages.end(); ++it) {
        QStringList numbers;
        for (int v : it.value())
            numbers << QString::number(v);
        parts << modelStageName(it.key()) + QStringLiteral(": ") + numbers.join(QStringLiteral(", "));
    }
    return parts.join(QStringLiteral("; "));
}

QJsonValue latestVersion(const RegisteredModel &m)
{
    return m.versions.empty() ? QJsonValue() : QJsonValue(m.versions.back().version);
}

// A registered model as one listing row: nested values for JSON, flat text for the table and CSV.
QJsonObject modelRow(const RegisteredModel &m, Format format)
{
    QJsonObject row{{QStringLiteral("name"), m.name},
                    {QStringLiteral("latest_version"), latestVersion(m)},
                    {QStringLiteral("description"), m.description}};
    if (format == Format::Json) {
        QJsonObject aliases, stages;
        for (auto it = m.aliases.begin(); it != m.aliases.end(); ++it)
            aliases.insert(it.key(), it.value());
        const QMap<ModelStage, QList<int>> byStage = versionsByStage(m);
        for (auto it = byStage.begin(); it != byStage.end(); ++it) {
            QJsonArray numbers;
            for (int v : it.value())
                numbers.append(v);
            stages.insert(modelStageName(it.key()), numbers);
        }
        row.insert(QStringLiteral("aliases"), aliases);
        row.insert(QStringLiteral("stages"), stages);
        row.insert(QStringLiteral("tags"), mapJson(m.tags));
        row.insert(QStringLiteral("version_count"), qint64(m.versions.size()));
        row.insert(QStringLiteral("created"), utcTime(m.createdMs));
        row.insert(QStringLiteral("updated"), utcTime(m.updatedMs));
    } else {
        row.insert(QStringLiteral("aliases"), aliasesText(m.aliases));
        row.insert(QStringLiteral("stages"), stagesText(m));
        row.insert(QStringLiteral("tags"), mapText(m.tags));
        row.insert(QStringLiteral("updated"), isoTime(m.updatedMs));
    }
    return row;
}

QJsonObject versionRow(const ModelVersion &v, Format format)
{
    QJsonObject row{{QStringLiteral("version"), v.version},
                    {QStringLiteral("stage"), modelStageName(v.stage)},
                    {QStringLiteral("run_id"), v.runId},
                    {QStringLiteral("source"), v.source},
                    {QStringLiteral("description"), v.description},
                    {QStringLiteral("creator"), v.creator}};
    if (format == Format::Json) {
        row.insert(QStringLiteral("aliases"), QJsonArray::fromStringList(v.aliases));
        row.insert(QStringLiteral("tags"), mapJson(v.tags));
        row.insert(QStringLiteral("created"), utcTime(v.createdMs));
        row.insert(QStringLiteral("updated"), utcTime(v.updatedMs));
    } else {
        row.insert(QStringLiteral("aliases"), v.aliases.join(QStringLiteral(", ")));
        row.insert(QStringLiteral("tags"), mapText(v.tags));
        row.insert(QStringLiteral("created"), isoTime(v.createdMs));
    }
    return row;
}

QJsonObject auditRow(const AuditEntry &e, Format format)
{
    return {{QStringLiteral("time"), format == Format::Json ? utcTime(e.atMs) : isoTime(e.atMs)},
            {QStringLiteral("user"), e.user},
            {QStringLiteral("version"), e.version ? QJsonValue(*e.version) : QJsonValue()},
            {QStringLiteral("action"), e.action},
            {QStringLiteral("from"), e.from},
            {QStringLiteral("to"), e.to}};
}

const QStringList &versionColumns()
{
    static const QStringList columns{
        QStringLiteral("version"), QStringLiteral("stage"),   QStringLiteral("aliases"),
        QStringLiteral("run_id"),  QStringLiteral("source"),  QStringLiteral("tags"),
        QStringLiteral("creator"), QStringLiteral("created"), QStringLiteral("description")};
    return columns;
}

int versionArgument(const QString &arg)
{
    bool ok = false;
    const int v = arg.toInt(&ok);
    if (!ok || v < 1)
        throw UsageProblem{
            QStringLiteral("VERSION must be a version number of 1 or more (got '%1')").arg(arg)};
    return v;
}

RegisteredModel requireModel(Store &store, const QString &name)
{
    std::optional<RegisteredModel> m = store.registry().registeredModel(name);
    if (!m)
        throw Error(QStringLiteral("no registered model named '%1'").arg(name), Error::Kind::NotFound);
    return std::move(*m);
}

// VERSION as a number ("3", "v3"), or "@ALIAS"; "@latest" is the newest version, as in MLflow's model URIs.
ModelVersion resolveVersion(Store &store, const QString &model, const QString &spec)
{
    const RegisteredModel m = requireModel(store, model);
    if (spec.startsWith(QLatin1Char('@'))) {
        const QString alias = spec.mid(1);
        if (alias.compare(QLatin1String("latest"), Qt::CaseInsensitive) == 0) {
            if (m.versions.empty())
                throw Error(QStringLiteral("model '%1' has no versions").arg(model), Error::Kind::NotFound);
            return m.versions.back();
        }
        if (const std::optional<ModelVersion> v = store.registry().modelVersionByAlias(model, alias))
            return *v;
        throw Error(QStringLiteral("model '%1' has no alias '%2'").arg(model, alias), Error::Kind::NotFound);
    }
    static const QRegularExpression versionLike(QStringLiteral("^[vV]?([0-9]+)$"));
    const QRegularExpressionMatch match = versionLike.match(spec);
    if (!match.hasMatch())
        throw UsageProblem{QStringLiteral("expected a version number or @ALIAS (got '%1')").arg(spec)};
    const int number = versionArgument(match.captured(1));
    if (const std::optional<ModelVersion> v = store.registry().modelVersion(model, number))
        return *v;
    throw Error(QStringLiteral("model '%1' has no version %2").arg(model).arg(number), Error::Kind::NotFound);
}

// Where a version's model lies among its run's artifacts ("" = all of them). Versions promoted here keep
// that relative path; MLflow's keep a URI of the machine that logged them ("runs:/<run>/model",
// "file:///…/<run>/artifacts/model", "mlflow-artifacts:/0/<run>/artifacts/model").
QString sourceInRun(const ModelVersion &v)
{
    if (v.source.isEmpty())
        return {};
    QString rest;
    bool found = false;
    if (!v.runId.isEmpty()) {
        const QString runsUri = QStringLiteral("runs:/") + v.runId;
        const QString artifacts = QLatin1Char('/') + v.runId + QStringLiteral("/artifacts");
        const qsizetype at = v.source.lastIndexOf(artifacts);
        if (v.source == runsUri || v.source.startsWith(runsUri + QLatin1Char('/'))) {
            rest = v.source.mid(runsUri.size());
            found = true;
        } else if (at >= 0 && (at + artifacts.size() == v.source.size() ||
                               v.source.at(at + artifacts.size()) == QLatin1Char('/'))) {
            rest = v.source.mid(at + artifacts.size());
            found = true;
        }
    }
    if (!found) {
        // Otherwise only a relative path of our own; any other URI or absolute path is somewhere else.
        if (v.source.contains(QLatin1Char(':')) || v.source.startsWith(QLatin1Char('/')) ||
            v.source.startsWith(QLatin1Char('\\')))
            throw Error(QStringLiteral("version %1 of '%2' has the source '%3', which is not among the "
                                       "artifacts of run %4")
                            .arg(v.version)
                            .arg(v.model, v.source, v.runId),
                        Error::Kind::NotFound);
        rest = v.source;
    }
    while (rest.startsWith(QLatin1Char('/')))
        rest = rest.mid(1);
    if (rest.isEmpty())
        return {};
    const std::optional<QString> normalized = ArtifactStore::normalizedPath(rest);
    if (!normalized)
        throw Error(QStringLiteral("version %1 of '%2' names the unsafe artifact path '%3'")
                        .arg(v.version)
                        .arg(v.model, v.source));
    return *normalized;
}

QJsonObject lineageJson(const ModelVersion &v, const Run &run, const QString &source,
                        const std::vector<std::pair<QString, Artifact>> &files)
{
    QJsonObject metrics;
    for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
        const MetricSummary &s = it.value();
        metrics.insert(it.key(), QJsonObject{{QStringLiteral("last"), text::jsonNumber(s.last)},
                                             {QStringLiteral("min"), text::jsonNumber(s.min)},
                                             {QStringLiteral("max"), text::jsonNumber(s.max)},
                                             {QStringLiteral("count"), qint64(s.count)}});
    }
    QString gitCommit = run.tags.value(QString::fromLatin1(mlflowtag::GitCommit));
    if (gitCommit.isEmpty())
        gitCommit = run.gitCommit;
    QJsonArray artifacts;
    for (const auto &[relative, a] : files)
        artifacts.append(QJsonObject{{QStringLiteral("path"), relative},
                                     {QStringLiteral("run_path"), a.path},
                                     {QStringLiteral("size"), qint64(a.size)},
                                     {QStringLiteral("sha256"), a.sha256}});
    return {{QStringLiteral("model"), v.model},
            {QStringLiteral("version"), v.version},
            {QStringLiteral("aliases"), QJsonArray::fromStringList(v.aliases)},
            {QStringLiteral("stage"), modelStageName(v.stage)},
            {QStringLiteral("description"), v.description},
            {QStringLiteral("tags"), mapJson(v.tags)},
            {QStringLiteral("source"), v.source},
            {QStringLiteral("source_in_run"), source},
            {QStringLiteral("created"), utcTime(v.createdMs)},
            {QStringLiteral("user"), v.creator},
            {QStringLiteral("run_id"), run.id},
            {QStringLiteral("run_name"), run.name},
            {QStringLiteral("experiment"), run.experimentName},
            {QStringLiteral("run_status"), runStatusName(run.status)},
            {QStringLiteral("git_commit"), gitCommit.isEmpty() ? QJsonValue() : QJsonValue(gitCommit)},
            {QStringLiteral("params"), mapJson(run.params)},
            {QStringLiteral("metrics"), metrics},
            {QStringLiteral("artifacts"), artifacts},
            {QStringLiteral("exported"), utcTime(QDateTime::currentMSecsSinceEpoch())}};
}

// A hidden folder beside the export's target that is removed again unless moveTo() renames it into place.
// Made with mkdir (not QTemporaryDir, whose 0700 would stay on the exported folder): permissions follow
// the umask like every other folder the user creates.
class StagingFolder
{
public:
    StagingFolder(const QString &parent, const QString &name)
    {
        for (int i = 0; m_path.isEmpty(); ++i) {
            const QString candidate = QStringLiteral("%1/.%2.partial-%3-%4")
                                          .arg(parent, name)
                                          .arg(QCoreApplication::applicationPid())
                                          .arg(i);
            if (QDir().mkdir(candidate))
                m_path = candidate;
            else if (!QFileInfo::exists(candidate) || i > 100)
                throw Error(QStringLiteral("cannot create a folder in %1").arg(parent));
        }
    }
    ~StagingFolder()
    {
        if (!m_path.isEmpty())
            QDir(m_path).removeRecursively();
    }
    StagingFolder(const StagingFolder &) = delete;
    StagingFolder &operator=(const StagingFolder &) = delete;
    QString path() const { return m_path; }
    void moveTo(const QString &target)
    {
        if (!QDir().rename(m_path, target))
            throw Error(QStringLiteral("cannot move the export into %1").arg(target));
        m_path.clear();
    }

private:
    QString m_path;
};

} // namespace

int modelsCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(formatOptionSpec());
    if (!parse(p, QStringLiteral("models"),
               QStringLiteral("List registered models: latest version, aliases, versions per stage, tags, "
                              "description and last change."),
               args))
        return Ok;
    const Format format = formatOption(p);
    expectArguments(p, 0, QString());
    Store store = openExisting(db);
    Listing listing({QStringLiteral("name"), QStringLiteral("latest_version"), QStringLiteral("aliases"),
                     QStringLiteral("stages"), QStringLiteral("tags"), QStringLiteral("description"),
                     QStringLiteral("updated")});
    for (const RegisteredModel &m : store.registry().registeredModels())
        listing.addRow(modelRow(m, format));
    listing.write(out(), format);
    return Ok;
}

int modelCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(formatOptionSpec());
    p.addOption({QStringLiteral("audit-csv"),
                 QStringLiteral("Also write the model's audit trail as CSV to FILE."),
                 QStringLiteral("FILE")});
    p.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("Registered model name."));
    if (!parse(
            p, QStringLiteral("model"),
            QStringLiteral("Show a registered model: its versions with runs, stages, aliases and tags, and "
                           "its audit trail. --format csv lists the versions only."),
            args))
        return Ok;
    const Format format = formatOption(p);
    expectArguments(p, 1, QStringLiteral("NAME"));
    Store store = openExisting(db);
    const RegisteredModel m = requireModel(store, p.positionalArguments().at(0));
    const std::vector<AuditEntry> trail = store.registry().auditTrail(m.name);

    if (p.isSet(QStringLiteral("audit-csv"))) {
        const QString file = p.value(QStringLiteral("audit-csv"));
        // Never QSaveFile here directly: the file named could be this very database (atomicfile.h).
        if (const QString error = writeFileAtomically(file, auditCsv(trail).toUtf8()); !error.isEmpty())
            throw Error(QStringLiteral("cannot write %1: %2").arg(file, error));
    }

    if (format == Format::Json) {
        QJsonObject o = modelRow(m, format);
        QJsonArray versions, audit;
        for (const ModelVersion &v : m.versions)
            versions.append(versionRow(v, format));
        for (const AuditEntry &e : trail)
            audit.append(auditRow(e, format));
        o.insert(QStringLiteral("versions"), versions);
        o.insert(QStringLiteral("audit"), audit);
        writeJson(out(), QJsonDocument(o));
        return Ok;
    }
    Listing versions(versionColumns());
    for (const ModelVersion &v : m.versions)
        versions.addRow(versionRow(v, format));
    if (format == Format::Csv) {
        versions.write(out(), format);
        return Ok;
    }
    // Names, descriptions and tags come from data (an imported registry too): escaped for the terminal.
    using display::escapeControls;
    out() << "Model:       " << escapeControls(m.name) << '\n'
          << "Description: " << escapeControls(m.description) << '\n'
          << "Tags:        " << escapeControls(mapText(m.tags)) << '\n'
          << "Aliases:     " << escapeControls(aliasesText(m.aliases)) << '\n'
          << "Stages:      " << stagesText(m) << '\n'
          << "Created:     " << isoTime(m.createdMs) << '\n'
          << "Updated:     " << isoTime(m.updatedMs) << "\n\n"
          << "Versions (" << m.versions.size() << "):\n";
    versions.write(out(), format);
    out() << "\nAudit trail (" << trail.size() << "):\n";
    Listing audit({QStringLiteral("time"), QStringLiteral("user"), QStringLiteral("version"),
                   QStringLiteral("action"), QStringLiteral("from"), QStringLiteral("to")});
    for (const AuditEntry &e : trail)
        audit.addRow(auditRow(e, format));
    audit.write(out(), format);
    return Ok;
}

int promoteCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(formatOptionSpec());
    p.addOption({QStringLiteral("model"), QStringLiteral("Registered model (created when missing)."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("path"),
                 QStringLiteral("The artifact folder or file of the run holding the model (default: the "
                                "whole run)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("alias"), QStringLiteral("Also point this alias at the new version."),
                 QStringLiteral("ALIAS")});
    p.addOption({QStringLiteral("description"), QStringLiteral("The new version's description."),
                 QStringLiteral("TEXT")});
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    if (!parse(p, QStringLiteral("promote"),
               QStringLiteral("Register a run as the next version (1, 2, …) of a model and print the new "
                              "version."),
               args))
        return Ok;
    const Format format = formatOption(p);
    expectArguments(p, 1, QStringLiteral("RUN"));
    if (!p.isSet(QStringLiteral("model")) || p.value(QStringLiteral("model")).trimmed().isEmpty())
        throw UsageProblem{QStringLiteral("--model NAME is required")};
    const QString runId = p.positionalArguments().at(0);
    const QString model = p.value(QStringLiteral("model")).trimmed();
    Store store = openExisting(db);
    const int version =
        store.registry().promoteRun(runId, model, p.value(QStringLiteral("path")),
                                    p.value(QStringLiteral("description")), p.value(QStringLiteral("alias")));
    if (format == Format::Table) {
        out() << QStringLiteral("Registered '%1' version %2 from run %3\n")
                     .arg(display::escapeControls(model))
                     .arg(version)
                     .arg(display::escapeControls(runId));
        return Ok;
    }
    Listing listing({QStringLiteral("model"), QStringLiteral("version"), QStringLiteral("run_id")});
    listing.addRow({{QStringLiteral("model"), model},
                    {QStringLiteral("version"), version},
                    {QStringLiteral("run_id"), runId}});
    listing.write(out(), format);
    return Ok;
}

int aliasCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("delete"),
                 QStringLiteral("Remove the alias instead (`alias --delete NAME ALIAS`, or with VERSION to "
                                "check where it points).")});
    p.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("Registered model name."));
    p.addPositionalArgument(QStringLiteral("VERSION"), QStringLiteral("Version number."));
    p.addPositionalArgument(
        QStringLiteral("ALIAS"),
        QStringLiteral("Alias: letters, digits, '_' and '-'; 'latest' and 'v<number>' are "
                       "reserved."));
    if (!parse(
            p, QStringLiteral("alias"),
            QStringLiteral("Point an alias (e.g. champion) at a model version; an alias already on another "
                           "version moves."),
            args))
        return Ok;
    const QStringList pos = p.positionalArguments();
    const bool remove = p.isSet(QStringLiteral("delete"));
    if (remove && pos.size() == 2) {
        Store store = openExisting(db);
        store.registry().deleteModelAlias(pos.at(0), pos.at(1));
        out() << QStringLiteral("Removed alias '%1' of '%2'\n")
                     .arg(display::escapeControls(pos.at(1)), display::escapeControls(pos.at(0)));
        return Ok;
    }
    expectArguments(p, 3, QStringLiteral("NAME VERSION ALIAS"));
    const QString model = pos.at(0);
    const int version = versionArgument(pos.at(1));
    const QString alias = pos.at(2);
    Store store = openExisting(db);
    if (remove) {
        const std::optional<ModelVersion> current = store.registry().modelVersionByAlias(model, alias);
        if (!current)
            throw Error(QStringLiteral("model '%1' has no alias '%2'").arg(model, alias),
                        Error::Kind::NotFound);
        if (current->version != version)
            throw Error(QStringLiteral("alias '%1' of '%2' points at version %3, not %4; nothing removed")
                            .arg(alias, model)
                            .arg(current->version)
                            .arg(version),
                        Error::Kind::Conflict);
        store.registry().deleteModelAlias(model, alias);
        out() << QStringLiteral("Removed alias '%1' of '%2' (was version %3)\n")
                     .arg(display::escapeControls(alias), display::escapeControls(model))
                     .arg(version);
        return Ok;
    }
    const std::optional<ModelVersion> before = store.registry().modelVersionByAlias(model, alias);
    store.registry().setModelAlias(model, alias, version);
    if (before && before->version != version)
        out() << QStringLiteral("Moved alias '%1' of '%2' from version %3 to %4\n")
                     .arg(display::escapeControls(alias), display::escapeControls(model))
                     .arg(before->version)
                     .arg(version);
    else
        out() << QStringLiteral("Alias '%1' of '%2' points at version %3\n")
                     .arg(display::escapeControls(alias), display::escapeControls(model))
                     .arg(version);
    return Ok;
}

int stageCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(
        {QStringLiteral("archive-existing"),
         QStringLiteral("Move the model's other versions in the target stage to Archived (Staging and "
                        "Production only).")});
    p.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("Registered model name."));
    p.addPositionalArgument(QStringLiteral("VERSION"), QStringLiteral("Version number."));
    p.addPositionalArgument(QStringLiteral("STAGE"),
                            QStringLiteral("None, Staging, Production or Archived."));
    if (!parse(p, QStringLiteral("stage"), QStringLiteral("Transition a model version to another stage."),
               args))
        return Ok;
    expectArguments(p, 3, QStringLiteral("NAME VERSION STAGE"));
    const QStringList pos = p.positionalArguments();
    const int version = versionArgument(pos.at(1));
    const std::optional<ModelStage> stage = modelStageFromName(pos.at(2));
    if (!stage)
        throw UsageProblem{
            QStringLiteral("STAGE must be None, Staging, Production or Archived (got '%1')").arg(pos.at(2))};
    Store store = openExisting(db);
    const std::optional<ModelVersion> before = store.registry().modelVersion(pos.at(0), version);
    if (!before)
        throw Error(QStringLiteral("model '%1' has no version %2").arg(pos.at(0)).arg(version),
                    Error::Kind::NotFound);
    store.registry().setModelVersionStage(pos.at(0), version, *stage,
                                          p.isSet(QStringLiteral("archive-existing")));
    out() << QStringLiteral("'%1' version %2: %3 -> %4\n")
                 .arg(display::escapeControls(pos.at(0)))
                 .arg(version)
                 .arg(modelStageName(before->stage), modelStageName(*stage));
    return Ok;
}

int modelExportCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("out"), QStringLiteral("Folder to create (must be missing or empty)."),
                 QStringLiteral("DIR")});
    p.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("Registered model name."));
    p.addPositionalArgument(QStringLiteral("VERSION"),
                            QStringLiteral("Version number, or @ALIAS (@latest: the newest version)."));
    if (!parse(
            p, QStringLiteral("model-export"),
            QStringLiteral("Copy a model version's artifacts (its source folder under the run's artifacts, "
                           "or all of them) into DIR, paths relative to that folder, plus lineage.json: "
                           "model, version, aliases, stage, run, experiment, params, metric summaries, "
                           "git commit. Nothing is left behind on failure."),
            args))
        return Ok;
    expectArguments(p, 2, QStringLiteral("NAME and VERSION (or @ALIAS)"));
    if (!p.isSet(QStringLiteral("out")) || p.value(QStringLiteral("out")).isEmpty())
        throw UsageProblem{QStringLiteral("--out DIR is required")};
    const QString target = QFileInfo(p.value(QStringLiteral("out"))).absoluteFilePath();
    const QFileInfo targetInfo(target);
    if (targetInfo.exists() || targetInfo.isSymLink()) {
        if (!targetInfo.isDir() || targetInfo.isSymLink())
            throw Error(QStringLiteral("%1 exists and is not a folder").arg(target));
        if (!QDir(target).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
            throw Error(QStringLiteral("%1 is not empty; model-export writes only into a new or empty folder")
                            .arg(target));
    }

    Store store = openExisting(db);
    const QString model = p.positionalArguments().at(0);
    const ModelVersion v = resolveVersion(store, model, p.positionalArguments().at(1));
    const std::optional<Run> run = store.runs().run(v.runId);
    if (!run)
        throw Error(QStringLiteral("version %1 of '%2' comes from run '%3', which is not in this database")
                        .arg(v.version)
                        .arg(v.model, v.runId),
                    Error::Kind::NotFound);
    const QString source = sourceInRun(v);

    // Which files, and where each lands: relative to the source folder (a file source keeps its name).
    std::vector<std::pair<QString, Artifact>> files;
    for (const Artifact &a : store.artifacts().artifacts(run->id)) {
        const std::optional<QString> path = ArtifactStore::normalizedPath(a.path);
        if (!path)
            throw Error(QStringLiteral("run %1 lists the unsafe artifact path '%2'").arg(run->id, a.path));
        QString relative;
        if (source.isEmpty())
            relative = *path;
        else if (*path == source)
            relative = path->section(QLatin1Char('/'), -1);
        else if (path->startsWith(source + QLatin1Char('/')))
            relative = path->mid(source.size() + 1);
        else
            continue;
        if (relative == QLatin1String("lineage.json"))
            throw Error(QStringLiteral("the model has its own artifact named lineage.json, which the export "
                                       "writes; export stopped"));
        files.emplace_back(relative, a);
    }
    if (files.empty() && !source.isEmpty())
        throw Error(QStringLiteral("run %1 has no artifacts under '%2' (version %3 of '%4')")
                        .arg(run->id, source)
                        .arg(v.version)
                        .arg(v.model),
                    Error::Kind::NotFound);

    // Everything goes into a hidden sibling first and is renamed into place at the end, so that a failure
    // (missing bytes, full disk) leaves no half-written DIR.
    const QString parent = targetInfo.absolutePath();
    if (!QDir().mkpath(parent))
        throw Error(QStringLiteral("cannot create the folder %1").arg(parent));
    StagingFolder staging(parent, targetInfo.fileName());
    const QString stagingRoot = QDir::cleanPath(staging.path());
    const ArtifactStore artifacts(store.path());
    // Ctrl-C or a termination request: the copy stops and the staging folder goes.
    catchInterrupts();
    for (const auto &[relative, a] : files) {
        const QString file = QDir::cleanPath(stagingRoot + QLatin1Char('/') + relative);
        if (!file.startsWith(stagingRoot + QLatin1Char('/')))
            throw Error(QStringLiteral("artifact path '%1' would leave the export folder").arg(a.path));
        artifacts.copyObject(a.sha256, file, [] { return interrupted(); });
        if (QFileInfo(file).size() != a.size)
            throw Error(QStringLiteral("artifact '%1' has %2 bytes in the store, %3 expected")
                            .arg(a.path)
                            .arg(QFileInfo(file).size())
                            .arg(a.size));
    }
    QSaveFile lineage(stagingRoot + QStringLiteral("/lineage.json"));
    if (!lineage.open(QIODevice::WriteOnly) ||
        lineage.write(QJsonDocument(lineageJson(v, *run, source, files)).toJson(QJsonDocument::Indented)) <
            0 ||
        !lineage.commit())
        throw Error(QStringLiteral("cannot write lineage.json: %1").arg(lineage.errorString()));
    if (QFileInfo::exists(target) && !QDir().rmdir(target))
        throw Error(QStringLiteral("cannot replace the empty folder %1").arg(target));
    staging.moveTo(target);
    out() << QStringLiteral("Exported '%1' version %2 (run %3): %4 file(s) and lineage.json into %5\n")
                 .arg(display::escapeControls(v.model))
                 .arg(v.version)
                 .arg(display::escapeControls(run->id))
                 .arg(files.size())
                 .arg(display::escapeControls(target));
    return Ok;
}

} // namespace runlens::cli
