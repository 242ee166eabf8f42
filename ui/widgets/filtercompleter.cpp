// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/filtercompleter.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QLineEdit>
#include <QStringListModel>

namespace runlens {

namespace {

bool endsWord(QChar c)
{
    return c.isSpace() || c == u'(' || c == u',' || c == u'<' || c == u'>' || c == u'=' || c == u'!';
}

} // namespace

FilterCompleter::FilterCompleter(QLineEdit *edit)
    : QObject(edit)
    , m_edit(edit)
    , m_completer(new QCompleter(this))
    , m_model(new QStringListModel(this))
{
    m_completer->setModel(m_model);
    m_completer->setWidget(edit);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setMaxVisibleItems(12);
    connect(edit, &QLineEdit::textEdited, this, &FilterCompleter::update);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &FilterCompleter::insert);
}

void FilterCompleter::setKeys(const QStringList &metrics, const QStringList &params, const QStringList &tags)
{
    m_metrics = metrics;
    m_params = params;
    m_tags = tags;
}

std::pair<int, int> FilterCompleter::wordAtCursor() const
{
    const QString text = m_edit->text();
    const int cursor = m_edit->cursorPosition();
    int start = cursor;
    bool inQuote = false;
    while (start > 0) {
        const QChar c = text.at(start - 1);
        if (c == u'`')
            inQuote = !inQuote;
        else if (!inQuote && endsWord(c))
            break;
        --start;
    }
    return {start, cursor};
}

QStringList FilterCompleter::candidates() const
{
    const auto [start, cursor] = wordAtCursor();
    const QString word = m_edit->text().mid(start, cursor - start);
    if (word.isEmpty())
        return {};
    // Inside a quoted string the user types a value, not a key.
    if (m_edit->text().left(start).count(QLatin1Char('\'')) % 2 == 1)
        return {};
    QStringList out;
    const int dot = word.indexOf(QLatin1Char('.'));
    if (dot < 0) {
        for (const char *p : {"metrics.", "params.", "tags.", "attributes."})
            out << QString::fromLatin1(p);
    } else {
        const QString prefix = word.left(dot).toLower();
        const QStringList *keys = nullptr;
        if (prefix == QLatin1String("metrics") || prefix == QLatin1String("metric"))
            keys = &m_metrics;
        else if (prefix == QLatin1String("params") || prefix == QLatin1String("param"))
            keys = &m_params;
        else if (prefix == QLatin1String("tags") || prefix == QLatin1String("tag"))
            keys = &m_tags;
        else if (prefix == QLatin1String("attributes") || prefix == QLatin1String("attribute") ||
                 prefix == QLatin1String("attr") || prefix == QLatin1String("run"))
            keys = &m_attributes;
        if (!keys)
            return {};
        for (const QString &k : *keys)
            out << word.left(dot + 1) + search::quotedKey(k, true);
    }
    QStringList matching;
    for (const QString &c : out)
        if (c.startsWith(word, Qt::CaseInsensitive) && c.compare(word, Qt::CaseInsensitive) != 0)
            matching << c;
    return matching;
}

void FilterCompleter::update()
{
    const QStringList list = candidates();
    if (list.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    m_model->setStringList(list);
    const auto [start, cursor] = wordAtCursor();
    m_completer->setCompletionPrefix(m_edit->text().mid(start, cursor - start));
    // Under the word being completed (the text margin is approximate; the popup only needs to be near).
    const int x = std::min(m_edit->width() - 260,
                           6 + m_edit->fontMetrics().horizontalAdvance(m_edit->text().left(start)));
    const QRect rect(std::max(0, x), 0, std::max(260, m_completer->popup()->sizeHintForColumn(0) + 24),
                     m_edit->height());
    m_completer->complete(rect);
}

void FilterCompleter::insert(const QString &completion)
{
    const auto [start, cursor] = wordAtCursor();
    QString text = m_edit->text();
    const bool isPrefix = completion.endsWith(QLatin1Char('.'));
    const QString insertion = isPrefix ? completion : completion + QLatin1Char(' ');
    text.replace(start, cursor - start, insertion);
    m_edit->setText(text);
    m_edit->setCursorPosition(start + int(insertion.size()));
    if (isPrefix) // straight on to the keys
        update();
}

} // namespace runlens
