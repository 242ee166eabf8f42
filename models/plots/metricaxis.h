// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One metric of a set of runs reduced to a number per run by a summary (its last, min or max value, as the
// store keeps them in MetricSummary). NaN and +-Inf are legal metric values but cannot be placed on an
// axis: such runs are counted apart from the runs that never logged the metric, so that a plot can say
// "3 runs without a finite value" instead of dropping them silently. Positions are per run, in the order of
// the runs given to build().

#include "core/types.h"

#include <optional>
#include <QStringList>
#include <vector>

namespace runlens {

class MetricAxis
{
public:
    enum class Summary { Last, Min, Max };

    MetricAxis() = default;
    static MetricAxis build(const std::vector<Run> &runs, const QString &key, Summary summary);

    // Every metric key of the runs, sorted.
    static QStringList keys(const std::vector<Run> &runs);
    // The key a plot starts on: among the keys at least half as many runs have as the most common one, a
    // loss-like key (loss, error, mse...) before an accuracy-like one (accuracy, f1, auc...) before others,
    // a validation key (val, eval, test) before a training one, then the most common, then by name. Never a
    // schedule (lr, learning_rate, epoch, step, momentum...) nor a system metric while another key exists.
    static QString preferredKey(const std::vector<Run> &runs);
    static QString summaryName(Summary s); // "last", "min", "max"
    static double summaryValue(const MetricSummary &m, Summary s);

    const QString &key() const { return m_key; }
    Summary summary() const { return m_summary; }
    // "val/loss (min)": how axes and legends name the plotted quantity.
    QString title() const;
    int runCount() const { return int(m_value.size()); }
    // The run's summary when it is a finite number.
    std::optional<double> value(int run) const;
    // The summary as logged, NaN or +-Inf included (nullopt when the run has no such metric).
    std::optional<double> rawValue(int run) const;
    int finiteCount() const { return m_finite; }
    int missingCount() const { return m_missing; }     // runs that never logged the metric
    int nonFiniteCount() const { return m_nonFinite; } // runs whose summary is NaN or +-Inf
    // Range of the finite values (meaningless when finiteCount() is 0).
    double minimum() const { return m_min; }
    double maximum() const { return m_max; }
    int nonPositiveCount() const { return m_nonPositive; } // finite values <= 0: a log scale cannot show them
    bool canUseLog() const { return m_finite > 0 && m_nonPositive == 0; }
    // What is not plotted, as a sentence fragment ("2 runs without a finite value, 1 run without val/loss"),
    // empty when every run has a finite value.
    QString unplottedText() const;

private:
    QString m_key;
    Summary m_summary = Summary::Last;
    std::vector<std::optional<double>> m_value; // as logged; nullopt when missing
    int m_finite = 0;
    int m_missing = 0;
    int m_nonFinite = 0;
    int m_nonPositive = 0;
    double m_min = 0.0;
    double m_max = 0.0;
};

} // namespace runlens
