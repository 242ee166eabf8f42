// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/runstore.h"

#include "core/error.h"
#include "series/seriesengine.h"
#include "store/database.h"

#include <algorithm>
#include <QHash>
#include <QSqlQuery>

namespace runlens {

namespace {

// A series summary from columns first.. of q: last, last_step, last_ts, min, max, count (NULL reals are NaN).
MetricSummary summaryAt(const QSqlQuery &q, int first)
{
    MetricSummary s;
    s.last = sql::realOrNaN(q.value(first));
    s.lastStep = q.value(first + 1).toLongLong();
    s.lastTimestamp = q.value(first + 2).toLongLong();
    s.min = sql::realOrNaN(q.value(first + 3));
    s.max = sql::realOrNaN(q.value(first + 4));
    s.count = q.value(first + 5).toLongLong();
    return s;
}

std::optional<qint64> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}

QVariant fromOptional(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

} // namespace

RunStore::RunStore(Database &db, SeriesEngine &series)
    : m_db(db)
    , m_series(series)
{}

// ---------------------------------------------------------------------------------------------- experiments

// Names stay taken while an experiment is in the trash, as in MLflow: restoring it must never collide, and
// a name keeps meaning one experiment until it is purged.
void RunStore::checkNameFree(const QString &name, ExperimentId self)
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT id, lifecycle FROM experiments WHERE name = ?"), {name});
    if (!q.isValid() || q.value(0).toLongLong() == self)
        return;
    if (q.value(1).toString() == lifecycleName(Lifecycle::Deleted))
        throw Error(
            QStringLiteral("an experiment named '%1' is in the trash; restore it or choose another name")
                .arg(name),
            Error::Kind::Conflict);
    throw Error(QStringLiteral("an experiment named '%1' already exists").arg(name), Error::Kind::Conflict);
}

// MLflow only edits active experiments; a trashed one is kept as it was deleted until it is restored.
void RunStore::requireActiveExperiment(ExperimentId id, const QString &doing)
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT name, lifecycle FROM experiments WHERE id = ?"), {id});
    if (!q.isValid())
        throw Error(QStringLiteral("no experiment with id %1").arg(id), Error::Kind::NotFound);
    if (q.value(1).toString() == lifecycleName(Lifecycle::Deleted))
        throw Error(QStringLiteral("experiment '%1' is in the trash; restore it before %2")
                        .arg(q.value(0).toString(), doing),
                    Error::Kind::Conflict);
}

ExperimentId RunStore::createExperiment(const QString &name, const QString &description)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        throw Error(QStringLiteral("experiment name must not be empty"));
    Database::Transaction tx(m_db);
    checkNameFree(trimmed, 0);
    const qint64 now = nowMs();
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO experiments(name, description, created_ms, updated_ms) "
                                 "VALUES (?, ?, ?, ?)"),
                  {trimmed, description, now, now});
    const ExperimentId id = q.lastInsertId().toLongLong();
    tx.commit();
    return id;
}

ExperimentId RunStore::ensureExperiment(const QString &name)
{
    Database::Transaction tx(m_db);
    std::optional<Experiment> e = experimentByName(name.trimmed());
    const ExperimentId id = e ? e->id : createExperiment(name);
    tx.commit();
    return id;
}

static const QString experimentColumns =
    QStringLiteral("e.id, e.name, e.description, e.lifecycle, e.created_ms, e.updated_ms, "
                   "(SELECT count(*) FROM runs r WHERE r.experiment = e.id AND r.lifecycle = 'active')");

static Experiment experimentFromQuery(const QSqlQuery &q)
{
    Experiment e;
    e.id = q.value(0).toLongLong();
    e.name = q.value(1).toString();
    e.description = q.value(2).toString();
    e.lifecycle = lifecycleFromName(q.value(3).toString()).value_or(Lifecycle::Active);
    e.createdMs = q.value(4).toLongLong();
    e.updatedMs = q.value(5).toLongLong();
    e.runCount = q.value(6).toLongLong();
    return e;
}

