// SPDX-License-Identifier: GPL-3.0-or-later
#include "series/seriesmath.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens::seriesmath {

std::vector<double> smoothEma(std::span<const double> values, double weight)
{
    std::vector<double> out(values.begin(), values.end());
    // "Constant" as TensorBoard tests it: every value == the first (so a NaN anywhere makes it not constant).
    const bool constant =
        std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
    if (constant)
        return out;
    Ema ema(weight);
    for (double &v : out)
        v = ema.next(v);
    return out;
}

double percentile(std::vector<double> &values, double p)
{
    const auto end = std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); });
    const auto n = std::distance(values.begin(), end);
    if (n == 0)
        return std::numeric_limits<double>::quiet_NaN();
    const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * double(n - 1);
    const auto lo = std::ptrdiff_t(std::floor(rank));
    std::nth_element(values.begin(), values.begin() + lo, end);
    const double a = values[size_t(lo)];
    if (lo + 1 >= n)
        return a;
    const double b = *std::min_element(values.begin() + lo + 1, end);
    return a + (b - a) * (rank - double(lo));
}

} // namespace runlens::seriesmath
