// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/axisticks.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <QDateTime>

namespace runlens::axisticks {

namespace {

// Times beyond about ±100 million years (within qint64 milliseconds and QDateTime) get no time ticks.
constexpr double MaxTimeMs = 3.15e18;

// The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `raw`.
double niceStep(double raw)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * magnitude >= raw * (1 - 1e-9))
            return m * magnitude;
    }
    return 10 * magnitude;
}

// 2.5 times a power of ten: its multiples need one decimal more than the step's magnitude.
bool isQuarterStep(double step)
{
    return std::abs(step / std::pow(10.0, std::floor(std::log10(step))) - 2.5) < 1e-6;
}

// The 1, 2, (2.5,) or 5 times a power of ten that gives the number of ticks closest to `target` (ties:
// more, which small charts need). Whole-number axes skip 2.5: "2k, 4k" read better than "2.5k, 5.0k".
double closestStep(double span, int target, bool quarters)
{
    const double raw = span / std::max(1, target);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double best = 10 * magnitude;
    for (double m : {5.0, 2.5, 2.0, 1.0}) {
        if (m == 2.5 && !quarters)
            continue;
        const double step = m * magnitude;
        if (std::abs(span / step - target) <= std::abs(span / best - target) + 1e-9)
            best = step;
    }
    return best;
}

std::vector<double> multiples(double lo, double hi, double step)
{
    std::vector<double> out;
    const double first = std::ceil(lo / step - 1e-9);
    for (int i = 0; i < 1000; ++i) {
        const double v = (first + i) * step;
        if (v > hi + step * 1e-9)
            break;
        out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v); // no "-0" or "1e-17" for zero
    }
    return out;
}

// Decimals that write every value exactly to within `tolerance`.
int decimalsFor(const std::vector<double> &values, double tolerance)
{
    for (int d = 0; d < 12; ++d) {
        const double unit = std::pow(10.0, -d);
        if (std::all_of(values.begin(), values.end(),
                        [&](double v) { return std::abs(std::round(v / unit) * unit - v) <= tolerance; }))
            return d;
    }
    return 12;
}

QString exponential(double v, int decimals)
{
    // "2.5e-4", "1e6": no padded or signed-plus exponents.
    if (v == 0)
        return QStringLiteral("0");
    int e = int(std::floor(std::log10(std::abs(v))));
    double m = v / std::pow(10.0, e);
    if (std::abs(std::round(m * std::pow(10.0, decimals))) >= 10 * std::pow(10.0, decimals)) {
        ++e;
        m /= 10;
    }
    return QString::number(m, 'f', decimals) + QLatin1Char('e') + QString::number(e);
}

QString durationText(double ms, int decimals)
{
    if (decimals > 0) // under a second between ticks: seconds with the same decimals everywhere
        return QString::number(ms / 1000.0, 'f', decimals) + QLatin1Char('s');
    const qint64 s = qint64(std::llround(ms / 1000.0));
    const qint64 a = std::abs(s);
    const QString sign = s < 0 ? QStringLiteral("-") : QString();
    if (a < 60)
        return sign + QStringLiteral("%1s").arg(a);
    if (a < 3600)
        return sign + (a % 60 ? QStringLiteral("%1m %2s").arg(a / 60).arg(a % 60)
                              : QStringLiteral("%1m").arg(a / 60));
    if (a < 86400)
        return sign + (a % 3600 ? QStringLiteral("%1h %2m").arg(a / 3600).arg(a % 3600 / 60)
                                : QStringLiteral("%1h").arg(a / 3600));
    return sign + (a % 86400 ? QStringLiteral("%1d %2h").arg(a / 86400).arg(a % 86400 / 3600)
                             : QStringLiteral("%1d").arg(a / 86400));
}

