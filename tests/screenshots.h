// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// RUNLENS_SCREENSHOTS=<folder> keeps pictures of widgets at interesting moments of the GUI tests, for people
// to look at (the tests pass the same without it).

#include <QDir>
#include <QString>
#include <QWidget>

namespace runlens::test {

inline QString screenshotFolder()
{
    return qEnvironmentVariable("RUNLENS_SCREENSHOTS");
}

// Saves `widget` as <folder>/<name>.png when RUNLENS_SCREENSHOTS names a folder; true when saved or not
// asked.
inline bool keepScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = screenshotFolder();
    return dir.isEmpty() || widget->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

} // namespace runlens::test
