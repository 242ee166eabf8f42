// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/output.h"

#include "core/jsonformat.h"
#include "itemmodels/displaytext.h"

#include <QJsonDocument>
#include <QMetaType>
#include <QVariant>

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

void writeJson(QTextStream &out, const QJsonDocument &document)
{
    out << QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

void Listing::write(QTextStream &out, Format format) const
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
    case Format::Table: {
        // Read on a terminal: names and values from data have their control characters escaped, so that
        // they can neither break the layout nor send the terminal commands.
        constexpr int MaxWidth = 48;
        QStringList columns;
        for (const QString &c : m_columns)
            columns << display::escapeControls(c);
        QList<int> widths;
        for (const QString &c : columns)
            widths << int(std::min<qsizetype>(c.size(), MaxWidth));
        QList<QStringList> cells;
        for (const QJsonValue &row : m_rows) {
            QStringList line;
            for (int i = 0; i < m_columns.size(); ++i) {
                QString t = display::escapeControls(cellText(row.toObject().value(m_columns[i])));
                if (t.size() > MaxWidth)
                    t = t.left(MaxWidth - 1) + QChar(0x2026);
                widths[i] = std::max(widths[i], int(t.size()));
                line << t;
            }
            cells << line;
        }
        const auto emit = [&](const QStringList &line) {
            QString s;
            for (int i = 0; i < line.size(); ++i)
                s += (i ? QStringLiteral("  ") : QString()) + line[i].leftJustified(widths[i]);
            out << s.trimmed() << '\n';
        };
        QStringList header;
        for (const QString &c : columns)
            header << (c.size() > MaxWidth ? c.left(MaxWidth - 1) + QChar(0x2026) : c);
        emit(header);
        for (const QStringList &line : cells)
            emit(line);
        break;
    }
    }
}

} // namespace runlens::cli
