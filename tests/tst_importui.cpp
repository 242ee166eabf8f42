// SPDX-License-Identifier: GPL-3.0-or-later
// Importing from the window, driven as a person would, offscreen: real fixtures dropped on the main window
// appear in the experiments list and the runs table with the ground truth's counts, the report shows the
// same numbers, unrecognised files are named, Cancel in the status bar leaves only whole runs, a second drop
// waits its turn, and File › Import… is filled in and clicked through.

#include "import/dropoverlay.h"
#include "import/importcontroller.h"
#include "import/importdialog.h"
#include "import/importprogresswidget.h"
#include "import/importreportdialog.h"
#include "itemmodels/roles.h"
#include "itemmodels/runtablemodel.h"
#include "pages/runspage.h"
#include "screenshots.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/experimentsidebar.h"

#include <functional>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace runlens;
using import::Format;
using runlens::test::copyTree;
using Count = ImportReportDialog::Count;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);
const QString LightningCsv = QStringLiteral("/public/driemann-ml-aos/lightning_logs/version_1/metrics.csv");
constexpr int ImportTimeoutMs = 180000;

QJsonObject groundTruth(const QString &file)
{
    QFile f(Fixtures + QLatin1Char('/') + file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// Per experiment name, how many active runs the MLflow ground truth lists, and the points in all runs.
struct MlflowTruth
{
    QMap<QString, qint64> activeRuns;
    qint64 runs = 0;
    qint64 points = 0;
};

MlflowTruth mlflowTruth(const QString &file)
{
    const QJsonObject truth = groundTruth(file);
    QMap<QString, QString> names; // experiment id -> name
    const QJsonObject experiments = truth.value(QStringLiteral("experiments")).toObject();
    for (auto it = experiments.begin(); it != experiments.end(); ++it)
        names.insert(it.value().toObject().value(QStringLiteral("id")).toString(), it.key());
    MlflowTruth t;
    const QString deleted = truth.value(QStringLiteral("deleted_run_id")).toString();
    for (const QJsonValue &v : truth.value(QStringLiteral("runs")).toArray()) {
        const QJsonObject r = v.toObject();
        ++t.runs;
        t.points += r.value(QStringLiteral("n_metric_points")).toInteger();
        if (r.value(QStringLiteral("run_id")).toString() != deleted)
            ++t.activeRuns[names.value(r.value(QStringLiteral("experiment_id")).toString())];
    }
    return t;
}

// TensorBoard's runs, and their scalar points: what EventAccumulator read, less histograms, text and the
// hparams plugin's metadata, which are not metrics.
std::pair<QStringList, qint64> tensorBoardTruth()
{
    const QJsonObject truth = groundTruth(QStringLiteral("tensorboard/ground_truth.json"));
    QStringList runs;
    for (const QJsonValue &r : truth.value(QStringLiteral("multiplexer_runs")).toArray())
        runs << r.toString();
    // TensorBoard lists torch's hparams session folder as a run; Runlens merges it into the run it lies in.
    runs.removeAll(QStringLiteral("run_a/hparams"));
    qint64 points = 0;
    const QJsonObject all = truth.value(QStringLiteral("runs")).toObject();
    for (auto run = all.begin(); run != all.end(); ++run) {
        const QJsonObject tags =
            run.value().toObject().value(QStringLiteral("legacy_accumulator")).toObject();
        for (auto tag = tags.begin(); tag != tags.end(); ++tag) {
            if (tag.key() == QLatin1String("weights") || tag.key().startsWith(QLatin1String("notes/")) ||
                tag.key().startsWith(QLatin1String("_hparams_/")))
                continue;
            points += tag.value().toObject().value(QStringLiteral("count")).toInteger();
        }
    }
    return {runs, points};
}

// A Lightning CSVLogger file's points per metric: its non-empty cells, except that the epoch column repeats
// itself at one step across train and validation rows (Lightning's convention, kept once).
QMap<QString, qint64> lightningPoints(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> header = f.readLine().trimmed().split(',');
    const int step = int(header.indexOf("step"));
    QMap<QString, qint64> points;
    QByteArray lastEpoch, lastEpochStep;
    while (!f.atEnd()) {
        const QList<QByteArray> cells = f.readLine().trimmed().split(',');
        for (int i = 0; i < cells.size() && i < header.size(); ++i) {
            if (i == step || cells[i].isEmpty())
                continue;
            if (header[i] == "epoch") {
                if (cells[i] == lastEpoch && cells[step] == lastEpochStep)
                    continue;
                lastEpoch = cells[i];
                lastEpochStep = cells[step];
            }
            ++points[QString::fromLatin1(header[i])];
        }
    }
    return points;
}

QString writeCsvLogs(const QString &root, int runs, int rows)
{
    for (int r = 0; r < runs; ++r) {
        const QString dir = QStringLiteral("%1/version_%2").arg(root).arg(r);
        if (!QDir().mkpath(dir))
            return {};
        QFile f(dir + QStringLiteral("/metrics.csv"));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        QByteArray text = "step,loss,acc\n";
        for (int i = 0; i < rows; ++i)
            text += QByteArray::number(i) + ',' + QByteArray::number(1.0 / (i + 1)) + ',' +
                    QByteArray::number(i / double(rows)) + '\n';
        f.write(text);
    }
    return root;
}

QMimeData *urls(const QStringList &paths, const QList<QUrl> &more = {})
{
    auto *mime = new QMimeData;
    QList<QUrl> list;
    for (const QString &p : paths)
        list << QUrl::fromLocalFile(p);
    mime->setUrls(list + more);
    return mime;
}

// What the window system sends while files are dragged over the window and dropped; returns whether the
// window accepted the drag.
bool dragOver(QWidget *window, const QMimeData *mime)
{
    const QPoint at = window->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(at + QPoint(5, 5), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &move);
    return move.isAccepted();
}

bool drop(QWidget *window, const QMimeData *mime)
{
    QDropEvent event(QPointF(window->rect().center() + QPoint(5, 5)), Qt::CopyAction, mime, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(window, &event);
    return event.isAccepted();
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

RunQuery everyRun()
{
    RunQuery q;
    q.includeDeleted = true;
    return q;
}

} // namespace

class TestImportUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void dropImportsFixtures();
    void dropNamesUnrecognisedFiles();
    void dragOfWebLinksIsRefused();
    void cancelFromStatusBarKeepsWholeRuns();
    void secondDropIsQueued();
    void closingWindowDuringImport();
    void importDialog();
    void importLandsOnBusiestExperiment();
    void reportShowsNamesAsPlainEscapedText();
    void importOfNothingSaysWhatWasLookedFor();
    void reportListsSkippedKindsOnePerLine_data();
    void reportListsSkippedKindsOnePerLine();

private:
    QString freshDatabase(const QString &name);
    QTemporaryDir m_dir;
};

void TestImportUi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

QString TestImportUi::freshDatabase(const QString &name)
{
    const QString db = m_dir.filePath(name);
    Store create(db);
    return db;
}

void TestImportUi::dropImportsFixtures()
{
    // Copies: an import must never write into its sources, and the fixtures stay pristine.
    const QString src = m_dir.filePath(QStringLiteral("drop"));
    QVERIFY(QDir().mkpath(src));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file/mlruns"), src + QStringLiteral("/mlruns")));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-sqlite"), src + QStringLiteral("/mlflow-sqlite")));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/tensorboard/tb"), src + QStringLiteral("/tb")));
    QVERIFY(copyTree(Fixtures + LightningCsv, src + QStringLiteral("/metrics.csv")));
    const QStringList paths = {src + QStringLiteral("/mlruns"),
                               src + QStringLiteral("/mlflow-sqlite/mlflow.db"), src + QStringLiteral("/tb"),
                               src + QStringLiteral("/metrics.csv")};

    const QString db = freshDatabase(QStringLiteral("drop.db"));
    MainWindow window(db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    ImportController *importer = window.importController();
    QVERIFY(importer);
    QVERIFY(window.acceptDrops());

    // Dragging over the window says what a drop will do.
    std::unique_ptr<QMimeData> mime(urls(paths));
    QVERIFY(dragOver(&window, mime.get()));
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Drop to import 4 items"));
    QVERIFY(importer->dropOverlay()->isVisible());
    QCOMPARE(importer->dropOverlay()->text(), QStringLiteral("Drop to import 4 items"));
    test::keepScreenshot(&window, QStringLiteral("import-drag"));
    QVERIFY(drop(&window, mime.get()));
    QVERIFY(!importer->dropOverlay()->isVisible());
    QVERIFY(window.statusBar()->currentMessage() != QStringLiteral("Drop to import 4 items"));

    // Progress in the status bar while it runs.
    QVERIFY(window.isImporting());
    QVERIFY(importer->progressWidget()->isVisible());
    QVERIFY(importer->progressWidget()->cancelButton()->isEnabled());
    QVERIFY(importer->progressWidget()->text().startsWith(QLatin1String("Preparing to import 4 items")) ||
            importer->progressWidget()->text().startsWith(QLatin1String("Importing")));
    QTRY_VERIFY_WITH_TIMEOUT(!window.isImporting(), ImportTimeoutMs);
    QVERIFY(!importer->progressWidget()->isVisible());
    QTRY_VERIFY(!window.isLoading());

    const MlflowTruth files = mlflowTruth(QStringLiteral("mlflow-file/ground_truth.json"));
    const MlflowTruth database = mlflowTruth(QStringLiteral("mlflow-sqlite/ground_truth.json"));
    const auto [tbRuns, tbPoints] = tensorBoardTruth();
    const QMap<QString, qint64> csvPoints = lightningPoints(Fixtures + LightningCsv);
    qint64 csvTotal = 0;
    for (qint64 n : csvPoints)
        csvTotal += n;
    QCOMPARE(files.runs, qint64(12));
    QCOMPARE(tbRuns.size(), 2);

    // The report, open without blocking the window.
    ImportReportDialog *report = importer->reportDialog();
    QVERIFY(report);
    QVERIFY(report->isVisible());
    QVERIFY(!report->isModal());
    QVERIFY(QApplication::activeModalWidget() == nullptr);
    QVERIFY2(!report->report().cancelled, qPrintable(report->text()));
    QCOMPARE(report->headline(), QStringLiteral("Imported mlruns, mlflow.db, tb, metrics.csv."));
    QCOMPARE(report->countText(Count::RunsAdded), number(files.runs + database.runs + tbRuns.size() + 1));
    QCOMPARE(report->countText(Count::RunsUpdated), number(0));
    QCOMPARE(report->countText(Count::Points), number(files.points + database.points + tbPoints + csvTotal));
    // The two MLflow stores share their experiments' names; TensorBoard and the CSV are named after their
    // folder and file. Default comes with MLflow.
    QCOMPARE(report->countText(Count::Experiments), number(files.activeRuns.size() + 1 + 2));
    // Every artifact file of both stores (both keep their artifacts next to them).
    qint64 artifactFiles = 0;
    for (QDirIterator it(src + QStringLiteral("/mlruns"), QDir::Files, QDirIterator::Subdirectories);
         it.hasNext();)
        artifactFiles += it.next().contains(QLatin1String("/artifacts/"));
    for (QDirIterator it(src + QStringLiteral("/mlflow-sqlite/sqlite_artifacts"), QDir::Files,
                         QDirIterator::Subdirectories);
         it.hasNext(); it.next())
        ++artifactFiles;
    QCOMPARE(report->countText(Count::Artifacts), number(artifactFiles));
    // One registry, the same model in both stores: its versions are added once.
    QCOMPARE(report->countText(Count::Models), number(1));
    QCOMPARE(report->countText(Count::Versions), number(2));
    QVERIFY(report->report().failedRuns.isEmpty());
    QCOMPARE(report->report().skipped.value(QStringLiteral("histograms")), qint64(3));
    test::keepScreenshot(report, QStringLiteral("import-report-fixtures"));
    report->close();
    QVERIFY(!report->isVisible());

    // The views were refreshed: the experiments with their runs...
    auto *list = window.findChild<QListView *>(QStringLiteral("experimentList"));
    QVERIFY(list);
    QTRY_COMPARE(list->model()->rowCount(), 5);
    QMap<QString, qint64> counts;
    for (int r = 0; r < list->model()->rowCount(); ++r) {
        const QModelIndex i = list->model()->index(r, 0);
        counts.insert(i.data().toString(), i.data(RunCountRole).toLongLong());
    }
    for (auto it = files.activeRuns.begin(); it != files.activeRuns.end(); ++it)
        QCOMPARE(counts.value(it.key()), it.value() + database.activeRuns.value(it.key()));
    QCOMPARE(counts.value(QStringLiteral("tb")), qint64(tbRuns.size()));
    QCOMPARE(counts.value(QStringLiteral("metrics")), qint64(1));

    // ...and the runs table of a chosen experiment.
    RunTableModel *model = window.runsPage()->model();
    const auto rowOf = [list](const QString &name) {
        for (int r = 0; r < list->model()->rowCount(); ++r) {
            if (list->model()->index(r, 0).data().toString() == name)
                return r;
        }
        return -1;
    };
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualRect(list->model()->index(rowOf(QStringLiteral("tb")), 0)).center());
    QTRY_COMPARE(model->totalCount(), qint64(tbRuns.size()));
    QTRY_VERIFY(!window.isLoading());
    QStringList names;
    for (int r = 0; r < model->rowCount(); ++r)
        names << model->runAt(r).name;
    names.sort();
    QCOMPARE(names, tbRuns);
    test::keepScreenshot(&window, QStringLiteral("import-done"));

    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualRect(list->model()->index(rowOf(QStringLiteral("metrics")), 0)).center());
    QTRY_COMPARE(model->totalCount(), qint64(1));
    QTRY_VERIFY(!window.isLoading());
    Store store(db);
    const QMap<QString, qint64> stored = store.series().metricCounts(model->runAt(0).id);
    QCOMPARE(stored, csvPoints);
}

