// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One import running on a thread of its own, with its own Store connection on the database file, so that the
// window's StoreWorker stays free for reads while it writes. Progress comes back throttled, results and
// errors as signals on the thread that owns the job.

#include "import/importer.h"

#include <atomic>
#include <memory>
#include <QObject>
#include <QThread>

namespace runlens {

// What to import and how. Sources keep their format when the caller already detected it; Auto ones are
// detected on the job's thread (detection walks folders and opens databases).
struct ImportRequest
{
    struct Source
    {
        QString path;
        import::Format format = import::Format::Auto;
    };
    QList<Source> sources;
    QString experiment; // for sources that name none; empty: each source's file or folder name
    bool copyArtifacts = true;
    // A drop cannot ask: sources that are missing or not recognised are left out and named in
    // ImportJob::sourcesSkipped instead of failing the whole request.
    bool skipUnrecognised = false;
};

class ImportJob : public QObject
{
    Q_OBJECT
public:
    // What the readers count in their progress callbacks: MLflow stores count runs, TensorBoard bytes of
    // event files, CSV and JSON-lines logs files.
    enum class Unit { Runs, Bytes, Files };
    static Unit progressUnit(import::Format format);
    // Progress signals are at most this often (plus each source's last one), whatever the readers report.
    static constexpr int ProgressIntervalMs = 100;

    ImportJob(const QString &databasePath, ImportRequest request, QObject *parent = nullptr);
    // Cancels and waits: the run being written is committed or rolled back whole, never left half-written.
    ~ImportJob() override;

    void start();
    void cancel();
    bool isRunning() const;
    bool isCancelRequested() const { return *m_cancel; }
    const ImportRequest &request() const { return m_request; }
    QString databasePath() const { return m_databasePath; }

Q_SIGNALS:
    // A source begins, with its resolved format; index into request().sources.
    void sourceStarted(int index, const QString &path, runlens::import::Format format);
    void progress(int index, qint64 done, qint64 total);
    // Sources left out (skipUnrecognised), one "path: reason" line each, before anything is imported. When
    // every source is left out, finished() follows with an empty report.
    void sourcesSkipped(const QStringList &messages);
    // The import ended, whole or cancelled (report.cancelled); runs written so far stay.
    void finished(const runlens::import::ImportReport &report);
    // Nothing was imported: the database could not be opened, or a source is missing or not recognised.
    void failed(const QString &message);

private:
    void work();
    void post(std::function<void()> f);

    QString m_databasePath;
    ImportRequest m_request;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::unique_ptr<QThread> m_thread;
    bool m_done = false; // finished or failed was emitted
};

} // namespace runlens
