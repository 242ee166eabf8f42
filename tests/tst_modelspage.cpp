// SPDX-License-Identifier: GPL-3.0-or-later
// The model registry in the window, driven offscreen as a person would: the Models page lists the models of
// a real store (and of an imported MLflow registry), sets, moves and refuses aliases through its dialog,
// transitions stages, edits descriptions and tags, deletes a version after confirmation, shows every change
// in the audit trail and exports it as CSV (never over the open database), names each stored change on the
// status bar and each refused one on its message bar; Promote to Model… makes versions 1 and 2; Compare
// Versions opens the compare view on the versions' runs; the run page lists the versions made from a run; and
// `runlens --page models --screenshot` waits for the page. PNGs of the page and the dialog go to
// $RUNLENS_SCREENSHOTS when set.

#include "demo/demodata.h"
#include "dialogs/aliasdialog.h"
#include "dialogs/descriptiondialog.h"
#include "dialogs/promotedialog.h"
#include "dialogs/tagdialog.h"
#include "import/importer.h"
#include "itemmodels/audittrailmodel.h"
#include "itemmodels/modelversionsmodel.h"
#include "itemmodels/registeredmodelsmodel.h"
#include "itemmodels/registrytagsmodel.h"
#include "itemmodels/roles.h"
#include "pages/comparepage.h"
#include "pages/modelspage.h"
#include "pages/runpage.h"
#include "pages/runspage.h"
#include "registry/registrycsv.h"
#include "screenshots.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "store/store.h"
#include "store/storeworker.h"
#include "testsupport.h"
#include "widgets/detailtableview.h"
#include "widgets/runheaderwidget.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace runlens;

namespace {

void shoot(QWidget &w, const QString &name)
{
    QVERIFY(test::keepScreenshot(&w, name));
}

// A registry of two models made the way a person would: runs with artifacts promoted, aliases, stages.
struct Fixture
{
    QString db;
    QStringList runs; // r0, r1, r2
};

Fixture makeStore(const QString &path)
{
    Fixture f;
    f.db = path;
    Store store(path);
    const ExperimentId exp = store.runs().createExperiment(QStringLiteral("churn"));
    for (int i = 0; i < 3; ++i) {
        NewRun nr;
        nr.experimentId = exp;
        nr.name = QStringLiteral("xgb-%1").arg(i);
        nr.status = RunStatus::Finished;
        nr.startMs = 1'700'000'000'000 + i * 60'000;
        const Run r = store.runs().createRun(nr);
        store.runs().logParam(r.id, QStringLiteral("depth"), QString::number(4 + i));
        store.series().logMetric(r.id, QStringLiteral("auc"), {0, 1'700'000'000'000, 0.8 + i * 0.03});
        for (const QString &p : {QStringLiteral("model/MLmodel"), QStringLiteral("model/model.pkl"),
                                 QStringLiteral("plots/roc.png")}) {
            Artifact a;
            a.path = p;
            a.size = 1000 + p.size();
            a.sha256 = QString(64, QLatin1Char('a' + char(i)));
            store.artifacts().addArtifact(r.id, a);
        }
        f.runs << r.id;
    }
    store.registry().promoteRun(f.runs[0], QStringLiteral("churn-model"), QStringLiteral("model"),
                                QStringLiteral("First try"));
    store.registry().promoteRun(f.runs[1], QStringLiteral("churn-model"), QStringLiteral("model"),
                                QStringLiteral("Deeper trees"), QStringLiteral("champion"));
    store.registry().promoteRun(f.runs[2], QStringLiteral("churn-model"), QString(), {},
                                QStringLiteral("challenger"));
    store.registry().setModelVersionStage(QStringLiteral("churn-model"), 1, ModelStage::Archived);
    store.registry().setModelVersionStage(QStringLiteral("churn-model"), 2, ModelStage::Production);
    store.registry().setModelVersionStage(QStringLiteral("churn-model"), 3, ModelStage::Staging);
    store.registry().setRegisteredModelTag(QStringLiteral("churn-model"), QStringLiteral("team"),
                                           QStringLiteral("growth"));
    store.registry().setModelVersionTag(QStringLiteral("churn-model"), 2, QStringLiteral("validated"),
                                        QStringLiteral("yes"));
    store.registry().setRegisteredModelDescription(QStringLiteral("churn-model"),
                                                   QStringLiteral("Predicts **churn** in the next 30 days."));
    store.registry().promoteRun(f.runs[2], QStringLiteral("fraud-detector"), QStringLiteral("model"));
    return f;
}

int versionRow(ModelsPage *page, int version)
{
    return page->versionsModel()->rowOf(page->currentModel(), version);
}

void selectVersion(ModelsPage *page, int version)
{
    const int row = versionRow(page, version);
    QVERIFY(row >= 0);
    page->versionsView()->setFocus();
    page->versionsView()->selectRow(row);
    page->versionsView()->setCurrentIndex(
        page->versionsModel()->index(row, ModelVersionsModel::VersionColumn));
}

QString auditActions(ModelsPage *page)
{
    QStringList out;
    const auto &entries = page->auditModel()->entries();
    for (const AuditEntry &e : entries)
        out << e.action;
    return out.join(QLatin1Char(','));
}

} // namespace

class TestModelsPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void itemModelsFromARealStore();
    void listsModelsAndVersions();
    void importedMlflowRegistry();
    void aliasSetMoveAndReservedName();
    void stageTransition();
    void descriptionsAndTags();
    void deleteVersionAfterConfirmation();
    void auditCsvExport();
    void statusSaysWhatWasDone();
    void promoteDialogCreatesVersionsOneThenTwo();
    void promoteDialogRefusesBadInput();
    void compareVersionsOpensTheirRuns();
    void runPageListsVersionsMadeFromTheRun();
    void pageModelsScreenshot();
    void auditTimesAreShownWhole();

private:
    ModelsPage *openModels(MainWindow &window, const QString &model = QStringLiteral("churn-model"));
    QString freshDb(const QString &name);

    QTemporaryDir m_dir;
};

void TestModelsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("USER", "tester"); // the store records it as the user of every change
}

QString TestModelsPage::freshDb(const QString &name)
{
    return makeStore(m_dir.filePath(name + QStringLiteral(".db"))).db;
}

