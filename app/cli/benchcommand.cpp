// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/benchcommand.h"

#include "bench/benchmark.h"
#include "bench/concurrencybench.h"
#include "bench/loggingbench.h"
#include "bench/windowbench.h"
#include "cli/cli.h"
#include "cli/commandsupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QTemporaryDir>

namespace runlens::cli {

int benchCommand(const QString &, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("json"), QStringLiteral("Print the figures as JSON.")});
    p.addOption(
        {QStringLiteral("quick"), QStringLiteral("Smaller data sets (a smoke run; figures not comparable to "
                                                 "the targets).")});
    p.addOption({QStringLiteral("dir"),
                 QStringLiteral("Folder for the scratch databases (default: a temporary "
                                "folder)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("only"),
                 QStringLiteral(
                     "Measure only these groups, comma-separated: store (ingest, reads, overviews, "
                     "search, imports), window, compare, concurrency (8 `runlens log` writers at once), "
                     "logging (the Python client: log_metric per call, 4 writers at once) (default: all)."),
                 QStringLiteral("GROUPS")});
    if (!parse(p, QStringLiteral("bench"),
               QStringLiteral(
                   "Measure ingest, reads, overviews and search on scratch databases and compare with "
                   "the targets."),
               args))
        return Ok;
    const QStringList groups{QStringLiteral("store"), QStringLiteral("window"), QStringLiteral("compare"),
                             QStringLiteral("concurrency"), QStringLiteral("logging")};
    QStringList only = groups;
    if (p.isSet(QStringLiteral("only"))) {
        only = p.value(QStringLiteral("only")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &g : only) {
            if (!groups.contains(g))
                throw UsageProblem{
                    QStringLiteral(
                        "unknown group '%1' (expected store, window, compare, concurrency or logging)")
                        .arg(g)};
        }
    }
    BenchmarkOptions options;
    options.quick = p.isSet(QStringLiteral("quick"));
    options.directory = p.value(QStringLiteral("dir"));
    const bool json = p.isSet(QStringLiteral("json"));
    options.progress = [json](const QString &message) {
        if (!json) {
            err() << message << '\n';
            err().flush();
        }
    };
    BenchmarkReport report;
    if (only.contains(QStringLiteral("store")))
        report = runBenchmark(options);
    // The window's figures come from the real window, started offscreen as a separate process.
    QTemporaryDir scratch;
    const QString dir = options.directory.isEmpty() ? scratch.path() : options.directory;
    if (!options.directory.isEmpty() && !QDir().mkpath(dir))
        throw Error(QStringLiteral("bench: cannot create %1").arg(dir));
    if (only.contains(QStringLiteral("window")))
        report.figures << measureWindow(QCoreApplication::applicationFilePath(), dir, options.quick,
                                        options.progress);
    if (only.contains(QStringLiteral("compare")))
        report.figures << measureCompare(QCoreApplication::applicationFilePath(), dir, options.quick,
                                         options.progress);
    if (only.contains(QStringLiteral("concurrency")))
        report.figures << measureConcurrency(QCoreApplication::applicationFilePath(), dir, options.quick,
                                             options.progress);
    if (only.contains(QStringLiteral("logging"))) {
        QString skipped;
        report.figures << measureLogging(dir, options.quick, options.progress, &skipped);
        if (!skipped.isEmpty())
            report.skipped.insert(QStringLiteral("logging"), skipped);
    }
    if (json)
        writeJson(out(), QJsonDocument(report.toJson()));
    else
        out() << report.toText();
    return Ok;
}

} // namespace runlens::cli
