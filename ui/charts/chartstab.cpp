// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/chartstab.h"

#include "charts/chartexport.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "itemmodels/runstatusstyle.h"
#include "series/systemmetrics.h"
#include "shell/appsettings.h"
#include "widgets/runcolormenu.h"
#include "widgets/flowlayout.h"

#include <algorithm>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCoreApplication>
#include <QFileDialog>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QSlider>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace runlens {

namespace {

constexpr int ChartHeight = 290;
constexpr int MinChartWidth = 430;
constexpr int HighlightMs = 1500; // how long a chart shown by showChart() stays framed

QString runName(const Run &r)
{
    return r.name.isEmpty() ? r.id.left(8) : r.name;
}

// The legend's icons: the run's colour, and beside it the live mark's dot while the run is still logging.
constexpr QSize SwatchSize(28, 14);

QIcon swatch(const QColor &c, RunStatus status = RunStatus::Finished)
{
    QPixmap pm(SwatchSize);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawRoundedRect(QRectF(1, 1, 12, 12), 3, 3);
    if (runstatus::isLive(status))
        runstatus::dot(status).paint(&p, QRect(15, 1, 12, 12));
    return QIcon(pm);
}

// The section a chart sits in: its key's "/" prefix; every system metric in one section, "system".
QString sectionOf(const QString &key)
{
    if (systemmetrics::isSystemKey(key))
        return QStringLiteral("system");
    const qsizetype slash = key.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : key.left(slash);
}

// Grid order: sections in order (the unprefixed metrics first), keys in order inside each, and the system
// section after every other.
bool gridOrder(const QString &a, const QString &b)
{
    const bool systemA = systemmetrics::isSystemKey(a), systemB = systemmetrics::isSystemKey(b);
    if (systemA != systemB)
        return systemB;
    if (const int c = QString::compare(sectionOf(a), sectionOf(b), Qt::CaseInsensitive))
        return c < 0;
    return QString::compare(a, b, Qt::CaseInsensitive) < 0;
}

} // namespace

