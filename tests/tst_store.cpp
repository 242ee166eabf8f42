// SPDX-License-Identifier: GPL-3.0-or-later
// The store's entities and semantics (design.md "Data model"): experiments, runs, immutable params, mutable
// tags with MLflow's well-known keys, NaN/Inf round trips, duplicate steps, MLflow's "last" rule, atomic
// batches, and defensive opening of files that are not ours or are newer.

#include "store/database.h"
#include "store/schema.h"
#include "store/store.h"

#include <limits>
#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace runlens;

Q_DECLARE_METATYPE(std::vector<runlens::MetricPoint>)

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void createsWithSchema();
    void experiments();
    void experimentNamesStayTakenInTheTrash();
    void runsAndDefaults();
    void paramsAreImmutable();
    void tagsFillNativeFields();
    void descriptionIsTheNoteTag();
    void childRuns();
    void everyChangeMovesTheRunStamp();
    void metricStepRanges();
    void invalidKeysAndIds_data();
    void invalidKeysAndIds();
    void nonFiniteRoundTrip();
    void duplicateStepsKeptInOrder();
    void lastValueRule_data();
    void lastValueRule();
    void failingBatchLeavesNothing();
    void failingTransactionLeavesNothing();
    void innerGuardRollsBackAlone();
    void lifecycleAndSearchScope();
    void refusesForeignFiles_data();
    void refusesForeignFiles();
    void readOnlyMode();
    void defaultPathHonoursEnvironment();

private:
    Run newRun(const QString &name = {});
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    ExperimentId m_experiment = 0;
};

void TestStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<Store>(m_dir->filePath(QStringLiteral("sub/dir/store.db")));
    m_experiment = m_store->runs().createExperiment(QStringLiteral("exp"), QStringLiteral("first"));
}

void TestStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

Run TestStore::newRun(const QString &name)
{
    NewRun init;
    init.experimentId = m_experiment;
    init.name = name;
    return m_store->runs().createRun(init);
}

void TestStore::createsWithSchema()
{
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral("sub/dir/store.db"))));
    QCOMPARE(m_store->schemaVersion(), schema::latestVersion());
    QVERIFY(m_store->backupPath().isEmpty()); // a new file needs no backup
    // Reopening an up-to-date database changes nothing and makes no backup.
    m_store.reset();
    Store again(m_dir->filePath(QStringLiteral("sub/dir/store.db")));
    QCOMPARE(again.schemaVersion(), schema::latestVersion());
    QVERIFY(again.backupPath().isEmpty());
    QCOMPARE(again.runs().experiments().size(), size_t(1));
}

void TestStore::experiments()
{
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().createExperiment(QStringLiteral("exp")));
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().createExperiment(QStringLiteral("   ")));
    const ExperimentId b = m_store->runs().createExperiment(QStringLiteral("second"));
    QCOMPARE(m_store->runs().ensureExperiment(QStringLiteral("second")), b);
    newRun();
    newRun();
    std::vector<Experiment> all = m_store->runs().experiments();
    QCOMPARE(all.size(), size_t(2));
    QCOMPARE(all[0].name, QStringLiteral("exp"));
    QCOMPARE(all[0].description, QStringLiteral("first"));
    QCOMPARE(all[0].runCount, qint64(2));
    QCOMPARE(all[1].runCount, qint64(0));

    m_store->runs().renameExperiment(b, QStringLiteral("renamed"));
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().renameExperiment(b, QStringLiteral("exp")));
    m_store->runs().setExperimentDescription(b, QStringLiteral("## notes"));
    m_store->runs().setExperimentTag(b, QStringLiteral("team"), QStringLiteral("vision"));
    m_store->runs().setExperimentTag(b, QStringLiteral("team"), QStringLiteral("nlp"));
    const auto e = m_store->runs().experimentByName(QStringLiteral("renamed"));
    QVERIFY(e);
    QCOMPARE(e->description, QStringLiteral("## notes"));
    QCOMPARE(e->tags.value(QStringLiteral("team")), QStringLiteral("nlp"));

    m_store->runs().setExperimentLifecycle(b, Lifecycle::Deleted);
    QCOMPARE(m_store->runs().experiments().size(), size_t(1));
    QCOMPARE(m_store->runs().experiments(true).size(), size_t(2));
    NewRun init;
    init.experimentId = b;
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().createRun(init)); // no runs in a deleted experiment
    m_store->runs().setExperimentLifecycle(b, Lifecycle::Active);
    QCOMPARE(m_store->runs().experiments().size(), size_t(2));
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().setExperimentDescription(9999, QStringLiteral("x")));
}

