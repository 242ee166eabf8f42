// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/runspage.h"

#include "core/jsonformat.h"
#include "dialogs/columnchooserdialog.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "itemmodels/runtablemodel.h"
#include "search/searchquery.h"
#include "shell/appsettings.h"
#include "store/workerjobs.h"
#include "widgets/filtercompleter.h"
#include "widgets/runcolormenu.h"
#include "widgets/runtabledelegate.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {

constexpr int DefaultKeyColumns = 24; // per kind, shown until someone chooses columns
// "did you mean" links below the filter: a blue that reads on light and dark, as the message's red does.
const QString LinkColor = QStringLiteral("#3a86d8");

bool alwaysShown(const QString &id)
{
    return id == QLatin1String("star") || id == QLatin1String("name");
}

} // namespace

RunsPage::RunsPage(StoreWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_databaseKey(appsettings::databaseKey(worker->databasePath()))
    , m_model(new RunTableModel(worker, this))
    , m_filter(new QLineEdit(this))
    , m_text(new QLineEdit(this))
    , m_columns(new QToolButton(this))
    , m_filterError(new QLabel(this))
    , m_count(new QLabel(this))
    , m_table(new QTableView(this))
    , m_delegate(new RunTableDelegate(m_table))
    , m_completer(new FilterCompleter(m_filter))
{
    m_filter->setObjectName(QStringLiteral("runFilter"));
    m_filter->setPlaceholderText(tr("Filter runs, e.g.  metrics.loss < 0.2 and params.optimizer = 'adam'"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("MLflow search syntax: metrics.<key>, params.<key>, tags.<key>, attributes.<key> "
                            "joined with AND. Press Enter to apply."));
    m_text->setObjectName(QStringLiteral("quickFilter"));
    m_text->setPlaceholderText(tr("Search names, ids, values…"));
    m_text->setClearButtonEnabled(true);
    m_text->setMaximumWidth(240);
    m_textDelay.setSingleShot(true);
    m_textDelay.setInterval(200);
    m_columns->setObjectName(QStringLiteral("columnsButton"));
    m_columns->setText(tr("Columns…"));
    m_columns->setToolTip(tr("Choose the metric, param and attribute columns"));
    m_filterError->setObjectName(QStringLiteral("filterError"));
    m_filterError->setVisible(false);
    m_filterError->setWordWrap(true);
    QPalette errorPalette = m_filterError->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x30)); // reads on light and dark
    m_filterError->setPalette(errorPalette);
    // "did you mean params.optimizer?": the link puts the key meant into the filter.
    connect(m_filterError, &QLabel::linkActivated, this, [this](const QString &link) {
        const int i = link.mid(4).toInt();
        if (!link.startsWith(QLatin1String("fix:")) || i < 0 || i >= m_unknownKeys.size())
            return;
        m_filter->setText(m_unknownKeys.at(i).correctedFilter);
        applyFilter();
    });
    m_count->setObjectName(QStringLiteral("runCount"));

    m_table->setObjectName(QStringLiteral("runTable"));
    m_model->setColorMap(new RunColorMap(this)); // the window gives its own (setColorMap)
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_sortColumn = RunTableModel::fixedColumnId(RunTableModel::StartColumn);
    m_table->horizontalHeader()->setSortIndicator(RunTableModel::StartColumn, m_sortOrder);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    // Fit columns to the rows on screen, not to 1,000 (Qt's default): with 50 columns that is the
    // difference between a few ms and 100 ms before the first paint.
    m_table->horizontalHeader()->setResizeContentsPrecision(0);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setItemDelegate(m_delegate);
    // Parent and child runs (sweeps, MLflow's nested runs) as a tree in the Name column.
    m_model->setNested(true);
    m_delegate->setTreeColumn(RunTableModel::NameColumn);

    m_empty = new QLabel(m_table->viewport());
    m_empty->setObjectName(QStringLiteral("runsEmptyState"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setEnabled(false);
    m_empty->hide();
    auto *emptyLayout = new QVBoxLayout(m_table->viewport());
    emptyLayout->addWidget(m_empty, 0, Qt::AlignCenter);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_text);
    bar->addWidget(m_columns);
    bar->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(bar);
    layout->addWidget(m_filterError);
    layout->addWidget(m_table, 1);

    createActions();
    m_table->viewport()->installEventFilter(this);
    m_table->installEventFilter(this); // Right/Left and +/- expand and collapse

    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (index.isValid())
            Q_EMIT runActivated(index.data(RunIdRole).toString());
    });
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex &index) {
        if (index.column() == RunTableModel::StarColumn)
            m_model->setStarred({index.data(RunIdRole).toString()}, !index.data(StarredRole).toBool());
    });
    connect(m_table, &QWidget::customContextMenuRequested, this, &RunsPage::showContextMenu);
    connect(m_table->horizontalHeader(), &QWidget::customContextMenuRequested, this,
            [this] { chooseColumns(); });
    // The view has asked the model to sort by the clicked column by now; a column SQL cannot sort by
    // (duration, source, commit, the star) left the rows as they were, so the indicator goes back to the
    // column they are sorted by.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder order) {
                if (m_model->orderByFor(column, order).isEmpty()) {
                    showSortIndicator();
                } else {
                    m_sortColumn = m_model->columnId(column);
                    m_sortOrder = order;
                }
            });
    connect(m_columns, &QToolButton::clicked, this, &RunsPage::chooseColumns);
    connect(m_filter, &QLineEdit::returnPressed, this, &RunsPage::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            applyFilter();
    });
    connect(m_text, &QLineEdit::textChanged, &m_textDelay, qOverload<>(&QTimer::start));
    connect(&m_textDelay, &QTimer::timeout, this, &RunsPage::applyFilter);
    connect(m_model, &RunTableModel::totalCountChanged, this, &RunsPage::updateCount);
    connect(m_model, &RunTableModel::totalCountChanged, this, [this] {
        if (!m_unknownKeys.isEmpty())
            loadColumns(); // runs came or went: one may have the key now (checked when the keys are read)
    });
    connect(m_model, &RunTableModel::loadingChanged, this, &RunsPage::updateCount);
    connect(m_model, &RunTableModel::rowsInserted, this, &RunsPage::updateCount);
    connect(m_model, &RunTableModel::rowsInserted, this, &RunsPage::expandSoleParent); // before the fit
    connect(m_model, &RunTableModel::rowsInserted, this, &RunsPage::fitColumns);
    connect(m_model, &RunTableModel::totalCountChanged, this, &RunsPage::expandSoleParent);
    connect(m_model, &RunTableModel::loadFailed, this, [this](const QString &message) {
        Q_EMIT statusMessage(tr("Could not load runs: %1").arg(message));
    });
    connect(m_model, &RunTableModel::writeFailed, this, [this](const QString &message) {
        Q_EMIT statusMessage(tr("Could not change the runs: %1").arg(message));
    });
    // Runs another process starts are listed above those on screen, and runs it deletes leave: a table
    // scrolled down keeps the same runs where they were on screen (one shown from its top shows the new runs
    // coming in). Selection and the current run follow by themselves (persistent indexes).
    connect(m_model, &RunTableModel::rowsAboutToBeInserted, this,
            [this](const QModelIndex &, int first) { anchorScroll(first); });
    connect(m_model, &RunTableModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex &, int first) { anchorScroll(first); });
    connect(m_model, &RunTableModel::layoutAboutToBeChanged, this, [this] { anchorScroll(0); });
    connect(m_model, &RunTableModel::rowsInserted, this, &RunsPage::restoreScroll);
    connect(m_model, &RunTableModel::rowsRemoved, this, &RunsPage::restoreScroll);
    connect(m_model, &RunTableModel::layoutChanged, this, &RunsPage::restoreScroll);
    connect(m_model, &RunTableModel::refreshed, this, [this](const QList<int> &rows) {
        if (std::exchange(m_widenNames, false)) { // the children an expansion listed
            if (m_fitted)
                widenNameColumn();
            else
                fitColumns(); // to the sweep that opened expanded, not to its row alone
        }
        // A live run may have logged a key the columns do not know yet (only the runs read again can have).
        for (int r : rows) {
            const Run &run = m_model->runAt(r);
            for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it)
                if (!m_metricKeySet.contains(*it))
                    return loadColumns();
            for (auto it = run.params.keyBegin(); it != run.params.keyEnd(); ++it)
                if (!m_paramKeySet.contains(*it))
                    return loadColumns();
        }
    });
}

