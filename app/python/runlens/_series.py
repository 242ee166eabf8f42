# SPDX-License-Identifier: GPL-3.0-or-later
"""Appending points to a series, as models/series/seriesengine.cpp's appendPoints does: the summary row updated
exactly, a trailing chunk that is not full merged with the new points, chunks of at most 4096 points each with
its sketch and its chunk_details row. Runs inside the caller's write transaction."""

from itertools import islice
from math import isnan
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


def _summarise(row, steps, times, values):
    """The series row (count, last, last_step, last_ts, min, max, step_min, step_max, tail_step, ordered)
    after appending the points."""
    count, last, last_step, last_ts, lo, hi, step_min, step_max, tail_step, ordered = row
    n = len(values)
    nan = float("nan")
    last = nan if last is None else last
    lo = nan if lo is None else lo
    hi = nan if hi is None else hi
    ordered = bool(ordered)
    best = (last_step, last_ts, last)
    first = 0
    if count == 0:
        best = (steps[0], times[0], values[0])
        step_min = step_max = tail_step = steps[0]
        first = 1
    # The last point: only points with the greatest step can be it; in logging order, ties keep the earlier.
    listed = steps.tolist()
    top = max(listed)
    if top >= best[0]:
        i = first
        while True:
            try:
                i = listed.index(top, i)
            except ValueError:
                break
            p = (steps[i], times[i], values[i])
            if _later(p, best):
                best = p
            i += 1
    if ordered:
        prev = listed[0] if first == 1 else tail_step
        if (first < n and listed[first] < prev) or not all(map(le, listed, islice(listed, 1, None))):
            ordered = False
    if _codec.has_nans(values):
        numbers = [v for v in values if v == v]
    else:
        numbers = values
    if numbers:
        m = min(numbers)
        if lo != lo or m < lo:
            lo = m
        m = max(numbers)
        if hi != hi or m > hi:
            hi = m
    step_min = min(step_min, min(steps))
    step_max = max(step_max, top)
    return (count + n, _real_or_none(best[2]), best[0], best[1], _real_or_none(lo), _real_or_none(hi), step_min,
            step_max, steps[-1], 1 if ordered else 0)


def _write_chunks(c, series_id, seq, steps, times, values):
    cap = _codec.CHUNK_CAPACITY
    for start in range(0, len(values), cap):
        s = steps[start:start + cap]
        t = times[start:start + cap]
        v = values[start:start + cap]
        sketch, detail = _codec.encode_sketches(s, v)
        cur = c.execute(
            "INSERT INTO chunks(series, seq, count, step_min, step_max, ts_min, ts_max, sketch, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (series_id, seq, len(v), min(s), max(s), min(t), max(t), sketch, _codec.encode_chunk(s, t, v)))
        c.execute("INSERT INTO chunk_details(chunk, sketch) VALUES (?, ?)", (cur.lastrowid, detail))
        seq += 1


def append_points(c, rid, key, steps, times, values):
    """Appends the points (arrays of equal length) to the series (rid, key), creating it when missing."""
    if not values:
        return
    row = c.execute("SELECT id, count, last, last_step, last_ts, min, max, step_min, step_max, tail_step, "
                    "ordered FROM series WHERE run = ? AND key = ?", (rid, key)).fetchone()
    if row is None:
        series_id = c.execute("INSERT INTO series(run, key) VALUES (?, ?)", (rid, key)).lastrowid
        row = (series_id, 0, None, None, None, None, None, None, None, None, 1)
    series_id = row[0]
    summary = _summarise(tuple(0 if v is None and i in (2, 3, 6, 7, 8) else v for i, v in enumerate(row[1:])),
                         steps, times, values)
    # A trailing chunk that is not full is rewritten together with the new points, so that a live logger's
    # points end up in full chunks; its cost is bounded by one chunk.
    tail = c.execute("SELECT id, seq, count, data FROM chunks WHERE series = ? ORDER BY seq DESC LIMIT 1",
                     (series_id,)).fetchone()
    seq = 0
    if tail is not None:
        seq = tail[1] + 1
        if tail[2] < _codec.CHUNK_CAPACITY:
            s, t, v = _codec.decode_chunk(tail[3])
            s.extend(steps)
            t.extend(times)
            v.extend(values)
            steps, times, values = s, t, v
            seq = tail[1]
            c.execute("DELETE FROM chunks WHERE id = ?", (tail[0],))
    _write_chunks(c, series_id, seq, steps, times, values)
    c.execute("UPDATE series SET count = ?, last = ?, last_step = ?, last_ts = ?, min = ?, max = ?, step_min = ?, "
              "step_max = ?, tail_step = ?, ordered = ? WHERE id = ?", summary + (series_id,))


def next_steps(c, rid):
    """{key: the step after its last one} of a run's series (where a resumed run continues)."""
    return {key: last_step + 1 for key, last_step in c.execute(
        "SELECT key, last_step FROM series WHERE run = ? AND count > 0", (rid,))}
