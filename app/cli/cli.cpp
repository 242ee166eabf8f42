// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/cli.h"

#include "artifacts/artifactstore.h"
#include "bench/benchmark.h"
#include "bench/concurrencybench.h"
#include "bench/windowbench.h"
#include "charts/chartexport.h"
#include "charts/chartgrid.h"
#include "cli/artifactcommands.h"
#include "cli/commandsupport.h"
#include "cli/output.h"
#include "cli/registrycommands.h"
#include "core/jsonformat.h"
#include "demo/demodata.h"
#include "import/importer.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/runcolors.h"
#include "search/searchquery.h"
#include "store/backup.h"
#include "store/store.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <functional>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>
#endif

namespace runlens::cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

namespace {

struct Command
{
    const char *name;
    const char *summary;
    std::function<int(const QString &db, const QStringList &args)> run;
};

const QList<Command> &commands();

QString globalHelp()
{
    QString s =
        QStringLiteral("Usage: runlens [--db FILE] [COMMAND] [OPTIONS]\n"
                       "       runlens [--db FILE] [FILE...]\n\n"
                       "Runlens, a native experiment tracker. Without a command it opens the window: on a\n"
                       "Runlens database FILE when one is given, and with the Import dialog filled with the\n"
                       "other FILEs (mlruns folders, mlflow.db files, TensorBoard logs, CSV and JSON-lines\n"
                       "logs) to confirm.\n\n"
                       "Global options:\n"
                       "  --db FILE      database file (default: $RUNLENS_DB, else %1)\n"
                       "  -h, --help     show this help; `runlens COMMAND --help` for a command\n"
                       "  -v, --version  show the version\n\n"
                       "Commands:\n")
            .arg(Store::defaultPath());
    for (const Command &c : commands())
        s += QStringLiteral("  %1%2\n")
                 .arg(QString::fromLatin1(c.name).leftJustified(14), QLatin1String(c.summary));
    s += QStringLiteral("\nExit status: 0 success, 1 bad input or data error, 2 usage error.\n");
    return s;
}

} // namespace

bool parse(QCommandLineParser &p, const QString &command, const QString &description, const QStringList &args)
{
    p.setApplicationDescription(description);
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    if (!p.parse(QStringList{QStringLiteral("runlens ") + command} + args))
        throw UsageProblem{p.errorText()};
    if (p.isSet(QStringLiteral("help"))) {
        // helpText() names the program as started (a path); users call it `runlens`.
        QString help = p.helpText();
        static const QRegularExpression usage(QStringLiteral("^Usage: \\S+"));
        help.replace(usage, QStringLiteral("Usage: runlens [--db FILE] %1").arg(command));
        out() << help;
        return false;
    }
    return true;
}

Format formatOption(const QCommandLineParser &p, Format fallback)
{
    if (!p.isSet(QStringLiteral("format")))
        return fallback;
    const auto f = formatFromName(p.value(QStringLiteral("format")));
    if (!f)
        throw UsageProblem{QStringLiteral("--format must be table, json or csv (got '%1')")
                               .arg(p.value(QStringLiteral("format")))};
    return *f;
}

QCommandLineOption formatOptionSpec()
{
    return {QStringLiteral("format"), QStringLiteral("Output format: table, json or csv."),
            QStringLiteral("FORMAT")};
}

qint64 integerOption(const QCommandLineParser &p, const QString &name, qint64 fallback)
{
    if (!p.isSet(name))
        return fallback;
    bool ok = false;
    const qint64 v = p.value(name).toLongLong(&ok);
    if (!ok)
        throw UsageProblem{QStringLiteral("--%1 must be an integer (got '%2')").arg(name, p.value(name))};
    return v;
}

QJsonValue msOrNull(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(*ms) : QJsonValue();
}

QString isoTime(const std::optional<qint64> &ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(*ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              : QString();
}

bool stderrIsTerminal()
{
#ifdef Q_OS_UNIX
    return ::isatty(::fileno(stderr)) == 1;
#else
    return false;
#endif
}

Store openExisting(const QString &db)
{
    if (!QFileInfo::exists(db))
        throw Error(QStringLiteral("no database at %1 (runlens log or runlens demo creates one)").arg(db),
                    Error::Kind::NotFound);
    return Store(db);
}

namespace {

// ------------------------------------------------------------------------------------------------ commands

int experimentsCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(formatOptionSpec());
    p.addOption({QStringLiteral("include-deleted"), QStringLiteral("Also list deleted experiments.")});
    if (!parse(p, QStringLiteral("experiments"), QStringLiteral("List experiments."), args))
        return Ok;
    const Format format = formatOption(p);
    if (!p.positionalArguments().isEmpty())
        throw UsageProblem{QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first())};
    Store store = openExisting(db);
    Listing listing({QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("run_count"),
                     QStringLiteral("description"), QStringLiteral("lifecycle")});
    for (const Experiment &e : store.experiments(p.isSet(QStringLiteral("include-deleted")))) {
        listing.addRow({{QStringLiteral("id"), qint64(e.id)},
                        {QStringLiteral("name"), e.name},
                        {QStringLiteral("run_count"), qint64(e.runCount)},
                        {QStringLiteral("description"), e.description},
                        {QStringLiteral("lifecycle"), lifecycleName(e.lifecycle)}});
    }
    listing.write(out(), format);
    return Ok;
}

