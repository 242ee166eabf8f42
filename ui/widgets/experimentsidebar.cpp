// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/experimentsidebar.h"

#include "dialogs/experimentdialog.h"
#include "itemmodels/experimentlistmodel.h"
#include "itemmodels/roles.h"
#include "widgets/experimentdelegate.h"

#include <algorithm>
#include <QAction>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <utility>

namespace runlens {

ExperimentSidebar::ExperimentSidebar(ExperimentListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_search(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_notice(new QLabel(this))
    , m_newButton(new QToolButton(this))
    , m_trashButton(new QToolButton(this))
    , m_newAction(new QAction(tr("&New Experiment…"), this))
    , m_renameAction(new QAction(tr("&Rename…"), this))
    , m_describeAction(new QAction(tr("Edit &Description…"), this))
    , m_trashAction(new QAction(tr("Move to &Trash"), this))
    , m_restoreAction(new QAction(tr("Re&store"), this))
    , m_showTrashAction(new QAction(tr("Show T&rash"), this))
{
    m_proxy->setSourceModel(model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_search->setPlaceholderText(tr("Search experiments"));
    m_search->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("experimentSearch"));
    m_list->setObjectName(QStringLiteral("experimentList"));
    m_list->setModel(m_proxy);
    m_list->setItemDelegate(new ExperimentDelegate(m_list));
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_notice->setObjectName(QStringLiteral("sidebarNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::RichText);
    m_notice->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_notice->hide();

    m_newAction->setObjectName(QStringLiteral("newExperimentAction"));
    m_newAction->setIconText(QStringLiteral("+"));
    m_newAction->setToolTip(tr("New experiment"));
    m_renameAction->setObjectName(QStringLiteral("renameExperimentAction"));
    m_describeAction->setObjectName(QStringLiteral("describeExperimentAction"));
    m_trashAction->setObjectName(QStringLiteral("trashExperimentAction"));
    m_restoreAction->setObjectName(QStringLiteral("restoreExperimentAction"));
    m_showTrashAction->setObjectName(QStringLiteral("showTrashAction"));
    m_showTrashAction->setCheckable(true);
    m_showTrashAction->setIcon(
        QIcon::fromTheme(QStringLiteral("user-trash"), style()->standardIcon(QStyle::SP_TrashIcon)));
    m_showTrashAction->setIconText(tr("Trash"));
    m_showTrashAction->setToolTip(
        tr("Show what is in the trash, to restore it: the trashed experiments in this list and the trashed "
           "runs in the table (Ctrl+T)"));
    // Only while the list has focus: F2 and Del belong to the search field and the rename editor otherwise.
    m_renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    m_renameAction->setShortcutContext(Qt::WidgetShortcut);
    m_trashAction->setShortcut(QKeySequence::Delete);
    m_trashAction->setShortcutContext(Qt::WidgetShortcut);
    m_list->addAction(m_renameAction);
    m_list->addAction(m_trashAction);

    m_newButton->setObjectName(QStringLiteral("newExperimentButton"));
    m_newButton->setDefaultAction(m_newAction);
    m_newButton->setAutoRaise(true);
    QFont plusFont = m_newButton->font(); // a bare "+" at text size is too small a target to find
    plusFont.setBold(true);
    plusFont.setPointSizeF(plusFont.pointSizeF() * 1.4);
    m_newButton->setFont(plusFont);
    m_trashButton->setObjectName(QStringLiteral("showTrashButton"));
    m_trashButton->setDefaultAction(m_showTrashAction);
    m_trashButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_trashButton->setAutoRaise(true);

    auto *title = new QLabel(tr("<b>Experiments</b>"), this);
    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(title, 1);
    header->addWidget(m_trashButton);
    header->addWidget(m_newButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 0, 6);
    layout->addLayout(header);
    layout->addWidget(m_search);
    layout->addWidget(m_notice);
    layout->addWidget(m_list, 1);

    connect(m_newAction, &QAction::triggered, this, &ExperimentSidebar::createExperiment);
    connect(m_renameAction, &QAction::triggered, this, &ExperimentSidebar::renameCurrent);
    connect(m_describeAction, &QAction::triggered, this, &ExperimentSidebar::describeCurrent);
    connect(m_trashAction, &QAction::triggered, this, &ExperimentSidebar::trashCurrent);
    connect(m_restoreAction, &QAction::triggered, this, &ExperimentSidebar::restoreCurrent);
    connect(m_showTrashAction, &QAction::toggled, this, &ExperimentSidebar::setShowTrash);
    connect(m_list, &QWidget::customContextMenuRequested, this, &ExperimentSidebar::showContextMenu);
    connect(m_notice, &QLabel::linkActivated, this, &ExperimentSidebar::noticeLinkActivated);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        // Narrowing the list is not choosing: the runs page keeps the chosen experiments even while the
        // search hides them; they are selected again when they show once more. The current one hidden: no
        // other row pretends to be current, so a click on any visible row is a choice.
        m_filtering = true;
        m_proxy->setFilterFixedString(text);
        selectRows(m_chosen, m_current);
        m_filtering = false;
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { choose(current); });
    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ExperimentSidebar::chooseSelected);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &ExperimentSidebar::updateActions);
    connect(model, &ExperimentListModel::loaded, this, &ExperimentSidebar::syncSelection);

    connect(model, &ExperimentListModel::experimentCreated, this, [this](quint64 request, ExperimentId id) {
        const auto e = m_model->experimentById(id);
        const QString name = e ? e->name : QString::number(id);
        if (request == m_dialogRequest) {
            m_dialogRequest = 0;
            if (m_dialog)
                m_dialog->accept();
            if (m_proxy->mapFromSource(m_model->index(m_model->rowOf(id), 0)) == QModelIndex())
                m_search->clear(); // a search that hides the new experiment would hide the selection too
            selectExperiment(id);
        }
        Q_EMIT statusMessage(tr("Created experiment '%1'").arg(name));
    });
    connect(model, &ExperimentListModel::experimentRenamed, this,
            [this](quint64, ExperimentId, const QString &oldName, const QString &newName) {
                Q_EMIT statusMessage(tr("Renamed '%1' to '%2'").arg(oldName, newName));
            });
    connect(model, &ExperimentListModel::descriptionChanged, this, [this](quint64 request, ExperimentId id) {
        if (request == m_dialogRequest) {
            m_dialogRequest = 0;
            if (m_dialog)
                m_dialog->accept();
        }
        const auto e = m_model->experimentById(id);
        Q_EMIT statusMessage(tr("Saved the description of '%1'").arg(e ? e->name : QString::number(id)));
    });
    connect(
        model, &ExperimentListModel::deletedChanged, this, [this](quint64, ExperimentId id, bool deleted) {
            const auto e = m_model->experimentById(id);
            const QString name = e ? e->name : QString::number(id);
            if (deleted) {
                m_undoId = id;
                notify(tr("Moved '%1' to the trash — <a href=\"undo\">Undo</a>").arg(name.toHtmlEscaped()),
                       false, tr("Moved '%1' to the trash").arg(name));
                return;
            }
            if (m_undoId == id)
                clearNotice();
            selectExperiment(id);
            Q_EMIT statusMessage(tr("Restored '%1'").arg(name));
        });
    connect(model, &ExperimentListModel::writeFailed, this,
            [this](quint64 request, ExperimentId, const QString &message) {
                if (request != 0 && request == m_dialogRequest) {
                    m_dialogRequest = 0;
                    if (m_dialog) {
                        m_dialog->showError(message);
                        Q_EMIT statusMessage(message);
                        return;
                    }
                }
                notify(message.toHtmlEscaped(), true, message);
            });
    updateActions();
}

ExperimentSidebar::~ExperimentSidebar() = default;

ExperimentId ExperimentSidebar::currentExperiment() const
{
    return m_current > 0 ? m_current : 0;
}

bool ExperimentSidebar::isShowingTrash() const
{
    return m_showTrashAction->isChecked();
}

void ExperimentSidebar::choose(const QModelIndex &current)
{
    if (m_filtering)
        return;
    const ExperimentId id = current.isValid() ? current.data(ExperimentIdRole).toLongLong() : 0;
    if (current.isValid())
        m_currentRow = current.row();
    if (id != m_current) {
        m_current = id;
        clearNotice(); // it spoke of what was being done before
        Q_EMIT experimentChosen(id);
    }
    chooseSelected();
    updateActions();
}

void ExperimentSidebar::chooseSelected()
{
    if (m_filtering || m_selecting)
        return;
    QModelIndexList rows = m_list->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<ExperimentId> ids;
    for (const QModelIndex &i : rows)
        if (const ExperimentId id = i.data(ExperimentIdRole).toLongLong(); id > 0)
            ids << id;
    // Ctrl-click on the last selected row leaves none selected: the current one stays chosen, never "all".
    if (ids.isEmpty() && m_current > 0)
        ids << m_current;
    if (ids != m_chosen) {
        m_chosen = ids;
        Q_EMIT experimentsChosen(ids);
    }
}

void ExperimentSidebar::selectRows(const QList<ExperimentId> &ids, ExperimentId current)
{
    const auto shown = [this](ExperimentId id) {
        const int row = m_model->rowOf(id);
        return row >= 0 ? m_proxy->mapFromSource(m_model->index(row, 0)) : QModelIndex();
    };
    QItemSelection selection;
    QModelIndex currentIndex = shown(current);
    for (ExperimentId id : ids) {
        const QModelIndex i = shown(id);
        if (!i.isValid())
            continue;
        selection.select(i, i);
        if (!currentIndex.isValid() && !m_filtering)
            currentIndex = i;
    }
    m_selecting = true;
    QItemSelectionModel *model = m_list->selectionModel();
    model->setCurrentIndex(currentIndex, QItemSelectionModel::NoUpdate);
    model->select(selection, QItemSelectionModel::ClearAndSelect);
    m_selecting = false;
    chooseSelected();
}

// After a load: keep the chosen experiment selected; when it went away (trashed here or elsewhere), choose
// the one that took its row, else the last; the very first load chooses the first experiment.
void ExperimentSidebar::syncSelection()
{
    if (m_current > 0) {
        const int row = m_model->rowOf(m_current);
        const QModelIndex index = row >= 0 ? m_proxy->mapFromSource(m_model->index(row, 0)) : QModelIndex();
        if (index.isValid()) {
            // Also selects them again when only the current index survived; those that went are dropped.
            selectRows(m_chosen.contains(m_current) ? m_chosen : QList<ExperimentId>{m_current}, m_current);
            updateActions();
            return;
        }
    }
    const int rows = m_proxy->rowCount();
    if (rows > 0) {
        m_list->setCurrentIndex(m_proxy->index(std::clamp(m_currentRow, 0, rows - 1), 0));
    } else if (m_current != 0) {
        m_current = 0;
        m_currentRow = -1;
        m_chosen.clear();
        Q_EMIT experimentChosen(0);
        Q_EMIT experimentsChosen({}); // nothing to choose: the runs page lists every experiment's (none)
    }
    updateActions();
}

void ExperimentSidebar::preselect(const QList<ExperimentId> &ids)
{
    if (m_current >= 0 || ids.isEmpty() || ids.first() <= 0)
        return;
    m_current = ids.first();
    m_chosen = ids;
    m_chosen.removeIf([](ExperimentId id) { return id <= 0; });
    std::sort(m_chosen.begin(), m_chosen.end()); // the list's order (by id), as chooseSelected() reads it
}

void ExperimentSidebar::selectExperiment(ExperimentId id)
{
    selectExperiments({id});
}

void ExperimentSidebar::selectExperiments(const QList<ExperimentId> &ids)
{
    const int row = m_model->rowOf(ids.value(0));
    if (row < 0 || !m_proxy->mapFromSource(m_model->index(row, 0)).isValid())
        return;
    selectRows(ids, ids.first());
}

void ExperimentSidebar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void ExperimentSidebar::updateActions()
{
    const QModelIndex current = m_list->currentIndex();
    // Only real experiments are edited: id 0 is "no experiment" (all runs), never a row to rename or delete.
    const bool valid = current.isValid() && current.data(ExperimentIdRole).toLongLong() > 0;
    const bool deleted = valid && current.data(DeletedRole).toBool();
    m_renameAction->setEnabled(valid && !deleted && (current.flags() & Qt::ItemIsEditable));
    m_describeAction->setEnabled(valid && !deleted);
    m_trashAction->setEnabled(valid && !deleted);
    m_restoreAction->setEnabled(valid && deleted);
}

void ExperimentSidebar::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_list->indexAt(pos);
    if (index.isValid() && index != m_list->currentIndex()) {
        // The menu acts on the row it was opened on; opened on one of several chosen, they stay chosen.
        if (m_list->selectionModel()->isSelected(index))
            m_list->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
        else
            m_list->setCurrentIndex(index);
    }
    auto *menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("experimentMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    if (index.isValid()) {
        if (index.data(DeletedRole).toBool()) {
            menu->addAction(m_restoreAction);
        } else {
            menu->addAction(m_renameAction);
            menu->addAction(m_describeAction);
            menu->addSeparator();
            menu->addAction(m_trashAction);
        }
        menu->addSeparator();
    }
    menu->addAction(m_newAction);
    menu->addAction(m_showTrashAction);
    menu->popup(m_list->viewport()->mapToGlobal(pos));
}

void ExperimentSidebar::openDialog(ExperimentDialog *dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    m_dialogRequest = 0;
    dialog->open();
}

void ExperimentSidebar::createExperiment()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    clearNotice();
    auto *dialog = new ExperimentDialog(ExperimentDialog::Mode::Create, this);
    // The loaded names, trashed ones included: checking on each keystroke must not touch the database.
    dialog->setNameCheck([this](const QString &name) { return m_model->nameProblem(name); });
    connect(dialog, &ExperimentDialog::submitted, this, [this, dialog] {
        m_dialogRequest = m_model->createExperiment(dialog->name(), dialog->description());
    });
    openDialog(dialog);
}

