// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Draws thin antialiased polylines straight into an ARGB32 premultiplied image (in the manner of Xiaolin
// Wu's lines, with a width of about one to three device pixels, blended source-over). Why not QPainter: Qt's
// raster engine hands every batch of 255 spans of an antialiased line to its GUI thread pool and waits for
// it, so 500 runs x 10 axes took a quarter of a second per repaint on two busy cores, too slow to follow a
// brush being dragged; this takes milliseconds for the same lines.

#include <QColor>
#include <QImage>
#include <QPolygonF>

namespace runlens {

class LineRasterizer
{
public:
    // `image` must be Format_ARGB32_Premultiplied; points are in its pixels.
    explicit LineRasterizer(QImage &image); // keeps writing into image's pixels: keep image alive

    // `width` in pixels, measured across the line.
    void drawPolyline(const QPolygonF &points, const QColor &color, double width = 1.0);
    void drawLine(QPointF a, QPointF b, const QColor &color, double width = 1.0);

private:
    uchar *m_bits = nullptr;
    qsizetype m_stride = 0;
    int m_width = 0;
    int m_height = 0;
    QRgb m_color = 0; // premultiplied
};

} // namespace runlens