QJsonObject runJson(const Run &r)
{
    QJsonObject params, tags, metrics;
    for (auto it = r.params.begin(); it != r.params.end(); ++it)
        params.insert(it.key(), it.value());
    for (auto it = r.tags.begin(); it != r.tags.end(); ++it)
        tags.insert(it.key(), it.value());
    for (auto it = r.metrics.begin(); it != r.metrics.end(); ++it) {
        const MetricSummary &m = it.value();
        metrics.insert(it.key(), QJsonObject{{QStringLiteral("last"), text::jsonNumber(m.last)},
                                             {QStringLiteral("min"), text::jsonNumber(m.min)},
                                             {QStringLiteral("max"), text::jsonNumber(m.max)},
                                             {QStringLiteral("count"), qint64(m.count)},
                                             {QStringLiteral("last_step"), qint64(m.lastStep)}});
    }
    return {{QStringLiteral("id"), r.id},
            {QStringLiteral("name"), r.name},
            {QStringLiteral("experiment"), r.experimentName},
            {QStringLiteral("status"), runStatusName(r.status)},
            {QStringLiteral("start_time"), msOrNull(r.startMs)},
            {QStringLiteral("end_time"), msOrNull(r.endMs)},
            {QStringLiteral("lifecycle"), lifecycleName(r.lifecycle)},
            {QStringLiteral("parent_id"), r.parentId.isEmpty() ? QJsonValue() : QJsonValue(r.parentId)},
            {QStringLiteral("user"), r.user},
            {QStringLiteral("params"), params},
            {QStringLiteral("tags"), tags},
            {QStringLiteral("metrics"), metrics}};
}

int runsCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(formatOptionSpec());
    p.addOption({QStringLiteral("experiment"), QStringLiteral("Only runs of this experiment."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("filter"),
                 QStringLiteral("MLflow search filter, e.g. \"metrics.loss < 0.2 and "
                                "params.lr = '0.01'\"."),
                 QStringLiteral("EXPR")});
    p.addOption({QStringLiteral("order-by"),
                 QStringLiteral("e.g. \"metrics.loss ASC, attributes.start_time DESC\"."),
                 QStringLiteral("EXPR")});
    p.addOption({QStringLiteral("include-deleted"), QStringLiteral("Also list deleted runs.")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N runs."), QStringLiteral("N")});
    if (!parse(p, QStringLiteral("runs"), QStringLiteral("List and search runs."), args))
        return Ok;
    const Format format = formatOption(p);
    RunQuery q;
    q.filter = p.value(QStringLiteral("filter"));
    q.orderBy = p.value(QStringLiteral("order-by"));
    q.includeDeleted = p.isSet(QStringLiteral("include-deleted"));
    q.limit = integerOption(p, QStringLiteral("limit"), -1);
    if (p.isSet(QStringLiteral("limit")) && q.limit < 0)
        throw UsageProblem{QStringLiteral("--limit must not be negative")};
    if (!p.positionalArguments().isEmpty())
        throw UsageProblem{QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first())};

    Store store = openExisting(db);
    if (p.isSet(QStringLiteral("experiment"))) {
        const auto e = store.experimentByName(p.value(QStringLiteral("experiment")));
        if (!e)
            throw Error(QStringLiteral("no experiment named '%1'").arg(p.value(QStringLiteral("experiment"))),
                        Error::Kind::NotFound);
        q.experiments << e->id;
    }
    const std::vector<Run> runs = store.searchRuns(q);

    QStringList paramKeys, metricKeys;
    for (const Run &r : runs) {
        for (auto it = r.params.keyBegin(); it != r.params.keyEnd(); ++it)
            if (!paramKeys.contains(*it))
                paramKeys << *it;
        for (auto it = r.metrics.keyBegin(); it != r.metrics.keyEnd(); ++it)
            if (!metricKeys.contains(*it))
                metricKeys << *it;
    }
    paramKeys.sort();
    metricKeys.sort();
    QStringList columns{
        QStringLiteral("id"),        QStringLiteral("name"),       QStringLiteral("experiment"),
        QStringLiteral("status"),    QStringLiteral("start_time"), QStringLiteral("end_time"),
        QStringLiteral("lifecycle"), QStringLiteral("parent_id"),  QStringLiteral("user")};
    for (const QString &k : paramKeys)
        columns << QStringLiteral("params.") + k;
    for (const QString &k : metricKeys)
        columns << QStringLiteral("metrics.") + k;
    Listing listing(columns);
    for (const Run &r : runs) {
        QJsonObject row = runJson(r);
        if (format != Format::Json) {
            if (format == Format::Table) {
                row.insert(QStringLiteral("start_time"), isoTime(r.startMs));
                row.insert(QStringLiteral("end_time"), isoTime(r.endMs));
            }
            for (auto it = r.params.begin(); it != r.params.end(); ++it)
                row.insert(QStringLiteral("params.") + it.key(), it.value());
            for (auto it = r.metrics.begin(); it != r.metrics.end(); ++it)
                row.insert(QStringLiteral("metrics.") + it.key(), text::jsonNumber(it.value().last));
        }
        listing.addRow(row);
    }
    listing.write(out(), format);
    return Ok;
}

int metricCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(formatOptionSpec());
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("KEY"), QStringLiteral("Metric key."));
    if (!parse(p, QStringLiteral("metric"),
               QStringLiteral("Print every point of a metric in logging order: step, timestamp, value."),
               args))
        return Ok;
    const Format format = formatOption(p, Format::Csv);
    if (p.positionalArguments().size() != 2)
        throw UsageProblem{QStringLiteral("expected RUN and KEY")};
    const QString runId = p.positionalArguments().at(0);
    const QString key = p.positionalArguments().at(1);
    Store store = openExisting(db);
    if (!store.run(runId))
        throw Error(QStringLiteral("no run with id '%1'").arg(runId), Error::Kind::NotFound);
    if (!store.metricKeys(runId).contains(key))
        throw Error(QStringLiteral("run %1 has no metric '%2'").arg(runId, key), Error::Kind::NotFound);
    const std::vector<MetricPoint> points = store.metricHistory(runId, key);
    if (format == Format::Json) {
        QJsonArray a;
        for (const MetricPoint &pt : points)
            a.append(QJsonObject{{QStringLiteral("step"), qint64(pt.step)},
                                 {QStringLiteral("timestamp"), qint64(pt.timestamp)},
                                 {QStringLiteral("value"), text::jsonNumber(pt.value)}});
        out() << QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Indented));
        return Ok;
    }
    if (format == Format::Csv) {
        // Written directly: a metric may have millions of points.
        out() << "step,timestamp,value\n";
        for (const MetricPoint &pt : points)
            out() << pt.step << ',' << pt.timestamp << ',' << text::formatNumber(pt.value) << '\n';
        return Ok;
    }
    Listing listing({QStringLiteral("step"), QStringLiteral("timestamp"), QStringLiteral("value")});
    for (const MetricPoint &pt : points)
        listing.addRow({{QStringLiteral("step"), qint64(pt.step)},
                        {QStringLiteral("timestamp"), qint64(pt.timestamp)},
                        {QStringLiteral("value"), text::jsonNumber(pt.value)}});
    listing.write(out(), format);
    return Ok;
}

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
            const auto s = m_store.metricSummary(m_runId, key);
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

