// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Compare page: the runs a person selected (2 to several hundred) against each other. Metric charts as
// small multiples (one per key, grouped by "/" prefix, chosen and filtered by regex), sharing one legend,
// one run-colour map, the x axis, log/linear y, outlier clipping, smoothing and grouping of runs by a param
// or tag (mean line with a band). The runs load on the store worker; each chart reads its own data on the
// chart reader's threads and fills in as it arrives.

#include "charts/chartexport.h"
#include "charts/metricchart.h"
#include "core/types.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QScrollArea;
class QSlider;
class QTabWidget;
class QToolButton;
class QVBoxLayout;

namespace runlens {

class ParallelCoordinatesView;
class ParamScatterView;
class RunDiffView;
class StoreWorker;

class ComparePage : public QWidget
{
    Q_OBJECT
public:
    explicit ComparePage(StoreWorker *worker, QWidget *parent = nullptr);
    ~ComparePage() override;

    void showRuns(const QStringList &runIds);
    QStringList runIds() const { return m_runIds; }
    const std::vector<Run> &runs() const { return m_runs; }
    bool isLoading() const;

    // The charts shown, in order (for tests and export).
    QList<MetricChart *> charts() const;
    QStringList metricKeys() const { return m_keys; }
    // The keys ticked in the chooser; empty list: all.
    void setChosenKeys(const QStringList &keys);
    void setKeyFilter(const QString &regex); // invalid: every key is shown and the field says why
    void setXAxis(ChartXAxis axis);
    void setLogY(bool on);
    void setIgnoreOutliers(bool on);
    void setSmoothing(double weight);
    // "params.<key>" or "tags.<key>"; empty: no grouping.
    void setGroupBy(const QString &field, bool stdDevBand = false);
    void setRunVisible(const QString &runId, bool visible);
    const ChartContext &chartContext() const { return m_context; }
    RunDiffView *diffView() const { return m_diff; }
    ParamScatterView *scatterView() const { return m_scatter; }
    ParallelCoordinatesView *parallelView() const { return m_parallel; }
    QTabWidget *tabs() const { return m_tabs; }

    // The whole grid as one picture (every shown chart, at its size on screen, in grid order).
    bool exportGrid(const QString &path, qreal scale, QString *error) const;
    // The same on a worker thread, as the Export menu does it: the status bar says when it is written,
    // exportFinished when it is done (error empty on success).
    void startGridExport(const QString &path, qreal scale);
    bool isExporting() const { return m_exports > 0; }
    QString gridDataCsv() const;

Q_SIGNALS:
    void backRequested();
    void runActivated(const QString &runId); // a run clicked in a plot: open its page
    void loadingChanged();
    void statusMessage(const QString &message);
    void exportFinished(const QString &path, const QString &error);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    QWidget *buildChartsTab();
    void runsLoaded(std::vector<Run> runs);
    void rebuildCharts();
    void layoutCharts();
    void reloadCharts();
    void repaintCharts();
    void fillLegend();
    void fillGroupChoices();
    void applyGroups();
    void chooseKeys();
    QStringList shownKeys() const;
    int gridColumns() const;
    // The grid picture, owning what it draws (so that it can be painted on another thread); *size gets its
    // size.
    chartexport::Painter gridPicture(QSizeF *size) const;
    ChartGrid grid() const; // the grid picture of the charts shown

    StoreWorker *m_worker;
    QStringList m_runIds;
    std::vector<Run> m_runs;
    quint64 m_generation = 0;
    bool m_loadingRuns = false;
    ChartContext m_context;
    int m_exports = 0; // pictures being written in the background
    std::unique_ptr<ChartReader> m_reader;
    QStringList m_keys;
    QStringList m_chosen; // empty: all
    QString m_groupField;

    QLabel *m_title = nullptr;
    QTabWidget *m_tabs = nullptr;
    RunDiffView *m_diff = nullptr;
    ParamScatterView *m_scatter = nullptr;
    ParallelCoordinatesView *m_parallel = nullptr;
    QLineEdit *m_keyFilter = nullptr;
    QToolButton *m_keysButton = nullptr;
    QComboBox *m_xAxis = nullptr;
    QCheckBox *m_logY = nullptr;
    QCheckBox *m_outliers = nullptr;
    QSlider *m_smoothing = nullptr;
    QLabel *m_smoothingValue = nullptr;
    QComboBox *m_groupBy = nullptr;
    QComboBox *m_band = nullptr;
    QListWidget *m_legend = nullptr;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_grid = nullptr;
    QVBoxLayout *m_gridLayout = nullptr;
    QLabel *m_empty = nullptr;
    QList<MetricChart *> m_charts;
    QList<QWidget *> m_sections; // section headers and their grids, rebuilt with the charts
    int m_columns = 0;
};

} // namespace runlens
