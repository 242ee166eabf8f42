// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The mapping of a numeric domain onto a plot axis, linear or logarithmic, with "nice" tick values and
// labels. Shared by the scatter and the parallel-coordinates plots so that both label axes the same way;
// it knows nothing about pixels: positions are fractions of the axis length (0 = low end, 1 = high end).

#include <QString>
#include <vector>

namespace runlens {

class AxisScale
{
public:
    struct Tick
    {
        double value = 0.0;
        QString label;
    };

    AxisScale() = default;
    // Exactly [lo, hi]; lo < hi, and for a log scale 0 < lo.
    static AxisScale linear(double lo, double hi);
    static AxisScale logarithmic(double lo, double hi);
    // A scale around data that spans [lo, hi], padded so that no point sits on the frame, and widened when
    // the data has a single value (a zero-length domain cannot be drawn). `log` needs 0 < lo.
    static AxisScale fitted(double lo, double hi, bool log);

    bool isLog() const { return m_log; }
    double lower() const { return m_lo; }
    double upper() const { return m_hi; }
    // Fraction of the axis length at which v sits (outside [0, 1] when v is outside the domain).
    double toUnit(double v) const;
    double fromUnit(double u) const;
    // Round values inside the domain (1-2-5 steps; powers of ten on a log scale, with 2 and 5 in between
    // when the domain spans few decades), at most about maxTicks of them, each with its label.
    std::vector<Tick> ticks(int maxTicks) const;

    // A number as an axis or tooltip shows it: up to 6 significant digits, no trailing zeros, short exponents
    // ("1e-5").
    static QString formatNumber(double v);

private:
    double m_lo = 0.0;
    double m_hi = 1.0;
    bool m_log = false;
};

} // namespace runlens
