// SPDX-License-Identifier: GPL-3.0-or-later
// The Compare page driven as a person would, offscreen, on a real database: opened from the runs table,
// charts per key grouped by prefix, zoom by rubber band, wheel and double-click, hover values, the legend,
// the key filter, smoothing, grouping, exports; and `runlens export-chart` from the command line.

#include "comparepage.h"
#include "experimentsidebar.h"
#include "mainwindow.h"
#include "metricchart.h"
#include "runspage.h"
#include "store.h"
#include "testsupport.h"

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
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
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
    void keyFilterTakesRegularExpressions();
    void smoothingAndGroupingRedraw();
    void exportsGridAndChartFiles();
    void exportsInTheBackground();
    void remembersHowChartsAreDrawn();
    void exportChartCommand();

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
    const ExperimentId e = store.createExperiment(QStringLiteral("sweep"));
    for (int i = 0; i < 6; ++i) {
        NewRun n;
        n.experimentId = e;
        n.name = QStringLiteral("run%1").arg(i);
        n.startMs = 1'700'000'000'000;
        n.status = RunStatus::Finished;
        const QString id = store.createRun(n).id;
        m_ids << id;
        store.logParam(id, QStringLiteral("seed"), QString::number(i % 3));
        store.logParam(id, QStringLiteral("lr"), i < 3 ? QStringLiteral("0.01") : QStringLiteral("0.001"));
        std::vector<MetricPoint> loss, acc;
        for (int s = 0; s < 20000; ++s) {
            double v = 2.0 * std::exp(-s / 5000.0) + 0.1 * i;
            if (s == 7000 + i)
                v += 5; // one spike per run
            loss.push_back({s, 1'700'000'000'000 + s * 100, v});
        }
        for (int s = 0; s < 20000; s += 500)
            acc.push_back({s, 1'700'000'000'000 + s * 100, 0.5 + 0.02 * i + s / 100000.0});
        store.logMetrics(id, QStringLiteral("train/loss"), loss);
        store.logMetrics(id, QStringLiteral("val/accuracy"), acc);
        store.logMetric(id, QStringLiteral("lr"), {0, 1'700'000'000'000, 0.01});
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
    std::vector<MetricChart::HoverValue> values = loss->valuesAt(plot.left() + plot.width() / 2);
    QCOMPARE(values.size(), size_t(6));
    for (size_t i = 1; i < values.size(); ++i)
        QVERIFY(values[i - 1].value >= values[i].value);
    QCOMPARE(values.front().name, QStringLiteral("run5")); // highest offset
    QVERIFY(std::abs(values.front().value - (2.0 * std::exp(-values.front().x / 5000.0) + 0.5)) < 1e-9);
    QTest::mouseMove(loss, QPoint(plot.left() + plot.width() / 2, plot.center().y()));

    // Untick run5 in the legend: gone from every chart's values.
    auto *legend = page->findChild<QListWidget *>(QStringLiteral("compareLegend"));
    QListWidgetItem *item = legend->findItems(QStringLiteral("run5"), Qt::MatchStartsWith).first();
    item->setCheckState(Qt::Unchecked);
    values = loss->valuesAt(plot.left() + plot.width() / 2);
    QCOMPARE(values.size(), size_t(5));
    QVERIFY(
        std::none_of(values.begin(), values.end(), [](auto &v) { return v.name == QLatin1String("run5"); }));
    QVERIFY(!page->chartContext().styles.value(m_ids[5]).visible);
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

QTEST_MAIN(TestComparePage)
#include "tst_comparepage.moc"
