// SPDX-License-Identifier: GPL-3.0-or-later
// The window's import job without widgets: it imports real fixtures on its own thread and connection,
// reports throttled progress in the readers' units, stops when cancelled leaving only whole runs, and says
// what is wrong with a missing or unrecognised source or an unusable database.

#include "import/importjob.h"
#include "store/store.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;
using import::Format;
using import::ImportReport;
using runlens::test::copyTree;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);

QJsonObject groundTruth(const QString &file)
{
    QFile f(Fixtures + QLatin1Char('/') + file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// Lightning-style logs: runs folders version_<i>/metrics.csv with `rows` rows of two metrics each.
QString writeCsvLogs(const QString &root, int runs, int rows)
{
    for (int r = 0; r < runs; ++r) {
        const QString dir = QStringLiteral("%1/version_%2").arg(root).arg(r);
        if (!QDir().mkpath(dir))
            return {};
        QFile f(dir + QStringLiteral("/metrics.csv"));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        QByteArray text = "step,epoch,loss,acc\n";
        for (int i = 0; i < rows; ++i)
            text += QByteArray::number(i) + ',' + QByteArray::number(i / 100) + ',' +
                    QByteArray::number(1.0 / (i + 1)) + ',' + QByteArray::number(i / double(rows)) + '\n';
        f.write(text);
    }
    return root;
}

ImportRequest requestOf(const QList<ImportRequest::Source> &sources, bool skipUnrecognised = false)
{
    ImportRequest r;
    r.sources = sources;
    r.skipUnrecognised = skipUnrecognised;
    return r;
}

RunQuery everyRun()
{
    RunQuery q;
    q.includeDeleted = true;
    return q;
}

} // namespace

class TestImportJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void importsMlflowStoreWithProgress();
    void progressIsThrottled();
    void cancelKeepsOnlyWholeRuns();
    void destroyingARunningJobIsSafe();
    void missingPathFailsBeforeWriting();
    void unrecognisedSourcesSkippedWhenAsked();
    void unusableDatabaseFails();
};

void TestImportJob::importsMlflowStoreWithProgress()
{
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("mlruns"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file/mlruns"), src));
    const QString db = dir.filePath(QStringLiteral("r.db"));
    {
        Store create(db);
    } // the window's database exists before an import starts

    ImportRequest request;
    request.sources = {{src, Format::Auto}};
    ImportJob job(db, request);
    QSignalSpy started(&job, &ImportJob::sourceStarted);
    QSignalSpy progress(&job, &ImportJob::progress);
    QSignalSpy finished(&job, &ImportJob::finished);
    QSignalSpy failed(&job, &ImportJob::failed);
    QVERIFY(started.isValid() && progress.isValid() && finished.isValid() && failed.isValid());
    QVERIFY(!job.isRunning());
    job.start();
    QVERIFY(job.isRunning());
    QVERIFY(finished.wait(60000));
    QVERIFY(!job.isRunning());
    QCOMPARE(failed.count(), 0);

    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toInt(), 0);
    QCOMPARE(started.at(0).at(1).toString(), src);
    QCOMPARE(started.at(0).at(2).value<Format>(), Format::MlflowFiles);
    QCOMPARE(ImportJob::progressUnit(Format::MlflowFiles), ImportJob::Unit::Runs);
    // MLflow stores count runs; the last signal is the whole store.
    const QJsonObject truth = groundTruth(QStringLiteral("mlflow-file/ground_truth.json"));
    const QJsonArray runs = truth.value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 12);
    QVERIFY(progress.count() >= 1);
    QCOMPARE(progress.last().at(1).toLongLong(), qint64(runs.size()));
    QCOMPARE(progress.last().at(2).toLongLong(), qint64(runs.size()));

    const ImportReport report = finished.at(0).at(0).value<ImportReport>();
    QVERIFY(!report.cancelled);
    QCOMPARE(report.runsAdded, int(runs.size()));
    qint64 points = 0;
    for (const QJsonValue &r : runs)
        points += r.toObject().value(QStringLiteral("n_metric_points")).toInteger();
    QCOMPARE(report.pointsAdded, points);
    // Two named experiments and MLflow's Default.
    QCOMPARE(report.experimentsAdded, int(truth.value(QStringLiteral("experiments")).toObject().size()) + 1);
    QCOMPARE(report.modelsAdded, 1);
    QCOMPARE(report.versionsAdded, int(truth.value(QStringLiteral("registry"))
                                           .toObject()
                                           .value(QStringLiteral("versions"))
                                           .toArray()
                                           .size()));

    Store store(db);
    QCOMPARE(store.runs().countRuns(everyRun()), qint64(runs.size()));
}

