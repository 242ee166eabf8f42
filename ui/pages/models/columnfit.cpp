// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/models/columnfit.h"

#include <algorithm>
#include <QTableView>

namespace runlens {

void fitColumns(QTableView *view, int minEm, int maxEm, std::initializer_list<int> squeeze,
                std::initializer_list<int> keep)
{
    const int em = view->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    view->resizeColumnsToContents();
    const int columns = view->model()->columnCount();
    int total = 0;
    const auto kept = [keep](int c) { return std::find(keep.begin(), keep.end(), c) != keep.end(); };
    for (int c = 0; c < columns; ++c) {
        if (view->isColumnHidden(c))
            continue;
        const int wanted = view->columnWidth(c) + em / 2;
        view->setColumnWidth(c, kept(c) ? std::max(wanted, minEm * em)
                                        : std::clamp(wanted, minEm * em, maxEm * em));
        total += view->columnWidth(c);
    }
    const int available = view->viewport()->width() - em; // some slack: the stretched last section
                                                          // must not be squeezed below its minimum
    for (int c : squeeze) {
        if (total <= available)
            return;
        const int width = std::max(6 * em, view->columnWidth(c) - (total - available));
        total -= view->columnWidth(c) - std::min(width, view->columnWidth(c));
        view->setColumnWidth(c, std::min(width, view->columnWidth(c)));
    }
    for (int width = maxEm * em; total > available && width > 8 * em; width -= em) {
        for (int c = 0; c < columns && total > available; ++c) {
            if (!view->isColumnHidden(c) && !kept(c) && view->columnWidth(c) > width) {
                total -= view->columnWidth(c) - width;
                view->setColumnWidth(c, width);
            }
        }
    }
}

} // namespace runlens
