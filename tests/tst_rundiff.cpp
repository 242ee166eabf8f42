// SPDX-License-Identifier: GPL-3.0-or-later
// The hyperparameter diff: runs of the real MLflow fixture imported into a store and read back as the
// Compare page hands them over, and hand-made runs for the edges (missing keys, numbers written two ways,
// NaN metrics, 300 runs). Sections and their order, difference marking, only-differences without resets,
// the baseline and its changes, ordering runs by a metric with NaN and missing values last, exact CSV and
// Markdown, and the view driven through its toolbar: copying, Ctrl+C, export to a file and to a path that
// cannot be written, the empty state, and what it looks like on light and dark palettes.

#include "core/jsonformat.h"
#include "import/importer.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "itemmodels/rundiffmodel.h"
#include "shell/theme.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/rundiffheaderview.h"
#include "widgets/rundiffview.h"

#include <limits>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFont>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace runlens;
using Section = RunDiffModel::Section;
using Stat = RunDiffModel::MetricStat;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

MetricSummary summary(double last, double min = NaN, double max = NaN)
{
    MetricSummary s;
    s.last = last;
    s.min = std::isnan(min) ? last : min;
    s.max = std::isnan(max) ? last : max;
    s.count = 1;
    s.lastStep = 9;
    return s;
}

Run makeRun(const QString &name, int n, QMap<QString, QString> params = {},
            QMap<QString, MetricSummary> metrics = {}, QMap<QString, QString> tags = {})
{
    Run r;
    r.id = QStringLiteral("%1").arg(n, 32, 16, QLatin1Char('0'));
    r.name = name;
    r.experimentId = 1;
    r.experimentName = QStringLiteral("exp");
    r.status = RunStatus::Finished;
    r.params = std::move(params);
    r.metrics = std::move(metrics);
    r.tags = std::move(tags);
    return r;
}

// The row whose label is `key` in `section`, -1 when not shown.
int rowOf(const RunDiffModel &m, Section section, const QString &key)
{
    for (int r = 0; r < m.rowCount(); ++r) {
        if (!m.isSectionHeader(r) && m.sectionOf(r) == section && m.keyOf(r) == key)
            return r;
    }
    return -1;
}

int titleRow(const RunDiffModel &m, Section section)
{
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.isSectionHeader(r) && m.sectionOf(r) == section)
            return r;
    }
    return -1;
}

QStringList labels(const RunDiffModel &m)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << (m.isSectionHeader(r) ? QLatin1Char('#') + m.keyOf(r) : m.keyOf(r));
    return out;
}

QStringList columnNames(const RunDiffModel &m)
{
    QStringList out;
    for (int c = 0; c < m.columnCount(); ++c)
        out << m.headerData(c, Qt::Horizontal).toString();
    return out;
}

QString cell(const RunDiffModel &m, Section section, const QString &key, int column,
             int role = Qt::DisplayRole)
{
    const int r = rowOf(m, section, key);
    return r < 0 ? QStringLiteral("<no row>") : m.index(r, column).data(role).toString();
}

bool differs(const RunDiffModel &m, Section section, const QString &key)
{
    const int r = rowOf(m, section, key);
    return r >= 0 && m.index(r, 0).data(DiffersRole).toBool();
}

// Three small runs: two params that are the same number written differently, one missing param, a text
// param, a metric with NaN and a missing metric, user and system tags.
std::vector<Run> threeRuns()
{
    Run a = makeRun(QStringLiteral("alpha"), 1,
                    {{"lr", "0.1"}, {"optimizer", "adam"}, {"batch_size", "32"}, {"dropout", "0.5"}},
                    {{"loss", summary(0.91, 0.5, 2.0)}, {"acc", summary(0.8)}},
                    {{"team", "vision"}, {"mlflow.runName", "alpha"}, {"mlflow.source.git.commit", "abc"}});
    Run b = makeRun(QStringLiteral("beta"), 2, {{"lr", "0.10"}, {"optimizer", "sgd"}, {"batch_size", "32"}},
                    {{"loss", summary(0.93, 0.4, 2.5)}, {"acc", summary(NaN, NaN, NaN)}},
                    {{"team", "vision"}, {"mlflow.runName", "beta"}});
    Run c = makeRun(QStringLiteral("gamma"), 3, {{"lr", "1e-1"}, {"optimizer", "adam"}, {"batch_size", "64"}},
                    {{"loss", summary(NaN, 0.3, 1.5)}}, {{"team", "nlp"}, {"note", "has, comma"}});
    a.startMs = 1'700'000'000'000;
    a.endMs = *a.startMs + 65'000;
    a.gitCommit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    b.startMs = 1'700'000'100'000;
    b.endMs = *b.startMs + 125'500;
    c.startMs = 1'700'000'200'000; // still running: no end, no duration
    c.status = RunStatus::Running;
    c.parentId = a.id;
    return {a, b, c};
}

} // namespace

class TestRunDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void fixtureRunsMatchGroundTruth();
    void sectionsAndTitles();
    void numericParamsCompareAsNumbers_data();
    void numericParamsCompareAsNumbers();
    void missingValuesAreMarked();
    void nanMetrics();
    void onlyDifferencesMovesRowsInPlace();
    void metricRangeRows();
    void baselineMarksChanges();
    void sortRunsByMetric();
    void csvIsExact();
    void markdownIsExact();
    void longValuesAreCutOnScreenAndWholeInExports();
    void threeHundredRuns();
    void fewerThanTwoRuns();

    void viewToolbar();
    void viewCopiesSelectedCellsAsTsv();
    void viewExports();
    void viewExportFailureIsShown();
    void viewEmptyState();
    void viewManyRuns();
    void viewLooksRight_data();
    void viewLooksRight();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::vector<Run> m_fixtureRuns; // run-00 .. run-03 of the MLflow file store, as Store::run reads them
    QJsonArray m_truthRuns;
};

void TestRunDiff::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", QByteArray());
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toUtf8());
    const QString source = m_dir->filePath(QStringLiteral("src"));
    QVERIFY(test::copyTree(Fixtures + QStringLiteral("/mlflow-file"), source));
    QFile truthFile(source + QStringLiteral("/ground_truth.json"));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    m_truthRuns =
        QJsonDocument::fromJson(truthFile.readAll()).object().value(QStringLiteral("runs")).toArray();
    QCOMPARE(m_truthRuns.size(), 12);

    Store store(m_dir->filePath(QStringLiteral("runlens.db")));
    const import::ImportReport report = import::importPaths(store, {source + QStringLiteral("/mlruns")},
                                                            import::Format::Auto, import::ImportOptions{});
    Q_UNUSED(report)
    for (int i = 0; i < 4; ++i) {
        const QString id = m_truthRuns[i].toObject().value(QStringLiteral("run_id")).toString();
        const std::optional<Run> run = store.runs().run(id);
        QVERIFY2(run, qPrintable(id));
        m_fixtureRuns.push_back(*run);
    }
}

void TestRunDiff::cleanupTestCase()
{
    m_dir.reset();
}

void TestRunDiff::init()
{
    theme::apply(theme::Theme::Light);
}

