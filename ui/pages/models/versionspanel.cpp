// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/models/versionspanel.h"

#include "actions/registryactions.h"
#include "dialogs/aliasdialog.h"
#include "dialogs/descriptiondialog.h"
#include "dialogs/tagdialog.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/modelversionsmodel.h"
#include "itemmodels/roles.h"
#include "pages/models/columnfit.h"
#include "widgets/detailtableview.h"

#include <algorithm>
#include <functional>
#include <QAction>
#include <QHBoxLayout>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {

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

VersionsPanel::VersionsPanel(RegistryActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_actions(actions)
    , m_versions(new ModelVersionsModel(this))
{
    // Versions, with their actions in a bar above them.
    m_view = new DetailTableView(this);
    m_view->setObjectName(QStringLiteral("modelVersions"));
    m_view->setModel(m_versions);
    m_view->setColumnHidden(ModelVersionsModel::ModelColumn, true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setMouseTracking(true);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const std::pair<int, int> widths[] = {
        {ModelVersionsModel::VersionColumn, 5}, {ModelVersionsModel::RunColumn, 12},
        {ModelVersionsModel::StageColumn, 7},   {ModelVersionsModel::AliasesColumn, 9},
        {ModelVersionsModel::TagsColumn, 10},   {ModelVersionsModel::SourceColumn, 9},
        {ModelVersionsModel::CreatorColumn, 6}, {ModelVersionsModel::CreatedColumn, 11},
    };
    for (auto [column, w] : widths)
        m_view->setColumnWidth(column, w * em);

    auto *versionsBar = new QHBoxLayout;
    versionsBar->setSpacing(2);
    m_setAlias = new QAction(tr("Set &Alias…"), this);
    m_setAlias->setObjectName(QStringLiteral("setAlias"));
    m_removeAliasMenu = new QMenu(tr("&Remove Alias"), this);
    m_removeAliasMenu->setObjectName(QStringLiteral("removeAliasMenu"));
    m_stageMenu = new QMenu(tr("&Transition Stage"), this);
    m_stageMenu->setObjectName(QStringLiteral("stageMenu"));
    m_editDescription = new QAction(tr("Edit &Description…"), this);
    m_editDescription->setObjectName(QStringLiteral("editVersionDescription"));
    m_versionTagsMenu = new QMenu(tr("Ta&gs"), this);
    m_versionTagsMenu->setObjectName(QStringLiteral("versionTagsMenu"));
    m_compare = new QAction(tr("&Compare Versions"), this);
    m_compare->setObjectName(QStringLiteral("compareVersions"));
    m_compare->setToolTip(tr("Open the runs of the selected versions in the compare view"));
    m_delete = new QAction(tr("De&lete Version…"), this);
    m_delete->setObjectName(QStringLiteral("deleteVersion"));
    m_openRun = new QAction(tr("&Open Run"), this);
    m_openRun->setObjectName(QStringLiteral("openRun"));
    versionsBar->addWidget(toolButton(m_setAlias, this));
    versionsBar->addWidget(
        menuButton(tr("Remove Alias"), m_removeAliasMenu, QStringLiteral("removeAliasButton"), this));
    m_stageButton = menuButton(tr("Transition Stage"), m_stageMenu, QStringLiteral("stageButton"), this);
    versionsBar->addWidget(m_stageButton);
    versionsBar->addWidget(toolButton(m_editDescription, this));
    versionsBar->addWidget(
        menuButton(tr("Tags"), m_versionTagsMenu, QStringLiteral("versionTagsButton"), this));
    versionsBar->addStretch(1);
    versionsBar->addWidget(toolButton(m_compare, this));
    versionsBar->addWidget(toolButton(m_delete, this));
    auto *versionsLayout = new QVBoxLayout(this);
    versionsLayout->setContentsMargins(0, 4, 0, 0);
    versionsLayout->setSpacing(4);
    versionsLayout->addLayout(versionsBar);
    versionsLayout->addWidget(m_view, 1);

    connect(m_setAlias, &QAction::triggered, this, &VersionsPanel::openAliasDialog);
    connect(m_editDescription, &QAction::triggered, this, &VersionsPanel::openDescriptionDialog);
    connect(m_compare, &QAction::triggered, this, &VersionsPanel::compareSelected);
    connect(m_delete, &QAction::triggered, this, &VersionsPanel::confirmDelete);
    connect(m_openRun, &QAction::triggered, this, [this] {
        const QModelIndex i = m_view->currentIndex();
        if (i.isValid())
            versionActivated(i.siblingAtColumn(ModelVersionsModel::RunColumn));
    });
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetShortcut);
    m_view->addAction(m_delete);
    connect(m_stageMenu, &QMenu::aboutToShow, this, &VersionsPanel::fillStageMenu);
    connect(m_removeAliasMenu, &QMenu::aboutToShow, this, [this] { fillRemoveAliasMenu(m_removeAliasMenu); });
    connect(m_versionTagsMenu, &QMenu::aboutToShow, this, [this] { fillVersionTagsMenu(m_versionTagsMenu); });
    connect(m_view, &QWidget::customContextMenuRequested, this, &VersionsPanel::showMenu);
    connect(m_view, &QAbstractItemView::activated, this, &VersionsPanel::versionActivated);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &VersionsPanel::updateActions);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &VersionsPanel::updateActions);
    connect(m_versions, &QAbstractItemModel::modelReset, this, &VersionsPanel::updateActions);
    updateActions();
}

