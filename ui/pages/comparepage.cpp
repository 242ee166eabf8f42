// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/comparepage.h"

#include "actions/runactions.h"
#include "charts/chartstab.h"
#include "charts/parallelcoordinatesview.h"
#include "charts/paramscatterview.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/rundiffmodel.h"
#include "store/storeworker.h"
#include "store/workerjobs.h"
#include "widgets/rundiffview.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QSet>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

ComparePage::ComparePage(StoreWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_actions(new RunActions(worker, this))
    , m_colorView(QStringLiteral("compare@%1").arg(quintptr(this), 0, 16))
{

    auto *back = new QToolButton(this);
    back->setObjectName(QStringLiteral("compareBack"));
    back->setText(tr("‹ Runs"));
    back->setToolTip(tr("Back to the runs (Esc)"));
    back->setAutoRaise(true);
    connect(back, &QToolButton::clicked, this, &ComparePage::backRequested);
    auto *escape = new QAction(this);
    escape->setText(tr("Back"));
    escape->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(Qt::ALT | Qt::Key_Left)});
    escape->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QAction::triggered, this, &ComparePage::backRequested);
    addAction(escape);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("compareTitle"));
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.25);
    f.setBold(true);
    m_title->setFont(f);

    auto *header = new QHBoxLayout;
    header->addWidget(back);
    header->addWidget(m_title, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("compareTabs"));
    m_tabs->setDocumentMode(true);
    m_chartsTab = new ChartsTab(worker->databasePath(), this);
    m_chartsTab->setObjectName(QStringLiteral("chartsTab"));
    m_tabs->addTab(m_chartsTab, tr("Charts"));
    connect(m_chartsTab, &ChartsTab::loadingChanged, this, &ComparePage::loadingChanged);
    connect(m_chartsTab, &ChartsTab::statusMessage, this, &ComparePage::statusMessage);
    connect(m_chartsTab, &ChartsTab::exportFinished, this, &ComparePage::exportFinished);
    m_diff = new RunDiffView(this);
    m_diff->setObjectName(QStringLiteral("runDiff"));
    m_tabs->addTab(m_diff, tr("Parameters"));
    m_scatter = new ParamScatterView(this);
    m_scatter->setObjectName(QStringLiteral("paramScatter"));
    m_tabs->addTab(m_scatter, tr("Param vs Metric"));
    m_parallel = new ParallelCoordinatesView(this);
    m_parallel->setObjectName(QStringLiteral("parallelCoordinates"));
    m_tabs->addTab(m_parallel, tr("Parallel Coordinates"));
    connect(m_scatter, &ParamScatterView::runActivated, this, &ComparePage::runActivated);
    connect(m_parallel, &ParallelCoordinatesView::runActivated, this, &ComparePage::runActivated);
    // Brushing narrows the comparison: runs outside the brushes leave the charts and the legend's ticks.
    connect(m_parallel, &ParallelCoordinatesView::brushedRunsChanged, this, [this](const QStringList &ids) {
        const QSet<QString> keep(ids.cbegin(), ids.cend());
        for (const Run &r : m_runs)
            m_chartsTab->setRunVisible(r.id, keep.contains(r.id));
        Q_EMIT statusMessage(
            tr("Showing %1 of %n run(s) in the charts", nullptr, int(m_runs.size())).arg(keep.size()));
    });

    // A colour pinned from the legend: written on the worker, then the runs are read again with their tag.
    connect(m_chartsTab, &ChartsTab::runColorChosen, m_actions, &RunActions::setRunsColor);
    connect(m_actions, &RunActions::runsColorChanged, this, [this] {
        refresh();
        Q_EMIT runsChanged();
    });
    connect(m_actions, &RunActions::failed, this, [this](const QString &what, const QString &why) {
        Q_EMIT statusMessage(tr("%1: %2").arg(what, why));
    });
    setColorMap(nullptr);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 0);
    layout->addLayout(header);
    layout->addWidget(m_tabs, 1);
}

ComparePage::~ComparePage()
{
    if (m_colors)
        m_colors->release(m_colorView);
}

void ComparePage::setColorMap(RunColorMap *map)
{
    if (m_colors)
        m_colors->release(m_colorView);
    m_colors = map ? map : new RunColorMap(this);
    connect(m_colors, &QObject::destroyed, this, [this](QObject *gone) {
        if (gone == m_colors)
            m_colors = nullptr;
    });
    holdColors();
    m_chartsTab->setColorMap(m_colors);
    m_diff->model()->setColorMap(m_colors);
    m_scatter->setColorMap(m_colors);
}

void ComparePage::holdColors()
{
    // Every tab shows the same runs: they are held once, in the order compared, before the tabs ask.
    if (m_colors)
        m_colors->hold(m_colorView, RunColorMap::membersOf(m_runs));
}

void ComparePage::showRuns(const QStringList &runIds)
{
    m_runIds = runIds;
    m_runIds.removeDuplicates();
    m_title->setText(tr("Comparing %n run(s)", nullptr, int(m_runIds.size())));
    const quint64 generation = ++m_generation;
    m_loadingRuns = true;
    m_chartsTab->setRunsLoading(true);
    Q_EMIT loadingChanged();
    const QStringList ids = m_runIds;
    jobs::readRuns(
        m_worker, this, ids,
        [this, generation](std::vector<Run> runs) {
            if (generation != m_generation)
                return;
            m_loadingRuns = false;
            m_chartsTab->setRunsLoading(false);
            runsLoaded(std::move(runs));
            Q_EMIT loadingChanged();
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_loadingRuns = false;
            m_chartsTab->setRunsLoading(false);
            Q_EMIT statusMessage(tr("Cannot load the runs to compare: %1").arg(message));
            Q_EMIT loadingChanged();
        });
}

void ComparePage::refresh()
{
    if (m_runIds.isEmpty())
        return;
    if (m_loadingRuns || m_refreshing) {
        m_refreshPending = m_refreshing; // a load under way reads the newest anyway
        return;
    }
    m_refreshing = true;
    m_refreshPending = false;
    const quint64 generation = m_generation;
    const auto finished = [this] {
        m_refreshing = false;
        if (m_refreshPending)
            refresh();
    };
    jobs::readRuns(
        m_worker, this, m_runIds,
        [this, generation, finished](std::vector<Run> runs) {
            if (generation == m_generation) {
                m_runs = std::move(runs);
                holdColors();
                setTitle();
                m_chartsTab->refreshRuns(m_runs);
            }
            finished();
        },
        [this, finished](const QString &message) {
            Q_EMIT statusMessage(tr("Cannot read the compared runs again: %1").arg(message));
            finished();
        });
}

void ComparePage::setTitle()
{
    const int missing = int(m_runIds.size() - qsizetype(m_runs.size()));
    m_title->setText(tr("Comparing %n run(s)", nullptr, int(m_runs.size())) +
                     (missing > 0 ? tr(" (%n no longer exist)", nullptr, missing) : QString()));
}

void ComparePage::runsLoaded(std::vector<Run> runs)
{
    m_runs = std::move(runs);
    holdColors();
    setTitle();
    m_diff->setRuns(m_runs);
    m_scatter->setRuns(m_runs);
    m_parallel->setRuns(m_runs);
    m_chartsTab->setRuns(m_runs);
}

bool ComparePage::isLoading() const
{
    return m_loadingRuns || m_chartsTab->isLoading();
}

} // namespace runlens
