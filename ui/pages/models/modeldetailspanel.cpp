// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/models/modeldetailspanel.h"

#include "actions/registryactions.h"
#include "dialogs/descriptiondialog.h"
#include "dialogs/tagdialog.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/registrytagsmodel.h"
#include "itemmodels/roles.h"
#include "widgets/detailtableview.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace runlens {

namespace {

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

} // namespace

ModelDetailsPanel::ModelDetailsPanel(RegistryActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_actions(actions)
    , m_tags(new RegistryTagsModel(this))
{
    m_description = new QLabel(this);
    m_description->setObjectName(QStringLiteral("modelDescription"));
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::MarkdownText);
    m_description->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_description->setOpenExternalLinks(true);
    m_description->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_description->setMinimumHeight(fontMetrics().lineSpacing() * 3);
    auto *editDescription = new QToolButton(this);
    editDescription->setObjectName(QStringLiteral("editModelDescription"));
    editDescription->setText(tr("Edit…"));
    editDescription->setAutoRaise(true);
    auto *descriptionRow = new QHBoxLayout;
    descriptionRow->addWidget(sectionTitle(tr("Description"), this), 1);
    descriptionRow->addWidget(editDescription);
    connect(editDescription, &QToolButton::clicked, this, &ModelDetailsPanel::openDescriptionDialog);

    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_tagsView = new DetailTableView(this);
    m_tagsView->setObjectName(QStringLiteral("modelTags"));
    m_tagsView->setModel(m_tags);
    m_tagsView->setColumnWidth(RegistryTagsModel::KeyColumn, 10 * em);
    m_tagsView->setContextMenuPolicy(Qt::CustomContextMenu);
    auto *addTag = new QPushButton(tr("Add…"), this);
    addTag->setObjectName(QStringLiteral("addModelTag"));
    m_editTag = new QPushButton(tr("Edit…"), this);
    m_editTag->setObjectName(QStringLiteral("editModelTag"));
    m_removeTag = new QPushButton(tr("Remove"), this);
    m_removeTag->setObjectName(QStringLiteral("removeModelTag"));
    auto *tagsRow = new QHBoxLayout;
    tagsRow->addWidget(sectionTitle(tr("Tags"), this), 1);
    tagsRow->addWidget(addTag);
    tagsRow->addWidget(m_editTag);
    tagsRow->addWidget(m_removeTag);
    connect(addTag, &QPushButton::clicked, this, [this] { openTagDialog({}); });
    connect(m_editTag, &QPushButton::clicked, this, [this] {
        const QModelIndex i = m_tagsView->currentIndex();
        if (i.isValid())
            openTagDialog(i.data(TagKeyRole).toString());
    });
    connect(m_removeTag, &QPushButton::clicked, this, [this] {
        const QModelIndex i = m_tagsView->currentIndex();
        if (i.isValid())
            removeTag(i.data(TagKeyRole).toString());
    });
    connect(m_tagsView, &QTableView::doubleClicked, this,
            [this](const QModelIndex &i) { openTagDialog(i.data(TagKeyRole).toString()); });
    connect(m_tagsView, &QWidget::customContextMenuRequested, this, &ModelDetailsPanel::showTagsMenu);
    connect(m_tagsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ModelDetailsPanel::updateButtons);

    auto *sideLayout = new QVBoxLayout(this);
    sideLayout->setContentsMargins(8, 4, 0, 0);
    sideLayout->setSpacing(4);
    sideLayout->addLayout(descriptionRow);
    sideLayout->addWidget(m_description);
    sideLayout->addSpacing(8);
    sideLayout->addLayout(tagsRow);
    sideLayout->addWidget(m_tagsView, 1);
    updateButtons();
}

void ModelDetailsPanel::setDescription(const QString &description)
{
    m_descriptionText = description;
    if (description.isEmpty()) {
        m_description->setTextFormat(Qt::PlainText);
        m_description->setText(tr("No description. Use Edit… to say what this model is for."));
        m_description->setForegroundRole(QPalette::PlaceholderText);
    } else {
        m_description->setTextFormat(Qt::MarkdownText);
        m_description->setText(display::elided(description));
        m_description->setForegroundRole(QPalette::WindowText);
    }
}

void ModelDetailsPanel::setTags(const QMap<QString, QString> &tags)
{
    m_tags->setTags(tags);
}

void ModelDetailsPanel::updateButtons()
{
    const bool tag = m_tagsView->currentIndex().isValid();
    m_editTag->setEnabled(tag);
    m_removeTag->setEnabled(tag);
}

void ModelDetailsPanel::removeTag(const QString &key)
{
    if (!m_model.isEmpty())
        m_actions->removeModelTag(m_model, key);
}

void ModelDetailsPanel::showTagsMenu(const QPoint &pos)
{
    const QModelIndex at = m_tagsView->indexAt(pos);
    QMenu menu(this);
    menu.addAction(tr("&Add Tag…"), this, [this] { openTagDialog({}); });
    if (at.isValid()) {
        const QString key = at.data(TagKeyRole).toString();
        menu.addAction(tr("&Edit “%1”…").arg(key), this, [this, key] { openTagDialog(key); });
        menu.addAction(tr("&Remove “%1”").arg(key), this, [this, key] { removeTag(key); });
    }
    menu.exec(m_tagsView->viewport()->mapToGlobal(pos));
}

void ModelDetailsPanel::openDescriptionDialog()
{
    if (m_model.isEmpty())
        return;
    auto *dialog = new DescriptionDialog(tr("Registered model %1").arg(m_model), m_descriptionText, this);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!m_model.isEmpty())
            m_actions->setModelDescription(m_model, dialog->description());
    });
    Q_EMIT dialogRequested(dialog);
}

void ModelDetailsPanel::openTagDialog(const QString &key)
{
    if (m_model.isEmpty())
        return;
    auto *dialog =
        new TagDialog(tr("Registered model %1").arg(m_model), key, m_tags->tags().value(key), this);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!m_model.isEmpty())
            m_actions->setModelTag(m_model, dialog->key(), dialog->value());
    });
    Q_EMIT dialogRequested(dialog);
}

} // namespace runlens
