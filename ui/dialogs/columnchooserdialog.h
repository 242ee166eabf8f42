// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Chooses the runs table's columns: run attributes, and for each metric of the experiment its last, min and
// max value, and each param. A search field narrows long key lists. Columns are named by
// RunTableModel::columnId() ("status", "metric:last:loss", "param:lr").

#include <QDialog>
#include <QStringList>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace runlens {

class ColumnChooserDialog : public QDialog
{
    Q_OBJECT
public:
    // `unavailable`: fixed columns not offered (the Experiment column of a single experiment's runs).
    ColumnChooserDialog(const QStringList &metricKeys, const QStringList &paramKeys,
                        const QStringList &chosen, QWidget *parent = nullptr,
                        const QStringList &unavailable = {});
    // The chosen column ids: those that were chosen before and still are, in their order, then the newly
    // chosen ones.
    QStringList chosen() const;
    QTreeWidget *tree() const { return m_tree; }
    QLineEdit *search() const { return m_search; }

private:
    void applySearch(const QString &text);
    void setAll(QTreeWidgetItem *group, bool checked);

    QStringList m_initial;
    QLineEdit *m_search;
    QTreeWidget *m_tree;
};

} // namespace runlens