std::atomic<bool> interrupted{false};
std::atomic<int> interruptSignal{0};

extern "C" void onInterrupt(int signal)
{
    interruptSignal = signal;
    interrupted = true;
}

// One JSON line -> a batch. Throws Error naming the line.
Store::Batch batchFromLine(const QByteArray &line, qint64 lineNo, StepCounter &steps)
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
    Store::Batch batch;
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
    Store::Batch batch;
};

// Stores `lines` in one transaction. When the store refuses one of them (a param given another value, a bad
// key), nothing of that attempt stays; the lines before the refused one are stored, each in a savepoint, and
// the error names the line, as when every line was written on its own.
void storeLines(Store &store, const QString &runId, std::vector<ParsedLine> &lines)
{
    if (lines.empty())
        return;
    Store::Batch all;
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
            store.logBatch(runId, all);
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
            store.logBatch(runId, l.batch);
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
    const Store::LockWaits w = store.lockWaits();
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
    if (!p.positionalArguments().isEmpty())
        throw UsageProblem{QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first())};
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

    Store::Batch batch;
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
            init.experimentId = store.ensureExperiment(p.value(QStringLiteral("experiment")).isEmpty()
                                                           ? QStringLiteral("Default")
                                                           : p.value(QStringLiteral("experiment")));
            init.name = p.value(QStringLiteral("name"));
            init.user = qEnvironmentVariable("USER");
            runId = store.createRun(init).id;
        } else if (!store.run(runId)) {
            throw Error(QStringLiteral("no run with id '%1'").arg(runId), Error::Kind::NotFound);
        }
        StepCounter steps(store, runId);
        for (const auto &[k, v] : metricArgs) {
            batch.metrics.push_back({k, MetricPoint{stepGiven ? step : steps.next(k), timestamp, v}});
            steps.logged(k, batch.metrics.back().second.step);
        }
        store.logBatch(runId, batch);
        if (endStatus && !readStdin)
            store.setRunStatus(runId, *endStatus);
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
    interrupted = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
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
        std::optional<Store::Batch> b;
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
    while (!eof && !interrupted) {
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
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    reportLockWaits(store);
    if (interrupted) {
        err() << QStringLiteral("runlens log: interrupted; the %1 lines read were stored, the run was not "
                                "closed\n")
                     .arg(lineNo);
        err().flush();
        return 128 + interruptSignal;
    }
    if (endStatus)
        store.setRunStatus(runId, *endStatus);
    return Ok;
}

int importCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("PATH"),
                            QStringLiteral("mlruns folders, mlflow.db files, TensorBoard log "
                                           "folders, CSV or JSON-lines logs."),
                            QStringLiteral("PATH..."));
    p.addOption({QStringLiteral("experiment"),
                 QStringLiteral("Experiment for runs whose source names none (default: "
                                "the source's folder or file name)."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("format"),
                 QStringLiteral("auto, mlflow, mlflow-db, tensorboard, csv or jsonl "
                                "(default auto)."),
                 QStringLiteral("FORMAT")});
    p.addOption(
        {QStringLiteral("follow"), QStringLiteral("Keep watching and import new points as they are written; "
                                                  "stop with Ctrl-C.")});
    p.addOption({QStringLiteral("interval"), QStringLiteral("Seconds between --follow passes (default 1)."),
                 QStringLiteral("S")});
    p.addOption({QStringLiteral("report"), QStringLiteral("Report format: text or json (default text)."),
                 QStringLiteral("FORMAT")});
    p.addOption({QStringLiteral("no-artifacts"), QStringLiteral("Do not copy artifact files.")});
    if (!parse(p, QStringLiteral("import"),
               QStringLiteral(
                   "Import runs from other tools. Importing the same source again adds only what is new; "
                   "each run is imported whole or not at all; sources are never modified."),
               args))
        return Ok;
    if (p.positionalArguments().isEmpty())
        throw UsageProblem{QStringLiteral("expected at least one PATH")};
    const auto format = import::formatFromName(p.value(QStringLiteral("format")).isEmpty()
                                                   ? QStringLiteral("auto")
                                                   : p.value(QStringLiteral("format")));
    if (!format)
        throw UsageProblem{
            QStringLiteral("--format must be auto, mlflow, mlflow-db, tensorboard, csv or jsonl (got "
                           "'%1')")
                .arg(p.value(QStringLiteral("format")))};
    const QString report = p.value(QStringLiteral("report")).isEmpty() ? QStringLiteral("text")
                                                                       : p.value(QStringLiteral("report"));
    if (report != QLatin1String("text") && report != QLatin1String("json"))
        throw UsageProblem{QStringLiteral("--report must be text or json")};
    const qint64 interval = integerOption(p, QStringLiteral("interval"), 1);
    if (interval < 1)
        throw UsageProblem{QStringLiteral("--interval must be at least 1")};

    Store store(db);
    import::ImportOptions options;
    options.experiment = p.value(QStringLiteral("experiment"));
    options.copyArtifacts = !p.isSet(QStringLiteral("no-artifacts"));
    options.cancelled = [] { return interrupted.load(); };
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const auto print = [&](const import::ImportReport &r) {
        if (report == QLatin1String("json"))
            out() << QString::fromUtf8(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact)) << '\n';
        else
            out() << r.toText();
        out().flush();
    };
    // Exit status 1 when a source could not be read (its reader stopped, or it gave no run and only
    // warnings) or a run was refused: the report says what was imported, stderr what was not.
    const auto failures = [](const import::ImportReport &r) {
        for (const QString &s : r.failedSources)
            err() << "runlens import: could not import " << display::escapeControls(s) << '\n';
        for (const QString &f : r.failedRuns)
            err() << "runlens import: failed " << display::escapeControls(f) << '\n';
        err().flush();
        return !r.failedSources.isEmpty() || !r.failedRuns.isEmpty();
    };
    import::ImportReport first = import::importPaths(store, p.positionalArguments(), *format, options);
    print(first);
    bool failed = failures(first);
    while (p.isSet(QStringLiteral("follow")) && !interrupted) {
        for (qint64 waited = 0; waited < interval * 10 && !interrupted; ++waited)
            QThread::msleep(100);
        if (interrupted)
            break;
        const import::ImportReport more =
            import::importPaths(store, p.positionalArguments(), *format, options);
        if (more.runsAdded || more.pointsAdded || more.artifactsAdded || !more.failedRuns.isEmpty() ||
            !more.failedSources.isEmpty())
            print(more);
        failed |= failures(more);
    }
    return failed ? DataError : Ok;
}

int demoCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(
        {QStringLiteral("runs"), QStringLiteral("Number of runs (default 48)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("steps"), QStringLiteral("Training steps per run (default 2000)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("scale"),
                 QStringLiteral("Instead: one wide experiment \"scale\" of N runs x 30 params x 10 metrics "
                                "(the window's startup check)."),
                 QStringLiteral("N")});
    if (!parse(
            p, QStringLiteral("demo"),
            QStringLiteral("Fill the database with realistic demo experiments: a hyperparameter sweep with "
                           "loss/accuracy/lr curves, a diverged run, a failed run, a running run, tags and "
                           "notes."),
            args))
        return Ok;
    const qint64 runs = integerOption(p, QStringLiteral("runs"), 48);
    const qint64 steps = integerOption(p, QStringLiteral("steps"), 2000);
    if (runs < 1 || runs > 1000000)
        throw UsageProblem{QStringLiteral("--runs must be between 1 and 1000000")};
    if (steps < 10 || steps > 10000000)
        throw UsageProblem{QStringLiteral("--steps must be between 10 and 10000000")};
    const qint64 scale = integerOption(p, QStringLiteral("scale"), 0);
    if (scale < 0 || scale > 1000000)
        throw UsageProblem{QStringLiteral("--scale must be between 1 and 1000000")};
    Store store(db);
    const DemoSummary s = scale > 0 ? generateScaleData(store, ScaleOptions{int(scale), 30, 10, 20})
                                    : generateDemoData(store, DemoOptions{int(runs), int(steps)});
    out() << QStringLiteral("Added %1 experiments, %2 runs and %3 metric points to %4\n")
                 .arg(s.experiments)
                 .arg(s.runs)
                 .arg(s.points)
                 .arg(display::escapeControls(store.path()));
    return Ok;
}

int compactCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    if (!parse(p, QStringLiteral("compact"),
               QStringLiteral("Rewrite partly filled metric chunks into full ones, and give every chunk the "
                              "summaries that zoomed charts read (chunks written before database schema 5, "
                              "or by other writers, lack them and are read point by point). Safe while "
                              "the window is open or a run is logging: the work is committed a series or a "
                              "batch of chunks at a time."),
               args))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw UsageProblem{QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first())};
    Store store = openExisting(db);
    const bool tty = stderrIsTerminal();
    const Store::Compaction c = store.compact([tty](qint64 done, qint64 total) {
        if (tty)
            err() << QStringLiteral("\rSummarising chunks: %1 of %2").arg(done).arg(total) << Qt::flush;
    });
    if (tty && c.detailsAdded > 0)
        err() << "\n";
    store.checkpoint();
    out() << QStringLiteral("Compacted %1: %2 series rewritten, %3 chunks given zoom summaries\n")
                 .arg(display::escapeControls(store.path()))
                 .arg(c.seriesRewritten)
                 .arg(c.detailsAdded);
    return Ok;
}

int backupCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Where the backup goes (a new file)."));
    if (!parse(
            p, QStringLiteral("backup"),
            QStringLiteral("Write a consistent copy of the database to FILE, and the artifact files its "
                           "runs name to FILE's -artifacts folder beside it: a Runlens database of its own "
                           "(open it with runlens --db FILE). Safe while the window is open and runs are "
                           "logging. FILE appears only when the backup is complete; nothing existing is "
                           "replaced."),
            args))
        return Ok;
    const QStringList files = p.positionalArguments();
    if (files.size() != 1)
        throw UsageProblem{QStringLiteral("backup expects one FILE, the new backup")};
    Store store = openExisting(db);
    const bool tty = stderrIsTerminal();
    const BackupSummary s = backupDatabase(store, files.first(), [tty](qint64 done, qint64 total) {
        if (tty)
            err() << QStringLiteral("\rCopying artifacts: %1 of %2").arg(done).arg(total) << Qt::flush;
    });
    if (tty && (s.objects > 0 || !s.missingObjects.isEmpty()))
        err() << "\n";
    if (!s.missingObjects.isEmpty())
        err() << QStringLiteral(
                     "runlens: warning: %1 artifact file(s) named by runs were already missing from "
                     "%2 and are not in the backup (first: %3)\n")
                     .arg(s.missingObjects.size())
                     .arg(display::escapeControls(ArtifactStore(store.path()).root()),
                          display::escapeControls(s.missingObjects.first()));
    out() << QStringLiteral("Backed up %1 runs and %2 artifact %3 (%4 bytes) to %5\n")
                 .arg(s.runs)
                 .arg(s.objects)
                 .arg(s.objects == 1 ? QStringLiteral("file") : QStringLiteral("files"))
                 .arg(s.bytes)
                 .arg(display::escapeControls(s.database));
    return Ok;
}

int exportChartCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("runs"), QStringLiteral("The runs to draw: ids separated by commas."),
                 QStringLiteral("ID,...")});
    p.addOption({QStringLiteral("filter"),
                 QStringLiteral("Instead of --runs: the runs an MLflow search filter finds (\"\" for all)."),
                 QStringLiteral("EXPR")});
    p.addOption({QStringLiteral("experiment"), QStringLiteral("With --filter: only runs of this experiment."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("metric"),
                 QStringLiteral("A metric key to chart; repeat for a grid of charts."),
                 QStringLiteral("KEY")});
    p.addOption({QStringLiteral("x"), QStringLiteral("X axis: step (default), time or relative."),
                 QStringLiteral("AXIS")});
    p.addOption({QStringLiteral("smooth"),
                 QStringLiteral("TensorBoard's smoothing weight, 0 (off, default) to 0.999."),
                 QStringLiteral("W")});
    p.addOption({QStringLiteral("log-y"), QStringLiteral("Logarithmic y axis.")});
    p.addOption({QStringLiteral("ignore-outliers"),
                 QStringLiteral("Fit the y axis to the 5th-95th percentile of the data.")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Picture size in pixels (default 1200x800)."),
                 QStringLiteral("WxH")});
    p.addOption({QStringLiteral("scale"), QStringLiteral("PNG pixels per picture pixel, 1 to 8 (default 1)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("full-resolution"),
                 QStringLiteral("Reduce at 8x the width (every point of series up to that length).")});
    p.addOption({QStringLiteral("out"), QStringLiteral("The file to write: .png, .svg or .pdf."),
                 QStringLiteral("FILE")});
    if (!parse(p, QStringLiteral("export-chart"),
               QStringLiteral("Draw metric charts of runs into a PNG, SVG or PDF file, as the Compare page "
                              "draws them."),
               args))
        return Ok;
    if (p.isSet(QStringLiteral("runs")) == p.isSet(QStringLiteral("filter")))
        throw UsageProblem{QStringLiteral("give either --runs ID,... or --filter EXPR")};
    if (p.isSet(QStringLiteral("experiment")) && !p.isSet(QStringLiteral("filter")))
        throw UsageProblem{QStringLiteral("--experiment goes with --filter")};
    const QStringList keys = p.values(QStringLiteral("metric"));
    if (keys.isEmpty())
        throw UsageProblem{QStringLiteral("give at least one --metric KEY")};
    const QString outPath = p.value(QStringLiteral("out"));
    if (outPath.isEmpty())
        throw UsageProblem{QStringLiteral("give the file to write with --out FILE.png|svg|pdf")};
    if (chartexport::formatOf(outPath).isEmpty())
        throw UsageProblem{QStringLiteral("--out must end in .png, .svg or .pdf (got '%1')").arg(outPath)};
    const auto axis = chartXAxisFromName(
        p.value(QStringLiteral("x")).isEmpty() ? QStringLiteral("step") : p.value(QStringLiteral("x")));
    if (!axis)
        throw UsageProblem{QStringLiteral("--x must be step, time or relative (got '%1')")
                               .arg(p.value(QStringLiteral("x")))};
    double smoothing = 0;
    if (p.isSet(QStringLiteral("smooth"))) {
        bool ok = false;
        smoothing = p.value(QStringLiteral("smooth")).toDouble(&ok);
        if (!ok || !(smoothing >= 0 && smoothing <= 0.999))
            throw UsageProblem{QStringLiteral("--smooth must be a number from 0 to 0.999 (got '%1')")
                                   .arg(p.value(QStringLiteral("smooth")))};
    }
    QSize size(1200, 800);
    if (p.isSet(QStringLiteral("size"))) {
        const QStringList wh = p.value(QStringLiteral("size")).split(QLatin1Char('x'));
        const int w = wh.value(0).toInt(), h = wh.size() == 2 ? wh[1].toInt() : 0;
        if (w < 200 || h < 150 || w > 20000 || h > 20000)
            throw UsageProblem{
                QStringLiteral("--size expects WIDTHxHEIGHT from 200x150 to 20000x20000 (got '%1')")
                    .arg(p.value(QStringLiteral("size")))};
        size = QSize(w, h);
    }
    const qint64 scale = integerOption(p, QStringLiteral("scale"), 1);
    if (scale < 1 || scale > 8)
        throw UsageProblem{QStringLiteral("--scale must be from 1 to 8")};
    if (!p.positionalArguments().isEmpty())
        throw UsageProblem{QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first())};

    Store store = openExisting(db);
    std::vector<Run> runs;
    if (p.isSet(QStringLiteral("runs"))) {
        for (const QString &id :
             p.value(QStringLiteral("runs")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            std::optional<Run> r = store.run(id.trimmed());
            if (!r)
                throw Error(QStringLiteral("no run with id '%1'").arg(id.trimmed()), Error::Kind::NotFound);
            runs.push_back(std::move(*r));
        }
    } else {
        RunQuery q;
        q.filter = p.value(QStringLiteral("filter"));
        if (p.isSet(QStringLiteral("experiment"))) {
            const auto e = store.experimentByName(p.value(QStringLiteral("experiment")));
            if (!e)
                throw Error(
                    QStringLiteral("no experiment named '%1'").arg(p.value(QStringLiteral("experiment"))),
                    Error::Kind::NotFound);
            q.experiments << e->id;
        }
        runs = store.searchRuns(q);
    }
    if (runs.empty())
        throw Error(QStringLiteral("no runs to draw"), Error::Kind::NotFound);

    // The same pieces the Compare page draws with: run colours and names, a grid of charts, a legend.
    QHash<QString, ChartRunStyle> styles;
    std::vector<ChartRun> chartRuns;
    QStringList order;
    for (const Run &r : runs) {
        styles.insert(r.id, {r.name.isEmpty() ? r.id.left(8) : r.name, RunColors::of(r.id, r.tags), true});
        chartRuns.push_back({r.id, r.startMs});
        order << r.id;
    }
    const std::vector<ChartGroup> groups;
    const QPalette palette = QGuiApplication::palette();
    const int columns = keys.size() <= 1 ? 1 : keys.size() <= 4 ? 2 : 3;
    const ChartGrid grid(int(keys.size()), columns, styles, groups, order, palette);
    const QRectF bounds(QPointF(0, 0), QSizeF(size));
    const bool vector = chartexport::formatOf(outPath) != QLatin1String("png");
    ChartOptions options;
    options.logY = p.isSet(QStringLiteral("log-y"));
    options.ignoreOutliers = p.isSet(QStringLiteral("ignore-outliers"));
    options.smoothing = smoothing;
    std::vector<ChartGridCell> cells;
    for (qsizetype i = 0; i < keys.size(); ++i) {
        ChartRequest r;
        r.runs = chartRuns;
        r.key = keys[i];
        r.xAxis = *axis;
        r.smoothing = smoothing;
        // Read at the plot's pixel width: what is drawn is then every point's picture.
        const double plotWidth = ChartRenderer::plotRect(grid.cell(bounds, int(i))).width();
        r.width = int(std::lround(plotWidth * (vector ? 1.0 : double(scale)))) *
                  (p.isSet(QStringLiteral("full-resolution")) ? 8 : 1);
        auto data = std::make_shared<const ChartData>(loadChartData(store, r));
        if (data->series.empty())
            err() << "runlens export-chart: no run has the metric '" << display::escapeControls(keys[i])
                  << "'\n";
        cells.push_back({data, data->x0, data->x1, options});
    }
    QString error;
    if (!chartexport::write(
            outPath, QSizeF(size), qreal(scale),
            [&](QPainter &painter, const QRectF &b, qreal s, bool v) { grid.paint(painter, b, s, v, cells); },
            &error))
        throw Error(error);
    out() << QStringLiteral("Wrote %1 (%2 chart(s) of %3 run(s))\n")
                 .arg(display::escapeControls(outPath))
                 .arg(keys.size())
                 .arg(runs.size());
    return Ok;
}

int benchCommand(const QString &, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("json"), QStringLiteral("Print the figures as JSON.")});
    p.addOption(
        {QStringLiteral("quick"), QStringLiteral("Smaller data sets (a smoke run; figures not comparable to "
                                                 "the targets).")});
    p.addOption({QStringLiteral("dir"),
                 QStringLiteral("Folder for the scratch databases (default: a temporary "
                                "folder)."),
                 QStringLiteral("DIR")});
    p.addOption(
        {QStringLiteral("only"),
         QStringLiteral("Measure only these groups, comma-separated: store (ingest, reads, overviews, "
                        "search, imports), window, compare, concurrency (8 `runlens log` writers at once) "
                        "(default: all)."),
         QStringLiteral("GROUPS")});
    if (!parse(p, QStringLiteral("bench"),
               QStringLiteral(
                   "Measure ingest, reads, overviews and search on scratch databases and compare with "
                   "the targets."),
               args))
        return Ok;
    const QStringList groups{QStringLiteral("store"), QStringLiteral("window"), QStringLiteral("compare"),
                             QStringLiteral("concurrency")};
    QStringList only = groups;
    if (p.isSet(QStringLiteral("only"))) {
        only = p.value(QStringLiteral("only")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &g : only) {
            if (!groups.contains(g))
                throw UsageProblem{
                    QStringLiteral("unknown group '%1' (expected store, window, compare or concurrency)")
                        .arg(g)};
        }
    }
    BenchmarkOptions options;
    options.quick = p.isSet(QStringLiteral("quick"));
    options.directory = p.value(QStringLiteral("dir"));
    const bool json = p.isSet(QStringLiteral("json"));
    options.progress = [json](const QString &message) {
        if (!json) {
            err() << message << '\n';
            err().flush();
        }
    };
    BenchmarkReport report;
    if (only.contains(QStringLiteral("store")))
        report = runBenchmark(options);
    // The window's figures come from the real window, started offscreen as a separate process.
    QTemporaryDir scratch;
    const QString dir = options.directory.isEmpty() ? scratch.path() : options.directory;
    if (!options.directory.isEmpty() && !QDir().mkpath(dir))
        throw Error(QStringLiteral("bench: cannot create %1").arg(dir));
    if (only.contains(QStringLiteral("window")))
        report.figures << measureWindow(QCoreApplication::applicationFilePath(), dir, options.quick,
                                        options.progress);
    if (only.contains(QStringLiteral("compare")))
        report.figures << measureCompare(QCoreApplication::applicationFilePath(), dir, options.quick,
                                         options.progress);
    if (only.contains(QStringLiteral("concurrency")))
        report.figures << measureConcurrency(QCoreApplication::applicationFilePath(), dir, options.quick,
                                             options.progress);
    if (json)
        out() << QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented));
    else
        out() << report.toText();
    return Ok;
}

