// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importcontroller.h"

#include "import/dropoverlay.h"
#include "import/importdialog.h"
#include "import/importprogresswidget.h"
#include "import/importreportdialog.h"
#include "itemmodels/displaytext.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QDragEnterEvent>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMainWindow>
#include <QMimeData>
#include <QStatusBar>

namespace runlens {

using import::Format;

namespace {

QString displayName(const QString &path)
{
    const QString name = QFileInfo(QDir::cleanPath(path)).fileName();
    return name.isEmpty() ? QDir::toNativeSeparators(path) : name;
}

QString itemsText(qsizetype n)
{
    return n == 1 ? ImportController::tr("Drop to import 1 item")
                  : ImportController::tr("Drop to import %1 items").arg(n);
}

} // namespace

ImportController::ImportController(QMainWindow *window, std::function<QString()> databasePath)
    : QObject(window)
    , m_window(window)
    , m_databasePath(std::move(databasePath))
    , m_progress(new ImportProgressWidget(window))
    , m_overlay(new DropOverlay(window))
{
    window->statusBar()->addPermanentWidget(m_progress);
    m_progress->hide();
    connect(m_progress, &ImportProgressWidget::cancelRequested, this, &ImportController::cancel);
}

ImportController::~ImportController()
{
    m_queue.clear();
    delete m_job; // cancels and waits
}

ImportDialog *ImportController::importDialog() const
{
    return m_dialog;
}

ImportProgressWidget *ImportController::progressWidget() const
{
    return m_progress;
}

ImportReportDialog *ImportController::reportDialog() const
{
    return m_report;
}

DropOverlay *ImportController::dropOverlay() const
{
    return m_overlay;
}

void ImportController::openImportDialog(const QAbstractItemModel *experiments)
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    QStringList names;
    for (int r = 0; experiments && r < experiments->rowCount(); ++r)
        names << experiments->index(r, 0).data().toString();
    m_dialog = new ImportDialog(names, m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this] {
        if (m_dialog)
            start(m_dialog->request());
    });
    m_dialog->open();
}

void ImportController::start(const ImportRequest &request)
{
    if (request.sources.isEmpty())
        return;
    m_queue.append({m_databasePath(), request});
    if (m_job)
        updateProgress(); // shows the queue
    else
        startNext();
}

void ImportController::cancel()
{
    if (!m_job)
        return;
    m_batchCancelled = true;
    m_queue.clear();
    m_cancelling = true;
    m_job->cancel();
    m_progress->setCancelling();
}

void ImportController::startNext()
{
    if (m_job || m_queue.isEmpty())
        return;
    const auto [database, request] = m_queue.takeFirst();
    m_job = new ImportJob(database, request, this);
    m_source = -1;
    m_done = m_total = 0;
    m_cancelling = false;
    connect(m_job, &ImportJob::sourceStarted, this, [this](int index, const QString &path, Format format) {
        m_source = index;
        m_format = format;
        m_done = m_total = 0;
        m_batchSources << displayName(path);
        updateProgress();
    });
    connect(m_job, &ImportJob::progress, this, [this](int index, qint64 done, qint64 total) {
        if (index != m_source)
            return;
        m_done = done;
        m_total = total;
        updateProgress();
    });
    connect(m_job, &ImportJob::sourcesSkipped, this, [this](const QStringList &messages) {
        m_batchErrors << messages;
        showStatus(tr("Not imported: %1").arg(messages.join(QStringLiteral("; "))), 20000);
    });
    connect(m_job, &ImportJob::finished, this, [this](const import::ImportReport &report) {
        import::ImportReport r = report;
        if (m_job->databasePath() != m_databasePath())
            r.runsByExperiment.clear(); // another database's ids: nothing to show in this one
        m_batchReport.merge(r);
        jobEnded(true);
    });
    connect(m_job, &ImportJob::failed, this, [this](const QString &message) {
        m_batchErrors << message;
        showStatus(tr("Import failed: %1").arg(message), 20000);
        jobEnded(false);
    });
    m_progress->reset();
    m_progress->show();
    updateProgress();
    m_job->start();
}

void ImportController::jobEnded(bool wrote)
{
    ImportJob *job = std::exchange(m_job, nullptr);
    job->deleteLater(); // its thread is ending: the destructor's wait is short
    if (wrote)
        Q_EMIT imported();
    if (!m_queue.isEmpty()) {
        startNext();
        return;
    }
    m_progress->hide();
    m_progress->reset();
    showReport();
}

