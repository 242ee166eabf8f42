// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/parallelcoordinatesview.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"
#include "plots/axisscale.h"
#include "plots/paramaxis.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <set>

namespace runlens {

namespace {

QString runLabel(const Run &r)
{
    return r.name.isEmpty() ? r.id.left(8) : display::elidedLine(r.name, display::MaxLabelChars);
}

// Values that span two decades or more are unreadable on a linear axis (learning rates 1e-4 .. 1e-2 would
// all sit at the bottom): such positive axes start logarithmic, and the axis' context menu switches back.
bool spansDecades(double lo, double hi)
{
    return lo > 0 && hi / lo >= 100.0;
}

// A sweep's grid (lr 1e-4, 3e-4, 1e-3, ...; seeds 0, 1, 2) reads best with its own values as the ticks.
constexpr size_t FewValues = 12;

} // namespace

ParallelCoordinatesView::ParallelCoordinatesView(QWidget *parent)
    : QWidget(parent)
{
    m_axisList = new QListWidget;
    m_axisList->setObjectName(QStringLiteral("axisList"));
    m_axisList->setDragDropMode(QAbstractItemView::InternalMove);
    m_axisList->setDefaultDropAction(Qt::MoveAction);
    m_axisList->setToolTip(tr("Check the params to draw as axes; drag to change their order"));
    auto *axesLabel = new QLabel(tr("&Axes"));
    axesLabel->setBuddy(m_axisList);
    auto *side = new QVBoxLayout;
    side->addWidget(axesLabel);
    side->addWidget(m_axisList, 1);
    auto *sideWidget = new QWidget;
    sideWidget->setLayout(side);
    side->setContentsMargins(0, 0, 0, 0);
    sideWidget->setMaximumWidth(220);
    sideWidget->setMinimumWidth(140);

    m_metric = new QComboBox;
    m_metric->setObjectName(QStringLiteral("metricCombo"));
    m_metric->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_metric->setMinimumContentsLength(8);
    m_metric->setToolTip(tr("The metric on the last axis, which also colours the lines"));
    m_summary = new QComboBox;
    m_summary->setObjectName(QStringLiteral("summaryCombo"));
    m_summary->setToolTip(tr("Which value of each run's metric: its last, smallest or largest"));
    for (auto s : {MetricAxis::Summary::Last, MetricAxis::Summary::Min, MetricAxis::Summary::Max})
        m_summary->addItem(MetricAxis::summaryName(s), int(s));
    m_clear = new QPushButton(tr("Clear Brushes"));
    m_clear->setObjectName(QStringLiteral("clearBrushes"));
    m_clear->setEnabled(false);
    auto *metricLabel = new QLabel(tr("&Metric"));
    metricLabel->setBuddy(m_metric);
    auto *controls = new QHBoxLayout;
    controls->addWidget(metricLabel);
    controls->addWidget(m_metric);
    controls->addWidget(m_summary);
    controls->addStretch(1);
    controls->addWidget(m_clear);

    m_canvas = new ParallelCoordinatesCanvas;
    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("parallelNote"));
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);

    auto *main = new QVBoxLayout;
    main->setContentsMargins(0, 0, 0, 0);
    main->addLayout(controls);
    main->addWidget(m_canvas, 1);
    main->addWidget(m_note);
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(sideWidget);
    layout->addLayout(main, 1);

    const auto changed = [this] { rebuild(); };
    connect(m_axisList, &QListWidget::itemChanged, this, changed);
    // Dropping an item moves its row (or inserts a copy and removes the original, depending on the view's
    // path): the axes follow the list's order once the drop is done.
    const QAbstractItemModel *list = m_axisList->model();
    connect(list, &QAbstractItemModel::rowsMoved, this, &ParallelCoordinatesView::scheduleRebuild);
    connect(list, &QAbstractItemModel::rowsInserted, this, &ParallelCoordinatesView::scheduleRebuild);
    connect(list, &QAbstractItemModel::rowsRemoved, this, &ParallelCoordinatesView::scheduleRebuild);
    connect(m_metric, &QComboBox::currentIndexChanged, this, changed);
    connect(m_summary, &QComboBox::currentIndexChanged, this, changed);
    connect(m_clear, &QPushButton::clicked, this, &ParallelCoordinatesView::clearBrushes);
    connect(m_canvas, &ParallelCoordinatesCanvas::brushesChanged, this, &ParallelCoordinatesView::updateNote);
    connect(m_canvas, &ParallelCoordinatesCanvas::brushedRunsChanged, this,
            &ParallelCoordinatesView::brushedRunsChanged);
    connect(m_canvas, &ParallelCoordinatesCanvas::runActivated, this, &ParallelCoordinatesView::runActivated);
    connect(m_canvas, &ParallelCoordinatesCanvas::logScaleRequested, this,
            [this](const QString &id, bool on) {
                // Axis ids are "<kind>|<key>|<scale>": the choice belongs to "<kind>|<key>", whatever the
                // scale.
                m_logChoice.insert(id.section(QLatin1Char('|'), 0, -2), on);
                rebuild();
            });
    rebuild();
}

