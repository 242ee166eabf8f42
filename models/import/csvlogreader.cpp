// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/csvlogreader.h"
#include "core/sourcefile.h"

#include "core/csvscanner.h"
#include "core/error.h"
#include "core/jsonformat.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace runlens::import {
namespace {

constexpr qsizetype MaxColumns = 100000;
constexpr qint64 MaxDetailedWarnings = 20;
constexpr qsizetype MaxJsonLine = qsizetype(64) << 20;
constexpr qint64 MaxYamlBytes = qint64(16) << 20;
constexpr qint64 MaxProbeBytes = qint64(1) << 20; // read by the looksLike/detect functions
constexpr qint64 ContentProbeBytes = 8192;        // read to tell a CSV log by its content
constexpr int ContentProbeRows = 20;
constexpr int ContentProbeFiles = 200; // files a folder probe reads to tell CSV logs by their content
constexpr int PrescanRows = 100;
constexpr qint64 CancelCheckRows = 65536;
constexpr int TreeProbeDepth = 4;
constexpr int TreeProbeEntries = 20000;

QString latin(const char *s)
{
    return QString::fromLatin1(s);
}

// The start of a cell, for messages.
QByteArray clip(QByteArrayView v)
{
    return v.first(std::min<qsizetype>(v.size(), 60)).toByteArray();
}

// Warnings about one file, at most MaxDetailedWarnings line-level ones followed by a count of the rest, so a
// file of a million bad rows does not bury the user (or the memory) in messages.
class Diagnostics
{
public:
    Diagnostics(const QString &file, ImportSink *sink)
        : m_file(file)
        , m_sink(sink)
    {}
    ~Diagnostics()
    {
        if (m_sink && m_lineWarnings > MaxDetailedWarnings)
            m_sink->warning(
                {m_file,
                 QStringLiteral("%1 more problem(s) not listed").arg(m_lineWarnings - MaxDetailedWarnings)});
    }
    Diagnostics(const Diagnostics &) = delete;
    Diagnostics &operator=(const Diagnostics &) = delete;

    void line(qint64 line, const QString &message)
    {
        if (m_sink && ++m_lineWarnings <= MaxDetailedWarnings)
            m_sink->warning({m_file, QStringLiteral("line %1: %2").arg(line).arg(message)});
    }
    void countUnlisted(qint64 n) { m_lineWarnings += n; }
    void note(const QString &message)
    {
        if (m_sink)
            m_sink->warning({m_file, message});
    }
    // Values left out, counted by kind in the import report (besides the warnings that say where).
    void skipped(const QString &what, qint64 count)
    {
        if (m_sink && count > 0)
            m_sink->skipped(what, count);
    }

private:
    QString m_file;
    ImportSink *m_sink;
    qint64 m_lineWarnings = 0;
};

// ---- numbers and times
// -------------------------------------------------------------------------------------

inline void trimSpaces(const char *&b, const char *&e)
{
    while (b < e && (*b == ' ' || *b == '\t'))
        ++b;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        --e;
}

enum class Cell { Empty, Number, Text };

// from_chars accepts decimal, exponent, nan and inf/infinity in any case and a leading '-', but no '+'.
inline Cell parseDouble(const char *b, const char *e, double &out)
{
    trimSpaces(b, e);
    if (b == e)
        return Cell::Empty;
    if (*b == '+') {
        ++b;
        if (b == e || *b == '-' || *b == '+')
            return Cell::Text;
    }
    const auto r = std::from_chars(b, e, out, std::chars_format::general);
    if (r.ptr != e)
        return Cell::Text;
    if (r.ec == std::errc())
        return Cell::Number;
    if (r.ec == std::errc::result_out_of_range) { // 1e400, 1e-400: what strtod makes of them (+-HUGE_VAL, 0)
        const std::string copy(b, e);
        out = std::strtod(copy.c_str(), nullptr);
        return Cell::Number;
    }
    return Cell::Text;
}

std::optional<qint64> integralFromDouble(double v)
{
    if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) >= 9.2e18)
        return std::nullopt;
    return qint64(v);
}

// Integers, also written as 1.0 or 1e3 (pandas writes float steps when a column has gaps).
std::optional<qint64> parseInteger(const char *b, const char *e)
{
    trimSpaces(b, e);
    if (b == e)
        return std::nullopt;
    if (*b == '+' && e - b > 1 && b[1] != '-')
        ++b;
    qint64 v = 0;
    const auto r = std::from_chars(b, e, v);
    if (r.ec == std::errc() && r.ptr == e)
        return v;
    double d = 0;
    if (parseDouble(b, e, d) != Cell::Number)
        return std::nullopt;
    return integralFromDouble(d);
}

// Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by magnitude.
std::optional<qint64> epochMs(double v)
{
    if (!std::isfinite(v))
        return std::nullopt;
    const double a = std::fabs(v);
    const double ms = a >= 1e17 ? v / 1e6 : a >= 1e14 ? v / 1e3 : a >= 1e11 ? v : v * 1e3;
    if (std::fabs(ms) >= 9.2e18)
        return std::nullopt;
    return qint64(std::llround(ms));
}

constexpr double MinAbsoluteTime = 1e8; // 1973-03-03 in seconds: anything smaller is an elapsed time

std::optional<qint64> isoMs(const QString &text)
{
    const QString t = text.trimmed();
    if (t.size() < 10 || !t.at(0).isDigit())
        return std::nullopt;
    const QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toMSecsSinceEpoch();
}

