// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtablemodel.h"

#include "jsonformat.h"
#include "roles.h"
#include "searchquery.h"

#include <cmath>
#include <QDateTime>

namespace runlens {

namespace {

QString quotedKey(const QString &key)
{
    QString k = key;
    k.replace(QLatin1Char('`'), QStringLiteral("``"));
    return QLatin1Char('`') + k + QLatin1Char('`');
}

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
{}

void RunTableModel::setQuery(const RunQuery &query)
{
    search::compile(query.filter, query.orderBy); // throws SyntaxError: nothing changes
    m_query = query;
    m_query.limit = -1;
    m_query.offset = 0;
    reload();
}

void RunTableModel::setParamColumns(const QStringList &keys)
{
    beginResetModel();
    m_params = keys;
    endResetModel();
}

void RunTableModel::setMetricColumns(const QStringList &keys)
{
    beginResetModel();
    m_metrics = keys;
    endResetModel();
}

void RunTableModel::setPending(int delta)
{
    const bool was = isLoading();
    m_pending += delta;
    if (was != isLoading())
        Q_EMIT loadingChanged(isLoading());
}

void RunTableModel::reload()
{
    beginResetModel();
    m_runs.clear();
    m_total = -1;
    m_fetching = false;
    ++m_generation;
    endResetModel();
    const quint64 generation = m_generation;
    const RunQuery query = m_query;
    setPending(+1);
    m_worker->run<qint64>(
        this, [query](Store &store) { return store.countRuns(query); },
        [this, generation](qint64 total) {
            setPending(-1);
            if (generation != m_generation)
                return;
            m_total = total;
            Q_EMIT totalCountChanged(total);
        },
        [this](const QString &message) {
            setPending(-1);
            Q_EMIT loadFailed(message);
        });
    fetchMore({});
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
    if (parent.isValid() || m_fetching)
        return false;
    return m_total < 0 || qint64(m_runs.size()) < m_total;
}

void RunTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_fetching || (m_total >= 0 && qint64(m_runs.size()) >= m_total))
        return;
    m_fetching = true;
    RunQuery page = m_query;
    page.offset = qint64(m_runs.size());
    page.limit = PageSize;
    const quint64 generation = m_generation;
    setPending(+1);
    m_worker->run<std::vector<Run>>(
        this, [page](Store &store) { return store.searchRuns(page); },
        [this, generation](std::vector<Run> runs) {
            setPending(-1);
            if (generation != m_generation)
                return;
            if (runs.empty()) {
                m_fetching = false;
                if (m_total < 0 || m_total > qint64(m_runs.size())) {
                    m_total = qint64(m_runs.size()); // the listing shrank meanwhile
                    Q_EMIT totalCountChanged(m_total);
                }
                return;
            }
            const int first = int(m_runs.size());
            beginInsertRows({}, first, first + int(runs.size()) - 1);
            m_runs.insert(m_runs.end(), std::make_move_iterator(runs.begin()),
                          std::make_move_iterator(runs.end()));
            endInsertRows();
            // Only now: views react to the insertion by asking for more, which must start after these rows.
            m_fetching = false;
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
    const int p = column - FixedColumnCount;
    if (p >= 0 && p < m_params.size())
        return QStringLiteral("params.") + quotedKey(m_params[p]) + dir;
    const int m = p - int(m_params.size());
    if (m >= 0 && m < m_metrics.size())
        return QStringLiteral("metrics.") + quotedKey(m_metrics[m]) + dir;
    return {};
}

void RunTableModel::sort(int column, Qt::SortOrder order)
{
    const QString orderBy = orderByFor(column, order);
    if (orderBy.isEmpty() || orderBy == m_query.orderBy)
        return;
    m_query.orderBy = orderBy;
    reload();
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *fixed[] = {"★", "Status", "Name", "Start", "Duration", "User", "Source", "Commit"};
    if (section >= 0 && section < FixedColumnCount)
        return tr(fixed[section]);
    const int p = section - FixedColumnCount;
    if (p >= 0 && p < m_params.size()) {
        if (role == Qt::ToolTipRole)
            return tr("param %1").arg(m_params[p]);
        // A key that is both a param and a metric (often "lr") says which one each column is.
        return m_metrics.contains(m_params[p]) ? tr("%1 (param)").arg(m_params[p]) : m_params[p];
    }
    const int m = p - int(m_params.size());
    if (m >= 0 && m < m_metrics.size()) {
        if (role == Qt::ToolTipRole)
            return tr("metric %1, last value").arg(m_metrics[m]);
        return m_params.contains(m_metrics[m]) ? tr("%1 (metric)").arg(m_metrics[m]) : m_metrics[m];
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
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
    case SortValueRole:
        return cell(run, index.column(), role);
    case Qt::TextAlignmentRole:
        return index.column() >= FixedColumnCount + m_params.size()
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    default:
        return {};
    }
}

QVariant RunTableModel::cell(const Run &run, int column, int role) const
{
    const bool raw = role == SortValueRole;
    switch (column) {
    case StarColumn:
        return raw ? QVariant(run.starred) : QVariant(run.starred ? QStringLiteral("★") : QString());
    case StatusColumn:
        return runStatusName(run.status);
    case NameColumn:
        return run.name.isEmpty() ? (raw ? QString() : run.id.left(8)) : run.name;
    case StartColumn:
        if (!run.startMs)
            return {};
        return raw ? QVariant(*run.startMs)
                   : QVariant(QDateTime::fromMSecsSinceEpoch(*run.startMs)
                                  .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    case DurationColumn: {
        if (!run.startMs)
            return {};
        const qint64 end = run.endMs.value_or(nowMs());
        return raw ? QVariant(end - *run.startMs) : QVariant(durationText(end - *run.startMs));
    }
    case UserColumn:
        return run.user;
    case SourceColumn:
        return run.sourceName;
    case CommitColumn:
        return raw || role == Qt::ToolTipRole ? run.gitCommit : run.gitCommit.left(8);
    default:
        break;
    }
    const int p = column - FixedColumnCount;
    if (p >= 0 && p < m_params.size()) {
        const auto it = run.params.constFind(m_params[p]);
        return it == run.params.constEnd() ? QVariant() : QVariant(*it);
    }
    const int m = p - int(m_params.size());
    if (m >= 0 && m < m_metrics.size()) {
        const auto it = run.metrics.constFind(m_metrics[m]);
        if (it == run.metrics.constEnd())
            return {};
        if (raw)
            return it->last;
        if (role == Qt::ToolTipRole)
            return tr("last %1 at step %2\nmin %3, max %4, %5 points")
                .arg(text::formatNumber(it->last))
                .arg(it->lastStep)
                .arg(text::formatNumber(it->min), text::formatNumber(it->max))
                .arg(it->count);
        return std::isfinite(it->last) ? QString::number(it->last, 'g', 6) : text::formatNumber(it->last);
    }
    return {};
}

} // namespace runlens
