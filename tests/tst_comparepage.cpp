// SPDX-License-Identifier: GPL-3.0-or-later
// The Compare page driven as a person would, offscreen, on a real database: opened from the runs table,
// charts per key grouped by prefix, zoom by rubber band, wheel and double-click, hover values, the legend,
// the key filter, smoothing, grouping, exports; and `runlens export-chart` from the command line. System
// metrics (system/...) form one section after every other, drawn on relative time whatever the x axis.

#include "charts/chartstab.h"
#include "charts/metricchart.h"
#include "itemmodels/displaytext.h"
#include "pages/comparepage.h"
#include "pages/runspage.h"
#include "series/seriesmath.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/experimentsidebar.h"

#include <cmath>
#include <QCheckBox>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QToolTip>
#include <QtTest>

using namespace runlens;

class TestComparePage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void opensFromTheRunsTable();
    void chartsPerKeyGroupedByPrefix();
    void rubberBandZoomReadsTheWindowAtFullResolution();
    void wheelZoomsAndDoubleClickResets();
    void hoverListsValuesSortedAndLegendHidesRuns();
    void hoverNamesTheStepUnderTheCursorAndEachRunsNearestPoint_data();
    void hoverNamesTheStepUnderTheCursorAndEachRunsNearestPoint();
    void keyFilterTakesRegularExpressions();
    void smoothingAndGroupingRedraw();
    void exportsGridAndChartFiles();
    void exportsInTheBackground();
    void exportsPlottedDataOffTheGuiThread();
    void remembersHowChartsAreDrawn();
    void exportChartCommand();
    void systemMetricsLastOnRelativeTime();
    void chartsOfOneAxisShareTheXRange();
    void legendWrapsGroupNames();

private:
    void openCompare(MainWindow &window, int runs = 6);
    QTemporaryDir m_dir;
    QString m_db;
    QStringList m_ids;
};

void TestComparePage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    m_db = m_dir.filePath(QStringLiteral("compare.db"));
    Store store(m_db);
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("sweep"));
    for (int i = 0; i < 6; ++i) {
        NewRun n;
        n.experimentId = e;
        n.name = QStringLiteral("run%1").arg(i);
        n.startMs = 1'700'000'000'000;
        n.status = RunStatus::Finished;
        const QString id = store.runs().createRun(n).id;
        m_ids << id;
        store.runs().logParam(id, QStringLiteral("seed"), QString::number(i % 3));
        store.runs().logParam(id, QStringLiteral("lr"),
                              i < 3 ? QStringLiteral("0.01") : QStringLiteral("0.001"));
        std::vector<MetricPoint> loss, acc;
        for (int s = 0; s < 20000; ++s) {
            double v = 2.0 * std::exp(-s / 5000.0) + 0.1 * i;
            if (s == 7000 + i)
                v += 5; // one spike per run
            loss.push_back({s, 1'700'000'000'000 + s * 100, v});
        }
        for (int s = 0; s < 20000; s += 500)
            acc.push_back({s, 1'700'000'000'000 + s * 100, 0.5 + 0.02 * i + s / 100000.0});
        store.series().logMetrics(id, QStringLiteral("train/loss"), loss);
        store.series().logMetrics(id, QStringLiteral("val/accuracy"), acc);
        store.series().logMetric(id, QStringLiteral("lr"), {0, 1'700'000'000'000, 0.01});
    }
}

void TestComparePage::openCompare(MainWindow &window, int runs)
{
    window.resize(1500, 950);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showCompare(m_ids.mid(0, runs));
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
}

void TestComparePage::opensFromTheRunsTable()
{
    MainWindow window(m_db);
    window.resize(1400, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.sidebar()->setFocus();
    window.runsPage()->showExperiment(1);
    QTRY_VERIFY(!window.isLoading());
    QTableView *table = window.runsPage()->table();
    QTRY_COMPARE(table->model()->rowCount(), 6);
    table->setFocus();
    table->selectAll();
    QTest::keyClick(table, Qt::Key_M, Qt::ControlModifier);
    QTRY_VERIFY(window.comparePage() && window.comparePage()->isVisible());
    QCOMPARE(window.comparePage()->runIds().size(), 6);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    QCOMPARE(window.comparePage()->runs().size(), size_t(6));
    // Esc goes back to the table.
    QTest::keyClick(window.comparePage()->charts().first(), Qt::Key_Escape);
    QTRY_VERIFY(window.runsPage()->isVisible());
}

void TestComparePage::chartsPerKeyGroupedByPrefix()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    QStringList keys;
    for (MetricChart *c : page->charts())
        keys << c->key();
    QCOMPARE(keys, (QStringList{QStringLiteral("lr"), QStringLiteral("train/loss"),
                                QStringLiteral("val/accuracy")}));
    QVERIFY(page->findChild<QToolButton *>(QStringLiteral("section:train")));
    QVERIFY(page->findChild<QToolButton *>(QStringLiteral("section:val")));
    MetricChart *loss = page->charts()[1];
    QCOMPARE(loss->data().series.size(), size_t(6));
    QCOMPARE(loss->data().x0, 0);
    QCOMPARE(loss->data().x1, 19999);
    // Read at the chart's own pixel width; every spike is in the data drawn.
    QVERIFY(loss->data().request.width > 100);
    for (const ChartSeries &s : loss->data().series) {
        double top = 0;
        for (const M4Column &c : s.raw)
            top = std::max(top, c.max);
        QVERIFY2(top > 5, qPrintable(s.runId));
    }
}

