// SPDX-License-Identifier: GPL-3.0-or-later
// RunActions, the typed writes of the run side: each change reaches a real database and comes back as its
// own signal; a change the store refuses comes back as failed(what, why) (and runFailed or artifactFailed
// for one run) and leaves the database as it was.

#include "actions/runactions.h"
#include "core/error.h"
#include "itemmodels/runcolors.h"
#include "store/store.h"
#include "store/storeworker.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace runlens;

class TestRunActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void renameWritesTheNameAndTheRunNameTag();
    void notesAndStarAreStored();
    void severalRunsAreStarredColouredTrashedAndRestored();
    void artifactsAreDeletedAndRestored();
    void aRefusedChangeSaysWhatAndWhyAndChangesNothing();
    void aRefusedChangeOfSeveralRunsChangesNone();
    void aRefusedArtifactChangeNamesThePath();

private:
    // The run as stored, read apart from the worker. (The store opens no database with a trigger it did
    // not make: the test's trigger is set aside while it reads.)
    Run run(const QString &id)
    {
        if (m_refusing)
            [&] { QCOMPARE(test::execSql(m_db, {QStringLiteral("DROP TRIGGER refuse")}), QString()); }();
        std::optional<Run> r;
        {
            Store check(m_db, Store::Mode::ReadOnly);
            r = check.runs().run(id);
        }
        if (m_refusing)
            [&] { QCOMPARE(test::execSql(m_db, {RefuseSql}), QString()); }();
        return r ? *r : Run();
    }
    // Every UPDATE of the runs table is refused from now on, as when another program changed the open
    // database under the window. (The store refuses to open a database with a trigger it did not make: the
    // worker opens it first.)
    void refuseRunUpdates()
    {
        bool opened = false;
        m_worker->run<bool>(
            this, [](Store &store) { return store.isReadOnly(); },
            [&opened](bool readOnly) { opened = !readOnly; });
        QTRY_VERIFY(opened);
        QCOMPARE(test::execSql(m_db, {RefuseSql}), QString());
        m_refusing = true;
    }
    static inline const QString RefuseSql = QStringLiteral(
        "CREATE TRIGGER refuse BEFORE UPDATE ON runs BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");

    bool m_refusing = false;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    QStringList m_runs;
    std::unique_ptr<StoreWorker> m_worker;
    std::unique_ptr<RunActions> m_actions;
};

void TestRunActions::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = m_dir->filePath(QStringLiteral("runs.db"));
    m_runs.clear();
    m_refusing = false;
    {
        Store store(m_db);
        NewRun init;
        init.experimentId = store.runs().ensureExperiment(QStringLiteral("e"));
        for (int i = 0; i < 3; ++i) {
            init.name = QStringLiteral("run %1").arg(i);
            m_runs << store.runs().createRun(init).id;
        }
        store.runs().setTag(m_runs[0], QString::fromLatin1(mlflowtag::RunName), QStringLiteral("run 0"));
        const QString sha(64, QLatin1Char('a'));
        for (const char *path : {"model/a.bin", "model/b.bin", "notes.txt"})
            store.artifacts().addArtifact(m_runs[0], {QString::fromLatin1(path), 1, sha,
                                                      QStringLiteral("text/plain"), 1, Lifecycle::Active});
    }
    m_worker = std::make_unique<StoreWorker>(m_db);
    m_actions = std::make_unique<RunActions>(m_worker.get());
}

void TestRunActions::cleanup()
{
    m_actions.reset();
    m_worker.reset();
    m_dir.reset();
}

void TestRunActions::renameWritesTheNameAndTheRunNameTag()
{
    QSignalSpy renamed(m_actions.get(), &RunActions::renamed);
    QSignalSpy failed(m_actions.get(), &StoreActions::failed);
    QVERIFY(renamed.isValid());
    m_actions->rename(m_runs[0], QStringLiteral("baseline"));
    QVERIFY(m_actions->hasPendingWrites());
    QTRY_COMPARE(renamed.count(), 1);
    QCOMPARE(renamed.at(0).at(0).toString(), m_runs[0]);
    QCOMPARE(renamed.at(0).at(1).toString(), QStringLiteral("baseline"));
    QVERIFY(!m_actions->hasPendingWrites());
    QCOMPARE(failed.count(), 0);
    const Run r = run(m_runs[0]);
    QCOMPARE(r.name, QStringLiteral("baseline"));
    QCOMPARE(r.tags.value(QString::fromLatin1(mlflowtag::RunName)), QStringLiteral("baseline"));
    QCOMPARE(run(m_runs[1]).name, QStringLiteral("run 1"));
}

