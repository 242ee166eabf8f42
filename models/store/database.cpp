// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/database.h"

#include "store/location.h"

#include "core/error.h"
#include "store/schema.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>
#include <QUuid>
#include <random>
#include <sqlite3.h>
#include <thread>
#include <unordered_map>
#include <utility>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace runlens {

namespace {

constexpr int BusyTimeoutMs = 15000;
// Waiting for another connection's lock: sleeps grow from MinBackoffUs and double up to MaxBackoffUs, each
// drawn at random from its upper half. The cap keeps a waiter from sleeping long past the moment the lock
// is free; the randomness keeps waiters from waking in lock-step and one of them from always losing.
constexpr qint64 MinBackoffUs = 500;
constexpr qint64 MaxBackoffUs = 100'000;
// How long one statement waits while the lock stays taken. A healthy holder keeps it for milliseconds (a
// logger's flush, a run of an import) or at worst seconds (a migration, a large run imported whole), and
// many writers take turns in well under a second; 5 minutes is far beyond that, and still ends a wait on a
// stopped or hung process (or a sqlite3 shell left in a transaction) with a message within the time a
// person watching would give it.
constexpr qint64 DefaultLockWaitLimitMs = 5 * 60 * 1000;
constexpr int MaxKeyLength = 250;

// Who the audit trail names: the login name, much as MLflow finds it for mlflow.user (Python's getpass:
// the environment, then the password database, so that a service without USER is still named); never empty.
QString currentUser()
{
    for (const char *name : {"USER", "LOGNAME", "USERNAME"}) {
        const QString user = qEnvironmentVariable(name).trimmed();
        if (!user.isEmpty())
            return user;
    }
#ifdef Q_OS_UNIX
    if (const passwd *entry = ::getpwuid(::geteuid()); entry && entry->pw_name && *entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
#endif
    return QStringLiteral("unknown");
}
} // namespace

namespace sql {

QVariant realOrNull(double v)
{
    return std::isnan(v) ? QVariant(QMetaType(QMetaType::Double)) : QVariant(v);
}

double realOrNaN(const QVariant &v)
{
    return v.isNull() ? std::nan("") : v.toDouble();
}

void checkKey(const QString &what, const QString &key)
{
    if (key.isEmpty())
        throw Error(QStringLiteral("%1 key must not be empty").arg(what));
    if (key.size() > MaxKeyLength)
        throw Error(QStringLiteral("%1 key '%2…' is longer than %3 characters")
                        .arg(what, key.left(40))
                        .arg(MaxKeyLength));
    for (QChar c : key) {
        if (c.category() == QChar::Other_Control)
            throw Error(QStringLiteral("%1 key '%2' contains a control character").arg(what, key));
    }
}

QString placeholders(qsizetype n)
{
    QString s;
    s.reserve(n * 2);
    for (qsizetype i = 0; i < n; ++i)
        s += i ? QStringLiteral(",?") : QStringLiteral("?");
    return s;
}

} // namespace sql

// The cached statements, by their SQL text.
struct Database::Statements
{
    std::unordered_map<QString, QSqlQuery> byText;
};

// No statement may run for ever on a file from elsewhere (a crafted b-tree, a planted view). SQLite says when
// a statement starts (SQLITE_TRACE_STMT) and calls the progress handler every few thousand instructions; the
// handler interrupts a statement that has run longer than the limit.
struct Database::Watchdog
{
    QElapsedTimer started;
    qint64 limitMs = StatementLimitMs;