void TestComparePage::rubberBandZoomReadsTheWindowAtFullResolution()
{
    MainWindow window(m_db);
    openCompare(window);
    MetricChart *loss = window.comparePage()->charts()[1];
    loss->scrollTo();
    const QRect plot = loss->plotArea().toRect();
    const QPoint from(plot.left() + plot.width() * 3 / 10, plot.top() + 5);
    const QPoint to(plot.left() + plot.width() * 4 / 10, plot.bottom() - 5);
    QTest::mousePress(loss, Qt::LeftButton, {}, from);
    QTest::mouseMove(loss, (from + to) / 2);
    QTest::mouseMove(loss, to);
    QTest::mouseRelease(loss, Qt::LeftButton, {}, to);
    QVERIFY(loss->xWindow().has_value());
    QVERIFY(loss->yRange().has_value());
    const auto [x0, x1] = *loss->xWindow();
    QVERIFY(x0 > 5000 && x0 < 6500);
    QVERIFY(x1 > 7500 && x1 < 8500);
    QTRY_VERIFY_WITH_TIMEOUT(!loss->isLoading() && loss->data().x0 == x0, 10000);
    // ~2000 steps over ~1100 columns: every point read, none summarised.
    for (const ChartSeries &s : loss->data().series) {
        QVERIFY(s.exact);
        QCOMPARE(s.points, x1 - x0 + 1);
    }
}

void TestComparePage::wheelZoomsAndDoubleClickResets()
{
    MainWindow window(m_db);
    openCompare(window);
    MetricChart *loss = window.comparePage()->charts()[1];
    const QRect plot = loss->plotArea().toRect();
    const QPoint at = plot.center();
    QWheelEvent wheel(at, loss->mapToGlobal(at), {}, QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(loss, &wheel);
    QVERIFY(loss->xWindow().has_value());
    const auto [x0, x1] = *loss->xWindow();
    QVERIFY(x1 - x0 < 15000); // two notches: 0.64 of the span
    QVERIFY(x0 > 2000 && x1 < 18000);
    QTRY_VERIFY(!loss->isLoading() && loss->data().x0 == x0);
    QTest::mouseDClick(loss, Qt::LeftButton, {}, at);
    QVERIFY(!loss->xWindow().has_value());
    QTRY_VERIFY(!loss->isLoading() && loss->data().x0 == 0 && loss->data().x1 == 19999);
}

void TestComparePage::hoverListsValuesSortedAndLegendHidesRuns()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    MetricChart *loss = page->charts()[1];
    const QRect plot = loss->plotArea().toRect();
    const QPoint at(plot.left() + plot.width() / 2, plot.center().y());
    QMouseEvent move(QEvent::MouseMove, at, loss->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(loss, &move);
    QTRY_VERIFY(loss->hover().has_value());
    std::vector<MetricChart::HoverValue> values = loss->hover()->values;
    QCOMPARE(values.size(), size_t(6));
    for (size_t i = 1; i < values.size(); ++i)
        QVERIFY(values[i - 1].value >= values[i].value);
    QCOMPARE(values.front().name, QStringLiteral("run5")); // highest offset
    QCOMPARE(values.front().x, loss->hover()->x); // every run logged every step: the cursor's own step
    QVERIFY(std::abs(values.front().value - (2.0 * std::exp(-values.front().x / 5000.0) + 0.5)) < 1e-9);
    QTRY_COMPARE(QToolTip::text(), loss->hoverText());

    // Untick run5 in the legend: gone from every chart's values.
    auto *legend = page->findChild<QListWidget *>(QStringLiteral("compareLegend"));
    QListWidgetItem *item = legend->findItems(QStringLiteral("run5"), Qt::MatchStartsWith).first();
    item->setCheckState(Qt::Unchecked);
    values = loss->hover()->values;
    QCOMPARE(values.size(), size_t(5));
    QVERIFY(
        std::none_of(values.begin(), values.end(), [](auto &v) { return v.name == QLatin1String("run5"); }));
    QVERIFY(!page->chartContext().styles.value(m_ids[5]).visible);
}

namespace {

// One row of the chart's hover tooltip: the run's name, its value, and the notes after it.
struct TipRow
{
    QString name, value, notes;
};

std::pair<QString, std::vector<TipRow>> parseTip(const QString &html)
{
    static const QRegularExpression header(QStringLiteral("^<b>[^<]*</b> &nbsp; ([^<]*)<table"));
    static const QRegularExpression row(QStringLiteral(
        "&#9632;</font> ([^<]*)</td><td[^>]*>&nbsp; ([^<]*)</td>(?:<td[^>]*>&nbsp; ([^<]*)</td>)?</tr>"));
    std::vector<TipRow> rows;
    for (auto it = row.globalMatch(html); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        rows.push_back({m.captured(1), m.captured(2), m.captured(3)});
    }
    return {header.match(html).captured(1), rows};
}

// `runlens metric RUN KEY`: every point as the command line prints it, sorted by step.
struct CliPoint
{
    qint64 step, timestamp;
    QString value;
};
std::vector<CliPoint> cliMetric(const QString &db, const QString &run, const QString &key)
{
    QProcess p;
    p.start(QStringLiteral(RUNLENS_BINARY), {QStringLiteral("--db"), db, QStringLiteral("metric"), run, key});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return {};
    std::vector<CliPoint> out;
    const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) { // after the header
        const QList<QByteArray> f = lines[i].split(',');
        if (f.size() == 3)
            out.push_back({f[0].toLongLong(), f[1].toLongLong(), QString::fromLatin1(f[2])});
    }
    std::stable_sort(out.begin(), out.end(), [](auto &a, auto &b) { return a.step < b.step; });
    return out;
}

double number(const QString &text)
{
    if (text == QLatin1String("NaN"))
        return std::nan("");
    if (text.endsWith(QLatin1String("Infinity")))
        return text.startsWith(u'-') ? -INFINITY : INFINITY;
    return text.toDouble();
}

} // namespace

// The bug: hovering at step ~1270 said "step 785" and showed a run that is NaN there at 14.33,
// because the tooltip read the drawn columns' last points. Now the header names the step under the cursor
// (the x under the pixel, rounded to a step) and each run's row its nearest logged point within a few
// pixels, exactly as `runlens metric` prints it (the real binary), with the step when it is another one,
// "no point" beyond a run's range or inside its gap; on 1,000,000-point series (the chart is reduced), runs
// with a NaN and an infinity stretch, every 7th step, a gap, and the step axis with and without smoothing
// and the relative time axis.
void TestComparePage::hoverNamesTheStepUnderTheCursorAndEachRunsNearestPoint_data()
{
    QTest::addColumn<int>("axis");
    QTest::addColumn<double>("smoothing");
    QTest::newRow("step") << int(ChartXAxis::Step) << 0.0;
    QTest::newRow("step, smoothed") << int(ChartXAxis::Step) << 0.6;
    QTest::newRow("relative time") << int(ChartXAxis::RelativeTime) << 0.0;
}