void TestStore::experimentNamesStayTakenInTheTrash()
{
    // MLflow semantics: a trashed experiment keeps its name until it is purged, and only active experiments
    // are edited. Every refusal names the reason and changes nothing.
    const auto conflict = [](auto &&call, const char *needle) {
        try {
            call();
        } catch (const Error &e) {
            QCOMPARE(e.kind(), Error::Kind::Conflict);
            QVERIFY2(e.message().contains(QLatin1String(needle)), qPrintable(e.message()));
            return;
        }
        QFAIL("no Conflict thrown");
    };
    const ExperimentId gone =
        m_store->runs().createExperiment(QStringLiteral("  old sweep "), QStringLiteral("notes"));
    QCOMPARE(m_store->runs().experiment(gone)->name, QStringLiteral("old sweep")); // stored trimmed
    const ExperimentId other = m_store->runs().createExperiment(QStringLiteral("other"));
    conflict([&] { m_store->runs().createExperiment(QStringLiteral("other ")); }, "already exists");
    conflict([&] { m_store->runs().renameExperiment(gone, QStringLiteral("exp")); }, "already exists");
    m_store->runs().renameExperiment(gone, QStringLiteral("old sweep")); // its own name is no conflict

    m_store->runs().setExperimentLifecycle(gone, Lifecycle::Deleted);
    conflict([&] { m_store->runs().createExperiment(QStringLiteral("old sweep")); }, "is in the trash");
    conflict([&] { m_store->runs().renameExperiment(other, QStringLiteral("old sweep")); },
             "is in the trash");
    conflict([&] { m_store->runs().renameExperiment(gone, QStringLiteral("fresh")); },
             "restore it before renaming");
    conflict([&] { m_store->runs().setExperimentDescription(gone, QStringLiteral("x")); },
             "restore it before");
    conflict([&] { m_store->runs().setExperimentTag(gone, QStringLiteral("k"), QStringLiteral("v")); },
             "restore it before");
    const Experiment kept = *m_store->runs().experiment(gone);
    QCOMPARE(kept.name, QStringLiteral("old sweep"));
    QCOMPARE(kept.description, QStringLiteral("notes"));
    QVERIFY(kept.tags.isEmpty());
    QCOMPARE(m_store->runs().experiment(other)->name, QStringLiteral("other"));
    QCOMPARE(m_store->runs().experiments(true).size(), size_t(3));

    // Restored, it is editable again; a name freed by a rename can be taken.
    m_store->runs().setExperimentLifecycle(gone, Lifecycle::Active);
    m_store->runs().renameExperiment(gone, QStringLiteral("new sweep"));
    QCOMPARE(m_store->runs().experimentByName(QStringLiteral("new sweep"))->lifecycle, Lifecycle::Active);
    const ExperimentId reused = m_store->runs().createExperiment(QStringLiteral("old sweep"));
    QVERIFY(reused != gone);
    try {
        m_store->runs().renameExperiment(other, QStringLiteral(" \t "));
        QFAIL("an empty name was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::Input);
    }
    try {
        m_store->runs().setExperimentLifecycle(424242, Lifecycle::Deleted);
        QFAIL("a missing experiment was deleted");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::NotFound);
    }
}

void TestStore::runsAndDefaults()
{
    const qint64 before = nowMs();
    const Run r = newRun(QStringLiteral("first"));
    QVERIFY(isValidRunId(r.id));
    const auto back = m_store->runs().run(r.id);
    QVERIFY(back);
    QCOMPARE(back->name, QStringLiteral("first"));
    QCOMPARE(back->status, RunStatus::Running);
    QCOMPARE(back->experimentName, QStringLiteral("exp"));
    QVERIFY(back->startMs && *back->startMs >= before);
    QVERIFY(!back->endMs);

    m_store->runs().setRunStatus(r.id, RunStatus::Finished);
    QVERIFY(m_store->runs().run(r.id)->endMs.has_value());
    m_store->runs().setRunStatus(r.id, RunStatus::Killed, 12345);
    QCOMPARE(*m_store->runs().run(r.id)->endMs, qint64(12345));
    m_store->runs().setRunStarred(r.id, true);
    m_store->runs().setRunDescription(r.id, QStringLiteral("*why*"));
    const auto edited = m_store->runs().run(r.id);
    QVERIFY(edited->starred);
    QCOMPARE(edited->description, QStringLiteral("*why*"));
    QCOMPARE(edited->status, RunStatus::Killed);

    // An imported run keeps its id; ids are unique.
    NewRun imported;
    imported.experimentId = m_experiment;
    imported.id = QStringLiteral("0123456789abcdef0123456789abcdef");
    imported.status = RunStatus::Finished;
    imported.startMs = 1000;
    imported.endMs = 2000;
    QCOMPARE(m_store->runs().createRun(imported).id, imported.id);
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().createRun(imported));
    QCOMPARE(*m_store->runs().run(imported.id)->startMs, qint64(1000));
    QVERIFY(!m_store->runs().run(QStringLiteral("ffffffffffffffffffffffffffffffff")));
}

