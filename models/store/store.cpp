// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/store.h"

#include "store/database.h"

namespace runlens {

static_assert(Store::StatementLimitMs == Database::StatementLimitMs);

Store::Store(const QString &path, Mode mode)
    : m_db(std::make_unique<Database>(path, mode == Mode::ReadOnly))
    , m_series(*m_db)
    , m_runs(*m_db, m_series)
    , m_artifacts(*m_db)
    , m_registry(*m_db)
{}

Store::~Store() = default;

QString Store::defaultPath()
{
    return Database::defaultPath();
}

QString Store::path() const
{
    return m_db->path();
}

bool Store::isReadOnly() const
{
    return m_db->isReadOnly();
}

int Store::schemaVersion() const
{
    return m_db->schemaVersion();
}

QString Store::backupPath() const
{
    return m_db->backupPath();
}

qint64 Store::lockWaitLimitMs()
{
    return Database::lockWaitLimitMs();
}

Store::Transaction::Transaction(Store &store)
    : m_db(store.database())
{
    m_db.begin();
}

Store::Transaction::~Transaction()
{
    if (!m_done)
        m_db.rollback();
}

void Store::Transaction::commit()
{
    m_done = true;
    m_db.commitOrThrow();
}

} // namespace runlens
