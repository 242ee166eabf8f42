// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The painted part of the parallel-coordinates plot: one vertical axis per param and the metric last, each
// run a polyline across them coloured by its metric on a sequential ramp (colour bar on the right), and
// brushing: a vertical drag on an axis keeps the runs whose value lies in the dragged interval, several
// brushed axes AND together, a click on an axis clears its brush. Runs outside the brushes are drawn faint.
// Runs without a value on an axis pass through a "missing" slot under it, which a brush can include.
// What to draw is decided by ParallelCoordinatesView; painted with QPainter, fast for 500 runs x 10 axes.

#include "plots/axisscale.h"

#include <optional>
#include <QHash>
#include <QImage>
#include <QPolygonF>
#include <QStringList>
#include <QWidget>
#include <vector>

namespace runlens {

class ParallelCoordinatesCanvas : public QWidget
{
    Q_OBJECT
public:
    struct Axis
    {
        QString id; // identity across rebuilds: a brush survives while its axis keeps its id
        QString title;
        AxisScale scale;                         // numeric axes
        std::vector<AxisScale::Tick> fixedTicks; // numeric axes: label these (thinned), not round values
        QStringList categories;                  // categorical axes: one slot per category, bottom to top
        std::vector<std::optional<double>> unit; // per run: 0 (bottom) .. 1 (top), nullopt = missing
        QString missingLabel = QStringLiteral("missing");
        bool canLog = false; // offered in the axis' context menu
    };
    struct Line
    {
        QString runId;
        QString tooltip;
        std::optional<double> colorUnit; // 0..1 on the ramp; nullopt: no finite metric, drawn grey
    };
    // Positions for tests and export, in this widget's coordinates.
    struct AxisGeometry
    {
        QString id;
        double x = 0.0;
        double top = 0.0;      // unit 1
        double bottom = 0.0;   // unit 0
        double missingY = 0.0; // the missing slot (meaningful when hasMissing)
        bool hasMissing = false;
    };
    struct Polyline
    {
        QString runId;
        QPolygonF points;
        QColor color;
        bool brushed = true; // inside every brush (all runs when there is no brush)
    };

    explicit ParallelCoordinatesCanvas(QWidget *parent = nullptr);

    // Replaces what is drawn; `lines` has one entry per run, in the order of each axis' `unit`. When the runs
    // are the same ones, brushes of axes that keep their id stay (and a changed brushed set is reported);
    // else every brush is dropped and every run is brushed, without a signal.
    void setData(std::vector<Axis> axes, std::vector<Line> lines, const QString &colorTitle,
                 const std::optional<AxisScale> &colorScale);
    // Nothing to plot: shows `sentence` instead.
    void setMessage(const QString &sentence);
    QString message() const { return m_message; }

    QStringList brushedRunIds() const;
    bool hasBrushes() const { return !m_brushes.isEmpty(); }
    void clearBrushes();
    // Brushes an axis programmatically (units as in Axis::unit); includeMissing also keeps runs at its
    // missing slot.
    void setBrush(const QString &axisId, std::optional<std::pair<double, double>> range, bool includeMissing);

    std::vector<AxisGeometry> axisGeometry() const;
    std::vector<Polyline> polylines() const;
    // Index of the run whose line passes within a few pixels of pos, or -1.
    int lineAt(const QPointF &pos) const;

    QSize sizeHint() const override { return {760, 440}; }
    QSize minimumSizeHint() const override { return {300, 200}; }

Q_SIGNALS:
    // The brushed set after a brush was drawn, cleared or dropped; not emitted while dragging, nor when the
    // set did not change, nor by setData() with other runs (every run is brushed again then).
    void brushedRunsChanged(const QStringList &runIds);
    // Any change of the brushes, also while dragging (for the count under the plot).
    void brushesChanged();
    void logScaleRequested(const QString &axisId, bool on);
    void runActivated(const QString &runId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Brush
    {
        std::optional<std::pair<double, double>> range; // unit interval, lo <= hi
        bool missing = false;                           // the missing slot too
    };

    void relayout();
    void updateMask();
    void emitIfChanged();
    int axisAt(const QPointF &pos) const;
    double yOf(double unit) const;
    double unitOf(double y) const;
    Brush brushFromDrag(int axis, double y0, double y1) const;
    void paintLines();
    void paintAxis(QPainter &p, int axis) const;
    void paintColorBar(QPainter &p) const;

    std::vector<Axis> m_axes;
    std::vector<Line> m_lines;
    QString m_colorTitle;
    std::optional<AxisScale> m_colorScale;
    QString m_message = QStringLiteral("Nothing to plot yet.");
    QHash<QString, Brush> m_brushes;
    std::vector<char> m_brushed; // per run
    QStringList m_lastEmitted;

    // Layout
    std::vector<double> m_axisX;
    double m_top = 0.0;
    double m_bottom = 0.0;
    double m_missingY = 0.0;
    bool m_anyMissing = false;
    QRectF m_colorBar;
    std::vector<QPolygonF> m_polylines;
    std::vector<int> m_drawOrder; // low metric values first, so that the high ones stay visible
    QImage m_lineLayer;           // the runs' lines, redrawn when the data, layout, brushes or palette change
    bool m_layerDirty = true;

    // Interaction
    int m_dragAxis = -1;
    double m_dragStartY = 0.0;
    bool m_dragMoved = false;
    int m_hover = -1;
};

} // namespace runlens
