// SPDX-License-Identifier: GPL-3.0-or-later
// The artifact browser of the run page: the tree built from a real MLflow store imported through the import
// API, previews of real files of every kind (PNG, SVG, JSON, YAML, CSV, TSV, Markdown, MLmodel, text,
// binary), bounded reads of a huge file, corrupt and invalid files that get a message instead of a crash,
// and soft delete / restore in the store and in the window (Delete key, Undo, Show deleted).

#include "artifacts/artifactpreview.h"
#include "artifacts/artifactstore.h"
#include "dialogs/promotedialog.h"
#include "import/importer.h"
#include "itemmodels/artifacttreemodel.h"
#include "itemmodels/roles.h"
#include "pages/runpage.h"
#include "screenshots.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/artifactbrowser.h"
#include "widgets/artifactpreviewwidget.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using namespace runlens;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);
const QString Experiment = QStringLiteral("346757139775306384");
const QString ModelRun = QStringLiteral("cc9fa68ee3134608aaddfd7c733b4c02"); // logged an sklearn model
const QString SourceRoot = Fixtures + QStringLiteral("/mlflow-file/mlruns/346757139775306384/") + ModelRun +
                           QStringLiteral("/artifacts/");

QString fixture(const QString &path)
{
    return Fixtures + QLatin1Char('/') + path;
}

// The project's own application icon: a real SVG file.
QString iconSvg()
{
    return QStringLiteral(RUNLENS_TEST_DATA) + QStringLiteral("/../../resources/icons/runlens.svg");
}

QByteArray readAll(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString findField(const ArtifactPreview &p, const QString &section, const QString &name)
{
    for (const ArtifactPreview::Field &f : p.summary) {
        if (f.section == section && f.name == name)
            return f.value;
    }
    return QStringLiteral("<missing>");
}

} // namespace

class TestArtifactBrowser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void treeOfImportedRun();
    void previewKinds_data();
    void previewKinds();
    void mlmodelSummaries();
    void hugeTextIsTruncated();
    void corruptAndInvalidFiles();
    void csvQuotesAndLimits();
    void softDeleteInStore();
    void browserPreviewsAndDeletes();
    void markdownFetchesNothing();
    void registerLoggedModelFolder();

private:
    QTemporaryDir m_dir;
    QString m_db;
};

void TestArtifactBrowser::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("cache")).toUtf8());
    QCoreApplication::setApplicationName(QStringLiteral("runlens"));
    const QString source = m_dir.filePath(QStringLiteral("mlflow-file"));
    QVERIFY(test::copyTree(fixture(QStringLiteral("mlflow-file")), source));
    m_db = m_dir.filePath(QStringLiteral("imported.db"));
    Store store(m_db);
    const import::ImportReport report =
        import::importPaths(store, {source + QStringLiteral("/mlruns")}, import::Format::Auto, {});
    QVERIFY2(report.failedRuns.isEmpty(), qPrintable(report.failedRuns.join(QLatin1Char('\n'))));
    QVERIFY(report.artifactsAdded > 0);
}

void TestArtifactBrowser::treeOfImportedRun()
{
    Store store(m_db);
    ArtifactTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setArtifacts(store.artifacts().artifacts(ModelRun));
    // Every file of the MLflow run, in folders as they were on disk; folders first, then files, by name.
    QStringList expected;
    QDirIterator files(SourceRoot, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext())
        expected << QDir(SourceRoot).relativeFilePath(files.next());
    expected.sort();
    QStringList listed;
    for (const Artifact &a : model.artifacts())
        listed << a.path;
    QCOMPARE(listed, expected);
    QCOMPARE(model.activeFileCount(), int(expected.size()));
    QStringList top;
    for (int r = 0; r < model.rowCount(); ++r)
        top << model.index(r, 0).data().toString();
    QCOMPARE(top, (QStringList{QStringLiteral("bundle"), QStringLiteral("meta"), QStringLiteral("model"),
                               QStringLiteral("notes.txt")}));
    const QModelIndex bundle = model.indexOfPath(QStringLiteral("bundle"));
    QVERIFY(model.isFolder(bundle));
    QVERIFY(bundle.data(ArtifactFolderRole).toBool());
    QStringList inBundle;
    for (int r = 0; r < model.rowCount(bundle); ++r)
        inBundle << model.index(r, 0, bundle).data().toString();
    QCOMPARE(inBundle, (QStringList{QStringLiteral("sub"), QStringLiteral("config.json"),
                                    QStringLiteral("notes.txt"), QStringLiteral("tiny.png")}));
    // A folder's size is the sum of the files below it, as on disk.
    qint64 onDisk = 0;
    QDirIterator bundleFiles(SourceRoot + QStringLiteral("bundle"), QDir::Files,
                             QDirIterator::Subdirectories);
    while (bundleFiles.hasNext())
        onDisk += QFileInfo(bundleFiles.next()).size();
    QCOMPARE(bundle.siblingAtColumn(ArtifactTreeModel::SizeColumn).data(SortValueRole).toLongLong(), onDisk);
    QCOMPARE(model.artifactsUnder(bundle).size(), size_t(4));
    // A file: its short hash shown, the full one copied and in the tooltip; the hash is of its bytes.
    const QModelIndex config = model.indexOfPath(QStringLiteral("bundle/config.json"));
    QVERIFY(config.isValid() && !model.isFolder(config));
    const QString sha = QString::fromLatin1(
        QCryptographicHash::hash(readAll(SourceRoot + QStringLiteral("bundle/config.json")),
                                 QCryptographicHash::Sha256)
            .toHex());
    QCOMPARE(config.siblingAtColumn(ArtifactTreeModel::Sha256Column).data().toString(), sha.left(12));
    QCOMPARE(config.siblingAtColumn(ArtifactTreeModel::Sha256Column).data(FullTextRole).toString(), sha);
    QVERIFY(config.data(Qt::ToolTipRole).toString().contains(sha));
    QCOMPARE(config.data(ArtifactPathRole).toString(), QStringLiteral("bundle/config.json"));
    QCOMPARE(model.artifactAt(config)->sha256, sha);
    QCOMPARE(model.indexOfPath(QStringLiteral("bundle/sub/deep.txt")).parent(),
             model.indexOfPath(QStringLiteral("bundle/sub")));
    QVERIFY(!model.indexOfPath(QStringLiteral("bundle/nothing")).isValid());
    QVERIFY(!model.indexOfPath(QStringLiteral("notes.txt/x")).isValid()); // a file holds nothing
    // Replaced (another run), then emptied: the tester follows the resets.
    model.setArtifacts(store.artifacts().artifacts(QStringLiteral("3333e4f688f74fe7ab5891ec5b73c34d")));
    QVERIFY(model.indexOfPath(QStringLiteral("images/random.png")).isValid());
    model.setArtifacts({});
    QCOMPARE(model.rowCount(), 0);
}

