// SPDX-License-Identifier: GPL-3.0-or-later
// Format-independent import behaviour: format detection, run identity across sources, idempotent and
// incremental re-imports of logs that grow, and refusal of unknown paths before anything is written.

#include "artifacts/artifactstore.h"
#include "import/importer.h"
#include "itemmodels/rundetails.h"
#include "itemmodels/runinputsmodel.h"
#include "store/store.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <unistd.h>

using namespace runlens;
using namespace runlens::import;
using runlens::test::copyTree;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);

// Object files of the artifact store that no artifact row names, and anything left in its staging folder.
QStringList artifactLeftovers(Store &store)
{
    const ArtifactStore objects(store.path());
    QStringList out;
    for (const QString &f : test::filesUnder(objects.root() + QStringLiteral("/objects"))) {
        if (!store.artifacts().isArtifactObjectUsed(QString(f).remove(u'/')))
            out << QStringLiteral("objects/") + f;
    }
    for (const QString &f : test::filesUnder(objects.root() + QStringLiteral("/staging")))
        out << QStringLiteral("staging/") + f;
    return out;
}

// What a database holds, in one comparable string: experiments, runs with their params and metric counts.
QString databaseState(Store &store)
{
    QStringList lines;
    for (const Experiment &e : store.runs().experiments(true))
        lines << QStringLiteral("experiment %1").arg(e.name);
    RunQuery all;
    all.includeDeleted = true;
    for (const Run &run : store.runs().searchRuns(all)) {
        lines << QStringLiteral("run %1 %2 params %3").arg(run.id, run.name).arg(run.params.size());
        const QMap<QString, qint64> counts = store.series().metricCounts(run.id);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            lines << QStringLiteral("  %1 %2").arg(it.key()).arg(it.value());
    }
    return lines.join(QLatin1Char('\n'));
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

const QString KerasLog = QStringLiteral("/public/keras/AKBoles-Voice-Identification/training.log");

} // namespace

class TestImport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void detectsFormats_data();
    void detectsFormats();
    void databaseImportMatchesGroundTruth();
    void sameRelativeKeysFromTwoSourcesStayApart();
    void growingCsvAddsOnlyNewRows();
    void lightningRunsWithoutTimesKeepNoStart();
    void hparamsSessionFolderIsItsRunsOnReimportToo();
    void unknownPathChangesNothing();
    void nothingToImportFails_data();
    void nothingToImportFails();
    void sourceGivingNothingFails();
    void rejectedCsvChangesNothing_data();
    void rejectedCsvChangesNothing();
    void talosScanFolderImport();
    void cancelStopsBetweenRuns();
    void followImportsNewPoints();
    void stalledLogWriterDoesNotHoldTheLock();
    void refusedRunTakesItsExperimentFromTheReport();
    void diskFullReportsOnlyWhatWasCommitted();
    void dvcProjectGivesTheDatasetsTab();
    void brokenDvcLiveFileLeavesTheDatabaseUnchanged();
};

void TestImport::detectsFormats_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("format");
    QTest::newRow("mlruns") << "mlflow-file/mlruns" << int(Format::MlflowFiles);
    QTest::newRow("folder holding mlruns") << "public/silver6wings-MLFlowSample" << int(Format::MlflowFiles);
    QTest::newRow("lightning csv logs") << "public/driemann-ml-aos/lightning_logs" << int(Format::Csv);
    QTest::newRow("one metrics.csv") << "public/driemann-ml-aos/lightning_logs/version_1/metrics.csv"
                                     << int(Format::Csv);
    QTest::newRow("talos scan") << "public/talos/tcae-FollowUpward/talos_2020-01-29_00h10m/012920001059.csv"
                                << int(Format::Csv);
    QTest::newRow("mlflow.db") << "mlflow-sqlite/mlflow.db" << int(Format::MlflowDatabase);
    QTest::newRow("2019 mlflow database")
        << "public/mlflow-tests-db/tests/resources/db/db_version_7ac759974ad8_with_metrics.sql"
        << int(Format::MlflowDatabase);
    QTest::newRow("tensorboard logs") << "tensorboard/tb" << int(Format::TensorBoard);
    QTest::newRow("lightning tensorboard logs")
        << "public/packt-dl-at-scale/chapter02/lightning_logs" << int(Format::TensorBoard);
    QTest::newRow("keras training.log") << KerasLog.mid(1) << int(Format::Csv);
    QTest::newRow("talos scan folder")
        << "public/talos/tcae-FollowUpward/talos_2020-01-29_00h10m" << int(Format::Csv);
    QTest::newRow("dvc project, 1.x dvclive")
        << "public/dvc/iterative-magnetic-tiles-defect" << int(Format::Dvc);
    QTest::newRow("dvclive folder") << "public/dvc/iterative-dvclive-exp-tracking" << int(Format::Dvc);
    QTest::newRow("fixture readme is nothing") << "README.md" << int(Format::Auto);
}

