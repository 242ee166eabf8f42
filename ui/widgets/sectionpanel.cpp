// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/sectionpanel.h"

#include <QAbstractItemView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace runlens {

SectionPanel::SectionPanel(const QString &title, const QString &emptyText, QAbstractItemView *view,
                           QAbstractItemModel *source, QSortFilterProxyModel *filter, QWidget *parent)
    : QWidget(parent)
    , m_source(source)
    , m_proxy(filter)
    , m_stack(new QStackedWidget(this))
    , m_empty(new QLabel(emptyText, this))
    , m_layout(new QVBoxLayout(this))
    , m_titleText(title)
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(4);
    auto *bar = new QHBoxLayout;
    bar->setSpacing(8);
    if (!title.isEmpty()) {
        m_title = new QLabel(title, this);
        QFont f = m_title->font();
        f.setBold(true);
        m_title->setFont(f);
        m_countLabel = new QLabel(this);
        m_countLabel->setForegroundRole(QPalette::PlaceholderText);
        bar->addWidget(m_title);
        bar->addWidget(m_countLabel);
    }
    bar->addStretch(1);
    if (m_proxy) {
        m_filter = new QLineEdit(this);
        m_filter->setClearButtonEnabled(true);
        m_filter->setPlaceholderText(tr("Filter"));
        m_filter->setMaximumWidth(260);
        m_filter->hide();
        m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
        m_proxy->setFilterKeyColumn(-1);
        connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
        bar->addWidget(m_filter);
    }
    if (m_title || m_filter)
        m_layout->addLayout(bar);
    else
        delete bar;

    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(16);
    m_empty->setForegroundRole(QPalette::PlaceholderText); // quiet, and it follows palette changes
    m_stack->addWidget(view);
    m_stack->addWidget(m_empty);
    m_layout->addWidget(m_stack, 1);

    connect(m_source, &QAbstractItemModel::modelReset, this, &SectionPanel::refresh);
    connect(m_source, &QAbstractItemModel::rowsInserted, this, &SectionPanel::refresh);
    connect(m_source, &QAbstractItemModel::rowsRemoved, this, &SectionPanel::refresh);
    refresh();
}

void SectionPanel::setFilterPlaceholder(const QString &text)
{
    if (m_filter)
        m_filter->setPlaceholderText(text);
}

void SectionPanel::addFooter(QWidget *footer)
{
    m_layout->addWidget(footer);
}

bool SectionPanel::isEmptyShown() const
{
    return m_stack->currentWidget() == m_empty;
}

void SectionPanel::refresh()
{
    const int rows = m_source->rowCount();
    m_stack->setCurrentIndex(rows == 0 ? 1 : 0);
    if (m_filter) {
        const bool many = rows >= FilterFromRows;
        if (!many && !m_filter->text().isEmpty())
            m_filter->clear(); // a hidden filter must not hide rows
        m_filter->setVisible(many);
    }
    if (m_countLabel)
        m_countLabel->setText(rows > 0 ? QString::number(rows) : QString());
    if (rows != m_count) {
        m_count = rows;
        Q_EMIT countChanged(rows);
    }
}

} // namespace runlens