void TestImportJob::progressIsThrottled()
{
    // 300 files: the CSV reader reports after every one; the job passes on a few per second.
    QTemporaryDir dir;
    const QString logs = writeCsvLogs(dir.filePath(QStringLiteral("logs")), 300, 20);
    QVERIFY(!logs.isEmpty());
    const QString db = dir.filePath(QStringLiteral("r.db"));
    ImportJob job(db, requestOf({{logs, Format::Auto}}));
    QSignalSpy progress(&job, &ImportJob::progress);
    QSignalSpy finished(&job, &ImportJob::finished);
    QElapsedTimer timer;
    timer.start();
    job.start();
    QVERIFY(finished.wait(120000));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(finished.at(0).at(0).value<ImportReport>().runsAdded, 300);
    QVERIFY(progress.count() >= 1);
    QCOMPARE(progress.last().at(1).toLongLong(), qint64(300));
    QCOMPARE(progress.last().at(2).toLongLong(), qint64(300));
    // One signal per interval at most, plus the first and the last.
    const qint64 allowed = elapsed / ImportJob::ProgressIntervalMs + 2;
    QVERIFY2(progress.count() <= allowed,
             qPrintable(QStringLiteral("%1 progress signals in %2 ms").arg(progress.count()).arg(elapsed)));
    QVERIFY(progress.count() < 300);
}

void TestImportJob::cancelKeepsOnlyWholeRuns()
{
    QTemporaryDir dir;
    constexpr int Runs = 400, Rows = 2000;
    const QString logs = writeCsvLogs(dir.filePath(QStringLiteral("logs")), Runs, Rows);
    QVERIFY(!logs.isEmpty());
    const QString db = dir.filePath(QStringLiteral("r.db"));
    ImportJob job(db, requestOf({{logs, Format::Csv}}));
    QSignalSpy finished(&job, &ImportJob::finished);
    // Cancel as soon as a few runs are in: from the GUI thread, as the window's Cancel button does.
    connect(&job, &ImportJob::progress, &job, [&job](int, qint64 done, qint64) {
        if (done >= 3)
            job.cancel();
    });
    job.start();
    QVERIFY(finished.wait(120000));
    QVERIFY(job.isCancelRequested());
    const ImportReport report = finished.at(0).at(0).value<ImportReport>();
    QVERIFY(report.cancelled);
    QVERIFY2(report.runsAdded >= 3 && report.runsAdded < Runs, qPrintable(report.toText()));

    Store store(db);
    const QStringList ids = store.runs().searchRunIds(everyRun());
    QCOMPARE(ids.size(), qsizetype(report.runsAdded));
    for (const QString &id : ids) {
        const QMap<QString, qint64> counts = store.series().metricCounts(id);
        QCOMPARE(counts.value(QStringLiteral("loss")), qint64(Rows));
        QCOMPARE(counts.value(QStringLiteral("acc")), qint64(Rows));
    }
}

void TestImportJob::destroyingARunningJobIsSafe()
{
    // What closing the window mid-import does: the destructor cancels and waits for the run in progress.
    QTemporaryDir dir;
    constexpr int Rows = 2000;
    const QString logs = writeCsvLogs(dir.filePath(QStringLiteral("logs")), 200, Rows);
    const QString db = dir.filePath(QStringLiteral("r.db"));
    {
        auto job = std::make_unique<ImportJob>(db, requestOf({{logs, Format::Csv}}));
        QSignalSpy progress(job.get(), &ImportJob::progress);
        job->start();
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last().at(1).toLongLong() >= 2, 60000);
        job.reset();
    }
    Store store(db);
    const QStringList ids = store.runs().searchRunIds(everyRun());
    QVERIFY(ids.size() >= 2 && ids.size() < 200);
    for (const QString &id : ids)
        QCOMPARE(store.series().metricCounts(id).value(QStringLiteral("loss")), qint64(Rows));
}

