// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/benchmark.h"

#include "core/jsonformat.h"
#include "import/csvlogreader.h"
#include "import/importer.h"
#include "import/mlflowfilereader.h"
#include "import/proto/tensorboard.pb.h"
#include "import/tensorboardreader.h"
#include "store/database.h"
#include "store/store.h"

#include <algorithm>
#include <cmath>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtEndian>
#include <QUuid>
#include <random>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace runlens {

namespace {

struct Sizes
{
    int overviewRuns = 50;
    qint64 bigPoints = 1'000'000;
    qint64 smallPoints = 10'000;
    int width = 2000;
    qint64 naivePoints = 2'000'000;
    int searchRuns = 100'000;
    int repeats = 5;
};

// A realistic logged series: steps 0..n-1, timestamps a few ms apart with jitter, a noisy decaying value.
std::vector<MetricPoint> makeSeries(std::mt19937_64 &rng, qint64 n, qint64 startMs)
{
    std::normal_distribution<double> noise(0.0, 0.02);
    std::uniform_int_distribution<int> jitter(2, 9);
    std::vector<MetricPoint> pts(static_cast<size_t>(n));
    qint64 t = startMs;
    for (qint64 i = 0; i < n; ++i) {
        t += jitter(rng);
        pts[size_t(i)] = {i, t, 0.1 + std::exp(-double(i) / double(n) * 5.0) + noise(rng)};
    }
    return pts;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

double peakRssMb()
{
#ifdef Q_OS_UNIX
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0; // kilobytes on Linux
#else
    return 0.0;
#endif
}

// The row-per-point layout the design rejects, measured here as the reference the series engine must beat.
// It is a yardstick, not storage: nothing else in Runlens uses it.
double naiveIngestPointsPerSecond(const QString &path, const std::vector<MetricPoint> &points)
{
    const QString name = QStringLiteral("bench-naive-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    double rate = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (!db.open())
            throw Error(QStringLiteral("bench: cannot open %1").arg(path));
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        q.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
        q.exec(QStringLiteral("CREATE TABLE metrics(run INTEGER, key TEXT, step INTEGER, timestamp INTEGER, "
                              "value REAL, PRIMARY KEY (run, key, timestamp, step, value))"));
        QElapsedTimer timer;
        timer.start();
        q.exec(QStringLiteral("BEGIN"));
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT INTO metrics VALUES (?, ?, ?, ?, ?)"));
        const QString key = QStringLiteral("loss");
        for (const MetricPoint &p : points) {
            insert.bindValue(0, 1);
            insert.bindValue(1, key);
            insert.bindValue(2, p.step);
            insert.bindValue(3, p.timestamp);
            insert.bindValue(4, p.value);
            if (!insert.exec())
                throw Error(QStringLiteral("bench: naive insert failed: %1").arg(insert.lastError().text()));
        }
        q.exec(QStringLiteral("COMMIT"));
        rate = double(points.size()) / (double(timer.nsecsElapsed()) / 1e9);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return rate;
}

// Counts what a reader delivers and keeps nothing, so that only parsing is measured.
class CountingSink : public import::ImportSink
{
public:
    qint64 points = 0;
    bool experiment(const import::SourceExperiment &) override { return true; }
    bool run(import::SourceRun &&r) override
    {
        for (const import::SourceMetric &m : r.metrics)
            points += qint64(m.points.size());
        return true;
    }
    bool model(const import::SourceModel &) override { return true; }
    void warning(const import::Diagnostic &) override {}
    void skipped(const QString &, qint64) override {}
};

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        throw Error(QStringLiteral("bench: cannot write %1").arg(path));
}

// An MLflow file store with `runs` runs of `keys` metric files of `lines` lines each.
void writeMlflowStore(const QString &root, int runs, int keys, qint64 lines)
{
    writeFile(root + QStringLiteral("/1/meta.yaml"),
              "experiment_id: '1'\nname: bench\nlifecycle_stage: active\n");
    for (int r = 0; r < runs; ++r) {
        const QByteArray id = QByteArray::number(r).rightJustified(32, '0');
        const QString dir = root + QStringLiteral("/1/") + QString::fromLatin1(id);
        writeFile(dir + QStringLiteral("/meta.yaml"), "run_id: " + id + "\nrun_uuid: " + id +
                                                          "\nstatus: 3\nstart_time: 1\nend_time: 2\n"
                                                          "lifecycle_stage: active\nartifact_uri: ''\n");
        for (int k = 0; k < keys; ++k) {
            QByteArray text;
            text.reserve(lines * 40);
            for (qint64 i = 0; i < lines; ++i) {
                text += QByteArray::number(1'700'000'000'000 + i * 17) + ' ' +
                        QByteArray::number(0.1 + 1.0 / double(i + 1), 'g', 17) + ' ' + QByteArray::number(i) +
                        '\n';
            }
            writeFile(dir + QStringLiteral("/metrics/m%1").arg(k), text);
        }
    }
}

void writeCsv(const QString &path, qint64 rows, int metrics)
{
    QByteArray text = "step";
    for (int m = 0; m < metrics; ++m)
        text += ",metric_" + QByteArray::number(m);
    text += '\n';
    text.reserve(rows * (8 + metrics * 20));
    for (qint64 i = 0; i < rows; ++i) {
        text += QByteArray::number(i);
        for (int m = 0; m < metrics; ++m)
            text += ',' + QByteArray::number(double(m + 1) / double(i + 1), 'g', 17);
        text += '\n';
    }
    writeFile(path, text);
}

// A TensorBoard event file as torch's SummaryWriter writes it: one event per scalar (simple_value), TFRecord
// framing with masked CRC-32C.
void writeEventFile(const QString &path, qint64 scalars, int tags)
{
    QByteArray out;
    const auto record = [&out](const std::string &payload) {
        const quint64 length = payload.size();
        char header[8];
        qToLittleEndian(length, header);
        out.append(header, 8);
        char crc[4];
        qToLittleEndian(import::maskCrc32c(import::crc32c(QByteArrayView(header, 8))), crc);
        out.append(crc, 4);
        out.append(payload.data(), qsizetype(payload.size()));
        qToLittleEndian(
            import::maskCrc32c(import::crc32c(QByteArrayView(payload.data(), qsizetype(payload.size())))),
            crc);
        out.append(crc, 4);
    };
    runlens::tb::TbEvent version;
    version.set_wall_time(1'700'000'000.0);
    version.set_file_version("brain.Event:2");
    record(version.SerializeAsString());
    runlens::tb::TbEvent e;
    runlens::tb::TbSummaryValue *v = e.mutable_summary()->add_value();
    for (qint64 i = 0; i < scalars; ++i) {
        e.set_wall_time(1'700'000'000.0 + double(i) * 0.01);
        e.set_step(i / tags);
        v->set_tag("train/metric_" + std::to_string(i % tags));
        v->set_simple_value(float(1.0 / double(i + 1)));
        record(e.SerializeAsString());
    }
    writeFile(path, out);
}

template<typename Read> double readerRate(const QString &path, Read read, int repeats)
{
    std::vector<double> rates;
    for (int rep = 0; rep < repeats; ++rep) {
        CountingSink sink;
        QElapsedTimer t;
        t.start();
        read(path, sink);
        rates.push_back(double(sink.points) / (double(t.nsecsElapsed()) / 1e9));
    }
    return median(rates);
}

} // namespace

std::optional<double> BenchmarkReport::value(const QString &key) const
{
    for (const BenchmarkFigure &f : figures) {
        if (f.key == key)
            return f.value;
    }
    return std::nullopt;
}

QJsonObject BenchmarkReport::toJson() const
{
    QJsonObject o;
    QJsonObject targets;
    for (const BenchmarkFigure &f : figures) {
        o.insert(f.key, text::jsonNumber(f.value));
        if (f.meets) {
            targets.insert(
                f.key, QJsonObject{{QStringLiteral("target"), f.target}, {QStringLiteral("met"), *f.meets}});
        }
    }
    o.insert(QStringLiteral("targets"), targets);
    o.insert(QStringLiteral("parameters"), parameters);
    if (!skipped.isEmpty()) {
        QJsonObject why;
        for (auto it = skipped.cbegin(); it != skipped.cend(); ++it)
            why.insert(it.key(), it.value());
        o.insert(QStringLiteral("skipped"), why);
    }
    return o;
}

QString BenchmarkReport::toText() const
{
    QString s;
    for (const BenchmarkFigure &f : figures) {
        const QString value =
            std::abs(f.value) >= 1000 ? QString::number(f.value, 'f', 0) : QString::number(f.value, 'g', 4);
        s += QStringLiteral("%1 %2 %3")
                 .arg(f.key.leftJustified(34), value.rightJustified(14), f.unit.leftJustified(9));
        if (f.meets)
            s += QStringLiteral("  target %1: %2")
                     .arg(f.target, *f.meets ? QStringLiteral("met") : QStringLiteral("NOT MET"));
        s += QLatin1Char('\n');
    }
    for (auto it = skipped.cbegin(); it != skipped.cend(); ++it)
        s += QStringLiteral("%1 skipped: %2\n")
                 .arg((it.key() + QLatin1Char(':')).leftJustified(34), it.value());
    return s;
}

BenchmarkReport runBenchmark(const BenchmarkOptions &options)
{
    Sizes sz;
    if (options.quick) {
        sz.overviewRuns = 5;
        sz.bigPoints = 100'000;
        sz.naivePoints = 100'000;
        sz.searchRuns = 5'000;
        sz.repeats = 3;
    }
    const auto progress = [&](const QString &m) {
        if (options.progress)
            options.progress(QStringLiteral("[%1 MiB] ").arg(peakRssMb(), 0, 'f', 0) + m);
    };
    std::optional<QTemporaryDir> temp;
    QString dir = options.directory;
    if (dir.isEmpty()) {
        temp.emplace(QDir::tempPath() + QStringLiteral("/runlens-bench-XXXXXX"));
        if (!temp->isValid())
            throw Error(QStringLiteral("bench: cannot create a temporary folder"));
        dir = temp->path();
    } else if (!QDir().mkpath(dir)) {
        throw Error(QStringLiteral("bench: cannot create %1").arg(dir));
    }
    const QString stamp = QString::number(nowMs());
    BenchmarkReport report;
    report.parameters = {{QStringLiteral("overview_runs"), sz.overviewRuns},
                         {QStringLiteral("points_per_big_series"), double(sz.bigPoints)},
                         {QStringLiteral("points_per_small_series"), double(sz.smallPoints)},
                         {QStringLiteral("width_px"), sz.width},
                         {QStringLiteral("search_runs"), sz.searchRuns},
                         {QStringLiteral("quick"), options.quick}};
    const auto add = [&](const QString &key, double value, const QString &unit, const QString &target = {},
                         std::optional<bool> meets = std::nullopt) {
        report.figures.append({key, value, unit, target, meets});
    };
    std::mt19937_64 rng(7);

    // Ingest: every big series bulk-logged; only the store call is timed.
    const QString seriesPath = dir + QStringLiteral("/series-%1.db").arg(stamp);
    Store store(seriesPath);
    const ExperimentId exp = store.runs().createExperiment(QStringLiteral("bench"));
    QStringList runIds;
    qint64 ingested = 0;
    double ingestSeconds = 0;
    progress(QStringLiteral("ingesting %1 runs x %2 points…").arg(sz.overviewRuns).arg(sz.bigPoints));
    for (int r = 0; r < sz.overviewRuns; ++r) {
        NewRun init;
        init.experimentId = exp;
        init.name = QStringLiteral("run-%1").arg(r);
        runIds << store.runs().createRun(init).id;
        const std::vector<MetricPoint> big = makeSeries(rng, sz.bigPoints, 1'700'000'000'000 + r);
        QElapsedTimer t;
        t.start();
        store.series().logMetrics(runIds.last(), QStringLiteral("loss"), big);
        ingestSeconds += double(t.nsecsElapsed()) / 1e9;
        ingested += qint64(big.size());
        store.series().logMetrics(runIds.last(), QStringLiteral("small"),
                                  makeSeries(rng, sz.smallPoints, 1'700'000'000'000));
    }
    const double ingestRate = double(ingested) / ingestSeconds;
    store.database().checkpoint();
    const double bytesPerPoint =
        double(store.database().fileSize()) / double(ingested + qint64(sz.overviewRuns) * sz.smallPoints);

    progress(QStringLiteral("naive row-per-point table, %1 points…").arg(sz.naivePoints));
    const double naiveRate = naiveIngestPointsPerSecond(dir + QStringLiteral("/naive-%1.db").arg(stamp),
                                                        makeSeries(rng, sz.naivePoints, 0));
    add(QStringLiteral("ingest_points_per_s"), ingestRate, QStringLiteral("points/s"),
        QStringLiteral(">= 5000000"), ingestRate >= 5e6);
    add(QStringLiteral("naive_ingest_points_per_s"), naiveRate, QStringLiteral("points/s"));
    add(QStringLiteral("ingest_speedup_vs_naive"), ingestRate / naiveRate, QStringLiteral("x"),
        QStringLiteral(">= 8"), ingestRate / naiveRate >= 8);

    progress(QStringLiteral("full-resolution reads…"));
    {
        QElapsedTimer t;
        t.start();
        qint64 read = 0;
        const int n = std::min(10, int(runIds.size()));
        for (int r = 0; r < n; ++r)
            read += qint64(store.series().metricHistory(runIds[r], QStringLiteral("loss")).size());
        add(QStringLiteral("read_points_per_s"), double(read) / (double(t.nsecsElapsed()) / 1e9),
            QStringLiteral("points/s"));
    }

    progress(QStringLiteral("overviews at %1 px…").arg(sz.width));
    const auto overviewMs = [&](const QString &key, qint64 points) {
        std::vector<double> times;
        for (int rep = 0; rep < sz.repeats; ++rep) {
            QElapsedTimer t;
            t.start();
            for (const QString &id : runIds)
                store.series().readOverview(id, key, 0, points - 1, sz.width);
            times.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        return median(times);
    };
    const double bigMs = overviewMs(QStringLiteral("loss"), sz.bigPoints);
    const double smallMs = overviewMs(QStringLiteral("small"), sz.smallPoints);
    add(QStringLiteral("overview_big_ms"), bigMs, QStringLiteral("ms"), QStringLiteral("<= 100 (50 x 1M)"),
        bigMs <= 100);
    add(QStringLiteral("overview_small_ms"), smallMs, QStringLiteral("ms"));
    add(QStringLiteral("overview_big_vs_small"), bigMs / smallMs, QStringLiteral("x"), QStringLiteral("<= 3"),
        bigMs / smallMs <= 3);
    add(QStringLiteral("bytes_per_point"), bytesPerPoint, QStringLiteral("bytes"), QStringLiteral("<= 16"),
        bytesPerPoint <= 16);

    // Search: runs with a few params and metric summaries, filtered and ordered in SQL.
    progress(QStringLiteral("creating %1 runs for search…").arg(sz.searchRuns));
    {
        Store search(dir + QStringLiteral("/search-%1.db").arg(stamp));
        const ExperimentId sexp = search.runs().createExperiment(QStringLiteral("sweep"));
        static const char *optimizers[] = {"adam", "sgd", "adamw"};
        std::uniform_real_distribution<double> loss(0.05, 1.5);
        Store::Transaction tx(search);
        for (int r = 0; r < sz.searchRuns; ++r) {
            NewRun init;
            init.experimentId = sexp;
            init.name = QStringLiteral("trial-%1").arg(r);
            init.startMs = 1'700'000'000'000 + r;
            const QString id = search.runs().createRun(init).id;
            RunStore::Batch b;
            b.params.insert(QStringLiteral("lr"), QString::number(1e-4 * (1 + r % 7)));
            b.params.insert(QStringLiteral("optimizer"), QLatin1String(optimizers[r % 3]));
            b.params.insert(QStringLiteral("batch_size"), QString::number(32 << (r % 3)));
            b.metrics.push_back({QStringLiteral("loss"), MetricPoint{0, 0, loss(rng)}});
            b.metrics.push_back({QStringLiteral("accuracy"), MetricPoint{0, 0, 1.0 - loss(rng) / 2}});
            search.runs().logBatch(id, b);
        }
        tx.commit();
        progress(QStringLiteral("searching…"));
        RunQuery q;
        q.filter = QStringLiteral("metrics.loss < 0.2 and params.optimizer = 'adam'");
        q.orderBy = QStringLiteral("metrics.accuracy DESC");
        std::vector<double> times;
        qint64 matched = 0;
        for (int rep = 0; rep < sz.repeats; ++rep) {
            QElapsedTimer t;
            t.start();
            matched = search.runs().searchRunIds(q).size();
            times.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        const double searchMs = median(times);
        add(QStringLiteral("search_ms"), searchMs, QStringLiteral("ms"), QStringLiteral("<= 50 (100k runs)"),
            searchMs <= 50);
        add(QStringLiteral("search_matched_runs"), double(matched), QStringLiteral("runs"));
        q.limit = 100;
        times.clear();
        for (int rep = 0; rep < sz.repeats; ++rep) {
            QElapsedTimer t;
            t.start();
            search.runs().searchRuns(q);
            times.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        add(QStringLiteral("search_first_page_with_details_ms"), median(times), QStringLiteral("ms"));
    }
    // Import: reading foreign formats (the parsers alone), then a whole import into a store.
    progress(QStringLiteral("import readers…"));
    {
        const qint64 lines = options.quick ? 50'000 : 250'000;
        const QString mlruns = dir + QStringLiteral("/mlruns-%1").arg(stamp);
        writeMlflowStore(mlruns, 4, 4, lines);
        const double mlflowRate = readerRate(mlruns, import::readMlflowFiles, sz.repeats);
        add(QStringLiteral("import_mlflow_files_points_per_s"), mlflowRate, QStringLiteral("points/s"),
            QStringLiteral(">= 3000000"), mlflowRate >= 3e6);
        const QString csv = dir + QStringLiteral("/log-%1.csv").arg(stamp);
        writeCsv(csv, options.quick ? 100'000 : 1'000'000, 5);
        const double csvRate = readerRate(csv, import::readCsvLog, sz.repeats);
        add(QStringLiteral("import_csv_points_per_s"), csvRate, QStringLiteral("points/s"),
            QStringLiteral(">= 3000000"), csvRate >= 3e6);
        const QString events =
            dir + QStringLiteral("/tb-%1/run/events.out.tfevents.1700000000.bench.1.0").arg(stamp);
        writeEventFile(events, options.quick ? 200'000 : 2'000'000, 4);
        const double tbRate =
            readerRate(QFileInfo(events).absolutePath(), import::readTensorBoard, sz.repeats);
        add(QStringLiteral("import_tensorboard_scalars_per_s"), tbRate, QStringLiteral("scalars/s"),
            QStringLiteral(">= 1000000"), tbRate >= 1e6);
        Store target(dir + QStringLiteral("/import-%1.db").arg(stamp));
        QElapsedTimer t;
        t.start();
        const import::ImportReport r = import::importPaths(target, {mlruns}, import::Format::MlflowFiles, {});
        add(QStringLiteral("import_mlflow_end_to_end_points_per_s"),
            double(r.pointsAdded) / (double(t.nsecsElapsed()) / 1e9), QStringLiteral("points/s"));
    }
    add(QStringLiteral("peak_rss_mb"), peakRssMb(), QStringLiteral("MiB"));
    if (options.quick) {
        for (BenchmarkFigure &f : report.figures)
            f.meets.reset();
    }
    return report;
}

void removeScratchDatabase(const QString &db)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(db + QLatin1String(suffix));
}

} // namespace runlens
