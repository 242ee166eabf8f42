// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The base of the key/value tables (a run's params and tags, a registered model's tags): two columns, one
// row per key in key order. Values can be long or span lines: the display text is one line, the tooltip and
// FullTextRole (and SortValueRole) carry the whole text. Subclasses fill the rows and add their own roles,
// flags and edits.

#include <QAbstractTableModel>
#include <QMap>
#include <QString>
#include <utility>
#include <vector>

namespace runlens {

class KeyValueModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, ColumnCount };

    // -1 when absent.
    int rowOf(const QString &key) const;
    const QString &keyAt(int row) const { return m_rows[size_t(row)].first; }
    const QString &valueAt(int row) const { return m_rows[size_t(row)].second; }
    QMap<QString, QString> toMap() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    // keyTitle: the key column's header ("Param", "Tag", "Key"); the value column is "Value".
    KeyValueModel(const QString &keyTitle, QObject *parent);

    // Replaces every row (a model reset).
    void resetRows(const QMap<QString, QString> &values);
    // A valid index of this flat table.
    bool isCell(const QModelIndex &index) const;
    // The whole text of a cell: its key or its value.
    const QString &textAt(const QModelIndex &index) const;

    std::vector<std::pair<QString, QString>> m_rows; // sorted by key

private:
    QString m_keyTitle;
};

} // namespace runlens
