// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the TensorBoard reader. The first input byte picks what the rest is:
//   0: the bytes of one event file, as they are (exercises framing, CRC checks and resynchronisation, and
//      checks that the bytes checksummed stay within the linear bound the reader promises);
//   1: record payloads, each prefixed by a 16-bit little-endian length, which the harness frames with valid
//      CRCs, so that mutations reach the Event, Summary, tensor and hparams decoding behind the checksums;
//   2: an hparams.yaml, read with readTensorBoard next to a one-record event file (YAML flattening).
// Build and run: see the commands in the TensorBoard reader's report (clang++-14 -fsanitize=fuzzer,address).

#include "import/tensorboardreader.h"

#include <cstdint>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

namespace {

using namespace runlens::import;

class DiscardingSink : public ImportSink
{
public:
    bool experiment(const SourceExperiment &) override { return true; }
    bool run(SourceRun &&) override { return true; }
    bool model(const SourceModel &) override { return true; }
    void warning(const Diagnostic &) override {}
    void skipped(const QString &, qint64) override {}
};

void appendRecord(QByteArray &out, QByteArrayView payload)
{
    char header[12];
    qToLittleEndian<quint64>(quint64(payload.size()), header);
    qToLittleEndian<quint32>(maskCrc32c(crc32c(QByteArrayView(header, 8))), header + 8);
    out.append(header, 12);
    out.append(payload.data(), payload.size());
    char footer[4];
    qToLittleEndian<quint32>(maskCrc32c(crc32c(payload)), footer);
    out.append(footer, 4);
}

QByteArray framedRecords(QByteArrayView input)
{
    QByteArray out;
    qsizetype at = 0;
    while (at + 2 <= input.size()) {
        const qsizetype length =
            std::min<qsizetype>(qFromLittleEndian<quint16>(input.data() + at), input.size() - at - 2);
        appendRecord(out, input.sliced(at + 2, length));
        at += 2 + length;
    }
    return out;
}

void readYaml(QByteArrayView yaml)
{
    static QTemporaryDir dir; // one folder for the whole session; the files are rewritten every time
    const QString run = dir.path() + QStringLiteral("/run");
    static const bool prepared = [&] {
        QDir().mkpath(run);
        QByteArray event;
        // Event{wall_time: 1.0, file_version: "brain.Event:2"}
        appendRecord(event, QByteArrayView("\x09\x00\x00\x00\x00\x00\x00\xf0\x3f\x1a\x0d"
                                           "brain.Event:2",
                                           24));
        QFile f(run + QStringLiteral("/events.out.tfevents.1"));
        return f.open(QIODevice::WriteOnly) && f.write(event) == event.size();
    }();
    if (!prepared)
        abort();
    QFile f(run + QStringLiteral("/hparams.yaml"));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        f.write(yaml.data(), yaml.size()) != yaml.size())
        abort();
    f.close();
    DiscardingSink sink;
    readTensorBoard(dir.path(), sink);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView rest(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    DiscardingSink sink;
    SourceRun run;
    EventReadStats stats;
    QByteArray events;
    switch (data[0] % 3) {
    case 0:
        events = QByteArray::fromRawData(rest.data(), rest.size());
        readTensorBoardEvents(events, QStringLiteral("fuzz"), run, sink, &stats);
        break;
    case 1:
        events = framedRecords(rest);
        readTensorBoardEvents(events, QStringLiteral("fuzz"), run, sink, &stats);
        break;
    default:
        readYaml(rest);
        return 0;
    }
    // The reader promises work in proportion to its input, whatever the bytes (see EventReadStats).
    if (stats.bytesChecksummed > 11 * qint64(events.size()) + (qint64(1) << 20))
        abort();
    return 0;
}
