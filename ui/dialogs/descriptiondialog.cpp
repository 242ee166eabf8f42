// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/descriptiondialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace runlens {

DescriptionDialog::DescriptionDialog(const QString &what, const QString &description, QWidget *parent)
    : QDialog(parent)
    , m_editor(new QPlainTextEdit(description, this))
{
    setObjectName(QStringLiteral("descriptionDialog"));
    setWindowTitle(tr("Edit Description"));
    auto *target = new QLabel(what, this);
    target->setTextFormat(Qt::PlainText);
    m_editor->setObjectName(QStringLiteral("descriptionEditor"));
    m_editor->setPlaceholderText(tr("What is it, how was it validated, what is it for? Markdown allowed."));
    m_editor->setTabChangesFocus(true);
    m_editor->setMinimumHeight(fontMetrics().lineSpacing() * 8);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(target);
    layout->addWidget(m_editor, 1);
    layout->addWidget(buttons);
    setMinimumWidth(480);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter goes into the text; Ctrl+Enter saves.
    auto *save = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(save, &QShortcut::activated, this, &QDialog::accept);
    m_editor->setFocus();
}

QString DescriptionDialog::description() const
{
    return m_editor->toPlainText();
}

} // namespace runlens
