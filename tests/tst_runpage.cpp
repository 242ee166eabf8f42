// SPDX-License-Identifier: GPL-3.0-or-later
// The run page driven as a person would, offscreen, over a real database: opened by double-clicking a row
// of the runs table, it shows the run's facts, params, metrics with curves that keep their spikes, tags
// (edited, added, deleted), notes (edited and rendered), dataset inputs, artifacts (opened through a copy)
// and parent/child runs; Back, Alt+Left and Esc return to the table as it was. Also a real MLflow store
// imported through the import API, a run id that does not exist, and the page in a dark palette. System
// metrics (system/...) are listed in a System section of their own, below the run's metrics.

#include "artifacts/artifactstore.h"
#include "charts/chartstab.h"
#include "charts/metricchart.h"
#include "charts/sparklinedelegate.h"
#include "core/jsonformat.h"
#include "import/importer.h"
#include "itemmodels/artifacttreemodel.h"
#include "itemmodels/childrunsmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runinputsmodel.h"
#include "itemmodels/runmetricsmodel.h"
#include "itemmodels/runparamsmodel.h"
#include "itemmodels/runtablemodel.h"
#include "itemmodels/runtagsmodel.h"
#include "pages/runpage.h"
#include "pages/runspage.h"
#include "shell/mainwindow.h"
#include "testsupport.h"
#include "widgets/artifactbrowser.h"
#include "widgets/detailtableview.h"
#include "widgets/runheaderwidget.h"
#include "widgets/runnoteswidget.h"
#include "widgets/sectionpanel.h"
#include "widgets/statusbadge.h"

#include <limits>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStackedWidget>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>

using namespace runlens;

namespace {

constexpr qint64 T0 = 1'700'000'000'000;
constexpr int SpikeStep = 502; // inside its pixel column: neither its first nor its last point
constexpr int NanStep = 700;
constexpr int LossPoints = 1000;

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);

double lossAt(int step)
{
    if (step == SpikeStep)
        return 50.0;
    if (step == NanStep)
        return std::numeric_limits<double>::quiet_NaN();
    return 1.0 - 0.0009 * step;
}

int rowWithText(const QAbstractItemModel *model, int column, const QString &text)
{
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, column).data(FullTextRole).toString() == text ||
            model->index(r, column).data().toString() == text)
            return r;
    }
    return -1;
}

// main-run is a child of sweep-parent: the table lists it once sweep-parent is expanded (by Right, as a
// person would). Returns main-run's row, or -1.
int expandToMainRun(QTableView *table, RunTableModel *runs)
{
    const int parent = rowWithText(runs, RunTableModel::NameColumn, QStringLiteral("sweep-parent"));
    if (parent < 0 || runs->childCountAt(parent) != 1)
        return -1;
    table->setFocus();
    table->setCurrentIndex(runs->index(parent, RunTableModel::NameColumn));
    QTest::keyClick(table, Qt::Key_Right);
    if (!QTest::qWaitFor([&] {
            return rowWithText(runs, RunTableModel::NameColumn, QStringLiteral("main-run")) >= 0 &&
                   !runs->isLoading();
        }))
        return -1;
    const int row = rowWithText(runs, RunTableModel::NameColumn, QStringLiteral("main-run"));
    return row == parent + 1 && runs->depthAt(row) == 1 ? row : -1;
}

// A person's double-click: QTest::mouseDClick alone lacks the press that comes first.
void doubleClick(QWidget *viewport, const QPoint &at)
{
    QTest::mouseClick(viewport, Qt::LeftButton, {}, at);
    QTest::mouseDClick(viewport, Qt::LeftButton, {}, at);
}

// Clicks `button` on the next message box as soon as it is shown (it runs an event loop of its own).
void answerNextQuestion(QMessageBox::StandardButton button)
{
    auto *poll = new QTimer(qApp);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, button] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            poll->stop();
            poll->deleteLater();
            box->button(button)->click();
        }
    });
    poll->start(10);
}

QStackedWidget *pagesOf(MainWindow &window)
{
    return window.runsPage()->parentWidget()->inherits("QStackedWidget")
               ? static_cast<QStackedWidget *>(window.runsPage()->parentWidget())
               : nullptr;
}

// WCAG contrast ratio of two opaque colours.
double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xfd));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    return p;
}

// The Charts tab's charts, once read; nullptr (and a failed check) when they are not.
ChartsTab *openCharts(MainWindow &window)
{
    RunPage *page = window.runPage();
    page->tabs()->setCurrentIndex(0);
    if (!page->chartsTab())
        return nullptr;
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000); }();
    return page->chartsTab();
}

QStringList chartKeys(const ChartsTab *tab)
{
    QStringList keys;
    for (const MetricChart *c : tab->charts())
        keys << c->key();
    return keys;
}

// Whether `chart` lies wholly inside the visible part of its scroll area.
bool inView(MetricChart *chart)
{
    auto *scroll = chart->window()->findChild<QScrollArea *>(QStringLiteral("chartsScroll"));
    if (!scroll || !chart->isVisible())
        return false;
    const QRect area(chart->mapTo(scroll->viewport(), QPoint(0, 0)), chart->size());
    return scroll->viewport()->rect().contains(area);
}

// `runlens` itself against `db`; its standard output, or empty when it failed.
QString runCli(const QString &db, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(RUNLENS_BINARY), QStringList{QStringLiteral("--db"), db} + args);
    if (!p.waitForStarted(30000))
        return {};
    p.closeWriteChannel();
    QElapsedTimer t;
    t.start();
    while (p.state() != QProcess::NotRunning && t.elapsed() < 60000)
        QTest::qWait(20);
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning() << p.readAllStandardError();
        return {};
    }
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

} // namespace

class TestRunPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void openedFromRunsTableShowsTheRun();
    void showDatasetsOpensTheDatasetsTab();
    void metricsOfALiveRunUpdateInPlace();
    void backKeepsTableSelectionAndScroll();
    void modelsStayConsistentAcrossRuns();
    void staleAnswersAreDropped();
    void editsTags();
    void failedTagWritesRevert();
    void editsNotes();
    void renamesAndStars();
    void navigatesToChildrenAndParent();
    void missingRunShowsMessage();
    void emptySectionsSaySo();
    void sparklineShowsSpikeAndNaN();
    void artifactsOpenAndSave();
    void trashedRunIsMarked();
    void readableInDarkPalette();
    void importedMlflowRun();
    void writesOutliveTheWindow();
    void unsavedNotesAreAskedAbout();
    void systemMetricsInTheirOwnSection();
    void chartsTabDrawsEveryMetric();
    void activatingAMetricOpensItsChart();
    void ctrlMOpensTheCharts();
    void chartsOfARunningRunGrow();
    void chartsOfARunWithoutMetrics();

private:
    void openWindow(MainWindow &window);
    void showRunAndWait(MainWindow &window, const QString &id);
    QString makeRun(Store &store, const QString &name, qint64 start, const QString &parentId = {});

    QTemporaryDir m_dir;
    QString m_db;
    QString m_main, m_parent, m_childA, m_childB, m_empty, m_victim, m_trashed;
    QString m_longValue;
};

QString TestRunPage::makeRun(Store &store, const QString &name, qint64 start, const QString &parentId)
{
    NewRun init;
    init.experimentId = store.runs().ensureExperiment(QStringLiteral("vision"));
    init.name = name;
    init.startMs = start;
    init.parentId = parentId;
    init.status = RunStatus::Finished;
    init.endMs = start + 60'000;
    return store.runs().createRun(init).id;
}

void TestRunPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("cache")).toUtf8());
    QCoreApplication::setApplicationName(QStringLiteral("runlens"));
    m_db = m_dir.filePath(QStringLiteral("runs.db"));
    Store store(m_db);
    const ExperimentId vision = store.runs().createExperiment(QStringLiteral("vision"));

    // Enough newer runs that the table scrolls; the run under test is the oldest, at the bottom.
    for (int i = 0; i < 60; ++i)
        makeRun(store, QStringLiteral("filler-%1").arg(i, 2, 10, QLatin1Char('0')),
                T0 + 10'000'000 + i * 1000);
    m_parent = makeRun(store, QStringLiteral("sweep-parent"), T0 - 5000);

    NewRun init;
    init.experimentId = vision;
    init.name = QStringLiteral("main-run");
    init.status = RunStatus::Failed;
    init.startMs = T0;
    init.endMs = T0 + 3'661'000;
    init.user = QStringLiteral("ana");
    init.sourceName = QStringLiteral("train.py");
    init.sourceType = QStringLiteral("LOCAL");
    init.gitCommit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    init.parentId = m_parent;
    init.description = QStringLiteral("## Findings\n\nThe *spike* at step 500 is real.");
    m_main = store.runs().createRun(init).id;

    RunStore::Batch b;
    b.params.insert(QStringLiteral("lr"), QStringLiteral("0.001"));
    b.params.insert(QStringLiteral("optimizer"), QStringLiteral("adam"));
    m_longValue = QStringLiteral("first line <b>not bold</b>\n") + QString(600, QLatin1Char('x'));
    b.params.insert(QStringLiteral("long_value"), m_longValue);
    for (int i = 0; i < 12; ++i)
        b.params.insert(QStringLiteral("p%1").arg(i, 2, 10, QLatin1Char('0')), QString::number(i * 7));
    b.tags.insert(QStringLiteral("team"), QStringLiteral("vision"));
    b.tags.insert(QStringLiteral("stage"), QStringLiteral("dev"));
    b.tags.insert(QString::fromLatin1(mlflowtag::RunName), QStringLiteral("main-run"));
    store.runs().logBatch(m_main, b);
    std::vector<MetricPoint> loss, accuracy;
    for (int s = 0; s < LossPoints; ++s)
        loss.push_back({s, T0 + s, lossAt(s)});
    for (int s = 0; s < 100; ++s)
        accuracy.push_back({s * 10, T0 + s, 0.5 + 0.004 * s});
    store.series().logMetrics(m_main, QStringLiteral("loss"), loss);
    store.series().logMetrics(m_main, QStringLiteral("accuracy"), accuracy);
    store.series().logMetric(m_main, QStringLiteral("lr"), {0, T0, 0.001});
    store.runs().addDatasetInput(m_main,
                                 {QStringLiteral("cifar10"), QStringLiteral("d1g3st"),
                                  QStringLiteral("local"), QStringLiteral("/data/cifar10"),
                                  QStringLiteral("{\"mlflow_colspec\": [{\"name\": \"label\"}]}"),
                                  QStringLiteral("{\"num_rows\": 50000}"), QStringLiteral("training")});
    // One artifact with its bytes in the store, one whose bytes went missing.
    ArtifactStore artifacts(m_db);
    const QString report = m_dir.filePath(QStringLiteral("report.txt"));
    {
        QFile f(report);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello artifact\n");
    }
    const ArtifactStore::Stored stored = artifacts.put(report);
    store.artifacts().addArtifact(m_main, {QStringLiteral("reports/report.txt"), stored.size, stored.sha256,
                                           QStringLiteral("text/plain"), T0, Lifecycle::Active});
    store.artifacts().addArtifact(
        m_main, {QStringLiteral("model/weights.bin"), 1 << 20, QString(64, QLatin1Char('e')),
                 QStringLiteral("application/octet-stream"), T0, Lifecycle::Active});

    m_childA = makeRun(store, QStringLiteral("child-a"), T0 + 2000, m_main);
    m_childB = makeRun(store, QStringLiteral("child-b"), T0 + 3000, m_main);
    m_empty = makeRun(store, QStringLiteral("empty-run"), T0 - 9000);
    m_victim = makeRun(store, QStringLiteral("victim"), T0 - 8000);
    store.runs().setTag(m_victim, QStringLiteral("team"), QStringLiteral("a"));
    m_trashed = makeRun(store, QStringLiteral("trashed"), T0 - 7000);
    store.runs().setRunLifecycle(m_trashed, Lifecycle::Deleted);
}

