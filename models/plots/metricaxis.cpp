// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/metricaxis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <QRegularExpression>
#include <QSet>
#include <set>
#include <tuple>

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

namespace {

// A key's words: "val/top1_acc" -> val, top1, acc.
QStringList words(const QString &key)
{
    static const QRegularExpression separators(QStringLiteral("[^a-z0-9]+"));
    return key.toLower().split(separators, Qt::SkipEmptyParts);
}

QString lastSegment(const QString &key)
{
    return key.section(QLatin1Char('/'), -1).toLower();
}

// What training code sets rather than measures: where the run is, or the optimiser's schedule (Lightning's
// LearningRateMonitor logs "lr-Adam").
bool isSchedule(const QString &key)
{
    static const QSet<QString> names = {
        QStringLiteral("lr"),        QStringLiteral("learning_rate"), QStringLiteral("learningrate"),
        QStringLiteral("epoch"),     QStringLiteral("epochs"),        QStringLiteral("step"),
        QStringLiteral("steps"),     QStringLiteral("global_step"),   QStringLiteral("iteration"),
        QStringLiteral("iter"),      QStringLiteral("momentum"),      QStringLiteral("weight_decay"),
        QStringLiteral("batch_idx"), QStringLiteral("timestamp"),     QStringLiteral("wall_time")};
    const QString last = lastSegment(key);
    if (names.contains(last))
        return true;
    const QStringList w = words(last);
    return !w.isEmpty() &&
           (w.first() == QLatin1String("lr") ||
            (w.size() >= 2 && w[0] == QLatin1String("learning") && w[1] == QLatin1String("rate")));
}

// 2 for what is minimised, 1 for what is maximised as a quality score, 0 for anything else.
int lossLikeness(const QString &key)
{
    static const QSet<QString> losses = {
        QStringLiteral("loss"), QStringLiteral("error"), QStringLiteral("err"), QStringLiteral("mse"),
        QStringLiteral("mae"),  QStringLiteral("rmse"),  QStringLiteral("nll"), QStringLiteral("perplexity"),
        QStringLiteral("ppl"),  QStringLiteral("wer"),   QStringLiteral("cer"), QStringLiteral("mape")};
    static const QSet<QString> scores = {
        QStringLiteral("acc"),   QStringLiteral("accuracy"),  QStringLiteral("f1"),     QStringLiteral("auc"),
        QStringLiteral("auroc"), QStringLiteral("precision"), QStringLiteral("recall"), QStringLiteral("iou"),
        QStringLiteral("map"),   QStringLiteral("bleu"),      QStringLiteral("rouge"),  QStringLiteral("r2"),
        QStringLiteral("top1"),  QStringLiteral("top5"),      QStringLiteral("score")};
    int best = 0;
    for (const QString &w : words(lastSegment(key))) {
        if (losses.contains(w) || w.endsWith(QLatin1String("loss")))
            return 2;
        if (scores.contains(w))
            best = 1;
    }
    return best;
}

bool isValidation(const QString &key)
{
    static const QSet<QString> names = {QStringLiteral("val"),        QStringLiteral("valid"),
                                        QStringLiteral("validation"), QStringLiteral("eval"),
                                        QStringLiteral("evaluation"), QStringLiteral("test"),
                                        QStringLiteral("dev")};
    const QStringList w = words(key);
    return std::any_of(w.begin(), w.end(), [](const QString &word) { return names.contains(word); });
}

} // namespace

QString MetricAxis::preferredKey(const std::vector<Run> &runs)
{
    std::map<QString, int> runsWith; // by key, sorted
    for (const Run &r : runs) {
        for (auto it = r.metrics.constBegin(); it != r.metrics.constEnd(); ++it)
            ++runsWith[it.key()];
    }
    if (runsWith.empty())
        return {};
    int most = 0;
    for (const auto &[key, n] : runsWith) {
        if (!isSchedule(key) && !systemmetrics::isSystemKey(key))
            most = std::max(most, n);
    }
    if (most == 0) // schedules and system metrics only: the most common of those
        for (const auto &[key, n] : runsWith)
            most = std::max(most, n);
    // Measured keys before schedules and system metrics, which only win when nothing else was logged.
    QString best;
    std::tuple<bool, int, bool, int> bestRank{};
    for (const auto &[key, n] : runsWith) {
        if (2 * n < most)
            continue;
        const bool measured = !isSchedule(key) && !systemmetrics::isSystemKey(key);
        const std::tuple<bool, int, bool, int> rank{measured, measured ? lossLikeness(key) : 0,
                                                    measured && isValidation(key), n};
        if (best.isEmpty() || rank > bestRank) { // ties: the first by name stays
            best = key;
            bestRank = rank;
        }
    }
    return best;
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
