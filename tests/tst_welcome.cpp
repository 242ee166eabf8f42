// SPDX-License-Identifier: GPL-3.0-or-later
// The first run, driven as a person would, offscreen: an empty database opens on the welcome page (and one
// with runs does not); Open Demo Data fills it in the background with progress and ends on the runs, and
// Cancel or closing the window leaves nothing of the demo; a run logged by another process takes the window
// to the runs; recent databases open with a click; Help lists the real shortcuts, shows the README's tour and
// names the version and the database; files given on the command line open, import or are explained.

#include "demo/demodata.h"
#include "demo/demojob.h"
#include "import/importcontroller.h"
#include "import/importdialog.h"
#include "import/launchfiles.h"
#include "itemmodels/runtablemodel.h"
#include "pages/runspage.h"
#include "pages/welcomepage.h"
#include "screenshots.h"
#include "shell/appsettings.h"
#include "shell/mainwindow.h"
#include "shell/shortcutsdialog.h"
#include "shell/tourdialog.h"
#include "store/store.h"
#include "testsupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace runlens;

namespace {

// The pictures Markdown text references by a relative path (what the built-in resources must carry).
QStringList imagePaths(const QString &markdown)
{
    static const QRegularExpression image(QStringLiteral(R"(!\[[^\]]*\]\(([^)\s]+)[^)]*\))"));
    QStringList paths;
    for (auto it = image.globalMatch(markdown); it.hasNext();) {
        const QString path = it.next().captured(1);
        if (!path.contains(QLatin1String("://")) && !paths.contains(path))
            paths << path;
    }
    return paths;
}

// The longest gap between ticks of a 1 ms timer on the GUI thread while it runs: how long the window could
// not answer a person.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 gap = m_sinceTick.restart();
            if (gap > m_longest) {
                m_longest = gap;
                m_longestAt = m_sinceStart.elapsed();
            }
        });
        m_sinceTick.start();
        m_sinceStart.start();
        m_timer.start();
    }
    qint64 longestMs() const { return m_longest; }
    qint64 longestEndedAtMs() const { return m_longestAt; } // since the meter started

private:
    QTimer m_timer;
    QElapsedTimer m_sinceTick, m_sinceStart;
    qint64 m_longest = 0, m_longestAt = 0;
};

// Everything a demo writes is in these two experiments; any run at all counts, trashed ones too.
struct Contents
{
    QStringList experiments;
    qint64 runs = 0;
    QStringList metricKeys;
    QString integrity;
};

// PRAGMA integrity_check through a connection of the test's own (SQLite's, as another program's would be).
QString integrityOf(const QString &path)
{
    static int counter = 0;
    const QString name = QStringLiteral("integrity-%1").arg(++counter);
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next())
                result = q.value(0).toString();
            q.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

Contents contentsOf(const QString &path)
{
    Contents c;
    {
        Store store(path, Store::Mode::ReadOnly);
        for (const Experiment &e : store.runs().experiments(true))
            c.experiments << e.name;
        RunQuery all;
        all.includeDeleted = true;
        c.runs = store.runs().countRuns(all);
        c.metricKeys = store.runs().allMetricKeys();
    }
    c.integrity = integrityOf(path);
    return c;
}

QAbstractButton *button(QWidget *root, const char *name)
{
    return root->findChild<QAbstractButton *>(QString::fromLatin1(name));
}

} // namespace

class TestWelcome : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void showsForAnEmptyDatabaseOnly();
    void readOnlyOffersNothingThatWrites();
    void demoFillsInTheBackgroundAndShowsTheRuns();
    void cancelLeavesNothingOfTheDemo();
    void closingTheWindowLeavesNothingOfTheDemo();
    void runLoggedElsewhereShowsTheRuns();
    void recentDatabasesOpenWithAClick();
    void logExampleIsCopyable();
    void filesDroppedOnThePageImport();
    void shortcutsSheetListsTheRealShortcuts();
    void aboutNamesVersionAndDatabase();
    void tourShowsTheReadme_data();
    void tourShowsTheReadme();
    void filesAreSorted();
    void filesGivenToTheWindow();
    void filesGivenToTheBinary();

