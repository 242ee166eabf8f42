// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/democommand.h"

#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "demo/demodata.h"
#include "itemmodels/displaytext.h"
#include "store/store.h"

#include <QCommandLineParser>

namespace runlens::cli {

int demoCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(
        {QStringLiteral("runs"), QStringLiteral("Number of runs (default 48)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("steps"), QStringLiteral("Training steps per run (default 2000)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("scale"),
                 QStringLiteral("Instead: one wide experiment \"scale\" of N runs x 30 params x 10 metrics "
                                "(the window's startup check)."),
                 QStringLiteral("N")});
    if (!parse(
            p, QStringLiteral("demo"),
            QStringLiteral("Fill the database with realistic demo experiments: a hyperparameter sweep with "
                           "loss/accuracy/lr curves, a diverged run, a failed run, a running run, tags and "
                           "notes."),
            args))
        return Ok;
    const qint64 runs = integerOption(p, QStringLiteral("runs"), 48);
    const qint64 steps = integerOption(p, QStringLiteral("steps"), 2000);
    if (runs < 1 || runs > 1000000)
        throw UsageProblem{QStringLiteral("--runs must be between 1 and 1000000")};
    if (steps < 10 || steps > 10000000)
        throw UsageProblem{QStringLiteral("--steps must be between 10 and 10000000")};
    const qint64 scale = integerOption(p, QStringLiteral("scale"), 0);
    if (scale < 0 || scale > 1000000)
        throw UsageProblem{QStringLiteral("--scale must be between 1 and 1000000")};
    Store store(db);
    const DemoSummary s = scale > 0 ? generateScaleData(store, ScaleOptions{int(scale), 30, 10, 20})
                                    : generateDemoData(store, DemoOptions{int(runs), int(steps)});
    out() << QStringLiteral("Added %1 experiments, %2 runs and %3 metric points to %4\n")
                 .arg(s.experiments)
                 .arg(s.runs)
                 .arg(s.points)
                 .arg(display::escapeControls(store.path()));
    return Ok;
}

} // namespace runlens::cli
