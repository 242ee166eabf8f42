# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs: creating and resuming them, buffering their points, the flusher thread, and how they end (normal
exit, an uncaught exception, Ctrl-C, SIGTERM).

log_metric only appends to a key's in-memory arrays; a flusher thread per run writes them at least every
second (and sooner once many are held) in one BEGIN IMMEDIATE transaction, as models/series/seriesengine.cpp
does. Params and tags are written at once, so that their errors surface at the call.
"""

import atexit
import fcntl
import os
import signal
import stat
import sys
import threading
import time
import uuid
from array import array
from contextlib import contextmanager

from . import _artifacts, _autotags, _db, _series

FLUSH_INTERVAL_S = 1.0
# Held points past which the flusher is woken at once, and past which a logging call flushes itself (so that
# memory stays bounded however fast the loop logs: about 24 bytes a point).
WAKE_POINTS = 100_000
BLOCK_POINTS = 1_000_000

_WELL_KNOWN = {
    "mlflow.runName": "name",
    "mlflow.user": "user",
    "mlflow.source.name": "source_name",
    "mlflow.source.type": "source_type",
    "mlflow.source.git.commit": "git_commit",
    "mlflow.parentRunId": "parent_id",
    "mlflow.note.content": "description",
}
TERMINAL = ("FINISHED", "FAILED", "KILLED")

_state_lock = threading.RLock()
_stack = []  # active runs, innermost last
_databases = {}
_database_path = None
_hooks_installed = False
_time_ns = time.time_ns


class SignalExit(BaseException):
    """Raised in the main thread by the SIGTERM handler, as KeyboardInterrupt is for SIGINT: `with` blocks
    and finally clauses run, the runs end KILLED, and the process then dies of the signal (exit status 143)."""

    def __init__(self, signum):
        super().__init__("terminated by signal %d" % signum)
        self.signum = signum


_shield_depth = 0  # the main thread's depth in _shielded()
_deferred_signal = None


@contextmanager
def _shielded():
    """A stretch of the main thread that a signal's exception must not cut (a write transaction and the
    bookkeeping of what it wrote): SIGINT and SIGTERM arriving meanwhile raise their exception at its end."""
    global _shield_depth, _deferred_signal
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _shield_depth += 1
    try:
        yield
    finally:
        _shield_depth -= 1
        if _shield_depth == 0 and _deferred_signal is not None:
            signum, _deferred_signal = _deferred_signal, None
            raise KeyboardInterrupt() if signum == signal.SIGINT else SignalExit(signum)


def set_database(path):
    """Where new runs are logged: this path, else $RUNLENS_DB, else the app's default database."""
    global _database_path
    if path is not None and not os.fspath(path):
        raise ValueError("set_database: the path is empty (None means $RUNLENS_DB or the default database)")
    _database_path = None if path is None else os.fspath(path)


def database_path():
    return _database_path or _db.default_path()


def _database(path):
    key = os.path.abspath(path) if "://" not in path else path
    with _state_lock:
        db = _databases.get(key)
        if db is None:
            db = _databases[key] = _db.Database(path)
        return db


class RunInfo:
    """As MLflow's RunInfo: run_id, experiment_id (a string), run_name, status, start_time, end_time (ms)."""

    def __init__(self, run_id, experiment_id, run_name, status, start_time, end_time, user_id):
        self.run_id = run_id
        self.run_uuid = run_id
        self.experiment_id = experiment_id
        self.run_name = run_name
        self.status = status
        self.start_time = start_time
        self.end_time = end_time
        self.user_id = user_id
        self.lifecycle_stage = "active"

    def __repr__(self):
        return "<RunInfo run_id=%r experiment_id=%r run_name=%r status=%r>" % (
            self.run_id, self.experiment_id, self.run_name, self.status)


