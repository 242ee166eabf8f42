// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/mainwindow.h"

#include "artifacts/artifactstore.h"
#include "core/background.h"
#include "dialogs/promotedialog.h"
#include "import/attachcontroller.h"
#include "import/importcontroller.h"
#include "import/importdialog.h"
#include "import/launchfiles.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/experimentlistmodel.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/modelspage.h"
#include "pages/runpage.h"
#include "pages/runspage.h"
#include "pages/welcomepage.h"
#include "shell/appsettings.h"
#include "shell/shortcutsdialog.h"
#include "shell/theme.h"
#include "shell/tourdialog.h"
#include "store/changewatcher.h"
#include "store/storeworker.h"
#include "store/workerjobs.h"
#include "widgets/experimentsidebar.h"
#include "widgets/rundiffview.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {
constexpr int MaxRecent = 8;
} // namespace

MainWindow::MainWindow(const QString &databasePath, QWidget *parent)
    : QMainWindow(parent)
    , m_colors(new RunColorMap(this)) // one colour per run across the pages, for the window's life
{
    auto *central = new QWidget(this);
    m_banner = new QLabel(central);
    m_banner->setObjectName(QStringLiteral("problemBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setMargin(8);
    m_banner->setAutoFillBackground(true);
    m_banner->hide();
    m_splitter = new QSplitter(central);
    // The sidebar's column: the experiments (rebuilt per database) above the way to the Models page.
    auto *left = new QWidget(m_splitter);
    left->setObjectName(QStringLiteral("leftPane"));
    m_leftLayout = new QVBoxLayout(left);
    m_leftLayout->setContentsMargins(0, 0, 0, 0);
    m_leftLayout->setSpacing(0);
    m_modelsButton = new QToolButton(left);
    m_modelsButton->setObjectName(QStringLiteral("modelsButton"));
    m_modelsButton->setText(tr("Models"));
    m_modelsButton->setToolTip(tr("Registered models (Ctrl+Shift+M)"));
    m_modelsButton->setCheckable(true);
    m_modelsButton->setAutoRaise(true);
    m_modelsButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_modelsButton->setIcon(style()->standardIcon(QStyle::SP_FileDialogDetailedView));
    m_modelsButton->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_modelsButton->setMinimumHeight(fontMetrics().height() + 14);
    m_leftLayout->addWidget(m_modelsButton);
    connect(m_modelsButton, &QToolButton::clicked, this, [this] { showModels(); });
    m_pages = new QStackedWidget(m_splitter);
    connect(m_pages, &QStackedWidget::currentChanged, this, [this, left] {
        m_modelsButton->setChecked(m_modelsPage && m_pages->currentWidget() == m_modelsPage);
        // The welcome page has the whole window: an empty experiments list beside it says nothing.
        left->setVisible(!isShowingWelcome());
    });
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);
    m_import = new ImportController(this, [this] { return m_worker->databasePath(); });
    connect(m_import, &ImportController::imported, this, [this] {
        // The watcher sees the import's commits too; this is for the rows' last state right at the end.
        m_experiments->reload();
        m_runs->refresh();
    });
    connect(m_import, &ImportController::landOn, this, [this](ExperimentId experiment) {
        // Chosen once the list has it: a load that began before the last run's commit may still be running.
        m_pendingExperiment = experiment;
        m_experiments->reload();
    });
    m_attach = new AttachController(
        this, [this] { return m_worker->databasePath(); }, m_import);
    connect(m_attach, &AttachController::attached, this, [this](const QString &runId) {
        if (m_runPage && m_pages->currentWidget() == m_runPage && m_runPage->runId() == runId)
            m_runPage->refresh();
    });
    setAcceptDrops(true);
    createMenus();
    resize(1400, 880);
    {
        QSettings s = appsettings::open();
        restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    }
    openDatabase(databasePath);
}

MainWindow::~MainWindow()
{
    // Pages and models hold the worker: they (the central widget with everything in it) go before it does.
    delete m_watcher;
    delete takeCentralWidget();
    delete m_experiments;
    releaseWorker();
}

// The worker finishes the writes still queued (a Save or Del just before closing) before it goes; a busy
// cursor says so when there are some. Each is bounded by the store's busy timeout.
void MainWindow::releaseWorker()
{
    if (!m_worker)
        return;
    const bool busy = m_worker->hasPendingWrites();
    if (busy)
        QApplication::setOverrideCursor(Qt::WaitCursor);
    m_worker.reset();
    if (busy)
        QApplication::restoreOverrideCursor();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Database…"), QKeySequence::New, this, &MainWindow::newDatabase);
    file->addAction(tr("&Open Database…"), QKeySequence::Open, this, &MainWindow::chooseDatabase);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    m_importAction = file->addAction(tr("&Import…"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                                     [this] { m_import->openImportDialog(m_experiments); });
    m_attachFiles = file->addAction(tr("&Attach Files…"), this, [this] {
        QString label;
        const QString id = currentRunId(&label);
        if (id.isEmpty())
            showStatus(tr("Open a run or select one in the runs table to attach files to it"));
        else
            m_attach->chooseAndAttach(id, label, false);
    });
    m_attachFiles->setObjectName(QStringLiteral("attachFiles"));
    m_attachFolder = file->addAction(tr("Attach &Folder…"), this, [this] {
        QString label;
        const QString id = currentRunId(&label);
        if (id.isEmpty())
            showStatus(tr("Open a run or select one in the runs table to attach a folder to it"));
        else
            m_attach->chooseAndAttach(id, label, true);
    });
    m_attachFolder->setObjectName(QStringLiteral("attachFolder"));
    connect(file, &QMenu::aboutToShow, this, &MainWindow::updateAttachActions);
    file->addAction(tr("&New Experiment…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this, [this] {
        if (m_sidebar)
            m_sidebar->createExperiment();
    });
    file->addAction(tr("&Promote to Model…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this,
                    &MainWindow::promoteCurrentRun);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&Filter Runs"), QKeySequence::Find, this, [this] {
        if (m_runs)
            m_runs->focusFilter();
    });
    edit->addAction(tr("Find &Experiment"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), this, [this] {
        if (m_sidebar)
            m_sidebar->focusSearch();
    });
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QMenu *appearance = view->addMenu(tr("&Appearance"));
    auto *themes = new QActionGroup(this);
    const theme::Theme current = theme::saved();
    for (auto [t, label] : {std::pair{theme::Theme::System, tr("&System")},
                            {theme::Theme::Light, tr("&Light")},
                            {theme::Theme::Dark, tr("&Dark")}}) {
        QAction *a = appearance->addAction(label, this, [t] {
            theme::apply(t);
            theme::save(t);
        });
        a->setCheckable(true);
        a->setChecked(t == current);
        themes->addAction(a);
    }
    view->addSeparator();
    view->addAction(tr("&Runs"), this, [this] {
        if (m_runs && (!m_runPage || m_pages->currentWidget() != m_runPage || m_runPage->confirmLeave())) {
            m_pages->setCurrentWidget(m_runs);
            m_runs->table()->setFocus(Qt::OtherFocusReason);
        }
    });
    view->addAction(tr("&Models"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M), this,
                    [this] { showModels(); });
    view->addSeparator();
    // One trash toggle for the window: this item, Ctrl+T and the sidebar's Trash button show and hide the
    // trashed experiments in the sidebar and the trashed runs in the table together.
    m_showTrash = view->addAction(tr("Show &Trash"), QKeySequence(Qt::CTRL | Qt::Key_T));
    m_showTrash->setObjectName(QStringLiteral("showTrash"));
    m_showTrash->setCheckable(true);
    connect(m_showTrash, &QAction::toggled, this, [this](bool on) {
        if (m_sidebar)
            m_sidebar->setShowTrash(on); // comes back through ExperimentSidebar::showTrashChanged
    });
    view->addAction(tr("Choose &Columns…"), this, [this] {
        if (m_runs)
            m_runs->chooseColumns();
    });
    // Ctrl+M belongs to this item, so that the menu shows it and it works on every page: the runs selected
    // in the table against each other; on a run page, that run's charts (Compare of one run would show the
    // same charts, away from the run).
    m_compareAction = view->addAction(tr("Co&mpare Selected Runs"), QKeySequence(Qt::CTRL | Qt::Key_M), this,
                                      &MainWindow::compareCurrent);
    m_compareAction->setObjectName(QStringLiteral("compareAction"));
    view->addAction(tr("&Refresh"), QKeySequence::Refresh, this, [this] {
        if (m_runs)
            m_runs->refresh();
        if (m_experiments)
            m_experiments->reload();
        if (m_modelsPage && m_pages->currentWidget() == m_modelsPage)
            m_modelsPage->refresh();
    });
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence(Qt::CTRL | Qt::Key_Question), this,
                    &MainWindow::showShortcuts);
    help->addAction(tr("&Tour"), QKeySequence::HelpContents, this, &MainWindow::showTour);
    help->addSeparator();
    help->addAction(tr("&About Runlens"), this, [this] {
        QMessageBox::about(
            this, tr("About Runlens"),
            tr("<h3>Runlens %1</h3><p>A native experiment tracker: every point of every curve, "
               "MLflow, TensorBoard and CSV logs read as they are.</p><p>Database: %2</p>")
                .arg(QCoreApplication::applicationVersion(), m_databasePath.toHtmlEscaped()));
    });
}