void ParallelCoordinatesView::setRuns(std::vector<Run> runs)
{
    m_runs = std::move(runs);
    fillAxisList();
    fillMetricCombo();
    rebuild();
}

void ParallelCoordinatesView::fillAxisList()
{
    const QStringList keys = ParamAxis::keys(m_runs);
    QStringList order, checked;
    for (int i = 0; i < m_axisList->count(); ++i) {
        const QListWidgetItem *item = m_axisList->item(i);
        const QString key = item->data(ParamKeyRole).toString();
        if (!keys.contains(key))
            continue;
        order << key;
        if (item->checkState() == Qt::Checked)
            checked << key;
    }
    for (const QString &key : keys) {
        if (!order.contains(key))
            order << key;
    }
    if (checked.isEmpty() && !m_runs.empty()) {
        checked = ParamAxis::differingKeys(m_runs);
        if (checked.isEmpty())
            checked = keys;
        checked = checked.mid(0, DefaultAxisCount);
    }
    const QSignalBlocker block(m_axisList);
    m_fillingList = true;
    m_axisList->clear();
    for (const QString &key : order) {
        auto *item = new QListWidgetItem(key, m_axisList);
        item->setData(ParamKeyRole, key);
        item->setToolTip(key);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable |
                       Qt::ItemIsDragEnabled);
        item->setCheckState(checked.contains(key) ? Qt::Checked : Qt::Unchecked);
    }
    m_fillingList = false;
}

void ParallelCoordinatesView::scheduleRebuild()
{
    if (m_fillingList || m_rebuildPending)
        return;
    m_rebuildPending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_rebuildPending = false;
            rebuild();
        },
        Qt::QueuedConnection);
}

void ParallelCoordinatesView::fillMetricCombo()
{
    const QStringList keys = MetricAxis::keys(m_runs);
    const QString current = m_metric->currentText();
    const QSignalBlocker block(m_metric);
    m_metric->clear();
    m_metric->addItems(keys);
    const int keep = int(keys.indexOf(current));
    m_metric->setCurrentIndex(keep >= 0 ? keep
                                        : std::max(0, int(keys.indexOf(MetricAxis::preferredKey(m_runs)))));
}

QStringList ParallelCoordinatesView::axes() const
{
    QStringList keys;
    for (int i = 0; i < m_axisList->count(); ++i) {
        if (m_axisList->item(i)->checkState() == Qt::Checked)
            keys << m_axisList->item(i)->data(ParamKeyRole).toString();
    }
    return keys;
}

void ParallelCoordinatesView::setAxes(const QStringList &keys)
{
    {
        const QSignalBlocker block(m_axisList);
        m_fillingList = true;
        // The given keys first, in their order; the others after them, unchecked.
        std::vector<QListWidgetItem *> items;
        for (const QString &key : keys) {
            for (int i = 0; i < m_axisList->count(); ++i) {
                if (m_axisList->item(i)->data(ParamKeyRole).toString() == key) {
                    items.push_back(m_axisList->takeItem(i));
                    break;
                }
            }
        }
        for (int i = 0; i < m_axisList->count(); ++i)
            m_axisList->item(i)->setCheckState(Qt::Unchecked);
        for (size_t k = 0; k < items.size(); ++k) {
            m_axisList->insertItem(int(k), items[k]);
            items[k]->setCheckState(Qt::Checked);
        }
        m_fillingList = false;
    }
    rebuild();
}

