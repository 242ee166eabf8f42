// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The New Experiment and Edit Description dialog: a name checked as it is typed (the reason shown, OK
// disabled while it cannot be used) and a multi-line Markdown description. OK does not close it: the caller
// writes, then accepts it or shows the store's refusal in it, so nothing typed is lost to a conflict that
// only the database could see.

#include <functional>
#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace runlens {

class ExperimentDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode {
        Create,  // name and description
        Describe // the description of a named experiment
    };
    explicit ExperimentDialog(Mode mode, QWidget *parent = nullptr);
    ~ExperimentDialog() override;

    Mode mode() const { return m_mode; }
    QString name() const; // trimmed
    void setName(const QString &name);
    QString description() const;
    void setDescription(const QString &description);
    // Says why a name cannot be used (empty when it can). Called on every edit, so it must not do I/O.
    void setNameCheck(std::function<QString(const QString &)> check);
    // While the caller writes: inputs read-only and OK disabled.
    void setBusy(bool busy);
    bool isBusy() const { return m_busy; }
    // The write was refused: the message shows in the dialog, which is editable again.
    void showError(const QString &message);

Q_SIGNALS:
    // OK was pressed with a usable name; the dialog waits (busy) for accept() or showError().
    void submitted();

private:
    void validate();
    void submit();
    void showProblem(const QString &text, bool error);

    Mode m_mode;
    QLineEdit *m_name = nullptr;
    QLabel *m_nameLabel = nullptr; // Describe mode: the name, not editable
    QPlainTextEdit *m_description;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    std::function<QString(const QString &)> m_check;
    bool m_busy = false;
};

} // namespace runlens
