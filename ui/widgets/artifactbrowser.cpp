// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/artifactbrowser.h"

#include "actions/runactions.h"
#include "artifacts/artifactpreview.h"
#include "artifacts/artifactstore.h"
#include "core/background.h"
#include "core/error.h"
#include "itemmodels/artifacttreemodel.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"
#include "shell/appsettings.h"
#include "store/storeworker.h"
#include "store/workerjobs.h"
#include "widgets/artifactpreviewwidget.h"
#include "widgets/sectionpanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

namespace runlens {

namespace {

constexpr int ExpandAllUpToFiles = 60; // a run with few files opens with every folder expanded

// Where an artifact's bytes are copied to be opened: content-addressed like the store, so that a file
// opened twice is copied once, under the artifact's own name so that the desktop picks the right
// application.
QString cachePath(const Artifact &a)
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (base.isEmpty())
        base = QDir::tempPath() + QStringLiteral("/runlens");
    QString name = a.path.section(QLatin1Char('/'), -1);
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String(".."))
        name = QStringLiteral("artifact");
    return QStringLiteral("%1/artifacts/%2/%3").arg(base, a.sha256, name);
}

QString fileCount(int n)
{
    return n == 1 ? ArtifactBrowser::tr("1 file") : ArtifactBrowser::tr("%1 files").arg(n);
}

} // namespace

