// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens bench`'s logging group: the Python client (app/python/runlens) as training code uses it. One
// process times log_metric per call, flushes and end_run included; then four writer processes log at once
// into one scratch database, and every point is read back and compared.

#include "bench/benchmark.h"

#include <QList>

namespace runlens {

// Figures: microseconds per log_metric call (target <= 2 us; MLflow 2.17's log_batch into SQLite managed
// 135 us per point on the reference machine), that peer's time over ours and the CPU time per call (all the
// client's threads), then 4 writers x 250,000 points (x 25,000 quick): points per second of all of them
// together (target >= 1,000,000) and failures (a writer that failed, or a run whose points are not exactly
// the ones logged). Python is $RUNLENS_PYTHON, else /usr/bin/python3, else the python3 on PATH; the client is
// the source tree's app/python when it is there, else an installed one. When either is missing, nothing is
// measured and *skipped says why.
QList<BenchmarkFigure> measureLogging(const QString &dir, bool quick,
                                      const std::function<void(const QString &)> &progress, QString *skipped);

} // namespace runlens
