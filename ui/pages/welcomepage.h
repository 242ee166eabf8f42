// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What a database without runs opens on: ways to get runs into it (Import…, files dropped on the window, demo
// data written in the background with progress and Cancel, logging from the command line), and ways to
// another database (Open Database…, the recent ones). The window decides when it shows (MainWindow).

#include "demo/demojob.h"

#include <QPointer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace runlens {

class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);
    // Cancels the demo still running and waits for its rollback.
    ~WelcomePage() override;

    // The database shown; a read-only one offers nothing that writes. Cancels a demo writing another one.
    void setDatabase(const QString &path, bool readOnly);
    QString databasePath() const { return m_path; }
    // Other databases to offer, newest first (the one shown is left out).
    void setRecentDatabases(const QStringList &paths);

    // What Open Demo Data writes (`runlens demo`'s defaults unless a test asks for more or less).
    void setDemoOptions(const DemoOptions &options) { m_demoOptions = options; }
    void startDemo();
    void cancelDemo();
    DemoJob *demoJob() const { return m_demo; }
    bool isDemoRunning() const;

    // The copyable example of logging from the command line; it names the database when it is not the
    // default.
    QString commandLineExample() const;

Q_SIGNALS:
    void importRequested();
    void openDatabaseRequested();
    void recentDatabaseChosen(const QString &path);
    // The demo data is committed: the window shows the runs.
    void demoFinished(const runlens::DemoSummary &summary);

private:
    void updateState();
    void demoEnded(const QString &message);

    QString m_path;
    bool m_readOnly = false;
    DemoOptions m_demoOptions;
    QPointer<DemoJob> m_demo;
    QLabel *m_subtitle;
    QWidget *m_actions; // Import…, Open Demo Data, Open Database…
    QPushButton *m_import;
    QPushButton *m_demoButton;
    QLabel *m_dropHint;
    QWidget *m_progressRow; // while the demo writes
    QProgressBar *m_progress;
    QLabel *m_progressText;
    QLabel *m_message; // how the last demo ended, when it did not show the runs
    QWidget *m_logSection;
    QPlainTextEdit *m_logExample;
    QWidget *m_recentSection;
    QGridLayout *m_recentList;
};

} // namespace runlens
