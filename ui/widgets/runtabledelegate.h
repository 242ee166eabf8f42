// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Paints the runs table's one-line cells the way the style does (background, selection, focus, colours, the
// run's colour beside its name, alignment, elision), but lays their text out once instead of three times: a
// screenful of the table is hundreds of cells, and the style's text layout was most of the cost of showing
// it. Anything else (the focused cell, check boxes, wrapped or multi-line text, editors, and every cell under
// a style that places item text its own way) is left to QStyledItemDelegate.

#include <QHash>
#include <QPointer>
#include <QStyledItemDelegate>

class QAbstractItemView;

namespace runlens {

class RunTableDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    // The tree column's cells are wider by their indentation and count.
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The column that shows the runs' tree (RunTableModel::setNested): indented by TreeDepthRole, with a
    // disclosure triangle before a run with children (ChildCountRole) and their count after it. -1: none.
    void setTreeColumn(int column) { m_treeColumn = column; }
    int treeColumn() const { return m_treeColumn; }
    // Where `index`'s disclosure triangle is, within `cell` (the cell's rectangle); empty without one.
    QRect disclosureRect(const QModelIndex &index, const QRect &cell) const;
    // The width indentation and triangle take in the tree column at `depth`.
    static int indentation(int depth);

    // The advance of `text` in `font`, remembered: the columns are fitted with the same measure just before
    // the cells are painted, and a table shows the same values again and again (statuses, users, sources).
    qreal textWidth(const QString &text, const QFont &font) const;

    // Whether `view`'s style places item text (of the cell at `index`) as QCommonStyle does, so that this
    // delegate paints the cells itself and textWidth() plus the style's margins is a cell's width; false
    // under other styles and style sheets (the style then paints and measures every cell).
    bool placesTextAsCommonStyle(QAbstractItemView *view, const QModelIndex &index) const;

private:
    void paintCell(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const;
    bool placesTextAsCommonStyle(const QStyleOptionViewItem &option) const;
    int m_treeColumn = -1;
    mutable QPointer<QStyle> m_probedStyle; // the style placesTextAsCommonStyle() last answered for
    mutable bool m_commonStyle = false;
    mutable QHash<QString, qreal> m_widths; // for m_widthsFont
    mutable QString m_widthsFont;           // QFont::key()
};

} // namespace runlens
