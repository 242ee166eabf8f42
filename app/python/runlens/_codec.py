# SPDX-License-Identifier: GPL-3.0-or-later
"""Chunk and sketch blobs, byte for byte as models/series/seriescodec.cpp writes them.

The format is models/series/SERIES_FORMAT.md: little-endian, a chunk is a header, the steps, the timestamps
(each in one of three integer encodings, chosen as the C++ chooses) and the values as f64 copied bit for bit.
Points travel as three arrays: steps and timestamps array('q'), values array('d').
"""

import struct
import sys
from array import array
from math import isnan

CHUNK_FORMAT = 1
SKETCH_FORMAT = 1
CHUNK_CAPACITY = 4096
SKETCH_LEVELS = (256, 1024, 4096)
DETAIL_LEVEL = 64

RAW64 = 0
ARITHMETIC = 1
OFFSET32 = 2

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_MASK64 = (1 << 64) - 1
_INT32_MIN = -(1 << 31)
_INT32_MAX = (1 << 31) - 1
_BIG = sys.byteorder == "big"

_HEAD = struct.Struct("<BBBBI")
_I64 = struct.Struct("<q")
_TWO_I64 = struct.Struct("<qq")
_SKETCH_HEAD = struct.Struct("<BBH")
_LEVEL_HEAD = struct.Struct("<II")
_BUCKET = struct.Struct("<qqqqddddII")


def _wrap64(v):
    """v as a two's complement int64 (wrapping)."""
    v &= _MASK64
    return v - (1 << 64) if v > _INT64_MAX else v


def _le(a):
    """The bytes of an array, little-endian."""
    if _BIG:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _from_le(typecode, data):
    a = array(typecode)
    a.frombytes(data)
    if _BIG:
        a.byteswap()
    return a


def int_stats(values):
    """(encoding, lowest, highest, rising) of array('q') `values`: the encoding seriescodec.cpp's
    chooseEncoding picks, the range, and whether the values never go down (None: not known without a pass)."""
    n = len(values)
    first = values[0]
    if n < 2:
        return RAW64, first, first, True
    delta = values[1] - first
    last = first + (n - 1) * delta
    wraps = not _INT64_MIN <= last <= _INT64_MAX
    if n > 2 and ((values[2] - values[1] - delta) & _MASK64 or (values[-1] - values[-2] - delta) & _MASK64):
        arithmetic = False  # the common case for timestamps, found without a pass over the values
    elif not wraps:
        # Every value then lies between the first and the last: equal to the progression or not arithmetic.
        if delta == 0:
            arithmetic = values.count(first) == n
        else:
            arithmetic = values == array("q", range(first, last + delta, delta))
    else:
        # The progression wraps around 64 bits: compare the differences modulo 2^64, as the C++ does.
        d = delta & _MASK64
        arithmetic = all(((b - a) & _MASK64) == d for a, b in zip(values, values[1:]))
    if arithmetic and not wraps:
        return (ARITHMETIC,) + ((first, last, True) if delta >= 0 else (last, first, False))
    lo = min(values)
    hi = max(values)
    if arithmetic:
        return ARITHMETIC, lo, hi, False  # a wrapped progression goes down where it wraps
    if lo - first >= _INT32_MIN and hi - first <= _INT32_MAX:
        return OFFSET32, lo, hi, None
    return RAW64, lo, hi, None


def choose_encoding(values):
    """The integer encoding seriescodec.cpp's chooseEncoding picks for `values` (array('q'))."""
    return int_stats(values)[0] if len(values) >= 2 else RAW64


def _encode_ints(values, enc):
    if enc == ARITHMETIC:
        return _TWO_I64.pack(values[0], _wrap64(values[1] - values[0]))
    if enc == OFFSET32:
        base = values[0]
        return _I64.pack(base) + _le(array("i", map((-base).__add__, values)))
    return _le(values)


def encode_chunk_stats(steps, times, values):
    """(data blob (format 1), step stats, timestamp stats) of the points; the stats as int_stats gives them."""
    n = len(values)
    step_stats = int_stats(steps)
    time_stats = int_stats(times)
    step_enc = step_stats[0] if n >= 2 else RAW64
    time_enc = time_stats[0] if n >= 2 else RAW64
    blob = b"".join((_HEAD.pack(CHUNK_FORMAT, step_enc, time_enc, 0, n), _encode_ints(steps, step_enc),
                     _encode_ints(times, time_enc), _le(values)))
    return blob, step_stats, time_stats


def encode_chunk(steps, times, values):
    """A `data` blob (format 1) of the points."""
    return encode_chunk_stats(steps, times, values)[0]


class CorruptChunk(ValueError):
    pass


def _decode_ints(blob, pos, enc, n):
    if enc == ARITHMETIC:
        if len(blob) < pos + 16:
            raise CorruptChunk("corrupt metric chunk: truncated data")
        start, delta = _TWO_I64.unpack_from(blob, pos)
        if n == 0:
            return array("q"), pos + 16
        last = start + (n - 1) * delta
        if delta != 0 and _INT64_MIN <= last <= _INT64_MAX:
            return array("q", range(start, last + delta, delta)), pos + 16
        return array("q", [_wrap64(start + delta * i) for i in range(n)]), pos + 16
    if enc == OFFSET32:
        end = pos + 8 + 4 * n
        if len(blob) < end:
            raise CorruptChunk("corrupt metric chunk: truncated data")
        (base,) = _I64.unpack_from(blob, pos)
        offsets = _from_le("i", blob[pos + 8:end])
        if _INT64_MIN <= base + _INT32_MIN and base + _INT32_MAX <= _INT64_MAX:
            return array("q", [base + o for o in offsets]), end
        return array("q", [_wrap64(base + o) for o in offsets]), end
    if enc == RAW64:
        end = pos + 8 * n
        if len(blob) < end:
            raise CorruptChunk("corrupt metric chunk: truncated data")
        return _from_le("q", blob[pos:end]), end
    raise CorruptChunk("corrupt metric chunk: unknown integer encoding %d" % enc)


