// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/modelspage.h"

#include "dialogs/aliasdialog.h"
#include "dialogs/descriptiondialog.h"
#include "dialogs/tagdialog.h"
#include "itemmodels/audittrailmodel.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/modelversionsmodel.h"
#include "itemmodels/registeredmodelsmodel.h"
#include "itemmodels/registrytagsmodel.h"
#include "itemmodels/roles.h"
#include "registry/modeldetails.h"
#include "registry/registrycsv.h"
#include "shell/theme.h"
#include "store/storeworker.h"
#include "widgets/detailtableview.h"
#include "widgets/scaledfont.h"

#include <algorithm>
#include <functional>
#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QtConcurrent>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {

enum Tab { VersionsTab, AuditTab };

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

// Columns as wide as what they hold, within [min, max] letters. When the table is too narrow for them, the
// `squeeze` columns give way first (in that order, down to 6 letters), then the widest ones alike; the
// tooltips have the whole text, and the last column stretches.
void fitColumns(QTableView *view, int minEm, int maxEm, std::initializer_list<int> squeeze = {})
{
    const int em = view->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    view->resizeColumnsToContents();
    const int columns = view->model()->columnCount();
    int total = 0;
    for (int c = 0; c < columns; ++c) {
        if (view->isColumnHidden(c))
            continue;
        view->setColumnWidth(c, std::clamp(view->columnWidth(c) + em / 2, minEm * em, maxEm * em));
        total += view->columnWidth(c);
    }
    const int available = view->viewport()->width() - em; // some slack: the stretched last section
                                                          // must not be squeezed below its minimum
    for (int c : squeeze) {
        if (total <= available)
            return;
        const int width = std::max(6 * em, view->columnWidth(c) - (total - available));
        total -= view->columnWidth(c) - std::min(width, view->columnWidth(c));
        view->setColumnWidth(c, std::min(width, view->columnWidth(c)));
    }
    for (int width = maxEm * em; total > available && width > 8 * em; width -= em) {
        for (int c = 0; c < columns && total > available; ++c) {
            if (!view->isColumnHidden(c) && view->columnWidth(c) > width) {
                total -= view->columnWidth(c) - width;
                view->setColumnWidth(c, width);
            }
        }
    }
}

QToolButton *toolButton(QAction *action, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setDefaultAction(action);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setAutoRaise(true);
    return b;
}

QToolButton *menuButton(const QString &text, QMenu *menu, const QString &name, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setObjectName(name);
    b->setText(text);
    b->setMenu(menu);
    b->setPopupMode(QToolButton::InstantPopup);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setAutoRaise(true);
    return b;
}

} // namespace

ModelsPage::ModelsPage(StoreWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_models(new RegisteredModelsModel(this))
    , m_modelsProxy(new QSortFilterProxyModel(this))
    , m_versions(new ModelVersionsModel(this))
    , m_audit(new AuditTrailModel(this))
    , m_tags(new RegistryTagsModel(this))
{
    setObjectName(QStringLiteral("modelsPage"));
    m_modelsProxy->setSourceModel(m_models);
    m_modelsProxy->setFilterKeyColumn(-1);
    m_modelsProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_modelsProxy->setSortRole(SortValueRole);

    // Title row: what the page is, how many, and the filter.
    auto *title = new QLabel(tr("Models"), this);
    QFont big = scaledFont(title->font(), 1.45);
    big.setBold(true);
    title->setFont(big);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("modelCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("modelFilter"));
    m_filter->setPlaceholderText(tr("Filter models by name, alias, tag, description…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(320);
    auto *refresh = new QToolButton(this);
    refresh->setObjectName(QStringLiteral("refreshModels"));
    refresh->setText(tr("Refresh"));
    refresh->setToolTip(tr("Read the registry again (F5)"));
    refresh->setAutoRaise(true);
    auto *header = new QHBoxLayout;
    header->setSpacing(10);
    header->addWidget(title);
    header->addWidget(m_count, 0, Qt::AlignBaseline);
    header->addStretch(1);
    header->addWidget(m_filter);
    header->addWidget(refresh);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("modelsMessage"));
    m_message->setWordWrap(true);
    m_message->setMargin(6);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setAutoFillBackground(true);
    QPalette warn = m_message->palette();
    warn.setColor(QPalette::Window, QColor(0xcf, 0x22, 0x2e));
    warn.setColor(QPalette::WindowText, Qt::white);
    m_message->setPalette(warn);
    m_message->hide();

    m_modelsView = new DetailTableView(this);
    m_modelsView->setObjectName(QStringLiteral("registeredModels"));
    m_modelsView->setModel(m_modelsProxy);
    m_modelsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_modelsView->setSortingEnabled(true);
    m_modelsView->sortByColumn(RegisteredModelsModel::NameColumn, Qt::AscendingOrder);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const std::pair<int, int> widths[] = {
        {RegisteredModelsModel::NameColumn, 16},      {RegisteredModelsModel::LatestColumn, 5},
        {RegisteredModelsModel::AliasesColumn, 14},   {RegisteredModelsModel::StagingColumn, 6},
        {RegisteredModelsModel::ProductionColumn, 7}, {RegisteredModelsModel::ArchivedColumn, 6},
        {RegisteredModelsModel::TagsColumn, 12},      {RegisteredModelsModel::DescriptionColumn, 22},
    };
    for (auto [column, w] : widths)
        m_modelsView->setColumnWidth(column, w * em);

    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("modelsEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setFont(scaledFont(m_empty->font(), 1.1));
    m_empty->setText(
        tr("No registered models yet.\n\nPromote a run to a model with “Promote to Model…” on its "
           "page or in the runs table; models imported from MLflow appear here too."));

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_modelsView);
    m_splitter->addWidget(buildDetails());
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setSizes({240, 620});

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_splitter);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    buildActions();
    connect(refresh, &QToolButton::clicked, this, &ModelsPage::refresh);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_modelsProxy->setFilterFixedString(text.trimmed());
        updateTabTitles();
    });
    connect(m_modelsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ModelsPage::currentModelChanged);
    connect(m_modelsProxy, &QAbstractItemModel::modelReset, this, &ModelsPage::updateTabTitles);
    connect(m_modelsProxy, &QAbstractItemModel::rowsInserted, this, &ModelsPage::updateTabTitles);
    connect(m_modelsProxy, &QAbstractItemModel::rowsRemoved, this, &ModelsPage::updateTabTitles);
    updateTabTitles();
    updateActions();
    requestList();
}

