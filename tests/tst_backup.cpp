// SPDX-License-Identifier: GPL-3.0-or-later
// `runlens backup` as people use it: real processes on real files, a logger writing beside it, a backup
// killed at random moments, a target that already exists, artifact bytes missing from the source.

#include "artifacts/artifactstore.h"
#include "store/store.h"
#include "testsupport.h"

#include <csignal>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace runlens;

namespace {

constexpr int WaitMs = 120000;

struct Result
{
    int exitCode = -1;
    QString out, err;
};

} // namespace

class TestBackup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void backupBesideAWriterIsWholeAndOpens();
    void neverReplacesAnything();
    void killedBackupNeverLeavesAHalfTarget();
    void missingArtifactBytesAreNamedNotFatal();

private:
    std::unique_ptr<QProcess> start(const QStringList &args);
    Result run(const QStringList &args);
    QString demo(const QString &name, int runs, int steps);
    QString attachTwoFiles(const QString &db);

    std::unique_ptr<QTemporaryDir> m_dir;
    QProcessEnvironment m_env;
};

void TestBackup::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_dir->isValid(), qPrintable(m_dir->errorString()));
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.remove(QStringLiteral("RUNLENS_DB"));
    m_env.insert(QStringLiteral("HOME"), m_dir->path());
}

std::unique_ptr<QProcess> TestBackup::start(const QStringList &args)
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(m_env);
    p->start(QStringLiteral(RUNLENS_BINARY), args);
    return p;
}

