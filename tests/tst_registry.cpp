// SPDX-License-Identifier: GPL-3.0-or-later
// The model registry: alias rules (MLflow's), version numbering when two processes promote at once, an
// audit entry with user and time for every change, the registry commands of the real `runlens` binary
// (models, model, promote, alias, stage, model-export) and imported MLflow registries shown through them.

#include "artifacts/artifactstore.h"
#include "import/importer.h"
#include "registry/registrycsv.h"
#include "store/database.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

using namespace runlens;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);
constexpr int TimeoutMs = 60000;

struct Result
{
    QStringList args;
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QByteArray why(int expected) const
    {
        return QStringLiteral("runlens %1\nexpected exit %2, got %3\n--- stdout:\n%4\n--- stderr:\n%5")
            .arg(args.join(u' '))
            .arg(expected)
            .arg(finished ? QString::number(exitCode) : QStringLiteral("no exit"))
            .arg(QString::fromUtf8(out.left(4000)), QString::fromUtf8(err.left(4000)))
            .toUtf8();
    }
};

// Evaluates `result` once: it is often the run itself.
#define VERIFY_EXIT(result, code)                                                                            \
    do {                                                                                                     \
        const Result &verified_ = (result);                                                                  \
        QVERIFY2(verified_.finished &&verified_.exitCode == (code), verified_.why(code));                    \
    } while (false)

QList<int> versionNumbers(const RegisteredModel &m)
{
    QList<int> out;
    for (const ModelVersion &v : m.versions)
        out << v.version;
    return out;
}

} // namespace

class TestRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void aliasRules_data();
    void aliasRules();
    void aliasesAreUniquePerModelAndMove();
    void promoteRules();
    void versionNumbersAreNeverReused();
    void stageTransitions();
    void deletes();
    void lookups();
    void auditCompleteness();
    void auditedChangesTouchTheirOwnerOnly();
    void auditCsvQuotes();

    void concurrentPromotesFromTwoProcesses();
    void cliRoundTrip();
    void cliBadInput();
    void modelExportLeavesNothingOnFailure();
    void modelExportFindsSources_data();
    void modelExportFindsSources();
    void importedRegistries_data();
    void importedRegistries();
    void reimportKeepsDeletedVersionsDeleted();

private:
    Result run(const QStringList &args, int timeoutMs = TimeoutMs);
    QProcess *start(const QStringList &args);
    // A run in experiment "train" with params, metrics, a git commit and artifacts under model/ and
    // plots/; returns its id.
    QString makeRun(Store &store, const QString &name = QStringLiteral("r1"));
    QString writeFile(const QString &relative, const QByteArray &bytes);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    QProcessEnvironment m_env;
};

void TestRegistry::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_dir->isValid(), qPrintable(m_dir->errorString()));
    for (const char *sub : {"home", "tmp", "runtime", "files"})
        QVERIFY(QDir(m_dir->path()).mkpath(QLatin1String(sub)));
    QFile::setPermissions(m_dir->filePath(QStringLiteral("runtime")),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_db = m_dir->filePath(QStringLiteral("runs.db"));
    const QString root = m_dir->path();
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.remove(QStringLiteral("RUNLENS_DB"));
    m_env.insert(QStringLiteral("HOME"), root + QStringLiteral("/home"));
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), root + QStringLiteral("/home/.config"));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), root + QStringLiteral("/home/.local/share"));
    m_env.insert(QStringLiteral("XDG_RUNTIME_DIR"), root + QStringLiteral("/runtime"));
    m_env.insert(QStringLiteral("TMPDIR"), root + QStringLiteral("/tmp"));
    m_env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    m_env.insert(QStringLiteral("USER"), QStringLiteral("cli-tester"));
}

void TestRegistry::cleanup()
{
    m_dir.reset();
}

QProcess *TestRegistry::start(const QStringList &args)
{
    auto *p = new QProcess(this);
    p->setProcessEnvironment(m_env);
    p->setWorkingDirectory(m_dir->path());
    p->start(QStringLiteral(RUNLENS_BINARY), args);
    return p;
}

Result TestRegistry::run(const QStringList &args, int timeoutMs)
{
    Result r;
    r.args = args;
    std::unique_ptr<QProcess> p(start(args));
    p->closeWriteChannel();
    r.finished = p->waitForFinished(timeoutMs) && p->exitStatus() == QProcess::NormalExit;
    if (p->state() != QProcess::NotRunning) {
        p->kill();
        p->waitForFinished(5000);
    }
    r.exitCode = r.finished ? p->exitCode() : -1;
    r.out = p->readAllStandardOutput();
    r.err = p->readAllStandardError();
    if (p->error() == QProcess::FailedToStart)
        r.err =
            "cannot start " RUNLENS_BINARY " (build the runlens target first): " + p->errorString().toUtf8();
    return r;
}