void TestRunDiff::fixtureRunsMatchGroundTruth()
{
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RunColorMap colors; // the page holds the compared runs in it, in their order
    colors.hold(QStringLiteral("compare"), RunColorMap::membersOf(m_fixtureRuns));
    m.setColorMap(&colors);
    m.setRuns(m_fixtureRuns);
    QCOMPARE(m.columnCount(), 4);
    QCOMPARE(columnNames(m), (QStringList{"run-00", "run-01", "run-02", "run-03"}));
    for (int c = 0; c < 4; ++c) {
        const QJsonObject truth = m_truthRuns[c].toObject();
        const QString id = truth.value(QStringLiteral("run_id")).toString();
        QCOMPARE(m.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString(), id);
        QCOMPARE(m.headerData(c, Qt::Horizontal, RunIdRole).toString(), id);
        QCOMPARE(m.headerData(c, Qt::Horizontal, RunColorRole).value<QColor>(), RunColors::palette()[c]);
        QCOMPARE(m.index(0, c).data(RunIdRole).toString(), id);
        QCOMPARE(m.index(1, c).data(RunColorRole).value<QColor>(), RunColors::palette()[c]);
        const QJsonObject params = truth.value(QStringLiteral("params")).toObject();
        for (auto it = params.begin(); it != params.end(); ++it)
            QCOMPARE(cell(m, Section::Params, it.key(), c, FullTextRole), it.value().toString());
        QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Status"), c),
                 truth.value(QStringLiteral("status")).toString());
        QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Run ID"), c, FullTextRole), id);
    }
    // Ground truth: run-02's latest loss (step 7 was logged twice, but the last step wins).
    QCOMPARE(text::parseNumber(cell(m, Section::Metrics, QStringLiteral("loss"), 2, FullTextRole)).value(),
             0.07864659642643491);
    // lr: 0.01, 0.001, 0.1, 0.01; every seed differs; optimizer adam, sgd, adam, sgd.
    QVERIFY(differs(m, Section::Params, QStringLiteral("lr")));
    QVERIFY(differs(m, Section::Params, QStringLiteral("seed")));
    QVERIFY(!differs(m, Section::Attributes, QStringLiteral("Status"))); // all four FINISHED
    QVERIFY(!differs(m, Section::Attributes, QStringLiteral("User")));
    // run-03's parent is run-02, among the compared runs: named, with the full id to copy.
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Parent run"), 3), QStringLiteral("run-02"));
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Parent run"), 3, FullTextRole),
             m_truthRuns[2].toObject().value(QStringLiteral("run_id")).toString());
    QVERIFY(cell(m, Section::Attributes, QStringLiteral("Parent run"), 0, MissingRole) ==
            QLatin1String("true"));
    // System tags that repeat attributes are not tags here; the user's are.
    QCOMPARE(rowOf(m, Section::Tags, QStringLiteral("mlflow.runName")), -1);
    QCOMPARE(rowOf(m, Section::Tags, QStringLiteral("mlflow.user")), -1);
    QCOMPARE(rowOf(m, Section::Tags, QStringLiteral("mlflow.source.name")), -1);
    QVERIFY(rowOf(m, Section::Tags, QStringLiteral("model_family")) >= 0);
    QVERIFY(rowOf(m, Section::Tags, QStringLiteral("stage")) >= 0);
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Source"), 0),
             QStringLiteral("/tmp/realml/gen_mlflow.py"));
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("User"), 1), QStringLiteral("root"));
    QCOMPARE(labels(m).filter(QStringLiteral("#")),
             (QStringList{"#Params", "#Metrics", "#Tags", "#Attributes"}));
    QCOMPARE(m.metricKeys(), (QStringList{"accuracy", "loss", "lr", "val_loss"}));
}

void TestRunDiff::sectionsAndTitles()
{
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRuns(threeRuns());
    QCOMPARE(labels(m), (QStringList{"#Params", "batch_size", "dropout", "lr", "optimizer", "#Metrics", "acc",
                                     "loss", "#Tags", "note", "team", "#Attributes", "Run ID", "Experiment",
                                     "Status", "Started", "Duration", "Git commit", "Parent run"}));
    const int title = titleRow(m, Section::Params);
    QCOMPARE(m.flags(m.index(title, 0)) & Qt::ItemIsSelectable, Qt::ItemFlags());
    QVERIFY(m.flags(m.index(title + 1, 0)) & Qt::ItemIsSelectable);
    QVERIFY(m.headerData(title, Qt::Vertical, SectionHeaderRole).toBool());
    QVERIFY(m.headerData(title, Qt::Vertical, Qt::FontRole).value<QFont>().bold());
    QVERIFY(m.index(title, 1).data(SectionHeaderRole).toBool());
    QVERIFY(m.index(title, 1).data(Qt::DisplayRole).isNull());
    QVERIFY(m.index(title, 1).data(Qt::BackgroundRole).canConvert<QBrush>());
    QCOMPARE(m.headerData(title, Qt::Vertical, Qt::ToolTipRole).toString(),
             QStringLiteral("Params: 3 of 4 differ"));
    const int lr = rowOf(m, Section::Params, QStringLiteral("lr"));
    QCOMPARE(m.headerData(lr, Qt::Vertical).toString(), QStringLiteral("lr"));
    QVERIFY(!m.headerData(lr, Qt::Vertical, SectionHeaderRole).toBool());
    // The commit is shortened in the cell, whole when copied; the start is local time in the cell, UTC in
    // exports; a running run has no duration.
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Git commit"), 0), QStringLiteral("0123456789"));
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Git commit"), 0, FullTextRole),
             QStringLiteral("0123456789abcdef0123456789abcdef01234567"));
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Started"), 0, FullTextRole),
             QStringLiteral("2023-11-14T22:13:20.000Z"));
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Duration"), 0), QStringLiteral("1m 05s"));
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Duration"), 1, FullTextRole),
             QStringLiteral("125.5 s"));
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Duration"), 2), RunDiffModel::missingText());
    QCOMPARE(cell(m, Section::Attributes, QStringLiteral("Parent run"), 2), QStringLiteral("alpha"));
    // Rows nobody has a value for are left out (no run has a user or a source).
    QCOMPARE(rowOf(m, Section::Attributes, QStringLiteral("User")), -1);

    // A run without a name is headed by its id's first characters; long keys keep their whole text in the
    // tooltip.
    std::vector<Run> unnamed = threeRuns();
    unnamed[1].name.clear();
    const QString longKey =
        QStringLiteral("model.encoder.layers.11.attention.output.dense.dropout_probability");
    unnamed[0].params.insert(longKey, QStringLiteral("0.1"));
    m.setRuns(unnamed);
    QCOMPARE(m.headerData(1, Qt::Horizontal).toString(), unnamed[1].id.left(8));
    QCOMPARE(m.headerData(1, Qt::Horizontal, Qt::ToolTipRole).toString(), unnamed[1].id);
    const int longRow = rowOf(m, Section::Params, longKey);
    QVERIFY(longRow >= 0);
    QVERIFY(m.headerData(longRow, Qt::Vertical, Qt::ToolTipRole).toString().contains(longKey));

    // Start times are compared to the second, as shown.
    std::vector<Run> runs = threeRuns();
    runs[1].startMs = *runs[0].startMs + 900;
    runs[2].startMs = *runs[0].startMs + 999;
    m.setRuns(runs);
    QVERIFY(!differs(m, Section::Attributes, QStringLiteral("Started")));
    runs[2].startMs = *runs[0].startMs + 1000;
    m.setRuns(runs);
    QVERIFY(differs(m, Section::Attributes, QStringLiteral("Started")));
}

