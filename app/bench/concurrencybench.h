// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens bench`'s concurrency group: several `runlens log` processes stream JSON lines into one scratch
// database at once while another process lists the runs in a loop, as training jobs beside the window do.

#include "bench/benchmark.h"

#include <QList>

namespace runlens {

// `binary` is this executable. Figures: writers, points per second of all of them together, the longest
// time one of them waited for the write lock (each writer measures its own), reads done meanwhile, and
// failures (a process that failed, or a run whose points are not exactly the ones sent); 8 writers x 50,000
// points (x 10,000 quick).
QList<BenchmarkFigure> measureConcurrency(const QString &binary, const QString &dir, bool quick,
                                          const std::function<void(const QString &)> &progress);

} // namespace runlens
