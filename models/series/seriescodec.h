// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Encoding of metric-series chunks and their summary sketches. The byte layout is specified in
// models/series/SERIES_FORMAT.md; the Python client writes the same bytes with struct/array only.

#include "core/types.h"

#include <QByteArray>
#include <span>
#include <vector>

namespace runlens::series {

inline constexpr int ChunkCapacity = 4096; // points per full chunk
// Bucket sizes summarised in each chunk's sketch, finest first; each is a multiple of the one before, so that
// a level is merged from the previous one. The whole sketch (21 buckets, 1.5 KB) fits in the part of a
// chunk's row that SQLite keeps on the row's own page, so reading it costs no overflow page; a finer level
// would not.
inline constexpr int SketchLevels[] = {256, 1024, 4096};
static_assert(SketchLevels[1] % SketchLevels[0] == 0 && SketchLevels[2] % SketchLevels[1] == 0 &&
              SketchLevels[2] <= ChunkCapacity);
// The bucket size of a chunk's detail sketch, kept in its own table (chunk_details) so that it costs the
// wider overviews nothing: a window zoomed to a tenth of a 1M-point series on a chart reads its buckets, not
// points.
inline constexpr int DetailLevel = 64;
static_assert(SketchLevels[0] % DetailLevel == 0);

// Summary of a run of consecutive points (in logging order). min/max skip NaN; when every value is NaN they
// are NaN and their steps equal firstStep.
struct Bucket
{
    qint64 firstStep = 0;
    qint64 lastStep = 0;
    qint64 minStep = 0;
    qint64 maxStep = 0;
    double first = 0;
    double last = 0;
    double min = 0;
    double max = 0;
    quint32 count = 0;
    quint32 nanCount = 0;

    static Bucket of(const MetricPoint &p);
    void add(const MetricPoint &p); // p follows the points already summarised
    void merge(const Bucket &next); // next follows this bucket
};

QByteArray encodeChunk(std::span<const MetricPoint> points);
// Appends the decoded points to out. Throws runlens::Error on a malformed blob (the file is untrusted).
void decodeChunk(const QByteArray &blob, std::vector<MetricPoint> &out);

// A sketch of the given bucket sizes (finest first, each a multiple of the one before).
QByteArray encodeSketch(std::span<const MetricPoint> points, std::span<const int> levels = SketchLevels);
// The buckets of the given level (bucket size from SketchLevels, or DetailLevel in a detail sketch) in point
// order, appended to out. Returns false when the sketch lacks that level or is malformed (the caller then
// reads the points instead).
bool decodeSketchLevel(const QByteArray &sketch, int bucketSize, std::vector<Bucket> &out);

} // namespace runlens::series
