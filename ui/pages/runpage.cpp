// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/runpage.h"

#include "actions/runactions.h"
#include "charts/chartstab.h"
#include "charts/sparklinedelegate.h"
#include "itemmodels/artifacttreemodel.h"
#include "itemmodels/childrunsmodel.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/modelversionsmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "itemmodels/rundetails.h"
#include "itemmodels/runinputsmodel.h"
#include "itemmodels/runmetricsmodel.h"
#include "itemmodels/runparamsmodel.h"
#include "itemmodels/runtagsmodel.h"
#include "series/systemmetrics.h"
#include "shell/appsettings.h"
#include "store/storeworker.h"
#include "store/workerjobs.h"
#include "widgets/artifactbrowser.h"
#include "widgets/detailtableview.h"
#include "widgets/messagebar.h"
#include "widgets/runheaderwidget.h"
#include "widgets/runnoteswidget.h"
#include "widgets/scaledfont.h"
#include "widgets/sectionpanel.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QVBoxLayout>

namespace runlens {

namespace {

enum Tab { ChartsIndex, NotesTab, TagsTab, InputsTab, ArtifactsTab, ChildrenTab, ModelVersionsTab };

QString displayName(const Run &run)
{
    return run.name.isEmpty() ? run.id.left(8) : run.name;
}

bool sameRuns(const std::vector<Run> &a, const std::vector<Run> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Run &x, const Run &y) {
        return x.id == y.id && x.name == y.name && x.status == y.status && x.lifecycle == y.lifecycle &&
               x.startMs == y.startMs;
    });
}

// A hint in the secondary text colour.
QLabel *quietLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

RunPage::RunPage(StoreWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_actions(new RunActions(worker, this))
    , m_stack(new QStackedWidget(this))
    , m_content(new QWidget(this))
    , m_problemPage(new QWidget(this))
    , m_problem(new QLabel(this))
    , m_message(new MessageBar(this))
    , m_header(new RunHeaderWidget(this))
    , m_metrics(new RunMetricsModel(this))
    , m_systemMetrics(new RunMetricsModel(this))
    , m_params(new RunParamsModel(this))
    , m_tags(new RunTagsModel(worker, this))
    , m_children(new ChildRunsModel(this))
    , m_inputs(new RunInputsModel(this))
    , m_modelVersions(new ModelVersionsModel(this))
    , m_metricsProxy(new QSortFilterProxyModel(this))
    , m_systemMetricsProxy(new QSortFilterProxyModel(this))
    , m_paramsProxy(new QSortFilterProxyModel(this))
    , m_tagsProxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("runPage"));
    m_metricsProxy->setSourceModel(m_metrics);
    m_systemMetrics->setHiddenKeyPrefix(QStringLiteral("system/")); // the section's title says it
    m_systemMetricsProxy->setSourceModel(m_systemMetrics);
    m_paramsProxy->setSourceModel(m_params);
    m_tagsProxy->setSourceModel(m_tags);

    m_message->setObjectName(QStringLiteral("runPageMessage"));
    connect(m_message, &MessageBar::statusMessage, this, &RunPage::statusMessage);

    auto *content = new QVBoxLayout(m_content);
    content->setContentsMargins(10, 8, 10, 8);
    content->setSpacing(8);
    content->addWidget(m_header);
    content->addWidget(m_message);
    content->addWidget(buildBody(), 1);

    m_problem->setObjectName(QStringLiteral("runProblem"));
    m_problem->setWordWrap(true);
    m_problem->setAlignment(Qt::AlignCenter);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setFont(scaledFont(m_problem->font(), 1.2));
    auto *problemBack = new QPushButton(tr("Back to Runs"), m_problemPage);
    problemBack->setObjectName(QStringLiteral("problemBack"));
    auto *problemLayout = new QVBoxLayout(m_problemPage);
    problemLayout->addStretch(1);
    problemLayout->addWidget(m_problem);
    problemLayout->addWidget(problemBack, 0, Qt::AlignHCenter);
    problemLayout->addStretch(2);
    connect(problemBack, &QPushButton::clicked, this, &RunPage::goBack);

    m_stack->addWidget(m_content);
    m_stack->addWidget(m_problemPage);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    auto *back = new QAction(tr("Back"), this);
    back->setShortcuts({QKeySequence(Qt::ALT | Qt::Key_Left), QKeySequence(Qt::Key_Back)});
    back->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(back);
    connect(back, &QAction::triggered, this, &RunPage::goBack);

    connect(m_header, &RunHeaderWidget::backRequested, this, &RunPage::goBack);
    connect(m_header, &RunHeaderWidget::renameRequested, this, &RunPage::rename);
    connect(m_header, &RunHeaderWidget::starToggled, this, &RunPage::setStarred);
    connect(m_header, &RunHeaderWidget::colorChosen, this, [this](const QColor &c) {
        if (m_run)
            m_actions->setRunsColor({m_run->id}, c);
    });
    connect(m_actions, &RunActions::runsColorChanged, this, &RunPage::refresh); // the tag, read back
    m_colorView = QStringLiteral("run@%1").arg(quintptr(this), 0, 16);
    setColorMap(nullptr);
    connect(m_header, &RunHeaderWidget::runLinkActivated, this, &RunPage::navigateTo);
    connect(m_header, &RunHeaderWidget::promoteRequested, this, [this] {
        if (m_run)
            Q_EMIT promoteRequested(m_run->id);
    });
    connect(m_notes, &RunNotesWidget::saveRequested, this, &RunPage::saveNotes);
    connect(m_tags, &RunTagsModel::writeFailed, this, &RunPage::showMessage);
    const auto tagsChanged = [this](const QStringList &keys) {
        m_message->hide();
        // The store mirrors MLflow's well-known tags into the run's own fields: read those back.
        for (const QString &k : keys) {
            if (k.startsWith(QLatin1String("mlflow."))) {
                requestDetails(true);
                break;
            }
        }
    };
    connect(m_tags, &RunTagsModel::tagWritten, this,
            [tagsChanged](const QString &key, const QString &) { tagsChanged({key}); });
    connect(m_tags, &RunTagsModel::tagsRemoved, this, tagsChanged);
    connectActions();
}

