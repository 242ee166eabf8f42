// SPDX-License-Identifier: GPL-3.0-or-later
#include "series/seriescodec.h"

#include "core/error.h"

#include <cstring>
#include <limits>
#include <QtEndian>

namespace runlens::series {

namespace {

enum IntEncoding : quint8 { Raw64 = 0, Arithmetic = 1, Offset32 = 2 };
constexpr quint8 ChunkFormat = 1;
constexpr quint8 SketchFormat = 1;
constexpr int ChunkHeaderSize = 8;
constexpr int BucketSize = 4 * 8 + 4 * 8 + 2 * 4;

class Writer
{
public:
    explicit Writer(QByteArray &b)
        : m_b(b)
    {}
    template<typename T> void put(T v)
    {
        T le = qToLittleEndian(v);
        m_b.append(reinterpret_cast<const char *>(&le), sizeof le);
    }
    void putDouble(double d)
    {
        quint64 bits;
        std::memcpy(&bits, &d, 8);
        put(bits);
    }

private:
    QByteArray &m_b;
};

class Reader
{
public:
    Reader(const QByteArray &b, const char *what)
        : m_p(b.constData())
        , m_end(b.constData() + b.size())
        , m_what(what)
    {}
    bool has(qsizetype n) const { return m_end - m_p >= n; }
    void need(qsizetype n) const
    {
        if (!has(n))
            throw Error(QStringLiteral("corrupt %1: truncated data").arg(QLatin1String(m_what)),
                        Error::Kind::Database);
    }
    template<typename T> T get()
    {
        need(sizeof(T));
        T v = qFromLittleEndian<T>(m_p);
        m_p += sizeof(T);
        return v;
    }
    double getDouble()
    {
        quint64 bits = get<quint64>();
        double d;
        std::memcpy(&d, &bits, 8);
        return d;
    }
    const char *pos() const { return m_p; }
    void skip(qsizetype n)
    {
        need(n);
        m_p += n;
    }
    bool atEnd() const { return m_p == m_end; }

private:
    const char *m_p;
    const char *m_end;
    const char *m_what;
};

template<typename Get> IntEncoding chooseEncoding(std::span<const MetricPoint> pts, Get get)
{
    if (pts.size() < 2)
        return Raw64;
    const qint64 first = get(pts[0]);
    bool arithmetic = true;
    bool fits32 = true;
    // Deltas computed in unsigned arithmetic so that hostile extremes cannot overflow.
    const quint64 delta = quint64(get(pts[1])) - quint64(first);
    for (size_t i = 0; i < pts.size(); ++i) {
        const qint64 v = get(pts[i]);
        if (arithmetic && i > 0 && quint64(v) - quint64(get(pts[i - 1])) != delta)
            arithmetic = false;
        const qint64 off = qint64(quint64(v) - quint64(first));
        const bool overflowed = (v >= first) != (off >= 0);
        if (overflowed || off < std::numeric_limits<qint32>::min() ||
            off > std::numeric_limits<qint32>::max())
            fits32 = false;
        if (!arithmetic && !fits32)
            break;
    }
    return arithmetic ? Arithmetic : fits32 ? Offset32 : Raw64;
}

template<typename Get> void writeInts(Writer &w, IntEncoding enc, std::span<const MetricPoint> pts, Get get)
{
    switch (enc) {
    case Arithmetic:
        w.put<qint64>(get(pts[0]));
        w.put<qint64>(qint64(quint64(get(pts[1])) - quint64(get(pts[0]))));
        break;
    case Offset32: {
        const qint64 base = get(pts[0]);
        w.put<qint64>(base);
        for (const auto &p : pts)
            w.put<qint32>(qint32(quint64(get(p)) - quint64(base)));
        break;
    }
    case Raw64:
        for (const auto &p : pts)
            w.put<qint64>(get(p));
        break;
    }
}

template<typename Set>
void readInts(Reader &r, quint8 enc, size_t begin, size_t n, std::vector<MetricPoint> &out, Set set)
{
    switch (enc) {
    case Arithmetic: {
        const quint64 start = quint64(r.get<qint64>());
        const quint64 delta = quint64(r.get<qint64>());
        for (size_t i = 0; i < n; ++i)
            set(out[begin + i], qint64(start + delta * i));
        break;
    }
    case Offset32: {
        const quint64 base = quint64(r.get<qint64>());
        r.need(qsizetype(n) * 4);
        const char *p = r.pos();
        for (size_t i = 0; i < n; ++i)
            set(out[begin + i], qint64(base + quint64(qint64(qFromLittleEndian<qint32>(p + 4 * i)))));
        r.skip(qsizetype(n) * 4);
        break;
    }
    case Raw64: {
        r.need(qsizetype(n) * 8);
        const char *p = r.pos();
        for (size_t i = 0; i < n; ++i)
            set(out[begin + i], qFromLittleEndian<qint64>(p + 8 * i));
        r.skip(qsizetype(n) * 8);
        break;
    }
    default:
        throw Error(QStringLiteral("corrupt metric chunk: unknown integer encoding %1").arg(enc),
                    Error::Kind::Database);
    }
}

} // namespace

Bucket Bucket::of(const MetricPoint &p)
{
    Bucket b;
    b.firstStep = b.lastStep = b.minStep = b.maxStep = p.step;
    b.first = b.last = b.min = b.max = p.value;
    b.count = 1;
    b.nanCount = std::isnan(p.value) ? 1 : 0;
    return b;
}

void Bucket::add(const MetricPoint &p)
{
    lastStep = p.step;
    last = p.value;
    ++count;
    if (std::isnan(p.value)) {
        ++nanCount;
        return;
    }
    if (std::isnan(min) || p.value < min) {
        min = p.value;
        minStep = p.step;
    }
    if (std::isnan(max) || p.value > max) {
        max = p.value;
        maxStep = p.step;
    }
}

void Bucket::merge(const Bucket &next)
{
    lastStep = next.lastStep;
    last = next.last;
    count += next.count;
    nanCount += next.nanCount;
    if (!std::isnan(next.min) && (std::isnan(min) || next.min < min)) {
        min = next.min;
        minStep = next.minStep;
    }
    if (!std::isnan(next.max) && (std::isnan(max) || next.max > max)) {
        max = next.max;
        maxStep = next.maxStep;
    }
}

QByteArray encodeChunk(std::span<const MetricPoint> points)
{
    const auto stepOf = [](const MetricPoint &p) { return p.step; };
    const auto timeOf = [](const MetricPoint &p) { return p.timestamp; };
    const IntEncoding stepEnc = chooseEncoding(points, stepOf);
    const IntEncoding timeEnc = chooseEncoding(points, timeOf);
    QByteArray blob;
    blob.reserve(ChunkHeaderSize + 16 + qsizetype(points.size()) * 20);
    Writer w(blob);
    w.put<quint8>(ChunkFormat);
    w.put<quint8>(stepEnc);
    w.put<quint8>(timeEnc);
    w.put<quint8>(0); // values: raw float64
    w.put<quint32>(quint32(points.size()));
    writeInts(w, stepEnc, points, stepOf);
    writeInts(w, timeEnc, points, timeOf);
    const qsizetype at = blob.size();
    blob.resize(at + qsizetype(points.size()) * 8);
    char *dst = blob.data() + at;
    for (size_t i = 0; i < points.size(); ++i) {
        quint64 bits;
        std::memcpy(&bits, &points[i].value, 8);
        qToLittleEndian(bits, dst + 8 * i);
    }
    return blob;
}

void decodeChunk(const QByteArray &blob, std::vector<MetricPoint> &out)
{
    Reader r(blob, "metric chunk");
    const quint8 format = r.get<quint8>();
    if (format != ChunkFormat)
        throw Error(QStringLiteral("corrupt metric chunk: unknown format %1").arg(format),
                    Error::Kind::Database);
    const quint8 stepEnc = r.get<quint8>();
    const quint8 timeEnc = r.get<quint8>();
    const quint8 valueEnc = r.get<quint8>();
    const quint32 n = r.get<quint32>();
    if (valueEnc != 0 || n > quint32(16 * ChunkCapacity))
        throw Error(QStringLiteral("corrupt metric chunk: bad header"), Error::Kind::Database);
    if ((stepEnc == Arithmetic || timeEnc == Arithmetic) && n < 2 && n != 0)
        throw Error(QStringLiteral("corrupt metric chunk: bad header"), Error::Kind::Database);
    const size_t begin = out.size();
    out.resize(begin + n);
    try {
        readInts(r, stepEnc, begin, n, out, [](MetricPoint &p, qint64 v) { p.step = v; });
        readInts(r, timeEnc, begin, n, out, [](MetricPoint &p, qint64 v) { p.timestamp = v; });
        r.need(qsizetype(n) * 8);
        const char *src = r.pos();
        for (size_t i = 0; i < n; ++i) {
            const quint64 bits = qFromLittleEndian<quint64>(src + 8 * i);
            std::memcpy(&out[begin + i].value, &bits, 8);
        }
        r.skip(qsizetype(n) * 8);
        if (!r.atEnd())
            throw Error(QStringLiteral("corrupt metric chunk: trailing bytes"), Error::Kind::Database);
    } catch (...) {
        out.resize(begin);
        throw;
    }
}

QByteArray encodeSketch(std::span<const MetricPoint> points, std::span<const int> levels)
{
    QByteArray blob;
    Writer w(blob);
    w.put<quint8>(SketchFormat);
    w.put<quint8>(quint8(levels.size()));
    w.put<quint16>(0);
    // One pass over the points for the finest level; every coarser level merges the buckets of the one
    // before.
    std::vector<Bucket> level;
    const int finest = levels.empty() ? 1 : levels.front();
    level.reserve((points.size() + size_t(finest) - 1) / size_t(finest));
    for (size_t start = 0; start < points.size(); start += size_t(finest)) {
        const size_t end = std::min(points.size(), start + size_t(finest));
        Bucket b = Bucket::of(points[start]);
        for (size_t i = start + 1; i < end; ++i)
            b.add(points[i]);
        level.push_back(b);
    }
    int size = finest;
    for (int next : levels) {
        if (next != size) {
            const size_t factor = size_t(next / size);
            std::vector<Bucket> merged;
            merged.reserve((level.size() + factor - 1) / factor);
            for (size_t k = 0; k < level.size(); k += factor) {
                Bucket b = level[k];
                for (size_t j = k + 1; j < std::min(level.size(), k + factor); ++j)
                    b.merge(level[j]);
                merged.push_back(b);
            }
            level = std::move(merged);
            size = next;
        }
        w.put<quint32>(quint32(size));
        w.put<quint32>(quint32(level.size()));
        for (const Bucket &b : level) {
            w.put<qint64>(b.firstStep);
            w.put<qint64>(b.lastStep);
            w.put<qint64>(b.minStep);
            w.put<qint64>(b.maxStep);
            w.putDouble(b.first);
            w.putDouble(b.last);
            w.putDouble(b.min);
            w.putDouble(b.max);
            w.put<quint32>(b.count);
            w.put<quint32>(b.nanCount);
        }
    }
    return blob;
}

bool decodeSketchLevel(const QByteArray &sketch, int bucketSize, std::vector<Bucket> &out)
{
    Reader r(sketch, "sketch");
    if (!r.has(4) || r.get<quint8>() != SketchFormat)
        return false;
    const int levels = r.get<quint8>();
    r.get<quint16>();
    for (int l = 0; l < levels; ++l) {
        if (!r.has(8))
            return false;
        const quint32 size = r.get<quint32>();
        const quint32 entries = r.get<quint32>();
        if (!r.has(qsizetype(entries) * BucketSize))
            return false;
        if (int(size) != bucketSize) {
            r.skip(qsizetype(entries) * BucketSize);
            continue;
        }
        const size_t begin = out.size();
        out.resize(begin + entries);
        for (quint32 i = 0; i < entries; ++i) {
            Bucket &b = out[begin + i];
            b.firstStep = r.get<qint64>();
            b.lastStep = r.get<qint64>();
            b.minStep = r.get<qint64>();
            b.maxStep = r.get<qint64>();
            b.first = r.getDouble();
            b.last = r.getDouble();
            b.min = r.getDouble();
            b.max = r.getDouble();
            b.count = r.get<quint32>();
            b.nanCount = r.get<quint32>();
        }
        return true;
    }
    return false;
}

} // namespace runlens::series
