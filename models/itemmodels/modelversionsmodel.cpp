// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/modelversionsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/registeredmodelsmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runstatusstyle.h"

#include <algorithm>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

namespace runlens {

namespace {

bool sameVersion(const ModelVersion &a, const ModelVersion &b)
{
    return a.model == b.model && a.version == b.version && a.runId == b.runId && a.source == b.source &&
           a.description == b.description && a.stage == b.stage && a.creator == b.creator &&
           a.createdMs == b.createdMs && a.updatedMs == b.updatedMs && a.aliases == b.aliases &&
           a.tags == b.tags;
}

bool sameRun(const VersionRun &a, const VersionRun &b)
{
    return a.name == b.name && a.deleted == b.deleted && a.status == b.status;
}

} // namespace

ModelVersionsModel::ModelVersionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ModelVersionsModel::setVersions(std::vector<ModelVersion> versions, QMap<QString, VersionRun> runs)
{
    std::stable_sort(versions.begin(), versions.end(), [](const ModelVersion &a, const ModelVersion &b) {
        return a.model != b.model ? a.model < b.model : a.version > b.version;
    });
    for (ModelVersion &v : versions)
        v.aliases.sort();
    const bool sameRows = std::equal(versions.begin(), versions.end(), m_versions.begin(), m_versions.end(),
                                     [](const ModelVersion &a, const ModelVersion &b) {
                                         return a.model == b.model && a.version == b.version;
                                     });
    if (!sameRows) {
        beginResetModel();
        m_versions = std::move(versions);
        m_runs = std::move(runs);
        endResetModel();
        return;
    }
    // The same versions: repaint the rows that changed, keeping selection and scroll.
    std::vector<int> changed;
    for (size_t i = 0; i < versions.size(); ++i) {
        const QString &id = versions[i].runId;
        if (!sameVersion(versions[i], m_versions[i]) || m_runs.contains(id) != runs.contains(id) ||
            !sameRun(m_runs.value(id), runs.value(id)))
            changed.push_back(int(i));
    }
    m_versions = std::move(versions);
    m_runs = std::move(runs);
    for (int row : changed)
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int ModelVersionsModel::rowOf(const QString &model, int version) const
{
    for (size_t i = 0; i < m_versions.size(); ++i) {
        if (m_versions[i].model == model && m_versions[i].version == version)
            return int(i);
    }
    return -1;
}

int ModelVersionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_versions.size());
}

int ModelVersionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ModelVersionsModel::text(const ModelVersion &v, int column) const
{
    switch (column) {
    case ModelColumn:
        return v.model;
    case VersionColumn:
        return QStringLiteral("v%1").arg(v.version);
    case RunColumn: {
        if (v.runId.isEmpty())
            return {};
        const auto run = m_runs.constFind(v.runId);
        if (run == m_runs.cend())
            return v.runId.left(8);
        return runstatus::withLiveMark(run->name.isEmpty() ? v.runId.left(8) : run->name, run->status);
    }
    case StageColumn:
        return modelStageName(v.stage);
    case AliasesColumn:
        return v.aliases.join(QStringLiteral(", "));
    case TagsColumn:
        return RegisteredModelsModel::tagsText(v.tags);
    case SourceColumn:
        return v.source.isEmpty() ? tr("(whole run)") : v.source;
    case CreatorColumn:
        return v.creator;
    case CreatedColumn:
        return v.createdMs ? display::dateTime(v.createdMs) : QString();
    case DescriptionColumn:
        return v.description;
    default:
        return {};
    }
}

QVariant ModelVersionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ModelVersion &v = m_versions[size_t(index.row())];
    const bool runKnown = m_runs.contains(v.runId);
    switch (role) {
    case ModelNameRole:
        return v.model;
    case ModelVersionRole:
        return v.version;
    case RunIdRole:
        return v.runId;
    case DeletedRole:
        return runKnown && m_runs.value(v.runId).deleted;
    case Qt::DisplayRole:
        return display::singleLine(index.column() == DescriptionColumn ? v.description
                                                                       : text(v, index.column()));
    case FullTextRole:
        return index.column() == RunColumn ? v.runId : text(v, index.column());
    case Qt::DecorationRole:
        if (index.column() == RunColumn && runKnown && runstatus::isLive(m_runs.value(v.runId).status))
            return runstatus::dot(RunStatus::Running); // still logging, as every page marks it
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case RunColumn:
            if (v.runId.isEmpty())
                return {};
            if (!runKnown)
                return tr("Run %1\n(not in this database)").arg(v.runId);
            return m_runs.value(v.runId).deleted
                       ? tr("Run %1 (in the trash)\nActivate to open it").arg(v.runId)
                       : tr("Run %1 (%2)\nActivate to open it")
                             .arg(v.runId, runstatus::label(m_runs.value(v.runId).status));
        case DescriptionColumn:
            return v.description.isEmpty() ? QVariant() : display::tooltipText(v.description);
        case TagsColumn:
        case SourceColumn:
            return display::tooltipText(text(v, index.column()));
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (index.column() == RunColumn)
            return QGuiApplication::palette().color(runKnown ? QPalette::Link : QPalette::PlaceholderText);
        if (index.column() == SourceColumn && v.source.isEmpty())
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case Qt::FontRole: {
        QFont f;
        if (index.column() == RunColumn && runKnown) {
            f.setUnderline(true);
            f.setStrikeOut(m_runs.value(v.runId).deleted);
            return f;
        }
        if (index.column() == VersionColumn) {
            f.setBold(true);
            return f;
        }
        return {};
    }
    case SortValueRole:
        switch (index.column()) {
        case VersionColumn:
            return v.version;
        case CreatedColumn:
            return v.createdMs;
        case StageColumn:
            return int(v.stage);
        default:
            return text(v, index.column());
        }
    default:
        return {};
    }
}

QVariant ModelVersionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Model", "Version", "Run",     "Stage",   "Aliases",
                                   "Tags",  "Source",  "Creator", "Created", "Description"};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace runlens
