// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The runs table: a lazy model over the store (pages fetched with fetchMore on the store worker, never on the
// GUI thread), sorted and filtered in SQL with the MLflow search language. Columns: fixed run attributes,
// then one per chosen param and one per chosen metric (last value).

#include "storeworker.h"
#include "types.h"

#include <QAbstractTableModel>

namespace runlens {

class RunTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum FixedColumn {
        StarColumn,
        StatusColumn,
        NameColumn,
        StartColumn,
        DurationColumn,
        UserColumn,
        SourceColumn,
        CommitColumn,
        FixedColumnCount
    };
    static constexpr int PageSize = 200;

    explicit RunTableModel(StoreWorker *worker, QObject *parent = nullptr);

    // Replaces what is listed: experiments, filter, deleted or not. A malformed filter throws
    // search::SyntaxError before anything changes (for inline messages in the filter bar).
    void setQuery(const RunQuery &query);
    RunQuery query() const { return m_query; }
    void setParamColumns(const QStringList &keys);
    void setMetricColumns(const QStringList &keys);
    QStringList paramColumns() const { return m_params; }
    QStringList metricColumns() const { return m_metrics; }

    qint64 totalCount() const { return m_total; } // -1 until counted
    bool isLoading() const { return m_pending > 0; }
    const Run &runAt(int row) const { return m_runs.at(size_t(row)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // The search-language order-by for a column, empty when the column cannot be sorted in SQL.
    QString orderByFor(int column, Qt::SortOrder order) const;

Q_SIGNALS:
    void totalCountChanged(qint64 total);
    void loadingChanged(bool loading);
    void loadFailed(const QString &message);

private:
    void reload();
    void setPending(int delta);
    QVariant cell(const Run &run, int column, int role) const;

    StoreWorker *m_worker;
    RunQuery m_query;
    QStringList m_params;
    QStringList m_metrics;
    std::vector<Run> m_runs;
    qint64 m_total = -1;
    quint64 m_generation = 0; // answers for an older query are dropped
    bool m_fetching = false;
    int m_pending = 0;
};

} // namespace runlens