RunsPage::~RunsPage()
{
    fitRemainingColumns();
    saveLayout();
}

void RunsPage::createActions()
{
    const auto add = [this](const QString &text, const QKeySequence &key, const char *name, auto slot) {
        auto *a = new QAction(text, m_table);
        a->setObjectName(QString::fromLatin1(name));
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_table->addAction(a);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    add(tr("&Copy Rows"), QKeySequence::Copy, "copyRows", [this] {
        const QString tsv = selectionAsTsv();
        if (!tsv.isEmpty())
            QGuiApplication::clipboard()->setText(tsv);
    });
    add(tr("Copy Run &ID"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), "copyRunId", [this] {
        const QStringList ids = selectedRunIds();
        if (!ids.isEmpty())
            QGuiApplication::clipboard()->setText(ids.join(QLatin1Char('\n')));
    });
    add(tr("&Star"), QKeySequence(Qt::CTRL | Qt::Key_D), "toggleStar", [this] {
        const QStringList ids = selectedRunIds();
        if (ids.isEmpty())
            return;
        // Like a mail client: star all unless every selected run is starred already.
        bool allStarred = true;
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
            allStarred = allStarred && i.data(StarredRole).toBool();
        m_model->setStarred(ids, !allStarred);
    });
    add(tr("Move to &Trash"), QKeySequence::Delete, "trashRuns", [this] { trashSelected(); });
    add(tr("&Restore"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), "restoreRuns", [this] {
        const QStringList ids = selectedRunIds();
        if (!ids.isEmpty() && isTrashShown()) {
            m_model->setDeleted(ids, false);
            Q_EMIT statusMessage(tr("Restored %n run(s)", nullptr, int(ids.size())));
        }
    });
}

void RunsPage::trashSelected()
{
    const QStringList ids = selectedRunIds();
    if (ids.isEmpty() || isTrashShown())
        return;
    m_model->setDeleted(ids, true);
    Q_EMIT statusMessage(
        tr("Moved %n run(s) to the trash — the Trash view restores them", nullptr, int(ids.size())));
}

void RunsPage::showContextMenu(const QPoint &pos)
{
    const QModelIndex at = m_table->indexAt(pos);
    if (!at.isValid())
        return;
    if (!m_table->selectionModel()->isRowSelected(at.row(), {}))
        m_table->selectRow(at.row());
    const auto action = [this](const char *name) {
        return m_table->findChild<QAction *>(QLatin1String(name));
    };
    QMenu menu(this);
    menu.addAction(tr("&Open"), this, [this, at] { Q_EMIT runActivated(at.data(RunIdRole).toString()); });
    if (m_compareAction) // the window's Compare Selected Runs (Ctrl+M)
        menu.addAction(m_compareAction.data());
    menu.addAction(tr("&Promote to Model…"), this,
                   [this, at] { Q_EMIT promoteRequested(at.data(RunIdRole).toString()); })
        ->setObjectName(QStringLiteral("promoteRun"));
    menu.addSeparator();
    QAction *star = action("toggleStar");
    star->setText(at.data(StarredRole).toBool() ? tr("Un&star") : tr("&Star"));
    menu.addAction(star);
    bool pinned = false;
    for (int r : selectedRows())
        pinned = pinned || RunColors::pinOf(m_model->runAt(r).tags).isValid();
    runcolormenu::add(&menu, at.data(RunColorRole).value<QColor>(), pinned, this,
                      [this](const QColor &c) { m_model->setColor(selectedRunIds(), c); });
    menu.addSeparator();
    menu.addAction(action("copyRows"));
    menu.addAction(action("copyRunId"));
    menu.addSeparator();
    menu.addAction(isTrashShown() ? action("restoreRuns") : action("trashRuns"));
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void RunsPage::setColorMap(RunColorMap *map)
{
    m_model->setColorMap(map);
}

RunColorMap *RunsPage::colorMap() const
{
    return m_model->colorMap();
}

bool RunsPage::isLoading() const
{
    return m_model->isLoading() || m_columnsLoading;
}

void RunsPage::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void RunsPage::showExperiment(ExperimentId id)
{
    showExperiments(id > 0 ? QList<ExperimentId>{id} : QList<ExperimentId>{});
}

void RunsPage::showExperiments(QList<ExperimentId> ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ids.removeAll(0);
    fitRemainingColumns();
    saveLayout();
    m_hasLayout = false;
    m_experiments = ids;
    m_fitted = false;
    loadColumns();
    applyFilter();
}

void RunsPage::setExperimentNames(const QHash<ExperimentId, QString> &names)
{
    m_model->setExperimentNames(names);
}

void RunsPage::refresh()
{
    m_model->refresh();
}

void RunsPage::anchorScroll(int firstChanged)
{
    m_scrollAnchor.reset();
    if (m_table->verticalScrollBar()->value() == 0)
        return;
    const int top = m_table->rowAt(0);
    if (top < 0 || firstChanged > top)
        return; // rows fetched or changed below the screen's top: nothing on screen moves
    m_scrollAnchor = ScrollAnchor{m_model->runAt(top).id, m_table->rowViewportPosition(top)};
}

void RunsPage::restoreScroll()
{
    const std::optional<ScrollAnchor> anchor = std::exchange(m_scrollAnchor, std::nullopt);
    if (!anchor)
        return;
    const int row = m_model->rowOf(anchor->runId);
    if (row < 0)
        return; // the run on top left the listing: the table stays where it is
    // The scroll bar's range follows the new rows only once the view has laid them out.
    QMetaObject::invokeMethod(m_table, "updateGeometries");
    QHeaderView *rows = m_table->verticalHeader();
    if (m_table->verticalScrollMode() == QAbstractItemView::ScrollPerItem)
        m_table->verticalScrollBar()->setValue(rows->visualIndex(row));
    else
        m_table->verticalScrollBar()->setValue(rows->sectionPosition(row) - anchor->viewportY);
}

void RunsPage::setTrashShown(bool shown)
{
    if (m_trashShown == shown)
        return;
    m_trashShown = shown;
    applyFilter();
}

bool RunsPage::isTrashShown() const
{
    return m_trashShown;
}

void RunsPage::applyFilter()
{
    m_textDelay.stop();
    RunQuery q = m_model->query();
    q.experiments = m_experiments;
    q.filter = m_filter->text().trimmed();
    q.text = m_text->text().trimmed();
    q.onlyDeleted = m_trashShown;
    try {
        m_model->setQuery(q);
        m_filterInvalid = false;
        m_filterError->setVisible(false);
        checkFilterKeys();
    } catch (const search::SyntaxError &e) {
        // The rows stay those of the last valid filter: greyed, and the count says they are not this one's.
        m_filterInvalid = true;
        m_unknownKeys.clear();
        m_filterError->setTextFormat(Qt::PlainText);
        m_filterError->setText(e.message());
        m_filterError->setVisible(true);
        m_filter->setCursorPosition(e.position());
    }
    m_table->setEnabled(!m_filterInvalid);
    updateCount();
}

// Against the keys the page holds (m_keys, read with the columns): a few look-ups and, for a key no run has,
// a bounded edit distance over the keys of its kind. While they are being read, their arrival checks.
void RunsPage::checkFilterKeys()
{
    if (m_filterInvalid || m_columnsLoading)
        return;
    // The filter the rows answer, not the text being edited (which may not parse, or not be applied yet).
    const QString filter = m_model->query().filter.trimmed();
    QList<search::UnknownKey> unknown;
    try {
        unknown = search::unknownKeys(filter, m_keys);
    } catch (const search::SyntaxError &) {
        // Applied filters compiled already; nothing to say about one that does not.
    }
    showUnknownKeys(unknown);
}

void RunsPage::showUnknownKeys(const QList<search::UnknownKey> &unknown)
{
    m_unknownKeys = unknown;
    if (m_filterInvalid)
        return;
    QStringList lines;
    const QString scope = m_experiments.isEmpty()     ? QString()
                          : m_experiments.size() == 1 ? tr("in this experiment")
                                                      : tr("in these experiments");
    for (qsizetype i = 0; i < unknown.size(); ++i) {
        const search::UnknownKey &u = unknown.at(i);
        const QString where = scope.isEmpty() ? QString() : QLatin1Char(' ') + scope;
        QString line = tr("No run%1 has %2").arg(where, u.identifier().toHtmlEscaped());
        if (!u.suggestion.isEmpty())
            line = tr("%1; did you mean <a href=\"fix:%2\" style=\"color: %3\">%4</a>?")
                       .arg(line, QString::number(i), LinkColor, u.suggestedIdentifier().toHtmlEscaped());
        lines << line;
    }
    m_filterError->setTextFormat(Qt::RichText);
    m_filterError->setText(lines.join(QStringLiteral("<br>")));
    m_filterError->setVisible(!lines.isEmpty());
}

void RunsPage::loadColumns()
{
    const quint64 generation = ++m_columnsGeneration;
    m_columnsLoading = true;
    // The keys of every experiment listed: columns, the chooser and the filter's completion offer them all.
    jobs::readKeys(
        m_worker, this, m_experiments,
        [this, generation](jobs::Keys keys) {
            if (generation != m_columnsGeneration)
                return;
            m_columnsLoading = false;
            applyKeys(keys);
            checkFilterKeys(); // against the keys of the experiments now listed
        },
        [this, generation](const QString &message) {
            if (generation == m_columnsGeneration)
                m_columnsLoading = false;
            Q_EMIT statusMessage(message);
        });
}

void RunsPage::applyKeys(const jobs::Keys &keys)
{
    const bool refreshing = m_hasLayout; // same experiment, new keys: keep what is on screen
    m_keys = keys;
    m_metricKeySet = QSet<QString>(keys.metrics.begin(), keys.metrics.end());
    m_paramKeySet = QSet<QString>(keys.params.begin(), keys.params.end());
    m_completer->setKeys(keys.metrics, keys.params, keys.tags);
    QSettings s = appsettings::open();
    s.beginGroup(settingsGroup());
    const bool custom = s.contains(QStringLiteral("columns"));
    if (refreshing && custom) {
        setVisibleColumns(visibleColumns());
        return;
    }
    setVisibleColumns(custom ? s.value(QStringLiteral("columns")).toStringList() : defaultColumns());
    if (refreshing)
        return;
    const QVariantMap widths = s.value(QStringLiteral("widths")).toMap();
    m_layoutRestored = !widths.isEmpty();
    for (auto it = widths.begin(); it != widths.end(); ++it) {
        const int c = m_model->columnOf(it.key());
        if (c >= 0)
            m_table->setColumnWidth(c, std::clamp(it.value().toInt(), 24, 1000));
    }
    m_hasLayout = true;
    m_fitted = m_layoutRestored;
    fitColumns();
}

QStringList RunsPage::defaultColumns() const
{
    QStringList ids;
    for (int c = 0; c < RunTableModel::FixedColumnCount; ++c) {
        if (c == RunTableModel::ExperimentColumn)
            continue;
        ids << RunTableModel::fixedColumnId(c);
        if (c == RunTableModel::NameColumn && spansExperiments()) // which experiment, right after the name
            ids << RunTableModel::fixedColumnId(RunTableModel::ExperimentColumn);
    }
    for (const QString &k : m_keys.metrics.mid(0, DefaultKeyColumns))
        ids << RunTableModel::metricColumnId({k, RunTableModel::MetricValue::Last});
    for (const QString &k : m_keys.params.mid(0, DefaultKeyColumns))
        ids << RunTableModel::paramColumnId(k);
    return ids;
}

QStringList RunsPage::visibleColumns() const
{
    const QHeaderView *header = m_table->horizontalHeader();
    QStringList ids;
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (!header->isSectionHidden(c))
            ids << m_model->columnId(c);
    }
    return ids;
}

void RunsPage::setVisibleColumns(const QStringList &requested)
{
    QStringList ids = requested;
    for (const char *id : {"star", "name"})
        if (!ids.contains(QLatin1String(id)))
            ids.prepend(QString::fromLatin1(id));
    QList<RunTableModel::MetricColumn> metrics;
    QStringList params;
    for (const QString &id : ids) {
        if (const auto metric = RunTableModel::metricColumnFromId(id);
            metric && m_metricKeySet.contains(metric->key))
            metrics.append(*metric);
        else if (const auto param = RunTableModel::paramKeyFromId(id);
                 param && m_paramKeySet.contains(*param))
            params << *param;
    }
    m_model->setColumns(metrics, params);
    QHeaderView *header = m_table->horizontalHeader();
    // One experiment's runs all share it: its column would only repeat the sidebar.
    for (int c = 0; c < RunTableModel::FixedColumnCount; ++c)
        m_table->setColumnHidden(c, !ids.contains(RunTableModel::fixedColumnId(c)) ||
                                        (c == RunTableModel::ExperimentColumn && !spansExperiments()));
    int visual = 0;
    for (const QString &id : ids) {
        const int c = m_model->columnOf(id);
        if (c < 0)
            continue;
        const int from = header->visualIndex(c);
        if (from != visual)
            header->moveSection(from, visual);
        ++visual;
    }
    showSortIndicator(); // a reset of the columns leaves the indicator on whatever column has its number now
}

// Puts the header's indicator on the column the rows are sorted by (found by id: columns come and go).
void RunsPage::showSortIndicator()
{
    QHeaderView *header = m_table->horizontalHeader();
    const QSignalBlocker blocker(header);
    header->setSortIndicator(m_model->columnOf(m_sortColumn), m_sortOrder);
    header->viewport()->update();
}

void RunsPage::chooseColumns()
{
    const QStringList current = visibleColumns();
    const QStringList unavailable =
        spansExperiments() ? QStringList()
                           : QStringList{RunTableModel::fixedColumnId(RunTableModel::ExperimentColumn)};
    ColumnChooserDialog dialog(m_keys.metrics, m_keys.params, current, this, unavailable);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QStringList chosen = dialog.chosen();
    QStringList ids;
    for (const QString &id : current)
        if (alwaysShown(id) || chosen.contains(id))
            ids << id;
    for (const QString &id : chosen)
        if (!ids.contains(id))
            ids << id;
    setVisibleColumns(ids);
    for (const QString &id : ids)
        if (!current.contains(id)) {
            const int c = m_model->columnOf(id);
            m_table->resizeColumnToContents(c);
            m_table->setColumnWidth(c, std::clamp(m_table->columnWidth(c), 48, 280));
        }
    QSettings s = appsettings::open();
    s.setValue(settingsGroup() + QStringLiteral("/columns"), visibleColumns());
    saveLayout();
}

// Per experiment as before ("runs/DB/7"; 0 for every experiment); a set of them has its own ("runs/DB/3+7").
QString RunsPage::settingsGroup() const
{
    QStringList ids;
    for (ExperimentId id : m_experiments)
        ids << QString::number(id);
    return QStringLiteral("runs/%1/%2")
        .arg(m_databaseKey, ids.isEmpty() ? QStringLiteral("0") : ids.join(QLatin1Char('+')));
}

void RunsPage::saveLayout() const
{
    if (!m_hasLayout)
        return;
    QSettings s = appsettings::open();
    s.beginGroup(settingsGroup());
    QVariantMap widths;
    for (int c = 0; c < m_model->columnCount(); ++c)
        if (!m_table->isColumnHidden(c))
            widths.insert(m_model->columnId(c), m_table->columnWidth(c));
    s.setValue(QStringLiteral("widths"), widths);
    // The order only when someone chose columns: defaults follow the experiment's keys as they grow.
    if (s.contains(QStringLiteral("columns")))
        s.setValue(QStringLiteral("columns"), visibleColumns());
}

// Sizes the columns once per experiment, to the first rows that arrive (those on screen): the columns on
// screen now, the others once the table has been painted (measuring them first would only delay what the
// person sees). Measured with the font's metrics rather than QTableView::resizeColumnsToContents(), which
// lays out every cell's text through the style: with dozens of columns that was the largest part of the
// wait between the rows' arrival and the first paint showing them.
void RunsPage::fitColumns()
{
    if (m_fitted || m_columnsLoading || m_model->rowCount() == 0 || m_widenNames)
        return; // (an expansion's rows come first)
    m_fitted = true;
    holdShownRows(); // the run names' colours take room beside them: measured with them
    const QHeaderView *header = m_table->horizontalHeader();
    const int available = m_table->viewport()->width();
    int x = 0;
    m_unfitted.clear();
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (header->isSectionHidden(c))
            continue;
        if (x < available) {
            fitColumn(c);
            x += m_table->columnWidth(c);
        } else {
            m_unfitted << m_model->columnId(c);
        }
    }
    // Rows, scroll bars and widths laid out now: otherwise the table may be painted before the view's own
    // delayed layout and then once more.
    m_table->doItemsLayout();
}

