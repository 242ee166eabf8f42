// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runtablemodel.h"

#include "actions/runactions.h"
#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"
#include "itemmodels/runstatusstyle.h"
#include "search/searchquery.h"
#include "store/database.h"
#include "store/store.h"

#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"

#include <cmath>
#include <QColor>
#include <QDateTime>
#include <QSet>

namespace runlens {

namespace {

const char *const fixedIds[] = {"star", "status", "name",   "start",     "duration",
                                "user", "source", "commit", "experiment"};
const char *const valueNames[] = {"last", "min", "max"};
// The start and duration of a run whose start is not known (an imported log without times).
const QString UnknownTime = QStringLiteral("—");

QString durationText(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60);
    return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60);
}

} // namespace

RunTableModel::RunTableModel(StoreWorker *worker, QObject *parent)
    : QAbstractTableModel(parent)
    , m_worker(worker)
    , m_actions(new RunActions(worker, this))
    , m_compiled(search::compile(QString(), QString())) // the query of a model not yet given one: every run
{
    indexColumns();
    connect(m_actions, &RunActions::runsStarredChanged, this, &RunTableModel::refresh);
    connect(m_actions, &RunActions::runsDeletedChanged, this, &RunTableModel::refresh);
    connect(m_actions, &RunActions::runsColorChanged, this, &RunTableModel::refresh);
    connect(m_actions, &RunActions::failed, this,
            [this](const QString &, const QString &why) { Q_EMIT writeFailed(why); });
}

RunTableModel::~RunTableModel()
{
    if (m_colors)
        m_colors->release(m_colorView);
}

void RunTableModel::setQuery(const RunQuery &query)
{
    // Compiled here, once per filter (it is cheap), and handed to the worker with every count and page: a
    // malformed filter throws SyntaxError before anything changes or reaches the worker.
    search::CompiledQuery compiled = search::compile(query.filter, query.orderBy);
    m_compiled = std::move(compiled);
    m_query = query;
    m_query.limit = -1;
    m_query.offset = 0;
    reload();
}

namespace {
template<typename List> bool isSubsequence(const List &part, const List &whole)
{
    qsizetype j = 0;
    for (qsizetype i = 0; i < whole.size() && j < part.size(); ++i)
        if (whole[i] == part[j])
            ++j;
    return j == part.size();
}
} // namespace

void RunTableModel::setColumns(const QList<MetricColumn> &metrics, const QStringList &params)
{
    if (metrics == m_metrics && params == m_params)
        return;
    // Keys only added (a live run logged a new one): insert their columns, so that views keep selection,
    // scroll and the widths of the other columns.
    if (isSubsequence(m_metrics, metrics) && isSubsequence(m_params, params)) {
        // Consecutive new keys go in as one block: views re-measure their header on every insertion, and
        // the first keys of an experiment (dozens of columns) would otherwise cost that many passes.
        const auto insertMissing = [this](auto &current, const auto &wanted, auto firstColumn) {
            for (qsizetype i = 0; i < wanted.size();) {
                if (i < current.size() && current[i] == wanted[i]) {
                    ++i;
                    continue;
                }
                qsizetype end = i + 1;
                while (end < wanted.size() && !(i < current.size() && current[i] == wanted[end]))
                    ++end;
                const int column = firstColumn() + int(i);
                beginInsertColumns({}, column, column + int(end - i) - 1);
                current.insert(i, end - i, {});
                std::copy(wanted.begin() + i, wanted.begin() + end, current.begin() + i);
                indexColumns();
                endInsertColumns();
                i = end;
            }
        };
        insertMissing(m_metrics, metrics, [] { return int(FixedColumnCount); });
        insertMissing(m_params, params, [this] { return FixedColumnCount + int(m_metrics.size()); });
        return;
    }
    beginResetModel();
    m_metrics = metrics;
    m_params = params;
    indexColumns();
    endResetModel();
}

void RunTableModel::setParamColumns(const QStringList &keys)
{
    setColumns(m_metrics, keys);
}

void RunTableModel::setMetricColumns(const QStringList &keys)
{
    QList<MetricColumn> metrics;
    for (const QString &k : keys)
        metrics.append({k, MetricValue::Last});
    setColumns(metrics, m_params);
}

void RunTableModel::setExperimentNames(const QHash<ExperimentId, QString> &names)
{
    if (names == m_experimentNames)
        return;
    m_experimentNames = names;
    if (!m_runs.empty())
        Q_EMIT dataChanged(index(0, ExperimentColumn), index(rowCount() - 1, ExperimentColumn));
}

