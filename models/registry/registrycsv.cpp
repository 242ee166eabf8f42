// SPDX-License-Identifier: GPL-3.0-or-later
#include "registry/registrycsv.h"

#include "core/jsonformat.h"

#include <QDateTime>
#include <QStringList>

namespace runlens {

QString auditCsv(const std::vector<AuditEntry> &entries)
{
    QString csv = QStringLiteral("time,user,model,version,action,from,to\n");
    for (const AuditEntry &e : entries) {
        const QStringList fields{
            QDateTime::fromMSecsSinceEpoch(e.atMs, Qt::UTC).toString(Qt::ISODateWithMs),
            e.user,
            e.model,
            e.version ? QString::number(*e.version) : QString(),
            e.action,
            e.from,
            e.to,
        };
        QStringList quoted;
        for (const QString &f : fields)
            quoted << text::csvField(f);
        csv += quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return csv;
}

} // namespace runlens
