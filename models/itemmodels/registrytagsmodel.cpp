// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/registrytagsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

namespace runlens {

RegistryTagsModel::RegistryTagsModel(QObject *parent)
    : KeyValueModel(tr("Key"), parent)
{}

void RegistryTagsModel::setTags(const QMap<QString, QString> &tags)
{
    if (tags == m_tags)
        return;
    if (tags.keys() == m_tags.keys()) {
        m_tags = tags;
        for (auto &[key, value] : m_rows)
            value = tags.value(key);
        Q_EMIT dataChanged(index(0, ValueColumn), index(int(m_rows.size()) - 1, ValueColumn));
        return;
    }
    m_tags = tags;
    resetRows(tags);
}

QVariant RegistryTagsModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const QString &key = keyAt(index.row());
    const QString &value = valueAt(index.row());
    switch (role) {
    case TagKeyRole:
        return key;
    case Qt::DisplayRole:
        return index.column() == KeyColumn ? key : display::singleLine(value);
    case Qt::ToolTipRole:
        return index.column() == ValueColumn && !value.isEmpty() ? display::tooltipText(value) : QVariant();
    default:
        return KeyValueModel::data(index, role);
    }
}

} // namespace runlens
