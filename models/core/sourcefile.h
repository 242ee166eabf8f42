// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reading files from elsewhere without harming the databases this process has open.
//
// POSIX advisory locks belong to a process and a file, not to a descriptor: closing *any* descriptor of a
// file releases every lock the process holds on it, SQLite's included. A second process may then believe it
// is the last user of a database, checkpoint it and delete its -wal and -shm while this process still uses
// them (sqlite.org, "How To Corrupt An SQLite Database File", 2.2). So nothing but SQLite may open a database
// file this process has open, or its -wal, -shm or -journal. Every Store registers its file here, and every
// reader of outside files (importers, attach) opens them through SourceFile or checks refuseLiveDatabase()
// first.

#include <optional>
#include <QFile>

namespace runlens {

namespace livedb {

// Registers `path` (a database file SQLite has open in this process) for as long as the returned guard lives.
class Registration
{
public:
    Registration() = default;
    explicit Registration(const QString &path);
    ~Registration();
    Registration(Registration &&other) noexcept;
    Registration &operator=(Registration &&other) noexcept;
    Registration(const Registration &) = delete;
    Registration &operator=(const Registration &) = delete;

private:
    qint64 m_id = 0;
};

// The database this process has open that `path` is (the file itself or its -wal, -shm or -journal, found by
// device and inode, so through links and other names too); nullopt when it is none. Only stat(2) is used.
std::optional<QString> databaseOf(const QString &path);

// Throws Error naming `path` and the database when databaseOf(path) finds one.
void refuseLiveDatabase(const QString &path);

} // namespace livedb

// A file from elsewhere, opened for reading. open() fails, with an error string saying why, when the file is
// a database this process has open (livedb::databaseOf); otherwise it is QFile::open.
class SourceFile : public QFile
{
public:
    using QFile::QFile;
    bool open(OpenMode mode) override;
    using QFile::open;
};

// The whole of a small file from elsewhere, opened as a SourceFile and read at most `limit` + 1 bytes: its
// bytes, or why not. TooLarge also when the file grew past `limit` while it was read.
struct BoundedRead
{
    enum class Problem { None, Unreadable, TooLarge };
    QByteArray data;
    Problem problem = Problem::None;
    QString error; // the system's reason when Unreadable
};
BoundedRead readBounded(const QString &path, qint64 limit);

// The 1-based line of a byte offset into data (a parser's error offset), clamped to the data.
qint64 lineOfOffset(const QByteArray &data, qsizetype offset);

} // namespace runlens