void TestRunPage::openWindow(MainWindow &window)
{
    window.resize(1500, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY(!window.isLoading());
}

void TestRunPage::showRunAndWait(MainWindow &window, const QString &id)
{
    window.showRun(id);
    QVERIFY(window.isLoading()); // nothing is read on the GUI thread
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(window.runPage()->runId(), id);
}

void TestRunPage::openedFromRunsTableShowsTheRun()
{
    MainWindow window(m_db);
    openWindow(window);
    QTableView *table = window.runsPage()->table();
    RunTableModel *runs = window.runsPage()->model();
    QVERIFY(test::fetchAll(runs));
    QCOMPARE(runs->totalCount(), qint64(66));
    QCOMPARE(runs->rowCount(), 63); // main-run and its two children are under sweep-parent
    QCOMPARE(rowWithText(runs, RunTableModel::NameColumn, QStringLiteral("main-run")), -1);
    const int row = expandToMainRun(table, runs);
    QVERIFY(row >= 0);
    QVERIFY(row >= 0);
    const QModelIndex cell = runs->index(row, RunTableModel::NameColumn);
    table->scrollTo(cell);
    doubleClick(table->viewport(), table->visualRect(cell).center());
    RunPage *page = window.runPage();
    QTRY_COMPARE(pagesOf(window)->currentWidget(), page);
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(page->runId(), m_main);

    // Header
    RunHeaderWidget *header = page->header();
    QCOMPARE(header->nameEdit()->text(), QStringLiteral("main-run"));
    QCOMPARE(header->badge()->status(), RunStatus::Failed);
    QCOMPARE(header->badge()->text(), QStringLiteral("FAILED"));
    QCOMPARE(header->idLabel()->text(), m_main);
    QVERIFY(header->idLabel()->textInteractionFlags() & Qt::TextSelectableByMouse);
    QTest::mouseClick(header->copyIdButton(), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), m_main);
    QCOMPARE(header->fieldText(QStringLiteral("experiment")), QStringLiteral("vision"));
    QCOMPARE(header->fieldText(QStringLiteral("parent")), QStringLiteral("sweep-parent"));
    QCOMPARE(header->fieldText(QStringLiteral("start")),
             QDateTime::fromMSecsSinceEpoch(T0).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(header->fieldText(QStringLiteral("duration")), QStringLiteral("1h 01m"));
    QCOMPARE(header->fieldText(QStringLiteral("user")), QStringLiteral("ana"));
    QCOMPARE(header->fieldText(QStringLiteral("source")), QStringLiteral("train.py (LOCAL)"));
    QCOMPARE(header->fieldText(QStringLiteral("commit")), QStringLiteral("0123456789ab"));
    QCOMPARE(header->fieldText(QStringLiteral("lifecycle")), QStringLiteral("Active"));
    QVERIFY(header->trashBanner()->isHidden());
    QVERIFY(!header->starButton()->isChecked());

    // Params: sorted by key, long values on one line with the whole text in the tooltip, a filter.
    const QAbstractItemModel *params = page->paramsView()->model();
    QCOMPARE(params->rowCount(), 15);
    QStringList keys;
    for (int r = 0; r < params->rowCount(); ++r)
        keys << params->index(r, RunParamsModel::KeyColumn).data().toString();
    QStringList sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(keys, sorted);
    const int lr = rowWithText(params, RunParamsModel::KeyColumn, QStringLiteral("lr"));
    QCOMPARE(params->index(lr, RunParamsModel::ValueColumn).data().toString(), QStringLiteral("0.001"));
    const QModelIndex longValue =
        params->index(rowWithText(params, RunParamsModel::KeyColumn, QStringLiteral("long_value")),
                      RunParamsModel::ValueColumn);
    QVERIFY(longValue.data().toString().startsWith(QStringLiteral("first line <b>not bold</b> ↵ xxx")));
    const QString tip = longValue.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("&lt;b&gt;not bold&lt;/b&gt;")), qPrintable(tip)); // shown as text
    QVERIFY(tip.contains(QString(600, QLatin1Char('x'))));
    QCOMPARE(longValue.data(FullTextRole).toString(), m_longValue);
    // Copy takes the whole value.
    page->paramsView()->setCurrentIndex(longValue);
    page->paramsView()->copyCellAction()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), m_longValue);
    auto *paramsPanel = qobject_cast<SectionPanel *>(page->paramsView()->parentWidget()->parentWidget());
    QVERIFY(paramsPanel);
    QLineEdit *filter = paramsPanel->filterField();
    QVERIFY(filter && filter->isVisible());
    QTest::keyClicks(filter, QStringLiteral("OPTIM"));
    QCOMPARE(params->rowCount(), 1);
    QCOMPARE(params->index(0, RunParamsModel::ValueColumn).data().toString(), QStringLiteral("adam"));
    filter->clear();
    QCOMPARE(params->rowCount(), 15);

    // Metrics: summaries and their curves.
    const QAbstractItemModel *metrics = page->metricsView()->model();
    QCOMPARE(metrics->rowCount(), 3);
    QCOMPARE(metrics->index(0, RunMetricsModel::KeyColumn).data().toString(), QStringLiteral("accuracy"));
    const int lossRow = rowWithText(metrics, RunMetricsModel::KeyColumn, QStringLiteral("loss"));
    QVERIFY(lossRow >= 0);
    const auto cellText = [&](int column) { return metrics->index(lossRow, column).data().toString(); };
    QCOMPARE(cellText(RunMetricsModel::LastColumn), QString::number(lossAt(999), 'g', 6));
    QCOMPARE(metrics->index(lossRow, RunMetricsModel::LastColumn).data(FullTextRole).toString(),
             text::formatNumber(lossAt(999))); // full precision for copying
    QCOMPARE(cellText(RunMetricsModel::MinColumn), QString::number(lossAt(999), 'g', 6));
    QCOMPARE(cellText(RunMetricsModel::MaxColumn), QStringLiteral("50"));
    QCOMPARE(cellText(RunMetricsModel::CountColumn), QStringLiteral("1000"));
    QCOMPARE(cellText(RunMetricsModel::LastStepColumn), QStringLiteral("999"));
    const QVariant curve = metrics->index(lossRow, RunMetricsModel::SparklineColumn).data(SparklineRole);
    QVERIFY(curve.canConvert<Sparkline>());
    QCOMPARE(curve.value<Sparkline>().steps.first, qint64(0));
    QCOMPARE(curve.value<Sparkline>().steps.last, qint64(999));

    // Tabs with counts; inputs with their schema in the tooltip.
    QTabWidget *tabs = page->tabs();
    QStringList titles;
    for (int i = 0; i < tabs->count(); ++i)
        titles << tabs->tabText(i);
    QCOMPARE(titles,
             (QStringList{QStringLiteral("Charts (3)"), QStringLiteral("Notes"), QStringLiteral("Tags (3)"),
                          QStringLiteral("Datasets (1)"), QStringLiteral("Artifacts (2)"),
                          QStringLiteral("Child Runs (2)"), QStringLiteral("Model Versions")}));
    const QAbstractItemModel *inputs = page->inputsView()->model();
    QCOMPARE(inputs->index(0, RunInputsModel::NameColumn).data().toString(), QStringLiteral("cifar10"));
    QCOMPARE(inputs->index(0, RunInputsModel::DigestColumn).data().toString(), QStringLiteral("d1g3st"));
    QCOMPARE(inputs->index(0, RunInputsModel::ContextColumn).data().toString(), QStringLiteral("training"));
    QCOMPARE(inputs->index(0, RunInputsModel::SourceTypeColumn).data().toString(), QStringLiteral("local"));
    QCOMPARE(inputs->index(0, RunInputsModel::SourceColumn).data().toString(),
             QStringLiteral("/data/cifar10"));
    const QString inputTip = inputs->index(0, RunInputsModel::NameColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(inputTip.contains(QStringLiteral("mlflow_colspec")) &&
                 inputTip.contains(QStringLiteral("50000")),
             qPrintable(inputTip));
    // Artifacts as a tree: folders (sorted by name) holding the files, sizes summed.
    const ArtifactTreeModel *artifacts = page->artifactsModel();
    QCOMPARE(artifacts->rowCount(), 2);
    QCOMPARE(artifacts->index(0, ArtifactTreeModel::NameColumn).data().toString(), QStringLiteral("model"));
    QCOMPARE(artifacts->index(0, ArtifactTreeModel::SizeColumn).data().toString(), QStringLiteral("1.0 MiB"));
    const QModelIndex report = artifacts->indexOfPath(QStringLiteral("reports/report.txt"));
    QCOMPARE(report.data().toString(), QStringLiteral("report.txt"));
    QCOMPARE(report.siblingAtColumn(ArtifactTreeModel::SizeColumn).data().toString(),
             QStringLiteral("15 bytes"));
    QCOMPARE(report.siblingAtColumn(ArtifactTreeModel::MediaTypeColumn).data().toString(),
             QStringLiteral("text/plain"));
    // Notes rendered from Markdown.
    QTextBrowser *notes = page->notes()->browser();
    QVERIFY(notes->isVisible());
    QVERIFY(notes->toPlainText().contains(QStringLiteral("Findings")));
    QVERIFY(notes->openExternalLinks());
}

