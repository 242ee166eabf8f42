// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jsonformat.h"

#include <cmath>
#include <limits>
#include <QLocale>

namespace runlens::text {

QJsonValue jsonNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    return v;
}

std::optional<double> numberFromJson(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        const QString s = v.toString();
        if (s == QLatin1String("NaN"))
            return std::numeric_limits<double>::quiet_NaN();
        if (s == QLatin1String("Infinity"))
            return std::numeric_limits<double>::infinity();
        if (s == QLatin1String("-Infinity"))
            return -std::numeric_limits<double>::infinity();
    }
    return std::nullopt;
}

QString formatNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (v == 0 && std::signbit(v))
        return QStringLiteral(
            "-0"); // QString::number drops the sign of zero; a logged -0.0 reads back as one
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

std::optional<double> parseNumber(const QString &text)
{
    if (text.size() > MaxNumberChars)
        return std::nullopt;
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    QString body = t;
    double sign = 1.0;
    if (body.startsWith(QLatin1Char('-')) || body.startsWith(QLatin1Char('+'))) {
        sign = body.startsWith(QLatin1Char('-')) ? -1.0 : 1.0;
        body = body.mid(1);
    }
    if (body.compare(QLatin1String("nan"), Qt::CaseInsensitive) == 0)
        return std::numeric_limits<double>::quiet_NaN();
    if (body.compare(QLatin1String("inf"), Qt::CaseInsensitive) == 0 ||
        body.compare(QLatin1String("infinity"), Qt::CaseInsensitive) == 0)
        return sign * std::numeric_limits<double>::infinity();
    bool ok = false;
    const double v = QLocale::c().toDouble(t, &ok);
    if (!ok)
        return std::nullopt;
    return v;
}

QString csvField(const QString &s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')) &&
        !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

} // namespace runlens::text