bool MainWindow::openDatabase(const QString &path)
{
    if (m_runPage && !m_runPage->confirmLeave())
        return false;
    // Pages and models of the previous database go first: they hold the worker.
    delete m_watcher;
    delete m_sidebar;
    delete m_runs;
    delete m_runPage;
    m_runPage = nullptr;
    delete m_comparePage;
    m_comparePage = nullptr;
    delete m_modelsPage;
    m_modelsPage = nullptr;
    delete m_promoteDialog;
    delete m_experiments;
    releaseWorker();
    m_databasePath = QFileInfo(path).absoluteFilePath();
    m_worker = std::make_unique<StoreWorker>(m_databasePath);
    m_experiments = new ExperimentListModel(m_worker.get(), this);
    m_experimentsLoaded = false;
    m_runsChecked = false;
    m_checkingRuns = false;
    m_banner->hide();
    if (m_welcome)
        m_welcome->setDatabase(m_databasePath, false); // a demo writing the previous database is cancelled
    m_sidebar = new ExperimentSidebar(m_experiments);
    m_runs = new RunsPage(m_worker.get());
    m_runs->setColorMap(m_colors);
    m_leftLayout->insertWidget(0, m_sidebar, 1);
    m_pages->addWidget(m_runs);
    m_pages->setCurrentWidget(m_runs);
    m_splitter->setStretchFactor(1, 1);
    {
        QSettings s = appsettings::open();
        if (!m_splitter->restoreState(s.value(QStringLiteral("window/splitter")).toByteArray()))
            m_splitter->setSizes({260, 1140});
    }
    setWindowTitle(tr("%1 — Runlens").arg(QFileInfo(m_databasePath).fileName()));
    showStatus(tr("Opening %1…").arg(m_databasePath));

    connect(m_sidebar, &ExperimentSidebar::experimentsChosen, m_runs, &RunsPage::showExperiments);
    // A new database starts outside the trash.
    {
        const QSignalBlocker quiet(m_showTrash);
        m_showTrash->setChecked(false);
    }
    connect(m_sidebar, &ExperimentSidebar::showTrashChanged, this, [this](bool shown) {
        m_runs->setTrashShown(shown);
        const QSignalBlocker quiet(m_showTrash);
        m_showTrash->setChecked(shown);
    });
    m_runs->setCompareAction(m_compareAction);
    // Reopen where the person left off; their runs load while the experiments list does. The current
    // experiment first, then the others chosen with it ("lastExperiment/" alone before several could be).
    const QString database = appsettings::databaseKey(m_databasePath);
    const QString lastKey = QStringLiteral("lastExperiment/") + database;
    const QString lastSetKey = QStringLiteral("lastExperiments/") + database;
    connect(m_sidebar, &ExperimentSidebar::experimentsChosen, this, [this, lastKey, lastSetKey] {
        const QList<ExperimentId> chosen = m_sidebar->chosenExperiments();
        const ExperimentId current = chosen.contains(m_sidebar->currentExperiment())
                                         ? m_sidebar->currentExperiment()
                                         : chosen.value(0);
        QVariantList ids{current};
        for (ExperimentId id : chosen)
            if (id != current)
                ids << id;
        QSettings s = appsettings::open();
        s.setValue(lastKey, current);
        s.setValue(lastSetKey, ids);
    });
    {
        QSettings s = appsettings::open();
        QList<ExperimentId> last;
        for (const QVariant &v : s.value(lastSetKey).toList())
            if (const ExperimentId id = v.toLongLong(); id > 0 && !last.contains(id))
                last << id;
        if (const ExperimentId current = s.value(lastKey).toLongLong();
            current > 0 && last.value(0) != current)
            last = {current}; // written by a Runlens that knew only one
        if (!last.isEmpty()) {
            m_sidebar->preselect(last);
            m_runs->showExperiments(last);
        }
    }
    connect(m_runs, &RunsPage::statusMessage, statusBar(), [this](const QString &m) { showStatus(m); });
    connect(m_sidebar, &ExperimentSidebar::statusMessage, statusBar(),
            [this](const QString &m) { showStatus(m, 10000); });
    connect(m_experiments, &ExperimentListModel::loaded, this, [this] {
        QHash<ExperimentId, QString> names;
        for (int r = 0; r < m_experiments->rowCount(); ++r)
            names.insert(m_experiments->experimentAt(r).id, m_experiments->experimentAt(r).name);
        m_runs->setExperimentNames(names);
        if (m_pendingExperiment > 0 && !m_sidebar->isShowingTrash())
            m_sidebar->selectExperiment(m_pendingExperiment);
        m_pendingExperiment = 0;
        if (!m_experimentsLoaded) {
            showStatus(m_databasePath);
            rememberRecent(m_databasePath);
            jobs::readIsReadOnly(m_worker.get(), this, [this](bool readOnly) {
                showReadOnly(readOnly);
                checkForRuns();
                // What an attach or import killed mid-copy left in the artifact store goes now.
                if (!readOnly)
                    jobs::sweepArtifactStaging(m_worker.get(), this);
            });
            m_watcher->start();
        } else if (m_runsChecked && isShowingWelcome()) {
            checkForRuns(); // a writer (another process, an import, the demo) may have added the first run
        }
        m_experimentsLoaded = true;
    });
    connect(m_experiments, &ExperimentListModel::loadFailed, this, [this](const QString &message) {
        m_experimentsLoaded = true;
        if (!m_runsChecked)
            runsChecked(); // nothing to count: the banner says why, and the runs page stays
        m_watcher->stop();
        showStatus(tr("Cannot open the database"));
        showProblem(
            tr("Cannot open the database: %1\nChoose another one with File › Open Database.").arg(message));
    });
    // Another process (CLI, Python client, an import) wrote: the views catch up within a second.
    m_watcher = new ChangeWatcher(m_worker.get(), 400, this);
    connect(m_watcher, &ChangeWatcher::changed, this, [this] {
        m_runs->refresh();
        if (m_pages->currentWidget() == m_runPage)
            m_runPage->refresh();
        if (m_modelsPage && m_pages->currentWidget() == m_modelsPage)
            m_modelsPage->refresh();
        if (m_comparePage && m_pages->currentWidget() == m_comparePage)
            m_comparePage->refresh(); // the curves of runs still logging grow
        m_experiments->reload();
    });
    m_experiments->reload();

    connect(m_runs, &RunsPage::runActivated, this, &MainWindow::showRun);
    // Files dropped on a run's row attach to that run; on the table's empty space they import.
    QTableView *table = m_runs->table();
    m_attach->addDropTarget(table->viewport(), [table](const QPoint &pos) {
        const QModelIndex index = table->indexAt(pos);
        if (!index.isValid())
            return AttachController::Spot{};
        const auto *model = qobject_cast<const RunTableModel *>(index.model());
        const int nameColumn = model ? model->columnOf(QStringLiteral("name")) : -1;
        return AttachController::Spot{index.data(RunIdRole).toString(),
                                      nameColumn >= 0 ? index.siblingAtColumn(nameColumn).data().toString()
                                                      : QString(),
                                      QRect(0, table->rowViewportPosition(index.row()),
                                            table->viewport()->width(), table->rowHeight(index.row()))};
    });
    connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateAttachActions);
    connect(m_pages, &QStackedWidget::currentChanged, this, &MainWindow::updateAttachActions,
            Qt::UniqueConnection);
    updateAttachActions();
    connect(m_runs, &RunsPage::promoteRequested, this, &MainWindow::promoteRun);
    // Choosing an experiment in the sidebar while the models are shown goes back to the runs. Only a choice
    // made there (the sidebar has the focus): the sidebar also chooses one by itself when its list loads.
    const auto leaveModels = [this] {
        if (m_modelsPage && m_pages->currentWidget() == m_modelsPage)
            m_pages->setCurrentWidget(m_runs);
    };
    connect(m_sidebar, &ExperimentSidebar::experimentsChosen, this, [this, leaveModels] {
        QWidget *focus = QApplication::focusWidget();
        if (focus && m_sidebar->isAncestorOf(focus))
            leaveModels();
    });
    // A click on the experiment already chosen changes nothing in the sidebar, but still means "its runs".
    if (auto *list = m_sidebar->findChild<QAbstractItemView *>(QStringLiteral("experimentList")))
        connect(list, &QAbstractItemView::clicked, this, leaveModels);
    return true;
}

