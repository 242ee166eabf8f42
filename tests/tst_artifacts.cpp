// SPDX-License-Identifier: GPL-3.0-or-later
// Attaching files to runs: the artifact store's refusals (links, FIFOs, files changing under the copy,
// hostile paths), the attach job's walk of folders (relative paths kept, links out of the folder and loops
// left out, FIFOs never opened), deduplication, and all-or-nothing on cancel and on a failed copy; then the
// command line end to end: attach -> artifacts -> artifact-get gives the bytes back unchanged.

#include "artifacts/artifactstore.h"
#include "artifacts/attachjob.h"
#include "import/importwriter.h"
#include "store/store.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace runlens;
using test::readFile;
using test::writeFile;

namespace {

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QStringList paths(const std::vector<Artifact> &artifacts)
{
    QStringList p;
    for (const Artifact &a : artifacts)
        p << a.path;
    return p;
}

// Bytes that differ from file to file and are not text: every byte value, in a pattern of `seed`.
QByteArray someBytes(int size, int seed)
{
    QByteArray b(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        b[i] = char((i * 31 + seed * 17 + (i >> 8)) & 0xff);
    return b;
}

} // namespace

class TestArtifacts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void normalizedPath_data();
    void normalizedPath();
    void putRefusesLinksAndFifos();
    void putRefusesFileChangedWhileCopied();
    void importDoesNotFollowLinkSwappedIn();

    void attachKeepsRelativePaths();
    void attachLeavesOutLinksLoopsAndFifos();
    void attachRefusesHostileDestinations_data();
    void attachRefusesHostileDestinations();
    void attachDeduplicates();
    void attachRefusesMissingRunAndPaths();
    void attachRefusesTwoFilesOnOnePath();
    void cancelLeavesNothing();
    void jobCancelLeavesNothing();
    void failedCopyLeavesNothing();
    void unreadableFileLeavesNothing();
    void jobReportsProgressAndRows();

    void interruptedAttachLeavesNothing_data();
    void interruptedAttachLeavesNothing();
    void sweepLeavesLiveWritersAlone();
    void sweepTakesBackWhatADeadWriterPublished();
    void attachAgainDropsReplacedBytes();

    void cliRoundTrip();
    void cliErrors_data();
    void cliErrors();

private:
    QString makeRun(const QString &name = QStringLiteral("run"));
    struct Cli
    {
        int exitCode = -1;
        QByteArray out, err;
    };
    Cli cli(const QStringList &args);
    void prepareCli(QProcess &p);
    void verifyNothingStored(const QString &runId);
    QStringList leftovers();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    std::unique_ptr<Store> m_store;
};

void TestArtifacts::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = m_dir->filePath(QStringLiteral("runs.db"));
    m_store = std::make_unique<Store>(m_db);
}

void TestArtifacts::cleanup()
{
    m_store.reset();
    // Folders made unreadable by a test must not keep the temporary folder from going.
    QProcess::execute(QStringLiteral("chmod"),
                      {QStringLiteral("-R"), QStringLiteral("u+rwx"), m_dir->path()});
    m_dir.reset();
}

QString TestArtifacts::makeRun(const QString &name)
{
    NewRun init;
    init.experimentId = m_store->runs().ensureExperiment(QStringLiteral("attach"));
    init.name = name;
    return m_store->runs().createRun(init).id;
}

void TestArtifacts::prepareCli(QProcess &p)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    env.insert(QStringLiteral("HOME"), m_dir->filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("home/.config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir->filePath(QStringLiteral("home/.local/share")));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir->path());
}

TestArtifacts::Cli TestArtifacts::cli(const QStringList &args)
{
    QProcess p;
    prepareCli(p);
    p.start(QStringLiteral(RUNLENS_BINARY), QStringList{QStringLiteral("--db"), m_db} + args);
    Cli r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "did not finish";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// No row for the run, and no object, temporary copy or anything else in the artifact store.
void TestArtifacts::verifyNothingStored(const QString &runId)
{
    QVERIFY2(m_store->artifacts().artifacts(runId, true).empty(),
             qPrintable(paths(m_store->artifacts().artifacts(runId, true)).join(u',')));
    const QStringList left = test::filesUnder(ArtifactStore(m_db).root());
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
}

// Object files that no artifact row names, and anything in the staging folders: what a writer that failed,
// was cancelled or was killed must not leave behind (once the next writer has swept).
QStringList TestArtifacts::leftovers()
{
    const ArtifactStore objects(m_db);
    QStringList out;
    for (const QString &f : test::filesUnder(objects.root() + QStringLiteral("/objects"))) {
        if (!m_store->artifacts().isArtifactObjectUsed(QString(f).remove(u'/')))
            out << QStringLiteral("objects/") + f;
    }
    for (const QString &f : test::filesUnder(objects.root() + QStringLiteral("/staging")))
        out << QStringLiteral("staging/") + f;
    for (const QString &f : test::filesUnder(objects.root() + QStringLiteral("/incoming")))
        out << QStringLiteral("incoming/") + f;
    return out;
}

void TestArtifacts::normalizedPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected"); // empty: refused
    QTest::newRow("plain") << "model/weights.bin"
                           << "model/weights.bin";
    QTest::newRow("doubled slashes") << "a//b/"
                                     << "a/b";
    QTest::newRow("backslashes") << "a\\b.txt"
                                 << "a/b.txt";
    QTest::newRow("parent") << "../etc/passwd"
                            << "";
    QTest::newRow("parent inside") << "a/../../b"
                                   << "";
    QTest::newRow("backslash parent") << "a\\..\\..\\b"
                                      << "";
    QTest::newRow("dot") << "./a"
                         << "";
    QTest::newRow("absolute") << "/etc/passwd"
                              << "";
    QTest::newRow("drive") << "C:/Windows/x"
                           << "";
    QTest::newRow("newline") << "a\nb"
                             << "";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("only slashes") << "//"
                                  << "";
}

void TestArtifacts::normalizedPath()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    QCOMPARE(ArtifactStore::normalizedPath(path).value_or(QString()), expected);
}

