// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One SQLite connection to a Runlens file and what every part of the store shares over it: opening and
// migrating, the SQL dialect, prepared and cached statements, the busy handler and its lock-wait accounting,
// the statement watchdog, and nestable transactions. The parts (RunStore, SeriesEngine, ArtifactRows,
// Registry) write their SQL through it; only their .cpp files and this one's include QtSql, so that nothing
// above the store is compiled against it. A Database is used from the thread that created it; other threads
// open their own on the same file (WAL and a busy handler that waits for the write lock let several
// processes and threads share it).

#include "core/sourcefile.h"
#include "core/types.h"
#include "store/sqldialect.h"

#include <memory>
#include <QString>
#include <QVariant>
#include <QVariantList>

struct sqlite3;
class QSqlQuery;
class QSqlError;

namespace runlens {

class Database
{
public:
    // Opens (creating when absent, unless readOnly) and migrates. Throws Error naming the problem when the
    // file is not a Runlens database, is from a newer Runlens, holds schema objects Runlens did not create
    // (a view, a trigger, an altered table), or cannot be opened; the file is left untouched. A file that
    // cannot be written here is opened read-only (isReadOnly()). No statement runs longer than
    // StatementLimitMs: the file is untrusted.
    static constexpr qint64 StatementLimitMs = 30000;
    Database(const QString &path, bool readOnly);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // $RUNLENS_DB, else QStandardPaths::AppDataLocation/runlens.db.
    static QString defaultPath();

    QString path() const { return m_path; }
    // Opened for reading only: asked for, or the file (or its folder, for the -wal and -shm) is not writable
    // here, e.g. on a read-only mount. Writes then throw Error naming the file as read-only.
    bool isReadOnly() const { return m_readOnly; }
    int schemaVersion() const { return m_schemaVersion; }
    QString backupPath() const { return m_backupPath; } // the copy kept by the last migration, if any
    const SqlDialect &dialect() const { return m_dialect; }
    // Who the audit trail names: the login name unless set.
    QString user() const { return m_user; }
    void setUser(const QString &user) { m_user = user; }

    // Another bound for this connection's statements (ms; 0: none), e.g. for a caller that must answer
    // sooner.
    void setStatementLimitMs(qint64 ms);
    // How long one statement waits for another connection's lock before it fails (while the lock changes
    // hands among other writers, the wait goes on): 5 minutes, or RUNLENS_LOCK_WAIT_LIMIT_MS.
    static qint64 lockWaitLimitMs();

    // Groups several calls into one atomic write. Rolls back unless commit() is called. Nestable: an inner
    // guard is a savepoint, rolled back alone when it is not committed; only the outermost guard commits.
    class Transaction
    {
    public:
        explicit Transaction(Database &db);
        ~Transaction();
        void commit();

    private:
        Database &m_db;
        bool m_done = false;
    };

    // Reads several statements from one snapshot of the file without taking the write lock (a deferred
    // BEGIN: writers go on beside it). Ends when it goes out of scope; inside a Transaction it adds nothing.
    class ReadTransaction
    {
    public:
        explicit ReadTransaction(Database &db);
        ~ReadTransaction();

    private:
        Database &m_db;
        bool m_began = false;
    };

    // Lifts the statement time limit for maintenance that reads the whole file in one statement (the backup
    // before a migration, compaction's survey).
    class UnlimitedStatements
    {
    public:
        explicit UnlimitedStatements(Database &db);
        ~UnlimitedStatements();

    private:
        Database &m_db;
        qint64 m_limit;
    };

    // Changes whenever another connection (another thread's Store, another process) commits to the file; the
    // views poll it to refresh within a second of a CLI, client or import writing. SQLite's data_version.
    qint64 dataVersion();

    // Bytes the database file and its WAL occupy.
    qint64 fileSize() const;
    // Moves the WAL's content into the database file (so that fileSize() measures the data alone).
    void checkpoint();
    // A consistent copy of the whole database in `file`, a path where nothing exists yet (SQLite's VACUUM
    // INTO reads one snapshot, so writers beside it go on). Throws Error naming the problem; a partial copy
    // is removed.
    void copyTo(const QString &file);

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

    // Statements, for the parts' .cpp files (which include <QSqlQuery>). exec() prepares, binds, runs and
    // steps to the first row; errors throw Error naming the problem (Conflict for a constraint).
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
    // A cached statement, executed and not yet stepped; the caller finishes it.
    QSqlQuery &cached(const QString &sql, const QVariantList &binds);
    [[noreturn]] void throwExecError(const QSqlError &err) const;

    // The row id every part keys a run's rows by; throws NotFound when there is no such run.
    qint64 runRid(const QString &runId);
    // Moves a run's updated_ms forward (every change to a run or its rows does).
    void touchRun(qint64 rid);

    // What Transaction does; prefer the guard.
    void begin();
    void commitOrThrow();
    void rollback();

private:
    struct Watchdog;
    struct BusyWait;
    struct Statements;

    void installBusyHandler(sqlite3 *db);
    static int waitWhileBusy(void *context, int attempt);
    void open(bool readOnly);
    void migrate(int fromVersion);

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
    std::unique_ptr<Statements> m_statements;
    std::unique_ptr<BusyWait> m_busyWait; // the busy handler's state; outlives the connection's use of it
    LockWaits m_lockWaits;
};

// Shared by the parts' SQL.
namespace sql {

constexpr int MaxBinds = 500; // SQLite's default limit is 32766; stay well below for IN lists

// "?,?,…" with n placeholders.
QString placeholders(qsizetype n);
// NaN is stored as NULL.
QVariant realOrNull(double v);
double realOrNaN(const QVariant &v);
// Throws Error when a param, tag or metric key is empty, too long or holds a control character.
void checkKey(const QString &what, const QString &key);

} // namespace sql

} // namespace runlens
