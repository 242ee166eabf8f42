// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/logcommand.h"

#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "core/jsonformat.h"
#include "store/database.h"
#include "store/store.h"

#include <cmath>
#include <cstdio>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>
#endif

namespace runlens::cli {

namespace {

std::pair<QString, QString> keyValue(const QString &option, const QString &arg)
{
    const qsizetype eq = arg.indexOf(QLatin1Char('='));
    if (eq <= 0)
        throw UsageProblem{QStringLiteral("--%1 expects KEY=VALUE (got '%2')").arg(option, arg)};
    return {arg.left(eq), arg.mid(eq + 1)};
}

// Steps default to "one after this key's previous step" (0 for a new key), so that a stream of values
// without steps draws as a curve.
class StepCounter
{
public:
    StepCounter(Store &store, const QString &runId)
        : m_store(store)
        , m_runId(runId)
    {}
    qint64 next(const QString &key)
    {
        auto it = m_next.find(key);
        if (it == m_next.end()) {
            const auto s = m_store.runs().metricSummary(m_runId, key);
            it = m_next.insert(key, s ? s->lastStep + 1 : 0);
        }
        return *it;
    }
    void logged(const QString &key, qint64 step)
    {
        auto it = m_next.find(key);
        if (it == m_next.end() || step + 1 > *it)
            m_next.insert(key, step + 1);
    }

private:
    Store &m_store;
    QString m_runId;
    QHash<QString, qint64> m_next;
};

// One JSON line -> a batch. Throws Error naming the line.
RunStore::Batch batchFromLine(const QByteArray &line, qint64 lineNo, StepCounter &steps)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &pe);
    if (pe.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("stdin line %1: invalid JSON at offset %2: %3")
                        .arg(lineNo)
                        .arg(pe.offset)
                        .arg(pe.errorString()));
    if (!doc.isObject())
        throw Error(QStringLiteral("stdin line %1: expected a JSON object").arg(lineNo));
    const QJsonObject o = doc.object();
    static const QStringList known{QStringLiteral("params"), QStringLiteral("tags"),
                                   QStringLiteral("metrics"), QStringLiteral("step"),
                                   QStringLiteral("timestamp")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key()))
            throw Error(
                QStringLiteral("stdin line %1: unknown field '%2' (expected params, tags, metrics, step, "
                               "timestamp)")
                    .arg(lineNo)
                    .arg(it.key()));
    }
    const auto integerField = [&](const QString &name) -> std::optional<qint64> {
        if (!o.contains(name))
            return std::nullopt;
        const QJsonValue v = o.value(name);
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || d != std::floor(d) || std::abs(d) > 9.007199254740992e15)
            throw Error(QStringLiteral("stdin line %1: '%2' must be an integer").arg(lineNo).arg(name));
        return qint64(d);
    };
    const std::optional<qint64> step = integerField(QStringLiteral("step"));
    const qint64 timestamp = integerField(QStringLiteral("timestamp")).value_or(nowMs());
    const auto stringMap = [&](const QString &name, QMap<QString, QString> &into) {
        const QJsonValue v = o.value(name);
        if (v.isUndefined())
            return;
        if (!v.isObject())
            throw Error(QStringLiteral("stdin line %1: '%2' must be an object").arg(lineNo).arg(name));
        const QJsonObject m = v.toObject();
        for (auto it = m.begin(); it != m.end(); ++it) {
            if (it->isString())
                into.insert(it.key(), it->toString());
            else if (it->isDouble())
                into.insert(it.key(), text::formatNumber(it->toDouble()));
            else if (it->isBool())
                into.insert(it.key(), it->toBool() ? QStringLiteral("True") : QStringLiteral("False"));
            else
                throw Error(QStringLiteral("stdin line %1: %2.%3 must be a string or number")
                                .arg(lineNo)
                                .arg(name, it.key()));
        }
    };
    RunStore::Batch batch;
    stringMap(QStringLiteral("params"), batch.params);
    stringMap(QStringLiteral("tags"), batch.tags);
    const QJsonValue metrics = o.value(QStringLiteral("metrics"));
    if (!metrics.isUndefined()) {
        if (!metrics.isObject())
            throw Error(QStringLiteral("stdin line %1: 'metrics' must be an object").arg(lineNo));
        const QJsonObject m = metrics.toObject();
        for (auto it = m.begin(); it != m.end(); ++it) {
            const auto value = text::numberFromJson(*it);
            if (!value)
                throw Error(
                    QStringLiteral("stdin line %1: metrics.%2 must be a number or \"NaN\", \"Infinity\", "
                                   "\"-Infinity\"")
                        .arg(lineNo)
                        .arg(it.key()));
            batch.metrics.push_back(
                {it.key(), MetricPoint{step.value_or(steps.next(it.key())), timestamp, *value}});
        }
    }
    return batch;
}

