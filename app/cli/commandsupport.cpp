// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/commandsupport.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace runlens::cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

bool parse(QCommandLineParser &p, const QString &command, const QString &description, const QStringList &args)
{
    p.setApplicationDescription(description);
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    if (!p.parse(QStringList{QStringLiteral("runlens ") + command} + args))
        throw UsageProblem{p.errorText()};
    if (p.isSet(QStringLiteral("help"))) {
        // helpText() names the program as started (a path); users call it `runlens`.
        QString help = p.helpText();
        static const QRegularExpression usage(QStringLiteral("^Usage: \\S+"));
        help.replace(usage, QStringLiteral("Usage: runlens [--db FILE] %1").arg(command));
        out() << help;
        return false;
    }
    return true;
}

Format formatOption(const QCommandLineParser &p, Format fallback)
{
    if (!p.isSet(QStringLiteral("format")))
        return fallback;
    const auto f = formatFromName(p.value(QStringLiteral("format")));
    if (!f)
        throw UsageProblem{QStringLiteral("--format must be table, json or csv (got '%1')")
                               .arg(p.value(QStringLiteral("format")))};
    return *f;
}

QCommandLineOption formatOptionSpec()
{
    return {QStringLiteral("format"), QStringLiteral("Output format: table, json or csv."),
            QStringLiteral("FORMAT")};
}

qint64 integerOption(const QCommandLineParser &p, const QString &name, qint64 fallback)
{
    if (!p.isSet(name))
        return fallback;
    bool ok = false;
    const qint64 v = p.value(name).toLongLong(&ok);
    if (!ok)
        throw UsageProblem{QStringLiteral("--%1 must be an integer (got '%2')").arg(name, p.value(name))};
    return v;
}

void expectArguments(const QCommandLineParser &p, qsizetype count, const QString &what)
{
    const QStringList args = p.positionalArguments();
    if (args.size() < count)
        throw UsageProblem{QStringLiteral("expected %1").arg(what)};
    if (args.size() > count)
        throw UsageProblem{QStringLiteral("unexpected argument '%1'").arg(args.at(count))};
}

QJsonValue msOrNull(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(*ms) : QJsonValue();
}

QJsonObject mapJson(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.begin(); it != map.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QString isoTime(const std::optional<qint64> &ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(*ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              : QString();
}

bool stderrIsTerminal()
{
#ifdef Q_OS_UNIX
    return ::isatty(::fileno(stderr)) == 1;
#else
    return false;
#endif
}

Store openExisting(const QString &db)
{
    if (!QFileInfo::exists(db))
        throw Error(QStringLiteral("no database at %1 (runlens log or runlens demo creates one)").arg(db),
                    Error::Kind::NotFound);
    return Store(db);
}

Run requireRun(Store &store, const QString &runId)
{
    std::optional<Run> r = store.runs().run(runId);
    if (!r)
        throw Error(QStringLiteral("no run with id '%1'").arg(runId), Error::Kind::NotFound);
    return std::move(*r);
}

Experiment requireExperiment(Store &store, const QString &name)
{
    const auto e = store.runs().experimentByName(name);
    if (!e)
        throw Error(QStringLiteral("no experiment named '%1'").arg(name), Error::Kind::NotFound);
    return *e;
}

namespace {

std::atomic<bool> interruptedFlag{false};
std::atomic<int> interruptSignalNumber{0};

extern "C" void onInterrupt(int signal)
{
    interruptSignalNumber = signal;
    interruptedFlag = true;
}

} // namespace

void catchInterrupts()
{
    interruptedFlag = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

void restoreInterrupts()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

bool interrupted()
{
    return interruptedFlag;
}

int interruptSignal()
{
    return interruptSignalNumber;
}

} // namespace runlens::cli
