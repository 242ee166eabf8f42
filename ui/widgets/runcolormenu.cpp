// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/runcolormenu.h"

#include "itemmodels/runcolors.h"

#include <QAction>
#include <QColorDialog>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QPointer>

namespace runlens::runcolormenu {

QIcon swatch(const QColor &c, const QColor &outline)
{
    QPixmap pm(16, 16);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(c.isValid() ? c.darker(140) : outline);
    p.setBrush(c.isValid() ? QBrush(c) : QBrush());
    p.drawRoundedRect(QRectF(1.5, 1.5, 13, 13), 3, 3);
    return QIcon(pm);
}

QMenu *add(QMenu *menu, const QColor &current, bool pinned, QWidget *dialogParent,
           std::function<void(const QColor &)> apply)
{
    QMenu *sub = menu->addMenu(QObject::tr("Set &Colour"));
    sub->setObjectName(QStringLiteral("runColorMenu"));
    fill(sub, current, pinned, dialogParent, std::move(apply));
    return sub;
}

void fill(QMenu *sub, const QColor &current, bool pinned, QWidget *dialogParent,
          std::function<void(const QColor &)> apply)
{
    const QList<QColor> &palette = RunColors::palette();
    for (int i = 0; i < palette.size(); ++i) {
        const QColor c = palette[i];
        QAction *a = sub->addAction(swatch(c), c.name(), sub, [apply, c] { apply(c); });
        a->setObjectName(QStringLiteral("runColor%1").arg(i));
        a->setCheckable(true);
        a->setChecked(pinned && c == current);
    }
    sub->addSeparator();
    QPointer<QWidget> parent(dialogParent);
    sub->addAction(QObject::tr("C&ustom…"), sub,
                   [apply, current, parent] {
                       const QColor c = QColorDialog::getColor(current, parent, QObject::tr("Run Colour"));
                       if (c.isValid())
                           apply(c);
                   })
        ->setObjectName(QStringLiteral("runColorCustom"));
    QAction *automatic = sub->addAction(QObject::tr("&Automatic"), sub, [apply] { apply(QColor()); });
    automatic->setObjectName(QStringLiteral("runColorAutomatic"));
    automatic->setEnabled(pinned);
    automatic->setToolTip(QObject::tr("Remove the pinned colour: the run takes a palette colour again"));
}

} // namespace runlens::runcolormenu
