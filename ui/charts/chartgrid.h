// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A grid of metric charts with a legend below, as one picture: the compare page's "Save Grid" and
// `runlens export-chart` paint through it, so a file from the command line is the window's picture.

#include "charts/chartrenderer.h"

#include <memory>
#include <QList>
#include <QRectF>

class QPainter;

namespace runlens {

struct ChartGridCell
{
    std::shared_ptr<const ChartData> data; // shared: a grid may be painted on another thread (exports)
    qint64 x0 = 0, x1 = -1;                // the window shown
    ChartOptions options;
};

class ChartGrid
{
public:
    ChartGrid(int charts, int columns, const QHash<QString, ChartRunStyle> &styles,
              const std::vector<ChartGroup> &groups, const QStringList &runOrder, const QPalette &palette);

    // Where chart i goes inside `bounds` (the legend takes the bottom).
    QRectF cell(const QRectF &bounds, int i) const;
    void paint(QPainter &p, const QRectF &bounds, qreal scale, bool vector,
               const std::vector<ChartGridCell> &cells) const;
    double legendHeight(double width) const; // the legend's wrapped lines at this picture width

private:
    struct Entry
    {
        QString name;
        QColor color;
    };
    void paintLegend(QPainter &p, const QRectF &area) const;

    int m_charts, m_columns;
    QHash<QString, ChartRunStyle> m_styles; // copies: the grid outlives the page that made it when exporting
    std::vector<ChartGroup> m_groups;
    QPalette m_palette;
    QList<Entry> m_entries;
};

} // namespace runlens