void TestArtifactBrowser::previewKinds_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("shows"); // text the preview holds
    using Kind = ArtifactPreview::Kind;
    QTest::newRow("png") << SourceRoot + QStringLiteral("bundle/tiny.png") << "bundle/tiny.png"
                         << int(Kind::Image) << "8x8";
    QTest::newRow("rgb png") << fixture(QStringLiteral("mlflow-file/mlruns/346757139775306384/"
                                                       "3333e4f688f74fe7ab5891ec5b73c34d/artifacts/images/"
                                                       "random.png"))
                             << "images/random.png" << int(Kind::Image) << "16x16";
    QTest::newRow("svg") << iconSvg() << "icons/runlens.svg" << int(Kind::Image) << "256x256";
    QTest::newRow("json") << SourceRoot + QStringLiteral("bundle/config.json") << "bundle/config.json"
                          << int(Kind::Json) << "\"dropout\": 0.1";
    QTest::newRow("yaml") << SourceRoot + QStringLiteral("model/conda.yaml") << "model/conda.yaml"
                          << int(Kind::Yaml) << "name: mlflow-env";
    QTest::newRow("csv") << fixture(
                                QStringLiteral("public/driemann-ml-aos/lightning_logs/version_1/metrics.csv"))
                         << "logs/metrics.csv" << int(Kind::Table) << "train_rmse";
    QTest::newRow("tsv")
        << fixture(QStringLiteral(
               "public/dvc/iterative-dvclive-exp-tracking/dvclive/plots/metrics/train/loss.tsv"))
        << "plots/loss.tsv" << int(Kind::Table) << "loss";
    QTest::newRow("markdown") << fixture(QStringLiteral("README.md")) << "README.md" << int(Kind::Markdown)
                              << "# Real experiment-tracking data for tests";
    QTest::newRow("mlmodel") << SourceRoot + QStringLiteral("model/MLmodel") << "model/MLmodel"
                             << int(Kind::MlModel) << "mlflow.sklearn";
    QTest::newRow("text") << SourceRoot + QStringLiteral("notes.txt") << "notes.txt" << int(Kind::Text)
                          << "hello from real mlflow";
    QTest::newRow("requirements") << SourceRoot + QStringLiteral("model/requirements.txt")
                                  << "model/requirements.txt" << int(Kind::Text) << "mlflow";
    QTest::newRow("pickle") << SourceRoot + QStringLiteral("model/model.pkl") << "model/model.pkl"
                            << int(Kind::Binary) << "No preview";
    QTest::newRow("missing bytes") << m_dir.filePath(QStringLiteral("no-such-object")) << "a.txt"
                                   << int(Kind::Missing) << "missing from the artifact store";
}

