// SPDX-License-Identifier: GPL-3.0-or-later
#include "artifacts/artifactpreview.h"

#include "core/csvscanner.h"
#include "itemmodels/displaytext.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QPainter>
#include <QStringDecoder>
#include <QSvgRenderer>
#include <yaml-cpp/yaml.h>

namespace runlens {

namespace {

constexpr qsizetype SniffBytes = 8192;
constexpr int SvgSide = 1024; // an SVG is drawn to fit this square; the view scales it down to fit
constexpr qint64 SvgBytesPerTextByte = 4;

QString tr(const char *text)
{
    return QCoreApplication::translate("runlens::ArtifactPreview", text);
}

QString suffixOf(const QString &name)
{
    const QString last = name.section(QLatin1Char('/'), -1);
    const qsizetype dot = last.lastIndexOf(QLatin1Char('.'));
    return dot > 0 ? last.mid(dot + 1).toLower() : QString();
}

bool isSvg(const QString &name)
{
    const QString s = suffixOf(name);
    return s == QLatin1String("svg") || s == QLatin1String("svgz");
}

// The bytes without an incomplete UTF-8 sequence at the end (a read cut off mid-character).
QByteArray wholeCharacters(const QByteArray &bytes)
{
    qsizetype end = bytes.size();
    qsizetype i = end;
    int continuation = 0;
    while (i > 0 && continuation < 4 && (uchar(bytes[i - 1]) & 0xC0) == 0x80) {
        --i;
        ++continuation;
    }
    if (i == 0)
        return bytes;
    const uchar lead = uchar(bytes[i - 1]);
    const int need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    if (lead >= 0xC0 && continuation < need)
        end = i - 1;
    return bytes.left(end);
}

bool looksLikeText(const QByteArray &head)
{
    if (head.contains('\0'))
        return false;
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString decoded = decoder.decode(wholeCharacters(head));
    if (decoder.hasError())
        return false;
    int control = 0;
    for (QChar c : decoded) {
        if (c.category() == QChar::Other_Control && c != QLatin1Char('\n') && c != QLatin1Char('\r') &&
            c != QLatin1Char('\t') && c != QLatin1Char('\f') && c != QChar(0x1b))
            ++control;
    }
    return control * 100 <= decoded.size(); // a stray control character does not make a log binary
}

QString showingFirst(qint64 shown, qint64 total)
{
    return tr("Showing the first %1 of %2.").arg(display::bytes(shown), display::bytes(total));
}

// A lookup of a missing key gives an invalid node, which throws when asked its type.
bool isMap(const YAML::Node &node)
{
    return node.IsDefined() && node.IsMap();
}

QString scalarText(const YAML::Node &node)
{
    if (!node.IsDefined() || node.IsNull())
        return tr("(none)");
    if (node.IsScalar())
        return QString::fromStdString(node.Scalar());
    if (node.IsSequence()) {
        QStringList items;
        for (const YAML::Node &item : node)
            items << scalarText(item);
        return items.join(QStringLiteral(", "));
    }
    YAML::Emitter out;
    out << YAML::Flow << node;
    return QString::fromUtf8(out.c_str());
}

// A flavor's settings, nested maps flattened to "env.conda".
void flatten(const YAML::Node &node, const QString &prefix, const QString &section,
             std::vector<ArtifactPreview::Field> &out)
{
    for (const auto &kv : node) {
        const QString key = prefix + QString::fromStdString(kv.first.Scalar());
        if (isMap(kv.second))
            flatten(kv.second, key + QLatin1Char('.'), section, out);
        else
            out.push_back({section, key, scalarText(kv.second)});
    }
}

QString columnType(const QJsonObject &o)
{
    if (o.contains(QLatin1String("tensor-spec"))) {
        const QJsonObject spec = o.value(QLatin1String("tensor-spec")).toObject();
        QStringList shape;
        for (const QJsonValue &d : spec.value(QLatin1String("shape")).toArray())
            shape << QString::number(d.toInteger());
        return tr("tensor %1 [%2]")
            .arg(spec.value(QLatin1String("dtype")).toString(), shape.join(QStringLiteral(", ")));
    }
    QString type = o.value(QLatin1String("type")).toString();
    if (type == QLatin1String("array") && o.contains(QLatin1String("items")))
        type = tr("array of %1").arg(columnType(o.value(QLatin1String("items")).toObject()));
    if (o.value(QLatin1String("required")).toBool(true) == false)
        type += tr(" (optional)");
    if (o.contains(QLatin1String("default")))
        type += tr(", default %1").arg(o.value(QLatin1String("default")).toVariant().toString());
    return type;
}

// MLflow writes a signature's inputs and outputs as JSON text inside the YAML.
void signatureFields(const YAML::Node &node, const QString &section, std::vector<ArtifactPreview::Field> &out)
{
    const QString raw = scalarText(node);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(raw.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray()) {
        out.push_back({section, {}, raw});
        return;
    }
    int n = 0;
    for (const QJsonValue &v : doc.array()) {
        ++n;
        const QJsonObject o = v.toObject();
        const QString name = o.value(QLatin1String("name")).toString();
        out.push_back({section, name.isEmpty() ? tr("(column %1)").arg(n) : name, columnType(o)});
    }
}

} // namespace

QString ArtifactPreview::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Image:
        return QStringLiteral("image");
    case Kind::Text:
        return QStringLiteral("text");
    case Kind::Json:
        return QStringLiteral("json");
    case Kind::Yaml:
        return QStringLiteral("yaml");
    case Kind::Table:
        return QStringLiteral("table");
    case Kind::Markdown:
        return QStringLiteral("markdown");
    case Kind::MlModel:
        return QStringLiteral("mlmodel");
    case Kind::Binary:
        return QStringLiteral("binary");
    case Kind::Missing:
        return QStringLiteral("missing");
    }
    return {};
}

