// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importprogresswidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace runlens {

namespace {
// QProgressBar counts in int; byte totals of event files do not fit, so the bar shows thousandths.
constexpr int Scale = 1000;
} // namespace

ImportProgressWidget::ImportProgressWidget(QWidget *parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_cancellingText(tr("Cancelling import…"))
{
    m_label->setObjectName(QStringLiteral("importStatus"));
    m_bar->setObjectName(QStringLiteral("importProgress"));
    m_cancel->setObjectName(QStringLiteral("cancelImport"));
    m_cancel->setToolTip(tr("Stop importing; runs imported so far are kept"));
    // As wide as its text needs, no wider: the status bar's message takes the rest.
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_cancel->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_bar->setTextVisible(false);
    m_bar->setFixedWidth(160);
    m_bar->setMaximumHeight(m_label->sizeHint().height());
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &ImportProgressWidget::cancelRequested);
    reset();
}

void ImportProgressWidget::setText(const QString &text)
{
    m_label->setText(text);
}

QString ImportProgressWidget::text() const
{
    return m_label->text();
}

void ImportProgressWidget::setProgress(qint64 done, qint64 total)
{
    if (total <= 0) {
        m_bar->setRange(0, 0);
        return;
    }
    m_bar->setRange(0, Scale);
    m_bar->setValue(int(std::clamp(done, qint64(0), total) * Scale / total));
}

void ImportProgressWidget::setCancelling()
{
    m_cancel->setEnabled(false);
    m_label->setText(m_cancellingText);
}

void ImportProgressWidget::setCancelTexts(const QString &toolTip, const QString &cancelling)
{
    m_cancel->setToolTip(toolTip);
    m_cancellingText = cancelling;
}

void ImportProgressWidget::reset()
{
    m_cancel->setEnabled(true);
    m_label->clear();
    m_bar->setRange(0, 0);
}

} // namespace runlens
