// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The commands that read what was logged: `experiments` lists experiments, `runs` lists and searches runs
// (MLflow filter and order-by), `metric RUN KEY` prints every point of one metric. Registered in cli.cpp's
// command table; each returns an ExitCode (cli.h) and throws UsageProblem (commandsupport.h) or Error.

#include <QStringList>

namespace runlens::cli {

int experimentsCommand(const QString &db, const QStringList &args);
int runsCommand(const QString &db, const QStringList &args);
int metricCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
