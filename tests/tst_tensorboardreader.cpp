// SPDX-License-Identifier: GPL-3.0-or-later
// The TensorBoard reader against real event files: every point of the fixture runs equal to what
// TensorBoard's own EventAccumulator read back, Lightning logs with their hparams.yaml, damaged files of
// every kind (cut, flipped, forged lengths, garbage, unreadable, symlink loops), hparams attribution, and
// read throughput.

#include "core/error.h"
#include "core/jsonformat.h"
#include "import/importsource.h"
#include "import/tensorboardreader.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

using namespace runlens;
using namespace runlens::import;

namespace {

QString tbRoot()
{
    return QStringLiteral(RUNLENS_FIXTURES "/tensorboard/tb");
}

QString lightningRoot()
{
    return QStringLiteral(RUNLENS_FIXTURES "/public/packt-dl-at-scale/chapter02/lightning_logs");
}

QString catboostRoot()
{
    return QStringLiteral(RUNLENS_FIXTURES "/public/catboost/04JJ15-Weather_prediction/catboost_info");
}

const QString kRunAFile = QStringLiteral("run_a/events.out.tfevents.1795376542.vm.4135.0");

// Keeps everything a reader delivers. Skip counts are reported before the run they belong to, so they are
// also filed under the next run delivered.
class RecordingSink : public ImportSink
{
public:
    bool experiment(const SourceExperiment &e) override
    {
        experiments.push_back(e);
        return true;
    }
    bool run(SourceRun &&r) override
    {
        skipsByRun[r.name] = std::exchange(m_pendingSkips, {});
        runs.push_back(std::move(r));
        return runs.size() < stopAfterRuns;
    }
    bool model(const SourceModel &m) override
    {
        models.push_back(m);
        return true;
    }
    void warning(const Diagnostic &d) override { warnings.push_back(d); }
    void skipped(const QString &what, qint64 count) override
    {
        skips[what] += count;
        m_pendingSkips[what] += count;
    }
    void progress(qint64 done, qint64 total) override
    {
        lastDone = done;
        lastTotal = total;
    }

    const SourceRun *runNamed(const QString &name) const
    {
        for (const SourceRun &r : runs)
            if (r.name == name)
                return &r;
        return nullptr;
    }
    QStringList runNames() const
    {
        QStringList names;
        for (const SourceRun &r : runs)
            names << r.name;
        names.sort();
        return names;
    }
    bool warnedAbout(const QString &fileEnding) const
    {
        for (const Diagnostic &d : warnings)
            if (d.file.endsWith(fileEnding))
                return true;
        return false;
    }
    QString allWarnings() const
    {
        QStringList lines;
        for (const Diagnostic &d : warnings)
            lines << d.file + QLatin1String(": ") + d.message;
        return lines.join(QLatin1Char('\n'));
    }

    std::vector<SourceExperiment> experiments;
    std::vector<SourceRun> runs;
    std::vector<SourceModel> models;
    std::vector<Diagnostic> warnings;
    QMap<QString, qint64> skips;
    QMap<QString, QMap<QString, qint64>> skipsByRun;
    qint64 lastDone = -1;
    qint64 lastTotal = -1;
    size_t stopAfterRuns = std::numeric_limits<size_t>::max();

private:
    QMap<QString, qint64> m_pendingSkips;
};

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

const SourceMetric *metricOf(const SourceRun &run, const QString &key)
{
    for (const SourceMetric &m : run.metrics)
        if (m.key == key)
            return &m;
    return nullptr;
}

QStringList metricKeys(const SourceRun &run)
{
    QStringList keys;
    for (const SourceMetric &m : run.metrics)
        keys << m.key;
    keys.sort();
    return keys;
}

// Exact equality of two runs' metrics: same keys, same points in the same order, values bit for bit.
void compareMetrics(const SourceRun &actual, const SourceRun &expected)
{
    QCOMPARE(metricKeys(actual), metricKeys(expected));
    for (const SourceMetric &e : expected.metrics) {
        const SourceMetric *a = metricOf(actual, e.key);
        QVERIFY(a);
        QCOMPARE(a->points.size(), e.points.size());
        for (size_t i = 0; i < e.points.size(); ++i) {
            QCOMPARE(a->points[i].step, e.points[i].step);
            QCOMPARE(a->points[i].timestamp, e.points[i].timestamp);
            QVERIFY2(sameBits(a->points[i].value, e.points[i].value),
                     qPrintable(QStringLiteral("%1[%2]").arg(e.key).arg(i)));
        }
    }
}

QByteArray readBytes(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

SourceRun decodeBytes(const QByteArray &bytes, RecordingSink *sink = nullptr)
{
    RecordingSink local;
    SourceRun run;
    readTensorBoardEvents(bytes, QStringLiteral("buffer"), run, sink ? *sink : local);
    return run;
}

// ---- A protobuf wire-format and TFRecord writer of the test's own, to build event files ----------------

class Wire
{
public:
    Wire &varint(int field, quint64 v)
    {
        key(field, 0);
        raw(v);
        return *this;
    }
    Wire &f64(int field, double v)
    {
        key(field, 1);
        char b[8];
        qToLittleEndian(v, b);
        bytes.append(b, 8);
        return *this;
    }
    Wire &f32(int field, float v)
    {
        key(field, 5);
        char b[4];
        qToLittleEndian(v, b);
        bytes.append(b, 4);
        return *this;
    }
    Wire &len(int field, QByteArrayView data)
    {
        key(field, 2);
        raw(quint64(data.size()));
        bytes.append(data.data(), data.size());
        return *this;
    }
    Wire &msg(int field, const Wire &m) { return len(field, m.bytes); }

    QByteArray bytes;

private:
    void key(int field, int wireType) { raw(quint64(field) << 3 | quint64(wireType)); }
    void raw(quint64 v)
    {
        while (v >= 0x80) {
            bytes.append(char(v | 0x80));
            v >>= 7;
        }
        bytes.append(char(v));
    }
};

QByteArray frame(QByteArrayView data, std::optional<quint64> declaredLength = std::nullopt)
{
    QByteArray out(12, Qt::Uninitialized);
    qToLittleEndian<quint64>(declaredLength.value_or(quint64(data.size())), out.data());
    qToLittleEndian<quint32>(maskCrc32c(crc32c(QByteArrayView(out.constData(), 8))), out.data() + 8);
    out.append(data.data(), data.size());
    char crc[4];
    qToLittleEndian<quint32>(maskCrc32c(crc32c(data)), crc);
    out.append(crc, 4);
    return out;
}

Wire eventWire(double wall, qint64 step)
{
    Wire e;
    e.f64(1, wall).varint(2, quint64(step));
    return e;
}

QByteArray simpleScalarEvent(double wall, qint64 step, QByteArrayView tag, float value)
{
    Wire v;
    v.len(1, tag).f32(2, value);
    Wire summary;
    summary.msg(1, v);
    return frame(eventWire(wall, step).msg(5, summary).bytes);
}

Wire pluginMetadata(QByteArrayView plugin, QByteArrayView content = {})
{
    Wire pluginData;
    pluginData.len(1, plugin);
    if (!content.isEmpty())
        pluginData.len(2, content);
    Wire metadata;
    metadata.msg(1, pluginData);
    return metadata;
}

QByteArray tensorEvent(double wall, qint64 step, QByteArrayView tag, const Wire &tensor,
                       QByteArrayView plugin)
{
    Wire v;
    v.len(1, tag);
    if (!plugin.isEmpty())
        v.msg(9, pluginMetadata(plugin));
    v.msg(8, tensor);
    Wire summary;
    summary.msg(1, v);
    return frame(eventWire(wall, step).msg(5, summary).bytes);
}

// What torch's SummaryWriter.add_text(tag, text) writes (and the Hugging Face Trainer through it): the tag
// with "/text_summary", plugin "text", one DT_STRING (7) element of shape [1] in string_val.
QByteArray textEvent(double wall, QByteArrayView tag, QByteArrayView text)
{
    Wire dim;
    dim.varint(1, 1);
    Wire shape;
    shape.msg(2, dim);
    Wire tensor;
    tensor.varint(1, 7).msg(2, shape).len(8, text);
    return tensorEvent(wall, 0, tag, tensor, "text");
}

QByteArray fileVersionEvent(double wall)
{
    return frame(eventWire(wall, 0).len(3, "brain.Event:2").bytes);
}

// A summary of the hparams plugin (its data travels in the metadata, as TensorBoard's hp.hparams writes it).
QByteArray hparamsEvent(double wall, QByteArrayView tag, const Wire &pluginData)
{
    Wire v;
    v.len(1, tag).msg(9, pluginMetadata("hparams", pluginData.bytes));
    Wire summary;
    summary.msg(1, v);
    return frame(eventWire(wall, 0).msg(5, summary).bytes);
}

// hp.hparams_config: the experiment (its content, the domains, is not read).
QByteArray hparamsExperimentEvent(double wall)
{
    Wire experiment;
    experiment.len(6, "learning rate sweep"); // Experiment.description
    return hparamsEvent(wall, "_hparams_/experiment", Wire().varint(1, 0).msg(2, experiment));
}

// hp.hparams: one session's hyperparameters, strings and numbers.
QByteArray hparamsSessionEvent(double wall, const QMap<QString, QVariant> &hparams)
{
    Wire start;
    for (auto it = hparams.cbegin(); it != hparams.cend(); ++it) {
        Wire value;
        if (it.value().typeId() == QMetaType::QString)
            value.len(3, it.value().toString().toUtf8());
        else
            value.f64(2, it.value().toDouble());
        start.msg(1, Wire().len(1, it.key().toUtf8()).msg(2, value));
    }
    start.f64(5, wall);
    return hparamsEvent(wall, "_hparams_/session_start_info", Wire().varint(1, 0).msg(3, start));
}

// A record header whose length CRC is valid, claiming `length` bytes of data that are not there.
QByteArray forgedHeader(quint64 length)
{
    return frame(QByteArrayView(), length).left(12);
}

// The bound EventReadStats promises for an input of `size` bytes.
qint64 checksumBound(qint64 size)
{
    return 11 * size + (qint64(1) << 20);
}

// The fixture's records repeated (file version record first) until the result holds at least `size` bytes.
QByteArray repeatedRecords(const QByteArray &file, qint64 size)
{
    QByteArray out;
    out.reserve(size + file.size());
    while (out.size() < size)
        out += file;
    return out;
}

struct RecordSpan
{
    qint64 offset;
    qint64 length; // of the data
    qint64 size() const { return 16 + length; }
};

std::vector<RecordSpan> recordSpans(const QByteArray &file)
{
    std::vector<RecordSpan> spans;
    qint64 at = 0;
    while (at + 16 <= file.size()) {
        const qint64 length = qint64(qFromLittleEndian<quint64>(file.constData() + at));
        spans.push_back({at, length});
        at += 16 + length;
    }
    return spans;
}

QByteArray without(const QByteArray &file, const std::vector<RecordSpan> &drop)
{
    QByteArray out = file;
    for (auto it = drop.rbegin(); it != drop.rend(); ++it)
        out.remove(it->offset, it->size());
    return out;
}

// An independent reading of simple_value scalars (a separate, minimal wire walker), to check files that no
// ground truth covers.
std::map<QString, std::vector<MetricPoint>> simpleScalars(const QByteArray &file)
{
    struct Field
    {
        int number;
        int type;
        quint64 value;
        QByteArrayView data;
    };
    const auto fields = [](QByteArrayView m) {
        std::vector<Field> out;
        qint64 i = 0;
        const auto varint = [&]() {
            quint64 v = 0;
            for (int shift = 0; i < m.size() && shift < 64; shift += 7) {
                const uchar c = uchar(m[i++]);
                v |= quint64(c & 0x7f) << shift;
                if (c < 0x80)
                    break;
            }
            return v;
        };
        while (i < m.size()) {
            const quint64 key = varint();
            Field f{int(key >> 3), int(key & 7), 0, {}};
            if (f.type == 0) {
                f.value = varint();
            } else if (f.type == 1) {
                f.value = qFromLittleEndian<quint64>(m.data() + i);
                i += 8;
            } else if (f.type == 5) {
                f.value = qFromLittleEndian<quint32>(m.data() + i);
                i += 4;
            } else {
                const qint64 n = qint64(varint());
                f.data = m.sliced(i, std::min(n, m.size() - i));
                i += n;
            }
            out.push_back(f);
        }
        return out;
    };
    std::map<QString, std::vector<MetricPoint>> result;
    for (const RecordSpan &r : recordSpans(file)) {
        double wall = 0;
        qint64 step = 0;
        std::vector<QByteArrayView> summaries;
        for (const Field &f : fields(QByteArrayView(file).sliced(r.offset + 12, r.length))) {
            if (f.number == 1)
                std::memcpy(&wall, &f.value, 8);
            else if (f.number == 2)
                step = qint64(f.value);
            else if (f.number == 5)
                summaries.push_back(f.data);
        }
        for (QByteArrayView s : summaries) {
            for (const Field &v : fields(s)) {
                QString tag;
                std::optional<float> value;
                for (const Field &f : fields(v.data)) {
                    if (f.number == 1)
                        tag = QString::fromUtf8(f.data);
                    if (f.number == 2) {
                        const quint32 bits = quint32(f.value);
                        float x;
                        std::memcpy(&x, &bits, 4);
                        value = x;
                    }
                }
                if (value)
                    result[tag].push_back({step, std::llround(wall * 1000.0), double(*value)});
            }
        }
    }
    return result;
}

double groundTruthValue(const QJsonValue &v)
{
    if (v.isString()) {
        const QString s = v.toString();
        if (s == QLatin1String("nan"))
            return std::numeric_limits<double>::quiet_NaN();
        if (s == QLatin1String("inf"))
            return std::numeric_limits<double>::infinity();
        if (s == QLatin1String("-inf"))
            return -std::numeric_limits<double>::infinity();
        qFatal("unexpected value %s", qPrintable(s));
    }
    return v.toDouble();
}

QJsonObject groundTruth()
{
    static const QJsonObject truth =
        QJsonDocument::fromJson(readBytes(QStringLiteral(RUNLENS_FIXTURES "/tensorboard/ground_truth.json")))
            .object();
    return truth;
}

bool copyTree(const QString &from, const QString &to)
{
    QDir().mkpath(to);
    const QDir src(from);
    for (const QFileInfo &e :
         src.entryInfoList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden)) {
        const QString target = to + QLatin1Char('/') + e.fileName();
        if (e.isDir()) {
            if (!copyTree(e.absoluteFilePath(), target))
                return false;
        } else {
            if (!QFile::copy(e.absoluteFilePath(), target))
                return false;
            QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
        }
    }
    return true;
}

} // namespace

