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

// The width a table is fitted to: $COLUMNS, else the terminal's width when standard output is one; 0 (no
// limit) when it is a pipe or a file, so that each row stays one line for grep and friends.
int terminalWidth();

class Listing
{
public:
    explicit Listing(QStringList columns)
        : m_columns(std::move(columns))
    {}
    void addRow(const QJsonObject &row) { m_rows.append(row); }
    // A table is fitted to maxWidth characters (0: one line per row however long): columns that do not fit
    // go into further blocks below, each led by the first column again. Measured numbers are rounded there as
    // the window shows them (display::compactNumber, six significant digits); JSON and CSV keep every digit.
    void write(QTextStream &out, Format format, int maxWidth = terminalWidth()) const;
    // JSON only: an array of the rows as given, including nested objects.
    QJsonArray rows() const { return m_rows; }

private:
    void writeTable(QTextStream &out, int maxWidth) const;

    QStringList m_columns;
    QJsonArray m_rows;
};

QString cellText(const QJsonValue &v);
// cellText for the table: measured numbers rounded (display::compactNumber); counts, steps and times exact.
QString tableCellText(const QJsonValue &v);
// A whole JSON document, indented: what every --format json (and bench --json) prints.
void writeJson(QTextStream &out, const QJsonDocument &document);

} // namespace runlens::cli