ModelsPage::~ModelsPage() = default;

QWidget *ModelsPage::buildDetails()
{
    auto *details = new QWidget(this);
    m_title = new QLabel(details);
    m_title->setObjectName(QStringLiteral("modelTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = scaledFont(m_title->font(), 1.25);
    f.setBold(true);
    m_title->setFont(f);
    m_subtitle = new QLabel(details);
    m_subtitle->setObjectName(QStringLiteral("modelSubtitle"));
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(10);
    titleRow->addWidget(m_title);
    titleRow->addWidget(m_subtitle, 0, Qt::AlignBaseline);
    titleRow->addStretch(1);

    // Versions, with their actions in a bar above them.
    m_versionsView = new DetailTableView(details);
    m_versionsView->setObjectName(QStringLiteral("modelVersions"));
    m_versionsView->setModel(m_versions);
    m_versionsView->setColumnHidden(ModelVersionsModel::ModelColumn, true);
    m_versionsView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_versionsView->setMouseTracking(true);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const std::pair<int, int> widths[] = {
        {ModelVersionsModel::VersionColumn, 5}, {ModelVersionsModel::RunColumn, 12},
        {ModelVersionsModel::StageColumn, 7},   {ModelVersionsModel::AliasesColumn, 9},
        {ModelVersionsModel::TagsColumn, 10},   {ModelVersionsModel::SourceColumn, 9},
        {ModelVersionsModel::CreatorColumn, 6}, {ModelVersionsModel::CreatedColumn, 11},
    };
    for (auto [column, w] : widths)
        m_versionsView->setColumnWidth(column, w * em);

    auto *versionsBar = new QHBoxLayout;
    versionsBar->setSpacing(2);
    m_setAlias = new QAction(tr("Set &Alias…"), this);
    m_setAlias->setObjectName(QStringLiteral("setAlias"));
    m_removeAliasMenu = new QMenu(tr("&Remove Alias"), this);
    m_removeAliasMenu->setObjectName(QStringLiteral("removeAliasMenu"));
    m_stageMenu = new QMenu(tr("&Transition Stage"), this);
    m_stageMenu->setObjectName(QStringLiteral("stageMenu"));
    m_editVersionDescription = new QAction(tr("Edit &Description…"), this);
    m_editVersionDescription->setObjectName(QStringLiteral("editVersionDescription"));
    m_versionTagsMenu = new QMenu(tr("Ta&gs"), this);
    m_versionTagsMenu->setObjectName(QStringLiteral("versionTagsMenu"));
    m_compare = new QAction(tr("&Compare Versions"), this);
    m_compare->setObjectName(QStringLiteral("compareVersions"));
    m_compare->setToolTip(tr("Open the runs of the selected versions in the compare view"));
    m_deleteVersion = new QAction(tr("De&lete Version…"), this);
    m_deleteVersion->setObjectName(QStringLiteral("deleteVersion"));
    m_openRun = new QAction(tr("&Open Run"), this);
    m_openRun->setObjectName(QStringLiteral("openRun"));
    versionsBar->addWidget(toolButton(m_setAlias, details));
    versionsBar->addWidget(
        menuButton(tr("Remove Alias"), m_removeAliasMenu, QStringLiteral("removeAliasButton"), details));
    m_stageButton = menuButton(tr("Transition Stage"), m_stageMenu, QStringLiteral("stageButton"), details);
    versionsBar->addWidget(m_stageButton);
    versionsBar->addWidget(toolButton(m_editVersionDescription, details));
    versionsBar->addWidget(
        menuButton(tr("Tags"), m_versionTagsMenu, QStringLiteral("versionTagsButton"), details));
    versionsBar->addStretch(1);
    versionsBar->addWidget(toolButton(m_compare, details));
    versionsBar->addWidget(toolButton(m_deleteVersion, details));
    auto *versionsTab = new QWidget(details);
    auto *versionsLayout = new QVBoxLayout(versionsTab);
    versionsLayout->setContentsMargins(0, 4, 0, 0);
    versionsLayout->setSpacing(4);
    versionsLayout->addLayout(versionsBar);
    versionsLayout->addWidget(m_versionsView, 1);

    // The audit trail, newest first, with its export.
    m_auditView = new DetailTableView(details);
    m_auditView->setObjectName(QStringLiteral("auditTrail"));
    m_auditView->setModel(m_audit);
    const std::pair<int, int> auditWidths[] = {
        {AuditTrailModel::TimeColumn, 11},   {AuditTrailModel::UserColumn, 7},
        {AuditTrailModel::ActionColumn, 10}, {AuditTrailModel::VersionColumn, 5},
        {AuditTrailModel::FromColumn, 14},
    };
    for (auto [column, w] : auditWidths)
        m_auditView->setColumnWidth(column, w * em);
    auto *exportAudit = new QPushButton(tr("Export CSV…"), details);
    exportAudit->setObjectName(QStringLiteral("exportAudit"));
    auto *auditBar = new QHBoxLayout;
    auto *auditNote = new QLabel(tr("Every registry change, with who made it and when."), details);
    auditNote->setForegroundRole(QPalette::PlaceholderText);
    auditBar->addWidget(auditNote, 1);
    auditBar->addWidget(exportAudit);
    auto *auditTab = new QWidget(details);
    auto *auditLayout = new QVBoxLayout(auditTab);
    auditLayout->setContentsMargins(0, 4, 0, 0);
    auditLayout->setSpacing(4);
    auditLayout->addLayout(auditBar);
    auditLayout->addWidget(m_auditView, 1);
    connect(exportAudit, &QPushButton::clicked, this, &ModelsPage::chooseAuditExport);

    m_tabs = new QTabWidget(details);
    m_tabs->setObjectName(QStringLiteral("modelTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(versionsTab, tr("Versions"));
    m_tabs->addTab(auditTab, tr("Audit Trail"));

    // The model's own description and tags beside its versions.
    m_description = new QLabel(details);
    m_description->setObjectName(QStringLiteral("modelDescription"));
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::MarkdownText);
    m_description->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_description->setOpenExternalLinks(true);
    m_description->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_description->setMinimumHeight(fontMetrics().lineSpacing() * 3);
    auto *editDescription = new QToolButton(details);
    editDescription->setObjectName(QStringLiteral("editModelDescription"));
    editDescription->setText(tr("Edit…"));
    editDescription->setAutoRaise(true);
    auto *descriptionRow = new QHBoxLayout;
    descriptionRow->addWidget(sectionTitle(tr("Description"), details), 1);
    descriptionRow->addWidget(editDescription);
    connect(editDescription, &QToolButton::clicked, this, &ModelsPage::openModelDescriptionDialog);

    m_tagsView = new DetailTableView(details);
    m_tagsView->setObjectName(QStringLiteral("modelTags"));
    m_tagsView->setModel(m_tags);
    m_tagsView->setColumnWidth(RegistryTagsModel::KeyColumn, 10 * em);
    m_tagsView->setContextMenuPolicy(Qt::CustomContextMenu);
    auto *addTag = new QPushButton(tr("Add…"), details);
    addTag->setObjectName(QStringLiteral("addModelTag"));
    m_editTag = new QPushButton(tr("Edit…"), details);
    m_editTag->setObjectName(QStringLiteral("editModelTag"));
    m_removeTag = new QPushButton(tr("Remove"), details);
    m_removeTag->setObjectName(QStringLiteral("removeModelTag"));
    auto *tagsRow = new QHBoxLayout;
    tagsRow->addWidget(sectionTitle(tr("Tags"), details), 1);
    tagsRow->addWidget(addTag);
    tagsRow->addWidget(m_editTag);
    tagsRow->addWidget(m_removeTag);
    connect(addTag, &QPushButton::clicked, this, [this] { openModelTagDialog({}); });
    connect(m_editTag, &QPushButton::clicked, this, [this] {
        const QModelIndex i = m_tagsView->currentIndex();
        if (i.isValid())
            openModelTagDialog(i.data(TagKeyRole).toString());
    });
    connect(m_removeTag, &QPushButton::clicked, this, [this] {
        const QModelIndex i = m_tagsView->currentIndex();
        if (i.isValid())
            removeModelTag(i.data(TagKeyRole).toString());
    });
    connect(m_tagsView, &QTableView::doubleClicked, this,
            [this](const QModelIndex &i) { openModelTagDialog(i.data(TagKeyRole).toString()); });
    connect(m_tagsView, &QWidget::customContextMenuRequested, this, &ModelsPage::showTagsMenu);

    auto *side = new QWidget(details);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(8, 4, 0, 0);
    sideLayout->setSpacing(4);
    sideLayout->addLayout(descriptionRow);
    sideLayout->addWidget(m_description);
    sideLayout->addSpacing(8);
    sideLayout->addLayout(tagsRow);
    sideLayout->addWidget(m_tagsView, 1);

    auto *body = new QSplitter(Qt::Horizontal, details);
    body->setObjectName(QStringLiteral("modelBody"));
    body->setChildrenCollapsible(false);
    body->addWidget(m_tabs);
    body->addWidget(side);
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 1);

    auto *shown = new QWidget(details);
    auto *shownLayout = new QVBoxLayout(shown);
    shownLayout->setContentsMargins(0, 6, 0, 0);
    shownLayout->setSpacing(4);
    shownLayout->addLayout(titleRow);
    shownLayout->addWidget(body, 1);

    m_noModel = new QLabel(tr("Choose a model above to see its versions and audit trail."), details);
    m_noModel->setObjectName(QStringLiteral("noModelChosen"));
    m_noModel->setAlignment(Qt::AlignCenter);
    m_noModel->setForegroundRole(QPalette::PlaceholderText);
    m_detailStack = new QStackedWidget(details);
    m_detailStack->addWidget(m_noModel);
    m_detailStack->addWidget(shown);
    auto *layout = new QVBoxLayout(details);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_detailStack);
    return details;
}

void ModelsPage::buildActions()
{
    m_deleteModel = new QAction(tr("&Delete Model…"), this);
    m_deleteModel->setObjectName(QStringLiteral("deleteModel"));
    m_deleteModel->setShortcut(QKeySequence::Delete);
    m_deleteModel->setShortcutContext(Qt::WidgetShortcut);
    m_modelsView->addAction(m_deleteModel);
    m_modelsView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_deleteModel, &QAction::triggered, this, &ModelsPage::confirmDeleteModel);
    connect(m_modelsView, &QWidget::customContextMenuRequested, this, &ModelsPage::showModelsMenu);

    auto *refreshAction = new QAction(tr("Refresh"), this);
    refreshAction->setShortcut(QKeySequence::Refresh);
    refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(refreshAction);
    connect(refreshAction, &QAction::triggered, this, &ModelsPage::refresh);

    connect(m_setAlias, &QAction::triggered, this, &ModelsPage::openAliasDialog);
    connect(m_editVersionDescription, &QAction::triggered, this, &ModelsPage::openVersionDescriptionDialog);
    connect(m_compare, &QAction::triggered, this, &ModelsPage::compareSelectedVersions);
    connect(m_deleteVersion, &QAction::triggered, this, &ModelsPage::confirmDeleteVersion);
    connect(m_openRun, &QAction::triggered, this, [this] {
        const QModelIndex i = m_versionsView->currentIndex();
        if (i.isValid())
            versionActivated(i.siblingAtColumn(ModelVersionsModel::RunColumn));
    });
    m_deleteVersion->setShortcut(QKeySequence::Delete);
    m_deleteVersion->setShortcutContext(Qt::WidgetShortcut);
    m_versionsView->addAction(m_deleteVersion);
    connect(m_stageMenu, &QMenu::aboutToShow, this, &ModelsPage::fillStageMenu);
    connect(m_removeAliasMenu, &QMenu::aboutToShow, this, [this] { fillRemoveAliasMenu(m_removeAliasMenu); });
    connect(m_versionTagsMenu, &QMenu::aboutToShow, this, [this] { fillVersionTagsMenu(m_versionTagsMenu); });
    connect(m_versionsView, &QWidget::customContextMenuRequested, this, &ModelsPage::showVersionMenu);
    connect(m_versionsView, &QAbstractItemView::activated, this, &ModelsPage::versionActivated);
    connect(m_versionsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ModelsPage::updateActions);
    connect(m_versionsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ModelsPage::updateActions);
    connect(m_tagsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ModelsPage::updateActions);
    connect(m_versions, &QAbstractItemModel::modelReset, this, &ModelsPage::updateActions);
}

