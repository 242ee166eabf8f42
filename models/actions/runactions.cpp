// SPDX-License-Identifier: GPL-3.0-or-later
#include "actions/runactions.h"

#include "itemmodels/runcolors.h"
#include "store/store.h"

#include <memory>

namespace runlens {

void RunActions::writeRun(const QString &runId, Change change, const QString &what,
                          std::function<void(Store &)> job, std::function<void()> succeeded)
{
    write(what, std::move(job), std::move(succeeded),
          [this, runId, change, what](const QString &why) { Q_EMIT runFailed(runId, change, what, why); });
}

void RunActions::rename(const QString &runId, const QString &name)
{
    writeRun(
        runId, Change::Rename, tr("rename the run"),
        [runId, name](Store &store) { store.runs().setRunName(runId, name); },
        [this, runId, name] { Q_EMIT renamed(runId, name); });
}

void RunActions::setDescription(const QString &runId, const QString &markdown)
{
    writeRun(
        runId, Change::Description, tr("save the notes"),
        [runId, markdown](Store &store) { store.runs().setRunDescription(runId, markdown); },
        [this, runId, markdown] { Q_EMIT descriptionSaved(runId, markdown); });
}

void RunActions::setStarred(const QString &runId, bool starred)
{
    writeRun(
        runId, Change::Star, starred ? tr("star the run") : tr("unstar the run"),
        [runId, starred](Store &store) { store.runs().setRunStarred(runId, starred); },
        [this, runId, starred] { Q_EMIT starredChanged(runId, starred); });
}

void RunActions::setRunsStarred(const QStringList &runIds, bool starred)
{
    write(
        tr("change the runs"),
        [runIds, starred](Store &store) { store.runs().setRunsStarred(runIds, starred); },
        [this, runIds, starred] { Q_EMIT runsStarredChanged(runIds, starred); });
}

void RunActions::setRunsDeleted(const QStringList &runIds, bool deleted)
{
    write(
        tr("change the runs"),
        [runIds, deleted](Store &store) {
            store.runs().setRunsLifecycle(runIds, deleted ? Lifecycle::Deleted : Lifecycle::Active);
        },
        [this, runIds, deleted] { Q_EMIT runsDeletedChanged(runIds, deleted); });
}

void RunActions::setRunsColor(const QStringList &runIds, const QColor &color)
{
    const QString tag = QString::fromLatin1(RunColorTag);
    const QString value = color.isValid() ? color.name(QColor::HexRgb) : QString();
    write(
        tr("change the runs"),
        [runIds, tag, value](Store &store) {
            Store::Transaction tx(store);
            for (const QString &id : runIds) {
                if (value.isEmpty())
                    store.runs().deleteTag(id, tag);
                else
                    store.runs().setTag(id, tag, value);
            }
            tx.commit();
        },
        [this, runIds, color] { Q_EMIT runsColorChanged(runIds, color); });
}

void RunActions::writeArtifact(const QString &runId, const QString &path, const QString &what,
                               std::function<int(Store &)> job, std::function<void(int)> succeeded)
{
    auto files = std::make_shared<int>(0); // written on the worker, read once it answered
    write(
        what, [files, job = std::move(job)](Store &store) { *files = job(store); },
        [files, succeeded = std::move(succeeded)] { succeeded(*files); },
        [this, runId, path, what](const QString &why) { Q_EMIT artifactFailed(runId, path, what, why); });
}

void RunActions::deleteArtifact(const QString &runId, const QString &path)
{
    writeArtifact(
        runId, path, tr("delete %1").arg(path),
        [runId, path](Store &store) { return store.artifacts().deleteArtifact(runId, path); },
        [this, runId, path](int files) { Q_EMIT artifactDeleted(runId, path, files); });
}

void RunActions::restoreArtifact(const QString &runId, const QString &path)
{
    writeArtifact(
        runId, path, tr("restore %1").arg(path),
        [runId, path](Store &store) { return store.artifacts().restoreArtifact(runId, path); },
        [this, runId, path](int files) { Q_EMIT artifactRestored(runId, path, files); });
}

} // namespace runlens
