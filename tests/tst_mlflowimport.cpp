// SPDX-License-Identifier: GPL-3.0-or-later
// Importing MLflow file stores: the real fixture store with exact equality to its ground truth, idempotence,
// incremental growth, atomicity per run, hostile and damaged stores, and the public stores (old formats,
// tracking-server layout with mlartifacts/).

#include "artifacts/artifactstore.h"
#include "import/importer.h"
#include "import/mlflowfilereader.h"
#include "store/database.h"
#include "store/store.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <set>
#include <sys/stat.h>

using namespace runlens;
using namespace runlens::import;
using runlens::test::copyTree;
using runlens::test::readFile;
using runlens::test::writeFile;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);

QJsonObject groundTruth(const QString &name)
{
    QFile f(Fixtures + QLatin1Char('/') + name + QStringLiteral("/ground_truth.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// Sources are copied first: nothing may ever write into the shared fixtures.

QByteArray treeHash(const QString &root)
{
    QStringList entries;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        QFile file(f);
        file.open(QIODevice::ReadOnly);
        entries << f + QLatin1Char(':') +
                       QString::fromLatin1(
                           QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha1).toHex());
    }
    entries.sort();
    return QCryptographicHash::hash(entries.join(QLatin1Char('\n')).toUtf8(), QCryptographicHash::Sha1);
}

// Rewrites the artifact_uri line of a run's meta.yaml.
bool setArtifactUri(const QString &meta, const QString &uri)
{
    QStringList lines = QString::fromUtf8(readFile(meta)).split(u'\n');
    bool found = false;
    for (QString &line : lines) {
        if (line.startsWith(QLatin1String("artifact_uri:"))) {
            line = QStringLiteral("artifact_uri: ") + uri;
            found = true;
        }
    }
    return found && writeFile(meta, lines.join(u'\n').toUtf8());
}

// Object files of the artifact store that no artifact row names, and anything left in its staging folder.
QStringList leftovers(Store &store)
{
    const ArtifactStore objects(store.path());
    QStringList out;
    for (const QString &f : test::filesUnder(objects.root() + QStringLiteral("/objects"))) {
        const QString sha = QString(f).remove(u'/');
        if (!store.artifacts().isArtifactObjectUsed(sha))
            out << QStringLiteral("objects/") + f;
    }
    for (const QString &f : test::filesUnder(objects.root() + QStringLiteral("/staging")))
        out << QStringLiteral("staging/") + f;
    return out;
}

// MLflow's rule for the latest value.
MetricPoint latest(const std::vector<MetricPoint> &pts)
{
    MetricPoint best = pts.front();
    for (const MetricPoint &p : pts) {
        if (isLaterThan(p, best))
            best = p;
    }
    return best;
}

} // namespace

class TestMlflowImport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void fileStoreMatchesGroundTruth();
    void reimportAddsNothing();
    void grownSourceAddsOnlyNewPoints();
    void reimportKeepsLocalEditsAndSeesChangedArtifacts();
    void resolvesArtifactLocations_data();
    void resolvesArtifactLocations();
    void hostileArtifactLocations();
    void damagedStoreImportsTheRest();
    void failingRunLeavesNothing();
    void reportCountsOnlyWhatWasCommitted();
    void trashedExperimentsImportDeleted();
    void hostileStore();
    void publicTrackingServerStore();
    void publicOldFormatStore();
    void loggedModelsJoinTheirRun();

private:
    ImportReport importPath(const QString &path, Format f = Format::Auto);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    QString m_source;
};