Q_DECLARE_METATYPE(runlens::import::SourceRun)

class TestTensorBoardReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void crc32cMatchesReference();
    void groundTruthRuns_data();
    void groundTruthRuns();
    void runSetMatchesMultiplexer();
    void hparamsAttribution();
    void hparamsSessionFolderLayouts();
    void sourceKeysSurviveMovingTheTree();
    void singleFolderAndSingleFile();
    void lightningLogs();
    void hparamsYaml_data();
    void hparamsYaml();
    void yamlParamsWinOverEventHParams();
    void hparamValueTypes();
    void catboostEventFiles();
    void hfTrainerTextSummaries();
    void hfTextSummaryBad_data();
    void hfTextSummaryBad();
    void tensorScalars_data();
    void tensorScalars();
    void malformed_data();
    void malformed();
    void unreadableFile();
    void symlinkLoops();
    void randomDamageNeverCrashes();
    void forgedHeadersCostLinearWork_data();
    void forgedHeadersCostLinearWork();
    void damagedStretchInRealFileIsReadPast_data();
    void damagedStretchInRealFileIsReadPast();
    void givesUpOnGarbageWithOffset();
    void damagedLargeRecordIsSlidPast();
    void looksLikeTensorBoard_data();
    void looksLikeTensorBoard();
    void unreadablePathsThrow();
    void stopsWhenSinkSaysSo();
    void throughput_data();
    void throughput();

private:
    RecordingSink m_tree;
};

void TestTensorBoardReader::initTestCase()
{
    QVERIFY2(QFileInfo(tbRoot()).isDir(), "fixtures missing");
    readTensorBoard(tbRoot(), m_tree);
    QVERIFY2(m_tree.warnings.empty(), qPrintable(m_tree.allWarnings()));
    QVERIFY(m_tree.lastTotal > 0);
    QCOMPARE(m_tree.lastDone, m_tree.lastTotal);
}

