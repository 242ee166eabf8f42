// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The top of the run page: a Back button, the run's name (edited in place), its status badge and star, the
// id with a copy button, and the facts about the run (experiment, parent, times, user, source, commit,
// lifecycle) with a banner when it is in the trash. Edits are only requested here; the page writes them.

#include "core/types.h"

#include <optional>
#include <QWidget>

class QGridLayout;
class QLabel;
class QLineEdit;
class QToolButton;
class QPushButton;

namespace runlens {

class StatusBadge;

class RunHeaderWidget : public QWidget
{
    Q_OBJECT
public:
    explicit RunHeaderWidget(QWidget *parent = nullptr);

    void setRun(const Run &run, const std::optional<Run> &parent);
    void setName(QString name);             // the stored name (after a rename)
    void setStarred(bool starred);          // without emitting starToggled
    void setBackText(const QString &where); // "Runs", or the run Back returns to
    // The run's colour as every page shows it; `pinned`: set by the user (runlens.color).
    void setColor(const QColor &color, bool pinned);

    QLineEdit *nameEdit() const { return m_name; }
    QToolButton *starButton() const { return m_star; }
    QToolButton *colorButton() const { return m_color; }
    QPushButton *backButton() const { return m_back; }
    QToolButton *copyIdButton() const { return m_copyId; }
    QPushButton *promoteButton() const { return m_promote; }
    StatusBadge *badge() const { return m_badge; }
    QLabel *idLabel() const { return m_id; }
    QLabel *trashBanner() const { return m_trash; }
    QString fieldText(const QString &field) const; // the shown value of a fact, by its objectName

Q_SIGNALS:
    void backRequested();
    void renameRequested(const QString &name);
    void starToggled(bool starred);
    // Set Colour from the colour button's menu; invalid: Automatic (the pin removed).
    void colorChosen(const QColor &color);
    void runLinkActivated(const QString &runId);
    void promoteRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QLabel *addField(int row, int column, const QString &label, const QString &name);
    void updateTrashPalette();
    void fitName();

    QString m_storedName;
    QPushButton *m_back;
    QLineEdit *m_name;
    StatusBadge *m_badge;
    QToolButton *m_star;
    QToolButton *m_color;
    QColor m_shownColor;
    bool m_pinned = false;
    QLabel *m_id;
    QToolButton *m_copyId;
    QPushButton *m_promote;
    QLabel *m_trash;
    QGridLayout *m_grid;
};

} // namespace runlens
