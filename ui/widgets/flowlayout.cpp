// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/flowlayout.h"

#include <algorithm>
#include <QHBoxLayout>
#include <QSpacerItem>
#include <QWidget>

namespace runlens {

namespace {

// Stretches and spacings are spacer items; a stretch expands, a spacing does not.
bool isStretch(QLayoutItem *item)
{
    return item->spacerItem() && (item->spacerItem()->expandingDirections() & Qt::Horizontal);
}

bool isSpacing(QLayoutItem *item)
{
    return item->spacerItem() && !isStretch(item);
}

} // namespace

FlowLayout::FlowLayout(QWidget *parent, int hSpacing, int vSpacing)
    : QLayout(parent)
    , m_hSpacing(hSpacing)
    , m_vSpacing(vSpacing)
{
    setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout()
{
    while (QLayoutItem *item = takeAt(0))
        delete item;
}

void FlowLayout::addItem(QLayoutItem *item)
{
    m_items.append(item);
}

void FlowLayout::addStretch()
{
    addItem(new QSpacerItem(0, 0, QSizePolicy::Expanding, QSizePolicy::Minimum));
    invalidate();
}

void FlowLayout::addSpacing(int size)
{
    addItem(new QSpacerItem(size, 0, QSizePolicy::Fixed, QSizePolicy::Minimum));
    invalidate();
}

QLayoutItem *FlowLayout::itemAt(int index) const
{
    return index >= 0 && index < m_items.size() ? m_items.at(index) : nullptr;
}

QLayoutItem *FlowLayout::takeAt(int index)
{
    return index >= 0 && index < m_items.size() ? m_items.takeAt(index) : nullptr;
}

int FlowLayout::heightForWidth(int width) const
{
    return doLayout(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::minimumSize() const
{
    // The widest item alone on a row.
    QSize size;
    for (QLayoutItem *item : m_items) {
        if (!item->spacerItem() && !item->isEmpty())
            size = size.expandedTo(item->minimumSize());
    }
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const
{
    // Everything on one row.
    int width = 0, height = 0;
    for (QLayoutItem *item : m_items) {
        if (item->isEmpty() && !item->spacerItem())
            continue;
        width += item->sizeHint().width() + (isStretch(item) ? 0 : m_hSpacing);
        height = std::max(height, item->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return QSize(width + m.left() + m.right(), height + m.top() + m.bottom());
}

void FlowLayout::setGeometry(const QRect &rect)
{
    QLayout::setGeometry(rect);
    doLayout(rect, true);
}

// Lays the items out in rows inside `rect` (placing them when `apply`) and returns the height used.
int FlowLayout::doLayout(const QRect &rect, bool apply) const
{
    const QRect area = rect.marginsRemoved(contentsMargins());
    struct Row
    {
        QList<QLayoutItem *> items;
        int height = 0;
    };
    QList<Row> rows(1);
    int x = 0;
    for (QLayoutItem *item : m_items) {
        if (item->isEmpty() && !item->spacerItem())
            continue; // a hidden widget
        if (item->spacerItem()) {
            if (rows.last().items.isEmpty())
                continue; // dropped at the start of a row
            rows.last().items.append(item);
            if (isSpacing(item))
                x += item->sizeHint().width();
            continue;
        }
        const int w = std::min(item->sizeHint().width(), area.width());
        const bool first = std::none_of(rows.last().items.begin(), rows.last().items.end(),
                                        [](QLayoutItem *i) { return !i->spacerItem(); });
        if (!first && x + m_hSpacing + w > area.width()) {
            // Spacers at the end of a row are dropped too.
            while (!rows.last().items.isEmpty() && rows.last().items.last()->spacerItem())
                rows.last().items.removeLast();
            rows.append(Row{});
            x = 0;
        } else if (!first) {
            x += m_hSpacing;
        }
        rows.last().items.append(item);
        rows.last().height = std::max(rows.last().height, item->sizeHint().height());
        x += w;
    }
    int y = area.top();
    for (const Row &row : std::as_const(rows)) {
        if (row.items.isEmpty())
            continue;
        if (apply) {
            // What a stretch takes: the room left on the row, shared by its stretches.
            int used = 0, stretches = 0, widgets = 0;
            for (QLayoutItem *item : row.items) {
                if (isStretch(item)) {
                    ++stretches;
                } else if (isSpacing(item)) {
                    used += item->sizeHint().width();
                } else {
                    used += std::min(item->sizeHint().width(), area.width());
                    ++widgets;
                }
            }
            used += std::max(0, widgets - 1) * m_hSpacing;
            const int free = std::max(0, area.width() - used);
            int left = area.left();
            bool firstWidget = true;
            for (QLayoutItem *item : row.items) {
                if (isStretch(item)) {
                    left += free / std::max(1, stretches);
                    continue;
                }
                if (isSpacing(item)) {
                    left += item->sizeHint().width();
                    continue;
                }
                if (!firstWidget)
                    left += m_hSpacing;
                firstWidget = false;
                const QSize hint = item->sizeHint();
                const int w = std::min(hint.width(), area.width());
                // Vertically centred in the row.
                item->setGeometry(QRect(left, y + (row.height - hint.height()) / 2, w, hint.height()));
                left += w;
            }
        }
        y += row.height + m_vSpacing;
    }
    return std::max(0, y - m_vSpacing - area.top()) + contentsMargins().top() + contentsMargins().bottom();
}

QWidget *flowGroup(std::initializer_list<QWidget *> widgets, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);
    for (QWidget *w : widgets)
        row->addWidget(w);
    return box;
}

} // namespace runlens
