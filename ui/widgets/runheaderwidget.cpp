// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/runheaderwidget.h"

#include "itemmodels/displaytext.h"
#include "widgets/runcolormenu.h"
#include "widgets/scaledfont.h"
#include "widgets/statusbadge.h"

#include <limits>
#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QStyle>
#include <QTextDocumentFragment>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {
QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

QString dash()
{
    return QStringLiteral("—");
}
} // namespace

RunHeaderWidget::RunHeaderWidget(QWidget *parent)
    : QWidget(parent)
    , m_back(new QPushButton(this))
    , m_name(new QLineEdit(this))
    , m_badge(new StatusBadge(this))
    , m_star(new QToolButton(this))
    , m_color(new QToolButton(this))
    , m_id(new QLabel(this))
    , m_copyId(new QToolButton(this))
    , m_promote(new QPushButton(tr("Promote to Model…"), this))
    , m_trash(new QLabel(this))
    , m_grid(new QGridLayout)
{
    m_back->setObjectName(QStringLiteral("backButton"));
    m_back->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    m_back->setToolTip(tr("Back (Alt+Left, Esc)"));
    m_back->setFocusPolicy(Qt::TabFocus);
    setBackText(tr("Runs"));

    m_name->setObjectName(QStringLiteral("runName"));
    m_name->setFrame(false);
    m_name->setPlaceholderText(tr("Unnamed run: click to name it"));
    m_name->setToolTip(tr("Run name: click to edit, Enter to save, Esc to undo"));
    QFont big = scaledFont(m_name->font(), 1.45);
    big.setBold(true);
    m_name->setFont(big);
    m_name->installEventFilter(this);
    // Reads as a title until it is edited: no field look unless it has the focus.
    m_name->setStyleSheet(QStringLiteral("QLineEdit#runName { background: transparent; }"
                                         "QLineEdit#runName:focus { background: palette(base); }"));

    m_star->setObjectName(QStringLiteral("starButton"));
    m_star->setCheckable(true);
    m_star->setAutoRaise(true);
    m_star->setFont(scaledFont(m_star->font(), 1.35));
    m_star->setText(QStringLiteral("☆"));
    m_star->setToolTip(tr("Star this run"));

    m_color->setObjectName(QStringLiteral("runColorButton"));
    m_color->setAutoRaise(true);
    m_color->setPopupMode(QToolButton::InstantPopup);
    m_color->setToolTip(tr("The run's colour in tables, legends and charts: pin one, or leave it automatic"));
    m_color->setMenu(new QMenu(m_color));
    // Built when opened: the swatch ticked is the colour shown then.
    connect(m_color->menu(), &QMenu::aboutToShow, this, [this] {
        QMenu *menu = m_color->menu();
        menu->clear();
        runcolormenu::fill(menu, m_shownColor, m_pinned, this,
                           [this](const QColor &c) { Q_EMIT colorChosen(c); });
    });
    setColor({}, false);

    m_id->setObjectName(QStringLiteral("runId"));
    m_id->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_id->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_copyId->setObjectName(QStringLiteral("copyRunId"));
    m_copyId->setText(tr("Copy"));
    m_copyId->setToolTip(tr("Copy the run id"));
    m_copyId->setAutoRaise(true);

    m_trash->setObjectName(QStringLiteral("trashBanner"));
    m_trash->setWordWrap(true);
    m_trash->setMargin(6);
    m_trash->setAutoFillBackground(true);
    m_trash->hide();
    updateTrashPalette();

    auto *top = new QHBoxLayout;
    top->setSpacing(10);
    top->addWidget(m_back);
    top->addWidget(m_name);
    top->addWidget(m_badge, 0, Qt::AlignVCenter);
    top->addWidget(m_star, 0, Qt::AlignVCenter);
    top->addWidget(m_color, 0, Qt::AlignVCenter);
    top->addStretch(1);
    m_promote->setObjectName(QStringLiteral("promoteButton"));
    m_promote->setToolTip(tr("Register this run (or one of its artifact folders) as a new model version"));
    top->addWidget(m_promote, 0, Qt::AlignVCenter);
    connect(m_promote, &QPushButton::clicked, this, &RunHeaderWidget::promoteRequested);

    auto *idRow = new QHBoxLayout;
    idRow->setSpacing(4);
    idRow->addWidget(m_id);
    idRow->addWidget(m_copyId);
    idRow->addStretch(1);
    auto *idLabel = new QLabel(tr("Run ID"), this);
    m_grid->setHorizontalSpacing(10);
    m_grid->setVerticalSpacing(3);
    idLabel->setForegroundRole(QPalette::PlaceholderText);
    m_grid->addWidget(idLabel, 0, 0);
    m_grid->addLayout(idRow, 0, 1);
    addField(0, 2, tr("Experiment"), QStringLiteral("experiment"));
    addField(0, 4, tr("Parent run"), QStringLiteral("parent"));
    addField(1, 0, tr("Started"), QStringLiteral("start"));
    addField(1, 2, tr("Ended"), QStringLiteral("end"));
    addField(1, 4, tr("Duration"), QStringLiteral("duration"));
    addField(2, 0, tr("User"), QStringLiteral("user"));
    addField(2, 2, tr("Source"), QStringLiteral("source"));
    addField(2, 4, tr("Git commit"), QStringLiteral("commit"));
    addField(3, 0, tr("Lifecycle"), QStringLiteral("lifecycle"));
    m_grid->setColumnStretch(6, 1); // facts packed to the left, in aligned columns

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(top);
    layout->addWidget(m_trash);
    layout->addLayout(m_grid);

    connect(m_back, &QPushButton::clicked, this, &RunHeaderWidget::backRequested);
    // The name field is as wide as the name, so that the badge and star sit right after it.
    connect(m_name, &QLineEdit::textChanged, this, &RunHeaderWidget::fitName);
    fitName();
    connect(m_name, &QLineEdit::editingFinished, this, [this] {
        if (m_name->text() != m_storedName)
            Q_EMIT renameRequested(m_name->text());
    });
    connect(m_star, &QToolButton::toggled, this, [this](bool on) {
        m_star->setText(on ? QStringLiteral("★") : QStringLiteral("☆"));
        Q_EMIT starToggled(on);
    });
    connect(m_copyId, &QToolButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_id->text()); });
}

