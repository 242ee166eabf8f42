// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The chosen model's audit trail on the Models page, newest first: every registry change with who made it
// and when, and its export as CSV (written off the GUI thread, whole or not at all).

#include "core/types.h"

#include <QWidget>
#include <vector>

namespace runlens {

class AuditTrailModel;
class DetailTableView;

class AuditPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AuditPanel(QWidget *parent = nullptr);

    // The model whose trail is shown (names the exported file).
    void setModel(const QString &model) { m_model = model; }
    void setEntries(std::vector<AuditEntry> entries);
    // Columns fitted to the rows (the time never cut); while hidden, once shown.
    void fitColumns();

    // Writes the trail shown as CSV to `path` (exported after, or problem).
    void exportAudit(const QString &path);
    // Asks where to, then exportAudit.
    void chooseExport();
    bool isExporting() const { return m_exports > 0; }

    DetailTableView *view() const { return m_view; }
    AuditTrailModel *model() const { return m_audit; }

Q_SIGNALS:
    void exported(const QString &path);
    void statusMessage(const QString &text);
    // The export failed (shown on the page's message bar).
    void problem(const QString &text);

protected:
    void showEvent(QShowEvent *event) override;

private:
    bool m_fitPending = false;
    QString m_model;
    int m_exports = 0;
    AuditTrailModel *m_audit;
    DetailTableView *m_view = nullptr;
};

} // namespace runlens
