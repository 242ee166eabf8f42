// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The experiments sidebar: a searchable list of experiments with their run counts, and where they are
// managed: created (+ button), renamed in place (F2), described, moved to the trash (Del) and restored
// (Show Trash). Choosing an experiment shows its runs; Ctrl/Shift-click (or Shift/Ctrl with the arrow keys
// and Space) chooses several, whose runs are shown together. Every write goes through ExperimentListModel.

#include "core/types.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QToolButton;

namespace runlens {

class ExperimentDialog;
class ExperimentListModel;

class ExperimentSidebar : public QWidget
{
    Q_OBJECT
public:
    explicit ExperimentSidebar(ExperimentListModel *model, QWidget *parent = nullptr);
    ~ExperimentSidebar() override;
    // The chosen experiment (the current row, which renaming and the other actions act on), 0 when none is.
    ExperimentId currentExperiment() const;
    // Every chosen (selected) experiment, in list order; the current one alone when no row is selected.
    QList<ExperimentId> chosenExperiments() const { return m_chosen; }
    // Chooses this one experiment alone.
    void selectExperiment(ExperimentId id);
    // Chooses these (those listed), the first one current.
    void selectExperiments(const QList<ExperimentId> &ids);
    // Before the first load: the experiments to keep chosen when they are listed (those open last time), so
    // that their runs can load while the list does.
    void preselect(const QList<ExperimentId> &ids);
    void focusSearch();
    bool isShowingTrash() const;

public Q_SLOTS:
    // Opens the New Experiment dialog; the experiment is chosen once it is written.
    void createExperiment();
    // Starts editing the chosen experiment's name in place.
    void renameCurrent();
    // Opens the description of the chosen experiment in the dialog.
    void describeCurrent();
    void trashCurrent();
    void restoreCurrent();
    void setShowTrash(bool show);

Q_SIGNALS:
    // The current experiment changed.
    void experimentChosen(runlens::ExperimentId id);
    // Show Trash was turned on or off (the button, the context menu or setShowTrash()).
    void showTrashChanged(bool shown);
    // The set of chosen experiments changed (chosenExperiments()); the runs page shows their runs.
    void experimentsChosen(const QList<runlens::ExperimentId> &ids);
    // What the last action did or why it failed, for the status bar.
    void statusMessage(const QString &message);

private:
    void choose(const QModelIndex &proxyIndex);
    // Reads the chosen set off the list's selection and says when it changed.
    void chooseSelected();
    // Selects the rows of `ids` that are shown, `current` the current one (invalid: the first of them).
    void selectRows(const QList<ExperimentId> &ids, ExperimentId current);
    void syncSelection();
    void updateActions();
    void showContextMenu(const QPoint &pos);
    void openDialog(ExperimentDialog *dialog);
    // Shows `html` above the list (an error in red) and passes its plain text to the status bar.
    void notify(const QString &html, bool error, const QString &status);
    void clearNotice();
    void noticeLinkActivated(const QString &link);

    ExperimentListModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_search;
    QListView *m_list;
    QLabel *m_notice;
    QToolButton *m_newButton;
    QToolButton *m_trashButton;
    QAction *m_newAction;
    QAction *m_renameAction;
    QAction *m_describeAction;
    QAction *m_trashAction;
    QAction *m_restoreAction;
    QAction *m_showTrashAction;
    QPointer<ExperimentDialog> m_dialog;
    quint64 m_dialogRequest = 0;  // the write the open dialog waits for
    ExperimentId m_undoId = 0;    // the experiment the notice's Undo link restores
    ExperimentId m_current = -1;  // -1 until the first load has chosen something (0 is "none")
    bool m_filtering = false;     // the search is narrowing the list: current-row changes are not choices
    int m_currentRow = -1;        // its row in the list: where a neighbour is chosen when it goes away
    QList<ExperimentId> m_chosen; // what experimentsChosen() said last
    bool m_selecting = false;     // the selection is being set here: one experimentsChosen() at the end
};

} // namespace runlens
