// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/metricchart.h"

#include "charts/chartexport.h"
#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"
#include "series/systemmetrics.h"

#include <algorithm>
#include <cmath>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFormLayout>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QToolTip>

namespace runlens {

namespace {

QString xLabel(ChartXAxis axis, qint64 x)
{
    switch (axis) {
    case ChartXAxis::Step:
        return QObject::tr("step %1").arg(x);
    case ChartXAxis::WallTime:
        return display::dateTime(x);
    case ChartXAxis::RelativeTime:
        return display::duration(x);
    }
    return {};
}

} // namespace

MetricChart::MetricChart(const ChartContext *context, const QString &key, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_key(key)
{
    setMouseTracking(true);
    setMinimumSize(280, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
    setToolTip({});
    m_data.request.key = key;
    m_reloadTimer = new QTimer(this);
    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(90);
    connect(m_reloadTimer, &QTimer::timeout, this, &MetricChart::reload);
}

MetricChart::~MetricChart()
{
    if (m_cancel)
        *m_cancel = true;
    if (m_tailCancel)
        *m_tailCancel = true;
}

ChartOptions MetricChart::options() const
{
    ChartOptions o = m_context->options;
    o.yRange = m_yRange;
    return o;
}

std::pair<qint64, qint64> MetricChart::shownWindow() const
{
    if (m_window)
        return *m_window;
    if (m_sharedRange && m_data.x1 >= m_data.x0)
        return {std::min(m_data.x0, m_sharedRange->first), std::max(m_data.x1, m_sharedRange->second)};
    return {m_data.x0, std::max(m_data.x1, m_data.x0)};
}

std::optional<std::pair<qint64, qint64>> MetricChart::dataExtent() const
{
    std::optional<std::pair<qint64, qint64>> extent;
    for (const ChartSeries &s : m_data.series) {
        if (s.raw.empty() && s.marks.empty())
            continue;
        extent =
            extent ? std::pair{std::min(extent->first, s.extentFirst), std::max(extent->second, s.extentLast)}
                   : std::pair{s.extentFirst, s.extentLast};
    }
    return extent;
}

void MetricChart::setSharedXRange(std::optional<std::pair<qint64, qint64>> range)
{
    if (m_sharedRange == range)
        return;
    m_sharedRange = range;
    if (!m_window) {
        update();
        askHoverAgain(); // the same pixel is another x now
    }
}

QRectF MetricChart::plotRect() const
{
    return ChartRenderer::plotRect(QRectF(rect()));
}

ChartRenderer MetricChart::renderer() const
{
    const auto [x0, x1] = shownWindow();
    return ChartRenderer(m_data, m_context->styles, m_context->groups, options(), x0, x1, palette());
}

int MetricChart::plotPixelWidth() const
{
    return std::max(1, int(std::lround(plotRect().width() * devicePixelRatioF())));
}

void MetricChart::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void MetricChart::reload()
{
    m_reloadTimer->stop();
    if (m_cancel)
        *m_cancel = true;
    if (m_tailCancel) {
        // The whole read may start before the tail's points were written: a tail follows it.
        *m_tailCancel = true;
        m_tailCancel.reset();
        m_tailPending = true;
    }
    if (!m_context->reader)
        return;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    ChartRequest r;
    r.runs = m_context->runs;
    r.key = m_key;
    r.xAxis = xAxis();
    r.smoothing = m_context->options.smoothing;
    r.width = plotPixelWidth();
    if (m_window) {
        r.x0 = m_window->first;
        r.x1 = m_window->second;
    }
    setLoading(true);
    m_context->reader->read(
        this, std::move(r), m_cancel,
        [this](ChartData data) {
            m_data = std::move(data);
            m_loadedWidth = m_data.request.width;
            setLoading(false);
            update();
            askHoverAgain(); // the window or the runs may have changed under the cursor
            Q_EMIT dataChanged();
            if (m_loadedWidth != plotPixelWidth())
                scheduleReload(); // resized while reading
            else if (m_tailPending)
                appendNewPoints();
        },
        [this](const QString &message) {
            setLoading(false);
            setToolTip(tr("Could not read %1: %2").arg(m_key, message));
            update();
        });
}

void MetricChart::askHoverAgain()
{
    if (m_hoverCancel)
        *m_hoverCancel = true;
    m_hoverRead.reset();
    if (m_hover && !m_pressPos)
        hoverAt(m_hover->x());
}

void MetricChart::appendNewPoints()
{
    if (!m_context->reader)
        return;
    if (m_loading || m_tailCancel) {
        m_tailPending = true; // answered once the read in flight has
        return;
    }
    m_tailPending = false;
    if (plotPixelWidth() != m_loadedWidth || m_data.gridColumns <= 0) {
        scheduleReload();
        return;
    }
    ChartTailRequest r = ChartTailRequest::of(m_data);
    m_tailCancel = std::make_shared<std::atomic<bool>>(false);
    m_context->reader->readTail(
        this, std::move(r), m_tailCancel,
        [this](ChartTail tail) {
            m_tailCancel.reset();
            if (tail.readAgain) {
                reload();
                return;
            }
            if (!tail.parts.empty()) {
                m_data.foldTail(tail);
                update();
                askHoverAgain();
                Q_EMIT dataChanged();
            }
            m_lastTail = std::move(tail);
            Q_EMIT tailFolded();
            if (m_tailPending)
                appendNewPoints();
        },
        [this](const QString &message) {
            m_tailCancel.reset();
            Q_EMIT statusMessage(tr("Could not read %1: %2").arg(m_key, message));
        });
}

void MetricChart::scrollTo()
{
    for (QWidget *w = parentWidget(); w; w = w->parentWidget()) {
        if (auto *area = qobject_cast<QScrollArea *>(w)) {
            area->ensureWidgetVisible(this);
            return;
        }
    }
}

void MetricChart::scheduleReload()
{
    setLoading(true);
    m_reloadTimer->start();
}

void MetricChart::setXWindow(std::optional<std::pair<qint64, qint64>> window)
{
    if (window && window->second <= window->first)
        window->second = window->first + 1;
    m_window = window;
    update(); // the old data mapped into the new window, until the new read answers
    scheduleReload();
}

void MetricChart::setYRange(std::optional<std::pair<double, double>> range)
{
    m_yRange = range;
    update();
}

std::pair<double, double> MetricChart::drawnYRange() const
{
    return renderer().yRange();
}

void MetricChart::resetZoom()
{
    m_yRange.reset();
    setXWindow(std::nullopt);
}

ChartGridCell MetricChart::gridCell() const
{
    const auto [x0, x1] = shownWindow();
    return {std::make_shared<const ChartData>(m_data), x0, x1, options()};
}

chartexport::Painter MetricChart::picture(QSizeF *size) const
{
    QStringList order;
    for (const ChartRun &r : m_context->runs)
        order << r.id;
    auto grid =
        std::make_shared<const ChartGrid>(1, 1, m_context->styles, m_context->groups, order, palette());
    *size = QSizeF(width(), height() + grid->legendHeight(width()));
    return [grid, cells = std::vector<ChartGridCell>{gridCell()}](QPainter &p, const QRectF &b, qreal s,
                                                                  bool v) { grid->paint(p, b, s, v, cells); };
}

void MetricChart::startExport(const QString &path, qreal scale)
{
    QSizeF size;
    chartexport::Painter paint = picture(&size);
    chartexport::saveInBackground(
        this, tr("Save Chart"), path, size, scale, std::move(paint),
        [this](const QString &message) { Q_EMIT statusMessage(message); },
        [this, path](const QString &error) { Q_EMIT exportFinished(path, error); });
}

void MetricChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const ChartRenderer renderer = this->renderer();
    renderer.paint(p, QRectF(rect()), devicePixelRatioF(), false);
    const QRectF plot = renderer.plotRect(QRectF(rect()));

    if (m_data.series.empty() && !m_loading) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, tr("No run logged %1").arg(m_key));
    }
    if (m_loading) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(plot.adjusted(0, 4, -6, 0), Qt::AlignTop | Qt::AlignRight, tr("Loading…"));
    }
    if (m_pressPos && !m_panning && m_hover) {
        QColor band = palette().color(QPalette::Highlight);
        band.setAlphaF(0.18);
        p.fillRect(QRectF(*m_pressPos, *m_hover).normalized().intersected(plot), band);
        return;
    }
    if (m_hover && plot.contains(*m_hover)) {
        QColor line = palette().color(QPalette::Text);
        line.setAlphaF(0.45);
        p.setPen(QPen(line, 1, Qt::DashLine));
        p.drawLine(QPointF(m_hover->x() + 0.5, plot.top()), QPointF(m_hover->x() + 0.5, plot.bottom()));
        p.drawLine(QPointF(plot.left(), m_hover->y() + 0.5), QPointF(plot.right(), m_hover->y() + 0.5));
        p.setRenderHint(QPainter::Antialiasing);
        const std::optional<Hover> hover = this->hover();
        for (const HoverValue &v : hover ? hover->values : std::vector<HoverValue>{}) {
            if (!v.found)
                continue;
            const double y = renderer.yToPixel(v.shown(hover->smoothing), plot);
            if (std::isnan(y) || y < plot.top() || y > plot.bottom())
                continue;
            p.setPen(QPen(palette().color(QPalette::Base), 1.5));
            p.setBrush(v.color);
            p.drawEllipse(QPointF(renderer.xToPixel(double(v.x), plot), y), 3.5, 3.5);
        }
    }
}