void TestRunPage::backKeepsTableSelectionAndScroll()
{
    MainWindow window(m_db);
    openWindow(window);
    QTableView *table = window.runsPage()->table();
    RunTableModel *runs = window.runsPage()->model();
    QVERIFY(test::fetchAll(runs));
    QCOMPARE(runs->totalCount(), qint64(66));
    QCOMPARE(runs->rowCount(), 63); // main-run and its two children are under sweep-parent
    QCOMPARE(rowWithText(runs, RunTableModel::NameColumn, QStringLiteral("main-run")), -1);
    const int row = expandToMainRun(table, runs);
    QVERIFY(row >= 0);
    const QModelIndex cell = runs->index(row, RunTableModel::NameColumn);
    table->scrollTo(cell, QAbstractItemView::PositionAtCenter);
    const int scroll = table->verticalScrollBar()->value();
    QVERIFY(scroll > 0);
    QStackedWidget *pages = pagesOf(window);

    // Back button, Esc and Alt+Left each return to the table, which is as it was.
    for (const QString &how : {QStringLiteral("button"), QStringLiteral("esc"), QStringLiteral("alt-left")}) {
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(cell).center());
        QTest::keyClick(table, Qt::Key_Return); // Enter opens the row too
        QTRY_COMPARE(pages->currentWidget(), window.runPage());
        QTRY_VERIFY(!window.isLoading());
        QCOMPARE(window.runPage()->runId(), m_main);
        if (how == QLatin1String("button")) {
            QTest::mouseClick(window.runPage()->header()->backButton(), Qt::LeftButton);
        } else {
            QWidget *focus = QApplication::focusWidget();
            QVERIFY2(focus && (focus == window.runPage() || window.runPage()->isAncestorOf(focus)),
                     qPrintable(how));
            if (how == QLatin1String("esc"))
                QTest::keyClick(focus, Qt::Key_Escape);
            else
                QTest::keyClick(focus, Qt::Key_Left, Qt::AltModifier);
        }
        QTRY_COMPARE(pages->currentWidget(), window.runsPage());
        QCOMPARE(table->verticalScrollBar()->value(), scroll);
        const QModelIndexList selected = table->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first().row(), row);
        QVERIFY(table->hasFocus());
    }

    // Esc in a widget that uses it does not leave the page: the tag editor closes, the name edit is undone.
    window.showRun(m_main);
    QTRY_VERIFY(!window.isLoading());
    RunPage *page = window.runPage();
    QLineEdit *name = page->header()->nameEdit();
    name->setFocus();
    QTest::keyClicks(name, QStringLiteral("-draft"));
    QTest::keyClick(name, Qt::Key_Escape);
    QCOMPARE(pages->currentWidget(), page);
    QCOMPARE(name->text(), QStringLiteral("main-run"));
    QTest::keyClick(name, Qt::Key_Escape); // nothing left to undo: now it goes back
    QTRY_COMPARE(pages->currentWidget(), window.runsPage());
    // From a table of the page (not editing), Esc goes back too.
    window.showRun(m_main);
    QTRY_VERIFY(!window.isLoading());
    page->paramsView()->setFocus();
    QTest::keyClick(page->paramsView(), Qt::Key_Escape);
    QTRY_COMPARE(pages->currentWidget(), window.runsPage());
}

void TestRunPage::modelsStayConsistentAcrossRuns()
{
    MainWindow window(m_db);
    openWindow(window);
    RunPage *page = window.runPage();
    using Tester = QAbstractItemModelTester;
    const auto mode = Tester::FailureReportingMode::QtTest;
    Tester t1(page->metricsModel(), mode), t2(page->paramsModel(), mode), t3(page->tagsModel(), mode),
        t4(page->childrenModel(), mode), t5(page->inputsModel(), mode), t6(page->artifactsModel(), mode),
        t7(page->metricsView()->model(), mode), t8(page->paramsView()->model(), mode),
        t9(page->tagsView()->model(), mode);
    for (const QString &id :
         {m_main, m_childA, m_empty, QStringLiteral("ffffffffffffffffffffffffffffffff"), m_main}) {
        showRunAndWait(window, id);
        if (QTest::currentTestFailed())
            return;
    }
    auto *filter = qobject_cast<QSortFilterProxyModel *>(page->paramsView()->model());
    QVERIFY(filter);
    filter->setFilterFixedString(QStringLiteral("p0"));
    QCOMPARE(filter->rowCount(), 10);
    filter->setFilterFixedString({});
    QCOMPARE(page->childrenModel()->rowCount(), 2);
    QCOMPARE(page->childrenModel()->index(0, ChildRunsModel::NameColumn).data().toString(),
             QStringLiteral("child-a"));
    QCOMPARE(page->childrenModel()->index(0, 0).data(RunIdRole).toString(), m_childA);
    QCOMPARE(page->childrenModel()->index(1, ChildRunsModel::StatusColumn).data().toString(),
             QStringLiteral("FINISHED"));
}

void TestRunPage::staleAnswersAreDropped()
{
    MainWindow window(m_db);
    openWindow(window);
    RunPage *page = window.runPage();
    QSignalSpy resets(page->paramsModel(), &QAbstractItemModel::modelReset);
    QVERIFY(resets.isValid());
    // Three runs asked for at once: only the last one's answers are applied.
    page->showRun(m_main);
    page->showRun(m_childB);
    page->showRun(m_childA);
    QTRY_VERIFY(!page->isLoading());
    QCOMPARE(page->runId(), m_childA);
    QCOMPARE(page->currentRun()->id, m_childA);
    QCOMPARE(page->header()->nameEdit()->text(), QStringLiteral("child-a"));
    QCOMPARE(resets.count(), 1);
    QCOMPARE(page->metricsModel()->rowCount(), 0);
    QCOMPARE(page->header()->fieldText(QStringLiteral("parent")), QStringLiteral("main-run"));
}

void TestRunPage::editsTags()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_main);
    RunPage *page = window.runPage();
    // Rows come and go with the writes: the tester checks each change, on the model and its filter.
    QAbstractItemModelTester modelTester(page->tagsModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(page->tagsView()->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    page->tabs()->setCurrentWidget(page->tagsView()->parentWidget()->parentWidget());
    DetailTableView *view = page->tagsView();
    QTRY_VERIFY(view->isVisible());
    const QAbstractItemModel *tags = view->model();

    // Edit a value in place by typing.
    int row = rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("team"));
    QVERIFY(row >= 0);
    QModelIndex value = tags->index(row, RunTagsModel::ValueColumn);
    doubleClick(view->viewport(), view->visualRect(value).center());
    auto *editor = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    QVERIFY(editor);
    editor->selectAll();
    QTest::keyClicks(editor, QStringLiteral("research"));
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_COMPARE(tags->index(row, RunTagsModel::ValueColumn).data().toString(), QStringLiteral("research"));
    QTRY_VERIFY(!page->isBusy());
    {
        Store check(m_db);
        QCOMPARE(check.runs().run(m_main)->tags.value(QStringLiteral("team")), QStringLiteral("research"));
    }

    // Esc in the editor drops the edit and stays on the page.
    doubleClick(view->viewport(), view->visualRect(value).center());
    editor = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    QVERIFY(editor);
    QTest::keyClicks(editor, QStringLiteral("-typo"));
    QTest::keyClick(editor, Qt::Key_Escape);
    QTRY_VERIFY(view->hasFocus());
    QCOMPARE(pagesOf(window)->currentWidget(), page);
    QCOMPARE(tags->index(row, RunTagsModel::ValueColumn).data().toString(), QStringLiteral("research"));
    QVERIFY(!page->isBusy());

    // Add one.
    auto *key = page->findChild<QLineEdit *>(QStringLiteral("newTagKey"));
    auto *val = page->findChild<QLineEdit *>(QStringLiteral("newTagValue"));
    auto *add = page->findChild<QPushButton *>(QStringLiteral("addTag"));
    QVERIFY(key && val && add);
    QTest::keyClicks(key, QStringLiteral("reviewed"));
    QTest::keyClicks(val, QStringLiteral("by ben"));
    QTest::mouseClick(add, Qt::LeftButton);
    QTRY_VERIFY(rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("reviewed")) >= 0);
    QVERIFY(key->text().isEmpty());
    {
        Store check(m_db);
        QCOMPARE(check.runs().run(m_main)->tags.value(QStringLiteral("reviewed")), QStringLiteral("by ben"));
    }
    QCOMPARE(page->tabs()->tabText(2), QStringLiteral("Tags (4)"));
    // A key that exists is refused before anything is written.
    QTest::keyClicks(key, QStringLiteral("stage"));
    QTest::keyClicks(val, QStringLiteral("prod"));
    QTest::keyClick(val, Qt::Key_Return);
    QVERIFY2(page->message().contains(QStringLiteral("already has a tag 'stage'")),
             qPrintable(page->message()));
    QCOMPARE(key->text(), QStringLiteral("stage")); // kept, to be corrected
    key->clear();
    val->clear();

    // Delete one with the Del key, another with the button.
    row = rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("stage"));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(tags->index(row, RunTagsModel::KeyColumn)).center());
    QTest::keyClick(view, Qt::Key_Delete);
    QTRY_COMPARE(rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("stage")), -1);
    row = rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("reviewed"));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(tags->index(row, RunTagsModel::KeyColumn)).center());
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("removeTag")), Qt::LeftButton);
    QTRY_COMPARE(rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("reviewed")), -1);
    QTRY_VERIFY(!page->isBusy());
    {
        Store check(m_db);
        const auto run = check.runs().run(m_main);
        QVERIFY(!run->tags.contains(QStringLiteral("stage")));
        QVERIFY(!run->tags.contains(QStringLiteral("reviewed")));
    }

    // An MLflow system tag: editing mlflow.runName renames the run, and the header follows.
    row = rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("mlflow.runName"));
    QVERIFY(row >= 0);
    QVERIFY(view->model()->setData(tags->index(row, RunTagsModel::ValueColumn),
                                   QStringLiteral("renamed-by-tag")));
    QTRY_COMPARE(page->header()->nameEdit()->text(), QStringLiteral("renamed-by-tag"));
    QTRY_VERIFY(!page->isBusy() && !page->isLoading());
    {
        Store check(m_db);
        QCOMPARE(check.runs().run(m_main)->name, QStringLiteral("renamed-by-tag"));
        check.runs().setRunName(m_main, QStringLiteral("main-run")); // as the other tests expect
    }
}

