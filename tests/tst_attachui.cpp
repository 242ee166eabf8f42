// SPDX-License-Identifier: GPL-3.0-or-later
// Attaching from the window, driven as the window system would, offscreen: files dragged over a row of the
// runs table highlight that row and a drop attaches them to its run, while the table's empty space still
// imports; the run page takes drops anywhere (its notes editor too) for its run; a run's column header in the
// compare view takes them for that run; the status bar shows progress with a Cancel that leaves nothing; a
// failure is reported; File › Attach follows the current run.

#include "artifacts/artifactstore.h"
#include "import/attachcontroller.h"
#include "import/dropoverlay.h"
#include "import/importcontroller.h"
#include "import/importprogresswidget.h"
#include "itemmodels/artifacttreemodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/runpage.h"
#include "pages/runspage.h"
#include "screenshots.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/rundiffview.h"
#include "widgets/runnoteswidget.h"

#include <QAction>
#include <QApplication>
#include <QDirIterator>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;
using test::writeFile;

namespace {

std::unique_ptr<QMimeData> urls(const QStringList &paths)
{
    auto mime = std::make_unique<QMimeData>();
    QList<QUrl> list;
    for (const QString &p : paths)
        list << QUrl::fromLocalFile(p);
    mime->setUrls(list);
    return mime;
}

// The widget the window system gives a drag at `pos` of `top` to: the deepest widget there that accepts
// drops (as QWidgetWindow routes them), and the point in its coordinates.
std::pair<QWidget *, QPoint> dropTarget(QWidget *top, const QPoint &pos)
{
    QWidget *w = top->childAt(pos);
    if (!w)
        w = top;
    while (w && !w->acceptDrops())
        w = w->parentWidget();
    if (!w)
        return {nullptr, {}};
    return {w, w->mapFrom(top, pos)};
}

// Drags `mime` onto `pos` of `top` (enter, then a move): whether the target accepted it.
bool dragTo(QWidget *top, const QPoint &pos, const QMimeData *mime)
{
    const auto [target, at] = dropTarget(top, pos);
    if (!target)
        return false;
    QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &move);
    return move.isAccepted();
}

bool dropAt(QWidget *top, const QPoint &pos, const QMimeData *mime)
{
    const auto [target, at] = dropTarget(top, pos);
    if (!target)
        return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

void leave(QWidget *top, const QPoint &pos)
{
    const auto [target, at] = dropTarget(top, pos);
    QDragLeaveEvent event;
    QApplication::sendEvent(target ? target : top, &event);
}

QStringList artifactPaths(const QString &db, const QString &runId)
{
    Store store(db);
    QStringList paths;
    for (const Artifact &a : store.artifacts().artifacts(runId))
        paths << a.path;
    return paths;
}

} // namespace

class TestAttachUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void dropOnRowAttaches();
    void dropBesideRowsImports();
    void dropOnRunPageAttaches();
    void dropOnCompareHeaderAttaches();
    void cancelFromStatusBarLeavesNothing();
    void failureIsReported();
    void attachActionsFollowCurrentRun();

private:
    QTemporaryDir m_dir;
    QString m_db;
    QStringList m_runIds; // oldest first: "alpha", "beta", "gamma"
    std::unique_ptr<MainWindow> m_window;

    void openWindow();
    // The centre of the table row showing `runId`, in window coordinates.
    QPoint rowCentre(const QString &runId) const;
};

void TestAttachUi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

void TestAttachUi::init()
{
    m_window.reset();
    test::forgetSettings();
    static int n = 0;
    m_db = m_dir.filePath(QStringLiteral("attach%1.db").arg(++n));
    Store store(m_db);
    const ExperimentId e = store.runs().ensureExperiment(QStringLiteral("vision"));
    m_runIds.clear();
    qint64 start = 1'700'000'000'000;
    for (const char *name : {"alpha", "beta", "gamma"}) {
        NewRun r;
        r.experimentId = e;
        r.name = QString::fromLatin1(name);
        r.startMs = start += 1000;
        r.status = RunStatus::Finished;
        m_runIds << store.runs().createRun(r).id;
    }
}

void TestAttachUi::cleanup()
{
    m_window.reset();
}

void TestAttachUi::openWindow()
{
    m_window = std::make_unique<MainWindow>(m_db);
    m_window->resize(1200, 800);
    m_window->show();
    QTRY_VERIFY(!m_window->isLoading());
    QTRY_COMPARE(m_window->runsPage()->model()->rowCount(), 3);
}

QPoint TestAttachUi::rowCentre(const QString &runId) const
{
    QTableView *table = m_window->runsPage()->table();
    RunTableModel *model = m_window->runsPage()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->runAt(row).id == runId) {
            const QRect rect = table->visualRect(model->index(row, model->columnOf(QStringLiteral("name"))));
            return table->viewport()->mapTo(m_window.get(), rect.center());
        }
    }
    return {};
}