RunPage::~RunPage()
{
    if (m_colors)
        m_colors->release(m_colorView);
    if (!m_splittersPlaced)
        return; // never shown: its splitters have no sizes worth keeping
    QSettings s = appsettings::open();
    s.setValue(QStringLiteral("runPage/body"), m_bodySplitter->saveState());
    s.setValue(QStringLiteral("runPage/left"), m_leftSplitter->saveState());
}

void RunPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_chartsDirty && m_tabs->currentIndex() == ChartsIndex)
        syncCharts(); // what was read while the page was hidden
    if (m_splittersPlaced)
        return;
    m_splittersPlaced = true;
    // The sizes people chose last time, else metrics and params a little wider than the tabs.
    QSettings s = appsettings::open();
    if (!m_bodySplitter->restoreState(s.value(QStringLiteral("runPage/body")).toByteArray()))
        m_bodySplitter->setSizes({width() / 2, width() - width() / 2});
    if (!m_leftSplitter->restoreState(s.value(QStringLiteral("runPage/left")).toByteArray()))
        m_leftSplitter->setSizes({height() * 55 / 100, height() * 45 / 100});
}

QWidget *RunPage::buildBody()
{
    // Metrics (with curves) and params on the left, visible without a click; the rest in tabs.
    const auto metricsView = [this](const QString &name, QSortFilterProxyModel *proxy) {
        auto *view = new DetailTableView(this);
        view->setObjectName(name);
        view->setModel(proxy);
        view->setItemDelegateForColumn(RunMetricsModel::SparklineColumn, new SparklineDelegate(view));
        view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() * 2 + 4);
        view->horizontalHeader()->setMinimumSectionSize(48);
        return view;
    };
    m_metricsView = metricsView(QStringLiteral("metricsView"), m_metricsProxy);
    // Double-click or Enter on a metric: its chart, in the Charts tab.
    const auto openChart = [this](const QModelIndex &index) {
        if (index.isValid())
            showCharts(index.siblingAtColumn(RunMetricsModel::KeyColumn).data(FullTextRole).toString());
    };
    connect(m_metricsView, &QTableView::activated, this, openChart);
    m_metricsPanel = new SectionPanel(tr("Metrics"), tr("No metrics logged"), m_metricsView, m_metrics,
                                      m_metricsProxy, this);
    m_metricsPanel->setFilterPlaceholder(tr("Filter metrics"));
    // System metrics (system/..., sampled beside the run) below the run's own, in a section shown only when
    // there are some.
    m_systemMetricsView = metricsView(QStringLiteral("systemMetricsView"), m_systemMetricsProxy);
    connect(m_systemMetricsView, &QTableView::activated, this, openChart);
    m_systemPanel = new SectionPanel(tr("System"), tr("No system metrics logged"), m_systemMetricsView,
                                     m_systemMetrics, m_systemMetricsProxy, this);
    m_systemPanel->setObjectName(QStringLiteral("systemPanel"));
    m_systemPanel->setFilterPlaceholder(tr("Filter system metrics"));
    m_systemPanel->hide();
    connect(m_systemPanel, &SectionPanel::countChanged, m_systemPanel,
            [this](int count) { m_systemPanel->setVisible(count > 0); });
    // Their own splitter, inside the left one: the left splitter's remembered sizes stay as they were.
    m_metricsSplitter = new QSplitter(Qt::Vertical, this);
    m_metricsSplitter->setChildrenCollapsible(false);
    m_metricsSplitter->addWidget(m_metricsPanel);
    m_metricsSplitter->addWidget(m_systemPanel);
    m_metricsSplitter->setStretchFactor(0, 1);
    m_metricsSplitter->setStretchFactor(1, 1);

    m_paramsView = new DetailTableView(this);
    m_paramsView->setObjectName(QStringLiteral("paramsView"));
    m_paramsView->setModel(m_paramsProxy);
    m_paramsPanel =
        new SectionPanel(tr("Params"), tr("No params logged"), m_paramsView, m_params, m_paramsProxy, this);
    m_paramsPanel->setFilterPlaceholder(tr("Filter params"));

    m_leftSplitter = new QSplitter(Qt::Vertical, this);
    m_leftSplitter->setChildrenCollapsible(false);
    m_leftSplitter->addWidget(m_metricsSplitter);
    m_leftSplitter->addWidget(m_paramsPanel);
    m_leftSplitter->setStretchFactor(0, 3);
    m_leftSplitter->setStretchFactor(1, 2);

    // Notes
    m_notes = new RunNotesWidget(this);

    // Tags: edited in place, added with the fields below, removed with Del or the button.
    m_tagsView = new DetailTableView(this);
    m_tagsView->setObjectName(QStringLiteral("tagsView"));
    m_tagsView->setModel(m_tagsProxy);
    m_tagsView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                                QAbstractItemView::AnyKeyPressed);
    auto *remove = new QAction(tr("&Delete Tag"), m_tagsView);
    remove->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
    remove->setShortcutContext(Qt::WidgetShortcut);
    m_tagsView->addAction(remove);
    connect(remove, &QAction::triggered, this, &RunPage::removeSelectedTags);
    m_tagsPanel = new SectionPanel({}, tr("No tags"), m_tagsView, m_tags, m_tagsProxy, this);
    m_tagsPanel->setFilterPlaceholder(tr("Filter tags"));
    auto *tagBar = new QWidget(this);
    m_newTagKey = new QLineEdit(tagBar);
    m_newTagKey->setObjectName(QStringLiteral("newTagKey"));
    m_newTagKey->setPlaceholderText(tr("New tag key"));
    m_newTagValue = new QLineEdit(tagBar);
    m_newTagValue->setObjectName(QStringLiteral("newTagValue"));
    m_newTagValue->setPlaceholderText(tr("Value"));
    auto *add = new QPushButton(tr("&Add Tag"), tagBar);
    add->setObjectName(QStringLiteral("addTag"));
    auto *removeButton = new QPushButton(tr("Delete"), tagBar);
    removeButton->setObjectName(QStringLiteral("removeTag"));
    removeButton->setToolTip(tr("Delete the selected tags (Del)"));
    removeButton->setEnabled(false);
    auto *tagRow = new QHBoxLayout(tagBar);
    tagRow->setContentsMargins(0, 0, 0, 0);
    tagRow->addWidget(m_newTagKey, 2);
    tagRow->addWidget(m_newTagValue, 3);
    tagRow->addWidget(add);
    tagRow->addSpacing(12);
    tagRow->addWidget(removeButton);
    m_tagsPanel->addFooter(tagBar);
    connect(add, &QPushButton::clicked, this, &RunPage::addTag);
    connect(m_newTagKey, &QLineEdit::returnPressed, this, &RunPage::addTag);
    connect(m_newTagValue, &QLineEdit::returnPressed, this, &RunPage::addTag);
    connect(removeButton, &QPushButton::clicked, this, &RunPage::removeSelectedTags);
    connect(m_tagsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this, removeButton] { removeButton->setEnabled(m_tagsView->selectionModel()->hasSelection()); });

    // Dataset inputs
    m_inputsView = new DetailTableView(this);
    m_inputsView->setObjectName(QStringLiteral("inputsView"));
    m_inputsView->setModel(m_inputs);
    // Dataset names are often paths that share a long start (a DVC project's data/<dataset>/images and
    // .../masks): their ends tell them apart.
    m_inputsView->setTextElideMode(Qt::ElideMiddle);
    m_inputsPanel =
        new SectionPanel({}, tr("No dataset inputs logged"), m_inputsView, m_inputs, nullptr, this);

    // Artifacts: a tree beside a preview, with open, save a copy and delete (artifactbrowser.h).
    m_artifactBrowser = new ArtifactBrowser(m_worker, this);
    connect(m_artifactBrowser, &ArtifactBrowser::countChanged, this, &RunPage::updateTabTitles);
    connect(m_artifactBrowser, &ArtifactBrowser::problem, this, &RunPage::showMessage);
    connect(m_artifactBrowser, &ArtifactBrowser::statusMessage, this, &RunPage::statusMessage);
    connect(m_artifactBrowser, &ArtifactBrowser::registerModelRequested, this,
            &RunPage::promoteFolderRequested);

    // Child runs: a click opens one here.
    m_childrenView = new DetailTableView(this);
    m_childrenView->setObjectName(QStringLiteral("childrenView"));
    m_childrenView->setModel(m_children);
    m_childrenView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_childrenView->viewport()->setCursor(Qt::PointingHandCursor);
    m_childrenPanel = new SectionPanel({}, tr("No child runs"), m_childrenView, m_children, nullptr, this);
    const auto openChild = [this](const QModelIndex &index) {
        if (index.isValid())
            navigateTo(index.data(RunIdRole).toString());
    };
    connect(m_childrenView, &QTableView::clicked, this, openChild);
    connect(m_childrenView, &QTableView::activated, this, openChild);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("runTabs"));
    m_tabs->setDocumentMode(true);
    // The run's metrics as charts, built the first time the tab is shown (see ensureCharts()).
    m_chartsHolder = new QWidget(this);
    m_chartsHolder->setObjectName(QStringLiteral("runChartsHolder"));
    auto *chartsLayout = new QVBoxLayout(m_chartsHolder);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    m_tabs->insertTab(ChartsIndex, m_chartsHolder, tr("Charts"));
    m_tabs->insertTab(NotesTab, m_notes, tr("Notes"));
    m_tabs->insertTab(TagsTab, m_tagsPanel, tr("Tags"));
    m_tabs->insertTab(InputsTab, m_inputsPanel, tr("Datasets"));
    m_tabs->insertTab(ArtifactsTab, m_artifactBrowser, tr("Artifacts"));
    m_tabs->insertTab(ChildrenTab, m_childrenPanel, tr("Child Runs"));
    m_tabs->insertTab(ModelVersionsTab, buildModelVersions(), tr("Model Versions"));
    for (SectionPanel *p : {m_tagsPanel, m_inputsPanel, m_childrenPanel, m_modelVersionsPanel})
        connect(p, &SectionPanel::countChanged, this, &RunPage::updateTabTitles);
    m_tabs->setCurrentIndex(NotesTab); // the charts read only when asked for
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == ChartsIndex)
            syncCharts();
    });
    updateTabTitles();

    m_bodySplitter = new QSplitter(Qt::Horizontal, this);
    m_bodySplitter->setChildrenCollapsible(false);
    m_bodySplitter->addWidget(m_leftSplitter);
    m_bodySplitter->addWidget(m_tabs);
    // Even halves: the tabs hold the artifact browser, a tree beside a preview.
    m_bodySplitter->setStretchFactor(0, 1);
    m_bodySplitter->setStretchFactor(1, 1);
    return m_bodySplitter;
}