void TestRunDiff::numericParamsCompareAsNumbers_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("differ");
    QTest::newRow("trailing zero") << "0.1"
                                   << "0.10" << false;
    QTest::newRow("exponent") << "1e-3"
                              << "0.001" << false;
    QTest::newRow("integer and decimal") << "1"
                                         << "1.0" << false;
    QTest::newRow("NaN both ways") << "nan"
                                   << "NaN" << false;
    QTest::newRow("infinity") << "inf"
                              << "Infinity" << false;
    QTest::newRow("different numbers") << "0.1"
                                       << "0.01" << true;
    QTest::newRow("same text") << "adam"
                               << "adam" << false;
    QTest::newRow("case matters in text") << "adam"
                                          << "Adam" << true;
    QTest::newRow("number and text") << "1"
                                     << "1a" << true;
    QTest::newRow("empty and zero") << ""
                                    << "0" << true;
    QTest::newRow("missing") << "<missing>"
                             << "0.1" << true;
}

void TestRunDiff::numericParamsCompareAsNumbers()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, differ);
    Run ra = makeRun(QStringLiteral("a"), 1, {{"other", "x"}});
    if (a != QLatin1String("<missing>"))
        ra.params.insert(QStringLiteral("p"), a);
    const Run rb = makeRun(QStringLiteral("b"), 2, {{"p", b}, {"other", "x"}});
    RunDiffModel m;
    m.setRuns({ra, rb});
    QCOMPARE(differs(m, Section::Params, QStringLiteral("p")), differ);
    QVERIFY(!differs(m, Section::Params, QStringLiteral("other")));
    // The cell shows what was logged, not the parsed number.
    QCOMPARE(cell(m, Section::Params, QStringLiteral("p"), 1), b);
}

void TestRunDiff::missingValuesAreMarked()
{
    RunDiffModel m;
    m.setRuns(threeRuns());
    const int dropout = rowOf(m, Section::Params, QStringLiteral("dropout"));
    QVERIFY(dropout >= 0);
    const QModelIndex present = m.index(dropout, 0), missing = m.index(dropout, 1);
    QCOMPARE(present.data().toString(), QStringLiteral("0.5"));
    QVERIFY(!present.data(MissingRole).toBool());
    QCOMPARE(missing.data().toString(), QStringLiteral("—"));
    QVERIFY(missing.data(MissingRole).toBool());
    QCOMPARE(missing.data(FullTextRole).toString(), QString());
    QVERIFY(missing.data(Qt::ForegroundRole).canConvert<QBrush>());
    QCOMPARE(missing.data(Qt::ForegroundRole).value<QBrush>().color(),
             QGuiApplication::palette().color(QPalette::PlaceholderText));
    QCOMPARE(missing.data(Qt::ToolTipRole).toString(), QStringLiteral("beta has no value for dropout"));
    QVERIFY(missing.data(DiffersRole).toBool());
    // A metric one run did not log.
    QCOMPARE(cell(m, Section::Metrics, QStringLiteral("acc"), 2), QStringLiteral("—"));
    QVERIFY(differs(m, Section::Metrics, QStringLiteral("acc")));
}

void TestRunDiff::nanMetrics()
{
    RunDiffModel m;
    const Run a = makeRun(QStringLiteral("a"), 1, {}, {{"x", summary(NaN)}, {"y", summary(NaN)}});
    const Run b = makeRun(QStringLiteral("b"), 2, {}, {{"x", summary(NaN)}, {"y", summary(1.5)}});
    m.setRuns({a, b});
    QCOMPARE(cell(m, Section::Metrics, QStringLiteral("x"), 0), QStringLiteral("NaN"));
    QVERIFY(!differs(m, Section::Metrics, QStringLiteral("x"))); // NaN and NaN: nothing differs
    QVERIFY(differs(m, Section::Metrics, QStringLiteral("y")));
    m.setBaseline(0);
    // No change can be given against NaN, but the cell is still marked as changed.
    QCOMPARE(cell(m, Section::Metrics, QStringLiteral("y"), 1), QStringLiteral("1.5"));
    QVERIFY(
        m.index(rowOf(m, Section::Metrics, QStringLiteral("y")), 1).data(ChangedFromBaselineRole).toBool());
    QVERIFY(
        !m.index(rowOf(m, Section::Metrics, QStringLiteral("x")), 1).data(ChangedFromBaselineRole).toBool());
}

void TestRunDiff::onlyDifferencesMovesRowsInPlace()
{
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRuns(threeRuns());
    const QStringList all = labels(m);
    const int lr = rowOf(m, Section::Params, QStringLiteral("lr"));
    const int optimizer = rowOf(m, Section::Params, QStringLiteral("optimizer"));
    const QPersistentModelIndex kept(m.index(optimizer, 1));
    const QPersistentModelIndex gone(m.index(lr, 1));
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QVERIFY(reset.isValid() && removed.isValid());

    m.setOnlyDifferences(true);
    QVERIFY(m.onlyDifferences());
    QCOMPARE(reset.count(), 0);
    QVERIFY(removed.count() > 0);
    // lr (0.1 = 0.10 = 1e-1) and experiment (all "exp") are equal; every section keeps rows here.
    QCOMPARE(labels(m), (QStringList{"#Params", "batch_size", "dropout", "optimizer", "#Metrics", "acc",
                                     "loss", "#Tags", "note", "team", "#Attributes", "Run ID", "Status",
                                     "Started", "Duration", "Git commit", "Parent run"}));
    for (int r = 0; r < m.rowCount(); ++r)
        QVERIFY(m.isSectionHeader(r) || m.index(r, 0).data(DiffersRole).toBool());
    QVERIFY(kept.isValid());
    QCOMPARE(kept.data(FullTextRole).toString(), QStringLiteral("sgd"));
    QVERIFY(!gone.isValid());
    QCOMPARE(m.shownValueRows(), m.shownDifferingRows());

    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    m.setOnlyDifferences(false);
    QCOMPARE(reset.count(), 0);
    QVERIFY(inserted.count() > 0);
    QCOMPARE(labels(m), all);
    QCOMPARE(kept.data(FullTextRole).toString(), QStringLiteral("sgd"));

    // A section whose rows are all equal loses its title too.
    const Run a = makeRun(QStringLiteral("a"), 1, {{"lr", "0.1"}}, {{"loss", summary(1)}});
    const Run b = makeRun(QStringLiteral("b"), 2, {{"lr", "0.1"}}, {{"loss", summary(2)}});
    m.setRuns({a, b});
    m.setOnlyDifferences(true);
    QCOMPARE(labels(m), (QStringList{"#Metrics", "loss", "#Attributes", "Run ID"}));
}