void RunsPage::fitRemainingColumns()
{
    const QStringList ids = std::exchange(m_unfitted, {});
    for (const QString &id : ids)
        if (const int c = m_model->columnOf(id); c >= 0 && !m_table->isColumnHidden(c))
            fitColumn(c);
}

void RunsPage::fitColumn(int column)
{
    if (m_model->rowCount() == 0)
        return;
    const int first = std::max(0, m_table->rowAt(0));
    int last = m_table->rowAt(m_table->viewport()->height() - 1);
    if (last < 0)
        last = m_model->rowCount() - 1;
    int width = m_table->horizontalHeader()->sectionSizeHint(column);
    if (m_model->index(first, column).data(Qt::DecorationRole).isValid() ||
        !m_delegate->placesTextAsCommonStyle(m_table, m_model->index(first, column))) {
        // A decorated column (the run's colour beside its name), or a style with margins of its own: the
        // style's measure through the delegate.
        width = std::max(width, static_cast<const QAbstractItemView *>(m_table)->sizeHintForColumn(column));
    } else {
        // The style's margins around an item's text (PM_FocusFrameHMargin + 1 on each side), and the grid.
        const int padding =
            2 * (m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 1) +
            (m_table->showGrid() ? 1 : 0);
        // The delegate's measure, which it remembers for painting the same cells right after.
        const QFont font = m_table->font();
        for (int r = first; r <= last; ++r) {
            const QString text = m_model->index(r, column).data().toString();
            width = std::max(width, qRound(m_delegate->textWidth(text, font)) + padding);
        }
    }
    m_table->setColumnWidth(column, std::clamp(width, 36, 280));
}

