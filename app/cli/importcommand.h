// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens import`: runs from MLflow stores and databases, TensorBoard logs, CSV and JSON-lines files, once
// or (--follow) again and again as they grow. Registered in cli.cpp's command table; returns an ExitCode
// (cli.h): 1 when a source or a run could not be imported.

#include <QStringList>

namespace runlens::cli {

int importCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
