// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/registrytagsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

namespace runlens {

RegistryTagsModel::RegistryTagsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RegistryTagsModel::setTags(const QMap<QString, QString> &tags)
{
    if (tags == m_tags)
        return;
    if (tags.keys() == m_keys) {
        m_tags = tags;
        Q_EMIT dataChanged(index(0, ValueColumn), index(int(m_keys.size()) - 1, ValueColumn));
        return;
    }
    beginResetModel();
    m_tags = tags;
    m_keys = tags.keys();
    endResetModel();
}

int RegistryTagsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int RegistryTagsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegistryTagsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &key = m_keys[index.row()];
    const QString value = m_tags.value(key);
    switch (role) {
    case TagKeyRole:
        return key;
    case Qt::DisplayRole:
        return index.column() == KeyColumn ? key : display::singleLine(value);
    case FullTextRole:
    case SortValueRole:
        return index.column() == KeyColumn ? key : value;
    case Qt::ToolTipRole:
        return index.column() == ValueColumn && !value.isEmpty() ? display::tooltipText(value) : QVariant();
    default:
        return {};
    }
}

QVariant RegistryTagsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == KeyColumn)
        return tr("Key");
    if (section == ValueColumn)
        return tr("Value");
    return {};
}

} // namespace runlens
