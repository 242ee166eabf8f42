// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Experiments and runs with what belongs to a run (params, tags, dataset inputs, child runs, the metric
// summaries a run read carries), and the search over them (MLflow's filter and order-by, search/). Part of
// the Store (store.h: store.runs()), over its Database.

#include "core/types.h"
#include "search/filterkeys.h"
#include "search/searchquery.h"

#include <optional>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <utility>
#include <vector>

namespace runlens {

class Database;
class SeriesEngine;

// How many parents a run may have above it before it counts as top-level (see RunQuery::topLevel).
inline constexpr int MaxRunDepth = 64;

// What the runs a query lists under one parent add up to (RunStore::childSummaries).
struct ChildSummary
{
    qint64 count = 0;
    std::optional<qint64> firstStartMs; // the earliest start among them, if any is known
    std::optional<qint64> lastEndMs;    // the latest end among them, if any ended
    bool anyOpen = false;               // some of them have not ended
    friend bool operator==(const ChildSummary &, const ChildSummary &) = default;
};

struct RunQuery
{
    QList<ExperimentId> experiments; // empty: every experiment
    QString filter;                  // MLflow search_runs filter
    QString orderBy;                 // "<identifier> [ASC|DESC], ..."
    // Plain words, matched (case-insensitively, as substrings) against the run's name, id, user, source and
    // its param and tag values; every word must match somewhere. The quick filter beside the search language.
    QString text;
    bool includeDeleted = false;
    bool onlyDeleted = false;
    // The runs table's tree. topLevel: only runs whose parent is not listed by the same query (no parent,
    // an orphan, a parent filtered out, trashed or in another experiment) and runs on a cycle of parent ids
    // or more than MaxRunDepth parents deep (a crafted database). parents, when not empty: only the runs
    // whose parent is one of these.
    bool topLevel = false;
    QStringList parents;
    qint64 limit = -1; // < 0: no limit
    qint64 offset = 0;
};

class RunStore
{
public:
    RunStore(Database &db, SeriesEngine &series);
    RunStore(const RunStore &) = delete;
    RunStore &operator=(const RunStore &) = delete;

    // Experiments
    ExperimentId createExperiment(const QString &name, const QString &description = {});
    ExperimentId ensureExperiment(const QString &name); // finds or creates
    std::optional<Experiment> experiment(ExperimentId id);
    std::optional<Experiment> experimentByName(const QString &name);
    std::vector<Experiment> experiments(bool includeDeleted = false);
    // Names are trimmed, non-empty and unique among active and trashed experiments alike (as in MLflow, a
    // trashed experiment keeps its name until it is purged): a taken name throws Conflict. Only active
    // experiments can be renamed, described or tagged (Conflict otherwise).
    void renameExperiment(ExperimentId id, const QString &name);
    void setExperimentDescription(ExperimentId id, const QString &description);
    void setExperimentLifecycle(ExperimentId id, Lifecycle lifecycle);
    void setExperimentTag(ExperimentId id, const QString &key, const QString &value);

    // Runs
    Run createRun(const NewRun &init);
    std::optional<Run> run(const QString &id); // with params, tags and metric summaries
    void setRunStatus(const QString &id, RunStatus status, std::optional<qint64> endMs = std::nullopt);
    void setRunName(const QString &id, const QString &name);
    // The description is MLflow's mlflow.note.content tag (what MLflow's UI edits): the tag is written too,
    // so that both show the edit and a re-import, which leaves existing tags alone, does not bring back the
    // old note.
    void setRunDescription(const QString &id, const QString &description);
    void setRunStarred(const QString &id, bool starred);
    void setRunLifecycle(const QString &id, Lifecycle lifecycle);
    // Several runs at once, all or nothing (the trash and star actions of the runs table).
    void setRunsLifecycle(const QStringList &ids, Lifecycle lifecycle);
    void setRunsStarred(const QStringList &ids, bool starred);
    // Params are immutable: logging the same value again is a no-op, a different value throws Conflict.
    void logParam(const QString &runId, const QString &key, const QString &value);
    // Tags are mutable. Well-known MLflow tags (mlflowtag::*) also set the matching native field.
    void setTag(const QString &runId, const QString &key, const QString &value);
    // Deleting mlflow.note.content clears the description, as it deletes the note in MLflow.
    void deleteTag(const QString &runId, const QString &key);
    // Runs whose parent is `id` (MLflow's nested runs), oldest first, deleted ones included; the runs' own
    // fields only (no params, tags or metrics). Throws NotFound when `id` is not a run.
    std::vector<Run> childRuns(const QString &id);