void TestStore::paramsAreImmutable()
{
    const Run r = newRun();
    m_store->runs().logParam(r.id, QStringLiteral("lr"), QStringLiteral("0.01"));
    m_store->runs().logParam(r.id, QStringLiteral("lr"), QStringLiteral("0.01")); // same value: fine
    try {
        m_store->runs().logParam(r.id, QStringLiteral("lr"), QStringLiteral("0.02"));
        QFAIL("a changed param was accepted");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::Conflict);
        QVERIFY2(e.message().contains(QLatin1String("immutable")), qPrintable(e.message()));
    }
    QCOMPARE(m_store->runs().run(r.id)->params.value(QStringLiteral("lr")), QStringLiteral("0.01"));
    m_store->runs().logParam(r.id, QStringLiteral("empty"), QString());
    QVERIFY(m_store->runs().run(r.id)->params.contains(QStringLiteral("empty")));
}

void TestStore::tagsFillNativeFields()
{
    const Run r = newRun(QStringLiteral("orig"));
    const Run parent = newRun(QStringLiteral("parent"));
    m_store->runs().setTag(r.id, QStringLiteral("mlflow.runName"), QStringLiteral("renamed"));
    m_store->runs().setTag(r.id, QStringLiteral("mlflow.user"), QStringLiteral("ana"));
    m_store->runs().setTag(r.id, QStringLiteral("mlflow.source.name"), QStringLiteral("train.py"));
    m_store->runs().setTag(r.id, QStringLiteral("mlflow.source.type"), QStringLiteral("LOCAL"));
    m_store->runs().setTag(r.id, QStringLiteral("mlflow.source.git.commit"), QStringLiteral("abc123"));
    m_store->runs().setTag(r.id, QStringLiteral("mlflow.parentRunId"), parent.id);
    m_store->runs().setTag(r.id, QStringLiteral("mlflow.note.content"), QStringLiteral("# Note"));
    m_store->runs().setTag(r.id, QStringLiteral("team"), QStringLiteral("a"));
    m_store->runs().setTag(r.id, QStringLiteral("team"), QStringLiteral("b")); // tags are mutable
    const auto got = m_store->runs().run(r.id);
    QCOMPARE(got->name, QStringLiteral("renamed"));
    QCOMPARE(got->user, QStringLiteral("ana"));
    QCOMPARE(got->sourceName, QStringLiteral("train.py"));
    QCOMPARE(got->sourceType, QStringLiteral("LOCAL"));
    QCOMPARE(got->gitCommit, QStringLiteral("abc123"));
    QCOMPARE(got->parentId, parent.id);
    QCOMPARE(got->description, QStringLiteral("# Note"));
    QCOMPARE(got->tags.value(QStringLiteral("team")), QStringLiteral("b"));
    QCOMPARE(got->tags.size(), 8); // kept verbatim too
    m_store->runs().setRunName(r.id, QStringLiteral("third"));
    QCOMPARE(m_store->runs().run(r.id)->tags.value(QStringLiteral("mlflow.runName")),
             QStringLiteral("third"));
    m_store->runs().deleteTag(r.id, QStringLiteral("team"));
    QVERIFY(!m_store->runs().run(r.id)->tags.contains(QStringLiteral("team")));
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().deleteTag(r.id, QStringLiteral("team")));
}

void TestStore::descriptionIsTheNoteTag()
{
    const QString note = QString::fromLatin1(mlflowtag::Note);
    const Run r = newRun();
    // Written from the description side: the tag follows, even when the run had none.
    m_store->runs().setRunDescription(r.id, QStringLiteral("## Why\nbecause"));
    auto got = m_store->runs().run(r.id);
    QCOMPARE(got->description, QStringLiteral("## Why\nbecause"));
    QCOMPARE(got->tags.value(note), QStringLiteral("## Why\nbecause"));
    // From the tag side (MLflow's UI): the description follows.
    m_store->runs().setTag(r.id, note, QStringLiteral("edited in MLflow"));
    QCOMPARE(m_store->runs().run(r.id)->description, QStringLiteral("edited in MLflow"));
    // Clearing the description keeps an empty tag, so that a re-import does not restore the old note.
    m_store->runs().setRunDescription(r.id, QString());
    got = m_store->runs().run(r.id);
    QVERIFY(got->description.isEmpty());
    QVERIFY(got->tags.contains(note));
    QVERIFY(got->tags.value(note).isEmpty());
    // Deleting the tag deletes the note.
    m_store->runs().setRunDescription(r.id, QStringLiteral("again"));
    m_store->runs().deleteTag(r.id, note);
    got = m_store->runs().run(r.id);
    QVERIFY(got->description.isEmpty());
    QVERIFY(!got->tags.contains(note));
    QVERIFY_THROWS_EXCEPTION(
        Error, m_store->runs().setRunDescription(QStringLiteral("ffffffffffffffffffffffffffffffff"),
                                                 QStringLiteral("x")));
}

