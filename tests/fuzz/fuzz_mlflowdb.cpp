// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the MLflow database reader: the input is written as an mlflow.db file and read with a
// sink that keeps nothing. Seeded with the real (2019 and current) MLflow databases of the fixtures, so that
// mutations reach the schema detection and row decoding, not only SQLite's header checks.

#include "core/error.h"
#include "discardingsink.h"
#include "import/mlflowdbreader.h"

#include <QFile>
#include <QTemporaryDir>

using namespace runlens;
using namespace runlens::import;

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
