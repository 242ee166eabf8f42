// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/messagebar.h"

#include "actions/storeactions.h"
#include "itemmodels/displaytext.h"

namespace runlens {

MessageBar::MessageBar(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
    setMargin(6);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setAutoFillBackground(true);
    QPalette warn = palette();
    warn.setColor(QPalette::Window, QColor(0xcf, 0x22, 0x2e));
    warn.setColor(QPalette::WindowText, Qt::white);
    setPalette(warn);
    hide();
}

void MessageBar::showMessage(const QString &text)
{
    setText(display::elided(text));
    show();
    Q_EMIT statusMessage(text);
}

void MessageBar::showFailure(const QString &what, const QString &why)
{
    showMessage(tr("Could not %1: %2").arg(what, why));
}

void MessageBar::follow(StoreActions *actions)
{
    connect(actions, &StoreActions::failed, this, &MessageBar::showFailure);
}

} // namespace runlens
