// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What a metric chart draws, read from the series engine: per run, the per-pixel-column M4 reduction of one
// metric over the visible x window (the raw values and, with smoothing, TensorBoard's EMA of them), and where
// the non-finite values are. Its cost follows the chart's width, except where every point must be read: time
// axes and smoothing (the EMA runs over the whole series, as in TensorBoard).

#include "core/types.h"
#include "series/m4reducer.h"
#include "series/seriesmath.h"

#include <functional>
#include <optional>
#include <QHash>
#include <QStringList>
#include <vector>

namespace runlens {

class SeriesEngine;

enum class ChartXAxis { Step, WallTime, RelativeTime };
QString chartXAxisName(ChartXAxis axis); // "step", "time", "relative" (the CLI's --x values)
std::optional<ChartXAxis> chartXAxisFromName(const QString &name);

struct ChartRun
{
    QString id;
    std::optional<qint64> startMs; // origin of the relative-time axis (the first point's time when absent)
};

struct ChartRequest
{
    std::vector<ChartRun> runs;
    QString key;
    ChartXAxis xAxis = ChartXAxis::Step;
    // The visible x window (steps, or ms on time axes); absent: everything any run logged.
    std::optional<qint64> x0, x1;
    int width = 600;      // pixel columns of the plot area
    double smoothing = 0; // TensorBoard's EMA weight, 0 (off) to 0.999
};

// A value that cannot be drawn as a number: marked on the chart where it was logged.
struct NonFiniteMark
{
    enum Kind { NaN, PositiveInfinity, NegativeInfinity };
    qint64 x = 0;
    Kind kind = NaN;
};

// Where the read of one series ended, so that the points logged after it can be folded into what a chart
// holds (loadChartTail) instead of reading the series again.
struct ChartSeriesState
{
    qint64 count = 0;    // points the series had when read: a tail is what was logged after them
    qint64 lastStep = 0; // the greatest step and x (axis units) of the series when read
    qint64 lastX = 0;
    qint64 origin = 0;     // relative time: the x axis's origin for this run
    bool foldable = true;  // false: the x order went back somewhere; new points mean a new read
    bool emaValid = false; // smoothing: `ema` has seen every point (a zoomed read may stop at its end)
    seriesmath::Ema ema{0};
    std::optional<double> firstValue; // TensorBoard's constant-series rule, over every point read
    bool constant = true;
};

struct ChartSeries
{
    QString runId;
    // Per pixel column: first/min/max/last of the finite values (columns holding only non-finite values are
    // absent). x values are in axis units.
    std::vector<M4Column> raw;
    std::vector<M4Column> smoothed; // the EMA's reduction, when the request asked for smoothing
    std::vector<NonFiniteMark> marks;
    qint64 points = 0; // points inside the window
    bool exact = true; // false: summary buckets were combined (each inside one column but for its edges)
    qint64 extentFirst = 0, extentLast = 0; // the whole series on this x axis
    ChartSeriesState state;
};

struct ChartTail;

struct ChartData
{
    ChartRequest request;
    qint64 x0 = 0, x1 = -1;          // the window reduced (x1 < x0: no run has the key)
    std::vector<ChartSeries> series; // the runs that logged the key, in request order
    bool cancelled = false;
    // The column grid of the reductions: x0..gridX1 in gridColumns columns (M4Column::column). At first
    // the window and the request's width; a chart that grows live doubles it to the right (column numbers
    // stay) and, past two columns per pixel, merges neighbouring columns pairwise (exactly).
    qint64 gridX1 = -1;
    int gridColumns = 0;

    // What appending `tail` (loadChartTail's answer to a request made of this data) gives: the held
    // columns regridded as the tail's grid says, the tail's columns folded onto their ends, new series in
    // request order. Cost follows the columns held, not the points.
    void foldTail(const ChartTail &tail);
};

// What a live chart asks when its runs logged more: only the points logged after those it holds.
struct ChartTailRequest
{
    ChartRequest request; // as the held data was read
    qint64 x0 = 0, x1 = -1, gridX1 = -1;
    int gridColumns = 0;
    QHash<QString, ChartSeriesState> held; // by run id: the series the chart holds
    static ChartTailRequest of(const ChartData &held);
};

struct ChartTailPart
{
    QString runId;
    std::vector<M4Column> raw, smoothed; // the tail's columns on the tail's grid
    std::vector<NonFiniteMark> marks;
    qint64 points = 0; // tail points inside the window
    qint64 extentFirst = 0, extentLast = 0;
    ChartSeriesState state; // after the tail
    // What was read, for tests and the curious: points from logging index readFrom on, in chunks.
    qint64 readFrom = 0;
    qint64 pointsRead = 0;
    int chunksRead = 0;
};

struct ChartTail
{
    // The new points cannot be folded in (a series went back on the x axis or was rewritten, a new run
    // starts left of the window, too much arrived at once): the chart reads itself again.
    bool readAgain = false;
    bool cancelled = false;
    qint64 x1 = -1;     // the data's window end after the tail (grows with an unzoomed chart)
    qint64 gridX1 = -1; // the grid after `doublings` doublings of its span
    int gridColumns = 0;
    int doublings = 0;
    std::vector<ChartTailPart> parts; // the series that grew, in request order
};

// Reads the points each run logged after the held ones and reduces them onto the held grid (grown to hold
// them). Runs whose series did not change are not read past their summary row.
ChartTail loadChartTail(SeriesEngine &series, const ChartTailRequest &request,
                        const std::function<bool()> &cancelled = {});

// How many grid columns a doubling of the span keeps: twice as many while that stays within two per pixel
// column (width), else as many (neighbours merged pairwise).
int grownGridColumns(int columns, int width);

// What a chart's hover asks: each run's point nearest to one x, read exactly (the reduced columns keep only
// each pixel column's first/min/max/last, not the point under the cursor).
struct ChartPointRequest
{
    std::vector<ChartRun> runs;
    QString key;
    ChartXAxis xAxis = ChartXAxis::Step;
    qint64 x = 0;         // the cursor, in axis units
    qint64 radius = 0;    // a point farther from x than this is not "there"
    double smoothing = 0; // as ChartRequest: > 0 also gives the EMA at the point, as the chart draws it
};

struct ChartPoint
{
    QString runId;
    bool found = false; // false: no point within the radius (beyond the run's range, or in a gap)
    qint64 x = 0;       // where the point is, in axis units
    qint64 step = 0;
    double value = 0;
    double smoothed = 0; // with smoothing: the average at this point (the value itself when non-finite)
};

// The point of each run nearest to request.x within request.radius (on a tie the earlier x; of several
// points at one x, the one logged last). Runs are answered in request order; runs that are gone or lack the
// key answer not found. Cost: the points within the radius, except with smoothing, whose average runs from
// the first point (on the step axis up to the window's end, as the chart reads it).
std::vector<ChartPoint> loadChartPoints(SeriesEngine &series, const ChartPointRequest &request,
                                        const std::function<bool()> &cancelled = {});

// Reads a chart's data. `cancelled` is polled between runs; a cancelled read returns what it has with
// `cancelled` set. Runs that are gone or lack the key are left out.
ChartData loadChartData(SeriesEngine &series, const ChartRequest &request,
                        const std::function<bool()> &cancelled = {});

} // namespace runlens
