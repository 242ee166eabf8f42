// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The runs nested under one run (MLflow's parent/child runs): name, status and start, each row carrying its
// run id (RunIdRole) so that a view can open it.

#include "core/types.h"

#include <QAbstractTableModel>
#include <vector>

namespace runlens {

class ChildRunsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, StatusColumn, StartColumn, ColumnCount };

    explicit ChildRunsModel(QObject *parent = nullptr);

    void setRuns(std::vector<Run> runs);
    const std::vector<Run> &runs() const { return m_runs; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<Run> m_runs;
};

} // namespace runlens
