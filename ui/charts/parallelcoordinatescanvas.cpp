// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/parallelcoordinatescanvas.h"

#include "itemmodels/displaytext.h"

#include "charts/linerasterizer.h"
#include "charts/plotpalette.h"
#include "plots/colorramp.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace runlens {

namespace {

constexpr double AxisGrab = 12.0; // how far from an axis a press still starts a brush
constexpr double LineGrab = 4.0;  // how far from a line the mouse still points at it
constexpr double DragStart = 3.0; // a press that moves less is a click (it clears the axis' brush)
constexpr double BrushWidth = 14.0;
constexpr double MissingGap = 22.0; // from the bottom of the axes to the missing slot

double segmentDistance(const QPointF &p, const QPointF &a, const QPointF &b)
{
    const QPointF ab = b - a;
    const double len = ab.x() * ab.x() + ab.y() * ab.y();
    double t = len > 0 ? ((p.x() - a.x()) * ab.x() + (p.y() - a.y()) * ab.y()) / len : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF d = p - (a + t * ab);
    return std::sqrt(d.x() * d.x() + d.y() * d.y());
}

QString categoryLabel(const QString &c)
{
    // Cut: a param value from elsewhere may be megabytes long, and labels are measured on every paint.
    return c.isEmpty() ? QStringLiteral("(empty)") : display::elidedLine(c, display::MaxLabelChars);
}

} // namespace

