// SPDX-License-Identifier: GPL-3.0-or-later
#include "pages/modelspage.h"

#include "actions/registryactions.h"
#include "itemmodels/audittrailmodel.h"
#include "itemmodels/displaytext.h"
#include "itemmodels/modelversionsmodel.h"
#include "itemmodels/registeredmodelsmodel.h"
#include "itemmodels/registrytagsmodel.h"
#include "pages/models/auditpanel.h"
#include "pages/models/modeldetailspanel.h"
#include "pages/models/modellistpanel.h"
#include "pages/models/versionspanel.h"
#include "registry/modeldetails.h"
#include "widgets/detailtableview.h"
#include "widgets/messagebar.h"
#include "widgets/scaledfont.h"

#include <algorithm>
#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>

namespace runlens {

namespace {

enum Tab { VersionsTab, AuditTab };

} // namespace

ModelsPage::ModelsPage(StoreWorker *worker, QWidget *parent)
    : QWidget(parent)
    , m_worker(worker)
    , m_actions(new RegistryActions(worker, this))
{
    setObjectName(QStringLiteral("modelsPage"));

    m_list = new ModelListPanel(m_actions, this);

    m_message = new MessageBar(this);
    m_message->setObjectName(QStringLiteral("modelsMessage"));
    m_message->follow(m_actions);

    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("modelsEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setFont(scaledFont(m_empty->font(), 1.1));
    m_empty->setText(
        tr("No registered models yet.\n\nPromote a run to a model with “Promote to Model…” on its "
           "page or in the runs table; models imported from MLflow appear here too."));

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_list);
    m_splitter->addWidget(buildDetails());
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setSizes({240, 620});

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_splitter);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(8);
    layout->addWidget(m_list->titleBar());
    layout->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    auto *refreshAction = new QAction(tr("Refresh"), this);
    refreshAction->setShortcut(QKeySequence::Refresh);
    refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(refreshAction);
    connect(refreshAction, &QAction::triggered, this, &ModelsPage::refresh);

    connect(m_list, &ModelListPanel::refreshRequested, this, &ModelsPage::refresh);
    connect(m_list, &ModelListPanel::currentModelChanged, this, &ModelsPage::currentModelChanged);
    connect(m_list, &ModelListPanel::dialogRequested, this, &ModelsPage::open);
    connect(m_details, &ModelDetailsPanel::dialogRequested, this, &ModelsPage::open);
    connect(m_versions, &VersionsPanel::dialogRequested, this, &ModelsPage::open);
    connect(m_versions, &VersionsPanel::runActivated, this, &ModelsPage::runActivated);
    connect(m_versions, &VersionsPanel::problem, m_message, &MessageBar::showMessage);
    connect(m_versions, &VersionsPanel::compareRequested, this, [this](const QStringList &runs) {
        m_message->hide();
        Q_EMIT compareRequested(runs);
    });
    connect(m_audit, &AuditPanel::problem, m_message, &MessageBar::showMessage);
    connect(m_audit, &AuditPanel::statusMessage, this, &ModelsPage::statusMessage);
    connect(m_audit, &AuditPanel::exported, this, &ModelsPage::auditExported);
    connect(m_message, &MessageBar::statusMessage, this, &ModelsPage::statusMessage);
    for (QAbstractItemModel *model :
         std::initializer_list<QAbstractItemModel *>{m_versions->model(), m_audit->model()}) {
        connect(model, &QAbstractItemModel::modelReset, this, &ModelsPage::updateTabTitles);
        connect(model, &QAbstractItemModel::rowsInserted, this, &ModelsPage::updateTabTitles);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &ModelsPage::updateTabTitles);
    }
    connectActions();
    updateTabTitles();
    requestList();
}

ModelsPage::~ModelsPage() = default;

