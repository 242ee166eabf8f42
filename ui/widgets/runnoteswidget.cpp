// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/runnoteswidget.h"

#include "itemmodels/displaytext.h"
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace runlens {

namespace {
enum Page { RenderedPage, EmptyPage, EditorPage };
}

RunNotesWidget::RunNotesWidget(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget(this))
    , m_browser(new QTextBrowser(this))
    , m_empty(new QLabel(this))
    , m_editor(new QPlainTextEdit(this))
    , m_edit(new QPushButton(tr("&Edit Notes"), this))
    , m_save(new QPushButton(tr("&Save"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_hint(new QLabel(tr("Markdown: **bold**, *italic*, # headings, - lists, [links](https://…)"), this))
{
    m_browser->setObjectName(QStringLiteral("notesView"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setFrameShape(QFrame::NoFrame);
    m_editor->setObjectName(QStringLiteral("notesEditor"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setPlaceholderText(tr("Why this run, what changed, what you learned…"));
    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setText(tr("No notes yet. Use Edit Notes to describe this run (Markdown)."));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_browser);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_editor);
    m_save->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_save->setToolTip(tr("Save the notes (Ctrl+Enter)"));
    m_save->setDefault(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_hint);
    buttons->addStretch(1);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_save);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack, 1);
    layout->addLayout(buttons);

    connect(m_edit, &QPushButton::clicked, this, &RunNotesWidget::edit);
    connect(m_cancel, &QPushButton::clicked, this, &RunNotesWidget::cancel);
    connect(m_save, &QPushButton::clicked, this, [this] {
        m_save->setEnabled(false);
        m_cancel->setEnabled(false);
        m_editor->setReadOnly(true);
        Q_EMIT saveRequested(m_editor->toPlainText());
    });
    m_editor->installEventFilter(this);
    render();
}

bool RunNotesWidget::isEditing() const
{
    return m_stack->currentIndex() == EditorPage;
}

bool RunNotesWidget::hasUnsavedChanges() const
{
    return isEditing() && m_editor->toPlainText() != m_description;
}

// Esc in the editor cancels an edit that changed nothing and is otherwise swallowed: it must not reach the
// page, where it means "back", and throw the text away.
bool RunNotesWidget::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_editor && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        if (!hasUnsavedChanges() && !m_editor->isReadOnly())
            cancel();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void RunNotesWidget::setDescription(const QString &markdown)
{
    m_description = markdown;
    render();
}

void RunNotesWidget::updateDescription(const QString &markdown)
{
    if (markdown == m_description)
        return;
    m_description = markdown;
    if (!isEditing())
        render();
}

void RunNotesWidget::render()
{
    if (m_description.trimmed().isEmpty()) {
        m_browser->clear();
        m_stack->setCurrentIndex(EmptyPage);
    } else {
        // Notes from elsewhere may be megabytes long; laying them out whole takes seconds. Edit Notes opens
        // the whole text.
        QString shown = display::elided(m_description, display::MaxDocumentChars);
        if (shown.size() < m_description.size())
            shown += QStringLiteral("\n\n*") +
                     tr("Shown: the first %1 of %2 characters. Edit Notes opens all of them.")
                         .arg(shown.size() - 1)
                         .arg(m_description.size()) +
                     QStringLiteral("*");
        m_browser->setMarkdown(shown);
        m_stack->setCurrentIndex(RenderedPage);
    }
    m_edit->setVisible(true);
    m_save->setVisible(false);
    m_cancel->setVisible(false);
    m_hint->setVisible(false);
}

void RunNotesWidget::edit()
{
    m_editor->setPlainText(m_description);
    m_editor->setReadOnly(false);
    m_stack->setCurrentIndex(EditorPage);
    m_edit->setVisible(false);
    m_save->setVisible(true);
    m_save->setEnabled(true);
    m_cancel->setVisible(true);
    m_cancel->setEnabled(true);
    m_hint->setVisible(true);
    m_editor->setFocus(Qt::OtherFocusReason);
    m_editor->moveCursor(QTextCursor::End);
}

void RunNotesWidget::cancel()
{
    render();
}

void RunNotesWidget::saved(const QString &markdown)
{
    m_description = markdown;
    render();
}

void RunNotesWidget::saveFailed()
{
    m_editor->setReadOnly(false);
    m_save->setEnabled(true);
    m_cancel->setEnabled(true);
}

} // namespace runlens
