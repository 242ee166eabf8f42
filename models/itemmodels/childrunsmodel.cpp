// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/childrunsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

#include <QFont>

namespace runlens {

ChildRunsModel::ChildRunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ChildRunsModel::setRuns(std::vector<Run> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

int ChildRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int ChildRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChildRunsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Run &r = m_runs[size_t(index.row())];
    const bool deleted = r.lifecycle == Lifecycle::Deleted;
    switch (role) {
    case RunIdRole:
        return r.id;
    case RunStatusRole:
        return int(r.status);
    case DeletedRole:
        return deleted;
    case Qt::FontRole:
        if (deleted) {
            QFont f;
            f.setStrikeOut(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        return deleted ? tr("%1 (in the trash)\nrun %2").arg(r.name, r.id)
                       : tr("%1\nrun %2").arg(r.name, r.id);
    case Qt::DisplayRole:
    case FullTextRole:
        switch (index.column()) {
        case NameColumn:
            return r.name.isEmpty() ? r.id.left(8) : r.name;
        case StatusColumn:
            return runStatusName(r.status);
        case StartColumn:
            return r.startMs ? display::dateTime(*r.startMs) : QString();
        default:
            return {};
        }
    case SortValueRole:
        switch (index.column()) {
        case NameColumn:
            return r.name;
        case StatusColumn:
            return runStatusName(r.status);
        case StartColumn:
            return r.startMs ? QVariant(*r.startMs) : QVariant();
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant ChildRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Run", "Status", "Start"};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace runlens
