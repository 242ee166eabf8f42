// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The line a page shows above its content when something it asked for did not happen ("Could not rename the
// run: the database is read-only"), as plain text cut to a readable length (messages name runs and models,
// whose names come from elsewhere); the whole text goes to the status bar. Pages connect their action
// objects' failed() to showFailure() and hide the bar when the next action succeeds.

#include <QLabel>

namespace runlens {

class StoreActions;

class MessageBar : public QLabel
{
    Q_OBJECT
public:
    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(const QString &text);
    // "Could not <what>: <why>".
    void showFailure(const QString &what, const QString &why);
    // Shows every failure of `actions` (their failed() signal) until this bar or they are gone.
    void follow(StoreActions *actions);

Q_SIGNALS:
    // The whole text of every message shown, for the window's status bar.
    void statusMessage(const QString &text);
};

} // namespace runlens
