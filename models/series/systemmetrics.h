// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// System metrics: the CPU, memory, disk, network and GPU samples a tracker logs beside a run's own metrics,
// under "system/" (MLflow's keys, W&B-style imports and the Python client's runlens.system). Their steps are
// only sample indices, so they are charted against time since the run started whatever axis the other charts
// use, and the window shows them in a section of their own, after the run's metrics.

#include "core/types.h" // isSystemKey
#include "series/chartdata.h"

#include <QString>

namespace runlens::systemmetrics {

// The x axis a chart of `key` is drawn on when the person chose `chosen`.
inline ChartXAxis chartAxis(const QString &key, ChartXAxis chosen)
{
    return isSystemKey(key) ? ChartXAxis::RelativeTime : chosen;
}

} // namespace runlens::systemmetrics