const QList<Command> &commands()
{
    static const QList<Command> all = {
        {"experiments", "list experiments", experimentsCommand},
        {"runs", "list and search runs (MLflow filter and order-by)", runsCommand},
        {"metric", "print every point of a run's metric", metricCommand},
        {"log", "create a run or log params, tags and metrics (also JSON lines on stdin)", logCommand},
        {"import", "import MLflow stores and databases, TensorBoard, CSV and JSON-lines logs", importCommand},
        {"demo", "fill the database with realistic demo data", demoCommand},
        {"export-chart", "draw metric charts of runs into a PNG, SVG or PDF file", exportChartCommand},
        {"models", "list registered models", modelsCommand},
        {"model", "show a registered model: versions, stages, aliases, tags and audit trail", modelCommand},
        {"promote", "register a run (or one of its artifact folders) as a new model version", promoteCommand},
        {"alias", "set, move or delete an alias of a model version", aliasCommand},
        {"stage", "transition a model version to None, Staging, Production or Archived", stageCommand},
        {"model-export", "copy a model version's artifacts and lineage.json into a folder",
         modelExportCommand},
        {"artifacts", "list a run's artifacts", artifactsCommand},
        {"attach", "attach local files and folders to a run as artifacts", attachCommand},
        {"artifact-get", "copy an artifact or a folder of artifacts out of a run", artifactGetCommand},
        {"compact", "merge partly filled metric chunks and add missing zoom summaries", compactCommand},
        {"backup", "copy the database and its artifacts into a new backup, safely while others write",
         backupCommand},
        {"bench", "measure speed and memory against the targets", benchCommand},
    };
    return all;
}

} // namespace

