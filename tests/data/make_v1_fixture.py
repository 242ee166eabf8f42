#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes runlens-v1.sql: a database as Runlens schema version 1 left it, for the migration test.

The tables come from migration 1 in models/store/schema.cpp (migrations never change once released); the metric
chunk is encoded here from models/series/SERIES_FORMAT.md with the standard library alone, as the Python client
does, and carries no sketch (which the format allows).
"""
import pathlib
import re
import sqlite3
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
schema = (ROOT / "models" / "schema.cpp").read_text()
v1 = schema[schema.index("QStringList version1()"):schema.index("QStringList version2()")]
statements = [s for s in re.findall(r'QStringLiteral\((?:R"\((.*?)\)"|"(.*?)")\)', v1, re.S)]
statements = [a or b for a, b in statements]

def chunk(points):
    """Format 1: steps as Offset32 (2), timestamps Raw64 (0), values float64."""
    out = struct.pack("<BBBBI", 1, 2, 0, 0, len(points))
    base = points[0][0]
    out += struct.pack("<q", base) + b"".join(struct.pack("<i", s - base) for s, _, _ in points)
    out += b"".join(struct.pack("<q", t) for _, t, _ in points)
    out += b"".join(struct.pack("<d", v) for _, _, v in points)
    return out

db = sqlite3.connect(":memory:")
for s in statements:
    db.execute(s)
db.execute("INSERT INTO experiments VALUES (1, 'legacy', 'made by schema 1', 'active', 1600000000000, "
           "1600000000000, NULL)")
db.execute("INSERT INTO runs(rid, id, experiment, name, status, start_ms, end_ms, user, parent_id, lifecycle, "
           "updated_ms) VALUES (1, '00000000000000000000000000000001', 1, 'old-run', 'FINISHED', 1600000000000, "
           "1600000360000, 'ana', '', 'active', 1600000360000)")
db.execute("INSERT INTO params VALUES (1, 'lr', '0.01')")
db.execute("INSERT INTO run_tags VALUES (1, 'mlflow.runName', 'old-run')")
points = [(s * 3, 1600000000000 + s * 1000 + (s % 2), 1.0 / (s + 1)) for s in range(100)]
points[50] = (150, points[50][1], float("nan"))
db.execute("INSERT INTO series(id, run, key, count, last, last_step, last_ts, min, max, step_min, step_max, "
           "tail_step, ordered) VALUES (1, 1, 'loss', 100, ?, 297, ?, ?, 1.0, 0, 297, 297, 1)",
           (points[-1][2], points[-1][1], min(v for _, _, v in points if v == v)))
db.execute("INSERT INTO chunks(series, seq, count, step_min, step_max, ts_min, ts_max, sketch, data) "
           "VALUES (1, 0, 100, 0, 297, ?, ?, NULL, ?)", (points[0][1], points[-1][1], chunk(points)))
db.commit()
lines = [f"PRAGMA application_id = {0x524C4E53};", "PRAGMA user_version = 1;"]
lines += [l for l in db.iterdump() if l not in ("BEGIN TRANSACTION;", "COMMIT;")]
(pathlib.Path(__file__).parent / "runlens-v1.sql").write_text("\n".join(lines) + "\n")
