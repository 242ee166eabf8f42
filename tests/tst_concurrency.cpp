// SPDX-License-Identifier: GPL-3.0-or-later
// Several `runlens` processes on one database file at once: concurrent writers to separate runs and to the
// same run, a reader polling while they write, and the test process's own Store watching a live stream;
// eight writers and a reader at once, writers stopped by a signal, a lock held forever, and two imports of
// one source at once. Every child runs with RUNLENS_DB unset and HOME / XDG_* inside the test's temporary
// folder.

#include "store/database.h"
#include "store/store.h"
#include "testsupport.h"

#include <algorithm>
#include <memory>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace runlens;

namespace {

constexpr int Lines = 3000;   // JSON lines per writer
constexpr int WaitMs = 55000; // per test: stays under a minute on a small machine
constexpr qint64 Timestamp = 1'700'000'000'000;

// Exactly representable values, so that what comes back can be compared with ==.
double valueOf(int seed, int i)
{
    return seed * 100000.0 + i + 0.25;
}

// One JSON line per step with a value for each key.
QByteArray jsonLines(const QStringList &keys, int seed, int from, int to)
{
    QByteArray out;
    for (int i = from; i < to; ++i) {
        QByteArray metrics;
        for (qsizetype k = 0; k < keys.size(); ++k) {
            metrics += (k ? ", \"" : "\"") + keys[k].toUtf8() +
                       "\": " + QByteArray::number(valueOf(seed + int(k), i), 'g', 17);
        }
        out += "{\"metrics\": {" + metrics + "}, \"step\": " + QByteArray::number(i) +
               ", \"timestamp\": " + QByteArray::number(Timestamp + i) + "}\n";
    }
    return out;
}

QString describe(QProcess &p)
{
    return QStringLiteral("%1 %2: state %3, exit status %4, exit code %5\nstderr: %6")
        .arg(p.program(), p.arguments().join(u' '))
        .arg(int(p.state()))
        .arg(int(p.exitStatus()))
        .arg(p.exitCode())
        .arg(QString::fromUtf8(p.readAllStandardError()));
}

bool succeeded(const QProcess &p)
{
    return p.state() == QProcess::NotRunning && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// Spins the event loop (which feeds the children's stdin and drains their output) until every process has
// ended or the deadline passes.
bool waitAll(const QList<QProcess *> &processes, QDeadlineTimer deadline)
{
    const auto running = [&] {
        return std::any_of(processes.begin(), processes.end(),
                           [](QProcess *p) { return p->state() != QProcess::NotRunning; });
    };
    while (running() && !deadline.hasExpired())
        QTest::qWait(5);
    return !running();
}

// PRAGMA integrity_check through a connection of the test's own ("ok" when the file is sound).
QString integrityCheck(const QString &path)
{
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("integrity"));
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open())
            return db.lastError().text();
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA integrity_check")))
            return q.lastError().text();
        while (q.next())
            result += q.value(0).toString();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("integrity"));
    return result;
}

} // namespace

class TestConcurrency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void simultaneousFirstOpen();
    void twoWritersSeparateRuns_data();
    void twoWritersSeparateRuns();
    void twoAppendersSameRunWithReader();
    void liveVisibilityAcrossProcesses();
    void eightWritersAndReader();
    void signalStoresWhatWasRead_data();
    void signalStoresWhatWasRead();
    void lockHeldForeverEndsWithMessage();
    void killedWriterLeavesWholeLines();
    void concurrentImportsOfOneSource_data();
    void concurrentImportsOfOneSource();

private:
    std::unique_ptr<QProcess> start(const QStringList &args);
    QProcess *startLogger(const QStringList &args, QString *runId);
    // Checks one metric of a run: exactly Lines points, steps 0..Lines-1 in order, the values sent.
    void verifySeries(Store &store, const QString &runId, const QString &key, int seed);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    QProcessEnvironment m_env;
    // Processes a failed test left running are killed in cleanup().
    std::vector<std::unique_ptr<QProcess>> m_children;
};

void TestConcurrency::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(RUNLENS_BINARY)).isExecutable(), "RUNLENS_BINARY " RUNLENS_BINARY);
}

