// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Set Alias…: names one model version by an alias ("champion"). Checks MLflow's alias rules as the person
// types, and says when the alias will move from another version, before anything is written.

#include <QDialog>
#include <QMap>

class QLabel;
class QLineEdit;
class QPushButton;

namespace runlens {

class AliasDialog : public QDialog
{
    Q_OBJECT
public:
    // `aliases`: the model's current aliases (alias -> version).
    AliasDialog(const QString &model, int version, const QMap<QString, int> &aliases,
                QWidget *parent = nullptr);

    QString alias() const;
    int version() const { return m_version; }
    QLineEdit *aliasField() const { return m_alias; }
    QLabel *hintLabel() const { return m_hint; }
    QPushButton *okButton() const { return m_ok; }

private:
    void validate();

    int m_version;
    QMap<QString, int> m_aliases;
    QLineEdit *m_alias;
    QLabel *m_hint;
    QPushButton *m_ok;
};

} // namespace runlens
