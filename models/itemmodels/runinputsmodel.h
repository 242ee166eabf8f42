// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The dataset inputs of one run (MLflow's log_input): name, digest, context and source; the schema and
// profile, often long JSON, are in the tooltip.

#include "core/types.h"

#include <QAbstractTableModel>
#include <vector>

namespace runlens {

class RunInputsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, DigestColumn, ContextColumn, SourceTypeColumn, SourceColumn, ColumnCount };

    explicit RunInputsModel(QObject *parent = nullptr);

    void setInputs(std::vector<DatasetInput> inputs);
    const std::vector<DatasetInput> &inputs() const { return m_inputs; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString tooltip(const DatasetInput &in) const;
    std::vector<DatasetInput> m_inputs;
};

} // namespace runlens