private:
    QString freshPath(const QString &name) const { return m_dir.filePath(name); }
    QString demoDatabase(const QString &name) const;
    QProcess *runlens(const QStringList &args, const QProcessEnvironment &env = {});

    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_children;
};

void TestWelcome::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(RUNLENS_BINARY)).isExecutable(), "RUNLENS_BINARY " RUNLENS_BINARY);
    QCoreApplication::setApplicationVersion(QStringLiteral(RUNLENS_VERSION));
}

QString TestWelcome::demoDatabase(const QString &name) const
{
    const QString path = freshPath(name);
    Store store(path);
    generateDemoData(store, DemoOptions{4, 50});
    return path;
}

QProcess *TestWelcome::runlens(const QStringList &args, const QProcessEnvironment &env)
{
    m_children.push_back(std::make_unique<QProcess>());
    QProcess *p = m_children.back().get();
    p->setProcessEnvironment(env.isEmpty() ? QProcessEnvironment::systemEnvironment() : env);
    p->start(QStringLiteral(RUNLENS_BINARY), args);
    return p;
}

void TestWelcome::showsForAnEmptyDatabaseOnly()
{
    {
        MainWindow window(freshPath(QStringLiteral("empty.db")));
        window.resize(1400, 880);
        window.show();
        QTRY_VERIFY(!window.isLoading());
        QVERIFY(window.isShowingWelcome());
        QVERIFY(!window.findChild<QWidget *>(QStringLiteral("leftPane"))->isVisible());
        WelcomePage *page = window.welcomePage();
        QVERIFY(page->isVisible());
        QVERIFY(button(page, "welcomeImport")->isVisible());
        QVERIFY(button(page, "welcomeDemo")->isVisible());
        QVERIFY(button(page, "welcomeOpen")->isVisible());
        QVERIFY(page->findChild<QLabel *>(QStringLiteral("dropHint"))->isVisible());
        QVERIFY(page->findChild<QLabel *>(QStringLiteral("welcomeSubtitle"))
                    ->text()
                    .contains(QStringLiteral("empty.db")));
        QVERIFY(test::keepScreenshot(&window, QStringLiteral("welcome")));
    }
    {
        MainWindow window(demoDatabase(QStringLiteral("runs.db")));
        window.show();
        QTRY_VERIFY(!window.isLoading());
        QVERIFY(!window.isShowingWelcome());
        QTRY_VERIFY(window.runsPage()->model()->totalCount() > 0);
        QVERIFY(window.findChild<QWidget *>(QStringLiteral("leftPane"))->isVisible());
    }
    // Runs in the trash are runs: the window opens on them (the trash is where they can be restored).
    const QString trashed = demoDatabase(QStringLiteral("trashed.db"));
    {
        Store store(trashed);
        RunQuery all;
        store.runs().setRunsLifecycle(store.runs().searchRunIds(all), Lifecycle::Deleted);
        QCOMPARE(store.runs().countRuns(all), qint64(0));
    }
    MainWindow window(trashed);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(!window.isShowingWelcome());
}

