// SPDX-License-Identifier: GPL-3.0-or-later
#include "registry/registry.h"

#include "artifacts/artifactstore.h"
#include "core/error.h"
#include "store/database.h"

#include <map>
#include <QRegularExpression>
#include <QSqlQuery>

namespace runlens {

Registry::Registry(Database &db)
    : m_db(db)
{}

// ------------------------------------------------------------------------------------------------- registry

qint64 Registry::modelId(const QString &model)
{
    const QVariant id =
        m_db.scalar(QStringLiteral("SELECT id FROM registered_models WHERE name = ?"), {model});
    if (id.isNull())
        throw Error(QStringLiteral("no registered model named '%1'").arg(model), Error::Kind::NotFound);
    return id.toLongLong();
}

void Registry::requireVersion(qint64 modelId, const QString &model, int version)
{
    if (m_db.scalar(
                QStringLiteral(
                    "SELECT 1 FROM model_versions WHERE model = ? AND version = ? AND lifecycle = 'active'"),
                {modelId, version})
            .isNull())
        throw Error(QStringLiteral("model '%1' has no version %2").arg(model).arg(version),
                    Error::Kind::NotFound);
}

void Registry::audit(const QString &model, std::optional<int> version, const QString &action,
                     const QString &from, const QString &to)
{
    m_db.write(QStringLiteral(
                   "INSERT INTO registry_audit(at_ms, user, model, version, action, from_value, to_value) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)"),
               {nowMs(), m_db.user(), model,
                version ? QVariant(*version) : QVariant(QMetaType(QMetaType::Int)), action,
                from.isNull() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(from),
                to.isNull() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(to)});
}

void Registry::createRegisteredModel(const QString &name, const QString &description,
                                     std::optional<qint64> createdMs)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        throw Error(QStringLiteral("a registered model needs a name"));
    Database::Transaction tx(m_db);
    if (!m_db.scalar(QStringLiteral("SELECT 1 FROM registered_models WHERE name = ?"), {trimmed}).isNull())
        throw Error(QStringLiteral("a registered model named '%1' already exists").arg(trimmed),
                    Error::Kind::Conflict);
    const qint64 at = createdMs.value_or(nowMs());
    m_db.write(
        QStringLiteral(
            "INSERT INTO registered_models(name, description, created_ms, updated_ms) VALUES (?, ?, ?, ?)"),
        {trimmed, description, at, at});
    audit(trimmed, std::nullopt, QStringLiteral("create"), QString(), trimmed);
    tx.commit();
}

std::vector<RegisteredModel> Registry::registeredModels()
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT name FROM registered_models ORDER BY name"));
    QStringList names;
    for (; q.isValid(); q.next())
        names << q.value(0).toString();
    q.finish();
    std::vector<RegisteredModel> out;
    for (const QString &n : names) {
        // Another connection may delete a model between the two reads.
        if (std::optional<RegisteredModel> m = registeredModel(n))
            out.push_back(std::move(*m));
    }
    return out;
}

