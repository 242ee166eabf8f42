// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// MLflow's rules for model version aliases, for checking as a person types: [A-Za-z0-9_-]+, and "latest"
// and "v<digits>" are reserved because they already name versions. The store enforces the same rules.

#include <QString>

namespace runlens {

// Why `alias` cannot be used, or an empty string when it can.
QString modelAliasProblem(const QString &alias);

} // namespace runlens
