// SPDX-License-Identifier: GPL-3.0-or-later
// Kubeflow Pipelines metrics reader: the fixtures written from the KFP documentation's examples against
// values read out of the files independently, the folder layouts KFP writes and the names taken from them,
// malformed files that must give warnings naming file and line (or place) while the rest is imported, and
// the bounds (file size, depth, links, FIFOs).

#include "core/error.h"
#include "import/importer.h"
#include "import/kubeflowreader.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using namespace runlens;
using namespace runlens::import;

namespace {

const QString Website = QStringLiteral(RUNLENS_FIXTURES "/public/kubeflow/kubeflow-website");
const QString LocalRun =
    QStringLiteral("local_outputs/metrics-visualization-pipeline-2024-03-05-14-21-09-532014");

class RecordingSink : public ImportSink
{
public:
    std::vector<SourceRun> runs;
    std::vector<Diagnostic> warnings;
    QMap<QString, qint64> skips;

    bool experiment(const SourceExperiment &) override { return true; }
    bool run(SourceRun &&r) override
    {
        runs.push_back(std::move(r));
        return true;
    }
    bool model(const SourceModel &) override { return true; }
    void warning(const Diagnostic &d) override { warnings.push_back(d); }
    void skipped(const QString &what, qint64 count) override { skips[what] += count; }