void RunsPage::expandSoleParent()
{
    // A listing that is one sweep (a parent and its children, as the demo's image experiment) opens
    // expanded: a single collapsed row would hide everything there is to see. Once per run: what the
    // person collapses stays collapsed.
    if (m_model->topLevelCount() != 1 || m_model->rowCount() != 1 || m_model->childCountAt(0) == 0 ||
        m_model->isExpanded(0))
        return;
    const QString id = m_model->runAt(0).id;
    if (m_autoExpanded.contains(id))
        return;
    m_autoExpanded.insert(id);
    expand(0, true);
}

void RunsPage::expand(int row, bool expanded)
{
    m_widenNames = m_widenNames || expanded;
    m_model->setExpanded(row, expanded);
}

void RunsPage::widenNameColumn()
{
    // The children's names, indented, may need more room than the rows fitted before: widened to the rows
    // on screen, never narrowed (the person may have sized it).
    const int column = RunTableModel::NameColumn;
    m_table->doItemsLayout(); // the rows just listed, laid out: the measure goes through the rows on screen
    holdShownRows();          // with their colours, which take room beside the names
    const int wanted =
        std::min(static_cast<const QAbstractItemView *>(m_table)->sizeHintForColumn(column), 280);
    if (wanted > m_table->columnWidth(column))
        m_table->setColumnWidth(column, wanted);
}

