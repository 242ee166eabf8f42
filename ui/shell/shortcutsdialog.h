// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Help › Keyboard Shortcuts: every key the window's actions really have, read from the actions themselves
// (menus and pages) when the sheet opens, so that it cannot drift from them.

#include <QDialog>
#include <QList>

class QAction;
class QMenuBar;
class QTreeWidget;

namespace runlens {

class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    struct Entry
    {
        QString action; // "Import"
        QString keys;   // "Ctrl+I", or several joined by " or "
    };
    // A heading and the entries under it.
    struct Group
    {
        QString title;
        QList<Entry> entries;
    };
    // The menu bar's menus (one group each, submenus included), then each area's actions with keys that no
    // menu lists; actions without a key or text are left out, and each action is listed once.
    static QList<Group> collect(const QMenuBar *menus, const QList<std::pair<QString, QWidget *>> &areas);

    explicit ShortcutsDialog(const QList<Group> &groups, QWidget *parent = nullptr);
    QTreeWidget *list() const { return m_list; }

    // "&Import…" → "Import"
    static QString plainText(const QAction *action);
    static Entry entry(const QAction *action);

private:
    QTreeWidget *m_list;
};

} // namespace runlens
