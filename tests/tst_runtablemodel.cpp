// SPDX-License-Identifier: GPL-3.0-or-later
// The lazy runs table over a real store: pages arrive from the store worker, QAbstractItemModelTester checks
// every change, sorting and filtering go through SQL, answers to an older query are dropped.

#include "import/importer.h"
#include "itemmodels/experimentlistmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "itemmodels/runtablemodel.h"
#include "search/searchquery.h"
#include "store/changewatcher.h"
#include "store/store.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;

class TestRunTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pagesArriveLazily();
    void sortsInSqlWithMissingLast();
    void filterAndMalformedFilter();
    void filterIsCompiledOnceForTheWorker();
    void refreshBeforeAnyQueryListsEveryRun();
    void staleAnswersAreDropped();
    void unreadableDatabaseReportsFailure();
    void experimentListAndProxy();
    void refreshAppliesChangesInPlace();
    void refreshFollowsMovedRuns();
    void refreshReadsOnlyChangedRuns();
    void refreshNeverWaitsForAWriter();
    void pagingSurvivesRunsAddedAbove();
    void newKeysInsertColumnsWithoutReset();
    void starTrashAndColourWriteThrough();
    void minMaxColumnsShowAndSort();
    void quickTextFilter();
    void treeListsTopLevelRunsWithCounts();
    void treeExpandsAndCollapses();
    void treeFilterMatchingAChildListsIt();
    void treeCycleOfParentsEnds();
    void treeDeeperThanTheLimitListsEveryRun();
    void treeChildWrittenElsewhereAppears();
    void treePagesTopLevelRuns();
    void treeOfAnMlflowImport();

private:
    QTemporaryDir m_dir;
    QString m_db;
    static constexpr int Runs = 1000;
};

void TestRunTableModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(QStringLiteral("runs.db"));
    Store store(m_db);
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("sweep"));
    Store::Transaction tx(store);
    for (int i = 0; i < Runs; ++i) {
        NewRun init;
        init.experimentId = e;
        init.name = QStringLiteral("run-%1").arg(i, 4, 10, QLatin1Char('0'));
        init.startMs = 1'700'000'000'000 + i;
        const QString id = store.runs().createRun(init).id;
        RunStore::Batch b;
        b.params.insert(QStringLiteral("lr"), QString::number(i % 5));
        if (i % 10 != 0) // every tenth run has no loss: sorted last either way
            b.metrics.push_back({QStringLiteral("loss"), MetricPoint{0, 0, double(i % 97)}});
        store.runs().logBatch(id, b);
    }
    tx.commit();
}

void TestRunTableModel::pagesArriveLazily()
{
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    tester.setUseFetchMore(true);
    model.setParamColumns({QStringLiteral("lr")});
    model.setMetricColumns({QStringLiteral("loss")});
    QSignalSpy total(&model, &RunTableModel::totalCountChanged);
    QVERIFY(total.isValid());
    model.setQuery(RunQuery{});
    QCOMPARE(model.rowCount(), 0); // nothing on the GUI thread yet
    QTRY_COMPARE(model.rowCount(), RunTableModel::FirstPageSize);
    QTRY_COMPARE(model.totalCount(), qint64(Runs));
    QCOMPARE(total.count(), 1);
    QCOMPARE(model.columnCount(), RunTableModel::FixedColumnCount + 2);
    // Default order: newest first.
    QCOMPARE(model.index(0, RunTableModel::NameColumn).data().toString(), QStringLiteral("run-0999"));
    QVERIFY(model.canFetchMore({}) || model.isLoading()); // the tester may have asked for the next page
    while (model.canFetchMore({}) || model.isLoading()) {
        if (model.canFetchMore({}))
            model.fetchMore({});
        QTest::qWait(5);
    }
    QCOMPARE(model.rowCount(), Runs);
    QVERIFY(!model.canFetchMore({}));
    const QModelIndex last = model.index(Runs - 1, RunTableModel::NameColumn);
    QCOMPARE(last.data().toString(), QStringLiteral("run-0000"));
    QCOMPARE(last.data(RunIdRole).toString(), model.runAt(Runs - 1).id);
    // Metrics come before params (what people compare first stays on screen).
    QCOMPARE(model.headerData(RunTableModel::FixedColumnCount, Qt::Horizontal).toString(),
             QStringLiteral("loss"));
    QCOMPARE(model.headerData(RunTableModel::FixedColumnCount + 1, Qt::Horizontal).toString(),
             QStringLiteral("lr"));
    QCOMPARE(model.columnId(RunTableModel::FixedColumnCount), QStringLiteral("metric:last:loss"));
    QCOMPARE(model.columnOf(QStringLiteral("param:lr")), RunTableModel::FixedColumnCount + 1);
}

void TestRunTableModel::sortsInSqlWithMissingLast()
{
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetricColumns({QStringLiteral("loss")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), RunTableModel::FirstPageSize);
    const int lossColumn = RunTableModel::FixedColumnCount;
    for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
        model.sort(lossColumn, order);
        QTRY_COMPARE(model.totalCount(), qint64(Runs));
        while (model.canFetchMore({}) || model.isLoading()) {
            if (model.canFetchMore({}))
                model.fetchMore({});
            QTest::qWait(5);
        }
        QCOMPARE(model.rowCount(), Runs);
        double previous = order == Qt::AscendingOrder ? -1 : 1e9;
        for (int r = 0; r < Runs - Runs / 10; ++r) {
            const double v = model.index(r, lossColumn).data(SortValueRole).toDouble();
            QVERIFY2(order == Qt::AscendingOrder ? v >= previous : v <= previous,
                     qPrintable(QString::number(r)));
            previous = v;
        }
        for (int r = Runs - Runs / 10; r < Runs; ++r)
            QVERIFY(!model.index(r, lossColumn).data().isValid()); // missing values last
    }
    QVERIFY(model.orderByFor(RunTableModel::DurationColumn, Qt::AscendingOrder).isEmpty());
}