void MainWindow::compareCurrent()
{
    if (m_runPage && m_pages->currentWidget() == m_runPage) {
        m_runPage->showCharts();
        return;
    }
    if (m_runs && !m_runs->selectedRunIds().isEmpty())
        showCompare(m_runs->selectedRunIds());
    else
        showStatus(tr("Select the runs to compare in the runs table first"));
}

ComparePage *MainWindow::comparePage()
{
    if (m_comparePage)
        return m_comparePage;
    m_comparePage = new ComparePage(m_worker.get());
    m_comparePage->setColorMap(m_colors);
    // Our own writes reach no data_version: the runs table reads the pinned colour now.
    connect(m_comparePage, &ComparePage::runsChanged, this, [this] { m_runs->refresh(); });
    m_comparePage->setObjectName(QStringLiteral("comparePage"));
    m_pages->addWidget(m_comparePage);
    connect(m_comparePage, &ComparePage::backRequested, this, [this] {
        QWidget *to = m_compareReturn && m_pages->indexOf(m_compareReturn) >= 0 ? m_compareReturn : m_runs;
        m_pages->setCurrentWidget(to);
        if (to == m_runs)
            m_runs->table()->setFocus(Qt::OtherFocusReason);
    });
    connect(m_comparePage, &ComparePage::runActivated, this, &MainWindow::showRun);
    // Files dropped on a run's column header attach to that run.
    QHeaderView *header = m_comparePage->diffView()->table()->horizontalHeader();
    m_attach->addDropTarget(header->viewport(), [header](const QPoint &pos) {
        const int section = header->logicalIndexAt(pos);
        if (section < 0 || !header->model())
            return AttachController::Spot{};
        const QString id = header->model()->headerData(section, Qt::Horizontal, RunIdRole).toString();
        if (id.isEmpty())
            return AttachController::Spot{};
        return AttachController::Spot{
            id, header->model()->headerData(section, Qt::Horizontal, Qt::DisplayRole).toString(),
            QRect(header->sectionViewportPosition(section), 0, header->sectionSize(section),
                  header->viewport()->height())};
    });
    connect(m_comparePage, &ComparePage::statusMessage, statusBar(),
            [this](const QString &m) { showStatus(m); });
    return m_comparePage;
}

