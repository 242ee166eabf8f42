// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One section of the run page: an optional title with the item count, a filter field that appears once the
// list is long, the view, and a quiet sentence in place of the view when there is nothing to show.

#include <QWidget>

class QAbstractItemModel;
class QAbstractItemView;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QVBoxLayout;

namespace runlens {

class SectionPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int FilterFromRows = 10;

    // `source` is counted for the empty state; `filter`, when given, is fed by the filter field.
    SectionPanel(const QString &title, const QString &emptyText, QAbstractItemView *view,
                 QAbstractItemModel *source, QSortFilterProxyModel *filter = nullptr,
                 QWidget *parent = nullptr);

    void setFilterPlaceholder(const QString &text);
    void addFooter(QWidget *footer);
    int count() const { return m_count; }
    bool isEmptyShown() const;
    QLineEdit *filterField() const { return m_filter; }
    QLabel *emptyLabel() const { return m_empty; }

Q_SIGNALS:
    void countChanged(int count);

private:
    void refresh();

    QAbstractItemModel *m_source;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_title = nullptr;
    QLabel *m_countLabel = nullptr;
    QLineEdit *m_filter = nullptr;
    QStackedWidget *m_stack;
    QLabel *m_empty;
    QVBoxLayout *m_layout;
    QString m_titleText;
    int m_count = -1;
};

} // namespace runlens
