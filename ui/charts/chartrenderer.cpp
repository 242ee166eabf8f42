// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/chartrenderer.h"

#include "itemmodels/displaytext.h"
#include "series/seriesmath.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QDateTime>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

namespace runlens {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// Per pixel column, the rows an x-monotone polyline through column centres covers: what an aliased
// one-pixel line through the same vertices sets. A segment between columns gives each column the part of
// it inside the column's width.
class SpanRaster
{
public:
    SpanRaster(int width, int height)
        : m_width(width)
        , m_height(height)
        , m_lo(size_t(std::max(width, 0)), std::numeric_limits<float>::infinity())
        , m_hi(size_t(std::max(width, 0)), -std::numeric_limits<float>::infinity())
    {}
    void add(int column, double y)
    {
        // Far outside values are pulled in (rows beyond the image are cut anyway) so that floats stay sane.
        y = std::clamp(y, -4.0 * m_height - 4, 5.0 * m_height + 4);
        if (m_hasLast) {
            segment(m_lastColumn, m_lastY, column, y);
        } else {
            point(column, y);
        }
        m_hasLast = true;
        m_lastColumn = column;
        m_lastY = y;
    }
    void breakLine() { m_hasLast = false; }

    // Blends `color` once over every covered pixel (a curve never darkens itself where it overlaps).
    void fill(QImage &image, QColor color) const
    {
        const QRgb src = qPremultiply(color.rgba());
        const uint srcAlpha = qAlpha(src);
        for (int c = 0; c < m_width; ++c) {
            if (m_lo[size_t(c)] > m_hi[size_t(c)])
                continue;
            const int r0 = std::max(0, int(std::floor(m_lo[size_t(c)])));
            const int r1 = std::min(m_height - 1, int(std::floor(m_hi[size_t(c)])));
            for (int r = r0; r <= r1; ++r) {
                QRgb *px = reinterpret_cast<QRgb *>(image.scanLine(r)) + c;
                if (srcAlpha == 255) {
                    *px = src;
                } else {
                    const uint inv = 255 - srcAlpha;
                    const QRgb d = *px;
                    *px = qRgba(qRed(src) + qRed(d) * inv / 255, qGreen(src) + qGreen(d) * inv / 255,
                                qBlue(src) + qBlue(d) * inv / 255, qAlpha(src) + qAlpha(d) * inv / 255);
                }
            }
        }
    }
    // The same spans as one-pixel-wide strokes, for vector output.
    void addTo(QPainterPath &path, QPointF origin) const
    {
        for (int c = 0; c < m_width; ++c) {
            if (m_lo[size_t(c)] > m_hi[size_t(c)])
                continue;
            const double r0 = std::max(0.0, std::floor(double(m_lo[size_t(c)])));
            const double r1 = std::min(double(m_height), std::floor(double(m_hi[size_t(c)])) + 1);
            if (r1 <= r0)
                continue;
            path.moveTo(origin.x() + c + 0.5, origin.y() + r0);
            path.lineTo(origin.x() + c + 0.5, origin.y() + r1);
        }
    }

private:
    void point(int c, double y)
    {
        if (c < 0 || c >= m_width)
            return;
        m_lo[size_t(c)] = std::min(m_lo[size_t(c)], float(y));
        m_hi[size_t(c)] = std::max(m_hi[size_t(c)], float(y));
    }
    void segment(int c1, double y1, int c2, double y2)
    {
        if (c1 > c2) {
            std::swap(c1, c2);
            std::swap(y1, y2);
        }
        if (c1 == c2) {
            point(c1, y1);
            point(c1, y2);
            return;
        }
        const double slope = (y2 - y1) / double(c2 - c1);
        const int from = std::max(c1, 0), to = std::min(c2, m_width - 1);
        for (int c = from; c <= to; ++c) {
            const double a = std::max(double(c1), c - 0.5), b = std::min(double(c2), c + 0.5);
            point(c, y1 + (a - c1) * slope);
            point(c, y1 + (b - c1) * slope);
        }
    }

    int m_width, m_height;
    std::vector<float> m_lo, m_hi;
    bool m_hasLast = false;
    int m_lastColumn = 0;
    double m_lastY = 0;
};

} // namespace

ChartRenderer::ChartRenderer(const ChartData &data, const QHash<QString, ChartRunStyle> &styles,
                             const std::vector<ChartGroup> &groups, const ChartOptions &options,
                             qint64 viewX0, qint64 viewX1, const QPalette &palette)
    : m_data(data)
    , m_styles(styles)
    , m_groups(groups)
    , m_options(options)
    , m_vx0(viewX0)
    , m_vx1(std::max(viewX1, viewX0))
    , m_palette(palette)
{
    computeYRange();
}

