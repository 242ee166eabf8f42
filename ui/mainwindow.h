// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The main window: experiments sidebar and a central area. Opens the store on a worker thread so that a
// slow disk or a long migration never freezes the window.

#include "types.h"

#include <QFutureWatcher>
#include <QMainWindow>

class QLabel;
class QListWidget;

namespace runlens {

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString &databasePath, QWidget *parent = nullptr);
    ~MainWindow() override;

private:
    struct Loaded
    {
        std::vector<Experiment> experiments;
        QString error;
    };
    void load();
    void showLoaded(const Loaded &loaded);

    QString m_databasePath;
    QListWidget *m_experiments = nullptr;
    QLabel *m_placeholder = nullptr;
    QFutureWatcher<Loaded> m_loader;
};

} // namespace runlens