ParallelCoordinatesCanvas::ParallelCoordinatesCanvas(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ParallelCoordinatesCanvas::setData(std::vector<Axis> axes, std::vector<Line> lines,
                                        const QString &colorTitle, const std::optional<AxisScale> &colorScale)
{
    const bool sameRuns = std::equal(lines.begin(), lines.end(), m_lines.begin(), m_lines.end(),
                                     [](const Line &a, const Line &b) { return a.runId == b.runId; });
    m_axes = std::move(axes);
    m_lines = std::move(lines);
    m_colorTitle = colorTitle;
    m_colorScale = colorScale;
    m_message.clear();
    m_hover = -1;
    m_dragAxis = -1;
    if (sameRuns) {
        // A brush on an axis that is gone, or that changed meaning (another scale), no longer applies.
        for (auto it = m_brushes.begin(); it != m_brushes.end();) {
            const bool kept =
                std::any_of(m_axes.begin(), m_axes.end(), [&](const Axis &a) { return a.id == it.key(); });
            it = kept ? std::next(it) : m_brushes.erase(it);
        }
    } else {
        m_brushes.clear();
    }
    updateMask();
    relayout();
    if (sameRuns)
        emitIfChanged();
    else
        m_lastEmitted = brushedRunIds();
    Q_EMIT brushesChanged();
    update();
}

void ParallelCoordinatesCanvas::setMessage(const QString &sentence)
{
    m_axes.clear();
    m_colorScale.reset();
    m_message = sentence;
    const bool hadBrushes = !m_brushes.isEmpty();
    m_brushes.clear();
    m_hover = -1;
    m_dragAxis = -1;
    updateMask();
    relayout();
    if (hadBrushes) {
        emitIfChanged();
        Q_EMIT brushesChanged();
    }
    update();
}

QStringList ParallelCoordinatesCanvas::brushedRunIds() const
{
    QStringList ids;
    ids.reserve(qsizetype(m_lines.size()));
    for (size_t r = 0; r < m_lines.size(); ++r) {
        if (m_brushed[r])
            ids << m_lines[r].runId;
    }
    return ids;
}

void ParallelCoordinatesCanvas::clearBrushes()
{
    if (m_brushes.isEmpty())
        return;
    m_brushes.clear();
    updateMask();
    Q_EMIT brushesChanged();
    emitIfChanged();
    update();
}

void ParallelCoordinatesCanvas::setBrush(const QString &axisId,
                                         std::optional<std::pair<double, double>> range, bool includeMissing)
{
    if (range && range->first > range->second)
        std::swap(range->first, range->second);
    m_brushes.insert(axisId, Brush{range, includeMissing});
    updateMask();
    Q_EMIT brushesChanged();
    emitIfChanged();
    update();
}

void ParallelCoordinatesCanvas::updateMask()
{
    m_layerDirty = true;
    m_brushed.assign(m_lines.size(), 1);
    for (const Axis &axis : m_axes) {
        const auto it = m_brushes.constFind(axis.id);
        if (it == m_brushes.constEnd())
            continue;
        for (size_t r = 0; r < m_lines.size() && r < axis.unit.size(); ++r) {
            const std::optional<double> &u = axis.unit[r];
            const bool inside =
                u ? (it->range && *u >= it->range->first && *u <= it->range->second) : it->missing;
            if (!inside)
                m_brushed[r] = 0;
        }
    }
}

void ParallelCoordinatesCanvas::emitIfChanged()
{
    QStringList ids = brushedRunIds();
    if (ids == m_lastEmitted)
        return;
    m_lastEmitted = ids;
    Q_EMIT brushedRunsChanged(ids);
}

void ParallelCoordinatesCanvas::relayout()
{
    m_layerDirty = true;
    const QFontMetricsF fm(font());
    const int n = int(m_axes.size());
    m_anyMissing = std::any_of(m_axes.begin(), m_axes.end(), [](const Axis &a) {
        return std::any_of(a.unit.begin(), a.unit.end(), [](const auto &u) { return !u.has_value(); });
    });
    m_top = 12 + fm.height() + 10;
    m_bottom = std::max(m_top + 20, height() - 12.0 - (m_anyMissing ? MissingGap + fm.height() + 4 : 0.0));
    m_missingY = m_bottom + MissingGap;

    double legend = 0.0;
    if (m_colorScale) {
        double labels = 0.0;
        for (const auto &t : m_colorScale->ticks(std::max(2, int((m_bottom - m_top) / (fm.height() * 2.2)))))
            labels = std::max(labels, fm.horizontalAdvance(t.label));
        legend = 14 + 6 + labels + 10 + fm.height() + 12;
    }
    const double barLeft = width() - legend + 8;
    m_colorBar = m_colorScale ? QRectF(barLeft, m_top, 14, m_bottom - m_top) : QRectF();

    // The first axis' labels sit left of it: leave them room, up to a limit.
    double firstLabels = fm.horizontalAdvance(QStringLiteral("0.000"));
    if (n > 0) {
        const Axis &a = m_axes.front();
        if (!a.categories.isEmpty()) {
            for (const QString &c : a.categories)
                firstLabels = std::max(firstLabels, fm.horizontalAdvance(categoryLabel(c)));
        } else {
            for (const auto &t : a.fixedTicks.empty() ? a.scale.ticks(8) : a.fixedTicks)
                firstLabels = std::max(firstLabels, fm.horizontalAdvance(t.label));
        }
    }
    const double left = 10 + std::min(firstLabels, 110.0) + 8;
    const double right = std::max(left + 10, width() - legend - 28);
    m_axisX.assign(size_t(n), (left + right) / 2);
    for (int i = 0; n > 1 && i < n; ++i)
        m_axisX[size_t(i)] = left + i * (right - left) / (n - 1);

    m_polylines.assign(m_lines.size(), QPolygonF());
    for (size_t r = 0; r < m_lines.size(); ++r) {
        QPolygonF &poly = m_polylines[r];
        poly.reserve(n);
        for (int i = 0; i < n; ++i) {
            const auto &units = m_axes[size_t(i)].unit;
            const std::optional<double> u = r < units.size() ? units[r] : std::nullopt;
            poly << QPointF(m_axisX[size_t(i)], u ? yOf(*u) : m_missingY);
        }
    }
    m_drawOrder.resize(m_lines.size());
    for (size_t r = 0; r < m_lines.size(); ++r)
        m_drawOrder[r] = int(r);
    std::stable_sort(m_drawOrder.begin(), m_drawOrder.end(), [this](int a, int b) {
        return m_lines[size_t(a)].colorUnit.value_or(-1.0) < m_lines[size_t(b)].colorUnit.value_or(-1.0);
    });
}

double ParallelCoordinatesCanvas::yOf(double unit) const
{
    return m_bottom - unit * (m_bottom - m_top);
}

double ParallelCoordinatesCanvas::unitOf(double y) const
{
    return (m_bottom - y) / (m_bottom - m_top);
}

int ParallelCoordinatesCanvas::axisAt(const QPointF &pos) const
{
    const double lowest = m_anyMissing ? m_missingY + 10 : m_bottom + 10;
    if (pos.y() < m_top - 10 || pos.y() > lowest)
        return -1;
    int best = -1;
    double bestDistance = AxisGrab;
    for (int i = 0; i < int(m_axisX.size()); ++i) {
        const double d = std::abs(pos.x() - m_axisX[size_t(i)]);
        if (d <= bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

int ParallelCoordinatesCanvas::lineAt(const QPointF &pos) const
{
    int best = -1;
    double bestDistance = LineGrab;
    // Top-most first: the draw order puts brushed lines over faint ones and high values over low ones.
    for (int k = int(m_drawOrder.size()) - 1; k >= 0; --k) {
        const int r = m_drawOrder[size_t(k)];
        const QPolygonF &poly = m_polylines[size_t(r)];
        for (qsizetype i = 1; i < poly.size(); ++i) {
            if (pos.x() < std::min(poly[i - 1].x(), poly[i].x()) - LineGrab ||
                pos.x() > std::max(poly[i - 1].x(), poly[i].x()) + LineGrab)
                continue;
            const double d = segmentDistance(pos, poly[i - 1], poly[i]);
            const bool better = d < bestDistance - 0.01 || (d <= bestDistance && best >= 0 &&
                                                            m_brushed[size_t(r)] && !m_brushed[size_t(best)]);
            if (better) {
                bestDistance = d;
                best = r;
            }
        }
    }
    return best;
}

ParallelCoordinatesCanvas::Brush ParallelCoordinatesCanvas::brushFromDrag(int axis, double y0,
                                                                          double y1) const
{
    const double upper = std::min(y0, y1), lower = std::max(y0, y1);
    Brush b;
    if (upper <= m_bottom + 6) {
        const double hi = std::clamp(unitOf(std::max(upper, m_top)), 0.0, 1.0);
        const double lo = std::clamp(unitOf(std::min(lower, m_bottom)), 0.0, 1.0);
        b.range = std::make_pair(lo, hi);
    }
    const auto &units = m_axes[size_t(axis)].unit;
    const bool hasMissing =
        std::any_of(units.begin(), units.end(), [](const auto &u) { return !u.has_value(); });
    b.missing = hasMissing && lower >= m_missingY - 8;
    return b;
}

std::vector<ParallelCoordinatesCanvas::AxisGeometry> ParallelCoordinatesCanvas::axisGeometry() const
{
    std::vector<AxisGeometry> out;
    for (size_t i = 0; i < m_axes.size(); ++i) {
        AxisGeometry g;
        g.id = m_axes[i].id;
        g.x = m_axisX[i];
        g.top = m_top;
        g.bottom = m_bottom;
        g.missingY = m_missingY;
        g.hasMissing = std::any_of(m_axes[i].unit.begin(), m_axes[i].unit.end(),
                                   [](const auto &u) { return !u.has_value(); });
        out.push_back(g);
    }
    return out;
}

std::vector<ParallelCoordinatesCanvas::Polyline> ParallelCoordinatesCanvas::polylines() const
{
    const PlotPalette c = PlotPalette::from(palette());
    std::vector<Polyline> out;
    for (size_t r = 0; r < m_lines.size() && !m_axes.empty(); ++r) {
        const auto &u = m_lines[r].colorUnit;
        out.push_back(
            {m_lines[r].runId, m_polylines[r], u ? ColorRamp::at(*u, c.dark) : c.muted, m_brushed[r] != 0});
    }
    return out;
}

void ParallelCoordinatesCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void ParallelCoordinatesCanvas::paintEvent(QPaintEvent *)
{
    const PlotPalette c = PlotPalette::from(palette());
    QPainter p(this);
    p.fillRect(rect(), c.background);
    if (!m_message.isEmpty() || m_axes.empty()) {
        p.setPen(c.muted);
        p.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const qreal dpr = devicePixelRatioF();
    if (m_layerDirty || m_lineLayer.size() != size() * dpr)
        paintLines();
    p.drawImage(QPointF(0, 0), m_lineLayer);
    p.setRenderHint(QPainter::Antialiasing, true);
    if (m_hover >= 0 && m_hover < int(m_lines.size())) {
        const auto &u = m_lines[size_t(m_hover)].colorUnit;
        p.setPen(QPen(c.background, 5.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(m_polylines[size_t(m_hover)]);
        p.setPen(
            QPen(u ? ColorRamp::at(*u, c.dark) : c.text, 2.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(m_polylines[size_t(m_hover)]);
    }
    for (int i = 0; i < int(m_axes.size()); ++i)
        paintAxis(p, i);
    paintColorBar(p);
}

void ParallelCoordinatesCanvas::paintLines()
{
    const PlotPalette c = PlotPalette::from(palette());
    const qreal dpr = devicePixelRatioF();
    m_lineLayer = QImage(size() * dpr, QImage::Format_ARGB32_Premultiplied);
    m_lineLayer.setDevicePixelRatio(dpr);
    m_lineLayer.fill(Qt::transparent);
    m_layerDirty = false;
    LineRasterizer raster(m_lineLayer);
    const auto scaled = [dpr](const QPolygonF &poly) {
        QPolygonF out = poly;
        for (QPointF &pt : out)
            pt *= dpr;
        return out;
    };
    if (!m_brushes.isEmpty()) {
        for (int r : m_drawOrder) {
            if (!m_brushed[size_t(r)])
                raster.drawPolyline(scaled(m_polylines[size_t(r)]), c.faintLine, dpr);
        }
    }
    // Translucent lines show where many runs agree; with hundreds, more translucent still.
    const float alpha = m_lines.size() > 150 ? 0.6f : 0.9f;
    const double width = (m_brushes.isEmpty() ? 1.3 : 1.8) * dpr;
    for (int r : m_drawOrder) {
        if (!m_brushed[size_t(r)])
            continue;
        const auto &u = m_lines[size_t(r)].colorUnit;
        QColor color = u ? ColorRamp::at(*u, c.dark) : c.muted;
        color.setAlphaF(alpha);
        raster.drawPolyline(scaled(m_polylines[size_t(r)]), color, width);
    }
}

void ParallelCoordinatesCanvas::paintAxis(QPainter &p, int index) const
{
    const PlotPalette c = PlotPalette::from(palette());
    const QFontMetricsF fm(font());
    const Axis &axis = m_axes[size_t(index)];
    const double x = m_axisX[size_t(index)];
    const double spacing = m_axisX.size() > 1 ? m_axisX[1] - m_axisX[0] : width() / 2.0;
    const double labelWidth = std::max(20.0, std::min(spacing * 0.5 - 10, 110.0));

    // The brush first, under the axis line and labels.
    if (const auto it = m_brushes.constFind(axis.id); it != m_brushes.constEnd()) {
        QColor fill = palette().color(QPalette::Highlight);
        fill.setAlphaF(0.28f);
        QColor edge = palette().color(QPalette::Highlight);
        p.setPen(QPen(edge, 1.2));
        p.setBrush(fill);
        if (it->range) {
            const double yTop = yOf(it->range->second), yBottom = yOf(it->range->first);
            p.drawRect(QRectF(x - BrushWidth / 2, yTop - 2, BrushWidth, yBottom - yTop + 4));
        }
        if (it->missing)
            p.drawRect(QRectF(x - BrushWidth / 2, m_missingY - 7, BrushWidth, 14));
        p.setBrush(Qt::NoBrush);
    }

    p.setPen(QPen(c.frame, 1.5));
    p.drawLine(QPointF(x, m_top), QPointF(x, m_bottom));

    const auto label = [&](double y, const QString &text) {
        p.setPen(QPen(c.frame, 1.0));
        p.drawLine(QPointF(x - 4, y), QPointF(x, y));
        const QString shown = fm.elidedText(text, Qt::ElideRight, labelWidth);
        const double w = fm.horizontalAdvance(shown);
        const QRectF box(x - 7 - w, y - fm.height() / 2, w, fm.height());
        QColor halo = c.background;
        halo.setAlphaF(0.75f);
        p.fillRect(box.adjusted(-2, 0, 2, 0), halo);
        p.setPen(c.text);
        p.drawText(box, Qt::AlignRight | Qt::AlignVCenter, shown);
    };
    if (!axis.categories.isEmpty()) {
        const int n = int(axis.categories.size());
        const double slot = (m_bottom - m_top) / n;
        const int stride = std::max(1, int(std::ceil(fm.height() * 1.1 / slot)));
        for (int k = 0; k < n; k += stride)
            label(yOf((k + 0.5) / n), categoryLabel(axis.categories[k]));
    } else if (!axis.fixedTicks.empty()) {
        // The values themselves, minus those that would overprint a neighbour.
        double previous = std::numeric_limits<double>::infinity();
        for (const auto &t : axis.fixedTicks) {
            const double y = yOf(axis.scale.toUnit(t.value));
            if (std::abs(previous - y) < fm.height())
                continue;
            label(y, t.label);
            previous = y;
        }
    } else {
        for (const auto &t : axis.scale.ticks(std::max(2, int((m_bottom - m_top) / (fm.height() * 2.2)))))
            label(yOf(axis.scale.toUnit(t.value)), t.label);
    }

    const bool hasMissing =
        std::any_of(axis.unit.begin(), axis.unit.end(), [](const auto &u) { return !u.has_value(); });
    if (hasMissing) {
        p.setPen(QPen(c.muted, 1.2, Qt::DotLine));
        p.drawLine(QPointF(x, m_bottom + 4), QPointF(x, m_missingY - 4));
        p.setPen(QPen(c.muted, 1.2));
        p.setBrush(c.background);
        p.drawEllipse(QPointF(x, m_missingY), 3.5, 3.5);
        p.setBrush(Qt::NoBrush);
        const double w = std::min(spacing - 6, 140.0);
        p.drawText(QRectF(x - w / 2, m_missingY + 5, w, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                   fm.elidedText(axis.missingLabel, Qt::ElideRight, w));
    }

    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF bfm(bold);
    p.setFont(bold);
    p.setPen(c.text);
    const double titleWidth = std::max(30.0, std::min(spacing - 8, 2 * std::min(x, width() - x) - 4));
    QString title = axis.title;
    if (axis.categories.isEmpty() && axis.scale.isLog())
        title += QStringLiteral(" (log)");
    p.drawText(QRectF(x - titleWidth / 2, m_top - 10 - bfm.height(), titleWidth, bfm.height()),
               Qt::AlignHCenter | Qt::AlignBottom, bfm.elidedText(title, Qt::ElideMiddle, titleWidth));
    p.setFont(font());
}

void ParallelCoordinatesCanvas::paintColorBar(QPainter &p) const
{
    if (!m_colorScale || m_colorBar.isEmpty())
        return;
    const PlotPalette c = PlotPalette::from(palette());
    const QFontMetricsF fm(font());
    p.setRenderHint(QPainter::Antialiasing, false);
    const int top = int(std::floor(m_colorBar.top())), bottom = int(std::ceil(m_colorBar.bottom()));
    for (int y = top; y <= bottom; ++y) {
        p.setPen(ColorRamp::at(unitOf(y), c.dark));
        p.drawLine(QPointF(m_colorBar.left(), y), QPointF(m_colorBar.right(), y));
    }
    p.setPen(c.frame);
    p.drawRect(m_colorBar);
    for (const auto &t : m_colorScale->ticks(std::max(2, int(m_colorBar.height() / (fm.height() * 2.2))))) {
        const double y = yOf(m_colorScale->toUnit(t.value));
        p.setPen(c.frame);
        p.drawLine(QPointF(m_colorBar.right(), y), QPointF(m_colorBar.right() + 4, y));
        p.setPen(c.text);
        p.drawText(QRectF(m_colorBar.right() + 6, y - fm.height() / 2, 200, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, t.label);
    }
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.save();
    p.translate(width() - 8 - QFontMetricsF(bold).height(), m_colorBar.center().y());
    p.rotate(90);
    const double w = m_colorBar.height();
    p.drawText(QRectF(-w / 2, -QFontMetricsF(bold).height(), w, QFontMetricsF(bold).height() + 2),
               Qt::AlignHCenter | Qt::AlignBottom,
               QFontMetricsF(bold).elidedText(m_colorTitle, Qt::ElideMiddle, w));
    p.restore();
    p.setFont(font());
    p.setRenderHint(QPainter::Antialiasing, true);
}

void ParallelCoordinatesCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_axes.empty()) {
        m_dragAxis = axisAt(event->position());
        m_dragStartY = event->position().y();
        m_dragMoved = false;
    }
    QWidget::mousePressEvent(event);
}

void ParallelCoordinatesCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_dragAxis >= 0) { // set by a left press, until its release
        if (std::abs(pos.y() - m_dragStartY) >= DragStart)
            m_dragMoved = true;
        if (m_dragMoved) {
            m_brushes.insert(m_axes[size_t(m_dragAxis)].id, brushFromDrag(m_dragAxis, m_dragStartY, pos.y()));
            updateMask();
            Q_EMIT brushesChanged();
            update();
        }
        return;
    }
    const int hover = m_axes.empty() ? -1 : lineAt(pos);
    if (hover != m_hover) {
        m_hover = hover;
        update();
    }
    setCursor(axisAt(pos) >= 0 ? Qt::SizeVerCursor : hover >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QWidget::mouseMoveEvent(event);
}

void ParallelCoordinatesCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    if (m_dragAxis >= 0) {
        const QString id = m_axes[size_t(m_dragAxis)].id;
        if (m_dragMoved)
            m_brushes.insert(id, brushFromDrag(m_dragAxis, m_dragStartY, event->position().y()));
        else
            m_brushes.remove(id); // a click on an axis clears its brush
        m_dragAxis = -1;
        updateMask();
        Q_EMIT brushesChanged();
        emitIfChanged();
        update();
        return;
    }
    if (const int r = m_axes.empty() ? -1 : lineAt(event->position()); r >= 0)
        Q_EMIT runActivated(m_lines[size_t(r)].runId);
    QWidget::mouseReleaseEvent(event);
}

void ParallelCoordinatesCanvas::leaveEvent(QEvent *event)
{
    if (m_hover >= 0) {
        m_hover = -1;
        update();
    }
    QWidget::leaveEvent(event);
}

void ParallelCoordinatesCanvas::contextMenuEvent(QContextMenuEvent *event)
{
    const int a = axisAt(event->pos());
    if (a < 0)
        return QWidget::contextMenuEvent(event);
    const Axis &axis = m_axes[size_t(a)];
    QMenu menu(this);
    QAction *log = menu.addAction(tr("Logarithmic Scale"));
    log->setCheckable(true);
    log->setChecked(axis.categories.isEmpty() && axis.scale.isLog());
    log->setEnabled(axis.canLog);
    if (!axis.canLog)
        log->setToolTip(axis.categories.isEmpty() ? tr("Needs every value above zero")
                                                  : tr("Categorical axis"));
    QAction *clear = menu.addAction(tr("Clear Brush"));
    clear->setEnabled(m_brushes.contains(axis.id));
    const QString id = axis.id;
    // Acted on when triggered (by mouse, keyboard or accessibility), not by what exec() returns.
    connect(log, &QAction::triggered, this, [this, id](bool on) { Q_EMIT logScaleRequested(id, on); });
    connect(clear, &QAction::triggered, this, [this, id] {
        if (m_brushes.remove(id) > 0) {
            updateMask();
            Q_EMIT brushesChanged();
            emitIfChanged();
            update();
        }
    });
    menu.exec(event->globalPos());
}

bool ParallelCoordinatesCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPointF pos = help->pos();
        QString text;
        if (pos.y() < m_top - 4) {
            for (size_t i = 0; i < m_axes.size(); ++i) {
                if (std::abs(pos.x() - m_axisX[i]) < 40)
                    text = m_axes[i].title.toHtmlEscaped() +
                           QStringLiteral("<br><i>%1</i>")
                               .arg(tr("Drag along the axis to brush; click to clear"));
            }
        } else if (const int r = m_axes.empty() ? -1 : lineAt(pos); r >= 0) {
            text = m_lines[size_t(r)].tooltip;
        }
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this);
        }
        return true;
    }
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange) {
        relayout();
        update();
    }
    return QWidget::event(event);
}

} // namespace runlens
