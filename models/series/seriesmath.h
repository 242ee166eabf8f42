// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Numeric helpers of the charts, kept apart from drawing so they are tested on their own numbers.

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace runlens::seriesmath {

// TensorBoard's scalar smoothing: a debiased exponential moving average with weight w in [0, 1]. Non-finite
// values pass through unchanged and do not enter the average; a constant series is returned as it is. The
// result equals TensorBoard's for the same input and weight, number for number.
std::vector<double> smoothEma(std::span<const double> values, double weight);

// The same average one value at a time, for series too long to hold: next() gives what smoothEma would for
// that value, except that the constant-series rule needs the whole series and is the caller's (every value
// equal to the first: the input is the result).
class Ema
{
public:
    explicit Ema(double weight)
        : m_weight(weight)
        , m_debiased(weight == 1.0)
    {}
    double next(double value)
    {
        if (!std::isfinite(value))
            return value;
        m_last = m_last * m_weight + (1 - m_weight) * value;
        ++m_accumulated;
        // Starting from 0 biases the average towards 0 by a factor (1 - w^n); dividing by it removes that.
        // Once 1 - w^n rounds to exactly 1 it stays 1 (w^n only shrinks, by far more than an ulp a step),
        // so pow is not called again and the numbers are the same.
        if (m_debiased)
            return m_last;
        const double debias = 1.0 - std::pow(m_weight, double(m_accumulated));
        m_debiased = debias == 1.0;
        return m_last / debias;
    }

private:
    double m_weight;
    double m_last = 0;
    std::int64_t m_accumulated = 0;
    bool m_debiased; // 1 - w^n has rounded to exactly 1
};

// The p-th percentile (0..100) of the finite values, linearly interpolated between closest ranks; NaN when
// there is no finite value. Reorders `values`.
double percentile(std::vector<double> &values, double p);

} // namespace runlens::seriesmath