bool sameValue(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

// ---- columns and what a file amounts to
// --------------------------------------------------------------------

struct BadCell
{
    qint64 line;
    QByteArray text;
};

// One CSV column or one (flattened) JSON key while a file is read.
struct Column
{
    QString name;
    bool isEpoch = false; // drop a point equal to the previous one (same step and value)
    std::vector<MetricPoint> points;
    qint64 textCells = 0;
    QByteArray firstText;
    bool textVaries = false;
    std::vector<BadCell> bad; // the first few text cells, for warnings should this turn out to be a metric

    void addPoint(qint64 step, qint64 ts, double v)
    {
        if (isEpoch && !points.empty() && points.back().step == step && sameValue(points.back().value, v))
            return;
        points.push_back({step, ts, v});
    }
    void addText(QByteArrayView text, qint64 line)
    {
        if (textCells++ == 0)
            firstText = text.toByteArray();
        else if (!textVaries && text != QByteArrayView(firstText))
            textVaries = true;
        if (qint64(bad.size()) < MaxDetailedWarnings)
            bad.push_back({line, clip(text)});
    }
};

// What one log file holds once read.
struct Table
{
    std::vector<SourceMetric> metrics;
    QMap<QString, QString> params;
    std::optional<qint64> firstMs;
    std::optional<qint64> lastMs;

    void seeTime(qint64 ms)
    {
        if (!firstMs || ms < *firstMs)
            firstMs = ms;
        if (!lastMs || ms > *lastMs)
            lastMs = ms;
    }
};

// Columns with numbers become metrics (their text cells warned about), text-only columns params when
// constant.
void finishColumns(std::vector<Column> &columns, Table &table, Diagnostics &diag, const QString &what)
{
    for (Column &c : columns) {
        if (!c.points.empty()) {
            for (const BadCell &b : c.bad)
                diag.line(b.line, QStringLiteral("'%1' in %2 '%3' is not a number; value skipped")
                                      .arg(QString::fromUtf8(b.text), what, c.name));
            diag.countUnlisted(c.textCells - qint64(c.bad.size()));
            diag.skipped(QStringLiteral("text values in metric %1s").arg(what), c.textCells);
            table.metrics.push_back({c.name, std::move(c.points)});
        } else if (c.textCells > 0) {
            if (!c.textVaries) {
                table.params.insert(c.name, QString::fromUtf8(c.firstText));
            } else {
                diag.note(QStringLiteral("%1 '%2' holds text that differs between rows; skipped")
                              .arg(what, c.name));
                diag.skipped(QStringLiteral("text values in %1s that vary by row").arg(what), c.textCells);
            }
        }
    }
}

bool emitRun(Table &&table, const LogFileInfo &info, Diagnostics &diag, ImportSink &sink)
{
    QMap<QString, QString> params = info.params;
    for (auto it = table.params.cbegin(); it != table.params.cend(); ++it)
        if (!params.contains(it.key()))
            params.insert(it.key(), it.value());
    if (table.metrics.empty() && params.isEmpty()) {
        diag.note(QStringLiteral("no metric values or params; nothing imported"));
        return true;
    }
    SourceRun run;
    run.sourceKey = info.sourceKey;
    run.name = info.runName;
    run.status = RunStatus::Finished;
    // Times the log holds are the run's; without them the start is unknown (an invented one would show as a
    // duration) unless the caller knows it, and the end is the file's last write.
    run.startMs = table.firstMs ? table.firstMs : info.startMs;
    run.endMs = table.lastMs.value_or(info.fallbackMs);
    run.params = std::move(params);
    run.metrics = std::move(table.metrics);
    return sink.run(std::move(run));
}

// ---- RFC 4180 records (csvscanner.h)

using Field = CsvField;

bool isBlank(const std::vector<Field> &fields, qsizetype count)
{
    return count == 1 && fields.size() == 1 && fields[0].n == 0;
}

char guessSeparator(const char *b, const char *e)
{
    const char *limit = std::min(e, b + MaxProbeBytes);
    const char *nl = static_cast<const char *>(std::memchr(b, '\n', size_t(limit - b)));
    const char *le = nl ? nl : limit;
    const auto tabs = std::count(b, le, '\t');
    const auto commas = std::count(b, le, ',');
    return tabs > 0 && commas == 0 ? '\t' : ',';
}

bool isTextHeader(const std::vector<Field> &fields)
{
    for (const Field &f : fields)
        for (const char *c = f.p; c != f.end(); ++c) {
            const auto u = static_cast<unsigned char>(*c);
            if ((u < 0x20 && u != '\t') || u == 0x7f)
                return false;
        }
    return true;
}

QStringList headerNames(const std::vector<Field> &fields, Diagnostics *diag)
{
    QStringList names;
    names.reserve(qsizetype(fields.size()));
    QHash<QString, int> seen;
    for (qsizetype i = 0; i < qsizetype(fields.size()); ++i) {
        QString name = QString::fromUtf8(fields[size_t(i)].view()).trimmed();
        if (name.isEmpty())
            name = QStringLiteral("column%1").arg(i + 1);
        if (seen.contains(name)) {
            QString unique;
            for (int k = 1;; ++k) {
                unique = QStringLiteral("%1.%2").arg(name).arg(k);
                if (!seen.contains(unique))
                    break;
            }
            if (diag)
                diag->note(
                    QStringLiteral("column name '%1' appears more than once; the repeat is called '%2'")
                        .arg(name, unique));
            name = unique;
        }
        seen.insert(name, 1);
        names.append(name);
    }
    return names;
}

bool hasName(const QStringList &names, const char *name)
{
    return names.contains(latin(name));
}

CsvFlavor flavorFromNames(const QStringList &names, bool lightningHint)
{
    if (names.isEmpty())
        return CsvFlavor::Unknown;
    if (hasName(names, "round_epochs"))
        return CsvFlavor::Talos;
    if (hasName(names, "step") && (hasName(names, "epoch") || lightningHint))
        return CsvFlavor::Lightning;
    if (names.first() == latin("epoch") && !hasName(names, "step"))
        return CsvFlavor::Keras;
    return CsvFlavor::Generic;
}

// A CSV buffer positioned after its header.
struct CsvDocument
{
    CsvScanner scanner;
    QStringList names;
    CsvFlavor flavor = CsvFlavor::Unknown;
};

// Reads the header line. Without diag (probing) nothing is reported.
std::optional<CsvDocument> openCsv(const QByteArray &data, char separator, CsvFlavor flavor,
                                   Diagnostics *diag)
{
    const char *b = data.constData();
    const char *e = b + data.size();
    CsvScanner scanner(b, e, separator ? separator : guessSeparator(b, e));
    std::vector<Field> fields;
    qsizetype count = 0;
    CsvScanner::Result r;
    do
        r = scanner.next(fields, MaxColumns + 1, count);
    while (r == CsvScanner::Result::Record && isBlank(fields, count));
    auto say = [&](const QString &message) {
        if (diag)
            diag->note(message);
    };
    if (r == CsvScanner::Result::End) {
        say(QStringLiteral("empty file; nothing imported"));
        return std::nullopt;
    }
    if (r == CsvScanner::Result::Unterminated) {
        say(QStringLiteral("line %1: the header's quoted field is never closed; nothing imported")
                .arg(scanner.recordLine()));
        return std::nullopt;
    }
    if (count > MaxColumns) {
        say(QStringLiteral("line %1: more than %2 columns; nothing imported")
                .arg(scanner.recordLine())
                .arg(MaxColumns));
        return std::nullopt;
    }
    if (!isTextHeader(fields)) {
        say(QStringLiteral("line %1: the header holds control characters, not a CSV log; nothing imported")
                .arg(scanner.recordLine()));
        return std::nullopt;
    }
    QStringList names = headerNames(fields, diag); // before the scanner moves: fields may point into it
    CsvDocument doc{std::move(scanner), std::move(names), flavor};
    if (doc.flavor == CsvFlavor::Unknown)
        doc.flavor = flavorFromNames(doc.names, false);
    return doc;
}

const char *const StepNames[] = {"step", "global_step", "iteration", "iter", "epoch"};
const char *const TimeNames[] = {"timestamp", "_timestamp", "time", "wall_time", "walltime"};

int findName(const QStringList &names, const char *name)
{
    for (int i = 0; i < names.size(); ++i)
        if (names.at(i).compare(latin(name), Qt::CaseInsensitive) == 0)
            return i;
    return -1;
}

struct Prescan
{
    std::vector<QByteArray> first; // first non-empty cell per column
    std::vector<bool> allInteger, nonDecreasing, allEqual;
    std::vector<int> cells;
};

// Looks at the first rows to choose the step and time columns.
Prescan prescan(CsvScanner scanner, qsizetype ncols)
{
    Prescan p;
    p.first.resize(size_t(ncols));
    p.allInteger.assign(size_t(ncols), true);
    p.nonDecreasing.assign(size_t(ncols), true);
    p.allEqual.assign(size_t(ncols), true);
    p.cells.assign(size_t(ncols), 0);
    std::vector<qint64> last(size_t(ncols), 0);
    std::vector<Field> fields;
    qsizetype count = 0;
    int rows = 0;
    while (rows < PrescanRows && scanner.next(fields, ncols + 1, count) == CsvScanner::Result::Record) {
        if (isBlank(fields, count) || count != ncols)
            continue;
        ++rows;
        for (size_t c = 0; c < size_t(ncols); ++c) {
            const char *b = fields[c].p;
            const char *e = fields[c].end();
            trimSpaces(b, e);
            if (b == e)
                continue;
            if (p.cells[c]++ == 0)
                p.first[c] = QByteArray(b, e - b);
            const auto v = parseInteger(b, e);
            if (!v) {
                p.allInteger[c] = false;
                continue;
            }
            if (p.cells[c] > 1) {
                if (*v < last[c])
                    p.nonDecreasing[c] = false;
                if (*v != last[c])
                    p.allEqual[c] = false;
            }
            last[c] = *v;
        }
    }
    return p;
}

// True when a time column's first value is an absolute time (rather than elapsed seconds).
bool isAbsoluteTime(const QByteArray &first)
{
    if (first.isEmpty())
        return true;
    double v = 0;
    if (parseDouble(first.constData(), first.constData() + first.size(), v) == Cell::Number)
        return std::isfinite(v) && std::fabs(v) >= MinAbsoluteTime;
    return isoMs(QString::fromUtf8(first)).has_value();
}

bool readTable(CsvDocument &doc, const LogFileInfo &info, Diagnostics &diag, ImportSink &sink, Table &table)
{
    const QStringList &names = doc.names;
    const qsizetype ncols = names.size();
    const Prescan pre = prescan(doc.scanner, ncols);

    int timeCol = -1;
    for (const char *n : TimeNames) {
        const int i = findName(names, n);
        if (i >= 0) {
            if (isAbsoluteTime(pre.first[size_t(i)]))
                timeCol = i;
            break;
        }
    }
    int stepCol = -1;
    if (doc.flavor == CsvFlavor::Lightning)
        stepCol = int(names.indexOf(latin("step")));
    for (size_t k = 0; stepCol < 0 && k < std::size(StepNames); ++k)
        stepCol = findName(names, StepNames[k]);
    for (int i = 0; stepCol < 0 && i < ncols; ++i) {
        const size_t c = size_t(i);
        if (i != timeCol && pre.cells[c] >= 2 && pre.allInteger[c] && pre.nonDecreasing[c] &&
            !pre.allEqual[c])
            stepCol = i;
    }

    std::vector<Column> columns;
    std::vector<int> valueCols; // index into the record for each entry of columns
    for (int i = 0; i < ncols; ++i) {
        if (i == stepCol || i == timeCol)
            continue;
        Column c;
        c.name = names.at(i);
        c.isEpoch = c.name.compare(latin("epoch"), Qt::CaseInsensitive) == 0;
        columns.push_back(std::move(c));
        valueCols.push_back(i);
    }

    std::vector<Field> fields;
    qsizetype count = 0;
    qint64 rowIndex = 0;
    CsvScanner &sc = doc.scanner;
    for (;;) {
        const CsvScanner::Result r = sc.next(fields, ncols + 1, count);
        if (r == CsvScanner::Result::End)
            break;
        if (r == CsvScanner::Result::Unterminated) {
            diag.line(sc.recordLine(),
                      QStringLiteral("a quoted field is never closed; the rest of the file is ignored"));
            break;
        }
        if (isBlank(fields, count))
            continue;
        const qint64 line = sc.recordLine();
        const qint64 index = rowIndex++;
        if (index % CancelCheckRows == CancelCheckRows - 1 && sink.isCancelled())
            return false;
        if (count != ncols) {
            diag.line(
                line,
                QStringLiteral("%1 field(s) where the header has %2; row skipped").arg(count).arg(ncols));
            continue;
        }
        qint64 step = index;
        if (stepCol >= 0) {
            const Field &f = fields[size_t(stepCol)];
            const auto s = parseInteger(f.p, f.end());
            if (!s) {
                diag.line(line, QStringLiteral("step '%1' is not an integer; row skipped")
                                    .arg(QString::fromUtf8(clip(f.view()))));
                continue;
            }
            step = *s;
        }
        qint64 ts = info.fallbackMs;
        if (timeCol >= 0) {
            const Field &f = fields[size_t(timeCol)];
            double v = 0;
            const Cell kind = parseDouble(f.p, f.end(), v);
            std::optional<qint64> ms;
            if (kind == Cell::Number)
                ms = epochMs(v);
            else if (kind == Cell::Text)
                ms = isoMs(QString::fromUtf8(f.view()));
            if (ms) {
                ts = *ms;
                table.seeTime(ts); // only the log's own times make the run's start and end
            } else if (kind != Cell::Empty) {
                diag.line(line, QStringLiteral("time '%1' is not a time; using the file's time")
                                    .arg(QString::fromUtf8(clip(f.view()))));
            }
        }
        for (size_t k = 0; k < columns.size(); ++k) {
            const Field &f = fields[size_t(valueCols[k])];
            double v = 0;
            switch (parseDouble(f.p, f.end(), v)) {
            case Cell::Empty:
                break;
            case Cell::Number:
                columns[k].addPoint(step, ts, v);
                break;
            case Cell::Text: {
                const char *b = f.p;
                const char *e = f.end();
                trimSpaces(b, e);
                columns[k].addText(QByteArrayView(b, e - b), line);
                break;
            }
            }
        }
    }
    finishColumns(columns, table, diag, QStringLiteral("column"));
    return true;
}

// A Talos scan: one run per row.
bool readTalos(CsvDocument &doc, const LogFileInfo &info, Diagnostics &diag, ImportSink &sink)
{
    const QStringList &names = doc.names;
    const qsizetype ncols = names.size();
    const int roundCol = int(names.indexOf(latin("round_epochs")));
    auto isMetricName = [&](const QString &n) {
        return n == latin("loss") || n.startsWith(latin("val_")) || names.contains(latin("val_") + n);
    };
    int lastMetric = roundCol;
    for (int i = roundCol + 1; i < ncols; ++i)
        if (isMetricName(names.at(i)))
            lastMetric = i;
    std::vector<Field> fields;
    qsizetype count = 0;
    qint64 rowNo = 0;
    const QString base = info.runName;
    for (;;) {
        const CsvScanner::Result r = doc.scanner.next(fields, ncols + 1, count);
        if (r == CsvScanner::Result::End)
            break;
        if (r == CsvScanner::Result::Unterminated) {
            diag.line(doc.scanner.recordLine(),
                      QStringLiteral("a quoted field is never closed; the rest of the file is ignored"));
            break;
        }
        if (isBlank(fields, count))
            continue;
        const qint64 line = doc.scanner.recordLine();
        ++rowNo;
        if (count != ncols) {
            diag.line(
                line,
                QStringLiteral("%1 field(s) where the header has %2; row skipped").arg(count).arg(ncols));
            continue;
        }
        SourceRun run;
        run.sourceKey = QStringLiteral("%1#%2").arg(info.sourceKey).arg(rowNo);
        run.name = QStringLiteral("%1 #%2").arg(base).arg(rowNo);
        run.status = RunStatus::Finished;
        run.experiment = info.experiment;
        // A scan file holds no times: when a round began is unknown, the file was last written after it.
        run.startMs = info.startMs;
        run.endMs = info.fallbackMs;
        run.params = info.params;
        // Each metric is the round's result after its round_epochs epochs: that is its step.
        qint64 step = 0;
        if (roundCol >= 0) { // (a file read as Talos by request may lack the column)
            const Field &f = fields[size_t(roundCol)];
            if (const auto s = parseInteger(f.p, f.end()))
                step = *s;
            else
                diag.line(line, QStringLiteral("round_epochs '%1' is not an integer; the round's metrics "
                                               "are at step 0")
                                    .arg(QString::fromUtf8(clip(f.view()))));
        }
        for (int i = 0; i < ncols; ++i) {
            const Field &f = fields[size_t(i)];
            const char *b = f.p;
            const char *e = f.end();
            trimSpaces(b, e);
            if (b == e)
                continue;
            if (i >= roundCol && i <= lastMetric) {
                double v = 0;
                if (parseDouble(b, e, v) == Cell::Number)
                    run.metrics.push_back({names.at(i), {MetricPoint{step, info.fallbackMs, v}}});
                else
                    diag.line(line, QStringLiteral("'%1' in column '%2' is not a number; value skipped")
                                        .arg(QString::fromUtf8(clip(QByteArrayView(b, e - b))), names.at(i)));
            } else {
                run.params.insert(names.at(i), QString::fromUtf8(QByteArrayView(b, e - b)));
            }
        }
        if (!sink.run(std::move(run)))
            return false;
    }
    if (rowNo == 0)
        diag.note(QStringLiteral("no data rows; nothing imported"));
    return true;
}

// ---- JSON lines
// --------------------------------------------------------------------------------------------

std::optional<qint64> jsonInteger(const QJsonValue &v)
{
    if (v.isDouble())
        return integralFromDouble(v.toDouble());
    if (v.isString()) {
        const QByteArray s = v.toString().toUtf8();
        return parseInteger(s.constData(), s.constData() + s.size());
    }
    return std::nullopt;
}

// Absolute time from a JSON value, or nullopt (an elapsed time, or not a time).
std::optional<qint64> jsonTime(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (std::fabs(d) < MinAbsoluteTime)
            return std::nullopt;
        return epochMs(d);
    }
    if (v.isString())
        return isoMs(v.toString());
    return std::nullopt;
}

