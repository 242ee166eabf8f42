// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Draws a metric's curve in a table cell from its Sparkline (SparklineRole): per pixel column a vertical
// segment from min to max joined to its neighbours, so an isolated spike is as tall as it was logged.
// NaN values are left out (a small mark at the bottom says where they were); infinities reach the edge.

#include <QStyledItemDelegate>

namespace runlens {

struct Sparkline;

class SparklineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QColor lineColor(const QPalette &palette, bool selected);
    static QColor nanColor() { return QColor(0xe5, 0x53, 0x4b); }
    // Paints `s` into `rect`; public so that other views (legends, tooltips) draw curves the same way.
    static void paintSparkline(QPainter *painter, const QRectF &rect, const Sparkline &s, const QColor &line);
};

} // namespace runlens
