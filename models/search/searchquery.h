// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// MLflow's search_runs filter and order-by language, compiled to parameterised SQL over the store's schema.
// Nothing from the expression is ever spliced into SQL: keys and values travel as bound parameters.

#include "core/error.h"
#include "store/sqldialect.h"

#include <QString>
#include <QStringList>
#include <QVariantList>

namespace runlens::search {

// A malformed expression: where (0-based character offset into the expression) and what was expected there.
class SyntaxError : public Error
{
public:
    SyntaxError(const QString &expression, int position, const QString &expected, const QString &found);
    int position() const { return m_position; }
    const QString &expected() const { return m_expected; }

    // Which of the two expressions was malformed, so that the message can name it. An empty `found` means the
    // expression ended where more was expected.
    enum class Part { Expression, Filter, OrderBy };
    SyntaxError(Part part, const QString &expression, int position, const QString &expected,
                const QString &found);
    Part part() const { return m_part; }
    const QString &found() const { return m_found; }

private:
    int m_position;
    QString m_expected;
    Part m_part = Part::Expression;
    QString m_found;
};

// SQL fragments over the runs table aliased `r` (columns of models/store/schema.cpp). Placeholders are positional
// '?'; the values for joins come before the values for where when the caller assembles
// "SELECT ... FROM runs r <joins> WHERE <where> ORDER BY <orderBy>".
struct CompiledQuery
{
    QString joins;
    QVariantList joinBinds;
    QString where = QStringLiteral("1");
    QVariantList whereBinds;
    QString orderBy; // never empty: ends with the default tie-breakers (start time descending, then run id)
};

// A key written so that the language reads it back unchanged: in backticks, a backtick doubled. With
// `onlyIfNeeded`, a key of plain characters stays bare (nicer in completions).
QString quotedKey(const QString &key, bool onlyIfNeeded = false);

// The attribute keys the language knows (attributes.<key>), for completion.
QStringList attributeNames();

// Throws SyntaxError.
CompiledQuery compile(const QString &filter, const QString &orderBy,
                      const SqlDialect &dialect = SqlDialect());

} // namespace runlens::search
