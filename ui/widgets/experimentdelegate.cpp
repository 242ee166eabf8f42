// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/experimentdelegate.h"

#include "itemmodels/roles.h"

#include <QApplication>
#include <QPainter>
#include <QRegularExpression>

namespace runlens {

namespace {

constexpr int HorizontalPadding = 8;
constexpr int VerticalPadding = 5;

// The rectangle of the name line: the whole row when there is no description line.
QRect nameLine(const QStyleOptionViewItem &option, bool twoLines)
{
    const QRect r = option.rect.adjusted(HorizontalPadding, 0, -HorizontalPadding, 0);
    if (!twoLines)
        return r;
    return QRect(r.left(), r.top() + VerticalPadding, r.width(), option.fontMetrics.height());
}

} // namespace

QString ExperimentDelegate::summaryLine(const QString &description)
{
    static const QRegularExpression marker(QStringLiteral("^(#{1,6}\\s+|>\\s*|[-*+]\\s+|\\d+[.)]\\s+)+"));
    for (QStringView line : QStringView(description).split(QLatin1Char('\n'))) {
        QString text = line.trimmed().toString();
        text.remove(marker);
        if (!text.isEmpty())
            return text;
    }
    return {};
}

void ExperimentDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString count = QString::number(index.data(RunCountRole).toLongLong());
    const QString summary = summaryLine(index.data(DescriptionRole).toString());
    const bool deleted = index.data(DeletedRole).toBool();
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QRect line = nameLine(option, !summary.isEmpty());
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorRole text = selected ? QPalette::HighlightedText : QPalette::Text;
    QColor normal = option.palette.color(text);
    QColor muted = normal;
    muted.setAlphaF(0.55);
    QFont font = option.font;
    font.setStrikeOut(deleted);
    painter->save();
    painter->setFont(font);
    const int countWidth = option.fontMetrics.horizontalAdvance(count) + 12;
    painter->setPen(deleted ? muted : normal);
    painter->drawText(
        line.adjusted(0, 0, -countWidth, 0), Qt::AlignVCenter | Qt::AlignLeft,
        option.fontMetrics.elidedText(index.data().toString(), Qt::ElideRight, line.width() - countWidth));
    painter->setPen(muted);
    painter->setFont(option.font);
    painter->drawText(line, Qt::AlignVCenter | Qt::AlignRight, count);
    if (!summary.isEmpty()) {
        const QRect second(line.left(), line.bottom() + 1, line.width(), option.fontMetrics.height());
        painter->drawText(second, Qt::AlignVCenter | Qt::AlignLeft,
                          option.fontMetrics.elidedText(summary, Qt::ElideRight, second.width()));
    }
    painter->restore();
}

QSize ExperimentDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    const int lines = summaryLine(index.data(DescriptionRole).toString()).isEmpty() ? 1 : 2;
    s.setHeight(std::max(s.height(), lines * option.fontMetrics.height() + 2 * VerticalPadding));
    return s;
}

void ExperimentDelegate::updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                                              const QModelIndex &index) const
{
    // Over the name as drawn, so that the text does not jump when editing starts; the line edit's own
    // margins take a few pixels of the padding.
    const QRect line = nameLine(option, !summaryLine(index.data(DescriptionRole).toString()).isEmpty());
    const int height = std::min(std::max(editor->sizeHint().height(), line.height()), option.rect.height());
    editor->setGeometry(QRect(line.left() - 4, line.center().y() - height / 2, line.width() + 8, height));
}

} // namespace runlens
