// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/metricaxis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace runlens {

QString MetricAxis::summaryName(Summary s)
{
    switch (s) {
    case Summary::Min:
        return QStringLiteral("min");
    case Summary::Max:
        return QStringLiteral("max");
    case Summary::Last:
        break;
    }
    return QStringLiteral("last");
}

double MetricAxis::summaryValue(const MetricSummary &m, Summary s)
{
    switch (s) {
    case Summary::Min:
        return m.min;
    case Summary::Max:
        return m.max;
    case Summary::Last:
        break;
    }
    return m.last;
}

MetricAxis MetricAxis::build(const std::vector<Run> &runs, const QString &key, Summary summary)
{
    MetricAxis a;
    a.m_key = key;
    a.m_summary = summary;
    a.m_value.resize(runs.size());
    a.m_min = std::numeric_limits<double>::infinity();
    a.m_max = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < runs.size(); ++i) {
        const auto it = runs[i].metrics.constFind(key);
        if (it == runs[i].metrics.constEnd()) {
            ++a.m_missing;
            continue;
        }
        const double v = summaryValue(*it, summary);
        a.m_value[i] = v;
        if (!std::isfinite(v)) {
            ++a.m_nonFinite;
            continue;
        }
        ++a.m_finite;
        a.m_min = std::min(a.m_min, v);
        a.m_max = std::max(a.m_max, v);
        if (v <= 0.0)
            ++a.m_nonPositive;
    }
    if (a.m_finite == 0)
        a.m_min = a.m_max = 0.0;
    return a;
}

QStringList MetricAxis::keys(const std::vector<Run> &runs)
{
    std::set<QString> all;
    for (const Run &r : runs) {
        for (auto it = r.metrics.constBegin(); it != r.metrics.constEnd(); ++it)
            all.insert(it.key());
    }
    return QStringList(all.begin(), all.end());
}

QString MetricAxis::title() const
{
    return QStringLiteral("%1 (%2)").arg(m_key, summaryName(m_summary));
}

std::optional<double> MetricAxis::value(int run) const
{
    const auto &v = m_value[size_t(run)];
    if (v && std::isfinite(*v))
        return v;
    return std::nullopt;
}

std::optional<double> MetricAxis::rawValue(int run) const
{
    return m_value[size_t(run)];
}

QString MetricAxis::unplottedText() const
{
    QStringList parts;
    if (m_nonFinite > 0)
        parts << (m_nonFinite == 1 ? QStringLiteral("1 run without a finite value")
                                   : QStringLiteral("%1 runs without a finite value").arg(m_nonFinite));
    if (m_missing > 0)
        parts << (m_missing == 1 ? QStringLiteral("1 run without %1").arg(m_key)
                                 : QStringLiteral("%1 runs without %2").arg(m_missing).arg(m_key));
    return parts.join(QStringLiteral(", "));
}

} // namespace runlens
