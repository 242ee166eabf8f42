// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/changewatcher.h"
#include "store/database.h"
#include "store/store.h"

namespace runlens {

ChangeWatcher::ChangeWatcher(StoreWorker *worker, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_worker(worker)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ChangeWatcher::poll);
}

void ChangeWatcher::start()
{
    m_timer.start();
    poll();
}

void ChangeWatcher::stop()
{
    m_timer.stop();
}

void ChangeWatcher::poll()
{
    if (m_waiting)
        return;
    m_waiting = true;
    m_worker->run<qint64>(
        this, [](Store &store) { return store.database().dataVersion(); },
        [this](qint64 version) {
            m_waiting = false;
            const bool first = m_version < 0;
            if (version == m_version)
                return;
            m_version = version;
            if (!first)
                Q_EMIT changed();
        },
        [this](const QString &) { m_waiting = false; }); // an unopenable database: the views report it
}

} // namespace runlens
