// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Compare page's "Parallel coordinates" tab: the params chosen in the list on the left (checked and
// ordered by drag; at first the ones that differ across the runs, at most eight) and one metric summary
// last, every run a line coloured by that metric. Brushing on the axes narrows the selection, reported by
// brushedRunsChanged. Runs without a param or a finite metric pass through a "missing" slot under the
// axis (and are grey when the metric is what they lack), so no run silently disappears.

#include "charts/parallelcoordinatescanvas.h"
#include "core/types.h"
#include "plots/metricaxis.h"

#include <QHash>
#include <QWidget>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace runlens {

class ParallelCoordinatesView : public QWidget
{
    Q_OBJECT
public:
    // The default number of axes: more than this many lines crossing stop being readable.
    static constexpr int DefaultAxisCount = 8;

    explicit ParallelCoordinatesView(QWidget *parent = nullptr);

    // The runs to draw, with params, tags and metric summaries. Chosen axes and metric stay when the new
    // runs still have them. Brushes stay when the runs are the same ones (a refresh: the brushed set is
    // re-evaluated and reported if it changed); for other runs they are cleared, every run is brushed, and
    // brushedRunsChanged is not emitted.
    void setRuns(std::vector<Run> runs);

    // The param axes, in order (the metric axis comes after them).
    QStringList axes() const;
    void setAxes(const QStringList &keys);
    QString metric() const;
    void setMetric(const QString &key);
    MetricAxis::Summary summary() const;
    void setSummary(MetricAxis::Summary summary);

    // Every run when nothing is brushed.
    QStringList brushedRunIds() const;
    void clearBrushes();

    // Read-only views for tests and export.
    QString message() const;
    QString note() const;
    ParallelCoordinatesCanvas *canvas() const { return m_canvas; }

Q_SIGNALS:
    void brushedRunsChanged(const QStringList &runIds);
    void runActivated(const QString &runId);

private:
    void fillAxisList();
    void fillMetricCombo();
    void rebuild();
    void scheduleRebuild();
    void updateNote();

    std::vector<Run> m_runs;
    QListWidget *m_axisList = nullptr;
    QComboBox *m_metric = nullptr;
    QComboBox *m_summary = nullptr;
    QPushButton *m_clear = nullptr;
    ParallelCoordinatesCanvas *m_canvas = nullptr;
    QLabel *m_note = nullptr;
    QString m_baseNote;
    bool m_fillingList = false;
    bool m_rebuildPending = false;
    // Per axis key, the scale chosen in its context menu; unset axes pick one themselves.
    QHash<QString, bool> m_logChoice;
};

} // namespace runlens
