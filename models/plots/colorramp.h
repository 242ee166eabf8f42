// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A sequential colour ramp (viridis: perceptually uniform, readable by colour-blind people and in grey) for
// colouring by a value, as the parallel-coordinates plot colours runs by their metric. The ends that vanish
// into the background are left out: the bright yellow end on light backgrounds, the near-black end on dark.

#include <QColor>

namespace runlens {

class ColorRamp
{
public:
    // t in [0, 1] (clamped; NaN gives the low end): low values dark-purple, high values green-yellow.
    static QColor at(double t, bool darkBackground);
};

} // namespace runlens
