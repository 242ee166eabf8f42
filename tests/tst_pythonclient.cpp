// SPDX-License-Identifier: GPL-3.0-or-later
// The Python client (app/python/runlens) writes the store's format itself, with sqlite3 and struct alone.
// These tests hold it to the C++ store as the oracle: a file the client creates has the app's schema, and
// every chunk, sketch and summary row it writes is byte for byte what the C++ series engine writes for the
// same points. Then the way people use it: the window open while four training scripts and `runlens log`
// write into one database, nothing lost and nobody told "database is locked".

#include "series/seriescodec.h"
#include "shell/mainwindow.h"
#include "store/database.h"
#include "store/schema.h"
#include "store/store.h"
#include "testsupport.h"

#include <cstring>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;

namespace {

constexpr int ProcessTimeoutMs = 300000;

QProcessEnvironment pythonEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    env.insert(QStringLiteral("PYTHONPATH"), QStringLiteral(RUNLENS_PYTHON_DIR));
    env.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
    return env;
}

// Starts Debian's python3 on `script` (given on the command line) with `args`.
void startPython(QProcess &p, const QString &script, const QStringList &args)
{
    p.setProcessEnvironment(pythonEnvironment());
    p.start(QStringLiteral(RUNLENS_PYTHON3), QStringList{QStringLiteral("-c"), script} + args);
}

struct Finished
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Waits for `p` while the event loop runs (a window beside it keeps working).
Finished finish(QProcess &p)
{
    QElapsedTimer timer;
    timer.start();
    while (p.state() != QProcess::NotRunning && timer.elapsed() < ProcessTimeoutMs)
        QTest::qWait(20);
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, QStringLiteral("timed out")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

Finished runPython(const QString &script, const QStringList &args)
{
    QProcess p;
    startPython(p, script, args);
    return finish(p);
}

// A read-only SQL connection of its own (SQLite, the only thing that may open a database file).
class Peek
{
public:
    explicit Peek(const QString &path)
        : m_name(QStringLiteral("peek-%1").arg(quintptr(this)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        m_ok = db.open();
    }
    ~Peek()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    QSqlQuery query(const QString &sql, const QVariantList &binds = {}) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        q.prepare(sql);
        for (const QVariant &v : binds)
            q.addBindValue(v);
        if (!q.exec())
            qWarning() << "query failed:" << sql << q.lastError().text();
        return q;
    }

private:
    QString m_name;
    bool m_ok = false;
};

// One run's series rows and chunks, keyed by metric key and seq, in the columns the format fixes.
struct SeriesDump
{
    QMap<QString, QVariantList> series;                // key -> summary columns
    QMap<QPair<QString, qint64>, QVariantList> chunks; // (key, seq) -> columns, blobs included
};

SeriesDump dumpRun(const QString &path, const QString &runId)
{
    SeriesDump out;
    Peek peek(path);
    if (!peek.ok())
        return out;
    QSqlQuery s = peek.query(
        QStringLiteral("SELECT s.key, s.count, s.last, s.last_step, s.last_ts, s.min, s.max, s.step_min, "
                       "s.step_max, s.tail_step, s.ordered FROM series s JOIN runs r ON r.rid = s.run "
                       "WHERE r.id = ?"),
        {runId});
    while (s.next()) {
        QVariantList row;
        for (int i = 1; i <= 10; ++i)
            row << s.value(i);
        out.series.insert(s.value(0).toString(), row);
    }
    QSqlQuery c = peek.query(
        QStringLiteral("SELECT s.key, c.seq, c.count, c.step_min, c.step_max, c.ts_min, c.ts_max, c.sketch, "
                       "c.data, d.sketch FROM chunks c JOIN series s ON s.id = c.series JOIN runs r ON "
                       "r.rid = s.run LEFT JOIN chunk_details d ON d.chunk = c.id WHERE r.id = ?"),
        {runId});
    while (c.next()) {
        QVariantList row;
        for (int i = 2; i <= 9; ++i)
            row << c.value(i);
        out.chunks.insert({c.value(0).toString(), c.value(1).toLongLong()}, row);
    }
    return out;
}

// The points the script logged, as it wrote them down: per key a file of (i64 step, i64 ms, f64 value).
QMap<QString, std::vector<MetricPoint>> readExpected(const QString &folder)
{
    QMap<QString, std::vector<MetricPoint>> out;
    const QJsonObject manifest =
        QJsonDocument::fromJson(test::readFile(folder + QStringLiteral("/manifest.json"))).object();
    for (auto it = manifest.begin(); it != manifest.end(); ++it) {
        const QByteArray bytes = test::readFile(folder + QLatin1Char('/') + it.value().toString());
        std::vector<MetricPoint> points(size_t(bytes.size()) / 24);
        for (size_t i = 0; i < points.size(); ++i) {
            const char *p = bytes.constData() + i * 24;
            std::memcpy(&points[i].step, p, 8);
            std::memcpy(&points[i].timestamp, p + 8, 8);
            std::memcpy(&points[i].value, p + 16, 8);
        }
        out.insert(it.key(), std::move(points));
    }
    return out;
}

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Series whose chunks exercise every encoding and the summary's corner cases, each logged in irregular
// batches with a flush after each, so that the client merges its trailing chunk again and again.
const char RoundTripScript[] = R"PY(
import json, math, os, random, struct, sys
import runlens

db, out = sys.argv[1], sys.argv[2]
runlens.set_database(db)
rng = random.Random(16)
payload_nan = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000123))[0]

