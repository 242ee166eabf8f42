// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A layout that places its items in a row and wraps onto further rows when the width runs out, as words
// in a paragraph: a tool bar in it fits any window width with nothing clipped and asks for no more width
// than its widest item. A stretch added with addStretch() pushes the items after it to the row's right end
// (when they fit on that row).

#include <initializer_list>
#include <QLayout>
#include <QList>

namespace runlens {

class FlowLayout : public QLayout
{
public:
    explicit FlowLayout(QWidget *parent = nullptr, int hSpacing = 8, int vSpacing = 4);
    ~FlowLayout() override;

    void addItem(QLayoutItem *item) override;
    // Fills what is left of the row it falls on; the items after it go to that row's right end.
    void addStretch();
    // Extra room before the next item (in pixels), dropped at the start of a row.
    void addSpacing(int size);
    int horizontalSpacing() const { return m_hSpacing; }
    int verticalSpacing() const { return m_vSpacing; }
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    int count() const override { return int(m_items.size()); }
    QLayoutItem *itemAt(int index) const override;
    QLayoutItem *takeAt(int index) override;
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect &rect) override;

private:
    int doLayout(const QRect &rect, bool apply) const;

    QList<QLayoutItem *> m_items;
    int m_hSpacing, m_vSpacing;
};

// The widgets side by side in one box, which a FlowLayout keeps on one row (a label and what it names).
QWidget *flowGroup(std::initializer_list<QWidget *> widgets, QWidget *parent);

} // namespace runlens
