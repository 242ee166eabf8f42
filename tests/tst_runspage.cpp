// SPDX-License-Identifier: GPL-3.0-or-later
// The runs page driven as a person would, offscreen, on real databases: live refresh while another process
// writes, trash and restore with the keyboard, stars by clicking, the quick filter, key completion in the
// filter bar, the column chooser and its memory per experiment, recent databases, and the dark appearance.

#include "dialogs/columnchooserdialog.h"
#include "itemmodels/roles.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/runspage.h"
#include "screenshots.h"
#include "search/searchquery.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/experimentsidebar.h"
#include "widgets/filtercompleter.h"
#include "widgets/runtabledelegate.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCompleter>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace runlens;

class TestRunsPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void liveRefreshKeepsSelectionAndScroll();
    void trashAndRestoreWithKeyboard();
    void starByClickingAndShortcut();
    void quickFilterNarrowsAsYouType();
    void filterCompletesKeys();
    void invalidFilterIsNotApplied();
    void misspeltKeyOffersTheNearest();
    void columnChooserIsRememberedPerExperiment();
    void recentDatabasesAndNewDatabase();
    void reopensTheLastExperiment();
    void searchingExperimentsIsNotChoosing();
    void severalExperimentsTogether();
    void darkAppearance();
    void cellsPaintAsTheStyleDoes();
    void columnsFitTheRowsOnScreen();
    void unsortableHeadersKeepTheIndicator();
    void sweepIsATreeByMouseAndKeys();
    void soleSweepOpensExpanded();

private:
    QString makeDatabase(const QString &name, int runs);
    static void waitLoaded(MainWindow &window);
    QTemporaryDir m_dir;
};

void TestRunsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME",
            m_dir.filePath(QStringLiteral("config")).toUtf8()); // keep QSettings out of $HOME
}

// Runs run000..run<n-1> in experiment "main" (newest last-numbered first), with loss, acc, lr and optimizer;
// and an experiment "other" with one run.
QString TestRunsPage::makeDatabase(const QString &name, int runs)
{
    const QString path = m_dir.filePath(name);
    Store store(path);
    const ExperimentId main = store.runs().createExperiment(QStringLiteral("main"));
    Store::Transaction tx(store);
    for (int i = 0; i < runs; ++i) {
        NewRun init;
        init.experimentId = main;
        init.name = QStringLiteral("run%1").arg(i, 3, 10, QLatin1Char('0'));
        init.startMs = 1'700'000'000'000 + i * 1000;
        init.status = RunStatus::Finished;
        const QString id = store.runs().createRun(init).id;
        RunStore::Batch b;
        b.params.insert(QStringLiteral("lr"), QString::number(0.001 * (i % 4 + 1)));
        b.params.insert(QStringLiteral("optimizer"), i % 3 ? QStringLiteral("adam") : QStringLiteral("sgd"));
        b.metrics.push_back({QStringLiteral("loss"), MetricPoint{0, 0, 1.0 / (i + 1)}});
        b.metrics.push_back({QStringLiteral("val/acc"), MetricPoint{0, 0, 0.5 + i * 0.001}});
        store.runs().logBatch(id, b);
    }
    tx.commit();
    const ExperimentId other = store.runs().createExperiment(QStringLiteral("other"));
    NewRun init;
    init.experimentId = other;
    init.name = QStringLiteral("lonely");
    const QString id = store.runs().createRun(init).id;
    store.series().logMetric(id, QStringLiteral("reward"), MetricPoint{0, 0, 1});
    return path;
}

void TestRunsPage::waitLoaded(MainWindow &window)
{
    QTRY_VERIFY(!window.isLoading());
    QTRY_VERIFY(window.runsPage()->model()->totalCount() >= 0);
}

void TestRunsPage::liveRefreshKeepsSelectionAndScroll()
{
    const QString db = makeDatabase(QStringLiteral("live.db"), 600);
    MainWindow window(db);
    window.resize(1200, 700);
    window.show();
    waitLoaded(window);
    RunsPage *page = window.runsPage();
    QTableView *table = page->table();
    RunTableModel *model = page->model();
    QTRY_COMPARE(model->totalCount(), qint64(600));
    // Scroll down to row 150 (a page beyond the first) and select it.
    QTRY_VERIFY(model->rowCount() >= RunTableModel::FirstPageSize);
    while (model->rowCount() < 300) {
        table->scrollToBottom();
        QTest::qWait(20);
    }
    table->scrollTo(model->index(150, 0), QAbstractItemView::PositionAtTop);
    table->selectRow(150);
    const QString selected = model->runAt(150).id;
    const int scroll = table->verticalScrollBar()->value();
    QVERIFY(scroll > 0);
    QTest::qWait(50); // laid out
    const QString onTop = table->indexAt(QPoint(5, 5)).data(RunIdRole).toString();
    const int onTopY = table->visualRect(table->indexAt(QPoint(5, 5))).top();

    // Another process: a new run (newest, so it sorts first) and a new value for the selected run.
    {
        Store other(db);
        NewRun init;
        init.experimentId = other.runs().experimentByName(QStringLiteral("main"))->id;
        init.name = QStringLiteral("fresh");
        init.startMs = 1'800'000'000'000;
        other.runs().createRun(init);
        other.series().logMetric(selected, QStringLiteral("loss"), MetricPoint{5, 0, 42.0});
    }
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), qint64(601), 1500); // within the second (+ margin)
    QCOMPARE(model->index(0, RunTableModel::NameColumn).data().toString(), QStringLiteral("fresh"));
    QCOMPARE(page->selectedRunIds(), QStringList{selected}); // the selection followed its run
    const int row = model->rowOf(selected);
    QCOMPARE(row, 151);
    const int loss = model->columnOf(QStringLiteral("metric:last:loss"));
    QCOMPARE(model->index(row, loss).data(SortValueRole).toDouble(), 42.0);
    // The view did not jump: the runs on screen stay where they were, the new one is listed above them.
    QCOMPARE(table->indexAt(QPoint(5, 5)).data(RunIdRole).toString(), onTop);
    QCOMPARE(table->visualRect(table->indexAt(QPoint(5, 5))).top(), onTopY);
    QVERIFY(table->verticalScrollBar()->value() > scroll);
}

