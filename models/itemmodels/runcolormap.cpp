// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runcolormap.h"

#include "itemmodels/runcolors.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <QSet>

namespace runlens {

namespace {

// A pin this close (CIE76 distance in CIELAB) to a palette colour takes that colour's place in its view.
constexpr double PinNearness = 20.0;
// How many let-go runs remember their last colour.
constexpr qsizetype RecentLimit = 4096;

std::array<double, 3> lab(const QColor &c)
{
    const auto linear = [](double v) {
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    const double r = linear(c.redF()), g = linear(c.greenF()), b = linear(c.blueF());
    const double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    const double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    const double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    const auto f = [](double t) {
        return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
    };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

int nearestSlot(const QColor &pin)
{
    const QList<QColor> &palette = RunColors::palette();
    const auto p = lab(pin);
    int best = -1;
    double bestDistance = PinNearness;
    for (int i = 0; i < palette.size(); ++i) {
        const auto q = lab(palette[i]);
        const double d = std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

} // namespace

RunColorMap::RunColorMap(QObject *parent)
    : QObject(parent)
    , m_use(RunColors::palette().size(), 0)
{}

QList<RunColorMap::Member> RunColorMap::membersOf(const std::vector<Run> &runs)
{
    QList<Member> out;
    out.reserve(qsizetype(runs.size()));
    for (const Run &r : runs)
        out.push_back({r.id, RunColors::pinOf(r.tags)});
    return out;
}

void RunColorMap::setSlot(Entry &e, int slot)
{
    if (e.slot >= 0)
        --m_use[e.slot];
    e.slot = slot;
    if (slot >= 0)
        ++m_use[slot];
}

void RunColorMap::setPin(Entry &e, const QColor &pin)
{
    if (pin == e.pin)
        return;
    if (e.pinSlot >= 0)
        --m_use[e.pinSlot];
    e.pin = pin;
    e.pinSlot = pin.isValid() ? nearestSlot(pin) : -1;
    if (e.pinSlot >= 0)
        ++m_use[e.pinSlot];
}

int RunColorMap::bestSlot(const QList<int> &viewUse) const
{
    // Least used in the view, then least used in the window, then earliest in the palette.
    int best = 0;
    for (int i = 1; i < viewUse.size(); ++i) {
        if (std::pair(viewUse[i], m_use[i]) < std::pair(viewUse[best], m_use[best]))
            best = i;
    }
    return best;
}

void RunColorMap::hold(const QString &view, const QList<Member> &members, Policy policy)
{
    const QStringList before = m_views.value(view);
    const QSet<QString> held(before.cbegin(), before.cend());

    QStringList order;
    QList<const Member *> unique;
    QSet<QString> seen;
    order.reserve(members.size());
    for (const Member &m : members) {
        if (m.id.isEmpty() || seen.contains(m.id))
            continue;
        seen.insert(m.id);
        order << m.id;
        unique << &m;
    }

    QHash<QString, QColor> was;
    for (const Member *m : std::as_const(unique)) {
        was.insert(m->id, colorOf(m->id));
        Entry &e = m_runs[m->id];
        if (!held.contains(m->id))
            ++e.views;
        setPin(e, m->pin);
        if (e.pin.isValid())
            setSlot(e, -1);
    }

    // Pins first: automatic colours avoid every pin of the view, wherever it stands.
    const int size = int(m_use.size());
    QList<int> viewUse(size, 0);
    for (const Member *m : std::as_const(unique)) {
        const Entry &e = m_runs[m->id];
        if (e.pinSlot >= 0)
            ++viewUse[e.pinSlot];
    }
    const auto hasRoom = [&viewUse] {
        return std::find(viewUse.cbegin(), viewUse.cend(), 0) != viewUse.cend();
    };
    const auto take = [&](Entry &e, int slot) {
        setSlot(e, slot);
        ++viewUse[slot];
    };
    // Then the runs the view held already: they keep their colours unless a pin or another run of the view
    // has it and another colour is free.
    for (const Member *m : std::as_const(unique)) {
        Entry &e = m_runs[m->id];
        if (!held.contains(m->id) || e.pin.isValid())
            continue;
        // A listing never recolours: its rows may share a colour that a view drawn together gave.
        if (e.slot >= 0 && (policy == Policy::Listing || viewUse[e.slot] == 0 || !hasRoom()))
            take(e, e.slot);
        else
            take(e, bestSlot(viewUse));
    }
    // Then the runs new to the view, in its order.
    for (const Member *m : std::as_const(unique)) {
        Entry &e = m_runs[m->id];
        if (held.contains(m->id) || e.pin.isValid())
            continue;
        if (e.slot >= 0 && (policy == Policy::Listing || viewUse[e.slot] == 0 || !hasRoom())) {
            take(e, e.slot); // coloured by another view
            continue;
        }
        int slot = bestSlot(viewUse);
        const int recent = e.slot < 0 ? m_recent.value(m->id, -1) : -1;
        if (recent >= 0 && recent < size && viewUse[recent] == viewUse[slot])
            slot = recent;
        take(e, slot);
    }

    for (const QString &id : before) {
        if (seen.contains(id))
            continue;
        const auto it = m_runs.find(id);
        if (it == m_runs.end() || --it->views > 0)
            continue;
        if (it->slot >= 0) {
            if (m_recent.size() >= RecentLimit)
                m_recent.clear();
            m_recent.insert(id, it->slot);
        }
        setSlot(*it, -1);
        setPin(*it, QColor());
        m_runs.erase(it);
    }
    if (order.isEmpty())
        m_views.remove(view);
    else
        m_views.insert(view, order);

    QStringList changed;
    for (const QString &id : std::as_const(order)) {
        if (colorOf(id) != was.value(id))
            changed << id;
    }
    if (!changed.isEmpty())
        Q_EMIT colorsChanged(changed);
}

void RunColorMap::release(const QString &view)
{
    hold(view, {});
}

QColor RunColorMap::colorOf(const QString &runId) const
{
    const auto it = m_runs.constFind(runId);
    if (it == m_runs.constEnd())
        return {};
    if (it->pin.isValid())
        return it->pin;
    return it->slot >= 0 ? RunColors::palette()[it->slot] : QColor();
}

int RunColorMap::paletteIndexOf(const QString &runId) const
{
    const auto it = m_runs.constFind(runId);
    return it == m_runs.constEnd() || it->pin.isValid() ? -1 : it->slot;
}

} // namespace runlens
