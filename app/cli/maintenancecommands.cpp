// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/maintenancecommands.h"

#include "artifacts/artifactstore.h"
#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "itemmodels/displaytext.h"
#include "store/backup.h"
#include "store/database.h"
#include "store/store.h"

#include <QCommandLineParser>

namespace runlens::cli {

int compactCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    if (!parse(p, QStringLiteral("compact"),
               QStringLiteral("Rewrite partly filled metric chunks into full ones, and give every chunk the "
                              "summaries that zoomed charts read (chunks written before database schema 5, "
                              "or by other writers, lack them and are read point by point). Safe while "
                              "the window is open or a run is logging: the work is committed a series or a "
                              "batch of chunks at a time."),
               args))
        return Ok;
    expectArguments(p, 0, QString());
    Store store = openExisting(db);
    const bool tty = stderrIsTerminal();
    const SeriesEngine::Compaction c = store.series().compact([tty](qint64 done, qint64 total) {
        if (tty)
            err() << QStringLiteral("\rSummarising chunks: %1 of %2").arg(done).arg(total) << Qt::flush;
    });
    if (tty && c.detailsAdded > 0)
        err() << "\n";
    store.database().checkpoint();
    out() << QStringLiteral("Compacted %1: %2 series rewritten, %3 chunks given zoom summaries\n")
                 .arg(display::escapeControls(store.path()))
                 .arg(c.seriesRewritten)
                 .arg(c.detailsAdded);
    return Ok;
}

int backupCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Where the backup goes (a new file)."));
    if (!parse(
            p, QStringLiteral("backup"),
            QStringLiteral("Write a consistent copy of the database to FILE, and the artifact files its "
                           "runs name to FILE's -artifacts folder beside it: a Runlens database of its own "
                           "(open it with runlens --db FILE). Safe while the window is open and runs are "
                           "logging. FILE appears only when the backup is complete; nothing existing is "
                           "replaced."),
            args))
        return Ok;
    const QStringList files = p.positionalArguments();
    if (files.size() != 1)
        throw UsageProblem{QStringLiteral("backup expects one FILE, the new backup")};
    Store store = openExisting(db);
    const bool tty = stderrIsTerminal();
    const BackupSummary s = backupDatabase(store, files.first(), [tty](qint64 done, qint64 total) {
        if (tty)
            err() << QStringLiteral("\rCopying artifacts: %1 of %2").arg(done).arg(total) << Qt::flush;
    });
    if (tty && (s.objects > 0 || !s.missingObjects.isEmpty()))
        err() << "\n";
    if (!s.missingObjects.isEmpty())
        err() << QStringLiteral(
                     "runlens: warning: %1 artifact file(s) named by runs were already missing from "
                     "%2 and are not in the backup (first: %3)\n")
                     .arg(s.missingObjects.size())
                     .arg(display::escapeControls(ArtifactStore(store.path()).root()),
                          display::escapeControls(s.missingObjects.first()));
    out() << QStringLiteral("Backed up %1 runs and %2 artifact %3 (%4 bytes) to %5\n")
                 .arg(s.runs)
                 .arg(s.objects)
                 .arg(s.objects == 1 ? QStringLiteral("file") : QStringLiteral("files"))
                 .arg(s.bytes)
                 .arg(display::escapeControls(s.database));
    return Ok;
}

} // namespace runlens::cli
