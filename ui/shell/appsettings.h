// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Where the window keeps what it remembers (geometry, columns, recent databases, last experiment): one
// QSettings scope for every widget, and one way to name a database inside it.

#include <QSettings>
#include <QString>

namespace runlens::appsettings {

inline QSettings open()
{
    return QSettings(QStringLiteral("runlens"), QStringLiteral("runlens"));
}

// A settings-key-safe name for a database file (a hash of its absolute path: no slashes in the key).
QString databaseKey(const QString &databasePath);

} // namespace runlens::appsettings
