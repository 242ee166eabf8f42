// SPDX-License-Identifier: GPL-3.0-or-later
// A Runlens database from elsewhere is untrusted input: someone may send a file whose schema runs their code
// inside every statement Runlens makes (a view in place of a table, a trigger), or one crafted to stall its
// readers. Such files are refused by name before anything is read or written; no statement runs unbounded; a
// file on a read-only mount opens read-only instead of not at all.

#include "store/database.h"
#include "store/store.h"
#include "testsupport.h"

#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;
using test::execSql;

namespace {

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
    qint64 ms = 0;
};

Result runProcess(const QStringList &args, const QString &program = QStringLiteral(RUNLENS_BINARY))
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    p.setProcessEnvironment(env);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, QStringLiteral("did not finish within 60 s"), t.elapsed()};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError()),
            t.elapsed()};
}

} // namespace

class TestUntrustedDb : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void refusesPlantedSchemaObjects_data();
    void refusesPlantedSchemaObjects();
    void acceptsWhatRunlensWrote();
    void statementsAreBounded();
    void readOnlyMountOpensReadOnly();

private:
    QString makeDatabase(const QString &name);
    QTemporaryDir m_dir;
    QString m_runId;
};

void TestUntrustedDb::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

// A small real database: an experiment, a run with a param, a tag and a metric.
QString TestUntrustedDb::makeDatabase(const QString &name)
{
    const QString path = m_dir.filePath(name);
    Store store(path);
    NewRun init;
    init.experimentId = store.runs().ensureExperiment(QStringLiteral("e"));
    init.name = QStringLiteral("r");
    const Run run = store.runs().createRun(init);
    store.runs().logParam(run.id, QStringLiteral("lr"), QStringLiteral("0.1"));
    store.runs().setTag(run.id, QStringLiteral("team"), QStringLiteral("a"));
    store.series().logMetric(run.id, QStringLiteral("loss"), {1, 1000, 0.5});
    m_runId = run.id;
    return path;
}

void TestUntrustedDb::refusesPlantedSchemaObjects_data()
{
    QTest::addColumn<QStringList>("sql");
    QTest::addColumn<QString>("named");
    // Every command and the window hung here while memory grew: a table replaced by an endless view.
    QTest::newRow("view in place of a table")
        << QStringList{QStringLiteral("DROP TABLE run_inputs"),
                       QStringLiteral(
                           "CREATE VIEW run_inputs AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                           "SELECT x + 1 FROM c) SELECT x AS run, randomblob(1000) AS name FROM c")}
        << QStringLiteral("view 'run_inputs'");
    // One `runlens log --metric` silently deleted every param.
    QTest::newRow("planted trigger")
        << QStringList{QStringLiteral(
               "CREATE TRIGGER wipe AFTER INSERT ON chunks BEGIN DELETE FROM params; END")}
        << QStringLiteral("trigger 'wipe'");
    QTest::newRow("an extra view") << QStringList{QStringLiteral(
                                          "CREATE VIEW everything AS SELECT * FROM runs")}
                                   << QStringLiteral("view 'everything'");
    QTest::newRow("an altered table")
        << QStringList{QStringLiteral("ALTER TABLE params ADD COLUMN extra TEXT DEFAULT 'x'")}
        << QStringLiteral("table 'params'");
    // Read no further than needed: thousands of planted objects are refused without holding them all.
    QStringList many;
    for (int i = 0; i < 3000; ++i)
        many << QStringLiteral("CREATE VIEW v%1 AS SELECT %1").arg(i, 4, 10, QLatin1Char('0'));
    QTest::newRow("thousands of views") << many << QStringLiteral("view 'v0000'");
    QTest::newRow("a missing index") << QStringList{QStringLiteral("DROP INDEX params_by_key")}
                                     << QStringLiteral("index 'params_by_key'");
    QTest::newRow("a different index")
        << QStringList{QStringLiteral("DROP INDEX params_by_key"),
                       QStringLiteral("CREATE INDEX params_by_key ON params(value)")}
        << QStringLiteral("index 'params_by_key'");
}

void TestUntrustedDb::refusesPlantedSchemaObjects()
{
    QFETCH(QStringList, sql);
    QFETCH(QString, named);
    const QString path =
        makeDatabase(QStringLiteral("hostile-%1.db").arg(QTest::currentDataTag()).replace(u' ', u'-'));
    QCOMPARE(execSql(path, QStringList{QStringLiteral("PRAGMA foreign_keys = OFF")} + sql), QString());
    const QByteArray before = test::fileSha256(path);

    try {
        Store store(path);
        QFAIL("the file was opened");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(named), qPrintable(e.message()));
        QVERIFY2(e.message().contains(path), qPrintable(e.message()));
    }
    // Every command refuses it the same way, promptly, and changes nothing.
    for (const QStringList &args :
         {QStringList{QStringLiteral("runs")}, QStringList{QStringLiteral("experiments")},
          QStringList{QStringLiteral("log"), QStringLiteral("--run"), m_runId, QStringLiteral("--metric"),
                      QStringLiteral("loss=0.25"), QStringLiteral("--step"), QStringLiteral("2")}}) {
        const Result r = runProcess(QStringList{QStringLiteral("--db"), path} + args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(named), qPrintable(r.err));
        QVERIFY2(r.ms < 20000, qPrintable(QString::number(r.ms)));
    }
    QCOMPARE(test::fileSha256(path), before);
}