ArtifactPreview::Kind ArtifactPreview::kindFor(const QString &name, const QString &mediaType,
                                               const QByteArray &head)
{
    if (name.section(QLatin1Char('/'), -1) == QLatin1String("MLmodel"))
        return Kind::MlModel;
    const QString s = suffixOf(name);
    static const QStringList images = {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"),
                                       QStringLiteral("gif"), QStringLiteral("bmp"), QStringLiteral("webp"),
                                       QStringLiteral("svg"), QStringLiteral("svgz")};
    if (images.contains(s))
        return Kind::Image;
    if (s == QLatin1String("json") || s == QLatin1String("ipynb") || s == QLatin1String("geojson"))
        return Kind::Json;
    if (s == QLatin1String("yaml") || s == QLatin1String("yml"))
        return Kind::Yaml;
    if (s == QLatin1String("csv") || s == QLatin1String("tsv") || s == QLatin1String("tab"))
        return Kind::Table;
    if (s == QLatin1String("md") || s == QLatin1String("markdown"))
        return Kind::Markdown;
    if (mediaType == QLatin1String("application/json"))
        return Kind::Json;
    if (mediaType == QLatin1String("application/x-yaml") || mediaType == QLatin1String("application/yaml"))
        return Kind::Yaml;
    if (mediaType == QLatin1String("text/csv") || mediaType == QLatin1String("text/tab-separated-values"))
        return Kind::Table;
    if (mediaType == QLatin1String("text/markdown"))
        return Kind::Markdown;
    if (mediaType.startsWith(QLatin1String("image/")) && mediaType != QLatin1String("image/svg+xml"))
        return looksLikeText(head) ? Kind::Text : Kind::Image;
    // Logs, source and unknown names: shown as text when the bytes are text, whatever the name says.
    return looksLikeText(head) ? Kind::Text : Kind::Binary;
}

