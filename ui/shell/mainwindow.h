// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The main window: experiments sidebar and the pages (Runs, Run, Compare, Models), menus, status bar. Thin:
// pages own their widgets; all database work goes through the StoreWorker, never on the GUI thread.

#include "core/types.h"

#include <functional>
#include <memory>
#include <optional>
#include <QMainWindow>
#include <QPointer>
#include <vector>

class QAction;
class QDialog;
class QLabel;
class QMenu;
class QSplitter;
class QStackedWidget;
class QToolButton;
class QVBoxLayout;

namespace runlens {

class AttachController;
class ChangeWatcher;
class ComparePage;
class ExperimentListModel;
class ExperimentSidebar;
class ImportController;
class ModelsPage;
class PromoteDialog;
class RunColorMap;
class RunPage;
class RunsPage;
class StoreWorker;
class WelcomePage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString &databasePath, QWidget *parent = nullptr);
    ~MainWindow() override;

    // True until the experiments and the first page of runs have arrived (for --screenshot and tests).
    bool isLoading() const;
    RunsPage *runsPage() const { return m_runs; }
    QString databasePath() const { return m_databasePath; }
    // Closes the current database and opens (creating when absent) another one; remembered as recent once it
    // opened. Writes still queued for the previous one are finished first. False when the person chose to
    // stay on a run with unsaved notes.
    bool openDatabase(const QString &path);
    static QStringList recentDatabases();
    // The page of one run, opened from the runs table; Back on it returns to the table as it was.
    RunPage *runPage(); // built on first use
    void showRun(const QString &id);
    // The runs against each other; Back returns to where it was opened from.
    ComparePage *comparePage(); // built on first use
    void showCompare(const QStringList &runIds);
    // The registered models; showModels chooses `model` (and `version`) when given.
    ModelsPage *modelsPage(); // built on first use
    void showModels(const QString &model = {}, int version = 0);
    // Opens Promote to Model… for a run; the dialog stays reachable through promoteDialog() while open.
    void promoteRun(const QString &runId);
    // The same with the artifact folder holding the model chosen ("" for the whole run), and the model
    // name proposed after it: one click on Promote registers it.
    void promoteRunFolder(const QString &runId, const QString &folder);
    PromoteDialog *promoteDialog() const;
    ExperimentSidebar *sidebar() const { return m_sidebar; }
    ImportController *importController() const { return m_import; }
    AttachController *attachController() const { return m_attach; }
    // The run File › Attach works on: the open run page's run, else the one run selected in the runs table;
    // empty when there is none. `label` gets its name.
    QString currentRunId(QString *label = nullptr) const;
    QAction *attachFilesAction() const { return m_attachFiles; }
    QAction *attachFolderAction() const { return m_attachFolder; }
    QAction *compareAction() const { return m_compareAction; }
    QAction *showTrashAction() const { return m_showTrash; }
    bool isImporting() const; // an import runs or is queued
    // The database cannot be written here and was opened for reading (known once the experiments loaded).
    bool isReadOnly() const { return m_readOnly; }
    // Shown instead of the runs while the database has no runs at all (trashed ones count: they are still
    // there to restore); built on first use. The window leaves it by itself once a run arrives, from any
    // writer.
    WelcomePage *welcomePage();
    bool isShowingWelcome() const;
    // Files given when the window starts (`runlens FILE...`): the Runlens database among them is the one
    // open; sources to import open the Import dialog filled with them, to confirm; every other file is
    // named in the window's banner with the reason. Read off the GUI thread.
    void openFiles(const QStringList &paths);
    // Help › Keyboard Shortcuts and Help › Tour (non-modal; the last one opened, while it is).
    QDialog *showShortcuts();
    QDialog *showTour();

protected:
    // Asks about unsaved notes on the run page first.
    void closeEvent(QCloseEvent *event) override;
    // Files and folders dropped on the window are imported (ImportController).
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void followRunExperiment(const Run &run);
    void createMenus();
    void chooseDatabase();
    void newDatabase();
    void rememberRecent(const QString &path);
    void fillRecentMenu();
    void showProblem(const QString &text);
    void showReadOnly(bool readOnly);
    // The status bar's message, cut to a bound: messages name runs, experiments and models, whose names come
    // from elsewhere (a 200 MB name laid out in the status bar crashed the window).
    void showStatus(const QString &message, int timeoutMs = 0);
    void releaseWorker();
    void updateAttachActions();
    void promoteCurrentRun();
    void openPromoteDialog(const QString &runId, const std::optional<QString> &folder);
    // View › Compare Selected Runs (Ctrl+M): the table's selection in Compare; on a run page, its charts.
    void compareCurrent();
    // Asks the store whether the database has any run, and shows the welcome page or leaves it.
    void checkForRuns();
    void runsChecked(); // the first answer came (or none will): what waited for it runs now
    void showWelcome(bool show);
    void openRecent(const QString &path);

    QString m_databasePath;
    std::unique_ptr<StoreWorker> m_worker;
    ChangeWatcher *m_watcher = nullptr;
    QMenu *m_recentMenu = nullptr;
    ExperimentListModel *m_experiments = nullptr;
    ExperimentSidebar *m_sidebar = nullptr;
    RunsPage *m_runs = nullptr;
    RunColorMap *m_colors = nullptr;
    RunPage *m_runPage = nullptr;
    ComparePage *m_comparePage = nullptr;
    ModelsPage *m_modelsPage = nullptr;
    QPointer<PromoteDialog> m_promoteDialog;
    QVBoxLayout *m_leftLayout = nullptr;   // the sidebar above the Models button
    QToolButton *m_modelsButton = nullptr; // the sidebar's way to the Models page
    bool m_runReturnsToModels = false;     // the run page was opened from Models: Back goes there
    QWidget *m_compareReturn = nullptr;    // the page Compare was opened from
    bool m_runReturnsToCompare = false;    // the run page was opened from Compare: Back goes there
    QSplitter *m_splitter = nullptr;
    QLabel *m_banner = nullptr; // problems with the open database, shown without blocking
    QStackedWidget *m_pages = nullptr;
    ImportController *m_import = nullptr;
    AttachController *m_attach = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_attachFiles = nullptr;
    QAction *m_attachFolder = nullptr;
    QAction *m_compareAction = nullptr; // View › Compare Selected Runs, Ctrl+M
    QAction *m_showTrash = nullptr;     // View › Show Trash, Ctrl+T: the sidebar's Trash toggle's state
    bool m_experimentsLoaded = false;
    bool m_readOnly = false;
    WelcomePage *m_welcome = nullptr;
    bool m_runsChecked = false;  // the first answer to checkForRuns for this database has come
    bool m_checkingRuns = false; // a checkForRuns is on its way
    int m_filesPending = 0;      // openFiles batches still being read or waiting
    std::vector<std::function<void()>> m_afterRunsChecked; // what waits for the first checkForRuns
    QPointer<QDialog> m_shortcuts;
    QPointer<QDialog> m_tour;
    ExperimentId m_pendingExperiment = 0; // to choose in the sidebar once the list is loaded (the run shown)
};

} // namespace runlens
