// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Completion of the word under the cursor in the search-language filter bar: the prefixes (metrics.,
// params., tags., attributes.) and then the experiment's keys, quoted with backticks when they need it.
// The rest of the expression is left alone, unlike QLineEdit::setCompleter, which completes the whole text.

#include "search/searchquery.h"
#include <QObject>

#include <QStringList>

class QCompleter;
class QLineEdit;
class QStringListModel;

namespace runlens {

class FilterCompleter : public QObject
{
    Q_OBJECT
public:
    explicit FilterCompleter(QLineEdit *edit);
    void setKeys(const QStringList &metrics, const QStringList &params, const QStringList &tags);
    QCompleter *completer() const { return m_completer; }
    // The candidates for the word ending at the cursor (what the popup lists), for tests.
    QStringList candidates() const;

private:
    // [start, cursor) of the identifier being typed.
    std::pair<int, int> wordAtCursor() const;
    void update();
    void insert(const QString &completion);

    QLineEdit *m_edit;
    QCompleter *m_completer;
    QStringListModel *m_model;
    QStringList m_metrics, m_params, m_tags;
    const QStringList m_attributes = search::attributeNames();
};

} // namespace runlens
