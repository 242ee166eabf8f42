// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/runcommands.h"

#include "cli/cli.h"
#include "cli/commandsupport.h"
#include "cli/output.h"
#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"
#include "search/filterkeys.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace runlens::cli {

namespace {

QJsonObject runJson(const Run &r)
{
    QJsonObject metrics;
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
            {QStringLiteral("params"), mapJson(r.params)},
            {QStringLiteral("tags"), mapJson(r.tags)},
            {QStringLiteral("metrics"), metrics}};
}

} // namespace

int experimentsCommand(const QString &db, const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(formatOptionSpec());
    p.addOption({QStringLiteral("include-deleted"), QStringLiteral("Also list deleted experiments.")});
    if (!parse(p, QStringLiteral("experiments"), QStringLiteral("List experiments."), args))
        return Ok;
    const Format format = formatOption(p);
    expectArguments(p, 0, QString());
    Store store = openExisting(db);
    Listing listing({QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("run_count"),
                     QStringLiteral("description"), QStringLiteral("lifecycle")});
    for (const Experiment &e : store.runs().experiments(p.isSet(QStringLiteral("include-deleted")))) {
        listing.addRow({{QStringLiteral("id"), qint64(e.id)},
                        {QStringLiteral("name"), e.name},
                        {QStringLiteral("run_count"), qint64(e.runCount)},
                        {QStringLiteral("description"), e.description},
                        {QStringLiteral("lifecycle"), lifecycleName(e.lifecycle)}});
    }
    listing.write(out(), format);
    return Ok;
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
    expectArguments(p, 0, QString());

    Store store = openExisting(db);
    if (p.isSet(QStringLiteral("experiment")))
        q.experiments << requireExperiment(store, p.value(QStringLiteral("experiment"))).id;
    const std::vector<Run> runs = store.runs().searchRuns(q);
    // A misspelt key matches no run, which is a valid answer (exit 0), but rarely the one meant: say so.
    if (!q.filter.trimmed().isEmpty()) {
        const search::KnownKeys known = store.runs().knownKeys(q.experiments);
        const QString scope =
            p.isSet(QStringLiteral("experiment"))
                ? QStringLiteral("in experiment '%1'").arg(p.value(QStringLiteral("experiment")))
                : QString();
        for (const search::UnknownKey &u : search::unknownKeys(q.filter, known))
            err() << "runlens runs: note: " << display::escapeControls(search::unknownKeyMessage(u, scope))
                  << '\n';
    }

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
                // An imported log may not tell when its run began (JSON and CSV keep null / empty).
                row.insert(QStringLiteral("start_time"),
                           r.startMs ? isoTime(r.startMs) : QStringLiteral("unknown"));
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
    requireRun(store, runId);
    if (!store.runs().metricKeys(runId).contains(key))
        throw Error(QStringLiteral("run %1 has no metric '%2'").arg(runId, key), Error::Kind::NotFound);
    const std::vector<MetricPoint> points = store.series().metricHistory(runId, key);
    if (format == Format::Json) {
        QJsonArray a;
        for (const MetricPoint &pt : points)
            a.append(QJsonObject{{QStringLiteral("step"), qint64(pt.step)},
                                 {QStringLiteral("timestamp"), qint64(pt.timestamp)},
                                 {QStringLiteral("value"), text::jsonNumber(pt.value)}});
        writeJson(out(), QJsonDocument(a));
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

} // namespace runlens::cli
