// SPDX-License-Identifier: GPL-3.0-or-later
#include "series/seriesengine.h"

#include "core/error.h"
#include "series/seriescodec.h"
#include "store/database.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <QScopeGuard>
#include <QSqlQuery>

namespace runlens {

SeriesEngine::SeriesEngine(Database &db)
    : m_db(db)
{}

SeriesEngine::~SeriesEngine() = default;

struct SeriesEngine::SeriesState
{
    qint64 id = 0;
    qint64 count = 0;
    MetricPoint last;
    double min = std::nan("");
    double max = std::nan("");
    qint64 stepMin = 0;
    qint64 stepMax = 0;
    qint64 tailStep = 0;
    bool ordered = true;
};

qint64 SeriesEngine::seriesFor(qint64 rid, const QString &key, bool create)
{
    const QVariant id =
        m_db.scalar(QStringLiteral("SELECT id FROM series WHERE run = ? AND key = ?"), {rid, key});
    if (!id.isNull())
        return id.toLongLong();
    if (!create)
        return 0;
    return m_db.write(QStringLiteral("INSERT INTO series(run, key) VALUES (?, ?)"), {rid, key}).lastInsertId;
}

void SeriesEngine::writeChunks(qint64 seriesId, qint64 firstSeq, std::span<const MetricPoint> points)
{
    qint64 seq = firstSeq;
    for (size_t start = 0; start < points.size(); start += series::ChunkCapacity, ++seq) {
        const auto slice =
            points.subspan(start, std::min<size_t>(series::ChunkCapacity, points.size() - start));
        qint64 stepMin = slice[0].step, stepMax = slice[0].step, tsMin = slice[0].timestamp,
               tsMax = slice[0].timestamp;
        for (const MetricPoint &p : slice) {
            stepMin = std::min(stepMin, p.step);
            stepMax = std::max(stepMax, p.step);
            tsMin = std::min(tsMin, p.timestamp);
            tsMax = std::max(tsMax, p.timestamp);
        }
        const qint64 chunk =
            m_db.write(
                    QStringLiteral(
                        "INSERT INTO chunks(series, seq, count, step_min, step_max, ts_min, ts_max, sketch, "
                        "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    {seriesId, seq, qint64(slice.size()), stepMin, stepMax, tsMin, tsMax,
                     series::encodeSketch(slice), series::encodeChunk(slice)})
                .lastInsertId;
        static constexpr int detail[] = {series::DetailLevel};
        m_db.write(QStringLiteral("INSERT INTO chunk_details(chunk, sketch) VALUES (?, ?)"),
                   {chunk, series::encodeSketch(slice, detail)});
    }
}

void SeriesEngine::appendPoints(qint64 rid, const QString &key, std::span<const MetricPoint> points)
{
    if (points.empty())
        return;
    const qint64 seriesId = seriesFor(rid, key, true);
    QSqlQuery s =
        m_db.exec(QStringLiteral("SELECT count, last, last_step, last_ts, min, max, step_min, step_max, "
                                 "tail_step, ordered FROM series WHERE id = ?"),
                  {seriesId});
    SeriesState st;
    st.id = seriesId;
    st.count = s.value(0).toLongLong();
    st.last = {s.value(2).toLongLong(), s.value(3).toLongLong(), sql::realOrNaN(s.value(1))};
    st.min = sql::realOrNaN(s.value(4));
    st.max = sql::realOrNaN(s.value(5));
    st.stepMin = s.value(6).toLongLong();
    st.stepMax = s.value(7).toLongLong();
    st.tailStep = s.value(8).toLongLong();
    st.ordered = s.value(9).toBool();

    for (const MetricPoint &p : points) {
        if (st.count == 0) {
            st.last = p;
            st.stepMin = st.stepMax = st.tailStep = p.step;
        } else {
            if (isLaterThan(p, st.last))
                st.last = p;
            if (p.step < st.tailStep)
                st.ordered = false;
        }
        if (!std::isnan(p.value)) {
            if (std::isnan(st.min) || p.value < st.min)
                st.min = p.value;
            if (std::isnan(st.max) || p.value > st.max)
                st.max = p.value;
        }
        st.stepMin = std::min(st.stepMin, p.step);
        st.stepMax = std::max(st.stepMax, p.step);
        st.tailStep = p.step;
        ++st.count;
    }

    // A trailing chunk that is not full is rewritten together with the new points, so that live loggers
    // appending a few points at a time still end up with full chunks; its cost is bounded by one chunk.
    QSqlQuery tail = m_db.exec(QStringLiteral("SELECT id, seq, count, data FROM chunks WHERE series = ? "
                                              "ORDER BY seq DESC LIMIT 1"),
                               {seriesId});
    qint64 nextSeq = 0;
    if (tail.isValid()) {
        nextSeq = tail.value(1).toLongLong() + 1;
        if (tail.value(2).toLongLong() < series::ChunkCapacity) {
            std::vector<MetricPoint> merged;
            merged.reserve(size_t(tail.value(2).toLongLong()) + points.size());
            series::decodeChunk(tail.value(3).toByteArray(), merged);
            merged.insert(merged.end(), points.begin(), points.end());
            const qint64 tailId = tail.value(0).toLongLong();
            nextSeq = tail.value(1).toLongLong();
            tail.finish();
            m_db.exec(QStringLiteral("DELETE FROM chunks WHERE id = ?"), {tailId});
            writeChunks(seriesId, nextSeq, merged);
            points = {};
        }
    }
    tail.finish();
    if (!points.empty())
        writeChunks(seriesId, nextSeq, points);

    m_db.write(
        QStringLiteral("UPDATE series SET count = ?, last = ?, last_step = ?, last_ts = ?, min = ?, max = ?, "
                       "step_min = ?, step_max = ?, tail_step = ?, ordered = ? WHERE id = ?"),
        {st.count, sql::realOrNull(st.last.value), st.last.step, st.last.timestamp, sql::realOrNull(st.min),
         sql::realOrNull(st.max), st.stepMin, st.stepMax, st.tailStep, st.ordered ? 1 : 0, seriesId});
}

void SeriesEngine::logMetric(const QString &runId, const QString &key, const MetricPoint &point)
{
    logMetrics(runId, key, std::span<const MetricPoint>(&point, 1));
}

void SeriesEngine::logMetrics(const QString &runId, const QString &key, std::span<const MetricPoint> points)
{
    sql::checkKey(QStringLiteral("metric"), key);
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    appendPoints(rid, key, points);
    m_db.touchRun(rid);
    tx.commit();
}

QMap<QString, StepRange> SeriesEngine::metricStepRanges(const QString &runId)
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT key, step_min, step_max FROM series WHERE run = ? AND count > 0 ORDER BY key"),
        {m_db.runRid(runId)});
    QMap<QString, StepRange> out;
    for (; q.isValid(); q.next())
        out.insert(q.value(0).toString(), {q.value(1).toLongLong(), q.value(2).toLongLong()});
    return out;
}

