// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Adds or edits one tag (key and value) of a registered model or a model version. Editing keeps the key.

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace runlens {

class TagDialog : public QDialog
{
    Q_OBJECT
public:
    // An empty `key` adds a tag; a given one edits that tag's value.
    TagDialog(const QString &what, const QString &key, const QString &value, QWidget *parent = nullptr);

    QString key() const;
    QString value() const;
    QLineEdit *keyField() const { return m_key; }
    QLineEdit *valueField() const { return m_value; }
    QPushButton *okButton() const { return m_ok; }

private:
    QLineEdit *m_key;
    QLineEdit *m_value;
    QPushButton *m_ok;
};

} // namespace runlens
