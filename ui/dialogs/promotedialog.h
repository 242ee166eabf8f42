// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Promote to Model…: makes a run a new version of a registered model. The person chooses an existing model
// or types a new name, the artifact folder holding the model (folders with an MLmodel file are marked and
// the first is preselected) or the whole run, an optional alias and a description. The run's artifacts and
// the model names are read on the store worker (PromoteChoices), and the version is written through
// RegistryActions::promoteRun; the dialog then names the new version and offers to open it on the Models
// page.

#include <optional>
#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace runlens {

class RegistryActions;
class StoreWorker;
struct PromoteChoices;

class PromoteDialog : public QDialog
{
    Q_OBJECT
public:
    // `folder`: the artifact folder to choose once the run is read ("" for the whole run), its name proposed
    // as the model's (Register as Model Version… of the artifact browser); else the first MLflow model
    // folder.
    PromoteDialog(StoreWorker *worker, const QString &runId, QWidget *parent = nullptr,
                  std::optional<QString> folder = std::nullopt);

    QString runId() const { return m_runId; }
    bool isLoading() const { return m_loading; }
    bool isPromoting() const { return m_promoting; }
    // The artifact folder chosen ("" for the whole run).
    QString chosenPath() const;
    // Chooses the folder `path` ("" for the whole run); false when the run has no such folder.
    bool choosePath(const QString &path);
    // Starts the promotion with what the fields hold (the Promote button).
    void promote();

    QComboBox *modelField() const { return m_model; }
    QTreeWidget *folderTree() const { return m_folders; }
    QLineEdit *aliasField() const { return m_alias; }
    QPlainTextEdit *descriptionField() const { return m_description; }
    QPushButton *promoteButton() const { return m_promote; }
    QPushButton *openModelButton() const { return m_openModel; }
    QLabel *problemLabel() const { return m_problem; }
    QLabel *resultLabel() const { return m_result; }

Q_SIGNALS:
    void promoted(const QString &model, int version);
    void openModelRequested(const QString &model, int version);

private:
    void load();
    void applyChoices(const PromoteChoices &choices);
    void showPromoted(const QString &model, int version, const QString &alias);
    void validate();
    void showProblem(const QString &text);
    void setInputsEnabled(bool enabled);

    StoreWorker *m_worker;
    RegistryActions *m_actions;
    QString m_runId;
    std::optional<QString> m_initialFolder;
    bool m_loading = false;
    bool m_promoting = false;
    bool m_loadFailed = false;
    QString m_promotedModel;
    int m_promotedVersion = 0;

    QLabel *m_runLabel;
    QComboBox *m_model;
    QTreeWidget *m_folders;
    QTreeWidgetItem *m_wholeRun = nullptr;
    QLineEdit *m_alias;
    QPlainTextEdit *m_description;
    QLabel *m_problem;
    QLabel *m_result;
    QPushButton *m_promote;
    QPushButton *m_openModel;
    QPushButton *m_close;
    QDialogButtonBox *m_buttons;
};

} // namespace runlens