void MetricChart::hoverAt(int widgetX)
{
    const ChartRenderer renderer = this->renderer();
    const QRectF plot = renderer.plotRect(QRectF(rect()));
    if (!m_context->reader || widgetX < plot.left() || widgetX > plot.right() || m_data.series.empty()) {
        clearHover();
        return;
    }
    // The x under the pixel's centre, as the curves are drawn (whole steps on the step axis; ms on time
    // axes).
    const auto [x0, x1] = shownWindow();
    const double perPixel = (double(x1) - double(x0) + 1) / std::max(1.0, plot.width());
    ChartPointRequest r;
    for (const ChartRun &run : m_context->runs) { // the runs that logged the key
        if (std::any_of(m_data.series.begin(), m_data.series.end(),
                        [&](const ChartSeries &s) { return s.runId == run.id; }))
            r.runs.push_back(run);
    }
    r.key = m_key;
    r.xAxis = xAxis();
    r.smoothing = m_context->options.smoothing;
    r.x = qint64(std::llround(std::clamp(renderer.pixelToX(widgetX + 0.5, plot), -9.0e18, 9.0e18)));
    r.radius = qint64(std::min(std::ceil(HoverRadius * perPixel), 9.0e18));
    const auto sameRuns = [](const std::vector<ChartRun> &a, const std::vector<ChartRun> &b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const ChartRun &x, const ChartRun &y) {
            return x.id == y.id && x.startMs == y.startMs;
        });
    };
    if (m_hoverRead && m_hoverRead->request.x == r.x && m_hoverRead->request.radius == r.radius &&
        m_hoverRead->request.xAxis == r.xAxis && m_hoverRead->request.smoothing == r.smoothing &&
        sameRuns(m_hoverRead->request.runs, r.runs)) {
        if (m_hoverRead->answered)
            showHoverTip();
        return; // asked already
    }
    if (m_hoverCancel)
        *m_hoverCancel = true;
    m_hoverCancel = std::make_shared<std::atomic<bool>>(false);
    m_hoverRead = HoverRead{r, {}, false};
    m_context->reader->readPoints(
        this, std::move(r), m_hoverCancel,
        [this, cancel = m_hoverCancel](std::vector<ChartPoint> points) {
            if (!m_hoverRead || cancel != m_hoverCancel)
                return;
            m_hoverRead->points = std::move(points);
            m_hoverRead->answered = true;
            showHoverTip();
            update();
            Q_EMIT hoverChanged();
        },
        [this](const QString &message) {
            Q_EMIT statusMessage(tr("Could not read %1: %2").arg(m_key, message));
        });
}

