// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/chartgrid.h"

#include "itemmodels/displaytext.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <QFontMetricsF>
#include <QObject>
#include <QPainter>
#include <QTextLayout>

namespace runlens {

namespace {
constexpr double Swatch = 10, Gap = 14, Pad = 8;
constexpr int MaxEntries = 60;       // beyond that the legend says how many more
constexpr double MaxSideShare = 0.4; // a legend at the right takes at most this share of the width

// `text` in lines no wider than `width`: broken between words, or inside a word longer than a line.
QStringList wrapped(const QString &text, const QFont &font, double width)
{
    QTextLayout layout(text, font);
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    QStringList lines;
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(std::max(1.0, width));
        lines << text.mid(line.textStart(), line.textLength()).trimmed();
    }
    layout.endLayout();
    if (lines.isEmpty())
        lines << QString();
    return lines;
}

} // namespace

std::optional<LegendPlacement> legendPlacementFromName(const QString &name)
{
    const QStringList names = legendPlacementNames();
    const qsizetype i = names.indexOf(name);
    if (i < 0)
        return std::nullopt;
    return LegendPlacement(i);
}

QStringList legendPlacementNames()
{
    return {QStringLiteral("below"),    QStringLiteral("outside-right"), QStringLiteral("top-right"),
            QStringLiteral("top-left"), QStringLiteral("bottom-right"),  QStringLiteral("bottom-left"),
            QStringLiteral("none")};
}

ChartGrid::ChartGrid(int charts, int columns, const QHash<QString, ChartRunStyle> &styles,
                     const std::vector<ChartGroup> &groups, const QStringList &runOrder,
                     const QPalette &palette, const ChartGridStyle &style)
    : m_charts(std::max(1, charts))
    , m_columns(std::clamp(columns, 1, std::max(1, charts)))
    , m_styles(styles)
    , m_groups(groups)
    , m_palette(palette)
    , m_style(style)
{
    if (!groups.empty()) {
        for (const ChartGroup &g : groups)
            m_entries.append({display::elidedLine(g.name, display::MaxLabelChars), g.color});
        return;
    }
    for (const QString &id : runOrder) {
        const ChartRunStyle s = styles.value(id);
        if (styles.contains(id) && s.visible)
            m_entries.append(
                {s.name.isEmpty() ? id.left(8) : display::elidedLine(s.name, display::MaxLabelChars),
                 s.color});
    }
}

ChartGrid::Layout ChartGrid::layoutLegend(double width, bool column) const
{
    Layout layout;
    if (m_entries.isEmpty())
        return layout;
    const QFont f = font();
    const QFontMetricsF fm(f);
    const double line = fm.height() + 4;
    const double textWidth = std::max(fm.averageCharWidth() * 4, width - 2 * Pad - Swatch - 4);
    double x = Pad, y = Pad, rowLines = 1, right = 0;
    const auto place = [&](const QString &name, QColor color) {
        const QStringList lines = wrapped(name, f, textWidth);
        double widest = 0;
        for (const QString &l : lines)
            widest = std::max(widest, fm.horizontalAdvance(l));
        const double w = Swatch + 4 + widest;
        if (column || (x > Pad && x + w > width - Pad)) {
            if (!layout.placed.empty()) {
                y += rowLines * line;
                rowLines = 1;
            }
            x = Pad;
        }
        layout.placed.push_back({QPointF(x, y), lines, color});
        rowLines = std::max(rowLines, double(lines.size()));
        right = std::max(right, x + w);
        x += w + Gap;
    };
    const qsizetype shown = std::min<qsizetype>(m_entries.size(), MaxEntries);
    for (qsizetype i = 0; i < shown; ++i)
        place(m_entries[i].name, m_entries[i].color);
    if (m_entries.size() > shown)
        place(QObject::tr("and %1 more").arg(m_entries.size() - shown), QColor());
    layout.size = QSizeF(right + Pad, y + rowLines * line + Pad);
    return layout;
}

double ChartGrid::legendHeight(double width) const
{
    return layoutLegend(width, false).size.height();
}

double ChartGrid::titleHeight() const
{
    if (m_style.title.isEmpty())
        return 0;
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    return QFontMetricsF(bold).height() + 8;
}

LegendPlacement ChartGrid::placement(const QRectF &bounds) const
{
    if (m_entries.isEmpty())
        return LegendPlacement::None;
    switch (m_style.legend) {
    case LegendPlacement::TopRight:
    case LegendPlacement::TopLeft:
    case LegendPlacement::BottomRight:
    case LegendPlacement::BottomLeft: {
        const QRectF area = bounds.adjusted(0, titleHeight(), 0, 0);
        const QRectF plot = ChartRenderer::plotRect(cellIn(area, 0), font(), false).adjusted(4, 4, -4, -4);
        const QSizeF natural = layoutLegend(std::numeric_limits<double>::max() / 4, true).size;
        return natural.width() <= plot.width() && natural.height() <= plot.height() ? m_style.legend
                                                                                    : LegendPlacement::Below;
    }
    default:
        return m_style.legend;
    }
}

QRectF ChartGrid::chartsArea(const QRectF &bounds) const
{
    QRectF area = bounds.adjusted(0, titleHeight(), 0, 0);
    switch (placement(bounds)) {
    case LegendPlacement::Below:
        area.setBottom(area.bottom() - legendHeight(bounds.width()));
        break;
    case LegendPlacement::OutsideRight:
        area.setRight(area.right() - layoutLegend(bounds.width() * MaxSideShare, true).size.width());
        break;
    default:
        break;
    }
    return area;
}

