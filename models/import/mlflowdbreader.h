// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads an MLflow tracking database (the SQLite file behind `mlflow ui --backend-store-uri sqlite:///...`)
// into the import representation of importsource.h: experiments, runs with their params, tags, full metric
// histories in logging order, dataset inputs and artifact files, and the model registry.
//
// Every alembic revision from MLflow 1.0 (2019) to today is read, and pre-alembic 0.9 files too: the reader
// asks the file which tables and columns it has (PRAGMA table_info) and queries only those; the revision in
// alembic_version is checked against the revisions MLflow is known to have shipped, and anything unknown or
// inconsistent is a warning, not a failure.
//
// The source file is never written: it is opened as an immutable SQLite URI, read-only, so that SQLite takes
// no locks and creates no -wal, -shm or -journal file next to it. When it has a non-empty -wal or -journal
// beside it (a live or crashed writer), the reader works on a private snapshot copy instead, so that
// committed data in the WAL is seen and the originals stay untouched.
//
// Metric values follow MLflow's SQL store: NaN is stored as value 0 with is_nan = 1 (older files: NULL or the
// text "NaN"), and +-inf as +-1.7976931348623157e308 (the largest double, which MLflow substitutes because
// SQL has no infinity); both come back as NaN and +-inf.

#include "import/importsource.h"

#include <QString>

namespace runlens::import {

// True when `path` is an SQLite file with MLflow's tables (experiments and runs, plus alembic_version or, for
// pre-1.0 files, metrics). Never throws and never writes.
bool looksLikeMlflowDatabase(const QString &path);

// Reads everything into `sink` (experiments first, then runs one at a time, then registered models). Throws
// runlens::Error when the file is missing, not SQLite, not an MLflow database, or unreadable (corrupt); what
// can be skipped (an unreadable metric value, a missing artifact folder, an unknown schema revision) is
// reported through sink.warning() instead. Stops early, without an error, when the sink asks it to.
void readMlflowDatabase(const QString &path, ImportSink &sink);

} // namespace runlens::import