void TestRunDiff::metricRangeRows()
{
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRuns(threeRuns());
    QCOMPARE(rowOf(m, Section::Metrics, QStringLiteral("loss (min)")), -1);
    m.setShowMetricRange(true);
    QCOMPARE(labels(m).mid(titleRow(m, Section::Metrics), 7),
             (QStringList{"#Metrics", "acc", "acc (min)", "acc (max)", "loss", "loss (min)", "loss (max)"}));
    QCOMPARE(cell(m, Section::Metrics, QStringLiteral("loss (min)"), 1), QStringLiteral("0.4"));
    QCOMPARE(cell(m, Section::Metrics, QStringLiteral("loss (max)"), 2), QStringLiteral("1.5"));
    // With only differences as well: acc (min) and (max) differ (one run lacks acc), and so on.
    m.setOnlyDifferences(true);
    QVERIFY(rowOf(m, Section::Metrics, QStringLiteral("loss (max)")) >= 0);
    m.setShowMetricRange(false);
    QCOMPARE(rowOf(m, Section::Metrics, QStringLiteral("loss (max)")), -1);
    QVERIFY(rowOf(m, Section::Metrics, QStringLiteral("loss")) >= 0);
}

void TestRunDiff::baselineMarksChanges()
{
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRuns(threeRuns());
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    QSignalSpy baseline(&m, &RunDiffModel::baselineChanged);
    QVERIFY(changed.isValid() && baseline.isValid());
    QCOMPARE(m.baselineColumn(), -1);
    const int loss = rowOf(m, Section::Metrics, QStringLiteral("loss"));
    const int optimizer = rowOf(m, Section::Params, QStringLiteral("optimizer"));
    const int lr = rowOf(m, Section::Params, QStringLiteral("lr"));
    QVERIFY(!m.index(optimizer, 1).data(ChangedFromBaselineRole).toBool());
    QCOMPARE(m.index(loss, 1).data().toString(), QStringLiteral("0.93"));

    m.setBaseline(0);
    QCOMPARE(m.baselineColumn(), 0);
    QCOMPARE(baseline.count(), 1);
    QCOMPARE(baseline.last().at(0).toInt(), 0);
    QVERIFY(changed.count() > 0);
    QVERIFY(m.headerData(0, Qt::Horizontal, BaselineRole).toBool());
    QVERIFY(!m.headerData(1, Qt::Horizontal, BaselineRole).toBool());
    QVERIFY(m.index(loss, 0).data(BaselineRole).toBool());
    // Metrics show their change against the baseline; other numbers keep it in the tooltip.
    QCOMPARE(m.index(loss, 1).data().toString(), QStringLiteral("0.93 (+0.02)"));
    QCOMPARE(m.index(loss, 1).data(FullTextRole).toString(), QStringLiteral("0.93"));
    QCOMPARE(m.index(loss, 1).data(BaselineDeltaRole).toDouble(), 0.93 - 0.91);
    QVERIFY(m.index(loss, 1).data(ChangedFromBaselineRole).toBool());
    QVERIFY(m.index(loss, 1).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(m.index(loss, 1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Change: +0.02")));
    QCOMPARE(m.index(loss, 0).data().toString(), QStringLiteral("0.91")); // the baseline itself
    QVERIFY(!m.index(loss, 0).data(ChangedFromBaselineRole).toBool());
    QCOMPARE(m.index(loss, 2).data().toString(), QStringLiteral("NaN"));
    QVERIFY(m.index(loss, 2).data(ChangedFromBaselineRole).toBool());
    QVERIFY(m.index(optimizer, 1).data(ChangedFromBaselineRole).toBool());  // sgd vs adam
    QVERIFY(!m.index(optimizer, 2).data(ChangedFromBaselineRole).toBool()); // adam vs adam
    QVERIFY(!m.index(optimizer, 2).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!m.index(lr, 1).data(ChangedFromBaselineRole).toBool());    // 0.10 is 0.1
    QCOMPARE(m.index(lr, 1).data().toString(), QStringLiteral("0.10")); // params never carry a change
    const int dropout = rowOf(m, Section::Params, QStringLiteral("dropout"));
    QVERIFY(m.index(dropout, 1).data(ChangedFromBaselineRole).toBool()); // missing against 0.5
    // Changed cells, the baseline column and the rest of a differing row have distinct backgrounds.
    const QColor changedBg = m.index(optimizer, 1).data(Qt::BackgroundRole).value<QBrush>().color();
    const QColor baseBg = m.index(optimizer, 0).data(Qt::BackgroundRole).value<QBrush>().color();
    const QColor rowBg = m.index(optimizer, 2).data(Qt::BackgroundRole).value<QBrush>().color();
    QVERIFY(changedBg != baseBg && changedBg != rowBg && baseBg != rowBg);
    QVERIFY(changedBg.alpha() < 255 && rowBg.alpha() < 255); // translucent: any palette shows through

    m.setBaseline(2);
    QCOMPARE(m.index(loss, 1).data().toString(), QStringLiteral("0.93")); // no change against NaN
    QVERIFY(m.index(loss, 0).data(ChangedFromBaselineRole).toBool());
    m.setBaseline(-1);
    QCOMPARE(m.baselineColumn(), -1);
    QCOMPARE(m.index(loss, 1).data().toString(), QStringLiteral("0.93"));
    QVERIFY(!m.index(optimizer, 1).data(ChangedFromBaselineRole).toBool());
    m.setBaseline(7); // out of range: none
    QCOMPARE(m.baselineColumn(), -1);

    // The change beside a value is short; the tooltip has it in full.
    const Run x = makeRun(QStringLiteral("x"), 1, {}, {{"acc", summary(0.976082)}});
    const Run y = makeRun(QStringLiteral("y"), 2, {}, {{"acc", summary(0.987574)}});
    m.setRuns({x, y});
    m.setBaseline(0);
    QCOMPARE(cell(m, Section::Metrics, QStringLiteral("acc"), 1), QStringLiteral("0.987574 (+0.0115)"));
    QVERIFY(cell(m, Section::Metrics, QStringLiteral("acc"), 1, Qt::ToolTipRole)
                .contains(QStringLiteral("+0.011492")));
}

void TestRunDiff::sortRunsByMetric()
{
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<Run> runs = threeRuns();
    runs.push_back(makeRun(QStringLiteral("delta"), 4, {{"lr", "0.5"}}, {{"loss", summary(0.2, 0.1, 0.9)}}));
    runs.push_back(makeRun(QStringLiteral("eps"), 5, {{"lr", "0.6"}})); // no loss at all
    m.setRuns(runs);
    m.setBaseline(1); // beta
    const int lossRow = rowOf(m, Section::Metrics, QStringLiteral("loss"));
    const QPersistentModelIndex betaLoss(m.index(lossRow, 1));
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy layout(&m, &QAbstractItemModel::layoutChanged);
    QSignalSpy order(&m, &RunDiffModel::runOrderChanged);
    QVERIFY(reset.isValid() && layout.isValid() && order.isValid());

    m.sortRunsByMetric(QStringLiteral("loss"), Qt::AscendingOrder);
    // delta 0.2, alpha 0.91, beta 0.93, then gamma (NaN) and eps (missing) in the order chosen.
    QCOMPARE(columnNames(m), (QStringList{"delta", "alpha", "beta", "gamma", "eps"}));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(layout.count(), 1);
    QCOMPARE(order.count(), 1);
    QCOMPARE(m.baselineColumn(), 2);
    QVERIFY(m.headerData(2, Qt::Horizontal, BaselineRole).toBool());
    QCOMPARE(betaLoss.column(), 2);
    QCOMPARE(betaLoss.data(FullTextRole).toString(), QStringLiteral("0.93"));
    QCOMPARE(m.runAt(0).name, QStringLiteral("delta"));
    QCOMPARE(m.runIndexOf(0), 3);
    QCOMPARE(m.columnOfRun(3), 0);

    m.sortRunsByMetric(QStringLiteral("loss"), Qt::DescendingOrder);
    QCOMPARE(columnNames(m), (QStringList{"beta", "alpha", "delta", "gamma", "eps"}));
    QCOMPARE(m.baselineColumn(), 0);
    QCOMPARE(betaLoss.column(), 0);

    m.sortRunsByMetric(QStringLiteral("loss"), Qt::AscendingOrder, Stat::Min);
    QCOMPARE(columnNames(m), (QStringList{"delta", "gamma", "beta", "alpha", "eps"}));
    m.sortRunsByMetric(QStringLiteral("loss"), Qt::DescendingOrder, Stat::Max);
    QCOMPARE(columnNames(m), (QStringList{"beta", "alpha", "gamma", "delta", "eps"}));
    m.sortRunsByMetric(QStringLiteral("no such metric"), Qt::AscendingOrder);
    QCOMPARE(columnNames(m), (QStringList{"alpha", "beta", "gamma", "delta", "eps"}));
    m.sortRunsByMetric(QStringLiteral("loss"), Qt::AscendingOrder);
    m.restoreRunOrder();
    QCOMPARE(columnNames(m), (QStringList{"alpha", "beta", "gamma", "delta", "eps"}));
    QCOMPARE(m.baselineColumn(), 1);
    QCOMPARE(reset.count(), 0);
    // Cells follow their runs.
    QCOMPARE(cell(m, Section::Params, QStringLiteral("lr"), 3), QStringLiteral("0.5"));
}

void TestRunDiff::csvIsExact()
{
    RunDiffModel m;
    std::vector<Run> runs = threeRuns();
    runs[1].name = QStringLiteral("beta, \"the second\"");
    runs[2].params.insert(QStringLiteral("cmd"), QStringLiteral("python train.py\n--fast"));
    m.setRuns(runs);
    m.setOnlyDifferences(true);
    m.setBaseline(0); // changes nothing in CSV: it carries values, not their presentation
    const QString expected =
        QStringLiteral("section,key,alpha,\"beta, \"\"the second\"\"\",gamma\n"
                       "params,batch_size,32,32,64\n"
                       "params,cmd,,,\"python train.py\n--fast\"\n"
                       "params,dropout,0.5,,\n"
                       "params,optimizer,adam,sgd,adam\n"
                       "metrics,acc,0.8,NaN,\n"
                       "metrics,loss,0.91,0.93,NaN\n"
                       "tags,note,,,\"has, comma\"\n"
                       "tags,team,vision,vision,nlp\n"
                       "attributes,Run ID,%1,%2,%3\n"
                       "attributes,Status,FINISHED,FINISHED,RUNNING\n"
                       "attributes,Started,2023-11-14T22:13:20.000Z,2023-11-14T22:15:00.000Z,"
                       "2023-11-14T22:16:40.000Z\n"
                       "attributes,Duration,65 s,125.5 s,\n"
                       "attributes,Git commit,0123456789abcdef0123456789abcdef01234567,,\n"
                       "attributes,Parent run,,,%1\n")
            .arg(runs[0].id, runs[1].id, runs[2].id);
    QCOMPARE(m.toCsv(), expected);
    m.setOnlyDifferences(false);
    QVERIFY(m.toCsv().contains(QStringLiteral("\nparams,lr,0.1,0.10,1e-1\n")));
    QVERIFY(m.toCsv().contains(QStringLiteral("\nattributes,Experiment,exp,exp,exp\n")));
}

void TestRunDiff::markdownIsExact()
{
    RunDiffModel m;
    const Run a = makeRun(QStringLiteral("base|line"), 1, {{"opt", "adam"}, {"act", "<relu>"}, {"lr", "0.1"}},
                          {{"loss", summary(0.91)}});
    const Run b = makeRun(QStringLiteral("b_2"), 2, {{"opt", "a|b*c"}, {"act", "<relu>"}, {"lr", "0.1"}},
                          {{"loss", summary(0.93)}});
    m.setRuns({a, b});
    m.setOnlyDifferences(true);
    QCOMPARE(m.toMarkdown(), QStringLiteral("| Key | base\\|line | b\\_2 |\n"
                                            "| --- | --- | --- |\n"
                                            "| **Params** |  |  |\n"
                                            "| opt | adam | a\\|b\\*c |\n"
                                            "| **Metrics** |  |  |\n"
                                            "| loss | 0.91 | 0.93 |\n"
                                            "| **Attributes** |  |  |\n"
                                            "| Run ID | %1 | %2 |\n")
                                 .arg(a.id, b.id));
    m.setBaseline(0);
    m.setOnlyDifferences(false);
    QCOMPARE(m.toMarkdown(), QStringLiteral("| Key | base\\|line (baseline) | b\\_2 |\n"
                                            "| --- | --- | --- |\n"
                                            "| **Params** |  |  |\n"
                                            "| act | \\<relu\\> | \\<relu\\> |\n"
                                            "| lr | 0.1 | 0.1 |\n"
                                            "| opt | adam | **a\\|b\\*c** |\n"
                                            "| **Metrics** |  |  |\n"
                                            "| loss | 0.91 | **0.93 (+0.02)** |\n"
                                            "| **Attributes** |  |  |\n"
                                            "| Run ID | %1 | **%2** |\n"
                                            "| Experiment | exp | exp |\n"
                                            "| Status | FINISHED | FINISHED |\n")
                                 .arg(a.id, b.id));
}

// A name or param value of megabytes (from another tool) is shown cut in the header, the cells and the
// tooltips, and kept whole in the CSV and Markdown exports (its line breaks as <br> in a Markdown cell).
void TestRunDiff::longValuesAreCutOnScreenAndWholeInExports()
{
    RunDiffModel m;
    QString name(3'000'000, QLatin1Char('n')), value(2'000'000, QLatin1Char('v'));
    name[10] = QLatin1Char('\n');
    value[20] = QLatin1Char('\n');
    const Run a = makeRun(name, 1, {{"p", value}});
    const Run b = makeRun(QStringLiteral("b"), 2, {{"p", QStringLiteral("short")}});
    m.setRuns({a, b});
    constexpr qsizetype Bound = 10'000;
    QVERIFY(m.headerData(0, Qt::Horizontal).toString().size() < Bound);
    QCOMPARE(m.headerData(0, Qt::Horizontal, FullTextRole).toString(), name);
    const int p = rowOf(m, Section::Params, QStringLiteral("p"));
    QVERIFY(p >= 0);
    QVERIFY(m.index(p, 0).data().toString().size() < Bound);
    QVERIFY(m.index(p, 0).data(Qt::ToolTipRole).toString().size() < Bound);
    QCOMPARE(m.index(p, 0).data(FullTextRole).toString(), value);

    const QList<QStringList> csv = test::parseCsv(m.toCsv());
    QCOMPARE(csv.first().value(2), name);
    QVERIFY(
        std::any_of(csv.begin(), csv.end(), [&](const QStringList &row) { return row.value(2) == value; }));
    QString cell = value;
    cell.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    QString title = name;
    title.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    const QString markdown = m.toMarkdown();
    QVERIFY(markdown.startsWith(QStringLiteral("| Key | %1 | b |\n").arg(title)));
    QVERIFY(markdown.contains(QStringLiteral("| p | %1 | short |\n").arg(cell)));
}

void TestRunDiff::threeHundredRuns()
{
    std::vector<Run> runs;
    for (int i = 0; i < 300; ++i) {
        QMap<QString, QString> params{{"lr", QString::number(0.001 * (i % 7 + 1))}, {"seed", "42"}};
        for (int k = 0; k < 40; ++k)
            params.insert(QStringLiteral("p%1").arg(k, 2, 10, QLatin1Char('0')),
                          QString::number(k + (i % 3 == 0 && k == 5)));
        QMap<QString, MetricSummary> metrics{{"acc", summary(i % 11 == 0 ? NaN : (i % 13) / 13.0)}};
        if (i % 50 != 49)
            metrics.insert(QStringLiteral("loss"), summary(1.0 / (i + 1)));
        runs.push_back(
            makeRun(QStringLiteral("run-%1").arg(i, 3, 10, QLatin1Char('0')), i + 1, params, metrics));
    }
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRuns(runs);
    QCOMPARE(m.columnCount(), 300);
    QVERIFY(differs(m, Section::Params, QStringLiteral("lr")));
    QVERIFY(differs(m, Section::Params, QStringLiteral("p05")));
    QVERIFY(!differs(m, Section::Params, QStringLiteral("p06")));
    QVERIFY(!differs(m, Section::Params, QStringLiteral("seed")));
    m.setOnlyDifferences(true);
    QCOMPARE(rowOf(m, Section::Params, QStringLiteral("seed")), -1);
    // Run ID, lr, p05, acc, loss.
    QCOMPARE(m.shownValueRows(), 5);
    m.sortRunsByMetric(QStringLiteral("loss"), Qt::AscendingOrder);
    QCOMPARE(m.runAt(0).name, QStringLiteral("run-298"));
    // The six runs without loss go last, in the order chosen.
    for (int c = 294, i = 49; c < 300; ++c, i += 50)
        QCOMPARE(m.runAt(c).name, QStringLiteral("run-%1").arg(i, 3, 10, QLatin1Char('0')));
    m.sortRunsByMetric(QStringLiteral("acc"), Qt::DescendingOrder);
    QCOMPARE(m.runAt(0).name, QStringLiteral("run-012"));   // 12/13
    QCOMPARE(m.runAt(299).name, QStringLiteral("run-297")); // NaN: last
    QCOMPARE(m.toCsv().count(QLatin1Char('\n')), 1 + 5);
    m.setBaseline(150);
    QCOMPARE(m.toMarkdown().count(QLatin1Char('\n')), 2 + 3 + 5);
}

void TestRunDiff::fewerThanTwoRuns()
{
    RunDiffModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(m.rowCount(), 0);
    QCOMPARE(m.columnCount(), 0);
    QCOMPARE(m.toCsv(), QStringLiteral("section,key\n"));
    m.setBaseline(0);
    QCOMPARE(m.baselineColumn(), -1);
    m.sortRunsByMetric(QStringLiteral("loss"), Qt::AscendingOrder);
    m.setOnlyDifferences(true);
    QCOMPARE(m.rowCount(), 0);
    m.setOnlyDifferences(false);
    m.setRuns({makeRun(QStringLiteral("solo"), 1, {{"lr", "0.1"}})});
    QCOMPARE(m.columnCount(), 1);
    QVERIFY(!differs(m, Section::Params, QStringLiteral("lr")));
    m.setOnlyDifferences(true);
    QCOMPARE(m.rowCount(), 0);
    m.setRuns({});
    QCOMPARE(m.rowCount(), 0);
}

void TestRunDiff::viewToolbar()
{
    RunDiffView view;
    view.resize(1400, 700);
    view.setRuns(m_fixtureRuns);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    RunDiffModel *m = view.model();
    auto *only = view.findChild<QCheckBox *>(QStringLiteral("onlyDifferences"));
    auto *range = view.findChild<QCheckBox *>(QStringLiteral("metricRange"));
    auto *baseline = view.findChild<QComboBox *>(QStringLiteral("baseline"));
    auto *sortBy = view.findChild<QComboBox *>(QStringLiteral("sortBy"));
    auto *sortOrder = view.findChild<QToolButton *>(QStringLiteral("sortOrder"));
    auto *copyCsv = view.findChild<QPushButton *>(QStringLiteral("copyCsv"));
    auto *copyMarkdown = view.findChild<QPushButton *>(QStringLiteral("copyMarkdown"));
    auto *summaryLabel = view.findChild<QLabel *>(QStringLiteral("summary"));
    QVERIFY(only && range && baseline && sortBy && sortOrder && copyCsv && copyMarkdown && summaryLabel);
    QVERIFY(!view.isEmptyShown());
    QVERIFY(summaryLabel->text().startsWith(QStringLiteral("4 runs")));

    const int allRows = m->rowCount();
    QTest::mouseClick(only, Qt::LeftButton, {}, QPoint(8, only->height() / 2));
    QVERIFY(m->onlyDifferences());
    QVERIFY(m->rowCount() < allRows);
    QCOMPARE(rowOf(*m, Section::Attributes, QStringLiteral("Status")), -1);
    QTest::mouseClick(range, Qt::LeftButton, {}, QPoint(8, range->height() / 2));
    QVERIFY(m->showsMetricRange());

    // Baseline: "No baseline", then the runs in the order chosen.
    QCOMPARE(baseline->count(), 5);
    QCOMPARE(baseline->itemText(2), QStringLiteral("run-01"));
    baseline->setFocus();
    QTest::keyClick(baseline, Qt::Key_Down);
    QTest::keyClick(baseline, Qt::Key_Down);
    QCOMPARE(m->baselineColumn(), 1);
    QVERIFY(m->headerData(1, Qt::Horizontal, BaselineRole).toBool());

    // Sort runs by the last loss, ascending, then descending with the order button.
    const int lossChoice = sortBy->findText(QStringLiteral("loss"));
    QVERIFY(lossChoice > 0);
    QVERIFY(!sortOrder->isEnabled());
    sortBy->setFocus();
    for (int i = 0; i < lossChoice; ++i)
        QTest::keyClick(sortBy, Qt::Key_Down);
    QCOMPARE(sortBy->currentText(), QStringLiteral("loss"));
    QVERIFY(sortOrder->isEnabled());
    const auto lossOf = [m](int column) {
        return m->runAt(column).metrics.value(QStringLiteral("loss")).last;
    };
    for (int c = 1; c < m->columnCount(); ++c)
        QVERIFY(lossOf(c - 1) <= lossOf(c));
    QCOMPARE(m->runAt(m->baselineColumn()).name, QStringLiteral("run-01")); // the baseline follows
    QCOMPARE(baseline->currentText(), QStringLiteral("run-01"));
    QTest::mouseClick(sortOrder, Qt::LeftButton);
    QCOMPARE(sortOrder->text(), QStringLiteral("Descending"));
    for (int c = 1; c < m->columnCount(); ++c)
        QVERIFY(lossOf(c - 1) >= lossOf(c));

    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(copyCsv, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), m->toCsv());
    QVERIFY(m->toCsv().startsWith(QStringLiteral("section,key,")));
    QVERIFY(summaryLabel->text().startsWith(QStringLiteral("Copied")));
    QTest::mouseClick(copyMarkdown, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), m->toMarkdown());
    QVERIFY(m->toMarkdown().contains(QStringLiteral("run-01 (baseline)")));

    // Double-clicking a run's header makes it the baseline; again, clears it.
    QHeaderView *header = view.table()->horizontalHeader();
    const QPoint third(header->sectionViewportPosition(2) + 10, header->height() / 2);
    QTest::mouseDClick(header->viewport(), Qt::LeftButton, {}, third);
    QCOMPARE(m->baselineColumn(), 2);
    QCOMPARE(baseline->currentText(), m->runAt(2).name);
    QTest::mouseDClick(header->viewport(), Qt::LeftButton, {}, third);
    QCOMPARE(m->baselineColumn(), -1);
    QCOMPARE(baseline->currentIndex(), 0);

    // New runs keep the toggles and the order chosen.
    std::vector<Run> fewer(m_fixtureRuns.begin(), m_fixtureRuns.begin() + 3);
    view.setRuns(fewer);
    QVERIFY(m->onlyDifferences());
    QCOMPARE(sortBy->currentText(), QStringLiteral("loss"));
    for (int c = 1; c < m->columnCount(); ++c)
        QVERIFY(lossOf(c - 1) >= lossOf(c));
    QCOMPARE(baseline->count(), 4);
}

void TestRunDiff::viewCopiesSelectedCellsAsTsv()
{
    RunDiffView view;
    view.resize(1200, 600);
    std::vector<Run> runs = threeRuns();
    runs[0].params.insert(QStringLiteral("cmd"), QStringLiteral("a\tb"));
    view.setRuns(runs);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    RunDiffModel *m = view.model();
    QTableView *table = view.table();
    const int batch = rowOf(*m, Section::Params, QStringLiteral("batch_size"));
    const int cmd = rowOf(*m, Section::Params, QStringLiteral("cmd"));
    const int dropout = rowOf(*m, Section::Params, QStringLiteral("dropout"));
    QVERIFY(batch >= 0 && cmd >= 0 && dropout >= 0);
    // Click one cell, Ctrl+click two more; the clipboard gets the bounding rows and columns.
    const auto click = [table](int row, int column, Qt::KeyboardModifiers mods) {
        const QRect r = table->visualRect(table->model()->index(row, column));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, mods, r.center());
    };
    click(batch, 0, {});
    click(cmd, 0, Qt::ControlModifier);
    click(dropout, 1, Qt::ControlModifier);
    QCOMPARE(view.selectedCellsText(), QStringLiteral("32\t\na b\t\n\t"));
    QGuiApplication::clipboard()->clear();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("32\t\na b\t\n\t"));
    // A section title cannot be selected: clicking it selects nothing.
    click(titleRow(*m, Section::Params), 0, {});
    QCOMPARE(view.selectedCellsText(), QString());
    // Columns come in the order shown.
    const int optimizer = rowOf(*m, Section::Params, QStringLiteral("optimizer"));
    click(batch, 0, {});
    click(optimizer, 1, Qt::ControlModifier);
    QCOMPARE(view.selectedCellsText(), QStringLiteral("32\t\n\tsgd"));
    m->sortRunsByMetric(QStringLiteral("loss"), Qt::DescendingOrder); // beta, alpha, gamma (NaN)
    QCOMPARE(view.selectedCellsText(), QStringLiteral("\t32\nsgd\t"));
}

