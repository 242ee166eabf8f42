// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/scattercanvas.h"

#include "itemmodels/displaytext.h"

#include "charts/plotpalette.h"

#include <cmath>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace runlens {

namespace {

constexpr double DotRadius = 4.5;
constexpr double HitRadius = 7.0;

QString categoryLabel(const QString &c)
{
    // Cut: a param value from elsewhere may be megabytes long, and labels are measured on every paint.
    return c.isEmpty() ? QStringLiteral("(empty)") : display::elidedLine(c, display::MaxLabelChars);
}

} // namespace

ScatterCanvas::ScatterCanvas(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ScatterCanvas::setData(std::vector<Point> points, Axis x, Axis y)
{
    m_points = std::move(points);
    m_x = std::move(x);
    m_y = std::move(y);
    m_message.clear();
    m_hover = m_pressed = -1;
    relayout();
    update();
}

void ScatterCanvas::setMessage(const QString &sentence)
{
    m_points.clear();
    m_message = sentence;
    m_hover = m_pressed = -1;
    relayout();
    update();
}

void ScatterCanvas::relayout()
{
    const QFontMetricsF fm(font());
    double labelWidth = fm.horizontalAdvance(QStringLiteral("0.000"));
    // The y labels decide the left margin; the tick count depends on the height, so estimate it first.
    const int yTicks = std::max(2, int((height() - 4 * fm.height()) / (fm.height() * 2.6)));
    if (m_y.categories.isEmpty()) {
        for (const auto &t : m_y.scale.ticks(yTicks))
            labelWidth = std::max(labelWidth, fm.horizontalAdvance(t.label));
    }
    const double left = 10 + fm.height() + 8 + labelWidth + 6;
    const double bottom = 8 + fm.height() + 6 + fm.height() + 6;
    m_plot = QRectF(left, 12, std::max(10.0, width() - left - 18), std::max(10.0, height() - 12 - bottom));
    for (Point &p : m_points)
        p.pos = QPointF(xPixel(p.x), yPixel(p.y));
}

double ScatterCanvas::xPixel(double x) const
{
    if (!m_x.categories.isEmpty())
        return m_plot.left() + (x + 0.5) / double(m_x.categories.size()) * m_plot.width();
    return m_plot.left() + m_x.scale.toUnit(x) * m_plot.width();
}

double ScatterCanvas::yPixel(double y) const
{
    return m_plot.bottom() - m_y.scale.toUnit(y) * m_plot.height();
}

int ScatterCanvas::pointAt(const QPointF &pos) const
{
    int best = -1;
    double bestDistance = HitRadius * HitRadius;
    for (int i = 0; i < int(m_points.size()); ++i) {
        const QPointF d = m_points[size_t(i)].pos - pos;
        const double dd = d.x() * d.x() + d.y() * d.y();
        if (dd <= bestDistance) { // later dots are drawn on top: they win ties
            bestDistance = dd;
            best = i;
        }
    }
    return best;
}

void ScatterCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void ScatterCanvas::paintEvent(QPaintEvent *)
{
    const PlotPalette c = PlotPalette::from(palette());
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window));
    if (!m_message.isEmpty()) {
        p.setPen(c.muted);
        p.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    p.fillRect(m_plot, c.background);
    p.setRenderHint(QPainter::Antialiasing, false);
    paintXAxis(p);
    paintYAxis(p);
    p.setPen(c.frame);
    p.setBrush(Qt::NoBrush);
    p.drawRect(m_plot);

    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(m_plot.adjusted(-DotRadius, -DotRadius, DotRadius, DotRadius));
    QPen outline(c.background, 1.0);
    p.setPen(outline);
    for (const Point &pt : m_points) {
        p.setBrush(pt.color);
        p.drawEllipse(pt.pos, DotRadius, DotRadius);
    }
    if (m_hover >= 0 && m_hover < int(m_points.size())) {
        const Point &pt = m_points[size_t(m_hover)];
        p.setBrush(pt.color);
        p.setPen(QPen(c.text, 1.5));
        p.drawEllipse(pt.pos, DotRadius + 2, DotRadius + 2);
    }
}

