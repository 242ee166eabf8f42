// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// File › Import…: the files and folders to import, each with its format detected off the GUI thread (a
// TensorBoard folder is walked whole, a database opened), the format to use, the experiment for sources that
// name none, and whether artifact files are copied.

#include "import/importjob.h"

#include <optional>
#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace runlens {

class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ImportDialog(const QStringList &experiments, QWidget *parent = nullptr);
    ~ImportDialog() override;

    // Adds sources (what Add Files…, Add Folder… and a drop on the dialog call); paths already listed are
    // not added twice.
    void addPaths(const QStringList &paths);
    QStringList paths() const;
    bool isDetecting() const;
    // nullopt while still detecting; Format::Auto when not recognised.
    std::optional<import::Format> detectedFormat(const QString &path) const;
    // Why Import is not possible yet, or empty.
    QString problem() const;
    ImportRequest request() const;

    static QString formatLabel(import::Format format);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct Source
    {
        QString path;
        std::optional<import::Format> detected;
    };
    void chooseFiles();
    void chooseFolder();
    void removeSelected();
    void detected(const QString &path, import::Format format);
    void updateState();
    import::Format chosenFormat() const;

    QList<Source> m_sources; // in the list's order
    QTreeWidget *m_list;
    QPushButton *m_remove;
    QComboBox *m_format;
    QComboBox *m_experiment;
    QCheckBox *m_copyArtifacts;
    QLabel *m_message;
    QPushButton *m_import;
};

} // namespace runlens