// How the stdin logger writes: lines are parsed as they arrive and held in memory, and one short write
// transaction stores them together (one append per series), at most FlushIntervalMs after the first of them
// arrived, once they hold FlushValues values, and at the end of input. The write lock is never held while
// input is awaited or parsed, so many loggers share one database, each taking the lock briefly about once a
// second. What is held in memory is bounded by FlushValues. 10,000 values keep each flush short
// (8 loggers at once: 290-425 k points/s together, longest wait for the lock 80-165 ms, against 220-250 k
// and 140-445 ms with 50,000); fewer would re-encode each series' partly filled last chunk too often.
constexpr qint64 FlushIntervalMs = 1000;
constexpr qsizetype FlushValues = 10'000;
// Longest wait for input between looks at Ctrl-C/SIGTERM (a signal landing just before a wait starts does not
// interrupt it).
constexpr int SignalCheckMs = 200;
constexpr qint64 ReadBlock = 1 << 16;
// A line is one step's values; anything this long is not a log line, and must not fill the memory.
constexpr qsizetype MaxLineBytes = 16 << 20;

struct ParsedLine
{
    qint64 number = 0;
    RunStore::Batch batch;
};

// Stores `lines` in one transaction. When the store refuses one of them (a param given another value, a bad
// key), nothing of that attempt stays; the lines before the refused one are stored, each in a savepoint, and
// the error names the line, as when every line was written on its own.
void storeLines(Store &store, const QString &runId, std::vector<ParsedLine> &lines)
{
    if (lines.empty())
        return;
    RunStore::Batch all;
    bool paramsAgree = true; // two lines giving one param two values: the second one is refused
    for (const ParsedLine &l : lines) {
        for (auto it = l.batch.params.begin(); it != l.batch.params.end(); ++it) {
            const auto have = all.params.constFind(it.key());
            paramsAgree &= have == all.params.constEnd() || *have == it.value();
            all.params.insert(it.key(), it.value());
        }
        for (auto it = l.batch.tags.begin(); it != l.batch.tags.end(); ++it)
            all.tags.insert(it.key(), it.value());
        all.metrics.insert(all.metrics.end(), l.batch.metrics.begin(), l.batch.metrics.end());
    }
    if (paramsAgree) {
        try {
            Store::Transaction tx(store);
            store.runs().logBatch(runId, all);
            tx.commit();
            lines.clear();
            return;
        } catch (const Error &e) {
            if (e.kind() == Error::Kind::Database)
                throw; // busy past the limit, disk full, …: trying line by line would not help
        }
    }
    Store::Transaction tx(store);
    for (const ParsedLine &l : lines) {
        try {
            Store::Transaction lineTx(store);
            store.runs().logBatch(runId, l.batch);
            lineTx.commit();
        } catch (const Error &e) {
            tx.commit();
            lines.clear();
            throw Error(QStringLiteral("stdin line %1: %2").arg(l.number).arg(e.message()), e.kind());
        }
    }
    tx.commit();
    lines.clear();
}

// RUNLENS_REPORT_LOCK_WAIT=1 (undocumented, for `runlens bench`): one line on stderr saying how often and how
// long this process waited for the database's write lock.
void reportLockWaits(const Store &store)
{
    if (qEnvironmentVariableIntValue("RUNLENS_REPORT_LOCK_WAIT") != 1)
        return;
    const Database::LockWaits w = store.database().lockWaits();
    err() << QStringLiteral("runlens lock waits: %1 transactions, longest %2 ms, total %3 ms\n")
                 .arg(w.acquisitions)
                 .arg(double(w.longestNs) / 1e6, 0, 'f', 3)
                 .arg(double(w.totalNs) / 1e6, 0, 'f', 3);
    err().flush();
}

// Standard input, read a block at a time without blocking past a deadline (so that held lines are written
// in time and Ctrl-C is noticed).
class InputReader
{
public:
    enum class Wait { Ready, TimedOut };
    Wait wait(int timeoutMs)
    {
#ifdef Q_OS_UNIX
        pollfd fd{STDIN_FILENO, POLLIN, 0};
        const int n = ::poll(&fd, 1, timeoutMs);
        if (n < 0 && errno != EINTR)
            throw Error(QStringLiteral("cannot read standard input: %1")
                            .arg(QString::fromLocal8Bit(strerror(errno))));
        return n > 0 ? Wait::Ready : Wait::TimedOut;
#else
        Q_UNUSED(timeoutMs);
        return Wait::Ready;
#endif
    }
    // Up to ReadBlock bytes; empty at the end of input.
    QByteArray read()
    {
        QByteArray block(ReadBlock, Qt::Uninitialized);
#ifdef Q_OS_UNIX
        ssize_t n;
        do
            n = ::read(STDIN_FILENO, block.data(), size_t(block.size()));
        while (n < 0 && errno == EINTR);
        if (n < 0)
            throw Error(QStringLiteral("cannot read standard input: %1")
                            .arg(QString::fromLocal8Bit(strerror(errno))));
#else
        const qint64 n = std::fread(block.data(), 1, size_t(block.size()), stdin);
#endif
        block.resize(qsizetype(n));
        return block;
    }
};

} // namespace

int logCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("experiment"),
                 QStringLiteral("Experiment of a new run (created if missing; default "
                                "\"Default\")."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("name"), QStringLiteral("Name of a new run."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("run"), QStringLiteral("Add to this existing run instead of creating one."),
                 QStringLiteral("ID")});
    p.addOption({QStringLiteral("param"), QStringLiteral("Log a param (repeatable). Params are immutable."),
                 QStringLiteral("K=V")});
    p.addOption({QStringLiteral("tag"), QStringLiteral("Set a tag (repeatable)."), QStringLiteral("K=V")});
    p.addOption({QStringLiteral("metric"),
                 QStringLiteral("Log a metric value (repeatable); nan and inf allowed."),
                 QStringLiteral("K=V")});
    p.addOption({QStringLiteral("step"),
                 QStringLiteral("Step of the --metric values (default: each key's previous "
                                "step + 1, 0 for a new key)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("timestamp"),
                 QStringLiteral("Timestamp in ms since the epoch (default: now)."), QStringLiteral("MS")});
    p.addOption({QStringLiteral("end"),
                 QStringLiteral("Close the run with this status: FINISHED, FAILED or KILLED."),
                 QStringLiteral("STATUS")});
    p.addOption(
        {QStringLiteral("stdin"), QStringLiteral("Read JSON lines from standard input even with --run and "
                                                 "--end.")});
    const QString description = QStringLiteral(
        "Create a run (printing its id) or add to --run ID.\n"
        "Without --param, --tag or --metric, JSON lines are read from standard input, one object per step:\n"
        "  {\"params\": {...}, \"tags\": {...}, \"metrics\": {\"loss\": 0.5}, \"step\": 3, \"timestamp\": "
        "MS}\n"
        "every field optional; metric values may be \"NaN\", \"Infinity\", \"-Infinity\". Each line is "
        "stored\n"
        "whole or not at all. Lines are written together, within a second of arriving (or every 10,000 "
        "values)\n"
        "and at the end of input, so that many loggers can share one database. A malformed line stops the\n"
        "stream (exit 1) after the lines before it are stored. Ctrl-C or SIGTERM stores the lines read so "
        "far,\n"
        "leaves the run open and exits with 128 + the signal's number (130, 143).\n"
        "Standard input is not read when only --run and --end are given (closing a run), unless --stdin is "
        "set.");
    if (!parse(p, QStringLiteral("log"), description, args))
        return Ok;
    expectArguments(p, 0, QString());
    std::optional<RunStatus> endStatus;
    if (p.isSet(QStringLiteral("end"))) {
        endStatus = runStatusFromName(p.value(QStringLiteral("end")));
        if (!endStatus || !isTerminal(*endStatus))
            throw UsageProblem{QStringLiteral("--end must be FINISHED, FAILED or KILLED (got '%1')")
                                   .arg(p.value(QStringLiteral("end")))};
    }
    if (p.isSet(QStringLiteral("run")) &&
        (p.isSet(QStringLiteral("experiment")) || p.isSet(QStringLiteral("name"))))
        throw UsageProblem{
            QStringLiteral("--run adds to an existing run; --experiment and --name are for new runs")};
    // Not a std::optional: GCC 12 warns (falsely) that its value may be used uninitialized.
    const bool stepGiven = p.isSet(QStringLiteral("step"));
    const qint64 step = stepGiven ? integerOption(p, QStringLiteral("step"), 0) : 0;
    const qint64 timestamp = integerOption(p, QStringLiteral("timestamp"), nowMs());

    RunStore::Batch batch;
    for (const QString &a : p.values(QStringLiteral("param"))) {
        const auto [k, v] = keyValue(QStringLiteral("param"), a);
        if (batch.params.contains(k) && batch.params.value(k) != v)
            throw UsageProblem{
                QStringLiteral("--param %1 given twice with different values; params are immutable").arg(k)};
        batch.params.insert(k, v);
    }
    for (const QString &a : p.values(QStringLiteral("tag"))) {
        const auto [k, v] = keyValue(QStringLiteral("tag"), a);
        batch.tags.insert(k, v);
    }
    QList<std::pair<QString, double>> metricArgs;
    for (const QString &a : p.values(QStringLiteral("metric"))) {
        const auto [k, v] = keyValue(QStringLiteral("metric"), a);
        const auto value = text::parseNumber(v);
        if (!value)
            throw UsageProblem{QStringLiteral("--metric %1: '%2' is not a number").arg(k, v)};
        metricArgs.append({k, *value});
    }
    const bool hasValues = !batch.params.isEmpty() || !batch.tags.isEmpty() || !metricArgs.isEmpty();
    const bool closingOnly = p.isSet(QStringLiteral("run")) && endStatus && !p.isSet(QStringLiteral("stdin"));
    const bool readStdin = !hasValues && (!closingOnly || p.isSet(QStringLiteral("stdin")));

    Store store(db);
    QString runId = p.value(QStringLiteral("run"));
    {
        Store::Transaction tx(store);
        if (runId.isEmpty()) {
            NewRun init;
            init.experimentId = store.runs().ensureExperiment(p.value(QStringLiteral("experiment")).isEmpty()
                                                                  ? QStringLiteral("Default")
                                                                  : p.value(QStringLiteral("experiment")));
            init.name = p.value(QStringLiteral("name"));
            init.user = qEnvironmentVariable("USER");
            runId = store.runs().createRun(init).id;
        } else {
            requireRun(store, runId);
        }
        StepCounter steps(store, runId);
        for (const auto &[k, v] : metricArgs) {
            batch.metrics.push_back({k, MetricPoint{stepGiven ? step : steps.next(k), timestamp, v}});
            steps.logged(k, batch.metrics.back().second.step);
        }
        store.runs().logBatch(runId, batch);
        if (endStatus && !readStdin)
            store.runs().setRunStatus(runId, *endStatus);
        tx.commit();
    }
    if (!p.isSet(QStringLiteral("run"))) {
        out() << runId << '\n';
        out().flush();
    }
    if (!readStdin) {
        reportLockWaits(store);
        return Ok;
    }

    // Ctrl-C or SIGTERM: the whole lines read so far are stored (a partial last line is dropped), --end is
    // not applied, and the exit status is 128 + the signal's number, as for a process the signal ended.
    catchInterrupts();
    InputReader in;
    StepCounter steps(store, runId);
    std::vector<ParsedLine> pending;
    qsizetype pendingValues = 0;
    QElapsedTimer pendingSince;
    const auto flush = [&] {
        storeLines(store, runId, pending);
        pendingValues = 0;
    };
    qint64 lineNo = 0;
    const auto take = [&](QByteArrayView raw) {
        ++lineNo;
        const QByteArray line = raw.trimmed().toByteArray();
        if (line.isEmpty())
            return;
        std::optional<RunStore::Batch> b;
        try {
            b = batchFromLine(line, lineNo, steps);
        } catch (const Error &) {
            flush(); // the lines before the bad one are kept
            throw;
        }
        for (const auto &[k, pt] : b->metrics)
            steps.logged(k, pt.step);
        if (pending.empty())
            pendingSince.start();
        pendingValues +=
            std::max<qsizetype>(1, qsizetype(b->metrics.size()) + b->params.size() + b->tags.size());
        pending.push_back({lineNo, std::move(*b)});
        if (pendingValues >= FlushValues)
            flush();
    };
    QByteArray buffer;
    bool eof = false;
    while (!eof && !interrupted()) {
        qsizetype start = 0;
        for (qsizetype newline; (newline = buffer.indexOf('\n', start)) >= 0; start = newline + 1)
            take(QByteArrayView(buffer).sliced(start, newline - start));
        buffer.remove(0, start);
        if (buffer.size() > MaxLineBytes) {
            flush();
            throw Error(QStringLiteral("stdin line %1: longer than %2 MiB without a line break")
                            .arg(lineNo + 1)
                            .arg(MaxLineBytes >> 20));
        }
        qint64 timeout = SignalCheckMs;
        if (!pending.empty()) {
            const qint64 left = FlushIntervalMs - pendingSince.elapsed();
            if (left <= 0)
                flush();
            else
                timeout = std::min(timeout, left);
        }
        if (in.wait(int(timeout)) == InputReader::Wait::Ready) {
            const QByteArray block = in.read();
            eof = block.isEmpty();
            buffer += block;
        }
    }
    if (eof && !buffer.isEmpty())
        take(buffer); // a last line without a newline
    flush();
    restoreInterrupts();
    reportLockWaits(store);
    if (interrupted()) {
        err() << QStringLiteral("runlens log: interrupted; the %1 lines read were stored, the run was not "
                                "closed\n")
                     .arg(lineNo);
        err().flush();
        return 128 + interruptSignal();
    }
    if (endStatus)
        store.runs().setRunStatus(runId, *endStatus);
    return Ok;
}

} // namespace runlens::cli
