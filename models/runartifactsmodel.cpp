// SPDX-License-Identifier: GPL-3.0-or-later
#include "runartifactsmodel.h"

#include "displaytext.h"
#include "roles.h"

namespace runlens {

RunArtifactsModel::RunArtifactsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RunArtifactsModel::setArtifacts(std::vector<Artifact> artifacts)
{
    beginResetModel();
    m_artifacts = std::move(artifacts);
    endResetModel();
}

int RunArtifactsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_artifacts.size());
}

int RunArtifactsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunArtifactsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Artifact &a = m_artifacts[size_t(index.row())];
    if (role == Qt::ToolTipRole)
        return display::tooltipText(
            tr("%1\n%2 (%3 bytes)\nsha256 %4").arg(a.path, display::bytes(a.size)).arg(a.size).arg(a.sha256));
    if (role == Qt::TextAlignmentRole)
        return index.column() == SizeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    switch (index.column()) {
    case PathColumn:
        return role == Qt::DisplayRole || role == FullTextRole || role == SortValueRole ? a.path : QVariant();
    case SizeColumn:
        if (role == Qt::DisplayRole)
            return display::bytes(a.size);
        if (role == FullTextRole)
            return QString::number(a.size);
        return role == SortValueRole ? QVariant(a.size) : QVariant();
    case MediaTypeColumn:
        return role == Qt::DisplayRole || role == FullTextRole || role == SortValueRole ? a.mediaType
                                                                                        : QVariant();
    case CreatedColumn:
        if (role == Qt::DisplayRole || role == FullTextRole)
            return a.createdMs ? display::dateTime(a.createdMs) : QString();
        return role == SortValueRole ? QVariant(a.createdMs) : QVariant();
    default:
        return {};
    }
}

QVariant RunArtifactsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Path", "Size", "Type", "Stored"};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace runlens
