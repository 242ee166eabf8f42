// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Stores what import readers deliver. Idempotent: a run is found again by its id (sources without ids get one
// derived from a stable source key), only points beyond those already stored are appended, params, tags,
// inputs, artifacts and registry entries already present are left alone, and what people changed here (a tag,
// a run deleted or restored, a finished run's status) is not undone. Atomic per run: a run that fails is
// rolled back whole and reported; the import goes on with the next one.

#include "artifacts/artifactstore.h"
#include "import/importsource.h"
#include "store/store.h"

#include <QJsonObject>
#include <QSet>

namespace runlens::import {

struct ImportOptions
{
    QString experiment; // for runs whose source names no experiment
    bool copyArtifacts = true;
    std::function<bool()> cancelled;
    std::function<void(qint64 done, qint64 total)> progress;
};

struct ImportReport
{
    int experimentsAdded = 0;
    int runsAdded = 0;
    int runsUpdated = 0;
    qint64 pointsAdded = 0;
    int artifactsAdded = 0;
    int modelsAdded = 0;
    int versionsAdded = 0;
    QMap<QString, QStringList> warnings; // by file
    QMap<QString, qint64> skipped;       // e.g. "histograms" -> 12
    QStringList failedRuns;              // one line per run that was rolled back
    // Runs added or updated and not in the trash, by the experiment that holds them: where the window shows
    // the import's result.
    QMap<ExperimentId, int> runsByExperiment;
    // One "path: reason" line per source that could not be read: its reader stopped with an error, or it
    // gave no run at all but warnings (every run in it was refused).
    QStringList failedSources;
    bool cancelled = false;

    void merge(const ImportReport &other);
    QJsonObject toJson() const;
    QString
    toText() const; // for people: control characters from the sources escaped (display::escapeControls)
    int warningCount() const;
    // The experiment that received the most runs (the lowest id among equals), 0 when none received any.
    ExperimentId busiestExperiment() const;
};

// The id a run without one gets: the first 32 hex digits of sha256 of its source key.
QString derivedRunId(const QString &sourceKey);

class ImportWriter : public ImportSink
{
public:
    // `source` is the imported path: source keys (relative within a source) are qualified with its canonical
    // location, so that two projects' "version_0/metrics.csv" stay two runs.
    ImportWriter(Store &store, const ImportOptions &options, const QString &defaultExperiment,
                 const QString &source = {});
    bool experiment(const SourceExperiment &e) override;
    bool run(SourceRun &&r) override;
    bool model(const SourceModel &m) override;
    void warning(const Diagnostic &d) override;
    void skipped(const QString &what, qint64 count) override;
    bool isCancelled() const override;
    void progress(qint64 done, qint64 total) override;
    // The reader of the source stopped with this error.
    void sourceFailed(const QString &message);
    // Applies what had to wait for the runs (deleted experiments) and returns the report. A source that gave
    // nothing (no run, experiment or model) is a failed source; lookedFor says what its reader looks for
    // ("TensorBoard event files (events.out.tfevents*)").
    ImportReport finish(const QString &lookedFor = {});

private:
    // What a transaction would add to the report and to m_reopened: applied only once it committed.
    struct Pending
    {
        int experimentsAdded = 0;
        QSet<QString> reopened;
    };
    void writeRun(SourceRun &r, const QString &id);
    ExperimentId experimentFor(const QString &name, Pending &pending);
    void apply(const Pending &pending);

    Store &m_store;
    ImportOptions m_options;
    QString m_defaultExperiment;
    QString m_source;
    QString m_sourceShown; // the source as it was named, for messages
    ImportReport m_report;
    QMap<QString, SourceExperiment> m_experiments; // by name, as the source described them
    QSet<QString> m_reopened; // experiments active only for this import (created or reopened by it)
    qint64 m_runsRead = 0;    // runs the reader delivered, written or not
    qint64 m_modelsRead = 0;  // registered models the reader delivered
    bool m_sourceFailed = false;
};

} // namespace runlens::import
