// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Short text forms the item models show in cells (times, durations, sizes, compact numbers) and the guards
// that keep huge or multi-line values readable in one table row and in a tooltip.

#include <QString>

namespace runlens::display {

// Bounds for text laid out on screen. Names, keys and values come from elsewhere and may be megabytes long;
// a QLabel, the status bar or QFontMetrics::elidedText lays out (or measures) the whole string, which took
// seconds and gigabytes for 50 MB. The store and exports keep the whole text.
constexpr int MaxTextChars = 2000;       // a label, a title, a message
constexpr int MaxLabelChars = 200;       // a name among others: a legend row, a column header, a tooltip row
constexpr int MaxDocumentChars = 10'000; // a rendered document (a run's notes); one long word lays out slowly

// At most `max` characters of text with an ellipsis at the end when cut (never inside a surrogate pair).
// Cheap on any length: copies only what is kept.
QString elided(const QString &text, int max = MaxTextChars);
// elided() and on one line (line breaks shown as ↵): a name in a title, a header or a message.
QString elidedLine(const QString &text, int max = MaxTextChars);

QString dateTime(qint64 ms);             // "2024-05-01 14:03:27", local time
QString duration(qint64 ms);             // "42s", "3m 05s", "2h 10m", "3d 4h"
QString bytes(qint64 size);              // "812 bytes", "1.5 KiB"
QString compactNumber(double v);         // 6 significant digits; "NaN", "Infinity", "-Infinity"
QString singleLine(const QString &text); // line breaks shown as ↵, long text cut (cells elide the rest)
// Text from data (names, keys, values, paths, messages) made safe to print on a terminal or show in a plain
// label: control characters cannot move the cursor, clear or retitle the terminal, ring the bell or reorder
// what follows. C0 controls with a C name become \a \b \t \n \v \f \r, ESC becomes \e, the other C0
// controls and DEL \x01 … \x1f, \x7f; C1 controls, the line and paragraph separators U+2028/U+2029 and
// the bidirectional formatting characters (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) \u{XXXX}.
// Everything else, backslashes included, is kept as it is: the escaped form is for reading, not parsing.
QString escapeControls(const QString &text);
// The whole text as a plain-text tooltip (never interpreted as HTML), wrapped, cut only when enormous.
QString tooltipText(const QString &text);

} // namespace runlens::display
