// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads an MLflow file store (`mlruns/`): experiments (also those in .trash), runs with params, tags, metric
// histories, dataset inputs and artifacts, and the model registry under models/. Never writes to the source.

#include "import/importsource.h"

namespace runlens::import {

// True for a folder holding experiment folders with meta.yaml (an `mlruns` folder), or for the folder that
// contains `mlruns`.
bool looksLikeMlflowFiles(const QString &path);
// Throws runlens::Error when path is not an MLflow store at all; everything else becomes warnings.
void readMlflowFiles(const QString &path, ImportSink &sink);

// Where a run's artifacts are read from, and what of its artifact_uri was not read.
struct ArtifactLocation
{
    QString folder;  // the folder to read (canonical), empty when none
    QString skipped; // why the location the URI names is not read; empty when nothing was refused
};

// Resolves a run's artifact_uri, usually recorded on another machine (absolute Linux/Windows/WSL paths,
// file: URIs, mlflow-artifacts:/ URIs), to a folder of this disk. Only two places are trusted, the run's own
// folder in the store (<runDir>/artifacts, for any URI ending in <run id>/artifacts) and, for
// mlflow-artifacts:/<experiment>/<run id>/artifacts, the tracking server's mlartifacts/ beside the store
// (<parent of storeRoot>/mlartifacts/<experiment>/<run id>/artifacts); and only when no component below the
// store (or its parent) is a symbolic link. Anything else (another folder of this machine, a parent segment,
// s3://, a link leading out) is refused with the reason in `skipped`. An empty URI or a trusted place that
// does not exist gives neither.
ArtifactLocation resolveArtifactLocation(const QString &uri, const QString &storeRoot, const QString &runDir,
                                         const QString &runId);

// `base`/`relative` when it is a folder and no component of it below `base` is a symbolic link (its
// canonical path is itself); else empty, with the reason in `problem` when something is there but refused.
QString confinedFolder(const QString &base, const QString &relative, QString *problem);

// Every regular file below folder as SourceArtifacts with '/'-separated relative paths and `root` set to
// folder. Symbolic links are not followed (a link pointing out of the folder would otherwise smuggle in
// files from elsewhere); they are reported through sink.warning and counted in sink.skipped.
std::vector<SourceArtifact> listArtifacts(const QString &folder, ImportSink &sink);

} // namespace runlens::import
