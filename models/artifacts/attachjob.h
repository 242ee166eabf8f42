// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Attaches local files and folders to a run as artifacts: folders are walked (their name the top segment of
// the paths, as a file manager copies them), every file is streamed into the ArtifactStore and the rows are
// written in one transaction at the end. All or nothing: a file that cannot be read, a cancel or a file that
// changes while it is copied leaves no row and no new object behind. Runs on a thread of its own with its own
// Store connection (as ImportJob does), or synchronously through attach() (the command line).

#include "artifacts/artifactstore.h"
#include "core/types.h"

#include <atomic>
#include <functional>
#include <memory>
#include <QObject>
#include <QStringList>
#include <QThread>

namespace runlens {

class Store;

struct AttachRequest
{
    QString runId;
    QStringList paths;   // local files and folders
    QString destination; // a folder inside the run's artifacts ("--as DIR"); empty: the top level
};

struct AttachReport
{
    QString runId;
    std::vector<Artifact> attached; // the rows written, in path order
    int objectsAdded = 0;           // files whose bytes were new to the store (the rest were deduplicated)
    qint64 bytes = 0;               // bytes of the attached files
    // Entries left out, one "path: reason" each: links that lead out of a dropped folder or loop, FIFOs,
    // sockets, devices, names that cannot be an artifact path.
    QStringList skipped;
    bool cancelled = false; // nothing was attached
};

class AttachJob : public QObject
{
    Q_OBJECT
public:
    // Progress signals are at most this often (plus the last one).
    static constexpr int ProgressIntervalMs = 100;

    struct Callbacks
    {
        std::function<bool()> cancelled;
        // Bytes copied of all files, their total, and the file being copied (its artifact path).
        std::function<void(qint64 done, qint64 total, const QString &current)> progress;
    };
    // Does the whole attach on the calling thread, on `store`'s database. Throws Error naming the problem
    // (the run or a path does not exist, a file cannot be read, two files would land on one path, a copy
    // failed) with nothing written; a cancel returns a report with `cancelled` set and nothing written.
    static AttachReport attach(Store &store, const AttachRequest &request, const Callbacks &callbacks = {});

    AttachJob(const QString &databasePath, AttachRequest request, QObject *parent = nullptr);
    // Cancels and waits: nothing of a cancelled attach stays.
    ~AttachJob() override;

    void start();
    void cancel();
    bool isRunning() const;
    bool isCancelRequested() const { return *m_cancel; }
    const AttachRequest &request() const { return m_request; }
    QString databasePath() const { return m_databasePath; }

Q_SIGNALS:
    void progress(qint64 done, qint64 total, const QString &current);
    // The attach ended: whole, or cancelled (report.cancelled) with nothing attached.
    void finished(const runlens::AttachReport &report);
    // Nothing was attached; the message names the problem.
    void failed(const QString &message);

private:
    void work();
    void post(std::function<void()> f);

    QString m_databasePath;
    AttachRequest m_request;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::unique_ptr<QThread> m_thread;
    bool m_done = false;
};

} // namespace runlens

Q_DECLARE_METATYPE(runlens::AttachReport)