void MainWindow::showCompare(const QStringList &runIds)
{
    if (m_pages->currentWidget() != m_comparePage || !m_comparePage)
        m_compareReturn = m_pages->currentWidget();
    comparePage()->showRuns(runIds);
    m_pages->setCurrentWidget(m_comparePage);
    m_comparePage->setFocus(Qt::OtherFocusReason);
}

// The run page is built when first needed: most sessions start on the runs table, and building it is a good
// part of the window's start-up time.
RunPage *MainWindow::runPage()
{
    if (m_runPage)
        return m_runPage;
    // Opened from the runs table, Back returns to the table with its selection and scroll.
    m_runPage = new RunPage(m_worker.get());
    m_runPage->setColorMap(m_colors);
    m_pages->addWidget(m_runPage);
    connect(m_runPage, &RunPage::backRequested, this, [this] {
        m_runs->refresh(); // edits made on the run page (our own connection: no data_version change)
        if (m_runReturnsToCompare && m_comparePage) {
            m_pages->setCurrentWidget(m_comparePage);
            m_comparePage->refresh(); // what the runs logged while the run page was shown
            return;
        }
        if (m_runReturnsToModels && m_modelsPage) {
            m_modelsPage->refresh();
            m_pages->setCurrentWidget(m_modelsPage);
            return;
        }
        m_pages->setCurrentWidget(m_runs);
        m_runs->table()->setFocus(Qt::OtherFocusReason);
    });
    connect(m_runPage, &RunPage::statusMessage, statusBar(), [this](const QString &m) { showStatus(m); });
    // The whole page takes dropped files for its run.
    RunPage *page = m_runPage;
    m_attach->addDropTarget(page, [page](const QPoint &) {
        if (page->runId().isEmpty() || !page->currentRun())
            return AttachController::Spot{};
        return AttachController::Spot{page->runId(), page->currentRun()->name, page->rect()};
    });
    connect(m_runPage, &RunPage::promoteRequested, this, &MainWindow::promoteRun);
    connect(m_runPage, &RunPage::promoteFolderRequested, this, &MainWindow::promoteRunFolder);
    connect(m_runPage, &RunPage::runShown, this, &MainWindow::followRunExperiment);
    connect(m_runPage, &RunPage::modelVersionActivated, this,
            [this](const QString &model, int version) { showModels(model, version); });
    return m_runPage;
}