void MetricChart::clearHover()
{
    if (m_hoverCancel)
        *m_hoverCancel = true;
    m_hoverCancel.reset();
    const bool had = m_hoverRead.has_value();
    m_hoverRead.reset();
    if (isVisible() && QToolTip::isVisible())
        QToolTip::hideText();
    if (had)
        Q_EMIT hoverChanged();
}

std::optional<MetricChart::Hover> MetricChart::hover() const
{
    if (!m_hoverRead || !m_hoverRead->answered)
        return std::nullopt;
    Hover h;
    h.x = m_hoverRead->request.x;
    h.smoothing = m_hoverRead->request.smoothing > 0;
    for (const ChartPoint &p : m_hoverRead->points) {
        const ChartRunStyle style = m_context->styles.value(p.runId);
        if (m_context->styles.contains(p.runId) && !style.visible)
            continue;
        h.values.push_back({p.runId, style.name.isEmpty() ? p.runId.left(8) : style.name, style.color,
                            p.found, p.x, p.step, p.value, p.smoothed});
    }
    // Highest first, as drawn (the smoothed value with smoothing); NaN, then no point, last.
    const auto rank = [&h](const HoverValue &v) {
        return !v.found ? 2 : std::isnan(v.shown(h.smoothing)) ? 1 : 0;
    };
    std::sort(h.values.begin(), h.values.end(), [&](const HoverValue &a, const HoverValue &b) {
        const int ra = rank(a), rb = rank(b);
        if (ra != rb)
            return ra < rb;
        const double va = a.shown(h.smoothing), vb = b.shown(h.smoothing);
        if (ra == 0 && va != vb)
            return va > vb;
        return a.name < b.name;
    });
    return h;
}

