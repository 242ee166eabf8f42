// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Runlens store: one SQLite file holding experiments, runs, params, tags, metric series, artifacts and
// the model registry. A small front that opens the Database (database.h: the connection, statements,
// transactions and migrations) and hands out its parts, each the only code writing the SQL of its tables:
// runs() (experiments, runs and the search over them), series() (the metric series engine), artifacts()
// (artifact rows) and registry() (the model registry). A Store owns one connection and is used from the
// thread that created it; other threads open their own Store on the same file.

#include "artifacts/artifactrows.h"
#include "registry/registry.h"
#include "series/seriesengine.h"
#include "store/runstore.h"

#include <memory>
#include <QString>

namespace runlens {

class Database;

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
    explicit Store(const QString &path, Mode mode = Mode::ReadWrite);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // $RUNLENS_DB, else QStandardPaths::AppDataLocation/runlens.db.
    static QString defaultPath();

    QString path() const;
    // Opened for reading only: asked for, or the file (or its folder, for the -wal and -shm) is not writable
    // here, e.g. on a read-only mount. Writes then throw Error naming the file as read-only.
    bool isReadOnly() const;
    int schemaVersion() const;
    QString backupPath() const; // the copy kept by the last migration, if any
    // How long one statement waits for another connection's lock before it fails: 5 minutes, or
    // RUNLENS_LOCK_WAIT_LIMIT_MS.
    static qint64 lockWaitLimitMs();

    Database &database() { return *m_db; }
    const Database &database() const { return *m_db; }
    RunStore &runs() { return m_runs; }
    SeriesEngine &series() { return m_series; }
    ArtifactRows &artifacts() { return m_artifacts; }
    Registry &registry() { return m_registry; }

    // Groups several calls, of any parts, into one atomic write. Rolls back unless commit() is called.
    // Nestable: an inner guard is a savepoint, rolled back alone when it is not committed; only the outermost
    // guard commits. (Database::Transaction, for a caller holding a Store.)
    class Transaction
    {
    public:
        explicit Transaction(Store &store);
        ~Transaction();
        void commit();

    private:
        Database &m_db;
        bool m_done = false;
    };

private:
    std::unique_ptr<Database> m_db;
    SeriesEngine m_series;
    RunStore m_runs;
    ArtifactRows m_artifacts;
    Registry m_registry;
};

} // namespace runlens
