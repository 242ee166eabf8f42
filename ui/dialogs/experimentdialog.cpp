// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/experimentdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace runlens {

ExperimentDialog::ExperimentDialog(Mode mode, QWidget *parent)
    : QDialog(parent)
    , m_mode(mode)
    , m_description(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("experimentDialog"));
    auto *form = new QFormLayout;
    if (mode == Mode::Create) {
        setWindowTitle(tr("New Experiment"));
        m_name = new QLineEdit(this);
        m_name->setObjectName(QStringLiteral("experimentName"));
        m_name->setPlaceholderText(tr("e.g. resnet-sweep"));
        form->addRow(tr("&Name:"), m_name);
        m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
        connect(m_name, &QLineEdit::textChanged, this, &ExperimentDialog::validate);
    } else {
        setWindowTitle(tr("Edit Description"));
        m_nameLabel = new QLabel(this);
        m_nameLabel->setObjectName(QStringLiteral("experimentNameLabel"));
        m_nameLabel->setTextFormat(Qt::PlainText);
        m_nameLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("Experiment:"), m_nameLabel);
        m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Save"));
    }
    m_description->setObjectName(QStringLiteral("experimentDescription"));
    m_description->setPlaceholderText(tr("What is this experiment about? Markdown allowed."));
    m_description->setTabChangesFocus(true);
    m_description->setMinimumHeight(fontMetrics().lineSpacing() * 7);
    form->addRow(tr("&Description:"), m_description);
    m_problem->setObjectName(QStringLiteral("nameProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form, 1);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    setMinimumWidth(440);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExperimentDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter goes into the description; Ctrl+Enter submits from anywhere.
    auto *submitShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(submitShortcut, &QShortcut::activated, this, [this] {
        if (m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
            submit();
    });
    validate();
}

ExperimentDialog::~ExperimentDialog() = default;

QString ExperimentDialog::name() const
{
    return m_name ? m_name->text().trimmed() : m_nameLabel->text();
}

void ExperimentDialog::setName(const QString &name)
{
    if (m_name)
        m_name->setText(name);
    else
        m_nameLabel->setText(name);
}

QString ExperimentDialog::description() const
{
    return m_description->toPlainText();
}

void ExperimentDialog::setDescription(const QString &description)
{
    m_description->setPlainText(description);
}

void ExperimentDialog::setNameCheck(std::function<QString(const QString &)> check)
{
    m_check = std::move(check);
    validate();
}

void ExperimentDialog::setBusy(bool busy)
{
    m_busy = busy;
    if (m_name)
        m_name->setReadOnly(busy);
    m_description->setReadOnly(busy);
    if (busy)
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    else
        validate();
}

void ExperimentDialog::showError(const QString &message)
{
    setBusy(false);
    showProblem(message, true);
}

void ExperimentDialog::showProblem(const QString &text, bool error)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
    QPalette p = palette();
    // An empty name is a prompt, not a mistake: muted. Anything else that blocks OK is an error: red.
    p.setColor(QPalette::WindowText, error ? QColor(0xb3, 0x26, 0x1e) : p.color(QPalette::PlaceholderText));
    m_problem->setPalette(p);
}

void ExperimentDialog::validate()
{
    QString problem;
    if (m_name) {
        const QString name = m_name->text();
        if (m_check)
            problem = m_check(name);
        else if (name.trimmed().isEmpty())
            problem = tr("Enter a name for the experiment.");
        showProblem(problem, !name.trimmed().isEmpty());
    } else {
        showProblem({}, false);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && !m_busy);
}

void ExperimentDialog::submit()
{
    if (m_busy)
        return;
    validate();
    if (!m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    setBusy(true);
    Q_EMIT submitted();
}

} // namespace runlens
