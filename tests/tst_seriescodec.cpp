// SPDX-License-Identifier: GPL-3.0-or-later
// The chunk and sketch byte formats: lossless round trips (NaN payloads and infinities included), the choice
// of integer encodings, and rejection of damaged blobs without crashing.

#include "core/error.h"
#include "series/seriescodec.h"

#include <cstring>
#include <limits>
#include <QtEndian>
#include <QtTest>
#include <random>

using namespace runlens;

Q_DECLARE_METATYPE(std::vector<runlens::MetricPoint>)

namespace {

std::vector<MetricPoint> arithmetic(qint64 n, qint64 step0, qint64 dstep, qint64 t0, qint64 dt)
{
    std::vector<MetricPoint> v;
    for (qint64 i = 0; i < n; ++i)
        v.push_back({step0 + i * dstep, t0 + i * dt, double(i) * 0.5});
    return v;
}

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class TestSeriesCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void encodingIsCompact();
    void corruptChunks_data();
    void corruptChunks();
    void randomBytesNeverCrash();
    void sketchMatchesBruteForce();
    void sketchRejectsDamage();
};

void TestSeriesCodec::roundTrip_data()
{
    QTest::addColumn<std::vector<MetricPoint>>("points");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    double payloadNaN;
    const quint64 bits = 0x7ff8dead'beef0001ULL;
    std::memcpy(&payloadNaN, &bits, 8);

    QTest::newRow("empty") << std::vector<MetricPoint>{};
    QTest::newRow("single point") << std::vector<MetricPoint>{{5, 1700000000000, 0.25}};
    QTest::newRow("arithmetic steps and times") << arithmetic(4096, 0, 1, 1700000000000, 100);
    QTest::newRow("strided steps") << arithmetic(1000, 10, 50, 0, 7);
    QTest::newRow("decreasing steps") << arithmetic(100, 1000, -3, 5, -1);
    std::vector<MetricPoint> jitter;
    std::mt19937_64 rng(1);
    qint64 t = 1700000000000;
    for (int i = 0; i < 3000; ++i) {
        t += qint64(rng() % 20);
        jitter.push_back({i + qint64(rng() % 2), t, double(rng() % 1000) / 7.0});
    }
    QTest::newRow("jittered times, repeated steps") << jitter;
    QTest::newRow("non-finite values")
        << std::vector<MetricPoint>{{0, 0, nan},        {1, 1, inf},   {2, 2, -inf},  {3, 3, -0.0},
                                    {4, 4, payloadNaN}, {5, 5, 1e308}, {6, 6, 5e-324}};
    QTest::newRow("duplicate steps") << std::vector<MetricPoint>{{7, 10, 1.0}, {7, 10, 123.0}, {7, 11, 2.0}};
    const qint64 big = std::numeric_limits<qint64>::max();
    const qint64 small = std::numeric_limits<qint64>::min();
    QTest::newRow("extreme integers")
        << std::vector<MetricPoint>{{small, big, 1.0}, {big, small, 2.0}, {0, 0, 3.0}, {small, small, 4.0}};
    QTest::newRow("offsets just beyond 32 bits") << std::vector<MetricPoint>{
        {0, 0, 1}, {qint64(1) << 31, (qint64(1) << 31) - 1, 2}, {-(qint64(1) << 31), 3, 3}};
}

void TestSeriesCodec::roundTrip()
{
    QFETCH(std::vector<MetricPoint>, points);
    const QByteArray blob = series::encodeChunk(points);
    std::vector<MetricPoint> back{{99, 99, 99.0}}; // decoding appends
    series::decodeChunk(blob, back);
    QCOMPARE(back.size(), points.size() + 1);
    for (size_t i = 0; i < points.size(); ++i) {
        QCOMPARE(back[i + 1].step, points[i].step);
        QCOMPARE(back[i + 1].timestamp, points[i].timestamp);
        QVERIFY2(sameBits(back[i + 1].value, points[i].value),
                 qPrintable(QStringLiteral("value %1 differs").arg(i)));
    }
}

void TestSeriesCodec::encodingIsCompact()
{
    // Arithmetic steps and times cost nothing per point: values alone, 8 bytes each.
    const QByteArray a = series::encodeChunk(arithmetic(4096, 0, 1, 0, 10));
    QVERIFY2(a.size() <= 8 + 32 + 4096 * 8, qPrintable(QString::number(a.size())));
    // Jittered times fit 32-bit offsets: 12 bytes per point.
    std::vector<MetricPoint> j = arithmetic(4096, 0, 1, 0, 10);
    for (size_t i = 0; i < j.size(); ++i)
        j[i].timestamp += qint64(i % 3);
    const QByteArray b = series::encodeChunk(j);
    QVERIFY2(b.size() <= 8 + 32 + 4096 * 12, qPrintable(QString::number(b.size())));
}

