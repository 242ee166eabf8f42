// SPDX-License-Identifier: GPL-3.0-or-later
// The metric-series engine through the store: overviews (per-pixel M4) against brute-force references on
// random series, full-resolution windows, out-of-order steps, live appends and compaction.

#include "series/seriescodec.h"
#include "store/store.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

using namespace runlens;

namespace {

int columnOf(qint64 s, qint64 x0, qint64 x1, int width)
{
    const __int128 c = (__int128(s) - x0) * width / (__int128(x1) - x0 + 1);
    return int(std::clamp<__int128>(c, 0, width - 1));
}

// Per-column first/min/max/last of (attributedStep, point) pairs in the given order; the first occurrence of
// an extreme wins, NaN is skipped by min/max.
std::vector<M4Column> bruteForce(const std::vector<std::pair<qint64, MetricPoint>> &items, qint64 x0,
                                 qint64 x1, int width)
{
    std::map<int, M4Column> cols;
    for (const auto &[attributed, p] : items) {
        const int c = columnOf(attributed, x0, x1, width);
        auto it = cols.find(c);
        if (it == cols.end()) {
            M4Column m;
            m.column = c;
            m.firstStep = m.lastStep = m.minStep = m.maxStep = p.step;
            m.first = m.last = m.min = m.max = p.value;
            m.count = 1;
            m.nanCount = std::isnan(p.value) ? 1 : 0;
            cols.emplace(c, m);
            continue;
        }
        M4Column &m = it->second;
        m.lastStep = p.step;
        m.last = p.value;
        ++m.count;
        if (std::isnan(p.value)) {
            ++m.nanCount;
            continue;
        }
        if (std::isnan(m.min) || p.value < m.min) {
            m.min = p.value;
            m.minStep = p.step;
        }
        if (std::isnan(m.max) || p.value > m.max) {
            m.max = p.value;
            m.maxStep = p.step;
        }
    }
    std::vector<M4Column> out;
    for (auto &[c, m] : cols)
        out.push_back(m);
    return out;
}

bool same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

QString describe(const M4Column &c)
{
    return QStringLiteral("col %1 first %2@%3 min %4@%5 max %6@%7 last %8@%9 n %10")
        .arg(c.column)
        .arg(c.first)
        .arg(c.firstStep)
        .arg(c.min)
        .arg(c.minStep)
        .arg(c.max)
        .arg(c.maxStep)
        .arg(c.last)
        .arg(c.lastStep)
        .arg(c.count);
}

void compareColumns(const std::vector<M4Column> &got, const std::vector<M4Column> &want)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        const M4Column &g = got[i], &w = want[i];
        const bool ok = g.column == w.column && g.firstStep == w.firstStep && g.lastStep == w.lastStep &&
                        g.minStep == w.minStep && g.maxStep == w.maxStep && same(g.first, w.first) &&
                        same(g.last, w.last) && same(g.min, w.min) && same(g.max, w.max) &&
                        g.count == w.count && g.nanCount == w.nanCount;
        QVERIFY2(ok, qPrintable(QStringLiteral("got  %1\nwant %2").arg(describe(g), describe(w))));
    }
}

// A noisy curve with isolated spikes and a sprinkling of NaN, steps 0..n-1 (optionally strided).
std::vector<MetricPoint> randomSeries(qint64 n, quint64 seed, qint64 stride = 1)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, 0.05);
    std::vector<MetricPoint> pts(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i) {
        double v = 1.0 / (1.0 + double(i) / 1000.0) + noise(rng);
        if (rng() % 5000 == 0)
            v += 25.0; // spike
        if (rng() % 7919 == 0)
            v = std::numeric_limits<double>::quiet_NaN();
        pts[size_t(i)] = {i * stride, 1'700'000'000'000 + i * 3, v};
    }
    return pts;
}

} // namespace

class TestSeries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void overviewMatchesBruteForce_data();
    void overviewMatchesBruteForce();
    void overviewEdgeCases();
    void windowIsFullResolution();
    void outOfOrderSteps();
    void liveAppendsStayExact();
    void compactMergesForeignChunks();
    void detailSketchesAreCheckedAndRebuilt();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    QString m_run;
};

void TestSeries::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<Store>(m_dir->filePath(QStringLiteral("series.db")));
    NewRun init;
    init.experimentId = m_store->runs().createExperiment(QStringLiteral("e"));
    m_run = m_store->runs().createRun(init).id;
}

