// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One window's run colours. Each view (the runs table's visible rows, the Compare page's runs, the run page,
// an exported chart) holds the runs it shows, in the order they entered it; a run gets a palette colour
// when it first enters a view and keeps it while some view holds it. Runs drawn together get distinct
// colours while the palette has room; beyond that a new run takes the colour least used in its view. A
// colour pinned with the runlens.color tag always wins, and automatic colours avoid the pins of the view.
// Asking is O(1) and holding O(runs held by the view), so a table of 100,000 runs costs what it shows.

#include "core/types.h"

#include <QColor>
#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>
#include <vector>

namespace runlens {

class RunColorMap : public QObject
{
    Q_OBJECT
public:
    struct Member
    {
        QString id;
        QColor pin; // the run's runlens.color; invalid: automatic
    };
    enum class Policy {
        // Runs drawn together (charts, legends, a diff): a run entering the view that shares its colour
        // with one already in it (a colour given by another view) is given another while the palette has
        // room, here and so everywhere.
        Distinct,
        // A listing (the runs table's visible rows): a run entering keeps the colour another view gave it,
        // so that scrolling never recolours the charts; runs no view holds yet get the least used colour.
        Listing,
    };

    explicit RunColorMap(QObject *parent = nullptr);

    static QList<Member> membersOf(const std::vector<Run> &runs);

    // What `view` shows now, in its order (the order runs entered it, for the runs that are new to it).
    // Runs it held before and no longer lists are let go: a run no view holds gives its colour back.
    void hold(const QString &view, const QList<Member> &members, Policy policy = Policy::Distinct);
    void release(const QString &view);
    // The run's colour: its pin, else its palette colour; invalid while no view holds it.
    QColor colorOf(const QString &runId) const;
    // The run's place in the palette, -1 when pinned or not held.
    int paletteIndexOf(const QString &runId) const;
    QStringList heldBy(const QString &view) const { return m_views.value(view); }

Q_SIGNALS:
    // The colours of these runs changed (a run entered, was pinned or unpinned, or gave way in a view).
    void colorsChanged(const QStringList &runIds);

private:
    struct Entry
    {
        int slot = -1;    // palette index of an automatic colour
        int pinSlot = -1; // the palette colour a pin is close to, -1 when none
        QColor pin;
        int views = 0; // how many views hold the run
    };
    void setSlot(Entry &e, int slot);
    void setPin(Entry &e, const QColor &pin);
    int bestSlot(const QList<int> &viewUse) const;

    QHash<QString, Entry> m_runs;        // every run some view holds
    QHash<QString, QStringList> m_views; // view -> its runs, in order
    QList<int> m_use;                    // palette index -> runs holding it, pins near it included
    QHash<QString, int> m_recent;        // the last palette index of runs let go, so a run scrolled back
                                         // into view tends to find its colour again (bounded)
};

} // namespace runlens
