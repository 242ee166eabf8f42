// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importdialog.h"

#include "core/background.h"
#include "shell/appsettings.h"
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

using import::Format;

namespace {

// The format combo's entries, in order.
constexpr Format ComboFormats[] = {Format::Auto,        Format::MlflowFiles, Format::MlflowDatabase,
                                   Format::TensorBoard, Format::Csv,         Format::JsonLines,
                                   Format::Kubeflow,    Format::Dvc};

QStringList localFiles(const QMimeData *mime)
{
    QStringList paths;
    if (mime && mime->hasUrls()) {
        for (const QUrl &url : mime->urls()) {
            if (url.isLocalFile())
                paths << url.toLocalFile();
        }
    }
    return paths;
}

} // namespace

QString ImportDialog::formatLabel(Format format)
{
    switch (format) {
    case Format::Auto:
        return tr("Detect automatically");
    case Format::MlflowFiles:
        return tr("MLflow store folder (mlruns)");
    case Format::MlflowDatabase:
        return tr("MLflow database (mlflow.db)");
    case Format::TensorBoard:
        return tr("TensorBoard event files");
    case Format::Csv:
        return tr("CSV / TSV logs");
    case Format::JsonLines:
        return tr("JSON-lines logs");
    case Format::Kubeflow:
        return tr("Kubeflow Pipelines metrics");
    case Format::Dvc:
        return tr("DVC project / DVCLive folder");
    }
    return {};
}

ImportDialog::ImportDialog(const QStringList &experiments, QWidget *parent)
    : QDialog(parent)
    , m_list(new QTreeWidget(this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_format(new QComboBox(this))
    , m_experiment(new QComboBox(this))
    , m_copyArtifacts(new QCheckBox(tr("&Copy artifact files into the database's folder"), this))
    , m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(tr("Import Runs"));
    setAcceptDrops(true);

    auto *intro =
        new QLabel(tr("MLflow stores (mlruns folders) and databases (mlflow.db), TensorBoard log "
                      "folders, CSV and JSON-lines logs, Kubeflow Pipelines output folders. Importing a "
                      "source again adds only what is new; sources are never modified."),
                   this);
    intro->setWordWrap(true);

    m_list->setObjectName(QStringLiteral("importSources"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Source"), tr("Format")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setTextElideMode(Qt::ElideMiddle);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    auto *addFiles = new QPushButton(tr("Add &Files…"), this);
    addFiles->setObjectName(QStringLiteral("addFiles"));
    auto *addFolder = new QPushButton(tr("Add F&older…"), this);
    addFolder->setObjectName(QStringLiteral("addFolder"));
    m_remove->setObjectName(QStringLiteral("removeSources"));
    auto *sourceButtons = new QVBoxLayout;
    sourceButtons->addWidget(addFiles);
    sourceButtons->addWidget(addFolder);
    sourceButtons->addWidget(m_remove);
    sourceButtons->addStretch(1);
    auto *sources = new QHBoxLayout;
    sources->addWidget(m_list, 1);
    sources->addLayout(sourceButtons);

    m_format->setObjectName(QStringLiteral("importFormat"));
    for (Format f : ComboFormats)
        m_format->addItem(formatLabel(f));
    m_experiment->setObjectName(QStringLiteral("importExperiment"));
    m_experiment->setEditable(true);
    m_experiment->setInsertPolicy(QComboBox::NoInsert);
    m_experiment->addItems(experiments);
    m_experiment->setCurrentIndex(-1);
    m_experiment->lineEdit()->setPlaceholderText(tr("Named after each source's file or folder"));
    m_experiment->setToolTip(tr("The experiment for runs whose source names none (CSV, TensorBoard); "
                                "MLflow runs keep their own experiments"));
    m_copyArtifacts->setObjectName(QStringLiteral("copyArtifacts"));
    m_copyArtifacts->setChecked(true);
    auto *form = new QFormLayout;
    form->addRow(tr("For&mat:"), m_format);
    form->addRow(tr("&Experiment:"), m_experiment);
    form->addRow(QString(), m_copyArtifacts);

    m_message->setObjectName(QStringLiteral("importMessage"));
    m_message->setWordWrap(true);
    QPalette warn = m_message->palette();
    warn.setColor(QPalette::WindowText, QColor(0xa0, 0x3a, 0x00));
    m_message->setPalette(warn);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("importButton"));
    m_import->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(sources, 1);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    resize(720, 460);

    connect(addFiles, &QPushButton::clicked, this, &ImportDialog::chooseFiles);
    connect(addFolder, &QPushButton::clicked, this, &ImportDialog::chooseFolder);
    connect(m_remove, &QPushButton::clicked, this, &ImportDialog::removeSelected);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &ImportDialog::updateState);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ImportDialog::updateState);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateState();
}