void TestRunPage::failedTagWritesRevert()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_victim);
    RunPage *page = window.runPage();
    const QAbstractItemModel *tags = page->tagsView()->model();
    const int row = rowWithText(tags, RunTagsModel::KeyColumn, QStringLiteral("team"));
    QVERIFY(row >= 0);
    // A key the store refuses: the message says why, nothing is added.
    auto *key = page->findChild<QLineEdit *>(QStringLiteral("newTagKey"));
    key->setText(QString(300, QLatin1Char('k')));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("addTag")), Qt::LeftButton);
    QTRY_VERIFY2(page->message().contains(QStringLiteral("longer than 250")), qPrintable(page->message()));
    QCOMPARE(tags->rowCount(), 1);
    key->clear();

    // The run disappears behind the page's back (another program): the edit fails and the table keeps the
    // stored value; so does a delete.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("behind"));
        db.setDatabaseName(m_db);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys = ON")));
        QVERIFY(q.prepare(QStringLiteral("DELETE FROM runs WHERE id = ?")));
        q.addBindValue(m_victim);
        QVERIFY(q.exec());
        QCOMPARE(q.numRowsAffected(), 1);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("behind"));
    QVERIFY(
        page->tagsView()->model()->setData(tags->index(row, RunTagsModel::ValueColumn), QStringLiteral("b")));
    QCOMPARE(tags->index(row, RunTagsModel::ValueColumn).data(PendingRole).toBool(), true);
    QCOMPARE(tags->index(row, RunTagsModel::ValueColumn).data().toString(), QStringLiteral("a")); // not yet
    QTRY_VERIFY(!page->isBusy());
    QCOMPARE(tags->index(row, RunTagsModel::ValueColumn).data().toString(), QStringLiteral("a"));
    QCOMPARE(tags->index(row, RunTagsModel::ValueColumn).data(PendingRole).toBool(), false);
    QVERIFY2(page->message().contains(QStringLiteral("Could not set tag 'team'")) &&
                 page->message().contains(QStringLiteral("no run with id")),
             qPrintable(page->message()));
    page->tagsModel()->removeTags({QStringLiteral("team")});
    QTRY_VERIFY(!page->isBusy());
    QCOMPARE(tags->rowCount(), 1);
    QVERIFY2(page->message().contains(QStringLiteral("Could not delete tag 'team'")),
             qPrintable(page->message()));
}

void TestRunPage::editsNotes()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_childA);
    RunPage *page = window.runPage();
    RunNotesWidget *notes = page->notes();
    page->tabs()->setCurrentWidget(notes);
    QVERIFY(!notes->browser()->isVisible()); // no notes yet: a sentence says so
    QVERIFY(notes->findChild<QLabel *>(QStringLiteral("emptyState"))->isVisible());
    QTest::mouseClick(notes->editButton(), Qt::LeftButton);
    QVERIFY(notes->editor()->isVisible());
    QVERIFY(notes->editor()->hasFocus());
    QTest::keyClicks(notes->editor(), QStringLiteral("# Result"));
    QTest::keyClick(notes->editor(), Qt::Key_Return);
    QTest::keyClick(notes->editor(), Qt::Key_Return);
    QTest::keyClicks(notes->editor(),
                     QStringLiteral("Worse than **baseline**, see [the docs](https://example.com/docs)."));
    QTest::keyClick(notes->editor(), Qt::Key_Escape); // unsaved text is not thrown away by Esc
    QVERIFY(notes->isEditing());
    QCOMPARE(pagesOf(window)->currentWidget(), page);
    QTest::mouseClick(notes->saveButton(), Qt::LeftButton);
    QTRY_VERIFY(!notes->isEditing());
    const QString expected =
        QStringLiteral("# Result\n\nWorse than **baseline**, see [the docs](https://example.com/docs).");
    {
        Store check(m_db);
        const auto run = check.runs().run(m_childA);
        QCOMPARE(run->description, expected);
        QCOMPARE(run->tags.value(QString::fromLatin1(mlflowtag::Note)), expected); // what MLflow reads
    }
    QVERIFY(notes->browser()->isVisible());
    const QString rendered = notes->browser()->toPlainText();
    QVERIFY2(rendered.startsWith(QStringLiteral("Result\n")), qPrintable(rendered));
    QVERIFY(rendered.contains(QStringLiteral("Worse than baseline, see the docs.")));
    QVERIFY(notes->browser()->toHtml().contains(QStringLiteral("href=\"https://example.com/docs\"")));
    // The tag table shows the note tag the store wrote.
    const QAbstractItemModel *tags = page->tagsView()->model();
    const int row = rowWithText(tags, RunTagsModel::KeyColumn, QString::fromLatin1(mlflowtag::Note));
    QVERIFY(row >= 0);
    QCOMPARE(tags->index(row, RunTagsModel::ValueColumn).data(FullTextRole).toString(), expected);

    // Edit then Cancel changes nothing.
    QTest::mouseClick(notes->editButton(), Qt::LeftButton);
    QCOMPARE(notes->editor()->toPlainText(), expected);
    QTest::keyClicks(notes->editor(), QStringLiteral(" more"));
    QTest::mouseClick(notes->cancelButton(), Qt::LeftButton);
    QVERIFY(!notes->isEditing());
    QCOMPARE(notes->description(), expected);
    QTRY_VERIFY(!page->isBusy());
    Store check(m_db);
    QCOMPARE(check.runs().run(m_childA)->description, expected);
}

void TestRunPage::renamesAndStars()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_main);
    RunPage *page = window.runPage();
    QLineEdit *name = page->header()->nameEdit();
    name->setFocus();
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("main-run-v2"));
    QTest::keyClick(name, Qt::Key_Return);
    QTRY_VERIFY(!page->isBusy());
    const QAbstractItemModel *tags = page->tagsView()->model();
    const int row = rowWithText(tags, RunTagsModel::KeyColumn, QString::fromLatin1(mlflowtag::RunName));
    QCOMPARE(tags->index(row, RunTagsModel::ValueColumn).data().toString(), QStringLiteral("main-run-v2"));
    QTest::mouseClick(page->header()->starButton(), Qt::LeftButton);
    QTRY_VERIFY(!page->isBusy());
    QVERIFY(page->header()->starButton()->isChecked());
    {
        Store check(m_db);
        const auto run = check.runs().run(m_main);
        QCOMPARE(run->name, QStringLiteral("main-run-v2"));
        QCOMPARE(run->tags.value(QString::fromLatin1(mlflowtag::RunName)), QStringLiteral("main-run-v2"));
        QVERIFY(run->starred);
    }
    QTest::mouseClick(page->header()->starButton(), Qt::LeftButton);
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("main-run"));
    QTest::keyClick(name, Qt::Key_Return);
    QTRY_VERIFY(!page->isBusy());
    Store check(m_db);
    QCOMPARE(check.runs().run(m_main)->name, QStringLiteral("main-run"));
    QVERIFY(!check.runs().run(m_main)->starred);
}

void TestRunPage::navigatesToChildrenAndParent()
{
    MainWindow window(m_db);
    openWindow(window);
    QTableView *table = window.runsPage()->table();
    RunTableModel *runs = window.runsPage()->model();
    QVERIFY(test::fetchAll(runs));
    const int tableRow = expandToMainRun(table, runs);
    QVERIFY(tableRow >= 0);
    const QModelIndex cell = runs->index(tableRow, RunTableModel::NameColumn);
    table->scrollTo(cell);
    doubleClick(table->viewport(), table->visualRect(cell).center());
    QTRY_VERIFY(window.runPage()->isVisible());
    QTRY_VERIFY(!window.isLoading());
    RunPage *page = window.runPage();
    page->tabs()->setCurrentWidget(page->childrenView()->parentWidget()->parentWidget());
    DetailTableView *children = page->childrenView();
    QTRY_VERIFY(children->isVisible());
    QCOMPARE(children->model()->rowCount(), 2);
    QTest::mouseClick(children->viewport(), Qt::LeftButton, {},
                      children->visualRect(children->model()->index(1, ChildRunsModel::NameColumn)).center());
    QTRY_COMPARE(page->runId(), m_childB);
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(page->header()->nameEdit()->text(), QStringLiteral("child-b"));
    QCOMPARE(page->header()->fieldText(QStringLiteral("parent")), QStringLiteral("main-run"));
    QCOMPARE(page->header()->backButton()->text(), QStringLiteral("main-run"));
    // Back returns to the run the child was opened from, then to the table, as it was.
    QTest::mouseClick(page->header()->backButton(), Qt::LeftButton);
    QTRY_COMPARE(page->runId(), m_main);
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(page->header()->backButton()->text(), QStringLiteral("Runs"));
    // The parent link opens the parent.
    auto *parentLink = page->header()->findChild<QLabel *>(QStringLiteral("parent"));
    QVERIFY(parentLink->text().contains(QStringLiteral("run:") + m_parent));
    Q_EMIT parentLink->linkActivated(QStringLiteral("run:") + m_parent);
    QTRY_COMPARE(page->runId(), m_parent);
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(page->childrenModel()->rowCount(), 1);
    page->goBack();
    QTRY_COMPARE(page->runId(), m_main);
    page->goBack();
    QTRY_COMPARE(pagesOf(window)->currentWidget(), window.runsPage());
    QCOMPARE(table->selectionModel()->selectedRows().value(0).row(), tableRow);
}

