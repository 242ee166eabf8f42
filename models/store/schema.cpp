// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/schema.h"

#include <map>
#include <memory>
#include <mutex>
#include <sqlite3.h>
#include <stdexcept>

namespace runlens::schema {

namespace {

QStringList version1()
{
    return {
        QStringLiteral(R"(CREATE TABLE experiments(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            lifecycle TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER))"),
        QStringLiteral(R"(CREATE TABLE experiment_tags(
            experiment INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (experiment, key)) WITHOUT ROWID)"),
        // rid is the compact internal key every child table uses; id is the public 32-hex run id.
        QStringLiteral(R"(CREATE TABLE runs(
            rid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            experiment INTEGER NOT NULL REFERENCES experiments(id),
            name TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'RUNNING'
                CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
            start_ms INTEGER,
            end_ms INTEGER,
            user TEXT NOT NULL DEFAULT '',
            source_name TEXT NOT NULL DEFAULT '',
            source_type TEXT NOT NULL DEFAULT '',
            git_commit TEXT NOT NULL DEFAULT '',
            parent_id TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            lifecycle TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
            deleted_ms INTEGER,
            starred INTEGER NOT NULL DEFAULT 0,
            updated_ms INTEGER NOT NULL DEFAULT 0))"),
        QStringLiteral("CREATE INDEX runs_by_experiment ON runs(experiment, lifecycle, start_ms)"),
        QStringLiteral("CREATE INDEX runs_by_parent ON runs(parent_id) WHERE parent_id <> ''"),
        QStringLiteral(R"(CREATE TABLE params(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run, key)) WITHOUT ROWID)"),
        QStringLiteral("CREATE INDEX params_by_key ON params(key, value)"),
        QStringLiteral(R"(CREATE TABLE run_tags(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run, key)) WITHOUT ROWID)"),
        QStringLiteral("CREATE INDEX run_tags_by_key ON run_tags(key, value)"),
        // One row per run and metric key: the summary the runs table sorts and filters on. SQLite cannot
        // store NaN, so a NULL last means the last value is NaN; NULL min/max mean every value is NaN.
        QStringLiteral(R"(CREATE TABLE series(
            id INTEGER PRIMARY KEY,
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            key TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            last REAL,
            last_step INTEGER,
            last_ts INTEGER,
            min REAL,
            max REAL,
            step_min INTEGER,
            step_max INTEGER,
            tail_step INTEGER,
            ordered INTEGER NOT NULL DEFAULT 1,
            UNIQUE (run, key)))"),
        QStringLiteral("CREATE INDEX series_by_key_last ON series(key, last)"),
        // Points in blobs of up to 4096, in logging order (seq). The sketch precedes data so that reading it
        // does not page in the points. Format: models/series/SERIES_FORMAT.md.
        QStringLiteral(R"(CREATE TABLE chunks(
            id INTEGER PRIMARY KEY,
            series INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            count INTEGER NOT NULL,
            step_min INTEGER NOT NULL,
            step_max INTEGER NOT NULL,
            ts_min INTEGER NOT NULL,
            ts_max INTEGER NOT NULL,
            sketch BLOB,
            data BLOB NOT NULL,
            UNIQUE (series, seq)))"),
    };
}

QStringList version2()
{
    return {
        QStringLiteral(R"(CREATE TABLE artifacts(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            media_type TEXT NOT NULL DEFAULT '',
            created_ms INTEGER NOT NULL,
            lifecycle TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
            PRIMARY KEY (run, path)) WITHOUT ROWID)"),
        QStringLiteral("CREATE INDEX artifacts_by_hash ON artifacts(sha256)"),
        QStringLiteral(R"(CREATE TABLE registered_models(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL))"),
        QStringLiteral(R"(CREATE TABLE registered_model_tags(
            model INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, key)) WITHOUT ROWID)"),
        QStringLiteral(R"(CREATE TABLE model_versions(
            model INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
            version INTEGER NOT NULL CHECK (version >= 1),
            run_id TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            stage TEXT NOT NULL DEFAULT 'None' CHECK (stage IN ('None', 'Staging', 'Production', 'Archived')),
            creator TEXT NOT NULL DEFAULT '',
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            lifecycle TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
            PRIMARY KEY (model, version)))"),
        QStringLiteral("CREATE INDEX model_versions_by_run ON model_versions(run_id)"),
        QStringLiteral(R"(CREATE TABLE model_version_tags(
            model INTEGER NOT NULL,
            version INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, version, key),
            FOREIGN KEY (model, version) REFERENCES model_versions(model, version) ON DELETE CASCADE)
            WITHOUT ROWID)"),
        QStringLiteral(R"(CREATE TABLE model_aliases(
            model INTEGER NOT NULL,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (model, alias),
            FOREIGN KEY (model, version) REFERENCES model_versions(model, version) ON DELETE CASCADE)
            WITHOUT ROWID)"),
        // Append-only: who changed what in the registry, from which value to which.
        QStringLiteral(R"(CREATE TABLE registry_audit(
            id INTEGER PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            user TEXT NOT NULL,
            model TEXT NOT NULL,
            version INTEGER,
            action TEXT NOT NULL,
            from_value TEXT,
            to_value TEXT))"),
        QStringLiteral("CREATE INDEX registry_audit_by_model ON registry_audit(model, at_ms)"),
    };
}