// Views re-read a run only when its updatedMs moved: params, tags, metrics and attributes all move it, and
// two changes within one millisecond still give two different stamps.
void TestStore::everyChangeMovesTheRunStamp()
{
    const Run run = newRun(QStringLiteral("stamped"));
    const Run other = newRun(QStringLiteral("untouched"));
    const auto stamp = [&](const QString &id) { return m_store->runs().run(id)->updatedMs; };
    QVERIFY(stamp(run.id) > 0);
    const qint64 otherStamp = stamp(other.id);
    qint64 last = stamp(run.id);
    const auto moved = [&] {
        const qint64 now = stamp(run.id);
        const bool forward = now > last;
        last = now;
        return forward;
    };
    m_store->runs().logParam(run.id, QStringLiteral("lr"), QStringLiteral("0.1"));
    QVERIFY(moved());
    m_store->runs().setTag(run.id, QStringLiteral("team"), QStringLiteral("a"));
    QVERIFY(moved());
    m_store->runs().setTag(run.id, QStringLiteral("team"),
                           QStringLiteral("b")); // same millisecond, most likely
    QVERIFY(moved());
    m_store->runs().deleteTag(run.id, QStringLiteral("team"));
    QVERIFY(moved());
    m_store->series().logMetric(run.id, QStringLiteral("loss"), MetricPoint{0, 0, 1.0});
    QVERIFY(moved());
    m_store->series().logMetric(run.id, QStringLiteral("loss"), MetricPoint{1, 0, 0.5});
    QVERIFY(moved());
    m_store->runs().setRunName(run.id, QStringLiteral("renamed"));
    QVERIFY(moved());
    m_store->runs().setRunStarred(run.id, true);
    QVERIFY(moved());
    m_store->runs().setRunDescription(run.id, QStringLiteral("notes"));
    QVERIFY(moved());
    m_store->runs().setRunStatus(run.id, RunStatus::Finished);
    QVERIFY(moved());
    m_store->runs().setRunLifecycle(run.id, Lifecycle::Deleted);
    QVERIFY(moved());
    m_store->runs().setRunLifecycle(run.id, Lifecycle::Active);
    QVERIFY(moved());
    QCOMPARE(stamp(other.id), otherStamp);

    // The listing's ids with their stamps, in the listing's order; runs read by id with their details.
    RunQuery q;
    q.experiments = {m_experiment};
    q.orderBy = QStringLiteral("attributes.run_name ASC");
    const auto stamps = m_store->runs().searchRunStamps(q);
    QCOMPARE(int(stamps.size()), 2);
    QCOMPARE(stamps[0], std::pair(run.id, last));
    QCOMPARE(stamps[1], std::pair(other.id, otherStamp));
    const std::vector<Run> read = m_store->runs().runs({run.id, QString(32, QLatin1Char('f'))});
    QCOMPARE(int(read.size()), 1);
    QCOMPARE(read[0].name, QStringLiteral("renamed"));
    QCOMPARE(read[0].params.value(QStringLiteral("lr")), QStringLiteral("0.1"));
    QCOMPARE(read[0].metrics.value(QStringLiteral("loss")).last, 0.5);
    QCOMPARE(read[0].updatedMs, last);
}