QString RunTableModel::fixedColumnId(int column)
{
    return column >= 0 && column < FixedColumnCount ? QString::fromLatin1(fixedIds[column]) : QString();
}

QString RunTableModel::fixedColumnTitle(int column)
{
    static const char *titles[] = {"★",    "Status", "Name",   "Start",     "Duration",
                                   "User", "Source", "Commit", "Experiment"};
    return column >= 0 && column < FixedColumnCount ? tr(titles[column]) : QString();
}

QString RunTableModel::metricColumnId(const MetricColumn &c)
{
    return QStringLiteral("metric:%1:%2").arg(QLatin1String(valueNames[int(c.value)]), c.key);
}

QString RunTableModel::paramColumnId(const QString &key)
{
    return QStringLiteral("param:") + key;
}

std::optional<RunTableModel::MetricColumn> RunTableModel::metricColumnFromId(const QString &id)
{
    if (!id.startsWith(QLatin1String("metric:")))
        return std::nullopt;
    const int colon = int(id.indexOf(QLatin1Char(':'), 7));
    if (colon < 0)
        return std::nullopt;
    const QString value = id.mid(7, colon - 7);
    for (int v = 0; v < 3; ++v)
        if (value == QLatin1String(valueNames[v]))
            return MetricColumn{id.mid(colon + 1), MetricValue(v)};
    return std::nullopt;
}

std::optional<QString> RunTableModel::paramKeyFromId(const QString &id)
{
    if (!id.startsWith(QLatin1String("param:")))
        return std::nullopt;
    return id.mid(6);
}

QString RunTableModel::columnId(int column) const
{
    if (column >= 0 && column < FixedColumnCount)
        return fixedColumnId(column);
    const int m = column - FixedColumnCount;
    if (m >= 0 && m < m_metrics.size())
        return metricColumnId(m_metrics[m]);
    const int p = m - int(m_metrics.size());
    if (p >= 0 && p < m_params.size())
        return paramColumnId(m_params[p]);
    return {};
}

int RunTableModel::columnOf(const QString &id) const
{
    return m_columnIndex.value(id, -1);
}

void RunTableModel::indexColumns()
{
    m_columnIndex.clear();
    for (int c = 0, n = columnCount(); c < n; ++c)
        m_columnIndex.insert(columnId(c), c);
}

bool RunTableModel::isMetricColumn(int column) const
{
    return column >= FixedColumnCount && column < FixedColumnCount + m_metrics.size();
}

void RunTableModel::setColorMap(RunColorMap *map)
{
    if (m_colors == map)
        return;
    if (m_colors) {
        m_colors->release(m_colorView);
        disconnect(m_colors, nullptr, this, nullptr);
    }
    m_colors = map;
    if (!m_colors)
        return;
    m_colorView = QStringLiteral("runs-table@%1").arg(quintptr(this), 0, 16);
    connect(m_colors, &QObject::destroyed, this, [this] { m_colors = nullptr; });
    connect(m_colors, &RunColorMap::colorsChanged, this, [this] {
        if (m_holdingColors)
            return; // the view holds the rows it is about to paint: they paint with their colours
        // Only shown rows are held, and only they need painting again (another view recoloured a run).
        const int last = std::min(m_shownLast, rowCount() - 1);
        if (m_shownFirst <= last)
            Q_EMIT dataChanged(index(m_shownFirst, NameColumn), index(last, NameColumn),
                               {Qt::DecorationRole, RunColorRole});
    });
    holdShownRows();
}

void RunTableModel::setShownRows(int first, int last)
{
    if (std::max(0, first) == m_shownFirst && last == m_shownLast)
        return; // rows that change under a range are held again where they change
    m_shownFirst = std::max(0, first);
    m_shownLast = last;
    // Only the rows entering change colour here (the others keep theirs: pins change on a refresh, which
    // holds the rows itself), and the view is painting them.
    m_holdingColors = true;
    holdShownRows();
    m_holdingColors = false;
}

void RunTableModel::holdShownRows()
{
    if (!m_colors)
        return;
    QList<RunColorMap::Member> members;
    const int last = std::min(m_shownLast, rowCount() - 1);
    for (int row = m_shownFirst; row <= last; ++row) {
        const Run &r = m_runs[size_t(row)];
        members.push_back({r.id, RunColors::pinOf(r.tags)});
    }
    m_colors->hold(m_colorView, members, RunColorMap::Policy::Listing);
}

QColor RunTableModel::colorOf(const Run &run) const
{
    const QColor held = m_colors ? m_colors->colorOf(run.id) : QColor();
    return held.isValid() ? held : RunColors::pinOf(run.tags);
}