QLabel *RunHeaderWidget::addField(int row, int column, const QString &label, const QString &name)
{
    auto *title = new QLabel(label, this);
    auto *value = new QLabel(this);
    value->setObjectName(name);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse |
                                   Qt::LinksAccessibleByKeyboard);
    value->setTextFormat(Qt::PlainText);
    title->setForegroundRole(QPalette::PlaceholderText);
    if (column > 0)
        title->setContentsMargins(24, 0, 0, 0); // a gap between one fact and the next
    m_grid->addWidget(title, row, column);
    m_grid->addWidget(value, row, column + 1);
    if (name == QLatin1String("parent")) {
        value->setTextFormat(Qt::RichText);
        connect(value, &QLabel::linkActivated, this, [this](const QString &link) {
            if (link.startsWith(QLatin1String("run:")))
                Q_EMIT runLinkActivated(link.mid(4));
        });
    }
    return value;
}

void RunHeaderWidget::updateTrashPalette()
{
    // Tinted towards red from whatever the window colour is, so that the text keeps the palette's own
    // contrast in light and dark themes.
    const QPalette base = palette();
    QPalette p = m_trash->palette();
    p.setColor(QPalette::Window, mix(base.color(QPalette::Window), QColor(0xd0, 0x30, 0x30), 0.22));
    p.setColor(QPalette::WindowText, base.color(QPalette::WindowText));
    m_trash->setPalette(p);
}

void RunHeaderWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        updateTrashPalette();
    QWidget::changeEvent(event);
}

