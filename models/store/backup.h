// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A backup of a Runlens database that is itself a Runlens database: a consistent copy of the file (one
// snapshot, taken while the window, loggers and imports go on writing) and the artifact bytes its rows name,
// in <target>-artifacts/ beside it as the artifact store lays them out. Open it with `runlens --db TARGET`.
// The target appears under its name only when everything is copied: a backup that fails, is cancelled or is
// killed leaves no file called TARGET (what a killed one leaves is named TARGET.partial-PID and
// TARGET-artifacts.partial-PID).

#include <functional>
#include <QString>
#include <QStringList>

namespace runlens {

class Store;

struct BackupSummary
{
    qint64 runs = 0;
    qint64 objects = 0;         // artifact files copied
    qint64 bytes = 0;           // their size
    QStringList missingObjects; // digests rows name whose bytes the source's artifact store lacks
    QString database;
    QString artifacts; // empty when no row names artifact bytes
};

// `progress` gets (objects copied, objects to copy). Throws Error naming the problem: TARGET or its artifact
// folder already exists, a read or write fails, or `cancelled` returns true.
BackupSummary backupDatabase(Store &source, const QString &target,
                             const std::function<void(qint64, qint64)> &progress = {},
                             const std::function<bool()> &cancelled = {});

} // namespace runlens