std::optional<Experiment> RunStore::experiment(ExperimentId id)
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM experiments e WHERE e.id = ?").arg(experimentColumns), {id});
    if (!q.isValid())
        return std::nullopt;
    Experiment e = experimentFromQuery(q);
    QSqlQuery t =
        m_db.exec(QStringLiteral("SELECT key, value FROM experiment_tags WHERE experiment = ?"), {id});
    for (; t.isValid(); t.next())
        e.tags.insert(t.value(0).toString(), t.value(1).toString());
    return e;
}

std::optional<Experiment> RunStore::experimentByName(const QString &name)
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT id FROM experiments WHERE name = ?"), {name});
    if (!q.isValid())
        return std::nullopt;
    return experiment(q.value(0).toLongLong());
}

std::vector<Experiment> RunStore::experiments(bool includeDeleted)
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM experiments e %2 ORDER BY e.id")
                      .arg(experimentColumns,
                           includeDeleted ? QString() : QStringLiteral("WHERE e.lifecycle = 'active'")));
    std::vector<Experiment> out;
    for (; q.isValid(); q.next())
        out.push_back(experimentFromQuery(q));
    return out;
}

void RunStore::renameExperiment(ExperimentId id, const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        throw Error(QStringLiteral("experiment name must not be empty"));
    Database::Transaction tx(m_db);
    requireActiveExperiment(id, QStringLiteral("renaming it"));
    checkNameFree(trimmed, id);
    m_db.exec(QStringLiteral("UPDATE experiments SET name = ?, updated_ms = ? WHERE id = ?"),
              {trimmed, nowMs(), id});
    tx.commit();
}

void RunStore::setExperimentDescription(ExperimentId id, const QString &description)
{
    Database::Transaction tx(m_db);
    requireActiveExperiment(id, QStringLiteral("editing its description"));
    m_db.exec(QStringLiteral("UPDATE experiments SET description = ?, updated_ms = ? WHERE id = ?"),
              {description, nowMs(), id});
    tx.commit();
}

void RunStore::setExperimentLifecycle(ExperimentId id, Lifecycle lifecycle)
{
    const qint64 now = nowMs();
    QSqlQuery q = m_db.exec(
        QStringLiteral("UPDATE experiments SET lifecycle = ?, deleted_ms = ?, updated_ms = ? "
                       "WHERE id = ?"),
        {lifecycleName(lifecycle), lifecycle == Lifecycle::Deleted ? QVariant(now) : QVariant(), now, id});
    if (q.numRowsAffected() == 0)
        throw Error(QStringLiteral("no experiment with id %1").arg(id), Error::Kind::NotFound);
}

void RunStore::setExperimentTag(ExperimentId id, const QString &key, const QString &value)
{
    sql::checkKey(QStringLiteral("tag"), key);
    Database::Transaction tx(m_db);
    requireActiveExperiment(id, QStringLiteral("tagging it"));
    m_db.exec(QStringLiteral("INSERT INTO experiment_tags(experiment, key, value) VALUES (?, ?, ?) "
                             "ON CONFLICT(experiment, key) DO UPDATE SET value = excluded.value"),
              {id, key, value});
    tx.commit();
}

// ----------------------------------------------------------------------------------------------------- runs

static const QString runColumns = QStringLiteral(
    "r.rid, r.id, r.experiment, e.name, r.name, r.status, r.start_ms, r.end_ms, r.user, r.source_name, "
    "r.source_type, r.git_commit, r.parent_id, r.description, r.lifecycle, r.deleted_ms, r.starred, "
    "r.updated_ms");

// Every change to a run moves its updated_ms forward, also two changes within one millisecond: a reader that
// saw the first one must see that the second happened.
static const QString touched = QStringLiteral("updated_ms = max(?, updated_ms + 1)");

static Run runFromQuery(const QSqlQuery &q)
{
    Run r;
    r.id = q.value(1).toString();
    r.experimentId = q.value(2).toLongLong();
    r.experimentName = q.value(3).toString();
    r.name = q.value(4).toString();
    r.status = runStatusFromName(q.value(5).toString()).value_or(RunStatus::Running);
    r.startMs = optionalInt(q.value(6));
    r.endMs = optionalInt(q.value(7));
    r.user = q.value(8).toString();
    r.sourceName = q.value(9).toString();
    r.sourceType = q.value(10).toString();
    r.gitCommit = q.value(11).toString();
    r.parentId = q.value(12).toString();
    r.description = q.value(13).toString();
    r.lifecycle = lifecycleFromName(q.value(14).toString()).value_or(Lifecycle::Active);
    r.deletedMs = optionalInt(q.value(15));
    r.starred = q.value(16).toBool();
    r.updatedMs = q.value(17).toLongLong();
    return r;
}

