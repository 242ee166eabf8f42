// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The chosen model's versions on the Models page: the table (run link, stage, aliases, tags, source,
// creator, description) with the actions on versions in a bar above it and in its context menu — set and
// remove aliases, transition stages, edit descriptions and tags, compare, delete after a confirmation.

#include "core/types.h"

#include <QMap>
#include <QWidget>
#include <vector>

class QDialog;
class QMenu;
class QToolButton;

namespace runlens {

class DetailTableView;
class ModelVersionsModel;
class RegistryActions;
struct VersionRun;

class VersionsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit VersionsPanel(RegistryActions *actions, QWidget *parent = nullptr);

    // The model whose versions are shown ("" for none), and what the page read of it.
    void setModel(const QString &model);
    void setVersions(const std::vector<ModelVersion> &versions);
    void setVersions(const std::vector<ModelVersion> &versions, const QMap<QString, VersionRun> &runs);
    void setAliases(const QMap<QString, int> &aliases);
    const QMap<QString, int> &aliases() const { return m_aliases; }
    void fitColumns();

    // Selects the row of `version` and scrolls to it; false when there is none.
    bool selectVersion(int version);
    // Puts the newest version in focus when none is.
    void focusNewest();
    // The version row with the focus, 0 when none.
    int currentVersion() const;
    // Versions selected in the table, newest first.
    QList<int> selectedVersions() const;
    // The runs of the selected versions, to the compare view (compareRequested), or a problem.
    void compareSelected();

    DetailTableView *view() const { return m_view; }
    ModelVersionsModel *model() const { return m_versions; }

Q_SIGNALS:
    void runActivated(const QString &runId);
    void compareRequested(const QStringList &runIds);
    // Something asked for could not be done (shown on the page's message bar).
    void problem(const QString &text);
    void dialogRequested(QDialog *dialog);

private:
    void updateActions();
    void fillStageMenu();
    void fillRemoveAliasMenu(QMenu *menu);
    void fillVersionTagsMenu(QMenu *menu);
    void showMenu(const QPoint &pos);
    void versionActivated(const QModelIndex &index);
    void openAliasDialog();
    void openDescriptionDialog();
    void openTagDialog(int version);
    void confirmDelete();

    RegistryActions *m_actions;
    QString m_model;
    QMap<QString, int> m_aliases;   // the model's, for the alias dialog and the Remove Alias menu
    bool m_archiveExisting = false; // the stage menu's "archive the others" choice
    ModelVersionsModel *m_versions;
    DetailTableView *m_view = nullptr;
    QMenu *m_stageMenu = nullptr;
    QMenu *m_removeAliasMenu = nullptr;
    QMenu *m_versionTagsMenu = nullptr;
    QToolButton *m_stageButton = nullptr;
    QAction *m_setAlias = nullptr;
    QAction *m_editDescription = nullptr;
    QAction *m_compare = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_openRun = nullptr;
};

} // namespace runlens