std::optional<SeriesEngine::SeriesExtent> SeriesEngine::seriesExtent(const QString &runId, const QString &key,
                                                                     bool withTimes)
{
    QSqlQuery &q =
        m_db.cached(QStringLiteral("SELECT id, step_min, step_max, count FROM series WHERE run = ? AND "
                                   "key = ? AND count > 0"),
                    {m_db.runRid(runId), key});
    if (!q.next()) {
        q.finish();
        return std::nullopt;
    }
    SeriesExtent extent{
        {q.value(1).toLongLong(), q.value(2).toLongLong()}, std::nullopt, q.value(3).toLongLong()};
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    if (withTimes) {
        // Timestamps need not follow steps: every chunk's range counts (the rows, not their points).
        QSqlQuery &t =
            m_db.cached(QStringLiteral("SELECT min(ts_min), max(ts_max) FROM chunks WHERE series = ?"), {id});
        if (t.next() && !t.value(0).isNull())
            extent.times = StepRange{t.value(0).toLongLong(), t.value(1).toLongLong()};
        t.finish();
        if (!extent.times)
            return std::nullopt; // a summary row without chunks: nothing to draw
    }
    return extent;
}

SeriesEngine::TailRead SeriesEngine::visitTail(const QString &runId, const QString &key, qint64 from,
                                               const std::function<bool(std::span<const MetricPoint>)> &visit)
{
    TailRead result;
    QSqlQuery &s = m_db.cached(QStringLiteral("SELECT id, count FROM series WHERE run = ? AND key = ?"),
                               {m_db.runRid(runId), key});
    const bool found = s.next();
    const qint64 id = found ? s.value(0).toLongLong() : 0;
    result.count = found ? s.value(1).toLongLong() : 0;
    s.finish();
    from = std::max<qint64>(0, from);
    if (!found || result.count <= from)
        return result;
    // The last chunks' rows, newest first, until they hold the points wanted (their blobs are not read).
    const qint64 wanted = result.count - from;
    QSqlQuery &rows =
        m_db.cached(QStringLiteral("SELECT seq, count FROM chunks WHERE series = ? ORDER BY seq DESC"), {id});
    qint64 held = 0, firstSeq = 0;
    while (held < wanted && rows.next()) {
        firstSeq = rows.value(0).toLongLong();
        held += rows.value(1).toLongLong();
    }
    rows.finish();
    if (held == 0)
        return result;
    qint64 skip = std::max<qint64>(0, held - wanted); // the first chunk's points logged before `from`
    QSqlQuery &q = m_db.cached(
        QStringLiteral("SELECT data FROM chunks WHERE series = ? AND seq >= ? ORDER BY seq"), {id, firstSeq});
    const auto finish = qScopeGuard([&q] { q.finish(); });
    std::vector<MetricPoint> points;
    while (q.next()) {
        points.clear();
        series::decodeChunk(q.value(0).toByteArray(), points);
        ++result.chunksRead;
        std::span<const MetricPoint> tail(points);
        const qint64 dropped = std::min<qint64>(skip, qint64(tail.size()));
        tail = tail.subspan(size_t(dropped));
        skip -= dropped;
        if (!tail.empty() && !visit(tail))
            break;
    }
    return result;
}