class JsonLinesReader
{
public:
    JsonLinesReader(const LogFileInfo &info, Diagnostics &diag)
        : m_info(info)
        , m_diag(diag)
    {}

    bool read(const QByteArray &data, ImportSink &sink, Table &table)
    {
        const char *p = data.constData();
        const char *e = p + data.size();
        if (e - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3;
        qint64 lineNo = 0;
        qint64 index = 0;
        while (p < e) {
            const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(e - p)));
            const char *le = nl ? nl : e;
            ++lineNo;
            const QByteArrayView line = QByteArrayView(p, le - p).trimmed();
            p = nl ? nl + 1 : e;
            if (line.isEmpty())
                continue;
            const qint64 lineIndex = index++;
            if (lineIndex % CancelCheckRows == CancelCheckRows - 1 && sink.isCancelled())
                return false;
            if (line.size() > MaxJsonLine) {
                m_diag.line(lineNo,
                            QStringLiteral("longer than %1 MiB; line skipped").arg(MaxJsonLine >> 20));
                continue;
            }
            QJsonParseError error;
            const QJsonDocument doc =
                QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &error);
            if (error.error != QJsonParseError::NoError) {
                m_diag.line(lineNo, QStringLiteral("not valid JSON (%1 at column %2); line skipped")
                                        .arg(error.errorString())
                                        .arg(error.offset + 1));
                continue;
            }
            if (!doc.isObject()) {
                m_diag.line(lineNo, QStringLiteral("not a JSON object; line skipped"));
                continue;
            }
            readObject(doc.object(), lineNo, lineIndex, table);
        }
        for (auto it = m_arrays.cbegin(); it != m_arrays.cend(); ++it)
            m_diag.note(QStringLiteral("key '%1' holds arrays (first on line %2); skipped")
                            .arg(it.key())
                            .arg(it.value()));
        m_diag.skipped(QStringLiteral("arrays"), m_arrayValues);
        if (m_tooDeep > 0)
            m_diag.note(QStringLiteral("%1 value(s) nested deeper than 64 objects; skipped").arg(m_tooDeep));
        m_diag.skipped(QStringLiteral("values nested deeper than 64 objects"), m_tooDeep);
        finishColumns(m_columns, table, m_diag, QStringLiteral("key"));
        return true;
    }