bool ModelsPage::isLoading() const
{
    return m_listLoading || m_detailsLoading;
}

bool ModelsPage::isBusy() const
{
    return m_writes > 0 || m_exports > 0;
}

QString ModelsPage::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void ModelsPage::refresh()
{
    requestList();
}

void ModelsPage::showModel(const QString &model, int version)
{
    m_pendingModel = model;
    m_pendingVersion = version;
    if (m_listLoaded && !m_listLoading)
        applyPendingSelection();
}

void ModelsPage::applyPendingSelection()
{
    if (m_pendingModel.isEmpty())
        return;
    const int row = m_models->rowOf(m_pendingModel);
    if (row < 0) {
        showMessage(tr("There is no registered model “%1” in this database.").arg(m_pendingModel));
        m_pendingModel.clear();
        return;
    }
    QModelIndex at = m_modelsProxy->mapFromSource(m_models->index(row, 0));
    if (!at.isValid()) { // filtered out: show it anyway
        m_filter->clear();
        at = m_modelsProxy->mapFromSource(m_models->index(row, 0));
    }
    if (m_current != m_pendingModel) {
        m_modelsView->setCurrentIndex(at); // loads its details; the version is selected when they arrive
        m_modelsView->scrollTo(at);
        return;
    }
    if (m_detailsLoading)
        return;
    if (m_pendingVersion > 0) {
        const int vrow = m_versions->rowOf(m_current, m_pendingVersion);
        if (vrow >= 0) {
            m_tabs->setCurrentIndex(VersionsTab);
            m_versionsView->selectRow(vrow);
            m_versionsView->scrollTo(m_versions->index(vrow, 0));
        }
    }
    m_pendingModel.clear();
    m_pendingVersion = 0;
}

