// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Notices when another connection writes to the open database (the CLI, the Python client, `runlens import
// --follow`, the window's own import thread) by polling SQLite's data_version on the store worker, and says
// so with changed(). Views refresh on it; a poll is only sent when the previous one has answered, so a busy
// worker is never flooded.

#include "store/storeworker.h"

#include <QObject>
#include <QTimer>

namespace runlens {

class ChangeWatcher : public QObject
{
    Q_OBJECT
public:
    explicit ChangeWatcher(StoreWorker *worker, int intervalMs = 400, QObject *parent = nullptr);
    void start();
    void stop();

Q_SIGNALS:
    void changed();

private:
    void poll();

    StoreWorker *m_worker;
    QTimer m_timer;
    qint64 m_version = -1;
    bool m_waiting = false;
};

} // namespace runlens