    QString warningText() const
    {
        QStringList all;
        for (const Diagnostic &d : warnings)
            all.append(d.file + QStringLiteral(": ") + d.message);
        return all.join(QLatin1Char('\n'));
    }
    const SourceRun *byKey(const QString &key) const
    {
        for (const SourceRun &r : runs)
            if (r.sourceKey == key)
                return &r;
        return nullptr;
    }
};

// "key=value@step ..." in the run's order: an exact picture of single-point metrics.
QString dump(const SourceRun &run)
{
    QStringList parts;
    for (const SourceMetric &m : run.metrics) {
        QStringList points;
        for (const MetricPoint &p : m.points)
            points << QStringLiteral("%1@%2").arg(p.value, 0, 'g', 17).arg(p.step);
        parts << m.key + QLatin1Char('=') + points.join(QLatin1Char(','));
    }
    return parts.join(QLatin1Char(' '));
}

QString tagDump(const SourceRun &run)
{
    QStringList parts;
    for (auto it = run.tags.cbegin(); it != run.tags.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestKubeflowReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void documentationExamples();
    void oneStepFolderKeepsItsPipeline();
    void singleFile();
    void backendArtifactStoreLayout();
    void artifactFilesBesideExecutorOutputAreNotReadTwice();
    void sameNameInTwoArtifacts();
    void malformed_data();
    void malformed();
    void fileThatYieldsNothingIsReported();
    void nothingFoundThrows();
    void detection_data();
    void detection();
    void tooLargeFileIsSkipped();
    void linkLoopsAndDepthAreBounded();
    void fifoIsNeverOpened();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString copyWebsite();
};

void TestKubeflowReader::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestKubeflowReader::copyWebsite()
{
    const QString to = m_dir->filePath(QStringLiteral("kubeflow-website"));
    if (!test::copyTree(Website, to))
        return {};
    return to;
}

// Ground truth read from the fixture files with python3's json module: digit-classification's executor
// output holds one system.Metrics artifact `metrics` with accuracy 97.95918367346938; iris-sgdclassifier's
// only a confusionMatrix, wine-classification's only confidenceMetrics (4 points); produce-metrics'
// mlpipeline-metrics.json accuracy-score 0.8 PERCENTAGE; my-divmod's quotient 14.0 and remainder 2.0
// without a format.
void TestKubeflowReader::documentationExamples()
{
    const QString root = copyWebsite();
    QVERIFY(!root.isEmpty());
    RecordingSink sink;
    readKubeflow(root, sink);
    QCOMPARE(sink.runs.size(), size_t(3));

    const SourceRun *digit = sink.byKey(LocalRun + QStringLiteral("/digit-classification"));
    QVERIFY(digit);
    QCOMPARE(digit->name, QStringLiteral("digit-classification"));
    QCOMPARE(digit->experiment, QStringLiteral("metrics-visualization-pipeline"));
    QCOMPARE(dump(*digit), QStringLiteral("accuracy=97.959183673469383@0"));
    QCOMPARE(tagDump(*digit),
             QStringLiteral("kfp.pipeline_run=metrics-visualization-pipeline-2024-03-05-14-21-09-532014"));
    QCOMPARE(digit->status, RunStatus::Finished);
    QVERIFY(!digit->startMs);
    const qint64 digitMs = QFileInfo(root + QLatin1Char('/') + LocalRun +
                                     QStringLiteral("/digit-classification/executor_output.json"))
                               .lastModified()
                               .toMSecsSinceEpoch();
    QCOMPARE(digit->endMs, std::optional<qint64>(digitMs));
    QCOMPARE(digit->metrics.at(0).points.at(0).timestamp, digitMs);

    const SourceRun *produce = sink.byKey(QStringLiteral("v1-metrics-pipeline/produce-metrics"));
    QVERIFY(produce);
    QCOMPARE(produce->name, QStringLiteral("produce-metrics"));
    QCOMPARE(produce->experiment, QStringLiteral("v1-metrics-pipeline"));
    QCOMPARE(dump(*produce), QStringLiteral("accuracy-score=0.80000000000000004@0"));
    QCOMPARE(tagDump(*produce), QStringLiteral("kfp.format.accuracy-score=PERCENTAGE"));

    const SourceRun *divmod = sink.byKey(QStringLiteral("v1-metrics-pipeline/my-divmod"));
    QVERIFY(divmod);
    QCOMPARE(divmod->name, QStringLiteral("my-divmod"));
    QCOMPARE(dump(*divmod), QStringLiteral("quotient=14@0 remainder=2@0"));
    QCOMPARE(tagDump(*divmod), QString()); // the example sets no format

    // The two ClassificationMetrics steps hold no scalar: counted, and each file reported as giving nothing.
    QCOMPARE(sink.skips.value(QStringLiteral("KFP confusion matrices")), 1);
    QCOMPARE(sink.skips.value(QStringLiteral("KFP ROC curves")), 1);
    QCOMPARE(sink.warnings.size(), size_t(2));
    QVERIFY2(sink.warnings.at(0).file.endsWith(QStringLiteral("iris-sgdclassifier/executor_output.json")) &&
                 sink.warnings.at(0).message == QStringLiteral("no metrics in this file"),
             qPrintable(sink.warningText()));
    QVERIFY2(sink.warnings.at(1).file.endsWith(QStringLiteral("wine-classification/executor_output.json")),
             qPrintable(sink.warningText()));
}

// Importing one task folder of a kfp.local run: the pipeline is still named by the folder above, which has
// kfp.local's shape; a plain folder above the root is not taken for a pipeline.
void TestKubeflowReader::oneStepFolderKeepsItsPipeline()
{
    const QString root = copyWebsite();
    QVERIFY(!root.isEmpty());
    RecordingSink local;
    readKubeflow(root + QLatin1Char('/') + LocalRun + QStringLiteral("/digit-classification"), local);
    QCOMPARE(local.runs.size(), size_t(1));
    QCOMPARE(local.runs[0].sourceKey, QStringLiteral("."));
    QCOMPARE(local.runs[0].name, QStringLiteral("digit-classification"));
    QCOMPARE(local.runs[0].experiment, QStringLiteral("metrics-visualization-pipeline"));

    RecordingSink v1;
    readKubeflow(root + QStringLiteral("/v1-metrics-pipeline/my-divmod"), v1);
    QCOMPARE(v1.runs.size(), size_t(1));
    QCOMPARE(v1.runs[0].name, QStringLiteral("my-divmod"));
    QCOMPARE(v1.runs[0].experiment, QString()); // the import's --experiment or default decides
}

void TestKubeflowReader::singleFile()
{
    const QString root = copyWebsite();
    QVERIFY(!root.isEmpty());
    RecordingSink sink;
    readKubeflow(root + QStringLiteral("/v1-metrics-pipeline/produce-metrics/mlpipeline-metrics.json"), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].sourceKey, QStringLiteral("."));
    QCOMPARE(sink.runs[0].name, QStringLiteral("produce-metrics"));
    QCOMPARE(dump(sink.runs[0]), QStringLiteral("accuracy-score=0.80000000000000004@0"));
}

// The v2 backend's artifact store, copied to disk: <pipeline>/<run id>/<task>/<uuid salt>/<output>.
void TestKubeflowReader::backendArtifactStoreLayout()
{
    const QString runId = QStringLiteral("0b7ee2a4-8f38-4b52-9c1e-2c6f7a0d4e11");
    const QString salt = QStringLiteral("6d0f3a4e-1c2b-4d5e-8f90-a1b2c3d4e5f6");
    const QString dir =
        m_dir->filePath(QStringLiteral("artifacts/my-pipeline/") + runId + QStringLiteral("/train/") + salt);
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(test::writeFile(dir + QStringLiteral("/metrics"),
                            R"({"name": "metrics", "uri": "minio://mlpipeline/v2/artifacts/x/metrics",
                                "metadata": {"display_name": "metrics", "loss": 0.25, "f1": 0.5}})"));
    QVERIFY(test::writeFile(dir + QStringLiteral("/dataset.json"), R"({"metadata": {"rows": 10}})"));
    QVERIFY(looksLikeKubeflow(m_dir->filePath(QStringLiteral("artifacts"))));
    RecordingSink sink;
    readKubeflow(m_dir->filePath(QStringLiteral("artifacts")), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &r = sink.runs[0];
    QCOMPARE(r.name, QStringLiteral("train"));
    QCOMPARE(r.experiment, QStringLiteral("my-pipeline"));
    QCOMPARE(r.sourceKey, QStringLiteral("my-pipeline/") + runId + QStringLiteral("/train/") + salt);
    QCOMPARE(tagDump(r), QStringLiteral("kfp.run_id=") + runId);
    // display_name is KFP's bookkeeping; dataset.json (no uri, no type) is not a metrics artifact.
    QCOMPARE(dump(r), QStringLiteral("f1=0.5@0 loss=0.25@0"));
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
}

void TestKubeflowReader::artifactFilesBesideExecutorOutputAreNotReadTwice()
{
    const QString dir = m_dir->filePath(QStringLiteral("p/train"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(test::writeFile(
        dir + QStringLiteral("/executor_output.json"),
        R"({"artifacts": {"metrics": {"artifacts": [{"name": "metrics", "metadata": {"acc": 0.9}}]}}})"));
    QVERIFY(test::writeFile(dir + QStringLiteral("/metrics"), R"({"metadata": {"acc": 0.1, "other": 2}})"));
    RecordingSink sink;
    readKubeflow(m_dir->filePath(QStringLiteral("p")), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(dump(sink.runs[0]), QStringLiteral("acc=0.90000000000000002@0"));
}

void TestKubeflowReader::sameNameInTwoArtifacts()
{
    SourceRun run;
    RecordingSink sink;
    const QByteArray data = R"({"artifacts": {
        "eval": {"artifacts": [{"metadata": {"accuracy": 0.7}, "type": {"schemaTitle": "system.Metrics"}}]},
        "model": {"artifacts": [{"metadata": {"framework": "tensorflow"}, "type": {"schemaTitle": "system.Model"}}]},
        "train": {"artifacts": [{"metadata": {"accuracy": 0.9, "loss": 0.1}}]}},
        "parameterValues": {"Output": 3}})";
    QCOMPARE(parseKubeflowFile(data, KubeflowFile::ExecutorOutput, QStringLiteral("f.json"), 5, run, sink),
             3);
    QCOMPARE(dump(run), QStringLiteral("accuracy=0.69999999999999996@0 train/accuracy=0.90000000000000002@0 "
                                       "loss=0.10000000000000001@0"));
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText())); // a Model's metadata is not looked at
}

