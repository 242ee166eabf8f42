// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How the Models page's tables fit their columns to what they hold, once, when first shown with rows.

#include <initializer_list>

class QTableView;

namespace runlens {

// Columns as wide as what they hold, within [min, max] letters. When the table is too narrow for them, the
// `squeeze` columns give way first (in that order, down to 6 letters), then the widest ones alike; the
// tooltips have the whole text, and the last column stretches. The `keep` columns are always as wide as
// what they hold (a time of day cut off is no time).
void fitColumns(QTableView *view, int minEm, int maxEm, std::initializer_list<int> squeeze = {},
                std::initializer_list<int> keep = {});

} // namespace runlens