void TestImport::detectsFormats()
{
    QFETCH(QString, path);
    QFETCH(int, format);
    QCOMPARE(int(detectFormat(Fixtures + QLatin1Char('/') + path)), format);
}

void TestImport::databaseImportMatchesGroundTruth()
{
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("src"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-sqlite"), src));
    QFile truthFile(src + QStringLiteral("/ground_truth.json"));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonObject truth = QJsonDocument::fromJson(truthFile.readAll()).object();
    Store store(dir.filePath(QStringLiteral("r.db")));
    const ImportReport r =
        importPaths(store, {src + QStringLiteral("/mlflow.db")}, Format::Auto, ImportOptions{});
    QVERIFY2(r.failedRuns.isEmpty(), qPrintable(r.failedRuns.join(QLatin1Char('\n'))));
    QCOMPARE(store.runs().countRuns(RunQuery{}),
             qint64(truth.value(QStringLiteral("check_active_runs")).toInt()));
    RunQuery filter;
    filter.filter = QStringLiteral("metrics.loss < 0.2 and params.lr = '0.01'");
    filter.orderBy = QStringLiteral("attributes.run_name");
    QStringList names;
    for (const Run &run : store.runs().searchRuns(filter))
        names << run.name;
    QStringList want;
    for (const QJsonValue &v : truth.value(QStringLiteral("check_filter_loss_lt_0.2_lr_0.01")).toArray())
        want << v.toString();
    QCOMPARE(names, want);
    RunQuery run2;
    run2.filter = QStringLiteral("attributes.run_name = 'run-02'");
    const QStringList ids = store.runs().searchRunIds(run2);
    QCOMPARE(ids.size(), 1);
    QCOMPARE(store.runs().metricSummary(ids[0], QStringLiteral("loss"))->last,
             truth.value(QStringLiteral("check_latest_loss_run2")).toDouble());
    const auto model = store.registry().registeredModel(QStringLiteral("toy-classifier"));
    QVERIFY(model);
    QCOMPARE(model->aliases.value(QStringLiteral("champion")),
             truth.value(QStringLiteral("check_model_alias")).toInt());
    QVERIFY(r.artifactsAdded > 0);
}

void TestImport::sameRelativeKeysFromTwoSourcesStayApart()
{
    // Two projects' lightning_logs both hold version_1/metrics.csv: they are different runs.
    QTemporaryDir dir;
    const QString a = dir.filePath(QStringLiteral("project-a/lightning_logs"));
    const QString b = dir.filePath(QStringLiteral("project-b/lightning_logs"));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("project-a"))) &&
            QDir().mkpath(dir.filePath(QStringLiteral("project-b"))));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/public/driemann-ml-aos/lightning_logs"), a));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/public/driemann-ml-aos/lightning_logs"), b));
    Store store(dir.filePath(QStringLiteral("r.db")));
    const ImportReport first = importPaths(store, {a, b}, Format::Auto, ImportOptions{});
    QCOMPARE(first.runsAdded, 8);
    QCOMPARE(first.runsUpdated, 0);
    const ImportReport again = importPaths(store, {b, a}, Format::Auto, ImportOptions{});
    QCOMPARE(again.runsAdded, 0);
    QCOMPARE(again.pointsAdded, qint64(0));
    QCOMPARE(store.runs().countRuns(RunQuery{}), qint64(8));
}