void TestWelcome::readOnlyOffersNothingThatWrites()
{
    WelcomePage page;
    page.setDatabase(freshPath(QStringLiteral("somewhere.db")), true);
    page.resize(1000, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(!button(&page, "welcomeImport")->isVisible());
    QVERIFY(!button(&page, "welcomeDemo")->isVisible());
    QVERIFY(button(&page, "welcomeOpen")->isVisible());
    QVERIFY(!page.findChild<QLabel *>(QStringLiteral("dropHint"))->isVisible());
    QVERIFY(!page.findChild<QPlainTextEdit *>(QStringLiteral("logExample"))->isVisible());
    QVERIFY(page.findChild<QLabel *>(QStringLiteral("welcomeSubtitle"))
                ->text()
                .contains(QStringLiteral("read-only")));
    page.startDemo(); // not offered, and refused if asked
    QVERIFY(!page.demoJob());
}

void TestWelcome::demoFillsInTheBackgroundAndShowsTheRuns()
{
    const QString db = freshPath(QStringLiteral("demo-button.db"));
    MainWindow window(db);
    window.resize(1400, 880);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(window.isShowingWelcome());
    WelcomePage *page = window.welcomePage();
    auto *progress = page->findChild<QProgressBar *>(QStringLiteral("demoProgress"));

    int progressSeen = 0;
    QSignalSpy finished(page, &WelcomePage::demoFinished);
    QVERIFY(finished.isValid());
    StallMeter stalls;
    QElapsedTimer took;
    took.start();
    QTest::mouseClick(button(page, "welcomeDemo"), Qt::LeftButton);
    QVERIFY(page->demoJob());
    connect(page->demoJob(), &DemoJob::progress, this, [&](int done, int total) {
        QCOMPARE(total, 49); // `runlens demo`'s 48 runs and the sweep's parent
        progressSeen = std::max(progressSeen, done);
    });
    QVERIFY(progress->isVisible());
    QVERIFY(!button(page, "welcomeDemo")->isVisible());
    // A real event loop while waiting (QTRY's polling sleeps between its looks, which would count as stalls).
    QVERIFY(finished.wait(120000));
    const qint64 longest = stalls.longestMs();
    QVERIFY(!page->demoJob());
    qInfo("demo data written in %lld ms; longest GUI-thread stall meanwhile %lld ms, ending %lld ms in",
          took.elapsed(), longest, stalls.longestEndedAtMs());
    QVERIFY2(longest < 50, qPrintable(QStringLiteral("GUI thread stalled %1 ms").arg(longest)));
    QVERIFY(progressSeen > 0);
    // The window ends on the runs, by itself.
    QTRY_VERIFY(!window.isShowingWelcome());
    QTRY_VERIFY(window.runsPage()->model()->totalCount() > 0);
    QVERIFY(window.findChild<QWidget *>(QStringLiteral("leftPane"))->isVisible());
    const Contents c = contentsOf(db);
    QCOMPARE(c.runs, qint64(49));
    QVERIFY(c.experiments.contains(QStringLiteral("image-classification")));
    QCOMPARE(c.integrity, QStringLiteral("ok"));
}

// "Nothing half-written" for the demo: the database afterwards holds exactly what it held before, plus what
// other writers wrote meanwhile: none of the demo's experiments, runs or metric series, and a sound file.
void TestWelcome::cancelLeavesNothingOfTheDemo()
{
    const QString db = freshPath(QStringLiteral("demo-cancel.db"));
    MainWindow window(db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    const Contents before = contentsOf(db);
    WelcomePage *page = window.welcomePage();
    page->setDemoOptions(DemoOptions{48, 100000}); // long enough to be cancelled midway
    StallMeter stalls;
    QTest::mouseClick(button(page, "welcomeDemo"), Qt::LeftButton);
    QVERIFY(page->demoJob());
    QSignalSpy progressed(page->demoJob(), &DemoJob::progress);
    auto *progress = page->findChild<QProgressBar *>(QStringLiteral("demoProgress"));
    while (progress->value() < 3)
        QVERIFY(progressed.wait(60000));
    QVERIFY(progress->value() < progress->maximum());
    QVERIFY(test::keepScreenshot(&window, QStringLiteral("welcome-demo-progress")));
    // The window answers all along while the demo writes.
    qInfo("longest GUI-thread stall while the demo wrote %d runs: %lld ms", progress->value(),
          stalls.longestMs());
    QVERIFY2(stalls.longestMs() < 50,
             qPrintable(QStringLiteral("GUI thread stalled %1 ms").arg(stalls.longestMs())));

    // Another process logs meanwhile: it waits for the demo's transaction and is not lost with it.
    QProcess *logger =
        runlens({QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--experiment"),
                 QStringLiteral("elsewhere"), QStringLiteral("--name"), QStringLiteral("kept"),
                 QStringLiteral("--metric"), QStringLiteral("loss=0.5")});
    QVERIFY(logger->waitForStarted(10000));
    QTest::mouseClick(button(page, "demoCancel"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page->demoJob(), 60000);
    auto *message = page->findChild<QLabel *>(QStringLiteral("welcomeMessage"));
    QVERIFY(message->text().contains(QStringLiteral("cancelled")));
    QVERIFY(test::keepScreenshot(&window, QStringLiteral("welcome-demo-cancelled")));
    QTRY_VERIFY_WITH_TIMEOUT(logger->state() == QProcess::NotRunning, 60000);
    QCOMPARE(logger->exitCode(), 0);

    const Contents after = contentsOf(db);
    QCOMPARE(after.experiments, before.experiments + QStringList{QStringLiteral("elsewhere")});
    QCOMPARE(after.runs, qint64(1));
    QCOMPARE(after.metricKeys, QStringList{QStringLiteral("loss")});
    QCOMPARE(after.integrity, QStringLiteral("ok"));
    // The logged run takes the window to the runs.
    QTRY_VERIFY_WITH_TIMEOUT(!window.isShowingWelcome(), 10000);
}

void TestWelcome::closingTheWindowLeavesNothingOfTheDemo()
{
    const QString db = freshPath(QStringLiteral("demo-close.db"));
    Contents before;
    {
        MainWindow window(db);
        window.show();
        QTRY_VERIFY(!window.isLoading());
        before = contentsOf(db);
        WelcomePage *page = window.welcomePage();
        page->setDemoOptions(DemoOptions{48, 100000});
        QTest::mouseClick(button(page, "welcomeDemo"), Qt::LeftButton);
        auto *progress = page->findChild<QProgressBar *>(QStringLiteral("demoProgress"));
        QTRY_VERIFY_WITH_TIMEOUT(progress->value() >= 2, 60000);
        window.close();
    } // the window goes with the demo job in the middle of its transaction
    const Contents after = contentsOf(db);
    QCOMPARE(after.experiments, before.experiments);
    QCOMPARE(after.runs, qint64(0));
    QVERIFY(after.metricKeys.isEmpty());
    QCOMPARE(after.integrity, QStringLiteral("ok"));
}

void TestWelcome::runLoggedElsewhereShowsTheRuns()
{
    const QString db = freshPath(QStringLiteral("first-run.db"));
    MainWindow window(db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(window.isShowingWelcome());
    QProcess *logger =
        runlens({QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--experiment"),
                 QStringLiteral("mnist"), QStringLiteral("--name"), QStringLiteral("first-try"),
                 QStringLiteral("--metric"), QStringLiteral("loss=0.42")});
    QTRY_VERIFY_WITH_TIMEOUT(logger->state() == QProcess::NotRunning, 60000);
    QCOMPARE(logger->exitCode(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isShowingWelcome(), 10000);
    QTRY_COMPARE(window.runsPage()->model()->totalCount(), qint64(1));
    QCOMPARE(window.runsPage()->model()->index(0, RunTableModel::NameColumn).data().toString(),
             QStringLiteral("first-try"));
}

void TestWelcome::recentDatabasesOpenWithAClick()
{
    const QString withRuns = demoDatabase(QStringLiteral("recent-runs.db"));
    const QString gone = freshPath(QStringLiteral("gone.db"));
    appsettings::open().setValue(QStringLiteral("recentDatabases"), QStringList{withRuns, gone});
    const QString empty = freshPath(QStringLiteral("recent-empty.db"));
    MainWindow window(empty);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(window.isShowingWelcome());
    // The empty database itself is remembered now, and a missing file is not offered.
    QCOMPARE(MainWindow::recentDatabases().value(0), QFileInfo(empty).absoluteFilePath());
    const QList<QToolButton *> recent =
        window.welcomePage()->findChildren<QToolButton *>(QStringLiteral("recentDatabase"));
    QCOMPARE(recent.size(), 1);
    QCOMPARE(recent[0]->text(), QStringLiteral("recent-runs.db"));
    QCOMPARE(recent[0]->toolTip(), QDir::toNativeSeparators(withRuns));
    QVERIFY(recent[0]->isVisible());
    QTest::mouseClick(recent[0], Qt::LeftButton);
    QCOMPARE(window.databasePath(), withRuns);
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(!window.isShowingWelcome());
    QTRY_VERIFY(window.runsPage()->model()->totalCount() > 0);
}

void TestWelcome::logExampleIsCopyable()
{
    const QString db = freshPath(QStringLiteral("log example.db"));
    MainWindow window(db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    WelcomePage *page = window.welcomePage();
    auto *example = page->findChild<QPlainTextEdit *>(QStringLiteral("logExample"));
    QVERIFY(example->isVisible());
    QVERIFY(example->isReadOnly());
    // Not the default database: the example names it (quoted, for the space), so that runs land here.
    const QStringList lines = example->toPlainText().split(QLatin1Char('\n'));
    QCOMPARE(lines.value(0), QStringLiteral("export RUNLENS_DB='%1'").arg(QDir::toNativeSeparators(db)));
    QCOMPARE(lines.value(1),
             QStringLiteral("runlens log --experiment mnist --name first-try --param lr=0.001"));
    QTest::mouseClick(button(page, "copyLogExample"), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), example->toPlainText());

    // The example's first two lines, run as written by a shell, log into this database.
    QProcess shell;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    shell.setProcessEnvironment(env);
    shell.start(QStringLiteral("/bin/sh"),
                {QStringLiteral("-c"),
                 lines.value(0) + QLatin1Char('\n') +
                     QString(lines.value(1))
                         .replace(QStringLiteral("runlens "), QStringLiteral(RUNLENS_BINARY " "))});
    QVERIFY(shell.waitForFinished(60000));
    QVERIFY2(shell.exitCode() == 0, shell.readAllStandardError().constData());
    QTRY_VERIFY_WITH_TIMEOUT(!window.isShowingWelcome(), 10000);
}

// Dropped anywhere on the page, the log example included, files import: the drop goes through the window
// system's dispatch (QWidgetWindow finds the widget under the pointer and walks up to one that takes drops).
void TestWelcome::filesDroppedOnThePageImport()
{
    const QString csv = freshPath(QStringLiteral("dropped/metrics.csv"));
    QVERIFY(test::writeFile(csv, QByteArray("step,loss\n0,1.0\n1,0.5\n2,0.25\n")));
    MainWindow window(freshPath(QStringLiteral("drop.db")));
    window.resize(1400, 880);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(window.isShowingWelcome());
    auto *example = window.welcomePage()->findChild<QPlainTextEdit *>(QStringLiteral("logExample"));
    const QPoint at = example->mapTo(&window, example->rect().center());
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(csv)});
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.windowHandle(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.windowHandle(), &move);
    QVERIFY(move.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.windowHandle(), &drop);
    QVERIFY(drop.isAccepted());
    QTRY_VERIFY_WITH_TIMEOUT(!window.isImporting(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isShowingWelcome(), 10000);
    QCOMPARE(contentsOf(window.databasePath()).metricKeys, QStringList{QStringLiteral("loss")});
}

void TestWelcome::shortcutsSheetListsTheRealShortcuts()
{
    MainWindow window(demoDatabase(QStringLiteral("shortcuts.db")));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(!window.isLoading());
    QAction *sheetAction = nullptr;
    for (QAction *a : window.menuBar()->findChildren<QAction *>()) {
        if (ShortcutsDialog::plainText(a) == QLatin1String("Keyboard Shortcuts"))
            sheetAction = a;
    }
    QVERIFY(sheetAction);
    QCOMPARE(sheetAction->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Question));
    QApplication::setActiveWindow(&window);
    QTest::keyClick(&window, Qt::Key_Question, Qt::ControlModifier);
    QTRY_VERIFY(window.findChild<ShortcutsDialog *>());
    auto *dialog = window.findChild<ShortcutsDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    QTreeWidget *list = dialog->list();
    QHash<QString, QStringList> listed; // "Group/Action" → keys
    for (int g = 0; g < list->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = list->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            listed[group->text(0) + u'/' + group->child(i)->text(0)] << group->child(i)->text(1);
    }
    const auto native = [](const QKeySequence &k) { return k.toString(QKeySequence::NativeText); };
    QCOMPARE(listed.value(QStringLiteral("File/Import")),
             QStringList{native(QKeySequence(Qt::CTRL | Qt::Key_I))});
    QCOMPARE(listed.value(QStringLiteral("Help/Keyboard Shortcuts")),
             QStringList{native(sheetAction->shortcut())});
    QCOMPARE(listed.value(QStringLiteral("Runs Table/Star")),
             QStringList{native(QKeySequence(Qt::CTRL | Qt::Key_D))});
    QCOMPARE(listed.value(QStringLiteral("Experiments/Rename")).value(0), native(QKeySequence(Qt::Key_F2)));
    QVERIFY(listed.contains(QStringLiteral("Compare/Back")));
    // Every entry outside the hand-written "Tables and Pages" group is an action of the window with those
    // keys.
    QHash<QString, QStringList> real;
    for (QAction *a : window.findChildren<QAction *>()) {
        if (a->shortcuts().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &k : a->shortcuts())
            keys << native(k);
        real[ShortcutsDialog::plainText(a)] << keys.join(QStringLiteral(" or "));
    }
    for (auto it = listed.cbegin(); it != listed.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("Tables and Pages/")))
            continue;
        const QString action = it.key().section(u'/', 1);
        for (const QString &keys : it.value())
            QVERIFY2(real.value(action).contains(keys), qPrintable(it.key() + QStringLiteral(": ") + keys));
    }
    QVERIFY(test::keepScreenshot(dialog, QStringLiteral("shortcuts")));
}

void TestWelcome::aboutNamesVersionAndDatabase()
{
    const QString db = freshPath(QStringLiteral("about.db"));
    MainWindow window(db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QAction *about = nullptr;
    for (QAction *a : window.menuBar()->findChildren<QAction *>()) {
        if (ShortcutsDialog::plainText(a) == QLatin1String("About Runlens"))
            about = a;
    }
    QVERIFY(about);
    QString text;
    QTimer::singleShot(0, this, [&] {
        QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        text = box->text();
        QVERIFY(test::keepScreenshot(box, QStringLiteral("about")));
        box->accept();
    });
    about->trigger(); // modal until the box is accepted above
    QVERIFY2(text.contains(QStringLiteral(RUNLENS_VERSION)), qPrintable(text));
    QVERIFY2(text.contains(QFileInfo(db).absoluteFilePath()), qPrintable(text));
}

void TestWelcome::tourShowsTheReadme_data()
{
    QTest::addColumn<QString>("markdown");
    QTest::addColumn<QString>("heading");
    QTest::addColumn<QString>("expected");
    QTest::newRow("middle") << "# T\n\nintro\n## A\na\n## Tour\nt1\n\nt2\n## B\nb\n"
                            << "Tour"
                            << "## Tour\nt1\n\nt2";
    QTest::newRow("last") << "## A\na\n## Tour\nt\n"
                          << "Tour"
                          << "## Tour\nt";
    QTest::newRow("missing") << "## A\na\n"
                             << "Tour"
                             << "";
    QTest::newRow("subsections stay") << "## Tour\nt\n### Runs\nr\n## B\n"
                                      << "Tour"
                                      << "## Tour\nt\n### Runs\nr";
    QTest::newRow("heading in a code block") << "## Tour\n```sh\n## not a heading\n```\n## B\n"
                                             << "Tour"
                                             << "## Tour\n```sh\n## not a heading\n```";
    QTest::newRow("prefix is not the heading") << "## Tours\nx\n## Tour\ny\n"
                                               << "Tour"
                                               << "## Tour\ny";
}

void TestWelcome::tourShowsTheReadme()
{
    QFETCH(QString, markdown);
    QFETCH(QString, heading);
    QFETCH(QString, expected);
    QCOMPARE(TourDialog::section(markdown, heading), expected);
    if (QByteArray(QTest::currentDataTag()) != "middle")
        return;

    // The README is built in, as it is in the repository.
    const QString readme = TourDialog::readme();
    QCOMPARE(readme, QString::fromUtf8(test::readFile(QStringLiteral(RUNLENS_SOURCE_DIR "/README.md"))));
    const QString install = TourDialog::section(readme, QStringLiteral("Get started"));
    QVERIFY(install.startsWith(QLatin1String("## Get started")));
    QVERIFY(install.contains(QLatin1String("packaging/install-debian-deps.sh")));
    QVERIFY(!install.contains(QLatin1String("## Tour")));

    // Help › Tour renders it with every picture it shows.
    MainWindow window(freshPath(QStringLiteral("tour.db")));
    window.show();
    QTRY_VERIFY(!window.isLoading());
    auto *tour = qobject_cast<TourDialog *>(window.showTour());
    QVERIFY(tour);
    QVERIFY(QTest::qWaitForWindowExposed(tour));
    const QString shown = TourDialog::tourMarkdown();
    QVERIFY(shown.startsWith(QLatin1String("## Tour")));
    QVERIFY(!shown.contains(QLatin1String("## Command line")));
    QVERIFY(tour->browser()->toPlainText().contains(QStringLiteral("opens on a welcome page")));
    const QStringList images = imagePaths(shown);
    QVERIFY(!images.isEmpty());
    for (const QString &path : images) {
        const QImage picture =
            tour->browser()->document()->resource(QTextDocument::ImageResource, QUrl(path)).value<QImage>();
        QVERIFY2(!picture.isNull(),
                 qPrintable(path + QStringLiteral(" is not built in (resources/CMakeLists.txt)")));
    }
    QVERIFY(test::keepScreenshot(tour, QStringLiteral("tour")));
}

void TestWelcome::filesAreSorted()
{
    const QString database = demoDatabase(QStringLiteral("sorted.db"));
    const QString mlflow = freshPath(QStringLiteral("sorted/mlflow.db"));
    QVERIFY(QDir().mkpath(QFileInfo(mlflow).absolutePath()));
    QVERIFY(QFile::copy(QStringLiteral(RUNLENS_FIXTURES "/mlflow-sqlite/mlflow.db"), mlflow));
    const QString junk = freshPath(QStringLiteral("notes.bin"));
    QVERIFY(test::writeFile(junk, QByteArray("\x01\x02 not anything Runlens reads\n")));
    const QString emptyFile = freshPath(QStringLiteral("empty.db"));
    QVERIFY(test::writeFile(emptyFile, {}));
    const QString missing = freshPath(QStringLiteral("missing.db"));

    QVERIFY(launch::isRunlensDatabase(database));
    QVERIFY(!launch::isRunlensDatabase(mlflow)); // SQLite, but another application's
    QVERIFY(!launch::isRunlensDatabase(junk));
    QVERIFY(!launch::isRunlensDatabase(emptyFile));
    QVERIFY(!launch::isRunlensDatabase(missing));
    const launch::Classified c = launch::classify({junk, mlflow, missing, database, emptyFile});
    QCOMPARE(c.databases, QStringList{database});
    QCOMPARE(c.importable, QStringList{mlflow});
    QCOMPARE(c.problems.size(), 3);
    QVERIFY(c.problems[0].startsWith(junk) &&
            c.problems[0].contains(QLatin1String("neither a Runlens database")));
    QCOMPARE(c.problems[1], QStringLiteral("%1 does not exist.").arg(missing));
    QVERIFY(c.problems[2].startsWith(emptyFile));
}

void TestWelcome::filesGivenToTheWindow()
{
    const QString mlflow = freshPath(QStringLiteral("given/mlflow.db"));
    QVERIFY(QDir().mkpath(QFileInfo(mlflow).absolutePath()));
    QVERIFY(QFile::copy(QStringLiteral(RUNLENS_FIXTURES "/mlflow-sqlite/mlflow.db"), mlflow));
    const QString junk = freshPath(QStringLiteral("given/junk.txt"));
    QVERIFY(test::writeFile(junk, QByteArray("hello\n")));
    const QString other = demoDatabase(QStringLiteral("given-other.db"));

    MainWindow window(freshPath(QStringLiteral("given.db")));
    window.show();
    window.openFiles({mlflow, junk, other});
    QVERIFY(window.isLoading()); // until the files are sorted out
    QTRY_VERIFY(!window.isLoading());
    // The source to import waits in the Import dialog for a confirmation; nothing was imported yet.
    ImportDialog *dialog = window.importController()->importDialog();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->paths(), QStringList{mlflow});
    QTRY_COMPARE(dialog->detectedFormat(mlflow), std::optional(import::Format::MlflowDatabase));
    QVERIFY(!window.isImporting());
    // The others are named in the window, with the reason.
    auto *banner = window.findChild<QLabel *>(QStringLiteral("problemBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(junk + QStringLiteral(" is neither a Runlens database")),
             qPrintable(banner->text()));
    QVERIFY2(banner->text().contains(other + QStringLiteral(" is a Runlens database too")),
             qPrintable(banner->text()));
    // Confirmed, it imports into the open database, and the window shows the runs.
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("importButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isImporting(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isShowingWelcome(), 10000);
    QVERIFY(contentsOf(window.databasePath()).runs > 0);
}

void TestWelcome::filesGivenToTheBinary()
{
    const QString database = demoDatabase(QStringLiteral("binary.db"));
    const QString home = freshPath(QStringLiteral("binary-home"));
    QVERIFY(QDir().mkpath(home));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString defaultDb = home + QStringLiteral("/default.db");
    env.insert(QStringLiteral("RUNLENS_DB"), defaultDb);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const QString junk = freshPath(QStringLiteral("binary-junk.txt"));
    QVERIFY(test::writeFile(junk, QByteArray("hello\n")));

    // A Runlens database given as the file is the one opened: the default one is not even created.
    const QString shot = freshPath(QStringLiteral("binary.png"));
    QProcess *p = runlens({database, QStringLiteral("--screenshot"), shot}, env);
    QVERIFY(p->waitForFinished(60000));
    QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
    QVERIFY(p->readAllStandardOutput().startsWith("ready in "));
    QVERIFY(!QImage(shot).isNull());
    QVERIFY(!QFileInfo::exists(defaultDb));

    // A file that is neither opens the default database, with the reason in the window, not a usage error.
    const QString shot2 = freshPath(QStringLiteral("binary-junk.png"));
    p = runlens({junk, QStringLiteral("--screenshot"), shot2}, env);
    QVERIFY(p->waitForFinished(60000));
    QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
    QVERIFY(!QImage(shot2).isNull());
    QVERIFY(QFileInfo::exists(defaultDb));

    // A word that names no file is still a mistyped command.
    p = runlens({QStringLiteral("experimnts")}, env);
    QVERIFY(p->waitForFinished(60000));
    QCOMPARE(p->exitCode(), 2);
    QVERIFY(p->readAllStandardError().contains("unknown command 'experimnts'"));
}

QTEST_MAIN(TestWelcome)
#include "tst_welcome.moc"
