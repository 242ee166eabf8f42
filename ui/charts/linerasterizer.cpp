// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/linerasterizer.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace runlens {

namespace {

// Each byte of the pixel x times a/256, two channels per multiplication.
inline QRgb byteMul(QRgb x, uint a)
{
    const uint redBlue = (((x & 0xff00ff) * a) >> 8) & 0xff00ff;
    const uint alphaGreen = ((x >> 8) & 0xff00ff) * a & 0xff00ff00;
    return alphaGreen | redBlue;
}

} // namespace

LineRasterizer::LineRasterizer(QImage &image)
    : m_bits(image.bits()) // detaches once, here, rather than on every pixel
    , m_stride(image.bytesPerLine())
    , m_width(image.width())
    , m_height(image.height())
{
    Q_ASSERT(image.format() == QImage::Format_ARGB32_Premultiplied);
}

void LineRasterizer::drawPolyline(const QPolygonF &points, const QColor &color, double width)
{
    for (qsizetype i = 1; i < points.size(); ++i)
        drawLine(points[i - 1], points[i], color, width);
}

void LineRasterizer::drawLine(QPointF a, QPointF b, const QColor &color, double width)
{
    m_color = qPremultiply(color.rgba());
    // Pixel k spans [k, k + 1], its centre at k + 0.5, as QPainter has it.
    double x0 = a.x(), y0 = a.y(), x1 = b.x(), y1 = b.y();
    if (!std::isfinite(x0 + y0 + x1 + y1))
        return;
    const bool steep = std::abs(y1 - y0) > std::abs(x1 - x0);
    if (steep) {
        std::swap(x0, y0);
        std::swap(x1, y1);
    }
    if (x0 > x1) {
        std::swap(x0, x1);
        std::swap(y0, y1);
    }
    const double limit = steep ? m_height : m_width;
    const double across = steep ? m_width : m_height;
    const double dx = x1 - x0;
    const double gradient = dx > 1e-9 ? (y1 - y0) / dx : 0.0;
    // Columns whose centre lies on the segment; a segment shorter than a pixel still marks its column.
    // Clamped as doubles first: a far-away point must not overflow an int.
    const auto column = [limit](double v) { return int(std::clamp(v, -1.0, limit)); };
    int first = column(std::ceil(x0 - 0.5)), last = column(std::floor(x1 - 0.5));
    if (first > last)
        first = last = column(std::floor((x0 + x1) / 2));
    first = std::max(first, 0);
    last = std::min(last, int(limit) - 1);
    // Per column the line covers [y - half, y + half] across it; a steeper slope makes that span longer so
    // that the line keeps its width whatever its direction. Each pixel gets the part of it that is covered.
    const double half = std::clamp(width, 0.5, 4.0) * std::sqrt(1.0 + gradient * gradient) / 2.0;
    // Along a column the pixels are a row apart (shallow lines) or next to each other (steep ones).
    const qsizetype columnStep = steep ? qsizetype(sizeof(QRgb)) : m_stride;
    const qsizetype pixelStep = steep ? m_stride : qsizetype(sizeof(QRgb));
    for (int x = first; x <= last; ++x) {
        const double y = y0 + gradient * (x + 0.5 - x0);
        const double top = y - half, bottom = y + half;
        if (bottom < 0.0 || top >= across)
            continue; // off the image (and never converted to an int that overflows)
        const int kFirst = std::max(0, int(std::floor(top)));
        const int kLast = std::min(int(across) - 1, int(std::floor(bottom)));
        uchar *pixel = m_bits + x * pixelStep + kFirst * columnStep;
        for (int k = kFirst; k <= kLast; ++k, pixel += columnStep) {
            const double coverage = std::min(k + 1.0, bottom) - std::max(double(k), top);
            const uint c = uint(coverage * 256.0);
            if (c == 0)
                continue;
            QRgb &dst = *reinterpret_cast<QRgb *>(pixel);
            const QRgb src = byteMul(m_color, c);
            dst = src + byteMul(dst, 256 - qAlpha(src)); // source-over, premultiplied
        }
    }
}

} // namespace runlens