void TestImportUi::dropNamesUnrecognisedFiles()
{
    const QString notes = m_dir.filePath(QStringLiteral("notes.txt"));
    {
        QFile f(notes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("shopping list\n");
    }
    const QString csv = m_dir.filePath(QStringLiteral("unrecognised-metrics.csv"));
    QVERIFY(QFile::copy(Fixtures + LightningCsv, csv));

    MainWindow window(freshDatabase(QStringLiteral("unrecognised.db")));
    window.show();
    QTRY_VERIFY(!window.isLoading());
    ImportController *importer = window.importController();
    QSignalSpy messages(window.statusBar(), &QStatusBar::messageChanged);
    QSignalSpy reports(importer, &ImportController::reportShown);
    QVERIFY(messages.isValid() && reports.isValid());

    // The recognised file is imported; the other is named with the reason.
    std::unique_ptr<QMimeData> mime(urls({notes, csv}));
    QVERIFY(dragOver(&window, mime.get()));
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Drop to import 2 items"));
    QVERIFY(drop(&window, mime.get()));
    QVERIFY(reports.wait(ImportTimeoutMs));
    bool named = false;
    for (const QList<QVariant> &m : std::as_const(messages))
        named |= m.at(0).toString().startsWith(
            QStringLiteral("Not imported: %1: format not recognised").arg(QDir::toNativeSeparators(notes)));
    QVERIFY(named);
    ImportReportDialog *report = importer->reportDialog();
    QVERIFY(report && report->isVisible());
    QCOMPARE(report->countText(Count::RunsAdded), number(1));
    QCOMPARE(report->notImported().size(), 1);
    QVERIFY(report->notImported().first().contains(QLatin1String("notes.txt: format not recognised")));
    QCOMPARE(report->headline(), QStringLiteral("Imported unrecognised-metrics.csv, with problems."));
    QTreeWidgetItem *group = report->details()->topLevelItem(0);
    QCOMPARE(group->text(0), QStringLiteral("Not imported (1)"));
    QVERIFY(group->child(0)->text(0).contains(QLatin1String("notes.txt")));
    QTRY_COMPARE(window.sidebar()->findChild<QListView *>()->model()->rowCount(), 1);

    // Only unrecognised files: nothing imported, and the report says so.
    std::unique_ptr<QMimeData> only(urls({notes}));
    QVERIFY(dragOver(&window, only.get()));
    QVERIFY(drop(&window, only.get()));
    QVERIFY(reports.wait(ImportTimeoutMs));
    QCOMPARE(report->headline(), QStringLiteral("Nothing was imported."));
    QCOMPARE(report->countText(Count::RunsAdded), number(0));
    QVERIFY(report->notImported().value(0).contains(QLatin1String("notes.txt")));
    report->close();
}

void TestImportUi::dragOfWebLinksIsRefused()
{
    MainWindow window(freshDatabase(QStringLiteral("links.db")));
    window.show();
    QTRY_VERIFY(!window.isLoading());
    const QString before = window.statusBar()->currentMessage();
    std::unique_ptr<QMimeData> web(urls({}, {QUrl(QStringLiteral("https://example.com/mlflow.db"))}));
    QVERIFY(!dragOver(&window, web.get()));
    QVERIFY(!window.importController()->dropOverlay()->isVisible());
    QCOMPARE(window.statusBar()->currentMessage(), before);
    std::unique_ptr<QMimeData> text(new QMimeData);
    text->setText(QStringLiteral("/tmp/mlruns"));
    QVERIFY(!dragOver(&window, text.get()));
    QVERIFY(!drop(&window, text.get()));
    QVERIFY(!window.isImporting());

    // A drag that leaves restores the status bar.
    std::unique_ptr<QMimeData> local(urls({m_dir.filePath(QStringLiteral("whatever"))}));
    QVERIFY(dragOver(&window, local.get()));
    QDragLeaveEvent leave;
    QApplication::sendEvent(&window, &leave);
    QVERIFY(!window.importController()->dropOverlay()->isVisible());
    QCOMPARE(window.statusBar()->currentMessage(), before);
}

void TestImportUi::cancelFromStatusBarKeepsWholeRuns()
{
    constexpr int Runs = 600, Rows = 2000;
    const QString logs = writeCsvLogs(m_dir.filePath(QStringLiteral("big-logs")), Runs, Rows);
    QVERIFY(!logs.isEmpty());
    const QString db = freshDatabase(QStringLiteral("cancel.db"));
    MainWindow window(db);
    window.resize(1500, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    ImportController *importer = window.importController();
    std::unique_ptr<QMimeData> mime(urls({logs}));
    QVERIFY(dragOver(&window, mime.get()));
    QVERIFY(drop(&window, mime.get()));
    QVERIFY(importer->currentJob());
    QSignalSpy progress(importer->currentJob(), &ImportJob::progress);
    QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last().at(1).toLongLong() >= 3, ImportTimeoutMs);
    // The status bar says what is imported, in the reader's units, with a determinate bar.
    ImportProgressWidget *status = importer->progressWidget();
    QTRY_VERIFY(status->text().contains(QStringLiteral(" of %1 files").arg(number(Runs))));
    QVERIFY2(status->text().startsWith(QStringLiteral("Importing big-logs…")), qPrintable(status->text()));
    QVERIFY(status->bar()->maximum() > 0);
    QVERIFY(status->bar()->value() > 0);
    test::keepScreenshot(&window, QStringLiteral("import-progress"));

    QTest::mouseClick(status->cancelButton(), Qt::LeftButton);
    QVERIFY(!status->cancelButton()->isEnabled());
    QCOMPARE(status->text(), QStringLiteral("Cancelling import…"));
    QTRY_VERIFY_WITH_TIMEOUT(!window.isImporting(), ImportTimeoutMs);

    ImportReportDialog *report = importer->reportDialog();
    QVERIFY(report && report->isVisible());
    QVERIFY(report->report().cancelled);
    QVERIFY2(report->headline().contains(QLatin1String("cancelled")), qPrintable(report->headline()));
    const int added = report->report().runsAdded;
    QVERIFY2(added >= 3 && added < Runs, qPrintable(report->text()));
    QCOMPARE(report->countText(Count::RunsAdded), number(added));
    QCOMPARE(report->countText(Count::Points), number(qint64(added) * Rows * 2));
    QTRY_VERIFY(!window.isLoading());
    test::keepScreenshot(report, QStringLiteral("import-report"));

    // Only whole runs, exactly as many as reported.
    Store store(db);
    const QStringList ids = store.runs().searchRunIds(everyRun());
    QCOMPARE(ids.size(), qsizetype(added));
    for (const QString &id : ids) {
        const QMap<QString, qint64> counts = store.series().metricCounts(id);
        QCOMPARE(counts.value(QStringLiteral("loss")), qint64(Rows));
        QCOMPARE(counts.value(QStringLiteral("acc")), qint64(Rows));
    }
    QTRY_COMPARE(window.runsPage()->model()->totalCount(), qint64(added));
}

void TestImportUi::secondDropIsQueued()
{
    const QString logs = writeCsvLogs(m_dir.filePath(QStringLiteral("queue-logs")), 120, 500);
    const QString csv = m_dir.filePath(QStringLiteral("queued.csv"));
    QVERIFY(QFile::copy(Fixtures + LightningCsv, csv));
    const QString queueDb = freshDatabase(QStringLiteral("queue.db"));
    MainWindow window(queueDb);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    ImportController *importer = window.importController();
    QSignalSpy imported(importer, &ImportController::imported);
    QSignalSpy reports(importer, &ImportController::reportShown);

    std::unique_ptr<QMimeData> first(urls({logs}));
    QVERIFY(dragOver(&window, first.get()));
    QVERIFY(drop(&window, first.get()));
    ImportJob *running = importer->currentJob();
    QVERIFY(running);
    // The second waits for the first (nothing has run the event loop, so the first is still going).
    std::unique_ptr<QMimeData> second(urls({csv}));
    QVERIFY(dragOver(&window, second.get()));
    QCOMPARE(window.statusBar()->currentMessage(),
             QStringLiteral("Drop to import 1 item after the current import"));
    QVERIFY(drop(&window, second.get()));
    QCOMPARE(importer->currentJob(), running);
    QCOMPARE(importer->queuedCount(), 1);
    QVERIFY(importer->progressWidget()->text().endsWith(QStringLiteral(" · 1 more queued")));
    // Opening another database meanwhile does not redirect what was dropped on this one.
    const QString otherDb = freshDatabase(QStringLiteral("queue-other.db"));
    window.openDatabase(otherDb);

    QVERIFY(reports.wait(ImportTimeoutMs));
    QCOMPARE(imported.count(), 2); // the views reloaded after each
    QCOMPARE(reports.count(), 1);  // one report for both
    QVERIFY(!window.isImporting());
    ImportReportDialog *report = importer->reportDialog();
    QCOMPARE(report->headline(), QStringLiteral("Imported queue-logs, queued.csv."));
    QCOMPARE(report->countText(Count::RunsAdded), number(121));
    QTRY_VERIFY(!window.isLoading());
    report->close();
    QCOMPARE(Store(queueDb).runs().searchRunIds(everyRun()).size(), qsizetype(121));
    QCOMPARE(Store(otherDb).runs().searchRunIds(everyRun()).size(), qsizetype(0));
}

void TestImportUi::closingWindowDuringImport()
{
    constexpr int Rows = 2000;
    const QString logs = writeCsvLogs(m_dir.filePath(QStringLiteral("close-logs")), 300, Rows);
    const QString db = freshDatabase(QStringLiteral("close.db"));
    {
        auto window = std::make_unique<MainWindow>(db);
        window->show();
        QTRY_VERIFY(!window->isLoading());
        std::unique_ptr<QMimeData> mime(urls({logs}));
        QVERIFY(dragOver(window.get(), mime.get()));
        QVERIFY(drop(window.get(), mime.get()));
        QSignalSpy progress(window->importController()->currentJob(), &ImportJob::progress);
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last().at(1).toLongLong() >= 2,
                                 ImportTimeoutMs);
        window->close();
        window.reset(); // cancels, waits for the run being written
    }
    Store store(db);
    const QStringList ids = store.runs().searchRunIds(everyRun());
    QVERIFY(ids.size() >= 2 && ids.size() < 300);
    for (const QString &id : ids)
        QCOMPARE(store.series().metricCounts(id).value(QStringLiteral("loss")), qint64(Rows));
}