QString TestRegistry::writeFile(const QString &relative, const QByteArray &bytes)
{
    const QString path = m_dir->filePath(QStringLiteral("files/") + relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return path;
}

QString TestRegistry::makeRun(Store &store, const QString &name)
{
    NewRun init;
    init.experimentId = store.runs().ensureExperiment(QStringLiteral("train"));
    init.name = name;
    const Run r = store.runs().createRun(init);
    store.runs().logParam(r.id, QStringLiteral("lr"), QStringLiteral("0.01"));
    store.runs().logParam(r.id, QStringLiteral("layers"), QStringLiteral("4"));
    store.runs().setTag(r.id, QStringLiteral("mlflow.source.git.commit"), QStringLiteral("0123456789abcdef"));
    for (int step = 0; step < 10; ++step)
        store.series().logMetric(r.id, QStringLiteral("loss"),
                                 {step, 1'700'000'000'000 + step, 1.0 / (step + 1)});
    store.series().logMetric(r.id, QStringLiteral("acc"), {0, 1'700'000'000'000, 0.5});
    store.series().logMetric(r.id, QStringLiteral("acc"), {1, 1'700'000'000'001, std::nan("")});

    // Bytes that differ per run, one large enough to be copied in several blocks.
    QByteArray big;
    for (int i = 0; i < 300'000; ++i)
        big.append(char((i * 131 + name.size()) & 0xff));
    const std::pair<QString, QByteArray> files[] = {
        {QStringLiteral("model/MLmodel"), QByteArray("flavors:\n  sklearn: {}\nrun: ") + name.toUtf8()},
        {QStringLiteral("model/weights/model.bin"), big},
        {QStringLiteral("model/conda.yaml"), QByteArray("name: ") + name.toUtf8()},
        {QStringLiteral("modelcard.md"), QByteArray("# not part of model/")},
        {QStringLiteral("plots/loss.csv"), QByteArray("step,loss\n0,1\n")},
    };
    ArtifactStore bytes(store.path());
    for (const auto &[path, content] : files) {
        const QString file = writeFile(name + QLatin1Char('/') + path, content);
        const ArtifactStore::Stored s = bytes.put(file);
        store.artifacts().addArtifact(
            r.id, {path, s.size, s.sha256, ArtifactStore::mediaType(path), 0, Lifecycle::Active});
    }
    return r.id;
}

// ------------------------------------------------------------------------------------------ store rules

void TestRegistry::aliasRules_data()
{
    QTest::addColumn<QString>("alias");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("word") << "champion" << true << "";
    QTest::newRow("dash and underscore") << "prod-candidate_2" << true << "";
    QTest::newRow("digits only") << "42" << true << "";
    QTest::newRow("v alone") << "v" << true << "";
    QTest::newRow("v then letters") << "v1a" << true << "";
    QTest::newRow("version word") << "version1" << true << "";
    QTest::newRow("unicode letters (Python \\w)") << QStringLiteral("modèle_ß") << true << "";
    QTest::newRow("255 characters") << QString(255, u'a') << true << "";
    QTest::newRow("empty") << "" << false << "needs a name";
    QTest::newRow("latest") << "latest" << false << "reserved";
    QTest::newRow("Latest any case") << "LaTeSt" << false << "reserved";
    QTest::newRow("v1") << "v1" << false << "reserved";
    QTest::newRow("V12") << "V12" << false << "reserved";
    QTest::newRow("space") << "two words" << false << "letters, digits";
    QTest::newRow("slash") << "a/b" << false << "letters, digits";
    QTest::newRow("dot") << "a.b" << false << "letters, digits";
    QTest::newRow("at") << "@champion" << false << "letters, digits";
    QTest::newRow("newline") << "a\nb" << false << "letters, digits";
    QTest::newRow("256 characters") << QString(256, u'a') << false << "longer than 255";
}

void TestRegistry::aliasRules()
{
    QFETCH(QString, alias);
    QFETCH(bool, valid);
    QFETCH(QString, messagePart);

    Store store(m_db);
    const QString runId = makeRun(store);
    QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("m")), 1);
    const size_t auditBefore = store.registry().auditTrail().size();

    const std::optional<QString> problem = Registry::aliasProblem(alias);
    QCOMPARE(!problem.has_value(), valid);
    if (valid) {
        store.registry().setModelAlias(QStringLiteral("m"), alias, 1);
        QCOMPARE(store.registry().registeredModel(QStringLiteral("m"))->aliases.value(alias), 1);
        QCOMPARE(store.registry().modelVersionByAlias(QStringLiteral("m"), alias)->version, 1);
        QCOMPARE(store.registry().auditTrail().size(), auditBefore + 1);
        return;
    }
    QVERIFY2(problem->contains(messagePart), qPrintable(*problem));
    try {
        store.registry().setModelAlias(QStringLiteral("m"), alias, 1);
        QFAIL("an invalid alias was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.message(), *problem);
        QCOMPARE(e.kind(), Error::Kind::Input);
    }
    // A promote naming the bad alias fails whole: no version 2, no new model. (An empty alias there
    // means "no alias".)
    if (!alias.isEmpty()) {
        QVERIFY_THROWS_EXCEPTION(Error,
                                 store.registry().promoteRun(runId, QStringLiteral("m"), {}, {}, alias));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 store.registry().promoteRun(runId, QStringLiteral("other"), {}, {}, alias));
    }
    QVERIFY(store.registry().registeredModel(QStringLiteral("m"))->aliases.isEmpty());
    QCOMPARE(versionNumbers(*store.registry().registeredModel(QStringLiteral("m"))), QList<int>{1});
    QVERIFY(!store.registry().registeredModel(QStringLiteral("other")));
    QCOMPARE(store.registry().auditTrail().size(), auditBefore);
}

void TestRegistry::aliasesAreUniquePerModelAndMove()
{
    Store store(m_db);
    store.database().setUser(QStringLiteral("alice"));
    const QString runId = makeRun(store);
    for (int i = 0; i < 3; ++i)
        store.registry().promoteRun(runId, QStringLiteral("m"));
    store.registry().promoteRun(runId, QStringLiteral("n"));

    store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("champion"), 1);
    store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("challenger"), 1);
    store.registry().setModelAlias(QStringLiteral("n"), QStringLiteral("champion"),
                                   1); // another model: independent
    store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("champion"), 3); // moves
    const RegisteredModel m = *store.registry().registeredModel(QStringLiteral("m"));
    QCOMPARE(m.aliases,
             (QMap<QString, int>{{QStringLiteral("challenger"), 1}, {QStringLiteral("champion"), 3}}));
    QCOMPARE(m.versions[0].aliases, QStringList{QStringLiteral("challenger")});
    QCOMPARE(m.versions[2].aliases, QStringList{QStringLiteral("champion")});
    QCOMPARE(store.registry().registeredModel(QStringLiteral("n"))->aliases.value(QStringLiteral("champion")),
             1);

    const AuditEntry moved = store.registry().auditTrail(QStringLiteral("m")).back();
    QCOMPARE(moved.action, QStringLiteral("set_alias"));
    QCOMPARE(moved.from, QStringLiteral("champion@1"));
    QCOMPARE(moved.to, QStringLiteral("champion@3"));
    QCOMPARE(moved.version, std::optional<int>(3));

    // Setting it where it already is changes nothing and records nothing.
    const size_t before = store.registry().auditTrail().size();
    store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("champion"), 3);
    QCOMPARE(store.registry().auditTrail().size(), before);

    // Aliases only name existing versions of existing models.
    try {
        store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("champion"), 9);
        QFAIL("an alias on a missing version was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::NotFound);
        QVERIFY2(e.message().contains(QLatin1String("no version 9")), qPrintable(e.message()));
    }
    QVERIFY_THROWS_EXCEPTION(Error,
                             store.registry().setModelAlias(QStringLiteral("nope"), QStringLiteral("a"), 1));
    QCOMPARE(store.registry().registeredModel(QStringLiteral("m"))->aliases.value(QStringLiteral("champion")),
             3);

    store.registry().deleteModelAlias(QStringLiteral("m"), QStringLiteral("champion"));
    QVERIFY(!store.registry().modelVersionByAlias(QStringLiteral("m"), QStringLiteral("champion")));
    try {
        store.registry().deleteModelAlias(QStringLiteral("m"), QStringLiteral("champion"));
        QFAIL("deleting a missing alias succeeded");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::NotFound);
    }
}

void TestRegistry::promoteRules()
{
    Store store(m_db);
    const QString runId = makeRun(store);

    // A new model is created on the way; numbers start at 1.
    QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("  clf  "), QStringLiteral("model"),
                                         QStringLiteral("first cut"), QStringLiteral("champion")),
             1);
    std::optional<ModelVersion> v = store.registry().modelVersion(QStringLiteral("clf"), 1);
    QVERIFY(v);
    QCOMPARE(v->runId, runId);
    QCOMPARE(v->source, QStringLiteral("model"));
    QCOMPARE(v->description, QStringLiteral("first cut"));
    QCOMPARE(v->stage, ModelStage::None);
    QCOMPARE(v->aliases, QStringList{QStringLiteral("champion")});
    QCOMPARE(v->creator, store.database().user());

    // A file, a sub-folder and a path spelled with redundant separators are all among the artifacts.
    QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("clf"), QStringLiteral("model/MLmodel")), 2);
    QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("clf"), QStringLiteral("model/weights/")), 3);
    QCOMPARE(store.registry().modelVersion(QStringLiteral("clf"), 3)->source,
             QStringLiteral("model/weights"));
    QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("clf")), 4); // whole run
    QCOMPARE(store.registry().modelVersion(QStringLiteral("clf"), 4)->source, QString());

    const size_t audit = store.registry().auditTrail().size();
    const auto fails = [&](const QString &run, const QString &path, Error::Kind kind, const QString &part) {
        try {
            store.registry().promoteRun(run, QStringLiteral("clf"), path);
        } catch (const Error &e) {
            QVERIFY2(e.kind() == kind, qPrintable(e.message()));
            QVERIFY2(e.message().contains(part), qPrintable(e.message()));
            return;
        }
        QFAIL(qPrintable(QStringLiteral("promoting %1 / %2 succeeded").arg(run, path)));
    };
    fails(runId, QStringLiteral("mod"), Error::Kind::NotFound, QStringLiteral("no artifact folder or file"));
    fails(runId, QStringLiteral("model/weights/model"), Error::Kind::NotFound,
          QStringLiteral("'model/weights/model'"));
    fails(runId, QStringLiteral("../model"), Error::Kind::Input, QStringLiteral("relative artifact path"));
    fails(runId, QStringLiteral("/model"), Error::Kind::Input, QStringLiteral("relative artifact path"));
    fails(QStringLiteral("0123456789abcdef0123456789abcdef"), {}, Error::Kind::NotFound,
          QStringLiteral("no run"));
    store.runs().setRunLifecycle(runId, Lifecycle::Deleted);
    fails(runId, {}, Error::Kind::Conflict, QStringLiteral("deleted"));
    QVERIFY_THROWS_EXCEPTION(Error, store.registry().promoteRun(runId, QStringLiteral("fresh")));
    QVERIFY(!store.registry().registeredModel(QStringLiteral("fresh"))); // nothing half-made
    QVERIFY_THROWS_EXCEPTION(Error, store.registry().promoteRun(runId, QStringLiteral("   ")));
    QCOMPARE(store.registry().auditTrail().size(), audit);
    QCOMPARE(versionNumbers(*store.registry().registeredModel(QStringLiteral("clf"))),
             (QList<int>{1, 2, 3, 4}));
}

