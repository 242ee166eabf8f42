// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Compare page's "Param vs metric" tab: one dot per run, a param (numeric, or categorical with one slot
// per value) across and a metric summary (last, min or max) up, optionally on log axes, dots in the run
// colours. Runs without the param or without a finite metric value are not plotted, and the line under the
// plot says how many and why; a log axis that the values cannot support is switched off with the reason
// rather than drawn wrongly. A click on a dot emits runActivated.

#include "charts/scattercanvas.h"
#include "core/types.h"
#include "plots/metricaxis.h"

#include <QWidget>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;

namespace runlens {

class RunColorMap;

class ParamScatterView : public QWidget
{
    Q_OBJECT
public:
    explicit ParamScatterView(QWidget *parent = nullptr);
    ~ParamScatterView() override;

    // The runs to plot, with params, tags and metric summaries (as Store::run returns them). The chosen
    // param, metric and options stay when the new runs still have them.
    void setRuns(std::vector<Run> runs);
    // The run colours of the dots: the window's, where the view holds the runs it plots; nullptr: a map of
    // its own.
    void setColorMap(RunColorMap *map);

    QString param() const;
    void setParam(const QString &key);
    QString metric() const;
    void setMetric(const QString &key);
    MetricAxis::Summary summary() const;
    void setSummary(MetricAxis::Summary summary);
    // What is drawn: a wanted log axis stays linear while the values include zero or negatives.
    bool isLogX() const;
    bool isLogY() const;

    // Read-only views for tests and export: the sentence shown instead of a plot (empty when plotting), the
    // line under the plot, and the dots with their positions in canvas() coordinates.
    QString message() const;
    QString note() const;
    const std::vector<ScatterCanvas::Point> &plottedPoints() const;
    ScatterCanvas *canvas() const { return m_canvas; }

Q_SIGNALS:
    void runActivated(const QString &runId);

private:
    void fillCombos();
    void rebuild();
    void holdColors();

    std::vector<Run> m_runs;
    RunColorMap *m_colors = nullptr;
    QString m_colorView; // this view in the colour map
    bool m_holdingColors = false;
    QComboBox *m_param = nullptr;
    QCheckBox *m_asCategories = nullptr;
    QComboBox *m_metric = nullptr;
    QComboBox *m_summary = nullptr;
    QCheckBox *m_logX = nullptr;
    QCheckBox *m_logY = nullptr;
    ScatterCanvas *m_canvas = nullptr;
    QLabel *m_note = nullptr;
    // What the person asked for; the check boxes show what is possible for the current data.
    bool m_wantLogX = false;
    bool m_wantLogY = false;
    bool m_effectiveLogX = false;
    bool m_effectiveLogY = false;
};

} // namespace runlens
