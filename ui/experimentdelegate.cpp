// SPDX-License-Identifier: GPL-3.0-or-later
#include "experimentdelegate.h"

#include "roles.h"

#include <QApplication>
#include <QPainter>

namespace runlens {

void ExperimentDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString count = QString::number(index.data(RunCountRole).toLongLong());
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QRect r = option.rect.adjusted(8, 0, -8, 0);
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorRole text = selected ? QPalette::HighlightedText : QPalette::Text;
    QFont font = option.font;
    font.setStrikeOut(index.data(DeletedRole).toBool());
    painter->save();
    painter->setFont(font);
    const int countWidth = option.fontMetrics.horizontalAdvance(count) + 12;
    painter->setPen(option.palette.color(text));
    painter->drawText(
        r.adjusted(0, 0, -countWidth, 0), Qt::AlignVCenter | Qt::AlignLeft,
        option.fontMetrics.elidedText(index.data().toString(), Qt::ElideRight, r.width() - countWidth));
    QColor muted = option.palette.color(text);
    muted.setAlphaF(0.55);
    painter->setPen(muted);
    painter->drawText(r, Qt::AlignVCenter | Qt::AlignRight, count);
    painter->restore();
}

QSize ExperimentDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setHeight(std::max(s.height(), option.fontMetrics.height() + 10));
    return s;
}

} // namespace runlens
