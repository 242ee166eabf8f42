// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one run-colour map: the runs table, the legends and every chart ask it, so a run has the same colour
// everywhere and in every session. A run's colour follows from its id (a fixed palette chosen to stay
// distinguishable on light and dark backgrounds), unless the run carries the tag runlens.color (#rrggbb),
// which the "Set Colour" action writes: stored in the database, it travels with the run.

#include <QColor>
#include <QList>
#include <QMap>
#include <QString>

namespace runlens {

inline constexpr char RunColorTag[] = "runlens.color";

class RunColors
{
public:
    static const QList<QColor> &palette();
    // The palette colour of an id (stable: a function of the id alone).
    static QColor byId(const QString &runId);
    // The run's colour: its runlens.color tag when that holds a valid colour, else byId().
    static QColor of(const QString &runId, const QMap<QString, QString> &tags);
};

} // namespace runlens
