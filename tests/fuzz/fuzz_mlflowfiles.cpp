// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the MLflow file-store reader: the first byte picks which file of a small store the
// rest of the input replaces (a metric file, a run's, an experiment's, a model's or a version's meta.yaml, an
// alias, a param, a dataset), then the whole store is read with a sink that keeps nothing.

#include "core/error.h"
#include "discardingsink.h"
#include "import/mlflowfilereader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace runlens;
using namespace runlens::import;

namespace {

const char *const RunId = "0123456789abcdef0123456789abcdef";

void put(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(bytes);
}

void writeBaseline(const QString &root)
{
    const QString run = root + QStringLiteral("/1/") + QLatin1String(RunId);
    put(root + QStringLiteral("/1/meta.yaml"), "experiment_id: '1'\nname: fuzz\nlifecycle_stage: active\n");
    put(run + QStringLiteral("/meta.yaml"),
        QByteArray("run_id: ") + RunId +
            "\nstatus: 3\nstart_time: 1\nend_time: 2\nartifact_uri: file:///x/1/" + RunId +
            "/artifacts\nlifecycle_stage: active\n");
    put(run + QStringLiteral("/metrics/loss"), "1 0.5 0\n2 nan 1\n");
    put(run + QStringLiteral("/params/lr"), "0.1");
    put(run + QStringLiteral("/artifacts/a.txt"), "a");
    put(run + QStringLiteral("/inputs/i1/meta.yaml"), "source_id: d1\nsource_type: DATASET\n");
    put(root + QStringLiteral("/1/datasets/d1/meta.yaml"), "name: toy\ndigest: x\n");
    put(root + QStringLiteral("/models/m/meta.yaml"), "name: m\n");
    put(root + QStringLiteral("/models/m/version-1/meta.yaml"), "version: 1\ncurrent_stage: Staging\n");
    put(root + QStringLiteral("/models/m/aliases/champion"), "1");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static QTemporaryDir dir;
    if (size == 0)
        return 0;
    const QString root = dir.path() + QStringLiteral("/mlruns");
    QDir(root).removeRecursively();
    writeBaseline(root);
    const QString run = root + QStringLiteral("/1/") + QLatin1String(RunId);
    static const QString targets[] = {
        run + QStringLiteral("/metrics/loss"),
        run + QStringLiteral("/meta.yaml"),
        root + QStringLiteral("/1/meta.yaml"),
        root + QStringLiteral("/models/m/meta.yaml"),
        root + QStringLiteral("/models/m/version-1/meta.yaml"),
        root + QStringLiteral("/models/m/aliases/champion"),
        run + QStringLiteral("/params/lr"),
        root + QStringLiteral("/1/datasets/d1/meta.yaml"),
        run + QStringLiteral("/metrics/sub/deep"),
    };
    const QString target = targets[data[0] % (sizeof targets / sizeof targets[0])];
    put(target, QByteArray(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1)));
    DiscardingSink sink;
    try {
        readMlflowFiles(root, sink);
    } catch (const Error &) {
    }
    return 0;
}
