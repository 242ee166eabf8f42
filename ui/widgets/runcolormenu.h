// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The "Set Colour" submenu every place that pins a run's colour offers (the runs table, the Compare legend,
// the run page): the palette's swatches, "Custom…" (a colour dialog) and "Automatic" (the pin removed).
// The choice goes to `apply`, an invalid colour meaning Automatic; the caller writes it with RunActions.

#include <functional>
#include <QColor>
#include <QIcon>

class QMenu;
class QWidget;

namespace runlens::runcolormenu {

// A run's colour as a 16 px swatch; an invalid colour is an empty one drawn in `outline`.
QIcon swatch(const QColor &c, const QColor &outline = QColor(Qt::gray));

// Adds the submenu to `menu` and returns it. `current` is ticked when it is a palette colour; `pinned`
// enables Automatic.
QMenu *add(QMenu *menu, const QColor &current, bool pinned, QWidget *dialogParent,
           std::function<void(const QColor &)> apply);
// The same entries straight into `menu` (a colour button's own menu).
void fill(QMenu *menu, const QColor &current, bool pinned, QWidget *dialogParent,
          std::function<void(const QColor &)> apply);

} // namespace runlens::runcolormenu
