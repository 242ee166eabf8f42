// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/rundiffview.h"

#include "core/atomicfile.h"
#include "core/background.h"
#include "itemmodels/roles.h"
#include "widgets/flowlayout.h"
#include "widgets/rundiffheaderview.h"

#include <algorithm>
#include <map>
#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHash>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <set>

namespace runlens {

namespace {
constexpr int NoteMs = 4000;      // how long "Copied …" stays before the summary returns
constexpr int MeasuredRows = 600; // rows measured when fitting a column; enough to see its typical width
constexpr int CellMargin = 14;    // the delegate's text margins and a little air
constexpr int ChoiceChars = 12;   // a typical run name or "loss (min)"; longer ones elide

// Counted nouns without a translation loaded: "1 row", "2 rows".
QString counted(int n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(n);
}

QString sortChoiceText(const QString &key, RunDiffModel::MetricStat stat)
{
    switch (stat) {
    case RunDiffModel::MetricStat::Min:
        return RunDiffView::tr("%1 (min)").arg(key);
    case RunDiffModel::MetricStat::Max:
        return RunDiffView::tr("%1 (max)").arg(key);
    case RunDiffModel::MetricStat::Last:
        break;
    }
    return key;
}
} // namespace

RunDiffView::RunDiffView(QWidget *parent)
    : QWidget(parent)
    , m_model(new RunDiffModel(this))
    , m_onlyDifferences(new QCheckBox(tr("Only &differences"), this))
    , m_metricRange(new QCheckBox(tr("Metric min/&max"), this))
    , m_baseline(new QComboBox(this))
    , m_sortBy(new QComboBox(this))
    , m_sortOrder(new QToolButton(this))
    , m_copyCsv(new QPushButton(tr("Copy as CSV"), this))
    , m_copyMarkdown(new QPushButton(tr("Copy as Markdown"), this))
    , m_export(new QPushButton(tr("E&xport…"), this))
    , m_summary(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_table(new QTableView(this))
    , m_empty(new QLabel(this))
    , m_copyCells(new QAction(tr("&Copy"), m_table))
{
    m_onlyDifferences->setObjectName(QStringLiteral("onlyDifferences"));
    m_onlyDifferences->setToolTip(tr("Show only the rows whose values are not the same in every run"));
    m_metricRange->setObjectName(QStringLiteral("metricRange"));
    m_metricRange->setToolTip(tr("Add each metric's smallest and largest value under its last value"));
    m_baseline->setObjectName(QStringLiteral("baseline"));
    m_baseline->setToolTip(tr("Compare every run with this one: changed cells are bold, metrics show the "
                              "change"));
    // Combos sized for a typical name, not the longest: the tab must fit beside the sidebar on a laptop.
    m_baseline->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_baseline->setMinimumContentsLength(ChoiceChars);
    m_sortBy->setObjectName(QStringLiteral("sortBy"));
    m_sortBy->setToolTip(tr("Order the run columns by a metric (runs without it go last)"));
    m_sortBy->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_sortBy->setMinimumContentsLength(ChoiceChars);
    m_sortOrder->setObjectName(QStringLiteral("sortOrder"));
    m_sortOrder->setCheckable(true);
    m_sortOrder->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copyCsv->setObjectName(QStringLiteral("copyCsv"));
    m_copyCsv->setToolTip(tr("Copy the rows shown as CSV (full values)"));
    m_copyMarkdown->setObjectName(QStringLiteral("copyMarkdown"));
    m_copyMarkdown->setToolTip(tr("Copy the table as shown as a Markdown table"));
    m_export->setObjectName(QStringLiteral("export"));
    m_export->setToolTip(tr("Save the rows shown as a CSV or Markdown file"));
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setForegroundRole(QPalette::PlaceholderText);

    // The bars wrap onto more rows in a narrow window rather than widening it (the page must fit the window
    // as it is); each label stays with what it names.
    auto *barWidget = new QWidget(this);
    auto *bar = new FlowLayout(barWidget, 8, 4);
    bar->addWidget(m_onlyDifferences);
    bar->addWidget(m_metricRange);
    bar->addSpacing(12);
    auto *baselineLabel = new QLabel(tr("&Baseline:"), this);
    baselineLabel->setBuddy(m_baseline);
    bar->addWidget(flowGroup({baselineLabel, m_baseline}, this));
    bar->addSpacing(12);
    auto *sortLabel = new QLabel(tr("&Sort runs by:"), this);
    sortLabel->setBuddy(m_sortBy);
    bar->addWidget(flowGroup({sortLabel, m_sortBy, m_sortOrder}, this));
    // What to show above the table, what to take away from it below, beside the counts: the tab stays
    // narrow enough for a laptop screen with the sidebar open.
    auto *footerWidget = new QWidget(this);
    auto *footer = new FlowLayout(footerWidget, 8, 4);
    footer->addWidget(m_summary);
    footer->addStretch();
    footer->addWidget(flowGroup({m_copyCsv, m_copyMarkdown, m_export}, this));

    m_table->setObjectName(QStringLiteral("diffTable"));
    auto *runHeader = new RunDiffHeaderView(Qt::Horizontal, m_table);
    auto *keyHeader = new RunDiffHeaderView(Qt::Vertical, m_table);
    m_table->setHorizontalHeader(runHeader);
    m_table->setVerticalHeader(keyHeader);
    m_table->setModel(m_model);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setCornerButtonEnabled(false);
    m_table->setShowGrid(true);
    keyHeader->setDefaultSectionSize(fontMetrics().height() + 8);
    runHeader->setSectionResizeMode(QHeaderView::Interactive);
    runHeader->setMinimumSectionSize(72);
    runHeader->setStretchLastSection(false);
    runHeader->setContextMenuPolicy(Qt::CustomContextMenu);

    m_copyCells->setShortcut(QKeySequence::Copy);
    m_copyCells->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(m_copyCells);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_copyCells, &QAction::triggered, this, [this] {
        const QString text = selectedCellsText();
        if (!text.isEmpty())
            QGuiApplication::clipboard()->setText(text);
    });

    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(24);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(barWidget);
    layout->addWidget(m_stack, 1);
    layout->addWidget(footerWidget);

    connect(m_onlyDifferences, &QCheckBox::toggled, m_model, &RunDiffModel::setOnlyDifferences);
    connect(m_metricRange, &QCheckBox::toggled, m_model, &RunDiffModel::setShowMetricRange);
    connect(m_baseline, &QComboBox::currentIndexChanged, this, [this](int i) {
        const QVariant run = m_baseline->itemData(i);
        m_model->setBaseline(run.isValid() ? m_model->columnOfRun(run.toInt()) : -1);
    });
    connect(m_model, &RunDiffModel::baselineChanged, this, [this] {
        syncBaselineChoice();
        fitColumns(); // metric cells carry their change now, or no longer
    });
    connect(m_sortBy, &QComboBox::currentIndexChanged, this, &RunDiffView::applySort);
    connect(m_sortOrder, &QToolButton::toggled, this, &RunDiffView::applySort);
    connect(m_copyCsv, &QPushButton::clicked, this, [this] {
        copyText(m_model->toCsv(),
                 counted(m_model->shownValueRows(), tr("Copied 1 row as CSV"), tr("Copied %1 rows as CSV")));
    });
    connect(m_copyMarkdown, &QPushButton::clicked, this, [this] {
        copyText(m_model->toMarkdown(), counted(m_model->shownValueRows(), tr("Copied 1 row as Markdown"),
                                                tr("Copied %1 rows as Markdown")));
    });
    connect(m_export, &QPushButton::clicked, this, &RunDiffView::exportWithDialog);
    connect(runHeader, &QHeaderView::sectionDoubleClicked, this,
            [this](int column) { m_model->setBaseline(m_model->baselineColumn() == column ? -1 : column); });
    connect(runHeader, &QHeaderView::customContextMenuRequested, this, [this, runHeader](const QPoint &pos) {
        const int column = runHeader->logicalIndexAt(pos);
        if (column < 0)
            return;
        auto *menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        const bool isBaseline = m_model->baselineColumn() == column;
        menu->addAction(isBaseline ? tr("Clear Baseline") : tr("Use as Baseline"), this,
                        [this, column, isBaseline] { m_model->setBaseline(isBaseline ? -1 : column); });
        menu->addAction(tr("Copy Run ID"), this,
                        [this, column] { QGuiApplication::clipboard()->setText(m_model->runAt(column).id); });
        menu->popup(runHeader->viewport()->mapToGlobal(pos));
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &RunDiffView::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RunDiffView::updateSummary);

    setRuns({});
}

void RunDiffView::setRuns(std::vector<Run> runs)
{
    const int sortChoice = m_sortBy->currentIndex();
    const auto previousSort =
        sortChoice > 0 ? std::optional(m_sortChoices[size_t(sortChoice - 1)]) : std::nullopt;
    m_model->setRuns(std::move(runs));
    rebuildChoices();
    if (previousSort) {
        const auto it = std::find(m_sortChoices.begin(), m_sortChoices.end(), *previousSort);
        if (it != m_sortChoices.end())
            m_sortBy->setCurrentIndex(int(it - m_sortChoices.begin()) + 1); // sorts again
    }

    const int n = m_model->runCount();
    const bool comparable = n >= 2;
    m_empty->setText(n == 1 ? tr("Only one run is chosen. Choose at least one more to see how their params, "
                                 "metrics, tags and attributes differ.")
                            : tr("Choose two or more runs to see how their params, metrics, tags and "
                                 "attributes differ."));
    m_stack->setCurrentWidget(comparable ? static_cast<QWidget *>(m_table) : m_empty);
    for (QWidget *w : std::initializer_list<QWidget *>{m_onlyDifferences, m_metricRange, m_baseline, m_sortBy,
                                                       m_sortOrder, m_copyCsv, m_copyMarkdown, m_export})
        w->setEnabled(comparable);
    m_sortOrder->setEnabled(comparable && m_sortBy->currentIndex() > 0);
    m_summary->setVisible(comparable);
    fitColumns();
    updateSummary();
}

bool RunDiffView::isEmptyShown() const
{
    return m_stack->currentWidget() == m_empty;
}

void RunDiffView::rebuildChoices()
{
    {
        const QSignalBlocker block(m_baseline);
        m_baseline->clear();
        m_baseline->addItem(tr("No baseline"));
        // Listed in the order chosen, whatever the columns' order: the list does not jump when sorting.
        for (int i = 0; i < m_model->runCount(); ++i) {
            const Run &r = m_model->runAt(m_model->columnOfRun(i));
            m_baseline->addItem(r.name.isEmpty() ? r.id.left(8) : r.name, i);
            m_baseline->setItemData(m_baseline->count() - 1, r.id, Qt::ToolTipRole);
        }
    }
    const QSignalBlocker block(m_sortBy);
    m_sortBy->clear();
    m_sortChoices.clear();
    m_sortBy->addItem(tr("Order chosen"));
    for (const QString &key : m_model->metricKeys()) {
        for (auto stat :
             {RunDiffModel::MetricStat::Last, RunDiffModel::MetricStat::Min, RunDiffModel::MetricStat::Max}) {
            m_sortChoices.emplace_back(key, stat);
            m_sortBy->addItem(sortChoiceText(key, stat));
        }
    }
    m_sortOrder->setText(m_sortOrder->isChecked() ? tr("Descending") : tr("Ascending"));
    m_sortOrder->setArrowType(m_sortOrder->isChecked() ? Qt::DownArrow : Qt::UpArrow);
}

void RunDiffView::applySort()
{
    const bool descending = m_sortOrder->isChecked();
    m_sortOrder->setText(descending ? tr("Descending") : tr("Ascending"));
    m_sortOrder->setArrowType(descending ? Qt::DownArrow : Qt::UpArrow);
    const int i = m_sortBy->currentIndex();
    m_sortOrder->setEnabled(m_model->runCount() >= 2 && i > 0);
    if (i <= 0) {
        m_model->restoreRunOrder();
        return;
    }
    const auto &[key, stat] = m_sortChoices[size_t(i - 1)];
    m_model->sortRunsByMetric(key, descending ? Qt::DescendingOrder : Qt::AscendingOrder, stat);
}

void RunDiffView::syncBaselineChoice()
{
    const int column = m_model->baselineColumn();
    const int run = column < 0 ? -1 : m_model->runIndexOf(column);
    const QSignalBlocker block(m_baseline);
    m_baseline->setCurrentIndex(run < 0 ? 0 : m_baseline->findData(run));
}

void RunDiffView::fitColumns()
{
    // Measured over the model rather than the rows on screen, so that a column does not change width
    // depending on where the table was scrolled when the runs arrived.
    QHeaderView *header = m_table->horizontalHeader();
    const QFontMetrics plain(m_table->font());
    QFont boldFont = m_table->font();
    boldFont.setBold(true);
    const QFontMetrics bold(boldFont);
    const int rows = std::min(m_model->rowCount(), MeasuredRows);
    // Runs of a sweep share most values: each distinct text is measured once.
    QHash<QString, int> plainWidths, boldWidths;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        int width = header->sectionSizeHint(c);
        for (int r = 0; r < rows && width < MaxColumnWidth; ++r) {
            const QModelIndex i = m_model->index(r, c);
            const QString text = i.data().toString();
            if (text.isEmpty())
                continue;
            const bool strong = i.data(ChangedFromBaselineRole).toBool();
            QHash<QString, int> &known = strong ? boldWidths : plainWidths;
            auto it = known.find(text);
            if (it == known.end())
                it = known.insert(text, (strong ? bold : plain).horizontalAdvance(text));
            width = std::max(width, *it + CellMargin);
        }
        header->resizeSection(c, std::min(width, MaxColumnWidth));
    }
}

void RunDiffView::updateSummary()
{
    ++m_noteGeneration; // a new state replaces a note about the previous one
    const int rows = m_model->shownValueRows();
    const int differing = m_model->shownDifferingRows();
    if (m_model->onlyDifferences() && rows == 0 && m_model->runCount() >= 2) {
        m_summary->setText(
            tr("%1 runs · no differences: every run has the same values").arg(m_model->runCount()));
        return;
    }
    m_summary->setText(QStringLiteral("%1 · %2 · %3")
                           .arg(counted(m_model->runCount(), tr("1 run"), tr("%1 runs")),
                                counted(rows, tr("1 row"), tr("%1 rows")),
                                counted(differing, tr("1 differs"), tr("%1 differ"))));
}

void RunDiffView::showNote(const QString &text)
{
    const int generation = ++m_noteGeneration;
    m_summary->setText(text);
    QTimer::singleShot(NoteMs, this, [this, generation] {
        if (generation == m_noteGeneration)
            updateSummary();
    });
}

void RunDiffView::copyText(const QString &text, const QString &note)
{
    QGuiApplication::clipboard()->setText(text);
    showNote(note);
}

QString RunDiffView::selectedCellsText() const
{
    const QItemSelectionModel *selection = m_table->selectionModel();
    if (!selection)
        return {};
    const QModelIndexList selected = selection->selectedIndexes();
    if (selected.isEmpty())
        return {};
    std::set<int> rows;
    std::map<int, int> columns; // visual position -> column, so the text follows what is on screen
    const QHeaderView *header = m_table->horizontalHeader();
    for (const QModelIndex &i : selected) {
        rows.insert(i.row());
        columns.emplace(header->visualIndex(i.column()), i.column());
    }
    QStringList lines;
    for (int r : rows) {
        QStringList cells;
        for (const auto &[visual, c] : columns) {
            Q_UNUSED(visual)
            const QModelIndex i = m_model->index(r, c);
            QString t = selection->isSelected(i) ? i.data(FullTextRole).toString() : QString();
            t.replace(QLatin1Char('\t'), QLatin1Char(' '));
            t.replace(QLatin1Char('\r'), QLatin1Char(' '));
            t.replace(QLatin1Char('\n'), QLatin1Char(' '));
            cells << t;
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n'));
}

RunDiffView::ExportFormat RunDiffView::formatFor(const QString &path, const QString &selectedFilter)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("md") || suffix == QLatin1String("markdown"))
        return ExportFormat::Markdown;
    if (suffix == QLatin1String("csv"))
        return ExportFormat::Csv;
    return selectedFilter.contains(QLatin1String("*.md")) ? ExportFormat::Markdown : ExportFormat::Csv;
}

QString RunDiffView::writeTextFile(const QString &path, const QString &text)
{
    return writeFileAtomically(path, text.toUtf8());
}

void RunDiffView::exportTo(const QString &path, ExportFormat format)
{
    const QString text = format == ExportFormat::Markdown ? m_model->toMarkdown() : m_model->toCsv();
    ++m_writes;
    background::run(
        this, [path, text] { return writeTextFile(path, text); },
        [this, path](const QString &error) {
            --m_writes;
            if (error.isEmpty()) {
                showNote(tr("Exported to %1").arg(QDir::toNativeSeparators(path)));
            } else {
                auto *box =
                    new QMessageBox(QMessageBox::Warning, tr("Export Failed"),
                                    tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), error),
                                    QMessageBox::Ok, this);
                box->setObjectName(QStringLiteral("exportError"));
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            }
            Q_EMIT exportFinished(path, error);
        });
}

void RunDiffView::exportWithDialog()
{
    const QString csvFilter = tr("CSV (*.csv)");
    const QString markdownFilter = tr("Markdown (*.md)");
    QString selectedFilter = csvFilter;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export Diff"), QDir::home().filePath(QStringLiteral("run-diff.csv")),
        csvFilter + QStringLiteral(";;") + markdownFilter, &selectedFilter);
    if (path.isEmpty())
        return;
    const ExportFormat format = formatFor(path, selectedFilter);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("csv") && suffix != QLatin1String("md") &&
        suffix != QLatin1String("markdown"))
        path += format == ExportFormat::Markdown ? QStringLiteral(".md") : QStringLiteral(".csv");
    exportTo(path, format);
}

} // namespace runlens
