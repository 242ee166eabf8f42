// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Edits the description (Markdown) of a registered model or a model version.

#include <QDialog>

class QPlainTextEdit;

namespace runlens {

class DescriptionDialog : public QDialog
{
    Q_OBJECT
public:
    DescriptionDialog(const QString &what, const QString &description, QWidget *parent = nullptr);

    QString description() const;
    QPlainTextEdit *editor() const { return m_editor; }

private:
    QPlainTextEdit *m_editor;
};

} // namespace runlens
