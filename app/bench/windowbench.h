// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The window's performance checks, measured on the real window in its own process: start-up to a painted
// runs table (`--screenshot` prints it) and the longest GUI-thread stall while scrolling the whole table
// (`--scroll-check`). `runlens bench` runs both on a scratch database of 10,000 runs x 30 params x 10
// metrics and on an empty one, and reports them with the targets; and a live refresh of the runs table's
// model with all 10,000 runs loaded.

#include "bench/benchmark.h"

#include <QList>

namespace runlens {

class MainWindow;

// In the window process: once loaded, drags the runs table's scroll bar to the end until every run is
// loaded, measuring the longest gap in a 1 ms heartbeat on the GUI thread; prints
// "scrolled N rows in T ms, longest stall S ms" and quits.
void scheduleScrollCheck(MainWindow *window);

// In the window process: once loaded, opens the Compare page on `runIds` and measures the time until every
// chart is read and painted, then zooms every chart into a tenth of its x range and measures again, with
// the longest gap in a 1 ms heartbeat throughout; prints
// "compare drawn in T ms, zoom in Z ms, longest stall S ms" and quits.
void scheduleCompareCheck(MainWindow *window, const QStringList &runIds);

// The compare figures: a scratch database of 50 runs x 4 metrics x 1,000,000 points (5 x 100,000 quick).
QList<BenchmarkFigure> measureCompare(const QString &binary, const QString &dir, bool quick,
                                      const std::function<void(const QString &)> &progress);
// In the bench process: a RunTableModel with every run of `db` loaded, refreshed `rounds` times, each time
// after another connection logged a point into one run (a live logger): the median time for a refresh to
// land and the longest stall of the model's thread meanwhile (a 1 ms heartbeat). -1 when it could not run.
// Nested: the table is a tree (as the runs page shows it) and every run with children is expanded first
// (expandMs: the median time for one run's children to be listed).
struct TableRefreshFigures
{
    int rows = 0;
    double refreshMs = -1;
    double longestStallMs = -1;
    double expandMs = -1;
};
TableRefreshFigures measureTableRefresh(const QString &db, int rounds, bool nested = false);

// In the bench process: starts `binary` (this executable) offscreen on scratch databases in `dir`.
QList<BenchmarkFigure> measureWindow(const QString &binary, const QString &dir, bool quick,
                                     const std::function<void(const QString &)> &progress);

} // namespace runlens
