// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/paramscatterview.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "plots/axisscale.h"
#include "plots/paramaxis.h"
#include "widgets/flowlayout.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace runlens {

namespace {

QString runLabel(const Run &r)
{
    return r.name.isEmpty() ? r.id.left(8) : display::elidedLine(r.name, display::MaxLabelChars);
}

QString plural(int n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(n);
}

// Keeps the current choice when it is still offered, else picks `fallback`.
void refill(QComboBox *combo, const QStringList &keys, const QString &fallback)
{
    const QString current = combo->currentText();
    const QSignalBlocker block(combo);
    combo->clear();
    combo->addItems(keys);
    const int keep = keys.indexOf(current);
    combo->setCurrentIndex(keep >= 0 ? keep : std::max(0, int(keys.indexOf(fallback))));
}

} // namespace

ParamScatterView::ParamScatterView(QWidget *parent)
    : QWidget(parent)
{
    setColorMap(nullptr); // a map of its own until the page gives the window's
    m_param = new QComboBox;
    m_param->setObjectName(QStringLiteral("paramCombo"));
    // As wide as 18 letters whatever the keys: a long one (elided, whole in the list) must not widen the
    // window.
    m_param->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_param->setMinimumContentsLength(18);
    m_param->setToolTip(tr("The param across"));
    m_asCategories = new QCheckBox(tr("As categories"));
    m_asCategories->setObjectName(QStringLiteral("asCategories"));
    m_asCategories->setToolTip(tr("One evenly spaced slot per distinct value (e.g. batch sizes)"));
    m_metric = new QComboBox;
    m_metric->setObjectName(QStringLiteral("metricCombo"));
    m_metric->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_metric->setMinimumContentsLength(18);
    m_metric->setToolTip(tr("The metric up"));
    m_summary = new QComboBox;
    m_summary->setObjectName(QStringLiteral("summaryCombo"));
    m_summary->setToolTip(tr("Which value of each run's metric: its last, smallest or largest"));
    for (auto s : {MetricAxis::Summary::Last, MetricAxis::Summary::Min, MetricAxis::Summary::Max})
        m_summary->addItem(MetricAxis::summaryName(s), int(s));
    m_logX = new QCheckBox(tr("Log X"));
    m_logX->setObjectName(QStringLiteral("logX"));
    m_logY = new QCheckBox(tr("Log Y"));
    m_logY->setObjectName(QStringLiteral("logY"));

    // The controls wrap onto more rows in a narrow window rather than widening it.
    auto *controlsWidget = new QWidget;
    auto *controls = new FlowLayout(controlsWidget, 8, 4);
    auto *paramLabel = new QLabel(tr("&Param"));
    paramLabel->setBuddy(m_param);
    auto *metricLabel = new QLabel(tr("&Metric"));
    metricLabel->setBuddy(m_metric);
    controls->addWidget(flowGroup({paramLabel, m_param, m_asCategories}, controlsWidget));
    controls->addSpacing(16);
    controls->addWidget(flowGroup({metricLabel, m_metric, m_summary}, controlsWidget));
    controls->addSpacing(16);
    controls->addWidget(flowGroup({m_logX, m_logY}, controlsWidget));

    m_canvas = new ScatterCanvas;
    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("scatterNote"));
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(controlsWidget);
    layout->addWidget(m_canvas, 1);
    layout->addWidget(m_note);

    const auto changed = [this] { rebuild(); };
    connect(m_param, &QComboBox::currentIndexChanged, this, changed);
    connect(m_metric, &QComboBox::currentIndexChanged, this, changed);
    connect(m_summary, &QComboBox::currentIndexChanged, this, changed);
    connect(m_asCategories, &QCheckBox::toggled, this, changed);
    connect(m_logX, &QCheckBox::toggled, this, [this](bool on) {
        m_wantLogX = on;
        rebuild();
    });
    connect(m_logY, &QCheckBox::toggled, this, [this](bool on) {
        m_wantLogY = on;
        rebuild();
    });
    connect(m_canvas, &ScatterCanvas::runActivated, this, &ParamScatterView::runActivated);
    rebuild();
}

void ParamScatterView::setRuns(std::vector<Run> runs)
{
    m_runs = std::move(runs);
    holdColors();
    fillCombos();
    rebuild();
}

ParamScatterView::~ParamScatterView()
{
    if (m_colors)
        m_colors->release(m_colorView);
}

