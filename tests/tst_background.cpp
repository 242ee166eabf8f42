// SPDX-License-Identifier: GPL-3.0-or-later
// The shared plumbing of issue 15: background::run (work on the pool, progress, cancel, the result on the
// GUI thread), writeFileAtomically (exports whole or not at all, never over an open database), StoreActions
// (a write on the StoreWorker answered by a signal) and the pages' MessageBar.

#include "actions/storeactions.h"
#include "core/atomicfile.h"
#include "core/background.h"
#include "core/error.h"
#include "store/store.h"
#include "store/storeworker.h"
#include "widgets/messagebar.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>

using namespace runlens;

namespace {

// A typed action object as pages use them: one write, one success signal.
class ExperimentActions : public StoreActions
{
    Q_OBJECT
public:
    using StoreActions::StoreActions;
    void create(const QString &name)
    {
        write(
            tr("create the experiment"), [name](Store &store) { store.runs().createExperiment(name); },
            [this, name] { Q_EMIT created(name); });
    }
Q_SIGNALS:
    void created(const QString &name);
};

} // namespace

class TestBackground : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resultArrivesOnTheContextsThread()
    {
        QObject context;
        std::optional<int> result;
        QThread *workThread = nullptr;
        QThread *doneThread = nullptr;
        background::run(
            &context,
            [&workThread] {
                workThread = QThread::currentThread();
                return 6 * 7;
            },
            [&](int value) {
                doneThread = QThread::currentThread();
                result = value;
            });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(*result, 42);
        QCOMPARE(doneThread, QThread::currentThread());
        QVERIFY(workThread != QThread::currentThread());
    }

    void progressIsCoalescedAndEndsOnTheLatestFigures()
    {
        QObject context;
        std::vector<std::pair<qint64, qint64>> heard;
        std::optional<std::pair<qint64, qint64>> lastBeforeDone;
        bool done = false;
        constexpr qint64 total = 200000;
        background::run(
            &context,
            [](background::Task &task) {
                for (qint64 i = 1; i <= total; ++i)
                    task.setProgress(i, total);
                return true;
            },
            [&](bool) {
                lastBeforeDone = heard.empty() ? std::nullopt : std::optional(heard.back());
                done = true;
            },
            {.progress = [&](qint64 d, qint64 t) { heard.emplace_back(d, t); }});
        QTRY_VERIFY(done);
        QVERIFY(!heard.empty());
        // Far fewer updates than reports: one per event-loop turn, never a queue of 200,000 events.
        QVERIFY2(qint64(heard.size()) < total / 10, qPrintable(QString::number(heard.size())));
        QVERIFY(lastBeforeDone.has_value());
        QCOMPARE(lastBeforeDone->first, total);
        QCOMPARE(lastBeforeDone->second, total);
        for (size_t i = 1; i < heard.size(); ++i)
            QVERIFY(heard[i].first >= heard[i - 1].first);
    }

    void cancelStopsTheWorkAndCallsCancelledInsteadOfDone()
    {
        QObject context;
        auto sawCancel = std::make_shared<std::atomic<bool>>(false);
        auto started = std::make_shared<std::atomic<bool>>(false);
        bool done = false, cancelled = false;
        background::Job job = background::run(
            &context,
            [sawCancel, started](background::Task &task) {
                *started = true;
                QDeadlineTimer deadline(20000);
                while (!task.isCancelled() && !deadline.hasExpired())
                    QThread::msleep(1);
                *sawCancel = task.isCancelled();
                return 1;
            },
            [&](int) { done = true; }, {.cancelled = [&] { cancelled = true; }});
        QTRY_VERIFY(started->load());
        QVERIFY(job.isRunning());
        job.cancel();
        QTRY_VERIFY(cancelled);
        QTRY_VERIFY(sawCancel->load());
        QVERIFY(!done);
        QTRY_VERIFY(!job.isRunning());
    }

    void aGoneContextHearsNothingAndTheWorkIsToldToStop()
    {
        auto context = std::make_unique<QObject>();
        auto sawCancel = std::make_shared<std::atomic<bool>>(false);
        auto finished = std::make_shared<std::atomic<bool>>(false);
        auto started = std::make_shared<std::atomic<bool>>(false);
        bool called = false;
        background::run(
            context.get(),
            [sawCancel, finished, started](background::Task &task) {
                *started = true;
                QDeadlineTimer deadline(20000);
                while (!task.isCancelled() && !deadline.hasExpired()) {
                    task.setProgress(1, 2);
                    QThread::msleep(1);
                }
                *sawCancel = task.isCancelled();
                *finished = true;
                return QString(QStringLiteral("late"));
            },
            [&](const QString &) { called = true; },
            {.progress = [&](qint64, qint64) { called = true; }, .cancelled = [&] { called = true; }});
        QTRY_VERIFY(started->load());
        called = false; // progress may have been heard while the context lived
        context.reset();
        QTRY_VERIFY(finished->load());
        QVERIFY(sawCancel->load());
        QTest::qWait(50); // anything still queued would arrive now
        QVERIFY(!called);
    }

    void whatTheWorkThrowsReachesFailed()
    {
        QObject context;
        bool done = false, cancelled = false;
        QString failure;
        background::run(
            &context, []() -> int { throw Error(QStringLiteral("the artifact folder is gone")); },
            [&](int) { done = true; },
            {.cancelled = [&] { cancelled = true; }, .failed = [&](const QString &m) { failure = m; }});
        QTRY_COMPARE(failure, QStringLiteral("the artifact folder is gone"));
        QVERIFY(!done);
        QVERIFY(!cancelled);

        // Without a failed handler the caller still hears an answer: cancelled.
        bool answered = false;
        QTest::ignoreMessage(QtWarningMsg, "background work failed: no such thing");
        background::run(
            &context, []() -> int { throw std::runtime_error("no such thing"); }, [&](int) {},
            {.cancelled = [&] { answered = true; }});
        QTRY_VERIFY(answered);
    }

    // A job queued behind busy threads still runs when its context goes first: an export asked for just
    // before its window closed writes its file.
    void aQueuedJobRunsAfterItsContextIsGone()
    {
        QThreadPool *pool = QThreadPool::globalInstance();
        const int threads = pool->maxThreadCount();
        auto release = std::make_shared<std::atomic<bool>>(false);
        auto busy = std::make_shared<std::atomic<int>>(0);
        QObject blockers;
        for (int i = 0; i < threads; ++i)
            background::run(
                &blockers,
                [release, busy] {
                    ++*busy;
                    QDeadlineTimer deadline(20000);
                    while (!*release && !deadline.hasExpired())
                        QThread::msleep(1);
                    return true;
                },
                [](bool) {});
        QTRY_COMPARE(busy->load(), threads);
        auto ran = std::make_shared<std::atomic<bool>>(false);
        auto saw = std::make_shared<std::atomic<bool>>(false);
        {
            QObject context;
            background::run(
                &context,
                [ran, saw](background::Task &task) {
                    *saw = task.isCancelled();
                    *ran = true;
                    return true;
                },
                [](bool) {});
        } // gone while the job waits in the queue
        *release = true;
        QTRY_VERIFY(ran->load());
        QVERIFY(saw->load()); // told that nobody waits for the answer
    }

    void atomicWriteReplacesWholeOrNotAtAll()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("export.csv"));
        QCOMPARE(writeFileAtomically(path, "first\n"), QString());
        QCOMPARE(readAll(path), QByteArray("first\n"));
        QCOMPARE(writeFileAtomically(path, "second, longer\n"), QString());
        QCOMPARE(readAll(path), QByteArray("second, longer\n"));

        QCOMPARE(writeFileAtomically(QString(), "x"), QStringLiteral("no file name was given"));
        QCOMPARE(writeFileAtomically(dir.path(), "x"), QStringLiteral("it is a folder"));
        const QString missing = dir.filePath(QStringLiteral("no/such/folder/export.csv"));
        QVERIFY(!writeFileAtomically(missing, "x").isEmpty());
        QVERIFY(!QFileInfo::exists(missing));
        // No temporary left beside the target.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("export.csv")});
    }

    void atomicWriteRefusesAnOpenDatabase()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("runs.db"));
        Store store(db);
        store.runs().createExperiment(QStringLiteral("kept"));
        for (const QString &target : {db, db + QStringLiteral("-wal"), db + QStringLiteral("-shm")}) {
            const QString error = writeFileAtomically(target, "not a database");
            QVERIFY2(error.contains(QStringLiteral("open")),
                     qPrintable(target + QStringLiteral(": ") + error));
        }
        QVERIFY(store.runs().experimentByName(QStringLiteral("kept")).has_value());
        Store second(db, Store::Mode::ReadOnly);
        QVERIFY(second.runs().experimentByName(QStringLiteral("kept")).has_value());
    }

    void storeActionsAnswerBySignal()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("runs.db"));
        StoreWorker worker(db);
        ExperimentActions actions(&worker);
        QSignalSpy created(&actions, &ExperimentActions::created);
        QSignalSpy failed(&actions, &StoreActions::failed);
        QSignalSpy idle(&actions, &StoreActions::idle);

        actions.create(QStringLiteral("baseline"));
        QVERIFY(actions.hasPendingWrites());
        QTRY_COMPARE(created.count(), 1);
        QCOMPARE(created.at(0).at(0).toString(), QStringLiteral("baseline"));
        QTRY_COMPARE(idle.count(), 1);
        QVERIFY(!actions.hasPendingWrites());
        QCOMPARE(failed.count(), 0);

        // The same name again: the store refuses (Conflict), nothing changes, failed() names what and why.
        actions.create(QStringLiteral("baseline"));
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("create the experiment"));
        QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("baseline")),
                 qPrintable(failed.at(0).at(1).toString()));
        QCOMPARE(created.count(), 1);
        QTRY_COMPARE(idle.count(), 2);

        Store check(db, Store::Mode::ReadOnly);
        const auto all = check.runs().experiments();
        QCOMPARE(std::count_if(all.begin(), all.end(),
                               [](const Experiment &e) { return e.name == QStringLiteral("baseline"); }),
                 1);
    }

    void aWriteOutlivesItsActionsObject()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("runs.db"));
        {
            StoreWorker worker(db);
            auto *actions = new ExperimentActions(&worker);
            actions->create(QStringLiteral("kept after close"));
            delete actions; // the page closes at once; the worker still makes the write
        }
        Store check(db, Store::Mode::ReadOnly);
        QVERIFY(check.runs().experimentByName(QStringLiteral("kept after close")).has_value());
    }

    void messageBarShowsFailuresAsPlainText()
    {
        QWidget page;
        auto *bar = new MessageBar(&page);
        page.show();
        QVERIFY(bar->isHidden());
        QSignalSpy status(bar, &MessageBar::statusMessage);

        QTemporaryDir dir;
        StoreWorker worker(dir.filePath(QStringLiteral("runs.db")));
        ExperimentActions actions(&worker);
        bar->follow(&actions);
        actions.create(QStringLiteral("<b>bold</b>"));
        actions.create(QStringLiteral("<b>bold</b>"));
        QTRY_VERIFY(bar->isVisible());
        QCOMPARE(bar->textFormat(), Qt::PlainText);
        QVERIFY(bar->text().startsWith(QStringLiteral("Could not create the experiment: ")));
        QVERIFY(bar->text().contains(QStringLiteral("<b>bold</b>")));
        QCOMPARE(status.count(), 1);
        QCOMPARE(status.at(0).at(0).toString(), bar->text());

        const QString huge(200000, u'x');
        bar->showMessage(huge);
        QVERIFY(bar->text().size() < 10000); // cut: a label laying out 200,000 characters stalls the window
        QCOMPARE(status.last().at(0).toString(), huge);
    }

private:
    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
};

QTEST_MAIN(TestBackground)
#include "tst_background.moc"
