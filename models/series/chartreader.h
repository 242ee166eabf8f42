// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reads chart data in parallel: a few threads, each with its own connection to the database (WAL lets them
// read side by side), so that a grid of charts fills in as fast as the cores allow while the StoreWorker
// stays free for the rest of the window. Each request goes to the least busy thread; a request whose cancel
// flag is set before or while it runs is answered with nothing.

#include "series/chartdata.h"

#include <atomic>
#include <functional>
#include <memory>
#include <QObject>
#include <vector>

namespace runlens {

class Store;
class StoreWorker;

class ChartReader : public QObject
{
    Q_OBJECT
public:
    explicit ChartReader(const QString &databasePath, int threads = 0, QObject *parent = nullptr);
    ~ChartReader() override; // waits for the reads in progress, drops queued ones

    using CancelFlag = std::shared_ptr<std::atomic<bool>>;
    // done(data) runs on context's thread, unless context is gone or the read was cancelled.
    void read(QObject *context, ChartRequest request, CancelFlag cancel, std::function<void(ChartData)> done,
              std::function<void(const QString &)> failed = {});
    // Each run's point nearest to an x (a chart's hover): as read(), answered with loadChartPoints().
    void readPoints(QObject *context, ChartPointRequest request, CancelFlag cancel,
                    std::function<void(std::vector<ChartPoint>)> done,
                    std::function<void(const QString &)> failed = {});
    // The points a chart's runs logged after those it holds, reduced onto its grid (loadChartTail).
    void readTail(QObject *context, ChartTailRequest request, CancelFlag cancel,
                  std::function<void(ChartTail)> done, std::function<void(const QString &)> failed = {});
    int pendingReads() const { return m_pending; }

Q_SIGNALS:
    void idle(); // every read has been answered

private:
    template<typename Result>
    void submit(QObject *context, CancelFlag cancel,
                std::function<Result(Store &, const std::function<bool()> &cancelled)> job,
                std::function<void(Result)> done, std::function<void(const QString &)> failed);

    std::vector<std::unique_ptr<StoreWorker>> m_threads;
    std::vector<int> m_queued; // reads queued per thread
    int m_pending = 0;
};

} // namespace runlens