void TestArtifactBrowser::previewKinds()
{
    QFETCH(QString, file);
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(QString, shows);
    const ArtifactPreview p = ArtifactPreview::fromFile(file, name, ArtifactStore::mediaType(name));
    QCOMPARE(ArtifactPreview::kindName(p.kind), ArtifactPreview::kindName(ArtifactPreview::Kind(kind)));
    if (name.endsWith(QLatin1String("/MLmodel"))) // YAML without an extension
        QCOMPARE(ArtifactStore::mediaType(name), QStringLiteral("application/x-yaml"));
    QVERIFY(!p.truncated);
    switch (p.kind) {
    case ArtifactPreview::Kind::Image: {
        QVERIFY(!p.image.isNull());
        QCOMPARE(QStringLiteral("%1x%2").arg(p.imageSize.width()).arg(p.imageSize.height()), shows);
        QVERIFY(p.note.isEmpty());
        break;
    }
    case ArtifactPreview::Kind::Table: {
        QVERIFY2(p.header.contains(shows), qPrintable(p.header.join(QLatin1Char(','))));
        // Every record of the file but the header, none cut.
        const QList<QByteArray> lines = readAll(file).trimmed().split('\n');
        QCOMPARE(qsizetype(p.rows.size()), lines.size() - 1);
        QCOMPARE(p.rows.front().size(), p.header.size());
        break;
    }
    case ArtifactPreview::Kind::MlModel:
        QCOMPARE(findField(p, QStringLiteral("Flavor: python_function"), QStringLiteral("loader_module")),
                 shows);
        break;
    case ArtifactPreview::Kind::Binary:
    case ArtifactPreview::Kind::Missing:
        QVERIFY2(p.note.contains(shows), qPrintable(p.note));
        break;
    default:
        QVERIFY2(p.text.contains(shows), qPrintable(p.text));
        QVERIFY2(p.note.isEmpty(), qPrintable(p.note));
    }
    // Read from memory, the same.
    if (QFileInfo::exists(file)) {
        const ArtifactPreview q =
            ArtifactPreview::fromBytes(readAll(file), name, ArtifactStore::mediaType(name));
        QCOMPARE(int(q.kind), int(p.kind));
        QCOMPARE(q.text, p.text);
        QCOMPARE(q.rows, p.rows);
        QCOMPARE(q.image, p.image);
    }
}

void TestArtifactBrowser::mlmodelSummaries()
{
    // MLflow 2.17, the sklearn flavor.
    const ArtifactPreview sk = ArtifactPreview::fromFile(SourceRoot + QStringLiteral("model/MLmodel"),
                                                         QStringLiteral("model/MLmodel"));
    QCOMPARE(int(sk.kind), int(ArtifactPreview::Kind::MlModel));
    const QString model = QStringLiteral("Model");
    QCOMPARE(findField(sk, model, QStringLiteral("run_id")), ModelRun);
    QCOMPARE(findField(sk, model, QStringLiteral("model_uuid")),
             QStringLiteral("933fb3d2ee9442a5ab796b3829f7a157"));
    QCOMPARE(findField(sk, model, QStringLiteral("utc_time_created")),
             QStringLiteral("2026-11-22 19:42:27.225418"));
    QCOMPARE(findField(sk, model, QStringLiteral("mlflow_version")), QStringLiteral("2.17.2"));
    const QString pyfunc = QStringLiteral("Flavor: python_function");
    QCOMPARE(findField(sk, pyfunc, QStringLiteral("python_version")), QStringLiteral("3.11.2"));
    QCOMPARE(findField(sk, pyfunc, QStringLiteral("env.conda")), QStringLiteral("conda.yaml"));
    QCOMPARE(findField(sk, QStringLiteral("Flavor: sklearn"), QStringLiteral("sklearn_version")),
             QStringLiteral("1.2.1"));
    QCOMPARE(findField(sk, QStringLiteral("Flavor: sklearn"), QStringLiteral("code")),
             QStringLiteral("(none)"));

    // MLflow 2.3 with a column signature: each input by name and type, the tensor output by dtype and shape.
    const QString root = fixture(QStringLiteral("public/silver6wings-MLFlowSample/mlartifacts/0/"));
    const ArtifactPreview wine = ArtifactPreview::fromFile(
        root + QStringLiteral("c4b7d5318199432d9605dbf01b376dc6/artifacts/sklearn-model/MLmodel"),
        QStringLiteral("sklearn-model/MLmodel"));
    QCOMPARE(int(wine.kind), int(ArtifactPreview::Kind::MlModel));
    const QByteArray raw =
        readAll(root + QStringLiteral("c4b7d5318199432d9605dbf01b376dc6/artifacts/sklearn-model/MLmodel"));
    QStringList inputs, outputs;
    for (const ArtifactPreview::Field &f : wine.summary) {
        if (f.section == QLatin1String("Signature inputs"))
            inputs << f.name + QLatin1Char('=') + f.value;
        if (f.section == QLatin1String("Signature outputs"))
            outputs << f.name + QLatin1Char('=') + f.value;
    }
    QVERIFY2(!inputs.isEmpty(), raw.constData());
    if (raw.contains("\"fixed acidity\"")) {
        QCOMPARE(inputs.first(), QStringLiteral("fixed acidity=double"));
    } else {
        QVERIFY2(inputs.first().contains(QLatin1String("=")), qPrintable(inputs.join(QLatin1Char('|'))));
    }
    QVERIFY2(!outputs.isEmpty(), qPrintable(inputs.join(QLatin1Char('|'))));
    // The pyfunc model of the same store: unnamed string columns, and the input example it saved.
    const ArtifactPreview pyfuncModel = ArtifactPreview::fromFile(
        root + QStringLiteral("823752a37b844f01880ec088776a549b/artifacts/model/MLmodel"),
        QStringLiteral("model/MLmodel"));
    QCOMPARE(findField(pyfuncModel, QStringLiteral("Signature inputs"), QStringLiteral("(column 1)")),
             QStringLiteral("string"));
    QCOMPARE(findField(pyfuncModel, model, QStringLiteral("input example")),
             QStringLiteral("input_example.json"));
    QCOMPARE(findField(pyfuncModel, pyfunc, QStringLiteral("loader_module")),
             QStringLiteral("mlflow.pyfunc.model"));
    // A tensor signature.
    bool sawTensor = false;
    QDirIterator all(root, {QStringLiteral("MLmodel")}, QDir::Files, QDirIterator::Subdirectories);
    while (all.hasNext()) {
        const ArtifactPreview p = ArtifactPreview::fromFile(all.next(), QStringLiteral("MLmodel"));
        QCOMPARE(int(p.kind), int(ArtifactPreview::Kind::MlModel));
        for (const ArtifactPreview::Field &f : p.summary)
            sawTensor = sawTensor || f.value.startsWith(QLatin1String("tensor float64 [-1, "));
    }
    QVERIFY(sawTensor);
    // Not a model: a list at the top is shown as YAML with a note.
    const ArtifactPreview list = ArtifactPreview::fromBytes("- a\n- b\n", QStringLiteral("MLmodel"));
    QCOMPARE(int(list.kind), int(ArtifactPreview::Kind::Yaml));
    QVERIFY(list.note.contains(QLatin1String("does not describe a model")));
}

