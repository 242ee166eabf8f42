// SPDX-License-Identifier: GPL-3.0-or-later
#include "windowbench.h"

#include "demodata.h"
#include "mainwindow.h"
#include "runspage.h"
#include "runtablemodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

namespace runlens {

void scheduleScrollCheck(MainWindow *window)
{
    struct State
    {
        QElapsedTimer clock, beat;
        qint64 longest = 0;
        bool started = false;
    };
    auto state = std::make_shared<State>();
    auto *heartbeat = new QTimer(window);
    heartbeat->setTimerType(Qt::PreciseTimer);
    QObject::connect(heartbeat, &QTimer::timeout, window, [state] {
        if (state->started)
            state->longest = std::max(state->longest, state->beat.restart());
    });
    auto *driver = new QTimer(window);
    QObject::connect(driver, &QTimer::timeout, window, [window, state, heartbeat, driver] {
        RunsPage *page = window->runsPage();
        RunTableModel *model = page->model();
        if (!state->started) {
            if (window->isLoading())
                return;
            state->started = true;
            state->clock.start();
            state->beat.start();
            heartbeat->start(1);
        }
        QScrollBar *bar = page->table()->verticalScrollBar();
        const bool all = model->totalCount() >= 0 && model->rowCount() >= model->totalCount();
        if (all && !model->isLoading() && bar->value() == bar->maximum()) {
            driver->stop();
            heartbeat->stop();
            QTextStream(stdout) << "scrolled " << model->rowCount() << " rows in " << state->clock.elapsed()
                                << " ms, longest stall " << state->longest << " ms\n";
            QCoreApplication::exit(0);
            return;
        }
        // As a person dragging the thumb down: a step of a few screens per frame.
        bar->setValue(std::min(bar->maximum(), bar->value() + 5 * bar->pageStep()));
        if (state->clock.elapsed() > 120'000) {
            QTextStream(stderr) << "runlens: scrolling did not reach the end within 120 s\n";
            QCoreApplication::exit(1);
        }
    });
    driver->start(16);
}

namespace {

// Runs the window offscreen and returns the first number after `label` in its output, or -1.
double runWindow(const QString &binary, const QStringList &args, const QString &pattern)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    // The child windows keep their settings (recent databases, last experiment) away from the user's, and
    // each start is a first start.
    QTemporaryDir config;
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    p.setProcessEnvironment(env);
    p.start(binary, args);
    if (!p.waitForFinished(180'000) || p.exitCode() != 0)
        return -1;
    const QRegularExpressionMatch m =
        QRegularExpression(pattern).match(QString::fromUtf8(p.readAllStandardOutput()));
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

double medianOf(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? -1 : v[v.size() / 2];
}

} // namespace

QList<BenchmarkFigure> measureWindow(const QString &binary, const QString &dir, bool quick,
                                     const std::function<void(const QString &)> &progress)
{
    const int runs = quick ? 1000 : 10000;
    const QString wide = dir + QStringLiteral("/window-wide.db"),
                  empty = dir + QStringLiteral("/window-empty.db");
    if (progress)
        progress(QStringLiteral("window: %1 runs x 30 params x 10 metrics").arg(runs));
    {
        Store store(wide);
        generateScaleData(store, ScaleOptions{runs, 30, 10, 20});
        store.checkpoint();
        Store{empty};
    }
    const QString shot = dir + QStringLiteral("/window.png");
    const QString ready = QStringLiteral("ready in (\\d+) ms");
    QList<double> wideMs, emptyMs;
    for (int i = 0; i < 5; ++i) {
        const QStringList common{QStringLiteral("--screenshot"), shot,
                                 QStringLiteral("--size"),       QStringLiteral("1500x900"),
                                 QStringLiteral("--theme"),      QStringLiteral("light")};
        emptyMs << runWindow(binary, QStringList{QStringLiteral("--db"), empty} + common, ready);
        wideMs << runWindow(binary, QStringList{QStringLiteral("--db"), wide} + common, ready);
    }
    if (progress)
        progress(QStringLiteral("window: scrolling the whole table"));
    const double stall = runWindow(binary,
                                   {QStringLiteral("--db"), wide, QStringLiteral("--scroll-check"),
                                    QStringLiteral("--size"), QStringLiteral("1500x900")},
                                   QStringLiteral("longest stall (\\d+) ms"));
    const double w = medianOf(wideMs), e = medianOf(emptyMs);
    QList<BenchmarkFigure> out;
    const auto figure = [&](const QString &key, double value, const QString &unit, const QString &target,
                            std::optional<bool> meets) {
        out.append({key, value, unit, target, meets});
    };
    const bool valid = w > 0 && e > 0;
    figure(QStringLiteral("window.ready_%1_runs").arg(runs), w, QStringLiteral("ms"),
           QStringLiteral("<= 500 ms"), valid && !quick ? std::optional<bool>(w <= 500) : std::nullopt);
    figure(QStringLiteral("window.ready_empty"), e, QStringLiteral("ms"), {}, std::nullopt);
    figure(QStringLiteral("window.ready_ratio"), valid ? w / e : -1, QStringLiteral("x"),
           QStringLiteral("<= 1.5x"), valid && !quick ? std::optional<bool>(w / e <= 1.5) : std::nullopt);
    figure(QStringLiteral("window.scroll_longest_stall"), stall, QStringLiteral("ms"),
           QStringLiteral("<= 50 ms"),
           stall >= 0 && !quick ? std::optional<bool>(stall <= 50) : std::nullopt);
    return out;
}

} // namespace runlens