std::vector<MetricPoint> SeriesEngine::metricHistory(const QString &runId, const QString &key)
{
    const qint64 id = seriesFor(m_db.runRid(runId), key, false);
    std::vector<MetricPoint> out;
    if (!id)
        return out;
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT data FROM chunks WHERE series = ? ORDER BY seq"), {id});
    for (; q.isValid(); q.next())
        series::decodeChunk(q.value(0).toByteArray(), out);
    return out;
}

void SeriesEngine::scanChunks(qint64 seriesId, qint64 x0, qint64 x1, bool byTime,
                              const std::function<bool(std::span<const MetricPoint>)> &visit)
{
    const QString lo = byTime ? QStringLiteral("ts_min") : QStringLiteral("step_min");
    const QString hi = byTime ? QStringLiteral("ts_max") : QStringLiteral("step_max");
    // Through (series, seq), in logging order: the step index would sort the blobs. ('+' keeps a column out
    // of index selection.) Kept prepared, as the overview's: charts read this for every run. Visitors never
    // read the store, so the statement is not run again while it is open.
    QSqlQuery &q =
        m_db.cached(QStringLiteral("SELECT data, %1 >= ? AND %2 <= ? FROM chunks WHERE series = ? AND "
                                   "+%2 >= ? AND +%1 <= ? ORDER BY seq")
                        .arg(lo, hi),
                    {x0, x1, seriesId, x0, x1});
    const auto finish = qScopeGuard([&q] { q.finish(); });
    const auto outside = [&](const MetricPoint &p) {
        const qint64 x = byTime ? p.timestamp : p.step;
        return x < x0 || x > x1;
    };
    std::vector<MetricPoint> points;
    while (q.next()) {
        points.clear();
        series::decodeChunk(q.value(0).toByteArray(), points);
        if (!q.value(1).toBool()) // cut by an edge of the window
            std::erase_if(points, outside);
        if (!points.empty() && !visit(points))
            return;
    }
}

