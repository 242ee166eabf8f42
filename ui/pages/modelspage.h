// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Models page: the registered models of the database (latest version, aliases, versions per stage, tags,
// description), and for the chosen model its description and tags, its versions (run links, stages,
// aliases, tags) with the registry actions — set, move and remove aliases, stage transitions, descriptions,
// tags, delete, compare versions — and its audit trail with CSV export. Everything is read and written on
// the store worker; a failed change says why above the tables and leaves the page as stored.

#include "core/types.h"

#include <functional>
#include <QPointer>
#include <QWidget>

class QDialog;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;

namespace runlens {

class AuditTrailModel;
class DetailTableView;
class ModelVersionsModel;
class RegisteredModelsModel;
class RegistryTagsModel;
class Store;
class StoreWorker;
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

    QLineEdit *filterField() const { return m_filter; }
    DetailTableView *modelsView() const { return m_modelsView; }
    DetailTableView *versionsView() const { return m_versionsView; }
    DetailTableView *auditView() const { return m_auditView; }
    DetailTableView *tagsView() const { return m_tagsView; }
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *descriptionLabel() const { return m_description; }
    RegisteredModelsModel *modelsModel() const { return m_models; }
    QSortFilterProxyModel *modelsProxy() const { return m_modelsProxy; }
    ModelVersionsModel *versionsModel() const { return m_versions; }
    AuditTrailModel *auditModel() const { return m_audit; }
    RegistryTagsModel *tagsModel() const { return m_tags; }

Q_SIGNALS:
    void runActivated(const QString &runId);
    void compareRequested(const QStringList &runIds);
    void statusMessage(const QString &message);
    void auditExported(const QString &path);
    void loadingChanged();

private:
    void buildActions();
    QWidget *buildDetails();
    void requestList();
    void requestDetails(const QString &name);
    void applyDetails(ModelDetails &&details);
    void currentModelChanged();
    void applyPendingSelection();
    void write(const QString &what, std::function<void(Store &)> job, const QString &done);
    void showMessage(const QString &text);
    void updateActions();
    void updateTabTitles();
    void fillStageMenu();
    void fillRemoveAliasMenu(QMenu *menu);
    void fillVersionTagsMenu(QMenu *menu);
    void showVersionMenu(const QPoint &pos);
    void showTagsMenu(const QPoint &pos);
    void versionActivated(const QModelIndex &index);
    int currentVersion() const; // the version row with the focus, 0 when none
    void openAliasDialog();
    void openVersionDescriptionDialog();
    void openModelDescriptionDialog();
    void openModelTagDialog(const QString &key);
    void openVersionTagDialog(int version);
    void confirmDeleteVersion();
    void confirmDeleteModel();
    void showModelsMenu(const QPoint &pos);
    void chooseAuditExport();
    void open(QDialog *dialog);

    StoreWorker *m_worker;
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
    int m_writes = 0;
    int m_exports = 0;
    QMap<QString, int> m_aliases; // the chosen model's, for the alias dialog
    QString m_descriptionText;
    QPointer<QDialog> m_dialog;
    bool m_archiveExisting = false; // the stage menu's "archive the others" choice

    RegisteredModelsModel *m_models;
    QSortFilterProxyModel *m_modelsProxy;
    ModelVersionsModel *m_versions;
    AuditTrailModel *m_audit;
    RegistryTagsModel *m_tags;

    QLabel *m_count = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_message = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QSplitter *m_splitter = nullptr;
    DetailTableView *m_modelsView = nullptr;
    QStackedWidget *m_detailStack = nullptr;
    QLabel *m_noModel = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QTabWidget *m_tabs = nullptr;
    DetailTableView *m_versionsView = nullptr;
    DetailTableView *m_auditView = nullptr;
    DetailTableView *m_tagsView = nullptr;
    QLabel *m_description = nullptr;
    QMenu *m_stageMenu = nullptr;
    QMenu *m_removeAliasMenu = nullptr;
    QMenu *m_versionTagsMenu = nullptr;
    QToolButton *m_stageButton = nullptr;
    QAction *m_setAlias = nullptr;
    QAction *m_editVersionDescription = nullptr;
    QAction *m_compare = nullptr;
    QAction *m_deleteVersion = nullptr;
    QAction *m_openRun = nullptr;
    QAction *m_deleteModel = nullptr;
    QPushButton *m_removeTag = nullptr;
    QPushButton *m_editTag = nullptr;
};

} // namespace runlens
