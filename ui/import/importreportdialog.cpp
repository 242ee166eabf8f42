// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importreportdialog.h"

#include "itemmodels/displaytext.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

ImportReportDialog::ImportReportDialog(QWidget *parent)
    : QDialog(parent)
    , m_headline(new QLabel(this))
    , m_skipped(new QLabel(this))
    , m_details(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("importReport"));
    setWindowTitle(tr("Import Report"));
    setModal(false);
    m_headline->setObjectName(QStringLiteral("reportHeadline"));
    // Names in the report come from the files imported: never taken for HTML (an <img> would be loaded).
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_headline->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_headline->setFont(bold);

    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignLeft);
    const std::pair<const char *, QString> rows[] = {
        {"reportExperiments", tr("Experiments added")}, {"reportRunsAdded", tr("Runs added")},
        {"reportRunsUpdated", tr("Runs updated")},      {"reportPoints", tr("Metric points added")},
        {"reportArtifacts", tr("Artifacts added")},     {"reportModels", tr("Registered models added")},
        {"reportVersions", tr("Model versions added")},
    };
    for (const auto &[name, label] : rows) {
        auto *value = new QLabel(this);
        value->setObjectName(QLatin1String(name));
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        value->setMinimumWidth(value->fontMetrics().horizontalAdvance(QStringLiteral("000,000,000")));
        form->addRow(label, value);
        m_counts << value;
    }
    m_skipped->setObjectName(QStringLiteral("reportSkipped"));
    m_skipped->setTextFormat(Qt::PlainText);
    m_skipped->setWordWrap(true);

    m_details->setObjectName(QStringLiteral("reportDetails"));
    m_details->setHeaderHidden(true);
    m_details->setColumnCount(1);
    m_details->setWordWrap(true);
    m_details->setUniformRowHeights(false);
    m_details->header()->setStretchLastSection(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyReport"));
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(text()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Focus on Close, so that Escape or Enter dismisses the report and no row looks selected.
    buttons->button(QDialogButtonBox::Close)->setDefault(true);
    buttons->button(QDialogButtonBox::Close)->setFocus();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addLayout(form);
    layout->addWidget(m_skipped);
    layout->addWidget(m_details, 1);
    layout->addWidget(buttons);
    resize(620, 480);
}

QString ImportReportDialog::headline() const
{
    return m_headline->text();
}

QString ImportReportDialog::countText(Count count) const
{
    return m_counts.value(int(count)) ? m_counts.value(int(count))->text() : QString();
}

void ImportReportDialog::setReport(const QStringList &sources, const import::ImportReport &report,
                                   const QStringList &notImported)
{
    m_sources = sources;
    m_report = report;
    // Sources left out before the import and those whose reading failed are shown alike.
    const QStringList notRead = notImported + report.failedSources;
    m_notImported = notImported;
    // Every name and message from the sources is shown with its control characters escaped: a line break
    // or a bidirectional override in a file name must not break a row or disguise what follows.
    using display::escapeControls;
    const QString what =
        sources.isEmpty() ? tr("nothing") : escapeControls(sources.join(QStringLiteral(", ")));
    if (report.cancelled && sources.isEmpty())
        m_headline->setText(tr("Import cancelled before anything was imported."));
    else if (report.cancelled)
        m_headline->setText(tr("Import of %1 cancelled; the runs imported before are kept.").arg(what));
    else if (sources.isEmpty())
        m_headline->setText(tr("Nothing was imported."));
    else if (!notRead.isEmpty() && report.runsAdded == 0 && report.runsUpdated == 0 &&
             report.experimentsAdded == 0 && report.modelsAdded == 0 && report.versionsAdded == 0)
        m_headline->setText(tr("Nothing was imported from %1.").arg(what));
    else if (!notRead.isEmpty() || !report.failedRuns.isEmpty())
        m_headline->setText(tr("Imported %1, with problems.").arg(what));
    else
        m_headline->setText(tr("Imported %1.").arg(what));

    const QLocale locale;
    const qint64 values[] = {report.experimentsAdded, report.runsAdded,      report.runsUpdated,
                             report.pointsAdded,      report.artifactsAdded, report.modelsAdded,
                             report.versionsAdded};
    for (int i = 0; i < m_counts.size(); ++i)
        m_counts[i]->setText(locale.toString(values[i]));

    // One line per kind, under a title line: a comma-joined list of eight kinds reads as one blur.
    QStringList skipped;
    for (auto it = report.skipped.cbegin(); it != report.skipped.cend(); ++it)
        skipped << tr("    %1 %2").arg(locale.toString(it.value()), escapeControls(it.key()));
    m_skipped->setText(skipped.isEmpty() ? QString()
                                         : tr("Skipped (Runlens does not store these):") + QLatin1Char('\n') +
                                               skipped.join(QLatin1Char('\n')));
    m_skipped->setVisible(!skipped.isEmpty());

    m_details->clear();
    const auto group = [this](const QString &title) {
        auto *item = new QTreeWidgetItem(m_details, {title});
        QFont f = item->font(0);
        f.setBold(true);
        item->setFont(0, f);
        item->setExpanded(true);
        return item;
    };
    if (!notRead.isEmpty()) {
        QTreeWidgetItem *g = group(tr("Not imported (%1)").arg(notRead.size()));
        for (const QString &e : notRead)
            new QTreeWidgetItem(g, {escapeControls(e)});
    }
    if (!report.failedRuns.isEmpty()) {
        QTreeWidgetItem *g =
            group(tr("Runs not imported, rolled back whole (%1)").arg(report.failedRuns.size()));
        for (const QString &f : report.failedRuns)
            new QTreeWidgetItem(g, {escapeControls(f)});
    }
    if (!report.warnings.isEmpty()) {
        QTreeWidgetItem *g = group(tr("Warnings (%1)").arg(report.warningCount()));
        for (auto it = report.warnings.cbegin(); it != report.warnings.cend(); ++it) {
            auto *file = new QTreeWidgetItem(g, {escapeControls(QDir::toNativeSeparators(it.key()))});
            file->setToolTip(0, display::tooltipText(file->text(0))); // plain text, never HTML
            for (const QString &m : it.value())
                new QTreeWidgetItem(file, {escapeControls(m)});
            file->setExpanded(true);
        }
    }
    if (m_details->topLevelItemCount() == 0)
        new QTreeWidgetItem(m_details, {tr("No warnings.")});
    m_details->expandAll();
}

QString ImportReportDialog::text() const
{
    QString t = m_headline->text() + QLatin1Char('\n');
    for (const QString &e : m_notImported)
        t += tr("not imported: %1").arg(display::escapeControls(e)) + QLatin1Char('\n');
    return t + m_report.toText();
}

} // namespace runlens