std::vector<MetricPoint> SeriesEngine::readWindow(const QString &runId, const QString &key, qint64 x0,
                                                  qint64 x1)
{
    const qint64 id = seriesFor(m_db.runRid(runId), key, false);
    std::vector<MetricPoint> out;
    if (!id || x1 < x0)
        return out;
    // The chunks' counts say how many points to expect; a damaged file's may say anything, so this is a
    // hint, bounded.
    const qint64 expected = m_db.scalar(QStringLiteral("SELECT sum(count) FROM chunks WHERE series = ? AND "
                                                       "step_max >= ? AND step_min <= ?"),
                                        {id, x0, x1})
                                .toLongLong();
    out.reserve(size_t(std::clamp<qint64>(expected, 0, qint64(1) << 22)));
    scanChunks(id, x0, x1, false, [&out](std::span<const MetricPoint> points) {
        out.insert(out.end(), points.begin(), points.end());
        return true;
    });
    // Steps that never went back (nearly every series) are in order already.
    const auto byStep = [](const MetricPoint &a, const MetricPoint &b) { return a.step < b.step; };
    if (!std::is_sorted(out.begin(), out.end(), byStep))
        std::stable_sort(out.begin(), out.end(), byStep);
    return out;
}

std::optional<std::pair<qint64, bool>> SeriesEngine::seriesOrdering(const QString &runId, const QString &key)
{
    QSqlQuery &s = m_db.cached(QStringLiteral("SELECT id, ordered FROM series WHERE run = ? AND key = ?"),
                               {m_db.runRid(runId), key});
    std::optional<std::pair<qint64, bool>> result;
    if (s.next())
        result = {s.value(0).toLongLong(), s.value(1).toBool()};
    s.finish();
    return result;
}

void SeriesEngine::visitWindow(const QString &runId, const QString &key, qint64 x0, qint64 x1,
                               const std::function<bool(std::span<const MetricPoint>)> &visit)
{
    const auto series = seriesOrdering(runId, key);
    if (!series || x1 < x0)
        return;
    const auto [id, ordered] = *series;
    if (ordered) {
        scanChunks(id, x0, x1, false, visit); // logging order is step order
        return;
    }
    const std::vector<MetricPoint> points = readWindow(runId, key, x0, x1);
    if (!points.empty())
        visit(points);
}

