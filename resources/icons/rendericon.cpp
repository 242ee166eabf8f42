// SPDX-License-Identifier: GPL-3.0-or-later
// Build tool, never installed: renders the application icon's fixed-size PNGs for the hicolor theme from the
// SVG, and a contact sheet of the small sizes on light and dark backgrounds for judging a new design.
//   rendericon SVG OUT.png SIZE        one PNG of SIZE x SIZE pixels
//   rendericon --sheet SVG OUT.png     16, 24, 32, 48 and 128 px on light and dark, and 16-48 px magnified
#include <QCoreApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTextStream>

#include <algorithm>
#include <iterator>

namespace {

constexpr int SheetSizes[] = {16, 24, 32, 48, 128};
constexpr int MagnifiedSizes[] = {16, 24, 32, 48};
constexpr int Magnification = 4; // nearest-neighbour, so every pixel of a small size can be judged
constexpr int Gap = 16;
const QColor Backgrounds[] = {QColor(0xff, 0xff, 0xff), QColor(0xde, 0xe2, 0xe6), QColor(0x30, 0x30, 0x30),
                              QColor(0x0b, 0x0b, 0x0b)};

QImage render(QSvgRenderer &svg, int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    svg.render(&painter, QRectF(0, 0, size, size));
    painter.end();
    return image.convertToFormat(QImage::Format_ARGB32);
}

QImage contactSheet(QSvgRenderer &svg)
{
    int rowWidth = Gap;
    for (int size : SheetSizes)
        rowWidth += size + Gap;
    int magnifiedWidth = Gap;
    for (int size : MagnifiedSizes)
        magnifiedWidth += size * Magnification + Gap;
    const int rowHeight = SheetSizes[std::size(SheetSizes) - 1] + 2 * Gap;
    const int magnifiedHeight = MagnifiedSizes[std::size(MagnifiedSizes) - 1] * Magnification + 2 * Gap;
    const int width = std::max(rowWidth, magnifiedWidth);
    const int backgrounds = int(std::size(Backgrounds));

    QImage sheet(width, backgrounds * rowHeight + 2 * magnifiedHeight, QImage::Format_ARGB32);
    QPainter painter(&sheet);
    int y = 0;
    for (const QColor &background : Backgrounds) {
        painter.fillRect(0, y, width, rowHeight, background);
        int x = Gap;
        for (int size : SheetSizes) {
            painter.drawImage(x, y + rowHeight - Gap - size, render(svg, size));
            x += size + Gap;
        }
        y += rowHeight;
    }
    for (const QColor &background : {Backgrounds[0], Backgrounds[backgrounds - 1]}) {
        painter.fillRect(0, y, width, magnifiedHeight, background);
        int x = Gap;
        for (int size : MagnifiedSizes) {
            const QImage big = render(svg, size).scaled(size * Magnification, size * Magnification,
                                                        Qt::IgnoreAspectRatio, Qt::FastTransformation);
            painter.drawImage(x, y + magnifiedHeight - Gap - big.height(), big);
            x += big.width() + Gap;
        }
        y += magnifiedHeight;
    }
    return sheet;
}

int fail(const QString &message)
{
    QTextStream(stderr) << "rendericon: " << message << '\n';
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    // Painting into a QImage needs no QGuiApplication, hence no display and no platform plugin.
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    const bool sheet = !args.isEmpty() && args.first() == QLatin1String("--sheet");
    if (sheet)
        args.removeFirst();
    if (args.size() != (sheet ? 2 : 3))
        return fail(QStringLiteral("usage: rendericon SVG OUT.png SIZE | rendericon --sheet SVG OUT.png"));

    QSvgRenderer svg(args[0]);
    if (!svg.isValid())
        return fail(QStringLiteral("%1 is not a valid SVG file").arg(args[0]));
    QImage image;
    if (sheet) {
        image = contactSheet(svg);
    } else {
        bool ok = false;
        const int size = args[2].toInt(&ok);
        if (!ok || size < 1 || size > 4096)
            return fail(QStringLiteral("the size %1 is not a number of pixels from 1 to 4096").arg(args[2]));
        image = render(svg, size);
    }
    if (!image.save(args[1], "PNG"))
        return fail(QStringLiteral("could not write %1").arg(args[1]));
    return 0;
}
