# SPDX-License-Identifier: GPL-3.0-or-later
"""Artifacts: bytes stored content-addressed by sha256 beside the database (<db>-artifacts/objects/ab/cdef…),
written with the app's ArtifactStaging protocol (models/artifacts/artifactstore.cpp):

- each file is copied into this writer's own staging folder, <store>/staging/<pid>-<random>/, which holds a
  `lock` file the writer keeps flock'ed while it lives (the kernel drops it however the process ends, so the
  app's sweep can tell a dead writer's folder from a live one's);
- the copies move into objects/ only inside the write transaction that adds the rows naming them, after the
  list of what moves is written to the folder's `publishing` record;
- when that transaction fails, what it moved in and no row names is removed again (under the write lock).
"""

import errno
import fcntl
import hashlib
import os
import secrets
import stat
import time

from . import _db

BLOCK = 1 << 20
_STAGING = "staging"
_LOCK = "lock"
_RECORD = "publishing"


def normalized_path(path):
    """ArtifactStore::normalizedPath: '/'-separated, no empty, '.' or '..' segments, not absolute, no drive,
    no control characters; None when the path could escape the run's artifact root."""
    p = path.replace("\\", "/")
    if not p or p.startswith("/") or (len(p) > 1 and p[1] == ":"):
        return None
    for c in p:
        o = ord(c)
        if o < 0x20 or 0x7F <= o < 0xA0:
            return None
    parts = [s for s in p.split("/") if s]
    if not parts or any(s in (".", "..") for s in parts):
        return None
    return "/".join(parts)


# -------------------------------------------------------------------------------------------- media types

_globs = None


