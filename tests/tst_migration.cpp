// SPDX-License-Identifier: GPL-3.0-or-later
// Schema migrations: a database written by schema version 1 (tests/data/runlens-v1.sql, made by
// make_v1_fixture.py) is upgraded in a transaction after a backup copy is kept; a failing migration leaves
// the file as it was.

#include "schema.h"
#include "store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
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
    const auto run = store.run(QStringLiteral("00000000000000000000000000000001"));
    QVERIFY(run);
    QCOMPARE(run->name, QStringLiteral("old-run"));
    QCOMPARE(run->status, RunStatus::Finished);
    QCOMPARE(run->params.value(QStringLiteral("lr")), QStringLiteral("0.01"));
    const std::vector<MetricPoint> h = store.metricHistory(run->id, QStringLiteral("loss"));
    QCOMPARE(h.size(), size_t(100));
    QCOMPARE(h[1].step, qint64(3));
    QCOMPARE(h[1].timestamp, qint64(1600000001001));
    QCOMPARE(h[1].value, 0.5);
    QVERIFY(std::isnan(h[50].value));
    QCOMPARE(h[99].step, qint64(297));
    const SeriesOverview ov = store.readOverview(run->id, QStringLiteral("loss"), 0, 297, 10);
    QCOMPARE(ov.pointsInRange, qint64(100));

    // The new tables work, and the old data can grow.
    store.logMetric(run->id, QStringLiteral("loss"), {300, 1600000400000, 0.001});
    QCOMPARE(store.metricSummary(run->id, QStringLiteral("loss"))->count, qint64(101));

    // The backup is the old file's content: opening it migrates a copy of the same data.
    QVERIFY(hashOf(store.backupPath()) != QByteArray());
    QVERIFY(original != hashOf(path));
}

void TestMigration::failedMigrationChangesNothing()
{
    // A table in the way of migration 2 makes it fail half-way: the transaction leaves version 1 intact.
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

QTEST_GUILESS_MAIN(TestMigration)
#include "tst_migration.moc"
