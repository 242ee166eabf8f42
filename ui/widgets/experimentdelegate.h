// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Draws an experiment row: its name with the run count right-aligned in a muted colour and, when it has a
// description, the description's first line below it, elided; trashed experiments greyed and struck
// through. The rename editor covers the name line only.

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
    void updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const override;

    // The line a description is summed up by in the list: its first non-blank line without Markdown's
    // heading, quote and list markers.
    static QString summaryLine(const QString &description);
};

} // namespace runlens
