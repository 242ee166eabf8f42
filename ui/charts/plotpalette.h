// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The few colours the hand-painted plots (scatter, parallel coordinates) take from the widget's palette, so
// that they follow the light and dark appearances (ui/theme.h) without colours of their own.

#include <QColor>
#include <QPalette>

namespace runlens {

struct PlotPalette
{
    QColor background; // plot area
    QColor text;       // titles and tick labels
    QColor muted;      // notes, missing-value marks
    QColor grid;       // grid lines, faint
    QColor frame;      // axis lines
    QColor faintLine;  // runs outside the brushes
    bool dark = false;

    static PlotPalette from(const QPalette &p)
    {
        PlotPalette c;
        c.background = p.color(QPalette::Base);
        c.text = p.color(QPalette::Text);
        c.dark = c.text.lightnessF() > c.background.lightnessF();
        const auto mix = [](const QColor &a, const QColor &b, double t) {
            return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                                    float(a.greenF() * (1 - t) + b.greenF() * t),
                                    float(a.blueF() * (1 - t) + b.blueF() * t));
        };
        c.muted = mix(c.text, c.background, 0.42);
        c.grid = mix(c.text, c.background, c.dark ? 0.84 : 0.9);
        c.frame = mix(c.text, c.background, 0.55);
        c.faintLine = mix(c.text, c.background, c.dark ? 0.87 : 0.88);
        return c;
    }
};

} // namespace runlens