void TestArtifactBrowser::hugeTextIsTruncated()
{
    // A 3 MiB log (and 100k lines): only the first MiB is read, and the preview says so.
    const QString log = m_dir.filePath(QStringLiteral("train.log"));
    {
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray line = "step 000000 loss 0.123456 — épsilon\n";
        for (qint64 written = 0; written < (qint64(3) << 20); written += line.size())
            f.write(line);
    }
    const qint64 size = QFileInfo(log).size();
    const ArtifactPreview p = ArtifactPreview::fromFile(log, QStringLiteral("logs/train.log"));
    QCOMPARE(int(p.kind), int(ArtifactPreview::Kind::Text));
    QVERIFY(p.truncated);
    QCOMPARE(p.totalBytes, size);
    QCOMPARE(p.bytesRead, qint64(1) << 20);
    QVERIFY(p.text.toUtf8().size() <= (1 << 20));
    QVERIFY(!p.text.contains(QChar::ReplacementCharacter)); // not cut inside a character
    QVERIFY2(p.note.contains(QStringLiteral("Showing the first 1.0 MiB of 3.0 MiB")), qPrintable(p.note));
    // A huge JSON is shown as text, not parsed.
    const ArtifactPreview json = ArtifactPreview::fromFile(log, QStringLiteral("big.json"));
    QCOMPARE(int(json.kind), int(ArtifactPreview::Kind::Text));
    QVERIFY2(json.note.startsWith(QStringLiteral("Too large to pretty-print")), qPrintable(json.note));
    // Custom limits hold too.
    ArtifactPreview::Limits small;
    small.textBytes = 1000;
    QCOMPARE(ArtifactPreview::fromFile(log, QStringLiteral("x.log"), {}, small).bytesRead, qint64(1000));
}

void TestArtifactBrowser::corruptAndInvalidFiles()
{
    using Kind = ArtifactPreview::Kind;
    // A real PNG cut in half and one with its pixel data overwritten: a message, no image, no crash.
    const QByteArray png =
        readAll(fixture(QStringLiteral("mlflow-file/mlruns/346757139775306384/"
                                       "3333e4f688f74fe7ab5891ec5b73c34d/artifacts/images/random.png")));
    QVERIFY(png.size() > 100);
    const ArtifactPreview cut =
        ArtifactPreview::fromBytes(png.left(png.size() / 2), QStringLiteral("cut.png"));
    QCOMPARE(int(cut.kind), int(Kind::Binary));
    QVERIFY2(cut.note.startsWith(QStringLiteral("Could not read the image cut.png")), qPrintable(cut.note));
    QVERIFY(cut.image.isNull());
    QByteArray garbled = png;
    for (qsizetype i = 40; i < garbled.size() - 12; ++i)
        garbled[i] = char(0xA5 ^ i);
    const ArtifactPreview bad = ArtifactPreview::fromBytes(garbled, QStringLiteral("bad.png"));
    QCOMPARE(int(bad.kind), int(Kind::Binary));
    QVERIFY2(bad.note.contains(QStringLiteral("Could not read the image")), qPrintable(bad.note));
    // Text named .png, and an empty .jpg.
    QCOMPARE(int(ArtifactPreview::fromBytes("not an image", QStringLiteral("x.png")).kind),
             int(Kind::Binary));
    QCOMPARE(int(ArtifactPreview::fromBytes({}, QStringLiteral("x.jpg")).kind), int(Kind::Binary));
    // An SVG that is not SVG.
    const ArtifactPreview svg = ArtifactPreview::fromBytes("<svg><unclosed", QStringLiteral("x.svg"));
    QCOMPARE(int(svg.kind), int(Kind::Binary));
    QVERIFY2(svg.note.contains(QStringLiteral("not valid SVG")), qPrintable(svg.note));
    // Invalid JSON and YAML: the raw text, and a note naming the error and where.
    const ArtifactPreview json = ArtifactPreview::fromBytes("{\"a\": 1,, }", QStringLiteral("x.json"));
    QCOMPARE(int(json.kind), int(Kind::Text));
    QCOMPARE(json.text, QStringLiteral("{\"a\": 1,, }"));
    QVERIFY2(json.note.startsWith(QStringLiteral("Not valid JSON: ")) &&
                 json.note.contains(QStringLiteral("at byte")),
             qPrintable(json.note));
    const ArtifactPreview yaml =
        ArtifactPreview::fromBytes("a: 1\nb: [1, 2\nc: 3\n", QStringLiteral("x.yaml"));
    QCOMPARE(int(yaml.kind), int(Kind::Text));
    QVERIFY2(yaml.note.startsWith(QStringLiteral("Not valid YAML: ")) &&
                 yaml.note.contains(QStringLiteral("line ")),
             qPrintable(yaml.note));
    // A lone JSON value is valid JSON.
    const ArtifactPreview number = ArtifactPreview::fromBytes("42\n", QStringLiteral("x.json"));
    QCOMPARE(int(number.kind), int(Kind::Json));
    QCOMPARE(number.text, QStringLiteral("42"));
    // YAML with a Python tag (a real Lightning hparams.yaml): kept as written, not refused.
    const ArtifactPreview hparams = ArtifactPreview::fromFile(
        fixture(QStringLiteral("public/packt-dl-at-scale/chapter02/lightning_logs/version_0/hparams.yaml")),
        QStringLiteral("hparams.yaml"));
    QVERIFY(hparams.kind == Kind::Yaml || hparams.kind == Kind::Text);
    QVERIFY(!hparams.text.isEmpty());
    // Deeply nested JSON and YAML stay within the parsers' depth limits: a message, no crash.
    const QByteArray deep = QByteArray(100000, '[') + QByteArray(100000, ']');
    QVERIFY(!ArtifactPreview::fromBytes(deep, QStringLiteral("deep.json")).text.isEmpty());
    QVERIFY(!ArtifactPreview::fromBytes(deep, QStringLiteral("deep.yaml")).text.isEmpty());
    // Binary bytes under a text name's neighbour: an unknown name with a NUL is binary.
    QCOMPARE(int(ArtifactPreview::fromBytes(QByteArray("ab\0cd", 5), QStringLiteral("weights")).kind),
             int(Kind::Binary));
}

