// SPDX-License-Identifier: GPL-3.0-or-later
#include "dropoverlay.h"

#include <QPainter>

namespace runlens {

DropOverlay::DropOverlay(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("dropOverlay"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    hide();
}

void DropOverlay::showOver(const QRect &area, const QString &text)
{
    m_text = text;
    setGeometry(area);
    raise();
    show();
    update();
}

void DropOverlay::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QColor accent = palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlpha(40);
    const QRectF frame = QRectF(rect()).adjusted(8.5, 8.5, -8.5, -8.5);
    p.setBrush(fill);
    p.setPen(QPen(accent, 2, Qt::DashLine));
    p.drawRoundedRect(frame, 10, 10);

    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    p.setFont(big);
    const QFontMetrics fm(big);
    const QString text = fm.elidedText(m_text, Qt::ElideMiddle, int(frame.width()) - 40);
    QRect box = fm.boundingRect(text).adjusted(-20, -12, 20, 12);
    box.moveCenter(frame.center().toPoint());
    p.setPen(Qt::NoPen);
    p.setBrush(palette().color(QPalette::Base));
    p.drawRoundedRect(box, 8, 8);
    p.setPen(accent.darker(130));
    p.drawText(box, Qt::AlignCenter, text);
}

} // namespace runlens