void VersionsPanel::setModel(const QString &model)
{
    m_model = model;
    updateActions();
}

void VersionsPanel::setVersions(const std::vector<ModelVersion> &versions)
{
    m_versions->setVersions(versions);
}

void VersionsPanel::setVersions(const std::vector<ModelVersion> &versions,
                                const QMap<QString, VersionRun> &runs)
{
    m_versions->setVersions(versions, runs);
}

void VersionsPanel::setAliases(const QMap<QString, int> &aliases)
{
    m_aliases = aliases;
    updateActions();
}

void VersionsPanel::fitColumns()
{
    runlens::fitColumns(m_view, 4, 24,
                        {ModelVersionsModel::DescriptionColumn, ModelVersionsModel::TagsColumn,
                         ModelVersionsModel::SourceColumn, ModelVersionsModel::CreatorColumn,
                         ModelVersionsModel::CreatedColumn});
}

bool VersionsPanel::selectVersion(int version)
{
    const int row = m_versions->rowOf(m_model, version);
    if (row < 0)
        return false;
    m_view->selectRow(row);
    m_view->scrollTo(m_versions->index(row, 0));
    return true;
}

void VersionsPanel::focusNewest()
{
    if (!m_view->currentIndex().isValid() && m_versions->rowCount() > 0)
        m_view->setCurrentIndex(m_versions->index(0, ModelVersionsModel::VersionColumn));
}

int VersionsPanel::currentVersion() const
{
    const QModelIndex i = m_view->currentIndex();
    return i.isValid() ? i.data(ModelVersionRole).toInt() : 0;
}

QList<int> VersionsPanel::selectedVersions() const
{
    QList<int> out;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        out << i.data(ModelVersionRole).toInt();
    std::sort(out.begin(), out.end(), std::greater<>());
    return out;
}

void VersionsPanel::updateActions()
{
    const bool one = currentVersion() > 0;
    const int selected = int(m_view->selectionModel()->selectedRows().size());
    m_setAlias->setEnabled(one && !m_model.isEmpty());
    m_stageButton->setEnabled(one);
    m_editDescription->setEnabled(one);
    m_delete->setEnabled(one);
    m_openRun->setEnabled(one);
    m_compare->setEnabled(selected >= 2);
    m_removeAliasMenu->setEnabled(!m_aliases.isEmpty());
}

