// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSet>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

namespace {

void addMenu(const QMenu *menu, QList<ShortcutsDialog::Entry> &out, QSet<const QAction *> &seen)
{
    for (QAction *a : menu->actions()) {
        if (a->menu())
            addMenu(a->menu(), out, seen);
        else if (!a->shortcuts().isEmpty() && !a->text().isEmpty() && !seen.contains(a)) {
            seen.insert(a);
            out << ShortcutsDialog::entry(a);
        }
    }
}

} // namespace

QString ShortcutsDialog::plainText(const QAction *action)
{
    QString text = action->text();
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    text.replace(QStringLiteral("&&"), QStringLiteral("&"));
    if (text.endsWith(QChar(0x2026)) || text.endsWith(QStringLiteral("...")))
        text.chop(text.endsWith(QChar(0x2026)) ? 1 : 3);
    return text;
}

ShortcutsDialog::Entry ShortcutsDialog::entry(const QAction *action)
{
    QStringList keys;
    for (const QKeySequence &k : action->shortcuts())
        keys << k.toString(QKeySequence::NativeText);
    return {plainText(action), keys.join(tr(" or "))};
}

QList<ShortcutsDialog::Group> ShortcutsDialog::collect(const QMenuBar *menus,
                                                       const QList<std::pair<QString, QWidget *>> &areas)
{
    QList<Group> groups;
    QSet<const QAction *> seen;
    for (QAction *top : menus->actions()) {
        if (!top->menu())
            continue;
        Group g{plainText(top), {}};
        addMenu(top->menu(), g.entries, seen);
        if (!g.entries.isEmpty())
            groups << g;
    }
    for (const auto &[title, root] : areas) {
        if (!root)
            continue;
        Group g{title, {}};
        QList<QAction *> actions = root->actions();
        actions += root->findChildren<QAction *>();
        QSet<QString> listed; // an action some views repeat (Copy in each table) is listed once per area
        for (QAction *a : std::as_const(actions)) {
            if (a->shortcuts().isEmpty() || a->text().isEmpty() || seen.contains(a))
                continue;
            seen.insert(a);
            const Entry e = entry(a);
            if (listed.contains(e.action + QLatin1Char('\t') + e.keys))
                continue;
            listed.insert(e.action + QLatin1Char('\t') + e.keys);
            g.entries << e;
        }
        if (!g.entries.isEmpty())
            groups << g;
    }
    return groups;
}

ShortcutsDialog::ShortcutsDialog(const QList<Group> &groups, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("shortcutList"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Action"), tr("Keys")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);
    for (const Group &g : groups) {
        auto *heading = new QTreeWidgetItem(m_list, {g.title});
        QFont bold = heading->font(0);
        bold.setBold(true);
        heading->setFont(0, bold);
        heading->setFirstColumnSpanned(true);
        heading->setFlags(Qt::ItemIsEnabled);
        for (const Entry &e : g.entries)
            (new QTreeWidgetItem(heading, {e.action, e.keys}))->setFlags(Qt::ItemIsEnabled);
    }
    m_list->expandAll();
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    resize(520, 640);
}

} // namespace runlens
