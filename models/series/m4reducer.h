// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The M4 rule: a series drawn into `width` pixel columns is fully described, for a line chart, by the first,
// minimum, maximum and last point of each column. The store folds stored chunks and their summary buckets
// with it (Store::readOverview); the charts fold points read at full resolution (time axes, smoothed curves).

#include "series/seriescodec.h"

#include <cmath>
#include <vector>

namespace runlens {

// One pixel column of a series overview: first/min/max/last of the points it covers, with the x where they
// occur (the step on a step axis, the timestamp on a time axis). Columns are numbered 0..width-1 from x0;
// columns with no points are absent.
struct M4Column
{
    int column = 0;
    qint64 firstStep = 0;
    qint64 lastStep = 0;
    qint64 minStep = 0;
    qint64 maxStep = 0;
    double first = 0;
    double last = 0;
    double min = 0; // over non-NaN values; NaN when every value in the column is NaN
    double max = 0;
    qint64 count = 0;
    qint64 nanCount = 0;
};

namespace m4 {
// Column of x in [x0, x1] split evenly over `width` columns (clamped to 0..width-1).
int columnOf(qint64 x, qint64 x0, qint64 x1, int width);
// Lowest x that falls in a column after `column` (may exceed x1).
__int128 columnEnd(int column, qint64 x0, qint64 x1, int width);
// Folds a summary that follows `into` on the x axis (a series::Bucket or another M4Column) into it.
template<typename Summary> void fold(M4Column &into, const Summary &next)
{
    into.lastStep = next.lastStep;
    into.last = next.last;
    into.count += next.count;
    into.nanCount += next.nanCount;
    if (!std::isnan(next.min) && (std::isnan(into.min) || next.min < into.min)) {
        into.min = next.min;
        into.minStep = next.minStep;
    }
    if (!std::isnan(next.max) && (std::isnan(into.max) || next.max > into.max)) {
        into.max = next.max;
        into.maxStep = next.maxStep;
    }
}
} // namespace m4

// Folds points or buckets, in increasing x, into per-column M4. The column is found by comparing with the
// current column's bounds, so the division runs once per column, not once per point.
class M4Accumulator
{
public:
    M4Accumulator(qint64 x0, qint64 x1, int width);
    void add(const series::Bucket &b); // a bucket is attributed whole to the column of its first point
    void add(qint64 x, double value)
    {
        // Inline for the common case, a point in the open column: a chart folds millions of them.
        if (!m_columns.empty() && x >= m_begin && x < m_end)
            addToColumn(m_columns.back(), x, value);
        else
            addToNewColumn(x, value);
    }
    void add(const MetricPoint &p) { add(p.step, p.value); }
    std::vector<M4Column> take() { return std::move(m_columns); }

private:
    M4Column *current(qint64 x);
    static void addToColumn(M4Column &c, qint64 x, double value)
    {
        c.lastStep = x;
        c.last = value;
        ++c.count;
        if (std::isnan(value)) {
            ++c.nanCount;
            return;
        }
        if (std::isnan(c.min) || value < c.min) {
            c.min = value;
            c.minStep = x;
        }
        if (std::isnan(c.max) || value > c.max) {
            c.max = value;
            c.maxStep = x;
        }
    }
    void addToNewColumn(qint64 x, double value); // or to the open one, when x turns out to be in it

    qint64 m_x0, m_x1;
    int m_width;
    int m_column = 0;
    qint64 m_begin = 0, m_end = 0; // x of the open column: [m_begin, m_end)
    std::vector<M4Column> m_columns;
};

} // namespace runlens