QString MetricChart::hoverText() const
{
    const std::optional<Hover> h = hover();
    if (!h || h->values.empty())
        return {};
    const ChartXAxis axis = m_hoverRead->request.xAxis;
    QString html = QStringLiteral("<b>%1</b> &nbsp; %2<table cellspacing=0 cellpadding=1>")
                       .arg(display::elided(m_key).toHtmlEscaped(), xLabel(axis, h->x).toHtmlEscaped());
    constexpr size_t MaxRows = 24;
    const size_t shown = std::min(h->values.size(), MaxRows);
    for (size_t i = 0; i < shown; ++i) {
        const HoverValue &v = h->values[i];
        QString value, where;
        if (!v.found) {
            value = tr("no point");
        } else {
            // The numbers as `runlens metric` prints them.
            value = text::formatNumber(v.shown(h->smoothing));
            QStringList notes;
            if (h->smoothing)
                notes << tr("raw %1").arg(text::formatNumber(v.value));
            if (axis == ChartXAxis::Step) {
                if (v.x != h->x)
                    notes << xLabel(axis, v.x);
            } else {
                notes << xLabel(ChartXAxis::Step, v.step);
                if (v.x != h->x)
                    notes << tr("at %1").arg(xLabel(axis, v.x));
            }
            where = notes.join(QStringLiteral(", "));
        }
        // One line per run: a name with hyphens or a long number would wrap in the tooltip's narrow table.
        html += QStringLiteral("<tr><td style='white-space:nowrap'><font color='%1'>&#9632;</font> %2</td>"
                               "<td align=right style='white-space:nowrap'>&nbsp; %3</td>"
                               "<td style='white-space:nowrap'>&nbsp; %4</td></tr>")
                    .arg(v.color.name(), display::elided(v.name, display::MaxLabelChars).toHtmlEscaped(),
                         value.toHtmlEscaped(), where.toHtmlEscaped());
    }
    html += QStringLiteral("</table>");
    if (h->values.size() > shown)
        html += tr("… and %n more", nullptr, int(h->values.size() - shown));
    return html;
}

void MetricChart::showHoverTip()
{
    if (!m_hover || m_pressPos)
        return;
    const QString html = hoverText();
    if (html.isEmpty()) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(mapToGlobal(*m_hover + QPoint(16, 12)), html, this);
}

void MetricChart::resizeEvent(QResizeEvent *)
{
    if (plotPixelWidth() != m_loadedWidth && m_context->reader)
        scheduleReload();
}