void TestRegistry::versionNumbersAreNeverReused()
{
    Store store(m_db);
    const QString runId = makeRun(store);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("m")), i);
    store.registry().deleteModelVersion(QStringLiteral("m"), 3);
    QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("m")), 4); // as in MLflow: 3 stays taken
    QCOMPARE(versionNumbers(*store.registry().registeredModel(QStringLiteral("m"))), (QList<int>{1, 2, 4}));
    // Imports with explicit numbers may not take a deleted one either.
    ModelVersion v;
    v.version = 3;
    v.runId = runId;
    QVERIFY_THROWS_EXCEPTION(Error, store.registry().createModelVersion(QStringLiteral("m"), v));
}

void TestRegistry::stageTransitions()
{
    Store store(m_db);
    const QString runId = makeRun(store);
    for (int i = 0; i < 4; ++i)
        store.registry().promoteRun(runId, QStringLiteral("m"));
    store.registry().setModelVersionStage(QStringLiteral("m"), 1, ModelStage::Production);
    store.registry().setModelVersionStage(QStringLiteral("m"), 2, ModelStage::Production);
    store.registry().setModelVersionStage(QStringLiteral("m"), 3, ModelStage::Staging);
    const size_t before = store.registry().auditTrail().size();

    // archive_existing_versions: the other Production versions go to Archived; Staging ones stay.
    store.registry().setModelVersionStage(QStringLiteral("m"), 4, ModelStage::Production, true);
    const RegisteredModel m = *store.registry().registeredModel(QStringLiteral("m"));
    QCOMPARE(m.versions[0].stage, ModelStage::Archived);
    QCOMPARE(m.versions[1].stage, ModelStage::Archived);
    QCOMPARE(m.versions[2].stage, ModelStage::Staging);
    QCOMPARE(m.versions[3].stage, ModelStage::Production);
    const std::vector<AuditEntry> trail = store.registry().auditTrail();
    QCOMPARE(trail.size(), before + 3);
    QCOMPARE(trail[before].version, std::optional<int>(4));
    QCOMPARE(trail[before].from, QStringLiteral("None"));
    QCOMPARE(trail[before].to, QStringLiteral("Production"));
    QCOMPARE(trail[before + 1].version, std::optional<int>(1));
    QCOMPARE(trail[before + 1].to, QStringLiteral("Archived"));
    QCOMPARE(trail[before + 2].version, std::optional<int>(2));

    // Only towards Staging or Production, and only on existing versions.
    QVERIFY_THROWS_EXCEPTION(
        Error, store.registry().setModelVersionStage(QStringLiteral("m"), 3, ModelStage::Archived, true));
    QVERIFY_THROWS_EXCEPTION(
        Error, store.registry().setModelVersionStage(QStringLiteral("m"), 7, ModelStage::Staging));
    QCOMPARE(store.registry().modelVersion(QStringLiteral("m"), 3)->stage, ModelStage::Staging);
    QCOMPARE(store.registry().auditTrail().size(), before + 3);
    QCOMPARE(modelStageFromName(QStringLiteral("production")), std::optional(ModelStage::Production));
}

void TestRegistry::deletes()
{
    Store store(m_db);
    const QString runId = makeRun(store);
    for (int i = 0; i < 3; ++i)
        store.registry().promoteRun(runId, QStringLiteral("m"));
    store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("champion"), 2);
    store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("backup"), 2);
    store.registry().setModelVersionTag(QStringLiteral("m"), 2, QStringLiteral("k"), QStringLiteral("v"));

    store.registry().deleteModelVersion(QStringLiteral("m"), 2);
    QVERIFY(!store.registry().modelVersion(QStringLiteral("m"), 2));
    QVERIFY(store.registry().registeredModel(QStringLiteral("m"))->aliases.isEmpty()); // its aliases went too
    QVERIFY(!store.registry().modelVersionByAlias(QStringLiteral("m"), QStringLiteral("champion")));
    QCOMPARE(store.registry().modelVersionsOfRun(runId).size(), size_t(2));
    const AuditEntry e = store.registry().auditTrail(QStringLiteral("m")).back();
    QCOMPARE(e.action, QStringLiteral("delete"));
    QCOMPARE(e.from, QStringLiteral("version 2 (aliases backup, champion)"));
    // A deleted version takes no more changes.
    QVERIFY_THROWS_EXCEPTION(Error, store.registry().deleteModelVersion(QStringLiteral("m"), 2));
    QVERIFY_THROWS_EXCEPTION(Error, store.registry().setModelVersionTag(
                                        QStringLiteral("m"), 2, QStringLiteral("k"), QStringLiteral("w")));
    QVERIFY_THROWS_EXCEPTION(
        Error, store.registry().setModelVersionDescription(QStringLiteral("m"), 2, QStringLiteral("x")));
    QVERIFY_THROWS_EXCEPTION(
        Error, store.registry().setModelAlias(QStringLiteral("m"), QStringLiteral("champion"), 2));

    store.registry().setRegisteredModelTag(QStringLiteral("m"), QStringLiteral("team"),
                                           QStringLiteral("vision"));
    const size_t trailBefore = store.registry().auditTrail(QStringLiteral("m")).size();
    store.registry().deleteRegisteredModel(QStringLiteral("m"));
    QVERIFY(!store.registry().registeredModel(QStringLiteral("m")));
    QVERIFY(store.registry().modelVersionsOfRun(runId).empty());
    QVERIFY_THROWS_EXCEPTION(Error, store.registry().deleteRegisteredModel(QStringLiteral("m")));
    // The trail stays, ending with the delete; the name is free again and numbering starts over.
    const std::vector<AuditEntry> trail = store.registry().auditTrail(QStringLiteral("m"));
    QCOMPARE(trail.size(), trailBefore + 1);
    QCOMPARE(trail.back().action, QStringLiteral("delete"));
    QCOMPARE(trail.back().version, std::nullopt);
    QCOMPARE(store.registry().promoteRun(runId, QStringLiteral("m")), 1);
    QVERIFY(store.registry().registeredModel(QStringLiteral("m"))->tags.isEmpty());
}