// The sidebar follows the run shown, so that it says where the run belongs and "‹ Runs" leads to its
// experiment's runs; not for a run opened from Compare (the runs page keeps the compared selection) nor
// while the trash is shown.
void MainWindow::followRunExperiment(const Run &run)
{
    m_pendingExperiment = 0;
    if (!m_sidebar || m_runReturnsToCompare || m_sidebar->isShowingTrash() || run.experimentId <= 0 ||
        m_sidebar->chosenExperiments().contains(run.experimentId))
        return;
    if (m_experimentsLoaded)
        m_sidebar->selectExperiment(run.experimentId);
    else
        m_pendingExperiment = run.experimentId; // the list is still loading: chosen once it is there
}

void MainWindow::showRun(const QString &id)
{
    if (m_pages->currentWidget() != m_runPage || !m_runPage) {
        m_runReturnsToCompare = m_comparePage && m_pages->currentWidget() == m_comparePage;
        m_runReturnsToModels = m_modelsPage && m_pages->currentWidget() == m_modelsPage;
    }
    runPage()->showRun(id);
    m_pages->setCurrentWidget(m_runPage);
    m_runPage->setFocus(Qt::OtherFocusReason);
}

ModelsPage *MainWindow::modelsPage()
{
    if (m_modelsPage)
        return m_modelsPage;
    m_modelsPage = new ModelsPage(m_worker.get());
    m_pages->addWidget(m_modelsPage);
    connect(m_modelsPage, &ModelsPage::runActivated, this, &MainWindow::showRun);
    connect(m_modelsPage, &ModelsPage::compareRequested, this, &MainWindow::showCompare);
    connect(m_modelsPage, &ModelsPage::statusMessage, statusBar(),
            [this](const QString &m) { showStatus(m); });
    return m_modelsPage;
}

