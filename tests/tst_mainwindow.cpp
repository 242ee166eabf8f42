// SPDX-License-Identifier: GPL-3.0-or-later
// The main window driven as a person would, offscreen: it loads a real database without blocking, shows the
// runs of the chosen experiment, takes filters typed into the filter bar, explains a malformed one inline,
// and sorts by a clicked column.

#include "demodata.h"
#include "experimentsidebar.h"
#include "mainwindow.h"
#include "roles.h"
#include "runpage.h"
#include "runspage.h"
#include "runtablemodel.h"
#include "store.h"
#include "testsupport.h"

#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
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

private:
    QTemporaryDir m_dir;
    QString m_db;
};

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
        const std::vector<Experiment> experiments = store.experiments();
        QVERIFY(experiments.size() >= 2);
        first = experiments[0].id;
        second = experiments[1].id;
        RunQuery q;
        q.experiments = {second};
        inSecond = store.searchRunIds(q).value(0);
        q.experiments = {first};
        inFirst = store.searchRunIds(q).value(0);
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
    QStringList names;
    for (int r = 0; r < model->rowCount(); ++r)
        names << model->index(r, RunTableModel::NameColumn).data(SortValueRole).toString();
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
    QVERIFY(check.run(starred)->starred);
    QCOMPARE(check.run(trashed)->lifecycle, Lifecycle::Deleted);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
