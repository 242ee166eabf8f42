// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The runs page: a filter bar taking MLflow's search language (errors shown inline, with their position),
// and the lazy runs table with a column per param and metric of the experiment.

#include "types.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;

namespace runlens {

class RunTableModel;
class StoreWorker;

class RunsPage : public QWidget
{
    Q_OBJECT
public:
    explicit RunsPage(StoreWorker *worker, QWidget *parent = nullptr);

    void showExperiment(ExperimentId id); // 0: every experiment
    void focusFilter();
    RunTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    // True while anything the page shows is still being loaded.
    bool isLoading() const;
    // The selected rows as tab-separated text with a header line, columns in their on-screen order; metric
    // values at full precision.
    QString selectionAsTsv() const;

Q_SIGNALS:
    void statusMessage(const QString &message);
    // A run was opened (double-click or Enter on its row).
    void runActivated(const QString &runId);

private:
    void applyFilter();
    void loadColumns();
    void updateCount();
    void fitColumns();

    StoreWorker *m_worker;
    RunTableModel *m_model;
    QLineEdit *m_filter;
    QLabel *m_filterError;
    QLabel *m_count;
    QTableView *m_table;
    ExperimentId m_experiment = 0;
    quint64 m_columnsGeneration = 0;
    bool m_columnsLoading = false;
    bool m_fitted = false; // columns sized to the first rows of the current experiment
};

} // namespace runlens