void TestRegistry::lookups()
{
    Store store(m_db);
    const QString a = makeRun(store, QStringLiteral("a"));
    const QString b = makeRun(store, QStringLiteral("b"));
    store.registry().promoteRun(a, QStringLiteral("zeta"));
    store.registry().promoteRun(b, QStringLiteral("zeta"), QStringLiteral("model"), {},
                                QStringLiteral("champion"));
    store.registry().promoteRun(a, QStringLiteral("alpha"), QStringLiteral("model"));
    store.registry().setModelVersionTag(QStringLiteral("alpha"), 1, QStringLiteral("validated"),
                                        QStringLiteral("yes"));

    const std::vector<ModelVersion> ofA = store.registry().modelVersionsOfRun(a);
    QCOMPARE(ofA.size(), size_t(2));
    QCOMPARE(ofA[0].model, QStringLiteral("alpha")); // by model name, then version
    QCOMPARE(ofA[0].tags.value(QStringLiteral("validated")), QStringLiteral("yes"));
    QCOMPARE(ofA[1].model, QStringLiteral("zeta"));
    QCOMPARE(ofA[1].version, 1);
    QCOMPARE(store.registry().modelVersionsOfRun(b).size(), size_t(1));
    QVERIFY(store.registry().modelVersionsOfRun(QStringLiteral("nope")).empty());

    const std::optional<ModelVersion> champion =
        store.registry().modelVersionByAlias(QStringLiteral("zeta"), QStringLiteral("champion"));
    QVERIFY(champion);
    QCOMPARE(champion->version, 2);
    QCOMPARE(champion->runId, b);
    QVERIFY(!store.registry().modelVersionByAlias(QStringLiteral("zeta"), QStringLiteral("other")));
    try {
        store.registry().modelVersionByAlias(QStringLiteral("missing"), QStringLiteral("champion"));
        QFAIL("no error for a missing model");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::NotFound);
    }
    QVERIFY(!store.registry().modelVersion(QStringLiteral("zeta"), 3));

    // The listing: names sorted, versions with their aliases.
    const std::vector<RegisteredModel> all = store.registry().registeredModels();
    QCOMPARE(all.size(), size_t(2));
    QCOMPARE(all[0].name, QStringLiteral("alpha"));
    QCOMPARE(all[1].versions[1].aliases, QStringList{QStringLiteral("champion")});
}

void TestRegistry::auditCompleteness()
{
    Store store(m_db);
    store.database().setUser(QStringLiteral("auditor"));
    const QString runId = makeRun(store);
    const QString m = QStringLiteral("m");

    // Each change leaves exactly one entry, by the store's user, at the time it happened; a repeat that
    // changes nothing leaves none.
    const auto one = [&](const std::function<void()> &change, const QString &action,
                         std::optional<int> version, const QString &from, const QString &to,
                         bool repeatIsNoOp) {
        const size_t before = store.registry().auditTrail().size();
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
        change();
        const qint64 t1 = QDateTime::currentMSecsSinceEpoch();
        const std::vector<AuditEntry> trail = store.registry().auditTrail();
        QCOMPARE(trail.size(), before + 1);
        const AuditEntry &e = trail.back();
        QCOMPARE(e.action, action);
        QCOMPARE(e.user, QStringLiteral("auditor"));
        QCOMPARE(e.model, m);
        QCOMPARE(e.version, version);
        QCOMPARE(e.from, from);
        QCOMPARE(e.to, to);
        QVERIFY2(e.atMs >= t0 && e.atMs <= t1, qPrintable(QString::number(e.atMs)));
        if (repeatIsNoOp) {
            change();
            QCOMPARE(store.registry().auditTrail().size(), before + 1);
        }
    };
    one([&] { store.registry().createRegisteredModel(m, QStringLiteral("d0")); }, QStringLiteral("create"),
        std::nullopt, {}, m, false);
    one([&] { store.registry().promoteRun(runId, m, QStringLiteral("model")); }, QStringLiteral("promote"), 1,
        {}, QStringLiteral("version 1 from run %1").arg(runId), false);
    one([&] { store.registry().promoteRun(runId, m); }, QStringLiteral("promote"), 2, {},
        QStringLiteral("version 2 from run %1").arg(runId), false);
    one([&] { store.registry().setModelAlias(m, QStringLiteral("champion"), 1); },
        QStringLiteral("set_alias"), 1, {}, QStringLiteral("champion@1"), true);
    one([&] { store.registry().setModelAlias(m, QStringLiteral("champion"), 2); },
        QStringLiteral("set_alias"), 2, QStringLiteral("champion@1"), QStringLiteral("champion@2"), true);
    one([&] { store.registry().deleteModelAlias(m, QStringLiteral("champion")); },
        QStringLiteral("delete_alias"), 2, QStringLiteral("champion@2"), {}, false);
    one([&] { store.registry().setModelVersionStage(m, 1, ModelStage::Staging); },
        QStringLiteral("set_stage"), 1, QStringLiteral("None"), QStringLiteral("Staging"), true);
    one([&] { store.registry().setModelVersionStage(m, 1, ModelStage::Production); },
        QStringLiteral("set_stage"), 1, QStringLiteral("Staging"), QStringLiteral("Production"), true);
    one([&] { store.registry().setRegisteredModelDescription(m, QStringLiteral("d1")); },
        QStringLiteral("set_description"), std::nullopt, QStringLiteral("d0"), QStringLiteral("d1"), true);
    one([&] { store.registry().setModelVersionDescription(m, 2, QStringLiteral("v2 notes")); },
        QStringLiteral("set_description"), 2, QString(), QStringLiteral("v2 notes"), true);
    one([&] { store.registry().setRegisteredModelTag(m, QStringLiteral("team"), QStringLiteral("a")); },
        QStringLiteral("set_tag"), std::nullopt, {}, QStringLiteral("team=a"), true);
    one([&] { store.registry().setRegisteredModelTag(m, QStringLiteral("team"), QStringLiteral("b")); },
        QStringLiteral("set_tag"), std::nullopt, QStringLiteral("team=a"), QStringLiteral("team=b"), true);
    one([&] { store.registry().deleteRegisteredModelTag(m, QStringLiteral("team")); },
        QStringLiteral("delete_tag"), std::nullopt, QStringLiteral("team=b"), {}, true);
    one([&] { store.registry().setModelVersionTag(m, 1, QStringLiteral("ok"), QStringLiteral("yes")); },
        QStringLiteral("set_tag"), 1, {}, QStringLiteral("ok=yes"), true);
    one([&] { store.registry().deleteModelVersionTag(m, 1, QStringLiteral("ok")); },
        QStringLiteral("delete_tag"), 1, QStringLiteral("ok=yes"), {}, true);
    one([&] { store.registry().deleteModelVersion(m, 1); }, QStringLiteral("delete"), 1,
        QStringLiteral("version 1"), {}, false);
    one([&] { store.registry().deleteRegisteredModel(m); }, QStringLiteral("delete"), std::nullopt,
        QStringLiteral("model m with 1 version(s)"), {}, false);

    // Promoting into a model that does not exist yet is two changes: its creation and the version.
    const size_t before = store.registry().auditTrail().size();
    store.registry().promoteRun(runId, QStringLiteral("fresh"));
    const std::vector<AuditEntry> trail = store.registry().auditTrail(QStringLiteral("fresh"));
    QCOMPARE(store.registry().auditTrail().size(), before + 2);
    QCOMPARE(trail.size(), size_t(2));
    QCOMPARE(trail[0].action, QStringLiteral("create"));
    QCOMPARE(trail[1].action, QStringLiteral("promote"));
}