int RunTableModel::rowOf(const QString &runId) const
{
    for (size_t r = 0; r < m_runs.size(); ++r)
        if (m_runs[r].id == runId)
            return int(r);
    return -1;
}

void RunTableModel::setPending(int delta)
{
    const bool was = isLoading();
    m_pending += delta;
    if (was != isLoading())
        Q_EMIT loadingChanged(isLoading());
    // A refresh asked while loading runs when the load ends (the count may answer after the page).
    if (was && !isLoading() && m_refreshPending)
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_refreshPending)
                    refresh();
            },
            Qt::QueuedConnection);
}

void RunTableModel::setTotal(qint64 total)
{
    if (total == m_total)
        return;
    m_total = total;
    Q_EMIT totalCountChanged(total);
}

void RunTableModel::setNested(bool nested)
{
    if (nested == m_nested)
        return;
    m_nested = nested;
    if (m_generation > 0)
        reload();
}

void RunTableModel::setExpanded(int row, bool expanded)
{
    if (row < 0 || row >= rowCount() || !m_nested || isExpanded(row) == expanded)
        return;
    if (expanded && childCountAt(row) == 0)
        return;
    const QString id = runAt(row).id;
    if (expanded)
        m_expanded.insert(id);
    else
        m_expanded.remove(id);
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1), {ExpandedRole});
    refresh(); // the children come or go with the listing brought up to date
}

int RunTableModel::parentRowOf(int row) const
{
    const int depth = row >= 0 && row < rowCount() ? depthAt(row) : 0;
    if (depth == 0)
        return -1;
    // Children follow their parent, depth first: the parent is the nearest row above one level up.
    for (int r = row - 1; r >= 0; --r)
        if (depthAt(r) == depth - 1)
            return r;
    return -1;
}

void RunTableModel::reload()
{
    beginResetModel();
    m_runs.clear();
    m_depth.clear();
    m_children.clear();
    m_topLoaded = 0;
    m_topTotal = -1;
    m_total = -1;
    m_fetching = false;
    m_refreshing = false;
    ++m_generation;
    endResetModel();
    holdShownRows(); // nothing shown until the view says which rows it shows
    const quint64 generation = m_generation;
    RunQuery query = m_query;
    query.topLevel = m_nested;
    setPending(+1);
    // The runs listed (what the window counts) and, nested, the top-level ones (what the pages go through).
    m_worker->run<std::pair<qint64, qint64>>(
        this,
        [query, compiled = m_compiled](Store &store) {
            const Database::ReadTransaction snapshot(store.database());
            RunQuery all = query;
            all.topLevel = false;
            const qint64 total = store.runs().countRuns(all, compiled);
            const bool tree = query.topLevel && store.runs().anyChildRuns();
            return std::pair(total, tree ? store.runs().countRuns(query, compiled) : total);
        },
        [this, generation](std::pair<qint64, qint64> counts) {
            setPending(-1);
            if (generation != m_generation)
                return;
            m_topTotal = counts.second;
            setTotal(counts.first);
        },
        [this](const QString &message) {
            setPending(-1);
            Q_EMIT loadFailed(message);
        });
    fetchMore({});
}

