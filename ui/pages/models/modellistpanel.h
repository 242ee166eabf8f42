// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Models page's list of registered models: the table (latest version, aliases, versions per stage,
// tags, description) with its filter and count in a title bar the page places above everything, and Delete
// Model… after a confirmation. The page hands it what it read; it says which model is current.

#include "core/types.h"

#include <QWidget>
#include <vector>

class QDialog;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;

namespace runlens {

class DetailTableView;
class RegisteredModelsModel;
class RegistryActions;

class ModelListPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ModelListPanel(RegistryActions *actions, QWidget *parent = nullptr);

    // "Models", the count, the filter and Refresh: the page's top row.
    QWidget *titleBar() const { return m_titleBar; }

    void setModels(std::vector<RegisteredModel> models);
    // The list was read (or could not be): the count is shown from now on.
    void setLoaded();
    // Fits the columns to the models shown (once the table has its real width).
    void fitColumns();

    // True when the list holds `model`, filtered out or not.
    bool holds(const QString &model) const;
    // True when `model` is a row the filter lets through.
    bool shows(const QString &model) const;
    // Clears the filter when it hides `model`.
    void reveal(const QString &model);
    // Makes `model` the current row and scrolls to it; `scroll` false keeps the view where it is.
    void choose(const QString &model, bool scroll = true);
    void chooseFirst();
    const RegisteredModel *find(const QString &model) const;

    QLineEdit *filterField() const { return m_filter; }
    DetailTableView *view() const { return m_view; }
    RegisteredModelsModel *model() const { return m_models; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

Q_SIGNALS:
    // The current row changed to `model` ("" when none).
    void currentModelChanged(const QString &model);
    void refreshRequested();
    void dialogRequested(QDialog *dialog);

private:
    void updateCount();
    void showMenu(const QPoint &pos);
    void confirmDelete();
    QString current() const;

    RegistryActions *m_actions;
    RegisteredModelsModel *m_models;
    QSortFilterProxyModel *m_proxy;
    bool m_loaded = false;
    QWidget *m_titleBar = nullptr;
    QLabel *m_count = nullptr;
    QLineEdit *m_filter = nullptr;
    DetailTableView *m_view = nullptr;
    QAction *m_deleteModel = nullptr;
};

} // namespace runlens
