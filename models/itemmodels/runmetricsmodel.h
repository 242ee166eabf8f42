// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The metrics of one run: a row per key with its summary (last, min, max, points, last step) and a sparkline
// column whose SparklineRole holds the whole curve reduced to a few hundred M4 columns. Summaries come with
// the run; sparklines arrive later from their own store job (loadSparklines()).

#include "core/types.h"
#include "store/store.h"

#include <QAbstractTableModel>
#include <QMap>
#include <QMetaType>
#include <vector>

namespace runlens {

// A metric's whole curve as `width` pixel columns over steps.first..steps.last, each holding the first, min,
// max and last value of the points it covers (so a spike inside a column still shows as its max).
struct Sparkline
{
    StepRange steps;
    int width = 0;
    std::vector<M4Column> columns; // columns without points are absent
};

class RunMetricsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        KeyColumn,
        LastColumn,
        MinColumn,
        MaxColumn,
        CountColumn,
        LastStepColumn,
        SparklineColumn,
        ColumnCount
    };
    static constexpr int SparklineWidth = 240; // columns read per curve; the delegate scales to the cell

    explicit RunMetricsModel(QObject *parent = nullptr);

    void setMetrics(const QMap<QString, MetricSummary> &metrics);
    void setSparklines(const QMap<QString, Sparkline> &sparklines);
    // Keys starting with `prefix` are shown without it (the System section drops "system/"); the tooltip,
    // the full text and sorting keep the whole key.
    void setHiddenKeyPrefix(const QString &prefix) { m_hiddenPrefix = prefix; }
    QStringList keys() const;

    // Reads every metric of the run as a sparkline (one overview per key, its cost follows `width`, not the
    // number of points). Runs on the store worker.
    static QMap<QString, Sparkline> loadSparklines(Store &store, const QString &runId,
                                                   int width = SparklineWidth);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString key;
        MetricSummary summary;
    };
    std::vector<Row> m_rows;
    QMap<QString, Sparkline> m_sparklines;
    QString m_hiddenPrefix;
};

} // namespace runlens

Q_DECLARE_METATYPE(runlens::Sparkline)