void TestMlflowImport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_source = m_dir->filePath(QStringLiteral("src"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/mlflow-file"), m_source));
    m_store = std::make_unique<Store>(m_dir->filePath(QStringLiteral("runlens.db")));
}

void TestMlflowImport::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

ImportReport TestMlflowImport::importPath(const QString &path, Format f)
{
    return importPaths(*m_store, {path}, f, ImportOptions{});
}

void TestMlflowImport::fileStoreMatchesGroundTruth()
{
    const QJsonObject truth = groundTruth(QStringLiteral("mlflow-file"));
    QVERIFY(!truth.isEmpty());
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    QCOMPARE(detectFormat(mlruns), Format::MlflowFiles);
    QCOMPARE(detectFormat(m_source), Format::MlflowFiles); // the folder holding mlruns works too
    const QByteArray before = treeHash(m_source);
    const ImportReport report = importPath(mlruns);
    QCOMPARE(treeHash(m_source), before); // the source is never modified
    QVERIFY2(report.failedRuns.isEmpty(), qPrintable(report.failedRuns.join(QLatin1Char('\n'))));
    QCOMPARE(report.runsAdded, 12);

    // Experiments with their tags.
    const QJsonObject experiments = truth.value(QStringLiteral("experiments")).toObject();
    for (auto it = experiments.begin(); it != experiments.end(); ++it) {
        const auto e = m_store->runs().experimentByName(it.key());
        QVERIFY2(e, qPrintable(it.key()));
        const QJsonObject tags = it->toObject().value(QStringLiteral("tags")).toObject();
        for (auto t = tags.begin(); t != tags.end(); ++t)
            QCOMPARE(e->tags.value(t.key()), t->toString());
    }

    // Every run: id, name, experiment, params, status, point count.
    RunQuery all;
    all.includeDeleted = true;
    QCOMPARE(m_store->runs().countRuns(all), qint64(truth.value(QStringLiteral("check_all_runs")).toInt()));
    QCOMPARE(m_store->runs().countRuns(RunQuery{}),
             qint64(truth.value(QStringLiteral("check_active_runs")).toInt()));
    for (const QJsonValue &v : truth.value(QStringLiteral("runs")).toArray()) {
        const QJsonObject want = v.toObject();
        const auto run = m_store->runs().run(want.value(QStringLiteral("run_id")).toString());
        QVERIFY2(run, qPrintable(want.value(QStringLiteral("run_id")).toString()));
        QCOMPARE(run->name, want.value(QStringLiteral("name")).toString());
        QCOMPARE(runStatusName(run->status), want.value(QStringLiteral("status")).toString());
        const QJsonObject params = want.value(QStringLiteral("params")).toObject();
        QCOMPARE(run->params.size(), params.size());
        for (auto p = params.begin(); p != params.end(); ++p)
            QCOMPARE(run->params.value(p.key()), p->toString());
        qint64 points = 0;
        for (const MetricSummary &s : run->metrics)
            points += s.count;
        QCOMPARE(points, qint64(want.value(QStringLiteral("n_metric_points")).toInt()));
        QVERIFY(run->startMs && run->endMs);
    }
    const QString deleted = truth.value(QStringLiteral("deleted_run_id")).toString();
    QCOMPARE(m_store->runs().run(deleted)->lifecycle, Lifecycle::Deleted);

    // run-01: NaN at loss step 10 and +inf at val_loss step 2 survive.
    const QString run01 = QStringLiteral("234cdb4d277242e397f83d9d2f9664b7");
    const std::vector<MetricPoint> loss01 = m_store->series().metricHistory(run01, QStringLiteral("loss"));
    QCOMPARE(qint64(loss01.size()), qint64(truth.value(QStringLiteral("check_nan_history_len")).toInt()));
    QVERIFY(std::isnan(loss01[10].value) && loss01[10].step == 10);
    const std::vector<MetricPoint> val01 = m_store->series().metricHistory(run01, QStringLiteral("val_loss"));
    const auto inf = std::find_if(val01.begin(), val01.end(), [](auto &p) { return p.step == 2; });
    QVERIFY(inf != val01.end() && std::isinf(inf->value) && inf->value > 0);

    // run-02: loss step 7 logged twice (both kept, in order), and the latest loss by MLflow's rule.
    RunQuery byName;
    byName.filter = QStringLiteral("attributes.run_name = 'run-02'");
    const QStringList ids = m_store->runs().searchRunIds(byName);
    QCOMPARE(ids.size(), 1);
    std::vector<double> step7;
    const std::vector<MetricPoint> loss02 = m_store->series().metricHistory(ids[0], QStringLiteral("loss"));
    for (const MetricPoint &p : loss02) {
        if (p.step == 7)
            step7.push_back(p.value);
    }
    const QJsonArray wantStep7 = truth.value(QStringLiteral("check_repeated_step7")).toArray();
    QCOMPARE(step7.size(), size_t(2));
    QCOMPARE(step7[0], wantStep7[0].toDouble());
    QCOMPARE(step7[1], wantStep7[1].toDouble());
    const double wantLatest = truth.value(QStringLiteral("check_latest_loss_run2")).toDouble();
    QCOMPARE(latest(loss02).value, wantLatest);
    QCOMPARE(m_store->runs().metricSummary(ids[0], QStringLiteral("loss"))->last, wantLatest);

    // The ground truth's filter, through Runlens' own search.
    RunQuery filter;
    filter.filter = QStringLiteral("metrics.loss < 0.2 and params.lr = '0.01'");
    filter.orderBy = QStringLiteral("attributes.run_name ASC");
    QStringList names;
    for (const Run &r : m_store->runs().searchRuns(filter))
        names << r.name;
    QStringList want;
    for (const QJsonValue &n : truth.value(QStringLiteral("check_filter_loss_lt_0.2_lr_0.01")).toArray())
        want << n.toString();
    QCOMPARE(names, want);

    // Registry: versions, stages, alias.
    const QJsonObject reg = truth.value(QStringLiteral("registry")).toObject();
    const auto model = m_store->registry().registeredModel(reg.value(QStringLiteral("name")).toString());
    QVERIFY(model);
    QCOMPARE(int(model->versions.size()), reg.value(QStringLiteral("versions")).toArray().size());
    const QJsonObject stages = reg.value(QStringLiteral("stages")).toObject();
    for (const ModelVersion &v : model->versions)
        QCOMPARE(modelStageName(v.stage), stages.value(QString::number(v.version)).toString());
    QCOMPARE(model->aliases.value(QStringLiteral("champion")),
             truth.value(QStringLiteral("check_model_alias")).toInt());
    QCOMPARE(model->tags.value(QStringLiteral("domain")), QStringLiteral("demo"));
    QCOMPARE(model->versions[1].tags.value(QStringLiteral("validated")), QStringLiteral("true"));
    QVERIFY(!m_store->registry().auditTrail(model->name).empty());

    // Artifacts: resolved relative to the store although artifact_uri names /tmp/realml/out, stored by hash.
    const std::vector<Artifact> arts = m_store->artifacts().artifacts(run01);
    QStringList paths;
    for (const Artifact &a : arts)
        paths << a.path;
    QVERIFY2(paths.contains(QStringLiteral("bundle/sub/deep.txt")), qPrintable(paths.join(QLatin1Char(','))));
    QVERIFY(paths.contains(QStringLiteral("meta/info.json")));
    const ArtifactStore store(m_store->path());
    for (const Artifact &a : arts) {
        QFile stored(store.objectPath(a.sha256));
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QFile original(mlruns + QStringLiteral("/346757139775306384/") + run01 +
                       QStringLiteral("/artifacts/") + a.path);
        QVERIFY(original.open(QIODevice::ReadOnly));
        QCOMPARE(stored.readAll(), original.readAll());
        QCOMPARE(stored.size(), a.size);
    }
    // Dataset inputs (run-00 logged dataset 'toy' for training).
    const std::vector<DatasetInput> inputs =
        m_store->runs().datasetInputs(QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d"));
    QCOMPARE(inputs.size(), size_t(1));
    QCOMPARE(inputs[0].name, QStringLiteral("toy"));
    QCOMPARE(inputs[0].context, QStringLiteral("training"));
    QCOMPARE(inputs[0].digest, QStringLiteral("4fb5574f"));
}

void TestMlflowImport::reimportAddsNothing()
{
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    const ImportReport first = importPath(mlruns);
    QVERIFY(first.pointsAdded > 0 && first.artifactsAdded > 0);
    const qint64 size = m_store->database().fileSize();
    const size_t audit = m_store->registry().auditTrail().size();
    const ImportReport second = importPath(mlruns);
    QCOMPARE(second.runsAdded, 0);
    QCOMPARE(second.runsUpdated, 0);
    QCOMPARE(second.pointsAdded, qint64(0));
    QCOMPARE(second.artifactsAdded, 0);
    QCOMPARE(second.modelsAdded, 0);
    QCOMPARE(second.versionsAdded, 0);
    QCOMPARE(second.experimentsAdded, 0);
    QVERIFY(second.failedRuns.isEmpty());
    QCOMPARE(m_store->registry().auditTrail().size(), audit); // no registry change recorded for a no-op
    RunQuery all;
    all.includeDeleted = true;
    QCOMPARE(m_store->runs().countRuns(all), qint64(12));
    QVERIFY(m_store->database().fileSize() <= size + 64 * 1024);
}

void TestMlflowImport::grownSourceAddsOnlyNewPoints()
{
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    importPath(mlruns);
    const QString runDir = mlruns + QStringLiteral("/346757139775306384/234cdb4d277242e397f83d9d2f9664b7");
    QFile metric(runDir + QStringLiteral("/metrics/loss"));
    QVERIFY(metric.open(QIODevice::Append));
    metric.write("1800000000000 0.0125 120\n1800000001000 nan 121\n");
    metric.close();
    QFile newKey(runDir + QStringLiteral("/metrics/grad_norm"));
    QVERIFY(newKey.open(QIODevice::WriteOnly));
    newKey.write("1800000000000 3.5 0\n");
    newKey.close();
    const qint64 auditBefore = qint64(m_store->registry().auditTrail().size());
    const ImportReport r = importPath(mlruns);
    QCOMPARE(r.pointsAdded, qint64(3));
    QCOMPARE(r.runsUpdated, 1);
    QCOMPARE(r.runsAdded, 0);
    const std::vector<MetricPoint> loss = m_store->series().metricHistory(
        QStringLiteral("234cdb4d277242e397f83d9d2f9664b7"), QStringLiteral("loss"));
    QCOMPARE(loss.size(), size_t(122));
    QCOMPARE(loss[120].value, 0.0125);
    QVERIFY(std::isnan(loss[121].value));
    QCOMPARE(qint64(m_store->registry().auditTrail().size()), auditBefore); // nothing changed in the registry
}

void TestMlflowImport::reimportKeepsLocalEditsAndSeesChangedArtifacts()
{
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    importPath(mlruns);
    const QString id = QStringLiteral("234cdb4d277242e397f83d9d2f9664b7");
    m_store->runs().setRunLifecycle(id, Lifecycle::Deleted);
    m_store->runs().setTag(id, QStringLiteral("stage"), QStringLiteral("edited here"));
    m_store->runs().setRunStatus(id, RunStatus::Killed);
    // An artifact rewritten with other bytes of the same size.
    const QString notes =
        mlruns + QStringLiteral("/346757139775306384/") + id + QStringLiteral("/artifacts/notes.txt");
    QFile f(notes);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QByteArray bytes = f.readAll();
    QVERIFY(!bytes.isEmpty());
    for (char &c : bytes)
        c = c == 'x' ? 'y' : 'x';
    f.seek(0);
    f.write(bytes);
    f.flush();
    QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
    f.close();
    const ImportReport r = importPath(mlruns);
    QCOMPARE(r.artifactsAdded, 1);
    const auto run = m_store->runs().run(id);
    QCOMPARE(run->lifecycle, Lifecycle::Deleted);
    QCOMPARE(run->tags.value(QStringLiteral("stage")), QStringLiteral("edited here"));
    QCOMPARE(run->status, RunStatus::Killed);
    for (const Artifact &a : m_store->artifacts().artifacts(id)) {
        if (a.path == QLatin1String("notes.txt")) {
            QFile stored(ArtifactStore(m_store->path()).objectPath(a.sha256));
            QVERIFY(stored.open(QIODevice::ReadOnly));
            QCOMPARE(stored.readAll(), bytes);
        }
    }
    // The replaced bytes went with their row (unless another row names them).
    const QStringList left = leftovers(*m_store);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
}

void TestMlflowImport::resolvesArtifactLocations_data()
{
    // The store is <tmp>/store/mlruns, the run's folder <store>/1/<run>; "" expects no folder.
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("expected"); // relative to the temp dir, empty: none
    QTest::addColumn<bool>("skipped");     // the location was refused, with a reason
    const QString own = QStringLiteral("store/mlruns/1/0123456789abcdef0123456789abcdef/artifacts");
    QTest::newRow("absolute path of another machine")
        << "file:///tmp/realml/out/mlruns/1/0123456789abcdef0123456789abcdef/artifacts" << own << false;
    QTest::newRow("windows drive URI")
        << "file:///D:/work/mlruns/1/0123456789abcdef0123456789abcdef/artifacts" << own << false;
    QTest::newRow("file:C:\\ form")
        << "file:C:\\Users\\me\\mlruns\\1\\0123456789abcdef0123456789abcdef\\artifacts" << own << false;
    QTest::newRow("WSL mount") << "/mnt/c/Users/me/mlruns/1/0123456789abcdef0123456789abcdef/artifacts" << own
                               << false;
    QTest::newRow("MLflow 1.x relative")
        << "./mlruns/1/0123456789abcdef0123456789abcdef/artifacts" << own << false;
    QTest::newRow("mlflow-artifacts with sibling mlartifacts")
        << "mlflow-artifacts:/1/0123456789abcdef0123456789abcdef/artifacts"
        << "store/mlartifacts/1/0123456789abcdef0123456789abcdef/artifacts" << false;
    QTest::newRow("parent segments refused") << "file:///x/../../etc"
                                             << "" << true;
    QTest::newRow("remote store") << "s3://bucket/1/0123456789abcdef0123456789abcdef/artifacts"
                                  << "" << true;
    QTest::newRow("too short a tail to trust") << "/elsewhere/artifacts"
                                               << "" << true;
    QTest::newRow("another run's folder") << "/tmp/mlruns/1/ffffffffffffffffffffffffffffffff/artifacts"
                                          << "" << true;
    // The private folder beside the store (a store kept in a home folder) exists here: still refused.
    QTest::newRow("a folder beside the store") << "file://TMP/store/.ssh"
                                               << "" << true;
    QTest::newRow("a folder of the store") << "file://TMP/store/mlruns/models"
                                           << "" << true;
    QTest::newRow("empty") << ""
                           << "" << false;
}

void TestMlflowImport::resolvesArtifactLocations()
{
    QFETCH(QString, uri);
    QFETCH(QString, expected);
    QFETCH(bool, skipped);
    QTemporaryDir dir;
    const QString run = QStringLiteral("/1/0123456789abcdef0123456789abcdef/artifacts");
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("store/mlruns")) + run));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("store/mlruns/models"))));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("store/mlartifacts")) + run));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("store/.ssh"))));
    uri.replace(QLatin1String("TMP"), dir.path());
    const QString store = dir.filePath(QStringLiteral("store/mlruns"));
    const ArtifactLocation got =
        resolveArtifactLocation(uri, store, store + QStringLiteral("/1/0123456789abcdef0123456789abcdef"),
                                QStringLiteral("0123456789abcdef0123456789abcdef"));
    QCOMPARE(got.folder,
             expected.isEmpty() ? QString() : QFileInfo(dir.filePath(expected)).canonicalFilePath());
    QVERIFY2(got.skipped.isEmpty() != skipped, qPrintable(got.skipped));
    if (skipped)
        QVERIFY2(got.skipped.contains(uri), qPrintable(got.skipped)); // the reason names what was refused
}