// The registered model versions made from this run; activating one opens it on the Models page.
QWidget *RunPage::buildModelVersions()
{
    m_modelVersionsView = new DetailTableView(this);
    m_modelVersionsView->setObjectName(QStringLiteral("modelVersionsView"));
    m_modelVersionsView->setModel(m_modelVersions);
    m_modelVersionsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_modelVersionsView->viewport()->setCursor(Qt::PointingHandCursor);
    for (int c = 0; c < ModelVersionsModel::ColumnCount; ++c) {
        m_modelVersionsView->setColumnHidden(
            c, c != ModelVersionsModel::ModelColumn && c != ModelVersionsModel::VersionColumn &&
                   c != ModelVersionsModel::StageColumn && c != ModelVersionsModel::AliasesColumn);
    }
    m_modelVersionsPanel = new SectionPanel({}, tr("Not promoted to a model yet"), m_modelVersionsView,
                                            m_modelVersions, nullptr, this);
    auto *bar = new QWidget(this);
    auto *barLayout = new QHBoxLayout(bar);
    barLayout->setContentsMargins(0, 0, 0, 0);
    auto *promote = new QPushButton(tr("Promote to Model…"), bar);
    promote->setObjectName(QStringLiteral("promoteFromVersions"));
    barLayout->addWidget(quietLabel(tr("Double-click to open the version on the Models page"), bar), 1);
    barLayout->addWidget(promote);
    m_modelVersionsPanel->addFooter(bar);
    connect(promote, &QPushButton::clicked, this, [this] {
        if (m_run)
            Q_EMIT promoteRequested(m_run->id);
    });
    connect(m_modelVersionsView, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (index.isValid())
            Q_EMIT modelVersionActivated(index.data(ModelNameRole).toString(),
                                         index.data(ModelVersionRole).toInt());
    });
    return m_modelVersionsPanel;
}

