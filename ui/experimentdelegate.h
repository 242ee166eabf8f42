// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Draws an experiment row: its name, and its run count right-aligned in a muted colour; deleted experiments
// struck through.

#include <QStyledItemDelegate>

namespace runlens {

class ExperimentDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace runlens
