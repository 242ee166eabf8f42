// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/tourdialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QScrollBar>
#include <QShowEvent>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTextFragment>
#include <QVBoxLayout>

namespace runlens {

namespace {

// Where the build puts README.md and the screenshots in the resources (resources/CMakeLists.txt): the
// README's own relative image paths (resources/screenshots/x.png) resolve under ":/".
const QString ReadmeResource = QStringLiteral(":/README.md");

bool isFence(const QString &line)
{
    return line.startsWith(QLatin1String("```")) || line.startsWith(QLatin1String("~~~"));
}

} // namespace

QString TourDialog::readme()
{
    QFile f(ReadmeResource); // a resource compiled in, not a file from elsewhere
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

QString TourDialog::section(const QString &markdown, const QString &heading)
{
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    QStringList out;
    bool inside = false, fenced = false;
    for (const QString &line : lines) {
        if (isFence(line))
            fenced = !fenced;
        const bool isHeading = !fenced && line.startsWith(QLatin1String("## "));
        if (isHeading && inside)
            break;
        if (isHeading && line.mid(3).trimmed() == heading)
            inside = true;
        if (inside)
            out << line;
    }
    return out.join(QLatin1Char('\n')).trimmed();
}

QString TourDialog::tourMarkdown()
{
    const QString text = readme();
    const QString tour = section(text, QStringLiteral("Tour"));
    if (!tour.isEmpty())
        return tour;
    const QRegularExpression firstSection(QStringLiteral("^## "), QRegularExpression::MultilineOption);
    const qsizetype end = text.indexOf(firstSection);
    return (end < 0 ? text : text.left(end)).trimmed();
}

TourDialog::TourDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Runlens Tour"));
    m_browser = new QTextBrowser(this);
    m_browser->setObjectName(QStringLiteral("tourBrowser"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setOpenLinks(true);
    const QString markdown = tourMarkdown();
    QTextDocument *doc = m_browser->document();
    doc->setDocumentMargin(24);
    // The README's relative picture paths (resources/screenshots/x.png) are found among the built-in
    // resources; the browser never looks for them on disk.
    m_browser->setSearchPaths({QStringLiteral(":/")});
    doc->setMarkdown(markdown);
    m_browser->moveCursor(QTextCursor::Start);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_browser);
    layout->addWidget(buttons);
    resize(980, 760);
}

void TourDialog::resizeEvent(QResizeEvent *event)
{
    QDialog::resizeEvent(event);
    fitImages();
}

void TourDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    fitImages();
    if (!event->spontaneous())
        m_browser->verticalScrollBar()->setValue(0); // a tour starts at its beginning
}

// Screenshots are 1400 px wide: each is drawn at the width the text has, never larger than it is.
void TourDialog::fitImages()
{
    QTextDocument *doc = m_browser->document();
    const qreal width = m_browser->viewport()->width() - 2 * doc->documentMargin() - 8;
    if (width < 50)
        return;
    // Gathered first: changing a fragment's format splits and merges the fragments being walked.
    struct Change
    {
        int position, length;
        QTextImageFormat format;
    };
    QList<Change> changes;
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.charFormat().isImageFormat())
                continue;
            QTextImageFormat format = fragment.charFormat().toImageFormat();
            const QImage picture =
                doc->resource(QTextDocument::ImageResource, QUrl(format.name())).value<QImage>();
            if (picture.isNull())
                continue;
            const qreal w = std::min<qreal>(width, picture.width());
            if (qFuzzyCompare(format.width(), w))
                continue;
            format.setWidth(w);
            format.setHeight(w * picture.height() / picture.width());
            changes.append({fragment.position(), fragment.length(), format});
        }
    }
    const int scrolled = m_browser->verticalScrollBar()->value();
    for (const Change &c : std::as_const(changes)) {
        QTextCursor cursor(doc);
        cursor.setPosition(c.position);
        cursor.setPosition(c.position + c.length, QTextCursor::KeepAnchor);
        cursor.setCharFormat(c.format);
    }
    m_browser->verticalScrollBar()->setValue(scrolled);
}

} // namespace runlens
