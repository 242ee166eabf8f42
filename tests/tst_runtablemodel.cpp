// SPDX-License-Identifier: GPL-3.0-or-later
// The lazy runs table over a real store: pages arrive from the store worker, QAbstractItemModelTester checks
// every change, sorting and filtering go through SQL, answers to an older query are dropped.

#include "itemmodels/experimentlistmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "itemmodels/runtablemodel.h"
#include "search/searchquery.h"
#include "store/changewatcher.h"
#include "store/store.h"

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

QTEST_GUILESS_MAIN(TestRunTableModel)
#include "tst_runtablemodel.moc"
