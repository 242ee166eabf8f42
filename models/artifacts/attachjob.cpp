// SPDX-License-Identifier: GPL-3.0-or-later
#include "artifacts/attachjob.h"

#include "core/error.h"
#include "store/store.h"

#include <algorithm>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace runlens {

namespace {

// Deeper folders are left out: a tree this deep is a mistake or a trap, and the walk must end.
constexpr int MaxDepth = 256;

struct Planned
{
    QString source; // the file to read: never a link (links inside the folder are resolved here)
    QString path;   // the artifact path, normalised
    qint64 size = 0;
};

class Planner
{
public:
    explicit Planner(const std::function<bool()> &cancelled)
        : m_cancelled(cancelled)
    {}

    void addTopLevel(const QString &given, const QString &destination)
    {
        const QFileInfo info(given);
        if (!info.exists() && !info.isSymLink())
            throw Error(QStringLiteral("%1 does not exist").arg(QDir::toNativeSeparators(given)));
        // A path the person named is taken as meant, link or not; only what lies inside a dropped folder
        // is held to that folder.
        const QString real = info.canonicalFilePath();
        if (real.isEmpty())
            throw Error(QStringLiteral("%1 is a broken or looping symbolic link")
                            .arg(QDir::toNativeSeparators(given)));
        QString name = QFileInfo(QDir::cleanPath(given)).fileName();
        if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String(".."))
            name = QFileInfo(real).fileName();
        if (name.isEmpty())
            throw Error(QStringLiteral("cannot attach %1: name a folder below it").arg(real));
        const QString top = destination.isEmpty() ? name : destination + QLatin1Char('/') + name;
        const QFileInfo target(real);
        if (target.isDir()) {
            if (!target.isReadable() || !target.isExecutable())
                throw Error(QStringLiteral("cannot read the folder %1: permission denied")
                                .arg(QDir::toNativeSeparators(given)));
            walk(real, top);
        } else if (target.isFile()) {
            addFile(real, top, given);
        } else {
            throw Error(QStringLiteral("%1 is not a regular file or folder (a FIFO, socket or device)")
                            .arg(QDir::toNativeSeparators(given)));
        }
    }

    std::vector<Planned> files;
    QStringList skipped;
    qint64 total = 0;

private:
    void skip(const QString &path, const QString &reason)
    {
        skipped << QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), reason);
    }

    void addFile(const QString &source, const QString &path, const QString &shown)
    {
        const std::optional<QString> normalized = ArtifactStore::normalizedPath(path);
        if (!normalized) {
            skip(shown, QStringLiteral("the name cannot be an artifact path; skipped"));
            return;
        }
        const QFileInfo info(source);
        if (!info.isReadable())
            throw Error(
                QStringLiteral("cannot read %1: permission denied").arg(QDir::toNativeSeparators(shown)));
        const auto taken = m_paths.constFind(*normalized);
        if (taken != m_paths.constEnd())
            throw Error(QStringLiteral("%1 and %2 would both be attached as '%3'; attach them separately "
                                       "with --as, or rename one")
                            .arg(QDir::toNativeSeparators(taken.value()), QDir::toNativeSeparators(shown),
                                 *normalized));
        m_paths.insert(*normalized, shown);
        files.push_back({source, *normalized, info.size()});
        total += info.size();
    }

    // Every file below `root` (a real folder, no link), depth first in name order. Links are followed only
    // to files inside `root`; links to folders never (their files are reached where they really are), so
    // neither a loop nor a link out of the folder can be walked.
    void walk(const QString &root, const QString &top)
    {
        struct Pending
        {
            QString dir;
            QString rel;
            int depth;
        };
        const QString inside = root + QLatin1Char('/');
        QSet<QString> seen{root}; // bind mounts can loop without any link
        std::vector<Pending> stack{{root, top, 0}};
        while (!stack.empty()) {
            if (m_cancelled && m_cancelled())
                return;
            const Pending p = stack.back();
            stack.pop_back();
            const QFileInfoList entries = QDir(p.dir).entryInfoList(
                QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
            for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
                const QFileInfo &fi = *it;
                const QString rel = p.rel + QLatin1Char('/') + fi.fileName();
                if (fi.isSymLink()) {
                    const QString target = fi.canonicalFilePath();
                    if (target.isEmpty()) {
                        skip(fi.filePath(), QStringLiteral("broken or looping symbolic link; skipped"));
                    } else if (!target.startsWith(inside)) {
                        skip(fi.filePath(),
                             QStringLiteral("symbolic link to %1, outside %2; not followed")
                                 .arg(QDir::toNativeSeparators(target), QDir::toNativeSeparators(root)));
                    } else if (QFileInfo(target).isDir()) {
                        skip(fi.filePath(), QStringLiteral("symbolic link to a folder; not followed (its "
                                                           "files are attached where they are)"));
                    } else if (QFileInfo(target).isFile()) {
                        addFile(target, rel, fi.filePath());
                    } else {
                        skip(fi.filePath(), QStringLiteral("link to a FIFO, socket or device; skipped"));
                    }
                } else if (fi.isDir()) {
                    const QString real = fi.canonicalFilePath();
                    if (!fi.isReadable() || !fi.isExecutable())
                        throw Error(QStringLiteral("cannot read the folder %1: permission denied")
                                        .arg(QDir::toNativeSeparators(fi.filePath())));
                    if (p.depth + 1 >= MaxDepth)
                        skip(fi.filePath(),
                             QStringLiteral("more than %1 folders deep; skipped").arg(MaxDepth));
                    else if (real.isEmpty() || seen.contains(real))
                        skip(fi.filePath(), QStringLiteral("folder already walked (a mount loop); skipped"));
                    else {
                        seen.insert(real);
                        stack.push_back({fi.absoluteFilePath(), rel, p.depth + 1});
                    }
                } else if (fi.isFile()) {
                    addFile(fi.absoluteFilePath(), rel, fi.filePath());
                } else {
                    skip(fi.filePath(),
                         QStringLiteral("not a regular file (a FIFO, socket or device); skipped"));
                }
            }
        }
    }

    std::function<bool()> m_cancelled;
    QHash<QString, QString> m_paths; // artifact path -> the file shown in messages
};

} // namespace

