// SPDX-License-Identifier: GPL-3.0-or-later
// CSV/TSV and JSON-lines log readers: the real Lightning, Talos and DVCLive fixtures against counts and
// values read out of the files independently, every rule documented in csvlogreader.h, and malformed input
// that must produce warnings naming file and line while the good rows survive.

#include "core/error.h"
#include "core/jsonformat.h"
#include "import/csvlogreader.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

using namespace runlens;
using namespace runlens::import;

Q_DECLARE_METATYPE(runlens::import::CsvFlavor)

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);
const QString Lightning = Fixtures + QStringLiteral("/public/driemann-ml-aos/lightning_logs");
const QString TalosCsv =
    Fixtures + QStringLiteral("/public/talos/tcae-FollowUpward/talos_2020-01-29_00h10m/012920001059.csv");
const QString KerasLog = Fixtures + QStringLiteral("/public/keras/AKBoles-Voice-Identification/training.log");
const QString DvcNew = Fixtures + QStringLiteral("/public/dvc/iterative-dvclive-exp-tracking");
const QString DvcOld = Fixtures + QStringLiteral("/public/dvc/iterative-example-dvc-experiments");
const QString PacktHparams =
    Fixtures + QStringLiteral("/public/packt-dl-at-scale/chapter02/lightning_logs/version_0/hparams.yaml");

constexpr qint64 FallbackMs = 1690000000321; // not one of the times the logs below hold

// Keeps everything a reader hands over.
class RecordingSink : public ImportSink
{
public:
    std::vector<SourceRun> runs;
    std::vector<Diagnostic> warnings;
    int stopAfterRuns = -1;
    bool cancelled = false;

    bool experiment(const SourceExperiment &) override { return true; }
    bool run(SourceRun &&r) override
    {
        runs.push_back(std::move(r));
        return stopAfterRuns < 0 || int(runs.size()) < stopAfterRuns;
    }
    bool model(const SourceModel &) override { return true; }
    void warning(const Diagnostic &d) override { warnings.push_back(d); }
    void skipped(const QString &what, qint64 count) override { skips[what] += count; }
    bool isCancelled() const override { return cancelled; }
    QMap<QString, qint64> skips;

    QString warningText() const
    {
        QStringList all;
        for (const Diagnostic &d : warnings)
            all.append(d.file + QStringLiteral(": ") + d.message);
        return all.join(QLatin1Char('\n'));
    }
};

const SourceMetric *findMetric(const SourceRun &run, const QString &key)
{
    for (const SourceMetric &m : run.metrics)
        if (m.key == key)
            return &m;
    return nullptr;
}

// "key[step:value step:value] ..." sorted by key: a compact, exact picture of a run's metrics.
QString dumpMetrics(const SourceRun &run)
{
    QStringList parts;
    for (const SourceMetric &m : run.metrics) {
        QStringList points;
        for (const MetricPoint &p : m.points)
            points.append(QStringLiteral("%1:%2").arg(p.step).arg(text::formatNumber(p.value)));
        parts.append(QStringLiteral("%1[%2]").arg(m.key, points.join(QLatin1Char(' '))));
    }
    parts.sort();
    return parts.join(QLatin1Char(' '));
}

QString dumpParams(const QMap<QString, QString> &params)
{
    QStringList parts;
    for (auto it = params.cbegin(); it != params.cend(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value());
    return parts.join(QLatin1Char(' '));
}

LogFileInfo bufferInfo(const QString &file = QStringLiteral("test.csv"))
{
    LogFileInfo info;
    info.file = file;
    info.sourceKey = file;
    info.runName = QStringLiteral("test");
    info.fallbackMs = FallbackMs;
    return info;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A run spans the times its log holds; points without one (the file's time) say nothing of when it began,
// and without any the start is unknown and the end the file's last write.
void checkRunTimes(const SourceRun &run, QList<qint64> times)
{
    times.removeAll(FallbackMs);
    if (times.isEmpty()) {
        QCOMPARE(run.startMs, std::nullopt);
        QCOMPARE(run.endMs, std::optional<qint64>(FallbackMs));
        return;
    }
    QCOMPARE(run.startMs, std::optional<qint64>(*std::min_element(times.begin(), times.end())));
    QCOMPARE(run.endMs, std::optional<qint64>(*std::max_element(times.begin(), times.end())));
}

qint64 mtimeMs(const QString &path)
{
    return QFileInfo(path).lastModified().toMSecsSinceEpoch();
}

// Every warning names the file; each expected fragment is in some warning.
void checkWarnings(const RecordingSink &sink, const QString &file, const QStringList &expected)
{
    for (const Diagnostic &d : sink.warnings)
        QCOMPARE(d.file, file);
    for (const QString &e : expected)
        QVERIFY2(sink.warningText().contains(e),
                 qPrintable(QStringLiteral("no warning containing '%1' in:\n%2").arg(e, sink.warningText())));
}

} // namespace

class TestCsvLogReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void flavors_data();
    void flavors();
    void looksLike_data();
    void looksLike();
    void lightningFixture_data();
    void lightningFixture();
    void lightningSingleFile();
    void lightningTimesFromTheFolder();
    void talosFixture();
    void talosScanFolder();
    void talosWithoutRoundEpochs();
    void kerasTrainingLog();
    void csvLogsByContentInFolders();
    void dvcLiveFolders_data();
    void dvcLiveFolders();
    void dvcLiveSingleFile();
    void yamlParams_data();
    void yamlParams();
    void csvRules_data();
    void csvRules();
    void timeColumn_data();
    void timeColumn();
    void malformed_data();
    void malformed();
    void jsonLines_data();
    void jsonLines();
    void jsonLinesFiles();
    void skippedKinds();
    void missingPathThrows();
    void stopsWhenAsked();
    void speed();
};

void TestCsvLogReader::flavors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content"); // empty: name is a fixture path
    QTest::addColumn<bool>("hparams");       // write an hparams.yaml next to it
    QTest::addColumn<CsvFlavor>("flavor");

    QTest::newRow("lightning fixture") << Lightning + QStringLiteral("/version_1/metrics.csv") << QByteArray()
                                       << false << CsvFlavor::Lightning;
    QTest::newRow("talos fixture") << TalosCsv << QByteArray() << false << CsvFlavor::Talos;
    QTest::newRow("dvclive plot") << DvcNew + QStringLiteral("/dvclive/plots/metrics/train/loss.tsv")
                                  << QByteArray() << false << CsvFlavor::Generic;
    QTest::newRow("dvclive 0.x plot")
        << DvcOld + QStringLiteral("/dvclive/acc.tsv") << QByteArray() << false << CsvFlavor::Generic;
    QTest::newRow("keras") << QStringLiteral("training.log.csv")
                           << QByteArray("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.2,0.4,1.3\n")
                           << false << CsvFlavor::Keras;
    QTest::newRow("lightning by hparams.yaml")
        << QStringLiteral("metrics.csv") << QByteArray("step,loss\n1,2\n") << true << CsvFlavor::Lightning;
    QTest::newRow("lightning by epoch and step")
        << QStringLiteral("log.csv") << QByteArray("loss,epoch,step\n1,0,5\n") << false
        << CsvFlavor::Lightning;
    QTest::newRow("generic") << QStringLiteral("log.csv") << QByteArray("iteration,loss\n1,2\n") << false
                             << CsvFlavor::Generic;
    QTest::newRow("generic tsv") << QStringLiteral("log.tsv") << QByteArray("step\tloss\n1\t2\n") << false
                                 << CsvFlavor::Generic;
    QTest::newRow("empty") << QStringLiteral("empty.csv") << QByteArray("") << false << CsvFlavor::Unknown;
    QTest::newRow("binary") << QStringLiteral("junk.csv") << QByteArray("\x00\x01\x02\xff,\x05\n", 7) << false
                            << CsvFlavor::Unknown;
    QTest::newRow("missing") << QStringLiteral("/nonexistent/metrics.csv") << QByteArray() << false
                             << CsvFlavor::Unknown;
}