QStringList version3()
{
    return {
        QStringLiteral(R"(CREATE TABLE run_inputs(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            name TEXT NOT NULL,
            digest TEXT NOT NULL,
            source_type TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            schema TEXT NOT NULL DEFAULT '',
            profile TEXT NOT NULL DEFAULT '',
            context TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (run, name, digest, context)) WITHOUT ROWID)"),
    };
}

QStringList version4()
{
    return {
        // The runs table lists an experiment newest first with run id as tie-breaker (MLflow's order): with
        // both in the index, its first page is read in index order, not by sorting every run.
        QStringLiteral("DROP INDEX runs_by_experiment"),
        QStringLiteral("CREATE INDEX runs_by_experiment ON runs(experiment, lifecycle, start_ms DESC, id)"),
    };
}

QStringList version5()
{
    return {
        // A finer sketch of each chunk (bucket size series::DetailLevel), apart from the chunk's row: inside
        // the row it would push the coarser sketch onto an overflow page that every wide overview then reads.
        // Chunks written before (or by other writers) have none; readers then read their points.
        QStringLiteral(R"(CREATE TABLE chunk_details(
            chunk INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            sketch BLOB NOT NULL))"),
        // Chunks overlapping a window, found from the index alone: through (series, seq) every chunk of the
        // series was visited in the table, and a chunk's row spans most of a page, so a window read a page
        // per chunk of the whole series just to test its step range. In (step_max, step_min, seq) order, a
        // series whose steps never went back lists its chunks in logging order.
        QStringLiteral("CREATE INDEX chunks_by_steps ON chunks(series, step_max, step_min, seq, count)"),
    };
}

} // namespace

const QList<Migration> &migrations()
{
    static const QList<Migration> all = {
        {1, "experiments, runs, params, tags and metric series", version1()},
        {2, "artifacts and the model registry", version2()},
        {3, "dataset inputs of runs", version3()},
        {4, "runs listed newest first from an index", version4()},
        {5, "finer chunk sketches and a step index for zoomed charts", version5()},
    };
    return all;
}

int latestVersion()
{
    return migrations().constLast().toVersion;
}

namespace {

std::vector<Object> buildObjects(int version)
{
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr);
    const std::unique_ptr<sqlite3, int (*)(sqlite3 *)> db(raw, sqlite3_close_v2);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open an in-memory database");
    const auto run = [&](const QString &sql) {
        char *message = nullptr;
        if (sqlite3_exec(db.get(), sql.toUtf8().constData(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message ? message : "unknown error";
            sqlite3_free(message);
            throw std::runtime_error("schema statement failed: " + text);
        }
    };
    for (const Migration &m : migrations()) {
        if (m.toVersion > version)
            break;
        for (const QString &sql : m.statements)
            run(sql);
    }
    std::vector<Object> objects;
    sqlite3_stmt *raws = nullptr;
    sqlite3_prepare_v2(db.get(), "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name", -1,
                       &raws, nullptr);
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> stmt(raws, sqlite3_finalize);
    const auto text = [&](int column) {
        const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(stmt.get(), column));
        return data ? QString::fromUtf8(data, sqlite3_column_bytes(stmt.get(), column)) : QString();
    };
    while (sqlite3_step(stmt.get()) == SQLITE_ROW)
        objects.push_back({text(0), text(1), text(2), text(3)});
    return objects;
}

} // namespace

const std::vector<Object> &objectsAt(int version)
{
    static std::mutex mutex;
    static std::map<int, std::vector<Object>> cache;
    const std::lock_guard lock(mutex);
    auto it = cache.find(version);
    if (it == cache.end())
        it = cache.emplace(version, buildObjects(version)).first;
    return it->second;
}

} // namespace runlens::schema