private:
    void readObject(const QJsonObject &o, qint64 lineNo, qint64 lineIndex, Table &table)
    {
        qint64 step = lineIndex;
        QString stepKey;
        for (const char *k : {"step", "_step", "global_step", "epoch"}) {
            const auto it = o.constFind(latin(k));
            if (it == o.constEnd() || it->isNull())
                continue;
            const auto s = jsonInteger(*it);
            if (!s) {
                m_diag.line(lineNo, QStringLiteral("'%1' is not an integer; line skipped").arg(latin(k)));
                return;
            }
            step = *s;
            stepKey = latin(k);
            break;
        }
        qint64 ts = m_info.fallbackMs;
        QString timeKey;
        for (const char *k : {"timestamp", "_timestamp", "time"}) {
            const QString key = latin(k);
            const auto it = o.constFind(key);
            if (it == o.constEnd() || it->isNull())
                continue;
            // The first line that has the key decides whether it is a time or something else (an elapsed
            // time).
            auto decided = m_isTime.constFind(key);
            if (decided == m_isTime.constEnd())
                decided = m_isTime.insert(key, jsonTime(*it).has_value());
            if (!*decided)
                continue;
            if (const auto ms = jsonTime(*it)) {
                ts = *ms;
                table.seeTime(ts);
            } else {
                m_diag.line(lineNo, QStringLiteral("'%1' is not a time; using the file's time").arg(key));
            }
            timeKey = key;
            break;
        }
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            const QString key = it.key();
            if (key == stepKey || key == timeKey)
                continue;
            addValue(key, it.value(), step, ts, lineNo, 0);
        }
    }

    Column &column(const QString &key)
    {
        auto it = m_index.constFind(key);
        if (it == m_index.constEnd()) {
            it = m_index.insert(key, m_columns.size());
            Column c;
            c.name = key;
            m_columns.push_back(std::move(c));
        }
        return m_columns[*it];
    }

    void addValue(const QString &key, const QJsonValue &v, qint64 step, qint64 ts, qint64 lineNo, int depth)
    {
        switch (v.type()) {
        case QJsonValue::Double:
            column(key).points.push_back({step, ts, v.toDouble()});
            break;
        case QJsonValue::String:
            if (const auto d = text::numberFromJson(v))
                column(key).points.push_back({step, ts, *d});
            else
                column(key).addText(v.toString().toUtf8(), lineNo);
            break;
        case QJsonValue::Bool:
            column(key).addText(v.toBool() ? "true" : "false", lineNo);
            break;
        case QJsonValue::Object: {
            const QJsonObject o = v.toObject();
            if (depth > 64) {
                ++m_tooDeep;
                break;
            }
            for (auto it = o.constBegin(); it != o.constEnd(); ++it)
                addValue(key + QLatin1Char('/') + it.key(), it.value(), step, ts, lineNo, depth + 1);
            break;
        }
        case QJsonValue::Array:
            if (!m_arrays.contains(key))
                m_arrays.insert(key, lineNo);
            ++m_arrayValues;
            break;
        case QJsonValue::Null:
        case QJsonValue::Undefined:
            break;
        }
    }

    const LogFileInfo &m_info;
    Diagnostics &m_diag;
    std::vector<Column> m_columns;
    QHash<QString, size_t> m_index;
    QHash<QString, bool> m_isTime;
    QMap<QString, qint64> m_arrays;
    qint64 m_arrayValues = 0;
    qint64 m_tooDeep = 0;
};