void TestCsvLogReader::flavors()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(bool, hparams);
    QFETCH(CsvFlavor, flavor);
    QTemporaryDir dir;
    QString path = name;
    if (!content.isEmpty() || !name.contains(QLatin1Char('/'))) {
        path = dir.filePath(name);
        QVERIFY(writeFile(path, content));
        if (hparams)
            QVERIFY(writeFile(dir.filePath(QStringLiteral("hparams.yaml")), "lr: 0.1\n"));
    }
    QCOMPARE(detectCsvFlavor(path), flavor);
}

void TestCsvLogReader::looksLike_data()
{
    QTest::addColumn<QString>("path"); // relative paths are created in a temporary folder (see looksLike())
    QTest::addColumn<bool>("csv");
    QTest::addColumn<bool>("jsonl");

    QTest::newRow("lightning_logs") << Lightning << true << false;
    QTest::newRow("folder above lightning_logs")
        << Fixtures + QStringLiteral("/public/driemann-ml-aos") << true << false;
    QTest::newRow("version folder") << Lightning + QStringLiteral("/version_2") << true << false;
    QTest::newRow("lightning with tensorboard logger")
        << Fixtures + QStringLiteral("/public/packt-dl-at-scale/chapter02/lightning_logs") << false << false;
    QTest::newRow("dvclive new layout") << DvcNew << true << false;
    QTest::newRow("dvclive 0.x layout") << DvcOld << true << false;
    QTest::newRow("mlflow store") << Fixtures + QStringLiteral("/mlflow-file/mlruns") << false << false;
    QTest::newRow("tensorboard") << Fixtures + QStringLiteral("/tensorboard/tb") << false << false;
    QTest::newRow("talos csv") << TalosCsv << true << false;
    QTest::newRow("talos scan folder") << QFileInfo(TalosCsv).path() << true << false;
    QTest::newRow("keras training.log") << KerasLog << true << false;
    QTest::newRow("folder holding a keras training.log") << QFileInfo(KerasLog).path() << true << false;
    QTest::newRow("tsv log named .txt") << QStringLiteral("steps.txt") << true << false;
    QTest::newRow("numeric columns, no step name") << QStringLiteral("numbers.log") << true << false;
    QTest::newRow("talos scan named .log") << QStringLiteral("scan.log") << true << false;
    QTest::newRow("python traceback log") << QStringLiteral("traceback.log") << false << false;
    QTest::newRow("logging module log") << QStringLiteral("logging.log") << false << false;
    QTest::newRow("rows without a header") << QStringLiteral("headless.log") << false << false;
    QTest::newRow("ragged rows") << QStringLiteral("ragged.log") << false << false;
    QTest::newRow("header only") << QStringLiteral("header-only.log") << false << false;
    QTest::newRow("text columns without a step") << QStringLiteral("people.txt") << false << false;
    QTest::newRow("folder of text logs") << QStringLiteral("text-logs") << false << false;
    QTest::newRow("yaml file") << Lightning + QStringLiteral("/version_1/hparams.yaml") << false << false;
    QTest::newRow("jsonl file") << QStringLiteral("a.jsonl") << false << true;
    QTest::newRow("ndjson file") << QStringLiteral("b.NDJSON") << false << true;
    QTest::newRow("log with json lines") << QStringLiteral("train.log") << false << true;
    QTest::newRow("plain log") << QStringLiteral("plain.log") << false << false;
    QTest::newRow("pretty json") << QStringLiteral("pretty.json") << false << false;
    QTest::newRow("folder of jsonl") << QStringLiteral("jsonl-folder") << false << true;
    QTest::newRow("missing") << QStringLiteral("/nonexistent") << false << false;
}

void TestCsvLogReader::looksLike()
{
    QFETCH(QString, path);
    QFETCH(bool, csv);
    QFETCH(bool, jsonl);
    QTemporaryDir dir;
    if (QFileInfo(path).isRelative()) {
        QVERIFY(writeFile(dir.filePath(QStringLiteral("a.jsonl")), "{\"loss\": 1}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("b.NDJSON")), ""));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("train.log")),
                          "\xEF\xBB\xBF\n  \n{\"step\": 1, \"loss\": 2}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("plain.log")), "INFO starting\n{\"loss\": 1}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("pretty.json")), "{\n  \"loss\": 1\n}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("steps.txt")), "step\tloss\n1\t0.5\n2\t0.25\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("numbers.log")), "loss,acc\n0.9,0.1\n0.5,\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("scan.log")),
                          "round_epochs,val_loss,loss,activation\n10,0.5,0.4,relu\n"));
        const QByteArray traceback = "Traceback (most recent call last):\n"
                                     "  File \"train.py\", line 12, in <module>\n"
                                     "    main(epoch, lr)\n"
                                     "ValueError: epoch, step must be integers\n";
        QVERIFY(writeFile(dir.filePath(QStringLiteral("traceback.log")), traceback));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("logging.log")),
                          "2024-05-01 10:00:01,123 INFO epoch 1\n2024-05-01 10:00:02,456 INFO epoch 2\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("headless.log")), "1,0.5\n2,0.25\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("ragged.log")), "epoch,loss\n1,0.5\n2,0.25,7\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("header-only.log")), "epoch,loss\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("people.txt")), "name,age\nann,31\nbob,42\n"));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("text-logs/run1")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("text-logs/run1/train.log")), traceback));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("text-logs/notes.txt")), "name,age\nann,31\n"));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("jsonl-folder/run1")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("jsonl-folder/run1/history.jsonl")), "{}\n"));
        path = dir.filePath(path);
    }
    QCOMPARE(looksLikeCsvLog(path), csv);
    QCOMPARE(looksLikeJsonLines(path), jsonl);
}

void TestCsvLogReader::lightningFixture_data()
{
    // Counted in the files with Python's csv module: non-empty cells per column; epoch points after dropping
    // a repeat at the same step (each file has steps logged by both a train and a validation row).
    QTest::addColumn<QString>("version");
    QTest::addColumn<int>("trainPoints");
    QTest::addColumn<int>("valPoints");
    QTest::addColumn<int>("epochPoints");
    QTest::addColumn<qint64>("trainFirstStep");
    QTest::addColumn<double>("trainFirst");
    QTest::addColumn<qint64>("lastStep");
    QTest::addColumn<double>("trainLast");
    QTest::addColumn<qint64>("valFirstStep");
    QTest::addColumn<double>("valFirst");
    QTest::addColumn<double>("valLast");
    QTest::addColumn<double>("lastEpoch");

    QTest::newRow("version_1") << "version_1" << 302 << 100 << 400 << qint64(49) << 0.05018066242337227
                               << qint64(15099) << 4.823296876566019e-06 << qint64(150)
                               << 0.0008672173717059195 << 1.8227028704131953e-06 << 99.0;
    QTest::newRow("version_2") << "version_2" << 218 << 100 << 316 << qint64(49) << 0.005968024488538504
                               << qint64(10899) << 8.943605280364864e-06 << qint64(108)
                               << 0.0022457363083958626 << 8.010788405954372e-06 << 99.0;
    QTest::newRow("version_3") << "version_3" << 604 << 200 << 800 << qint64(49) << 0.12900930643081665
                               << qint64(30199) << 0.0010093876626342535 << qint64(150)
                               << 0.017430756241083145 << 0.0003582172212190926 << 199.0;
    QTest::newRow("version_4") << "version_4" << 604 << 200 << 800 << qint64(49) << 0.4434574246406555
                               << qint64(30199) << 0.002650958951562643 << qint64(150) << 0.3609369993209839
                               << 0.0011605253675952554 << 199.0;
}

