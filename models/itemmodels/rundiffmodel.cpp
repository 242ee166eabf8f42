// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/rundiffmodel.h"

#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <QBrush>
#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <set>

namespace runlens {

namespace {

// Translucent tints read on light and dark bases alike: they darken white a little and lighten a dark grey,
// and keep the text's own colour legible.
const QColor DiffersTint(0xff, 0xb0, 0x20, 46);
const QColor ChangedTint(0xff, 0x98, 0x00, 88);
const QColor BaselineTint(0x3d, 0x7e, 0xd6, 46);
const QColor SectionTint(0x80, 0x80, 0x80, 60);

constexpr int CommitShown = 10; // a commit's first characters identify it; the cell stays narrow

// Well-known MLflow tags that only repeat a native field, shown in Attributes instead; the colour tag is
// what the column's swatch shows.
bool isDuplicateTag(const QString &key)
{
    static const std::set<QString> keys = {
        QString::fromLatin1(mlflowtag::RunName),    QString::fromLatin1(mlflowtag::User),
        QString::fromLatin1(mlflowtag::SourceName), QString::fromLatin1(mlflowtag::SourceType),
        QString::fromLatin1(mlflowtag::GitCommit),  QString::fromLatin1(mlflowtag::ParentRunId),
        QString::fromLatin1(mlflowtag::Note),       QString::fromLatin1(RunColorTag),
    };
    return keys.count(key) > 0;
}

// Keys as a person scans them: case folded first, so "LR" sits beside "lr".
bool keyLess(const QString &a, const QString &b)
{
    const int c = QString::compare(a, b, Qt::CaseInsensitive);
    return c != 0 ? c < 0 : a < b;
}

QStringList sortedKeys(const std::set<QString> &keys)
{
    QStringList out(keys.begin(), keys.end());
    std::sort(out.begin(), out.end(), keyLess);
    return out;
}

QString signedNumber(double v)
{
    return v > 0 ? QLatin1Char('+') + display::compactNumber(v) : display::compactNumber(v);
}

// A change beside a value needs its size, not every digit: three significant ones ("+0.0115").
QString shortChange(double v)
{
    const QString digits = QString::number(v, 'g', 3);
    return v > 0 ? QLatin1Char('+') + digits : digits;
}

QString statLabel(const QString &key, RunDiffModel::MetricStat stat)
{
    switch (stat) {
    case RunDiffModel::MetricStat::Min:
        return RunDiffModel::tr("%1 (min)").arg(key);
    case RunDiffModel::MetricStat::Max:
        return RunDiffModel::tr("%1 (max)").arg(key);
    case RunDiffModel::MetricStat::Last:
        break;
    }
    return key;
}

// display::singleLine() for the rare value that needs it; the usual short one-line value is shared as it
// is (a sweep of hundreds of runs builds tens of thousands of cells at once).
QString oneLine(const QString &text)
{
    if (text.size() > 200)
        return display::singleLine(text);
    for (QChar c : text) {
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c == QLatin1Char('\t'))
            return display::singleLine(text);
    }
    return text;
}

QString markdownEscaped(const QString &text)
{
    // Pipes would end the cell; the others would turn into emphasis, code, links or swallowed HTML.
    static const QString special = QStringLiteral("\\|`*_[]<>~");
    QString out;
    out.reserve(text.size() + 8);
    for (QChar c : text) {
        if (special.contains(c))
            out += QLatin1Char('\\');
        out += c;
    }
    return out;
}

// A whole value in a Markdown table cell: escaped, its line breaks as <br> (a cell is one line).
QString markdownCell(const QString &text)
{
    QString out = markdownEscaped(text);
    out.replace(QStringLiteral("\r\n"), QStringLiteral("<br>"));
    out.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    out.replace(QLatin1Char('\r'), QStringLiteral("<br>"));
    return out;
}

} // namespace