QWidget *ModelsPage::buildDetails()
{
    auto *details = new QWidget(this);
    m_title = new QLabel(details);
    m_title->setObjectName(QStringLiteral("modelTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = scaledFont(m_title->font(), 1.25);
    f.setBold(true);
    m_title->setFont(f);
    m_subtitle = new QLabel(details);
    m_subtitle->setObjectName(QStringLiteral("modelSubtitle"));
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(10);
    titleRow->addWidget(m_title);
    titleRow->addWidget(m_subtitle, 0, Qt::AlignBaseline);
    titleRow->addStretch(1);

    m_versions = new VersionsPanel(m_actions, details);
    m_audit = new AuditPanel(details);
    m_tabs = new QTabWidget(details);
    m_tabs->setObjectName(QStringLiteral("modelTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_versions, tr("Versions"));
    m_tabs->addTab(m_audit, tr("Audit Trail"));

    // The model's own description and tags beside its versions.
    m_details = new ModelDetailsPanel(m_actions, details);

    auto *body = new QSplitter(Qt::Horizontal, details);
    body->setObjectName(QStringLiteral("modelBody"));
    body->setChildrenCollapsible(false);
    body->addWidget(m_tabs);
    body->addWidget(m_details);
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 1);

    auto *shown = new QWidget(details);
    auto *shownLayout = new QVBoxLayout(shown);
    shownLayout->setContentsMargins(0, 6, 0, 0);
    shownLayout->setSpacing(4);
    shownLayout->addLayout(titleRow);
    shownLayout->addWidget(body, 1);

    m_noModel = new QLabel(tr("Choose a model above to see its versions and audit trail."), details);
    m_noModel->setObjectName(QStringLiteral("noModelChosen"));
    m_noModel->setAlignment(Qt::AlignCenter);
    m_noModel->setForegroundRole(QPalette::PlaceholderText);
    m_detailStack = new QStackedWidget(details);
    m_detailStack->addWidget(m_noModel);
    m_detailStack->addWidget(shown);
    auto *layout = new QVBoxLayout(details);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_detailStack);
    return details;
}

// What the status bar says after each change, and the page reads the registry again; a refused change is
// shown on the message bar (MessageBar::follow) and the page shows what is stored.
void ModelsPage::connectActions()
{
    RegistryActions *a = m_actions;
    connect(a, &StoreActions::failed, this, &ModelsPage::refresh);
    connect(a, &RegistryActions::aliasSet, this,
            [this](const QString &model, const QString &alias, int version) {
                // The aliases shown are those read before the change: where the alias was.
                const auto moved = model == m_current ? m_versions->aliases().constFind(alias)
                                                      : m_versions->aliases().cend();
                written(moved != m_versions->aliases().cend() && *moved != version
                            ? tr("Moved the alias “%1” from version %2 to version %3 of %4")
                                  .arg(alias)
                                  .arg(*moved)
                                  .arg(version)
                                  .arg(model)
                            : tr("Version %1 of %2 is now “%3”").arg(version).arg(model, alias));
            });
    connect(a, &RegistryActions::aliasRemoved, this, [this](const QString &model, const QString &alias) {
        written(tr("Removed the alias “%1” from %2").arg(alias, model));
    });
    connect(a, &RegistryActions::stageChanged, this,
            [this](const QString &model, int version, ModelStage stage) {
                written(tr("Version %1 of %2 is now in %3").arg(version).arg(model, modelStageName(stage)));
            });
    connect(a, &RegistryActions::versionDescriptionSet, this, [this](const QString &, int version) {
        written(tr("Saved the description of version %1").arg(version));
    });
    connect(a, &RegistryActions::modelDescriptionSet, this,
            [this](const QString &model) { written(tr("Saved the description of %1").arg(model)); });
    connect(a, &RegistryActions::modelTagSet, this, [this](const QString &model, const QString &key) {
        written(tr("Tagged %1 with %2").arg(model, key));
    });
    connect(a, &RegistryActions::modelTagRemoved, this, [this](const QString &model, const QString &key) {
        written(tr("Removed the tag “%1” from %2").arg(key, model));
    });
    connect(a, &RegistryActions::versionTagSet, this,
            [this](const QString &, int version, const QString &key) {
                written(tr("Tagged version %1 with %2").arg(version).arg(key));
            });
    connect(a, &RegistryActions::versionTagRemoved, this,
            [this](const QString &, int version, const QString &key) {
                written(tr("Removed the tag “%1” from version %2").arg(key).arg(version));
            });
    connect(a, &RegistryActions::versionDeleted, this, [this](const QString &model, int version) {
        written(tr("Deleted version %1 of %2").arg(version).arg(model));
    });
    connect(a, &RegistryActions::modelDeleted, this,
            [this](const QString &model) { written(tr("Deleted the model %1").arg(model)); });
}

void ModelsPage::written(const QString &done)
{
    m_message->hide();
    Q_EMIT statusMessage(done);
    refresh();
}

bool ModelsPage::isLoading() const
{
    return m_listLoading || m_detailsLoading;
}

bool ModelsPage::isBusy() const
{
    return m_actions->hasPendingWrites() || m_audit->isExporting();
}

QString ModelsPage::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QLineEdit *ModelsPage::filterField() const
{
    return m_list->filterField();
}

DetailTableView *ModelsPage::modelsView() const
{
    return m_list->view();
}

DetailTableView *ModelsPage::versionsView() const
{
    return m_versions->view();
}

DetailTableView *ModelsPage::auditView() const
{
    return m_audit->view();
}

DetailTableView *ModelsPage::tagsView() const
{
    return m_details->tagsView();
}

QLabel *ModelsPage::descriptionLabel() const
{
    return m_details->descriptionLabel();
}

RegisteredModelsModel *ModelsPage::modelsModel() const
{
    return m_list->model();
}

QSortFilterProxyModel *ModelsPage::modelsProxy() const
{
    return m_list->proxy();
}

ModelVersionsModel *ModelsPage::versionsModel() const
{
    return m_versions->model();
}

AuditTrailModel *ModelsPage::auditModel() const
{
    return m_audit->model();
}

RegistryTagsModel *ModelsPage::tagsModel() const
{
    return m_details->tagsModel();
}

void ModelsPage::refresh()
{
    requestList();
}

void ModelsPage::showModel(const QString &model, int version)
{
    m_pendingModel = model;
    m_pendingVersion = version;
    if (m_listLoaded && !m_listLoading)
        applyPendingSelection();
}

void ModelsPage::applyPendingSelection()
{
    if (m_pendingModel.isEmpty())
        return;
    if (!m_list->holds(m_pendingModel)) {
        m_message->showMessage(tr("There is no registered model “%1” in this database.").arg(m_pendingModel));
        m_pendingModel.clear();
        return;
    }
    m_list->reveal(m_pendingModel); // filtered out: show it anyway
    if (m_current != m_pendingModel) {
        m_list->choose(m_pendingModel); // loads its details; the version is selected when they arrive
        return;
    }
    if (m_detailsLoading)
        return;
    if (m_pendingVersion > 0 && m_versions->model()->rowOf(m_current, m_pendingVersion) >= 0) {
        m_tabs->setCurrentIndex(VersionsTab);
        m_versions->selectVersion(m_pendingVersion);
    }
    m_pendingModel.clear();
    m_pendingVersion = 0;
}

void ModelsPage::requestList()
{
    const quint64 request = ++m_listRequest;
    m_listLoading = true;
    Q_EMIT loadingChanged();
    readRegisteredModels(
        m_worker, this,
        [this, request](std::vector<RegisteredModel> models) {
            if (request != m_listRequest)
                return;
            m_listLoading = false;
            m_listLoaded = true;
            m_list->setModels(std::move(models));
            if (!m_modelsFitted && m_list->model()->rowCount() > 0 && isVisible()) {
                m_modelsFitted = true;
                QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // real widths first
                m_list->fitColumns();
            }
            m_stack->setCurrentWidget(m_list->model()->rowCount() > 0 ? static_cast<QWidget *>(m_splitter)
                                                                      : m_empty);
            updateTabTitles();
            // A reset of the list (a model added or removed) drops the current row silently: choose the
            // shown model again, or the first one when it went away.
            if (m_list->shows(m_current)) {
                m_list->choose(m_current, false);
                requestDetails(m_current);
            } else {
                m_current.clear();
                m_details->setModel({});
                m_versions->setModel({});
                m_audit->setModel({});
                m_detailStack->setCurrentWidget(m_noModel);
                if (m_pendingModel.isEmpty())
                    m_list->chooseFirst();
            }
            applyPendingSelection();
            Q_EMIT loadingChanged();
        },
        [this, request](const QString &message) {
            if (request != m_listRequest)
                return;
            m_listLoading = false;
            m_listLoaded = true;
            m_list->setLoaded();
            m_message->showMessage(tr("Could not read the registered models: %1").arg(message));
            Q_EMIT loadingChanged();
        });
}

void ModelsPage::currentModelChanged(const QString &name)
{
    if (name == m_current)
        return;
    m_current = name;
    m_details->setModel(name);
    m_versions->setModel(name);
    m_audit->setModel(name);
    if (name.isEmpty()) {
        m_detailStack->setCurrentWidget(m_noModel);
        return;
    }
    // Shown right away from the list; versions and audit fill in from the details job.
    if (const RegisteredModel *m = m_list->find(name)) {
        m_versions->setVersions(m->versions);
        m_details->setTags(m->tags);
    }
    m_audit->setEntries({});
    m_title->setText(display::elidedLine(name, display::MaxLabelChars));
    m_detailStack->setCurrentWidget(m_detailStack->widget(1));
    requestDetails(name);
}

void ModelsPage::requestDetails(const QString &name)
{
    const quint64 request = ++m_detailsRequest;
    m_detailsLoading = true;
    Q_EMIT loadingChanged();
    readModelDetails(
        m_worker, this, name,
        [this, request](ModelDetails details) {
            if (request != m_detailsRequest)
                return;
            m_detailsLoading = false;
            applyDetails(std::move(details));
            applyPendingSelection();
            Q_EMIT loadingChanged();
        },
        [this, request, name](const QString &message) {
            if (request != m_detailsRequest)
                return;
            m_detailsLoading = false;
            m_message->showMessage(tr("Could not read the model “%1”: %2").arg(name, message));
            Q_EMIT loadingChanged();
        });
}

void ModelsPage::applyDetails(ModelDetails &&d)
{
    if (d.requestedName != m_current)
        return;
    if (!d.model) {
        m_message->showMessage(tr("The model “%1” is no longer in the database.").arg(d.requestedName));
        requestList();
        return;
    }
    const RegisteredModel &m = *d.model;
    m_title->setText(display::elidedLine(m.name, display::MaxLabelChars));
    int latest = 0;
    for (const ModelVersion &v : m.versions)
        latest = std::max(latest, v.version);
    QStringList facts;
    facts << tr("%n version(s)", nullptr, int(m.versions.size()));
    if (latest)
        facts << tr("latest v%1").arg(latest);
    if (!m.aliases.isEmpty())
        facts << RegisteredModelsModel::aliasesText(m.aliases);
    if (m.createdMs)
        facts << tr("created %1")
                     .arg(QDateTime::fromMSecsSinceEpoch(m.createdMs)
                              .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    m_subtitle->setText(facts.join(QStringLiteral("  ·  ")));
    m_versions->setAliases(m.aliases);
    m_details->setDescription(m.description);
    m_details->setTags(m.tags);
    m_versions->setVersions(m.versions, d.runs);
    m_audit->setEntries(std::move(d.audit));
    if (!m_versionsFitted && m_versions->model()->rowCount() > 0 && isVisible()) {
        m_versionsFitted = true;
        // The details were just shown for the first time: lay them out now, so that the tables are fitted
        // to their real width rather than to the size a hidden widget has.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        m_versions->fitColumns();
        m_audit->fitColumns();
    }
    // A version in focus from the start, so that its actions are at hand: the newest.
    if (m_pendingVersion == 0)
        m_versions->focusNewest();
    updateTabTitles();
}

void ModelsPage::updateTabTitles()
{
    if (!m_tabs)
        return;
    const int versions = m_versions->model()->rowCount(), audit = m_audit->model()->rowCount();
    m_tabs->setTabText(VersionsTab, versions > 0 ? tr("Versions (%1)").arg(versions) : tr("Versions"));
    m_tabs->setTabText(AuditTab, audit > 0 ? tr("Audit Trail (%1)").arg(audit) : tr("Audit Trail"));
}

QList<int> ModelsPage::selectedVersions() const
{
    return m_versions->selectedVersions();
}

void ModelsPage::setAlias(int version, const QString &alias)
{
    if (!m_current.isEmpty())
        m_actions->setAlias(m_current, alias, version);
}

void ModelsPage::removeAlias(const QString &alias)
{
    if (!m_current.isEmpty())
        m_actions->removeAlias(m_current, alias);
}

void ModelsPage::transitionStage(int version, ModelStage stage, bool archiveExisting)
{
    if (!m_current.isEmpty())
        m_actions->transitionStage(m_current, version, stage, archiveExisting);
}

void ModelsPage::setVersionDescription(int version, const QString &description)
{
    if (!m_current.isEmpty())
        m_actions->setVersionDescription(m_current, version, description);
}

void ModelsPage::setModelDescription(const QString &description)
{
    if (!m_current.isEmpty())
        m_actions->setModelDescription(m_current, description);
}

void ModelsPage::setModelTag(const QString &key, const QString &value)
{
    if (!m_current.isEmpty())
        m_actions->setModelTag(m_current, key, value);
}

void ModelsPage::removeModelTag(const QString &key)
{
    if (!m_current.isEmpty())
        m_actions->removeModelTag(m_current, key);
}

void ModelsPage::setVersionTag(int version, const QString &key, const QString &value)
{
    if (!m_current.isEmpty())
        m_actions->setVersionTag(m_current, version, key, value);
}

void ModelsPage::removeVersionTag(int version, const QString &key)
{
    if (!m_current.isEmpty())
        m_actions->removeVersionTag(m_current, version, key);
}

void ModelsPage::deleteVersion(int version)
{
    if (!m_current.isEmpty())
        m_actions->deleteVersion(m_current, version);
}

void ModelsPage::deleteModel(const QString &model)
{
    if (!model.isEmpty())
        m_actions->deleteModel(model);
}

void ModelsPage::compareSelectedVersions()
{
    m_versions->compareSelected();
}

void ModelsPage::exportAudit(const QString &path)
{
    m_audit->exportAudit(path);
}

void ModelsPage::open(QDialog *dialog)
{
    if (m_dialog)
        m_dialog->reject();
    m_dialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace runlens
