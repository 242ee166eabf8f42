// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The tags of a registered model (or of one of its versions): key and value, sorted by key, each row
// carrying its key (TagKeyRole). Read-only: the Models page writes tag edits through the store worker and
// shows the stored tags once written.

#include <QAbstractTableModel>
#include <QMap>

namespace runlens {

class RegistryTagsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, ColumnCount };

    explicit RegistryTagsModel(QObject *parent = nullptr);

    void setTags(const QMap<QString, QString> &tags);
    const QMap<QString, QString> &tags() const { return m_tags; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QMap<QString, QString> m_tags;
    QStringList m_keys; // m_tags' keys, for row lookups
};

} // namespace runlens
