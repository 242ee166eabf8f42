// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Marks where files dragged over the window will land, saying what a drop will do: a translucent panel over
// the whole window (an import), or a tinted, outlined box over a table row, a column header or a page (an
// attach), with its text only when the box is tall enough for it. Mouse and drag events pass through to the
// widgets underneath.

#include <QWidget>

namespace runlens {

class DropOverlay : public QWidget
{
    Q_OBJECT
public:
    enum class Style {
        Window, // dashed, inset frame with large text: a drop anywhere
        Target, // solid, tight frame: a drop onto one item; its text only when there is room
    };
    explicit DropOverlay(QWidget *parent, Style style = Style::Window);

    // Shows the overlay over `area` (in the parent's coordinates) with `text`.
    void showOver(const QRect &area, const QString &text);
    QString text() const { return m_text; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Style m_style;
    QString m_text;
};

} // namespace runlens