void TestRunPage::missingRunShowsMessage()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, QStringLiteral("ffffffffffffffffffffffffffffffff"));
    RunPage *page = window.runPage();
    QVERIFY2(page->problem().contains(QStringLiteral("no run with id ffffffffffffffffffffffffffffffff")),
             qPrintable(page->problem()));
    QVERIFY(page->findChild<QLabel *>(QStringLiteral("runProblem"))->isVisible());
    QVERIFY(!page->currentRun());
    window.showRun(QStringLiteral("not-a-run"));
    QTRY_VERIFY(page->problem().contains(QStringLiteral("not a run id")));
    QTRY_VERIFY(!window.isLoading());
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("problemBack")), Qt::LeftButton);
    QTRY_COMPARE(pagesOf(window)->currentWidget(), window.runsPage());
    // A real run afterwards is shown normally again.
    showRunAndWait(window, m_childA);
    QVERIFY(page->problem().isEmpty());
    QCOMPARE(page->header()->nameEdit()->text(), QStringLiteral("child-a"));
}

void TestRunPage::emptySectionsSaySo()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_empty);
    RunPage *page = window.runPage();
    const auto panelOf = [](QWidget *view) {
        return qobject_cast<SectionPanel *>(view->parentWidget()->parentWidget());
    };
    const auto emptyText = [&](QWidget *view) {
        SectionPanel *panel = panelOf(view);
        return panel && panel->isEmptyShown() ? panel->emptyLabel()->text() : QString();
    };
    QCOMPARE(emptyText(page->metricsView()), QStringLiteral("No metrics logged"));
    QCOMPARE(emptyText(page->paramsView()), QStringLiteral("No params logged"));
    QCOMPARE(emptyText(page->tagsView()), QStringLiteral("No tags"));
    QCOMPARE(emptyText(page->inputsView()), QStringLiteral("No dataset inputs logged"));
    QCOMPARE(emptyText(page->artifactsView()), QStringLiteral("No artifacts stored for this run"));
    QCOMPARE(emptyText(page->childrenView()), QStringLiteral("No child runs"));
    QVERIFY(panelOf(page->metricsView())->emptyLabel()->isVisible());
    QVERIFY(!page->metricsView()->isVisible());
    QVERIFY(!panelOf(page->paramsView())->filterField()->isVisible()); // few rows: no filter
    QCOMPARE(page->header()->fieldText(QStringLiteral("parent")), QStringLiteral("—"));
    // Tags can still be added to an empty run; the empty state gives way to the table.
    page->tabs()->setCurrentWidget(panelOf(page->tagsView()));
    page->tagsModel()->addTag(QStringLiteral("first"), QStringLiteral("1"));
    QTRY_VERIFY(page->tagsView()->isVisible());
    QTRY_VERIFY(!page->isBusy());
    Store check(m_db);
    check.runs().deleteTag(m_empty, QStringLiteral("first"));
}

void TestRunPage::sparklineShowsSpikeAndNaN()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_main);
    RunPage *page = window.runPage();
    DetailTableView *view = page->metricsView();
    view->clearSelection();
    view->setCurrentIndex({});
    const QAbstractItemModel *metrics = view->model();
    const QModelIndex cell =
        metrics->index(rowWithText(metrics, RunMetricsModel::KeyColumn, QStringLiteral("loss")),
                       RunMetricsModel::SparklineColumn);
    QVERIFY(cell.data(SparklineRole).isValid());
    const QRect rect = view->visualRect(cell);
    QVERIFY(rect.width() > 100);
    const QImage image = view->viewport()->grab().toImage();
    const qreal dpr = image.devicePixelRatio();
    const auto differs = [](const QColor &a, const QColor &b) {
        return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue()) >
               90;
    };
    const auto pixel = [&](int x, int y) { return image.pixelColor(int(x * dpr), int(y * dpr)); };
    // Drawn pixels in the top quarter of the cell, by x: only around the spike's column.
    const QRectF area = QRectF(rect).adjusted(4, 3, -4, -4);
    const QColor background = pixel(rect.left() + 1, rect.top() + 1);
    const auto xOfStep = [&](int step) {
        return area.left() + (step * RunMetricsModel::SparklineWidth / LossPoints + 0.5) * area.width() /
                                 RunMetricsModel::SparklineWidth;
    };
    const int spikeX = int(xOfStep(SpikeStep));
    QList<int> topXs;
    for (int y = int(area.top()); y < int(area.top() + area.height() / 4); ++y) {
        for (int x = int(area.left()); x < int(area.right()); ++x) {
            if (differs(pixel(x, y), background))
                topXs << x;
        }
    }
    QVERIFY2(!topXs.isEmpty(), "the spike does not reach the top of the cell");
    for (int x : std::as_const(topXs))
        QVERIFY2(
            std::abs(x - spikeX) <= 3,
            qPrintable(QStringLiteral("drawn near the top at x=%1, the spike is at %2").arg(x).arg(spikeX)));
    // The NaN is marked at the bottom where it was logged.
    const int nanX = int(xOfStep(NanStep));
    bool nanMark = false;
    for (int y = int(area.bottom()) - 3; y <= int(area.bottom()) + 1; ++y) {
        for (int x = nanX - 3; x <= nanX + 3; ++x) {
            const QColor c = pixel(x, y);
            nanMark = nanMark || (c.red() > c.green() + 60 && c.red() > c.blue() + 60);
        }
    }
    QVERIFY(nanMark);

    // The delegate's drawing alone: the spike's pixels come from the data. Without the spike the top band
    // at its column stays empty; with it, it does not.
    const Sparkline real = cell.data(SparklineRole).value<Sparkline>();
    Sparkline clipped = real;
    for (M4Column &c : clipped.columns) {
        if (c.max > 1.0) // the spike's column: flattened to the values around it
            c.max = c.first = c.last = c.min;
    }
    const auto topBandAtSpike = [](const Sparkline &s) {
        QImage img(RunMetricsModel::SparklineWidth, 40, QImage::Format_ARGB32);
        img.fill(Qt::white);
        {
            QPainter p(&img);
            SparklineDelegate::paintSparkline(&p, QRectF(0, 0, img.width(), img.height()), s, Qt::black);
        }
        const int x0 = SpikeStep * RunMetricsModel::SparklineWidth / LossPoints;
        int dark = 0;
        for (int x = x0 - 2; x <= x0 + 2; ++x) {
            for (int y = 0; y < 10; ++y)
                dark += img.pixelColor(x, y).lightness() < 160 ? 1 : 0;
        }
        return dark;
    };
    QVERIFY(topBandAtSpike(real) > 0);
    QCOMPARE(topBandAtSpike(clipped), 0);
}

void TestRunPage::showDatasetsOpensTheDatasetsTab()
{
    // `--page run:ID/datasets` comes here.
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_main);
    RunPage *page = window.runPage();
    QVERIFY(!page->tabs()->tabText(page->tabs()->currentIndex()).startsWith(QStringLiteral("Datasets")));
    page->showDatasets();
    QTRY_VERIFY(page->inputsView()->isVisible());
    QCOMPARE(page->tabs()->tabText(page->tabs()->currentIndex()), QStringLiteral("Datasets (1)"));
    QCOMPARE(page->inputsView()->model()->rowCount(), 1);
    // Paths sharing a long start (data/SET/images, data/SET/masks) keep the ends that tell them apart.
    QCOMPARE(page->inputsView()->textElideMode(), Qt::ElideMiddle);
}

void TestRunPage::artifactsOpenAndSave()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_main);
    RunPage *page = window.runPage();
    QList<QUrl> opened;
    page->setUrlOpener([&opened](const QUrl &url) {
        opened << url;
        return true;
    });
    page->showArtifacts();
    QTreeView *view = page->artifactsView();
    QTRY_VERIFY(view->isVisible());
    const QString path = QStringLiteral("reports/report.txt");
    const QModelIndex index = page->artifactsModel()->indexOfPath(path);
    QVERIFY(index.isValid());
    view->scrollTo(index);
    doubleClick(view->viewport(), view->visualRect(index).center());
    QTRY_COMPARE(opened.size(), 1);
    const QString file = opened.first().toLocalFile();
    QCOMPARE(QFileInfo(file).fileName(), QStringLiteral("report.txt")); // named like the artifact
    QVERIFY2(file.startsWith(m_dir.filePath(QStringLiteral("cache"))), qPrintable(file));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("hello artifact\n"));
    // Opened again: the copy is reused.
    ArtifactBrowser *browser = page->artifactBrowser();
    browser->openArtifact(path);
    QCOMPARE(opened.size(), 2);
    QCOMPARE(opened.last().toLocalFile(), file);
    // Saved elsewhere.
    const QString target = m_dir.filePath(QStringLiteral("saved/out.txt"));
    browser->saveCopy(path, target);
    QTRY_VERIFY(QFileInfo::exists(target));
    QTRY_VERIFY(!page->isBusy());
    QFile saved(target);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), QByteArray("hello artifact\n"));
    // Bytes missing from the store: a clear message, nothing opened.
    browser->openArtifact(QStringLiteral("model/weights.bin"));
    QTRY_VERIFY(!page->isBusy());
    QVERIFY2(page->message().contains(QStringLiteral("missing from the artifact store")),
             qPrintable(page->message()));
    QCOMPARE(opened.size(), 2);
}

void TestRunPage::trashedRunIsMarked()
{
    MainWindow window(m_db);
    openWindow(window);
    showRunAndWait(window, m_trashed);
    RunHeaderWidget *header = window.runPage()->header();
    QVERIFY(header->trashBanner()->isVisible());
    QVERIFY(header->trashBanner()->text().contains(QStringLiteral("in the trash")));
    QVERIFY(header->fieldText(QStringLiteral("lifecycle")).startsWith(QStringLiteral("In the trash since ")));
}

