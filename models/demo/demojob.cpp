// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/demojob.h"

#include <QElapsedTimer>

namespace runlens {

DemoJob::DemoJob(const QString &databasePath, const DemoOptions &options, QObject *parent)
    : QObject(parent)
    , m_databasePath(databasePath)
    , m_options(options)
{}

DemoJob::~DemoJob()
{
    if (m_thread) {
        *m_cancel = true;
        m_thread->wait();
    }
}

void DemoJob::start()
{
    if (m_thread)
        return;
    m_thread.reset(QThread::create([this] { work(); }));
    m_thread->setObjectName(QStringLiteral("runlens-demo"));
    m_thread->start();
}

void DemoJob::cancel()
{
    *m_cancel = true;
}

void DemoJob::post(std::function<void()> f)
{
    // Queued to this object's thread; a job destroyed first has waited for this thread, and Qt drops the
    // call.
    QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
}

// Runs on m_thread; reads only the path, the options and the cancel flag.
void DemoJob::work()
{
    const auto end = [this](std::function<void()> signal) {
        post([this, signal = std::move(signal)] {
            m_done = true;
            signal();
        });
    };
    QElapsedTimer sinceSignal;
    const DemoProgress report = [this, &sinceSignal, cancel = m_cancel](int done, int total) {
        if (*cancel)
            return false;
        if (done < total && sinceSignal.isValid() && sinceSignal.elapsed() < ProgressIntervalMs)
            return true;
        sinceSignal.start();
        post([this, done, total] { Q_EMIT progress(done, total); });
        return true;
    };
    // The outcome is posted once the connection is closed: the job is deleted on the GUI thread right after
    // it, and waits for this thread (closing a connection that just wrote may take a while).
    std::function<void()> outcome;
    try {
        Store store(m_databasePath);
        const DemoSummary summary = generateDemoData(store, m_options, report);
        outcome = [this, summary] { Q_EMIT finished(summary); };
    } catch (const Error &e) {
        if (*m_cancel)
            outcome = [this] { Q_EMIT cancelled(); };
        else
            outcome = [this, message = e.message()] { Q_EMIT failed(message); };
    } catch (const std::exception &e) {
        outcome = [this, message = QString::fromUtf8(e.what())] { Q_EMIT failed(message); };
    }
    end(std::move(outcome));
}

} // namespace runlens
