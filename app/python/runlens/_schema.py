# SPDX-License-Identifier: GPL-3.0-or-later
"""The Runlens schema: the statements of models/store/schema.cpp's migrations 1..5, byte for byte.

SQLite keeps each CREATE statement as it was run, and the app refuses a file whose sqlite_schema differs
from what these statements make, so they are copied exactly (whitespace included). A new file replays them
in order; the client never migrates an existing file (the app does, with a backup).
"""

APPLICATION_ID = 0x524C4E53  # "RLNS"

# (version, statements), in order.
MIGRATIONS = (
    (1, (
        """CREATE TABLE experiments(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            lifecycle TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER)""",
        """CREATE TABLE experiment_tags(
            experiment INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (experiment, key)) WITHOUT ROWID""",
        """CREATE TABLE runs(
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
            updated_ms INTEGER NOT NULL DEFAULT 0)""",
        'CREATE INDEX runs_by_experiment ON runs(experiment, lifecycle, start_ms)',
        "CREATE INDEX runs_by_parent ON runs(parent_id) WHERE parent_id <> ''",
        """CREATE TABLE params(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run, key)) WITHOUT ROWID""",
        'CREATE INDEX params_by_key ON params(key, value)',
        """CREATE TABLE run_tags(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run, key)) WITHOUT ROWID""",
        'CREATE INDEX run_tags_by_key ON run_tags(key, value)',
        """CREATE TABLE series(
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
            UNIQUE (run, key))""",
        'CREATE INDEX series_by_key_last ON series(key, last)',
        """CREATE TABLE chunks(
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
            UNIQUE (series, seq))""",
    )),
    (2, (
        """CREATE TABLE artifacts(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            media_type TEXT NOT NULL DEFAULT '',
            created_ms INTEGER NOT NULL,
            lifecycle TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'deleted')),
            PRIMARY KEY (run, path)) WITHOUT ROWID""",
        'CREATE INDEX artifacts_by_hash ON artifacts(sha256)',
        """CREATE TABLE registered_models(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL)""",
        """CREATE TABLE registered_model_tags(
            model INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, key)) WITHOUT ROWID""",
        """CREATE TABLE model_versions(
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
            PRIMARY KEY (model, version))""",
        'CREATE INDEX model_versions_by_run ON model_versions(run_id)',
        """CREATE TABLE model_version_tags(
            model INTEGER NOT NULL,
            version INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, version, key),
            FOREIGN KEY (model, version) REFERENCES model_versions(model, version) ON DELETE CASCADE)
            WITHOUT ROWID""",
        """CREATE TABLE model_aliases(
            model INTEGER NOT NULL,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (model, alias),
            FOREIGN KEY (model, version) REFERENCES model_versions(model, version) ON DELETE CASCADE)
            WITHOUT ROWID""",
        """CREATE TABLE registry_audit(
            id INTEGER PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            user TEXT NOT NULL,
            model TEXT NOT NULL,
            version INTEGER,
            action TEXT NOT NULL,
            from_value TEXT,
            to_value TEXT)""",
        'CREATE INDEX registry_audit_by_model ON registry_audit(model, at_ms)',
    )),
    (3, (
        """CREATE TABLE run_inputs(
            run INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
            name TEXT NOT NULL,
            digest TEXT NOT NULL,
            source_type TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            schema TEXT NOT NULL DEFAULT '',
            profile TEXT NOT NULL DEFAULT '',
            context TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (run, name, digest, context)) WITHOUT ROWID""",
    )),
    (4, (
        'DROP INDEX runs_by_experiment',
        'CREATE INDEX runs_by_experiment ON runs(experiment, lifecycle, start_ms DESC, id)',
    )),
    (5, (
        """CREATE TABLE chunk_details(
            chunk INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            sketch BLOB NOT NULL)""",
        'CREATE INDEX chunks_by_steps ON chunks(series, step_max, step_min, seq, count)',
    )),
)

LATEST_VERSION = MIGRATIONS[-1][0]

