// SPDX-License-Identifier: GPL-3.0-or-later
// The main window driven as a person would, offscreen: it loads a real database without blocking, shows the
// runs of the chosen experiment, takes filters typed into the filter bar, explains a malformed one inline,
// and sorts by a clicked column.

#include "charts/chartstab.h"
#include "charts/metricchart.h"
#include "demo/demodata.h"
#include "itemmodels/roles.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/runpage.h"
#include "pages/runspage.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/experimentsidebar.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QClipboard>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QtTest>

using namespace runlens;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void showsRunsOfChosenExperiment();
    void sidebarFollowsTheRunShown();
    void filterBar();
    void sortByClickingHeader();
    void copyRowsAsTsv();
    void refusesNewerDatabaseWithMessage();
    void writesOutliveTheWindow();
    void hugeNamesAreShownCut();
    void compareItemShowsItsShortcut();
    void switchingPagesKeepsTheWindowSize();
    void oneTrashToggle();

private:
    QTemporaryDir m_dir;
    QString m_db;
};

namespace {
// The demo's image experiment lists its sweep as one row (the parent run of 14): expanded, its runs are rows.
void expandSweep(RunTableModel *model)
{
    QTRY_VERIFY(model->rowCount() >= 1 && model->childCountAt(0) > 0);
    model->setExpanded(0, true);
}
} // namespace

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME",
            m_dir.filePath(QStringLiteral("config")).toUtf8()); // keep QSettings out of $HOME
    m_db = m_dir.filePath(QStringLiteral("demo.db"));
    Store store(m_db);
    generateDemoData(store, DemoOptions{20, 200});
}

void TestMainWindow::showsRunsOfChosenExperiment()
{
    MainWindow window(m_db);
    window.show();
    QVERIFY(window.isLoading()); // nothing was read on the GUI thread
    QTRY_VERIFY(!window.isLoading());
    RunTableModel *model = window.runsPage()->model();
    // The first experiment (image-classification: 14 sweep runs + the parent) is chosen by default.
    QTRY_COMPARE(model->totalCount(), qint64(15));
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("runCount"))->text(), QStringLiteral("15 run(s)"));
    // Click the second experiment in the sidebar.
    auto *list = window.findChild<QListView *>(QStringLiteral("experimentList"));
    QVERIFY(list);
    QCOMPARE(list->model()->rowCount(), 2);
    const QRect second = list->visualRect(list->model()->index(1, 0));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, second.center());
    QTRY_COMPARE(model->totalCount(), qint64(6));
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(model->index(0, RunTableModel::NameColumn)
                .data()
                .toString()
                .startsWith(QLatin1String("transformer")));
    // Searching the sidebar narrows the list.
    auto *search = window.findChild<QLineEdit *>(QStringLiteral("experimentSearch"));
    QTest::keyClicks(search, QStringLiteral("TEXT"));
    QCOMPARE(list->model()->rowCount(), 1);
}

// A run opened from elsewhere than its experiment's runs (at start, from the Models page) moves the sidebar
// to its experiment, so that Back shows the runs it belongs with; one opened from Compare does not (the
// runs page keeps the compared selection).
void TestMainWindow::sidebarFollowsTheRunShown()
{
    ExperimentId first = 0, second = 0;
    QString inSecond, inFirst;
    {
        Store store(m_db);
        const std::vector<Experiment> experiments = store.runs().experiments();
        QVERIFY(experiments.size() >= 2);
        first = experiments[0].id;
        second = experiments[1].id;
        RunQuery q;
        q.experiments = {second};
        inSecond = store.runs().searchRunIds(q).value(0);
        q.experiments = {first};
        inFirst = store.runs().searchRunIds(q).value(0);
    }
    QVERIFY(!inSecond.isEmpty() && !inFirst.isEmpty());

    // Asked for before the experiments are listed: chosen once they are.
    MainWindow window(m_db);
    window.show();
    window.showRun(inSecond);
    QTRY_COMPARE(window.sidebar()->currentExperiment(), second);
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(window.sidebar()->currentExperiment(), second);
    QTRY_VERIFY(window.runsPage()->model()->totalCount() == 6); // the runs page shows it underneath

    // Opened from Compare: the sidebar stays.
    window.showCompare({inSecond, window.runsPage()->model()->runAt(1).id});
    QTRY_VERIFY(!window.isLoading());
    window.showRun(inFirst);
    QTRY_VERIFY(window.runPage()->currentRun() && window.runPage()->currentRun()->id == inFirst);
    QCOMPARE(window.sidebar()->currentExperiment(), second);
}

