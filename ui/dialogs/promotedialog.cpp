// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/promotedialog.h"

#include "actions/registryactions.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"
#include "registry/promotechoices.h"
#include "shell/theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>

namespace runlens {

namespace {

struct Folder
{
    qint64 files = 0;
    qint64 bytes = 0;
    bool mlmodel = false; // holds an MLflow MLmodel file directly
};

} // namespace

PromoteDialog::PromoteDialog(StoreWorker *worker, const QString &runId, QWidget *parent,
                             std::optional<QString> folder)
    : QDialog(parent)
    , m_worker(worker)
    , m_actions(new RegistryActions(worker, this))
    , m_runId(runId)
    , m_initialFolder(std::move(folder))
    , m_runLabel(new QLabel(this))
    , m_model(new QComboBox(this))
    , m_folders(new QTreeWidget(this))
    , m_alias(new QLineEdit(this))
    , m_description(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
    , m_result(new QLabel(this))
{
    setObjectName(QStringLiteral("promoteDialog"));
    setWindowTitle(tr("Promote to Model"));
    m_runLabel->setObjectName(QStringLiteral("promoteRun"));
    m_runLabel->setTextFormat(Qt::PlainText);
    m_runLabel->setText(tr("Run %1 (reading…)").arg(runId));
    m_model->setObjectName(QStringLiteral("promoteModel"));
    m_model->setEditable(true);
    m_model->setInsertPolicy(QComboBox::NoInsert);
    m_model->lineEdit()->setPlaceholderText(tr("Choose a model or type a new name"));
    m_model->setMinimumWidth(320);
    m_folders->setObjectName(QStringLiteral("promoteFolders"));
    m_folders->setColumnCount(3);
    m_folders->setHeaderLabels({tr("Artifact folder"), tr("Files"), tr("Size")});
    m_folders->setRootIsDecorated(true);
    m_folders->setUniformRowHeights(true);
    m_folders->setMinimumHeight(fontMetrics().lineSpacing() * 9);
    m_folders->header()->setStretchLastSection(false);
    m_folders->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_folders->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_folders->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_alias->setObjectName(QStringLiteral("promoteAlias"));
    m_alias->setPlaceholderText(tr("optional, e.g. challenger"));
    m_alias->setClearButtonEnabled(true);
    m_description->setObjectName(QStringLiteral("promoteDescription"));
    m_description->setPlaceholderText(tr("What is this version, how was it validated? Markdown allowed."));
    m_description->setTabChangesFocus(true);
    m_description->setMaximumHeight(fontMetrics().lineSpacing() * 6);
    m_problem->setObjectName(QStringLiteral("promoteProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    QPalette bad = m_problem->palette();
    bad.setColor(QPalette::WindowText, theme::isDark() ? QColor(0xff, 0x8a, 0x80) : QColor(0xb4, 0x23, 0x18));
    m_problem->setPalette(bad);
    m_problem->hide();
    m_result->setObjectName(QStringLiteral("promoteResult"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setMargin(8);
    m_result->setAutoFillBackground(true);
    QPalette good = m_result->palette();
    good.setColor(QPalette::Window, theme::isDark() ? QColor(0x1b, 0x4d, 0x2e) : QColor(0xe6, 0xf4, 0xea));
    good.setColor(QPalette::WindowText,
                  theme::isDark() ? QColor(0xd7, 0xf5, 0xdf) : QColor(0x14, 0x5a, 0x2c));
    m_result->setPalette(good);
    m_result->hide();

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("Run:"), m_runLabel);
    form->addRow(tr("&Model:"), m_model);
    form->addRow(tr("&Folder:"), m_folders);
    form->addRow(tr("&Alias:"), m_alias);
    form->addRow(tr("&Description:"), m_description);

    auto *buttons = new QDialogButtonBox(this);
    m_buttons = buttons;
    m_promote = buttons->addButton(tr("Promote"), QDialogButtonBox::AcceptRole);
    m_promote->setObjectName(QStringLiteral("promoteButton"));
    m_promote->setDefault(true);
    // Joins the buttons once there is a version to open (a button box shows every button it lays out).
    m_openModel = new QPushButton(tr("Open in Models"), this);
    m_openModel->setObjectName(QStringLiteral("openPromotedModel"));
    m_openModel->hide();
    m_close = buttons->addButton(QDialogButtonBox::Cancel);
    m_close->setObjectName(QStringLiteral("closePromote"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form, 1);
    layout->addWidget(m_problem);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    setMinimumWidth(560);

    connect(m_promote, &QPushButton::clicked, this, &PromoteDialog::promote);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_openModel, &QPushButton::clicked, this, [this] {
        Q_EMIT openModelRequested(m_promotedModel, m_promotedVersion);
        accept();
    });
    connect(m_model, &QComboBox::editTextChanged, this, &PromoteDialog::validate);
    connect(m_alias, &QLineEdit::textChanged, this, &PromoteDialog::validate);
    connect(m_actions, &RegistryActions::runPromoted, this,
            [this](const QString &, const QString &model, int version, const QString &alias) {
                showPromoted(model, version, alias);
            });
    connect(m_actions, &StoreActions::failed, this, [this](const QString &, const QString &why) {
        m_promoting = false;
        setInputsEnabled(true);
        showProblem(tr("Could not promote the run: %1").arg(why));
    });
    load();
}

void PromoteDialog::load()
{
    m_loading = true;
    setInputsEnabled(false);
    readPromoteChoices(
        m_worker, this, m_runId,
        [this](PromoteChoices c) {
            m_loading = false;
            applyChoices(c);
        },
        [this](const QString &message) {
            m_loading = false;
            m_loadFailed = true;
            showProblem(tr("Could not read the run: %1").arg(message));
        });
}

void PromoteDialog::applyChoices(const PromoteChoices &c)
{
    if (!c.runFound) {
        m_loadFailed = true;
        m_runLabel->setText(m_runId);
        showProblem(tr("There is no run with id “%1” in this database.").arg(m_runId.left(80)));
        return;
    }
    m_runLabel->setText(c.runName.isEmpty() ? m_runId : tr("%1  (%2)").arg(c.runName, m_runId));
    const QString typed = m_model->currentText();
    m_model->addItems(c.models);
    m_model->setEditText(typed.isEmpty() && c.models.size() == 1 ? c.models.first() : typed);

    // Folders from the artifact paths: each folder counts the files below it.
    QMap<QString, Folder> folders;
    for (const Artifact &a : c.artifacts) {
        const QStringList parts = a.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        QString prefix;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            prefix += (i ? QStringLiteral("/") : QString()) + parts[i];
            Folder &f = folders[prefix];
            ++f.files;
            f.bytes += a.size;
            if (i + 2 == parts.size() && parts.last() == QLatin1String("MLmodel"))
                f.mlmodel = true;
        }
    }
    qint64 totalBytes = 0;
    for (const Artifact &a : c.artifacts)
        totalBytes += a.size;
    m_wholeRun = new QTreeWidgetItem(
        m_folders, {tr("(whole run)"), QString::number(c.artifacts.size()), display::bytes(totalBytes)});
    m_wholeRun->setData(0, ArtifactPathRole, QString());
    m_wholeRun->setToolTip(0, tr("Every artifact of the run"));
    QMap<QString, QTreeWidgetItem *> items;
    QTreeWidgetItem *preselect = m_wholeRun;
    for (auto it = folders.begin(); it != folders.end(); ++it) {
        const QString path = it.key();
        const int slash = int(path.lastIndexOf(QLatin1Char('/')));
        QTreeWidgetItem *parent = slash < 0 ? m_wholeRun : items.value(path.left(slash), m_wholeRun);
        const QString name = slash < 0 ? path : path.mid(slash + 1);
        auto *item = new QTreeWidgetItem(parent, {it->mlmodel ? tr("%1  — MLflow model").arg(name) : name,
                                                  QString::number(it->files), display::bytes(it->bytes)});
        item->setData(0, ArtifactPathRole, path);
        item->setToolTip(0, path);
        if (it->mlmodel) {
            QFont f = item->font(0);
            f.setBold(true);
            item->setFont(0, f);
            if (preselect == m_wholeRun)
                preselect = item;
        }
        items.insert(path, item);
    }
    m_folders->expandAll();
    m_folders->setCurrentItem(preselect);
    if (m_initialFolder && choosePath(*m_initialFolder) && !m_initialFolder->isEmpty() &&
        typed.trimmed().isEmpty()) {
        // An MLflow 3 logged model's folder is named after the model (log_model(name=...)).
        m_model->setEditText(m_initialFolder->section(QLatin1Char('/'), -1));
    }
    setInputsEnabled(true);
    m_model->setFocus();
    validate();
}

QString PromoteDialog::chosenPath() const
{
    const QTreeWidgetItem *item = m_folders->currentItem();
    return item ? item->data(0, ArtifactPathRole).toString() : QString();
}

bool PromoteDialog::choosePath(const QString &path)
{
    for (QTreeWidgetItemIterator it(m_folders); *it; ++it) {
        if ((*it)->data(0, ArtifactPathRole).toString() == path) {
            m_folders->setCurrentItem(*it);
            return true;
        }
    }
    return false;
}

void PromoteDialog::validate()
{
    if (m_loading || m_loadFailed || m_promoting || m_promotedVersion > 0)
        return;
    const QString model = m_model->currentText().trimmed();
    const QString alias = m_alias->text().trimmed();
    QString problem;
    if (!alias.isEmpty())
        problem = RegistryActions::aliasProblem(alias).value_or(QString());
    if (problem.isEmpty()) {
        m_problem->hide();
    } else {
        m_problem->setText(problem);
        m_problem->show();
    }
    m_promote->setEnabled(!model.isEmpty() && problem.isEmpty());
    m_promote->setToolTip(model.isEmpty() ? tr("Choose or type a model name first") : QString());
}

void PromoteDialog::showProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->show();
}

void PromoteDialog::setInputsEnabled(bool enabled)
{
    for (QWidget *w : std::initializer_list<QWidget *>{m_model, m_folders, m_alias, m_description})
        w->setEnabled(enabled);
    m_promote->setEnabled(enabled);
}

void PromoteDialog::promote()
{
    if (m_loading || m_loadFailed || m_promoting || m_promotedVersion > 0)
        return;
    const QString model = m_model->currentText().trimmed();
    const QString alias = m_alias->text().trimmed();
    if (model.isEmpty()) {
        showProblem(tr("Choose a registered model or type the name of a new one."));
        return;
    }
    if (!alias.isEmpty()) {
        if (const std::optional<QString> problem = RegistryActions::aliasProblem(alias)) {
            showProblem(*problem);
            return;
        }
    }
    const QString path = chosenPath(), description = m_description->toPlainText(), id = m_runId;
    m_promoting = true;
    setInputsEnabled(false);
    m_problem->hide();
    m_actions->promoteRun(id, model, path, description, alias);
}

void PromoteDialog::showPromoted(const QString &model, int version, const QString &alias)
{
    m_promoting = false;
    m_promotedModel = model;
    m_promotedVersion = version;
    m_result->setText(
        alias.isEmpty()
            ? tr("Registered model “%1” version %2 was created from this run.").arg(model).arg(version)
            : tr("Registered model “%1” version %2 was created from this run, "
                 "with the alias “%3”.")
                  .arg(model)
                  .arg(version)
                  .arg(alias));
    m_result->show();
    m_promote->hide();
    m_buttons->addButton(m_openModel, QDialogButtonBox::ActionRole);
    m_openModel->show();
    m_openModel->setDefault(true);
    m_openModel->setFocus();
    m_close->setText(tr("Close"));
    Q_EMIT promoted(model, version);
}

} // namespace runlens