void RunPage::updateTabTitles()
{
    const auto title = [](const QString &name, int count) {
        return count > 0 ? QStringLiteral("%1 (%2)").arg(name).arg(count) : name;
    };
    m_tabs->setTabText(ChartsIndex, title(tr("Charts"), int(m_shownMetrics.size())));
    m_tabs->setTabText(TagsTab, title(tr("Tags"), m_tagsPanel->count()));
    m_tabs->setTabText(InputsTab, title(tr("Datasets"), m_inputsPanel->count()));
    m_tabs->setTabText(ArtifactsTab, title(tr("Artifacts"), m_artifactBrowser->count()));
    m_tabs->setTabText(ChildrenTab, title(tr("Child Runs"), m_childrenPanel->count()));
    m_tabs->setTabText(ModelVersionsTab, title(tr("Model Versions"), m_modelVersionsPanel->count()));
}

QTreeView *RunPage::artifactsView() const
{
    return m_artifactBrowser->view();
}

ArtifactTreeModel *RunPage::artifactsModel() const
{
    return m_artifactBrowser->model();
}

void RunPage::showArtifacts(const QString &path)
{
    m_tabs->setCurrentIndex(ArtifactsTab);
    if (path.isEmpty())
        return;
    if (m_detailsLoading || !m_run || m_run->id != m_runId || !m_artifactBrowser->select(path))
        m_pendingArtifact = path;
}