// Every tag, alias, description and stage setter goes through one audited change: besides its audit row
// (auditCompleteness), a change moves the updated_ms of what it belongs to (the model, or the version) and
// of nothing else, and a call that changes nothing, or a refused one, writes nothing.
void TestRegistry::auditedChangesTouchTheirOwnerOnly()
{
    Store store(m_db);
    Registry &registry = store.registry();
    const QString runId = makeRun(store);
    const QString m = QStringLiteral("m");
    registry.createRegisteredModel(m);
    registry.promoteRun(runId, m);
    registry.promoteRun(runId, m);

    enum class Owner { Model, Version };
    const auto stamps = [&] {
        return std::tuple(registry.registeredModel(m)->updatedMs, registry.modelVersion(m, 1)->updatedMs,
                          registry.modelVersion(m, 2)->updatedMs);
    };
    const auto check = [&](const char *what, const std::function<void()> &change, Owner owner) {
        QTest::qSleep(3); // a later millisecond than every earlier write
        const auto [model0, v10, v20] = stamps();
        const size_t audit0 = registry.auditTrail().size();
        change();
        const auto [model1, v11, v21] = stamps();
        QVERIFY2(registry.auditTrail().size() == audit0 + 1, what);
        QVERIFY2(owner == Owner::Model ? model1 > model0 : model1 == model0, what);
        QVERIFY2(owner == Owner::Version ? v11 > v10 : v11 == v10, what); // the changes are on version 1
        QVERIFY2(v21 == v20, what);
        QTest::qSleep(3);
        try {
            change(); // the same again: nothing to change (or, for removals, nothing there)
        } catch (const Error &e) {
            QVERIFY2(e.kind() == Error::Kind::NotFound, what);
        }
        QVERIFY2(stamps() == std::tuple(model1, v11, v21), what);
        QVERIFY2(registry.auditTrail().size() == audit0 + 1, what);
    };
    check(
        "set alias", [&] { registry.setModelAlias(m, QStringLiteral("champion"), 1); }, Owner::Model);
    check(
        "delete alias", [&] { registry.deleteModelAlias(m, QStringLiteral("champion")); }, Owner::Model);
    check(
        "set model tag", [&] { registry.setRegisteredModelTag(m, QStringLiteral("k"), QStringLiteral("v")); },
        Owner::Model);
    check(
        "delete model tag", [&] { registry.deleteRegisteredModelTag(m, QStringLiteral("k")); }, Owner::Model);
    check(
        "set version tag",
        [&] { registry.setModelVersionTag(m, 1, QStringLiteral("k"), QStringLiteral("v")); }, Owner::Version);
    check(
        "delete version tag", [&] { registry.deleteModelVersionTag(m, 1, QStringLiteral("k")); },
        Owner::Version);
    check(
        "set model description", [&] { registry.setRegisteredModelDescription(m, QStringLiteral("d")); },
        Owner::Model);
    check(
        "set version description", [&] { registry.setModelVersionDescription(m, 1, QStringLiteral("d")); },
        Owner::Version);
    check(
        "set stage", [&] { registry.setModelVersionStage(m, 1, ModelStage::Staging); }, Owner::Version);

    // Refused before anything is written: a deleted alias, a stage of a version that is not there.
    const auto before = stamps();
    const size_t audit = registry.auditTrail().size();
    QVERIFY_THROWS_EXCEPTION(Error, registry.deleteModelAlias(m, QStringLiteral("nobody")));
    QVERIFY_THROWS_EXCEPTION(Error, registry.setModelVersionStage(m, 7, ModelStage::Production));
    QCOMPARE(stamps(), before);
    QCOMPARE(registry.auditTrail().size(), audit);
}

void TestRegistry::auditCsvQuotes()
{
    std::vector<AuditEntry> entries{
        {1'700'000'000'123, QStringLiteral("al,ice"), QStringLiteral("m \"quoted\""), 3,
         QStringLiteral("set_description"), QStringLiteral("line one\nline two"), QStringLiteral("plain")},
        {1'700'000'000'000, QStringLiteral("bob"), QStringLiteral("m"), std::nullopt,
         QStringLiteral("create"), QString(), QStringLiteral("m")},
    };
    const QList<QStringList> rows = test::parseCsv(auditCsv(entries));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0], (QStringList{"time", "user", "model", "version", "action", "from", "to"}));
    QCOMPARE(rows[1], (QStringList{"2023-11-14T22:13:20.123Z", "al,ice", "m \"quoted\"", "3",
                                   "set_description", "line one\nline two", "plain"}));
    QCOMPARE(rows[2], (QStringList{"2023-11-14T22:13:20.000Z", "bob", "m", "", "create", "", "m"}));
    QCOMPARE(auditCsv({}), QStringLiteral("time,user,model,version,action,from,to\n"));
}

// ----------------------------------------------------------------------------------------- processes

void TestRegistry::concurrentPromotesFromTwoProcesses()
{
    QString runId;
    {
        Store store(m_db);
        runId = makeRun(store);
    }
    // Two waves of promotes started together, all against one file and a model that does not exist yet: the
    // first ones race to create it, all of them race for the next number.
    constexpr int Waves = 2;
    constexpr int PerWave = 10;
    QList<int> printed;
    for (int wave = 0; wave < Waves; ++wave) {
        std::vector<std::unique_ptr<QProcess>> procs;
        for (int i = 0; i < PerWave; ++i)
            procs.emplace_back(
                start({QStringLiteral("--db"), m_db, QStringLiteral("promote"), runId,
                       QStringLiteral("--model"), QStringLiteral("raced"), QStringLiteral("--path"),
                       QStringLiteral("model"), QStringLiteral("--format"), QStringLiteral("json")}));
        for (auto &p : procs) {
            QVERIFY(p->waitForFinished(TimeoutMs));
            const QByteArray err = p->readAllStandardError();
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.constData());
            const QJsonArray rows = QJsonDocument::fromJson(p->readAllStandardOutput()).array();
            QCOMPARE(rows.size(), 1);
            printed << rows[0].toObject().value(QStringLiteral("version")).toInt();
        }
    }
    constexpr int N = Waves * PerWave;
    QList<int> expected;
    for (int i = 1; i <= N; ++i)
        expected << i;
    std::sort(printed.begin(), printed.end());
    QCOMPARE(printed, expected); // each process got its own number

    Store store(m_db);
    const RegisteredModel m = *store.registry().registeredModel(QStringLiteral("raced"));
    QCOMPARE(versionNumbers(m), expected); // exactly 1..N, no duplicates or gaps
    const std::vector<AuditEntry> trail = store.registry().auditTrail(QStringLiteral("raced"));
    QCOMPARE(trail.size(), size_t(N + 1));
    QCOMPARE(
        std::count_if(trail.begin(), trail.end(), [](const AuditEntry &e) { return e.action == "create"; }),
        1);
    QSet<int> audited;
    for (const AuditEntry &e : trail) {
        QCOMPARE(e.user, QStringLiteral("cli-tester"));
        if (e.action == QLatin1String("promote"))
            audited.insert(*e.version);
    }
    QCOMPARE(audited.size(), N);
}