void TestMainWindow::filterBar()
{
    MainWindow window(m_db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    RunTableModel *model = window.runsPage()->model();
    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("runFilter"));
    auto *error = window.findChild<QLabel *>(QStringLiteral("filterError"));
    QVERIFY(filter && error);
    QTest::keyClicks(filter, QStringLiteral("params.optimizer = 'sgd' and attributes.status = 'FAILED'"));
    QTest::keyClick(filter, Qt::Key_Return);
    QTRY_COMPARE(model->totalCount(), qint64(1));
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(model->index(0, RunTableModel::StatusColumn).data().toString(), QStringLiteral("FAILED"));
    QVERIFY(error->isHidden());
    // A malformed filter: explained inline with its position, the cursor placed there, the table unchanged.
    filter->clear();
    QTRY_COMPARE(model->totalCount(), qint64(15)); // clearing the bar shows everything again
    QTest::keyClicks(filter, QStringLiteral("metrics.loss < 'high'"));
    QTest::keyClick(filter, Qt::Key_Return);
    QVERIFY(!error->isHidden());
    QVERIFY2(error->text().contains(QLatin1String("position 15")), qPrintable(error->text()));
    QCOMPARE(filter->cursorPosition(), 15);
    QCOMPARE(model->totalCount(), qint64(15));
    // Ctrl+F goes to the filter bar.
    window.activateWindow();
    filter->clearFocus();
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(filter->hasFocus());
}

void TestMainWindow::sortByClickingHeader()
{
    MainWindow window(m_db);
    window.resize(1400, 800);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QTableView *table = window.runsPage()->table();
    RunTableModel *model = window.runsPage()->model();
    QTRY_VERIFY(model->columnCount() > RunTableModel::FixedColumnCount);
    QHeaderView *header = table->horizontalHeader();
    const int x = header->sectionViewportPosition(RunTableModel::NameColumn) +
                  header->sectionSize(RunTableModel::NameColumn) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QTRY_VERIFY(model->query().orderBy.startsWith(QLatin1String("attributes.run_name")));
    QTRY_VERIFY(!window.isLoading());
    // The demo's experiment is one sweep, open: its runs sort below it (the top level sorts too).
    QTRY_VERIFY(model->rowCount() > 3 && model->depthAt(1) == 1);
    QStringList names;
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->depthAt(r) == 1)
            names << model->index(r, RunTableModel::NameColumn).data(SortValueRole).toString();
    QVERIFY(names.size() >= 3);
    QStringList sorted = names;
    std::sort(sorted.begin(), sorted.end());
    if (names.first() != sorted.first())
        std::reverse(sorted.begin(), sorted.end()); // the first click may sort either way
    QCOMPARE(names, sorted);
}

void TestMainWindow::copyRowsAsTsv()
{
    MainWindow window(m_db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QTableView *table = window.runsPage()->table();
    RunTableModel *model = window.runsPage()->model();
    expandSweep(model);
    QTRY_VERIFY(model->columnCount() > RunTableModel::FixedColumnCount && model->rowCount() >= 3);
    // Click the first row, Ctrl+click the third, then Ctrl+C.
    const QRect first = table->visualRect(model->index(0, RunTableModel::NameColumn));
    const QRect third = table->visualRect(model->index(2, RunTableModel::NameColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, first.center());
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, third.center());
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
    const QStringList lines =
        QGuiApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    const QStringList head = lines[0].split(QLatin1Char('\t'));
    QCOMPARE(head.value(0), QStringLiteral("id"));
    QVERIFY(head.contains(QStringLiteral("Name")));
    const int lossColumn = int(head.indexOf(QStringLiteral("train/loss")));
    QVERIFY(lossColumn > 0);
    const QStringList row = lines[2].split(QLatin1Char('\t'));
    QCOMPARE(row.size(), head.size());
    QCOMPARE(row[0], model->runAt(2).id);
    QCOMPARE(row[int(head.indexOf(QStringLiteral("Name")))], model->runAt(2).name);
    // Metric values at full precision, as the run holds them.
    const double loss = model->runAt(2).metrics.value(QStringLiteral("train/loss")).last;
    QCOMPARE(row[lossColumn].toDouble(), loss);
}

void TestMainWindow::refusesNewerDatabaseWithMessage()
{
    // A file the store refuses: the window stays usable and says why, without a blocking dialog.
    const QString newer = m_dir.filePath(QStringLiteral("newer.db"));
    {
        Store store(newer);
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
        db.setDatabaseName(newer);
        QVERIFY(db.open());
        QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 999"));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bump"));
    MainWindow window(newer);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    auto *banner = window.findChild<QLabel *>(QStringLiteral("problemBanner"));
    QVERIFY(banner);
    QTRY_VERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QLatin1String("newer Runlens")), qPrintable(banner->text()));
    QCOMPARE(window.runsPage()->model()->rowCount(), 0);
    QVERIFY(QApplication::activeModalWidget() == nullptr);
}

