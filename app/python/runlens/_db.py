# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding, opening, checking and (for a new file) creating the Runlens database.

The rules are the app's (models/store/database.cpp): a file must carry Runlens's application id and exactly
the schema version this package knows, and its sqlite_schema must hold exactly the objects Runlens creates (a
file from elsewhere may carry triggers or views that would run inside our statements). A newer file is
refused, an older one too (the app upgrades it, with a backup); the client never migrates. Nothing but sqlite3
ever opens the database file or its -wal/-shm: closing any other descriptor of it would drop SQLite's locks.
"""

import os
import sqlite3
import threading
import time
from contextlib import contextmanager

from . import _schema

# Writers wait for the lock as long as the app does (database.cpp's DefaultLockWaitLimitMs): a healthy
# holder keeps it for milliseconds, so this only ends waits on a stopped or hung process.
BUSY_TIMEOUT_S = 300.0
MAX_KEY_LENGTH = 250


# Held around everything that opens an SQLite transaction, and taken by os.fork() (register_at_fork below): a
# process forked while its connection is inside a transaction hands the child SQLite's in-process record of
# that lock, and the child's own connections then wait on a lock nothing in the child will ever release (a
# DataLoader worker forked mid-flush could never log). Forks wait for the write in progress instead.
_fork_guard = threading.RLock()


def _fork_guard_in_child():
    global _fork_guard
    _fork_guard = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=lambda: _fork_guard.acquire(), after_in_parent=lambda: _fork_guard.release(),
                        after_in_child=_fork_guard_in_child)


class RunlensError(Exception):
    """A database Runlens cannot use (not ours, another schema version, a crafted schema, a team URL)."""


def default_path():
    """$RUNLENS_DB, else the app's QStandardPaths::AppDataLocation/runlens.db (XDG data home/runlens)."""
    env = os.environ.get("RUNLENS_DB", "")
    if env:
        return env
    data = os.environ.get("XDG_DATA_HOME", "")
    if not data or not os.path.isabs(data):  # Qt ignores a relative XDG_DATA_HOME
        data = os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "runlens", "runlens.db")


def check_key(what, key):
    """sql::checkKey: not empty, at most 250 UTF-16 units, no control character. Raises ValueError."""
    if not isinstance(key, str):
        raise TypeError("%s key must be a string, not %s" % (what, type(key).__name__))
    if not key:
        raise ValueError("%s key must not be empty" % what)
    if len(key) > MAX_KEY_LENGTH and len(key.encode("utf-16-le")) // 2 > MAX_KEY_LENGTH:
        raise ValueError("%s key '%s…' is longer than %d characters" % (what, key[:40], MAX_KEY_LENGTH))
    for c in key:
        o = ord(c)
        if o < 0x20 or 0x7F <= o < 0xA0:
            raise ValueError("%s key %r contains a control character" % (what, key))


_expected_cache = {}