void TestRunActions::notesAndStarAreStored()
{
    QSignalSpy saved(m_actions.get(), &RunActions::descriptionSaved);
    QSignalSpy starred(m_actions.get(), &RunActions::starredChanged);
    QSignalSpy idle(m_actions.get(), &StoreActions::idle);
    m_actions->setDescription(m_runs[1], QStringLiteral("# Notes\nlearning rate too high"));
    m_actions->setStarred(m_runs[1], true);
    QTRY_COMPARE(idle.count(), 1); // one idle once both are answered
    QCOMPARE(saved.count(), 1);
    QCOMPARE(saved.at(0).at(0).toString(), m_runs[1]);
    QCOMPARE(saved.at(0).at(1).toString(), QStringLiteral("# Notes\nlearning rate too high"));
    QCOMPARE(starred.count(), 1);
    QCOMPARE(starred.at(0).at(1).toBool(), true);
    Run r = run(m_runs[1]);
    QCOMPARE(r.description, QStringLiteral("# Notes\nlearning rate too high"));
    QCOMPARE(r.tags.value(QString::fromLatin1(mlflowtag::Note)), r.description); // kept in step
    QVERIFY(r.starred);

    m_actions->setStarred(m_runs[1], false);
    QTRY_COMPARE(starred.count(), 2);
    QCOMPARE(starred.at(1).at(1).toBool(), false);
    QVERIFY(!run(m_runs[1]).starred);
}

void TestRunActions::severalRunsAreStarredColouredTrashedAndRestored()
{
    const QStringList two{m_runs[0], m_runs[2]};
    QSignalSpy starred(m_actions.get(), &RunActions::runsStarredChanged);
    QSignalSpy coloured(m_actions.get(), &RunActions::runsColorChanged);
    QSignalSpy deleted(m_actions.get(), &RunActions::runsDeletedChanged);

    m_actions->setRunsStarred(two, true);
    QTRY_COMPARE(starred.count(), 1);
    QCOMPARE(starred.at(0).at(0).toStringList(), two);
    QVERIFY(run(m_runs[0]).starred && !run(m_runs[1]).starred && run(m_runs[2]).starred);

    m_actions->setRunsColor(two, QColor(0x12, 0x34, 0x56));
    QTRY_COMPARE(coloured.count(), 1);
    QCOMPARE(run(m_runs[2]).tags.value(QString::fromLatin1(RunColorTag)), QStringLiteral("#123456"));
    m_actions->setRunsColor(two, QColor());
    QTRY_COMPARE(coloured.count(), 2);
    QVERIFY(!run(m_runs[2]).tags.contains(QString::fromLatin1(RunColorTag)));

    m_actions->setRunsDeleted(two, true);
    QTRY_COMPARE(deleted.count(), 1);
    QCOMPARE(deleted.at(0).at(1).toBool(), true);
    QCOMPARE(run(m_runs[0]).lifecycle, Lifecycle::Deleted);
    QCOMPARE(run(m_runs[1]).lifecycle, Lifecycle::Active);
    m_actions->setRunsDeleted({m_runs[0]}, false);
    QTRY_COMPARE(deleted.count(), 2);
    QCOMPARE(run(m_runs[0]).lifecycle, Lifecycle::Active);
    QCOMPARE(run(m_runs[2]).lifecycle, Lifecycle::Deleted);
}

void TestRunActions::artifactsAreDeletedAndRestored()
{
    QSignalSpy deleted(m_actions.get(), &RunActions::artifactDeleted);
    QSignalSpy restored(m_actions.get(), &RunActions::artifactRestored);
    m_actions->deleteArtifact(m_runs[0], QStringLiteral("model"));
    QTRY_COMPARE(deleted.count(), 1);
    QCOMPARE(deleted.at(0).at(0).toString(), m_runs[0]);
    QCOMPARE(deleted.at(0).at(1).toString(), QStringLiteral("model"));
    QCOMPARE(deleted.at(0).at(2).toInt(), 2); // the folder's two files
    {
        Store check(m_db, Store::Mode::ReadOnly);
        QCOMPARE(check.artifacts().artifacts(m_runs[0]).size(), size_t(1));
    }
    m_actions->restoreArtifact(m_runs[0], QStringLiteral("model"));
    QTRY_COMPARE(restored.count(), 1);
    QCOMPARE(restored.at(0).at(2).toInt(), 2);
    Store check(m_db, Store::Mode::ReadOnly);
    QCOMPARE(check.artifacts().artifacts(m_runs[0]).size(), size_t(3));
}