ChartsTab::ChartsTab(const QString &databasePath, QWidget *parent)
    : QWidget(parent)
    , m_reader(std::make_unique<ChartReader>(databasePath))
{
    m_context.reader = m_reader.get();
    connect(m_reader.get(), &ChartReader::idle, this, &ChartsTab::loadingChanged);
    m_keyFilter = new QLineEdit(this);
    m_keyFilter->setObjectName(QStringLiteral("metricFilter"));
    m_keyFilter->setPlaceholderText(tr("Filter metrics (regular expression)"));
    m_keyFilter->setClearButtonEnabled(true);
    m_keyFilter->setMinimumWidth(170);
    m_keyFilter->setMaximumWidth(300);
    connect(m_keyFilter, &QLineEdit::textChanged, this, [this] { rebuildCharts(); });

    m_keysButton = new QToolButton(this);
    m_keysButton->setObjectName(QStringLiteral("metricKeysButton"));
    m_keysButton->setText(tr("Metrics…"));
    connect(m_keysButton, &QToolButton::clicked, this, &ChartsTab::chooseKeys);

    m_xAxis = new QComboBox(this);
    m_xAxis->setObjectName(QStringLiteral("xAxis"));
    m_xAxis->addItem(tr("Step"), int(ChartXAxis::Step));
    m_xAxis->addItem(tr("Wall time"), int(ChartXAxis::WallTime));
    m_xAxis->addItem(tr("Relative time"), int(ChartXAxis::RelativeTime));
    connect(m_xAxis, &QComboBox::currentIndexChanged, this, [this] {
        const ChartXAxis before = m_context.xAxis;
        m_context.xAxis = ChartXAxis(m_xAxis->currentData().toInt());
        appsettings::open().setValue(QStringLiteral("compare/xAxis"), chartXAxisName(m_context.xAxis));
        // Charts whose axis did not change (system metrics stay on relative time) keep their zoom and data.
        for (MetricChart *c : std::as_const(m_charts)) {
            if (systemmetrics::chartAxis(c->key(), before) == c->xAxis())
                continue;
            c->setXWindow(std::nullopt);
            c->reload();
        }
    });

    m_logY = new QCheckBox(tr("Log y"), this);
    m_logY->setObjectName(QStringLiteral("logY"));
    connect(m_logY, &QCheckBox::toggled, this, [this](bool on) {
        m_context.options.logY = on;
        appsettings::open().setValue(QStringLiteral("compare/logY"), on);
        repaintCharts();
    });
    m_outliers = new QCheckBox(tr("Ignore outliers"), this);
    m_outliers->setObjectName(QStringLiteral("ignoreOutliers"));
    m_outliers->setToolTip(tr("Fit the y axis to the 5th–95th percentile of the visible data"));
    connect(m_outliers, &QCheckBox::toggled, this, [this](bool on) {
        m_context.options.ignoreOutliers = on;
        appsettings::open().setValue(QStringLiteral("compare/ignoreOutliers"), on);
        repaintCharts();
    });

    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setObjectName(QStringLiteral("smoothing"));
    m_smoothing->setRange(0, 999);
    m_smoothing->setFixedWidth(110);
    m_smoothing->setToolTip(tr("Smoothing: TensorBoard's exponential moving average (0 = off)"));
    m_smoothingValue = new QLabel(QStringLiteral("0.000"), this);
    m_smoothingValue->setMinimumWidth(QFontMetrics(font()).horizontalAdvance(QStringLiteral("0.0000")));
    auto *smoothTimer = new QTimer(this);
    smoothTimer->setSingleShot(true);
    smoothTimer->setInterval(250);
    connect(smoothTimer, &QTimer::timeout, this, [this] {
        m_context.options.smoothing = m_smoothing->value() / 1000.0;
        appsettings::open().setValue(QStringLiteral("compare/smoothing"), m_smoothing->value()); // settled
        reloadCharts();
    });
    connect(m_smoothing, &QSlider::valueChanged, this, [this, smoothTimer](int v) {
        m_smoothingValue->setText(QString::number(v / 1000.0, 'f', 3));
        smoothTimer->start();
    });

    m_groupBy = new QComboBox(this);
    m_groupBy->setObjectName(QStringLiteral("groupBy"));
    m_groupBy->setToolTip(tr("Draw runs sharing a value as one mean line with a band (e.g. seeds)"));
    m_groupBy->setMinimumContentsLength(10);
    m_groupBy->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_band = new QComboBox(this);
    m_band->setObjectName(QStringLiteral("groupBand"));
    m_band->addItem(tr("Min–max"));
    m_band->addItem(tr("±1 std"));
    m_band->setToolTip(tr("The band around each group's mean line"));
    m_band->setEnabled(false);
    const auto regroup = [this] {
        m_groupField = m_groupBy->currentData().toString();
        m_context.options.stdDevBand = m_band->currentIndex() == 1;
        m_band->setEnabled(!m_groupField.isEmpty());
        applyGroups();
    };
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, regroup);
    connect(m_band, &QComboBox::currentIndexChanged, this, regroup);

    auto *exportButton = new QToolButton(this);
    exportButton->setObjectName(QStringLiteral("exportCharts"));
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *exportMenu = new QMenu(exportButton);
    exportMenu->addAction(tr("Save Grid as Image…"), this, [this] {
        QString filter;
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save Charts"), QStringLiteral("comparison.png"),
                                         tr("PNG image (*.png);;PNG image, twice the size (*.png);;SVG "
                                            "drawing (*.svg);;PDF document (*.pdf)"),
                                         &filter);
        if (path.isEmpty())
            return;
        startGridExport(path, filter.contains(QLatin1String("twice")) ? 2.0 : devicePixelRatioF());
    });
    exportMenu->addAction(tr("Save Grid for a Paper…"), this, &ChartsTab::saveForPaper);
    exportMenu->addAction(tr("Copy Grid Image"), this, [this] {
        if (m_charts.isEmpty())
            return;
        QSizeF size;
        chartexport::Painter picture = gridPicture(&size);
        ++m_exports;
        chartexport::imageInBackground(this, size, devicePixelRatioF(), std::move(picture),
                                       [this](const QImage &image) {
                                           --m_exports;
                                           if (image.isNull()) {
                                               Q_EMIT statusMessage(tr("The charts are too large to copy"));
                                               return;
                                           }
                                           QGuiApplication::clipboard()->setImage(image);
                                           Q_EMIT statusMessage(tr("Copied the charts to the clipboard"));
                                       });
    });
    exportMenu->addAction(tr("Export Plotted Data as CSV…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Plotted Data"), QStringLiteral("comparison.csv"), tr("CSV file (*.csv)"));
        if (!path.isEmpty())
            exportGridData(path);
    });
    exportButton->setMenu(exportMenu);

    // The bar wraps onto a second row in a narrow window rather than widening it; each label stays with
    // what it names.
    const auto group = [this](std::initializer_list<QWidget *> widgets) { return flowGroup(widgets, this); };
    auto *barWidget = new QWidget(this);
    barWidget->setObjectName(QStringLiteral("chartsBar"));
    auto *bar = new FlowLayout(barWidget, 8, 4);
    bar->addWidget(group({m_keyFilter, m_keysButton}));
    bar->addSpacing(8);
    bar->addWidget(group({new QLabel(tr("X:"), this), m_xAxis}));
    bar->addWidget(m_logY);
    bar->addWidget(m_outliers);
    bar->addSpacing(8);
    bar->addWidget(group({new QLabel(tr("Smoothing:"), this), m_smoothing, m_smoothingValue}));
    bar->addSpacing(8);
    m_groupControls = group({new QLabel(tr("Group by:"), this), m_groupBy, m_band});
    bar->addWidget(m_groupControls);
    bar->addStretch();
    bar->addWidget(exportButton);

    m_legend = new QListWidget(this);
    m_legend->setObjectName(QStringLiteral("compareLegend"));
    m_legend->setToolTip(tr("Untick a run to hide it in every chart"));
    m_legend->setIconSize(SwatchSize);
    // Names and group names are wrapped, never cut: a narrow legend grows rows instead of hiding the group
    // ("lr=0.001 (3)") that tells curves apart. Rows of two lengths: no uniform item sizes.
    m_legend->setWordWrap(true);
    m_legend->setTextElideMode(Qt::ElideNone);
    m_legend->setResizeMode(QListView::Adjust);
    connect(m_legend, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        setRunVisible(item->data(Qt::UserRole).toString(), item->checkState() == Qt::Checked);
    });
    m_legend->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_legend, &QWidget::customContextMenuRequested, this, &ChartsTab::showLegendMenu);
    setColorMap(nullptr); // one of its own until the page gives the window's

    m_grid = new QWidget;
    m_gridLayout = new QVBoxLayout(m_grid);
    m_gridLayout->setContentsMargins(0, 0, 4, 8);
    m_gridLayout->setSpacing(6);
    m_empty = new QLabel(m_grid);
    m_empty->setObjectName(QStringLiteral("compareEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->hide();
    m_gridLayout->addWidget(m_empty);
    m_gridLayout->addStretch(1);
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("chartsScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(m_grid);

    auto *split = new QSplitter(this);
    split->addWidget(m_legend);
    split->addWidget(m_scroll);
    split->setStretchFactor(1, 1);
    split->setSizes({210, 1000});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addWidget(barWidget);
    layout->addWidget(split, 1);

    // How charts are drawn is the person's habit, not the comparison's: it is kept from the last time.
    // (Which metrics are chosen belongs to the runs compared, and is not.)
    QSettings settings = appsettings::open();
    const int axis =
        m_xAxis->findData(int(chartXAxisFromName(settings.value(QStringLiteral("compare/xAxis")).toString())
                                  .value_or(ChartXAxis::Step)));
    m_xAxis->setCurrentIndex(std::max(0, axis));
    m_logY->setChecked(settings.value(QStringLiteral("compare/logY"), false).toBool());
    m_outliers->setChecked(settings.value(QStringLiteral("compare/ignoreOutliers"), false).toBool());
    const int smoothing = std::clamp(settings.value(QStringLiteral("compare/smoothing"), 0).toInt(), 0, 999);
    {
        const QSignalBlocker quiet(m_smoothing); // no reload: there is nothing to draw yet
        m_smoothing->setValue(smoothing);
    }
    m_smoothingValue->setText(QString::number(smoothing / 1000.0, 'f', 3));
    m_context.options.smoothing = smoothing / 1000.0; // now, not after the slider's settling delay
}

void ChartsTab::setColorMap(RunColorMap *map)
{
    if (m_colors) {
        m_colors->release(m_colorView);
        disconnect(m_colors, nullptr, this, nullptr);
    }
    m_colors = map ? map : new RunColorMap(this);
    m_colorView = QStringLiteral("charts@%1").arg(quintptr(this), 0, 16);
    connect(m_colors, &QObject::destroyed, this, [this](QObject *gone) {
        if (gone == m_colors)
            m_colors = nullptr;
    });
    connect(m_colors, &RunColorMap::colorsChanged, this, &ChartsTab::updateColors);
    if (!m_runs.empty()) {
        holdColors(m_runs);
        updateColors();
    }
}

void ChartsTab::holdColors(const std::vector<Run> &runs)
{
    if (!m_colors)
        return;
    // The styles are filled by the caller: the tab's own answer to colorsChanged waits.
    m_holdingColors = true;
    m_colors->hold(m_colorView, RunColorMap::membersOf(runs));
    m_holdingColors = false;
}

void ChartsTab::updateColors()
{
    if (!m_colors || m_holdingColors)
        return;
    bool changed = false;
    for (const Run &r : m_runs) {
        ChartRunStyle &style = m_context.styles[r.id];
        const QColor c = m_colors->colorOf(r.id);
        changed = changed || c != style.color;
        style.color = c;
    }
    if (changed)
        applyGroups(); // the legend's swatches, and a repaint
}

void ChartsTab::showLegendMenu(const QPoint &pos)
{
    const QListWidgetItem *item = m_legend->itemAt(pos);
    if (!item)
        return;
    const QString id = item->data(Qt::UserRole).toString();
    const auto run = std::find_if(m_runs.begin(), m_runs.end(), [&](const Run &r) { return r.id == id; });
    if (run == m_runs.end())
        return;
    QMenu menu(this);
    runcolormenu::add(&menu, m_context.styles.value(id).color, RunColors::pinOf(run->tags).isValid(), this,
                      [this, id](const QColor &c) { Q_EMIT runColorChosen({id}, c); });
    menu.exec(m_legend->viewport()->mapToGlobal(pos));
}

void ChartsTab::setRuns(const std::vector<Run> &runs)
{
    m_runs = runs;
    m_context.runs.clear();
    m_context.styles.clear();
    holdColors(m_runs); // runs drawn together, distinct while the palette has room
    QSet<QString> keys;
    for (const Run &r : m_runs) {
        m_context.runs.push_back({r.id, r.startMs});
        m_context.styles.insert(r.id, {runName(r), m_colors ? m_colors->colorOf(r.id) : QColor(), true});
        for (auto it = r.metrics.cbegin(); it != r.metrics.cend(); ++it)
            keys.insert(it.key());
    }
    m_keys = QStringList(keys.cbegin(), keys.cend());
    std::sort(m_keys.begin(), m_keys.end(), gridOrder);
    fillLegend();
    fillGroupChoices();
    applyGroups();
    rebuildCharts();
    // The charts kept by key hold the runs compared before: they read the new ones too.
    for (MetricChart *c : std::as_const(m_charts))
        c->scheduleReload();
}

void ChartsTab::refreshRuns(const std::vector<Run> &runs)
{
    const bool sameRuns = std::equal(runs.begin(), runs.end(), m_runs.begin(), m_runs.end(),
                                     [](const Run &a, const Run &b) { return a.id == b.id; });
    if (!sameRuns) {
        setRuns(runs); // a run deleted meanwhile
        return;
    }
    // Only the charts of keys that gained points read a tail. A run that ended is a natural moment for a
    // whole read of its keys' charts: their overview replaces the folded columns.
    holdColors(runs); // a pin set or removed meanwhile
    QSet<QString> grown, ended;
    QSet<QString> keys(m_keys.cbegin(), m_keys.cend());
    const qsizetype keyCount = keys.size();
    for (size_t i = 0; i < runs.size(); ++i) {
        const Run &r = runs[i];
        const bool runEnded = runstatus::isLive(m_runs[i].status) && !runstatus::isLive(r.status);
        for (auto it = r.metrics.cbegin(); it != r.metrics.cend(); ++it) {
            keys.insert(it.key());
            if (runEnded)
                ended.insert(it.key());
            else if (it->count != m_runs[i].metrics.value(it.key()).count)
                grown.insert(it.key());
        }
        ChartRunStyle &style = m_context.styles[r.id];
        style.name = runName(r);
        style.color = m_colors ? m_colors->colorOf(r.id) : QColor();
    }
    m_runs = runs;
    if (keys.size() != keyCount) {
        m_keys = QStringList(keys.cbegin(), keys.cend());
        std::sort(m_keys.begin(), m_keys.end(), gridOrder); // as setRuns: the System section stays last
        rebuildCharts(); // new keys' charts read themselves; the others keep their data and zoom
    }
    fillGroupChoices();
    applyGroups(); // the legend's names and live marks, and a repaint
    for (MetricChart *c : std::as_const(m_charts)) {
        if (ended.contains(c->key()))
            c->reload();
        else if (grown.contains(c->key()))
            c->appendNewPoints();
    }
}

void ChartsTab::setRunsLoading(bool loading)
{
    m_loadingRuns = loading;
}

ChartsTab::~ChartsTab()
{
    if (m_colors)
        m_colors->release(m_colorView);
    // Charts answer through the reader: they go first.
    qDeleteAll(m_charts);
    m_charts.clear();
}

void ChartsTab::fillLegend()
{
    const QSignalBlocker block(m_legend);
    m_legend->clear();
    for (const Run &r : m_runs) {
        const ChartRunStyle &style = m_context.styles[r.id];
        auto *item = new QListWidgetItem(swatch(style.color),
                                         display::elidedLine(style.name, display::MaxLabelChars), m_legend);
        item->setData(Qt::UserRole, r.id);
        item->setToolTip(display::tooltipText(QStringLiteral("%1\n%2").arg(r.id, style.name)));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(style.visible ? Qt::Checked : Qt::Unchecked);
    }
}

void ChartsTab::fillGroupChoices()
{
    const QString current = m_groupBy->currentData().toString();
    const QSignalBlocker block(m_groupBy);
    m_groupBy->clear();
    m_groupBy->addItem(tr("None"), QString());
    QSet<QString> params, tags;
    for (const Run &r : m_runs) {
        for (auto it = r.params.cbegin(); it != r.params.cend(); ++it)
            params.insert(it.key());
        for (auto it = r.tags.cbegin(); it != r.tags.cend(); ++it) {
            if (!it.key().startsWith(QLatin1String("mlflow.")) && it.key() != QLatin1String(RunColorTag))
                tags.insert(it.key());
        }
    }
    QStringList p(params.cbegin(), params.cend()), t(tags.cbegin(), tags.cend());
    p.sort();
    t.sort();
    for (const QString &k : std::as_const(p))
        m_groupBy->addItem(QStringLiteral("params.%1").arg(k), QStringLiteral("params.%1").arg(k));
    for (const QString &k : std::as_const(t))
        m_groupBy->addItem(QStringLiteral("tags.%1").arg(k), QStringLiteral("tags.%1").arg(k));
    m_groupBy->setCurrentIndex(std::max(0, m_groupBy->findData(current)));
    m_groupField = m_groupBy->currentData().toString();
}

void ChartsTab::applyGroups()
{
    m_context.groups.clear();
    if (!m_groupField.isEmpty()) {
        const bool isParam = m_groupField.startsWith(QLatin1String("params."));
        const QString key = m_groupField.section(QLatin1Char('.'), 1);
        QMap<QString, QStringList> members; // value -> runs, in value order
        for (const Run &r : m_runs) {
            const auto &map = isParam ? r.params : r.tags;
            members[map.contains(key) ? map.value(key) : tr("(none)")].append(r.id);
        }
        const QList<QColor> &palette = RunColors::palette();
        int i = 0;
        for (auto it = members.cbegin(); it != members.cend(); ++it, ++i)
            m_context.groups.push_back(
                {QStringLiteral("%1=%2 (%3)").arg(key, it.key()).arg(it.value().size()),
                 palette[i % palette.size()], it.value()});
    }
    // The legend lists the groups' colours beside each run while grouping.
    const QSignalBlocker block(m_legend);
    for (int row = 0; row < m_legend->count(); ++row) {
        QListWidgetItem *item = m_legend->item(row);
        const QString id = item->data(Qt::UserRole).toString();
        QColor color = m_context.styles.value(id).color;
        const auto run = std::find_if(m_runs.begin(), m_runs.end(), [&](const Run &r) { return r.id == id; });
        const RunStatus status = run != m_runs.end() ? run->status : RunStatus::Finished;
        QString text = runstatus::withLiveMark(
            display::elidedLine(m_context.styles.value(id).name, display::MaxLabelChars), status);
        for (const ChartGroup &g : m_context.groups) {
            if (g.runIds.contains(id)) {
                color = g.color;
                text += QStringLiteral("  —  ") + display::elidedLine(g.name, display::MaxLabelChars);
            }
        }
        item->setIcon(swatch(color, status));
        item->setText(text);
        item->setToolTip(display::tooltipText(QStringLiteral("%1\n%2").arg(id, text)));
    }
    repaintCharts();
}

QStringList ChartsTab::shownKeys() const
{
    QStringList out;
    const QRegularExpression re(m_keyFilter->text(), QRegularExpression::CaseInsensitiveOption);
    for (const QString &k : m_keys) {
        if (!m_chosen.isEmpty() && !m_chosen.contains(k))
            continue;
        if (re.isValid() && !re.match(k).hasMatch())
            continue;
        out.append(k);
    }
    return out;
}

void ChartsTab::setChosenKeys(const QStringList &keys)
{
    m_chosen = keys;
    rebuildCharts();
}

void ChartsTab::setKeyFilter(const QString &regex)
{
    m_keyFilter->setText(regex);
}

void ChartsTab::chooseKeys()
{
    QMenu menu(this);
    auto *all = menu.addAction(tr("Show All"));
    connect(all, &QAction::triggered, this, [this] { setChosenKeys({}); });
    menu.addSeparator();
    for (const QString &k : std::as_const(m_keys)) {
        QAction *a = menu.addAction(k);
        a->setCheckable(true);
        a->setChecked(m_chosen.isEmpty() || m_chosen.contains(k));
        connect(a, &QAction::toggled, this, [this, k](bool on) {
            QStringList chosen = m_chosen.isEmpty() ? m_keys : m_chosen;
            if (on && !chosen.contains(k))
                chosen.append(k);
            if (!on)
                chosen.removeAll(k);
            setChosenKeys(chosen.size() == m_keys.size() ? QStringList() : chosen);
        });
    }
    menu.exec(m_keysButton->mapToGlobal(QPoint(0, m_keysButton->height())));
}

int ChartsTab::gridColumns() const
{
    const int width = m_scroll ? m_scroll->viewport()->width() : 1000;
    return std::clamp(width / MinChartWidth, 1, 4);
}

void ChartsTab::rebuildCharts()
{
    const QRegularExpression re(m_keyFilter->text());
    m_keyFilter->setStyleSheet(re.isValid() ? QString()
                                            : QStringLiteral("QLineEdit { border: 1px solid #d0453a; }"));
    m_keyFilter->setToolTip(re.isValid() ? QString()
                                         : tr("Not a regular expression: %1 (at %2); every metric is shown")
                                               .arg(re.errorString())
                                               .arg(re.patternErrorOffset()));
    const QStringList keys = shownKeys();
    // Charts of keys still shown are kept (with their zoom); the others go.
    QHash<QString, MetricChart *> kept;
    for (MetricChart *c : std::as_const(m_charts)) {
        if (keys.contains(c->key())) {
            kept.insert(c->key(), c);
            c->setParent(nullptr);
        } else {
            delete c;
        }
    }
    m_charts.clear();
    qDeleteAll(m_sections);
    m_sections.clear();
    for (const QString &k : keys) {
        MetricChart *c = kept.value(k);
        if (!c) {
            c = new MetricChart(&m_context, k);
            c->setObjectName(QStringLiteral("chart:") + k);
            connect(c, &MetricChart::loadingChanged, this, &ChartsTab::loadingChanged);
            connect(c, &MetricChart::statusMessage, this, &ChartsTab::statusMessage);
            connect(c, &MetricChart::dataChanged, this, &ChartsTab::shareXRanges);
        }
        c->setMinimumHeight(ChartHeight);
        m_charts.append(c);
    }
    if (m_runs.empty() && !m_loadingRuns)
        m_empty->setText(tr("None of these runs exists any more."));
    else if (m_keys.isEmpty() && m_singleRun)
        m_empty->setText(tr("This run has logged no metrics yet. Its charts appear here as soon as it "
                            "logs one."));
    else if (m_keys.isEmpty())
        m_empty->setText(
            tr("These runs have no metrics to chart. Their parameters are compared in the other tabs."));
    else if (keys.isEmpty())
        m_empty->setText(tr("No metric matches the filter."));
    m_empty->setVisible(!m_loadingRuns && keys.isEmpty());
    m_columns = 0;
    layoutCharts();
    shareXRanges(); // charts that went took their ranges with them
    for (MetricChart *c : std::as_const(m_charts)) {
        if (!kept.contains(c->key()))
            c->scheduleReload(); // once laid out: at its real width
    }
}

void ChartsTab::shareXRanges()
{
    // Per x axis: the union of what its charts hold (system metrics are on relative time beside steps).
    QHash<int, std::pair<qint64, qint64>> ranges;
    for (const MetricChart *c : std::as_const(m_charts)) {
        if (const auto e = c->dataExtent()) {
            const int axis = int(c->xAxis());
            const auto it = ranges.constFind(axis);
            ranges.insert(axis, it == ranges.cend() ? *e
                                                    : std::pair{std::min(it->first, e->first),
                                                                std::max(it->second, e->second)});
        }
    }
    for (MetricChart *c : std::as_const(m_charts)) {
        const auto it = ranges.constFind(int(c->xAxis()));
        c->setSharedXRange(it == ranges.cend() ? std::nullopt : std::optional(*it));
    }
}

void ChartsTab::layoutCharts()
{
    const int columns = gridColumns();
    if (columns == m_columns && !m_sections.isEmpty())
        return;
    m_columns = columns;
    for (MetricChart *c : std::as_const(m_charts))
        c->setParent(nullptr);
    qDeleteAll(m_sections);
    m_sections.clear();
    QString currentSection = QStringLiteral("\x01");
    QGridLayout *grid = nullptr;
    int index = 0;
    int insertAt = 1; // after the empty-state label
    for (MetricChart *c : std::as_const(m_charts)) {
        const QString section = sectionOf(c->key());
        if (section != currentSection || !grid) {
            currentSection = section;
            int count = 0;
            for (MetricChart *o : std::as_const(m_charts))
                count += sectionOf(o->key()) == section;
            auto *toggle = new QToolButton(m_grid);
            toggle->setObjectName(QStringLiteral("section:") + section);
            const QString title = section.isEmpty() ? tr("Metrics")
                                  : systemmetrics::isSystemKey(c->key())
                                      ? tr("System")
                                      : display::elidedLine(section, display::MaxLabelChars);
            toggle->setText(QStringLiteral("%1  (%2)").arg(title).arg(count));
            toggle->setCheckable(true);
            toggle->setChecked(true);
            toggle->setArrowType(Qt::DownArrow);
            toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
            toggle->setAutoRaise(true);
            QFont bold = toggle->font();
            bold.setBold(true);
            toggle->setFont(bold);
            auto *box = new QWidget(m_grid);
            grid = new QGridLayout(box);
            grid->setContentsMargins(0, 0, 0, 0);
            grid->setSpacing(6);
            connect(toggle, &QToolButton::toggled, box, [toggle, box](bool open) {
                box->setVisible(open);
                toggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
            });
            m_gridLayout->insertWidget(insertAt++, toggle);
            m_gridLayout->insertWidget(insertAt++, box);
            m_sections << toggle << box;
            toggle->show();
            box->show();
            index = 0;
        }
        c->setParent(grid->parentWidget());
        grid->addWidget(c, index / columns, index % columns);
        for (int col = 0; col < columns; ++col)
            grid->setColumnStretch(col, 1);
        c->show();
        ++index;
    }
}

void ChartsTab::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (gridColumns() != m_columns && !m_charts.isEmpty())
        layoutCharts();
    if (m_revealed)
        reveal();
}

void ChartsTab::reloadCharts()
{
    for (MetricChart *c : std::as_const(m_charts))
        c->reload();
}

void ChartsTab::repaintCharts()
{
    for (MetricChart *c : std::as_const(m_charts))
        c->update();
}

void ChartsTab::setSingleRun(bool single)
{
    m_singleRun = single;
    m_legend->setVisible(!single);
    m_groupControls->setVisible(!single);
    if (single)
        setGroupBy({});
}

MetricChart *ChartsTab::chart(const QString &key) const
{
    const auto it =
        std::find_if(m_charts.begin(), m_charts.end(), [&key](MetricChart *c) { return c->key() == key; });
    return it != m_charts.end() ? *it : nullptr;
}

bool ChartsTab::showChart(const QString &key)
{
    MetricChart *c = chart(key);
    if (!c) {
        // Hidden by the filter or the chooser: shown again, with the others it hid.
        if (!m_keys.contains(key))
            return false;
        m_keyFilter->clear();
        setChosenKeys({});
        c = chart(key);
        if (!c)
            return false;
    }
    // Its section open, then into view once the grid is laid out at its size.
    for (QWidget *w : std::as_const(m_sections)) {
        auto *toggle = qobject_cast<QToolButton *>(w);
        if (toggle && toggle->objectName() == QStringLiteral("section:") + sectionOf(key))
            toggle->setChecked(true);
    }
    m_revealed = c;
    highlight(c);
    reveal();
    return true;
}

// Scrolls the chart being shown into view once the grid is laid out at its size (it may still be settling:
// a tab just shown, a relayout to another column count), and keeps it there until its frame goes.
void ChartsTab::reveal()
{
    QTimer::singleShot(0, this, [this] {
        if (!m_revealed)
            return;
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        // At the top of the view (as far as the grid scrolls), not just inside its bottom edge.
        m_scroll->verticalScrollBar()->setValue(m_revealed->mapTo(m_grid, QPoint(0, 0)).y() - 6);
        m_scroll->ensureWidgetVisible(m_revealed, 0, 0);
        if (auto *frame =
                m_revealed->findChild<QFrame *>(QStringLiteral("chartHighlight"), Qt::FindDirectChildrenOnly))
            frame->setGeometry(m_revealed->rect());
    });
}

// A frame around the chart for a moment, so that the eye finds it among the others.
void ChartsTab::highlight(MetricChart *c)
{
    delete c->findChild<QFrame *>(QStringLiteral("chartHighlight"), Qt::FindDirectChildrenOnly);
    auto *frame = new QFrame(c);
    frame->setObjectName(QStringLiteral("chartHighlight"));
    frame->setAttribute(Qt::WA_TransparentForMouseEvents);
    frame->setFrameShape(QFrame::NoFrame);
    frame->setStyleSheet(QStringLiteral("#chartHighlight { border: 3px solid %1; border-radius: 4px; }")
                             .arg(palette().color(QPalette::Highlight).name()));
    frame->setGeometry(c->rect());
    frame->show();
    connect(frame, &QObject::destroyed, this, [this, c] {
        if (m_revealed == c)
            m_revealed.clear();
    });
    QTimer::singleShot(HighlightMs, frame, &QObject::deleteLater);
}

QList<MetricChart *> ChartsTab::charts() const
{
    return m_charts;
}

bool ChartsTab::isLoading() const
{
    return std::any_of(m_charts.begin(), m_charts.end(), [](MetricChart *c) { return c->isLoading(); });
}

void ChartsTab::setXAxis(ChartXAxis axis)
{
    m_xAxis->setCurrentIndex(m_xAxis->findData(int(axis)));
}

void ChartsTab::setLogY(bool on)
{
    m_logY->setChecked(on);
}

void ChartsTab::setIgnoreOutliers(bool on)
{
    m_outliers->setChecked(on);
}

void ChartsTab::setSmoothing(double weight)
{
    m_smoothing->setValue(int(std::lround(std::clamp(weight, 0.0, 0.999) * 1000)));
    m_context.options.smoothing = m_smoothing->value() / 1000.0;
    appsettings::open().setValue(QStringLiteral("compare/smoothing"), m_smoothing->value());
    reloadCharts();
}

void ChartsTab::setGroupBy(const QString &field, bool stdDevBand)
{
    m_band->setCurrentIndex(stdDevBand ? 1 : 0);
    m_groupBy->setCurrentIndex(std::max(0, m_groupBy->findData(field)));
}

void ChartsTab::setRunVisible(const QString &runId, bool visible)
{
    auto it = m_context.styles.find(runId);
    if (it == m_context.styles.end())
        return;
    it->visible = visible;
    for (int row = 0; row < m_legend->count(); ++row) {
        QListWidgetItem *item = m_legend->item(row);
        if (item->data(Qt::UserRole).toString() == runId) {
            const QSignalBlocker block(m_legend);
            item->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
        }
    }
    repaintCharts();
}

ChartGrid ChartsTab::grid(const ChartGridStyle &style) const
{
    QStringList order;
    for (const Run &r : m_runs)
        order << r.id;
    return ChartGrid(int(m_charts.size()), m_columns, m_context.styles, m_context.groups, order, palette(),
                     style);
}

void ChartsTab::startPaperExport(const QString &path, const PaperExportOptions &options)
{
    if (m_charts.isEmpty()) {
        Q_EMIT exportFinished(path, tr("There is no chart to export."));
        return;
    }
    ChartGridStyle style;
    style.title = options.title;
    QFont font = QGuiApplication::font();
    font.setPointSizeF(options.fontPoints);
    style.font = font;
    style.legend = options.legend;
    auto picture = std::make_shared<const ChartGrid>(grid(style));
    std::vector<ChartGridCell> cells;
    for (MetricChart *c : m_charts)
        cells.push_back(c->gridCell());
    ++m_exports;
    chartexport::saveInBackground(
        this, tr("Save Charts"), path, chartexport::logicalSizeOfMillimetres(options.millimetres),
        options.dpi / chartexport::LogicalDpi,
        [picture, cells = std::move(cells)](QPainter &p, const QRectF &b, qreal s, bool v) {
            picture->paint(p, b, s, v, cells);
        },
        [this](const QString &message) { Q_EMIT statusMessage(message); },
        [this, path](const QString &error) {
            --m_exports;
            Q_EMIT exportFinished(path, error);
        },
        options.millimetres);
}

void ChartsTab::saveForPaper()
{
    auto *dialog = new PaperExportDialog(m_paperOptions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_paperOptions = dialog->options();
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save Charts"), QStringLiteral("figure.pdf"),
                                         tr("PDF document (*.pdf);;SVG drawing (*.svg);;PNG image (*.png)"));
        if (!path.isEmpty())
            startPaperExport(path, m_paperOptions);
    });
    dialog->open();
}