void ModelsPage::requestList()
{
    const quint64 request = ++m_listRequest;
    m_listLoading = true;
    Q_EMIT loadingChanged();
    m_worker->run<std::vector<RegisteredModel>>(
        this, [](Store &store) { return store.registeredModels(); },
        [this, request](std::vector<RegisteredModel> models) {
            if (request != m_listRequest)
                return;
            m_listLoading = false;
            m_listLoaded = true;
            m_models->setModels(std::move(models));
            if (!m_modelsFitted && m_models->rowCount() > 0 && isVisible()) {
                m_modelsFitted = true;
                QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // real widths first
                fitColumns(m_modelsView, 5, 30,
                           {RegisteredModelsModel::DescriptionColumn, RegisteredModelsModel::TagsColumn,
                            RegisteredModelsModel::UpdatedColumn, RegisteredModelsModel::ArchivedColumn});
                // Long descriptions would push the rest out of sight; the tooltip has them whole.
                const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
                m_modelsView->setColumnWidth(
                    RegisteredModelsModel::DescriptionColumn,
                    std::min(m_modelsView->columnWidth(RegisteredModelsModel::DescriptionColumn), 20 * em));
            }
            m_stack->setCurrentWidget(m_models->rowCount() > 0 ? static_cast<QWidget *>(m_splitter)
                                                               : m_empty);
            updateTabTitles();
            // A reset of the list (a model added or removed) drops the current row silently: choose the
            // shown model again, or the first one when it went away.
            const int row = m_current.isEmpty() ? -1 : m_models->rowOf(m_current);
            const QModelIndex at =
                row >= 0 ? m_modelsProxy->mapFromSource(m_models->index(row, 0)) : QModelIndex();
            if (at.isValid()) {
                if (m_modelsView->currentIndex().row() != at.row())
                    m_modelsView->setCurrentIndex(at);
                requestDetails(m_current);
            } else {
                m_current.clear();
                m_detailStack->setCurrentWidget(m_noModel);
                if (m_pendingModel.isEmpty() && m_modelsProxy->rowCount() > 0)
                    m_modelsView->setCurrentIndex(m_modelsProxy->index(0, 0));
            }
            applyPendingSelection();
            Q_EMIT loadingChanged();
        },
        [this, request](const QString &message) {
            if (request != m_listRequest)
                return;
            m_listLoading = false;
            m_listLoaded = true;
            showMessage(tr("Could not read the registered models: %1").arg(message));
            Q_EMIT loadingChanged();
        });
}

