// SPDX-License-Identifier: GPL-3.0-or-later
// The MLflow database reader against files real MLflow versions wrote (tests/fixtures): a 2.17 database
// with its ground truth read back through MLflow's API, MLflow's own 2019-schema test database with the
// expected latest values, and a 2.14 database committed with Windows artifact paths. Every fixture is copied
// into a temporary folder first; the reader must leave the copy byte-identical, with no -wal/-shm beside it.

#include "core/error.h"
#include "core/types.h"
#include "import/importsource.h"
#include "import/mlflowdbreader.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <QUrl>
#include <QUuid>

#include <cmath>
#include <limits>
#include <sqlite3.h>

using namespace runlens;
using namespace runlens::import;

namespace {

const QString Run00 = QStringLiteral("35fb4fe2b32d47508cb2379bb652fb3e");
const QString Run01 = QStringLiteral("d35fb98514ea4c3095853a7f596e747b");
const QString Run02 = QStringLiteral("8d926bea07744eff83d722a803e1ef84");
const QString Run07 = QStringLiteral("499cb0c758b04d00bae702413f9e0668");
const QString Run08 = QStringLiteral("eda74e9c466f460081cf66f7d58b1c65");
const QString Run09 = QStringLiteral("cba98d8f1eff4a8ba023c62c0f8d9e47");
const QString Run10 = QStringLiteral("49438ddd02db48f1b1741e7ec0f25718");
const QString Run11 = QStringLiteral("9cae353a6536438cb34e02aa1040210e");

// Records everything the reader delivers; can ask the reader to stop after a number of runs.
class RecordingSink : public ImportSink
{
public:
    bool experiment(const SourceExperiment &e) override
    {
        experiments.push_back(e);
        return true;
    }
    bool run(SourceRun &&r) override
    {
        runs.push_back(std::move(r));
        return stopAfterRuns < 0 || int(runs.size()) < stopAfterRuns;
    }
    bool model(const SourceModel &m) override
    {
        models.push_back(m);
        return true;
    }
    void warning(const Diagnostic &d) override { warnings.push_back(d); }
    void skipped(const QString &what, qint64 count) override { skippedCounts[what] += count; }
    bool isCancelled() const override { return cancelled; }
    void progress(qint64 done, qint64 total) override
    {
        lastDone = done;
        lastTotal = total;
    }

    const SourceRun *runById(const QString &id) const
    {
        for (const SourceRun &r : runs) {
            if (r.id == id)
                return &r;
        }
        return nullptr;
    }
    const SourceExperiment *experimentNamed(const QString &name) const
    {
        for (const SourceExperiment &e : experiments) {
            if (e.name == name)
                return &e;
        }
        return nullptr;
    }
    static const SourceMetric *metric(const SourceRun &r, const QString &key)
    {
        for (const SourceMetric &m : r.metrics) {
            if (m.key == key)
                return &m;
        }
        return nullptr;
    }
    int countWarnings(const QString &fragment) const
    {
        int n = 0;
        for (const Diagnostic &d : warnings)
            n += d.message.contains(fragment) ? 1 : 0;
        return n;
    }
    QString allWarnings() const
    {
        QStringList lines;
        for (const Diagnostic &d : warnings)
            lines << d.file + QStringLiteral(": ") + d.message;
        return lines.join(QLatin1Char('\n'));
    }

    std::vector<SourceExperiment> experiments;
    std::vector<SourceRun> runs;
    std::vector<SourceModel> models;
    std::vector<Diagnostic> warnings;
    QMap<QString, qint64> skippedCounts;
    qint64 lastDone = -1;
    qint64 lastTotal = -1;
    int stopAfterRuns = -1;
    bool cancelled = false;
};

QString fixture(const QString &relative)
{
    return QStringLiteral(RUNLENS_FIXTURES) + QLatin1Char('/') + relative;
}

const QString GroundTruthDb = QStringLiteral("mlflow-sqlite/mlflow.db");
const QString LegacyDb =
    QStringLiteral("public/mlflow-tests-db/tests/resources/db/db_version_7ac759974ad8_with_metrics.sql");
const QString LegacyExpected = QStringLiteral(
    "public/mlflow-tests-db/tests/resources/db/db_version_7ac759974ad8_with_metrics_expected_values.json");
const QString ZoomcampDb = QStringLiteral("public/nda-mlops-zoomcamp-2024/week-02/mlflow.db");
// MLflow 3.13's SQLite store with logged models, as `sqlite3 .dump` text (the project committed no .db).
const QString Mlflow3Dump = QStringLiteral("public/mlflow3/LEMSingapore-hdb-mlops-platform/docs/historical/"
                                           "mlflow-registry-pre-phase2-2026-06-16.sql");

// Loads an SQL dump into a new database file with SQLite itself, as `sqlite3 FILE < DUMP` would.
bool loadDump(const QString &dump, const QString &target)
{
    QFile f(dump);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray sql = f.readAll();
    sqlite3 *db = nullptr;
    bool ok = sqlite3_open(target.toUtf8().constData(), &db) == SQLITE_OK;
    char *error = nullptr;
    ok = ok && sqlite3_exec(db, sql.constData(), nullptr, nullptr, &error) == SQLITE_OK;
    if (error)
        qWarning() << error;
    sqlite3_free(error);
    sqlite3_close(db);
    return ok;
}

// Copies a file into the test's own folder, writable so that a test may alter the copy (never the fixture).
QString copyIn(const QTemporaryDir &dir, const QString &source,
               const QString &name = QStringLiteral("mlflow.db"))
{
    const QString target = dir.filePath(name);
    QDir().mkpath(QFileInfo(target).absolutePath());
    if (!QFile::copy(source, target))
        return {};
    QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return target;
}

bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(file);
        if (!QDir().mkpath(QFileInfo(target).absolutePath()) || !QFile::copy(file, target))
            return false;
        QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return true;
}

// The folder's entries (not recursive), with sizes: what must not change while a database in it is read.
QStringList listing(const QString &folder)
{
    QStringList entries;
    for (const QFileInfo &fi : QDir(folder).entryInfoList(
             QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System, QDir::Name))
        entries << QStringLiteral("%1 %2").arg(fi.fileName()).arg(fi.isDir() ? -1 : fi.size());
    return entries;
}

