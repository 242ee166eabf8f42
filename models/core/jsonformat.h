// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Text forms shared by every exporter and the CLI: JSON has no NaN or Infinity, so non-finite numbers travel
// as the strings "NaN", "Infinity" and "-Infinity" (and are read back from them).

#include <optional>
#include <QJsonValue>
#include <QString>

namespace runlens::text {

QJsonValue jsonNumber(double v);
// Accepts a JSON number or one of the three strings; nullopt for anything else.
std::optional<double> numberFromJson(const QJsonValue &v);
// Shortest text that parses back to the same double; "NaN", "Infinity", "-Infinity" for non-finite values.
QString formatNumber(double v);
// Parses a number as logged by people and tools: decimal, exponent, nan, inf, infinity (any case, signed).
// Longer text is not taken for a number (no number is written with a thousand characters; a value of
// megabytes from elsewhere is text, and parsing it on every view would stall the window).
constexpr int MaxNumberChars = 1000;
std::optional<double> parseNumber(const QString &text);
// RFC 4180 field quoting.
QString csvField(const QString &s);

} // namespace runlens::text
