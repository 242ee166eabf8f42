// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What an import did, shown without blocking the window: the counts, what was skipped, sources not imported
// and why, runs that failed (rolled back whole), warnings per file, and whether it was cancelled.

#include "import/importwriter.h"

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace runlens {

class ImportReportDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Count { Experiments, RunsAdded, RunsUpdated, Points, Artifacts, Models, Versions };

    explicit ImportReportDialog(QWidget *parent = nullptr);

    // `sources`: the names of what was imported; `notImported`: sources or imports that wrote nothing, each
    // with the reason.
    void setReport(const QStringList &sources, const import::ImportReport &report,
                   const QStringList &notImported);

    const import::ImportReport &report() const { return m_report; }
    QStringList notImported() const { return m_notImported; }
    QString headline() const;
    // The number as shown for `count`.
    QString countText(Count count) const;
    QTreeWidget *details() const { return m_details; }
    // Everything in the dialog as plain text (what Copy puts on the clipboard).
    QString text() const;

private:
    import::ImportReport m_report;
    QStringList m_sources;
    QStringList m_notImported;
    QLabel *m_headline;
    QList<QLabel *> m_counts; // by Count
    QLabel *m_skipped;
    QTreeWidget *m_details;
};

} // namespace runlens