void TestComparePage::hoverNamesTheStepUnderTheCursorAndEachRunsNearestPoint()
{
    QFETCH(int, axis);
    QFETCH(double, smoothing);
    const QString db = m_dir.filePath(QStringLiteral("hover.db"));
    const QString key = QStringLiteral("hover");
    const QStringList names = {QStringLiteral("dense"), QStringLiteral("seventh"), QStringLiteral("gappy"),
                               QStringLiteral("short")};
    constexpr qint64 Steps = 1'000'000, StartMs = 1'700'000'000'000;
    if (!QFile::exists(db)) {
        Store store(db);
        const ExperimentId e = store.runs().createExperiment(QStringLiteral("hover"));
        std::vector<std::vector<MetricPoint>> series(4);
        for (qint64 i = 0; i < Steps; ++i) {
            const qint64 t = StartMs + 10 * i + (i * 7919) % 7;
            double v = 1 + 0.5 * std::sin(double(i) / 50'000.0) + double(i % 13) / 1000.0;
            if (i >= 400'000 && i < 460'000)
                v = std::nan("");
            else if (i >= 800'000 && i < 830'000)
                v = INFINITY;
            series[0].push_back({i, t, v});
            if (i % 7 == 0)
                series[1].push_back({i, t + 3, 2 + std::cos(double(i) / 70'000.0) + double(i % 11) / 997.0});
            if (i < 300'000 || i >= 650'000)
                series[2].push_back({i, t, 0.5 + double(i % 101) / 1000.0});
            if (i < 200'000)
                series[3].push_back({i, t, 3 - double(i) / 1e5});
        }
        for (int r = 0; r < 4; ++r) {
            NewRun n;
            n.experimentId = e;
            n.name = names[r];
            n.startMs = StartMs;
            const QString id = store.runs().createRun(n).id;
            store.series().logMetrics(id, key, series[size_t(r)]);
        }
    }
    QStringList ids;
    std::vector<std::vector<CliPoint>> points;
    std::vector<std::vector<double>> smoothed;
    {
        Store store(db);
        for (const QString &name : names) {
            RunQuery q;
            q.filter = QStringLiteral("attributes.run_name = '%1'").arg(name);
            ids << store.runs().searchRunIds(q).value(0);
            points.push_back(cliMetric(db, ids.back(), key));
            QVERIFY2(!points.back().empty(), "runlens metric printed the points");
            std::vector<double> values;
            for (const CliPoint &p : points.back())
                values.push_back(number(p.value));
            smoothed.push_back(seriesmath::smoothEma(values, smoothing > 0 ? smoothing : 0.5));
        }
    }

    MainWindow window(db);
    window.resize(1300, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showCompare(ids);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 30000);
    ComparePage *page = window.comparePage();
    page->setXAxis(ChartXAxis(axis));
    page->setSmoothing(smoothing);
    QCOMPARE(page->charts().size(), 1);
    MetricChart *chart = page->charts().first();
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isLoading() && chart->data().series.size() == 4 &&
                                 chart->data().request.xAxis == ChartXAxis(axis) &&
                                 chart->data().request.smoothing == smoothing,
                             30000);
    QCOMPARE(chart->data().series[0].points, Steps);
    QVERIFY(chart->data().series[0].raw.size() < 3000); // reduced: a few columns for a million points

    const QRectF plot = chart->plotArea();
    const double x0 = double(chart->data().x0), span = double(chart->data().x1) - x0 + 1;
    const qint64 radius = qint64(std::ceil(MetricChart::HoverRadius * span / plot.width()));
    const bool stepAxis = ChartXAxis(axis) == ChartXAxis::Step;
    const auto xOf = [&](const CliPoint &p) { return stepAxis ? p.step : p.timestamp - StartMs; };
    int checked = 0, noPoint = 0, nan = 0, inf = 0, otherStep = 0;
    std::vector<int> columns;
    for (int px = int(plot.left()) + 1; px < plot.right() - 1; px += 7)
        columns.push_back(px);
    // The middle of dense's NaN stretch and of gappy's gap, and at the edge of short's range.
    for (const qint64 step : {qint64(430'000), qint64(815'000), qint64(480'000), qint64(199'999)}) {
        const double x = stepAxis ? double(step) : double(10 * step);
        columns.push_back(int(std::floor(plot.left() + (x - x0 + 0.5) * plot.width() / span - 0.5)));
    }
    for (const int px : columns) {
        const qint64 x = qint64(std::llround(x0 + (px + 0.5 - plot.left()) * span / plot.width() - 0.5));
        const QPoint at(px, int(plot.center().y()));
        QMouseEvent move(QEvent::MouseMove, at, chart->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(chart, &move);
        const QString cursor = stepAxis ? QStringLiteral("step %1").arg(x) : display::duration(x);
        QTRY_VERIFY2_WITH_TIMEOUT(
            parseTip(QToolTip::text()).second.size() == 4 && parseTip(QToolTip::text()).first == cursor,
            qPrintable(QStringLiteral("at x %1 the tooltip is %2").arg(x).arg(QToolTip::text())), 5000);
        const auto [header, rows] = parseTip(QToolTip::text());
        std::vector<double> shown;
        for (const TipRow &row : rows) {
            const int r = int(names.indexOf(row.name));
            QVERIFY2(r >= 0, qPrintable(row.name));
            // The nearest point within the radius; on a tie the earlier one.
            const std::vector<CliPoint> &ps = points[size_t(r)];
            const auto it = std::lower_bound(ps.begin(), ps.end(), x,
                                             [&](const CliPoint &p, qint64 v) { return xOf(p) < v; });
            std::optional<size_t> best;
            for (auto c : {it - 1, it}) {
                if (c < ps.begin() || c >= ps.end() || std::abs(xOf(*c) - x) > radius)
                    continue;
                if (!best || std::abs(xOf(*c) - x) < std::abs(xOf(ps[*best]) - x))
                    best = size_t(c - ps.begin());
            }
            const QString where = QStringLiteral("%1 at x %2 (radius %3): %4 %5")
                                      .arg(row.name)
                                      .arg(x)
                                      .arg(radius)
                                      .arg(row.value, row.notes);
            if (!best) {
                QVERIFY2(row.value == QLatin1String("no point"), qPrintable(where));
                ++noPoint;
                shown.push_back(std::nan(""));
                continue;
            }
            const CliPoint &p = ps[*best];
            if (smoothing > 0) {
                const double want = smoothed[size_t(r)][*best], got = number(row.value);
                QVERIFY2(got == want || (std::isnan(got) && std::isnan(want)), qPrintable(where));
                QVERIFY2(row.notes.startsWith(QStringLiteral("raw %1").arg(p.value)), qPrintable(where));
            } else {
                QVERIFY2(row.value == p.value, qPrintable(where + QStringLiteral(", want ") + p.value));
            }
            const QString stepNote = QStringLiteral("step %1").arg(p.step);
            if (stepAxis && xOf(p) == x)
                QVERIFY2(!row.notes.contains(QLatin1String("step")), qPrintable(where));
            else
                QVERIFY2(row.notes.contains(stepNote),
                         qPrintable(where + QStringLiteral(", want ") + stepNote));
            otherStep += xOf(p) != x;
            nan += p.value == QLatin1String("NaN");
            inf += p.value == QLatin1String("Infinity");
            shown.push_back(number(row.value));
            ++checked;
        }
        // Highest first; NaN and no point last.
        for (size_t i = 1; i < shown.size(); ++i)
            QVERIFY(std::isnan(shown[i]) || shown[i - 1] >= shown[i]);
    }
    QVERIFY2(
        checked > 100 && noPoint >= 10 && nan >= 1 && inf >= 1 && otherStep >= 20,
        qPrintable(QStringLiteral("%1 values, %2 without a point, %3 NaN, %4 infinite, %5 at another step")
                       .arg(checked)
                       .arg(noPoint)
                       .arg(nan)
                       .arg(inf)
                       .arg(otherStep)));
    QToolTip::hideText();
}

void TestComparePage::keyFilterTakesRegularExpressions()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    auto *filter = page->findChild<QLineEdit *>(QStringLiteral("metricFilter"));
    QTest::keyClicks(filter, QStringLiteral("^(train|val)/"));
    QTRY_COMPARE(page->charts().size(), 2);
    filter->clear();
    QTest::keyClicks(filter, QStringLiteral("loss("));
    QCOMPARE(page->charts().size(), 3); // not a regular expression: every key, and the field says why
    QVERIFY(filter->toolTip().contains(QLatin1String("Not a regular expression")));
    filter->clear();
    QTest::keyClicks(filter, QStringLiteral("nothing-matches"));
    QCOMPARE(page->charts().size(), 0);
    QVERIFY(page->findChild<QLabel *>(QStringLiteral("compareEmpty"))->isVisible());
    page->setKeyFilter({});
    page->setChosenKeys({QStringLiteral("lr")});
    QCOMPARE(page->charts().size(), 1);
}

void TestComparePage::smoothingAndGroupingRedraw()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    MetricChart *loss = page->charts()[1];
    page->setSmoothing(0.9);
    QTRY_VERIFY_WITH_TIMEOUT(!loss->isLoading() && !loss->data().series.empty() &&
                                 !loss->data().series.front().smoothed.empty(),
                             20000);
    QCOMPARE(loss->data().request.smoothing, 0.9);
    const QImage smoothed = loss->grab().toImage();

    page->setGroupBy(QStringLiteral("params.lr"));
    QCOMPARE(page->chartContext().groups.size(), size_t(2));
    QCOMPARE(page->chartContext().groups[0].runIds.size(), 3);
    const QImage grouped = loss->grab().toImage();
    QVERIFY(grouped != smoothed);
    page->setGroupBy({});
    QVERIFY(page->chartContext().groups.empty());

    page->setXAxis(ChartXAxis::RelativeTime);
    QTRY_VERIFY_WITH_TIMEOUT(!loss->isLoading() && loss->data().request.xAxis == ChartXAxis::RelativeTime,
                             20000);
    QCOMPARE(loss->data().x0, 0);
    QCOMPARE(loss->data().x1, 19999 * 100); // ms since the runs' start
}

void TestComparePage::exportsGridAndChartFiles()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    for (const QString &suffix : {QStringLiteral("png"), QStringLiteral("svg"), QStringLiteral("pdf")}) {
        const QString path = m_dir.filePath(QStringLiteral("grid.") + suffix);
        QString error;
        QVERIFY2(page->exportGrid(path, 2, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray head = f.read(8);
        QVERIFY(suffix != QLatin1String("png") || head.startsWith("\x89PNG"));
        QVERIFY(suffix != QLatin1String("pdf") || head.startsWith("%PDF"));
        QVERIFY(suffix != QLatin1String("svg") || f.readAll().contains("<svg"));
    }
    const QImage png(m_dir.filePath(QStringLiteral("grid.png")));
    QCOMPARE(png.width(),
             int(2 * page->charts().first()->width() * std::min<qsizetype>(2, page->charts().size())));
    QString error;
    QVERIFY(!page->exportGrid(QStringLiteral("/nonexistent-dir/x.png"), 1, &error));
    QVERIFY(error.contains(QLatin1String("/nonexistent-dir/x.png")));
    QVERIFY(!page->exportGrid(m_dir.filePath(QStringLiteral("x.gif")), 1, &error));
    QVERIFY(error.contains(QLatin1String(".png, .svg or .pdf")));

    const QString csv = page->gridDataCsv();
    QVERIFY(csv.startsWith(QLatin1String("run_id,run_name,metric,curve,step,value\n")));
    QVERIFY(csv.contains(QStringLiteral(",run0,train/loss,raw,0,2\n")));
    QVERIFY(csv.contains(QStringLiteral(",run5,lr,raw,0,0.01\n")));
}

// The Export menu and a chart's Save Image write on a worker thread: the call returns at once, the
// picture is the one the synchronous export draws, and a failure is reported with the path.
void TestComparePage::exportsInTheBackground()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    QSignalSpy finished(page, &ComparePage::exportFinished);
    QSignalSpy status(page, &ComparePage::statusMessage);
    const QString path = m_dir.filePath(QStringLiteral("background.png"));
    page->startGridExport(path, 1);
    QVERIFY(page->isExporting()); // nothing written on the GUI thread: its answer needs the event loop
    QVERIFY(finished.wait(20000));
    QVERIFY(!page->isExporting());
    QCOMPARE(finished.at(0).at(0).toString(), path);
    QCOMPARE(finished.at(0).at(1).toString(), QString());
    QVERIFY(status.last().at(0).toString().startsWith(QLatin1String("Saved ")));
    QString error;
    const QString reference = m_dir.filePath(QStringLiteral("foreground.png"));
    QVERIFY2(page->exportGrid(reference, 1, &error), qPrintable(error));
    const QImage got(path), want(reference);
    QVERIFY(!got.isNull());
    QCOMPARE(got.convertToFormat(QImage::Format_ARGB32), want.convertToFormat(QImage::Format_ARGB32));

    // One chart: itself with the legend below, as export-chart draws one metric.
    MetricChart *chart = page->charts().first();
    QSignalSpy chartFinished(chart, &MetricChart::exportFinished);
    const QString one = m_dir.filePath(QStringLiteral("one.png"));
    chart->startExport(one, 1);
    QVERIFY(chartFinished.wait(20000));
    QCOMPARE(chartFinished.at(0).at(1).toString(), QString());
    const QImage single(one);
    QCOMPARE(single.width(), chart->width());
    QVERIFY(single.height() > chart->height());

    // A folder that does not exist: a warning naming the file, and the status bar says it too.
    bool warned = false;
    QTimer closer;
    QObject::connect(&closer, &QTimer::timeout, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            warned = box->text().contains(QLatin1String("/nonexistent-dir/c.png"));
            box->close();
        }
    });
    closer.start(20);
    chart->startExport(QStringLiteral("/nonexistent-dir/c.png"), 1);
    QVERIFY(chartFinished.wait(20000));
    QVERIFY(chartFinished.last().at(1).toString().contains(QLatin1String("/nonexistent-dir/c.png")));
    QTRY_VERIFY(warned);
    QVERIFY(status.last().at(0).toString().contains(QLatin1String("/nonexistent-dir/c.png")));
    QVERIFY(!QFileInfo::exists(QStringLiteral("/nonexistent-dir/c.png")));
}

// Export Plotted Data as CSV (the grid) and Export Data as CSV (one chart) write on a worker thread: the call
// returns before anything is written, the file appears whole (the very text the charts plot) with no
// temporary beside it, and a failed write shows "Cannot write <path>: <why>" and leaves no file.
void TestComparePage::exportsPlottedDataOffTheGuiThread()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    ChartsTab *tab = page->chartsTab();
    QVERIFY(tab);
    QTemporaryDir out;
    QVERIFY(out.isValid());

    QSignalSpy gridExported(tab, &ChartsTab::dataExported);
    QVERIFY(gridExported.isValid());
    const QString gridPath = out.filePath(QStringLiteral("comparison.csv"));
    tab->exportGridData(gridPath);
    QVERIFY(page->isExporting()); // its answer needs the event loop: nothing was written on this thread
    QCOMPARE(gridExported.count(), 0);
    QVERIFY(gridExported.wait(20000));
    QVERIFY(!page->isExporting());
    QCOMPARE(gridExported.at(0).at(0).toString(), gridPath);
    QCOMPARE(gridExported.at(0).at(1).toString(), QString());
    const QByteArray grid = test::readFile(gridPath);
    QCOMPARE(grid, tab->gridDataCsv().toUtf8());
    QVERIFY(grid.startsWith("run_id,run_name,metric,curve,step,value\n"));
    QVERIFY(grid.contains(",run5,lr,raw,0,0.01\n"));

    MetricChart *chart = page->charts().first();
    QSignalSpy chartExported(chart, &MetricChart::dataExported);
    QVERIFY(chartExported.isValid());
    const QString chartPath = out.filePath(QStringLiteral("chart.csv"));
    chart->exportDataTo(chartPath);
    QCOMPARE(chartExported.count(), 0);
    QVERIFY(chartExported.wait(20000));
    QCOMPARE(chartExported.at(0).at(1).toString(), QString());
    QCOMPARE(test::readFile(chartPath), chart->dataCsv().toUtf8());
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden),
             (QStringList{QStringLiteral("chart.csv"), QStringLiteral("comparison.csv")}));

    // Written again over the old file: replaced whole.
    page->setChosenKeys({QStringLiteral("lr")});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    tab->exportGridData(gridPath);
    QVERIFY(gridExported.wait(20000));
    QCOMPARE(test::readFile(gridPath), tab->gridDataCsv().toUtf8());
    QVERIFY(!test::readFile(gridPath).contains("train/loss"));

    // A folder that does not exist: the message names the file, in a warning too; nothing is written.
    const QString bad = QStringLiteral("/nonexistent-dir/d.csv");
    const auto warningAbout = [&window](const QString &path) -> QMessageBox * {
        for (QMessageBox *box : window.findChildren<QMessageBox *>(QStringLiteral("exportError"))) {
            if (box->isVisible() && box->text().startsWith(QStringLiteral("Cannot write %1: ").arg(path)))
                return box;
        }
        return nullptr;
    };
    tab->exportGridData(bad);
    QVERIFY(gridExported.wait(20000));
    QVERIFY(gridExported.last().at(1).toString().startsWith(QStringLiteral("Cannot write %1: ").arg(bad)));
    QTRY_VERIFY(warningAbout(bad));
    warningAbout(bad)->close();
    chart->exportDataTo(bad);
    QVERIFY(chartExported.wait(20000));
    QVERIFY(chartExported.last().at(1).toString().startsWith(QStringLiteral("Cannot write %1: ").arg(bad)));
    QTRY_VERIFY(warningAbout(bad));
    warningAbout(bad)->close();
    QVERIFY(!QFileInfo::exists(bad));
    // A folder as the target: refused by name.
    tab->exportGridData(out.path());
    QVERIFY(gridExported.wait(20000));
    QVERIFY2(gridExported.last().at(1).toString().endsWith(QStringLiteral("it is a folder")),
             qPrintable(gridExported.last().at(1).toString()));
    QTRY_VERIFY(warningAbout(out.path()));
    warningAbout(out.path())->close();
}

