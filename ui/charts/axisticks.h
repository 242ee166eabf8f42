// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Tick positions and their labels for the metric charts' axes: round values (1-2-5 steps; decades, or 1-2-5
// within few decades, on a log axis; whole durations on a relative-time axis; clock times on a wall-time
// axis), every label of one axis in one format, so that "0.001" never stands beside "1.00e-04".

#include <QString>
#include <vector>

namespace runlens::axisticks {

struct Tick
{
    double position = 0; // in axis units: the value, log10 of it on a log axis, ms on time axes
    QString label;
};

// About `target` round values from lo to hi, labelled with the digits the step needs (SI suffixes k, M, G, T
// from 10,000 on, exponents below 0.001 and from 10^15 on). integers: only whole values (steps).
std::vector<Tick> linear(double lo, double hi, int target, bool integers = false);
// A log axis from 10^lo10 to 10^hi10 (positions are log10 of the values): decades (every n-th when there
// are too many), with 2 and 5 between them when there is room, 1-2-5 values inside one or two decades, and
// round linear values where even those are too few.
std::vector<Tick> logarithmic(double lo10, double hi10, int target);
// Durations in ms from the run's start: multiples of 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3,
// 6, 12 h, 1, 2, 7, 30 d (fractions of a second with 1-2-5 steps), labelled "90s", "1m 30s", "0.25s".
std::vector<Tick> durations(double loMs, double hiMs, int target);
// Clock times in ms since the epoch, on whole local seconds, minutes, hours and days.
std::vector<Tick> clockTimes(double loMs, double hiMs, int target);

// The shared label format of values at `step` apart (what linear() writes), for other callers.
std::vector<QString> numberLabels(const std::vector<double> &values, double step);

} // namespace runlens::axisticks