void TestRunPage::readableInDarkPalette()
{
    // Badges: white text on every fill at WCAG AA contrast, whatever the palette.
    for (RunStatus s : {RunStatus::Running, RunStatus::Scheduled, RunStatus::Finished, RunStatus::Failed,
                        RunStatus::Killed})
        QVERIFY2(contrast(StatusBadge::fillColor(s), StatusBadge::textColor()) >= 4.5,
                 qPrintable(runStatusName(s)));

    const QPalette light = QApplication::palette();
    const QString shots = qEnvironmentVariable("RUNLENS_SCREENSHOT_DIR");
    for (const QPalette &palette : {light, darkPalette()}) {
        QApplication::setPalette(palette);
        MainWindow window(m_db);
        openWindow(window);
        showRunAndWait(window, m_trashed);
        RunHeaderWidget *header = window.runPage()->header();
        QLabel *banner = header->trashBanner();
        QVERIFY(contrast(banner->palette().color(QPalette::Window),
                         banner->palette().color(QPalette::WindowText)) >= 4.5);
        showRunAndWait(window, m_main);
        DetailTableView *metrics = window.runPage()->metricsView();
        const QColor line = SparklineDelegate::lineColor(metrics->palette(), false);
        QVERIFY(contrast(line, metrics->palette().color(QPalette::Base)) >= 2.5);
        QVERIFY(contrast(line, metrics->palette().color(QPalette::AlternateBase)) >= 2.5);
        // The name is drawn in the palette's text colour straight on the window.
        QLineEdit *name = header->nameEdit();
        QVERIFY(contrast(name->palette().color(QPalette::Text), header->palette().color(QPalette::Window)) >=
                4.5);
        if (!shots.isEmpty()) {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // as the event loop would
            const bool dark = palette.color(QPalette::Window).lightness() < 128;
            const QString prefix = dark ? QStringLiteral("runpage-dark") : QStringLiteral("runpage-light");
            window.grab().save(QDir(shots).filePath(prefix + QStringLiteral(".png")));
            QTabWidget *tabs = window.runPage()->tabs();
            for (int i = 0; i < tabs->count(); ++i) {
                tabs->setCurrentIndex(i);
                QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000); // the charts drawn
                QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
                tabs->grab().save(QDir(shots).filePath(prefix + QStringLiteral("-tab%1.png").arg(i)));
            }
            tabs->setCurrentIndex(1); // the notes, where it opened
        }
    }
    QApplication::setPalette(light);
}

void TestRunPage::importedMlflowRun()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("src"));
    QVERIFY(test::copyTree(Fixtures + QStringLiteral("/mlflow-file"), source));
    QFile truthFile(source + QStringLiteral("/ground_truth.json"));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonObject truth = QJsonDocument::fromJson(truthFile.readAll()).object();
    const QString db = dir.filePath(QStringLiteral("imported.db"));
    {
        Store store(db);
        const import::ImportReport report =
            import::importPaths(store, {source + QStringLiteral("/mlruns")}, import::Format::Auto, {});
        QVERIFY2(report.failedRuns.isEmpty(), qPrintable(report.failedRuns.join(QLatin1Char('\n'))));
        QCOMPARE(report.runsAdded, 12);
    }
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &v : truth.value(QStringLiteral("runs")).toArray())
        byName.insert(v.toObject().value(QStringLiteral("name")).toString(), v.toObject());

    MainWindow window(db);
    openWindow(window);
    RunPage *page = window.runPage();
    const QJsonObject run00 = byName.value(QStringLiteral("run-00"));
    showRunAndWait(window, run00.value(QStringLiteral("run_id")).toString());
    RunHeaderWidget *header = page->header();
    QCOMPARE(header->nameEdit()->text(), QStringLiteral("run-00"));
    QCOMPARE(header->badge()->text(), run00.value(QStringLiteral("status")).toString());
    QCOMPARE(header->fieldText(QStringLiteral("user")), QStringLiteral("root"));
    QCOMPARE(header->fieldText(QStringLiteral("experiment")), QStringLiteral("image-classification"));
    QCOMPARE(header->fieldText(QStringLiteral("start")),
             QDateTime::fromMSecsSinceEpoch(1795376546169).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(header->fieldText(QStringLiteral("duration")), QStringLiteral("62 ms"));
    // Params exactly as MLflow holds them.
    const QJsonObject params = run00.value(QStringLiteral("params")).toObject();
    const QAbstractItemModel *shown = page->paramsView()->model();
    QCOMPARE(shown->rowCount(), params.size());
    for (auto it = params.begin(); it != params.end(); ++it) {
        const int r = rowWithText(shown, RunParamsModel::KeyColumn, it.key());
        QVERIFY2(r >= 0, qPrintable(it.key()));
        QCOMPARE(shown->index(r, RunParamsModel::ValueColumn).data().toString(), it->toString());
    }
    // Tags, with the system tags and the note MLflow wrote as a tag, rendered as the notes.
    const QMap<QString, QString> tags = page->tagsModel()->tags();
    QCOMPARE(tags.value(QStringLiteral("model_family")), QStringLiteral("cnn"));
    QCOMPARE(tags.value(QStringLiteral("mlflow.source.type")), QStringLiteral("LOCAL"));
    QCOMPARE(tags.value(QStringLiteral("mlflow.note.content")), QStringLiteral("Run 0 description"));
    QCOMPARE(page->notes()->browser()->toPlainText(), QStringLiteral("Run 0 description"));
    // Metrics: the four keys, their points adding up to what MLflow counted.
    RunMetricsModel *metrics = page->metricsModel();
    QCOMPARE(metrics->keys(), (QStringList{QStringLiteral("accuracy"), QStringLiteral("loss"),
                                           QStringLiteral("lr"), QStringLiteral("val_loss")}));
    qint64 points = 0;
    for (int r = 0; r < metrics->rowCount(); ++r)
        points += metrics->index(r, RunMetricsModel::CountColumn).data(SortValueRole).toLongLong();
    QCOMPARE(points, qint64(run00.value(QStringLiteral("n_metric_points")).toInt()));
    // The dataset input MLflow logged (log_input, context "training").
    const QAbstractItemModel *inputs = page->inputsView()->model();
    QCOMPARE(inputs->rowCount(), 1);
    QCOMPARE(inputs->index(0, RunInputsModel::ContextColumn).data().toString(), QStringLiteral("training"));
    QVERIFY(!inputs->index(0, RunInputsModel::NameColumn).data().toString().isEmpty());
    // Every artifact file of the run, by its relative path.
    QStringList expected;
    const QString artifactsDir = source + QStringLiteral("/mlruns/346757139775306384/") +
                                 run00.value(QStringLiteral("run_id")).toString() +
                                 QStringLiteral("/artifacts");
    QDirIterator files(artifactsDir, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext())
        expected << QDir(artifactsDir).relativeFilePath(files.next());
    expected.sort();
    QStringList listed;
    for (const Artifact &a : page->artifactsModel()->artifacts())
        listed << a.path;
    QCOMPARE(listed, expected);

    // run-01 logged a NaN loss at step 10: its curve knows where.
    const QJsonObject run01 = byName.value(QStringLiteral("run-01"));
    showRunAndWait(window, run01.value(QStringLiteral("run_id")).toString());
    const QModelIndex loss = metrics->index(int(metrics->keys().indexOf(QStringLiteral("loss"))),
                                            RunMetricsModel::SparklineColumn);
    const Sparkline curve = loss.data(SparklineRole).value<Sparkline>();
    qint64 nans = 0;
    for (const M4Column &c : curve.columns)
        nans += c.nanCount;
    QCOMPARE(nans, qint64(1));
    QCOMPARE(metrics->index(loss.row(), RunMetricsModel::CountColumn).data(SortValueRole).toLongLong(),
             qint64(truth.value(QStringLiteral("check_nan_history_len")).toInt()));

    // Nesting: run-03's parent is run-02, which lists it as its child.
    const QJsonObject run03 = byName.value(QStringLiteral("run-03"));
    showRunAndWait(window, run03.value(QStringLiteral("run_id")).toString());
    QCOMPARE(header->fieldText(QStringLiteral("parent")), QStringLiteral("run-02"));
    showRunAndWait(window, run03.value(QStringLiteral("parent_run_id")).toString());
    QCOMPARE(page->childrenModel()->rowCount(), 1);
    QCOMPARE(page->childrenModel()->index(0, 0).data(RunIdRole).toString(),
             run03.value(QStringLiteral("run_id")).toString());

    // The deleted run is shown as such.
    showRunAndWait(window, truth.value(QStringLiteral("deleted_run_id")).toString());
    QVERIFY(header->trashBanner()->isVisible());
}

void TestRunPage::metricsOfALiveRunUpdateInPlace()
{
    RunMetricsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    MetricSummary loss;
    loss.last = 0.5;
    loss.count = 10;
    QMap<QString, MetricSummary> metrics{{QStringLiteral("acc"), loss}, {QStringLiteral("loss"), loss}};
    model.setMetrics(metrics);
    Sparkline curve;
    curve.width = 4;
    curve.columns.push_back(M4Column{});
    model.setSparklines({{QStringLiteral("loss"), curve}});
    const QPersistentModelIndex lossRow(model.index(1, RunMetricsModel::KeyColumn));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QVERIFY(resets.isValid());
    metrics[QStringLiteral("loss")].last = 0.25;
    metrics[QStringLiteral("loss")].count = 11;
    model.setMetrics(metrics); // a live tick: same keys, new values
    QCOMPARE(resets.count(), 0);
    QVERIFY(lossRow.isValid());
    QCOMPARE(model.index(1, RunMetricsModel::LastColumn).data(SortValueRole).toDouble(), 0.25);
    QVERIFY(
        model.index(1, RunMetricsModel::SparklineColumn).data(SparklineRole).isValid()); // kept until redrawn
    metrics.insert(QStringLiteral("lr"), loss);                                          // a new key: rebuilt
    model.setMetrics(metrics);
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.rowCount(), 3);
}

// Star and Save just before the window is deleted: both reach the database. Another process holds the
// write lock meanwhile, so the star waits in SQLite and the notes are still queued when the page goes.
void TestRunPage::writesOutliveTheWindow()
{
    QString id;
    {
        Store store(m_db);
        id = makeRun(store, QStringLiteral("closing"), T0 - 6000);
    }
    auto window = std::make_unique<MainWindow>(m_db);
    openWindow(*window);
    showRunAndWait(*window, id);
    RunPage *page = window->runPage();
    RunNotesWidget *notes = page->notes();
    page->tabs()->setCurrentWidget(notes);
    QTest::mouseClick(notes->editButton(), Qt::LeftButton);
    QTest::keyClicks(notes->editor(), QStringLiteral("saved as the window closed"));
    test::WriteLockHolder lock(m_db);
    QVERIFY(lock.isLocked());
    QTest::mouseClick(page->header()->starButton(), Qt::LeftButton);
    QTest::mouseClick(notes->saveButton(), Qt::LeftButton);
    QVERIFY(page->isBusy());
    QObject::connect(page, &QObject::destroyed, [&lock] { lock.release(); });
    window.reset();
    Store check(m_db);
    const auto run = check.runs().run(id);
    QVERIFY(run->starred);
    QCOMPARE(run->description, QStringLiteral("saved as the window closed"));
}