void TestImport::growingCsvAddsOnlyNewRows()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("train.csv"));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("step,loss,acc\n0,1.0,0.1\n1,0.8,0.2\n");
    f.close();
    Store store(dir.filePath(QStringLiteral("r.db")));
    ImportOptions options;
    options.experiment = QStringLiteral("live");
    QCOMPARE(importPaths(store, {csv}, Format::Csv, options).pointsAdded, qint64(4));
    QVERIFY(f.open(QIODevice::Append));
    f.write("2,0.5,nan\n3,0.4,0.5\n");
    f.close();
    const ImportReport grown = importPaths(store, {csv}, Format::Csv, options);
    QCOMPARE(grown.pointsAdded, qint64(4));
    QCOMPARE(grown.runsAdded, 0);
    QCOMPARE(grown.runsUpdated, 1);
    const QStringList ids = store.runs().searchRunIds(RunQuery{});
    QCOMPARE(ids.size(), 1);
    const std::vector<MetricPoint> acc = store.series().metricHistory(ids[0], QStringLiteral("acc"));
    QCOMPARE(acc.size(), size_t(4));
    QVERIFY(std::isnan(acc[2].value));
    QCOMPARE(store.runs().run(ids[0])->experimentName, QStringLiteral("live"));
}

void TestImport::lightningRunsWithoutTimesKeepNoStart()
{
    // The real Lightning logs hold no times and the checkout made their folders: no start is stored (not the
    // import's time), the end is each log's last write, and a second import changes neither.
    QTemporaryDir dir;
    const QString logs = Fixtures + QStringLiteral("/public/driemann-ml-aos/lightning_logs");
    Store store(dir.filePath(QStringLiteral("r.db")));
    const ImportReport first = importPaths(store, {logs}, Format::Auto, ImportOptions{});
    QCOMPARE(first.runsAdded, 4);
    const ImportReport again = importPaths(store, {logs}, Format::Auto, ImportOptions{});
    QCOMPARE(again.runsAdded, 0);
    QCOMPARE(again.pointsAdded, qint64(0));
    const QStringList ids = store.runs().searchRunIds(RunQuery{});
    QCOMPARE(ids.size(), 4);
    for (const QString &id : ids) {
        const std::optional<Run> run = store.runs().run(id);
        QVERIFY(run);
        QCOMPARE(run->startMs, std::nullopt);
        const QString csv = logs + QLatin1Char('/') + run->name + QStringLiteral("/metrics.csv");
        QCOMPARE(run->endMs, std::optional<qint64>(QFileInfo(csv).lastModified().toMSecsSinceEpoch()));
    }
    // The store reads back what it wrote: the column is NULL, not 0.
    Store reopened(dir.filePath(QStringLiteral("r.db")));
    QCOMPARE(reopened.runs().run(ids[0])->startMs, std::nullopt);
}

void TestImport::hparamsSessionFolderIsItsRunsOnReimportToo()
{
    // torch's add_hparams session folder run_a/hparams is part of run_a: two runs, run_a with the session's
    // params and metric values; a second import adds nothing.
    QTemporaryDir dir;
    const QString tb = Fixtures + QStringLiteral("/tensorboard/tb");
    Store store(dir.filePath(QStringLiteral("r.db")));
    const ImportReport first = importPaths(store, {tb}, Format::Auto, ImportOptions{});
    QCOMPARE(first.runsAdded, 2);
    const ImportReport again = importPaths(store, {tb}, Format::Auto, ImportOptions{});
    QCOMPARE(again.runsAdded, 0);
    QCOMPARE(again.runsUpdated, 0);
    QCOMPARE(again.pointsAdded, qint64(0));
    RunQuery q;
    q.filter = QStringLiteral("attributes.run_name = 'run_a'");
    const std::vector<Run> runs = store.runs().searchRuns(q);
    QCOMPARE(runs.size(), size_t(1));
    QCOMPARE(runs[0].params.value(QStringLiteral("optimizer")), QStringLiteral("adam"));
    QVERIFY(runs[0].metrics.contains(QStringLiteral("hparam/final_loss")));
    QCOMPARE(runs[0].metrics.value(QStringLiteral("loss")).count, qint64(300));
    QCOMPARE(store.runs().countRuns(RunQuery{}), qint64(2));
}

void TestImport::unknownPathChangesNothing()
{
    QTemporaryDir dir;
    Store store(dir.filePath(QStringLiteral("r.db")));
    const QString good = Fixtures + QStringLiteral("/public/driemann-ml-aos/lightning_logs");
    QVERIFY_THROWS_EXCEPTION(Error, importPaths(store, {good, dir.filePath(QStringLiteral("typo"))},
                                                Format::Auto, ImportOptions{}));
    QVERIFY_THROWS_EXCEPTION(Error, importPaths(store, {good, Fixtures + QStringLiteral("/README.md")},
                                                Format::Auto, ImportOptions{}));
    QCOMPARE(store.runs().countRuns(RunQuery{}), qint64(0));
    QVERIFY(store.runs().experiments().empty());
}

