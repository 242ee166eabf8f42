// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the MLflow database reader: the input is written as an mlflow.db file and read with a
// sink that keeps nothing. Seeded with the real (2019 and current) MLflow databases of the fixtures, so that
// mutations reach the schema detection and row decoding, not only SQLite's header checks.

#include "error.h"
#include "mlflowdbreader.h"

#include <QFile>
#include <QTemporaryDir>

using namespace runlens;
using namespace runlens::import;

namespace {

class DiscardingSink : public ImportSink
{
public:
    bool experiment(const SourceExperiment &) override { return true; }
    bool run(SourceRun &&r) override
    {
        for (const SourceArtifact &a : r.artifacts) {
            if (a.path.startsWith(QLatin1Char('/')) || a.path.contains(QLatin1String("..")))
                __builtin_trap(); // an artifact path escaping the run is a bug
        }
        return true;
    }
    bool model(const SourceModel &) override { return true; }
    void warning(const Diagnostic &) override {}
    void skipped(const QString &, qint64) override {}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("mlflow.db"));
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        f.write(reinterpret_cast<const char *>(data), qsizetype(size));
    }
    DiscardingSink sink;
    try {
        readMlflowDatabase(path, sink);
    } catch (const Error &) {
    }
    return 0;
}
