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
class RunPage;
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
    // The page of one run, opened from the runs table; Back on it returns to the table as it was.
    RunPage *runPage() const { return m_runPage; }
    void showRun(const QString &id);
    ExperimentSidebar *sidebar() const { return m_sidebar; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void openDatabase(const QString &path);
    void chooseDatabase();

    QString m_databasePath;
    std::unique_ptr<StoreWorker> m_worker;
    ExperimentListModel *m_experiments = nullptr;
    ExperimentSidebar *m_sidebar = nullptr;
    RunsPage *m_runs = nullptr;
    RunPage *m_runPage = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_banner = nullptr; // problems with the open database, shown without blocking
    QStackedWidget *m_pages = nullptr;
    bool m_experimentsLoaded = false;
};

} // namespace runlens
