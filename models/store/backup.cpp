// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/backup.h"

#include "artifacts/artifactstore.h"
#include "core/error.h"
#include "store/database.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>

namespace runlens {

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
    // What an unfinished backup wrote goes, unless it was handed over under its names.
    auto leftovers = qScopeGuard([&] {
        QFile::remove(partialDatabase);
        QDir(partialArtifacts).removeRecursively();
    });

    source.database().copyTo(partialDatabase);
    BackupSummary summary;
    QStringList digests;
    {
        // The copy is what is backed up: its own rows say which bytes it needs, and opening it proves it is a
        // whole Runlens database.
        Store copy(partialDatabase, Store::Mode::ReadOnly);
        RunQuery all;
        all.includeDeleted = true;
        summary.runs = copy.runs().countRuns(all);
        digests = copy.artifacts().artifactDigests();
    }
    const ArtifactStore from(source.path());
    const QString fromRoot = from.root();
    qint64 done = 0;
    for (const QString &digest : digests) {
        if (cancelled && cancelled())
            throw Error(QStringLiteral("backup to %1 cancelled").arg(database));
        if (!from.contains(digest)) { // false for a row whose digest is not one, too
            summary.missingObjects << digest;
        } else {
            const QString to = partialArtifacts + from.objectPath(digest).mid(fromRoot.size());
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
    leftovers.dismiss();
    summary.database = database;
    summary.artifacts = summary.objects > 0 ? artifacts : QString();
    return summary;
}

} // namespace runlens
