// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Writing charts to files: PNG (at a scale factor), SVG and PDF from one painting function, so the window,
// the grid and `runlens export-chart` produce the same picture. Files are written with writeFileAtomically: a
// failed export leaves no half-written file behind.

#include <functional>
#include <optional>
#include <QByteArray>
#include <QSizeF>
#include <QString>

class QObject;
class QWidget;
class QPainter;
class QRectF;
class QImage;

namespace runlens::chartexport {

// Paints the picture into `bounds` (logical units). vector: the device is SVG or PDF (draw curves as
// paths); scale: device pixels per logical unit of a raster device.
using Painter = std::function<void(QPainter &p, const QRectF &bounds, qreal scale, bool vector)>;

// Pictures are laid out in logical pixels of 96 per inch: the logical size of a picture so large on paper.
constexpr double LogicalDpi = 96;
QSizeF logicalSizeOfMillimetres(QSizeF millimetres);

// The format from the file name's suffix: "png", "svg" or "pdf"; empty when it is none of them.
QString formatOf(const QString &path);
// Writes `size` logical units of picture (pixels of 96 per inch); PNG at `scale` (1 to 8). With
// `millimetres`, the picture's size on paper: the PDF page and the SVG's width and height are exactly that,
// and the PNG says its resolution (scale * 96 dpi). Without, a PDF page has a point per pixel. False with
// *error naming the problem.
bool write(const QString &path, QSizeF size, qreal scale, const Painter &paint, QString *error,
           std::optional<QSizeF> millimetres = std::nullopt);
// The picture as an image (for the clipboard and PNG).
QImage image(QSizeF size, qreal scale, const Painter &paint);

// The same on a worker thread, so that painting, encoding and writing a large picture never holds up the
// window. `paint` runs after the caller has returned: it must own what it draws. `done` runs on `context`'s
// thread, and not at all once `context` is gone; it gets the error (empty when the file was written) or
// the image.
void writeInBackground(QObject *context, const QString &path, QSizeF size, qreal scale, Painter paint,
                       std::function<void(const QString &error)> done,
                       std::optional<QSizeF> millimetres = std::nullopt);
void imageInBackground(QObject *context, QSizeF size, qreal scale, Painter paint,
                       std::function<void(const QImage &image)> done);
// writeInBackground as the window's Save commands do it: `status` hears "Saving…", then "Saved" or the
// error, which a warning titled `title` over `parent` shows too; `finished` gets the error (empty on
// success).
void saveInBackground(QWidget *parent, const QString &title, const QString &path, QSizeF size, qreal scale,
                      Painter paint, const std::function<void(const QString &message)> &status,
                      std::function<void(const QString &error)> finished,
                      std::optional<QSizeF> millimetres = std::nullopt);
// Writes text (a CSV of the plotted data) off the GUI thread, whole or not at all; a failure is shown as
// "Cannot write <path>: <why>" in a warning titled `title` over `parent` (objectName "exportError").
// `finished` gets that message (empty on success) on parent's thread.
void saveTextInBackground(QWidget *parent, const QString &title, const QString &path, QByteArray bytes,
                          std::function<void(const QString &error)> finished = {});

} // namespace runlens::chartexport