ArtifactBrowser::ArtifactBrowser(StoreWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_actions(new RunActions(worker, this))
    , m_model(new ArtifactTreeModel(this))
    , m_view(new QTreeView(this))
    , m_preview(new ArtifactPreviewWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_showDeleted(new QCheckBox(tr("Show &deleted"), this))
    , m_openButton(new QPushButton(tr("&Open"), this))
    , m_saveButton(new QPushButton(tr("Save a &Copy…"), this))
    , m_deleteButton(new QPushButton(tr("Delete"), this))
    , m_undoBar(new QWidget(this))
    , m_undoLabel(new QLabel(m_undoBar))
    , m_opener([](const QUrl &url) { return QDesktopServices::openUrl(url); })
    , m_confirmer([this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel,
                                     QMessageBox::Yes) == QMessageBox::Yes;
    })
{
    setObjectName(QStringLiteral("artifactBrowser"));
    m_model->setIcons(style()->standardIcon(QStyle::SP_DirIcon), style()->standardIcon(QStyle::SP_FileIcon));

    m_view->setObjectName(QStringLiteral("artifactsView"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setExpandsOnDoubleClick(false); // activated() toggles folders; twice would undo it
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->header()->setStretchLastSection(false);
    m_panel = new SectionPanel({}, tr("No artifacts stored for this run"), m_view, m_model, nullptr, this);

    m_openAction = new QAction(tr("&Open"), m_view);
    m_saveAction = new QAction(tr("Save a &Copy…"), m_view);
    m_deleteAction = new QAction(tr("&Delete…"), m_view);
    m_deleteAction->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
    m_deleteAction->setShortcutContext(Qt::WidgetShortcut);
    m_restoreAction = new QAction(tr("&Restore"), m_view);
    m_copyPathAction = new QAction(tr("Copy &Path"), m_view);
    m_registerAction = new QAction(tr("Register as Model &Version…"), m_view);
    m_registerAction->setObjectName(QStringLiteral("registerModelVersion"));
    m_registerAction->setToolTip(tr("Make this MLflow model a new version of a registered model"));
    auto *separator = new QAction(m_view);
    separator->setSeparator(true);
    m_view->addActions(
        {m_openAction, m_saveAction, m_registerAction, separator, m_deleteAction, m_restoreAction});
    auto *separator2 = new QAction(m_view);
    separator2->setSeparator(true);
    m_view->addActions({separator2, m_copyPathAction});

    m_openButton->setObjectName(QStringLiteral("openArtifact"));
    m_saveButton->setObjectName(QStringLiteral("saveArtifact"));
    m_deleteButton->setObjectName(QStringLiteral("deleteArtifact"));
    m_deleteButton->setToolTip(
        tr("Delete the selected file or folder from this run (Del); it can be restored"));
    m_showDeleted->setObjectName(QStringLiteral("showDeletedArtifacts"));
    m_showDeleted->setToolTip(tr("List deleted artifacts too, to restore them"));
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_showDeleted);
    bar->addStretch(1);
    bar->addWidget(m_openButton);
    bar->addWidget(m_saveButton);
    bar->addWidget(m_deleteButton);

    m_undoBar->setObjectName(QStringLiteral("artifactUndoBar"));
    m_undoBar->setAutoFillBackground(true);
    m_undoBar->setBackgroundRole(QPalette::AlternateBase);
    m_undoLabel->setTextFormat(Qt::PlainText);
    auto *undo = new QPushButton(tr("&Undo"), m_undoBar);
    undo->setObjectName(QStringLiteral("undoArtifactDelete"));
    auto *dismiss = new QPushButton(tr("Dismiss"), m_undoBar);
    dismiss->setFlat(true);
    auto *undoRow = new QHBoxLayout(m_undoBar);
    undoRow->setContentsMargins(6, 2, 2, 2);
    undoRow->addWidget(m_undoLabel, 1);
    undoRow->addWidget(undo);
    undoRow->addWidget(dismiss);
    m_undoBar->hide();

    m_splitter->setObjectName(QStringLiteral("artifactSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_panel->setMinimumWidth(160);
    m_splitter->addWidget(m_panel);
    m_splitter->addWidget(m_preview);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_undoBar);
    layout->addWidget(m_splitter, 1);

    const auto current = [this] { return currentPath(); };
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        showCurrent();
        updateActions();
    });
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (m_model->isFolder(index))
            m_view->setExpanded(index.siblingAtColumn(0), !m_view->isExpanded(index.siblingAtColumn(0)));
        else if (!m_model->isDeleted(index))
            openArtifact(m_model->pathAt(index));
    });
    const auto open = [this, current] {
        if (!current().isEmpty() && !m_model->isFolder(m_view->currentIndex()))
            openArtifact(current());
    };
    connect(m_openAction, &QAction::triggered, this, open);
    connect(m_openButton, &QPushButton::clicked, this, open);
    connect(m_saveAction, &QAction::triggered, this, &ArtifactBrowser::chooseSaveTarget);
    connect(m_saveButton, &QPushButton::clicked, this, &ArtifactBrowser::chooseSaveTarget);
    const auto remove = [this, current] {
        const QString path = current();
        if (path.isEmpty())
            return;
        if (m_model->isDeleted(m_view->currentIndex()))
            restoreArtifact(path);
        else
            deleteArtifact(path);
    };
    connect(m_deleteAction, &QAction::triggered, this, remove);
    connect(m_deleteButton, &QPushButton::clicked, this, remove);
    connect(m_restoreAction, &QAction::triggered, this, [this, current] {
        if (!current().isEmpty())
            restoreArtifact(current());
    });
    connect(m_registerAction, &QAction::triggered, this, [this] {
        if (const std::optional<QString> folder = currentModelFolder())
            Q_EMIT registerModelRequested(m_runId, *folder);
    });
    connect(m_copyPathAction, &QAction::triggered, this,
            [current] { QApplication::clipboard()->setText(current()); });
    connect(m_showDeleted, &QCheckBox::toggled, this, &ArtifactBrowser::setShowDeleted);
    connect(m_actions, &RunActions::artifactDeleted, this,
            [this](const QString &runId, const QString &path, int n) {
                if (const auto folder = answerIsCurrent(runId, path)) {
                    deleted(path, *folder, n);
                    reload();
                }
            });
    connect(m_actions, &RunActions::artifactRestored, this,
            [this](const QString &runId, const QString &path, int n) {
                if (answerIsCurrent(runId, path)) {
                    restored(path, n);
                    reload();
                }
            });
    connect(m_actions, &RunActions::artifactFailed, this,
            [this](const QString &runId, const QString &path, const QString &what, const QString &why) {
                if (answerIsCurrent(runId, path))
                    Q_EMIT problem(tr("Could not %1: %2").arg(what, why));
            });
    connect(undo, &QPushButton::clicked, this, &ArtifactBrowser::undoDelete);
    connect(dismiss, &QPushButton::clicked, m_undoBar, &QWidget::hide);
    updateActions();
}