void TestImportUi::importDialog()
{
    const QString src = m_dir.filePath(QStringLiteral("dialog"));
    QVERIFY(QDir().mkpath(src));
    const QString mlruns = src + QStringLiteral("/mlruns");
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file/mlruns"), mlruns));
    const QString csv = src + QStringLiteral("/train.csv");
    QVERIFY(QFile::copy(Fixtures + LightningCsv, csv));
    const QString notes = src + QStringLiteral("/notes.txt");
    {
        QFile f(notes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a log\n");
    }

    MainWindow window(freshDatabase(QStringLiteral("dialog.db")));
    window.show();
    QTRY_VERIFY(!window.isLoading());
    ImportController *importer = window.importController();
    // File › Import… is Ctrl+I.
    window.activateWindow();
    QTest::keyClick(&window, Qt::Key_I, Qt::ControlModifier);
    QTRY_VERIFY(importer->importDialog());
    ImportDialog *dialog = importer->importDialog();
    QTRY_VERIFY(dialog->isVisible());
    auto *importButton = dialog->findChild<QPushButton *>(QStringLiteral("importButton"));
    auto *remove = dialog->findChild<QPushButton *>(QStringLiteral("removeSources"));
    auto *list = dialog->findChild<QTreeWidget *>(QStringLiteral("importSources"));
    auto *format = dialog->findChild<QComboBox *>(QStringLiteral("importFormat"));
    auto *experiment = dialog->findChild<QComboBox *>(QStringLiteral("importExperiment"));
    auto *copy = dialog->findChild<QCheckBox *>(QStringLiteral("copyArtifacts"));
    auto *message = dialog->findChild<QLabel *>(QStringLiteral("importMessage"));
    QVERIFY(importButton && remove && list && format && experiment && copy && message);
    QVERIFY(!importButton->isEnabled()); // nothing to import yet
    QCOMPARE(format->count(), 8);
    QCOMPARE(format->itemText(6), QStringLiteral("Kubeflow Pipelines metrics"));
    QCOMPARE(format->itemText(7), QStringLiteral("DVC project / DVCLive folder"));
    QCOMPARE(format->currentText(), QStringLiteral("Detect automatically"));

    // What Add Files… and Add Folder… hand over; formats are detected off the GUI thread.
    dialog->addPaths({mlruns, csv, notes, mlruns + QStringLiteral("/")});
    QCOMPARE(dialog->paths().size(), 3); // the same folder once
    QTRY_VERIFY(!dialog->isDetecting());
    QCOMPARE(list->topLevelItemCount(), 3);
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("MLflow store folder (mlruns)"));
    QCOMPARE(list->topLevelItem(1)->text(1), QStringLiteral("CSV / TSV logs"));
    QCOMPARE(list->topLevelItem(2)->text(1), QStringLiteral("not recognised"));
    QCOMPARE(dialog->detectedFormat(mlruns), std::optional<Format>(Format::MlflowFiles));
    QVERIFY(!importButton->isEnabled());
    QVERIFY2(message->text().contains(QLatin1String("notes.txt")), qPrintable(message->text()));
    test::keepScreenshot(dialog, QStringLiteral("import-dialog"));
    // Choosing a format overrides detection (and so allows the import); back to automatic.
    format->setCurrentIndex(format->findText(QStringLiteral("CSV / TSV logs")));
    QVERIFY(importButton->isEnabled());
    format->setCurrentIndex(0);
    QVERIFY(!importButton->isEnabled());

    // Remove the unrecognised file: click its row, then Remove.
    QVERIFY(!remove->isEnabled());
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualItemRect(list->topLevelItem(2)).center());
    QVERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    QCOMPARE(dialog->paths(), (QStringList{mlruns, csv}));
    QVERIFY(importButton->isEnabled());
    QVERIFY(message->text().isEmpty());

    // The CSV names no experiment: type one. Leave artifacts behind.
    QTest::keyClicks(experiment->lineEdit(), QStringLiteral("lightning-runs"));
    QVERIFY(copy->isChecked());
    QTest::mouseClick(copy, Qt::LeftButton, {}, QPoint(6, copy->height() / 2)); // on the box
    QVERIFY(!copy->isChecked());
    const ImportRequest request = dialog->request();
    QCOMPARE(request.experiment, QStringLiteral("lightning-runs"));
    QVERIFY(!request.copyArtifacts);
    QVERIFY(!request.skipUnrecognised);
    QCOMPARE(request.sources.size(), 2);
    QCOMPARE(request.sources.at(0).format, Format::MlflowFiles);
    QCOMPARE(request.sources.at(1).format, Format::Csv);

    QSignalSpy reports(importer, &ImportController::reportShown);
    QTest::mouseClick(importButton, Qt::LeftButton);
    QTRY_VERIFY(!importer->importDialog()); // closed and gone
    QVERIFY(reports.wait(ImportTimeoutMs));
    const MlflowTruth files = mlflowTruth(QStringLiteral("mlflow-file/ground_truth.json"));
    ImportReportDialog *report = importer->reportDialog();
    QCOMPARE(report->headline(), QStringLiteral("Imported mlruns, train.csv."));
    QCOMPARE(report->countText(Count::RunsAdded), number(files.runs + 1));
    QCOMPARE(report->countText(Count::Artifacts), number(0));
    QTRY_VERIFY(!window.isLoading());
    auto *experiments = window.findChild<QListView *>(QStringLiteral("experimentList"));
    QTRY_COMPARE(experiments->model()->rowCount(), int(files.activeRuns.size()) + 2);
    bool found = false;
    for (int r = 0; r < experiments->model()->rowCount(); ++r) {
        const QModelIndex i = experiments->model()->index(r, 0);
        if (i.data().toString() == QLatin1String("lightning-runs")) {
            found = true;
            QCOMPARE(i.data(RunCountRole).toLongLong(), qint64(1));
        }
    }
    QVERIFY(found);

    // The experiment combo offers the experiments that now exist.
    report->close();
    window.activateWindow();
    QTRY_VERIFY(window.isActiveWindow());
    QTest::keyClick(&window, Qt::Key_I, Qt::ControlModifier);
    QTRY_VERIFY(importer->importDialog());
    auto *offered = importer->importDialog()->findChild<QComboBox *>(QStringLiteral("importExperiment"));
    QVERIFY(offered->findText(QStringLiteral("lightning-runs")) >= 0);
    QVERIFY(offered->currentText().isEmpty()); // the default stays: each source's own name
    importer->importDialog()->reject();
    QTRY_VERIFY(!importer->importDialog());
}

