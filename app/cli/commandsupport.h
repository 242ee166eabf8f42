// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every command of the `runlens` command line shares: the output streams, option parsing with --help and
// --format, opening an existing database, Ctrl-C handling, and the usage-error type that the dispatcher
// (cli.cpp) turns into exit status 2. The command families (runcommands.cpp, logcommand.cpp, …) use these
// instead of copies.

#include "cli/output.h"
#include "store/store.h"

#include <optional>
#include <QCommandLineParser>
#include <QJsonObject>
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
// Throws UsageProblem unless exactly `count` positional arguments were given: "expected WHAT" for too few,
// "unexpected argument 'X'" naming the first one too many.
void expectArguments(const QCommandLineParser &p, qsizetype count, const QString &what);
QJsonValue msOrNull(const std::optional<qint64> &ms);
QJsonObject mapJson(const QMap<QString, QString> &map); // params, tags: {"key": "value", …}
QString isoTime(const std::optional<qint64> &ms);       // local time, "yyyy-MM-dd HH:mm:ss"; empty for none
// Commands that only read (or tidy) must not create a database where a mistyped --db points.
Store openExisting(const QString &db);
// The run or experiment a command names; throws Error (not found) naming it.
Run requireRun(Store &store, const QString &runId);
Experiment requireExperiment(Store &store, const QString &name);
// Whether progress lines (rewritten in place with \r) can go to stderr.
bool stderrIsTerminal();

// Ctrl-C (SIGINT) or a termination request (SIGTERM) during long work: from catchInterrupts() on, the signal
// no longer ends the process but sets interrupted(), and the command stops where nothing is left
// half-written.
void catchInterrupts();
void restoreInterrupts(); // the default again: the signal ends the process
bool interrupted();
int interruptSignal(); // the signal that set interrupted(), 0 before one

} // namespace runlens::cli
