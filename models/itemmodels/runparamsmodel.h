// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The params of one run as a key/value table, sorted by key. Values can be long or span lines: the display
// text is one line, the tooltip and FullTextRole carry the whole value.

#include <QAbstractTableModel>
#include <QMap>
#include <QString>
#include <utility>
#include <vector>

namespace runlens {

class RunParamsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, ColumnCount };

    explicit RunParamsModel(QObject *parent = nullptr);

    void setParams(const QMap<QString, QString> &params);
    QMap<QString, QString> params() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<std::pair<QString, QString>> m_rows;
};

} // namespace runlens