Run RunStore::createRun(const NewRun &init)
{
    const QString id = init.id.isEmpty() ? newRunId() : init.id;
    if (!isValidRunId(id))
        throw Error(QStringLiteral("run id '%1' is not 32 lowercase hexadecimal characters").arg(id));
    Database::Transaction tx(m_db);
    const QVariant experimentLifecycle =
        m_db.scalar(QStringLiteral("SELECT lifecycle FROM experiments WHERE id = ?"), {init.experimentId});
    if (experimentLifecycle.isNull())
        throw Error(QStringLiteral("no experiment with id %1").arg(init.experimentId), Error::Kind::NotFound);
    if (experimentLifecycle.toString() == lifecycleName(Lifecycle::Deleted))
        throw Error(
            QStringLiteral("experiment %1 is deleted; restore it before adding runs").arg(init.experimentId),
            Error::Kind::Conflict);
    if (!m_db.scalar(QStringLiteral("SELECT 1 FROM runs WHERE id = ?"), {id}).isNull())
        throw Error(QStringLiteral("a run with id %1 already exists").arg(id), Error::Kind::Conflict);
    const qint64 now = nowMs();
    m_db.write(
        QStringLiteral("INSERT INTO runs(id, experiment, name, status, start_ms, end_ms, user, source_name, "
                       "source_type, git_commit, parent_id, description, lifecycle, deleted_ms, updated_ms) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {id, init.experimentId, init.name, runStatusName(init.status),
         init.startKnown ? fromOptional(init.startMs.value_or(now)) : fromOptional(init.startMs),
         fromOptional(init.endMs), init.user, init.sourceName, init.sourceType, init.gitCommit, init.parentId,
         init.description, lifecycleName(init.lifecycle),
         init.lifecycle == Lifecycle::Deleted ? QVariant(now) : QVariant(), now});
    tx.commit();
    Run r;
    r.id = id;
    r.experimentId = init.experimentId;
    r.name = init.name;
    r.status = init.status;
    r.startMs = init.startKnown ? std::optional<qint64>(init.startMs.value_or(now)) : init.startMs;
    r.endMs = init.endMs;
    r.user = init.user;
    r.sourceName = init.sourceName;
    r.sourceType = init.sourceType;
    r.gitCommit = init.gitCommit;
    r.parentId = init.parentId;
    r.description = init.description;
    r.lifecycle = init.lifecycle;
    return r;
}

std::optional<Run> RunStore::run(const QString &id)
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1 FROM runs r JOIN experiments e ON e.id = r.experiment WHERE r.id = ?")
            .arg(runColumns),
        {id});
    if (!q.isValid())
        return std::nullopt;
    std::vector<Run> runs{runFromQuery(q)};
    loadDetails(runs, {q.value(0).toLongLong()});
    return runs.front();
}

void RunStore::setRunStatus(const QString &id, RunStatus status, std::optional<qint64> endMs)
{
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(id);
    if (isTerminal(status) && !endMs)
        endMs = nowMs();
    m_db.exec(QStringLiteral("UPDATE runs SET status = ?, end_ms = ?, %1 WHERE rid = ?").arg(touched),
              {runStatusName(status), isTerminal(status) ? fromOptional(endMs) : QVariant(), nowMs(), rid});
    tx.commit();
}

void RunStore::setRunName(const QString &id, const QString &name)
{
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(id);
    m_db.exec(QStringLiteral("UPDATE runs SET name = ?, %1 WHERE rid = ?").arg(touched),
              {name, nowMs(), rid});
    m_db.exec(QStringLiteral("UPDATE run_tags SET value = ? WHERE run = ? AND key = ?"),
              {name, rid, QString::fromLatin1(mlflowtag::RunName)});
    tx.commit();
}