// The x axis, log y, outliers and smoothing are the person's habit: the next comparison (in this window or
// the next one) starts with them.
void TestComparePage::remembersHowChartsAreDrawn()
{
    {
        MainWindow window(m_db);
        openCompare(window);
        ComparePage *page = window.comparePage();
        page->setXAxis(ChartXAxis::RelativeTime);
        page->setLogY(true);
        page->setIgnoreOutliers(true);
        page->setSmoothing(0.6);
        QTRY_VERIFY(!window.isLoading());
    }
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    QCOMPARE(page->chartContext().xAxis, ChartXAxis::RelativeTime);
    QVERIFY(page->chartContext().options.logY);
    QVERIFY(page->chartContext().options.ignoreOutliers);
    QCOMPARE(page->chartContext().options.smoothing, 0.6);
    QCOMPARE(page->findChild<QComboBox *>(QStringLiteral("xAxis"))->currentText(),
             QStringLiteral("Relative time"));
    QCOMPARE(page->findChild<QSlider *>(QStringLiteral("smoothing"))->value(), 600);
    // The charts were read that way, not drawn one way and then read again.
    MetricChart *chart = page->charts().first();
    QTRY_VERIFY(!chart->isLoading());
    QCOMPARE(chart->data().request.xAxis, ChartXAxis::RelativeTime);
    QCOMPARE(chart->data().request.smoothing, 0.6);

    // Values from elsewhere (a hand edit, another version) fall back to what can be drawn.
    {
        QSettings settings(QStringLiteral("runlens"), QStringLiteral("runlens"));
        settings.setValue(QStringLiteral("compare/xAxis"), QStringLiteral("sideways"));
        settings.setValue(QStringLiteral("compare/smoothing"), 5000);
    }
    MainWindow next(m_db);
    openCompare(next);
    QCOMPARE(next.comparePage()->chartContext().xAxis, ChartXAxis::Step);
    QCOMPARE(next.comparePage()->chartContext().options.smoothing, 0.999);
}