void TestRunsPage::trashAndRestoreWithKeyboard()
{
    const QString db = makeDatabase(QStringLiteral("trash.db"), 10);
    MainWindow window(db);
    window.show();
    waitLoaded(window);
    RunsPage *page = window.runsPage();
    QTableView *table = page->table();
    RunTableModel *model = page->model();
    QTRY_COMPARE(model->rowCount(), 10);
    const QStringList doomed{model->runAt(1).id, model->runAt(2).id};
    table->setFocus();
    table->selectionModel()->select(
        QItemSelection(model->index(1, 0), model->index(2, model->columnCount() - 1)),
        QItemSelectionModel::ClearAndSelect);
    QCOMPARE(page->selectedRunIds(), doomed);
    QTest::keyClick(table, Qt::Key_Delete);
    QTRY_COMPARE(model->rowCount(), 8);
    QCOMPARE(model->rowOf(doomed[0]), -1);
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("runCount"))->text(), QStringLiteral("8 run(s)"));
    QCOMPARE(Store(db).runs().run(doomed[1])->lifecycle, Lifecycle::Deleted);

    // The trash lists them; Ctrl+Shift+R restores the selected one.
    // The window's one trash toggle (the sidebar's Trash button).
    auto *trash = window.findChild<QToolButton *>(QStringLiteral("showTrashButton"));
    QTest::mouseClick(trash, Qt::LeftButton);
    QTRY_COMPARE(model->totalCount(), qint64(2));
    QTRY_COMPARE(model->rowCount(), 2);
    QTRY_COMPARE(window.findChild<QLabel *>(QStringLiteral("runCount"))->text(),
                 QStringLiteral("2 run(s) in the trash"));
    QTest::keyClick(table, Qt::Key_Delete); // Del in the trash does nothing (there is no purge)
    table->selectRow(model->rowOf(doomed[0]));
    QTest::keyClick(table, Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(Store(db).runs().run(doomed[0])->lifecycle, Lifecycle::Active);
    QCOMPARE(Store(db).runs().run(doomed[1])->lifecycle, Lifecycle::Deleted);
    QTest::mouseClick(trash, Qt::LeftButton);
    QTRY_COMPARE(model->totalCount(), qint64(9));
    // The empty trash says so.
    QTest::mouseClick(trash, Qt::LeftButton);
    QTRY_COMPARE(model->rowCount(), 1);
    table->selectRow(0);
    QTest::keyClick(table, Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(model->totalCount(), qint64(0));
    auto *empty = window.findChild<QLabel *>(QStringLiteral("runsEmptyState"));
    QTRY_VERIFY(empty->isVisible());
    QCOMPARE(empty->text(), QStringLiteral("The trash is empty."));
}

void TestRunsPage::starByClickingAndShortcut()
{
    const QString db = makeDatabase(QStringLiteral("star.db"), 5);
    MainWindow window(db);
    window.show();
    waitLoaded(window);
    RunsPage *page = window.runsPage();
    QTableView *table = page->table();
    RunTableModel *model = page->model();
    QTRY_COMPARE(model->rowCount(), 5);
    const QString id = model->runAt(3).id;
    const QRect star = table->visualRect(model->index(3, RunTableModel::StarColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, star.center());
    QTRY_VERIFY(model->index(model->rowOf(id), 0).data(StarredRole).toBool());
    QVERIFY(Store(db).runs().run(id)->starred);
    // Ctrl+D on a selection where one run is starred stars both; again unstars both.
    const QString other = model->runAt(0).id;
    table->selectionModel()->select(QItemSelection(model->index(0, 0), model->index(0, 0)),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QCOMPARE(page->selectedRunIds().size(), 2);
    QTest::keyClick(table, Qt::Key_D, Qt::ControlModifier);
    QTRY_VERIFY(Store(db).runs().run(other)->starred);
    QVERIFY(Store(db).runs().run(id)->starred);
    QTRY_VERIFY(model->index(model->rowOf(other), 0).data(StarredRole).toBool());
    QTest::keyClick(table, Qt::Key_D, Qt::ControlModifier);
    QTRY_VERIFY(!Store(db).runs().run(other)->starred);
    QVERIFY(!Store(db).runs().run(id)->starred);
}

void TestRunsPage::quickFilterNarrowsAsYouType()
{
    const QString db = makeDatabase(QStringLiteral("quick.db"), 30);
    MainWindow window(db);
    window.show();
    waitLoaded(window);
    RunTableModel *model = window.runsPage()->model();
    QTRY_COMPARE(model->totalCount(), qint64(30));
    auto *quick = window.findChild<QLineEdit *>(QStringLiteral("quickFilter"));
    QTest::keyClicks(quick, QStringLiteral("RUN01"));
    QTRY_COMPARE(model->totalCount(), qint64(10));   // run010..run019
    QTest::keyClicks(quick, QStringLiteral(" sgd")); // and a param value: 12, 15, 18
    QTRY_COMPARE(model->totalCount(), qint64(3));
    // Combined with the search language.
    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("runFilter"));
    QTest::keyClicks(filter, QStringLiteral("metrics.loss < 0.07"));
    QTest::keyClick(filter, Qt::Key_Return);
    QTRY_COMPARE(model->totalCount(), qint64(2)); // 15 and 18 (1/16, 1/19)
    quick->clear();
    QTRY_COMPARE(model->totalCount(), qint64(30 - 14)); // loss < 0.07: runs 14..29
}

void TestRunsPage::filterCompletesKeys()
{
    const QString db = makeDatabase(QStringLiteral("complete.db"), 3);
    MainWindow window(db);
    window.show();
    waitLoaded(window);
    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("runFilter"));
    FilterCompleter *completer = window.runsPage()->completer();
    filter->setFocus();
    QTest::keyClicks(filter, QStringLiteral("met"));
    QCOMPARE(completer->candidates(), QStringList{QStringLiteral("metrics.")});
    QTest::keyClicks(filter, QStringLiteral("rics."));
    QCOMPARE(completer->candidates(),
             (QStringList{QStringLiteral("metrics.loss"), QStringLiteral("metrics.val/acc")}));
    QTest::keyClicks(filter, QStringLiteral("v"));
    QCOMPARE(completer->candidates(), QStringList{QStringLiteral("metrics.val/acc")});
    QTRY_VERIFY(completer->completer()->popup()->isVisible());
    // Choosing the entry replaces only the word being typed.
    QTest::keyClick(completer->completer()->popup(), Qt::Key_Down);
    QTest::keyClick(completer->completer()->popup(), Qt::Key_Return);
    QCOMPARE(filter->text(), QStringLiteral("metrics.val/acc "));
    QTest::keyClicks(filter, QStringLiteral("> 0.5 and params.o"));
    QCOMPARE(completer->candidates(), QStringList{QStringLiteral("params.optimizer")});
    // Inside a quoted value nothing is offered.
    QTest::keyClicks(filter, QStringLiteral("ptimizer = 'ad"));
    QVERIFY(completer->candidates().isEmpty());
    QTest::keyClicks(filter, QStringLiteral("am'"));
    QTest::keyClick(filter, Qt::Key_Return);
    {
        // Every attribute offered is one the language accepts.
        QLineEdit probe;
        FilterCompleter attributes(&probe);
        probe.setText(QStringLiteral("attributes."));
        const QStringList offered = attributes.candidates();
        QVERIFY(offered.contains(QStringLiteral("attributes.start_time")));
        for (const QString &c : offered)
            search::compile(QString(), c); // throws (failing the test) for an unknown attribute
    }
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(window.runsPage()->model()->totalCount(), qint64(2)); // runs 1 and 2 use adam and acc > 0.5
}

void TestRunsPage::invalidFilterIsNotApplied()
{
    const QString db = makeDatabase(QStringLiteral("invalid.db"), 30);
    MainWindow window(db);
    window.show();
    waitLoaded(window);
    RunsPage *page = window.runsPage();
    RunTableModel *model = page->model();
    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("runFilter"));
    auto *count = window.findChild<QLabel *>(QStringLiteral("runCount"));
    auto *error = window.findChild<QLabel *>(QStringLiteral("filterError"));
    QTest::keyClicks(filter, QStringLiteral("params.optimizer = 'sgd'"));
    QTest::keyClick(filter, Qt::Key_Return);
    QTRY_COMPARE(model->totalCount(), qint64(10));
    QTRY_COMPARE(count->text(), QStringLiteral("10 run(s)"));

    // Unquoted value: the rows on screen are still the last valid filter's, so the count does not claim
    // them for this one and the table is greyed; the message names the problem and where.
    filter->setText(QStringLiteral("params.optimizer = sgd"));
    QTest::keyClick(filter, Qt::Key_Return);
    QCOMPARE(count->text(), QStringLiteral("filter not applied"));
    QVERIFY(!page->table()->isEnabled());
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("at position 19")) &&
                 error->text().contains(QStringLiteral("found 'sgd'")),
             qPrintable(error->text()));
    QCOMPARE(filter->cursorPosition(), 19);
    // Another process writing meanwhile does not make the count claim the rows either.
    {
        Store other(db);
        NewRun init;
        init.experimentId = other.runs().experimentByName(QStringLiteral("main"))->id;
        init.name = QStringLiteral("fresh");
        init.status = RunStatus::Finished;
        other.runs().logParam(other.runs().createRun(init).id, QStringLiteral("optimizer"),
                              QStringLiteral("sgd"));
    }
    QTRY_COMPARE(model->totalCount(), qint64(11)); // the last valid filter's rows, refreshed
    QCOMPARE(count->text(), QStringLiteral("filter not applied"));
    test::keepScreenshot(&window, QStringLiteral("runs-invalid-filter"));
    if (!test::screenshotFolder().isEmpty()) {
        theme::apply(theme::Theme::Dark);
        QTest::qWait(50);
        test::keepScreenshot(&window, QStringLiteral("runs-invalid-filter-dark"));
        theme::apply(theme::Theme::Light);
    }

    filter->setText(QStringLiteral("params.optimizer = 'adam'"));
    QTest::keyClick(filter, Qt::Key_Return);
    QTRY_COMPARE(count->text(), QStringLiteral("20 run(s)"));
    QVERIFY(page->table()->isEnabled());
    QVERIFY(!error->isVisible());
}

