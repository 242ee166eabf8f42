// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One param of a set of runs, made plottable: numeric when every present value is a finite number, else
// categorical (its distinct values in a stable order). Runs without the param are "missing": the scatter
// leaves them out, the parallel-coordinates plot draws them at a separate "missing" slot under the axis.
// Positions are per run, in the order of the runs given to build().

#include "core/types.h"

#include <optional>
#include <QStringList>
#include <vector>

namespace runlens {

class ParamAxis
{
public:
    enum class Kind {
        Empty,      // no run has the param
        Numeric,    // every present value parses as a finite double
        Categorical // anything else, or asked for
    };

    ParamAxis() = default;
    // With asCategories, a numeric param is treated as categories too (batch sizes 32, 64, 128 as three
    // evenly spaced slots); its categories are then sorted by value.
    static ParamAxis build(const std::vector<Run> &runs, const QString &key, bool asCategories = false);

    // Every param key of the runs, sorted.
    static QStringList keys(const std::vector<Run> &runs);
    // The keys whose value is not the same in every run (missing in some counts as different), sorted.
    static QStringList differingKeys(const std::vector<Run> &runs);
    // Whether the param's present values are all finite numbers (what Kind::Numeric means).
    static bool isNumericText(const QString &text, double *value = nullptr);

    const QString &key() const { return m_key; }
    Kind kind() const { return m_kind; }
    int runCount() const { return int(m_text.size()); }
    int presentCount() const { return m_present; }
    int missingCount() const { return runCount() - m_present; }
    bool isMissing(int run) const { return !m_text[size_t(run)].has_value(); }
    // The raw value, empty when missing.
    QString text(int run) const { return m_text[size_t(run)].value_or(QString()); }

    // Numeric params: the run's value (nullopt when missing or when the axis is categorical) and the range.
    std::optional<double> number(int run) const;
    // The distinct values, ascending (what an axis labels when there are few of them).
    std::vector<double> distinctNumbers() const;
    double minimum() const { return m_min; }
    double maximum() const { return m_max; }
    // A log scale needs every present value to be positive: how many are not (0 for categorical axes).
    int nonPositiveCount() const { return m_nonPositive; }
    bool canUseLog() const { return m_kind == Kind::Numeric && m_present > 0 && m_nonPositive == 0; }

    // Categorical params: the distinct values in axis order, and the run's index into them (-1 when missing).
    const QStringList &categories() const { return m_categories; }
    int category(int run) const { return m_category[size_t(run)]; }

private:
    QString m_key;
    Kind m_kind = Kind::Empty;
    std::vector<std::optional<QString>> m_text;
    std::vector<double> m_number; // NaN where not numeric or missing
    std::vector<int> m_category;
    QStringList m_categories;
    int m_present = 0;
    int m_nonPositive = 0;
    double m_min = 0.0;
    double m_max = 0.0;
};

} // namespace runlens
