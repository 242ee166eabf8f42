// SPDX-License-Identifier: GPL-3.0-or-later
#include "drophighlight.h"

#include <QPainter>

namespace runlens {

DropHighlight::DropHighlight(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("dropHighlight"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    hide();
}

void DropHighlight::showOver(const QRect &area, const QString &text)
{
    m_text = text;
    setGeometry(area);
    raise();
    show();
    update();
}

void DropHighlight::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor accent = palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlpha(50);
    const QRectF frame = QRectF(rect()).adjusted(1, 1, -1, -1);
    p.setBrush(fill);
    p.setPen(QPen(accent, 2));
    p.drawRoundedRect(frame, 4, 4);

    // Rows and headers are too low for text: the status bar says what the drop will do.
    const QFontMetrics fm(font());
    if (m_text.isEmpty() || height() < fm.height() * 6)
        return;
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    p.setFont(big);
    const QFontMetrics bm(big);
    const QString text = bm.elidedText(m_text, Qt::ElideMiddle, int(frame.width()) - 40);
    QRect box = bm.boundingRect(text).adjusted(-20, -12, 20, 12);
    box.moveCenter(frame.center().toPoint());
    p.setPen(Qt::NoPen);
    p.setBrush(palette().color(QPalette::Base));
    p.drawRoundedRect(box, 8, 8);
    p.setPen(accent.darker(130));
    p.drawText(box, Qt::AlignCenter, text);
}

} // namespace runlens
