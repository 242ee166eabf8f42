// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/models/auditpanel.h"

#include "core/atomicfile.h"
#include "core/background.h"
#include "itemmodels/audittrailmodel.h"
#include "itemmodels/displaytext.h"
#include "pages/models/columnfit.h"
#include "registry/registrycsv.h"
#include "widgets/detailtableview.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace runlens {

AuditPanel::AuditPanel(QWidget *parent)
    : QWidget(parent)
    , m_audit(new AuditTrailModel(this))
{
    // The audit trail, newest first, with its export.
    m_view = new DetailTableView(this);
    m_view->setObjectName(QStringLiteral("auditTrail"));
    m_view->setModel(m_audit);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    // Until fitted to the rows: the time as wide as its format (date and time of day) makes any time.
    m_view->setColumnWidth(AuditTrailModel::TimeColumn,
                           m_view->fontMetrics().horizontalAdvance(display::dateTime(0)) + em);
    const std::pair<int, int> auditWidths[] = {
        {AuditTrailModel::UserColumn, 7},
        {AuditTrailModel::ActionColumn, 10},
        {AuditTrailModel::VersionColumn, 5},
        {AuditTrailModel::FromColumn, 14},
    };
    for (auto [column, w] : auditWidths)
        m_view->setColumnWidth(column, w * em);
    auto *exportAudit = new QPushButton(tr("Export CSV…"), this);
    exportAudit->setObjectName(QStringLiteral("exportAudit"));
    auto *auditBar = new QHBoxLayout;
    auto *auditNote = new QLabel(tr("Every registry change, with who made it and when."), this);
    auditNote->setForegroundRole(QPalette::PlaceholderText);
    auditBar->addWidget(auditNote, 1);
    auditBar->addWidget(exportAudit);
    auto *auditLayout = new QVBoxLayout(this);
    auditLayout->setContentsMargins(0, 4, 0, 0);
    auditLayout->setSpacing(4);
    auditLayout->addLayout(auditBar);
    auditLayout->addWidget(m_view, 1);
    connect(exportAudit, &QPushButton::clicked, this, &AuditPanel::chooseExport);
}

void AuditPanel::setEntries(std::vector<AuditEntry> entries)
{
    m_audit->setEntries(std::move(entries));
}

void AuditPanel::fitColumns()
{
    // Hidden (another tab of the Models page is shown), the table has no real width to fit to: on showing.
    if (!isVisible()) {
        m_fitPending = true;
        return;
    }
    m_fitPending = false;
    runlens::fitColumns(m_view, 4, 30, {AuditTrailModel::ToColumn, AuditTrailModel::FromColumn},
                        {AuditTrailModel::TimeColumn});
}

void AuditPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_fitPending && m_audit->rowCount() > 0) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // its size on screen first
        fitColumns();
    }
}

void AuditPanel::exportAudit(const QString &path)
{
    std::vector<AuditEntry> entries = m_audit->entries();
    ++m_exports;
    background::run(
        this,
        [entries = std::move(entries), path] {
            return writeFileAtomically(path, auditCsv(entries).toUtf8());
        },
        [this, path](const QString &error) {
            --m_exports;
            if (!error.isEmpty()) {
                Q_EMIT problem(tr("Could not export the audit trail to %1: %2")
                                   .arg(QDir::toNativeSeparators(path), error));
                return;
            }
            Q_EMIT statusMessage(tr("Exported the audit trail to %1").arg(QDir::toNativeSeparators(path)));
            Q_EMIT exported(path);
        });
}

void AuditPanel::chooseExport()
{
    if (m_model.isEmpty())
        return;
    QString name = m_model;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("_"));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Audit Trail"), QDir::home().filePath(name + QStringLiteral("-audit.csv")),
        tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportAudit(path);
}

} // namespace runlens
