// SPDX-License-Identifier: GPL-3.0-or-later
#include "search/searchquery.h"
#include "search/filterkeys.h"

#include <QRegularExpression>

#include <cmath>
#include <optional>
#include <QSet>
#include <QStringList>
#include <utility>

namespace runlens::search {

namespace {

QString describePart(SyntaxError::Part part)
{
    switch (part) {
    case SyntaxError::Part::Filter:
        return QStringLiteral("Invalid filter");
    case SyntaxError::Part::OrderBy:
        return QStringLiteral("Invalid order-by");
    case SyntaxError::Part::Expression:
        break;
    }
    return QStringLiteral("Invalid search expression");
}

QString syntaxMessage(SyntaxError::Part part, const QString &expression, int position,
                      const QString &expected, const QString &found)
{
    const QString foundText =
        found.isEmpty() ? QStringLiteral("end of input") : QStringLiteral("'%1'").arg(found);
    return QStringLiteral("%1 \"%2\": at position %3: expected %4, found %5")
        .arg(describePart(part), expression, QString::number(position), expected, foundText);
}

} // namespace

SyntaxError::SyntaxError(const QString &expression, int position, const QString &expected,
                         const QString &found)
    : SyntaxError(Part::Expression, expression, position, expected, found)
{}

SyntaxError::SyntaxError(Part part, const QString &expression, int position, const QString &expected,
                         const QString &found)
    : Error(syntaxMessage(part, expression, position, expected, found), Kind::Input)
    , m_position(position)
    , m_expected(expected)
    , m_part(part)
    , m_found(found)
{}

namespace {

enum class EntityType { Metric, Param, Tag, Attribute };

enum class Op { Eq, Ne, Lt, Le, Gt, Ge, Like, ILike, In, NotIn, IsNull, IsNotNull };

// A run attribute the language knows, with the runs column it maps to (chosen here, never taken from input).
struct Attribute
{
    const char *name;
    const char *column;
    bool numeric;  // compared with numbers (milliseconds since the epoch); NULL when unset
    bool allowsIn; // IN / NOT IN lists
};

constexpr Attribute attributes[] = {
    {"run_id", "r.id", false, true},
    {"run_name", "r.name", false, false},
    {"status", "r.status", false, false},
    {"user_id", "r.user", false, false},
    {"start_time", "r.start_ms", true, false},
    {"end_time", "r.end_ms", true, false},
    {"lifecycle_stage", "r.lifecycle", false, false},
};

const Attribute *findAttribute(const QString &key)
{
    for (const Attribute &a : attributes) {
        if (key.compare(QLatin1String(a.name), Qt::CaseInsensitive) == 0)
            return &a;
    }
    return nullptr;
}

QString attributeList()
{
    QStringList names;
    for (const Attribute &a : attributes)
        names << QString::fromLatin1(a.name);
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

std::optional<EntityType> entityFromPrefix(const QString &word)
{
    const QString w = word.toLower();
    if (w == u"metrics" || w == u"metric")
        return EntityType::Metric;
    if (w == u"params" || w == u"param" || w == u"parameters" || w == u"parameter")
        return EntityType::Param;
    if (w == u"tags" || w == u"tag")
        return EntityType::Tag;
    if (w == u"attributes" || w == u"attribute" || w == u"attr" || w == u"run")
        return EntityType::Attribute;
    return std::nullopt;
}

struct Identifier
{
    EntityType type = EntityType::Metric;
    QString key;
    int position = 0; // of the prefix
    int keyPosition = 0;
    int end = 0;                          // after the key
    const Attribute *attribute = nullptr; // for EntityType::Attribute
    // Order-by only (a Runlens extension): min(metrics.<key>) / max(metrics.<key>) sort by the metric's
    // smallest or largest value instead of its last one.
    QString aggregate = QStringLiteral("last");
};

bool isOperatorChar(QChar c)
{
    return c == u'<' || c == u'>' || c == u'=' || c == u'!';
}

bool isQuote(QChar c)
{
    return c == u'\'' || c == u'"' || c == u'`';
}

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

const char *sqlComparison(Op op)
{
    switch (op) {
    case Op::Eq:
        return "=";
    case Op::Ne:
        return "<>";
    case Op::Lt:
        return "<";
    case Op::Le:
        return "<=";
    case Op::Gt:
        return ">";
    case Op::Ge:
        return ">=";
    default:
        break;
    }
    Q_UNREACHABLE();
    return "=";
}

bool isComparison(Op op)
{
    return op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge;
}

// Recursive descent over the expression text. Whitespace separates tokens; positions are QString indices.
class Parser
{
public:
    Parser(const QString &text, SyntaxError::Part part, const SqlDialect &dialect)
        : m_text(text)
        , m_part(part)
        , m_dialect(dialect)
    {}

    // Where compileFilter() lists the keys its clauses name.
    void collectKeys(QList<KeyReference> *keys) { m_keys = keys; }

    void compileFilter(CompiledQuery &out)
    {
        skipSpace();
        if (atEnd())
            return;
        QStringList clauses;
        for (;;) {
            clauses << clause(out.whereBinds);
            skipSpace();
            if (atEnd())
                break;
            const int wordPos = m_pos;
            const QString word = keywordAt(m_pos);
            if (word.compare(QLatin1String("AND"), Qt::CaseInsensitive) == 0) {
                m_pos += word.size();
                skipSpace();
                if (atEnd())
                    fail(m_pos, QStringLiteral("a clause after AND"));
                continue;
            }
            if (word.compare(QLatin1String("OR"), Qt::CaseInsensitive) == 0)
                fail(wordPos,
                     QStringLiteral("AND or end of input (only AND is supported between clauses, not OR)"));
            fail(wordPos, QStringLiteral("AND or end of input"));
        }
        out.where = clauses.join(QStringLiteral(" AND "));
    }

    void compileOrderBy(CompiledQuery &out)
    {
        QStringList terms;
        QStringList joins;
        QSet<QString> ordered; // attribute columns
        skipSpace();
        if (!atEnd()) {
            for (int n = 0;; ++n) {
                if (atEnd() || peek() == u',')
                    fail(m_pos, n == 0 ? QStringLiteral("an order-by identifier such as metrics.<key> DESC")
                                       : QStringLiteral("an order-by identifier after ','"));
                const Identifier id = orderIdentifier();
                skipSpace();
                bool descending = false;
                if (!atEnd() && peek() != u',') {
                    const QString word = keywordAt(m_pos);
                    if (word.compare(QLatin1String("DESC"), Qt::CaseInsensitive) == 0)
                        descending = true;
                    else if (word.compare(QLatin1String("ASC"), Qt::CaseInsensitive) != 0)
                        fail(m_pos, QStringLiteral("ASC, DESC, ',' or end of input"));
                    m_pos += word.size();
                    skipSpace();
                }
                orderTerm(id, descending, n, terms, joins, out.joinBinds, ordered);
                if (atEnd())
                    break;
                if (peek() != u',')
                    fail(m_pos, QStringLiteral("',' or end of input"));
                ++m_pos;
                skipSpace();
            }
        }
        // MLflow's default order, also the tie-breaker that makes paging stable. A column already ordered
        // by is not repeated: the repeat changes nothing, and it keeps SQLite from reading the order from
        // the runs_by_experiment index (the runs table's first page would sort every run of the experiment).
        if (!ordered.contains(QLatin1String("r.start_ms")))
            terms << QStringLiteral("r.start_ms DESC");
        if (!ordered.contains(QLatin1String("r.id")))
            terms << QStringLiteral("r.id ASC");
        out.joins = joins.join(u' ');
        out.orderBy = terms.join(QStringLiteral(", "));
    }

private:
    // An order-by identifier, or min(metrics.<key>) / max(metrics.<key>).
    Identifier orderIdentifier()
    {
        const int start = m_pos;
        const QString word = keywordAt(m_pos);
        const int open = m_pos + word.size();
        const bool isAggregate = (word.compare(QLatin1String("min"), Qt::CaseInsensitive) == 0 ||
                                  word.compare(QLatin1String("max"), Qt::CaseInsensitive) == 0) &&
                                 open < m_text.size() && m_text.at(open) == u'(';
        if (!isAggregate)
            return identifier(true);
        m_pos = open + 1;
        skipSpace();
        Identifier id = identifier(true, true);
        if (id.type != EntityType::Metric)
            fail(start, QStringLiteral("metrics.<key> inside %1(...)").arg(word.toLower()));
        id.aggregate = word.toLower();
        skipSpace();
        if (atEnd() || peek() != u')')
            fail(m_pos, QStringLiteral("')' after %1(metrics.%2").arg(word.toLower(), id.key));
        ++m_pos;
        return id;
    }

    const QString &m_text;
    SyntaxError::Part m_part;
    const SqlDialect &m_dialect;
    int m_pos = 0;
    QList<KeyReference> *m_keys = nullptr;

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return m_text.at(m_pos); }

    void skipSpace()
    {
        while (!atEnd() && peek().isSpace())
            ++m_pos;
    }

    // The token starting at `pos`, as shown after "found" in a message; empty at the end of the text.
    QString tokenAt(int pos) const
    {
        const int n = m_text.size();
        if (pos >= n)
            return {};
        const QChar c = m_text.at(pos);
        int end = pos + 1;
        if (isQuote(c)) {
            const int close = m_text.indexOf(c, pos + 1);
            end = close < 0 ? n : close + 1;
        } else if (isOperatorChar(c)) {
            while (end < n && isOperatorChar(m_text.at(end)))
                ++end;
        } else if (!c.isSpace() && c != u'(' && c != u')' && c != u',') {
            while (end < n) {
                const QChar d = m_text.at(end);
                if (d.isSpace() || isOperatorChar(d) || d == u'(' || d == u')' || d == u',')
                    break;
                ++end;
            }
        }
        constexpr int maxShown = 40;
        if (end - pos > maxShown)
            return m_text.mid(pos, maxShown) + QStringLiteral("...");
        return m_text.mid(pos, end - pos);
    }

    // A keyword candidate: the run of letters, digits and underscores at `pos`.
    QString keywordAt(int pos) const
    {
        int end = pos;
        while (end < m_text.size() && isWordChar(m_text.at(end)))
            ++end;
        return m_text.mid(pos, end - pos);
    }

    bool takeKeyword(const char *keyword)
    {
        const QString word = keywordAt(m_pos);
        if (word.compare(QLatin1String(keyword), Qt::CaseInsensitive) != 0)
            return false;
        m_pos += word.size();
        return true;
    }

    [[noreturn]] void fail(int pos, const QString &expected) const { fail(pos, expected, tokenAt(pos)); }

    [[noreturn]] void fail(int pos, const QString &expected, const QString &found) const
    {
        throw SyntaxError(m_part, m_text, pos, expected, found);
    }

    // A string in the quote at m_pos; a doubled quote stands for itself. Leaves m_pos after the closing
    // quote.
    QString quoted()
    {
        const int start = m_pos;
        const QChar quote = peek();
        QString value = QStringLiteral(""); // never a null QString: that would bind as SQL NULL
        int i = start + 1;
        for (;;) {
            if (i >= m_text.size())
                fail(start, QStringLiteral("a closing %1 to match the one here").arg(quote), tokenAt(start));
            const QChar c = m_text.at(i);
            if (c == quote) {
                if (i + 1 < m_text.size() && m_text.at(i + 1) == quote) {
                    value += quote;
                    i += 2;
                    continue;
                }
                break;
            }
            value += c;
            ++i;
        }
        m_pos = i + 1;
        return value;
    }

    // `<type>.<key>`: the key is bare (up to whitespace, an operator character or, in an order-by, a comma)
    // or in backticks or double quotes.
    Identifier identifier(bool inOrderBy, bool inCall = false)
    {
        Identifier id;
        id.position = m_pos;
        const QString prefix = keywordAt(m_pos);
        const int dot = m_pos + prefix.size();
        const bool hasDot = dot < m_text.size() && m_text.at(dot) == u'.';
        const auto type = entityFromPrefix(prefix);
        const QString anIdentifier = QStringLiteral(
            "an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<key>");
        if (!hasDot) {
            if (type)
                fail(dot, QStringLiteral("'.' and a key after '%1'").arg(prefix));
            fail(m_pos, anIdentifier);
        }
        if (!type) {
            fail(m_pos, QStringLiteral("metrics, params, tags or attributes before '.'"),
                 prefix.isEmpty() ? tokenAt(m_pos) : prefix);
        }
        id.type = *type;
        m_pos = dot + 1;
        id.keyPosition = m_pos;
        const QString aKey = QStringLiteral("a key after '%1.'").arg(prefix);
        if (atEnd() || peek().isSpace() || isOperatorChar(peek()) || (inOrderBy && peek() == u','))
            fail(m_pos, aKey);
        if (peek() == u'`' || peek() == u'"') {
            id.key = quoted();
            if (id.key.isEmpty())
                fail(id.keyPosition, aKey);
        } else if (peek() == u'\'') {
            fail(m_pos,
                 QStringLiteral("a key (quote keys with backticks or double quotes, not single quotes)"));
        } else {
            const int start = m_pos;
            while (!atEnd() && !peek().isSpace() && !isOperatorChar(peek()) &&
                   !(inOrderBy && peek() == u',') && !(inCall && peek() == u')'))
                ++m_pos;
            id.key = m_text.mid(start, m_pos - start);
        }
        id.end = m_pos;
        if (id.type == EntityType::Attribute) {
            id.attribute = findAttribute(id.key);
            if (!id.attribute)
                fail(id.keyPosition, QStringLiteral("an attribute: %1").arg(attributeList()), id.key);
        }
        return id;
    }

    static QString operatorsFor(const Identifier &id)
    {
        switch (id.type) {
        case EntityType::Metric:
            return QStringLiteral("a comparison operator for a metric (=, !=, <, <=, >, >=)");
        case EntityType::Param:
            return QStringLiteral("an operator for a parameter (=, !=, LIKE, ILIKE, IS NULL, IS NOT NULL)");
        case EntityType::Tag:
            return QStringLiteral("an operator for a tag (=, !=, LIKE, ILIKE, IS NULL, IS NOT NULL)");
        case EntityType::Attribute:
            break;
        }
        const QString name = QString::fromLatin1(id.attribute->name);
        if (id.attribute->numeric)
            return QStringLiteral("a comparison operator for %1 (=, !=, <, <=, >, >=)").arg(name);
        if (id.attribute->allowsIn)
            return QStringLiteral("an operator for %1 (=, !=, LIKE, ILIKE, IN, NOT IN)").arg(name);
        return QStringLiteral("an operator for %1 (=, !=, LIKE, ILIKE)").arg(name);
    }

    static bool allows(const Identifier &id, Op op)
    {
        const bool numeric =
            id.type == EntityType::Metric || (id.type == EntityType::Attribute && id.attribute->numeric);
        if (numeric)
            return isComparison(op);
        if (op == Op::Eq || op == Op::Ne || op == Op::Like || op == Op::ILike)
            return true;
        if (op == Op::IsNull || op == Op::IsNotNull)
            return id.type == EntityType::Param || id.type == EntityType::Tag;
        if (op == Op::In || op == Op::NotIn)
            return id.type == EntityType::Attribute && id.attribute->allowsIn;
        return false;
    }

    Op comparisonOperator(const Identifier &id)
    {
        const int start = m_pos;
        if (!atEnd() && isOperatorChar(peek())) {
            int end = m_pos;
            while (end < m_text.size() && isOperatorChar(m_text.at(end)))
                ++end;
            const QString symbol = m_text.mid(m_pos, end - m_pos);
            static const std::pair<const char *, Op> symbols[] = {
                {"=", Op::Eq}, {"!=", Op::Ne}, {"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}};
            for (const auto &[text, op] : symbols) {
                if (symbol == QLatin1String(text)) {
                    m_pos = end;
                    return op;
                }
            }
            fail(start, operatorsFor(id));
        }
        if (takeKeyword("LIKE"))
            return Op::Like;
        if (takeKeyword("ILIKE"))
            return Op::ILike;
        if (takeKeyword("IN"))
            return Op::In;
        if (takeKeyword("NOT")) {
            skipSpace();
            if (!takeKeyword("IN"))
                fail(m_pos, QStringLiteral("IN after NOT"));
            return Op::NotIn;
        }
        if (takeKeyword("IS")) {
            skipSpace();
            bool negated = false;
            if (takeKeyword("NOT")) {
                negated = true;
                skipSpace();
            }
            if (!takeKeyword("NULL"))
                fail(m_pos, negated ? QStringLiteral("NULL after IS NOT")
                                    : QStringLiteral("NULL or NOT NULL after IS"));
            return negated ? Op::IsNotNull : Op::IsNull;
        }
        fail(start, operatorsFor(id));
    }

    // The end of a number or string value: whitespace or the end of the expression must follow.
    bool atValueBoundary() const { return atEnd() || peek().isSpace(); }

    // A number literal: optional sign, digits with an optional fraction, optional exponent.
    double number(const QString &what, bool *integral = nullptr, qint64 *asInteger = nullptr)
    {
        const int start = m_pos;
        if (!atEnd() && isQuote(peek()))
            fail(start, QStringLiteral("a number (%1 is compared with numbers, not strings)").arg(what));
        int i = m_pos;
        const int n = m_text.size();
        auto isDigit = [&](int k) { return k < n && m_text.at(k) >= u'0' && m_text.at(k) <= u'9'; };
        if (i < n && (m_text.at(i) == u'+' || m_text.at(i) == u'-'))
            ++i;
        int digits = 0;
        while (isDigit(i)) {
            ++i;
            ++digits;
        }
        bool fractional = false;
        if (i < n && m_text.at(i) == u'.') {
            fractional = true;
            ++i;
            while (isDigit(i)) {
                ++i;
                ++digits;
            }
        }
        bool exponent = false;
        if (digits > 0 && i < n && (m_text.at(i) == u'e' || m_text.at(i) == u'E')) {
            int k = i + 1;
            if (k < n && (m_text.at(k) == u'+' || m_text.at(k) == u'-'))
                ++k;
            if (isDigit(k)) {
                exponent = true;
                while (isDigit(k))
                    ++k;
                i = k;
            }
        }
        m_pos = i;
        if (digits == 0 || !atValueBoundary())
            fail(start, QStringLiteral("a number"));
        const QString literal = m_text.mid(start, i - start);
        bool ok = false;
        const double value = literal.toDouble(&ok);
        if (!ok || !std::isfinite(value))
            fail(start, QStringLiteral("a number within the range of a double"));
        if (integral) {
            *integral = false;
            if (!fractional && !exponent) {
                *asInteger = literal.toLongLong(&ok);
                *integral = ok;
            } else if (std::trunc(value) == value && std::abs(value) < 9.0e15) {
                *asInteger = static_cast<qint64>(value);
                *integral = true;
            }
        }
        return value;
    }

    QString string(const QString &expected)
    {
        if (atEnd() || (peek() != u'\'' && peek() != u'"'))
            fail(m_pos, expected);
        const QString value = quoted();
        if (!atValueBoundary())
            fail(m_pos, QStringLiteral("whitespace or end of input after the string"));
        return value;
    }

    QString stringComparison(Op op, const QString &column) const
    {
        switch (op) {
        case Op::Eq:
            return column + QStringLiteral(" = ?");
        case Op::Ne:
            return column + QStringLiteral(" <> ?");
        case Op::Like:
            return m_dialect.like(column, QStringLiteral("?"));
        case Op::ILike:
            return m_dialect.ilike(column, QStringLiteral("?"));
        default:
            break;
        }
        Q_UNREACHABLE();
        return {};
    }

    QString clause(QVariantList &binds)
    {
        const Identifier id = identifier(false);
        if (m_keys && id.type != EntityType::Attribute) {
            static const QString kinds[] = {QStringLiteral("metrics"), QStringLiteral("params"),
                                            QStringLiteral("tags")};
            m_keys->append({kinds[int(id.type)], id.key, id.position, id.end - id.position});
        }
        skipSpace();
        const int opPos = m_pos;
        const Op op = comparisonOperator(id);
        if (!allows(id, op))
            fail(opPos, operatorsFor(id));
        skipSpace();

        switch (id.type) {
        case EntityType::Metric: {
            const double value = number(QStringLiteral("a metric"));
            binds << id.key << value;
            return QStringLiteral("r.rid IN (SELECT run FROM series WHERE key = ? AND last %1 ?)")
                .arg(QLatin1String(sqlComparison(op)));
        }
        case EntityType::Param:
        case EntityType::Tag: {
            const QString table =
                id.type == EntityType::Param ? QStringLiteral("params") : QStringLiteral("run_tags");
            binds << id.key;
            if (op == Op::IsNull)
                return QStringLiteral("r.rid NOT IN (SELECT run FROM %1 WHERE key = ?)").arg(table);
            if (op == Op::IsNotNull)
                return QStringLiteral("r.rid IN (SELECT run FROM %1 WHERE key = ?)").arg(table);
            const QString what =
                id.type == EntityType::Param ? QStringLiteral("parameter") : QStringLiteral("tag");
            binds << string(
                QStringLiteral("a quoted string ('...' or \"...\"; %1 values are strings, so quote them)")
                    .arg(what));
            return QStringLiteral("r.rid IN (SELECT run FROM %1 WHERE key = ? AND %2)")
                .arg(table, stringComparison(op, QStringLiteral("value")));
        }
        case EntityType::Attribute:
            break;
        }

        const Attribute &attr = *id.attribute;
        const QString column = QString::fromLatin1(attr.column);
        if (attr.numeric) {
            bool integral = false;
            qint64 ms = 0;
            const int valuePos = m_pos;
            number(QString::fromLatin1(attr.name), &integral, &ms);
            if (!integral)
                fail(valuePos, QStringLiteral("a whole number of milliseconds since the epoch"));
            binds << QVariant::fromValue<qint64>(ms);
            return QStringLiteral("%1 %2 ?").arg(column, QLatin1String(sqlComparison(op)));
        }
        if (op == Op::In || op == Op::NotIn) {
            QStringList placeholders;
            if (atEnd() || peek() != u'(')
                fail(m_pos, QStringLiteral("'(' starting a list of quoted strings"));
            ++m_pos;
            for (;;) {
                skipSpace();
                if (atEnd() || (peek() != u'\'' && peek() != u'"'))
                    fail(m_pos, QStringLiteral("a quoted string in the list"));
                binds << quoted();
                placeholders << QStringLiteral("?");
                skipSpace();
                if (!atEnd() && peek() == u',') {
                    ++m_pos;
                    continue;
                }
                if (!atEnd() && peek() == u')') {
                    ++m_pos;
                    break;
                }
                fail(m_pos, QStringLiteral("',' or ')' in the list"));
            }
            return QStringLiteral("%1 %2 (%3)")
                .arg(column, op == Op::In ? QStringLiteral("IN") : QStringLiteral("NOT IN"),
                     placeholders.join(QStringLiteral(", ")));
        }
        binds << string(QStringLiteral("a quoted string ('...' or \"...\")"));
        return stringComparison(op, column);
    }

    void orderTerm(const Identifier &id, bool descending, int n, QStringList &terms, QStringList &joins,
                   QVariantList &joinBinds, QSet<QString> &orderedColumns) const
    {
        const QString direction = descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
        const QString alias = QStringLiteral("o%1").arg(n);
        switch (id.type) {
        case EntityType::Metric: {
            joins << QStringLiteral("LEFT JOIN series %1 ON %1.run = r.rid AND %1.key = ?").arg(alias);
            joinBinds << id.key;
            const QString value = alias + u'.' + id.aggregate; // last, min or max: columns of series
            terms << m_dialect.nonFiniteOrMissing(value) + QStringLiteral(" ASC") << value + u' ' + direction;
            return;
        }
        case EntityType::Param:
        case EntityType::Tag: {
            const QString table =
                id.type == EntityType::Param ? QStringLiteral("params") : QStringLiteral("run_tags");
            joins << QStringLiteral("LEFT JOIN %1 %2 ON %2.run = r.rid AND %2.key = ?").arg(table, alias);
            joinBinds << id.key;
            terms << m_dialect.nullsLast(alias + QStringLiteral(".value"), descending);
            return;
        }
        case EntityType::Attribute:
            break;
        }
        const QString column = QString::fromLatin1(id.attribute->column);
        orderedColumns.insert(column);
        terms << (id.attribute->numeric ? m_dialect.nullsLast(column, descending)
                                        : column + u' ' + direction);
    }
};

} // namespace

QString quotedKey(const QString &key, bool onlyIfNeeded)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_.\\-/:]+$"));
    if (onlyIfNeeded && plain.match(key).hasMatch())
        return key;
    QString k = key;
    k.replace(QLatin1Char('`'), QStringLiteral("``"));
    return QLatin1Char('`') + k + QLatin1Char('`');
}

QStringList attributeNames()
{
    QStringList names;
    for (const Attribute &a : attributes)
        names << QString::fromLatin1(a.name);
    return names;
}

QList<KeyReference> filterKeys(const QString &filter)
{
    QList<KeyReference> keys;
    CompiledQuery unused;
    const SqlDialect dialect;
    Parser parser(filter, SyntaxError::Part::Filter, dialect);
    parser.collectKeys(&keys);
    parser.compileFilter(unused);
    return keys;
}

CompiledQuery compile(const QString &filter, const QString &orderBy, const SqlDialect &dialect)
{
    CompiledQuery out;
    Parser(filter, SyntaxError::Part::Filter, dialect).compileFilter(out);
    Parser(orderBy, SyntaxError::Part::OrderBy, dialect).compileOrderBy(out);
    return out;
}

} // namespace runlens::search
