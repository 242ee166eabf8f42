// SPDX-License-Identifier: GPL-3.0-or-later
// Schema migrations: a database written by schema version 1 (tests/data/runlens-v1.sql, made by
// make_v1_fixture.py) is upgraded in a transaction after a backup copy is kept; a failing migration leaves
// the file as it was.

#include "store/schema.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;

namespace {

// Loads an SQL dump with a connection of its own, as an older Runlens would have left the file.
bool loadDump(const QString &dumpPath, const QString &dbPath, const QStringList &extra = {})
{
    QFile f(dumpPath);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QString sql = QString::fromUtf8(f.readAll());
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("loader"));
        db.setDatabaseName(dbPath);
        ok = db.open();
        QSqlQuery q(db);
        // Statements end with ";" at the end of a line; no statement in the dump contains that sequence
        // inside.
        const QStringList statements = sql.split(QStringLiteral(";\n"), Qt::SkipEmptyParts) + extra;
        for (const QString &s : statements) {
            if (s.trimmed().isEmpty())
                continue;
            if (!q.exec(s)) {
                qWarning() << q.lastError().text() << s.left(200);
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("loader"));
    return ok;
}

qint64 pragma(const QString &path, const QString &name)
{
    qint64 v = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("pragma"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("PRAGMA ") + name) && q.next())
                v = q.value(0).toLongLong();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("pragma"));
    return v;
}

QByteArray hashOf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256)
                                       : QByteArray();
}

} // namespace

class TestMigration : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void migrationsAreOrdered();
    void upgradesVersion1();
    void failedMigrationChangesNothing();
    void failedBackupLeavesNothing();
};

void TestMigration::migrationsAreOrdered()
{
    int expected = 1;
    for (const schema::Migration &m : schema::migrations()) {
        QCOMPARE(m.toVersion, expected++);
        QVERIFY(!m.statements.isEmpty());
    }
    QCOMPARE(schema::latestVersion(), expected - 1);
}

void TestMigration::upgradesVersion1()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.db"));
    QVERIFY(loadDump(QStringLiteral(RUNLENS_TEST_DATA "/runlens-v1.sql"), path));
    QCOMPARE(pragma(path, QStringLiteral("user_version")), qint64(1));
    const QByteArray original = hashOf(path);

    Store store(path);
    QCOMPARE(store.schemaVersion(), schema::latestVersion());
    QVERIFY(!store.backupPath().isEmpty());
    QVERIFY(QFile::exists(store.backupPath()));
    QVERIFY(store.backupPath().startsWith(path + QStringLiteral(".v1-")));
    QCOMPARE(pragma(store.backupPath(), QStringLiteral("user_version")), qint64(1));

    // The data written by schema 1 reads back unchanged, including the chunk the Python-style writer made.
    const auto run = store.runs().run(QStringLiteral("00000000000000000000000000000001"));
    QVERIFY(run);
    QCOMPARE(run->name, QStringLiteral("old-run"));
    QCOMPARE(run->status, RunStatus::Finished);
    QCOMPARE(run->params.value(QStringLiteral("lr")), QStringLiteral("0.01"));
    const std::vector<MetricPoint> h = store.series().metricHistory(run->id, QStringLiteral("loss"));
    QCOMPARE(h.size(), size_t(100));
    QCOMPARE(h[1].step, qint64(3));
    QCOMPARE(h[1].timestamp, qint64(1600000001001));
    QCOMPARE(h[1].value, 0.5);
    QVERIFY(std::isnan(h[50].value));
    QCOMPARE(h[99].step, qint64(297));
    const SeriesOverview ov = store.series().readOverview(run->id, QStringLiteral("loss"), 0, 297, 10);
    QCOMPARE(ov.pointsInRange, qint64(100));

    // The new tables work, and the old data can grow.
    store.series().logMetric(run->id, QStringLiteral("loss"), {300, 1600000400000, 0.001});
    QCOMPARE(store.runs().metricSummary(run->id, QStringLiteral("loss"))->count, qint64(101));

    // The backup is the old file's content: opening it migrates a copy of the same data.
    QVERIFY(hashOf(store.backupPath()) != QByteArray());
    QVERIFY(original != hashOf(path));
}