def decode_chunk(blob):
    """(steps, times, values) of a `data` blob; raises CorruptChunk as seriescodec.cpp's decodeChunk does."""
    blob = bytes(blob)
    if len(blob) < 8:
        raise CorruptChunk("corrupt metric chunk: truncated data")
    fmt, step_enc, time_enc, value_enc, n = _HEAD.unpack_from(blob, 0)
    if fmt != CHUNK_FORMAT:
        raise CorruptChunk("corrupt metric chunk: unknown format %d" % fmt)
    if value_enc != 0 or n > 16 * CHUNK_CAPACITY:
        raise CorruptChunk("corrupt metric chunk: bad header")
    if (step_enc == ARITHMETIC or time_enc == ARITHMETIC) and n < 2 and n != 0:
        raise CorruptChunk("corrupt metric chunk: bad header")
    steps, pos = _decode_ints(blob, 8, step_enc, n)
    times, pos = _decode_ints(blob, pos, time_enc, n)
    end = pos + 8 * n
    if len(blob) < end:
        raise CorruptChunk("corrupt metric chunk: truncated data")
    if len(blob) != end:
        raise CorruptChunk("corrupt metric chunk: trailing bytes")
    return steps, times, _from_le("d", blob[pos:end])


def has_nans(values):
    """Whether any value is NaN. A float sum has no NaN unless a value is NaN or both infinities occur; it is
    one pass in C, several times faster than testing each value."""
    total = sum(values)
    return total != total and any(map(isnan, values))


# A bucket: [first_step, last_step, min_step, max_step, first, last, min, max, count, nan_count]


def _bucket(steps, values, a, b, has_nan):
    """The bucket of points a..b-1 (Bucket::of and Bucket::add: the first occurrence of an extreme wins)."""
    part = values[a:b]
    first = part[0]
    if has_nan:
        nans = sum(map(isnan, part))
    else:
        nans = 0
    if nans == 0:
        lo = min(part)
        hi = max(part)
        lo_at = a + part.index(lo)
        hi_at = a + part.index(hi)
    elif nans == b - a:
        lo = hi = first
        lo_at = hi_at = a
    else:
        lo = hi = None
        lo_at = hi_at = a
        for i in range(a, b):
            v = values[i]
            if v != v:
                continue
            if lo is None or v < lo:
                lo, lo_at = v, i
            if hi is None or v > hi:
                hi, hi_at = v, i
    return [steps[a], steps[b - 1], steps[lo_at], steps[hi_at], first, values[b - 1], lo, hi, b - a, nans]


def _merge(buckets, factor):
    """Bucket::merge over groups of `factor` consecutive buckets."""
    out = []
    for k in range(0, len(buckets), factor):
        b = list(buckets[k])
        for nxt in buckets[k + 1:k + factor]:
            b[1] = nxt[1]
            b[5] = nxt[5]
            b[8] += nxt[8]
            b[9] += nxt[9]
            lo = nxt[6]
            if lo == lo and (b[6] != b[6] or lo < b[6]):
                b[6] = lo
                b[2] = nxt[2]
            hi = nxt[7]
            if hi == hi and (b[7] != b[7] or hi > b[7]):
                b[7] = hi
                b[3] = nxt[3]
        out.append(b)
    return out


def _sketch_blob(levels):
    parts = [_SKETCH_HEAD.pack(SKETCH_FORMAT, len(levels), 0)]
    pack = _BUCKET.pack
    for size, buckets in levels:
        parts.append(_LEVEL_HEAD.pack(size, len(buckets)))
        parts.extend(pack(*b) for b in buckets)
    return b"".join(parts)


def encode_sketches(steps, values):
    """(sketch, detail, whole): the chunk's sketch blob (levels 256, 1024, 4096) and its chunk_details blob
    (64), as encodeSketch(points) and encodeSketch(points, {64}) write them, and the bucket of all the points
    (of a chunk of at most 4096: the one bucket of level 4096)."""
    n = len(values)
    has_nan = has_nans(values)
    detail = [_bucket(steps, values, a, min(n, a + DETAIL_LEVEL), has_nan) for a in range(0, n, DETAIL_LEVEL)]
    levels = []
    current, size = detail, DETAIL_LEVEL
    for level in SKETCH_LEVELS:
        current = _merge(current, level // size)
        size = level
        levels.append((level, current))
    whole = _merge(current, len(current))[0]
    return _sketch_blob(levels), _sketch_blob([(DETAIL_LEVEL, detail)]), whole


def decode_sketch(blob):
    """{bucket size: [bucket, ...]} of a sketch blob (for tests and checks)."""
    blob = bytes(blob)
    fmt, count, _ = _SKETCH_HEAD.unpack_from(blob, 0)
    if fmt != SKETCH_FORMAT:
        raise CorruptChunk("unknown sketch format %d" % fmt)
    pos = 4
    out = {}
    for _ in range(count):
        size, m = _LEVEL_HEAD.unpack_from(blob, pos)
        pos += 8
        out[size] = [list(_BUCKET.unpack_from(blob, pos + 72 * i)) for i in range(m)]
        pos += 72 * m
    if pos != len(blob):
        raise CorruptChunk("sketch: trailing bytes")
    return out