RunDiffModel::RunDiffModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RunDiffModel::setColorMap(RunColorMap *map)
{
    if (m_colors)
        disconnect(m_colors, nullptr, this, nullptr);
    m_colors = map;
    if (!m_colors)
        return;
    connect(m_colors, &QObject::destroyed, this, [this] { m_colors = nullptr; });
    connect(m_colors, &RunColorMap::colorsChanged, this, [this](const QStringList &ids) {
        // Only when one of the compared runs changed colour: the map also answers the runs table's scrolling.
        const bool ours =
            std::any_of(m_runs.cbegin(), m_runs.cend(), [&ids](const Run &r) { return ids.contains(r.id); });
        if (ours && columnCount() > 0)
            Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    });
}

QColor RunDiffModel::colorOf(const Run &run) const
{
    const QColor held = m_colors ? m_colors->colorOf(run.id) : QColor();
    return held.isValid() ? held : RunColors::pinOf(run.tags);
}

void RunDiffModel::setRuns(std::vector<Run> runs)
{
    beginResetModel();
    const bool hadBaseline = m_baselineRun >= 0;
    m_runs = std::move(runs);
    m_order.resize(m_runs.size());
    std::iota(m_order.begin(), m_order.end(), 0);
    m_baselineRun = -1;
    buildRows();
    m_shown = wantedRows();
    endResetModel();
    if (hadBaseline)
        Q_EMIT baselineChanged(-1);
}

const Run &RunDiffModel::runAt(int column) const
{
    return m_runs.at(size_t(m_order.at(size_t(column))));
}

int RunDiffModel::runIndexOf(int column) const
{
    return column >= 0 && column < columnCount() ? m_order[size_t(column)] : -1;
}

int RunDiffModel::columnOfRun(int runIndex) const
{
    const auto it = std::find(m_order.begin(), m_order.end(), runIndex);
    return it == m_order.end() ? -1 : int(it - m_order.begin());
}

void RunDiffModel::setBaseline(int column)
{
    const int run = runIndexOf(column); // out of range: no baseline
    if (run == m_baselineRun)
        return;
    m_baselineRun = run;
    if (!m_shown.empty() && !m_runs.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    if (!m_runs.empty())
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    Q_EMIT baselineChanged(baselineColumn());
}

int RunDiffModel::baselineColumn() const
{
    return m_baselineRun < 0 ? -1 : columnOfRun(m_baselineRun);
}

void RunDiffModel::setOnlyDifferences(bool only)
{
    if (only == m_onlyDifferences)
        return;
    m_onlyDifferences = only;
    updateShownRows();
}

void RunDiffModel::setShowMetricRange(bool show)
{
    if (show == m_showRange)
        return;
    m_showRange = show;
    updateShownRows();
}

QStringList RunDiffModel::metricKeys() const
{
    std::set<QString> keys;
    for (const Run &r : m_runs) {
        for (auto it = r.metrics.keyBegin(); it != r.metrics.keyEnd(); ++it)
            keys.insert(*it);
    }
    return sortedKeys(keys);
}

std::optional<double> RunDiffModel::metricValue(const Run &run, const QString &key, MetricStat stat)
{
    const auto it = run.metrics.constFind(key);
    if (it == run.metrics.constEnd())
        return std::nullopt;
    switch (stat) {
    case MetricStat::Min:
        return it->min;
    case MetricStat::Max:
        return it->max;
    case MetricStat::Last:
        break;
    }
    return it->last;
}

void RunDiffModel::sortRunsByMetric(const QString &key, Qt::SortOrder order, MetricStat stat)
{
    std::vector<std::optional<double>> values(m_runs.size());
    for (size_t i = 0; i < m_runs.size(); ++i) {
        const auto v = metricValue(m_runs[i], key, stat);
        if (v && !std::isnan(*v))
            values[i] = v;
    }
    std::vector<int> next(m_runs.size());
    std::iota(next.begin(), next.end(), 0);
    std::stable_sort(next.begin(), next.end(), [&](int a, int b) {
        const auto &va = values[size_t(a)];
        const auto &vb = values[size_t(b)];
        if (!va || !vb)
            return va.has_value() && !vb.has_value(); // missing and NaN last, whatever the order
        return order == Qt::AscendingOrder ? *va < *vb : *va > *vb;
    });
    applyOrder(std::move(next));
}

void RunDiffModel::restoreRunOrder()
{
    std::vector<int> next(m_runs.size());
    std::iota(next.begin(), next.end(), 0);
    applyOrder(std::move(next));
}

void RunDiffModel::applyOrder(std::vector<int> order)
{
    if (order == m_order)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::HorizontalSortHint);
    std::vector<int> newColumn(m_runs.size());
    for (size_t c = 0; c < order.size(); ++c)
        newColumn[size_t(order[c])] = int(c);
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex &i : from)
        to << index(i.row(), newColumn[size_t(m_order[size_t(i.column())])]);
    m_order = std::move(order);
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, QAbstractItemModel::HorizontalSortHint);
    Q_EMIT runOrderChanged();
    if (m_baselineRun >= 0)
        Q_EMIT baselineChanged(baselineColumn());
}