void RunTableModel::refresh()
{
    if (m_refreshing || m_fetching || isLoading()) {
        m_refreshPending = true; // a write of ours or another process's must still show
        return;
    }
    m_refreshPending = false;
    m_refreshing = true;
    RunQuery window = m_query;
    window.offset = 0;
    window.topLevel = m_nested;
    window.limit = std::max<qint64>(m_topLoaded, PageSize);
    // What the rows were read at: the store sends back the listing's ids and stamps, and in full only the
    // runs whose stamp moved (or that are new here). A logger writing every second into one run of 10,000
    // loaded ones costs one run's details, not 10,000.
    // The lookup is built on the worker: with 10,000 rows loaded that is milliseconds the GUI thread keeps.
    std::vector<std::pair<QString, qint64>> loaded;
    loaded.reserve(m_runs.size());
    for (const Run &r : m_runs)
        loaded.emplace_back(r.id, r.updatedMs);
    const quint64 generation = m_generation;
    struct Answer
    {
        qint64 total = 0;
        QStringList order;
        std::vector<Run> changed;
        qint64 topTotal = 0; // the top-level runs when nested, else total
        qint64 topCount = 0; // rows of the listing itself (its top level when nested): where paging goes on
        QHash<QString, int> depth;
        QHash<QString, ChildSummary> children;
    };
    m_worker->run<Answer>(
        this,
        [window, compiled = m_compiled, loaded = std::move(loaded), nested = m_nested,
         expanded = m_expanded](Store &store) mutable {
            QHash<QString, qint64> known;
            known.reserve(qsizetype(loaded.size()));
            for (const auto &[id, updated] : loaded)
                known.insert(id, updated);
            // One read transaction: the count, the order and the runs describe the same moment. A snapshot,
            // not the write lock: writers beside the window (a training loop flushing each second) never wait
            // for the table to read.
            const Database::ReadTransaction snapshot(store.database());
            Answer a;
            nested = nested && store.runs().anyChildRuns(); // without any, a flat listing
            window.topLevel = nested;
            RunQuery all = window;
            all.topLevel = false;
            a.total = store.runs().countRuns(all, compiled);
            a.topTotal = nested ? store.runs().countRuns(window, compiled) : a.total;
            QStringList stale;
            // The tree: each expanded run's children after it, depth first. The children of every expanded
            // run of one level come in one query, so a refresh costs a few queries however many are
            // expanded. A run is listed once, so a crafted cycle of parent ids ends where it meets a run
            // already listed; depth is bounded too.
            const auto stamps = store.runs().searchRunStamps(window, compiled);
            a.topCount = qint64(stamps.size());
            QHash<QString, std::vector<std::pair<QString, qint64>>> children;
            if (nested) {
                QSet<QString> asked;
                QStringList level;
                for (const auto &[id, updated] : stamps)
                    level << id;
                for (int depth = 0; depth < MaxRunDepth && !level.isEmpty(); ++depth) {
                    QStringList open;
                    for (const QString &id : std::as_const(level))
                        if (expanded.contains(id) && !asked.contains(id))
                            open << id;
                    asked.unite(QSet<QString>(open.begin(), open.end()));
                    auto found = store.runs().childRunStamps(window, compiled, open);
                    level.clear();
                    for (auto it = found.begin(); it != found.end(); ++it) {
                        for (const auto &child : *it)
                            level << child.first;
                        children.insert(it.key(), std::move(*it));
                    }
                }
            }
            QSet<QString> listed;
            const auto visit = [&](const auto &self, const QString &id, qint64 updated, int depth) -> void {
                if (listed.contains(id))
                    return;
                listed.insert(id);
                if (known.value(id, -1) != updated)
                    stale << id;
                a.order << id;
                if (depth > 0)
                    a.depth.insert(id, depth);
                if (depth >= MaxRunDepth || !expanded.contains(id))
                    return;
                if (const auto c = children.constFind(id); c != children.constEnd())
                    for (const auto &[child, stamp] : *c)
                        self(self, child, stamp, depth + 1);
            };
            for (const auto &[id, updated] : stamps)
                visit(visit, id, updated, 0);
            if (nested) {
                const QHash<QString, ChildSummary> all = store.runs().childSummaries(window, compiled);
                for (auto it = all.begin(); it != all.end(); ++it)
                    if (listed.contains(it.key()))
                        a.children.insert(it.key(), *it);
            }
            a.changed = store.runs().runs(stale);
            return a;
        },
        [this, generation](Answer answer) {
            if (generation != m_generation)
                return;
            // Rows whose place in the tree or whose children changed while the run itself did not (looked
            // up through the few runs that are in the tree, not through every row).
            QSet<QString> moved;
            const auto compare = [&moved](const auto &before, const auto &after) {
                for (auto it = before.begin(); it != before.end(); ++it)
                    if (after.value(it.key()) != *it)
                        moved.insert(it.key());
                for (auto it = after.begin(); it != after.end(); ++it)
                    if (!before.contains(it.key()))
                        moved.insert(it.key());
            };
            compare(m_depth, answer.depth);
            compare(m_children, answer.children);
            m_depth = std::move(answer.depth);
            m_children = std::move(answer.children);
            // Still "refreshing" while rows change: views must not fetch a page at offsets that are moving.
            const QList<int> rows = apply(answer.order, std::move(answer.changed));
            m_topLoaded = answer.topCount;
            if (!moved.isEmpty()) {
                for (size_t r = 0; r < m_runs.size(); ++r)
                    if (moved.contains(m_runs[r].id))
                        Q_EMIT dataChanged(index(int(r), 0), index(int(r), columnCount() - 1));
            }
            holdShownRows(); // the shown rows may be other runs now, or carry another pin
            m_refreshing = false;
            m_topTotal = answer.topTotal;
            setTotal(answer.total);
            Q_EMIT refreshed(rows);
            if (m_refreshPending)
                refresh();
        },
        [this, generation](const QString &message) {
            if (generation == m_generation)
                m_refreshing = false;
            Q_EMIT loadFailed(message);
        });
}

