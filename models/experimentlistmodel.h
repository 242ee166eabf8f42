// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The experiments of the open database with their run counts, loaded on the store worker.

#include "storeworker.h"
#include "types.h"

#include <QAbstractListModel>

namespace runlens {

class ExperimentListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit ExperimentListModel(StoreWorker *worker, QObject *parent = nullptr);

    void reload();
    void setIncludeDeleted(bool include);
    bool isLoading() const { return m_loading; }
    const Experiment &experimentAt(int row) const { return m_experiments.at(size_t(row)); }
    int rowOf(ExperimentId id) const; // -1 when absent

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);

private:
    StoreWorker *m_worker;
    std::vector<Experiment> m_experiments;
    bool m_includeDeleted = false;
    bool m_loading = false;
    quint64 m_generation = 0;
};

} // namespace runlens
