// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The runs table: a lazy model over the store (pages fetched with fetchMore on the store worker, never on the
// GUI thread), sorted and filtered in SQL with the MLflow search language. Columns: fixed run attributes,
// then one per chosen metric (its last, min or max value), then one per chosen param. Rows carry the run's
// colour from the window's RunColorMap, where the rows a view shows (setShownRows) are held in table order.
// refresh() brings loaded rows up to date without a reset, so
// selection (persistent indexes) follows the runs.

#include "core/types.h"
#include "search/searchquery.h"
#include "store/runstore.h" // RunQuery
#include "store/storeworker.h"

#include <optional>
#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace runlens {

class RunActions;
class RunColorMap;

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
        ExperimentColumn, // the run's experiment, by name: for listings of several experiments
        FixedColumnCount
    };
    static constexpr int PageSize = 200;
    static constexpr int FirstPageSize = 60; // a screenful and more: the first paint waits for it

    enum class MetricValue { Last, Min, Max };
    struct MetricColumn
    {
        QString key;
        MetricValue value = MetricValue::Last;
        friend bool operator==(const MetricColumn &, const MetricColumn &) = default;
    };

    explicit RunTableModel(StoreWorker *worker, QObject *parent = nullptr);
    ~RunTableModel() override;

    // Replaces what is listed: experiments, filter, deleted or not. A malformed filter throws
    // search::SyntaxError before anything changes (for inline messages in the filter bar).
    void setQuery(const RunQuery &query);
    RunQuery query() const { return m_query; }
    // The query's filter and order-by as compiled by setQuery(), what every count and page hands the worker.
    const search::CompiledQuery &compiledQuery() const { return m_compiled; }
    void setColumns(const QList<MetricColumn> &metrics, const QStringList &params);
    void setParamColumns(const QStringList &keys);
    void setMetricColumns(const QStringList &keys); // last values
    QStringList paramColumns() const { return m_params; }
    QList<MetricColumn> metricColumns() const { return m_metrics; }
    // What a column shows, for the column chooser and saved layouts: "metric:last:<key>", "param:<key>",
    // or the fixed column's name ("status", ...).
    QString columnId(int column) const;
    int columnOf(const QString &columnId) const; // -1 when not shown
    // The column-id grammar, in one place for the chooser and saved layouts.
    static QString fixedColumnId(int column); // "status", ...
    static QString fixedColumnTitle(int column);
    static QString metricColumnId(const MetricColumn &c);
    static QString paramColumnId(const QString &key);
    static std::optional<MetricColumn> metricColumnFromId(const QString &id);
    static std::optional<QString> paramKeyFromId(const QString &id);
    bool isMetricColumn(int column) const;
    // The names the Experiment column shows; an experiment not named here shows its id.
    void setExperimentNames(const QHash<ExperimentId, QString> &names);

    // Parent and child runs as a tree (off by default: a flat listing). On, the pages list top-level runs
    // (RunQuery::topLevel: no parent, or one this listing does not show, or a crafted cycle) and an
    // expanded run's children follow it, one level deeper, sorted like the table. Expanding and collapsing
    // go through refresh(): the rows change when the store has answered. Expanded runs stay expanded across
    // refreshes, sorts and filters. A run is listed once: a child already listed elsewhere (only in a
    // crafted cycle) is left out.
    void setNested(bool nested);
    bool isNested() const { return m_nested; }
    int depthAt(int row) const { return m_depth.value(runAt(row).id, 0); }
    qint64 childCountAt(int row) const { return m_children.value(runAt(row).id).count; }
    bool isExpanded(int row) const { return m_expanded.contains(runAt(row).id); }
    int parentRowOf(int row) const; // the row of the run `row` is listed under; -1 at the top level
    void setExpanded(int row, bool expanded);

    // The runs the listing matches, children included; -1 until counted.
    qint64 totalCount() const { return m_total; }
    // Those of them at the top level when nested (what the pages go through), else the same; -1 until
    // counted.
    qint64 topLevelCount() const { return m_topTotal; }
    bool isLoading() const { return m_pending > 0; }
    const Run &runAt(int row) const { return m_runs.at(size_t(row)); }
    int rowOf(const QString &runId) const; // -1 when not loaded

    // Brings the loaded rows (at least one page) up to date and applies the differences in place: changed
    // cells, runs that appeared, went or moved. Only runs whose Run::updatedMs moved are read again. Asked
    // while a load is under way, it runs when the load ends.
    void refresh();

    // Writes through the model's RunActions; the rows change once the store has answered. Failures arrive
    // as writeFailed.
    void setStarred(const QStringList &runIds, bool starred);
    void setDeleted(const QStringList &runIds, bool deleted); // trash or restore; the rows leave this listing
    void setColor(const QStringList &runIds, const QColor &color); // invalid color: back to the default

    // The window's run colours; without one, rows show only pinned colours.
    void setColorMap(RunColorMap *map);
    RunColorMap *colorMap() const { return m_colors; }
    // The rows a view is about to paint (first to last, inclusive; first > last: none): only these are held
    // in the colour map, so the cost of colours follows the screen, not the listing. They are held again
    // when the rows change under them.
    void setShownRows(int first, int last);

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
    void writeFailed(const QString &message);
    // A refresh was applied; `rows` are those read again (changed or new), in row order.
    void refreshed(const QList<int> &rows);

private:
    void reload();
    void setPending(int delta);
    QList<int> apply(const QStringList &order, std::vector<Run> changed); // the rows read again
    void setTotal(qint64 total);
    void indexColumns();
    QVariant cell(const Run &run, int column, int role) const;
    QColor colorOf(const Run &run) const;
    void holdShownRows();

    StoreWorker *m_worker;
    RunActions *m_actions;
    RunQuery m_query;
    search::CompiledQuery m_compiled;
    QStringList m_params;
    QList<MetricColumn> m_metrics;
    QHash<QString, int> m_columnIndex; // columnId -> column, rebuilt when the columns change
    QHash<ExperimentId, QString> m_experimentNames;
    std::vector<Run> m_runs;
    bool m_nested = false;
    QHash<QString, int> m_depth;             // run id -> depth, for rows below the top level
    QHash<QString, ChildSummary> m_children; // run id -> its children in the listing, for runs with any
    QSet<QString> m_expanded;
    qint64 m_topLoaded = 0; // rows of the listing read so far (its top level when nested): the next offset
    qint64 m_total = -1;
    qint64 m_topTotal = -1;
    quint64 m_generation = 0; // answers for an older query are dropped
    bool m_fetching = false;
    bool m_refreshing = false;
    bool m_refreshPending = false; // asked while a load was under way: done when it ends
    int m_pending = 0;
    RunColorMap *m_colors = nullptr;
    QString m_colorView; // this model's view in the colour map
    int m_shownFirst = 0, m_shownLast = -1;
    bool m_holdingColors = false;
};

} // namespace runlens
