// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One chart of the compare grid: one metric key over the compared runs. It asks the ChartReader for the
// reduction of its visible window at its own pixel width, and asks again (at full resolution) whenever the
// window or the width changes: zoom with a rubber band or the wheel, pan with the middle button or
// Shift+drag, double-click to reset. Hovering shows a crosshair and every run's value at that x.

#include "charts/chartexport.h"
#include "charts/chartgrid.h"
#include "charts/chartrenderer.h"
#include "series/chartdata.h"
#include "series/chartreader.h"

#include <optional>
#include <QWidget>

class QTimer;

namespace runlens {

// What every chart of a comparison shares; owned by the ComparePage.
struct ChartContext
{
    ChartReader *reader = nullptr;
    std::vector<ChartRun> runs;
    QHash<QString, ChartRunStyle> styles;
    std::vector<ChartGroup> groups;
    ChartOptions options; // yRange here is ignored: each chart has its own
    ChartXAxis xAxis = ChartXAxis::Step;
};

class MetricChart : public QWidget
{
    Q_OBJECT
public:
    MetricChart(const ChartContext *context, const QString &key, QWidget *parent = nullptr);
    ~MetricChart() override;

    QString key() const { return m_key; }
    // The axis this chart is drawn on: the one chosen, except for system metrics (always relative time).
    ChartXAxis xAxis() const;
    bool isLoading() const { return m_loading; }
    const ChartData &data() const { return m_data; }
    // The x window shown; absent: everything.
    std::optional<std::pair<qint64, qint64>> xWindow() const { return m_window; }
    void setXWindow(std::optional<std::pair<qint64, qint64>> window);
    void setYRange(std::optional<std::pair<double, double>> range);
    std::optional<std::pair<double, double>> yRange() const { return m_yRange; }
    std::pair<double, double> drawnYRange() const; // the y range drawn: the one set, or fitted to the data
    void resetZoom();
    // The x range of every series held, whole (zoomed or not); nothing while the chart has no data.
    std::optional<std::pair<qint64, qint64>> dataExtent() const;
    // Unzoomed, the chart shows at least this range: the one its grid's charts on the same axis share, so
    // that a validation curve from step 50 lines up under a training curve from step 0.
    void setSharedXRange(std::optional<std::pair<qint64, qint64>> range);
    QRectF plotArea() const { return plotRect(); } // in widget coordinates
    void scrollTo();                               // into view in the compare grid

    // Reads again (runs, x axis or smoothing changed); repaint() is enough for colours and visibility.
    void reload();
    // reload() shortly (after layout and resizes settle); loading from now on.
    void scheduleReload();
    // The runs logged more: reads only the points logged after those held and folds them in (an unzoomed
    // chart's x range grows to hold them; a zoomed one stays). A chart still reading asks once that read
    // has answered; one whose width changed, or whose new points cannot be folded, reads itself whole.
    void appendNewPoints();
    // The last tail folded in (what was read, for tests), and tailFolded when one is.
    const std::optional<ChartTail> &lastTail() const { return m_lastTail; }
    bool isReadingTail() const { return m_tailCancel != nullptr || m_tailPending; }
    ChartGridCell gridCell() const; // what a grid picture of this chart draws
    // The chart as a picture of its own, as the window shows it with the legend below (the picture
    // `runlens export-chart` draws of one metric); it owns what it draws, so that it can be painted on
    // another thread. *size gets its size.
    chartexport::Painter picture(QSizeF *size) const;
    // The plotted vertices: run_id,run_name,metric,curve,<axis>,value (raw and smoothed curves), where <axis>
    // is step, time or relative. With axisColumn the x column is called x and a last column, x_axis, names
    // the axis on each row (for one table of charts on different axes).
    QString dataCsv(bool axisColumn = false) const;
    // Writes dataCsv() to `path` on a worker thread (Export Data as CSV); dataExported when done, error
    // empty on success, else also shown in a warning.
    void exportDataTo(const QString &path);
    // Writes picture() on a worker thread; exportFinished when done (error empty on success).
    void startExport(const QString &path, qreal scale);
    // Hover: each run's logged point nearest to the x under the cursor, read exactly off the GUI thread (the
    // drawn columns keep only each pixel's first/min/max/last). A point farther than HoverRadius pixels is
    // "no point" there (beyond the run's range, or in a gap).
    static constexpr int HoverRadius = 4;
    struct HoverValue
    {
        QString runId;
        QString name;
        QColor color;
        bool found = false; // false: no point near the cursor
        qint64 x = 0;       // where the point is, in axis units
        qint64 step = 0;
        double value = 0;    // as logged
        double smoothed = 0; // with smoothing: the average at the point, as drawn
        double shown(bool smoothing) const { return smoothing ? smoothed : value; }
    };
    struct Hover
    {
        qint64 x = 0; // the cursor's x in axis units (the nearest step on the step axis)
        bool smoothing = false;
        std::vector<HoverValue> values; // visible runs, highest first; NaN, then no point, last
    };
    // Asks for the values under pixel x (widget coordinates); hoverChanged when they arrive.
    void hoverAt(int widgetX);
    // The last answer, or nothing (the cursor left, the data changed, not answered yet).
    std::optional<Hover> hover() const;
    QString hoverText() const; // the tooltip of hover()

Q_SIGNALS:
    void loadingChanged(bool loading);
    void statusMessage(const QString &message);
    void exportFinished(const QString &path, const QString &error);
    void dataExported(const QString &path, const QString &error);
    void hoverChanged();
    void tailFolded();
    void dataChanged(); // a read or a tail changed what the chart holds

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    ChartOptions options() const;
    ChartRenderer renderer() const; // of what is shown now
    std::pair<qint64, qint64> shownWindow() const;
    QRectF plotRect() const;
    int plotPixelWidth() const;
    void setLoading(bool loading);
    void clearHover();
    void askHoverAgain(); // the data changed under the cursor
    void showHoverTip();
    void askYRange();
    void saveImage();
    void exportData();

    const ChartContext *m_context;
    QString m_key;
    ChartData m_data;
    std::optional<std::pair<qint64, qint64>> m_window;
    std::optional<std::pair<qint64, qint64>> m_sharedRange;
    std::optional<std::pair<double, double>> m_yRange;
    ChartReader::CancelFlag m_cancel;
    bool m_loading = false;
    int m_loadedWidth = 0;
    QTimer *m_reloadTimer = nullptr;
    // Mouse: rubber band from m_pressPos, or panning
    std::optional<QPoint> m_pressPos;
    QPoint m_dragPos;
    bool m_panning = false;
    std::optional<QPoint> m_hover;
    // The hover read asked last and its answer (ChartPoint per run, in the context's run order)
    struct HoverRead
    {
        ChartPointRequest request;
        std::vector<ChartPoint> points;
        bool answered = false;
    };
    std::optional<HoverRead> m_hoverRead;
    ChartReader::CancelFlag m_hoverCancel;
    ChartReader::CancelFlag m_tailCancel; // the tail read in flight
    bool m_tailPending = false;           // more was logged while a read was in flight
    std::optional<ChartTail> m_lastTail;
};

} // namespace runlens