void SeriesEngine::visitTimeWindow(const QString &runId, const QString &key, qint64 t0, qint64 t1,
                                   const std::function<bool(std::span<const MetricPoint>)> &visit)
{
    const auto series = seriesOrdering(runId, key);
    if (!series || t1 < t0)
        return;
    const auto [id, ordered] = *series;
    if (ordered) {
        scanChunks(id, t0, t1, true, visit); // only the chunks whose times reach into the window
        return;
    }
    std::vector<MetricPoint> points =
        readWindow(runId, key, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
    std::erase_if(points, [&](const MetricPoint &p) { return p.timestamp < t0 || p.timestamp > t1; });
    if (!points.empty())
        visit(points);
}

SeriesOverview SeriesEngine::readOverview(const QString &runId, const QString &key, qint64 x0, qint64 x1,
                                          int width)
{
    if (width <= 0)
        throw Error(QStringLiteral("overview width must be positive (got %1)").arg(width));
    SeriesOverview result;
    const qint64 rid = m_db.runRid(runId);
    // A chart reads this for every run and every zoom: the statements are kept prepared (parsing them was a
    // fifth of a zoomed read).
    QSqlQuery &s =
        m_db.cached(QStringLiteral("SELECT id, ordered, (SELECT sum(count) FROM chunks WHERE series = "
                                   "series.id AND step_max >= ? AND step_min <= ?) FROM series "
                                   "WHERE run = ? AND key = ?"),
                    {x0, x1, rid, key});
    const bool found = s.next();
    const qint64 id = found ? s.value(0).toLongLong() : 0;
    const bool ordered = found && s.value(1).toBool();
    const qint64 approxPoints = found ? s.value(2).toLongLong() : 0;
    s.finish();
    if (!found || x1 < x0)
        return result;
    M4Accumulator acc(x0, x1, width);

    if (!ordered) {
        // Steps went backwards somewhere: buckets in logging order do not map to x ranges, so read the
        // points.
        const std::vector<MetricPoint> pts = readWindow(runId, key, x0, x1);
        for (const MetricPoint &p : pts)
            acc.add(p);
        result.pointsInRange = qint64(pts.size());
        result.columns = acc.take();
        return result;
    }

    int bucket = 1;
    for (int level : series::SketchLevels) {
        if (qint64(level) * width <= approxPoints)
            bucket = level;
    }
    if (bucket == 1 && qint64(series::DetailLevel) * width <= approxPoints)
        bucket = series::DetailLevel; // from chunk_details
    result.bucketSize = bucket;

    // Whole chunks inside the range contribute their sketch; chunks cut by the range edges their points. In
    // the step index's order, which for a series whose steps never went back is the logging order.
    const bool detail = bucket == series::DetailLevel;
    const QString sketch = detail ? QStringLiteral("d.sketch") : QStringLiteral("c.sketch");
    const QString inside =
        QStringLiteral("(? > 1 AND c.step_min >= ? AND c.step_max <= ? AND %1 IS NOT NULL)").arg(sketch);
    QSqlQuery &q = m_db.cached(
        QStringLiteral("SELECT c.seq, %1, CASE WHEN %1 THEN %2 ELSE c.data END, c.count, "
                       "c.step_min, c.step_max FROM chunks c %3"
                       "WHERE c.series = ? AND c.step_max >= ? AND c.step_min <= ? "
                       "ORDER BY c.step_max, c.step_min, c.seq")
            .arg(inside, sketch,
                 detail ? QStringLiteral("LEFT JOIN chunk_details d ON d.chunk = c.id ") : QString()),
        {bucket, x0, x1, bucket, x0, x1, id, x0, x1});
    // Finished on every way out: the statement stays prepared for the next read, not open.
    const auto finish = qScopeGuard([&q] { q.finish(); });
    std::vector<series::Bucket> buckets;
    std::vector<MetricPoint> &pts = m_decoded; // kept between reads: no allocation and first touch per chunk
    while (q.next()) {
        QByteArray payload = q.value(2).toByteArray();
        if (q.value(1).toBool()) {
            buckets.clear();
            // A sketch must cover exactly its chunk's points: one written for another chunk (a writer that
            // deleted chunks without foreign keys, and the id was reused) is not trusted.
            if (series::decodeSketchLevel(payload, bucket, buckets) && !buckets.empty() &&
                std::accumulate(buckets.begin(), buckets.end(), qint64(0),
                                [](qint64 n, const series::Bucket &b) { return n + b.count; }) ==
                    q.value(3).toLongLong() &&
                buckets.front().firstStep >= q.value(4).toLongLong() &&
                buckets.back().lastStep <= q.value(5).toLongLong()) {
                for (const series::Bucket &b : buckets) {
                    acc.add(b);
                    result.pointsInRange += b.count;
                }
                continue;
            }
            // A sketch we cannot read (another writer's format, damage): this chunk's points still are.
            payload = m_db.exec(QStringLiteral("SELECT data FROM chunks WHERE series = ? AND seq = ?"),
                                {id, q.value(0)})
                          .value(0)
                          .toByteArray();
        }
        pts.clear();
        series::decodeChunk(payload, pts);
        for (const MetricPoint &p : pts) {
            if (p.step >= x0 && p.step <= x1) {
                acc.add(p);
                ++result.pointsInRange;
            }
        }
    }
    result.columns = acc.take();
    return result;
}

SeriesEngine::Compaction SeriesEngine::compact(const std::function<void(qint64 done, qint64 total)> &progress)
{
    // Each series, and each batch of chunks, in a transaction of its own: every step is whole, and a
    // logger writing meanwhile never waits for all of a large file.
    Compaction result;
    const Database::UnlimitedStatements survey(m_db); // the first query reads every chunk row of the file
    // Series with more than one chunk below capacity, or chunks lacking a sketch (written by other clients).
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT series, min(seq) FROM chunks WHERE count < ? OR sketch IS NULL "
                                 "GROUP BY series HAVING count(*) > 1 OR sum(sketch IS NULL) > 0"),
                  {series::ChunkCapacity});
    std::vector<std::pair<qint64, qint64>> todo;
    for (; q.isValid(); q.next())
        todo.emplace_back(q.value(0).toLongLong(), q.value(1).toLongLong());
    q.finish();
    for (const auto &[seriesId, fromSeq] : todo) {
        Database::Transaction tx(m_db);
        std::vector<MetricPoint> pts;
        QSqlQuery c =
            m_db.exec(QStringLiteral("SELECT data FROM chunks WHERE series = ? AND seq >= ? ORDER BY seq"),
                      {seriesId, fromSeq});
        for (; c.isValid(); c.next())
            series::decodeChunk(c.value(0).toByteArray(), pts);
        c.finish();
        m_db.exec(QStringLiteral("DELETE FROM chunks WHERE series = ? AND seq >= ?"), {seriesId, fromSeq});
        writeChunks(seriesId, fromSeq, pts);
        tx.commit();
        ++result.seriesRewritten;
    }
    // Chunks written before detail sketches existed (schema 5), or by other writers, get theirs; a batch at
    // a time, so that memory stays bounded on a large file.
    const QString missingDetail =
        QStringLiteral("FROM chunks c LEFT JOIN chunk_details d ON d.chunk = c.id WHERE d.chunk IS NULL");
    const qint64 total =
        progress ? m_db.scalar(QStringLiteral("SELECT count(*) ") + missingDetail).toLongLong() : 0;
    static constexpr int detail[] = {series::DetailLevel};
    for (qint64 after = std::numeric_limits<qint64>::min();;) {
        Database::Transaction tx(m_db);
        QSqlQuery missing = m_db.exec(
            QStringLiteral("SELECT c.id, c.data %1 AND c.id > ? ORDER BY c.id LIMIT 256").arg(missingDetail),
            {after});
        std::vector<std::pair<qint64, QByteArray>> details;
        for (; missing.isValid(); missing.next()) {
            std::vector<MetricPoint> pts;
            series::decodeChunk(missing.value(1).toByteArray(), pts);
            details.emplace_back(missing.value(0).toLongLong(), series::encodeSketch(pts, detail));
        }
        missing.finish();
        if (details.empty())
            break;
        for (const auto &[chunk, sketch] : details)
            m_db.write(QStringLiteral("INSERT INTO chunk_details(chunk, sketch) VALUES (?, ?)"),
                       {chunk, sketch});
        tx.commit();
        result.detailsAdded += qint64(details.size());
        after = details.back().first;
        if (progress)
            progress(result.detailsAdded, std::max(total, result.detailsAdded));
    }
    return result;
}

QMap<QString, qint64> SeriesEngine::metricCounts(const QString &runId)
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT key, count FROM series WHERE run = ?"), {m_db.runRid(runId)});
    QMap<QString, qint64> counts;
    for (; q.isValid(); q.next())
        counts.insert(q.value(0).toString(), q.value(1).toLongLong());
    return counts;
}
} // namespace runlens