void TestRunTableModel::filterAndMalformedFilter()
{
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RunQuery q;
    q.filter = QStringLiteral("params.lr = '3' and metrics.loss < 10");
    model.setQuery(q);
    QTRY_VERIFY(!model.isLoading());
    qint64 expected = 0;
    for (int i = 0; i < Runs; ++i)
        expected += (i % 5 == 3 && i % 10 != 0 && i % 97 < 10) ? 1 : 0;
    QCOMPARE(model.totalCount(), expected);
    QCOMPARE(model.rowCount(), int(expected));
    // A malformed filter is refused before anything changes.
    RunQuery bad;
    bad.filter = QStringLiteral("params.lr = ");
    QVERIFY_THROWS_EXCEPTION(search::SyntaxError, model.setQuery(bad));
    QCOMPARE(model.query().filter, q.filter);
    QCOMPARE(model.rowCount(), int(expected));
}

// The filter is compiled on the GUI thread when it is set, and that compiled form is what the worker
// runs for every count and page: the same rows as the store's own compile; a malformed filter is refused
// with the compiler's message before any request is made.
// The window refreshes the runs table (F5, after an import, after the demo) before the sidebar may have
// given it a query: the model's own query, every run, must be a valid one.
void TestRunTableModel::refreshBeforeAnyQueryListsEveryRun()
{
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QSignalSpy failed(&model, &RunTableModel::loadFailed);
    model.refresh();
    QTRY_VERIFY(!model.isLoading());
    QTest::qWait(100);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(model.totalCount(), qint64(Runs));
}

void TestRunTableModel::filterIsCompiledOnceForTheWorker()
{
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto sameCompiled = [](const search::CompiledQuery &a, const search::CompiledQuery &b) {
        return a.joins == b.joins && a.joinBinds == b.joinBinds && a.where == b.where &&
               a.whereBinds == b.whereBinds && a.orderBy == b.orderBy;
    };
    RunQuery q;
    q.filter = QStringLiteral("params.lr = '3' and metrics.loss < 10");
    q.orderBy = QStringLiteral("metrics.loss DESC");
    model.setQuery(q);
    QVERIFY(sameCompiled(model.compiledQuery(), search::compile(q.filter, q.orderBy)));
    QTRY_VERIFY(!model.isLoading());
    while (model.canFetchMore({})) {
        model.fetchMore({});
        QTRY_VERIFY(!model.isLoading());
    }
    Store store(m_db);
    const std::vector<Run> expected = store.runs().searchRuns(q);
    QCOMPARE(model.totalCount(), store.runs().countRuns(q));
    QCOMPARE(model.rowCount(), int(expected.size()));
    QVERIFY(!expected.empty());
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.runAt(r).id, expected[size_t(r)].id);

    // A new sort order is compiled with the filter too.
    const int lossColumn = RunTableModel::FixedColumnCount;
    model.setMetricColumns({QStringLiteral("loss")});
    model.sort(lossColumn, Qt::AscendingOrder);
    const QString orderBy = model.orderByFor(lossColumn, Qt::AscendingOrder);
    QCOMPARE(model.query().orderBy, orderBy);
    QVERIFY(sameCompiled(model.compiledQuery(), search::compile(q.filter, orderBy)));
    QTRY_VERIFY(!model.isLoading());

    // Refused on the GUI thread with the compiler's own message; nothing is asked of the worker.
    RunQuery bad = q;
    bad.filter = QStringLiteral("params.lr = ");
    QString compilerMessage;
    try {
        search::compile(bad.filter, bad.orderBy);
    } catch (const search::SyntaxError &e) {
        compilerMessage = e.message();
    }
    QVERIFY(!compilerMessage.isEmpty());
    QSignalSpy failed(&model, &RunTableModel::loadFailed);
    QVERIFY(failed.isValid());
    const search::CompiledQuery before = model.compiledQuery();
    try {
        model.setQuery(bad);
        QFAIL("a malformed filter was accepted");
    } catch (const search::SyntaxError &e) {
        QCOMPARE(e.message(), compilerMessage);
    }
    QVERIFY(!model.isLoading());
    QVERIFY(sameCompiled(model.compiledQuery(), before));
    QCOMPARE(model.query().filter, q.filter);
    QTest::qWait(50);
    QCOMPARE(failed.count(), 0);
}

void TestRunTableModel::staleAnswersAreDropped()
{
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Three queries in a row: only the last one's rows may land.
    RunQuery a, b, c;
    a.filter = QStringLiteral("params.lr = '1'");
    b.filter = QStringLiteral("params.lr = '2'");
    c.filter = QStringLiteral("attributes.run_name = 'run-0042'");
    model.setQuery(a);
    model.setQuery(b);
    model.setQuery(c);
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.totalCount(), qint64(1));
    QCOMPARE(model.index(0, RunTableModel::NameColumn).data().toString(), QStringLiteral("run-0042"));
}

void TestRunTableModel::unreadableDatabaseReportsFailure()
{
    const QString bogus = m_dir.filePath(QStringLiteral("bogus.db"));
    QFile f(bogus);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not a database at all");
    f.close();
    StoreWorker worker(bogus);
    RunTableModel model(&worker);
    QSignalSpy failed(&model, &RunTableModel::loadFailed);
    QVERIFY(failed.isValid());
    model.setQuery(RunQuery{});
    QTRY_VERIFY(!failed.isEmpty());
    QVERIFY(failed.first().first().toString().contains(QLatin1String("not a Runlens database")));
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 0);
}

void TestRunTableModel::experimentListAndProxy()
{
    // The sidebar's model and its filter proxy, checked together through reloads and a deleted experiment.
    StoreWorker worker(m_db);
    ExperimentListModel model(&worker);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    QAbstractItemModelTester sourceTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &ExperimentListModel::loaded);
    QVERIFY(loaded.isValid());
    model.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("sweep"));
    QCOMPARE(model.index(0).data(RunCountRole).toLongLong(), qint64(Runs));
    {
        Store store(m_db);
        store.runs().createExperiment(QStringLiteral("ablation"));
        const ExperimentId gone = store.runs().createExperiment(QStringLiteral("abandoned"));
        store.runs().setExperimentLifecycle(gone, Lifecycle::Deleted);
    }
    model.reload();
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(model.rowCount(), 2);
    proxy.setFilterFixedString(QStringLiteral("AB"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("ablation"));
    model.setIncludeDeleted(true);
    QTRY_COMPARE(loaded.count(), 3);
    QCOMPARE(model.rowCount(), 3);
    const int gone = model.rowOf(model.experimentAt(2).id);
    QVERIFY(model.index(gone).data(DeletedRole).toBool());
    QCOMPARE(proxy.rowCount(), 2); // "ablation" and "abandoned"
}

