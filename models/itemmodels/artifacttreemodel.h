// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The artifacts of one run as a tree: folders come from the '/' in the paths, a folder's size is the sum of
// the files below it, folders are listed before files and both by name. The bytes themselves are in the
// ArtifactStore, found by the sha256 of artifactAt().

#include "core/types.h"

#include <memory>
#include <QAbstractItemModel>
#include <QIcon>
#include <vector>

namespace runlens {

class ArtifactTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, SizeColumn, Sha256Column, MediaTypeColumn, CreatedColumn, ColumnCount };
    static constexpr int ShortHashLength = 12;

    explicit ArtifactTreeModel(QObject *parent = nullptr);
    ~ArtifactTreeModel() override;

    // Replaces the tree. Deleted artifacts (Store::artifacts(run, true)) are kept, marked with DeletedRole.
    void setArtifacts(std::vector<Artifact> artifacts);
    const std::vector<Artifact> &artifacts() const { return m_artifacts; }
    // The icons of the name column (the view's style knows them; this library has no widgets).
    void setIcons(const QIcon &folder, const QIcon &file);

    // Files that are not deleted, whatever the tree shows.
    int activeFileCount() const { return m_activeFiles; }
    QModelIndex indexOfPath(const QString &path, int column = NameColumn) const;
    QString pathAt(const QModelIndex &index) const;
    bool isFolder(const QModelIndex &index) const;
    bool isDeleted(const QModelIndex &index) const;
    // The artifact of a file item, nullptr for a folder or an invalid index.
    const Artifact *artifactAt(const QModelIndex &index) const;
    // The files at and below an item (the file itself, or every file of a folder), in path order.
    std::vector<Artifact> artifactsUnder(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node;
    Node *nodeAt(const QModelIndex &index) const;
    void collect(const Node *node, std::vector<Artifact> &out) const;

    std::vector<Artifact> m_artifacts;
    std::unique_ptr<Node> m_root;
    int m_activeFiles = 0;
    QIcon m_folderIcon;
    QIcon m_fileIcon;
};

} // namespace runlens