void TestRunActions::aRefusedChangeSaysWhatAndWhyAndChangesNothing()
{
    refuseRunUpdates();
    QSignalSpy renamed(m_actions.get(), &RunActions::renamed);
    QSignalSpy runFailed(m_actions.get(), &RunActions::runFailed);
    QSignalSpy failed(m_actions.get(), &StoreActions::failed);
    QSignalSpy idle(m_actions.get(), &StoreActions::idle);

    m_actions->rename(m_runs[0], QStringLiteral("never stored"));
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("rename the run"));
    QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("refused by the test")),
             qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(runFailed.count(), 1);
    QCOMPARE(runFailed.at(0).at(0).toString(), m_runs[0]);
    QCOMPARE(runFailed.at(0).at(1).value<RunActions::Change>(), RunActions::Change::Rename);
    QCOMPARE(runFailed.at(0).at(2).toString(), QStringLiteral("rename the run"));
    QCOMPARE(renamed.count(), 0);
    QTRY_COMPARE(idle.count(), 1);
    QVERIFY(!m_actions->hasPendingWrites());
    // The transaction was rolled back: the name and the tag renamed with it are as they were.
    Run r = run(m_runs[0]);
    QCOMPARE(r.name, QStringLiteral("run 0"));
    QCOMPARE(r.tags.value(QString::fromLatin1(mlflowtag::RunName)), QStringLiteral("run 0"));

    m_actions->setStarred(m_runs[0], true);
    m_actions->setDescription(m_runs[0], QStringLiteral("lost"));
    QTRY_COMPARE(failed.count(), 3);
    QCOMPARE(failed.at(1).at(0).toString(), QStringLiteral("star the run"));
    QCOMPARE(runFailed.at(1).at(1).value<RunActions::Change>(), RunActions::Change::Star);
    QCOMPARE(failed.at(2).at(0).toString(), QStringLiteral("save the notes"));
    QCOMPARE(runFailed.at(2).at(1).value<RunActions::Change>(), RunActions::Change::Description);
    r = run(m_runs[0]);
    QVERIFY(!r.starred);
    QCOMPARE(r.description, QString());

    // A run that is not in the database: refused too, with the store's word for it.
    const QString missing(32, QLatin1Char('f'));
    m_actions->setStarred(missing, true);
    QTRY_COMPARE(failed.count(), 4);
    QCOMPARE(failed.at(3).at(0).toString(), QStringLiteral("star the run"));
    QCOMPARE(runFailed.at(3).at(0).toString(), missing);
}

void TestRunActions::aRefusedChangeOfSeveralRunsChangesNone()
{
    refuseRunUpdates();
    QSignalSpy starred(m_actions.get(), &RunActions::runsStarredChanged);
    QSignalSpy deleted(m_actions.get(), &RunActions::runsDeletedChanged);
    QSignalSpy runFailed(m_actions.get(), &RunActions::runFailed);
    QSignalSpy failed(m_actions.get(), &StoreActions::failed);
    m_actions->setRunsStarred(m_runs, true);
    m_actions->setRunsDeleted(m_runs, true);
    QTRY_COMPARE(failed.count(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(failed.at(i).at(0).toString(), QStringLiteral("change the runs")); // the runs page's words
        QVERIFY(failed.at(i).at(1).toString().contains(QStringLiteral("refused by the test")));
    }
    QCOMPARE(starred.count(), 0);
    QCOMPARE(deleted.count(), 0);
    QCOMPARE(runFailed.count(), 0); // not one run's change
    for (const QString &id : std::as_const(m_runs)) {
        const Run r = run(id);
        QVERIFY(!r.starred);
        QCOMPARE(r.lifecycle, Lifecycle::Active);
    }
}

void TestRunActions::aRefusedArtifactChangeNamesThePath()
{
    QSignalSpy deleted(m_actions.get(), &RunActions::artifactDeleted);
    QSignalSpy artifactFailed(m_actions.get(), &RunActions::artifactFailed);
    QSignalSpy failed(m_actions.get(), &StoreActions::failed);
    m_actions->deleteArtifact(m_runs[0], QStringLiteral("nothing/here"));
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("delete nothing/here"));
    QVERIFY(!failed.at(0).at(1).toString().isEmpty());
    QCOMPARE(artifactFailed.count(), 1);
    QCOMPARE(artifactFailed.at(0).at(0).toString(), m_runs[0]);
    QCOMPARE(artifactFailed.at(0).at(1).toString(), QStringLiteral("nothing/here"));
    m_actions->restoreArtifact(m_runs[0], QStringLiteral("notes.txt")); // not deleted: nothing to restore
    QTRY_COMPARE(failed.count(), 2);
    QCOMPARE(failed.at(1).at(0).toString(), QStringLiteral("restore notes.txt"));
    QCOMPARE(deleted.count(), 0);
    Store check(m_db, Store::Mode::ReadOnly);
    QCOMPARE(check.artifacts().artifacts(m_runs[0]).size(), size_t(3));
    QCOMPARE(check.artifacts().artifacts(m_runs[0], true).size(), size_t(3));
}

QTEST_GUILESS_MAIN(TestRunActions)
#include "tst_runactions.moc"
