// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The artifact commands of `runlens`: `artifacts RUN` lists a run's artifacts, `attach RUN PATH... [--as
// DIR]` copies local files and folders into the run, `artifact-get RUN PATH --out F` copies an artifact (or a
// folder of them) out again. Each returns the exit status (cli.h): usage problems are reported here with
// status 2; data problems are thrown as Error for cli::run to report with status 1.

#include <QStringList>

namespace runlens::cli {

int artifactsCommand(const QString &db, const QStringList &args);
int attachCommand(const QString &db, const QStringList &args);
int artifactGetCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
