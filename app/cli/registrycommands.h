// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The model-registry commands of the `runlens` command line: models, model, promote, alias, stage and
// model-export. Registered in cli.cpp's command table; each returns an ExitCode (cli.h) and throws
// UsageProblem (commandsupport.h) or Error for the dispatcher to report.

#include <QString>
#include <QStringList>

namespace runlens::cli {

int modelsCommand(const QString &db, const QStringList &args);
int modelCommand(const QString &db, const QStringList &args);
int promoteCommand(const QString &db, const QStringList &args);
int aliasCommand(const QString &db, const QStringList &args);
int stageCommand(const QString &db, const QStringList &args);
int modelExportCommand(const QString &db, const QStringList &args);

} // namespace runlens::cli