void TestAttachUi::dropOnRowAttaches()
{
    openWindow();
    const QString beta = m_runIds.at(1);
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("drop1/confusion.png")), "png bytes"));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("drop1/eval/report.json")), "{\"acc\": 0.9}"));
    const auto mime = urls({m_dir.filePath(QStringLiteral("drop1/confusion.png")),
                            m_dir.filePath(QStringLiteral("drop1/eval"))});
    AttachController *attach = m_window->attachController();
    QSignalSpy attached(attach, &AttachController::attached);
    QVERIFY(attached.isValid());

    const QPoint at = rowCentre(beta);
    QVERIFY(!at.isNull());
    QVERIFY(dragTo(m_window.get(), at, mime.get()));
    // The row under the cursor is highlighted and the status bar says what a drop does.
    DropOverlay *highlight = attach->highlight();
    QVERIFY(highlight->isVisible());
    QVERIFY(highlight->geometry().contains(at));
    QCOMPARE(highlight->geometry().height(), m_window->runsPage()->table()->rowHeight(0));
    QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Drop to attach 2 items to beta"));
    QVERIFY(!m_window->importController()->dropOverlay()->isVisible());
    test::keepScreenshot(m_window.get(), QStringLiteral("attach-drag-row"));
    // Moving to another row moves the highlight.
    const QPoint gammaAt = rowCentre(m_runIds.at(2));
    QVERIFY(dragTo(m_window.get(), gammaAt, mime.get()));
    QVERIFY(highlight->geometry().contains(gammaAt));
    QVERIFY(!highlight->geometry().contains(at));
    QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Drop to attach 2 items to gamma"));

    QVERIFY(dragTo(m_window.get(), at, mime.get()));
    QVERIFY(dropAt(m_window.get(), at, mime.get()));
    QVERIFY(!highlight->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(attached.size(), 1, 30000);
    QCOMPARE(attached.first().first().toString(), beta);
    QCOMPARE(artifactPaths(m_db, beta),
             (QStringList{QStringLiteral("confusion.png"), QStringLiteral("eval/report.json")}));
    QVERIFY(artifactPaths(m_db, m_runIds.at(2)).isEmpty());
    QTRY_VERIFY(!attach->isAttaching());
    QVERIFY(!attach->progressWidget()->isVisible());
    QVERIFY2(attach->lastMessage().contains(QLatin1String("Attached 2 files")),
             qPrintable(attach->lastMessage()));
    QVERIFY(!m_window->importController()->isImporting());
}

void TestAttachUi::dropBesideRowsImports()
{
    openWindow();
    const QString csv = m_dir.filePath(QStringLiteral("logs/metrics.csv"));
    QVERIFY(writeFile(csv, "step,loss\n0,1.0\n1,0.5\n"));
    const auto mime = urls({csv});
    QTableView *table = m_window->runsPage()->table();
    // Below the last row: the table's empty space.
    const QPoint empty =
        table->viewport()->mapTo(m_window.get(), QPoint(40, table->viewport()->height() - 10));
    QVERIFY(!table->indexAt(table->viewport()->mapFrom(m_window.get(), empty)).isValid());
    QVERIFY(dragTo(m_window.get(), empty, mime.get()));
    QVERIFY(!m_window->attachController()->highlight()->isVisible());
    QVERIFY(m_window->importController()->dropOverlay()->isVisible());
    QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Drop to import 1 item"));
    // Over a row and back: attach, then import again.
    QVERIFY(dragTo(m_window.get(), rowCentre(m_runIds.at(0)), mime.get()));
    QVERIFY(m_window->attachController()->highlight()->isVisible());
    QVERIFY(!m_window->importController()->dropOverlay()->isVisible());
    QVERIFY(dragTo(m_window.get(), empty, mime.get()));
    QVERIFY(m_window->importController()->dropOverlay()->isVisible());
    QSignalSpy imported(m_window->importController(), &ImportController::imported);
    QVERIFY(dropAt(m_window.get(), empty, mime.get()));
    QVERIFY(!m_window->importController()->dropOverlay()->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 1, 30000);
    Store store(m_db);
    QCOMPARE(store.runs().countRuns(RunQuery{}), qint64(4));
    for (const QString &id : m_runIds)
        QVERIFY(store.artifacts().artifacts(id).empty());
    // A drag that leaves restores the status bar.
    QVERIFY(dragTo(m_window.get(), rowCentre(m_runIds.at(0)), mime.get()));
    leave(m_window.get(), rowCentre(m_runIds.at(0)));
    QVERIFY(!m_window->attachController()->highlight()->isVisible());
}