void RunPage::showDatasets()
{
    m_tabs->setCurrentIndex(InputsTab);
}

void RunPage::showCharts(const QString &key)
{
    m_tabs->setCurrentIndex(ChartsIndex); // builds and fills the charts (syncCharts)
    if (key.isEmpty())
        return;
    if (m_charts && m_run && m_run->id == m_runId && !m_chartsDirty)
        m_charts->showChart(key);
    else
        m_pendingChart = key; // once the run is read
}

// The Charts tab is built the first time it is shown: a run page opened for its notes or artifacts starts no
// chart reader.
void RunPage::ensureCharts()
{
    if (m_charts)
        return;
    m_charts = new ChartsTab(m_worker->databasePath(), m_chartsHolder);
    m_charts->setObjectName(QStringLiteral("runCharts"));
    m_charts->setSingleRun(true);
    m_charts->setColorMap(m_colors); // the run draws in the colour its header shows
    m_chartsHolder->layout()->addWidget(m_charts);
    m_charts->show(); // now, not from the event loop: it is filled right away
    connect(m_charts, &ChartsTab::statusMessage, this, &RunPage::statusMessage);
    connect(m_charts, &ChartsTab::exportFinished, this, [this](const QString &path, const QString &error) {
        if (!error.isEmpty())
            showMessage(tr("Could not save the charts to %1: %2").arg(QDir::toNativeSeparators(path), error));
    });
}