// Turns the loaded rows into the listing `order` with removals, one layout change for moves, and insertions,
// so that views keep their selection and scroll position (persistent indexes follow the runs); the runs in
// `changed` replace theirs (dataChanged for those rows only) or are the inserted ones.
QList<int> RunTableModel::apply(const QStringList &order, std::vector<Run> changed)
{
    QHash<QString, Run *> fresh;
    fresh.reserve(qsizetype(changed.size()));
    for (Run &r : changed)
        fresh.insert(r.id, &r);
    // The usual case while a logger writes: the same runs in the same order, a few of them changed.
    if (order.size() == qsizetype(m_runs.size()) &&
        std::equal(order.begin(), order.end(), m_runs.begin(),
                   [](const QString &id, const Run &r) { return id == r.id; })) {
        QList<int> rows;
        for (size_t r = 0; r < m_runs.size(); ++r) {
            if (Run *run = fresh.value(m_runs[r].id)) {
                m_runs[r] = std::move(*run);
                rows << int(r);
                Q_EMIT dataChanged(index(int(r), 0), index(int(r), columnCount() - 1));
            }
        }
        return rows;
    }
    // Each id is once on each side: one query's answer, and loaded rows that fetchMore keeps unique.
    QHash<QString, int> position;
    position.reserve(order.size());
    for (qsizetype i = 0; i < order.size(); ++i)
        position.insert(order[i], int(i));

    for (int r = int(m_runs.size()) - 1; r >= 0;) {
        if (position.contains(m_runs[size_t(r)].id)) {
            --r;
            continue;
        }
        int first = r;
        while (first > 0 && !position.contains(m_runs[size_t(first - 1)].id))
            --first;
        beginRemoveRows({}, first, r);
        m_runs.erase(m_runs.begin() + first, m_runs.begin() + r + 1);
        endRemoveRows();
        r = first - 1;
    }

    const auto before = [&](const Run &a, const Run &b) {
        return position.value(a.id) < position.value(b.id);
    };
    if (!std::is_sorted(m_runs.begin(), m_runs.end(), before)) {
        Q_EMIT layoutAboutToBeChanged();
        QHash<QString, int> oldRow;
        for (size_t r = 0; r < m_runs.size(); ++r)
            oldRow.insert(m_runs[r].id, int(r));
        std::stable_sort(m_runs.begin(), m_runs.end(), before);
        QList<int> newRowOf(qsizetype(m_runs.size()));
        for (size_t r = 0; r < m_runs.size(); ++r)
            newRowOf[oldRow.value(m_runs[r].id)] = int(r);
        const QModelIndexList from = persistentIndexList();
        QModelIndexList to;
        to.reserve(from.size());
        for (const QModelIndex &i : from)
            to << index(newRowOf.value(i.row()), i.column());
        changePersistentIndexList(from, to);
        Q_EMIT layoutChanged();
    }

    QList<int> updated, reread; // rows replaced in place; rows inserted
    size_t j = 0;
    for (qsizetype i = 0; i < order.size();) {
        if (j < m_runs.size() && m_runs[j].id == order[i]) {
            if (Run *run = fresh.value(order[i])) {
                m_runs[j] = std::move(*run);
                updated << int(j);
            }
            ++j;
            ++i;
            continue;
        }
        // Runs new to this listing, each read in full (an id without its run was loaded here when the request
        // left, which the refresh guard rules out; it is picked up by the next refresh).
        std::vector<Run> inserted;
        for (; i < order.size() && (j >= m_runs.size() || order[i] != m_runs[j].id); ++i) {
            if (Run *run = fresh.value(order[i]))
                inserted.push_back(std::move(*run));
            else
                m_refreshPending = true;
        }
        if (inserted.empty())
            continue;
        beginInsertRows({}, int(j), int(j + inserted.size()) - 1);
        m_runs.insert(m_runs.begin() + qsizetype(j), std::make_move_iterator(inserted.begin()),
                      std::make_move_iterator(inserted.end()));
        endInsertRows();
        for (size_t k = 0; k < inserted.size(); ++k)
            reread << int(j + k);
        j += inserted.size();
    }
    // One dataChanged per block of consecutive changed rows.
    for (qsizetype k = 0; k < updated.size();) {
        qsizetype end = k + 1;
        while (end < updated.size() && updated[end] == updated[end - 1] + 1)
            ++end;
        Q_EMIT dataChanged(index(updated[k], 0), index(updated[end - 1], columnCount() - 1));
        k = end;
    }
    reread << updated; // all rows before j: insertions further down did not move them
    std::sort(reread.begin(), reread.end());
    return reread;
}

