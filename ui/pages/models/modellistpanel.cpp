// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/models/modellistpanel.h"

#include "actions/registryactions.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/registeredmodelsmodel.h"
#include "itemmodels/roles.h"
#include "pages/models/columnfit.h"
#include "widgets/detailtableview.h"
#include "widgets/scaledfont.h"

#include <algorithm>
#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

ModelListPanel::ModelListPanel(RegistryActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_actions(actions)
    , m_models(new RegisteredModelsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_models);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(SortValueRole);

    // Title row: what the page is, how many, and the filter.
    m_titleBar = new QWidget(this);
    auto *title = new QLabel(tr("Models"), m_titleBar);
    QFont big = scaledFont(title->font(), 1.45);
    big.setBold(true);
    title->setFont(big);
    m_count = new QLabel(m_titleBar);
    m_count->setObjectName(QStringLiteral("modelCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    m_filter = new QLineEdit(m_titleBar);
    m_filter->setObjectName(QStringLiteral("modelFilter"));
    m_filter->setPlaceholderText(tr("Filter models by name, alias, tag, description…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(320);
    auto *refresh = new QToolButton(m_titleBar);
    refresh->setObjectName(QStringLiteral("refreshModels"));
    refresh->setText(tr("Refresh"));
    refresh->setToolTip(tr("Read the registry again (F5)"));
    refresh->setAutoRaise(true);
    auto *header = new QHBoxLayout(m_titleBar);
    header->setContentsMargins(0, 0, 0, 0);
    header->setSpacing(10);
    header->addWidget(title);
    header->addWidget(m_count, 0, Qt::AlignBaseline);
    header->addStretch(1);
    header->addWidget(m_filter);
    header->addWidget(refresh);

    m_view = new DetailTableView(this);
    m_view->setObjectName(QStringLiteral("registeredModels"));
    m_view->setModel(m_proxy);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RegisteredModelsModel::NameColumn, Qt::AscendingOrder);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const std::pair<int, int> widths[] = {
        {RegisteredModelsModel::NameColumn, 16},      {RegisteredModelsModel::LatestColumn, 5},
        {RegisteredModelsModel::AliasesColumn, 14},   {RegisteredModelsModel::StagingColumn, 6},
        {RegisteredModelsModel::ProductionColumn, 7}, {RegisteredModelsModel::ArchivedColumn, 6},
        {RegisteredModelsModel::TagsColumn, 12},      {RegisteredModelsModel::DescriptionColumn, 22},
    };
    for (auto [column, w] : widths)
        m_view->setColumnWidth(column, w * em);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    m_deleteModel = new QAction(tr("&Delete Model…"), this);
    m_deleteModel->setObjectName(QStringLiteral("deleteModel"));
    m_deleteModel->setShortcut(QKeySequence::Delete);
    m_deleteModel->setShortcutContext(Qt::WidgetShortcut);
    m_view->addAction(m_deleteModel);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_deleteModel, &QAction::triggered, this, &ModelListPanel::confirmDelete);
    connect(m_view, &QWidget::customContextMenuRequested, this, &ModelListPanel::showMenu);

    connect(refresh, &QToolButton::clicked, this, &ModelListPanel::refreshRequested);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text.trimmed());
        updateCount();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { Q_EMIT currentModelChanged(current()); });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ModelListPanel::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ModelListPanel::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ModelListPanel::updateCount);
}

void ModelListPanel::setModels(std::vector<RegisteredModel> models)
{
    m_loaded = true;
    m_models->setModels(std::move(models));
    updateCount();
}

void ModelListPanel::setLoaded()
{
    m_loaded = true;
}

void ModelListPanel::fitColumns()
{
    runlens::fitColumns(m_view, 5, 30,
                        {RegisteredModelsModel::DescriptionColumn, RegisteredModelsModel::TagsColumn,
                         RegisteredModelsModel::UpdatedColumn, RegisteredModelsModel::ArchivedColumn});
    // Long descriptions would push the rest out of sight; the tooltip has them whole.
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_view->setColumnWidth(RegisteredModelsModel::DescriptionColumn,
                           std::min(m_view->columnWidth(RegisteredModelsModel::DescriptionColumn), 20 * em));
}

bool ModelListPanel::holds(const QString &model) const
{
    return m_models->rowOf(model) >= 0;
}

bool ModelListPanel::shows(const QString &model) const
{
    const int row = model.isEmpty() ? -1 : m_models->rowOf(model);
    return row >= 0 && m_proxy->mapFromSource(m_models->index(row, 0)).isValid();
}

void ModelListPanel::reveal(const QString &model)
{
    if (holds(model) && !shows(model))
        m_filter->clear(); // filtered out: show it anyway
}

void ModelListPanel::choose(const QString &model, bool scroll)
{
    const int row = m_models->rowOf(model);
    const QModelIndex at = row >= 0 ? m_proxy->mapFromSource(m_models->index(row, 0)) : QModelIndex();
    if (!at.isValid())
        return;
    if (m_view->currentIndex().row() != at.row())
        m_view->setCurrentIndex(at);
    if (scroll)
        m_view->scrollTo(at);
}

void ModelListPanel::chooseFirst()
{
    if (m_proxy->rowCount() > 0)
        m_view->setCurrentIndex(m_proxy->index(0, 0));
}

const RegisteredModel *ModelListPanel::find(const QString &model) const
{
    const int row = m_models->rowOf(model);
    return row >= 0 ? &m_models->models()[size_t(row)] : nullptr;
}

QString ModelListPanel::current() const
{
    const QModelIndex at = m_view->currentIndex();
    return at.isValid() ? at.data(ModelNameRole).toString() : QString();
}

void ModelListPanel::updateCount()
{
    if (!m_loaded)
        return;
    const int shown = m_proxy->rowCount(), all = m_models->rowCount();
    m_count->setText(shown == all ? tr("%n registered model(s)", nullptr, all)
                                  : tr("%1 of %n registered model(s)", nullptr, all).arg(shown));
}

void ModelListPanel::showMenu(const QPoint &pos)
{
    const QModelIndex at = m_view->indexAt(pos);
    if (!at.isValid())
        return;
    m_view->setCurrentIndex(at);
    QMenu menu(this);
    menu.addAction(m_view->copyRowsAction());
    menu.addSeparator();
    menu.addAction(m_deleteModel);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void ModelListPanel::confirmDelete()
{
    const QString model = current();
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
            m_actions->deleteModel(model);
    });
    Q_EMIT dialogRequested(box);
}

} // namespace runlens