def _load_globs():
    """The shared-mime-info glob table Qt's QMimeDatabase reads: [(weight, pattern, type, case_sensitive)]."""
    global _globs
    if _globs is not None:
        return _globs
    aliases = {}
    globs = []
    dirs = [os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")]
    dirs += (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    for d in dirs:
        base = os.path.join(d, "mime")
        try:
            with open(os.path.join(base, "aliases"), encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 2:
                        aliases.setdefault(parts[0], parts[1])
            with open(os.path.join(base, "globs2"), encoding="utf-8") as f:
                for line in f:
                    if line.startswith("#"):
                        continue
                    parts = line.rstrip("\n").split(":")
                    if len(parts) < 3:
                        continue
                    flags = parts[3].split(",") if len(parts) > 3 else []
                    globs.append((int(parts[0]), parts[2], aliases.get(parts[1], parts[1]), "cs" in flags))
        except (OSError, ValueError):
            continue
        if globs:
            break
    _globs = (globs, aliases)
    return _globs


def _matches(pattern, name, case_sensitive):
    import fnmatch
    if not case_sensitive:
        pattern, name = pattern.lower(), name.lower()
    return fnmatch.fnmatchcase(name, pattern)


def media_type(file_name):
    """ArtifactStore::mediaType: the type QMimeDatabase gives the name by its extension (the system's
    shared-mime-info globs: highest weight, then longest pattern), MLmodel and MLproject as YAML,
    application/octet-stream when nothing matches."""
    globs, aliases = _load_globs()
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    if base in ("MLmodel", "MLproject"):
        return aliases.get("application/x-yaml", "application/x-yaml")
    best = None
    for weight, pattern, mime, cs in globs:
        if _matches(pattern, base, cs):
            key = (weight, len(pattern))
            if best is None or key > best[0]:
                best = (key, mime)
    if best is not None:
        return best[1]
    if not globs:
        import mimetypes
        guessed = mimetypes.guess_type(base, strict=False)[0]
        if guessed:
            return guessed
    return "application/octet-stream"


# ---------------------------------------------------------------------------------------------- staging


def store_root(db_path):
    folder, name = os.path.split(os.path.abspath(db_path))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return os.path.join(folder, stem + "-artifacts")


def object_path(root, sha):
    return os.path.join(root, "objects", sha[:2], sha[2:])


def _same_file(st, path):
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino)


class Staging:
    """One log_artifact(s) call's copies on their way into the store."""

    def __init__(self, db):
        self.db = db
        self.root = store_root(db.path)
        self.dir = None
        self._lock_fd = -1
        self.staged = {}  # sha -> staged copy, or "" when bytes already stored and named by a row are used
        self.published = []
        self.replaced = []
        self._next = 0

    def _ensure_folder(self):
        if self.dir:
            return
        parent = os.path.join(self.root, _STAGING)
        os.makedirs(parent, exist_ok=True)
        for _ in range(8):
            d = os.path.join(parent, "%d-%s" % (os.getpid(), secrets.token_hex(8)))
            try:
                os.mkdir(d)
            except FileExistsError:
                continue
            lock = os.path.join(d, _LOCK)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = os.fstat(fd)
                if _same_file(held, lock):  # a sweep may have removed the folder before the lock
                    self.dir, self._lock_fd = d, fd
                    return
            except OSError:
                pass
            os.close(fd)
            _remove_tree(d)
        raise OSError("cannot create a staging folder in %s" % parent)

    def put(self, file):
        """Copies `file` (a regular file; a link in the last component is not followed) into the staging folder,
        hashing it. Returns (sha256, size)."""
        self._refuse_database(file)
        try:
            fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, "artifact file %s does not exist" % file, file) from None
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise OSError(e.errno, "%s is a symbolic link; links are not followed" % file, file) from None
            raise
        with os.fdopen(fd, "rb", buffering=0) as src:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                raise OSError(errno.EINVAL, "%s is not a regular file (a folder, FIFO, socket or device); not "
                              "copied" % file, file)
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
            self._ensure_folder()
            self._next += 1
            part = os.path.join(self.dir, "%d.part" % self._next)
            h = hashlib.sha256()
            size = 0
            try:
                with open(part, "xb") as out:
                    while True:
                        block = src.read(BLOCK)
                        if not block:
                            break
                        h.update(block)
                        out.write(block)
                        size += len(block)
                after = os.fstat(fd)
                if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or after.st_size != size:
                    raise OSError(errno.EAGAIN, "%s changed while it was being copied; nothing was stored" % file)
            except BaseException:
                _unlink(part)
                raise
        sha = h.hexdigest()
        if sha in self.staged:
            _unlink(part)
            return sha, size
        target = object_path(self.root, sha)
        if os.path.exists(target) and self._used(sha):
            _unlink(part)
            self.staged[sha] = ""
            return sha, size
        staged = os.path.join(self.dir, sha)
        os.replace(part, staged)
        self.staged[sha] = staged
        return sha, size

    def _refuse_database(self, file):
        """Opening and closing a descriptor of the live database would drop SQLite's locks on it."""
        try:
            st = os.stat(file)
        except OSError:
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            if _same_file(st, self.db.path + suffix):
                raise ValueError("%s is the Runlens database (or its journal) itself; it cannot be logged as an "
                                 "artifact while it is open" % file)

    def _used(self, sha):
        with _db._fork_guard, self.db.lock:
            return self.db.conn.execute("SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1", (sha,)).fetchone() \
                is not None

    def replaces(self, sha):
        if sha and sha not in self.replaced:
            self._ensure_folder()
            self.replaced.append(sha)

    def publish(self):
        """Inside the write transaction that adds the rows, just before its commit."""
        moving = []
        for sha, staged in self.staged.items():
            if os.path.exists(object_path(self.root, sha)):
                continue
            if not staged:
                raise FileNotFoundError(errno.ENOENT, "the stored bytes of %s went missing meanwhile; try again"
                                        % sha)
            moving.append(sha)
        if moving or self.replaced:
            # Written before the first move: a kill from here on leaves the sweep a list of what to take back.
            with open(os.path.join(self.dir, _RECORD), "a", encoding="ascii") as f:
                f.write("\n".join(moving + self.replaced) + "\n")
                f.flush()
        for sha in moving:
            target = object_path(self.root, sha)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.rename(self.staged[sha], target)
            os.chmod(target, 0o444)
            self.published.append(sha)

    def _collect_unused(self, shas):
        if not shas:
            return
        with self.db.write() as c:
            for sha in shas:
                if c.execute("SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1", (sha,)).fetchone() is None:
                    _unlink(object_path(self.root, sha))

    def committed(self):
        record_done = True
        try:
            self._collect_unused(self.replaced)
        except Exception:
            record_done = False  # the database is busy: the record stays for a sweep
        self.replaced = []
        if self.dir and record_done:
            _unlink(os.path.join(self.dir, _RECORD))
        self.published = []
        for copy in self.staged.values():
            if copy:
                _unlink(copy)
        self.staged = {}

    def discard(self):
        self._collect_unused(self.published)
        self.published = []
        self.replaced = []  # rolled back: the old rows still name them
        self.committed()

    def close(self, ok):
        """Ends the staging: after a commit (ok) or instead of one. The folder goes, with its lock."""
        if not self.dir:
            return
        try:
            if not ok:
                self.discard()
        except Exception:
            # The published objects could not be taken back now: the folder and its record stay for the app's
            # sweep, which runs once this writer's lock is free.
            os.close(self._lock_fd)
            self._lock_fd = -1
            self.dir = None
            return
        _remove_tree(self.dir)
        os.close(self._lock_fd)
        self._lock_fd = -1
        self.dir = None


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _remove_tree(d):
    import shutil
    shutil.rmtree(d, ignore_errors=True)


def _read_record(path):
    try:
        with open(path, "rb") as f:
            text = f.read(64 << 20)
    except OSError:
        return []
    # A record cut short by a kill is partly written before any object moved: whole digests only.
    return [line.decode("ascii") for line in text.split(b"\n")
            if len(line) == 64 and all(c in b"0123456789abcdef" for c in line)]


def sweep(db):
    """ArtifactStaging::sweep: removes the staging folders of writers that are gone (their lock is free) and
    the objects they published without a commit, and ArtifactStore::put's copies abandoned for an hour.
    Folders of live writers are left alone; what cannot be removed now is left for the next sweep."""
    root = store_root(db.path)
    staging = os.path.join(root, _STAGING)
    now = time.time()
    try:
        entries = list(os.scandir(staging))
    except OSError:
        entries = []
    for entry in entries:
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            fd = os.open(os.path.join(entry.path, _LOCK), os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
        except FileNotFoundError:
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime < 60:
                    continue  # being created right now
            except OSError:
                continue
            fd = -1
        except OSError:
            continue
        try:
            if fd >= 0:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # its writer lives
            shas = _read_record(os.path.join(entry.path, _RECORD))
            try:
                if shas:
                    with db.write() as c:
                        for sha in shas:
                            if c.execute("SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1", (sha,)).fetchone() is None:
                                _unlink(object_path(root, sha))
            except Exception:
                continue  # the database is busy: next time
            _remove_tree(entry.path)
        finally:
            if fd >= 0:
                os.close(fd)
    try:
        parts = list(os.scandir(os.path.join(root, "incoming")))
    except OSError:
        parts = []
    for part in parts:
        try:
            if part.name.endswith(".part") and part.is_file(follow_symlinks=False) and \
                    now - part.stat(follow_symlinks=False).st_mtime > 3600:
                _unlink(part.path)
        except OSError:
            pass


def add_rows(db, run_id, files):
    """Stores `files` [(local file, artifact path)] as artifacts of the run, in one transaction."""
    sweep(db)
    staging = Staging(db)
    ok = False
    try:
        rows = []
        for local, path in files:
            sha, size = staging.put(local)
            rows.append((path, size, sha, media_type(path)))
        with db.write() as c:
            rid = c.execute("SELECT rid FROM runs WHERE id = ?", (run_id,)).fetchone()
            if rid is None:
                raise ValueError("no run with id '%s'" % run_id)
            rid = rid[0]
            now = _db.now_ms()
            for path, size, sha, mime in rows:
                old = c.execute("SELECT sha256 FROM artifacts WHERE run = ? AND path = ?", (rid, path)).fetchone()
                if old is not None and old[0] != sha:
                    staging.replaces(old[0])
                c.execute("INSERT INTO artifacts(run, path, size, sha256, media_type, created_ms, lifecycle) "
                          "VALUES (?, ?, ?, ?, ?, ?, 'active') ON CONFLICT(run, path) DO UPDATE SET "
                          "size = excluded.size, sha256 = excluded.sha256, media_type = excluded.media_type, "
                          "created_ms = excluded.created_ms, lifecycle = excluded.lifecycle",
                          (rid, path, size, sha, mime, now))
            db.touch_run(c, rid)
            staging.publish()
        ok = True
        staging.committed()
    finally:
        staging.close(ok)
