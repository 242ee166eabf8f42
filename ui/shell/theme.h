// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Light and dark appearance. "System" leaves the platform's style and palette alone (a dark desktop theme
// gives a dark window); Light and Dark use the Fusion style with a palette of our own, for desktops without
// one and for screenshots. The choice persists in QSettings.

#include <optional>
#include <QString>

namespace runlens::theme {

enum class Theme { System, Light, Dark };

std::optional<Theme> fromName(const QString &name); // "system", "light", "dark"
QString name(Theme t);
Theme saved();
void save(Theme t);
// Applies to the whole application (call after QApplication exists).
void apply(Theme t);
// True when the application palette is dark (text lighter than the window), whatever set it.
bool isDark();

} // namespace runlens::theme