void RunStore::setRunDescription(const QString &id, const QString &description)
{
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(id);
    m_db.exec(QStringLiteral("UPDATE runs SET description = ?, %1 WHERE rid = ?").arg(touched),
              {description, nowMs(), rid});
    m_db.exec(QStringLiteral("INSERT INTO run_tags(run, key, value) VALUES (?, ?, ?) "
                             "ON CONFLICT(run, key) DO UPDATE SET value = excluded.value"),
              {rid, QString::fromLatin1(mlflowtag::Note), description});
    tx.commit();
}

void RunStore::setRunStarred(const QString &id, bool starred)
{
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(id);
    m_db.exec(QStringLiteral("UPDATE runs SET starred = ?, %1 WHERE rid = ?").arg(touched),
              {starred ? 1 : 0, nowMs(), rid});
    tx.commit();
}

void RunStore::setRunLifecycle(const QString &id, Lifecycle lifecycle)
{
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(id);
    const qint64 now = nowMs();
    m_db.exec(
        QStringLiteral("UPDATE runs SET lifecycle = ?, deleted_ms = ?, %1 WHERE rid = ?").arg(touched),
        {lifecycleName(lifecycle), lifecycle == Lifecycle::Deleted ? QVariant(now) : QVariant(), now, rid});
    tx.commit();
}

void RunStore::setRunsLifecycle(const QStringList &ids, Lifecycle lifecycle)
{
    Database::Transaction tx(m_db);
    for (const QString &id : ids)
        setRunLifecycle(id, lifecycle);
    tx.commit();
}

void RunStore::setRunsStarred(const QStringList &ids, bool starred)
{
    Database::Transaction tx(m_db);
    for (const QString &id : ids)
        setRunStarred(id, starred);
    tx.commit();
}

void RunStore::logParam(const QString &runId, const QString &key, const QString &value)
{
    sql::checkKey(QStringLiteral("param"), key);
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    const QVariant existing =
        m_db.scalar(QStringLiteral("SELECT value FROM params WHERE run = ? AND key = ?"), {rid, key});
    if (!existing.isNull()) {
        const QString old = existing.toString();
        if (old != value) {
            throw Error(
                QStringLiteral("param '%1' of run %2 is already '%3'; params are immutable (tried '%4')")
                    .arg(key, runId, old, value),
                Error::Kind::Conflict);
        }
        tx.commit();
        return;
    }
    m_db.write(QStringLiteral("INSERT INTO params(run, key, value) VALUES (?, ?, ?)"), {rid, key, value});
    m_db.touchRun(rid);
    tx.commit();
}

void RunStore::applyWellKnownTag(qint64 rid, const QString &key, const QString &value)
{
    static const QHash<QString, QString> columns = {
        {QString::fromLatin1(mlflowtag::RunName), QStringLiteral("name")},
        {QString::fromLatin1(mlflowtag::User), QStringLiteral("user")},
        {QString::fromLatin1(mlflowtag::SourceName), QStringLiteral("source_name")},
        {QString::fromLatin1(mlflowtag::SourceType), QStringLiteral("source_type")},
        {QString::fromLatin1(mlflowtag::GitCommit), QStringLiteral("git_commit")},
        {QString::fromLatin1(mlflowtag::ParentRunId), QStringLiteral("parent_id")},
        {QString::fromLatin1(mlflowtag::Note), QStringLiteral("description")},
    };
    const auto it = columns.find(key);
    if (it != columns.end())
        m_db.exec(QStringLiteral("UPDATE runs SET %1 = ? WHERE rid = ?").arg(*it), {value, rid});
}

void RunStore::setTag(const QString &runId, const QString &key, const QString &value)
{
    sql::checkKey(QStringLiteral("tag"), key);
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    m_db.write(QStringLiteral("INSERT INTO run_tags(run, key, value) VALUES (?, ?, ?) "
                              "ON CONFLICT(run, key) DO UPDATE SET value = excluded.value"),
               {rid, key, value});
    applyWellKnownTag(rid, key, value);
    m_db.touchRun(rid);
    tx.commit();
}

void RunStore::deleteTag(const QString &runId, const QString &key)
{
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    QSqlQuery q = m_db.exec(QStringLiteral("DELETE FROM run_tags WHERE run = ? AND key = ?"), {rid, key});
    if (q.numRowsAffected() == 0)
        throw Error(QStringLiteral("run %1 has no tag '%2'").arg(runId, key), Error::Kind::NotFound);
    if (key == QLatin1String(mlflowtag::Note))
        m_db.exec(QStringLiteral("UPDATE runs SET description = '' WHERE rid = ?"), {rid});
    m_db.touchRun(rid);
    tx.commit();
}

