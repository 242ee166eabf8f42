// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Models page: the registered models of the database (latest version, aliases, versions per stage, tags,
// description), and for the chosen model its description and tags, its versions (run links, stages,
// aliases, tags) with the registry actions — set, move and remove aliases, stage transitions, descriptions,
// tags, delete, compare versions — and its audit trail with CSV export. The page composes four panels (the
// list, the model's details, its versions, its audit trail) and wires them by signals; everything is read on
// the store worker (modeldetails.h) and written through RegistryActions. A failed change says why above the
// tables and leaves the page as stored.

#include "core/types.h"

#include <QPointer>
#include <QWidget>

class QDialog;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTabWidget;

namespace runlens {

class AuditPanel;
class AuditTrailModel;
class DetailTableView;
class MessageBar;
class ModelDetailsPanel;
class ModelListPanel;
class ModelVersionsModel;
class RegisteredModelsModel;
class RegistryActions;
class RegistryTagsModel;
class StoreWorker;
class VersionsPanel;
struct ModelDetails;

class ModelsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ModelsPage(StoreWorker *worker, QWidget *parent = nullptr);
    ~ModelsPage() override;

    // Reads the models and the chosen model again (after a change here or by another process).
    void refresh();
    // Chooses `model` (and selects `version` when not 0) once the list has it; clears a filter hiding it.
    void showModel(const QString &model, int version = 0);
    QString currentModel() const { return m_current; }
    // True while the list or the chosen model is being read (for --screenshot and tests).
    bool isLoading() const;
    // True while a change or an export is under way.
    bool isBusy() const;
    // The message about the last failed action (empty when none is shown).
    QString message() const;
    // The dialog the last action opened (alias, tag, description, confirmation), while it is open.
    QDialog *openDialog() const { return m_dialog; }

    // The registry actions on the chosen model (what the buttons and menus call; also for tests).
    void setAlias(int version, const QString &alias);
    void removeAlias(const QString &alias);
    // With archiveExisting (Staging and Production only), the model's other versions in that stage move to
    // Archived, as MLflow's archive_existing_versions.
    void transitionStage(int version, ModelStage stage, bool archiveExisting = false);
    void setVersionDescription(int version, const QString &description);
    void setModelDescription(const QString &description);
    void setModelTag(const QString &key, const QString &value);
    void removeModelTag(const QString &key);
    void setVersionTag(int version, const QString &key, const QString &value);
    void removeVersionTag(int version, const QString &key);
    void deleteVersion(int version);
    void deleteModel(const QString &model);
    // The runs of the selected versions, to the compare view (compareRequested).
    void compareSelectedVersions();
    // Writes the chosen model's audit trail as CSV to `path` (off the GUI thread; auditExported after).
    void exportAudit(const QString &path);

    // Versions selected in the versions table, newest first.
    QList<int> selectedVersions() const;

    QLineEdit *filterField() const;
    DetailTableView *modelsView() const;
    DetailTableView *versionsView() const;
    DetailTableView *auditView() const;
    DetailTableView *tagsView() const;
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *descriptionLabel() const;
    RegisteredModelsModel *modelsModel() const;
    QSortFilterProxyModel *modelsProxy() const;
    ModelVersionsModel *versionsModel() const;
    AuditTrailModel *auditModel() const;
    RegistryTagsModel *tagsModel() const;
    // The registry changes this page makes (their signals say what was done).
    RegistryActions *actions() const { return m_actions; }

Q_SIGNALS:
    void runActivated(const QString &runId);
    void compareRequested(const QStringList &runIds);
    void statusMessage(const QString &message);
    void auditExported(const QString &path);
    void loadingChanged();

private:
    QWidget *buildDetails();
    void connectActions();
    void requestList();
    void requestDetails(const QString &name);
    void applyDetails(ModelDetails &&details);
    void currentModelChanged(const QString &name);
    void applyPendingSelection();
    // After a change was stored: the message goes, `done` to the status bar, the page reads again.
    void written(const QString &done);
    void updateTabTitles();
    void open(QDialog *dialog);

    StoreWorker *m_worker;
    RegistryActions *m_actions;
    QString m_current;
    QString m_pendingModel; // showModel() before the list had it
    int m_pendingVersion = 0;
    quint64 m_listRequest = 0;
    quint64 m_detailsRequest = 0;
    bool m_listLoading = false;
    bool m_detailsLoading = false;
    bool m_listLoaded = false;
    bool m_modelsFitted = false;   // columns fitted to the first models shown
    bool m_versionsFitted = false; // and to the first versions
    QPointer<QDialog> m_dialog;

    MessageBar *m_message = nullptr;
    ModelListPanel *m_list = nullptr;
    ModelDetailsPanel *m_details = nullptr;
    VersionsPanel *m_versions = nullptr;
    AuditPanel *m_audit = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QSplitter *m_splitter = nullptr;
    QStackedWidget *m_detailStack = nullptr;
    QLabel *m_noModel = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QTabWidget *m_tabs = nullptr;
};

} // namespace runlens
