// SPDX-License-Identifier: GPL-3.0-or-later
#include "backup.h"

#include "artifactstore.h"
#include "error.h"
#include "store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace runlens {

namespace {

// Removes what an unfinished backup wrote, unless it was handed over.
class Leftovers
{
public:
    Leftovers(QString database, QString artifacts)
        : m_database(std::move(database))
        , m_artifacts(std::move(artifacts))
    {}
    ~Leftovers()
    {
        if (m_keep)
            return;
        QFile::remove(m_database);
        if (!m_artifacts.isEmpty())
            QDir(m_artifacts).removeRecursively();
    }
    void keep() { m_keep = true; }

private:
    QString m_database, m_artifacts;
    bool m_keep = false;
};

} // namespace

BackupSummary backupDatabase(Store &source, const QString &target,
                             const std::function<void(qint64, qint64)> &progress,
                             const std::function<bool()> &cancelled)
{
    const QString database = QFileInfo(target).absoluteFilePath();
    const QString artifacts = ArtifactStore(database).root();
    for (const QString &taken : {database, artifacts}) {
        if (QFileInfo::exists(taken) || QFileInfo(taken).isSymLink())
            throw Error(QStringLiteral("%1 already exists; a backup never replaces anything").arg(taken),
                        Error::Kind::Conflict);
    }
    if (QFileInfo(database) == QFileInfo(source.path()))
        throw Error(QStringLiteral("%1 is the database itself").arg(database), Error::Kind::Conflict);
    // A file named like the -wal, -shm or -journal of a database beside it would be taken for one by SQLite
    // (and reset) the next time that database opens.
    for (const QLatin1String suffix :
         {QLatin1String("-wal"), QLatin1String("-shm"), QLatin1String("-journal")}) {
        if (database.endsWith(suffix) && QFileInfo::exists(database.chopped(suffix.size())))
            throw Error(QStringLiteral("%1 would be taken for the %2 file of %3; choose another name")
                            .arg(database, suffix.mid(1), database.chopped(suffix.size())),
                        Error::Kind::Conflict);
    }
    const QString suffix = QStringLiteral(".partial-%1").arg(QCoreApplication::applicationPid());
    const QString partialDatabase = database + suffix, partialArtifacts = artifacts + suffix;
    Leftovers leftovers(partialDatabase, partialArtifacts);

    source.copyTo(partialDatabase);
    BackupSummary summary;
    QStringList digests;
    {
        // The copy is what is backed up: its own rows say which bytes it needs, and opening it proves it is a
        // whole Runlens database.
        Store copy(partialDatabase, Store::Mode::ReadOnly);
        RunQuery all;
        all.includeDeleted = true;
        summary.runs = copy.countRuns(all);
        digests = copy.artifactDigests();
    }
    const ArtifactStore from(source.path());
    const QString fromRoot = from.root();
    qint64 done = 0;
    for (const QString &digest : digests) {
        if (cancelled && cancelled())
            throw Error(QStringLiteral("backup to %1 cancelled").arg(database));
        const QString object = from.objectPath(digest); // throws on a row whose digest is not one
        if (!QFileInfo::exists(object)) {
            summary.missingObjects << digest;
        } else {
            const QString to = partialArtifacts + object.mid(fromRoot.size());
            from.copyObject(digest, to, cancelled);
            QFile::setPermissions(to,
                                  QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
            summary.bytes += QFileInfo(to).size();
            ++summary.objects;
        }
        if (progress)
            progress(++done, digests.size());
    }
    // The database's name is the last to appear: a backup under TARGET is always whole.
    if (summary.objects > 0 && !QDir().rename(partialArtifacts, artifacts))
        throw Error(QStringLiteral("cannot rename %1 to %2").arg(partialArtifacts, artifacts));
    if (!QFile::rename(partialDatabase, database)) {
        if (summary.objects > 0)
            QDir().rename(artifacts, partialArtifacts); // removed with the rest
        throw Error(QStringLiteral("cannot rename %1 to %2").arg(partialDatabase, database));
    }
    leftovers.keep();
    summary.database = database;
    summary.artifacts = summary.objects > 0 ? artifacts : QString();
    return summary;
}

} // namespace runlens