bool RunDiffModel::same(const Value &a, const Value &b)
{
    if (a.missing || b.missing)
        return a.missing && b.missing;
    if (a.number && b.number)
        return *a.number == *b.number || (std::isnan(*a.number) && std::isnan(*b.number));
    return a.full == b.full;
}

void RunDiffModel::buildRows()
{
    m_rows.clear();
    const size_t n = m_runs.size();
    if (n == 0)
        return;

    std::set<QString> paramKeys, metricKeySet, tagKeys;
    for (const Run &r : m_runs) {
        for (auto it = r.params.keyBegin(); it != r.params.keyEnd(); ++it)
            paramKeys.insert(*it);
        for (auto it = r.metrics.keyBegin(); it != r.metrics.keyEnd(); ++it)
            metricKeySet.insert(*it);
        for (auto it = r.tags.keyBegin(); it != r.tags.keyEnd(); ++it) {
            if (!isDuplicateTag(*it))
                tagKeys.insert(*it);
        }
    }

    const auto textValue = [](const QString &full) {
        Value v;
        v.display = oneLine(full);
        v.full = full;
        v.missing = false;
        return v;
    };
    // A block of rows under its title; a row none of the runs has a value for is left out.
    const auto addSection = [&](Section section, std::vector<Row> rows) {
        std::erase_if(rows, [](const Row &row) {
            return std::all_of(row.values.begin(), row.values.end(),
                               [](const Value &v) { return v.missing; });
        });
        if (rows.empty())
            return;
        Row title;
        title.section = section;
        title.key = sectionTitle(section);
        title.header = true;
        m_rows.push_back(std::move(title));
        for (Row &row : rows) {
            row.section = section;
            row.differs = std::any_of(row.values.begin() + 1, row.values.end(),
                                      [&](const Value &v) { return !same(v, row.values.front()); });
            m_rows.push_back(std::move(row));
        }
    };

    std::vector<Row> params;
    for (const QString &key : sortedKeys(paramKeys)) {
        Row row;
        row.key = key;
        row.values.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const auto it = m_runs[i].params.constFind(key);
            if (it == m_runs[i].params.constEnd())
                continue;
            row.values[i] = textValue(*it);
            row.values[i].number = text::parseNumber(*it); // "0.1" and "0.10" are the same learning rate
        }
        params.push_back(std::move(row));
    }
    addSection(Section::Params, std::move(params));

    std::vector<Row> metrics;
    for (const QString &key : sortedKeys(metricKeySet)) {
        for (MetricStat stat : {MetricStat::Last, MetricStat::Min, MetricStat::Max}) {
            Row row;
            row.key = statLabel(key, stat);
            row.stat = stat;
            row.values.resize(n);
            for (size_t i = 0; i < n; ++i) {
                const auto it = m_runs[i].metrics.constFind(key);
                if (it == m_runs[i].metrics.constEnd())
                    continue;
                const double x = *metricValue(m_runs[i], key, stat);
                Value &v = row.values[i];
                v.display = display::compactNumber(x);
                v.full = text::formatNumber(x);
                v.number = x;
                v.missing = false;
                if (stat == MetricStat::Last)
                    v.note = tr("at step %1").arg(it->lastStep);
                else
                    v.note = it->count == 1 ? tr("over 1 point")
                                            : tr("over %1 points, NaN ignored").arg(it->count);
            }
            metrics.push_back(std::move(row));
        }
    }
    addSection(Section::Metrics, std::move(metrics));

    std::vector<Row> tags;
    for (const QString &key : sortedKeys(tagKeys)) {
        Row row;
        row.key = key;
        row.values.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const auto it = m_runs[i].tags.constFind(key);
            if (it != m_runs[i].tags.constEnd())
                row.values[i] = textValue(*it);
        }
        tags.push_back(std::move(row));
    }
    addSection(Section::Tags, std::move(tags));

    // A parent among the compared runs is named; another is shown by its short id.
    std::map<QString, QString> names;
    for (const Run &r : m_runs)
        names.emplace(r.id, r.name);
    const auto attribute = [&](const QString &label, const std::function<Value(const Run &)> &valueOf) {
        Row row;
        row.key = label;
        row.values.reserve(n);
        for (const Run &r : m_runs)
            row.values.push_back(valueOf(r));
        return row;
    };
    const auto textOrMissing = [&](const QString &s) { return s.isEmpty() ? Value() : textValue(s); };
    std::vector<Row> attributes;
    attributes.push_back(attribute(tr("Run ID"), [&](const Run &r) { return textOrMissing(r.id); }));
    attributes.push_back(attribute(tr("Experiment"), [&](const Run &r) {
        return textOrMissing(r.experimentName.isEmpty() && r.experimentId != 0
                                 ? QString::number(r.experimentId)
                                 : r.experimentName);
    }));
    attributes.push_back(
        attribute(tr("Status"), [&](const Run &r) { return textValue(runStatusName(r.status)); }));
    attributes.push_back(attribute(tr("Started"), [&](const Run &r) {
        if (!r.startMs)
            return Value();
        Value v = textValue(QDateTime::fromMSecsSinceEpoch(*r.startMs, Qt::UTC).toString(Qt::ISODateWithMs));
        v.display = display::dateTime(*r.startMs);
        // Compared at the precision shown: runs started within the same second would otherwise be marked
        // different with nothing visible to tell them apart.
        v.number = double(*r.startMs / 1000);
        return v;
    }));
    attributes.push_back(attribute(tr("Duration"), [&](const Run &r) {
        if (!r.startMs || !r.endMs)
            return Value(); // still running, or never started: no duration to compare
        const qint64 ms = *r.endMs - *r.startMs;
        Value v = textValue(QStringLiteral("%1 s").arg(text::formatNumber(double(ms) / 1000.0)));
        v.display = display::duration(ms);
        v.number = double(ms);
        return v;
    }));
    attributes.push_back(attribute(tr("User"), [&](const Run &r) { return textOrMissing(r.user); }));
    attributes.push_back(attribute(tr("Source"), [&](const Run &r) { return textOrMissing(r.sourceName); }));
    attributes.push_back(
        attribute(tr("Source type"), [&](const Run &r) { return textOrMissing(r.sourceType); }));
    attributes.push_back(attribute(tr("Git commit"), [&](const Run &r) {
        Value v = textOrMissing(r.gitCommit);
        if (!v.missing)
            v.display = oneLine(r.gitCommit.left(CommitShown));
        return v;
    }));
    attributes.push_back(attribute(tr("Parent run"), [&](const Run &r) {
        Value v = textOrMissing(r.parentId);
        if (v.missing)
            return v;
        const auto it = names.find(r.parentId);
        v.display = it != names.end() && !it->second.isEmpty() ? oneLine(it->second) : r.parentId.left(8);
        return v;
    }));
    attributes.push_back(
        attribute(tr("Description"), [&](const Run &r) { return textOrMissing(r.description); }));
    addSection(Section::Attributes, std::move(attributes));
}

