// SPDX-License-Identifier: GPL-3.0-or-later
// RegistryActions, the registry changes of the Models page and the registry dialogs, against a real
// database on a real StoreWorker: each change is stored and answered by its own typed signal with what was
// changed; a change the store refuses answers failed(what, why) in the page's wording, fires no success
// signal and leaves the registry exactly as it was.

#include "actions/registryactions.h"
#include "store/store.h"
#include "store/storeworker.h"

#include <functional>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;

namespace {

const QString Churn = QStringLiteral("churn-model");

// Two runs with a model folder each; the first promoted to churn-model v1, the second to v2.
QStringList makeRegistry(const QString &db)
{
    Store store(db);
    const ExperimentId exp = store.runs().createExperiment(QStringLiteral("churn"));
    QStringList runs;
    for (int i = 0; i < 2; ++i) {
        NewRun nr;
        nr.experimentId = exp;
        nr.name = QStringLiteral("xgb-%1").arg(i);
        nr.status = RunStatus::Finished;
        const Run r = store.runs().createRun(nr);
        Artifact a;
        a.path = QStringLiteral("model/MLmodel");
        a.size = 100;
        a.sha256 = QString(64, QLatin1Char('a' + char(i)));
        store.artifacts().addArtifact(r.id, a);
        runs << r.id;
    }
    store.registry().promoteRun(runs[0], Churn, QStringLiteral("model"), QStringLiteral("First"));
    store.registry().promoteRun(runs[1], Churn, QStringLiteral("model"), QStringLiteral("Second"));
    return runs;
}

// Everything the registry holds, as text: a refused change must leave it identical.
QString registryText(const QString &db)
{
    Store store(db, Store::Mode::ReadOnly);
    QStringList out;
    for (const RegisteredModel &m : store.registry().registeredModels()) {
        out << QStringLiteral("%1|%2|%3|%4").arg(m.name, m.description).arg(m.updatedMs).arg(m.createdMs);
        for (auto it = m.tags.begin(); it != m.tags.end(); ++it)
            out << QStringLiteral(" tag %1=%2").arg(it.key(), it.value());
        for (auto it = m.aliases.begin(); it != m.aliases.end(); ++it)
            out << QStringLiteral(" alias %1@%2").arg(it.key()).arg(it.value());
        for (const ModelVersion &v : m.versions) {
            out << QStringLiteral(" v%1 %2 %3 %4 %5 %6")
                       .arg(v.version)
                       .arg(modelStageName(v.stage), v.description, v.source, v.runId)
                       .arg(v.updatedMs);
            for (auto it = v.tags.begin(); it != v.tags.end(); ++it)
                out << QStringLiteral("  tag %1=%2").arg(it.key(), it.value());
        }
        out << QStringLiteral(" audit %1").arg(store.registry().auditTrail(m.name).size());
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace

class TestRegistryActions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("USER", "tester"); // the store records it as the user of every change
    }
    void eachChangeAnswersWithItsTypedSignal();
    void refusedChangesSayWhatAndWhyAndChangeNothing();
    void aliasProblemNeedsNoDatabase();

private:
    QTemporaryDir m_dir;
};

void TestRegistryActions::eachChangeAnswersWithItsTypedSignal()
{
    const QString db = m_dir.filePath(QStringLiteral("changes.db"));
    const QStringList runs = makeRegistry(db);
    StoreWorker worker(db);
    RegistryActions actions(&worker);
    QSignalSpy failed(&actions, &StoreActions::failed);
    QSignalSpy idle(&actions, &StoreActions::idle);
    QVERIFY(failed.isValid() && idle.isValid());
    const auto stored = [&db] {
        return Store(db, Store::Mode::ReadOnly).registry().registeredModel(Churn).value();
    };
    const auto version = [](const RegisteredModel &m, int v) {
        for (const ModelVersion &mv : m.versions) {
            if (mv.version == v)
                return mv;
        }
        return ModelVersion{};
    };

    QSignalSpy aliasSet(&actions, &RegistryActions::aliasSet);
    QVERIFY(aliasSet.isValid());
    actions.setAlias(Churn, QStringLiteral("champion"), 1);
    QVERIFY(actions.hasPendingWrites());
    QTRY_COMPARE(aliasSet.count(), 1);
    QCOMPARE(aliasSet.at(0), (QVariantList{Churn, QStringLiteral("champion"), 1}));
    QCOMPARE(stored().aliases.value(QStringLiteral("champion")), 1);
    QTRY_COMPARE(idle.count(), 1);
    QVERIFY(!actions.hasPendingWrites());
    actions.setAlias(Churn, QStringLiteral("champion"), 2); // moves it
    QTRY_COMPARE(aliasSet.count(), 2);
    QCOMPARE(aliasSet.at(1), (QVariantList{Churn, QStringLiteral("champion"), 2}));
    QCOMPARE(stored().aliases.value(QStringLiteral("champion")), 2);

    QSignalSpy aliasRemoved(&actions, &RegistryActions::aliasRemoved);
    actions.removeAlias(Churn, QStringLiteral("champion"));
    QTRY_COMPARE(aliasRemoved.count(), 1);
    QCOMPARE(aliasRemoved.at(0), (QVariantList{Churn, QStringLiteral("champion")}));
    QVERIFY(stored().aliases.isEmpty());

    QSignalSpy stageChanged(&actions, &RegistryActions::stageChanged);
    actions.transitionStage(Churn, 1, ModelStage::Production);
    QTRY_COMPARE(stageChanged.count(), 1);
    QCOMPARE(stageChanged.at(0).at(0).toString(), Churn);
    QCOMPARE(stageChanged.at(0).at(1).toInt(), 1);
    QCOMPARE(stageChanged.at(0).at(2).value<ModelStage>(), ModelStage::Production);
    QCOMPARE(stageChanged.at(0).at(3).toBool(), false);
    QCOMPARE(version(stored(), 1).stage, ModelStage::Production);
    // Archiving the others: v1 leaves Production for Archived as v2 comes in.
    actions.transitionStage(Churn, 2, ModelStage::Production, true);
    QTRY_COMPARE(stageChanged.count(), 2);
    QCOMPARE(stageChanged.at(1).at(1).toInt(), 2);
    QCOMPARE(stageChanged.at(1).at(3).toBool(), true);
    QCOMPARE(version(stored(), 2).stage, ModelStage::Production);
    QCOMPARE(version(stored(), 1).stage, ModelStage::Archived);

    QSignalSpy versionDescription(&actions, &RegistryActions::versionDescriptionSet);
    actions.setVersionDescription(Churn, 2, QStringLiteral("Deeper trees"));
    QTRY_COMPARE(versionDescription.count(), 1);
    QCOMPARE(versionDescription.at(0), (QVariantList{Churn, 2, QStringLiteral("Deeper trees")}));
    QCOMPARE(version(stored(), 2).description, QStringLiteral("Deeper trees"));

    QSignalSpy modelDescription(&actions, &RegistryActions::modelDescriptionSet);
    actions.setModelDescription(Churn, QStringLiteral("Predicts **churn**"));
    QTRY_COMPARE(modelDescription.count(), 1);
    QCOMPARE(modelDescription.at(0), (QVariantList{Churn, QStringLiteral("Predicts **churn**")}));
    QCOMPARE(stored().description, QStringLiteral("Predicts **churn**"));

    QSignalSpy modelTagSet(&actions, &RegistryActions::modelTagSet);
    QSignalSpy modelTagRemoved(&actions, &RegistryActions::modelTagRemoved);
    actions.setModelTag(Churn, QStringLiteral("team"), QStringLiteral("growth"));
    QTRY_COMPARE(modelTagSet.count(), 1);
    QCOMPARE(modelTagSet.at(0), (QVariantList{Churn, QStringLiteral("team"), QStringLiteral("growth")}));
    QCOMPARE(stored().tags.value(QStringLiteral("team")), QStringLiteral("growth"));
    actions.removeModelTag(Churn, QStringLiteral("team"));
    QTRY_COMPARE(modelTagRemoved.count(), 1);
    QCOMPARE(modelTagRemoved.at(0), (QVariantList{Churn, QStringLiteral("team")}));
    QVERIFY(stored().tags.isEmpty());

    QSignalSpy versionTagSet(&actions, &RegistryActions::versionTagSet);
    QSignalSpy versionTagRemoved(&actions, &RegistryActions::versionTagRemoved);
    actions.setVersionTag(Churn, 1, QStringLiteral("validated"), QStringLiteral("yes"));
    QTRY_COMPARE(versionTagSet.count(), 1);
    QCOMPARE(versionTagSet.at(0),
             (QVariantList{Churn, 1, QStringLiteral("validated"), QStringLiteral("yes")}));
    QCOMPARE(version(stored(), 1).tags.value(QStringLiteral("validated")), QStringLiteral("yes"));
    actions.removeVersionTag(Churn, 1, QStringLiteral("validated"));
    QTRY_COMPARE(versionTagRemoved.count(), 1);
    QCOMPARE(versionTagRemoved.at(0), (QVariantList{Churn, 1, QStringLiteral("validated")}));
    QVERIFY(version(stored(), 1).tags.isEmpty());

    QSignalSpy promoted(&actions, &RegistryActions::runPromoted);
    actions.promoteRun(runs[1], Churn, QString(), QStringLiteral("Whole run"), QStringLiteral("candidate"));
    QTRY_COMPARE(promoted.count(), 1);
    QCOMPARE(promoted.at(0), (QVariantList{runs[1], Churn, 3, QStringLiteral("candidate")}));
    QCOMPARE(version(stored(), 3).runId, runs[1]);
    QCOMPARE(version(stored(), 3).description, QStringLiteral("Whole run"));
    QCOMPARE(stored().aliases.value(QStringLiteral("candidate")), 3);
    // Into a model that does not exist yet: it is created, version 1.
    actions.promoteRun(runs[0], QStringLiteral("retention"), QStringLiteral("model"), {}, {});
    QTRY_COMPARE(promoted.count(), 2);
    QCOMPARE(promoted.at(1), (QVariantList{runs[0], QStringLiteral("retention"), 1, QString()}));

    QSignalSpy versionDeleted(&actions, &RegistryActions::versionDeleted);
    actions.deleteVersion(Churn, 3);
    QTRY_COMPARE(versionDeleted.count(), 1);
    QCOMPARE(versionDeleted.at(0), (QVariantList{Churn, 3}));
    QCOMPARE(stored().versions.size(), size_t(2));

    QSignalSpy modelDeleted(&actions, &RegistryActions::modelDeleted);
    actions.deleteModel(QStringLiteral("retention"));
    QTRY_COMPARE(modelDeleted.count(), 1);
    QCOMPARE(modelDeleted.at(0), (QVariantList{QStringLiteral("retention")}));
    QVERIFY(!Store(db, Store::Mode::ReadOnly).registry().registeredModel(QStringLiteral("retention")));

    // Every change went through the audit trail, by the user who made it.
    const std::vector<AuditEntry> audit = Store(db, Store::Mode::ReadOnly).registry().auditTrail(Churn);
    QStringList actionsDone;
    for (const AuditEntry &e : audit) {
        QCOMPARE(e.user, QStringLiteral("tester"));
        actionsDone << e.action;
    }
    for (const char *expected : {"set_alias", "delete_alias", "set_stage", "promote", "delete"})
        QVERIFY2(actionsDone.contains(QLatin1String(expected)), expected);
    QCOMPARE(failed.count(), 0);
    QTRY_VERIFY(!actions.hasPendingWrites());
}

void TestRegistryActions::refusedChangesSayWhatAndWhyAndChangeNothing()
{
    const QString db = m_dir.filePath(QStringLiteral("refused.db"));
    const QStringList runs = makeRegistry(db);
    const QString before = registryText(db);
    StoreWorker worker(db);
    RegistryActions actions(&worker);
    QSignalSpy failed(&actions, &StoreActions::failed);
    QVERIFY(failed.isValid());
    // No success signal may fire for any of them.
    std::vector<std::unique_ptr<QSignalSpy>> successes;
    const QMetaObject &meta = RegistryActions::staticMetaObject;
    for (int i = meta.methodOffset(); i < meta.methodCount(); ++i) {
        if (meta.method(i).methodType() == QMetaMethod::Signal)
            successes.push_back(std::make_unique<QSignalSpy>(&actions, meta.method(i)));
    }
    QCOMPARE(successes.size(), size_t(12));

    struct Refused
    {
        std::function<void()> change;
        QString what;
        QString why; // a part of the store's reason
    };
    const QString nope = QStringLiteral("no-such-model");
    const std::vector<Refused> cases = {
        {[&] { actions.setAlias(Churn, QStringLiteral("latest"), 1); },
         QStringLiteral("set the alias “latest”"), QStringLiteral("reserved")},
        {[&] { actions.setAlias(Churn, QStringLiteral("v7"), 1); }, QStringLiteral("set the alias “v7”"),
         QStringLiteral("reserved")},
        {[&] { actions.setAlias(Churn, QStringLiteral("best model"), 1); },
         QStringLiteral("set the alias “best model”"), QStringLiteral("only contain")},
        {[&] { actions.setAlias(Churn, QStringLiteral("champion"), 9); },
         QStringLiteral("set the alias “champion”"), QStringLiteral("9")},
        {[&] { actions.setAlias(nope, QStringLiteral("champion"), 1); },
         QStringLiteral("set the alias “champion”"), nope},
        {[&] { actions.removeAlias(Churn, QStringLiteral("nobody")); },
         QStringLiteral("remove the alias “nobody”"), QStringLiteral("nobody")},
        {[&] { actions.transitionStage(Churn, 9, ModelStage::Staging); },
         QStringLiteral("move version 9 to Staging"), QStringLiteral("9")},
        {[&] { actions.setVersionDescription(Churn, 9, QStringLiteral("x")); },
         QStringLiteral("save the description of version 9"), QStringLiteral("9")},
        {[&] { actions.setModelDescription(nope, QStringLiteral("x")); },
         QStringLiteral("save the description of no-such-model"), nope},
        {[&] { actions.setModelTag(nope, QStringLiteral("team"), QStringLiteral("x")); },
         QStringLiteral("set the tag “team”"), nope},
        {[&] { actions.removeModelTag(nope, QStringLiteral("team")); },
         QStringLiteral("remove the tag “team”"), nope},
        {[&] { actions.setVersionTag(Churn, 9, QStringLiteral("k"), QStringLiteral("v")); },
         QStringLiteral("set the tag “k” on version 9"), QStringLiteral("9")},
        {[&] { actions.removeVersionTag(Churn, 9, QStringLiteral("k")); },
         QStringLiteral("remove the tag “k” from version 9"), QStringLiteral("9")},
        {[&] { actions.deleteVersion(Churn, 9); }, QStringLiteral("delete version 9"), QStringLiteral("9")},
        {[&] { actions.deleteModel(nope); }, QStringLiteral("delete the model no-such-model"), nope},
        {[&] { actions.promoteRun(QString(32, QLatin1Char('0')), Churn, {}, {}, {}); },
         QStringLiteral("promote the run"), QStringLiteral("0000")},
        {[&] { actions.promoteRun(runs[0], Churn, QStringLiteral("no/such/folder"), {}, {}); },
         QStringLiteral("promote the run"), QStringLiteral("no/such/folder")},
        {[&] { actions.promoteRun(runs[0], Churn, {}, {}, QStringLiteral("latest")); },
         QStringLiteral("promote the run"), QStringLiteral("reserved")},
    };
    for (const Refused &c : cases) {
        const qsizetype seen = failed.count();
        c.change();
        QTRY_COMPARE(failed.count(), seen + 1);
        QCOMPARE(failed.last().at(0).toString(), c.what);
        const QString why = failed.last().at(1).toString();
        QVERIFY2(why.contains(c.why), qPrintable(c.what + QStringLiteral(": ") + why));
    }
    QTRY_VERIFY(!actions.hasPendingWrites());
    for (const auto &spy : successes)
        QVERIFY2(spy->isEmpty(), spy->signal().constData());
    QCOMPARE(registryText(db), before);
}

void TestRegistryActions::aliasProblemNeedsNoDatabase()
{
    QVERIFY(!RegistryActions::aliasProblem(QStringLiteral("champion")));
    QVERIFY(!RegistryActions::aliasProblem(QStringLiteral("prod-2024_a")));
    QVERIFY(
        RegistryActions::aliasProblem(QStringLiteral("Latest")).value().contains(QStringLiteral("reserved")));
    QVERIFY(
        RegistryActions::aliasProblem(QStringLiteral("v12")).value().contains(QStringLiteral("reserved")));
    QVERIFY(RegistryActions::aliasProblem(QStringLiteral("a b")).has_value());
    QVERIFY(RegistryActions::aliasProblem(QString()).has_value());
}

QTEST_MAIN(TestRegistryActions)
#include "tst_registryactions.moc"
