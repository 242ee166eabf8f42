// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/statusbadge.h"

#include "itemmodels/runstatusstyle.h"
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
    return runstatus::label(m_status);
}

QColor StatusBadge::fillColor(RunStatus status)
{
    return runstatus::color(status); // the colour every page gives the status
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
