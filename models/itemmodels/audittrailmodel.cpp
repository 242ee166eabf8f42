// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/audittrailmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

#include <QHash>

namespace runlens {

namespace {

bool sameEntry(const AuditEntry &a, const AuditEntry &b)
{
    return a.atMs == b.atMs && a.user == b.user && a.model == b.model && a.version == b.version &&
           a.action == b.action && a.from == b.from && a.to == b.to;
}

} // namespace

AuditTrailModel::AuditTrailModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void AuditTrailModel::setEntries(std::vector<AuditEntry> entries)
{
    const size_t old = m_entries.size();
    const bool grew = entries.size() > old && std::equal(m_entries.begin(), m_entries.end(), entries.begin(),
                                                         entries.begin() + old, sameEntry);
    if (grew) {
        // Newest first: the new entries go on top.
        beginInsertRows({}, 0, int(entries.size() - old) - 1);
        m_entries = std::move(entries);
        endInsertRows();
        return;
    }
    if (entries.size() == old && std::equal(m_entries.begin(), m_entries.end(), entries.begin(), sameEntry))
        return;
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

QString AuditTrailModel::actionText(const QString &action)
{
    static const QHash<QString, const char *> names = {
        {QStringLiteral("create"), QT_TR_NOOP("Create model")},
        {QStringLiteral("create_model"), QT_TR_NOOP("Create model")},
        {QStringLiteral("promote"), QT_TR_NOOP("Promote run")},
        {QStringLiteral("create_version"), QT_TR_NOOP("Create version")},
        {QStringLiteral("set_alias"), QT_TR_NOOP("Set alias")},
        {QStringLiteral("delete_alias"), QT_TR_NOOP("Remove alias")},
        {QStringLiteral("set_stage"), QT_TR_NOOP("Transition stage")},
        {QStringLiteral("set_tag"), QT_TR_NOOP("Set tag")},
        {QStringLiteral("delete_tag"), QT_TR_NOOP("Remove tag")},
        {QStringLiteral("set_description"), QT_TR_NOOP("Edit description")},
        {QStringLiteral("delete"), QT_TR_NOOP("Delete")},
        {QStringLiteral("delete_version"), QT_TR_NOOP("Delete version")},
        {QStringLiteral("delete_model"), QT_TR_NOOP("Delete model")},
    };
    const auto it = names.constFind(action);
    return it == names.cend() ? action : tr(*it);
}

int AuditTrailModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditTrailModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTrailModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry &e = m_entries[m_entries.size() - 1 - size_t(index.row())];
    switch (role) {
    case ModelNameRole:
        return e.model;
    case ModelVersionRole:
        return e.version.value_or(0);
    case Qt::DisplayRole:
    case FullTextRole:
        switch (index.column()) {
        case TimeColumn:
            return display::dateTime(e.atMs);
        case UserColumn:
            return e.user;
        case ActionColumn:
            return role == FullTextRole ? e.action : actionText(e.action);
        case VersionColumn:
            return e.version ? QStringLiteral("v%1").arg(*e.version) : QString();
        case FromColumn:
            return role == Qt::DisplayRole ? display::singleLine(e.from) : e.from;
        case ToColumn:
            return role == Qt::DisplayRole ? display::singleLine(e.to) : e.to;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == FromColumn && !e.from.isEmpty())
            return display::tooltipText(e.from);
        if (index.column() == ToColumn && !e.to.isEmpty())
            return display::tooltipText(e.to);
        if (index.column() == ActionColumn)
            return e.action;
        return {};
    case SortValueRole:
        switch (index.column()) {
        case TimeColumn:
            return e.atMs;
        case VersionColumn:
            return e.version.value_or(0);
        default:
            return data(index, FullTextRole);
        }
    default:
        return {};
    }
}

QVariant AuditTrailModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Time", "User", "Action", "Version", "From", "To"};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace runlens