// Active versions matching `condition` (on model_versions v), with their aliases and tags.
std::vector<ModelVersion> Registry::loadVersions(const QString &condition, const QVariantList &binds)
{
    QSqlQuery v = m_db.exec(
        QStringLiteral("SELECT m.id, m.name, v.version, v.run_id, v.source, v.description, v.stage, "
                       "v.creator, v.created_ms, v.updated_ms FROM model_versions v "
                       "JOIN registered_models m ON m.id = v.model "
                       "WHERE v.lifecycle = 'active' AND %1 ORDER BY m.name, v.version")
            .arg(condition),
        binds);
    std::vector<ModelVersion> out;
    std::vector<qint64> ids;
    for (; v.isValid(); v.next()) {
        ModelVersion mv;
        ids.push_back(v.value(0).toLongLong());
        mv.model = v.value(1).toString();
        mv.version = v.value(2).toInt();
        mv.runId = v.value(3).toString();
        mv.source = v.value(4).toString();
        mv.description = v.value(5).toString();
        mv.stage = modelStageFromName(v.value(6).toString()).value_or(ModelStage::None);
        mv.creator = v.value(7).toString();
        mv.createdMs = v.value(8).toLongLong();
        mv.updatedMs = v.value(9).toLongLong();
        out.push_back(mv);
    }
    v.finish();
    // Aliases and tags of all those versions in one query each, not two per version: the Models page lists
    // every version of every model.
    std::map<std::pair<qint64, int>, size_t> index;
    for (size_t i = 0; i < out.size(); ++i)
        index.emplace(std::pair(ids[i], out[i].version), i);
    const auto versionAt = [&](const QSqlQuery &q) -> ModelVersion * {
        const auto it = index.find({q.value(0).toLongLong(), q.value(1).toInt()});
        return it == index.end() ? nullptr : &out[it->second];
    };
    for (QSqlQuery a =
             m_db.exec(QStringLiteral("SELECT a.model, a.version, a.alias FROM model_aliases a "
                                      "JOIN model_versions v ON v.model = a.model AND v.version = a.version "
                                      "WHERE v.lifecycle = 'active' AND %1 ORDER BY a.alias")
                           .arg(condition),
                       binds);
         a.isValid(); a.next()) {
        if (ModelVersion *mv = versionAt(a))
            mv->aliases << a.value(2).toString();
    }
    for (QSqlQuery t =
             m_db.exec(QStringLiteral("SELECT t.model, t.version, t.key, t.value FROM model_version_tags t "
                                      "JOIN model_versions v ON v.model = t.model AND v.version = t.version "
                                      "WHERE v.lifecycle = 'active' AND %1")
                           .arg(condition),
                       binds);
         t.isValid(); t.next()) {
        if (ModelVersion *mv = versionAt(t))
            mv->tags.insert(t.value(2).toString(), t.value(3).toString());
    }
    return out;
}

std::optional<RegisteredModel> Registry::registeredModel(const QString &name)
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT id, name, description, created_ms, updated_ms FROM registered_models "
                       "WHERE name = ?"),
        {name});
    if (!q.isValid())
        return std::nullopt;
    RegisteredModel m;
    const qint64 id = q.value(0).toLongLong();
    m.name = q.value(1).toString();
    m.description = q.value(2).toString();
    m.createdMs = q.value(3).toLongLong();
    m.updatedMs = q.value(4).toLongLong();
    q.finish();
    for (QSqlQuery t =
             m_db.exec(QStringLiteral("SELECT key, value FROM registered_model_tags WHERE model = ?"), {id});
         t.isValid(); t.next())
        m.tags.insert(t.value(0).toString(), t.value(1).toString());
    for (QSqlQuery a =
             m_db.exec(QStringLiteral("SELECT alias, version FROM model_aliases WHERE model = ?"), {id});
         a.isValid(); a.next())
        m.aliases.insert(a.value(0).toString(), a.value(1).toInt());
    m.versions = loadVersions(QStringLiteral("v.model = ?"), {id});
    return m;
}

std::optional<ModelVersion> Registry::modelVersion(const QString &model, int version)
{
    std::vector<ModelVersion> v =
        loadVersions(QStringLiteral("v.model = ? AND v.version = ?"), {modelId(model), version});
    if (v.empty())
        return std::nullopt;
    return v.front();
}

std::optional<ModelVersion> Registry::modelVersionByAlias(const QString &model, const QString &alias)
{
    const qint64 id = modelId(model);
    const QVariant version = m_db.scalar(
        QStringLiteral("SELECT version FROM model_aliases WHERE model = ? AND alias = ?"), {id, alias});
    if (version.isNull())
        return std::nullopt;
    std::vector<ModelVersion> v =
        loadVersions(QStringLiteral("v.model = ? AND v.version = ?"), {id, version.toInt()});
    if (v.empty())
        return std::nullopt;
    return v.front();
}

std::vector<ModelVersion> Registry::modelVersionsOfRun(const QString &runId)
{
    return loadVersions(QStringLiteral("v.run_id = ?"), {runId});
}