std::vector<Run> RunStore::childRuns(const QString &id)
{
    m_db.runRid(id); // throws NotFound
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM runs r JOIN experiments e ON e.id = r.experiment "
                                           "WHERE r.parent_id = ? ORDER BY r.start_ms, r.rid")
                                .arg(runColumns),
                            {id});
    std::vector<Run> out;
    for (; q.isValid(); q.next())
        out.push_back(runFromQuery(q));
    return out;
}

// Details by the runs' row ids (rids[i] is runs[i]'s): each child table is read through its (run, key) key,
// and matched by integer, not by the 32-character run id on every row.
void RunStore::loadDetails(std::vector<Run> &runs, const std::vector<qint64> &rids)
{
    if (runs.empty())
        return;
    QHash<qint64, Run *> byRid;
    byRid.reserve(qsizetype(runs.size()));
    for (size_t i = 0; i < runs.size(); ++i)
        byRid.insert(rids[i], &runs[i]);
    for (size_t start = 0; start < runs.size(); start += sql::MaxBinds) {
        const size_t end = std::min(runs.size(), start + sql::MaxBinds);
        QVariantList binds;
        for (size_t i = start; i < end; ++i)
            binds << rids[i];
        const QString in = sql::placeholders(binds.size());
        QSqlQuery p =
            m_db.exec(QStringLiteral("SELECT run, key, value FROM params WHERE run IN (%1)").arg(in), binds);
        for (; p.isValid(); p.next())
            byRid.value(p.value(0).toLongLong())->params.insert(p.value(1).toString(), p.value(2).toString());
        QSqlQuery t = m_db.exec(
            QStringLiteral("SELECT run, key, value FROM run_tags WHERE run IN (%1)").arg(in), binds);
        for (; t.isValid(); t.next())
            byRid.value(t.value(0).toLongLong())->tags.insert(t.value(1).toString(), t.value(2).toString());
        QSqlQuery m =
            m_db.exec(QStringLiteral("SELECT run, key, last, last_step, last_ts, min, max, count FROM series "
                                     "WHERE run IN (%1) AND count > 0")
                          .arg(in),
                      binds);
        for (; m.isValid(); m.next())
            byRid.value(m.value(0).toLongLong())->metrics.insert(m.value(1).toString(), summaryAt(m, 2));
    }
}

void RunStore::logBatch(const QString &runId, const Batch &batch)
{
    Database::Transaction tx(m_db);
    for (auto it = batch.params.begin(); it != batch.params.end(); ++it)
        logParam(runId, it.key(), it.value());
    for (auto it = batch.tags.begin(); it != batch.tags.end(); ++it)
        setTag(runId, it.key(), it.value());
    // Group by key, keeping each key's logging order.
    QMap<QString, std::vector<MetricPoint>> byKey;
    for (const auto &[key, point] : batch.metrics)
        byKey[key].push_back(point);
    for (auto it = byKey.begin(); it != byKey.end(); ++it)
        m_series.logMetrics(runId, it.key(), it.value());
    tx.commit();
}

QStringList RunStore::metricKeys(const QString &runId)
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT key FROM series WHERE run = ? AND count > 0 ORDER BY key"),
                            {m_db.runRid(runId)});
    QStringList keys;
    for (; q.isValid(); q.next())
        keys << q.value(0).toString();
    return keys;
}

std::optional<MetricSummary> RunStore::metricSummary(const QString &runId, const QString &key)
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT last, last_step, last_ts, min, max, count FROM series "
                                           "WHERE run = ? AND key = ? AND count > 0"),
                            {m_db.runRid(runId), key});
    return q.isValid() ? std::optional<MetricSummary>(summaryAt(q, 0)) : std::nullopt;
}

// ------------------------------------------------------------------------------------------- dataset inputs

