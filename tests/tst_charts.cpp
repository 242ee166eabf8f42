// SPDX-License-Identifier: GPL-3.0-or-later
// The chart pipeline below the widgets: TensorBoard's smoothing, the chart data read from a real store, and
// the proof that drawing the per-pixel reduction is drawing every point.

#include "charts/axisticks.h"
#include "charts/chartgrid.h"
#include "charts/chartrenderer.h"
#include "series/chartdata.h"
#include "series/seriesmath.h"
#include "store/store.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <QBuffer>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QSvgGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace runlens;

namespace {

double decode(const QJsonValue &v)
{
    if (v.isString()) {
        const QString s = v.toString();
        if (s == QLatin1String("NaN"))
            return std::nan("");
        return s.startsWith(QLatin1Char('-')) ? -INFINITY : INFINITY;
    }
    return v.toDouble();
}

// Distance in units in the last place (same-signed finite doubles), 0 for equal values and two NaNs.
qint64 ulps(double a, double b)
{
    if ((std::isnan(a) && std::isnan(b)) || a == b)
        return 0;
    if (!std::isfinite(a) || !std::isfinite(b) || (a < 0) != (b < 0))
        return std::numeric_limits<qint64>::max();
    qint64 ia, ib;
    std::memcpy(&ia, &a, 8);
    std::memcpy(&ib, &b, 8);
    return std::abs(ia - ib);
}

// A million steps: a slow wave with noise and isolated one-point spikes, up and down.
std::vector<MetricPoint> spikySeries(qint64 n)
{
    std::vector<MetricPoint> pts(static_cast<size_t>(n));
    quint32 seed = 12345;
    for (qint64 i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        const double noise = double(seed >> 8) / double(1u << 24) - 0.5;
        double v = std::sin(double(i) / 90000.0) + 0.05 * noise;
        if (i % 99991 == 5000)
            v += (i / 99991) % 2 ? -3.0 : 4.0;
        pts[size_t(i)] = {i, 1700000000000 + i * 10, v};
    }
    return pts;
}

int differingPixels(const QImage &a, const QImage &b)
{
    int n = 0;
    for (int y = 0; y < a.height(); ++y) {
        const QRgb *pa = reinterpret_cast<const QRgb *>(a.constScanLine(y));
        const QRgb *pb = reinterpret_cast<const QRgb *>(b.constScanLine(y));
        for (int x = 0; x < a.width(); ++x)
            n += pa[x] != pb[x];
    }
    return n;
}

} // namespace

class TestCharts : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> store() { return std::make_unique<Store>(m_dir.filePath(QStringLiteral("c.db"))); }
    Run newRun(Store &s)
    {
        if (!m_experiment)
            m_experiment = s.runs().createExperiment(QStringLiteral("charts"));
        NewRun n;
        n.experimentId = m_experiment;
        return s.runs().createRun(n);
    }
    ExperimentId m_experiment = 0;

