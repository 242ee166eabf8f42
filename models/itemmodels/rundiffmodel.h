// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The hyperparameter diff of compared runs: one column per run, one row per param, metric summary, tag and
// run attribute, in titled sections. Marks rows whose values differ, and, against a chosen baseline run,
// the cells that changed (with the numeric change of metrics); filters to the differing rows, orders the
// runs by a metric, and writes what it shows as CSV or Markdown.

#include "core/types.h"

#include <optional>
#include <QAbstractTableModel>
#include <QStringList>
#include <vector>

namespace runlens {

class RunColorMap;

class RunDiffModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Section { Params, Metrics, Tags, Attributes };
    enum class MetricStat { Last, Min, Max };

    explicit RunDiffModel(QObject *parent = nullptr);

    // The runs to compare, in the order the user chose them (the columns' order until sorted).
    void setRuns(std::vector<Run> runs);
    // The window's run colours (RunColorRole), held by the page that shows the runs; without one, only
    // pinned colours.
    void setColorMap(RunColorMap *map);
    int runCount() const { return int(m_runs.size()); }
    const Run &runAt(int column) const; // in column order
    // Positions in the order given to setRuns(), for callers that list runs independently of sorting.
    int runIndexOf(int column) const;
    int columnOfRun(int runIndex) const; // -1 when out of range

    // The run the other columns are compared with; -1 for none. Follows its run when columns are reordered.
    void setBaseline(int column);
    int baselineColumn() const;

    // Only rows whose values differ (section titles only where a section keeps rows).
    void setOnlyDifferences(bool only);
    bool onlyDifferences() const { return m_onlyDifferences; }
    // Rows "<key> (min)" and "<key> (max)" under each metric's last value.
    void setShowMetricRange(bool show);
    bool showsMetricRange() const { return m_showRange; }

    QStringList metricKeys() const; // of every run, sorted
    // Orders the columns by a metric's value; runs without it or with NaN go last in either order. Ties
    // keep the order given to setRuns().
    void sortRunsByMetric(const QString &key, Qt::SortOrder order, MetricStat stat = MetricStat::Last);
    void restoreRunOrder(); // the order given to setRuns()

    bool isSectionHeader(int row) const;
    Section sectionOf(int row) const;
    QString keyOf(int row) const; // the row's label: "lr", "loss (min)", "Status"; a section's title
    int shownValueRows() const;   // rows shown, section titles not counted
    int shownDifferingRows() const;

    // What is shown (respecting only-differences and the metric range), section titles folded into a
    // column. CSV carries the data: full values, missing ones empty. Markdown is the table as seen: the
    // cells' text (with changes against the baseline), changed cells bold, missing ones marked.
    QString toCsv() const;
    QString toMarkdown() const;

    static QString sectionTitle(Section s); // "Params", "Metrics", "Tags", "Attributes"
    static QString sectionId(Section s);    // "params", ... (the CSV section column)
    static QString missingText();           // the marker of a missing value

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

Q_SIGNALS:
    void baselineChanged(int column);
    void runOrderChanged();

private:
    QColor colorOf(const Run &run) const;

    struct Value
    {
        QString display;              // the cell's one-line text
        QString full;                 // copied and exported
        QString note;                 // extra tooltip line (a metric's step)
        std::optional<double> number; // compared as a number when both sides have one
        bool missing = true;
    };
    struct Row
    {
        Section section = Section::Params;
        QString key;
        MetricStat stat = MetricStat::Last; // metric rows only
        bool header = false;
        bool differs = false;
        std::vector<Value> values; // by run index (the order given to setRuns), empty on titles
    };

    static bool same(const Value &a, const Value &b);
    static std::optional<double> metricValue(const Run &run, const QString &key, MetricStat stat);
    void buildRows();
    std::vector<int> wantedRows() const;
    void updateShownRows();
    void applyOrder(std::vector<int> order);
    const Row &rowAt(int row) const { return m_rows[size_t(m_shown[size_t(row)])]; }
    bool changedFromBaseline(const Row &row, int run) const;
    std::optional<double> baselineDelta(const Row &row, int run) const;
    QString cellText(const Row &row, int run) const; // display text with the change against the baseline
    QString columnTitle(int column) const;

    std::vector<Run> m_runs;
    std::vector<Row> m_rows;  // every row, titles included
    std::vector<int> m_shown; // indexes into m_rows of the rows shown, ascending
    std::vector<int> m_order; // column -> run index
    int m_baselineRun = -1;
    bool m_onlyDifferences = false;
    RunColorMap *m_colors = nullptr;
    bool m_showRange = false;
};

} // namespace runlens
