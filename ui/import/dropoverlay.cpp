// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/dropoverlay.h"

#include <QPainter>

namespace runlens {

DropOverlay::DropOverlay(QWidget *parent, Style style)
    : QWidget(parent)
    , m_style(style)
{
    setObjectName(style == Style::Window ? QStringLiteral("dropOverlay") : QStringLiteral("dropHighlight"));
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
    const bool window = m_style == Style::Window;
    const QColor accent = palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlpha(window ? 40 : 50);
    const qreal inset = window ? 8.5 : 1;
    const QRectF frame = QRectF(rect()).adjusted(inset, inset, -inset, -inset);
    p.setBrush(fill);
    p.setPen(QPen(accent, 2, window ? Qt::DashLine : Qt::SolidLine));
    p.drawRoundedRect(frame, window ? 10 : 4, window ? 10 : 4);

    // Rows and headers are too low for text: the status bar says what the drop will do.
    if (m_text.isEmpty() || (!window && height() < QFontMetrics(font()).height() * 6))
        return;
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * (window ? 1.6 : 1.4));
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