// After an import the window shows the experiment that received the most runs: not MLflow's empty Default
// (which an mlruns folder always brings, listed first), nor the experiment chosen before; an import that
// brought nothing new leaves the choice alone.
void TestImportUi::importLandsOnBusiestExperiment()
{
    const QString src = m_dir.filePath(QStringLiteral("land"));
    QVERIFY(QDir().mkpath(src));
    const QString mlruns = src + QStringLiteral("/mlruns");
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file/mlruns"), mlruns));
    const QString csv = src + QStringLiteral("/lightning.csv");
    QVERIFY(QFile::copy(Fixtures + LightningCsv, csv));
    const MlflowTruth truth = mlflowTruth(QStringLiteral("mlflow-file/ground_truth.json"));
    const qint64 image = truth.activeRuns.value(QStringLiteral("image-classification"));
    const qint64 text = truth.activeRuns.value(QStringLiteral("text-regression"));
    QVERIFY(image > text && text > 0);

    const QString db = freshDatabase(QStringLiteral("land.db"));
    MainWindow window(db);
    window.resize(1200, 800);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    QVERIFY(window.isShowingWelcome());
    ImportController *importer = window.importController();
    auto *list = window.findChild<QListView *>(QStringLiteral("experimentList"));
    QVERIFY(list);
    ExperimentSidebar *sidebar = window.sidebar();
    RunTableModel *model = window.runsPage()->model();
    const auto idOf = [&db](const QString &name) {
        Store store(db);
        const auto e = store.runs().experimentByName(name);
        return e ? e->id : ExperimentId(0);
    };
    const auto landedOn = [&](const QString &name, qint64 runs) {
        QTRY_VERIFY(idOf(name) > 0);
        QTRY_COMPARE(sidebar->currentExperiment(), idOf(name));
        QCOMPARE(list->currentIndex().data().toString(), name);
        QVERIFY(list->selectionModel()->isSelected(list->currentIndex()));
        QCOMPARE(window.runsPage()->experiment(), idOf(name));
        QTRY_COMPARE(model->totalCount(), runs);
        QTRY_VERIFY(!window.isLoading());
        QTRY_VERIFY(!window.isShowingWelcome());
    };

    QSignalSpy reports(importer, &ImportController::reportShown);
    QVERIFY(reports.isValid());
    std::unique_ptr<QMimeData> mime(urls({mlruns}));
    QVERIFY(dragOver(&window, mime.get()));
    QVERIFY(drop(&window, mime.get()));
    QVERIFY(reports.wait(ImportTimeoutMs));
    importer->reportDialog()->close();
    landedOn(QStringLiteral("image-classification"), image);
    if (QTest::currentTestFailed())
        return;
    // Default came too, empty, and sorts before it.
    QTRY_COMPARE(list->model()->rowCount(), 3);
    QCOMPARE(list->model()->index(0, 0).data().toString(), QStringLiteral("Default"));
    QCOMPARE(list->model()->index(0, 0).data(RunCountRole).toLongLong(), qint64(0));
    test::keepScreenshot(&window, QStringLiteral("import-lands-on-busiest"));

    // The person moves on; importing the same store again adds nothing, so they stay.
    const QModelIndexList textRow =
        list->model()->match(list->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("text-regression"));
    QCOMPARE(textRow.size(), 1);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(textRow.first()).center());
    landedOn(QStringLiteral("text-regression"), text);
    if (QTest::currentTestFailed())
        return;
    mime.reset(urls({mlruns}));
    QVERIFY(dragOver(&window, mime.get()));
    QVERIFY(drop(&window, mime.get()));
    QVERIFY(reports.wait(ImportTimeoutMs));
    QCOMPARE(importer->reportDialog()->countText(Count::RunsAdded), number(0));
    importer->reportDialog()->close();
    QTest::qWait(300); // the reload after the import
    landedOn(QStringLiteral("text-regression"), text);
    if (QTest::currentTestFailed())
        return;

    // A log of one run, named after its file: shown although another experiment was chosen.
    mime.reset(urls({csv}));
    QVERIFY(dragOver(&window, mime.get()));
    QVERIFY(drop(&window, mime.get()));
    QVERIFY(reports.wait(ImportTimeoutMs));
    importer->reportDialog()->close();
    landedOn(QStringLiteral("lightning"), 1);
    if (QTest::currentTestFailed())
        return;
}

