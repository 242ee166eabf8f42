// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runparamsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

namespace runlens {

RunParamsModel::RunParamsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RunParamsModel::setParams(const QMap<QString, QString> &params)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(size_t(params.size()));
    for (auto it = params.begin(); it != params.end(); ++it) // QMap iterates in key order
        m_rows.emplace_back(it.key(), it.value());
    endResetModel();
}

QMap<QString, QString> RunParamsModel::params() const
{
    QMap<QString, QString> out;
    for (const auto &[key, value] : m_rows)
        out.insert(key, value);
    return out;
}

int RunParamsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunParamsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunParamsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &[key, value] = m_rows[size_t(index.row())];
    const QString &text = index.column() == KeyColumn ? key : value;
    switch (role) {
    case Qt::DisplayRole:
        return display::singleLine(text);
    case Qt::ToolTipRole:
        return display::tooltipText(text);
    case FullTextRole:
    case SortValueRole:
        return text;
    default:
        return {};
    }
}

QVariant RunParamsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn:
        return tr("Param");
    case ValueColumn:
        return tr("Value");
    default:
        return {};
    }
}

} // namespace runlens