// Star and Del just before the window is deleted: both reach the database. Another process holds the write
// lock meanwhile, so the star waits in SQLite and the trash is still queued when the runs page goes.
void TestMainWindow::writesOutliveTheWindow()
{
    const QString db = m_dir.filePath(QStringLiteral("writes.db"));
    {
        Store store(db);
        generateDemoData(store, DemoOptions{20, 200});
    }
    auto window = std::make_unique<MainWindow>(db);
    window->show();
    QTRY_VERIFY(!window->isLoading());
    RunsPage *page = window->runsPage();
    QTableView *table = page->table();
    RunTableModel *model = page->model();
    expandSweep(model);
    QTRY_VERIFY(model->rowCount() >= 3);
    const QString starred = model->runAt(0).id, trashed = model->runAt(1).id;
    QVERIFY(!model->runAt(0).starred);
    test::WriteLockHolder lock(db);
    QVERIFY(lock.isLocked());
    table->setFocus();
    table->selectRow(0);
    QTest::keyClick(table, Qt::Key_D, Qt::ControlModifier);
    table->selectRow(1);
    QTest::keyClick(table, Qt::Key_Delete);
    QObject::connect(page, &QObject::destroyed, [&lock] { lock.release(); });
    window.reset();
    Store check(db);
    QVERIFY(check.runs().run(starred)->starred);
    QCOMPARE(check.runs().run(trashed)->lifecycle, Lifecycle::Deleted);
}

