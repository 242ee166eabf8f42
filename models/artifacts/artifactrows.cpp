// SPDX-License-Identifier: GPL-3.0-or-later
#include "artifacts/artifactrows.h"

#include "core/error.h"
#include "store/database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace runlens {

ArtifactRows::ArtifactRows(Database &db)
    : m_db(db)
{}

void ArtifactRows::addArtifact(const QString &runId, const Artifact &a)
{
    if (a.path.isEmpty() || a.path.startsWith(QLatin1Char('/')) ||
        a.path.split(QLatin1Char('/')).contains(QLatin1String("..")))
        throw Error(
            QStringLiteral("artifact path '%1' must be relative and stay inside the run").arg(a.path));
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    m_db.write(QStringLiteral(
                   "INSERT INTO artifacts(run, path, size, sha256, media_type, created_ms, lifecycle) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run, path) DO UPDATE SET size = excluded.size, "
                   "sha256 = excluded.sha256, media_type = excluded.media_type, "
                   "created_ms = excluded.created_ms, lifecycle = excluded.lifecycle"),
               {rid, a.path, a.size, a.sha256, a.mediaType, a.createdMs ? a.createdMs : nowMs(),
                lifecycleName(a.lifecycle)});
    tx.commit();
}

std::vector<Artifact> ArtifactRows::artifacts(const QString &runId, bool includeDeleted)
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT path, size, sha256, media_type, created_ms, lifecycle FROM artifacts "
                       "WHERE run = ? %1 ORDER BY path")
            .arg(includeDeleted ? QString() : QStringLiteral("AND lifecycle = 'active'")),
        {m_db.runRid(runId)});
    std::vector<Artifact> out;
    for (; q.isValid(); q.next()) {
        out.push_back({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toLongLong(),
                       lifecycleFromName(q.value(5).toString()).value_or(Lifecycle::Active)});
    }
    return out;
}

bool ArtifactRows::isArtifactObjectUsed(const QString &sha256)
{
    return !m_db.scalar(QStringLiteral("SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1"), {sha256})
                .isNull();
}

QStringList ArtifactRows::artifactDigests()
{
    QStringList digests;
    QSqlQuery q = m_db.prepare(QStringLiteral("SELECT DISTINCT sha256 FROM artifacts ORDER BY sha256"));
    if (!q.exec())
        m_db.throwExecError(q.lastError());
    while (q.next())
        digests << q.value(0).toString();
    return digests;
}

int ArtifactRows::deleteArtifact(const QString &runId, const QString &path)
{
    return setArtifactLifecycle(runId, path, Lifecycle::Deleted);
}

int ArtifactRows::restoreArtifact(const QString &runId, const QString &path)
{
    return setArtifactLifecycle(runId, path, Lifecycle::Active);
}

int ArtifactRows::setArtifactLifecycle(const QString &runId, const QString &path, Lifecycle lifecycle)
{
    QString p = path;
    while (p.endsWith(QLatin1Char('/')))
        p.chop(1);
    if (p.isEmpty())
        throw Error(QStringLiteral("name an artifact or a folder of artifacts"));
    Database::Transaction tx(m_db);
    const qint64 rid = m_db.runRid(runId);
    // A folder is every path starting with "<folder>/": the range ["<folder>/", "<folder>0") in byte order
    // ('0' follows '/'), which the primary key serves and which needs no LIKE escaping.
    const QString from =
        lifecycle == Lifecycle::Deleted ? QStringLiteral("active") : QStringLiteral("deleted");
    const Database::WriteResult r =
        m_db.write(QStringLiteral("UPDATE artifacts SET lifecycle = ? WHERE run = ? AND lifecycle = ? AND "
                                  "(path = ? OR (path >= ? AND path < ?))"),
                   {lifecycleName(lifecycle), rid, from, p, p + QLatin1Char('/'), p + QLatin1Char('0')});
    if (r.rowsAffected == 0)
        throw Error(lifecycle == Lifecycle::Deleted
                        ? QStringLiteral("run %1 has no artifact at '%2'").arg(runId, p)
                        : QStringLiteral("run %1 has no deleted artifact at '%2'").arg(runId, p),
                    Error::Kind::NotFound);
    tx.commit();
    return int(r.rowsAffected);
}

} // namespace runlens
