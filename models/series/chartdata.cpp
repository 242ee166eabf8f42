// SPDX-License-Identifier: GPL-3.0-or-later
#include "series/chartdata.h"

#include "core/error.h"
#include "series/seriesengine.h"
#include "series/seriesmath.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace runlens {

QString chartXAxisName(ChartXAxis axis)
{
    switch (axis) {
    case ChartXAxis::Step:
        return QStringLiteral("step");
    case ChartXAxis::WallTime:
        return QStringLiteral("time");
    case ChartXAxis::RelativeTime:
        return QStringLiteral("relative");
    }
    return {};
}

std::optional<ChartXAxis> chartXAxisFromName(const QString &name)
{
    for (ChartXAxis a : {ChartXAxis::Step, ChartXAxis::WallTime, ChartXAxis::RelativeTime}) {
        if (name == chartXAxisName(a))
            return a;
    }
    return std::nullopt;
}

namespace {

constexpr qint64 MinX = std::numeric_limits<qint64>::min();
constexpr qint64 MaxX = std::numeric_limits<qint64>::max();

// M4 of the finite values; the non-finite ones become marks, one per column and kind (a series of a million
// NaNs is marked once per pixel, not a million times).
class FiniteM4
{
public:
    FiniteM4(qint64 x0, qint64 x1, int width)
        : m_acc(x0, x1, width)
        , m_x0(x0)
        , m_x1(x1)
        , m_width(width)
    {}
    void add(qint64 x, double v)
    {
        if (x < m_x0 || x > m_x1)
            return;
        ++m_points;
        if (std::isfinite(v)) {
            m_acc.add(x, v);
            return;
        }
        const NonFiniteMark::Kind kind = std::isnan(v) ? NonFiniteMark::NaN
                                         : v > 0       ? NonFiniteMark::PositiveInfinity
                                                       : NonFiniteMark::NegativeInfinity;
        const int column = m4::columnOf(x, m_x0, m_x1, m_width);
        if (m_lastMarkColumn[kind] == column)
            return;
        m_lastMarkColumn[kind] = column;
        m_marks.push_back({x, kind});
    }
    std::vector<M4Column> takeColumns() { return m_acc.take(); }
    std::vector<NonFiniteMark> &marks() { return m_marks; }
    qint64 points() const { return m_points; }

private:
    M4Accumulator m_acc;
    qint64 m_x0, m_x1;
    int m_width;
    qint64 m_points = 0;
    int m_lastMarkColumn[3] = {-1, -1, -1};
    std::vector<NonFiniteMark> m_marks;
};

bool hasNonFinite(const M4Column &c)
{
    return c.nanCount > 0 || !std::isfinite(c.min) || !std::isfinite(c.max) || !std::isfinite(c.first) ||
           !std::isfinite(c.last);
}

// The step axis without smoothing: the store's overview, whose cost follows the width. Columns holding a
// non-finite value are read again point by point (rare), so that what is drawn is the finite values and
// the marks say where the others are.
void readStepOverview(SeriesEngine &series, const QString &runId, const ChartData &data, int width,
                      ChartSeries &s)
{
    const QString &key = data.request.key;
    SeriesOverview ov = series.readOverview(runId, key, data.x0, data.x1, width);
    s.points = ov.pointsInRange;
    s.exact = ov.bucketSize == 1;
    s.raw.reserve(ov.columns.size());
    // One entry per column, in order: a summary bucket attributed to one column may reach into the next,
    // whose points the re-read below then puts there too.
    const auto append = [&s](const M4Column &c) {
        if (!s.raw.empty() && s.raw.back().column == c.column)
            m4::fold(s.raw.back(), c);
        else
            s.raw.push_back(c);
    };
    for (const M4Column &c : ov.columns) {
        if (!hasNonFinite(c)) {
            append(c);
            continue;
        }
        FiniteM4 column(data.x0, data.x1, width);
        for (const MetricPoint &p : series.readWindow(runId, key, c.firstStep, c.lastStep))
            column.add(p.step, p.value);
        for (const M4Column &fc : column.takeColumns())
            append(fc);
        s.marks.insert(s.marks.end(), column.marks().begin(), column.marks().end());
    }
}

// Time axes and smoothing: points are read (time windows do not map onto the step-ordered summaries, and
// the EMA runs from the first point), a chunk at a time: with smoothing from the first point to the
// window's end, on an unsmoothed time axis only the chunks whose times reach into the window. Points come
// by step; on a time axis they are taken by time, which is nearly always the same order; when it is not,
// the series is read whole and sorted.
void readPoints(SeriesEngine &series, const QString &runId, qint64 origin, const ChartData &data, int width,
                ChartSeries &s)
{
    const ChartRequest &r = data.request;
    const bool smoothing = r.smoothing > 0;
    const double weight = std::min(r.smoothing, 0.999);
    const auto xOf = [&](const MetricPoint &p) {
        return r.xAxis == ChartXAxis::Step ? p.step : p.timestamp - origin;
    };
    FiniteM4 raw(data.x0, data.x1, width);
    FiniteM4 smooth(data.x0, data.x1, width);
    seriesmath::Ema ema(weight);
    // TensorBoard leaves a constant series (every value == the first, NaN never is) as it is; then the
    // smoothed curve is the raw one.
    bool constant = true;
    std::optional<double> firstValue;
    qint64 lastX = MinX;
    qint64 averaged = 0; // points the average has seen
    const bool streamed = [&] {
        bool inOrder = true;
        const auto visit = [&](std::span<const MetricPoint> points) {
            for (const MetricPoint &p : points) {
                const qint64 x = xOf(p);
                if (x < lastX)
                    return inOrder = false;
                lastX = x;
                if (smoothing) {
                    if (!firstValue)
                        firstValue = p.value;
                    constant = constant && p.value == *firstValue;
                }
                // Steps of a streamed series never go back: past the window, only the constant-series rule
                // still needs the values.
                if (x > data.x1 && r.xAxis == ChartXAxis::Step) {
                    if (!smoothing || !constant)
                        return false;
                    continue;
                }
                // The average runs from the first point; only the window's points are drawn.
                const double smoothed = smoothing ? ema.next(p.value) : 0;
                averaged += smoothing;
                if (x < data.x0 || x > data.x1)
                    continue;
                raw.add(x, p.value);
                if (smoothing)
                    smooth.add(x, smoothed);
            }
            return true;
        };
        if (r.xAxis != ChartXAxis::Step && !smoothing) {
            // Unsmoothed time axes need only the chunks whose times reach into the window.
            const auto toTime = [&](qint64 x) {
                return qint64(std::clamp<__int128>(__int128(x) + origin, MinX, MaxX));
            };
            series.visitTimeWindow(runId, r.key, toTime(data.x0), toTime(data.x1), visit);
        } else {
            series.visitWindow(runId, r.key, MinX, MaxX, visit);
        }
        return inOrder;
    }();
    if (!streamed) {
        // The x order went back: every point, sorted by x (stable: by step within an x).
        const std::vector<MetricPoint> points = series.readWindow(runId, r.key, MinX, MaxX); // by step
        std::vector<double> smoothed;
        if (smoothing) {
            std::vector<double> values(points.size());
            std::transform(points.begin(), points.end(), values.begin(),
                           [](const MetricPoint &p) { return p.value; });
            smoothed = seriesmath::smoothEma(values, weight); // applies the constant rule itself
        }
        std::vector<size_t> order(points.size());
        std::iota(order.begin(), order.end(), size_t(0));
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return xOf(points[a]) < xOf(points[b]); });
        raw = FiniteM4(data.x0, data.x1, width);
        smooth = FiniteM4(data.x0, data.x1, width);
        constant = false;
        for (size_t i : order) {
            const qint64 x = xOf(points[i]);
            raw.add(x, points[i].value);
            if (smoothing)
                smooth.add(x, smoothed[i]);
        }
    }
    s.points = raw.points();
    s.marks = std::move(raw.marks());
    s.raw = raw.takeColumns();
    if (smoothing)
        s.smoothed = constant ? s.raw : smooth.takeColumns();
    s.state.foldable = streamed;
    if (smoothing) {
        s.state.ema = ema;
        s.state.emaValid = streamed && averaged == s.state.count;
        s.state.firstValue = firstValue;
        s.state.constant = constant;
    }
}

