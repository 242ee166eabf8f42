// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The preview pane of the artifact browser: shows one ArtifactPreview (made off the GUI thread) with the
// file's name and facts above it: an image scaled to fit, monospace text, a table, rendered Markdown (no
// image or link is ever fetched), or an MLmodel summary; a note says when only part of a file is shown or
// why it could not be read.

#include "artifacts/artifactpreview.h"
#include "core/types.h"

#include <QImage>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTableWidget;
class QTextBrowser;
class QTreeWidget;

namespace runlens {

class ArtifactPreviewWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ArtifactPreviewWidget(QWidget *parent = nullptr);

    // A sentence in place of a preview (nothing selected, a folder).
    void showMessage(const QString &title, const QString &message);
    void showLoading(const Artifact &artifact);
    void showPreview(const Artifact &artifact, const ArtifactPreview &preview);

    // What is shown, for tests and the screenshot check.
    bool hasPreview() const { return m_hasPreview; }
    ArtifactPreview::Kind kind() const { return m_kind; }
    QString note() const;
    QString title() const;
    QString message() const;
    QPlainTextEdit *textView() const { return m_text; }
    QTableWidget *tableView() const { return m_table; }
    QTextBrowser *markdownView() const { return m_markdown; }
    QTreeWidget *summaryView() const { return m_summary; }
    QLabel *imageLabel() const { return m_image; }
    QImage image() const { return m_source; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void setHeading(const Artifact &artifact, const QString &extra = {});
    void setNote(const QString &note);
    void showImage();
    void showMarkdown(const QString &markdown);

    QLabel *m_title;
    QLabel *m_facts;
    QLabel *m_note;
    QStackedWidget *m_stack;
    QLabel *m_message;
    QLabel *m_image;
    QPlainTextEdit *m_text;
    QTableWidget *m_table;
    QTextBrowser *m_markdown;
    QTreeWidget *m_summary;
    QImage m_source;
    bool m_hasPreview = false;
    ArtifactPreview::Kind m_kind = ArtifactPreview::Kind::Binary;
};

} // namespace runlens