void TestConcurrency::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_dir->isValid(), qPrintable(m_dir->errorString()));
    const QString root = m_dir->path();
    for (const char *sub : {"home", "tmp"})
        QVERIFY(QDir(root).mkpath(QLatin1String(sub)));
    m_db = root + QStringLiteral("/shared.db");
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.remove(QStringLiteral("RUNLENS_DB"));
    m_env.insert(QStringLiteral("HOME"), root + QStringLiteral("/home"));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), root + QStringLiteral("/home/.local/share"));
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), root + QStringLiteral("/home/.config"));
    m_env.insert(QStringLiteral("XDG_CACHE_HOME"), root + QStringLiteral("/home/.cache"));
    m_env.insert(QStringLiteral("TMPDIR"), root + QStringLiteral("/tmp"));
    m_env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
}

void TestConcurrency::cleanup()
{
    for (const auto &p : m_children) {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(5000);
        }
    }
    m_children.clear();
    m_dir.reset();
}

// Starts `runlens log` reading stdin, kept in m_children, and waits for the run id it prints first (empty
// when none came).
QProcess *TestConcurrency::startLogger(const QStringList &args, QString *runId)
{
    m_children.push_back(start(args));
    QProcess *p = m_children.back().get();
    runId->clear();
    if (!p->waitForStarted(10000))
        return p;
    const QDeadlineTimer deadline(WaitMs);
    while (!p->canReadLine() && p->state() == QProcess::Running && !deadline.hasExpired())
        QTest::qWait(5);
    *runId = QString::fromUtf8(p->readLine()).trimmed();
    return p;
}

std::unique_ptr<QProcess> TestConcurrency::start(const QStringList &args)
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(m_env);
    p->setWorkingDirectory(m_dir->path());
    p->start(QStringLiteral(RUNLENS_BINARY), QStringList{QStringLiteral("--db"), m_db} + args);
    return p;
}

void TestConcurrency::verifySeries(Store &store, const QString &runId, const QString &key, int seed)
{
    const std::vector<MetricPoint> points = store.series().metricHistory(runId, key);
    QVERIFY2(points.size() == size_t(Lines), qPrintable(QStringLiteral("%1 of run %2: %3 points, expected %4")
                                                            .arg(key, runId)
                                                            .arg(points.size())
                                                            .arg(Lines)));
    for (int i = 0; i < Lines; ++i) {
        const MetricPoint expected{i, Timestamp + i, valueOf(seed, i)};
        if (!(points[size_t(i)] == expected)) {
            QFAIL(qPrintable(QStringLiteral("%1 point %2: step %3 value %4, expected step %5 value %6")
                                 .arg(key)
                                 .arg(i)
                                 .arg(points[size_t(i)].step)
                                 .arg(points[size_t(i)].value)
                                 .arg(expected.step)
                                 .arg(expected.value)));
        }
    }
    const auto summary = store.runs().metricSummary(runId, key);
    QVERIFY(summary);
    QCOMPARE(summary->count, qint64(Lines));
    QCOMPARE(summary->lastStep, qint64(Lines - 1));
}

// Several processes open one brand-new file at the same moment: all of them must accept it, whichever
// creates the schema. Repeated on fresh files, since the interleaving differs from round to round.
void TestConcurrency::simultaneousFirstOpen()
{
    constexpr int Rounds = 40, Processes = 4;
    QStringList failures;
    const QDeadlineTimer deadline(WaitMs);
    for (int round = 0; round < Rounds && !deadline.hasExpired(); ++round) {
        m_db = m_dir->filePath(QStringLiteral("first-open-%1.db").arg(round));
        QList<QProcess *> group;
        for (int i = 0; i < Processes; ++i) {
            m_children.push_back(
                start({QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("x=1")}));
            group << m_children.back().get();
        }
        for (QProcess *p : group)
            p->closeWriteChannel();
        QVERIFY2(waitAll(group, deadline), "the processes did not finish in time");
        qsizetype created = 0;
        for (QProcess *p : group) {
            if (succeeded(*p))
                ++created;
            else
                failures << QStringLiteral("round %1: %2").arg(round).arg(describe(*p));
        }
        Store store(m_db);
        QCOMPARE(store.runs().searchRunIds(RunQuery()).size(), created); // one run per successful process
    }
    QVERIFY2(failures.isEmpty(), qPrintable(QStringLiteral("%1 of %2 processes failed; first: %3")
                                                .arg(failures.size())
                                                .arg(Rounds * Processes)
                                                .arg(failures.value(0))));
}

void TestConcurrency::twoWritersSeparateRuns_data()
{
    QTest::addColumn<QString>("experimentA");
    QTest::addColumn<QString>("experimentB");
    QTest::addColumn<bool>("newFile"); // whether the writers also race to create the file and its schema

    for (const bool newFile : {true, false}) {
        const char *file = newFile ? "new file" : "existing file";
        QTest::addRow("%s, different experiments", file)
            << QStringLiteral("alpha") << QStringLiteral("beta") << newFile;
        // Both processes also race to create the one experiment.
        QTest::addRow("%s, same experiment", file)
            << QStringLiteral("shared") << QStringLiteral("shared") << newFile;
    }
}