ModelsPage *TestModelsPage::openModels(MainWindow &window, const QString &model)
{
    window.resize(1500, 900);
    window.show();
    [&] { QTRY_VERIFY(!window.isLoading()); }();
    window.showModels(model);
    ModelsPage *page = window.modelsPage();
    [&] {
        QTRY_VERIFY(!window.isLoading());
        QTRY_COMPARE(page->currentModel(), model);
        QTRY_VERIFY(!page->isLoading());
    }();
    return page;
}

void TestModelsPage::itemModelsFromARealStore()
{
    const Fixture f = makeStore(m_dir.filePath(QStringLiteral("items.db")));
    Store store(f.db);
    RegisteredModelsModel models;
    QAbstractItemModelTester t1(&models, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&models);
    proxy.setFilterKeyColumn(-1);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    models.setModels(store.registry().registeredModels());
    QCOMPARE(models.rowCount(), 2);
    const int churn = models.rowOf(QStringLiteral("churn-model"));
    QVERIFY(churn >= 0);
    const auto cell = [&](int column) { return models.index(churn, column).data().toString(); };
    QCOMPARE(cell(RegisteredModelsModel::LatestColumn), QStringLiteral("v3"));
    QCOMPARE(cell(RegisteredModelsModel::AliasesColumn), QStringLiteral("challenger → v3, champion → v2"));
    QCOMPARE(cell(RegisteredModelsModel::StagingColumn), QStringLiteral("v3"));
    QCOMPARE(cell(RegisteredModelsModel::ProductionColumn), QStringLiteral("v2"));
    QCOMPARE(cell(RegisteredModelsModel::ArchivedColumn), QStringLiteral("v1"));
    QCOMPARE(cell(RegisteredModelsModel::TagsColumn), QStringLiteral("team=growth"));
    QCOMPARE(models.index(churn, 0).data(ModelNameRole).toString(), QStringLiteral("churn-model"));
    proxy.setFilterFixedString(QStringLiteral("champion"));
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setFilterFixedString({});
    // A reload with one model changed keeps the rows (dataChanged), a new model resets.
    QSignalSpy reset(&models, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&models, &QAbstractItemModel::dataChanged);
    QVERIFY(reset.isValid() && changed.isValid());
    store.registry().setModelAlias(QStringLiteral("churn-model"), QStringLiteral("champion"), 3);
    models.setModels(store.registry().registeredModels());
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(cell(RegisteredModelsModel::AliasesColumn), QStringLiteral("challenger → v3, champion → v3"));
    store.registry().promoteRun(f.runs[0], QStringLiteral("another"));
    models.setModels(store.registry().registeredModels());
    QCOMPARE(reset.count(), 1);
    QCOMPARE(models.rowCount(), 3);

    const ModelDetails d = ModelDetails::load(store, QStringLiteral("churn-model"));
    QVERIFY(d.model);
    QCOMPARE(d.runs.size(), qsizetype(3));
    ModelVersionsModel versions;
    QAbstractItemModelTester t3(&versions, QAbstractItemModelTester::FailureReportingMode::QtTest);
    versions.setVersions(d.model->versions, d.runs);
    QCOMPARE(versions.rowCount(), 3);
    // Newest first; the run by name with its id behind it.
    QCOMPARE(versions.index(0, ModelVersionsModel::VersionColumn).data().toString(), QStringLiteral("v3"));
    QCOMPARE(versions.index(0, ModelVersionsModel::RunColumn).data().toString(), QStringLiteral("xgb-2"));
    QCOMPARE(versions.index(0, ModelVersionsModel::RunColumn).data(RunIdRole).toString(), f.runs[2]);
    QCOMPARE(versions.index(0, ModelVersionsModel::SourceColumn).data().toString(),
             QStringLiteral("(whole run)"));
    QCOMPARE(versions.index(1, ModelVersionsModel::SourceColumn).data().toString(), QStringLiteral("model"));
    QCOMPARE(versions.index(1, ModelVersionsModel::TagsColumn).data().toString(),
             QStringLiteral("validated=yes"));
    QCOMPARE(versions.index(2, ModelVersionsModel::StageColumn).data().toString(),
             QStringLiteral("Archived"));
    QCOMPARE(versions.index(2, ModelVersionsModel::DescriptionColumn).data().toString(),
             QStringLiteral("First try"));
    QCOMPARE(versions.index(0, ModelVersionsModel::CreatorColumn).data().toString(),
             QStringLiteral("tester"));
    versions.setVersions(d.model->versions, {}); // runs unknown: short ids, no link
    QCOMPARE(versions.index(0, ModelVersionsModel::RunColumn).data().toString(), f.runs[2].left(8));
    QVERIFY(!versions.hasRun(0));

    AuditTrailModel audit;
    QAbstractItemModelTester t4(&audit, QAbstractItemModelTester::FailureReportingMode::QtTest);
    audit.setEntries(d.audit);
    QCOMPARE(audit.rowCount(), int(d.audit.size()));
    QSignalSpy inserted(&audit, &QAbstractItemModel::rowsInserted);
    QVERIFY(inserted.isValid());
    store.registry().setModelAlias(QStringLiteral("churn-model"), QStringLiteral("champion"), 1);
    audit.setEntries(store.registry().auditTrail(QStringLiteral("churn-model"))); // one set_alias more
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(audit.index(0, AuditTrailModel::ActionColumn).data(FullTextRole).toString(),
             QStringLiteral("set_alias"));
    QCOMPARE(audit.index(0, AuditTrailModel::FromColumn).data().toString(), QStringLiteral("champion@3"));
    QCOMPARE(audit.index(0, AuditTrailModel::ToColumn).data().toString(), QStringLiteral("champion@1"));
    QCOMPARE(audit.index(0, AuditTrailModel::UserColumn).data().toString(), QStringLiteral("tester"));

    RegistryTagsModel tags;
    QAbstractItemModelTester t5(&tags, QAbstractItemModelTester::FailureReportingMode::QtTest);
    tags.setTags(d.model->tags);
    QCOMPARE(tags.rowCount(), 1);
    tags.setTags({{QStringLiteral("team"), QStringLiteral("risk")}});
    QCOMPARE(tags.index(0, RegistryTagsModel::ValueColumn).data().toString(), QStringLiteral("risk"));
    tags.setTags(
        {{QStringLiteral("a"), QStringLiteral("1")}, {QStringLiteral("team"), QStringLiteral("risk")}});
    QCOMPARE(tags.rowCount(), 2);
    QCOMPARE(tags.index(0, 0).data(TagKeyRole).toString(), QStringLiteral("a"));
}

