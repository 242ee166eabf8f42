// SPDX-License-Identifier: GPL-3.0-or-later
#include "modelalias.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace runlens {

QString modelAliasProblem(const QString &alias)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_-]+$"));
    static const QRegularExpression versionLike(QStringLiteral("^[vV][0-9]+$"));
    const auto tr = [](const char *text) { return QCoreApplication::translate("runlens::ModelAlias", text); };
    if (alias.isEmpty())
        return tr("An alias needs at least one character.");
    if (!valid.match(alias).hasMatch())
        return tr("An alias may only contain letters, digits, '_' and '-'.");
    if (alias.compare(QLatin1String("latest"), Qt::CaseInsensitive) == 0)
        return tr("'latest' is reserved: it always names the newest version.");
    if (versionLike.match(alias).hasMatch())
        return tr("'%1' is reserved: 'v<number>' names a version by its number.").arg(alias);
    return {};
}

} // namespace runlens
