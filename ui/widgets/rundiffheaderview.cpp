// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/rundiffheaderview.h"

#include "itemmodels/roles.h"

#include <QItemSelectionModel>
#include <QPainter>
#include <QStyleOptionHeader>

namespace runlens {

namespace {
constexpr int Pad = 6;
constexpr int Swatch = 10;
constexpr int KeyIndent = 14; // keys sit under their section's title
constexpr int DiffBar = 3;
constexpr int Stripe = 3; // the run's colour under its header

QFont smallerFont(QFont f)
{
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 0.85);
    else
        f.setPixelSize(std::max(8, f.pixelSize() * 85 / 100));
    return f;
}
} // namespace

RunDiffHeaderView::RunDiffHeaderView(Qt::Orientation orientation, QWidget *parent)
    : QHeaderView(orientation, parent)
{
    setSectionsClickable(true);
    setHighlightSections(false);
    setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    if (orientation == Qt::Vertical)
        setSectionResizeMode(QHeaderView::Fixed);
}

void RunDiffHeaderView::setModel(QAbstractItemModel *model)
{
    // Only our own connections: QHeaderView keeps its own to the model.
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    QHeaderView::setModel(model);
    if (!model || orientation() != Qt::Vertical)
        return;
    const auto invalidate = [this] { invalidateWidth(); };
    m_connections << connect(model, &QAbstractItemModel::modelReset, this, invalidate)
                  << connect(model, &QAbstractItemModel::layoutChanged, this, invalidate)
                  << connect(model, &QAbstractItemModel::rowsInserted, this, invalidate)
                  << connect(model, &QAbstractItemModel::rowsRemoved, this, invalidate)
                  << connect(model, &QAbstractItemModel::headerDataChanged, this, invalidate);
    invalidateWidth();
}

void RunDiffHeaderView::invalidateWidth()
{
    m_keyWidth = -1;
    updateGeometry();
}

QSize RunDiffHeaderView::sizeHint() const
{
    QSize s = QHeaderView::sizeHint();
    if (orientation() != Qt::Vertical || !model())
        return s;
    if (m_keyWidth < 0) {
        // Every key, not just those on screen: the column must not change width while scrolling.
        const QFontMetrics plain(font());
        QFont bold = font();
        bold.setBold(true);
        const QFontMetrics strong(bold);
        m_keyWidth = 0;
        for (int r = 0; r < model()->rowCount(); ++r) {
            const bool title = model()->headerData(r, Qt::Vertical, SectionHeaderRole).toBool();
            const QString text = model()->headerData(r, Qt::Vertical).toString();
            m_keyWidth = std::max(m_keyWidth, (title ? strong : plain).horizontalAdvance(text) +
                                                  (title ? Pad : KeyIndent));
        }
    }
    s.setWidth(std::clamp(m_keyWidth + 2 * Pad, MinKeyWidth, MaxKeyWidth));
    return s;
}

QSize RunDiffHeaderView::sectionSizeFromContents(int logicalIndex) const
{
    if (orientation() == Qt::Vertical || !model())
        return QHeaderView::sectionSizeFromContents(logicalIndex);
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics name(bold);
    const QFontMetrics small(smallerFont(font()));
    const QString title = model()->headerData(logicalIndex, Qt::Horizontal).toString();
    const int width = Pad + Swatch + Pad + name.horizontalAdvance(title) + 2 * Pad;
    const int height = Pad + name.height() + small.height() + Pad + Stripe;
    return {width, height};
}

void RunDiffHeaderView::paintSection(QPainter *painter, const QRect &rect, int logicalIndex) const
{
    if (!rect.isValid() || !model())
        return;
    painter->save();
    if (orientation() == Qt::Horizontal)
        paintRun(painter, rect, logicalIndex);
    else
        paintKey(painter, rect, logicalIndex);
    painter->restore();
}

