// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Artifact bytes, stored content-addressed by sha256 in a folder next to the database
// (<database>-artifacts/objects/ab/cdef…), deduplicated. Files are streamed (never whole in memory) and
// land under their final name only when completely written: a failed or cancelled copy leaves nothing behind.

#include <functional>
#include <optional>
#include <QString>

namespace runlens {

class ArtifactStore
{
public:
    explicit ArtifactStore(const QString &databasePath);
    QString root() const { return m_root; }

    struct Stored
    {
        QString sha256; // lowercase hex
        qint64 size = 0;
        bool added = false; // false when identical bytes were already stored
    };
    // Throws Error naming the file on a read or write failure, and when `cancelled` returns true. Only a
    // regular file is read: a symbolic link in the last component is not followed (callers resolve the links
    // they trust), and a FIFO, socket or device is refused without blocking on it. A file that changes while
    // it is copied (its size or modification time moves) is refused too, and nothing is stored.
    // `progress`, when given, gets the bytes copied so far after each block.
    Stored put(const QString &file, const std::function<bool()> &cancelled = {},
               const std::function<void(qint64)> &progress = {});
    QString objectPath(const QString &sha256) const;
    // Copies an object's bytes to `target` (streamed; the file appears under its name only when complete,
    // replacing one that was there). Throws Error naming the problem: not a digest, bytes missing from the
    // store, a read or write failure, or `cancelled` returning true.
    void copyObject(const QString &sha256, const QString &target,
                    const std::function<bool()> &cancelled = {}) const;
    bool contains(const QString &sha256) const;

    // A safe relative artifact path ('/'-separated, no empty, "." or ".." segments, not absolute, no drive or
    // control characters), or nullopt when the path could escape the run's artifact root.
    static std::optional<QString> normalizedPath(const QString &path);
    static QString mediaType(const QString &fileName);

private:
    QString m_root;
};

} // namespace runlens