// Keeps the point nearest to a target x: on a tie the earlier x, of several points at one x the one seen
// last (points come by step, in logging order within a step).
struct Nearest
{
    qint64 target;
    std::optional<ChartPoint> best;
    __int128 distance = 0;
    void offer(qint64 x, const MetricPoint &p, double smoothed)
    {
        const __int128 d = x >= target ? __int128(x) - target : __int128(target) - x;
        if (best && (d > distance || (d == distance && x > best->x)))
            return;
        distance = d;
        best = ChartPoint{{}, true, x, p.step, p.value, smoothed};
    }
};

ChartPoint nearestPoint(SeriesEngine &series, const ChartRun &run, const ChartPointRequest &r,
                        const std::function<bool()> &stop)
{
    ChartPoint none{run.id};
    const bool timeAxis = r.xAxis != ChartXAxis::Step;
    qint64 origin = 0;
    if (r.xAxis == ChartXAxis::RelativeTime) {
        if (run.startMs) {
            origin = *run.startMs;
        } else {
            const std::optional<SeriesEngine::SeriesExtent> e = series.seriesExtent(run.id, r.key, true);
            if (!e)
                return none;
            origin = e->times->first;
        }
    }
    const qint64 radius = std::max<qint64>(0, r.radius);
    const qint64 lo = qint64(std::clamp<__int128>(__int128(r.x) - radius, MinX, MaxX));
    const qint64 hi = qint64(std::clamp<__int128>(__int128(r.x) + radius, MinX, MaxX));
    const auto toTime = [&](qint64 x) {
        return qint64(std::clamp<__int128>(__int128(x) + origin, MinX, MaxX));
    };
    const auto xOf = [&](const MetricPoint &p) {
        return timeAxis ? qint64(std::clamp<__int128>(__int128(p.timestamp) - origin, MinX, MaxX)) : p.step;
    };
    Nearest nearest{r.x, std::nullopt, 0};
    if (r.smoothing <= 0) {
        const auto visit = [&](std::span<const MetricPoint> points) {
            for (const MetricPoint &p : points) {
                const qint64 x = xOf(p);
                if (x >= lo && x <= hi)
                    nearest.offer(x, p, p.value);
            }
            return !stop();
        };
        if (timeAxis)
            series.visitTimeWindow(run.id, r.key, toTime(lo), toTime(hi), visit);
        else
            series.visitWindow(run.id, r.key, lo, hi, visit);
    } else {
        // The average runs from the first point by step, as the chart's (loadChartData) does. TensorBoard
        // leaves a constant series as it is, which only the whole series can tell: on the step axis the read
        // stops past the window once a value differs from the first.
        seriesmath::Ema ema(std::min(r.smoothing, 0.999));
        std::optional<double> firstValue;
        bool constant = true;
        series.visitWindow(run.id, r.key, MinX, MaxX, [&](std::span<const MetricPoint> points) {
            for (const MetricPoint &p : points) {
                if (!firstValue)
                    firstValue = p.value;
                constant = constant && p.value == *firstValue;
                if (!timeAxis && p.step > hi) {
                    if (!constant)
                        return false;
                    continue;
                }
                const double smoothed = ema.next(p.value);
                const qint64 x = xOf(p);
                if (x >= lo && x <= hi)
                    nearest.offer(x, p, smoothed);
            }
            return !stop();
        });
        if (nearest.best && constant)
            nearest.best->smoothed = nearest.best->value;
    }
    if (!nearest.best)
        return none;
    nearest.best->runId = run.id;
    return *nearest.best;
}

} // namespace

