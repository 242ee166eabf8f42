// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The changes the run side writes (a run's name, notes and star; several runs' star, colour and trash;
// an artifact deleted or restored), each one write on the StoreWorker answered by a typed signal once
// stored. A refused change emits failed(what, why) with the phrase pages show ("Could not rename the run:
// ..."), and for one run also runFailed(runId, what, why), so a page can drop the answer for a run it no
// longer shows and put back what it showed. Nothing is changed when a write is refused.

#include "actions/storeactions.h"

#include <QColor>
#include <QStringList>

namespace runlens {

class RunActions : public StoreActions
{
    Q_OBJECT
public:
    // Which change of one run was refused (runFailed), for a page to put back what it showed.
    enum class Change { Rename, Description, Star };
    Q_ENUM(Change)

    using StoreActions::StoreActions;

    // The store renames the mlflow.runName tag along with the run, when the run has one.
    void rename(const QString &runId, const QString &name);
    // The notes (Markdown); the store keeps the mlflow.note.content tag in step.
    void setDescription(const QString &runId, const QString &markdown);
    void setStarred(const QString &runId, bool starred);

    void setRunsStarred(const QStringList &runIds, bool starred);
    // Trash (deleted) or restore several runs.
    void setRunsDeleted(const QStringList &runIds, bool deleted);
    // An invalid colour takes the runs back to their default colour.
    void setRunsColor(const QStringList &runIds, const QColor &color);

    // Deleting a folder deletes every file under it; restoring undoes a delete of the same path.
    void deleteArtifact(const QString &runId, const QString &path);
    void restoreArtifact(const QString &runId, const QString &path);

Q_SIGNALS:
    void renamed(const QString &runId, const QString &name);
    void descriptionSaved(const QString &runId, const QString &markdown);
    void starredChanged(const QString &runId, bool starred);
    void runsStarredChanged(const QStringList &runIds, bool starred);
    void runsDeletedChanged(const QStringList &runIds, bool deleted);
    void runsColorChanged(const QStringList &runIds, const QColor &color);
    // `files`: how many artifact files the change reached.
    void artifactDeleted(const QString &runId, const QString &path, int files);
    void artifactRestored(const QString &runId, const QString &path, int files);
    // A delete or restore of an artifact was refused (before failed(what, why)).
    void artifactFailed(const QString &runId, const QString &path, const QString &what, const QString &why);
    // A change of one run was refused (before failed(what, why)).
    void runFailed(const QString &runId, runlens::RunActions::Change change, const QString &what,
                   const QString &why);

private:
    void writeArtifact(const QString &runId, const QString &path, const QString &what,
                       std::function<int(Store &)> job, std::function<void(int files)> succeeded);
    void writeRun(const QString &runId, Change change, const QString &what, std::function<void(Store &)> job,
                  std::function<void()> succeeded);
};

} // namespace runlens