void TestArtifacts::putRefusesLinksAndFifos()
{
    const QString secret = m_dir->filePath(QStringLiteral("secret.txt"));
    QVERIFY(writeFile(secret, "PRIVATE"));
    const QString link = m_dir->filePath(QStringLiteral("link.txt"));
    QVERIFY(QFile::link(secret, link));
    const QString fifo = m_dir->filePath(QStringLiteral("fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);

    ArtifactStore objects(m_db);
    try {
        objects.put(link);
        QFAIL("a link was followed");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("symbolic link")), qPrintable(e.message()));
    }
    QElapsedTimer timer;
    timer.start();
    try {
        objects.put(fifo); // with no writer, a blocking open would never return
        QFAIL("a FIFO was copied");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("not a regular file")), qPrintable(e.message()));
    }
    QVERIFY(timer.elapsed() < 10000);
    QVERIFY(test::filesUnder(objects.root()).isEmpty());
}

void TestArtifacts::putRefusesFileChangedWhileCopied()
{
    const QString file = m_dir->filePath(QStringLiteral("growing.log"));
    QVERIFY(writeFile(file, someBytes(3 << 20, 1)));
    ArtifactStore objects(m_db);
    int calls = 0;
    // Asked before every block: after the first block, a writer appends to the file.
    const auto appendOnce = [&] {
        if (++calls == 2) {
            QFile f(file);
            if (f.open(QIODevice::Append))
                f.write("more lines\n");
        }
        return false;
    };
    try {
        objects.put(file, appendOnce);
        QFAIL("a file changed under the copy was stored");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("changed while")), qPrintable(e.message()));
    }
    QVERIFY(calls >= 2);
    QVERIFY(test::filesUnder(objects.root()).isEmpty());
    // Unchanged, the same file is stored.
    const ArtifactStore::Stored s = objects.put(file);
    QCOMPARE(s.sha256, sha256(readFile(file)));
    QVERIFY(s.added);
}

