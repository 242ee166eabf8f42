// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Model versions, one row each: the model, the version, the run it was made from (shown as a link by name;
// RunIdRole carries the id), stage, aliases, tags, source folder, creator, creation time and description.
// The Models page shows one model's versions (Model column hidden); the run page shows the versions made
// from one run (model, version, stage, aliases). Rows carry ModelNameRole and ModelVersionRole.

#include "registry/modeldetails.h"

#include <QAbstractTableModel>
#include <vector>

namespace runlens {

class ModelVersionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ModelColumn,
        VersionColumn,
        RunColumn,
        StageColumn,
        AliasesColumn,
        TagsColumn,
        SourceColumn,
        CreatorColumn,
        CreatedColumn,
        DescriptionColumn,
        ColumnCount
    };

    explicit ModelVersionsModel(QObject *parent = nullptr);

    // `runs` names the runs (ModelDetails::runs); a run absent from it is shown as not in this database.
    // Newest version first. Unchanged versions keep their rows (selection survives a refresh).
    void setVersions(std::vector<ModelVersion> versions, QMap<QString, VersionRun> runs = {});
    const std::vector<ModelVersion> &versions() const { return m_versions; }
    const ModelVersion &versionAt(int row) const { return m_versions[size_t(row)]; }
    int rowOf(const QString &model, int version) const; // -1 when not listed
    // The version's run is in this database (imported registries may name runs that are not).
    bool hasRun(int row) const { return m_runs.contains(versionAt(row).runId); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString text(const ModelVersion &v, int column) const;

    std::vector<ModelVersion> m_versions;
    QMap<QString, VersionRun> m_runs;
};

} // namespace runlens
