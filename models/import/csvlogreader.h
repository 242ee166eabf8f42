// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads metric logs kept as delimited text or as JSON lines into SourceRuns: PyTorch Lightning's CSVLogger
// (`version_N/metrics.csv` + `hparams.yaml`), Keras' CSVLogger, DVCLive `.tsv` plots, Talos scan results,
// any CSV/TSV with a step column, and JSON-lines logs. Never writes to the source.
//
// The rules, in one place (tests/tst_csvlogreader.cpp checks each of them):
//
// By content: a file of any name is a CSV/TSV log when its first 8 KiB (whole lines) hold a header row of 2
// to 1000 names (none a number, no control characters; not starting with `{` or `[`) and at least one row
// below it, every row among the first 20 with as many fields as the header and at least one number; when
// the header names a step column (step, global_step, iteration, iter, epoch, round_epochs) its cells are
// integers, otherwise every cell is a number or empty. So Keras' `training.log` is one, a Python traceback,
// a logging module's text or a JSON-lines .log is not. A folder walk reads .csv and .tsv files, and .log
// and .txt files that pass this test; a folder is a CSV log folder when it holds (within four levels) a
// metrics.csv, a .tsv inside a folder named dvclive, or a .csv/.tsv/.log/.txt file that passes it (at most
// 200 files read).
//
// Text: RFC 4180 (quoted fields may hold separators, doubled quotes and line breaks; text after a closing
// quote is kept), a UTF-8 byte-order mark at the start is skipped, LF, CRLF and CR line ends, blank lines
// ignored. The separator is a tab for .tsv files, otherwise a comma unless the header line holds tabs and no
// commas. Header names are trimmed; an empty name becomes `column<N>` (1-based), a repeated one gets `.1`,
// `.2`, ... (as pandas does) with a warning.
//
// Numbers: decimal or exponent notation with an optional sign, and nan / inf / infinity in any case. Empty
// cells mean "not logged in this row" (Lightning writes train and validation rows interleaved, sparse).
//
// Step: Lightning uses `step`. Otherwise the first header name found in this order, compared
// case-insensitively: step, global_step, iteration, iter, epoch (so Keras' `epoch` is the step). Failing
// that, the first column whose cells in the first 100 rows are all integers, non-decreasing and not all equal
// (at least two rows) -- the time column excepted. Failing that, the 0-based index of the data row. A row
// whose step cell is empty or not an integer (1.0 and 1e3 count as integers) is skipped with a warning.
//
// Epoch: when `epoch` is not the step it is a metric like any other (Lightning logs it in every row), except
// that a point with the same step and value as the epoch point before it is dropped, so interleaved train and
// validation rows of one step do not log it twice.
//
// Time: a column named timestamp, _timestamp, time, wall_time or walltime (case-insensitive) gives each row's
// timestamp when its first non-empty cell is an absolute time: a number >= 1e8 (by magnitude: >= 1e17
// nanoseconds, >= 1e14 microseconds, >= 1e11 milliseconds, else seconds -- 1e11 ms is 1973, 1e11 s is year
// 5138) or an ISO 8601 date-time. A smaller number there (elapsed seconds) makes it an ordinary metric.
// Without a time column every point gets the file's modification time. Run start/end are the smallest and
// greatest point timestamps.
//
// Other columns: a column with any numeric cell is a metric; its non-numeric cells are skipped with a
// warning naming file, line and column. A column holding only text is a param when the text is the same in
// every row that has it (e.g. a model name), otherwise skipped with a warning. Rows with the wrong number of
// fields are skipped with a warning; an unterminated quote ends the file with a warning (the rows before it
// are kept). At most 20 detailed warnings per file, then one summary. At most 100,000 columns.
//
// Lightning: a CSV whose header has `step` and also `epoch`, or that sits next to an hparams.yaml, or is a
// metrics.csv in a version_* folder. Run name: the folder name (version_1). hparams.yaml becomes params:
// nested mappings flattened as `a.b.c`, sequences (and mappings inside them) as YAML flow text
// (`[0.9, 0.999]`), scalars as written, null as `null`, empty mappings as `{}`. A value tagged
// `!!python/tuple` is a sequence; any other `!!python/...` value is skipped and one warning names the file
// and the keys (a tagged document root is read as the mapping it is). Constant text columns of the CSV add
// params; hparams.yaml wins on a clash.
//
// Keras: header starting with `epoch` and without `step`; the step is the epoch.
//
// Talos (a scan result, one row per trained model, `<scan folder>/<timestamp>.csv`): header with
// `round_epochs`. Each row is its own run named `<file base name> #<row>` (1-based) with sourceKey
// `<key>#<row>`, in the experiment named after the file's folder (the scan). Metrics, each a single point at
// step = the row's round_epochs (0, with a warning, when that is not an integer) with the file's time:
// round_epochs and the block of columns after it that ends at the last column named loss, val_<x>, or <x>
// where val_<x> exists. Every other column is a param, kept as written (True, 0.2, relu). An empty file (an
// aborted scan) gives a warning naming it and no run.
//
// DVCLive: in a folder import, .tsv files whose header is `step<TAB>name` or `timestamp<TAB>step<TAB>name`
// (timestamps in epoch milliseconds) are one run per DVCLive folder (the nearest enclosing folder named
// `dvclive`, else the file's folder). Metric key: the file's path below that folder (below plots/metrics/
// when present) without extension, e.g. `train/loss`. Params from params.yaml in that folder, else in its
// parent. Name: the parent folder's name for a folder named dvclive, else the folder's name. sourceKey: the
// folder's path relative to the import root ("." for the root itself).
//
// JSON lines: one object per line is one step. The step is the first of step, _step, global_step, epoch that
// the line has (an integral number), else the 0-based index of the line among non-empty lines; the time is
// the first of timestamp, _timestamp, time (number by magnitude as above, or ISO 8601), else the file's
// modification time. Numbers (and the strings "NaN", "Infinity", "-Infinity") are metrics; nested objects are
// flattened with "/". Strings and booleans are params when constant across lines, else skipped with a
// warning; arrays are skipped with a warning; null means "not logged". Malformed lines are skipped with a
// warning naming the line. Lines longer than 64 MiB are skipped.
//
// Runs: status FINISHED, experiment empty. sourceKey is the file's path relative to the import root (for a
// single-file import its name), so it stays stable when the tree moves; a Lightning metrics.csv directly in
// the import root keeps its version folder (`version_N/metrics.csv`), so importing lightning_logs, one
// version folder or one metrics.csv gives the same key. Name: the file's base name unless said otherwise
// above. A file with neither points nor params yields no run (with a warning).

