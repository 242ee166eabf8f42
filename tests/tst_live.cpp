// SPDX-License-Identifier: GPL-3.0-or-later
// The window open while runs log (issue 16, "Live"): a chart folds in only the points logged after those it
// holds (the tail reader says what it read), and what it folds equals a whole read on the same grid however
// long the run grows; beside real `runlens log` processes the Compare page's curves grow, zoomed charts keep
// their window, new keys get charts, the runs table keeps selection, current run and scroll, and a running
// run is marked on every page until it ends.

#include "charts/chartstab.h"
#include "charts/metricchart.h"
#include "itemmodels/modelversionsmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runstatusstyle.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/modelspage.h"
#include "pages/runpage.h"
#include "pages/runspage.h"
#include "series/chartdata.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/detailtableview.h"
#include "widgets/runheaderwidget.h"
#include "widgets/statusbadge.h"

#include <cmath>
#include <limits>
#include <QApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QListWidget>
#include <QProcess>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;

namespace {

constexpr qint64 T0 = 1'700'000'000'000;

// A value per step with some texture, a spike now and then, and non-finite values the charts mark.
double valueAt(qint64 step)
{
    if (step % 997 == 13)
        return std::nan("");
    if (step % 1511 == 7)
        return std::numeric_limits<double>::infinity();
    double v = 2.0 * std::exp(-double(step) / 4000.0) + 0.05 * std::sin(double(step) / 7.0);
    if (step % 701 == 3)
        v += 9; // a spike every chart must draw
    return v;
}

std::vector<MetricPoint> pointsFrom(qint64 first, qint64 count)
{
    std::vector<MetricPoint> out;
    for (qint64 s = first; s < first + count; ++s)
        out.push_back({s, T0 + s * 37 + (s % 5), valueAt(s)});
    return out;
}

bool sameColumns(const std::vector<M4Column> &a, const std::vector<M4Column> &b, QString *why)
{
    if (a.size() != b.size()) {
        *why = QStringLiteral("%1 columns, a whole read has %2").arg(a.size()).arg(b.size());
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        const M4Column &x = a[i], &y = b[i];
        const auto same = [](double p, double q) { return p == q || (std::isnan(p) && std::isnan(q)); };
        if (x.column != y.column || x.firstStep != y.firstStep || x.lastStep != y.lastStep ||
            x.minStep != y.minStep || x.maxStep != y.maxStep || !same(x.first, y.first) ||
            !same(x.last, y.last) || !same(x.min, y.min) || !same(x.max, y.max) || x.count != y.count) {
            *why = QStringLiteral(
                       "column %1 (grid column %2 / %3): steps %4..%5 min %6@%7 max %8@%9 n=%10; whole "
                       "read: column %11 steps %12..%13 min %14@%15 max %16@%17 n=%18")
                       .arg(i)
                       .arg(x.column)
                       .arg(y.column)
                       .arg(x.firstStep)
                       .arg(x.lastStep)
                       .arg(x.min)
                       .arg(x.minStep)
                       .arg(x.max)
                       .arg(x.maxStep)
                       .arg(x.count)
                       .arg(y.column)
                       .arg(y.firstStep)
                       .arg(y.lastStep)
                       .arg(y.min)
                       .arg(y.minStep)
                       .arg(y.max)
                       .arg(y.maxStep)
                       .arg(y.count);
            return false;
        }
    }
    return true;
}

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

// The real `runlens` against `db`, while the event loop (the window) goes on.
Result runProcess(const QString &db, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(RUNLENS_BINARY), QStringList{QStringLiteral("--db"), db} + args);
    if (!p.waitForStarted(30000))
        return {};
    p.closeWriteChannel();
    QElapsedTimer t;
    t.start();
    while (p.state() != QProcess::NotRunning && t.elapsed() < 60000)
        QTest::qWait(20);
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

// A `runlens log --run ID` child fed JSON lines through its stdin, as a training script pipes them.
class Logger
{
public:
    Logger(const QString &db, const QString &runId)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("RUNLENS_DB"));
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(RUNLENS_BINARY),
                        {QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--run"), runId});
    }
    ~Logger() { finish(); }
    bool started() { return m_process.waitForStarted(30000); }
    void log(const QString &key, qint64 step, double value)
    {
        m_process.write(QStringLiteral("{\"metrics\": {\"%1\": %2}, \"step\": %3}\n")
                            .arg(key, QString::number(value, 'g', 17))
                            .arg(step)
                            .toUtf8());
    }
    bool finish()
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
        m_process.closeWriteChannel();
        QElapsedTimer t;
        t.start();
        while (m_process.state() != QProcess::NotRunning && t.elapsed() < 60000)
            QTest::qWait(20);
        return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    }

