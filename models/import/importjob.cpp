// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importjob.h"

#include "core/sourcefile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

namespace runlens {

using import::Format;

ImportJob::Unit ImportJob::progressUnit(Format format)
{
    switch (format) {
    case Format::MlflowFiles:
    case Format::MlflowDatabase:
    case Format::Dvc:
        return Unit::Runs;
    case Format::TensorBoard:
        return Unit::Bytes;
    case Format::Auto:
    case Format::Csv:
    case Format::JsonLines:
    case Format::Kubeflow:
        break;
    }
    return Unit::Files;
}

ImportJob::ImportJob(const QString &databasePath, ImportRequest request, QObject *parent)
    : QObject(parent)
    , m_databasePath(databasePath)
    , m_request(std::move(request))
{}

ImportJob::~ImportJob()
{
    if (m_thread) {
        *m_cancel = true;
        m_thread->wait();
    }
}

void ImportJob::start()
{
    if (m_thread)
        return;
    m_thread.reset(QThread::create([this] { work(); }));
    m_thread->setObjectName(QStringLiteral("runlens-import"));
    m_thread->start();
}

void ImportJob::cancel()
{
    *m_cancel = true;
}

bool ImportJob::isRunning() const
{
    return m_thread && !m_done;
}

void ImportJob::post(std::function<void()> f)
{
    // Queued to this object's thread; if the job is destroyed first, the destructor has already waited for
    // this thread and Qt drops the pending call with the object.
    QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
}

// Runs on m_thread. Reads only what does not change after start(): the request, the path, the cancel flag.
void ImportJob::work()
{
    const auto fail = [this](const QString &message) {
        post([this, message] {
            m_done = true;
            Q_EMIT failed(message);
        });
    };
    if (m_request.sources.isEmpty()) {
        fail(tr("Nothing to import."));
        return;
    }

    // Every source is checked before anything is written, so that a bad one in a dialog's list changes
    // nothing (as the command line does).
    struct Planned
    {
        int index;
        QString path;
        Format format;
    };
    QList<Planned> plan;
    QStringList skipped;
    import::ImportReport report;
    for (int i = 0; i < m_request.sources.size(); ++i) {
        if (*m_cancel)
            break;
        const ImportRequest::Source &source = m_request.sources.at(i);
        const QString shown = QDir::toNativeSeparators(source.path);
        QString problem;
        Format format = source.format;
        if (!QFileInfo::exists(source.path)) {
            problem = tr("does not exist");
        } else if (const std::optional<QString> db = livedb::databaseOf(source.path)) {
            problem =
                tr("is part of the database %1, which Runlens has open").arg(QDir::toNativeSeparators(*db));
        } else if (format == Format::Auto) {
            format = import::detectFormat(source.path);
            if (format == Format::Auto)
                problem = tr("format not recognised (import takes mlruns folders, mlflow.db files, "
                             "TensorBoard event files, CSV and JSON-lines logs, Kubeflow Pipelines "
                             "metrics)");
        }
        if (problem.isEmpty()) {
            plan.append({i, source.path, format});
            continue;
        }
        if (!m_request.skipUnrecognised) {
            fail(tr("%1: %2").arg(shown, problem));
            return;
        }
        skipped << tr("%1: %2").arg(shown, problem);
    }
    if (!skipped.isEmpty())
        post([this, skipped] { Q_EMIT sourcesSkipped(skipped); });
    if (plan.isEmpty()) {
        report.cancelled = *m_cancel;
        post([this, report] {
            m_done = true;
            Q_EMIT finished(report);
        });
        return;
    }

    std::unique_ptr<Store> store;
    try {
        store = std::make_unique<Store>(m_databasePath);
    } catch (const Error &e) {
        fail(e.message());
        return;
    } catch (const std::exception &e) {
        fail(QString::fromUtf8(e.what()));
        return;
    }

    for (const Planned &p : std::as_const(plan)) {
        if (*m_cancel) {
            report.cancelled = true;
            break;
        }
        post([this, p] { Q_EMIT sourceStarted(p.index, p.path, p.format); });
        QElapsedTimer sinceSignal;
        import::ImportOptions options;
        options.experiment = m_request.experiment;
        options.copyArtifacts = m_request.copyArtifacts;
        options.cancelled = [cancel = m_cancel] { return cancel->load(); };
        // Readers may call this for every record; the GUI needs a few updates a second.
        options.progress = [this, &sinceSignal, index = p.index](qint64 done, qint64 total) {
            const bool last = total > 0 && done >= total;
            if (!last && sinceSignal.isValid() && sinceSignal.elapsed() < ProgressIntervalMs)
                return;
            sinceSignal.start();
            post([this, index, done, total] { Q_EMIT progress(index, done, total); });
        };
        try {
            report.merge(import::importPaths(*store, {p.path}, p.format, options));
        } catch (const Error &e) {
            // The source changed between the check and the read; the sources already imported stay.
            report.warnings[p.path] << e.message();
            report.failedSources << tr("%1: %2").arg(QDir::toNativeSeparators(p.path), e.message());
        } catch (const std::exception &e) {
            report.warnings[p.path] << tr("import stopped: %1").arg(QString::fromUtf8(e.what()));
        }
        if (report.cancelled)
            break;
    }
    post([this, report] {
        m_done = true;
        Q_EMIT finished(report);
    });
}

} // namespace runlens