// The MLflow readers list a run's artifacts without following links; a file swapped for a link (or a FIFO)
// after that listing reaches the import writer as a plain name, and must still not be followed or block.
void TestArtifacts::importDoesNotFollowLinkSwappedIn()
{
    const QString secret = m_dir->filePath(QStringLiteral("private/id_rsa"));
    QVERIFY(writeFile(secret, "PRIVATE KEY"));
    const QString artifacts = m_dir->filePath(QStringLiteral("mlruns/0/run/artifacts"));
    QVERIFY(writeFile(artifacts + QStringLiteral("/model.txt"), "model"));
    QVERIFY(QFile::link(secret, artifacts + QStringLiteral("/leak.txt")));
    QCOMPARE(::mkfifo(QFile::encodeName(artifacts + QStringLiteral("/pipe")).constData(), 0600), 0);

    // A folder of the run swapped for a link out after the listing: its file is named by a path whose last
    // component is no link.
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("private/inner.txt")), "PRIVATE KEY"));
    QVERIFY(QFile::link(m_dir->filePath(QStringLiteral("private")), artifacts + QStringLiteral("/sub")));

    import::SourceRun run;
    run.id = QStringLiteral("0123456789abcdef0123456789abcdef");
    run.name = QStringLiteral("swapped");
    for (const char *name : {"model.txt", "leak.txt", "pipe", "sub/inner.txt"})
        run.artifacts.push_back(
            {QString::fromLatin1(name), artifacts + QLatin1Char('/') + QLatin1String(name), artifacts});
    import::ImportWriter writer(*m_store, {}, QStringLiteral("imported"));
    QVERIFY(writer.run(std::move(run)));
    const import::ImportReport report = writer.finish();
    QCOMPARE(paths(m_store->artifacts().artifacts(QStringLiteral("0123456789abcdef0123456789abcdef"))),
             QStringList{QStringLiteral("model.txt")});
    const QString warnings = report.warnings.value(artifacts + QStringLiteral("/leak.txt")).join(u' ');
    QVERIFY2(warnings.contains(QLatin1String("symbolic link")), qPrintable(warnings));
    QVERIFY(report.warnings.value(artifacts + QStringLiteral("/pipe"))
                .join(u' ')
                .contains(QLatin1String("not a regular file")));
    const QString swapped = report.warnings.value(artifacts + QStringLiteral("/sub/inner.txt")).join(u' ');
    QVERIFY2(swapped.contains(QLatin1String("symbolic link")), qPrintable(swapped));
    QDirIterator it(ArtifactStore(m_db).root(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        QVERIFY(readFile(it.next()) != QByteArray("PRIVATE KEY"));
}

void TestArtifacts::attachKeepsRelativePaths()
{
    const QString runId = makeRun();
    const QString data = m_dir->filePath(QStringLiteral("src/data"));
    const QByteArray weights = someBytes(200000, 2);
    QVERIFY(writeFile(data + QStringLiteral("/weights.bin"), weights));
    QVERIFY(writeFile(data + QStringLiteral("/config/params.json"), "{\"lr\": 0.01}\n"));
    QVERIFY(writeFile(data + QStringLiteral("/.hidden"), "h"));
    QVERIFY(writeFile(data + QStringLiteral("/empty/nothing.txt"), ""));
    const QString single = m_dir->filePath(QStringLiteral("src/notes.md"));
    QVERIFY(writeFile(single, "# Notes\n"));

    AttachRequest request{runId, {data + QStringLiteral("/"), single}, QStringLiteral("inputs//v1/")};
    const AttachReport report = AttachJob::attach(*m_store, request);
    QVERIFY(!report.cancelled);
    QVERIFY2(report.skipped.isEmpty(), qPrintable(report.skipped.join(u'\n')));
    const QStringList expected{
        QStringLiteral("inputs/v1/data/.hidden"), QStringLiteral("inputs/v1/data/config/params.json"),
        QStringLiteral("inputs/v1/data/empty/nothing.txt"), QStringLiteral("inputs/v1/data/weights.bin"),
        QStringLiteral("inputs/v1/notes.md")};
    QCOMPARE(paths(report.attached), expected);
    const std::vector<Artifact> stored = m_store->artifacts().artifacts(runId);
    QCOMPARE(paths(stored), expected);
    ArtifactStore objects(m_db);
    for (const Artifact &a : stored) {
        QVERIFY(objects.contains(a.sha256));
        QCOMPARE(QFileInfo(objects.objectPath(a.sha256)).size(), a.size);
        if (a.path.endsWith(QLatin1String("weights.bin"))) {
            QCOMPARE(a.sha256, sha256(weights));
            QCOMPARE(a.size, qint64(weights.size()));
        }
        if (a.path.endsWith(QLatin1String(".json")))
            QCOMPARE(a.mediaType, QStringLiteral("application/json"));
    }
    QCOMPARE(report.bytes, qint64(weights.size() + 13 + 1 + 0 + 8));
    QCOMPARE(report.objectsAdded, 5);
    // Nothing was left in the store's folder for temporary copies.
    QVERIFY(QDir(objects.root() + QStringLiteral("/incoming")).isEmpty());
}

void TestArtifacts::attachLeavesOutLinksLoopsAndFifos()
{
    const QString runId = makeRun();
    const QString outside = m_dir->filePath(QStringLiteral("private"));
    QVERIFY(writeFile(outside + QStringLiteral("/id_rsa"), "PRIVATE KEY"));
    const QString drop = m_dir->filePath(QStringLiteral("drop"));
    QVERIFY(writeFile(drop + QStringLiteral("/model.txt"), "model"));
    QVERIFY(writeFile(drop + QStringLiteral("/sub/real.txt"), "real"));
    QVERIFY(QFile::link(outside + QStringLiteral("/id_rsa"), drop + QStringLiteral("/leak.txt")));
    QVERIFY(QFile::link(outside, drop + QStringLiteral("/leakdir")));
    QVERIFY(QFile::link(QStringLiteral("../private/id_rsa"), drop + QStringLiteral("/relative-leak")));
    QVERIFY(QFile::link(drop, drop + QStringLiteral("/sub/loop")));                 // a folder link back up
    QVERIFY(QFile::link(drop + QStringLiteral("/b"), drop + QStringLiteral("/a"))); // a -> b -> a
    QVERIFY(QFile::link(drop + QStringLiteral("/a"), drop + QStringLiteral("/b")));
    QVERIFY(QFile::link(drop + QStringLiteral("/sub/real.txt"), drop + QStringLiteral("/inner-link.txt")));
    QCOMPARE(::mkfifo(QFile::encodeName(drop + QStringLiteral("/pipe")).constData(), 0600), 0);

    QElapsedTimer timer;
    timer.start();
    const AttachReport report = AttachJob::attach(*m_store, {runId, {drop}, {}});
    QVERIFY(timer.elapsed() < 20000); // neither the FIFO nor the loops held it up
    QCOMPARE(paths(report.attached),
             (QStringList{QStringLiteral("drop/inner-link.txt"), QStringLiteral("drop/model.txt"),
                          QStringLiteral("drop/sub/real.txt")}));
    const QString skipped = report.skipped.join(u'\n');
    for (const char *name : {"leak.txt", "leakdir", "relative-leak", "loop", "/a:", "/b:", "pipe"})
        QVERIFY2(skipped.contains(QLatin1String(name)), qPrintable(skipped));
    QCOMPARE(report.skipped.size(), 7);
    // The link inside the folder was stored with the bytes of its target.
    QCOMPARE(report.attached.front().sha256, sha256("real"));
    // No stored object holds the secret.
    QDirIterator it(ArtifactStore(m_db).root(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        QVERIFY(readFile(it.next()) != QByteArray("PRIVATE KEY"));

    // A link named on its own (the person chose it) is followed; a FIFO named on its own is refused.
    const AttachReport named = AttachJob::attach(*m_store, {runId, {drop + QStringLiteral("/leak.txt")}, {}});
    QCOMPARE(paths(named.attached), QStringList{QStringLiteral("leak.txt")});
    try {
        AttachJob::attach(*m_store, {runId, {drop + QStringLiteral("/pipe")}, {}});
        QFAIL("a FIFO was attached");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("FIFO")), qPrintable(e.message()));
    }
}

void TestArtifacts::attachRefusesHostileDestinations_data()
{
    QTest::addColumn<QString>("destination");
    QTest::newRow("parent") << "../outside";
    QTest::newRow("parent inside") << "a/../../b";
    QTest::newRow("absolute") << "/tmp/x";
    QTest::newRow("drive") << "C:\\x";
    QTest::newRow("dot") << ".";
    QTest::newRow("control") << "a\tb";
}

void TestArtifacts::attachRefusesHostileDestinations()
{
    QFETCH(QString, destination);
    const QString runId = makeRun();
    const QString file = m_dir->filePath(QStringLiteral("f.txt"));
    QVERIFY(writeFile(file, "x"));
    try {
        AttachJob::attach(*m_store, {runId, {file}, destination});
        QFAIL("a hostile destination was taken");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("cannot be a folder")), qPrintable(e.message()));
    }
    verifyNothingStored(runId);
}