ArtifactPreview ArtifactPreview::fromFile(const QString &file, const QString &name, const QString &mediaType,
                                          const Limits &limits)
{
    QFile f(file);
    if (!f.exists()) {
        ArtifactPreview p;
        p.kind = Kind::Missing;
        p.note = tr("The bytes of this artifact are missing from the artifact store.");
        return p;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        ArtifactPreview p;
        p.kind = Kind::Missing;
        p.note = tr("Could not read the artifact: %1").arg(f.errorString());
        return p;
    }
    return fromDevice(f, f.size(), name, mediaType, limits);
}

ArtifactPreview ArtifactPreview::fromBytes(const QByteArray &bytes, const QString &name,
                                           const QString &mediaType, const Limits &limits)
{
    QByteArray copy = bytes;
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    return fromDevice(buffer, copy.size(), name, mediaType, limits);
}

ArtifactPreview ArtifactPreview::fromDevice(QIODevice &device, qint64 size, const QString &name,
                                            const QString &mediaType, const Limits &limits)
{
    ArtifactPreview p;
    p.totalBytes = size;
    try {
        const QByteArray head = device.peek(SniffBytes);
        Kind kind = kindFor(name, mediaType, head);
        if (kind == Kind::Image && isSvg(name)) {
            if (size > limits.textBytes * SvgBytesPerTextByte) {
                p.kind = Kind::Binary;
                p.note = tr("This SVG image is too large to preview (%1).").arg(display::bytes(size));
                return p;
            }
            const QByteArray bytes = device.read(size);
            p.bytesRead = bytes.size();
            p.readSvg(bytes);
            return p;
        }
        if (kind == Kind::Image) {
            if (size > limits.imageBytes) {
                p.kind = Kind::Binary;
                p.note = tr("This image is too large to preview (%1).").arg(display::bytes(size));
                return p;
            }
            p.readImage(device, name, limits);
            return p;
        }
        if (kind == Kind::Binary) {
            p.kind = Kind::Binary;
            p.note = tr("No preview for this kind of file.");
            return p;
        }
        if (kind == Kind::Markdown && size > limits.markdownBytes)
            kind = Kind::Text; // rendering is done on the GUI thread: keep it short
        const QByteArray bytes = device.read(limits.textBytes);
        p.bytesRead = bytes.size();
        p.truncated = p.bytesRead < size;
        if (kind == Kind::Table)
            p.readTable(bytes, suffixOf(name) == QLatin1String("csv") ? ',' : '\t', limits);
        else if (kind == Kind::MlModel && !p.truncated)
            p.readMlModel(bytes);
        else
            p.readText(bytes, kind == Kind::MlModel ? Kind::Yaml : kind, name, limits);
    } catch (const std::exception &e) { // std::bad_alloc, a parser's own exception
        p = ArtifactPreview();
        p.kind = Kind::Binary;
        p.totalBytes = size;
        p.note = tr("Could not preview this file: %1").arg(QString::fromLocal8Bit(e.what()));
    }
    return p;
}

void ArtifactPreview::readImage(QIODevice &device, const QString &name, const Limits &limits)
{
    QImageReader reader(&device);
    reader.setDecideFormatFromContent(true);
    reader.setAllocationLimit(limits.imageAllocationMiB);
    reader.setAutoTransform(true);
    const QSize declared = reader.size();
    if (declared.isValid() && (declared.width() > limits.imageSide || declared.height() > limits.imageSide))
        reader.setScaledSize(declared.scaled(limits.imageSide, limits.imageSide, Qt::KeepAspectRatio));
    QImage decoded = reader.read();
    bytesRead = device.pos();
    if (decoded.isNull()) {
        kind = Kind::Binary;
        note = tr("Could not read the image %1: %2")
                   .arg(name.section(QLatin1Char('/'), -1), reader.errorString());
        return;
    }
    kind = Kind::Image;
    imageSize = declared.isValid() ? declared : decoded.size();
    image = std::move(decoded);
}