// Names and values from elsewhere may be enormous: a 200 MB run name crashed the window (the whole name went
// to the status bar) and 50 MB names took 11 s and 2 GB on the run page. A database with a 50 MB run name,
// 20 MB experiment name, param value, tag value and notes, a 5 MB model name and the longest metric key the
// store takes (250 characters): the runs page,
// the run page, the Compare page (its charts, legend and Parameters tab) and the Models page show every
// text cut to a bound, the GUI thread never stalls for long, and the store and `runlens runs --format json`
// keep the whole name.
void TestMainWindow::hugeNamesAreShownCut()
{
    const QString db = m_dir.filePath(QStringLiteral("huge.db"));
    const qsizetype Mb = 1 << 20;
    const auto huge = [](qsizetype n, char fill) {
        QString s(n, QLatin1Char(fill));
        s.replace(0, 5, QStringLiteral("start"));
        s[n / 2] = QLatin1Char('\n'); // a line break in the middle, too
        return s;
    };
    const QString runName = huge(50 * Mb, 'r'), experiment = huge(20 * Mb, 'e'), param = huge(20 * Mb, 'p'),
                  tag = huge(20 * Mb, 't'), notes = huge(20 * Mb, 'n'), key = QString(250, QLatin1Char('k')),
                  model = huge(5 * Mb, 'm');
    QString runId, otherId;
    {
        Store store(db);
        const ExperimentId e = store.runs().createExperiment(experiment);
        NewRun n;
        n.experimentId = e;
        n.name = runName;
        n.startMs = 1'700'000'000'000;
        runId = store.runs().createRun(n).id;
        n.name = QStringLiteral("small");
        otherId = store.runs().createRun(n).id;
        for (const QString &id : {runId, otherId}) {
            store.runs().logParam(id, QStringLiteral("p"), id == runId ? param : QStringLiteral("1"));
            store.runs().setTag(id, QStringLiteral("t"), id == runId ? tag : QStringLiteral("x"));
            std::vector<MetricPoint> points;
            for (int s = 0; s < 100; ++s)
                points.push_back({s, 1'700'000'000'000 + s, double(s)});
            store.series().logMetrics(id, key, points);
        }
        store.runs().setRunDescription(runId, notes);
        store.registry().createRegisteredModel(model);
        ModelVersion v;
        v.runId = runId;
        store.registry().createModelVersion(model, v);
    }

    // Bounded: every text a widget lays out, and every cell, header and tooltip a view shows.
    constexpr qsizetype Bound = 10'000;
    const auto check = [&](QWidget *root, const char *where) {
        qsizetype longest = root->window()->windowTitle().size();
        QString what = QStringLiteral("window title");
        const auto see = [&](qsizetype n, const QString &name) {
            if (n > longest) {
                longest = n;
                what = name;
            }
        };
        for (QWidget *w : root->findChildren<QWidget *>()) {
            if (!w->isVisibleTo(root->window()))
                continue;
            see(w->toolTip().size(), w->objectName() + QStringLiteral(" tooltip"));
            if (auto *l = qobject_cast<QLabel *>(w))
                see(l->text().size(), l->objectName() + QStringLiteral(" label"));
            if (auto *e = qobject_cast<QLineEdit *>(w))
                see(e->text().size(), e->objectName() + QStringLiteral(" line edit"));
            if (auto *b = qobject_cast<QAbstractButton *>(w))
                see(b->text().size(), b->objectName() + QStringLiteral(" button"));
            if (auto *v = qobject_cast<QAbstractItemView *>(w); v && v->model()) {
                const QAbstractItemModel *m = v->model();
                for (int r = 0; r < std::min(m->rowCount(), 200); ++r) {
                    for (int c = 0; c < m->columnCount(); ++c) {
                        const QModelIndex i = m->index(r, c);
                        see(i.data().toString().size(), v->objectName() + QStringLiteral(" cell"));
                        see(i.data(Qt::ToolTipRole).toString().size(),
                            v->objectName() + QStringLiteral(" cell tooltip"));
                        if (r == 0) {
                            see(m->headerData(c, Qt::Horizontal).toString().size(),
                                v->objectName() + QStringLiteral(" header"));
                            see(m->headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().size(),
                                v->objectName() + QStringLiteral(" header tooltip"));
                        }
                    }
                    see(m->headerData(r, Qt::Vertical).toString().size(),
                        v->objectName() + QStringLiteral(" row header"));
                }
            }
        }
        if (auto *mw = qobject_cast<QMainWindow *>(root->window()))
            see(mw->statusBar()->currentMessage().size(), QStringLiteral("status bar"));
        see(QToolTip::text().size(), QStringLiteral("tooltip shown"));
        QVERIFY2(
            longest < Bound,
            qPrintable(
                QStringLiteral("%1: the %2 is %3 characters").arg(QLatin1String(where), what).arg(longest)));
    };

    // The GUI thread's longest stall, from a timer that should fire every 5 ms.
    QElapsedTimer clock;
    qint64 last = 0, stall = 0;
    QTimer ticker;
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        stall = std::max(stall, now - last);
        last = now;
    });
    QElapsedTimer total;
    total.start();
    clock.start();
    ticker.start();

    MainWindow window(db);
    window.resize(1300, 900);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 30000);
    window.runsPage()->showExperiment(1);
    QTRY_COMPARE_WITH_TIMEOUT(window.runsPage()->model()->totalCount(), qint64(2), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 30000);
    QTest::qWait(50);
    check(&window, "runs page");
    if (QTest::currentTestFailed())
        return;

    const qint64 runPageStart = total.elapsed();
    window.showRun(runId);
    QTRY_VERIFY_WITH_TIMEOUT(window.runPage()->isVisible() && !window.isLoading(), 30000);
    QTest::qWait(50);
    const qint64 runPageMs = total.elapsed() - runPageStart;
    check(&window, "run page");
    if (QTest::currentTestFailed())
        return;
    // The name field shows the name cut; Enter without an edit must not save the cut name (a QLineEdit
    // keeps at most 32767 characters, which the field used to save as the new name).
    auto *nameField = window.runPage()->findChild<QLineEdit *>(QStringLiteral("runName"));
    QVERIFY(nameField);
    nameField->setFocus();
    QTest::keyClick(nameField, Qt::Key_Return);
    QTest::qWait(300);

    window.showCompare({runId, otherId});
    QTRY_VERIFY_WITH_TIMEOUT(window.comparePage()->isVisible() && !window.isLoading(), 30000);
    MetricChart *chart = window.comparePage()->charts().value(0);
    QVERIFY(chart);
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isLoading(), 30000);
    const QPoint at = chart->plotArea().center().toPoint();
    QTest::mouseMove(chart, at);
    QTRY_VERIFY_WITH_TIMEOUT(chart->hover().has_value(), 10000);
    QTRY_VERIFY(QToolTip::isVisible());
    check(&window, "compare page");
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!chart->hoverText().isEmpty() && chart->hoverText().size() < Bound);
    QCOMPARE(chart->hover()->values.size(), size_t(2));
    // The Parameters tab.
    auto *tabs = window.comparePage()->findChild<QTabWidget *>(QStringLiteral("compareTabs"));
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    QTest::qWait(50);
    check(&window, "parameters tab");
    if (QTest::currentTestFailed())
        return;

    window.showModels();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 30000);
    QTest::qWait(100);
    check(&window, "models page");
    if (QTest::currentTestFailed())
        return;
    window.showModels(model);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 30000);
    QTest::qWait(100);
    check(&window, "a model");
    if (QTest::currentTestFailed())
        return;
    ticker.stop();
    qInfo("run page shown in %lld ms; longest GUI stall %lld ms over %lld ms", runPageMs, stall,
          total.elapsed());
    QVERIFY2(stall < 500, qPrintable(QStringLiteral("the GUI thread stalled for %1 ms").arg(stall)));

    // The store and the command line keep the whole name (after Enter in the run page's name field).
    QCOMPARE(Store(db).runs().run(runId)->name, runName);
    QProcess cli;
    cli.start(QStringLiteral(RUNLENS_BINARY), {QStringLiteral("--db"), db, QStringLiteral("runs"),
                                               QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY(cli.waitForFinished(120000));
    QCOMPARE(cli.exitCode(), 0);
    const QJsonArray runs = QJsonDocument::fromJson(cli.readAllStandardOutput()).array();
    QCOMPARE(runs.size(), 2);
    bool whole = false;
    for (const QJsonValue &r : runs)
        whole = whole || r.toObject().value(QLatin1String("name")).toString() == runName;
    QVERIFY(whole);
}

namespace {

QAction *menuItem(MainWindow &window, const QString &menu, const QString &text)
{
    for (QAction *top : window.menuBar()->actions()) {
        if (top->text() != menu || !top->menu())
            continue;
        for (QAction *a : top->menu()->actions()) {
            if (a->text() == text)
                return a;
        }
    }
    return nullptr;
}

// Lets the window settle as the event loop would: layouts, and a size the window gave itself.
void settle()
{
    for (int i = 0; i < 3; ++i) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QTest::qWait(20);
    }
}

// Whether `w` is shown whole inside `outer` (no part cut off by its edges).
bool shownWhole(QWidget *w, QWidget *outer)
{
    const QRect r(w->mapTo(outer, QPoint(0, 0)), w->size());
    return w->isVisible() && outer->rect().contains(r);
}

} // namespace

