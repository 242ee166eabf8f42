// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every command of the `runlens` command line shares (defined in cli.cpp): the output streams, option
// parsing with --help and --format, and the usage-error type that the dispatcher turns into exit status 2.
// Command families in their own files (registrycommands.cpp, …) use these instead of copies.

#include "cli/output.h"
#include "store/store.h"

#include <optional>
#include <QCommandLineParser>
#include <QJsonValue>
#include <QTextStream>

namespace runlens::cli {

// A usage error: wrong options or arguments. Reported with the command's help hint, exit status 2.
struct UsageProblem
{
    QString message;
};

QTextStream &out();
QTextStream &err();

// Parses a command's options; throws UsageProblem. Returns false when --help was printed.
bool parse(QCommandLineParser &p, const QString &command, const QString &description,
           const QStringList &args);
Format formatOption(const QCommandLineParser &p, Format fallback = Format::Table);
QCommandLineOption formatOptionSpec();
qint64 integerOption(const QCommandLineParser &p, const QString &name, qint64 fallback);
QJsonValue msOrNull(const std::optional<qint64> &ms);
QString isoTime(const std::optional<qint64> &ms); // local time, "yyyy-MM-dd HH:mm:ss"; empty for none
// Commands that only read (or tidy) must not create a database where a mistyped --db points.
Store openExisting(const QString &db);
// Whether progress lines (rewritten in place with \r) can go to stderr.
bool stderrIsTerminal();

} // namespace runlens::cli
