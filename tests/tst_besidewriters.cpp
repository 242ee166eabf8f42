// SPDX-License-Identifier: GPL-3.0-or-later
// The window open on a database while other processes write to it, as people use it: training logs through
// the CLI, a second window or a script reads and closes. The window's own extra connections (chart readers,
// import and attach jobs) and anything it reads as a file must never release the locks SQLite holds for it:
// if they did, a process that closes would believe itself the last user, checkpoint and delete the -wal and
// -shm the window still uses, and writes of both would be lost or the file corrupted (sqlite.org, "How To
// Corrupt An SQLite Database File", 2.2). /proc/locks shows the locks this process holds.

#include "core/sourcefile.h"
#include "demo/demodata.h"
#include "import/attachcontroller.h"
#include "import/importcontroller.h"
#include "import/importer.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/runspage.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "testsupport.h"

#include "artifacts/artifactstore.h"

#include <csignal>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace runlens;

namespace {

constexpr int ProcessTimeoutMs = 60000;

// The byte ranges this process holds POSIX locks on in the file at `path`, e.g. "READ 1073741826-1073742335".
QStringList locksHeld(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    const QString inode = QStringLiteral(":%1").arg(quint64(st.st_ino));
    const QString pid = QString::number(::getpid());
    QStringList held;
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return {};
    const QStringList lines = QString::fromLatin1(locks.readAll()).split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        // "1: POSIX  ADVISORY  READ 15944 fe:00:10952815 1073741826 1073742335"
        const QStringList f = line.split(u' ', Qt::SkipEmptyParts);
        if (f.size() >= 8 && f[1] == QLatin1String("POSIX") && f[4] == pid && f[5].endsWith(inode))
            held << QStringLiteral("%1 %2-%3").arg(f[3], f[6], f[7]);
    }
    held.sort();
    return held;
}

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the real `runlens` against `db` while the event loop goes on (the window keeps working meanwhile).
Result runProcess(const QString &db, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(RUNLENS_BINARY), QStringList{QStringLiteral("--db"), db} + args);
    if (!p.waitForStarted(ProcessTimeoutMs))
        return {};
    p.write(input);
    p.closeWriteChannel();
    QElapsedTimer t;
    t.start();
    while (p.state() != QProcess::NotRunning && t.elapsed() < ProcessTimeoutMs)
        QTest::qWait(20);
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString integrity(const QString &db)
{
    const QString name = QStringLiteral("integrity");
    QString result;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        c.setDatabaseName(db);
        if (!c.open())
            return QStringLiteral("cannot open");
        QSqlQuery q(c);
        q.exec(QStringLiteral("PRAGMA integrity_check"));
        while (q.next())
            result += q.value(0).toString();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

} // namespace

class TestBesideWriters : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void windowKeepsItsLocksBesideWriters();
    void liveDatabaseIsNeverReadAsAFile();
    void soak();

private:
    QTemporaryDir m_dir;
};

void TestBesideWriters::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