// ---- YAML params
// -------------------------------------------------------------------------------------------

bool isPythonTag(const std::string &tag)
{
    return tag.rfind("tag:yaml.org,2002:python/", 0) == 0 || tag.rfind("!python/", 0) == 0;
}

bool isPythonTuple(const std::string &tag)
{
    return tag == "tag:yaml.org,2002:python/tuple" || tag == "!python/tuple";
}

// Flattens a YAML tree into params. Aliases let a small file describe an exponentially large tree, so the
// work (nodes visited, characters written) has a budget.
class YamlFlattener
{
public:
    explicit YamlFlattener(QMap<QString, QString> &params)
        : m_params(params)
    {}

    void mapping(const YAML::Node &n, const QString &prefix, int depth)
    {
        for (auto it = n.begin(); it != n.end() && !m_exhausted; ++it) {
            QString key;
            if (it->first.IsScalar())
                key = QString::fromStdString(it->first.Scalar());
            else if (!flow(it->first, key, depth + 1))
                continue;
            value(it->second, prefix.isEmpty() ? key : prefix + QLatin1Char('.') + key, depth + 1);
        }
    }

    QStringList pythonKeys;
    bool exhausted() const { return m_exhausted; }

private:
    bool spend(qsizetype chars)
    {
        m_nodes += 1;
        m_chars += chars;
        if (m_nodes > 200000 || m_chars > (qsizetype(8) << 20))
            m_exhausted = true;
        return !m_exhausted;
    }

    void value(const YAML::Node &n, const QString &key, int depth)
    {
        if (!spend(key.size()))
            return;
        if (depth > 64) {
            m_exhausted = true;
            return;
        }
        if (isPythonTag(n.Tag()) && !isPythonTuple(n.Tag())) {
            pythonKeys.append(key);
            return;
        }
        switch (n.Type()) {
        case YAML::NodeType::Map:
            if (n.size() == 0)
                m_params.insert(key, QStringLiteral("{}"));
            else
                mapping(n, key, depth);
            break;
        case YAML::NodeType::Sequence: {
            QString text;
            if (flow(n, text, depth))
                m_params.insert(key, text);
            else if (!m_exhausted)
                pythonKeys.append(key);
            break;
        }
        case YAML::NodeType::Scalar:
            m_params.insert(key, QString::fromStdString(n.Scalar()));
            break;
        case YAML::NodeType::Null:
            m_params.insert(key, QStringLiteral("null"));
            break;
        case YAML::NodeType::Undefined:
            break;
        }
    }

    static QString flowScalar(const std::string &s)
    {
        const QString q = QString::fromStdString(s);
        const bool plain = !q.isEmpty() && q.trimmed() == q &&
                           std::none_of(q.cbegin(), q.cend(),
                                        [](QChar c) { return QStringView(u",[]{}:#\"'\n\r\t").contains(c); });
        if (plain)
            return q;
        QString out = QStringLiteral("\"");
        for (QChar c : q) {
            if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
                out += QLatin1Char('\\');
            if (c == QLatin1Char('\n'))
                out += QStringLiteral("\\n");
            else
                out += c;
        }
        return out + QLatin1Char('"');
    }

    // YAML flow text of a node; false when it holds a Python object or the budget ran out.
    bool flow(const YAML::Node &n, QString &out, int depth)
    {
        if (depth > 64)
            m_exhausted = true;
        if (!spend(0) || (isPythonTag(n.Tag()) && !isPythonTuple(n.Tag())))
            return false;
        switch (n.Type()) {
        case YAML::NodeType::Scalar: {
            const QString s = flowScalar(n.Scalar());
            out += s;
            return spend(s.size());
        }
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            out += QStringLiteral("null");
            return true;
        case YAML::NodeType::Sequence: {
            out += QLatin1Char('[');
            bool first = true;
            for (const YAML::Node &item : n) {
                if (!first)
                    out += QStringLiteral(", ");
                first = false;
                if (!flow(item, out, depth + 1))
                    return false;
            }
            out += QLatin1Char(']');
            return true;
        }
        case YAML::NodeType::Map: {
            out += QLatin1Char('{');
            bool first = true;
            for (auto it = n.begin(); it != n.end(); ++it) {
                if (!first)
                    out += QStringLiteral(", ");
                first = false;
                if (!flow(it->first, out, depth + 1))
                    return false;
                out += QStringLiteral(": ");
                if (!flow(it->second, out, depth + 1))
                    return false;
            }
            out += QLatin1Char('}');
            return true;
        }
        }
        return false;
    }