void TestRunDiff::viewExports()
{
    RunDiffView view;
    view.setRuns(threeRuns());
    QSignalSpy finished(&view, &RunDiffView::exportFinished);
    QVERIFY(finished.isValid());
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("diff.csv"));
    view.exportTo(csv, RunDiffView::ExportFormat::Csv);
    QVERIFY(view.isBusy());
    QVERIFY(finished.wait(10000));
    QVERIFY(!view.isBusy());
    QCOMPARE(finished.last().at(0).toString(), csv);
    QCOMPARE(finished.last().at(1).toString(), QString());
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), view.model()->toCsv());

    view.model()->setBaseline(0);
    const QString md = dir.filePath(QStringLiteral("diff.md"));
    view.exportTo(md, RunDiffView::ExportFormat::Markdown);
    QVERIFY(finished.wait(10000));
    QFile g(md);
    QVERIFY(g.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(g.readAll());
    QCOMPARE(markdown, view.model()->toMarkdown());
    QVERIFY(markdown.contains(QStringLiteral("0.93 (+0.02)")));
    QVERIFY(view.findChild<QMessageBox *>() == nullptr);

    QCOMPARE(RunDiffView::formatFor(QStringLiteral("/x/a.md"), QStringLiteral("CSV (*.csv)")),
             RunDiffView::ExportFormat::Markdown);
    QCOMPARE(RunDiffView::formatFor(QStringLiteral("/x/a.CSV"), QStringLiteral("Markdown (*.md)")),
             RunDiffView::ExportFormat::Csv);
    QCOMPARE(RunDiffView::formatFor(QStringLiteral("/x/a"), QStringLiteral("Markdown (*.md)")),
             RunDiffView::ExportFormat::Markdown);
    QCOMPARE(RunDiffView::formatFor(QStringLiteral("/x/a"), QStringLiteral("CSV (*.csv)")),
             RunDiffView::ExportFormat::Csv);
}