// A source in which the reader finds nothing is a failed source whose message says what was looked for, with
// --format or detected, and the database is left as it was.
void TestImport::nothingToImportFails_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("source"); // below the test's folder
    QTest::addColumn<QString>("message");
    QTest::newRow("mlflow") << int(Format::MlflowFiles) << "text"
                            << "is not an MLflow file store (no experiment folder with meta.yaml)";
    QTest::newRow("mlflow-db") << int(Format::MlflowDatabase) << "empty/mlflow.db"
                               << "is empty, not an MLflow database";
    QTest::newRow("tensorboard") << int(Format::TensorBoard) << "text"
                                 << "no TensorBoard event files (events.out.tfevents";
    QTest::newRow("tensorboard, an empty event file")
        << int(Format::TensorBoard) << "empty/events.out.tfevents.1700000000.host"
        << "no run could be read (1 warnings)";
    QTest::newRow("csv")
        << int(Format::Csv) << "text"
        << "nothing to import: no CSV or TSV log found (.csv and .tsv files, or .log and .txt "
           "files holding a header row and rows of numbers)";
    QTest::newRow("jsonl") << int(Format::JsonLines) << "text"
                           << "nothing to import: no JSON-lines log found (.jsonl and .ndjson files)";
    QTest::newRow("auto")
        << int(Format::Auto) << "text"
        << "format not recognised (an mlruns folder, mlflow.db, TensorBoard event files, CSV "
           "or JSON-lines logs, Kubeflow Pipelines metrics, a DVC project or DVCLive folder)";
}

void TestImport::nothingToImportFails()
{
    QFETCH(int, format);
    QFETCH(QString, source);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QDir root(dir.path());
    QVERIFY(root.mkpath(QStringLiteral("text/run1")) && root.mkpath(QStringLiteral("empty")));
    QVERIFY(writeBytes(dir.filePath(QStringLiteral("text/run1/train.log")),
                       "Epoch 1/10\nTraceback (most recent call last):\n  File \"train.py\", line 3\n"));
    QVERIFY(writeBytes(dir.filePath(QStringLiteral("text/notes.txt")), "tried lr 0.1, 0.01\n"));
    QVERIFY(writeBytes(dir.filePath(QStringLiteral("empty/mlflow.db")), ""));
    QVERIFY(writeBytes(dir.filePath(QStringLiteral("empty/events.out.tfevents.1700000000.host")), ""));
    Store store(dir.filePath(QStringLiteral("r.db")));
    importPaths(store, {Fixtures + KerasLog}, Format::Auto, ImportOptions{});
    const QString before = databaseState(store);
    QVERIFY(before.contains(QLatin1String("val_loss 10")));

    const QString path = dir.filePath(source);
    try {
        const ImportReport r = importPaths(store, {path}, Format(format), ImportOptions{});
        QCOMPARE(r.failedSources.size(), 1);
        QVERIFY2(r.failedSources.first().startsWith(path + QStringLiteral(": ")),
                 qPrintable(r.failedSources.first()));
        QVERIFY2(r.failedSources.first().contains(message), qPrintable(r.failedSources.first()));
        QCOMPARE(r.runsAdded, 0);
        QCOMPARE(r.experimentsAdded, 0);
    } catch (const Error &e) { // refused before reading: only when no format was given
        QCOMPARE(Format(format), Format::Auto);
        QVERIFY2(e.message().contains(message), qPrintable(e.message()));
    }
    QCOMPARE(databaseState(store), before);
}