// File names and messages in a report come from the files imported. The window shows them as plain text
// (a name is never taken for HTML) with control characters escaped (a line break, ESC or a bidirectional
// override cannot break a row or disguise what follows), in the labels, the details, tooltips and Copy.
void TestImportUi::reportShowsNamesAsPlainEscapedText()
{
    import::ImportReport report;
    const QString file = QStringLiteral("/logs/<img src=\"x.png\">\x1b[2J\u202Eevil\nname");
    report.warnings[file] << QStringLiteral("bad\rline\u2028two");
    report.skipped[QStringLiteral("<b>bold</b>\a")] = 3;
    report.failedRuns << QStringLiteral("run\x1b]0;title\a: rolled back");
    ImportReportDialog dialog;
    dialog.setReport({QStringLiteral("<h1>big</h1>\u202Etxt.exe")}, report,
                     {QStringLiteral("<i>n</i>\n: format not recognised")});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    static const QRegularExpression control(QStringLiteral(
        "[\\x{0}-\\x{1f}\\x{7f}-\\x{9f}\\x{2028}\\x{2029}\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}]"));
    auto *headline = dialog.findChild<QLabel *>(QStringLiteral("reportHeadline"));
    auto *skipped = dialog.findChild<QLabel *>(QStringLiteral("reportSkipped"));
    QVERIFY(headline && skipped);
    QCOMPARE(headline->textFormat(), Qt::PlainText);
    QCOMPARE(skipped->textFormat(), Qt::PlainText);
    QVERIFY2(headline->text().contains(QStringLiteral("<h1>big</h1>\\u{202E}txt.exe")),
             qPrintable(headline->text()));
    QVERIFY2(skipped->text().contains(QStringLiteral("<b>bold</b>\\a")), qPrintable(skipped->text()));

    QStringList shown;
    std::function<void(QTreeWidgetItem *)> collect = [&](QTreeWidgetItem *item) {
        shown << item->text(0);
        QVERIFY2(!control.match(item->text(0)).hasMatch(), qPrintable(item->text(0)));
        for (int i = 0; i < item->childCount(); ++i)
            collect(item->child(i));
    };
    for (int i = 0; i < dialog.details()->topLevelItemCount(); ++i)
        collect(dialog.details()->topLevelItem(i));
    QVERIFY2(shown.contains(QStringLiteral("/logs/<img src=\"x.png\">\\e[2J\\u{202E}evil\\nname")),
             qPrintable(shown.join(u'|')));
    QVERIFY2(shown.contains(QStringLiteral("bad\\rline\\u{2028}two")), qPrintable(shown.join(u'|')));
    QVERIFY2(shown.contains(QStringLiteral("run\\e]0;title\\a: rolled back")), qPrintable(shown.join(u'|')));
    QVERIFY2(shown.contains(QStringLiteral("<i>n</i>\\n: format not recognised")),
             qPrintable(shown.join(u'|')));

    // The file's tooltip shows the name as text: its markup is escaped, not rendered.
    QTreeWidgetItem *warnings = dialog.details()->topLevelItem(dialog.details()->topLevelItemCount() - 1);
    const QString tooltip = warnings->child(0)->toolTip(0);
    QVERIFY2(tooltip.contains(QStringLiteral("&lt;img src=&quot;x.png&quot;&gt;")), qPrintable(tooltip));

    // Copy: one line per entry, nothing raw.
    const QStringList lines = dialog.text().split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines)
        QVERIFY2(!control.match(line).hasMatch(), qPrintable(line));
    QVERIFY2(dialog.text().contains(QStringLiteral("    bad\\rline\\u{2028}two\n")),
             qPrintable(dialog.text()));
}

