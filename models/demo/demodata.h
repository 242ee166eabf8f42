// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Realistic demo data for first launch, screenshots and tests: a hyperparameter sweep with noisy curves and
// spikes, a diverged run, a failed run, a running run, nested runs, tags and Markdown notes. Deterministic:
// the same options give the same params, statuses and values.

#include "store/store.h"

#include <functional>

namespace runlens {

struct DemoOptions
{
    int runs = 48;
    int steps = 2000;
};

struct DemoSummary
{
    int experiments = 0;
    int runs = 0;
    qint64 points = 0;
};

// All or nothing: one transaction, committed at the end. `progress` is called after each run is written with
// the runs written so far and the runs in all (the sweep's parent included); returning false cancels, and
// then generateDemoData throws Error and rolls its transaction back, so the database holds nothing of it.
using DemoProgress = std::function<bool(int done, int total)>;
DemoSummary generateDemoData(Store &store, const DemoOptions &options, const DemoProgress &progress = {});

// A wide experiment for scale checks (the window's startup target is 10,000 runs x 30 params x 10 metrics):
// `runs` runs in experiment "scale", each with `params` params, `metrics` metrics of `steps` points and a
// few tags. Deterministic.
struct ScaleOptions
{
    int runs = 10000;
    int params = 30;
    int metrics = 10;
    int steps = 20;
    int sweepSize = 0; // > 1: the runs come in sweeps of this many, the first of each the parent of the rest
};
DemoSummary generateScaleData(Store &store, const ScaleOptions &options);

} // namespace runlens