bool ChartRenderer::isVisible(const QString &runId) const
{
    const auto it = m_styles.find(runId);
    return it == m_styles.end() || it->visible;
}

double ChartRenderer::ty(double v) const
{
    if (!m_options.logY)
        return v;
    return v > 0 ? std::log10(v) : NaN;
}

void ChartRenderer::computeYRange()
{
    std::vector<double> sample;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    const auto take = [&](double v) {
        const double t = ty(v);
        if (!std::isfinite(t))
            return;
        lo = std::min(lo, t);
        hi = std::max(hi, t);
    };
    for (const ChartSeries &s : m_data.series) {
        if (!isVisible(s.runId))
            continue;
        for (const auto *cols : {&s.raw, &s.smoothed}) {
            for (const M4Column &c : *cols) {
                if (c.lastStep < m_vx0 || c.firstStep > m_vx1)
                    continue;
                take(c.min);
                take(c.max);
                if (m_options.ignoreOutliers && cols == &s.raw) {
                    // First and last of each column are real points spread evenly over the window: a
                    // systematic sample of the visible data, whose percentiles estimate the data's.
                    sample.push_back(ty(c.first));
                    sample.push_back(ty(c.last));
                }
            }
        }
    }
    if (m_options.ignoreOutliers && !sample.empty()) {
        std::vector<double> copy = sample;
        const double p5 = seriesmath::percentile(sample, 5), p95 = seriesmath::percentile(copy, 95);
        if (std::isfinite(p5) && std::isfinite(p95)) {
            lo = p5;
            hi = p95;
        }
    }
    if (m_options.yRange) {
        const double a = ty(m_options.yRange->first), b = ty(m_options.yRange->second);
        if (std::isfinite(a) && std::isfinite(b) && a != b) {
            m_ty0 = std::min(a, b);
            m_ty1 = std::max(a, b);
            m_y0 = m_options.logY ? std::pow(10, m_ty0) : m_ty0;
            m_y1 = m_options.logY ? std::pow(10, m_ty1) : m_ty1;
            return;
        }
    }
    if (!(lo <= hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo == hi) {
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    } else {
        const double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
    }
    m_ty0 = lo;
    m_ty1 = hi;
    m_y0 = m_options.logY ? std::pow(10, lo) : lo;
    m_y1 = m_options.logY ? std::pow(10, hi) : hi;
}

QRectF ChartRenderer::plotRect(const QRectF &bounds)
{
    return plotRect(bounds, QFont(), false);
}

QRectF ChartRenderer::plotRect(const QRectF &bounds, const QFont &font, bool yLabel,
                               std::optional<double> widest)
{
    // Room for the widest label the y axis writes ("-8.888e-88", "-888.8k").
    const QFontMetricsF fm(font);
    const double line = fm.height();
    const double labelWidth = widest.value_or(fm.horizontalAdvance(QStringLiteral("-8.888e-88")));
    const double nameWidth = yLabel ? line + 4 : 0;
    // Whole pixels, so that the curves' pixel columns are the device's.
    return QRectF(
        bounds.adjusted(nameWidth + labelWidth + 12, line + 10, -14, -(2 * line + 10)).toAlignedRect());
}

void ChartRenderer::setFont(const QFont &font)
{
    m_font = font;
}

std::vector<axisticks::Tick> ChartRenderer::yTicks(const QRectF &plot) const
{
    // A label line and some air between ticks: about one tick per 40 pixels, never fewer than three.
    const int target = std::max(3, int(plot.height() / 40));
    if (m_options.logY)
        return axisticks::logarithmic(m_ty0, m_ty1, target);
    return axisticks::linear(m_ty0, m_ty1, target);
}

std::vector<axisticks::Tick> ChartRenderer::xTicks(const QRectF &plot) const
{
    const auto ticks = [&](int target) -> std::vector<axisticks::Tick> {
        switch (m_data.request.xAxis) {
        case ChartXAxis::Step:
            return axisticks::linear(double(m_vx0), double(m_vx1), target, true);
        case ChartXAxis::WallTime:
            return axisticks::clockTimes(double(m_vx0), double(m_vx1), target);
        case ChartXAxis::RelativeTime:
            return axisticks::durations(double(m_vx0), double(m_vx1), target);
        }
        return {};
    };
    // About one per 80 pixels, never fewer than three; fewer where the labels would touch (a narrow chart
    // on paper).
    const QFontMetricsF fm(m_font.value_or(QFont()));
    int target = std::max(3, int(plot.width() / 80));
    std::vector<axisticks::Tick> out = ticks(target);
    for (; target > 1; --target) {
        double widest = 0;
        for (const axisticks::Tick &t : out)
            widest = std::max(widest, fm.horizontalAdvance(t.label));
        const double spacing = out.size() > 1 ? plot.width() * (out[1].position - out[0].position) /
                                                    (double(m_vx1) - double(m_vx0) + 1)
                                              : plot.width();
        if (spacing >= widest + fm.averageCharWidth() * 2)
            break;
        out = ticks(target - 1);
    }
    return out;
}

double ChartRenderer::xToPixel(double x, const QRectF &plot) const
{
    const double span = double(m_vx1) - double(m_vx0) + 1;
    return plot.left() + (x - double(m_vx0) + 0.5) * plot.width() / span;
}

double ChartRenderer::pixelToX(double px, const QRectF &plot) const
{
    const double span = double(m_vx1) - double(m_vx0) + 1;
    return double(m_vx0) + (px - plot.left()) * span / plot.width() - 0.5;
}

double ChartRenderer::yToPixel(double y, const QRectF &plot) const
{
    const double t = ty(y);
    if (std::isnan(t))
        return NaN;
    return plot.bottom() - (t - m_ty0) / (m_ty1 - m_ty0) * plot.height();
}

double ChartRenderer::pixelToY(double py, const QRectF &plot) const
{
    const double t = m_ty0 + (plot.bottom() - py) / plot.height() * (m_ty1 - m_ty0);
    return m_options.logY ? std::pow(10, t) : t;
}

int ChartRenderer::columnOfX(qint64 x, int width) const
{
    return m4::columnOf(x, m_vx0, m_vx1, width);
}

std::vector<ChartRenderer::Vertex> ChartRenderer::vertices(const std::vector<M4Column> &columns) const
{
    std::vector<Vertex> out;
    out.reserve(columns.size() * 4);
    const auto push = [&](qint64 x, double y) {
        if (!out.empty() && out.back().x == x && out.back().y == y)
            return;
        out.push_back({x, y});
    };
    for (const M4Column &c : columns) {
        push(c.firstStep, c.first);
        if (c.minStep <= c.maxStep) {
            push(c.minStep, c.min);
            push(c.maxStep, c.max);
        } else {
            push(c.maxStep, c.max);
            push(c.minStep, c.min);
        }
        push(c.lastStep, c.last);
    }
    return out;
}

void ChartRenderer::rasterizeSpans(QImage &image, const std::vector<std::pair<int, double>> &vertices,
                                   QColor color)
{
    SpanRaster raster(image.width(), image.height());
    for (const auto &[column, y] : vertices)
        raster.add(column, y);
    raster.fill(image, color);
}

void ChartRenderer::paintCurve(QPainter &p, const QRectF &plot, qreal scale, bool vector,
                               const std::vector<M4Column> &cols, QColor color, qreal width,
                               QImage &layer) const
{
    const std::vector<Vertex> vs = vertices(cols);
    if (vs.empty())
        return;
    const qreal s = vector ? 1.0 : scale;
    const int w = std::max(1, int(std::lround(plot.width() * s)));
    const int h = std::max(1, int(std::lround(plot.height() * s)));
    const bool dense = qint64(vs.size()) > w;
    if (!dense) {
        // Few points: a smooth antialiased stroke through them.
        QPainterPath path;
        bool open = false;
        for (const Vertex &v : vs) {
            const double py = yToPixel(v.y, plot);
            if (std::isnan(py)) {
                open = false;
                continue;
            }
            const QPointF pt(xToPixel(double(v.x), plot), std::clamp(py, plot.top() - 4 * plot.height(),
                                                                     plot.bottom() + 4 * plot.height()));
            if (open)
                path.lineTo(pt);
            else
                path.moveTo(pt);
            open = true;
        }
        p.save();
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        if (vs.size() == 1 || path.elementCount() == 1) {
            p.setBrush(color);
            p.drawEllipse(path.currentPosition(), 2.0, 2.0);
        }
        p.restore();
        return;
    }
    SpanRaster raster(w, h);
    for (const Vertex &v : vs) {
        const double t = ty(v.y);
        if (std::isnan(t)) {
            raster.breakLine();
            continue;
        }
        raster.add(columnOfX(v.x, w), (1.0 - (t - m_ty0) / (m_ty1 - m_ty0)) * h);
    }
    if (vector) {
        QPainterPath path;
        raster.addTo(path, plot.topLeft());
        p.save();
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(QPen(color, 1.0, Qt::SolidLine, Qt::FlatCap));
        p.drawPath(path);
        p.restore();
        return;
    }
    if (layer.size() != QSize(w, h)) {
        layer = QImage(w, h, QImage::Format_ARGB32_Premultiplied);
        layer.fill(Qt::transparent);
    }
    raster.fill(layer, color);
}

void ChartRenderer::paintGroups(QPainter &p, const QRectF &plot) const
{
    // Columns of the data's grid (which a live chart grows past its window's end).
    const int width = std::max(1, m_data.gridColumns > 0 ? m_data.gridColumns : m_data.request.width);
    const double span = double(m_data.gridColumns > 0 ? m_data.gridX1 : m_data.x1) - double(m_data.x0) + 1;
    const bool smoothed = m_options.smoothing > 0;
    QHash<QString, const ChartSeries *> byRun;
    for (const ChartSeries &s : m_data.series)
        byRun.insert(s.runId, &s);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const ChartGroup &g : m_groups) {
        // Per pixel column: each run's value at the column's end (its last point), and the extremes.
        std::vector<std::vector<double>> lasts(static_cast<size_t>(width));
        std::vector<double> lows(size_t(width), NaN), highs(size_t(width), NaN);
        for (const QString &id : g.runIds) {
            const ChartSeries *s = byRun.value(id);
            if (!s || !isVisible(id))
                continue;
            for (const M4Column &c : smoothed && !s->smoothed.empty() ? s->smoothed : s->raw) {
                if (c.column < 0 || c.column >= width)
                    continue;
                lasts[size_t(c.column)].push_back(c.last);
                double &lo = lows[size_t(c.column)], &hi = highs[size_t(c.column)];
                lo = std::isnan(lo) ? c.min : std::min(lo, c.min);
                hi = std::isnan(hi) ? c.max : std::max(hi, c.max);
            }
        }
        QPolygonF mean, upper, lower;
        for (int c = 0; c < width; ++c) {
            const auto &v = lasts[size_t(c)];
            if (v.empty())
                continue;
            double sum = 0;
            for (double x : v)
                sum += x;
            const double m = sum / double(v.size());
            double lo = lows[size_t(c)], hi = highs[size_t(c)];
            if (m_options.stdDevBand) {
                double sq = 0;
                for (double x : v)
                    sq += (x - m) * (x - m);
                const double sd = std::sqrt(sq / double(v.size()));
                lo = m - sd;
                hi = m + sd;
            }
            const double px = xToPixel(double(m_data.x0) + (c + 0.5) * span / width - 0.5, plot);
            const double pm = yToPixel(m, plot), pl = yToPixel(lo, plot), ph = yToPixel(hi, plot);
            if (std::isnan(pm))
                continue;
            mean << QPointF(px, pm);
            upper << QPointF(px, std::isnan(ph) ? pm : ph);
            lower << QPointF(px, std::isnan(pl) ? plot.bottom() : pl);
        }
        if (mean.isEmpty())
            continue;
        QPolygonF band = upper;
        for (auto it = lower.crbegin(); it != lower.crend(); ++it)
            band << *it;
        QColor fill = g.color;
        fill.setAlphaF(0.22);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawPolygon(band);
        p.setPen(QPen(g.color, 1.8));
        p.setBrush(Qt::NoBrush);
        p.drawPolyline(mean);
    }
    p.restore();
}

