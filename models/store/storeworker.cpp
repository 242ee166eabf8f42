// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/storeworker.h"
#include "store/store.h"

namespace runlens {

namespace {

// Owns the worker thread's Store; created in that thread, so the connection belongs to it.
class Executor : public QObject
{
public:
    explicit Executor(const QString &path)
        : m_path(path)
    {}
    ~Executor() override = default;

    Store *store(QString &error)
    {
        if (!m_store && m_error.isEmpty()) {
            try {
                m_store = std::make_unique<Store>(m_path);
            } catch (const Error &e) {
                m_error = e.message();
            }
        }
        error = m_error;
        return m_store.get();
    }

private:
    QString m_path;
    QString m_error;
    std::unique_ptr<Store> m_store;
};

} // namespace

StoreWorker::StoreWorker(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_path(databasePath)
{
    m_thread.setObjectName(QStringLiteral("runlens-store"));
    m_executor = new Executor(databasePath);
    m_executor->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_executor, &QObject::deleteLater);
    m_thread.start();
}

StoreWorker::~StoreWorker()
{
    // From here on queued reads are skipped; queued writes still run, in order, because the thread is told to
    // stop by a job queued behind them (QThread::quit() now would drop them).
    *m_stopping = true;
    QMetaObject::invokeMethod(
        m_executor, [] { QThread::currentThread()->quit(); }, Qt::QueuedConnection);
    m_thread.wait();
}

void StoreWorker::post(Kind kind, Task task)
{
    auto *executor = static_cast<Executor *>(m_executor);
    if (kind == Kind::Write)
        ++*m_pendingWrites;
    QMetaObject::invokeMethod(
        executor,
        [executor, kind, task = std::move(task), stopping = m_stopping, pending = m_pendingWrites] {
            if (kind == Kind::Read && *stopping)
                return;
            struct Done // also when the job throws something else than the errors run() reports
            {
                std::atomic<int> *pending;
                ~Done()
                {
                    if (pending)
                        --*pending;
                }
            } done{kind == Kind::Write ? pending.get() : nullptr};
            QString error;
            Store *store = executor->store(error);
            task(store, error);
        },
        Qt::QueuedConnection);
}

void StoreWorker::deliver(const QPointer<QObject> &context, std::function<void()> f)
{
    if (context)
        QMetaObject::invokeMethod(context.data(), std::move(f), Qt::QueuedConnection);
}

} // namespace runlens