void ExperimentSidebar::renameCurrent()
{
    const QModelIndex current = m_list->currentIndex();
    if (!current.isValid() || !(current.flags() & Qt::ItemIsEditable))
        return;
    clearNotice();
    m_list->setFocus(Qt::OtherFocusReason);
    m_list->edit(current);
}

void ExperimentSidebar::describeCurrent()
{
    const ExperimentId id = currentExperiment();
    const auto e = m_model->experimentById(id);
    if (!e || e->lifecycle != Lifecycle::Active)
        return;
    if (m_dialog) {
        m_dialog->raise();
        return;
    }
    clearNotice();
    auto *dialog = new ExperimentDialog(ExperimentDialog::Mode::Describe, this);
    dialog->setName(e->name);
    dialog->setDescription(e->description);
    connect(dialog, &ExperimentDialog::submitted, this, [this, dialog, id, before = e->description] {
        if (dialog->description() == before) {
            dialog->accept(); // nothing to write
            return;
        }
        m_dialogRequest = m_model->setDescription(id, dialog->description());
    });
    openDialog(dialog);
}

void ExperimentSidebar::trashCurrent()
{
    const QModelIndex current = m_list->currentIndex();
    const ExperimentId id = currentExperiment();
    if (id <= 0 || !current.isValid() || current.data(DeletedRole).toBool())
        return;
    clearNotice();
    m_model->setDeleted(id, true);
}

