// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The table used by the run page's sections: compact rows, elided cells with the whole text in the tooltip,
// and copying: Ctrl+C copies the selected rows as tab-separated text, "Copy Cell" one cell, both with the
// full text of each cell (FullTextRole), not its shortened display.

#include <QTableView>

class QAction;

namespace runlens {

class DetailTableView : public QTableView
{
    Q_OBJECT
public:
    explicit DetailTableView(QWidget *parent = nullptr);

    QString selectedRowsText() const;
    QString cellText(const QModelIndex &index) const;
    QAction *copyRowsAction() const { return m_copyRows; }
    QAction *copyCellAction() const { return m_copyCell; }

private:
    QAction *m_copyRows;
    QAction *m_copyCell;
};

} // namespace runlens