void TestMlflowImport::hostileArtifactLocations()
{
    // A store kept in a home folder, with a private folder beside it, as the issue found: three runs whose
    // artifacts lead there in three ways. Their metadata and metrics import; nothing of the private folder
    // does, and the report names each refusal.
    const QString home = m_source; // <tmp>/src: mlruns/ and .ssh/ side by side
    const QString mlruns = home + QStringLiteral("/mlruns");
    QVERIFY(writeFile(home + QStringLiteral("/.ssh/id_rsa"), "PRIVATE KEY"));
    QVERIFY(writeFile(home + QStringLiteral("/.ssh/known_hosts"), "PRIVATE HOSTS"));
    const QString exp = QStringLiteral("346757139775306384");
    const QString byUri = QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d");
    const QString byFolderLink = QStringLiteral("234cdb4d277242e397f83d9d2f9664b7");
    const QString byIntermediateLink = QStringLiteral("f4e76955f78e4c03b0d5fd582fc60167");
    const QString intermediateExp = QStringLiteral("260834619802499275");

    // 1. artifact_uri: file:///<home>/.ssh (the old code trusted anything below the store's parent).
    const QString uriMeta =
        mlruns + QLatin1Char('/') + exp + QLatin1Char('/') + byUri + QStringLiteral("/meta.yaml");
    QVERIFY(setArtifactUri(uriMeta, QStringLiteral("file://") + home + QStringLiteral("/.ssh")));
    QVERIFY(QDir(mlruns + QLatin1Char('/') + exp + QLatin1Char('/') + byUri + QStringLiteral("/artifacts"))
                .removeRecursively());
    // 2. A folder inside the run's artifacts that is a link out.
    const QString linkedFolder =
        mlruns + QLatin1Char('/') + exp + QLatin1Char('/') + byFolderLink + QStringLiteral("/artifacts/keys");
    QVERIFY(QFile::link(home + QStringLiteral("/.ssh"), linkedFolder));
    // 3. A link on the way: mlflow-artifacts:/<exp>/<run>/artifacts where mlartifacts/<exp> leads elsewhere.
    const QString stash =
        home + QStringLiteral("/.ssh-stash/") + byIntermediateLink + QStringLiteral("/artifacts");
    QVERIFY(writeFile(stash + QStringLiteral("/id_rsa"), "PRIVATE KEY"));
    QVERIFY(QDir().mkpath(home + QStringLiteral("/mlartifacts")));
    QVERIFY(QFile::link(home + QStringLiteral("/.ssh-stash"),
                        home + QStringLiteral("/mlartifacts/") + intermediateExp));
    const QString servedMeta = mlruns + QLatin1Char('/') + intermediateExp + QLatin1Char('/') +
                               byIntermediateLink + QStringLiteral("/meta.yaml");
    QVERIFY(setArtifactUri(
        servedMeta,
        QStringLiteral("mlflow-artifacts:/%1/%2/artifacts").arg(intermediateExp, byIntermediateLink)));
    QVERIFY(QDir(QFileInfo(servedMeta).absolutePath() + QStringLiteral("/artifacts")).removeRecursively());

    const ImportReport r = importPath(mlruns);
    QVERIFY2(r.failedRuns.isEmpty(), qPrintable(r.failedRuns.join(u'\n')));
    QVERIFY2(r.failedSources.isEmpty(), qPrintable(r.failedSources.join(u'\n')));
    QCOMPARE(r.runsAdded, 12);
    for (const QString &id : {byUri, byFolderLink, byIntermediateLink}) {
        const auto run = m_store->runs().run(id);
        QVERIFY(run);
        QVERIFY(!run->metrics.isEmpty()); // the run itself is imported
        for (const Artifact &a : m_store->artifacts().artifacts(id, true)) {
            QVERIFY2(!a.path.contains(QLatin1String("id_rsa")) &&
                         !a.path.contains(QLatin1String("known_hosts")),
                     qPrintable(a.path));
        }
    }
    QVERIFY(!m_store->artifacts().artifacts(byFolderLink).empty()); // its real files are imported
    // Nothing of the private folder is anywhere in the artifact store.
    for (const QString &f : test::filesUnder(ArtifactStore(m_store->path()).root()))
        QVERIFY2(
            !readFile(ArtifactStore(m_store->path()).root() + QLatin1Char('/') + f).startsWith("PRIVATE"),
            qPrintable(f));
    // The report names each refusal, with its reason.
    const QString uriWarning = r.warnings.value(uriMeta).join(u'\n');
    QVERIFY2(uriWarning.contains(QLatin1String("artifacts skipped")) &&
                 uriWarning.contains(QLatin1String(".ssh")),
             qPrintable(uriWarning));
    QVERIFY2(r.warnings.value(linkedFolder).join(u'\n').contains(QLatin1String("symbolic link not followed")),
             qPrintable(r.toText()));
    const QString servedWarning = r.warnings.value(servedMeta).join(u'\n');
    QVERIFY2(servedWarning.contains(QLatin1String("symbolic link")) &&
                 servedWarning.contains(QLatin1String(".ssh-stash")),
             qPrintable(servedWarning));
    QCOMPARE(r.skipped.value(QStringLiteral("artifact locations outside the run")), qint64(2));
    QVERIFY(r.skipped.value(QStringLiteral("symbolic links not followed")) >= 1);
    QVERIFY(r.toText().contains(QLatin1String("skipped 2 artifact locations outside the run")));
}