void TestAttachUi::dropOnRunPageAttaches()
{
    openWindow();
    const QString alpha = m_runIds.at(0);
    m_window->showRun(alpha);
    QTRY_VERIFY(!m_window->isLoading());
    RunPage *page = m_window->runPage();
    QTRY_VERIFY(page->currentRun().has_value());
    QVERIFY(page->acceptDrops());
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("page/notes.txt")), "notes"));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("page/curve.csv")), "a,b\n1,2\n"));
    const auto first = urls({m_dir.filePath(QStringLiteral("page/notes.txt"))});
    QSignalSpy attached(m_window->attachController(), &AttachController::attached);

    // Anywhere on the page: here its centre.
    const QPoint centre = page->mapTo(m_window.get(), page->rect().center());
    QVERIFY(dragTo(m_window.get(), centre, first.get()));
    QVERIFY(m_window->attachController()->highlight()->isVisible());
    QCOMPARE(m_window->attachController()->highlight()->geometry(),
             QRect(page->mapTo(m_window.get(), QPoint()), page->size()));
    test::keepScreenshot(m_window.get(), QStringLiteral("attach-drag-runpage"));
    QVERIFY(dropAt(m_window.get(), centre, first.get()));
    QTRY_COMPARE_WITH_TIMEOUT(attached.size(), 1, 30000);
    QCOMPARE(artifactPaths(m_db, alpha), QStringList{QStringLiteral("notes.txt")});
    // The page shows the new artifact without being asked.
    QTRY_COMPARE(page->artifactsModel()->activeFileCount(), 1);

    // The notes editor takes text drops itself, but files dropped on it attach as well.
    QPlainTextEdit *editor = page->notes()->editor();
    page->tabs()->setCurrentWidget(page->notes());
    page->notes()->edit();
    QTRY_VERIFY(editor->isVisible());
    QVERIFY(editor->viewport()->acceptDrops() || editor->acceptDrops());
    const auto second = urls({m_dir.filePath(QStringLiteral("page/curve.csv"))});
    const QPoint onEditor = editor->viewport()->mapTo(m_window.get(), editor->viewport()->rect().center());
    QVERIFY(dragTo(m_window.get(), onEditor, second.get()));
    QVERIFY(dropAt(m_window.get(), onEditor, second.get()));
    QTRY_COMPARE_WITH_TIMEOUT(attached.size(), 2, 30000);
    QCOMPARE(artifactPaths(m_db, alpha),
             (QStringList{QStringLiteral("curve.csv"), QStringLiteral("notes.txt")}));
    QVERIFY(!editor->toPlainText().contains(QLatin1String("curve.csv")));
    QTRY_COMPARE(page->artifactsModel()->activeFileCount(), 2);
    page->notes()->cancel();
}

void TestAttachUi::dropOnCompareHeaderAttaches()
{
    openWindow();
    m_window->showCompare(m_runIds);
    QTRY_VERIFY(!m_window->isLoading());
    // The Parameters tab, where the runs head the columns.
    m_window->comparePage()->tabs()->setCurrentWidget(m_window->comparePage()->diffView());
    QHeaderView *header = m_window->comparePage()->diffView()->table()->horizontalHeader();
    QTRY_VERIFY(header->isVisible());
    QTRY_VERIFY(header->count() >= 3);
    // The column of gamma.
    int section = -1;
    for (int s = 0; s < header->count(); ++s) {
        if (header->model()->headerData(s, Qt::Horizontal, RunIdRole).toString() == m_runIds.at(2))
            section = s;
    }
    QVERIFY(section >= 0);
    QVERIFY(!header->isSectionHidden(section));
    const QPoint at = header->viewport()->mapTo(
        m_window.get(), QPoint(header->sectionViewportPosition(section) + header->sectionSize(section) / 2,
                               header->viewport()->height() / 2));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("cmp/summary.md")), "# gamma"));
    const auto mime = urls({m_dir.filePath(QStringLiteral("cmp/summary.md"))});
    QVERIFY(dragTo(m_window.get(), at, mime.get()));
    QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Drop to attach 1 item to gamma"));
    QVERIFY(m_window->attachController()->highlight()->geometry().contains(at));
    test::keepScreenshot(m_window.get(), QStringLiteral("attach-drag-compare"));
    QSignalSpy attached(m_window->attachController(), &AttachController::attached);
    QVERIFY(dropAt(m_window.get(), at, mime.get()));
    QTRY_COMPARE_WITH_TIMEOUT(attached.size(), 1, 30000);
    QCOMPARE(artifactPaths(m_db, m_runIds.at(2)), QStringList{QStringLiteral("summary.md")});
    QVERIFY(artifactPaths(m_db, m_runIds.at(0)).isEmpty());
}

