// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Files named when the window starts (`runlens FILE...`, or the desktop opening a double-clicked file): which
// one is a Runlens database to open, which are sources to import, and why the others are neither.

#include <QStringList>

namespace runlens::launch {

// True when `path` is an SQLite file marked with Runlens's PRAGMA application_id ("RLNS"). Asked through
// SQLite on a read-only connection, never by reading the file ourselves: it may be a database this process
// has open (sourcefile.h). False for anything else, a missing or unreadable file included.
bool isRunlensDatabase(const QString &path);

struct Classified
{
    QStringList databases;  // Runlens databases, in the order given
    QStringList importable; // sources import::detectFormat recognises
    QStringList problems;   // one sentence a file, naming it and why it can be neither
};

// Sorts `paths` (absolute) into the three. Reads the files (detection walks folders and opens databases), so
// it belongs off the GUI thread once a window shows.
Classified classify(const QStringList &paths);

} // namespace runlens::launch