namespace {

// A small database of its own: runs r0..r(n-1), r<i> started at i, with loss = i logged at step 0.
QString smallDatabase(const QTemporaryDir &dir, const QString &name, int n, QStringList *ids)
{
    const QString path = dir.filePath(name);
    Store store(path);
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("small"));
    for (int i = 0; i < n; ++i) {
        NewRun init;
        init.experimentId = e;
        init.name = QStringLiteral("r%1").arg(i);
        init.startMs = 1000 + i;
        const QString id = store.runs().createRun(init).id;
        store.series().logMetric(id, QStringLiteral("loss"), MetricPoint{0, 0, double(i)});
        store.runs().logParam(id, QStringLiteral("optimizer"),
                              i % 2 ? QStringLiteral("Adam") : QStringLiteral("sgd"));
        *ids << id;
    }
    return path;
}

QStringList names(const RunTableModel &model)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << model.runAt(r).name;
    return out;
}

} // namespace

void TestRunTableModel::refreshAppliesChangesInPlace()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("refresh.db"), 6, &ids);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetricColumns({QStringLiteral("loss")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), 6);
    QCOMPARE(names(model), (QStringList{"r5", "r4", "r3", "r2", "r1", "r0"}));
    const QPersistentModelIndex r2(model.index(3, RunTableModel::NameColumn));
    QCOMPARE(r2.data().toString(), QStringLiteral("r2"));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QVERIFY(resets.isValid());

    // The change watcher notices another connection's commit.
    ChangeWatcher watcher(&worker, 50);
    QSignalSpy changed(&watcher, &ChangeWatcher::changed);
    QVERIFY(changed.isValid());
    watcher.start();
    QTest::qWait(200);
    QCOMPARE(changed.count(), 0); // nothing written yet
    {
        Store other(db);
        NewRun init;
        init.experimentId = other.runs().experimentByName(QStringLiteral("small"))->id;
        init.name = QStringLiteral("newest");
        init.startMs = 5000;
        other.runs().createRun(init);
        other.runs().setRunLifecycle(ids[4], Lifecycle::Deleted);                           // r4 goes
        other.series().logMetric(ids[2], QStringLiteral("loss"), MetricPoint{1, 0, 0.125}); // r2 changes
    }
    QTRY_VERIFY(changed.count() >= 1);
    QSignalSpy refreshed(&model, &RunTableModel::refreshed);
    QVERIFY(refreshed.isValid());
    model.refresh();
    QTRY_COMPARE(refreshed.count(), 1);
    QCOMPARE(names(model), (QStringList{"newest", "r5", "r3", "r2", "r1", "r0"}));
    QCOMPARE(model.totalCount(), qint64(6));
    QCOMPARE(resets.count(), 0); // applied in place
    QVERIFY(r2.isValid());
    QCOMPARE(r2.row(), 3);
    QCOMPARE(r2.data().toString(), QStringLiteral("r2"));
    QCOMPARE(model.index(r2.row(), RunTableModel::FixedColumnCount).data(SortValueRole).toDouble(), 0.125);
    QCOMPARE(refreshed[0][0].value<QList<int>>(), (QList<int>{0, 3})); // "newest" and r2 were read
}

// A writer beside the window (a training loop between BEGIN IMMEDIATE and COMMIT) holds the write lock: the
// table's refresh reads a snapshot beside it instead of queueing behind it, and the writer is never made to
// wait for the table.
void TestRunTableModel::refreshNeverWaitsForAWriter()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("writer.db"), 4, &ids);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    model.setMetricColumns({QStringLiteral("loss")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), 4);
    {
        Store other(db);
        other.series().logMetric(ids[1], QStringLiteral("loss"), MetricPoint{7, 0, 0.5}); // a change to read
    }
    QSqlDatabase writer = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("writer"));
    writer.setDatabaseName(db);
    QVERIFY(writer.open());
    {
        QSqlQuery q(writer);
        QVERIFY(q.exec(QStringLiteral("BEGIN IMMEDIATE")));
        QVERIFY(q.exec(QStringLiteral("UPDATE experiments SET description = 'held' WHERE 0")));
        QSignalSpy refreshed(&model, &RunTableModel::refreshed);
        QVERIFY(refreshed.isValid());
        model.refresh();
        // Behind the lock it would wait minutes (the lock-wait limit); beside it, it answers at once.
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 10000);
        QCOMPARE(refreshed[0][0].value<QList<int>>().size(), 1); // the run that logged was read again
        QVERIFY(q.exec(QStringLiteral("COMMIT")));
    }
    writer.close();
    writer = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("writer"));
}

// A refresh reads in full only the runs whose stamp (Run::updatedMs) moved: a change that did not move it
// is not seen (the store never makes one; here it is made behind its back), and only the changed rows are
// announced.
void TestRunTableModel::refreshReadsOnlyChangedRuns()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("stamps.db"), 8, &ids);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetricColumns({QStringLiteral("loss")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), 8);
    QCOMPARE(names(model), (QStringList{"r7", "r6", "r5", "r4", "r3", "r2", "r1", "r0"}));
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        raw.setDatabaseName(db);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        QVERIFY(q.exec(QStringLiteral("UPDATE runs SET name = 'sneaky' WHERE id = '%1'").arg(ids[6])));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    {
        Store other(db);
        other.series().logMetric(ids[3], QStringLiteral("loss"), MetricPoint{1, 0, 0.25});
        other.runs().setTag(ids[1], QStringLiteral("note"), QStringLiteral("x"));
    }
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy refreshed(&model, &RunTableModel::refreshed);
    QVERIFY(changed.isValid() && refreshed.isValid());
    model.refresh();
    QTRY_COMPARE(refreshed.count(), 1);
    QCOMPARE(refreshed[0][0].value<QList<int>>(), (QList<int>{4, 6})); // r3 and r1
    QCOMPARE(changed.count(), 2);
    for (const QList<QVariant> &args : changed) {
        const int row = args[0].toModelIndex().row();
        QCOMPARE(args[1].toModelIndex().row(), row);
        QVERIFY(row == 4 || row == 6);
    }
    QCOMPARE(model.index(4, RunTableModel::FixedColumnCount).data(SortValueRole).toDouble(), 0.25);
    QCOMPARE(model.runAt(6).tags.value(QStringLiteral("note")), QStringLiteral("x"));
    QCOMPARE(model.runAt(1).name, QStringLiteral("r6")); // not read again
}

