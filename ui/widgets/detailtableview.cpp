// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/detailtableview.h"

#include "itemmodels/roles.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>

namespace runlens {

DetailTableView::DetailTableView(QWidget *parent)
    : QTableView(parent)
    , m_copyRows(new QAction(tr("&Copy"), this))
    , m_copyCell(new QAction(tr("Copy C&ell"), this))
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setTextElideMode(Qt::ElideRight);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setShowGrid(false);
    setCornerButtonEnabled(false);
    verticalHeader()->setVisible(false);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    m_copyRows->setShortcut(QKeySequence::Copy);
    m_copyRows->setShortcutContext(Qt::WidgetShortcut);
    connect(m_copyRows, &QAction::triggered, this, [this] {
        const QString text = selectedRowsText();
        if (!text.isEmpty())
            QGuiApplication::clipboard()->setText(text);
    });
    connect(m_copyCell, &QAction::triggered, this, [this] {
        if (currentIndex().isValid())
            QGuiApplication::clipboard()->setText(cellText(currentIndex()));
    });
    addAction(m_copyRows);
    addAction(m_copyCell);
    setContextMenuPolicy(Qt::ActionsContextMenu);
}

QString DetailTableView::cellText(const QModelIndex &index) const
{
    const QVariant full = index.data(FullTextRole);
    return full.isValid() ? full.toString() : index.data(Qt::DisplayRole).toString();
}

QString DetailTableView::selectedRowsText() const
{
    if (!model() || !selectionModel())
        return {};
    QModelIndexList rows = selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex &r : rows) {
        QStringList cells;
        for (int v = 0; v < horizontalHeader()->count(); ++v) {
            const int c = horizontalHeader()->logicalIndex(v);
            if (isColumnHidden(c))
                continue;
            const QModelIndex i = model()->index(r.row(), c, r.parent());
            if (!i.data(FullTextRole).isValid() && !i.data(Qt::DisplayRole).isValid())
                continue; // drawn columns (curves) have no text
            cells << cellText(i).replace(QLatin1Char('\t'), QLatin1Char(' '));
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace runlens