void TestKubeflowReader::malformed_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("metrics"); // dump() of what is kept
    QTest::addColumn<QString>("tags");
    QTest::addColumn<QStringList>("warnings");

    const int v1 = int(KubeflowFile::V1Metrics), exec = int(KubeflowFile::ExecutorOutput),
              artifact = int(KubeflowFile::MetricsArtifact);
    QTest::newRow("broken JSON, line 3")
        << v1 << QByteArray("{\n  \"metrics\": [\n    {\"name\": \"a\",, }\n]}") << QString() << QString()
        << QStringList{QStringLiteral("line 3: invalid JSON")};
    QTest::newRow("unterminated, last line")
        << v1 << QByteArray("{\"metrics\": [\n{\"name\": \"a\", \"numberValue\": 1}\n") << QString()
        << QString() << QStringList{QStringLiteral("line 3: invalid JSON")};
    QTest::newRow("empty file") << exec << QByteArray() << QString() << QString()
                                << QStringList{QStringLiteral("line 1: invalid JSON")};
    QTest::newRow("Python's NaN is not JSON")
        << v1 << QByteArray("{\"metrics\": [{\"name\": \"a\",\n \"numberValue\": NaN}]}") << QString()
        << QString() << QStringList{QStringLiteral("line 2: invalid JSON")};
    QTest::newRow("not an object") << exec << QByteArray("[1, 2]") << QString() << QString()
                                   << QStringList{QStringLiteral("not a JSON object")};
    QTest::newRow("v1 without a metrics list")
        << v1 << QByteArray(R"({"metric": []})") << QString() << QString()
        << QStringList{QStringLiteral("no \"metrics\" list"), QStringLiteral("no metrics in this file")};
    QTest::newRow("v1 metric without a name, the rest kept")
        << v1 << QByteArray(R"({"metrics": [{"numberValue": 1}, {"name": "", "numberValue": 2},
                                       {"name": "b", "numberValue": 3, "format": "RAW"}]})")
        << QStringLiteral("b=3@0") << QStringLiteral("kfp.format.b=RAW")
        << QStringList{QStringLiteral("metrics[0]: no name; skipped"),
                       QStringLiteral("metrics[1]: no name; skipped")};
    QTest::newRow("v1 non-numeric value")
        << v1
        << QByteArray(R"({"metrics": [{"name": "a", "numberValue": "0.5"}, {"name": "b", "numberValue": null},
                                       {"name": "c", "numberValue": -0.25}, 7]})")
        << QStringLiteral("c=-0.25@0") << QString()
        << QStringList{QStringLiteral("metrics[0] ('a'): numberValue is not a number; skipped"),
                       QStringLiteral("metrics[1] ('b'): numberValue is not a number; skipped"),
                       QStringLiteral("metrics[3]: not an object; skipped")};
    QTest::newRow("v1 unknown format keeps the value")
        << v1 << QByteArray(R"({"metrics": [{"name": "a", "numberValue": 0.5, "format": "PERCENT"}]})")
        << QStringLiteral("a=0.5@0") << QString()
        << QStringList{QStringLiteral("metrics[0] ('a'): format is not RAW or PERCENTAGE")};
    QTest::newRow("v1 name given twice: the first wins")
        << v1 << QByteArray(R"({"metrics": [{"name": "a", "numberValue": 1, "format": "RAW"},
                                       {"name": "a", "numberValue": 2, "format": "PERCENTAGE"}]})")
        << QStringLiteral("a=1@0") << QStringLiteral("kfp.format.a=RAW")
        << QStringList{QStringLiteral("metrics[1]: 'a' is given again; kept the first value")};
    QTest::newRow("v2 text value")
        << exec << QByteArray(R"({"artifacts": {"metrics": {"artifacts": [
               {"metadata": {"accuracy": "high", "ok": true, "loss": 0.5, "": 1}}]}}})")
        << QStringLiteral("loss=0.5@0") << QString()
        << QStringList{QStringLiteral("artifacts.metrics[0]: a metric without a name; skipped"),
                       QStringLiteral("artifacts.metrics[0]: 'accuracy' is not a number; skipped"),
                       QStringLiteral("artifacts.metrics[0]: 'ok' is not a number; skipped")};
    QTest::newRow("v2 artifact that is not an object")
        << exec << QByteArray(R"({"artifacts": {"metrics": {"artifacts": ["x", {"metadata": {"a": 1}}]}}})")
        << QStringLiteral("a=1@0") << QString()
        << QStringList{QStringLiteral("artifacts.metrics[0]: not an object; skipped")};
    QTest::newRow("artifact file without metadata")
        << artifact << QByteArray(R"({"accuracy": 0.9})") << QString() << QString()
        << QStringList{QStringLiteral("no \"metadata\" object")};
}