void RunStore::addDatasetInput(const QString &runId, const DatasetInput &in)
{
    if (in.name.isEmpty())
        throw Error(QStringLiteral("a dataset input needs a name"));
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    m_db.write(
        QStringLiteral(
            "INSERT OR IGNORE INTO run_inputs(run, name, digest, source_type, source, schema, profile, "
            "context) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        {rid, in.name, in.digest, in.sourceType, in.source, in.schema, in.profile, in.context});
    tx.commit();
}

std::vector<DatasetInput> RunStore::datasetInputs(const QString &runId)
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT name, digest, source_type, source, schema, profile, context "
                                 "FROM run_inputs WHERE run = ? ORDER BY name, context"),
                  {m_db.runRid(runId)});
    std::vector<DatasetInput> out;
    for (; q.isValid(); q.next()) {
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toString(), q.value(5).toString(),
                       q.value(6).toString()});
    }
    return out;
}
// --------------------------------------------------------------------------------------------------- search

namespace {

struct AssembledQuery
{
    QString sql;
    QVariantList binds;
};

// The statement over the compiled filter and order-by `c` (of query.filter and query.orderBy).
AssembledQuery assemble(const RunQuery &query, const search::CompiledQuery &c, const QString &columns,
                        bool ordered, const SqlDialect &dialect)
{
    AssembledQuery out;
    QStringList where;
    if (query.onlyDeleted)
        where << QStringLiteral("r.lifecycle = 'deleted'");
    else if (!query.includeDeleted)
        where << QStringLiteral("r.lifecycle = 'active'");
    QVariantList filterBinds, textBinds;
    if (!query.experiments.isEmpty()) {
        where << QStringLiteral("r.experiment IN (%1)").arg(sql::placeholders(query.experiments.size()));
        for (ExperimentId id : query.experiments)
            filterBinds << id;
    }
    where << QStringLiteral("(%1)").arg(c.where);
    for (const QString &word : query.text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        QString escaped = word;
        escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('%'), QStringLiteral("\\%"))
            .replace(QLatin1Char('_'), QStringLiteral("\\_"));
        const QString pattern = QLatin1Char('%') + escaped + QLatin1Char('%');
        QStringList alternatives;
        for (const char *column : {"r.name", "r.id", "r.user", "r.source_name"})
            alternatives << dialect.ilikeEscaped(QString::fromLatin1(column), QStringLiteral("?"));
        for (const char *table : {"params", "run_tags"})
            alternatives << QStringLiteral("EXISTS (SELECT 1 FROM %1 x WHERE x.run = r.rid AND %2)")
                                .arg(QString::fromLatin1(table),
                                     dialect.ilikeEscaped(QStringLiteral("x.value"), QStringLiteral("?")));
        where << QStringLiteral("(%1)").arg(alternatives.join(QStringLiteral(" OR ")));
        for (qsizetype i = 0; i < alternatives.size(); ++i)
            textBinds << pattern;
    }
    const QString listed = where.join(QStringLiteral(" AND "));
    QVariantList treeBinds;
    if (query.topLevel) {
        // The inner `r` shadows the outer one: the subquery is the listing itself, uncorrelated, evaluated
        // once. The walk up the parents is bounded: a run on a cycle, or too deep, stops and is top-level.
        // It starts only from runs that are parents and children both (the few in the middle of a tree):
        // only they can be on a cycle, and a leaf below one of them hangs under a top-level run.
        where << QStringLiteral(
                     "(r.parent_id = '' OR r.parent_id NOT IN (SELECT r.id FROM runs r JOIN experiments e "
                     "ON e.id = r.experiment WHERE %1) OR r.id IN (WITH RECURSIVE up(start, cur, depth) AS ("
                     "SELECT id, parent_id, 1 FROM runs WHERE parent_id <> '' AND id IN (SELECT parent_id "
                     "FROM runs WHERE parent_id <> '') UNION ALL SELECT up.start, "
                     "p.parent_id, up.depth + 1 FROM up JOIN runs p ON p.id = up.cur WHERE p.parent_id <> '' "
                     "AND up.cur <> up.start AND up.depth < %2) "
                     "SELECT start FROM up WHERE cur = start OR depth >= %2))")
                     .arg(listed, QString::number(MaxRunDepth));
        treeBinds << filterBinds << c.whereBinds << textBinds;
    }
    if (!query.parents.isEmpty()) {
        where << QStringLiteral("r.parent_id IN (%1)").arg(sql::placeholders(query.parents.size()));
        for (const QString &id : query.parents)
            treeBinds << id;
    }
    out.sql = QStringLiteral("SELECT %1 FROM runs r JOIN experiments e ON e.id = r.experiment %2 WHERE %3")
                  .arg(columns, ordered ? c.joins : QString(), where.join(QStringLiteral(" AND ")));
    if (ordered)
        out.binds << c.joinBinds;
    out.binds << filterBinds << c.whereBinds << textBinds << treeBinds;
    if (ordered) {
        out.sql += QStringLiteral(" ORDER BY ") + c.orderBy;
        if (query.limit >= 0 || query.offset > 0) {
            out.sql += QStringLiteral(" LIMIT ? OFFSET ?");
            out.binds << (query.limit >= 0 ? query.limit : qint64(-1)) << query.offset;
        }
    }
    return out;
}

} // namespace