void TestComparePage::exportChartCommand()
{
    const QString out = m_dir.filePath(QStringLiteral("cli.png"));
    QProcess p;
    p.start(QStringLiteral(RUNLENS_BINARY),
            {QStringLiteral("--db"), m_db, QStringLiteral("export-chart"), QStringLiteral("--runs"),
             m_ids.mid(0, 3).join(QLatin1Char(',')), QStringLiteral("--metric"), QStringLiteral("train/loss"),
             QStringLiteral("--metric"), QStringLiteral("val/accuracy"), QStringLiteral("--size"),
             QStringLiteral("900x500"), QStringLiteral("--smooth"), QStringLiteral("0.6"),
             QStringLiteral("--out"), out});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().contains("2 chart(s) of 3 run(s)"));
    const QImage img(out);
    QCOMPARE(img.size(), QSize(900, 500));

    const QString svg = m_dir.filePath(QStringLiteral("cli.svg"));
    p.start(QStringLiteral(RUNLENS_BINARY),
            {QStringLiteral("--db"), m_db, QStringLiteral("export-chart"), QStringLiteral("--filter"),
             QStringLiteral("params.lr = '0.01'"), QStringLiteral("--experiment"), QStringLiteral("sweep"),
             QStringLiteral("--metric"), QStringLiteral("train/loss"), QStringLiteral("--x"),
             QStringLiteral("relative"), QStringLiteral("--log-y"), QStringLiteral("--out"), svg});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().contains("1 chart(s) of 3 run(s)"));

    // Bad input: clear messages, exit 1 or 2, no file.
    const QString never = m_dir.filePath(QStringLiteral("never.png"));
    const QList<std::pair<QStringList, int>> bad{
        {{QStringLiteral("--runs"), QStringLiteral("0123"), QStringLiteral("--metric"), QStringLiteral("x"),
          QStringLiteral("--out"), never},
         1},
        {{QStringLiteral("--runs"), m_ids[0], QStringLiteral("--out"), never}, 2},
        {{QStringLiteral("--runs"), m_ids[0], QStringLiteral("--metric"), QStringLiteral("x"),
          QStringLiteral("--x"), QStringLiteral("epoch"), QStringLiteral("--out"), never},
         2},
        {{QStringLiteral("--filter"), QStringLiteral("metrics.loss <"), QStringLiteral("--metric"),
          QStringLiteral("x"), QStringLiteral("--out"), never},
         1},
        {{QStringLiteral("--runs"), m_ids[0], QStringLiteral("--metric"), QStringLiteral("x"),
          QStringLiteral("--smooth"), QStringLiteral("1.5"), QStringLiteral("--out"), never},
         2},
    };
    for (const auto &[args, status] : bad) {
        p.start(QStringLiteral(RUNLENS_BINARY),
                QStringList{QStringLiteral("--db"), m_db, QStringLiteral("export-chart")} + args);
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == status, qPrintable(args.join(QLatin1Char(' '))));
        QVERIFY(!p.readAllStandardError().isEmpty());
        QVERIFY(!QFile::exists(never));
    }
}

