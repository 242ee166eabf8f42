// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/colorramp.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace runlens {

namespace {

// Viridis at nine evenly spaced points; in between is linear in RGB, which stays close to the original.
constexpr std::array<QRgb, 9> Viridis = {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e,
                                         0x1f9e89, 0x35b779, 0x6ece58, 0xfde725};

QColor viridis(double t)
{
    const double x = std::clamp(t, 0.0, 1.0) * double(Viridis.size() - 1);
    const size_t i = std::min(size_t(x), Viridis.size() - 2);
    const double f = x - double(i);
    const QColor a(Viridis[i]), b(Viridis[i + 1]);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * f),
                            float(a.greenF() + (b.greenF() - a.greenF()) * f),
                            float(a.blueF() + (b.blueF() - a.blueF()) * f));
}

} // namespace

QColor ColorRamp::at(double t, bool darkBackground)
{
    if (std::isnan(t))
        t = 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double lo = darkBackground ? 0.3 : 0.0;
    const double hi = darkBackground ? 1.0 : 0.86;
    return viridis(lo + t * (hi - lo));
}

} // namespace runlens