search::CompiledQuery RunStore::compile(const RunQuery &query) const
{
    return search::compile(query.filter, query.orderBy, m_db.dialect());
}

QStringList RunStore::searchRunIds(const RunQuery &query)
{
    return searchRunIds(query, compile(query));
}

QStringList RunStore::searchRunIds(const RunQuery &query, const search::CompiledQuery &compiled)
{
    const AssembledQuery a = assemble(query, compiled, QStringLiteral("r.id"), true, m_db.dialect());
    QSqlQuery q = m_db.exec(a.sql, a.binds);
    QStringList ids;
    for (; q.isValid(); q.next())
        ids << q.value(0).toString();
    return ids;
}

std::vector<std::pair<QString, qint64>> RunStore::searchRunStamps(const RunQuery &query)
{
    return searchRunStamps(query, compile(query));
}

std::vector<std::pair<QString, qint64>> RunStore::searchRunStamps(const RunQuery &query,
                                                                  const search::CompiledQuery &compiled)
{
    const AssembledQuery a =
        assemble(query, compiled, QStringLiteral("r.id, r.updated_ms"), true, m_db.dialect());
    QSqlQuery q = m_db.exec(a.sql, a.binds);
    std::vector<std::pair<QString, qint64>> stamps;
    for (; q.isValid(); q.next())
        stamps.emplace_back(q.value(0).toString(), q.value(1).toLongLong());
    return stamps;
}

QHash<QString, std::vector<std::pair<QString, qint64>>>
RunStore::childRunStamps(const RunQuery &query, const search::CompiledQuery &compiled,
                         const QStringList &parents)
{
    QHash<QString, std::vector<std::pair<QString, qint64>>> out;
    RunQuery children = query;
    children.topLevel = false;
    children.limit = -1;
    children.offset = 0;
    for (qsizetype start = 0; start < parents.size(); start += sql::MaxBinds) {
        children.parents = parents.mid(start, sql::MaxBinds);
        const AssembledQuery a = assemble(
            children, compiled, QStringLiteral("r.id, r.updated_ms, r.parent_id"), true, m_db.dialect());
        for (QSqlQuery q = m_db.exec(a.sql, a.binds); q.isValid(); q.next())
            out[q.value(2).toString()].emplace_back(q.value(0).toString(), q.value(1).toLongLong());
    }
    return out;
}

std::vector<Run> RunStore::runs(const QStringList &ids)
{
    std::vector<Run> out;
    std::vector<qint64> rids;
    for (qsizetype start = 0; start < ids.size(); start += sql::MaxBinds) {
        const QStringList slice = ids.mid(start, sql::MaxBinds);
        QSqlQuery q =
            m_db.exec(QStringLiteral("SELECT %1 FROM runs r JOIN experiments e ON e.id = r.experiment "
                                     "WHERE r.id IN (%2)")
                          .arg(runColumns, sql::placeholders(slice.size())),
                      QVariantList(slice.begin(), slice.end()));
        for (; q.isValid(); q.next()) {
            out.push_back(runFromQuery(q));
            rids.push_back(q.value(0).toLongLong());
        }
    }
    loadDetails(out, rids);
    return out;
}

std::vector<Run> RunStore::searchRuns(const RunQuery &query)
{
    return searchRuns(query, compile(query));
}