// A source read with a chosen format that holds nothing of it: the report says so with the reader's words, as
// `runlens import --format csv` does, and nothing is written.
void TestImportUi::importOfNothingSaysWhatWasLookedFor()
{
    const QString text = m_dir.filePath(QStringLiteral("text-logs"));
    QVERIFY(QDir().mkpath(text + QStringLiteral("/run1")));
    {
        QFile f(text + QStringLiteral("/run1/train.log"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Epoch 1/10\nTraceback (most recent call last):\n  File \"train.py\", line 3\n");
    }
    const QString db = freshDatabase(QStringLiteral("nothing.db"));
    MainWindow window(db);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    ImportController *importer = window.importController();
    window.activateWindow();
    QTest::keyClick(&window, Qt::Key_I, Qt::ControlModifier);
    QTRY_VERIFY(importer->importDialog());
    ImportDialog *dialog = importer->importDialog();
    auto *importButton = dialog->findChild<QPushButton *>(QStringLiteral("importButton"));
    auto *list = dialog->findChild<QTreeWidget *>(QStringLiteral("importSources"));
    auto *format = dialog->findChild<QComboBox *>(QStringLiteral("importFormat"));
    QVERIFY(importButton && list && format);
    dialog->addPaths({text});
    QTRY_VERIFY(!dialog->isDetecting());
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("not recognised"));
    format->setCurrentIndex(format->findText(QStringLiteral("CSV / TSV logs")));
    QVERIFY(importButton->isEnabled());

    QSignalSpy reports(importer, &ImportController::reportShown);
    QVERIFY(reports.isValid());
    QTest::mouseClick(importButton, Qt::LeftButton);
    QVERIFY(reports.wait(ImportTimeoutMs));
    ImportReportDialog *report = importer->reportDialog();
    QVERIFY(report && report->isVisible());
    QCOMPARE(report->headline(), QStringLiteral("Nothing was imported from text-logs."));
    QCOMPARE(report->countText(Count::RunsAdded), number(0));
    QTreeWidgetItem *group = report->details()->topLevelItem(0);
    QCOMPARE(group->text(0), QStringLiteral("Not imported (1)"));
    QCOMPARE(group->childCount(), 1);
    const QString shown = group->child(0)->text(0);
    QVERIFY2(
        shown.contains(QStringLiteral("%1: nothing to import: no CSV or TSV log found (.csv and .tsv files, "
                                      "or .log and .txt files holding a header row and rows of numbers)")
                           .arg(text)),
        qPrintable(shown));
    test::keepScreenshot(report, QStringLiteral("import-nothing-found"));
    report->close();
    Store store(db);
    QCOMPARE(store.runs().countRuns(RunQuery{}), qint64(0));
    QVERIFY(store.runs().experiments(true).empty());
}

