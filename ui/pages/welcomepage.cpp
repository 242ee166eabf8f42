// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/welcomepage.h"

#include "demo/demojob.h"
#include "itemmodels/displaytext.h"
#include "store/location.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {

constexpr int ColumnWidth = 720; // the page's one centred column
constexpr int ColumnMargin = 24;
constexpr int IconSize = 72;
constexpr int MaxRecentShown = 5;

// A word of a shell command: quoted only when it needs it, so the example stays readable.
QString shellWord(const QString &word)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

// A path as people read it: native separators, the home folder as "~".
QString shownPath(const QString &path)
{
    const QString native = QDir::toNativeSeparators(path);
    const QString home = QDir::toNativeSeparators(QDir::homePath());
    if (home.size() > 1 && (native == home || native.startsWith(home + QDir::separator())))
        return QLatin1Char('~') + native.mid(home.size());
    return native;
}

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QLabel *sectionHeading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

} // namespace

WelcomePage::WelcomePage(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    // Scrolls only when the window is smaller than the column.
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    auto *canvas = new QWidget(scroll);
    scroll->setWidget(canvas);
    auto *column = new QWidget(canvas);
    column->setFixedWidth(ColumnWidth);
    auto *canvasLayout = new QGridLayout(canvas);
    canvasLayout->setRowStretch(0, 2); // a little above the centre, as the eye expects
    canvasLayout->setRowStretch(2, 3);
    canvasLayout->setColumnStretch(0, 1);
    canvasLayout->setColumnStretch(2, 1);
    canvasLayout->addWidget(column, 1, 1);
    auto *layout = new QVBoxLayout(column);
    layout->setContentsMargins(ColumnMargin, ColumnMargin, ColumnMargin, ColumnMargin);
    layout->setSpacing(0);

    auto *icon = new QLabel(column);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/runlens.svg")).pixmap(IconSize, IconSize));
    icon->setAlignment(Qt::AlignCenter);
    layout->addWidget(icon);
    layout->addSpacing(16);
    auto *title = new QLabel(tr("Welcome to Runlens"), column);
    title->setObjectName(QStringLiteral("welcomeTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.9);
    titleFont.setWeight(QFont::DemiBold);
    title->setFont(titleFont);
    title->setAlignment(Qt::AlignCenter);
    layout->addWidget(title);
    layout->addSpacing(6);
    m_subtitle = mutedLabel(QString(), column);
    m_subtitle->setObjectName(QStringLiteral("welcomeSubtitle"));
    m_subtitle->setAlignment(Qt::AlignCenter);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_subtitle);
    layout->addSpacing(28);

    m_actions = new QWidget(column);
    auto *actions = new QHBoxLayout(m_actions);
    actions->setContentsMargins(0, 0, 0, 0);
    actions->setSpacing(10);
    actions->addStretch();
    const auto button = [this](const QString &text, const char *name) {
        auto *b = new QPushButton(text, m_actions);
        b->setObjectName(QString::fromLatin1(name));
        b->setMinimumWidth(150);
        b->setMinimumHeight(b->sizeHint().height() + 8);
        return b;
    };
    m_import = button(tr("Import…"), "welcomeImport");
    m_import->setDefault(true); // the usual first step, drawn as such
    m_import->setToolTip(tr("Import an mlruns folder, an mlflow.db, TensorBoard logs or a CSV/JSON-lines log "
                            "(Ctrl+I)"));
    m_demoButton = button(tr("Open Demo Data"), "welcomeDemo");
    m_demoButton->setToolTip(tr("Fill this database with a realistic sweep to look around"));
    QPushButton *open = button(tr("Open Database…"), "welcomeOpen");
    open->setToolTip(tr("Open another Runlens database (Ctrl+O)"));
    for (QPushButton *b : {m_import, m_demoButton, open})
        actions->addWidget(b);
    actions->addStretch();
    connect(m_import, &QPushButton::clicked, this, &WelcomePage::importRequested);
    connect(m_demoButton, &QPushButton::clicked, this, &WelcomePage::startDemo);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openDatabaseRequested);
    layout->addWidget(m_actions);
    layout->addSpacing(12);
    m_dropHint = mutedLabel(tr("Or drop an mlruns folder, an mlflow.db, TensorBoard logs or a CSV log on "
                               "this window to import them."),
                            column);
    m_dropHint->setObjectName(QStringLiteral("dropHint"));
    m_dropHint->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_dropHint);

    m_progressRow = new QWidget(column);
    auto *progress = new QGridLayout(m_progressRow);
    progress->setContentsMargins(0, 0, 0, 0);
    m_progressText = new QLabel(m_progressRow);
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setObjectName(QStringLiteral("demoProgress"));
    m_progress->setTextVisible(false);
    auto *cancel = new QPushButton(tr("Cancel"), m_progressRow);
    cancel->setObjectName(QStringLiteral("demoCancel"));
    connect(cancel, &QPushButton::clicked, this, &WelcomePage::cancelDemo);
    progress->addWidget(m_progressText, 0, 0, 1, 2);
    progress->addWidget(m_progress, 1, 0);
    progress->addWidget(cancel, 1, 1);
    m_progressRow->hide();
    layout->addWidget(m_progressRow);
    m_message = new QLabel(column);
    m_message->setObjectName(QStringLiteral("welcomeMessage"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addSpacing(8);
    layout->addWidget(m_message);

    m_logSection = new QWidget(column);
    auto *log = new QGridLayout(m_logSection);
    log->setContentsMargins(0, 28, 0, 0);
    log->setVerticalSpacing(6);
    log->addWidget(sectionHeading(tr("Log from your training code"), m_logSection), 0, 0);
    auto *copy = new QToolButton(m_logSection);
    copy->setObjectName(QStringLiteral("copyLogExample"));
    copy->setText(tr("Copy"));
    copy->setAutoRaise(true);
    log->addWidget(copy, 0, 1, Qt::AlignRight);
    m_logExample = new QPlainTextEdit(m_logSection);
    m_logExample->setObjectName(QStringLiteral("logExample"));
    m_logExample->setReadOnly(true);
    m_logExample->setAcceptDrops(false); // files dropped here import, as anywhere on the window
    m_logExample->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_logExample->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_logExample->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    log->addWidget(m_logExample, 1, 0, 1, 2);
    auto *logHint =
        mutedLabel(tr("The first command prints the new run's id; the runs appear here as they are "
                      "logged. `runlens log --help` says more."),
                   m_logSection);
    logHint->setTextFormat(Qt::MarkdownText);
    log->addWidget(logHint, 2, 0, 1, 2);
    connect(copy, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_logExample->toPlainText()); });
    layout->addWidget(m_logSection);

    m_recentSection = new QWidget(column);
    auto *recent = new QVBoxLayout(m_recentSection);
    recent->setContentsMargins(0, 24, 0, 0);
    recent->setSpacing(4);
    recent->addWidget(sectionHeading(tr("Recent databases"), m_recentSection));
    m_recentList = new QGridLayout;
    m_recentList->setHorizontalSpacing(12);
    m_recentList->setVerticalSpacing(0);
    m_recentList->setColumnStretch(1, 1);
    recent->addLayout(m_recentList);
    m_recentSection->hide();
    layout->addWidget(m_recentSection);
    updateState();
}

