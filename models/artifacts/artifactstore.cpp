// SPDX-License-Identifier: GPL-3.0-or-later
#include "artifacts/artifactstore.h"

#include "core/sourcefile.h"

#include "core/error.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QTemporaryFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#else
#include <QLockFile>
#endif

namespace runlens {

namespace {
constexpr qint64 BlockSize = 1 << 20;

bool isHexDigest(const QString &s)
{
    if (s.size() != 64)
        return false;
    for (QChar c : s) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
              (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

// What tells that a source file changed under a copy: its size and modification time, from the open handle.
struct FileState
{
    qint64 size = -1;
    qint64 mtimeNs = 0;
    bool operator==(const FileState &) const = default;
};

FileState sourceState(QFile &in)
{
    FileState state;
#ifdef Q_OS_UNIX
    struct stat st;
    if (::fstat(in.handle(), &st) == 0) {
        state.size = st.st_size;
#ifdef Q_OS_DARWIN
        state.mtimeNs = qint64(st.st_mtimespec.tv_sec) * 1000000000 + st.st_mtimespec.tv_nsec;
#else
        state.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
#endif
    }
#else
    state.size = in.size();
    state.mtimeNs = in.fileTime(QFileDevice::FileModificationTime).toMSecsSinceEpoch() * 1000000;
#endif
    return state;
}

#ifdef Q_OS_UNIX
// Opens `file`, which lies below the folder `beneath`, one component at a time from that folder, following no
// link on the way: the open fails (ELOOP or ENOTDIR) where a component is a link. Returns the descriptor or
// -1 with errno set.
int openBeneath(const QString &beneath, const QString &file, int flags)
{
    const QString root = QDir::cleanPath(beneath);
    const QString path = QDir::cleanPath(file);
    if (!path.startsWith(root + QLatin1Char('/'))) {
        errno = EXDEV;
        return -1;
    }
    const QStringList parts = path.mid(root.size() + 1).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    int dir = ::open(QFile::encodeName(root).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    for (qsizetype i = 0; dir >= 0 && i < parts.size(); ++i) {
        const bool last = i + 1 == parts.size();
        const int next = ::openat(dir, QFile::encodeName(parts[i]).constData(),
                                  last ? flags : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const int error = errno;
        ::close(dir);
        errno = error;
        dir = next;
    }
    return dir;
}
#endif

// Opens `file` for reading when it is a regular file. On POSIX the link check and the type check are made on
// what was opened, not on the name beforehand, so that swapping the file for a link or a FIFO between a
// folder walk and the copy changes nothing; O_NONBLOCK keeps the open of a FIFO from waiting for a writer.
void openSource(const QString &file, QFile &in, FileState &state, const QString &beneath = {})
{
    livedb::refuseLiveDatabase(file); // closing a descriptor of it would release SQLite's locks
#ifdef Q_OS_UNIX
    const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    const int fd = beneath.isEmpty() ? ::open(QFile::encodeName(file).constData(), flags)
                                     : openBeneath(beneath, file, flags);
    if (fd < 0 && !beneath.isEmpty() && (errno == ELOOP || errno == ENOTDIR || errno == EXDEV))
        throw Error(QStringLiteral("%1: a component below %2 is a symbolic link; links are not followed")
                        .arg(file, beneath));
    if (fd < 0) {
        const int error = errno;
        if (error == ELOOP)
            throw Error(QStringLiteral("%1 is a symbolic link; links are not followed").arg(file));
        throw Error(
            QStringLiteral("cannot read %1: %2").arg(file, QString::fromLocal8Bit(std::strerror(error))));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(QStringLiteral("%1 is not a regular file (a folder, FIFO, socket or device); not copied")
                        .arg(file));
    }
    // Regular files ignore O_NONBLOCK; cleared all the same so that reads mean what they say.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    if (!in.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        throw Error(QStringLiteral("cannot read %1: %2").arg(file, in.errorString()));
    }
#else
    const QFileInfo info(file);
    if (info.isSymLink())
        throw Error(QStringLiteral("%1 is a symbolic link; links are not followed").arg(file));
    if (!info.isFile())
        throw Error(QStringLiteral("%1 is not a regular file; not copied").arg(file));
    in.setFileName(file);
    if (!in.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read %1: %2").arg(file, in.errorString()));
#endif
    state = sourceState(in);
}

// Streams `in` into `out`, hashing it; refuses a source that changed meanwhile (see put()).
ArtifactStore::Stored copyHashed(QFile &in, const FileState &before, QFileDevice &out, const QString &file,
                                 const std::function<bool()> &cancelled,
                                 const std::function<void(qint64)> &progress)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray block;
    ArtifactStore::Stored s;
    while (true) {
        if (cancelled && cancelled())
            throw Error(QStringLiteral("copy of %1 cancelled").arg(file));
        block = in.read(BlockSize);
        if (block.isEmpty()) {
            if (in.error() != QFileDevice::NoError)
                throw Error(QStringLiteral("cannot read %1: %2").arg(file, in.errorString()));
            break;
        }
        hash.addData(block);
        if (out.write(block) != block.size())
            throw Error(QStringLiteral("cannot write a copy of %1: %2").arg(file, out.errorString()));
        s.size += block.size();
        if (progress)
            progress(s.size);
    }
    if (!out.flush())
        throw Error(QStringLiteral("cannot write a copy of %1: %2").arg(file, out.errorString()));
    // Bytes written while the copy was read would make a torn mix of two versions under a digest of neither
    // the old file nor the new one: refuse it, as a copy that failed.
    if (const FileState after = sourceState(in); after != before || after.size != s.size)
        throw Error(QStringLiteral("%1 changed while it was being copied; nothing was stored").arg(file));
    if (out.size() != s.size)
        throw Error(QStringLiteral("cannot write a copy of %1: the copy is %2 bytes, not %3")
                        .arg(file)
                        .arg(out.size())
                        .arg(s.size));
    s.sha256 = QString::fromLatin1(hash.result().toHex());
    return s;
}

// Moves a complete copy to its object name, read-only. False when the rename failed.
bool moveIntoPlace(const QString &copy, const QString &target)
{
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        return false;
    if (!QFile::rename(copy, target))
        return false;
    QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    return true;
}

} // namespace

ArtifactStore::ArtifactStore(const QString &databasePath)
{
    const QFileInfo db(databasePath);
    m_root = db.absolutePath() + QLatin1Char('/') + db.completeBaseName() + QStringLiteral("-artifacts");
}

QString ArtifactStore::objectPath(const QString &sha256) const
{
    if (!isHexDigest(sha256))
        throw Error(QStringLiteral("'%1' is not a sha256 digest").arg(sha256));
    return QStringLiteral("%1/objects/%2/%3").arg(m_root, sha256.left(2), sha256.mid(2));
}

bool ArtifactStore::contains(const QString &sha256) const
{
    return isHexDigest(sha256) && QFileInfo::exists(objectPath(sha256));
}

ArtifactStore::Stored ArtifactStore::put(const QString &file, const std::function<bool()> &cancelled,
                                         const std::function<void(qint64)> &progress)
{
    QFile in;
    FileState before;
    openSource(file, in, before);
    const QString incoming = m_root + QStringLiteral("/incoming");
    if (!QDir().mkpath(incoming))
        throw Error(QStringLiteral("cannot create %1").arg(incoming));
    QTemporaryFile out(incoming + QStringLiteral("/XXXXXX.part"));
    if (!out.open())
        throw Error(QStringLiteral("cannot write in %1: %2").arg(incoming, out.errorString()));
    Stored s = copyHashed(in, before, out, file, cancelled, progress);
    const QString target = objectPath(s.sha256);
    if (QFileInfo::exists(target))
        return s; // deduplicated; the temporary copy is removed with `out`
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        throw Error(QStringLiteral("cannot create %1").arg(QFileInfo(target).absolutePath()));
    out.close();
    if (!out.rename(target)) {
        if (QFileInfo::exists(target)) // another writer stored the same bytes meanwhile
            return s;
        throw Error(QStringLiteral("cannot store %1: %2").arg(file, out.errorString()));
    }
    out.setAutoRemove(false);
    QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    s.added = true;
    return s;
}

void ArtifactStore::copyObject(const QString &sha256, const QString &target,
                               const std::function<bool()> &cancelled) const
{
    const QString source = objectPath(sha256);
    QFile in(source);
    if (!in.exists())
        throw Error(
            QStringLiteral("the bytes of %1 are missing from the artifact store (%2)").arg(sha256, source),
            Error::Kind::NotFound);
    if (!in.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read %1: %2").arg(source, in.errorString()));
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        throw Error(QStringLiteral("cannot create %1").arg(QFileInfo(target).absolutePath()));
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("cannot write %1: %2").arg(target, out.errorString()));
    while (true) {
        if (cancelled && cancelled()) {
            out.cancelWriting();
            throw Error(QStringLiteral("copy to %1 cancelled").arg(target));
        }
        const QByteArray block = in.read(BlockSize);
        if (block.isEmpty()) {
            if (in.error() != QFileDevice::NoError)
                throw Error(QStringLiteral("cannot read %1: %2").arg(source, in.errorString()));
            break;
        }
        if (out.write(block) != block.size())
            throw Error(QStringLiteral("cannot write %1: %2").arg(target, out.errorString()));
    }
    if (!out.commit())
        throw Error(QStringLiteral("cannot write %1: %2").arg(target, out.errorString()));
}

std::optional<QString> ArtifactStore::normalizedPath(const QString &path)
{
    QString p = path;
    p.replace(QLatin1Char('\\'), QLatin1Char('/'));
    if (p.isEmpty() || p.startsWith(QLatin1Char('/')) || (p.size() > 1 && p[1] == QLatin1Char(':')))
        return std::nullopt;
    for (QChar c : p) {
        if (c.category() == QChar::Other_Control)
            return std::nullopt;
    }
    const QStringList parts = p.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return std::nullopt;
    for (const QString &part : parts) {
        if (part == QLatin1String("..") || part == QLatin1String("."))
            return std::nullopt;
    }
    return parts.join(QLatin1Char('/'));
}

QString ArtifactStore::mediaType(const QString &fileName)
{
    static const QMimeDatabase db;
    // MLflow's model and project descriptions are YAML without an extension.
    const QString base = fileName.section(QLatin1Char('/'), -1);
    if (base == QLatin1String("MLmodel") || base == QLatin1String("MLproject"))
        return db.mimeTypeForName(QStringLiteral("application/x-yaml")).name();
    return db.mimeTypeForFile(fileName, QMimeDatabase::MatchExtension).name();
}

namespace {
const QString StagingFolder = QStringLiteral("staging");
const QString LockName = QStringLiteral("lock");
const QString RecordName = QStringLiteral("publishing"); // the objects a publish() is moving into the store
// A staging folder is created first and locked a moment later: one without its lock file is taken for a
// dead writer's only when it is older than this.
constexpr qint64 UnlockedFolderGraceMs = 60 * 1000;
// ArtifactStore::put's temporary copies (incoming/*.part) are rewritten while they are copied; one untouched
// for this long belongs to a writer that is gone.
constexpr qint64 AbandonedCopyMs = 60 * 60 * 1000;

QStringList readRecord(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList shas;
    // A record cut short by a kill is partly written before any object moved: whole lines only, digests only.
    for (const QByteArray &line : f.read(64 << 20).split('\n')) {
        const QString sha = QString::fromLatin1(line);
        if (isHexDigest(sha))
            shas << sha;
    }
    return shas;
}

// Removes the objects among `shas` that no artifact row names. Under the write lock: see ArtifactStaging.
void collectUnused(Store &store, const ArtifactStore &objects, const QStringList &shas)
{
    if (shas.isEmpty())
        return;
    Store::Transaction tx(store);
    for (const QString &sha : shas) {
        if (!store.artifacts().isArtifactObjectUsed(sha))
            QFile::remove(objects.objectPath(sha));
    }
    tx.commit();
}
} // namespace

// The lock a staging folder's writer holds while it lives. flock() on a file of the staging folder itself,
// never on the database: a close() of any descriptor of the database elsewhere in the process would drop
// POSIX locks on it, SQLite's included. flock() locks belong to the open file, so two writers of one process
// exclude each other too, and a child process started later does not inherit it (O_CLOEXEC).
class ArtifactStaging::FolderLock
{
public:
    enum class Result { Locked, Busy, Missing };
    ~FolderLock() { release(); }

    Result acquire(const QString &file, bool create)
    {
#ifdef Q_OS_UNIX
        m_fd = ::open(QFile::encodeName(file).constData(),
                      O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
        if (m_fd < 0)
            return errno == ENOENT ? Result::Missing : Result::Busy;
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            release();
            return Result::Busy;
        }
        return Result::Locked;
#else
        if (!create && !QFileInfo::exists(file))
            return Result::Missing;
        m_lock = std::make_unique<QLockFile>(file);
        m_lock->setStaleLockTime(0); // stale only when its owner process is gone
        if (!m_lock->tryLock(0)) {
            m_lock.reset();
            return Result::Busy;
        }
        return Result::Locked;
#endif
    }

    // Whether `file` is still the file this lock holds: a sweep may have removed the folder between its
    // creation and the lock.
    bool holds(const QString &file) const
    {
#ifdef Q_OS_UNIX
        struct stat held, named;
        return m_fd >= 0 && ::fstat(m_fd, &held) == 0 &&
               ::stat(QFile::encodeName(file).constData(), &named) == 0 && held.st_dev == named.st_dev &&
               held.st_ino == named.st_ino;
#else
        return m_lock && QFileInfo::exists(file);
#endif
    }

    void release()
    {
#ifdef Q_OS_UNIX
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
#else
        m_lock.reset();
#endif
    }

private:
#ifdef Q_OS_UNIX
    int m_fd = -1;
#else
    std::unique_ptr<QLockFile> m_lock;
#endif
};

ArtifactStaging::ArtifactStaging(Store &store)
    : m_store(store)
    , m_objects(store.path())
{}

ArtifactStaging::~ArtifactStaging()
{
    if (m_dir.isEmpty())
        return;
    try {
        discard();
    } catch (...) {
        // The database could not be locked to take the published objects back: the folder and its record
        // stay, and the next sweep does it once this writer's lock is free.
        m_lock->release();
        return;
    }
    removeFolder();
}

void ArtifactStaging::ensureFolder()
{
    if (!m_dir.isEmpty())
        return;
    const QString parent = m_objects.root() + QLatin1Char('/') + StagingFolder;
    if (!QDir().mkpath(parent))
        throw Error(QStringLiteral("cannot create %1").arg(parent));
    for (int attempt = 0; attempt < 8; ++attempt) {
        const QString dir = QStringLiteral("%1/%2-%3")
                                .arg(parent)
                                .arg(QCoreApplication::applicationPid())
                                .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
        if (!QDir().mkdir(dir))
            continue;
        auto lock = std::make_unique<FolderLock>();
        const QString lockFile = dir + QLatin1Char('/') + LockName;
        if (lock->acquire(lockFile, true) == FolderLock::Result::Locked && lock->holds(lockFile)) {
            m_dir = dir;
            m_lock = std::move(lock);
            return;
        }
        lock.reset();
        QDir(dir).removeRecursively();
    }
    throw Error(QStringLiteral("cannot create a staging folder in %1").arg(parent));
}

void ArtifactStaging::removeFolder()
{
    QDir(m_dir).removeRecursively(); // the lock file too, while it is still held
    m_lock.reset();
    m_dir.clear();
    m_staged.clear();
    m_published.clear();
    m_replaced.clear();
}

ArtifactStore::Stored ArtifactStaging::put(const QString &file, const std::function<bool()> &cancelled,
                                           const std::function<void(qint64)> &progress,
                                           const QString &beneath)
{
    QFile in;
    FileState before;
    openSource(file, in, before, beneath);
    ensureFolder();
    const QString part = QStringLiteral("%1/%2.part").arg(m_dir).arg(++m_next);
    QFile out(part);
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        throw Error(QStringLiteral("cannot write in %1: %2").arg(m_dir, out.errorString()));
    ArtifactStore::Stored s;
    try {
        s = copyHashed(in, before, out, file, cancelled, progress);
        out.close();
    } catch (...) {
        out.remove();
        throw;
    }
    if (m_staged.contains(s.sha256)) { // the same bytes twice in one batch
        QFile::remove(part);
        return s;
    }
    // Bytes already stored and named by a row are used as they are; the copy is kept otherwise (the object
    // may be one a dead writer published without rows, which a sweep removes before this publishes).
    const QString target = m_objects.objectPath(s.sha256);
    if (QFileInfo::exists(target) && m_store.artifacts().isArtifactObjectUsed(s.sha256)) {
        QFile::remove(part);
        m_staged.insert(s.sha256, QString());
        return s;
    }
    const QString staged = m_dir + QLatin1Char('/') + s.sha256;
    if (!QFile::rename(part, staged)) {
        QFile::remove(part);
        throw Error(QStringLiteral("cannot write a copy of %1 in %2").arg(file, m_dir));
    }
    m_staged.insert(s.sha256, staged);
    s.added = !QFileInfo::exists(target);
    return s;
}

void ArtifactStaging::replaces(const QString &sha256)
{
    if (!isHexDigest(sha256) || m_replaced.contains(sha256))
        return;
    ensureFolder(); // the record of what to collect lives there
    m_replaced << sha256;
}

int ArtifactStaging::publish()
{
    if (m_staged.isEmpty() && m_replaced.isEmpty())
        return 0;
    // Within the caller's transaction this is a savepoint; alone it takes the write lock for its moves.
    Store::Transaction tx(m_store);
    QStringList moving;
    for (auto it = m_staged.cbegin(); it != m_staged.cend(); ++it) {
        const QString target = m_objects.objectPath(it.key());
        if (QFileInfo::exists(target))
            continue;
        if (it.value().isEmpty())
            throw Error(
                QStringLiteral("the stored bytes of %1 went missing meanwhile; try again").arg(it.key()),
                Error::Kind::NotFound);
        moving << it.key();
    }
    if (!moving.isEmpty() || !m_replaced.isEmpty()) {
        // Written before the first move: a kill from here on leaves the sweep a list of what to take back
        // (and of the bytes the new rows replace, unused once they commit).
        QFile record(m_dir + QLatin1Char('/') + RecordName);
        const QByteArray text = (moving + m_replaced).join(QLatin1Char('\n')).toLatin1() + '\n';
        if (!record.open(QIODevice::WriteOnly | QIODevice::Append) || record.write(text) != text.size() ||
            !record.flush())
            throw Error(QStringLiteral("cannot write in %1: %2").arg(m_dir, record.errorString()));
    }
    for (const QString &sha : std::as_const(moving)) {
        const QString target = m_objects.objectPath(sha);
        if (!moveIntoPlace(m_staged.value(sha), target))
            throw Error(QStringLiteral("cannot move %1 into %2").arg(m_staged.value(sha), target));
        m_published << sha;
    }
    tx.commit();
    return int(moving.size());
}

void ArtifactStaging::committed()
{
    if (m_dir.isEmpty())
        return;
    bool recordDone = true;
    try {
        collectUnused(m_store, m_objects, m_replaced);
    } catch (const Error &) {
        recordDone = false; // the database is busy: the record stays, and a sweep collects them later
    }
    m_replaced.clear();
    if (recordDone)
        QFile::remove(m_dir + QLatin1Char('/') + RecordName);
    m_published.clear();
    for (const QString &copy : std::as_const(m_staged)) {
        if (!copy.isEmpty())
            QFile::remove(copy); // bytes that were already stored
    }
    m_staged.clear();
}

void ArtifactStaging::discard()
{
    if (m_dir.isEmpty())
        return;
    collectUnused(m_store, m_objects, m_published);
    m_replaced.clear(); // rolled back: the old rows still name them
    committed();
}

int ArtifactStaging::sweep(Store &store)
{
    const ArtifactStore objects(store.path());
    const QDir staging(objects.root() + QLatin1Char('/') + StagingFolder);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    int removed = 0;
    if (staging.exists()) {
        for (const QFileInfo &folder :
             staging.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System)) {
            if (folder.isSymLink())
                continue; // not made by a writer; never followed
            FolderLock lock;
            const QString lockFile = folder.filePath() + QLatin1Char('/') + LockName;
            const FolderLock::Result r = lock.acquire(lockFile, false);
            if (r == FolderLock::Result::Busy)
                continue; // its writer lives
            if (r == FolderLock::Result::Missing &&
                now - folder.lastModified().toMSecsSinceEpoch() < UnlockedFolderGraceMs)
                continue; // being created right now
            try {
                collectUnused(store, objects, readRecord(folder.filePath() + QLatin1Char('/') + RecordName));
            } catch (const Error &) {
                continue; // the database is busy or read-only: next time
            }
            if (QDir(folder.filePath()).removeRecursively())
                ++removed;
        }
    }
    // Copies ArtifactStore::put (and Runlens before staging) left when killed.
    QDirIterator parts(objects.root() + QStringLiteral("/incoming"), {QStringLiteral("*.part")},
                       QDir::Files | QDir::Hidden);
    while (parts.hasNext()) {
        const QFileInfo part(parts.next());
        if (now - part.lastModified().toMSecsSinceEpoch() > AbandonedCopyMs)
            QFile::remove(part.filePath());
    }
    return removed;
}

} // namespace runlens