void MetricChart::mousePressEvent(QMouseEvent *e)
{
    m_pressPos = e->position().toPoint();
    m_dragPos = m_pressPos.value();
    m_panning = e->button() == Qt::MiddleButton ||
                (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier));
    if (e->button() != Qt::LeftButton && e->button() != Qt::MiddleButton)
        m_pressPos.reset();
    if (m_panning)
        setCursor(Qt::ClosedHandCursor);
}

void MetricChart::mouseMoveEvent(QMouseEvent *e)
{
    const QPoint pos = e->position().toPoint();
    m_hover = pos;
    if (m_pressPos && m_panning) {
        const QRectF plot = plotRect();
        const auto [x0, x1] = shownWindow();
        const double perPixel = (double(x1) - double(x0) + 1) / std::max(1.0, plot.width());
        const qint64 dx = qint64(std::llround((m_dragPos.x() - pos.x()) * perPixel));
        if (dx != 0) {
            m_dragPos = pos;
            setXWindow(std::pair{x0 + dx, x1 + dx});
        }
        return;
    }
    update();
    if (!m_pressPos)
        hoverAt(pos.x());
}

void MetricChart::mouseReleaseEvent(QMouseEvent *e)
{
    const QPoint pos = e->position().toPoint();
    const bool panning = m_panning;
    m_panning = false;
    unsetCursor();
    if (!m_pressPos)
        return;
    const QPoint from = *m_pressPos;
    m_pressPos.reset();
    if (panning || (pos - from).manhattanLength() < 6) {
        update();
        return;
    }
    // Rubber band: the x range always, the y range when the band is more than a sliver tall.
    const ChartRenderer renderer = this->renderer();
    const QRectF plot = renderer.plotRect(QRectF(rect()));
    const QRectF band = QRectF(from, pos).normalized().intersected(plot);
    if (band.width() < 3) {
        update();
        return;
    }
    const qint64 nx0 = qint64(std::floor(renderer.pixelToX(band.left(), plot)));
    const qint64 nx1 = qint64(std::ceil(renderer.pixelToX(band.right(), plot)));
    if (band.height() > 8)
        m_yRange = std::pair{renderer.pixelToY(band.bottom(), plot), renderer.pixelToY(band.top(), plot)};
    setXWindow(std::pair{nx0, std::max(nx1, nx0 + 1)});
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent *)
{
    resetZoom();
}

void MetricChart::wheelEvent(QWheelEvent *e)
{
    const QRectF plot = plotRect();
    const auto [x0, x1] = shownWindow();
    if (x1 <= x0 && e->angleDelta().y() > 0)
        return;
    const double steps = e->angleDelta().y() / 120.0;
    const double factor = std::pow(0.8, steps);
    const double span = double(x1) - double(x0) + 1;
    const double at = std::clamp((e->position().x() - plot.left()) / std::max(1.0, plot.width()), 0.0, 1.0);
    const double center = double(x0) + at * span;
    const double newSpan = std::max(2.0, span * factor);
    const qint64 nx0 = qint64(std::floor(center - at * newSpan));
    const qint64 nx1 = qint64(std::ceil(center + (1 - at) * newSpan)) - 1;
    setXWindow(std::pair{nx0, nx1});
    e->accept();
}

void MetricChart::leaveEvent(QEvent *)
{
    m_hover.reset();
    clearHover();
    update();
}

void MetricChart::contextMenuEvent(QContextMenuEvent *e)
{
    QMenu menu(this);
    menu.addAction(tr("Reset Zoom"), this, &MetricChart::resetZoom);
    menu.addAction(tr("Set Y Range…"), this, &MetricChart::askYRange);
    menu.addSeparator();
    menu.addAction(tr("Save Image As…"), this, &MetricChart::saveImage);
    menu.addAction(tr("Copy Image"), this, [this] {
        QSizeF size;
        chartexport::Painter paint = picture(&size);
        chartexport::imageInBackground(
            this, size, devicePixelRatioF(), std::move(paint), [this](const QImage &image) {
                if (image.isNull()) {
                    Q_EMIT statusMessage(tr("The chart of %1 is too large to copy").arg(m_key));
                    return;
                }
                QApplication::clipboard()->setImage(image);
                Q_EMIT statusMessage(tr("Copied the chart of %1 to the clipboard").arg(m_key));
            });
    });
    menu.addAction(tr("Export Data as CSV…"), this, &MetricChart::exportData);
    menu.exec(e->globalPos());
}