void TestCsvLogReader::lightningFixture()
{
    QFETCH(QString, version);
    QFETCH(int, trainPoints);
    QFETCH(int, valPoints);
    QFETCH(int, epochPoints);
    QFETCH(qint64, trainFirstStep);
    QFETCH(double, trainFirst);
    QFETCH(qint64, lastStep);
    QFETCH(double, trainLast);
    QFETCH(qint64, valFirstStep);
    QFETCH(double, valFirst);
    QFETCH(double, valLast);
    QFETCH(double, lastEpoch);

    RecordingSink sink;
    readCsvLog(Lightning, sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(4));
    const QString key = version + QStringLiteral("/metrics.csv");
    const auto it = std::find_if(sink.runs.begin(), sink.runs.end(),
                                 [&](const SourceRun &r) { return r.sourceKey == key; });
    QVERIFY(it != sink.runs.end());
    const SourceRun &run = *it;
    const qint64 mtime = mtimeMs(Lightning + QLatin1Char('/') + key);

    QCOMPARE(run.name, version);
    QVERIFY(run.id.isEmpty());
    QVERIFY(run.experiment.isEmpty());
    QCOMPARE(run.status, RunStatus::Finished);
    // The log holds no times and the checkout made the folder with its files: the start is unknown, the end
    // the log's last write.
    QCOMPARE(run.startMs, std::nullopt);
    QCOMPARE(run.endMs, std::optional<qint64>(mtime));
    QCOMPARE(dumpParams(run.params), QStringLiteral("batch_size=256 n_meta_layers=3 num_workers=16 "
                                                    "persistent_workers=true pin_memory=true"));
    QStringList keys;
    for (const SourceMetric &m : run.metrics)
        keys.append(m.key);
    QCOMPARE(keys, QStringList({"train_rmse", "train_loss", "epoch", "val_rmse", "val_loss"}));

    const SourceMetric *train = findMetric(run, QStringLiteral("train_loss"));
    const SourceMetric *trainRmse = findMetric(run, QStringLiteral("train_rmse"));
    const SourceMetric *val = findMetric(run, QStringLiteral("val_loss"));
    const SourceMetric *valRmse = findMetric(run, QStringLiteral("val_rmse"));
    const SourceMetric *epoch = findMetric(run, QStringLiteral("epoch"));
    QCOMPARE(int(train->points.size()), trainPoints);
    QCOMPARE(int(trainRmse->points.size()), trainPoints);
    QCOMPARE(int(val->points.size()), valPoints);
    QCOMPARE(int(valRmse->points.size()), valPoints);
    QCOMPARE(int(epoch->points.size()), epochPoints);
    QCOMPARE(train->points.front(), (MetricPoint{trainFirstStep, mtime, trainFirst}));
    QCOMPARE(train->points.back(), (MetricPoint{lastStep, mtime, trainLast}));
    QCOMPARE(val->points.front(), (MetricPoint{valFirstStep, mtime, valFirst}));
    QCOMPARE(val->points.back(), (MetricPoint{lastStep, mtime, valLast}));
    QCOMPARE(epoch->points.front(), (MetricPoint{49, mtime, 0.0}));
    QCOMPARE(epoch->points.back(), (MetricPoint{lastStep, mtime, lastEpoch}));
    for (const SourceMetric &m : run.metrics)
        for (const MetricPoint &p : m.points)
            QCOMPARE(p.timestamp, mtime);
}

void TestCsvLogReader::lightningSingleFile()
{
    RecordingSink sink;
    readCsvLog(Lightning + QStringLiteral("/version_2/metrics.csv"), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].sourceKey, QStringLiteral("version_2/metrics.csv"));
    QCOMPARE(sink.runs[0].name, QStringLiteral("version_2"));
    QCOMPARE(sink.runs[0].params.value(QStringLiteral("batch_size")), QStringLiteral("256"));
    QCOMPARE(findMetric(sink.runs[0], QStringLiteral("val_rmse"))->points.front(),
             (MetricPoint{108, mtimeMs(Lightning + QStringLiteral("/version_2/metrics.csv")),
                          0.022298071533441544}));

    RecordingSink folder; // one version folder: the same key
    readCsvLog(Lightning + QStringLiteral("/version_2"), folder);
    QCOMPARE(folder.runs.size(), size_t(1));
    QCOMPARE(folder.runs[0].sourceKey, QStringLiteral("version_2/metrics.csv"));
    QCOMPARE(folder.runs[0].name, QStringLiteral("version_2"));
}

void TestCsvLogReader::lightningTimesFromTheFolder()
{
    // A version folder made as training began and a metrics.csv last written an hour later: the folder's
    // birth is the start, the log's last write the end.
    QTemporaryDir dir;
    const QString version = dir.filePath(QStringLiteral("lightning_logs/version_0"));
    QVERIFY(QDir().mkpath(version));
    const QDateTime born = QFileInfo(version).birthTime();
    if (!born.isValid())
        QSKIP("the file system of the temporary folder records no birth times");
    const QString csv = version + QStringLiteral("/metrics.csv");
    QVERIFY(writeFile(csv, "train_loss,epoch,step\n0.5,0,49\n0.25,0,99\n"));
    QVERIFY(writeFile(version + QStringLiteral("/hparams.yaml"), "lr: 0.01\n"));
    const QDateTime end = born.addSecs(3600);
    auto setModified = [&](const QDateTime &t) {
        QFile f(csv);
        return f.open(QIODevice::ReadWrite) && f.setFileTime(t, QFileDevice::FileModificationTime);
    };
    QVERIFY(setModified(end));
    RecordingSink sink;
    readCsvLog(dir.filePath(QStringLiteral("lightning_logs")), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].startMs, std::optional<qint64>(born.toMSecsSinceEpoch()));
    QCOMPARE(sink.runs[0].endMs, std::optional<qint64>(end.toMSecsSinceEpoch()));
    QCOMPARE(sink.runs[0].params.value(QStringLiteral("lr")), QStringLiteral("0.01"));

    // Copied with its times kept (cp -a, rsync, tar): the folder is born after the log's last write, so its
    // birth is the copy's and the start unknown.
    const QDateTime trained = born.addDays(-3);
    QVERIFY(setModified(trained));
    RecordingSink copied;
    readCsvLog(csv, copied);
    QCOMPARE(copied.runs.size(), size_t(1));
    QCOMPARE(copied.runs[0].startMs, std::nullopt);
    QCOMPARE(copied.runs[0].endMs, std::optional<qint64>(trained.toMSecsSinceEpoch()));

    // A time column in the log wins over the folder.
    QVERIFY(writeFile(csv, "timestamp,train_loss,step\n1700000000.5,0.5,49\n1700000090.25,0.25,99\n"));
    QVERIFY(setModified(end));
    RecordingSink timed;
    readCsvLog(csv, timed);
    QCOMPARE(timed.runs.size(), size_t(1));
    QCOMPARE(timed.runs[0].startMs, std::optional<qint64>(1700000000500));
    QCOMPARE(timed.runs[0].endMs, std::optional<qint64>(1700000090250));
}

void TestCsvLogReader::talosFixture()
{
    RecordingSink sink;
    readCsvLog(QFileInfo(TalosCsv).path(), sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(3));
    const qint64 mtime = mtimeMs(TalosCsv);
    const SourceRun &first = sink.runs[0];
    QCOMPARE(first.sourceKey, QStringLiteral("012920001059.csv#1"));
    QCOMPARE(first.name, QStringLiteral("012920001059 #1"));
    QCOMPARE(first.experiment, QStringLiteral("talos_2020-01-29_00h10m")); // the scan's folder
    QCOMPARE(first.startMs, std::nullopt);
    QCOMPARE(first.endMs, std::optional<qint64>(mtime));
    QCOMPARE(dumpMetrics(first),
             QStringLiteral("accuracy[25:0.4483841] loss[25:1.029544068366728] "
                            "precision_1[25:0.64458674] round_epochs[25:25] "
                            "val_accuracy[25:0.2643853724002838] val_loss[25:1.100089430809021] "
                            "val_precision_1[25:0.4157262444496155]"));
    QCOMPARE(
        dumpParams(first.params),
        QStringLiteral("activation=relu dropout=0.2 epochs=50 h_neuron_var=0.6 kernel_initializer=he_uniform "
                       "l1_neurons=60 last_activation=softmax losses=categorical_crossentropy optimizer=Adam "
                       "use_l3=False"));
    QCOMPARE(first.metrics.front().points.front().timestamp, mtime);
    QCOMPARE(sink.runs[1].sourceKey, QStringLiteral("012920001059.csv#2"));
    QCOMPARE(findMetric(sink.runs[1], QStringLiteral("round_epochs"))->points.front().value, 11.0);
    // Every metric of a round is at the round's round_epochs (read with Python's csv module: 25, 11, 10).
    const qint64 rounds[] = {25, 11, 10};
    for (size_t i = 0; i < 3; ++i)
        for (const SourceMetric &m : sink.runs[i].metrics) {
            QCOMPARE(m.points.size(), size_t(1));
            QCOMPARE(m.points.front().step, rounds[i]);
        }
    QCOMPARE(sink.runs[1].params.value(QStringLiteral("use_l3")), QStringLiteral("True"));
    QCOMPARE(findMetric(sink.runs[2], QStringLiteral("loss"))->points.front().value, 1.054420885060687);
    QCOMPARE(sink.runs[2].params.value(QStringLiteral("l1_neurons")), QStringLiteral("100"));
}

