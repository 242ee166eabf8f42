// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/runtabledelegate.h"

#include "itemmodels/roles.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QPainter>
#include <QPen>
#include <QPolygonF>

namespace runlens {

namespace {
constexpr int IndentStep = 14; // per level, and the triangle's box
} // namespace

int RunTableDelegate::indentation(int depth)
{
    return (depth + 1) * IndentStep;
}

QRect RunTableDelegate::disclosureRect(const QModelIndex &index, const QRect &cell) const
{
    if (index.column() != m_treeColumn || index.data(ChildCountRole).toLongLong() <= 0)
        return {};
    const int depth = index.data(TreeDepthRole).toInt();
    return QRect(cell.left() + depth * IndentStep, cell.top(), IndentStep, cell.height());
}

QSize RunTableDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.column() != m_treeColumn)
        return size;
    size.rwidth() += indentation(index.data(TreeDepthRole).toInt());
    if (const qint64 children = index.data(ChildCountRole).toLongLong(); children > 0)
        size.rwidth() += qRound(textWidth(QString::number(children), option.font)) + 8;
    return size;
}

void RunTableDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    if (index.column() != m_treeColumn) {
        paintCell(painter, option, index);
        return;
    }
    // The tree column: the row's panel over the whole cell, the indentation and triangle, then the cell as
    // usual in what is left, less the children's count at its end.
    QStyleOptionViewItem panel = option;
    initStyleOption(&panel, index);
    panel.text.clear();
    panel.features &= ~QStyleOptionViewItem::HasDecoration;
    panel.icon = {};
    const QWidget *widget = option.widget;
    const QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &panel, painter, widget);

    const int depth = index.data(TreeDepthRole).toInt();
    const qint64 children = index.data(ChildCountRole).toLongLong();
    QStyleOptionViewItem rest = option;
    rest.rect.setLeft(option.rect.left() + indentation(depth));
    QPalette::ColorGroup group = option.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    if (group == QPalette::Normal && !(option.state & QStyle::State_Active))
        group = QPalette::Inactive;
    QColor muted = option.palette.color(
        group, option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text);
    if (children > 0) {
        const QRect box = disclosureRect(index, option.rect);
        const QPointF c = QRectF(box).center();
        const qreal h = 4;
        QPolygonF triangle;
        if (index.data(ExpandedRole).toBool())
            triangle << QPointF(c.x() - h, c.y() - h / 2) << QPointF(c.x() + h, c.y() - h / 2)
                     << QPointF(c.x(), c.y() + h / 2 + 1);
        else
            triangle << QPointF(c.x() - h / 2, c.y() - h) << QPointF(c.x() + h / 2 + 1, c.y())
                     << QPointF(c.x() - h / 2, c.y() + h);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(muted);
        painter->drawPolygon(triangle);
        painter->restore();
        // The count, muted, at the cell's end.
        const QString count = QString::number(children);
        const int width = qRound(textWidth(count, option.font)) + 8;
        if (rest.rect.width() > 2 * width) {
            const QRect countRect(rest.rect.right() - width + 1, rest.rect.top(), width, rest.rect.height());
            rest.rect.setRight(countRect.left() - 1);
            muted.setAlphaF(0.6f);
            painter->save();
            painter->setPen(muted);
            painter->setFont(option.font);
            painter->drawText(countRect.adjusted(0, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, count);
            painter->restore();
        }
    }
    paintCell(painter, rest, index);
}

