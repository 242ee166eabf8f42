// SPDX-License-Identifier: GPL-3.0-or-later
#include "artifactcommands.h"

#include "artifactstore.h"
#include "attachjob.h"
#include "cli.h"
#include "displaytext.h"
#include "output.h"
#include "store.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace runlens::cli {

namespace {

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

// Thrown for wrong options or arguments; turned into exit status 2 by guarded().
struct UsageProblem
{
    QString message;
};

int guarded(const QString &command, const std::function<int()> &body)
{
    try {
        const int code = body();
        out().flush();
        err().flush();
        return code;
    } catch (const UsageProblem &u) {
        out().flush();
        err() << "runlens " << command << ": " << u.message << "\nTry 'runlens " << command << " --help'.\n";
        err().flush();
        return UsageError;
    } catch (...) {
        out().flush();
        err().flush();
        throw; // data errors: cli::run reports them
    }
}

// Parses a command's options; false when --help was printed.
bool parse(QCommandLineParser &p, const QString &command, const QString &description, const QStringList &args)
{
    p.setApplicationDescription(description);
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    if (!p.parse(QStringList{QStringLiteral("runlens ") + command} + args))
        throw UsageProblem{p.errorText()};
    if (p.isSet(QStringLiteral("help"))) {
        QString help = p.helpText();
        static const QRegularExpression usage(QStringLiteral("^Usage: \\S+"));
        help.replace(usage, QStringLiteral("Usage: runlens [--db FILE] %1").arg(command));
        out() << help;
        return false;
    }
    return true;
}

// Commands on a run must not create a database where a mistyped --db points.
void requireDatabase(const QString &db)
{
    if (!QFileInfo::exists(db))
        throw Error(QStringLiteral("no database at %1 (runlens log or runlens demo creates one)").arg(db),
                    Error::Kind::NotFound);
}

void requireRun(Store &store, const QString &runId)
{
    if (!store.run(runId))
        throw Error(QStringLiteral("no run with id '%1'").arg(runId), Error::Kind::NotFound);
}

std::atomic<bool> interrupted{false};

extern "C" void onArtifactInterrupt(int)
{
    interrupted = true;
}

void catchInterrupt()
{
    interrupted = false;
    std::signal(SIGINT, onArtifactInterrupt);
    std::signal(SIGTERM, onArtifactInterrupt);
}

bool stderrIsTerminal()
{
#ifdef Q_OS_UNIX
    return ::isatty(::fileno(stderr)) == 1;
#else
    return false;
#endif
}

} // namespace

int artifactsCommand(const QString &db, const QStringList &args)
{
    return guarded(QStringLiteral("artifacts"), [&] {
        QCommandLineParser p;
        p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
        p.addOption({QStringLiteral("format"), QStringLiteral("Output format: table, json or csv."),
                     QStringLiteral("FORMAT")});
        p.addOption({QStringLiteral("include-deleted"), QStringLiteral("Also list deleted artifacts.")});
        if (!parse(p, QStringLiteral("artifacts"),
                   QStringLiteral("List a run's artifacts: path, size, sha256, media type, created."), args))
            return int(Ok);
        Format format = Format::Table;
        if (p.isSet(QStringLiteral("format"))) {
            const auto f = formatFromName(p.value(QStringLiteral("format")));
            if (!f)
                throw UsageProblem{QStringLiteral("--format must be table, json or csv (got '%1')")
                                       .arg(p.value(QStringLiteral("format")))};
            format = *f;
        }
        if (p.positionalArguments().size() != 1)
            throw UsageProblem{QStringLiteral("expected one RUN")};
        const QString runId = p.positionalArguments().first();
        requireDatabase(db);
        Store store(db);
        requireRun(store, runId);
        Listing listing({QStringLiteral("path"), QStringLiteral("size"), QStringLiteral("sha256"),
                         QStringLiteral("media_type"), QStringLiteral("created"),
                         QStringLiteral("lifecycle")});
        for (const Artifact &a : store.artifacts(runId, p.isSet(QStringLiteral("include-deleted")))) {
            listing.addRow({{QStringLiteral("path"), a.path},
                            {QStringLiteral("size"), double(a.size)},
                            {QStringLiteral("sha256"), a.sha256},
                            {QStringLiteral("media_type"), a.mediaType},
                            {QStringLiteral("created"), format == Format::Table
                                                            ? QJsonValue(display::dateTime(a.createdMs))
                                                            : QJsonValue(double(a.createdMs))},
                            {QStringLiteral("lifecycle"), lifecycleName(a.lifecycle)}});
        }
        listing.write(out(), format);
        return int(Ok);
    });
}

int attachCommand(const QString &db, const QStringList &args)
{
    return guarded(QStringLiteral("attach"), [&] {
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
            return int(Ok);
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
        requireDatabase(db);
        Store store(db);

        catchInterrupt();
        const bool showProgress = stderrIsTerminal();
        QElapsedTimer sinceShown;
        AttachJob::Callbacks callbacks;
        callbacks.cancelled = [] { return interrupted.load(); };
        if (showProgress) {
            callbacks.progress = [&](qint64 done, qint64 total, const QString &current) {
                if (sinceShown.isValid() && sinceShown.elapsed() < AttachJob::ProgressIntervalMs)
                    return;
                sinceShown.start();
                const int percent = total > 0 ? int(done * 100 / total) : 100;
                err() << "\r\033[K"
                      << QStringLiteral("%1% %2 of %3  %4")
                             .arg(percent)
                             .arg(display::bytes(done), display::bytes(total), current);
                err().flush();
            };
        }
        const AttachReport report = AttachJob::attach(store, request, callbacks);
        if (showProgress) {
            err() << "\r\033[K";
            err().flush();
        }
        for (const QString &s : report.skipped)
            err() << "runlens attach: skipped " << s << '\n';
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
                     .arg(report.runId);
        for (const Artifact &a : report.attached)
            out() << "  " << a.path << '\n';
        return int(Ok);
    });
}

int artifactGetCommand(const QString &db, const QStringList &args)
{
    return guarded(QStringLiteral("artifact-get"), [&] {
        QCommandLineParser p;
        p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
        p.addPositionalArgument(QStringLiteral("PATH"),
                                QStringLiteral("Artifact path, or a folder of artifacts ('.' for all)."));
        p.addOption({QStringLiteral("out"),
                     QStringLiteral("Where to write: the file, or for a folder the folder receiving it."),
                     QStringLiteral("F")});
        if (!parse(p, QStringLiteral("artifact-get"),
                   QStringLiteral("Copy an artifact, or a folder of artifacts, out of a run."), args))
            return int(Ok);
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
        requireDatabase(db);
        Store store(db);
        requireRun(store, runId);
        const ArtifactStore objects(store.path());
        catchInterrupt();
        const auto cancelled = [] { return interrupted.load(); };

        std::vector<Artifact> rows = store.artifacts(runId);
        for (const Artifact &a : rows) {
            if (!everything && a.path == *path) {
                // An existing folder receives the file under its own name, as cp does.
                const QString file = QFileInfo(target).isDir()
                                         ? QDir(target).filePath(a.path.section(QLatin1Char('/'), -1))
                                         : target;
                objects.copyObject(a.sha256, file, cancelled);
                out() << QStringLiteral("Wrote %1 (%2)\n").arg(file, display::bytes(a.size));
                return int(Ok);
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
                err() << "runlens artifact-get: skipped '" << a.path << "': not a safe path\n";
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
                     .arg(display::bytes(bytes), target);
        return int(Ok);
    });
}

} // namespace runlens::cli
