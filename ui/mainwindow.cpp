// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "store.h"

#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QtConcurrent>

namespace runlens {

MainWindow::MainWindow(const QString &databasePath, QWidget *parent)
    : QMainWindow(parent)
    , m_databasePath(databasePath)
{
    setWindowTitle(QStringLiteral("%1 — Runlens").arg(QFileInfo(databasePath).fileName()));
    auto *splitter = new QSplitter(this);
    m_experiments = new QListWidget(splitter);
    m_experiments->setObjectName(QStringLiteral("experimentList"));
    m_placeholder = new QLabel(tr("Loading %1…").arg(databasePath), splitter);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    splitter->addWidget(m_experiments);
    splitter->addWidget(m_placeholder);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 900});
    setCentralWidget(splitter);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Runlens"), this, [this] {
        QMessageBox::about(this, tr("About Runlens"),
                           tr("<b>Runlens %1</b><p>A native experiment tracker.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });

    connect(&m_loader, &QFutureWatcher<Loaded>::finished, this, [this] { showLoaded(m_loader.result()); });
    resize(1280, 800);
    load();
}

MainWindow::~MainWindow()
{
    m_loader.waitForFinished();
}

void MainWindow::load()
{
    statusBar()->showMessage(tr("Opening %1…").arg(m_databasePath));
    m_loader.setFuture(QtConcurrent::run([path = m_databasePath] {
        Loaded loaded;
        try {
            Store store(path);
            loaded.experiments = store.experiments();
        } catch (const Error &e) {
            loaded.error = e.message();
        }
        return loaded;
    }));
}

void MainWindow::showLoaded(const Loaded &loaded)
{
    statusBar()->clearMessage();
    if (!loaded.error.isEmpty()) {
        m_placeholder->setText(tr("Cannot open the database:\n%1").arg(loaded.error));
        statusBar()->showMessage(tr("Cannot open %1").arg(m_databasePath));
        return;
    }
    m_experiments->clear();
    qint64 runs = 0;
    for (const Experiment &e : loaded.experiments) {
        auto *item =
            new QListWidgetItem(QStringLiteral("%1  (%2)").arg(e.name).arg(e.runCount), m_experiments);
        item->setToolTip(e.description);
        runs += e.runCount;
    }
    m_placeholder->setText(
        loaded.experiments.empty()
            ? tr("No experiments yet.\nLog one with `runlens log` or try `runlens demo`.")
            : tr("%n experiment(s), %1 runs", nullptr, int(loaded.experiments.size())).arg(runs));
    statusBar()->showMessage(m_databasePath);
}

} // namespace runlens