void RunTableDelegate::paintCell(QPainter *painter, const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    // The focus frame is drawn over the text (and tints it), and only the current cell has one: the style
    // paints that cell, as it does check boxes, wrapped or multi-line text and editors.
    const bool simple =
        !(opt.features & (QStyleOptionViewItem::HasCheckIndicator | QStyleOptionViewItem::WrapText)) &&
        !(opt.state & (QStyle::State_Editing | QStyle::State_HasFocus)) &&
        !opt.text.contains(QLatin1Char('\n')) &&
        (!(opt.features & QStyleOptionViewItem::HasDecoration) ||
         opt.decorationPosition == QStyleOptionViewItem::Left);
    const QWidget *widget = opt.widget;
    const QStyle *style = widget ? widget->style() : QApplication::style();
    if (!simple || !placesTextAsCommonStyle(opt)) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const QString text = opt.text;
    // The style draws the panel (selection, alternate rows) and the decoration. Beside a decoration it is
    // given a one-space text, so that it places the decoration (and tells where the text goes) as it would
    // with the real one; a space costs no layout to speak of. Without one the panel is all it draws.
    QRect area = opt.rect;
    if (opt.features & QStyleOptionViewItem::HasDecoration) {
        opt.text = QStringLiteral(" ");
        area = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    } else {
        style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);
    }
    if (text.isEmpty())
        return;

    // The text as QCommonStyle places it: inside the focus-frame margin, one line aligned in its rectangle,
    // elided when too wide; in the palette's text colour for the cell's state.
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    area.adjust(margin, 0, -margin, 0);
    const QFontMetricsF metrics(opt.font);
    QString shown = text;
    qreal width = textWidth(shown, opt.font);
    if (width > area.width()) {
        shown = QFontMetrics(opt.font).elidedText(text, opt.textElideMode, area.width());
        width = metrics.horizontalAdvance(shown);
    }
    QPalette::ColorGroup group = opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    if (group == QPalette::Normal && !(opt.state & QStyle::State_Active))
        group = QPalette::Inactive;
    const Qt::Alignment align = QStyle::visualAlignment(opt.direction, opt.displayAlignment);
    qreal x = area.left();
    if (align & Qt::AlignRight)
        x += area.width() - width;
    else if (align & Qt::AlignHCenter)
        x += (area.width() - width) / 2;
    const int lineHeight = qRound(metrics.ascent() + metrics.descent());
    int top = area.top();
    if (align & Qt::AlignBottom)
        top += area.height() - lineHeight;
    else if (align & Qt::AlignVCenter)
        top += (area.height() - lineHeight) / 2;
    // Text that fits stays inside the cell; elided text is clipped to it as the style clips, since an
    // ellipsis may not fit a very narrow column. (Saving the painter's whole state for every cell would
    // cost more than the text.)
    const bool clip = shown.size() != text.size();
    if (clip) {
        painter->save();
        painter->setClipRect(opt.rect, Qt::IntersectClip);
    }
    const QPen pen = painter->pen();
    const QFont font = painter->font();
    painter->setPen(opt.palette.color(group, opt.state & QStyle::State_Selected ? QPalette::HighlightedText
                                                                                : QPalette::Text));
    painter->setFont(opt.font);
    painter->drawText(QPointF(x, top + metrics.ascent()), shown);
    painter->setFont(font);
    painter->setPen(pen);
    if (clip)
        painter->restore();
}

// The text is placed here as QCommonStyle places it (Fusion, Windows): over the whole cell less the focus
// frame's margin. A style that gives item text another rectangle (Breeze narrows it) or a style sheet paints
// every cell itself. Asked once per style, with a plain cell's options.
bool RunTableDelegate::placesTextAsCommonStyle(const QStyleOptionViewItem &option) const
{
    const QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    if (m_probedStyle != style) {
        QStyleOptionViewItem probe = option;
        probe.rect = QRect(0, 0, 200, 24);
        probe.text = QStringLiteral("x");
        probe.features = QStyleOptionViewItem::HasDisplay;
        probe.state &= ~QStyle::State_HasFocus;
        // Without showDecorationSelected QCommonStyle answers with the text's own box, aligned in the cell:
        // the same place for the text, but not comparable with the cell.
        probe.showDecorationSelected = true;
        m_probedStyle = const_cast<QStyle *>(style);
        m_commonStyle =
            !style->inherits("QStyleSheetStyle") &&
            style->subElementRect(QStyle::SE_ItemViewItemText, &probe, option.widget) == probe.rect;
    }
    return m_commonStyle;
}

bool RunTableDelegate::placesTextAsCommonStyle(QAbstractItemView *view, const QModelIndex &index) const
{
    QStyleOptionViewItem option;
    option.initFrom(view);
    option.widget = view;
    option.decorationSize = view->iconSize().isValid()
                                ? view->iconSize()
                                : QSize(view->style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, view),
                                        view->style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, view));
    option.displayAlignment = Qt::AlignLeft | Qt::AlignVCenter;
    option.decorationPosition = QStyleOptionViewItem::Left;
    option.decorationAlignment = Qt::AlignCenter;
    option.textElideMode = view->textElideMode();
    option.showDecorationSelected =
        view->style()->styleHint(QStyle::SH_ItemView_ShowDecorationSelected, nullptr, view);
    initStyleOption(&option, index);
    return placesTextAsCommonStyle(option);
}

qreal RunTableDelegate::textWidth(const QString &text, const QFont &font) const
{
    const QString key = font.key();
    if (key != m_widthsFont || m_widths.size() > 20000) { // bounded: scrolling 10,000 runs sees many values
        m_widths.clear();
        m_widthsFont = key;
    }
    auto it = m_widths.constFind(text);
    if (it == m_widths.constEnd())
        it = m_widths.insert(text, QFontMetricsF(font).horizontalAdvance(text));
    return *it;
}

} // namespace runlens