void TestArtifacts::attachDeduplicates()
{
    const QString runId = makeRun();
    const QByteArray bytes = someBytes(50000, 3);
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("a/one.bin")), bytes));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("a/two.bin")), bytes));
    const AttachReport first =
        AttachJob::attach(*m_store, {runId, {m_dir->filePath(QStringLiteral("a"))}, {}});
    QCOMPARE(first.attached.size(), size_t(2));
    QCOMPARE(first.objectsAdded, 1);
    QCOMPARE(first.attached[0].sha256, first.attached[1].sha256);
    // Attached again to another run: the bytes are stored once still.
    const QString other = makeRun(QStringLiteral("other"));
    const AttachReport second =
        AttachJob::attach(*m_store, {other, {m_dir->filePath(QStringLiteral("a"))}, {}});
    QCOMPARE(second.objectsAdded, 0);
    QCOMPARE(test::filesUnder(ArtifactStore(m_db).root() + QStringLiteral("/objects")).size(), 1);
    // The same path again replaces its row, not adds one.
    AttachJob::attach(*m_store, {runId, {m_dir->filePath(QStringLiteral("a"))}, {}});
    QCOMPARE(m_store->artifacts().artifacts(runId).size(), size_t(2));
}

void TestArtifacts::attachRefusesMissingRunAndPaths()
{
    const QString runId = makeRun();
    const QString file = m_dir->filePath(QStringLiteral("f.txt"));
    QVERIFY(writeFile(file, "x"));
    try {
        AttachJob::attach(*m_store, {QStringLiteral("0123456789abcdef0123456789abcdef"), {file}, {}});
        QFAIL("attached to a run that does not exist");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::NotFound);
    }
    try {
        AttachJob::attach(*m_store, {runId, {file, m_dir->filePath(QStringLiteral("missing.txt"))}, {}});
        QFAIL("a missing path was taken");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("does not exist")), qPrintable(e.message()));
    }
    verifyNothingStored(runId);
}

void TestArtifacts::attachRefusesTwoFilesOnOnePath()
{
    const QString runId = makeRun();
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("x/report.txt")), "x"));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("y/report.txt")), "y"));
    try {
        AttachJob::attach(*m_store, {runId,
                                     {m_dir->filePath(QStringLiteral("x/report.txt")),
                                      m_dir->filePath(QStringLiteral("y/report.txt"))},
                                     {}});
        QFAIL("two files were attached on one path");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("'report.txt'")), qPrintable(e.message()));
    }
    verifyNothingStored(runId);
}