void TestTensorBoardReader::crc32cMatchesReference()
{
    // RFC 3720 (iSCSI) test vectors and the catalogue check value.
    QCOMPARE(crc32c("123456789"), 0xE3069283u);
    QCOMPARE(crc32c(QByteArray(32, '\0')), 0x8A9136AAu);
    QCOMPARE(crc32c(QByteArray(32, '\xff')), 0x62A8AB43u);
    QByteArray ascending;
    for (int i = 0; i < 32; ++i)
        ascending.append(char(i));
    QCOMPARE(crc32c(ascending), 0x46DD794Eu);
    QCOMPARE(crc32c(QByteArray()), 0u);
    // The sliced implementation against a bit-at-a-time one, over every alignment and tail length.
    QRandomGenerator rng(7);
    for (int n = 0; n < 200; ++n) {
        QByteArray data(n, Qt::Uninitialized);
        for (char &c : data)
            c = char(rng.bounded(256));
        quint32 crc = 0xffffffffu;
        for (char c : data) {
            crc ^= uchar(c);
            for (int k = 0; k < 8; ++k)
                crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        QCOMPARE(crc32c(data), ~crc);
        QCOMPARE(crc32c(QByteArrayView(data).sliced(n / 3)), crc32c(data.mid(n / 3)));
    }
    const quint32 x = 0x12345678u;
    QCOMPARE(maskCrc32c(x), ((x >> 15) | (x << 17)) + 0xa282ead8u);
}

void TestTensorBoardReader::groundTruthRuns_data()
{
    QTest::addColumn<QString>("run");
    const QJsonObject runs = groundTruth().value(QLatin1String("runs")).toObject();
    for (auto it = runs.begin(); it != runs.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void TestTensorBoardReader::groundTruthRuns()
{
    QFETCH(QString, run);
    const QJsonObject runs = groundTruth().value(QLatin1String("runs")).toObject();
    const QJsonObject truth = runs.value(run).toObject();
    // torch's hparams session folder is merged into the run it lies in: its points are that run's.
    const bool merged = run == QLatin1String("run_a/hparams");
    const QString target = merged ? QStringLiteral("run_a") : run;
    QVERIFY(!m_tree.runNamed(QStringLiteral("run_a/hparams")));
    const SourceRun *r = m_tree.runNamed(target);
    QVERIFY2(r, qPrintable(m_tree.runNames().join(QLatin1Char(','))));

    const QStringList files =
        runs.value(target).toObject().value(QLatin1String("event_files")).toVariant().toStringList();
    QCOMPARE(r->sourceKey, target + QLatin1Char('/') + files.first());
    QCOMPARE(r->status, RunStatus::Finished);
    QVERIFY(r->experiment.isEmpty());
    QVERIFY(r->id.isEmpty());

    // Metrics: every tag the scalars plugin shows (simple_value and tensor scalars alike), point for point.
    const QJsonObject plugin = truth.value(QLatin1String("plugin_accumulator")).toObject();
    QStringList expectedKeys;
    QMap<QString, qint64> expectedSkips;
    qint64 minTs = std::numeric_limits<qint64>::max();
    qint64 maxTs = std::numeric_limits<qint64>::min();
    for (auto it = plugin.begin(); it != plugin.end(); ++it) {
        const QJsonObject tag = it.value().toObject();
        const QString pluginName = tag.value(QLatin1String("plugin")).toString();
        if (pluginName == QLatin1String("hparams"))
            continue;
        if (pluginName != QLatin1String("scalars")) {
            expectedSkips[pluginName] += tag.value(QLatin1String("count")).toInteger();
            continue;
        }
        expectedKeys << it.key();
        const SourceMetric *m = metricOf(*r, it.key());
        QVERIFY2(m, qPrintable(it.key()));
        const QJsonArray points = tag.value(QLatin1String("points")).toArray();
        QCOMPARE(qint64(m->points.size()), tag.value(QLatin1String("count")).toInteger());
        QCOMPARE(qsizetype(m->points.size()), points.size());
        for (qsizetype i = 0; i < points.size(); ++i) {
            const QJsonArray p = points[i].toArray();
            const MetricPoint &got = m->points[size_t(i)];
            const double wall = p[1].toDouble();
            const double value = groundTruthValue(p[2]);
            QCOMPARE(got.step, p[0].toInteger());
            QCOMPARE(got.timestamp, qint64(std::llround(wall * 1000.0)));
            if (std::isnan(value))
                QVERIFY2(std::isnan(got.value), qPrintable(QStringLiteral("%1[%2]").arg(it.key()).arg(i)));
            else
                QVERIFY2(sameBits(got.value, value), qPrintable(QStringLiteral("%1[%2]: %3 != %4")
                                                                    .arg(it.key())
                                                                    .arg(i)
                                                                    .arg(got.value, 0, 'g', 17)
                                                                    .arg(value, 0, 'g', 17)));
            minTs = std::min(minTs, got.timestamp);
            maxTs = std::max(maxTs, got.timestamp);
        }
    }
    expectedKeys.sort();
    if (merged) {
        for (const QString &key : expectedKeys) // beside run_a's own, compared in its row
            QVERIFY2(metricKeys(*r).contains(key), qPrintable(key));
    } else {
        QStringList keys = metricKeys(*r);
        if (run == QLatin1String("run_a")) // the session's, compared in its row
            keys.removeIf([](const QString &k) { return k.startsWith(QLatin1String("hparam/")); });
        QCOMPARE(keys, expectedKeys);
        // Histograms, text and the like are counted, not imported.
        QCOMPARE(m_tree.skipsByRun.value(run), expectedSkips);
    }

    // Params: the hparams session of the run, values as text (numbers compared as numbers).
    const QJsonObject hp = truth.value(QLatin1String("hparams"))
                               .toObject()
                               .value(QLatin1String("_hparams_/session_start_info"))
                               .toObject()
                               .value(QLatin1String("sessionStartInfo"))
                               .toObject()
                               .value(QLatin1String("hparams"))
                               .toObject();
    if (!hp.isEmpty()) {
        QCOMPARE(r->params.size(), hp.size());
        for (auto it = hp.begin(); it != hp.end(); ++it) {
            QVERIFY2(r->params.contains(it.key()), qPrintable(it.key()));
            const QString got = r->params.value(it.key());
            if (it.value().isString()) {
                QCOMPARE(got, it.value().toString());
            } else {
                const std::optional<double> number = text::parseNumber(got);
                QVERIFY2(number, qPrintable(got));
                QCOMPARE(*number, it.value().toDouble());
            }
        }
    }

    // Start and end span the run's events (the writer's first event may be later than faked scalar times).
    QVERIFY(r->startMs && r->endMs);
    QVERIFY(*r->startMs <= minTs);
    QVERIFY(*r->endMs >= maxTs);
    QVERIFY(*r->startMs <= *r->endMs);
}

void TestTensorBoardReader::runSetMatchesMultiplexer()
{
    // TensorBoard's runs but torch's hparams session folder, which is run_a's (hparamsAttribution).
    QStringList expected = groundTruth().value(QLatin1String("multiplexer_runs")).toVariant().toStringList();
    QVERIFY(expected.removeAll(QStringLiteral("run_a/hparams")) == 1);
    expected.sort();
    QCOMPARE(m_tree.runNames(), expected);
}

void TestTensorBoardReader::hparamsAttribution()
{
    // torch's add_hparams put the session (and its metric values) in run_a/hparams: one run, run_a, with
    // the session's params and metrics beside its own.
    QVERIFY(!m_tree.runNamed(QStringLiteral("run_a/hparams")));
    const SourceRun *parent = m_tree.runNamed(QStringLiteral("run_a"));
    QVERIFY(parent);
    QCOMPARE(parent->params.value(QStringLiteral("optimizer")), QStringLiteral("adam"));
    QCOMPARE(parent->params.value(QStringLiteral("lr")), QStringLiteral("0.01"));
    QCOMPARE(parent->params.value(QStringLiteral("batch_size")), QStringLiteral("32"));
    QCOMPARE(parent->params.value(QStringLiteral("use_bn")), QStringLiteral("1"));
    QCOMPARE(parent->params.size(), 4);
    QVERIFY(metricOf(*parent, QStringLiteral("hparam/final_loss")));
    QVERIFY(metricOf(*parent, QStringLiteral("hparam/final_acc")));
    QVERIFY(metricOf(*parent, QStringLiteral("loss")));
    // run_b's TF2 hparams live in its .hparams event file.
    const SourceRun *b = m_tree.runNamed(QStringLiteral("run_b"));
    QVERIFY(b);
    QCOMPARE(b->params.value(QStringLiteral("optimizer")), QStringLiteral("sgd"));
    QCOMPARE(b->params.value(QStringLiteral("lr")), QStringLiteral("0.001"));
    QCOMPARE(b->params.value(QStringLiteral("batch_size")), QStringLiteral("64"));

    // Two sessions that disagree are a sweep's runs: the parent gets nothing rather than a guess; two that
    // agree are the parent's.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray parentFile = readBytes(tbRoot() + QLatin1Char('/') + kRunAFile);
    const QByteArray hparamsFile =
        readBytes(tbRoot() + QStringLiteral("/run_b/events.out.tfevents.1795376542.vm.4135.3.hparams"));
    const QByteArray otherHparams =
        readBytes(tbRoot() + QStringLiteral("/run_a/hparams/events.out.tfevents.1795376542.vm.4135.1"));
    writeBytes(dir.filePath(QStringLiteral("p/events.out.tfevents.1")), parentFile);
    writeBytes(dir.filePath(QStringLiteral("p/s1/events.out.tfevents.2")), hparamsFile);
    writeBytes(dir.filePath(QStringLiteral("p/s2/events.out.tfevents.3")), otherHparams);
    writeBytes(dir.filePath(QStringLiteral("q/events.out.tfevents.1")), parentFile);
    writeBytes(dir.filePath(QStringLiteral("q/s1/events.out.tfevents.2")), hparamsFile);
    writeBytes(dir.filePath(QStringLiteral("q/s2/events.out.tfevents.3")), hparamsFile);
    RecordingSink sink;
    readTensorBoard(dir.path(), sink);
    QCOMPARE(sink.runNames(), QStringList({"p", "p/s1", "p/s2", "q"}));
    QVERIFY(sink.runNamed(QStringLiteral("p"))->params.isEmpty());
    QCOMPARE(sink.runNamed(QStringLiteral("q"))->params, b->params);
}

void TestTensorBoardReader::hparamsSessionFolderLayouts()
{
    const double t0 = 1795376542.0;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&](const QString &file, const QList<QByteArray> &events) {
        QByteArray bytes = fileVersionEvent(t0);
        for (const QByteArray &e : events)
            bytes += e;
        writeBytes(dir.filePath(file), bytes);
    };
    const QString ev = QStringLiteral("/events.out.tfevents.%1.host.1.v2").arg(qint64(t0));

    // TensorBoard's hparams tutorial: the experiment config in logs/hparam_tuning, one session with its
    // metric per run-N sub-folder. The runs are the sub-folders, each with its own params.
    write(QStringLiteral("tutorial/hparam_tuning") + ev, {hparamsExperimentEvent(t0)});
    write(QStringLiteral("tutorial/hparam_tuning/run-0") + ev,
          {hparamsSessionEvent(t0 + 1, {{"num_units", 16.0}, {"optimizer", QStringLiteral("adam")}}),
           simpleScalarEvent(t0 + 9, 1, "accuracy", 0.75f)});
    write(QStringLiteral("tutorial/hparam_tuning/run-1") + ev,
          {hparamsSessionEvent(t0 + 10, {{"num_units", 32.0}, {"optimizer", QStringLiteral("sgd")}}),
           simpleScalarEvent(t0 + 19, 1, "accuracy", 0.5f)});
    // The same with a single session: the config-only root is still no run to merge into.
    write(QStringLiteral("single/hparam_tuning") + ev, {hparamsExperimentEvent(t0)});
    write(QStringLiteral("single/hparam_tuning/run-0") + ev,
          {hparamsSessionEvent(t0 + 1, {{"num_units", 16.0}}),
           simpleScalarEvent(t0 + 9, 1, "accuracy", 0.75f)});
    RecordingSink tutorial;
    readTensorBoard(dir.filePath(QStringLiteral("tutorial")), tutorial);
    QVERIFY2(tutorial.warnings.empty(), qPrintable(tutorial.allWarnings()));
    QCOMPARE(tutorial.runNames(),
             QStringList({"hparam_tuning", "hparam_tuning/run-0", "hparam_tuning/run-1"}));
    const SourceRun *run0 = tutorial.runNamed(QStringLiteral("hparam_tuning/run-0"));
    QCOMPARE(run0->params.value(QStringLiteral("optimizer")), QStringLiteral("adam"));
    QCOMPARE(run0->params.value(QStringLiteral("num_units")), QStringLiteral("16"));
    QCOMPARE(metricOf(*run0, QStringLiteral("accuracy"))->points.size(), size_t(1));
    QCOMPARE(
        tutorial.runNamed(QStringLiteral("hparam_tuning/run-1"))->params.value(QStringLiteral("optimizer")),
        QStringLiteral("sgd"));
    QVERIFY(tutorial.runNamed(QStringLiteral("hparam_tuning"))->params.isEmpty());
    RecordingSink single;
    readTensorBoard(dir.filePath(QStringLiteral("single")), single);
    QCOMPARE(single.runNames(), QStringList({"hparam_tuning", "hparam_tuning/run-0"}));
    QVERIFY(metricOf(*single.runNamed(QStringLiteral("hparam_tuning/run-0")), QStringLiteral("accuracy")));

    // Keras: the TensorBoard callback's train/ and validation/ sub-folders hold scalars and no session; with
    // hp.KerasCallback the session is in the run's folder. Three runs, as TensorBoard shows them.
    write(QStringLiteral("keras/run") + ev, {hparamsSessionEvent(t0, {{"dropout", 0.1}})});
    write(QStringLiteral("keras/run/train") + ev, {simpleScalarEvent(t0 + 1, 0, "epoch_loss", 1.0f),
                                                   simpleScalarEvent(t0 + 2, 1, "epoch_loss", 0.5f)});
    write(QStringLiteral("keras/run/validation") + ev, {simpleScalarEvent(t0 + 2, 0, "epoch_loss", 1.5f)});
    RecordingSink keras;
    readTensorBoard(dir.filePath(QStringLiteral("keras")), keras);
    QVERIFY2(keras.warnings.empty(), qPrintable(keras.allWarnings()));
    QCOMPARE(keras.runNames(), QStringList({"run", "run/train", "run/validation"}));
    QCOMPARE(keras.runNamed(QStringLiteral("run"))->params.value(QStringLiteral("dropout")),
             QStringLiteral("0.1"));
    QCOMPARE(
        metricOf(*keras.runNamed(QStringLiteral("run/train")), QStringLiteral("epoch_loss"))->points.size(),
        size_t(2));

    // torch's add_hparams(run_name=...) beside a run that logs the same key itself: one run; the run's own
    // curve stays whole, and the warning says what of the session was not taken.
    write(QStringLiteral("torch/exp") + ev,
          {simpleScalarEvent(t0 + 1, 0, "loss", 1.0f), simpleScalarEvent(t0 + 2, 1, "loss", 0.25f)});
    write(QStringLiteral("torch/exp/hparams") + ev,
          {hparamsExperimentEvent(t0 + 3), hparamsSessionEvent(t0 + 3, {{"lr", 0.1}}),
           simpleScalarEvent(t0 + 3, 0, "loss", 0.25f), simpleScalarEvent(t0 + 3, 0, "hparam/best", 0.2f)});
    RecordingSink torch;
    readTensorBoard(dir.filePath(QStringLiteral("torch")), torch);
    QCOMPARE(torch.runNames(), QStringList({"exp"}));
    const SourceRun &exp = *torch.runNamed(QStringLiteral("exp"));
    QCOMPARE(exp.params.value(QStringLiteral("lr")), QStringLiteral("0.1"));
    QCOMPARE(metricOf(exp, QStringLiteral("loss"))->points.size(), size_t(2));
    QCOMPARE(metricOf(exp, QStringLiteral("hparam/best"))->points.size(), size_t(1));
    QCOMPARE(exp.endMs, std::optional<qint64>(qint64(t0 + 3) * 1000));
    QCOMPARE(torch.warnings.size(), size_t(1));
    QVERIFY2(torch.warnings[0].message.contains(
                 QStringLiteral("metric 'loss' of the hparams session exp/hparams")),
             qPrintable(torch.allWarnings()));

    // Sessions inside a session's folder: the inner one is a run of its own, never dropped on the way.
    write(QStringLiteral("nest/run") + ev, {simpleScalarEvent(t0 + 1, 0, "loss", 1.0f)});
    write(QStringLiteral("nest/run/a") + ev,
          {hparamsSessionEvent(t0 + 2, {{"lr", 0.1}}), simpleScalarEvent(t0 + 2, 0, "a_metric", 0.5f)});
    write(QStringLiteral("nest/run/a/b") + ev,
          {hparamsSessionEvent(t0 + 3, {{"lr", 0.1}}), simpleScalarEvent(t0 + 3, 0, "b_metric", 0.25f)});
    RecordingSink nest;
    readTensorBoard(dir.filePath(QStringLiteral("nest")), nest);
    QCOMPARE(nest.runNames(), QStringList({"run", "run/a/b"}));
    QVERIFY(metricOf(*nest.runNamed(QStringLiteral("run")), QStringLiteral("a_metric")));
    QVERIFY(metricOf(*nest.runNamed(QStringLiteral("run/a/b")), QStringLiteral("b_metric")));

    // Two sessions with the same params that log the same metric are two runs (seeds not logged as
    // hparams), not one run that keeps the first one's value.
    write(QStringLiteral("seeds/root") + ev, {simpleScalarEvent(t0 + 1, 0, "loss", 1.0f)});
    write(QStringLiteral("seeds/root/s0") + ev,
          {hparamsSessionEvent(t0 + 2, {{"lr", 0.1}}), simpleScalarEvent(t0 + 2, 0, "acc", 0.5f)});
    write(QStringLiteral("seeds/root/s1") + ev,
          {hparamsSessionEvent(t0 + 3, {{"lr", 0.1}}), simpleScalarEvent(t0 + 3, 0, "acc", 0.75f)});
    RecordingSink seeds;
    readTensorBoard(dir.filePath(QStringLiteral("seeds")), seeds);
    QVERIFY2(seeds.warnings.empty(), qPrintable(seeds.allWarnings()));
    QCOMPARE(seeds.runNames(), QStringList({"root", "root/s0", "root/s1"}));
    QCOMPARE(metricOf(*seeds.runNamed(QStringLiteral("root/s1")), QStringLiteral("acc"))->points.size(),
             size_t(1));
}

void TestTensorBoardReader::sourceKeysSurviveMovingTheTree()
{
    QTemporaryDir a;
    QTemporaryDir b;
    QVERIFY(a.isValid() && b.isValid());
    QVERIFY(copyTree(tbRoot(), a.filePath(QStringLiteral("logs"))));
    QVERIFY(copyTree(tbRoot(), b.filePath(QStringLiteral("deeper/elsewhere/tb"))));
    RecordingSink first;
    RecordingSink second;
    readTensorBoard(a.filePath(QStringLiteral("logs")), first);
    readTensorBoard(b.filePath(QStringLiteral("deeper/elsewhere/tb")), second);
    QCOMPARE(first.runs.size(), m_tree.runs.size());
    QCOMPARE(second.runs.size(), m_tree.runs.size());
    for (size_t i = 0; i < m_tree.runs.size(); ++i) {
        QCOMPARE(first.runs[i].sourceKey, m_tree.runs[i].sourceKey);
        QCOMPARE(second.runs[i].sourceKey, m_tree.runs[i].sourceKey);
        QCOMPARE(second.runs[i].name, m_tree.runs[i].name);
        compareMetrics(second.runs[i], m_tree.runs[i]);
    }
}

void TestTensorBoardReader::singleFolderAndSingleFile()
{
    RecordingSink folder;
    readTensorBoard(tbRoot() + QStringLiteral("/run_b"), folder);
    QCOMPARE(folder.runs.size(), size_t(1));
    QCOMPARE(folder.runs[0].name, QStringLiteral("run_b"));
    QCOMPARE(folder.runs[0].sourceKey, QStringLiteral("events.out.tfevents.1795376542.vm.4135.2"));
    compareMetrics(folder.runs[0], *m_tree.runNamed(QStringLiteral("run_b")));
    QCOMPARE(folder.runs[0].params, m_tree.runNamed(QStringLiteral("run_b"))->params);

    RecordingSink file;
    readTensorBoard(tbRoot() + QLatin1Char('/') + kRunAFile, file);
    QCOMPARE(file.runs.size(), size_t(1));
    QCOMPARE(file.runs[0].name, QStringLiteral("run_a"));
    QCOMPARE(file.runs[0].sourceKey, QStringLiteral("events.out.tfevents.1795376542.vm.4135.0"));
    SourceRun own = *m_tree.runNamed(QStringLiteral("run_a")); // without its hparams session's metrics
    std::erase_if(own.metrics,
                  [](const SourceMetric &m) { return m.key.startsWith(QLatin1String("hparam/")); });
    compareMetrics(file.runs[0], own);
    QVERIFY(file.runs[0].params.isEmpty()); // one file: no sub-run to inherit from

    // The buffer entry point reads the same as the folder reader.
    RecordingSink bufferSink;
    const SourceRun fromBuffer = decodeBytes(readBytes(tbRoot() + QLatin1Char('/') + kRunAFile), &bufferSink);
    compareMetrics(fromBuffer, file.runs[0]);
    QCOMPARE(fromBuffer.startMs, file.runs[0].startMs);
    QCOMPARE(fromBuffer.endMs, file.runs[0].endMs);
    QCOMPARE(bufferSink.skips, file.skips);
}

void TestTensorBoardReader::lightningLogs()
{
    RecordingSink sink;
    readTensorBoard(lightningRoot(), sink);
    QCOMPARE(sink.runNames(), QStringList({"version_0", "version_1", "version_2"}));
    for (const SourceRun &run : sink.runs) {
        const QString folder = lightningRoot() + QLatin1Char('/') + run.name;
        QStringList files = QDir(folder).entryList({QStringLiteral("events.out.tfevents.*")}, QDir::Files);
        files.sort();
        QCOMPARE(files.size(), 2);
        QCOMPARE(run.sourceKey, run.name + QLatin1Char('/') + files.first());

        // Every scalar of both files, in file order, against an independent wire reading.
        std::map<QString, std::vector<MetricPoint>> expected;
        for (const QString &f : files)
            for (auto &[tag, points] : simpleScalars(readBytes(folder + QLatin1Char('/') + f)))
                expected[tag].insert(expected[tag].end(), points.begin(), points.end());
        SourceRun want;
        for (auto &[tag, points] : expected)
            want.metrics.push_back({tag, points});
        compareMetrics(run, want);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(metricOf(run, QStringLiteral("train_accuracy_step"))->points.size(), size_t(112));
        QCOMPARE(metricOf(run, QStringLiteral("epoch"))->points.size(), size_t(115));
        QCOMPARE(metricOf(run, QStringLiteral("test_accuracy"))->points.size(), size_t(1));
        QCOMPARE(metricOf(run, QStringLiteral("hp_metric"))->points.size(), size_t(2));

        // Params: hparams.yaml line by line (this file is flat), nothing lost; the Python tag as its name.
        const QString yamlPath = QFileInfo(folder + QStringLiteral("/hparams.yaml")).absoluteFilePath();
        QMap<QString, QString> yaml;
        for (const QByteArray &line : readBytes(yamlPath).split('\n')) {
            const qsizetype colon = line.indexOf(": ");
            if (colon > 0)
                yaml.insert(QString::fromUtf8(line.left(colon)), QString::fromUtf8(line.mid(colon + 2)));
        }
        QCOMPARE(yaml.size(), 12);
        yaml[QStringLiteral("optimizer")] = QStringLiteral("torch.optim.adam.Adam");
        QCOMPARE(run.params, yaml);

        bool warned = false;
        for (const Diagnostic &d : sink.warnings)
            if (d.file == yamlPath && d.message.contains(QLatin1String("optimizer")) &&
                d.message.contains(QLatin1String("!!python/name:torch.optim.adam.Adam")))
                warned = true;
        QVERIFY2(warned, qPrintable(sink.allWarnings()));
        QVERIFY(run.startMs && run.endMs && *run.startMs < *run.endMs);
    }
    QCOMPARE(sink.warnings.size(), size_t(3)); // one per hparams.yaml, nothing else
    QVERIFY(sink.skips.isEmpty());
}

void TestTensorBoardReader::hparamsYaml_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QStringList>("params"); // "key=value", sorted; empty with checkParams false: not checked
    QTest::addColumn<bool>("warns");

    QTest::newRow("flat") << QByteArray("lr: 0.001\nname: resnet\nuse_bn: true\nsteps: 100\n")
                          << QStringList({"lr=0.001", "name=resnet", "steps=100", "use_bn=true"}) << false;
    QTest::newRow("nested mapping flattened with /")
        << QByteArray("model:\n  depth: 4\n  widths: [64, 32]\n  head: {kind: mlp}\nseed: 1\n")
        << QStringList({"model/depth=4", "model/head/kind=mlp", "model/widths=[64, 32]", "seed=1"}) << false;
    QTest::newRow("nulls and quoted text")
        << QByteArray("a: null\nb: ~\nc: 'null'\nd:\ne: \"x: y\"\n")
        << QStringList({"a=null", "b=null", "c=null", "d=null", "e=x: y"}) << false;
    QTest::newRow("standard tags are plain")
        << QByteArray("a: !!str 12\nb: !!float 1\n") << QStringList({"a=12", "b=1"}) << false;
    QTest::newRow("python name") << QByteArray("opt: !!python/name:torch.optim.sgd.SGD ''\nlr: 0.1\n")
                                 << QStringList({"lr=0.1", "opt=torch.optim.sgd.SGD"}) << true;
    QTest::newRow("python tuple") << QByteArray("betas: !!python/tuple\n- 0.9\n- 0.999\neps: 1.0e-08\n")
                                  << QStringList({"betas=[0.9, 0.999]", "eps=1.0e-08"}) << true;
    QTest::newRow("python object left out")
        << QByteArray("args: !!python/object:argparse.Namespace\n  x: 1\nlr: 0.1\n")
        << QStringList({"lr=0.1"}) << true;
    QTest::newRow("python object/apply left out")
        << QByteArray("od: !!python/object/apply:collections.OrderedDict\n- - - a\n    - 1\nk: v\n")
        << QStringList({"k=v"}) << true;
    QTest::newRow("python tag inside a list") << QByteArray("callbacks: [!!python/name:a.B '', 3]\n")
                                              << QStringList({"callbacks=[a.B, 3]"}) << true;
    QTest::newRow("custom tag as text")
        << QByteArray("a: !custom hello\nb: 2\n") << QStringList({"a=hello", "b=2"}) << true;
    QTest::newRow("invalid yaml") << QByteArray("a: [1, 2\nb: {\n") << QStringList() << true;
    QTest::newRow("not a mapping") << QByteArray("- 1\n- 2\n") << QStringList() << true;
    QTest::newRow("empty file") << QByteArray() << QStringList() << false;
    QTest::newRow("binary garbage") << QByteArray("\x00\xff\x01: \x02\x9f[[{", 12) << QStringList() << true;
    QByteArray laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 10; ++i) {
        laughs += QStringLiteral("a%1: &a%1 [").arg(i).toUtf8();
        for (int k = 0; k < 9; ++k)
            laughs += QStringLiteral("%1*a%2").arg(k ? QStringLiteral(", ") : QString()).arg(i - 1).toUtf8();
        laughs += "]\n";
    }
    QTest::newRow("alias bomb") << laughs << QStringList({"?"}) << true;
}