// A reader that finds nothing and says nothing (no run, experiment or model, no warning) leaves a failed
// source naming what it looked for; one experiment alone (an MLflow store without runs) is something.
void TestImport::sourceGivingNothingFails()
{
    QTemporaryDir dir;
    Store store(dir.filePath(QStringLiteral("r.db")));
    {
        ImportWriter silent(store, ImportOptions{}, QStringLiteral("x"), QStringLiteral("logs"));
        QCOMPARE(silent.finish(QStringLiteral("widget logs (*.wl)")).failedSources,
                 QStringList{QStringLiteral("logs: nothing to import: no widget logs (*.wl) found")});
    }
    {
        ImportWriter silent(store, ImportOptions{}, QStringLiteral("x"), QStringLiteral("logs"));
        QCOMPARE(silent.finish().failedSources, QStringList{QStringLiteral("logs: nothing to import found")});
    }
    {
        ImportWriter experimentOnly(store, ImportOptions{}, QStringLiteral("x"), QStringLiteral("mlruns"));
        SourceExperiment e;
        e.name = QStringLiteral("empty");
        QVERIFY(experimentOnly.experiment(e));
        QVERIFY(experimentOnly.finish(QStringLiteral("runs")).failedSources.isEmpty());
    }
}

// Files the CSV reader rejects: each message names the file and the line, nothing is written.
void TestImport::rejectedCsvChangesNothing_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty csv") << "empty.csv" << QByteArray() << "empty file; nothing imported";
    QTest::newRow("empty training.log, named as csv")
        << "training.csv" << QByteArray("\n\n") << "empty file; nothing imported";
    QTest::newRow("header's quote never closed") << "quote.csv" << QByteArray("epoch,\"loss\n0,1\n")
                                                 << "line 1: the header's quoted field is never closed";
    QTest::newRow("quote never closed in the first row")
        << "quote2.csv" << QByteArray("epoch,loss\n\"0,1\n1,2\n") << "line 2: a quoted field is never closed";
    QTest::newRow("every row the wrong width") << "rows.tsv" << QByteArray("step\tloss\n0\t1\t2\n1\n")
                                               << "line 3: 1 field(s) where the header has 2";
    QTest::newRow("binary") << "junk.csv" << QByteArray("\x01\x02,\x03\n1,2\n", 9)
                            << "line 1: the header holds control characters";
    QTest::newRow("steps that are not integers")
        << "steps.log" << QByteArray("epoch,loss\n0,1\nx,2\n") << ""; // by content not a CSV log: refused
}

void TestImport::rejectedCsvChangesNothing()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString file = dir.filePath(name);
    QVERIFY(writeBytes(file, content));
    Store store(dir.filePath(QStringLiteral("r.db")));
    importPaths(store, {Fixtures + KerasLog}, Format::Auto, ImportOptions{});
    const QString before = databaseState(store);
    if (message.isEmpty()) {
        QVERIFY_THROWS_EXCEPTION(Error, importPaths(store, {file}, Format::Auto, ImportOptions{}));
    } else {
        const ImportReport r = importPaths(store, {file}, Format::Auto, ImportOptions{});
        QCOMPARE(r.failedSources.size(), 1);
        QVERIFY2(r.failedSources.first().startsWith(file + QStringLiteral(": no run could be read")),
                 qPrintable(r.failedSources.first()));
        QVERIFY2(r.warnings.value(file).join(QLatin1Char('\n')).contains(message), qPrintable(r.toText()));
        QCOMPARE(r.runsAdded, 0);
    }
    QCOMPARE(databaseState(store), before);
}