std::vector<int> RunDiffModel::wantedRows() const
{
    std::vector<int> out;
    int title = -1;
    bool titleAdded = false;
    for (size_t i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows[i];
        if (row.header) {
            title = int(i);
            titleAdded = false;
            continue;
        }
        if (m_onlyDifferences && !row.differs)
            continue;
        if (!m_showRange && row.section == Section::Metrics && row.stat != MetricStat::Last)
            continue;
        if (!titleAdded) {
            out.push_back(title);
            titleAdded = true;
        }
        out.push_back(int(i));
    }
    return out;
}

void RunDiffModel::updateShownRows()
{
    // Rows leave and arrive in place (no reset), so the selection and scroll position stay on the rows that
    // remain. Both lists are ascending in m_rows, so removing what goes and then inserting what comes keeps
    // the order.
    const std::vector<int> next = wantedRows();
    std::vector<char> inNext(m_rows.size(), 0), inShown(m_rows.size(), 0);
    for (int i : next)
        inNext[size_t(i)] = 1;
    for (int i = int(m_shown.size()) - 1; i >= 0;) {
        if (inNext[size_t(m_shown[size_t(i)])]) {
            --i;
            continue;
        }
        int first = i;
        while (first > 0 && !inNext[size_t(m_shown[size_t(first - 1)])])
            --first;
        beginRemoveRows({}, first, i);
        m_shown.erase(m_shown.begin() + first, m_shown.begin() + i + 1);
        endRemoveRows();
        i = first - 1;
    }
    for (int i : m_shown)
        inShown[size_t(i)] = 1;
    for (size_t i = 0; i < next.size();) {
        if (i < m_shown.size() && m_shown[i] == next[i]) {
            ++i;
            continue;
        }
        size_t last = i;
        while (last + 1 < next.size() && !inShown[size_t(next[last + 1])])
            ++last;
        beginInsertRows({}, int(i), int(last));
        m_shown.insert(m_shown.begin() + qsizetype(i), next.begin() + qsizetype(i),
                       next.begin() + qsizetype(last) + 1);
        endInsertRows();
        i = last + 1;
    }
}