// Notes being edited are not lost silently: closing the window or opening another database asks, and
// Cancel, Discard and Save do what they say.
void TestRunPage::unsavedNotesAreAskedAbout()
{
    QString id;
    {
        Store store(m_db);
        id = makeRun(store, QStringLiteral("unsaved"), T0 - 6500);
    }
    const QString other = m_dir.filePath(QStringLiteral("other.db"));
    const auto startEditing = [&](MainWindow &window, const QString &text) {
        showRunAndWait(window, id);
        RunNotesWidget *notes = window.runPage()->notes();
        window.runPage()->tabs()->setCurrentWidget(notes);
        QTest::mouseClick(notes->editButton(), Qt::LeftButton);
        QTest::keyClicks(notes->editor(), text);
        QVERIFY(notes->hasUnsavedChanges());
    };
    {
        MainWindow window(m_db);
        openWindow(window);
        startEditing(window, QStringLiteral("typed, then thrown away"));
        answerNextQuestion(QMessageBox::Cancel);
        QVERIFY(!window.close());
        QVERIFY(window.isVisible());
        QVERIFY(window.runPage()->notes()->hasUnsavedChanges());
        answerNextQuestion(QMessageBox::Cancel);
        QVERIFY(!window.openDatabase(other));
        QCOMPARE(window.databasePath(), QFileInfo(m_db).absoluteFilePath());
        answerNextQuestion(QMessageBox::Discard);
        QVERIFY(window.openDatabase(other));
        QCOMPARE(window.databasePath(), QFileInfo(other).absoluteFilePath());
        QTRY_VERIFY(!window.isLoading());
    }
    QCOMPARE(Store(m_db).runs().run(id)->description, QString());
    {
        MainWindow window(m_db);
        openWindow(window);
        startEditing(window, QStringLiteral("saved on the way out"));
        answerNextQuestion(QMessageBox::Save);
        QVERIFY(window.close());
    }
    QCOMPARE(Store(m_db).runs().run(id)->description, QStringLiteral("saved on the way out"));
}

