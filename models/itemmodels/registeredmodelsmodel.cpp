// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/registeredmodelsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

#include <algorithm>
#include <QFont>

namespace runlens {

namespace {

int latestVersion(const RegisteredModel &m)
{
    int latest = 0;
    for (const ModelVersion &v : m.versions)
        latest = std::max(latest, v.version);
    return latest;
}

// Everything a row shows: two lists that compare equal need no repaint.
bool sameRow(const RegisteredModel &a, const RegisteredModel &b)
{
    if (a.name != b.name || a.description != b.description || a.updatedMs != b.updatedMs ||
        a.tags != b.tags || a.aliases != b.aliases || a.versions.size() != b.versions.size())
        return false;
    for (size_t i = 0; i < a.versions.size(); ++i) {
        if (a.versions[i].version != b.versions[i].version || a.versions[i].stage != b.versions[i].stage)
            return false;
    }
    return true;
}

} // namespace

RegisteredModelsModel::RegisteredModelsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RegisteredModelsModel::setModels(std::vector<RegisteredModel> models)
{
    const bool sameNames =
        std::equal(models.begin(), models.end(), m_models.begin(), m_models.end(),
                   [](const RegisteredModel &a, const RegisteredModel &b) { return a.name == b.name; });
    if (!sameNames) {
        beginResetModel();
        m_models = std::move(models);
        endResetModel();
        return;
    }
    // The same models: repaint the rows that changed, keeping selection and scroll.
    for (size_t i = 0; i < models.size(); ++i) {
        const bool changed = !sameRow(models[i], m_models[i]);
        m_models[i] = std::move(models[i]);
        if (changed)
            Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
    }
}

int RegisteredModelsModel::rowOf(const QString &name) const
{
    for (size_t i = 0; i < m_models.size(); ++i) {
        if (m_models[i].name == name)
            return int(i);
    }
    return -1;
}

QString RegisteredModelsModel::aliasesText(const QMap<QString, int> &aliases)
{
    QStringList parts;
    for (auto it = aliases.begin(); it != aliases.end(); ++it)
        parts << QStringLiteral("%1 → v%2").arg(it.key()).arg(it.value());
    return parts.join(QStringLiteral(", "));
}

QString RegisteredModelsModel::stageText(const RegisteredModel &model, ModelStage stage)
{
    QStringList parts;
    for (auto it = model.versions.rbegin(); it != model.versions.rend(); ++it) {
        if (it->stage == stage)
            parts << QStringLiteral("v%1").arg(it->version);
    }
    return parts.join(QStringLiteral(", "));
}

QString RegisteredModelsModel::tagsText(const QMap<QString, QString> &tags)
{
    QStringList parts;
    for (auto it = tags.begin(); it != tags.end(); ++it)
        parts << (it.value().isEmpty() ? it.key() : QStringLiteral("%1=%2").arg(it.key(), it.value()));
    return parts.join(QStringLiteral(", "));
}

int RegisteredModelsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_models.size());
}

int RegisteredModelsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegisteredModelsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RegisteredModel &m = m_models[size_t(index.row())];
    const auto text = [&]() -> QString {
        switch (index.column()) {
        case NameColumn:
            return m.name;
        case LatestColumn: {
            const int latest = latestVersion(m);
            return latest ? QStringLiteral("v%1").arg(latest) : QString();
        }
        case AliasesColumn:
            return aliasesText(m.aliases);
        case StagingColumn:
            return stageText(m, ModelStage::Staging);
        case ProductionColumn:
            return stageText(m, ModelStage::Production);
        case ArchivedColumn:
            return stageText(m, ModelStage::Archived);
        case TagsColumn:
            return tagsText(m.tags);
        case DescriptionColumn:
            return m.description;
        case UpdatedColumn:
            return m.updatedMs ? display::dateTime(m.updatedMs) : QString();
        default:
            return {};
        }
    };
    switch (role) {
    case ModelNameRole:
        return m.name;
    case Qt::DisplayRole:
        return display::singleLine(index.column() == DescriptionColumn ? m.description : text());
    case FullTextRole:
        return text();
    case Qt::ToolTipRole:
        if (index.column() == DescriptionColumn && !m.description.isEmpty())
            return display::tooltipText(m.description);
        if (index.column() == NameColumn)
            return tr("%1\n%n version(s)", nullptr, int(m.versions.size()))
                .arg(display::elided(m.name, display::MaxLabelChars));
        return {};
    case Qt::FontRole:
        if (index.column() == NameColumn) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case SortValueRole:
        switch (index.column()) {
        case LatestColumn:
            return latestVersion(m);
        case UpdatedColumn:
            return m.updatedMs;
        default:
            return text();
        }
    default:
        return {};
    }
}

QVariant RegisteredModelsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Model",    "Latest", "Aliases",     "Staging", "Production",
                                   "Archived", "Tags",   "Description", "Updated"};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace runlens