bool RunDiffModel::isSectionHeader(int row) const
{
    return row >= 0 && row < rowCount() && rowAt(row).header;
}

RunDiffModel::Section RunDiffModel::sectionOf(int row) const
{
    return row >= 0 && row < rowCount() ? rowAt(row).section : Section::Params;
}

QString RunDiffModel::keyOf(int row) const
{
    return row >= 0 && row < rowCount() ? rowAt(row).key : QString();
}

int RunDiffModel::shownValueRows() const
{
    return int(
        std::count_if(m_shown.begin(), m_shown.end(), [this](int i) { return !m_rows[size_t(i)].header; }));
}

int RunDiffModel::shownDifferingRows() const
{
    return int(std::count_if(m_shown.begin(), m_shown.end(), [this](int i) {
        const Row &r = m_rows[size_t(i)];
        return !r.header && r.differs;
    }));
}

bool RunDiffModel::changedFromBaseline(const Row &row, int run) const
{
    if (m_baselineRun < 0 || run == m_baselineRun || row.header)
        return false;
    return !same(row.values[size_t(run)], row.values[size_t(m_baselineRun)]);
}

std::optional<double> RunDiffModel::baselineDelta(const Row &row, int run) const
{
    if (m_baselineRun < 0 || row.header)
        return std::nullopt;
    const Value &v = row.values[size_t(run)];
    const Value &b = row.values[size_t(m_baselineRun)];
    if (v.missing || b.missing || !v.number || !b.number)
        return std::nullopt;
    return *v.number - *b.number;
}

QString RunDiffModel::cellText(const Row &row, int run) const
{
    const Value &v = row.values[size_t(run)];
    if (v.missing)
        return missingText();
    // Only metrics carry the change in the cell: for them "how much better" is the question; a param's or
    // a time's difference is in the tooltip.
    if (row.section == Section::Metrics && run != m_baselineRun) {
        const auto d = baselineDelta(row, run);
        if (d && std::isfinite(*d) && *d != 0.0)
            return QStringLiteral("%1 (%2)").arg(v.display, shortChange(*d));
    }
    return v.display;
}