AttachReport AttachJob::attach(Store &store, const AttachRequest &request, const Callbacks &callbacks)
{
    const auto cancelled = [&callbacks] { return callbacks.cancelled && callbacks.cancelled(); };
    AttachReport report;
    report.runId = request.runId;
    if (request.paths.isEmpty())
        throw Error(QStringLiteral("nothing to attach"));
    if (!store.runs().run(request.runId))
        throw Error(QStringLiteral("no run with id '%1'").arg(request.runId), Error::Kind::NotFound);
    QString destination;
    if (!request.destination.isEmpty()) {
        const std::optional<QString> d = ArtifactStore::normalizedPath(request.destination);
        if (!d)
            throw Error(QStringLiteral("'%1' cannot be a folder of the run's artifacts: it must be relative, "
                                       "without '..' or '.' segments")
                            .arg(request.destination));
        destination = *d;
    }

    Planner planner(callbacks.cancelled);
    for (const QString &path : request.paths) {
        if (cancelled())
            break;
        planner.addTopLevel(path, destination);
    }
    report.skipped = planner.skipped;
    // Copied in path order: progress reads like a listing, and the rows come out sorted.
    std::sort(planner.files.begin(), planner.files.end(),
              [](const Planned &a, const Planned &b) { return a.path < b.path; });
    if (cancelled()) {
        report.cancelled = true;
        return report;
    }

    // What killed or failed writers left in the artifact store goes first (never a live writer's copies).
    ArtifactStaging::sweep(store);
    // Copies wait in a staging folder and enter the store only with the rows' commit: a cancel, a failure
    // or a kill at any point leaves no object that no row names.
    ArtifactStaging staging(store);
    std::vector<Artifact> rows;
    qint64 done = 0;
    const qint64 createdMs = QDateTime::currentMSecsSinceEpoch();
    try {
        for (const Planned &f : planner.files) {
            if (cancelled())
                break;
            if (callbacks.progress)
                callbacks.progress(done, planner.total, f.path);
            const ArtifactStore::Stored s = staging.put(f.source, callbacks.cancelled, [&](qint64 bytes) {
                if (callbacks.progress)
                    callbacks.progress(done + bytes, planner.total, f.path);
            });
            done += s.size;
            report.bytes += s.size;
            rows.push_back(
                {f.path, s.size, s.sha256, ArtifactStore::mediaType(f.path), createdMs, Lifecycle::Active});
        }
    } catch (const Error &) {
        if (!cancelled())
            throw;
    }
    if (cancelled())
        return AttachReport{request.runId, {}, 0, 0, report.skipped, true};
    {
        Store::Transaction tx(store);
        // A file attached again at its path replaces the row: its old bytes go once nothing names them.
        QHash<QString, QString> before;
        for (const Artifact &a : store.artifacts().artifacts(request.runId, true))
            before.insert(a.path, a.sha256);
        for (const Artifact &a : rows) {
            if (const QString old = before.value(a.path); !old.isEmpty() && old != a.sha256)
                staging.replaces(old);
            store.artifacts().addArtifact(request.runId, a);
        }
        report.objectsAdded = staging.publish();
        tx.commit();
    }
    staging.committed();
    report.attached = std::move(rows);
    return report;
}

AttachJob::AttachJob(const QString &databasePath, AttachRequest request, QObject *parent)
    : QObject(parent)
    , m_databasePath(databasePath)
    , m_request(std::move(request))
{
    qRegisterMetaType<runlens::AttachReport>();
}

AttachJob::~AttachJob()
{
    if (m_thread) {
        *m_cancel = true;
        m_thread->wait();
    }
}

void AttachJob::start()
{
    if (m_thread)
        return;
    m_thread.reset(QThread::create([this] { work(); }));
    m_thread->setObjectName(QStringLiteral("runlens-attach"));
    m_thread->start();
}

void AttachJob::cancel()
{
    *m_cancel = true;
}

bool AttachJob::isRunning() const
{
    return m_thread && !m_done;
}

void AttachJob::post(std::function<void()> f)
{
    // Queued to this object's thread; a job destroyed first has waited for its thread, and Qt drops the
    // pending call with the object.
    QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
}

// Runs on m_thread. Reads only what does not change after start(): the request, the path, the cancel flag.
void AttachJob::work()
{
    QElapsedTimer sinceSignal;
    Callbacks callbacks;
    callbacks.cancelled = [cancel = m_cancel] { return cancel->load(); };
    callbacks.progress = [this, &sinceSignal](qint64 done, qint64 total, const QString &current) {
        const bool last = done >= total;
        if (!last && sinceSignal.isValid() && sinceSignal.elapsed() < ProgressIntervalMs)
            return;
        sinceSignal.start();
        post([this, done, total, current] { Q_EMIT progress(done, total, current); });
    };
    try {
        Store store(m_databasePath);
        const AttachReport report = attach(store, m_request, callbacks);
        post([this, report] {
            m_done = true;
            Q_EMIT finished(report);
        });
    } catch (const Error &e) {
        post([this, message = e.message()] {
            m_done = true;
            Q_EMIT failed(message);
        });
    } catch (const std::exception &e) {
        post([this, message = QString::fromUtf8(e.what())] {
            m_done = true;
            Q_EMIT failed(message);
        });
    }
}

} // namespace runlens