void ExperimentSidebar::restoreCurrent()
{
    const QModelIndex current = m_list->currentIndex();
    const ExperimentId id = currentExperiment();
    if (id <= 0 || !current.isValid() || !current.data(DeletedRole).toBool())
        return;
    clearNotice();
    m_model->setDeleted(id, false);
}

void ExperimentSidebar::setShowTrash(bool show)
{
    if (m_showTrashAction->isChecked() != show)
        m_showTrashAction->setChecked(show); // comes back here through toggled()
    else {
        m_model->setIncludeDeleted(show);
        Q_EMIT showTrashChanged(show);
    }
}

void ExperimentSidebar::notify(const QString &html, bool error, const QString &status)
{
    m_notice->setText(html);
    QPalette p = palette();
    if (error)
        p.setColor(QPalette::WindowText, QColor(0xb3, 0x26, 0x1e));
    m_notice->setPalette(p);
    m_notice->show();
    Q_EMIT statusMessage(status);
}

void ExperimentSidebar::clearNotice()
{
    m_notice->clear();
    m_notice->hide();
    m_undoId = 0;
}

void ExperimentSidebar::noticeLinkActivated(const QString &link)
{
    if (link == QLatin1String("undo") && m_undoId > 0) {
        const ExperimentId id = std::exchange(m_undoId, 0);
        m_notice->hide();
        m_model->setDeleted(id, false);
    }
}

} // namespace runlens
