// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/appsettings.h"

#include <QCryptographicHash>

namespace runlens::appsettings {

QString databaseKey(const QString &databasePath)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(databasePath.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}

} // namespace runlens::appsettings