void ParamScatterView::setColorMap(RunColorMap *map)
{
    if (m_colors) {
        m_colors->release(m_colorView);
        disconnect(m_colors, nullptr, this, nullptr);
    }
    m_colors = map ? map : new RunColorMap(this);
    m_colorView = QStringLiteral("scatter@%1").arg(quintptr(this), 0, 16);
    connect(m_colors, &QObject::destroyed, this, [this](QObject *gone) {
        if (gone == m_colors)
            m_colors = nullptr;
    });
    connect(m_colors, &RunColorMap::colorsChanged, this, [this](const QStringList &ids) {
        if (m_holdingColors)
            return; // setRuns() draws next
        for (const Run &r : m_runs) {
            if (ids.contains(r.id)) {
                rebuild();
                return;
            }
        }
    });
    holdColors();
    if (!m_runs.empty())
        rebuild();
}

void ParamScatterView::holdColors()
{
    // The dots are drawn together: distinct while the palette has room (on the Compare page the page
    // holds the same runs first, so this changes nothing there).
    if (!m_colors)
        return;
    m_holdingColors = true;
    m_colors->hold(m_colorView, RunColorMap::membersOf(m_runs));
    m_holdingColors = false;
}

void ParamScatterView::fillCombos()
{
    const QStringList params = ParamAxis::keys(m_runs);
    const QStringList differing = m_runs.empty() ? QStringList() : ParamAxis::differingKeys(m_runs);
    refill(m_param, params, differing.value(0));
    refill(m_metric, MetricAxis::keys(m_runs), MetricAxis::preferredKey(m_runs));
}

QString ParamScatterView::param() const
{
    return m_param->currentText();
}

void ParamScatterView::setParam(const QString &key)
{
    if (const int i = m_param->findText(key); i >= 0) // an unknown key leaves the choice as it is
        m_param->setCurrentIndex(i);
}

QString ParamScatterView::metric() const
{
    return m_metric->currentText();
}

void ParamScatterView::setMetric(const QString &key)
{
    if (const int i = m_metric->findText(key); i >= 0) // an unknown key leaves the choice as it is
        m_metric->setCurrentIndex(i);
}

MetricAxis::Summary ParamScatterView::summary() const
{
    return MetricAxis::Summary(m_summary->currentData().toInt());
}

void ParamScatterView::setSummary(MetricAxis::Summary summary)
{
    m_summary->setCurrentIndex(m_summary->findData(int(summary)));
}

bool ParamScatterView::isLogX() const
{
    return m_effectiveLogX;
}

bool ParamScatterView::isLogY() const
{
    return m_effectiveLogY;
}

QString ParamScatterView::message() const
{
    return m_canvas->message();
}

QString ParamScatterView::note() const
{
    return m_note->text();
}

const std::vector<ScatterCanvas::Point> &ParamScatterView::plottedPoints() const
{
    return m_canvas->points();
}