void RunTableModel::setStarred(const QStringList &runIds, bool starred)
{
    m_actions->setRunsStarred(runIds, starred);
}

void RunTableModel::setDeleted(const QStringList &runIds, bool deleted)
{
    m_actions->setRunsDeleted(runIds, deleted);
}

void RunTableModel::setColor(const QStringList &runIds, const QColor &color)
{
    m_actions->setRunsColor(runIds, color);
}

int RunTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(FixedColumnCount + m_params.size() + m_metrics.size());
}

bool RunTableModel::canFetchMore(const QModelIndex &parent) const
{
    // Nothing to fetch before the first setQuery(): a view must not list every experiment meanwhile.
    if (parent.isValid() || m_fetching || m_refreshing || m_generation == 0)
        return false;
    return m_topTotal < 0 || m_topLoaded < m_topTotal;
}

void RunTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_fetching = true;
    RunQuery page = m_query;
    page.topLevel = m_nested;
    page.offset = m_topLoaded;
    page.limit = m_runs.empty() ? FirstPageSize : PageSize;
    const quint64 generation = m_generation;
    setPending(+1);
    struct Page
    {
        std::vector<Run> runs;
        QHash<QString, ChildSummary> children; // of these runs, when nested
    };
    m_worker->run<Page>(
        this,
        [page, compiled = m_compiled](Store &store) mutable {
            const Database::ReadTransaction snapshot(store.database());
            page.topLevel = page.topLevel && store.runs().anyChildRuns(); // without any, a flat listing
            Page p;
            p.runs = store.runs().searchRuns(page, compiled);
            if (page.topLevel && !p.runs.empty()) {
                RunQuery parents = page;
                for (const Run &r : p.runs)
                    parents.parents << r.id;
                p.children = store.runs().childSummaries(parents, compiled);
            }
            return p;
        },
        [this, generation](Page answer) {
            setPending(-1);
            if (generation != m_generation)
                return;
            std::vector<Run> &runs = answer.runs;
            m_topLoaded += qint64(runs.size()); // before dropping those listed already: the offset moves on
            if (runs.empty()) {
                m_fetching = false;
                if (m_topTotal < 0 || m_topTotal > m_topLoaded) { // the listing shrank meanwhile
                    m_topTotal = m_topLoaded;
                    if (!m_nested)
                        setTotal(m_topLoaded);
                }
                return;
            }
            // Paging is by offset: a run that another process added above the loaded rows shifts the next
            // page by one, so its first run may be loaded already. Never list a run twice.
            QSet<QString> loaded;
            loaded.reserve(qsizetype(m_runs.size()));
            for (const Run &r : m_runs)
                loaded.insert(r.id);
            std::erase_if(runs, [&](const Run &r) { return loaded.contains(r.id); });
            if (runs.empty()) {
                m_fetching = false;
                refresh(); // the listing moved under us: bring the loaded rows up to date
                return;
            }
            bool expandedArrived = false;
            for (const Run &r : runs) {
                m_depth.remove(r.id);
                if (const auto c = answer.children.constFind(r.id); c != answer.children.constEnd())
                    m_children.insert(r.id, *c);
                else
                    m_children.remove(r.id);
                expandedArrived = expandedArrived || m_expanded.contains(r.id);
            }
            if (expandedArrived)
                m_refreshPending = true; // their children come with a refresh
            const int first = int(m_runs.size());
            beginInsertRows({}, first, first + int(runs.size()) - 1);
            m_runs.insert(m_runs.end(), std::make_move_iterator(runs.begin()),
                          std::make_move_iterator(runs.end()));
            endInsertRows();
            if (first <= m_shownLast)
                holdShownRows(); // rows the view already counted as shown arrived
            // Only now: views react to the insertion by asking for more, which must start after these rows.
            m_fetching = false;
            if (m_refreshPending)
                refresh();
        },
        [this, generation](const QString &message) {
            setPending(-1);
            if (generation == m_generation)
                m_fetching = false;
            Q_EMIT loadFailed(message);
        });
}

