// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The headers of the hyperparameter diff. Across the top, each run: a swatch of its colour, its name, and
// under it its short id or, for the baseline, "baseline". Down the side, the keys as the diff's frozen first
// column: section titles as bands, keys elided in the middle (their tooltip has the whole key) and a bar
// beside each row whose values differ.

#include <QHeaderView>
#include <QList>

namespace runlens {

class RunDiffHeaderView : public QHeaderView
{
    Q_OBJECT
public:
    static constexpr int MinKeyWidth = 140;
    static constexpr int MaxKeyWidth = 320;

    explicit RunDiffHeaderView(Qt::Orientation orientation, QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    QSize sizeHint() const override;

protected:
    void paintSection(QPainter *painter, const QRect &rect, int logicalIndex) const override;
    QSize sectionSizeFromContents(int logicalIndex) const override;

private:
    void paintRun(QPainter *painter, const QRect &rect, int logicalIndex) const;
    void paintKey(QPainter *painter, const QRect &rect, int logicalIndex) const;
    void invalidateWidth();

    mutable int m_keyWidth = -1; // widest key in pixels, measured once per change of the rows
    QList<QMetaObject::Connection> m_connections;
};

} // namespace runlens