void TestArtifactBrowser::csvQuotesAndLimits()
{
    const ArtifactPreview p = ArtifactPreview::fromBytes(
        "name,comment\n\"a, b\",\"he said \"\"hi\"\"\"\n\"multi\nline\",x\n\n", QStringLiteral("t.csv"));
    QCOMPARE(int(p.kind), int(ArtifactPreview::Kind::Table));
    QCOMPARE(p.header, (QStringList{QStringLiteral("name"), QStringLiteral("comment")}));
    QCOMPARE(p.rows.size(), size_t(2));
    QCOMPARE(p.rows[0], (QStringList{QStringLiteral("a, b"), QStringLiteral("he said \"hi\"")}));
    QCOMPARE(p.rows[1], (QStringList{QStringLiteral("multi\nline"), QStringLiteral("x")}));
    QVERIFY(p.note.isEmpty());
    // An unterminated quote: the rows before it, and a note with its line.
    const ArtifactPreview open =
        ArtifactPreview::fromBytes("a,b\n1,2\n\"3,4\n5,6\n", QStringLiteral("t.csv"));
    QCOMPARE(open.rows.size(), size_t(1));
    QVERIFY2(open.note.contains(QStringLiteral("line 3")), qPrintable(open.note));
    // Row and column limits.
    QByteArray many = "a\n";
    for (int i = 0; i < 50; ++i)
        many += QByteArray::number(i) + "\n";
    ArtifactPreview::Limits limits;
    limits.tableRows = 10;
    limits.tableColumns = 3;
    const ArtifactPreview cut = ArtifactPreview::fromBytes(many, QStringLiteral("t.csv"), {}, limits);
    QCOMPARE(cut.rows.size(), size_t(10));
    QVERIFY(cut.truncated);
    QVERIFY2(cut.note.contains(QStringLiteral("first 10 of 50 rows")), qPrintable(cut.note));
    const ArtifactPreview wide =
        ArtifactPreview::fromBytes("1,2,3,4,5\n6,7,8,9,10\n", QStringLiteral("t.csv"), {}, limits);
    QCOMPARE(wide.header.size(), 3);
    QVERIFY2(wide.note.contains(QStringLiteral("first 3 columns")), qPrintable(wide.note));
}

