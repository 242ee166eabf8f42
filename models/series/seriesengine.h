// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The series engine: metric points stored as chunks (seriescodec.h, SERIES_FORMAT.md) of a series row per run
// and key, appended in logging order, compacted, and read back whole, by step or time window, or as a
// per-pixel M4 overview (m4reducer.h) whose cost follows the width, not the number of points. Part of the
// Store (store.h: store.series()), over its Database.

#include "core/types.h"
#include "series/m4reducer.h"

#include <functional>
#include <optional>
#include <QMap>
#include <QString>
#include <span>
#include <vector>

namespace runlens {

class Database;

struct SeriesOverview
{
    std::vector<M4Column> columns;
    // Points per summary bucket that were combined: 1 means every point was read and the columns are the
    // exact per-pixel M4 reduction. Larger buckets are each attributed whole to the column holding their
    // first point, which shifts at most one bucket per column boundary by less than a pixel.
    int bucketSize = 1;
    qint64 pointsInRange = 0;
};

// The steps a metric series spans, from its summary row (no points read).
struct StepRange
{
    qint64 first = 0;
    qint64 last = 0;
};

class SeriesEngine
{
public:
    explicit SeriesEngine(Database &db);
    ~SeriesEngine();
    SeriesEngine(const SeriesEngine &) = delete;
    SeriesEngine &operator=(const SeriesEngine &) = delete;

    // Points are appended in the order given (logging order).
    void logMetric(const QString &runId, const QString &key, const MetricPoint &point);
    void logMetrics(const QString &runId, const QString &key, std::span<const MetricPoint> points);

    // First and last step of every metric of the run, e.g. the x range of readOverview() over a whole series.
    QMap<QString, StepRange> metricStepRanges(const QString &runId);
    // The step range of one series (its summary row) and, when asked, its timestamp range (every chunk's
    // row; no points read); nullopt when the run has no points for the key.
    struct SeriesExtent
    {
        StepRange steps;
        std::optional<StepRange> times;
        qint64 count = 0; // points in the series
    };
    std::optional<SeriesExtent> seriesExtent(const QString &runId, const QString &key, bool withTimes);
    std::vector<MetricPoint> metricHistory(const QString &runId, const QString &key); // logging order
    // Every point with x0 <= step <= x1 at full resolution, sorted by step (stable: logging order within a
    // step).
    std::vector<MetricPoint> readWindow(const QString &runId, const QString &key, qint64 x0, qint64 x1);
    // The same points in the same order, handed over a chunk at a time so that a long series is never held
    // whole (a series whose steps went back somewhere is, to be sorted); `visit` returns false to stop.
    void visitWindow(const QString &runId, const QString &key, qint64 x0, qint64 x1,
                     const std::function<bool(std::span<const MetricPoint>)> &visit);
    // The points with t0 <= timestamp <= t1, in the same order (by step), a chunk at a time; chunks whose
    // times lie outside the window are not read. Not sorted by time: the caller checks the order it needs.
    void visitTimeWindow(const QString &runId, const QString &key, qint64 t0, qint64 t1,
                         const std::function<bool(std::span<const MetricPoint>)> &visit);
    // The points logged after the first `from` of the series, in logging order, a chunk at a time: only the
    // chunks holding them are read (a live chart's new tail). `visit` returns false to stop.
    struct TailRead
    {
        qint64 count = 0;   // points in the series
        int chunksRead = 0; // chunk blobs decoded
    };
    TailRead visitTail(const QString &runId, const QString &key, qint64 from,
                       const std::function<bool(std::span<const MetricPoint>)> &visit);
    // Per-pixel-column M4 of the points with x0 <= step <= x1 over `width` columns; cost follows the width,
    // not the number of points.
    SeriesOverview readOverview(const QString &runId, const QString &key, qint64 x0, qint64 x1, int width);

    // Per metric key of the run, how many points are stored (what an incremental import appends after).
    QMap<QString, qint64> metricCounts(const QString &runId);

    // Merge each series' small trailing chunks (written by live loggers or the Python client) into full ones,
    // and give chunks without a detail sketch (written before schema 5, or by other writers) theirs. Each
    // series and each batch of chunks is done in a transaction of its own. `progress` hears of the chunks
    // given a sketch so far, out of those that lacked one.
    struct Compaction
    {
        int seriesRewritten = 0;
        qint64 detailsAdded = 0; // chunks that got a detail sketch
    };
    Compaction compact(const std::function<void(qint64 done, qint64 total)> &progress = {});

private:
    struct SeriesState;

    qint64 seriesFor(qint64 rid, const QString &key, bool create);
    void appendPoints(qint64 rid, const QString &key, std::span<const MetricPoint> points);
    void writeChunks(qint64 seriesId, qint64 firstSeq, std::span<const MetricPoint> points);
    // A series' id and whether its steps never went back; nullopt when the run has no such series.
    std::optional<std::pair<qint64, bool>> seriesOrdering(const QString &runId, const QString &key);
    // Each chunk's points with x0 <= step <= x1 (byTime: x0 <= timestamp <= x1), in logging order, until
    // `visit` returns false.
    void scanChunks(qint64 seriesId, qint64 x0, qint64 x1, bool byTime,
                    const std::function<bool(std::span<const MetricPoint>)> &visit);

    Database &m_db;
    std::vector<MetricPoint> m_decoded; // readOverview's chunk buffer
};

} // namespace runlens
