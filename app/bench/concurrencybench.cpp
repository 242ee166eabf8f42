// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/concurrencybench.h"

#include "bench/benchmark.h"
#include "store/store.h"

#include <algorithm>
#include <memory>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QThread>

namespace runlens {

namespace {

constexpr int Writers = 8;
constexpr int KeysPerLine = 2;
constexpr qint64 Timestamp = 1'700'000'000'000;
constexpr int TimeoutMs = 600'000;

// Exactly representable, so that what is read back compares with ==.
double valueOf(int writer, int key, qint64 step)
{
    return double(writer * 1000 + key) * 1e6 + double(step) + 0.5;
}

QByteArray writerInput(int writer, qint64 lines)
{
    QByteArray out;
    out.reserve(lines * 110);
    for (qint64 i = 0; i < lines; ++i) {
        out += "{\"step\": " + QByteArray::number(i) +
               ", \"timestamp\": " + QByteArray::number(Timestamp + i) + ", \"metrics\": {";
        for (int k = 0; k < KeysPerLine; ++k)
            out += (k ? ", \"m" : "\"m") + QByteArray::number(k) +
                   "\": " + QByteArray::number(valueOf(writer, k, i), 'g', 17);
        out += "}}\n";
    }
    return out;
}

// Whether the run holds exactly the points writer `writer` sent.
bool storedExactly(Store &store, const QString &runId, int writer, qint64 lines)
{
    if (!store.runs().run(runId))
        return false;
    for (int k = 0; k < KeysPerLine; ++k) {
        const std::vector<MetricPoint> points =
            store.series().metricHistory(runId, QStringLiteral("m%1").arg(k));
        if (qint64(points.size()) != lines)
            return false;
        for (qint64 i = 0; i < lines; ++i) {
            if (!(points[size_t(i)] == MetricPoint{i, Timestamp + i, valueOf(writer, k, i)}))
                return false;
        }
    }
    return true;
}

} // namespace

QList<BenchmarkFigure> measureConcurrency(const QString &binary, const QString &dir, bool quick,
                                          const std::function<void(const QString &)> &progress)
{
    const qint64 lines = (quick ? 10'000 : 50'000) / KeysPerLine;
    const qint64 pointsPerWriter = lines * KeysPerLine;
    const QString db = dir + QStringLiteral("/concurrency.db");
    removeScratchDatabase(db);
    Store{db}; // the schema exists before the writers start: what is measured is their sharing of it
    QStringList inputs;
    for (int w = 0; w < Writers; ++w) {
        inputs << dir + QStringLiteral("/concurrency-writer-%1.jsonl").arg(w);
        QFile f(inputs.last());
        const QByteArray bytes = writerInput(w, lines);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            throw Error(QStringLiteral("bench: cannot write %1").arg(inputs.last()));
    }
    if (progress)
        progress(QStringLiteral("concurrency: %1 `runlens log` writers x %2 points, a reader alongside")
                     .arg(Writers)
                     .arg(pointsPerWriter));

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RUNLENS_REPORT_LOCK_WAIT"), QStringLiteral("1"));
    std::vector<std::unique_ptr<QProcess>> writers;
    QElapsedTimer clock;
    clock.start();
    for (int w = 0; w < Writers; ++w) {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env);
        p->setStandardInputFile(inputs[w]);
        p->start(binary,
                 {QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--experiment"),
                  QStringLiteral("concurrency"), QStringLiteral("--name"), QStringLiteral("writer-%1").arg(w),
                  QStringLiteral("--end"), QStringLiteral("FINISHED")});
        writers.push_back(std::move(p));
    }
    // A reader lists the runs again and again while they write, as the window's refresh does.
    int reads = 0, failures = 0;
    const auto running = [&] {
        return std::any_of(writers.begin(), writers.end(),
                           [](const auto &p) { return p->state() != QProcess::NotRunning; });
    };
    while (running() && clock.elapsed() < TimeoutMs) {
        QProcess reader;
        reader.start(binary, {QStringLiteral("--db"), db, QStringLiteral("runs"), QStringLiteral("--format"),
                              QStringLiteral("json")});
        if (!reader.waitForFinished(TimeoutMs) || reader.exitStatus() != QProcess::NormalExit ||
            reader.exitCode() != 0)
            ++failures;
        ++reads;
        for (const auto &p : writers)
            p->waitForFinished(0); // collects the ones that ended
    }
    for (const auto &p : writers)
        p->waitForFinished(std::max<qint64>(0, TimeoutMs - clock.elapsed()));
    const double seconds = double(clock.nsecsElapsed()) / 1e9;

    static const QRegularExpression longest(
        QStringLiteral("lock waits: \\d+ transactions, longest ([0-9.]+) ms"));
    double longestWaitMs = 0;
    Store store(db, Store::Mode::ReadOnly);
    for (int w = 0; w < Writers; ++w) {
        QProcess &p = *writers[size_t(w)];
        const QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        const QString err = QString::fromUtf8(p.readAllStandardError());
        const QRegularExpressionMatch m = longest.match(err);
        if (m.hasMatch())
            longestWaitMs = std::max(longestWaitMs, m.captured(1).toDouble());
        const bool ok = p.state() == QProcess::NotRunning && p.exitStatus() == QProcess::NormalExit &&
                        p.exitCode() == 0 && m.hasMatch() && storedExactly(store, out, w, lines);
        if (!ok) {
            ++failures;
            if (progress)
                progress(QStringLiteral("concurrency: writer %1 failed: %2").arg(w).arg(err.trimmed()));
        }
        p.kill(); // only a writer still running after the timeout is left to end
    }
    for (const QString &input : inputs)
        QFile::remove(input);

    QList<BenchmarkFigure> figures;
    const auto figure = [&](const QString &key, double value, const QString &unit, const QString &target = {},
                            std::optional<bool> meets = std::nullopt) {
        figures.append({key, value, unit, target, meets});
    };
    figure(QStringLiteral("concurrency.writers"), double(Writers), QStringLiteral("processes"));
    figure(QStringLiteral("concurrency.points_per_writer"), double(pointsPerWriter),
           QStringLiteral("points"));
    figure(QStringLiteral("concurrency.points_per_s"), double(pointsPerWriter * Writers) / seconds,
           QStringLiteral("points/s"));
    figure(QStringLiteral("concurrency.longest_lock_wait"), longestWaitMs, QStringLiteral("ms"));
    figure(QStringLiteral("concurrency.reads_meanwhile"), double(reads), QStringLiteral("reads"));
    figure(QStringLiteral("concurrency.failures"), double(failures), QStringLiteral("failures"),
           QStringLiteral("= 0"), failures == 0);
    return figures;
}

} // namespace runlens
