// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/paramaxis.h"

#include "core/jsonformat.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QHash>
#include <set>

namespace runlens {

namespace {

// Natural order ("layer2" before "layer10", case ignored), the same whatever the user's locale or Qt's
// collation backend: runs of digits compare by value, the rest by text.
bool naturalLess(const QString &l, const QString &r)
{
    qsizetype i = 0, j = 0;
    while (i < l.size() && j < r.size()) {
        if (l[i].isDigit() && r[j].isDigit()) {
            qsizetype i2 = i, j2 = j;
            while (i2 < l.size() && l[i2].isDigit())
                ++i2;
            while (j2 < r.size() && r[j2].isDigit())
                ++j2;
            // Compare digit runs without converting (they may be longer than any integer type).
            QStringView a = QStringView(l).mid(i, i2 - i), b = QStringView(r).mid(j, j2 - j);
            while (a.size() > 1 && a.front() == QLatin1Char('0'))
                a = a.mid(1);
            while (b.size() > 1 && b.front() == QLatin1Char('0'))
                b = b.mid(1);
            if (a.size() != b.size())
                return a.size() < b.size();
            if (const int c = a.compare(b); c != 0)
                return c < 0;
            i = i2;
            j = j2;
            continue;
        }
        const QChar a = l[i].toCaseFolded(), b = r[j].toCaseFolded();
        if (a != b)
            return a < b;
        ++i;
        ++j;
    }
    if ((l.size() - i) != (r.size() - j))
        return (l.size() - i) < (r.size() - j);
    return l < r;
}

} // namespace

bool ParamAxis::isNumericText(const QString &text, double *value)
{
    if (text.size() > text::MaxNumberChars) // a value of megabytes is text; parsing it would stall the view
        return false;
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    // toDouble accepts "nan" and "inf": a param that says so is not a number one can place on an axis.
    if (!ok || !std::isfinite(v))
        return false;
    if (value)
        *value = v;
    return true;
}

ParamAxis ParamAxis::build(const std::vector<Run> &runs, const QString &key, bool asCategories)
{
    ParamAxis a;
    a.m_key = key;
    const size_t n = runs.size();
    a.m_text.resize(n);
    a.m_number.assign(n, std::numeric_limits<double>::quiet_NaN());
    a.m_category.assign(n, -1);
    bool allNumeric = true;
    for (size_t i = 0; i < n; ++i) {
        const auto it = runs[i].params.constFind(key);
        if (it == runs[i].params.constEnd())
            continue;
        a.m_text[i] = *it;
        ++a.m_present;
        double v = 0.0;
        if (isNumericText(*it, &v))
            a.m_number[i] = v;
        else
            allNumeric = false;
    }
    if (a.m_present == 0)
        return a;

    if (allNumeric && !asCategories) {
        a.m_kind = Kind::Numeric;
        a.m_min = std::numeric_limits<double>::infinity();
        a.m_max = -std::numeric_limits<double>::infinity();
        for (size_t i = 0; i < n; ++i) {
            if (!a.m_text[i])
                continue;
            a.m_min = std::min(a.m_min, a.m_number[i]);
            a.m_max = std::max(a.m_max, a.m_number[i]);
            if (a.m_number[i] <= 0.0)
                ++a.m_nonPositive;
        }
        return a;
    }

    a.m_kind = Kind::Categorical;
    std::set<QString> distinct;
    for (const auto &t : a.m_text) {
        if (t)
            distinct.insert(*t);
    }
    a.m_categories = QStringList(distinct.begin(), distinct.end());
    if (allNumeric) {
        // "32" < "128": numbers sort by value (ties, like "1e-3" and "0.001", by their text).
        std::stable_sort(a.m_categories.begin(), a.m_categories.end(),
                         [](const QString &l, const QString &r) {
                             double x = 0.0, y = 0.0;
                             isNumericText(l, &x);
                             isNumericText(r, &y);
                             return x < y;
                         });
    } else {
        std::stable_sort(a.m_categories.begin(), a.m_categories.end(),
                         [](const QString &l, const QString &r) { return naturalLess(l, r); });
    }
    QHash<QString, int> index;
    for (int c = 0; c < a.m_categories.size(); ++c)
        index.insert(a.m_categories[c], c);
    for (size_t i = 0; i < n; ++i) {
        if (a.m_text[i])
            a.m_category[i] = index.value(*a.m_text[i]);
    }
    return a;
}

std::optional<double> ParamAxis::number(int run) const
{
    if (m_kind != Kind::Numeric || isMissing(run))
        return std::nullopt;
    return m_number[size_t(run)];
}

std::vector<double> ParamAxis::distinctNumbers() const
{
    if (m_kind != Kind::Numeric)
        return {};
    std::set<double> values;
    for (size_t i = 0; i < m_text.size(); ++i) {
        if (m_text[i])
            values.insert(m_number[i]);
    }
    return {values.begin(), values.end()};
}

QStringList ParamAxis::keys(const std::vector<Run> &runs)
{
    std::set<QString> all;
    for (const Run &r : runs) {
        for (auto it = r.params.constBegin(); it != r.params.constEnd(); ++it)
            all.insert(it.key());
    }
    return QStringList(all.begin(), all.end());
}

QStringList ParamAxis::differingKeys(const std::vector<Run> &runs)
{
    QStringList out;
    for (const QString &key : keys(runs)) {
        const auto first = runs.front().params.constFind(key);
        const bool firstHas = first != runs.front().params.constEnd();
        for (const Run &r : runs) {
            const auto it = r.params.constFind(key);
            const bool has = it != r.params.constEnd();
            if (has != firstHas || (has && *it != *first)) {
                out << key;
                break;
            }
        }
    }
    return out;
}

} // namespace runlens