void ScatterCanvas::paintXAxis(QPainter &p) const
{
    const PlotPalette c = PlotPalette::from(palette());
    const QFontMetricsF fm(font());
    const double labelTop = m_plot.bottom() + 5;
    if (!m_x.categories.isEmpty()) {
        const double slot = m_plot.width() / double(m_x.categories.size());
        // Labels too dense to read are thinned to every k-th slot; the tooltip still names every value.
        const int stride = std::max(1, int(std::ceil(fm.height() * 2.2 / slot)));
        for (int i = 0; i < m_x.categories.size(); ++i) {
            const double x = xPixel(i);
            p.setPen(c.grid);
            p.drawLine(QPointF(x, m_plot.top()), QPointF(x, m_plot.bottom()));
            if (i % stride != 0)
                continue;
            const double w = slot * stride - 4;
            p.setPen(c.text);
            p.drawText(QRectF(x - w / 2, labelTop, w, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                       fm.elidedText(categoryLabel(m_x.categories[i]), Qt::ElideRight, w));
        }
    } else if (!m_x.fixedTicks.empty()) {
        // The values themselves, minus those whose label would overprint the previous one.
        double previousRight = -1e9;
        for (const auto &t : m_x.fixedTicks) {
            const double x = xPixel(t.value);
            const double w = fm.horizontalAdvance(t.label) + 2;
            p.setPen(c.grid);
            p.drawLine(QPointF(x, m_plot.top()), QPointF(x, m_plot.bottom()));
            if (x - w / 2 < previousRight + 8)
                continue;
            p.setPen(c.text);
            p.drawText(QRectF(x - w / 2, labelTop, w, fm.height()), Qt::AlignCenter, t.label);
            previousRight = x + w / 2;
        }
    } else {
        double widest = fm.horizontalAdvance(QStringLiteral("0.0000"));
        auto ticks = m_x.scale.ticks(std::max(2, int(m_plot.width() / (widest + 28))));
        for (const auto &t : ticks)
            widest = std::max(widest, fm.horizontalAdvance(t.label));
        ticks = m_x.scale.ticks(std::max(2, int(m_plot.width() / (widest + 28))));
        for (const auto &t : ticks) {
            const double x = xPixel(t.value);
            p.setPen(c.grid);
            p.drawLine(QPointF(x, m_plot.top()), QPointF(x, m_plot.bottom()));
            p.setPen(c.text);
            const double w = fm.horizontalAdvance(t.label) + 2;
            p.drawText(QRectF(x - w / 2, labelTop, w, fm.height()), Qt::AlignCenter, t.label);
        }
    }
    p.setPen(c.text);
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QString title = m_x.scale.isLog() && m_x.categories.isEmpty()
                              ? QStringLiteral("%1 (log scale)").arg(m_x.title)
                              : m_x.title;
    p.drawText(QRectF(m_plot.left(), labelTop + fm.height() + 4, m_plot.width(), fm.height() + 2),
               Qt::AlignHCenter | Qt::AlignTop,
               QFontMetricsF(bold).elidedText(title, Qt::ElideMiddle, m_plot.width()));
    p.setFont(font());
}

void ScatterCanvas::paintYAxis(QPainter &p) const
{
    const PlotPalette c = PlotPalette::from(palette());
    const QFontMetricsF fm(font());
    const auto ticks = m_y.scale.ticks(std::max(2, int(m_plot.height() / (fm.height() * 2.6))));
    for (const auto &t : ticks) {
        const double y = yPixel(t.value);
        p.setPen(c.grid);
        p.drawLine(QPointF(m_plot.left(), y), QPointF(m_plot.right(), y));
        p.setPen(c.text);
        p.drawText(QRectF(0, y - fm.height() / 2, m_plot.left() - 6, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, t.label);
    }
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QString title = m_y.scale.isLog() ? QStringLiteral("%1 (log scale)").arg(m_y.title) : m_y.title;
    p.save();
    p.translate(10, m_plot.center().y());
    p.rotate(-90);
    const double w = m_plot.height();
    p.drawText(QRectF(-w / 2, 0, w, fm.height() + 2), Qt::AlignHCenter | Qt::AlignTop,
               QFontMetricsF(bold).elidedText(title, Qt::ElideMiddle, w));
    p.restore();
    p.setFont(font());
}

void ScatterCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const int hover = pointAt(event->position());
    if (hover != m_hover) {
        m_hover = hover;
        setCursor(hover >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
    QWidget::mouseMoveEvent(event);
}

void ScatterCanvas::mousePressEvent(QMouseEvent *event)
{
    m_pressed = event->button() == Qt::LeftButton ? pointAt(event->position()) : -1;
    QWidget::mousePressEvent(event);
}

void ScatterCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    const int at = event->button() == Qt::LeftButton ? pointAt(event->position()) : -1;
    if (at >= 0 && at == m_pressed)
        Q_EMIT runActivated(m_points[size_t(at)].runId);
    m_pressed = -1;
    QWidget::mouseReleaseEvent(event);
}

void ScatterCanvas::leaveEvent(QEvent *event)
{
    if (m_hover >= 0) {
        m_hover = -1;
        update();
    }
    QWidget::leaveEvent(event);
}

bool ScatterCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int at = pointAt(help->pos());
        if (at < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const Point &pt = m_points[size_t(at)];
        // Runs with the same values hide under one dot: name them all (a click opens the one on top).
        QStringList others;
        int more = 0;
        for (const Point &o : m_points) {
            const QPointF d = o.pos - pt.pos;
            if (&o == &pt || d.x() * d.x() + d.y() * d.y() > 4.0)
                continue;
            if (others.size() < 8)
                others << o.label.toHtmlEscaped();
            else
                ++more;
        }
        QString text = pt.tooltip;
        if (!others.isEmpty()) {
            text += QStringLiteral("<br><i>%1 %2%3</i>")
                        .arg(tr("Also here:"), others.join(QStringLiteral(", ")),
                             more > 0 ? tr(" and %n more", nullptr, more) : QString());
        }
        const QRect around(pt.pos.toPoint() - QPoint(int(HitRadius), int(HitRadius)),
                           QSize(int(2 * HitRadius), int(2 * HitRadius)));
        QToolTip::showText(help->globalPos(), text, this, around);
        return true;
    }
    if (event->type() == QEvent::FontChange) {
        relayout();
        update();
    }
    return QWidget::event(event);
}

} // namespace runlens
