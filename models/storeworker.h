// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Runs store work off the GUI thread: a Store opened on a thread of its own, jobs queued to it in order, each
// result delivered back on the thread of a context object (dropped when that object is gone). Callers that
// may issue overlapping requests keep a generation number and ignore stale answers (see RunTableModel).

#include "store.h"

#include <functional>
#include <memory>
#include <QObject>
#include <QPointer>
#include <QThread>

namespace runlens {

class StoreWorker : public QObject
{
    Q_OBJECT
public:
    explicit StoreWorker(const QString &databasePath, QObject *parent = nullptr);
    ~StoreWorker() override; // waits for the job in progress, drops queued ones

    QString databasePath() const { return m_path; }

    // Runs job(store) on the worker thread, then done(result) on context's thread. A job that throws
    // runlens::Error (or the store failing to open) calls failed(message) instead.
    template<typename Result>
    void run(QObject *context, std::function<Result(Store &)> job, std::function<void(Result)> done,
             std::function<void(const QString &)> failed = {})
    {
        post([context = QPointer<QObject>(context), job = std::move(job), done = std::move(done),
              failed = std::move(failed)](Store *store, const QString &openError) {
            if (!context)
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

private:
    using Task = std::function<void(Store *store, const QString &openError)>;
    void post(Task task);
    static void deliver(const QPointer<QObject> &context, std::function<void()> f);

    QString m_path;
    QThread m_thread;
    QObject *m_executor = nullptr; // lives in m_thread
    std::shared_ptr<std::atomic<bool>> m_stopping = std::make_shared<std::atomic<bool>>(false);
};

} // namespace runlens