void TestImportUi::reportListsSkippedKindsOnePerLine_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

// What an import left out is listed one kind per line with its count (a comma-joined list of many kinds
// was hard to read), in the window as in Copy and on the CLI.
void TestImportUi::reportListsSkippedKindsOnePerLine()
{
    QFETCH(bool, dark);
    theme::apply(dark ? theme::Theme::Dark : theme::Theme::Light);
    import::ImportReport report;
    report.runsAdded = 3;
    report.pointsAdded = 1206;
    report.skipped = {{QStringLiteral("histograms"), 1250},
                      {QStringLiteral("images"), 40},
                      {QStringLiteral("text"), 2},
                      {QStringLiteral("graphs"), 1},
                      {QStringLiteral("audio"), 12}};
    ImportReportDialog dialog;
    dialog.setReport({QStringLiteral("runs")}, report, {});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *skipped = dialog.findChild<QLabel *>(QStringLiteral("reportSkipped"));
    QVERIFY(skipped && skipped->isVisible());
    const QLocale locale;
    QCOMPARE(skipped->text().split(u'\n'),
             QStringList({QStringLiteral("Skipped (Runlens does not store these):"),
                          QStringLiteral("    12 audio"), QStringLiteral("    1 graphs"),
                          QStringLiteral("    %1 histograms").arg(locale.toString(1250)),
                          QStringLiteral("    40 images"), QStringLiteral("    2 text")}));
    // Every line is shown whole: the label is as tall as its lines.
    QVERIFY(skipped->height() >= 6 * skipped->fontMetrics().lineSpacing());
    for (const char *line : {"skipped 12 audio\n", "skipped 1 graphs\n", "skipped 1250 histograms\n",
                             "skipped 40 images\n", "skipped 2 text\n"})
        QVERIFY2(dialog.text().contains(QLatin1String(line)), qPrintable(dialog.text()));
    test::keepScreenshot(&dialog, dark ? QStringLiteral("import-report-skipped-dark")
                                       : QStringLiteral("import-report-skipped"));
    theme::apply(theme::Theme::Light);
}

QTEST_MAIN(TestImportUi)
#include "tst_importui.moc"