constexpr double TimeSteps[] = {1e3,     2e3,     5e3,     10e3,    15e3,     30e3,     60e3,
                                120e3,   300e3,   600e3,   900e3,   1800e3,   3600e3,   7200e3,
                                10800e3, 21600e3, 43200e3, 86400e3, 172800e3, 604800e3, 2592000e3};

// The round time step for about `target` ticks over `span` ms; 0 below a second (1-2-5 steps then).
double timeStep(double span, int target)
{
    const double raw = span / std::max(1, target);
    if (raw < TimeSteps[0] * 0.9)
        return 0;
    for (double s : TimeSteps) {
        if (s >= raw)
            return s;
    }
    return std::ceil(raw / TimeSteps[std::size(TimeSteps) - 1]) * TimeSteps[std::size(TimeSteps) - 1];
}

} // namespace

std::vector<QString> numberLabels(const std::vector<double> &values, double step)
{
    std::vector<QString> out;
    if (values.empty())
        return out;
    double biggest = 0;
    for (double v : values)
        biggest = std::max(biggest, std::abs(v));
    step = std::abs(step) > 0 ? std::abs(step) : std::max(biggest, 1.0);
    const double tolerance = step * 1e-6;
    if (biggest >= 1e4 && biggest < 1e15) {
        // 20k, 40k, 1.5M: one unit for the whole axis, the biggest value's.
        static const char *const suffix[] = {"k", "M", "G", "T"};
        int i = 0;
        while (i < 3 && biggest >= 1e3 * std::pow(1e3, i + 1))
            ++i;
        const double unit = std::pow(1e3, i + 1);
        std::vector<double> scaled;
        for (double v : values)
            scaled.push_back(v / unit);
        const int d = decimalsFor(scaled, tolerance / unit);
        for (double v : scaled)
            out.push_back(v == 0 ? QStringLiteral("0")
                                 : QString::number(v, 'f', d) + QLatin1String(suffix[i]));
        return out;
    }
    if (biggest >= 1e15 || (biggest > 0 && biggest < 1e-3)) {
        // Exponents: mantissas with the decimals the step needs at the biggest value's magnitude.
        const int e = int(std::floor(std::log10(biggest)));
        const int d = std::clamp(e - int(std::floor(std::log10(step))) + (isQuarterStep(step) ? 1 : 0), 0, 6);
        for (double v : values)
            out.push_back(exponential(v, d));
        return out;
    }
    const int d = decimalsFor(values, tolerance);
    for (double v : values)
        out.push_back(QString::number(v, 'f', d));
    return out;
}

std::vector<Tick> linear(double lo, double hi, int target, bool integers)
{
    std::vector<Tick> out;
    if (!(hi > lo) || !std::isfinite(hi - lo)) // a span past the doubles' range (±1e308 data) gets no ticks
        return out;
    double step = closestStep(hi - lo, target, !integers);
    if (!(step > 0) || !std::isfinite(step)) // a span too small to divide
        return out;
    if (integers)
        step = std::max(step, 1.0);
    if (integers && step != std::floor(step))
        step = niceStep(std::ceil(step)); // 2.5 steps of whole numbers would skip halves
    const std::vector<double> values = multiples(lo, hi, step);
    const std::vector<QString> labels = numberLabels(values, step);
    for (size_t i = 0; i < values.size(); ++i)
        out.push_back({values[i], labels[i]});
    return out;
}

