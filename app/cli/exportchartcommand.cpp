// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/exportchartcommand.h"

#include "charts/chartexport.h"
#include "charts/chartgrid.h"
#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/runcolormap.h"
#include "series/systemmetrics.h"
#include "store/store.h"

#include <cmath>
#include <memory>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QPalette>

namespace runlens::cli {

int exportChartCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("runs"), QStringLiteral("The runs to draw: ids separated by commas."),
                 QStringLiteral("ID,...")});
    p.addOption({QStringLiteral("filter"),
                 QStringLiteral("Instead of --runs: the runs an MLflow search filter finds (\"\" for all)."),
                 QStringLiteral("EXPR")});
    p.addOption({QStringLiteral("experiment"), QStringLiteral("With --filter: only runs of this experiment."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("metric"),
                 QStringLiteral("A metric key to chart; repeat for a grid of charts."),
                 QStringLiteral("KEY")});
    p.addOption({QStringLiteral("x"),
                 QStringLiteral("X axis: step (default), time or relative. System metrics (system/...) are "
                                "always on relative time."),
                 QStringLiteral("AXIS")});
    p.addOption({QStringLiteral("smooth"),
                 QStringLiteral("TensorBoard's smoothing weight, 0 (off, default) to 0.999."),
                 QStringLiteral("W")});
    p.addOption({QStringLiteral("log-y"), QStringLiteral("Logarithmic y axis.")});
    p.addOption({QStringLiteral("ignore-outliers"),
                 QStringLiteral("Fit the y axis to the 5th-95th percentile of the data.")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Picture size in pixels (default 1200x800)."),
                 QStringLiteral("WxH")});
    p.addOption({QStringLiteral("scale"), QStringLiteral("PNG pixels per picture pixel, 1 to 8 (default 1)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("full-resolution"),
                 QStringLiteral("Reduce at 8x the width (every point of series up to that length).")});
    p.addOption({QStringLiteral("out"), QStringLiteral("The file to write: .png, .svg or .pdf."),
                 QStringLiteral("FILE")});
    if (!parse(p, QStringLiteral("export-chart"),
               QStringLiteral("Draw metric charts of runs into a PNG, SVG or PDF file, as the Compare page "
                              "draws them."),
               args))
        return Ok;
    if (p.isSet(QStringLiteral("runs")) == p.isSet(QStringLiteral("filter")))
        throw UsageProblem{QStringLiteral("give either --runs ID,... or --filter EXPR")};
    if (p.isSet(QStringLiteral("experiment")) && !p.isSet(QStringLiteral("filter")))
        throw UsageProblem{QStringLiteral("--experiment goes with --filter")};
    const QStringList keys = p.values(QStringLiteral("metric"));
    if (keys.isEmpty())
        throw UsageProblem{QStringLiteral("give at least one --metric KEY")};
    const QString outPath = p.value(QStringLiteral("out"));
    if (outPath.isEmpty())
        throw UsageProblem{QStringLiteral("give the file to write with --out FILE.png|svg|pdf")};
    if (chartexport::formatOf(outPath).isEmpty())
        throw UsageProblem{QStringLiteral("--out must end in .png, .svg or .pdf (got '%1')").arg(outPath)};
    const auto axis = chartXAxisFromName(
        p.value(QStringLiteral("x")).isEmpty() ? QStringLiteral("step") : p.value(QStringLiteral("x")));
    if (!axis)
        throw UsageProblem{QStringLiteral("--x must be step, time or relative (got '%1')")
                               .arg(p.value(QStringLiteral("x")))};
    double smoothing = 0;
    if (p.isSet(QStringLiteral("smooth"))) {
        bool ok = false;
        smoothing = p.value(QStringLiteral("smooth")).toDouble(&ok);
        if (!ok || !(smoothing >= 0 && smoothing <= 0.999))
            throw UsageProblem{QStringLiteral("--smooth must be a number from 0 to 0.999 (got '%1')")
                                   .arg(p.value(QStringLiteral("smooth")))};
    }
    QSize size(1200, 800);
    if (p.isSet(QStringLiteral("size"))) {
        const QStringList wh = p.value(QStringLiteral("size")).split(QLatin1Char('x'));
        const int w = wh.value(0).toInt(), h = wh.size() == 2 ? wh[1].toInt() : 0;
        if (w < 200 || h < 150 || w > 20000 || h > 20000)
            throw UsageProblem{
                QStringLiteral("--size expects WIDTHxHEIGHT from 200x150 to 20000x20000 (got '%1')")
                    .arg(p.value(QStringLiteral("size")))};
        size = QSize(w, h);
    }
    const qint64 scale = integerOption(p, QStringLiteral("scale"), 1);
    if (scale < 1 || scale > 8)
        throw UsageProblem{QStringLiteral("--scale must be from 1 to 8")};
    expectArguments(p, 0, QString());

    Store store = openExisting(db);
    std::vector<Run> runs;
    if (p.isSet(QStringLiteral("runs"))) {
        for (const QString &id :
             p.value(QStringLiteral("runs")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            runs.push_back(requireRun(store, id.trimmed()));
        }
    } else {
        RunQuery q;
        q.filter = p.value(QStringLiteral("filter"));
        if (p.isSet(QStringLiteral("experiment")))
            q.experiments << requireExperiment(store, p.value(QStringLiteral("experiment"))).id;
        runs = store.runs().searchRuns(q);
    }
    if (runs.empty())
        throw Error(QStringLiteral("no runs to draw"), Error::Kind::NotFound);

    // The same pieces the Compare page draws with: run colours and names, a grid of charts, a legend. The
    // colours go in the order the runs were given (--runs, or the filter's order), distinct while the
    // palette has room, pins first.
    RunColorMap colors;
    colors.hold(QStringLiteral("export"), RunColorMap::membersOf(runs));
    QHash<QString, ChartRunStyle> styles;
    std::vector<ChartRun> chartRuns;
    QStringList order;
    for (const Run &r : runs) {
        styles.insert(r.id, {r.name.isEmpty() ? r.id.left(8) : r.name, colors.colorOf(r.id), true});
        chartRuns.push_back({r.id, r.startMs});
        order << r.id;
    }
    const std::vector<ChartGroup> groups;
    const QPalette palette = QGuiApplication::palette();
    const int columns = keys.size() <= 1 ? 1 : keys.size() <= 4 ? 2 : 3;
    const ChartGrid grid(int(keys.size()), columns, styles, groups, order, palette);
    const QRectF bounds(QPointF(0, 0), QSizeF(size));
    const bool vector = chartexport::formatOf(outPath) != QLatin1String("png");
    ChartOptions options;
    options.logY = p.isSet(QStringLiteral("log-y"));
    options.ignoreOutliers = p.isSet(QStringLiteral("ignore-outliers"));
    options.smoothing = smoothing;
    std::vector<ChartGridCell> cells;
    for (qsizetype i = 0; i < keys.size(); ++i) {
        ChartRequest r;
        r.runs = chartRuns;
        r.key = keys[i];
        r.xAxis = systemmetrics::chartAxis(keys[i], *axis); // as the Compare page draws it
        r.smoothing = smoothing;
        // Read at the plot's pixel width: what is drawn is then every point's picture.
        const double plotWidth = ChartRenderer::plotRect(grid.cell(bounds, int(i))).width();
        r.width = int(std::lround(plotWidth * (vector ? 1.0 : double(scale)))) *
                  (p.isSet(QStringLiteral("full-resolution")) ? 8 : 1);
        auto data = std::make_shared<const ChartData>(loadChartData(store.series(), r));
        if (data->series.empty())
            err() << "runlens export-chart: no run has the metric '" << display::escapeControls(keys[i])
                  << "'\n";
        cells.push_back({data, data->x0, data->x1, options});
    }
    QString error;
    if (!chartexport::write(
            outPath, QSizeF(size), qreal(scale),
            [&](QPainter &painter, const QRectF &b, qreal s, bool v) { grid.paint(painter, b, s, v, cells); },
            &error))
        throw Error(error);
    out() << QStringLiteral("Wrote %1 (%2 chart(s) of %3 run(s))\n")
                 .arg(display::escapeControls(outPath))
                 .arg(keys.size())
                 .arg(runs.size());
    return Ok;
}

} // namespace runlens::cli