bool RunHeaderWidget::eventFilter(QObject *watched, QEvent *event)
{
    // Esc in the name field undoes an edit that was not saved; with nothing to undo it goes to the page.
    if (watched == m_name && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape && m_name->text() != m_storedName) {
        m_name->setText(m_storedName);
        m_name->selectAll();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void RunHeaderWidget::fitName()
{
    const QString text = m_name->text().isEmpty() ? m_name->placeholderText() : m_name->text();
    const int width =
        m_name->fontMetrics().horizontalAdvance(text) + 3 * m_name->fontMetrics().averageCharWidth();
    m_name->setFixedWidth(std::clamp(width, 120, 720));
}

void RunHeaderWidget::setBackText(const QString &where)
{
    m_back->setText(where);
    m_back->setToolTip(tr("Back to %1 (Alt+Left, Esc)").arg(where));
}

void RunHeaderWidget::setName(QString name)
{
    // A name of megabytes is shown cut (laying it out takes seconds and gigabytes), and the field compares
    // edits with what it shows: saving without a change keeps the whole name in the store.
    m_storedName = display::elided(name);
    m_name->setToolTip(
        name.size() > m_storedName.size()
            ? tr("Run name (%n characters, shown cut): click to edit, Enter to save, Esc to undo", nullptr,
                 int(std::min<qsizetype>(name.size(), std::numeric_limits<int>::max())))
            : tr("Run name: click to edit, Enter to save, Esc to undo"));
    name = m_storedName;
    // A live refresh must not overwrite a name being typed; the edit is compared with the stored name when
    // it is committed.
    if (m_name->hasFocus() && m_name->isModified())
        return;
    if (m_name->text() != name)
        m_name->setText(name);
    m_name->setCursorPosition(0);
}

void RunHeaderWidget::setStarred(bool starred)
{
    const QSignalBlocker block(m_star);
    m_star->setChecked(starred);
    m_star->setText(starred ? QStringLiteral("★") : QStringLiteral("☆"));
    m_star->setToolTip(starred ? tr("Starred: click to unstar") : tr("Star this run"));
}

void RunHeaderWidget::setColor(const QColor &color, bool pinned)
{
    m_shownColor = color;
    m_pinned = pinned;
    m_color->setIcon(runcolormenu::swatch(color, palette().color(QPalette::Mid)));
    m_color->setText(pinned ? tr("Colour (pinned)") : tr("Colour"));
}

QString RunHeaderWidget::fieldText(const QString &field) const
{
    const auto *label = findChild<QLabel *>(field);
    if (!label)
        return {};
    if (label->textFormat() == Qt::RichText)
        return QTextDocumentFragment::fromHtml(label->text()).toPlainText();
    return label->text();
}

void RunHeaderWidget::setRun(const Run &run, const std::optional<Run> &parent)
{
    setName(run.name);
    m_badge->setStatus(run.status);
    setStarred(run.starred);
    m_id->setText(run.id);
    // Values from elsewhere may be megabytes long: shown cut, on one line.
    const auto set = [this](const QString &name, const QString &text, const QString &tip = {}) {
        auto *label = findChild<QLabel *>(name);
        label->setText(text.isEmpty() ? dash() : display::elidedLine(text, display::MaxLabelChars));
        label->setToolTip(display::tooltipText(tip));
    };
    set(QStringLiteral("experiment"), run.experimentName);
    auto *parentLabel = findChild<QLabel *>(QStringLiteral("parent"));
    if (run.parentId.isEmpty()) {
        parentLabel->setText(dash());
        parentLabel->setToolTip({});
    } else if (parent) {
        const QString name = parent->name.isEmpty()
                                 ? parent->id.left(8)
                                 : display::elidedLine(parent->name, display::MaxLabelChars);
        parentLabel->setText(
            QStringLiteral("<a href=\"run:%1\">%2</a>").arg(parent->id, name.toHtmlEscaped()));
        parentLabel->setToolTip(tr("Open the parent run %1").arg(parent->id));
    } else {
        parentLabel->setText(
            tr("%1 (not in this database)")
                .arg(display::elidedLine(run.parentId, display::MaxLabelChars).toHtmlEscaped()));
        parentLabel->setToolTip({});
    }
    // An imported log may not tell when its run began: say so rather than leave a gap that reads as missing.
    set(QStringLiteral("start"), run.startMs ? display::dateTime(*run.startMs) : tr("unknown"));
    set(QStringLiteral("end"), run.endMs ? display::dateTime(*run.endMs)
                                         : (isTerminal(run.status) ? QString() : tr("still running")));
    QString duration;
    if (run.startMs && run.endMs)
        duration = display::duration(*run.endMs - *run.startMs);
    else if (run.startMs && !isTerminal(run.status))
        duration = tr("%1 so far").arg(display::duration(std::max<qint64>(0, nowMs() - *run.startMs)));
    else if (!run.startMs)
        duration = tr("unknown");
    set(QStringLiteral("duration"), duration);
    set(QStringLiteral("user"), run.user);
    QString source = run.sourceName;
    if (!run.sourceType.isEmpty())
        source = source.isEmpty() ? run.sourceType : tr("%1 (%2)").arg(source, run.sourceType);
    set(QStringLiteral("source"), source, run.sourceName);
    set(QStringLiteral("commit"), run.gitCommit.left(12), run.gitCommit);
    const bool deleted = run.lifecycle == Lifecycle::Deleted;
    const QString deletedAt = run.deletedMs ? display::dateTime(*run.deletedMs) : QString();
    set(QStringLiteral("lifecycle"),
        deleted ? (deletedAt.isEmpty() ? tr("In the trash") : tr("In the trash since %1").arg(deletedAt))
                : tr("Active"));
    m_trash->setVisible(deleted);
    m_trash->setText(tr("This run is in the trash%1. It is hidden from the runs table and from searches "
                        "that leave out deleted runs.")
                         .arg(deletedAt.isEmpty() ? QString() : tr(" (deleted %1)").arg(deletedAt)));
}

} // namespace runlens
