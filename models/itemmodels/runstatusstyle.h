// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How a run's status looks, in one place: the runs table, the run page's badge, the Compare legend and the
// models page all show a run that is still logging with the same word and the same dot, in the same colour,
// and drop them when it ends.

#include "core/types.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace runlens::runstatus {

// The status's colour: a mid-tone that carries white text (the badge) and reads as text on light and dark
// backgrounds.
QColor color(RunStatus status);
// A filled dot of color(status), as table cells and legends show beside a run.
QIcon dot(RunStatus status);
// The word shown: the status's name ("RUNNING", "FINISHED", ...), as the CLI prints it.
QString label(RunStatus status);
// A run still logging: its curves and columns grow while the window is open.
inline bool isLive(RunStatus status)
{
    return status == RunStatus::Running;
}
// `name` followed by the live mark ("name — RUNNING") while the run is live; `name` otherwise.
QString withLiveMark(const QString &name, RunStatus status);

} // namespace runlens::runstatus