private Q_SLOTS:
    void emaMatchesTensorBoard()
    {
        QFile f(QStringLiteral(RUNLENS_TEST_DATA "/smoothing/tensorboard_ema.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).array();
        QVERIFY(cases.size() > 10);
        int nonFinite = 0, values = 0, identical = 0;
        for (const QJsonValue &c : cases) {
            const QJsonObject o = c.toObject();
            std::vector<double> in;
            for (const QJsonValue &v : o[QLatin1String("input")].toArray())
                in.push_back(decode(v));
            const QJsonArray expected = o[QLatin1String("smoothed")].toArray();
            const double weight = o[QLatin1String("weight")].toDouble();
            const std::vector<double> got = seriesmath::smoothEma(in, weight);
            int accumulated = 0;
            QCOMPARE(qsizetype(got.size()), expected.size());
            for (qsizetype i = 0; i < expected.size(); ++i) {
                const double want = decode(expected[i]);
                nonFinite += !std::isfinite(want);
                ++values;
                accumulated += std::isfinite(in[size_t(i)]) ? 1 : 0;
                identical += ulps(got[size_t(i)], want) == 0;
                // The algorithm is TensorBoard's step for step. Only the JavaScript engine's Math.pow (V8's
                // fdlibm port) may round w^n differently from the C library's pow, by one unit in the last
                // place; dividing by 1 - w^n magnifies that by w^n / (1 - w^n). Anything beyond that bound
                // (and a few roundings) is a real difference.
                const double wn = std::pow(weight, accumulated);
                const double eps = std::numeric_limits<double>::epsilon();
                const double bound = std::abs(want) * eps * (4 + 2 * wn / std::max(1 - wn, eps));
                if (!(ulps(got[size_t(i)], want) == 0 || std::abs(got[size_t(i)] - want) <= bound))
                    QFAIL(qPrintable(
                        QStringLiteral("%1 %2 w=%3 point %4: %5, TensorBoard %6")
                            .arg(o[QLatin1String("run")].toString(), o[QLatin1String("tag")].toString())
                            .arg(o[QLatin1String("weight")].toDouble())
                            .arg(i)
                            .arg(got[size_t(i)], 0, 'g', 17)
                            .arg(want, 0, 'g', 17)));
            }
        }
        QVERIFY(nonFinite > 0); // the NaN/inf tag passed through
        qInfo("%d of %d smoothed values bit-identical to TensorBoard's, the rest within Math.pow's rounding",
              identical, values);
        QVERIFY(identical > values / 2);
    }

    void percentileInterpolates()
    {
        std::vector<double> v{5, 1, 4, 2, 3, std::nan(""), INFINITY};
        QCOMPARE(seriesmath::percentile(v, 50), 3.0);
        v = {1, 2, 3, 4};
        QCOMPARE(seriesmath::percentile(v, 25), 1.75);
        v = {std::nan("")};
        QVERIFY(std::isnan(seriesmath::percentile(v, 5)));
    }

    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void stepOverviewMarksNonFiniteValues()
    {
        auto s = store();
        const Run run = newRun(*s);
        std::vector<MetricPoint> pts;
        for (int i = 0; i < 20000; ++i)
            pts.push_back({i, 1000 + i, double(i % 100)});
        pts[500].value = std::nan("");
        pts[7000].value = INFINITY;
        pts[7001].value = 1e6; // the finite maximum of that column is still drawn
        pts[15000].value = -INFINITY;
        s->series().logMetrics(run.id, QStringLiteral("m"), pts);

        ChartRequest r;
        r.runs = {{run.id, std::nullopt}};
        r.key = QStringLiteral("m");
        r.width = 200;
        const ChartData d = loadChartData(s->series(), r);
        QCOMPARE(d.x0, 0);
        QCOMPARE(d.x1, 19999);
        QCOMPARE(d.series.size(), size_t(1));
        const ChartSeries &cs = d.series[0];
        QCOMPARE(cs.points, 20000);
        QCOMPARE(cs.marks.size(), size_t(3));
        QCOMPARE(cs.marks[0].kind, NonFiniteMark::NaN);
        QCOMPARE(cs.marks[0].x, 500);
        QCOMPARE(cs.marks[1].kind, NonFiniteMark::PositiveInfinity);
        QCOMPARE(cs.marks[1].x, 7000);
        QCOMPARE(cs.marks[2].kind, NonFiniteMark::NegativeInfinity);
        double top = -INFINITY;
        for (const M4Column &c : cs.raw) {
            QVERIFY(std::isfinite(c.min) && std::isfinite(c.max) && std::isfinite(c.first) &&
                    std::isfinite(c.last));
            top = std::max(top, c.max);
        }
        QCOMPARE(top, 1e6);
        QCOMPARE(int(cs.raw.size()), 200);
    }

    // The hover's points: for each run, the logged point nearest to the cursor's x within the radius, read
    // exactly (not from the reduced columns), checked against every point of the run (metricHistory, what
    // `runlens metric` prints) on every x axis, with and without smoothing: one run logs every step with a
    // NaN stretch and infinities, one every 7 steps, one has a gap, one is constant (TensorBoard leaves it
    // as it is), one starts late; timestamps are uneven, and one run's timestamps go back.
    void hoverPointsAreTheNearestLogged_data()
    {
        QTest::addColumn<int>("axis");
        QTest::addColumn<double>("smoothing");
        for (const auto axis : {ChartXAxis::Step, ChartXAxis::WallTime, ChartXAxis::RelativeTime}) {
            for (const double smoothing : {0.0, 0.7}) {
                QTest::addRow("%s, smoothing %g", qPrintable(chartXAxisName(axis)), smoothing)
                    << int(axis) << smoothing;
            }
        }
    }
    void hoverPointsAreTheNearestLogged()
    {
        QFETCH(int, axis);
        QFETCH(double, smoothing);
        const auto xAxis = ChartXAxis(axis);
        auto s = store();
        const QString key = QStringLiteral("hover");
        std::vector<ChartRun> runs;
        // Timestamps: 10 ms a step with a jitter, so that nearest by time is not nearest by step.
        const auto time = [](qint64 step) { return 2'000'000 + step * 10 + (step * 7919) % 13; };
        const auto add = [&](std::vector<MetricPoint> pts, std::optional<qint64> startMs) {
            const Run r = newRun(*s);
            s->series().logMetrics(r.id, key, pts);
            runs.push_back({r.id, startMs});
        };
        std::vector<MetricPoint> every, seventh, gap, flat, late;
        for (qint64 i = 0; i < 40'000; ++i) {
            double v = std::sin(double(i) / 900.0) + double(i % 17) / 100.0;
            if (i >= 20'000 && i < 21'000)
                v = std::nan("");
            if (i == 30'000)
                v = INFINITY;
            if (i == 30'001)
                v = -INFINITY;
            every.push_back({i, time(i), v});
            if (i % 7 == 0)
                seventh.push_back({i, time(i) + 3, std::cos(double(i) / 500.0)});
            if (i < 10'000 || i >= 25'000)
                gap.push_back({i, time(i), double(i % 101) / 7.0});
            flat.push_back({i, time(i), 0.3});
            if (i >= 33'000)
                late.push_back({i, time(i), -double(i)});
        }
        // Timestamps that go back (a clock reset): read whole and sorted on the time axes.
        for (qint64 i = 15'000; i < 15'100; ++i)
            late.push_back({i + 20'000, time(i), double(i)});
        std::sort(late.begin(), late.end(), [](auto &a, auto &b) { return a.step < b.step; });
        add(every, std::nullopt);
        add(seventh, 1'999'000);
        add(gap, std::nullopt);
        add(flat, std::nullopt);
        add(late, 1'990'000);

        // What each run's point should be, from all of its points.
        struct Expected
        {
            bool found = false;
            qint64 x = 0, step = 0;
            double value = 0, smoothed = 0;
        };
        std::vector<std::vector<MetricPoint>> histories;
        std::vector<std::vector<double>> smoothedHistories;
        std::vector<qint64> origins;
        for (const ChartRun &run : runs) {
            std::vector<MetricPoint> h = s->series().metricHistory(run.id, key);
            std::stable_sort(h.begin(), h.end(), [](auto &a, auto &b) { return a.step < b.step; });
            std::vector<double> values;
            for (const MetricPoint &p : h)
                values.push_back(p.value);
            smoothedHistories.push_back(seriesmath::smoothEma(values, smoothing > 0 ? smoothing : 0.5));
            origins.push_back(xAxis == ChartXAxis::RelativeTime
                                  ? run.startMs.value_or(std::min_element(h.begin(), h.end(),
                                                                          [](auto &a, auto &b) {
                                                                              return a.timestamp <
                                                                                     b.timestamp;
                                                                          })
                                                             ->timestamp)
                                  : 0);
            histories.push_back(std::move(h));
        }
        const auto expect = [&](size_t r, qint64 x, qint64 radius) {
            Expected e;
            qint64 best = std::numeric_limits<qint64>::max();
            for (size_t i = 0; i < histories[r].size(); ++i) {
                const MetricPoint &p = histories[r][i];
                const qint64 px = xAxis == ChartXAxis::Step ? p.step : p.timestamp - origins[r];
                const qint64 d = std::abs(px - x);
                if (d > radius || d > best || (d == best && px > e.x))
                    continue;
                best = d;
                e = {true, px, p.step, p.value, smoothedHistories[r][i]};
            }
            return e;
        };

        ChartPointRequest request;
        request.runs = runs;
        request.key = key;
        request.xAxis = xAxis;
        request.smoothing = smoothing;
        const qint64 origin = xAxis == ChartXAxis::WallTime ? 2'000'000 : 0;
        const qint64 scale = xAxis == ChartXAxis::Step ? 1 : 10;
        int found = 0, missing = 0, nonFinite = 0, elsewhere = 0;
        quint32 seed = 99;
        std::vector<qint64> xs = {-5,     0,      9'999,  10'003, 17'500, 20'500, 24'999,
                                  30'000, 30'001, 33'001, 39'999, 40'010, 35'050};
        for (int i = 0; i < 40; ++i) {
            seed = seed * 1664525u + 1013904223u;
            xs.push_back(qint64(seed % 41'000));
        }
        for (const qint64 step : xs) {
            for (const qint64 radius : {qint64(0), qint64(3), qint64(40), qint64(2'000)}) {
                request.x = origin + step * scale;
                request.radius = radius * scale;
                const std::vector<ChartPoint> got = loadChartPoints(s->series(), request);
                QCOMPARE(got.size(), runs.size());
                for (size_t r = 0; r < runs.size(); ++r) {
                    const Expected e = expect(r, request.x, request.radius);
                    const QString where =
                        QStringLiteral("run %1 at x %2 radius %3").arg(r).arg(request.x).arg(request.radius);
                    QCOMPARE(got[r].runId, runs[r].id);
                    QVERIFY2(got[r].found == e.found, qPrintable(where));
                    if (!e.found) {
                        ++missing;
                        continue;
                    }
                    ++found;
                    nonFinite += !std::isfinite(e.value);
                    elsewhere += e.x != request.x;
                    QVERIFY2(got[r].x == e.x && got[r].step == e.step,
                             qPrintable(where +
                                        QStringLiteral(": step %1, want %2").arg(got[r].step).arg(e.step)));
                    QVERIFY2(ulps(got[r].value, e.value) == 0, qPrintable(where));
                    if (smoothing > 0)
                        QVERIFY2(ulps(got[r].smoothed, e.smoothed) == 0,
                                 qPrintable(where + QStringLiteral(": smoothed %1, want %2")
                                                        .arg(got[r].smoothed, 0, 'g', 17)
                                                        .arg(e.smoothed, 0, 'g', 17)));
                }
            }
        }
        QVERIFY2(found > 400 && missing > 50 && nonFinite >= 5 && elsewhere > 100,
                 qPrintable(QStringLiteral("%1 found, %2 missing, %3 non-finite, %4 elsewhere")
                                .arg(found)
                                .arg(missing)
                                .arg(nonFinite)
                                .arg(elsewhere)));

        // A cancelled read stops between runs.
        request.x = origin;
        QVERIFY(loadChartPoints(s->series(), request, [] { return true; }).empty());
    }

    void timeAxesAndSmoothingReadEveryPoint()
    {
        auto s = store();
        const Run a = newRun(*s);
        const Run b = newRun(*s);
        std::vector<MetricPoint> pa, pb;
        for (int i = 0; i < 1000; ++i) {
            pa.push_back({i, 5000 + 2 * i, double(i)});
            pb.push_back({i, 9000 + 3 * i, double(1000 - i)});
        }
        s->series().logMetrics(a.id, QStringLiteral("loss"), pa);
        s->series().logMetrics(b.id, QStringLiteral("loss"), pb);

        ChartRequest r;
        r.runs = {
            {a.id, std::nullopt}, {b.id, 4000}, {QStringLiteral("0123456789abcdef0123456789abcdef"), {}}};
        r.key = QStringLiteral("loss");
        r.width = 100;
        r.xAxis = ChartXAxis::WallTime;
        ChartData d = loadChartData(s->series(), r);
        QCOMPARE(d.series.size(), size_t(2)); // the unknown run is left out
        QCOMPARE(d.x0, 5000);
        QCOMPARE(d.x1, 9000 + 3 * 999);

        r.xAxis = ChartXAxis::RelativeTime;
        d = loadChartData(s->series(), r);
        QCOMPARE(d.x0, 0);                     // a: from its first point
        QCOMPARE(d.x1, 9000 + 3 * 999 - 4000); // b: from its start time
        QCOMPARE(d.series[1].extentFirst, 5000);

        r.xAxis = ChartXAxis::Step;
        r.smoothing = 0.9;
        d = loadChartData(s->series(), r);
        std::vector<double> values;
        for (const MetricPoint &p : pa)
            values.push_back(p.value);
        const std::vector<double> sm = seriesmath::smoothEma(values, 0.9);
        M4Accumulator acc(0, 999, 100);
        for (int i = 0; i < 1000; ++i)
            acc.add(i, sm[size_t(i)]);
        const std::vector<M4Column> want = acc.take();
        const std::vector<M4Column> &got = d.series[0].smoothed;
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].first, want[i].first);
            QCOMPARE(got[i].last, want[i].last);
            QCOMPARE(got[i].min, want[i].min);
            QCOMPARE(got[i].max, want[i].max);
        }
        QCOMPARE(d.series[0].raw.size(), size_t(100));
    }

    // Smoothing and time axes read a long series a chunk at a time, from its first point even when zoomed
    // in (the average starts there). What they draw is what smoothing the whole series and folding the
    // window's points gives, including a time axis whose timestamps go back (read whole and sorted), a
    // constant series (left as it is, as TensorBoard does) and non-finite values (passed through).
    void smoothingAndTimeAxesReadChunkByChunk()
    {
        auto s = store();
        const Run run = newRun(*s);
        std::vector<MetricPoint> pts;
        for (int i = 0; i < 30'000; ++i)
            pts.push_back({i, 100'000 + 10 * i, std::sin(i / 700.0) + (i % 977 == 0 ? 5 : 0)});
        pts[12'345].value = std::nan("");
        pts[20'000].value = INFINITY;
        s->series().logMetrics(run.id, QStringLiteral("wave"), pts);
        std::vector<MetricPoint> clock = pts; // the wall clock was set back once, near the end
        for (size_t i = 25'000; i < clock.size(); ++i)
            clock[i].timestamp -= 100'000;
        s->series().logMetrics(run.id, QStringLiteral("clock"), clock);
        std::vector<MetricPoint> flat = pts;
        for (MetricPoint &p : flat)
            p.value = 0.25;
        s->series().logMetrics(run.id, QStringLiteral("flat"), flat);

        const auto expect = [](const std::vector<MetricPoint> &points, bool byTime, double weight, qint64 x0,
                               qint64 x1, int width) {
            std::vector<double> values;
            for (const MetricPoint &p : points)
                values.push_back(p.value);
            const std::vector<double> sm = seriesmath::smoothEma(values, weight);
            std::vector<size_t> order(points.size());
            std::iota(order.begin(), order.end(), size_t(0));
            const auto xOf = [&](size_t i) { return byTime ? points[i].timestamp : points[i].step; };
            std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return xOf(a) < xOf(b); });
            M4Accumulator raw(x0, x1, width), smooth(x0, x1, width);
            for (size_t i : order) {
                if (xOf(i) < x0 || xOf(i) > x1)
                    continue;
                if (std::isfinite(values[i]))
                    raw.add(xOf(i), values[i]);
                if (std::isfinite(sm[i]))
                    smooth.add(xOf(i), sm[i]);
            }
            return std::pair{raw.take(), smooth.take()};
        };
        const auto same = [](const std::vector<M4Column> &got, const std::vector<M4Column> &want) {
            QCOMPARE(got.size(), want.size());
            for (size_t i = 0; i < got.size(); ++i) {
                QCOMPARE(got[i].column, want[i].column);
                QCOMPARE(got[i].firstStep, want[i].firstStep);
                QCOMPARE(got[i].first, want[i].first);
                QCOMPARE(got[i].last, want[i].last);
                QCOMPARE(got[i].min, want[i].min);
                QCOMPARE(got[i].max, want[i].max);
                QCOMPARE(got[i].count, want[i].count);
            }
        };

        ChartRequest r;
        r.runs = {{run.id, std::nullopt}};
        r.width = 300;
        r.smoothing = 0.95;
        r.key = QStringLiteral("wave");
        r.x0 = 17'000; // zoomed in: chunks before the window still feed the average
        r.x1 = 23'456;
        ChartData d = loadChartData(s->series(), r);
        QCOMPARE(d.series.size(), size_t(1));
        auto [raw, smooth] = expect(pts, false, 0.95, 17'000, 23'456, 300);
        same(d.series[0].raw, raw);
        same(d.series[0].smoothed, smooth);
        QCOMPARE(d.series[0].marks.size(), size_t(1)); // the inf at 20,000; the NaN is outside
        QCOMPARE(d.series[0].points, 6'457);

        r.key = QStringLiteral("clock");
        r.xAxis = ChartXAxis::WallTime;
        r.x0.reset();
        r.x1.reset();
        d = loadChartData(s->series(), r);
        QCOMPARE(d.x0, 100'000);
        QCOMPARE(d.x1, 100'000 + 10 * 24'999);
        std::tie(raw, smooth) = expect(clock, true, 0.95, d.x0, d.x1, 300);
        same(d.series[0].raw, raw);
        same(d.series[0].smoothed, smooth);
        QCOMPARE(d.series[0].marks.size(), size_t(2));

        r.key = QStringLiteral("flat");
        r.xAxis = ChartXAxis::Step;
        d = loadChartData(s->series(), r);
        std::tie(raw, smooth) = expect(flat, false, 0.95, d.x0, d.x1, 300);
        same(d.series[0].smoothed, raw);
        same(d.series[0].raw, raw);
        // Zoomed in, the read stops after the window, but only once the series is known not to be constant.
        r.x0 = 1'000;
        r.x1 = 2'000;
        d = loadChartData(s->series(), r);
        std::tie(raw, smooth) = expect(flat, false, 0.95, 1'000, 2'000, 300);
        same(d.series[0].smoothed, raw);
        std::vector<MetricPoint> lateStep = flat;
        lateStep.back().value = 0.5; // constant but for the last point: smoothed after all
        s->series().logMetrics(run.id, QStringLiteral("late"), lateStep);
        r.key = QStringLiteral("late");
        d = loadChartData(s->series(), r);
        std::tie(raw, smooth) = expect(lateStep, false, 0.95, 1'000, 2'000, 300);
        same(d.series[0].smoothed, smooth);
        same(d.series[0].raw, raw);

        // An unsmoothed time axis zoomed in reads the chunks whose times reach the window; with timestamps
        // that go back, it still draws them in time order.
        r.smoothing = 0;
        r.xAxis = ChartXAxis::WallTime;
        for (const QString &key : {QStringLiteral("wave"), QStringLiteral("clock")}) {
            r.key = key;
            r.x0 = 100'000 + 10 * 8'000 + 5;
            r.x1 = 100'000 + 10 * 27'000;
            d = loadChartData(s->series(), r);
            std::tie(raw, smooth) =
                expect(key == QLatin1String("wave") ? pts : clock, true, 0.95, *r.x0, *r.x1, 300);
            same(d.series[0].raw, raw);
            QVERIFY(d.series[0].smoothed.empty());
        }
    }

    // The reduction is lossless for drawing: a million points with isolated spikes, drawn every one with
    // QPainter (aliased one-pixel polyline through the chart's own mapping) and drawn from the store's
    // per-pixel reduction by the chart, give the same picture.
    void reducedChartIsPixelIdenticalToEveryPoint()
    {
        auto s = store();
        const Run run = newRun(*s);
        const std::vector<MetricPoint> pts = spikySeries(1000000);
        s->series().logMetrics(run.id, QStringLiteral("spiky"), pts);

        const QRectF bounds(0, 0, 1200, 500);
        const QPalette palette;
        const QHash<QString, ChartRunStyle> styles{
            {run.id, {QStringLiteral("r"), QColor(200, 30, 30), true}}};
        const std::vector<ChartGroup> noGroups;

        // The chart as it is drawn: reduction at the plot's width, read from the store.
        ChartRequest r;
        r.runs = {{run.id, std::nullopt}};
        r.key = QStringLiteral("spiky");
        const QRectF plot = ChartRenderer::plotRect(bounds);
        r.width = int(plot.width());
        const ChartData reduced = loadChartData(s->series(), r);
        QCOMPARE(reduced.series.size(), size_t(1));
        QCOMPARE(reduced.series[0].points, 1000000);
        QVERIFY(reduced.series[0].raw.size() <= size_t(r.width));

        QImage drawn(bounds.size().toSize(), QImage::Format_ARGB32_Premultiplied);
        {
            QPainter p(&drawn);
            ChartRenderer renderer(reduced, styles, noGroups, {}, reduced.x0, reduced.x1, palette);
            QCOMPARE(renderer.plotRect(bounds), plot);
            renderer.paint(p, bounds);
        }

        // Every point: the same frame without the curve, then a polyline through all million points.
        ChartData frameOnly = reduced;
        frameOnly.series.clear();
        QImage every(bounds.size().toSize(), QImage::Format_ARGB32_Premultiplied);
        {
            QPainter p(&every);
            ChartRenderer renderer(reduced, styles, noGroups, {}, reduced.x0, reduced.x1, palette);
            ChartOptions sameRange;
            sameRange.yRange = renderer.yRange();
            ChartRenderer(frameOnly, styles, noGroups, sameRange, reduced.x0, reduced.x1, palette)
                .paint(p, bounds);
            std::vector<QPointF> line;
            line.reserve(pts.size());
            for (const MetricPoint &pt : pts)
                line.emplace_back(plot.left() + renderer.columnOfX(pt.step, r.width) + 0.5,
                                  renderer.yToPixel(pt.value, plot));
            p.setClipRect(plot);
            p.setRenderHint(QPainter::Antialiasing, false);
            p.setPen(QPen(QColor(200, 30, 30), 0));
            p.drawPolyline(line.data(), int(line.size()));
        }
        drawn.save(QStringLiteral("/tmp/runlens-chart-reduced.png"));
        every.save(QStringLiteral("/tmp/runlens-chart-every.png"));
        const int differing = differingPixels(drawn, every);
        {
            // The same with an exact reduction (what a zoomed window reads): what differs is only where the
            // rasteriser and QPainter round the row at which a steep join crosses into the next column.
            ChartData exact = reduced;
            M4Accumulator acc(reduced.x0, reduced.x1, r.width);
            for (const MetricPoint &pt : pts)
                acc.add(pt);
            exact.series[0].raw = acc.take();
            QImage e2(bounds.size().toSize(), QImage::Format_ARGB32_Premultiplied);
            QPainter p(&e2);
            ChartRenderer(exact, styles, noGroups, {}, exact.x0, exact.x1, palette).paint(p, bounds);
            const int exactDiffering = differingPixels(e2, every);
            qInfo("exact reduction: %d pixels differ", exactDiffering);
            QVERIFY(exactDiffering <= differing);
        }
        const int total = drawn.width() * drawn.height();
        qInfo("%d of %d pixels differ (%.3f%%)", differing, total, 100.0 * differing / total);
        QVERIFY2(differing <= total / 200, qPrintable(QStringLiteral("%1 pixels differ").arg(differing)));

        // Every spike is drawn to its full height, in its column (or the one before: a summary bucket
        // across a column boundary counts whole in the column of its first point, see Store::readOverview).
        const ChartRenderer renderer(reduced, styles, noGroups, {}, reduced.x0, reduced.x1, palette);
        for (qint64 i = 5000; i < 1000000; i += 99991) {
            const int col = renderer.columnOfX(i, r.width);
            const double v = pts[size_t(i)].value;
            QVERIFY(std::any_of(
                reduced.series[0].raw.begin(), reduced.series[0].raw.end(), [&](const M4Column &c) {
                    return (c.column == col || c.column == col - 1) && (c.max == v || c.min == v);
                }));
        }
    }

    // One label format per axis: a log axis over four decades writes every decade the same way (never
    // "0.001" beside "1.00e-04"), and one inside a decade writes round values, not powers like "3.1623".
    void logTicksOneFormat_data()
    {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::addColumn<int>("target");
        QTest::addColumn<QStringList>("labels");
        QTest::newRow("decades across 1e-3")
            << 1.5e-5 << 1.3 << 6 << QStringList{"1e-4", "1e-3", "1e-2", "1e-1", "1e0"};
        QTest::newRow("plain decades")
            << 0.001 << 100.0 << 6 << QStringList{"0.001", "0.01", "0.1", "1", "10", "100"};
        QTest::newRow("1-2-5 in few decades")
            << 0.09 << 12.0 << 12 << QStringList{"0.1", "0.2", "0.5", "1", "2", "5", "10"};
        QTest::newRow("every third decade")
            << 1e-9 << 1e3 << 6 << QStringList{"1e-9", "1e-6", "1e-3", "1e0", "1e3"};
        QTest::newRow("inside a decade")
            << 0.29 << 0.91 << 6 << QStringList{"0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"};
    }
    void logTicksOneFormat()
    {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(int, target);
        QFETCH(QStringList, labels);
        QStringList got;
        for (const axisticks::Tick &t : axisticks::logarithmic(std::log10(lo), std::log10(hi), target)) {
            got << t.label;
            // Each tick sits where its labelled value is on the log axis.
            QVERIFY2(std::abs(std::pow(10.0, t.position) - t.label.toDouble()) <= 1e-9 * t.label.toDouble(),
                     qPrintable(t.label));
        }
        QCOMPARE(got, labels);
    }

    void linearTicksOneFormat_data()
    {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::addColumn<QStringList>("labels");
        QTest::newRow("halves") << -0.1 << 2.1 << QStringList{"0.0", "0.5", "1.0", "1.5", "2.0"};
        QTest::newRow("thousands of steps")
            << 0.0 << 100000.0 << QStringList{"0", "20k", "40k", "60k", "80k", "100k"};
        QTest::newRow("small values")
            << 0.0 << 0.00021 << QStringList{"0", "5.0e-5", "1.0e-4", "1.5e-4", "2.0e-4"};
    }
    void linearTicksOneFormat()
    {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(QStringList, labels);
        QStringList got;
        for (const axisticks::Tick &t : axisticks::linear(lo, hi, 5))
            got << t.label;
        QCOMPARE(got, labels);
    }

    // Relative time: ticks on round durations from the run's start, and under a second no two ticks read
    // the same ("0s" twice).
    void durationTicks_data()
    {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::addColumn<QStringList>("labels");
        QTest::newRow("minutes") << 0.0 << 600e3 << QStringList{"0s", "2m", "4m", "6m", "8m", "10m"};
        QTest::newRow("not from zero") << 37e3 << 330e3 << QStringList{"1m", "2m", "3m", "4m", "5m"};
        QTest::newRow("quarter minutes") << 0.0 << 70e3 << QStringList{"0s", "15s", "30s", "45s", "1m"};
        QTest::newRow("under a second")
            << 0.0 << 800.0 << QStringList{"0.0s", "0.2s", "0.4s", "0.6s", "0.8s"};
        QTest::newRow("hours") << 0.0 << 5 * 3600e3 << QStringList{"0s", "1h", "2h", "3h", "4h", "5h"};
    }
    void durationTicks()
    {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(QStringList, labels);
        QStringList got;
        for (const axisticks::Tick &t : axisticks::durations(lo, hi, 5))
            got << t.label;
        QCOMPARE(got, labels);
    }

    // Ranges no data should give but a crafted file can: no ticks rather than NaN or infinite ones.
    void degenerateRangesGiveNoTicks()
    {
        QVERIFY(axisticks::linear(-9e307, 9e307, 5).empty()); // the span overflows a double
        QVERIFY(axisticks::durations(0, 1e300, 5).empty());
        QVERIFY(axisticks::clockTimes(-1e300, 1e300, 5).empty());
        QVERIFY(axisticks::durations(0, 5e-324, 5).empty()); // a denormal span: too small to divide
        for (const axisticks::Tick &t : axisticks::linear(-1.7e308, 1.7e308 / 4, 5))
            QVERIFY(std::isfinite(t.position));
    }

    // A corner legend sits in the corner of the plot as drawn: with an export's font the plot's left margin
    // is fitted to its y labels, and the legend follows it (it stood where an unfitted margin would end).
    void cornerLegendFollowsTheFittedPlot()
    {
        auto data = std::make_shared<ChartData>();
        data->request.key = QStringLiteral("loss");
        data->request.xAxis = ChartXAxis::Step;
        data->x0 = 0;
        data->x1 = 1950;
        ChartSeries s;
        s.runId = QStringLiteral("r");
        for (int c = 0; c < 40; ++c) { // rising: the top-left corner holds no curve, only the legend
            const qint64 x = c * 50;
            s.raw.push_back({c, x, x, x, x, double(c), double(c), double(c), double(c)});
        }
        data->series.push_back(s);
        const QHash<QString, ChartRunStyle> styles{
            {QStringLiteral("r"), {QStringLiteral("r"), Qt::red, true}}};
        const std::vector<ChartGroup> noGroups;
        const QPalette palette = QGuiApplication::palette();
        ChartGridStyle style;
        QFont font = QGuiApplication::font();
        font.setPointSizeF(8);
        style.font = font;
        style.legend = LegendPlacement::TopLeft;
        const ChartGrid grid(1, 1, styles, noGroups, {QStringLiteral("r")}, palette, style);
        const QRectF bounds(0, 0, 700, 300);
        ChartGridCell cell{data, data->x0, data->x1, {}};
        QImage image(700, 300, QImage::Format_RGB32);
        image.fill(Qt::white);
        {
            QPainter p(&image);
            grid.paint(p, bounds, 1, false, {cell});
        }
        ChartRenderer renderer(*data, styles, noGroups, cell.options, data->x0, data->x1, palette);
        renderer.setFont(font);
        const QRectF plot = renderer.fittedPlotRect(grid.cell(bounds, 0));
        QVERIFY(plot.left() < ChartRenderer::plotRect(grid.cell(bounds, 0), font, false).left() - 12);
        int swatchLeft = image.width();
        for (int y = int(plot.top()); y < int(plot.top()) + 30; ++y)
            for (int x = 0; x < 350; ++x)
                if (const QRgb c = image.pixel(x, y); qRed(c) > 200 && qGreen(c) < 80 && qBlue(c) < 80)
                    swatchLeft = std::min(swatchLeft, x);
        QVERIFY2(swatchLeft >= plot.left() + 4 && swatchLeft <= plot.left() + 16,
                 qPrintable(QStringLiteral("swatch at x %1, plot from %2").arg(swatchLeft).arg(plot.left())));
    }

    // A 700x300 chart has ticks enough to read off (it had one or two on y), and the labels drawn are those
    // of the tick generator: the SVG of the chart holds them as text.
    void enoughTicksAt700x300()
    {
        ChartData data;
        data.request.key = QStringLiteral("loss");
        data.request.xAxis = ChartXAxis::Step;
        data.x0 = 0;
        data.x1 = 1950;
        ChartSeries s;
        s.runId = QStringLiteral("r");
        for (int c = 0; c < 40; ++c) {
            const qint64 x = c * 50;
            const double v = 14.0 / (1 + c);
            s.raw.push_back({c, x, x, x, x, v, v, v, v});
        }
        data.series.push_back(s);
        const QHash<QString, ChartRunStyle> styles{
            {QStringLiteral("r"), {QStringLiteral("r"), Qt::red, true}}};
        const std::vector<ChartGroup> noGroups;
        const QPalette palette = QGuiApplication::palette();
        for (const bool logY : {false, true}) {
            ChartOptions options;
            options.logY = logY;
            const ChartRenderer renderer(data, styles, noGroups, options, data.x0, data.x1, palette);
            const QRectF plot = ChartRenderer::plotRect(QRectF(0, 0, 700, 300));
            const auto xt = renderer.xTicks(plot), yt = renderer.yTicks(plot);
            QVERIFY2(xt.size() >= 5, qPrintable(QString::number(xt.size())));
            QVERIFY2(yt.size() >= 4, qPrintable(QString::number(yt.size())));
            QByteArray svg;
            {
                QBuffer buffer(&svg);
                QSvgGenerator generator;
                generator.setOutputDevice(&buffer);
                generator.setSize(QSize(700, 300));
                generator.setViewBox(QRectF(0, 0, 700, 300));
                QPainter p(&generator);
                renderer.paint(p, QRectF(0, 0, 700, 300), 1, true);
            }
            for (const auto *ticks : {&xt, &yt}) {
                for (const axisticks::Tick &t : *ticks)
                    QVERIFY2(svg.contains(">" + t.label.toUtf8() + "</text>"), qPrintable(t.label));
            }
        }
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