    QMap<QString, QString> &m_params;
    qint64 m_nodes = 0;
    qsizetype m_chars = 0;
    bool m_exhausted = false;
};

void readYamlFile(const QString &path, QMap<QString, QString> &params, ImportSink &sink)
{
    SourceFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        sink.warning({path, QStringLiteral("cannot read: %1").arg(f.errorString())});
        return;
    }
    if (f.size() > MaxYamlBytes) {
        sink.warning(
            {path, QStringLiteral("larger than %1 MiB; params not imported").arg(MaxYamlBytes >> 20)});
        return;
    }
    readYamlParams(f.readAll(), path, params, sink);
}

// ---- files and folders
// -------------------------------------------------------------------------------------

std::optional<QByteArray> readWhole(const QString &path, ImportSink &sink)
{
    SourceFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        sink.warning({path, QStringLiteral("cannot read: %1").arg(f.errorString())});
        return std::nullopt;
    }
    // Read, not mapped: Lightning rewrites metrics.csv while training, and a mapped file that shrinks kills
    // the process with SIGBUS.
    QByteArray data = f.readAll();
    if (f.error() != QFileDevice::NoError) {
        sink.warning({path, QStringLiteral("cannot read: %1").arg(f.errorString())});
        return std::nullopt;
    }
    return data;
}

QByteArray readStart(const QString &path, qint64 bytes = MaxProbeBytes)
{
    SourceFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(bytes);
}

bool hasSuffix(const QFileInfo &fi, std::initializer_list<const char *> suffixes)
{
    const QString s = fi.suffix();
    return std::any_of(suffixes.begin(), suffixes.end(),
                       [&](const char *x) { return s.compare(latin(x), Qt::CaseInsensitive) == 0; });
}

qint64 modifiedMs(const QFileInfo &fi)
{
    return fi.lastModified().toMSecsSinceEpoch();
}

// A copy (git clone, cp, unpacking an archive) makes a folder and its files within a moment; a training run
// that logged for less than this is not told apart from a copy, and its start is left unknown.
constexpr qint64 MinLoggingMs = 2000;

// When a Lightning run began: its version folder is made as the logger starts, metrics.csv rewritten at every
// flush to the end. The folder's birth is the start when the file system records it and it lies clearly
// before the log's last write; a folder born after that, or with it, is a copy's, and the start is unknown.
std::optional<qint64> lightningStartMs(const QFileInfo &log)
{
    const QDateTime born = QFileInfo(log.absolutePath()).birthTime();
    if (!born.isValid())
        return std::nullopt;
    const qint64 ms = born.toMSecsSinceEpoch();
    if (modifiedMs(log) - ms < MinLoggingMs)
        return std::nullopt;
    return ms;
}

bool lightningHint(const QFileInfo &fi)
{
    return QFileInfo(fi.dir(), QStringLiteral("hparams.yaml")).isFile() ||
           (fi.fileName() == latin("metrics.csv") && fi.dir().dirName().startsWith(latin("version_")));
}

char separatorFor(const QFileInfo &fi)
{
    return hasSuffix(fi, {"tsv"}) ? '\t' : char(0);
}

QStringList probeHeader(const QByteArray &start, char separator)
{
    if (auto doc = openCsv(start, separator, CsvFlavor::Generic, nullptr))
        return doc->names;
    return {};
}

// Every file below dir (not following links into other folders, skipping hidden ones), sorted.
void listFiles(const QString &dir, QStringList &out, int depth = 0)
{
    if (depth > 64)
        return;
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &e : entries) {
        if (e.isDir()) {
            if (!e.isSymLink())
                listFiles(e.filePath(), out, depth + 1);
        } else {
            out.append(e.filePath());
        }
    }
}

// Bounded search for a file that pred accepts (depth-limited, entry-limited: a probe must stay cheap on a
// home folder).
template<class Pred>
bool probeTree(const QString &dir, int depth, int &budget, bool inDvclive, const Pred &pred)
{
    const QFileInfoList entries = QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &e : entries) {
        if (--budget < 0)
            return false;
        if (e.isDir()) {
            if (!e.isSymLink() && depth < TreeProbeDepth &&
                probeTree(e.filePath(), depth + 1, budget, inDvclive || e.fileName() == latin("dvclive"),
                          pred))
                return true;
        } else if (pred(e, inDvclive)) {
            return true;
        }
    }
    return false;
}

bool isDvcLivePlot(const QStringList &names)
{
    return (names.size() == 2 && names.at(0) == latin("step")) ||
           (names.size() == 3 && names.at(0) == latin("timestamp") && names.at(1) == latin("step"));
}

bool readCsvFile(const QString &path, const QString &sourceKey, ImportSink &sink)
{
    const QFileInfo fi(path);
    const auto data = readWhole(path, sink);
    if (!data)
        return true;
    LogFileInfo info;
    info.file = path;
    info.sourceKey = sourceKey;
    info.fallbackMs = modifiedMs(fi);
    info.separator = separatorFor(fi);
    info.runName = fi.completeBaseName();
    info.flavor = flavorFromNames(probeHeader(data->left(MaxProbeBytes), info.separator), lightningHint(fi));
    if (info.flavor == CsvFlavor::Lightning) {
        info.runName = fi.dir().dirName();
        // Importing one version folder (or its metrics.csv) gives the same key as importing lightning_logs.
        if (!sourceKey.contains(QLatin1Char('/')) && info.runName.startsWith(latin("version_")))
            info.sourceKey = info.runName + QLatin1Char('/') + sourceKey;
        const QString hparams = fi.dir().filePath(QStringLiteral("hparams.yaml"));
        if (QFileInfo(hparams).isFile())
            readYamlFile(hparams, info.params, sink);
        info.startMs = lightningStartMs(fi);
    } else if (info.flavor == CsvFlavor::Talos) {
        info.experiment = fi.dir().dirName(); // Talos names the folder after the scan (experiment_name)
    } else if (info.flavor == CsvFlavor::Unknown) {
        info.flavor = CsvFlavor::Generic; // let parseCsvBuffer say what is wrong
    }
    return parseCsvBuffer(*data, info, sink);
}