QString RunDiffModel::columnTitle(int column) const
{
    const Run &r = runAt(column);
    return r.name.isEmpty() ? r.id.left(8) : oneLine(r.name);
}

int RunDiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int RunDiffModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

Qt::ItemFlags RunDiffModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    if (rowAt(index.row()).header)
        return Qt::ItemIsEnabled; // a title, not data: never selected or copied
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QVariant RunDiffModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = rowAt(index.row());
    const int run = m_order[size_t(index.column())];
    const Run &r = m_runs[size_t(run)];
    switch (role) {
    case RunIdRole:
        return r.id;
    case RunColorRole:
        return colorOf(r);
    case BaselineRole:
        return run == m_baselineRun;
    case SectionHeaderRole:
        return row.header;
    default:
        break;
    }
    if (row.header)
        return role == Qt::BackgroundRole ? QVariant(QBrush(SectionTint)) : QVariant();

    const Value &v = row.values[size_t(run)];
    const bool changed = changedFromBaseline(row, run);
    switch (role) {
    case Qt::DisplayRole:
        return cellText(row, run);
    case FullTextRole:
        return v.missing ? QString() : v.full;
    case SortValueRole:
        if (v.missing)
            return {};
        return v.number ? QVariant(*v.number) : QVariant(v.full);
    case Qt::ToolTipRole: {
        if (v.missing)
            // The title is cut (oneLine); keys are at most 250 characters (the store checks them).
            return tr("%1 has no value for %2").arg(columnTitle(index.column()), row.key);
        QStringList lines{display::elided(v.full)}; // cut before joining: a value may be megabytes
        if (!v.note.isEmpty())
            lines << v.note;
        if (m_baselineRun >= 0 && run != m_baselineRun) {
            const Value &b = row.values[size_t(m_baselineRun)];
            lines << tr("Baseline %1: %2")
                         .arg(columnTitle(baselineColumn()), b.missing ? missingText() : b.full);
            if (const auto d = baselineDelta(row, run)) {
                QString change = tr("Change: %1").arg(signedNumber(*d));
                if (std::isfinite(*d) && *b.number != 0.0 && std::isfinite(*b.number))
                    change += QStringLiteral(" (%1%)").arg(signedNumber(100.0 * *d / std::abs(*b.number)));
                lines << change;
            } else if (changed) {
                lines << tr("Changed from the baseline");
            }
        }
        return display::tooltipText(lines.join(QLatin1Char('\n')));
    }
    case Qt::TextAlignmentRole:
        return row.section == Section::Metrics ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                               : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::FontRole:
        if (changed) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        if (v.missing)
            return QGuiApplication::palette().brush(QPalette::PlaceholderText);
        return {};
    case Qt::BackgroundRole:
        if (changed)
            return QBrush(ChangedTint);
        if (run == m_baselineRun)
            return QBrush(BaselineTint);
        if (row.differs)
            return QBrush(DiffersTint);
        return {};
    case DiffersRole:
        return row.differs;
    case ChangedFromBaselineRole:
        return changed;
    case MissingRole:
        return v.missing;
    case BaselineDeltaRole:
        if (const auto d = baselineDelta(row, run))
            return *d;
        return {};
    default:
        return {};
    }
}

