// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The run page: one run in full. The header (name, status, star, id, facts), the metrics with their curves
// (system metrics apart, in a System section below) and the params side by side, and tabs for notes, tags,
// dataset inputs, artifacts, child runs and the model versions made from it. The Charts tab draws every
// metric of the run with the Compare page's charts (ChartsTab), read only once the tab is shown, and grows
// them while the run logs. A run is read in two store jobs
// (details, then every curve); answers for a run no longer shown are dropped. Edits (name, star, tags, notes)
// are written on the store worker and shown once stored; a failed write says why and leaves the page as it
// was.

#include "core/types.h"

#include <functional>
#include <optional>
#include <QUrl>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace runlens {

class ArtifactBrowser;
class RunColorMap;
class ChartsTab;
class MessageBar;
class RunActions;
class ArtifactTreeModel;
class ChildRunsModel;
class ModelVersionsModel;
class DetailTableView;
class RunHeaderWidget;
class RunInputsModel;
class RunMetricsModel;
class RunNotesWidget;
class RunParamsModel;
class RunTagsModel;
class SectionPanel;
class StoreWorker;
struct RunDetails;

class RunPage : public QWidget
{
    Q_OBJECT
public:
    explicit RunPage(StoreWorker *worker, QWidget *parent = nullptr);
    ~RunPage() override;

    // Shows a run in place of whatever was shown; Back then returns to the runs table. Runs opened from this
    // page (parent, children) are stacked: Back returns to the run they were opened from first.
    void showRun(const QString &id);
    // Reads the shown run again (another process wrote): values, tags, curves; edits in progress stay.
    void refresh();
    // The window's run colours: the shown run is held there, and its header shows the colour every page
    // gives it. nullptr: a map of its own.
    void setColorMap(RunColorMap *map);
    QString runId() const { return m_runId; }
    const std::optional<Run> &currentRun() const { return m_run; }
    // True while the run or its curves are being read (for --screenshot and tests).
    bool isLoading() const;
    // True while a write or an artifact copy is under way.
    bool isBusy() const;
    // What is shown instead of a run (no such run, unreadable database); empty while a run is shown.
    QString problem() const;
    // The last message about a failed action, shown above the sections; empty when none is shown.
    QString message() const;

    // Shows the Charts tab, built and read on its first showing; a non-empty `key` is scrolled into view and
    // framed for a moment (once the run is read). Double-click or Enter on a metric, and Ctrl+M, come here.
    void showCharts(const QString &key = {});
    // The Charts tab's charts; nullptr until the tab was first shown.
    ChartsTab *chartsTab() const { return m_charts; }

    // Shows the Artifacts tab; a non-empty `path` is selected (and previewed) once the run's list is read.
    void showArtifacts(const QString &path = {});
    // Shows the Datasets tab (the run's dataset inputs: MLflow's log_input, a DVC project's dvc.lock deps).
    void showDatasets();

    void goBack();
    // Before the run is left (another run, the window closed, another database): unsaved notes are saved,
    // discarded or kept as the person chooses. False when they chose to stay.
    bool confirmLeave();
    // How opened artifacts are handed to the desktop; QDesktopServices::openUrl unless replaced (tests).
    void setUrlOpener(std::function<bool(const QUrl &)> opener);

