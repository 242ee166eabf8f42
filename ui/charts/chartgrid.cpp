// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/chartgrid.h"

#include "itemmodels/displaytext.h"
#include <algorithm>
#include <cmath>
#include <QFontMetricsF>
#include <QObject>
#include <QPainter>

namespace runlens {

namespace {
constexpr double Swatch = 10, Gap = 14, Pad = 8;
constexpr int MaxEntries = 60; // beyond that the legend says how many more
} // namespace

ChartGrid::ChartGrid(int charts, int columns, const QHash<QString, ChartRunStyle> &styles,
                     const std::vector<ChartGroup> &groups, const QStringList &runOrder,
                     const QPalette &palette)
    : m_charts(std::max(1, charts))
    , m_columns(std::clamp(columns, 1, std::max(1, charts)))
    , m_styles(styles)
    , m_groups(groups)
    , m_palette(palette)
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

double ChartGrid::legendHeight(double width) const
{
    if (m_entries.isEmpty())
        return 0;
    const QFontMetricsF fm{QFont()};
    double x = Pad, lines = 1;
    for (qsizetype i = 0; i < std::min<qsizetype>(m_entries.size(), MaxEntries); ++i) {
        const double w = Swatch + 4 + fm.horizontalAdvance(m_entries[i].name) + Gap;
        if (x + w > width - Pad && x > Pad) {
            ++lines;
            x = Pad;
        }
        x += w;
    }
    return lines * (fm.height() + 4) + 2 * Pad;
}

QRectF ChartGrid::cell(const QRectF &bounds, int i) const
{
    const double legend = legendHeight(bounds.width());
    const int rows = (m_charts + m_columns - 1) / m_columns;
    const double w = bounds.width() / m_columns, h = (bounds.height() - legend) / rows;
    return QRectF(bounds.left() + (i % m_columns) * w, bounds.top() + (i / m_columns) * h, w, h)
        .adjusted(2, 2, -2, -2);
}

void ChartGrid::paintLegend(QPainter &p, const QRectF &area) const
{
    const QFontMetricsF fm(p.font());
    double x = area.left() + Pad, y = area.top() + Pad;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const qsizetype shown = std::min<qsizetype>(m_entries.size(), MaxEntries);
    for (qsizetype i = 0; i < shown; ++i) {
        const Entry &e = m_entries[i];
        const double w = Swatch + 4 + fm.horizontalAdvance(e.name) + Gap;
        if (x + w > area.right() - Pad && x > area.left() + Pad) {
            x = area.left() + Pad;
            y += fm.height() + 4;
        }
        p.setPen(Qt::NoPen);
        p.setBrush(e.color);
        p.drawRoundedRect(QRectF(x, y + (fm.height() - Swatch) / 2, Swatch, Swatch), 2, 2);
        p.setPen(m_palette.color(QPalette::Text));
        p.drawText(QPointF(x + Swatch + 4, y + fm.ascent()), e.name);
        x += w;
    }
    if (m_entries.size() > shown) {
        p.setPen(m_palette.color(QPalette::PlaceholderText));
        p.drawText(QPointF(x, y + fm.ascent()), QObject::tr("and %1 more").arg(m_entries.size() - shown));
    }
    p.restore();
}

void ChartGrid::paint(QPainter &p, const QRectF &bounds, qreal scale, bool vector,
                      const std::vector<ChartGridCell> &cells) const
{
    p.fillRect(bounds, m_palette.color(QPalette::Base));
    for (size_t i = 0; i < cells.size(); ++i) {
        const ChartGridCell &c = cells[i];
        if (!c.data)
            continue;
        ChartRenderer(*c.data, m_styles, m_groups, c.options, c.x0, c.x1, m_palette)
            .paint(p, cell(bounds, int(i)), scale, vector);
    }
    const double legend = legendHeight(bounds.width());
    if (legend > 0)
        paintLegend(p, QRectF(bounds.left(), bounds.bottom() - legend, bounds.width(), legend));
}

} // namespace runlens
