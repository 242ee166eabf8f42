// SPDX-License-Identifier: GPL-3.0-or-later
// `runlens`: the window when started without a command, the command line otherwise.

#include "bench/windowbench.h"
#include "cli/cli.h"
#include "import/launchfiles.h"
#include "pages/runpage.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "store/store.h"

#include <optional>
#include <QApplication>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QIcon>
#include <QImage>
#include <QTextStream>
#include <QTimer>

namespace {

void setIdentity()
{
    QCoreApplication::setApplicationName(QStringLiteral("runlens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RUNLENS_VERSION));
}

QElapsedTimer &sinceStart()
{
    static QElapsedTimer timer;
    return timer;
}

int usageError(const QString &message)
{
    QTextStream(stderr) << "runlens: " << message << "\nTry 'runlens --help'.\n";
    return runlens::cli::UsageError;
}

// --screenshot: waits until every load has finished, saves the window as PNG, prints the time from start to
// ready in ms, and exits.
void scheduleScreenshot(runlens::MainWindow *window, const QString &file)
{
    auto *poll = new QTimer(window);
    QObject::connect(poll, &QTimer::timeout, window, [window, file, poll] {
        if (window->isLoading()) {
            if (sinceStart().elapsed() > 60'000) {
                QTextStream(stderr) << "runlens: the window did not finish loading within 60 s\n";
                QCoreApplication::exit(runlens::cli::DataError);
            }
            return;
        }
        poll->stop();
        const qint64 readyMs = sinceStart().elapsed();
        // What just arrived may still have its layout pending; a person would see it laid out.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        const QImage image = window->grab().toImage();
        if (image.isNull() || !image.save(file, "PNG")) {
            QTextStream(stderr) << "runlens: cannot write " << file << '\n';
            QCoreApplication::exit(runlens::cli::DataError);
            return;
        }
        QTextStream(stdout) << "ready in " << readyMs << " ms\n";
        QCoreApplication::exit(runlens::cli::Ok);
    });
    poll->start(5);
}

int runWindow(int argc, char **argv, const runlens::cli::Invocation &inv)
{
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Runlens"));
    // The installed desktop file: Wayland compositors match the window to its menu entry and icon by it.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.runlens.Runlens"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/runlens.svg")));
    // QApplication removed the arguments Qt understands; what is left besides --db are ours.
    const QStringList rest = runlens::cli::scan(QCoreApplication::arguments()).args;
    QString screenshot, page = QStringLiteral("runs");
    std::optional<runlens::theme::Theme> theme;
    bool scrollCheck = false;
    QStringList compareCheck;
    QSize size;
    QStringList files; // `runlens FILE...` (the desktop file's %F)
    for (qsizetype i = 0; i < rest.size(); ++i) {
        const QString &a = rest[i];
        const bool hasValue = i + 1 < rest.size();
        if (a == QLatin1String("--")) {
            for (++i; i < rest.size(); ++i)
                files << QFileInfo(rest[i]).absoluteFilePath();
        } else if (!a.startsWith(QLatin1Char('-'))) {
            files << QFileInfo(a).absoluteFilePath();
        } else if (a == QLatin1String("--screenshot") && hasValue) {
            screenshot = rest[++i];
        } else if (a == QLatin1String("--theme") && hasValue) {
            theme = runlens::theme::fromName(rest[++i]);
            if (!theme)
                return usageError(QStringLiteral("--theme expects system, light or dark"));
        } else if (a == QLatin1String("--scroll-check")) {
            scrollCheck = true;
        } else if (a == QLatin1String("--compare-check") && hasValue) {
            compareCheck = rest[++i].split(QLatin1Char(','), Qt::SkipEmptyParts);
        } else if (a == QLatin1String("--page") && hasValue) {
            page = rest[++i];
        } else if (a == QLatin1String("--size") && hasValue) {
            const QStringList wh = rest[++i].split(QLatin1Char('x'));
            const int w = wh.value(0).toInt(), h = wh.size() == 2 ? wh[1].toInt() : 0;
            if (w < 200 || h < 150 || w > 10000 || h > 10000)
                return usageError(QStringLiteral("--size expects WIDTHxHEIGHT, e.g. 1600x1000"));
            size = QSize(w, h);
        } else {
            return usageError(QStringLiteral("unknown option '%1'").arg(a));
        }
    }
    // An explicit --theme is for this session (screenshots); otherwise the one chosen in View › Appearance.
    const runlens::theme::Theme chosen = theme.value_or(runlens::theme::saved());
    if (chosen != runlens::theme::Theme::System)
        runlens::theme::apply(chosen);
    QString runId, modelName;
    std::optional<QString> artifact; // run:ID/artifacts[/PATH] opens the Artifacts tab (and selects PATH)
    std::optional<QString> chart;    // run:ID/charts[/KEY] opens the Charts tab (and shows KEY's chart)
    bool datasets = false;           // run:ID/datasets opens the Datasets tab
    QStringList compareIds;
    bool showModels = false;
    if (page.startsWith(QLatin1String("run:"))) {
        runId = page.mid(4).section(QLatin1Char('/'), 0, 0);
        const QString rest = page.mid(4).section(QLatin1Char('/'), 1);
        if (rest == QLatin1String("artifacts") || rest.startsWith(QLatin1String("artifacts/")))
            artifact = rest.mid(10);
        else if (rest == QLatin1String("charts") || rest.startsWith(QLatin1String("charts/")))
            chart = rest.mid(7);
        else if (rest == QLatin1String("datasets"))
            datasets = true;
        else if (!rest.isEmpty())
            return usageError(QStringLiteral("--page run:ID/%1: expected run:ID, run:ID/artifacts, "
                                             "run:ID/artifacts/PATH, run:ID/charts, run:ID/charts/KEY or "
                                             "run:ID/datasets")
                                  .arg(rest));
    } else if (page.startsWith(QLatin1String("compare:"))) {
        compareIds = page.mid(8).split(QLatin1Char(','), Qt::SkipEmptyParts);
        if (compareIds.isEmpty())
            return usageError(QStringLiteral("--page compare: expects run ids, e.g. compare:ID,ID"));
    } else if (page == QLatin1String("models") || page.startsWith(QLatin1String("models:"))) {
        showModels = true;
        modelName = page.mid(7);
    } else if (page != QLatin1String("runs")) {
        return usageError(QStringLiteral("--page %1: expected 'runs', 'run:RUN_ID', "
                                         "'compare:RUN_ID,RUN_ID,...', 'models' or 'models:NAME'")
                              .arg(page));
    }
    // A Runlens database among the files is the one to open (before --db: it is what was double-clicked);
    // only its header is read here, through SQLite. The other files are sorted out once the window shows.
    QString database = inv.db.isEmpty() ? runlens::Store::defaultPath() : inv.db;
    for (const QString &file : std::as_const(files)) {
        if (runlens::launch::isRunlensDatabase(file)) {
            database = file;
            break;
        }
    }
    files.removeAll(database); // the window opens it: it need not read it again
    runlens::MainWindow window(database);
    if (size.isValid())
        window.resize(size);
    window.show();
    if (!runId.isEmpty())
        window.showRun(runId);
    if (artifact)
        window.runPage()->showArtifacts(*artifact);
    if (chart)
        window.runPage()->showCharts(*chart);
    if (datasets)
        window.runPage()->showDatasets();
    if (!compareIds.isEmpty())
        window.showCompare(compareIds);
    if (showModels)
        window.showModels(modelName);
    window.openFiles(files);
    if (!screenshot.isEmpty())
        scheduleScreenshot(&window, screenshot);
    else if (scrollCheck)
        runlens::scheduleScrollCheck(&window);
    else if (!compareCheck.isEmpty())
        runlens::scheduleCompareCheck(&window, compareCheck);
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    sinceStart().start();
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const runlens::cli::Invocation inv = runlens::cli::scan(arguments);
    if (inv.command.isEmpty() && !inv.help && !inv.version && inv.usageError.isEmpty())
        return runWindow(argc, argv, inv);
    if (inv.command == QLatin1String("export-chart")) {
        // Drawing needs fonts and a paint engine (QGuiApplication), not a display: offscreen unless told.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QGuiApplication app(argc, argv);
        setIdentity();
        return runlens::cli::run(inv);
    }
    QCoreApplication app(argc, argv);
    setIdentity();
    return runlens::cli::run(inv);
}