// A scan folder: one file per scan, an aborted scan's empty file named in a warning and skipped, a round
// whose round_epochs is not a number kept at step 0 with a warning.
void TestCsvLogReader::talosScanFolder()
{
    QTemporaryDir dir;
    const QString scan = dir.filePath(QStringLiteral("iris_scan"));
    QVERIFY(QDir().mkpath(scan));
    QVERIFY(QFile::copy(TalosCsv, scan + QStringLiteral("/012920001059.csv")));
    const QString empty = scan + QStringLiteral("/013020001500.csv");
    QVERIFY(writeFile(empty, ""));
    const QString odd = scan + QStringLiteral("/013120000000.csv");
    QVERIFY(writeFile(odd, "round_epochs,val_loss,loss,lr,shapes,use_bias\n"
                           "7,0.5,0.25,0.001,brick,True\n"
                           "n/a,0.75,0.5,0.01,funnel,False\n"));
    RecordingSink sink;
    readCsvLog(scan, sink);
    QCOMPARE(sink.runs.size(), size_t(5));
    for (const SourceRun &r : sink.runs)
        QCOMPARE(r.experiment, QStringLiteral("iris_scan"));
    QCOMPARE(sink.runs[3].sourceKey, QStringLiteral("013120000000.csv#1"));
    QCOMPARE(dumpMetrics(sink.runs[3]), QStringLiteral("loss[7:0.25] round_epochs[7:7] val_loss[7:0.5]"));
    QCOMPARE(dumpParams(sink.runs[3].params), QStringLiteral("lr=0.001 shapes=brick use_bias=True"));
    QCOMPARE(dumpMetrics(sink.runs[4]), QStringLiteral("loss[0:0.5] val_loss[0:0.75]"));
    QCOMPARE(dumpParams(sink.runs[4].params), QStringLiteral("lr=0.01 shapes=funnel use_bias=False"));
    QCOMPARE(sink.warnings.size(), size_t(3));
    QCOMPARE(sink.warnings[0].file, empty);
    QVERIFY(sink.warnings[0].message.contains(QLatin1String("empty file")));
    QCOMPARE(sink.warnings[1].file, odd);
    QVERIFY2(
        sink.warnings[1].message.startsWith(QLatin1String("line 3: round_epochs 'n/a' is not an integer")),
        qPrintable(sink.warningText()));
    QVERIFY2(sink.warnings[2].message.startsWith(QLatin1String("line 3: 'n/a' in column 'round_epochs'")),
             qPrintable(sink.warningText()));
}

// Keras' CSVLogger as its documentation names the file: read like a .csv (counts and values read out of the
// file with Python's csv module: 10 rows, epochs 0 to 9).
void TestCsvLogReader::kerasTrainingLog()
{
    QCOMPARE(detectCsvFlavor(KerasLog), CsvFlavor::Keras);
    for (const QString &path : {KerasLog, QFileInfo(KerasLog).path()}) {
        RecordingSink sink;
        readCsvLog(path, sink);
        QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
        QCOMPARE(sink.runs.size(), size_t(1));
        const SourceRun &run = sink.runs[0];
        QCOMPARE(run.name, QStringLiteral("training"));
        QCOMPARE(run.sourceKey, QStringLiteral("training.log"));
        QCOMPARE(run.metrics.size(), size_t(4));
        const struct
        {
            const char *key;
            double first, last;
        } truth[] = {{"acc", 0.55454545346173378, 1.0},
                     {"loss", 0.76803038662130185, 0.004968041816027835},
                     {"val_acc", 0.8461538553237915, 1.0},
                     {"val_loss", 0.42321571707725525, 0.12048257887363434}};
        for (const auto &t : truth) {
            const SourceMetric *m = findMetric(run, QLatin1String(t.key));
            QVERIFY2(m, t.key);
            QCOMPARE(m->points.size(), size_t(10));
            QCOMPARE(m->points.front().step, qint64(0));
            QCOMPARE(m->points.back().step, qint64(9));
            QCOMPARE(m->points.front().value, t.first);
            QCOMPARE(m->points.back().value, t.last);
        }
    }
}

// A folder walk takes .log and .txt files that are CSV logs by content, and leaves text logs alone; a folder
// with none says what it looked for.
void TestCsvLogReader::csvLogsByContentInFolders()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("keras/run1")));
    QVERIFY(QFile::copy(KerasLog, dir.filePath(QStringLiteral("keras/run1/training.log"))));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("keras/run1/stdout.log")),
                      "Epoch 1/10\n32/32 [====] - loss: 0.7680 - acc: 0.5545\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("keras/history.txt")), "step\tloss\n0\t1.5\n1\t1.25\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("keras/notes.txt")), "tried lr 0.1, 0.01\n"));
    RecordingSink sink;
    readCsvLog(dir.filePath(QStringLiteral("keras")), sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(2));
    QCOMPARE(sink.runs[0].sourceKey, QStringLiteral("history.txt"));
    QCOMPARE(dumpMetrics(sink.runs[0]), QStringLiteral("loss[0:1.5 1:1.25]"));
    QCOMPARE(sink.runs[1].sourceKey, QStringLiteral("run1/training.log"));
    QCOMPARE(sink.runs[1].metrics.size(), size_t(4));

    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("text")));
    QVERIFY(QFile::copy(dir.filePath(QStringLiteral("keras/run1/stdout.log")),
                        dir.filePath(QStringLiteral("text/stdout.log"))));
    RecordingSink none;
    try {
        readCsvLog(dir.filePath(QStringLiteral("text")), none);
        QFAIL("a folder without CSV logs must throw");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("nothing to import: no CSV or TSV log found (.csv and "
                                                    ".tsv files, or .log and .txt files")),
                 qPrintable(e.message()));
    }
    QVERIFY(none.runs.empty());
}

void TestCsvLogReader::dvcLiveFolders_data()
{
    QTest::addColumn<QString>("root");
    QTest::addColumn<QString>("sourceKey");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("metricKeys");
    QTest::addColumn<QString>("probeKey");
    QTest::addColumn<qint64>("probeFirstStep");
    QTest::addColumn<double>("probeFirst");
    QTest::addColumn<qint64>("probeLastStep");
    QTest::addColumn<double>("probeLast");
    QTest::addColumn<qint64>("probeFirstTime"); // 0: the file's modification time

    QTest::newRow("current layout, project root") << DvcNew << "dvclive"
                                                  << "iterative-dvclive-exp-tracking"
                                                  << "encoder_size=64 lr=0.001"
                                                  << "epoch train/loss"
                                                  << "train/loss" << qint64(49) << 0.07851636409759521
                                                  << qint64(999) << 0.05616318807005882 << qint64(0);
    QTest::newRow("current layout, dvclive folder")
        << DvcNew + QStringLiteral("/dvclive") << "."
        << "iterative-dvclive-exp-tracking"
        << "encoder_size=64 lr=0.001"
        << "epoch train/loss"
        << "epoch" << qint64(49) << 0.0 << qint64(999) << 4.0 << qint64(0);
    QTest::newRow("0.x layout") << DvcOld << "dvclive"
                                << "iterative-example-dvc-experiments"
                                << "model.conv_units=16 train.epochs=10"
                                << "acc loss val_acc val_loss"
                                << "acc" << qint64(0) << 0.9057999849319458 << qint64(9) << 0.987333357334137
                                << qint64(1644420777053);
}

