// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/chartexport.h"

#include "core/atomicfile.h"
#include "core/background.h"

#include <algorithm>
#include <cmath>
#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSvgGenerator>

namespace runlens::chartexport {

QString formatOf(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png") || suffix == QLatin1String("svg") || suffix == QLatin1String("pdf"))
        return suffix;
    return {};
}

QSizeF logicalSizeOfMillimetres(QSizeF millimetres)
{
    return millimetres / 25.4 * LogicalDpi;
}

QImage image(QSizeF size, qreal scale, const Painter &paint)
{
    scale = std::clamp(scale, 1.0, 8.0);
    QImage img((size * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    img.setDevicePixelRatio(scale);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::TextAntialiasing);
    paint(p, QRectF(QPointF(0, 0), size), scale, false);
    return img;
}

bool write(const QString &path, QSizeF size, qreal scale, const Painter &paint, QString *error,
           std::optional<QSizeF> millimetres)
{
    const QString format = formatOf(path);
    const auto fail = [&](const QString &why) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2").arg(path, why);
        return false;
    };
    if (format.isEmpty())
        return fail(QObject::tr("the file name must end in .png, .svg or .pdf"));
    if (size.width() < 50 || size.height() < 50 || size.width() > 20000 || size.height() > 20000)
        return fail(
            QObject::tr("the size %1x%2 is outside 50 to 20000").arg(size.width()).arg(size.height()));

    QByteArray bytes;
    if (format == QLatin1String("png")) {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QImage picture = image(size, scale, paint);
        if (millimetres) {
            const int dotsPerMeter = int(std::lround(std::clamp(scale, 1.0, 8.0) * LogicalDpi / 0.0254));
            picture.setDotsPerMeterX(dotsPerMeter);
            picture.setDotsPerMeterY(dotsPerMeter);
        }
        if (!picture.save(&buffer, "PNG"))
            return fail(QObject::tr("the image could not be encoded"));
    } else if (format == QLatin1String("svg")) {
        QBuffer buffer(&bytes);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size.toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), size));
        svg.setResolution(96);
        svg.setTitle(QFileInfo(path).completeBaseName());
        svg.setDescription(QObject::tr("Drawn by Runlens"));
        {
            QPainter p(&svg);
            paint(p, QRectF(QPointF(0, 0), size), 1, true);
        }
        if (millimetres) {
            // QSvgGenerator's width and height are whole pixels at its resolution: write the exact size.
            static const QRegularExpression dimensions(
                QStringLiteral("width=\"[0-9.]+mm\" height=\"[0-9.]+mm\""));
            const QString head = QString::fromUtf8(bytes.left(2048));
            const QRegularExpressionMatch m = dimensions.match(head);
            if (m.hasMatch()) {
                const QString exact = QStringLiteral("width=\"%1mm\" height=\"%2mm\"")
                                          .arg(millimetres->width())
                                          .arg(millimetres->height());
                bytes = (head.left(m.capturedStart()) + exact).toUtf8() +
                        bytes.mid(head.left(m.capturedEnd()).toUtf8().size());
            }
        }
    } else {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QPdfWriter pdf(&buffer);
        pdf.setResolution(96);
        pdf.setPageSize(millimetres ? QPageSize(*millimetres, QPageSize::Millimeter)
                                    : QPageSize(size, QPageSize::Point));
        pdf.setPageMargins({});
        pdf.setCreator(QStringLiteral("Runlens"));
        QPainter p(&pdf);
        // The page is in points; the picture in logical pixels at 96 dpi: fit it.
        const qreal k = std::min(pdf.width() / size.width(), pdf.height() / size.height());
        p.scale(k, k);
        paint(p, QRectF(QPointF(0, 0), size), 1, true);
    }

    if (const QString why = writeFileAtomically(path, bytes); !why.isEmpty())
        return fail(why);
    return true;
}

void writeInBackground(QObject *context, const QString &path, QSizeF size, qreal scale, Painter paint,
                       std::function<void(const QString &error)> done, std::optional<QSizeF> millimetres)
{
    // A throw (e.g. out of memory for a huge picture) is said, not lost: background::run hands it to failed.
    background::run(context,
                    [path, size, scale, paint = std::move(paint), millimetres] {
                        QString error;
                        write(path, size, scale, paint, &error, millimetres);
                        return error;
                    },
                    done, {.failed = [path, done](const QString &why) {
                        done(QObject::tr("Cannot write %1: %2").arg(path, why));
                    }});
}

void imageInBackground(QObject *context, QSizeF size, qreal scale, Painter paint,
                       std::function<void(const QImage &image)> done)
{
    background::run(context, [size, scale, paint = std::move(paint)] { return image(size, scale, paint); },
                    done, {.failed = [done](const QString &) {
                        done(QImage());
                    }}); // null: the caller says it could not be made
}

namespace {

// Not exec(): no nested event loop in which the parent could go away.
void openWarning(QWidget *parent, const QString &title, const QString &text)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setObjectName(QStringLiteral("exportError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace

void saveInBackground(QWidget *parent, const QString &title, const QString &path, QSizeF size, qreal scale,
                      Painter paint, const std::function<void(const QString &message)> &status,
                      std::function<void(const QString &error)> finished, std::optional<QSizeF> millimetres)
{
    status(QObject::tr("Saving %1…").arg(QDir::toNativeSeparators(path)));
    writeInBackground(
        parent, path, size, scale, std::move(paint),
        [parent, title, path, status, finished = std::move(finished)](const QString &error) {
            status(error.isEmpty() ? QObject::tr("Saved %1").arg(QDir::toNativeSeparators(path)) : error);
            finished(error);
            if (!error.isEmpty())
                openWarning(parent, title, error);
        },
        millimetres);
}

void saveTextInBackground(QWidget *parent, const QString &title, const QString &path, QByteArray bytes,
                          std::function<void(const QString &error)> finished)
{
    background::run(
        parent,
        [path, bytes = std::move(bytes)] {
            const QString why = writeFileAtomically(path, bytes);
            return why.isEmpty() ? QString() : QObject::tr("Cannot write %1: %2").arg(path, why);
        },
        [parent, title, finished = std::move(finished)](const QString &error) {
            if (finished)
                finished(error);
            if (!error.isEmpty())
                openWarning(parent, title, error);
        });
}

} // namespace runlens::chartexport