void TestRunDiff::viewExportFailureIsShown()
{
    RunDiffView view;
    view.setRuns(threeRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy finished(&view, &RunDiffView::exportFinished);
    QTemporaryDir dir;
    // A folder that does not exist, and a path that is a folder: nothing written, the reason told.
    for (const QString &path : {dir.filePath(QStringLiteral("no/such/folder/diff.csv")), dir.path()}) {
        view.exportTo(path, RunDiffView::ExportFormat::Csv);
        QVERIFY(finished.wait(10000));
        const QString error = finished.last().at(1).toString();
        QVERIFY2(!error.isEmpty(), qPrintable(path));
        QTRY_VERIFY(view.findChild<QMessageBox *>(QStringLiteral("exportError")));
        auto *box = view.findChild<QMessageBox *>(QStringLiteral("exportError"));
        QVERIFY(box->isVisible());
        QVERIFY(box->text().contains(path));
        QVERIFY(box->text().contains(error));
        box->close();
        QTRY_VERIFY(!view.findChild<QMessageBox *>(QStringLiteral("exportError")));
    }
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("no"))));
    QCOMPARE(RunDiffView::writeTextFile(QString(), QStringLiteral("x")),
             QStringLiteral("no file name was given"));
    QCOMPARE(RunDiffView::writeTextFile(dir.path(), QStringLiteral("x")), QStringLiteral("it is a folder"));
}

