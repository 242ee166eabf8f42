// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Runlens store: one SQLite file holding experiments, runs, params, tags, metric series, artifacts and
// the model registry. The only code in Runlens that writes SQL (with the search compiler it calls). A Store
// owns one connection and is used from the thread that created it; other threads open their own Store on the
// same file (WAL and a busy handler that waits for the write lock let several processes and threads share
// it).

#include "core/error.h"
#include "core/sourcefile.h"
#include "core/types.h"
#include "series/m4reducer.h"
#include "store/sqldialect.h"

#include <functional>
#include <memory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>
#include <span>
#include <unordered_map>
#include <vector>

struct sqlite3;

namespace runlens {

struct SeriesOverview
{
    std::vector<M4Column> columns;
    // Points per summary bucket that were combined: 1 means every point was read and the columns are the
    // exact per-pixel M4 reduction. Larger buckets are each attributed whole to the column holding their
    // first point, which shifts at most one bucket per column boundary by less than a pixel.
    int bucketSize = 1;
    qint64 pointsInRange = 0;
};

// The steps a metric series spans, from its summary row (no points read).
struct StepRange
{
    qint64 first = 0;
    qint64 last = 0;
};

struct RunQuery
{
    QList<ExperimentId> experiments; // empty: every experiment
    QString filter;                  // MLflow search_runs filter
    QString orderBy;                 // "<identifier> [ASC|DESC], ..."
    // Plain words, matched (case-insensitively, as substrings) against the run's name, id, user, source and
    // its param and tag values; every word must match somewhere. The quick filter beside the search language.
    QString text;
    bool includeDeleted = false;
    bool onlyDeleted = false;
    qint64 limit = -1; // < 0: no limit
    qint64 offset = 0;
};

class Store
{
public:
    enum class Mode { ReadWrite, ReadOnly };

    // Opens (creating when absent in ReadWrite mode) and migrates. Throws Error naming the problem when the
    // file is not a Runlens database, is from a newer Runlens, holds schema objects Runlens did not create
    // (a view, a trigger, an altered table), or cannot be opened; the file is left untouched. A file that
    // cannot be written here is opened read-only (isReadOnly()). No statement runs longer than
    // StatementLimitMs: the file is untrusted.
    static constexpr qint64 StatementLimitMs = 30000;
    // Another bound for this connection's statements (ms; 0: none), e.g. for a caller that must answer
    // sooner.
    void setStatementLimitMs(qint64 ms);
    explicit Store(const QString &path, Mode mode = Mode::ReadWrite);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // $RUNLENS_DB, else QStandardPaths::AppDataLocation/runlens.db.
    static QString defaultPath();

    QString path() const { return m_path; }
    // Opened for reading only: asked for, or the file (or its folder, for the -wal and -shm) is not writable
    // here, e.g. on a read-only mount. Writes then throw Error naming the file as read-only.
    bool isReadOnly() const { return m_readOnly; }
    int schemaVersion() const { return m_schemaVersion; }
    QString backupPath() const { return m_backupPath; } // the copy kept by the last migration, if any
    const SqlDialect &dialect() const { return m_dialect; }

    // Groups several calls into one atomic write. Rolls back unless commit() is called. Nestable: an inner
    // guard is a savepoint, rolled back alone when it is not committed; only the outermost guard commits.
    class Transaction
    {
    public:
        explicit Transaction(Store &store);
        ~Transaction();
        void commit();

    private:
        Store &m_store;
        bool m_done = false;
    };

    // Experiments
    ExperimentId createExperiment(const QString &name, const QString &description = {});
    ExperimentId ensureExperiment(const QString &name); // finds or creates
    std::optional<Experiment> experiment(ExperimentId id);
    std::optional<Experiment> experimentByName(const QString &name);
    std::vector<Experiment> experiments(bool includeDeleted = false);
    // Names are trimmed, non-empty and unique among active and trashed experiments alike (as in MLflow, a
    // trashed experiment keeps its name until it is purged): a taken name throws Conflict. Only active
    // experiments can be renamed, described or tagged (Conflict otherwise).
    void renameExperiment(ExperimentId id, const QString &name);
    void setExperimentDescription(ExperimentId id, const QString &description);
    void setExperimentLifecycle(ExperimentId id, Lifecycle lifecycle);
    void setExperimentTag(ExperimentId id, const QString &key, const QString &value);