ArtifactBrowser::~ArtifactBrowser()
{
    if (m_splitterPlaced) // never shown: its sizes are not worth keeping
        appsettings::open().setValue(QStringLiteral("runPage/artifacts"), m_splitter->saveState());
}

void ArtifactBrowser::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_splitterPlaced)
        return;
    m_splitterPlaced = true;
    // Placed once the tab is first shown, when the browser has its real width.
    if (!m_splitter->restoreState(
            appsettings::open().value(QStringLiteral("runPage/artifacts")).toByteArray()))
        m_splitter->setSizes({width() * 45 / 100, width() * 55 / 100});
}

int ArtifactBrowser::count() const
{
    return m_model->activeFileCount();
}

bool ArtifactBrowser::isLoading() const
{
    return m_listLoading || m_previewLoading;
}

bool ArtifactBrowser::isBusy() const
{
    return m_copies > 0 || m_actions->hasPendingWrites();
}

QString ArtifactBrowser::undoText() const
{
    return m_undoBar->isHidden() ? QString() : m_undoLabel->text();
}

void ArtifactBrowser::setUrlOpener(std::function<bool(const QUrl &)> opener)
{
    m_opener = std::move(opener);
}

void ArtifactBrowser::setConfirmer(std::function<bool(const QString &, const QString &)> confirmer)
{
    m_confirmer = std::move(confirmer);
}

QString ArtifactBrowser::currentPath() const
{
    return m_model->pathAt(m_view->currentIndex());
}

std::optional<QString> ArtifactBrowser::currentModelFolder() const
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || m_model->isDeleted(index))
        return std::nullopt;
    const QString path = m_model->pathAt(index);
    static const QString mlmodel = QStringLiteral("MLmodel");
    if (!m_model->isFolder(index)) {
        if (path == mlmodel)
            return QString();
        if (path.endsWith(QLatin1Char('/') + mlmodel))
            return path.left(path.size() - mlmodel.size() - 1);
        return std::nullopt;
    }
    const QString file = path + QLatin1Char('/') + mlmodel;
    for (const Artifact &a : m_model->artifactsUnder(index)) {
        if (a.path == file && a.lifecycle == Lifecycle::Active)
            return path;
    }
    return std::nullopt;
}

void ArtifactBrowser::setArtifacts(const QString &runId, std::vector<Artifact> artifacts, bool refresh)
{
    const bool sameRun = refresh && runId == m_runId;
    if (!sameRun) {
        ++m_runGeneration;
        m_runId = runId;
        m_undoPath.clear();
        m_undoBar->hide();
        m_listLoading = false;
    }
    if (m_showDeleted->isChecked()) {
        if (!sameRun)
            applyList({}, false);
        reload(); // the page read the active ones only
        return;
    }
    if (sameRun) {
        const auto same = [](const Artifact &x, const Artifact &y) {
            return x.path == y.path && x.sha256 == y.sha256 && x.createdMs == y.createdMs &&
                   x.lifecycle == y.lifecycle;
        };
        const std::vector<Artifact> &shown = m_model->artifacts();
        if (std::equal(shown.begin(), shown.end(), artifacts.begin(), artifacts.end(), same))
            return;
    }
    applyList(std::move(artifacts), sameRun);
}

