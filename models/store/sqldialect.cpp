// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/sqldialect.h"

namespace runlens {

QString SqlDialect::like(const QString &lhs, const QString &rhs) const
{
    return QStringLiteral("(%1 LIKE %2)").arg(lhs, rhs);
}

QString SqlDialect::ilike(const QString &lhs, const QString &rhs) const
{
    if (m_engine == Engine::PostgreSQL)
        return QStringLiteral("(%1 ILIKE %2)").arg(lhs, rhs);
    return QStringLiteral("(lower(%1) LIKE lower(%2))").arg(lhs, rhs);
}

QString SqlDialect::ilikeEscaped(const QString &lhs, const QString &rhs) const
{
    if (m_engine == Engine::PostgreSQL)
        return QStringLiteral("(%1 ILIKE %2 ESCAPE '\\')").arg(lhs, rhs);
    return QStringLiteral("(lower(%1) LIKE lower(%2) ESCAPE '\\')").arg(lhs, rhs);
}

QString SqlDialect::nonFiniteOrMissing(const QString &expr) const
{
    if (m_engine == Engine::PostgreSQL)
        return QStringLiteral("(%1 IS NULL OR %1 = 'NaN'::float8 OR abs(%1) = 'Infinity'::float8)").arg(expr);
    return QStringLiteral("(%1 IS NULL OR abs(%1) = 9e999)").arg(expr);
}

QString SqlDialect::nullsLast(const QString &expr, bool descending) const
{
    if (m_engine == Engine::PostgreSQL)
        return expr + (descending ? QStringLiteral(" DESC NULLS LAST") : QStringLiteral(" ASC NULLS LAST"));
    return descending ? expr + QStringLiteral(" DESC") : QStringLiteral("(%1 IS NULL) ASC, %1 ASC").arg(expr);
}

} // namespace runlens