// View › Compare Selected Runs shows the key that triggers it, Ctrl+M, and that key compares the table's
// selection from wherever the focus is in the runs page.
void TestMainWindow::compareItemShowsItsShortcut()
{
    MainWindow window(m_db);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY(!window.isLoading());
    QAction *compare = menuItem(window, QStringLiteral("&View"), QStringLiteral("Co&mpare Selected Runs"));
    QVERIFY(compare);
    QCOMPARE(compare, window.compareAction());
    QCOMPARE(compare->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_M));
    QVERIFY(compare->isEnabled());
    QTableView *table = window.runsPage()->table();
    expandSweep(window.runsPage()->model());
    QTRY_VERIFY(table->model()->rowCount() > 2);
    table->setFocus();
    table->selectRow(0);
    QTest::keyClick(table, Qt::Key_M, Qt::ControlModifier);
    QTRY_VERIFY(window.comparePage() && window.comparePage()->isVisible());
    QCOMPARE(window.comparePage()->runIds().size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
}

// Switching to Compare never resizes the window: the Compare page of many runs, each of its tabs (their tool
// bars wrap when narrow, nothing cut off), fits the window as it is, at a usual size and at the smallest it
// allows.
void TestMainWindow::switchingPagesKeepsTheWindowSize()
{
    QStringList all;
    {
        Store store(m_db);
        all = store.runs().searchRunIds(RunQuery{});
        QVERIFY(all.size() >= 20);
    }
    MainWindow window(m_db);
    window.resize(1000, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(!window.isLoading());
    settle();
    QCOMPARE(window.size(), QSize(1000, 700));
    const auto visitPages = [&](const QSize &size) {
        window.showCompare(all);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 30000);
        settle();
        QCOMPARE(window.size(), size);
        ChartsTab *charts = window.comparePage()->chartsTab();
        auto *exportButton = charts->findChild<QToolButton *>(QStringLiteral("exportCharts"));
        QVERIFY(shownWhole(exportButton, charts));
        QVERIFY(shownWhole(charts->findChild<QWidget *>(QStringLiteral("groupBy")), charts));
        // Back to the runs and to Compare again: the same size all along.
        window.comparePage()->findChild<QToolButton *>(QStringLiteral("compareBack"))->click();
        QTRY_VERIFY(window.runsPage()->isVisible());
        settle();
        QCOMPARE(window.size(), size);
        window.showCompare(all.mid(0, 3));
        QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 30000);
        settle();
        QCOMPARE(window.size(), size);
        // Each of its tabs fits too.
        QTabWidget *tabs = window.comparePage()->tabs();
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            settle();
            QCOMPARE(window.size(), size);
        }
        tabs->setCurrentIndex(0);
    };
    visitPages(QSize(1000, 700));

    // The smallest size the window allows (the Compare page built: it may not make it grow).
    window.resize(1, 1);
    settle();
    const QSize smallest = window.size();
    QVERIFY(smallest.width() < 1000);
    visitPages(smallest);
}