void TestCsvLogReader::dvcLiveFolders()
{
    QFETCH(QString, root);
    QFETCH(QString, sourceKey);
    QFETCH(QString, name);
    QFETCH(QString, params);
    QFETCH(QString, metricKeys);
    QFETCH(QString, probeKey);
    QFETCH(qint64, probeFirstStep);
    QFETCH(double, probeFirst);
    QFETCH(qint64, probeLastStep);
    QFETCH(double, probeLast);
    QFETCH(qint64, probeFirstTime);

    RecordingSink sink;
    readCsvLog(root, sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(run.sourceKey, sourceKey);
    QCOMPARE(run.name, name);
    QCOMPARE(dumpParams(run.params), params);
    QStringList keys;
    for (const SourceMetric &m : run.metrics) {
        keys.append(m.key);
        QCOMPARE(m.points.size(), size_t(probeFirstTime ? 10 : 20));
    }
    keys.sort();
    QCOMPARE(keys.join(QLatin1Char(' ')), metricKeys);
    const SourceMetric *m = findMetric(run, probeKey);
    QVERIFY(m);
    QCOMPARE(m->points.front().step, probeFirstStep);
    QCOMPARE(m->points.front().value, probeFirst);
    QCOMPARE(m->points.back().step, probeLastStep);
    QCOMPARE(m->points.back().value, probeLast);
    if (probeFirstTime) {
        QCOMPARE(m->points.front().timestamp, probeFirstTime);
        QCOMPARE(m->points.back().timestamp, qint64(1644420914563));
        QCOMPARE(run.startMs, std::optional<qint64>(1644420777053));
        QCOMPARE(run.endMs, std::optional<qint64>(1644420914566)); // val_acc.tsv's last row is the latest
    } else {
        const QString file = QStringLiteral("/dvclive/plots/metrics/") + probeKey + QStringLiteral(".tsv");
        QCOMPARE(m->points.front().timestamp, mtimeMs(DvcNew + file));
        // No timestamp column: when the run began is unknown; it ended by the files' last write.
        QCOMPARE(run.startMs, std::nullopt);
        QVERIFY(run.endMs && *run.endMs >= mtimeMs(DvcNew + file));
    }
}

void TestCsvLogReader::dvcLiveSingleFile()
{
    RecordingSink sink;
    readCsvLog(DvcOld + QStringLiteral("/dvclive/val_loss.tsv"), sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(run.sourceKey, QStringLiteral("val_loss.tsv"));
    QCOMPARE(run.name, QStringLiteral("val_loss"));
    QCOMPARE(run.metrics.size(), size_t(1));
    QCOMPARE(run.metrics[0].key, QStringLiteral("val_loss"));
    QCOMPARE(run.metrics[0].points.front(), (MetricPoint{0, 1644420777053, 0.11663170158863068}));
    QCOMPARE(run.metrics[0].points.back(), (MetricPoint{9, 1644420914564, 0.0349835641682148}));
    QCOMPARE(run.startMs, std::optional<qint64>(1644420777053));
    QCOMPARE(run.endMs, std::optional<qint64>(1644420914564));
}

void TestCsvLogReader::yamlParams_data()
{
    QTest::addColumn<QByteArray>("yaml"); // empty: the packt fixture
    QTest::addColumn<QString>("params");
    QTest::addColumn<QStringList>("warnings");

    QTest::newRow("packt fixture with !!python/name")
        << QByteArray()
        << "backbone=prajjwal1/bert-tiny enable_ort=false learning_rate=0.01 loss_fn=null "
           "metrics=null multi_label=false num_classes=2 optimizer_kwargs=null scheduler=null "
           "scheduler_kwargs=null serializer=null"
        << QStringList{"Python-specific YAML tags; skipped: optimizer"};
    QTest::newRow("nested mappings") << QByteArray(
                                            "model:\n  encoder:\n    layers: 4\n  name: 'bert'\nlr: 1e-3\n")
                                     << "lr=1e-3 model.encoder.layers=4 model.name=bert" << QStringList();
    QTest::newRow("lists and tuples") << QByteArray("sizes: [64, 32]\nbetas: !!python/tuple\n- 0.9\n- 0.999\n"
                                                    "mixed: [{a: 1}, 'x, y', null]\nempty: {}\nnone: []\n")
                                      << "betas=[0.9, 0.999] empty={} mixed=[{a: 1}, \"x, y\", null] none=[] "
                                         "sizes=[64, 32]"
                                      << QStringList();
    QTest::newRow("python object among others")
        << QByteArray(
               "a: 1\nargs: !!python/object:argparse.Namespace {lr: 0.1}\nfn: [!!python/name:len '']\nb: 2\n")
        << "a=1 b=2" << QStringList{"skipped: args, fn"};
    QTest::newRow("empty document") << QByteArray("\n") << "" << QStringList();
    QTest::newRow("not a mapping") << QByteArray("- 1\n- 2\n") << "" << QStringList{"not a YAML mapping"};
    QTest::newRow("invalid yaml") << QByteArray("a: [1, 2\nb: {\n") << "" << QStringList{"invalid YAML"};
    QByteArray bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'k'; ++c)
        bomb += QByteArray(1, c) + ": &" + QByteArray(1, c) + " [" + QByteArray("*") + char(c - 1) + ", *" +
                char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
                char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
                char(c - 1) + "]\n";
    QTest::newRow("alias bomb") << bomb << "a=[x, x, x, x, x, x, x, x, x, x]" << QStringList{"too large"};
}

void TestCsvLogReader::yamlParams()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, params);
    QFETCH(QStringList, warnings);
    QString file = QStringLiteral("params.yaml");
    if (yaml.isEmpty()) {
        file = PacktHparams;
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        yaml = f.readAll();
    }
    RecordingSink sink;
    QMap<QString, QString> out;
    readYamlParams(yaml, file, out, sink);
    if (QTest::currentDataTag() != QLatin1String("alias bomb"))
        QCOMPARE(dumpParams(out), params);
    else
        QVERIFY(out.value(QStringLiteral("a")) == QStringLiteral("[x, x, x, x, x, x, x, x, x, x]"));
    QCOMPARE(sink.warnings.size(), size_t(warnings.size()));
    checkWarnings(sink, file, warnings);
}