void TestRunsPage::misspeltKeyOffersTheNearest()
{
    const QString db = makeDatabase(QStringLiteral("misspelt.db"), 30);
    MainWindow window(db);
    window.show();
    waitLoaded(window);
    RunTableModel *model = window.runsPage()->model();
    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("runFilter"));
    auto *error = window.findChild<QLabel *>(QStringLiteral("filterError"));
    QTest::keyClicks(filter, QStringLiteral("params.optimzer = 'sgd' and metrics.los < 1"));
    QTest::keyClick(filter, Qt::Key_Return);
    QTRY_COMPARE(model->totalCount(), qint64(0));
    QTRY_VERIFY(error->isVisible());
    QVERIFY(window.runsPage()->table()->isEnabled()); // a valid filter: 0 runs is its answer
    QCOMPARE(error->text(),
             QStringLiteral("No run in this experiment has params.optimzer; did you mean <a "
                            "href=\"fix:0\" style=\"color: #3a86d8\">params.optimizer</a>?<br>No run in this "
                            "experiment has metrics.los; did you mean <a "
                            "href=\"fix:1\" style=\"color: #3a86d8\">metrics.loss</a>?"));
    test::keepScreenshot(&window, QStringLiteral("runs-misspelt-key"));
    if (!test::screenshotFolder().isEmpty()) { // the links and the message in the dark, and narrow
        theme::apply(theme::Theme::Dark);
        window.resize(760, 560);
        QTest::qWait(50);
        test::keepScreenshot(&window, QStringLiteral("runs-misspelt-key-dark-narrow"));
        theme::apply(theme::Theme::Light);
    }

    // Clicking a suggestion puts that key into the filter and applies it; the other is still offered.
    Q_EMIT error->linkActivated(QStringLiteral("fix:0"));
    QCOMPARE(filter->text(), QStringLiteral("params.optimizer = 'sgd' and metrics.los < 1"));
    QTRY_COMPARE(error->text(), QStringLiteral("No run in this experiment has metrics.los; did you mean <a "
                                               "href=\"fix:0\" style=\"color: #3a86d8\">metrics.loss</a>?"));
    Q_EMIT error->linkActivated(QStringLiteral("fix:0"));
    QCOMPARE(filter->text(), QStringLiteral("params.optimizer = 'sgd' and metrics.loss < 1"));
    QTRY_COMPARE(model->totalCount(), qint64(9)); // sgd: runs 0, 3, ..., 27; run 0's loss is 1
    QTRY_VERIFY(!error->isVisible());

    // A key no run has yet: said, and unsaid once another process logs a run with it.
    filter->setText(QStringLiteral("params.momentum = '0.9'"));
    QTest::keyClick(filter, Qt::Key_Return);
    QTRY_COMPARE(error->text(), QStringLiteral("No run in this experiment has params.momentum"));
    {
        Store other(db);
        NewRun init;
        init.experimentId = other.runs().experimentByName(QStringLiteral("main"))->id;
        init.name = QStringLiteral("with momentum");
        init.status = RunStatus::Finished;
        other.runs().logParam(other.runs().createRun(init).id, QStringLiteral("momentum"),
                              QStringLiteral("0.9"));
    }
    QTRY_COMPARE(model->totalCount(), qint64(1));
    QTRY_VERIFY(!error->isVisible());
}

