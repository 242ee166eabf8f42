// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Runs store work off the GUI thread: a Store opened on a thread of its own, jobs queued to it in order, each
// result delivered back on the thread of a context object (dropped when that object is gone). Callers that
// may issue overlapping requests keep a generation number and ignore stale answers (see RunTableModel).
// Reads (run) are skipped once nobody waits for them; writes (write) always reach the database, even when
// the page that asked is deleted right after, and the worker's destructor waits for the queued ones.

#include "core/error.h"

#include <atomic>
#include <functional>
#include <memory>
#include <QObject>
#include <QPointer>
#include <QThread>

namespace runlens {

class Store; // store/store.h: only the jobs see it

class StoreWorker : public QObject
{
    Q_OBJECT
public:
    explicit StoreWorker(const QString &databasePath, QObject *parent = nullptr);
    // Waits for the job in progress and for every queued write; queued reads are dropped.
    ~StoreWorker() override;

    QString databasePath() const { return m_path; }

    // Runs job(store) on the worker thread, then done(result) on context's thread. A job that throws
    // runlens::Error (or the store failing to open) calls failed(message) instead. A read: skipped when
    // context is gone before its turn comes, and dropped when the worker is destroyed first.
    template<typename Result>
    void run(QObject *context, std::function<Result(Store &)> job, std::function<void(Result)> done,
             std::function<void(const QString &)> failed = {})
    {
        submit<Result>(Kind::Read, context, std::move(job), std::move(done), std::move(failed));
    }

    // As run(), for a job that changes the database: it runs even when context is gone by then (closing a
    // page right after Save keeps the save), and the destructor finishes it. Only the answer is dropped.
    template<typename Result>
    void write(QObject *context, std::function<Result(Store &)> job, std::function<void(Result)> done,
               std::function<void(const QString &)> failed = {})
    {
        submit<Result>(Kind::Write, context, std::move(job), std::move(done), std::move(failed));
    }

    // Writes queued or in progress (callers show a busy cursor before destroying the worker).
    bool hasPendingWrites() const { return *m_pendingWrites > 0; }

private:
    enum class Kind { Read, Write };
    using Task = std::function<void(Store *store, const QString &openError)>;

    template<typename Result>
    void submit(Kind kind, QObject *context, std::function<Result(Store &)> job,
                std::function<void(Result)> done, std::function<void(const QString &)> failed)
    {
        post(kind, [kind, context = QPointer<QObject>(context), job = std::move(job), done = std::move(done),
                    failed = std::move(failed)](Store *store, const QString &openError) {
            if (!context && kind == Kind::Read)
                return;
            if (!store) {
                deliver(context, [failed, openError] {
                    if (failed)
                        failed(openError);
                });
                return;
            }
            try {
                auto result = std::make_shared<Result>(job(*store));
                deliver(context, [done, result] { done(std::move(*result)); });
            } catch (const Error &e) {
                deliver(context, [failed, message = e.message()] {
                    if (failed)
                        failed(message);
                });
            } catch (const std::exception &e) {
                deliver(context, [failed, message = QString::fromUtf8(e.what())] {
                    if (failed)
                        failed(message);
                });
            }
        });
    }
    void post(Kind kind, Task task);
    static void deliver(const QPointer<QObject> &context, std::function<void()> f);

    QString m_path;
    QThread m_thread;
    QObject *m_executor = nullptr; // lives in m_thread
    std::shared_ptr<std::atomic<bool>> m_stopping = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<int>> m_pendingWrites = std::make_shared<std::atomic<int>>(0);
};

} // namespace runlens
