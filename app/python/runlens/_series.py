# SPDX-License-Identifier: GPL-3.0-or-later
"""Appending points to a series, as models/series/seriesengine.cpp's appendPoints does: the summary row updated
exactly, a trailing chunk that is not full merged with the new points, chunks of at most 4096 points each with
its sketch and its chunk_details row. Runs inside the caller's write transaction."""

from itertools import islice
from operator import le

from . import _codec


def _real_or_none(v):
    return None if v != v else v


def _later(a, b):
    """isLaterThan(a, b) of (step, ts, value): greater step, then timestamp, then value with NaN lowest."""
    if a[0] != b[0]:
        return a[0] > b[0]
    if a[1] != b[1]:
        return a[1] > b[1]
    if b[2] != b[2]:
        return a[2] == a[2]
    return a[2] == a[2] and a[2] > b[2]


class _Chunk:
    __slots__ = ("step_min", "step_max", "rising", "first_step", "last_step", "whole", "start", "end")


def _write_chunks(c, series_id, seq, steps, times, values):
    """Writes the points as chunks from `seq` on; returns what the summary needs of each (_Chunk)."""
    cap = _codec.CHUNK_CAPACITY
    out = []
    for start in range(0, len(values), cap):
        s = steps[start:start + cap]
        t = times[start:start + cap]
        v = values[start:start + cap]
        data, (_, smin, smax, rising), (_, tmin, tmax, _) = _codec.encode_chunk_stats(s, t, v)
        sketch, detail, whole = _codec.encode_sketches(s, v)
        cur = c.execute(
            "INSERT INTO chunks(series, seq, count, step_min, step_max, ts_min, ts_max, sketch, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (series_id, seq, len(v), smin, smax, tmin, tmax, sketch, data))
        c.execute("INSERT INTO chunk_details(chunk, sketch) VALUES (?, ?)", (cur.lastrowid, detail))
        info = _Chunk()
        info.step_min, info.step_max, info.rising = smin, smax, rising
        info.first_step, info.last_step = s[0], s[-1]
        info.whole, info.start, info.end = whole, start, start + len(v)
        out.append(info)
        seq += 1
    return out


def append_points(c, rid, key, steps, times, values):
    """Appends the points (arrays of equal length) to the series (rid, key), creating it when missing."""
    if not values:
        return
    row = c.execute("SELECT id, count, last, last_step, last_ts, min, max, step_min, step_max, tail_step, "
                    "ordered FROM series WHERE run = ? AND key = ?", (rid, key)).fetchone()
    if row is None:
        series_id = c.execute("INSERT INTO series(run, key) VALUES (?, ?)", (rid, key)).lastrowid
        row = (series_id, 0, None, None, None, None, None, None, None, None, 1)
    series_id, count, last, last_step, last_ts, lo, hi, step_min, step_max, tail_step, ordered = row
    nan = float("nan")
    # A trailing chunk that is not full is rewritten together with the new points, so that a live logger's
    # points end up in full chunks; its cost is bounded by one chunk.
    tail = c.execute("SELECT id, seq, count, data FROM chunks WHERE series = ? ORDER BY seq DESC LIMIT 1",
                     (series_id,)).fetchone()
    seq = 0
    all_steps, all_times, all_values = steps, times, values
    merged = False
    if tail is not None:
        seq = tail[1] + 1
        if tail[2] < _codec.CHUNK_CAPACITY:
            all_steps, all_times, all_values = _codec.decode_chunk(tail[3])
            all_steps.extend(steps)
            all_times.extend(times)
            all_values.extend(values)
            merged = True
            seq = tail[1]
            c.execute("DELETE FROM chunks WHERE id = ?", (tail[0],))
    chunks = _write_chunks(c, series_id, seq, all_steps, all_times, all_values)

    # The summary, as appendPoints computes it point by point. Points of a merged tail chunk were logged
    # before and lie within the old summary, so the chunks' ranges and extremes may include them.
    if count == 0:
        best = (steps[0], times[0], values[0])
        step_min = min(ch.step_min for ch in chunks)
        step_max = max(ch.step_max for ch in chunks)
        lo = hi = nan
        scan_from = 1
    else:
        best = (last_step, last_ts, nan if last is None else last)
        step_min = min([step_min] + [ch.step_min for ch in chunks])
        step_max = max([step_max] + [ch.step_max for ch in chunks])
        lo = nan if lo is None else lo
        hi = nan if hi is None else hi
        scan_from = 0
    # The last point: only new points with the greatest step can be it; in logging order, ties keep the earlier.
    if step_max >= best[0]:
        listed = steps.tolist()
        i = scan_from
        while True:
            try:
                i = listed.index(step_max, i)
            except ValueError:
                break
            p = (steps[i], times[i], values[i])
            if _later(p, best):
                best = p
            i += 1
    # Ordered while no logged step is below the one before: within each chunk, across their boundaries, and
    # from the series' tail to the first new point (inside a merged chunk when there is one).
    if ordered:
        if count > 0 and not merged and steps[0] < tail_step:
            ordered = 0
        for k, ch in enumerate(chunks):
            if not ordered:
                break
            if k and chunks[k - 1].last_step > ch.first_step:
                ordered = 0
            elif ch.rising is None:
                part = all_steps[ch.start:ch.end].tolist()
                if not all(map(le, part, islice(part, 1, None))):
                    ordered = 0
            elif not ch.rising and ch.step_min != ch.step_max:
                ordered = 0
    # Extremes over the non-NaN values, the first occurrence winning: each chunk's whole bucket is exactly
    # that over its points, and old points in a merged chunk are never below (above) the old extreme.
    for ch in chunks:
        w = ch.whole
        if w[9] == w[8]:
            continue  # only NaN
        if lo != lo or w[6] < lo:
            lo = w[6]
        if hi != hi or w[7] > hi:
            hi = w[7]
    summary = (count + len(values), _real_or_none(best[2]), best[0], best[1], _real_or_none(lo), _real_or_none(hi),
               step_min, step_max, steps[-1], 1 if ordered else 0)
    c.execute("UPDATE series SET count = ?, last = ?, last_step = ?, last_ts = ?, min = ?, max = ?, step_min = ?, "
              "step_max = ?, tail_step = ?, ordered = ? WHERE id = ?", summary + (series_id,))


def next_steps(c, rid):
    """{key: the step after its last one} of a run's series (where a resumed run continues)."""
    return {key: last_step + 1 for key, last_step in c.execute(
        "SELECT key, last_step FROM series WHERE run = ? AND count > 0", (rid,))}