void RunDiffHeaderView::paintRun(QPainter *painter, const QRect &rect, int logicalIndex) const
{
    QStyleOptionHeader opt;
    initStyleOption(&opt);
    opt.rect = rect;
    opt.section = logicalIndex;
    opt.text.clear();
    style()->drawControl(QStyle::CE_HeaderSection, &opt, painter, this);

    const QAbstractItemModel *m = model();
    const QColor color = m->headerData(logicalIndex, Qt::Horizontal, RunColorRole).value<QColor>();
    const bool baseline = m->headerData(logicalIndex, Qt::Horizontal, BaselineRole).toBool();
    const QString title = m->headerData(logicalIndex, Qt::Horizontal).toString();
    const QString id = m->headerData(logicalIndex, Qt::Horizontal, RunIdRole).toString();

    painter->setRenderHint(QPainter::Antialiasing);
    const QRect content = rect.adjusted(Pad, Pad, -Pad, -(Pad + Stripe));
    QFont nameFont = font();
    nameFont.setBold(true);
    const QFontMetrics nameMetrics(nameFont);
    const QRect nameLine(content.left(), content.top(), content.width(), nameMetrics.height());
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawRoundedRect(
        QRectF(nameLine.left(), nameLine.center().y() - Swatch / 2.0 + 1, Swatch, Swatch), 2, 2);
    painter->setFont(nameFont);
    painter->setPen(palette().color(QPalette::ButtonText));
    const QRect nameRect = nameLine.adjusted(Swatch + Pad, 0, 0, 0);
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                      nameMetrics.elidedText(title, Qt::ElideRight, nameRect.width()));

    const QFont smallFont = smallerFont(font());
    const QFontMetrics smallMetrics(smallFont);
    const QRect second(nameRect.left(), nameLine.bottom() + 1, nameRect.width(), smallMetrics.height());
    painter->setFont(smallFont);
    if (baseline) {
        QFont f = smallFont;
        f.setBold(true);
        painter->setFont(f);
        painter->setPen(palette().color(QPalette::Highlight));
        painter->drawText(second, Qt::AlignLeft | Qt::AlignVCenter, tr("baseline"));
    } else {
        painter->setPen(palette().color(QPalette::PlaceholderText));
        painter->drawText(second, Qt::AlignLeft | Qt::AlignVCenter,
                          smallMetrics.elidedText(id.left(8), Qt::ElideRight, second.width()));
    }
    // The baseline's stripe is doubled so that the column is found at a glance.
    const int stripe = baseline ? 2 * Stripe : Stripe;
    painter->fillRect(QRect(rect.left() + 1, rect.bottom() - stripe + 1, rect.width() - 2, stripe), color);
}

void RunDiffHeaderView::paintKey(QPainter *painter, const QRect &rect, int logicalIndex) const
{
    const QAbstractItemModel *m = model();
    const bool title = m->headerData(logicalIndex, Qt::Vertical, SectionHeaderRole).toBool();
    const bool differs = m->headerData(logicalIndex, Qt::Vertical, DiffersRole).toBool();
    const QString text = m->headerData(logicalIndex, Qt::Vertical).toString();
    const bool selected = !title && selectionModel() && selectionModel()->isRowSelected(logicalIndex, {});

    // The same band and tints as the row's cells (the model's BackgroundRole), over the view's base.
    painter->fillRect(rect, palette().brush(QPalette::Base));
    const QVariant tint = m->headerData(logicalIndex, Qt::Vertical, Qt::BackgroundRole);
    if (selected)
        painter->fillRect(rect, palette().brush(QPalette::Highlight));
    else if (tint.canConvert<QBrush>())
        painter->fillRect(rect, tint.value<QBrush>());
    if (differs)
        painter->fillRect(QRect(rect.left(), rect.top(), DiffBar, rect.height()), QColor(0xf0, 0x90, 0x00));
    painter->setPen(palette().color(QPalette::Mid));
    painter->drawLine(rect.bottomLeft(), rect.bottomRight());
    painter->drawLine(rect.topRight(), rect.bottomRight());

    QFont f = font();
    f.setBold(title);
    painter->setFont(f);
    painter->setPen(palette().color(selected ? QPalette::HighlightedText : QPalette::Text));
    const QRect textRect = rect.adjusted(title ? Pad : KeyIndent, 0, -Pad, 0);
    // Keys are dotted paths ("optimizer.betas.0"): their start and end say the most.
    painter->drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(f).elidedText(text, Qt::ElideMiddle, textRect.width()));
}

} // namespace runlens