// One DVCLive folder: its single-metric .tsv files make one run.
bool readDvcLive(const QString &rootDir, const QStringList &files, const QString &importRoot,
                 ImportSink &sink)
{
    const QDir root(rootDir);
    const bool named = root.dirName() == latin("dvclive");
    SourceRun run;
    run.status = RunStatus::Finished;
    QString key = QDir(importRoot).relativeFilePath(rootDir);
    run.sourceKey = key.isEmpty() ? QStringLiteral(".") : key;
    run.name = named ? QFileInfo(rootDir).dir().dirName() : root.dirName();
    if (run.name.isEmpty())
        run.name = root.dirName();
    QString params = root.filePath(QStringLiteral("params.yaml"));
    if (!QFileInfo(params).isFile() && named)
        params = QFileInfo(rootDir).dir().filePath(QStringLiteral("params.yaml"));
    if (QFileInfo(params).isFile())
        readYamlFile(params, run.params, sink);
    Table all;
    std::optional<qint64> lastWrite; // of the files read: the end when they hold no times
    for (const QString &file : files) {
        const QFileInfo fi(file);
        const auto data = readWhole(file, sink);
        if (!data)
            continue;
        LogFileInfo info;
        info.file = file;
        info.fallbackMs = modifiedMs(fi);
        lastWrite = std::max(lastWrite.value_or(info.fallbackMs), info.fallbackMs);
        info.separator = '\t';
        info.flavor = CsvFlavor::Generic;
        Diagnostics diag(file, &sink);
        auto doc = openCsv(*data, '\t', CsvFlavor::Generic, &diag);
        if (!doc)
            continue;
        const QString column = doc->names.last();
        Table t;
        if (!readTable(*doc, info, diag, sink, t))
            return false;
        QString rel = root.relativeFilePath(file);
        if (rel.startsWith(latin("plots/metrics/")))
            rel = rel.mid(14);
        rel.chop(fi.suffix().size() + 1);
        for (SourceMetric &m : t.metrics) {
            if (m.key == column)
                m.key = rel;
            auto same = std::find_if(all.metrics.begin(), all.metrics.end(),
                                     [&](const SourceMetric &x) { return x.key == m.key; });
            if (same == all.metrics.end())
                all.metrics.push_back(std::move(m));
            else
                same->points.insert(same->points.end(), m.points.begin(), m.points.end());
        }
        for (auto it = t.params.cbegin(); it != t.params.cend(); ++it)
            if (!run.params.contains(it.key()))
                run.params.insert(it.key(), it.value());
        if (t.firstMs)
            all.seeTime(*t.firstMs);
        if (t.lastMs)
            all.seeTime(*t.lastMs);
    }
    if (all.metrics.empty() && run.params.isEmpty())
        return true;
    run.startMs = all.firstMs; // unknown without a timestamp column
    run.endMs = all.lastMs ? all.lastMs : lastWrite;
    run.metrics = std::move(all.metrics);
    return sink.run(std::move(run));
}

// The nearest folder named dvclive from file up to importRoot, else the file's folder.
QString dvcLiveRoot(const QString &file, const QString &importRoot)
{
    QDir d = QFileInfo(file).dir();
    const QString fileDir = d.path();
    for (int i = 0; i < 64 && d.path().startsWith(importRoot); ++i) {
        if (d.dirName() == latin("dvclive"))
            return d.path();
        if (d.path() == importRoot || !d.cdUp())
            break;
    }
    return fileDir;
}

// Whether the start of a file is a CSV/TSV metric log (csvlogreader.h, "By content"). `cut`: the file goes
// on beyond `start`, whose last line may be incomplete.
bool csvLogContent(const QByteArray &start, bool cut)
{
    qsizetype size = start.size();
    if (cut) {
        size = start.lastIndexOf('\n');
        if (size < 0)
            return false;
    }
    const char *b = start.constData();
    const char *e = b + size;
    const char *first = b + (size >= 3 && std::memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
    while (first < e && std::isspace(static_cast<unsigned char>(*first)))
        ++first;
    if (first == e || *first == '{' || *first == '[') // JSON (lines) is the JSON-lines reader's
        return false;
    CsvScanner scanner(b, e, guessSeparator(b, e));
    std::vector<Field> fields;
    qsizetype count = 0;
    CsvScanner::Result r;
    do
        r = scanner.next(fields, 1001, count);
    while (r == CsvScanner::Result::Record && isBlank(fields, count));
    if (r != CsvScanner::Result::Record || count < 2 || count > 1000 || !isTextHeader(fields))
        return false;
    int stepCol = -1;
    for (qsizetype i = 0; i < count; ++i) {
        const Field &f = fields[size_t(i)];
        double v = 0;
        if (f.n > 200 || parseDouble(f.p, f.end(), v) == Cell::Number)
            return false; // a header names its columns
        const QString name = QString::fromUtf8(f.view()).trimmed();
        for (const char *step : StepNames)
            if (stepCol < 0 && name.compare(latin(step), Qt::CaseInsensitive) == 0)
                stepCol = int(i);
        if (stepCol < 0 && name == latin("round_epochs"))
            stepCol = int(i);
    }
    const qsizetype ncols = count;
    int rows = 0;
    while (rows < ContentProbeRows) {
        r = scanner.next(fields, ncols + 1, count);
        if (r == CsvScanner::Result::End)
            break;
        if (r != CsvScanner::Result::Record || count != ncols)
            return false;
        if (isBlank(fields, count))
            continue;
        ++rows;
        int numbers = 0;
        for (qsizetype i = 0; i < ncols; ++i) {
            const Field &f = fields[size_t(i)];
            if (i == stepCol) {
                if (!parseInteger(f.p, f.end()))
                    return false;
                continue;
            }
            double v = 0;
            const Cell cell = parseDouble(f.p, f.end(), v);
            if (cell == Cell::Number)
                ++numbers;
            else if (cell == Cell::Text && stepCol < 0)
                return false; // without a step column, only numbers make a metric log
        }
        if (numbers == 0)
            return false;
    }
    return rows > 0;
}

bool csvLogFile(const QFileInfo &fi)
{
    const QByteArray start = readStart(fi.filePath(), ContentProbeBytes);
    return csvLogContent(start, fi.size() > start.size());
}

// In a folder walk, files that may be CSV logs under another name (Keras' training.log).
bool csvLogCandidate(const QFileInfo &fi)
{
    return hasSuffix(fi, {"log", "txt"});
}

} // namespace

// ---- public
// ------------------------------------------------------------------------------------------------

CsvFlavor detectCsvFlavor(const QString &file)
{
    const QFileInfo fi(file);
    if (!fi.isFile())
        return CsvFlavor::Unknown;
    return flavorFromNames(probeHeader(readStart(file), separatorFor(fi)), lightningHint(fi));
}