void TestRegistry::cliRoundTrip()
{
    QString runId;
    {
        Store store(m_db);
        runId = makeRun(store);
        makeRun(store, QStringLiteral("other"));
    }
    const QString db = m_db;
    Result r = run({"--db", db, "promote", runId, "--model", "clf", "--path", "model", "--alias", "champion",
                    "--description", "first, \"quoted\""});
    VERIFY_EXIT(r, 0);
    QCOMPARE(QString::fromUtf8(r.out).trimmed(),
             QStringLiteral("Registered 'clf' version 1 from run %1").arg(runId));
    VERIFY_EXIT(run({"--db", db, "promote", runId, "--model", "clf"}), 0);
    VERIFY_EXIT(run({"--db", db, "stage", "clf", "1", "production"}), 0);
    VERIFY_EXIT(run({"--db", db, "stage", "clf", "2", "Staging"}), 0);
    r = run({"--db", db, "alias", "clf", "2", "challenger"});
    VERIFY_EXIT(r, 0);
    r = run({"--db", db, "alias", "clf", "2", "champion"});
    VERIFY_EXIT(r, 0);
    QVERIFY2(r.out.contains("Moved alias 'champion' of 'clf' from version 1 to 2"), r.out.constData());
    r = run({"--db", db, "alias", "--delete", "clf", "1", "challenger"}); // points at 2: refused
    VERIFY_EXIT(r, 1);
    VERIFY_EXIT(run({"--db", db, "alias", "--delete", "clf", "2", "challenger"}), 0);
    VERIFY_EXIT(run({"--db", db, "alias", "clf", "1", "previous"}), 0);

    // models: the listing in all three formats.
    r = run({"--db", db, "models", "--format", "json"});
    VERIFY_EXIT(r, 0);
    const QJsonArray models = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(models.size(), 1);
    const QJsonObject row = models[0].toObject();
    QCOMPARE(row.value("name").toString(), QStringLiteral("clf"));
    QCOMPARE(row.value("latest_version").toInt(), 2);
    QCOMPARE(row.value("aliases").toObject(), (QJsonObject{{"champion", 2}, {"previous", 1}}));
    QCOMPARE(row.value("stages").toObject(),
             (QJsonObject{{"Staging", QJsonArray{2}}, {"Production", QJsonArray{1}}}));
    QVERIFY(row.contains("updated") && row.contains("tags") && row.contains("description"));
    r = run({"--db", db, "models", "--format", "csv"});
    VERIFY_EXIT(r, 0);
    const QList<QStringList> csv = test::parseCsv(QString::fromUtf8(r.out));
    QCOMPARE(csv.size(), 2);
    QCOMPARE(csv[0],
             (QStringList{"name", "latest_version", "aliases", "stages", "tags", "description", "updated"}));
    QCOMPARE(csv[1].mid(0, 4),
             (QStringList{"clf", "2", "champion: 2, previous: 1", "Staging: 2; Production: 1"}));
    r = run({"--db", db, "models"});
    VERIFY_EXIT(r, 0);
    QVERIFY2(r.out.contains("Production: 1"), r.out.constData());

    // model: versions with runs, stages, aliases, and the audit trail (also as CSV).
    const QString auditFile = m_dir->filePath(QStringLiteral("audit.csv"));
    r = run({"--db", db, "model", "clf", "--format", "json", "--audit-csv", auditFile});
    VERIFY_EXIT(r, 0);
    const QJsonObject model = QJsonDocument::fromJson(r.out).object();
    const QJsonArray versions = model.value("versions").toArray();
    QCOMPARE(versions.size(), 2);
    QCOMPARE(versions[0].toObject().value("run_id").toString(), runId);
    QCOMPARE(versions[0].toObject().value("source").toString(), QStringLiteral("model"));
    QCOMPARE(versions[0].toObject().value("stage").toString(), QStringLiteral("Production"));
    QCOMPARE(versions[0].toObject().value("aliases").toArray(), QJsonArray{"previous"});
    QCOMPARE(versions[0].toObject().value("description").toString(), QStringLiteral("first, \"quoted\""));
    QCOMPARE(versions[1].toObject().value("aliases").toArray(), QJsonArray{"champion"});
    const QJsonArray audit = model.value("audit").toArray();
    QStringList actions;
    for (const QJsonValue &e : audit) {
        actions << e.toObject().value("action").toString();
        QCOMPARE(e.toObject().value("user").toString(), QStringLiteral("cli-tester"));
    }
    QCOMPARE(actions, (QStringList{"create", "promote", "set_alias", "promote", "set_stage", "set_stage",
                                   "set_alias", "set_alias", "delete_alias", "set_alias"}));
    QFile csvFile(auditFile);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    {
        Store store(m_db);
        QCOMPARE(QString::fromUtf8(csvFile.readAll()),
                 auditCsv(store.registry().auditTrail(QStringLiteral("clf"))));
    }
    // --audit-csv naming the database itself (or its WAL) would replace it under SQLite: refused, kept.
    for (const QString &target : {db, db + QStringLiteral("-wal")}) {
        r = run({"--db", db, "model", "clf", "--audit-csv", target});
        QVERIFY2(r.exitCode != 0, r.err.constData());
        QVERIFY2(r.err.contains("cannot write") && r.err.contains("which is open"), r.err.constData());
    }
    r = run({"--db", db, "model", "clf"});
    VERIFY_EXIT(r, 0);
    QVERIFY2(r.out.contains("Audit trail (10)") && r.out.contains(runId.toUtf8()), r.out.constData());

    // model-export by alias: the version's folder, byte for byte, relative to it, plus the lineage.
    const QString out = m_dir->filePath(QStringLiteral("export/champion"));
    r = run({"--db", db, "model-export", "clf", "@previous", "--out", out});
    VERIFY_EXIT(r, 0);
    QCOMPARE(test::filesUnder(out),
             (QStringList{"MLmodel", "conda.yaml", "lineage.json", "weights/model.bin"}));
    for (const char *file : {"MLmodel", "conda.yaml", "weights/model.bin"}) {
        const QString original = m_dir->filePath(QStringLiteral("files/r1/model/") + QLatin1String(file));
        QCOMPARE(test::fileSha256(out + QLatin1Char('/') + QLatin1String(file)), test::fileSha256(original));
    }
    QFile lineageFile(out + QStringLiteral("/lineage.json"));
    QVERIFY(lineageFile.open(QIODevice::ReadOnly));
    const QJsonObject lineage = QJsonDocument::fromJson(lineageFile.readAll()).object();
    QCOMPARE(lineage.value("model").toString(), QStringLiteral("clf"));
    QCOMPARE(lineage.value("version").toInt(), 1);
    QCOMPARE(lineage.value("aliases").toArray(), QJsonArray{"previous"});
    QCOMPARE(lineage.value("stage").toString(), QStringLiteral("Production"));
    QCOMPARE(lineage.value("run_id").toString(), runId);
    QCOMPARE(lineage.value("run_name").toString(), QStringLiteral("r1"));
    QCOMPARE(lineage.value("experiment").toString(), QStringLiteral("train"));
    QCOMPARE(lineage.value("git_commit").toString(), QStringLiteral("0123456789abcdef"));
    QCOMPARE(lineage.value("source").toString(), QStringLiteral("model"));
    QCOMPARE(lineage.value("user").toString(), QStringLiteral("cli-tester"));
    QVERIFY(!lineage.value("created").toString().isEmpty());
    QCOMPARE(lineage.value("params").toObject(), (QJsonObject{{"lr", "0.01"}, {"layers", "4"}}));
    const QJsonObject loss = lineage.value("metrics").toObject().value("loss").toObject();
    QCOMPARE(loss.value("last").toDouble(), 0.1);
    QCOMPARE(loss.value("min").toDouble(), 0.1);
    QCOMPARE(loss.value("max").toDouble(), 1.0);
    QCOMPARE(loss.value("count").toInt(), 10);
    const QJsonObject acc = lineage.value("metrics").toObject().value("acc").toObject();
    QCOMPARE(acc.value("last").toString(), QStringLiteral("NaN")); // non-finite values as strings
    QCOMPARE(lineage.value("artifacts").toArray().size(), 3);

    // The whole run, by number; numbers may be written v2.
    const QString whole = m_dir->filePath(QStringLiteral("whole"));
    QVERIFY(QDir().mkpath(whole)); // an existing empty folder is fine
    VERIFY_EXIT(run({"--db", db, "model-export", "clf", "v2", "--out", whole}), 0);
    QCOMPARE(test::filesUnder(whole),
             (QStringList{"lineage.json", "model/MLmodel", "model/conda.yaml", "model/weights/model.bin",
                          "modelcard.md", "plots/loss.csv"}));
    QCOMPARE(test::fileSha256(whole + QStringLiteral("/modelcard.md")),
             test::fileSha256(m_dir->filePath(QStringLiteral("files/r1/modelcard.md"))));
    // @latest is the newest version.
    const QString latest = m_dir->filePath(QStringLiteral("latest"));
    VERIFY_EXIT(run({"--db", db, "model-export", "clf", "@latest", "--out", latest}), 0);
    QVERIFY(QFile::exists(latest + QStringLiteral("/plots/loss.csv")));
}

