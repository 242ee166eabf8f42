// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Compare page's Charts tab: metric charts of the compared runs as small multiples (one per key,
// grouped by "/" prefix, chosen and filtered by regex), sharing one legend, one run-colour map, the x axis,
// log/linear y, outlier clipping, smoothing and grouping of runs by a param or tag (mean line with a band).
// System metrics ("system/...") form one section after all others, on relative time whatever the x axis.
// Each chart reads its own data on the chart reader's threads and fills in as it arrives; the grid exports
// as one picture and its plotted data as CSV.

#include "charts/chartexport.h"
#include "charts/metricchart.h"
#include "core/types.h"
#include "dialogs/paperexportdialog.h"

#include <memory>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QScrollArea;
class QSlider;
class QToolButton;
class QVBoxLayout;

namespace runlens {

class RunColorMap;

class ChartsTab : public QWidget
{
    Q_OBJECT
public:
    // The charts read the database at databasePath on a reader of their own.
    explicit ChartsTab(const QString &databasePath, QWidget *parent = nullptr);
    ~ChartsTab() override;

    // The window's run colours, where the tab holds the runs it draws (distinct while the palette has room);
    // nullptr: a map of its own.
    void setColorMap(RunColorMap *map);
    // The runs compared (their metrics, params and tags as read); the charts are rebuilt.
    void setRuns(const std::vector<Run> &runs);
    // The same runs read again while they log (the window noticed a write): names, statuses and the live
    // marks update in place, new metric keys get their charts, and each chart folds in only the points
    // logged since it read (a run that ended has its charts read whole again). Other runs: as setRuns().
    void refreshRuns(const std::vector<Run> &runs);
    // While the runs are being read, an empty grid says nothing.
    void setRunsLoading(bool loading);
    // True while a chart reads its data.
    bool isLoading() const;

    // One run's charts (the run page): no legend and no grouping, and an empty state that speaks of one run.
    void setSingleRun(bool single);
    // The charts shown, in order (for tests and export).
    QList<MetricChart *> charts() const;
    MetricChart *chart(const QString &key) const; // nullptr: no chart of that key is shown
    // Scrolls the chart of `key` into view (showing it again if the filter or the chooser hid it) and frames
    // it for a moment. False when no run shown has that key.
    bool showChart(const QString &key);
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

    // The whole grid as one picture (every shown chart, at its size on screen, in grid order).
    bool exportGrid(const QString &path, qreal scale, QString *error) const;
    // The same on a worker thread, as the Export menu does it: the status bar says when it is written,
    // exportFinished when it is done (error empty on success).
    void startGridExport(const QString &path, qreal scale);
    // The grid for a paper: `options.millimetres` on paper, text at `options.fontPoints`, a title and the
    // legend where asked; a PNG at options.dpi. On a worker thread, as startGridExport.
    void startPaperExport(const QString &path, const PaperExportOptions &options);
    bool isExporting() const { return m_exports > 0; }
    QString gridDataCsv() const;
    // Writes gridDataCsv() to `path` on a worker thread (Export Plotted Data as CSV); dataExported when
    // done, error empty on success, else also shown in a warning.
    void exportGridData(const QString &path);

Q_SIGNALS:
    void loadingChanged();
    void statusMessage(const QString &message);
    void exportFinished(const QString &path, const QString &error);
    void dataExported(const QString &path, const QString &error);
    // Set Colour in the legend's context menu: pin `color` to the runs (invalid: back to automatic). The
    // page writes it (RunActions) and reads the runs again.
    void runColorChosen(const QStringList &runIds, const QColor &color);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuildCharts();
    void layoutCharts();
    void shareXRanges(); // charts on one x axis show the same range (unless zoomed)
    void reloadCharts();
    void repaintCharts();
    void fillLegend();
    void holdColors(const std::vector<Run> &runs);
    void updateColors();
    void showLegendMenu(const QPoint &pos);
    void fillGroupChoices();
    void applyGroups();
    void chooseKeys();
    void highlight(MetricChart *chart);
    void reveal();
    QStringList shownKeys() const;
    int gridColumns() const;
    // The grid picture, owning what it draws (so that it can be painted on another thread); *size gets its
    // size.
    chartexport::Painter gridPicture(QSizeF *size) const;
    ChartGrid grid(const ChartGridStyle &style = {}) const; // the grid picture of the charts shown
    void saveForPaper();                                    // asks how, and where

    std::vector<Run> m_runs;
    bool m_loadingRuns = false;
    ChartContext m_context;
    int m_exports = 0;                 // pictures and data being written in the background
    PaperExportOptions m_paperOptions; // as last asked for, while the page lives
    std::unique_ptr<ChartReader> m_reader;
    QStringList m_keys;
    QStringList m_chosen; // empty: all
    QString m_groupField;
    RunColorMap *m_colors = nullptr;
    QString m_colorView; // this tab's view in the colour map
    bool m_holdingColors = false;

    QLineEdit *m_keyFilter = nullptr;
    QToolButton *m_keysButton = nullptr;
    QComboBox *m_xAxis = nullptr;
    QCheckBox *m_logY = nullptr;
    QCheckBox *m_outliers = nullptr;
    QSlider *m_smoothing = nullptr;
    QLabel *m_smoothingValue = nullptr;
    QComboBox *m_groupBy = nullptr;
    QComboBox *m_band = nullptr;
    QWidget *m_groupControls = nullptr; // the label, the field and the band
    bool m_singleRun = false;
    QPointer<MetricChart> m_revealed; // showChart()'s chart, kept in view while it is framed
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