series = {}
t = 1_700_000_000_000
loss = []
for i in range(100_003):
    t += rng.choice((1, 2, 3, 250))
    v = math.exp(-i / 20000.0) + rng.gauss(0.0, 0.01)
    if i % 9973 == 0:
        v = 50.0 * (1.0 + rng.random())
    loss.append((i, t, v))
for i, v in ((17, math.nan), (4096, math.inf), (4097, -math.inf), (8191, -0.0), (8192, 0.0),
             (8193, -0.0), (12000, payload_nan), (70000, 1e308), (70001, -1e308)):
    s, ts, _ = loss[i]
    loss[i] = (s, ts, v)
series["train/loss"] = loss
series["lr"] = [(i * 10, 1_700_000_000_000 + i * 1000, 0.1 * 0.5 ** (i // 1000)) for i in range(9000)]
series["back"] = ([(i, 1_700_000_000_000 + i, float(i % 17)) for i in range(5000)] +
                  [(i, 1_700_000_005_000 + i, -float(i % 13)) for i in range(2500, 7500)])
series["huge"] = [(s, ts, float(k)) for k, (s, ts) in enumerate(
    [(2**62, 0), (-2**62, 2**40), (-1, 5), (0, 2**62), (3, 7), (2**63 - 1, 1), (-2**63, 2)] * 700)]
series["nan"] = [(i, 1_700_000_000_000 + 3 * i, math.nan) for i in range(300)]
series["zeros"] = [(i, 1_700_000_000_000 + i, 0.0 if i % 2 else -0.0) for i in range(5000)]
series["one"] = [(5, 123, 3.25)]

with runlens.start_run(experiment="roundtrip", name="from-python", system_metrics=False) as run:
    for key, points in series.items():
        i = 0
        while i < len(points):
            n = rng.choice((1, 7, 100, 4095, 5000))
            for s, ts, v in points[i:i + n]:
                runlens.log_metric(key, v, step=s, timestamp=ts)
            runlens.flush()
            i += n

manifest = {}
for n, (key, points) in enumerate(series.items()):
    name = "%d.pts" % n
    with open(os.path.join(out, name), "wb") as f:
        for s, ts, v in points:
            f.write(struct.pack("<qqd", s, ts, v))
    manifest[key] = name
with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)
print(run.info.run_id)
)PY";

const char TrainerScript[] = R"PY(
import sys
import runlens

runlens.set_database(sys.argv[1])
with runlens.start_run(experiment="together", name=sys.argv[2], system_metrics=False):
    for i in range(50_000):
        runlens.log_metric("loss", 1.0 / (i + 1))
        if i % 1000 == 0:
            runlens.log_metric("accuracy", i / 50_000)
)PY";

} // namespace

class TestPythonClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void newFileHasTheAppsSchema();
    void chunksAndSummariesAreWhatTheStoreWrites();
    void windowBesideFourTrainersAndTheCli();

private:
    QTemporaryDir m_dir;
};

void TestPythonClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const Finished version =
        runPython(QStringLiteral("import sys, runlens; print(sys.version_info >= (3, 9))"), {});
    QVERIFY2(version.exitCode == 0, qPrintable(version.err));
    QCOMPARE(version.out.trimmed(), QStringLiteral("True"));
}