QString ParallelCoordinatesView::metric() const
{
    return m_metric->currentText();
}

void ParallelCoordinatesView::setMetric(const QString &key)
{
    if (const int i = m_metric->findText(key); i >= 0) // an unknown key leaves the choice as it is
        m_metric->setCurrentIndex(i);
}

MetricAxis::Summary ParallelCoordinatesView::summary() const
{
    return MetricAxis::Summary(m_summary->currentData().toInt());
}

void ParallelCoordinatesView::setSummary(MetricAxis::Summary summary)
{
    m_summary->setCurrentIndex(m_summary->findData(int(summary)));
}

QStringList ParallelCoordinatesView::brushedRunIds() const
{
    return m_canvas->brushedRunIds();
}

void ParallelCoordinatesView::clearBrushes()
{
    m_canvas->clearBrushes();
}

QString ParallelCoordinatesView::message() const
{
    return m_canvas->message();
}

QString ParallelCoordinatesView::note() const
{
    return m_note->text();
}

void ParallelCoordinatesView::rebuild()
{
    const auto empty = [this](const QString &sentence) {
        m_metric->setEnabled(m_metric->count() > 0);
        m_summary->setEnabled(m_metric->count() > 0);
        m_canvas->setMessage(sentence);
        m_baseNote.clear();
        updateNote();
    };
    // The canvas keeps one line per run even without axes, so that brushedRunIds() names every run.
    if (m_runs.size() < 2) {
        std::vector<ParallelCoordinatesCanvas::Line> lines;
        for (const Run &r : m_runs)
            lines.push_back({r.id, {}, std::nullopt});
        m_canvas->setData({}, std::move(lines), {}, std::nullopt);
        return empty(tr("Select at least two runs to see them on parallel coordinates."));
    }
    std::vector<ParallelCoordinatesCanvas::Line> lines;
    lines.reserve(m_runs.size());
    for (const Run &r : m_runs)
        lines.push_back({r.id, {}, std::nullopt});
    const auto emptyWithRuns = [&](const QString &sentence) {
        m_canvas->setData({}, lines, {}, std::nullopt);
        empty(sentence);
    };
    if (m_axisList->count() == 0)
        return emptyWithRuns(tr("None of these runs has a param, so there is no axis to draw."));
    if (m_metric->count() == 0)
        return emptyWithRuns(tr("None of these runs has a metric to colour the lines by."));
    const QStringList keys = axes();
    if (keys.isEmpty())
        return emptyWithRuns(tr("Check at least one param in the list on the left to draw its axis."));
    m_metric->setEnabled(true);
    m_summary->setEnabled(true);

    const int n = int(m_runs.size());
    std::vector<ParallelCoordinatesCanvas::Axis> axes;
    std::vector<QStringList> tooltipRows(m_runs.size());
    QStringList missingNotes;
    for (const QString &key : keys) {
        const ParamAxis pa = ParamAxis::build(m_runs, key);
        ParallelCoordinatesCanvas::Axis axis;
        axis.title = key;
        axis.unit.resize(size_t(n));
        const QString base = QStringLiteral("param|") + key;
        if (pa.kind() == ParamAxis::Kind::Numeric) {
            const bool log =
                pa.canUseLog() && m_logChoice.value(base, spansDecades(pa.minimum(), pa.maximum()));
            axis.scale = AxisScale::fitted(pa.minimum(), pa.maximum(), log);
            axis.canLog = pa.canUseLog();
            axis.id = base + (log ? QStringLiteral("|log") : QStringLiteral("|linear"));
            const std::vector<double> values = pa.distinctNumbers();
            if (values.size() <= FewValues) {
                for (double v : values)
                    axis.fixedTicks.push_back({v, AxisScale::formatNumber(v)});
            }
            for (int i = 0; i < n; ++i) {
                if (const auto v = pa.number(i))
                    axis.unit[size_t(i)] = axis.scale.toUnit(*v);
            }
        } else {
            axis.categories = pa.categories();
            axis.id = base + QStringLiteral("|categories");
            const double count = double(pa.categories().size());
            for (int i = 0; i < n; ++i) {
                if (pa.category(i) >= 0)
                    axis.unit[size_t(i)] = (pa.category(i) + 0.5) / count;
            }
        }
        for (int i = 0; i < n; ++i) {
            tooltipRows[size_t(i)] << QStringLiteral("%1 = %2").arg(
                key.toHtmlEscaped(),
                pa.isMissing(i) ? tr("<i>missing</i>") : display::singleLine(pa.text(i)).toHtmlEscaped());
        }
        if (pa.missingCount() > 0)
            missingNotes << (pa.missingCount() == 1
                                 ? tr("1 run without %1").arg(key)
                                 : tr("%1 runs without %2").arg(pa.missingCount()).arg(key));
        axes.push_back(std::move(axis));
    }

    const MetricAxis y = MetricAxis::build(m_runs, metric(), summary());
    ParallelCoordinatesCanvas::Axis metricAxis;
    metricAxis.title = y.title();
    metricAxis.unit.resize(size_t(n));
    metricAxis.missingLabel = tr("no finite value");
    std::optional<AxisScale> colorScale;
    const QString base =
        QStringLiteral("metric|") + y.key() + QLatin1Char('|') + MetricAxis::summaryName(y.summary());
    if (y.finiteCount() > 0) {
        const bool log = y.canUseLog() && m_logChoice.value(base, spansDecades(y.minimum(), y.maximum()));
        metricAxis.scale = AxisScale::fitted(y.minimum(), y.maximum(), log);
        metricAxis.canLog = y.canUseLog();
        metricAxis.id = base + (log ? QStringLiteral("|log") : QStringLiteral("|linear"));
        colorScale = metricAxis.scale;
        for (int i = 0; i < n; ++i) {
            if (const auto v = y.value(i)) {
                const double u = metricAxis.scale.toUnit(*v);
                metricAxis.unit[size_t(i)] = u;
                lines[size_t(i)].colorUnit = u;
            }
        }
    } else {
        metricAxis.id = base + QStringLiteral("|none");
    }
    for (int i = 0; i < n; ++i) {
        const auto raw = y.rawValue(i);
        tooltipRows[size_t(i)] << QStringLiteral("<b>%1 = %2</b>")
                                      .arg(y.title().toHtmlEscaped(),
                                           raw ? AxisScale::formatNumber(*raw) : tr("<i>missing</i>"));
        lines[size_t(i)].tooltip = QStringLiteral("<b>%1</b><br>%2")
                                       .arg(runLabel(m_runs[size_t(i)]).toHtmlEscaped(),
                                            tooltipRows[size_t(i)].join(QStringLiteral("<br>")));
    }
    axes.push_back(std::move(metricAxis));

    QStringList notes;
    notes << (missingNotes.isEmpty()
                  ? QString()
                  : tr("At the \"missing\" slot: %1.").arg(missingNotes.join(QStringLiteral(", "))));
    if (y.finiteCount() == 0)
        notes << tr("No run has a finite %1: every line is grey.").arg(y.title());
    else if (!y.unplottedText().isEmpty())
        notes << tr("Grey, at \"no finite value\": %1.").arg(y.unplottedText());
    notes.removeAll(QString());
    m_baseNote = notes.join(QLatin1Char(' '));
    m_canvas->setData(std::move(axes), std::move(lines), y.title(), colorScale);
    updateNote();
}

void ParallelCoordinatesView::updateNote()
{
    const int total = int(m_runs.size());
    QString text = m_baseNote;
    if (m_canvas->hasBrushes()) {
        const QString count =
            tr("%1 of %2 runs inside the brushes.").arg(m_canvas->brushedRunIds().size()).arg(total);
        text = text.isEmpty() ? count : count + QLatin1Char(' ') + text;
    } else if (m_canvas->message().isEmpty() && total > 0) {
        const QString hint = tr("%1 runs. Drag along an axis to brush.").arg(total);
        text = text.isEmpty() ? hint : hint + QLatin1Char(' ') + text;
    }
    m_note->setText(text);
    m_clear->setEnabled(m_canvas->hasBrushes());
}

} // namespace runlens