void TestArtifacts::cancelLeavesNothing()
{
    const QString runId = makeRun();
    for (int i = 0; i < 4; ++i)
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("big/part%1.bin").arg(i)), someBytes(3 << 20, i)));
    // Cancelled once the second file is being copied: the first one's object is in the store by then.
    bool cancel = false;
    AttachJob::Callbacks callbacks;
    callbacks.cancelled = [&] { return cancel; };
    callbacks.progress = [&](qint64, qint64, const QString &current) {
        if (current.endsWith(QLatin1String("part1.bin")))
            cancel = true;
    };
    const AttachReport report =
        AttachJob::attach(*m_store, {runId, {m_dir->filePath(QStringLiteral("big"))}, {}}, callbacks);
    QVERIFY(report.cancelled);
    QVERIFY(report.attached.empty());
    verifyNothingStored(runId);
}

void TestArtifacts::jobCancelLeavesNothing()
{
    const QString runId = makeRun();
    const QString big = m_dir->filePath(QStringLiteral("huge.bin"));
    {
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(256) << 20)); // sparse: no disk space, but 256 MiB to read
    }
    m_store.reset();
    AttachJob job(m_db, {runId, {big}, {}});
    QSignalSpy finished(&job, &AttachJob::finished);
    QSignalSpy failed(&job, &AttachJob::failed);
    QVERIFY(finished.isValid() && failed.isValid());
    job.start();
    job.cancel();
    QVERIFY(finished.wait(60000));
    QVERIFY(failed.isEmpty());
    QVERIFY(finished.first().first().value<AttachReport>().cancelled);
    QVERIFY(!job.isRunning());
    m_store = std::make_unique<Store>(m_db);
    verifyNothingStored(runId);
}

void TestArtifacts::failedCopyLeavesNothing()
{
    const QString runId = makeRun();
    // The second file disappears after the walk saw it, while the first one is being copied: its copy
    // fails, and the first file's object, already stored, goes again.
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("set/a.bin")), someBytes(100000, 5)));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("set/b.bin")), someBytes(100000, 6)));
    AttachJob::Callbacks callbacks;
    callbacks.progress = [&](qint64, qint64, const QString &current) {
        if (current.endsWith(QLatin1String("a.bin")))
            QFile::remove(m_dir->filePath(QStringLiteral("set/b.bin")));
    };
    try {
        AttachJob::attach(*m_store, {runId, {m_dir->filePath(QStringLiteral("set"))}, {}}, callbacks);
        QFAIL("a failed copy was not reported");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("b.bin")), qPrintable(e.message()));
    }
    verifyNothingStored(runId);

    // An object another run uses stays when an attach that also brought it fails.
    const QString other = makeRun(QStringLiteral("other"));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("shared.bin")), someBytes(1000, 7)));
    AttachJob::attach(*m_store, {other, {m_dir->filePath(QStringLiteral("shared.bin"))}, {}});
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("set/b.bin")), someBytes(100000, 6)));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("set/a.bin")), someBytes(1000, 7)));
    try {
        AttachJob::attach(*m_store, {runId, {m_dir->filePath(QStringLiteral("set"))}, {}}, callbacks);
        QFAIL("a failed copy was not reported");
    } catch (const Error &) {
    }
    QVERIFY(m_store->artifacts().artifacts(runId).empty());
    QCOMPARE(test::filesUnder(ArtifactStore(m_db).root() + QStringLiteral("/objects")).size(), 1);
    QVERIFY(ArtifactStore(m_db).contains(sha256(someBytes(1000, 7))));
}

void TestArtifacts::unreadableFileLeavesNothing()
{
    if (::geteuid() == 0)
        QSKIP("root reads files whatever their permissions say");
    const QString runId = makeRun();
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("set/a.txt")), "a"));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("set/secret.txt")), "b"));
    QVERIFY(
        QFile::setPermissions(m_dir->filePath(QStringLiteral("set/secret.txt")), QFileDevice::WriteOwner));
    try {
        AttachJob::attach(*m_store, {runId, {m_dir->filePath(QStringLiteral("set"))}, {}});
        QFAIL("an unreadable file was not reported");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("cannot read")) &&
                     e.message().contains(QLatin1String("secret.txt")),
                 qPrintable(e.message()));
    }
    verifyNothingStored(runId);
}

void TestArtifacts::jobReportsProgressAndRows()
{
    const QString runId = makeRun();
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("out/a.bin")), someBytes(3 << 20, 8)));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("out/b.txt")), "text"));
    m_store.reset();
    AttachJob job(m_db, {runId, {m_dir->filePath(QStringLiteral("out"))}, QStringLiteral("results")});
    QSignalSpy progress(&job, &AttachJob::progress);
    QSignalSpy finished(&job, &AttachJob::finished);
    QVERIFY(progress.isValid() && finished.isValid());
    job.start();
    QVERIFY(job.isRunning());
    QVERIFY(finished.wait(60000));
    const AttachReport report = finished.first().first().value<AttachReport>();
    QCOMPARE(paths(report.attached),
             (QStringList{QStringLiteral("results/out/a.bin"), QStringLiteral("results/out/b.txt")}));
    QVERIFY(!progress.isEmpty());
    const QList<QVariant> last = progress.last();
    QCOMPARE(last.at(0).toLongLong(), qint64((3 << 20) + 4)); // the last one always arrives: all done
    QCOMPARE(last.at(1).toLongLong(), qint64((3 << 20) + 4));
    m_store = std::make_unique<Store>(m_db);
    QCOMPARE(m_store->artifacts().artifacts(runId).size(), size_t(2));
}

