// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Marks where files dragged over a view will land: a tinted, outlined box over a table row, a column header
// or a whole page, with a line of text when the box is tall enough for it. Mouse and drag events pass through
// to the widget underneath.

#include <QWidget>

namespace runlens {

class DropHighlight : public QWidget
{
    Q_OBJECT
public:
    explicit DropHighlight(QWidget *parent);

    // Shows the box over `area` (in the parent's coordinates) with `text`.
    void showOver(const QRect &area, const QString &text);
    QString text() const { return m_text; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
};

} // namespace runlens