void TestAttachUi::cancelFromStatusBarLeavesNothing()
{
    openWindow();
    const QString big = m_dir.filePath(QStringLiteral("big/huge.bin"));
    QVERIFY(QDir().mkpath(QFileInfo(big).absolutePath()));
    {
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(512) << 20)); // sparse: half a gigabyte to read, no disk space
    }
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("big/small.txt")), "small"));
    AttachController *attach = m_window->attachController();
    QSignalSpy idle(attach, &AttachController::idle);
    QSignalSpy attached(attach, &AttachController::attached);
    attach->attach(m_runIds.at(0), {m_dir.filePath(QStringLiteral("big"))}, QStringLiteral("alpha"));
    ImportProgressWidget *progress = attach->progressWidget();
    QVERIFY(progress->isVisible());
    QCOMPARE(m_window->findChild<QPushButton *>(QStringLiteral("cancelAttach")), progress->cancelButton());
    QVERIFY(m_window->findChild<QPushButton *>(QStringLiteral("cancelImport")) != progress->cancelButton());
    QVERIFY(progress->text().contains(QLatin1String("alpha")));
    // Progress arrives while the big file is copied.
    QTRY_VERIFY_WITH_TIMEOUT(progress->bar()->maximum() > 0 && progress->bar()->value() > 0, 30000);
    test::keepScreenshot(m_window.get(), QStringLiteral("attach-progress"));
    QVERIFY2(progress->text().contains(QLatin1String("huge.bin")), qPrintable(progress->text()));
    QTest::mouseClick(progress->cancelButton(), Qt::LeftButton);
    QCOMPARE(progress->text(), QStringLiteral("Cancelling attach…"));
    QTRY_COMPARE_WITH_TIMEOUT(idle.size(), 1, 60000);
    QVERIFY(attached.isEmpty());
    QVERIFY(!progress->isVisible());
    QVERIFY2(attach->lastMessage().contains(QLatin1String("cancelled")), qPrintable(attach->lastMessage()));
    QVERIFY(artifactPaths(m_db, m_runIds.at(0)).isEmpty());
    QDirIterator it(ArtifactStore(m_db).root(), QDir::Files, QDirIterator::Subdirectories);
    QVERIFY2(!it.hasNext(), qPrintable(it.hasNext() ? it.next() : QString()));
}

void TestAttachUi::failureIsReported()
{
    openWindow();
    AttachController *attach = m_window->attachController();
    QSignalSpy idle(attach, &AttachController::idle);
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("ok.txt")), "ok"));
    attach->attach(m_runIds.at(1),
                   {m_dir.filePath(QStringLiteral("ok.txt")), m_dir.filePath(QStringLiteral("gone.txt"))},
                   QStringLiteral("beta"));
    QTRY_COMPARE_WITH_TIMEOUT(idle.size(), 1, 30000);
    QMessageBox *box = attach->reportBox();
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY2(box->text().contains(QLatin1String("gone.txt")) &&
                 box->text().contains(QLatin1String("does not exist")),
             qPrintable(box->text()));
    QVERIFY(artifactPaths(m_db, m_runIds.at(1)).isEmpty());
    box->close();
}

void TestAttachUi::attachActionsFollowCurrentRun()
{
    openWindow();
    QAction *files = m_window->attachFilesAction();
    QAction *folder = m_window->attachFolderAction();
    QTableView *table = m_window->runsPage()->table();
    table->clearSelection();
    QTRY_VERIFY(!files->isEnabled());
    QVERIFY(!folder->isEnabled());
    QVERIFY(m_window->currentRunId().isEmpty());
    table->selectRow(0);
    QTRY_VERIFY(files->isEnabled());
    QVERIFY(folder->isEnabled());
    QString label;
    QCOMPARE(m_window->currentRunId(&label), m_window->runsPage()->model()->runAt(0).id);
    QCOMPARE(label, m_window->runsPage()->model()->runAt(0).name);
    // Two runs selected: which one is meant is not clear.
    table->selectionModel()->select(m_window->runsPage()->model()->index(1, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QTRY_VERIFY(!files->isEnabled());
    // The run page: its run.
    m_window->showRun(m_runIds.at(1));
    QTRY_VERIFY(!m_window->isLoading());
    QTRY_VERIFY(files->isEnabled());
    QCOMPARE(m_window->currentRunId(&label), m_runIds.at(1));
    QCOMPARE(label, QStringLiteral("beta"));
    // The File menu as a person opens it.
    QMenu *menu = qobject_cast<QMenu *>(files->parent());
    QVERIFY(menu);
    QVERIFY(menu->actions().contains(folder));
    menu->popup(m_window->mapToGlobal(QPoint(0, 0)));
    QTRY_VERIFY(menu->isVisible());
    test::keepScreenshot(menu, QStringLiteral("attach-file-menu"));
    menu->close();
}

QTEST_MAIN(TestAttachUi)
#include "tst_attachui.moc"