// System metrics (system/...) are not mixed into the run's metrics: they have their own System section below,
// with their curves, shown only for a run that has some.
void TestRunPage::systemMetricsInTheirOwnSection()
{
    const QString db = m_dir.filePath(QStringLiteral("system.db"));
    QString sampled, plain;
    {
        Store store(db);
        sampled = makeRun(store, QStringLiteral("sampled"), T0);
        plain = makeRun(store, QStringLiteral("plain"), T0 + 1000);
        std::vector<MetricPoint> loss, cpu;
        for (int s = 0; s < 100; ++s)
            loss.push_back({s, T0 + s * 100, 1.0 / (s + 1)});
        for (int s = 0; s < 12; ++s)
            cpu.push_back({s, T0 + s * 10'000, s == 6 ? 97.0 : 20.0});
        for (const QString &id : {sampled, plain})
            store.series().logMetrics(id, QStringLiteral("loss"), loss);
        store.series().logMetrics(sampled, QStringLiteral("accuracy"), loss);
        store.series().logMetrics(sampled, QStringLiteral("system/cpu_utilization_percentage"), cpu);
        store.series().logMetrics(sampled, QStringLiteral("system/system_memory_usage_megabytes"), cpu);
        store.series().logMetrics(sampled, QStringLiteral("system/gpu_0_utilization_percentage"), cpu);
    }
    MainWindow window(db);
    openWindow(window);
    showRunAndWait(window, sampled);
    RunPage *page = window.runPage();
    QCOMPARE(page->metricsModel()->keys(), (QStringList{QStringLiteral("accuracy"), QStringLiteral("loss")}));
    QCOMPARE(page->systemMetricsModel()->keys(),
             (QStringList{QStringLiteral("system/cpu_utilization_percentage"),
                          QStringLiteral("system/gpu_0_utilization_percentage"),
                          QStringLiteral("system/system_memory_usage_megabytes")}));
    QVERIFY(page->systemPanel()->isVisible());
    QVERIFY(page->systemMetricsView()->isVisible());
    QCOMPARE(page->systemPanel()->count(), 3);
    // Below the run's metrics, at full width of the same column.
    QWidget *metricsPanel = page->metricsView()->parentWidget()->parentWidget();
    QCOMPARE(page->systemPanel()->parentWidget(), metricsPanel->parentWidget());
    QVERIFY(page->systemPanel()->y() > metricsPanel->y() + metricsPanel->height() - 1);
    QVERIFY(page->systemPanel()->height() > 80);
    // Their curves, as the run's metrics have theirs (the spike at sample 6 included).
    const QAbstractItemModel *shown = page->systemMetricsView()->model();
    QCOMPARE(shown->rowCount(), 3);
    // Under its System title a key is shown without "system/"; the tooltip and the model keep it whole.
    QVERIFY(rowWithText(shown, RunMetricsModel::KeyColumn, QStringLiteral("cpu_utilization_percentage")) >=
            0);
    QVERIFY(shown->index(0, RunMetricsModel::KeyColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("system/cpu_utilization_percentage")));
    QCOMPARE(shown->index(0, RunMetricsModel::KeyColumn).data().toString(),
             QStringLiteral("cpu_utilization_percentage"));
    const QModelIndex cpu = shown->index(
        rowWithText(shown, RunMetricsModel::KeyColumn, QStringLiteral("system/cpu_utilization_percentage")),
        RunMetricsModel::SparklineColumn);
    QTRY_VERIFY(cpu.data(SparklineRole).isValid());
    const Sparkline line = cpu.data(SparklineRole).value<Sparkline>();
    double top = 0;
    for (const M4Column &c : line.columns)
        top = std::max(top, c.max);
    QCOMPARE(top, 97.0);
    QCOMPARE(shown
                 ->index(rowWithText(shown, RunMetricsModel::KeyColumn,
                                     QStringLiteral("system/cpu_utilization_percentage")),
                         RunMetricsModel::CountColumn)
                 .data(SortValueRole)
                 .toLongLong(),
             12);

    // A run without system metrics: no System section at all.
    showRunAndWait(window, plain);
    QCOMPARE(page->metricsModel()->keys(), (QStringList{QStringLiteral("loss")}));
    QCOMPARE(page->systemMetricsModel()->rowCount(), 0);
    QVERIFY(!page->systemPanel()->isVisible());
    QVERIFY(page->metricsView()->isVisible());
    showRunAndWait(window, sampled);
    QTRY_VERIFY(page->systemPanel()->isVisible());
}

namespace {

// A run with metrics in several sections and system metrics, in a database of its own.
QString chartsDatabase(const QString &db, QString *emptyRun = nullptr)
{
    Store store(db);
    NewRun init;
    init.experimentId = store.runs().ensureExperiment(QStringLiteral("charts"));
    init.name = QStringLiteral("charted");
    init.startMs = T0;
    init.status = RunStatus::Finished;
    init.endMs = T0 + 600'000;
    const QString id = store.runs().createRun(init).id;
    std::vector<MetricPoint> points, cpu;
    for (int s = 0; s < 200; ++s)
        points.push_back({s, T0 + s * 1000, 1.0 / (s + 1)});
    for (int s = 0; s < 12; ++s)
        cpu.push_back({s, T0 + s * 10'000, s == 6 ? 97.0 : 20.0});
    for (const char *key :
         {"loss", "accuracy", "lr", "train/loss", "train/acc", "val/loss", "val/acc", "val/f1", "zeta/last"})
        store.series().logMetrics(id, QString::fromLatin1(key), points);
    store.series().logMetrics(id, QStringLiteral("system/cpu_utilization_percentage"), cpu);
    store.series().logMetrics(id, QStringLiteral("system/gpu_0_utilization_percentage"), cpu);
    if (emptyRun) {
        init.name = QStringLiteral("no-metrics");
        init.startMs = T0 + 1000;
        *emptyRun = store.runs().createRun(init).id;
    }
    return id;
}

} // namespace

// The Charts tab: one chart per metric key of the run, from the Compare page's charts, the run's own in
// their "/" sections and the system metrics in a System section last; read only once the tab is shown.
void TestRunPage::chartsTabDrawsEveryMetric()
{
    const QString db = m_dir.filePath(QStringLiteral("charts.db"));
    const QString id = chartsDatabase(db);
    QString other;
    {
        Store store(db);
        NewRun init;
        init.experimentId = store.runs().ensureExperiment(QStringLiteral("charts"));
        init.name = QStringLiteral("other");
        init.status = RunStatus::Finished;
        init.startMs = T0 + 5000;
        other = store.runs().createRun(init).id;
        store.series().logMetric(other, QStringLiteral("only/key"), {0, T0, 1.0});
    }
    MainWindow window(db);
    openWindow(window);
    showRunAndWait(window, id);
    RunPage *page = window.runPage();
    // Lazy: no chart (and no chart reader) until the tab is shown.
    QVERIFY(!page->chartsTab());
    QVERIFY(page->findChildren<MetricChart *>().isEmpty());
    QCOMPARE(page->tabs()->tabText(0), QStringLiteral("Charts (11)"));
    QVERIFY(page->tabs()->currentIndex() != 0);

    ChartsTab *charts = openCharts(window);
    QVERIFY(charts);
    QVERIFY(charts->isVisible());
    const QStringList expected{QStringLiteral("accuracy"),
                               QStringLiteral("loss"),
                               QStringLiteral("lr"),
                               QStringLiteral("train/acc"),
                               QStringLiteral("train/loss"),
                               QStringLiteral("val/acc"),
                               QStringLiteral("val/f1"),
                               QStringLiteral("val/loss"),
                               QStringLiteral("zeta/last"),
                               QStringLiteral("system/cpu_utilization_percentage"),
                               QStringLiteral("system/gpu_0_utilization_percentage")};
    QCOMPARE(chartKeys(charts), expected);
    // Each chart drew this run's points: all 200 of a metric, all 12 samples of a system metric.
    for (MetricChart *c : charts->charts()) {
        QCOMPARE(c->data().series.size(), size_t(1));
        QCOMPARE(c->data().series[0].runId, id);
        QCOMPARE(c->data().series[0].points,
                 qint64(c->key().startsWith(QLatin1String("system/")) ? 12 : 200));
    }
    // Sections as in Compare, the System section below every other.
    const auto sectionY = [charts](const QString &name) {
        auto *toggle = charts->findChild<QToolButton *>(QStringLiteral("section:") + name);
        return toggle ? toggle->mapTo(charts, QPoint(0, 0)).y() : -1;
    };
    QVERIFY(sectionY(QString()) >= 0);
    QVERIFY(sectionY(QStringLiteral("train")) > sectionY(QString()));
    QVERIFY(sectionY(QStringLiteral("zeta")) > sectionY(QStringLiteral("val")));
    QVERIFY(sectionY(QStringLiteral("system")) > sectionY(QStringLiteral("zeta")));
    QVERIFY(charts->chart(QStringLiteral("system/cpu_utilization_percentage"))->mapTo(charts, QPoint()).y() >
            charts->chart(QStringLiteral("zeta/last"))->mapTo(charts, QPoint()).y());
    // One run: no legend of runs and no grouping; the chart tools are those of Compare.
    QVERIFY(!charts->findChild<QWidget *>(QStringLiteral("compareLegend"))->isVisible());
    QVERIFY(!charts->findChild<QWidget *>(QStringLiteral("groupBy"))->isVisible());
    QVERIFY(charts->findChild<QWidget *>(QStringLiteral("xAxis"))->isVisible());
    QVERIFY(charts->findChild<QWidget *>(QStringLiteral("smoothing"))->isVisible());
    QVERIFY(charts->findChild<QWidget *>(QStringLiteral("exportCharts"))->isVisible());
    // Its picture: the grid exports as Compare's does.
    QString error;
    const QString png = m_dir.filePath(QStringLiteral("run-charts.png"));
    QVERIFY2(charts->exportGrid(png, 1.0, &error), qPrintable(error));
    QVERIFY(!QImage(png).isNull());

    // Another run shown with the tab open: its charts replace these.
    showRunAndWait(window, other);
    QTRY_COMPARE(chartKeys(page->chartsTab()), QStringList{QStringLiteral("only/key")});
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(page->chartsTab()->charts().first()->data().series[0].runId, other);
}

// Double-click or Enter on a metric of the run (its own or a system one) shows its chart in the Charts tab,
// scrolled into view and framed for a moment.
void TestRunPage::activatingAMetricOpensItsChart()
{
    const QString db = m_dir.filePath(QStringLiteral("activate.db"));
    const QString id = chartsDatabase(db);
    MainWindow window(db);
    window.resize(1200, 700);
    openWindow(window);
    window.resize(1200, 700);
    showRunAndWait(window, id);
    RunPage *page = window.runPage();
    QTableView *metrics = page->metricsView();
    const QAbstractItemModel *shown = metrics->model();
    const int row = rowWithText(shown, RunMetricsModel::KeyColumn, QStringLiteral("zeta/last"));
    QVERIFY(row >= 0);
    const QModelIndex cell = shown->index(row, RunMetricsModel::LastColumn);
    metrics->scrollTo(cell);
    doubleClick(metrics->viewport(), metrics->visualRect(cell).center());
    QCOMPARE(page->tabs()->currentIndex(), 0);
    QVERIFY(page->chartsTab());
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    MetricChart *chart = page->chartsTab()->chart(QStringLiteral("zeta/last"));
    QVERIFY(chart);
    QTRY_VERIFY(inView(chart));
    QTRY_VERIFY(chart->findChild<QWidget *>(QStringLiteral("chartHighlight")));
    QVERIFY(chart->findChild<QWidget *>(QStringLiteral("chartHighlight"))->isVisible());
    // The frame goes after a moment.
    QTRY_VERIFY_WITH_TIMEOUT(!chart->findChild<QWidget *>(QStringLiteral("chartHighlight")), 4000);
    // The first chart is out of view now: the grid was scrolled to this one.
    QVERIFY(!inView(page->chartsTab()->charts().first()));

    // Enter on a system metric: its chart, at the bottom of the grid, hidden by the key filter before.
    page->chartsTab()->setKeyFilter(QStringLiteral("^loss$"));
    QTRY_COMPARE(page->chartsTab()->charts().size(), 1);
    page->tabs()->setCurrentIndex(1);
    QTableView *system = page->systemMetricsView();
    const int gpu = rowWithText(system->model(), RunMetricsModel::KeyColumn,
                                QStringLiteral("system/gpu_0_utilization_percentage"));
    QVERIFY(gpu >= 0);
    system->setFocus();
    system->setCurrentIndex(system->model()->index(gpu, RunMetricsModel::KeyColumn));
    QTest::keyClick(system, Qt::Key_Return);
    QCOMPARE(page->tabs()->currentIndex(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    MetricChart *gpuChart = page->chartsTab()->chart(QStringLiteral("system/gpu_0_utilization_percentage"));
    QVERIFY(gpuChart);
    QCOMPARE(page->chartsTab()->charts().size(), 11);
    QTRY_VERIFY(inView(gpuChart));
    QTRY_VERIFY(gpuChart->findChild<QWidget *>(QStringLiteral("chartHighlight")));
}

// Ctrl+M on a run page opens its charts; the window's Compare item, which holds the key, is enabled there.
void TestRunPage::ctrlMOpensTheCharts()
{
    const QString db = m_dir.filePath(QStringLiteral("ctrlm.db"));
    const QString id = chartsDatabase(db);
    MainWindow window(db);
    openWindow(window);
    showRunAndWait(window, id);
    RunPage *page = window.runPage();
    QVERIFY(page->tabs()->currentIndex() != 0);
    page->paramsView()->setFocus();
    QTest::keyClick(page->paramsView(), Qt::Key_M, Qt::ControlModifier);
    QCOMPARE(page->tabs()->currentIndex(), 0);
    QVERIFY(page->chartsTab());
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    QCOMPARE(page->chartsTab()->charts().size(), 11);
    QVERIFY(window.compareAction()->isEnabled());
    QCOMPARE(window.compareAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_M));
    // From the menu too, with another tab shown: the page stays, the Charts tab comes up.
    page->tabs()->setCurrentIndex(1);
    window.compareAction()->trigger();
    QCOMPARE(page->tabs()->currentIndex(), 0);
    QCOMPARE(pagesOf(window)->currentWidget(), page);
}

// A RUNNING run's charts grow while another process (`runlens log`) logs into it, reading only what is new;
// a key logged for the first time gets its chart. While the tab is hidden nothing is read; on its showing the
// charts catch up.
void TestRunPage::chartsOfARunningRunGrow()
{
    const QString db = m_dir.filePath(QStringLiteral("live.db"));
    const QString live =
        runCli(db, {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("live"),
                    QStringLiteral("--name"), QStringLiteral("training"), QStringLiteral("--metric"),
                    QStringLiteral("loss=2"), QStringLiteral("--step"), QStringLiteral("0")});
    QVERIFY(isValidRunId(live));
    QCOMPARE(Store(db).runs().run(live)->status, RunStatus::Running);
    MainWindow window(db);
    openWindow(window);
    showRunAndWait(window, live);
    ChartsTab *charts = openCharts(window);
    QVERIFY(charts);
    QCOMPARE(chartKeys(charts), QStringList{QStringLiteral("loss")});
    MetricChart *loss = charts->chart(QStringLiteral("loss"));
    QCOMPARE(loss->data().x1, qint64(0));

    QProcess logger;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    logger.setProcessEnvironment(env);
    logger.start(QStringLiteral(RUNLENS_BINARY),
                 {QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--run"), live});
    QVERIFY(logger.waitForStarted(30000));
    const auto log = [&logger](const QString &key, int step, double value) {
        logger.write(QStringLiteral("{\"metrics\": {\"%1\": %2}, \"step\": %3}\n")
                         .arg(key, QString::number(value, 'g', 17))
                         .arg(step)
                         .toUtf8());
    };
    QSignalSpy folded(loss, &MetricChart::tailFolded);
    QVERIFY(folded.isValid());
    for (int s = 1; s < 100; ++s)
        log(QStringLiteral("loss"), s, 2.0 / (s + 1));
    QTRY_COMPARE_WITH_TIMEOUT(loss->data().x1, qint64(99), 10000);
    QCOMPARE(charts->chart(QStringLiteral("loss")), loss); // the same chart, grown
    QVERIFY(folded.count() >= 1);
    QCOMPARE(loss->data().series[0].state.count, qint64(100));
    // A new key gets its chart.
    log(QStringLiteral("val/acc"), 100, 0.5);
    QTRY_COMPARE_WITH_TIMEOUT(chartKeys(charts),
                              (QStringList{QStringLiteral("loss"), QStringLiteral("val/acc")}), 10000);

    // The tab hidden: what is logged meanwhile is not read until it is shown again.
    RunPage *page = window.runPage();
    page->tabs()->setCurrentIndex(1);
    QTRY_VERIFY(!window.isLoading());
    for (int s = 100; s < 150; ++s)
        log(QStringLiteral("loss"), s, 2.0 / (s + 1));
    QTRY_COMPARE_WITH_TIMEOUT(
        page->metricsModel()
            ->index(rowWithText(page->metricsModel(), RunMetricsModel::KeyColumn, QStringLiteral("loss")),
                    RunMetricsModel::CountColumn)
            .data()
            .toString(),
        QStringLiteral("150"), 10000);
    QTest::qWait(300);
    QCOMPARE(loss->data().x1, qint64(99));
    page->tabs()->setCurrentIndex(0);
    QTRY_COMPARE_WITH_TIMEOUT(loss->data().x1, qint64(149), 10000);
    logger.closeWriteChannel();
    QVERIFY(logger.waitForFinished(30000));
}

// A run without metrics: the tab says so, with no chart.
void TestRunPage::chartsOfARunWithoutMetrics()
{
    const QString db = m_dir.filePath(QStringLiteral("nometrics.db"));
    QString empty;
    chartsDatabase(db, &empty);
    MainWindow window(db);
    openWindow(window);
    showRunAndWait(window, empty);
    RunPage *page = window.runPage();
    QCOMPARE(page->tabs()->tabText(0), QStringLiteral("Charts"));
    ChartsTab *charts = openCharts(window);
    QVERIFY(charts);
    QVERIFY(charts->charts().isEmpty());
    auto *label = charts->findChild<QLabel *>(QStringLiteral("compareEmpty"));
    QVERIFY(label && label->isVisible());
    QVERIFY2(label->text().contains(QStringLiteral("no metrics")), qPrintable(label->text()));
    QVERIFY(!label->text().contains(QStringLiteral("These runs")));
}

QTEST_MAIN(TestRunPage)
#include "tst_runpage.moc"
