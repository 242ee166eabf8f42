// SPDX-License-Identifier: GPL-3.0-or-later
#include "experimentsidebar.h"

#include "experimentdelegate.h"
#include "experimentlistmodel.h"
#include "roles.h"

#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace runlens {

ExperimentSidebar::ExperimentSidebar(ExperimentListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_search(new QLineEdit(this))
    , m_list(new QListView(this))
{
    m_proxy->setSourceModel(model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_search->setPlaceholderText(tr("Search experiments"));
    m_search->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("experimentSearch"));
    m_list->setObjectName(QStringLiteral("experimentList"));
    m_list->setModel(m_proxy);
    m_list->setItemDelegate(new ExperimentDelegate(m_list));
    m_list->setUniformItemSizes(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    auto *title = new QLabel(tr("<b>Experiments</b>"), this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 0, 6);
    layout->addWidget(title);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);

    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                const ExperimentId id = current.isValid() ? current.data(ExperimentIdRole).toLongLong() : 0;
                if (id != m_current) {
                    m_current = id;
                    Q_EMIT experimentChosen(id);
                }
            });
    // After a reload, keep the chosen experiment selected (or choose the first one).
    connect(model, &ExperimentListModel::loaded, this, [this] {
        const int row = m_model->rowOf(m_current);
        const ExperimentId previous = m_current;
        m_current = -1;
        if (row >= 0)
            selectExperiment(previous);
        else if (m_proxy->rowCount() > 0)
            m_list->setCurrentIndex(m_proxy->index(0, 0));
        else {
            m_current = 0;
            Q_EMIT experimentChosen(0);
        }
    });
}

ExperimentId ExperimentSidebar::currentExperiment() const
{
    return m_current > 0 ? m_current : 0;
}

void ExperimentSidebar::selectExperiment(ExperimentId id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    m_list->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row, 0)));
}

void ExperimentSidebar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

} // namespace runlens
