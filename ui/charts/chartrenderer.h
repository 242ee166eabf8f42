// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Draws one metric chart (frame, axes, curves, group bands, non-finite marks) with QPainter into any paint
// device: the chart widget, a PNG, an SVG or a PDF, so every export is the chart on screen. Dense curves
// (more points than pixel columns) are rasterised column by column: each pixel column gets the vertical span
// its points cover, plus the halves of the segments joining it to its neighbours. That is exactly what an
// aliased 1-pixel line through every point covers, at a cost that follows the pixels, not the points; the
// per-column first/min/max/last the store returns (M4) is all it needs. Sparse curves are stroked
// antialiased.

#include "charts/axisticks.h"
#include "series/chartdata.h"

#include <optional>
#include <QColor>
#include <QFont>
#include <QHash>
#include <QPalette>
#include <QRectF>
#include <QString>

class QPainter;
class QImage;

namespace runlens {

struct ChartRunStyle
{
    QString name;
    QColor color;
    bool visible = true;
};

// Runs drawn together as a mean line with a band (seeds averaged): the runs sharing a param or tag value.
struct ChartGroup
{
    QString name;
    QColor color;
    QStringList runIds;
};

struct ChartOptions
{
    bool logY = false;
    bool ignoreOutliers = false;                     // y range: 5th-95th percentile of the visible data
    std::optional<std::pair<double, double>> yRange; // manual y range
    bool stdDevBand = false;                         // groups: mean +- std band instead of min-max
    double smoothing = 0; // > 0: the raw curve is drawn faint behind the smoothed one
    QString xLabel;       // the x axis' name; empty: the axis' own ("Step", "Wall time", ...)
    QString yLabel;       // the y axis' name, written upwards at the left; empty: none
};

class ChartRenderer
{
public:
    ChartRenderer(const ChartData &data, const QHash<QString, ChartRunStyle> &styles,
                  const std::vector<ChartGroup> &groups, const ChartOptions &options, qint64 viewX0,
                  qint64 viewX1, const QPalette &palette);

    // The plot area inside `bounds` (room left for the title, tick labels and axis names). It does not depend
    // on the data, so a chart knows the width to read its data at before the data arrives.
    static QRectF plotRect(const QRectF &bounds);
    // The same for text in `font`, with room for a y axis name when `yLabel`.
    // labelWidth: the y tick labels' widest, instead of room for the widest any axis writes.
    static QRectF plotRect(const QRectF &bounds, const QFont &font, bool yLabel,
                           std::optional<double> labelWidth = std::nullopt);
    // Text in this font (an export's), and the plot as wide as the y labels drawn allow (a narrow figure
    // keeps its room for the curves); otherwise the painter's font, laid out as the application font.
    void setFont(const QFont &font);
    // The plot area paint() draws in: plotRect() with this renderer's font, its left margin fitted to the y
    // labels drawn when a font was set.
    QRectF fittedPlotRect(const QRectF &bounds) const;
    // vector: curves as paths (SVG, PDF), else rasterised at `scale` device pixels per unit.
    void paint(QPainter &p, const QRectF &bounds, qreal scale = 1, bool vector = false) const;

    std::pair<double, double> yRange() const { return {m_y0, m_y1}; } // in data units (log: powers of ten)
    double xToPixel(double x, const QRectF &plot) const;
    double pixelToX(double px, const QRectF &plot) const;
    double yToPixel(double y, const QRectF &plot) const; // NaN for a value a log axis cannot show
    double pixelToY(double py, const QRectF &plot) const;
    // The ticks drawn in `plot`, with their labels (positions in axis units: log10 of the value on a log
    // y axis).
    std::vector<axisticks::Tick> xTicks(const QRectF &plot) const;
    std::vector<axisticks::Tick> yTicks(const QRectF &plot) const;
    // The pixel column (0-based, in `width` columns) a data x falls in; matches the store's reduction.
    int columnOfX(qint64 x, int width) const;

    // Drawing every given point through this chart's mapping, as the reference for the dense rasteriser
    // (the test that proves the reduction lossless).
    static void rasterizeSpans(QImage &image, const std::vector<std::pair<int, double>> &vertices,
                               QColor color);

private:
    struct Vertex
    {
        qint64 x;
        double y;
    };
    std::vector<Vertex> vertices(const std::vector<M4Column> &columns) const;
    // Dense curves go into `layer` (one image for all of a chart's curves, drawn once at the end).
    void paintCurve(QPainter &p, const QRectF &plot, qreal scale, bool vector,
                    const std::vector<M4Column> &cols, QColor color, qreal width, QImage &layer) const;
    void paintGroups(QPainter &p, const QRectF &plot) const;
    void paintMarks(QPainter &p, const QRectF &plot) const;
    void paintAxes(QPainter &p, const QRectF &bounds, const QRectF &plot) const;
    void computeYRange();
    bool isVisible(const QString &runId) const;
    double ty(double v) const; // the y axis' own units (log10 on a log axis)

    const ChartData &m_data;
    const QHash<QString, ChartRunStyle> &m_styles;
    const std::vector<ChartGroup> &m_groups;
    ChartOptions m_options;
    qint64 m_vx0, m_vx1;
    QPalette m_palette;
    std::optional<QFont> m_font;
    double m_y0 = 0, m_y1 = 1;   // data units
    double m_ty0 = 0, m_ty1 = 1; // axis units
};

} // namespace runlens
