// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Runlens schema as a list of forward migrations. A database records the number of migrations applied in
// PRAGMA user_version and marks itself as ours with PRAGMA application_id.

#include <QString>
#include <QStringList>
#include <vector>

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

// One entry of sqlite_schema.
struct Object
{
    QString type; // table, index, view, trigger
    QString name;
    QString table;
    QString sql; // empty for the indexes SQLite makes for UNIQUE and PRIMARY KEY constraints
    bool operator==(const Object &) const = default;
};

// The schema objects a file has after the first `version` migrations, sorted by name: exactly what a database
// Runlens wrote at that version holds (SQLite keeps each CREATE statement as it was run, ALTERed in place).
// Made once per version by running the migrations on an empty in-memory database.
const std::vector<Object> &objectsAt(int version);

} // namespace runlens::schema