std::vector<ChartPoint> loadChartPoints(SeriesEngine &series, const ChartPointRequest &request,
                                        const std::function<bool()> &cancelled)
{
    std::vector<ChartPoint> out;
    const auto stop = [&] { return cancelled && cancelled(); };
    for (const ChartRun &run : request.runs) {
        if (stop())
            break;
        try {
            out.push_back(nearestPoint(series, run, request, stop));
        } catch (const Error &error) {
            if (error.kind() != Error::Kind::NotFound)
                throw;
            out.push_back({run.id}); // deleted meanwhile
        }
    }
    return out;
}

ChartData loadChartData(SeriesEngine &series, const ChartRequest &request,
                        const std::function<bool()> &cancelled)
{
    ChartData data;
    data.request = request;
    const int width = std::clamp(request.width, 1, 1 << 16);
    const auto stop = [&] {
        if (cancelled && cancelled()) {
            data.cancelled = true;
            return true;
        }
        return false;
    };

    struct Item
    {
        const ChartRun *run;
        qint64 origin;
        qint64 first, last;
        qint64 lastStep, count;
    };
    std::vector<Item> items;
    for (const ChartRun &run : request.runs) {
        if (stop())
            return data;
        std::optional<SeriesEngine::SeriesExtent> e;
        try {
            e = series.seriesExtent(run.id, request.key, request.xAxis != ChartXAxis::Step);
        } catch (const Error &error) {
            if (error.kind() != Error::Kind::NotFound)
                throw;
            continue; // deleted meanwhile: nothing to draw
        }
        if (!e)
            continue;
        Item item{&run, 0, e->steps.first, e->steps.last, e->steps.last, e->count};
        if (request.xAxis != ChartXAxis::Step) {
            item.origin =
                request.xAxis == ChartXAxis::RelativeTime ? run.startMs.value_or(e->times->first) : 0;
            item.first = e->times->first - item.origin;
            item.last = e->times->last - item.origin;
        }
        items.push_back(item);
    }
    if (items.empty())
        return data;
    data.x0 = request.x0.value_or(std::min_element(items.begin(), items.end(), [](auto &a, auto &b) {
                                      return a.first < b.first;
                                  })->first);
    data.x1 = request.x1.value_or(
        std::max_element(items.begin(), items.end(), [](auto &a, auto &b) { return a.last < b.last; })->last);
    if (data.x1 < data.x0)
        std::swap(data.x0, data.x1);
    data.gridX1 = data.x1;
    data.gridColumns = width;

    for (const Item &item : items) {
        if (stop())
            return data;
        ChartSeries &s = data.series.emplace_back();
        s.runId = item.run->id;
        s.extentFirst = item.first;
        s.extentLast = item.last;
        s.state.count = item.count;
        s.state.lastStep = item.lastStep;
        s.state.lastX = item.last;
        s.state.origin = item.origin;
        s.state.ema = seriesmath::Ema(std::min(request.smoothing, 0.999));
        try {
            if (request.xAxis == ChartXAxis::Step && request.smoothing <= 0)
                readStepOverview(series, s.runId, data, width, s);
            else
                readPoints(series, s.runId, item.origin, data, width, s);
        } catch (const Error &error) {
            if (error.kind() != Error::Kind::NotFound)
                throw;
            data.series.pop_back();
        }
    }
    return data;
}