void TestArtifactBrowser::softDeleteInStore()
{
    const QString db = m_dir.filePath(QStringLiteral("delete.db"));
    Store store(db);
    NewRun init;
    init.experimentId = store.runs().ensureExperiment(QStringLiteral("e"));
    const QString run = store.runs().createRun(init).id;
    const QString sha(64, QLatin1Char('a'));
    for (const char *path : {"bundle/a.txt", "bundle/sub/b.txt", "bundle.txt", "bundle2/c.txt", "bundlex"})
        store.artifacts().addArtifact(
            run, {QString::fromLatin1(path), 1, sha, QStringLiteral("text/plain"), 1, Lifecycle::Active});
    const auto paths = [&](bool includeDeleted) {
        QStringList out;
        for (const Artifact &a : store.artifacts().artifacts(run, includeDeleted))
            out << a.path + (a.lifecycle == Lifecycle::Deleted ? QStringLiteral(" (deleted)") : QString());
        return out;
    };
    // A folder: every file below it, and nothing that merely starts with its name.
    QCOMPARE(store.artifacts().deleteArtifact(run, QStringLiteral("bundle")), 2);
    QCOMPARE(paths(false), (QStringList{QStringLiteral("bundle.txt"), QStringLiteral("bundle2/c.txt"),
                                        QStringLiteral("bundlex")}));
    QCOMPARE(paths(true), (QStringList{QStringLiteral("bundle.txt"), QStringLiteral("bundle/a.txt (deleted)"),
                                       QStringLiteral("bundle/sub/b.txt (deleted)"),
                                       QStringLiteral("bundle2/c.txt"), QStringLiteral("bundlex")}));
    // A file; then again: nothing left to delete there.
    QCOMPARE(store.artifacts().deleteArtifact(run, QStringLiteral("bundle.txt")), 1);
    QVERIFY_THROWS_EXCEPTION(Error, store.artifacts().deleteArtifact(run, QStringLiteral("bundle.txt")));
    QVERIFY_THROWS_EXCEPTION(Error, store.artifacts().deleteArtifact(run, QStringLiteral("nothing/here")));
    QVERIFY_THROWS_EXCEPTION(Error, store.artifacts().deleteArtifact(run, QStringLiteral("/")));
    // Restored: as before.
    QCOMPARE(store.artifacts().restoreArtifact(run, QStringLiteral("bundle/")), 2);
    QCOMPARE(store.artifacts().restoreArtifact(run, QStringLiteral("bundle.txt")), 1);
    QCOMPARE(paths(false).size(), 5);
    QVERIFY_THROWS_EXCEPTION(Error, store.artifacts().restoreArtifact(run, QStringLiteral("bundle")));
    // Another run's artifacts are untouched.
    const QString other = store.runs().createRun(init).id;
    store.artifacts().addArtifact(other, {QStringLiteral("bundle/a.txt"), 1, sha, {}, 1, Lifecycle::Active});
    store.artifacts().deleteArtifact(run, QStringLiteral("bundle"));
    QCOMPARE(store.artifacts().artifacts(other).size(), size_t(1));
}

