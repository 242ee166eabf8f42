// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Where Runlens keeps its database when none is named, for the code that must know it without opening one
// (the welcome page's example commands): $RUNLENS_DB, else QStandardPaths::AppDataLocation/runlens.db. The
// same as Store::defaultPath().

#include <QString>

namespace runlens {

QString defaultDatabasePath();

} // namespace runlens
