// SPDX-License-Identifier: GPL-3.0-or-later
#include "actions/storeactions.h"

#include "store/storeworker.h"

namespace runlens {

StoreActions::StoreActions(StoreWorker *worker, QObject *parent)
    : QObject(parent)
    , m_worker(worker)
{}

void StoreActions::write(const QString &what, std::function<void(Store &)> job,
                         std::function<void()> succeeded, std::function<void(const QString &)> refused)
{
    ++m_pending;
    m_worker->write<bool>(
        this,
        [job = std::move(job)](Store &store) {
            job(store);
            return true;
        },
        [this, succeeded = std::move(succeeded)](bool) {
            if (succeeded)
                succeeded();
            answered();
        },
        [this, what, refused = std::move(refused)](const QString &why) {
            if (refused)
                refused(why);
            Q_EMIT failed(what, why);
            answered();
        });
}

void StoreActions::answered()
{
    if (--m_pending == 0)
        Q_EMIT idle();
}

} // namespace runlens
