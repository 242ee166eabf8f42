// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runstatusstyle.h"

#include <QPainter>
#include <QPixmap>

namespace runlens::runstatus {

QColor color(RunStatus status)
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

QIcon dot(RunStatus status)
{
    QIcon icon;
    for (int size : {12, 24}) { // 24: high-density screens
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(color(status));
        const qreal r = size * 0.3;
        p.drawEllipse(QPointF(size / 2.0, size / 2.0), r, r);
        icon.addPixmap(pm);
    }
    return icon;
}

QString label(RunStatus status)
{
    return runStatusName(status);
}

QString withLiveMark(const QString &name, RunStatus status)
{
    return isLive(status) ? QStringLiteral("%1 — %2").arg(name, label(status)) : name;
}

} // namespace runlens::runstatus
