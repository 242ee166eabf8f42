// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Writing a file the user asked for (an export, a report) whole or not at all: QSaveFile writes a temporary
// file beside the target and renames it over the target only once every byte is written, so a full disk, a
// crash or a cancel leaves the old file (or no file), never half of one. The one way Runlens writes exports.

#include <QByteArrayView>
#include <QString>

namespace runlens {

// Writes `bytes` to `path`. Returns why it could not, empty on success. Refuses an empty path, a folder, and
// a database this process has open (or its -wal, -shm or -journal): replacing it would destroy the data
// under SQLite's feet (see livedb in sourcefile.h).
QString writeFileAtomically(const QString &path, QByteArrayView bytes);

} // namespace runlens