void TestModelsPage::listsModelsAndVersions()
{
    MainWindow window(freshDb(QStringLiteral("list")));
    ModelsPage *page = openModels(window);
    QVERIFY(page->isVisible());
    QCOMPARE(page->modelsModel()->rowCount(), 2);
    QAbstractItemModelTester tester(page->modelsProxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(page->versionsModel()->rowCount(), 3);
    QCOMPARE(page->findChild<QLabel *>(QStringLiteral("modelTitle"))->text(), QStringLiteral("churn-model"));
    QVERIFY(page->descriptionLabel()->text().contains(QStringLiteral("churn")));
    QCOMPARE(page->tagsModel()->rowCount(), 1);
    QVERIFY(page->auditModel()->rowCount() >= 9);
    QVERIFY(page->tabs()->tabText(0).contains(QStringLiteral("(3)")));
    // The filter narrows the models; the count says so.
    QTest::keyClicks(page->filterField(), QStringLiteral("fraud"));
    QCOMPARE(page->modelsProxy()->rowCount(), 1);
    QCOMPARE(page->findChild<QLabel *>(QStringLiteral("modelCount"))->text(),
             QStringLiteral("1 of 2 registered model(s)"));
    // Clicking the other model shows its versions.
    QTableView *list = page->modelsView();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualRect(list->model()->index(0, 0)).center());
    QTRY_COMPARE(page->currentModel(), QStringLiteral("fraud-detector"));
    QTRY_VERIFY(!page->isLoading());
    QCOMPARE(page->versionsModel()->rowCount(), 1);
    // showModel clears a filter that hides the model and selects the version asked for.
    window.showModels(QStringLiteral("churn-model"), 2);
    QTRY_COMPARE(page->currentModel(), QStringLiteral("churn-model"));
    QTRY_COMPARE(page->selectedVersions(), QList<int>{2});
    QVERIFY(page->filterField()->text().isEmpty());
    // Activating a version's run opens the run page; Back returns here.
    const int row = versionRow(page, 2);
    const QModelIndex run = page->versionsModel()->index(row, ModelVersionsModel::RunColumn);
    page->versionsView()->setCurrentIndex(run);
    QTest::keyClick(page->versionsView(), Qt::Key_Return);
    QTRY_VERIFY(window.runPage()->isVisible());
    QCOMPARE(window.runPage()->runId(), run.data(RunIdRole).toString());
    QTRY_VERIFY(!window.isLoading());
    window.runPage()->goBack();
    QTRY_VERIFY(page->isVisible());
    // A model no one has: said clearly.
    window.showModels(QStringLiteral("no-such-model"));
    QTRY_VERIFY(page->message().contains(QStringLiteral("no-such-model")));
}

void TestModelsPage::importedMlflowRegistry()
{
    const QString src = m_dir.filePath(QStringLiteral("mlflow-file"));
    QVERIFY(test::copyTree(QStringLiteral(RUNLENS_FIXTURES "/mlflow-file"), src));
    const QString db = m_dir.filePath(QStringLiteral("imported.db"));
    {
        Store store(db);
        QVERIFY(import::importPaths(store, {src + QStringLiteral("/mlruns")}, import::Format::Auto, {})
                    .failedRuns.isEmpty());
    }
    QFile truthFile(QStringLiteral(RUNLENS_FIXTURES "/mlflow-file/ground_truth.json"));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonObject reg =
        QJsonDocument::fromJson(truthFile.readAll()).object().value(QStringLiteral("registry")).toObject();
    const QString name = reg.value(QStringLiteral("name")).toString();
    MainWindow window(db);
    ModelsPage *page = openModels(window, name);
    ModelVersionsModel *versions = page->versionsModel();
    QCOMPARE(versions->rowCount(), reg.value(QStringLiteral("versions")).toArray().size());
    const QJsonObject stages = reg.value(QStringLiteral("stages")).toObject();
    for (auto it = stages.begin(); it != stages.end(); ++it) {
        const int row = versions->rowOf(name, it.key().toInt());
        QVERIFY(row >= 0);
        QCOMPARE(versions->index(row, ModelVersionsModel::StageColumn).data().toString(),
                 it.value().toString());
        QVERIFY(versions->hasRun(row)); // the versions' runs were imported with them
    }
    const QJsonObject aliases = reg.value(QStringLiteral("alias")).toObject();
    const int champion = aliases.value(QStringLiteral("champion")).toInt();
    QCOMPARE(
        versions->index(versions->rowOf(name, champion), ModelVersionsModel::AliasesColumn).data().toString(),
        QStringLiteral("champion"));
    const int row = page->modelsModel()->rowOf(name);
    QCOMPARE(page->modelsModel()->index(row, RegisteredModelsModel::AliasesColumn).data().toString(),
             QStringLiteral("champion → v%1").arg(champion));
    QCOMPARE(page->modelsModel()->index(row, RegisteredModelsModel::ProductionColumn).data().toString(),
             QStringLiteral("v1"));
    QVERIFY(page->auditModel()->rowCount() > 0);
}