void TestTensorBoardReader::hparamsYaml()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QStringList, params);
    QFETCH(bool, warns);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeBytes(dir.filePath(QStringLiteral("run/hparams.yaml")), yaml);
    QFile::copy(tbRoot() + QStringLiteral("/run_b/events.out.tfevents.1795376542.vm.4135.2"),
                dir.filePath(QStringLiteral("run/events.out.tfevents.1")));
    RecordingSink sink;
    QElapsedTimer timer;
    timer.start();
    readTensorBoard(dir.path(), sink);
    QVERIFY(timer.elapsed() < 20000);
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs[0];
    QCOMPARE(metricKeys(run), QStringList({"acc", "loss"})); // the YAML never costs the metrics
    if (params != QStringList({"?"})) {
        QStringList got;
        for (auto it = run.params.cbegin(); it != run.params.cend(); ++it)
            got << it.key() + QLatin1Char('=') + it.value();
        QCOMPARE(got, params);
    }
    QCOMPARE(sink.warnedAbout(QStringLiteral("/run/hparams.yaml")), warns);
    QCOMPARE(sink.warnings.size(), size_t(warns ? 1 : 0));
}

void TestTensorBoardReader::yamlParamsWinOverEventHParams()
{
    // Lightning writes the same hyperparameters to hparams.yaml (typed) and to an hparams summary (as text);
    // where both name a key, the YAML value is kept; keys only in the events still come through.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile::copy(tbRoot() + QStringLiteral("/run_a/hparams/events.out.tfevents.1795376542.vm.4135.1"),
                dir.filePath(QStringLiteral("events.out.tfevents.1")));
    writeBytes(dir.filePath(QStringLiteral("hparams.yaml")), "lr: 0.5\nextra: yes\n");
    RecordingSink sink;
    readTensorBoard(dir.path(), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    const QMap<QString, QString> expected{
        {"lr", "0.5"}, {"extra", "yes"}, {"optimizer", "adam"}, {"batch_size", "32"}, {"use_bn", "1"}};
    QCOMPARE(sink.runs[0].params, expected);
    QCOMPARE(sink.runs[0].name, QFileInfo(dir.path()).fileName());
}

