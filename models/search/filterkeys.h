// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The keys a search filter names, checked against the keys that exist where it is applied: a misspelt key
// (params.optimzer) matches no run, which reads like a true answer; this finds it and the key meant.

#include <QList>
#include <QString>
#include <QStringList>

namespace runlens::search {

// A key the filter names as metrics.<key>, params.<key> or tags.<key> (attributes are checked by the parser).
struct KeyReference
{
    QString kind; // "metrics", "params" or "tags", whichever prefix the filter used (param., tag., ...)
    QString key;
    int position = 0; // where the identifier (its prefix) starts in the filter
    int length = 0;   // of the whole identifier, prefix, dot and (quoted) key
};

// The keys of a filter's clauses, in their order. Throws SyntaxError as compile() does.
QList<KeyReference> filterKeys(const QString &filter);

// The keys that exist in the runs a filter is applied to.
struct KnownKeys
{
    QStringList metrics, params, tags;
};

// A key the filter names that no run in scope has, with the nearest existing key of its kind when one is
// close (a typo, a different case), and the filter with that key put in its place.
struct UnknownKey
{
    KeyReference reference;
    QString suggestion;                  // empty: nothing close
    QString correctedFilter;             // empty without a suggestion
    QString identifier() const;          // e.g. params.optimzer
    QString suggestedIdentifier() const; // e.g. params.optimizer; empty without a suggestion
};

// Throws SyntaxError as compile() does; an empty filter names no key.
QList<UnknownKey> unknownKeys(const QString &filter, const KnownKeys &known);

// "No run has params.optimzer; did you mean params.optimizer?". `scope` says where no run has it, e.g. "in
// this experiment" (empty: anywhere).
QString unknownKeyMessage(const UnknownKey &unknown, const QString &scope = QString());

} // namespace runlens::search