QRectF ChartGrid::cellIn(const QRectF &area, int i) const
{
    const int rows = (m_charts + m_columns - 1) / m_columns;
    const double w = area.width() / m_columns, h = area.height() / rows;
    return QRectF(area.left() + (i % m_columns) * w, area.top() + (i / m_columns) * h, w, h)
        .adjusted(2, 2, -2, -2);
}

QRectF ChartGrid::cell(const QRectF &bounds, int i) const
{
    return cellIn(chartsArea(bounds), i);
}

QRectF ChartGrid::legendRect(const QRectF &bounds, const QRectF &firstPlot) const
{
    const QRectF area = chartsArea(bounds);
    const LegendPlacement where = placement(bounds);
    switch (where) {
    case LegendPlacement::None:
        return {};
    case LegendPlacement::Below:
        return QRectF(bounds.left(), area.bottom(), bounds.width(), bounds.bottom() - area.bottom());
    case LegendPlacement::OutsideRight: {
        const QSizeF size = layoutLegend(bounds.width() * MaxSideShare, true).size;
        return QRectF(area.right(), area.top(), size.width(), std::min(size.height(), area.height()));
    }
    default:
        break;
    }
    // In a corner of the first chart's plot as drawn (its left edge follows the y labels' width).
    const QRectF plot =
        (firstPlot.isValid() ? firstPlot : ChartRenderer::plotRect(cell(bounds, 0), font(), false))
            .adjusted(4, 4, -4, -4);
    const QSizeF size = layoutLegend(std::numeric_limits<double>::max() / 4, true).size;
    const bool right = where == LegendPlacement::TopRight || where == LegendPlacement::BottomRight;
    const bool top = where == LegendPlacement::TopRight || where == LegendPlacement::TopLeft;
    return QRectF(QPointF(right ? plot.right() - size.width() : plot.left(),
                          top ? plot.top() : plot.bottom() - size.height()),
                  size);
}

void ChartGrid::paintLegend(QPainter &p, const QRectF &area, const Layout &layout, bool boxed) const
{
    const QFontMetricsF fm(p.font());
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    if (boxed) {
        // Over the curves: an opaque card, so that the names stay readable.
        QColor frame = m_palette.color(QPalette::Text);
        frame.setAlphaF(0.35);
        p.setPen(QPen(frame, 1));
        p.setBrush(m_palette.color(QPalette::Base));
        p.drawRect(area.adjusted(0.5, 0.5, -0.5, -0.5));
    }
    for (const Placed &e : layout.placed) {
        const QPointF at = area.topLeft() + e.at;
        double textX = at.x();
        if (e.color.isValid()) {
            p.setPen(Qt::NoPen);
            p.setBrush(e.color);
            p.drawRoundedRect(QRectF(at.x(), at.y() + (fm.height() - Swatch) / 2, Swatch, Swatch), 2, 2);
            p.setPen(m_palette.color(QPalette::Text));
            textX += Swatch + 4;
        } else {
            p.setPen(m_palette.color(QPalette::PlaceholderText));
        }
        for (qsizetype i = 0; i < e.lines.size(); ++i)
            p.drawText(QPointF(textX, at.y() + i * (fm.height() + 4) + fm.ascent()), e.lines[i]);
    }
    p.restore();
}

void ChartGrid::paint(QPainter &p, const QRectF &bounds, qreal scale, bool vector,
                      const std::vector<ChartGridCell> &cells) const
{
    p.save();
    if (m_style.font)
        p.setFont(*m_style.font);
    p.fillRect(bounds, m_palette.color(QPalette::Base));
    if (!m_style.title.isEmpty()) {
        QFont bold = p.font();
        bold.setBold(true);
        bold.setPointSizeF(bold.pointSizeF() * 1.2);
        p.save();
        p.setFont(bold);
        p.setPen(m_palette.color(QPalette::Text));
        p.drawText(QRectF(bounds.left() + Pad, bounds.top() + 4, bounds.width() - 2 * Pad, titleHeight() - 4),
                   Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextWordWrap, m_style.title);
        p.restore();
    }
    QRectF firstPlot; // the legend's corner lies in it
    for (size_t i = 0; i < cells.size(); ++i) {
        const ChartGridCell &c = cells[i];
        if (!c.data)
            continue;
        ChartRenderer renderer(*c.data, m_styles, m_groups, c.options, c.x0, c.x1, m_palette);
        if (m_style.font)
            renderer.setFont(*m_style.font);
        const QRectF cellBounds = cell(bounds, int(i));
        if (i == 0)
            firstPlot = renderer.fittedPlotRect(cellBounds);
        renderer.paint(p, cellBounds, scale, vector);
    }
    const QRectF legend = legendRect(bounds, firstPlot);
    if (!legend.isEmpty()) {
        const LegendPlacement where = placement(bounds);
        const bool column = where != LegendPlacement::Below;
        const bool inside = column && where != LegendPlacement::OutsideRight;
        const double width = where == LegendPlacement::Below ? bounds.width()
                             : where == LegendPlacement::OutsideRight
                                 ? bounds.width() * MaxSideShare
                                 : std::numeric_limits<double>::max() / 4;
        paintLegend(p, legend, layoutLegend(width, column), inside);
    }
    p.restore();
}

} // namespace runlens