void TestTensorBoardReader::hparamValueTypes()
{
    const auto hparamsEvent = [](std::vector<std::pair<QByteArray, Wire>> values) {
        Wire start;
        for (const auto &[key, value] : values) {
            Wire entry;
            entry.len(1, key).msg(2, value);
            start.msg(1, entry);
        }
        Wire content;
        content.msg(3, start);
        Wire v;
        v.len(1, "_hparams_/session_start_info").msg(9, pluginMetadata("hparams", content.bytes));
        Wire summary;
        summary.msg(1, v);
        return frame(eventWire(1.0, 0).msg(5, summary).bytes);
    };
    const auto number = [](double x) {
        Wire w;
        w.f64(2, x);
        return w;
    };
    const auto string = [](QByteArray x) {
        Wire w;
        w.len(3, x);
        return w;
    };
    Wire yes;
    yes.varint(4, 1);
    Wire null;
    null.varint(1, 0);
    Wire list;
    list.msg(1, number(1.5)).msg(1, string("x"));
    Wire listValue;
    listValue.msg(6, list);
    const QByteArray file = hparamsEvent({{"bool", yes},
                                          {"null", null},
                                          {"list", listValue},
                                          {"small", number(1e-8)},
                                          {"big", number(1e20)},
                                          {"int", number(3.0)},
                                          {"negative", number(-2.5)},
                                          {"text", string("adam")}}) +
                            hparamsEvent({{"text", string("sgd")}, {"int", number(3.0)}});
    RecordingSink sink;
    const SourceRun run = decodeBytes(file, &sink);
    const QMap<QString, QString> expected{{"bool", "true"},     {"null", "null"}, {"list", "[1.5, x]"},
                                          {"small", "1e-08"},   {"big", "1e+20"}, {"int", "3"},
                                          {"negative", "-2.5"}, {"text", "sgd"}};
    QCOMPARE(run.params, expected);
    // Logged twice with different values: the last one is kept, and the warning names the key.
    QCOMPARE(sink.warnings.size(), size_t(1));
    QVERIFY2(sink.warnings[0].message.contains(QLatin1String("text")), qPrintable(sink.allWarnings()));

    // hparams content that is not an HParamsPluginData counts as a damaged record.
    Wire v;
    v.len(1, "_hparams_/session_start_info").msg(9, pluginMetadata("hparams", "\x1a\xff\xff\xff\xff\x0f"));
    Wire summary;
    summary.msg(1, v);
    RecordingSink bad;
    decodeBytes(frame(eventWire(1.0, 0).msg(5, summary).bytes), &bad);
    QCOMPARE(bad.skips.value(QStringLiteral("corrupt records")), 1);
}

// CatBoost writes `catboost_info/{learn,test}/events.out.tfevents`, named without TensorBoard's suffix: read
// as TensorBoard reads them (any file whose name contains "tfevents"). The counts, steps, times and values
// were taken from the fixture with an independent Python reading of the TFRecord framing and the Event
// protobuf (and agree with CatBoost's own learn_error.tsv/test_error.tsv of the same commit: 807 and 392
// rows).
void TestTensorBoardReader::catboostEventFiles()
{
    const QString root = catboostRoot();
    QVERIFY(runlens::import::looksLikeTensorBoard(root));
    QVERIFY(runlens::import::looksLikeTensorBoard(root + QStringLiteral("/learn/events.out.tfevents")));
    RecordingSink sink;
    readTensorBoard(root, sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.allWarnings()));
    QCOMPARE(sink.runNames(), QStringList({QStringLiteral("learn"), QStringLiteral("test")}));
    QVERIFY(sink.skips.isEmpty());

    struct Expected
    {
        const char *run;
        qsizetype points;
        float first;
        float last;
        double sum;
        qint64 startMs;
        qint64 endMs;
    };
    const Expected expected[] = {
        {"learn", 807, 5.473636150360107f, 0.37673020362854004f, 444.644308835268, 1752224627000,
         1752224628000},
        {"test", 392, 6.101279258728027f, 0.7847911715507507f, 423.3826648592949, 1752224626000,
         1752224627000},
    };
    for (const Expected &e : expected) {
        const SourceRun *run = sink.runNamed(QLatin1String(e.run));
        QVERIFY(run);
        QCOMPARE(metricKeys(*run), QStringList{QStringLiteral("RMSE")});
        const std::vector<MetricPoint> &points = run->metrics.front().points;
        QCOMPARE(qsizetype(points.size()), e.points);
        double sum = 0;
        for (qsizetype i = 0; i < qsizetype(points.size()); ++i) {
            QCOMPARE(points[size_t(i)].step, qint64(i)); // one point per iteration, 0 on
            sum += points[size_t(i)].value;
        }
        QVERIFY(sameBits(points.front().value, double(e.first)));
        QVERIFY(sameBits(points.back().value, double(e.last)));
        QCOMPARE(sum, e.sum); // every value, in order, as float32 widened
        QCOMPARE(run->startMs, std::optional<qint64>(e.startMs));
        QCOMPARE(run->endMs, std::optional<qint64>(e.endMs));
    }

    // The bare file on its own is a run, too.
    RecordingSink single;
    readTensorBoard(root + QStringLiteral("/test/events.out.tfevents"), single);
    QCOMPARE(single.runs.size(), size_t(1));
    QCOMPARE(single.runs.front().metrics.front().points.size(), size_t(392));
}

// The Hugging Face Trainer's TensorBoard callback writes TrainingArguments and the model config only as JSON
// text through add_text (tag + "/text_summary", plugin "text", one DT_STRING value: the encoding of the
// fixture's own torch-written `notes/text_summary`). Both become params, flattened, values as written; any
// other text is counted as skipped text.
void TestTensorBoardReader::hfTrainerTextSummaries()
{
    // The real add_text record of the fixture shows the encoding this test builds: plugin "text", a string.
    RecordingSink fixture;
    decodeBytes(readBytes(tbRoot() + QLatin1Char('/') + kRunAFile), &fixture);
    QCOMPARE(fixture.skips.value(QStringLiteral("text")), qint64(1));

    const QByteArray args = R"({
  "output_dir": "out",
  "overwrite_output_dir": false,
  "learning_rate": 5e-05,
  "weight_decay": 0.0,
  "num_train_epochs": 3,
  "max_steps": -1,
  "lr_scheduler_kwargs": {},
  "warmup_ratio": 0.0,
  "logging_dir": "out/runs/May10_12-00-00_host",
  "report_to": [
    "tensorboard"
  ],
  "fsdp_config": {
    "min_num_params": 0,
    "xla": false,
    "nested": {"deep": 1E+3}
  },
  "label_names": null,
  "run_name": "caf\u00e9 \"quoted\"\n",
  "max_grad_norm": Infinity
})";
    const QByteArray config = R"({"architectures": ["BertForSequenceClassification"], "hidden_size": 768,
 "id2label": {"0": "NEGATIVE", "1": "POSITIVE"}, "layer_norm_eps": 1e-12, "torch_dtype": "float32",
 "use_cache": true})";
    const QByteArray file = fileVersionEvent(1.0) + textEvent(1.0, "args/text_summary", args) +
                            textEvent(1.0, "model_config/text_summary", config) +
                            textEvent(1.0, "notes/text_summary", "free text") +
                            simpleScalarEvent(2.0, 10, "train/loss", 0.5f);
    RecordingSink sink;
    const SourceRun run = decodeBytes(file, &sink);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.allWarnings()));
    const QMap<QString, QString> expected{
        {"output_dir", "out"},
        {"overwrite_output_dir", "false"},
        {"learning_rate", "5e-05"},
        {"weight_decay", "0.0"},
        {"num_train_epochs", "3"},
        {"max_steps", "-1"},
        {"lr_scheduler_kwargs", "{}"},
        {"warmup_ratio", "0.0"},
        {"logging_dir", "out/runs/May10_12-00-00_host"},
        {"report_to", R"(["tensorboard"])"},
        {"fsdp_config.min_num_params", "0"},
        {"fsdp_config.xla", "false"},
        {"fsdp_config.nested.deep", "1E+3"},
        {"label_names", "null"},
        {"run_name", QStringLiteral("caf\u00e9 \"quoted\"\n")},
        {"max_grad_norm", "Infinity"},
        {"model_config.architectures", R"(["BertForSequenceClassification"])"},
        {"model_config.hidden_size", "768"},
        {"model_config.id2label.0", "NEGATIVE"},
        {"model_config.id2label.1", "POSITIVE"},
        {"model_config.layer_norm_eps", "1e-12"},
        {"model_config.torch_dtype", "float32"},
        {"model_config.use_cache", "true"},
    };
    QCOMPARE(run.params, expected);
    QCOMPARE(metricKeys(run), QStringList{QStringLiteral("train/loss")});
    QCOMPARE(sink.skips, (QMap<QString, qint64>{{QStringLiteral("text"), 1}}));

    // hparams (and hparams.yaml) win over the text summaries.
    RecordingSink both;
    const SourceRun withHParams =
        decodeBytes(hparamsSessionEvent(1.0, {{QStringLiteral("learning_rate"), 0.001}}) + file, &both);
    QCOMPARE(withHParams.params.value(QStringLiteral("learning_rate")), QStringLiteral("0.001"));
    QCOMPARE(withHParams.params.value(QStringLiteral("model_config.hidden_size")), QStringLiteral("768"));
}