void TestArtifacts::interruptedAttachLeavesNothing_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("kill -9") << int(SIGKILL);
    QTest::newRow("Ctrl-C") << int(SIGINT);
}

// `runlens attach` of an 80 MiB folder, stopped mid-copy: killed, its copies stay until the next writer
// sweeps them; interrupted, it removes them itself. Either way no object without a row remains.
void TestArtifacts::interruptedAttachLeavesNothing()
{
    QFETCH(int, signal);
    const QString runId = makeRun();
    const QString big = m_dir->filePath(QStringLiteral("big"));
    for (int i = 0; i < 8; ++i)
        QVERIFY(writeFile(big + QStringLiteral("/part%1.bin").arg(i), someBytes(10 << 20, 20 + i)));
    const QString root = ArtifactStore(m_db).root();
    const auto bytesInStore = [&] {
        qint64 n = 0;
        for (const QString &f : test::filesUnder(root))
            n += QFileInfo(root + QLatin1Char('/') + f).size();
        return n;
    };

    QProcess attach;
    prepareCli(attach);
    attach.start(QStringLiteral(RUNLENS_BINARY),
                 {QStringLiteral("--db"), m_db, QStringLiteral("attach"), runId, big});
    QVERIFY(attach.waitForStarted(10000));
    // Stopped once the first file is whole in the artifact store and the second is being copied.
    QVERIFY(QTest::qWaitFor(
        [&] { return bytesInStore() > (12 << 20) || attach.state() == QProcess::NotRunning; }, 60000));
    QVERIFY2(attach.state() == QProcess::Running, "the attach ended before it could be stopped");
    QCOMPARE(::kill(pid_t(attach.processId()), signal), 0);
    QVERIFY(attach.waitForFinished(30000));
    if (signal == SIGKILL) {
        QCOMPARE(attach.exitStatus(), QProcess::CrashExit);
    } else {
        QCOMPARE(attach.exitStatus(), QProcess::NormalExit);
        QCOMPARE(attach.exitCode(), 1);
        QVERIFY(attach.readAllStandardError().contains("cancelled; nothing was attached"));
        const QStringList left = leftovers();
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u','))); // cleaned up by itself
    }
    QVERIFY(m_store->artifacts().artifacts(runId, true).empty());

    // The next attach, in another process, sweeps what the killed one left.
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("small.txt")), "small"));
    const Cli next = cli({QStringLiteral("attach"), runId, m_dir->filePath(QStringLiteral("small.txt"))});
    QVERIFY2(next.exitCode == 0, next.err.constData());
    QCOMPARE(paths(m_store->artifacts().artifacts(runId, true)), QStringList{QStringLiteral("small.txt")});
    const QStringList left = leftovers();
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
    QCOMPARE(test::filesUnder(root + QStringLiteral("/objects")).size(), 1);
}

// A sweep beside a live writer: `runlens attach` has staged every file and waits for the write lock (held
// here, as another process writing would). A sweep then removes a dead writer's folder but not the live
// one's, and the attach completes with all its bytes.
void TestArtifacts::sweepLeavesLiveWritersAlone()
{
    const QString runId = makeRun();
    const QString folder = m_dir->filePath(QStringLiteral("folder"));
    for (int i = 0; i < 4; ++i)
        QVERIFY(writeFile(folder + QStringLiteral("/part%1.bin").arg(i), someBytes(2 << 20, 40 + i)));
    const QString staging = ArtifactStore(m_db).root() + QStringLiteral("/staging");
    const auto staged = [&] {
        int n = 0;
        for (const QString &f : test::filesUnder(staging))
            n += QFileInfo(f).fileName().size() == 64 ? 1 : 0; // complete copies are named by their digest
        return n;
    };

    test::WriteLockHolder lock(m_db);
    QVERIFY(lock.isLocked());
    QProcess attach;
    prepareCli(attach);
    attach.start(QStringLiteral(RUNLENS_BINARY),
                 {QStringLiteral("--db"), m_db, QStringLiteral("attach"), runId, folder});
    QVERIFY(attach.waitForStarted(10000));
    QVERIFY2(QTest::qWaitFor([&] { return staged() == 4 || attach.state() == QProcess::NotRunning; }, 10000),
             qPrintable(test::filesUnder(staging).join(u',')));
    QVERIFY(attach.state() == QProcess::Running);
    const QStringList live = test::filesUnder(staging);

    // A writer that died: its folder's lock is free (a pid that no longer runs, a partial copy).
    const QString dead = staging + QStringLiteral("/999999-00000000deadbeef");
    QVERIFY(writeFile(dead + QStringLiteral("/lock"), {}));
    QVERIFY(writeFile(dead + QStringLiteral("/1.part"), someBytes(1 << 20, 50)));
    QCOMPARE(ArtifactStaging::sweep(*m_store), 1);
    QVERIFY(!QFileInfo::exists(dead));
    QCOMPARE(test::filesUnder(staging), live);

    lock.release();
    QVERIFY(attach.waitForFinished(30000));
    QCOMPARE(attach.exitCode(), 0);
    const std::vector<Artifact> rows = m_store->artifacts().artifacts(runId);
    QCOMPARE(rows.size(), size_t(4));
    for (const Artifact &a : rows) {
        const QByteArray bytes = readFile(ArtifactStore(m_db).objectPath(a.sha256));
        QCOMPARE(bytes.size(), qsizetype(a.size));
        QCOMPARE(sha256(bytes), a.sha256);
    }
    const QStringList left = leftovers();
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
}

