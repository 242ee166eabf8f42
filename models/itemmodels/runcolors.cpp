// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runcolors.h"

namespace runlens {

const QList<QColor> &RunColors::palette()
{
    // Sixteen hues of medium lightness: each reads on white and on a dark grey, and neighbours differ in hue.
    static const QList<QColor> colors = {
        QColor(0x1f, 0x77, 0xb4), QColor(0xe8, 0x6a, 0x10), QColor(0x2c, 0xa0, 0x2c),
        QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
        QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xb5, 0xb0, 0x0c),
        QColor(0x17, 0xbe, 0xcf), QColor(0x39, 0x3b, 0xd9), QColor(0x63, 0x8c, 0x1c),
        QColor(0xc4, 0x3c, 0x8e), QColor(0x0b, 0x8a, 0x7a), QColor(0xc9, 0x8a, 0x00),
        QColor(0x6b, 0x4f, 0xc8),
    };
    return colors;
}

QColor RunColors::byId(const QString &runId)
{
    // FNV-1a over the id's characters: run ids are random hex, but imported ids and names need not be, so
    // every character takes part.
    quint32 h = 2166136261u;
    for (QChar c : runId) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    const QList<QColor> &p = palette();
    return p[int(h % quint32(p.size()))];
}

QColor RunColors::of(const QString &runId, const QMap<QString, QString> &tags)
{
    const auto it = tags.constFind(QString::fromLatin1(RunColorTag));
    if (it != tags.constEnd()) {
        const QColor c = QColor::fromString(it->trimmed());
        if (c.isValid())
            return c;
    }
    return byId(runId);
}

} // namespace runlens