void ChartRenderer::paintMarks(QPainter &p, const QRectF &plot) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const ChartSeries &s : m_data.series) {
        if (!isVisible(s.runId) || s.marks.empty())
            continue;
        const QColor color = m_styles.value(s.runId).color.isValid() ? m_styles.value(s.runId).color
                                                                     : m_palette.color(QPalette::Text);
        p.setPen(QPen(color, 1.2));
        for (const NonFiniteMark &m : s.marks) {
            if (m.x < m_vx0 || m.x > m_vx1)
                continue;
            const double x = xToPixel(double(m.x), plot);
            if (m.kind == NonFiniteMark::NaN) {
                p.setBrush(Qt::NoBrush);
                p.drawEllipse(QPointF(x, plot.bottom() - 4), 3.0, 3.0);
            } else {
                const bool up = m.kind == NonFiniteMark::PositiveInfinity;
                const double y = up ? plot.top() + 1 : plot.bottom() - 1;
                const double d = up ? 6 : -6;
                p.setBrush(color);
                p.drawPolygon(QPolygonF({QPointF(x, y), QPointF(x - 3.5, y + d), QPointF(x + 3.5, y + d)}));
            }
        }
    }
    p.restore();
}

void ChartRenderer::paintAxes(QPainter &p, const QRectF &bounds, const QRectF &plot) const
{
    const QFontMetricsF fm(p.font());
    QColor grid = m_palette.color(QPalette::Text);
    grid.setAlphaF(0.12);
    QColor text = m_palette.color(QPalette::Text);
    QColor dim = text;
    dim.setAlphaF(0.7);

    // Title: the metric key.
    p.setPen(text);
    QFont bold = p.font();
    bold.setBold(true);
    p.save();
    p.setFont(bold);
    p.drawText(QRectF(plot.left(), bounds.top() + 2, plot.width(), fm.height() + 4),
               Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetricsF(bold).elidedText(display::elidedLine(m_data.request.key, display::MaxLabelChars),
                                              Qt::ElideMiddle, plot.width()));
    p.restore();

    for (const axisticks::Tick &t : yTicks(plot)) {
        const double y = plot.bottom() - (t.position - m_ty0) / (m_ty1 - m_ty0) * plot.height();
        p.setPen(grid);
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(dim);
        p.drawText(QRectF(bounds.left(), y - fm.height() / 2, plot.left() - bounds.left() - 6, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, t.label);
    }
    for (const axisticks::Tick &t : xTicks(plot)) {
        const double x = xToPixel(t.position, plot);
        if (x < plot.left() - 0.5 || x > plot.right() + 0.5)
            continue;
        p.setPen(grid);
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        p.setPen(dim);
        p.drawText(QRectF(x - 60, plot.bottom() + 4, 120, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                   t.label);
    }
    const ChartXAxis axis = m_data.request.xAxis;
    const QString axisName = !m_options.xLabel.isEmpty()    ? m_options.xLabel
                             : axis == ChartXAxis::Step     ? QObject::tr("Step")
                             : axis == ChartXAxis::WallTime ? QObject::tr("Wall time")
                                                            : QObject::tr("Relative time");
    p.setPen(dim);
    p.drawText(QRectF(plot.left(), plot.bottom() + 4 + fm.height(), plot.width(), fm.height() + 2),
               Qt::AlignHCenter | Qt::AlignTop, axisName);
    if (!m_options.yLabel.isEmpty()) {
        // Upwards along the left edge, centred on the plot.
        p.save();
        p.translate(bounds.left() + 2, plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-plot.height() / 2, 0, plot.height(), fm.height() + 2), Qt::AlignCenter,
                   m_options.yLabel);
        p.restore();
    }

    // Frame
    QColor frame = text;
    frame.setAlphaF(0.35);
    p.setPen(QPen(frame, 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
}

QRectF ChartRenderer::fittedPlotRect(const QRectF &bounds) const
{
    const QRectF plot = plotRect(bounds, m_font.value_or(QFont()), !m_options.yLabel.isEmpty());
    if (!m_font)
        return plot;
    // The ticks depend on the plot's height alone: fit the left margin to their labels.
    const QFontMetricsF fm(*m_font);
    double widest = fm.horizontalAdvance(QStringLiteral("0.0"));
    for (const axisticks::Tick &t : yTicks(plot))
        widest = std::max(widest, fm.horizontalAdvance(t.label));
    return plotRect(bounds, *m_font, !m_options.yLabel.isEmpty(), widest);
}

void ChartRenderer::paint(QPainter &p, const QRectF &bounds, qreal scale, bool vector) const
{
    p.save();
    if (m_font)
        p.setFont(*m_font);
    p.fillRect(bounds, m_palette.color(QPalette::Base));
    const QRectF plot = fittedPlotRect(bounds);
    if (plot.width() < 4 || plot.height() < 4) {
        p.restore();
        return;
    }
    paintAxes(p, bounds, plot);
    p.setClipRect(plot);
    if (!m_groups.empty()) {
        paintGroups(p, plot);
    } else {
        const bool smoothed = m_options.smoothing > 0;
        QImage layer;
        for (const ChartSeries &s : m_data.series) {
            if (!isVisible(s.runId))
                continue;
            QColor color = m_styles.value(s.runId).color;
            if (!color.isValid())
                color = m_palette.color(QPalette::Text);
            if (smoothed && !s.smoothed.empty()) {
                QColor faint = color;
                faint.setAlphaF(0.25);
                paintCurve(p, plot, scale, vector, s.raw, faint, 1.0, layer);
                paintCurve(p, plot, scale, vector, s.smoothed, color, 1.6, layer);
            } else {
                paintCurve(p, plot, scale, vector, s.raw, color, 1.4, layer);
            }
        }
        if (!layer.isNull())
            p.drawImage(plot, layer);
    }
    paintMarks(p, plot);
    p.restore();
}

} // namespace runlens