void TestArtifactBrowser::browserPreviewsAndDeletes()
{
    MainWindow window(m_db);
    window.resize(1500, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(!window.isLoading());
    RunPage *page = window.runPage();
    window.showRun(ModelRun);
    page->showArtifacts(QStringLiteral("model/MLmodel"));
    QTRY_VERIFY(!window.isLoading());
    ArtifactBrowser *browser = page->artifactBrowser();
    QCOMPARE(page->tabs()->currentWidget(), browser);
    QVERIFY(browser->isVisible());
    ArtifactTreeModel *model = browser->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTreeView *view = browser->view();
    QCOMPARE(page->tabs()->tabText(page->tabs()->currentIndex()), QStringLiteral("Artifacts (12)"));
    ArtifactPreviewWidget *preview = browser->preview();
    QVERIFY(preview->hasPreview());
    QCOMPARE(int(preview->kind()), int(ArtifactPreview::Kind::MlModel));
    QVERIFY(preview->summaryView()->isVisible());
    QCOMPARE(preview->title(), QStringLiteral("MLmodel"));

    // Clicking through the files previews each; the answers arrive off the GUI thread.
    const auto click = [&](const QString &path) {
        const QModelIndex index = model->indexOfPath(path);
        QVERIFY2(index.isValid(), qPrintable(path));
        view->scrollTo(index);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
        QCOMPARE(view->currentIndex().data(ArtifactPathRole).toString(), path);
        QTRY_VERIFY(!browser->isLoading());
    };
    click(QStringLiteral("bundle/tiny.png"));
    QCOMPARE(int(preview->kind()), int(ArtifactPreview::Kind::Image));
    QVERIFY(!preview->imageLabel()->pixmap().isNull());
    click(QStringLiteral("bundle/config.json"));
    QCOMPARE(int(preview->kind()), int(ArtifactPreview::Kind::Json));
    QVERIFY(preview->textView()->toPlainText().contains(QStringLiteral("\"layers\": [")));
    click(QStringLiteral("meta/readme.md"));
    QCOMPARE(int(preview->kind()), int(ArtifactPreview::Kind::Markdown));
    QCOMPARE(preview->markdownView()->toPlainText().trimmed(),
             QString::fromUtf8(readAll(SourceRoot + QStringLiteral("meta/readme.md")).trimmed()));
    click(QStringLiteral("model/model.pkl"));
    QCOMPARE(int(preview->kind()), int(ArtifactPreview::Kind::Binary));
    QVERIFY(preview->message().contains(QStringLiteral("No preview")));
    click(QStringLiteral("bundle"));
    QVERIFY2(preview->message().startsWith(QStringLiteral("A folder of 4 files")),
             qPrintable(preview->message()));

    // Delete key on the folder: asked first; No keeps it.
    QStringList asked;
    bool answer = false;
    browser->setConfirmer([&](const QString &, const QString &text) {
        asked << text;
        return answer;
    });
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked.first().contains(QStringLiteral("“bundle” and the 4 files")), qPrintable(asked.first()));
    QVERIFY(model->indexOfPath(QStringLiteral("bundle")).isValid());
    answer = true;
    QTest::keyClick(view, Qt::Key_Delete);
    QTRY_VERIFY(!model->indexOfPath(QStringLiteral("bundle")).isValid());
    QTRY_VERIFY(!page->isBusy() && !page->isLoading());
    QCOMPARE(page->tabs()->tabText(page->tabs()->currentIndex()), QStringLiteral("Artifacts (8)"));
    QCOMPARE(browser->undoText(), QStringLiteral("Deleted the folder “bundle” (4 files)."));
    {
        Store store(m_db);
        QCOMPARE(store.artifacts().artifacts(ModelRun).size(), size_t(8));
        int deleted = 0;
        for (const Artifact &a : store.artifacts().artifacts(ModelRun, true))
            deleted += a.lifecycle == Lifecycle::Deleted && a.path.startsWith(QLatin1String("bundle/"));
        QCOMPARE(deleted, 4);
    }
    // Undo brings it back.
    auto *undo = browser->findChild<QPushButton *>(QStringLiteral("undoArtifactDelete"));
    QVERIFY(undo && undo->isVisible());
    QTest::mouseClick(undo, Qt::LeftButton);
    QTRY_VERIFY(model->indexOfPath(QStringLiteral("bundle/sub/deep.txt")).isValid());
    QTRY_VERIFY(!page->isBusy() && !page->isLoading());
    QVERIFY(browser->undoText().isEmpty());
    QCOMPARE(browser->count(), 12);

    // A file deleted, then listed again with Show deleted, marked, and restored from there.
    QVERIFY(browser->select(QStringLiteral("notes.txt")));
    view->setFocus(); // the Undo button had it
    QTest::keyClick(view, Qt::Key_Delete);
    QTRY_VERIFY(!model->indexOfPath(QStringLiteral("notes.txt")).isValid());
    QTRY_VERIFY(!page->isBusy() && !page->isLoading());
    QTest::mouseClick(browser->showDeletedBox(), Qt::LeftButton);
    QTRY_VERIFY(model->indexOfPath(QStringLiteral("notes.txt")).isValid());
    QTRY_VERIFY(!page->isLoading());
    const QModelIndex gone = model->indexOfPath(QStringLiteral("notes.txt"));
    QVERIFY(gone.data(DeletedRole).toBool());
    QVERIFY(gone.data(Qt::FontRole).value<QFont>().strikeOut());
    QCOMPARE(browser->count(), 11);
    QVERIFY(browser->select(QStringLiteral("notes.txt")));
    auto *restore = browser->findChild<QPushButton *>(QStringLiteral("deleteArtifact"));
    QCOMPARE(restore->text(), QStringLiteral("Restore"));
    QTest::mouseClick(restore, Qt::LeftButton);
    QTRY_VERIFY(!model->indexOfPath(QStringLiteral("notes.txt")).data(DeletedRole).toBool());
    QTRY_VERIFY(!page->isBusy() && !page->isLoading());
    QCOMPARE(browser->count(), 12);

    // A folder saved as a copy: every file below it, in a folder named like it.
    const QString into = m_dir.filePath(QStringLiteral("saved"));
    browser->saveCopy(QStringLiteral("bundle"), into);
    QTRY_VERIFY(!page->isBusy());
    QCOMPARE(readAll(into + QStringLiteral("/bundle/sub/deep.txt")),
             readAll(SourceRoot + QStringLiteral("bundle/sub/deep.txt")));
    QCOMPARE(readAll(into + QStringLiteral("/bundle/tiny.png")),
             readAll(SourceRoot + QStringLiteral("bundle/tiny.png")));
    QVERIFY(page->message().isEmpty());
}

void TestArtifactBrowser::markdownFetchesNothing()
{
    // Markdown naming a local image (and a remote one): neither is read; placeholders stand in.
    const QString secret = m_dir.filePath(QStringLiteral("secret.png"));
    QImage big(300, 200, QImage::Format_RGB32);
    big.fill(Qt::red);
    QVERIFY(big.save(secret));
    const QString markdown =
        QStringLiteral("# Title\n\n![local](%1)\n\n![remote](https://example.com/x.png)\n")
            .arg(QUrl::fromLocalFile(secret).toString());
    ArtifactPreviewWidget widget;
    widget.resize(600, 400);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    ArtifactPreview p = ArtifactPreview::fromBytes(markdown.toUtf8(), QStringLiteral("README.md"));
    QCOMPARE(int(p.kind), int(ArtifactPreview::Kind::Markdown));
    widget.showPreview({QStringLiteral("README.md"), markdown.size(), QString(64, QLatin1Char('0')),
                        QStringLiteral("text/markdown"), 0, Lifecycle::Active},
                       p);
    QTextDocument *doc = widget.markdownView()->document();
    QVERIFY(doc->toPlainText().contains(QStringLiteral("Title")));
    int images = 0;
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat f = it.fragment().charFormat();
            if (!f.isImageFormat())
                continue;
            ++images;
            const QImage shown =
                doc->resource(QTextDocument::ImageResource, QUrl(f.toImageFormat().name())).value<QImage>();
            QCOMPARE(shown.size(), QSize(16, 16));
        }
    }
    QCOMPARE(images, 2);
    widget.markdownView()->viewport()->grab(); // laid out and painted with the placeholders
}

