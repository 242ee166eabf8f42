// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Help › Tour: README.md's "## Tour" section (built into the executable with the screenshots it shows),
// rendered as Markdown; the README's opening, which shows the pages too, while it has no such section.

#include <QDialog>

class QTextBrowser;

namespace runlens {

class TourDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TourDialog(QWidget *parent = nullptr);
    QTextBrowser *browser() const { return m_browser; }

    // The README built into the executable.
    static QString readme();
    // The text of the section headed "## `heading`" up to the next "## " heading (its own heading included);
    // empty when there is none. Headings inside fenced code blocks do not count.
    static QString section(const QString &markdown, const QString &heading);
    // What the tour shows: section(readme(), "Tour"), else the README's text before its first "## " heading.
    static QString tourMarkdown();

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void fitImages();

    QTextBrowser *m_browser;
};

} // namespace runlens