bool RunPage::chartsShown() const
{
    return m_tabs->currentIndex() == ChartsIndex && isVisible();
}

// The charts catch up with the run as last read: another run's are rebuilt, the same run's fold in what it
// logged since (ChartsTab::refreshRuns). Only while the tab is shown; else on its next showing.
void RunPage::syncCharts()
{
    if (!chartsShown() || !m_run || m_run->id != m_runId) {
        m_chartsDirty = true;
        return;
    }
    ensureCharts();
    if (m_chartsDirty)
        m_charts->refreshRuns({*m_run}); // another run's charts are rebuilt (setRuns) there
    m_chartsDirty = false;
    if (!m_pendingChart.isEmpty())
        m_charts->showChart(std::exchange(m_pendingChart, {}));
}

bool RunPage::isLoading() const
{
    return m_detailsLoading || m_sparklinesLoading || m_artifactBrowser->isLoading() ||
           (m_charts && m_charts->isLoading());
}

bool RunPage::isBusy() const
{
    return m_actions->hasPendingWrites() || m_artifactBrowser->isBusy() || m_tags->isWriting();
}

QString RunPage::problem() const
{
    return m_stack->currentWidget() == m_problemPage ? m_problem->text() : QString();
}

QString RunPage::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void RunPage::setUrlOpener(std::function<bool(const QUrl &)> opener)
{
    m_artifactBrowser->setUrlOpener(std::move(opener));
}

void RunPage::showRun(const QString &id)
{
    if (!confirmLeave())
        return;
    m_history.clear();
    load(id.trimmed());
}

void RunPage::navigateTo(const QString &id)
{
    if (id == m_runId || !confirmLeave())
        return;
    if (m_run)
        m_history.append({m_run->id, displayName(*m_run)});
    load(id);
}

void RunPage::goBack()
{
    if (!confirmLeave())
        return;
    if (m_history.isEmpty()) {
        Q_EMIT backRequested();
        return;
    }
    load(m_history.takeLast().first);
}

bool RunPage::confirmLeave()
{
    if (!m_notes->hasUnsavedChanges())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved Notes"), tr("The notes of this run were edited but not saved."),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) {
        // A write: it reaches the database even if the page is deleted right after (StoreWorker::write).
        saveNotes(m_notes->editor()->toPlainText());
        return true;
    }
    return answer == QMessageBox::Discard;
}

void RunPage::load(const QString &id)
{
    ++m_generation;
    m_runId = id;
    m_pendingChart.clear();
    m_message->hide();
    m_header->setBackText(m_history.isEmpty() ? tr("Runs") : m_history.last().second);
    for (SectionPanel *p : {m_metricsPanel, m_systemPanel, m_paramsPanel, m_tagsPanel}) {
        if (p->filterField())
            p->filterField()->clear();
    }
    requestDetails(false);
    requestSparklines();
}

void RunPage::setColorMap(RunColorMap *map)
{
    if (m_colors) {
        m_colors->release(m_colorView);
        disconnect(m_colors, nullptr, this, nullptr);
    }
    m_colors = map ? map : new RunColorMap(this);
    connect(m_colors, &QObject::destroyed, this, [this](QObject *gone) {
        if (gone == m_colors)
            m_colors = nullptr;
    });
    connect(m_colors, &RunColorMap::colorsChanged, this, [this](const QStringList &ids) {
        if (m_run && m_colors && ids.contains(m_run->id))
            m_header->setColor(m_colors->colorOf(m_run->id), RunColors::pinOf(m_run->tags).isValid());
    });
    holdColor();
}

void RunPage::holdColor()
{
    if (!m_colors)
        return;
    if (!m_run) {
        m_colors->release(m_colorView);
        return;
    }
    const QColor pin = RunColors::pinOf(m_run->tags);
    m_colors->hold(m_colorView, {{m_run->id, pin}});
    m_header->setColor(m_colors->colorOf(m_run->id), pin.isValid());
}

void RunPage::refresh()
{
    if (m_runId.isEmpty() || m_detailsLoading || !m_run)
        return;
    requestDetails(true);
}