void TestStore::childRuns()
{
    const Run parent = newRun(QStringLiteral("parent"));
    const Run other = newRun(QStringLiteral("other"));
    const auto child = [&](const QString &name, qint64 start, const QString &parentId) {
        NewRun init;
        init.experimentId = m_experiment;
        init.name = name;
        init.startMs = start;
        init.parentId = parentId;
        return m_store->runs().createRun(init);
    };
    const Run late = child(QStringLiteral("late"), 3000, parent.id);
    const Run early = child(QStringLiteral("early"), 1000, parent.id);
    child(QStringLiteral("elsewhere"), 2000, other.id);
    // Nested through the MLflow tag, as imports do; a deleted child is still listed.
    const Run tagged = child(QStringLiteral("tagged"), 2000, {});
    m_store->runs().setTag(tagged.id, QString::fromLatin1(mlflowtag::ParentRunId), parent.id);
    m_store->runs().setRunLifecycle(tagged.id, Lifecycle::Deleted);

    const std::vector<Run> children = m_store->runs().childRuns(parent.id);
    QCOMPARE(children.size(), size_t(3));
    QCOMPARE(children[0].id, early.id); // oldest first
    QCOMPARE(children[1].id, tagged.id);
    QCOMPARE(children[2].id, late.id);
    QCOMPARE(children[0].name, QStringLiteral("early"));
    QCOMPARE(children[0].parentId, parent.id);
    QCOMPARE(children[0].experimentName, QStringLiteral("exp"));
    QCOMPARE(children[1].lifecycle, Lifecycle::Deleted);
    QVERIFY(m_store->runs().childRuns(early.id).empty());
    try {
        m_store->runs().childRuns(QStringLiteral("ffffffffffffffffffffffffffffffff"));
        QFAIL("children of a missing run were listed");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::NotFound);
    }
}

void TestStore::metricStepRanges()
{
    const Run r = newRun();
    QVERIFY(m_store->series().metricStepRanges(r.id).isEmpty());
    // Steps out of order and a NaN: the range is over steps, whatever the values.
    const std::vector<MetricPoint> loss{{5, 1, 1.0}, {-3, 2, NaN}, {40, 3, 2.0}, {7, 4, 0.5}};
    m_store->series().logMetrics(r.id, QStringLiteral("loss"), loss);
    m_store->series().logMetric(r.id, QStringLiteral("lr"), {100, 5, 0.1});
    const QMap<QString, StepRange> ranges = m_store->series().metricStepRanges(r.id);
    QCOMPARE(ranges.keys(), (QStringList{QStringLiteral("loss"), QStringLiteral("lr")}));
    QCOMPARE(ranges.value(QStringLiteral("loss")).first, qint64(-3));
    QCOMPARE(ranges.value(QStringLiteral("loss")).last, qint64(40));
    QCOMPARE(ranges.value(QStringLiteral("lr")).first, qint64(100));
    QCOMPARE(ranges.value(QStringLiteral("lr")).last, qint64(100));
    // The range is the one an overview of the whole series needs: every point falls in it.
    const StepRange l = ranges.value(QStringLiteral("loss"));
    QCOMPARE(m_store->series().readOverview(r.id, QStringLiteral("loss"), l.first, l.last, 50).pointsInRange,
             qint64(4));
    QVERIFY_THROWS_EXCEPTION(
        Error, m_store->series().metricStepRanges(QStringLiteral("ffffffffffffffffffffffffffffffff")));
}

void TestStore::invalidKeysAndIds_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("key");
    QTest::newRow("empty param key") << "param"
                                     << "";
    QTest::newRow("control character in tag") << "tag"
                                              << "a\nb";
    QTest::newRow("overlong metric key") << "metric" << QString(300, QLatin1Char('k'));
    QTest::newRow("run id with uppercase") << "run"
                                           << "0123456789ABCDEF0123456789ABCDEF";
    QTest::newRow("run id too short") << "run"
                                      << "abc";
    QTest::newRow("run id path traversal") << "run"
                                           << "../../../../etc/passwd00000000000";
}

void TestStore::invalidKeysAndIds()
{
    QFETCH(QString, what);
    QFETCH(QString, key);
    const Run r = newRun();
    bool threw = false;
    try {
        if (what == QLatin1String("param"))
            m_store->runs().logParam(r.id, key, QStringLiteral("v"));
        else if (what == QLatin1String("tag"))
            m_store->runs().setTag(r.id, key, QStringLiteral("v"));
        else if (what == QLatin1String("metric"))
            m_store->series().logMetric(r.id, key, {0, 0, 1.0});
        else {
            NewRun init;
            init.experimentId = m_experiment;
            init.id = key;
            m_store->runs().createRun(init);
        }
    } catch (const Error &e) {
        threw = true;
        QVERIFY(!e.message().isEmpty());
    }
    QVERIFY(threw);
    const auto back = m_store->runs().run(r.id);
    QVERIFY(back->params.isEmpty() && back->tags.isEmpty() && back->metrics.isEmpty());
}