void MainWindow::showModels(const QString &model, int version)
{
    if (m_runPage && m_pages->currentWidget() == m_runPage && !m_runPage->confirmLeave())
        return;
    const bool built = m_modelsPage != nullptr;
    ModelsPage *page = modelsPage();
    if (built && m_pages->currentWidget() != page)
        page->refresh(); // changes made elsewhere in this window (promotions) while it was hidden
    if (!model.isEmpty())
        page->showModel(model, version);
    m_pages->setCurrentWidget(page);
    page->setFocus(Qt::OtherFocusReason);
}

PromoteDialog *MainWindow::promoteDialog() const
{
    return m_promoteDialog;
}

void MainWindow::promoteRun(const QString &runId)
{
    openPromoteDialog(runId, std::nullopt);
}

void MainWindow::promoteRunFolder(const QString &runId, const QString &folder)
{
    openPromoteDialog(runId, folder);
}

void MainWindow::openPromoteDialog(const QString &runId, const std::optional<QString> &folder)
{
    if (runId.isEmpty())
        return;
    if (m_promoteDialog)
        m_promoteDialog->close();
    auto *dialog = new PromoteDialog(m_worker.get(), runId, this, folder);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_promoteDialog = dialog;
    connect(dialog, &PromoteDialog::promoted, this, [this](const QString &model, int version) {
        showStatus(tr("Registered model %1 version %2").arg(model).arg(version));
        if (m_runPage)
            m_runPage->refresh(); // its Model Versions list
        if (m_modelsPage)
            m_modelsPage->refresh();
    });
    connect(dialog, &PromoteDialog::openModelRequested, this,
            [this](const QString &model, int version) { showModels(model, version); });
    dialog->open();
}

void MainWindow::promoteCurrentRun()
{
    if (m_runPage && m_pages->currentWidget() == m_runPage && m_runPage->currentRun()) {
        promoteRun(m_runPage->runId());
        return;
    }
    const QStringList selected = m_runs ? m_runs->selectedRunIds() : QStringList();
    if (m_pages->currentWidget() == m_runs && selected.size() == 1) {
        promoteRun(selected.first());
        return;
    }
    showStatus(tr("Open a run, or select one in the runs table, to promote it to a model"));
}

void MainWindow::showStatus(const QString &message, int timeoutMs)
{
    statusBar()->showMessage(display::elidedLine(message), timeoutMs);
}

// A file that cannot be written here (a read-only disk or folder) is still opened, to browse, compare and
// export; the window says so once, and offers nothing that would write.
void MainWindow::showReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    const QString name = QFileInfo(m_databasePath).fileName();
    setWindowTitle(readOnly ? tr("%1 (read-only) — Runlens").arg(name) : tr("%1 — Runlens").arg(name));
    for (QAction *a : {m_importAction, m_attachFiles, m_attachFolder})
        a->setVisible(!readOnly);
    if (m_welcome)
        m_welcome->setDatabase(m_databasePath, readOnly);
    if (!readOnly)
        return;
    QPalette p = m_banner->palette();
    const bool dark = theme::isDark();
    p.setColor(QPalette::Window, dark ? QColor(0x1e, 0x36, 0x5a) : QColor(0xe8, 0xf0, 0xfd));
    p.setColor(QPalette::WindowText, dark ? QColor(0xdc, 0xe8, 0xff) : QColor(0x1c, 0x3a, 0x8a));
    m_banner->setPalette(p);
    m_banner->setText(
        tr("%1 is read-only here (its disk or folder cannot be written), so it was opened for "
           "reading: browse, compare and export as usual; changes cannot be saved. To change it, "
           "copy it to a writable folder and open the copy.")
            .arg(QDir::toNativeSeparators(m_databasePath)));
    m_banner->show();
}

