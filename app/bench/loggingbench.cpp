// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/loggingbench.h"

#include "bench/benchmark.h"
#include "store/store.h"

#include <algorithm>
#include <memory>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

namespace runlens {

namespace {

constexpr int Writers = 4;
constexpr int TimeoutMs = 600'000;
constexpr double MlflowLogBatchUs = 135.0; // MLflow 2.17, log_batch into its SQLite store: 7,406 points/s

// One writer: logs `n` points of "loss" (exactly representable values, distinct per writer) through the
// public API and prints its run id and times as JSON. The clock starts before start_run and stops after
// end_run, so opening the database and the last flush are inside it.
const char *const WriterScript = R"PY(
import json, sys, time
import runlens
db, n, writer = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runlens.set_database(db)
wall = time.time()
t0 = time.perf_counter()
run = runlens.start_run(experiment="bench-logging", name="writer-%d" % writer, system_metrics=False)
log = runlens.log_metric
offset = writer * 1e7 + 0.5
t1 = time.perf_counter()
c1 = time.process_time()
for i in range(n):
    log("loss", offset + i, step=i)
runlens.end_run()
t2 = time.perf_counter()
c2 = time.process_time()
print(json.dumps({"run_id": run.info.run_id, "start": wall, "end": wall + (t2 - t0),
                  "calls_seconds": t2 - t1, "calls_cpu_seconds": c2 - c1}))
)PY";

const char *const ProbeScript = R"PY(
import sys
if sys.version_info < (3, 9):
    sys.exit("Python %d.%d is older than 3.9" % sys.version_info[:2])
import runlens
for name in ("set_database", "start_run", "log_metric", "end_run"):
    getattr(runlens, name)
print(runlens.__file__)
)PY";

double valueOf(int writer, qint64 step)
{
    return double(writer) * 1e7 + 0.5 + double(step);
}

struct Python
{
    QString executable;
    QProcessEnvironment environment;
};

// The interpreter and a client it imports, or why there is none.
std::optional<Python> findPython(QString *why)
{
    Python py;
    const QString chosen = qEnvironmentVariable("RUNLENS_PYTHON");
    if (!chosen.isEmpty()) {
        py.executable = chosen;
        if (!QFileInfo(chosen).isExecutable()) {
            *why = QStringLiteral("RUNLENS_PYTHON names %1, which is not an executable").arg(chosen);
            return std::nullopt;
        }
    } else {
        py.executable = QFileInfo(QStringLiteral("/usr/bin/python3")).isExecutable()
                            ? QStringLiteral("/usr/bin/python3")
                            : QStandardPaths::findExecutable(QStringLiteral("python3"));
    }
    if (py.executable.isEmpty()) {
        *why = QStringLiteral("no python3 (looked for /usr/bin/python3 and on PATH)");
        return std::nullopt;
    }
    py.environment = QProcessEnvironment::systemEnvironment();
    const QString source = QStringLiteral(RUNLENS_PYTHON_SOURCE);
    if (QFileInfo::exists(source + QStringLiteral("/runlens/__init__.py"))) {
        const QString path = py.environment.value(QStringLiteral("PYTHONPATH"));
        py.environment.insert(QStringLiteral("PYTHONPATH"),
                              path.isEmpty() ? source : source + QDir::listSeparator() + path);
    }
    py.environment.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
    QProcess probe;
    probe.setProcessEnvironment(py.environment);
    probe.start(py.executable, {QStringLiteral("-c"), QString::fromUtf8(ProbeScript)});
    if (!probe.waitForFinished(60'000) || probe.exitStatus() != QProcess::NormalExit ||
        probe.exitCode() != 0) {
        const QStringList lines =
            QString::fromUtf8(probe.readAllStandardError()).trimmed().split(QLatin1Char('\n'));
        *why = QStringLiteral("%1 cannot use the runlens client: %2")
                   .arg(py.executable, lines.last().isEmpty() ? probe.errorString() : lines.last());
        return std::nullopt;
    }
    return py;
}

struct WriterResult
{
    bool ok = false;
    QString runId;
    double start = 0, end = 0, callsSeconds = 0;
    double callsCpuSeconds = 0; // the process's CPU time over the calls: the flush thread's work included
    QString error;
};

std::unique_ptr<QProcess> startWriter(const Python &py, const QString &db, qint64 points, int writer)
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(py.environment);
    p->start(py.executable, {QStringLiteral("-c"), QString::fromUtf8(WriterScript), db,
                             QString::number(points), QString::number(writer)});
    return p;
}