QString RunTableModel::orderByFor(int column, Qt::SortOrder order) const
{
    const QString dir = order == Qt::AscendingOrder ? QStringLiteral(" ASC") : QStringLiteral(" DESC");
    switch (column) {
    case StatusColumn:
        return QStringLiteral("attributes.status") + dir;
    case NameColumn:
        return QStringLiteral("attributes.run_name") + dir;
    case StartColumn:
        return QStringLiteral("attributes.start_time") + dir;
    case UserColumn:
        return QStringLiteral("attributes.user_id") + dir;
    default:
        break;
    }
    const int m = column - FixedColumnCount;
    if (m >= 0 && m < m_metrics.size()) {
        const QString metric = QStringLiteral("metrics.") + search::quotedKey(m_metrics[m].key);
        switch (m_metrics[m].value) {
        case MetricValue::Last:
            return metric + dir;
        case MetricValue::Min:
            return QStringLiteral("min(%1)").arg(metric) + dir;
        case MetricValue::Max:
            return QStringLiteral("max(%1)").arg(metric) + dir;
        }
    }
    const int p = m - int(m_metrics.size());
    if (p >= 0 && p < m_params.size())
        return QStringLiteral("params.") + search::quotedKey(m_params[p]) + dir;
    return {};
}

void RunTableModel::sort(int column, Qt::SortOrder order)
{
    const QString orderBy = orderByFor(column, order);
    if (orderBy.isEmpty() || orderBy == m_query.orderBy)
        return;
    // The order-by is part of the compiled query the worker gets. Ours are quoted (search::quotedKey), so
    // this does not throw; should it, the listing stays as it is and says why.
    try {
        m_compiled = search::compile(m_query.filter, orderBy);
    } catch (const search::SyntaxError &e) {
        Q_EMIT loadFailed(e.message());
        return;
    }
    m_query.orderBy = orderBy;
    if (m_generation > 0) // before the first setQuery() there is nothing to reload (a view's initial sort)
        reload();
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section >= 0 && section < FixedColumnCount)
        return role == Qt::ToolTipRole && section == StarColumn ? tr("Starred") : fixedColumnTitle(section);
    const int m = section - FixedColumnCount;
    if (m >= 0 && m < m_metrics.size()) {
        const MetricColumn &c = m_metrics[m];
        if (role == Qt::ToolTipRole) {
            static const char *what[] = {"last value", "smallest value", "largest value"};
            return display::elided(tr("metric %1, %2").arg(c.key, tr(what[int(c.value)])));
        }
        QString title = display::singleLine(c.key);
        if (c.value != MetricValue::Last)
            title += c.value == MetricValue::Min ? tr(" (min)") : tr(" (max)");
        // A key that is both a param and a metric (often "lr") says which one each column is.
        else if (m_params.contains(c.key))
            title += tr(" (metric)");
        return title;
    }
    const int p = m - int(m_metrics.size());
    if (p >= 0 && p < m_params.size()) {
        if (role == Qt::ToolTipRole)
            return display::elided(tr("param %1").arg(m_params[p]));
        const bool alsoMetric = std::any_of(m_metrics.begin(), m_metrics.end(),
                                            [&](const MetricColumn &c) { return c.key == m_params[p]; });
        const QString key = display::singleLine(m_params[p]);
        return alsoMetric ? tr("%1 (param)").arg(key) : key;
    }
    return {};
}