void ArtifactBrowser::applyList(std::vector<Artifact> artifacts, bool keepState)
{
    // A reset forgets which folders were open and what was selected: put them back by path.
    QSet<QString> expanded;
    const QString selected = keepState ? currentPath() : QString();
    if (keepState) {
        const std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
            for (int r = 0; r < m_model->rowCount(parent); ++r) {
                const QModelIndex i = m_model->index(r, 0, parent);
                if (m_view->isExpanded(i)) {
                    expanded.insert(m_model->pathAt(i));
                    walk(i);
                }
            }
        };
        walk({});
    }
    m_model->setArtifacts(std::move(artifacts));
    if (keepState) {
        for (const QString &path : std::as_const(expanded)) {
            const QModelIndex i = m_model->indexOfPath(path);
            if (i.isValid() && m_model->isFolder(i))
                m_view->setExpanded(i, true);
        }
    } else if (m_model->artifacts().size() <= size_t(ExpandAllUpToFiles)) {
        m_view->expandAll();
    }
    if (!m_model->artifacts().empty() && !keepState) {
        for (int c = 0; c < ArtifactTreeModel::ColumnCount; ++c)
            m_view->resizeColumnToContents(c);
        m_view->setColumnWidth(ArtifactTreeModel::NameColumn,
                               std::clamp(m_view->columnWidth(ArtifactTreeModel::NameColumn), 140, 300));
    }
    if (!selected.isEmpty() && m_model->indexOfPath(selected).isValid())
        select(selected);
    else
        showCurrent();
    updateActions();
    if (count() != m_shownCount) {
        m_shownCount = count();
        Q_EMIT countChanged(m_shownCount);
    }
}

void ArtifactBrowser::reload()
{
    if (m_runId.isEmpty() || !isValidRunId(m_runId))
        return;
    const QString id = m_runId;
    const bool withDeleted = m_showDeleted->isChecked();
    const quint64 generation = m_runGeneration;
    const quint64 request = ++m_listRequest;
    m_listLoading = true;
    jobs::readArtifacts(
        m_worker, this, id, withDeleted,
        [this, generation, request](std::vector<Artifact> artifacts) {
            if (generation != m_runGeneration || request != m_listRequest)
                return;
            m_listLoading = false;
            applyList(std::move(artifacts), true);
        },
        [this, generation, request](const QString &message) {
            if (generation != m_runGeneration || request != m_listRequest)
                return;
            m_listLoading = false;
            Q_EMIT problem(tr("Could not read the artifacts: %1").arg(message));
        });
}

bool ArtifactBrowser::select(const QString &path)
{
    const QModelIndex index = m_model->indexOfPath(path);
    if (!index.isValid())
        return false;
    for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
        m_view->setExpanded(p, true);
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    return true;
}

void ArtifactBrowser::setShowDeleted(bool show)
{
    if (m_showDeleted->isChecked() != show) {
        m_showDeleted->setChecked(show); // comes back here through toggled
        return;
    }
    reload();
}

void ArtifactBrowser::updateActions()
{
    const QModelIndex current = m_view->currentIndex();
    const bool any = current.isValid();
    const bool file = any && !m_model->isFolder(current);
    const bool deleted = any && m_model->isDeleted(current);
    m_openAction->setEnabled(file && !deleted);
    m_openButton->setEnabled(file && !deleted);
    m_saveAction->setEnabled(any);
    m_saveButton->setEnabled(any);
    m_deleteAction->setEnabled(any);
    m_deleteAction->setText(deleted ? tr("&Restore") : tr("&Delete…"));
    m_deleteButton->setEnabled(any);
    m_deleteButton->setText(deleted ? tr("Restore") : tr("Delete"));
    m_restoreAction->setVisible(false); // the delete action turns into Restore on a deleted item
    m_copyPathAction->setEnabled(any);
    m_registerAction->setEnabled(currentModelFolder().has_value());
}

// ---------------------------------------------------------------------------------------------- preview

void ArtifactBrowser::showCurrent()
{
    const QModelIndex index = m_view->currentIndex();
    ++m_previewRequest; // an answer still on its way is for another item
    m_previewLoading = false;
    if (!index.isValid()) {
        m_preview->showMessage({}, m_model->rowCount() ? tr("Select a file to preview it.") : QString());
        return;
    }
    if (m_model->isFolder(index)) {
        const std::vector<Artifact> files = m_model->artifactsUnder(index);
        qint64 size = 0;
        for (const Artifact &a : files)
            size += a.size;
        m_preview->showMessage(
            m_model->pathAt(index) + QLatin1Char('/'),
            tr("A folder of %1, %2.").arg(fileCount(int(files.size())), display::bytes(size)));
        return;
    }
    requestPreview(*m_model->artifactAt(index));
}