void TestMlflowImport::damagedStoreImportsTheRest()
{
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    const QString exp = mlruns + QStringLiteral("/346757139775306384/");
    // A run whose meta.yaml is not YAML, a metric file with garbage lines, a param that is a folder of junk.
    QFile meta(exp + QStringLiteral("234cdb4d277242e397f83d9d2f9664b7/meta.yaml"));
    QVERIFY(meta.open(QIODevice::WriteOnly));
    meta.write("run_id: [unclosed\n\t- : :\n");
    meta.close();
    QFile metric(exp + QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d/metrics/loss"));
    QVERIFY(metric.open(QIODevice::Append));
    metric.write(
        "garbage line here\n1700 notanumber 3\n\x01\x02\x03\n1700 1e400 5\n1700 2.5 99999999999999999999\n"
        "1800000000000 0.5 9999\n");
    metric.close();
    // A dataset input without tags (found by the fuzzer: it used to throw out of the reader).
    QFile input(
        exp +
        QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d/inputs/25a43105a17c03f385351eef24599ee6/meta.yaml"));
    QVERIFY(input.open(QIODevice::WriteOnly | QIODevice::Truncate));
    input.write("destination_id: x\ndestination_type: RUN\nsource_id: 7fdb7968bdd343ea63a67b7f4c2e0387\n"
                "source_type: DATASET\n");
    input.close();
    const ImportReport r = importPath(mlruns);
    QCOMPARE(r.runsAdded, 11); // the unreadable run is reported, the others are complete
    QCOMPARE(m_store->runs().datasetInputs(QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d")).size(),
             size_t(1));
    QVERIFY2(r.failedRuns.isEmpty(), qPrintable(r.failedRuns.join(QLatin1Char('\n'))));
    QVERIFY(r.warnings.contains(exp + QStringLiteral("234cdb4d277242e397f83d9d2f9664b7/meta.yaml")));
    const QStringList metricWarnings =
        r.warnings.value(exp + QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d/metrics/loss"));
    QCOMPARE(metricWarnings.size(), 1);
    QVERIFY2(metricWarnings[0].startsWith(QLatin1String("5 malformed line(s)")),
             qPrintable(metricWarnings[0]));
    const std::vector<MetricPoint> loss = m_store->series().metricHistory(
        QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d"), QStringLiteral("loss"));
    QCOMPARE(loss.back().step, qint64(9999));
}

void TestMlflowImport::failingRunLeavesNothing()
{
    // One run holds a metric key longer than the store accepts (nested folders make a 300-character key):
    // its params and tags, written before the metric is refused, must go with it; the other runs import
    // whole.
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    const QString run = QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d");
    const QString deep = mlruns + QStringLiteral("/346757139775306384/") + run + QStringLiteral("/metrics/") +
                         QString(100, QLatin1Char('a')) + QLatin1Char('/') + QString(100, QLatin1Char('b')) +
                         QLatin1Char('/') + QString(100, QLatin1Char('c'));
    QVERIFY(QDir().mkpath(QFileInfo(deep).absolutePath()));
    QFile f(deep);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("1700000000000 1.0 0\n");
    f.close();
    const ImportReport r = importPath(mlruns);
    QCOMPARE(r.failedRuns.size(), 1);
    QVERIFY2(r.failedRuns[0].contains(run) && r.failedRuns[0].contains(QLatin1String("longer than")),
             qPrintable(r.failedRuns[0]));
    QCOMPARE(r.runsAdded, 11);
    QVERIFY(!m_store->runs().run(run)); // no half-imported run: no row, params, tags or points
    RunQuery all;
    all.includeDeleted = true;
    QCOMPARE(m_store->runs().countRuns(all), qint64(11));
    // Nor its artifacts' bytes: they were copied before the run was refused (the run has 5 files).
    const QStringList left = leftovers(*m_store);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
}

void TestMlflowImport::reportCountsOnlyWhatWasCommitted()
{
    // A registered model whose second version carries a tag key longer than the store accepts is rolled
    // back whole (the model and its first version with it): the report must not count it.
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    const QString tag = mlruns + QStringLiteral("/models/toy-classifier/version-2/tags/") +
                        QString(100, QLatin1Char('a')) + QLatin1Char('/') + QString(100, QLatin1Char('b')) +
                        QLatin1Char('/') + QString(100, QLatin1Char('c'));
    QVERIFY(writeFile(tag, "x"));
    const ImportReport r = importPath(mlruns);
    QVERIFY(m_store->registry().registeredModels().empty());
    QCOMPARE(r.modelsAdded, 0);
    QCOMPARE(r.versionsAdded, 0);
    QVERIFY2(
        r.warnings.value(QStringLiteral("toy-classifier")).join(u' ').contains(QLatin1String("not imported")),
        qPrintable(r.toText()));
    QCOMPARE(r.runsAdded, 12);
    QCOMPARE(qsizetype(r.experimentsAdded), qsizetype(m_store->runs().experiments(true).size()));
}

void TestMlflowImport::trashedExperimentsImportDeleted()
{
    // MLflow moves deleted experiments to .trash/: they and their runs import as deleted, and re-import of
    // the same store keeps them so.
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    QVERIFY(QDir().mkpath(mlruns + QStringLiteral("/.trash")));
    QVERIFY(QDir().rename(mlruns + QStringLiteral("/260834619802499275"),
                          mlruns + QStringLiteral("/.trash/260834619802499275")));
    const ImportReport first = importPath(mlruns);
    QVERIFY(first.failedRuns.isEmpty());
    QCOMPARE(first.runsAdded, 12);
    const auto text = m_store->runs().experimentByName(QStringLiteral("text-regression"));
    QVERIFY(text);
    QCOMPARE(text->lifecycle, Lifecycle::Deleted);
    QCOMPARE(m_store->runs().countRuns(RunQuery{}), qint64(7)); // only image-classification's runs are active
    QCOMPARE(importPath(mlruns).runsAdded, 0);
    QCOMPARE(m_store->runs().experimentByName(QStringLiteral("text-regression"))->lifecycle,
             Lifecycle::Deleted);
}

void TestMlflowImport::hostileStore()
{
    // Symlinks pointing out of the store, an artifact_uri naming a private folder, a key file that is a
    // symlink.
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    const QString runDir = mlruns + QStringLiteral("/346757139775306384/3333e4f688f74fe7ab5891ec5b73c34d");
    QTemporaryDir secret;
    QFile s(secret.filePath(QStringLiteral("id_rsa")));
    QVERIFY(s.open(QIODevice::WriteOnly));
    s.write("PRIVATE");
    s.close();
    QVERIFY(QFile::link(secret.filePath(QStringLiteral("id_rsa")),
                        runDir + QStringLiteral("/artifacts/leak.txt")));
    QVERIFY(QFile::link(secret.path(), runDir + QStringLiteral("/artifacts/leakdir")));
    QVERIFY(
        QFile::link(secret.filePath(QStringLiteral("id_rsa")), runDir + QStringLiteral("/params/stolen")));
    QFile meta(mlruns + QStringLiteral("/260834619802499275/f4e76955f78e4c03b0d5fd582fc60167/meta.yaml"));
    QVERIFY(meta.open(QIODevice::ReadOnly));
    QByteArray text = meta.readAll();
    meta.close();
    text.replace(QByteArray("artifact_uri: "),
                 QByteArray("artifact_uri: file://") + secret.path().toUtf8() + "\nx_old_uri: ");
    QVERIFY(meta.open(QIODevice::WriteOnly | QIODevice::Truncate));
    meta.write(text);
    meta.close();

    // Whole folders that are links out of the store (review finding), and a FIFO where a meta.yaml should be.
    const QString other = mlruns + QStringLiteral("/346757139775306384/234cdb4d277242e397f83d9d2f9664b7");
    QVERIFY(QDir(other + QStringLiteral("/params")).removeRecursively());
    QVERIFY(QFile::link(secret.path(), other + QStringLiteral("/params")));
    QVERIFY(QDir(other + QStringLiteral("/artifacts")).removeRecursively());
    QVERIFY(QFile::link(secret.path(), other + QStringLiteral("/artifacts")));
    const QString fifo = mlruns + QStringLiteral("/models/toy-classifier/version-1/meta.yaml");
    QVERIFY(QFile::remove(fifo));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);

    const ImportReport r = importPath(mlruns); // must not block on the FIFO
    QVERIFY(r.failedRuns.isEmpty());
    QVERIFY(r.warnings.value(fifo).join(QLatin1Char(' ')).contains(QLatin1String("not a regular file")));
    const auto linked = m_store->runs().run(QStringLiteral("234cdb4d277242e397f83d9d2f9664b7"));
    QVERIFY(linked->params.isEmpty());
    QVERIFY(m_store->artifacts().artifacts(linked->id).empty());
    const auto run = m_store->runs().run(QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d"));
    QVERIFY(!run->params.contains(QStringLiteral("stolen")));
    for (const Artifact &a : m_store->artifacts().artifacts(run->id))
        QVERIFY2(!a.path.contains(QLatin1String("leak")), qPrintable(a.path));
    // The redirected run falls back to its own artifacts folder; nothing of the named folder is taken.
    for (const Artifact &a :
         m_store->artifacts().artifacts(QStringLiteral("f4e76955f78e4c03b0d5fd582fc60167")))
        QVERIFY2(a.path != QLatin1String("id_rsa"), qPrintable(a.path));
    // No stored object holds the secret.
    QDirIterator it(ArtifactStore(m_store->path()).root(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll() != QByteArray("PRIVATE"));
    }
    QVERIFY(r.warningCount() >= 3);
}

void TestMlflowImport::publicTrackingServerStore()
{
    // MLflow 2.3.2 tracking-server layout: artifacts in a sibling mlartifacts/ named by mlflow-artifacts:/
    // URIs.
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("sample"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/public/silver6wings-MLFlowSample"), src));
    const ImportReport r = importPath(src + QStringLiteral("/mlruns"));
    QVERIFY2(r.failedRuns.isEmpty(), qPrintable(r.failedRuns.join(QLatin1Char('\n'))));
    QCOMPARE(r.runsAdded, 38); // 38 run folders (the fixture README says 41)
    QCOMPARE(r.modelsAdded, 4);
    QCOMPARE(r.versionsAdded, 8);
    QVERIFY(r.artifactsAdded > 0);
    std::set<QString> stages;
    for (const RegisteredModel &m : m_store->registry().registeredModels()) {
        for (const ModelVersion &v : m.versions)
            stages.insert(modelStageName(v.stage));
    }
    QVERIFY(stages.count(QStringLiteral("Production")) && stages.count(QStringLiteral("Archived")) &&
            stages.count(QStringLiteral("None")));
}

void TestMlflowImport::publicOldFormatStore()
{
    // MLflow 1.27: integer experiment ids, run names only in tags (or none).
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("packt"));
    QVERIFY(copyTree(Fixtures + QStringLiteral("/public/packt-dl-at-scale/chapter02/mlruns"), src));
    const ImportReport r = importPath(src);
    QVERIFY(r.failedRuns.isEmpty());
    QCOMPARE(r.runsAdded, 2);
    QVERIFY(r.pointsAdded > 0);
    for (const Run &run : m_store->runs().searchRuns(RunQuery{})) {
        QCOMPARE(run.user, QStringLiteral("bwin"));
        QVERIFY(!run.params.isEmpty());
    }
}

// MLflow 3 logged models. No public repository commits an MLflow 3 file store with a models/m-<id> folder
// (searched: meta.yaml with model_id/source_run_id, MLflow 3 mlruns), so the test adds logged model folders
// to the real 2.17 store, laid out as MLflow 3's FileStore writes them (meta.yaml from
// LoggedModel.to_dictionary with the status as its proto number, params/, tags/, metrics/ whose lines carry
// the run id, artifacts/ with the MLmodel); their content follows the real MLflow 3 rows of the
// hdb-mlops-platform fixture.
void TestMlflowImport::loggedModelsJoinTheirRun()
{
    const QString mlruns = m_source + QStringLiteral("/mlruns");
    const QString experiment = mlruns + QStringLiteral("/260834619802499275");
    const QString runId = QStringLiteral("90dcaec3bcd643a68b3023825b6e117d");
    const auto addModel = [&](const QString &id, const QString &name, const QString &sourceRun) {
        const QString dir = experiment + QStringLiteral("/models/") + id;
        QByteArray meta =
            "artifact_location: file:///tmp/realml/mlruns/260834619802499275/models/" + id.toUtf8() +
            "/artifacts\ncreation_timestamp: 1777346474108\nexperiment_id: '260834619802499275'\n"
            "last_updated_timestamp: 1777346482450\nmodel_id: " +
            id.toUtf8() + "\nmodel_type: null\nname: " + name.toUtf8() + "\n";
        if (!sourceRun.isEmpty())
            meta += "source_run_id: " + sourceRun.toUtf8() + "\n";
        meta += "status: 2\nstatus_message: null\n";
        return writeFile(dir + QStringLiteral("/meta.yaml"), meta) &&
               writeFile(dir + QStringLiteral("/artifacts/MLmodel"),
                         "artifact_path: null\nflavors:\n  sklearn:\n    pickled_model: model.pkl\n"
                         "mlflow_version: 3.1.0\nmodel_id: " +
                             id.toUtf8() + "\n") &&
               writeFile(dir + QStringLiteral("/artifacts/model.pkl"), QByteArray(300, '\x80')) &&
               writeFile(dir + QStringLiteral("/params/n_estimators"), "1000") &&
               writeFile(dir + QStringLiteral("/params/max_depth"), "6") &&
               writeFile(dir + QStringLiteral("/tags/mlflow.user"), "cheeyoungchang") &&
               writeFile(dir + QStringLiteral("/metrics/test_rmse"),
                         "1777346452861 27689.892404665723 0 " + sourceRun.toUtf8() +
                             "\n1777346452900 27001.5 1 " + sourceRun.toUtf8() + " eval_ds 3b9a5c\n");
    };
    const QString modelId = QStringLiteral("m-381dfab095e04fd0985077c559c994e7");
    QVERIFY(addModel(modelId, QStringLiteral("model"), runId));
    QVERIFY(addModel(QStringLiteral("m-f87f54e6757a48489e0f106fd862388c"), QStringLiteral("orphan"),
                     QStringLiteral("ffffffffffffffffffffffffffffffff")));
    QVERIFY(addModel(QStringLiteral("m-a2f7dc39cffa44f9b114328acfefdc0f"), QStringLiteral("runless"), {}));
    const QByteArray before = treeHash(mlruns);

    const ImportReport report = importPath(mlruns);
    QVERIFY2(report.failedRuns.isEmpty(), qPrintable(report.failedRuns.join(u'\n')));
    QCOMPARE(treeHash(mlruns), before); // the source is never written

    // The model's files are artifacts of its run, under the model's name, byte for byte.
    std::map<QString, Artifact> artifacts;
    for (const Artifact &a : m_store->artifacts().artifacts(runId, false))
        artifacts[a.path] = a;
    QVERIFY(artifacts.count(QStringLiteral("model/MLmodel")));
    QVERIFY(artifacts.count(QStringLiteral("model/model.pkl")));
    const QString modelDir =
        experiment + QStringLiteral("/models/") + modelId + QStringLiteral("/artifacts/");
    QCOMPARE(artifacts[QStringLiteral("model/MLmodel")].sha256.toLatin1(),
             test::fileSha256(modelDir + QStringLiteral("MLmodel")));
    QCOMPARE(artifacts[QStringLiteral("model/model.pkl")].size, qint64(300));
    // The run's own artifacts are all still there, nothing else is added.
    QCOMPARE(int(artifacts.size()),
             int(test::filesUnder(experiment + u'/' + runId + QStringLiteral("/artifacts")).size()) + 2);

    // Params under the model's folder name, tags under mlflow.logged_model.<folder>., metrics every point.
    const std::optional<Run> run = m_store->runs().run(runId);
    QVERIFY(run);
    QCOMPARE(run->params.value(QStringLiteral("model/n_estimators")), QStringLiteral("1000"));
    QCOMPARE(run->params.value(QStringLiteral("model/max_depth")), QStringLiteral("6"));
    QCOMPARE(run->tags.value(QStringLiteral("mlflow.logged_model.model.model_id")), modelId);
    QCOMPARE(run->tags.value(QStringLiteral("mlflow.logged_model.model.status")), QStringLiteral("READY"));
    QCOMPARE(run->tags.value(QStringLiteral("mlflow.logged_model.model.tags.mlflow.user")),
             QStringLiteral("cheeyoungchang"));
    const std::vector<MetricPoint> rmse =
        m_store->series().metricHistory(runId, QStringLiteral("model/test_rmse"));
    QCOMPARE(rmse.size(), size_t(2));
    QCOMPARE(rmse[0], (MetricPoint{0, 1777346452861, 27689.892404665723}));
    QCOMPARE(rmse[1], (MetricPoint{1, 1777346452900, 27001.5}));

    // The two that have no run here: one line each, and counted.
    QCOMPARE(report.skipped.value(QStringLiteral("logged models without their run")), qint64(2));
    const QString text = report.toText();
    QVERIFY2(text.contains(QStringLiteral("m-f87f54e6757a48489e0f106fd862388c")) &&
                 text.contains(QStringLiteral("ffffffffffffffffffffffffffffffff")),
             qPrintable(text));
    QVERIFY2(
        text.contains(QStringLiteral("m-a2f7dc39cffa44f9b114328acfefdc0f (runless) names no source run")),
        qPrintable(text));
    // No run invented for them.
    RunQuery all;
    all.includeDeleted = true;
    QCOMPARE(m_store->runs().countRuns(all), qint64(12));

    // Idempotent.
    const ImportReport second = importPath(mlruns);
    QCOMPARE(second.artifactsAdded, 0);
    QCOMPARE(second.pointsAdded, qint64(0));
    QCOMPARE(second.runsUpdated, 0);
}

QTEST_GUILESS_MAIN(TestMlflowImport)
#include "tst_mlflowimport.moc"
