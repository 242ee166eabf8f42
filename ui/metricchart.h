// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One chart of the compare grid: one metric key over the compared runs. It asks the ChartReader for the
// reduction of its visible window at its own pixel width, and asks again (at full resolution) whenever the
// window or the width changes: zoom with a rubber band or the wheel, pan with the middle button or
// Shift+drag, double-click to reset. Hovering shows a crosshair and every run's value at that x.

#include "chartdata.h"
#include "chartexport.h"
#include "chartgrid.h"
#include "chartreader.h"
#include "chartrenderer.h"

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
    bool isLoading() const { return m_loading; }
    const ChartData &data() const { return m_data; }
    // The x window shown; absent: everything.
    std::optional<std::pair<qint64, qint64>> xWindow() const { return m_window; }
    void setXWindow(std::optional<std::pair<qint64, qint64>> window);
    void setYRange(std::optional<std::pair<double, double>> range);
    std::optional<std::pair<double, double>> yRange() const { return m_yRange; }
    void resetZoom();
    QRectF plotArea() const { return plotRect(); } // in widget coordinates
    void scrollTo();                               // into view in the compare grid

    // Reads again (runs, x axis or smoothing changed); repaint() is enough for colours and visibility.
    void reload();
    // reload() shortly (after layout and resizes settle); loading from now on.
    void scheduleReload();
    ChartGridCell gridCell() const; // what a grid picture of this chart draws
    // The chart as a picture of its own, as the window shows it with the legend below (the picture
    // `runlens export-chart` draws of one metric); it owns what it draws, so that it can be painted on
    // another thread. *size gets its size.
    chartexport::Painter picture(QSizeF *size) const;
    // The plotted vertices: run_id,run_name,metric,curve,x,value (raw and smoothed curves).
    QString dataCsv() const;
    // Writes picture() on a worker thread; exportFinished when done (error empty on success).
    void startExport(const QString &path, qreal scale);
    // The values under pixel x (widget coordinates), highest first, for the hover tooltip and tests.
    struct HoverValue
    {
        QString runId;
        QString name;
        QColor color;
        qint64 x;
        double value;
    };
    std::vector<HoverValue> valuesAt(int widgetX) const;

Q_SIGNALS:
    void loadingChanged(bool loading);
    void statusMessage(const QString &message);
    void exportFinished(const QString &path, const QString &error);

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
    std::vector<HoverValue> valuesAt(const ChartRenderer &renderer, int widgetX) const;
    std::pair<qint64, qint64> shownWindow() const;
    QRectF plotRect() const;
    int plotPixelWidth() const;
    void setLoading(bool loading);
    void showHover(QPoint pos);
    void askYRange();
    void saveImage();
    void exportData();

    const ChartContext *m_context;
    QString m_key;
    ChartData m_data;
    std::optional<std::pair<qint64, qint64>> m_window;
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
};

} // namespace runlens
