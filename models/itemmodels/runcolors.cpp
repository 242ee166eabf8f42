// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runcolors.h"

namespace runlens {

const QList<QColor> &RunColors::palette()
{
    // Every colour comes from a published qualitative scheme designed to stay apart under the common
    // colour-vision deficiencies:
    //   Okabe & Ito, "Color Universal Design" (2008), https://jfly.uni-koeln.de/color/
    //   P. Tol, "Colour Schemes", SRON/EPS/TN/09-002 (2021), https://personal.sron.nl/~pault/ (bright,
    //     vibrant and muted schemes)
    //   Tableau's "Color Blind 10" palette (M. Stone, Tableau Software, 2016)
    //   IBM Design Library's colour-blind-safe palette (violet #785ef0)
    // From their union, less the greys (grid and dimmed lines are grey), the yellows and pale tints (too
    // little contrast on a white plot) and the darkest tones (too little on the dark theme's #1f2124), each
    // colour keeps a CIEDE2000 distance of at least 25 from both plot backgrounds under normal vision and
    // simulated deuteranopia, protanopia and tritanopia. The order is greedy: each next colour is the one
    // farthest (smallest CIEDE2000 distance over the four visions) from those before it, so that the first
    // k colours are as far apart as possible for every k. tst_runcolors checks both properties. (Tol muted's
    // dark green, #117733, was dropped: beside Tol bright's green it was 6.5 apart even for normal vision.)
    static const QList<QColor> colors = {
        QColor(0xe6, 0x9f, 0x00), // orange, Okabe-Ito
        QColor(0x56, 0xb4, 0xe9), // sky blue, Okabe-Ito
        QColor(0x00, 0x6b, 0xa4), // blue, Tableau Color Blind 10
        QColor(0xcc, 0x33, 0x11), // red, Tol vibrant
        QColor(0xcc, 0x66, 0x77), // rose, Tol muted
        QColor(0x78, 0x5e, 0xf0), // violet, IBM Design Library's colour-blind-safe palette
        QColor(0x00, 0x99, 0x88), // teal, Tol vibrant
        QColor(0x22, 0x88, 0x33), // green, Tol bright
        QColor(0xcc, 0x79, 0xa7), // reddish purple, Okabe-Ito
        QColor(0x99, 0x99, 0x33), // olive, Tol muted
    };
    return colors;
}

QColor RunColors::pinOf(const QMap<QString, QString> &tags)
{
    const auto it = tags.constFind(QString::fromLatin1(RunColorTag));
    if (it == tags.constEnd())
        return {};
    const QColor c = QColor::fromString(it->trimmed());
    return c.isValid() ? c : QColor();
}

} // namespace runlens
