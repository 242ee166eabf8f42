// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the Kubeflow Pipelines metrics reader (kubeflowreader.h): the first byte picks the
// kind of file (v1 mlpipeline-metrics.json, v2 executor_output.json, a metrics artifact), the rest is the
// file. Built by tests/fuzz/CMakeLists.txt; seeds are the fixture's files.

#include "discardingsink.h"
#include "import/kubeflowreader.h"

#include <cstdint>
#include <cstring>

using namespace runlens::import;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    static constexpr KubeflowFile Kinds[] = {KubeflowFile::V1Metrics, KubeflowFile::ExecutorOutput,
                                             KubeflowFile::MetricsArtifact};
    const KubeflowFile kind = Kinds[data[0] % 3];
    // Not copied: reading past the end of the fuzzer's buffer is then caught by AddressSanitizer.
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    DiscardingSink sink;
    SourceRun run;
    const int added = parseKubeflowFile(bytes, kind, QStringLiteral("fuzz"), 1700000000000, run, sink);
    // Every metric the reader says it added is there, each with its one point, read so the sanitizers see it.
    std::uint64_t checksum = 0;
    for (const SourceMetric &m : run.metrics)
        for (const runlens::MetricPoint &p : m.points) {
            std::uint64_t bits;
            std::memcpy(&bits, &p.value, sizeof bits);
            checksum += bits;
        }
    if (added < 0 || std::size_t(added) > run.metrics.size())
        __builtin_trap();
    return int(checksum & 0);
}