void TestRunsPage::columnChooserIsRememberedPerExperiment()
{
    const QString db = makeDatabase(QStringLiteral("columns.db"), 4);
    QStringList chosen;
    {
        MainWindow window(db);
        window.show();
        waitLoaded(window);
        RunsPage *page = window.runsPage();
        QStringList before = page->visibleColumns();
        QVERIFY(before.contains(QStringLiteral("param:optimizer")));
        QVERIFY(before.indexOf(QStringLiteral("metric:last:loss")) <
                before.indexOf(QStringLiteral("param:lr")));
        // Drive the dialog: tick min of loss, untick optimizer and the user column.
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<ColumnChooserDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QTest::keyClicks(dialog->search(), QStringLiteral("o"));
            QTreeWidget *tree = dialog->tree();
            for (QTreeWidgetItem *item :
                 tree->findItems(QStringLiteral("loss"), Qt::MatchExactly | Qt::MatchRecursive))
                item->setCheckState(2, Qt::Checked);
            for (QTreeWidgetItem *item :
                 tree->findItems(QStringLiteral("optimizer"), Qt::MatchExactly | Qt::MatchRecursive))
                item->setCheckState(0, Qt::Unchecked);
            for (QTreeWidgetItem *item :
                 tree->findItems(QStringLiteral("User"), Qt::MatchExactly | Qt::MatchRecursive))
                item->setCheckState(0, Qt::Unchecked);
            QVERIFY(tree->findItems(QStringLiteral("val/acc"), Qt::MatchExactly | Qt::MatchRecursive)
                        .first()
                        ->isHidden());
            dialog->accept();
        });
        QTest::mouseClick(window.findChild<QToolButton *>(QStringLiteral("columnsButton")), Qt::LeftButton);
        chosen = page->visibleColumns();
        QVERIFY(chosen.contains(QStringLiteral("metric:min:loss")));
        QVERIFY(!chosen.contains(QStringLiteral("param:optimizer")));
        QVERIFY(!chosen.contains(QStringLiteral("user")));
        QVERIFY(chosen.contains(QStringLiteral("name")));
        const int minColumn = page->model()->columnOf(QStringLiteral("metric:min:loss"));
        QCOMPARE(page->model()->headerData(minColumn, Qt::Horizontal).toString(),
                 QStringLiteral("loss (min)"));
        // Sorting by it goes through SQL.
        QHeaderView *header = page->table()->horizontalHeader();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(minColumn) + 5, header->height() / 2));
        QTRY_VERIFY(page->model()->query().orderBy.startsWith(QLatin1String("min(metrics.`loss`)")));
        // A moved column keeps its place.
        header->moveSection(header->visualIndex(page->model()->columnOf(QStringLiteral("param:lr"))), 1);
        chosen = page->visibleColumns();
        QCOMPARE(chosen.at(1), QStringLiteral("param:lr"));
    }
    {
        MainWindow window(db);
        window.show();
        waitLoaded(window);
        QCOMPARE(window.runsPage()->visibleColumns(), chosen);
        // Another experiment has its own (default) columns.
        window.runsPage()->showExperiment(Store(db).runs().experimentByName(QStringLiteral("other"))->id);
        QTRY_VERIFY(!window.isLoading());
        QVERIFY(window.runsPage()->visibleColumns().contains(QStringLiteral("metric:last:reward")));
        QVERIFY(window.runsPage()->visibleColumns().contains(QStringLiteral("user")));
    }
}

void TestRunsPage::recentDatabasesAndNewDatabase()
{
    const QString first = makeDatabase(QStringLiteral("recent1.db"), 2);
    const QString second = m_dir.filePath(QStringLiteral("brand-new.db"));
    MainWindow window(first);
    window.show();
    waitLoaded(window);
    QCOMPARE(MainWindow::recentDatabases().value(0), QFileInfo(first).absoluteFilePath());
    window.openDatabase(second); // what File › New Database does after its dialog
    waitLoaded(window);
    QVERIFY(QFileInfo::exists(second));
    QCOMPARE(Store(second).runs().experiments().size(), size_t(0));
    QCOMPARE(window.runsPage()->model()->totalCount(), qint64(0));
    QCOMPARE(MainWindow::recentDatabases().mid(0, 2),
             (QStringList{QFileInfo(second).absoluteFilePath(), QFileInfo(first).absoluteFilePath()}));
    QVERIFY(window.windowTitle().startsWith(QLatin1String("brand-new.db")));
    // A database without runs opens on the welcome page (tst_welcome), not on an empty runs table.
    QVERIFY(window.isShowingWelcome());
}

void TestRunsPage::reopensTheLastExperiment()
{
    const QString db = makeDatabase(QStringLiteral("reopen.db"), 3);
    const ExperimentId other = Store(db).runs().experimentByName(QStringLiteral("other"))->id;
    {
        MainWindow window(db);
        window.show();
        waitLoaded(window);
        QCOMPARE(window.runsPage()->model()->totalCount(), qint64(3)); // the first experiment
        window.sidebar()->selectExperiment(other);
        QTRY_COMPARE(window.runsPage()->model()->totalCount(), qint64(1));
    }
    MainWindow window(db);
    // Its runs are asked for at once, before the experiments list has arrived.
    QCOMPARE(window.runsPage()->model()->query().experiments, QList<ExperimentId>{other});
    window.show();
    waitLoaded(window);
    QCOMPARE(window.sidebar()->currentExperiment(), other);
    QCOMPARE(window.runsPage()->model()->totalCount(), qint64(1));
    QCOMPARE(window.runsPage()->model()->index(0, RunTableModel::NameColumn).data().toString(),
             QStringLiteral("lonely"));
}

