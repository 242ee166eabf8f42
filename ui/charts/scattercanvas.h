// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The painted part of the param-vs-metric scatter: axes with tick labels (numeric, logarithmic or one slot
// per category), one dot per run in its run colour, a tooltip naming the run under the mouse, and a click on
// a dot that names the run. Painted with QPainter rather than Qt Charts: several hundred dots with hit
// testing and category slots are simpler and faster drawn directly. What to draw is decided by
// ParamScatterView.

#include "plots/axisscale.h"

#include <QColor>
#include <QStringList>
#include <QWidget>
#include <vector>

namespace runlens {

class ScatterCanvas : public QWidget
{
    Q_OBJECT
public:
    struct Point
    {
        QString runId;
        QString label; // the run's name, for the list of runs that share a spot
        QColor color;
        double x = 0.0; // param value, or category index on a categorical axis
        double y = 0.0; // metric summary
        QString tooltip;
        QPointF pos; // where the dot is drawn, in this widget's coordinates (filled by the layout)
    };
    struct Axis
    {
        QString title;
        AxisScale scale;
        QStringList categories;                  // non-empty: one slot per category, the scale is unused
        std::vector<AxisScale::Tick> fixedTicks; // numeric: label these (thinned) instead of round values
    };

    explicit ScatterCanvas(QWidget *parent = nullptr);

    void setData(std::vector<Point> points, Axis x, Axis y);
    // Nothing to plot: shows `sentence` instead of axes.
    void setMessage(const QString &sentence);
    QString message() const { return m_message; }

    const std::vector<Point> &points() const { return m_points; }
    QRectF plotRect() const { return m_plot; }
    // Index into points() of the dot under pos (the nearest within a few pixels, the top one on ties), or -1.
    int pointAt(const QPointF &pos) const;

    QSize sizeHint() const override { return {640, 420}; }
    QSize minimumSizeHint() const override { return {260, 180}; }

Q_SIGNALS:
    void runActivated(const QString &runId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    void relayout();
    double xPixel(double x) const;
    double yPixel(double y) const;
    void paintXAxis(QPainter &p) const;
    void paintYAxis(QPainter &p) const;

    std::vector<Point> m_points;
    Axis m_x;
    Axis m_y;
    QString m_message = QStringLiteral("Nothing to plot yet.");
    QRectF m_plot;
    int m_hover = -1;
    int m_pressed = -1;
};

} // namespace runlens
