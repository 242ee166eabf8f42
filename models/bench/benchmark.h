// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `runlens bench`: measures the store on scratch databases and compares with the targets of the foundation
// issue. Ratios are measured in the same run on the same machine, so they hold wherever it runs.

#include <functional>
#include <optional>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace runlens {

struct BenchmarkOptions
{
    bool quick = false; // small data sets: a smoke run whose figures are not comparable with the targets
    QString directory;  // scratch folder; empty: a temporary one removed afterwards
    std::function<void(const QString &)> progress;
};

struct BenchmarkFigure
{
    QString key;
    double value = 0;
    QString unit;
    QString target;            // human-readable target, empty when the figure has none
    std::optional<bool> meets; // whether the target is met
};

// Removes a scratch database (and its -wal and -shm) an earlier bench left in the same --dir, so that it is
// rebuilt, not added to. Only for files no connection of this process has open.
void removeScratchDatabase(const QString &db);

struct BenchmarkReport
{
    QList<BenchmarkFigure> figures;
    QJsonObject parameters;         // data-set sizes used
    QMap<QString, QString> skipped; // group -> why it was not measured (e.g. no python3 for "logging")
    QJsonObject toJson() const;
    QString toText() const;
    std::optional<double> value(const QString &key) const;
};

BenchmarkReport runBenchmark(const BenchmarkOptions &options);

} // namespace runlens