void TestRunTableModel::refreshFollowsMovedRuns()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("moves.db"), 5, &ids);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetricColumns({QStringLiteral("loss")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), 5);
    model.sort(RunTableModel::FixedColumnCount, Qt::AscendingOrder); // by loss: r0..r4
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(names(model), (QStringList{"r0", "r1", "r2", "r3", "r4"}));
    const QPersistentModelIndex r0(model.index(0, RunTableModel::NameColumn));
    const QPersistentModelIndex r3(model.index(3, RunTableModel::NameColumn));
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QVERIFY(layout.isValid());
    {
        Store other(db);
        other.series().logMetric(ids[0], QStringLiteral("loss"),
                                 MetricPoint{1, 0, 3.5}); // r0 moves between r3 and r4
    }
    model.refresh();
    QTRY_COMPARE(layout.count(), 1);
    QCOMPARE(names(model), (QStringList{"r1", "r2", "r3", "r0", "r4"}));
    QCOMPARE(r0.row(), 3);
    QCOMPARE(r0.data().toString(), QStringLiteral("r0"));
    QCOMPARE(r3.row(), 2);
    QCOMPARE(r3.data().toString(), QStringLiteral("r3"));
}

void TestRunTableModel::pagingSurvivesRunsAddedAbove()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("paging.db"), 100, &ids);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), RunTableModel::FirstPageSize);
    QTRY_VERIFY(!model.isLoading());
    {
        // A run newer than all others arrives between two pages: the next page starts one run earlier.
        Store other(db);
        NewRun init;
        init.experimentId = other.runs().experimentByName(QStringLiteral("small"))->id;
        init.name = QStringLiteral("newest");
        init.startMs = 9999;
        other.runs().createRun(init);
    }
    const auto unique = [&] {
        QSet<QString> seen;
        for (int r = 0; r < model.rowCount(); ++r)
            seen.insert(model.runAt(r).id);
        return int(seen.size()) == model.rowCount();
    };
    for (int round = 0; round < 3; ++round) { // refreshes after the duplicate must not multiply anything
        while (model.canFetchMore({}) || model.isLoading()) {
            if (model.canFetchMore({}))
                model.fetchMore({});
            QTest::qWait(5);
        }
        QVERIFY(unique());
        QSignalSpy refreshed(&model, &RunTableModel::refreshed);
        QVERIFY(refreshed.isValid());
        model.refresh();
        QTRY_COMPARE(refreshed.count(), 1);
        QVERIFY(unique());
    }
    QTRY_COMPARE(model.rowCount(), 101);
    QCOMPARE(model.totalCount(), qint64(101));
    QCOMPARE(model.runAt(0).name, QStringLiteral("newest"));
}

void TestRunTableModel::newKeysInsertColumnsWithoutReset()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("columns.db"), 3, &ids);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    using V = RunTableModel::MetricValue;
    model.setColumns({{QStringLiteral("loss"), V::Last}}, {QStringLiteral("optimizer")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), 3);
    const QPersistentModelIndex optimizer(model.index(1, RunTableModel::FixedColumnCount + 1));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::columnsInserted);
    QVERIFY(resets.isValid() && inserted.isValid());
    // "acc" sorts before "loss", "batch" before "optimizer": columns appear in the middle.
    model.setColumns({{QStringLiteral("acc"), V::Last}, {QStringLiteral("loss"), V::Last}},
                     {QStringLiteral("batch"), QStringLiteral("optimizer")});
    QCOMPARE(resets.count(), 0);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(model.columnId(RunTableModel::FixedColumnCount), QStringLiteral("metric:last:acc"));
    QCOMPARE(model.columnId(RunTableModel::FixedColumnCount + 2), QStringLiteral("param:batch"));
    QCOMPARE(optimizer.column(), RunTableModel::FixedColumnCount + 3);
    QCOMPARE(optimizer.data().toString(), model.runAt(1).params.value(QStringLiteral("optimizer")));
    // Anything else (a column removed) resets.
    model.setColumns({{QStringLiteral("loss"), V::Last}}, {});
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.columnCount(), RunTableModel::FixedColumnCount + 1);
    // Consecutive new columns arrive as one insertion each (an experiment's first keys: dozens at once).
    inserted.clear();
    model.setColumns({{QStringLiteral("acc"), V::Last},
                      {QStringLiteral("f1"), V::Last},
                      {QStringLiteral("loss"), V::Last},
                      {QStringLiteral("lr"), V::Last},
                      {QStringLiteral("step"), V::Last}},
                     {QStringLiteral("batch"), QStringLiteral("optimizer"), QStringLiteral("seed")});
    QCOMPARE(resets.count(), 1);
    QCOMPARE(inserted.count(), 3);
    const auto range = [&](int i) { return std::pair{inserted[i][1].toInt(), inserted[i][2].toInt()}; };
    constexpr int F = RunTableModel::FixedColumnCount;
    QCOMPARE(range(0), std::pair(F, F + 1));     // acc, f1
    QCOMPARE(range(1), std::pair(F + 3, F + 4)); // lr, step
    QCOMPARE(range(2), std::pair(F + 5, F + 7)); // the three params
    QStringList shown;
    for (int c = F; c < model.columnCount(); ++c)
        shown << model.columnId(c);
    QCOMPARE(shown, QStringList({"metric:last:acc", "metric:last:f1", "metric:last:loss", "metric:last:lr",
                                 "metric:last:step", "param:batch", "param:optimizer", "param:seed"}));
    QCOMPARE(model.columnOf(QStringLiteral("param:seed")), F + 7);
}