void ModelsPage::currentModelChanged()
{
    const QModelIndex at = m_modelsView->currentIndex();
    const QString name = at.isValid() ? at.data(ModelNameRole).toString() : QString();
    if (name == m_current)
        return;
    m_current = name;
    if (name.isEmpty()) {
        m_detailStack->setCurrentWidget(m_noModel);
        updateActions();
        return;
    }
    // Shown right away from the list; versions and audit fill in from the details job.
    const int row = m_models->rowOf(name);
    if (row >= 0) {
        const RegisteredModel &m = m_models->models()[size_t(row)];
        m_versions->setVersions(m.versions);
        m_tags->setTags(m.tags);
    }
    m_audit->setEntries({});
    m_title->setText(display::elidedLine(name, display::MaxLabelChars));
    m_detailStack->setCurrentWidget(m_detailStack->widget(1));
    requestDetails(name);
}

void ModelsPage::requestDetails(const QString &name)
{
    const quint64 request = ++m_detailsRequest;
    m_detailsLoading = true;
    Q_EMIT loadingChanged();
    m_worker->run<ModelDetails>(
        this, [name](Store &store) { return ModelDetails::load(store, name); },
        [this, request](ModelDetails details) {
            if (request != m_detailsRequest)
                return;
            m_detailsLoading = false;
            applyDetails(std::move(details));
            applyPendingSelection();
            Q_EMIT loadingChanged();
        },
        [this, request, name](const QString &message) {
            if (request != m_detailsRequest)
                return;
            m_detailsLoading = false;
            showMessage(tr("Could not read the model “%1”: %2").arg(name, message));
            Q_EMIT loadingChanged();
        });
}

void ModelsPage::applyDetails(ModelDetails &&d)
{
    if (d.requestedName != m_current)
        return;
    if (!d.model) {
        showMessage(tr("The model “%1” is no longer in the database.").arg(d.requestedName));
        requestList();
        return;
    }
    const RegisteredModel &m = *d.model;
    m_title->setText(display::elidedLine(m.name, display::MaxLabelChars));
    int latest = 0;
    for (const ModelVersion &v : m.versions)
        latest = std::max(latest, v.version);
    QStringList facts;
    facts << tr("%n version(s)", nullptr, int(m.versions.size()));
    if (latest)
        facts << tr("latest v%1").arg(latest);
    if (!m.aliases.isEmpty())
        facts << RegisteredModelsModel::aliasesText(m.aliases);
    if (m.createdMs)
        facts << tr("created %1")
                     .arg(QDateTime::fromMSecsSinceEpoch(m.createdMs)
                              .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    m_subtitle->setText(facts.join(QStringLiteral("  ·  ")));
    m_aliases = m.aliases;
    m_descriptionText = m.description;
    if (m.description.isEmpty()) {
        m_description->setTextFormat(Qt::PlainText);
        m_description->setText(tr("No description. Use Edit… to say what this model is for."));
        m_description->setForegroundRole(QPalette::PlaceholderText);
    } else {
        m_description->setTextFormat(Qt::MarkdownText);
        m_description->setText(display::elided(m.description));
        m_description->setForegroundRole(QPalette::WindowText);
    }
    m_tags->setTags(m.tags);
    m_versions->setVersions(m.versions, d.runs);
    m_audit->setEntries(std::move(d.audit));
    if (!m_versionsFitted && m_versions->rowCount() > 0 && isVisible()) {
        m_versionsFitted = true;
        // The details were just shown for the first time: lay them out now, so that the tables are fitted
        // to their real width rather than to the size a hidden widget has.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        fitColumns(m_versionsView, 4, 24,
                   {ModelVersionsModel::DescriptionColumn, ModelVersionsModel::TagsColumn,
                    ModelVersionsModel::SourceColumn, ModelVersionsModel::CreatorColumn,
                    ModelVersionsModel::CreatedColumn});
        fitColumns(m_auditView, 4, 30, {AuditTrailModel::ToColumn, AuditTrailModel::FromColumn});
    }
    // A version in focus from the start, so that its actions are at hand: the newest.
    if (!m_versionsView->currentIndex().isValid() && m_versions->rowCount() > 0 && m_pendingVersion == 0)
        m_versionsView->setCurrentIndex(m_versions->index(0, ModelVersionsModel::VersionColumn));
    updateTabTitles();
    updateActions();
}

void ModelsPage::updateTabTitles()
{
    if (m_tabs) {
        m_tabs->setTabText(VersionsTab, m_versions->rowCount() > 0
                                            ? tr("Versions (%1)").arg(m_versions->rowCount())
                                            : tr("Versions"));
        m_tabs->setTabText(AuditTab, m_audit->rowCount() > 0 ? tr("Audit Trail (%1)").arg(m_audit->rowCount())
                                                             : tr("Audit Trail"));
    }
    if (m_listLoaded) {
        const int shown = m_modelsProxy->rowCount(), all = m_models->rowCount();
        m_count->setText(shown == all ? tr("%n registered model(s)", nullptr, all)
                                      : tr("%1 of %n registered model(s)", nullptr, all).arg(shown));
    }
}