// Two writers start together, each streaming its own run.
void TestConcurrency::twoWritersSeparateRuns()
{
    QFETCH(QString, experimentA);
    QFETCH(QString, experimentB);
    QFETCH(bool, newFile);
    if (!newFile)
        Store(m_db).database().checkpoint(); // creates the schema
    QCOMPARE(QFileInfo::exists(m_db), !newFile);
    const QStringList keys{QStringLiteral("loss"), QStringLiteral("accuracy")};

    QElapsedTimer timer;
    timer.start();
    auto a = start({QStringLiteral("log"), QStringLiteral("--experiment"), experimentA,
                    QStringLiteral("--name"), QStringLiteral("writer-a")});
    auto b = start({QStringLiteral("log"), QStringLiteral("--experiment"), experimentB,
                    QStringLiteral("--name"), QStringLiteral("writer-b")});
    QProcess *pa = a.get(), *pb = b.get();
    m_children.push_back(std::move(a));
    m_children.push_back(std::move(b));
    QVERIFY2(pa->waitForStarted(10000), qPrintable(describe(*pa)));
    QVERIFY2(pb->waitForStarted(10000), qPrintable(describe(*pb)));
    pa->write(jsonLines(keys, 10, 0, Lines));
    pb->write(jsonLines(keys, 20, 0, Lines));
    pa->closeWriteChannel();
    pb->closeWriteChannel();

    QVERIFY2(waitAll({pa, pb}, QDeadlineTimer(WaitMs)), "the writers did not finish in time");
    qInfo("two writers x %d lines: %lld ms", Lines, timer.elapsed());
    const QByteArray errA = pa->readAllStandardError(), errB = pb->readAllStandardError();
    QVERIFY2(succeeded(*pa), qPrintable(describe(*pa) + QString::fromUtf8(errA)));
    QVERIFY2(succeeded(*pb), qPrintable(describe(*pb) + QString::fromUtf8(errB)));
    QVERIFY2(!errA.contains("locked") && !errB.contains("locked"), errA + errB);
    QVERIFY2(errA.isEmpty() && errB.isEmpty(), errA + errB);

    static const QRegularExpression idLine(QStringLiteral("^[0-9a-f]{32}\n$"));
    const QString idA = QString::fromUtf8(pa->readAllStandardOutput());
    const QString idB = QString::fromUtf8(pb->readAllStandardOutput());
    QVERIFY2(idLine.match(idA).hasMatch(), qPrintable(idA));
    QVERIFY2(idLine.match(idB).hasMatch(), qPrintable(idB));
    QVERIFY(idA != idB);

    Store store(m_db);
    const auto runA = store.runs().run(idA.trimmed());
    const auto runB = store.runs().run(idB.trimmed());
    QVERIFY(runA && runB);
    QCOMPARE(runA->experimentName, experimentA);
    QCOMPARE(runB->experimentName, experimentB);
    QCOMPARE(runA->name, QStringLiteral("writer-a"));
    QCOMPARE(runB->name, QStringLiteral("writer-b"));
    verifySeries(store, runA->id, keys[0], 10);
    verifySeries(store, runA->id, keys[1], 11);
    verifySeries(store, runB->id, keys[0], 20);
    verifySeries(store, runB->id, keys[1], 21);
    const auto experiments = store.runs().experiments();
    QCOMPARE(experiments.size(), size_t(experimentA == experimentB ? 1 : 2));
    qint64 runs = 0;
    for (const Experiment &e : experiments)
        runs += e.runCount;
    QCOMPARE(runs, qint64(2));
}