void MainWindow::showProblem(const QString &text)
{
    QPalette p = m_banner->palette();
    const bool dark = theme::isDark();
    p.setColor(QPalette::Window, dark ? QColor(0x5a, 0x1e, 0x1e) : QColor(0xfd, 0xed, 0xec));
    p.setColor(QPalette::WindowText, dark ? QColor(0xff, 0xdc, 0xdc) : QColor(0x8a, 0x1c, 0x1c));
    m_banner->setPalette(p);
    m_banner->setText(display::elided(text));
    m_banner->show();
}

QStringList MainWindow::recentDatabases()
{
    return appsettings::open().value(QStringLiteral("recentDatabases")).toStringList();
}

void MainWindow::rememberRecent(const QString &path)
{
    QStringList recent = recentDatabases();
    recent.removeAll(path);
    recent.prepend(path);
    appsettings::open().setValue(QStringLiteral("recentDatabases"), recent.mid(0, MaxRecent));
}

void MainWindow::openRecent(const QString &path)
{
    if (QFileInfo::exists(path))
        openDatabase(path);
    else
        showProblem(tr("%1 no longer exists.").arg(path));
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentDatabases();
    for (const QString &path : recent) {
        QAction *a =
            m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openRecent(path); });
        a->setToolTip(path);
        a->setStatusTip(path);
        a->setEnabled(path != m_databasePath);
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("No recent databases"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu
        ->addAction(tr("&Clear List"), this,
                    [] { appsettings::open().remove(QStringLiteral("recentDatabases")); })
        ->setEnabled(!recent.isEmpty());
}

void MainWindow::newDatabase()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Runlens Database"),
                                                QFileInfo(m_databasePath).absolutePath(),
                                                tr("Runlens databases (*.db)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".db");
    const bool existed = QFileInfo::exists(path);
    if (!openDatabase(path))
        return;
    if (existed) {
        // The dialog asked to overwrite; a tracker never silently truncates a database: open it instead.
        showProblem(tr("%1 already exists and was opened as it is (Runlens does not overwrite databases).")
                        .arg(path));
    }
}

void MainWindow::chooseDatabase()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Runlens Database"),
                                                      QFileInfo(m_databasePath).absolutePath(),
                                                      tr("Runlens databases (*.db *.sqlite);;All files (*)"));
    if (!path.isEmpty())
        openDatabase(path);
}

bool MainWindow::isLoading() const
{
    return !m_experimentsLoaded || !m_runsChecked || m_filesPending > 0 ||
           (m_experiments && m_experiments->isLoading()) || (m_runs && m_runs->isLoading()) ||
           (m_runPage && m_runPage->isLoading()) || (m_comparePage && m_comparePage->isLoading()) ||
           (m_modelsPage && m_modelsPage->isLoading()) || (m_promoteDialog && m_promoteDialog->isLoading());
}

QString MainWindow::currentRunId(QString *label) const
{
    if (m_runPage && m_pages->currentWidget() == m_runPage) {
        // Its run may still be loading (the action is enabled as the page opens); not when it is missing.
        if (m_runPage->currentRun() && label)
            *label = m_runPage->currentRun()->name;
        return m_runPage->problem().isEmpty() ? m_runPage->runId() : QString();
    }
    if (!m_runs || m_pages->currentWidget() != m_runs)
        return {};
    const QStringList selected = m_runs->selectedRunIds();
    if (selected.size() != 1)
        return {};
    if (label) {
        const QModelIndexList rows = m_runs->table()->selectionModel()->selectedRows();
        const int nameColumn = m_runs->model()->columnOf(QStringLiteral("name"));
        if (!rows.isEmpty() && nameColumn >= 0)
            *label = rows.first().siblingAtColumn(nameColumn).data().toString();
    }
    return selected.first();
}

void MainWindow::updateAttachActions()
{
    const bool any = !currentRunId().isEmpty();
    m_attachFiles->setEnabled(any);
    m_attachFolder->setEnabled(any);
}

WelcomePage *MainWindow::welcomePage()
{
    if (m_welcome)
        return m_welcome;
    m_welcome = new WelcomePage;
    m_welcome->setDatabase(m_databasePath, m_readOnly);
    m_pages->addWidget(m_welcome);
    connect(m_welcome, &WelcomePage::importRequested, this,
            [this] { m_import->openImportDialog(m_experiments); });
    connect(m_welcome, &WelcomePage::openDatabaseRequested, this, &MainWindow::chooseDatabase);
    connect(m_welcome, &WelcomePage::recentDatabaseChosen, this, &MainWindow::openRecent);
    connect(m_welcome, &WelcomePage::demoFinished, this, [this](const DemoSummary &summary) {
        showStatus(tr("Added %1 demo runs with %2 metric points").arg(summary.runs).arg(summary.points),
                   10000);
        // The watcher would notice within a second; the reload shows the runs at once.
        m_runs->refresh();
        m_experiments->reload();
    });
    return m_welcome;
}

