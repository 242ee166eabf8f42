// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "experimentlistmodel.h"
#include "experimentsidebar.h"
#include "runpage.h"
#include "runspage.h"
#include "runtablemodel.h"
#include "storeworker.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace runlens {

namespace {
QSettings settings()
{
    return QSettings(QStringLiteral("runlens"), QStringLiteral("runlens"));
}
} // namespace

MainWindow::MainWindow(const QString &databasePath, QWidget *parent)
    : QMainWindow(parent)
{
    auto *central = new QWidget(this);
    m_banner = new QLabel(central);
    m_banner->setObjectName(QStringLiteral("problemBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setMargin(8);
    m_banner->setAutoFillBackground(true);
    QPalette bannerPalette = m_banner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(0xfd, 0xed, 0xec));
    bannerPalette.setColor(QPalette::WindowText, QColor(0x8a, 0x1c, 0x1c));
    m_banner->setPalette(bannerPalette);
    m_banner->hide();
    m_splitter = new QSplitter(central);
    m_pages = new QStackedWidget(m_splitter);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);
    createMenus();
    resize(1400, 880);
    {
        QSettings s = settings();
        restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    }
    openDatabase(databasePath);
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Database…"), QKeySequence::Open, this, &MainWindow::chooseDatabase);
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
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Runlens"), this, [this] {
        QMessageBox::about(
            this, tr("About Runlens"),
            tr("<h3>Runlens %1</h3><p>A native experiment tracker: every point of every curve, "
               "MLflow, TensorBoard and CSV logs read as they are.</p><p>Database: %2</p>")
                .arg(QCoreApplication::applicationVersion(), m_databasePath.toHtmlEscaped()));
    });
}

void MainWindow::openDatabase(const QString &path)
{
    // Pages and models of the previous database go first: they hold the worker.
    delete m_sidebar;
    delete m_runs;
    delete m_runPage;
    delete m_experiments;
    m_databasePath = QFileInfo(path).absoluteFilePath();
    m_worker = std::make_unique<StoreWorker>(m_databasePath);
    m_experiments = new ExperimentListModel(m_worker.get(), this);
    m_experimentsLoaded = false;
    m_banner->hide();
    m_sidebar = new ExperimentSidebar(m_experiments);
    m_runs = new RunsPage(m_worker.get());
    m_splitter->insertWidget(0, m_sidebar);
    m_pages->addWidget(m_runs);
    m_splitter->setStretchFactor(1, 1);
    {
        QSettings s = settings();
        if (!m_splitter->restoreState(s.value(QStringLiteral("window/splitter")).toByteArray()))
            m_splitter->setSizes({260, 1140});
    }
    setWindowTitle(tr("%1 — Runlens").arg(QFileInfo(m_databasePath).fileName()));
    statusBar()->showMessage(tr("Opening %1…").arg(m_databasePath));

    connect(m_sidebar, &ExperimentSidebar::experimentChosen, m_runs, &RunsPage::showExperiment);
    connect(m_runs, &RunsPage::statusMessage, statusBar(),
            [this](const QString &m) { statusBar()->showMessage(m); });
    connect(m_experiments, &ExperimentListModel::loaded, this, [this] {
        m_experimentsLoaded = true;
        statusBar()->showMessage(m_databasePath);
    });
    connect(m_experiments, &ExperimentListModel::loadFailed, this, [this](const QString &message) {
        m_experimentsLoaded = true;
        statusBar()->showMessage(tr("Cannot open the database"));
        m_banner->setText(
            tr("Cannot open the database: %1\nChoose another one with File › Open Database.").arg(message));
        m_banner->show();
    });
    m_experiments->reload();

    // The run page: opened from the runs table, Back returns to the table with its selection and scroll.
    m_runPage = new RunPage(m_worker.get());
    m_pages->addWidget(m_runPage);
    connect(m_runs, &RunsPage::runActivated, this, &MainWindow::showRun);
    connect(m_runPage, &RunPage::backRequested, this, [this] {
        m_pages->setCurrentWidget(m_runs);
        m_runs->table()->setFocus(Qt::OtherFocusReason);
    });
    connect(m_runPage, &RunPage::statusMessage, statusBar(),
            [this](const QString &m) { statusBar()->showMessage(m); });
}

void MainWindow::showRun(const QString &id)
{
    m_runPage->showRun(id);
    m_pages->setCurrentWidget(m_runPage);
    m_runPage->setFocus(Qt::OtherFocusReason);
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
    return !m_experimentsLoaded || (m_runs && m_runs->isLoading()) || (m_runPage && m_runPage->isLoading());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings s = settings();
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    event->accept();
}

} // namespace runlens