void TestModelsPage::aliasSetMoveAndReservedName()
{
    MainWindow window(freshDb(QStringLiteral("alias")));
    ModelsPage *page = openModels(window);
    selectVersion(page, 1);
    QAction *setAlias = page->findChild<QAction *>(QStringLiteral("setAlias"));
    QVERIFY(setAlias && setAlias->isEnabled());
    setAlias->trigger();
    auto *dialog = qobject_cast<AliasDialog *>(page->openDialog());
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->version(), 1);
    // Reserved names and bad characters are refused while typing.
    QTest::keyClicks(dialog->aliasField(), QStringLiteral("latest"));
    QVERIFY(!dialog->okButton()->isEnabled());
    QVERIFY(dialog->hintLabel()->text().contains(QStringLiteral("reserved")));
    dialog->aliasField()->clear();
    QTest::keyClicks(dialog->aliasField(), QStringLiteral("v12"));
    QVERIFY(!dialog->okButton()->isEnabled());
    dialog->aliasField()->clear();
    QTest::keyClicks(dialog->aliasField(), QStringLiteral("best model"));
    QVERIFY(!dialog->okButton()->isEnabled());
    // Moving "champion" from version 2 says so.
    dialog->aliasField()->clear();
    QTest::keyClicks(dialog->aliasField(), QStringLiteral("champion"));
    QVERIFY(dialog->okButton()->isEnabled());
    QCOMPARE(dialog->hintLabel()->text(),
             QStringLiteral("Moves the alias 'champion' from version 2 to version 1."));
    shoot(*dialog, QStringLiteral("alias-dialog"));
    QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
    QTRY_VERIFY(!page->isBusy());
    QTRY_VERIFY(!page->isLoading());
    QTRY_COMPARE(page->versionsModel()
                     ->index(versionRow(page, 1), ModelVersionsModel::AliasesColumn)
                     .data()
                     .toString(),
                 QStringLiteral("champion"));
    QCOMPARE(page->versionsModel()
                 ->index(versionRow(page, 2), ModelVersionsModel::AliasesColumn)
                 .data()
                 .toString(),
             QString());
    QTRY_VERIFY(auditActions(page).endsWith(QStringLiteral("set_alias")));
    const AuditEntry last = page->auditModel()->entries().back();
    QCOMPARE(last.from, QStringLiteral("champion@2"));
    QCOMPARE(last.to, QStringLiteral("champion@1"));
    QCOMPARE(last.user, QStringLiteral("tester"));
    QVERIFY(page->message().isEmpty());
    // A new alias on a version, then removed through the Remove Alias menu.
    page->setAlias(3, QStringLiteral("shadow"));
    QTRY_VERIFY(page->versionsModel()
                    ->index(versionRow(page, 3), ModelVersionsModel::AliasesColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("shadow")));
    QMenu *remove = page->findChild<QMenu *>(QStringLiteral("removeAliasMenu"));
    QVERIFY(remove);
    QMetaObject::invokeMethod(remove, "aboutToShow");
    QAction *removeShadow = remove->findChild<QAction *>(QStringLiteral("removeAlias:shadow"));
    QVERIFY(removeShadow);
    removeShadow->trigger();
    QTRY_VERIFY(auditActions(page).endsWith(QStringLiteral("delete_alias")));
    QCOMPARE(page->versionsModel()
                 ->index(versionRow(page, 3), ModelVersionsModel::AliasesColumn)
                 .data()
                 .toString(),
             QStringLiteral("challenger"));
    // The store's refusal, when the dialog is bypassed, is shown clearly and changes nothing.
    const int before = page->auditModel()->rowCount();
    page->setAlias(3, QStringLiteral("v7"));
    QTRY_VERIFY(page->message().contains(QStringLiteral("reserved")));
    QVERIFY(page->findChild<QLabel *>(QStringLiteral("modelsMessage"))->isVisible());
    QTRY_VERIFY(!page->isLoading());
    QCOMPARE(page->auditModel()->rowCount(), before);
}

void TestModelsPage::stageTransition()
{
    MainWindow window(freshDb(QStringLiteral("stage")));
    ModelsPage *page = openModels(window);
    selectVersion(page, 3);
    QMenu *stages = page->findChild<QMenu *>(QStringLiteral("stageMenu"));
    QVERIFY(stages);
    QMetaObject::invokeMethod(stages, "aboutToShow");
    QAction *current = stages->findChild<QAction *>(QStringLiteral("stage:Staging"));
    QVERIFY(current && current->isChecked() && !current->isEnabled());
    QAction *production = stages->findChild<QAction *>(QStringLiteral("stage:Production"));
    QVERIFY(production && production->isEnabled());
    production->trigger();
    QTRY_COMPARE(
        page->versionsModel()->index(versionRow(page, 3), ModelVersionsModel::StageColumn).data().toString(),
        QStringLiteral("Production"));
    QTRY_VERIFY(auditActions(page).endsWith(QStringLiteral("set_stage")));
    QCOMPARE(page->auditModel()->index(0, AuditTrailModel::FromColumn).data().toString(),
             QStringLiteral("Staging"));
    QCOMPARE(page->auditModel()->index(0, AuditTrailModel::ToColumn).data().toString(),
             QStringLiteral("Production"));
    QCOMPARE(page->auditModel()->index(0, AuditTrailModel::VersionColumn).data().toString(),
             QStringLiteral("v3"));
    // The models table follows: both v3 and v2 in Production now.
    const int row = page->modelsModel()->rowOf(QStringLiteral("churn-model"));
    QTRY_COMPARE(page->modelsModel()->index(row, RegisteredModelsModel::ProductionColumn).data().toString(),
                 QStringLiteral("v3, v2"));
    QCOMPARE(page->modelsModel()->index(row, RegisteredModelsModel::StagingColumn).data().toString(),
             QString());
    // With "archive the others", v1 into Production moves v3 and v2 to Archived.
    selectVersion(page, 1);
    QMetaObject::invokeMethod(stages, "aboutToShow");
    QAction *archive = stages->findChild<QAction *>(QStringLiteral("archiveExisting"));
    QVERIFY(archive && !archive->isChecked());
    archive->trigger();
    QMetaObject::invokeMethod(stages, "aboutToShow");
    QVERIFY(stages->findChild<QAction *>(QStringLiteral("archiveExisting"))->isChecked());
    stages->findChild<QAction *>(QStringLiteral("stage:Production"))->trigger();
    QTRY_COMPARE(page->modelsModel()->index(row, RegisteredModelsModel::ProductionColumn).data().toString(),
                 QStringLiteral("v1"));
    QCOMPARE(page->modelsModel()->index(row, RegisteredModelsModel::ArchivedColumn).data().toString(),
             QStringLiteral("v3, v2"));
}