void TestPythonClient::newFileHasTheAppsSchema()
{
    const QString db = m_dir.filePath(QStringLiteral("new.db"));
    const Finished made = runPython(QStringLiteral("import sys, runlens\n"
                                                   "runlens.set_database(sys.argv[1])\n"
                                                   "r = runlens.start_run(system_metrics=False)\n"
                                                   "runlens.end_run()\n"
                                                   "print(r.info.run_id)\n"),
                                    {db});
    QVERIFY2(made.exitCode == 0, qPrintable(made.err));
    const QString runId = made.out.trimmed();

    std::vector<schema::Object> objects;
    {
        Peek peek(db);
        QVERIFY(peek.ok());
        QSqlQuery q = peek.query(QStringLiteral("PRAGMA application_id"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), qint64(schema::ApplicationId));
        q = peek.query(QStringLiteral("PRAGMA user_version"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), schema::latestVersion());
        q = peek.query(QStringLiteral("PRAGMA page_size"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 16384);
        q = peek.query(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        q = peek.query(QStringLiteral("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"));
        while (q.next())
            objects.push_back(
                {q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString()});
    }
    const std::vector<schema::Object> &expected = schema::objectsAt(schema::latestVersion());
    QCOMPARE(objects.size(), expected.size());
    for (size_t i = 0; i < objects.size(); ++i) {
        QCOMPARE(objects[i].name, expected[i].name);
        QCOMPARE(objects[i].type, expected[i].type);
        QCOMPARE(objects[i].sql, expected[i].sql);
    }
    // The app opens it as its own, with nothing to migrate.
    Store store(db);
    const std::optional<Run> run = store.runs().run(runId);
    QVERIFY(run);
    QCOMPARE(run->status, RunStatus::Finished);
    QCOMPARE(store.database().schemaVersion(), schema::latestVersion());
}

void TestPythonClient::chunksAndSummariesAreWhatTheStoreWrites()
{
    const QString db = m_dir.filePath(QStringLiteral("python.db"));
    const QString expectedDir = m_dir.filePath(QStringLiteral("expected"));
    QVERIFY(QDir().mkpath(expectedDir));
    const Finished wrote = runPython(QString::fromLatin1(RoundTripScript), {db, expectedDir});
    QVERIFY2(wrote.exitCode == 0, qPrintable(wrote.err));
    const QString runId = wrote.out.trimmed();
    const QMap<QString, std::vector<MetricPoint>> expected = readExpected(expectedDir);
    QCOMPARE(expected.size(), 7);

    // Every point reads back bit for bit (NaN payloads and the sign of zero too), in logging order.
    QString cppRunId;
    const QString cppDb = m_dir.filePath(QStringLiteral("cpp.db"));
    {
        Store store(db);
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const std::vector<MetricPoint> read = store.series().metricHistory(runId, it.key());
            QCOMPARE(read.size(), it.value().size());
            for (size_t i = 0; i < read.size(); ++i) {
                const MetricPoint &a = read[i], &b = it.value()[i];
                if (a.step != b.step || a.timestamp != b.timestamp || !sameBits(a.value, b.value))
                    QFAIL(qPrintable(QStringLiteral("%1 point %2: read (%3, %4, %5), logged (%6, %7, %8)")
                                         .arg(it.key())
                                         .arg(i)
                                         .arg(a.step)
                                         .arg(a.timestamp)
                                         .arg(a.value)
                                         .arg(b.step)
                                         .arg(b.timestamp)
                                         .arg(b.value)));
            }
        }
        // The same points written by the C++ engine, into a file of its own: the oracle.
        Store cpp(cppDb);
        const ExperimentId experiment = cpp.runs().ensureExperiment(QStringLiteral("roundtrip"));
        NewRun init;
        init.experimentId = experiment;
        cppRunId = cpp.runs().createRun(init).id;
        for (auto it = expected.begin(); it != expected.end(); ++it)
            cpp.series().logMetrics(cppRunId, it.key(), it.value());
    }

    const SeriesDump python = dumpRun(db, runId);
    const SeriesDump cpp = dumpRun(cppDb, cppRunId);
    QCOMPARE(python.series.keys(), expected.keys());
    QCOMPARE(python.series.keys(), cpp.series.keys());
    for (auto it = cpp.series.begin(); it != cpp.series.end(); ++it) {
        const QVariantList &mine = python.series.value(it.key());
        if (mine != it.value())
            QFAIL(qPrintable(QStringLiteral("summary of %1: the client wrote (%2), the store writes (%3)")
                                 .arg(it.key(), QVariant(mine).toStringList().join(u','),
                                      QVariant(it.value()).toStringList().join(u','))));
    }
    QCOMPARE(python.chunks.size(), cpp.chunks.size());
    static const char *const columns[] = {"count",  "step_min", "step_max", "ts_min",
                                          "ts_max", "sketch",   "data",     "detail sketch"};
    for (auto it = cpp.chunks.begin(); it != cpp.chunks.end(); ++it) {
        QVERIFY2(python.chunks.contains(it.key()),
                 qPrintable(QStringLiteral("no chunk %1 of %2").arg(it.key().second).arg(it.key().first)));
        const QVariantList &mine = python.chunks.value(it.key());
        for (int c = 0; c < it.value().size(); ++c) {
            if (mine.value(c) != it.value().value(c))
                QFAIL(qPrintable(QStringLiteral("chunk %1 of %2: %3 differs from what the store writes")
                                     .arg(it.key().second)
                                     .arg(it.key().first, QLatin1String(columns[c]))));
        }
    }
    // Full chunks, whatever the batches were: the trailing chunk was merged at each flush.
    for (auto it = python.chunks.begin(); it != python.chunks.end(); ++it) {
        const bool last = !python.chunks.contains({it.key().first, it.key().second + 1});
        if (!last)
            QCOMPARE(it.value().value(0).toInt(), series::ChunkCapacity);
    }
}

void TestPythonClient::windowBesideFourTrainersAndTheCli()
{
    const QString db = m_dir.filePath(QStringLiteral("together.db"));
    {
        Store store(db);
    } // the window opens an existing database, as a user's would be
    auto window = std::make_unique<MainWindow>(db);
    window->show();
    QTRY_VERIFY_WITH_TIMEOUT(!window->isLoading(), 30000);
    QVERIFY(window->isShowingWelcome());

    std::vector<std::unique_ptr<QProcess>> trainers;
    for (int i = 0; i < 4; ++i) {
        trainers.push_back(std::make_unique<QProcess>());
        startPython(*trainers.back(), QString::fromLatin1(TrainerScript),
                    {db, QStringLiteral("trainer-%1").arg(i)});
    }
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    cli.setProcessEnvironment(env);
    cli.start(QStringLiteral(RUNLENS_BINARY),
              {QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--experiment"),
               QStringLiteral("together"), QStringLiteral("--name"), QStringLiteral("cli")});
    QVERIFY(cli.waitForStarted(ProcessTimeoutMs));
    // Lines arrive while the trainers write, as a training loop's would.
    for (int batch = 0; batch < 20; ++batch) {
        QByteArray lines;
        for (int i = 0; i < 1000; ++i)
            lines += QByteArrayLiteral("{\"metrics\": {\"x\": ") + QByteArray::number(batch * 1000 + i) +
                     QByteArrayLiteral("}}\n");
        cli.write(lines);
        QTest::qWait(25);
    }
    cli.closeWriteChannel();

    for (auto &t : trainers) {
        const Finished f = finish(*t);
        QVERIFY2(f.exitCode == 0, qPrintable(f.err));
        QVERIFY2(!f.err.contains(QLatin1String("locked")), qPrintable(f.err));
    }
    const Finished c = finish(cli);
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
    QVERIFY2(!c.err.contains(QLatin1String("locked")), qPrintable(c.err));

    // Every point of every writer is there.
    {
        Store store(db);
        RunQuery all;
        const QStringList ids = store.runs().searchRunIds(all);
        QCOMPARE(ids.size(), 5);
        int trainersSeen = 0;
        for (const QString &id : ids) {
            const std::optional<Run> run = store.runs().run(id);
            QVERIFY(run);
            QCOMPARE(run->status,
                     run->name == QLatin1String("cli") ? RunStatus::Running : RunStatus::Finished);
            const QMap<QString, qint64> counts = store.series().metricCounts(id);
            if (run->name == QLatin1String("cli")) {
                QCOMPARE(counts.value(QStringLiteral("x")), 20000);
                continue;
            }
            ++trainersSeen;
            QCOMPARE(counts.value(QStringLiteral("loss")), 50000);
            QCOMPARE(counts.value(QStringLiteral("accuracy")), 50);
        }
        QCOMPARE(trainersSeen, 4);
    }
    // The window, opened on an empty database, saw the runs arrive: it left its welcome page for them.
    QTRY_VERIFY_WITH_TIMEOUT(!window->isShowingWelcome(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!window->isLoading(), 30000);
}

QTEST_MAIN(TestPythonClient)
#include "tst_pythonclient.moc"