Result TestBackup::run(const QStringList &args)
{
    auto p = start(args);
    Result r;
    if (!p->waitForFinished(WaitMs)) {
        p->kill();
        p->waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
    r.out = QString::fromUtf8(p->readAllStandardOutput());
    r.err = QString::fromUtf8(p->readAllStandardError());
    return r;
}

QString TestBackup::demo(const QString &name, int runs, int steps)
{
    const QString db = m_dir->filePath(name);
    const Result r = run({QStringLiteral("--db"), db, QStringLiteral("demo"), QStringLiteral("--runs"),
                          QString::number(runs), QStringLiteral("--steps"), QString::number(steps)});
    return r.exitCode == 0 ? db : QString();
}

// Attaches two files of different bytes to the first run; returns that run's id.
QString TestBackup::attachTwoFiles(const QString &db)
{
    QString runId;
    {
        Store store(db, Store::Mode::ReadOnly);
        RunQuery all;
        const std::vector<Run> runs = store.runs().searchRuns(all);
        if (runs.empty())
            return {};
        runId = runs.front().id;
    }
    const QString a = m_dir->filePath(QStringLiteral("weights.bin")),
                  b = m_dir->filePath(QStringLiteral("notes.txt"));
    QByteArray bytes(300000, '\0');
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char(i * 7 + (i >> 9));
    if (!test::writeFile(a, bytes) || !test::writeFile(b, "first try\n"))
        return {};
    const Result r = run({QStringLiteral("--db"), db, QStringLiteral("attach"), runId, a, b});
    return r.exitCode == 0 ? runId : QString();
}

void TestBackup::backupBesideAWriterIsWholeAndOpens()
{
    const QString db = demo(QStringLiteral("runlens.db"), 12, 3000);
    QVERIFY(!db.isEmpty());
    const QString runId = attachTwoFiles(db);
    QVERIFY(!runId.isEmpty());

    // A logger streams points into a run of its own all along.
    auto logger = start({QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--experiment"),
                         QStringLiteral("live"), QStringLiteral("--name"), QStringLiteral("writer")});
    QVERIFY(logger->waitForStarted());
    int step = 0;
    auto feed = [&](int lines) {
        QByteArray chunk;
        for (int i = 0; i < lines; ++i, ++step)
            chunk += "{\"metrics\": {\"loss\": " + QByteArray::number(1.0 / (step + 1), 'g', 17) +
                     "}, \"step\": " + QByteArray::number(step) + "}\n";
        logger->write(chunk);
    };
    feed(2000);
    // The logger commits about once a second: the backup starts once some of its points are in.
    RunQuery writer;
    writer.filter = QStringLiteral("attributes.run_name = 'writer'");
    const QDeadlineTimer firstCommit(WaitMs);
    auto loggedSoFar = [&] {
        Store look(db, Store::Mode::ReadOnly);
        const std::vector<Run> runs = look.runs().searchRuns(writer);
        return runs.empty() ? size_t(0)
                            : look.series().metricHistory(runs.front().id, QStringLiteral("loss")).size();
    };
    while (loggedSoFar() == 0 && !firstCommit.hasExpired())
        QTest::qWait(50);

    const QString target = m_dir->filePath(QStringLiteral("backups/2026-12-07.db"));
    QVERIFY(QDir().mkpath(QFileInfo(target).absolutePath()));
    auto backup = start({QStringLiteral("--db"), db, QStringLiteral("backup"), target});
    while (!backup->waitForFinished(20))
        feed(200);
    feed(2000);
    logger->closeWriteChannel();
    QVERIFY(logger->waitForFinished(WaitMs));
    QCOMPARE(logger->exitCode(), 0);
    const QString out = QString::fromUtf8(backup->readAllStandardOutput());
    QVERIFY2(backup->exitCode() == 0, qPrintable(QString::fromUtf8(backup->readAllStandardError())));
    QVERIFY2(out.startsWith(QStringLiteral("Backed up ")) &&
                 out.contains(QStringLiteral("2 artifact files")) && out.contains(target),
             qPrintable(out));

    // The backup is a Runlens database of its own: every demo run with its params and metrics, the
    // attached files byte for byte in its own artifact store, and the logger's run as far as it had come.
    Store source(db, Store::Mode::ReadOnly);
    Store copy(target, Store::Mode::ReadOnly);
    RunQuery demoRuns;
    demoRuns.filter = QStringLiteral("attributes.run_name != 'writer'");
    const std::vector<Run> before = source.runs().searchRuns(demoRuns),
                           after = copy.runs().searchRuns(demoRuns);
    QCOMPARE(after.size(), before.size());
    QVERIFY(after.size() >= size_t(12)); // the demo's runs and their nested runs
    for (size_t i = 0; i < before.size(); ++i) {
        QCOMPARE(after[i].id, before[i].id);
        QCOMPARE(after[i].params, before[i].params);
        QCOMPARE(copy.series().metricHistory(after[i].id, QStringLiteral("loss")).size(),
                 source.series().metricHistory(before[i].id, QStringLiteral("loss")).size());
    }
    const std::vector<Artifact> artifacts = copy.artifacts().artifacts(runId);
    QCOMPARE(artifacts.size(), size_t(2));
    const ArtifactStore copied(target);
    QCOMPARE(copied.root(), m_dir->filePath(QStringLiteral("backups/2026-12-07-artifacts")));
    for (const Artifact &a : artifacts)
        QCOMPARE(test::fileSha256(copied.objectPath(a.sha256)), a.sha256.toLatin1());
    const std::vector<Run> live = copy.runs().searchRuns(writer);
    QCOMPARE(live.size(), size_t(1));
    const qsizetype backedUp =
        qsizetype(copy.series().metricHistory(live.front().id, QStringLiteral("loss")).size());
    QVERIFY2(backedUp > 0 && backedUp < qsizetype(step), qPrintable(QString::number(backedUp)));
    // The source lost nothing: the logger's points all arrived.
    QCOMPARE(source.series()
                 .metricHistory(source.runs().searchRuns(writer).front().id, QStringLiteral("loss"))
                 .size(),
             size_t(step));
    // Nothing else was left beside the backup.
    QCOMPARE(QDir(QFileInfo(target).absolutePath())
                 .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList({QStringLiteral("2026-12-07-artifacts"), QStringLiteral("2026-12-07.db")}));
}

void TestBackup::neverReplacesAnything()
{
    const QString db = demo(QStringLiteral("runlens.db"), 3, 100);
    QVERIFY(!db.isEmpty());
    QVERIFY(!attachTwoFiles(db).isEmpty());
    const QString taken = m_dir->filePath(QStringLiteral("taken.db"));
    QVERIFY(test::writeFile(taken, "someone's file"));
    Result r = run({QStringLiteral("--db"), db, QStringLiteral("backup"), taken});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(taken) && r.err.contains(QStringLiteral("already exists")), qPrintable(r.err));
    QCOMPARE(test::readFile(taken), QByteArray("someone's file"));

    // Its artifact folder is someone's too.
    const QString target = m_dir->filePath(QStringLiteral("fresh.db"));
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("fresh-artifacts"))));
    r = run({QStringLiteral("--db"), db, QStringLiteral("backup"), target});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(QStringLiteral("fresh-artifacts")), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(target));

    r = run({QStringLiteral("--db"), db, QStringLiteral("backup"), db});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(QStringLiteral("already exists")), qPrintable(r.err));

    // Named like the WAL of a database beside it that is closed (so has none): SQLite would take the
    // backup for that database's WAL the next time it opens it, and reset it.
    const QString other = demo(QStringLiteral("other.db"), 1, 10);
    QVERIFY(!other.isEmpty());
    QVERIFY(!QFileInfo::exists(other + QStringLiteral("-wal")));
    r = run({QStringLiteral("--db"), db, QStringLiteral("backup"), other + QStringLiteral("-wal")});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(QStringLiteral("would be taken for the wal file of ") + other),
             qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(other + QStringLiteral("-wal")));

    // A folder that does not exist: named, nothing left.
    r = run({QStringLiteral("--db"), db, QStringLiteral("backup"),
             m_dir->filePath(QStringLiteral("no/such/x.db"))});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(QStringLiteral("no/such/x.db")), qPrintable(r.err));
    const QStringList left =
        QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    QVERIFY2(left.filter(QStringLiteral("partial")).isEmpty(), qPrintable(left.join(u' ')));
}