    // Runs
    Run createRun(const NewRun &init);
    std::optional<Run> run(const QString &id); // with params, tags and metric summaries
    void setRunStatus(const QString &id, RunStatus status, std::optional<qint64> endMs = std::nullopt);
    void setRunName(const QString &id, const QString &name);
    // The description is MLflow's mlflow.note.content tag (what MLflow's UI edits): the tag is written too,
    // so that both show the edit and a re-import, which leaves existing tags alone, does not bring back the
    // old note.
    void setRunDescription(const QString &id, const QString &description);
    void setRunStarred(const QString &id, bool starred);
    void setRunLifecycle(const QString &id, Lifecycle lifecycle);
    // Several runs at once, all or nothing (the trash and star actions of the runs table).
    void setRunsLifecycle(const QStringList &ids, Lifecycle lifecycle);
    void setRunsStarred(const QStringList &ids, bool starred);
    // Params are immutable: logging the same value again is a no-op, a different value throws Conflict.
    void logParam(const QString &runId, const QString &key, const QString &value);
    // Tags are mutable. Well-known MLflow tags (mlflowtag::*) also set the matching native field.
    void setTag(const QString &runId, const QString &key, const QString &value);
    // Deleting mlflow.note.content clears the description, as it deletes the note in MLflow.
    void deleteTag(const QString &runId, const QString &key);
    // Runs whose parent is `id` (MLflow's nested runs), oldest first, deleted ones included; the runs' own
    // fields only (no params, tags or metrics). Throws NotFound when `id` is not a run.
    std::vector<Run> childRuns(const QString &id);

    // Metrics. Points are appended in the order given (logging order).
    void logMetric(const QString &runId, const QString &key, const MetricPoint &point);
    void logMetrics(const QString &runId, const QString &key, std::span<const MetricPoint> points);
    struct Batch
    {
        QMap<QString, QString> params;
        QMap<QString, QString> tags;
        std::vector<std::pair<QString, MetricPoint>> metrics;
    };
    void logBatch(const QString &runId, const Batch &batch); // all or nothing

    QStringList metricKeys(const QString &runId);
    std::optional<MetricSummary> metricSummary(const QString &runId, const QString &key);
    // First and last step of every metric of the run, e.g. the x range of readOverview() over a whole series.
    QMap<QString, StepRange> metricStepRanges(const QString &runId);
    // The step range of one series (its summary row) and, when asked, its timestamp range (every chunk's
    // row; no points read); nullopt when the run has no points for the key.
    struct SeriesExtent
    {
        StepRange steps;
        std::optional<StepRange> times;
    };
    std::optional<SeriesExtent> seriesExtent(const QString &runId, const QString &key, bool withTimes);
    std::vector<MetricPoint> metricHistory(const QString &runId, const QString &key); // logging order
    // Every point with x0 <= step <= x1 at full resolution, sorted by step (stable: logging order within a
    // step).
    std::vector<MetricPoint> readWindow(const QString &runId, const QString &key, qint64 x0, qint64 x1);
    // The same points in the same order, handed over a chunk at a time so that a long series is never held
    // whole (a series whose steps went back somewhere is, to be sorted); `visit` returns false to stop.
    void visitWindow(const QString &runId, const QString &key, qint64 x0, qint64 x1,
                     const std::function<bool(std::span<const MetricPoint>)> &visit);
    // The points with t0 <= timestamp <= t1, in the same order (by step), a chunk at a time; chunks whose
    // times lie outside the window are not read. Not sorted by time: the caller checks the order it needs.
    void visitTimeWindow(const QString &runId, const QString &key, qint64 t0, qint64 t1,
                         const std::function<bool(std::span<const MetricPoint>)> &visit);
    // Per-pixel-column M4 of the points with x0 <= step <= x1 over `width` columns; cost follows the width,
    // not the number of points.
    SeriesOverview readOverview(const QString &runId, const QString &key, qint64 x0, qint64 x1, int width);