void RunPage::requestDetails(bool refresh)
{
    const quint64 generation = m_generation;
    const quint64 request = ++m_detailsRequest;
    const QString id = m_runId;
    m_detailsLoading = true;
    jobs::readRunDetails(
        m_worker, this, id,
        [this, generation, request, refresh](RunDetails details) {
            if (generation != m_generation || request != m_detailsRequest)
                return;
            m_detailsLoading = false;
            applyDetails(std::move(details), refresh);
        },
        [this, generation, request, id, refresh](const QString &message) {
            if (generation != m_generation || request != m_detailsRequest)
                return;
            m_detailsLoading = false;
            if (refresh) // the run is on screen: keep it, say what went wrong
                showMessage(tr("Could not read run %1 again: %2").arg(id, message));
            else
                showProblem(tr("Could not read run %1:\n%2").arg(id, message));
        });
}

void RunPage::requestSparklines()
{
    const quint64 generation = m_generation;
    const QString id = m_runId;
    m_sparklinesLoading = true;
    jobs::readSparklines(
        m_worker, this, id,
        [this, generation](QMap<QString, Sparkline> sparklines) {
            if (generation != m_generation)
                return;
            m_sparklinesLoading = false;
            m_metrics->setSparklines(sparklines);
            m_systemMetrics->setSparklines(sparklines);
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_sparklinesLoading = false;
            showMessage(tr("Could not read the metric curves: %1").arg(message));
        });
}

void RunPage::applyDetails(RunDetails &&d, bool refresh)
{
    if (!d.run) {
        m_run.reset();
        holdColor();
        m_tags->setRun({}, {});
        showProblem(
            isValidRunId(d.requestedId)
                ? tr("There is no run with id %1 in this database.\nIt may have been removed, or the id "
                     "belongs to another database.")
                      .arg(d.requestedId)
                : tr("“%1” is not a run id: run ids are 32 hexadecimal characters.")
                      .arg(d.requestedId.left(80)));
        return;
    }
    m_stack->setCurrentWidget(m_content);
    const Run &run = *d.run;
    m_header->setRun(run, d.parent);
    if (!refresh || m_params->params() != run.params)
        m_params->setParams(run.params);
    const auto sameSummaries = [](const QMap<QString, MetricSummary> &a,
                                  const QMap<QString, MetricSummary> &b) {
        if (a.keys() != b.keys())
            return false;
        for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
            if (i->count != j->count || i->lastStep != j->lastStep || i->lastTimestamp != j->lastTimestamp)
                return false;
        return true;
    };
    if (!refresh || !sameSummaries(m_shownMetrics, run.metrics)) {
        QMap<QString, MetricSummary> own, system;
        for (auto it = run.metrics.cbegin(); it != run.metrics.cend(); ++it)
            (systemmetrics::isSystemKey(it.key()) ? system : own).insert(it.key(), it.value());
        m_metrics->setMetrics(own);
        m_systemMetrics->setMetrics(system);
        m_shownMetrics = run.metrics;
        if (refresh)
            requestSparklines();
    }
    if (!refresh || m_tags->runId() != run.id || m_tags->tags() != run.tags)
        m_tags->setRun(run.id, run.tags);
    if (refresh)
        m_notes->updateDescription(run.description);
    else
        m_notes->setDescription(run.description);
    if (!refresh || !sameRuns(m_children->runs(), d.children))
        m_children->setRuns(std::move(d.children));
    if (!refresh || m_inputs->inputs() != d.inputs)
        m_inputs->setInputs(std::move(d.inputs));
    m_artifactBrowser->setArtifacts(run.id, std::move(d.artifacts), refresh);
    if (!m_pendingArtifact.isEmpty()) {
        if (!m_artifactBrowser->select(m_pendingArtifact))
            showMessage(tr("This run has no artifact at %1").arg(m_pendingArtifact));
        m_pendingArtifact.clear();
    }
    m_modelVersions->setVersions(std::move(d.modelVersions)); // keeps unchanged rows on a refresh
    m_run = std::move(d.run);
    holdColor();
    m_chartsDirty = true;
    syncCharts();
    updateTabTitles();
    if (!refresh) {
        for (DetailTableView *view : {m_metricsView, m_systemMetricsView}) {
            view->resizeColumnsToContents();
            for (int c = 0; c < RunMetricsModel::SparklineColumn; ++c)
                view->setColumnWidth(c, std::clamp(view->columnWidth(c), 56, 220));
        }
        m_paramsView->resizeColumnToContents(RunParamsModel::KeyColumn);
        m_paramsView->setColumnWidth(
            RunParamsModel::KeyColumn,
            std::clamp(m_paramsView->columnWidth(RunParamsModel::KeyColumn), 80, 260));
        m_tagsView->setColumnWidth(RunTagsModel::KeyColumn, 200);
        m_inputsView->resizeColumnsToContents();
        for (int c = 0; c < RunInputsModel::ColumnCount; ++c)
            m_inputsView->setColumnWidth(c, std::clamp(m_inputsView->columnWidth(c), 60, 240));
        m_childrenView->resizeColumnsToContents();
        m_modelVersionsView->resizeColumnsToContents();
        Q_EMIT statusMessage(tr("Run %1").arg(displayName(*m_run)));
        Q_EMIT runShown(*m_run);
    }
}

