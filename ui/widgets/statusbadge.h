// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A run's status as a small filled badge. The fills are mid-tone colours that carry white text at a
// contrast of at least 4.5:1 and stand out from both light and dark window backgrounds, so the badge reads
// the same whatever the palette.

#include "core/types.h"

#include <QColor>
#include <QWidget>

namespace runlens {

class StatusBadge : public QWidget
{
    Q_OBJECT
public:
    explicit StatusBadge(QWidget *parent = nullptr);

    void setStatus(RunStatus status);
    RunStatus status() const { return m_status; }
    QString text() const;

    static QColor fillColor(RunStatus status);
    static QColor textColor() { return QColor(Qt::white); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    RunStatus m_status = RunStatus::Running;
};

} // namespace runlens