int grownGridColumns(int columns, int width)
{
    return qint64(columns) * 2 <= qint64(width) * 2 ? columns * 2 : columns;
}

namespace {

// A tail bigger than this is read as a whole chart again: the overview costs less than folding the points.
constexpr qint64 MaxTailPoints = 1 << 20;

// One series' new points, checked to come after everything held on both the step and the x axis (then
// folding them onto the held columns gives what a new read would).
struct TailPoints
{
    ChartTailPart part;
    std::vector<std::pair<qint64, MetricPoint>> points; // x, point
    bool foldable = true;
};

} // namespace

ChartTailRequest ChartTailRequest::of(const ChartData &held)
{
    ChartTailRequest r;
    r.request = held.request;
    r.x0 = held.x0;
    r.x1 = held.x1;
    r.gridX1 = held.gridX1;
    r.gridColumns = held.gridColumns;
    for (const ChartSeries &s : held.series)
        r.held.insert(s.runId, s.state);
    return r;
}

ChartTail loadChartTail(SeriesEngine &series, const ChartTailRequest &request,
                        const std::function<bool()> &cancelled)
{
    ChartTail tail;
    tail.x1 = request.x1;
    tail.gridX1 = request.gridX1;
    tail.gridColumns = request.gridColumns;
    const ChartRequest &r = request.request;
    const bool zoomed = r.x0.has_value() || r.x1.has_value();
    const bool smoothing = r.smoothing > 0;
    const int width = std::clamp(r.width, 1, 1 << 16);
    const auto stop = [&] {
        if (cancelled && cancelled()) {
            tail.cancelled = true;
            return true;
        }
        return false;
    };
    const auto again = [&tail] {
        tail.readAgain = true;
        tail.parts.clear();
        return tail;
    };
    if (request.gridColumns <= 0 || request.x1 < request.x0)
        return again(); // nothing held to fold into

    std::vector<TailPoints> grown;
    qint64 maxX = request.x1;
    for (const ChartRun &run : r.runs) {
        if (stop())
            return tail;
        const auto held = request.held.constFind(run.id);
        std::optional<SeriesEngine::SeriesExtent> extent;
        try {
            extent = series.seriesExtent(run.id, r.key, r.xAxis != ChartXAxis::Step);
        } catch (const Error &error) {
            if (error.kind() != Error::Kind::NotFound)
                throw;
            continue; // deleted meanwhile: the next read of the runs drops it
        }
        if (!extent)
            continue;
        const qint64 heldCount = held == request.held.cend() ? 0 : held->count;
        if (extent->count == heldCount)
            continue;
        if (extent->count < heldCount || (held != request.held.cend() && !held->foldable))
            return again(); // rewritten, or its x order went back
        TailPoints t;
        ChartSeriesState &state = t.part.state;
        if (held != request.held.cend()) {
            state = *held;
        } else {
            state.lastStep = MinX;
            state.lastX = MinX;
            state.ema = seriesmath::Ema(std::min(r.smoothing, 0.999));
            state.emaValid = true; // nothing to have seen yet
            if (r.xAxis == ChartXAxis::RelativeTime)
                state.origin = run.startMs.value_or(extent->times->first);
        }
        t.part.runId = run.id;
        t.part.readFrom = heldCount;
        const auto xOf = [&](const MetricPoint &p) {
            return r.xAxis == ChartXAxis::Step ? p.step : p.timestamp - state.origin;
        };
        qint64 lastStep = state.lastStep, lastX = state.lastX;
        const SeriesEngine::TailRead read =
            series.visitTail(run.id, r.key, heldCount, [&](std::span<const MetricPoint> points) {
                for (const MetricPoint &p : points) {
                    const qint64 x = xOf(p);
                    if (p.step < lastStep || x < lastX || (!zoomed && x < request.x0) ||
                        qint64(t.points.size()) >= MaxTailPoints) {
                        t.foldable = false;
                        return false;
                    }
                    lastStep = p.step;
                    lastX = x;
                    t.points.emplace_back(x, p);
                }
                return !stop();
            });
        if (stop())
            return tail;
        if (!t.foldable || read.count < heldCount)
            return again();
        t.part.pointsRead = qint64(t.points.size());
        t.part.chunksRead = read.chunksRead;
        if (t.points.empty())
            continue;
        state.count = heldCount + qint64(t.points.size());
        state.lastStep = lastStep;
        state.lastX = lastX;
        t.part.extentFirst = t.points.front().first; // what a series new to the chart starts at
        t.part.extentLast = lastX;
        maxX = std::max(maxX, lastX);
        grown.push_back(std::move(t));
    }
    if (grown.empty())
        return tail;

    // An unzoomed chart shows everything: its window reaches the newest point, its grid doubles until it
    // holds it.
    qint64 x1 = request.x1, gridX1 = request.gridX1;
    int columns = request.gridColumns;
    if (!zoomed) {
        while (maxX > gridX1) {
            const __int128 span = __int128(gridX1) - request.x0 + 1;
            if (__int128(request.x0) + 2 * span - 1 > MaxX || tail.doublings > 62)
                return again();
            gridX1 = qint64(__int128(request.x0) + 2 * span - 1);
            columns = grownGridColumns(columns, width);
            ++tail.doublings;
        }
        x1 = maxX;
    }
    tail.x1 = x1;
    tail.gridX1 = gridX1;
    tail.gridColumns = columns;
    // Zoomed: the window's grid, and the points outside it are not drawn.
    const qint64 gx1 = zoomed ? request.x1 : gridX1;
    for (TailPoints &t : grown) {
        ChartSeriesState &state = t.part.state;
        FiniteM4 raw(request.x0, gx1, columns), smooth(request.x0, gx1, columns);
        const bool wasConstant = state.constant;
        for (const auto &[x, p] : t.points) {
            const bool inside = x >= request.x0 && x <= request.x1;
            if (inside || !zoomed)
                raw.add(x, p.value);
            if (!smoothing)
                continue;
            if (!state.firstValue)
                state.firstValue = p.value;
            state.constant = state.constant && p.value == *state.firstValue;
            if (!state.emaValid) {
                if (inside || !zoomed)
                    return again(); // the average stopped at the window's end: it must start over
                continue;
            }
            const double smoothed = state.ema.next(p.value);
            if (!zoomed || inside)
                smooth.add(x, smoothed);
        }
        // Held as the raw curve (constant so far) but no longer constant: the whole smoothed curve changes.
        if (smoothing && wasConstant && !state.constant && request.held.contains(t.part.runId))
            return again();
        t.part.points = raw.points();
        t.part.marks = std::move(raw.marks());
        t.part.raw = raw.takeColumns();
        if (smoothing)
            t.part.smoothed = state.constant ? t.part.raw : smooth.takeColumns();
        tail.parts.push_back(std::move(t.part));
    }
    return tail;
}

