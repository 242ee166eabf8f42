// SPDX-License-Identifier: GPL-3.0-or-later
#include "search/filterkeys.h"
#include "search/searchquery.h"

#include <algorithm>
#include <cstdlib>
#include <QSet>
#include <vector>

namespace runlens::search {

namespace {

// Edits (insert, delete, substitute, swap two neighbours) from a to b, ignoring case; more than `limit` is
// reported as limit + 1 without finishing the table.
int editDistance(const QString &a, const QString &b, int limit)
{
    const int n = int(a.size());
    const int m = int(b.size());
    if (std::abs(n - m) > limit)
        return limit + 1;
    const QString x = a.toCaseFolded();
    const QString y = b.toCaseFolded();
    std::vector<int> before(size_t(m + 1)), previous(size_t(m + 1)), current(size_t(m + 1));
    for (int j = 0; j <= m; ++j)
        previous[size_t(j)] = j;
    for (int i = 1; i <= n; ++i) {
        current[0] = i;
        int rowMin = current[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = x.at(i - 1) == y.at(j - 1) ? 0 : 1;
            int d = std::min(
                {previous[size_t(j)] + 1, current[size_t(j - 1)] + 1, previous[size_t(j - 1)] + cost});
            if (i > 1 && j > 1 && x.at(i - 1) == y.at(j - 2) && x.at(i - 2) == y.at(j - 1))
                d = std::min(d, before[size_t(j - 2)] + 1);
            current[size_t(j)] = d;
            rowMin = std::min(rowMin, d);
        }
        if (rowMin > limit)
            return limit + 1;
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return std::min(previous[size_t(m)], limit + 1);
}

// How far a key may be from the one meant: one edit for short keys, up to three for long ones (so "lr" does
// not suggest "bs", but "learning_rat" finds "learning_rate").
int closeEnough(const QString &key)
{
    return std::clamp(int(key.size()) / 3, 1, 3);
}

QString nearest(const QString &key, const QStringList &candidates)
{
    const int limit = closeEnough(key);
    QString best;
    int bestDistance = limit + 1;
    for (const QString &c : candidates) {
        const int d = editDistance(key, c, limit);
        // Ties go to the key first in sort order, so that the answer does not depend on the list's order.
        if (d < bestDistance || (d == bestDistance && d <= limit && c < best)) {
            best = c;
            bestDistance = d;
        }
    }
    return bestDistance <= limit ? best : QString();
}

QString identifierText(const QString &kind, const QString &key)
{
    return kind + QLatin1Char('.') + quotedKey(key, true);
}

} // namespace

QString UnknownKey::identifier() const
{
    return identifierText(reference.kind, reference.key);
}

QString UnknownKey::suggestedIdentifier() const
{
    return suggestion.isEmpty() ? QString() : identifierText(reference.kind, suggestion);
}

QList<UnknownKey> unknownKeys(const QString &filter, const KnownKeys &known)
{
    QList<UnknownKey> unknown;
    QSet<QString> reported;
    for (const KeyReference &ref : filterKeys(filter)) {
        const QStringList &keys = ref.kind == QLatin1String("metrics")  ? known.metrics
                                  : ref.kind == QLatin1String("params") ? known.params
                                                                        : known.tags;
        if (keys.contains(ref.key))
            continue;
        UnknownKey u;
        u.reference = ref;
        if (reported.contains(u.identifier()))
            continue; // named twice (params.x != 'a' and params.x != 'b'): said once
        reported.insert(u.identifier());
        u.suggestion = nearest(ref.key, keys);
        if (!u.suggestion.isEmpty()) {
            u.correctedFilter = filter;
            u.correctedFilter.replace(ref.position, ref.length, u.suggestedIdentifier());
        }
        unknown.append(u);
    }
    return unknown;
}

QString unknownKeyMessage(const UnknownKey &unknown, const QString &scope)
{
    const QString where = scope.isEmpty() ? QString() : QLatin1Char(' ') + scope;
    if (unknown.suggestion.isEmpty())
        return QStringLiteral("No run%1 has %2").arg(where, unknown.identifier());
    return QStringLiteral("No run%1 has %2; did you mean %3?")
        .arg(where, unknown.identifier(), unknown.suggestedIdentifier());
}

} // namespace runlens::search