bool RunsPage::eventFilter(QObject *watched, QEvent *event)
{
    if ((event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonDblClick) &&
        watched == m_table->viewport()) {
        // A click on a disclosure triangle expands or collapses, and selects nothing (a double click there
        // is two clicks, not opening the run).
        const auto *mouse = static_cast<QMouseEvent *>(event);
        const QModelIndex index = m_table->indexAt(mouse->position().toPoint());
        if (index.isValid() && mouse->button() == Qt::LeftButton &&
            m_delegate->disclosureRect(index, m_table->visualRect(index))
                .contains(mouse->position().toPoint())) {
            expand(index.row(), !m_model->isExpanded(index.row()));
            return true;
        }
    }
    if (event->type() == QEvent::KeyPress && watched == m_table) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid() && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            const int row = current.row();
            const bool parent = m_model->childCountAt(row) > 0;
            const bool open = m_model->isExpanded(row);
            switch (key->key()) {
            case Qt::Key_Right:
            case Qt::Key_Plus:
                if (parent && !open) {
                    expand(row, true);
                    return true;
                }
                break;
            case Qt::Key_Left:
            case Qt::Key_Minus:
                if (open) {
                    expand(row, false);
                    return true;
                }
                // As in a tree: Left on a child (in the Name column or before it) goes to its parent.
                if (key->key() == Qt::Key_Left && m_model->depthAt(row) > 0 &&
                    current.column() <= RunTableModel::NameColumn) {
                    if (const int up = m_model->parentRowOf(row); up >= 0) {
                        m_table->setCurrentIndex(m_model->index(up, current.column()));
                        return true;
                    }
                }
                break;
            default:
                break;
            }
        }
    }
    if (event->type() == QEvent::Paint && watched == m_table->viewport()) {
        if (!m_unfitted.isEmpty())
            QMetaObject::invokeMethod(this, &RunsPage::fitRemainingColumns, Qt::QueuedConnection);
        holdShownRows();
    }
    return QWidget::eventFilter(watched, event);
}

