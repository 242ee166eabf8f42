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
        Item item{&run, 0, e->steps.first, e->steps.last};
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

    for (const Item &item : items) {
        if (stop())
            return data;
        ChartSeries &s = data.series.emplace_back();
        s.runId = item.run->id;
        s.extentFirst = item.first;
        s.extentLast = item.last;
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

} // namespace runlens