bool looksLikeCsvLog(const QString &path)
{
    const QFileInfo fi(path);
    if (fi.isFile())
        return hasSuffix(fi, {"csv", "tsv"}) || csvLogFile(fi);
    if (!fi.isDir())
        return false;
    int budget = TreeProbeEntries;
    int reads = ContentProbeFiles;
    return probeTree(fi.absoluteFilePath(), 1, budget,
                     QDir(fi.absoluteFilePath()).dirName() == latin("dvclive"),
                     [&reads](const QFileInfo &e, bool inDvclive) {
                         if (e.fileName() == latin("metrics.csv") || (inDvclive && hasSuffix(e, {"tsv"})))
                             return true;
                         if (!hasSuffix(e, {"csv", "tsv"}) && !csvLogCandidate(e))
                             return false;
                         return --reads >= 0 && csvLogFile(e);
                     });
}

bool looksLikeJsonLines(const QString &path)
{
    const QFileInfo fi(path);
    if (fi.isDir()) {
        int budget = TreeProbeEntries;
        return probeTree(fi.absoluteFilePath(), 1, budget, false, [](const QFileInfo &e, bool) {
            return hasSuffix(e, {"jsonl", "ndjson"});
        });
    }
    if (!fi.isFile())
        return false;
    if (hasSuffix(fi, {"jsonl", "ndjson"}))
        return true;
    if (!hasSuffix(fi, {"json", "log"}))
        return false;
    QByteArray start = readStart(path);
    if (start.startsWith("\xEF\xBB\xBF"))
        start.remove(0, 3);
    qsizetype from = 0;
    while (from < start.size()) {
        qsizetype nl = start.indexOf('\n', from);
        if (nl < 0) {
            if (start.size() == MaxProbeBytes)
                return false; // the first line goes on beyond what a probe reads
            nl = start.size();
        }
        const QByteArrayView line = QByteArrayView(start).sliced(from, nl - from).trimmed();
        if (!line.isEmpty()) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &error);
            return error.error == QJsonParseError::NoError && doc.isObject();
        }
        from = nl + 1;
    }
    return false;
}

void readCsvLog(const QString &path, ImportSink &sink)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        throw Error(QStringLiteral("%1: no such file or folder").arg(path), Error::Kind::NotFound);
    if (fi.isFile()) {
        sink.progress(0, 1);
        readCsvFile(fi.absoluteFilePath(), fi.fileName(), sink);
        sink.progress(1, 1);
        return;
    }
    const QString root = QDir(fi.absoluteFilePath()).absolutePath();
    QStringList all;
    listFiles(root, all);
    QStringList files;
    for (const QString &f : std::as_const(all)) {
        const QFileInfo file(f);
        if (hasSuffix(file, {"csv", "tsv"}) || (csvLogCandidate(file) && csvLogFile(file)))
            files.append(f);
    }
    if (files.isEmpty())
        throw Error(QStringLiteral("nothing to import: no CSV or TSV log found (.csv and .tsv files, or .log "
                                   "and .txt files holding a header row and rows of numbers)"));
    QMap<QString, QStringList> dvcLive; // DVCLive folder -> its plot files
    const QDir rootDir(root);
    qint64 done = 0;
    const qint64 total = files.size();
    sink.progress(0, total);
    for (const QString &file : std::as_const(files)) {
        if (sink.isCancelled())
            return;
        const QFileInfo f(file);
        if (hasSuffix(f, {"tsv"}) && isDvcLivePlot(probeHeader(readStart(file), '\t'))) {
            dvcLive[dvcLiveRoot(file, root)].append(file);
            continue;
        }
        if (!readCsvFile(file, rootDir.relativeFilePath(file), sink))
            return;
        sink.progress(++done, total);
    }
    for (auto it = dvcLive.cbegin(); it != dvcLive.cend(); ++it) {
        if (sink.isCancelled() || !readDvcLive(it.key(), it.value(), root, sink))
            return;
        done += it.value().size();
        sink.progress(done, total);
    }
}

void readJsonLines(const QString &path, ImportSink &sink)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        throw Error(QStringLiteral("%1: no such file or folder").arg(path), Error::Kind::NotFound);
    QStringList files;
    QString root;
    if (fi.isFile()) {
        files.append(fi.absoluteFilePath());
        root = fi.absolutePath();
    } else {
        root = QDir(fi.absoluteFilePath()).absolutePath();
        QStringList all;
        listFiles(root, all);
        for (const QString &f : std::as_const(all))
            if (hasSuffix(QFileInfo(f), {"jsonl", "ndjson"}))
                files.append(f);
        if (files.isEmpty())
            throw Error(
                QStringLiteral("nothing to import: no JSON-lines log found (.jsonl and .ndjson files)"));
    }
    const QDir rootDir(root);
    qint64 done = 0;
    sink.progress(0, files.size());
    for (const QString &file : std::as_const(files)) {
        if (sink.isCancelled())
            return;
        const QFileInfo f(file);
        const auto data = readWhole(file, sink);
        if (data) {
            LogFileInfo info;
            info.file = file;
            info.sourceKey = rootDir.relativeFilePath(file);
            info.runName = f.completeBaseName();
            info.fallbackMs = modifiedMs(f);
            if (!parseJsonLinesBuffer(*data, info, sink))
                return;
        }
        sink.progress(++done, files.size());
    }
}

bool parseCsvBuffer(const QByteArray &data, const LogFileInfo &info, ImportSink &sink)
{
    Diagnostics diag(info.file, &sink);
    auto doc = openCsv(data, info.separator, info.flavor, &diag);
    if (!doc)
        return true;
    if (doc->flavor == CsvFlavor::Talos)
        return readTalos(*doc, info, diag, sink);
    Table table;
    if (!readTable(*doc, info, diag, sink, table))
        return false;
    return emitRun(std::move(table), info, diag, sink);
}

bool parseJsonLinesBuffer(const QByteArray &data, const LogFileInfo &info, ImportSink &sink)
{
    Diagnostics diag(info.file, &sink);
    Table table;
    JsonLinesReader reader(info, diag);
    if (!reader.read(data, sink, table))
        return false;
    return emitRun(std::move(table), info, diag, sink);
}

void readYamlParams(const QByteArray &yaml, const QString &file, QMap<QString, QString> &params,
                    ImportSink &sink)
{
    YamlFlattener flattener(params);
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (root.IsNull())
            return;
        if (!root.IsMap()) {
            sink.warning({file, QStringLiteral("not a YAML mapping; params not imported")});
            return;
        }
        flattener.mapping(root, QString(), 0);
    } catch (const YAML::Exception &e) {
        sink.warning(
            {file,
             QStringLiteral("invalid YAML (%1); params not imported").arg(QString::fromStdString(e.what()))});
    }
    if (!flattener.pythonKeys.isEmpty())
        sink.warning({file, QStringLiteral("Python-specific YAML tags; skipped: %1")
                                .arg(flattener.pythonKeys.join(QStringLiteral(", ")))});
    if (flattener.exhausted())
        sink.warning(
            {file, QStringLiteral("too large or too deeply nested to flatten; the rest is skipped")});
}

} // namespace runlens::import