WelcomePage::~WelcomePage()
{
    delete m_demo; // waits for its rollback
}

void WelcomePage::setDatabase(const QString &path, bool readOnly)
{
    if (m_demo && m_demo->databasePath() != path) {
        delete m_demo; // cancels and waits for the rollback
        demoEnded(QString());
    }
    if (path != m_path)
        m_message->hide();
    m_path = path;
    m_readOnly = readOnly;
    const QString shown = display::elidedLine(shownPath(path));
    m_subtitle->setText(readOnly ? tr("%1 has no runs, and it is read-only here.").arg(shown)
                                 : tr("%1 has no runs yet.").arg(shown));
    const QString example = commandLineExample();
    m_logExample->setPlainText(example);
    // Every line and the frame, without a vertical scroll bar; a horizontal one only for a long path.
    const QFontMetrics fm(m_logExample->font());
    const int margins = 2 * int(m_logExample->document()->documentMargin()) + 2 * m_logExample->frameWidth();
    int widest = 0;
    for (const QString &line : example.split(u'\n'))
        widest = std::max(widest, fm.horizontalAdvance(line));
    const bool scrolls = widest + margins > ColumnWidth - 2 * ColumnMargin;
    // Decided here: the editor's own guess lags behind its first layout.
    m_logExample->setHorizontalScrollBarPolicy(scrolls ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    m_logExample->setFixedHeight(fm.lineSpacing() * int(example.count(u'\n') + 1) + margins + 4 +
                                 (scrolls ? m_logExample->horizontalScrollBar()->sizeHint().height() : 0));
    updateState();
}

void WelcomePage::setRecentDatabases(const QStringList &paths)
{
    while (QLayoutItem *item = m_recentList->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int row = 0;
    for (const QString &path : paths) {
        if (path == m_path || !QFileInfo::exists(path))
            continue;
        const QFileInfo info(path);
        auto *open = new QToolButton(m_recentSection);
        open->setObjectName(QStringLiteral("recentDatabase"));
        open->setText(display::elidedLine(info.fileName()));
        open->setToolTip(QDir::toNativeSeparators(path));
        open->setAutoRaise(true);
        open->setCursor(Qt::PointingHandCursor);
        connect(open, &QToolButton::clicked, this, [this, path] { Q_EMIT recentDatabaseChosen(path); });
        // Drawn as links: they open the database.
        QPalette linkLike = open->palette();
        linkLike.setColor(QPalette::ButtonText, linkLike.color(QPalette::Link));
        open->setPalette(linkLike);
        auto *where = mutedLabel(display::elidedLine(shownPath(info.absolutePath())), m_recentSection);
        where->setWordWrap(false);
        m_recentList->addWidget(open, row, 0);
        m_recentList->addWidget(where, row, 1);
        if (++row == MaxRecentShown)
            break;
    }
    m_recentSection->setVisible(row > 0);
}

QString WelcomePage::commandLineExample() const
{
    // The syntax is README.md's command-line table. Another database than the default is named once, through
    // $RUNLENS_DB (which --db would override), so that the commands stay short.
    QString example;
    if (!m_path.isEmpty() && QFileInfo(m_path) != QFileInfo(defaultDatabasePath()))
        example = QStringLiteral("export RUNLENS_DB=%1\n").arg(shellWord(QDir::toNativeSeparators(m_path)));
    return example + QStringLiteral("runlens log --experiment mnist --name first-try --param lr=0.001\n"
                                    "runlens log --run RUN_ID --metric loss=0.42 --step 1\n"
                                    "./train | runlens log --experiment mnist   # one JSON object a line");
}

void WelcomePage::startDemo()
{
    if (m_demo || m_readOnly || m_path.isEmpty())
        return;
    m_message->hide();
    m_demo = new DemoJob(m_path, m_demoOptions, this);
    m_progress->setRange(0, 0);
    m_progressText->setText(tr("Writing demo runs…"));
    connect(m_demo, &DemoJob::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_progressText->setText(tr("Writing demo runs: %1 of %2").arg(done).arg(total));
    });
    connect(m_demo, &DemoJob::finished, this, [this](const DemoSummary &summary) {
        demoEnded(QString());
        Q_EMIT demoFinished(summary);
    });
    connect(m_demo, &DemoJob::cancelled, this,
            [this] { demoEnded(tr("Demo data cancelled: nothing of it was kept.")); });
    connect(m_demo, &DemoJob::failed, this, [this](const QString &message) {
        demoEnded(tr("No demo data was written: %1").arg(display::elided(message)));
    });
    m_demo->start();
    updateState();
}

void WelcomePage::cancelDemo()
{
    if (!m_demo)
        return;
    // Not waited for here: the job may be waiting for another writer's lock. cancelled() follows the
    // rollback (or finished() when it had already committed).
    m_demo->cancel();
    m_progressText->setText(tr("Cancelling…"));
}

bool WelcomePage::isDemoRunning() const
{
    return m_demo && m_demo->isRunning();
}

void WelcomePage::demoEnded(const QString &message)
{
    if (m_demo)
        m_demo->deleteLater();
    m_demo = nullptr;
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    updateState();
}

void WelcomePage::updateState()
{
    const bool running = m_demo != nullptr;
    m_actions->setVisible(!running);
    m_import->setVisible(!m_readOnly);
    m_demoButton->setVisible(!m_readOnly);
    m_dropHint->setVisible(!m_readOnly && !running);
    m_progressRow->setVisible(running);
    m_logSection->setVisible(!m_readOnly);
}

} // namespace runlens
