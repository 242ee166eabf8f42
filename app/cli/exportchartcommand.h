// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens export-chart`: draws metric charts of runs into a PNG, SVG or PDF file with the pieces the Compare
// page draws with. Needs a QGuiApplication (main.cpp makes one, offscreen unless told). Registered in
// cli.cpp's command table.

#include <QStringList>

namespace runlens::cli {

int exportChartCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
