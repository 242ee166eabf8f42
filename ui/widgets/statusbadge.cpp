// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/statusbadge.h"

#include "widgets/scaledfont.h"

#include <QPainter>
#include <QPainterPath>

namespace runlens {

namespace {
QFont badgeFont(const QFont &base)
{
    QFont f = scaledFont(base, 0.85);
    f.setBold(true);
    f.setLetterSpacing(QFont::PercentageSpacing, 106);
    return f;
}
} // namespace

StatusBadge::StatusBadge(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setAccessibleName(tr("Status"));
    setStatus(RunStatus::Running);
}

void StatusBadge::setStatus(RunStatus status)
{
    m_status = status;
    setToolTip(tr("Status: %1").arg(text()));
    setAccessibleDescription(text());
    updateGeometry();
    update();
}

QString StatusBadge::text() const
{
    return runStatusName(m_status);
}

QColor StatusBadge::fillColor(RunStatus status)
{
    switch (status) {
    case RunStatus::Running:
        return QColor(0x09, 0x69, 0xda); // blue
    case RunStatus::Scheduled:
        return QColor(0x82, 0x50, 0xdf); // violet
    case RunStatus::Finished:
        return QColor(0x1a, 0x7f, 0x37); // green
    case RunStatus::Failed:
        return QColor(0xcf, 0x22, 0x2e); // red
    case RunStatus::Killed:
        return QColor(0x57, 0x60, 0x6a); // slate
    }
    return QColor(0x57, 0x60, 0x6a);
}

QSize StatusBadge::sizeHint() const
{
    const QFontMetrics fm(badgeFont(font()));
    return QSize(fm.horizontalAdvance(text()) + 16, fm.height() + 6);
}

void StatusBadge::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath path;
    path.addRoundedRect(r, r.height() / 2, r.height() / 2);
    p.fillPath(path, fillColor(m_status));
    p.setFont(badgeFont(font()));
    p.setPen(textColor());
    p.drawText(rect(), Qt::AlignCenter, text());
}

} // namespace runlens