void ArtifactBrowser::requestPreview(const Artifact &a)
{
    const quint64 request = m_previewRequest;
    m_previewLoading = true;
    m_preview->showLoading(a);
    const QString database = m_worker->databasePath();
    background::run(
        this,
        [database, a] {
            QString file;
            try {
                file = ArtifactStore(database).objectPath(a.sha256);
            } catch (const Error &e) {
                ArtifactPreview p;
                p.kind = ArtifactPreview::Kind::Missing;
                p.note = tr("This artifact's bytes cannot be found: %1").arg(e.message());
                return p;
            }
            return ArtifactPreview::fromFile(file, a.path, a.mediaType);
        },
        [this, request, a](const ArtifactPreview &preview) {
            if (request != m_previewRequest)
                return;
            m_previewLoading = false;
            m_preview->showPreview(a, preview);
        });
}

// ------------------------------------------------------------------------------------- open, save a copy

void ArtifactBrowser::openArtifact(const QString &path)
{
    const QModelIndex index = m_model->indexOfPath(path);
    const Artifact *found = m_model->artifactAt(index);
    if (!found)
        return;
    const Artifact a = *found;
    const QString target = cachePath(a);
    const auto open = [this, target] {
        if (!m_opener(QUrl::fromLocalFile(target)))
            Q_EMIT problem(tr("No application could open %1").arg(QDir::toNativeSeparators(target)));
    };
    const QFileInfo cached(target);
    if (cached.isFile() && cached.size() == a.size) {
        open(); // copied before: the folder's name is the digest of the bytes
        return;
    }
    copyFiles({{a, target}}, open);
}

void ArtifactBrowser::saveCopy(const QString &path, const QString &target)
{
    const QModelIndex index = m_model->indexOfPath(path);
    if (!index.isValid() || target.isEmpty())
        return;
    std::vector<std::pair<Artifact, QString>> copies;
    if (!m_model->isFolder(index)) {
        copies.emplace_back(*m_model->artifactAt(index), target);
    } else {
        // Into target/<folder name>/..., each path checked again: a database is untrusted input and a
        // path it holds must not write outside the chosen folder.
        const QString folder = m_model->pathAt(index);
        const QString into = QDir(target).filePath(folder.section(QLatin1Char('/'), -1));
        for (const Artifact &a : m_model->artifactsUnder(index)) {
            if (a.lifecycle == Lifecycle::Deleted && !m_model->isDeleted(index))
                continue; // a folder's deleted files stay behind unless the folder itself is deleted
            const auto relative = ArtifactStore::normalizedPath(a.path.mid(folder.size() + 1));
            if (!relative) {
                Q_EMIT problem(tr("Not saved: the artifact path %1 is not safe to write").arg(a.path));
                return;
            }
            copies.emplace_back(a, QDir(into).filePath(*relative));
        }
    }
    const QString shown = copies.size() == 1 ? copies.front().second
                                             : QDir(target).filePath(path.section(QLatin1Char('/'), -1));
    const int n = int(copies.size());
    copyFiles(std::move(copies), [this, shown, n] {
        Q_EMIT statusMessage(tr("Saved %1 to %2").arg(fileCount(n), QDir::toNativeSeparators(shown)));
    });
}

void ArtifactBrowser::chooseSaveTarget()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid()) {
        Q_EMIT problem(tr("Choose an artifact to save first."));
        return;
    }
    const QString path = m_model->pathAt(index);
    QString target;
    if (m_model->isFolder(index)) {
        target = QFileDialog::getExistingDirectory(
            this, tr("Save a Copy of “%1” Into").arg(path.section(QLatin1Char('/'), -1)), QDir::homePath());
    } else {
        target = QFileDialog::getSaveFileName(this, tr("Save a Copy"),
                                              QDir::home().filePath(path.section(QLatin1Char('/'), -1)));
    }
    if (!target.isEmpty())
        saveCopy(path, target);
}