// One trash toggle: the sidebar's Trash button, View › Show Trash and Ctrl+T are one state, which shows the
// trashed experiments in the sidebar and the trashed runs in the table.
void TestMainWindow::oneTrashToggle()
{
    MainWindow window(m_db);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY(!window.isLoading());
    // One button for it in the window.
    int trashButtons = 0;
    for (QAbstractButton *b : window.findChildren<QAbstractButton *>()) {
        if (b->isVisible() && b->text().contains(QStringLiteral("Trash"), Qt::CaseInsensitive))
            ++trashButtons;
    }
    QCOMPARE(trashButtons, 1);
    QVERIFY(!window.findChild<QWidget *>(QStringLiteral("trashToggle")));
    auto *button = window.sidebar()->findChild<QToolButton *>(QStringLiteral("showTrashButton"));
    QVERIFY(button && button->isVisible());
    QAction *menu = menuItem(window, QStringLiteral("&View"), QStringLiteral("Show &Trash"));
    QVERIFY(menu);
    QCOMPARE(menu, window.showTrashAction());
    QVERIFY(menu->isCheckable());
    QCOMPARE(menu->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));

    // The button: both lists show the trash, the menu item is ticked.
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(window.sidebar()->isShowingTrash());
    QVERIFY(window.runsPage()->isTrashShown());
    QVERIFY(menu->isChecked());
    QTRY_COMPARE(window.findChild<QLabel *>(QStringLiteral("runCount"))->text(),
                 QStringLiteral("0 run(s) in the trash"));
    // Ctrl+T: all back.
    QTest::keyClick(window.runsPage()->table(), Qt::Key_T, Qt::ControlModifier);
    QVERIFY(!window.sidebar()->isShowingTrash());
    QVERIFY(!window.runsPage()->isTrashShown());
    QVERIFY(!menu->isChecked());
    QVERIFY(!button->isChecked());
    QTRY_COMPARE(window.findChild<QLabel *>(QStringLiteral("runCount"))->text(), QStringLiteral("15 run(s)"));
    // The menu item: both again.
    menu->trigger();
    QVERIFY(window.sidebar()->isShowingTrash());
    QVERIFY(window.runsPage()->isTrashShown());
    QVERIFY(button->isChecked());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