int ModelsPage::currentVersion() const
{
    const QModelIndex i = m_versionsView->currentIndex();
    return i.isValid() ? i.data(ModelVersionRole).toInt() : 0;
}

QList<int> ModelsPage::selectedVersions() const
{
    QList<int> out;
    for (const QModelIndex &i : m_versionsView->selectionModel()->selectedRows())
        out << i.data(ModelVersionRole).toInt();
    std::sort(out.begin(), out.end(), std::greater<>());
    return out;
}

void ModelsPage::updateActions()
{
    const bool one = currentVersion() > 0;
    const int selected = int(m_versionsView->selectionModel()->selectedRows().size());
    m_setAlias->setEnabled(one && !m_current.isEmpty());
    m_stageButton->setEnabled(one);
    m_editVersionDescription->setEnabled(one);
    m_deleteVersion->setEnabled(one);
    m_openRun->setEnabled(one);
    m_compare->setEnabled(selected >= 2);
    m_removeAliasMenu->setEnabled(!m_aliases.isEmpty());
    const bool tag = m_tagsView->currentIndex().isValid();
    m_editTag->setEnabled(tag);
    m_removeTag->setEnabled(tag);
    updateTabTitles();
}

void ModelsPage::fillStageMenu()
{
    m_stageMenu->clear();
    const int version = currentVersion();
    const int row = m_versions->rowOf(m_current, version);
    if (row < 0)
        return;
    const ModelStage current = m_versions->versionAt(row).stage;
    for (ModelStage s :
         {ModelStage::None, ModelStage::Staging, ModelStage::Production, ModelStage::Archived}) {
        QAction *a = m_stageMenu->addAction(modelStageName(s), this, [this, version, s] {
            transitionStage(version, s,
                            m_archiveExisting && (s == ModelStage::Staging || s == ModelStage::Production));
        });
        a->setObjectName(QStringLiteral("stage:") + modelStageName(s));
        a->setCheckable(true);
        a->setChecked(s == current);
        a->setEnabled(s != current);
    }
    m_stageMenu->addSeparator();
    QAction *archive = m_stageMenu->addAction(tr("Archive the Other Versions in Staging or Production"));
    archive->setObjectName(QStringLiteral("archiveExisting"));
    archive->setCheckable(true);
    archive->setChecked(m_archiveExisting);
    archive->setToolTip(tr("Moving a version to Staging or Production moves the versions already there to "
                           "Archived"));
    connect(archive, &QAction::toggled, this, [this](bool on) { m_archiveExisting = on; });
}

void ModelsPage::fillRemoveAliasMenu(QMenu *menu)
{
    menu->clear();
    // The aliases of the version in focus first; every alias of the model can be removed from here.
    for (auto it = m_aliases.begin(); it != m_aliases.end(); ++it) {
        const QString alias = it.key();
        QAction *a = menu->addAction(tr("%1 (v%2)").arg(alias).arg(it.value()), this,
                                     [this, alias] { removeAlias(alias); });
        a->setObjectName(QStringLiteral("removeAlias:") + alias);
    }
    if (m_aliases.isEmpty())
        menu->addAction(tr("No aliases"))->setEnabled(false);
}

void ModelsPage::fillVersionTagsMenu(QMenu *menu)
{
    menu->clear();
    const int version = currentVersion();
    const int row = m_versions->rowOf(m_current, version);
    if (row < 0) {
        menu->addAction(tr("Choose a version first"))->setEnabled(false);
        return;
    }
    menu->addAction(tr("Set Tag on v%1…").arg(version), this,
                    [this, version] { openVersionTagDialog(version); })
        ->setObjectName(QStringLiteral("setVersionTag"));
    const QMap<QString, QString> tags = m_versions->versionAt(row).tags;
    if (tags.isEmpty())
        return;
    menu->addSeparator();
    for (auto it = tags.begin(); it != tags.end(); ++it) {
        const QString key = it.key();
        menu->addAction(tr("Remove “%1”").arg(key), this,
                        [this, version, key] { removeVersionTag(version, key); })
            ->setObjectName(QStringLiteral("removeVersionTag:") + key);
    }
}

void ModelsPage::showVersionMenu(const QPoint &pos)
{
    const QModelIndex at = m_versionsView->indexAt(pos);
    if (!at.isValid())
        return;
    if (!m_versionsView->selectionModel()->isRowSelected(at.row(), {}))
        m_versionsView->selectRow(at.row());
    m_versionsView->setCurrentIndex(at);
    QMenu menu(this);
    menu.addAction(m_openRun);
    menu.addAction(m_compare);
    menu.addSeparator();
    menu.addAction(m_setAlias);
    QMenu *remove = menu.addMenu(tr("&Remove Alias"));
    fillRemoveAliasMenu(remove);
    QMenu *stages = menu.addMenu(tr("&Transition Stage"));
    fillStageMenu();
    stages->addActions(m_stageMenu->actions());
    menu.addAction(m_editVersionDescription);
    QMenu *tags = menu.addMenu(tr("Ta&gs"));
    fillVersionTagsMenu(tags);
    menu.addSeparator();
    menu.addAction(m_versionsView->copyRowsAction());
    menu.addAction(m_deleteVersion);
    menu.exec(m_versionsView->viewport()->mapToGlobal(pos));
}