void TestRunTableModel::starTrashAndColourWriteThrough()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("writes.db"), 4, &ids);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), 4);
    QSignalSpy refreshed(&model, &RunTableModel::refreshed);
    QVERIFY(refreshed.isValid());

    model.setStarred({ids[1], ids[2]}, true);
    QTRY_COMPARE(refreshed.count(), 1);
    QVERIFY(model.index(model.rowOf(ids[1]), 0).data(StarredRole).toBool());
    QCOMPARE(model.index(model.rowOf(ids[2]), RunTableModel::StarColumn).data().toString(),
             QStringLiteral("★"));
    QVERIFY(!model.index(model.rowOf(ids[3]), 0).data(StarredRole).toBool());
    QVERIFY(Store(db).runs().run(ids[2])->starred);

    // Colours: the shown rows hold palette colours in table order until a colour is set; the tag holds
    // it; resetting goes back.
    RunColorMap colors;
    model.setColorMap(&colors);
    model.setShownRows(0, 3);
    const QColor automatic = RunColors::palette()[model.rowOf(ids[0])];
    QCOMPARE(model.index(model.rowOf(ids[0]), 0).data(RunColorRole).value<QColor>(), automatic);
    QCOMPARE(
        model.index(model.rowOf(ids[0]), RunTableModel::NameColumn).data(Qt::DecorationRole).value<QColor>(),
        automatic);
    model.setColor({ids[0]}, QColor(0x12, 0x34, 0x56));
    QTRY_COMPARE(refreshed.count(), 2);
    QCOMPARE(model.index(model.rowOf(ids[0]), 0).data(RunColorRole).value<QColor>(),
             QColor(0x12, 0x34, 0x56));
    QCOMPARE(Store(db).runs().run(ids[0])->tags.value(QString::fromLatin1(RunColorTag)),
             QStringLiteral("#123456"));
    model.setColor({ids[0]}, QColor());
    QTRY_COMPARE(refreshed.count(), 3);
    QCOMPARE(model.index(model.rowOf(ids[0]), 0).data(RunColorRole).value<QColor>(), automatic);

    // Trash: the rows leave the listing; the trash listing shows them; restoring brings them back.
    model.setDeleted({ids[0], ids[3]}, true);
    QTRY_COMPARE(refreshed.count(), 4);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.totalCount(), qint64(2));
    QCOMPARE(Store(db).runs().run(ids[3])->lifecycle, Lifecycle::Deleted);
    RunQuery trash;
    trash.onlyDeleted = true;
    model.setQuery(trash);
    QTRY_COMPARE(model.totalCount(), qint64(2));
    QTRY_COMPARE(model.rowCount(), 2);
    QVERIFY(model.index(0, 0).data(DeletedRole).toBool());
    model.setDeleted({ids[3]}, false);
    QTRY_COMPARE(refreshed.count(), 5);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.runAt(0).id, ids[0]);
    QCOMPARE(Store(db).runs().run(ids[3])->lifecycle, Lifecycle::Active);

    // A write that fails (no such run) says so and changes nothing.
    QSignalSpy failed(&model, &RunTableModel::writeFailed);
    QVERIFY(failed.isValid());
    model.setStarred({QStringLiteral("0123456789abcdef0123456789abcdef")}, true);
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains(QLatin1String("0123456789abcdef0123456789abcdef")));
}

void TestRunTableModel::minMaxColumnsShowAndSort()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("minmax.db"), 3, &ids);
    {
        Store store(db);
        // r0: 0 then 10 (min 0, max 10, last 10); r1: 1 then -5 (min -5); r2: 2 only.
        store.series().logMetric(ids[0], QStringLiteral("loss"), MetricPoint{1, 0, 10});
        store.series().logMetric(ids[1], QStringLiteral("loss"), MetricPoint{1, 0, -5});
    }
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    using V = RunTableModel::MetricValue;
    model.setColumns({{QStringLiteral("loss"), V::Last},
                      {QStringLiteral("loss"), V::Min},
                      {QStringLiteral("loss"), V::Max}},
                     {QStringLiteral("optimizer")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), 3);
    const int last = RunTableModel::FixedColumnCount, min = last + 1, max = last + 2;
    QCOMPARE(model.headerData(min, Qt::Horizontal).toString(), QStringLiteral("loss (min)"));
    QCOMPARE(model.headerData(max, Qt::Horizontal).toString(), QStringLiteral("loss (max)"));
    QCOMPARE(model.columnId(max), QStringLiteral("metric:max:loss"));
    QCOMPARE(model.columnId(max + 1), QStringLiteral("param:optimizer"));
    const int r0 = model.rowOf(ids[0]);
    QCOMPARE(model.index(r0, last).data(SortValueRole).toDouble(), 10.0);
    QCOMPARE(model.index(r0, min).data(SortValueRole).toDouble(), 0.0);
    QCOMPARE(model.index(r0, max).data(SortValueRole).toDouble(), 10.0);
    QCOMPARE(model.orderByFor(min, Qt::AscendingOrder), QStringLiteral("min(metrics.`loss`) ASC"));
    model.sort(min, Qt::AscendingOrder);
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(names(model), (QStringList{"r1", "r0", "r2"}));
    model.sort(max, Qt::DescendingOrder);
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(names(model), (QStringList{"r0", "r2", "r1"}));
}

