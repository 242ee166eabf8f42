// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/tensorboardreader.h"
#include "core/sourcefile.h"

#include "core/error.h"
#include "core/jsonformat.h"
#include "import/proto/tensorboard.pb.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QtEndian>
#include <string>
#include <unordered_map>
#include <yaml-cpp/yaml.h>

namespace runlens::import {

namespace {

namespace pb = runlens::tb;

// TensorBoard takes every file whose name contains this for an event file (IsTensorFlowEventsFile); CatBoost
// writes one named exactly `events.out.tfevents`, without the usual `.<time>.<host>` suffix.
const QString kEventFileMark = QStringLiteral("tfevents");
const QString kHParamsYaml = QStringLiteral("hparams.yaml");

// A TFRecord is u64 length, u32 masked CRC of the length, the data, u32 masked CRC of the data. Real event
// records are a few bytes to a few MiB (graphs); anything claiming more than this is treated as damage, so a
// forged length can never make the reader allocate more than this plus the bytes that are really there.
constexpr qint64 kMaxRecordBytes = qint64(64) << 20;
constexpr qint64 kHeaderBytes = 12;
constexpr qint64 kFooterBytes = 4;
constexpr qint64 kChunkBytes = qint64(1) << 20;
// See RecordReader: the data checksummed in vain that the reader affords beyond one byte per byte of input,
// and the damage a file may hold beyond the size of its intact records before the reader gives up on it.
constexpr qint64 kFailedCheckAllowance = qint64(1) << 20;
constexpr qint64 kDamageAllowance = qint64(1) << 20;
constexpr int kMaxFolderDepth = 64;
constexpr qint64 kMaxYamlBytes = qint64(16) << 20;
constexpr qint64 kMaxYamlNodes = 1000000; // aliases can make a small file expand exponentially
constexpr int kMaxYamlDepth = 64;

// ---- CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8 ----------------------------------

struct CrcTables
{
    std::array<std::array<quint32, 256>, 8> t{};
};

constexpr CrcTables makeCrcTables()
{
    CrcTables tables;
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        tables.t[0][i] = c;
    }
    for (int s = 1; s < 8; ++s)
        for (int i = 0; i < 256; ++i)
            tables.t[s][i] = (tables.t[s - 1][i] >> 8) ^ tables.t[0][tables.t[s - 1][i] & 0xff];
    return tables;
}

constexpr CrcTables kCrc = makeCrcTables();

quint32 crc32cOf(const uchar *p, qint64 n)
{
    quint32 crc = 0xffffffffu;
    const auto &t = kCrc.t;
    while (n >= 8) {
        const quint32 lo = crc ^ qFromLittleEndian<quint32>(p);
        const quint32 hi = qFromLittleEndian<quint32>(p + 4);
        crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
              t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

quint32 maskedCrc(const uchar *p, qint64 n)
{
    return maskCrc32c(crc32cOf(p, n));
}

// ---- Framing --------------------------------------------------------------------------------------------

// Where record bytes come from: a file, or memory for tests and fuzzing.
class ByteSource
{
public:
    virtual ~ByteSource() = default;
    // Up to max bytes into dst; 0 at the end, -1 on a read error.
    virtual qint64 read(char *dst, qint64 max) = 0;
    // How many bytes are still to come as far as is known now, or -1.
    virtual qint64 remaining() const = 0;
    virtual QString errorString() const { return {}; }
};

class FileSource : public ByteSource
{
public:
    explicit FileSource(QFile &file)
        : m_file(file)
    {}
    qint64 read(char *dst, qint64 max) override { return m_file.read(dst, max); }
    qint64 remaining() const override { return m_file.size() - m_file.pos(); }
    QString errorString() const override { return m_file.errorString(); }

private:
    QFile &m_file;
};

class MemorySource : public ByteSource
{
public:
    explicit MemorySource(QByteArrayView data)
        : m_data(data)
    {}
    qint64 read(char *dst, qint64 max) override
    {
        const qint64 n = std::min(max, m_data.size() - m_pos);
        if (n > 0)
            std::memcpy(dst, m_data.data() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }
    qint64 remaining() const override { return m_data.size() - m_pos; }

private:
    QByteArrayView m_data;
    qint64 m_pos = 0;
};

// Splits a byte stream into intact TFRecords. A record whose length or data CRC does not match is damage: the
// reader then slides forward byte by byte until a header and its data both check out again, and counts the
// whole damaged stretch once. A record cut short by the end of the input is what a writer still at work
// leaves behind; it ends the input quietly, unless intact records follow it (then it was damage, too).
//
// Damage costs work in proportion to the input, whatever the bytes are. Sliding tries every offset as a
// header (8 bytes checksummed); a header whose length checks out also has the data it claims checksummed,
// and a forged file can hold such a header at every offset, each claiming half the file. Data checks that
// fail are therefore paid from an allowance of kFailedCheckAllowance plus one byte per byte of input
// consumed; while it is overdrawn, headers are taken for damage without reading their data. A real record
// whose data was damaged costs its own length and is slid past in as many bytes, so on real files the
// allowance is back in credit by the next intact record. And a file stops being read once its garbage (the
// bytes of damaged stretches that no header with a valid length CRC claims) adds up to more than
// kDamageAllowance and more than its intact records: it is then not an event file, and going on would cost
// time for nothing. Bytes that such a header claims are not counted: a real record of many MiB (a graph)
// whose data took a bit flip is slid past, and the records after it read.
class RecordReader
{
public:
    explicit RecordReader(ByteSource &source)
        : m_source(source)
    {}

    // The next intact record's data, valid until the next call; false at the end of the input, or when the
    // reader gave up on it (stats().gaveUp).
    bool next(QByteArrayView &record)
    {
        consume(m_pending);
        m_pending = 0;
        bool resyncing = false; // inside a damaged stretch
        // Whether the stretch began with a failed check rather than an early end of the input. Only its first
        // check classifies a stretch: later failures are the bytes being slid over.
        bool damaged = false;
        const auto slide = [&](bool failedCheck) {
            damaged = damaged || (failedCheck && !resyncing);
            if (!resyncing)
                m_stretchStart = m_offset;
            resyncing = true;
            if (damaged) {
                ++m_stats.damagedBytes;
                if (m_offset >= m_claimedUntil)
                    ++m_garbageBytes;
            }
            consume(1);
        };
        // A header whose length checks out, but whose data does not or is not read: its bytes are a record's.
        const auto claimed = [&](qint64 total) {
            m_claimedUntil = std::max(m_claimedUntil, m_offset + total);
        };
        for (;;) {
            if (damaged && m_garbageBytes > std::max(kDamageAllowance, m_intactBytes)) {
                ++m_corrupt;
                m_stats.gaveUp = true;
                return false;
            }
            if (!fill(kHeaderBytes)) {
                if (resyncing && damaged)
                    ++m_corrupt;
                else if (resyncing || available() > 0)
                    m_truncated = true;
                return false;
            }
            const uchar *h = head();
            const quint64 length = qFromLittleEndian<quint64>(h);
            if (length > quint64(kMaxRecordBytes) || !headerIntact(h)) {
                slide(true);
                continue;
            }
            const qint64 total = kHeaderBytes + qint64(length) + kFooterBytes;
            if (m_eof && available() < total) {
                slide(false); // cut short by the end of the input, or a damaged length: what follows tells
                continue;
            }
            if (m_failedCheckBytes > kFailedCheckAllowance + m_offset) {
                ++m_stats.uncheckedHeaders;
                claimed(total);
                slide(true);
                continue;
            }
            if (!fill(total)) {
                slide(false);
                continue;
            }
            h = head();
            m_stats.bytesChecksummed += qint64(length);
            if (maskedCrc(h + kHeaderBytes, qint64(length)) !=
                qFromLittleEndian<quint32>(h + kHeaderBytes + length)) {
                m_failedCheckBytes += qint64(length);
                claimed(total);
                slide(true);
                continue;
            }
            if (resyncing)
                ++m_corrupt;
            m_intactBytes += total;
            record = QByteArrayView(reinterpret_cast<const char *>(h + kHeaderBytes), qint64(length));
            m_pending = total;
            return true;
        }
    }

    qint64 corruptStretches() const { return m_corrupt; }
    bool truncated() const { return m_truncated; }
    bool readError() const { return m_error; }
    qint64 offset() const { return m_offset; } // of the first byte not yet consumed
    qint64 bytesSeen() const { return m_offset + available(); }
    // Bytes of the input not consumed: after giving up, what was left unread.
    qint64 bytesLeft() const { return available() + std::max<qint64>(m_source.remaining(), 0); }
    qint64 stretchStart() const { return m_stretchStart; } // where the last damaged stretch began
    EventReadStats stats() const
    {
        EventReadStats s = m_stats;
        s.bytesConsumed = m_offset;
        return s;
    }

private:
    qint64 available() const { return m_end - m_begin; }
    const uchar *head() const { return reinterpret_cast<const uchar *>(m_buffer.data()) + m_begin; }

    bool headerIntact(const uchar *h)
    {
        m_stats.bytesChecksummed += 8;
        return maskedCrc(h, 8) == qFromLittleEndian<quint32>(h + 8);
    }

    void consume(qint64 n)
    {
        m_begin += n;
        m_offset += n;
    }

    // Makes n bytes available from head(); false when the input ends first. The buffer grows by what the
    // source says is left (a chunk at most), never by what a record header claims.
    bool fill(qint64 n)
    {
        if (available() >= n)
            return true;
        if (m_eof)
            return false;
        if (m_begin > 0) {
            std::memmove(m_buffer.data(), m_buffer.data() + m_begin, size_t(available()));
            m_end -= m_begin;
            m_begin = 0;
        }
        while (m_end < n && !m_eof) {
            if (qint64(m_buffer.size()) == m_end) {
                const qint64 left = m_source.remaining();
                const qint64 step = left < 0 ? kChunkBytes : std::clamp<qint64>(left, 1, kChunkBytes);
                m_buffer.resize(size_t(m_end + step));
            }
            const qint64 got = m_source.read(m_buffer.data() + m_end, qint64(m_buffer.size()) - m_end);
            if (got < 0)
                m_error = m_eof = true;
            else if (got == 0)
                m_eof = true;
            else
                m_end += got;
        }
        return m_end >= n;
    }

    ByteSource &m_source;
    std::vector<char> m_buffer;
    qint64 m_begin = 0;
    qint64 m_end = 0;
    qint64 m_offset = 0;
    qint64 m_pending = 0;
    qint64 m_corrupt = 0;
    qint64 m_intactBytes = 0;      // of records that checked out, framing included
    qint64 m_failedCheckBytes = 0; // data checksummed for headers whose data then did not match
    qint64 m_claimedUntil = 0;     // end of the furthest span claimed by a header with a valid length CRC
    qint64 m_garbageBytes = 0;     // damaged bytes outside such spans
    qint64 m_stretchStart = 0;
    EventReadStats m_stats;
    bool m_eof = false;
    bool m_error = false;
    bool m_truncated = false;
};

// ---- Values ---------------------------------------------------------------------------------------------

qint64 wallTimeToMs(double seconds)
{
    if (!std::isfinite(seconds))
        return 0;
    // Clamped to a range that survives the conversion; real wall times are nowhere near it.
    constexpr double kLimit = 9.0e18;
    const double ms = std::round(seconds * 1000.0);
    return qint64(std::clamp(ms, -kLimit, kLimit));
}

QString numberText(double v)
{
    // Integral values print as integers (torch stores batch_size=32 as 32.0): "32", not "32.0" or "3.2e+01".
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e15)
        return QString::number(qint64(v));
    return text::formatNumber(v);
}

// google.protobuf.Value as params show it: strings verbatim, numbers shortest, booleans and null as in JSON.
QString valueText(const pb::TbValue &v)
{
    switch (v.kind_case()) {
    case pb::TbValue::kNullValue:
        return QStringLiteral("null");
    case pb::TbValue::kNumberValue:
        return numberText(v.number_value());
    case pb::TbValue::kStringValue:
        return QString::fromStdString(v.string_value());
    case pb::TbValue::kBoolValue:
        return v.bool_value() ? QStringLiteral("true") : QStringLiteral("false");
    case pb::TbValue::kListValue: {
        QStringList items;
        for (const pb::TbValue &item : v.list_value().values())
            items << valueText(item);
        return QLatin1Char('[') + items.join(QLatin1String(", ")) + QLatin1Char(']');
    }
    case pb::TbValue::kStructValue: {
        QStringList items;
        for (const pb::TbHParamEntry &e : v.struct_value().fields())
            items << QString::fromStdString(e.key()) + QLatin1String(": ") + valueText(e.value());
        return QLatin1Char('{') + items.join(QLatin1String(", ")) + QLatin1Char('}');
    }
    case pb::TbValue::KIND_NOT_SET:
        break;
    }
    return {};
}

double halfToDouble(quint16 h)
{
    const int exponent = (h >> 10) & 0x1f;
    const int fraction = h & 0x3ff;
    double v;
    if (exponent == 0)
        v = std::ldexp(double(fraction), -24);
    else if (exponent == 31)
        v = fraction ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
    else
        v = std::ldexp(double(fraction + 1024), exponent - 25);
    return (h & 0x8000) ? -v : v;
}

// The value of a scalar-plugin tensor: one element of a float type (or an integer type, which TensorBoard's
// scalar plugin also accepts), in the typed field or in tensor_content (little-endian).
std::optional<double> tensorScalar(const pb::TbTensor &t)
{
    for (const pb::TbTensorDim &d : t.tensor_shape().dim())
        if (d.size() != 1)
            return std::nullopt;
    const std::string &raw = t.tensor_content();
    const auto *bytes = reinterpret_cast<const uchar *>(raw.data());
    enum : int { DtFloat = 1, DtDouble = 2, DtInt32 = 3, DtInt64 = 9, DtHalf = 19 };
    switch (t.dtype()) {
    case DtFloat:
        if (t.float_val_size() > 0)
            return double(t.float_val(0));
        if (raw.size() == 4)
            return double(qFromLittleEndian<float>(bytes));
        break;
    case DtDouble:
        if (t.double_val_size() > 0)
            return t.double_val(0);
        if (raw.size() == 8)
            return qFromLittleEndian<double>(bytes);
        break;
    case DtInt32:
        if (t.int_val_size() > 0)
            return double(t.int_val(0));
        if (raw.size() == 4)
            return double(qFromLittleEndian<qint32>(bytes));
        break;
    case DtInt64:
        if (t.int64_val_size() > 0)
            return double(t.int64_val(0));
        if (raw.size() == 8)
            return double(qFromLittleEndian<qint64>(bytes));
        break;
    case DtHalf:
        if (t.half_val_size() > 0)
            return halfToDouble(quint16(t.half_val(0)));
        if (raw.size() == 2)
            return halfToDouble(qFromLittleEndian<quint16>(bytes));
        break;
    default:
        break;
    }
    return std::nullopt;
}

// ---- Hugging Face Trainer text summaries ----------------------------------------------------------------

// The Hugging Face Trainer's TensorBoard callback writes its TrainingArguments and the model's config only as
// JSON text (add_text: tags `args/text_summary` and `model_config/text_summary`). Their values become params.
const std::string kArgsTextTag = "args/text_summary";
const std::string kModelConfigTextTag = "model_config/text_summary";
const QString kModelConfigPrefix = QStringLiteral("model_config");
// Real ones are a few KiB with a hundred or two keys; beyond these a text is not read (with a warning).
constexpr qsizetype kMaxTextSummaryBytes = qsizetype(1) << 20;
constexpr qsizetype kMaxTextSummaryKeys = 10000;
constexpr int kMaxJsonDepth = 64;

// Flattens one JSON object into params: nested objects with "." between the keys, every other value as the
// text wrote it (numbers as written, true, false, null, strings unquoted, lists as compact JSON). Python's
// json module writes NaN and Infinity for such floats, and they are read as written, too. Never throws; a
// text that is not such an object, or too large, gives a message naming what was expected at which byte.
class FlatJson
{
public:
    explicit FlatJson(QByteArrayView text)
        : m_text(text)
    {}

    // The params under prefix ("" for none), or the problem (out untouched).
    QString read(const QString &prefix, QMap<QString, QString> &out)
    {
        if (m_text.size() > kMaxTextSummaryBytes)
            return QStringLiteral("larger than %1 MiB").arg(kMaxTextSummaryBytes >> 20);
        QMap<QString, QString> params;
        m_out = &params;
        space();
        if (peek() != '{')
            fail(QStringLiteral("expected a JSON object"));
        else
            object(prefix, 0);
        space();
        if (m_error.isEmpty() && m_pos < m_text.size())
            fail(QStringLiteral("expected the end of the text"));
        if (!m_error.isEmpty())
            return m_error;
        for (auto it = params.cbegin(); it != params.cend(); ++it)
            out.insert(it.key(), it.value());
        return {};
    }

private:
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    bool failed() const { return !m_error.isEmpty(); }

    void fail(const QString &what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("not valid JSON at byte %1: %2").arg(m_pos).arg(what);
    }

    void space()
    {
        while (m_pos < m_text.size() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t'))
            ++m_pos;
    }

    void put(const QString &key, const QString &value)
    {
        if (m_out->size() >= kMaxTextSummaryKeys && !m_out->contains(key))
            return fail(QStringLiteral("more than %1 keys").arg(kMaxTextSummaryKeys));
        m_out->insert(key, value);
    }

    // At '{': its members become params below prefix; an empty object is kept as "{}", never lost.
    void object(const QString &prefix, int depth)
    {
        ++m_pos;
        space();
        if (peek() == '}') {
            ++m_pos;
            if (!prefix.isEmpty())
                put(prefix, QStringLiteral("{}"));
            return;
        }
        for (;;) {
            space();
            if (peek() != '"')
                return fail(QStringLiteral("expected a key in quotes"));
            const QString key = string();
            space();
            if (failed())
                return;
            if (peek() != ':')
                return fail(QStringLiteral("expected ':'"));
            ++m_pos;
            space();
            const QString name = prefix.isEmpty() ? key : prefix + QLatin1Char('.') + key;
            if (peek() == '{') {
                if (depth + 1 >= kMaxJsonDepth)
                    return fail(QStringLiteral("nested deeper than %1 levels").arg(kMaxJsonDepth));
                object(name, depth + 1);
            } else if (peek() == '"') {
                const QString text = string();
                if (!failed())
                    put(name, text);
            } else {
                QByteArray text;
                value(text, depth + 1);
                if (!failed())
                    put(name, QString::fromUtf8(text));
            }
            if (failed())
                return;
            space();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                return;
            }
            return fail(QStringLiteral("expected ',' or '}'"));
        }
    }

    // Any value, appended to out as compact JSON: the tokens as written, without the spaces between them.
    void value(QByteArray &out, int depth)
    {
        space();
        if (depth > kMaxJsonDepth)
            return fail(QStringLiteral("nested deeper than %1 levels").arg(kMaxJsonDepth));
        const char c = peek();
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            out += c;
            ++m_pos;
            space();
            if (peek() == close) {
                out += close;
                ++m_pos;
                return;
            }
            for (;;) {
                space();
                if (c == '{') {
                    if (peek() != '"')
                        return fail(QStringLiteral("expected a key in quotes"));
                    rawString(out);
                    space();
                    if (failed())
                        return;
                    if (peek() != ':')
                        return fail(QStringLiteral("expected ':'"));
                    out += ':';
                    ++m_pos;
                }
                value(out, depth + 1);
                if (failed())
                    return;
                space();
                if (peek() == ',') {
                    out += ',';
                    ++m_pos;
                    continue;
                }
                if (peek() == close) {
                    out += close;
                    ++m_pos;
                    return;
                }
                return fail(QStringLiteral("expected ',' or '%1'").arg(QLatin1Char(close)));
            }
        }
        if (c == '"')
            return rawString(out);
        for (const char *word : {"true", "false", "null", "NaN", "Infinity", "-Infinity"}) {
            const QByteArrayView w(word);
            if (m_text.sliced(m_pos).startsWith(w)) {
                out.append(w);
                m_pos += w.size();
                return;
            }
        }
        number(out);
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, as written.
    void number(QByteArray &out)
    {
        const qsizetype start = m_pos;
        const auto digits = [this] {
            const qsizetype from = m_pos;
            while (peek() >= '0' && peek() <= '9')
                ++m_pos;
            return m_pos > from;
        };
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0')
            ++m_pos;
        else if (!digits())
            return fail(QStringLiteral("expected a value"));
        if (peek() == '.') {
            ++m_pos;
            if (!digits())
                return fail(QStringLiteral("expected a digit"));
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!digits())
                return fail(QStringLiteral("expected a digit"));
        }
        out.append(m_text.sliced(start, m_pos - start));
    }

    // At '"': the string as written, quotes and escapes included.
    void rawString(QByteArray &out)
    {
        const qsizetype start = m_pos;
        ++m_pos;
        for (;;) {
            if (m_pos >= m_text.size())
                return fail(QStringLiteral("expected '\"' (the string is not closed)"));
            const char c = m_text[m_pos];
            if (uchar(c) < 0x20)
                return fail(QStringLiteral("control character in a string"));
            ++m_pos;
            if (c == '\\') {
                if (m_pos >= m_text.size())
                    return fail(QStringLiteral("expected an escape"));
                ++m_pos;
            } else if (c == '"') {
                break;
            }
        }
        out.append(m_text.sliced(start, m_pos - start));
    }

    // At '"': the string's value, escapes decoded.
    QString string()
    {
        QByteArray raw;
        const qsizetype start = m_pos;
        rawString(raw);
        if (failed())
            return {};
        QString s;
        const QByteArrayView body = QByteArrayView(raw).sliced(1, raw.size() - 2);
        qsizetype run = 0; // start of the stretch without escapes
        for (qsizetype i = 0; i < body.size(); ++i) {
            if (body[i] != '\\')
                continue;
            s += QString::fromUtf8(body.sliced(run, i - run));
            const char e = body[i + 1];
            static const char kSimple[] = {'"', '"',  '\\', '\\', '/', '/',  'b', '\b',
                                           'f', '\f', 'n',  '\n', 'r', '\r', 't', '\t'};
            bool known = false;
            for (size_t k = 0; k < sizeof kSimple; k += 2) {
                if (e == kSimple[k]) {
                    s += QLatin1Char(kSimple[k + 1]);
                    known = true;
                }
            }
            if (known) {
                i += 1;
            } else if (e == 'u') {
                const QByteArrayView hex = body.sliced(i + 2, std::min<qsizetype>(4, body.size() - i - 2));
                const bool ok =
                    hex.size() == 4 && std::all_of(hex.begin(), hex.end(), [](char h) {
                        return (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
                    });
                const ushort unit = ok ? ushort(hex.toByteArray().toUShort(nullptr, 16)) : 0;
                if (!ok) {
                    m_pos = start + 1 + i;
                    fail(QStringLiteral("expected four hex digits after \\u"));
                    return {};
                }
                s += QChar(unit); // surrogate pairs come as two escapes, joined by QString
                i += 5;
            } else {
                m_pos = start + 1 + i;
                fail(QStringLiteral("unknown escape"));
                return {};
            }
            run = i + 1;
        }
        s += QString::fromUtf8(body.sliced(run));
        return s;
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    QMap<QString, QString> *m_out = nullptr;
    QString m_error;
};

// ---- One run's events -----------------------------------------------------------------------------------

// Turns the events of one run (possibly spread over several files) into the run's metrics and params, and
// tallies what it does not import. TensorBoard writers attach plugin metadata only to the first value of a
// tag, so the plugin of each tag is remembered for the rest of the run.
class RunDecoder
{
public:
    RunDecoder(SourceRun &run, ImportSink &sink)
        : m_run(run)
        , m_sink(sink)
        , m_arenaBlock(new char[kArenaBlockBytes])
        , m_arena(arenaOptions(m_arenaBlock.get()))
    {
        for (size_t i = 0; i < m_run.metrics.size(); ++i)
            m_keys.emplace(m_run.metrics[i].key.toStdString(), i);
    }

    // False when the record is not an Event.
    bool decode(QByteArrayView record)
    {
        // Each event is parsed into a fresh arena-allocated message: a reused heap message would free and
        // reallocate its sub-messages (summary, value, metadata, tensor) on every record.
        m_arena.Reset();
        pb::TbEvent &event = *google::protobuf::Arena::CreateMessage<pb::TbEvent>(&m_arena);
        if (!event.ParseFromArray(record.data(), int(record.size())))
            return false;
        m_anyEvent = true;
        const double wall = event.wall_time();
        const qint64 ms = wallTimeToMs(wall);
        if (wall != 0 && std::isfinite(wall)) {
            m_firstMs = std::min(m_firstMs.value_or(ms), ms);
            m_lastMs = std::max(m_lastMs.value_or(ms), ms);
        }
        if (event.has_summary()) {
            const qint64 step = event.step();
            for (const pb::TbSummaryValue &v : event.summary().value())
                value(v, step, ms);
        }
        if (!event.graph_def().empty() || !event.meta_graph_def().empty())
            skip(QStringLiteral("graphs"));
        if (!event.tagged_run_metadata().empty())
            skip(QStringLiteral("run metadata"));
        if (!event.session_log().empty())
            skip(QStringLiteral("session logs"));
        if (!event.log_message().empty())
            skip(QStringLiteral("log messages"));
        return true;
    }

    // Summaries inside intact records that could not be decoded (hparams content), since the last call.
    qint64 takeBadSummaries() { return std::exchange(m_badSummaries, 0); }
    bool anyEvent() const { return m_anyEvent; }
    // The hparams plugin's session summaries (one run's hyperparameters) were among the events.
    bool hasHParamsSession() const { return m_session; }
    // The hparams plugin's experiment config (the domains of a sweep), written to a sweep's root folder.
    bool hasHParamsExperiment() const { return m_experimentConfig; }

    // The event file the records come from, for warnings about their content.
    void setFile(const QString &fileName) { m_file = fileName; }

    // Completes the run: hparams from the events, then the Hugging Face Trainer's text summaries, fill params
    // not set already (hparams.yaml wins), times widen startMs/endMs, skip counts go to the sink.
    void finish(const QString &where)
    {
        for (const QMap<QString, QString> *from : {&m_hparams, &m_textParams})
            for (auto it = from->cbegin(); it != from->cend(); ++it)
                if (!m_run.params.contains(it.key()))
                    m_run.params.insert(it.key(), it.value());
        if (!m_conflicts.isEmpty()) {
            QStringList keys = m_conflicts.values();
            keys.sort();
            m_sink.warning(
                {where, QStringLiteral("hparams logged more than once with different values, the last "
                                       "one kept: %1")
                            .arg(keys.join(QLatin1String(", ")))});
        }
        if (m_firstMs) {
            m_run.startMs = std::min(m_run.startMs.value_or(*m_firstMs), *m_firstMs);
            m_run.endMs = std::max(m_run.endMs.value_or(*m_lastMs), *m_lastMs);
        }
        for (const auto &[what, count] : m_skipped)
            m_sink.skipped(what, count);
        m_skipped.clear();
    }

private:
    void value(const pb::TbSummaryValue &v, qint64 step, qint64 ms)
    {
        const std::string &tag = v.tag().empty() ? v.node_name() : v.tag();
        const std::string *plugin = nullptr;
        if (v.has_metadata() && v.metadata().has_plugin_data()) {
            plugin = &v.metadata().plugin_data().plugin_name();
            m_tagPlugin.try_emplace(tag, *plugin);
        }
        switch (v.value_case()) {
        case pb::TbSummaryValue::kSimpleValue:
            addPoint(tag, step, ms, double(v.simple_value()));
            return;
        case pb::TbSummaryValue::kHisto:
        case pb::TbSummaryValue::kObsoleteOldStyleHistogram:
            skip(QStringLiteral("histograms"));
            return;
        case pb::TbSummaryValue::kImage:
            skip(QStringLiteral("images"));
            return;
        case pb::TbSummaryValue::kAudio:
            skip(QStringLiteral("audio"));
            return;
        case pb::TbSummaryValue::kTensor:
        case pb::TbSummaryValue::VALUE_NOT_SET:
            break;
        }
        if (!plugin) {
            const auto it = m_tagPlugin.find(tag);
            if (it != m_tagPlugin.end())
                plugin = &it->second;
        }
        const bool tensor = v.value_case() == pb::TbSummaryValue::kTensor;
        if (plugin && *plugin == "hparams") {
            hparams(v);
        } else if (!tensor) {
            // A value with metadata only and no data: nothing to import.
        } else if (plugin && *plugin == "text" && (tag == kArgsTextTag || tag == kModelConfigTextTag)) {
            textSummary(tag, v.tensor());
        } else if (plugin && *plugin == "scalars") {
            if (const std::optional<double> x = tensorScalar(v.tensor()))
                addPoint(tag, step, ms, *x);
            else
                skip(QStringLiteral("non-scalar tensors"));
        } else if (plugin && !plugin->empty()) {
            skip(QString::fromStdString(*plugin));
        } else {
            skip(QStringLiteral("tensors"));
        }
    }

    void addPoint(const std::string &tag, qint64 step, qint64 ms, double x)
    {
        if (tag.empty()) {
            skip(QStringLiteral("untagged values"));
            return;
        }
        auto it = m_keys.find(tag);
        if (it == m_keys.end()) {
            it = m_keys.emplace(tag, m_run.metrics.size()).first;
            m_run.metrics.push_back({QString::fromStdString(tag), {}});
        }
        m_run.metrics[it->second].points.push_back({step, ms, x});
    }

    void hparams(const pb::TbSummaryValue &v)
    {
        if (!v.has_metadata())
            return; // plugin known from an earlier value of the tag; the data travels in the metadata
        if (!m_hp.ParseFromString(v.metadata().plugin_data().content())) {
            ++m_badSummaries;
            return;
        }
        if (m_hp.data_case() == pb::TbHParamsPluginData::kExperiment)
            m_experimentConfig = true;
        if (!m_hp.has_session_start_info())
            return; // experiment config (domains, metric list) and session end: nothing a run keeps
        m_session = true;
        for (const pb::TbHParamEntry &e : m_hp.session_start_info().hparams()) {
            const QString key = QString::fromStdString(e.key());
            const QString text = valueText(e.value());
            const auto it = m_hparams.constFind(key);
            if (it != m_hparams.cend() && *it != text)
                m_conflicts.insert(key);
            m_hparams.insert(key, text);
        }
    }

    // The Trainer's TrainingArguments (keys as they are) or model config (under "model_config.").
    void textSummary(const std::string &tag, const pb::TbTensor &t)
    {
        const QString tagName = QString::fromStdString(tag);
        if (t.string_val_size() != 1) {
            m_sink.warning(
                {m_file, QStringLiteral("text summary '%1' holds %2 texts, not one; no params read "
                                        "from it")
                             .arg(tagName)
                             .arg(t.string_val_size())});
            return;
        }
        QMap<QString, QString> params;
        const std::string &text = t.string_val(0);
        const QString problem =
            FlatJson(QByteArrayView(text.data(), qsizetype(text.size())))
                .read(tag == kModelConfigTextTag ? kModelConfigPrefix : QString(), params);
        if (!problem.isEmpty()) {
            m_sink.warning(
                {m_file,
                 QStringLiteral("text summary '%1': %2; no params read from it").arg(tagName, problem)});
            return;
        }
        for (auto it = params.cbegin(); it != params.cend(); ++it) {
            const auto same = m_textParams.constFind(it.key());
            if (same != m_textParams.cend() && *same != it.value())
                m_conflicts.insert(it.key());
            m_textParams.insert(it.key(), it.value());
        }
    }

    void skip(const QString &what) { ++m_skipped[what]; }

    static google::protobuf::ArenaOptions arenaOptions(char *block)
    {
        // Reset() keeps a caller's initial block, so a typical event is parsed without touching the heap.
        google::protobuf::ArenaOptions options;
        options.initial_block = block;
        options.initial_block_size = kArenaBlockBytes;
        return options;
    }

    static constexpr size_t kArenaBlockBytes = 64 * 1024;

    SourceRun &m_run;
    ImportSink &m_sink;
    std::unique_ptr<char[]> m_arenaBlock;
    google::protobuf::Arena m_arena;
    pb::TbHParamsPluginData m_hp;
    std::unordered_map<std::string, size_t> m_keys;
    std::unordered_map<std::string, std::string> m_tagPlugin;
    std::map<QString, qint64> m_skipped;
    QMap<QString, QString> m_hparams;
    QMap<QString, QString> m_textParams; // from the Hugging Face Trainer's text summaries
    QSet<QString> m_conflicts;
    QString m_file;
    std::optional<qint64> m_firstMs;
    std::optional<qint64> m_lastMs;
    qint64 m_badSummaries = 0;
    bool m_anyEvent = false;
    bool m_session = false;
    bool m_experimentConfig = false;
};

enum class ReadOutcome { Done, Cancelled };

// Feeds one event file through the decoder; reports damage once per file, with the count.
ReadOutcome readEventStream(ByteSource &source, const QString &fileName, RunDecoder &decoder,
                            ImportSink &sink, qint64 progressBase = 0, qint64 progressTotal = 0,
                            EventReadStats *stats = nullptr)
{
    RecordReader reader(source);
    decoder.setFile(fileName);
    QByteArrayView record;
    qint64 records = 0;
    qint64 bad = 0;
    while (reader.next(record)) {
        ++records;
        if (!decoder.decode(record))
            ++bad;
        if ((records & 0x3fff) == 0) {
            if (progressTotal > 0)
                sink.progress(progressBase + reader.offset(), progressTotal);
            if (sink.isCancelled())
                return ReadOutcome::Cancelled;
        }
    }
    if (stats)
        *stats = reader.stats();
    bad += reader.corruptStretches() + decoder.takeBadSummaries();
    if (reader.readError())
        sink.warning({fileName, QStringLiteral("read error after %1 bytes: %2")
                                    .arg(reader.bytesSeen())
                                    .arg(source.errorString())});
    if (bad > 0) {
        QString message = QStringLiteral("skipped %1 damaged record%2 (bad CRC or unreadable content)")
                              .arg(bad)
                              .arg(bad == 1 ? QString() : QStringLiteral("s"));
        if (reader.stats().gaveUp)
            message += QStringLiteral("; gave up at byte %1, in damage from byte %2 on: more than %3 MiB of "
                                      "bytes that are no records, and more than the intact records before "
                                      "them (not an event file, or damaged beyond repair); the last %4 bytes "
                                      "were not read")
                           .arg(reader.offset())
                           .arg(reader.stretchStart())
                           .arg(kDamageAllowance >> 20)
                           .arg(reader.bytesLeft());
        sink.skipped(QStringLiteral("corrupt records"), bad);
        sink.warning({fileName, message});
    } else if (records == 0 && reader.bytesSeen() == 0 && !reader.readError()) {
        sink.warning({fileName, QStringLiteral("empty event file")});
    } else if (records == 0 && reader.truncated()) {
        sink.warning({fileName, QStringLiteral("no complete record (file still being written?)")});
    }
    return ReadOutcome::Done;
}

// ---- hparams.yaml ---------------------------------------------------------------------------------------

// Flattens Lightning's hparams.yaml into params the way Lightning's own loggers flatten hyperparameters:
// nested mappings become "outer/inner" keys, sequences and deeper values become one text. Scalars keep the
// text written in the file. YAML written by PyYAML's unsafe dumper carries Python tags that safe loaders
// reject; here they are read as plain text instead (a `!!python/name:mod.Class ''` as "mod.Class"), and
// Python objects stored as mappings (`!!python/object:...`) are left out, with one warning per file.
class YamlParams
{
public:
    explicit YamlParams(QMap<QString, QString> &params)
        : m_params(params)
    {}

    void read(const YAML::Node &root) { mapping(root, QString(), 0); }

    QStringList tagged;  // "key (tag)" for values read as plain text
    QStringList skipped; // "key (tag)" for Python objects left out
    bool tooLarge = false;

private:
    static bool isStandardTag(const std::string &tag)
    {
        if (tag.empty() || tag == "?" || tag == "!")
            return true;
        return tag.rfind("tag:yaml.org,2002:", 0) == 0 && tag.find("python/") == std::string::npos;
    }

    // For `!!python/name:X` and `!!python/module:X` the value is X itself (the scalar is empty by
    // convention).
    static std::optional<QString> taggedName(const std::string &tag)
    {
        for (const char *prefix : {"tag:yaml.org,2002:python/name:", "tag:yaml.org,2002:python/module:"}) {
            if (tag.rfind(prefix, 0) == 0)
                return QString::fromStdString(tag.substr(std::strlen(prefix)));
        }
        return std::nullopt;
    }

    static bool isPythonObject(const std::string &tag)
    {
        return tag.rfind("tag:yaml.org,2002:python/object", 0) == 0;
    }

    static void note(QStringList &list, const QString &key, const std::string &tag)
    {
        QString t = QString::fromStdString(tag);
        t.replace(QLatin1String("tag:yaml.org,2002:"), QLatin1String("!!"));
        const QString entry = key + QLatin1String(" (") + t + QLatin1Char(')');
        if (list.size() < 100 && !list.contains(entry)) // enough to name them; a hostile file has millions
            list << entry;
    }

    bool budget()
    {
        if (++m_nodes <= kMaxYamlNodes)
            return true;
        tooLarge = true;
        return false;
    }

    void mapping(const YAML::Node &node, const QString &prefix, int depth)
    {
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!budget())
                return;
            m_key = prefix;
            const QString name = text(it->first, depth + 1);
            entry(prefix.isEmpty() ? name : prefix + QLatin1Char('/') + name, it->second, depth + 1);
        }
    }

    void entry(const QString &key, const YAML::Node &value, int depth)
    {
        const std::string &tag = value.Tag();
        if (isPythonObject(tag) && !value.IsScalar()) {
            note(skipped, key, tag);
            return;
        }
        if (value.IsMap() && depth < kMaxYamlDepth) {
            if (!isStandardTag(tag))
                note(tagged, key, tag);
            mapping(value, key, depth);
            return;
        }
        m_key = key;
        m_params.insert(key, text(value, depth));
    }

    QString text(const YAML::Node &node, int depth)
    {
        if (!budget())
            return {};
        if (depth > kMaxYamlDepth) {
            tooLarge = true;
            return QStringLiteral("...");
        }
        if (!isStandardTag(node.Tag()))
            note(tagged, m_key, node.Tag());
        switch (node.Type()) {
        case YAML::NodeType::Scalar: {
            if (node.Scalar().empty()) {
                if (const std::optional<QString> name = taggedName(node.Tag()))
                    return *name;
            }
            return QString::fromStdString(node.Scalar());
        }
        case YAML::NodeType::Sequence: {
            QStringList items;
            for (const YAML::Node &item : node) {
                items << text(item, depth + 1);
                if (tooLarge)
                    break;
            }
            return QLatin1Char('[') + items.join(QLatin1String(", ")) + QLatin1Char(']');
        }
        case YAML::NodeType::Map: {
            QStringList items;
            for (auto it = node.begin(); it != node.end(); ++it) {
                items << text(it->first, depth + 1) + QLatin1String(": ") + text(it->second, depth + 1);
                if (tooLarge)
                    break;
            }
            return QLatin1Char('{') + items.join(QLatin1String(", ")) + QLatin1Char('}');
        }
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            break;
        }
        return QStringLiteral("null");
    }

    QMap<QString, QString> &m_params;
    QString m_key; // the param whose value is being rendered, for notes
    qint64 m_nodes = 0;
};

// "a, b, c and others": a warning names what it is about without growing with a hostile file.
QString listSome(const QStringList &items)
{
    constexpr qsizetype kShown = 10;
    QString out = items.mid(0, kShown).join(QLatin1String(", "));
    if (items.size() > kShown)
        out += QStringLiteral(" and others");
    return out;
}

void readHParamsYaml(const QString &filePath, QMap<QString, QString> &params, ImportSink &sink)
{
    SourceFile file(filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        sink.warning({filePath, QStringLiteral("cannot read: %1").arg(file.errorString())});
        return;
    }
    if (file.size() > kMaxYamlBytes) {
        sink.warning({filePath, QStringLiteral("larger than %1 MiB, not read").arg(kMaxYamlBytes >> 20)});
        return;
    }
    const QByteArray bytes = file.readAll();
    YAML::Node root;
    try {
        root = YAML::Load(bytes.toStdString());
    } catch (const YAML::Exception &e) {
        sink.warning(
            {filePath,
             QStringLiteral("not valid YAML, no params read: %1").arg(QString::fromStdString(e.what()))});
        return;
    }
    if (root.IsNull())
        return;
    if (!root.IsMap()) {
        sink.warning({filePath, QStringLiteral("not a mapping of hyperparameters, no params read")});
        return;
    }
    QMap<QString, QString> read;
    YamlParams yaml(read);
    try {
        yaml.read(root);
    } catch (const YAML::Exception &e) {
        sink.warning(
            {filePath,
             QStringLiteral("not valid YAML, no params read: %1").arg(QString::fromStdString(e.what()))});
        return;
    }
    for (auto it = read.cbegin(); it != read.cend(); ++it)
        params.insert(it.key(), it.value());
    QStringList notes;
    if (!yaml.tagged.isEmpty())
        notes << QStringLiteral(
                     "Python-specific or custom YAML tags (which safe loaders reject) read as plain "
                     "text: %1")
                     .arg(listSome(yaml.tagged));
    if (!yaml.skipped.isEmpty())
        notes << QStringLiteral("Python objects left out: %1").arg(listSome(yaml.skipped));
    if (yaml.tooLarge)
        notes << QStringLiteral("too large or too deeply nested, read in part");
    if (!notes.isEmpty())
        sink.warning({filePath, notes.join(QLatin1String("; "))});
}

// ---- The folder tree ------------------------------------------------------------------------------------

bool isEventFileName(const QString &name)
{
    return name.contains(kEventFileMark);
}

struct RunFolder
{
    QString path;         // absolute
    QString relativePath; // to the import root, '/'-separated; empty for the root itself
    QStringList files;    // event file names, in name order
};

// Walks a folder tree depth-first, children before their parent. Symlinked folders are followed after the
// real tree, and each real folder is entered once: a link that loops, or that points at a folder seen
// already, adds nothing, and a run reached both directly and through a link keeps its real path as its name.
class FolderWalker
{
public:
    explicit FolderWalker(ImportSink *sink, bool stopAtFirst = false)
        : m_sink(sink)
        , m_stopAtFirst(stopAtFirst)
    {}

    void walkTree(const QString &root)
    {
        walk(root, QString(), 0);
        // Links found while following links are appended, so this ends once no new real folder turns up.
        for (size_t i = 0; i < m_links.size() && !m_stop; ++i) {
            const Pending link = m_links[i];
            walk(link.path, link.relativePath, link.depth);
        }
    }

    std::vector<RunFolder> runs;

private:
    struct Pending
    {
        QString path;
        QString relativePath;
        int depth;
    };

    void walk(const QString &path, const QString &relativePath, int depth)
    {
        const QFileInfo info(path);
        const QString canonical = info.canonicalFilePath();
        if (canonical.isEmpty() || m_visited.contains(canonical))
            return;
        m_visited.insert(canonical);
        if (!info.isReadable() || !info.isExecutable()) {
            warn(path, QStringLiteral("cannot open folder"));
            return;
        }
        // System brings in dangling symlinks, so that an event file whose target is gone gets a warning.
        const QFileInfoList entries = QDir(path).entryInfoList(
            QDir::Dirs | QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDir::NoSort);
        QStringList files;
        std::vector<std::pair<QString, bool>> folders; // name, is a symlink
        for (const QFileInfo &e : entries) {
            if (e.isDir())
                folders.emplace_back(e.fileName(), e.isSymLink());
            else if (isEventFileName(e.fileName()) && (e.isFile() || (e.isSymLink() && !e.exists())))
                files << e.fileName(); // never a fifo or device: opening those could block or never end
        }
        if (!files.isEmpty() && m_stopAtFirst) {
            m_stop = true;
            runs.push_back({path, relativePath, files});
            return;
        }
        std::sort(files.begin(), files.end());
        std::sort(folders.begin(), folders.end());
        for (const auto &[name, isLink] : folders) {
            if (depth >= kMaxFolderDepth) {
                warn(path,
                     QStringLiteral("folders nested deeper than %1 levels not read").arg(kMaxFolderDepth));
                break;
            }
            const QString childPath = path + QLatin1Char('/') + name;
            const QString childRelative =
                relativePath.isEmpty() ? name : relativePath + QLatin1Char('/') + name;
            if (isLink) {
                m_links.push_back({childPath, childRelative, depth + 1});
                continue;
            }
            walk(childPath, childRelative, depth + 1);
            if (m_stop)
                return;
        }
        if (!files.isEmpty())
            runs.push_back({path, relativePath, files});
    }

    void warn(const QString &path, const QString &message)
    {
        if (m_sink)
            m_sink->warning({path, message});
    }

    ImportSink *m_sink;
    QSet<QString> m_visited;
    std::vector<Pending> m_links;
    bool m_stopAtFirst;
    bool m_stop = false;
};

QString parentOf(const QString &relativePath)
{
    const qsizetype slash = relativePath.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : relativePath.left(slash);
}

// Whether two sets of params could belong to one run: no key with two values.
bool paramsAgree(const QMap<QString, QString> &a, const QMap<QString, QString> &b)
{
    for (auto it = a.cbegin(); it != a.cend(); ++it) {
        const auto other = b.constFind(it.key());
        if (other != b.cend() && *other != it.value())
            return false;
    }
    return true;
}

// hparams session sub-folders waiting for the run folder they lie in, which the walk delivers after its
// children: torch's SummaryWriter.add_hparams writes the session (and the values of its metrics) to
// `<run>/<time>/` or `<run>/<run_name>/`, a folder TensorBoard lists as a run of its own. A parent that is
// one run takes them in (params, metrics, times); a sweep's root (the hparams experiment config alone, as the
// hparams tutorial writes it, or sessions that disagree) leaves them runs of their own.
class SessionFolders
{
public:
    // Keeps a session folder's run for its parent; false when it is to be delivered as a run now (its
    // parent is no run folder of this import, or already holds sessions that disagree: a sweep).
    bool hold(const QString &parent, SourceRun &run)
    {
        // A parent read already (a session folder reached through a link, which the walk reads last) has
        // nobody left to take it.
        if (!m_runFolders.contains(parent) || m_sweeps.contains(parent) || m_done.contains(parent))
            return false;
        std::vector<SourceRun> &held = m_held[parent];
        // Sessions that disagree, or that log the same metric twice, are two runs (a sweep), never one.
        const auto sameKey = [&run](const SourceRun &other) {
            return std::any_of(other.metrics.cbegin(), other.metrics.cend(), [&run](const SourceMetric &m) {
                return std::any_of(run.metrics.cbegin(), run.metrics.cend(),
                                   [&m](const SourceMetric &x) { return x.key == m.key; });
            });
        };
        if (!held.empty() &&
            (held.front().params != run.params || std::any_of(held.cbegin(), held.cend(), sameKey))) {
            m_sweeps.insert(parent);
            return false;
        }
        held.push_back(std::move(run));
        return true;
    }

    // Sessions held for `parent` that a disagreement made a sweep's: to deliver before anything else.
    std::vector<SourceRun> takeSweep(const QString &parent)
    {
        if (!m_sweeps.contains(parent))
            return {};
        return take(parent);
    }

    std::vector<SourceRun> take(const QString &parent)
    {
        std::vector<SourceRun> held;
        if (auto it = m_held.find(parent); it != m_held.end()) {
            held = std::move(it->second);
            m_held.erase(it);
        }
        return held;
    }

    void addRunFolder(const QString &relativePath) { m_runFolders.insert(relativePath); }
    void markRead(const QString &relativePath) { m_done.insert(relativePath); }

    // Whatever is still held when the walk ends (a parent that was never reached): delivered as runs.
    std::vector<SourceRun> takeAll()
    {
        std::vector<SourceRun> all;
        for (auto &[parent, held] : m_held)
            for (SourceRun &run : held)
                all.push_back(std::move(run));
        m_held.clear();
        return all;
    }

    // Merges `sessions` into `run`, the folder they lie in; false (nothing changed) when they cannot be one
    // run with it: it carries a sweep's experiment config, or params of its own that differ.
    static bool merge(SourceRun &run, bool sweepRoot, std::vector<SourceRun> &sessions, ImportSink &sink,
                      const QString &where)
    {
        if (sessions.empty() || sweepRoot || !paramsAgree(run.params, sessions.front().params))
            return false;
        for (SourceRun &session : sessions) {
            for (auto it = session.params.cbegin(); it != session.params.cend(); ++it)
                run.params.insert(it.key(), it.value());
            for (SourceMetric &m : session.metrics) {
                const auto same = std::find_if(run.metrics.begin(), run.metrics.end(),
                                               [&](const SourceMetric &x) { return x.key == m.key; });
                if (same == run.metrics.end())
                    run.metrics.push_back(std::move(m));
                else // the run's own curve stays as it is; a session's value would be a foreign point in it
                    sink.warning({where, QStringLiteral("metric '%1' of the hparams session %2 not taken: "
                                                        "the run logs '%1' itself")
                                             .arg(m.key, session.name)});
            }
            if (session.startMs)
                run.startMs = std::min(run.startMs.value_or(*session.startMs), *session.startMs);
            if (session.endMs)
                run.endMs = std::max(run.endMs.value_or(*session.endMs), *session.endMs);
        }
        return true;
    }

private:
    QSet<QString> m_runFolders;
    QSet<QString> m_sweeps;
    QSet<QString> m_done;
    std::map<QString, std::vector<SourceRun>> m_held;
};

} // namespace

quint32 crc32c(QByteArrayView data)
{
    return crc32cOf(reinterpret_cast<const uchar *>(data.data()), data.size());
}

quint32 maskCrc32c(quint32 crc)
{
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

bool looksLikeTensorBoard(const QString &path)
{
    const QFileInfo info(path);
    if (info.isFile())
        return isEventFileName(info.fileName());
    if (!info.isDir())
        return false;
    FolderWalker walker(nullptr, true);
    walker.walkTree(info.absoluteFilePath());
    return !walker.runs.empty();
}

void readTensorBoardEvents(const QByteArray &bytes, const QString &fileName, SourceRun &run, ImportSink &sink,
                           EventReadStats *stats)
{
    RunDecoder decoder(run, sink);
    MemorySource source(bytes);
    readEventStream(source, fileName, decoder, sink, 0, 0, stats);
    decoder.finish(fileName);
}

void readTensorBoard(const QString &path, ImportSink &sink)
{
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(QStringLiteral("%1: no such file or folder").arg(path), Error::Kind::NotFound);

    std::vector<RunFolder> runs;
    bool singleFile = false;
    if (info.isDir()) {
        if (!info.isReadable() || !info.isExecutable())
            throw Error(QStringLiteral("cannot read folder %1").arg(path));
        FolderWalker walker(&sink);
        walker.walkTree(info.absoluteFilePath());
        runs = std::move(walker.runs);
        if (runs.empty())
            throw Error(QStringLiteral("no TensorBoard event files (events.out.tfevents.*, or any file whose "
                                       "name contains \"tfevents\") in %1")
                            .arg(path));
    } else {
        SourceFile probe(info.absoluteFilePath());
        if (!probe.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("cannot read %1: %2").arg(path, probe.errorString()));
        runs.push_back({info.absolutePath(), QString(), {info.fileName()}});
        singleFile = true;
    }

    qint64 total = 0;
    for (const RunFolder &r : runs)
        for (const QString &f : r.files)
            total += QFileInfo(r.path + QLatin1Char('/') + f).size();
    qint64 done = 0;

    // Own params of runs already delivered, by their parent's relative path, for the add_hparams sub-run
    // convention (children are delivered before their parent).
    QMap<QString, std::vector<QMap<QString, QString>>> paramsByParent;
    SessionFolders sessions;
    for (const RunFolder &folder : runs)
        sessions.addRunFolder(folder.relativePath);
    // Session folders' runs delivered as runs of their own: each one's params also go to its parent's list
    // (see below). False when the sink says stop.
    const auto deliverSessions = [&](std::vector<SourceRun> &batch) {
        for (SourceRun &session : batch) {
            const QString relativePath = parentOf(session.sourceKey); // the folder its event file lies in
            if (!session.params.isEmpty() && !relativePath.isEmpty())
                paramsByParent[parentOf(relativePath)].push_back(session.params);
            if (!sink.run(std::move(session)))
                return false;
        }
        batch.clear();
        return true;
    };

    for (const RunFolder &folder : runs) {
        if (sink.isCancelled())
            return;
        SourceRun run;
        run.sourceKey = folder.relativePath.isEmpty()
                            ? folder.files.first()
                            : folder.relativePath + QLatin1Char('/') + folder.files.first();
        run.name = folder.relativePath.isEmpty() ? QFileInfo(folder.path).fileName() : folder.relativePath;
        run.status = RunStatus::Finished;

        const QString yamlPath = folder.path + QLatin1Char('/') + kHParamsYaml;
        if (QFileInfo(yamlPath).isFile())
            readHParamsYaml(yamlPath, run.params, sink);

        RunDecoder decoder(run, sink);
        for (const QString &name : folder.files) {
            const QString filePath = folder.path + QLatin1Char('/') + name;
            SourceFile file(filePath);
            if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
                sink.warning({filePath, QStringLiteral("cannot read: %1").arg(file.errorString())});
                continue;
            }
            FileSource source(file);
            if (readEventStream(source, filePath, decoder, sink, done, total) == ReadOutcome::Cancelled)
                return;
            done += QFileInfo(filePath).size();
            sink.progress(std::min(done, total), total);
        }
        decoder.finish(folder.path);
        if (singleFile) {
            if (decoder.anyEvent())
                sink.run(std::move(run));
            return;
        }
        sessions.markRead(folder.relativePath);
        std::vector<SourceRun> held = sessions.take(folder.relativePath);
        if (!decoder.anyEvent()) {
            if (!deliverSessions(held))
                return;
            continue; // nothing readable; the files' warnings say why
        }
        // A folder holding the hparams plugin's session (and perhaps the values of its metrics) in a run's
        // folder is that run's: it waits for its parent, which the walk reaches next.
        if (decoder.hasHParamsSession() && !folder.relativePath.isEmpty()) {
            const QString parent = parentOf(folder.relativePath);
            if (sessions.hold(parent, run)) {
                // Sessions of sessions (nested folders) go out as runs of their own, never lost in between.
                if (!deliverSessions(held))
                    return;
                continue;
            }
            std::vector<SourceRun> sweep = sessions.takeSweep(parent);
            if (!deliverSessions(sweep))
                return;
        }
        // The hparams tutorial's sweep root: the experiment config alone, its runs in sub-folders.
        const bool sweepRoot =
            decoder.hasHParamsExperiment() && !decoder.hasHParamsSession() && run.metrics.empty();
        if (SessionFolders::merge(run, sweepRoot, held, sink, folder.path))
            held.clear();
        else if (!deliverSessions(held))
            return;

        // Sub-runs of their own carrying params (a sweep's sessions, or ones that disagree with this run): a
        // parent without params of its own takes them over too, provided they agree.
        const QMap<QString, QString> own = run.params;
        const auto children = paramsByParent.constFind(folder.relativePath);
        if (own.isEmpty() && children != paramsByParent.cend()) {
            const std::vector<QMap<QString, QString>> &sets = children.value();
            if (std::all_of(sets.begin(), sets.end(), [&](const auto &p) { return p == sets.front(); }))
                run.params = sets.front();
        }
        paramsByParent.remove(folder.relativePath);
        if (!own.isEmpty() && !folder.relativePath.isEmpty())
            paramsByParent[parentOf(folder.relativePath)].push_back(own);
        if (!sink.run(std::move(run)))
            return;
    }
    std::vector<SourceRun> left = sessions.takeAll(); // parents never reached
    deliverSessions(left);
}

} // namespace runlens::import
