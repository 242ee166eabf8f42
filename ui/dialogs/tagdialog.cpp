// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/tagdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace runlens {

TagDialog::TagDialog(const QString &what, const QString &key, const QString &value, QWidget *parent)
    : QDialog(parent)
    , m_key(new QLineEdit(key, this))
    , m_value(new QLineEdit(value, this))
{
    setObjectName(QStringLiteral("tagDialog"));
    setWindowTitle(key.isEmpty() ? tr("Add Tag") : tr("Edit Tag"));
    m_key->setObjectName(QStringLiteral("tagKey"));
    m_key->setPlaceholderText(tr("key"));
    m_key->setReadOnly(!key.isEmpty());
    m_value->setObjectName(QStringLiteral("tagValue"));
    m_value->setPlaceholderText(tr("value"));
    auto *target = new QLabel(what, this);
    target->setTextFormat(Qt::PlainText);
    auto *form = new QFormLayout;
    form->addRow(tr("Tag of:"), target);
    form->addRow(tr("&Key:"), m_key);
    form->addRow(tr("&Value:"), m_value);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(key.isEmpty() ? tr("Add Tag") : tr("Save"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    setMinimumWidth(400);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto validate = [this] { m_ok->setEnabled(!this->key().isEmpty()); };
    connect(m_key, &QLineEdit::textChanged, this, validate);
    validate();
    (key.isEmpty() ? m_key : m_value)->setFocus();
}

QString TagDialog::key() const
{
    return m_key->text().trimmed();
}

QString TagDialog::value() const
{
    return m_value->text();
}

} // namespace runlens
