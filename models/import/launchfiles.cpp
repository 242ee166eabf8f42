// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/launchfiles.h"

#include "import/importer.h"
#include "store/schema.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <sqlite3.h>

namespace runlens::launch {

namespace {

// PRAGMA application_id through a connection of our own; nullopt when SQLite cannot read the header (not an
// SQLite file, or a WAL file whose -shm cannot be made here).
std::optional<qint64> applicationId(const QString &uri)
{
    sqlite3 *db = nullptr;
    std::optional<qint64> id;
    if (sqlite3_open_v2(uri.toUtf8().constData(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) ==
        SQLITE_OK) {
        // The file is untrusted: nothing in its schema may run (the pragma does not parse it anyway).
        sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
        sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            id = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
    }
    sqlite3_close_v2(db); // SQLite closes its descriptor itself, keeping the locks of other connections
    return id;
}

} // namespace

bool isRunlensDatabase(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isFile() || !info.isReadable())
        return false;
    QUrl url = QUrl::fromLocalFile(info.absoluteFilePath());
    std::optional<qint64> id = applicationId(url.toString(QUrl::FullyEncoded));
    if (!id) {
        // A WAL database in a folder we cannot write has no -shm to read through: read it as it is on disk.
        url.setQuery(QStringLiteral("immutable=1"));
        id = applicationId(url.toString(QUrl::FullyEncoded));
    }
    return id && *id == schema::ApplicationId;
}

Classified classify(const QStringList &paths)
{
    Classified out;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        const QString shown = QDir::toNativeSeparators(path);
        if (!info.exists()) {
            out.problems << QStringLiteral("%1 does not exist.").arg(shown);
        } else if (!info.isReadable()) {
            out.problems << QStringLiteral("%1 cannot be read (permission denied).").arg(shown);
        } else if (isRunlensDatabase(path)) {
            out.databases << path;
        } else if (import::detectFormat(path) != import::Format::Auto) {
            out.importable << path;
        } else if (info.isDir()) {
            out.problems << QStringLiteral("%1 is a folder with nothing Runlens imports (it takes mlruns "
                                           "folders and folders of TensorBoard event files).")
                                .arg(shown);
        } else {
            out.problems << QStringLiteral(
                                "%1 is neither a Runlens database nor a file Runlens imports "
                                "(an mlflow.db, a TensorBoard event file, a CSV or JSON-lines log).")
                                .arg(shown);
        }
    }
    return out;
}

} // namespace runlens::launch