// A Talos scan folder through a real database: one run per row in the experiment named after the scan, each
// metric one point at the row's round_epochs; again adds nothing.
void TestImport::talosScanFolderImport()
{
    QTemporaryDir dir;
    const QString scan = dir.filePath(QStringLiteral("talos_2020-01-29_00h10m"));
    QVERIFY(
        copyTree(Fixtures + QStringLiteral("/public/talos/tcae-FollowUpward/talos_2020-01-29_00h10m"), scan));
    QVERIFY(writeBytes(scan + QStringLiteral("/013020001500.csv"), "")); // an aborted scan
    Store store(dir.filePath(QStringLiteral("r.db")));
    ImportOptions options;
    options.experiment = QStringLiteral("ignored for a scan");
    const ImportReport r = importPaths(store, {dir.path()}, Format::Auto, options);
    QVERIFY2(r.failedSources.isEmpty() && r.failedRuns.isEmpty(), qPrintable(r.toText()));
    QCOMPARE(r.runsAdded, 3);
    QCOMPARE(r.warnings.value(scan + QStringLiteral("/013020001500.csv")),
             QStringList{QStringLiteral("empty file; nothing imported")});
    const auto experiment = store.runs().experimentByName(QStringLiteral("talos_2020-01-29_00h10m"));
    QVERIFY(experiment);
    RunQuery query;
    query.experiments = {experiment->id};
    query.orderBy = QStringLiteral("attributes.run_name");
    const std::vector<Run> runs = store.runs().searchRuns(query);
    QCOMPARE(runs.size(), size_t(3));
    const qint64 rounds[] = {25, 11, 10}; // round_epochs of rows 1-3, read with Python's csv module
    for (size_t i = 0; i < 3; ++i) {
        QCOMPARE(runs[i].name, QStringLiteral("012920001059 #%1").arg(i + 1));
        const QMap<QString, qint64> counts = store.series().metricCounts(runs[i].id);
        QCOMPARE(counts.size(), 7);
        for (const QString &key : counts.keys()) {
            QCOMPARE(counts.value(key), qint64(1));
            const auto summary = store.runs().metricSummary(runs[i].id, key);
            QVERIFY(summary);
            QCOMPARE(summary->lastStep, rounds[i]);
        }
        QCOMPARE(runs[i].params.size(), 10);
    }
    QCOMPARE(runs[1].params.value(QStringLiteral("use_l3")), QStringLiteral("True"));
    const QString before = databaseState(store);
    const ImportReport again = importPaths(store, {dir.path()}, Format::Auto, options);
    QCOMPARE(again.runsAdded, 0);
    QCOMPARE(again.pointsAdded, qint64(0));
    QCOMPARE(databaseState(store), before);
}

void TestImport::cancelStopsBetweenRuns()
{
    // The window's worker cancels through ImportOptions: runs written so far stay whole, nothing after.
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("mlruns"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file/mlruns"), src));
    Store store(dir.filePath(QStringLiteral("r.db")));
    int seen = 0;
    ImportOptions options;
    qint64 lastDone = 0, lastTotal = 0;
    options.progress = [&](qint64 done, qint64 total) {
        lastDone = done;
        lastTotal = total;
        ++seen;
    };
    options.cancelled = [&] { return seen >= 3; };
    const ImportReport r = importPaths(store, {src}, Format::Auto, options);
    QVERIFY(r.cancelled);
    QCOMPARE(r.runsAdded, 3);
    QCOMPARE(lastDone, qint64(3));
    QCOMPARE(lastTotal, qint64(12));
    RunQuery all;
    all.includeDeleted = true;
    QCOMPARE(store.runs().countRuns(all), qint64(3));
    for (const QString &id : store.runs().searchRunIds(all))
        QVERIFY(!store.runs().metricKeys(id).isEmpty()); // each imported run is complete
    // Importing again without cancelling completes the rest.
    const ImportReport rest = importPaths(store, {src}, Format::Auto, ImportOptions{});
    QCOMPARE(rest.runsAdded, 9);
}

void TestImport::followImportsNewPoints()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("live.csv"));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("step,loss\n0,1.0\n");
    f.flush();
    const QString db = dir.filePath(QStringLiteral("r.db"));
    QProcess follow;
    follow.start(QStringLiteral(RUNLENS_BINARY),
                 {QStringLiteral("--db"), db, QStringLiteral("import"), csv, QStringLiteral("--follow"),
                  QStringLiteral("--interval"), QStringLiteral("1"), QStringLiteral("--report"),
                  QStringLiteral("json")});
    QVERIFY(follow.waitForStarted());
    const auto points = [&]() -> qint64 {
        if (!QFileInfo::exists(db))
            return 0;
        Store store(db);
        const QStringList ids = store.runs().searchRunIds(RunQuery{});
        return ids.isEmpty() ? 0 : store.series().metricCounts(ids[0]).value(QStringLiteral("loss"));
    };
    QTRY_COMPARE_WITH_TIMEOUT(points(), qint64(1), 10000);
    f.write("1,0.5\n2,0.25\n");
    f.flush();
    QTRY_COMPARE_WITH_TIMEOUT(points(), qint64(3), 10000);
    f.write("3,nan\n");
    f.close();
    QTRY_COMPARE_WITH_TIMEOUT(points(), qint64(4), 10000);
    follow.terminate(); // SIGTERM: --follow stops at the next check and exits normally
    QVERIFY(follow.waitForFinished(10000));
    QCOMPARE(follow.exitStatus(), QProcess::NormalExit);
    QCOMPARE(follow.exitCode(), 0);
    const QList<QByteArray> reports = follow.readAllStandardOutput().trimmed().split('\n');
    QVERIFY2(reports.size() >= 2, "one report per pass that added something");
}