void TestModelsPage::descriptionsAndTags()
{
    MainWindow window(freshDb(QStringLiteral("describe")));
    ModelsPage *page = openModels(window);
    // The model's description through its Edit… button.
    QTest::mouseClick(page->findChild<QToolButton *>(QStringLiteral("editModelDescription")), Qt::LeftButton);
    auto *dialog = qobject_cast<DescriptionDialog *>(page->openDialog());
    QVERIFY(dialog);
    QCOMPARE(dialog->editor()->toPlainText(), QStringLiteral("Predicts **churn** in the next 30 days."));
    dialog->editor()->selectAll();
    QTest::keyClicks(dialog->editor(), QStringLiteral("Gradient boosted churn model"));
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save),
                      Qt::LeftButton);
    QTRY_VERIFY(page->descriptionLabel()->text().contains(QStringLiteral("Gradient boosted")));
    // A version's description through the bar's action.
    selectVersion(page, 2);
    page->findChild<QAction *>(QStringLiteral("editVersionDescription"))->trigger();
    dialog = qobject_cast<DescriptionDialog *>(page->openDialog());
    QVERIFY(dialog);
    QCOMPARE(dialog->editor()->toPlainText(), QStringLiteral("Deeper trees"));
    dialog->editor()->setPlainText(QStringLiteral("Deeper trees, validated on March data"));
    dialog->accept();
    QTRY_COMPARE(page->versionsModel()
                     ->index(versionRow(page, 2), ModelVersionsModel::DescriptionColumn)
                     .data()
                     .toString(),
                 QStringLiteral("Deeper trees, validated on March data"));
    // Model tags: add, edit, remove.
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("addModelTag")), Qt::LeftButton);
    auto *tag = qobject_cast<TagDialog *>(page->openDialog());
    QVERIFY(tag);
    QVERIFY(!tag->okButton()->isEnabled()); // no key yet
    QTest::keyClicks(tag->keyField(), QStringLiteral("owner"));
    QTest::keyClicks(tag->valueField(), QStringLiteral("ana"));
    QTest::mouseClick(tag->okButton(), Qt::LeftButton);
    QTRY_COMPARE(page->tagsModel()->tags().value(QStringLiteral("owner")), QStringLiteral("ana"));
    page->tagsView()->setCurrentIndex(page->tagsModel()->index(0, RegistryTagsModel::KeyColumn)); // owner
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("editModelTag")), Qt::LeftButton);
    tag = qobject_cast<TagDialog *>(page->openDialog());
    QVERIFY(tag && tag->keyField()->isReadOnly());
    tag->valueField()->setText(QStringLiteral("ben"));
    tag->accept();
    QTRY_COMPARE(page->tagsModel()->tags().value(QStringLiteral("owner")), QStringLiteral("ben"));
    page->tagsView()->setCurrentIndex(page->tagsModel()->index(1, RegistryTagsModel::KeyColumn)); // team
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("removeModelTag")), Qt::LeftButton);
    QTRY_COMPARE(page->tagsModel()->tags().keys(), QStringList{QStringLiteral("owner")});
    // Version tags through the Tags menu.
    selectVersion(page, 2);
    QMenu *versionTags = page->findChild<QMenu *>(QStringLiteral("versionTagsMenu"));
    QMetaObject::invokeMethod(versionTags, "aboutToShow");
    versionTags->findChild<QAction *>(QStringLiteral("removeVersionTag:validated"))->trigger();
    QTRY_COMPARE(
        page->versionsModel()->index(versionRow(page, 2), ModelVersionsModel::TagsColumn).data().toString(),
        QString());
    page->setVersionTag(2, QStringLiteral("dataset"), QStringLiteral("march"));
    QTRY_COMPARE(
        page->versionsModel()->index(versionRow(page, 2), ModelVersionsModel::TagsColumn).data().toString(),
        QStringLiteral("dataset=march"));
    // All of it stored.
    Store store(window.databasePath());
    const auto m = store.registry().registeredModel(QStringLiteral("churn-model"));
    QCOMPARE(m->description, QStringLiteral("Gradient boosted churn model"));
    QCOMPARE(m->tags, (QMap<QString, QString>{{QStringLiteral("owner"), QStringLiteral("ben")}}));
    QCOMPARE(m->versions[1].description, QStringLiteral("Deeper trees, validated on March data"));
}

void TestModelsPage::deleteVersionAfterConfirmation()
{
    MainWindow window(freshDb(QStringLiteral("delete")));
    ModelsPage *page = openModels(window);
    selectVersion(page, 2);
    QTest::keyClick(page->versionsView(), Qt::Key_Delete);
    auto *box = qobject_cast<QMessageBox *>(page->openDialog());
    QVERIFY(box);
    QVERIFY(box->informativeText().contains(QStringLiteral("champion")));
    // Cancel keeps it.
    QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
    QTest::qWait(0);
    QCOMPARE(page->versionsModel()->rowCount(), 3);
    page->findChild<QAction *>(QStringLiteral("deleteVersion"))->trigger();
    box = qobject_cast<QMessageBox *>(page->openDialog());
    QVERIFY(box);
    QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("confirmDelete")), Qt::LeftButton);
    QTRY_COMPARE(page->versionsModel()->rowCount(), 2);
    QCOMPARE(versionRow(page, 2), -1);
    QTRY_VERIFY(auditActions(page).contains(QStringLiteral("delete")));
    const int row = page->modelsModel()->rowOf(QStringLiteral("churn-model"));
    QTRY_COMPARE(page->modelsModel()->index(row, RegisteredModelsModel::AliasesColumn).data().toString(),
                 QStringLiteral("challenger → v3"));
    // The whole model, from the models table, after its own confirmation.
    window.showModels(QStringLiteral("fraud-detector"));
    QTRY_COMPARE(page->currentModel(), QStringLiteral("fraud-detector"));
    page->findChild<QAction *>(QStringLiteral("deleteModel"))->trigger();
    box = qobject_cast<QMessageBox *>(page->openDialog());
    QVERIFY(box && box->text().contains(QStringLiteral("fraud-detector")));
    QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("confirmDelete")), Qt::LeftButton);
    QTRY_COMPARE(page->modelsModel()->rowCount(), 1);
    QTRY_COMPARE(page->currentModel(), QStringLiteral("churn-model"));
    QVERIFY(page->message().isEmpty());
}

void TestModelsPage::auditCsvExport()
{
    MainWindow window(freshDb(QStringLiteral("export")));
    ModelsPage *page = openModels(window);
    QSignalSpy exported(page, &ModelsPage::auditExported);
    QVERIFY(exported.isValid());
    const QString path = m_dir.filePath(QStringLiteral("audit.csv"));
    page->exportAudit(path);
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.first().first().toString(), path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString csv = QString::fromUtf8(file.readAll());
    Store store(window.databasePath());
    QCOMPARE(csv, auditCsv(store.registry().auditTrail(QStringLiteral("churn-model"))));
    QVERIFY(csv.contains(QStringLiteral("champion@2")));
    // A folder that does not exist: a clear message, no file.
    const QString bad = m_dir.filePath(QStringLiteral("missing/folder/audit.csv"));
    page->exportAudit(bad);
    QTRY_VERIFY(page->message().contains(QStringLiteral("Could not export")));
    QTRY_VERIFY(!page->isBusy());
    QVERIFY(!QFile::exists(bad));
}

