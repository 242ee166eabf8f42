// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/cli.h"

#include "cli/artifactcommands.h"
#include "cli/benchcommand.h"
#include "cli/commandsupport.h"
#include "cli/democommand.h"
#include "cli/exportchartcommand.h"
#include "cli/importcommand.h"
#include "cli/logcommand.h"
#include "cli/maintenancecommands.h"
#include "cli/registrycommands.h"
#include "cli/runcommands.h"
#include "itemmodels/displaytext.h"
#include "search/searchquery.h"
#include "store/store.h"

#include <functional>
#include <QFileInfo>
#include <QTextStream>

namespace runlens::cli {

namespace {

struct Command
{
    const char *name;
    const char *summary;
    std::function<int(const QString &db, const QStringList &args)> run;
};

const QList<Command> &commands()
{
    static const QList<Command> all = {
        {"experiments", "list experiments", experimentsCommand},
        {"runs", "list and search runs (MLflow filter and order-by)", runsCommand},
        {"metric", "print every point of a run's metric", metricCommand},
        {"log", "create a run or log params, tags and metrics (also JSON lines on stdin)", logCommand},
        {"import", "import MLflow stores and databases, TensorBoard, CSV and JSON-lines logs", importCommand},
        {"demo", "fill the database with realistic demo data", demoCommand},
        {"export-chart", "draw metric charts of runs into a PNG, SVG or PDF file", exportChartCommand},
        {"models", "list registered models", modelsCommand},
        {"model", "show a registered model: versions, stages, aliases, tags and audit trail", modelCommand},
        {"promote", "register a run (or one of its artifact folders) as a new model version", promoteCommand},
        {"alias", "set, move or delete an alias of a model version", aliasCommand},
        {"stage", "transition a model version to None, Staging, Production or Archived", stageCommand},
        {"model-export", "copy a model version's artifacts and lineage.json into a folder",
         modelExportCommand},
        {"artifacts", "list a run's artifacts", artifactsCommand},
        {"attach", "attach local files and folders to a run as artifacts", attachCommand},
        {"artifact-get", "copy an artifact or a folder of artifacts out of a run", artifactGetCommand},
        {"compact", "merge partly filled metric chunks and add missing zoom summaries", compactCommand},
        {"backup", "copy the database and its artifacts into a new backup, safely while others write",
         backupCommand},
        {"bench", "measure speed and memory against the targets", benchCommand},
    };
    return all;
}

QString globalHelp()
{
    QString s =
        QStringLiteral("Usage: runlens [--db FILE] [COMMAND] [OPTIONS]\n"
                       "       runlens [--db FILE] [FILE...]\n\n"
                       "Runlens, a native experiment tracker. Without a command it opens the window: on a\n"
                       "Runlens database FILE when one is given, and with the Import dialog filled with the\n"
                       "other FILEs (mlruns folders, mlflow.db files, TensorBoard logs, CSV and JSON-lines\n"
                       "logs) to confirm.\n\n"
                       "Global options:\n"
                       "  --db FILE      database file (default: $RUNLENS_DB, else %1)\n"
                       "  -h, --help     show this help; `runlens COMMAND --help` for a command\n"
                       "  -v, --version  show the version\n\n"
                       "Commands:\n")
            .arg(Store::defaultPath());
    for (const Command &c : commands())
        s += QStringLiteral("  %1%2\n")
                 .arg(QString::fromLatin1(c.name).leftJustified(14), QLatin1String(c.summary));
    s += QStringLiteral("\nExit status: 0 success, 1 bad input or data error, 2 usage error.\n");
    return s;
}

} // namespace

bool isCommand(const QString &name)
{
    for (const Command &c : commands()) {
        if (name == QLatin1String(c.name))
            return true;
    }
    return false;
}

Invocation scan(const QStringList &arguments)
{
    // Window options that take a value, so that the value is not mistaken for a command.
    static const QStringList windowValueOptions{QStringLiteral("--screenshot"), QStringLiteral("--page"),
                                                QStringLiteral("--compare-check"), QStringLiteral("--size"),
                                                QStringLiteral("--theme")};
    Invocation inv;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (!inv.command.isEmpty()) {
            inv.args << a;
        } else if (a == QLatin1String("--db") || a.startsWith(QLatin1String("--db="))) {
            if (a == QLatin1String("--db") && i + 1 < arguments.size())
                inv.db = arguments[++i];
            else
                inv.db = a.mid(5);
            if (inv.db.isEmpty()) {
                inv.usageError = QStringLiteral("--db needs a file name");
                return inv;
            }
        } else if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            inv.help = true;
        } else if (a == QLatin1String("--version") || a == QLatin1String("-v")) {
            inv.version = true;
        } else if (windowValueOptions.contains(a)) {
            inv.args << a;
            if (i + 1 < arguments.size())
                inv.args << arguments[++i];
        } else if (a == QLatin1String("--")) {
            inv.args << arguments.mid(i); // files for the window, whatever their names
            break;
        } else if (a.startsWith(QLatin1Char('-'))) {
            inv.args << a; // a window option (or Qt's own); the window validates them
        } else if (isCommand(a)) {
            inv.command = a;
        } else if (QFileInfo::exists(a) || a.contains(QLatin1Char('/')) || a.contains(QLatin1Char('.'))) {
            inv.args << a; // a file for the window to open (`runlens FILE...`, the desktop's %F); a word that
                           // names no file is a mistyped command
        } else {
            inv.usageError = QStringLiteral("unknown command '%1'").arg(a);
            return inv;
        }
    }
    return inv;
}

int run(const Invocation &inv)
{
    if (!inv.usageError.isEmpty()) {
        err() << "runlens: " << display::escapeControls(inv.usageError) << "\nTry 'runlens --help'.\n";
        return UsageError;
    }
    if (inv.version && inv.command.isEmpty()) {
        out() << "runlens " << RUNLENS_VERSION << '\n';
        return Ok;
    }
    if (inv.help && inv.command.isEmpty()) {
        out() << globalHelp();
        return Ok;
    }
    const QString db = inv.db.isEmpty() ? Store::defaultPath() : inv.db;
    for (const Command &c : commands()) {
        if (inv.command != QLatin1String(c.name))
            continue;
        try {
            return c.run(db, inv.args);
        } catch (const UsageProblem &u) {
            err() << "runlens " << inv.command << ": " << display::escapeControls(u.message)
                  << "\nTry 'runlens " << inv.command << " --help'.\n";
            return UsageError;
        } catch (const search::SyntaxError &e) {
            err() << "runlens " << inv.command << ": " << display::escapeControls(e.message()) << '\n';
            return DataError;
        } catch (const Error &e) {
            // Messages name runs, keys and files from data: escaped, they cannot command the terminal.
            err() << "runlens " << inv.command << ": " << display::escapeControls(e.message()) << '\n';
            return DataError;
        } catch (const std::exception &e) {
            err() << "runlens " << inv.command << ": "
                  << display::escapeControls(QString::fromLocal8Bit(e.what())) << '\n';
            return DataError;
        }
    }
    err() << "runlens: unknown command '" << display::escapeControls(inv.command)
          << "'\nTry 'runlens --help'.\n";
    return UsageError;
}

} // namespace runlens::cli
