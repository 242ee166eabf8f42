// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The `runlens` command line: `runlens [--db FILE] COMMAND ...`. Exit status 0 on success, 1 for bad input or
// data errors (message on stderr, database unchanged), 2 for usage errors.
// This is the dispatcher: the global options, the command table, usage and exit codes. Each family of
// commands has its own file beside it (runcommands.cpp, logcommand.cpp, registrycommands.cpp, …).

#include <QStringList>

namespace runlens::cli {

enum ExitCode { Ok = 0, DataError = 1, UsageError = 2 };

// What came before the command on the command line.
struct Invocation
{
    QString db;           // --db FILE, else empty (the default database)
    QString command;      // empty: open the window
    QStringList args;     // the command's own arguments (for the window: every other argument)
    bool help = false;    // --help before any command
    bool version = false; // --version
    QString usageError;   // set when the global options themselves are malformed
};

Invocation scan(const QStringList &arguments);
bool isCommand(const QString &name);
int run(const Invocation &invocation);

} // namespace runlens::cli
