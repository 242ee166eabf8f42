// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Short text forms the item models show in cells (times, durations, sizes, compact numbers) and the guards
// that keep huge or multi-line values readable in one table row and in a tooltip.

#include <QString>

namespace runlens::display {

QString dateTime(qint64 ms);             // "2024-05-01 14:03:27", local time
QString duration(qint64 ms);             // "42s", "3m 05s", "2h 10m", "3d 4h"
QString bytes(qint64 size);              // "812 bytes", "1.5 KiB"
QString compactNumber(double v);         // 6 significant digits; "NaN", "Infinity", "-Infinity"
QString singleLine(const QString &text); // line breaks shown as ↵, long text cut (cells elide the rest)
// The whole text as a plain-text tooltip (never interpreted as HTML), wrapped, cut only when enormous.
QString tooltipText(const QString &text);

} // namespace runlens::display