void TestImportJob::missingPathFailsBeforeWriting()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("mlruns"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file/mlruns"), good));
    const QString missing = dir.filePath(QStringLiteral("no-such-folder"));
    const QString db = dir.filePath(QStringLiteral("r.db"));
    ImportJob job(db, requestOf({{good, Format::Auto}, {missing, Format::Auto}}));
    QSignalSpy finished(&job, &ImportJob::finished);
    QSignalSpy failed(&job, &ImportJob::failed);
    job.start();
    QVERIFY(failed.wait(60000));
    QCOMPARE(finished.count(), 0);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QDir::toNativeSeparators(missing)) &&
                 message.contains(QLatin1String("does not exist")),
             qPrintable(message));
    QVERIFY(!job.isRunning());
    // The good source listed first was not imported either.
    if (QFileInfo::exists(db)) {
        Store store(db);
        QCOMPARE(store.runs().countRuns(everyRun()), qint64(0));
    }
}

void TestImportJob::unrecognisedSourcesSkippedWhenAsked()
{
    QTemporaryDir dir;
    const QString notes = dir.filePath(QStringLiteral("notes.txt"));
    {
        QFile f(notes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a log\n");
    }
    const QString csv =
        Fixtures + QStringLiteral("/public/driemann-ml-aos/lightning_logs/version_1/metrics.csv");
    const QString db = dir.filePath(QStringLiteral("r.db"));

    // Strictly (the dialog): nothing is imported and the message names the file.
    {
        ImportJob job(db, requestOf({{csv, Format::Auto}, {notes, Format::Auto}}));
        QSignalSpy failed(&job, &ImportJob::failed);
        job.start();
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("notes.txt: format not recognised")),
                 qPrintable(failed.at(0).at(0).toString()));
    }
    // A drop: the recognised source is imported, the other named.
    ImportJob job(db, requestOf({{notes, Format::Auto}, {csv, Format::Auto}}, true));
    QSignalSpy skipped(&job, &ImportJob::sourcesSkipped);
    QSignalSpy started(&job, &ImportJob::sourceStarted);
    QSignalSpy finished(&job, &ImportJob::finished);
    job.start();
    QVERIFY(finished.wait(60000));
    QCOMPARE(skipped.count(), 1);
    const QStringList messages = skipped.at(0).at(0).toStringList();
    QCOMPARE(messages.size(), 1);
    QVERIFY2(messages.at(0).startsWith(QDir::toNativeSeparators(notes) +
                                       QStringLiteral(": format not recognised")),
             qPrintable(messages.at(0)));
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toInt(), 1); // indices refer to the request's sources
    QCOMPARE(started.at(0).at(2).value<Format>(), Format::Csv);
    const ImportReport report = finished.at(0).at(0).value<ImportReport>();
    QCOMPARE(report.runsAdded, 1);
    QVERIFY(report.warnings.isEmpty());

    // Only unrecognised sources: named, and an empty report.
    ImportJob nothing(db, requestOf({{notes, Format::Auto}}, true));
    QSignalSpy nothingSkipped(&nothing, &ImportJob::sourcesSkipped);
    QSignalSpy nothingFinished(&nothing, &ImportJob::finished);
    nothing.start();
    QVERIFY(nothingFinished.wait(60000));
    QCOMPARE(nothingSkipped.count(), 1);
    QVERIFY(nothingSkipped.at(0).at(0).toStringList().value(0).contains(QLatin1String("notes.txt")));
    const ImportReport empty = nothingFinished.at(0).at(0).value<ImportReport>();
    QCOMPARE(empty.runsAdded, 0);
    QVERIFY(!empty.cancelled);
}

void TestImportJob::unusableDatabaseFails()
{
    QTemporaryDir dir;
    const QString notADatabase = dir.filePath(QStringLiteral("text.db"));
    {
        QFile f(notADatabase);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
    }
    const QString csv =
        Fixtures + QStringLiteral("/public/driemann-ml-aos/lightning_logs/version_1/metrics.csv");
    ImportJob job(notADatabase, requestOf({{csv, Format::Auto}}));
    QSignalSpy failed(&job, &ImportJob::failed);
    job.start();
    QVERIFY(failed.wait(60000));
    QVERIFY(!failed.at(0).at(0).toString().isEmpty());
    QFile f(notADatabase);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray(4096, 'x')); // untouched
}

QTEST_MAIN(TestImportJob)
#include "tst_importjob.moc"