void TestRunDiff::viewEmptyState()
{
    RunDiffView view;
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *empty = view.findChild<QLabel *>(QStringLiteral("emptyState"));
    auto *exportButton = view.findChild<QPushButton *>(QStringLiteral("export"));
    QVERIFY(empty && exportButton);
    QVERIFY(view.isEmptyShown());
    QVERIFY(empty->isVisible());
    QVERIFY(!exportButton->isEnabled());
    view.setRuns({m_fixtureRuns[0]});
    QVERIFY(view.isEmptyShown());
    QVERIFY(empty->text().contains(QStringLiteral("one run")));
    view.setRuns({m_fixtureRuns[0], m_fixtureRuns[1]});
    QVERIFY(!view.isEmptyShown());
    QVERIFY(view.table()->isVisible());
    QVERIFY(exportButton->isEnabled());
    view.setRuns({});
    QVERIFY(view.isEmptyShown());
}

void TestRunDiff::viewManyRuns()
{
    std::vector<Run> runs;
    for (int i = 0; i < 300; ++i) {
        QMap<QString, QString> params{{"lr", QString::number(0.001 * (i % 7 + 1))}, {"seed", "42"}};
        for (int k = 0; k < 60; ++k)
            params.insert(QStringLiteral("model.encoder.layer%1.attention.dropout").arg(k),
                          QString::number(k));
        runs.push_back(makeRun(QStringLiteral("sweep-%1").arg(i), i + 1, params,
                               {{"loss", summary(1.0 / (i + 1))}, {"acc", summary(i / 300.0)}}));
    }
    RunDiffView view;
    view.resize(1500, 900);
    view.setRuns(runs);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *only = view.findChild<QCheckBox *>(QStringLiteral("onlyDifferences"));
    QTest::mouseClick(only, Qt::LeftButton, {}, QPoint(8, only->height() / 2));
    auto *sortBy = view.findChild<QComboBox *>(QStringLiteral("sortBy"));
    sortBy->setCurrentIndex(sortBy->findText(QStringLiteral("loss")));
    view.model()->setBaseline(view.model()->columnOfRun(299));
    view.repaint();
    QCOMPARE(view.model()->runAt(0).name, QStringLiteral("sweep-299"));
    QCOMPARE(view.model()->baselineColumn(), 0);
    QCOMPARE(view.model()->shownValueRows(), 4); // lr, loss, acc, Run ID
    // Long keys are elided in the side column, never widened past its limit.
    QVERIFY(view.table()->verticalHeader()->width() <= RunDiffHeaderView::MaxKeyWidth);
}