void TestStore::nonFiniteRoundTrip()
{
    const Run r = newRun();
    double payload;
    const quint64 bits = 0x7ff80000'0000beefULL;
    std::memcpy(&payload, &bits, 8);
    const std::vector<MetricPoint> pts{{0, 10, 1.5},  {1, 11, NaN},     {2, 12, Inf}, {3, 13, -Inf},
                                       {4, 14, -0.0}, {5, 15, payload}, {6, 16, NaN}};
    m_store->series().logMetrics(r.id, QStringLiteral("loss"), pts);
    const std::vector<MetricPoint> back = m_store->series().metricHistory(r.id, QStringLiteral("loss"));
    QCOMPARE(back.size(), pts.size());
    for (size_t i = 0; i < pts.size(); ++i) {
        QCOMPARE(back[i].step, pts[i].step);
        QCOMPARE(back[i].timestamp, pts[i].timestamp);
        QVERIFY2(std::memcmp(&back[i].value, &pts[i].value, 8) == 0, qPrintable(QString::number(i)));
    }
    const MetricSummary s = m_store->runs().run(r.id)->metrics.value(QStringLiteral("loss"));
    QVERIFY(std::isnan(s.last)); // step 6 is last, and it is NaN
    QCOMPARE(s.lastStep, qint64(6));
    QCOMPARE(s.min, -Inf);
    QCOMPARE(s.max, Inf);
    QCOMPARE(s.count, qint64(7));

    // A series of NaN only: min and max are NaN, and they survive a reopen.
    m_store->series().logMetrics(r.id, QStringLiteral("nan_only"),
                                 std::vector<MetricPoint>{{0, 0, NaN}, {1, 0, NaN}});
    m_store.reset();
    m_store = std::make_unique<Store>(m_dir->filePath(QStringLiteral("sub/dir/store.db")));
    const MetricSummary n = m_store->runs().run(r.id)->metrics.value(QStringLiteral("nan_only"));
    QVERIFY(std::isnan(n.last) && std::isnan(n.min) && std::isnan(n.max));
    QCOMPARE(n.count, qint64(2));
}

void TestStore::duplicateStepsKeptInOrder()
{
    // As the fixture's run-02: loss step 7 logged twice, the second value 123.0.
    const Run r = newRun();
    for (int s = 0; s < 10; ++s)
        m_store->series().logMetric(r.id, QStringLiteral("loss"), {s, 1000 + s, 1.0 / (s + 1)});
    m_store->series().logMetric(r.id, QStringLiteral("loss"), {7, 2000, 123.0});
    const std::vector<MetricPoint> h = m_store->series().metricHistory(r.id, QStringLiteral("loss"));
    QCOMPARE(h.size(), size_t(11));
    QCOMPARE(h[7].step, qint64(7));
    QCOMPARE(h[7].value, 1.0 / 8);
    QCOMPARE(h[10].step, qint64(7));
    QCOMPARE(h[10].value, 123.0);
    const std::vector<MetricPoint> w = m_store->series().readWindow(r.id, QStringLiteral("loss"), 7, 7);
    QCOMPARE(w.size(), size_t(2));
    QCOMPARE(w[0].value, 1.0 / 8);
    QCOMPARE(w[1].value, 123.0);
    // The last value is the greatest (step, timestamp, value): step 9, not the late step-7 point.
    QCOMPARE(m_store->runs().metricSummary(r.id, QStringLiteral("loss"))->lastStep, qint64(9));
}

void TestStore::lastValueRule_data()
{
    QTest::addColumn<std::vector<MetricPoint>>("points");
    QTest::addColumn<double>("last");
    QTest::addColumn<qint64>("lastStep");
    QTest::newRow("greatest step wins over logging order")
        << std::vector<MetricPoint>{{5, 1, 0.5}, {3, 9, 0.3}} << 0.5 << qint64(5);
    QTest::newRow("same step: later timestamp wins")
        << std::vector<MetricPoint>{{5, 9, 0.9}, {5, 2, 0.2}} << 0.9 << qint64(5);
    QTest::newRow("same step and time: greater value wins (mlflow test db)")
        << std::vector<MetricPoint>{{1, 7, 2.0}, {1, 7, 5.0}, {1, 7, 3.0}, {1, 7, 4.0}} << 5.0 << qint64(1);
    QTest::newRow("same step and time: a number beats NaN")
        << std::vector<MetricPoint>{{1, 7, NaN}, {1, 7, -1.0}} << -1.0 << qint64(1);
    QTest::newRow("NaN at the greatest step is the last value")
        << std::vector<MetricPoint>{{1, 7, 1.0}, {2, 1, NaN}} << NaN << qint64(2);
    QTest::newRow("infinity is an ordinary value")
        << std::vector<MetricPoint>{{1, 1, 1.0}, {1, 1, Inf}} << Inf << qint64(1);
    QTest::newRow("negative steps") << std::vector<MetricPoint>{{-5, 1, 1.0}, {-7, 2, 2.0}} << 1.0
                                    << qint64(-5);
}