#include "import/importsource.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace runlens::import {

enum class CsvFlavor { Unknown, Lightning, Keras, Generic, Talos };

// Unknown when the file cannot be read or has no usable header line.
CsvFlavor detectCsvFlavor(const QString &file);
// A .csv/.tsv file or any file that is a CSV/TSV log by content, or a folder holding one (see "By content").
bool looksLikeCsvLog(const QString &path);
// A .jsonl/.ndjson file, a .json/.log file whose first non-empty line is a JSON object, or a folder holding
// (within four levels) .jsonl/.ndjson files.
bool looksLikeJsonLines(const QString &path);
// File or folder (every .csv file one run, .tsv files one run each unless DVCLive plots, .log/.txt files that
// are CSV logs by content one run each, see above). Throws runlens::Error when the path does not exist or a
// folder holds no CSV/TSV log, naming what it looked for; all else becomes warnings.
void readCsvLog(const QString &path, ImportSink &sink);
// File or folder of .jsonl/.ndjson files, each one run. Throws runlens::Error as readCsvLog.
void readJsonLines(const QString &path, ImportSink &sink);

// What the buffer-level readers need to know about the file a buffer came from.
struct LogFileInfo
{
    QString file;      // named in diagnostics
    QString sourceKey; // SourceRun::sourceKey
    QString runName;
    QString experiment; // SourceRun::experiment: a Talos scan's folder; empty: the import's
    // Timestamp of points without a time of their own, and the run's end when the log holds no times: the
    // file's modification time (the log's last write).
    qint64 fallbackMs = 0;
    // When the run began if something other than the log tells (a Lightning version folder's birth); empty:
    // unknown unless the log has a time column.
    std::optional<qint64> startMs;
    char separator = 0;                    // ',' or '\t'; 0 guesses from the header line
    CsvFlavor flavor = CsvFlavor::Unknown; // Unknown: detected from the header line alone
    QMap<QString, QString> params;         // e.g. from hparams.yaml
};

// Reads one CSV/TSV log held in memory and hands its run(s) to sink. Returns false when the sink asked to
// stop. Used by readCsvLog, the tests and the fuzz target.
bool parseCsvBuffer(const QByteArray &data, const LogFileInfo &info, ImportSink &sink);
// The same for one JSON-lines log.
bool parseJsonLinesBuffer(const QByteArray &data, const LogFileInfo &info, ImportSink &sink);
// Adds the flattened contents of a YAML mapping (hparams.yaml, params.yaml) to params, as described above;
// problems become warnings naming file.
void readYamlParams(const QByteArray &yaml, const QString &file, QMap<QString, QString> &params,
                    ImportSink &sink);

} // namespace runlens::import
