// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The demo data (generateDemoData) written on a thread of its own, with its own Store connection, so that the
// window stays free while it fills the database: progress a few times a second, Cancel, and the result as a
// signal on the thread that owns the job. All or nothing: cancelled, failed or destroyed before the end, the
// demo's one transaction is rolled back and the database holds what it held before (writes other processes
// made meanwhile stay).

#include "demo/demodata.h"

#include <atomic>
#include <memory>
#include <QObject>
#include <QThread>

namespace runlens {

class DemoJob : public QObject
{
    Q_OBJECT
public:
    static constexpr int ProgressIntervalMs = 100;

    DemoJob(const QString &databasePath, const DemoOptions &options, QObject *parent = nullptr);
    // Cancels and waits for the rollback.
    ~DemoJob() override;

    void start();
    void cancel();
    bool isRunning() const { return m_thread && !m_done; }
    QString databasePath() const { return m_databasePath; }

Q_SIGNALS:
    void progress(int done, int total); // runs written (not yet committed) of all
    void finished(const runlens::DemoSummary &summary);
    void cancelled();
    void failed(const QString &message);

private:
    void work();
    void post(std::function<void()> f);

    QString m_databasePath;
    DemoOptions m_options;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::unique_ptr<QThread> m_thread;
    bool m_done = false;
};

} // namespace runlens
Q_DECLARE_METATYPE(runlens::DemoSummary)
