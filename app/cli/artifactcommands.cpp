// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/artifactcommands.h"

#include "artifacts/artifactstore.h"
#include "artifacts/attachjob.h"
#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "cli/output.h"
#include "itemmodels/displaytext.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTextStream>

namespace runlens::cli {

int artifactsCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addOption(formatOptionSpec());
    p.addOption({QStringLiteral("include-deleted"), QStringLiteral("Also list deleted artifacts.")});
    if (!parse(p, QStringLiteral("artifacts"),
               QStringLiteral("List a run's artifacts: path, size, sha256, media type, created."), args))
        return Ok;
    const Format format = formatOption(p);
    if (p.positionalArguments().size() != 1)
        throw UsageProblem{QStringLiteral("expected one RUN")};
    const QString runId = p.positionalArguments().first();
    Store store = openExisting(db);
    requireRun(store, runId);
    Listing listing({QStringLiteral("path"), QStringLiteral("size"), QStringLiteral("sha256"),
                     QStringLiteral("media_type"), QStringLiteral("created"), QStringLiteral("lifecycle")});
    for (const Artifact &a : store.artifacts().artifacts(runId, p.isSet(QStringLiteral("include-deleted")))) {
        listing.addRow(
            {{QStringLiteral("path"), a.path},
             {QStringLiteral("size"), qint64(a.size)},
             {QStringLiteral("sha256"), a.sha256},
             {QStringLiteral("media_type"), a.mediaType},
             {QStringLiteral("created"), format == Format::Table ? QJsonValue(display::dateTime(a.createdMs))
                                                                 : QJsonValue(qint64(a.createdMs))},
             {QStringLiteral("lifecycle"), lifecycleName(a.lifecycle)}});
    }
    listing.write(out(), format);
    return Ok;
}

int attachCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Local files and folders."),
                            QStringLiteral("PATH..."));
    p.addOption({QStringLiteral("as"),
                 QStringLiteral("Folder inside the run's artifacts to put them in (default: the top)."),
                 QStringLiteral("DIR")});
    if (!parse(p, QStringLiteral("attach"),
               QStringLiteral("Attach local files and folders to a run as artifacts. Folders keep their "
                              "name and layout; links leading out of a folder, FIFOs and devices are "
                              "left out. All or nothing: on any error nothing is attached."),
               args))
        return Ok;
    QStringList positional = p.positionalArguments();
    if (positional.size() < 2)
        throw UsageProblem{QStringLiteral("expected RUN and at least one PATH")};
    if (p.isSet(QStringLiteral("as")) && !ArtifactStore::normalizedPath(p.value(QStringLiteral("as"))))
        throw UsageProblem{QStringLiteral("--as must be a relative folder inside the run, without '..' "
                                          "(got '%1')")
                               .arg(p.value(QStringLiteral("as")))};
    AttachRequest request;
    request.runId = positional.takeFirst();
    request.paths = positional;
    request.destination = p.value(QStringLiteral("as"));
    Store store = openExisting(db);

    catchInterrupts();
    const bool showProgress = stderrIsTerminal();
    QElapsedTimer sinceShown;
    AttachJob::Callbacks callbacks;
    callbacks.cancelled = [] { return interrupted(); };
    if (showProgress) {
        callbacks.progress = [&](qint64 done, qint64 total, const QString &current) {
            if (sinceShown.isValid() && sinceShown.elapsed() < AttachJob::ProgressIntervalMs)
                return;
            sinceShown.start();
            const int percent = total > 0 ? int(done * 100 / total) : 100;
            err() << "\r\033[K"
                  << QStringLiteral("%1% %2 of %3  %4")
                         .arg(percent)
                         .arg(display::bytes(done), display::bytes(total), display::escapeControls(current));
            err().flush();
        };
    }
    const AttachReport report = AttachJob::attach(store, request, callbacks);
    if (showProgress) {
        err() << "\r\033[K";
        err().flush();
    }
    for (const QString &s : report.skipped)
        err() << "runlens attach: skipped " << display::escapeControls(s) << '\n';
    err().flush();
    if (report.cancelled) {
        err() << "runlens attach: cancelled; nothing was attached\n";
        return int(DataError);
    }
    const qsizetype n = qsizetype(report.attached.size());
    out() << QStringLiteral("Attached %1 %2 (%3, %4 new in the store) to run %5\n")
                 .arg(n)
                 .arg(n == 1 ? QStringLiteral("file") : QStringLiteral("files"))
                 .arg(display::bytes(report.bytes))
                 .arg(report.objectsAdded)
                 .arg(display::escapeControls(report.runId));
    for (const Artifact &a : report.attached)
        out() << "  " << display::escapeControls(a.path) << '\n';
    return Ok;
}

int artifactGetCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("PATH"),
                            QStringLiteral("Artifact path, or a folder of artifacts ('.' for all)."));
    p.addOption({QStringLiteral("out"),
                 QStringLiteral("Where to write: the file, or for a folder the folder receiving it."),
                 QStringLiteral("F")});
    if (!parse(p, QStringLiteral("artifact-get"),
               QStringLiteral("Copy an artifact, or a folder of artifacts, out of a run."), args))
        return Ok;
    if (p.positionalArguments().size() != 2)
        throw UsageProblem{QStringLiteral("expected RUN and PATH")};
    if (p.value(QStringLiteral("out")).isEmpty())
        throw UsageProblem{QStringLiteral("--out F is required")};
    const QString runId = p.positionalArguments().at(0);
    const QString wanted = p.positionalArguments().at(1);
    const QString target = p.value(QStringLiteral("out"));
    const bool everything = wanted == QLatin1String(".") || wanted == QLatin1String("/");
    const std::optional<QString> path = everything ? QString() : ArtifactStore::normalizedPath(wanted);
    if (!path)
        throw UsageProblem{QStringLiteral("'%1' is not an artifact path").arg(wanted)};
    Store store = openExisting(db);
    requireRun(store, runId);
    const ArtifactStore objects(store.path());
    catchInterrupts();
    const auto cancelled = [] { return interrupted(); };

    std::vector<Artifact> rows = store.artifacts().artifacts(runId);
    for (const Artifact &a : rows) {
        if (!everything && a.path == *path) {
            // An existing folder receives the file under its own name, as cp does.
            const QString file = QFileInfo(target).isDir()
                                     ? QDir(target).filePath(a.path.section(QLatin1Char('/'), -1))
                                     : target;
            objects.copyObject(a.sha256, file, cancelled);
            out() << QStringLiteral("Wrote %1 (%2)\n")
                         .arg(display::escapeControls(file), display::bytes(a.size));
            return Ok;
        }
    }
    // A folder: every artifact below it, at its path below the folder, under `target`.
    const QString prefix = everything ? QString() : *path + QLatin1Char('/');
    std::vector<std::pair<QString, Artifact>> below;
    for (const Artifact &a : rows) {
        if (!a.path.startsWith(prefix))
            continue;
        // The database is untrusted input: a row's path is checked again before it names a file.
        const std::optional<QString> rel = ArtifactStore::normalizedPath(a.path.mid(prefix.size()));
        if (!rel) {
            err() << "runlens artifact-get: skipped '" << display::escapeControls(a.path)
                  << "': not a safe path\n";
            continue;
        }
        below.push_back({*rel, a});
    }
    if (below.empty())
        throw Error(QStringLiteral("run %1 has no artifact or folder '%2'").arg(runId, wanted),
                    Error::Kind::NotFound);
    if (QFileInfo(target).exists() && !QFileInfo(target).isDir())
        throw Error(QStringLiteral("%1 exists and is not a folder; '%2' is a folder of artifacts")
                        .arg(target, wanted));
    qint64 bytes = 0;
    int written = 0;
    for (const auto &[rel, a] : below) {
        try {
            objects.copyObject(a.sha256, QDir(target).filePath(rel), cancelled);
        } catch (const Error &e) {
            throw Error(QStringLiteral("%1 (%2 of %3 files were written to %4)")
                            .arg(e.message())
                            .arg(written)
                            .arg(below.size())
                            .arg(target),
                        e.kind());
        }
        bytes += a.size;
        ++written;
    }
    out() << QStringLiteral("Wrote %1 %2 (%3) to %4\n")
                 .arg(written)
                 .arg(written == 1 ? QStringLiteral("file") : QStringLiteral("files"))
                 .arg(display::bytes(bytes), display::escapeControls(target));
    return Ok;
}

} // namespace runlens::cli
