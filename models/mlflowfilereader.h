// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads an MLflow file store (`mlruns/`): experiments (also those in .trash), runs with params, tags, metric
// histories, dataset inputs and artifacts, and the model registry under models/. Never writes to the source.

#include "importsource.h"

namespace runlens::import {

// True for a folder holding experiment folders with meta.yaml (an `mlruns` folder), or for the folder that
// contains `mlruns`.
bool looksLikeMlflowFiles(const QString &path);
// Throws runlens::Error when path is not an MLflow store at all; everything else becomes warnings.
void readMlflowFiles(const QString &path, ImportSink &sink);

// Resolves an artifact location recorded on another machine (absolute Linux/Windows/WSL paths, file: URIs,
// mlflow-artifacts:/ URIs) to an existing folder: the path itself when it exists, else the longest trailing
// part of it found under one of `roots` (for mlflow-artifacts:/ also under <root>/mlartifacts). Empty when
// nothing is found. Shared by the file-store and database readers.
QString resolveArtifactLocation(const QString &uri, const QStringList &roots);

// Every regular file below folder as SourceArtifacts with '/'-separated relative paths. Symbolic links are
// not followed (a link pointing out of the folder would otherwise smuggle in files from elsewhere); they are
// reported through sink.warning.
std::vector<SourceArtifact> listArtifacts(const QString &folder, ImportSink &sink);

} // namespace runlens::import
