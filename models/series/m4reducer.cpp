// SPDX-License-Identifier: GPL-3.0-or-later
#include "series/m4reducer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens {

namespace m4 {

int columnOf(qint64 s, qint64 x0, qint64 x1, int width)
{
    const __int128 span = __int128(x1) - x0 + 1;
    const __int128 c = (__int128(s) - x0) * width / span;
    return int(std::clamp<__int128>(c, 0, width - 1));
}

__int128 columnEnd(int column, qint64 x0, qint64 x1, int width)
{
    const __int128 span = __int128(x1) - x0 + 1;
    return x0 + ((__int128(column) + 1) * span + width - 1) / width;
}

} // namespace m4

M4Accumulator::M4Accumulator(qint64 x0, qint64 x1, int width)
    : m_x0(x0)
    , m_x1(x1)
    , m_width(width)
{
    m_columns.reserve(size_t(std::min(width, 1 << 16)));
}

void M4Accumulator::add(const series::Bucket &b)
{
    if (M4Column *c = current(b.firstStep)) {
        m4::fold(*c, b);
        return;
    }
    M4Column &c = m_columns.emplace_back();
    c.column = m_column;
    c.firstStep = b.firstStep;
    c.first = b.first;
    c.lastStep = b.lastStep;
    c.last = b.last;
    c.min = b.min;
    c.minStep = b.minStep;
    c.max = b.max;
    c.maxStep = b.maxStep;
    c.count = b.count;
    c.nanCount = b.nanCount;
}
void M4Accumulator::addToNewColumn(qint64 x, double value)
{
    if (M4Column *c = current(x)) {
        addToColumn(*c, x, value);
        return;
    }
    M4Column &c = m_columns.emplace_back();
    c.column = m_column;
    c.firstStep = c.lastStep = c.minStep = c.maxStep = x;
    c.first = c.last = c.min = c.max = value;
    c.count = 1;
    c.nanCount = std::isnan(value) ? 1 : 0;
}

// The open column when `step` belongs to it; otherwise moves to step's column and returns null so that
// the caller starts a new one.
M4Column *M4Accumulator::current(qint64 step)
{
    if (!m_columns.empty() && step >= m_begin && step < m_end)
        return &m_columns.back();
    const int col = m4::columnOf(step, m_x0, m_x1, m_width);
    // Bounds saturate to qint64: a step beyond them only takes this slower path, never a wrong column.
    const auto clamp64 = [](__int128 v) {
        return qint64(
            std::clamp<__int128>(v, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max()));
    };
    m_begin =
        col == 0 ? std::numeric_limits<qint64>::min() : clamp64(m4::columnEnd(col - 1, m_x0, m_x1, m_width));
    m_end = col == m_width - 1 ? std::numeric_limits<qint64>::max()
                               : clamp64(m4::columnEnd(col, m_x0, m_x1, m_width));
    if (!m_columns.empty() && m_columns.back().column == col)
        return &m_columns.back();
    m_column = col;
    return nullptr;
}

} // namespace runlens