void VersionsPanel::fillStageMenu()
{
    m_stageMenu->clear();
    const int version = currentVersion();
    const int row = m_versions->rowOf(m_model, version);
    if (row < 0)
        return;
    const ModelStage current = m_versions->versionAt(row).stage;
    for (ModelStage s :
         {ModelStage::None, ModelStage::Staging, ModelStage::Production, ModelStage::Archived}) {
        QAction *a = m_stageMenu->addAction(modelStageName(s), this, [this, version, s] {
            if (!m_model.isEmpty())
                m_actions->transitionStage(m_model, version, s,
                                           m_archiveExisting &&
                                               (s == ModelStage::Staging || s == ModelStage::Production));
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

void VersionsPanel::fillRemoveAliasMenu(QMenu *menu)
{
    menu->clear();
    // The aliases of the version in focus first; every alias of the model can be removed from here.
    for (auto it = m_aliases.begin(); it != m_aliases.end(); ++it) {
        const QString alias = it.key();
        QAction *a = menu->addAction(tr("%1 (v%2)").arg(alias).arg(it.value()), this, [this, alias] {
            if (!m_model.isEmpty())
                m_actions->removeAlias(m_model, alias);
        });
        a->setObjectName(QStringLiteral("removeAlias:") + alias);
    }
    if (m_aliases.isEmpty())
        menu->addAction(tr("No aliases"))->setEnabled(false);
}

void VersionsPanel::fillVersionTagsMenu(QMenu *menu)
{
    menu->clear();
    const int version = currentVersion();
    const int row = m_versions->rowOf(m_model, version);
    if (row < 0) {
        menu->addAction(tr("Choose a version first"))->setEnabled(false);
        return;
    }
    menu->addAction(tr("Set Tag on v%1…").arg(version), this, [this, version] { openTagDialog(version); })
        ->setObjectName(QStringLiteral("setVersionTag"));
    const QMap<QString, QString> tags = m_versions->versionAt(row).tags;
    if (tags.isEmpty())
        return;
    menu->addSeparator();
    for (auto it = tags.begin(); it != tags.end(); ++it) {
        const QString key = it.key();
        menu->addAction(tr("Remove “%1”").arg(key), this,
                        [this, version, key] {
                            if (!m_model.isEmpty())
                                m_actions->removeVersionTag(m_model, version, key);
                        })
            ->setObjectName(QStringLiteral("removeVersionTag:") + key);
    }
}

void VersionsPanel::showMenu(const QPoint &pos)
{
    const QModelIndex at = m_view->indexAt(pos);
    if (!at.isValid())
        return;
    if (!m_view->selectionModel()->isRowSelected(at.row(), {}))
        m_view->selectRow(at.row());
    m_view->setCurrentIndex(at);
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
    menu.addAction(m_editDescription);
    QMenu *tags = menu.addMenu(tr("Ta&gs"));
    fillVersionTagsMenu(tags);
    menu.addSeparator();
    menu.addAction(m_view->copyRowsAction());
    menu.addAction(m_delete);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void VersionsPanel::versionActivated(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const QString runId = index.data(RunIdRole).toString();
    if (index.column() != ModelVersionsModel::RunColumn &&
        index.column() != ModelVersionsModel::VersionColumn) {
        // Activating elsewhere on the row edits what is there.
        if (index.column() == ModelVersionsModel::DescriptionColumn)
            openDescriptionDialog();
        else if (index.column() == ModelVersionsModel::AliasesColumn)
            openAliasDialog();
        else if (!runId.isEmpty())
            Q_EMIT runActivated(runId);
        return;
    }
    if (runId.isEmpty()) {
        Q_EMIT problem(tr("Version %1 is not linked to a run.").arg(index.data(ModelVersionRole).toInt()));
        return;
    }
    Q_EMIT runActivated(runId);
}

void VersionsPanel::compareSelected()
{
    QStringList runs, missing;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows()) {
        const QString id = i.data(RunIdRole).toString();
        const QString label = QStringLiteral("v%1").arg(i.data(ModelVersionRole).toInt());
        if (id.isEmpty() || !m_versions->hasRun(i.row()))
            missing << label; // no run, or a run this database does not hold
        else if (!runs.contains(id))
            runs << id;
    }
    if (!missing.isEmpty()) {
        Q_EMIT problem(tr("Cannot compare %1: the run is not in this database.")
                           .arg(missing.join(QStringLiteral(", "))));
        return;
    }
    if (runs.size() < 2) {
        Q_EMIT problem(runs.isEmpty() ? tr("Select two or more versions to compare their runs.")
                                      : tr("The selected versions were all made from the same run."));
        return;
    }
    Q_EMIT compareRequested(runs);
}

void VersionsPanel::openAliasDialog()
{
    const int version = currentVersion();
    if (version <= 0 || m_model.isEmpty())
        return;
    auto *dialog = new AliasDialog(m_model, version, m_aliases, this);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!m_model.isEmpty())
            m_actions->setAlias(m_model, dialog->alias(), dialog->version());
    });
    Q_EMIT dialogRequested(dialog);
}

void VersionsPanel::openDescriptionDialog()
{
    const int version = currentVersion();
    const int row = m_versions->rowOf(m_model, version);
    if (row < 0)
        return;
    auto *dialog = new DescriptionDialog(tr("%1, version %2").arg(m_model).arg(version),
                                         m_versions->versionAt(row).description, this);
    connect(dialog, &QDialog::accepted, this, [this, dialog, version] {
        if (!m_model.isEmpty())
            m_actions->setVersionDescription(m_model, version, dialog->description());
    });
    Q_EMIT dialogRequested(dialog);
}

void VersionsPanel::openTagDialog(int version)
{
    if (m_model.isEmpty() || version <= 0)
        return;
    auto *dialog = new TagDialog(tr("%1, version %2").arg(m_model).arg(version), {}, {}, this);
    connect(dialog, &QDialog::accepted, this, [this, dialog, version] {
        if (!m_model.isEmpty())
            m_actions->setVersionTag(m_model, version, dialog->key(), dialog->value());
    });
    Q_EMIT dialogRequested(dialog);
}

void VersionsPanel::confirmDelete()
{
    const int version = currentVersion();
    if (version <= 0 || m_model.isEmpty())
        return;
    const int row = m_versions->rowOf(m_model, version);
    const QStringList aliases = row >= 0 ? m_versions->versionAt(row).aliases : QStringList();
    auto *box = new QMessageBox(
        QMessageBox::Warning, tr("Delete Version"),
        tr("Delete version %1 of %2?").arg(version).arg(display::elidedLine(m_model, display::MaxLabelChars)),
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
    const QString model = m_model;
    connect(box, &QMessageBox::buttonClicked, this, [this, remove, model, version](QAbstractButton *b) {
        if (b == remove)
            m_actions->deleteVersion(model, version);
    });
    Q_EMIT dialogRequested(box);
}

} // namespace runlens