void TestStore::lastValueRule()
{
    QFETCH(std::vector<MetricPoint>, points);
    QFETCH(double, last);
    QFETCH(qint64, lastStep);
    const Run bulk = newRun();
    m_store->series().logMetrics(bulk.id, QStringLiteral("m"), points);
    const Run oneByOne = newRun();
    for (const MetricPoint &p : points)
        m_store->series().logMetric(oneByOne.id, QStringLiteral("m"), p);
    for (const Run &r : {bulk, oneByOne}) {
        const auto s = m_store->runs().metricSummary(r.id, QStringLiteral("m"));
        QVERIFY(s);
        QVERIFY2(sameValue(s->last, last), qPrintable(QString::number(s->last)));
        QCOMPARE(s->lastStep, lastStep);
    }
}

void TestStore::failingBatchLeavesNothing()
{
    const Run r = newRun();
    m_store->runs().logParam(r.id, QStringLiteral("lr"), QStringLiteral("0.1"));
    m_store->series().logMetric(r.id, QStringLiteral("loss"), {0, 0, 1.0});
    RunStore::Batch b;
    b.tags.insert(QStringLiteral("new"), QStringLiteral("tag"));
    b.params.insert(QStringLiteral("aaa"), QStringLiteral("fine"));
    b.params.insert(QStringLiteral("lr"), QStringLiteral("0.2")); // conflicts
    b.metrics.push_back({QStringLiteral("loss"), {1, 1, 0.5}});
    b.metrics.push_back({QStringLiteral("acc"), {1, 1, 0.7}});
    QVERIFY_THROWS_EXCEPTION(Error, m_store->runs().logBatch(r.id, b));
    const auto after = m_store->runs().run(r.id);
    QCOMPARE(after->params.size(), 1);
    QVERIFY(after->tags.isEmpty());
    QCOMPARE(after->metrics.size(), 1);
    QCOMPARE(m_store->series().metricHistory(r.id, QStringLiteral("loss")).size(), size_t(1));
    // The store is still usable after the rollback.
    b.params.remove(QStringLiteral("lr"));
    m_store->runs().logBatch(r.id, b);
    QCOMPARE(m_store->series().metricHistory(r.id, QStringLiteral("loss")).size(), size_t(2));
    QCOMPARE(m_store->runs().run(r.id)->params.size(), 2);
}

void TestStore::failingTransactionLeavesNothing()
{
    // A large multi-chunk append inside an outer transaction that fails afterwards leaves no chunk behind.
    const Run r = newRun();
    std::vector<MetricPoint> many;
    for (int i = 0; i < 20'000; ++i)
        many.push_back({i, i, double(i)});
    try {
        Store::Transaction tx(*m_store);
        m_store->series().logMetrics(r.id, QStringLiteral("loss"), many);
        newRun(QStringLiteral("inside"));
        m_store->runs().logParam(r.id, QStringLiteral("p"), QStringLiteral("1"));
        m_store->runs().logParam(r.id, QStringLiteral("p"), QStringLiteral("2")); // throws
        tx.commit();
        QFAIL("expected a conflict");
    } catch (const Error &) {
    }
    QVERIFY(m_store->runs().metricKeys(r.id).isEmpty());
    QCOMPARE(m_store->runs().searchRunIds(RunQuery{}).size(), 1);
    const qint64 size = m_store->database().fileSize();
    QVERIFY(size > 0);
}

void TestStore::innerGuardRollsBackAlone()
{
    // A caught failure inside a nested guard undoes only that guard's writes; the outer work commits.
    const Run r = newRun();
    {
        Store::Transaction outer(*m_store);
        m_store->runs().logParam(r.id, QStringLiteral("kept"), QStringLiteral("1"));
        try {
            Store::Transaction inner(*m_store);
            m_store->series().logMetric(r.id, QStringLiteral("half"), {0, 0, 1.0});
            m_store->runs().setTag(r.id, QStringLiteral("half"), QStringLiteral("x"));
            m_store->runs().logParam(r.id, QStringLiteral("kept"), QStringLiteral("2")); // conflict
            inner.commit();
            QFAIL("expected a conflict");
        } catch (const Error &) {
        }
        m_store->series().logMetric(r.id, QStringLiteral("after"), {0, 0, 2.0});
        outer.commit();
    }
    const auto got = m_store->runs().run(r.id);
    QCOMPARE(got->params.value(QStringLiteral("kept")), QStringLiteral("1"));
    QVERIFY(!got->tags.contains(QStringLiteral("half")));
    QVERIFY(!got->metrics.contains(QStringLiteral("half")));
    QVERIFY(got->metrics.contains(QStringLiteral("after")));
}

void TestStore::lifecycleAndSearchScope()
{
    const Run a = newRun(QStringLiteral("a"));
    const Run b = newRun(QStringLiteral("b"));
    m_store->runs().setRunLifecycle(b.id, Lifecycle::Deleted);
    QCOMPARE(m_store->runs().searchRunIds(RunQuery{}), QStringList{a.id});
    RunQuery all;
    all.includeDeleted = true;
    QCOMPARE(m_store->runs().searchRunIds(all).size(), 2);
    RunQuery trash;
    trash.onlyDeleted = true;
    QCOMPARE(m_store->runs().searchRunIds(trash), QStringList{b.id});
    QVERIFY(m_store->runs().run(b.id)->deletedMs.has_value());
    QCOMPARE(m_store->runs().experiments().front().runCount, qint64(1));
    m_store->runs().setRunLifecycle(b.id, Lifecycle::Active);
    QCOMPARE(m_store->runs().countRuns(RunQuery{}), qint64(2));
    const ExperimentId other = m_store->runs().createExperiment(QStringLiteral("other"));
    NewRun init;
    init.experimentId = other;
    m_store->runs().createRun(init);
    RunQuery scoped;
    scoped.experiments = {other};
    QCOMPARE(m_store->runs().countRuns(scoped), qint64(1));
    QCOMPARE(m_store->runs().countRuns(RunQuery{}), qint64(3));
}

void TestStore::refusesForeignFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("message");
    QTest::newRow("text file") << "text"
                               << "not a Runlens database";
    QTest::newRow("truncated sqlite header") << "truncated"
                                             << "not a Runlens database";
    QTest::newRow("another application's sqlite") << "foreign"
                                                  << "another application";
    QTest::newRow("newer runlens") << "newer"
                                   << "newer Runlens";
    QTest::newRow("sqlite header, garbage body") << "garbage"
                                                 << "not a Runlens database";
    QTest::newRow("a directory") << "directory"
                                 << "not a file";
}

