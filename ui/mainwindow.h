// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The main window: experiments sidebar and the pages (Runs for now), menus, status bar. Thin: pages own
// their widgets; all database work goes through the StoreWorker, never on the GUI thread.

#include "types.h"

#include <memory>
#include <QMainWindow>

class QLabel;
class QSplitter;
class QStackedWidget;

namespace runlens {

class ExperimentListModel;
class ExperimentSidebar;
class ImportController;
class RunsPage;
class StoreWorker;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString &databasePath, QWidget *parent = nullptr);
    ~MainWindow() override;

    // True until the experiments and the first page of runs have arrived (for --screenshot and tests).
    bool isLoading() const;
    RunsPage *runsPage() const { return m_runs; }
    ExperimentSidebar *sidebar() const { return m_sidebar; }
    ImportController *importController() const { return m_import; }
    bool isImporting() const; // an import runs or is queued

protected:
    void closeEvent(QCloseEvent *event) override;
    // Files and folders dropped on the window are imported (ImportController).
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createMenus();
    void openDatabase(const QString &path);
    void chooseDatabase();

    QString m_databasePath;
    std::unique_ptr<StoreWorker> m_worker;
    ExperimentListModel *m_experiments = nullptr;
    ExperimentSidebar *m_sidebar = nullptr;
    RunsPage *m_runs = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_banner = nullptr; // problems with the open database, shown without blocking
    QStackedWidget *m_pages = nullptr;
    ImportController *m_import = nullptr;
    bool m_experimentsLoaded = false;
};

} // namespace runlens
