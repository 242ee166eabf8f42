// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Writes a listing as an aligned text table, CSV or JSON: the three --format choices every listing command
// offers. Cells are JSON values so that JSON output keeps numbers and nesting; the text forms flatten them.

#include <optional>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QTextStream>

namespace runlens::cli {

enum class Format { Table, Json, Csv };
std::optional<Format> formatFromName(const QString &name);

class Listing
{
public:
    explicit Listing(QStringList columns)
        : m_columns(std::move(columns))
    {}
    void addRow(const QJsonObject &row) { m_rows.append(row); }
    void write(QTextStream &out, Format format) const;
    // JSON only: an array of the rows as given, including nested objects.
    QJsonArray rows() const { return m_rows; }

private:
    QStringList m_columns;
    QJsonArray m_rows;
};

QString cellText(const QJsonValue &v);
// A whole JSON document, indented: what every --format json (and bench --json) prints.
void writeJson(QTextStream &out, const QJsonDocument &document);

} // namespace runlens::cli
