// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The few places where SQL differs between database engines, so that a PostgreSQL backend can be added
// without touching the callers (the store and the search compiler build all SQL through this).

#include <QString>

namespace runlens {

class SqlDialect
{
public:
    enum class Engine { SQLite, PostgreSQL };
    explicit SqlDialect(Engine engine = Engine::SQLite)
        : m_engine(engine)
    {}
    Engine engine() const { return m_engine; }

    // Case-sensitive LIKE (MLflow semantics; SQLite connections run with PRAGMA case_sensitive_like=ON).
    QString like(const QString &lhs, const QString &rhs) const;
    // Case-insensitive LIKE.
    QString ilike(const QString &lhs, const QString &rhs) const;
    // Case-insensitive LIKE where '\' escapes '%', '_' and itself in the pattern (for literal substrings).
    QString ilikeEscaped(const QString &lhs, const QString &rhs) const;
    // 1 when a REAL expression is missing, NaN (stored as NULL) or infinite, else 0: the "sort last" key.
    QString nonFiniteOrMissing(const QString &expr) const;
    // Order-by terms sorting `expr` with missing (NULL) values last. Written so that an index on `expr` can
    // serve a descending order: SQLite sorts NULL first ascending and last descending by itself.
    QString nullsLast(const QString &expr, bool descending) const;

private:
    Engine m_engine;
};

} // namespace runlens