// Alters a test's own copy of a database with a connection of the test's own.
bool alter(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("alter-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery q(db);
        for (const QString &s : statements) {
            if (ok && !q.exec(s)) {
                qWarning() << q.lastError().text() << s;
                ok = false;
            }
        }
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

QJsonObject loadJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// MLflow's "last" value: the point with the greatest (step, timestamp, value).
MetricPoint latest(const std::vector<MetricPoint> &points)
{
    MetricPoint best = points.front();
    for (const MetricPoint &p : points) {
        if (isLaterThan(p, best))
            best = p;
    }
    return best;
}

bool same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

QString show(double v)
{
    return QString::number(v, 'g', 17);
}

qint64 pointCount(const SourceRun &r)
{
    qint64 n = 0;
    for (const SourceMetric &m : r.metrics)
        n += qint64(m.points.size());
    return n;
}

bool isSafe(const SourceArtifact &a)
{
    return !a.path.isEmpty() && !a.path.startsWith(QLatin1Char('/')) &&
           !a.path.split(QLatin1Char('/')).contains(QStringLiteral(".."));
}

QStringList filesBelow(const QString &folder)
{
    QStringList files;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(folder).relativeFilePath(it.next());
    files.sort();
    return files;
}

QStringList artifactPaths(const SourceRun &r)
{
    QStringList paths;
    for (const SourceArtifact &a : r.artifacts)
        paths << a.path;
    paths.sort();
    return paths;
}

} // namespace

class TestMlflowDbReader : public QObject
{
    Q_OBJECT

private:
    // Reads `path` into `sink`, failing the test on an Error.
    static bool readInto(const QString &path, RecordingSink &sink)
    {
        try {
            readMlflowDatabase(path, sink);
            return true;
        } catch (const Error &e) {
            qWarning() << "readMlflowDatabase failed:" << e.message();
            return false;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const QString &f : {GroundTruthDb, LegacyDb, LegacyExpected, ZoomcampDb,
                                 QStringLiteral("mlflow-sqlite/ground_truth.json")})
            QVERIFY2(QFileInfo::exists(fixture(f)), qPrintable(fixture(f)));
    }

    void groundTruth()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(!db.isEmpty());
        QVERIFY(copyTree(fixture(QStringLiteral("mlflow-sqlite/sqlite_artifacts")),
                         dir.filePath(QStringLiteral("sqlite_artifacts"))));
        const QByteArray hash = test::fileSha256(db);
        const QStringList entries = listing(dir.path());
        const QJsonObject gt = loadJson(fixture(QStringLiteral("mlflow-sqlite/ground_truth.json")));
        QVERIFY(!gt.isEmpty());

        QVERIFY(looksLikeMlflowDatabase(db));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(test::fileSha256(db), hash);
        QCOMPARE(listing(dir.path()), entries);
        QVERIFY2(sink.warnings.empty(), qPrintable(sink.allWarnings()));

        // Experiments: names, ids, tags (the ground truth lists the user tags), description.
        QStringList names;
        QMap<QString, QString> experimentName; // MLflow id -> name
        for (const SourceExperiment &e : sink.experiments) {
            names << e.name;
            experimentName.insert(e.sourceId, e.name);
        }
        names.sort();
        QCOMPARE(names, QStringList({QStringLiteral("Default"), QStringLiteral("image-classification"),
                                     QStringLiteral("text-regression")}));
        const QJsonObject gtExperiments = gt.value(QStringLiteral("experiments")).toObject();
        for (auto it = gtExperiments.begin(); it != gtExperiments.end(); ++it) {
            const SourceExperiment *e = sink.experimentNamed(it.key());
            QVERIFY2(e, qPrintable(it.key()));
            QCOMPARE(e->sourceId, it.value().toObject().value(QStringLiteral("id")).toString());
            QCOMPARE(e->lifecycle, Lifecycle::Active);
            QVERIFY(e->createdMs.has_value());
            QMap<QString, QString> userTags;
            for (auto t = e->tags.begin(); t != e->tags.end(); ++t) {
                if (!t.key().startsWith(QLatin1String("mlflow.")))
                    userTags.insert(t.key(), t.value());
            }
            QMap<QString, QString> expected;
            const QJsonObject tags = it.value().toObject().value(QStringLiteral("tags")).toObject();
            for (auto t = tags.begin(); t != tags.end(); ++t)
                expected.insert(t.key(), t.value().toString());
            QCOMPARE(userTags, expected);
        }
        QCOMPARE(sink.experimentNamed(QStringLiteral("image-classification"))->description,
                 QStringLiteral("Experiment description (markdown)"));
        QCOMPARE(*sink.experimentNamed(QStringLiteral("image-classification"))->createdMs, 1795376548291);

        // Runs: ids, names, experiments, params, statuses, point counts per key.
        const QJsonArray gtRuns = gt.value(QStringLiteral("runs")).toArray();
        QCOMPARE(sink.runs.size(), size_t(gtRuns.size()));
        for (const QJsonValue &v : gtRuns) {
            const QJsonObject o = v.toObject();
            const QString id = o.value(QStringLiteral("run_id")).toString();
            const SourceRun *r = sink.runById(id);
            QVERIFY2(r, qPrintable(id));
            QCOMPARE(r->name, o.value(QStringLiteral("name")).toString());
            QCOMPARE(r->experiment,
                     experimentName.value(o.value(QStringLiteral("experiment_id")).toString()));
            QCOMPARE(runStatusName(r->status), o.value(QStringLiteral("status")).toString());
            QMap<QString, QString> params;
            const QJsonObject p = o.value(QStringLiteral("params")).toObject();
            for (auto it = p.begin(); it != p.end(); ++it)
                params.insert(it.key(), it.value().toString());
            QCOMPARE(r->params, params);
            QCOMPARE(pointCount(*r), qint64(o.value(QStringLiteral("n_metric_points")).toInt()));
            const qsizetype steps = o.value(QStringLiteral("steps")).toInt();
            const bool repeated = r->name == QLatin1String("run-02"); // loss step 7 logged twice
            QVERIFY(RecordingSink::metric(*r, QStringLiteral("accuracy")));
            QCOMPARE(qsizetype(RecordingSink::metric(*r, QStringLiteral("accuracy"))->points.size()), steps);
            QCOMPARE(qsizetype(RecordingSink::metric(*r, QStringLiteral("lr"))->points.size()), steps);
            QCOMPARE(qsizetype(RecordingSink::metric(*r, QStringLiteral("loss"))->points.size()),
                     steps + (repeated ? 1 : 0));
            if (o.contains(QStringLiteral("parent_run_id")))
                QCOMPARE(r->tags.value(QLatin1String(mlflowtag::ParentRunId)),
                         o.value(QStringLiteral("parent_run_id")).toString());
            const bool deleted =
                o.value(QStringLiteral("lifecycle_stage")).toString() == QLatin1String("deleted");
            QCOMPARE(r->lifecycle, deleted ? Lifecycle::Deleted : Lifecycle::Active);
            QCOMPARE(r->deletedMs.has_value(), deleted);
            QCOMPARE(r->user, QStringLiteral("root"));
            QVERIFY(r->startMs && r->endMs);
        }
        qint64 active = 0;
        for (const SourceRun &r : sink.runs)
            active += r.lifecycle == Lifecycle::Active ? 1 : 0;
        QCOMPARE(active, qint64(gt.value(QStringLiteral("check_active_runs")).toInt()));
        QCOMPARE(qint64(sink.runs.size()), qint64(gt.value(QStringLiteral("check_all_runs")).toInt()));
        QCOMPARE(sink.runById(gt.value(QStringLiteral("deleted_run_id")).toString())->lifecycle,
                 Lifecycle::Deleted);
        QCOMPARE(sink.lastDone, qint64(12));
        QCOMPARE(sink.lastTotal, qint64(12));

        // Tags verbatim, including the well-known ones.
        const SourceRun *r00 = sink.runById(Run00);
        QCOMPARE(r00->tags.value(QStringLiteral("mlflow.runName")), QStringLiteral("run-00"));
        QCOMPARE(r00->tags.value(QStringLiteral("mlflow.note.content")), QStringLiteral("Run 0 description"));
        QCOMPARE(r00->tags.value(QStringLiteral("stage")), QStringLiteral("prod"));
        QCOMPARE(r00->tags.value(QStringLiteral("mlflow.source.type")), QStringLiteral("LOCAL"));

        // Dataset input of run-00 (log_input).
        QCOMPARE(r00->inputs.size(), size_t(1));
        QCOMPARE(r00->inputs[0].name, QStringLiteral("toy"));
        QCOMPARE(r00->inputs[0].digest, QStringLiteral("4fb5574f"));
        QCOMPARE(r00->inputs[0].sourceType, QStringLiteral("local"));
        QCOMPARE(r00->inputs[0].context, QStringLiteral("training"));
        QVERIFY(r00->inputs[0].source.contains(QLatin1String("fake.csv")));
        QVERIFY(r00->inputs[0].schema.contains(QLatin1String("mlflow_colspec")));
        QVERIFY(r00->inputs[0].profile.contains(QLatin1String("num_rows")));

        // NaN stored as 0 + is_nan, +inf stored as the largest double.
        const SourceMetric *loss01 = RecordingSink::metric(*sink.runById(Run01), QStringLiteral("loss"));
        QCOMPARE(qint64(loss01->points.size()),
                 qint64(gt.value(QStringLiteral("check_nan_history_len")).toInt()));
        bool nanPresent = false;
        for (const MetricPoint &p : loss01->points) {
            nanPresent = nanPresent || std::isnan(p.value);
            if (p.step == 10)
                QVERIFY(std::isnan(p.value));
        }
        QCOMPARE(nanPresent, gt.value(QStringLiteral("check_nan_present")).toBool());
        const SourceMetric *valLoss01 =
            RecordingSink::metric(*sink.runById(Run01), QStringLiteral("val_loss"));
        bool infAtStep2 = false;
        for (const MetricPoint &p : valLoss01->points)
            infAtStep2 = infAtStep2 || (p.step == 2 && p.value == std::numeric_limits<double>::infinity());
        QVERIFY(infAtStep2);

        // The step logged twice, in logging order, and MLflow's latest value computed from the points.
        const SourceMetric *loss02 = RecordingSink::metric(*sink.runById(Run02), QStringLiteral("loss"));
        std::vector<double> step7;
        for (const MetricPoint &p : loss02->points) {
            if (p.step == 7)
                step7.push_back(p.value);
        }
        const QJsonArray expected7 = gt.value(QStringLiteral("check_repeated_step7")).toArray();
        QCOMPARE(step7.size(), size_t(expected7.size()));
        for (qsizetype i = 0; i < expected7.size(); ++i)
            QVERIFY2(same(step7[i], expected7[i].toDouble()), qPrintable(show(step7[i])));
        const double last = latest(loss02->points).value;
        QVERIFY2(same(last, gt.value(QStringLiteral("check_latest_loss_run2")).toDouble()),
                 qPrintable(show(last)));

        // The registry.
        const QJsonObject registry = gt.value(QStringLiteral("registry")).toObject();
        QCOMPARE(sink.models.size(), size_t(1));
        const SourceModel &model = sink.models[0];
        QCOMPARE(model.name, registry.value(QStringLiteral("name")).toString());
        QCOMPARE(model.description, QStringLiteral("A toy model"));
        QCOMPARE(model.tags.value(QStringLiteral("domain")), QStringLiteral("demo"));
        QList<int> versions;
        for (const SourceModelVersion &v : model.versions)
            versions << v.version;
        QList<int> expectedVersions;
        for (const QJsonValue &v : registry.value(QStringLiteral("versions")).toArray())
            expectedVersions << v.toInt();
        QCOMPARE(versions, expectedVersions);
        const QJsonObject stages = registry.value(QStringLiteral("stages")).toObject();
        for (const SourceModelVersion &v : model.versions) {
            QCOMPARE(v.stage, stages.value(QString::number(v.version)).toString());
            QVERIFY(v.createdMs && v.updatedMs);
            QCOMPARE(v.tags.value(QStringLiteral("v")), QString::number(v.version));
        }
        QCOMPARE(model.versions[0].runId, QStringLiteral("5281dab1a9154987b38307594015907b"));
        QCOMPARE(model.versions[1].runId, QStringLiteral("f38db4e1ac764e58a288aae260747f4c"));
        QCOMPARE(model.versions[1].description, QStringLiteral("second version"));
        QCOMPARE(model.versions[1].tags.value(QStringLiteral("validated")), QStringLiteral("true"));
        QVERIFY(model.versions[1].source.endsWith(QLatin1String("/artifacts/model")));
        const QJsonObject alias = registry.value(QStringLiteral("alias")).toObject();
        QCOMPARE(model.aliases.size(), alias.size());
        for (auto it = alias.begin(); it != alias.end(); ++it)
            QCOMPARE(model.aliases.value(it.key()), it.value().toInt());
        QCOMPARE(model.aliases.value(QStringLiteral("champion")),
                 gt.value(QStringLiteral("check_model_alias")).toInt());

        // Artifacts: the recorded /tmp/realml/out/... paths do not exist here; found relative to the
        // database.
        const QString artifactsRoot =
            QFileInfo(dir.filePath(QStringLiteral("sqlite_artifacts"))).canonicalFilePath();
        for (const SourceRun &r : sink.runs) {
            const QString folder =
                QStringLiteral("%1/%2/%3/artifacts").arg(artifactsRoot, r.experiment, r.id);
            const QStringList expected = filesBelow(folder);
            QVERIFY2(!expected.isEmpty(), qPrintable(folder));
            QCOMPARE(artifactPaths(r), expected);
            for (const SourceArtifact &a : r.artifacts) {
                QVERIFY2(isSafe(a), qPrintable(a.path));
                QCOMPARE(a.filePath, folder + QLatin1Char('/') + a.path);
            }
        }
    }

    void legacy2019Schema()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(LegacyDb), QStringLiteral("legacy.db"));
        QVERIFY(!db.isEmpty());
        const QByteArray hash = test::fileSha256(db);
        const QStringList entries = listing(dir.path());

        QVERIFY(looksLikeMlflowDatabase(db));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(test::fileSha256(db), hash);
        QCOMPARE(listing(dir.path()), entries);

        QCOMPARE(sink.experiments.size(), size_t(1));
        QCOMPARE(sink.runs.size(), size_t(26));
        qint64 points = 0;
        for (const SourceRun &r : sink.runs) {
            points += pointCount(r);
            QCOMPARE(r.experiment, QStringLiteral("Default"));
            QCOMPARE(r.user, QStringLiteral("czumar"));
            QVERIFY(!r.tags.value(QStringLiteral("mlflow.source.name")).isEmpty());
            QVERIFY(r.name.isEmpty()); // neither a name column value nor an mlflow.runName tag in 2019
        }
        QCOMPARE(points, qint64(404));

        const QJsonObject expected = loadJson(fixture(LegacyExpected));
        QCOMPARE(expected.size(), 26);
        for (auto run = expected.begin(); run != expected.end(); ++run) {
            const SourceRun *r = sink.runById(run.key());
            QVERIFY2(r, qPrintable(run.key()));
            const QJsonObject keys = run.value().toObject();
            QCOMPARE(qsizetype(r->metrics.size()), keys.size());
            for (auto key = keys.begin(); key != keys.end(); ++key) {
                const SourceMetric *m = RecordingSink::metric(*r, key.key());
                QVERIFY2(m && !m->points.empty(), qPrintable(run.key() + QLatin1Char(' ') + key.key()));
                const double last = latest(m->points).value;
                QVERIFY2(
                    same(last, key.value().toDouble()),
                    qPrintable(QStringLiteral("%1 %2: %3 != %4")
                                   .arg(run.key(), key.key(), show(last), show(key.value().toDouble()))));
            }
        }

        // One metric logged four times at the same step and timestamp: all kept, in logging order.
        const SourceMetric *repeated =
            RecordingSink::metric(*sink.runById(QStringLiteral("f662d9fdd072422899f1a91dca132e45")),
                                  QStringLiteral("metric_eq_ts_step"));
        QVERIFY(repeated);
        std::vector<double> values;
        for (const MetricPoint &p : repeated->points) {
            QCOMPARE(p.step, qint64(1));
            QCOMPARE(p.timestamp, qint64(100));
            values.push_back(p.value);
        }
        QCOMPARE(values, std::vector<double>({-1.2, 4.7, 3.0, -50.67}));

        // Revision 7ac759974ad8 predates the registry, latest_metrics and datasets: nothing is missing.
        QVERIFY(sink.models.empty());
        QCOMPARE(sink.countWarnings(QStringLiteral("should have")), 0);
        QCOMPARE(sink.countWarnings(QStringLiteral("unknown MLflow schema revision")), 0);
        // ./mlruns/0/<run>/artifacts is not next to the database: one warning per run, nothing fatal.
        QCOMPARE(sink.countWarnings(QStringLiteral("artifact folder not found")), 26);
    }

    void zoomcamp()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(ZoomcampDb));
        QVERIFY(!db.isEmpty());
        const QByteArray hash = test::fileSha256(db);
        const QStringList entries = listing(dir.path());

        QVERIFY(looksLikeMlflowDatabase(db));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(test::fileSha256(db), hash);
        QCOMPARE(listing(dir.path()), entries);

        QStringList names;
        for (const SourceExperiment &e : sink.experiments)
            names << e.name;
        names.sort();
        QCOMPARE(names, QStringList({QStringLiteral("Default"), QStringLiteral("my-experiment-1"),
                                     QStringLiteral("nyc-taxi-experiment")}));
        QCOMPARE(sink.runs.size(), size_t(17));
        QMap<QString, int> statuses;
        for (const SourceRun &r : sink.runs) {
            statuses[runStatusName(r.status)] += 1;
            QVERIFY(r.artifacts.empty());
            QCOMPARE(r.user, QStringLiteral("NDA"));
        }
        QCOMPARE(statuses, (QMap<QString, int>{{QStringLiteral("FINISHED"), 13},
                                               {QStringLiteral("FAILED"), 3},
                                               {QStringLiteral("RUNNING"), 1}}));
        const SourceRun *failed = sink.runById(QStringLiteral("248da1edb50b4561bda0acd380fe4e94"));
        QVERIFY(failed);
        QCOMPARE(failed->name, QStringLiteral("bemused-bee-27"));
        QCOMPARE(failed->status, RunStatus::Failed);
        QCOMPARE(failed->experiment, QStringLiteral("nyc-taxi-experiment"));
        const SourceRun *running = sink.runById(QStringLiteral("42cfa39879d0494c9eb514fccf900ee3"));
        QVERIFY(running);
        QCOMPARE(running->status, RunStatus::Running);
        QCOMPARE(running->experiment, QStringLiteral("my-experiment-1"));

        const SourceRun *withInputs = sink.runById(QStringLiteral("821d9118ed7c4637bb3a0e020cc59e0d"));
        QVERIFY(withInputs);
        QCOMPARE(withInputs->inputs.size(), size_t(2));
        QCOMPARE(withInputs->inputs[0].context, QStringLiteral("train"));
        QCOMPARE(withInputs->inputs[1].context, QStringLiteral("eval"));
        QCOMPARE(withInputs->inputs[1].name, QStringLiteral("validation"));

        QCOMPARE(sink.models.size(), size_t(1));
        const SourceModel &model = sink.models[0];
        QCOMPARE(model.name, QStringLiteral("nyc-taxi-model"));
        QCOMPARE(model.versions.size(), size_t(1));
        QCOMPARE(model.versions[0].version, 1);
        QCOMPARE(model.versions[0].stage, QStringLiteral("None"));
        QCOMPARE(model.versions[0].runId, QStringLiteral("92025337761b47258bb509b166789a29"));
        QVERIFY(model.versions[0].source.startsWith(QLatin1String("file:///D:/")));
        QCOMPARE(model.aliases,
                 (QMap<QString, int>{{QStringLiteral("in-preview"), 1}, {QStringLiteral("staging"), 1}}));

        // file:///D:/... exists on the machine that wrote it only: a warning per run, naming the location.
        QCOMPARE(sink.countWarnings(QStringLiteral("artifact folder not found")), 17);
        for (const Diagnostic &d : sink.warnings) {
            if (d.message.contains(QLatin1String("artifact folder not found")))
                QVERIFY2(d.file.startsWith(QLatin1String("file:///D:/")), qPrintable(d.file));
        }
        QCOMPARE(sink.countWarnings(QStringLiteral("unknown MLflow schema revision")), 0);
        QCOMPARE(sink.countWarnings(QStringLiteral("should have")), 0);
    }

    // The source stays byte-identical and nothing appears beside it, whatever its journal mode.
    void sourceUntouched_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<bool>("wal");
        QTest::newRow("MLflow 2.17") << GroundTruthDb << false;
        QTest::newRow("2019 schema") << LegacyDb << false;
        QTest::newRow("MLflow 2.14") << ZoomcampDb << false;
        QTest::newRow("MLflow 2.17 in WAL mode") << GroundTruthDb << true;
        QTest::newRow("2019 schema in WAL mode") << LegacyDb << true;
    }

    void sourceUntouched()
    {
        QFETCH(QString, source);
        QFETCH(bool, wal);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(source));
        QVERIFY(!db.isEmpty());
        if (wal) // a clean close removes the -wal again; the header keeps saying WAL
            QVERIFY(alter(db, {QStringLiteral("PRAGMA journal_mode = WAL")}));
        QFile::setPermissions(db, QFileDevice::ReadOwner); // a read-only file, as in a shared fixture folder
        const QByteArray hash = test::fileSha256(db);
        const QStringList entries = listing(dir.path());
        QVERIFY(!entries.join(QLatin1Char(' ')).contains(QLatin1String("-wal")));

        QVERIFY(looksLikeMlflowDatabase(db));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QVERIFY(!sink.runs.empty());
        QCOMPARE(test::fileSha256(db), hash);
        QCOMPARE(listing(dir.path()), entries);
    }

    // A writer still has committed data in its -wal: the reader sees it, through a snapshot, and leaves the
    // database and its -wal as they were.
    void pendingWal()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(!db.isEmpty());
        const QString writer = QStringLiteral("writer");
        {
            QSqlDatabase w = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), writer);
            w.setDatabaseName(db);
            QVERIFY(w.open());
            QSqlQuery q(w);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO experiment_tags (key, value, experiment_id) VALUES "
                                          "('written-to-wal', 'yes', 1)")));
            q.finish();
            QVERIFY(QFileInfo(db + QStringLiteral("-wal")).size() > 0);
            const QByteArray hash = test::fileSha256(db);
            const QByteArray walHash = test::fileSha256(db + QStringLiteral("-wal"));

            RecordingSink sink;
            QVERIFY(readInto(db, sink));
            QCOMPARE(sink.experimentNamed(QStringLiteral("image-classification"))
                         ->tags.value(QStringLiteral("written-to-wal")),
                     QStringLiteral("yes"));
            QCOMPARE(sink.runs.size(), size_t(12));
            QCOMPARE(test::fileSha256(db), hash);
            QCOMPARE(test::fileSha256(db + QStringLiteral("-wal")), walHash);
            QVERIFY(looksLikeMlflowDatabase(db));
            w.close();
        }
        QSqlDatabase::removeDatabase(writer);
    }

    // A writer is half-way through a transaction in rollback-journal mode and has already spilled changes
    // into the database file: the reader rolls a snapshot back and sees the last committed state.
    void hotJournal()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(!db.isEmpty());
        const QString writer = QStringLiteral("journal-writer");
        {
            QSqlDatabase w = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), writer);
            w.setDatabaseName(db);
            QVERIFY(w.open());
            QSqlQuery q(w);
            QVERIFY(q.exec(QStringLiteral("PRAGMA cache_size = 2")));
            QVERIFY(q.exec(QStringLiteral("BEGIN")));
            QVERIFY(q.exec(QStringLiteral("UPDATE tags SET value = 'uncommitted'")));
            QVERIFY(q.exec(QStringLiteral("UPDATE metrics SET value = -1")));
            QVERIFY(QFileInfo(db + QStringLiteral("-journal")).size() > 0);
            const QByteArray hash = test::fileSha256(db);
            const QByteArray journalHash = test::fileSha256(db + QStringLiteral("-journal"));
            QVERIFY(hash != test::fileSha256(fixture(GroundTruthDb))); // uncommitted pages are in the file

            RecordingSink sink;
            QVERIFY(readInto(db, sink));
            QCOMPARE(sink.runs.size(), size_t(12));
            QCOMPARE(sink.runById(Run00)->tags.value(QStringLiteral("stage")), QStringLiteral("prod"));
            QVERIFY(RecordingSink::metric(*sink.runById(Run00), QStringLiteral("loss"))->points[0].value !=
                    -1.0);
            QCOMPARE(test::fileSha256(db), hash);
            QCOMPARE(test::fileSha256(db + QStringLiteral("-journal")), journalHash);

            QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
            q.finish();
            w.close();
        }
        QSqlDatabase::removeDatabase(writer);
    }

    // Bad input of every kind: a clear Error or warnings, never a crash, and the input unchanged.
    void malformed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("looksLike");
        QTest::addColumn<QString>("errorFragment");   // empty: the read succeeds
        QTest::addColumn<QString>("warningFragment"); // expected among the warnings when the read succeeds

        QTest::newRow("missing file") << "missing" << false << "does not exist"
                                      << "";
        QTest::newRow("empty file") << "empty" << false << "is empty"
                                    << "";
        QTest::newRow("text file") << "text" << false << "not an SQLite database"
                                   << "";
        QTest::newRow("folder") << "folder" << false << "not a file"
                                << "";
        QTest::newRow("SQLite database of another application")
            << "otherapp" << false << "not an MLflow tracking database"
            << "";
        QTest::newRow("runs table without status") << "nostatus" << true << ""
                                                   << "no status column";
        QTest::newRow("runs table without run_uuid") << "norunuuid" << true << "no run_uuid column"
                                                     << "";
        QTest::newRow("truncated to half its size") << "truncated" << false << "any"
                                                    << "";
        QTest::newRow("a string in a metric value") << "garbage" << true << ""
                                                    << "not numbers";
        QTest::newRow("garbage steps and run ids") << "garbage2" << true << ""
                                                   << "not 32 hexadecimal digits";
    }

    void malformed()
    {
        QFETCH(QString, kind);
        QFETCH(bool, looksLike);
        QFETCH(QString, errorFragment);
        QFETCH(QString, warningFragment);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString path = dir.filePath(QStringLiteral("input.db"));
        if (kind == QLatin1String("empty")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
        } else if (kind == QLatin1String("text")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("experiment,run,loss\nbaseline,1,0.5\n");
        } else if (kind == QLatin1String("folder")) {
            QVERIFY(QDir().mkpath(path));
        } else if (kind == QLatin1String("otherapp")) {
            QVERIFY(alter(path, {QStringLiteral("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)"),
                                 QStringLiteral("INSERT INTO customers (name) VALUES ('ada')")}));
        } else if (kind != QLatin1String("missing")) {
            path = copyIn(dir, fixture(GroundTruthDb), QStringLiteral("input.db"));
            QVERIFY(!path.isEmpty());
            if (kind == QLatin1String("nostatus") || kind == QLatin1String("norunuuid")) {
                const QString drop =
                    kind == QLatin1String("nostatus") ? QStringLiteral("status") : QStringLiteral("run_uuid");
                QStringList keep = {QStringLiteral("run_uuid"),        QStringLiteral("name"),
                                    QStringLiteral("status"),          QStringLiteral("start_time"),
                                    QStringLiteral("end_time"),        QStringLiteral("user_id"),
                                    QStringLiteral("lifecycle_stage"), QStringLiteral("artifact_uri"),
                                    QStringLiteral("experiment_id"),   QStringLiteral("deleted_time")};
                keep.removeAll(drop);
                QVERIFY(alter(path, {QStringLiteral("CREATE TABLE runs_new AS SELECT %1 FROM runs")
                                         .arg(keep.join(QStringLiteral(", "))),
                                     QStringLiteral("DROP TABLE runs"),
                                     QStringLiteral("ALTER TABLE runs_new RENAME TO runs")}));
            } else if (kind == QLatin1String("truncated")) {
                QFile f(path);
                QVERIFY(f.resize(f.size() / 2));
            } else if (kind == QLatin1String("garbage")) {
                QVERIFY(
                    alter(path, {QStringLiteral("UPDATE metrics SET value = 'not a number' WHERE rowid = "
                                                "(SELECT min(rowid) FROM metrics WHERE run_uuid = '%1' AND "
                                                "key = 'accuracy')")
                                     .arg(Run02)}));
            } else if (kind == QLatin1String("garbage2")) {
                QVERIFY(alter(
                    path,
                    {QStringLiteral("UPDATE metrics SET step = 'x' WHERE rowid = (SELECT "
                                    "min(rowid) FROM metrics WHERE run_uuid = '%1' AND key = 'lr')")
                         .arg(Run02),
                     QStringLiteral("UPDATE metrics SET run_uuid = 'NOT-A-HEX-ID' WHERE run_uuid = '%1'")
                         .arg(Run10),
                     QStringLiteral("UPDATE params SET run_uuid = 'NOT-A-HEX-ID' WHERE run_uuid = '%1'")
                         .arg(Run10),
                     QStringLiteral("UPDATE tags SET run_uuid = 'NOT-A-HEX-ID' WHERE run_uuid = '%1'")
                         .arg(Run10),
                     QStringLiteral("UPDATE runs SET run_uuid = 'NOT-A-HEX-ID' WHERE run_uuid = '%1'")
                         .arg(Run10)}));
            }
        }
        const QByteArray hash = QFileInfo(path).isFile() ? test::fileSha256(path) : QByteArray();
        const QStringList entries = listing(dir.path());

        QCOMPARE(looksLikeMlflowDatabase(path), looksLike);
        RecordingSink sink;
        QString error;
        try {
            readMlflowDatabase(path, sink);
        } catch (const Error &e) {
            error = e.message();
        }
        if (QFileInfo(path).isFile())
            QCOMPARE(test::fileSha256(path), hash);
        QCOMPARE(listing(dir.path()), entries);

        if (errorFragment == QLatin1String("any")) {
            // Half a database: an error naming the file, or (if the lost half held nothing that is read)
            // warnings.
            QVERIFY2(!error.isEmpty() || !sink.warnings.empty(), qPrintable(sink.allWarnings()));
            if (!error.isEmpty())
                QVERIFY2(error.contains(path), qPrintable(error));
        } else if (!errorFragment.isEmpty()) {
            QVERIFY2(error.contains(errorFragment), qPrintable(error));
            QVERIFY2(error.contains(path), qPrintable(error));
        } else {
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY2(sink.countWarnings(warningFragment) > 0, qPrintable(sink.allWarnings()));
            QCOMPARE(sink.runs.size(), size_t(12));
        }

        if (kind == QLatin1String("nostatus")) {
            for (const SourceRun &r : sink.runs)
                QCOMPARE(r.status, RunStatus::Finished); // every run has an end time
            QCOMPARE(sink.countWarnings(QStringLiteral("no status column")), 1);
        } else if (kind == QLatin1String("garbage")) {
            const SourceRun *r = sink.runById(Run02);
            QCOMPARE(pointCount(*r), qint64(903 - 1));
            QCOMPARE(RecordingSink::metric(*r, QStringLiteral("accuracy"))->points.size(), size_t(299));
            QCOMPARE(sink.countWarnings(QStringLiteral("1 metric value(s) that are not numbers")), 1);
            QCOMPARE(sink.countWarnings(QStringLiteral("in accuracy")), 1);
        } else if (kind == QLatin1String("garbage2")) {
            QCOMPARE(RecordingSink::metric(*sink.runById(Run02), QStringLiteral("lr"))->points.size(),
                     size_t(299));
            QVERIFY(!sink.runById(Run10));
            const SourceRun *renamed = nullptr;
            for (const SourceRun &r : sink.runs) {
                if (r.sourceKey == QLatin1String("NOT-A-HEX-ID"))
                    renamed = &r;
            }
            QVERIFY(renamed);
            QVERIFY(renamed->id.isEmpty());
            QCOMPARE(pointCount(*renamed), qint64(452));
            QCOMPARE(renamed->params.value(QStringLiteral("lr")), QStringLiteral("0.001"));
            QVERIFY(renamed->artifacts.empty());
        }
    }

    // Damaged copies of a real database, cut short or overwritten in places: an Error naming the file or a
    // complete read, never a crash; nothing is written next to the file.
    void damaged_data()
    {
        QTest::addColumn<double>("at");     // where, as a fraction of the file's size
        QTest::addColumn<bool>("truncate"); // cut the file there; else overwrite 4 KiB with a pattern
        for (const double at : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
            QTest::addRow("cut at %d%%", int(at * 100)) << at << true;
            QTest::addRow("overwritten at %d%%", int(at * 100)) << at << false;
        }
    }

    void damaged()
    {
        QFETCH(double, at);
        QFETCH(bool, truncate);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(!db.isEmpty());
        {
            QFile f(db);
            QVERIFY(f.open(QIODevice::ReadWrite));
            const qint64 offset = qint64(double(f.size()) * at);
            if (truncate) {
                QVERIFY(f.resize(offset));
            } else {
                QByteArray pattern(4096, '\0');
                for (int i = 0; i < pattern.size(); ++i)
                    pattern[i] = char((i * 131 + 7) & 0xff);
                QVERIFY(f.seek(offset));
                QCOMPARE(f.write(pattern), qint64(pattern.size()));
            }
        }
        const QByteArray hash = test::fileSha256(db);
        const QStringList entries = listing(dir.path());

        (void)looksLikeMlflowDatabase(db);
        RecordingSink sink;
        QString error;
        try {
            readMlflowDatabase(db, sink);
        } catch (const Error &e) {
            error = e.message();
        }
        QVERIFY2(error.isEmpty() || error.contains(db), qPrintable(error));
        QCOMPARE(test::fileSha256(db), hash);
        QCOMPARE(listing(dir.path()), entries);
        for (const SourceRun &r : sink.runs)
            QVERIFY(!r.id.isEmpty() || !r.sourceKey.isEmpty());
    }

    // MLflow 0.9 files have no alembic_version, no metric step and no is_nan; NaN could only be NULL or text.
    void preAlembicSchema()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("mlflow09.db"));
        const QString id = QStringLiteral("0123456789abcdef0123456789abcdef");
        QVERIFY(alter(
            db,
            {
                QStringLiteral(
                    "CREATE TABLE experiments (experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL, "
                    "artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), PRIMARY KEY "
                    "(experiment_id), "
                    "UNIQUE (name))"),
                QStringLiteral(
                    "CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type "
                    "VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id "
                    "VARCHAR(256), "
                    "status VARCHAR(20), start_time BIGINT, end_time BIGINT, source_version VARCHAR(50), "
                    "lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER, PRIMARY "
                    "KEY "
                    "(run_uuid))"),
                QStringLiteral(
                    "CREATE TABLE tags (key VARCHAR(250), value VARCHAR(250), run_uuid VARCHAR(32), PRIMARY "
                    "KEY (key, run_uuid))"),
                QStringLiteral("CREATE TABLE params (key VARCHAR(250), value VARCHAR(250) NOT NULL, run_uuid "
                               "VARCHAR(32), "
                               "PRIMARY KEY (key, run_uuid))"),
                QStringLiteral(
                    "CREATE TABLE metrics (key VARCHAR(250), value FLOAT, timestamp BIGINT, run_uuid "
                    "VARCHAR(32), PRIMARY KEY (key, timestamp, run_uuid))"),
                QStringLiteral("INSERT INTO experiments VALUES (0, 'Default', './mlruns/0', 'active')"),
                QStringLiteral(
                    "INSERT INTO runs VALUES ('%1', '', 'LOCAL', 'train.py', 'main', 'alice', 'FINISHED', "
                    "1550000000000, 1550000100000, 'abc123', 'active', './mlruns/0/%1/artifacts', 0)")
                    .arg(id),
                QStringLiteral("INSERT INTO tags VALUES ('mlflow.runName', 'old-run', '%1')").arg(id),
                QStringLiteral("INSERT INTO params VALUES ('alpha', '0.5', '%1')").arg(id),
                QStringLiteral("INSERT INTO metrics VALUES ('m', 1.5, 3, '%1')").arg(id),
                QStringLiteral("INSERT INTO metrics VALUES ('m', NULL, 1, '%1')").arg(id),
                QStringLiteral("INSERT INTO metrics VALUES ('m', 'NaN', 2, '%1')").arg(id),
                QStringLiteral("INSERT INTO metrics VALUES ('m', '-Infinity', 4, '%1')").arg(id),
            }));
        QVERIFY(copyTree(fixture(QStringLiteral("mlflow-sqlite/sqlite_artifacts/text-regression/") + Run07),
                         dir.filePath(QStringLiteral("mlruns/0/") + id)));
        const QByteArray hash = test::fileSha256(db);

        QVERIFY(looksLikeMlflowDatabase(db));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(test::fileSha256(db), hash);
        QCOMPARE(sink.countWarnings(QStringLiteral("no alembic_version table")), 1);
        QCOMPARE(sink.runs.size(), size_t(1));
        const SourceRun &r = sink.runs[0];
        QCOMPARE(r.id, id);
        QCOMPARE(r.name, QStringLiteral("old-run"));
        QCOMPARE(r.user, QStringLiteral("alice"));
        QCOMPARE(r.experiment, QStringLiteral("Default"));
        QCOMPARE(r.params.value(QStringLiteral("alpha")), QStringLiteral("0.5"));
        // The source kept in run columns by MLflow 0.9 becomes the tags MLflow uses now.
        QCOMPARE(r.tags.value(QStringLiteral("mlflow.source.name")), QStringLiteral("train.py"));
        QCOMPARE(r.tags.value(QStringLiteral("mlflow.source.type")), QStringLiteral("LOCAL"));
        QCOMPARE(r.tags.value(QStringLiteral("mlflow.source.git.commit")), QStringLiteral("abc123"));
        QCOMPARE(r.tags.value(QStringLiteral("mlflow.project.entryPoint")), QStringLiteral("main"));
        QCOMPARE(r.metrics.size(), size_t(1));
        const std::vector<MetricPoint> &p = r.metrics[0].points;
        QCOMPARE(p.size(), size_t(4));
        QCOMPARE(p[0].value, 1.5); // logging order, not timestamp order
        QCOMPARE(p[0].timestamp, qint64(3));
        QVERIFY(std::isnan(p[1].value));
        QVERIFY(std::isnan(p[2].value));
        QCOMPARE(p[3].value, -std::numeric_limits<double>::infinity());
        for (const MetricPoint &point : p)
            QCOMPARE(point.step, qint64(0));
        QCOMPARE(artifactPaths(r),
                 filesBelow(fixture(QStringLiteral("mlflow-sqlite/sqlite_artifacts/text-regression/") +
                                    Run07 + QStringLiteral("/artifacts"))));
    }

    void unknownRevision()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(alter(db, {QStringLiteral("UPDATE alembic_version SET version_num = 'ffffffffffff'"),
                           QStringLiteral("ALTER TABLE runs ADD COLUMN future_column TEXT"),
                           QStringLiteral("CREATE TABLE future_table (x)")}));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(sink.countWarnings(QStringLiteral("unknown MLflow schema revision ffffffffffff")), 1);
        QCOMPARE(sink.runs.size(), size_t(12));
        QCOMPARE(sink.models.size(), size_t(1));
    }

    void revisionMissingWhatItShouldHave()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(alter(db, {QStringLiteral("DROP TABLE registered_model_aliases"),
                           QStringLiteral("DROP TABLE input_tags")}));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(sink.countWarnings(QStringLiteral("should have the table registered_model_aliases")), 1);
        QCOMPARE(sink.countWarnings(QStringLiteral("should have the table input_tags")), 1);
        QCOMPARE(sink.models.size(), size_t(1));
        QVERIFY(sink.models[0].aliases.isEmpty());
        QCOMPARE(sink.models[0].versions.size(), size_t(2));
        QCOMPARE(sink.runById(Run00)->inputs.size(), size_t(1));
        QVERIFY(sink.runById(Run00)->inputs[0].context.isEmpty());
    }

    // A deleted model version keeps its row (stage Deleted_Internal) to reserve its number; it is not
    // imported.
    void deletedModelVersion()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(alter(
            db, {QStringLiteral("INSERT INTO model_versions (name, version, current_stage, run_id) VALUES "
                                "('toy-classifier', 3, 'Deleted_Internal', NULL)"),
                 QStringLiteral("UPDATE model_versions SET current_stage = 'production' WHERE version = 1"),
                 QStringLiteral("UPDATE model_versions SET current_stage = 'Shipping' WHERE version = 2")}));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(sink.models.size(), size_t(1));
        QCOMPARE(sink.models[0].versions.size(), size_t(2));
        QCOMPARE(sink.models[0].versions[0].stage, QStringLiteral("Production"));
        QCOMPARE(sink.models[0].versions[1].stage, QStringLiteral("None"));
        QCOMPARE(sink.countWarnings(QStringLiteral("unknown stage \"Shipping\"")), 1);
        QCOMPARE(sink.skippedCounts.value(QStringLiteral("deleted model version")), qint64(1));
    }

    // MLflow 3 workspaces: names are unique per workspace, and registry rows are matched within one.
    void workspaces()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QStringList statements;
        for (const char *table : {"experiments", "registered_models", "model_versions",
                                  "registered_model_tags", "model_version_tags", "registered_model_aliases"})
            statements << QStringLiteral(
                              "ALTER TABLE %1 ADD COLUMN workspace VARCHAR(63) NOT NULL DEFAULT 'default'")
                              .arg(QLatin1String(table));
        statements << QStringLiteral(
                          "INSERT INTO experiments (experiment_id, name, lifecycle_stage, workspace) VALUES "
                          "(7, 'shared', 'active', 'team-b')")
                   << QStringLiteral("UPDATE runs SET experiment_id = 7 WHERE run_uuid = '%1'").arg(Run09)
                   << QStringLiteral(
                          "INSERT INTO model_version_tags (key, value, name, version, workspace) VALUES "
                          "('elsewhere', 'yes', 'toy-classifier', 1, 'team-b')");
        QVERIFY(alter(db, statements));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QVERIFY(sink.experimentNamed(QStringLiteral("team-b/shared")));
        QVERIFY(sink.experimentNamed(QStringLiteral("image-classification")));
        QCOMPARE(sink.runById(Run09)->experiment, QStringLiteral("team-b/shared"));
        QCOMPARE(sink.countWarnings(QStringLiteral("workspace")), 1);
        QCOMPARE(sink.models.size(), size_t(1));
        QCOMPARE(sink.models[0].name, QStringLiteral("toy-classifier"));
        QCOMPARE(sink.models[0].aliases.value(QStringLiteral("champion")), 2);
        QCOMPARE(sink.models[0].versions.size(), size_t(2));
        QCOMPARE(sink.models[0].versions[0].tags.value(QStringLiteral("v")), QStringLiteral("1"));
        QVERIFY(!sink.models[0].versions[0].tags.contains(QStringLiteral("elsewhere"))); // team-b's, not ours
        QCOMPARE(sink.models[0].tags.value(QStringLiteral("domain")), QStringLiteral("demo"));
    }

    // MLflow 3 logged models from a real MLflow 3.13 database (hdb-mlops-platform's dump): each of the 7
    // becomes part of its source run. Ground truth from the dump's own INSERT rows: 7 params, 5 tags and 6
    // single-point metrics per model, source runs all in the runs table. The project did not commit the
    // artifact files, so the test writes one model's folder where MLflow puts it
    // (<location>/models/<model id>/artifacts) below the database's folder.
    void loggedModels()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("mlflow.db"));
        QVERIFY(loadDump(fixture(Mlflow3Dump), db));
        const QString model = QStringLiteral("m-381dfab095e04fd0985077c559c994e7");
        const QString run = QStringLiteral("b90b186495804fb69cb246143d047dcb");
        const QString files =
            dir.filePath(QStringLiteral("mlruns/1/models/") + model + QStringLiteral("/artifacts"));
        QVERIFY(test::writeFile(files + QStringLiteral("/MLmodel"),
                                "flavors:\n  sklearn: {}\nmodel_id: " + model.toUtf8() + "\n"));
        QVERIFY(test::writeFile(files + QStringLiteral("/model.pkl"), QByteArray(64, 'x')));
        const QStringList before = listing(dir.path());

        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(listing(dir.path()), before); // read-only: no -wal, -shm or journal left
        QCOMPARE(sink.countWarnings(QStringLiteral("unknown MLflow schema revision")), 0); // 3.13's is known
        QCOMPARE(sink.runs.size(), size_t(8));
        QCOMPARE(sink.skippedCounts.value(QStringLiteral("logged models without their run")), qint64(0));
        QVERIFY(!sink.skippedCounts.contains(QStringLiteral("logged model")));
        int attached = 0;
        for (const SourceRun &r : sink.runs) {
            if (!r.tags.contains(QStringLiteral("mlflow.logged_model.model.model_id")))
                continue;
            ++attached;
            int params = 0, tags = 0;
            for (auto it = r.params.cbegin(); it != r.params.cend(); ++it)
                params += it.key().startsWith(QStringLiteral("model/")) ? 1 : 0;
            for (auto it = r.tags.cbegin(); it != r.tags.cend(); ++it)
                tags += it.key().startsWith(QStringLiteral("mlflow.logged_model.model.tags.")) ? 1 : 0;
            QCOMPARE(params, 7);
            QCOMPARE(tags, 5);
            int metrics = 0;
            for (const SourceMetric &m : r.metrics) {
                if (m.key.startsWith(QStringLiteral("model/"))) {
                    ++metrics;
                    QCOMPARE(m.points.size(), size_t(1));
                }
            }
            QCOMPARE(metrics, 6);
            QCOMPARE(r.tags.value(QStringLiteral("mlflow.logged_model.model.status")),
                     QStringLiteral("READY"));
        }
        QCOMPARE(attached, 7);

        const SourceRun *r = sink.runById(run);
        QVERIFY(r);
        QCOMPARE(r->tags.value(QStringLiteral("mlflow.logged_model.model.model_id")), model);
        QCOMPARE(r->params.value(QStringLiteral("model/n_estimators")), QStringLiteral("1000"));
        QCOMPARE(r->params.value(QStringLiteral("n_estimators")), QStringLiteral("1000")); // the run's own
        QCOMPARE(r->tags.value(QStringLiteral("mlflow.logged_model.model.tags.mlflow.modelVersions")),
                 QStringLiteral("[{\"name\": \"hdb-predictor\", \"version\": 1}]"));
        const SourceMetric *rmse = RecordingSink::metric(*r, QStringLiteral("model/test_rmse"));
        QVERIFY(rmse);
        QCOMPARE(rmse->points[0], (MetricPoint{0, 1777346452861, 27689.892404665723}));
        QCOMPARE(artifactPaths(*r),
                 (QStringList{QStringLiteral("model/MLmodel"), QStringLiteral("model/model.pkl")}));
        // The other six models' files are not here: one line each, naming the model.
        QCOMPARE(
            sink.countWarnings(QStringLiteral(
                "artifact folder not found for /Users/cheeyoungchang/hdb-mlops-platform/mlruns/1/models/m-")),
            6);

        // A model whose run is not in the file, and one that names none: one line each, nothing invented.
        QVERIFY(alter(
            db, {QStringLiteral("UPDATE logged_models SET source_run_id = 'ffffffffffffffffffffffffffffffff' "
                                "WHERE model_id = 'm-72a82cd491384c26811e7927af1ca6fd'"),
                 QStringLiteral("UPDATE logged_models SET source_run_id = NULL "
                                "WHERE model_id = 'm-82a509e18d914655aa3e3e356e8ab7a5'")}));
        RecordingSink again;
        QVERIFY(readInto(db, again));
        QCOMPARE(again.runs.size(), size_t(8));
        QCOMPARE(again.skippedCounts.value(QStringLiteral("logged models without their run")), qint64(2));
        QCOMPARE(
            again.countWarnings(QStringLiteral("m-72a82cd491384c26811e7927af1ca6fd (model): its source run "
                                               "ffffffffffffffffffffffffffffffff is not in this source")),
            1);
        QCOMPARE(again.countWarnings(
                     QStringLiteral("m-82a509e18d914655aa3e3e356e8ab7a5 (model) names no source run")),
                 1);
        QVERIFY(!again.runById(QStringLiteral("26b45ff54a734389ae23eb2ea8b7ab68"))
                     ->tags.contains(QStringLiteral("mlflow.logged_model.model.model_id")));
    }

    // Without a rowid the logging order is lost; the reader says so and orders by time.
    void metricsWithoutRowid()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        QVERIFY(alter(
            db, {QStringLiteral("CREATE TABLE metrics_new (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, "
                                "timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL, step BIGINT "
                                "NOT NULL, is_nan BOOLEAN NOT NULL, PRIMARY KEY (key, timestamp, step, "
                                "run_uuid, value, is_nan)) WITHOUT ROWID"),
                 QStringLiteral("INSERT INTO metrics_new SELECT key, value, timestamp, run_uuid, step, "
                                "is_nan FROM metrics"),
                 QStringLiteral("DROP TABLE metrics"),
                 QStringLiteral("ALTER TABLE metrics_new RENAME TO metrics")}));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(sink.countWarnings(QStringLiteral("no rowid")), 1);
        QCOMPARE(pointCount(*sink.runById(Run02)), qint64(903));
        const SourceMetric *loss = RecordingSink::metric(*sink.runById(Run02), QStringLiteral("loss"));
        for (size_t i = 1; i < loss->points.size(); ++i)
            QVERIFY(loss->points[i - 1].timestamp <= loss->points[i].timestamp);
    }

    // MLflow writes +-inf as +-1.7976931348623157e308 and NaN as 0 with is_nan = 1.
    void nonFiniteConventions()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        const QString insert =
            QStringLiteral("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
                           "VALUES ('edge', %1, %2, '%3', %2, %4)");
        QVERIFY(alter(db, {insert.arg(QStringLiteral("1.7976931348623157e308")).arg(1).arg(Run00).arg(0),
                           insert.arg(QStringLiteral("-1.7976931348623157e308")).arg(2).arg(Run00).arg(0),
                           insert.arg(QStringLiteral("0")).arg(3).arg(Run00).arg(1),
                           insert.arg(QStringLiteral("1.0e308")).arg(4).arg(Run00).arg(0),
                           insert.arg(QStringLiteral("-0.0")).arg(5).arg(Run00).arg(0)}));
        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        const SourceMetric *edge = RecordingSink::metric(*sink.runById(Run00), QStringLiteral("edge"));
        QVERIFY(edge);
        QCOMPARE(edge->points.size(), size_t(5));
        QCOMPARE(edge->points[0].value, std::numeric_limits<double>::infinity());
        QCOMPARE(edge->points[1].value, -std::numeric_limits<double>::infinity());
        QVERIFY(std::isnan(edge->points[2].value));
        QCOMPARE(edge->points[3].value, 1.0e308); // large but finite stays finite
        QCOMPARE(edge->points[4].value, 0.0);
        QCOMPARE(edge->points[2].step, qint64(3));
    }

    // Artifact folders: found where the URI says or below the database; never anything from outside them.
    void artifactLocations()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        const QString artifacts = dir.filePath(QStringLiteral("sqlite_artifacts"));
        QVERIFY(copyTree(fixture(QStringLiteral("mlflow-sqlite/sqlite_artifacts")), artifacts));
        const QString base = QFileInfo(dir.path()).canonicalFilePath();

        // Links in run-07's folder: one to a file outside, one to a folder outside, one to a file inside.
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("outside"))));
        {
            QFile secret(dir.filePath(QStringLiteral("outside/secret.txt")));
            QVERIFY(secret.open(QIODevice::WriteOnly));
            secret.write("secret");
        }
        const QString run07 =
            artifacts + QStringLiteral("/text-regression/") + Run07 + QStringLiteral("/artifacts");
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("outside/secret.txt")),
                            run07 + QStringLiteral("/escape.txt")));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("outside")), run07 + QStringLiteral("/escape-dir")));
        QVERIFY(QFile::link(run07 + QStringLiteral("/notes.txt"), run07 + QStringLiteral("/inner-link.txt")));

        // run-01's folder also exists at its absolute recorded path: that one wins.
        const QString elsewhere =
            dir.filePath(QStringLiteral("elsewhere/") + Run01 + QStringLiteral("/artifacts"));
        QVERIFY(QDir().mkpath(elsewhere));
        {
            QFile f(elsewhere + QStringLiteral("/only-here.txt"));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        // mlflow-artifacts:/ URIs of `mlflow server`, stored in ./mlartifacts by default.
        const QString served =
            dir.filePath(QStringLiteral("mlartifacts/2/") + Run10 + QStringLiteral("/artifacts"));
        QVERIFY(QDir().mkpath(served));
        {
            QFile f(served + QStringLiteral("/served.txt"));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const QString set = QStringLiteral("UPDATE runs SET artifact_uri = '%1' WHERE run_uuid = '%2'");
        QVERIFY(alter(
            db,
            {set.arg(QUrl::fromLocalFile(elsewhere).toString(), Run01),
             set.arg(QStringLiteral("D:\\work\\sqlite_artifacts\\text-regression\\%1\\artifacts").arg(Run08),
                     Run08),
             set.arg(QStringLiteral("./sqlite_artifacts/text-regression/%1/artifacts").arg(Run09), Run09),
             set.arg(QStringLiteral("mlflow-artifacts:/2/%1/artifacts").arg(Run10), Run10),
             set.arg(QStringLiteral("/etc"), Run11),
             set.arg(QStringLiteral("../../../../../../../../etc"), Run00),
             set.arg(QStringLiteral("s3://bucket/path/text-regression/%1/../../../outside").arg(Run02),
                     Run02)}));
        const QByteArray hash = test::fileSha256(db);

        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        QCOMPARE(test::fileSha256(db), hash);
        for (const SourceRun &r : sink.runs) {
            for (const SourceArtifact &a : r.artifacts) {
                QVERIFY2(isSafe(a), qPrintable(a.path));
                QVERIFY2(a.filePath.startsWith(base + QLatin1Char('/')), qPrintable(a.filePath));
                QVERIFY2(!a.filePath.contains(QLatin1String("/outside/")), qPrintable(a.filePath));
                QVERIFY2(QFileInfo(a.filePath).isFile(), qPrintable(a.filePath));
            }
        }

        const SourceRun *r07 = sink.runById(Run07);
        QStringList expected07 =
            filesBelow(fixture(QStringLiteral("mlflow-sqlite/sqlite_artifacts/text-regression/") + Run07 +
                               QStringLiteral("/artifacts")));
        expected07 << QStringLiteral("inner-link.txt");
        expected07.sort();
        QCOMPARE(artifactPaths(*r07), expected07);
        for (const SourceArtifact &a : r07->artifacts) {
            if (a.path == QLatin1String("inner-link.txt"))
                QCOMPARE(a.filePath, QFileInfo(run07 + QStringLiteral("/notes.txt")).canonicalFilePath());
        }
        QCOMPARE(sink.countWarnings(QStringLiteral("2 entries")), 1); // escape.txt and escape-dir

        QCOMPARE(artifactPaths(*sink.runById(Run01)), QStringList({QStringLiteral("only-here.txt")}));
        QCOMPARE(artifactPaths(*sink.runById(Run08)),
                 filesBelow(artifacts + QStringLiteral("/text-regression/") + Run08 +
                            QStringLiteral("/artifacts")));
        QCOMPARE(artifactPaths(*sink.runById(Run09)),
                 filesBelow(artifacts + QStringLiteral("/text-regression/") + Run09 +
                            QStringLiteral("/artifacts")));
        QCOMPARE(artifactPaths(*sink.runById(Run10)), QStringList({QStringLiteral("served.txt")}));
        // Locations that do not name the run are never read, wherever they point.
        QVERIFY(sink.runById(Run11)->artifacts.empty());
        QVERIFY(sink.runById(Run00)->artifacts.empty());
        QVERIFY(sink.runById(Run02)->artifacts.empty());
        QCOMPARE(sink.countWarnings(QStringLiteral("artifact folder not found")), 3);
    }

    // Artifact folders that lead out of the database's folder: an absolute URI naming the run elsewhere on
    // this disk, the run's folder swapped for a link, a link on the way there. Each is refused, named in a
    // warning with its reason and counted; the runs themselves are read.
    void artifactLocationsOutsideAreRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb), QStringLiteral("proj/mlflow.db"));
        QVERIFY(!db.isEmpty());
        const QString artifacts = dir.filePath(QStringLiteral("proj/sqlite_artifacts"));
        QVERIFY(copyTree(fixture(QStringLiteral("mlflow-sqlite/sqlite_artifacts")), artifacts));
        const QString outside = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/outside");
        const auto secretFolder = [&](const QString &folder) {
            QVERIFY(QDir().mkpath(folder));
            QFile f(folder + QStringLiteral("/id_rsa"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("PRIVATE KEY");
        };
        // Run01: its URI names <outside>/<run>/artifacts, which exists.
        secretFolder(outside + QLatin1Char('/') + Run01 + QStringLiteral("/artifacts"));
        // Run07: its own folder below the database is a link out.
        secretFolder(outside + QStringLiteral("/keys"));
        const QString run07 =
            artifacts + QStringLiteral("/text-regression/") + Run07 + QStringLiteral("/artifacts");
        QVERIFY(QDir(run07).removeRecursively());
        QVERIFY(QFile::link(outside + QStringLiteral("/keys"), run07));
        // Run08: ./linked/<run>/artifacts, where "linked" leads out.
        secretFolder(outside + QStringLiteral("/stash/") + Run08 + QStringLiteral("/artifacts"));
        QVERIFY(QFile::link(outside + QStringLiteral("/stash"), dir.filePath(QStringLiteral("proj/linked"))));
        const QString set = QStringLiteral("UPDATE runs SET artifact_uri = '%1' WHERE run_uuid = '%2'");
        QVERIFY(alter(db, {set.arg(QStringLiteral("file://") + outside + QLatin1Char('/') + Run01 +
                                       QStringLiteral("/artifacts"),
                                   Run01),
                           set.arg(QStringLiteral("./linked/%1/artifacts").arg(Run08), Run08)}));

        RecordingSink sink;
        QVERIFY(readInto(db, sink));
        for (const SourceRun &r : sink.runs) {
            for (const SourceArtifact &a : r.artifacts) {
                QVERIFY2(!a.filePath.startsWith(outside), qPrintable(a.filePath));
                QVERIFY2(a.path != QLatin1String("id_rsa"), qPrintable(a.filePath));
            }
        }
        for (const QString &run : {Run01, Run07, Run08}) {
            const SourceRun *r = sink.runById(run);
            QVERIFY(r);
            QVERIFY(r->artifacts.empty());
            QVERIFY(!r->metrics.empty());
        }
        QCOMPARE(sink.countWarnings(QStringLiteral("artifacts skipped")), 3);
        QCOMPARE(sink.countWarnings(QStringLiteral("outside the database's folder")), 3);
        QCOMPARE(sink.countWarnings(QStringLiteral("through a symbolic link")), 2); // Run07 and Run08
        QCOMPARE(sink.skippedCounts.value(QStringLiteral("artifact locations outside the run")), qint64(3));
        // The other runs' artifacts are read as before.
        QVERIFY(!sink.runById(Run09)->artifacts.empty());
    }

    void stopsWhenAsked()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = copyIn(dir, fixture(GroundTruthDb));
        {
            RecordingSink sink;
            sink.stopAfterRuns = 3;
            QVERIFY(readInto(db, sink));
            QCOMPARE(sink.runs.size(), size_t(3));
            QVERIFY(sink.models.empty());
        }
        {
            RecordingSink sink;
            sink.cancelled = true;
            QVERIFY(readInto(db, sink));
            QVERIFY(sink.experiments.empty());
            QVERIFY(sink.runs.empty());
        }
    }
};

QTEST_GUILESS_MAIN(TestMlflowDbReader)
#include "tst_mlflowdbreader.moc"