bool isCommand(const QString &name)
{
    for (const Command &c : commands()) {
        if (name == QLatin1String(c.name))
            return true;
    }
    return false;
}

Invocation scan(const QStringList &arguments)
{
    // Window options that take a value, so that the value is not mistaken for a command.
    static const QStringList windowValueOptions{QStringLiteral("--screenshot"), QStringLiteral("--page"),
                                                QStringLiteral("--compare-check"), QStringLiteral("--size"),
                                                QStringLiteral("--theme")};
    Invocation inv;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (!inv.command.isEmpty()) {
            inv.args << a;
        } else if (a == QLatin1String("--db") || a.startsWith(QLatin1String("--db="))) {
            if (a == QLatin1String("--db") && i + 1 < arguments.size())
                inv.db = arguments[++i];
            else
                inv.db = a.mid(5);
            if (inv.db.isEmpty()) {
                inv.usageError = QStringLiteral("--db needs a file name");
                return inv;
            }
        } else if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            inv.help = true;
        } else if (a == QLatin1String("--version") || a == QLatin1String("-v")) {
            inv.version = true;
        } else if (windowValueOptions.contains(a)) {
            inv.args << a;
            if (i + 1 < arguments.size())
                inv.args << arguments[++i];
        } else if (a == QLatin1String("--")) {
            inv.args << arguments.mid(i); // files for the window, whatever their names
            break;
        } else if (a.startsWith(QLatin1Char('-'))) {
            inv.args << a; // a window option (or Qt's own); the window validates them
        } else if (isCommand(a)) {
            inv.command = a;
        } else if (QFileInfo::exists(a) || a.contains(QLatin1Char('/')) || a.contains(QLatin1Char('.'))) {
            inv.args << a; // a file for the window to open (`runlens FILE...`, the desktop's %F); a word that
                           // names no file is a mistyped command
        } else {
            inv.usageError = QStringLiteral("unknown command '%1'").arg(a);
            return inv;
        }
    }
    return inv;
}

int run(const Invocation &inv)
{
    if (!inv.usageError.isEmpty()) {
        err() << "runlens: " << display::escapeControls(inv.usageError) << "\nTry 'runlens --help'.\n";
        return UsageError;
    }
    if (inv.version && inv.command.isEmpty()) {
        out() << "runlens " << RUNLENS_VERSION << '\n';
        return Ok;
    }
    if (inv.help && inv.command.isEmpty()) {
        out() << globalHelp();
        return Ok;
    }
    const QString db = inv.db.isEmpty() ? Store::defaultPath() : inv.db;
    for (const Command &c : commands()) {
        if (inv.command != QLatin1String(c.name))
            continue;
        try {
            return c.run(db, inv.args);
        } catch (const UsageProblem &u) {
            err() << "runlens " << inv.command << ": " << display::escapeControls(u.message)
                  << "\nTry 'runlens " << inv.command << " --help'.\n";
            return UsageError;
        } catch (const search::SyntaxError &e) {
            err() << "runlens " << inv.command << ": " << display::escapeControls(e.message()) << '\n';
            return DataError;
        } catch (const Error &e) {
            // Messages name runs, keys and files from data: escaped, they cannot command the terminal.
            err() << "runlens " << inv.command << ": " << display::escapeControls(e.message()) << '\n';
            return DataError;
        } catch (const std::exception &e) {
            err() << "runlens " << inv.command << ": "
                  << display::escapeControls(QString::fromLocal8Bit(e.what())) << '\n';
            return DataError;
        }
    }
    err() << "runlens: unknown command '" << display::escapeControls(inv.command)
          << "'\nTry 'runlens --help'.\n";
    return UsageError;
}

} // namespace runlens::cli
