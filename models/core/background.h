// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Work off the GUI thread, the one way Runlens does it: a function runs on Qt's global thread pool, reports
// progress and sees a cancel through its Task, and its result comes back on the thread of a context object
// (the widget that asked). Once the context is gone nothing is called back, and the work is told to stop.
//
//     background::run(this, [rows](background::Task &task) { return exportRows(rows, task); },
//                     [this](const QString &error) { ... }, {.progress = [](qint64 done, qint64 total)
//                     {...}});
//
// Progress is coalesced: however often the work reports, the context's thread hears at most one update per
// event-loop turn and always the latest figures. The returned Job cancels; cancelling does not wait.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>
#include <type_traits>

namespace runlens::background {

namespace detail {

// What the work and the context's thread share: the progress figures and whether an update is on its way.
struct Shared
{
    std::atomic<qint64> done = 0;
    std::atomic<qint64> total = 0;
    std::atomic<bool> updatePosted = false;
    std::atomic<bool> cancelled = false;
    std::mutex receiverMutex; // held while posting to, and while forgetting, the receiver
    QObject *receiver = nullptr;
    std::function<void(qint64, qint64)> progress;
    QString error; // what the work threw; written before the future finishes, read after
};

template<typename Result> class Watcher final : public QFutureWatcher<Result>
{
public:
    Watcher(std::shared_ptr<Shared> shared, QObject *parent)
        : QFutureWatcher<Result>(parent)
        , m_shared(std::move(shared))
    {
        m_shared->receiver = this;
    }
    ~Watcher() override
    {
        {
            std::lock_guard lock(m_shared->receiverMutex);
            m_shared->receiver = nullptr;
        }
        // The context is gone: nobody wants the result any more. The work is told (Task::isCancelled), but
        // not taken off the pool's queue: an export asked for just before its window closed still writes its
        // file, as the work decides.
        m_shared->cancelled = true;
    }

private:
    std::shared_ptr<Shared> m_shared;
};

} // namespace detail

// What the work sees of its own run.
class Task
{
public:
    explicit Task(std::shared_ptr<detail::Shared> shared)
        : m_shared(std::move(shared))
    {}
    // True once the job was cancelled or its context destroyed: stop soon, the result is dropped.
    bool isCancelled() const { return m_shared->cancelled.load(std::memory_order_relaxed); }
    // `done` of `total` units; the context's thread hears the latest figures soon after.
    void setProgress(qint64 done, qint64 total)
    {
        m_shared->done.store(done, std::memory_order_relaxed);
        m_shared->total.store(total, std::memory_order_relaxed);
        if (!m_shared->progress || m_shared->updatePosted.exchange(true))
            return;
        std::lock_guard lock(m_shared->receiverMutex);
        if (!m_shared->receiver)
            return;
        QMetaObject::invokeMethod(
            m_shared->receiver,
            [shared = m_shared] {
                shared->updatePosted = false;
                if (!shared->cancelled)
                    shared->progress(shared->done.load(), shared->total.load());
            },
            Qt::QueuedConnection);
    }

private:
    std::shared_ptr<detail::Shared> m_shared;
};

// A running job, as the one who started it holds it.
class Job
{
public:
    Job() = default;
    explicit Job(std::shared_ptr<detail::Shared> shared, QFuture<void> future)
        : m_shared(std::move(shared))
        , m_future(std::move(future))
    {}
    // The work's Task reports cancelled from now on, and done is not called (`cancelled` is, when given).
    void cancel()
    {
        if (!m_shared)
            return;
        m_shared->cancelled = true;
        m_future.cancel();
    }
    bool isRunning() const { return m_shared && !m_future.isFinished(); }

private:
    std::shared_ptr<detail::Shared> m_shared;
    QFuture<void> m_future;
};

struct Options
{
    // On the context's thread while the work runs (see Task::setProgress).
    std::function<void(qint64 done, qint64 total)> progress = {};
    // On the context's thread when the job was cancelled (instead of done).
    std::function<void()> cancelled = {};
    // On the context's thread when the work threw (instead of done), with what it said. Without it, the
    // message goes to the log and `cancelled` is called: a caller waiting for an answer always gets one.
    std::function<void(const QString &message)> failed = {};
};

// Runs work(task) (or work()) on the thread pool, then done(result) on context's thread. The work must own
// what it uses (capture by value): it may outlive the caller's frame and the context. It should report
// failures in its result; an exception it throws is caught and handed to `failed`.
template<typename Work, typename Done> Job run(QObject *context, Work work, Done done, Options options = {})
{
    constexpr bool takesTask = std::is_invocable_v<Work &, Task &>;
    using Result = std::decay_t<typename std::conditional_t<takesTask, std::invoke_result<Work &, Task &>,
                                                            std::invoke_result<Work &>>::type>;
    static_assert(!std::is_void_v<Result>, "background work returns its result");

    auto shared = std::make_shared<detail::Shared>();
    shared->progress = std::move(options.progress);
    auto *watcher = new detail::Watcher<std::optional<Result>>(shared, context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, watcher,
                     [watcher, shared, done = std::move(done), cancelled = std::move(options.cancelled),
                      failed = std::move(options.failed)] {
                         watcher->deleteLater();
                         QFuture<std::optional<Result>> future = watcher->future();
                         if (shared->cancelled || future.isCanceled() || future.resultCount() == 0) {
                             if (cancelled)
                                 cancelled();
                             return;
                         }
                         std::optional<Result> result = future.takeResult();
                         if (!result) {
                             if (failed) {
                                 failed(shared->error);
                                 return;
                             }
                             qWarning("background work failed: %s", qUtf8Printable(shared->error));
                             if (cancelled)
                                 cancelled();
                             return;
                         }
                         done(std::move(*result));
                     });
    QFuture<std::optional<Result>> future =
        QtConcurrent::run([work = std::move(work), shared]() mutable -> std::optional<Result> {
            Task task(shared);
            try {
                if constexpr (takesTask)
                    return work(task);
                else
                    return work();
            } catch (const std::exception &e) {
                shared->error = QString::fromUtf8(e.what());
            } catch (...) {
                shared->error = QStringLiteral("unknown error");
            }
            return std::nullopt;
        });
    watcher->setFuture(future);
    return Job(shared, QFuture<void>(future));
}

} // namespace runlens::background
