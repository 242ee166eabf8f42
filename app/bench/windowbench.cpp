// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/windowbench.h"

#include "bench/benchmark.h"
#include "charts/metricchart.h"
#include "demo/demodata.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/runspage.h"
#include "shell/mainwindow.h"
#include "store/database.h"
#include "store/store.h"
#include "store/storeworker.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
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

void scheduleCompareCheck(MainWindow *window, const QStringList &runIds)
{
    struct State
    {
        QElapsedTimer clock, beat;
        qint64 longest = 0, drawn = -1;
        int phase = 0; // 0 waiting for the window, 1 comparing, 2 zooming
    };
    auto state = std::make_shared<State>();
    auto *heartbeat = new QTimer(window);
    heartbeat->setTimerType(Qt::PreciseTimer);
    QObject::connect(heartbeat, &QTimer::timeout, window, [state] {
        if (state->phase > 0)
            state->longest = std::max(state->longest, state->beat.restart());
    });
    auto *driver = new QTimer(window);
    driver->setTimerType(Qt::PreciseTimer);
    QObject::connect(driver, &QTimer::timeout, window, [window, runIds, state, heartbeat, driver] {
        if (state->phase == 0) {
            if (window->isLoading())
                return;
            state->phase = 1;
            state->beat.start();
            heartbeat->start(1);
            state->clock.start();
            window->showCompare(runIds);
            return;
        }
        if (window->isLoading()) {
            if (state->clock.elapsed() > 120'000) {
                QTextStream(stderr) << "runlens: the comparison did not load within 120 s\n";
                QCoreApplication::exit(1);
            }
            return;
        }
        window->repaint(); // drawn: every chart painted with its data
        if (state->phase == 1) {
            state->drawn = state->clock.elapsed();
            state->phase = 2;
            state->clock.start();
            for (MetricChart *c : window->comparePage()->charts()) {
                const auto &d = c->data();
                const qint64 span = d.x1 - d.x0 + 1;
                c->setXWindow(std::pair{d.x0 + span * 45 / 100, d.x0 + span * 55 / 100});
                c->reload(); // at once, not after the wheel's settling delay
            }
            return;
        }
        driver->stop();
        heartbeat->stop();
        QTextStream(stdout) << "compare drawn in " << state->drawn << " ms, zoom in "
                            << state->clock.elapsed() << " ms, longest stall " << state->longest << " ms\n";
        QCoreApplication::exit(0);
    });
    driver->start(1);
}

namespace {

// Runs the window offscreen and returns what it printed; empty when it failed or took longer than 5 minutes.
QString windowOutput(const QString &binary, const QStringList &args)
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
    if (!p.waitForFinished(300'000) || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput());
}

// The first number `pattern` captures in the window's output, or -1.
double runWindow(const QString &binary, const QStringList &args, const QString &pattern)
{
    const QRegularExpressionMatch m = QRegularExpression(pattern).match(windowOutput(binary, args));
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

double medianOf(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? -1 : v[v.size() / 2];
}

// Runs this thread's event loop until `done` holds (checked every millisecond) or `timeoutMs` passed.
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QEventLoop loop;
    QTimer check;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs)
            loop.quit();
    });
    check.start(1);
    if (!done())
        loop.exec();
    return done();
}

} // namespace