    // Search (MLflow filter and order-by). Throws search::SyntaxError for a malformed expression.
    QStringList searchRunIds(const RunQuery &query);
    // The ids of the runs a query lists, in its order, each with its updatedMs: what a view compares with
    // the rows it holds, to re-read only the runs that changed.
    std::vector<std::pair<QString, qint64>> searchRunStamps(const RunQuery &query);
    // Runs by id, with params, tags and metric summaries, in no particular order; unknown ids are left out.
    std::vector<Run> runs(const QStringList &ids);
    std::vector<Run> searchRuns(const RunQuery &query); // with params, tags and metric summaries
    qint64 countRuns(const RunQuery &query);
    QStringList paramKeys(const QList<ExperimentId> &experiments = {});
    QStringList tagKeys(const QList<ExperimentId> &experiments = {});
    QStringList allMetricKeys(const QList<ExperimentId> &experiments = {});

    // Per metric key of the run, how many points are stored (what an incremental import appends after).
    QMap<QString, qint64> metricCounts(const QString &runId);

    // Dataset inputs (idempotent: the same input twice is stored once).
    void addDatasetInput(const QString &runId, const DatasetInput &input);
    std::vector<DatasetInput> datasetInputs(const QString &runId);

    // Artifact rows; the bytes live in the ArtifactStore (artifactstore.h). A row at the same path is
    // replaced.
    void addArtifact(const QString &runId, const Artifact &artifact);
    std::vector<Artifact> artifacts(const QString &runId, bool includeDeleted = false);
    // Whether any artifact row (of any run, deleted ones included) names these bytes: an attach that failed
    // removes the objects it brought only when nothing else uses them.
    bool isArtifactObjectUsed(const QString &sha256);
    // Soft delete: the artifact at `path`, or every artifact below it when `path` is a folder, is marked
    // deleted (its row and bytes stay, artifacts(runId, true) still lists it). Returns how many rows changed;
    // throws NotFound when nothing active is at or below `path`.
    int deleteArtifact(const QString &runId, const QString &path);
    // Undoes deleteArtifact for the same path. Returns how many rows changed; throws NotFound when nothing
    // deleted is at or below `path`.
    int restoreArtifact(const QString &runId, const QString &path);