// What a writer killed between moving its objects into the store and its commit leaves: objects in
// objects/ named by no row, listed in its staging folder's record, its lock free. The sweep removes those
// objects, except one that a row names meanwhile (bytes another attach brought too).
void TestArtifacts::sweepTakesBackWhatADeadWriterPublished()
{
    const QString runId = makeRun();
    ArtifactStore objects(m_db);
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("kept.bin")), someBytes(5000, 60)));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("orphan.bin")), someBytes(5000, 61)));
    AttachJob::attach(*m_store, {runId, {m_dir->filePath(QStringLiteral("kept.bin"))}, {}});
    const QString kept = sha256(someBytes(5000, 60));
    const QString orphan = objects.put(m_dir->filePath(QStringLiteral("orphan.bin"))).sha256;
    QVERIFY(objects.contains(kept) && objects.contains(orphan));

    const QString dead = objects.root() + QStringLiteral("/staging/999999-0000000000c0ffee");
    QVERIFY(writeFile(dead + QStringLiteral("/lock"), {}));
    QVERIFY(writeFile(dead + QStringLiteral("/publishing"), (kept + u'\n' + orphan + u'\n').toLatin1()));
    QCOMPARE(ArtifactStaging::sweep(*m_store), 1);
    QVERIFY(objects.contains(kept));
    QVERIFY(!objects.contains(orphan));
    QVERIFY(!QFileInfo::exists(dead));
    const QStringList left = leftovers();
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));

    // A folder whose writer still holds its lock is left, record and all.
    ArtifactStaging live(*m_store);
    live.put(m_dir->filePath(QStringLiteral("orphan.bin")));
    QCOMPARE(ArtifactStaging::sweep(*m_store), 0);
    QCOMPARE(test::filesUnder(objects.root() + QStringLiteral("/staging")).size(), 2); // lock and copy
}

// A file attached again at the same path replaces its row: the old bytes go, unless another row names them.
void TestArtifacts::attachAgainDropsReplacedBytes()
{
    const QString runId = makeRun();
    const QString other = makeRun(QStringLiteral("other"));
    const QString file = m_dir->filePath(QStringLiteral("x/notes.txt"));
    const ArtifactStore objects(m_db);
    QVERIFY(writeFile(file, "first version"));
    AttachJob::attach(*m_store, {runId, {file}, {}});
    QVERIFY(writeFile(file, "second version"));
    AttachJob::attach(*m_store, {runId, {file}, {}});
    QCOMPARE(m_store->artifacts().artifacts(runId, true).size(), size_t(1));
    QCOMPARE(m_store->artifacts().artifacts(runId).front().sha256, sha256("second version"));
    QVERIFY(!objects.contains(sha256("first version")));
    QVERIFY(objects.contains(sha256("second version")));

    // Bytes another run names stay.
    AttachJob::attach(*m_store, {other, {file}, {}});
    QVERIFY(writeFile(file, "third version"));
    AttachJob::attach(*m_store, {runId, {file}, {}});
    QVERIFY(objects.contains(sha256("second version")));
    QVERIFY(objects.contains(sha256("third version")));
    const QStringList left = leftovers();
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
}

