// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Entry point for imports: detects the format of each path and runs the matching reader into an
// ImportWriter. The CLI and the window's import worker both call importPaths().

#include "import/importwriter.h"

namespace runlens::import {

// The format of path, or Format::Auto when none is recognised.
Format detectFormat(const QString &path);

// Imports every path (each with `format`, or detected when Auto). Throws Error for a path that does not
// exist or whose format is not recognised, before anything is written; per-run failures are in the report.
ImportReport importPaths(Store &store, const QStringList &paths, Format format, const ImportOptions &options);

} // namespace runlens::import
