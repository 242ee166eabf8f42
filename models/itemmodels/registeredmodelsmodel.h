// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The registered models of a database, one row each: name, latest version, aliases ("champion → v3"), the
// versions in each stage, tags, description and the time of the last change. Rows carry the model's name
// (ModelNameRole) so that a view can open it; a reload keeps rows whose models are unchanged in place, so
// that the selection and scroll survive a refresh.

#include "core/types.h"

#include <QAbstractTableModel>
#include <vector>

namespace runlens {

class RegisteredModelsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        LatestColumn,
        AliasesColumn,
        StagingColumn,
        ProductionColumn,
        ArchivedColumn,
        TagsColumn,
        DescriptionColumn,
        UpdatedColumn,
        ColumnCount
    };

    explicit RegisteredModelsModel(QObject *parent = nullptr);

    void setModels(std::vector<RegisteredModel> models);
    const std::vector<RegisteredModel> &models() const { return m_models; }
    int rowOf(const QString &name) const; // -1 when not listed

    // "champion → v3, staging → v2", by alias name.
    static QString aliasesText(const QMap<QString, int> &aliases);
    // "v2, v5": the versions of `model` in `stage`, newest first.
    static QString stageText(const RegisteredModel &model, ModelStage stage);
    static QString tagsText(const QMap<QString, QString> &tags); // "k=v, k2=v2"

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<RegisteredModel> m_models;
};

} // namespace runlens