def expected_objects(version=_schema.LATEST_VERSION):
    """sqlite_schema rows (type, name, tbl_name, sql) after the first `version` migrations, sorted by name:
    made, as schema::objectsAt does, by running them on an empty in-memory database."""
    if version not in _expected_cache:
        mem = sqlite3.connect(":memory:", isolation_level=None)
        try:
            for to_version, statements in _schema.MIGRATIONS:
                if to_version > version:
                    break
                for sql in statements:
                    mem.execute(sql)
            _expected_cache[version] = [
                tuple("" if v is None else v for v in row)
                for row in mem.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")]
        finally:
            mem.close()
    return _expected_cache[version]


def schema_problem(found):
    """Why `found` is not the schema Runlens writes, or None (database.cpp's schemaProblem)."""
    expected = {o[1]: o for o in expected_objects()}
    for o in found:
        if o[0] == "table" and o[1].startswith("sqlite_stat"):
            continue
        same = expected.get(o[1])
        if same is None:
            return "it has a %s '%s' that Runlens does not create" % (o[0], o[1][:80])
        if same[0] != o[0]:
            return "it has a %s '%s' where Runlens has a %s" % (o[0], o[1][:80], same[0])
        if same != o:
            return "its %s '%s' is not the one Runlens creates (%s)" % (o[0], o[1][:80], " ".join(o[3][:200].split()))
    names = {o[1] for o in found}
    for e in expected.values():
        if e[1] not in names:
            return "it lacks the %s '%s'" % (e[0], e[1])
    return None


def lock_wait_limit_s():
    """How long a statement waits for another process's lock: $RUNLENS_LOCK_WAIT_LIMIT_MS as the app reads it,
    else 5 minutes."""
    try:
        ms = int(os.environ.get("RUNLENS_LOCK_WAIT_LIMIT_MS", ""))
    except ValueError:
        ms = 0
    return ms / 1000.0 if ms > 0 else BUSY_TIMEOUT_S


def now_ms():
    return time.time_ns() // 1_000_000


class Database:
    """One sqlite3 connection to a checked Runlens database, shared by a process's runs and their flusher
    threads (every use holds `lock`). Every write is one BEGIN IMMEDIATE transaction (write())."""

    def __init__(self, path):
        if "://" in path:
            scheme = path.split("://", 1)[0].lower()
            if scheme.startswith("postgres"):
                raise RunlensError("%s: team databases (PostgreSQL) are not supported by the Python client yet; "
                                   "log into a local SQLite file" % path)
            raise RunlensError("%s: not a database path (the Python client writes a local SQLite file)" % path)
        self.path = os.path.abspath(path)
        if os.path.exists(self.path):
            if not os.path.isfile(self.path):
                raise RunlensError("%s is not a file" % self.path)
        else:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.lock = threading.RLock()
        with _fork_guard:
            self.conn = sqlite3.connect(self.path, timeout=lock_wait_limit_s(), isolation_level=None,
                                        check_same_thread=False)
            try:
                self._open()
            except BaseException:
                self.conn.close()
                raise

    def close(self):
        with self.lock:
            self.conn.close()

    # -------------------------------------------------------------------------------------------- opening

    def _read_header(self):
        c = self.conn
        # One snapshot: another process may be creating the schema of a new file right now.
        try:
            c.execute("BEGIN")
            try:
                app_id = c.execute("PRAGMA application_id").fetchone()[0]
                version = c.execute("PRAGMA user_version").fetchone()[0]
                objects = [tuple("" if v is None else v for v in row) for row in c.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name LIMIT ?",
                    (len(expected_objects()) + 64,))]
            finally:
                if c.in_transaction:
                    c.execute("ROLLBACK")
        except sqlite3.DatabaseError as e:
            if "file is not a database" in str(e):
                raise RunlensError("%s is not a Runlens database (not an SQLite file, or a damaged one)"
                                   % self.path) from None
            raise RunlensError("%s is not a readable database: %s" % (self.path, e)) from None
        return app_id, version, objects

    def _check(self, app_id, version, objects):
        """True when the file is a current Runlens database; False when it is empty (to be created)."""
        latest = _schema.LATEST_VERSION
        if app_id != _schema.APPLICATION_ID and not (app_id == 0 and not objects):
            raise RunlensError("%s is not a Runlens database (it is an SQLite file of another application, "
                               "with %d schema objects); it was not changed" % (self.path, len(objects)))
        if version > latest:
            raise RunlensError(
                "%s was written by a newer Runlens (schema version %d; this runlens Python package writes "
                "version %d). Update the runlens Python package to log into it; the file was not changed."
                % (self.path, version, latest))
        if not objects and version == 0:
            return False
        if version < latest:
            raise RunlensError(
                "%s has schema version %d, older than the version %d this runlens package writes. Open it "
                "once with the app to upgrade it (it keeps a backup): runlens --db %s experiments. The file "
                "was not changed." % (self.path, version, latest, self.path))
        problem = schema_problem(objects)
        if problem:
            raise RunlensError("%s was not opened: %s, so it may run code of its author's. A Runlens database "
                               "holds only the tables and indexes Runlens made." % (self.path, problem))
        return True

    def _open(self):
        c = self.conn
        # The file is untrusted until checked: no schema-defined functions with side effects.
        c.execute("PRAGMA trusted_schema = OFF")
        c.execute("PRAGMA cell_size_check = ON")
        c.execute("PRAGMA mmap_size = 0")
        ready = self._check(*self._read_header())
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA case_sensitive_like = ON")
        c.execute("PRAGMA temp_store = MEMORY")
        c.execute("PRAGMA cache_size = -16384")
        if not ready:
            # Larger pages suit chunk blobs; settable only before the first table exists (and before WAL).
            c.execute("PRAGMA page_size = 16384")
        self._set_wal()
        c.execute("PRAGMA synchronous = NORMAL")
        if not ready:
            self._create()

    def _set_wal(self):
        # Switching to WAL does not wait on the busy handler; another process may be setting up the same file.
        deadline = time.monotonic() + 15
        while True:
            try:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() == "wal":
                    return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise RunlensError("%s: cannot switch the database to WAL mode" % self.path)
            time.sleep(0.02)

    def _create(self):
        """The whole schema in one write transaction; when another process created it meanwhile, its file is
        checked instead."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            app_id = c.execute("PRAGMA application_id").fetchone()[0]
            version = c.execute("PRAGMA user_version").fetchone()[0]
            objects = [tuple("" if v is None else v for v in row) for row in c.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")]
            if self._check(app_id, version, objects):
                c.execute("COMMIT")
                return
            for to_version, statements in _schema.MIGRATIONS:
                for sql in statements:
                    c.execute(sql)
                # PRAGMAs take no parameters; both numbers are ours.
                c.execute("PRAGMA application_id = %d" % _schema.APPLICATION_ID)
                c.execute("PRAGMA user_version = %d" % to_version)
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    # -------------------------------------------------------------------------------------------- writing

    @contextmanager
    def write(self):
        """One BEGIN IMMEDIATE transaction, committed when the block ends, rolled back when it raises."""
        with _fork_guard, self.lock:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
                c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:
                    try:
                        c.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise

    def touch_run(self, c, rid):
        """Every change to a run moves its updated_ms forward, also two within one millisecond."""
        c.execute("UPDATE runs SET updated_ms = max(?, updated_ms + 1) WHERE rid = ?", (now_ms(), rid))
