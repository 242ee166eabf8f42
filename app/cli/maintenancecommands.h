// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Looking after a database file: `compact` rewrites partly filled metric chunks and adds zoom summaries,
// `backup FILE` writes a consistent copy with its artifacts. Both are safe while the window is open and
// runs are logging, and neither creates a database where --db points at nothing. Registered in cli.cpp's
// command table.

#include <QStringList>

namespace runlens::cli {

int compactCommand(const QString &db, const QStringList &args);
int backupCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