    static int onTrace(unsigned type, void *self, void *, void *)
    {
        if (type == SQLITE_TRACE_STMT)
            static_cast<Watchdog *>(self)->started.start();
        return 0;
    }
    static int onProgress(void *self)
    {
        const auto *w = static_cast<const Watchdog *>(self);
        return w->limitMs > 0 && w->started.isValid() && w->started.elapsed() > w->limitMs ? 1 : 0;
    }
};

Database::Database(const QString &path, bool readOnly)
    : m_path(QFileInfo(path).absoluteFilePath())
    , m_connection(QStringLiteral("runlens-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_watchdog(std::make_unique<Watchdog>())
    , m_user(currentUser())
    , m_statements(std::make_unique<Statements>())
{
    try {
        open(readOnly);
    } catch (...) {
        QSqlDatabase::removeDatabase(m_connection);
        throw;
    }
}

Database::~Database()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen()) {
            if (m_txDepth > 0)
                db.exec(QStringLiteral("ROLLBACK"));
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString defaultDatabasePath()
{
    return Database::defaultPath();
}

QString Database::defaultPath()
{
    const QString env = qEnvironmentVariable("RUNLENS_DB");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runlens.db");
}

namespace {

// Whether this process may write to the database at `path` (an existing file): the file, and the folder for
// the -wal and -shm SQLite creates beside it unless both are there and writable. access(2) only; nothing
// opens the file.
bool canWrite(const QString &path)
{
    const auto writable = [](const QString &p) {
        return ::access(QFile::encodeName(p).constData(), W_OK) == 0;
    };
    if (!writable(path))
        return false;
    return writable(QFileInfo(path).absolutePath()) ||
           (writable(path + QStringLiteral("-wal")) && writable(path + QStringLiteral("-shm")));
}

// The raw connection under QtSql's, for what QtSql does not offer (configuration, the watchdog).
sqlite3 *rawHandle(const QSqlDatabase &db)
{
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

QString describeObject(const schema::Object &o)
{
    return QStringLiteral("%1 '%2'").arg(o.type, o.name.left(80));
}

// Why the file's schema is not the one Runlens wrote at `version`, or an empty string when it is. The file is
// untrusted: a view in place of a table, a trigger or an altered column would run whatever its author wrote
// inside every statement Runlens makes. SQLite's own statistics tables (ANALYZE) are allowed: they hold no
// code.
QString schemaProblem(const std::vector<schema::Object> &found, int version)
{
    const std::vector<schema::Object> &expected = schema::objectsAt(version);
    for (const schema::Object &o : found) {
        if (o.type == QLatin1String("table") && o.name.startsWith(QLatin1String("sqlite_stat")))
            continue;
        const auto same = std::find_if(expected.begin(), expected.end(),
                                       [&](const schema::Object &e) { return e.name == o.name; });
        if (same == expected.end())
            return QStringLiteral("it has a %1 that Runlens does not create").arg(describeObject(o));
        if (same->type != o.type)
            return QStringLiteral("it has a %1 where Runlens has a %2").arg(describeObject(o), same->type);
        if (*same != o)
            return QStringLiteral("its %1 is not the one Runlens creates (%2)")
                .arg(describeObject(o), o.sql.left(200).simplified());
    }
    for (const schema::Object &e : expected) {
        if (std::none_of(found.begin(), found.end(),
                         [&](const schema::Object &o) { return o.name == e.name; }))
            return QStringLiteral("it lacks the %1").arg(describeObject(e));
    }
    return {};
}

} // namespace

void Database::open(bool readOnly)
{
    m_readOnly = readOnly;
    const QFileInfo info(m_path);
    if (info.exists()) {
        if (!info.isFile())
            throw Error(QStringLiteral("%1 is not a file").arg(m_path));
        if (!m_readOnly && !canWrite(m_path))
            m_readOnly = m_openedReadOnly = true; // a read-only mount or folder: show it, do not fail
    } else if (m_readOnly) {
        throw Error(QStringLiteral("database %1 does not exist").arg(m_path), Error::Kind::NotFound);
    } else if (!QDir().mkpath(info.absolutePath())) {
        throw Error(QStringLiteral("cannot create the folder %1").arg(info.absolutePath()));
    }

    // Nothing but SQLite opens the file (see sourcefile.h): whether it is an SQLite file at all is SQLite's
    // answer to the first read below.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    const auto connect = [&](bool immutable) {
        if (db.isOpen())
            db.close();
        // No QSQLITE_BUSY_TIMEOUT: installBusyHandler() below is this connection's way of waiting for locks.
        QStringList options;
        if (m_readOnly)
            options << QStringLiteral("QSQLITE_OPEN_READONLY");
        if (immutable) {
            // A read-only folder without the -shm SQLite needs for a WAL file: read it as it is on disk.
            QUrl url = QUrl::fromLocalFile(m_path);
            url.setQuery(QStringLiteral("immutable=1"));
            db.setDatabaseName(url.toString(QUrl::FullyEncoded));
            options << QStringLiteral("QSQLITE_OPEN_URI");
        } else {
            db.setDatabaseName(m_path);
        }
        db.setConnectOptions(options.join(u';'));
        if (!db.open())
            throw Error(QStringLiteral("cannot open %1: %2").arg(m_path, db.lastError().text()),
                        Error::Kind::Database);
        if (sqlite3 *h = rawHandle(db)) {
            // The file is untrusted input (sqlite.org, "Defense Against The Dark Arts"): no schema-defined
            // functions with side effects, no writes that corrupt it through PRAGMAs, corrupt cells found
            // early, and no statement running unbounded.
            sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
            sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
            sqlite3_trace_v2(h, SQLITE_TRACE_STMT, &Watchdog::onTrace, m_watchdog.get());
            sqlite3_progress_handler(h, 10000, &Watchdog::onProgress, m_watchdog.get());
            installBusyHandler(h);
        } else {
            throw Error(
                QStringLiteral("cannot open %1: Qt's SQLite driver gives no connection handle").arg(m_path),
                Error::Kind::Database);
        }
    };
    connect(false);
    m_registration = livedb::Registration(m_path);

    qint64 appId = 0, version = 0;
    std::vector<schema::Object> objects;
    const auto readHeader = [&] {
        // One snapshot: another process may be creating the schema of a new file right now.
        exec(QStringLiteral("BEGIN"));
        auto rollbackOnError = qScopeGuard(
            [&] { QSqlQuery(QSqlDatabase::database(m_connection, false)).exec(QStringLiteral("ROLLBACK")); });
        appId = exec(QStringLiteral("PRAGMA application_id")).value(0).toLongLong();
        version = exec(QStringLiteral("PRAGMA user_version")).value(0).toLongLong();
        QSqlQuery q =
            exec(QStringLiteral("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"));
        // Past the schema's own size plus a margin the file is refused anyway: read no further than that.
        const size_t enough = schema::objectsAt(schema::latestVersion()).size() + 64;
        for (; q.isValid() && objects.size() < enough; q.next()) {
            objects.push_back(
                {q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString()});
        }
        q.finish();
        exec(QStringLiteral("COMMIT"));
        rollbackOnError.dismiss();
    };
    try {
        try {
            readHeader();
        } catch (const Error &) {
            if (!m_openedReadOnly)
                throw;
            objects.clear();
            connect(true);
            readHeader();
        }
    } catch (const Error &e) {
        if (e.message().contains(QLatin1String("file is not a database")))
            throw Error(QStringLiteral("%1 is not a Runlens database (not an SQLite file, or a damaged one)")
                            .arg(m_path));
        throw Error(QStringLiteral("%1 is not a readable database: %2").arg(m_path, e.message()),
                    Error::Kind::Database);
    }
    const qint64 tables = qint64(objects.size());
    if (appId != schema::ApplicationId && !(appId == 0 && tables == 0)) {
        throw Error(
            QStringLiteral("%1 is not a Runlens database (it is an SQLite file of another application, "
                           "with %2 schema objects)")
                .arg(m_path)
                .arg(tables));
    }
    if (version > schema::latestVersion()) {
        throw Error(
            QStringLiteral("%1 was written by a newer Runlens (schema version %2; this Runlens reads up "
                           "to %3). Update Runlens to open it; the file was not changed.")
                .arg(m_path)
                .arg(version)
                .arg(schema::latestVersion()),
            Error::Kind::Version);
    }
    if (tables > 0) {
        const QString problem = schemaProblem(objects, int(version));
        if (!problem.isEmpty()) {
            throw Error(QStringLiteral("%1 was not opened: %2, so it may run code of its author's. A Runlens "
                                       "database holds only the tables and indexes Runlens made.")
                            .arg(m_path, problem),
                        Error::Kind::Database);
        }
    }

    exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    exec(QStringLiteral("PRAGMA case_sensitive_like = ON"));
    exec(QStringLiteral("PRAGMA cache_size = -16384"));
    exec(QStringLiteral("PRAGMA temp_store = MEMORY"));
    exec(QStringLiteral("PRAGMA mmap_size = 0"));
    exec(QStringLiteral("PRAGMA cell_size_check = ON"));
    if (m_readOnly) {
        if (version < schema::latestVersion()) {
            throw Error(QStringLiteral("%1 has schema version %2 and must be upgraded to %3; %4")
                            .arg(m_path)
                            .arg(version)
                            .arg(schema::latestVersion())
                            .arg(m_openedReadOnly
                                     ? QStringLiteral("it is read-only here: copy it to a writable "
                                                      "folder and open it there once")
                                     : QStringLiteral("open it once read-write")),
                        Error::Kind::Version);
        }
    } else {
        if (tables == 0) // larger pages suit chunk blobs; settable only before the first table exists
            exec(QStringLiteral("PRAGMA page_size = 16384"));
        // Switching to WAL does not wait on the busy handler; another process may be setting up the same
        // file.
        QElapsedTimer waited;
        waited.start();
        while (true) {
            try {
                exec(QStringLiteral("PRAGMA journal_mode = WAL"));
                break;
            } catch (const Error &) {
                if (waited.elapsed() > BusyTimeoutMs)
                    throw;
                QThread::msleep(20);
            }
        }
        exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
        if (version < schema::latestVersion())
            migrate(int(version));
    }
    m_schemaVersion = int(exec(QStringLiteral("PRAGMA user_version")).value(0).toLongLong());
}

void Database::setStatementLimitMs(qint64 ms)
{
    m_watchdog->limitMs = std::max<qint64>(ms, 0);
}

Database::UnlimitedStatements::UnlimitedStatements(Database &db)
    : m_db(db)
    , m_limit(std::exchange(db.m_watchdog->limitMs, 0))
{}

Database::UnlimitedStatements::~UnlimitedStatements()
{
    m_db.m_watchdog->limitMs = m_limit;
}

void Database::migrate(int fromVersion)
{
    QString backup;
    if (fromVersion > 0) {
        // Keep a consistent copy of the old file before changing its schema. The name is unique per process:
        // several processes may open the same old file at once (only one migrates; the others drop theirs).
        const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        backup = QStringLiteral("%1.v%2-%3-%4.bak")
                     .arg(m_path)
                     .arg(fromVersion)
                     .arg(stamp)
                     .arg(QCoreApplication::applicationPid());
        for (int i = 1; QFileInfo::exists(backup); ++i)
            backup = QStringLiteral("%1.v%2-%3-%4-%5.bak")
                         .arg(m_path)
                         .arg(fromVersion)
                         .arg(stamp)
                         .arg(QCoreApplication::applicationPid())
                         .arg(i);
        try {
            copyTo(backup); // a partial copy (disk full) is removed: it is no backup
        } catch (const Error &e) {
            throw Error(QStringLiteral("cannot upgrade %1 from schema version %2: the backup %3 could not be "
                                       "written (%4); the file was not changed")
                            .arg(m_path)
                            .arg(fromVersion)
                            .arg(backup, e.message()),
                        e.kind());
        }
    }
    // Every pending migration in one write transaction, so no other process ever sees a half-migrated file.
    begin();
    int current = 0;
    try {
        current = int(exec(QStringLiteral("PRAGMA user_version")).value(0).toLongLong());
        for (const schema::Migration &m : schema::migrations()) {
            if (m.toVersion <= current)
                continue;
            for (const QString &sql : m.statements)
                exec(sql);
            // PRAGMAs take no parameters; both numbers are ours.
            exec(QStringLiteral("PRAGMA application_id = %1").arg(schema::ApplicationId));
            exec(QStringLiteral("PRAGMA user_version = %1").arg(m.toVersion));
        }
        commitOrThrow();
    } catch (...) {
        rollback();
        if (!backup.isEmpty())
            QFile::remove(backup); // the file keeps its old schema: nothing to restore from
        throw;
    }
    if (!backup.isEmpty()) {
        if (current == fromVersion)
            m_backupPath = backup;
        else
            QFile::remove(backup); // another process migrated meanwhile, with its own backup
    }
}

QSqlQuery Database::prepare(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        throw Error(QStringLiteral("database error: %1").arg(q.lastError().text()), Error::Kind::Database);
    return q;
}

struct Database::BusyWait
{
    QElapsedTimer waiting; // since the statement first found the lock taken
    qint64 limitMs = DefaultLockWaitLimitMs;
    bool gaveUp = false; // the last wait ended at the limit
    std::minstd_rand rng{std::random_device{}()};
    Watchdog *watchdog = nullptr; // waiting for the lock is not work: the statement's time starts again
};

// SQLite's busy handler: `attempt` counts the calls for one statement's wait, from 0. Returns 0 (give up:
// SQLITE_BUSY) once the wait has lasted the limit.
int Database::waitWhileBusy(void *context, int attempt)
{
    auto *w = static_cast<BusyWait *>(context);
    if (attempt == 0) {
        w->waiting.start();
        w->gaveUp = false;
    }
    const qint64 left = w->limitMs - w->waiting.elapsed();
    if (left <= 0) {
        w->gaveUp = true;
        return 0;
    }
    const qint64 ceiling = std::min(MaxBackoffUs, MinBackoffUs << std::min(attempt, 16));
    const qint64 sleepUs = std::uniform_int_distribution<qint64>(ceiling / 2, ceiling)(w->rng);
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(sleepUs, left * 1000)));
    if (w->watchdog)
        w->watchdog->started.start();
    return 1;
}

qint64 Database::lockWaitLimitMs()
{
    bool ok = false;
    const qint64 ms = qEnvironmentVariableIntValue("RUNLENS_LOCK_WAIT_LIMIT_MS", &ok);
    return ok && ms > 0 ? ms : DefaultLockWaitLimitMs;
}

// Replaces the busy timeout the driver set (one fixed deadline on SQLite's schedule) with waitWhileBusy on
// this connection; it serves every statement, BEGIN IMMEDIATE and COMMIT included.
void Database::installBusyHandler(sqlite3 *db)
{
    m_busyWait = std::make_unique<BusyWait>();
    m_busyWait->limitMs = lockWaitLimitMs();
    m_busyWait->watchdog = m_watchdog.get();
    if (sqlite3_busy_handler(db, waitWhileBusy, m_busyWait.get()) != SQLITE_OK)
        throw Error(QStringLiteral("cannot open %1: no busy handler").arg(m_path), Error::Kind::Database);
}

void Database::throwExecError(const QSqlError &err) const
{
    const QString native = err.nativeErrorCode();
    if (native == QLatin1String("19") || err.databaseText().contains(QLatin1String("constraint")))
        throw Error(QStringLiteral("constraint failed: %1").arg(err.databaseText()), Error::Kind::Conflict);
    if (native == QLatin1String("8"))
        throw Error(QStringLiteral("%1 is read-only").arg(m_path), Error::Kind::Database);
    if (native == QLatin1String("13"))
        throw Error(QStringLiteral("%1: the disk is full; nothing more was written").arg(m_path),
                    Error::Kind::Database);
    if (native == QLatin1String("9"))
        throw Error(
            QStringLiteral("%1: a statement ran longer than Runlens allows and was stopped; the file may "
                           "be damaged or crafted to stall its readers")
                .arg(m_path),
            Error::Kind::Database);
    // (gaveUp is taken, not read: a later busy error that did not wait must not repeat this message.)
    if ((native == QLatin1String("5") || native == QLatin1String("6")) && m_busyWait &&
        std::exchange(m_busyWait->gaveUp, false))
        throw Error(QStringLiteral("%1 is busy: another process has held its lock for %2 s without letting "
                                   "go (a stopped or hung process, or a transaction left open?)")
                        .arg(m_path)
                        .arg(m_busyWait->limitMs / 1000.0),
                    Error::Kind::Database);
    if (native == QLatin1String("5") || native == QLatin1String("6"))
        throw Error(QStringLiteral("%1 is busy: another process holds its lock").arg(m_path),
                    Error::Kind::Database);
    throw Error(QStringLiteral("database error: %1").arg(err.text()), Error::Kind::Database);
}

// QtSql binds a null QString as SQL NULL; Runlens text is never NULL, only empty.
static QVariant bindable(const QVariant &v)
{
    if (v.typeId() == QMetaType::QString && v.toString().isNull())
        return QStringLiteral("");
    return v;
}

QSqlQuery Database::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q = prepare(sql);
    for (const QVariant &v : binds)
        q.addBindValue(bindable(v));
    if (!q.exec())
        throwExecError(q.lastError());
    q.next();
    return q;
}

