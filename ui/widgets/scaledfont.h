// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A font `factor` times the size of `base`, whether base is sized in points or in pixels (a pixel-sized
// font has no point size to multiply).

#include <QFont>

namespace runlens {

inline QFont scaledFont(const QFont &base, double factor)
{
    QFont f = base;
    if (base.pointSizeF() > 0)
        f.setPointSizeF(base.pointSizeF() * factor);
    else if (base.pixelSize() > 0)
        f.setPixelSize(std::max(1, qRound(base.pixelSize() * factor)));
    return f;
}

} // namespace runlens