void TestTensorBoardReader::hfTextSummaryBad_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("problem");
    QTest::newRow("not closed") << QByteArray(R"({"lr": 1, "x": )")
                                << QStringLiteral("at byte 15: expected a value");
    QTest::newRow("no comma") << QByteArray(R"({"lr": 1 "x": 2})")
                              << QStringLiteral("at byte 9: expected ',' or '}'");
    QTest::newRow("a list") << QByteArray("[1, 2]") << QStringLiteral("at byte 0: expected a JSON object");
    QTest::newRow("trailing") << QByteArray(R"({"a": 1} x)") << QStringLiteral("at byte 9: expected the end");
    QTest::newRow("bad escape") << QByteArray(R"({"a": "\q"})") << QStringLiteral("unknown escape");
    QTest::newRow("bad number") << QByteArray(R"({"a": -})") << QStringLiteral("expected a value");
    QTest::newRow("control char") << QByteArray("{\"a\": \"x\ny\"}") << QStringLiteral("control character");
    QTest::newRow("deep") << QByteArray("{\"a\":[") + QByteArray(100, '[') + QByteArray(100, ']') + "]}"
                          << QStringLiteral("nested deeper than 64 levels");
    QByteArray huge = "{\"a\": \"" + QByteArray((1 << 20) + 1, 'x') + "\"}";
    QTest::newRow("larger than 1 MiB") << huge << QStringLiteral("larger than 1 MiB");
    QByteArray many = "{";
    for (int i = 0; i <= 10000; ++i)
        many += (i ? "," : "") + QByteArray("\"k") + QByteArray::number(i) + "\":1";
    many += "}";
    QTest::newRow("too many keys") << many << QStringLiteral("more than 10000 keys");
}

// A text summary that is not a JSON object of bounded size is warned about, naming the file and the tag; its
// params are not read (none of them, never half), and the rest of the run is imported.
void TestTensorBoardReader::hfTextSummaryBad()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path =
        dir.filePath(QStringLiteral("runs/May10_12-00-00_host/events.out.tfevents.1.host.1.0"));
    writeBytes(path, textEvent(1.0, "args/text_summary", text) +
                         textEvent(1.0, "model_config/text_summary", R"({"hidden_size": 8})") +
                         simpleScalarEvent(2.0, 1, "train/loss", 0.25f));
    RecordingSink sink;
    readTensorBoard(dir.filePath(QStringLiteral("runs")), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    const SourceRun &run = sink.runs.front();
    QCOMPARE(run.params, (QMap<QString, QString>{{"model_config.hidden_size", "8"}}));
    QCOMPARE(metricKeys(run), QStringList{QStringLiteral("train/loss")});
    QCOMPARE(sink.warnings.size(), size_t(1));
    QCOMPARE(sink.warnings.front().file, path);
    QVERIFY2(sink.warnings.front().message.contains(QLatin1String("'args/text_summary'")) &&
                 sink.warnings.front().message.contains(problem),
             qPrintable(sink.allWarnings()));
}

void TestTensorBoardReader::tensorScalars_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<SourceRun>("expected");
    QTest::addColumn<QString>("skipped"); // "what=count", or empty

    const auto tensor = [](int dtype) {
        Wire t;
        t.varint(1, quint64(dtype));
        return t;
    };
    const auto points = [](QString key, std::vector<MetricPoint> p) {
        SourceRun run;
        run.metrics.push_back({key, std::move(p)});
        return run;
    };
    const double inf = std::numeric_limits<double>::infinity();

    QTest::newRow("float_val") << tensorEvent(10.0, 3, "t", tensor(1).f32(5, 0.25f), "scalars")
                               << points("t", {{3, 10000, 0.25}}) << QString();
    QTest::newRow("double_val") << tensorEvent(10.25, 4, "t", tensor(2).f64(6, 0.1), "scalars")
                                << points("t", {{4, 10250, 0.1}}) << QString();
    {
        char b[8];
        qToLittleEndian(-inf, b);
        QTest::newRow("tensor_content double -inf")
            << tensorEvent(1.0, -5, "t", tensor(2).len(4, QByteArrayView(b, 8)), "scalars")
            << points("t", {{-5, 1000, -inf}}) << QString();
        qToLittleEndian(1.5f, b);
        QTest::newRow("tensor_content float")
            << tensorEvent(1.0, 1, "t", tensor(1).len(4, QByteArrayView(b, 4)), "scalars")
            << points("t", {{1, 1000, 1.5}}) << QString();
    }
    {
        Wire shape;
        Wire dim;
        dim.varint(1, 1);
        shape.msg(2, dim);
        QTest::newRow("shape [1]") << tensorEvent(1.0, 1, "t", tensor(1).msg(2, shape).f32(5, 2.0f),
                                                  "scalars")
                                   << points("t", {{1, 1000, 2.0}}) << QString();
        Wire shape3;
        Wire dim3;
        dim3.varint(1, 3);
        shape3.msg(2, dim3);
        QTest::newRow("shape [3] is not a scalar")
            << tensorEvent(1.0, 1, "t", tensor(1).msg(2, shape3).f32(5, 2.0f), "scalars") << SourceRun()
            << QStringLiteral("non-scalar tensors=1");
    }
    QTest::newRow("half 1.5") << tensorEvent(1.0, 1, "t", tensor(19).varint(13, 0x3e00), "scalars")
                              << points("t", {{1, 1000, 1.5}}) << QString();
    QTest::newRow("int64") << tensorEvent(1.0, 1, "t", tensor(9).varint(10, 42), "scalars")
                           << points("t", {{1, 1000, 42.0}}) << QString();
    QTest::newRow("string tensor is not a scalar")
        << tensorEvent(1.0, 1, "t", tensor(7).len(8, "x"), "scalars") << SourceRun()
        << QStringLiteral("non-scalar tensors=1");
    QTest::newRow("no plugin: a tensor")
        << tensorEvent(1.0, 1, "t", tensor(1).f32(5, 1.0f), "") << SourceRun() << QStringLiteral("tensors=1");
    QTest::newRow("other plugin counted under its name")
        << tensorEvent(1.0, 1, "t", tensor(1).f32(5, 1.0f), "pr_curves") << SourceRun()
        << QStringLiteral("pr_curves=1");
    // Writers attach metadata to a tag's first value only; the plugin is remembered for the rest.
    QTest::newRow("metadata on first value only")
        << tensorEvent(1.0, 1, "t", tensor(1).f32(5, 1.0f), "scalars") +
               tensorEvent(2.0, 2, "t", tensor(1).f32(5, 2.0f), "") +
               tensorEvent(3.0, 3, "u", tensor(1).f32(5, 3.0f), "")
        << points("t", {{1, 1000, 1.0}, {2, 2000, 2.0}}) << QStringLiteral("tensors=1");
    QTest::newRow("simple_value, steps kept in logging order")
        << fileVersionEvent(5.0) + simpleScalarEvent(1.0, 9, "s", 1.0f) +
               simpleScalarEvent(2.0, 3, "s", 2.0f) + simpleScalarEvent(3.0, 9, "s", 3.0f)
        << points("s", {{9, 1000, 1.0}, {3, 2000, 2.0}, {9, 3000, 3.0}}) << QString();
    QTest::newRow("untagged value") << simpleScalarEvent(1.0, 1, "", 1.0f) << SourceRun()
                                    << QStringLiteral("untagged values=1");
    {
        Wire v;
        v.len(1, "img").len(4, "png bytes");
        Wire h;
        h.len(1, "h").len(5, "histo");
        Wire a;
        a.len(1, "a").len(6, "wav");
        Wire summary;
        summary.msg(1, v).msg(1, h).msg(1, a);
        const QByteArray graph = frame(eventWire(1.0, 0).len(4, "graph").bytes);
        const QByteArray runMetadata = frame(eventWire(1.0, 0).len(8, "meta").bytes);
        QTest::newRow("images, histograms, audio, graphs, run metadata")
            << frame(eventWire(1.0, 0).msg(5, summary).bytes) + graph + runMetadata << SourceRun()
            << QStringLiteral("audio=1,graphs=1,histograms=1,images=1,run metadata=1");
    }
}

void TestTensorBoardReader::tensorScalars()
{
    QFETCH(QByteArray, file);
    QFETCH(SourceRun, expected);
    QFETCH(QString, skipped);
    RecordingSink sink;
    const SourceRun run = decodeBytes(file, &sink);
    compareMetrics(run, expected);
    QStringList skips;
    for (auto it = sink.skips.cbegin(); it != sink.skips.cend(); ++it)
        skips << it.key() + QLatin1Char('=') + QString::number(it.value());
    QCOMPARE(skips.join(QLatin1Char(',')), skipped);
    QVERIFY2(sink.warnings.empty(), qPrintable(sink.allWarnings()));
}

void TestTensorBoardReader::malformed_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<int>("record");
    QTest::addColumn<QString>("expect"); // prefix: records before `record`; drop: all but `record`; all; none
    QTest::addColumn<qint64>("corrupt"); // skipped("corrupt records")
    QTest::addColumn<bool>("warns");

    QTest::newRow("truncated mid-length") << "cut:4" << 50 << "prefix" << qint64(0) << false;
    QTest::newRow("truncated mid-length-crc") << "cut:10" << 50 << "prefix" << qint64(0) << false;
    QTest::newRow("truncated mid-data") << "cut:data/2" << 50 << "prefix" << qint64(0) << false;
    QTest::newRow("truncated mid-data-crc") << "cut:data+2" << 50 << "prefix" << qint64(0) << false;
    QTest::newRow("truncated at a record boundary") << "cut:0" << 50 << "prefix" << qint64(0) << false;
    QTest::newRow("truncated last record") << "cut:data/2" << -1 << "prefix" << qint64(0) << false;
    QTest::newRow("truncated inside first record") << "cut:data/2" << 0 << "none" << qint64(0) << true;
    QTest::newRow("flipped byte in length") << "flip:1" << 50 << "drop" << qint64(1) << true;
    QTest::newRow("flipped byte in length crc") << "flip:9" << 50 << "drop" << qint64(1) << true;
    QTest::newRow("flipped byte in data crc") << "flip:data+1" << 50 << "drop" << qint64(1) << true;
    QTest::newRow("flipped byte in payload") << "flip:data/2" << 50 << "drop" << qint64(1) << true;
    QTest::newRow("flipped byte in first record") << "flip:data/2" << 0 << "drop" << qint64(1) << true;
    QTest::newRow("flipped byte in last record") << "flip:data/2" << -1 << "drop" << qint64(1) << true;
    QTest::newRow("two damaged records") << "flip2:data/2" << 50 << "drop2" << qint64(2) << true;
    QTest::newRow("huge declared length, valid crc")
        << "length:1099511627776" << 50 << "drop" << qint64(1) << true;
    QTest::newRow("max u64 length, valid crc")
        << "length:18446744073709551615" << 50 << "drop" << qint64(1) << true;
    QTest::newRow("length past the end, valid crc") << "length:1000000" << 50 << "drop" << qint64(1) << true;
    QTest::newRow("0-length record") << "insert:empty" << 50 << "all" << qint64(0) << false;
    QTest::newRow("unparsable payload, valid crcs") << "insert:garbage" << 50 << "all" << qint64(1) << true;
    QTest::newRow("trailing garbage") << "append:garbage" << -1 << "all" << qint64(1) << true;
    QTest::newRow("garbage file") << "replace:garbage" << 0 << "none" << qint64(1) << true;
    QTest::newRow("empty file") << "replace:empty" << 0 << "none" << qint64(0) << true;
}

