// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A translucent panel over the window while files are dragged over it, saying what a drop will do. It lets
// mouse and drag events through to the window underneath.

#include <QWidget>

namespace runlens {

class DropOverlay : public QWidget
{
    Q_OBJECT
public:
    explicit DropOverlay(QWidget *parent);

    // Shows the overlay over `area` (in the parent's coordinates) with `text`.
    void showOver(const QRect &area, const QString &text);
    QString text() const { return m_text; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
};

} // namespace runlens