namespace {

// A chart open while its runs log: every run logs 1,000 points more (a second of fast logging), and the
// chart folds them in (loadChartTail + foldTail, what the window does on each change notice) instead of
// reading itself whole (loadChartData). Raw (a whole read is an overview from the sketches) and smoothed (a
// whole read runs the average over every point); median of five rounds each.
QList<BenchmarkFigure> measureLiveTail(const QString &db, const QStringList &ids, qint64 points,
                                       const std::function<void(const QString &)> &progress)
{
    if (progress)
        progress(
            QStringLiteral("compare: a chart of %1 runs folding in 1000 new points per run").arg(ids.size()));
    Store store(db);
    QList<BenchmarkFigure> out;
    qint64 next = points;
    for (const double smoothing : {0.0, 0.6}) {
        ChartRequest request;
        for (const QString &id : ids)
            request.runs.push_back({id, std::nullopt});
        request.key = QStringLiteral("metric0");
        request.width = 600;
        request.smoothing = smoothing;
        ChartData data = loadChartData(store.series(), request);
        QList<double> tailMs, wholeMs;
        for (int round = 0; round < 5; ++round) {
            for (const QString &id : ids) {
                std::vector<MetricPoint> more;
                for (qint64 i = next; i < next + 1000; ++i)
                    more.push_back({i, 1'700'000'000'000 + i * 20, 0.5 + double(i % 17) / 100.0});
                store.series().logMetrics(id, request.key, more);
            }
            next += 1000;
            QElapsedTimer clock;
            clock.start();
            const ChartTail tail = loadChartTail(store.series(), ChartTailRequest::of(data));
            data.foldTail(tail);
            tailMs << double(clock.nsecsElapsed()) / 1e6;
            clock.restart();
            const ChartData whole = loadChartData(store.series(), request);
            wholeMs << double(clock.nsecsElapsed()) / 1e6;
            if (tail.readAgain || whole.series.size() != data.series.size())
                return out;
        }
        const double tail = medianOf(tailMs), whole = medianOf(wholeMs);
        const QString kind = smoothing > 0 ? QStringLiteral("smoothed_") : QString();
        out.append({QStringLiteral("compare.live_%1tail_%2_runs").arg(kind).arg(ids.size()), tail,
                    QStringLiteral("ms"), QStringLiteral("<= a whole read"),
                    std::optional<bool>(tail <= whole)});
        out.append({QStringLiteral("compare.live_%1whole_read_%2_runs").arg(kind).arg(ids.size()), whole,
                    QStringLiteral("ms"), QString(), std::nullopt});
    }
    return out;
}

} // namespace