void TestKubeflowReader::malformed()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, data);
    QFETCH(QString, metrics);
    QFETCH(QString, tags);
    QFETCH(QStringList, warnings);
    SourceRun run;
    RecordingSink sink;
    const QString file = QStringLiteral("/some/step/file.json");
    parseKubeflowFile(data, KubeflowFile(kind), file, 1000, run, sink);
    QCOMPARE(dump(run), metrics);
    QCOMPARE(tagDump(run), tags);
    QCOMPARE(sink.warnings.size(), size_t(warnings.size()));
    for (qsizetype i = 0; i < warnings.size(); ++i) {
        QCOMPARE(sink.warnings.at(size_t(i)).file, file);
        QVERIFY2(sink.warnings.at(size_t(i)).message.startsWith(warnings.at(i)),
                 qPrintable(sink.warningText()));
    }
}

// Through the folder reader: the broken file is reported by name and line, the good step still imported.
void TestKubeflowReader::fileThatYieldsNothingIsReported()
{
    const QString root = copyWebsite();
    QVERIFY(!root.isEmpty());
    const QString broken = root + QStringLiteral("/v1-metrics-pipeline/my-divmod/mlpipeline-metrics.json");
    QVERIFY(test::writeFile(broken, "{\"metrics\": [\n{\"name\": \"quotient\", \"numberValue\": 14.0},\n"));
    RecordingSink sink;
    readKubeflow(root + QStringLiteral("/v1-metrics-pipeline"), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].name, QStringLiteral("produce-metrics"));
    QCOMPARE(sink.warnings.size(), size_t(1));
    QCOMPARE(sink.warnings[0].file, broken);
    QVERIFY2(sink.warnings[0].message.startsWith(QStringLiteral("line 3: invalid JSON")),
             qPrintable(sink.warningText()));
}

