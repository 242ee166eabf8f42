// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/mlflowdbreader.h"
#include "core/sourcefile.h"
#include "import/loggedmodels.h"

#include "core/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <sqlite3.h>
#include <utility>

// The reader talks to SQLite directly rather than through QSqlQuery: histories are read a row at a time, and
// QSqlQuery's per-row QVariant conversions made reading a 2.4-million-point database three times slower.

namespace runlens::import {
namespace {

// MLflow's alembic revisions in upgrade order, from the first one (MLflow 1.0, 2019) to the ones the feature
// checks below refer to. Files from before alembic (MLflow 0.9) have no alembic_version table at all.
constexpr const char *MainChain[] = {
    "451aebb31d03", // add metric step
    "90e64c465722", // migrate runs.user_id to the mlflow.user tag
    "181f10493468", // metrics.is_nan (NaN stored as 0 + is_nan)
    "df50e92ffc5e", // experiment_tags
    "7ac759974ad8", // larger run tag values
    "89d4b8295536", // latest_metrics
    "2b4d017a5e9b", // registered_models, model_versions
    "cfd24bdc0731", // KILLED run status
    "0a8213491aaa", //
    "728d730b5ebd", // registered_model_tags
    "27a6a02d2cf1", // model_version_tags
    "84291f40a231", // model_versions.run_link
    "a8c4a736bde6", // model_versions.run_id nullable
    "39d1c3be5f05", //
    "c48cb773bb87", //
    "bd07f7e963c5", // indexes on run_uuid
    "0c779009ac13", // runs.deleted_time
    "cc1f77228345", //
    "97727af70f4d", // experiments.creation_time, last_update_time
    "3500859a5d39", // registered_model_aliases
    "7f2a7d5fae7d", // datasets, inputs, input_tags
    "2d6e25af4d3e", //
    "acf3f17fdcc7", // model_versions.storage_location
    "867495a8f9d4", // traces
    "5b0e9adcef9c", //
    "4465047574b1", //
    "f5a4f2784254", // MLflow 2.17
    "0584bdc529eb", //
    "400f98739977", // logged models (MLflow 3)
    "6953534de441", // inputs.step
};

// Revisions MLflow 3.x shipped after the chain above, in no particular order. Each has every table and column
// the feature checks look for; what they add (traces, spans, assessments, scorers, evaluation datasets,
// webhooks, jobs, secrets, workspaces, ...) is not experiment tracking data and is not read.
constexpr const char *LaterRevisions[] = {
    "bda7b8c39065", "cbc13b556ace", "770bee3ae1dd", "a5b4c3d2e1f0", "138e9eb975d4", "de4033877273",
    "1a0cddfcaa16", "534353b11cbc", "71994744cf8e", "3da73c924c2f", "bf29a5ff90ea", "1bd49d398cd23",
    "1b49d398cd23", "c8d9e0f1a2b3", "1b5f0d9ad7c1", "0e7f11fcd8ac", "0f1a2b3c4d5e", "10a0b9ab53e2",
    "17e22815139b", "1971f2d9a75b", "2c33131f4dae", "322b1ae00ba2", "3aee407fe03d", "3f4e5d6c7b8a",
    "4209a452f04b", "4b75f9a0c123", "5d2d30f0abce", "6f8d9c3b2a1e", "73ab2d98a1ec", "75868b020152",
    "76601a5f987d", "7c4d9e2f1a86", "7d34483879f0", "89d3d66ed43f", "92d5b24e0351", "9eae7ec868c3",
    "a1b2c3d4e5f6", "a1b2c3d4e5f7", "a1c2e3f40b56", "a1d2e3f4b5c6", "a6d4e8b2c901", "a8b9c0d1e2f3",
    "ae8bbe7743c9", "af5ce5c40568", "b0ec69213791", "b446d3984cfa", "b4c5d6e7f8a9", "b7c8d9e0f1a2",
    "b7e2c1a4d9f3", "b7e4c1a90f23", "b8c9d0e1f2a3", "c1d2e3f4a5b6", "c3a777925173", "c3d6457b6d8a",
    "c3d7f2a1b8e4", "c3d9e7f1a2b4", "da6fb0208061", // MLflow 3.13
};

// What a file stamped with a given revision must have; a missing one is reported and read around.
struct Feature
{
    const char *since;
    const char *table;
    const char *column; // nullptr: the table itself
};
constexpr Feature Features[] = {
    {"451aebb31d03", "metrics", "step"},
    {"181f10493468", "metrics", "is_nan"},
    {"df50e92ffc5e", "experiment_tags", nullptr},
    {"2b4d017a5e9b", "registered_models", nullptr},
    {"2b4d017a5e9b", "model_versions", nullptr},
    {"728d730b5ebd", "registered_model_tags", nullptr},
    {"27a6a02d2cf1", "model_version_tags", nullptr},
    {"0c779009ac13", "runs", "deleted_time"},
    {"97727af70f4d", "experiments", "creation_time"},
    {"3500859a5d39", "registered_model_aliases", nullptr},
    {"7f2a7d5fae7d", "datasets", nullptr},
    {"7f2a7d5fae7d", "inputs", nullptr},
    {"7f2a7d5fae7d", "input_tags", nullptr},
};

constexpr int LaterThanChain = 1 << 20;

// Position of a revision in upgrade order; -1 when unknown.
int revisionOrder(const QString &revision)
{
    for (int i = 0; i < int(std::size(MainChain)); ++i) {
        if (revision == QLatin1String(MainChain[i]))
            return i;
    }
    for (const char *r : LaterRevisions) {
        if (revision == QLatin1String(r))
            return LaterThanChain;
    }
    return -1;
}

QString quoted(const QString &identifier)
{
    QString s = identifier;
    s.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + s + QLatin1Char('"');
}

// One table of the file as the file has it: the reader never assumes a column exists.
struct Table
{
    QString name;                    // as spelled in the file
    QHash<QString, QString> columns; // lower-case name -> as spelled in the file
    QString rowid;                   // expression naming the rowid; empty for a WITHOUT ROWID table
    bool indexedByRun = false;       // an index starts with run_uuid, so per-run lookups are cheap