void ArtifactBrowser::copyFiles(std::vector<std::pair<Artifact, QString>> copies, std::function<void()> done)
{
    const QString database = m_worker->databasePath();
    ++m_copies;
    background::run(
        this,
        [database, copies = std::move(copies)] {
            const ArtifactStore store(database);
            for (const auto &[a, target] : copies) {
                try {
                    store.copyObject(a.sha256, target);
                } catch (const Error &e) {
                    return tr("Could not copy the artifact %1: %2").arg(a.path, e.message());
                }
            }
            return QString();
        },
        [this, done](const QString &error) {
            --m_copies;
            if (error.isEmpty())
                done();
            else
                Q_EMIT problem(error);
        },
        {.failed = [this](const QString &message) {
            --m_copies;
            Q_EMIT problem(tr("Could not copy the artifacts: %1").arg(message));
        }});
}

// ---------------------------------------------------------------------------------------- delete, restore

void ArtifactBrowser::deleteArtifact(const QString &path)
{
    const QModelIndex index = m_model->indexOfPath(path);
    if (!index.isValid() || m_model->isDeleted(index))
        return;
    const QString name = path.section(QLatin1Char('/'), -1);
    int files = 0;
    for (const Artifact &a : m_model->artifactsUnder(index))
        files += a.lifecycle == Lifecycle::Active ? 1 : 0;
    const bool folder = m_model->isFolder(index);
    const QString question =
        folder ? tr("Delete the folder “%1” and the %2 in it from this run?").arg(name, fileCount(files))
               : tr("Delete “%1” from this run?").arg(name);
    const QString text = question + QStringLiteral("\n\n") +
                         tr("It disappears from the run; its bytes are kept. Undo, or Show deleted and "
                            "Restore, brings it back.");
    if (!m_confirmer(folder ? tr("Delete Folder") : tr("Delete Artifact"), text))
        return;
    setLifecycle(path, true);
}

void ArtifactBrowser::deleted(const QString &path, bool folder, int n)
{
    const QString name = path.section(QLatin1Char('/'), -1);
    m_undoPath = path;
    m_undoLabel->setText(folder ? tr("Deleted the folder “%1” (%2).").arg(name, fileCount(n))
                                : tr("Deleted “%1”.").arg(name));
    m_undoBar->show();
    Q_EMIT statusMessage(m_undoLabel->text());
}

void ArtifactBrowser::restoreArtifact(const QString &path)
{
    setLifecycle(path, false);
}

void ArtifactBrowser::restored(const QString &path, int n)
{
    if (m_undoPath == path) {
        m_undoPath.clear();
        m_undoBar->hide();
    }
    Q_EMIT statusMessage(tr("Restored %1 of “%2”").arg(fileCount(n), path));
}

void ArtifactBrowser::undoDelete()
{
    if (!m_undoPath.isEmpty())
        restoreArtifact(m_undoPath);
}

void ArtifactBrowser::setLifecycle(const QString &path, bool deleted)
{
    if (m_runId.isEmpty())
        return;
    const QModelIndex index = m_model->indexOfPath(path);
    m_lifecycleRequests[path].append({m_runGeneration, index.isValid() && m_model->isFolder(index)});
    if (deleted)
        m_actions->deleteArtifact(m_runId, path);
    else
        m_actions->restoreArtifact(m_runId, path);
}

// The oldest write asked for `path` was answered (the worker answers in order): whether it was a folder,
// or nothing when the answer is for a run no longer shown.
std::optional<bool> ArtifactBrowser::answerIsCurrent(const QString &runId, const QString &path)
{
    auto it = m_lifecycleRequests.find(path);
    if (it == m_lifecycleRequests.end())
        return std::nullopt;
    const LifecycleRequest request = it->takeFirst();
    if (it->isEmpty())
        m_lifecycleRequests.erase(it);
    if (request.runGeneration != m_runGeneration || runId != m_runId)
        return std::nullopt;
    return request.folder;
}

} // namespace runlens