void TestMigration::failedMigrationChangesNothing()
{
    // A table in the way of migration 2: the file is not what version 1 wrote, so it is refused before the
    // backup and the migration, naming the table (it would also make the migration fail half-way, and the
    // transaction would leave version 1 intact); nothing is left beside it.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("blocked.db"));
    QVERIFY(loadDump(QStringLiteral(RUNLENS_TEST_DATA "/runlens-v1.sql"), path,
                     {QStringLiteral("CREATE TABLE registry_audit(x)")}));
    try {
        Store store(path);
        QFAIL("the migration should have failed");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("registry_audit")), qPrintable(e.message()));
    }
    QCOMPARE(pragma(path, QStringLiteral("user_version")), qint64(1));
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.bak")}, QDir::Files), QStringList());
    // The artifacts table that migration 2 creates before failing was rolled back with it.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'artifacts'")) &&
                q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM runs")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

// The disk fills while the backup is written (VACUUM INTO): the open fails naming the problem, the file keeps
// its old schema, and no partial backup is left behind. A small tmpfs in a private mount namespace is the
// full disk.
void TestMigration::failedBackupLeavesNothing()
{
    if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
        QSKIP("unshare(1) is not installed");
    {
        // Inside a chroot or a container without user namespaces there is no private mount namespace.
        QProcess probe;
        probe.start(QStringLiteral("unshare"), {QStringLiteral("-rm"), QStringLiteral("true")});
        QVERIFY(probe.waitForFinished(60000));
        if (probe.exitCode() != 0)
            QSKIP(qPrintable(QStringLiteral("no private mount namespace here: %1")
                                 .arg(QString::fromUtf8(probe.readAllStandardError()).trimmed())));
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.db"));
    QVERIFY(loadDump(QStringLiteral(RUNLENS_TEST_DATA "/runlens-v1.sql"), path));
    const QString mount = dir.filePath(QStringLiteral("full"));
    QVERIFY(QDir().mkpath(mount));
    // Room for the file, its -wal and -shm, not for a second copy of it.
    const qint64 size = QFileInfo(path).size() + 65536; // the -wal and -shm fit; the copy does not
    const QString script =
        QStringLiteral("mount -t tmpfs -o size=%1 tmpfs '%2' || exit 99; cp '%3' '%2/old.db' || exit 98; "
                       "'%4' --db '%2/old.db' experiments; echo \"exit=$?\"; ls -a '%2'; "
                       "sqlite_version=$(dd if='%2/old.db' bs=1 skip=60 count=4 2>/dev/null | od -An -tu1); "
                       "echo \"uv=$sqlite_version\"")
            .arg(size)
            .arg(mount, path, QStringLiteral(RUNLENS_BINARY));
    QProcess p;
    p.start(QStringLiteral("unshare"),
            {QStringLiteral("-rm"), QStringLiteral("sh"), QStringLiteral("-c"), script});
    QVERIFY(p.waitForFinished(60000));
    if (p.exitCode() == 99)
        QSKIP("no private mount namespace with tmpfs here");
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(out.contains(QLatin1String("exit=1")), qPrintable(out + err));
    QVERIFY2(err.contains(QLatin1String("old.db")) && err.contains(QLatin1String("backup")), qPrintable(err));
    QVERIFY2(!out.contains(QLatin1String(".bak")), qPrintable(out));
    // user_version is the big-endian number at byte 60 of the header: still 1.
    QVERIFY2(out.contains(QLatin1String("uv=   0   0   0   1")), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestMigration)
#include "tst_migration.moc"