    bool exists() const { return !name.isEmpty(); }
    bool has(const char *column) const { return columns.contains(QLatin1String(column)); }
    // The column for a SELECT list (optionally prefixed by a table alias), or NULL when the file lacks it.
    QString col(const char *column, const QString &alias = {}) const
    {
        const auto it = columns.constFind(QLatin1String(column));
        if (it == columns.constEnd())
            return QStringLiteral("NULL");
        return alias.isEmpty() ? quoted(*it) : alias + QLatin1Char('.') + quoted(*it);
    }
    QString from() const { return QStringLiteral("main.") + quoted(name); }
};

bool isSqliteHeader(const QByteArray &header)
{
    return header.size() >= 16 && header.startsWith(QByteArray("SQLite format 3\0", 16));
}

bool hasSidecar(const QString &path)
{
    for (const char *suffix : {"-wal", "-journal"}) {
        const QFileInfo sidecar(path + QLatin1String(suffix));
        if (sidecar.exists() && sidecar.size() > 0)
            return true;
    }
    return false;
}

// A value kept past the statement step that produced it (a run's id, used to look up its rows).
struct ValueFree
{
    void operator()(sqlite3_value *v) const { sqlite3_value_free(v); }
};
using Value = std::unique_ptr<sqlite3_value, ValueFree>;

QVariant valueVariant(sqlite3_value *v)
{
    switch (v ? sqlite3_value_type(v) : SQLITE_NULL) {
    case SQLITE_INTEGER:
        return qint64(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
        return sqlite3_value_double(v);
    case SQLITE_TEXT: {
        const auto *data = reinterpret_cast<const char *>(sqlite3_value_text(v));
        return QString::fromUtf8(data, sqlite3_value_bytes(v));
    }
    case SQLITE_BLOB: {
        const auto *data = static_cast<const char *>(sqlite3_value_blob(v));
        return QByteArray(data, sqlite3_value_bytes(v));
    }
    default:
        return {};
    }
}

// One prepared statement; movable, finalized on destruction.
class Statement
{
public:
    Statement() = default;
    explicit Statement(sqlite3_stmt *stmt)
        : m_stmt(stmt)
    {}
    Statement(Statement &&o) noexcept
        : m_stmt(std::exchange(o.m_stmt, nullptr))
    {}
    Statement &operator=(Statement &&o) noexcept
    {
        std::swap(m_stmt, o.m_stmt);
        return *this;
    }
    ~Statement() { sqlite3_finalize(m_stmt); }

    explicit operator bool() const { return m_stmt != nullptr; }
    sqlite3_stmt *get() const { return m_stmt; }

    // Rewinds the statement for another execution; bindings are set afresh by the caller.
    void reset() { sqlite3_reset(m_stmt); }
    void bind(int index, sqlite3_value *v) { sqlite3_bind_value(m_stmt, index, v); }
    void bind(int index, qint64 v) { sqlite3_bind_int64(m_stmt, index, v); }
    void bind(int index, const QString &v)
    {
        const QByteArray utf8 = v.toUtf8();
        sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    }

    int type(int column) const { return sqlite3_column_type(m_stmt, column); }
    qint64 int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    double real(int column) const { return sqlite3_column_double(m_stmt, column); }
    QVariant value(int column) const
    {
        switch (type(column)) {
        case SQLITE_INTEGER:
            return int64(column);
        case SQLITE_FLOAT:
            return real(column);
        case SQLITE_TEXT:
            return text(column);
        case SQLITE_BLOB: {
            const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
            return QByteArray(data, sqlite3_column_bytes(m_stmt, column));
        }
        default:
            return {};
        }
    }
    QString text(int column) const
    {
        const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
        return data ? QString::fromUtf8(data, sqlite3_column_bytes(m_stmt, column)) : QString();
    }
    Value keep(int column) const { return Value(sqlite3_value_dup(sqlite3_column_value(m_stmt, column))); }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

// One read-only connection to the source, or to a private snapshot of it when SQLite would otherwise have to
// recover a -wal or -journal file next to the source (which means writing there).
class Connection
{
public:
    enum class Snapshot { IfNeeded, Always, Never };

    Connection(const QString &path, Snapshot snapshot)
    {
        const bool copy =
            snapshot == Snapshot::Always || (snapshot == Snapshot::IfNeeded && hasSidecar(path));
        QByteArray name;
        int flags = 0;
        if (copy) {
            m_snapshot = std::make_unique<QTemporaryDir>();
            if (!m_snapshot->isValid())
                throw Error(QStringLiteral("cannot create a temporary folder to read %1 from").arg(path));
            const QString target = m_snapshot->filePath(QStringLiteral("mlflow.db"));
            for (const char *suffix : {"", "-wal", "-journal"}) {
                const QString from = path + QLatin1String(suffix);
                if (*suffix && !QFileInfo::exists(from))
                    continue;
                const QString to = target + QLatin1String(suffix);
                if (!QFile::copy(from, to))
                    throw Error(QStringLiteral("cannot copy %1 to a temporary folder").arg(from));
                // The copy keeps the source's permissions; SQLite needs to write to recover it.
                QFile::setPermissions(to, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            }
            name = QFile::encodeName(target);
            flags = SQLITE_OPEN_READWRITE;
        } else {
            // immutable=1: no locks, no journal, no -wal/-shm, nothing written next to the source.
            QUrl url = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath());
            url.setQuery(QStringLiteral("immutable=1"));
            name = url.toString(QUrl::FullyEncoded).toUtf8();
            flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
        }
        const int rc = sqlite3_open_v2(name.constData(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            const QString message =
                m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QString::fromUtf8(sqlite3_errstr(rc));
            sqlite3_close_v2(m_db);
            m_db = nullptr;
            throw Error(QStringLiteral("cannot open %1: %2").arg(path, message), Error::Kind::Database);
        }
        sqlite3_extended_result_codes(m_db, 1);
        // The file is untrusted input: no functions with side effects from its schema, no writes through
        // PRAGMAs that could corrupt it, and corrupt cells found early (sqlite.org "Defense Against The Dark
        // Arts").
        sqlite3_db_config(m_db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
        sqlite3_db_config(m_db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
        sqlite3_exec(m_db, "PRAGMA cell_size_check = ON", nullptr, nullptr, nullptr);
    }
    ~Connection() { sqlite3_close_v2(m_db); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    sqlite3 *db() const { return m_db; }
    QString lastError() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

    // nullptr with the error in *error when the statement does not compile.
    Statement prepare(const QString &sql, QString *error) const
    {
        sqlite3_stmt *stmt = nullptr;
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v2(m_db, utf8.constData(), int(utf8.size()), &stmt, nullptr) != SQLITE_OK) {
            sqlite3_finalize(stmt);
            *error = lastError();
            return Statement();
        }
        return Statement(stmt);
    }

    // Runs a statement without results; the error in *error on failure.
    bool run(const QString &sql, QString *error) const
    {
        Statement s = prepare(sql, error);
        if (!s)
            return false;
        const int rc = sqlite3_step(s.get());
        if (rc == SQLITE_DONE || rc == SQLITE_ROW)
            return true;
        *error = lastError();
        return false;
    }

    // Table names of the main database; false on an error (an unreadable or corrupt file).
    bool tableNames(QStringList *names) const
    {
        QString error;
        Statement s =
            prepare(QStringLiteral("SELECT name FROM main.sqlite_master WHERE type = 'table'"), &error);
        if (!s)
            return false;
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
            *names << s.text(0);
        return rc == SQLITE_DONE;
    }

private:
    sqlite3 *m_db = nullptr;
    std::unique_ptr<QTemporaryDir> m_snapshot;
};

bool isMlflowSchema(const QStringList &tables)
{
    const auto has = [&tables](const char *name) {
        return tables.contains(QLatin1String(name), Qt::CaseInsensitive);
    };
    return has("experiments") && has("runs") && (has("alembic_version") || has("metrics"));
}

QString variantText(const QVariant &v)
{
    if (v.isNull())
        return {};
    if (v.typeId() == QMetaType::QByteArray)
        return QString::fromUtf8(v.toByteArray());
    return v.toString();
}

// Integers as SQLite may hold them: INTEGER, an integral REAL, or numeric TEXT. NULL is std::nullopt with
// *ok true; anything else is std::nullopt with *ok false.
std::optional<qint64> toInt64(const QVariant &v, bool *ok)
{
    *ok = true;
    if (v.isNull())
        return std::nullopt;
    switch (v.typeId()) {
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::ULongLong:
    case QMetaType::UInt:
        return v.toLongLong();
    case QMetaType::Double: {
        const double d = v.toDouble();
        if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18)
            return qint64(d);
        break;
    }
    case QMetaType::QString: {
        bool parsed = false;
        const qint64 n = v.toString().trimmed().toLongLong(&parsed);
        if (parsed)
            return n;
        break;
    }
    default:
        break;
    }
    *ok = false;
    return std::nullopt;
}

std::optional<qint64> optionalTime(const QVariant &v)
{
    bool ok = false;
    return toInt64(v, &ok);
}

bool truthy(const QVariant &v)
{
    if (v.isNull())
        return false;
    if (v.typeId() == QMetaType::QString) {
        const QString s = v.toString().trimmed();
        return s == QLatin1String("1") || s.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
    }
    bool ok = false;
    const auto n = toInt64(v, &ok);
    return ok && n && *n != 0;
}

// A metric value the way MLflow's SQL store means it: NaN when is_nan is set (or, in files from before the
// is_nan column, a NULL or "NaN" text), and the largest finite double standing for an infinity (MLflow writes
// +-1.7976931348623157e308 for +-inf because SQL cannot store one). std::nullopt: not a number at all.
double fromStored(double d)
{
    constexpr double largest = std::numeric_limits<double>::max();
    if (d >= largest)
        return std::numeric_limits<double>::infinity();
    if (d <= -largest)
        return -std::numeric_limits<double>::infinity();
    return d;
}

std::optional<double> metricValue(const QVariant &v, bool isNan)
{
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (isNan || v.isNull())
        return std::numeric_limits<double>::quiet_NaN();
    double d = 0;
    switch (v.typeId()) {
    case QMetaType::Double:
        d = v.toDouble();
        break;
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::ULongLong:
    case QMetaType::UInt:
        d = v.toDouble();
        break;
    case QMetaType::QString: {
        const QString s = v.toString().trimmed().toLower();
        if (s == QLatin1String("nan") || s == QLatin1String("-nan") || s == QLatin1String("+nan"))
            return std::numeric_limits<double>::quiet_NaN();
        if (s == QLatin1String("inf") || s == QLatin1String("+inf") || s == QLatin1String("infinity") ||
            s == QLatin1String("+infinity"))
            return inf;
        if (s == QLatin1String("-inf") || s == QLatin1String("-infinity"))
            return -inf;
        bool ok = false;
        d = s.toDouble(&ok);
        if (!ok)
            return std::nullopt;
        break;
    }
    default:
        return std::nullopt;
    }
    return fromStored(d);
}

QString normalisedStage(const QString &stage, bool *known)
{
    *known = true;
    for (const char *s : {"None", "Staging", "Production", "Archived"}) {
        if (stage.compare(QLatin1String(s), Qt::CaseInsensitive) == 0)
            return QLatin1String(s);
    }
    if (stage.isEmpty())
        return QStringLiteral("None");
    *known = false;
    return QStringLiteral("None");
}

bool isSafeRelativePath(const QString &rel)
{
    if (rel.isEmpty() || rel.startsWith(QLatin1Char('/')))
        return false;
    for (const QString &segment : rel.split(QLatin1Char('/'))) {
        if (segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String(".."))
            return false;
    }
    return true;
}

// Finds a run's artifact folder on this machine from the artifact_uri MLflow recorded, which usually names
// another machine's path: the path itself if it exists, else the same trailing path below the database's
// folder (MLflow always puts a run's artifacts at <experiment artifact location>/<run id>/artifacts).
class ArtifactFinder
{
public:
    explicit ArtifactFinder(const QString &databasePath)
        : m_base(QFileInfo(QFileInfo(databasePath).absolutePath()).canonicalFilePath())
    {}

    // The canonical folder, or empty; `tried` lists where it looked, `refused` why a folder found there was
    // not taken. Only a folder below the database's folder whose own path (links resolved) ends in
    // <run id>/artifacts, as MLflow writes it, is taken: the URI may name any place of this disk, and a link
    // there may lead anywhere else.
    QString locate(const QString &uri, const QString &runId, QStringList *tried, QStringList *refused) const
    {
        static const QRegularExpression schemeRe(QStringLiteral("^([A-Za-z][A-Za-z0-9+.\\-]+):"));
        static const QRegularExpression driveRe(QStringLiteral("^/?[A-Za-z]:([/\\\\]|$)"));
        static const QRegularExpression separatorRe(QStringLiteral("[/\\\\]"));

        QString scheme;
        QString path = uri.trimmed();
        const auto m = schemeRe.match(path);
        if (m.hasMatch()) {
            scheme = m.captured(1).toLower();
            const QUrl url(path);
            path = url.path(QUrl::FullyDecoded);
            if (!url.host().isEmpty() && url.host() != QLatin1String("localhost"))
                path = (scheme == QLatin1String("file") ? QStringLiteral("//") : QString()) + url.host() +
                       QLatin1Char('/') + path;
        }
        if (path.contains(QChar(0))) // no file name has one (also after %00 is decoded)
            return {};
        const bool local = scheme.isEmpty() || scheme == QLatin1String("file");
        const bool windows = driveRe.match(path).hasMatch() || path.startsWith(QLatin1String("\\\\"));

        QStringList candidates;
        if (local && !windows && path.startsWith(QLatin1Char('/')))
            candidates << QDir::cleanPath(path);
        if (scheme.isEmpty() && !windows && !path.startsWith(QLatin1Char('/')) && !m_base.isEmpty())
            candidates << QDir::cleanPath(m_base + QLatin1Char('/') + path);

        QStringList segments;
        for (const QString &s : path.split(separatorRe, Qt::SkipEmptyParts)) {
            if (s == QLatin1String(".."))
                segments.clear(); // nothing before it can be trusted to lie below the base
            else if (s != QLatin1String("."))
                segments << s;
        }
        if (scheme == QLatin1String("mlflow-artifacts") && !m_base.isEmpty()) // `mlflow server`'s default
            candidates << m_base + QStringLiteral("/mlartifacts/") + segments.join(QLatin1Char('/'));
        const qsizetype runAt = lastIndexOfSegment(segments, runId);
        if (!m_base.isEmpty()) {
            for (qsizetype i = 0; i <= runAt; ++i)
                candidates << m_base + QLatin1Char('/') + segments.mid(i).join(QLatin1Char('/'));
        }

        for (const QString &c : std::as_const(candidates)) {
            // A folder that does not name the run is not its artifact folder, whatever the URI says: this
            // keeps a hostile database from pointing an import at /etc or ~/.ssh.
            if (lastIndexOfSegment(c.split(QLatin1Char('/'), Qt::SkipEmptyParts), runId) < 0)
                continue;
            if (tried->contains(c))
                continue;
            tried->append(c);
            const QFileInfo info(c);
            if (!info.isDir())
                continue;
            const QString canonical = info.canonicalFilePath();
            if (canonical.isEmpty())
                continue;
            if (m_base.isEmpty() || !canonical.startsWith(m_base + QLatin1Char('/'))) {
                refused->append(
                    canonical == QDir::cleanPath(c)
                        ? QStringLiteral("%1 is outside the database's folder %2").arg(c, m_base)
                        : QStringLiteral("%1 leads to %2 through a symbolic link, outside the database's "
                                         "folder %3")
                              .arg(c, canonical, m_base));
                continue;
            }
            const QStringList real = canonical.split(QLatin1Char('/'), Qt::SkipEmptyParts);
            if (real.size() < 2 || real.last() != QLatin1String("artifacts") ||
                real[real.size() - 2].compare(runId, Qt::CaseInsensitive) != 0) {
                refused->append(
                    QStringLiteral("%1 is not the run's folder (<location>/%2/artifacts)%3")
                        .arg(c, runId,
                             canonical == QDir::cleanPath(c)
                                 ? QString()
                                 : QStringLiteral(": a symbolic link leads to %1").arg(canonical)));
                continue;
            }
            return canonical;
        }
        return {};
    }

    // Every regular file below `root`, recursively. Symbolic links are listed only when they resolve to a
    // file inside `root`; links to folders are not followed (no loops, no duplicates, nothing from outside).
    static void list(const QString &root, std::vector<SourceArtifact> &out, QStringList &refused)
    {
        struct Pending
        {
            QString dir;
            QString rel;
            int depth;
        };
        std::vector<Pending> stack{{root, QString(), 0}};
        const QString inside = root + QLatin1Char('/');
        while (!stack.empty()) {
            const Pending p = stack.back();
            stack.pop_back();
            const QFileInfoList entries = QDir(p.dir).entryInfoList(
                QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
            // Reversed so that the stack visits sub-folders in name order.
            for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
                const QFileInfo &fi = *it;
                const QString rel =
                    p.rel.isEmpty() ? fi.fileName() : p.rel + QLatin1Char('/') + fi.fileName();
                if (!isSafeRelativePath(rel)) {
                    refused << rel;
                    continue;
                }
                if (fi.isSymLink()) {
                    const QString target = fi.canonicalFilePath();
                    const QFileInfo t(target);
                    if (target.isEmpty() || !target.startsWith(inside) || !t.isFile())
                        refused << rel;
                    else
                        out.push_back({rel, target, root});
                } else if (fi.isDir()) {
                    if (p.depth >= 256)
                        refused << rel;
                    else
                        stack.push_back({fi.absoluteFilePath(), rel, p.depth + 1});
                } else if (fi.isFile()) {
                    out.push_back({rel, fi.absoluteFilePath(), root});
                } // sockets, FIFOs and devices are not artifacts
            }
        }
        std::sort(out.begin(), out.end(),
                  [](const SourceArtifact &a, const SourceArtifact &b) { return a.path < b.path; });
    }

    const QString &base() const { return m_base; }

private:
    static qsizetype lastIndexOfSegment(const QStringList &segments, const QString &runId)
    {
        if (runId.isEmpty())
            return -1;
        for (qsizetype i = segments.size() - 1; i >= 0; --i) {
            if (segments[i].compare(runId, Qt::CaseInsensitive) == 0)
                return i;
        }
        return -1;
    }

    QString m_base;
};

class Reader
{
public:
    Reader(const QString &path, ImportSink &sink)
        : m_path(path)
        , m_sink(sink)
        , m_artifacts(path)
    {}

    void read()
    {
        checkFile(m_path);
        m_connection = std::make_unique<Connection>(m_path, Connection::Snapshot::IfNeeded);
        loadSchema();
        QStringList names;
        for (const Table &t : std::as_const(m_tables))
            names << t.name;
        if (!isMlflowSchema(names)) {
            throw Error(
                QStringLiteral("%1 is an SQLite database but not an MLflow tracking database (it has no "
                               "experiments and runs tables)")
                    .arg(m_path));
        }
        checkRevision();
        requireColumns();
        prepareRunLookups();
        if (!readExperiments())
            return;
        readLoggedModels();
        if (!readRuns())
            return;
        m_loggedModels.reportUnclaimed(m_sink);
        if (!readModels())
            return;
        reportSkipped();
    }

    static void checkFile(const QString &path)
    {
        const QFileInfo info(path);
        if (!info.exists())
            throw Error(QStringLiteral("%1 does not exist").arg(path), Error::Kind::NotFound);
        if (!info.isFile())
            throw Error(QStringLiteral("%1 is not a file").arg(path));
        SourceFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
        const QByteArray header = f.read(100);
        if (header.isEmpty())
            throw Error(QStringLiteral("%1 is empty, not an MLflow database").arg(path));
        if (!isSqliteHeader(header) || header.size() < 100)
            throw Error(QStringLiteral("%1 is not an SQLite database").arg(path));
    }

private:
    [[noreturn]] void fail(const QString &what, const QString &message) const
    {
        throw Error(QStringLiteral("cannot read %1 (%2): %3").arg(m_path, what, message),
                    Error::Kind::Database);
    }

    Statement prepare(const QString &sql, const QString &what)
    {
        QString error;
        Statement s = m_connection->prepare(sql, &error);
        if (!s)
            fail(what, error);
        return s;
    }

    void run(const QString &sql, const QString &what)
    {
        QString error;
        if (!m_connection->run(sql, &error))
            fail(what, error);
    }

    // The next row; false at the end; an Error when SQLite cannot go on (a corrupt page, say).
    bool next(Statement &s, const QString &what)
    {
        const int rc = sqlite3_step(s.get());
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        const QString message = m_connection->lastError();
        s.reset();
        fail(what, message);
    }

    void warn(const QString &message, const QString &file = {})
    {
        m_sink.warning({file.isEmpty() ? m_path : file, message});
    }

    const Table &table(const char *name) const
    {
        static const Table none;
        const auto it = m_tables.constFind(QLatin1String(name));
        return it == m_tables.constEnd() ? none : *it;
    }

    qint64 count(const Table &t)
    {
        if (!t.exists())
            return 0;
        const QString what = QStringLiteral("counting %1").arg(t.name);
        Statement s = prepare(QStringLiteral("SELECT count(*) FROM ") + t.from(), what);
        return next(s, what) ? s.int64(0) : 0;
    }

    void loadSchema()
    {
        QStringList names;
        if (!m_connection->tableNames(&names))
            fail(QStringLiteral("its schema"), m_connection->lastError());
        for (const QString &name : std::as_const(names)) {
            Table t;
            t.name = name;
            const QString what = QStringLiteral("the columns of %1").arg(name);
            Statement info = prepare(QStringLiteral("PRAGMA main.table_info(%1)").arg(quoted(name)), what);
            while (next(info, what)) {
                const QString column = info.text(1);
                t.columns.insert(column.toLower(), column);
            }
            // A WITHOUT ROWID table has no rowid; a table may also have a column that shadows one of its
            // names.
            for (const char *alias : {"rowid", "_rowid_", "oid"}) {
                if (t.has(alias))
                    continue;
                QString error;
                if (m_connection->prepare(
                        QStringLiteral("SELECT %1 FROM %2").arg(QLatin1String(alias), t.from()), &error))
                    t.rowid = QLatin1String(alias);
                break;
            }
            m_tables.insert(name.toLower(), t);
        }
        for (const char *name : {"metrics", "params", "tags"}) {
            auto it = m_tables.find(QLatin1String(name));
            if (it == m_tables.end())
                continue;
            const QString what = QStringLiteral("the indexes of %1").arg(it->name);
            Statement indexes =
                prepare(QStringLiteral("PRAGMA main.index_list(%1)").arg(quoted(it->name)), what);
            QStringList usable;
            while (next(indexes, what)) {
                if (indexes.int64(4) == 0) // a partial index does not serve every lookup
                    usable << indexes.text(1);
            }
            for (const QString &index : std::as_const(usable)) {
                Statement columns =
                    prepare(QStringLiteral("PRAGMA main.index_info(%1)").arg(quoted(index)), what);
                while (next(columns, what)) {
                    if (columns.int64(0) == 0 &&
                        columns.text(2).compare(QLatin1String("run_uuid"), Qt::CaseInsensitive) == 0)
                        it->indexedByRun = true;
                }
            }
        }
    }

    bool hasFeature(const Feature &f) const
    {
        const Table &t = table(f.table);
        return t.exists() && (!f.column || t.has(f.column));
    }

    void checkRevision()
    {
        const Table &alembic = table("alembic_version");
        QString revision;
        if (!alembic.exists()) {
            warn(
                QStringLiteral("no alembic_version table: read as an MLflow 0.9 database (from before schema "
                               "versioning)"));
        } else if (!alembic.has("version_num")) {
            warn(QStringLiteral("alembic_version has no version_num column: the schema revision is unknown; "
                                "reading the tables and columns that are recognisable"));
        } else {
            const QString what = QStringLiteral("alembic_version");
            Statement s = prepare(
                QStringLiteral("SELECT %1 FROM %2").arg(alembic.col("version_num"), alembic.from()), what);
            QStringList revisions;
            while (next(s, what))
                revisions << variantText(s.value(0)).trimmed();
            if (revisions.isEmpty()) {
                warn(QStringLiteral(
                    "alembic_version is empty: the schema revision is unknown; reading the tables "
                    "and columns that are recognisable"));
            } else if (revisions.size() > 1) {
                warn(QStringLiteral(
                         "alembic_version lists several revisions (%1); checking the newest known one")
                         .arg(revisions.join(QStringLiteral(", "))));
            }
            int best = -1;
            for (const QString &r : std::as_const(revisions)) {
                const int order = revisionOrder(r);
                if (order < 0) {
                    warn(QStringLiteral("unknown MLflow schema revision %1 (newer than this Runlens knows?): "
                                        "reading the tables and columns that are recognisable")
                             .arg(r));
                } else if (order > best) {
                    best = order;
                    revision = r;
                }
            }
        }
        if (revision.isEmpty())
            return;
        const int order = revisionOrder(revision);
        for (const Feature &f : Features) {
            if (revisionOrder(QLatin1String(f.since)) > order || hasFeature(f))
                continue;
            warn(QStringLiteral("schema revision %1 should have %2, which is missing: read without it")
                     .arg(revision, f.column ? QStringLiteral("the column %1.%2")
                                                   .arg(QLatin1String(f.table), QLatin1String(f.column))
                                             : QStringLiteral("the table %1").arg(QLatin1String(f.table))));
        }
    }

    void requireColumns()
    {
        const Table &runs = table("runs");
        if (!runs.has("run_uuid")) {
            throw Error(
                QStringLiteral("%1 is not a readable MLflow database: the runs table has no run_uuid column")
                    .arg(m_path));
        }
        const Table &experiments = table("experiments");
        if (!experiments.has("experiment_id")) {
            throw Error(QStringLiteral("%1 is not a readable MLflow database: the experiments table has no "
                                       "experiment_id column")
                            .arg(m_path));
        }
        for (const char *c :
             {"experiment_id", "status", "start_time", "end_time", "lifecycle_stage", "artifact_uri"}) {
            if (!runs.has(c))
                warn(
                    QStringLiteral("the runs table has no %1 column: read without it").arg(QLatin1String(c)));
        }
        if (!experiments.has("name"))
            warn(QStringLiteral(
                "the experiments table has no name column: experiments are named by their id"));
    }

    // Per-run lookups need an index on run_uuid; files before revision bd07f7e963c5 have none, so their rows
    // are copied once into an indexed table of the connection's own temporary database (never the source).
    struct Lookup
    {
        QString from;     // table expression
        QString seq;      // rowid column giving insertion (= logging) order; empty if there is none
        QString runUuid;  // the run_uuid column
        QStringList cols; // the wanted columns in order (NULL when missing)
    };

    std::optional<Lookup> lookup(const char *name, std::initializer_list<const char *> wanted)
    {
        const Table &t = table(name);
        if (!t.has("run_uuid"))
            return std::nullopt;
        Lookup l;
        if (t.indexedByRun) {
            l.from = t.from();
            l.seq = t.rowid;
            l.runUuid = t.col("run_uuid");
            for (const char *c : wanted)
                l.cols << t.col(c);
            return l;
        }
        const QString copy = QStringLiteral("runlens_") + QLatin1String(name);
        QStringList select;
        select << (t.rowid.isEmpty() ? QStringLiteral("NULL") : t.rowid) + QStringLiteral(" AS rl_seq")
               << t.col("run_uuid") + QStringLiteral(" AS rl_run");
        int i = 0;
        for (const char *c : wanted)
            select << t.col(c) + QStringLiteral(" AS rl_c%1").arg(i++);
        const QString what = QStringLiteral("indexing %1 by run").arg(t.name);
        run(QStringLiteral("CREATE TEMP TABLE %1 AS SELECT %2 FROM %3")
                .arg(quoted(copy), select.join(QStringLiteral(", ")), t.from()),
            what);
        run(QStringLiteral("CREATE INDEX temp.%1 ON %2 (rl_run, rl_seq)")
                .arg(quoted(copy + QStringLiteral("_run")), quoted(copy)),
            what);
        l.from = QStringLiteral("temp.") + quoted(copy);
        l.seq = t.rowid.isEmpty() ? QString() : QStringLiteral("rl_seq");
        l.runUuid = QStringLiteral("rl_run");
        for (i = 0; i < int(wanted.size()); ++i)
            l.cols << QStringLiteral("rl_c%1").arg(i);
        return l;
    }

    Statement lookupStatement(const Lookup &l, const QString &orderBy, const QString &what)
    {
        return prepare(QStringLiteral("SELECT %1 FROM %2 WHERE %3 = ?%4")
                           .arg(l.cols.join(QStringLiteral(", ")), l.from, l.runUuid, orderBy),
                       what);
    }

    void prepareRunLookups()
    {
        if (const auto params = lookup("params", {"key", "value"}))
            m_params = lookupStatement(*params, {}, QStringLiteral("params"));
        if (const auto tags = lookup("tags", {"key", "value"}))
            m_tags = lookupStatement(*tags, {}, QStringLiteral("tags"));
        if (const auto metrics = lookup("metrics", {"key", "value", "timestamp", "step", "is_nan"})) {
            QString order = QStringLiteral(" ORDER BY ") + metrics->seq;
            if (metrics->seq.isEmpty()) {
                order = QStringLiteral(" ORDER BY %1, %2").arg(metrics->cols[2], metrics->cols[3]);
                warn(QStringLiteral(
                    "the metrics table has no rowid, so the order in which values were logged is "
                    "unknown: histories are ordered by timestamp and step"));
            }
            m_metrics = lookupStatement(*metrics, order, QStringLiteral("metrics"));
        } else if (table("metrics").exists()) {
            warn(QStringLiteral("the metrics table has no run_uuid column: metrics are not read"));
        }

        const Table &inputs = table("inputs");
        const Table &datasets = table("datasets");
        if (inputs.has("destination_id") && inputs.has("source_id") && datasets.has("dataset_uuid")) {
            const QString i = QStringLiteral("i");
            const QString d = QStringLiteral("d");
            QString where = QStringLiteral("%1 = ?").arg(inputs.col("destination_id", i));
            if (inputs.has("destination_type"))
                where += QStringLiteral(" AND %1 = 'RUN'").arg(inputs.col("destination_type", i));
            if (inputs.has("source_type"))
                where += QStringLiteral(" AND %1 = 'DATASET'").arg(inputs.col("source_type", i));
            QStringList order;
            if (inputs.has("step"))
                order << inputs.col("step", i);
            if (!inputs.rowid.isEmpty())
                order << QStringLiteral("i.") + inputs.rowid;
            const QStringList columns = {
                inputs.col("input_uuid", i),       datasets.col("name", d),
                datasets.col("digest", d),         datasets.col("dataset_source_type", d),
                datasets.col("dataset_source", d), datasets.col("dataset_schema", d),
                datasets.col("dataset_profile", d)};
            m_inputs = prepare(
                QStringLiteral("SELECT %1 FROM %2 AS i JOIN %3 AS d ON %4 = %5 WHERE %6%7")
                    .arg(columns.join(QStringLiteral(", ")), inputs.from(), datasets.from(),
                         datasets.col("dataset_uuid", d), inputs.col("source_id", i), where,
                         order.isEmpty() ? QString()
                                         : QStringLiteral(" ORDER BY ") + order.join(QStringLiteral(", "))),
                QStringLiteral("dataset inputs"));
            const Table &inputTags = table("input_tags");
            if (inputTags.has("input_uuid") && inputTags.has("name") && inputTags.has("value")) {
                m_inputContext =
                    prepare(QStringLiteral("SELECT %1 FROM %2 WHERE %3 = ? AND %4 = 'mlflow.data.context'")
                                .arg(inputTags.col("value"), inputTags.from(), inputTags.col("input_uuid"),
                                     inputTags.col("name")),
                            QStringLiteral("input tags"));
            }
        }
    }

    // Experiment and model names are unique per workspace (MLflow 3.x); outside the default workspace they
    // are prefixed so that they stay unique in Runlens.
    QString qualified(const QString &name, const QVariant &workspace)
    {
        const QString ws = variantText(workspace);
        if (ws.isEmpty() || ws == QLatin1String("default"))
            return name;
        if (!m_warnedWorkspace) {
            m_warnedWorkspace = true;
            warn(QStringLiteral(
                "the database has several MLflow workspaces: names outside the default workspace "
                "are imported as <workspace>/<name>"));
        }
        return ws + QLatin1Char('/') + name;
    }

    bool readExperiments()
    {
        const Table &e = table("experiments");
        QHash<QString, QMap<QString, QString>> tags;
        const Table &et = table("experiment_tags");
        if (et.has("experiment_id") && et.has("key")) {
            const QString what = QStringLiteral("experiment tags");
            Statement s =
                prepare(QStringLiteral("SELECT %1, %2, %3 FROM %4")
                            .arg(et.col("experiment_id"), et.col("key"), et.col("value"), et.from()),
                        what);
            while (next(s, what))
                tags[variantText(s.value(0))].insert(variantText(s.value(1)), variantText(s.value(2)));
        }
        const QString what = QStringLiteral("experiments");
        Statement s = prepare(QStringLiteral("SELECT %1, %2, %3, %4, %5 FROM %6 ORDER BY %1")
                                  .arg(e.col("experiment_id"), e.col("name"), e.col("lifecycle_stage"),
                                       e.col("creation_time"), e.col("workspace"), e.from()),
                              what);
        std::vector<SourceExperiment> experiments;
        QSet<QString> names;
        while (next(s, what)) {
            SourceExperiment x;
            x.sourceId = variantText(s.value(0));
            QString name = variantText(s.value(1));
            if (name.trimmed().isEmpty()) {
                name = QStringLiteral("experiment %1").arg(x.sourceId);
                warn(QStringLiteral("experiment %1 has no name: imported as \"%2\"").arg(x.sourceId, name));
            }
            x.name = qualified(name, s.value(4));
            if (names.contains(x.name)) {
                warn(
                    QStringLiteral("experiment name \"%1\" occurs twice (id %2): its runs join the first one")
                        .arg(x.name, x.sourceId));
            }
            names.insert(x.name);
            const QString stage = variantText(s.value(2));
            if (const auto l = lifecycleFromName(stage))
                x.lifecycle = *l;
            else if (!stage.isEmpty())
                warn(QStringLiteral("experiment %1 has an unknown lifecycle stage \"%2\": imported as active")
                         .arg(x.name, stage));
            x.createdMs = optionalTime(s.value(3));
            x.tags = tags.value(x.sourceId);
            x.description = x.tags.value(QLatin1String(mlflowtag::Note));
            m_experimentNames.insert(x.sourceId, x.name);
            experiments.push_back(std::move(x));
        }
        for (const SourceExperiment &x : experiments) {
            if (m_sink.isCancelled() || !m_sink.experiment(x))
                return false;
        }
        return true;
    }

    enum Column {
        RunUuid,
        Name,
        RunName,
        Status,
        StartTime,
        EndTime,
        UserId,
        LifecycleStage,
        DeletedTime,
        ExperimentId,
        ArtifactUri,
        SourceType,
        SourceName,
        SourceVersion,
        EntryPointName
    };

    bool readRuns()
    {
        const Table &r = table("runs");
        const qint64 total = count(r);
        const QString what = QStringLiteral("runs");
        const QStringList columns = {r.col("run_uuid"),        r.col("name"),
                                     r.col("run_name"),        r.col("status"),
                                     r.col("start_time"),      r.col("end_time"),
                                     r.col("user_id"),         r.col("lifecycle_stage"),
                                     r.col("deleted_time"),    r.col("experiment_id"),
                                     r.col("artifact_uri"),    r.col("source_type"),
                                     r.col("source_name"),     r.col("source_version"),
                                     r.col("entry_point_name")};
        // Creation order: the rowid grows as runs are inserted.
        Statement s = prepare(QStringLiteral("SELECT %1 FROM %2 ORDER BY %3")
                                  .arg(columns.join(QStringLiteral(", ")), r.from(),
                                       r.rowid.isEmpty() ? r.col("run_uuid") : r.rowid),
                              what);
        qint64 done = 0;
        while (next(s, what)) {
            if (m_sink.isCancelled())
                return false;
            SourceRun run;
            switch (readRun(s, run)) {
            case Outcome::Cancelled:
                return false;
            case Outcome::Skipped:
                break;
            case Outcome::Read:
                if (m_sink.isCancelled() || !m_sink.run(std::move(run)))
                    return false;
                break;
            }
            m_sink.progress(++done, total);
        }
        return true;
    }

    enum class Outcome { Read, Skipped, Cancelled };

    Outcome readRun(const Statement &row, SourceRun &run)
    {
        const Value uuid = row.keep(RunUuid); // bound as it is stored, so that lookups match like SQL does
        const QString uuidText = variantText(row.value(RunUuid));
        const QString lower = uuidText.trimmed().toLower();
        if (!uuid || lower.isEmpty()) {
            warn(QStringLiteral("a run without a run_uuid was skipped"));
            return Outcome::Skipped;
        }
        if (isValidRunId(lower)) {
            run.id = lower;
        } else {
            run.sourceKey = uuidText;
            warn(QStringLiteral(
                     "run id \"%1\" is not 32 hexadecimal digits: the run gets an id derived from it")
                     .arg(uuidText));
        }
        const QString label = run.id.isEmpty() ? uuidText : run.id;

        const QString status = variantText(row.value(Status));
        run.startMs = optionalTime(row.value(StartTime));
        run.endMs = optionalTime(row.value(EndTime));
        if (const auto st = runStatusFromName(status)) {
            run.status = *st;
        } else {
            run.status = run.endMs ? RunStatus::Finished : RunStatus::Running;
            if (table("runs").has("status"))
                warn(QStringLiteral("run %1 has an unknown status \"%2\": imported as %3")
                         .arg(label, status, runStatusName(run.status)));
        }
        run.user = variantText(row.value(UserId));
        if (variantText(row.value(LifecycleStage)).compare(QLatin1String("deleted"), Qt::CaseInsensitive) ==
            0) {
            run.lifecycle = Lifecycle::Deleted;
            run.deletedMs = optionalTime(row.value(DeletedTime));
        }
        const QVariant experimentId = row.value(ExperimentId);
        if (!experimentId.isNull()) {
            const QString id = variantText(experimentId);
            const auto it = m_experimentNames.constFind(id);
            if (it != m_experimentNames.constEnd()) {
                run.experiment = *it;
            } else if (!m_warnedExperiments.contains(id)) {
                m_warnedExperiments.insert(id);
                warn(QStringLiteral(
                         "runs refer to experiment %1, which does not exist: they go to the import's "
                         "experiment")
                         .arg(id));
            }
        }

        readPairs(m_params, uuid.get(), QStringLiteral("params"), run.params);
        readPairs(m_tags, uuid.get(), QStringLiteral("tags"), run.tags);

        run.name = variantText(row.value(Name));
        if (run.name.isEmpty())
            run.name = variantText(row.value(RunName));
        if (run.name.isEmpty())
            run.name = run.tags.value(QLatin1String(mlflowtag::RunName));
        if (run.user.isEmpty())
            run.user = run.tags.value(QLatin1String(mlflowtag::User));
        // MLflow 0.9 kept the source in run columns; later versions keep tags and leave the columns empty
        // (source_type UNKNOWN). Carry old values over as the tags MLflow uses now, never over a real tag.
        const auto carry = [&run](const char *tag, const QString &value) {
            if (!value.isEmpty() && !run.tags.contains(QLatin1String(tag)))
                run.tags.insert(QLatin1String(tag), value);
        };
        const QString sourceType = variantText(row.value(SourceType));
        if (sourceType.compare(QLatin1String("UNKNOWN"), Qt::CaseInsensitive) != 0)
            carry(mlflowtag::SourceType, sourceType);
        carry(mlflowtag::SourceName, variantText(row.value(SourceName)));
        carry(mlflowtag::GitCommit, variantText(row.value(SourceVersion)));
        carry("mlflow.project.entryPoint", variantText(row.value(EntryPointName)));

        if (m_metrics && !readMetrics(uuid.get(), label, run))
            return Outcome::Cancelled;
        if (m_inputs)
            readInputs(uuid.get(), run);
        readArtifacts(variantText(row.value(ArtifactUri)), run, label);
        m_loggedModels.attach(run, m_sink);
        return Outcome::Read;
    }

    // MLflow 3's logged_models with their params, tags and metrics (databases from before MLflow 3 have none
    // of these tables), held until their source run is read (see loggedmodels.h). Their files are looked for
    // below the database's folder as a run's are: MLflow writes them to <location>/models/<model
    // id>/artifacts.
    void readLoggedModels()
    {
        const Table &lm = table("logged_models");
        if (!lm.has("model_id"))
            return;
        const QString what = QStringLiteral("logged models");
        std::vector<LoggedModel> models;
        {
            Statement s =
                prepare(QStringLiteral("SELECT %1, %2, %3, %4, %5, %6, %7, %8 FROM %9 ORDER BY %10, %1")
                            .arg(lm.col("model_id"), lm.col("name"), lm.col("source_run_id"),
                                 lm.col("status"), lm.col("model_type"), lm.col("creation_timestamp_ms"),
                                 lm.col("artifact_location"), lm.col("lifecycle_stage"), lm.from())
                            .arg(lm.col("creation_timestamp_ms")),
                        what);
            while (next(s, what)) {
                LoggedModel m;
                m.id = variantText(s.value(0));
                m.name = variantText(s.value(1));
                m.sourceRunId = variantText(s.value(2));
                m.status = loggedModelStatusName(variantText(s.value(3)));
                m.modelType = variantText(s.value(4));
                m.createdMs = optionalTime(s.value(5));
                m.where = m_path;
                if (variantText(s.value(7)).compare(QLatin1String("deleted"), Qt::CaseInsensitive) == 0)
                    m.status = QStringLiteral("DELETED");
                const QString location = variantText(s.value(6));
                if (!location.trimmed().isEmpty() && isSafeRelativePath(m.id)) {
                    QStringList tried, refused;
                    // The model id stands where a run's id does: <location>/models/<model id>/artifacts.
                    const QString root = m_artifacts.locate(location, m.id, &tried, &refused);
                    QStringList unusable;
                    if (!root.isEmpty())
                        ArtifactFinder::list(root, m.artifacts, unusable);
                    else if (!refused.isEmpty())
                        warn(QStringLiteral("logged model %1: artifacts skipped: %2")
                                 .arg(m.id, refused.join(QStringLiteral("; "))));
                    else
                        warn(
                            QStringLiteral("logged model %1: artifact folder not found for %2: its files are "
                                           "not imported")
                                .arg(m.id, location));
                    if (!unusable.isEmpty())
                        warn(QStringLiteral(
                                 "logged model %1: %2 entries below %3 not imported (links, unusable "
                                 "names)")
                                 .arg(m.id)
                                 .arg(unusable.size())
                                 .arg(root));
                }
                models.push_back(std::move(m));
            }
        }
        const auto pairs = [&](const char *name, const char *key, const char *value, auto into) {
            const Table &t = table(name);
            if (!t.has("model_id") || !t.has(key))
                return;
            const QString w = QString::fromLatin1(name);
            Statement s = prepare(QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4 = ?")
                                      .arg(t.col(key), t.col(value), t.from(), t.col("model_id")),
                                  w);
            for (LoggedModel &m : models) {
                s.reset();
                s.bind(1, m.id);
                while (next(s, w))
                    (m.*into).insert(variantText(s.value(0)), variantText(s.value(1)));
            }
        };
        pairs("logged_model_params", "param_key", "param_value", &LoggedModel::params);
        pairs("logged_model_tags", "tag_key", "tag_value", &LoggedModel::tags);
        const Table &mm = table("logged_model_metrics");
        if (mm.has("model_id") && mm.has("metric_name")) {
            const QString w = QStringLiteral("logged model metrics");
            Statement s =
                prepare(QStringLiteral("SELECT %1, %2, %3, %4 FROM %5 WHERE %6 = ? ORDER BY %1, %7")
                            .arg(mm.col("metric_name"), mm.col("metric_step"), mm.col("metric_timestamp_ms"),
                                 mm.col("metric_value"), mm.from(), mm.col("model_id"),
                                 mm.rowid.isEmpty() ? mm.col("metric_timestamp_ms") : mm.rowid),
                        w);
            for (LoggedModel &m : models) {
                s.reset();
                s.bind(1, m.id);
                qint64 unreadable = 0;
                while (next(s, w)) {
                    bool stepOk = false, timeOk = false;
                    const auto step = toInt64(s.value(1), &stepOk);
                    const auto time = toInt64(s.value(2), &timeOk);
                    const std::optional<double> value = metricValue(s.value(3), false);
                    const QString key = variantText(s.value(0));
                    if (!stepOk || !timeOk || !value || key.isEmpty()) {
                        ++unreadable;
                        continue;
                    }
                    if (m.metrics.empty() || m.metrics.back().key != key)
                        m.metrics.push_back({key, {}});
                    m.metrics.back().points.push_back({step.value_or(0), time.value_or(0), *value});
                }
                if (unreadable > 0)
                    warn(QStringLiteral(
                             "logged model %1: %2 metric value(s) that are not numbers were skipped")
                             .arg(m.id)
                             .arg(unreadable));
            }
        }
        for (LoggedModel &m : models)
            m_loggedModels.add(std::move(m), m_sink);
    }

    void readPairs(Statement &s, sqlite3_value *uuid, const QString &what, QMap<QString, QString> &into)
    {
        if (!s)
            return;
        s.reset();
        s.bind(1, uuid);
        while (next(s, what))
            into.insert(variantText(s.value(0)), variantText(s.value(1)));
    }

    bool readMetrics(sqlite3_value *uuid, const QString &label, SourceRun &run)
    {
        constexpr int Key = 0, Val = 1, Timestamp = 2, Step = 3, IsNan = 4;
        const QString what = QStringLiteral("metrics");
        Statement &s = m_metrics;
        s.reset();
        s.bind(1, uuid);
        QHash<QByteArray, size_t> index;
        QByteArray lastKey;
        size_t last = 0;
        qint64 unreadable = 0;
        QStringList unreadableKeys;
        qint64 rows = 0;
        while (next(s, what)) {
            if ((++rows & 0xffff) == 0 && m_sink.isCancelled())
                return false;
            // The common case (INTEGER step and timestamp, REAL value, INTEGER is_nan) without QVariants.
            bool ok = s.type(Key) == SQLITE_TEXT;
            const auto integer = [&s, &ok](int column) -> qint64 {
                const int type = s.type(column);
                if (type == SQLITE_INTEGER)
                    return s.int64(column);
                bool parsed = true;
                const auto v = toInt64(s.value(column), &parsed);
                ok = ok && parsed;
                return v.value_or(0);
            };
            const qint64 step = integer(Step);
            const qint64 timestamp = integer(Timestamp);
            const int isNanType = s.type(IsNan);
            const bool isNan = isNanType == SQLITE_INTEGER ? s.int64(IsNan) != 0
                               : isNanType == SQLITE_NULL  ? false
                                                           : truthy(s.value(IsNan));
            std::optional<double> value;
            if (!isNan && s.type(Val) == SQLITE_FLOAT)
                value = fromStored(s.real(Val));
            else
                value = metricValue(s.value(Val), isNan);
            const auto *keyData = reinterpret_cast<const char *>(sqlite3_column_text(s.get(), Key));
            const int keyBytes = sqlite3_column_bytes(s.get(), Key);
            if (!ok || !value || !keyData || keyBytes == 0) {
                ++unreadable;
                const QString key = s.text(Key);
                if (unreadableKeys.size() < 5 && !unreadableKeys.contains(key))
                    unreadableKeys << key;
                continue;
            }
            if (run.metrics.empty() || keyBytes != lastKey.size() ||
                std::memcmp(keyData, lastKey.constData(), keyBytes) != 0) {
                lastKey = QByteArray(keyData, keyBytes);
                auto it = index.find(lastKey);
                if (it == index.end()) {
                    it = index.insert(lastKey, run.metrics.size());
                    run.metrics.push_back({QString::fromUtf8(lastKey), {}});
                }
                last = *it;
            }
            run.metrics[last].points.push_back({step, timestamp, *value});
        }
        if (unreadable > 0) {
            warn(QStringLiteral(
                     "run %1: %2 metric value(s) that are not numbers (or have no key, step or timestamp) "
                     "were skipped, in %3")
                     .arg(label)
                     .arg(unreadable)
                     .arg(unreadableKeys.join(QStringLiteral(", "))));
        }
        return true;
    }

    void readInputs(sqlite3_value *uuid, SourceRun &run)
    {
        const QString what = QStringLiteral("dataset inputs");
        m_inputs.reset();
        m_inputs.bind(1, uuid);
        std::vector<std::pair<Value, SourceDatasetInput>> inputs;
        while (next(m_inputs, what)) {
            SourceDatasetInput in;
            in.name = variantText(m_inputs.value(1));
            in.digest = variantText(m_inputs.value(2));
            in.sourceType = variantText(m_inputs.value(3));
            in.source = variantText(m_inputs.value(4));
            in.schema = variantText(m_inputs.value(5));
            in.profile = variantText(m_inputs.value(6));
            inputs.emplace_back(m_inputs.keep(0), std::move(in));
        }
        for (auto &[inputUuid, in] : inputs) {
            if (m_inputContext && inputUuid) {
                const QString contextWhat = QStringLiteral("input tags");
                m_inputContext.reset();
                m_inputContext.bind(1, inputUuid.get());
                if (next(m_inputContext, contextWhat))
                    in.context = variantText(m_inputContext.value(0));
            }
            run.inputs.push_back(std::move(in));
        }
    }

    void readArtifacts(const QString &uri, SourceRun &run, const QString &label)
    {
        if (!table("runs").has("artifact_uri"))
            return;
        if (uri.trimmed().isEmpty()) {
            warn(QStringLiteral("run %1 has no artifact location: no artifacts imported").arg(label));
            return;
        }
        if (run.id.isEmpty()) {
            warn(QStringLiteral("run %1: artifacts are only looked for below folders named by a valid run id")
                     .arg(label),
                 uri);
            return;
        }
        QStringList tried;
        QStringList outside;
        const QString root = m_artifacts.locate(uri, run.id, &tried, &outside);
        if (root.isEmpty() && !outside.isEmpty()) {
            warn(QStringLiteral("run %1: artifacts skipped: %2; only the run's folder below the database's "
                                "folder is read")
                     .arg(label, outside.join(QStringLiteral("; "))),
                 uri);
            m_sink.skipped(QStringLiteral("artifact locations outside the run"), 1);
            return;
        }
        if (root.isEmpty()) {
            warn(
                QStringLiteral("run %1: artifact folder not found for %2 (looked %3): artifacts not imported")
                    .arg(label, uri,
                         tried.isEmpty() ? QStringLiteral("nowhere: the location does not name the run")
                                         : QStringLiteral("at ") + tried.join(QStringLiteral(", "))),
                uri);
            return;
        }
        QStringList refused;
        ArtifactFinder::list(root, run.artifacts, refused);
        if (!refused.isEmpty()) {
            warn(QStringLiteral(
                     "run %1: %2 entr%3 below %4 not imported (links leading outside the folder, links to "
                     "folders, unusable names): %5")
                     .arg(label)
                     .arg(refused.size())
                     .arg(refused.size() == 1 ? QStringLiteral("y") : QStringLiteral("ies"))
                     .arg(root, refused.mid(0, 10).join(QStringLiteral(", "))),
                 root);
        }
    }

    bool readModels()
    {
        const Table &rm = table("registered_models");
        const Table &mv = table("model_versions");
        if (!rm.has("name"))
            return true;
        const Table &rmt = table("registered_model_tags");
        const Table &rma = table("registered_model_aliases");
        const Table &mvt = table("model_version_tags");

        // Model names are unique per workspace (MLflow 3.x): match children on the workspace too.
        const auto whereName = [](const Table &t) {
            QString w = QStringLiteral("%1 = ?").arg(t.col("name"));
            if (t.has("workspace"))
                w += QStringLiteral(" AND %1 = ?").arg(t.col("workspace"));
            return w;
        };
        struct Row
        {
            Value name;
            Value workspace;
            QVariant description, created, updated;
        };
        const auto bind = [](Statement &s, const Table &t, const Row &row) {
            s.reset();
            s.bind(1, row.name.get());
            if (t.has("workspace"))
                s.bind(2, row.workspace.get());
        };

        const QString what = QStringLiteral("registered models");
        std::vector<Row> rows;
        {
            Statement s = prepare(QStringLiteral("SELECT %1, %2, %3, %4, %5 FROM %6 ORDER BY %1")
                                      .arg(rm.col("name"), rm.col("description"), rm.col("creation_time"),
                                           rm.col("last_updated_time"), rm.col("workspace"), rm.from()),
                                  what);
            while (next(s, what))
                rows.push_back({s.keep(0), s.keep(4), s.value(1), s.value(2), s.value(3)});
        }

        Statement tags, aliases, versions, versionTags;
        if (rmt.has("name") && rmt.has("key"))
            tags = prepare(QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4")
                               .arg(rmt.col("key"), rmt.col("value"), rmt.from(), whereName(rmt)),
                           QStringLiteral("registered model tags"));
        if (rma.has("name") && rma.has("alias") && rma.has("version"))
            aliases = prepare(QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4")
                                  .arg(rma.col("alias"), rma.col("version"), rma.from(), whereName(rma)),
                              QStringLiteral("registered model aliases"));
        if (mv.has("name") && mv.has("version"))
            versions =
                prepare(QStringLiteral("SELECT %1, %2, %3, %4, %5, %6, %7, %8 FROM %9 WHERE %10 ORDER BY %1")
                            .arg(mv.col("version"), mv.col("run_id"), mv.col("source"), mv.col("description"),
                                 mv.col("current_stage"), mv.col("user_id"), mv.col("creation_time"),
                                 mv.col("last_updated_time"), mv.from())
                            .arg(whereName(mv)),
                        QStringLiteral("model versions"));
        if (mvt.has("name") && mvt.has("version") && mvt.has("key"))
            versionTags = prepare(
                QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4 AND %5 = ?")
                    .arg(mvt.col("key"), mvt.col("value"), mvt.from(), whereName(mvt), mvt.col("version")),
                QStringLiteral("model version tags"));

        for (const Row &row : rows) {
            if (m_sink.isCancelled())
                return false;
            SourceModel model;
            model.name =
                qualified(variantText(valueVariant(row.name.get())), valueVariant(row.workspace.get()));
            if (model.name.isEmpty())
                continue;
            model.description = variantText(row.description);
            model.createdMs = optionalTime(row.created);
            model.updatedMs = optionalTime(row.updated);
            if (tags) {
                bind(tags, rmt, row);
                while (next(tags, QStringLiteral("registered model tags")))
                    model.tags.insert(variantText(tags.value(0)), variantText(tags.value(1)));
            }
            if (aliases) {
                bind(aliases, rma, row);
                while (next(aliases, QStringLiteral("registered model aliases"))) {
                    bool ok = false;
                    const auto v = toInt64(aliases.value(1), &ok);
                    if (ok && v && *v > 0 && *v <= std::numeric_limits<int>::max())
                        model.aliases.insert(variantText(aliases.value(0)), int(*v));
                }
            }
            if (versions) {
                bind(versions, mv, row);
                while (next(versions, QStringLiteral("model versions"))) {
                    bool ok = false;
                    const auto number = toInt64(versions.value(0), &ok);
                    const QString stage = variantText(versions.value(4));
                    // MLflow marks a deleted version by this stage and keeps the row to reserve its number.
                    if (stage.compare(QLatin1String("Deleted_Internal"), Qt::CaseInsensitive) == 0) {
                        ++m_deletedVersions;
                        continue;
                    }
                    if (!ok || !number || *number <= 0 || *number > std::numeric_limits<int>::max()) {
                        warn(QStringLiteral("model %1 has a version numbered \"%2\": skipped")
                                 .arg(model.name, variantText(versions.value(0))));
                        continue;
                    }
                    SourceModelVersion v;
                    v.version = int(*number);
                    v.runId = variantText(versions.value(1));
                    v.source = variantText(versions.value(2));
                    v.description = variantText(versions.value(3));
                    bool known = true;
                    v.stage = normalisedStage(stage, &known);
                    if (!known)
                        warn(QStringLiteral(
                                 "model %1 version %2 has an unknown stage \"%3\": imported as None")
                                 .arg(model.name)
                                 .arg(v.version)
                                 .arg(stage));
                    v.creator = variantText(versions.value(5));
                    v.createdMs = optionalTime(versions.value(6));
                    v.updatedMs = optionalTime(versions.value(7));
                    model.versions.push_back(std::move(v));
                }
            }
            if (versionTags) {
                for (SourceModelVersion &v : model.versions) {
                    bind(versionTags, mvt, row);
                    versionTags.bind(mvt.has("workspace") ? 3 : 2, qint64(v.version));
                    while (next(versionTags, QStringLiteral("model version tags")))
                        v.tags.insert(variantText(versionTags.value(0)), variantText(versionTags.value(1)));
                }
            }
            if (!m_sink.model(model))
                return false;
        }
        return true;
    }

    // What an MLflow database holds that is not experiment tracking data, so that the import can say so.
    void reportSkipped()
    {
        if (m_deletedVersions > 0)
            m_sink.skipped(QStringLiteral("deleted model version"), m_deletedVersions);
        const std::pair<const char *, const char *> others[] = {
            {"trace_info", "trace"}, {"evaluation_datasets", "evaluation dataset"}};
        for (const auto &[name, what] : others) {
            try {
                const qint64 n = count(table(name));
                if (n > 0)
                    m_sink.skipped(QLatin1String(what), n);
            } catch (const Error &e) {
                warn(e.message()); // everything that is imported has been read by now
            }
        }
    }

    QString m_path;
    ImportSink &m_sink;
    ArtifactFinder m_artifacts;
    // Declared before the statements so that it is closed after they are finalized.
    std::unique_ptr<Connection> m_connection;
    QHash<QString, Table> m_tables;            // lower-case name -> table
    QHash<QString, QString> m_experimentNames; // experiment_id -> name
    QSet<QString> m_warnedExperiments;
    bool m_warnedWorkspace = false;
    // Per-run lookups, prepared once; null when the file lacks what they read.
    Statement m_params;
    Statement m_tags;
    Statement m_metrics;
    Statement m_inputs;
    Statement m_inputContext;
    qint64 m_deletedVersions = 0;
    LoggedModelIndex m_loggedModels;
};

} // namespace

bool looksLikeMlflowDatabase(const QString &path)
{
    try {
        Reader::checkFile(path);
        const auto check = [&path](Connection::Snapshot snapshot) {
            const Connection c(path, snapshot);
            QStringList tables;
            return c.tableNames(&tables) && isMlflowSchema(tables);
        };
        // A database created so recently that its schema is still only in its -wal file needs the snapshot.
        return check(Connection::Snapshot::Never) ||
               (hasSidecar(path) && check(Connection::Snapshot::Always));
    } catch (const Error &) {
        return false;
    }
}

void readMlflowDatabase(const QString &path, ImportSink &sink)
{
    Reader(path, sink).read();
}

} // namespace runlens::import
