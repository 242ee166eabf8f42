// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Imports started from the window — File › Import… or files dropped on it — one at a time, later ones
// queued: runs each as an ImportJob, shows its progress and Cancel in the status bar, highlights a drag, and
// shows the report when the queue is done. The window only forwards its drag events and reloads its views
// on imported().

#include "import/importjob.h"

#include <functional>
#include <QObject>
#include <QPointer>

class QAbstractItemModel;
class QDragEnterEvent;
class QDragMoveEvent;
class QDropEvent;
class QMainWindow;
class QMimeData;

namespace runlens {

class DropOverlay;
class ImportDialog;
class ImportProgressWidget;
class ImportReportDialog;

class ImportController : public QObject
{
    Q_OBJECT
public:
    // databasePath() names the open database when an import starts (the window may switch databases).
    ImportController(QMainWindow *window, std::function<QString()> databasePath);
    // Cancels the running import and waits for the run being written to be committed or rolled back.
    ~ImportController() override;

    // File › Import…, offering the experiments' names (DisplayRole of `experiments`) for sources without one.
    void openImportDialog(const QAbstractItemModel *experiments);
    ImportDialog *importDialog() const;

    // Starts the import, or queues it behind the one running.
    void start(const ImportRequest &request);
    // Stops the running import (runs written so far stay) and drops the queued ones.
    void cancel();
    bool isImporting() const { return m_job || !m_queue.isEmpty(); }
    int queuedCount() const { return int(m_queue.size()); }
    ImportJob *currentJob() const { return m_job; }

    ImportProgressWidget *progressWidget() const;
    ImportReportDialog *reportDialog() const; // the last report shown, if any
    DropOverlay *dropOverlay() const;

    // The window's drag-and-drop events. Local files and folders are accepted; a drop imports them with
    // their detected formats, naming those that are not recognised.
    void dragEnter(QDragEnterEvent *event);
    void dragMove(QDragMoveEvent *event);
    void dragLeave();
    void drop(QDropEvent *event);
    // The local paths among `mime`'s URLs; the others (web links) in `others`.
    static QStringList localPaths(const QMimeData *mime, QStringList *others = nullptr);

Q_SIGNALS:
    // An import ended having possibly written runs: the views should reload.
    void imported();
    // The queue is empty and the report is shown.
    void reportShown();
    // With reportShown(): the experiment of the open database that received the most runs in the batch, where
    // the window goes to show what came in. Not emitted when no run was added or updated.
    void landOn(runlens::ExperimentId experiment);

private:
    void startNext();
    void jobEnded(bool wrote);
    void updateProgress();
    void showReport();
    void endDrag();
    void showStatus(const QString &message, int timeoutMs);

    QMainWindow *m_window;
    std::function<QString()> m_databasePath;
    // Each with the database it was asked for: opening another database meanwhile does not redirect it.
    QList<std::pair<QString, ImportRequest>> m_queue;
    ImportJob *m_job = nullptr;
    int m_source = -1; // index of the job's source being imported, -1 while checking them
    import::Format m_format = import::Format::Auto;
    qint64 m_done = 0;
    qint64 m_total = 0;
    bool m_cancelling = false;

    // What the queue has done since it was last empty: one report for all of it.
    QStringList m_batchSources;
    import::ImportReport m_batchReport;
    QStringList m_batchErrors; // sources not imported, with the reason
    bool m_batchCancelled = false;

    QPointer<ImportProgressWidget> m_progress;
    QPointer<DropOverlay> m_overlay;
    QPointer<ImportReportDialog> m_report;
    QPointer<ImportDialog> m_dialog;
    QString m_messageBeforeDrag;
    bool m_dragging = false;
};

} // namespace runlens
