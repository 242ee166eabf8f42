// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The chosen model's own description (Markdown, edited in a dialog) and tags (add, edit, remove), beside
// its versions on the Models page.

#include <QMap>
#include <QWidget>

class QDialog;
class QLabel;
class QPushButton;

namespace runlens {

class DetailTableView;
class RegistryActions;
class RegistryTagsModel;

class ModelDetailsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ModelDetailsPanel(RegistryActions *actions, QWidget *parent = nullptr);

    // The model the edits go to ("" for none).
    void setModel(const QString &model) { m_model = model; }
    void setDescription(const QString &description);
    void setTags(const QMap<QString, QString> &tags);

    void openDescriptionDialog();
    // Adds a tag (key "") or edits the tag `key`.
    void openTagDialog(const QString &key);

    QLabel *descriptionLabel() const { return m_description; }
    DetailTableView *tagsView() const { return m_tagsView; }
    RegistryTagsModel *tagsModel() const { return m_tags; }

Q_SIGNALS:
    void dialogRequested(QDialog *dialog);

private:
    void removeTag(const QString &key);
    void showTagsMenu(const QPoint &pos);
    void updateButtons();

    RegistryActions *m_actions;
    QString m_model;
    QString m_descriptionText;
    RegistryTagsModel *m_tags;
    QLabel *m_description = nullptr;
    DetailTableView *m_tagsView = nullptr;
    QPushButton *m_removeTag = nullptr;
    QPushButton *m_editTag = nullptr;
};

} // namespace runlens
