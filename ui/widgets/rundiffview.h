// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The hyperparameter diff tab of the Compare page: a toolbar (only differences, metric min/max, baseline,
// run order by a metric, copy as CSV or Markdown, export to a file) over the diff table, runs as columns and
// keys down the frozen side. Shows a quiet sentence instead while fewer than two runs are compared. Files
// are written off the GUI thread.

#include "core/types.h"
#include "itemmodels/rundiffmodel.h"

#include <QWidget>
#include <utility>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace runlens {

class RunDiffView : public QWidget
{
    Q_OBJECT
public:
    enum class ExportFormat { Csv, Markdown };
    static constexpr int MaxColumnWidth = 260; // long values elide; the tooltip has them whole

    explicit RunDiffView(QWidget *parent = nullptr);

    // The compared runs, in the order the user chose them. Only-differences and the metric range stay as
    // they were; the run order by a metric is applied again when that metric is still there.
    void setRuns(std::vector<Run> runs);

    RunDiffModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    bool isEmptyShown() const;
    bool isBusy() const { return m_writes > 0; } // a file is being written

    // The selected cells as tab-separated text (rows and columns in the order shown, full values, missing
    // ones empty), as Ctrl+C copies them.
    QString selectedCellsText() const;

    // Writes the diff as shown to `path` on a worker thread; exportFinished() tells how it went, and a
    // failure is also shown in a message box naming the file and the reason.
    void exportTo(const QString &path, ExportFormat format);
    // The format a save dialog's answer asks for: the file's suffix when it names one, else the filter.
    static ExportFormat formatFor(const QString &path, const QString &selectedFilter);
    // Writes the whole text or nothing (writeFileAtomically); returns the reason of a failure, empty on
    // success.
    static QString writeTextFile(const QString &path, const QString &text);

Q_SIGNALS:
    void exportFinished(const QString &path, const QString &error);

private:
    void rebuildChoices();
    void applySort();
    void fitColumns();
    void updateSummary();
    void showNote(const QString &text);
    void copyText(const QString &text, const QString &note);
    void exportWithDialog();
    void syncBaselineChoice();

    RunDiffModel *m_model;
    QCheckBox *m_onlyDifferences;
    QCheckBox *m_metricRange;
    QComboBox *m_baseline;
    QComboBox *m_sortBy;
    QToolButton *m_sortOrder;
    QPushButton *m_copyCsv;
    QPushButton *m_copyMarkdown;
    QPushButton *m_export;
    QLabel *m_summary;
    QStackedWidget *m_stack;
    QTableView *m_table;
    QLabel *m_empty;
    QAction *m_copyCells;
    std::vector<std::pair<QString, RunDiffModel::MetricStat>>
        m_sortChoices; // m_sortBy's items after the first
    int m_writes = 0;
    int m_noteGeneration = 0;
};

} // namespace runlens
