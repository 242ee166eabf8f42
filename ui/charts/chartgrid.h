// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A grid of metric charts with a legend, as one picture: the compare page's "Save Grid" and
// `runlens export-chart` paint through it, so a file from the command line is the window's picture. For a
// paper: a title above, the text in a chosen font, and the legend below, at the right or in a corner of the
// first chart; legend names are wrapped, never cut.

#include "charts/chartrenderer.h"

#include <memory>
#include <optional>
#include <QFont>
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

// Where the legend goes: below the charts (the window's grid), at the right of them, inside a corner of the
// first chart's plot area (below them when it does not fit there), or nowhere.
enum class LegendPlacement { Below, OutsideRight, TopRight, TopLeft, BottomRight, BottomLeft, None };
std::optional<LegendPlacement> legendPlacementFromName(const QString &name);
QStringList legendPlacementNames(); // in the order of the enum

struct ChartGridStyle
{
    QString title;             // above the charts; empty: none
    std::optional<QFont> font; // the text's font; absent: the application's
    LegendPlacement legend = LegendPlacement::Below;
};

class ChartGrid
{
public:
    ChartGrid(int charts, int columns, const QHash<QString, ChartRunStyle> &styles,
              const std::vector<ChartGroup> &groups, const QStringList &runOrder, const QPalette &palette,
              const ChartGridStyle &style = {});

    // Where chart i goes inside `bounds` (the title and the legend take their room).
    QRectF cell(const QRectF &bounds, int i) const;
    void paint(QPainter &p, const QRectF &bounds, qreal scale, bool vector,
               const std::vector<ChartGridCell> &cells) const;
    double legendHeight(double width) const; // the legend's wrapped lines below charts this wide
    // Where the legend is drawn inside `bounds` (empty without one), for tests and callers that place text.
    QRectF legendRect(const QRectF &bounds, const QRectF &firstPlot = {}) const; // firstPlot: as drawn
    QFont font() const { return m_style.font.value_or(QFont()); }

private:
    struct Entry
    {
        QString name;
        QColor color;
    };
    struct Placed
    {
        QPointF at; // the swatch row's top-left, relative to the legend's top-left
        QStringList lines;
        QColor color; // invalid: the "and N more" line
    };
    struct Layout
    {
        std::vector<Placed> placed;
        QSizeF size;
    };
    // Entries flowed into rows `width` wide, or one per line (a column no wider than `width`).
    Layout layoutLegend(double width, bool column) const;
    QRectF chartsArea(const QRectF &bounds) const;
    QRectF cellIn(const QRectF &area, int i) const;
    // The placement used: a corner that the legend does not fit in (a narrow chart, many runs) gives way to
    // the legend below.
    LegendPlacement placement(const QRectF &bounds) const;
    double titleHeight() const;
    void paintLegend(QPainter &p, const QRectF &area, const Layout &layout, bool boxed) const;

    int m_charts, m_columns;
    QHash<QString, ChartRunStyle> m_styles; // copies: the grid outlives the page that made it when exporting
    std::vector<ChartGroup> m_groups;
    QPalette m_palette;
    ChartGridStyle m_style;
    QList<Entry> m_entries;
};

} // namespace runlens