// A file Runlens wrote passes the check, also after a person ran ANALYZE on it (statistics hold no code).
void TestUntrustedDb::acceptsWhatRunlensWrote()
{
    const QString path = makeDatabase(QStringLiteral("analyzed.db"));
    QCOMPARE(execSql(path, {QStringLiteral("ANALYZE")}), QString());
    Store store(path);
    QCOMPARE(store.runs().run(m_runId)->params.value(QStringLiteral("lr")), QStringLiteral("0.1"));
    // The file format of every older version is checked against that version's schema before migrating:
    // tst_migration opens the oldest one (tests/data/runlens-v1.sql).
}

// No statement runs longer than the limit: a search made to run long on a large file is stopped with a
// message instead of stalling its caller, and the store stays usable.
void TestUntrustedDb::statementsAreBounded()
{
    const QString path = m_dir.filePath(QStringLiteral("large.db"));
    Store store(path);
    const ExperimentId e = store.runs().ensureExperiment(QStringLiteral("e"));
    {
        Store::Transaction tx(store);
        for (int i = 0; i < 20000; ++i) {
            NewRun init;
            init.experimentId = e;
            init.name = QStringLiteral("run %1").arg(i);
            const Run run = store.runs().createRun(init);
            store.runs().logParam(run.id, QStringLiteral("seed"), QString::number(i));
        }
        tx.commit();
    }
    RunQuery q;
    q.text = QStringLiteral("no such word anywhere");
    store.database().setStatementLimitMs(1);
    try {
        store.runs().searchRunIds(q);
        QFAIL("a 20,000-run text search finished within 1 ms");
    } catch (const Error &err) {
        QVERIFY2(err.message().contains(QLatin1String("was stopped")), qPrintable(err.message()));
    }
    store.database().setStatementLimitMs(Store::StatementLimitMs);
    QCOMPARE(store.runs().searchRunIds(q), QStringList());
    QCOMPARE(store.runs().countRuns({}), qint64(20000));
}

// A database on a read-only mount (a shared drive, a backup disk, a container layer) opens read-only: it can
// be read and listed, writes are refused naming it, and nothing is created beside it.
void TestUntrustedDb::readOnlyMountOpensReadOnly()
{
    if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
        QSKIP("unshare(1) is not installed");
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("runs.db"));
    {
        Store store(path);
        NewRun init;
        init.experimentId = store.runs().ensureExperiment(QStringLiteral("mounted"));
        init.name = QStringLiteral("on a read-only disk");
        store.series().logMetric(store.runs().createRun(init).id, QStringLiteral("loss"), {1, 1000, 0.5});
    }
    QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    const QString dir = folder.path();
    // A private mount namespace where the folder is mounted read-only; the command runs inside it.
    const auto readOnly = [&](const QStringList &args) {
        QStringList quoted;
        for (const QString &a : args)
            quoted << QStringLiteral("'%1'").arg(a);
        return runProcess(
            {QStringLiteral("-rm"), QStringLiteral("sh"), QStringLiteral("-c"),
             QStringLiteral(
                 "mount --bind '%1' '%1' && mount -o remount,bind,ro '%1' && exec '%2' --db '%3' %4")
                 .arg(dir, QStringLiteral(RUNLENS_BINARY), path, quoted.join(u' '))},
            QStringLiteral("unshare"));
    };
    const Result probe =
        runProcess({QStringLiteral("-rm"), QStringLiteral("sh"), QStringLiteral("-c"),
                    QStringLiteral("mount --bind '%1' '%1' && mount -o remount,bind,ro '%1'").arg(dir)},
                   QStringLiteral("unshare"));
    if (probe.exitCode != 0)
        QSKIP(qPrintable(QStringLiteral("no private mount namespace here: %1").arg(probe.err)));

    Result r = readOnly({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("csv")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QLatin1String("on a read-only disk")), qPrintable(r.out));
    r = readOnly({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("mounted"),
                  QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QLatin1String("read-only")), qPrintable(r.err));
    QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{QStringLiteral("runs.db")});
}

QTEST_MAIN(TestUntrustedDb)
#include "tst_untrusteddb.moc"
