// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/output.h"

#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"

#include <algorithm>
#include <cmath>
#include <QJsonDocument>
#include <QMetaType>
#include <QVariant>
#include <sys/ioctl.h>
#include <unistd.h>

namespace runlens::cli {

std::optional<Format> formatFromName(const QString &name)
{
    if (name == QLatin1String("table"))
        return Format::Table;
    if (name == QLatin1String("json"))
        return Format::Json;
    if (name == QLatin1String("csv"))
        return Format::Csv;
    return std::nullopt;
}

QString cellText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        // Counts, steps and times are held as qint64 and printed exactly, also above 2^53.
        if (v.toVariant().typeId() == QMetaType::LongLong)
            return QString::number(v.toInteger());
        return text::formatNumber(v.toDouble());
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

QString tableCellText(const QJsonValue &v)
{
    // Counts, steps, sizes and times (qint64) stay exact; measured values are for reading.
    if (v.type() == QJsonValue::Double && v.toVariant().typeId() != QMetaType::LongLong &&
        std::isfinite(v.toDouble()) && !(v.toDouble() == 0 && std::signbit(v.toDouble())))
        return display::compactNumber(v.toDouble()); // six significant digits, as the window shows them
    return cellText(v);
}

int terminalWidth()
{
    bool ok = false;
    const int columns = qEnvironmentVariableIntValue("COLUMNS", &ok);
    if (ok && columns > 0)
        return columns;
    winsize size{};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 0;
}

void writeJson(QTextStream &out, const QJsonDocument &document)
{
    out << QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

void Listing::write(QTextStream &out, Format format, int maxWidth) const
{
    switch (format) {
    case Format::Json:
        writeJson(out, QJsonDocument(m_rows));
        break;
    case Format::Csv: {
        QStringList header;
        for (const QString &c : m_columns)
            header << text::csvField(c);
        out << header.join(QLatin1Char(',')) << '\n';
        for (const QJsonValue &row : m_rows) {
            QStringList fields;
            for (const QString &c : m_columns)
                fields << text::csvField(cellText(row.toObject().value(c)));
            out << fields.join(QLatin1Char(',')) << '\n';
        }
        break;
    }
    case Format::Table:
        writeTable(out, maxWidth);
        break;
    }
}

void Listing::writeTable(QTextStream &out, int maxWidth) const
{
    // Read on a terminal: names and values from data have their control characters escaped, so that they can
    // neither break the layout nor send the terminal commands.
    constexpr int MaxCellWidth = 48;
    constexpr int Gap = 2;
    const auto cut = [](const QString &t) {
        return t.size() > MaxCellWidth ? t.left(MaxCellWidth - 1) + QChar(0x2026) : t;
    };
    QStringList header;
    QList<int> widths;
    for (const QString &c : m_columns) {
        header << cut(display::escapeControls(c));
        widths << int(header.last().size());
    }
    QList<QStringList> cells;
    for (const QJsonValue &row : m_rows) {
        QStringList line;
        for (int i = 0; i < m_columns.size(); ++i) {
            line << cut(display::escapeControls(tableCellText(row.toObject().value(m_columns[i]))));
            widths[i] = std::max(widths[i], int(line.last().size()));
        }
        cells << line;
    }

    // Columns that do not fit beside each other go into further blocks, each led by the first column (the
    // row's id or name), so that every cell is shown whole and still says which row it belongs to.
    QList<QList<int>> blocks;
    const int n = int(m_columns.size());
    int next = std::min(n, 1);
    do {
        QList<int> block;
        int used = 0;
        if (n > 0) {
            block << 0;
            used = widths[0];
        }
        // At least one column beside the first in each block, however wide.
        while (next < n && (maxWidth <= 0 || block.size() <= 1 || used + Gap + widths[next] <= maxWidth)) {
            used += Gap + widths[next];
            block << next++;
        }
        blocks << block;
    } while (next < n);
    for (qsizetype b = 0; b < blocks.size(); ++b) {
        if (b > 0)
            out << '\n';
        const auto emit = [&](const QStringList &line) {
            QString s;
            for (const int i : blocks[b])
                s += (s.isEmpty() ? QString() : QString(Gap, QLatin1Char(' '))) +
                     line[i].leftJustified(widths[i]);
            out << s.trimmed() << '\n';
        };
        emit(header);
        for (const QStringList &line : cells)
            emit(line);
    }
}

} // namespace runlens::cli