QVariant RunDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= columnCount())
            return {};
        const int run = m_order[size_t(section)];
        const Run &r = m_runs[size_t(run)];
        switch (role) {
        case Qt::DisplayRole:
            return columnTitle(section); // cut by oneLine()
        case FullTextRole:
            return r.name.isEmpty() ? r.id.left(8) : r.name;
        case Qt::ToolTipRole:
        case RunIdRole:
            return r.id;
        case RunColorRole:
            return colorOf(r);
        case BaselineRole:
            return run == m_baselineRun;
        case Qt::FontRole:
            if (run == m_baselineRun) {
                QFont f;
                f.setBold(true);
                return f;
            }
            return {};
        default:
            return {};
        }
    }
    if (section < 0 || section >= rowCount())
        return {};
    const Row &row = rowAt(section);
    switch (role) {
    case Qt::DisplayRole:
        return display::singleLine(row.key);
    case FullTextRole:
        return row.key;
    case Qt::ToolTipRole: {
        if (!row.header)
            return display::tooltipText(row.differs ? tr("%1\nValues differ").arg(row.key) : row.key);
        int rows = 0, differing = 0;
        for (const Row &r : m_rows) {
            if (!r.header && r.section == row.section &&
                (m_showRange || r.section != Section::Metrics || r.stat == MetricStat::Last)) {
                ++rows;
                differing += r.differs ? 1 : 0;
            }
        }
        return tr("%1: %2 of %3 differ").arg(row.key).arg(differing).arg(rows);
    }
    case Qt::FontRole:
        if (row.header) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::BackgroundRole:
        if (row.header)
            return QBrush(SectionTint);
        return row.differs ? QVariant(QBrush(DiffersTint)) : QVariant();
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case SectionHeaderRole:
        return row.header;
    case DiffersRole:
        return row.differs;
    default:
        return {};
    }
}

QString RunDiffModel::sectionTitle(Section s)
{
    switch (s) {
    case Section::Params:
        return tr("Params");
    case Section::Metrics:
        return tr("Metrics");
    case Section::Tags:
        return tr("Tags");
    case Section::Attributes:
        return tr("Attributes");
    }
    return {};
}

QString RunDiffModel::sectionId(Section s)
{
    switch (s) {
    case Section::Params:
        return QStringLiteral("params");
    case Section::Metrics:
        return QStringLiteral("metrics");
    case Section::Tags:
        return QStringLiteral("tags");
    case Section::Attributes:
        return QStringLiteral("attributes");
    }
    return {};
}

QString RunDiffModel::missingText()
{
    return QStringLiteral("—");
}

QString RunDiffModel::toCsv() const
{
    QStringList header{QStringLiteral("section"), QStringLiteral("key")};
    for (int c = 0; c < columnCount(); ++c) {
        const Run &r = runAt(c);
        header << text::csvField(r.name.isEmpty() ? r.id.left(8) : r.name);
    }
    QString out = header.join(QLatin1Char(',')) + QLatin1Char('\n');
    for (int i : m_shown) {
        const Row &row = m_rows[size_t(i)];
        if (row.header)
            continue;
        QStringList fields{sectionId(row.section), text::csvField(row.key)};
        for (int run : m_order) {
            const Value &v = row.values[size_t(run)];
            fields << (v.missing ? QString() : text::csvField(v.full));
        }
        out += fields.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

QString RunDiffModel::toMarkdown() const
{
    const auto line = [](const QStringList &cells) {
        return QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    };
    QStringList header{tr("Key")};
    for (int c = 0; c < columnCount(); ++c) {
        const Run &r = runAt(c);
        QString title = r.name.isEmpty() ? r.id.left(8) : markdownCell(r.name); // whole, as the CSV
        if (m_order[size_t(c)] == m_baselineRun)
            title += tr(" (baseline)");
        header << title;
    }
    QString out = line(header);
    QStringList rule;
    for (int c = 0; c <= columnCount(); ++c)
        rule << QStringLiteral("---");
    out += line(rule);
    for (int i : m_shown) {
        const Row &row = m_rows[size_t(i)];
        QStringList cells;
        if (row.header) {
            cells << QStringLiteral("**%1**").arg(markdownEscaped(row.key));
            for (int c = 0; c < columnCount(); ++c)
                cells << QString();
            out += line(cells);
            continue;
        }
        cells << markdownCell(row.key);
        for (int run : m_order) {
            // Params and tags whole, as the CSV; numbers and times as shown.
            const Value &v = row.values[size_t(run)];
            const bool text = (row.section == Section::Params || row.section == Section::Tags) && !v.missing;
            const QString t = text ? markdownCell(v.full) : markdownEscaped(cellText(row, run));
            cells << (changedFromBaseline(row, run) ? QStringLiteral("**%1**").arg(t) : t);
        }
        out += line(cells);
    }
    return out;
}

} // namespace runlens
