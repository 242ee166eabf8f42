// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <stdexcept>

namespace runlens {

// The one exception type models/ throws: a user-facing message naming the problem. Callers at the edges
// (CLI, GUI workers) catch it and report; a Store transaction in flight is rolled back by its guard.
class Error : public std::runtime_error
{
public:
    enum class Kind { Input, NotFound, Conflict, Database, Version };
    explicit Error(const QString &message, Kind kind = Kind::Input)
        : std::runtime_error(message.toStdString())
        , m_message(message)
        , m_kind(kind)
    {}
    const QString &message() const { return m_message; }
    Kind kind() const { return m_kind; }

private:
    QString m_message;
    Kind m_kind;
};

} // namespace runlens