namespace {

// Merges neighbouring columns pairwise (column c becomes c / 2): the grid of half as many columns over the
// same span has its boundaries where every second boundary was, so the merged columns are exactly its M4.
void mergePairs(std::vector<M4Column> &columns)
{
    std::vector<M4Column> out;
    out.reserve(columns.size() / 2 + 1);
    for (M4Column c : columns) {
        c.column /= 2;
        if (!out.empty() && out.back().column == c.column)
            m4::fold(out.back(), c);
        else
            out.push_back(c);
    }
    columns = std::move(out);
}

// Appends columns that follow `into` on the x axis; the first may be the last held one's continuation.
void appendColumns(std::vector<M4Column> &into, const std::vector<M4Column> &next)
{
    auto it = next.begin();
    if (it != next.end() && !into.empty() && into.back().column == it->column)
        m4::fold(into.back(), *it++);
    into.insert(into.end(), it, next.end());
}

// One mark per grid column and kind, as FiniteM4 keeps them.
void appendMarks(std::vector<NonFiniteMark> &into, const std::vector<NonFiniteMark> &next, qint64 x0,
                 qint64 x1, int columns)
{
    // Marks come in x order: only the last of each kind can share a column with a new one.
    int lastColumn[3] = {-1, -1, -1};
    for (auto it = into.rbegin(); it != into.rend(); ++it) {
        if (lastColumn[it->kind] < 0)
            lastColumn[it->kind] = m4::columnOf(it->x, x0, x1, columns);
    }
    for (const NonFiniteMark &m : next) {
        const int column = m4::columnOf(m.x, x0, x1, columns);
        if (lastColumn[m.kind] == column)
            continue;
        lastColumn[m.kind] = column;
        into.push_back(m);
    }
}

void dedupeMarks(std::vector<NonFiniteMark> &marks, qint64 x0, qint64 x1, int columns)
{
    std::vector<NonFiniteMark> kept;
    appendMarks(kept, marks, x0, x1, columns);
    marks = std::move(kept);
}

} // namespace

