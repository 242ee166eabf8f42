# SPDX-License-Identifier: GPL-3.0-or-later
"""The tags a run records about where it came from, under MLflow's well-known names (and a few of Runlens's):
the user, the script, the git commit, branch and remote (without credentials), whether the tree was dirty,
the command line (secret-looking arguments' values replaced by ***), the Python version and the host. git runs once per run, briefly; its failures are ignored."""

import getpass
import os
import platform
import re
import shlex
import socket
import subprocess
import sys

GIT_TIMEOUT_S = 3.0


def _user():
    # As MLflow's getpass-based mlflow.user and the app's currentUser(): the environment, then the passwords.
    try:
        user = getpass.getuser().strip()
    except Exception:
        user = ""
    return user or "unknown"


def _script():
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None) if main is not None else None
    if path:
        return os.path.abspath(path)
    if sys.argv and sys.argv[0] and sys.argv[0] != "-c":
        return sys.argv[0]
    return sys.executable or "python"


_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@")


def strip_credentials(url):
    """The remote URL without a user:password@ (or token@) part: credentials are never recorded."""
    return _CREDENTIALS.sub(r"\1", url.strip())


# Arguments that name a secret: --password X, --api-key=X, db.token=X (Hydra-style overrides), AWS_SECRET=X.
_SECRET_NAME = re.compile(r"pass(word|wd|phrase)?|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|"
                          r"credential|auth", re.IGNORECASE)


def redacted_command(argv):
    """The command line with the values of secret-looking arguments replaced by ***: a run's tags are shown
    to everyone who opens the database, and a token given on the command line must not land there."""
    out = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append("***")
            hide_next = False
            continue
        name, eq, _ = arg.partition("=")
        if _SECRET_NAME.search(name.lstrip("-")) and (eq or arg.startswith("-")):
            if eq:
                out.append(name + "=***")
            else:
                out.append(arg)
                hide_next = True  # --password VALUE
            continue
        out.append(arg)
    return out


def _git(folder, *args):
    try:
        out = subprocess.run(("git",) + args, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.decode("utf-8", "replace").strip()


def git_tags(folder):
    tags = {}
    commit = _git(folder, "rev-parse", "HEAD")
    if not commit:
        return tags
    tags["mlflow.source.git.commit"] = commit
    branch = _git(folder, "rev-parse", "--abbrev-ref", "HEAD")
    if branch and branch != "HEAD":
        tags["mlflow.source.git.branch"] = branch
    remote = _git(folder, "config", "--get", "remote.origin.url")
    if remote:
        tags["mlflow.source.git.repoURL"] = strip_credentials(remote)
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    if status is not None:
        tags["runlens.git.dirty"] = "true" if status else "false"
    return tags


def automatic_tags():
    script = _script()
    tags = {
        "mlflow.user": _user(),
        "mlflow.source.name": script,
        "mlflow.source.type": "LOCAL",
        "runlens.command": " ".join(shlex.quote(a)
                                    for a in redacted_command([sys.executable or "python"] + sys.argv)),
        "runlens.python": platform.python_version(),
        "runlens.host": socket.gethostname(),
    }
    folder = os.path.dirname(script) if os.path.isfile(script) else os.getcwd()
    tags.update(git_tags(folder or os.getcwd()))
    return tags