void TestCsvLogReader::csvRules_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("metrics");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QStringList>("warnings");

    QTest::newRow("keras: step is epoch")
        << QByteArray("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.25,0.4,1.5\n1,0.75,0.5,0.6,0.875\n")
        << "accuracy[0:0.5 1:0.75] loss[0:1.25 1:0.5] val_accuracy[0:0.4 1:0.6] val_loss[0:1.5 1:0.875]"
        << "" << QStringList();
    QTest::newRow("lightning sparse rows, epoch a metric")
        << QByteArray("train_loss,epoch,step,val_loss\n0.5,0,9,\n,0,9,0.25\n0.4,1,19,\n")
        << "epoch[9:0 19:1] train_loss[9:0.5 19:0.4] val_loss[9:0.25]"
        << "" << QStringList();
    QTest::newRow("step name priority") << QByteArray("epoch,iter,global_step,loss\n0,5,50,1\n0,6,60,2\n")
                                        << "epoch[50:0 60:0] iter[50:5 60:6] loss[50:1 60:2]"
                                        << "" << QStringList();
    QTest::newRow("step name case-insensitive") << QByteArray("Step,Loss\n3,1\n4,2\n") << "Loss[3:1 4:2]"
                                                << "" << QStringList();
    QTest::newRow("iteration") << QByteArray("loss,iteration\n1,10\n2,20\n") << "loss[10:1 20:2]"
                               << "" << QStringList();
    QTest::newRow("first integer column")
        << QByteArray("lr,batch,n,loss\n0.1,32,100,1.5\n0.1,32,200,1.25\n0.1,32,300,1.0\n")
        << "batch[100:32 200:32 300:32] loss[100:1.5 200:1.25 300:1] lr[100:0.1 200:0.1 300:0.1]"
        << "" << QStringList();
    QTest::newRow("pandas index column, float steps")
        << QByteArray(",loss\n0.0,1\n1.0,2\n") << "loss[0:1 1:2]"
        << "" << QStringList();
    QTest::newRow("no step column: row index")
        << QByteArray("loss,acc\n1.5,0.5\n\n2.5,0.25\n") << "acc[0:0.5 1:0.25] loss[0:1.5 1:2.5]"
        << "" << QStringList();
    QTest::newRow("non-finite spellings")
        << QByteArray(
               "step,v\n0,nan\n1,NaN\n2,inf\n3,-inf\n4,Infinity\n5,-Infinity\n6,+1.5\n7,1e400\n8, 2 \n")
        << "v[0:NaN 1:NaN 2:Infinity 3:-Infinity 4:Infinity 5:-Infinity 6:1.5 7:Infinity 8:2]"
        << "" << QStringList();
    QTest::newRow("constant text column is a param")
        << QByteArray("step,model,loss\n0,resnet,1\n1,resnet,2\n2,,3\n") << "loss[0:1 1:2 2:3]"
        << "model=resnet" << QStringList();
    QTest::newRow("varying text column is skipped")
        << QByteArray("step,phase,loss\n0,train,1\n1,val,2\n") << "loss[0:1 1:2]"
        << "" << QStringList{"column 'phase' holds text that differs between rows; skipped"};
    QTest::newRow("RFC 4180 quoting")
        << QByteArray("step,\"a,b\",\"say \"\"hi\"\"\",note\n"
                      "0,\"1.5\",2,\"multi\nline, with comma\"\n1,3,4,\"multi\nline, with comma\"\n")
        << "a,b[0:1.5 1:3] say \"hi\"[0:2 1:4]"
        << "note=multi\nline, with comma" << QStringList();
    QTest::newRow("line numbers after a quoted line break")
        << QByteArray("step,note,v\n0,\"two\nlines\",1\n1,x,oops\n") << "v[0:1]"
        << ""
        << QStringList{"line 4: 'oops' in column 'v' is not a number; value skipped",
                       "column 'note' holds text that differs between rows"};
    QTest::newRow("BOM and CRLF") << QByteArray("\xEF\xBB\xBFstep,loss\r\n0,1\r\n1,2\r\n") << "loss[0:1 1:2]"
                                  << "" << QStringList();
    QTest::newRow("CR line ends") << QByteArray("step,loss\r0,1\r1,2\r") << "loss[0:1 1:2]"
                                  << "" << QStringList();
    QTest::newRow("tab separator guessed") << QByteArray("step\tloss\n0\t1\n") << "loss[0:1]"
                                           << "" << QStringList();
    QTest::newRow("no final newline") << QByteArray("step,loss\n0,1\n1,2") << "loss[0:1 1:2]"
                                      << "" << QStringList();
    QTest::newRow("duplicate and empty header names")
        << QByteArray("step,loss,loss,\n0,1,2,3\n") << "column4[0:3] loss.1[0:2] loss[0:1]"
        << "" << QStringList{"column name 'loss' appears more than once; the repeat is called 'loss.1'"};
    QTest::newRow("text after closing quote kept") << QByteArray("step,v\n0,\"1\"5\n") << "v[0:15]"
                                                   << "" << QStringList();
}

void TestCsvLogReader::csvRules()
{
    QFETCH(QByteArray, csv);
    QFETCH(QString, metrics);
    QFETCH(QString, params);
    QFETCH(QStringList, warnings);
    RecordingSink sink;
    QVERIFY(parseCsvBuffer(csv, bufferInfo(), sink));
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(dumpMetrics(sink.runs[0]), metrics);
    QCOMPARE(dumpParams(sink.runs[0].params), params);
    QCOMPARE(sink.warnings.size(), size_t(warnings.size()));
    checkWarnings(sink, QStringLiteral("test.csv"), warnings);
    for (const SourceMetric &m : sink.runs[0].metrics)
        for (const MetricPoint &p : m.points)
            QCOMPARE(p.timestamp, FallbackMs);
    QCOMPARE(sink.runs[0].startMs, std::nullopt); // no time column: not known when the run began
    QCOMPARE(sink.runs[0].endMs, std::optional<qint64>(FallbackMs));
}

// Values a log holds that no metric or param takes are counted by kind for the import report, besides the
// warnings that say where they are.
void TestCsvLogReader::skippedKinds()
{
    RecordingSink csv;
    QVERIFY(
        parseCsvBuffer("step,loss,phase\n0,1,train\n1,oops,val\n2,3,train\n3,x,val\n", bufferInfo(), csv));
    QCOMPARE(csv.runs.size(), size_t(1));
    QCOMPARE(csv.skips,
             (QMap<QString, qint64>{{QStringLiteral("text values in metric columns"), 2},
                                    {QStringLiteral("text values in columns that vary by row"), 4}}));

    QByteArray deep = "{\"step\": 2, \"cfg\": ";
    for (int i = 0; i < 70; ++i)
        deep += "{\"a\": ";
    deep += "1" + QByteArray(70, '}') + "}\n";
    RecordingSink jsonl;
    QVERIFY(parseJsonLinesBuffer("{\"step\": 0, \"loss\": 1, \"hist\": [1, 2], \"phase\": \"a\"}\n"
                                 "{\"step\": 1, \"loss\": 2, \"hist\": [3], \"phase\": \"b\"}\n" +
                                     deep,
                                 bufferInfo(QStringLiteral("log.jsonl")), jsonl));
    QCOMPARE(jsonl.runs.size(), size_t(1));
    QCOMPARE(jsonl.skips,
             (QMap<QString, qint64>{{QStringLiteral("arrays"), 2},
                                    {QStringLiteral("text values in keys that vary by row"), 2},
                                    {QStringLiteral("values nested deeper than 64 objects"), 1}}));
    QVERIFY2(jsonl.warningText().contains(QLatin1String("1 value(s) nested deeper than 64 objects; skipped")),
             qPrintable(jsonl.warningText()));

    // A clean log skips nothing.
    RecordingSink clean;
    QVERIFY(parseCsvBuffer("step,loss\n0,1\n1,2\n", bufferInfo(), clean));
    QVERIFY(clean.skips.isEmpty());
}

// A file read as Talos by request (the fuzzer found it) that has no round_epochs column: each round's metrics
// are at step 0, and nothing is read out of bounds.
void TestCsvLogReader::talosWithoutRoundEpochs()
{
    LogFileInfo info = bufferInfo(QStringLiteral("scan.csv"));
    info.flavor = CsvFlavor::Talos;
    RecordingSink sink;
    QVERIFY(parseCsvBuffer("lr,loss\n0.1,0.5\n0.2,0.4\n", info, sink));
    QCOMPARE(sink.runs.size(), size_t(2));
    const SourceMetric *loss = findMetric(sink.runs[1], QStringLiteral("loss"));
    QVERIFY(loss);
    QCOMPARE(loss->points.size(), size_t(1));
    QCOMPARE(loss->points[0].step, qint64(0));
    QCOMPARE(loss->points[0].value, 0.4);
    QVERIFY(sink.warnings.empty());
}

void TestCsvLogReader::timeColumn_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QList<qint64>>("times"); // of metric "loss"
    QTest::addColumn<QString>("metrics");
    QTest::addColumn<int>("warnings");

    QTest::newRow("seconds") << QByteArray("step,timestamp,loss\n0,1700000000.5,1\n1,1700000001,2\n")
                             << QList<qint64>{1700000000500, 1700000001000} << "loss[0:1 1:2]" << 0;
    QTest::newRow("milliseconds (dvclive 0.x)") << QByteArray("timestamp\tstep\tloss\n1644420777053\t0\t1\n")
                                                << QList<qint64>{1644420777053} << "loss[0:1]" << 0;
    QTest::newRow("microseconds") << QByteArray("step,time,loss\n0,1700000000123456,1\n")
                                  << QList<qint64>{1700000000123} << "loss[0:1]" << 0;
    QTest::newRow("nanoseconds") << QByteArray("step,wall_time,loss\n0,1700000000123456789,1\n")
                                 << QList<qint64>{1700000000123} << "loss[0:1]" << 0;
    QTest::newRow("iso 8601") << QByteArray("step,time,loss\n0,2024-01-02T03:04:05.5Z,1\n")
                              << QList<qint64>{1704164645500} << "loss[0:1]" << 0;
    QTest::newRow("elapsed seconds are a metric")
        << QByteArray("step,time,loss\n0,0.5,1\n1,1.5,2\n") << QList<qint64>{FallbackMs, FallbackMs}
        << "loss[0:1 1:2] time[0:0.5 1:1.5]" << 0;
    QTest::newRow("bad and empty times")
        << QByteArray("step,timestamp,loss\n0,1700000000,1\n1,,2\n2,soon,3\n")
        << QList<qint64>{1700000000000, FallbackMs, FallbackMs} << "loss[0:1 1:2 2:3]" << 1;
}