ImportDialog::~ImportDialog() = default;

void ImportDialog::addPaths(const QStringList &paths)
{
    for (const QString &p : paths) {
        if (p.isEmpty())
            continue;
        const QString path = QDir::cleanPath(QFileInfo(p).absoluteFilePath());
        if (this->paths().contains(path))
            continue;
        m_sources.append({path, std::nullopt});
        auto *item = new QTreeWidgetItem(m_list, {QDir::toNativeSeparators(path), tr("detecting…")});
        item->setToolTip(0, QDir::toNativeSeparators(path));
        // Detection walks a folder tree or opens a database: never on the GUI thread.
        background::run(
            this, [path] { return import::detectFormat(path); },
            [this, path](Format format) { detected(path, format); },
            {.failed = [this, path](const QString &) { detected(path, Format::Auto); }}); // not recognised
    }
    updateState();
}

QStringList ImportDialog::paths() const
{
    QStringList all;
    for (const Source &s : m_sources)
        all << s.path;
    return all;
}

bool ImportDialog::isDetecting() const
{
    return std::any_of(m_sources.cbegin(), m_sources.cend(), [](const Source &s) { return !s.detected; });
}

std::optional<Format> ImportDialog::detectedFormat(const QString &path) const
{
    for (const Source &s : m_sources) {
        if (s.path == path)
            return s.detected;
    }
    return std::nullopt;
}

void ImportDialog::detected(const QString &path, Format format)
{
    for (int i = 0; i < m_sources.size(); ++i) {
        if (m_sources[i].path != path)
            continue; // a source removed while it was being detected is simply not found
        m_sources[i].detected = format;
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        if (format == Format::Auto) {
            item->setText(1, tr("not recognised"));
            item->setForeground(1, QColor(0xc0, 0x1c, 0x28));
        } else {
            item->setText(1, formatLabel(format));
        }
    }
    updateState();
}

Format ImportDialog::chosenFormat() const
{
    const int i = m_format->currentIndex();
    return i >= 0 && i < int(std::size(ComboFormats)) ? ComboFormats[i] : Format::Auto;
}

QString ImportDialog::problem() const
{
    if (m_sources.isEmpty())
        return tr("Add the files or folders to import.");
    if (isDetecting())
        return tr("Detecting formats…");
    if (chosenFormat() != Format::Auto)
        return {};
    QStringList unknown;
    for (const Source &s : m_sources) {
        if (s.detected == Format::Auto)
            unknown << QFileInfo(s.path).fileName();
    }
    if (unknown.isEmpty())
        return {};
    return (unknown.size() == 1 ? tr("Not recognised: %1. Remove it or choose a format.")
                                : tr("Not recognised: %1. Remove them or choose a format."))
        .arg(unknown.join(QStringLiteral(", ")));
}

void ImportDialog::updateState()
{
    const QString why = problem();
    m_message->setText(m_sources.isEmpty() ? QString() : why);
    m_import->setEnabled(why.isEmpty());
    m_remove->setEnabled(!m_list->selectedItems().isEmpty());
}

ImportRequest ImportDialog::request() const
{
    ImportRequest r;
    const Format chosen = chosenFormat();
    for (const Source &s : m_sources)
        r.sources.append({s.path, chosen != Format::Auto ? chosen : s.detected.value_or(Format::Auto)});
    r.experiment = m_experiment->currentText().trimmed();
    r.copyArtifacts = m_copyArtifacts->isChecked();
    return r;
}

void ImportDialog::removeSelected()
{
    for (int i = m_list->topLevelItemCount() - 1; i >= 0; --i) {
        if (m_list->topLevelItem(i)->isSelected()) {
            delete m_list->takeTopLevelItem(i);
            m_sources.removeAt(i);
        }
    }
    updateState();
}

void ImportDialog::chooseFiles()
{
    QSettings s = appsettings::open();
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add Files to Import"), s.value(QStringLiteral("import/lastFolder")).toString(),
        tr("Logs and databases (*.db *.sqlite *.csv *.tsv *.jsonl *.ndjson *.json *.log "
           "*tfevents*);;All files (*)"));
    if (files.isEmpty())
        return;
    s.setValue(QStringLiteral("import/lastFolder"), QFileInfo(files.first()).absolutePath());
    addPaths(files);
}

void ImportDialog::chooseFolder()
{
    QSettings s = appsettings::open();
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Add Folder to Import"), s.value(QStringLiteral("import/lastFolder")).toString());
    if (folder.isEmpty())
        return;
    s.setValue(QStringLiteral("import/lastFolder"), QFileInfo(folder).absolutePath());
    addPaths({folder});
}

void ImportDialog::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localFiles(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ImportDialog::dropEvent(QDropEvent *event)
{
    const QStringList paths = localFiles(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    addPaths(paths);
}

} // namespace runlens
