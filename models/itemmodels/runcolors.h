// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The run colours' palette and the pin a user can give a run: the tag runlens.color (#rrggbb), which the
// "Set Colour" action writes, stored in the database so it travels with the run. Which palette colour an
// unpinned run gets is the business of the window's RunColorMap (runcolormap.h): by the order runs enter a
// view, never by a run's id.

#include <QColor>
#include <QList>
#include <QMap>
#include <QString>

namespace runlens {

inline constexpr char RunColorTag[] = "runlens.color";

class RunColors
{
public:
    // Ten colours for telling lines apart, ordered so that the first k are as far apart as the set allows
    // for every k (tst_runcolors measures it).
    static const QList<QColor> &palette();
    // The run's pinned colour: its runlens.color tag when that holds a valid colour, else invalid.
    static QColor pinOf(const QMap<QString, QString> &tags);
};

} // namespace runlens