void ModelsPage::showTagsMenu(const QPoint &pos)
{
    const QModelIndex at = m_tagsView->indexAt(pos);
    QMenu menu(this);
    menu.addAction(tr("&Add Tag…"), this, [this] { openModelTagDialog({}); });
    if (at.isValid()) {
        const QString key = at.data(TagKeyRole).toString();
        menu.addAction(tr("&Edit “%1”…").arg(key), this, [this, key] { openModelTagDialog(key); });
        menu.addAction(tr("&Remove “%1”").arg(key), this, [this, key] { removeModelTag(key); });
    }
    menu.exec(m_tagsView->viewport()->mapToGlobal(pos));
}

void ModelsPage::versionActivated(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const QString runId = index.data(RunIdRole).toString();
    if (index.column() != ModelVersionsModel::RunColumn &&
        index.column() != ModelVersionsModel::VersionColumn) {
        // Activating elsewhere on the row edits what is there.
        if (index.column() == ModelVersionsModel::DescriptionColumn)
            openVersionDescriptionDialog();
        else if (index.column() == ModelVersionsModel::AliasesColumn)
            openAliasDialog();
        else if (!runId.isEmpty())
            Q_EMIT runActivated(runId);
        return;
    }
    if (runId.isEmpty()) {
        showMessage(tr("Version %1 is not linked to a run.").arg(index.data(ModelVersionRole).toInt()));
        return;
    }
    Q_EMIT runActivated(runId);
}

void ModelsPage::showMessage(const QString &text)
{
    // Messages name models, whose names come from elsewhere: cut, as every such text shown.
    m_message->setText(display::elided(text));
    m_message->show();
    Q_EMIT statusMessage(text);
}

void ModelsPage::write(const QString &what, std::function<void(Store &)> job, const QString &done)
{
    ++m_writes;
    m_worker->write<bool>(
        this,
        [job = std::move(job)](Store &store) {
            job(store);
            return true;
        },
        [this, done](bool) {
            --m_writes;
            m_message->hide();
            Q_EMIT statusMessage(done);
            refresh();
        },
        [this, what](const QString &message) {
            --m_writes;
            showMessage(tr("Could not %1: %2").arg(what, message));
            refresh(); // show what is stored
        });
}

void ModelsPage::setAlias(int version, const QString &alias)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    const auto moved = m_aliases.constFind(alias);
    const QString done = moved != m_aliases.cend() && *moved != version
                             ? tr("Moved the alias “%1” from version %2 to version %3 of %4")
                                   .arg(alias)
                                   .arg(*moved)
                                   .arg(version)
                                   .arg(model)
                             : tr("Version %1 of %2 is now “%3”").arg(version).arg(model, alias);
    write(
        tr("set the alias “%1”").arg(alias),
        [model, alias, version](Store &store) { store.setModelAlias(model, alias, version); }, done);
}

void ModelsPage::removeAlias(const QString &alias)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("remove the alias “%1”").arg(alias),
        [model, alias](Store &store) { store.deleteModelAlias(model, alias); },
        tr("Removed the alias “%1” from %2").arg(alias, model));
}

void ModelsPage::transitionStage(int version, ModelStage stage, bool archiveExisting)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("move version %1 to %2").arg(version).arg(modelStageName(stage)),
        [model, version, stage, archiveExisting](Store &store) {
            store.setModelVersionStage(model, version, stage, archiveExisting);
        },
        tr("Version %1 of %2 is now in %3").arg(version).arg(model, modelStageName(stage)));
}

void ModelsPage::setVersionDescription(int version, const QString &description)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("save the description of version %1").arg(version),
        [model, version, description](Store &store) {
            store.setModelVersionDescription(model, version, description);
        },
        tr("Saved the description of version %1").arg(version));
}

void ModelsPage::setModelDescription(const QString &description)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("save the description of %1").arg(model),
        [model, description](Store &store) { store.setRegisteredModelDescription(model, description); },
        tr("Saved the description of %1").arg(model));
}

void ModelsPage::setModelTag(const QString &key, const QString &value)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("set the tag “%1”").arg(key),
        [model, key, value](Store &store) { store.setRegisteredModelTag(model, key, value); },
        tr("Tagged %1 with %2").arg(model, key));
}

void ModelsPage::removeModelTag(const QString &key)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("remove the tag “%1”").arg(key),
        [model, key](Store &store) { store.deleteRegisteredModelTag(model, key); },
        tr("Removed the tag “%1” from %2").arg(key, model));
}

void ModelsPage::setVersionTag(int version, const QString &key, const QString &value)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("set the tag “%1” on version %2").arg(key).arg(version),
        [model, version, key, value](Store &store) { store.setModelVersionTag(model, version, key, value); },
        tr("Tagged version %1 with %2").arg(version).arg(key));
}

void ModelsPage::removeVersionTag(int version, const QString &key)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("remove the tag “%1” from version %2").arg(key).arg(version),
        [model, version, key](Store &store) { store.deleteModelVersionTag(model, version, key); },
        tr("Removed the tag “%1” from version %2").arg(key).arg(version));
}

void ModelsPage::deleteVersion(int version)
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    write(
        tr("delete version %1").arg(version),
        [model, version](Store &store) { store.deleteModelVersion(model, version); },
        tr("Deleted version %1 of %2").arg(version).arg(model));
}

void ModelsPage::deleteModel(const QString &model)
{
    if (model.isEmpty())
        return;
    write(
        tr("delete the model %1").arg(model), [model](Store &store) { store.deleteRegisteredModel(model); },
        tr("Deleted the model %1").arg(model));
}

void ModelsPage::showModelsMenu(const QPoint &pos)
{
    const QModelIndex at = m_modelsView->indexAt(pos);
    if (!at.isValid())
        return;
    m_modelsView->setCurrentIndex(at);
    QMenu menu(this);
    menu.addAction(m_modelsView->copyRowsAction());
    menu.addSeparator();
    menu.addAction(m_deleteModel);
    menu.exec(m_modelsView->viewport()->mapToGlobal(pos));
}