// Two processes append different keys to one run while a third lists runs in a loop.
void TestConcurrency::twoAppendersSameRunWithReader()
{
    {
        auto create = start({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("shared"),
                             QStringLiteral("--name"), QStringLiteral("target")});
        QVERIFY(create->waitForStarted(10000));
        create->closeWriteChannel();
        QVERIFY2(create->waitForFinished(20000) && succeeded(*create), qPrintable(describe(*create)));
        m_children.push_back(std::move(create));
    }
    const QString runId = QString::fromUtf8(m_children.back()->readAllStandardOutput()).trimmed();
    QCOMPARE(runId.size(), 32);

    QElapsedTimer timer;
    timer.start();
    auto left = start({QStringLiteral("log"), QStringLiteral("--run"), runId});
    auto right = start({QStringLiteral("log"), QStringLiteral("--run"), runId});
    QProcess *pl = left.get(), *pr = right.get();
    m_children.push_back(std::move(left));
    m_children.push_back(std::move(right));
    QVERIFY2(pl->waitForStarted(10000), qPrintable(describe(*pl)));
    QVERIFY2(pr->waitForStarted(10000), qPrintable(describe(*pr)));
    pl->write(jsonLines({QStringLiteral("left")}, 30, 0, Lines));
    pr->write(jsonLines({QStringLiteral("right")}, 40, 0, Lines));
    pl->closeWriteChannel();
    pr->closeWriteChannel();

    // Read while they write. What a reader sees may lag but never goes backwards.
    const QDeadlineTimer deadline(WaitMs);
    int reads = 0;
    qint64 lastLeft = 0, lastRight = 0;
    while ((pl->state() != QProcess::NotRunning || pr->state() != QProcess::NotRunning) &&
           !deadline.hasExpired()) {
        auto reader = start({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")});
        QProcess *p = reader.get();
        m_children.push_back(std::move(reader));
        QVERIFY2(waitAll({p}, deadline), "a reader did not finish in time");
        const QByteArray out = p->readAllStandardOutput();
        QVERIFY2(succeeded(*p), qPrintable(describe(*p)));
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(out, &pe);
        QVERIFY2(pe.error == QJsonParseError::NoError && doc.isArray(), out.left(2000));
        QCOMPARE(doc.array().size(), 1);
        const QJsonObject run = doc.array().at(0).toObject();
        QCOMPARE(run.value(QStringLiteral("id")).toString(), runId);
        const QJsonObject metrics = run.value(QStringLiteral("metrics")).toObject();
        const qint64 nowLeft =
            metrics.value(QStringLiteral("left")).toObject().value(QStringLiteral("count")).toInteger();
        const qint64 nowRight =
            metrics.value(QStringLiteral("right")).toObject().value(QStringLiteral("count")).toInteger();
        QVERIFY2(nowLeft >= lastLeft && nowRight >= lastRight,
                 qPrintable(QStringLiteral("counts went backwards: left %1 -> %2, right %3 -> %4")
                                .arg(lastLeft)
                                .arg(nowLeft)
                                .arg(lastRight)
                                .arg(nowRight)));
        lastLeft = nowLeft;
        lastRight = nowRight;
        ++reads;
        m_children.pop_back();
    }
    QVERIFY2(waitAll({pl, pr}, deadline), "the appenders did not finish in time");
    qInfo("two appenders x %d lines with %d concurrent reads: %lld ms", Lines, reads, timer.elapsed());
    QVERIFY2(reads > 0, "the writers finished before a single read");

    const QByteArray errL = pl->readAllStandardError(), errR = pr->readAllStandardError();
    QVERIFY2(succeeded(*pl), qPrintable(describe(*pl) + QString::fromUtf8(errL)));
    QVERIFY2(succeeded(*pr), qPrintable(describe(*pr) + QString::fromUtf8(errR)));
    QVERIFY2(errL.isEmpty() && errR.isEmpty(), errL + errR);
    QVERIFY2(pl->readAllStandardOutput().isEmpty(), "appending to --run prints no id");

    Store store(m_db);
    verifySeries(store, runId, QStringLiteral("left"), 30);
    verifySeries(store, runId, QStringLiteral("right"), 40);
    QCOMPARE(store.runs().metricKeys(runId), (QStringList{QStringLiteral("left"), QStringLiteral("right")}));
}

// The test process keeps one Store open while a writer streams: it sees each committed line without
// reopening, long before the writer exits, and never half a line.
void TestConcurrency::liveVisibilityAcrossProcesses()
{
    Store store(m_db); // created here, before the writer exists
    const QStringList keys{QStringLiteral("loss"), QStringLiteral("accuracy")};
    // The id is printed (and the run committed) before any line is read.
    QString runId;
    QProcess *p =
        startLogger({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("live")}, &runId);
    QVERIFY2(runId.size() == 32, qPrintable(describe(*p)));
    const QDeadlineTimer deadline(WaitMs);
    QVERIFY(store.runs().run(runId));
    QVERIFY(!store.runs().metricSummary(runId, keys[0]));

    // Polls the open store until `target` points are visible; every snapshot holds whole lines.
    qint64 firstSeen = 0;
    int polls = 0;
    const auto pollUntil = [&](qint64 target) {
        while (!deadline.hasExpired()) {
            const auto run = store.runs().run(runId);
            const qint64 loss = run->metrics.value(keys[0]).count;
            const qint64 accuracy = run->metrics.value(keys[1]).count;
            ++polls;
            if (loss != accuracy)
                return QStringLiteral("half a line visible: %1 loss and %2 accuracy points")
                    .arg(loss)
                    .arg(accuracy);
            if (loss > 0 && firstSeen == 0)
                firstSeen = loss;
            if (loss == target)
                return QString();
            if (loss > target)
                return QStringLiteral("%1 points visible, only %2 sent").arg(loss).arg(target);
            QTest::qWait(10);
        }
        return QStringLiteral("timed out waiting for %1 points").arg(target);
    };

    const int half = Lines / 2;
    p->write(jsonLines(keys, 50, 0, half));
    QString problem = pollUntil(half);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(firstSeen > 0, "no point became visible");
    QVERIFY2(p->state() == QProcess::Running, "the writer ended while its stdin was still open");

    p->write(jsonLines(keys, 50, half, Lines));
    p->closeWriteChannel();
    problem = pollUntil(Lines);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(waitAll({p}, deadline), "the writer did not finish in time");
    QVERIFY2(succeeded(*p), qPrintable(describe(*p)));
    qInfo("first poll with points saw %lld of %d; %d polls", firstSeen, Lines, polls);

    verifySeries(store, runId, keys[0], 50);
    verifySeries(store, runId, keys[1], 51);
}

// The case, doubled: eight `runlens log` processes stream 50,000 points each (25,000 lines of two
// keys) into one file while another process lists the runs and reads a metric in a loop. None may fail, every
// point must come back exactly once through `runlens metric`, and every read sees whole lines (as many m0 as
// m1 points in each run) with counts that never go backwards. Before the fix, writers starved for the lock
// failed with "is busy" after 15 s.
void TestConcurrency::eightWritersAndReader()
{
    constexpr int Writers = 8, StreamLines = 25'000;
    const QStringList keys{QStringLiteral("m0"), QStringLiteral("m1")};
    Store(m_db)
        .database()
        .checkpoint(); // the schema exists: what is tested is the sharing, not the first open
    QElapsedTimer timer;
    timer.start();
    QList<QProcess *> writers;
    for (int w = 0; w < Writers; ++w) {
        m_children.push_back(
            start({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("eight"),
                   QStringLiteral("--name"), QStringLiteral("writer-%1").arg(w), QStringLiteral("--end"),
                   QStringLiteral("FINISHED")}));
        writers << m_children.back().get();
    }
    for (int w = 0; w < Writers; ++w) {
        QVERIFY2(writers[w]->waitForStarted(10000), qPrintable(describe(*writers[w])));
        writers[w]->write(jsonLines(keys, 100 * (w + 1), 0, StreamLines));
        writers[w]->closeWriteChannel();
    }

    const QDeadlineTimer deadline(3 * WaitMs);
    const auto running = [&] {
        return std::any_of(writers.begin(), writers.end(),
                           [](QProcess *p) { return p->state() != QProcess::NotRunning; });
    };
    QHash<QString, qint64> lastCount; // run id -> m0 points last seen
    int reads = 0;
    QString firstRun;
    while (running() && !deadline.hasExpired()) {
        if (firstRun.isEmpty() && writers[0]->canReadLine())
            firstRun = QString::fromUtf8(writers[0]->readLine()).trimmed();
        auto reader = start({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")});
        QProcess *p = reader.get();
        m_children.push_back(std::move(reader));
        QVERIFY2(waitAll({p}, deadline), "a reader did not finish in time");
        QVERIFY2(succeeded(*p), qPrintable(describe(*p)));
        const QJsonDocument doc = QJsonDocument::fromJson(p->readAllStandardOutput());
        QVERIFY(doc.isArray());
        for (const QJsonValue &v : doc.array()) {
            const QJsonObject run = v.toObject();
            const QJsonObject metrics = run.value(QStringLiteral("metrics")).toObject();
            const qint64 m0 = metrics.value(keys[0]).toObject().value(QStringLiteral("count")).toInteger();
            const qint64 m1 = metrics.value(keys[1]).toObject().value(QStringLiteral("count")).toInteger();
            const QString id = run.value(QStringLiteral("id")).toString();
            QVERIFY2(m0 == m1,
                     qPrintable(QStringLiteral("run %1: %2 m0 and %3 m1 points: half a line visible")
                                    .arg(id)
                                    .arg(m0)
                                    .arg(m1)));
            QVERIFY2(m0 >= lastCount.value(id), "a count went backwards");
            lastCount.insert(id, m0);
        }
        m_children.pop_back();
        if (lastCount.value(firstRun) > 0) { // and a full read of one series while it grows
            auto metric = start({QStringLiteral("metric"), firstRun, keys[0]});
            QProcess *q = metric.get();
            m_children.push_back(std::move(metric));
            QVERIFY2(waitAll({q}, deadline), "a metric read did not finish in time");
            QVERIFY2(succeeded(*q), qPrintable(describe(*q)));
            m_children.pop_back();
        }
        ++reads;
    }
    QVERIFY2(waitAll(writers, deadline), "the writers did not finish in time");
    qInfo("%d writers x %d points with %d concurrent reads: %lld ms", Writers, StreamLines * 2, reads,
          timer.elapsed());
    QVERIFY2(reads > 0, "the writers finished before a single read");

    QStringList failures;
    QStringList ids;
    for (QProcess *w : writers) {
        if (!succeeded(*w))
            failures << describe(*w);
        ids << QString::fromUtf8(w->readAllStandardOutput()).trimmed();
    }
    if (!firstRun.isEmpty())
        ids[0] = firstRun;
    QVERIFY2(failures.isEmpty(), qPrintable(QStringLiteral("%1 of %2 writers failed; first: %3")
                                                .arg(failures.size())
                                                .arg(Writers)
                                                .arg(failures.value(0))));

    // Every point exactly once, in order, read back through the command line.
    for (int w = 0; w < Writers; ++w) {
        for (qsizetype k = 0; k < keys.size(); ++k) {
            auto metric = start({QStringLiteral("metric"), ids[w], keys[k], QStringLiteral("--format"),
                                 QStringLiteral("json")});
            QProcess *q = metric.get();
            m_children.push_back(std::move(metric));
            QVERIFY2(waitAll({q}, deadline) && succeeded(*q), qPrintable(describe(*q)));
            const QJsonArray points = QJsonDocument::fromJson(q->readAllStandardOutput()).array();
            QCOMPARE(points.size(), StreamLines);
            for (int i = 0; i < StreamLines; ++i) {
                const QJsonObject pt = points.at(i).toObject();
                const double expected = valueOf(100 * (w + 1) + int(k), i);
                if (pt.value(QStringLiteral("step")).toInteger() != i ||
                    pt.value(QStringLiteral("timestamp")).toInteger() != Timestamp + i ||
                    pt.value(QStringLiteral("value")).toDouble() != expected)
                    QFAIL(qPrintable(
                        QStringLiteral("writer %1 %2 point %3: %4, expected step %3 value %5")
                            .arg(w)
                            .arg(keys[k])
                            .arg(i)
                            .arg(QString::fromUtf8(QJsonDocument(pt).toJson(QJsonDocument::Compact)))
                            .arg(expected, 0, 'f', 2)));
            }
            m_children.pop_back();
        }
    }
    Store store(m_db);
    QCOMPARE(store.runs().searchRunIds(RunQuery()).size(), Writers);
    for (const QString &id : ids)
        QCOMPARE(store.runs().run(id)->status, RunStatus::Finished);
    QCOMPARE(integrityCheck(m_db), QStringLiteral("ok"));
}

void TestConcurrency::signalStoresWhatWasRead_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT (Ctrl-C)") << int(SIGINT);
}

// A logger stopped by Ctrl-C or SIGTERM stores every whole line it read, drops a partial last line, leaves
// the run open (--end is for the end of input) and exits with 128 + the signal's number.
void TestConcurrency::signalStoresWhatWasRead()
{
    QFETCH(int, signal);
    const QStringList keys{QStringLiteral("loss"), QStringLiteral("accuracy")};
    QString runId;
    QProcess *p =
        startLogger({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("stopped"),
                     QStringLiteral("--end"), QStringLiteral("FINISHED")},
                    &runId);
    QVERIFY2(runId.size() == 32, qPrintable(describe(*p)));
    const QDeadlineTimer deadline(WaitMs);

    p->write(jsonLines(keys, 60, 0, Lines) + "{\"metrics\": {\"loss\": 12");
    QVERIFY(p->waitForBytesWritten(10000));
    QTest::qWait(300); // read by now; held in memory for up to a second
    QVERIFY2(p->state() == QProcess::Running, "the writer ended while its stdin was still open");
    QCOMPARE(::kill(pid_t(p->processId()), signal), 0);
    QVERIFY2(waitAll({p}, deadline), "the writer did not end after the signal");
    const QByteArray err = p->readAllStandardError();
    QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 128 + signal,
             qPrintable(describe(*p) + QString::fromUtf8(err)));
    QVERIFY2(err.contains("interrupted") && !err.contains("invalid JSON"), err);

    Store store(m_db);
    verifySeries(store, runId, keys[0], 60);
    verifySeries(store, runId, keys[1], 61);
    QCOMPARE(store.runs().run(runId)->status, RunStatus::Running);
}

// A lock that is never released (here: the test holding a write transaction open) ends a writer's wait with
// a message saying so, after the wait limit (shortened for the test through RUNLENS_LOCK_WAIT_LIMIT_MS), and
// nothing of its write is stored.
void TestConcurrency::lockHeldForeverEndsWithMessage()
{
    auto create = start({QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QVERIFY(create->waitForStarted(10000));
    create->closeWriteChannel();
    QVERIFY2(create->waitForFinished(20000) && succeeded(*create), qPrintable(describe(*create)));
    const QString runId = QString::fromUtf8(create->readAllStandardOutput()).trimmed();
    QCOMPARE(runId.size(), 32);

    QElapsedTimer timer;
    {
        test::WriteLockHolder lock(m_db);
        QVERIFY(lock.isLocked());
        m_env.insert(QStringLiteral("RUNLENS_LOCK_WAIT_LIMIT_MS"), QStringLiteral("1500"));
        timer.start();
        auto blocked = start({QStringLiteral("log"), QStringLiteral("--run"), runId,
                              QStringLiteral("--metric"), QStringLiteral("loss=2")});
        QProcess *p = blocked.get();
        m_children.push_back(std::move(blocked));
        QVERIFY2(waitAll({p}, QDeadlineTimer(WaitMs)), "the blocked writer never gave up");
        const qint64 waited = timer.elapsed();
        const QByteArray err = p->readAllStandardError();
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 1, qPrintable(describe(*p)));
        QVERIFY2(err.contains("busy") && err.contains("held its lock for 1.5 s"), err);
        QVERIFY2(waited >= 1400 && waited < 10'000,
                 qPrintable(QStringLiteral("gave up after %1 ms").arg(waited)));
    }
    Store store(m_db);
    QCOMPARE(store.series().metricHistory(runId, QStringLiteral("loss")).size(), size_t(1));
}

// kill -9 in the middle of a stream: what was stored is whole lines from the start (lines held in memory
// are lost), the file is sound and not locked, and the stream can be resumed from where the store stands.
void TestConcurrency::killedWriterLeavesWholeLines()
{
    const QStringList keys{QStringLiteral("loss"), QStringLiteral("accuracy")};
    Store store(m_db);
    QString runId;
    QProcess *p = startLogger(
        {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("killed")}, &runId);
    QVERIFY2(runId.size() == 32, qPrintable(describe(*p)));
    const QDeadlineTimer deadline(WaitMs);

    const int first = Lines / 3;
    p->write(jsonLines(keys, 70, 0, first));
    QVERIFY(QTest::qWaitFor(
        [&] { return store.runs().run(runId)->metrics.value(keys[0]).count > 0 || deadline.hasExpired(); },
        WaitMs));
    p->write(jsonLines(keys, 70, first, Lines));
    QVERIFY(p->waitForBytesWritten(10000));
    p->kill();
    QVERIFY(waitAll({p}, deadline));
    QCOMPARE(p->exitStatus(), QProcess::CrashExit);

    const auto run = store.runs().run(runId);
    const qint64 stored = run->metrics.value(keys[0]).count;
    QCOMPARE(run->metrics.value(keys[1]).count, stored); // whole lines only
    QVERIFY2(stored > 0 && stored <= Lines, qPrintable(QString::number(stored)));
    QCOMPARE(integrityCheck(m_db), QStringLiteral("ok"));
    const std::vector<MetricPoint> loss = store.series().metricHistory(runId, keys[0]);
    for (qint64 i = 0; i < stored; ++i)
        QCOMPARE(loss[size_t(i)], (MetricPoint{i, Timestamp + i, valueOf(70, int(i))}));

    auto resume = start({QStringLiteral("log"), QStringLiteral("--run"), runId});
    QProcess *r = resume.get();
    m_children.push_back(std::move(resume));
    QVERIFY2(r->waitForStarted(10000), qPrintable(describe(*r)));
    r->write(jsonLines(keys, 70, int(stored), Lines));
    r->closeWriteChannel();
    QVERIFY2(waitAll({r}, deadline) && succeeded(*r), qPrintable(describe(*r)));
    qInfo("killed after %lld of %d lines were stored", stored, Lines);
    verifySeries(store, runId, keys[0], 70);
    verifySeries(store, runId, keys[1], 71);
}

void TestConcurrency::concurrentImportsOfOneSource_data()
{
    QTest::addColumn<QString>("fixture"); // below RUNLENS_FIXTURES
    QTest::addColumn<QString>("source");  // below the copy: what is imported
    QTest::newRow("mlruns") << QStringLiteral("mlflow-file") << QStringLiteral("mlruns");
    QTest::newRow("mlflow.db") << QStringLiteral("mlflow-sqlite") << QStringLiteral("mlflow.db");
    QTest::newRow("tensorboard") << QStringLiteral("tensorboard") << QStringLiteral("tb");
    QTest::newRow("csv") << QStringLiteral("public/driemann-ml-aos") << QStringLiteral("lightning_logs");
}

// Two `runlens import` of one source started together both succeed, and what they store together is what
// one import stores: the same runs, experiments and points, none twice. Before the fix, the second one
// failed with "a run with id ... already exists" (it looked for the run before taking the write lock).
// Several rounds, since the interleaving differs from one to the next.
void TestConcurrency::concurrentImportsOfOneSource()
{
    QFETCH(QString, fixture);
    QFETCH(QString, source);
    const QString copy = m_dir->filePath(QStringLiteral("source"));
    QVERIFY(test::copyTree(QStringLiteral(RUNLENS_FIXTURES "/") + fixture, copy));
    const QString path = copy + QLatin1Char('/') + source;
    const QStringList importArgs{QStringLiteral("import"), path, QStringLiteral("--report"),
                                 QStringLiteral("json")};
    const QDeadlineTimer deadline(WaitMs);

    // What one import alone stores: runs by id with their point counts, and the experiments.
    const auto contents = [](const QString &db) {
        Store store(db);
        RunQuery all;
        all.includeDeleted = true;
        QStringList lines;
        for (const Run &r : store.runs().searchRuns(all)) {
            QStringList metrics;
            for (auto it = r.metrics.begin(); it != r.metrics.end(); ++it)
                metrics << QStringLiteral("%1=%2").arg(it.key()).arg(it.value().count);
            lines << QStringLiteral("%1 %2 [%3] params %4 tags %5 artifacts %6")
                         .arg(r.id, r.experimentName, metrics.join(u' '))
                         .arg(r.params.size())
                         .arg(r.tags.size())
                         .arg(store.artifacts().artifacts(r.id, true).size());
        }
        for (const Experiment &e : store.runs().experiments(true))
            lines << QStringLiteral("experiment %1").arg(e.name);
        lines.sort();
        return lines;
    };
    const QString single = m_db;
    auto alone = start(importArgs);
    QVERIFY2(waitAll({alone.get()}, deadline) && succeeded(*alone), qPrintable(describe(*alone)));
    const QStringList expected = contents(single);
    QVERIFY(expected.size() > 1);

    constexpr int Rounds = 3;
    for (int round = 0; round < Rounds; ++round) {
        m_db = m_dir->filePath(QStringLiteral("pair-%1.db").arg(round));
        Store(m_db).database().checkpoint();
        auto a = start(importArgs);
        auto b = start(importArgs);
        QProcess *pa = a.get(), *pb = b.get();
        m_children.push_back(std::move(a));
        m_children.push_back(std::move(b));
        QVERIFY2(waitAll({pa, pb}, deadline), "the imports did not finish in time");
        QVERIFY2(succeeded(*pa), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(describe(*pa))));
        QVERIFY2(succeeded(*pb), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(describe(*pb))));
        const QJsonObject ra = QJsonDocument::fromJson(pa->readAllStandardOutput()).object();
        const QJsonObject rb = QJsonDocument::fromJson(pb->readAllStandardOutput()).object();
        for (const QJsonObject &r : {ra, rb})
            QVERIFY2(r.value(QStringLiteral("failed_runs")).toArray().isEmpty(), QJsonDocument(r).toJson());
        QCOMPARE(contents(m_db), expected);
        // Each run was added by one of them.
        Store store(m_db);
        RunQuery all;
        all.includeDeleted = true;
        QCOMPARE(ra.value(QStringLiteral("runs_added")).toInt() +
                     rb.value(QStringLiteral("runs_added")).toInt(),
                 int(store.runs().searchRunIds(all).size()));
        QCOMPARE(integrityCheck(m_db), QStringLiteral("ok"));
    }
}

QTEST_GUILESS_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
