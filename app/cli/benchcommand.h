// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens bench`: the store's figures (models/bench) and the window's and concurrent writers' (app/bench),
// measured on scratch databases and printed with their targets. Registered in cli.cpp's command table.

#include <QStringList>

namespace runlens::cli {

int benchCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
