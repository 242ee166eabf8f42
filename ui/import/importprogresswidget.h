// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The status bar's view of a running import (or attach): what is being read, how far it is, and a Cancel
// button.

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace runlens {

class ImportProgressWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ImportProgressWidget(QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const;
    // total <= 0: how far is not known yet (a busy bar).
    void setProgress(qint64 done, qint64 total);
    // Cancel was pressed: the button stays disabled until reset() for the next import.
    void setCancelling();
    void reset();
    // For jobs other than imports: the Cancel button's tooltip and the text shown while cancelling.
    void setCancelTexts(const QString &toolTip, const QString &cancelling);

    QProgressBar *bar() const { return m_bar; }
    QPushButton *cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void cancelRequested();

private:
    QLabel *m_label;
    QProgressBar *m_bar;
    QPushButton *m_cancel;
    QString m_cancellingText;
};

} // namespace runlens
