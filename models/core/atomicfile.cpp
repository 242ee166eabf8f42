// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/atomicfile.h"

#include "core/sourcefile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace runlens {

QString writeFileAtomically(const QString &path, QByteArrayView bytes)
{
    auto tr = [](const char *text) { return QCoreApplication::translate("runlens::AtomicFile", text); };
    if (path.isEmpty())
        return tr("no file name was given");
    if (QFileInfo(path).isDir())
        return tr("it is a folder");
    if (const auto database = livedb::databaseOf(path))
        return tr("it is the database %1, which is open").arg(QDir::toNativeSeparators(*database));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return file.errorString();
    if (file.write(bytes.data(), bytes.size()) != bytes.size()) {
        const QString error = file.errorString();
        file.cancelWriting();
        return error;
    }
    if (!file.commit())
        return file.errorString();
    return {};
}

} // namespace runlens
