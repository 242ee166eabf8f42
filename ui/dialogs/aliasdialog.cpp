// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/aliasdialog.h"

#include "actions/registryactions.h"
#include "shell/theme.h"

#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace runlens {

AliasDialog::AliasDialog(const QString &model, int version, const QMap<QString, int> &aliases,
                         QWidget *parent)
    : QDialog(parent)
    , m_version(version)
    , m_aliases(aliases)
    , m_alias(new QLineEdit(this))
    , m_hint(new QLabel(this))
{
    setObjectName(QStringLiteral("aliasDialog"));
    setWindowTitle(tr("Set Alias"));
    auto *target = new QLabel(this);
    target->setTextFormat(Qt::PlainText);
    target->setText(tr("%1, version %2").arg(model).arg(version));
    m_alias->setObjectName(QStringLiteral("aliasField"));
    m_alias->setPlaceholderText(tr("e.g. champion"));
    m_alias->setClearButtonEnabled(true);
    // Existing aliases are offered: choosing one moves it here.
    auto *completer = new QCompleter(aliases.keys(), m_alias);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_alias->setCompleter(completer);
    m_hint->setObjectName(QStringLiteral("aliasHint"));
    m_hint->setWordWrap(true);
    m_hint->setTextFormat(Qt::PlainText);
    m_hint->setMinimumHeight(fontMetrics().lineSpacing() * 2);
    m_hint->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto *form = new QFormLayout;
    form->addRow(tr("Model version:"), target);
    form->addRow(tr("&Alias:"), m_alias);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Set Alias"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_hint);
    layout->addWidget(buttons);
    setMinimumWidth(420);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_alias, &QLineEdit::textChanged, this, &AliasDialog::validate);
    validate();
}

QString AliasDialog::alias() const
{
    return m_alias->text().trimmed();
}

void AliasDialog::validate()
{
    const QString a = alias();
    QString hint;
    bool ok = false, error = false, notable = false;
    if (a.isEmpty()) {
        hint = tr("Letters, digits, '_' and '-'; unique within the model. 'latest' and 'v<number>' are "
                  "reserved.");
    } else if (const std::optional<QString> problem = RegistryActions::aliasProblem(a)) {
        hint = problem->left(1).toUpper() + problem->mid(1) + QLatin1Char('.'); // a sentence here
        error = true;
    } else if (const auto it = m_aliases.constFind(a); it == m_aliases.cend()) {
        hint = tr("Adds the alias '%1' to version %2.").arg(a).arg(m_version);
        ok = true;
    } else if (*it == m_version) {
        hint = tr("Version %1 already has the alias '%2'.").arg(m_version).arg(a);
    } else {
        hint = tr("Moves the alias '%1' from version %2 to version %3.").arg(a).arg(*it).arg(m_version);
        ok = true;
        notable = true;
    }
    m_hint->setText(hint);
    QPalette p = palette();
    if (error)
        p.setColor(QPalette::WindowText,
                   theme::isDark() ? QColor(0xff, 0x8a, 0x80) : QColor(0xb4, 0x23, 0x18));
    else if (!notable) // a move is worth reading; the rest is guidance
        p.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
    m_hint->setPalette(p);
    m_ok->setEnabled(ok);
}

} // namespace runlens