// An MLflow 3 logged model imported onto its run (tst_mlflowimport has why the model folder is written by the
// test) shows as a folder named after the model, its MLmodel previewed, and Register as Model Version… on
// the folder or its MLmodel makes it a registered version in one click on Promote.
void TestArtifactBrowser::registerLoggedModelFolder()
{
    const QString experiment = QStringLiteral("346757139775306384"); // the model run's
    const QString source = m_dir.filePath(QStringLiteral("logged-model-src"));
    QVERIFY(test::copyTree(fixture(QStringLiteral("mlflow-file")), source));
    const QString modelId = QStringLiteral("m-cb9ee5b748924c029ee932c3f7c078ba");
    const QString dir =
        source + QStringLiteral("/mlruns/") + experiment + QStringLiteral("/models/") + modelId;
    QVERIFY(test::writeFile(
        dir + QStringLiteral("/meta.yaml"),
        "artifact_location: file:///tmp/x/mlruns/" + experiment.toUtf8() + "/models/" + modelId.toUtf8() +
            "/artifacts\ncreation_timestamp: 1777951556731\nexperiment_id: '" + experiment.toUtf8() +
            "'\nmodel_id: " + modelId.toUtf8() + "\nname: churn_model\nsource_run_id: " + ModelRun.toUtf8() +
            "\nstatus: 2\n"));
    // The run's own sklearn MLmodel, as the logged model's.
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/artifacts")));
    QVERIFY(QFile::copy(SourceRoot + QStringLiteral("model/MLmodel"),
                        dir + QStringLiteral("/artifacts/MLmodel")));
    QVERIFY(QFile::copy(SourceRoot + QStringLiteral("model/model.pkl"),
                        dir + QStringLiteral("/artifacts/model.pkl")));
    const QString db = m_dir.filePath(QStringLiteral("logged-model.db"));
    {
        Store store(db);
        const import::ImportReport report =
            import::importPaths(store, {source + QStringLiteral("/mlruns")}, import::Format::Auto, {});
        QVERIFY2(report.failedRuns.isEmpty(), qPrintable(report.failedRuns.join(QLatin1Char('\n'))));
    }

    MainWindow window(db);
    window.resize(1500, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(!window.isLoading());
    RunPage *page = window.runPage();
    window.showRun(ModelRun);
    page->showArtifacts(QStringLiteral("churn_model/MLmodel"));
    QTRY_VERIFY(!window.isLoading());
    ArtifactBrowser *browser = page->artifactBrowser();
    QCOMPARE(page->tabs()->tabText(page->tabs()->currentIndex()), QStringLiteral("Artifacts (14)"));
    QCOMPARE(int(browser->preview()->kind()), int(ArtifactPreview::Kind::MlModel));
    test::keepScreenshot(&window, QStringLiteral("logged-model-artifacts"));

    QTreeView *view = browser->view();
    QAction *registerAction = browser->registerModelAction();
    QVERIFY(view->actions().contains(registerAction)); // in the context menu
    const auto click = [&](const QString &path) {
        const QModelIndex index = browser->model()->indexOfPath(path);
        QVERIFY2(index.isValid(), qPrintable(path));
        view->scrollTo(index);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
        QCOMPARE(view->currentIndex().data(ArtifactPathRole).toString(), path);
    };
    click(QStringLiteral("churn_model/MLmodel"));
    QVERIFY(registerAction->isEnabled());
    QCOMPARE(browser->currentModelFolder(), std::optional<QString>(QStringLiteral("churn_model")));
    click(QStringLiteral("churn_model/model.pkl"));
    QVERIFY(!registerAction->isEnabled());
    click(QStringLiteral("bundle"));
    QVERIFY(!registerAction->isEnabled());
    click(QStringLiteral("churn_model"));
    QVERIFY(registerAction->isEnabled());

    registerAction->trigger();
    PromoteDialog *dialog = window.promoteDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(!dialog->isLoading());
    // The run has two MLflow models (MLflow 2's model/ and the logged churn_model/): the one asked for is
    // chosen, and named after itself.
    QCOMPARE(dialog->chosenPath(), QStringLiteral("churn_model"));
    QCOMPARE(dialog->modelField()->currentText(), QStringLiteral("churn_model"));
    test::keepScreenshot(dialog, QStringLiteral("register-logged-model"));
    QSignalSpy promoted(dialog, &PromoteDialog::promoted);
    QVERIFY(promoted.isValid());
    QTest::mouseClick(dialog->promoteButton(), Qt::LeftButton);
    QVERIFY(promoted.wait(10000));
    QCOMPARE(promoted.first().at(0).toString(), QStringLiteral("churn_model"));
    QCOMPARE(promoted.first().at(1).toInt(), 1);
    dialog->close();

    Store store(db);
    const std::optional<ModelVersion> v = store.registry().modelVersion(QStringLiteral("churn_model"), 1);
    QVERIFY(v);
    QCOMPARE(v->runId, ModelRun);
    QCOMPARE(v->source, QStringLiteral("churn_model"));
}

QTEST_MAIN(TestArtifactBrowser)
#include "tst_artifactbrowser.moc"
