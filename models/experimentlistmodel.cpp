// SPDX-License-Identifier: GPL-3.0-or-later
#include "experimentlistmodel.h"

#include "roles.h"

namespace runlens {

ExperimentListModel::ExperimentListModel(StoreWorker *worker, QObject *parent)
    : QAbstractListModel(parent)
    , m_worker(worker)
{}

void ExperimentListModel::setIncludeDeleted(bool include)
{
    if (include == m_includeDeleted)
        return;
    m_includeDeleted = include;
    reload();
}

void ExperimentListModel::reload()
{
    const quint64 generation = ++m_generation;
    const bool includeDeleted = m_includeDeleted;
    m_loading = true;
    m_worker->run<std::vector<Experiment>>(
        this, [includeDeleted](Store &store) { return store.experiments(includeDeleted); },
        [this, generation](std::vector<Experiment> experiments) {
            if (generation != m_generation)
                return;
            m_loading = false;
            beginResetModel();
            m_experiments = std::move(experiments);
            endResetModel();
            Q_EMIT loaded();
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_loading = false;
            Q_EMIT loadFailed(message);
        });
}

int ExperimentListModel::rowOf(ExperimentId id) const
{
    for (size_t i = 0; i < m_experiments.size(); ++i) {
        if (m_experiments[i].id == id)
            return int(i);
    }
    return -1;
}

int ExperimentListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_experiments.size());
}

QVariant ExperimentListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Experiment &e = m_experiments[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return e.name;
    case Qt::ToolTipRole:
        return e.description.isEmpty() ? e.name : e.name + QStringLiteral("\n\n") + e.description;
    case DeletedRole:
        return e.lifecycle == Lifecycle::Deleted;
    case ExperimentIdRole:
        return e.id;
    case RunCountRole:
        return e.runCount;
    default:
        return {};
    }
}

} // namespace runlens