    RunHeaderWidget *header() const { return m_header; }
    RunNotesWidget *notes() const { return m_notes; }
    QTabWidget *tabs() const { return m_tabs; }
    DetailTableView *metricsView() const { return m_metricsView; }
    // System metrics (system/...) are listed apart, in the System section below the run's metrics.
    DetailTableView *systemMetricsView() const { return m_systemMetricsView; }
    SectionPanel *systemPanel() const { return m_systemPanel; }
    DetailTableView *paramsView() const { return m_paramsView; }
    DetailTableView *tagsView() const { return m_tagsView; }
    DetailTableView *childrenView() const { return m_childrenView; }
    DetailTableView *inputsView() const { return m_inputsView; }
    ArtifactBrowser *artifactBrowser() const { return m_artifactBrowser; }
    QTreeView *artifactsView() const;
    RunMetricsModel *metricsModel() const { return m_metrics; }
    RunMetricsModel *systemMetricsModel() const { return m_systemMetrics; }
    RunParamsModel *paramsModel() const { return m_params; }
    RunTagsModel *tagsModel() const { return m_tags; }
    ChildRunsModel *childrenModel() const { return m_children; }
    RunInputsModel *inputsModel() const { return m_inputs; }
    ArtifactTreeModel *artifactsModel() const;
    DetailTableView *modelVersionsView() const { return m_modelVersionsView; }
    ModelVersionsModel *modelVersionsModel() const { return m_modelVersions; }

Q_SIGNALS:
    void backRequested();
    void statusMessage(const QString &message);
    // Promote to Model… (header button, Model Versions tab) for the run shown.
    void promoteRequested(const QString &runId);
    // Register as Model Version… on an MLflow model folder of the Artifacts tab ("" for the whole run).
    void promoteFolderRequested(const QString &runId, const QString &folder);
    // A version made from this run was activated in the Model Versions tab.
    void modelVersionActivated(const QString &model, int version);
    // A run was read and shown (not on its refreshes).
    void runShown(const runlens::Run &run);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void holdColor();
    void load(const QString &id);
    void navigateTo(const QString &id);
    void requestDetails(bool refresh);
    void requestSparklines();
    void applyDetails(RunDetails &&details, bool refresh);
    void showProblem(const QString &text);
    void showMessage(const QString &text);
    void rename(const QString &name);
    void setStarred(bool starred);
    void connectActions();
    void saveNotes(const QString &markdown);
    void addTag();
    void removeSelectedTags();
    void updateTabTitles();
    void ensureCharts();
    void syncCharts();
    bool chartsShown() const;
    QWidget *buildBody();
    QWidget *buildModelVersions();

    StoreWorker *m_worker;
    RunActions *m_actions;
    RunColorMap *m_colors = nullptr;
    QString m_colorView; // the page's view in the colour map
    QString m_runId;
    QMap<QString, MetricSummary> m_shownMetrics; // to tell whether a refresh changed any metric
    std::optional<Run> m_run;
    QList<std::pair<QString, QString>> m_history; // runs Back returns to: id, name
    quint64 m_generation = 0;                     // one per run shown; older answers are dropped
    quint64 m_detailsRequest = 0;
    bool m_detailsLoading = false;
    bool m_sparklinesLoading = false;
    bool m_splittersPlaced = false;
    QString m_pendingArtifact; // showArtifacts() before the list was read
    QString m_pendingChart;    // showCharts(key) before the run was read
    bool m_chartsDirty = true; // the run was read again since the charts last saw it

    QStackedWidget *m_stack;
    QWidget *m_content;
    QWidget *m_problemPage;
    QLabel *m_problem;
    MessageBar *m_message;
    RunHeaderWidget *m_header;
    QSplitter *m_bodySplitter = nullptr;
    QSplitter *m_leftSplitter = nullptr;
    QSplitter *m_metricsSplitter = nullptr; // the run's metrics above, system metrics below
    QTabWidget *m_tabs = nullptr;
    RunNotesWidget *m_notes = nullptr;
    QWidget *m_chartsHolder = nullptr; // the Charts tab; holds m_charts once built
    ChartsTab *m_charts = nullptr;

    RunMetricsModel *m_metrics;
    RunMetricsModel *m_systemMetrics;
    RunParamsModel *m_params;
    RunTagsModel *m_tags;
    ChildRunsModel *m_children;
    RunInputsModel *m_inputs;
    ModelVersionsModel *m_modelVersions;
    QSortFilterProxyModel *m_metricsProxy;
    QSortFilterProxyModel *m_systemMetricsProxy;
    QSortFilterProxyModel *m_paramsProxy;
    QSortFilterProxyModel *m_tagsProxy;
    DetailTableView *m_metricsView = nullptr;
    DetailTableView *m_systemMetricsView = nullptr;
    DetailTableView *m_paramsView = nullptr;
    DetailTableView *m_tagsView = nullptr;
    DetailTableView *m_childrenView = nullptr;
    DetailTableView *m_inputsView = nullptr;
    ArtifactBrowser *m_artifactBrowser = nullptr;
    SectionPanel *m_metricsPanel = nullptr;
    SectionPanel *m_systemPanel = nullptr;
    SectionPanel *m_paramsPanel = nullptr;
    SectionPanel *m_tagsPanel = nullptr;
    SectionPanel *m_inputsPanel = nullptr;
    SectionPanel *m_childrenPanel = nullptr;
    SectionPanel *m_modelVersionsPanel = nullptr;
    DetailTableView *m_modelVersionsView = nullptr;
    QLineEdit *m_newTagKey = nullptr;
    QLineEdit *m_newTagValue = nullptr;
};

} // namespace runlens