void TestArtifacts::cliRoundTrip()
{
    const QString runId = makeRun();
    m_store.reset();
    const QString tree = m_dir->filePath(QStringLiteral("checkpoint"));
    QMap<QString, QByteArray> files{{QStringLiteral("model.bin"), someBytes(1500000, 9)},
                                    {QStringLiteral("tokenizer/vocab.txt"), "a\nb\nc\n"},
                                    {QStringLiteral("tokenizer/merges/list.txt"), "ab c\n"},
                                    {QStringLiteral("space name.json"), "{}"}};
    for (auto it = files.begin(); it != files.end(); ++it)
        QVERIFY(writeFile(tree + QLatin1Char('/') + it.key(), it.value()));
    const QString plot = m_dir->filePath(QStringLiteral("loss.png"));
    QVERIFY(writeFile(plot, someBytes(4000, 10)));

    Cli r = cli({QStringLiteral("attach"), runId, tree, plot, QStringLiteral("--as"), QStringLiteral("v1")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("Attached 5 files"), r.out.constData());
    QVERIFY2(r.err.isEmpty(), r.err.constData()); // no progress on a pipe

    r = cli({QStringLiteral("artifacts"), runId, QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonArray rows = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(rows.size(), 5);
    QStringList listed;
    for (const QJsonValue &v : rows) {
        const QJsonObject o = v.toObject();
        listed << o.value(QStringLiteral("path")).toString();
        for (const char *key : {"path", "size", "sha256", "media_type", "created"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        if (o.value(QStringLiteral("path")) == QStringLiteral("v1/loss.png")) {
            QCOMPARE(o.value(QStringLiteral("media_type")).toString(), QStringLiteral("image/png"));
            QCOMPARE(o.value(QStringLiteral("size")).toInteger(), 4000);
            QCOMPARE(o.value(QStringLiteral("sha256")).toString(), sha256(someBytes(4000, 10)));
        }
    }
    QCOMPARE(listed.size(), 5);
    QVERIFY(listed.contains(QStringLiteral("v1/checkpoint/tokenizer/merges/list.txt")));
    r = cli({QStringLiteral("artifacts"), runId, QStringLiteral("--format"), QStringLiteral("csv")});
    QVERIFY(r.out.startsWith("path,size,sha256,media_type,created"));
    r = cli({QStringLiteral("artifacts"), runId});
    QVERIFY2(r.exitCode == 0 && r.out.contains("v1/checkpoint/model.bin"), r.out.constData());

    // A folder comes back as a folder, byte for byte.
    const QString back = m_dir->filePath(QStringLiteral("back"));
    r = cli({QStringLiteral("artifact-get"), runId, QStringLiteral("v1/checkpoint"), QStringLiteral("--out"),
             back});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(test::filesUnder(back), QStringList(files.keys()));
    for (auto it = files.begin(); it != files.end(); ++it)
        QVERIFY2(readFile(back + QLatin1Char('/') + it.key()) == it.value(), qPrintable(it.key()));
    // One file to a file name, and into an existing folder under its own name.
    const QString one = m_dir->filePath(QStringLiteral("one.bin"));
    r = cli({QStringLiteral("artifact-get"), runId, QStringLiteral("v1/checkpoint/model.bin"),
             QStringLiteral("--out"), one});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(readFile(one) == files.value(QStringLiteral("model.bin")));
    r = cli({QStringLiteral("artifact-get"), runId, QStringLiteral("v1/loss.png"), QStringLiteral("--out"),
             back});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(readFile(back + QStringLiteral("/loss.png")) == readFile(plot));
    // Everything.
    const QString all = m_dir->filePath(QStringLiteral("all"));
    r = cli({QStringLiteral("artifact-get"), runId, QStringLiteral("."), QStringLiteral("--out"), all});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(test::filesUnder(all).size(), 5);
}

void TestArtifacts::cliErrors_data()
{
    QTest::addColumn<QStringList>("args"); // RUN stands for the run's id, FILE for an existing file
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("attach without path") << QStringList{"attach", "RUN"} << 2 << "expected RUN and at least";
    QTest::newRow("attach hostile --as")
        << QStringList{"attach", "RUN", "FILE", "--as", "../x"} << 2 << "--as";
    QTest::newRow("attach absolute --as")
        << QStringList{"attach", "RUN", "FILE", "--as", "/x"} << 2 << "--as";
    QTest::newRow("attach unknown run")
        << QStringList{"attach", "0123456789abcdef0123456789abcdef", "FILE"} << 1 << "no run with id";
    QTest::newRow("attach missing path")
        << QStringList{"attach", "RUN", "FILE", "nope.txt"} << 1 << "does not exist";
    QTest::newRow("artifacts format")
        << QStringList{"artifacts", "RUN", "--format", "xml"} << 2 << "--format";
    QTest::newRow("artifacts no run") << QStringList{"artifacts"} << 2 << "expected one RUN";
    QTest::newRow("artifacts unknown run") << QStringList{"artifacts", "feedface"} << 1 << "no run with id";
    QTest::newRow("get without out") << QStringList{"artifact-get", "RUN", "a.txt"} << 2 << "--out";
    QTest::newRow("get hostile path")
        << QStringList{"artifact-get", "RUN", "../a", "--out", "x"} << 2 << "not an artifact path";
    QTest::newRow("get missing artifact")
        << QStringList{"artifact-get", "RUN", "none.txt", "--out", "x"} << 1 << "has no artifact";
}

void TestArtifacts::cliErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const QString runId = makeRun();
    m_store.reset();
    const QString file = m_dir->filePath(QStringLiteral("f.txt"));
    QVERIFY(writeFile(file, "x"));
    for (QString &a : args) {
        if (a == QLatin1String("RUN"))
            a = runId;
        else if (a == QLatin1String("FILE"))
            a = file;
    }
    const Cli r = cli(args);
    QVERIFY2(r.exitCode == exitCode, (QByteArray::number(r.exitCode) + ' ' + r.err).constData());
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    m_store = std::make_unique<Store>(m_db);
    verifyNothingStored(runId);
}

QTEST_GUILESS_MAIN(TestArtifacts)
#include "tst_artifacts.moc"
