# SPDX-License-Identifier: GPL-3.0-or-later
"""Log runs into a Runlens database from Python, with the API an MLflow user knows.

    import runlens
    with runlens.start_run(experiment="mnist", params={"lr": 0.01}):
        for step in range(1000):
            runlens.log_metric("loss", 1.0 / (step + 1))

Points are buffered in memory and written by a background thread at least every second, at end_run and at
interpreter exit. The database is $RUNLENS_DB, else the app's default, unless set_database() names one.
Standard library only; Python 3.9 or newer.
"""

from ._db import RunlensError
from ._run import ActiveRun, RunInfo, SignalExit, active_run, database_path, end_run, flush, set_database
from ._run import start_run
from . import _run

__version__ = "0.1.0"

__all__ = [
    "ActiveRun", "RunInfo", "RunlensError", "SignalExit", "active_run", "database_path", "end_run", "flush",
    "log_artifact", "log_artifacts", "log_metric", "log_metrics", "log_param", "log_params", "set_database",
    "set_tag", "set_tags", "start_run",
]


def log_metric(key, value, step=None, timestamp=None):
    """Logs a metric point to the active run (started when none is). step defaults to this key's previous
    step + 1 (0 for a new key); timestamp, in ms since the epoch, to now. NaN and infinities are kept."""
    stack = _run._stack
    (stack[-1] if stack else _run.current()).log_metric(key, value, step, timestamp)


def log_metrics(metrics, step=None, timestamp=None):
    """Logs several metrics at one step and timestamp."""
    _run.current().log_metrics(metrics, step, timestamp)


def log_param(key, value):
    """Logs a param as str(value). Logging another value for a logged param raises ValueError."""
    return _run.current().log_param(key, value)


def log_params(params):
    _run.current().log_params(params)


def set_tag(key, value):
    _run.current().set_tag(key, value)


def set_tags(tags):
    _run.current().set_tags(tags)


def log_artifact(local_path, artifact_path=None):
    """Stores a file as an artifact of the active run, under artifact_path/<its name>."""
    _run.current().log_artifact(local_path, artifact_path)


def log_artifacts(local_dir, artifact_path=None):
    """Stores every file below a folder as artifacts of the active run, under artifact_path."""
    _run.current().log_artifacts(local_dir, artifact_path)