void ModelsPage::confirmDeleteModel()
{
    const QString model = m_current;
    if (model.isEmpty())
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete Model"),
                                tr("Delete the registered model %1 with all its versions?")
                                    .arg(display::elidedLine(model, display::MaxLabelChars)),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmDeleteModel"));
    box->setInformativeText(
        tr("Its versions, aliases and tags go; the runs and their artifacts stay, and the "
           "audit trail keeps the record."));
    QPushButton *remove = box->addButton(tr("Delete Model"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("confirmDelete"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, remove, model](QAbstractButton *b) {
        if (b == remove)
            deleteModel(model);
    });
    open(box);
}

void ModelsPage::compareSelectedVersions()
{
    QStringList runs, missing;
    for (const QModelIndex &i : m_versionsView->selectionModel()->selectedRows()) {
        const QString id = i.data(RunIdRole).toString();
        const QString label = QStringLiteral("v%1").arg(i.data(ModelVersionRole).toInt());
        if (id.isEmpty() || !m_versions->hasRun(i.row()))
            missing << label; // no run, or a run this database does not hold
        else if (!runs.contains(id))
            runs << id;
    }
    if (!missing.isEmpty()) {
        showMessage(tr("Cannot compare %1: the run is not in this database.")
                        .arg(missing.join(QStringLiteral(", "))));
        return;
    }
    if (runs.size() < 2) {
        showMessage(runs.isEmpty() ? tr("Select two or more versions to compare their runs.")
                                   : tr("The selected versions were all made from the same run."));
        return;
    }
    m_message->hide();
    Q_EMIT compareRequested(runs);
}

void ModelsPage::exportAudit(const QString &path)
{
    std::vector<AuditEntry> entries = m_audit->entries();
    ++m_exports;
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        --m_exports;
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty()) {
            showMessage(
                tr("Could not export the audit trail to %1: %2").arg(QDir::toNativeSeparators(path), error));
            return;
        }
        Q_EMIT statusMessage(tr("Exported the audit trail to %1").arg(QDir::toNativeSeparators(path)));
        Q_EMIT auditExported(path);
    });
    watcher->setFuture(QtConcurrent::run([entries = std::move(entries), path] {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return file.errorString();
        const QByteArray bytes = auditCsv(entries).toUtf8();
        if (file.write(bytes) != bytes.size())
            return file.errorString();
        if (!file.commit())
            return file.errorString();
        return QString();
    }));
}

void ModelsPage::chooseAuditExport()
{
    if (m_current.isEmpty())
        return;
    QString name = m_current;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("_"));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Audit Trail"), QDir::home().filePath(name + QStringLiteral("-audit.csv")),
        tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportAudit(path);
}

void ModelsPage::open(QDialog *dialog)
{
    if (m_dialog)
        m_dialog->reject();
    m_dialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void ModelsPage::openAliasDialog()
{
    const int version = currentVersion();
    if (version <= 0 || m_current.isEmpty())
        return;
    auto *dialog = new AliasDialog(m_current, version, m_aliases, this);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { setAlias(dialog->version(), dialog->alias()); });
    open(dialog);
}

void ModelsPage::openVersionDescriptionDialog()
{
    const int version = currentVersion();
    const int row = m_versions->rowOf(m_current, version);
    if (row < 0)
        return;
    auto *dialog = new DescriptionDialog(tr("%1, version %2").arg(m_current).arg(version),
                                         m_versions->versionAt(row).description, this);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, version] { setVersionDescription(version, dialog->description()); });
    open(dialog);
}

void ModelsPage::openModelDescriptionDialog()
{
    if (m_current.isEmpty())
        return;
    auto *dialog = new DescriptionDialog(tr("Registered model %1").arg(m_current), m_descriptionText, this);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setModelDescription(dialog->description()); });
    open(dialog);
}

void ModelsPage::openModelTagDialog(const QString &key)
{
    if (m_current.isEmpty())
        return;
    auto *dialog =
        new TagDialog(tr("Registered model %1").arg(m_current), key, m_tags->tags().value(key), this);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { setModelTag(dialog->key(), dialog->value()); });
    open(dialog);
}

void ModelsPage::openVersionTagDialog(int version)
{
    if (m_current.isEmpty() || version <= 0)
        return;
    auto *dialog = new TagDialog(tr("%1, version %2").arg(m_current).arg(version), {}, {}, this);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, version] { setVersionTag(version, dialog->key(), dialog->value()); });
    open(dialog);
}

void ModelsPage::confirmDeleteVersion()
{
    const int version = currentVersion();
    if (version <= 0 || m_current.isEmpty())
        return;
    const int row = m_versions->rowOf(m_current, version);
    const QStringList aliases = row >= 0 ? m_versions->versionAt(row).aliases : QStringList();
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete Version"),
                                tr("Delete version %1 of %2?")
                                    .arg(version)
                                    .arg(display::elidedLine(m_current, display::MaxLabelChars)),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmDeleteVersion"));
    box->setInformativeText(
        aliases.isEmpty()
            ? tr("The change is recorded in the audit trail. Its run and artifacts stay.")
            : tr("Its aliases (%1) go with it. The change is recorded in the audit trail; its run and "
                 "artifacts stay.")
                  .arg(aliases.join(QStringLiteral(", "))));
    QPushButton *remove = box->addButton(tr("Delete Version"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("confirmDelete"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, remove, version](QAbstractButton *b) {
        if (b == remove)
            deleteVersion(version);
    });
    open(box);
}

} // namespace runlens
