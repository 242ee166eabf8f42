// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens bench`: the store's figures (models/bench) and those of the window, the Compare page and
// concurrent `runlens log` writers (app/bench), measured on scratch databases and printed with their targets.
// Registered in cli.cpp's command table.

#include <QStringList>

namespace runlens::cli {

int benchCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
