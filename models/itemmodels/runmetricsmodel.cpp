// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runmetricsmodel.h"

#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

#include <climits>

namespace runlens {

RunMetricsModel::RunMetricsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RunMetricsModel::setMetrics(const QMap<QString, MetricSummary> &metrics)
{
    // The same keys with new values (a live run): update in place, keeping selection, scroll and the curves
    // drawn until their new overviews arrive.
    if (qsizetype(m_rows.size()) == metrics.size() && !m_rows.empty() &&
        std::equal(m_rows.begin(), m_rows.end(), metrics.keyBegin(),
                   [](const Row &row, const QString &key) { return row.key == key; })) {
        auto it = metrics.begin();
        for (Row &row : m_rows)
            row.summary = *it++;
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
        return;
    }
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(size_t(metrics.size()));
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        m_rows.push_back({it.key(), it.value()});
    m_sparklines.clear();
    endResetModel();
}

void RunMetricsModel::setSparklines(const QMap<QString, Sparkline> &sparklines)
{
    m_sparklines = sparklines;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, SparklineColumn), index(rowCount() - 1, SparklineColumn),
                           {SparklineRole, Qt::ToolTipRole});
}

QStringList RunMetricsModel::keys() const
{
    QStringList out;
    for (const Row &r : m_rows)
        out << r.key;
    return out;
}

QMap<QString, Sparkline> RunMetricsModel::loadSparklines(Store &store, const QString &runId, int width)
{
    QMap<QString, Sparkline> out;
    const QMap<QString, StepRange> ranges = store.series().metricStepRanges(runId);
    for (auto it = ranges.begin(); it != ranges.end(); ++it) {
        Sparkline s;
        s.steps = it.value();
        s.width = width;
        s.columns = store.series().readOverview(runId, it.key(), s.steps.first, s.steps.last, width).columns;
        out.insert(it.key(), std::move(s));
    }
    return out;
}

int RunMetricsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunMetricsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunMetricsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const MetricSummary &s = row.summary;
    const auto number = [role](double v) -> QVariant {
        switch (role) {
        case Qt::DisplayRole:
            return display::compactNumber(v);
        case Qt::ToolTipRole:
        case FullTextRole:
            return text::formatNumber(v);
        case SortValueRole:
            return v;
        default:
            return {};
        }
    };
    const auto integer = [role](qint64 v) -> QVariant {
        if (role == Qt::DisplayRole || role == FullTextRole)
            return QString::number(v);
        return role == SortValueRole ? QVariant(v) : QVariant();
    };
    if (role == Qt::TextAlignmentRole)
        return index.column() == KeyColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    switch (index.column()) {
    case KeyColumn:
        if (role == Qt::DisplayRole && !m_hiddenPrefix.isEmpty() && row.key.startsWith(m_hiddenPrefix))
            return row.key.mid(m_hiddenPrefix.size());
        if (role == Qt::DisplayRole || role == FullTextRole || role == SortValueRole)
            return row.key;
        if (role == Qt::ToolTipRole)
            return display::tooltipText(row.key);
        return {};
    case LastColumn:
        if (role == Qt::ToolTipRole)
            return tr("%1 at step %2").arg(text::formatNumber(s.last)).arg(s.lastStep);
        return number(s.last);
    case MinColumn:
        return number(s.min);
    case MaxColumn:
        return number(s.max);
    case CountColumn:
        if (role == Qt::ToolTipRole)
            return tr("%n point(s) logged", nullptr, int(std::min<qint64>(s.count, INT_MAX)));
        return integer(s.count);
    case LastStepColumn:
        return integer(s.lastStep);
    case SparklineColumn: {
        const auto it = m_sparklines.constFind(row.key);
        if (role == SparklineRole)
            return it == m_sparklines.constEnd() ? QVariant() : QVariant::fromValue(*it);
        if (role == Qt::ToolTipRole)
            return it == m_sparklines.constEnd()
                       ? tr("loading the curve…")
                       : tr("%1: steps %2 to %3, min %4, max %5")
                             .arg(row.key)
                             .arg(it->steps.first)
                             .arg(it->steps.last)
                             .arg(text::formatNumber(s.min), text::formatNumber(s.max));
        return {};
    }
    default:
        return {};
    }
}

QVariant RunMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Metric", "Last", "Min", "Max", "Points", "Last step", "Curve"};
    static const char *tips[] = {"Metric key",
                                 "Value of the latest point (greatest step, then timestamp)",
                                 "Smallest value (NaN ignored)",
                                 "Largest value (NaN ignored)",
                                 "Number of logged points (a step logged twice counts twice)",
                                 "Step of the latest point",
                                 "The whole curve: every spike shows (min and max of each pixel column)"};
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    if (role == Qt::TextAlignmentRole)
        return section == KeyColumn || section == SparklineColumn
                   ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace runlens