std::vector<Tick> logarithmic(double lo10, double hi10, int target)
{
    std::vector<Tick> out;
    if (!(hi10 > lo10) || !std::isfinite(lo10) || !std::isfinite(hi10))
        return out;
    target = std::max(2, target);
    const int e0 = int(std::ceil(lo10 - 1e-9)), e1 = int(std::floor(hi10 + 1e-9));
    const int decades = e1 - e0 + 1;
    std::vector<double> values;
    if (decades >= 3 && decades * 3 > target) {
        // Decades only; every stride-th, on multiples of the stride so that zooming keeps them.
        const int stride = std::max(1, (decades + target - 1) / target);
        for (int e = e0; e <= e1; ++e) {
            if (e % stride == 0)
                values.push_back(std::pow(10.0, e));
        }
        if (values.size() < 2)
            values = {std::pow(10.0, e0), std::pow(10.0, e1)};
    } else {
        // 1, 2, 5 times each power of ten inside (one decade below e0 too: its 2s and 5s may be inside).
        for (int e = e0 - 1; e <= e1; ++e) {
            for (double m : {1.0, 2.0, 5.0}) {
                const double v = m * std::pow(10.0, e);
                const double l = std::log10(v);
                if (l >= lo10 - 1e-9 && l <= hi10 + 1e-9)
                    values.push_back(v);
            }
        }
    }
    if (values.size() < 3) {
        // Inside a factor of a few: round values of a linear axis, placed logarithmically.
        const std::vector<Tick> lin = linear(std::pow(10.0, lo10), std::pow(10.0, hi10), target);
        for (const Tick &t : lin) {
            if (t.position > 0)
                out.push_back({std::log10(t.position), t.label});
        }
        if (out.size() >= 2)
            return out;
        out.clear();
    }
    // One format for all: plain decimals while every value reads well so, else exponents.
    const double smallest = values.empty() ? 1 : values.front(), biggest = values.empty() ? 1 : values.back();
    const bool plain = smallest >= 1e-3 * (1 - 1e-9) && biggest < 1e5;
    for (double v : values) {
        QString label;
        if (plain) {
            label = QString::number(v, 'f', std::max(0, -int(std::floor(std::log10(v) + 1e-9))));
        } else {
            label = exponential(v, 0);
        }
        out.push_back({std::log10(v), label});
    }
    return out;
}

std::vector<Tick> durations(double loMs, double hiMs, int target)
{
    std::vector<Tick> out;
    if (!(hiMs > loMs) || !std::isfinite(hiMs - loMs) || std::abs(loMs) > MaxTimeMs ||
        std::abs(hiMs) > MaxTimeMs)
        return out;
    double step = timeStep(hiMs - loMs, target);
    int decimals = 0;
    if (step == 0) {
        step = niceStep((hiMs - loMs) / std::max(1, target));
        decimals = std::max(0, 3 - int(std::floor(std::log10(step) + 1e-9)));
        if (isQuarterStep(step))
            ++decimals;
    }
    if (!(step > 0) || !std::isfinite(step))
        return out;
    for (double v : multiples(loMs, hiMs, step))
        out.push_back({v, durationText(v, decimals)});
    return out;
}

std::vector<Tick> clockTimes(double loMs, double hiMs, int target)
{
    std::vector<Tick> out;
    if (!(hiMs > loMs) || !std::isfinite(hiMs - loMs) || std::abs(loMs) > MaxTimeMs ||
        std::abs(hiMs) > MaxTimeMs)
        return out;
    double step = timeStep(hiMs - loMs, target);
    const bool subSecond = step == 0;
    if (subSecond)
        step = niceStep((hiMs - loMs) / std::max(1, target));
    if (!(step > 0) || !std::isfinite(step))
        return out;
    const QString format = subSecond               ? QStringLiteral("HH:mm:ss.zzz")
                           : hiMs - loMs > 86400e3 ? QStringLiteral("MM-dd HH:mm")
                                                   : QStringLiteral("HH:mm:ss");
    // Whole local days, hours and minutes line up with the clock: offset by the local UTC offset.
    const double offset = QDateTime::fromMSecsSinceEpoch(qint64(loMs)).offsetFromUtc() * 1000.0;
    for (double t = std::ceil((loMs + offset) / step) * step - offset; t <= hiMs && out.size() < 1000;
         t += step)
        out.push_back({t, QDateTime::fromMSecsSinceEpoch(qint64(std::llround(t))).toString(format)});
    return out;
}

} // namespace runlens::axisticks