private:
    QProcess m_process;
};

// Points the store holds for a run's key, read on a connection of the test's own.
qint64 storedCount(const QString &db, const QString &runId, const QString &key)
{
    Store store(db);
    return store.series().metricCounts(runId).value(key, 0);
}

} // namespace

class TestLive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void tailReadsOnlyTheNewPoints();
    void foldedTailsEqualAWholeReadAsTheRunGrows_data();
    void foldedTailsEqualAWholeReadAsTheRunGrows();
    void zoomedChartKeepsItsWindow();
    void whatCannotBeFoldedIsReadAgain();
    void aRunThatStartsLoggingAKeyJoinsTheChart();
    void curvesGrowBesideARealLogger();
    void runsTableKeepsSelectionCurrentAndScroll();
    void runningIsMarkedOnEveryPage();

private:
    QTemporaryDir m_dir;
};

void TestLive::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

void TestLive::tailReadsOnlyTheNewPoints()
{
    Store store(m_dir.filePath(QStringLiteral("tail.db")));
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("tail"));
    NewRun n;
    n.experimentId = e;
    n.startMs = T0;
    const QString id = store.runs().createRun(n).id;
    store.series().logMetrics(id, QStringLiteral("loss"), pointsFrom(0, 100'000)); // 25 chunks

    ChartRequest request;
    request.runs = {{id, T0}};
    request.key = QStringLiteral("loss");
    request.width = 400;
    ChartData data = loadChartData(store.series(), request);
    QCOMPARE(data.series.size(), size_t(1));
    QCOMPARE(data.series[0].state.count, qint64(100'000));

    // Nothing logged: the summary row says so and no chunk is read.
    ChartTail tail = loadChartTail(store.series(), ChartTailRequest::of(data));
    QVERIFY(!tail.readAgain);
    QVERIFY(tail.parts.empty());

    // Ten points more: read from the 100,000th point on, one chunk (the one they went into), ten points.
    store.series().logMetrics(id, QStringLiteral("loss"), pointsFrom(100'000, 10));
    tail = loadChartTail(store.series(), ChartTailRequest::of(data));
    QVERIFY(!tail.readAgain);
    QCOMPARE(tail.parts.size(), size_t(1));
    QCOMPARE(tail.parts[0].readFrom, qint64(100'000));
    QCOMPARE(tail.parts[0].pointsRead, qint64(10));
    QCOMPARE(tail.parts[0].chunksRead, 1);
    QCOMPARE(tail.x1, qint64(100'009));
    data.foldTail(tail);
    QCOMPARE(data.x1, qint64(100'009));
    QCOMPARE(data.series[0].state.count, qint64(100'010));
    QCOMPARE(data.series[0].extentLast, qint64(100'009));
    QCOMPARE(data.series[0].raw.back().lastStep, qint64(100'009));

    // A tail that fills a chunk and starts the next: those two chunks, and only the new points.
    const qint64 inLastChunk = 100'010 % 4096;
    store.series().logMetrics(id, QStringLiteral("loss"), pointsFrom(100'010, 4096 - inLastChunk + 5));
    tail = loadChartTail(store.series(), ChartTailRequest::of(data));
    QCOMPARE(tail.parts.size(), size_t(1));
    QCOMPARE(tail.parts[0].readFrom, qint64(100'010));
    QCOMPARE(tail.parts[0].pointsRead, 4096 - inLastChunk + 5);
    QCOMPARE(tail.parts[0].chunksRead, 2);
}

void TestLive::foldedTailsEqualAWholeReadAsTheRunGrows_data()
{
    QTest::addColumn<int>("axis");
    QTest::addColumn<double>("smoothing");
    QTest::newRow("step") << int(ChartXAxis::Step) << 0.0;
    QTest::newRow("step, smoothed") << int(ChartXAxis::Step) << 0.6;
    QTest::newRow("relative time") << int(ChartXAxis::RelativeTime) << 0.0;
    QTest::newRow("wall time, smoothed") << int(ChartXAxis::WallTime) << 0.9;
}

void TestLive::foldedTailsEqualAWholeReadAsTheRunGrows()
{
    QFETCH(int, axis);
    QFETCH(double, smoothing);
    Store store(m_dir.filePath(QStringLiteral("grow-%1-%2.db").arg(axis).arg(smoothing)));
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("grow"));
    NewRun n;
    n.experimentId = e;
    n.startMs = T0 - 500;
    const QString a = store.runs().createRun(n).id;
    const QString b = store.runs().createRun(n).id;
    store.series().logMetrics(a, QStringLiteral("loss"), pointsFrom(0, 3000));
    store.series().logMetrics(b, QStringLiteral("loss"), pointsFrom(0, 1000));

    ChartRequest request;
    request.runs = {{a, n.startMs}, {b, n.startMs}};
    request.key = QStringLiteral("loss");
    request.xAxis = ChartXAxis(axis);
    request.width = 300;
    request.smoothing = smoothing;
    ChartData data = loadChartData(store.series(), request);
    QCOMPARE(data.series.size(), size_t(2));

    int doublings = 0;
    for (int round = 0; round < 7; ++round) {
        // Run a grows in big steps, b in small ones (a tail into the column it ended in).
        store.series().logMetrics(a, QStringLiteral("loss"), pointsFrom(3000 + round * 2500, 2500));
        store.series().logMetrics(b, QStringLiteral("loss"), pointsFrom(1000 + round * 3, 3));
        const ChartTail tail = loadChartTail(store.series(), ChartTailRequest::of(data));
        QVERIFY(!tail.readAgain);
        QCOMPARE(tail.parts.size(), size_t(2));
        QCOMPARE(tail.parts[0].pointsRead, qint64(2500));
        QCOMPARE(tail.parts[1].pointsRead, qint64(3));
        doublings += tail.doublings;
        data.foldTail(tail);

        // A whole read over the same grid draws the same columns, spikes and marks.
        ChartRequest whole = request;
        whole.x0 = data.x0;
        whole.x1 = data.gridX1;
        whole.width = data.gridColumns;
        const ChartData fresh = loadChartData(store.series(), whole);
        QCOMPARE(fresh.series.size(), data.series.size());
        for (size_t i = 0; i < fresh.series.size(); ++i) {
            QString why;
            QVERIFY2(sameColumns(data.series[i].raw, fresh.series[i].raw, &why),
                     qPrintable(QStringLiteral("round %1, run %2, raw: %3").arg(round).arg(i).arg(why)));
            QVERIFY2(sameColumns(data.series[i].smoothed, fresh.series[i].smoothed, &why),
                     qPrintable(QStringLiteral("round %1, run %2, smoothed: %3").arg(round).arg(i).arg(why)));
            QCOMPARE(data.series[i].points, fresh.series[i].points);
            QCOMPARE(data.series[i].marks.size(), fresh.series[i].marks.size());
            for (size_t m = 0; m < fresh.series[i].marks.size(); ++m) {
                QCOMPARE(data.series[i].marks[m].x, fresh.series[i].marks[m].x);
                QCOMPARE(data.series[i].marks[m].kind, fresh.series[i].marks[m].kind);
            }
        }
        // The window reaches the newest point; what is held stays within two columns per pixel.
        QCOMPARE(data.x1, data.series[0].extentLast);
        QVERIFY(data.gridColumns <= 2 * request.width);
        for (const ChartSeries &s : data.series)
            QVERIFY(s.raw.size() <= size_t(2 * request.width) &&
                    s.smoothed.size() <= size_t(2 * request.width));
    }
    QVERIFY2(doublings >= 3, "the run grew past several doublings of the grid (columns were merged)");
    const qint64 spike = 3 + 701 * 20; // a spike logged in a tail: drawn as its column's maximum
    QVERIFY(std::any_of(
                data.series[0].raw.begin(), data.series[0].raw.end(),
                [&](const M4Column &c) { return c.maxStep <= spike && c.lastStep >= spike && c.max >= 9; }) ||
            ChartXAxis(axis) != ChartXAxis::Step);
}

void TestLive::zoomedChartKeepsItsWindow()
{
    Store store(m_dir.filePath(QStringLiteral("zoom.db")));
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("zoom"));
    NewRun n;
    n.experimentId = e;
    const QString id = store.runs().createRun(n).id;
    store.series().logMetrics(id, QStringLiteral("loss"), pointsFrom(0, 3000));
    ChartRequest request;
    request.runs = {{id, std::nullopt}};
    request.key = QStringLiteral("loss");
    request.width = 200;
    request.x0 = 1000;
    request.x1 = 3500; // reaches past the run's end: new points inside it are drawn
    ChartData data = loadChartData(store.series(), request);
    const std::vector<M4Column> before = data.series[0].raw;

    store.series().logMetrics(id, QStringLiteral("loss"), pointsFrom(3000, 1000)); // 3000..3999
    const ChartTail tail = loadChartTail(store.series(), ChartTailRequest::of(data));
    QVERIFY(!tail.readAgain);
    QCOMPARE(tail.doublings, 0);
    data.foldTail(tail);
    QCOMPARE(data.x0, qint64(1000));
    QCOMPARE(data.x1, qint64(3500));
    QCOMPARE(data.series[0].extentLast, qint64(3999));
    QCOMPARE(data.series[0].raw.back().lastStep, qint64(3500)); // the points past the window are not drawn
    const ChartData fresh = loadChartData(store.series(), request);
    QString why;
    QVERIFY2(sameColumns(data.series[0].raw, fresh.series[0].raw, &why), qPrintable(why));
    QCOMPARE(data.series[0].points, fresh.series[0].points);
}

void TestLive::whatCannotBeFoldedIsReadAgain()
{
    Store store(m_dir.filePath(QStringLiteral("again.db")));
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("again"));
    NewRun n;
    n.experimentId = e;
    const QString id = store.runs().createRun(n).id;
    store.series().logMetrics(id, QStringLiteral("loss"), pointsFrom(0, 500));
    ChartRequest request;
    request.runs = {{id, std::nullopt}};
    request.key = QStringLiteral("loss");
    request.width = 100;
    const ChartData data = loadChartData(store.series(), request);

    // A step that goes back lands inside what is held: only a whole read draws it right.
    store.series().logMetric(id, QStringLiteral("loss"), {250, T0 + 600 * 37, 42.0});
    QVERIFY(loadChartTail(store.series(), ChartTailRequest::of(data)).readAgain);
    // Read again (sorted by step), a later step comes after everything drawn: it folds, as a whole read.
    ChartData again = loadChartData(store.series(), request);
    QVERIFY(loadChartTail(store.series(), ChartTailRequest::of(again)).parts.empty()); // nothing new
    store.series().logMetric(id, QStringLiteral("loss"), {900, T0 + 900 * 37, 1.0});
    const ChartTail tail = loadChartTail(store.series(), ChartTailRequest::of(again));
    QVERIFY(!tail.readAgain);
    again.foldTail(tail);
    ChartRequest whole = request;
    whole.x0 = again.x0;
    whole.x1 = again.gridX1;
    whole.width = again.gridColumns;
    QString why;
    QVERIFY2(sameColumns(again.series[0].raw, loadChartData(store.series(), whole).series[0].raw, &why),
             qPrintable(why));

    // On a time axis a timestamp that went back leaves the points out of x order: the chart read knows it,
    // and any new point means another whole read.
    request.xAxis = ChartXAxis::WallTime;
    store.series().logMetric(id, QStringLiteral("loss"), {901, T0 + 5, 2.0});
    const ChartData byTime = loadChartData(store.series(), request);
    QVERIFY(!byTime.series[0].state.foldable);
    QVERIFY(loadChartTail(store.series(), ChartTailRequest::of(byTime)).parts.empty());
    store.series().logMetric(id, QStringLiteral("loss"), {902, T0 + 1'000'000, 1.0});
    QVERIFY(loadChartTail(store.series(), ChartTailRequest::of(byTime)).readAgain);
}

void TestLive::aRunThatStartsLoggingAKeyJoinsTheChart()
{
    Store store(m_dir.filePath(QStringLiteral("join.db")));
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("join"));
    NewRun n;
    n.experimentId = e;
    const QString first = store.runs().createRun(n).id;
    const QString late = store.runs().createRun(n).id;
    const QString other = store.runs().createRun(n).id;
    store.series().logMetrics(first, QStringLiteral("loss"), pointsFrom(0, 400));
    store.series().logMetrics(other, QStringLiteral("loss"), pointsFrom(0, 400));
    ChartRequest request;
    request.runs = {{first, std::nullopt}, {late, std::nullopt}, {other, std::nullopt}};
    request.key = QStringLiteral("loss");
    request.width = 100;
    ChartData data = loadChartData(store.series(), request);
    QCOMPARE(data.series.size(), size_t(2));

    store.series().logMetrics(late, QStringLiteral("loss"), pointsFrom(10, 300));
    const ChartTail tail = loadChartTail(store.series(), ChartTailRequest::of(data));
    QCOMPARE(tail.parts.size(), size_t(1));
    QCOMPARE(tail.parts[0].readFrom, qint64(0));
    QCOMPARE(tail.parts[0].pointsRead, qint64(300));
    data.foldTail(tail);
    QCOMPARE(data.series.size(), size_t(3));
    QCOMPARE(data.series[1].runId, late); // in the request's order
    QCOMPARE(data.series[1].extentFirst, qint64(10));
    const ChartData fresh = loadChartData(store.series(), request);
    QString why;
    QVERIFY2(sameColumns(data.series[1].raw, fresh.series[1].raw, &why), qPrintable(why));
}

void TestLive::curvesGrowBesideARealLogger()
{
    const QString db = m_dir.filePath(QStringLiteral("window.db"));
    Result r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("live"),
                               QStringLiteral("--name"), QStringLiteral("done"), QStringLiteral("--metric"),
                               QStringLiteral("loss=1.5"), QStringLiteral("--step"), QStringLiteral("0"),
                               QStringLiteral("--end"), QStringLiteral("FINISHED")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString done = r.out.trimmed();
    r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("live"),
                        QStringLiteral("--name"), QStringLiteral("training")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString live = r.out.trimmed();

    Logger logger(db, live);
    QVERIFY(logger.started());
    for (int s = 0; s < 200; ++s)
        logger.log(QStringLiteral("loss"), s, 2.0 / (s + 1));
    QTRY_COMPARE_WITH_TIMEOUT(storedCount(db, live, QStringLiteral("loss")), qint64(200), 10000);

    MainWindow window(db);
    window.resize(1500, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showCompare({live, done});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    ComparePage *page = window.comparePage();
    QCOMPARE(page->charts().size(), 1);
    MetricChart *chart = page->charts().first();
    QCOMPARE(chart->data().x1, qint64(199));
    // The live run is marked in the legend; the finished one is not.
    auto *legend = page->chartsTab()->findChild<QListWidget *>(QStringLiteral("compareLegend"));
    QVERIFY(legend);
    QCOMPARE(legend->item(0)->text(),
             runstatus::withLiveMark(QStringLiteral("training"), RunStatus::Running));
    QCOMPARE(legend->item(1)->text(), QStringLiteral("done"));

    // The logger flushes 100 points more, with a spike: the chart grows within a second of the flush,
    // reading only those points, and extends its x range.
    QSignalSpy folded(chart, &MetricChart::tailFolded);
    QVERIFY(folded.isValid());
    for (int s = 200; s < 300; ++s)
        logger.log(QStringLiteral("loss"), s, s == 250 ? 50.0 : 2.0 / (s + 1));
    QTRY_COMPARE_WITH_TIMEOUT(storedCount(db, live, QStringLiteral("loss")), qint64(300), 10000);
    QElapsedTimer sinceFlush;
    sinceFlush.start();
    QTRY_COMPARE_WITH_TIMEOUT(chart->data().x1, qint64(299), 5000);
    QVERIFY2(sinceFlush.elapsed() < 1000,
             qPrintable(QStringLiteral("grew %1 ms after the flush").arg(sinceFlush.elapsed())));
    QVERIFY(chart->lastTail().has_value());
    const ChartTail &tail = *chart->lastTail();
    QVERIFY(!tail.readAgain);
    QCOMPARE(tail.parts.size(), size_t(1));
    QCOMPARE(tail.parts[0].runId, live);
    QCOMPARE(tail.parts[0].readFrom, qint64(200));
    QCOMPARE(tail.parts[0].pointsRead, qint64(100));
    QCOMPARE(tail.parts[0].chunksRead, 1);
    // The y range and the export see the spike; so does the hover over it.
    QVERIFY(chart->drawnYRange().second >= 50);
    QVERIFY(chart->dataCsv().contains(QStringLiteral(",250,50\n")));
    const QRectF plot = chart->plotArea();
    const double x0 = double(chart->data().x0), span = double(chart->data().x1) - x0 + 1;
    // The pixel whose x is step 250 (the cursor's x is the pixel centre's, rounded).
    const int guess = int(std::floor(plot.left() + (250 - x0 + 0.5) * plot.width() / span - 0.5));
    for (int px = guess - 3; px <= guess + 3; ++px) {
        const QPoint at(px, int(plot.center().y()));
        QMouseEvent move(QEvent::MouseMove, at, chart->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(chart, &move);
        QTRY_VERIFY(chart->hover().has_value());
        if (chart->hover()->x == 250)
            break;
    }
    QCOMPARE(chart->hover()->x, qint64(250));
    const std::optional<MetricChart::Hover> hover = chart->hover();
    QVERIFY2(std::any_of(
                 hover->values.begin(), hover->values.end(),
                 [](const MetricChart::HoverValue &v) { return v.found && v.step == 250 && v.value == 50; }),
             "the hover names the spike that arrived live");

    // A zoomed chart keeps its window; the points arriving in it are drawn.
    chart->setXWindow(std::pair<qint64, qint64>{100, 400});
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isLoading(), 10000);
    for (int s = 300; s < 350; ++s)
        logger.log(QStringLiteral("loss"), s, 2.0 / (s + 1));
    QTRY_VERIFY_WITH_TIMEOUT(
        !chart->data().series.empty() && chart->data().series[0].raw.back().lastStep == 349, 5000);
    QCOMPARE(chart->xWindow(), (std::optional<std::pair<qint64, qint64>>{{100, 400}}));
    QCOMPARE(chart->data().x0, qint64(100));
    QCOMPARE(chart->data().x1, qint64(400));

    // A key logged for the first time mid-run gets its chart.
    logger.log(QStringLiteral("val/acc"), 350, 0.5);
    QTRY_COMPARE_WITH_TIMEOUT(page->charts().size(), 2, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 10000);
    // A system metric arriving mid-run goes into the System section, after every other, as on a first read
    // (sorted by name it would land between loss and val/acc).
    logger.log(QStringLiteral("system/cpu_utilization_percentage"), 0, 42.0);
    QTRY_COMPARE_WITH_TIMEOUT(page->charts().size(), 3, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 10000);
    QStringList keys;
    for (MetricChart *c : page->charts())
        keys << c->key();
    QCOMPARE(keys, (QStringList{QStringLiteral("loss"), QStringLiteral("val/acc"),
                                QStringLiteral("system/cpu_utilization_percentage")}));

    // The run ends: the live mark goes, and its charts are read whole (the natural moment for a full
    // overview).
    QVERIFY(logger.finish());
    QSignalSpy reading(chart, &MetricChart::loadingChanged);
    QVERIFY(reading.isValid());
    r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--run"), live, QStringLiteral("--end"),
                        QStringLiteral("FINISHED")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QTRY_COMPARE_WITH_TIMEOUT(legend->item(0)->text(), QStringLiteral("training"), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!reading.isEmpty() && !window.isLoading(), 10000);
    QVERIFY(reading.first().first().toBool()); // read whole
    QCOMPARE(chart->data().series[0].state.count, qint64(350));
}

void TestLive::runsTableKeepsSelectionCurrentAndScroll()
{
    const QString db = m_dir.filePath(QStringLiteral("table.db"));
    QStringList ids; // newest first, as the table lists them
    {
        Store store(db);
        const ExperimentId e = store.runs().createExperiment(QStringLiteral("table"));
        for (int i = 0; i < 120; ++i) {
            NewRun n;
            n.experimentId = e;
            n.name = QStringLiteral("run%1").arg(i, 3, 10, QLatin1Char('0'));
            n.startMs = T0 + i * 1000;
            n.status = RunStatus::Finished;
            const QString id = store.runs().createRun(n).id;
            store.series().logMetric(id, QStringLiteral("loss"), {0, T0, 1.0 + i});
            ids.prepend(id);
        }
    }
    MainWindow window(db);
    window.resize(1300, 700);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.runsPage()->showExperiment(1);
    QTRY_VERIFY(!window.isLoading());
    QTableView *table = window.runsPage()->table();
    RunTableModel *model = window.runsPage()->model();
    QVERIFY(test::fetchAll(model));
    QCOMPARE(model->rowCount(), 120);

    // Scrolled into the middle, two runs selected, a third current.
    table->scrollTo(model->index(60, 0), QAbstractItemView::PositionAtTop);
    QTest::qWait(100); // the view lays out and scrolls once back in the event loop
    const int scrolled = table->verticalScrollBar()->value();
    QVERIFY(scrolled > 0);
    const QString picked1 = ids[62], picked2 = ids[64], current = ids[63];
    QItemSelectionModel *selection = table->selectionModel();
    selection->select(model->index(62, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->select(model->index(64, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->setCurrentIndex(model->index(63, 2), QItemSelectionModel::NoUpdate);
    QCOMPARE(window.runsPage()->selectedRunIds().size(), 2);
    QTest::qWait(100); // the view scrolls the current run into view
    const QString top = table->indexAt(QPoint(5, 5)).data(RunIdRole).toString();
    QVERIFY(model->rowOf(top) > 0);

    // Another process logs into a selected run and a visible one, and starts a new run (listed first).
    QSignalSpy refreshed(model, &RunTableModel::refreshed);
    QVERIFY(refreshed.isValid());
    Result r =
        runProcess(db, {QStringLiteral("log"), QStringLiteral("--run"), picked1, QStringLiteral("--metric"),
                        QStringLiteral("loss=0.25"), QStringLiteral("--step"), QStringLiteral("1")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("table"),
                        QStringLiteral("--name"), QStringLiteral("fresh"), QStringLiteral("--metric"),
                        QStringLiteral("loss=3")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString fresh = r.out.trimmed();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 121, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), 5000);
    QCOMPARE(model->runAt(0).id, fresh);
    QCOMPARE(model->runAt(0).status, RunStatus::Running);

    // The metric cell of the changed run shows the new value.
    const int lossColumn = model->columnOf(RunTableModel::metricColumnId({QStringLiteral("loss")}));
    QVERIFY(lossColumn >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(model->index(model->rowOf(picked1), lossColumn).data(SortValueRole).toDouble(),
                              0.25, 5000);
    // Selection, current run and the runs on screen are what they were.
    QStringList selected = window.runsPage()->selectedRunIds();
    selected.sort();
    QStringList expected{picked1, picked2};
    expected.sort();
    QCOMPARE(selected, expected);
    QCOMPARE(selection->currentIndex().data(RunIdRole).toString(), current);
    QCOMPARE(selection->currentIndex().column(), 2);
    QCOMPARE(table->indexAt(QPoint(5, 5)).data(RunIdRole).toString(), top);
}

void TestLive::runningIsMarkedOnEveryPage()
{
    const QString db = m_dir.filePath(QStringLiteral("marks.db"));
    Result r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("marks"),
                               QStringLiteral("--name"), QStringLiteral("trainer"),
                               QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString id = r.out.trimmed();
    {
        Store store(db);
        store.registry().createRegisteredModel(QStringLiteral("classifier"));
        ModelVersion v;
        v.runId = id;
        v.source = QStringLiteral("model");
        store.registry().createModelVersion(QStringLiteral("classifier"), v);
    }
    MainWindow window(db);
    window.resize(1300, 800);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.runsPage()->showExperiment(1);
    QTRY_VERIFY(!window.isLoading());
    RunTableModel *model = window.runsPage()->model();
    QTRY_COMPARE(model->rowCount(), 1);
    const QModelIndex status = model->index(0, RunTableModel::StatusColumn);
    QCOMPARE(status.data().toString(), runstatus::label(RunStatus::Running));
    QVERIFY(status.data(Qt::DecorationRole).canConvert<QIcon>());

    // The run page's badge.
    window.showRun(id);
    QTRY_VERIFY(!window.isLoading());
    StatusBadge *badge = window.runPage()->header()->badge();
    QTRY_COMPARE(badge->text(), runstatus::label(RunStatus::Running));
    QCOMPARE(StatusBadge::fillColor(RunStatus::Running), runstatus::color(RunStatus::Running));

    // The models page, where the version's source run is shown.
    window.showModels(QStringLiteral("classifier"));
    QTRY_VERIFY(!window.isLoading());
    ModelVersionsModel *versions = window.modelsPage()->versionsModel();
    QTRY_COMPARE(versions->rowCount(), 1);
    const auto runCell = [&] { return versions->index(0, ModelVersionsModel::RunColumn); };
    QTRY_COMPARE(runCell().data().toString(),
                 runstatus::withLiveMark(QStringLiteral("trainer"), RunStatus::Running));
    QVERIFY(runCell().data(Qt::DecorationRole).canConvert<QIcon>());

    // The run ends in another process: the models page (shown) drops the mark live, and so do the others.
    r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--end"),
                        QStringLiteral("KILLED")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QTRY_COMPARE_WITH_TIMEOUT(runCell().data().toString(), QStringLiteral("trainer"), 5000);
    QVERIFY(!runCell().data(Qt::DecorationRole).isValid());
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, RunTableModel::StatusColumn).data().toString(),
                              runstatus::label(RunStatus::Killed), 5000);
    QVERIFY(!model->index(0, RunTableModel::StatusColumn).data(Qt::DecorationRole).isValid());
    window.showRun(id);
    QTRY_COMPARE_WITH_TIMEOUT(badge->text(), runstatus::label(RunStatus::Killed), 5000);

    // A run page left open while its run ends elsewhere follows too.
    r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("marks"),
                        QStringLiteral("--name"), QStringLiteral("second")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString second = r.out.trimmed();
    window.showRun(second);
    QTRY_COMPARE_WITH_TIMEOUT(badge->text(), runstatus::label(RunStatus::Running), 5000);
    r = runProcess(db, {QStringLiteral("log"), QStringLiteral("--run"), second, QStringLiteral("--end"),
                        QStringLiteral("FAILED")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QTRY_COMPARE_WITH_TIMEOUT(badge->text(), runstatus::label(RunStatus::Failed), 5000);
}

QTEST_MAIN(TestLive)
#include "tst_live.moc"
