// SPDX-License-Identifier: GPL-3.0-or-later
#include "series/chartreader.h"

#include "store/database.h"
#include "store/store.h"
#include "store/storeworker.h"

#include <algorithm>
#include <QThread>

namespace runlens {

ChartReader::ChartReader(const QString &databasePath, int threads, QObject *parent)
    : QObject(parent)
{
    const int n = threads > 0 ? threads : std::clamp(QThread::idealThreadCount(), 2, 4);
    for (int i = 0; i < n; ++i)
        m_threads.push_back(std::make_unique<StoreWorker>(databasePath));
    m_queued.assign(size_t(n), 0);
}

ChartReader::~ChartReader() = default;

template<typename Result>
void ChartReader::submit(QObject *context, CancelFlag cancel,
                         std::function<Result(Store &, const std::function<bool()> &cancelled)> job,
                         std::function<void(Result)> done, std::function<void(const QString &)> failed)
{
    const size_t t = size_t(std::min_element(m_queued.begin(), m_queued.end()) - m_queued.begin());
    ++m_queued[t];
    ++m_pending;
    // The answer comes back through this object, so the bookkeeping is kept even when context is gone.
    const auto finish = [this, t] {
        --m_queued[t];
        if (--m_pending == 0)
            Q_EMIT idle();
    };
    QPointer<QObject> target(context);
    m_threads[t]->run<std::optional<Result>>(
        this,
        [job = std::move(job), cancel](Store &store) -> std::optional<Result> {
            const auto cancelled = [cancel] { return cancel && cancel->load(); };
            if (cancelled())
                return std::nullopt;
            Result result = job(store, cancelled);
            if (cancelled())
                return std::nullopt;
            return result;
        },
        [finish, target, cancel, done = std::move(done)](std::optional<Result> result) {
            finish();
            if (target && !(cancel && *cancel) && result)
                done(std::move(*result));
        },
        [finish, target, cancel, failed = std::move(failed)](const QString &message) {
            finish();
            if (target && !(cancel && *cancel) && failed)
                failed(message);
        });
}

void ChartReader::read(QObject *context, ChartRequest request, CancelFlag cancel,
                       std::function<void(ChartData)> done, std::function<void(const QString &)> failed)
{
    submit<ChartData>(
        context, std::move(cancel),
        [request = std::move(request)](Store &store, const std::function<bool()> &cancelled) {
            // One snapshot: each series' point count (where a later tail starts) matches the points read.
            const Database::ReadTransaction snapshot(store.database());
            return loadChartData(store.series(), request, cancelled);
        },
        [done = std::move(done)](ChartData data) {
            if (!data.cancelled)
                done(std::move(data));
        },
        std::move(failed));
}

void ChartReader::readTail(QObject *context, ChartTailRequest request, CancelFlag cancel,
                           std::function<void(ChartTail)> done, std::function<void(const QString &)> failed)
{
    submit<ChartTail>(
        context, std::move(cancel),
        [request = std::move(request)](Store &store, const std::function<bool()> &cancelled) {
            const Database::ReadTransaction snapshot(store.database());
            return loadChartTail(store.series(), request, cancelled);
        },
        [done = std::move(done)](ChartTail tail) {
            if (!tail.cancelled)
                done(std::move(tail));
        },
        std::move(failed));
}

void ChartReader::readPoints(QObject *context, ChartPointRequest request, CancelFlag cancel,
                             std::function<void(std::vector<ChartPoint>)> done,
                             std::function<void(const QString &)> failed)
{
    submit<std::vector<ChartPoint>>(
        context, std::move(cancel),
        [request = std::move(request)](Store &store, const std::function<bool()> &cancelled) {
            return loadChartPoints(store.series(), request, cancelled);
        },
        std::move(done), std::move(failed));
}

} // namespace runlens
