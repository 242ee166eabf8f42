// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads DVC projects and DVCLive folders into SourceRuns. Never writes to the source and never runs git.
//
// A DVCLive folder is one run, in whichever layout DVCLive wrote it:
// - current (2.x, 3.x): `<d>/plots/metrics/**.tsv`, `<d>/metrics.json` (the summary), `<d>/params.yaml`;
// - 1.x: `<d>/scalars/**.tsv` and the summary `<d>.json` beside the folder;
// - 0.x: `<d>/**.tsv` and the summary `<d>.json` beside the folder.
// A plot file holds `step<TAB>name` or `timestamp<TAB>step<TAB>name` (timestamps in epoch milliseconds);
// its metric key is its path below the layout's folder without `.tsv` (`train/loss`), whatever the column
// is called. A folder holding files of several layouts imports the newest and one warning lists the files
// of the older ones it left out. The summary (nested objects flattened with "/") holds each metric's last
// value: a key a plot has adds nothing, any other key is a single point at the summary's `step` (0 without
// one). Params: `<d>/params.yaml`. Points without a time get their file's modification time; the run spans
// the times the plots hold (start unknown without any, end the files' last write). Name: the parent
// folder's for a folder named `dvclive`, else the folder's own. sourceKey: the folder relative to the import
// root ("." for the root itself).
//
// A DVC project (a folder with dvc.yaml or dvc.lock) gives every DVCLive run inside it its `params.yaml`
// (nested keys flattened with "."; the DVCLive folder's own params win), the dependencies of each stage in
// dvc.lock as dataset inputs (name: the path as written, digest: its md5 (else etag or checksum), context:
// the stage, source type `dvc`, source: the absolute location, profile: size and nfiles as JSON), and the
// git commit (tags mlflow.source.git.commit and, on a branch, mlflow.source.git.branch) when the folder is
// a git work tree (its own `.git` folder, or a `.git` file naming the git directory, as worktrees and
// submodules have). Its `metrics.json`/`metrics.yaml` (flattened with "/") join its only DVCLive run as
// single points at step 0 (a key that run has already is left out, with a warning); a project without
// DVCLive folders, or with several, is a run of its own holding them (sourceKey `<folder>#dvc-project`, name
// the folder's). Importing a DVCLive folder directly takes the project from its parent folder.
//
// Broken input (a plot row that is not `[timestamp] step value`, JSON or YAML that does not parse, an empty
// file) refuses the run it belongs to, with a warning naming the file and line; nothing of that run is
// delivered.

#include "import/importsource.h"

#include <optional>
#include <QString>

namespace runlens::import {

// A folder that is a DVC project or a DVCLive folder, or holds one within three levels (dvc.yaml, dvc.lock,
// a folder named dvclive, a plots/metrics or scalars folder of .tsv files); or a dvc.yaml or dvc.lock file.
bool looksLikeDvc(const QString &path);
// Imports every DVCLive folder and DVC project at or below path (a dvc.yaml/dvc.lock file: its folder).
// Throws runlens::Error when the path does not exist or holds neither.
void readDvc(const QString &path, ImportSink &sink);

struct GitHead
{
    QString commit; // 40 (or 64) hex digits
    QString branch; // empty when HEAD is detached
};
// The commit checked out in workTree when it is a git work tree, read from its .git (a folder, or a file
// `gitdir: PATH`), HEAD, the ref file or packed-refs, with bounded reads; nullopt otherwise.
std::optional<GitHead> readGitHead(const QString &workTree);

} // namespace runlens::import