void RunPage::showProblem(const QString &text)
{
    m_problem->setText(display::elided(text));
    m_stack->setCurrentWidget(m_problemPage);
    Q_EMIT statusMessage(text.section(QLatin1Char('\n'), 0, 0));
}

void RunPage::showMessage(const QString &text)
{
    m_message->showMessage(text);
}

// The answers of the page's writes; an answer for a run no longer shown is dropped.
void RunPage::connectActions()
{
    const auto shown = [this](const QString &runId) { return m_run && m_run->id == runId; };
    connect(m_actions, &RunActions::renamed, this, [this, shown](const QString &runId, const QString &name) {
        if (!shown(runId))
            return;
        m_message->hide();
        m_run->name = name;
        m_header->setName(name);
        // The store renames the mlflow.runName tag along with the run, when the run has one.
        const QString tag = QString::fromLatin1(mlflowtag::RunName);
        if (m_tags->rowOf(tag) >= 0)
            m_tags->applyStored(tag, name);
        Q_EMIT statusMessage(tr("Renamed the run to “%1”").arg(name));
    });
    connect(m_actions, &RunActions::starredChanged, this, [this, shown](const QString &runId, bool starred) {
        if (!shown(runId))
            return;
        m_message->hide();
        m_run->starred = starred;
        m_header->setStarred(starred);
    });
    connect(m_actions, &RunActions::descriptionSaved, this,
            [this, shown](const QString &runId, const QString &markdown) {
                if (!shown(runId))
                    return;
                m_message->hide();
                m_run->description = markdown;
                m_notes->saved(markdown);
                m_tags->applyStored(QString::fromLatin1(mlflowtag::Note), markdown); // the store keeps both
                Q_EMIT statusMessage(tr("Notes saved"));
            });
    connect(m_actions, &RunActions::runFailed, this,
            [this, shown](const QString &runId, RunActions::Change change, const QString &what,
                          const QString &why) {
                if (!shown(runId))
                    return;
                m_message->showFailure(what, why);
                // Put back what the page showed before the refused change.
                if (change == RunActions::Change::Rename)
                    m_header->setName(m_run->name);
                else if (change == RunActions::Change::Star)
                    m_header->setStarred(m_run->starred);
                else if (change == RunActions::Change::Description)
                    m_notes->saveFailed();
            });
}

void RunPage::rename(const QString &name)
{
    if (!m_run || name == m_run->name)
        return;
    m_actions->rename(m_run->id, name);
}

void RunPage::setStarred(bool starred)
{
    if (m_run)
        m_actions->setStarred(m_run->id, starred);
}

void RunPage::saveNotes(const QString &markdown)
{
    if (m_run)
        m_actions->setDescription(m_run->id, markdown);
}

void RunPage::addTag()
{
    if (m_tags->addTag(m_newTagKey->text(), m_newTagValue->text())) {
        m_newTagKey->clear();
        m_newTagValue->clear();
        m_newTagKey->setFocus();
    }
}

void RunPage::removeSelectedTags()
{
    QStringList keys;
    for (const QModelIndex &i : m_tagsView->selectionModel()->selectedRows(RunTagsModel::KeyColumn))
        keys << i.data(FullTextRole).toString();
    m_tags->removeTags(keys);
}

void RunPage::keyPressEvent(QKeyEvent *event)
{
    // Reaches the page only when the focused widget did not use Esc (an open editor, the name field with
    // an unsaved edit and the notes editor all do).
    if (event->key() == Qt::Key_Escape && event->modifiers() == Qt::NoModifier) {
        goBack();
        return;
    }
    QWidget::keyPressEvent(event);
}

void RunPage::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::BackButton) {
        goBack();
        return;
    }
    QWidget::mousePressEvent(event);
}

} // namespace runlens