void ChartData::foldTail(const ChartTail &tail)
{
    // The grid grows as the tail's did: each doubling of the span keeps the column numbers, or merges pairs.
    int columns = gridColumns;
    qint64 gx1 = gridX1;
    for (int i = 0; i < tail.doublings; ++i) {
        const int grownColumns = grownGridColumns(columns, std::clamp(request.width, 1, 1 << 16));
        gx1 = qint64(__int128(x0) + 2 * (__int128(gx1) - x0 + 1) - 1);
        if (grownColumns == columns) {
            for (ChartSeries &s : series) {
                mergePairs(s.raw);
                mergePairs(s.smoothed);
                dedupeMarks(s.marks, x0, gx1, columns);
            }
        }
        columns = grownColumns;
    }
    gridColumns = tail.gridColumns;
    gridX1 = tail.gridX1;
    x1 = tail.x1;
    const bool zoomed = request.x0.has_value() || request.x1.has_value();
    const qint64 markX1 = zoomed ? x1 : gridX1;
    for (const ChartTailPart &part : tail.parts) {
        auto it = std::find_if(series.begin(), series.end(),
                               [&](const ChartSeries &s) { return s.runId == part.runId; });
        if (it == series.end()) {
            // A run that had not logged the key: it goes where the request lists it.
            const auto rank = [this](const QString &id) {
                return std::find_if(request.runs.begin(), request.runs.end(),
                                    [&](const ChartRun &r) { return r.id == id; }) -
                       request.runs.begin();
            };
            const auto at = std::find_if(series.begin(), series.end(), [&](const ChartSeries &s) {
                return rank(s.runId) > rank(part.runId);
            });
            it = series.insert(at, ChartSeries{});
            it->runId = part.runId;
            it->extentFirst = part.extentFirst;
        }
        appendColumns(it->raw, part.raw);
        appendColumns(it->smoothed, part.smoothed);
        appendMarks(it->marks, part.marks, x0, markX1, gridColumns);
        it->points += part.points;
        it->extentLast = part.extentLast;
        it->state = part.state;
    }
}

} // namespace runlens