void RunsPage::holdShownRows()
{
    // The rows about to be painted are the ones that hold colours (before they paint, so they paint
    // coloured): the colour map's work follows the screen, whatever the number of runs listed.
    // As fitColumn() counts them: before the view has laid the rows out, the rows loaded (a page at most).
    const int first = std::max(0, m_table->rowAt(0));
    const int last = m_table->rowAt(m_table->viewport()->height() - 1);
    m_model->setShownRows(first, last < 0 ? m_model->rowCount() - 1 : last);
}

QList<int> RunsPage::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

QStringList RunsPage::selectedRunIds() const
{
    QStringList ids;
    for (int r : selectedRows())
        ids << m_model->runAt(r).id;
    return ids;
}

QString RunsPage::selectionAsTsv() const
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return {};
    const QHeaderView *header = m_table->horizontalHeader();
    QList<int> columns;
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (!header->isSectionHidden(c) && c != RunTableModel::StarColumn)
            columns << c;
    }
    const auto clean = [](QString s) {
        return s.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    };
    QStringList lines;
    QStringList head{QStringLiteral("id")};
    for (int c : columns)
        head << clean(m_model->headerData(c, Qt::Horizontal).toString());
    lines << head.join(QLatin1Char('\t'));
    for (int r : rows) {
        QStringList cells{m_model->runAt(r).id};
        for (int c : columns) {
            const QModelIndex i = m_model->index(r, c);
            const QVariant raw = i.data(SortValueRole);
            cells << clean(m_model->isMetricColumn(c) && raw.isValid() ? text::formatNumber(raw.toDouble())
                                                                       : i.data(FullTextRole).toString());
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void RunsPage::updateCount()
{
    const qint64 total = m_model->totalCount();
    const bool trash = isTrashShown();
    if (m_filterInvalid) {
        m_count->setText(tr("filter not applied"));
        m_empty->setVisible(false);
        return;
    }
    if (total < 0)
        m_count->setText(tr("counting…"));
    else if (trash)
        m_count->setText(tr("%n run(s) in the trash", nullptr, int(total)));
    else
        m_count->setText(tr("%n run(s)", nullptr, int(total)));
    const bool empty = total == 0 && !m_model->isLoading();
    if (empty) {
        const bool filtered = !m_filter->text().trimmed().isEmpty() || !m_text->text().trimmed().isEmpty();
        m_empty->setText(trash ? tr("The trash is empty.")
                         : filtered
                             ? tr("No run matches the filter.")
                             : tr("No runs yet.\n\nDrop an mlruns folder, an mlflow.db, TensorBoard logs "
                                  "or a CSV log on this window to import it,\nor log from training "
                                  "code with the runlens CLI or Python client."));
    }
    m_empty->setVisible(empty);
}

} // namespace runlens