void TestBackup::killedBackupNeverLeavesAHalfTarget()
{
    const QString db = demo(QStringLiteral("runlens.db"), 48, 20000);
    QVERIFY(!db.isEmpty());
    QVERIFY(!attachTwoFiles(db).isEmpty());
    RunQuery all;
    const qint64 runs = Store(db, Store::Mode::ReadOnly).runs().countRuns(all);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(run({QStringLiteral("--db"), db, QStringLiteral("backup"),
                  m_dir->filePath(QStringLiteral("whole.db"))})
                 .exitCode,
             0);
    const qint64 wholeMs = timer.elapsed();
    qInfo("a whole backup took %lld ms", wholeMs);

    int killedBeforeTheEnd = 0;
    for (int i = 0; i < 8; ++i) {
        const QString target = m_dir->filePath(QStringLiteral("killed-%1.db").arg(i));
        auto p = start({QStringLiteral("--db"), db, QStringLiteral("backup"), target});
        QVERIFY(p->waitForStarted());
        const qint64 pid = p->processId();
        QVERIFY(pid > 1);
        // Waiting in waitForFinished (not the event loop) keeps QProcess from reaping it: the pid stays its.
        if (!p->waitForFinished(int(QRandomGenerator::global()->bounded(qMax<qint64>(2 * wholeMs, 20)))))
            ::kill(pid_t(pid), SIGKILL);
        QVERIFY(p->state() == QProcess::NotRunning || p->waitForFinished());
        if (!QFileInfo::exists(target)) {
            ++killedBeforeTheEnd;
            continue;
        }
        // It finished before the kill: then it is whole.
        Store copy(target, Store::Mode::ReadOnly);
        QCOMPARE(copy.runs().countRuns(all), runs);
        QVERIFY(QFileInfo::exists(ArtifactStore(target).root()));
    }
    qInfo("%d of 8 backups were killed before they finished", killedBeforeTheEnd);
    // The source is as it was, and the next backup to a killed one's name succeeds.
    const QString again = m_dir->filePath(QStringLiteral("killed-0.db"));
    if (!QFileInfo::exists(again))
        QCOMPARE(run({QStringLiteral("--db"), db, QStringLiteral("backup"), again}).exitCode, 0);
    QCOMPARE(Store(db, Store::Mode::ReadOnly).runs().countRuns(all), runs);
}

void TestBackup::missingArtifactBytesAreNamedNotFatal()
{
    const QString db = demo(QStringLiteral("runlens.db"), 3, 100);
    QVERIFY(!db.isEmpty());
    const QString runId = attachTwoFiles(db);
    QVERIFY(!runId.isEmpty());
    QString lost;
    {
        Store store(db, Store::Mode::ReadOnly);
        lost = store.artifacts().artifacts(runId).front().sha256;
    }
    const QString object = ArtifactStore(db).objectPath(lost);
    QVERIFY(QFile::setPermissions(object, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(QFile::remove(object));
    const QString target = m_dir->filePath(QStringLiteral("b.db"));
    const Result r = run({QStringLiteral("--db"), db, QStringLiteral("backup"), target});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("1 artifact file(s)")) && r.err.contains(lost), qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("1 artifact file (")), qPrintable(r.out));
    QVERIFY(!QFileInfo::exists(ArtifactStore(target).objectPath(lost)));
}

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
