// SPDX-License-Identifier: GPL-3.0-or-later
#include "runspage.h"

#include "jsonformat.h"
#include "roles.h"
#include "runtablemodel.h"
#include "searchquery.h"
#include "storeworker.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace runlens {

namespace {
constexpr int MaxKeyColumns = 24; // per kind, until the column chooser lets people pick
}

RunsPage::RunsPage(StoreWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_model(new RunTableModel(worker, this))
    , m_filter(new QLineEdit(this))
    , m_filterError(new QLabel(this))
    , m_count(new QLabel(this))
    , m_table(new QTableView(this))
{
    m_filter->setObjectName(QStringLiteral("runFilter"));
    m_filter->setPlaceholderText(tr("Filter runs, e.g.  metrics.loss < 0.2 and params.optimizer = 'adam'"));
    m_filter->setClearButtonEnabled(true);
    m_filterError->setObjectName(QStringLiteral("filterError"));
    m_filterError->setVisible(false);
    m_filterError->setWordWrap(true);
    QPalette errorPalette = m_filterError->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    m_filterError->setPalette(errorPalette);
    m_count->setObjectName(QStringLiteral("runCount"));

    m_table->setObjectName(QStringLiteral("runTable"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(RunTableModel::StartColumn, Qt::DescendingOrder);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(bar);
    layout->addWidget(m_filterError);
    layout->addWidget(m_table, 1);

    auto *copy = new QAction(tr("Copy Rows"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_table->addAction(copy);
    connect(copy, &QAction::triggered, this, [this] {
        const QString tsv = selectionAsTsv();
        if (!tsv.isEmpty())
            QGuiApplication::clipboard()->setText(tsv);
    });

    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (index.isValid())
            Q_EMIT runActivated(index.data(RunIdRole).toString());
    });
    connect(m_filter, &QLineEdit::returnPressed, this, &RunsPage::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            applyFilter();
    });
    connect(m_model, &RunTableModel::totalCountChanged, this, &RunsPage::updateCount);
    connect(m_model, &RunTableModel::rowsInserted, this, &RunsPage::updateCount);
    connect(m_model, &RunTableModel::rowsInserted, this, &RunsPage::fitColumns);
    connect(m_model, &RunTableModel::loadFailed, this, [this](const QString &message) {
        Q_EMIT statusMessage(tr("Could not load runs: %1").arg(message));
    });
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
    m_experiment = id;
    m_fitted = false;
    loadColumns();
    applyFilter();
}

void RunsPage::applyFilter()
{
    RunQuery q = m_model->query();
    q.experiments = m_experiment > 0 ? QList<ExperimentId>{m_experiment} : QList<ExperimentId>{};
    q.filter = m_filter->text().trimmed();
    try {
        m_model->setQuery(q);
        m_filterError->setVisible(false);
    } catch (const search::SyntaxError &e) {
        m_filterError->setText(e.message());
        m_filterError->setVisible(true);
        m_filter->setCursorPosition(e.position());
    }
}

void RunsPage::loadColumns()
{
    const quint64 generation = ++m_columnsGeneration;
    const QList<ExperimentId> scope =
        m_experiment > 0 ? QList<ExperimentId>{m_experiment} : QList<ExperimentId>{};
    m_columnsLoading = true;
    m_worker->run<std::pair<QStringList, QStringList>>(
        this,
        [scope](Store &store) { return std::make_pair(store.paramKeys(scope), store.allMetricKeys(scope)); },
        [this, generation](std::pair<QStringList, QStringList> keys) {
            if (generation != m_columnsGeneration)
                return;
            m_columnsLoading = false;
            m_model->setParamColumns(keys.first.mid(0, MaxKeyColumns));
            m_model->setMetricColumns(keys.second.mid(0, MaxKeyColumns));
            m_fitted = false;
            fitColumns();
        },
        [this, generation](const QString &message) {
            if (generation == m_columnsGeneration)
                m_columnsLoading = false;
            Q_EMIT statusMessage(message);
        });
}

// Sizes the columns once per experiment, to the first rows that arrive (the view only measures what it has).
void RunsPage::fitColumns()
{
    if (m_fitted || m_columnsLoading || m_model->rowCount() == 0)
        return;
    m_fitted = true;
    m_table->resizeColumnsToContents();
    for (int c = 0; c < m_model->columnCount(); ++c)
        m_table->setColumnWidth(c, std::clamp(m_table->columnWidth(c), 36, 280));
}

QString RunsPage::selectionAsTsv() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows << i.row();
    if (rows.isEmpty())
        return {};
    std::sort(rows.begin(), rows.end());
    const QHeaderView *header = m_table->horizontalHeader();
    QList<int> columns;
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (!header->isSectionHidden(c) && c != RunTableModel::StarColumn)
            columns << c;
    }
    const int firstMetric = RunTableModel::FixedColumnCount + int(m_model->paramColumns().size());
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
            cells << clean(c >= firstMetric && raw.isValid() ? text::formatNumber(raw.toDouble())
                                                             : i.data().toString());
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void RunsPage::updateCount()
{
    const qint64 total = m_model->totalCount();
    m_count->setText(total < 0 ? tr("counting…") : tr("%n run(s)", nullptr, int(total)));
}

} // namespace runlens