QVariant RunTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Run &run = m_runs[size_t(index.row())];
    switch (role) {
    case RunIdRole:
        return run.id;
    case RunStatusRole:
        return int(run.status);
    case StarredRole:
        return run.starred;
    case DeletedRole:
        return run.lifecycle == Lifecycle::Deleted;
    case RunColorRole:
        return colorOf(run);
    case TreeDepthRole:
        return m_depth.value(run.id, 0);
    case ChildCountRole:
        return m_children.value(run.id).count;
    case ExpandedRole:
        return m_expanded.contains(run.id);
    case Qt::DecorationRole: {
        if (index.column() == StatusColumn && runstatus::isLive(run.status))
            return runstatus::dot(run.status); // the live mark, as every page shows it
        if (index.column() != NameColumn)
            return {};
        const QColor c = colorOf(run);
        return c.isValid() ? QVariant(c) : QVariant();
    }
    case Qt::ForegroundRole:
        if (index.column() == StarColumn)
            return run.starred ? QColor(0xe0, 0x9b, 0x00) : QColor(128, 128, 128, 120);
        if (index.column() == DurationColumn && m_children.contains(run.id))
            return QColor(128, 128, 128); // the children's span, not a run time of the parent's own
        if (index.column() == StatusColumn) {
            switch (run.status) {
            case RunStatus::Failed:
                return QColor(0xd6, 0x3c, 0x3c);
            case RunStatus::Running:
                return runstatus::color(run.status);
            case RunStatus::Killed:
            case RunStatus::Scheduled:
                return QColor(128, 128, 128);
            case RunStatus::Finished:
                break;
            }
        }
        return {};
    case SortValueRole:
        return cell(run, index.column(), role);
    case FullTextRole:
        return cell(run, index.column(), Qt::DisplayRole);
    case Qt::DisplayRole:
    case Qt::ToolTipRole: {
        // Names, params, users and sources come from elsewhere and may be megabytes long: a cell shows one
        // cut line, a tooltip a bounded text (FullTextRole keeps the whole, for copying).
        const QVariant v = cell(run, index.column(), role);
        if (v.typeId() != QMetaType::QString)
            return v;
        return role == Qt::DisplayRole ? display::singleLine(v.toString())
                                       : display::elided(v.toString(), display::MaxTextChars);
    }
    case Qt::TextAlignmentRole:
        if (index.column() == StarColumn)
            return Qt::AlignCenter;
        return isMetricColumn(index.column()) ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant RunTableModel::cell(const Run &run, int column, int role) const
{
    const bool raw = role == SortValueRole;
    switch (column) {
    case StarColumn:
        if (raw)
            return run.starred;
        if (role == Qt::ToolTipRole)
            return run.starred ? tr("Starred: click to unstar") : tr("Click to star");
        return run.starred ? QStringLiteral("★") : QStringLiteral("☆");
    case StatusColumn:
        return runStatusName(run.status);
    case NameColumn:
        if (role == Qt::ToolTipRole)
            return run.name.isEmpty() ? run.id : tr("%1\n%2").arg(display::elided(run.name), run.id);
        return run.name.isEmpty() ? (raw ? QString() : run.id.left(8)) : run.name;
    case StartColumn:
        if (!run.startMs) // an imported log that does not tell when its run began
            return raw ? QVariant() : QVariant(UnknownTime);
        return raw ? QVariant(*run.startMs)
                   : QVariant(QDateTime::fromMSecsSinceEpoch(*run.startMs)
                                  .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    case DurationColumn: {
        // A parent (a sweep, MLflow's nested runs) shows the span of its children in the listing: from the
        // first one's start to the last one's end, or now while one has not ended.
        if (const auto c = m_children.constFind(run.id); c != m_children.constEnd()) {
            if (role == Qt::ToolTipRole)
                return c->count == 1 ? tr("span of 1 child run") : tr("span of %1 child runs").arg(c->count);
            if (!c->firstStartMs)
                return raw ? QVariant() : QVariant(UnknownTime);
            const qint64 end = c->anyOpen ? nowMs() : c->lastEndMs.value_or(*c->firstStartMs);
            const qint64 span = std::max<qint64>(0, end - *c->firstStartMs);
            return raw ? QVariant(span) : QVariant(durationText(span));
        }
        if (!run.startMs)
            return raw ? QVariant() : QVariant(UnknownTime);
        const qint64 end = run.endMs.value_or(nowMs());
        return raw ? QVariant(end - *run.startMs) : QVariant(durationText(end - *run.startMs));
    }
    case UserColumn:
        return run.user;
    case SourceColumn:
        return run.sourceName;
    case CommitColumn:
        return raw || role == Qt::ToolTipRole ? run.gitCommit : run.gitCommit.left(8);
    case ExperimentColumn: {
        const auto name = m_experimentNames.constFind(run.experimentId);
        return name != m_experimentNames.constEnd() ? *name : QString::number(run.experimentId);
    }
    default:
        break;
    }
    const int m = column - FixedColumnCount;
    if (m >= 0 && m < m_metrics.size()) {
        const auto it = run.metrics.constFind(m_metrics[m].key);
        if (it == run.metrics.constEnd())
            return {};
        double value = it->last;
        if (m_metrics[m].value == MetricValue::Min)
            value = it->min;
        else if (m_metrics[m].value == MetricValue::Max)
            value = it->max;
        if (raw)
            return value;
        if (role == Qt::ToolTipRole)
            return tr("last %1 at step %2\nmin %3, max %4, %5 points")
                .arg(text::formatNumber(it->last))
                .arg(it->lastStep)
                .arg(text::formatNumber(it->min), text::formatNumber(it->max))
                .arg(it->count);
        return std::isfinite(value) ? QString::number(value, 'g', 6) : text::formatNumber(value);
    }
    const int p = m - int(m_metrics.size());
    if (p >= 0 && p < m_params.size()) {
        const auto it = run.params.constFind(m_params[p]);
        return it == run.params.constEnd() ? QVariant() : QVariant(*it);
    }
    return {};
}

} // namespace runlens