    // Params, tags and metric points (through the series engine) in one transaction: all or nothing.
    struct Batch
    {
        QMap<QString, QString> params;
        QMap<QString, QString> tags;
        std::vector<std::pair<QString, MetricPoint>> metrics;
    };
    void logBatch(const QString &runId, const Batch &batch);

    // The run's metrics as its summary rows tell them (no points read).
    QStringList metricKeys(const QString &runId);
    std::optional<MetricSummary> metricSummary(const QString &runId, const QString &key);

    // Dataset inputs (idempotent: the same input twice is stored once).
    void addDatasetInput(const QString &runId, const DatasetInput &input);
    std::vector<DatasetInput> datasetInputs(const QString &runId);

    // Search (MLflow filter and order-by). Throws search::SyntaxError for a malformed expression. Each
    // query has a form taking the filter and order-by already compiled (search::compile of query.filter and
    // query.orderBy, with this store's dialect), for a caller that compiled them once to check them: the
    // query's own filter and orderBy are then not read again.
    QStringList searchRunIds(const RunQuery &query);
    QStringList searchRunIds(const RunQuery &query, const search::CompiledQuery &compiled);
    // The ids of the runs a query lists, in its order, each with its updatedMs: what a view compares with
    // the rows it holds, to re-read only the runs that changed.
    std::vector<std::pair<QString, qint64>> searchRunStamps(const RunQuery &query);
    std::vector<std::pair<QString, qint64>> searchRunStamps(const RunQuery &query,
                                                            const search::CompiledQuery &compiled);
    // Runs by id, with params, tags and metric summaries, in no particular order; unknown ids are left out.
    std::vector<Run> runs(const QStringList &ids);
    std::vector<Run> searchRuns(const RunQuery &query); // with params, tags and metric summaries
    std::vector<Run> searchRuns(const RunQuery &query, const search::CompiledQuery &compiled);
    qint64 countRuns(const RunQuery &query);
    qint64 countRuns(const RunQuery &query, const search::CompiledQuery &compiled);
    // The runs `query` lists whose parent is one of `parents` (topLevel, limit and offset do not apply), by
    // parent, each parent's in the query's order: parent id -> its children's ids and stamps. One query per
    // MaxBinds parents.
    QHash<QString, std::vector<std::pair<QString, qint64>>>
    childRunStamps(const RunQuery &query, const search::CompiledQuery &compiled, const QStringList &parents);
    // Whether any run (in any experiment, trashed or not) has a parent: one probe of the parent index.
    // Without one, a tree is a flat listing and costs none of its queries.
    bool anyChildRuns();
    // For each run with children among the runs `query` lists (limit, offset and topLevel do not apply:
    // the whole listing), what those children add up to, by the parent's id; one grouped query. Non-empty
    // query.parents (at most a few hundred) narrows it to those parents.
    QHash<QString, ChildSummary> childSummaries(const RunQuery &query, const search::CompiledQuery &compiled);
    QStringList paramKeys(const QList<ExperimentId> &experiments = {});
    QStringList tagKeys(const QList<ExperimentId> &experiments = {});
    QStringList allMetricKeys(const QList<ExperimentId> &experiments = {});
    // The three above together: what a filter over these experiments may name (search::unknownKeys).
    search::KnownKeys knownKeys(const QList<ExperimentId> &experiments = {});

private:
    void loadDetails(std::vector<Run> &runs, const std::vector<qint64> &rids);
    void applyWellKnownTag(qint64 rid, const QString &key, const QString &value);
    QStringList distinctKeys(const QString &table, const QList<ExperimentId> &experiments);
    void checkNameFree(const QString &name, ExperimentId self); // throws Conflict when another one has it
    void requireActiveExperiment(ExperimentId id, const QString &doing);
    search::CompiledQuery compile(const RunQuery &query) const;

    Database &m_db;
    SeriesEngine &m_series;
};

} // namespace runlens
