// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/sparklinedelegate.h"

#include "itemmodels/roles.h"
#include "itemmodels/runmetricsmodel.h"

#include <cmath>
#include <QApplication>
#include <QPainter>

namespace runlens {

namespace {
// A vertical step inside one pixel column: its value and where it came in step order.
struct Vertex
{
    qint64 step;
    double value;
};
} // namespace

QColor SparklineDelegate::lineColor(const QPalette &palette, bool selected)
{
    return selected ? palette.color(QPalette::HighlightedText) : palette.color(QPalette::Highlight);
}

void SparklineDelegate::paintSparkline(QPainter *painter, const QRectF &rect, const Sparkline &s,
                                       const QColor &line)
{
    if (s.columns.empty() || s.width <= 0 || rect.width() < 2 || rect.height() < 2)
        return;
    double lo = INFINITY, hi = -INFINITY;
    for (const M4Column &c : s.columns) {
        for (double v : {c.min, c.max, c.first, c.last}) {
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    }
    const bool anyFinite = lo <= hi;
    const double span = hi - lo;
    const auto y = [&](double v) {
        if (v == INFINITY || !anyFinite)
            return rect.top();
        if (v == -INFINITY)
            return rect.bottom();
        if (span <= 0)
            return rect.center().y(); // a constant curve is a flat line through the middle
        return rect.bottom() - (v - lo) / span * rect.height();
    };
    const double columnWidth = rect.width() / s.width;
    const auto x = [&](int column) { return rect.left() + (column + 0.5) * columnWidth; };

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    QPen pen(line, 1.25);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::MiterJoin);
    painter->setPen(pen);
    QPolygonF polyline;
    std::vector<QRectF> nanMarks;
    const auto flush = [&] {
        if (polyline.size() == 1)
            painter->drawPoint(polyline.first());
        else if (polyline.size() > 1)
            painter->drawPolyline(polyline);
        polyline.clear();
    };
    Vertex vs[4];
    for (const M4Column &c : s.columns) {
        if (c.nanCount > 0)
            nanMarks.emplace_back(x(c.column) - 1.5, rect.bottom() - 2, 3, 3);
        if (std::isnan(c.min) && std::isnan(c.max)) {
            flush(); // nothing but NaN here: the curve is interrupted
            continue;
        }
        // The column's extremes in the order they were reached, so that the join to the neighbours starts
        // and ends where the curve really enters and leaves the column.
        vs[0] = {c.firstStep, c.first};
        vs[1] = {c.minStep, c.min};
        vs[2] = {c.maxStep, c.max};
        vs[3] = {c.lastStep, c.last};
        std::stable_sort(std::begin(vs), std::end(vs),
                         [](const Vertex &a, const Vertex &b) { return a.step < b.step; });
        const double cx = x(c.column);
        for (const Vertex &v : vs) {
            if (std::isnan(v.value))
                continue;
            const QPointF p(cx, y(v.value));
            if (polyline.isEmpty() || polyline.last() != p)
                polyline << p;
        }
    }
    flush();
    painter->setPen(Qt::NoPen);
    painter->setBrush(nanColor());
    for (const QRectF &m : nanMarks)
        painter->drawRect(m);
    painter->restore();
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QVariant data = index.data(SparklineRole);
    const QRectF area = QRectF(option.rect).adjusted(4, 3, -4, -4);
    const bool selected = option.state & QStyle::State_Selected;
    if (!data.canConvert<Sparkline>()) {
        QColor muted = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
        muted.setAlphaF(0.45);
        painter->save();
        painter->setPen(QPen(muted, 1, Qt::DotLine));
        painter->drawLine(QPointF(area.left(), area.center().y()), QPointF(area.right(), area.center().y()));
        painter->restore();
        return;
    }
    paintSparkline(painter, area, data.value<Sparkline>(), lineColor(option.palette, selected));
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width(), 160));
    s.setHeight(std::max(s.height(), option.fontMetrics.height() + 10));
    return s;
}

} // namespace runlens