// Inserts one version (number 0: the next free one) without auditing it; the caller says how it came.
int Registry::insertVersion(qint64 id, const ModelVersion &v)
{
    int version = v.version;
    // Deleted versions count too: a number, once given, always names the same model version.
    if (version == 0)
        version =
            int(m_db.scalar(QStringLiteral(
                                "SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE model = ?"),
                            {id})
                    .toLongLong());
    else if (!m_db.scalar(QStringLiteral("SELECT 1 FROM model_versions WHERE model = ? AND version = ?"),
                          {id, version})
                  .isNull())
        throw Error(QStringLiteral("model '%1' already has a version %2").arg(v.model).arg(version),
                    Error::Kind::Conflict);
    if (version < 1)
        throw Error(QStringLiteral("model version numbers start at 1 (got %1)").arg(version));
    const qint64 now = nowMs();
    const qint64 created = v.createdMs ? v.createdMs : now;
    m_db.write(QStringLiteral(
                   "INSERT INTO model_versions(model, version, run_id, source, description, stage, creator, "
                   "created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
               {id, version, v.runId, v.source, v.description, modelStageName(v.stage),
                v.creator.isEmpty() ? m_db.user() : v.creator, created, v.updatedMs ? v.updatedMs : created});
    m_db.write(QStringLiteral("UPDATE registered_models SET updated_ms = ? WHERE id = ?"), {now, id});
    return version;
}

int Registry::createModelVersion(const QString &model, const ModelVersion &v)
{
    Database::Transaction tx(m_db);
    ModelVersion named = v;
    named.model = model;
    const int version = insertVersion(modelId(model), named);
    audit(model, version, QStringLiteral("create_version"), QString(), v.runId);
    for (auto it = v.tags.begin(); it != v.tags.end(); ++it)
        setModelVersionTag(model, version, it.key(), it.value());
    if (v.stage != ModelStage::None)
        audit(model, version, QStringLiteral("set_stage"), modelStageName(ModelStage::None),
              modelStageName(v.stage));
    tx.commit();
    return version;
}

int Registry::promoteRun(const QString &runId, const QString &model, const QString &path,
                         const QString &description, const QString &alias)
{
    const QString name = model.trimmed();
    if (name.isEmpty())
        throw Error(QStringLiteral("a registered model needs a name"));
    if (!alias.isEmpty()) {
        if (const std::optional<QString> problem = aliasProblem(alias))
            throw Error(*problem);
    }
    QString source;
    if (!path.isEmpty()) {
        const std::optional<QString> normalized = ArtifactStore::normalizedPath(path);
        if (!normalized)
            throw Error(QStringLiteral("'%1' is not a relative artifact path inside the run").arg(path));
        source = *normalized;
    }
    // The write lock comes first (BEGIN IMMEDIATE): the next number is read and taken under it, so a
    // promote in another process waits (the busy handler) instead of reading the same maximum.
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    if (m_db.scalar(QStringLiteral("SELECT lifecycle FROM runs WHERE rid = ?"), {rid}).toString() !=
        lifecycleName(Lifecycle::Active))
        throw Error(QStringLiteral("run '%1' is deleted; restore it before promoting it").arg(runId),
                    Error::Kind::Conflict);
    if (!source.isEmpty()) {
        // The exact file, or anything below the folder: "model" matches "model/MLmodel", not "model2".
        const QString below = source + QLatin1Char('/');
        const QString pastBelow = source + QLatin1Char('0'); // '0' sorts right after '/'
        if (m_db.scalar(QStringLiteral("SELECT 1 FROM artifacts WHERE run = ? AND lifecycle = 'active' AND "
                                       "(path = ? OR (path >= ? AND path < ?)) LIMIT 1"),
                        {rid, source, below, pastBelow})
                .isNull())
            throw Error(QStringLiteral("run '%1' has no artifact folder or file '%2'").arg(runId, source),
                        Error::Kind::NotFound);
    }
    if (m_db.scalar(QStringLiteral("SELECT 1 FROM registered_models WHERE name = ?"), {name}).isNull())
        createRegisteredModel(name);
    ModelVersion v;
    v.model = name;
    v.runId = runId;
    v.source = source;
    v.description = description;
    const int version = insertVersion(modelId(name), v);
    audit(name, version, QStringLiteral("promote"), QString(),
          QStringLiteral("version %1 from run %2").arg(version).arg(runId));
    if (!alias.isEmpty())
        setModelAlias(name, alias, version);
    tx.commit();
    return version;
}

namespace {

const QString touchModel = QStringLiteral("UPDATE registered_models SET updated_ms = ? WHERE id = ?");
const QString touchVersion =
    QStringLiteral("UPDATE model_versions SET updated_ms = ? WHERE model = ? AND version = ?");

// How the audit trail shows a tag's value, and an alias's version.
std::function<QString(const QString &)> tagText(const QString &key)
{
    return [key](const QString &value) { return key + QLatin1Char('=') + value; };
}

std::function<QString(const QString &)> aliasText(const QString &alias)
{
    return [alias](const QString &version) { return QStringLiteral("%1@%2").arg(alias, version); };
}

} // namespace

// One audited change of a registry value: a tag, an alias, a description or a stage. Every setter of one
// goes through changeAudited(), which reads the value now, and only when the new one differs runs the
// writes (the value, then the owner's updated_ms) and records one audit row from the old value to the new
// one (a value that is not there is audited as NULL). Setting a value it already has, or removing one that
// is not there, writes and records nothing.
struct Registry::Change
{
    QString model = {};
    std::optional<int> version = {}; // the audit row's version; none: the model itself
    QString action = {};
    QString read = {}; // the value now: no row, or NULL, when it is not there
    QVariantList readBinds = {};
    std::optional<QString> next = {}; // nullopt: the value goes
    std::function<QString(const QString &)> text = [](const QString &v) { return v; }; // as audited
    QString missing = {}; // when not empty, the value must be there: NotFound with this message otherwise
    std::vector<std::pair<QString, QVariantList>> writes = {};
    bool versionIsOld = false; // removing an alias: the audit names the version it pointed at
};

void Registry::changeAudited(const Change &c)
{
    const QVariant now = m_db.scalar(c.read, c.readBinds);
    const std::optional<QString> old = now.isNull() ? std::nullopt : std::optional<QString>(now.toString());
    if (!old && !c.missing.isEmpty())
        throw Error(c.missing, Error::Kind::NotFound);
    if (old == c.next)
        return;
    for (const auto &[sql, binds] : c.writes)
        m_db.write(sql, binds);
    audit(c.model, c.versionIsOld && old ? std::optional<int>(old->toInt()) : c.version, c.action,
          old ? c.text(*old) : QString(), c.next ? c.text(*c.next) : QString());
}

void Registry::setModelVersionStage(const QString &model, int version, ModelStage stage,
                                    bool archiveExistingVersions)
{
    if (archiveExistingVersions && stage != ModelStage::Staging && stage != ModelStage::Production)
        throw Error(QStringLiteral("archiving existing versions applies only to a transition to Staging or "
                                   "Production (not %1)")
                        .arg(modelStageName(stage)));
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    const qint64 now = nowMs();
    const QString stageUpdate =
        QStringLiteral("UPDATE model_versions SET stage = ?, updated_ms = ? WHERE model = ? AND version = ?");
    changeAudited({.model = model,
                   .version = version,
                   .action = QStringLiteral("set_stage"),
                   .read = QStringLiteral("SELECT stage FROM model_versions WHERE model = ? AND version = ? "
                                          "AND lifecycle = 'active'"),
                   .readBinds = {id, version},
                   .next = modelStageName(stage),
                   .missing = QStringLiteral("model '%1' has no version %2").arg(model).arg(version),
                   .writes = {{stageUpdate, {modelStageName(stage), now, id, version}}}});
    if (archiveExistingVersions) {
        QList<int> others;
        for (QSqlQuery q = m_db.exec(QStringLiteral("SELECT version FROM model_versions WHERE model = ? AND "
                                                    "stage = ? AND version <> ? AND lifecycle = 'active' "
                                                    "ORDER BY version"),
                                     {id, modelStageName(stage), version});
             q.isValid(); q.next())
            others << q.value(0).toInt();
        for (int other : others) {
            m_db.write(stageUpdate, {modelStageName(ModelStage::Archived), now, id, other});
            audit(model, other, QStringLiteral("set_stage"), modelStageName(stage),
                  modelStageName(ModelStage::Archived));
        }
    }
    tx.commit();
}

std::optional<QString> Registry::aliasProblem(const QString &alias)
{
    // MLflow's rules: Python's Unicode \w plus '-', at most 255 characters; "latest" names the newest version
    // and "v<digits>" a version number, so neither can be an alias.
    static const QRegularExpression valid(QStringLiteral("^[\\w-]+$"),
                                          QRegularExpression::UseUnicodePropertiesOption);
    static const QRegularExpression versionLike(QStringLiteral("^[vV]\\d+$"),
                                                QRegularExpression::UseUnicodePropertiesOption);
    constexpr int MaxAliasLength = 255;
    if (alias.isEmpty())
        return QStringLiteral("an alias needs a name");
    if (!valid.match(alias).hasMatch())
        return QStringLiteral("alias '%1' may only contain letters, digits, '_' and '-'").arg(alias);
    if (alias.size() > MaxAliasLength)
        return QStringLiteral("alias '%1…' is longer than %2 characters")
            .arg(alias.left(20))
            .arg(MaxAliasLength);
    if (alias.compare(QLatin1String("latest"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("alias 'latest' is reserved (in any case): it names the newest version");
    if (versionLike.match(alias).hasMatch())
        return QStringLiteral("alias '%1' is reserved: 'v<number>' names a version by its number").arg(alias);
    return std::nullopt;
}

void Registry::setModelAlias(const QString &model, const QString &alias, int version)
{
    if (const std::optional<QString> problem = aliasProblem(alias))
        throw Error(*problem);
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    requireVersion(id, model, version);
    changeAudited(
        {.model = model,
         .version = version,
         .action = QStringLiteral("set_alias"),
         .read = QStringLiteral("SELECT version FROM model_aliases WHERE model = ? AND alias = ?"),
         .readBinds = {id, alias},
         .next = QString::number(version),
         .text = aliasText(alias),
         .writes = {{QStringLiteral("INSERT INTO model_aliases(model, alias, version) VALUES (?, ?, ?) "
                                    "ON CONFLICT(model, alias) DO UPDATE SET version = excluded.version"),
                     {id, alias, version}},
                    {touchModel, {nowMs(), id}}}});
    tx.commit();
}

void Registry::deleteModelAlias(const QString &model, const QString &alias)
{
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    changeAudited(
        {.model = model,
         .action = QStringLiteral("delete_alias"),
         .read = QStringLiteral("SELECT version FROM model_aliases WHERE model = ? AND alias = ?"),
         .readBinds = {id, alias},
         .text = aliasText(alias),
         .missing = QStringLiteral("model '%1' has no alias '%2'").arg(model, alias),
         .writes = {{QStringLiteral("DELETE FROM model_aliases WHERE model = ? AND alias = ?"), {id, alias}},
                    {touchModel, {nowMs(), id}}},
         .versionIsOld = true});
    tx.commit();
}

void Registry::setRegisteredModelTag(const QString &model, const QString &key, const QString &value)
{
    sql::checkKey(QStringLiteral("tag"), key);
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    changeAudited(
        {.model = model,
         .action = QStringLiteral("set_tag"),
         .read = QStringLiteral("SELECT value FROM registered_model_tags WHERE model = ? AND key = ?"),
         .readBinds = {id, key},
         .next = value,
         .text = tagText(key),
         .writes = {{QStringLiteral("INSERT INTO registered_model_tags(model, key, value) VALUES (?, ?, ?) "
                                    "ON CONFLICT(model, key) DO UPDATE SET value = excluded.value"),
                     {id, key, value}},
                    {touchModel, {nowMs(), id}}}});
    tx.commit();
}

void Registry::deleteRegisteredModelTag(const QString &model, const QString &key)
{
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    changeAudited(
        {.model = model,
         .action = QStringLiteral("delete_tag"),
         .read = QStringLiteral("SELECT value FROM registered_model_tags WHERE model = ? AND key = ?"),
         .readBinds = {id, key},
         .text = tagText(key),
         .writes = {
             {QStringLiteral("DELETE FROM registered_model_tags WHERE model = ? AND key = ?"), {id, key}},
             {touchModel, {nowMs(), id}}}});
    tx.commit();
}

void Registry::setModelVersionTag(const QString &model, int version, const QString &key, const QString &value)
{
    sql::checkKey(QStringLiteral("tag"), key);
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    requireVersion(id, model, version);
    changeAudited(
        {.model = model,
         .version = version,
         .action = QStringLiteral("set_tag"),
         .read = QStringLiteral("SELECT value FROM model_version_tags WHERE model = ? AND version = ? "
                                "AND key = ?"),
         .readBinds = {id, version, key},
         .next = value,
         .text = tagText(key),
         .writes = {
             {QStringLiteral("INSERT INTO model_version_tags(model, version, key, value) VALUES (?, ?, ?, "
                             "?) ON CONFLICT(model, version, key) DO UPDATE SET value = excluded.value"),
              {id, version, key, value}},
             {touchVersion, {nowMs(), id, version}}}});
    tx.commit();
}

void Registry::deleteModelVersionTag(const QString &model, int version, const QString &key)
{
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    requireVersion(id, model, version);
    changeAudited(
        {.model = model,
         .version = version,
         .action = QStringLiteral("delete_tag"),
         .read = QStringLiteral("SELECT value FROM model_version_tags WHERE model = ? AND version = ? "
                                "AND key = ?"),
         .readBinds = {id, version, key},
         .text = tagText(key),
         .writes = {
             {QStringLiteral("DELETE FROM model_version_tags WHERE model = ? AND version = ? AND key = ?"),
              {id, version, key}},
             {touchVersion, {nowMs(), id, version}}}});
    tx.commit();
}

void Registry::setRegisteredModelDescription(const QString &model, const QString &description)
{
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    changeAudited(
        {.model = model,
         .action = QStringLiteral("set_description"),
         .read = QStringLiteral("SELECT description FROM registered_models WHERE id = ?"),
         .readBinds = {id},
         .next = description,
         .writes = {
             {QStringLiteral("UPDATE registered_models SET description = ?, updated_ms = ? WHERE id = ?"),
              {description, nowMs(), id}}}});
    tx.commit();
}

void Registry::setModelVersionDescription(const QString &model, int version, const QString &description)
{
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    requireVersion(id, model, version);
    changeAudited(
        {.model = model,
         .version = version,
         .action = QStringLiteral("set_description"),
         .read = QStringLiteral("SELECT description FROM model_versions WHERE model = ? AND version = ?"),
         .readBinds = {id, version},
         .next = description,
         .writes = {
             {QStringLiteral("UPDATE model_versions SET description = ?, updated_ms = ? WHERE model = ? "
                             "AND version = ?"),
              {description, nowMs(), id, version}}}});
    tx.commit();
}

void Registry::deleteModelVersion(const QString &model, int version)
{
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    requireVersion(id, model, version);
    QStringList aliases;
    for (QSqlQuery a = m_db.exec(
             QStringLiteral("SELECT alias FROM model_aliases WHERE model = ? AND version = ? ORDER BY alias"),
             {id, version});
         a.isValid(); a.next())
        aliases << a.value(0).toString();
    const qint64 now = nowMs();
    // The row stays (deleted) so that its number is never given to another version.
    m_db.write(
        QStringLiteral("UPDATE model_versions SET lifecycle = 'deleted', updated_ms = ? WHERE model = ? AND "
                       "version = ?"),
        {now, id, version});
    m_db.write(QStringLiteral("DELETE FROM model_aliases WHERE model = ? AND version = ?"), {id, version});
    m_db.write(QStringLiteral("UPDATE registered_models SET updated_ms = ? WHERE id = ?"), {now, id});
    QString from = QStringLiteral("version %1").arg(version);
    if (!aliases.isEmpty())
        from += QStringLiteral(" (aliases %1)").arg(aliases.join(QStringLiteral(", ")));
    audit(model, version, QStringLiteral("delete"), from, QString());
    tx.commit();
}

void Registry::deleteRegisteredModel(const QString &model)
{
    Database::Transaction tx(m_db);
    const qint64 id = modelId(model);
    const qint64 versions =
        m_db.scalar(QStringLiteral(
                        "SELECT count(*) FROM model_versions WHERE model = ? AND lifecycle = 'active'"),
                    {id})
            .toLongLong();
    // Versions, their tags and aliases, and the model's tags go by ON DELETE CASCADE.
    m_db.write(QStringLiteral("DELETE FROM registered_models WHERE id = ?"), {id});
    audit(model, std::nullopt, QStringLiteral("delete"),
          QStringLiteral("model %1 with %2 version(s)").arg(model).arg(versions), QString());
    tx.commit();
}

std::vector<AuditEntry> Registry::auditTrail(const QString &model)
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT at_ms, user, model, version, action, from_value, to_value "
                                           "FROM registry_audit %1 ORDER BY id")
                                .arg(model.isEmpty() ? QString() : QStringLiteral("WHERE model = ?")),
                            model.isEmpty() ? QVariantList() : QVariantList{model});
    std::vector<AuditEntry> out;
    for (; q.isValid(); q.next()) {
        out.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).isNull() ? std::nullopt : std::optional<int>(q.value(3).toInt()),
                       q.value(4).toString(), q.value(5).toString(), q.value(6).toString()});
    }
    return out;
}
} // namespace runlens
