// SPDX-License-Identifier: GPL-3.0-or-later
// `runlens`: the window when started without a command, the command line otherwise.

#include "cli.h"
#include "mainwindow.h"
#include "store.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QTextStream>

namespace {

void setIdentity()
{
    QCoreApplication::setApplicationName(QStringLiteral("runlens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RUNLENS_VERSION));
}

int runWindow(int argc, char **argv, const runlens::cli::Invocation &inv)
{
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Runlens"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/runlens.svg")));
    // QApplication removed the arguments Qt understands; anything left besides --db is unknown.
    const runlens::cli::Invocation rest = runlens::cli::scan(QCoreApplication::arguments());
    if (!rest.args.isEmpty()) {
        QTextStream(stderr) << "runlens: unknown option '" << rest.args.first()
                            << "'\nTry 'runlens --help'.\n";
        return runlens::cli::UsageError;
    }
    runlens::MainWindow window(inv.db.isEmpty() ? runlens::Store::defaultPath() : inv.db);
    window.show();
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const runlens::cli::Invocation inv = runlens::cli::scan(arguments);
    if (inv.command.isEmpty() && !inv.help && !inv.version && inv.usageError.isEmpty())
        return runWindow(argc, argv, inv);
    QCoreApplication app(argc, argv);
    setIdentity();
    return runlens::cli::run(inv);
}
