// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/axisscale.h"

#include <algorithm>
#include <cmath>

namespace runlens {

namespace {

// The smallest 1, 2 or 5 times a power of ten that is at least `raw`.
double niceStep(double raw)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * magnitude >= raw * (1.0 - 1e-9))
            return m * magnitude;
    }
    return 10.0 * magnitude;
}

// Ticks every niceStep over [lo, hi], labelled with just enough digits to tell neighbours apart.
std::vector<AxisScale::Tick> linearTicks(double lo, double hi, int maxTicks)
{
    std::vector<AxisScale::Tick> out;
    if (!(hi > lo) || !std::isfinite(hi - lo))
        return out;
    const double step = niceStep((hi - lo) / std::max(1, maxTicks));
    const double first = std::ceil(lo / step - 1e-9);
    const double biggest = std::max(std::abs(lo), std::abs(hi));
    const int digits =
        std::clamp(int(std::floor(std::log10(biggest)) - std::floor(std::log10(step))) + 1, 1, 15);
    for (int i = 0; i < 1000; ++i) {
        double v = (first + i) * step;
        if (v > hi + step * 1e-9)
            break;
        if (std::abs(v) < step * 1e-9)
            v = 0.0; // no "-0" or "1e-17" for zero
        QString label = QString::number(v, 'g', digits);
        out.push_back({v, AxisScale::formatNumber(label.toDouble())});
    }
    return out;
}

} // namespace

AxisScale AxisScale::linear(double lo, double hi)
{
    AxisScale s;
    s.m_lo = lo;
    s.m_hi = hi > lo ? hi : lo + 1.0;
    return s;
}

AxisScale AxisScale::logarithmic(double lo, double hi)
{
    AxisScale s;
    s.m_log = true;
    s.m_lo = lo > 0 ? lo : 1.0;
    s.m_hi = hi > s.m_lo ? hi : s.m_lo * 10.0;
    return s;
}

AxisScale AxisScale::fitted(double lo, double hi, bool log)
{
    if (log) {
        if (!(lo > 0))
            return logarithmic(1.0, 10.0);
        if (!(hi > lo)) {
            lo /= 2.0;
            hi = hi * 2.0;
        }
        const double pad = std::pow(10.0, (std::log10(hi) - std::log10(lo)) * 0.05);
        return logarithmic(lo / pad, hi * pad);
    }
    if (!(hi > lo)) {
        const double d = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
        lo -= d;
        hi += d;
    }
    const double pad = (hi - lo) * 0.05;
    return linear(lo - pad, hi + pad);
}

double AxisScale::toUnit(double v) const
{
    if (m_log)
        return (std::log10(v) - std::log10(m_lo)) / (std::log10(m_hi) - std::log10(m_lo));
    return (v - m_lo) / (m_hi - m_lo);
}

double AxisScale::fromUnit(double u) const
{
    if (m_log)
        return std::pow(10.0, std::log10(m_lo) + u * (std::log10(m_hi) - std::log10(m_lo)));
    return m_lo + u * (m_hi - m_lo);
}

std::vector<AxisScale::Tick> AxisScale::ticks(int maxTicks) const
{
    maxTicks = std::max(2, maxTicks);
    if (!m_log)
        return linearTicks(m_lo, m_hi, maxTicks);
    const int e0 = int(std::ceil(std::log10(m_lo) - 1e-9));
    const int e1 = int(std::floor(std::log10(m_hi) + 1e-9));
    const int decades = e1 - e0 + 1;
    std::vector<double> mantissas{1.0};
    if (decades > 0 && decades * 3 <= maxTicks)
        mantissas = {1.0, 2.0, 5.0};
    const int stride = std::max(1, (decades + maxTicks - 1) / maxTicks);
    std::vector<Tick> out;
    // One decade below e0 too: its 2s and 5s may lie inside the domain.
    for (int e = e0 - 1; e <= e1; ++e) {
        if ((e - e0) % stride != 0 && e >= e0)
            continue;
        for (double m : mantissas) {
            const double v = m * std::pow(10.0, e);
            if (v >= m_lo * (1 - 1e-12) && v <= m_hi * (1 + 1e-12))
                out.push_back({v, formatNumber(QString::number(v, 'g', 6).toDouble())});
        }
    }
    if (out.size() < 2)
        return linearTicks(m_lo, m_hi, maxTicks); // inside one decade: round values, placed logarithmically
    return out;
}

QString AxisScale::formatNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (v == 0.0)
        return QStringLiteral("0");
    QString s = QString::number(v, 'g', 6);
    const qsizetype e = s.indexOf(QLatin1Char('e'));
    if (e < 0)
        return s;
    // "1e-05" -> "1e-5", "1.5e+08" -> "1.5e8"
    QString mantissa = s.left(e);
    QString exponent = s.mid(e + 1);
    const bool negative = exponent.startsWith(QLatin1Char('-'));
    if (exponent.startsWith(QLatin1Char('+')) || negative)
        exponent.remove(0, 1);
    while (exponent.size() > 1 && exponent.startsWith(QLatin1Char('0')))
        exponent.remove(0, 1);
    return mantissa + QLatin1Char('e') + (negative ? QStringLiteral("-") : QString()) + exponent;
}

} // namespace runlens