void TestSeriesCodec::corruptChunks_data()
{
    QTest::addColumn<QByteArray>("blob");
    const QByteArray good = series::encodeChunk(arithmetic(10, 0, 1, 0, 1));
    QTest::newRow("empty blob") << QByteArray();
    QTest::newRow("header only, truncated") << good.left(5);
    QTest::newRow("values truncated") << good.left(good.size() - 1);
    QTest::newRow("trailing bytes") << good + QByteArray("x");
    QByteArray badFormat = good;
    badFormat[0] = 9;
    QTest::newRow("unknown format") << badFormat;
    QByteArray badEncoding = good;
    badEncoding[1] = 7;
    QTest::newRow("unknown step encoding") << badEncoding;
    QByteArray badValues = good;
    badValues[3] = 1;
    QTest::newRow("unknown value encoding") << badValues;
    QByteArray hugeCount = good;
    qToLittleEndian<quint32>(0xffffffffu, hugeCount.data() + 4);
    QTest::newRow("absurd point count") << hugeCount;
    QByteArray liar = good;
    qToLittleEndian<quint32>(11, liar.data() + 4);
    QTest::newRow("count one too many") << liar;
}

void TestSeriesCodec::corruptChunks()
{
    QFETCH(QByteArray, blob);
    std::vector<MetricPoint> out{{1, 2, 3.0}};
    bool threw = false;
    try {
        series::decodeChunk(blob, out);
    } catch (const Error &e) {
        threw = true;
        QVERIFY2(e.message().contains(QLatin1String("corrupt metric chunk")), qPrintable(e.message()));
    }
    QVERIFY(threw);
    QCOMPARE(out.size(), size_t(1)); // nothing half-appended
}

void TestSeriesCodec::randomBytesNeverCrash()
{
    // Flip bytes of valid blobs and feed random garbage: every outcome is a clean decode or an Error.
    std::mt19937_64 rng(42);
    const QByteArray good = series::encodeChunk(arithmetic(300, 0, 1, 0, 3));
    int errors = 0;
    for (int i = 0; i < 5000; ++i) {
        QByteArray b = good;
        const int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; ++f)
            b[qsizetype(rng() % quint64(b.size()))] = char(rng());
        if (i % 5 == 0)
            b.truncate(qsizetype(rng() % quint64(b.size())));
        std::vector<MetricPoint> out;
        try {
            series::decodeChunk(b, out);
            QVERIFY(out.size() <= size_t(16 * series::ChunkCapacity));
        } catch (const Error &) {
            ++errors;
            QVERIFY(out.empty());
        }
        std::vector<series::Bucket> buckets;
        series::decodeSketchLevel(b, 256, buckets); // garbage as a sketch: false or buckets, never a crash
    }
    QVERIFY(errors > 0);
}

void TestSeriesCodec::sketchMatchesBruteForce()
{
    std::mt19937_64 rng(3);
    std::vector<MetricPoint> pts;
    for (int i = 0; i < 4000; ++i) {
        double v = double(rng() % 10000) / 100.0 - 50.0;
        if (i % 97 == 0)
            v = std::numeric_limits<double>::quiet_NaN();
        pts.push_back({i * 2, 1000 + i, v});
    }
    for (int i = 512; i < 768; ++i) // a bucket of NaN only
        pts[size_t(i)].value = std::numeric_limits<double>::quiet_NaN();
    const QByteArray sketch = series::encodeSketch(pts);
    for (int level : series::SketchLevels) {
        std::vector<series::Bucket> buckets;
        QVERIFY(series::decodeSketchLevel(sketch, level, buckets));
        QCOMPARE(buckets.size(), (pts.size() + size_t(level) - 1) / size_t(level));
        for (size_t b = 0; b < buckets.size(); ++b) {
            const size_t start = b * size_t(level), end = std::min(pts.size(), start + size_t(level));
            const series::Bucket &got = buckets[b];
            QCOMPARE(got.firstStep, pts[start].step);
            QCOMPARE(got.lastStep, pts[end - 1].step);
            QVERIFY(sameBits(got.first, pts[start].value));
            QVERIFY(sameBits(got.last, pts[end - 1].value));
            QCOMPARE(got.count, quint32(end - start));
            double mn = std::nan(""), mx = std::nan("");
            qint64 mnStep = pts[start].step, mxStep = pts[start].step;
            quint32 nans = 0;
            for (size_t i = start; i < end; ++i) {
                const double v = pts[i].value;
                if (std::isnan(v)) {
                    ++nans;
                    continue;
                }
                if (std::isnan(mn) || v < mn) {
                    mn = v;
                    mnStep = pts[i].step;
                }
                if (std::isnan(mx) || v > mx) {
                    mx = v;
                    mxStep = pts[i].step;
                }
            }
            QCOMPARE(got.nanCount, nans);
            QVERIFY(sameBits(got.min, mn) || (std::isnan(got.min) && std::isnan(mn)));
            QVERIFY(sameBits(got.max, mx) || (std::isnan(got.max) && std::isnan(mx)));
            QCOMPARE(got.minStep, mnStep);
            QCOMPARE(got.maxStep, mxStep);
        }
    }
    std::vector<series::Bucket> none;
    QVERIFY(!series::decodeSketchLevel(sketch, 512, none)); // a level the sketch does not hold
}

void TestSeriesCodec::sketchRejectsDamage()
{
    const QByteArray sketch = series::encodeSketch(arithmetic(5000, 0, 1, 0, 1));
    std::vector<series::Bucket> out;
    QVERIFY(!series::decodeSketchLevel(sketch.left(sketch.size() - 3), 4096, out));
    QVERIFY(!series::decodeSketchLevel(QByteArray(), 256, out));
    QByteArray wrongFormat = sketch;
    wrongFormat[0] = 2;
    QVERIFY(!series::decodeSketchLevel(wrongFormat, 256, out));
}

QTEST_GUILESS_MAIN(TestSeriesCodec)
#include "tst_seriescodec.moc"
