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

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QHash>
#include <QPalette>

namespace runlens::cli {

namespace {

struct PictureSize
{
    QSizeF size;                       // in logical pixels
    qreal scale = 1;                   // PNG pixels per logical pixel
    std::optional<QSizeF> millimetres; // the size on paper, when given so
    double fontPoints = 0;             // 0: the application's font
};

double positiveNumber(const QCommandLineParser &p, const QString &name, double lo, double hi)
{
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || !(v >= lo && v <= hi))
        throw UsageProblem{QStringLiteral("--%1 must be a number from %2 to %3 (got '%4')")
                               .arg(name)
                               .arg(lo)
                               .arg(hi)
                               .arg(p.value(name))};
    return v;
}

// --size WxH (pixels, as always), --size WxHmm or --width-mm/--height-mm (paper), --scale, --dpi,
// --font-size.
PictureSize pictureSize(const QCommandLineParser &p)
{
    PictureSize picture;
    const QString sizeText = p.value(QStringLiteral("size")).trimmed();
    const bool mmSize = sizeText.endsWith(QLatin1String("mm"), Qt::CaseInsensitive);
    const bool paperOptions = p.isSet(QStringLiteral("width-mm")) || p.isSet(QStringLiteral("height-mm"));
    if (mmSize && paperOptions)
        throw UsageProblem{QStringLiteral("give the size either with --size or with --width-mm/--height-mm")};
    if (p.isSet(QStringLiteral("size")) && !mmSize && paperOptions)
        throw UsageProblem{QStringLiteral("--size in pixels and --width-mm/--height-mm exclude each other")};
    if (p.isSet(QStringLiteral("height-mm")) && !p.isSet(QStringLiteral("width-mm")))
        throw UsageProblem{QStringLiteral("--height-mm goes with --width-mm")};
    if (mmSize) {
        const QStringList wh = sizeText.chopped(2).split(QLatin1Char('x'));
        bool okW = false, okH = false;
        const double w = wh.value(0).toDouble(&okW), h = wh.size() == 2 ? wh[1].toDouble(&okH) : 0;
        if (!okW || !okH || !(w >= 20 && w <= 2000) || !(h >= 15 && h <= 2000))
            throw UsageProblem{
                QStringLiteral("--size expects WIDTHxHEIGHTmm from 20x15mm to 2000x2000mm (got '%1')")
                    .arg(sizeText)};
        picture.millimetres = QSizeF(w, h);
    } else if (paperOptions) {
        const double w = positiveNumber(p, QStringLiteral("width-mm"), 20, 2000);
        const double h = p.isSet(QStringLiteral("height-mm"))
                             ? positiveNumber(p, QStringLiteral("height-mm"), 15, 2000)
                             : std::max(15.0, w * 2 / 3);
        picture.millimetres = QSizeF(w, h);
    } else {
        picture.size = QSizeF(1200, 800);
        if (p.isSet(QStringLiteral("size"))) {
            const QStringList wh = sizeText.split(QLatin1Char('x'));
            const int w = wh.value(0).toInt(), h = wh.size() == 2 ? wh[1].toInt() : 0;
            if (w < 200 || h < 150 || w > 20000 || h > 20000)
                throw UsageProblem{
                    QStringLiteral("--size expects WIDTHxHEIGHT from 200x150 to 20000x20000 (got '%1')")
                        .arg(sizeText)};
            picture.size = QSizeF(w, h);
        }
    }

    if (picture.millimetres) {
        if (p.isSet(QStringLiteral("scale")))
            throw UsageProblem{
                QStringLiteral("--scale goes with a size in pixels; use --dpi for millimetres")};
        picture.size = chartexport::logicalSizeOfMillimetres(*picture.millimetres);
        const double dpi =
            p.isSet(QStringLiteral("dpi")) ? positiveNumber(p, QStringLiteral("dpi"), 96, 768) : 300;
        picture.scale = dpi / chartexport::LogicalDpi;
        picture.fontPoints = 8;
    } else {
        if (p.isSet(QStringLiteral("dpi")))
            throw UsageProblem{
                QStringLiteral("--dpi goes with a size in millimetres; use --scale for pixels")};
        const qint64 scale = integerOption(p, QStringLiteral("scale"), 1);
        if (scale < 1 || scale > 8)
            throw UsageProblem{QStringLiteral("--scale must be from 1 to 8")};
        picture.scale = qreal(scale);
    }
    if (p.isSet(QStringLiteral("font-size")))
        picture.fontPoints = positiveNumber(p, QStringLiteral("font-size"), 4, 24);
    return picture;
}

// Charts of one picture on the same x axis show the same x range (validation curves that start at step 50
// line up under training curves from step 0).
void shareXRanges(std::vector<ChartGridCell> &cells)
{
    for (ChartGridCell &c : cells) {
        for (const ChartGridCell &other : cells) {
            if (other.data->request.xAxis != c.data->request.xAxis || other.x1 < other.x0)
                continue;
            c.x0 = std::min(c.x0, other.x0);
            c.x1 = std::max(c.x1, other.x1);
        }
    }
}

} // namespace

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
    p.addOption({QStringLiteral("size"),
                 QStringLiteral("Picture size: WxH in pixels (default 1200x800), or WxHmm in millimetres "
                                "(a page of that size, text at --font-size)."),
                 QStringLiteral("WxH[mm]")});
    p.addOption({QStringLiteral("width-mm"),
                 QStringLiteral("Width on paper in millimetres, e.g. 85 for a column (instead of --size)."),
                 QStringLiteral("MM")});
    p.addOption({QStringLiteral("height-mm"),
                 QStringLiteral("Height on paper in millimetres (default: two thirds of the width)."),
                 QStringLiteral("MM")});
    p.addOption({QStringLiteral("font-size"),
                 QStringLiteral("Text size in points on paper, 4 to 24 (default 8; with a size in pixels, "
                                "the application's)."),
                 QStringLiteral("PT")});
    p.addOption({QStringLiteral("dpi"),
                 QStringLiteral("PNG pixels per inch for a size in millimetres, 96 to 768 (default 300)."),
                 QStringLiteral("N")});
    p.addOption(
        {QStringLiteral("title"), QStringLiteral("A title above the charts."), QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("x-label"),
                 QStringLiteral("The x axis' name (default: Step, Wall time or Relative time)."),
                 QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("y-label"),
                 QStringLiteral("The y axis' name (default: none; each chart is "
                                "titled by its metric)."),
                 QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("legend"),
                 QStringLiteral("Where the legend goes: below (default), outside-right, top-right, top-left, "
                                "bottom-right, bottom-left (inside the first chart) or none."),
                 QStringLiteral("WHERE")});
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
    const double smoothing =
        p.isSet(QStringLiteral("smooth")) ? positiveNumber(p, QStringLiteral("smooth"), 0, 0.999) : 0;
    const PictureSize picture = pictureSize(p);
    ChartGridStyle gridStyle;
    gridStyle.title = p.value(QStringLiteral("title"));
    if (p.isSet(QStringLiteral("legend"))) {
        const auto legend = legendPlacementFromName(p.value(QStringLiteral("legend")));
        if (!legend)
            throw UsageProblem{QStringLiteral("--legend must be one of %1 (got '%2')")
                                   .arg(legendPlacementNames().join(QStringLiteral(", ")),
                                        p.value(QStringLiteral("legend")))};
        gridStyle.legend = *legend;
    }
    if (picture.fontPoints > 0) {
        QFont font = QGuiApplication::font();
        font.setPointSizeF(picture.fontPoints);
        gridStyle.font = font;
    }
    expectArguments(p, 0, QString());

    Store store = openExisting(db);
    std::vector<Run> runs;
    if (p.isSet(QStringLiteral("runs"))) {
        // Read in one batch, drawn in the order given; every missing id is named at once, so that one
        // correction makes the command work.
        QStringList ids;
        for (const QString &id : p.value(QStringLiteral("runs")).split(QLatin1Char(','), Qt::SkipEmptyParts))
            ids << id.trimmed();
        QHash<QString, Run> byId;
        for (Run &r : store.runs().runs(ids))
            byId.insert(r.id, std::move(r));
        QStringList missing;
        for (const QString &id : std::as_const(ids)) {
            if (const auto it = byId.constFind(id); it != byId.cend())
                runs.push_back(*it);
            else
                missing << id;
        }
        if (missing.size() == 1)
            throw Error(QStringLiteral("no run with id '%1'").arg(missing.first()), Error::Kind::NotFound);
        if (!missing.isEmpty())
            throw Error(QStringLiteral("no runs with ids '%1'").arg(missing.join(QStringLiteral("', '"))),
                        Error::Kind::NotFound);
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
    const ChartGrid grid(int(keys.size()), columns, styles, groups, order, palette, gridStyle);
    const QRectF bounds(QPointF(0, 0), picture.size);
    const bool vector = chartexport::formatOf(outPath) != QLatin1String("png");
    ChartOptions options;
    options.logY = p.isSet(QStringLiteral("log-y"));
    options.ignoreOutliers = p.isSet(QStringLiteral("ignore-outliers"));
    options.smoothing = smoothing;
    options.xLabel = p.value(QStringLiteral("x-label"));
    options.yLabel = p.value(QStringLiteral("y-label"));
    std::vector<ChartGridCell> cells;
    QStringList missingKeys;
    for (qsizetype i = 0; i < keys.size(); ++i) {
        ChartRequest r;
        r.runs = chartRuns;
        r.key = keys[i];
        r.xAxis = systemmetrics::chartAxis(keys[i], *axis); // as the Compare page draws it
        r.smoothing = smoothing;
        // Read at the plot's pixel width: what is drawn is then every point's picture.
        const double plotWidth =
            ChartRenderer::plotRect(grid.cell(bounds, int(i)), grid.font(), !options.yLabel.isEmpty())
                .width();
        r.width = std::max(1, int(std::lround(plotWidth * (vector ? 1.0 : picture.scale)))) *
                  (p.isSet(QStringLiteral("full-resolution")) ? 8 : 1);
        auto data = std::make_shared<const ChartData>(loadChartData(store.series(), r));
        if (data->series.empty())
            missingKeys << keys[i];
        cells.push_back({data, data->x0, data->x1, options});
    }
    // A chart without a curve is no picture to publish: nothing is written.
    if (!missingKeys.isEmpty())
        throw Error(QStringLiteral("no chosen run has the metric%1 '%2'")
                        .arg(missingKeys.size() > 1 ? QStringLiteral("s") : QString(),
                             missingKeys.join(QStringLiteral("', '"))),
                    Error::Kind::NotFound);
    shareXRanges(cells);
    QString error;
    if (!chartexport::write(
            outPath, picture.size, picture.scale,
            [&](QPainter &painter, const QRectF &b, qreal s, bool v) { grid.paint(painter, b, s, v, cells); },
            &error, picture.millimetres))
        throw Error(error);
    out() << QStringLiteral("Wrote %1 (%2 chart(s) of %3 run(s))\n")
                 .arg(display::escapeControls(outPath))
                 .arg(keys.size())
                 .arg(runs.size());
    return Ok;
}

} // namespace runlens::cli