void TestBesideWriters::windowKeepsItsLocksBesideWriters()
{
    const QString db = m_dir.filePath(QStringLiteral("shared.db"));
    QStringList runIds;
    {
        Store store(db);
        generateDemoData(store, DemoOptions{6, 400});
        RunQuery all;
        runIds = store.runs().searchRunIds(all);
    }
    QVERIFY(runIds.size() >= 4);

    auto window = std::make_unique<MainWindow>(db);
    window->show();
    QTRY_VERIFY(!window->isLoading());
    const QStringList held = locksHeld(db);
    // In WAL mode an open connection holds a shared lock on the database file for as long as it is open;
    // this is what tells another process, when it closes, that it is not the last user.
    QVERIFY2(!held.isEmpty(), "the window holds no lock on its database");
    const auto stillHeld = [&](const char *after) {
        const QStringList now = locksHeld(db);
        for (const QString &lock : held) {
            if (!now.contains(lock))
                return QStringLiteral("after %1 the window lost its lock %2 (holds: %3)")
                    .arg(QLatin1String(after), lock, now.join(QLatin1String(", ")));
        }
        return QString();
    };

    // Compare: chart readers open their own connections on worker threads.
    window->showCompare(runIds.mid(0, 4));
    QTRY_VERIFY_WITH_TIMEOUT(!window->comparePage()->isLoading(), 30000);
    QCOMPARE(stillHeld("the Compare page's readers"), QString());

    // Another process reads and closes: with the locks gone it would checkpoint and delete the -wal.
    Result r = runProcess(db, {QStringLiteral("experiments")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(QFile::exists(db + QStringLiteral("-wal")));
    QCOMPARE(stillHeld("a reading process"), QString());

    // An import job (its own connection, reading files from elsewhere), then one naming the database itself.
    const QString csv = m_dir.filePath(QStringLiteral("log.csv"));
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray text = "step,loss\n";
        for (int i = 0; i < 500; ++i)
            text += QByteArray::number(i) + ',' + QByteArray::number(1.0 / (i + 1), 'g', 17) + '\n';
        f.write(text);
    }
    window->importController()->start(
        {{{csv, import::Format::Csv}}, QStringLiteral("imported"), true, false});
    QTRY_VERIFY_WITH_TIMEOUT(!window->isImporting(), 30000);
    QCOMPARE(stillHeld("an import"), QString());
    window->importController()->start(
        {{{db, import::Format::Auto}, {db + QStringLiteral("-wal"), import::Format::Auto}},
         QStringLiteral("self"),
         true,
         true});
    QTRY_VERIFY_WITH_TIMEOUT(!window->isImporting(), 30000);
    QCOMPARE(stillHeld("an import of the database itself"), QString());

    // Attach: the job opens a connection and reads files; attaching the database's own files is refused.
    const QString note = m_dir.filePath(QStringLiteral("note.txt"));
    {
        QFile f(note);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("attached beside writers\n");
    }
    QSignalSpy idle(window->attachController(), &AttachController::idle);
    window->attachController()->attach(runIds[0], {note});
    QTRY_VERIFY_WITH_TIMEOUT(idle.size() >= 1, 30000);
    window->attachController()->attach(runIds[1], {db});
    QTRY_VERIFY_WITH_TIMEOUT(idle.size() >= 2, 30000);
    QCOMPARE(stillHeld("attaching"), QString());

    // Writers beside the window, each starting and closing while it is open.
    QStringList logged;
    for (int w = 0; w < 3; ++w) {
        QByteArray lines;
        for (int i = 0; i < 200; ++i)
            lines += QStringLiteral("{\"metrics\": {\"loss\": %1}, \"step\": %2}\n")
                         .arg(w + i * 0.5)
                         .arg(i)
                         .toUtf8();
        r = runProcess(db,
                       {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("beside"),
                        QStringLiteral("--name"), QStringLiteral("writer-%1").arg(w), QStringLiteral("--end"),
                        QStringLiteral("FINISHED")},
                       lines);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        logged << r.out.trimmed();
        QCOMPARE(stillHeld("a writing process"), QString());
    }
    r = runProcess(
        db, {QStringLiteral("promote"), runIds[2], QStringLiteral("--model"), QStringLiteral("beside")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QLatin1String("version 1 ")), qPrintable(r.out));

    // The window writes (a star) after all that, then quits.
    window->runsPage()->model()->setStarred({runIds[3]}, true);
    window.reset();
    QVERIFY(locksHeld(db).isEmpty());

    // Every write of every process is in the file, and the file is whole.
    QCOMPARE(integrity(db), QStringLiteral("ok"));
    Store store(db);
    QVERIFY(store.runs().run(runIds[3])->starred);
    for (int w = 0; w < 3; ++w) {
        const std::vector<MetricPoint> points =
            store.series().metricHistory(logged[w], QStringLiteral("loss"));
        QCOMPARE(points.size(), size_t(200));
        QCOMPARE(points.back().value, w + 199 * 0.5);
    }
    QCOMPARE(store.artifacts().artifacts(runIds[0]).size(), size_t(1));
    QVERIFY(store.artifacts().artifacts(runIds[1]).empty()); // the database itself was not attached
    QVERIFY(store.runs().experimentByName(QStringLiteral("imported")));
    QVERIFY(!store.runs().experimentByName(QStringLiteral("self"))); // nor imported
    QCOMPARE(store.registry().registeredModel(QStringLiteral("beside"))->versions.size(), size_t(1));
    // The CLI promotes the next version: the window's connection and the CLI's agree on what is there.
    r = runProcess(
        db, {QStringLiteral("promote"), runIds[1], QStringLiteral("--model"), QStringLiteral("beside")});
    QVERIFY2(r.out.contains(QLatin1String("version 2 ")), qPrintable(r.out));
}

// The process's own database is never opened as a file, whatever asks for it: an import of it or of its -wal,
// or of a folder holding it. The store's locks stay held, and the reason is given.
void TestBesideWriters::liveDatabaseIsNeverReadAsAFile()
{
    QTemporaryDir folder;
    const QString db = folder.filePath(QStringLiteral("runlens.db"));
    Store store(db);
    store.runs().createExperiment(QStringLiteral("e"));
    const QStringList held = locksHeld(db);
    QVERIFY(!held.isEmpty());

    QCOMPARE(livedb::databaseOf(db), db);
    QCOMPARE(livedb::databaseOf(db + QStringLiteral("-wal")), db);
    QCOMPARE(livedb::databaseOf(db + QStringLiteral("-shm")), db);
    // Through another name: a symbolic link and a hard link.
    QVERIFY(QFile::link(db, folder.filePath(QStringLiteral("link.db"))));
    QCOMPARE(livedb::databaseOf(folder.filePath(QStringLiteral("link.db"))), db);
    QCOMPARE(::link(QFile::encodeName(db).constData(),
                    QFile::encodeName(folder.filePath(QStringLiteral("hard.db"))).constData()),
             0);
    QCOMPARE(livedb::databaseOf(folder.filePath(QStringLiteral("hard.db"))), db);
    QCOMPARE(livedb::databaseOf(folder.filePath(QStringLiteral("other"))), std::nullopt);

    SourceFile file(db + QStringLiteral("-wal"));
    QVERIFY(!file.open(QIODevice::ReadOnly));
    QVERIFY2(file.errorString().contains(db), qPrintable(file.errorString()));

    for (const QString &source : {db, db + QStringLiteral("-wal"), folder.path()}) {
        try {
            import::importPaths(store, {source}, import::Format::Auto, {});
        } catch (const Error &) {
        }
        QCOMPARE(locksHeld(db), held);
    }
    for (import::Format format : {import::Format::MlflowDatabase, import::Format::Csv,
                                  import::Format::JsonLines, import::Format::TensorBoard}) {
        try {
            import::importPaths(store, {db}, format, {});
            QFAIL("the live database was imported");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QLatin1String("Runlens has open")), qPrintable(e.message()));
        }
        QCOMPARE(locksHeld(db), held);
    }
}

