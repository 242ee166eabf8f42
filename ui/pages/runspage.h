// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The runs page: a filter bar taking MLflow's search language (errors inline, with their position; keys
// completed as they are typed), a quick text filter, the trash view, and the lazy runs table with a column
// per chosen metric and param. Column choices, order and widths are remembered per database and experiment
// (or set of experiments). Several experiments are listed together, with an Experiment column.

#include "core/types.h"
#include "store/workerjobs.h"

#include <optional>
#include <QAction>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;

namespace runlens {

class FilterCompleter;
class RunColorMap;
class RunTableDelegate;
class RunTableModel;
class StoreWorker;

class RunsPage : public QWidget
{
    Q_OBJECT
public:
    explicit RunsPage(StoreWorker *worker, QWidget *parent = nullptr);
    ~RunsPage() override; // remembers the current experiment's columns

    void showExperiment(ExperimentId id); // 0: every experiment
    // The runs of all these experiments together; none: every experiment.
    void showExperiments(QList<ExperimentId> ids);
    // The one experiment listed, 0 when several (or every experiment) are.
    ExperimentId experiment() const { return m_experiments.size() == 1 ? m_experiments.first() : 0; }
    QList<ExperimentId> experiments() const { return m_experiments; }
    // What the Experiment column shows for each experiment.
    void setExperimentNames(const QHash<ExperimentId, QString> &names);
    void focusFilter();
    // Brings the loaded rows up to date (another process wrote), keeping selection and scroll position.
    void refresh();
    // The trashed runs instead of the others (the window's one Trash toggle: the sidebar's, View › Show
    // Trash).
    void setTrashShown(bool shown);
    bool isTrashShown() const;
    // The window's Compare action (it holds Ctrl+M), listed in the context menu in place of the page's own.
    void setCompareAction(QAction *action) { m_compareAction = action; }
    void chooseColumns();
    // The columns shown, by RunTableModel::columnId(), in on-screen order.
    QStringList visibleColumns() const;
    void setVisibleColumns(const QStringList &ids);

    RunTableModel *model() const { return m_model; }
    // The window's run colours, which the rows on screen hold (the page has one of its own until then).
    void setColorMap(RunColorMap *map);
    RunColorMap *colorMap() const;
    QTableView *table() const { return m_table; }
    FilterCompleter *completer() const { return m_completer; }
    // True while anything the page shows is still being loaded.
    bool isLoading() const;
    // The selected rows as tab-separated text with a header line, columns in their on-screen order; metric
    // values at full precision.
    QString selectionAsTsv() const;
    QStringList selectedRunIds() const;

protected:
    // The table's first paint; the tree's disclosure clicks and keys.
    bool eventFilter(QObject *watched, QEvent *event) override;

Q_SIGNALS:
    void statusMessage(const QString &message);
    // A run was opened (double-click or Enter on its row).
    void runActivated(const QString &runId);
    // Promote to Model… from the context menu of one run.
    void promoteRequested(const QString &runId);

private:
    void createActions();
    void applyFilter();
    // Says, below the filter, which keys it names that no run in view has, and offers the nearest (against
    // m_keys, which the column load reads off the GUI thread).
    void checkFilterKeys();
    void showUnknownKeys(const QList<search::UnknownKey> &unknown);
    // Keeps the run at the table's top where it is on screen while rows above it come and go.
    void anchorScroll(int firstChanged);
    void restoreScroll();
    void loadColumns();
    void applyKeys(const jobs::Keys &keys);
    void updateCount();
    void showSortIndicator();
    void fitColumns();
    void expandSoleParent();
    void expand(int row, bool expanded); // the tree's disclosure, by mouse, key or expandSoleParent()
    void widenNameColumn();
    void holdShownRows(); // the rows on screen, in the colour map
    void fitColumn(int column);
    void fitRemainingColumns();
    void saveLayout() const;
    QString settingsGroup() const;
    bool spansExperiments() const { return m_experiments.size() != 1; }
    QStringList defaultColumns() const;
    void trashSelected();
    QList<int> selectedRows() const; // in row order
    void showContextMenu(const QPoint &pos);

    StoreWorker *m_worker;
    QString m_databaseKey; // the database, for settings keys (the page may outlive the worker's thread)
    RunTableModel *m_model;
    QLineEdit *m_filter;
    QLineEdit *m_text;
    QToolButton *m_columns;
    bool m_trashShown = false;
    QPointer<QAction> m_compareAction;
    QLabel *m_filterError;
    QLabel *m_count;
    QLabel *m_empty;
    QTableView *m_table;
    struct ScrollAnchor
    {
        QString runId;
        int viewportY = 0;
    };
    std::optional<ScrollAnchor> m_scrollAnchor;
    RunTableDelegate *m_delegate;
    FilterCompleter *m_completer;
    QTimer m_textDelay;
    bool m_filterInvalid = false; // the filter text does not parse: the rows are those of the last valid one
    QList<search::UnknownKey> m_unknownKeys; // shown below the filter
    QList<ExperimentId> m_experiments;       // sorted; empty: every experiment
    QString m_sortColumn; // the column the rows are sorted by, by RunTableModel::columnId()
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    jobs::Keys m_keys;
    QSet<QString> m_metricKeySet, m_paramKeySet; // m_keys for lookups: an experiment may have thousands
    quint64 m_columnsGeneration = 0;
    bool m_columnsLoading = false;
    bool m_layoutRestored = false; // widths came from the settings: do not fit
    bool m_fitted = false;         // columns sized to the first rows of the current experiment
    bool m_widenNames = false;     // an expansion asked: the Name column is widened when its rows arrive
    QSet<QString> m_autoExpanded;  // sole parents expanded by expandSoleParent(), each once
    QStringList m_unfitted;        // off screen when fitted: sized once the table has been painted
    bool m_hasLayout = false;      // m_experiments' columns are on screen (and may be saved)
};

} // namespace runlens
