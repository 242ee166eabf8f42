// SPDX-License-Identifier: GPL-3.0-or-later
#include "artifactstore.h"

#include "sourcefile.h"

#include "error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QSaveFile>
#include <QTemporaryFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
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

// Opens `file` for reading when it is a regular file. On POSIX the link check and the type check are made on
// what was opened, not on the name beforehand, so that swapping the file for a link or a FIFO between a
// folder walk and the copy changes nothing; O_NONBLOCK keeps the open of a FIFO from waiting for a writer.
void openSource(const QString &file, QFile &in, FileState &state)
{
    livedb::refuseLiveDatabase(file); // closing a descriptor of it would release SQLite's locks
#ifdef Q_OS_UNIX
    const int fd =
        ::open(QFile::encodeName(file).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
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
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray block;
    Stored s;
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

} // namespace runlens
