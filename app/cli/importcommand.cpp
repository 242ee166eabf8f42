// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/importcommand.h"

#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "import/importer.h"
#include "itemmodels/displaytext.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QThread>

namespace runlens::cli {

int importCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument(
        QStringLiteral("PATH"),
        QStringLiteral("mlruns folders, mlflow.db files, TensorBoard log folders, CSV or JSON-lines "
                       "logs, Kubeflow Pipelines output folders."),
        QStringLiteral("PATH..."));
    p.addOption({QStringLiteral("experiment"),
                 QStringLiteral("Experiment for runs whose source names none (default: "
                                "the source's folder or file name)."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("format"),
                 QStringLiteral("auto, mlflow, mlflow-db, tensorboard, csv, jsonl, kubeflow or dvc "
                                "(default auto)."),
                 QStringLiteral("FORMAT")});
    p.addOption(
        {QStringLiteral("follow"), QStringLiteral("Keep watching and import new points as they are written; "
                                                  "stop with Ctrl-C.")});
    p.addOption({QStringLiteral("interval"), QStringLiteral("Seconds between --follow passes (default 1)."),
                 QStringLiteral("S")});
    p.addOption({QStringLiteral("report"), QStringLiteral("Report format: text or json (default text)."),
                 QStringLiteral("FORMAT")});
    p.addOption({QStringLiteral("no-artifacts"), QStringLiteral("Do not copy artifact files.")});
    if (!parse(p, QStringLiteral("import"),
               QStringLiteral(
                   "Import runs from other tools. Importing the same source again adds only what is new; "
                   "each run is imported whole or not at all; sources are never modified."),
               args))
        return Ok;
    if (p.positionalArguments().isEmpty())
        throw UsageProblem{QStringLiteral("expected at least one PATH")};
    const auto format = import::formatFromName(p.value(QStringLiteral("format")).isEmpty()
                                                   ? QStringLiteral("auto")
                                                   : p.value(QStringLiteral("format")));
    if (!format)
        throw UsageProblem{
            QStringLiteral(
                "--format must be auto, mlflow, mlflow-db, tensorboard, csv, jsonl, kubeflow or dvc "
                "(got '%1')")
                .arg(p.value(QStringLiteral("format")))};
    const QString report = p.value(QStringLiteral("report")).isEmpty() ? QStringLiteral("text")
                                                                       : p.value(QStringLiteral("report"));
    if (report != QLatin1String("text") && report != QLatin1String("json"))
        throw UsageProblem{QStringLiteral("--report must be text or json")};
    const qint64 interval = integerOption(p, QStringLiteral("interval"), 1);
    if (interval < 1)
        throw UsageProblem{QStringLiteral("--interval must be at least 1")};

    Store store(db);
    import::ImportOptions options;
    options.experiment = p.value(QStringLiteral("experiment"));
    options.copyArtifacts = !p.isSet(QStringLiteral("no-artifacts"));
    options.cancelled = [] { return interrupted(); };
    catchInterrupts();
    const auto print = [&](const import::ImportReport &r) {
        if (report == QLatin1String("json"))
            out() << QString::fromUtf8(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact)) << '\n';
        else
            out() << r.toText();
        out().flush();
    };
    // Exit status 1 when a source could not be read (its reader stopped, or it gave no run and only
    // warnings) or a run was refused: the report says what was imported, stderr what was not.
    const auto failures = [](const import::ImportReport &r) {
        for (const QString &s : r.failedSources)
            err() << "runlens import: could not import " << display::escapeControls(s) << '\n';
        for (const QString &f : r.failedRuns)
            err() << "runlens import: failed " << display::escapeControls(f) << '\n';
        err().flush();
        return !r.failedSources.isEmpty() || !r.failedRuns.isEmpty();
    };
    import::ImportReport first = import::importPaths(store, p.positionalArguments(), *format, options);
    print(first);
    bool failed = failures(first);
    while (p.isSet(QStringLiteral("follow")) && !interrupted()) {
        for (qint64 waited = 0; waited < interval * 10 && !interrupted(); ++waited)
            QThread::msleep(100);
        if (interrupted())
            break;
        const import::ImportReport more =
            import::importPaths(store, p.positionalArguments(), *format, options);
        if (more.runsAdded || more.pointsAdded || more.artifactsAdded || !more.failedRuns.isEmpty() ||
            !more.failedSources.isEmpty())
            print(more);
        failed |= failures(more);
    }
    return failed ? DataError : Ok;
}

} // namespace runlens::cli