QList<BenchmarkFigure> measureCompare(const QString &binary, const QString &dir, bool quick,
                                      const std::function<void(const QString &)> &progress)
{
    const int runs = quick ? 5 : 50, metrics = 4;
    const qint64 points = quick ? 100'000 : 1'000'000;
    const QString db = dir + QStringLiteral("/compare.db");
    removeScratchDatabase(db);
    if (progress)
        progress(
            QStringLiteral("compare: %1 runs x %2 metrics x %3 points").arg(runs).arg(metrics).arg(points));
    QStringList ids;
    {
        Store store(db);
        const ExperimentId e = store.runs().createExperiment(QStringLiteral("compare"));
        std::vector<MetricPoint> pts(static_cast<size_t>(points));
        for (int r = 0; r < runs; ++r) {
            NewRun n;
            n.experimentId = e;
            n.name = QStringLiteral("run-%1").arg(r);
            const QString id = store.runs().createRun(n).id;
            ids << id;
            for (int m = 0; m < metrics; ++m) {
                quint32 seed = quint32(r * 7919 + m * 104729 + 1);
                for (qint64 i = 0; i < points; ++i) {
                    seed = seed * 1664525u + 1013904223u;
                    const double noise = double(seed >> 8) / double(1u << 24) - 0.5;
                    double v = std::exp(-double(i) / double(points / 4)) * (1 + m) + 0.05 * noise + 0.01 * r;
                    if (seed % 50000 == 0)
                        v += 3; // spikes
                    pts[size_t(i)] = {i, 1'700'000'000'000 + i * 20, v};
                }
                store.series().logMetrics(id, QStringLiteral("metric%1").arg(m), pts);
            }
        }
        store.database().checkpoint();
    }
    QList<double> drawn, zoom, stall;
    const QRegularExpression re(
        QStringLiteral("compare drawn in (\\d+) ms, zoom in (\\d+) ms, longest stall (\\d+) ms"));
    for (int i = 0; i < 3; ++i) {
        const QRegularExpressionMatch m = re.match(windowOutput(
            binary, {QStringLiteral("--db"), db, QStringLiteral("--size"), QStringLiteral("1600x1100"),
                     QStringLiteral("--theme"), QStringLiteral("light"), QStringLiteral("--compare-check"),
                     ids.join(QLatin1Char(','))}));
        if (!m.hasMatch())
            continue;
        drawn << m.captured(1).toDouble();
        zoom << m.captured(2).toDouble();
        stall << m.captured(3).toDouble();
    }
    const double d = medianOf(drawn), z = medianOf(zoom), s = medianOf(stall);
    const auto judged = [&](double v, double limit) {
        return v >= 0 && !quick ? std::optional<bool>(v <= limit) : std::nullopt;
    };
    QList<BenchmarkFigure> out;
    out.append({QStringLiteral("compare.drawn_%1x%2x%3").arg(runs).arg(metrics).arg(points), d,
                QStringLiteral("ms"), QStringLiteral("<= 300 ms"), judged(d, 300)});
    out.append({QStringLiteral("compare.zoom"), z, QStringLiteral("ms"), QStringLiteral("<= 100 ms"),
                judged(z, 100)});
    out.append({QStringLiteral("compare.longest_stall"), s, QStringLiteral("ms"), QStringLiteral("<= 50 ms"),
                judged(s, 50)});
    // A vector export of the whole comparison stays small: one chart of every run.
    const QString svg = dir + QStringLiteral("/compare.svg");
    QProcess p;
    p.start(binary, {QStringLiteral("--db"), db, QStringLiteral("export-chart"), QStringLiteral("--runs"),
                     ids.join(QLatin1Char(',')), QStringLiteral("--metric"), QStringLiteral("metric0"),
                     QStringLiteral("--out"), svg});
    const bool ok = p.waitForFinished(300'000) && p.exitCode() == 0;
    const double mib = ok ? double(QFileInfo(svg).size()) / (1024.0 * 1024.0) : -1;
    out.append({QStringLiteral("compare.svg_%1_runs").arg(runs), mib, QStringLiteral("MiB"),
                QStringLiteral("< 2 MB"),
                ok && !quick ? std::optional<bool>(QFileInfo(svg).size() < 2'000'000) : std::nullopt});
    out.append(measureLiveTail(db, ids, points, progress));
    return out;
}

TableRefreshFigures measureTableRefresh(const QString &db, int rounds, bool nested)
{
    StoreWorker worker(db);
    RunTableModel model(&worker);
    model.setNested(nested);
    model.setQuery(RunQuery{});
    const auto loadedAll = [&](qint64 rows) {
        return spinUntil(
            [&] {
                if (model.canFetchMore({}))
                    model.fetchMore({});
                return !model.isLoading() && rows >= 0 && model.rowCount() == rows;
            },
            300'000);
    };
    TableRefreshFigures figures;
    if (!spinUntil([&] { return model.topLevelCount() >= 0; }, 60'000) || !loadedAll(model.topLevelCount()))
        return figures;
    if (nested) {
        // One run expanded at a time, as a person would, and timed; then the rest at once.
        QList<double> expandMs;
        for (int row = model.rowCount() - 1; row >= 0; --row) {
            if (model.childCountAt(row) == 0)
                continue;
            const int before = model.rowCount();
            const qint64 children = model.childCountAt(row);
            QElapsedTimer t;
            t.start();
            model.setExpanded(row, true);
            if (expandMs.size() < 5) {
                if (!spinUntil([&] { return !model.isLoading() && model.rowCount() == before + children; },
                               60'000))
                    return figures;
                expandMs << double(t.nsecsElapsed()) / 1e6;
            }
        }
        figures.expandMs = medianOf(expandMs);
        if (!spinUntil([&] { return !model.isLoading() && model.rowCount() == model.totalCount(); }, 300'000))
            return figures;
    }
    if (model.rowCount() == 0 || model.rowCount() != model.totalCount())
        return figures;
    figures.rows = model.rowCount();
    // The heartbeat: a 1 ms timer on the model's thread; its longest gap is the longest stall.
    QElapsedTimer beat;
    qint64 longest = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] { longest = std::max(longest, beat.restart()); });
    int refreshes = 0;
    QObject::connect(&model, &RunTableModel::refreshed, [&] { ++refreshes; });
    Store writer(db);
    const QString live = model.runAt(model.rowCount() / 2).id;
    const QString key = model.runAt(model.rowCount() / 2).metrics.firstKey();
    QList<double> times;
    for (int i = 0; i < rounds; ++i) {
        writer.series().logMetric(live, key.isEmpty() ? QStringLiteral("live") : key,
                                  MetricPoint{1'000'000 + i, nowMs(), double(i)});
        QElapsedTimer t;
        t.start();
        beat.start();
        heartbeat.start(1);
        model.refresh();
        if (!spinUntil([&] { return refreshes > i; }, 60'000))
            return figures;
        heartbeat.stop();
        times << double(t.nsecsElapsed()) / 1e6;
    }
    figures.refreshMs = medianOf(times);
    figures.longestStallMs = double(longest);
    return figures;
}

QList<BenchmarkFigure> measureWindow(const QString &binary, const QString &dir, bool quick,
                                     const std::function<void(const QString &)> &progress)
{
    const int runs = quick ? 1000 : 10000;
    // The same runs again as sweeps (a parent and its children, the table's tree).
    constexpr int SweepSize = 100;
    const QString wide = dir + QStringLiteral("/window-wide.db"),
                  empty = dir + QStringLiteral("/window-empty.db"),
                  sweeps = dir + QStringLiteral("/window-sweeps.db");
    if (progress)
        progress(QStringLiteral("window: %1 runs x 30 params x 10 metrics").arg(runs));
    removeScratchDatabase(wide);
    removeScratchDatabase(empty);
    removeScratchDatabase(sweeps);
    {
        Store store(wide);
        generateScaleData(store, ScaleOptions{runs, 30, 10, 20});
        store.database().checkpoint();
        Store{empty};
        Store nested(sweeps);
        generateScaleData(nested, ScaleOptions{runs, 30, 10, 20, SweepSize});
        nested.database().checkpoint();
    }
    const QString shot = dir + QStringLiteral("/window.png");
    const QString ready = QStringLiteral("ready in (\\d+) ms");
    QList<double> wideMs, emptyMs, sweepsMs;
    for (int i = 0; i < 5; ++i) {
        const QStringList common{QStringLiteral("--screenshot"), shot,
                                 QStringLiteral("--size"),       QStringLiteral("1500x900"),
                                 QStringLiteral("--theme"),      QStringLiteral("light")};
        emptyMs << runWindow(binary, QStringList{QStringLiteral("--db"), empty} + common, ready);
        wideMs << runWindow(binary, QStringList{QStringLiteral("--db"), wide} + common, ready);
        sweepsMs << runWindow(binary, QStringList{QStringLiteral("--db"), sweeps} + common, ready);
    }
    if (progress)
        progress(QStringLiteral("window: scrolling the whole table"));
    const double stall = runWindow(binary,
                                   {QStringLiteral("--db"), wide, QStringLiteral("--scroll-check"),
                                    QStringLiteral("--size"), QStringLiteral("1500x900")},
                                   QStringLiteral("longest stall (\\d+) ms"));
    if (progress)
        progress(QStringLiteral("window: refreshing a runs table with every run loaded, one run changing"));
    const TableRefreshFigures refresh = measureTableRefresh(wide, quick ? 3 : 9);
    if (progress)
        progress(
            QStringLiteral("window: the same runs as sweeps of %1, every sweep expanded").arg(SweepSize));
    const TableRefreshFigures tree = measureTableRefresh(sweeps, quick ? 3 : 9, true);
    const double w = medianOf(wideMs), e = medianOf(emptyMs), sw = medianOf(sweepsMs);
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
    figure(QStringLiteral("window.table_refresh_%1_loaded").arg(refresh.rows), refresh.refreshMs,
           QStringLiteral("ms"), {}, std::nullopt);
    figure(QStringLiteral("window.table_refresh_longest_stall"), refresh.longestStallMs, QStringLiteral("ms"),
           QStringLiteral("<= 50 ms"),
           refresh.longestStallMs >= 0 && !quick ? std::optional<bool>(refresh.longestStallMs <= 50)
                                                 : std::nullopt);
    // The tree: opening on sweeps costs what a flat listing does; expanding one is a blink.
    figure(QStringLiteral("window.ready_%1_runs_in_sweeps").arg(runs), sw, QStringLiteral("ms"),
           QStringLiteral("<= 500 ms"), sw > 0 && !quick ? std::optional<bool>(sw <= 500) : std::nullopt);
    figure(QStringLiteral("window.tree_expand_%1_children").arg(SweepSize - 1), tree.expandMs,
           QStringLiteral("ms"), QStringLiteral("<= 100 ms"),
           tree.expandMs >= 0 && !quick ? std::optional<bool>(tree.expandMs <= 100) : std::nullopt);
    figure(QStringLiteral("window.tree_refresh_%1_expanded").arg(tree.rows), tree.refreshMs,
           QStringLiteral("ms"), {}, std::nullopt);
    figure(QStringLiteral("window.tree_refresh_longest_stall"), tree.longestStallMs, QStringLiteral("ms"),
           QStringLiteral("<= 50 ms"),
           tree.longestStallMs >= 0 && !quick ? std::optional<bool>(tree.longestStallMs <= 50)
                                              : std::nullopt);
    return out;
}

} // namespace runlens