QSqlQuery &Database::cached(const QString &sql, const QVariantList &binds)
{
    auto it = m_statements->byText.find(sql);
    if (it == m_statements->byText.end())
        it = m_statements->byText.emplace(sql, prepare(sql)).first;
    QSqlQuery &q = it->second;
    for (int i = 0; i < binds.size(); ++i)
        q.bindValue(i, bindable(binds[i]));
    if (!q.exec()) {
        const QSqlError err = q.lastError();
        q.finish();
        throwExecError(err);
    }
    return q;
}

QVariant Database::scalar(const QString &sql, const QVariantList &binds)
{
    QSqlQuery &q = cached(sql, binds);
    QVariant v = q.next() ? q.value(0) : QVariant();
    q.finish();
    return v;
}

Database::WriteResult Database::write(const QString &sql, const QVariantList &binds)
{
    QSqlQuery &q = cached(sql, binds);
    WriteResult r{q.numRowsAffected(), q.lastInsertId().toLongLong()};
    q.finish();
    return r;
}

// The outermost guard is a transaction; inner guards are savepoints, so that a failing inner part can be
// rolled back alone while the outer work goes on (e.g. one bad line of a stream).
void Database::begin()
{
    if (m_txDepth == 0 && m_readOnly) {
        exec(QStringLiteral("BEGIN"));
    } else if (m_txDepth == 0) {
        QElapsedTimer asked;
        asked.start();
        exec(QStringLiteral("BEGIN IMMEDIATE"));
        const qint64 waited = asked.nsecsElapsed();
        ++m_lockWaits.acquisitions;
        m_lockWaits.totalNs += waited;
        m_lockWaits.longestNs = std::max(m_lockWaits.longestNs, waited);
    } else {
        exec(QStringLiteral("SAVEPOINT rl%1").arg(m_txDepth));
    }
    ++m_txDepth;
}