void TestStore::refusesForeignFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, message);
    const QString path = m_dir->filePath(QStringLiteral("victim.db"));
    if (kind == QLatin1String("directory")) {
        QVERIFY(QDir().mkpath(path));
    } else if (kind == QLatin1String("foreign") || kind == QLatin1String("newer")) {
        if (kind == QLatin1String("newer"))
            Store(path).runs().createExperiment(QStringLiteral("from the future"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("prep"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            if (kind == QLatin1String("foreign"))
                QVERIFY(q.exec(QStringLiteral("CREATE TABLE foo(x)")));
            else
                QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 999")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("prep"));
    } else {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        if (kind == QLatin1String("text"))
            f.write("experiment,loss\n1,0.5\n");
        else if (kind == QLatin1String("truncated"))
            f.write("SQLite for");
        else
            f.write(QByteArray("SQLite format 3\0", 16) + QByteArray(8000, 'x'));
    }
    const QByteArray before = fileHash(path);
    const QStringList filesBefore = QDir(m_dir->path()).entryList(QDir::Files);
    try {
        Store s(path);
        QFAIL("the file was accepted");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        QVERIFY2(e.message().contains(path), qPrintable(e.message()));
    }
    QCOMPARE(fileHash(path), before);                                  // untouched
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), filesBefore); // no backup, no -wal left over
}

void TestStore::readOnlyMode()
{
    const Run r = newRun(QStringLiteral("ro"));
    m_store->series().logMetric(r.id, QStringLiteral("loss"), {0, 0, 1.0});
    const QString path = m_store->path();
    m_store.reset();
    Store ro(path, Store::Mode::ReadOnly);
    QCOMPARE(ro.runs().run(r.id)->name, QStringLiteral("ro"));
    QCOMPARE(ro.series().metricHistory(r.id, QStringLiteral("loss")).size(), size_t(1));
    QVERIFY_THROWS_EXCEPTION(Error, ro.series().logMetric(r.id, QStringLiteral("loss"), {1, 1, 2.0}));
    QVERIFY_THROWS_EXCEPTION(Error,
                             Store(m_dir->filePath(QStringLiteral("absent.db")), Store::Mode::ReadOnly));
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("absent.db"))));
}

void TestStore::defaultPathHonoursEnvironment()
{
    const QByteArray old = qgetenv("RUNLENS_DB");
    qputenv("RUNLENS_DB", "/tmp/elsewhere/x.db");
    QCOMPARE(Store::defaultPath(), QStringLiteral("/tmp/elsewhere/x.db"));
    qunsetenv("RUNLENS_DB");
    QVERIFY(Store::defaultPath().endsWith(QLatin1String("/runlens.db")));
    if (!old.isNull())
        qputenv("RUNLENS_DB", old);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
