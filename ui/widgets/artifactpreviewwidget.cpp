// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/artifactpreviewwidget.h"

#include "itemmodels/displaytext.h"
#include "widgets/scaledfont.h"

#include <QDesktopServices>
#include <QEvent>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

namespace {

QLabel *quiet(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

} // namespace

ArtifactPreviewWidget::ArtifactPreviewWidget(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_facts(quiet(this))
    , m_note(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_message(quiet(this))
    , m_image(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
    , m_table(new QTableWidget(this))
    , m_markdown(new QTextBrowser(this))
    , m_summary(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("artifactPreview"));
    m_title->setObjectName(QStringLiteral("previewTitle"));
    m_title->setFont(scaledFont(font(), 1.1));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setTextFormat(Qt::PlainText);
    m_facts->setTextFormat(Qt::PlainText);
    m_note->setObjectName(QStringLiteral("previewNote"));
    m_note->setTextFormat(Qt::PlainText);
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->setMargin(4);
    m_note->setAutoFillBackground(true);
    m_note->setBackgroundRole(QPalette::AlternateBase);
    m_note->hide();

    m_message->setObjectName(QStringLiteral("previewMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setMargin(16);
    m_message->setTextFormat(Qt::PlainText);
    m_image->setObjectName(QStringLiteral("previewImage"));
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setMinimumSize(32, 32);
    m_image->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored); // the pixmap follows the pane
    m_text->setObjectName(QStringLiteral("previewText"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->setObjectName(QStringLiteral("previewTable"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_markdown->setObjectName(QStringLiteral("previewMarkdown"));
    // Links open in the desktop's browser when they are web links; nothing is followed or fetched here.
    m_markdown->setOpenLinks(false);
    connect(m_markdown, &QTextBrowser::anchorClicked, this, [](const QUrl &url) {
        if (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"))
            QDesktopServices::openUrl(url);
    });
    m_summary->setObjectName(QStringLiteral("previewSummary"));
    m_summary->setColumnCount(2);
    m_summary->setHeaderLabels({tr("Field"), tr("Value")});
    m_summary->setRootIsDecorated(false);
    m_summary->setAlternatingRowColors(true);

    for (QWidget *w : {static_cast<QWidget *>(m_message), static_cast<QWidget *>(m_image),
                       static_cast<QWidget *>(m_text), static_cast<QWidget *>(m_table),
                       static_cast<QWidget *>(m_markdown), static_cast<QWidget *>(m_summary)})
        m_stack->addWidget(w);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(m_facts);
    layout->addWidget(m_note);
    layout->addWidget(m_stack, 1);
    showMessage({}, tr("Select a file to preview it."));
}

QString ArtifactPreviewWidget::note() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

QString ArtifactPreviewWidget::title() const
{
    return m_title->text();
}

QString ArtifactPreviewWidget::message() const
{
    return m_stack->currentWidget() == m_message ? m_message->text() : QString();
}

void ArtifactPreviewWidget::setNote(const QString &note)
{
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void ArtifactPreviewWidget::setHeading(const Artifact &a, const QString &extra)
{
    m_title->setText(a.path.section(QLatin1Char('/'), -1));
    m_title->setToolTip(a.path);
    QStringList facts{display::bytes(a.size)};
    if (!a.mediaType.isEmpty())
        facts << a.mediaType;
    if (!extra.isEmpty())
        facts << extra;
    // The short hash keeps the pane narrow enough to share the tab with the tree; the full one is a hover
    // away.
    facts << QStringLiteral("sha256 %1…").arg(a.sha256.left(16));
    m_facts->setText(facts.join(QStringLiteral(" · ")));
    m_facts->setToolTip(QStringLiteral("sha256 %1").arg(a.sha256));
    m_title->show();
    m_facts->show();
}

void ArtifactPreviewWidget::showMessage(const QString &title, const QString &message)
{
    m_hasPreview = false;
    m_source = QImage();
    m_title->setText(title);
    m_title->setToolTip({});
    m_title->setVisible(!title.isEmpty());
    m_facts->hide();
    m_facts->setToolTip({});
    setNote({});
    m_message->setText(message);
    m_stack->setCurrentWidget(m_message);
}

void ArtifactPreviewWidget::showLoading(const Artifact &a)
{
    m_hasPreview = false;
    m_source = QImage();
    setHeading(a);
    setNote({});
    m_message->setText(tr("Reading…"));
    m_stack->setCurrentWidget(m_message);
}

void ArtifactPreviewWidget::showPreview(const Artifact &a, const ArtifactPreview &p)
{
    using Kind = ArtifactPreview::Kind;
    m_hasPreview = true;
    m_kind = p.kind;
    m_source = QImage();
    setHeading(a, p.kind == Kind::Image && p.imageSize.isValid()
                      ? tr("%1 × %2 px").arg(p.imageSize.width()).arg(p.imageSize.height())
                      : QString());
    setNote(p.note);
    switch (p.kind) {
    case Kind::Image:
        m_source = p.image;
        m_stack->setCurrentWidget(m_image);
        showImage();
        break;
    case Kind::Text:
    case Kind::Json:
    case Kind::Yaml:
        m_text->setPlainText(p.text);
        m_stack->setCurrentWidget(m_text);
        break;
    case Kind::Markdown:
        showMarkdown(p.text);
        m_stack->setCurrentWidget(m_markdown);
        break;
    case Kind::Table: {
        m_table->clear();
        int columns = int(p.header.size());
        for (const QStringList &row : p.rows)
            columns = std::max(columns, int(row.size()));
        m_table->setColumnCount(columns);
        m_table->setRowCount(int(p.rows.size()));
        m_table->setHorizontalHeaderLabels(p.header);
        for (int r = 0; r < int(p.rows.size()); ++r) {
            const QStringList &row = p.rows[size_t(r)];
            for (int c = 0; c < row.size(); ++c)
                m_table->setItem(r, c, new QTableWidgetItem(row[c]));
        }
        m_table->resizeColumnsToContents();
        for (int c = 0; c < columns; ++c)
            m_table->setColumnWidth(c, std::min(m_table->columnWidth(c), 320));
        m_stack->setCurrentWidget(m_table);
        break;
    }
    case Kind::MlModel: {
        m_summary->clear();
        QTreeWidgetItem *section = nullptr;
        for (const ArtifactPreview::Field &f : p.summary) {
            if (!section || section->text(0) != f.section) {
                section = new QTreeWidgetItem(m_summary, {f.section});
                QFont bold = section->font(0);
                bold.setBold(true);
                section->setFont(0, bold);
                section->setFirstColumnSpanned(true);
                section->setFlags(Qt::ItemIsEnabled);
            }
            auto *item = new QTreeWidgetItem(section, {f.name, f.value});
            item->setToolTip(1, display::tooltipText(f.value));
        }
        m_summary->expandAll();
        m_summary->resizeColumnToContents(0);
        m_stack->setCurrentWidget(m_summary);
        break;
    }
    case Kind::Binary:
    case Kind::Missing:
        m_message->setText(p.note.isEmpty() ? tr("No preview for this kind of file.") : p.note);
        setNote({});
        m_stack->setCurrentWidget(m_message);
        break;
    }
}

void ArtifactPreviewWidget::showMarkdown(const QString &markdown)
{
    // Images are never fetched, neither from the web nor from local files a hostile document names: the
    // document is built apart, every image it refers to is registered as a placeholder resource (so that
    // QTextDocument never loads one), and only then is it handed to the view to be laid out.
    auto *doc = new QTextDocument(m_markdown);
    doc->setDefaultFont(m_markdown->font());
    doc->setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
    QImage placeholder(16, 16, QImage::Format_ARGB32_Premultiplied);
    placeholder.fill(palette().color(QPalette::Mid));
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat f = it.fragment().charFormat();
            if (f.isImageFormat())
                doc->addResource(QTextDocument::ImageResource, QUrl(f.toImageFormat().name()), placeholder);
        }
    }
    // The view's first document belongs to it and goes with setDocument(); later ones are ours to delete.
    QTextDocument *old = m_markdown->document();
    const bool ours = old && old->parent() == m_markdown;
    m_markdown->setDocument(doc);
    if (ours)
        delete old;
}

void ArtifactPreviewWidget::showImage()
{
    if (m_source.isNull())
        return;
    const QSize room = m_image->size().shrunkBy({4, 4, 4, 4});
    QImage shown = m_source;
    // Scaled down to fit; small images are enlarged at most twice, so that an icon stays crisp.
    QSize target = m_source.size();
    if (target.width() > room.width() || target.height() > room.height())
        target = target.scaled(room, Qt::KeepAspectRatio);
    else if (target.width() * 2 <= room.width() && target.height() * 2 <= room.height())
        target *= 2;
    if (target.isEmpty())
        return;
    if (target != m_source.size())
        shown = m_source.scaled(target, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QPixmap pixmap = QPixmap::fromImage(shown);
    pixmap.setDevicePixelRatio(1.0);
    m_image->setPixmap(pixmap);
}

void ArtifactPreviewWidget::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_stack->currentWidget() == m_image)
        showImage();
}

void ArtifactPreviewWidget::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

} // namespace runlens
