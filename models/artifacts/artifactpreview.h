// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the run page shows of one artifact file, made from its bytes: an image scaled to a sane size, text,
// JSON and YAML pretty-printed, CSV/TSV split into a table, Markdown source for rendering, an MLflow MLmodel
// summarised, or nothing for binary files. Built off the GUI thread (QImage and QSvgRenderer work there), and
// bounded: only the first bytes of a big file are read and an image is decoded under a memory limit, so a
// huge or hostile file costs a fixed amount of time and memory.

#include <QImage>
#include <QSize>
#include <QString>
#include <QStringList>
#include <vector>

class QIODevice;

namespace runlens {

// How much of a file a preview may read and decode.
struct PreviewLimits
{
    qint64 textBytes = qint64(1) << 20;       // read of a text-like file
    qint64 markdownBytes = qint64(256) << 10; // rendered; longer Markdown shows as text
    int imageSide = 4096;                     // larger images are decoded scaled down to this
    int imageAllocationMiB = 128;             // QImageReader refuses images needing more
    qint64 imageBytes = qint64(64) << 20;     // image files larger than this are not decoded
    int tableRows = 5000;
    int tableColumns = 200;
};

class ArtifactPreview
{
public:
    enum class Kind {
        Image,    // image (a raster or a rendered SVG)
        Text,     // text: plain, monospace
        Json,     // text: pretty-printed JSON (raw text when invalid, with a note)
        Yaml,     // text: normalised YAML (raw text when invalid, with a note)
        Table,    // header and rows (CSV, TSV)
        Markdown, // text: Markdown source, rendered by the view
        MlModel,  // summary: an MLflow model's flavors, signature and origin
        Binary,   // nothing to show but the facts
        Missing,  // the bytes cannot be read (message says why)
    };

    using Limits = PreviewLimits;

    // One line of an MLmodel summary: a section ("Model", "Flavor: sklearn", "Signature inputs"), a name and
    // its value.
    struct Field
    {
        QString section;
        QString name;
        QString value;
        friend bool operator==(const Field &, const Field &) = default;
    };

    Kind kind = Kind::Binary;
    QString text;       // Text, Json, Yaml, Markdown; MlModel: the file as written
    QString note;       // what the person should know: truncation, a parse error, why nothing is shown
    QImage image;       // Image, scaled to at most Limits::imageSide
    QSize imageSize;    // Image: the size the file declares
    QStringList header; // Table
    std::vector<QStringList> rows; // Table
    std::vector<Field> summary;    // MlModel
    qint64 totalBytes = 0;
    qint64 bytesRead = 0;
    bool truncated = false; // only the first bytesRead of totalBytes were read, or rows were left out

    // `name` is the artifact's path or file name (its extension and its last segment choose the kind);
    // `mediaType` is the stored media type (used when the name says nothing). Never throws.
    static ArtifactPreview fromFile(const QString &file, const QString &name, const QString &mediaType = {},
                                    const Limits &limits = {});
    static ArtifactPreview fromBytes(const QByteArray &bytes, const QString &name,
                                     const QString &mediaType = {}, const Limits &limits = {});
    // The kind a file would be shown as, from its name, media type and first bytes.
    static Kind kindFor(const QString &name, const QString &mediaType, const QByteArray &head);
    static QString kindName(Kind kind);

private:
    static ArtifactPreview fromDevice(QIODevice &device, qint64 size, const QString &name,
                                      const QString &mediaType, const Limits &limits);
    void readImage(QIODevice &device, const QString &name, const Limits &limits);
    void readSvg(const QByteArray &bytes);
    void readText(const QByteArray &bytes, Kind wanted, const QString &name, const Limits &limits);
    void readTable(const QByteArray &bytes, char separator, const Limits &limits);
    void readMlModel(const QByteArray &bytes);
};

} // namespace runlens