// Waits for the writer and checks that its run holds exactly the points it logged.
WriterResult finishWriter(QProcess &p, const QString &db, qint64 points, int writer, int timeoutMs)
{
    WriterResult r;
    if (!p.waitForFinished(std::max(0, timeoutMs)) || p.exitStatus() != QProcess::NormalExit ||
        p.exitCode() != 0) {
        const QStringList lines =
            QString::fromUtf8(p.readAllStandardError()).trimmed().split(QLatin1Char('\n'));
        r.error = lines.last().isEmpty() ? QStringLiteral("did not finish") : lines.last();
        p.kill();
        p.waitForFinished(5000);
        return r;
    }
    const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    r.runId = o.value(QStringLiteral("run_id")).toString();
    r.start = o.value(QStringLiteral("start")).toDouble();
    r.end = o.value(QStringLiteral("end")).toDouble();
    r.callsSeconds = o.value(QStringLiteral("calls_seconds")).toDouble();
    r.callsCpuSeconds = o.value(QStringLiteral("calls_cpu_seconds")).toDouble();
    Store store(db, Store::Mode::ReadOnly);
    const std::vector<MetricPoint> stored = store.series().metricHistory(r.runId, QStringLiteral("loss"));
    if (qint64(stored.size()) != points) {
        r.error =
            QStringLiteral("run %1 holds %2 points, not %3").arg(r.runId).arg(stored.size()).arg(points);
        return r;
    }
    for (qint64 i = 0; i < points; ++i) {
        const MetricPoint &pt = stored[size_t(i)];
        if (pt.step != i || pt.value != valueOf(writer, i)) {
            r.error = QStringLiteral("run %1: point %2 is step %3 value %4")
                          .arg(r.runId)
                          .arg(i)
                          .arg(pt.step)
                          .arg(pt.value, 0, 'g', 17);
            return r;
        }
    }
    r.ok = true;
    return r;
}

} // namespace

QList<BenchmarkFigure> measureLogging(const QString &dir, bool quick,
                                      const std::function<void(const QString &)> &progress, QString *skipped)
{
    QList<BenchmarkFigure> figures;
    const std::optional<Python> py = findPython(skipped);
    if (!py)
        return figures;
    const auto figure = [&](const QString &key, double value, const QString &unit, const QString &target = {},
                            std::optional<bool> meets = std::nullopt) {
        figures.append({key, value, unit, target, meets});
    };
    int failures = 0;

    // (a) One process: the cost of a call, as a training loop pays it.
    const qint64 calls = quick ? 100'000 : 1'000'000;
    const QString single = dir + QStringLiteral("/logging-single.db");
    removeScratchDatabase(single);
    Store{single}; // the schema is made by the app; the client never migrates
    if (progress)
        progress(QStringLiteral("logging: log_metric x %1 in %2").arg(calls).arg(py->executable));
    {
        const auto p = startWriter(*py, single, calls, 0);
        const WriterResult r = finishWriter(*p, single, calls, 0, TimeoutMs);
        if (!r.ok) {
            ++failures;
            if (progress)
                progress(QStringLiteral("logging: the single writer failed: %1").arg(r.error));
        } else {
            const double us = r.callsSeconds / double(calls) * 1e6;
            figure(QStringLiteral("logging.log_metric_us"), us, QStringLiteral("us/call"),
                   QStringLiteral("<= 2"), us <= 2.0);
            figure(QStringLiteral("logging.vs_mlflow_log_batch"), MlflowLogBatchUs / us, QStringLiteral("x"));
            // The flushes run on the client's own thread, in parallel on a second core: what the calls cost
            // in CPU, all threads together, shows what they take from a busy machine.
            figure(QStringLiteral("logging.log_metric_cpu_us"), r.callsCpuSeconds / double(calls) * 1e6,
                   QStringLiteral("us/call"));
        }
    }
    removeScratchDatabase(single);

    // (b) Four processes into one database at once.
    const qint64 points = quick ? 25'000 : 250'000;
    const QString shared = dir + QStringLiteral("/logging-writers.db");
    removeScratchDatabase(shared);
    Store{shared};
    if (progress)
        progress(QStringLiteral("logging: %1 Python writers x %2 points at once").arg(Writers).arg(points));
    std::vector<std::unique_ptr<QProcess>> writers;
    for (int w = 0; w < Writers; ++w)
        writers.push_back(startWriter(*py, shared, points, w));
    double first = 0, last = 0;
    int finished = 0;
    for (int w = 0; w < Writers; ++w) {
        const WriterResult r = finishWriter(*writers[size_t(w)], shared, points, w, TimeoutMs);
        if (!r.ok) {
            ++failures;
            if (progress)
                progress(QStringLiteral("logging: writer %1 failed: %2").arg(w).arg(r.error));
            continue;
        }
        ++finished;
        first = first == 0 ? r.start : std::min(first, r.start);
        last = std::max(last, r.end);
    }
    removeScratchDatabase(shared);
    figure(QStringLiteral("logging.writers"), double(Writers), QStringLiteral("processes"));
    figure(QStringLiteral("logging.points_per_writer"), double(points), QStringLiteral("points"));
    if (last > first) {
        const double rate = double(points * finished) / (last - first);
        figure(QStringLiteral("logging.writers_points_per_s"), rate, QStringLiteral("points/s"),
               QStringLiteral(">= 1000000"), rate >= 1e6);
    }
    figure(QStringLiteral("logging.failures"), double(failures), QStringLiteral("failures"),
           QStringLiteral("= 0"), failures == 0);
    return figures;
}

} // namespace runlens