chartexport::Painter ChartsTab::gridPicture(QSizeF *size) const
{
    const int columns = std::clamp(m_columns, 1, std::max(1, int(m_charts.size())));
    const double width = (m_charts.isEmpty() ? 600 : std::max(300, m_charts.first()->width())) * columns;
    const int rows = int((m_charts.size() + columns - 1) / columns);
    auto picture = std::make_shared<const ChartGrid>(grid());
    // Each chart at its size on screen, the legend below.
    *size = QSizeF(width, double(std::max(1, rows)) * ChartHeight + picture->legendHeight(width));
    std::vector<ChartGridCell> cells;
    for (MetricChart *c : m_charts)
        cells.push_back(c->gridCell());
    return [picture, cells = std::move(cells)](QPainter &p, const QRectF &b, qreal s, bool v) {
        picture->paint(p, b, s, v, cells);
    };
}

bool ChartsTab::exportGrid(const QString &path, qreal scale, QString *error) const
{
    if (m_charts.isEmpty()) {
        if (error)
            *error = tr("There is no chart to export.");
        return false;
    }
    QSizeF size;
    const chartexport::Painter picture = gridPicture(&size);
    return chartexport::write(path, size, scale, picture, error);
}

void ChartsTab::startGridExport(const QString &path, qreal scale)
{
    if (m_charts.isEmpty()) {
        Q_EMIT exportFinished(path, tr("There is no chart to export."));
        return;
    }
    QSizeF size;
    chartexport::Painter picture = gridPicture(&size);
    ++m_exports;
    chartexport::saveInBackground(
        this, tr("Save Charts"), path, size, scale, std::move(picture),
        [this](const QString &message) { Q_EMIT statusMessage(message); },
        [this, path](const QString &error) {
            --m_exports;
            Q_EMIT exportFinished(path, error);
        });
}

QString ChartsTab::gridDataCsv() const
{
    // Charts on one axis: its name heads the x column. Charts on two (system metrics on relative time beside
    // others on steps): the x column is "x" and each row names its axis in a last column.
    const bool mixed = std::any_of(m_charts.begin(), m_charts.end(), [this](MetricChart *c) {
        return c->xAxis() != m_charts.first()->xAxis();
    });
    QString out;
    for (MetricChart *c : m_charts) {
        const QString csv = c->dataCsv(mixed);
        out += out.isEmpty() ? csv : csv.mid(csv.indexOf(QLatin1Char('\n')) + 1);
    }
    return out;
}

void ChartsTab::exportGridData(const QString &path)
{
    ++m_exports;
    chartexport::saveTextInBackground(this, tr("Export Plotted Data"), path, gridDataCsv().toUtf8(),
                                      [this, path](const QString &error) {
                                          --m_exports;
                                          Q_EMIT dataExported(path, error);
                                      });
}

} // namespace runlens