void ImportController::updateProgress()
{
    if (!m_job || m_cancelling)
        return;
    const QList<ImportRequest::Source> &sources = m_job->request().sources;
    const QLocale locale;
    QString text;
    qint64 done = m_done, total = m_total;
    if (m_source < 0) {
        text = sources.size() == 1 ? tr("Preparing to import %1…").arg(displayName(sources.first().path))
                                   : tr("Preparing to import %1 items…").arg(sources.size());
        total = 0;
    } else {
        text = tr("Importing %1").arg(displayName(sources.value(m_source).path));
        if (sources.size() > 1)
            text += tr(" (%1 of %2)").arg(m_source + 1).arg(sources.size());
        text += QStringLiteral("…");
        const ImportJob::Unit unit = ImportJob::progressUnit(m_format);
        if (unit == ImportJob::Unit::Files && total == 1) {
            total = 0; // one file: read whole before its run is written, so no count in between
        } else if (total > 0) {
            switch (unit) {
            case ImportJob::Unit::Runs:
                text += tr(" %1 of %2 runs").arg(locale.toString(done), locale.toString(total));
                break;
            case ImportJob::Unit::Files:
                text += tr(" %1 of %2 files").arg(locale.toString(done), locale.toString(total));
                break;
            case ImportJob::Unit::Bytes:
                text += tr(" %1 of %2").arg(locale.formattedDataSize(done), locale.formattedDataSize(total));
                break;
            }
        }
    }
    if (!m_queue.isEmpty())
        text += tr(" · %1 more queued").arg(m_queue.size());
    m_progress->setText(text);
    m_progress->setProgress(done, total);
}

void ImportController::showReport()
{
    if (!m_report) {
        m_report = new ImportReportDialog(m_window);
        m_report->setObjectName(QStringLiteral("importReport"));
    }
    import::ImportReport report = std::exchange(m_batchReport, {});
    report.cancelled |= m_batchCancelled;
    const ExperimentId busiest = report.busiestExperiment();
    m_report->setReport(std::exchange(m_batchSources, {}), report, std::exchange(m_batchErrors, {}));
    m_batchCancelled = false;
    m_report->show();
    m_report->raise();
    Q_EMIT reportShown();
    if (busiest > 0)
        Q_EMIT landOn(busiest);
}

QStringList ImportController::localPaths(const QMimeData *mime, QStringList *others)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && !url.toLocalFile().isEmpty())
            paths << url.toLocalFile();
        else if (others)
            others->append(url.toDisplayString());
    }
    return paths;
}

void ImportController::dragEnter(QDragEnterEvent *event)
{
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    QString text = itemsText(paths.size());
    if (isImporting())
        text += tr(" after the current import");
    if (!m_dragging)
        m_messageBeforeDrag = m_window->statusBar()->currentMessage();
    m_dragging = true;
    m_window->statusBar()->showMessage(display::elidedLine(text));
    QWidget *area = m_window->centralWidget();
    m_overlay->showOver(area ? area->geometry() : m_window->rect(), text);
}

void ImportController::dragMove(QDragMoveEvent *event)
{
    if (m_dragging)
        event->acceptProposedAction();
    else
        event->ignore();
}

void ImportController::dragLeave()
{
    endDrag();
}

void ImportController::endDrag()
{
    if (!m_dragging)
        return;
    m_dragging = false;
    m_overlay->hide();
    if (m_messageBeforeDrag.isEmpty())
        m_window->statusBar()->clearMessage();
    else
        m_window->statusBar()->showMessage(display::elidedLine(m_messageBeforeDrag));
}

void ImportController::drop(QDropEvent *event)
{
    endDrag();
    QStringList others;
    const QStringList paths = localPaths(event->mimeData(), &others);
    if (paths.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    if (!others.isEmpty())
        showStatus(tr("Not imported (not local files): %1").arg(others.join(QStringLiteral(", "))), 20000);
    // Formats are detected on the job's thread: a dropped TensorBoard folder is walked whole to find them.
    ImportRequest request;
    for (const QString &p : paths)
        request.sources.append({p, Format::Auto});
    request.skipUnrecognised = true;
    start(request);
}

void ImportController::showStatus(const QString &message, int timeoutMs)
{
    m_window->statusBar()->showMessage(display::elidedLine(message), timeoutMs);
}

} // namespace runlens