void TestTensorBoardReader::malformed()
{
    QFETCH(QString, damage);
    QFETCH(int, record);
    QFETCH(QString, expect);
    QFETCH(qint64, corrupt);
    QFETCH(bool, warns);

    const QByteArray original = readBytes(tbRoot() + QLatin1Char('/') + kRunAFile);
    const std::vector<RecordSpan> spans = recordSpans(original);
    QCOMPARE(spans.size(), size_t(910));
    if (record < 0)
        record = int(spans.size()) - 1;
    const RecordSpan span = spans[size_t(record)];
    const auto where = [&](const QString &spec) -> qint64 {
        if (spec == QLatin1String("data/2"))
            return span.offset + 12 + span.length / 2;
        if (spec.startsWith(QLatin1String("data+")))
            return span.offset + 12 + span.length + spec.mid(5).toLongLong();
        return span.offset + spec.toLongLong();
    };
    QRandomGenerator rng(1234);
    QByteArray garbage(4096, Qt::Uninitialized);
    for (char &c : garbage)
        c = char(rng.bounded(256));

    const QString kind = damage.section(QLatin1Char(':'), 0, 0);
    const QString arg = damage.section(QLatin1Char(':'), 1);
    QByteArray damaged = original;
    QString fileName = QStringLiteral("events.out.tfevents.1795376542.vm.4135.0");
    if (kind == QLatin1String("cut")) {
        damaged.truncate(where(arg));
    } else if (kind == QLatin1String("flip")) {
        damaged[where(arg)] = char(damaged[where(arg)] ^ 0x20);
    } else if (kind == QLatin1String("flip2")) {
        damaged[where(arg)] = char(damaged[where(arg)] ^ 0x20);
        const RecordSpan other = spans[size_t(record) + 10];
        damaged[other.offset + 12 + other.length / 2] ^= 0x20;
    } else if (kind == QLatin1String("length")) {
        const QByteArray forged = frame(QByteArrayView(), arg.toULongLong()).left(12);
        damaged.replace(span.offset, 12, forged);
    } else if (kind == QLatin1String("insert")) {
        damaged.insert(
            span.offset,
            frame(arg == QLatin1String("empty") ? QByteArray() : QByteArray("\x0a\xff\xff\xff\xff\x0f\x01")));
    } else if (kind == QLatin1String("append")) {
        damaged.append(garbage.left(100));
    } else if (kind == QLatin1String("replace")) {
        damaged = arg == QLatin1String("empty") ? QByteArray() : garbage;
        fileName = QStringLiteral("events.out.tfevents.x");
    }

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeBytes(dir.filePath(QStringLiteral("run_a/") + fileName), damaged);
    RecordingSink sink;
    readTensorBoard(dir.path(), sink);

    SourceRun expected;
    if (expect == QLatin1String("prefix"))
        expected = decodeBytes(original.left(span.offset));
    else if (expect == QLatin1String("drop"))
        expected = decodeBytes(without(original, {span}));
    else if (expect == QLatin1String("drop2"))
        expected = decodeBytes(without(original, {span, spans[size_t(record) + 10]}));
    else if (expect == QLatin1String("all"))
        expected = decodeBytes(original);

    if (expect == QLatin1String("none")) {
        QVERIFY(sink.runs.empty());
    } else {
        QCOMPARE(sink.runs.size(), size_t(1));
        compareMetrics(sink.runs[0], expected);
        QVERIFY(!expected.metrics.empty() || record == 0);
    }
    QCOMPARE(sink.skips.value(QStringLiteral("corrupt records")), corrupt);
    if (warns) {
        QVERIFY2(sink.warnedAbout(QLatin1Char('/') + fileName), qPrintable(sink.allWarnings()));
        QCOMPARE(sink.warnings.size(), size_t(1)); // once per file, with the count
        if (corrupt > 0)
            QVERIFY(sink.warnings[0].message.contains(QString::number(corrupt)));
    } else {
        QVERIFY2(sink.warnings.empty(), qPrintable(sink.allWarnings()));
    }
}

void TestTensorBoardReader::unreadableFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(copyTree(tbRoot() + QStringLiteral("/run_b"), dir.filePath(QStringLiteral("run_b"))));

    // An event file whose symlink target is gone: readable by nobody, root included.
    const QString dangling = dir.filePath(QStringLiteral("run_b/events.out.tfevents.1795376542.vm.4135.9"));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("gone")), dangling));
    {
        RecordingSink sink;
        readTensorBoard(dir.path(), sink);
        QCOMPARE(sink.runs.size(), size_t(1));
        compareMetrics(sink.runs[0], *m_tree.runNamed(QStringLiteral("run_b")));
        QCOMPARE(sink.runs[0].params, m_tree.runNamed(QStringLiteral("run_b"))->params);
        QCOMPARE(sink.warnings.size(), size_t(1));
        QVERIFY2(sink.warnedAbout(QStringLiteral(".4135.9")), qPrintable(sink.allWarnings()));
    }
    QVERIFY(QFile::remove(dangling));

    // A file without read permission.
    const QString locked =
        dir.filePath(QStringLiteral("run_b/events.out.tfevents.1795376542.vm.4135.3.hparams"));
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    QFile probe(locked);
    if (probe.open(QIODevice::ReadOnly))
        QSKIP("running with privileges that read a chmod 000 file (root)");
    RecordingSink sink;
    readTensorBoard(dir.path(), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    compareMetrics(sink.runs[0], *m_tree.runNamed(QStringLiteral("run_b")));
    QVERIFY(sink.runs[0].params.isEmpty()); // they were in the unreadable file
    QVERIFY2(sink.warnedAbout(QStringLiteral(".hparams")), qPrintable(sink.allWarnings()));
    QFile::setPermissions(locked, QFile::ReadOwner | QFile::WriteOwner);

    // A folder that cannot be listed: a warning, and the rest of the tree still comes through.
    const QString closed = dir.filePath(QStringLiteral("closed"));
    QVERIFY(copyTree(tbRoot() + QStringLiteral("/run_a"), closed));
    QVERIFY(QFile::setPermissions(closed, QFileDevice::Permissions()));
    RecordingSink tree;
    readTensorBoard(dir.path(), tree);
    QFile::setPermissions(closed, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QCOMPARE(tree.runNames(), QStringList({"run_b"}));
    QVERIFY2(tree.warnedAbout(QStringLiteral("/closed")), qPrintable(tree.allWarnings()));
}

void TestTensorBoardReader::symlinkLoops()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.filePath(QStringLiteral("logs"));
    QVERIFY(copyTree(tbRoot(), root));
    QVERIFY(QFile::link(QStringLiteral(".."), root + QStringLiteral("/run_a/up")));  // loops to the root
    QVERIFY(QFile::link(QStringLiteral("."), root + QStringLiteral("/run_b/self"))); // loops to itself
    QVERIFY(QFile::link(root + QStringLiteral("/run_b"), root + QStringLiteral("/alias"))); // sorts first
    QVERIFY(QFile::link(QStringLiteral("knot"), root + QStringLiteral("/knot")));           // ELOOP
    RecordingSink sink;
    readTensorBoard(root, sink);
    QCOMPARE(sink.runNames(), m_tree.runNames()); // each real folder once, under its real path
    for (const SourceRun &r : sink.runs)
        compareMetrics(r, *m_tree.runNamed(r.name));
    QVERIFY(runlens::import::looksLikeTensorBoard(root));
    // A link to a run outside the tree is followed.
    QTemporaryDir other;
    QVERIFY(QFile::link(root + QStringLiteral("/run_b"), other.filePath(QStringLiteral("linked"))));
    RecordingSink linked;
    readTensorBoard(other.path(), linked);
    QCOMPARE(linked.runNames(), QStringList({"linked"}));
}

void TestTensorBoardReader::randomDamageNeverCrashes()
{
    const QByteArray original = readBytes(tbRoot() + QLatin1Char('/') + kRunAFile);
    const SourceRun full = decodeBytes(original);
    size_t fullPoints = 0;
    for (const SourceMetric &m : full.metrics)
        fullPoints += m.points.size();
    QRandomGenerator rng(99);
    for (int round = 0; round < 300; ++round) {
        QByteArray bytes = original;
        const int edits = 1 + int(rng.bounded(8));
        for (int e = 0; e < edits; ++e) {
            const qsizetype at = qsizetype(rng.bounded(quint32(bytes.size())));
            switch (rng.bounded(4)) {
            case 0:
                bytes[at] = char(rng.bounded(256));
                break;
            case 1:
                bytes.remove(at, qsizetype(rng.bounded(64)));
                break;
            case 2:
                bytes.insert(at, QByteArray(int(rng.bounded(64)), char(rng.bounded(256))));
                break;
            default:
                bytes.truncate(at);
                break;
            }
            if (bytes.isEmpty())
                break;
        }
        RecordingSink sink;
        const SourceRun run = decodeBytes(bytes, &sink);
        size_t points = 0;
        for (const SourceMetric &m : run.metrics)
            points += m.points.size();
        QVERIFY(points <= fullPoints);
    }
}

void TestTensorBoardReader::forgedHeadersCostLinearWork_data()
{
    // A crafted file of headers with valid length CRCs, each claiming a large part of the file, made the
    // reader checksum the claim again from every offset: 1 MB took 10 s, 20 MB about an hour.
    QTest::addColumn<QString>("shape");
    QTest::addColumn<qint64>("size");
    QTest::newRow("headers claiming half, 2 MB") << "headers" << qint64(2'000'000);
    QTest::newRow("headers claiming half, 20 MB") << "headers" << qint64(20'000'000);
    // Each forged header followed by an intact empty record (valid data CRC), which ends the damaged stretch
    // and starts the next one with a fresh check.
    QTest::newRow("interleaved with intact records, 2 MB") << "interleaved" << qint64(2'000'000);
    QTest::newRow("interleaved with intact records, 20 MB") << "interleaved" << qint64(20'000'000);
    // Real records for 60% of the file, then forged headers each claiming 30% of it: the records are read.
    QTest::newRow("real records then forged headers, 2 MB") << "after-real" << qint64(2'000'000);
    QTest::newRow("real records then forged headers, 20 MB") << "after-real" << qint64(20'000'000);
}

void TestTensorBoardReader::forgedHeadersCostLinearWork()
{
    QFETCH(QString, shape);
    QFETCH(qint64, size);

    const QByteArray original = readBytes(tbRoot() + QLatin1Char('/') + kRunAFile);
    QByteArray bytes;
    QByteArray intact; // the records expected back
    if (shape == QLatin1String("headers")) {
        const QByteArray header = forgedHeader(quint64(size / 2));
        while (bytes.size() + header.size() <= size)
            bytes += header;
    } else if (shape == QLatin1String("interleaved")) {
        const QByteArray unit = forgedHeader(quint64(size / 2)) + frame(QByteArray());
        while (bytes.size() + unit.size() <= size)
            bytes += unit;
    } else {
        intact = repeatedRecords(original, size * 6 / 10);
        bytes = intact;
        const QByteArray header = forgedHeader(quint64(size * 3 / 10));
        while (bytes.size() + header.size() <= size)
            bytes += header;
    }

    RecordingSink sink;
    SourceRun run;
    EventReadStats stats;
    readTensorBoardEvents(bytes, QStringLiteral("forged"), run, sink, &stats);
    qInfo("%s: %lld bytes, %lld checksummed (bound %lld), %lld damaged, %lld headers unchecked",
          qPrintable(shape), qint64(bytes.size()), stats.bytesChecksummed, checksumBound(bytes.size()),
          stats.damagedBytes, stats.uncheckedHeaders);
    // Before, the 2 MB files cost 10^10 to 10^11 bytes checksummed; the bound is 11 per byte plus 1 MiB.
    QVERIFY2(stats.bytesChecksummed <= checksumBound(bytes.size()),
             qPrintable(QStringLiteral("%1 bytes checksummed for %2 bytes of input")
                            .arg(stats.bytesChecksummed)
                            .arg(bytes.size())));
    QVERIFY2(stats.uncheckedHeaders > 0, "the allowance for failed checks was never drawn on");
    // Read to the end (less a last part too short for a header): headers claiming records are no garbage,
    // so the reader does not give up on them, it only stops checking what they claim.
    QVERIFY(!stats.gaveUp);
    QVERIFY2(stats.bytesConsumed > bytes.size() - 12, qPrintable(QString::number(stats.bytesConsumed)));
    QCOMPARE(sink.warnings.size(), size_t(1));
    QVERIFY2(!sink.warnings[0].message.contains(QLatin1String("gave up")), qPrintable(sink.allWarnings()));
    compareMetrics(run, decodeBytes(intact));
}