void TestImport::stalledLogWriterDoesNotHoldTheLock()
{
    // `runlens log` streaming from a writer that stops in the middle of a line (a block-buffered pipe) must
    // not keep the database locked meanwhile: another process's write goes through at once.
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("r.db"));
    QString runId;
    {
        Store store(db);
        NewRun init;
        init.experimentId = store.runs().createExperiment(QStringLiteral("e"));
        runId = store.runs().createRun(init).id;
    }
    QProcess log;
    log.start(QStringLiteral(RUNLENS_BINARY),
              {QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--run"), runId});
    QVERIFY(log.waitForStarted());
    log.write("{\"metrics\": {\"a\": 1}}\n{\"metrics\": {\"a\":");
    Store store(db);
    QTRY_COMPARE(store.series().metricCounts(runId).value(QStringLiteral("a")), qint64(1));
    QElapsedTimer t;
    t.start();
    store.series().logMetric(runId, QStringLiteral("b"),
                             {0, 0, 5.0}); // would wait 15 s and fail if the lock were held
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    log.write(" 2}}\n");
    log.closeWriteChannel();
    QVERIFY(log.waitForFinished(10000));
    QCOMPARE(log.exitCode(), 0);
    QCOMPARE(store.series().metricCounts(runId).value(QStringLiteral("a")), qint64(2));
}

void TestImport::refusedRunTakesItsExperimentFromTheReport()
{
    // The only run of a CSV log is refused (a metric name longer than the store accepts); the experiment
    // the import created for it went with it, and the report must not count it.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("metrics.csv"));
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("step," + QByteArray(300, 'k') + "\n1,0.5\n2,0.25\n");
    }
    Store store(dir.filePath(QStringLiteral("r.db")));
    ImportOptions options;
    options.experiment = QStringLiteral("fresh");
    const ImportReport r = importPaths(store, {csv}, Format::Csv, options);
    QCOMPARE(r.failedRuns.size(), 1);
    QVERIFY(!store.runs().experimentByName(QStringLiteral("fresh")));
    QCOMPARE(r.experimentsAdded, 0);
    QCOMPARE(r.runsAdded, 0);
    // The source was read; the refused run is reported as such (the command line exits 1 for it).
    QVERIFY(r.failedSources.isEmpty());
    QVERIFY(r.failedRuns[0].contains(QLatin1String("longer than")));
}

