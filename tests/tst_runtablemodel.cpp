// SPDX-License-Identifier: GPL-3.0-or-later
// The lazy runs table over a real store: pages arrive from the store worker, QAbstractItemModelTester checks
// every change, sorting and filtering go through SQL, answers to an older query are dropped.

#include "experimentlistmodel.h"
#include "roles.h"
#include "runtablemodel.h"
#include "searchquery.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
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
    void staleAnswersAreDropped();
    void unreadableDatabaseReportsFailure();
    void experimentListAndProxy();

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
    const ExperimentId e = store.createExperiment(QStringLiteral("sweep"));
    Store::Transaction tx(store);
    for (int i = 0; i < Runs; ++i) {
        NewRun init;
        init.experimentId = e;
        init.name = QStringLiteral("run-%1").arg(i, 4, 10, QLatin1Char('0'));
        init.startMs = 1'700'000'000'000 + i;
        const QString id = store.createRun(init).id;
        Store::Batch b;
        b.params.insert(QStringLiteral("lr"), QString::number(i % 5));
        if (i % 10 != 0) // every tenth run has no loss: sorted last either way
            b.metrics.push_back({QStringLiteral("loss"), MetricPoint{0, 0, double(i % 97)}});
        store.logBatch(id, b);
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
    QTRY_COMPARE(model.rowCount(), RunTableModel::PageSize);
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
    QCOMPARE(model.headerData(RunTableModel::FixedColumnCount, Qt::Horizontal).toString(),
             QStringLiteral("lr"));
}

void TestRunTableModel::sortsInSqlWithMissingLast()
{
    StoreWorker worker(m_db);
    RunTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetricColumns({QStringLiteral("loss")});
    model.setQuery(RunQuery{});
    QTRY_COMPARE(model.rowCount(), RunTableModel::PageSize);
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
        store.createExperiment(QStringLiteral("ablation"));
        const ExperimentId gone = store.createExperiment(QStringLiteral("abandoned"));
        store.setExperimentLifecycle(gone, Lifecycle::Deleted);
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

QTEST_GUILESS_MAIN(TestRunTableModel)
#include "tst_runtablemodel.moc"