void TestRegistry::cliBadInput()
{
    QString runId;
    {
        Store store(m_db);
        runId = makeRun(store);
        store.registry().promoteRun(runId, QStringLiteral("clf"), QStringLiteral("model"));
    }
    const QByteArray before = test::fileSha256(m_db);
    const QString db = m_db;
    struct Case
    {
        QStringList args;
        int exit;
        QByteArray message;
    };
    const QList<Case> cases = {
        {{"promote", runId}, 2, "--model NAME is required"},
        {{"promote", "--model", "clf"}, 2, "expected RUN"},
        {{"promote", runId, "--model", "clf", "--path", "nothing-here"}, 1, "no artifact folder or file"},
        {{"promote", runId, "--model", "clf", "--path", "../../etc"}, 1, "relative artifact path"},
        {{"promote", "ffffffffffffffffffffffffffffffff", "--model", "clf"}, 1, "no run with id"},
        {{"promote", runId, "--model", "clf", "--alias", "latest"}, 1, "reserved"},
        {{"alias", "clf", "1", "v7"}, 1, "reserved"},
        {{"alias", "clf", "1", "a b"}, 1, "letters, digits"},
        {{"alias", "clf", "9", "champion"}, 1, "no version 9"},
        {{"alias", "clf", "one", "champion"}, 2, "VERSION must be"},
        {{"alias", "--delete", "clf", "champion"}, 1, "no alias 'champion'"},
        {{"alias", "clf", "1"}, 2, "expected NAME VERSION ALIAS"},
        {{"stage", "clf", "1", "Shipping"}, 2, "STAGE must be"},
        {{"stage", "clf", "4", "Staging"}, 1, "no version 4"},
        {{"stage", "clf", "1", "Archived", "--archive-existing"}, 1, "Staging or Production"},
        {{"stage", "nope", "1", "Staging"}, 1, "no registered model named 'nope'"},
        {{"model", "nope"}, 1, "no registered model named 'nope'"},
        {{"model"}, 2, "expected NAME"},
        {{"models", "extra"}, 2, "unexpected argument"},
        {{"models", "--format", "xml"}, 2, "--format must be"},
        {{"model-export", "clf", "1"}, 2, "--out DIR is required"},
        {{"model-export", "clf", "@nobody", "--out", "x"}, 1, "no alias 'nobody'"},
        {{"model-export", "clf", "7", "--out", "x"}, 1, "no version 7"},
        {{"model-export", "clf", "seven", "--out", "x"}, 2, "version number or @ALIAS"},
    };
    for (const Case &c : cases) {
        const Result r = run(QStringList{"--db", db} + c.args);
        VERIFY_EXIT(r, c.exit);
        QVERIFY2(r.err.contains(c.message), r.why(c.exit));
    }
    QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("x"))));
    QCOMPARE(test::fileSha256(m_db),
             before); // nothing written (the WAL may have been checkpointed; contents same)
    Store store(m_db);
    QCOMPARE(versionNumbers(*store.registry().registeredModel(QStringLiteral("clf"))), QList<int>{1});
    QCOMPARE(store.registry().auditTrail().size(), size_t(2));
    // Reading commands never create a database.
    const Result r = run({"--db", m_dir->filePath(QStringLiteral("missing.db")), "models"});
    VERIFY_EXIT(r, 1);
    QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("missing.db"))));
}

void TestRegistry::modelExportLeavesNothingOnFailure()
{
    QString runId;
    QString missingObject;
    {
        Store store(m_db);
        runId = makeRun(store);
        store.registry().promoteRun(runId, QStringLiteral("clf"), QStringLiteral("model"));
        // The store lost the bytes of the last file the export would copy.
        for (const Artifact &a : store.artifacts().artifacts(runId)) {
            if (a.path == QLatin1String("model/weights/model.bin"))
                missingObject = ArtifactStore(store.path()).objectPath(a.sha256);
        }
    }
    QVERIFY(QFile::remove(missingObject));
    const QString parent = m_dir->filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(parent));
    const QString target = parent + QStringLiteral("/model");
    Result r = run({"--db", m_db, "model-export", "clf", "1", "--out", target});
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("missing from the artifact store"), r.err.constData());
    QVERIFY(!QFileInfo::exists(target));
    QCOMPARE(QDir(parent).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());

    // An existing empty target stays as it was, too.
    QVERIFY(QDir().mkpath(target));
    VERIFY_EXIT(run({"--db", m_db, "model-export", "clf", "1", "--out", target}), 1);
    QVERIFY(QDir(target).isEmpty());
    QCOMPARE(QDir(parent).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{"model"});

    // A non-empty or non-folder target is refused before anything is read.
    QFile keep(target + QStringLiteral("/keep.txt"));
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("mine");
    keep.close();
    r = run({"--db", m_db, "model-export", "clf", "1", "--out", target});
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("is not empty"), r.err.constData());
    QCOMPARE(QDir(target).entryList(QDir::Files), QStringList{"keep.txt"});
    r = run({"--db", m_db, "model-export", "clf", "1", "--out", keep.fileName()});
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("not a folder"), r.err.constData());
}

void TestRegistry::modelExportFindsSources_data()
{
    QTest::addColumn<QString>("source"); // RUN stands for the run id
    QTest::addColumn<QStringList>("files");

    const QStringList model{"MLmodel", "conda.yaml", "lineage.json", "weights/model.bin"};
    QTest::newRow("relative folder") << "model" << model;
    QTest::newRow("runs URI") << "runs:/RUN/model" << model;
    QTest::newRow("runs URI, whole run")
        << "runs:/RUN"
        << QStringList{"lineage.json", "model/MLmodel", "model/conda.yaml", "model/weights/model.bin",
                       "modelcard.md", "plots/loss.csv"};
    QTest::newRow("file URI of another machine") << "file:///D:/work/mlruns/3/RUN/artifacts/model" << model;
    QTest::newRow("tracking server URI")
        << "mlflow-artifacts:/0/RUN/artifacts/model/weights" << QStringList{"lineage.json", "model.bin"};
    QTest::newRow("a file") << "/home/me/mlruns/0/RUN/artifacts/modelcard.md"
                            << QStringList{"lineage.json", "modelcard.md"};
    QTest::newRow("another store") << "s3://bucket/models/RUN-copy/model" << QStringList();
    QTest::newRow("absolute path elsewhere") << "/srv/models/model" << QStringList();
    QTest::newRow("artifacts of a look-alike folder") << "/x/RUN/artifactsX/model" << QStringList();
    QTest::newRow("escaping") << "runs:/RUN/../../etc" << QStringList();
}

