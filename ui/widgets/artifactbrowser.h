// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The run page's Artifacts tab: the run's files as a tree (sizes, hashes, media types) beside a preview of
// the selected file, with Open (through a cached copy named like the artifact, handed to the desktop), Save a
// Copy (a file, or a folder with everything below it) and Delete (soft: the files are marked deleted and can
// be restored; "Show deleted" lists them). Previews are read off the GUI thread, only the newest answer is
// shown; the list and every write go through the store worker.

#include "core/types.h"

#include <functional>
#include <optional>
#include <QHash>
#include <QUrl>
#include <QWidget>
#include <vector>

class QAction;
class QCheckBox;
class QLabel;
class QPushButton;
class QSplitter;
class QTreeView;

namespace runlens {

class ArtifactPreview;
class ArtifactPreviewWidget;
class ArtifactTreeModel;
class SectionPanel;
class RunActions;
class StoreWorker;

class ArtifactBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit ArtifactBrowser(StoreWorker *worker, QWidget *parent = nullptr);
    ~ArtifactBrowser() override;

    // The run's (active) artifacts as the run page read them. `refresh`: the same run read again, so the
    // expanded folders and the selection stay. With Show deleted on, the list is read again with the deleted.
    void setArtifacts(const QString &runId, std::vector<Artifact> artifacts, bool refresh);
    // Reads the list again (after a delete or restore, or when Show deleted is turned on or off).
    void reload();

    ArtifactTreeModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    ArtifactPreviewWidget *preview() const { return m_preview; }
    QCheckBox *showDeletedBox() const { return m_showDeleted; }
    QSplitter *splitter() const { return m_splitter; }
    // Files not deleted: the number the tab shows.
    int count() const;
    // While the list or a preview is being read.
    bool isLoading() const;
    // While a copy or a write is under way.
    bool isBusy() const;
    // The undo bar's text while it is shown, else empty.
    QString undoText() const;

    // Makes the item at `path` current (expanding its folders); a file is previewed.
    bool select(const QString &path);
    // Hands a file to the desktop's application for it, through a copy in the cache named like it.
    void openArtifact(const QString &path);
    // A file is copied to `target`; a folder is copied, with everything below it, into the folder `target`.
    void saveCopy(const QString &path, const QString &target);
    // The MLflow model folder the current item stands for: a folder holding an MLmodel file, or that MLmodel
    // file itself ("" when it lies at the top: the whole run). Empty when the item is neither, or deleted.
    std::optional<QString> currentModelFolder() const;
    QAction *registerModelAction() const { return m_registerAction; }

    // Soft-deletes the file or folder at `path` after asking (see setConfirmer); an Undo bar follows.
    void deleteArtifact(const QString &path);
    void restoreArtifact(const QString &path);
    void undoDelete();
    void setShowDeleted(bool show);

    // How opened artifacts are handed to the desktop; QDesktopServices::openUrl unless replaced (tests).
    void setUrlOpener(std::function<bool(const QUrl &)> opener);
    // How a delete is confirmed; a question box unless replaced (tests).
    void setConfirmer(std::function<bool(const QString &title, const QString &text)> confirmer);

Q_SIGNALS:
    void countChanged(int count);
    // Something failed: the page shows it above its sections.
    void problem(const QString &message);
    void statusMessage(const QString &message);
    // Register as Model Version…: make the model in `folder` ("" for the whole run) a registered version.
    void registerModelRequested(const QString &runId, const QString &folder);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showCurrent();
    void requestPreview(const Artifact &artifact);
    void updateActions();
    void chooseSaveTarget();
    void setLifecycle(const QString &path, bool deleted);
    std::optional<bool> answerIsCurrent(const QString &runId, const QString &path);
    void deleted(const QString &path, bool folder, int files);
    void restored(const QString &path, int files);
    void copyFiles(std::vector<std::pair<Artifact, QString>> copies, std::function<void()> done);
    void applyList(std::vector<Artifact> artifacts, bool keepState);
    QString currentPath() const;

    StoreWorker *m_worker;
    RunActions *m_actions;
    ArtifactTreeModel *m_model;
    QTreeView *m_view;
    SectionPanel *m_panel;
    ArtifactPreviewWidget *m_preview;
    QSplitter *m_splitter;
    QCheckBox *m_showDeleted;
    QPushButton *m_openButton;
    QPushButton *m_saveButton;
    QPushButton *m_deleteButton;
    QWidget *m_undoBar;
    QLabel *m_undoLabel;
    QAction *m_openAction;
    QAction *m_saveAction;
    QAction *m_deleteAction;
    QAction *m_restoreAction;
    QAction *m_copyPathAction;
    QAction *m_registerAction;
    std::function<bool(const QUrl &)> m_opener;
    std::function<bool(const QString &, const QString &)> m_confirmer;
    QString m_runId;
    QString m_undoPath;
    quint64 m_runGeneration = 0;
    quint64 m_listRequest = 0;
    quint64 m_previewRequest = 0;
    bool m_listLoading = false;
    bool m_previewLoading = false;
    int m_copies = 0;
    struct LifecycleRequest
    {
        quint64 runGeneration;
        bool folder;
    };
    QHash<QString, QList<LifecycleRequest>> m_lifecycleRequests; // by path, in the order asked
    int m_shownCount = -1;
    bool m_splitterPlaced = false;
};

} // namespace runlens