void TestModelsPage::statusSaysWhatWasDone()
{
    MainWindow window(freshDb(QStringLiteral("status")));
    ModelsPage *page = openModels(window);
    QSignalSpy status(page, &ModelsPage::statusMessage);
    QVERIFY(status.isValid());
    // Each change the page's RegistryActions make is named on the status bar once stored.
    page->setAlias(1, QStringLiteral("champion")); // on version 2 before
    QTRY_COMPARE(status.count(), 1);
    QCOMPARE(status.last().first().toString(),
             QStringLiteral("Moved the alias “champion” from version 2 to version 1 of churn-model"));
    QTRY_VERIFY(!page->isLoading());
    page->setAlias(3, QStringLiteral("shadow"));
    QTRY_COMPARE(status.count(), 2);
    QCOMPARE(status.last().first().toString(), QStringLiteral("Version 3 of churn-model is now “shadow”"));
    page->transitionStage(1, ModelStage::Staging);
    QTRY_COMPARE(status.count(), 3);
    QCOMPARE(status.last().first().toString(), QStringLiteral("Version 1 of churn-model is now in Staging"));
    page->removeModelTag(QStringLiteral("team"));
    QTRY_COMPARE(status.count(), 4);
    QCOMPARE(status.last().first().toString(), QStringLiteral("Removed the tag “team” from churn-model"));
    QTRY_VERIFY(!page->isBusy());
    QVERIFY(page->message().isEmpty());
    // A refusal goes to the message bar and the status bar, in the same words.
    page->deleteVersion(42);
    QTRY_VERIFY(page->message().startsWith(QStringLiteral("Could not delete version 42: ")));
    QCOMPARE(status.last().first().toString(), page->message());
    // The next change that is stored hides the message again.
    page->setVersionDescription(1, QStringLiteral("Back in staging"));
    QTRY_VERIFY(page->message().isEmpty());
    QCOMPARE(status.last().first().toString(), QStringLiteral("Saved the description of version 1"));
    // The audit export refuses to write over the database the window has open, and says so; the
    // database is untouched.
    QTRY_VERIFY(!page->isBusy());
    QTRY_VERIFY(!page->isLoading());
    const int entries = page->auditModel()->rowCount();
    page->exportAudit(window.databasePath());
    QTRY_VERIFY(page->message().contains(QStringLiteral("Could not export the audit trail")));
    QVERIFY2(page->message().contains(QStringLiteral("open")), qPrintable(page->message()));
    QTRY_VERIFY(!page->isBusy());
    Store store(window.databasePath(), Store::Mode::ReadOnly);
    QCOMPARE(int(store.registry().auditTrail(QStringLiteral("churn-model")).size()), entries);
}

void TestModelsPage::promoteDialogCreatesVersionsOneThenTwo()
{
    const Fixture f = makeStore(m_dir.filePath(QStringLiteral("promote.db")));
    MainWindow window(f.db);
    window.resize(1500, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showRun(f.runs[0]);
    QTRY_VERIFY(!window.isLoading());
    // From the run page's header.
    QTest::mouseClick(window.runPage()->header()->promoteButton(), Qt::LeftButton);
    PromoteDialog *dialog = window.promoteDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->runId(), f.runs[0]);
    QVERIFY(window.isLoading() || !dialog->isLoading());
    QTRY_VERIFY(!dialog->isLoading());
    // Existing models are offered; the MLflow model folder is preselected.
    QCOMPARE(dialog->modelField()->count(), 2);
    QCOMPARE(dialog->chosenPath(), QStringLiteral("model"));
    QVERIFY(dialog->folderTree()->topLevelItemCount() == 1);
    dialog->modelField()->setFocus();
    dialog->modelField()->lineEdit()->clear();
    QTest::keyClicks(dialog->modelField()->lineEdit(), QStringLiteral("retention"));
    QTest::keyClicks(dialog->descriptionField(), QStringLiteral("Baseline"));
    shoot(*dialog, QStringLiteral("promote-dialog"));
    QSignalSpy promoted(dialog, &PromoteDialog::promoted);
    QVERIFY(promoted.isValid());
    QTest::mouseClick(dialog->promoteButton(), Qt::LeftButton);
    QVERIFY(promoted.wait(10000));
    QCOMPARE(promoted.first().at(0).toString(), QStringLiteral("retention"));
    QCOMPARE(promoted.first().at(1).toInt(), 1);
    QVERIFY(dialog->resultLabel()->isVisible());
    QVERIFY(dialog->resultLabel()->text().contains(QStringLiteral("“retention” version 1")));
    QVERIFY(dialog->openModelButton()->isVisible());
    shoot(*dialog, QStringLiteral("promote-dialog-done"));
    // The run page lists the new version.
    QTRY_COMPARE(window.runPage()->modelVersionsModel()->rowCount(), 2);
    dialog->close();
    QTRY_VERIFY(!window.promoteDialog());

    // Again, from the File menu, into the same model with the whole run and an alias: version 2.
    window.promoteRun(f.runs[0]);
    dialog = window.promoteDialog();
    QTRY_VERIFY(!dialog->isLoading());
    QCOMPARE(dialog->modelField()->count(), 3);
    dialog->modelField()->setCurrentText(QStringLiteral("retention"));
    QVERIFY(dialog->choosePath(QString()));
    QTest::keyClicks(dialog->aliasField(), QStringLiteral("candidate"));
    QSignalSpy again(dialog, &PromoteDialog::promoted);
    QTest::mouseClick(dialog->promoteButton(), Qt::LeftButton);
    QVERIFY(again.wait(10000));
    QCOMPARE(again.first().at(1).toInt(), 2);
    QVERIFY(dialog->resultLabel()->text().contains(QStringLiteral("version 2")));
    QVERIFY(dialog->resultLabel()->text().contains(QStringLiteral("candidate")));
    // Open in Models shows the model with the new version selected.
    QTest::mouseClick(dialog->openModelButton(), Qt::LeftButton);
    ModelsPage *page = window.modelsPage();
    QTRY_VERIFY(page->isVisible());
    QTRY_COMPARE(page->currentModel(), QStringLiteral("retention"));
    QTRY_COMPARE(page->selectedVersions(), QList<int>{2});
    const ModelVersion &v2 = page->versionsModel()->versionAt(versionRow(page, 2));
    QCOMPARE(v2.source, QString());
    QCOMPARE(v2.aliases, QStringList{QStringLiteral("candidate")});
    QCOMPARE(page->versionsModel()->versionAt(versionRow(page, 1)).source, QStringLiteral("model"));
    QCOMPARE(page->versionsModel()->versionAt(versionRow(page, 1)).description, QStringLiteral("Baseline"));
    QTRY_VERIFY(auditActions(page).contains(QStringLiteral("promote")));
}