bool MainWindow::isShowingWelcome() const
{
    return m_welcome && m_pages->currentWidget() == m_welcome;
}

void MainWindow::checkForRuns()
{
    if (m_checkingRuns)
        return;
    m_checkingRuns = true;
    jobs::countAllRuns(
        m_worker.get(), this,
        [this, path = m_databasePath](qint64 runs) {
            if (path != m_databasePath)
                return; // the answer for a database no longer open
            m_checkingRuns = false;
            showWelcome(runs == 0);
            runsChecked();
        },
        [this, path = m_databasePath](const QString &) {
            if (path != m_databasePath)
                return;
            m_checkingRuns = false;
            runsChecked(); // the runs page stays
        });
}

void MainWindow::runsChecked()
{
    m_runsChecked = true;
    for (auto &f : std::exchange(m_afterRunsChecked, {}))
        f();
}

void MainWindow::showWelcome(bool show)
{
    if (show) {
        // Only instead of the runs: a page asked for (--page models, a run) stays.
        if (m_pages->currentWidget() != m_runs && !isShowingWelcome())
            return;
        WelcomePage *page = welcomePage();
        page->setDatabase(m_databasePath, m_readOnly);
        page->setRecentDatabases(recentDatabases());
        m_pages->setCurrentWidget(page);
    } else if (isShowingWelcome()) {
        m_pages->setCurrentWidget(m_runs);
        m_runs->table()->setFocus(Qt::OtherFocusReason);
    }
}

void MainWindow::openFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    ++m_filesPending;
    background::run(
        this, [paths] { return launch::classify(paths); },
        [this](const launch::Classified &files) {
            // Acted on once the database is known to be readable and writable or not.
            const auto act = [this, files] {
                --m_filesPending;
                QStringList problems = files.problems;
                for (const QString &db : files.databases) {
                    if (QFileInfo(db) != QFileInfo(m_databasePath))
                        problems
                            << tr("%1 is a Runlens database too; a window shows one database: open it with "
                                  "File › Open Database….")
                                   .arg(QDir::toNativeSeparators(db));
                }
                if (!files.importable.isEmpty() && m_readOnly) {
                    problems << tr("%1 cannot be imported: this database is read-only here.")
                                    .arg(QDir::toNativeSeparators(
                                        files.importable.join(QStringLiteral(", "))));
                } else if (!files.importable.isEmpty()) {
                    m_import->openImportDialog(m_experiments);
                    if (ImportDialog *dialog = m_import->importDialog())
                        dialog->addPaths(files.importable);
                }
                if (!problems.isEmpty())
                    showProblem(problems.join(QLatin1Char('\n')));
            };
            if (m_runsChecked)
                act();
            else
                m_afterRunsChecked.push_back(act);
        });
}

QDialog *MainWindow::showShortcuts()
{
    if (m_shortcuts)
        m_shortcuts->close();
    // The pages built on first use are built now, so that their keys are listed too.
    const QList<std::pair<QString, QWidget *>> areas = {{tr("Experiments"), m_sidebar},
                                                        {tr("Runs Table"), m_runs},
                                                        {tr("Run Page"), runPage()},
                                                        {tr("Compare"), comparePage()},
                                                        {tr("Models"), modelsPage()}};
    QList<ShortcutsDialog::Group> groups = ShortcutsDialog::collect(menuBar(), areas);
    // Keys the views handle themselves, not through an action.
    groups << ShortcutsDialog::Group{
        tr("Tables and Pages"),
        {{tr("Open the run (runs table)"), QKeySequence(Qt::Key_Enter).toString(QKeySequence::NativeText)},
         {tr("Back (run page)"), QKeySequence(Qt::Key_Escape).toString(QKeySequence::NativeText)}}};
    auto *dialog = new ShortcutsDialog(groups, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_shortcuts = dialog;
    dialog->show();
    return dialog;
}

QDialog *MainWindow::showTour()
{
    if (!m_tour) {
        auto *dialog = new TourDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        m_tour = dialog;
    }
    m_tour->show();
    m_tour->raise();
    m_tour->activateWindow();
    return m_tour;
}

bool MainWindow::isImporting() const
{
    return m_import->isImporting();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    m_import->dragEnter(event);
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    m_import->dragMove(event);
}

void MainWindow::dragLeaveEvent(QDragLeaveEvent *)
{
    m_import->dragLeave();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    m_import->drop(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_runPage && !m_runPage->confirmLeave()) {
        event->ignore();
        return;
    }
    QSettings s = appsettings::open();
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    event->accept();
}

} // namespace runlens
