// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/displaytext.h"

#include "core/jsonformat.h"

#include <algorithm>
#include <cmath>
#include <QDateTime>
#include <QLocale>

namespace runlens::display {

namespace {
// A cell shows one line of a few hundred characters at most; measuring and eliding megabytes of text on
// every paint would stall the view.
constexpr int MaxCellChars = 400;
constexpr int MaxTooltipChars = 4000;
} // namespace

QString elided(const QString &text, int max)
{
    max = std::max(max, 2);
    if (text.size() <= max)
        return text;
    qsizetype keep = max - 1;
    if (text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + QStringLiteral("…");
}

QString elidedLine(const QString &text, int max)
{
    QString s = elided(text, max);
    if (s.contains(QLatin1Char('\n')) || s.contains(QLatin1Char('\r'))) {
        s.replace(QStringLiteral("\r\n"), QStringLiteral(" ↵ "));
        s.replace(QLatin1Char('\n'), QStringLiteral(" ↵ "));
        s.replace(QLatin1Char('\r'), QStringLiteral(" ↵ "));
    }
    return s;
}

QString dateTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("−") + duration(-ms);
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    const qint64 s = ms / 1000;
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d %2h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString bytes(qint64 size)
{
    if (size < 1024)
        return QStringLiteral("%1 bytes").arg(size);
    return QLocale::system().formattedDataSize(size, 1);
}

QString compactNumber(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 6) : text::formatNumber(v);
}

QString singleLine(const QString &text)
{
    QString s = text.left(MaxCellChars);
    s.replace(QStringLiteral("\r\n"), QStringLiteral(" ↵ "));
    s.replace(QLatin1Char('\n'), QStringLiteral(" ↵ "));
    s.replace(QLatin1Char('\r'), QStringLiteral(" ↵ "));
    s.replace(QLatin1Char('\t'), QLatin1Char(' '));
    if (text.size() > MaxCellChars)
        s += QStringLiteral("…");
    return s;
}

namespace {

bool needsEscape(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
           (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

} // namespace

QString escapeControls(const QString &text)
{
    const auto first =
        std::find_if(text.cbegin(), text.cend(), [](QChar c) { return needsEscape(c.unicode()); });
    if (first == text.cend())
        return text;
    QString out;
    out.reserve(text.size() + 16);
    out.append(QStringView(text.cbegin(), first));
    for (auto it = first; it != text.cend(); ++it) {
        const char16_t c = it->unicode();
        if (!needsEscape(c)) {
            out.append(*it);
            continue;
        }
        switch (c) {
        case u'\a':
            out.append(QLatin1String("\\a"));
            break;
        case u'\b':
            out.append(QLatin1String("\\b"));
            break;
        case u'\t':
            out.append(QLatin1String("\\t"));
            break;
        case u'\n':
            out.append(QLatin1String("\\n"));
            break;
        case u'\v':
            out.append(QLatin1String("\\v"));
            break;
        case u'\f':
            out.append(QLatin1String("\\f"));
            break;
        case u'\r':
            out.append(QLatin1String("\\r"));
            break;
        case 0x1b:
            out.append(QLatin1String("\\e"));
            break;
        default:
            if (c < 0x80)
                out.append(QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0')));
            else
                out.append(QStringLiteral("\\u{%1}").arg(
                    QString::number(uint(c), 16).toUpper().rightJustified(4, u'0')));
            break;
        }
    }
    return out;
}

QString tooltipText(const QString &text)
{
    if (text.isEmpty())
        return {};
    QString body = text.left(MaxTooltipChars).toHtmlEscaped();
    if (text.size() > MaxTooltipChars)
        body +=
            QStringLiteral("…\n\n(%1 characters in all; copy the cell for the whole text)").arg(text.size());
    return QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>").arg(body);
}

} // namespace runlens::display