// System metrics (the Python client's and MLflow's "system/..." keys, MLflow's per-node ones too) form one
// section, "System", after every other; their steps are sample indices, so their charts are on relative time
// whatever axis the others use, and the CSV of the grid and `runlens export-chart` say and draw the same.
void TestComparePage::systemMetricsLastOnRelativeTime()
{
    const QString db = m_dir.filePath(QStringLiteral("system.db"));
    QStringList ids;
    constexpr qint64 Start = 1'700'000'000'000;
    {
        Store store(db);
        const ExperimentId e = store.runs().createExperiment(QStringLiteral("training"));
        for (int i = 0; i < 2; ++i) {
            NewRun n;
            n.experimentId = e;
            n.name = QStringLiteral("sysrun%1").arg(i);
            n.startMs = Start;
            n.status = RunStatus::Finished;
            const QString id = store.runs().createRun(n).id;
            ids << id;
            std::vector<MetricPoint> loss, system;
            for (int s = 0; s < 50; ++s)
                loss.push_back({s, Start + s * 1000, 1.0 / (s + 1) + i});
            for (int s = 0; s < 30; ++s)
                system.push_back({s, Start + s * 10'000, 10.0 + s + i});
            for (const QString &key :
                 {QStringLiteral("loss"), QStringLiteral("train/acc"), QStringLiteral("val/loss")})
                store.series().logMetrics(id, key, loss);
            store.series().logMetric(id, QStringLiteral("zeta"), {0, Start, 1.0});
            for (const QString &key : {QStringLiteral("system/cpu_utilization_percentage"),
                                       QStringLiteral("system/gpu_0_utilization_percentage"),
                                       QStringLiteral("system/node_0/cpu_utilization_percentage")})
                store.series().logMetrics(id, key, system);
        }
    }
    MainWindow window(db);
    window.resize(1500, 950);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showCompare(ids);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    ComparePage *page = window.comparePage();
    QStringList keys;
    for (MetricChart *c : page->charts())
        keys << c->key();
    QCOMPARE(keys,
             (QStringList{QStringLiteral("loss"), QStringLiteral("zeta"), QStringLiteral("train/acc"),
                          QStringLiteral("val/loss"), QStringLiteral("system/cpu_utilization_percentage"),
                          QStringLiteral("system/gpu_0_utilization_percentage"),
                          QStringLiteral("system/node_0/cpu_utilization_percentage")}));
    // One System section holding all three, below every other section.
    auto *system = page->findChild<QToolButton *>(QStringLiteral("section:system"));
    QVERIFY(system);
    QCOMPARE(system->text(), QStringLiteral("System  (3)"));
    QVERIFY(!page->findChild<QToolButton *>(QStringLiteral("section:system/node_0")));
    QList<QToolButton *> sections;
    for (QToolButton *b : page->findChildren<QToolButton *>()) {
        if (b->objectName().startsWith(QStringLiteral("section:")))
            sections << b;
    }
    QCOMPARE(sections.size(), 4);
    for (QToolButton *b : std::as_const(sections)) {
        if (b != system)
            QVERIFY2(b->y() < system->y(), qPrintable(b->objectName()));
    }
    for (MetricChart *c : page->charts()) {
        if (c->key().startsWith(QStringLiteral("system/")))
            QVERIFY(c->y() + c->parentWidget()->y() > system->y());
    }

    // On the step axis the run's metrics go by step, the system ones by time since the run started.
    const auto chart = [page](const QString &key) {
        for (MetricChart *c : page->charts())
            if (c->key() == key)
                return c;
        return static_cast<MetricChart *>(nullptr);
    };
    MetricChart *loss = chart(QStringLiteral("loss"));
    MetricChart *cpu = chart(QStringLiteral("system/cpu_utilization_percentage"));
    QCOMPARE(page->chartContext().xAxis, ChartXAxis::Step);
    QCOMPARE(loss->data().request.xAxis, ChartXAxis::Step);
    QCOMPARE(loss->data().x1, 49);
    QCOMPARE(cpu->xAxis(), ChartXAxis::RelativeTime);
    QCOMPARE(cpu->data().request.xAxis, ChartXAxis::RelativeTime);
    QCOMPARE(cpu->data().x0, 0);
    QCOMPARE(cpu->data().x1, 290'000);
    QCOMPARE(cpu->data().series.size(), size_t(2));

    // The grid's CSV names each row's axis when two are shown; a chart's own CSV names its axis.
    const QString csv = page->chartsTab()->gridDataCsv();
    QVERIFY(csv.startsWith(QStringLiteral("run_id,run_name,metric,curve,x,value,x_axis\n")));
    QVERIFY(
        csv.contains(QStringLiteral(",sysrun1,system/cpu_utilization_percentage,raw,290000,40,relative\n")));
    QVERIFY(csv.contains(QStringLiteral(",sysrun0,zeta,raw,0,1,step\n")));
    QCOMPARE(test::parseCsv(csv).first().size(), 7);
    QVERIFY(cpu->dataCsv().startsWith(QStringLiteral("run_id,run_name,metric,curve,relative,value\n")));
    QVERIFY(
        cpu->dataCsv().contains(QStringLiteral(",sysrun0,system/cpu_utilization_percentage,raw,10000,11\n")));
    page->setChosenKeys({QStringLiteral("loss"), QStringLiteral("zeta")});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    QVERIFY(page->chartsTab()->gridDataCsv().startsWith(
        QStringLiteral("run_id,run_name,metric,curve,step,value\n")));
    page->setChosenKeys({});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    cpu = chart(QStringLiteral("system/cpu_utilization_percentage"));
    loss = chart(QStringLiteral("loss"));

    // Another axis: the run's metrics follow it; the system charts keep their axis and their zoom.
    cpu->setXWindow(std::pair<qint64, qint64>{50'000, 150'000});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    page->setXAxis(ChartXAxis::WallTime);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    QCOMPARE(loss->data().request.xAxis, ChartXAxis::WallTime);
    QCOMPARE(loss->data().x0, Start);
    QCOMPARE(cpu->data().request.xAxis, ChartXAxis::RelativeTime);
    QVERIFY(cpu->xWindow().has_value());
    QCOMPARE(cpu->xWindow()->first, 50'000);
    QCOMPARE(cpu->xWindow()->second, 150'000);
    page->setXAxis(ChartXAxis::RelativeTime);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    QCOMPARE(loss->data().request.xAxis, ChartXAxis::RelativeTime);
    QVERIFY(page->chartsTab()->gridDataCsv().startsWith(
        QStringLiteral("run_id,run_name,metric,curve,relative,value\n")));

    // `runlens export-chart` draws the same: the loss by step, the system metric by relative time.
    const QString svg = m_dir.filePath(QStringLiteral("system.svg"));
    QProcess p;
    p.start(QStringLiteral(RUNLENS_BINARY),
            {QStringLiteral("--db"), db, QStringLiteral("export-chart"), QStringLiteral("--runs"),
             ids.join(QLatin1Char(',')), QStringLiteral("--metric"), QStringLiteral("loss"),
             QStringLiteral("--metric"), QStringLiteral("system/cpu_utilization_percentage"),
             QStringLiteral("--out"), svg});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QByteArray drawn = test::readFile(svg);
    QCOMPARE(drawn.count(">Step<"), 1);
    QCOMPARE(drawn.count(">Relative time<"), 1);
}

// Charts of one x axis show one range: val/loss (steps 500..1000) starts where train/loss (0..1000) shows
// step 500, not at its chart's left edge. Zooming one chart zooms only that one (as before); resetting it
// brings back the shared range, and a chart that grows live widens the others.
void TestComparePage::chartsOfOneAxisShareTheXRange()
{
    const QString db = m_dir.filePath(QStringLiteral("shared.db"));
    QString id;
    {
        Store store(db);
        NewRun n;
        n.experimentId = store.runs().createExperiment(QStringLiteral("shared"));
        n.name = QStringLiteral("r");
        n.startMs = 1'700'000'000'000;
        n.status = RunStatus::Running;
        id = store.runs().createRun(n).id;
        std::vector<MetricPoint> train, val;
        for (int s = 0; s <= 1000; ++s)
            train.push_back({s, n.startMs.value() + s, 1.0 / (s + 1)});
        for (int s = 500; s <= 1000; s += 50)
            val.push_back({s, n.startMs.value() + s, 0.5});
        store.series().logMetrics(id, QStringLiteral("train/loss"), train);
        store.series().logMetrics(id, QStringLiteral("val/loss"), val);
    }
    MainWindow window(db);
    window.resize(1500, 950);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showCompare({id});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    ComparePage *page = window.comparePage();
    QCOMPARE(page->charts().size(), 2);
    MetricChart *train = page->charts()[0], *val = page->charts()[1];
    QCOMPARE(val->key(), QStringLiteral("val/loss"));
    const auto shown = [](const MetricChart *c) { return std::pair{c->gridCell().x0, c->gridCell().x1}; };
    QCOMPARE(shown(train), (std::pair<qint64, qint64>{0, 1000}));
    QTRY_COMPARE(shown(val), (std::pair<qint64, qint64>{0, 1000}));

    val->setXWindow(std::pair<qint64, qint64>{600, 700});
    QTRY_VERIFY_WITH_TIMEOUT(!val->isLoading(), 20000);
    QCOMPARE(shown(val), (std::pair<qint64, qint64>{600, 700}));
    QCOMPARE(shown(train), (std::pair<qint64, qint64>{0, 1000}));
    val->resetZoom();
    QTRY_VERIFY_WITH_TIMEOUT(!val->isLoading(), 20000);
    QCOMPARE(shown(val), (std::pair<qint64, qint64>{0, 1000}));

    // val/loss logs on to step 1500 (another process): train/loss's chart shows up to there too.
    {
        Store store(db);
        store.series().logMetric(id, QStringLiteral("val/loss"), {1500, 1'700'000'001'500, 0.4});
    }
    QTRY_COMPARE_WITH_TIMEOUT(shown(val).second, qint64(1500), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(shown(train), (std::pair<qint64, qint64>{0, 1500}), 20000);
}

// Grouped, the legend names each run's group beside it; a narrow legend wraps the entries instead of
// cutting them, and each entry's tooltip says all of it.
void TestComparePage::legendWrapsGroupNames()
{
    MainWindow window(m_db);
    openCompare(window);
    ComparePage *page = window.comparePage();
    page->setGroupBy(QStringLiteral("params.lr"));
    auto *legend = page->findChild<QListWidget *>(QStringLiteral("compareLegend"));
    QVERIFY(legend);
    auto *split = qobject_cast<QSplitter *>(legend->parentWidget());
    QVERIFY(split);
    split->setSizes({110, 1300});
    QTRY_VERIFY(legend->width() <= 130);
    QCoreApplication::processEvents();
    const QFontMetrics fm(legend->font());
    for (int row = 0; row < legend->count(); ++row) {
        QListWidgetItem *item = legend->item(row);
        const QString group = row < 3 ? QStringLiteral("lr=0.01 (3)") : QStringLiteral("lr=0.001 (3)");
        QVERIFY2(item->text().endsWith(group), qPrintable(item->text()));
        QVERIFY2(item->toolTip().contains(group), qPrintable(item->toolTip()));
        // Longer than the legend is wide: more than one line, every one of them shown.
        QVERIFY(fm.horizontalAdvance(item->text()) > legend->viewport()->width());
        const QRect rect = legend->visualItemRect(item);
        QVERIFY2(rect.height() >= 2 * fm.height(),
                 qPrintable(QStringLiteral("row %1: %2 px high").arg(row).arg(rect.height())));
    }
}

QTEST_MAIN(TestComparePage)
#include "tst_comparepage.moc"