void TestKubeflowReader::nothingFoundThrows()
{
    QVERIFY(test::writeFile(m_dir->filePath(QStringLiteral("data.json")), R"({"rows": [1, 2]})"));
    QVERIFY(test::writeFile(m_dir->filePath(QStringLiteral("notes.txt")), "hello"));
    RecordingSink sink;
    try {
        readKubeflow(m_dir->path(), sink);
        QFAIL("expected an error");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QStringLiteral("no Kubeflow Pipelines metrics found")) &&
                     e.message().contains(QStringLiteral("mlpipeline-metrics.json")),
                 qPrintable(e.message()));
    }
    QVERIFY(sink.runs.empty());
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
}

void TestKubeflowReader::detection_data()
{
    QTest::addColumn<QString>("path"); // relative to the copy of the fixture folder
    QTest::addColumn<bool>("kubeflow");
    QTest::newRow("fixture root") << QString() << true;
    QTest::newRow("kfp.local pipeline run") << LocalRun << true;
    QTest::newRow("v1 file") << QStringLiteral("v1-metrics-pipeline/my-divmod/mlpipeline-metrics.json")
                             << true;
    QTest::newRow("executor output") << LocalRun + QStringLiteral("/iris-sgdclassifier/executor_output.json")
                                     << true;
    QTest::newRow("runtime artifact json") << QStringLiteral("extra/eval.json") << true;
    QTest::newRow("plain json") << QStringLiteral("extra/data.json") << false;
    QTest::newRow("folder of plain json") << QStringLiteral("extra/plain") << false;
}