void TestRegistry::modelExportFindsSources()
{
    QFETCH(QString, source);
    QFETCH(QStringList, files);
    {
        Store store(m_db);
        const QString runId = makeRun(store);
        store.registry().createRegisteredModel(QStringLiteral("m"));
        ModelVersion v;
        v.runId = runId;
        v.source = QString(source).replace(QLatin1String("RUN"), runId);
        store.registry().createModelVersion(QStringLiteral("m"), v);
    }
    const QString out = m_dir->filePath(QStringLiteral("out"));
    const Result r = run({"--db", m_db, "model-export", "m", "1", "--out", out});
    if (files.isEmpty()) {
        VERIFY_EXIT(r, 1);
        QVERIFY2(r.err.contains("not among the artifacts") || r.err.contains("unsafe artifact path"),
                 r.err.constData());
        QVERIFY(!QFileInfo::exists(out));
        return;
    }
    VERIFY_EXIT(r, 0);
    QCOMPARE(test::filesUnder(out), files);
}

void TestRegistry::importedRegistries_data()
{
    QTest::addColumn<QString>("source");    // under the fixtures
    QTest::addColumn<QString>("importArg"); // what to import, relative to the copy

    QTest::newRow("mlflow file store") << "mlflow-file"
                                       << "mlruns";
    QTest::newRow("mlflow database") << "mlflow-sqlite"
                                     << "mlflow.db";
}

void TestRegistry::importedRegistries()
{
    QFETCH(QString, source);
    QFETCH(QString, importArg);
    const QString copy = m_dir->filePath(QStringLiteral("fixture"));
    QVERIFY(test::copyTree(Fixtures + QLatin1Char('/') + source, copy));
    QFile truthFile(copy + QStringLiteral("/ground_truth.json"));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonObject registry =
        QJsonDocument::fromJson(truthFile.readAll()).object().value("registry").toObject();
    const QString name = registry.value("name").toString();
    QVERIFY(!name.isEmpty());

    // Which run each version came from, as the source itself says.
    QMap<int, QString> runOfVersion;
    if (importArg == QLatin1String("mlruns")) {
        for (const QJsonValue &v : registry.value("versions").toArray()) {
            QFile meta(
                QStringLiteral("%1/mlruns/models/%2/version-%3/meta.yaml").arg(copy, name).arg(v.toInt()));
            QVERIFY(meta.open(QIODevice::ReadOnly));
            const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("(?m)^run_id: (\\w+)$"))
                                                  .match(QString::fromUtf8(meta.readAll()));
            QVERIFY(m.hasMatch());
            runOfVersion.insert(v.toInt(), m.captured(1));
        }
    } else {
        {
            QSqlDatabase src =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fixture"));
            src.setDatabaseName(copy + QStringLiteral("/mlflow.db"));
            src.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            QVERIFY(src.open());
            QSqlQuery q(src);
            QVERIFY(q.exec(
                QStringLiteral("SELECT version, run_id FROM model_versions WHERE name = '%1'").arg(name)));
            while (q.next())
                runOfVersion.insert(q.value(0).toInt(), q.value(1).toString());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fixture"));
    }
    QCOMPARE(runOfVersion.size(), registry.value("versions").toArray().size());

    Result r = run({"--db", m_db, "import", copy + QLatin1Char('/') + importArg});
    VERIFY_EXIT(r, 0);

    r = run({"--db", m_db, "models", "--format", "json"});
    VERIFY_EXIT(r, 0);
    const QJsonArray models = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(models.size(), 1);
    const QJsonObject row = models[0].toObject();
    QCOMPARE(row.value("name").toString(), name);
    QCOMPARE(row.value("latest_version").toInt(), runOfVersion.lastKey());
    QJsonObject aliases;
    const QJsonObject truthAliases = registry.value("alias").toObject();
    for (auto it = truthAliases.begin(); it != truthAliases.end(); ++it)
        aliases.insert(it.key(), it.value().toInt());
    QCOMPARE(row.value("aliases").toObject(), aliases);
    QJsonObject stages;
    const QJsonObject truthStages = registry.value("stages").toObject();
    for (auto it = truthStages.begin(); it != truthStages.end(); ++it) {
        QJsonArray numbers = stages.value(it.value().toString()).toArray();
        numbers.append(it.key().toInt());
        stages.insert(it.value().toString(), numbers);
    }
    QCOMPARE(row.value("stages").toObject(), stages);

    r = run({"--db", m_db, "model", name, "--format", "json"});
    VERIFY_EXIT(r, 0);
    const QJsonArray versions = QJsonDocument::fromJson(r.out).object().value("versions").toArray();
    QCOMPARE(versions.size(), runOfVersion.size());
    for (const QJsonValue &value : versions) {
        const QJsonObject v = value.toObject();
        const int number = v.value("version").toInt();
        QCOMPARE(v.value("run_id").toString(), runOfVersion.value(number));
        QCOMPARE(v.value("stage").toString(), truthStages.value(QString::number(number)).toString());
    }

    // The champion's files, found under its run although its source names another machine's path.
    const QString out = m_dir->filePath(QStringLiteral("champion"));
    r = run({"--db", m_db, "model-export", name, "@champion", "--out", out});
    VERIFY_EXIT(r, 0);
    const QStringList files = test::filesUnder(out);
    QVERIFY2(files.contains("MLmodel") && files.contains("model.pkl") && files.contains("lineage.json"),
             qPrintable(files.join(u' ')));
    QFile lineageFile(out + QStringLiteral("/lineage.json"));
    QVERIFY(lineageFile.open(QIODevice::ReadOnly));
    const QJsonObject lineage = QJsonDocument::fromJson(lineageFile.readAll()).object();
    QCOMPARE(lineage.value("version").toInt(), registry.value("alias").toObject().value("champion").toInt());
    QCOMPARE(lineage.value("run_id").toString(), runOfVersion.value(lineage.value("version").toInt()));
    QCOMPARE(lineage.value("source_in_run").toString(), QStringLiteral("model"));
    QVERIFY(!lineage.value("params").toObject().isEmpty());
    QVERIFY(!lineage.value("metrics").toObject().isEmpty());
}

void TestRegistry::reimportKeepsDeletedVersionsDeleted()
{
    const QString copy = m_dir->filePath(QStringLiteral("fixture"));
    QVERIFY(test::copyTree(Fixtures + QStringLiteral("/mlflow-file"), copy));
    const QString mlruns = copy + QStringLiteral("/mlruns");
    Store store(m_db);
    import::importPaths(store, {mlruns}, import::Format::Auto, {});
    store.registry().deleteModelVersion(QStringLiteral("toy-classifier"), 1);

    // The source gains a model tag meanwhile; re-importing brings it, and version 1 stays deleted.
    QFile tag(mlruns + QStringLiteral("/models/toy-classifier/tags/owner"));
    QVERIFY(tag.open(QIODevice::WriteOnly));
    tag.write("vision-team");
    tag.close();
    const import::ImportReport report = import::importPaths(store, {mlruns}, import::Format::Auto, {});
    const RegisteredModel m = *store.registry().registeredModel(QStringLiteral("toy-classifier"));
    QCOMPARE(m.tags.value(QStringLiteral("owner")), QStringLiteral("vision-team"));
    QCOMPARE(versionNumbers(m), QList<int>{2});
    QCOMPARE(m.aliases.value(QStringLiteral("champion")), 2);
    QCOMPARE(report.versionsAdded, 0);
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
