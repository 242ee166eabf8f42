// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/attachcontroller.h"

#include "import/dropoverlay.h"
#include "import/importcontroller.h"
#include "import/importprogresswidget.h"
#include "itemmodels/displaytext.h"

#include <algorithm>
#include <QDir>
#include <QDragEnterEvent>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

namespace runlens {

namespace {

QString runName(const QString &runId, const QString &label)
{
    return label.isEmpty() ? runId.left(8) : label;
}

QString itemsText(qsizetype n, const QString &run)
{
    return n == 1 ? AttachController::tr("Drop to attach 1 item to %1").arg(run)
                  : AttachController::tr("Drop to attach %1 items to %2").arg(n).arg(run);
}

} // namespace

AttachController::AttachController(QMainWindow *window, std::function<QString()> databasePath,
                                   ImportController *import)
    : QObject(window)
    , m_window(window)
    , m_databasePath(std::move(databasePath))
    , m_import(import)
    , m_progress(new ImportProgressWidget(window))
    , m_highlight(new DropOverlay(window, DropOverlay::Style::Target))
{
    // Named apart from the import's widgets, which sit beside them in the status bar.
    m_progress->setObjectName(QStringLiteral("attachProgress"));
    m_progress->bar()->setObjectName(QStringLiteral("attachProgressBar"));
    m_progress->cancelButton()->setObjectName(QStringLiteral("cancelAttach"));
    if (auto *label = m_progress->findChild<QLabel *>(QStringLiteral("importStatus")))
        label->setObjectName(QStringLiteral("attachStatus"));
    m_progress->setCancelTexts(tr("Stop attaching; nothing of this attach is kept"),
                               tr("Cancelling attach…"));
    window->statusBar()->addPermanentWidget(m_progress);
    m_progress->hide();
    connect(m_progress, &ImportProgressWidget::cancelRequested, this, &AttachController::cancel);
}

AttachController::~AttachController()
{
    m_queue.clear();
    delete m_job; // cancels and waits
}

ImportProgressWidget *AttachController::progressWidget() const
{
    return m_progress;
}

DropOverlay *AttachController::highlight() const
{
    return m_highlight;
}

QMessageBox *AttachController::reportBox() const
{
    return m_report;
}

// ------------------------------------------------------------------------------------------------ drops

void AttachController::addDropTarget(QWidget *target, SpotFinder spotAt)
{
    target->setAcceptDrops(true);
    m_targets.insert(target, {target, std::move(spotAt)});
    target->installEventFilter(this);
    connect(target, &QObject::destroyed, this, [this](QObject *gone) { m_targets.remove(gone); });
    watchDescendants(target);
}

void AttachController::watch(QWidget *widget, QWidget *root)
{
    if (m_targets.contains(widget))
        return;
    m_targets.insert(widget, {root, m_targets.value(root).spotAt});
    widget->installEventFilter(this);
    connect(widget, &QObject::destroyed, this, [this](QObject *gone) { m_targets.remove(gone); });
}

// Widgets that take drops themselves (text editors, views) would receive the files instead of the page: the
// drags of local files over them are taken here first. Pages build some of their widgets late, so this runs
// again whenever the target is shown.
void AttachController::watchDescendants(QWidget *root)
{
    const QList<QWidget *> children = root->findChildren<QWidget *>();
    for (QWidget *w : children) {
        if (w->acceptDrops())
            watch(w, root);
    }
}

bool AttachController::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::Show: {
        const auto t = m_targets.constFind(watched);
        if (t != m_targets.constEnd() && t->root == watched)
            watchDescendants(t->root);
        break;
    }
    case QEvent::DragEnter:
    case QEvent::DragMove:
        return handleDrag(static_cast<QWidget *>(watched), static_cast<QDragMoveEvent *>(event));
    case QEvent::DragLeave:
        if (m_dragging || m_importDragging) {
            endDrag();
            return true;
        }
        break;
    case QEvent::Drop: {
        auto *drop = static_cast<QDropEvent *>(event);
        const QStringList paths = ImportController::localPaths(drop->mimeData());
        const Target target = m_targets.value(watched);
        if (paths.isEmpty() || !target.root)
            return false;
        const QPoint pos = static_cast<QWidget *>(watched)->mapTo(target.root, drop->position().toPoint());
        const Spot spot = target.spotAt(pos);
        const bool importing = m_importDragging;
        m_importDragging = false; // the import controller ends its own drag on drop
        endDrag();
        if (!spot.runId.isEmpty()) {
            drop->setDropAction(Qt::CopyAction);
            drop->accept();
            attach(spot.runId, paths, spot.label);
        } else if (m_import) {
            if (!importing) {
                QDragEnterEvent enter(drop->position().toPoint(), drop->possibleActions(), drop->mimeData(),
                                      drop->buttons(), drop->modifiers());
                m_import->dragEnter(&enter);
            }
            m_import->drop(drop);
        } else {
            drop->ignore();
        }
        return true;
    }
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

bool AttachController::handleDrag(QWidget *watched, QDragMoveEvent *event)
{
    const QStringList paths = ImportController::localPaths(event->mimeData());
    const Target target = m_targets.value(watched);
    if (paths.isEmpty() || !target.root)
        return false; // not files: the widget's own business (text dragged into an editor)
    const QPoint pos = watched->mapTo(target.root, event->position().toPoint());
    const Spot spot = target.spotAt(pos);
    if (!spot.runId.isEmpty()) {
        if (m_importDragging) {
            m_import->dragLeave();
            m_importDragging = false;
        }
        if (!m_dragging)
            m_messageBeforeDrag = m_window->statusBar()->currentMessage();
        m_dragging = true;
        QString text = itemsText(paths.size(), runName(spot.runId, spot.label));
        if (isAttaching())
            text += tr(" after the current attach");
        m_window->statusBar()->showMessage(display::elidedLine(text));
        const QRect area(target.root->mapTo(m_window, spot.area.topLeft()), spot.area.size());
        m_highlight->showOver(area, text);
        event->setDropAction(Qt::CopyAction);
        event->accept();
        return true;
    }
    // Beside the runs: what dropping on the window does.
    if (m_dragging) {
        m_dragging = false;
        m_highlight->hide();
        m_window->statusBar()->showMessage(display::elidedLine(m_messageBeforeDrag));
    }
    if (!m_import) {
        event->ignore();
        return true;
    }
    if (!m_importDragging) {
        QDragEnterEvent enter(event->position().toPoint(), event->possibleActions(), event->mimeData(),
                              event->buttons(), event->modifiers());
        m_import->dragEnter(&enter);
        m_importDragging = enter.isAccepted();
    }
    if (m_importDragging) {
        event->setDropAction(Qt::CopyAction);
        event->accept();
    } else {
        event->ignore();
    }
    return true;
}

void AttachController::endDrag()
{
    if (m_importDragging && m_import)
        m_import->dragLeave();
    m_importDragging = false;
    if (!m_dragging)
        return;
    m_dragging = false;
    m_highlight->hide();
    if (m_messageBeforeDrag.isEmpty())
        m_window->statusBar()->clearMessage();
    else
        m_window->statusBar()->showMessage(display::elidedLine(m_messageBeforeDrag));
}

// ----------------------------------------------------------------------------------------------- attaching

void AttachController::chooseAndAttach(const QString &runId, const QString &label, bool folder)
{
    if (runId.isEmpty())
        return;
    QStringList paths;
    if (folder) {
        const QString dir = QFileDialog::getExistingDirectory(
            m_window, tr("Attach a Folder to %1").arg(runName(runId, label)), QDir::homePath());
        if (!dir.isEmpty())
            paths << dir;
    } else {
        paths = QFileDialog::getOpenFileNames(m_window, tr("Attach Files to %1").arg(runName(runId, label)),
                                              QDir::homePath());
    }
    if (!paths.isEmpty())
        attach(runId, paths, label);
}

void AttachController::attach(const QString &runId, const QStringList &paths, const QString &label)
{
    if (runId.isEmpty() || paths.isEmpty())
        return;
    Request r{m_databasePath(), {runId, paths, {}}, label};
    m_queue.append(r);
    if (m_job)
        updateProgress(); // shows the queue
    else
        startNext();
}

void AttachController::cancel()
{
    m_queue.clear();
    if (!m_job)
        return;
    m_cancelling = true;
    m_job->cancel();
    m_progress->setCancelling();
}

void AttachController::startNext()
{
    if (m_job || m_queue.isEmpty())
        return;
    const Request next = m_queue.takeFirst();
    m_job = new AttachJob(next.database, next.request, this);
    m_label = runName(next.request.runId, next.label);
    m_done = m_total = 0;
    m_current.clear();
    m_cancelling = false;
    connect(m_job, &AttachJob::progress, this, [this](qint64 done, qint64 total, const QString &current) {
        m_done = done;
        m_total = total;
        m_current = current;
        updateProgress();
    });
    connect(m_job, &AttachJob::finished, this, [this](const AttachReport &r) {
        const QString label = m_label;
        if (r.cancelled) {
            m_lastMessage = tr("Attach to %1 cancelled; nothing was attached").arg(label);
            showStatus(m_lastMessage, 10000);
        } else {
            const qsizetype n = qsizetype(r.attached.size());
            m_lastMessage =
                (n == 1 ? tr("Attached 1 file (%2) to %3") : tr("Attached %1 files (%2) to %3").arg(n))
                    .arg(display::bytes(r.bytes), label);
            showStatus(m_lastMessage, 10000);
            if (n > 0)
                Q_EMIT attached(r.runId);
            if (!r.skipped.isEmpty())
                report(tr("Some items were left out"),
                       tr("%1. %2 left out (links leading out of the folder, FIFOs, devices):")
                           .arg(m_lastMessage)
                           .arg(r.skipped.size()),
                       r.skipped, false);
        }
        jobEnded();
    });
    connect(m_job, &AttachJob::failed, this, [this](const QString &message) {
        m_lastMessage = tr("Nothing was attached to %1: %2").arg(m_label, message);
        showStatus(m_lastMessage, 20000);
        report(tr("Attach failed"), m_lastMessage, {}, true);
        jobEnded();
    });
    m_progress->reset();
    m_progress->show();
    updateProgress();
    m_job->start();
}

void AttachController::jobEnded()
{
    AttachJob *job = std::exchange(m_job, nullptr);
    job->deleteLater(); // its thread is ending: the destructor's wait is short
    if (!m_queue.isEmpty()) {
        startNext();
        return;
    }
    m_progress->hide();
    m_progress->reset();
    Q_EMIT idle();
}

void AttachController::updateProgress()
{
    if (!m_job || m_cancelling)
        return;
    QString text;
    if (m_current.isEmpty()) {
        text = tr("Preparing to attach to %1…").arg(m_label);
    } else {
        text = tr("Attaching %1 to %2… %3 of %4")
                   .arg(m_current.section(QLatin1Char('/'), -1), m_label, display::bytes(m_done),
                        display::bytes(m_total));
    }
    if (!m_queue.isEmpty())
        text += tr(" · %1 more queued").arg(m_queue.size());
    m_progress->setText(text);
    m_progress->setProgress(m_done, m_current.isEmpty() ? 0 : std::max<qint64>(m_total, 1));
}

void AttachController::report(const QString &title, const QString &text, const QStringList &details,
                              bool problem)
{
    if (m_report)
        m_report->close();
    m_report = new QMessageBox(problem ? QMessageBox::Warning : QMessageBox::Information, title, text,
                               QMessageBox::Ok, m_window);
    m_report->setObjectName(QStringLiteral("attachReport"));
    m_report->setAttribute(Qt::WA_DeleteOnClose);
    if (!details.isEmpty())
        m_report->setDetailedText(details.join(QLatin1Char('\n')));
    m_report->open();
}

void AttachController::showStatus(const QString &message, int timeoutMs)
{
    m_window->statusBar()->showMessage(display::elidedLine(message), timeoutMs);
}

} // namespace runlens