void TestCsvLogReader::timeColumn()
{
    QFETCH(QByteArray, csv);
    QFETCH(QList<qint64>, times);
    QFETCH(QString, metrics);
    QFETCH(int, warnings);
    RecordingSink sink;
    QVERIFY(parseCsvBuffer(csv, bufferInfo(), sink));
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(dumpMetrics(sink.runs[0]), metrics);
    QList<qint64> got;
    for (const MetricPoint &p : findMetric(sink.runs[0], QStringLiteral("loss"))->points)
        got.append(p.timestamp);
    QCOMPARE(got, times);
    checkRunTimes(sink.runs[0], times);
    QCOMPARE(int(sink.warnings.size()), warnings);
}

void TestCsvLogReader::malformed_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("metrics"); // empty: no run
    QTest::addColumn<QStringList>("warnings");

    const QByteArray head = "step,loss,acc\n0,1,0.5\n";
    QTest::newRow("too few fields") << head + "1,2\n2,3,0.75\n"
                                    << "acc[0:0.5 2:0.75] loss[0:1 2:3]"
                                    << QStringList{"line 3: 2 field(s) where the header has 3; row skipped"};
    QTest::newRow("too many fields") << head + "1,2,3,4\n2,3,0.75\n"
                                     << "acc[0:0.5 2:0.75] loss[0:1 2:3]"
                                     << QStringList{"line 3: 4 field(s) where the header has 3; row skipped"};
    QTest::newRow("garbage number") << head + "1,1.2.3,0.6\n2,3,0.75\n"
                                    << "acc[0:0.5 1:0.6 2:0.75] loss[0:1 2:3]"
                                    << QStringList{
                                           "line 3: '1.2.3' in column 'loss' is not a number; value skipped"};
    QTest::newRow("NUL in a cell") << head + QByteArray("1,2\0,0.6\n", 9) << "acc[0:0.5 1:0.6] loss[0:1]"
                                   << QStringList{"line 3: '2"};
    QTest::newRow("garbage step") << head + "x1,2,0.6\n2,3,0.75\n"
                                  << "acc[0:0.5 2:0.75] loss[0:1 2:3]"
                                  << QStringList{"line 3: step 'x1' is not an integer; row skipped"};
    QTest::newRow("empty step") << head + ",2,0.6\n"
                                << "acc[0:0.5] loss[0:1]"
                                << QStringList{"line 3: step '' is not an integer; row skipped"};
    QByteArray junk;
    std::mt19937 rng(7);
    for (int i = 0; i < 4096; ++i)
        junk += char(rng() % 256);
    junk[0] = '\x01'; // a control character in the first line, whatever the seed gives
    QTest::newRow("binary junk") << junk << "" << QStringList{"control characters"};
    QTest::newRow("empty file") << QByteArray() << "" << QStringList{"empty file"};
    QTest::newRow("only blank lines") << QByteArray("\n\r\n\n") << "" << QStringList{"empty file"};
    QTest::newRow("header only") << QByteArray("step,loss\n") << ""
                                 << QStringList{"no metric values or params"};
    QTest::newRow("unterminated quote at EOF")
        << head + "1,2,0.6\n2,\"3,0.75\n3,4,1\n"
        << "acc[0:0.5 1:0.6] loss[0:1 1:2]"
        << QStringList{"line 4: a quoted field is never closed; the rest of the file is ignored"};
    QTest::newRow("unterminated quote in header")
        << QByteArray("step,\"loss\n0,1\n") << ""
        << QStringList{"line 1: the header's quoted field is never closed"};
    QTest::newRow("10 MB single line")
        << head + QByteArray(10 << 20, 'x') + "\n2,3,0.75\n"
        << "acc[0:0.5 2:0.75] loss[0:1 2:3]"
        << QStringList{"line 3: 1 field(s) where the header has 3; row skipped"};
    QTest::newRow("10 MB quoted cell") << head + "1,\"" + QByteArray(10 << 20, 'y') + "\",0.6\n"
                                       << "acc[0:0.5 1:0.6] loss[0:1]" << QStringList{"line 3: 'yyyyyyyyyy"};
    QTest::newRow("a line of a million commas")
        << head + QByteArray(1000000, ',') + "\n2,3,0.75\n"
        << "acc[0:0.5 2:0.75] loss[0:1 2:3]"
        << QStringList{"line 3: 1000001 field(s) where the header has 3"};
    QTest::newRow("a header of a million commas") << QByteArray(1000000, ',') + "\n1,2\n"
                                                  << "" << QStringList{"line 1: more than 100000 columns"};
    QByteArray many = "step,loss\n";
    for (int i = 0; i < 30; ++i)
        many += "1,bad\n";
    many += "2,5\n";
    QTest::newRow("many bad cells are summarised")
        << many << "loss[2:5]" << QStringList{"line 2: 'bad'", "line 21: 'bad'", "10 more problem(s)"};
}

void TestCsvLogReader::malformed()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, metrics);
    QFETCH(QStringList, warnings);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("bad.csv"));
    QVERIFY(writeFile(file, content));
    RecordingSink sink;
    readCsvLog(dir.path(), sink);
    QVERIFY(!sink.warnings.empty());
    checkWarnings(sink, file, warnings);
    if (metrics.isEmpty()) {
        QVERIFY(sink.runs.empty());
        return;
    }
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].sourceKey, QStringLiteral("bad.csv"));
    QCOMPARE(sink.runs[0].name, QStringLiteral("bad"));
    QCOMPARE(dumpMetrics(sink.runs[0]), metrics);
    if (QTest::currentDataTag() == QLatin1String("many bad cells are summarised"))
        QCOMPARE(sink.warnings.size(), size_t(21));
}