void TestRunDiff::viewLooksRight_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TestRunDiff::viewLooksRight()
{
    QFETCH(bool, dark);
    theme::apply(dark ? theme::Theme::Dark : theme::Theme::Light);
    QCOMPARE(theme::isDark(), dark);
    RunDiffView view;
    view.resize(1300, 760);
    std::vector<Run> runs = m_fixtureRuns;
    runs[1].params.remove(QStringLiteral("seed")); // a missing value to look at
    view.setRuns(runs);
    view.model()->setBaseline(0);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage shot = view.grab().toImage();
    if (const QByteArray out = qgetenv("RUNLENS_SHOTS"); !out.isEmpty())
        shot.save(QString::fromLocal8Bit(out) +
                  (dark ? QStringLiteral("/rundiff-dark.png") : QStringLiteral("/rundiff-light.png")));

    QTableView *table = view.table();
    const RunDiffModel *m = view.model();
    const auto pixel = [&](int row, int column) {
        const QRect r = table->visualRect(m->index(row, column));
        const QPoint p = table->viewport()->mapTo(&view, QPoint(r.left() + 1, r.center().y()));
        return shot.pixelColor(p);
    };
    const QColor base = table->palette().color(QPalette::Base);
    const int status = rowOf(*m, Section::Attributes, QStringLiteral("Status")); // the same everywhere
    const int lr = rowOf(*m, Section::Params, QStringLiteral("lr"));             // 0.01, 0.001, 0.1, 0.01
    QVERIFY(status >= 0 && lr >= 0);
    table->scrollTo(m->index(lr, 0));
    // An equal row is the plain base; a differing row is tinted, a changed cell more so, and the tint stays
    // close to the base's lightness (readable text on both palettes).
    const QColor unchanged = pixel(lr, 3); // 0.01 as the baseline: row tint only
    const QColor changed = pixel(lr, 1);
    const QColor baseline = pixel(lr, 0);
    QVERIFY(unchanged != base);
    QVERIFY(changed != unchanged);
    QVERIFY(baseline != unchanged && baseline != base);
    QVERIFY2(std::abs(changed.lightness() - base.lightness()) < 90,
             qPrintable(QStringLiteral("%1 on %2").arg(changed.name(), base.name())));
    table->scrollTo(m->index(status, 0));
    QApplication::processEvents();
    const QImage after = view.grab().toImage();
    const QRect sr = table->visualRect(m->index(status, 2));
    QCOMPARE(after.pixelColor(table->viewport()->mapTo(&view, QPoint(sr.left() + 1, sr.center().y()))), base);
    // The vertical header carries the keys at a width that fits them, and the whole tab fits beside the
    // sidebar on a 1280-pixel screen.
    QVERIFY(table->verticalHeader()->width() >= 140);
    QVERIFY2(view.minimumSizeHint().width() <= 960,
             qPrintable(QString::number(view.minimumSizeHint().width())));

    // Filtered, with the metric range, ordered by a metric: saved to look at, as above.
    view.findChild<QCheckBox *>(QStringLiteral("onlyDifferences"))->setChecked(true);
    view.findChild<QCheckBox *>(QStringLiteral("metricRange"))->setChecked(true);
    auto *sortBy = view.findChild<QComboBox *>(QStringLiteral("sortBy"));
    sortBy->setCurrentIndex(sortBy->findText(QStringLiteral("loss (min)")));
    QCOMPARE(view.model()->runAt(0).name, QStringLiteral("run-03"));
    if (const QByteArray out = qgetenv("RUNLENS_SHOTS"); !out.isEmpty())
        view.grab().save(QString::fromLocal8Bit(out) + (dark
                                                            ? QStringLiteral("/rundiff-dark-filtered.png")
                                                            : QStringLiteral("/rundiff-light-filtered.png")));
    theme::apply(theme::Theme::Light);
}

QTEST_MAIN(TestRunDiff)
#include "tst_rundiff.moc"