    // Model registry. Every change is recorded in the audit trail, in the same transaction, by user(), and
    // a call that changes nothing records nothing. Version numbers are never reused: a deleted version keeps
    // its number (as in MLflow), so the next one is max + 1 over deleted versions too.
    void createRegisteredModel(const QString &name, const QString &description = {},
                               std::optional<qint64> createdMs = std::nullopt);
    std::optional<RegisteredModel> registeredModel(const QString &name); // with versions, aliases and tags
    std::vector<RegisteredModel> registeredModels();
    // v.version 0 takes the next number; an explicit number (imports) must be free. Returns the number.
    int createModelVersion(const QString &model, const ModelVersion &v);
    // With archiveExistingVersions (MLflow's archive_existing_versions, only for Staging and Production), the
    // model's other versions in the target stage move to Archived, each audited.
    void setModelVersionStage(const QString &model, int version, ModelStage stage,
                              bool archiveExistingVersions = false);
    // Aliases follow MLflow: word characters and '-' (at most 255), unique per model, "latest" (any case) and
    // "v<digits>" reserved. Setting an existing alias moves it.
    void setModelAlias(const QString &model, const QString &alias, int version);
    // Why `alias` cannot be an alias (the message setModelAlias throws), or nullopt when it can; no database
    // access, so a dialog can check as the user types.
    static std::optional<QString> aliasProblem(const QString &alias);
    void deleteModelAlias(const QString &model, const QString &alias);
    void setRegisteredModelTag(const QString &model, const QString &key, const QString &value);
    void setModelVersionTag(const QString &model, int version, const QString &key, const QString &value);
    std::vector<AuditEntry> auditTrail(const QString &model = {});
    // Creates the model when missing (audited "create"), then a version linked to the run, source = the
    // artifact folder or file ("" = whole run; it must exist among the run's active artifacts), audited
    // "promote"; sets `alias` when not empty. All or nothing. Version numbers are 1,2,… per model and stay
    // unique when two processes promote at once (the write lock is taken first: BEGIN IMMEDIATE). Returns the
    // new version number. A deleted run cannot be promoted.
    int promoteRun(const QString &runId, const QString &model, const QString &path = {},
                   const QString &description = {}, const QString &alias = {});
    void setRegisteredModelDescription(const QString &model, const QString &description);
    void setModelVersionDescription(const QString &model, int version, const QString &description);
    // Deleting a tag that is not there is a no-op (as in MLflow); the model (and version) must exist.
    void deleteRegisteredModelTag(const QString &model, const QString &key);
    void deleteModelVersionTag(const QString &model, int version, const QString &key);
    // Audited "delete"; aliases on it go too. The number stays taken.
    void deleteModelVersion(const QString &model, int version);
    // Audited "delete" (version empty): the model, its versions, aliases and tags go; its audit trail stays.
    void deleteRegisteredModel(const QString &model);
    // Active versions made from the run, by model name and version, with aliases and tags.
    std::vector<ModelVersion> modelVersionsOfRun(const QString &runId);
    // The version an alias points at; nullopt when the model has no such alias. Throws NotFound when there is
    // no such model.
    std::optional<ModelVersion> modelVersionByAlias(const QString &model, const QString &alias);
    // One active version; nullopt when it does not exist or was deleted. Throws NotFound without the model.
    std::optional<ModelVersion> modelVersion(const QString &model, int version);
    QString user() const { return m_user; }
    void setUser(const QString &user) { m_user = user; }

    // Merge each series' small trailing chunks (written by live loggers or the Python client) into full ones,
    // and give chunks without a detail sketch (written before schema 5, or by other writers) theirs. Each
    // series and each batch of chunks is done in a transaction of its own. `progress` hears of the chunks
    // given a sketch so far, out of those that lacked one.
    struct Compaction
    {
        int seriesRewritten = 0;
        qint64 detailsAdded = 0; // chunks that got a detail sketch
    };
    Compaction compact(const std::function<void(qint64 done, qint64 total)> &progress = {});

    // Changes whenever another connection (another thread's Store, another process) commits to the file; the
    // views poll it to refresh within a second of a CLI, client or import writing. SQLite's data_version.
    qint64 dataVersion();

    // Bytes the database file and its WAL occupy.
    qint64 fileSize() const;
    // Moves the WAL's content into the database file (so that fileSize() measures the data alone).
    void checkpoint();

    // How long this connection waited for the write lock: each outermost write transaction's BEGIN
    // IMMEDIATE, from asking to holding it (what `runlens log` reports with RUNLENS_REPORT_LOCK_WAIT=1 and
    // `runlens bench` collects from its writers).
    struct LockWaits
    {
        qint64 acquisitions = 0;
        qint64 longestNs = 0;
        qint64 totalNs = 0;
    };
    LockWaits lockWaits() const { return m_lockWaits; }
    // A consistent copy of the whole database in `file`, a path where nothing exists yet (SQLite's VACUUM
    // INTO reads one snapshot, so writers beside it go on). Throws Error naming the problem; a partial copy
    // is removed.
    void copyTo(const QString &file);
    // The digests of the artifact bytes rows name (deleted rows' too), each once.
    QStringList artifactDigests();

