// SPDX-License-Identifier: GPL-3.0-or-later
// The DVC / DVCLive reader: real projects in each DVCLive layout (current, 1.x, 0.x, and a folder holding
// stale files of an older layout) against counts and values read out of the files independently, dvc.lock
// dependencies as dataset inputs, git HEAD read without git, and broken input that refuses its run with a
// warning naming file and line.

#include "core/jsonformat.h"
#include "import/dvcreader.h"
#include "import/importer.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;
using namespace runlens::import;
using runlens::test::writeFile;

namespace {

const QString Dvc = QStringLiteral(RUNLENS_FIXTURES) + QStringLiteral("/public/dvc");
const QString Current = Dvc + QStringLiteral("/iterative-dvclive-exp-tracking");
const QString ZeroX = Dvc + QStringLiteral("/iterative-example-dvc-experiments");
const QString OneX = Dvc + QStringLiteral("/iterative-magnetic-tiles-defect");
const QString Stale = Dvc + QStringLiteral("/SoyGema-Neural-Machine-Translation");

class RecordingSink : public ImportSink
{
public:
    std::vector<SourceRun> runs;
    std::vector<Diagnostic> warnings;

    bool experiment(const SourceExperiment &) override { return true; }
    bool run(SourceRun &&r) override
    {
        runs.push_back(std::move(r));
        return true;
    }
    bool model(const SourceModel &) override { return true; }
    void warning(const Diagnostic &d) override { warnings.push_back(d); }
    void skipped(const QString &, qint64) override {}

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

const SourceMetric *metric(const SourceRun &run, const QString &key)
{
    for (const SourceMetric &m : run.metrics)
        if (m.key == key)
            return &m;
    return nullptr;
}

// "key:count" per metric, sorted: the exact shape of a run.
QString shape(const SourceRun &run)
{
    QStringList parts;
    for (const SourceMetric &m : run.metrics)
        parts.append(QStringLiteral("%1:%2").arg(m.key).arg(m.points.size()));
    parts.sort();
    return parts.join(QLatin1Char(' '));
}

QString inputsText(const SourceRun &run)
{
    QStringList parts;
    for (const DatasetInput &in : run.inputs)
        parts.append(QStringLiteral("%1/%2@%3").arg(in.context, in.name, in.digest));
    return parts.join(QLatin1Char(' '));
}

void checkPoint(const SourceMetric *m, size_t index, qint64 step, double value)
{
    QVERIFY(m);
    QVERIFY(index < m->points.size());
    QCOMPARE(m->points[index].step, step);
    QCOMPARE(m->points[index].value, value);
}

QString git(const QString &dir, const QString &rel)
{
    return QDir(dir).filePath(rel);
}

const QByteArray ShaA = "0123456789abcdef0123456789abcdef01234567";
const QByteArray ShaB = "89abcdef0123456789abcdef0123456789abcdef";

} // namespace

class TestDvcReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void detects_data();
    void detects();
    void currentLayout();
    void zeroXLayoutInAProject();
    void oneXLayoutTwoFoldersInAProject();
    void staleFilesOfAnOlderLayoutAreLeftOutWithOneWarning();
    void dvcLiveFolderImportedAloneKeepsItsProject();
    void summaryOnlyMetricsAreSinglePoints();
    void projectWithoutDvcLiveIsARun();
    void gitHead_data();
    void gitHead();
    void brokenInputRefusesTheRun_data();
    void brokenInputRefusesTheRun();
};

void TestDvcReader::detects_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("dvc");
    QTest::newRow("current layout") << Current << true;
    QTest::newRow("current layout's dvclive folder") << Current + QStringLiteral("/dvclive") << true;
    QTest::newRow("0.x project") << ZeroX << true;
    QTest::newRow("1.x project") << OneX << true;
    QTest::newRow("dvc.lock file") << OneX + QStringLiteral("/dvc.lock") << true;
    QTest::newRow("stale files") << Stale << true;
    QTest::newRow("lightning logs") << QStringLiteral(RUNLENS_FIXTURES
                                                      "/public/driemann-ml-aos/lightning_logs")
                                    << false;
    QTest::newRow("one plot file") << ZeroX + QStringLiteral("/dvclive/acc.tsv") << false;
}

