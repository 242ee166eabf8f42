// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The base of the typed action objects (run actions, registry actions) through which pages change the
// database: each action queues one write on the StoreWorker, and its outcome comes back as a signal, a typed
// one of the subclass on success and failed(what, why) otherwise. Widgets connect to the signals; they never
// see the Store or SQL.
//
// A write reaches the database even when the page that asked is closed right after (StoreWorker::write);
// hasPendingWrites() tells a page to show a busy cursor before it goes.

#include <functional>
#include <QObject>
#include <QString>

namespace runlens {

class Store;
class StoreWorker;

class StoreActions : public QObject
{
    Q_OBJECT
public:
    explicit StoreActions(StoreWorker *worker, QObject *parent = nullptr);

    StoreWorker *worker() const { return m_worker; }
    bool hasPendingWrites() const { return m_pending > 0; }

Q_SIGNALS:
    // A write could not be made: `what` says what was asked in a phrase ("rename the run"), `why` the
    // problem, as the store named it. Nothing was changed.
    void failed(const QString &what, const QString &why);
    // Every write this object queued has been answered (done or failed), e.g. to re-read what is stored.
    void idle();

protected:
    // Runs job(store) as a write on the worker, then succeeded() on this object's thread, or refused(why)
    // (when given, for a subclass's own typed failure signal) and failed().
    void write(const QString &what, std::function<void(Store &)> job, std::function<void()> succeeded,
               std::function<void(const QString &why)> refused = {});

private:
    void answered();

    StoreWorker *m_worker;
    int m_pending = 0;
};

} // namespace runlens