    // How long one statement waits for another connection's lock before it fails (while the lock changes
    // hands among other writers, the wait goes on): 5 minutes, or RUNLENS_LOCK_WAIT_LIMIT_MS.
    static qint64 lockWaitLimitMs();

private:
    friend class Transaction;
    struct SeriesState;
    struct Watchdog;
    // Lifts the statement time limit for maintenance that reads the whole file in one statement (the backup
    // before a migration, compaction's survey).
    class UnlimitedStatements
    {
    public:
        explicit UnlimitedStatements(Store &store);
        ~UnlimitedStatements();

    private:
        Store &m_store;
        qint64 m_limit;
    };
    struct BusyWait;

    void installBusyHandler(sqlite3 *db);
    static int waitWhileBusy(void *context, int attempt);
    [[noreturn]] void throwExecError(const QSqlError &err) const;

    void open(Mode mode);
    void migrate(int fromVersion);
    QSqlQuery prepare(const QString &sql);
    QSqlQuery exec(const QString &sql, const QVariantList &binds = {});
    // Cached prepared statements for the small hot queries; both finish the statement before returning.
    QVariant scalar(const QString &sql, const QVariantList &binds = {}); // first column of the first row
    struct WriteResult
    {
        qint64 rowsAffected = 0;
        qint64 lastInsertId = 0;
    };
    WriteResult write(const QString &sql, const QVariantList &binds = {});
    QSqlQuery &cached(const QString &sql, const QVariantList &binds);
    void begin();
    void commitOrThrow();
    void rollback();
    qint64 runRid(const QString &runId);
    qint64 seriesFor(qint64 rid, const QString &key, bool create);
    void appendPoints(qint64 rid, const QString &key, std::span<const MetricPoint> points);
    void writeChunks(qint64 seriesId, qint64 firstSeq, std::span<const MetricPoint> points);
    // A series' id and whether its steps never went back; nullopt when the run has no such series.
    std::optional<std::pair<qint64, bool>> seriesOrdering(const QString &runId, const QString &key);
    // Each chunk's points with x0 <= step <= x1 (byTime: x0 <= timestamp <= x1), in logging order, until
    // `visit` returns false.
    void scanChunks(qint64 seriesId, qint64 x0, qint64 x1, bool byTime,
                    const std::function<bool(std::span<const MetricPoint>)> &visit);
    void loadDetails(std::vector<Run> &runs, const std::vector<qint64> &rids);
    void touchRun(qint64 rid);
    void applyWellKnownTag(qint64 rid, const QString &key, const QString &value);
    Run runFromQuery(const QSqlQuery &q);
    QStringList distinctKeys(const QString &table, const QList<ExperimentId> &experiments);
    qint64 modelId(const QString &model);
    void checkNameFree(const QString &name, ExperimentId self); // throws Conflict when another one has it
    void requireActiveExperiment(ExperimentId id, const QString &doing);
    int setArtifactLifecycle(const QString &runId, const QString &path, Lifecycle lifecycle);
    void audit(const QString &model, std::optional<int> version, const QString &action, const QString &from,
               const QString &to);
    std::vector<ModelVersion> loadVersions(const QString &condition, const QVariantList &binds);
    int insertVersion(qint64 modelId, const ModelVersion &v);
    void requireVersion(qint64 modelId, const QString &model, int version); // throws NotFound

    QString m_path;
    QString m_connection;
    QString m_backupPath;
    int m_schemaVersion = 0;
    int m_txDepth = 0;
    bool m_readOnly = false;
    bool m_openedReadOnly = false; // ReadWrite was asked for, but the file cannot be written here
    std::unique_ptr<Watchdog> m_watchdog;
    livedb::Registration m_registration;
    SqlDialect m_dialect;
    QString m_user;
    std::unordered_map<QString, QSqlQuery> m_statements;
    std::vector<MetricPoint> m_decoded;   // readOverview's chunk buffer
    std::unique_ptr<BusyWait> m_busyWait; // the busy handler's state; outlives the connection's use of it
    LockWaits m_lockWaits;
};

} // namespace runlens