void TestRunTableModel::quickTextFilter()
{
    QStringList ids;
    const QString db = smallDatabase(m_dir, QStringLiteral("text.db"), 4, &ids);
    {
        Store store(db);
        store.runs().setTag(ids[0], QStringLiteral("note"), QStringLiteral("50% off_peak"));
    }
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto listed = [&](const QString &text) {
        RunQuery q;
        q.text = text;
        model.setQuery(q);
        if (!QTest::qWaitFor([&] { return !model.isLoading(); }))
            return QStringList{QStringLiteral("timeout")};
        return names(model);
    };
    QCOMPARE(listed(QStringLiteral("R3")), (QStringList{"r3"}));         // names, any case
    QCOMPARE(listed(QStringLiteral("adam")), (QStringList{"r3", "r1"})); // param values
    QCOMPARE(listed(QStringLiteral("adam r1")), (QStringList{"r1"}));    // every word must match
    QCOMPARE(listed(ids[2].mid(4, 10)), (QStringList{"r2"}));            // part of an id
    QCOMPARE(listed(QStringLiteral("50%")), (QStringList{"r0"}));        // % and _ are literal
    QCOMPARE(listed(QStringLiteral("f_p")), (QStringList{"r0"}));
    QCOMPARE(listed(QStringLiteral("5_%")), QStringList{});
    QCOMPARE(listed(QStringLiteral("x' OR 1=1 --")), QStringList{});
}

namespace {

// A sweep p with children kid1..kid3 (kid1 has a grandchild g), a plain run x, an orphan o (its parent is no
// run), t whose parent is in the trash and q whose parent is in another experiment. Starts grow in that
// order: the table's default order (newest first) lists them backwards.
QString treeDatabase(const QTemporaryDir &dir, const QString &name, QHash<QString, QString> *ids,
                     ExperimentId *tree)
{
    const QString path = dir.filePath(name);
    Store store(path);
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("tree"));
    *tree = e;
    const ExperimentId other = store.runs().createExperiment(QStringLiteral("elsewhere"));
    qint64 t = 1'000'000;
    const auto make = [&](const QString &runName, const QString &parent, ExperimentId in = 0) {
        NewRun init;
        init.experimentId = in ? in : e;
        init.name = runName;
        init.startMs = t;
        init.endMs = t + 60'000; // each runs a minute
        init.status = RunStatus::Finished;
        init.parentId = parent.isEmpty() ? QString() : ids->value(parent, parent);
        t += 1000;
        ids->insert(runName, store.runs().createRun(init).id);
    };
    make(QStringLiteral("p"), {});
    make(QStringLiteral("kid1"), QStringLiteral("p"));
    make(QStringLiteral("kid2"), QStringLiteral("p"));
    make(QStringLiteral("kid3"), QStringLiteral("p"));
    make(QStringLiteral("g"), QStringLiteral("kid1"));
    make(QStringLiteral("x"), {});
    make(QStringLiteral("o"), QStringLiteral("0123456789abcdef0123456789abcdef"));
    make(QStringLiteral("trashed"), {});
    make(QStringLiteral("t"), QStringLiteral("trashed"));
    make(QStringLiteral("q-parent"), {}, other);
    make(QStringLiteral("q"), QStringLiteral("q-parent"));
    store.runs().setRunLifecycle(ids->value(QStringLiteral("trashed")), Lifecycle::Deleted);
    return path;
}

QStringList indented(const RunTableModel &model)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << QString(model.depthAt(r) * 2, QLatin1Char(' ')) +
                   model.index(r, RunTableModel::NameColumn).data().toString();
    return out;
}

// Expands or collapses and waits for the rows to follow.
void expand(RunTableModel &model, const QString &name, bool expanded)
{
    int row = -1;
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.index(r, RunTableModel::NameColumn).data().toString() == name)
            row = r;
    QVERIFY2(row >= 0, qPrintable(name));
    QSignalSpy refreshed(&model, &RunTableModel::refreshed);
    model.setExpanded(row, expanded);
    QTRY_VERIFY(refreshed.count() >= 1);
}

} // namespace

void TestRunTableModel::treeListsTopLevelRunsWithCounts()
{
    QHash<QString, QString> ids;
    ExperimentId tree = 0;
    const QString db = treeDatabase(m_dir, QStringLiteral("tree-top.db"), &ids, &tree);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RunQuery q;
    q.experiments = {tree};
    model.setQuery(q);
    QTRY_COMPARE(model.rowCount(), 9); // flat: every active run of the experiment
    QVERIFY(!model.isNested());

    QCOMPARE(model.topLevelCount(), qint64(9));

    model.setNested(true);
    QTRY_COMPARE(model.topLevelCount(), qint64(5));
    QCOMPARE(model.totalCount(), qint64(9)); // what the listing matches, children included
    QTRY_COMPARE(model.rowCount(), 5);
    // The orphan, the child of a trashed run and the child of another experiment's run are top-level.
    QCOMPARE(names(model), (QStringList{"q", "t", "o", "x", "p"}));
    QCOMPARE(model.childCountAt(4), qint64(3)); // kid1..kid3; g is kid1's
    QCOMPARE(model.index(4, 0).data(ChildCountRole).toLongLong(), qint64(3));
    for (int r = 0; r < 4; ++r)
        QCOMPARE(model.childCountAt(r), qint64(0));
    // The parent's duration is its children's span (kid1 starts at +1 s, kid3 ends at +3 s + 60 s), muted.
    const QModelIndex duration = model.index(4, RunTableModel::DurationColumn);
    QCOMPARE(duration.data().toString(), QStringLiteral("1m 2s"));
    QCOMPARE(duration.data(Qt::ToolTipRole).toString(), QStringLiteral("span of 3 child runs"));
    QVERIFY(duration.data(Qt::ForegroundRole).value<QColor>().isValid());
    // A run without children shows its own.
    QCOMPARE(model.index(3, RunTableModel::DurationColumn).data().toString(), QStringLiteral("1m 0s"));
    QVERIFY(!model.index(3, RunTableModel::DurationColumn).data(Qt::ForegroundRole).isValid());

    model.setNested(false);
    QTRY_COMPARE(model.rowCount(), 9);
    QCOMPARE(model.totalCount(), qint64(9));
    QCOMPARE(model.topLevelCount(), qint64(9));
}

