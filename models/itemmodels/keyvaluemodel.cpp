// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/keyvaluemodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

#include <algorithm>

namespace runlens {

KeyValueModel::KeyValueModel(const QString &keyTitle, QObject *parent)
    : QAbstractTableModel(parent)
    , m_keyTitle(keyTitle)
{}

void KeyValueModel::resetRows(const QMap<QString, QString> &values)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(size_t(values.size()));
    for (auto it = values.begin(); it != values.end(); ++it) // QMap iterates in key order
        m_rows.emplace_back(it.key(), it.value());
    endResetModel();
}

QMap<QString, QString> KeyValueModel::toMap() const
{
    QMap<QString, QString> out;
    for (const auto &[key, value] : m_rows)
        out.insert(key, value);
    return out;
}

int KeyValueModel::rowOf(const QString &key) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), key,
                                     [](const auto &row, const QString &k) { return row.first < k; });
    return it != m_rows.end() && it->first == key ? int(it - m_rows.begin()) : -1;
}

bool KeyValueModel::isCell(const QModelIndex &index) const
{
    return index.isValid() &&
           checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid);
}

const QString &KeyValueModel::textAt(const QModelIndex &index) const
{
    const auto &[key, value] = m_rows[size_t(index.row())];
    return index.column() == KeyColumn ? key : value;
}

int KeyValueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KeyValueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeyValueModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const QString &text = textAt(index);
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

QVariant KeyValueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn:
        return m_keyTitle;
    case ValueColumn:
        return tr("Value");
    default:
        return {};
    }
}

} // namespace runlens