void MetricChart::askYRange()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Y Range of %1").arg(display::elidedLine(m_key, display::MaxLabelChars)));
    auto *form = new QFormLayout(&dialog);
    const auto [lo, hi] = m_yRange.value_or(renderer().yRange());
    auto *from = new QLineEdit(QString::number(lo, 'g', 8), &dialog);
    auto *to = new QLineEdit(QString::number(hi, 'g', 8), &dialog);
    for (QLineEdit *edit : {from, to})
        edit->setValidator(new QDoubleValidator(edit));
    form->addRow(tr("From:"), from);
    form->addRow(tr("To:"), to);
    auto *buttons =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Reset);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::Reset), &QPushButton::clicked, &dialog, [&] {
        setYRange(std::nullopt);
        dialog.reject();
    });
    if (dialog.exec() != QDialog::Accepted)
        return;
    bool ok1 = false, ok2 = false;
    const double a = QLocale().toDouble(from->text(), &ok1), b = QLocale().toDouble(to->text(), &ok2);
    if (ok1 && ok2 && a != b)
        setYRange(std::pair{std::min(a, b), std::max(a, b)});
}

void MetricChart::saveImage()
{
    QString filter;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Chart"), m_key.section(QLatin1Char('/'), -1) + QStringLiteral(".png"),
        tr("PNG image (*.png);;PNG image, twice the size (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"),
        &filter);
    if (path.isEmpty())
        return;
    startExport(path, filter.contains(QLatin1String("twice")) ? 2.0 : devicePixelRatioF());
}

ChartXAxis MetricChart::xAxis() const
{
    return systemmetrics::chartAxis(m_key, m_context->xAxis);
}

QString MetricChart::dataCsv(bool axisColumn) const
{
    const QString axis = chartXAxisName(xAxis());
    QString out = axisColumn ? QStringLiteral("run_id,run_name,metric,curve,x,value,x_axis\n")
                             : QStringLiteral("run_id,run_name,metric,curve,%1,value\n").arg(axis);
    const QString rowEnd = axisColumn ? QLatin1Char(',') + axis + QLatin1Char('\n') : QStringLiteral("\n");
    const auto [x0, x1] = shownWindow();
    for (const ChartSeries &s : m_data.series) {
        const QString name = text::csvField(m_context->styles.value(s.runId).name);
        for (const auto &[curve, cols] :
             {std::pair{QStringLiteral("raw"), &s.raw}, std::pair{QStringLiteral("smoothed"), &s.smoothed}}) {
            for (const M4Column &c : *cols) {
                std::vector<std::pair<qint64, double>> vs{{c.firstStep, c.first}};
                if (c.minStep <= c.maxStep)
                    vs.insert(vs.end(), {{c.minStep, c.min}, {c.maxStep, c.max}});
                else
                    vs.insert(vs.end(), {{c.maxStep, c.max}, {c.minStep, c.min}});
                vs.emplace_back(c.lastStep, c.last);
                std::pair<qint64, double> previous{-1, std::nan("")};
                for (const auto &v : vs) {
                    if (v == previous || v.first < x0 || v.first > x1)
                        continue;
                    previous = v;
                    out += QStringLiteral("%1,%2,%3,%4,%5,%6")
                               .arg(s.runId, name, text::csvField(m_key), curve)
                               .arg(v.first)
                               .arg(v.second, 0, 'g', 17) +
                           rowEnd;
                }
            }
        }
    }
    return out;
}

void MetricChart::exportData()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Chart Data"), m_key.section(QLatin1Char('/'), -1) + QStringLiteral(".csv"),
        tr("CSV file (*.csv)"));
    if (!path.isEmpty())
        exportDataTo(path);
}

void MetricChart::exportDataTo(const QString &path)
{
    chartexport::saveTextInBackground(
        this, tr("Export Chart Data"), path, dataCsv().toUtf8(),
        [this, path](const QString &error) { Q_EMIT dataExported(path, error); });
}

} // namespace runlens
