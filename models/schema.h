// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Runlens schema as a list of forward migrations. A database records the number of migrations applied in
// PRAGMA user_version and marks itself as ours with PRAGMA application_id.

#include <QStringList>

namespace runlens::schema {

inline constexpr int ApplicationId = 0x524C4E53; // "RLNS"

struct Migration
{
    int toVersion;
    const char *summary;
    QStringList statements;
};

const QList<Migration> &migrations();
int latestVersion();

} // namespace runlens::schema
