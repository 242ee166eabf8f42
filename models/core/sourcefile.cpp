// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sourcefile.h"

#include "core/error.h"

#include <algorithm>
#include <mutex>
#include <sys/stat.h>
#include <utility>
#include <vector>

namespace runlens {

namespace livedb {

namespace {

struct Entry
{
    qint64 id;
    QString path;
};

std::mutex registryMutex;
std::vector<Entry> registry;
qint64 lastId = 0;

struct FileId
{
    dev_t device;
    ino_t inode;
    bool operator==(const FileId &) const = default;
};

std::optional<FileId> fileId(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt;
    return FileId{st.st_dev, st.st_ino};
}

} // namespace

Registration::Registration(const QString &path)
{
    const std::lock_guard lock(registryMutex);
    m_id = ++lastId;
    registry.push_back({m_id, path});
}

Registration::~Registration()
{
    if (m_id == 0)
        return;
    const std::lock_guard lock(registryMutex);
    std::erase_if(registry, [this](const Entry &e) { return e.id == m_id; });
}

Registration::Registration(Registration &&other) noexcept
    : m_id(std::exchange(other.m_id, 0))
{}

Registration &Registration::operator=(Registration &&other) noexcept
{
    Registration gone(std::move(*this));
    m_id = std::exchange(other.m_id, 0);
    return *this;
}

std::optional<QString> databaseOf(const QString &path)
{
    std::vector<QString> paths;
    {
        const std::lock_guard lock(registryMutex);
        if (registry.empty())
            return std::nullopt;
        for (const Entry &e : registry) {
            if (std::find(paths.begin(), paths.end(), e.path) == paths.end())
                paths.push_back(e.path);
        }
    }
    const std::optional<FileId> candidate = fileId(path);
    if (!candidate)
        return std::nullopt;
    for (const QString &db : paths) {
        for (const char *suffix : {"", "-wal", "-shm", "-journal"}) {
            if (fileId(db + QLatin1String(suffix)) == candidate)
                return db;
        }
    }
    return std::nullopt;
}

void refuseLiveDatabase(const QString &path)
{
    if (const std::optional<QString> db = databaseOf(path)) {
        throw Error(
            QStringLiteral("%1 is part of the database %2, which Runlens has open; it is not read as a "
                           "file (that would release SQLite's locks on it)")
                .arg(path, *db));
    }
}

} // namespace livedb

bool SourceFile::open(OpenMode mode)
{
    if (const std::optional<QString> db = livedb::databaseOf(fileName())) {
        setErrorString(QStringLiteral("it is part of the database %1, which Runlens has open").arg(*db));
        return false;
    }
    return QFile::open(mode);
}

BoundedRead readBounded(const QString &path, qint64 limit)
{
    BoundedRead out;
    SourceFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        out.problem = BoundedRead::Problem::Unreadable;
        out.error = f.errorString();
        return out;
    }
    if (f.size() > limit) {
        out.problem = BoundedRead::Problem::TooLarge;
        return out;
    }
    out.data = f.read(limit + 1);
    if (f.error() != QFileDevice::NoError) {
        out.problem = BoundedRead::Problem::Unreadable;
        out.error = f.errorString();
        out.data.clear();
    } else if (out.data.size() > limit) {
        out.problem = BoundedRead::Problem::TooLarge;
        out.data.clear();
    }
    return out;
}

qint64 lineOfOffset(const QByteArray &data, qsizetype offset)
{
    return 1 + data.left(std::clamp<qsizetype>(offset, 0, data.size())).count('\n');
}

} // namespace runlens