namespace {

// A JSON line of the soak writers: exactly representable values, so that what comes back compares with ==.
double soakValue(int writer, int step)
{
    return writer * 1'000'000.0 + step + 0.5;
}

QByteArray soakLines(int writer, int from, int to)
{
    QByteArray out;
    for (int i = from; i < to; ++i)
        out += "{\"metrics\": {\"loss\": " + QByteArray::number(soakValue(writer, i), 'g', 17) +
               "}, \"step\": " + QByteArray::number(i) + "}\n";
    return out;
}

qint64 bytesUnder(const QString &root)
{
    qint64 n = 0;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        n += QFileInfo(it.next()).size();
    return n;
}

} // namespace

// Everything at once, for a bounded while: the window open on Compare with an import running, steady CLI
// writers fed a little at a time, a writer killed with SIGKILL at random moments and resumed from what was
// stored, and an attach killed mid-copy. Afterwards the file is whole, every writer's points are there
// exactly once (the killed one's too, once resumed), and the artifact store holds no object that no row
// names and no staging left behind.
void TestBesideWriters::soak()
{
    const QString db = m_dir.filePath(QStringLiteral("soak.db"));
    QStringList runIds;
    {
        Store store(db);
        generateDemoData(store, DemoOptions{6, 400});
        runIds = store.runs().searchRunIds({});
    }
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("soak seed %u", seed);
    QRandomGenerator rng(seed);

    auto window = std::make_unique<MainWindow>(db);
    window->show();
    QTRY_VERIFY(!window->isLoading());
    window->showCompare(runIds.mid(0, 4));

    // An import of a long CSV log, running in the window while the rest goes on.
    const QString csv = m_dir.filePath(QStringLiteral("soak.csv"));
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray text = "step,loss,acc\n";
        for (int i = 0; i < 200000; ++i)
            text += QByteArray::number(i) + ',' + QByteArray::number(1.0 / (i + 1), 'g', 17) + ',' +
                    QByteArray::number(i % 100) + '\n';
        f.write(text);
    }
    window->importController()->start(
        {{{csv, import::Format::Csv}}, QStringLiteral("soak-import"), true, false});

    constexpr int Writers = 4;   // steady writers; one more is the victim
    constexpr int Lines = 24000; // per writer: about half a minute of logging
    constexpr int PerTick = 150; // lines each writer is given per tick
    const int victim = Writers;
    std::vector<QString> ids;
    for (int w = 0; w <= Writers; ++w) {
        const Result r =
            runProcess(db, {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("soak"),
                            QStringLiteral("--name"), QStringLiteral("writer-%1").arg(w),
                            QStringLiteral("--param"), QStringLiteral("writer=%1").arg(w)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        ids.push_back(r.out.trimmed());
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    const auto startWriter = [&](int w) {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env);
        p->start(QStringLiteral(RUNLENS_BINARY), {QStringLiteral("--db"), db, QStringLiteral("log"),
                                                  QStringLiteral("--run"), ids[size_t(w)]});
        return p;
    };
    std::vector<std::unique_ptr<QProcess>> writers;
    std::vector<int> sent(Writers + 1, 0);
    for (int w = 0; w <= Writers; ++w)
        writers.push_back(startWriter(w));

    // An attach of 40 MiB, killed once its copies are under way.
    const QString big = m_dir.filePath(QStringLiteral("big"));
    QVERIFY(QDir().mkpath(big));
    for (int i = 0; i < 4; ++i) {
        QFile f(big + QStringLiteral("/part%1.bin").arg(i));
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray block(1 << 20, char(i));
        for (int b = 0; b < 10; ++b) {
            block[0] = char(b);
            f.write(block);
        }
    }
    const QString artifactRoot = ArtifactStore(db).root();
    QProcess attach;
    attach.setProcessEnvironment(env);
    attach.start(QStringLiteral(RUNLENS_BINARY),
                 {QStringLiteral("--db"), db, QStringLiteral("attach"), runIds[0], big});
    QVERIFY(attach.waitForStarted(10000));
    bool attachKilled = false;

    int kills = 0;
    // A writer commits about once a second: kills a second or more apart, a few times, let it progress.
    constexpr int Kills = 6;
    int nextKill = 10 + int(rng.bounded(30));
    QElapsedTimer soakTime;
    soakTime.start();
    int tickCount = 0;
    for (int tick = 0; soakTime.elapsed() < 120000; ++tick) {
        tickCount = tick + 1;
        bool more = false;
        for (int w = 0; w <= Writers; ++w) {
            if (sent[size_t(w)] < Lines) {
                const int to = std::min(Lines, sent[size_t(w)] + PerTick);
                writers[size_t(w)]->write(soakLines(w, sent[size_t(w)], to));
                sent[size_t(w)] = to;
                if (to == Lines)
                    writers[size_t(w)]->closeWriteChannel();
            }
            more = more || sent[size_t(w)] < Lines;
        }
        if (!attachKilled &&
            (bytesUnder(artifactRoot) > (8 << 20) || attach.state() == QProcess::NotRunning)) {
            if (attach.state() == QProcess::Running)
                ::kill(pid_t(attach.processId()), SIGKILL);
            attach.waitForFinished(30000);
            attachKilled = true;
        }
        if (tick == nextKill && kills < Kills && sent[size_t(victim)] < Lines) {
            // SIGKILL at a random moment, then resume from what the store holds, as a training script that
            // restarts from its last checkpoint would.
            QProcess &p = *writers[size_t(victim)];
            ::kill(pid_t(p.processId()), SIGKILL);
            QVERIFY(p.waitForFinished(30000));
            ++kills;
            qint64 stored = 0;
            {
                Store store(db);
                stored = store.runs().run(ids[size_t(victim)])->metrics.value(QStringLiteral("loss")).count;
            }
            QVERIFY(stored <= sent[size_t(victim)]);
            sent[size_t(victim)] = int(stored);
            writers[size_t(victim)] = startWriter(victim);
            nextKill = tick + 20 + int(rng.bounded(40));
        }
        QTest::qWait(int(20 + rng.bounded(40)));
        if (!more)
            break;
    }
    qInfo("soak: %d ticks in %lld ms, %d kills", tickCount, soakTime.elapsed(), kills);
    for (int w = 0; w <= Writers; ++w) {
        QProcess *p = writers[size_t(w)].get();
        QVERIFY2(
            p->state() == QProcess::NotRunning || p->waitForFinished(60000),
            qPrintable(QStringLiteral("writer %1 (sent %2 lines) still runs").arg(w).arg(sent[size_t(w)])));
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0,
                 p->readAllStandardError().constData());
    }
    QVERIFY(kills >= 1);
    QVERIFY(attachKilled);
    QTRY_VERIFY_WITH_TIMEOUT(!window->isImporting(), 60000);
    // The next attach, in another process, sweeps what the killed one left.
    const QString note = m_dir.filePath(QStringLiteral("soak-note.txt"));
    {
        QFile f(note);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("after the soak\n");
    }
    Result r = runProcess(db, {QStringLiteral("attach"), runIds[0], note});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    window->runsPage()->model()->setStarred({runIds[1]}, true);
    window.reset();

    QCOMPARE(integrity(db), QStringLiteral("ok"));
    Store store(db);
    for (int w = 0; w <= Writers; ++w) {
        const std::vector<MetricPoint> points =
            store.series().metricHistory(ids[size_t(w)], QStringLiteral("loss"));
        QCOMPARE(points.size(), size_t(Lines));
        for (int i = 0; i < Lines; ++i) {
            QCOMPARE(points[size_t(i)].step, qint64(i));
            QCOMPARE(points[size_t(i)].value, soakValue(w, i));
        }
    }
    QVERIFY(store.runs().run(runIds[1])->starred);
    const auto imported = store.runs().experimentByName(QStringLiteral("soak-import"));
    QVERIFY(imported);
    RunQuery q;
    q.experiments = {imported->id};
    const QStringList importedRuns = store.runs().searchRunIds(q);
    QCOMPARE(importedRuns.size(), 1);
    QCOMPARE(store.series().metricHistory(importedRuns[0], QStringLiteral("loss")).size(), size_t(200000));
    // Every object is named by a row; nothing is left staged.
    QDirIterator objects(artifactRoot + QStringLiteral("/objects"), QDir::Files | QDir::Hidden,
                         QDirIterator::Subdirectories);
    int objectCount = 0;
    while (objects.hasNext()) {
        const QFileInfo object(objects.next()); // objects/ab/cdef…: the digest split after two digits
        const QString sha = object.dir().dirName() + object.fileName();
        QVERIFY2(store.artifacts().isArtifactObjectUsed(sha), qPrintable(sha));
        ++objectCount;
    }
    QVERIFY(objectCount >= 1); // the note attached last, at least
    QCOMPARE(bytesUnder(artifactRoot + QStringLiteral("/staging")), 0);
}

QTEST_MAIN(TestBesideWriters)
#include "tst_besidewriters.moc"
