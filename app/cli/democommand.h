// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens demo`: fills the database with realistic demo experiments, or (--scale N) one wide experiment for
// the window's start-up check. Registered in cli.cpp's command table.

#include <QStringList>

namespace runlens::cli {

int demoCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