void TestDvcReader::detects()
{
    QFETCH(QString, path);
    QFETCH(bool, dvc);
    QCOMPARE(looksLikeDvc(path), dvc);
    if (dvc)
        QCOMPARE(int(detectFormat(path)), int(Format::Dvc));
    QCOMPARE(formatFromName(QStringLiteral("dvc")), std::optional<Format>(Format::Dvc));
}

void TestDvcReader::currentLayout()
{
    RecordingSink sink;
    readDvc(Current, sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(run.sourceKey, QStringLiteral("dvclive"));
    QCOMPARE(run.name, QStringLiteral("iterative-dvclive-exp-tracking"));
    // 20 rows in each plot; the summary's train/loss and epoch are their last points, not new ones.
    QCOMPARE(shape(run), QStringLiteral("epoch:20 train/loss:20"));
    checkPoint(metric(run, QStringLiteral("train/loss")), 0, 49, 0.07851636409759521);
    checkPoint(metric(run, QStringLiteral("train/loss")), 19, 999, 0.05616318807005882);
    checkPoint(metric(run, QStringLiteral("epoch")), 19, 999, 4.0);
    QCOMPARE(run.params.value(QStringLiteral("encoder_size")), QStringLiteral("64"));
    QCOMPARE(run.params.value(QStringLiteral("lr")), QStringLiteral("0.001"));
    QCOMPARE(run.params.size(), 2);
    QVERIFY(run.inputs.empty());
    QCOMPARE(run.startMs, std::nullopt); // the current layout holds no times
    QVERIFY(run.endMs.has_value());
}

void TestDvcReader::zeroXLayoutInAProject()
{
    RecordingSink sink;
    readDvc(ZeroX, sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(run.sourceKey, QStringLiteral("dvclive"));
    QCOMPARE(run.name, QStringLiteral("iterative-example-dvc-experiments"));
    // Four plots of 10 rows; dvclive.json repeats their last values; the project's metrics.json holds the
    // evaluation's loss and acc, kept beside the plots under the name `dvc exp show` gives them.
    QCOMPARE(shape(run), QStringLiteral("acc:10 loss:10 metrics.json:acc:1 metrics.json:loss:1 val_acc:10 "
                                        "val_loss:10"));
    checkPoint(metric(run, QStringLiteral("acc")), 0, 0, 0.9057999849319458);
    checkPoint(metric(run, QStringLiteral("acc")), 9, 9, 0.987333357334137);
    checkPoint(metric(run, QStringLiteral("metrics.json:loss")), 0, 0, 0.0349835641682148);
    checkPoint(metric(run, QStringLiteral("metrics.json:acc")), 0, 0, 0.988099992275238);
    QCOMPARE(metric(run, QStringLiteral("acc"))->points[0].timestamp, qint64(1644420777053));
    QCOMPARE(run.startMs, std::optional<qint64>(1644420777053));
    QCOMPARE(run.endMs, std::optional<qint64>(1644420914566));
    QCOMPARE(run.params.value(QStringLiteral("model.conv_units")), QStringLiteral("16"));
    QCOMPARE(run.params.value(QStringLiteral("train.epochs")), QStringLiteral("10"));
    QCOMPARE(run.params.size(), 2);
    QCOMPARE(inputsText(run), QStringLiteral("train/data@687552951726b99c2eee15d29b4ccf0e.dir "
                                             "train/src@51627ab6d865c51a634959dbc4914d24.dir"));
    QCOMPARE(run.inputs[0].sourceType, QStringLiteral("dvc"));
    QCOMPARE(run.inputs[0].source, QDir(ZeroX).absoluteFilePath(QStringLiteral("data")));
    QCOMPARE(run.inputs[0].profile, QStringLiteral("{\"nfiles\":3,\"size\":17397976}"));
}

void TestDvcReader::oneXLayoutTwoFoldersInAProject()
{
    RecordingSink sink;
    readDvc(OneX, sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(3));
    const SourceRun *live = sink.byKey(QStringLiteral("dvclive-metrics"));
    const SourceRun *old = sink.byKey(QStringLiteral("dvclive"));
    const SourceRun *project = sink.byKey(QStringLiteral(".#dvc-project"));
    QVERIFY(live && old && project);
    // `scalars/` is layout, not key: train/loss and eval/loss stay apart; 16 and 11 rows per file.
    QCOMPARE(shape(*live), QStringLiteral("dice:16 epoch:16 eval/loss:16 jaccard_coeff:16 train/loss:16"));
    QCOMPARE(shape(*old), QStringLiteral("dice_multi:11 epoch:11 eval/loss:11 train/loss:11"));
    checkPoint(metric(*live, QStringLiteral("train/loss")), 0, 0, 0.530955970287323);
    checkPoint(metric(*live, QStringLiteral("train/loss")), 15, 15, 0.0563247911632061);
    checkPoint(metric(*live, QStringLiteral("eval/loss")), 15, 15, 0.03930312767624855);
    checkPoint(metric(*old, QStringLiteral("eval/loss")), 10, 10, 0.09544655680656433);
    QCOMPARE(live->startMs, std::optional<qint64>(1663790477299));
    QCOMPARE(live->endMs, std::optional<qint64>(1663790575590));
    QCOMPARE(live->name, QStringLiteral("dvclive-metrics"));
    QCOMPARE(old->name, QStringLiteral("iterative-magnetic-tiles-defect"));
    // The project's own metrics (two DVCLive runs could each claim them) make a run of their own.
    QCOMPARE(project->name, QStringLiteral("iterative-magnetic-tiles-defect (project)"));
    QCOMPARE(shape(*project), QStringLiteral("acc_mean:1 dice_mean:1 jacc_mean:1"));
    checkPoint(metric(*project, QStringLiteral("dice_mean")), 0, 0, 0.9207323179447029);
    for (const SourceRun *run : {live, old, project}) {
        // dvc.lock: 2 + 4 + 4 + 5 dependencies in its four stages.
        QCOMPARE(run->inputs.size(), size_t(15));
        QCOMPARE(run->inputs[0].name, QStringLiteral("src/stages/data_load.py"));
        QCOMPARE(run->inputs[0].digest, QStringLiteral("0e7d94ebf056d3219f49ac51a93145c2"));
        QCOMPARE(run->inputs[0].context, QStringLiteral("data_load"));
        QCOMPARE(run->inputs[14].name, QStringLiteral("src/utils/eval_utils.py"));
        QCOMPARE(run->inputs[14].context, QStringLiteral("evaluate"));
        QCOMPARE(run->params.value(QStringLiteral("train.learning_rate")), QStringLiteral("0.001"));
        QCOMPARE(run->params.value(QStringLiteral("train.augmentations.max_rotate")), QStringLiteral("10.0"));
        QCOMPARE(run->params.value(QStringLiteral("data_split.test_pct")), QStringLiteral("0.20"));
        QVERIFY(!run->tags.contains(QStringLiteral("mlflow.source.git.commit"))); // not a work tree
    }
}

void TestDvcReader::staleFilesOfAnOlderLayoutAreLeftOutWithOneWarning()
{
    RecordingSink sink;
    readDvc(Stale, sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    // plots/metrics (102 rows each, steps 0..101) wins over the 810-row scalars/ files of DVCLive 1.x.
    QCOMPARE(shape(run), QStringLiteral("accuracy_train:102 loss_train:102"));
    checkPoint(metric(run, QStringLiteral("loss_train")), 101, 101, 7.888468265533447);
    checkPoint(metric(run, QStringLiteral("accuracy_train")), 101, 101, 0.5649847984313965);
    QCOMPARE(run.startMs, std::nullopt);
    QCOMPARE(sink.warnings.size(), size_t(1));
    QCOMPARE(sink.warnings[0].file, Stale + QStringLiteral("/dvclive"));
    QVERIFY2(sink.warnings[0].message.endsWith(
                 QStringLiteral("scalars/accuracy_train.tsv, scalars/loss_train.tsv, ../dvclive.json")),
             qPrintable(sink.warningText()));
    QCOMPARE(run.inputs.size(), size_t(3));
    QCOMPARE(run.params.value(QStringLiteral("train_transformer.EPOCHS")), QStringLiteral("1"));
}

void TestDvcReader::dvcLiveFolderImportedAloneKeepsItsProject()
{
    RecordingSink sink;
    readDvc(ZeroX + QStringLiteral("/dvclive"), sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(1));
    QCOMPARE(sink.runs[0].sourceKey, QStringLiteral("."));
    QCOMPARE(sink.runs[0].inputs.size(), size_t(2));
    QCOMPARE(sink.runs[0].params.value(QStringLiteral("train.epochs")), QStringLiteral("10"));
}

void TestDvcReader::summaryOnlyMetricsAreSinglePoints()
{
    QTemporaryDir dir;
    const QString live = dir.filePath(QStringLiteral("dvclive"));
    QVERIFY(QDir().mkpath(live + QStringLiteral("/plots/metrics/train")));
    QVERIFY(QDir().mkpath(live + QStringLiteral("/plots/metrics/eval")));
    QVERIFY(
        writeFile(live + QStringLiteral("/plots/metrics/train/loss.tsv"), "step\tloss\n0\t1.5\n1\t0.5\n"));
    QVERIFY(writeFile(live + QStringLiteral("/plots/metrics/eval/loss.tsv"), "step\tloss\n1\t0.7\n"));
    // Python's json writes NaN bare.
    QVERIFY(writeFile(live + QStringLiteral("/metrics.json"),
                      "{\"train\": {\"loss\": 0.5, \"acc\": 0.9}, \"eval\": {\"loss\": 0.7, \"f1\": NaN},"
                      " \"note\": \"text\", \"step\": 7}"));
    RecordingSink sink;
    readDvc(dir.path(), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(shape(run), QStringLiteral("eval/f1:1 eval/loss:1 train/acc:1 train/loss:2"));
    checkPoint(metric(run, QStringLiteral("train/acc")), 0, 7, 0.9);
    QVERIFY(std::isnan(metric(run, QStringLiteral("eval/f1"))->points[0].value));
    QCOMPARE(metric(run, QStringLiteral("eval/f1"))->points[0].step, qint64(7));
    QCOMPARE(sink.warnings.size(), size_t(1));
    QVERIFY2(sink.warnings[0].message.contains(QStringLiteral("note")), qPrintable(sink.warningText()));
}

void TestDvcReader::projectWithoutDvcLiveIsARun()
{
    QTemporaryDir dir;
    const QString p = dir.filePath(QStringLiteral("proj"));
    QVERIFY(QDir().mkpath(p + QStringLiteral("/.git/refs/heads")));
    QVERIFY(writeFile(p + QStringLiteral("/dvc.yaml"), "stages:\n  train:\n    cmd: python train.py\n"));
    QVERIFY(writeFile(p + QStringLiteral("/dvc.lock"),
                      "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n"
                      "    - path: data/train.csv\n      hash: md5\n      md5: 0a1b\n      size: 12\n"
                      "    - path: s3://bucket/x\n      etag: abc\n"));
    QVERIFY(writeFile(p + QStringLiteral("/params.yaml"), "train:\n  lr: 0.1\n  layers: [1, 2]\n"));
    QVERIFY(writeFile(p + QStringLiteral("/metrics.yaml"), "eval:\n  auc: 0.75\n"));
    QVERIFY(writeFile(p + QStringLiteral("/.git/HEAD"), "ref: refs/heads/main\n"));
    QVERIFY(writeFile(p + QStringLiteral("/.git/refs/heads/main"), ShaA + "\n"));
    RecordingSink sink;
    readDvc(p, sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.warningText()));
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(run.name, QStringLiteral("proj"));
    QCOMPARE(run.sourceKey, QStringLiteral(".#dvc-project"));
    QCOMPARE(shape(run), QStringLiteral("eval/auc:1"));
    QCOMPARE(run.params.value(QStringLiteral("train.lr")), QStringLiteral("0.1"));
    QCOMPARE(run.params.value(QStringLiteral("train.layers")), QStringLiteral("[1, 2]"));
    QCOMPARE(inputsText(run), QStringLiteral("train/data/train.csv@0a1b train/s3://bucket/x@abc"));
    QCOMPARE(run.inputs[1].source, QStringLiteral("s3://bucket/x"));
    QCOMPARE(run.tags.value(QStringLiteral("mlflow.source.git.commit")), QString::fromLatin1(ShaA));
    QCOMPARE(run.tags.value(QStringLiteral("mlflow.source.git.branch")), QStringLiteral("main"));
}

void TestDvcReader::gitHead_data()
{
    QTest::addColumn<QString>("layout"); // what the test writes
    QTest::addColumn<QString>("commit");
    QTest::addColumn<QString>("branch");
    QTest::newRow("branch, loose ref") << "loose" << QString::fromLatin1(ShaA) << "main";
    QTest::newRow("branch, packed-refs") << "packed" << QString::fromLatin1(ShaB) << "feature/x";
    QTest::newRow("detached HEAD") << "detached" << QString::fromLatin1(ShaB) << "";
    QTest::newRow(".git file of a worktree") << "worktree" << QString::fromLatin1(ShaB) << "wt";
    QTest::newRow("branch without commits") << "unborn"
                                            << ""
                                            << "";
    QTest::newRow("ref climbing out") << "escape"
                                      << ""
                                      << "";
    QTest::newRow("no .git") << "none"
                             << ""
                             << "";
}

void TestDvcReader::gitHead()
{
    QFETCH(QString, layout);
    QFETCH(QString, commit);
    QFETCH(QString, branch);
    QTemporaryDir dir;
    const QString tree = dir.filePath(QStringLiteral("tree"));
    const QString g = tree + QStringLiteral("/.git");
    QVERIFY(QDir().mkpath(g + QStringLiteral("/refs/heads")));
    if (layout == QLatin1String("loose")) {
        QVERIFY(writeFile(git(g, QStringLiteral("HEAD")), "ref: refs/heads/main\n"));
        QVERIFY(writeFile(git(g, QStringLiteral("refs/heads/main")), ShaA + "\n"));
        QVERIFY(writeFile(git(g, QStringLiteral("packed-refs")), ShaB + " refs/heads/main\n"));
    } else if (layout == QLatin1String("packed")) {
        QVERIFY(writeFile(git(g, QStringLiteral("HEAD")), "ref: refs/heads/feature/x\n"));
        QVERIFY(writeFile(git(g, QStringLiteral("packed-refs")),
                          "# pack-refs with: peeled fully-peeled sorted\n" + ShaA + " refs/heads/feature\n" +
                              ShaB + " refs/heads/feature/x\n^" + ShaA + "\n"));
    } else if (layout == QLatin1String("detached")) {
        QVERIFY(writeFile(git(g, QStringLiteral("HEAD")), ShaB + "\n"));
    } else if (layout == QLatin1String("worktree")) {
        // `git worktree add`: the work tree's .git is a file naming .git/worktrees/<name> of the main one,
        // whose commondir leads back to the shared refs.
        QVERIFY(QDir(g).removeRecursively());
        const QString main = dir.filePath(QStringLiteral("main/.git"));
        const QString wt = main + QStringLiteral("/worktrees/wt");
        QVERIFY(QDir().mkpath(wt) && QDir().mkpath(main + QStringLiteral("/refs/heads")));
        QVERIFY(writeFile(g, "gitdir: ../main/.git/worktrees/wt\n"));
        QVERIFY(writeFile(git(wt, QStringLiteral("HEAD")), "ref: refs/heads/wt\n"));
        QVERIFY(writeFile(git(wt, QStringLiteral("commondir")), "../..\n"));
        QVERIFY(writeFile(git(main, QStringLiteral("refs/heads/wt")), ShaB + "\n"));
    } else if (layout == QLatin1String("unborn")) {
        QVERIFY(writeFile(git(g, QStringLiteral("HEAD")), "ref: refs/heads/main\n"));
    } else if (layout == QLatin1String("escape")) {
        QVERIFY(writeFile(dir.filePath(QStringLiteral("secret")), ShaA + "\n"));
        QVERIFY(writeFile(git(g, QStringLiteral("HEAD")), "ref: refs/../../../secret\n"));
    } else {
        QVERIFY(QDir(g).removeRecursively());
    }
    const auto head = readGitHead(tree);
    if (commit.isEmpty()) {
        QCOMPARE(head.has_value(), false);
        return;
    }
    QVERIFY(head);
    QCOMPARE(head->commit, commit);
    QCOMPARE(head->branch, branch);
}

void TestDvcReader::brokenInputRefusesTheRun_data()
{
    QTest::addColumn<QString>("file"); // below the project
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    QTest::newRow("row with a missing field")
        << "dvclive/plots/metrics/loss.tsv" << QByteArray("step\tloss\n0\t1\n1\n2\t3\n")
        << "line 3: 1 field(s) where the header has 2";
    QTest::newRow("value not a number")
        << "dvclive/plots/metrics/loss.tsv" << QByteArray("step\tloss\n0\t1\n\n1\tabc\n")
        << "line 4: value 'abc' is not a number";
    QTest::newRow("step not an integer")
        << "dvclive/plots/metrics/loss.tsv" << QByteArray("step\tloss\n0.5\t1\n")
        << "line 2: step '0.5' is not an integer";
    QTest::newRow("not a plot header") << "dvclive/plots/metrics/loss.tsv" << QByteArray("a\tb\tc\n1\t2\t3\n")
                                       << "line 1: not a DVCLive plot header";
    QTest::newRow("empty plot") << "dvclive/plots/metrics/loss.tsv" << QByteArray("\n")
                                << "line 1: empty file";
    QTest::newRow("broken summary") << "dvclive/metrics.json"
                                    << QByteArray("{\n  \"loss\": 1,\n  \"acc\" 2\n}")
                                    << "line 3: not valid JSON";
    QTest::newRow("empty summary") << "dvclive/metrics.json" << QByteArray("") << "line 1: empty file";
    QTest::newRow("broken params") << "dvclive/params.yaml" << QByteArray("lr: 0.1\nlayers: [1, 2\n")
                                   << "line 3: not valid YAML";
    QTest::newRow("broken project params")
        << "params.yaml" << QByteArray("train:\n  lr: 0.1\n - x\n") << "line 3: not valid YAML";
    QTest::newRow("broken dvc.lock") << "dvc.lock"
                                     << QByteArray(
                                            "schema: '2.0'\nstages:\n  train:\n    deps:\n    - md5: 12\n")
                                     << "line 5: a dependency of stage 'train' has no path";
}

void TestDvcReader::brokenInputRefusesTheRun()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString p = dir.path();
    QVERIFY(QDir().mkpath(p + QStringLiteral("/dvclive/plots/metrics")));
    QVERIFY(writeFile(p + QStringLiteral("/dvc.yaml"), "stages: {}\n"));
    QVERIFY(writeFile(p + QStringLiteral("/dvclive/plots/metrics/acc.tsv"), "step\tacc\n0\t0.5\n"));
    QVERIFY(writeFile(p + QLatin1Char('/') + file, bytes));
    RecordingSink sink;
    readDvc(p, sink);
    QCOMPARE(sink.runs.size(), size_t(0)); // nothing of the run, not even acc
    QVERIFY(!sink.warnings.empty());
    QCOMPARE(sink.warnings[0].file, p + QLatin1Char('/') + file);
    QVERIFY2(sink.warnings[0].message.startsWith(message), qPrintable(sink.warningText()));
}

QTEST_GUILESS_MAIN(TestDvcReader)
#include "tst_dvcreader.moc"
