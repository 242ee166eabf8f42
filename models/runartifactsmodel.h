// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The artifacts of one run: path, size, media type and when it was stored; the bytes themselves are in the
// ArtifactStore, found by the sha256 of artifactAt().

#include "types.h"

#include <QAbstractTableModel>
#include <vector>

namespace runlens {

class RunArtifactsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PathColumn, SizeColumn, MediaTypeColumn, CreatedColumn, ColumnCount };

    explicit RunArtifactsModel(QObject *parent = nullptr);

    void setArtifacts(std::vector<Artifact> artifacts);
    const std::vector<Artifact> &artifacts() const { return m_artifacts; }
    const Artifact &artifactAt(int row) const { return m_artifacts.at(size_t(row)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<Artifact> m_artifacts;
};

} // namespace runlens