void ParamScatterView::rebuild()
{
    m_effectiveLogX = m_effectiveLogY = false;
    const auto showLog = [](QCheckBox *box, bool possible, bool wanted, const QString &why) {
        const QSignalBlocker block(box);
        box->setEnabled(possible);
        box->setChecked(possible && wanted);
        box->setToolTip(possible ? QString() : why);
    };
    const auto empty = [&](const QString &sentence) {
        for (QWidget *w : std::initializer_list<QWidget *>{m_param, m_asCategories, m_metric, m_summary})
            w->setEnabled(false);
        showLog(m_logX, false, false, QString());
        showLog(m_logY, false, false, QString());
        m_canvas->setMessage(sentence);
        m_note->clear();
    };
    if (m_runs.size() < 2)
        return empty(tr("Select at least two runs to plot a param against a metric."));
    if (m_param->count() == 0)
        return empty(tr("None of these runs has a param, so there is nothing to put across."));
    if (m_metric->count() == 0)
        return empty(tr("None of these runs has a metric, so there is nothing to put up."));
    for (QWidget *w : std::initializer_list<QWidget *>{m_param, m_metric, m_summary})
        w->setEnabled(true);

    const QString key = param();
    const ParamAxis raw = ParamAxis::build(m_runs, key);
    m_asCategories->setEnabled(raw.kind() == ParamAxis::Kind::Numeric);
    const bool categorical = raw.kind() != ParamAxis::Kind::Numeric || m_asCategories->isChecked();
    const ParamAxis x =
        categorical && raw.kind() == ParamAxis::Kind::Numeric ? ParamAxis::build(m_runs, key, true) : raw;
    const MetricAxis y = MetricAxis::build(m_runs, metric(), summary());

    QStringList notes;
    QString whyNotLogX;
    if (categorical)
        whyNotLogX = tr("A log scale needs numbers: %1 is shown as categories.").arg(key);
    else if (!x.canUseLog())
        whyNotLogX = tr("Log X is off: %1 has %2 at or below zero.")
                         .arg(key, plural(x.nonPositiveCount(), tr("1 value"), tr("%1 values")));
    QString whyNotLogY;
    if (!y.canUseLog() && y.finiteCount() > 0)
        whyNotLogY = tr("Log Y is off: %1 has %2 at or below zero.")
                         .arg(y.title(), plural(y.nonPositiveCount(), tr("1 value"), tr("%1 values")));
    showLog(m_logX, whyNotLogX.isEmpty(), m_wantLogX, whyNotLogX);
    showLog(m_logY, whyNotLogY.isEmpty() && y.finiteCount() > 0, m_wantLogY, whyNotLogY);
    m_effectiveLogX = m_logX->isChecked();
    m_effectiveLogY = m_logY->isChecked();
    if (m_wantLogX && !whyNotLogX.isEmpty() && !categorical)
        notes << whyNotLogX;
    if (m_wantLogY && !whyNotLogY.isEmpty())
        notes << whyNotLogY;

    std::vector<ScatterCanvas::Point> points;
    points.reserve(m_runs.size());
    for (int i = 0; i < int(m_runs.size()); ++i) {
        const std::optional<double> yv = y.value(i);
        if (!yv || x.isMissing(i))
            continue;
        const Run &run = m_runs[size_t(i)];
        ScatterCanvas::Point p;
        p.runId = run.id;
        p.label = runLabel(run);
        p.color = m_colors ? m_colors->colorOf(run.id) : QColor();
        if (!p.color.isValid())
            p.color = RunColors::pinOf(run.tags);
        p.x = categorical ? double(x.category(i)) : *x.number(i);
        p.y = *yv;
        p.tooltip = QStringLiteral("<b>%1</b><br>%2 = %3<br>%4 = %5")
                        .arg(runLabel(run).toHtmlEscaped(), key.toHtmlEscaped(),
                             display::singleLine(x.text(i)).toHtmlEscaped(), y.title().toHtmlEscaped(),
                             AxisScale::formatNumber(*yv));
        points.push_back(std::move(p));
    }

    QStringList skipped;
    if (x.missingCount() > 0)
        skipped << plural(x.missingCount(), tr("1 run without %2"), tr("%1 runs without %2")).arg(key);
    if (!y.unplottedText().isEmpty())
        skipped << y.unplottedText();
    const QString counts = tr("%1 of %2 runs plotted").arg(points.size()).arg(m_runs.size());
    notes.prepend(skipped.isEmpty()
                      ? counts
                      : counts +
                            QStringLiteral(" (not plotted: %1)").arg(skipped.join(QStringLiteral(", "))) +
                            QLatin1Char('.'));
    m_note->setText(notes.join(QLatin1Char(' ')));

    if (points.empty()) {
        m_canvas->setMessage(tr("No run has both %1 and a finite %2.").arg(key, y.title()));
        return;
    }
    ScatterCanvas::Axis xAxis;
    xAxis.title = key;
    if (categorical) {
        xAxis.categories = x.categories();
        xAxis.scale = AxisScale::linear(-0.5, double(x.categories().size()) - 0.5);
    } else {
        xAxis.scale = AxisScale::fitted(x.minimum(), x.maximum(), m_effectiveLogX);
        // A sweep's grid (lr 1e-4, 3e-4, 1e-3, ...) reads best with its own values as the ticks.
        const std::vector<double> values = x.distinctNumbers();
        if (values.size() <= 12) {
            for (double v : values)
                xAxis.fixedTicks.push_back({v, AxisScale::formatNumber(v)});
        }
    }
    ScatterCanvas::Axis yAxis;
    yAxis.title = y.title();
    yAxis.scale = AxisScale::fitted(y.minimum(), y.maximum(), m_effectiveLogY);
    m_canvas->setData(std::move(points), std::move(xAxis), std::move(yAxis));
}

} // namespace runlens