void TestRunTableModel::treeExpandsAndCollapses()
{
    QHash<QString, QString> ids;
    ExperimentId tree = 0;
    const QString db = treeDatabase(m_dir, QStringLiteral("tree-expand.db"), &ids, &tree);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNested(true);
    RunQuery q;
    q.experiments = {tree};
    model.setQuery(q);
    QTRY_COMPARE(model.rowCount(), 5);
    QCOMPARE(model.index(3, RunTableModel::NameColumn).data().toString(), QStringLiteral("x"));
    model.setExpanded(3, true); // no children: nothing to expand
    QVERIFY(!model.isExpanded(3));
    expand(model, QStringLiteral("p"), true);
    QCOMPARE(indented(model), (QStringList{"q", "t", "o", "x", "p", "  kid3", "  kid2", "  kid1"}));
    QVERIFY(model.isExpanded(4));
    QVERIFY(model.index(4, 0).data(ExpandedRole).toBool());
    QCOMPARE(model.index(7, 0).data(TreeDepthRole).toInt(), 1);
    QCOMPARE(model.childCountAt(7), qint64(1)); // kid1 has g
    QCOMPARE(model.topLevelCount(), qint64(5));
    QVERIFY(!model.canFetchMore({}));

    expand(model, QStringLiteral("kid1"), true);
    QCOMPARE(indented(model), (QStringList{"q", "t", "o", "x", "p", "  kid3", "  kid2", "  kid1", "    g"}));

    // Sorted like the table, children too.
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.sort(RunTableModel::NameColumn, Qt::AscendingOrder);
    QTRY_VERIFY(reset.count() >= 1);
    QTRY_COMPARE(model.rowCount(), 9); // expanded runs stay expanded
    QCOMPARE(indented(model), (QStringList{"o", "p", "  kid1", "    g", "  kid2", "  kid3", "q", "t", "x"}));

    const QPersistentModelIndex x(model.index(8, RunTableModel::NameColumn));
    QCOMPARE(x.data().toString(), QStringLiteral("x"));
    expand(model, QStringLiteral("p"), false);
    QCOMPARE(indented(model), (QStringList{"o", "p", "q", "t", "x"}));
    QCOMPARE(x.data().toString(), QStringLiteral("x")); // persistent indexes follow the runs
    // kid1 stays expanded below its collapsed parent.
    expand(model, QStringLiteral("p"), true);
    QCOMPARE(indented(model), (QStringList{"o", "p", "  kid1", "    g", "  kid2", "  kid3", "q", "t", "x"}));
}

void TestRunTableModel::treeFilterMatchingAChildListsIt()
{
    QHash<QString, QString> ids;
    ExperimentId tree = 0;
    const QString db = treeDatabase(m_dir, QStringLiteral("tree-filter.db"), &ids, &tree);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNested(true);
    RunQuery q;
    q.experiments = {tree};
    // The filter matches a child but not its parent: the child is listed, at the top level.
    q.filter = QStringLiteral("attributes.run_name = 'kid2'");
    model.setQuery(q);
    QTRY_COMPARE(model.totalCount(), qint64(1));
    QCOMPARE(model.topLevelCount(), qint64(1));
    QTRY_COMPARE(names(model), QStringList{"kid2"});
    QCOMPARE(model.childCountAt(0), qint64(0));

    // The parent and one child match (kid1; its child g does not): the count is of the children listed.
    q.filter = QStringLiteral("attributes.start_time <= 1001000");
    model.setQuery(q);
    QTRY_COMPARE(names(model), QStringList{"p"});
    QCOMPARE(model.childCountAt(0), qint64(1));
    QCOMPARE(model.index(0, RunTableModel::DurationColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("span of 1 child run"));
    expand(model, QStringLiteral("p"), true);
    QCOMPARE(indented(model), (QStringList{"p", "  kid1"}));
    QCOMPARE(model.childCountAt(1), qint64(0));

    // The quick text filter the same way.
    q.filter.clear();
    q.text = QStringLiteral("kid");
    model.setQuery(q);
    QTRY_COMPARE(model.totalCount(), qint64(3));
    QTRY_COMPARE(names(model), (QStringList{"kid3", "kid2", "kid1"}));
}

void TestRunTableModel::treeCycleOfParentsEnds()
{
    const QString db = m_dir.filePath(QStringLiteral("tree-cycle.db"));
    {
        // A crafted database: a -> b -> a, c below the cycle, and d its own parent.
        Store store(db);
        const ExperimentId e = store.runs().createExperiment(QStringLiteral("cycle"));
        QHash<QString, QString> id;
        for (const char *n : {"a", "b", "c", "d", "plain"}) {
            NewRun init;
            init.experimentId = e;
            init.name = QString::fromLatin1(n);
            id.insert(init.name, store.runs().createRun(init).id);
        }
        const QString parentTag = QStringLiteral("mlflow.parentRunId");
        store.runs().setTag(id[QStringLiteral("a")], parentTag, id[QStringLiteral("b")]);
        store.runs().setTag(id[QStringLiteral("b")], parentTag, id[QStringLiteral("a")]);
        store.runs().setTag(id[QStringLiteral("c")], parentTag, id[QStringLiteral("a")]);
        store.runs().setTag(id[QStringLiteral("d")], parentTag, id[QStringLiteral("d")]);
        QCOMPARE(store.runs().run(id[QStringLiteral("a")])->parentId, id[QStringLiteral("b")]);
    }
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNested(true);
    model.setQuery(RunQuery{});
    // The cycle's runs are top-level; c hangs below a, d (its own parent) is top-level too.
    QTRY_COMPARE(model.totalCount(), qint64(5));
    QTRY_COMPARE(model.topLevelCount(), qint64(4));
    QTRY_COMPARE(model.rowCount(), 4);
    QStringList sorted = names(model);
    sorted.sort();
    QCOMPARE(sorted, (QStringList{"a", "b", "d", "plain"}));
    // Expanding runs of the cycle ends, lists every run, and none twice.
    for (const QString &n : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("d")}) {
        expand(model, n, true);
        QCOMPARE(model.rowCount(), 5);
    }
    sorted = names(model);
    sorted.sort();
    QCOMPARE(sorted, (QStringList{"a", "b", "c", "d", "plain"}));
}

