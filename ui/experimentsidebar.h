// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The experiments sidebar: a search field over the experiments list. Choosing an experiment shows its runs.

#include "types.h"

#include <QWidget>

class QLineEdit;
class QListView;
class QSortFilterProxyModel;

namespace runlens {

class ExperimentListModel;

class ExperimentSidebar : public QWidget
{
    Q_OBJECT
public:
    explicit ExperimentSidebar(ExperimentListModel *model, QWidget *parent = nullptr);
    // The chosen experiment, 0 when none is.
    ExperimentId currentExperiment() const;
    void selectExperiment(ExperimentId id);
    void focusSearch();

Q_SIGNALS:
    void experimentChosen(runlens::ExperimentId id);

private:
    ExperimentListModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_search;
    QListView *m_list;
    ExperimentId m_current = 0;
};

} // namespace runlens
