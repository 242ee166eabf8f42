// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens log`: creates a run (printing its id) or adds to one, from --param/--tag/--metric or from JSON
// lines streamed on standard input, written in short transactions so that many loggers share a database.
// Registered in cli.cpp's command table; returns an ExitCode (cli.h), or 128 + the signal's number when
// Ctrl-C or SIGTERM stopped the stream.

#include <QStringList>

namespace runlens::cli {

int logCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