void Database::commitOrThrow()
{
    try {
        exec(m_txDepth == 1 ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE rl%1").arg(m_txDepth - 1));
    } catch (...) {
        rollback();
        throw;
    }
    --m_txDepth;
}

void Database::rollback()
{
    if (m_txDepth == 0)
        return;
    --m_txDepth;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (m_txDepth == 0) {
        q.exec(QStringLiteral("ROLLBACK"));
    } else {
        q.exec(QStringLiteral("ROLLBACK TO rl%1").arg(m_txDepth));
        q.exec(QStringLiteral("RELEASE rl%1").arg(m_txDepth));
    }
}

Database::Transaction::Transaction(Database &db)
    : m_db(db)
{
    m_db.begin();
}

Database::Transaction::~Transaction()
{
    if (!m_done)
        m_db.rollback();
}

void Database::Transaction::commit()
{
    m_done = true;
    m_db.commitOrThrow();
}

Database::ReadTransaction::ReadTransaction(Database &db)
    : m_db(db)
{
    if (m_db.m_txDepth > 0)
        return;
    m_db.exec(QStringLiteral("BEGIN"));
    ++m_db.m_txDepth;
    m_began = true;
}

Database::ReadTransaction::~ReadTransaction()
{
    if (m_began)
        m_db.rollback(); // nothing was written: ending the snapshot is all there is to do
}

qint64 Database::fileSize() const
{
    qint64 total = QFileInfo(m_path).size();
    const QFileInfo wal(m_path + QStringLiteral("-wal"));
    if (wal.exists())
        total += wal.size();
    return total;
}

void Database::checkpoint()
{
    exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
}

qint64 Database::dataVersion()
{
    return scalar(QStringLiteral("PRAGMA data_version")).toLongLong();
}

void Database::copyTo(const QString &file)
{
    // Claimed empty and exclusively first (VACUUM INTO accepts an empty file), so that what a failure
    // removes is ours. No connection has it open yet: closing this descriptor drops nobody's locks.
    {
        QFile claim(file);
        if (!claim.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            throw Error(QFileInfo::exists(file) || QFileInfo(file).isSymLink()
                            ? QStringLiteral("%1 already exists; a copy never replaces a file").arg(file)
                            : QStringLiteral("cannot create %1: %2").arg(file, claim.errorString()),
                        Error::Kind::Conflict);
    }
    try {
        const UnlimitedStatements wholeFile(*this);
        exec(QStringLiteral("VACUUM INTO ?"), {file});
    } catch (const Error &e) {
        QFile::remove(file); // a partial copy (disk full) is no copy
        throw Error(QStringLiteral("cannot copy %1 to %2: %3").arg(m_path, file, e.message()), e.kind());
    }
}

qint64 Database::runRid(const QString &runId)
{
    const QVariant rid = scalar(QStringLiteral("SELECT rid FROM runs WHERE id = ?"), {runId});
    if (rid.isNull())
        throw Error(QStringLiteral("no run with id '%1'").arg(runId), Error::Kind::NotFound);
    return rid.toLongLong();
}

// Every change to a run moves its updated_ms forward, also two changes within one millisecond: a reader that
// saw the first one must see that the second happened.
void Database::touchRun(qint64 rid)
{
    write(QStringLiteral("UPDATE runs SET updated_ms = max(?, updated_ms + 1) WHERE rid = ?"),
          {nowMs(), rid});
}

} // namespace runlens
