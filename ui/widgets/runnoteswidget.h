// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A run's notes (its Markdown description): rendered, with links opening in the browser, and an Edit mode
// with Save and Cancel. Saving only asks (saveRequested); the page writes and then calls saved() or
// saveFailed(), so that a failed write leaves the text being edited where it was.

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTextBrowser;

namespace runlens {

class RunNotesWidget : public QWidget
{
    Q_OBJECT
public:
    explicit RunNotesWidget(QWidget *parent = nullptr);

    // Shows a run's description; leaves edit mode (a new run's notes are never edited by accident).
    void setDescription(const QString &markdown);
    // The stored description changed elsewhere (e.g. through its tag); an edit in progress is kept.
    void updateDescription(const QString &markdown);
    QString description() const { return m_description; }
    bool isEditing() const;
    bool hasUnsavedChanges() const; // editing, and the text differs from the stored description
    void edit();
    void cancel();
    void saved(const QString &markdown);
    void saveFailed();

    QTextBrowser *browser() const { return m_browser; }
    QPlainTextEdit *editor() const { return m_editor; }
    QPushButton *editButton() const { return m_edit; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void saveRequested(const QString &markdown);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void render();

    QString m_description;
    QStackedWidget *m_stack;
    QTextBrowser *m_browser;
    QLabel *m_empty;
    QPlainTextEdit *m_editor;
    QPushButton *m_edit;
    QPushButton *m_save;
    QPushButton *m_cancel;
    QLabel *m_hint;
};

} // namespace runlens
