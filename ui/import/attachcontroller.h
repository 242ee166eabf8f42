// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Attaching files to runs from the window — files dropped on a run's row, its page or its column in the
// compare view, or chosen with File › Attach Files… — one attach at a time, later ones queued: each runs as
// an AttachJob, shows its progress and Cancel in the status bar, and a failure or the files left out are
// reported in a message box. Drops beside any run (empty table space, other pages) are handed to the
// ImportController, so that dropping an mlruns folder there still imports it.

#include "artifacts/attachjob.h"

#include <functional>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QRect>

class QDragMoveEvent;
class QMainWindow;
class QMessageBox;
class QWidget;

namespace runlens {

class DropOverlay;
class ImportController;
class ImportProgressWidget;

class AttachController : public QObject
{
    Q_OBJECT
public:
    // databasePath() names the open database when an attach starts; `import` takes drops that land on no run.
    AttachController(QMainWindow *window, std::function<QString()> databasePath, ImportController *import);
    // Cancels the running attach (nothing of it stays) and waits for its thread.
    ~AttachController() override;

    // Where a drop at a point of a drop target lands: the run, how to name it, and the area to highlight
    // (in the target's coordinates). An empty runId: no run there.
    struct Spot
    {
        QString runId;
        QString label;
        QRect area;
    };
    using SpotFinder = std::function<Spot(const QPoint &pos)>;
    // Makes `target` (and the widgets in it that take drops themselves, such as text editors) accept local
    // files: a drop on a spot with a run attaches them to it; anywhere else it imports them. Other drags
    // (text into an editor) are left to the widgets.
    void addDropTarget(QWidget *target, SpotFinder spotAt);

    // Starts the attach, or queues it behind the one running. `label` names the run in messages.
    void attach(const QString &runId, const QStringList &paths, const QString &label = {});
    // File › Attach Files… / Attach Folder…: asks for them, then attaches.
    void chooseAndAttach(const QString &runId, const QString &label, bool folder);
    // Stops the running attach (nothing of it stays) and drops the queued ones.
    void cancel();
    bool isAttaching() const { return m_job || !m_queue.isEmpty(); }
    AttachJob *currentJob() const { return m_job; }

    ImportProgressWidget *progressWidget() const;
    DropOverlay *highlight() const;
    QMessageBox *reportBox() const; // the last failure or left-out report shown, if any
    QString lastMessage() const { return m_lastMessage; }

Q_SIGNALS:
    // Files were attached to the run: views showing it should reload.
    void attached(const QString &runId);
    // An attach ended (attached, cancelled or failed) and the queue is empty.
    void idle();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Request
    {
        QString database;
        AttachRequest request;
        QString label;
    };
    struct Target
    {
        QPointer<QWidget> root; // the drop target the spot finder speaks for
        SpotFinder spotAt;
    };
    void watch(QWidget *widget, QWidget *root);
    void watchDescendants(QWidget *root);
    bool handleDrag(QWidget *watched, QDragMoveEvent *event);
    void endDrag();
    void startNext();
    void jobEnded();
    void updateProgress();
    void report(const QString &title, const QString &text, const QStringList &details, bool problem);
    void showStatus(const QString &message, int timeoutMs = 0);

    QMainWindow *m_window;
    std::function<QString()> m_databasePath;
    QPointer<ImportController> m_import;
    QHash<QObject *, Target> m_targets; // watched widget -> its drop target
    QList<Request> m_queue;
    AttachJob *m_job = nullptr;
    QString m_label;
    qint64 m_done = 0;
    qint64 m_total = 0;
    QString m_current;
    bool m_cancelling = false;
    QString m_lastMessage;

    QPointer<ImportProgressWidget> m_progress;
    QPointer<DropOverlay> m_highlight;
    QPointer<QMessageBox> m_report;
    bool m_dragging = false;       // a drag over a run: the highlight and status message are ours
    bool m_importDragging = false; // a drag beside the runs: handed to the import controller
    QString m_messageBeforeDrag;
};

} // namespace runlens