void TestSeries::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestSeries::overviewMatchesBruteForce_data()
{
    QTest::addColumn<qint64>("points");
    QTest::addColumn<qint64>("stride");
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("from"); // window as fractions of the series
    QTest::addColumn<double>("to");
    QTest::addColumn<int>("expectedBucket");
    QTest::newRow("few points per pixel: exact") << qint64(50'000) << qint64(1) << 2000 << 0.0 << 1.0 << 1;
    QTest::newRow("more pixels than points") << qint64(700) << qint64(3) << 2000 << 0.0 << 1.0 << 1;
    QTest::newRow("zoomed window: exact") << qint64(600'000) << qint64(1) << 1500 << 0.4 << 0.45 << 1;
    QTest::newRow("a tenth of 1M at 700 px: detail 64-buckets")
        << qint64(1'000'000) << qint64(1) << 700 << 0.45 << 0.55 << series::DetailLevel;
    QTest::newRow("1M points at 1000 px: 256-buckets")
        << qint64(1'000'000) << qint64(1) << 1000 << 0.0 << 1.0 << 256;
    QTest::newRow("300k at 100 px: 1024-buckets")
        << qint64(300'000) << qint64(1) << 100 << 0.0 << 1.0 << 1024;
    QTest::newRow("2M at 50 px: whole chunks") << qint64(2'000'000) << qint64(1) << 50 << 0.0 << 1.0 << 4096;
    QTest::newRow("window cutting chunks") << qint64(1'000'000) << qint64(7) << 300 << 0.123 << 0.877 << 1024;
}

void TestSeries::overviewMatchesBruteForce()
{
    QFETCH(qint64, points);
    QFETCH(qint64, stride);
    QFETCH(int, width);
    QFETCH(double, from);
    QFETCH(double, to);
    QFETCH(int, expectedBucket);
    const std::vector<MetricPoint> pts = randomSeries(points, quint64(points + width), stride);
    m_store->series().logMetrics(m_run, QStringLiteral("loss"), pts);
    const qint64 lastStep = pts.back().step;
    const qint64 x0 = qint64(from * double(lastStep)), x1 = qint64(to * double(lastStep));

    const SeriesOverview ov = m_store->series().readOverview(m_run, QStringLiteral("loss"), x0, x1, width);
    QCOMPARE(ov.bucketSize, expectedBucket);

    // Reference 1: the documented attribution. Points of chunks lying wholly in the window are attributed to
    // the first step of their bucket (buckets of bucketSize points counted from each chunk's start); points
    // of chunks cut by the window edges, and every point when bucketSize is 1, to their own step.
    std::vector<std::pair<qint64, MetricPoint>> attributed;
    std::vector<std::pair<qint64, MetricPoint>> exact;
    for (size_t chunk = 0; chunk < pts.size(); chunk += series::ChunkCapacity) {
        const size_t end = std::min(pts.size(), chunk + series::ChunkCapacity);
        const bool whole = pts[chunk].step >= x0 && pts[end - 1].step <= x1;
        for (size_t i = chunk; i < end; ++i) {
            if (pts[i].step < x0 || pts[i].step > x1)
                continue;
            const size_t bucketStart = chunk + (i - chunk) / size_t(ov.bucketSize) * size_t(ov.bucketSize);
            attributed.push_back({whole ? pts[bucketStart].step : pts[i].step, pts[i]});
            exact.push_back({pts[i].step, pts[i]});
        }
    }
    compareColumns(ov.columns, bruteForce(attributed, x0, x1, width));
    QCOMPARE(ov.pointsInRange, qint64(exact.size()));

    // Reference 2: exact per-pixel M4. Extremes over the whole window are always exact, and no column's count
    // is off by more than the one bucket that can straddle each of its two edges.
    const std::vector<M4Column> truth = bruteForce(exact, x0, x1, width);
    double gotMin = INFINITY, gotMax = -INFINITY, wantMin = INFINITY, wantMax = -INFINITY;
    for (const M4Column &c : ov.columns) {
        if (!std::isnan(c.min))
            gotMin = std::min(gotMin, c.min), gotMax = std::max(gotMax, c.max);
    }
    for (const M4Column &c : truth) {
        if (!std::isnan(c.min))
            wantMin = std::min(wantMin, c.min), wantMax = std::max(wantMax, c.max);
    }
    QCOMPARE(gotMin, wantMin);
    QCOMPARE(gotMax, wantMax);
    std::map<int, qint64> truthCount;
    for (const M4Column &c : truth)
        truthCount[c.column] = c.count;
    for (const M4Column &c : ov.columns)
        QVERIFY2(std::abs(c.count - truthCount[c.column]) <= 2 * ov.bucketSize, qPrintable(describe(c)));
    if (ov.bucketSize == 1)
        compareColumns(ov.columns, truth);
}

void TestSeries::overviewEdgeCases()
{
    QVERIFY(m_store->series().readOverview(m_run, QStringLiteral("absent"), 0, 100, 10).columns.empty());
    m_store->series().logMetrics(m_run, QStringLiteral("m"), randomSeries(10, 5));
    QVERIFY(m_store->series()
                .readOverview(m_run, QStringLiteral("m"), 50, 10, 10)
                .columns.empty()); // inverted range
    QVERIFY(m_store->series()
                .readOverview(m_run, QStringLiteral("m"), 100, 200, 10)
                .columns.empty()); // beyond the data
    const SeriesOverview one = m_store->series().readOverview(m_run, QStringLiteral("m"), 0, 9, 1);
    QCOMPARE(one.columns.size(), size_t(1));
    QCOMPARE(one.columns[0].count, qint64(10));
    QVERIFY_THROWS_EXCEPTION(Error, m_store->series().readOverview(m_run, QStringLiteral("m"), 0, 9, 0));
    QVERIFY_THROWS_EXCEPTION(
        Error, m_store->series().readOverview(QStringLiteral("0123456789abcdef0123456789abcdef"),
                                              QStringLiteral("m"), 0, 9, 10));
    // Extreme step values do not overflow the column arithmetic.
    const qint64 lo = std::numeric_limits<qint64>::min() + 1, hi = std::numeric_limits<qint64>::max() - 1;
    m_store->series().logMetrics(m_run, QStringLiteral("wide"),
                                 std::vector<MetricPoint>{{lo, 0, 1.0}, {0, 1, 2.0}, {hi, 2, 3.0}});
    const SeriesOverview wide = m_store->series().readOverview(m_run, QStringLiteral("wide"), lo, hi, 3);
    QCOMPARE(wide.columns.size(), size_t(3));
    QCOMPARE(wide.columns[0].column, 0);
    QCOMPARE(wide.columns[2].column, 2);
}

void TestSeries::windowIsFullResolution()
{
    const std::vector<MetricPoint> pts = randomSeries(20'000, 11, 2);
    m_store->series().logMetrics(m_run, QStringLiteral("loss"), pts);
    const std::vector<MetricPoint> w =
        m_store->series().readWindow(m_run, QStringLiteral("loss"), 9'001, 12'000);
    std::vector<MetricPoint> want;
    for (const MetricPoint &p : pts) {
        if (p.step >= 9'001 && p.step <= 12'000)
            want.push_back(p);
    }
    QCOMPARE(w.size(), want.size());
    for (size_t i = 0; i < w.size(); ++i) {
        QCOMPARE(w[i].step, want[i].step);
        QVERIFY(same(w[i].value, want[i].value));
    }
    QVERIFY(m_store->series().readWindow(m_run, QStringLiteral("loss"), 5, 4).empty());
    // The same points a chunk at a time (the window starts and ends inside chunks), and a visit can stop.
    std::vector<MetricPoint> visited;
    int chunks = 0;
    m_store->series().visitWindow(m_run, QStringLiteral("loss"), 5'001, 17'000,
                                  [&](std::span<const MetricPoint> c) {
                                      ++chunks;
                                      visited.insert(visited.end(), c.begin(), c.end());
                                      return true;
                                  });
    QVERIFY(chunks > 1);
    want.clear();
    std::copy_if(pts.begin(), pts.end(), std::back_inserter(want),
                 [](const MetricPoint &p) { return p.step >= 5'001 && p.step <= 17'000; });
    QCOMPARE(visited.size(), want.size());
    for (size_t i = 0; i < visited.size(); ++i)
        QVERIFY(visited[i].step == want[i].step && same(visited[i].value, want[i].value));
    chunks = 0;
    m_store->series().visitWindow(m_run, QStringLiteral("loss"), 0, 20'000,
                                  [&](std::span<const MetricPoint>) {
                                      ++chunks;
                                      return false;
                                  });
    QCOMPARE(chunks, 1);
}

void TestSeries::outOfOrderSteps()
{
    // Steps logged backwards and repeated: overviews and windows sort by step, keeping logging order within
    // a step, and stay exact.
    std::vector<MetricPoint> pts = randomSeries(9'000, 21);
    std::mt19937_64 rng(5);
    std::shuffle(pts.begin(), pts.end(), rng);
    for (size_t i = 0; i < 200; ++i)
        pts.push_back({qint64(i), 0, double(i) + 1000.0}); // duplicates of early steps, logged last
    m_store->series().logMetrics(m_run, QStringLiteral("loss"), pts);
    std::vector<MetricPoint> sorted = pts;
    std::stable_sort(sorted.begin(), sorted.end(), [](auto &a, auto &b) { return a.step < b.step; });
    const std::vector<MetricPoint> w = m_store->series().readWindow(m_run, QStringLiteral("loss"), 0, 8'999);
    QCOMPARE(w.size(), sorted.size());
    for (size_t i = 0; i < w.size(); ++i)
        QVERIFY(w[i].step == sorted[i].step && same(w[i].value, sorted[i].value));
    // Visiting a series whose steps went back hands over the sorted points, not logging order.
    std::vector<MetricPoint> visited;
    m_store->series().visitWindow(m_run, QStringLiteral("loss"), 0, 8'999,
                                  [&](std::span<const MetricPoint> c) {
                                      visited.insert(visited.end(), c.begin(), c.end());
                                      return true;
                                  });
    QCOMPARE(visited.size(), sorted.size());
    for (size_t i = 0; i < visited.size(); ++i)
        QVERIFY(visited[i].step == sorted[i].step && same(visited[i].value, sorted[i].value));
    std::vector<std::pair<qint64, MetricPoint>> items;
    for (const MetricPoint &p : sorted)
        items.push_back({p.step, p});
    const SeriesOverview ov = m_store->series().readOverview(m_run, QStringLiteral("loss"), 0, 8'999, 37);
    QCOMPARE(ov.bucketSize, 1);
    compareColumns(ov.columns, bruteForce(items, 0, 8'999, 37));
    // The history keeps logging order exactly.
    const std::vector<MetricPoint> h = m_store->series().metricHistory(m_run, QStringLiteral("loss"));
    QCOMPARE(h.size(), pts.size());
    for (size_t i = 0; i < h.size(); ++i)
        QVERIFY(h[i].step == pts[i].step && same(h[i].value, pts[i].value));
}

void TestSeries::liveAppendsStayExact()
{
    // A live logger: thousands of one-point appends, then small batches.
    const std::vector<MetricPoint> pts = randomSeries(9'500, 31);
    for (size_t i = 0; i < 5'000; ++i)
        m_store->series().logMetric(m_run, QStringLiteral("loss"), pts[i]);
    for (size_t i = 5'000; i < pts.size(); i += 100)
        m_store->series().logMetrics(
            m_run, QStringLiteral("loss"),
            std::span<const MetricPoint>(pts).subspan(i, std::min<size_t>(100, pts.size() - i)));
    const std::vector<MetricPoint> h = m_store->series().metricHistory(m_run, QStringLiteral("loss"));
    QCOMPARE(h.size(), pts.size());
    for (size_t i = 0; i < h.size(); ++i)
        QVERIFY(h[i] == pts[i] ||
                (h[i].step == pts[i].step && std::isnan(pts[i].value) && std::isnan(h[i].value)));
    const auto s = m_store->runs().metricSummary(m_run, QStringLiteral("loss"));
    QVERIFY(s);
    QCOMPARE(s->count, qint64(pts.size()));
    QCOMPARE(s->lastStep, pts.back().step);
    // Appending merged the trail into full chunks: compaction finds nothing to do.
    QCOMPARE(m_store->series().compact().seriesRewritten, 0);
}

void TestSeries::compactMergesForeignChunks()
{
    // Another client (the Python logger) appends small chunks without sketches, as the format allows.
    const std::vector<MetricPoint> pts = randomSeries(3'000, 41);
    m_store->series().logMetrics(m_run, QStringLiteral("loss"),
                                 std::span<const MetricPoint>(pts).first(1000));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
        db.setDatabaseName(m_store->path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT id FROM series")) && q.next());
        const qint64 series = q.value(0).toLongLong();
        for (int c = 0; c < 20; ++c) {
            const auto slice = std::span<const MetricPoint>(pts).subspan(1000 + size_t(c) * 100, 100);
            QSqlQuery ins(db);
            ins.prepare(
                QStringLiteral("INSERT INTO chunks(series, seq, count, step_min, step_max, ts_min, ts_max, "
                               "sketch, data) VALUES (?, ?, 100, ?, ?, ?, ?, NULL, ?)"));
            ins.addBindValue(series);
            ins.addBindValue(c + 1);
            ins.addBindValue(slice.front().step);
            ins.addBindValue(slice.back().step);
            ins.addBindValue(slice.front().timestamp);
            ins.addBindValue(slice.back().timestamp);
            ins.addBindValue(series::encodeChunk(slice));
            QVERIFY(ins.exec());
        }
        QVERIFY(q.exec(QStringLiteral("UPDATE series SET count = 3000, step_max = 2999, tail_step = 2999")));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
    const SeriesOverview before = m_store->series().readOverview(m_run, QStringLiteral("loss"), 0, 2999, 50);
    QCOMPARE(before.pointsInRange, qint64(3000));
    QCOMPARE(m_store->series().compact().seriesRewritten, 1);
    QCOMPARE(m_store->series().compact().seriesRewritten, 0);
    const std::vector<MetricPoint> h = m_store->series().metricHistory(m_run, QStringLiteral("loss"));
    QCOMPARE(h.size(), pts.size());
    for (size_t i = 0; i < h.size(); ++i)
        QVERIFY(h[i].step == pts[i].step && same(h[i].value, pts[i].value));
    const SeriesOverview after = m_store->series().readOverview(m_run, QStringLiteral("loss"), 0, 2999, 50);
    QCOMPARE(after.bucketSize, 1);
    compareColumns(after.columns, before.columns);
}

void TestSeries::detailSketchesAreCheckedAndRebuilt()
{
    const QString key = QStringLiteral("loss");
    const std::vector<MetricPoint> pts = randomSeries(200'000, 77);
    m_store->series().logMetrics(m_run, key, pts);
    const qint64 x0 = 50'000, x1 = 79'999;
    // 30,000 points at 300 px: too few for 256-point buckets, enough for the 64-point detail sketches.
    const auto zoomed = [&] { return m_store->series().readOverview(m_run, key, x0, x1, 300); };
    const SeriesOverview fine = zoomed();
    QCOMPARE(fine.bucketSize, series::DetailLevel);
    std::vector<std::pair<qint64, MetricPoint>> items;
    for (const MetricPoint &p : pts) {
        if (p.step >= x0 && p.step <= x1)
            items.push_back({p.step, p});
    }
    const std::vector<M4Column> exact = bruteForce(items, x0, x1, 300);
    const auto sql = [&](const QString &statement) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("details"));
        db.setDatabaseName(m_store->path());
        bool ok = db.open();
        if (ok) {
            QSqlQuery q(db);
            ok = q.exec(statement);
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("details"));
        return ok;
    };

    // Without detail sketches (a file from before schema 5, another writer) the window is read point by
    // point, and compact() gives the chunks theirs back.
    QVERIFY(sql(QStringLiteral("DELETE FROM chunk_details")));
    compareColumns(zoomed().columns, exact);
    const SeriesEngine::Compaction c = m_store->series().compact();
    QCOMPARE(c.seriesRewritten, 0);
    QCOMPARE(c.detailsAdded, (200'000 + series::ChunkCapacity - 1) / series::ChunkCapacity); // every chunk
    QCOMPARE(m_store->series().compact().detailsAdded, 0);
    compareColumns(zoomed().columns, fine.columns);

    // A sketch that does not describe its chunk (here each one moved to the chunk before) is not used.
    QVERIFY(
        sql(QStringLiteral("UPDATE chunk_details SET sketch = (SELECT d.sketch FROM chunk_details d WHERE "
                           "d.chunk = chunk_details.chunk + 1) WHERE chunk < (SELECT max(chunk) FROM "
                           "chunk_details)")));
    compareColumns(zoomed().columns, exact);
}

QTEST_GUILESS_MAIN(TestSeries)
#include "tst_series.moc"
