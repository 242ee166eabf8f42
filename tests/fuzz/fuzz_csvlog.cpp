// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the CSV/TSV, JSON-lines and YAML-params readers (csvlogreader.h). The first byte picks
// the reader and its settings, the rest is the file. Built outside CMake, from the repository root:
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fPIC $(pkg-config --cflags Qt6Core)
//     -Imodels tests/fuzz/fuzz_csvlog.cpp models/import/csvlogreader.cpp models/core/jsonformat.cpp
//     $(pkg-config --libs Qt6Core) -lyaml-cpp -o fuzz_csvlog
//   ./fuzz_csvlog -max_total_time=60 -max_len=8192 corpus/

#include "import/csvlogreader.h"

#include <cstdint>
#include <cstring>

namespace {

using namespace runlens::import;

// Reads every point so that the sanitizers see each value the reader produced.
class CheckingSink : public ImportSink
{
public:
    bool experiment(const SourceExperiment &) override { return true; }
    bool run(SourceRun &&run) override
    {
        for (const SourceMetric &m : run.metrics)
            for (const runlens::MetricPoint &p : m.points) {
                std::uint64_t bits;
                std::memcpy(&bits, &p.value, sizeof bits);
                checksum += bits + std::uint64_t(p.step) + std::uint64_t(p.timestamp);
            }
        for (auto it = run.params.cbegin(); it != run.params.cend(); ++it)
            checksum += std::uint64_t(it.key().size() + it.value().size());
        return true;
    }
    bool model(const SourceModel &) override { return true; }
    void warning(const Diagnostic &d) override { checksum += std::uint64_t(d.message.size()); }
    void skipped(const QString &, qint64) override {}

    std::uint64_t checksum = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::uint8_t mode = data[0];
    // Not copied: reading past the end of the fuzzer's buffer is then caught by AddressSanitizer.
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    CheckingSink sink;
    LogFileInfo info;
    info.file = QStringLiteral("fuzz");
    info.sourceKey = QStringLiteral("fuzz");
    info.runName = QStringLiteral("fuzz");
    info.fallbackMs = 1700000000000;
    switch (mode % 6) {
    case 0: // separator and flavor guessed from the header
        parseCsvBuffer(bytes, info, sink);
        break;
    case 1:
        info.separator = '\t';
        parseCsvBuffer(bytes, info, sink);
        break;
    case 2:
        info.separator = ',';
        info.flavor = CsvFlavor::Lightning;
        parseCsvBuffer(bytes, info, sink);
        break;
    case 3:
        info.flavor = CsvFlavor::Talos;
        parseCsvBuffer(bytes, info, sink);
        break;
    case 4:
        parseJsonLinesBuffer(bytes, info, sink);
        break;
    case 5: {
        QMap<QString, QString> params;
        readYamlParams(bytes, info.file, params, sink);
        break;
    }
    }
    return 0;
}