std::vector<Run> RunStore::searchRuns(const RunQuery &query, const search::CompiledQuery &compiled)
{
    const AssembledQuery a = assemble(query, compiled, runColumns, true, m_db.dialect());
    QSqlQuery q = m_db.exec(a.sql, a.binds);
    std::vector<Run> runs;
    std::vector<qint64> rids;
    for (; q.isValid(); q.next()) {
        runs.push_back(runFromQuery(q));
        rids.push_back(q.value(0).toLongLong());
    }
    q.finish();
    loadDetails(runs, rids);
    return runs;
}

qint64 RunStore::countRuns(const RunQuery &query)
{
    return countRuns(query, compile(query));
}

qint64 RunStore::countRuns(const RunQuery &query, const search::CompiledQuery &compiled)
{
    const AssembledQuery a = assemble(query, compiled, QStringLiteral("count(*)"), false, m_db.dialect());
    return m_db.exec(a.sql, a.binds).value(0).toLongLong();
}

bool RunStore::anyChildRuns()
{
    return m_db.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM runs WHERE parent_id <> '')"))
        .value(0)
        .toBool();
}

QHash<QString, ChildSummary> RunStore::childSummaries(const RunQuery &query,
                                                      const search::CompiledQuery &compiled)
{
    RunQuery children = query;
    children.topLevel = false;
    children.limit = -1;
    children.offset = 0;
    AssembledQuery a = assemble(children, compiled,
                                QStringLiteral("r.parent_id, count(*), min(r.start_ms), max(r.end_ms), "
                                               "sum(CASE WHEN r.end_ms IS NULL THEN 1 ELSE 0 END)"),
                                false, m_db.dialect());
    a.sql += QStringLiteral(" AND r.parent_id <> '' GROUP BY r.parent_id");
    QHash<QString, ChildSummary> out;
    QSqlQuery q = m_db.exec(a.sql, a.binds);
    for (; q.isValid(); q.next()) {
        ChildSummary &s = out[q.value(0).toString()];
        s.count = q.value(1).toLongLong();
        if (!q.value(2).isNull())
            s.firstStartMs = q.value(2).toLongLong();
        if (!q.value(3).isNull())
            s.lastEndMs = q.value(3).toLongLong();
        s.anyOpen = q.value(4).toLongLong() > 0;
    }
    return out;
}

QStringList RunStore::distinctKeys(const QString &table, const QList<ExperimentId> &experiments)
{
    QVariantList binds;
    for (ExperimentId id : experiments)
        binds << id;
    // A skip scan over the (key, ...) index: one seek per distinct key instead of reading every row (10,000
    // runs x 30 params: 0.3 ms instead of 200 ms). Scoped, a key is kept when some run of the experiments has
    // it; that probe stops at the first such row.
    const QString scope =
        experiments.isEmpty()
            ? QString()
            : QStringLiteral(
                  " AND EXISTS (SELECT 1 FROM %1 x JOIN runs r ON r.rid = x.run WHERE x.key = k.key "
                  "AND r.experiment IN (%2))")
                  .arg(table, sql::placeholders(experiments.size()));
    QSqlQuery q = m_db.exec(QStringLiteral("WITH RECURSIVE k(key) AS (SELECT min(key) FROM %1 UNION ALL "
                                           "SELECT (SELECT min(key) FROM %1 WHERE key > k.key) FROM k "
                                           "WHERE k.key IS NOT NULL) "
                                           "SELECT key FROM k WHERE key IS NOT NULL%2 ORDER BY key")
                                .arg(table, scope),
                            binds);
    QStringList keys;
    for (; q.isValid(); q.next())
        keys << q.value(0).toString();
    return keys;
}

QStringList RunStore::paramKeys(const QList<ExperimentId> &experiments)
{
    return distinctKeys(QStringLiteral("params"), experiments);
}

QStringList RunStore::tagKeys(const QList<ExperimentId> &experiments)
{
    return distinctKeys(QStringLiteral("run_tags"), experiments);
}

QStringList RunStore::allMetricKeys(const QList<ExperimentId> &experiments)
{
    return distinctKeys(QStringLiteral("series"), experiments);
}

search::KnownKeys RunStore::knownKeys(const QList<ExperimentId> &experiments)
{
    return {allMetricKeys(experiments), paramKeys(experiments), tagKeys(experiments)};
}

} // namespace runlens