void TestModelsPage::promoteDialogRefusesBadInput()
{
    const Fixture f = makeStore(m_dir.filePath(QStringLiteral("promote-bad.db")));
    StoreWorker worker(f.db);
    {
        PromoteDialog dialog(&worker, f.runs[1]);
        dialog.show();
        QTRY_VERIFY(!dialog.isLoading());
        dialog.modelField()->setCurrentText(QString());
        QVERIFY(!dialog.promoteButton()->isEnabled());
        dialog.modelField()->setCurrentText(QStringLiteral("churn-model"));
        QVERIFY(dialog.promoteButton()->isEnabled());
        QTest::keyClicks(dialog.aliasField(), QStringLiteral("latest"));
        QVERIFY(!dialog.promoteButton()->isEnabled());
        QVERIFY(dialog.problemLabel()->isVisible());
        QVERIFY(dialog.problemLabel()->text().contains(QStringLiteral("reserved")));
    }
    {
        // A run that is not in the database.
        PromoteDialog dialog(&worker, QString(32, QLatin1Char('0')));
        dialog.show();
        QTRY_VERIFY(!dialog.isLoading());
        QVERIFY(dialog.problemLabel()->text().contains(QStringLiteral("no run")));
        QVERIFY(!dialog.promoteButton()->isEnabled());
    }
    Store store(f.db);
    QCOMPARE(store.registry().registeredModel(QStringLiteral("churn-model"))->versions.size(), size_t(3));
}

void TestModelsPage::compareVersionsOpensTheirRuns()
{
    const Fixture f = makeStore(m_dir.filePath(QStringLiteral("compare.db")));
    MainWindow window(f.db);
    ModelsPage *page = openModels(window);
    QSignalSpy spy(page, &ModelsPage::compareRequested);
    QVERIFY(spy.isValid());
    QAction *compare = page->findChild<QAction *>(QStringLiteral("compareVersions"));
    selectVersion(page, 1);
    QVERIFY(!compare->isEnabled()); // one version: nothing to compare
    page->versionsView()->selectAll();
    QVERIFY(compare->isEnabled());
    compare->trigger();
    QCOMPARE(spy.count(), 1);
    QStringList runs = spy.first().first().toStringList();
    runs.sort();
    QStringList want = f.runs;
    want.sort();
    QCOMPARE(runs, want);
    QTRY_VERIFY(window.comparePage() && window.comparePage()->isVisible());
    QCOMPARE(window.comparePage()->runIds().size(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    // Back returns to the models.
    Q_EMIT window.comparePage()->backRequested();
    QTRY_VERIFY(page->isVisible());
}

void TestModelsPage::runPageListsVersionsMadeFromTheRun()
{
    const Fixture f = makeStore(m_dir.filePath(QStringLiteral("runpage.db")));
    MainWindow window(f.db);
    window.resize(1500, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showRun(f.runs[2]);
    QTRY_VERIFY(!window.isLoading());
    ModelVersionsModel *versions = window.runPage()->modelVersionsModel();
    QAbstractItemModelTester tester(versions, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(versions->rowCount(), 2); // churn-model v3 and fraud-detector v1
    QCOMPARE(versions->index(0, ModelVersionsModel::ModelColumn).data().toString(),
             QStringLiteral("churn-model"));
    QCOMPARE(versions->index(0, ModelVersionsModel::StageColumn).data().toString(),
             QStringLiteral("Staging"));
    QCOMPARE(versions->index(0, ModelVersionsModel::AliasesColumn).data().toString(),
             QStringLiteral("challenger"));
    QCOMPARE(versions->index(1, ModelVersionsModel::ModelColumn).data().toString(),
             QStringLiteral("fraud-detector"));
    QTabWidget *tabs = window.runPage()->tabs();
    int tab = -1;
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->tabText(i).startsWith(QLatin1String("Model Versions")))
            tab = i;
    }
    QVERIFY(tab >= 0);
    QCOMPARE(tabs->tabText(tab), QStringLiteral("Model Versions (2)"));
    tabs->setCurrentIndex(tab);
    DetailTableView *view = window.runPage()->modelVersionsView();
    QVERIFY(view->isVisible());
    view->setFocus();
    view->setCurrentIndex(view->model()->index(1, ModelVersionsModel::VersionColumn));
    QTest::keyClick(view, Qt::Key_Return);
    ModelsPage *page = window.modelsPage();
    QTRY_VERIFY(page->isVisible());
    QTRY_COMPARE(page->currentModel(), QStringLiteral("fraud-detector"));
    QTRY_COMPARE(page->selectedVersions(), QList<int>{1});
    // A run never promoted says so.
    window.showRun(f.runs[0]);
    QTRY_VERIFY(!window.isLoading());
    QCOMPARE(window.runPage()->modelVersionsModel()->rowCount(), 1);
}

void TestModelsPage::pageModelsScreenshot()
{
    const QString db = freshDb(QStringLiteral("shot"));
    {
        // As `--page models` does: asked for before anything loaded, the page stays once the sidebar has
        // chosen its first experiment; a click on an experiment then goes back to the runs.
        MainWindow window(db);
        window.resize(1500, 900);
        window.show();
        window.showModels();
        QVERIFY(window.isLoading());
        QTRY_VERIFY(!window.isLoading());
        QVERIFY(window.modelsPage()->isVisible());
        QCOMPARE(window.modelsPage()->currentModel(), QStringLiteral("churn-model")); // the first one
        QVERIFY(window.findChild<QToolButton *>(QStringLiteral("modelsButton"))->isChecked());
        auto *list = window.findChild<QListView *>(QStringLiteral("experimentList"));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                          list->visualRect(list->model()->index(0, 0)).center());
        QTRY_VERIFY(window.runsPage()->isVisible());
        QVERIFY(!window.findChild<QToolButton *>(QStringLiteral("modelsButton"))->isChecked());
    }
    for (const QString &theme : QStringList{QStringLiteral("light"), QStringLiteral("dark")}) {
        const QString out = m_dir.filePath(QStringLiteral("models-%1.png").arg(theme));
        QProcess p;
        p.start(QStringLiteral(RUNLENS_BINARY),
                {QStringLiteral("--db"), db, QStringLiteral("--page"), QStringLiteral("models:churn-model"),
                 QStringLiteral("--screenshot"), out, QStringLiteral("--size"), QStringLiteral("1500x900"),
                 QStringLiteral("--theme"), theme});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().startsWith("ready in "));
        const QImage img(out);
        QCOMPARE(img.size(), QSize(1500, 900));
        const QString dir = test::screenshotFolder();
        if (!dir.isEmpty())
            QVERIFY(img.save(dir + QStringLiteral("/models-%1.png").arg(theme)));
    }
    if (!test::screenshotFolder().isEmpty()) {
        // The README's picture: the demo sweep with a registry grown the usual way.
        const QString demo = m_dir.filePath(QStringLiteral("demo.db"));
        {
            Store store(demo);
            generateDemoData(store, DemoOptions{20, 200});
            RunQuery q;
            q.orderBy = QStringLiteral("attributes.start_time ASC");
            const QStringList ids = store.runs().searchRunIds(q);
            QVERIFY(ids.size() >= 8);
            const QString vision = QStringLiteral("image-classifier");
            const QStringList notes{QStringLiteral("Baseline ResNet-18, default augmentation"),
                                    QStringLiteral("Cosine schedule, label smoothing 0.1"),
                                    QStringLiteral("Wider head; best val accuracy of the sweep"),
                                    QStringLiteral("Mixup 0.2 — candidate for the next release"),
                                    QStringLiteral("Distilled, 40% fewer FLOPs")};
            for (int i = 0; i < notes.size(); ++i)
                store.registry().promoteRun(ids[i + 1], vision, {}, notes[i]);
            store.registry().setModelVersionStage(vision, 1, ModelStage::Archived);
            store.registry().setModelVersionStage(vision, 2, ModelStage::Archived);
            store.registry().setModelVersionStage(vision, 3, ModelStage::Production);
            store.registry().setModelVersionStage(vision, 4, ModelStage::Staging);
            store.registry().setModelAlias(vision, QStringLiteral("champion"), 3);
            store.registry().setModelAlias(vision, QStringLiteral("challenger"), 4);
            store.registry().setModelAlias(vision, QStringLiteral("edge"), 5);
            store.registry().setModelVersionTag(vision, 3, QStringLiteral("validated"),
                                                QStringLiteral("2024-05-02"));
            store.registry().setModelVersionTag(vision, 4, QStringLiteral("ab-test"),
                                                QStringLiteral("running"));
            store.registry().setRegisteredModelTag(vision, QStringLiteral("team"), QStringLiteral("vision"));
            store.registry().setRegisteredModelTag(vision, QStringLiteral("task"),
                                                   QStringLiteral("cifar-10"));
            store.registry().setRegisteredModelDescription(
                vision, QStringLiteral("CIFAR-10 classifier served by the **photo-tagging** service.\n\n"
                                       "Promote from the `image-classification` sweep; `champion` is what "
                                       "production loads."));
            RunQuery second;
            second.experiments = {2};
            const QStringList text = store.runs().searchRunIds(second);
            for (int i = 0; i < 2 && i < text.size(); ++i)
                store.registry().promoteRun(text[i], QStringLiteral("sentiment-transformer"), {},
                                            QStringLiteral("Fine-tuned on product reviews"));
            store.registry().setModelAlias(QStringLiteral("sentiment-transformer"),
                                           QStringLiteral("champion"), 1);
            store.registry().setModelVersionStage(QStringLiteral("sentiment-transformer"), 1,
                                                  ModelStage::Production);
            store.registry().promoteRun(ids[0], QStringLiteral("lr-finder"), {},
                                        QStringLiteral("Kept for reference"));
        }
        for (const QString &theme : QStringList{QStringLiteral("light"), QStringLiteral("dark")}) {
            const QString out = test::screenshotFolder() + QStringLiteral("/models-demo-%1.png").arg(theme);
            QProcess p;
            p.start(QStringLiteral(RUNLENS_BINARY),
                    {QStringLiteral("--db"), demo, QStringLiteral("--page"),
                     QStringLiteral("models:image-classifier"), QStringLiteral("--screenshot"), out,
                     QStringLiteral("--size"), QStringLiteral("1500x900"), QStringLiteral("--theme"), theme});
            QVERIFY(p.waitForFinished(60000));
            QCOMPARE(p.exitCode(), 0);
        }
    }
    // Plain `--page models` works too (the first model is chosen).
    QProcess p;
    const QString out = m_dir.filePath(QStringLiteral("models.png"));
    p.start(QStringLiteral(RUNLENS_BINARY), {QStringLiteral("--db"), db, QStringLiteral("--page"),
                                             QStringLiteral("models"), QStringLiteral("--screenshot"), out});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(QImage(out).width() > 0);
}