void TestImport::diskFullReportsOnlyWhatWasCommitted()
{
    // The database and its artifact store on a 700 KiB tmpfs; the MLflow fixture store (1.9 MB with its
    // artifacts) does not fit. What the report counts is what the database holds, and no copy is left
    // without a row.
    if (::geteuid() != 0)
        QSKIP("mounting a small tmpfs needs root");
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("src"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file"), src));
    const QString full = dir.filePath(QStringLiteral("full"));
    QVERIFY(QDir().mkpath(full));
    if (QProcess::execute(QStringLiteral("mount"),
                          {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                           QStringLiteral("size=700k"), QStringLiteral("tmpfs"), full}) != 0)
        QSKIP("cannot mount a tmpfs here");
    const auto unmount = qScopeGuard([&] { QProcess::execute(QStringLiteral("umount"), {full}); });
    {
        Store store(full + QStringLiteral("/r.db"));
        const ImportReport r = importPaths(store, {src + QStringLiteral("/mlruns")}, Format::Auto, {});
        // The disk did fill up: some artifacts or runs were not imported.
        QVERIFY2(!r.failedRuns.isEmpty() || r.toText().contains(QLatin1String("No space left")),
                 qPrintable(r.toText()));
        RunQuery all;
        all.includeDeleted = true;
        QCOMPARE(qint64(r.runsAdded), store.runs().countRuns(all));
        QCOMPARE(qsizetype(r.experimentsAdded), qsizetype(store.runs().experiments(true).size()));
        int versions = 0;
        for (const RegisteredModel &m : store.registry().registeredModels())
            versions += int(m.versions.size());
        QCOMPARE(qsizetype(r.modelsAdded), qsizetype(store.registry().registeredModels().size()));
        QCOMPARE(r.versionsAdded, versions);
        int artifacts = 0;
        for (const Run &run : store.runs().searchRuns(all))
            artifacts += int(store.artifacts().artifacts(run.id, true).size());
        QCOMPARE(r.artifactsAdded, artifacts);
        const QStringList left = artifactLeftovers(store);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
    }
}

void TestImport::dvcProjectGivesTheDatasetsTab()
{
    // A DVC project in a git work tree (a worktree's .git file), imported into a real database: the run
    // page's Datasets tab lists dvc.lock's dependencies; the commit is the run's.
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("example-dvc-experiments"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/public/dvc/iterative-example-dvc-experiments"), src));
    const QString gitDir = dir.filePath(QStringLiteral("repo.git/worktrees/example"));
    QVERIFY(QDir().mkpath(gitDir));
    QVERIFY(test::writeFile(src + QStringLiteral("/.git"), "gitdir: " + gitDir.toUtf8() + "\n"));
    QVERIFY(test::writeFile(gitDir + QStringLiteral("/HEAD"), "48b1e50e2a4f1d6b4f5d8c1a0b7e3f9c2d6a8b10\n"));
    Store store(dir.filePath(QStringLiteral("r.db")));
    const ImportReport first = importPaths(store, {src}, Format::Auto, ImportOptions{});
    QVERIFY2(first.warnings.isEmpty(), qPrintable(first.toText()));
    QCOMPARE(first.runsAdded, 1);
    QCOMPARE(first.pointsAdded, qint64(4 * 10 + 2)); // four plots of 10 rows, metrics.json's loss and acc
    const QStringList ids = store.runs().searchRunIds(RunQuery{});
    QCOMPARE(ids.size(), 1);
    const RunDetails details = RunDetails::load(store, ids[0]);
    QVERIFY(details.run);
    QCOMPARE(details.run->tags.value(QStringLiteral("mlflow.source.git.commit")),
             QStringLiteral("48b1e50e2a4f1d6b4f5d8c1a0b7e3f9c2d6a8b10"));
    QCOMPARE(details.run->params.value(QStringLiteral("train.epochs")), QStringLiteral("10"));
    RunInputsModel model;
    QAbstractItemModelTester tester(&model);
    model.setInputs(details.inputs);
    QCOMPARE(model.rowCount(), 2);
    auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(cell(0, RunInputsModel::NameColumn), QStringLiteral("data"));
    QCOMPARE(cell(0, RunInputsModel::DigestColumn), QStringLiteral("687552951726b99c2eee15d29b4ccf0e.dir"));
    QCOMPARE(cell(0, RunInputsModel::ContextColumn), QStringLiteral("train"));
    QCOMPARE(cell(0, RunInputsModel::SourceTypeColumn), QStringLiteral("dvc"));
    QCOMPARE(cell(0, RunInputsModel::SourceColumn), src + QStringLiteral("/data"));
    QCOMPARE(cell(1, RunInputsModel::NameColumn), QStringLiteral("src"));
    QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("17397976")));
    // Again: nothing new, no second copy of an input.
    const ImportReport again = importPaths(store, {src}, Format::Auto, ImportOptions{});
    QCOMPARE(again.runsAdded, 0);
    QCOMPARE(again.pointsAdded, qint64(0));
    QCOMPARE(store.runs().datasetInputs(ids[0]).size(), size_t(2));
}

void TestImport::brokenDvcLiveFileLeavesTheDatabaseUnchanged()
{
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("exp"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/public/dvc/iterative-dvclive-exp-tracking"), src));
    const QString plot = src + QStringLiteral("/dvclive/plots/metrics/epoch.tsv");
    QByteArray bytes = test::readFile(plot);
    bytes.replace("549\t2\n", "549\t2\t7\n"); // line 12 gets a third field
    QVERIFY(test::writeFile(plot, bytes));
    Store store(dir.filePath(QStringLiteral("r.db")));
    const ImportReport r = importPaths(store, {src}, Format::Auto, ImportOptions{});
    QCOMPARE(r.runsAdded, 0);
    QCOMPARE(r.pointsAdded, qint64(0));
    QCOMPARE(store.runs().countRuns(RunQuery{}), qint64(0));
    QVERIFY2(r.warnings.value(plot).join(QLatin1Char('\n')).contains(QStringLiteral("line 12: 3 field(s)")),
             qPrintable(r.toText()));
    QCOMPARE(r.failedSources.size(), 1);
}

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