void TestKubeflowReader::detection()
{
    QFETCH(QString, path);
    QFETCH(bool, kubeflow);
    const QString root = copyWebsite();
    QVERIFY(!root.isEmpty());
    QVERIFY(QDir().mkpath(root + QStringLiteral("/extra/plain")));
    QVERIFY(test::writeFile(root + QStringLiteral("/extra/eval.json"),
                            R"({"name": "eval", "uri": "gs://b/eval", "metadata": {"auc": 0.8}})"));
    QVERIFY(test::writeFile(root + QStringLiteral("/extra/data.json"), R"({"metadata": {"rows": 3}})"));
    QVERIFY(test::writeFile(root + QStringLiteral("/extra/plain/data.json"), R"({"metadata": {"rows": 3}})"));
    const QString full = path.isEmpty() ? root : root + QLatin1Char('/') + path;
    QCOMPARE(looksLikeKubeflow(full), kubeflow);
    if (kubeflow)
        QCOMPARE(detectFormat(full), Format::Kubeflow);
    else
        QVERIFY(detectFormat(full) != Format::Kubeflow);
    QCOMPARE(formatFromName(QStringLiteral("kubeflow")), std::optional<Format>(Format::Kubeflow));
    QCOMPARE(formatName(Format::Kubeflow), QStringLiteral("kubeflow"));
}

void TestKubeflowReader::tooLargeFileIsSkipped()
{
    const QString dir = m_dir->filePath(QStringLiteral("p"));
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/big")));
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/small")));
    QByteArray big = R"({"metrics": [{"name": "a", "numberValue": 1}], "pad": ")";
    big.append(QByteArray((16 << 20), 'x'));
    big.append("\"}");
    QVERIFY(test::writeFile(dir + QStringLiteral("/big/mlpipeline-metrics.json"), big));
    QVERIFY(test::writeFile(dir + QStringLiteral("/small/mlpipeline-metrics.json"),
                            R"({"metrics": [{"name": "a", "numberValue": 1}]})"));
    RecordingSink sink;
    readKubeflow(dir, sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].name, QStringLiteral("small"));
    QCOMPARE(sink.warnings.size(), size_t(1));
    QVERIFY(sink.warnings[0].file.endsWith(QStringLiteral("big/mlpipeline-metrics.json")));
    QVERIFY2(sink.warnings[0].message.contains(QStringLiteral("larger than 16 MiB")),
             qPrintable(sink.warningText()));
}

void TestKubeflowReader::linkLoopsAndDepthAreBounded()
{
    const QString dir = m_dir->filePath(QStringLiteral("p"));
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/step")));
    QVERIFY(test::writeFile(dir + QStringLiteral("/step/mlpipeline-metrics.json"),
                            R"({"metrics": [{"name": "a", "numberValue": 1}]})"));
    // A link back up: followed, it would be read again under every name the loop makes.
    QVERIFY(QFile::link(dir, dir + QStringLiteral("/step/loop")));
    QString deep = dir;
    for (int i = 0; i < 40; ++i)
        deep += QStringLiteral("/d");
    QVERIFY(QDir().mkpath(deep));
    QVERIFY(test::writeFile(deep + QStringLiteral("/mlpipeline-metrics.json"),
                            R"({"metrics": [{"name": "deep", "numberValue": 1}]})"));
    RecordingSink sink;
    readKubeflow(dir, sink);
    QCOMPARE(sink.runs.size(), size_t(1)); // the file 41 levels down is beyond the 32 walked
    QCOMPARE(sink.runs[0].sourceKey, QStringLiteral("step"));
}

void TestKubeflowReader::fifoIsNeverOpened()
{
    const QString dir = m_dir->filePath(QStringLiteral("p/step"));
    QVERIFY(QDir().mkpath(dir));
    const QString fifo = dir + QStringLiteral("/executor_output.json");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QVERIFY(test::writeFile(m_dir->filePath(QStringLiteral("p/other/mlpipeline-metrics.json")),
                            R"({"metrics": [{"name": "a", "numberValue": 1}]})"));
    RecordingSink sink;
    readKubeflow(m_dir->filePath(QStringLiteral("p")), sink); // opening the FIFO would block here for ever
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].name, QStringLiteral("other"));
}

QTEST_GUILESS_MAIN(TestKubeflowReader)
#include "tst_kubeflowreader.moc"