class ActiveRun:
    """A run being logged; a context manager that ends it (FINISHED, FAILED on an exception, KILLED on
    Ctrl-C or SIGTERM). Its methods are the module's, bound to this run."""

    def __init__(self, db, rid, info, next_steps):
        self._db = db
        self._rid = rid
        self.info = info
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._buffers = {}  # key -> [steps array('q'), timestamps array('q'), values array('d'), next step]
        self._next_steps = next_steps
        self._pending = 0
        self._ended = False  # no more logging
        self._closed = False  # the status is written
        self._flush_error = None
        self._wake = threading.Event()
        self._system = None
        self._run_lock = None
        self._flusher = threading.Thread(target=self._flush_loop, name="runlens-flush-" + info.run_id[:8],
                                         daemon=True)
        self._flusher.start()

    def __repr__(self):
        return "<ActiveRun: run_id=%s, status=%s>" % (self.info.run_id, self.info.status)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self._closed:
            if exc_type is None:
                status = "FINISHED"
            elif issubclass(exc_type, (KeyboardInterrupt, SignalExit)):
                status = "KILLED"
            else:
                status = "FAILED"
            self.end_run(status)
        return False

    # ------------------------------------------------------------------------------------------- metrics

    def _new_key(self, key):
        _db.check_key("metric", key)
        b = [array("q"), array("q"), array("d"), self._next_steps.get(key, 0)]
        self._buffers[key] = b
        return b

    def log_metric(self, key, value, step=None, timestamp=None):
        """Buffers one point. step defaults to this key's previous step + 1 (0 for a new key), timestamp
        (ms since the epoch) to now."""
        with self._lock:
            if self._ended:
                raise RuntimeError("run %s has ended; start or resume a run to log to it" % self.info.run_id)
            b = self._buffers.get(key)
            if b is None:
                b = self._new_key(key)
            if step is None:
                step = b[3]
            b[2].append(value)
            try:
                b[0].append(step)
                try:
                    b[1].append(_time_ns() // 1_000_000 if timestamp is None else timestamp)
                except BaseException:
                    b[0].pop()
                    raise
            except BaseException:
                b[2].pop()
                raise
            if step >= b[3]:
                b[3] = step + 1
            self._pending += 1
            if self._pending < WAKE_POINTS:
                return
        self._wake.set()
        if self._pending >= BLOCK_POINTS:
            self.flush()

    def log_metrics(self, metrics, step=None, timestamp=None):
        if timestamp is None:
            timestamp = _time_ns() // 1_000_000
        for key, value in metrics.items():
            self.log_metric(key, value, step, timestamp)

    def _system_sink(self, values, timestamp_ms):
        """The system-metrics sampler's sink (called from its thread): each value at its key's next step."""
        for key, value in values.items():
            self.log_metric(key, float(value), None, int(timestamp_ms))

    def _take(self):
        with self._lock:
            taken = {}
            for key, b in self._buffers.items():
                if b[2]:
                    s, t, v = b[0], b[1], b[2]
                    n = min(len(s), len(t), len(v))
                    if not len(s) == len(t) == len(v):  # a signal's exception cut an append short
                        del s[n:], t[n:], v[n:]
                    taken[key] = (s, t, v)
                    b[0], b[1], b[2] = array("q"), array("q"), array("d")
            self._pending = 0
            return taken

    def _put_back(self, taken):
        with self._lock:
            for key, (s, t, v) in taken.items():
                b = self._buffers[key]
                s.extend(b[0])
                t.extend(b[1])
                v.extend(b[2])
                b[0], b[1], b[2] = s, t, v
                self._pending += len(v)

    def flush(self):
        """Writes the buffered points now, in one transaction."""
        with self._flush_lock, _shielded():
            taken = self._take()
            if not taken:
                return
            try:
                with self._db.write() as c:
                    for key, (s, t, v) in taken.items():
                        _series.append_points(c, self._rid, key, s, t, v)
                    self._db.touch_run(c, self._rid)
            except BaseException:
                self._put_back(taken)  # nothing was written: the next flush tries again
                raise

    def _flush_loop(self):
        while not self._ended:
            self._wake.wait(FLUSH_INTERVAL_S)
            self._wake.clear()
            if self._ended:
                return
            try:
                self.flush()
                self._flush_error = None
            except Exception as e:  # kept; end_run and flush() report it
                if self._flush_error is None:
                    sys.stderr.write("runlens: cannot write the points of run %s yet: %s\n" % (self.info.run_id, e))
                self._flush_error = e

    # --------------------------------------------------------------------------------------- params, tags

    def _require_active(self):
        if self._ended:
            raise RuntimeError("run %s has ended; start or resume a run to log to it" % self.info.run_id)

    def log_param(self, key, value):
        """Logs a param (str(value), as MLflow). Params are immutable: the same value again is a no-op, another
        value a ValueError naming both."""
        self.log_params({key: value})
        return str(value)

    def log_params(self, params):
        self._require_active()
        items = [(k, str(v)) for k, v in params.items()]
        for k, _ in items:
            _db.check_key("param", k)
        with _shielded(), self._db.write() as c:
            changed = False
            for k, v in items:
                old = c.execute("SELECT value FROM params WHERE run = ? AND key = ?", (self._rid, k)).fetchone()
                if old is not None:
                    if old[0] != v:
                        raise ValueError("param '%s' of run %s is already '%s'; params are immutable (tried '%s')"
                                         % (k, self.info.run_id, old[0], v))
                    continue
                c.execute("INSERT INTO params(run, key, value) VALUES (?, ?, ?)", (self._rid, k, v))
                changed = True
            if changed:
                self._db.touch_run(c, self._rid)

    def set_tag(self, key, value):
        self.set_tags({key: value})

    def set_tags(self, tags):
        self._require_active()
        with _shielded():
            _write_tags(self._db, self._rid, {k: str(v) for k, v in tags.items()})
        if "mlflow.runName" in tags:
            self.info.run_name = str(tags["mlflow.runName"])

    # ------------------------------------------------------------------------------------------ artifacts

    def log_artifact(self, local_path, artifact_path=None):
        """Stores the file under artifact_path/<its name> (MLflow's layout)."""
        self._require_active()
        local_path = os.fspath(local_path)
        if not os.path.lexists(local_path):
            raise FileNotFoundError(2, "artifact file %s does not exist" % local_path, local_path)
        name = os.path.basename(local_path.rstrip(os.sep))
        target = _artifact_target(artifact_path, name)
        with _shielded():
            _artifacts.add_rows(self._db, self.info.run_id, [(local_path, target)])

    def log_artifacts(self, local_dir, artifact_path=None):
        """Stores every file below the folder, under artifact_path/<its path in the folder>. Links are not
        followed."""
        self._require_active()
        local_dir = os.fspath(local_dir)
        if not os.path.isdir(local_dir):
            raise FileNotFoundError(2, "artifact folder %s does not exist" % local_dir, local_dir)
        files = []
        for folder, dirs, names in os.walk(local_dir):
            dirs.sort()
            for name in sorted(names):
                full = os.path.join(folder, name)
                try:
                    if not stat.S_ISREG(os.lstat(full).st_mode):
                        continue  # links, FIFOs, sockets and devices are left out, as `runlens attach` does
                except OSError:
                    continue
                rel = os.path.relpath(full, local_dir).replace(os.sep, "/")
                files.append((full, _artifact_target(artifact_path, rel)))
        if files:
            with _shielded():
                _artifacts.add_rows(self._db, self.info.run_id, files)

    # ------------------------------------------------------------------------------------------------ end

    def end_run(self, status="FINISHED"):
        """Writes what is buffered and closes the run with this status (FINISHED, FAILED or KILLED)."""
        if status not in TERMINAL:
            raise ValueError("status must be FINISHED, FAILED or KILLED (got %r)" % (status,))
        if self._closed:
            return
        error = None
        if self._system is not None:
            try:
                self._system.stop()
            except Exception as e:  # the points sampled so far are still written
                sys.stderr.write("runlens: the system metrics sampler failed to stop: %s\n" % e)
            self._system = None
        with self._lock:
            self._ended = True
        self._wake.set()
        if self._flusher is not threading.current_thread():
            self._flusher.join()
        try:
            self.flush()
        except Exception as e:
            error = e
        now = _db.now_ms()
        with _shielded():
            with self._db.write() as c:
                c.execute("UPDATE runs SET status = ?, end_ms = ?, updated_ms = max(?, updated_ms + 1) "
                          "WHERE rid = ?", (status, now, now, self._rid))
            self._closed = True
            self.info.status = status
            self.info.end_time = now
            if self._run_lock is not None:
                self._run_lock.release()
            with _state_lock:
                if self in _stack:
                    _stack.remove(self)
        if error is not None:
            raise error


class _RunLock:
    """This process logs the run: an flock on <artifacts>/live/<run id>.lock, which the kernel drops however the
    process ends (kill -9 included), so that a resume from another process while this one still logs is
    refused, and a crashed run's resume is not. Best effort where the folder cannot be written."""

    def __init__(self, db, run_id):
        self.fd = None
        folder = os.path.join(_artifacts.store_root(db.path), "live")
        self.path = os.path.join(folder, run_id + ".lock")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            return
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
            except OSError:
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise RuntimeError("run %s is being logged by another process right now; end it there, or start "
                                   "a new run" % run_id) from None
            except OSError:
                os.close(fd)
                return
            # The holder before us may have removed the file between our open and our lock: then the lock is on
            # a file nobody else will find; take the one at the path.
            try:
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    self.fd = fd
                    return
            except OSError:
                pass
            os.close(fd)

    def release(self):
        if self.fd is None:
            return
        try:
            os.unlink(self.path)  # while still locked: a process that opened it meanwhile sees it is gone
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None


def _artifact_target(artifact_path, name):
    joined = name if not artifact_path else os.fspath(artifact_path).rstrip("/\\") + "/" + name
    norm = _artifacts.normalized_path(joined)
    if norm is None:
        raise ValueError("artifact path '%s' must be relative and stay inside the run" % joined)
    return norm


def _write_tags(db, rid, tags):
    for k in tags:
        _db.check_key("tag", k)
    with db.write() as c:
        for k, v in tags.items():
            c.execute("INSERT INTO run_tags(run, key, value) VALUES (?, ?, ?) "
                      "ON CONFLICT(run, key) DO UPDATE SET value = excluded.value", (rid, k, v))
            column = _WELL_KNOWN.get(k)
            if column:
                c.execute("UPDATE runs SET %s = ? WHERE rid = ?" % column, (v, rid))
        db.touch_run(c, rid)


def _experiment(c, name):
    row = c.execute("SELECT id, lifecycle FROM experiments WHERE name = ?", (name,)).fetchone()
    if row is None:
        now = _db.now_ms()
        return c.execute("INSERT INTO experiments(name, description, created_ms, updated_ms) VALUES (?, '', ?, ?)",
                         (name, now, now)).lastrowid
    if row[1] == "deleted":
        raise ValueError("experiment '%s' is deleted; restore it in Runlens (or choose another name) before "
                         "adding runs" % name)
    return row[0]


def _is_run_id(s):
    return isinstance(s, str) and len(s) == 32 and all(c in "0123456789abcdef" for c in s)


def active_run():
    """The innermost active run, or None."""
    with _state_lock:
        return _stack[-1] if _stack else None


def current():
    """The active run; one is started (as MLflow does) when none is."""
    with _state_lock:  # several threads logging at once share the one run the first of them starts
        return _stack[-1] if _stack else start_run()


def start_run(experiment=None, name=None, params=None, tags=None, run_id=None, nested=False,
              system_metrics=True):
    """Starts a run (or resumes run_id) and makes it the active one."""
    with _state_lock, _shielded():
        if _stack and not nested:
            raise RuntimeError("Run with UUID %s is already active. To start a new run, first end the current "
                               "run with runlens.end_run(). To start a nested run, call start_run with "
                               "nested=True" % _stack[-1].info.run_id)
        parent = _stack[-1].info.run_id if _stack and nested else None
        db = _database(database_path())
        user_tags = {k: str(v) for k, v in (tags or {}).items()}
        for k in user_tags:
            _db.check_key("tag", k)
        param_items = {k: str(v) for k, v in (params or {}).items()}
        for k in param_items:
            _db.check_key("param", k)
        if run_id is not None:
            run = _resume(db, run_id, experiment, name)
        else:
            auto = _autotags.automatic_tags()
            run = _create(db, experiment, name, parent)
            if parent:
                auto["mlflow.parentRunId"] = parent
            if name:
                auto["mlflow.runName"] = str(name)
            auto.update(user_tags)
            user_tags = auto
        try:
            if user_tags:
                run.set_tags(user_tags)
            if param_items:
                run.log_params(param_items)
        except BaseException:
            run.end_run("FAILED")
            raise
        _stack.append(run)
        _install_hooks()
    if system_metrics:
        _start_system_metrics(run)
    return run


def _start_system_metrics(run):
    try:
        from . import system
    except ImportError as e:
        sys.stderr.write("runlens: system metrics are not available (%s)\n" % e)
        return
    sampler = system.SystemMetrics(run._system_sink, interval=10.0)
    sampler.start()
    run._system = sampler


def _create(db, experiment, name, parent):
    experiment = (experiment or "Default").strip() or "Default"
    run_id = uuid.uuid4().hex
    now = _db.now_ms()
    with db.write() as c:
        exp_id = _experiment(c, experiment)
        rid = c.execute(
            "INSERT INTO runs(id, experiment, name, status, start_ms, end_ms, user, source_name, source_type, "
            "git_commit, parent_id, description, lifecycle, deleted_ms, updated_ms) "
            "VALUES (?, ?, ?, 'RUNNING', ?, NULL, '', '', '', '', ?, '', 'active', NULL, ?)",
            (run_id, exp_id, str(name or ""), now, parent or "", now)).lastrowid
    info = RunInfo(run_id, str(exp_id), str(name or ""), "RUNNING", now, None, "")
    run = ActiveRun(db, rid, info, {})
    run._run_lock = _RunLock(db, run_id)
    return run


def _resume(db, run_id, experiment, name):
    if not _is_run_id(run_id):
        raise ValueError("run id '%s' is not 32 lowercase hexadecimal characters" % (run_id,))
    for other in _stack:
        if other.info.run_id == run_id:
            raise RuntimeError("run %s is already active in this process" % run_id)
    run_lock = _RunLock(db, run_id)  # refused while another process still logs it
    try:
        rid, exp_id, run_name, start_ms, user, steps = _reopen(db, run_id, experiment)
    except BaseException:
        run_lock.release()
        raise
    info = RunInfo(run_id, str(exp_id), run_name, "RUNNING", start_ms, None, user)
    run = ActiveRun(db, rid, info, steps)
    run._run_lock = run_lock
    if name is not None and name != run_name:
        run.set_tags({"mlflow.runName": str(name)})
    return run


def _reopen(db, run_id, experiment):
    with db.write() as c:
        row = c.execute("SELECT r.rid, r.experiment, e.name, r.name, r.start_ms, r.user, r.lifecycle FROM runs r "
                        "JOIN experiments e ON e.id = r.experiment WHERE r.id = ?", (run_id,)).fetchone()
        if row is None:
            raise ValueError("no run with id '%s' in %s" % (run_id, db.path))
        rid, exp_id, exp_name, run_name, start_ms, user, lifecycle = row
        if experiment is not None and experiment != exp_name:
            raise ValueError("run %s belongs to experiment '%s', not '%s'" % (run_id, exp_name, experiment))
        if lifecycle == "deleted":
            raise ValueError("run %s is deleted; restore it in Runlens before logging to it" % run_id)
        c.execute("UPDATE runs SET status = 'RUNNING', end_ms = NULL, updated_ms = max(?, updated_ms + 1) "
                  "WHERE rid = ?", (_db.now_ms(), rid))
        steps = _series.next_steps(c, rid)
    return rid, exp_id, run_name, start_ms, user, steps


def end_run(status="FINISHED"):
    """Ends the innermost active run (nothing when none is)."""
    run = active_run()
    if run is not None:
        run.end_run(status)


def flush():
    """Writes the points every active run holds."""
    for run in list(_stack):
        run.flush()


# --------------------------------------------------------------------------------------- process endings


def _end_all(status):
    while True:
        with _state_lock:
            run = _stack[-1] if _stack else None
        if run is None:
            return
        try:
            run.end_run(status)
        except Exception as e:
            sys.stderr.write("runlens: could not end run %s: %s\n" % (run.info.run_id, e))
            with _state_lock:
                if run in _stack:
                    _stack.remove(run)


_previous_excepthook = None


def _excepthook(exc_type, exc, tb):
    killed = issubclass(exc_type, (KeyboardInterrupt, SignalExit))
    _end_all("KILLED" if killed else "FAILED")
    if issubclass(exc_type, SignalExit):
        _die_of(exc.signum)
    (_previous_excepthook or sys.__excepthook__)(exc_type, exc, tb)


def _die_of(signum):
    """Dies of the signal with its default action, so that the exit status says so (143 for SIGTERM)."""
    sys.stderr.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    time.sleep(1)
    os._exit(128 + signum)


def _on_signal(signum, frame):
    """SIGTERM raises SignalExit in the main thread, SIGINT KeyboardInterrupt (as Python's own handler does);
    inside a write transaction, at its end."""
    global _deferred_signal
    if _shield_depth > 0:
        _deferred_signal = signum
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt()
    raise SignalExit(signum)


def _at_exit():
    _end_all("FINISHED")


_inherited = []  # what a forked child got from its parent, kept from the garbage collector


def _after_fork_in_child():
    # A forked child (a data loader's worker) shares nothing with the parent's runs: the flusher threads are not
    # there, and the connections are the parent's. They must never be used nor closed here (closing the last
    # connection checkpoints and may remove the -wal under the parent), so they are kept, untouched, for good.
    # The lock may have been held by another of the parent's threads at the fork: the child takes a new one.
    global _state_lock, _signals_installed
    _state_lock = threading.RLock()
    _inherited.append((list(_stack), dict(_databases)))
    _stack.clear()
    _databases.clear()
    # The parent's SIGTERM/SIGINT handlers end the parent's runs; a worker (a multiprocessing pool's, terminated
    # with SIGTERM at shutdown) dies of the signal as it would without runlens. A run it starts installs them
    # again.
    if _signals_installed:
        _signals_installed = False
        try:
            for signum in (signal.SIGTERM, signal.SIGINT):
                if signal.getsignal(signum) is _on_signal:
                    signal.signal(signum, signal.SIG_DFL if signum == signal.SIGTERM else signal.default_int_handler)
        except (ValueError, OSError):
            pass


_signals_installed = False


def _install_hooks():
    """At the first run: end runs at exit and on an uncaught exception; and, from the main thread (the first
    run started there), SIGTERM and SIGINT handlers, each only where Python's default one is in place."""
    global _hooks_installed, _previous_excepthook, _signals_installed
    if not _hooks_installed:
        _hooks_installed = True
        atexit.register(_at_exit)
        _previous_excepthook = sys.excepthook
        sys.excepthook = _excepthook
    if not _signals_installed and threading.current_thread() is threading.main_thread():
        _signals_installed = True
        try:
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _on_signal)
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                signal.signal(signal.SIGINT, _on_signal)
        except (ValueError, OSError):
            pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
