// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Artifact bytes, stored content-addressed by sha256 in a folder next to the database
// (<database>-artifacts/objects/ab/cdef…), deduplicated. Files are streamed (never whole in memory) and
// land under their final name only when completely written: a failed or cancelled copy leaves nothing behind.
// Writers that add rows copy through an ArtifactStaging (below), so that no object outlives a failed,
// cancelled or killed writer without a row naming it.

#include <functional>
#include <memory>
#include <optional>
#include <QHash>
#include <QString>
#include <QStringList>

namespace runlens {

class Store;

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
    // The object lands in the store at once, named by no row: callers that write rows use ArtifactStaging.
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

// One writer's copies on their way into the ArtifactStore (an attach, one imported run): the bytes are
// copied into a folder of the writer's own (<store>/staging/<pid>-<random>/, on the objects' filesystem) and
// moved into objects/ only inside the write transaction that adds the rows naming them. The folder holds a
// `lock` file that its writer keeps locked (flock) while it lives; the kernel drops that lock however the
// process ends, kill -9 included, so sweep() can tell a dead writer's folder from a live one's (a pid alone
// could be reused) and remove it, together with any object it moved in without the rows' commit.
//
// Why it is safe beside other processes: objects enter objects/ (publish) and leave it (discard, sweep) only
// while their process holds the database's write lock, so an object seen unused by a sweep cannot gain a row
// before it is removed, and a writer that finds bytes already stored uses them in the same locked step.
class ArtifactStaging
{
public:
    explicit ArtifactStaging(Store &store);
    // Whatever was not committed goes: staged copies, and objects published by a transaction that did not
    // commit (when the database cannot be locked for that, the folder stays for the next sweep).
    ~ArtifactStaging();
    ArtifactStaging(const ArtifactStaging &) = delete;
    ArtifactStaging &operator=(const ArtifactStaging &) = delete;

    // Copies `file` into the staging folder (created at the first call), with ArtifactStore::put's rules and
    // errors. When `beneath` is given, `file` must lie below that folder and every component between them
    // is opened without following a link (openat, O_NOFOLLOW): a folder swapped for a link after the caller
    // walked the tree cannot lead the copy elsewhere. `added` tells whether the bytes were new at the time.
    ArtifactStore::Stored put(const QString &file, const std::function<bool()> &cancelled = {},
                              const std::function<void(qint64)> &progress = {}, const QString &beneath = {});
    // The rows being written replace rows that named these bytes (the same path again): once they commit,
    // the bytes are removed when no row names them any more.
    void replaces(const QString &sha256);
    // Moves the staged objects into the store (bytes already there are used as they are); call it inside the
    // Store::Transaction that adds the rows naming them, just before its commit. Returns how many objects
    // were new. Throws Error naming the problem (a rename that failed, stored bytes that vanished).
    int publish();
    // After that transaction committed: the published objects belong to the rows now, and replaced bytes
    // that nothing names go. The staging can be used again.
    void committed();
    // After that transaction was rolled back (or instead of it): the objects it published that no row names
    // are removed again, under the database's write lock; staged copies are dropped.
    void discard();

    // Removes the staging folders of writers that are gone (their lock is free) and the objects they
    // published without a commit, and leftover temporary copies of ArtifactStore::put more than an hour old.
    // Folders of live writers, in this process or others, are left alone. Errors are not thrown: what
    // cannot be removed now is left for the next sweep. Returns how many folders were removed.
    static int sweep(Store &store);

private:
    class FolderLock;
    void ensureFolder();
    void removeFolder();

    Store &m_store;
    ArtifactStore m_objects;
    QString m_dir;
    std::unique_ptr<FolderLock> m_lock;
    // sha256 -> the staged copy, or empty when bytes already stored (and named by a row) are used
    QHash<QString, QString> m_staged;
    QStringList m_published; // objects moved into the store by publish(), not yet committed
    QStringList m_replaced;  // objects named by rows the new ones replace
    int m_next = 0;          // names the temporary copies
};

} // namespace runlens