// A crafted chain of 70 runs, each the parent of the next: deeper than MaxRunDepth. Expanding every run with
// children lists all 70, each once, none deeper than the limit.
void TestRunTableModel::treeDeeperThanTheLimitListsEveryRun()
{
    constexpr int Chain = MaxRunDepth + 6;
    const QString db = m_dir.filePath(QStringLiteral("tree-deep.db"));
    {
        Store store(db);
        Store::Transaction tx(store);
        NewRun init;
        init.experimentId = store.runs().createExperiment(QStringLiteral("deep"));
        for (int i = 0; i < Chain; ++i) {
            init.name = QStringLiteral("r%1").arg(i, 2, 10, QLatin1Char('0'));
            init.parentId = store.runs().createRun(init).id;
        }
        tx.commit();
    }
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNested(true);
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.totalCount(), qint64(Chain));
    QTRY_VERIFY(model.topLevelCount() >= 1 && model.rowCount() == model.topLevelCount());
    QVERIFY(model.rowCount() < Chain);
    for (int round = 0; round < Chain; ++round) {
        int row = 0;
        while (row < model.rowCount() && (model.childCountAt(row) == 0 || model.isExpanded(row)))
            ++row;
        if (row == model.rowCount())
            break;
        QSignalSpy refreshed(&model, &RunTableModel::refreshed);
        model.setExpanded(row, true);
        QTRY_VERIFY(refreshed.count() >= 1 && !model.isLoading());
    }
    QCOMPARE(model.rowCount(), Chain);
    QStringList listed = names(model);
    listed.removeDuplicates();
    QCOMPARE(listed.size(), Chain);
    for (int r = 0; r < model.rowCount(); ++r)
        QVERIFY(model.depthAt(r) <= MaxRunDepth);
}

void TestRunTableModel::treeChildWrittenElsewhereAppears()
{
    QHash<QString, QString> ids;
    ExperimentId tree = 0;
    const QString db = treeDatabase(m_dir, QStringLiteral("tree-live.db"), &ids, &tree);
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNested(true);
    RunQuery q;
    q.experiments = {tree};
    model.setQuery(q);
    QTRY_COMPARE(model.rowCount(), 5);
    expand(model, QStringLiteral("p"), true);
    QCOMPARE(model.rowCount(), 8);
    const QPersistentModelIndex parent(model.index(4, RunTableModel::NameColumn));
    QCOMPARE(parent.data().toString(), QStringLiteral("p"));
    {
        Store other(db); // another connection, as the Python client or `runlens log` in another process
        NewRun init;
        init.experimentId = tree;
        init.name = QStringLiteral("kid4");
        init.startMs = 2'000'000; // the newest: first among the children
        init.parentId = ids[QStringLiteral("p")];
        other.runs().createRun(init);
    }
    QSignalSpy refreshed(&model, &RunTableModel::refreshed);
    model.refresh();
    QTRY_COMPARE(refreshed.count(), 1);
    QCOMPARE(indented(model), (QStringList{"q", "t", "o", "x", "p", "  kid4", "  kid3", "  kid2", "  kid1"}));
    QCOMPARE(model.childCountAt(parent.row()), qint64(4));
    QVERIFY(model.isExpanded(parent.row()));
    // kid4 has not ended: the span runs until now.
    QCOMPARE(parent.sibling(parent.row(), RunTableModel::DurationColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("span of 4 child runs"));
}

void TestRunTableModel::treePagesTopLevelRuns()
{
    // 1000 runs without parents: the same pages as a flat listing.
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNested(true);
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), RunTableModel::FirstPageSize);
    QTRY_COMPARE(model.totalCount(), qint64(Runs));
    while (model.canFetchMore({}) || model.isLoading()) {
        if (model.canFetchMore({}))
            model.fetchMore({});
        QTest::qWait(5);
    }
    QCOMPARE(model.rowCount(), Runs);
    QCOMPARE(model.index(Runs - 1, RunTableModel::NameColumn).data().toString(), QStringLiteral("run-0000"));
}

void TestRunTableModel::treeOfAnMlflowImport()
{
    // Real MLflow 2.17 data: run-03 was logged nested under run-02 (its mlflow.parentRunId tag).
    const QString copy = m_dir.filePath(QStringLiteral("mlflow-copy"));
    QVERIFY(test::copyTree(QStringLiteral(RUNLENS_FIXTURES "/mlflow-file"), copy));
    const QString db = m_dir.filePath(QStringLiteral("tree-mlflow.db"));
    const QString parent = QStringLiteral("a73a08103c074d0fa32f4f5e1e8bf65b");
    const QString child = QStringLiteral("75f53870daaa4afd96df5b5ad7599c80");
    ExperimentId experiment = 0;
    {
        Store store(db);
        import::importPaths(store, {copy + QStringLiteral("/mlruns")}, import::Format::Auto,
                            import::ImportOptions{});
        QCOMPARE(store.runs().run(child)->parentId, parent);
        experiment = store.runs().run(parent)->experimentId;
    }
    StoreWorker worker(db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNested(true);
    RunQuery q;
    q.experiments = {experiment};
    model.setQuery(q);
    QTRY_COMPARE(model.totalCount(), qint64(7)); // run-00 .. run-06
    QTRY_COMPARE(model.topLevelCount(), qint64(6));
    QTRY_COMPARE(model.rowCount(), 6);
    QCOMPARE(model.rowOf(child), -1);
    const int row = model.rowOf(parent);
    QVERIFY(row >= 0);
    QCOMPARE(model.childCountAt(row), qint64(1));
    QSignalSpy refreshed(&model, &RunTableModel::refreshed);
    model.setExpanded(row, true);
    QTRY_COMPARE(refreshed.count(), 1);
    QCOMPARE(model.rowOf(child), row + 1);
    QCOMPARE(model.depthAt(row + 1), 1);
    QCOMPARE(model.index(row + 1, RunTableModel::NameColumn).data().toString(), QStringLiteral("run-03"));
}

QTEST_GUILESS_MAIN(TestRunTableModel)
#include "tst_runtablemodel.moc"