// The audit trail's time column shows the whole date and time of day (not elided), in a window of the usual
// size and in a narrower one, however many columns compete for the width.
void TestModelsPage::auditTimesAreShownWhole()
{
    for (const QSize size : {QSize(1500, 900), QSize(1280, 800)}) {
        MainWindow window(freshDb(QStringLiteral("audit-%1").arg(size.width())));
        ModelsPage *page = openModels(window);
        window.resize(size);
        QTRY_COMPARE(window.size(), size);
        QTabWidget *tabs = page->tabs();
        int audit = -1;
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->tabText(i).startsWith(QLatin1String("Audit Trail")))
                audit = i;
        }
        QVERIFY(audit >= 0);
        tabs->setCurrentIndex(audit);
        QTableView *view = page->auditView();
        QTRY_VERIFY(view->isVisible());
        // What the cells ask for to be shown whole (their text and margins).
        const auto needed = [view] {
            return static_cast<QAbstractItemView *>(view)->sizeHintForColumn(AuditTrailModel::TimeColumn);
        };
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QVERIFY(view->model()->rowCount() >= 9);
        const QRegularExpression dateTime(QStringLiteral("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"));
        for (int r = 0; r < view->model()->rowCount(); ++r) {
            const QString text = view->model()->index(r, AuditTrailModel::TimeColumn).data().toString();
            QVERIFY2(dateTime.match(text).hasMatch(), qPrintable(text));
        }
        // As wide as its cells need (their text and the cell's margins), at every size.
        QVERIFY2(view->columnWidth(AuditTrailModel::TimeColumn) >= needed(),
                 qPrintable(QStringLiteral("%1: %2 < %3")
                                .arg(size.width())
                                .arg(view->columnWidth(AuditTrailModel::TimeColumn))
                                .arg(needed())));
        QVERIFY(!view->isColumnHidden(AuditTrailModel::TimeColumn));
        QVERIFY(test::keepScreenshot(&window, QStringLiteral("audit-trail-%1").arg(size.width())));
    }
}

QTEST_MAIN(TestModelsPage)
#include "tst_modelspage.moc"