void TestTensorBoardReader::damagedStretchInRealFileIsReadPast_data()
{
    QTest::addColumn<QString>("damage"); // zeros or random
    QTest::addColumn<int>("copies");     // of the fixture, one after the other
    QTest::addColumn<QString>("where");  // records:A-B, payload:A-B (from inside A's data), bytes:A-B
    QTest::newRow("records zeroed in the middle") << "zeros" << 1 << "records:300-400";
    QTest::newRow("random bytes in the middle") << "random" << 1 << "records:300-400";
    // A record whose length still checks out but whose data is damaged, then more damage.
    QTest::newRow("damaged payload, then zeros") << "zeros" << 1 << "payload:300-310";
    // 1.5 MiB of random bytes after 2 MiB of intact records: more than 1 MiB of damage, less than the
    // intact records before it.
    QTest::newRow("1.5 MiB of garbage after 2 MiB") << "random" << 100 << "bytes:2097152-3670016";
}

void TestTensorBoardReader::damagedStretchInRealFileIsReadPast()
{
    QFETCH(QString, damage);
    QFETCH(int, copies);
    QFETCH(QString, where);

    const QByteArray original = readBytes(tbRoot() + QLatin1Char('/') + kRunAFile).repeated(copies);
    const std::vector<RecordSpan> spans = recordSpans(original);
    QCOMPARE(spans.size(), size_t(910 * copies));
    const QString kind = where.section(QLatin1Char(':'), 0, 0);
    qint64 from = where.section(QLatin1Char(':'), 1).section(QLatin1Char('-'), 0, 0).toLongLong();
    qint64 to = where.section(QLatin1Char(':'), 1).section(QLatin1Char('-'), 1).toLongLong();
    if (kind != QLatin1String("bytes")) {
        from = spans[size_t(from)].offset + (kind == QLatin1String("payload") ? 14 : 0);
        to = spans[size_t(to)].offset;
    }
    QByteArray damaged = original;
    QRandomGenerator rng(4321);
    for (qint64 at = from; at < to; ++at)
        damaged[at] = damage == QLatin1String("zeros") ? '\0' : char(rng.bounded(256));
    std::vector<RecordSpan> lost;
    for (const RecordSpan &r : spans)
        if (r.offset < to && r.offset + r.size() > from)
            lost.push_back(r);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("run/events.out.tfevents.1795376542.vm.4135.0"));
    writeBytes(file, damaged);
    RecordingSink sink;
    readTensorBoard(dir.path(), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
    compareMetrics(sink.runs[0], decodeBytes(without(original, lost)));
    QCOMPARE(sink.skips.value(QStringLiteral("corrupt records")), 1); // one damaged stretch
    QCOMPARE(sink.warnings.size(), size_t(1));
    QVERIFY2(!sink.warnings[0].message.contains(QLatin1String("gave up")), qPrintable(sink.allWarnings()));

    EventReadStats stats;
    RecordingSink again;
    SourceRun run;
    readTensorBoardEvents(damaged, QStringLiteral("damaged"), run, again, &stats);
    QVERIFY(stats.bytesChecksummed <= checksumBound(damaged.size()));
    QCOMPARE(stats.uncheckedHeaders, 0);
}

void TestTensorBoardReader::givesUpOnGarbageWithOffset()
{
    // 2 MiB of random bytes before the fixture's records: not an event file as far as the reader can tell
    // after 1 MiB, so it stops there and the report names the file and the offset.
    QRandomGenerator rng(55);
    QByteArray garbage(2 << 20, Qt::Uninitialized);
    for (char &c : garbage)
        c = char(rng.bounded(256));
    const QByteArray original = readBytes(tbRoot() + QLatin1Char('/') + kRunAFile);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("run/events.out.tfevents.1795376542.vm.4135.0"));
    writeBytes(file, garbage + original);
    RecordingSink sink;
    readTensorBoard(dir.path(), sink);
    QVERIFY(sink.runs.empty());
    QCOMPARE(sink.warnings.size(), size_t(1));
    QCOMPARE(sink.warnings[0].file, file);
    const QString message = sink.warnings[0].message;
    static const QRegularExpression gaveUp(QStringLiteral(
        "gave up at byte (\\d+), in damage from byte 0 on: .* the last (\\d+) bytes were not read"));
    const QRegularExpressionMatch m = gaveUp.match(message);
    QVERIFY2(m.hasMatch(), qPrintable(message));
    const qint64 at = m.captured(1).toLongLong();
    QVERIFY2(at > (1 << 20) && at < (1 << 20) + 16, qPrintable(message));
    QCOMPARE(m.captured(2).toLongLong(), garbage.size() + original.size() - at);
    QCOMPARE(sink.skips.value(QStringLiteral("corrupt records")), 1);
}

void TestTensorBoardReader::damagedLargeRecordIsSlidPast()
{
    // A 3 MiB record (the size of a model graph) near the start whose data took a bit flip: sliding over it
    // is more than 1 MiB of damage before little intact data, but its header claims those bytes, so they
    // are no garbage and the records after it are read.
    const QByteArray original = readBytes(tbRoot() + QLatin1Char('/') + kRunAFile);
    QByteArray big = frame(QByteArray(3 << 20, 'g'));
    big[1 << 20] = 'x';
    const qint64 first = recordSpans(original).front().size();
    const QByteArray bytes = original.left(first) + big + original.mid(first);
    RecordingSink sink;
    SourceRun run;
    EventReadStats stats;
    readTensorBoardEvents(bytes, QStringLiteral("graph"), run, sink, &stats);
    QVERIFY(!stats.gaveUp);
    compareMetrics(run, decodeBytes(original));
    QCOMPARE(sink.skips.value(QStringLiteral("corrupt records")), 1);
    QVERIFY(stats.bytesChecksummed <= checksumBound(bytes.size()));
}

void TestTensorBoardReader::looksLikeTensorBoard_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("expected");
    QTest::newRow("log root") << tbRoot() << true;
    QTest::newRow("event file") << tbRoot() + QLatin1Char('/') + kRunAFile << true;
    QTest::newRow("nested lightning logs")
        << QStringLiteral(RUNLENS_FIXTURES "/public/packt-dl-at-scale") << true;
    QTest::newRow("json file") << QStringLiteral(RUNLENS_FIXTURES "/tensorboard/ground_truth.json") << false;
    QTest::newRow("catboost folder") << catboostRoot() << true;
    QTest::newRow("catboost event file, no suffix")
        << catboostRoot() + QStringLiteral("/learn/events.out.tfevents") << true;
    QTest::newRow("mlflow store") << QStringLiteral(RUNLENS_FIXTURES "/mlflow-file") << false;
    QTest::newRow("missing") << QStringLiteral("/nonexistent/for/sure") << false;
}

void TestTensorBoardReader::looksLikeTensorBoard()
{
    QFETCH(QString, path);
    QFETCH(bool, expected);
    QCOMPARE(runlens::import::looksLikeTensorBoard(path), expected);
}

void TestTensorBoardReader::unreadablePathsThrow()
{
    RecordingSink sink;
    QVERIFY_THROWS_EXCEPTION(Error, readTensorBoard(QStringLiteral("/nonexistent/for/sure"), sink));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeBytes(dir.filePath(QStringLiteral("run/hparams.yaml")), "lr: 1\n");
    try {
        readTensorBoard(dir.path(), sink);
        QFAIL("a folder without event files was accepted");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("events.out.tfevents")), qPrintable(e.message()));
    }
    QVERIFY(sink.runs.empty());
    QVERIFY(sink.warnings.empty());
}

void TestTensorBoardReader::stopsWhenSinkSaysSo()
{
    RecordingSink sink;
    sink.stopAfterRuns = 1;
    readTensorBoard(tbRoot(), sink);
    QCOMPARE(sink.runs.size(), size_t(1));
}

void TestTensorBoardReader::throughput_data()
{
    QTest::addColumn<bool>("tensorStyle");
    QTest::newRow("simple_value (torch, Lightning)") << false;
    QTest::newRow("tensor scalars with metadata (TF2)") << true;
}

void TestTensorBoardReader::throughput()
{
    // ~2M scalars in the shape real writers produce: one event per value, four tags. A figure, not a bar:
    // speed targets live in benchmarks.
    QFETCH(bool, tensorStyle);
    const qint64 scalars = qEnvironmentVariableIntValue("RUNLENS_TB_SCALARS") > 0
                               ? qEnvironmentVariableIntValue("RUNLENS_TB_SCALARS")
                               : 2'000'000;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("bench/events.out.tfevents.1700000000.host.1.0"));
    QDir().mkpath(QFileInfo(path).absolutePath());
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray chunk = fileVersionEvent(1.7e9);
        const QByteArray tags[] = {"loss", "accuracy", "learning_rate", "grad/norm"};
        for (qint64 i = 0; i < scalars; ++i) {
            const double wall = 1.7e9 + double(i) * 0.001;
            const float value = float(i % 1000) * 0.5f;
            if (tensorStyle) {
                Wire tensor;
                tensor.varint(1, 1).f32(5, value);
                chunk += tensorEvent(wall, i / 4, tags[i % 4], tensor, "scalars");
            } else {
                chunk += simpleScalarEvent(wall, i / 4, tags[i % 4], value);
            }
            if (chunk.size() > (1 << 20)) {
                QCOMPARE(f.write(chunk), chunk.size());
                chunk.clear();
            }
        }
        QCOMPARE(f.write(chunk), chunk.size());
    }
    RecordingSink sink;
    QElapsedTimer timer;
    timer.start();
    readTensorBoard(dir.path(), sink);
    const qint64 ns = timer.nsecsElapsed();
    QCOMPARE(sink.runs.size(), size_t(1));
    qint64 points = 0;
    for (const SourceMetric &m : sink.runs[0].metrics)
        points += qint64(m.points.size());
    QCOMPARE(points, scalars);
    const SourceMetric *norm = metricOf(sink.runs[0], QStringLiteral("grad/norm"));
    QVERIFY(norm);
    const MetricPoint last = norm->points.back();
    const qint64 i = (scalars - 1) / 4 * 4 + 3;
    QCOMPARE(last.step, i / 4);
    QCOMPARE(last.timestamp, std::llround((1.7e9 + double(i) * 0.001) * 1000.0));
    QCOMPARE(last.value, double(float(i % 1000) * 0.5f));
    qInfo("read %lld scalars (%lld MB) in %.0f ms: %.2f M scalars/s", scalars,
          QFileInfo(path).size() / 1000000, double(ns) / 1e6, double(scalars) / (double(ns) / 1e9) / 1e6);
}

QTEST_GUILESS_MAIN(TestTensorBoardReader)
#include "tst_tensorboardreader.moc"