void ArtifactPreview::readSvg(const QByteArray &bytes)
{
    QSvgRenderer renderer(bytes);
    QSize size = renderer.defaultSize();
    if (!renderer.isValid() || size.isEmpty()) {
        kind = Kind::Binary;
        note = tr("Could not read the SVG image: it is not valid SVG.");
        return;
    }
    kind = Kind::Image;
    imageSize = size;
    QImage out(size.scaled(SvgSide, SvgSide, Qt::KeepAspectRatio), QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    QPainter painter(&out);
    renderer.render(&painter);
    painter.end();
    image = std::move(out);
}

void ArtifactPreview::readText(const QByteArray &bytes, Kind wanted, const QString &name,
                               const Limits &limits)
{
    Q_UNUSED(limits)
    const QByteArray whole = truncated ? wholeCharacters(bytes) : bytes;
    QString raw = QString::fromUtf8(whole);
    kind = Kind::Text;
    text = raw;
    if (truncated) {
        note = showingFirst(bytesRead, totalBytes);
        if (wanted == Kind::Json || wanted == Kind::Yaml)
            note = tr("Too large to pretty-print. %1").arg(note);
        else if (wanted == Kind::Markdown)
            note = tr("Too large to render. %1").arg(note);
        return;
    }
    switch (wanted) {
    case Kind::Json: {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        if (error.error == QJsonParseError::NoError) {
            kind = Kind::Json;
            text = QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
            return;
        }
        // Qt reads only objects and arrays at the top; a lone value is JSON too.
        const QJsonDocument wrapped = QJsonDocument::fromJson("[" + bytes + "]");
        if (wrapped.isArray() && wrapped.array().size() == 1 && !bytes.trimmed().isEmpty()) {
            kind = Kind::Json;
            text = QString::fromUtf8(QJsonDocument(wrapped.array()).toJson(QJsonDocument::Compact))
                       .mid(1)
                       .chopped(1);
            return;
        }
        note = tr("Not valid JSON: %1 at byte %2. Showing the text as it is.")
                   .arg(error.errorString())
                   .arg(error.offset);
        return;
    }
    case Kind::Yaml:
        try {
            const std::vector<YAML::Node> docs = YAML::LoadAll(bytes.toStdString());
            QStringList parts;
            for (const YAML::Node &doc : docs) {
                YAML::Emitter out;
                out << doc;
                if (!out.good())
                    throw YAML::Exception(YAML::Mark::null_mark(), out.GetLastError());
                parts << QString::fromUtf8(out.c_str());
            }
            kind = Kind::Yaml;
            text = parts.join(QStringLiteral("\n---\n"));
            if (!text.endsWith(QLatin1Char('\n')))
                text += QLatin1Char('\n');
        } catch (const YAML::Exception &e) {
            const QString what = QString::fromStdString(e.msg);
            note = e.mark.is_null()
                       ? tr("Not valid YAML: %1. Showing the text as it is.").arg(what)
                       : tr("Not valid YAML: %1 (line %2, column %3). Showing the text as it is.")
                             .arg(what)
                             .arg(e.mark.line + 1)
                             .arg(e.mark.column + 1);
        }
        return;
    case Kind::Markdown:
        kind = Kind::Markdown;
        return;
    default:
        Q_UNUSED(name)
        return;
    }
}

void ArtifactPreview::readTable(const QByteArray &bytes, char separator, const Limits &limits)
{
    kind = Kind::Table;
    QByteArray data = bytes;
    if (truncated) { // the last record was cut by the read: leave it out
        const qsizetype nl = data.lastIndexOf('\n');
        data.truncate(nl >= 0 ? nl + 1 : 0);
    }
    CsvScanner scanner(data.constData(), data.constData() + data.size(), separator);
    std::vector<CsvField> fields;
    qsizetype count = 0;
    qint64 records = 0;
    bool wide = false;
    const auto decode = [&] {
        QStringList out;
        out.reserve(qsizetype(fields.size()));
        for (const CsvField &f : fields)
            out << QString::fromUtf8(f.p, f.n);
        wide = wide || count > limits.tableColumns;
        return out;
    };
    for (;;) {
        const CsvScanner::Result r = scanner.next(fields, limits.tableColumns, count);
        if (r == CsvScanner::Result::End)
            break;
        if (r == CsvScanner::Result::Unterminated) {
            note = tr("A quoted field opened on line %1 is never closed; the rows before it are shown.")
                       .arg(scanner.recordLine());
            break;
        }
        if (count == 1 && fields.size() == 1 && fields[0].n == 0)
            continue; // a blank line
        ++records;
        if (records == 1)
            header = decode();
        else if (qint64(rows.size()) < limits.tableRows)
            rows.push_back(decode());
    }
    const qint64 dataRows = std::max<qint64>(records - 1, 0);
    QStringList notes;
    if (dataRows > qint64(rows.size())) {
        truncated = true;
        notes << tr("Showing the first %1 of %2 rows read.").arg(rows.size()).arg(dataRows);
    }
    if (wide) {
        truncated = true;
        notes << tr("Showing the first %1 columns.").arg(limits.tableColumns);
    }
    if (bytesRead < totalBytes)
        notes << showingFirst(bytesRead, totalBytes);
    if (!note.isEmpty())
        notes.prepend(note);
    note = notes.join(QLatin1Char(' '));
}

void ArtifactPreview::readMlModel(const QByteArray &bytes)
{
    text = QString::fromUtf8(bytes);
    YAML::Node loaded;
    try {
        loaded = YAML::Load(bytes.toStdString());
    } catch (const YAML::Exception &) {
        readText(bytes, Kind::Yaml, QStringLiteral("MLmodel"), {});
        note = tr("This MLmodel file is not valid YAML. ") + note;
        return;
    }
    const YAML::Node &root = loaded; // const: a lookup of a missing key must not add it
    if (!isMap(root)) {
        readText(bytes, Kind::Yaml, QStringLiteral("MLmodel"), {});
        note = tr("This MLmodel file does not describe a model (no mapping at the top).");
        return;
    }
    kind = Kind::MlModel;
    const QString model = tr("Model");
    static const std::pair<const char *, const char *> origin[] = {
        {"run_id", "run_id"},
        {"model_uuid", "model_uuid"},
        {"utc_time_created", "utc_time_created"},
        {"mlflow_version", "mlflow_version"},
        {"artifact_path", "artifact_path"},
        {"model_size_bytes", "model_size_bytes"},
    };
    for (const auto &[key, label] : origin) {
        const YAML::Node v = root[key];
        if (v.IsDefined())
            summary.push_back({model, QString::fromLatin1(label), scalarText(v)});
    }
    const YAML::Node example = root["saved_input_example_info"];
    if (isMap(example) && example["artifact_path"].IsDefined())
        summary.push_back({model, tr("input example"), scalarText(example["artifact_path"])});
    const YAML::Node flavors = root["flavors"];
    if (isMap(flavors)) {
        for (const auto &kv : flavors) {
            const QString section = tr("Flavor: %1").arg(QString::fromStdString(kv.first.Scalar()));
            if (isMap(kv.second))
                flatten(kv.second, {}, section, summary);
            else
                summary.push_back({section, {}, scalarText(kv.second)});
        }
    } else {
        summary.push_back({model, tr("flavors"), tr("(none)")});
    }
    const YAML::Node signature = root["signature"];
    if (isMap(signature)) {
        if (signature["inputs"].IsDefined())
            signatureFields(signature["inputs"], tr("Signature inputs"), summary);
        if (signature["outputs"].IsDefined())
            signatureFields(signature["outputs"], tr("Signature outputs"), summary);
        if (signature["params"].IsDefined() && !signature["params"].IsNull())
            signatureFields(signature["params"], tr("Signature params"), summary);
    }
}

} // namespace runlens