// Ctrl-click in the sidebar adds an experiment: the table lists the runs of both with an Experiment column
// (only then, and only then offered by the column chooser), the filter completes the keys of both, filter,
// quick search and sorting work across them, runs of the two are compared, and the choice is reopened.
void TestRunsPage::severalExperimentsTogether()
{
    const QString db = makeDatabase(QStringLiteral("several.db"), 3);
    const ExperimentId main = Store(db).runs().experimentByName(QStringLiteral("main"))->id;
    const ExperimentId other = Store(db).runs().experimentByName(QStringLiteral("other"))->id;
    const auto columnsOffered = [this](RunsPage *page) {
        QStringList offered;
        QTimer::singleShot(0, this, [&offered] {
            auto *dialog = qobject_cast<ColumnChooserDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            for (QTreeWidgetItem *item :
                 dialog->tree()->findItems(QStringLiteral("*"), Qt::MatchWildcard | Qt::MatchRecursive))
                offered << item->text(0);
            dialog->reject();
        });
        page->chooseColumns();
        return offered;
    };
    {
        MainWindow window(db);
        window.resize(1300, 700);
        window.show();
        waitLoaded(window);
        RunsPage *page = window.runsPage();
        RunTableModel *model = page->model();
        QTableView *table = page->table();
        auto *list = window.findChild<QListView *>(QStringLiteral("experimentList"));
        auto *filter = window.findChild<QLineEdit *>(QStringLiteral("runFilter"));
        FilterCompleter *completer = page->completer();
        QCOMPARE(window.sidebar()->currentExperiment(), main);
        QCOMPARE(model->totalCount(), qint64(3));
        QVERIFY(table->isColumnHidden(RunTableModel::ExperimentColumn));
        QVERIFY(!page->visibleColumns().contains(QStringLiteral("experiment")));
        QVERIFY(!columnsOffered(page).contains(QStringLiteral("Experiment")));
        filter->setFocus();
        QTest::keyClicks(filter, QStringLiteral("metrics."));
        QCOMPARE(completer->candidates(),
                 (QStringList{QStringLiteral("metrics.loss"), QStringLiteral("metrics.val/acc")}));
        filter->clear();

        // Ctrl-click "other": both experiments' runs.
        const QModelIndex otherRow = list->model()->index(1, 0);
        QCOMPARE(otherRow.data().toString(), QStringLiteral("other"));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          list->visualRect(otherRow).center());
        QCOMPARE(window.sidebar()->chosenExperiments(), (QList<ExperimentId>{main, other}));
        QCOMPARE(page->experiments(), (QList<ExperimentId>{main, other}));
        QCOMPARE(page->experiment(), ExperimentId(0));
        QTRY_COMPARE(model->totalCount(), qint64(4));
        QTRY_VERIFY(!window.isLoading());
        QVERIFY(!table->isColumnHidden(RunTableModel::ExperimentColumn));
        const QStringList columns = page->visibleColumns();
        QCOMPARE(columns.indexOf(QStringLiteral("experiment")), columns.indexOf(QStringLiteral("name")) + 1);
        QVERIFY(columns.contains(QStringLiteral("metric:last:reward")));
        QVERIFY(columns.contains(QStringLiteral("metric:last:loss")));
        QMap<QString, QString> experimentOf;
        for (int r = 0; r < model->rowCount(); ++r)
            experimentOf.insert(model->runAt(r).name,
                                model->index(r, RunTableModel::ExperimentColumn).data().toString());
        QCOMPARE(experimentOf.value(QStringLiteral("lonely")), QStringLiteral("other"));
        QCOMPARE(experimentOf.value(QStringLiteral("run001")), QStringLiteral("main"));
        QCOMPARE(model->headerData(RunTableModel::ExperimentColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Experiment"));
        QVERIFY(columnsOffered(page).contains(QStringLiteral("Experiment")));
        test::keepScreenshot(&window, QStringLiteral("runs-two-experiments"));

        // The filter completes the keys of both.
        filter->setFocus();
        QTest::keyClicks(filter, QStringLiteral("metrics."));
        QCOMPARE(completer->candidates(),
                 (QStringList{QStringLiteral("metrics.loss"), QStringLiteral("metrics.reward"),
                              QStringLiteral("metrics.val/acc")}));
        // Filtering and sorting span both.
        QTest::keyClicks(filter, QStringLiteral("reward = 1"));
        QTest::keyClick(filter, Qt::Key_Return);
        QTRY_COMPARE(model->totalCount(), qint64(1));
        QTRY_VERIFY(!window.isLoading());
        QCOMPARE(model->runAt(0).name, QStringLiteral("lonely"));
        filter->clear();
        QTRY_COMPARE(model->totalCount(), qint64(4));
        QHeaderView *header = table->horizontalHeader();
        QTest::mouseClick(
            header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(RunTableModel::NameColumn) + 5, header->height() / 2));
        QTRY_VERIFY(model->query().orderBy.startsWith(QLatin1String("attributes.run_name")));
        QTRY_VERIFY(!window.isLoading());
        QStringList names;
        for (int r = 0; r < model->rowCount(); ++r)
            names << model->runAt(r).name;
        QStringList sorted = names;
        sorted.sort();
        if (model->query().orderBy.endsWith(QLatin1String("DESC")))
            std::reverse(sorted.begin(), sorted.end());
        QCOMPARE(names, sorted);
        QCOMPARE(names.size(), 4);
        // The quick search too.
        auto *quick = window.findChild<QLineEdit *>(QStringLiteral("quickFilter"));
        QTest::keyClicks(quick, QStringLiteral("lonely"));
        QTRY_COMPARE(model->totalCount(), qint64(1));
        quick->clear();
        QTRY_COMPARE(model->totalCount(), qint64(4));
        QTRY_VERIFY(!window.isLoading());

        // Compare a run of each.
        const int lonely = int(names.indexOf(QStringLiteral("lonely")));
        const int run001 = int(names.indexOf(QStringLiteral("run001")));
        window.activateWindow(); // after the column chooser's dialogs
        QTRY_VERIFY(window.isActiveWindow());
        table->setFocus();
        table->selectionModel()->select(model->index(lonely, 0),
                                        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        table->selectionModel()->select(model->index(run001, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QTest::keyClick(table, Qt::Key_M, Qt::ControlModifier);
        QTRY_COMPARE(window.comparePage()->runIds().size(), 2);
        QVERIFY(window.comparePage()->runIds().contains(model->runAt(lonely).id));
        QVERIFY(window.comparePage()->runIds().contains(model->runAt(run001).id));
        QTRY_VERIFY(window.comparePage()->metricKeys().contains(QStringLiteral("reward")));
        QVERIFY(window.comparePage()->metricKeys().contains(QStringLiteral("loss")));
    }
    // Reopened with both chosen, "main" current.
    MainWindow window(db);
    QCOMPARE(window.runsPage()->model()->query().experiments, (QList<ExperimentId>{main, other}));
    window.show();
    waitLoaded(window);
    QCOMPARE(window.sidebar()->currentExperiment(), other);
    QCOMPARE(window.sidebar()->chosenExperiments(), (QList<ExperimentId>{main, other}));
    auto *list = window.findChild<QListView *>(QStringLiteral("experimentList"));
    QCOMPARE(list->selectionModel()->selectedRows().size(), 2);
    QTRY_COMPARE(window.runsPage()->model()->totalCount(), qint64(4));
    // A plain click goes back to one.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualRect(list->model()->index(0, 0)).center());
    QCOMPARE(window.sidebar()->chosenExperiments(), QList<ExperimentId>{main});
    QTRY_COMPARE(window.runsPage()->model()->totalCount(), qint64(3));
    QVERIFY(window.runsPage()->table()->isColumnHidden(RunTableModel::ExperimentColumn));
}

void TestRunsPage::searchingExperimentsIsNotChoosing()
{
    const QString db = makeDatabase(QStringLiteral("search.db"), 4);
    MainWindow window(db);
    window.show();
    waitLoaded(window);
    RunTableModel *model = window.runsPage()->model();
    QCOMPARE(model->totalCount(), qint64(4)); // "main"
    auto *search = window.findChild<QLineEdit *>(QStringLiteral("experimentSearch"));
    auto *list = window.findChild<QListView *>(QStringLiteral("experimentList"));
    QTest::keyClicks(search, QStringLiteral("oth")); // hides "main"
    QCOMPARE(list->model()->rowCount(), 1);
    QTest::qWait(100);
    QCOMPARE(model->totalCount(), qint64(4));        // still main's runs
    QTest::keyClicks(search, QStringLiteral("zzz")); // hides everything: nothing is chosen, nothing loads
    QTest::qWait(100);
    QCOMPARE(model->totalCount(), qint64(4));
    search->clear();
    QTRY_COMPARE(list->model()->rowCount(), 2);
    QCOMPARE(list->currentIndex().data().toString(), QStringLiteral("main"));
    // A click is a choice, also on a row that was hidden and shown again.
    QTest::keyClicks(search, QStringLiteral("oth"));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualRect(list->model()->index(0, 0)).center());
    QTRY_COMPARE(model->totalCount(), qint64(1));
}

void TestRunsPage::darkAppearance()
{
    const QString db = makeDatabase(QStringLiteral("dark.db"), 3);
    theme::apply(theme::Theme::Dark);
    QVERIFY(theme::isDark());
    MainWindow window(db);
    window.resize(1000, 600);
    window.show();
    waitLoaded(window);
    QTableView *table = window.runsPage()->table();
    const QImage image = table->viewport()->grab().toImage();
    // The table's background is dark and its text light: sample an empty area and the text colour's mean.
    const QColor background = image.pixelColor(image.width() - 5, image.height() - 5);
    QVERIFY2(background.lightness() < 80, qPrintable(background.name()));
    QVERIFY(table->palette().color(QPalette::Text).lightness() > 180);
    theme::apply(theme::Theme::Light);
    QVERIFY(!theme::isDark());
    QTRY_VERIFY(table->palette().color(QPalette::Base).lightness() > 200);
}

// The table's delegate lays text out once per cell instead of the style's three times; what it paints must
// not differ from what the style paints: plain, selected, focused, right-aligned, coloured and elided cells,
// and the run names beside their colour.
void TestRunsPage::cellsPaintAsTheStyleDoes()
{
    const QString db = makeDatabase(QStringLiteral("paint.db"), 40);
    MainWindow window(db);
    window.resize(1200, 700);
    window.show();
    waitLoaded(window);
    QTableView *table = window.runsPage()->table();
    RunTableModel *model = window.runsPage()->model();
    QTRY_VERIFY(model->columnCount() > RunTableModel::FixedColumnCount && model->rowCount() == 40);
    table->setColumnHidden(RunTableModel::DurationColumn, true); // these runs never ended: it ticks
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    table->setFocus();
    table->selectRow(2);
    table->setCurrentIndex(model->index(2, model->columnOf(QStringLiteral("param:lr")))); // the focus frame
    QVERIFY(table->hasFocus());
    table->setColumnWidth(RunTableModel::StartColumn, 50); // elided
    table->setColumnWidth(RunTableModel::UserColumn, 4);   // narrower than the margins
    model->setStarred({model->runAt(1).id}, true);         // a coloured star
    QTRY_VERIFY(model->runAt(1).starred);
    auto *ourDelegate = qobject_cast<RunTableDelegate *>(table->itemDelegate());
    QVERIFY(ourDelegate);
    // Under Fusion the delegate paints (and measures) the cells itself, whatever their alignment.
    for (int column : {int(RunTableModel::StarColumn), int(RunTableModel::NameColumn),
                       model->columnOf(QStringLiteral("metric:last:loss"))})
        QVERIFY(ourDelegate->placesTextAsCommonStyle(table, model->index(0, column)));
    // The tree's indentation, triangle and count are the delegate's own (sweepIsATreeByMouseAndKeys): the
    // cells are compared without them.
    ourDelegate->setTreeColumn(-1);
    auto *plain = new QStyledItemDelegate(table);
    const auto compare = [&](const QString &what) {
        table->setItemDelegate(ourDelegate);
        const QImage ours = table->viewport()->grab().toImage();
        table->setItemDelegate(plain);
        const QImage style = table->viewport()->grab().toImage();
        QCOMPARE(ours.size(), style.size());
        int differing = 0;
        for (int y = 0; y < ours.height(); ++y)
            for (int x = 0; x < ours.width(); ++x)
                differing += ours.pixel(x, y) != style.pixel(x, y);
        if (differing > 0) {
            ours.save(m_dir.filePath(what + QStringLiteral("-ours.png")));
            style.save(m_dir.filePath(what + QStringLiteral("-style.png")));
        }
        QVERIFY2(differing == 0, qPrintable(QStringLiteral("%1: %2 pixels differ").arg(what).arg(differing)));
    };
    compare(QStringLiteral("fusion"));
    // A style sheet places and colours item text its own way: the style paints every cell then.
    table->setStyleSheet(QStringLiteral("QTableView::item { color: #a01010; }"));
    compare(QStringLiteral("style-sheet"));
    QVERIFY(!ourDelegate->placesTextAsCommonStyle(table, model->index(0, RunTableModel::StatusColumn)));
}

// Columns are sized to the text of the rows on screen: those on screen before the first paint, the others
// right after it.
void TestRunsPage::columnsFitTheRowsOnScreen()
{
    const QString db = makeDatabase(QStringLiteral("fit.db"), 80);
    MainWindow window(db);
    window.resize(700, 500); // most columns start off screen
    window.show();
    waitLoaded(window);
    QTableView *table = window.runsPage()->table();
    RunTableModel *model = window.runsPage()->model();
    QTRY_VERIFY(model->columnCount() > RunTableModel::FixedColumnCount && model->rowCount() > 0);
    const int lastRow = table->rowAt(table->viewport()->height() - 1);
    QVERIFY(lastRow > 0);
    const int margin = 2 * (table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, table) + 1);
    const QHeaderView *header = table->horizontalHeader();
    // As wide as the title or the widest text on screen (with the style's margins and the grid line), within
    // 36..280 px. The run names carry their colour too: at least as wide as their text.
    const auto fits = [&](int c) {
        int widest = 0;
        for (int r = 0; r <= lastRow; ++r)
            widest = std::max(widest,
                              table->fontMetrics().horizontalAdvance(model->index(r, c).data().toString()));
        const int wanted = std::clamp(std::max(header->sectionSizeHint(c), widest + margin + 1), 36, 280);
        return c == RunTableModel::NameColumn ? table->columnWidth(c) >= wanted
                                              : table->columnWidth(c) == wanted;
    };
    QVERIFY(header->sectionViewportPosition(model->columnOf(QStringLiteral("param:optimizer"))) >
            table->viewport()->width());
    // Right after the first paint every column has been fitted, the ones off screen included.
    const auto allFit = [&] {
        for (int c = 0; c < model->columnCount(); ++c)
            if (!table->isColumnHidden(c) && !fits(c))
                return false;
        return true;
    };
    QTRY_VERIFY(allFit());
    // Fitted, not left at the default width: the star column is narrow, the run names wider than their title.
    QVERIFY(table->columnWidth(RunTableModel::StarColumn) < header->defaultSectionSize());
    QVERIFY(table->columnWidth(RunTableModel::NameColumn) >
            header->sectionSizeHint(RunTableModel::NameColumn));
}

// Clicking a column SQL cannot sort by (duration, source, commit, the star) changes nothing, and the sort
// indicator stays on the column the rows are sorted by; new key columns do not move it either.
void TestRunsPage::unsortableHeadersKeepTheIndicator()
{
    const QString db = makeDatabase(QStringLiteral("sorting.db"), 12);
    MainWindow window(db);
    window.resize(1400, 700);
    window.show();
    waitLoaded(window);
    QTableView *table = window.runsPage()->table();
    RunTableModel *model = window.runsPage()->model();
    QTRY_VERIFY(model->columnCount() > RunTableModel::FixedColumnCount && model->rowCount() == 12);
    QHeaderView *header = table->horizontalHeader();
    const auto click = [&](int column) {
        const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    };
    const auto indicatorOn = [&](int column, Qt::SortOrder order) {
        return header->sortIndicatorSection() == column && header->sortIndicatorOrder() == order;
    };
    QVERIFY(indicatorOn(RunTableModel::StartColumn, Qt::DescendingOrder));
    const QString byStart = model->query().orderBy;
    const QString first = model->runAt(0).id;
    for (int column : {int(RunTableModel::DurationColumn), int(RunTableModel::SourceColumn),
                       int(RunTableModel::CommitColumn), int(RunTableModel::StarColumn)}) {
        click(column);
        QVERIFY2(indicatorOn(RunTableModel::StartColumn, Qt::DescendingOrder),
                 qPrintable(RunTableModel::fixedColumnTitle(column)));
        QCOMPARE(model->query().orderBy, byStart);
        QVERIFY(!model->isLoading()); // nothing was reloaded
    }
    QCOMPARE(model->runAt(0).id, first);
    // A sortable column takes the indicator; an unsortable one clicked next leaves it there.
    const int loss = model->columnOf(QStringLiteral("metric:last:loss"));
    click(loss);
    QTRY_VERIFY(model->query().orderBy.startsWith(QLatin1String("metrics.`loss`")));
    const Qt::SortOrder lossOrder = header->sortIndicatorOrder();
    QVERIFY(indicatorOn(loss, lossOrder));
    QTRY_VERIFY(!window.isLoading());
    click(RunTableModel::CommitColumn);
    QVERIFY(indicatorOn(loss, lossOrder));
    // A key logged meanwhile inserts a column before the sorted one: the indicator follows its column.
    {
        Store other(db);
        other.series().logMetric(model->runAt(0).id, QStringLiteral("aaa"), MetricPoint{0, 0, 1.0});
    }
    QTRY_VERIFY(model->columnOf(QStringLiteral("metric:last:aaa")) >= 0);
    QCOMPARE(model->columnOf(QStringLiteral("metric:last:loss")), loss + 1);
    QTRY_VERIFY(indicatorOn(loss + 1, lossOrder));
}

// A sweep with four child runs in "main" beside three plain runs: the table lists the sweep once, with its
// children's count, expandable by its triangle, Right/Left and +/-; a child logged by another process while
// the window is open appears under it.
void TestRunsPage::sweepIsATreeByMouseAndKeys()
{
    const QString db = makeDatabase(QStringLiteral("tree.db"), 3);
    QString sweep;
    {
        Store store(db);
        NewRun init;
        init.experimentId = store.runs().experimentByName(QStringLiteral("main"))->id;
        init.name = QStringLiteral("sweep");
        init.startMs = 1'600'000'000'000; // the oldest: listed last
        init.endMs = 1'600'000'001'000;
        init.status = RunStatus::Finished;
        sweep = store.runs().createRun(init).id;
        for (int i = 0; i < 4; ++i) {
            init.name = QStringLiteral("trial%1").arg(i);
            init.startMs = 1'600'000'000'000 + (i + 1) * 60'000;
            init.endMs = *init.startMs + 60'000;
            init.parentId = sweep;
            store.runs().createRun(init);
        }
    }
    MainWindow window(db);
    window.resize(1000, 500);
    window.show();
    waitLoaded(window);
    RunsPage *page = window.runsPage();
    QTableView *table = page->table();
    RunTableModel *model = page->model();
    QTRY_COMPARE(model->totalCount(), qint64(8)); // the count is of every run listed
    QCOMPARE(model->topLevelCount(), qint64(4));
    QTRY_COMPARE(model->rowCount(), 4);
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("runCount"))->text(), QStringLiteral("8 run(s)"));
    const int sweepRow = model->rowOf(sweep);
    QCOMPARE(sweepRow, 3);
    QCOMPARE(model->childCountAt(sweepRow), qint64(4));
    // The sweep's duration is its trials' span (the first starts at +1 min, the last ends at +5 min).
    const QModelIndex duration = model->index(sweepRow, RunTableModel::DurationColumn);
    QCOMPARE(duration.data().toString(), QStringLiteral("4m 0s"));
    QCOMPARE(duration.data(Qt::ToolTipRole).toString(), QStringLiteral("span of 4 child runs"));

    // A click on the triangle expands; a click elsewhere in the cell only selects.
    auto *delegate = qobject_cast<RunTableDelegate *>(table->itemDelegate());
    QVERIFY(delegate);
    const QModelIndex name = model->index(sweepRow, RunTableModel::NameColumn);
    const QRect triangle = delegate->disclosureRect(name, table->visualRect(name));
    QVERIFY(!triangle.isEmpty());
    QVERIFY(delegate->disclosureRect(model->index(0, RunTableModel::NameColumn), table->visualRect(name))
                .isEmpty()); // a run without children has none
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, triangle.center());
    QTRY_COMPARE(model->rowCount(), 8);
    QCOMPARE(model->index(4, RunTableModel::NameColumn).data().toString(), QStringLiteral("trial3"));
    QCOMPARE(model->depthAt(4), 1);
    QCOMPARE(model->depthAt(7), 1);
    QVERIFY(test::keepScreenshot(&window, QStringLiteral("runs-tree-expanded")));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, triangle.center());
    QTRY_COMPARE(model->rowCount(), 4);

    // Keys on the current row.
    table->setFocus();
    table->setCurrentIndex(model->index(sweepRow, RunTableModel::NameColumn));
    QTest::keyClick(table, Qt::Key_Right);
    QTRY_COMPARE(model->rowCount(), 8);
    QVERIFY(model->isExpanded(sweepRow));
    QCOMPARE(table->currentIndex().column(), int(RunTableModel::NameColumn)); // the key did not move on
    QTest::keyClick(table, Qt::Key_Left);
    QTRY_COMPARE(model->rowCount(), 4);
    QTest::keyClick(table, Qt::Key_Plus);
    QTRY_COMPARE(model->rowCount(), 8);
    // Left on a child goes to its parent, as in a tree (the child stays listed).
    table->setCurrentIndex(model->index(sweepRow + 2, RunTableModel::NameColumn));
    QCOMPARE(model->parentRowOf(sweepRow + 2), sweepRow);
    QCOMPARE(model->parentRowOf(sweepRow), -1);
    QTest::keyClick(table, Qt::Key_Left);
    QCOMPARE(table->currentIndex().row(), sweepRow);
    QCOMPARE(model->rowCount(), 8);

    // A trial logged by another process appears under its sweep, which stays expanded.
    {
        Store other(db);
        NewRun init;
        init.experimentId = other.runs().experimentByName(QStringLiteral("main"))->id;
        init.name = QStringLiteral("trial4");
        init.startMs = 1'600'000'900'000;
        init.parentId = sweep;
        other.runs().createRun(init);
    }
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 9, 3000);
    QCOMPARE(model->index(model->rowOf(sweep) + 1, RunTableModel::NameColumn).data().toString(),
             QStringLiteral("trial4"));
    QCOMPARE(model->childCountAt(model->rowOf(sweep)), qint64(5));
    QCOMPARE(model->totalCount(), qint64(9));
    QCOMPARE(model->topLevelCount(), qint64(4));
    QTest::keyClick(table, Qt::Key_Minus);
    QTRY_COMPARE(model->rowCount(), 4);

    // Ctrl+M on the collapsed sweep compares the sweep alone.
    window.activateWindow();
    QTRY_VERIFY(window.isActiveWindow());
    table->setFocus();
    table->selectRow(model->rowOf(sweep));
    QCOMPARE(page->selectedRunIds(), QStringList{sweep});
    QTest::keyClick(table, Qt::Key_M, Qt::ControlModifier);
    QTRY_COMPARE(window.comparePage()->runIds(), QStringList{sweep});
}

