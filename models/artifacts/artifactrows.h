// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The artifact rows of runs: which path of a run names which bytes, and whether it is deleted. The bytes live
// in the ArtifactStore (artifactstore.h). Part of the Store (store.h: store.artifacts()), over its Database.

#include "core/types.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace runlens {

class Database;

class ArtifactRows
{
public:
    explicit ArtifactRows(Database &db);
    ArtifactRows(const ArtifactRows &) = delete;
    ArtifactRows &operator=(const ArtifactRows &) = delete;

    // A row at the same path is replaced.
    void addArtifact(const QString &runId, const Artifact &artifact);
    std::vector<Artifact> artifacts(const QString &runId, bool includeDeleted = false);
    // Whether any artifact row (of any run, deleted ones included) names these bytes: an attach that failed
    // removes the objects it brought only when nothing else uses them.
    bool isArtifactObjectUsed(const QString &sha256);
    // Soft delete: the artifact at `path`, or every artifact below it when `path` is a folder, is marked
    // deleted (its row and bytes stay, artifacts(runId, true) still lists it). Returns how many rows changed;
    // throws NotFound when nothing active is at or below `path`.
    int deleteArtifact(const QString &runId, const QString &path);
    // Undoes deleteArtifact for the same path. Returns how many rows changed; throws NotFound when nothing
    // deleted is at or below `path`.
    int restoreArtifact(const QString &runId, const QString &path);
    // The digests of the artifact bytes rows name (deleted rows' too), each once.
    QStringList artifactDigests();

private:
    int setArtifactLifecycle(const QString &runId, const QString &path, Lifecycle lifecycle);

    Database &m_db;
};

} // namespace runlens
