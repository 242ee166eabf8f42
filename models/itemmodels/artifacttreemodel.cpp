// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/artifacttreemodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"

#include <algorithm>
#include <functional>
#include <QFont>
#include <QHash>

namespace runlens {

namespace {

QString fileCount(int n)
{
    return n == 1 ? ArtifactTreeModel::tr("1 file") : ArtifactTreeModel::tr("%1 files").arg(n);
}

} // namespace

struct ArtifactTreeModel::Node
{
    QString name;
    QString path;
    Node *parent = nullptr;
    int row = 0;
    int artifact = -1; // index in m_artifacts; -1 for a folder
    qint64 size = 0;   // a folder: the sum of its files
    int files = 0;     // a folder: files below it; a file: 1
    int deletedFiles = 0;
    qint64 createdMs = 0; // a folder: its newest file
    std::vector<std::unique_ptr<Node>> children;
    QHash<QString, Node *> folders; // children that are folders, by name (while building)

    bool isFolder() const { return artifact < 0; }
    bool isDeleted() const { return files > 0 && deletedFiles == files; }
};

ArtifactTreeModel::ArtifactTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{}

ArtifactTreeModel::~ArtifactTreeModel() = default;

void ArtifactTreeModel::setIcons(const QIcon &folder, const QIcon &file)
{
    m_folderIcon = folder;
    m_fileIcon = file;
    if (m_root->children.empty())
        return;
    // Every level shows an icon: a reset would lose the view's expanded folders for a cosmetic change.
    const std::function<void(const QModelIndex &)> changed = [&](const QModelIndex &parent) {
        const int rows = rowCount(parent);
        if (rows == 0)
            return;
        Q_EMIT dataChanged(index(0, NameColumn, parent), index(rows - 1, NameColumn, parent),
                           {Qt::DecorationRole});
        for (int r = 0; r < rows; ++r)
            changed(index(r, NameColumn, parent));
    };
    changed({});
}

void ArtifactTreeModel::setArtifacts(std::vector<Artifact> artifacts)
{
    beginResetModel();
    m_artifacts = std::move(artifacts);
    m_root = std::make_unique<Node>();
    m_activeFiles = 0;
    for (int i = 0; i < int(m_artifacts.size()); ++i) {
        const Artifact &a = m_artifacts[size_t(i)];
        const QStringList parts = a.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        if (parts.isEmpty())
            continue;
        const bool deleted = a.lifecycle == Lifecycle::Deleted;
        if (!deleted)
            ++m_activeFiles;
        Node *at = m_root.get();
        const auto account = [&](Node *n) {
            n->size += a.size;
            n->files += 1;
            n->deletedFiles += deleted ? 1 : 0;
            n->createdMs = std::max(n->createdMs, a.createdMs);
        };
        account(at);
        for (int p = 0; p + 1 < parts.size(); ++p) {
            Node *folder = at->folders.value(parts[p]);
            if (!folder) {
                auto node = std::make_unique<Node>();
                node->name = parts[p];
                node->path = parts.mid(0, p + 1).join(QLatin1Char('/'));
                node->parent = at;
                folder = node.get();
                at->folders.insert(parts[p], folder);
                at->children.push_back(std::move(node));
            }
            at = folder;
            account(at);
        }
        auto file = std::make_unique<Node>();
        file->name = parts.last();
        file->path = parts.join(QLatin1Char('/'));
        file->parent = at;
        file->artifact = i;
        account(file.get());
        at->children.push_back(std::move(file));
    }
    // Folders first, then by name as people read it (case-insensitively), the exact name breaking ties.
    const std::function<void(Node *)> arrange = [&](Node *n) {
        n->folders.clear();
        std::sort(n->children.begin(), n->children.end(), [](const auto &a, const auto &b) {
            if (a->isFolder() != b->isFolder())
                return a->isFolder();
            const int c = a->name.compare(b->name, Qt::CaseInsensitive);
            return c != 0 ? c < 0 : a->name < b->name;
        });
        for (int r = 0; r < int(n->children.size()); ++r) {
            n->children[size_t(r)]->row = r;
            arrange(n->children[size_t(r)].get());
        }
    };
    arrange(m_root.get());
    endResetModel();
}

ArtifactTreeModel::Node *ArtifactTreeModel::nodeAt(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex ArtifactTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    Node *p = nodeAt(parent);
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex ArtifactTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const Node *p = nodeAt(child)->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row, 0, const_cast<Node *>(p));
}

int ArtifactTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeAt(parent)->children.size());
}

int ArtifactTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QModelIndex ArtifactTreeModel::indexOfPath(const QString &path, int column) const
{
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const Node *at = m_root.get();
    QModelIndex found;
    for (int p = 0; p < parts.size(); ++p) {
        const bool last = p + 1 == parts.size();
        const auto it = std::find_if(at->children.begin(), at->children.end(), [&](const auto &c) {
            // A file and a folder may share a name ("a" and "a/b"): inside a path only folders match.
            return c->name == parts[p] && (last || c->isFolder());
        });
        if (it == at->children.end())
            return {};
        at = it->get();
        found = createIndex(at->row, last ? column : 0, const_cast<Node *>(at));
    }
    return found;
}

QString ArtifactTreeModel::pathAt(const QModelIndex &index) const
{
    return index.isValid() ? nodeAt(index)->path : QString();
}

bool ArtifactTreeModel::isFolder(const QModelIndex &index) const
{
    return index.isValid() && nodeAt(index)->isFolder();
}

bool ArtifactTreeModel::isDeleted(const QModelIndex &index) const
{
    return index.isValid() && nodeAt(index)->isDeleted();
}

const Artifact *ArtifactTreeModel::artifactAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    const Node *n = nodeAt(index);
    return n->isFolder() ? nullptr : &m_artifacts[size_t(n->artifact)];
}

void ArtifactTreeModel::collect(const Node *node, std::vector<Artifact> &out) const
{
    if (!node->isFolder()) {
        out.push_back(m_artifacts[size_t(node->artifact)]);
        return;
    }
    for (const auto &c : node->children)
        collect(c.get(), out);
}

std::vector<Artifact> ArtifactTreeModel::artifactsUnder(const QModelIndex &index) const
{
    std::vector<Artifact> out;
    if (!index.isValid())
        return out;
    collect(nodeAt(index), out);
    std::sort(out.begin(), out.end(), [](const Artifact &a, const Artifact &b) { return a.path < b.path; });
    return out;
}

QVariant ArtifactTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *n = nodeAt(index);
    const Artifact *a = n->isFolder() ? nullptr : &m_artifacts[size_t(n->artifact)];
    switch (role) {
    case ArtifactPathRole:
        return n->path;
    case ArtifactFolderRole:
        return n->isFolder();
    case DeletedRole:
        return n->isDeleted();
    case Qt::FontRole: {
        if (!n->isDeleted())
            return {};
        QFont f;
        f.setItalic(true);
        f.setStrikeOut(true);
        return f;
    }
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DecorationRole:
        if (index.column() != NameColumn)
            return {};
        return n->isFolder() ? m_folderIcon : m_fileIcon;
    case Qt::ToolTipRole: {
        QString tip = a ? tr("%1\n%2 (%3 bytes)\nsha256 %4\n%5")
                              .arg(a->path, display::bytes(a->size))
                              .arg(a->size)
                              .arg(a->sha256, a->mediaType)
                        : tr("%1/\n%2, %3 (%4 bytes)")
                              .arg(n->path, fileCount(n->files), display::bytes(n->size))
                              .arg(n->size);
        if (n->isDeleted())
            tip += QLatin1Char('\n') + tr("Deleted: restore it to bring it back");
        return display::tooltipText(tip);
    }
    default:
        break;
    }
    const bool text = role == Qt::DisplayRole || role == FullTextRole;
    switch (index.column()) {
    case NameColumn:
        if (role == SortValueRole)
            return n->name.toLower();
        return text ? n->name : QVariant();
    case SizeColumn:
        if (role == Qt::DisplayRole)
            return display::bytes(n->size);
        if (role == FullTextRole)
            return QString::number(n->size);
        return role == SortValueRole ? QVariant(n->size) : QVariant();
    case Sha256Column:
        if (!a)
            return {};
        if (role == Qt::DisplayRole)
            return a->sha256.left(ShortHashLength);
        return role == FullTextRole || role == SortValueRole ? a->sha256 : QVariant();
    case MediaTypeColumn:
        if (!a)
            return role == Qt::DisplayRole ? fileCount(n->files) : QVariant();
        return text || role == SortValueRole ? a->mediaType : QVariant();
    case CreatedColumn:
        if (text)
            return n->createdMs ? display::dateTime(n->createdMs) : QString();
        return role == SortValueRole ? QVariant(n->createdMs) : QVariant();
    default:
        return {};
    }
}

QVariant ArtifactTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    static const char *titles[] = {"Name", "Size", "SHA-256", "Type", "Stored"};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace runlens
