// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Compare page: the runs a person selected (2 to several hundred) against each other, in tabs: the
// metric charts (ChartsTab), the parameters side by side (RunDiffView), a param against a metric, and
// parallel coordinates, whose brushing narrows the charts. The runs load on the store worker; each tab
// shows them once read.

#include "charts/chartstab.h"
#include "core/types.h"

#include <QWidget>

class QLabel;
class QTabWidget;

namespace runlens {

class ParallelCoordinatesView;
class RunActions;
class RunColorMap;
class ParamScatterView;
class RunDiffView;
class StoreWorker;

class ComparePage : public QWidget
{
    Q_OBJECT
public:
    explicit ComparePage(StoreWorker *worker, QWidget *parent = nullptr);
    ~ComparePage() override;

    // The window's run colours; the page holds the runs it compares there (distinct while the palette has
    // room). nullptr: a map of its own.
    void setColorMap(RunColorMap *map);
    RunColorMap *colorMap() const { return m_colors; }

    void showRuns(const QStringList &runIds);
    // The runs logged or changed (the window noticed a write): they are read again and the charts fold in
    // only what is new. One read at a time; asks made meanwhile are answered by one more.
    void refresh();
    QStringList runIds() const { return m_runIds; }
    const std::vector<Run> &runs() const { return m_runs; }
    bool isLoading() const;

    ChartsTab *chartsTab() const { return m_chartsTab; }
    RunDiffView *diffView() const { return m_diff; }
    ParamScatterView *scatterView() const { return m_scatter; }
    ParallelCoordinatesView *parallelView() const { return m_parallel; }
    QTabWidget *tabs() const { return m_tabs; }

    // The charts tab's, for the window and tests (see ChartsTab).
    QList<MetricChart *> charts() const { return m_chartsTab->charts(); }
    QStringList metricKeys() const { return m_chartsTab->metricKeys(); }
    void setChosenKeys(const QStringList &keys) { m_chartsTab->setChosenKeys(keys); }
    void setKeyFilter(const QString &regex) { m_chartsTab->setKeyFilter(regex); }
    void setXAxis(ChartXAxis axis) { m_chartsTab->setXAxis(axis); }
    void setLogY(bool on) { m_chartsTab->setLogY(on); }
    void setIgnoreOutliers(bool on) { m_chartsTab->setIgnoreOutliers(on); }
    void setSmoothing(double weight) { m_chartsTab->setSmoothing(weight); }
    void setGroupBy(const QString &field, bool stdDevBand = false)
    {
        m_chartsTab->setGroupBy(field, stdDevBand);
    }
    void setRunVisible(const QString &runId, bool visible) { m_chartsTab->setRunVisible(runId, visible); }
    const ChartContext &chartContext() const { return m_chartsTab->chartContext(); }
    bool exportGrid(const QString &path, qreal scale, QString *error) const
    {
        return m_chartsTab->exportGrid(path, scale, error);
    }
    void startGridExport(const QString &path, qreal scale) { m_chartsTab->startGridExport(path, scale); }
    bool isExporting() const { return m_chartsTab->isExporting(); }
    QString gridDataCsv() const { return m_chartsTab->gridDataCsv(); }

Q_SIGNALS:
    void backRequested();
    void runActivated(const QString &runId); // a run clicked in a plot: open its page
    void loadingChanged();
    void statusMessage(const QString &message);
    void exportFinished(const QString &path, const QString &error);
    // The page wrote to the runs (a colour pinned from the legend): other pages read them again.
    void runsChanged();

private:
    void holdColors();
    void runsLoaded(std::vector<Run> runs);
    void setTitle();

    StoreWorker *m_worker;
    RunActions *m_actions;
    RunColorMap *m_colors = nullptr;
    QString m_colorView; // the page's view in the colour map
    QStringList m_runIds;
    std::vector<Run> m_runs;
    quint64 m_generation = 0;
    bool m_loadingRuns = false;
    bool m_refreshing = false;
    bool m_refreshPending = false;

    QLabel *m_title = nullptr;
    QTabWidget *m_tabs = nullptr;
    ChartsTab *m_chartsTab = nullptr;
    RunDiffView *m_diff = nullptr;
    ParamScatterView *m_scatter = nullptr;
    ParallelCoordinatesView *m_parallel = nullptr;
};

} // namespace runlens