void TestCsvLogReader::jsonLines_data()
{
    QTest::addColumn<QByteArray>("jsonl");
    QTest::addColumn<QString>("metrics");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QList<qint64>>("times"); // of the first metric in key order
    QTest::addColumn<QStringList>("warnings");

    const QList<qint64> none{};
    QTest::newRow("steps and numbers")
        << QByteArray("{\"step\": 0, \"loss\": 1.5}\n{\"step\": 5, \"loss\": 1}\n") << "loss[0:1.5 5:1]"
        << "" << QList<qint64>{FallbackMs, FallbackMs} << QStringList();
    QTest::newRow("non-finite strings") << QByteArray("{\"step\": 1, \"v\": \"NaN\"}\n{\"step\": 2, \"v\": "
                                                      "\"Infinity\"}\n{\"step\": 3, \"v\": \"-Infinity\"}\n")
                                        << "v[1:NaN 2:Infinity 3:-Infinity]"
                                        << "" << none << QStringList();
    QTest::newRow("nested objects")
        << QByteArray("{\"_step\": 3, \"train\": {\"loss\": 1, \"acc\": {\"top1\": 0.5}}}\n")
        << "train/acc/top1[3:0.5] train/loss[3:1]"
        << "" << none << QStringList();
    QTest::newRow("missing step is the line index")
        << QByteArray("{\"loss\": 1}\n\n{\"loss\": 2}\n{\"global_step\": 10, \"loss\": 3}\n{\"loss\": 4}\n")
        << "loss[0:1 1:2 10:3 3:4]"
        << "" << none << QStringList();
    QTest::newRow("epoch is the step when alone")
        << QByteArray("{\"epoch\": 2, \"loss\": 1}\n") << "loss[2:1]"
        << "" << none << QStringList();
    QTest::newRow("epoch is a metric next to step")
        << QByteArray("{\"step\": 7, \"epoch\": 2, \"loss\": 1}\n") << "epoch[7:2] loss[7:1]"
        << "" << none << QStringList();
    QTest::newRow("bad lines") << QByteArray("{\"step\": 0, \"loss\": 1}\n{\"step\": 1, \"loss\": \n[1, 2]\n"
                                             "{\"step\": 1.5, \"loss\": 3}\n{\"step\": 2, \"loss\": 2}\n")
                               << "loss[0:1 2:2]"
                               << "" << none
                               << QStringList{"line 2: not valid JSON",
                                              "line 3: not a JSON object; line skipped",
                                              "line 4: 'step' is not an integer; line skipped"};
    QTest::newRow("constant strings are params")
        << QByteArray("{\"step\": 0, \"model\": \"vit\", \"amp\": true, \"loss\": 1}\n"
                      "{\"step\": 1, \"model\": \"vit\", \"amp\": true, \"loss\": 2, \"x\": null}\n")
        << "loss[0:1 1:2]"
        << "amp=true model=vit" << none << QStringList();
    QTest::newRow("varying strings and arrays are skipped")
        << QByteArray("{\"step\": 0, \"phase\": \"train\", \"hist\": [1, 2], \"loss\": 1}\n"
                      "{\"step\": 1, \"phase\": \"val\", \"loss\": \"oops\"}\n")
        << "loss[0:1]"
        << "" << none
        << QStringList{"key 'phase' holds text that differs between rows; skipped",
                       "key 'hist' holds arrays (first on line 1); skipped",
                       "line 2: 'oops' in key 'loss' is not a number"};
    QTest::newRow("times in seconds, ms and ISO")
        << QByteArray("{\"step\": 0, \"timestamp\": 1700000000.25, \"loss\": 1}\n"
                      "{\"step\": 1, \"timestamp\": 1700000001000, \"loss\": 2}\n"
                      "{\"step\": 2, \"timestamp\": \"2024-01-02T03:04:05Z\", \"loss\": 3}\n"
                      "{\"step\": 3, \"loss\": 4}\n")
        << "loss[0:1 1:2 2:3 3:4]"
        << "" << QList<qint64>{1700000000250, 1700000001000, 1704164645000, FallbackMs} << QStringList();
    QTest::newRow("wandb-style _timestamp, elapsed time a metric")
        << QByteArray("{\"_step\": 0, \"_timestamp\": 1700000000, \"time\": 1.5, \"a\": 1}\n")
        << "a[0:1] time[0:1.5]"
        << "" << QList<qint64>{1700000000000} << QStringList();
    QTest::newRow("BOM and CRLF") << QByteArray(
                                         "\xEF\xBB\xBF{\"step\": 1, \"a\": 2}\r\n{\"step\": 2, \"a\": 3}\r\n")
                                  << "a[1:2 2:3]"
                                  << "" << none << QStringList();
    QTest::newRow("empty") << QByteArray("\n\n") << ""
                           << "" << none << QStringList{"no metric values or params; nothing imported"};
    QTest::newRow("binary junk") << QByteArray("\x00\x9f\xff{\n\x01", 6) << ""
                                 << "" << none
                                 << QStringList{"line 1: not valid JSON", "line 2: not valid JSON"};
}

void TestCsvLogReader::jsonLines()
{
    QFETCH(QByteArray, jsonl);
    QFETCH(QString, metrics);
    QFETCH(QString, params);
    QFETCH(QList<qint64>, times);
    QFETCH(QStringList, warnings);
    RecordingSink sink;
    QVERIFY(parseJsonLinesBuffer(jsonl, bufferInfo(QStringLiteral("log.jsonl")), sink));
    checkWarnings(sink, QStringLiteral("log.jsonl"), warnings);
    if (metrics.isEmpty() && params.isEmpty()) {
        QVERIFY(sink.runs.empty());
        return;
    }
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(dumpMetrics(run), metrics);
    QCOMPARE(dumpParams(run.params), params);
    QCOMPARE(sink.warnings.size(), size_t(warnings.size()));
    if (!times.isEmpty()) {
        QList<qint64> got;
        for (const MetricPoint &p : run.metrics.front().points)
            got.append(p.timestamp);
        QCOMPARE(got, times);
        checkRunTimes(run, times);
    }
}

void TestCsvLogReader::jsonLinesFiles()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("runs/b")));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("runs/a.jsonl")), "{\"step\": 1, \"loss\": 2}\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("runs/b/history.ndjson")), "{\"loss\": 3}\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("runs/notes.txt")), "{\"loss\": 3}\n"));
    RecordingSink sink;
    readJsonLines(dir.filePath(QStringLiteral("runs")), sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(2));
    QCOMPARE(sink.runs[0].sourceKey, QStringLiteral("a.jsonl"));
    QCOMPARE(sink.runs[0].name, QStringLiteral("a"));
    QCOMPARE(sink.runs[1].sourceKey, QStringLiteral("b/history.ndjson"));
    QCOMPARE(sink.runs[1].name, QStringLiteral("history"));
    const qint64 mtime = mtimeMs(dir.filePath(QStringLiteral("runs/b/history.ndjson")));
    QCOMPARE(sink.runs[1].metrics.front().points.front(), (MetricPoint{0, mtime, 3.0}));
    QCOMPARE(sink.runs[1].startMs, std::nullopt);
    QCOMPARE(sink.runs[1].endMs, std::optional<qint64>(mtime));

    RecordingSink single;
    const QString log = dir.filePath(QStringLiteral("train.log"));
    QVERIFY(writeFile(log, "{\"step\": 4, \"acc\": 0.5}\n"));
    readJsonLines(log, single);
    QCOMPARE(single.runs.size(), size_t(1));
    QCOMPARE(single.runs[0].sourceKey, QStringLiteral("train.log"));
    QCOMPARE(dumpMetrics(single.runs[0]), QStringLiteral("acc[4:0.5]"));
}

void TestCsvLogReader::missingPathThrows()
{
    RecordingSink sink;
    QVERIFY_THROWS_EXCEPTION(Error, readCsvLog(QStringLiteral("/nonexistent/logs"), sink));
    QVERIFY_THROWS_EXCEPTION(Error, readJsonLines(QStringLiteral("/nonexistent/logs"), sink));
    QTemporaryDir dir;
    QVERIFY(writeFile(dir.filePath(QStringLiteral("notes.txt")), "x"));
    QVERIFY_THROWS_EXCEPTION(Error, readCsvLog(dir.path(), sink));
    QVERIFY_THROWS_EXCEPTION(Error, readJsonLines(dir.path(), sink));
}

void TestCsvLogReader::stopsWhenAsked()
{
    RecordingSink sink;
    sink.stopAfterRuns = 1;
    readCsvLog(Lightning, sink);
    QCOMPARE(sink.runs.size(), size_t(1));

    RecordingSink talos;
    talos.stopAfterRuns = 2;
    readCsvLog(TalosCsv, talos);
    QCOMPARE(talos.runs.size(), size_t(2));

    RecordingSink cancelled;
    cancelled.cancelled = true;
    readCsvLog(Lightning, cancelled);
    QVERIFY(cancelled.runs.empty());
}

// Not a timed assertion (speed targets live in benchmarks): prints points/s. RUNLENS_BENCH=1 uses the full
// 1M-row x 5-metric file of the target.
void TestCsvLogReader::speed()
{
    const int rows = qEnvironmentVariableIsSet("RUNLENS_BENCH") ? 1000000 : 100000;
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("metrics.csv"));
    {
        QByteArray out = "step,loss,acc,lr,val_loss,grad_norm\n";
        out.reserve(qsizetype(rows) * 100);
        std::mt19937_64 rng(1);
        std::uniform_real_distribution<double> u(0.0, 2.0);
        char buf[64];
        for (int i = 0; i < rows; ++i) {
            out += QByteArray::number(i);
            for (int k = 0; k < 5; ++k) {
                const auto r = std::to_chars(buf, buf + sizeof buf, u(rng));
                out += ',';
                out.append(buf, r.ptr - buf);
            }
            out += '\n';
        }
        QVERIFY(writeFile(file, out));
    }
    class CountingSink : public RecordingSink
    {
    public:
        qint64 points = 0;
        bool run(SourceRun &&r) override
        {
            for (const SourceMetric &m : r.metrics)
                points += qint64(m.points.size());
            return true;
        }
    } sink;
    QElapsedTimer timer;
    timer.start();
    readCsvLog(file, sink);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    QCOMPARE(sink.points, qint64(rows) * 5);
    qInfo("read %lld points from a %d-row CSV in %.3f s: %.2f M points/s", sink.points, rows, seconds,
          double(sink.points) / seconds / 1e6);
}

QTEST_GUILESS_MAIN(TestCsvLogReader)
#include "tst_csvlogreader.moc"