// An experiment that is one sweep opens with it expanded (one collapsed row would hide every run); once
// the person collapses it, it stays collapsed while other processes write.
void TestRunsPage::soleSweepOpensExpanded()
{
    const QString db = makeDatabase(QStringLiteral("sole.db"), 0);
    QString sweep;
    {
        Store store(db);
        NewRun init;
        init.experimentId = store.runs().experimentByName(QStringLiteral("main"))->id;
        init.name = QStringLiteral("sweep");
        init.startMs = 1'600'000'000'000;
        sweep = store.runs().createRun(init).id;
        init.parentId = sweep;
        for (int i = 0; i < 3; ++i) {
            init.name = QStringLiteral("trial%1-with-a-longer-name").arg(i);
            init.startMs = 1'600'000'000'000 + (i + 1) * 1000;
            store.runs().createRun(init);
        }
    }
    MainWindow window(db);
    window.resize(1000, 500);
    window.show();
    waitLoaded(window);
    {
        Store check(db);
        window.sidebar()->selectExperiment(check.runs().experimentByName(QStringLiteral("main"))->id);
    }
    RunsPage *page = window.runsPage();
    RunTableModel *model = page->model();
    QTRY_COMPARE(model->rowCount(), 4);
    QCOMPARE(model->topLevelCount(), qint64(1));
    QVERIFY(model->isExpanded(0));
    QCOMPARE(model->depthAt(3), 1);
    // The Name column, fitted to the sweep's row alone, grew to the children's indented names and colours.
    QTableView *table = page->table();
    QTRY_VERIFY(table->columnWidth(RunTableModel::NameColumn) >=
                static_cast<const QAbstractItemView *>(table)->sizeHintForColumn(RunTableModel::NameColumn));
    QVERIFY(model->index(3, RunTableModel::NameColumn).data(Qt::DecorationRole).isValid());

    table->setFocus();
    table->setCurrentIndex(model->index(0, RunTableModel::NameColumn));
    QTest::keyClick(table, Qt::Key_Left);
    QTRY_COMPARE(model->rowCount(), 1);
    {
        Store other(db);
        other.runs().setTag(sweep, QStringLiteral("note"), QStringLiteral("written beside the window"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, RunTableModel::NameColumn).data(RunIdRole).toString(), sweep,
                              3000);
    QTest::qWait(1500); // a live refresh or two
    QCOMPARE(model->rowCount(), 1);
    QVERIFY(!model->isExpanded(0));
}

QTEST_MAIN(TestRunsPage)
#include "tst_runspage.moc"
