// SPDX-License-Identifier: GPL-3.0-or-later
// The `runlens` command line end to end: the real binary, run on temporary databases, judged by its exit
// status, its output and what the store reads back afterwards. The child never sees the user's database:
// RUNLENS_DB is unset and HOME / XDG_* point into the test's temporary folder.

#include "search/searchquery.h"
#include "store/store.h"
#include "testsupport.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>

using namespace runlens;
using test::execSql;

namespace {

constexpr int DefaultTimeoutMs = 30000;
constexpr qint64 T0 = 1'700'000'000'000; // fixed start times keep orderings deterministic

// What one run of the binary did.
struct Result
{
    QStringList args;
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    bool ok() const { return finished && exitCode == 0; }
    QString line() const { return QString::fromUtf8(out).trimmed(); }
    // The failure message for QVERIFY2: what was run and everything it printed.
    QByteArray why(int expectedExit) const
    {
        return QStringLiteral("runlens %1\nexpected exit %2, got %3\n--- stdout:\n%4\n--- stderr:\n%5")
            .arg(args.join(u' '))
            .arg(expectedExit)
            .arg(finished ? QString::number(exitCode) : QStringLiteral("no exit (timeout or crash)"))
            .arg(QString::fromUtf8(out.left(4000)), QString::fromUtf8(err.left(4000)))
            .toUtf8();
    }
};

#define VERIFY_EXIT(result, code)                                                                            \
    QVERIFY2((result).finished && (result).exitCode == (code), (result).why(code))

// Output parsed as JSON; `error` says why not (the command failed or printed something else).
struct Json
{
    QJsonDocument doc;
    QByteArray error;
    bool ok() const { return error.isEmpty(); }
    QJsonArray array() const { return doc.array(); }
    QJsonObject object() const { return doc.object(); }
};

Json parseJson(const Result &r)
{
    Json j;
    if (!r.ok()) {
        j.error = r.why(0);
        return j;
    }
    QJsonParseError pe;
    j.doc = QJsonDocument::fromJson(r.out, &pe);
    if (pe.error != QJsonParseError::NoError)
        j.error = QStringLiteral("invalid JSON at offset %1 (%2):\n%3")
                      .arg(pe.offset)
                      .arg(pe.errorString(), QString::fromUtf8(r.out.left(4000)))
                      .toUtf8();
    return j;
}

QStringList namesOf(const QJsonArray &runs)
{
    QStringList names;
    for (const QJsonValue &v : runs)
        names << v.toObject().value(QStringLiteral("name")).toString();
    return names;
}

QStringList sorted(QStringList l)
{
    l.sort();
    return l;
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

const char *const RunKeys[] = {"id",        "name",      "experiment", "status", "start_time", "end_time",
                               "lifecycle", "parent_id", "user",       "params", "tags",       "metrics"};

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void helpAndVersion_data();
    void helpAndVersion();
    void helpForEveryListedCommand();
    void commandHelpUsage_data();
    void commandHelpUsage();
    void usageErrors_data();
    void usageErrors();
    void defaultDatabaseLocation();
    void readCommandsRefuseMissingDatabase_data();
    void readCommandsRefuseMissingDatabase();

    void logCreatesRun();
    void logNonFinite_data();
    void logNonFinite();
    void signedZeroReadsBack();
    void logDefaultSteps();
    void logRepeatedKeyDefaultSteps();
    void logAppendsAndEnds();
    void logToDeletedExperiment();
    void logParamsAreImmutable();
    void logUnknownRun_data();
    void logUnknownRun();
    void logStdin();
    void logStdinMalformed_data();
    void logStdinMalformed();
    void logStdinKeepsLinesBeforeError();
    void logStdinStoreRefusesLine_data();
    void logStdinStoreRefusesLine();
    void logClosingDoesNotReadStdin();
    void logClosingWithStdinFlag();

    void runsJsonShape();
    void runsFilter_data();
    void runsFilter();
    void runsOrderBy_data();
    void runsOrderBy();
    void runsExperiment_data();
    void runsExperiment();
    void runsIncludeDeleted();
    void runsLimit_data();
    void runsLimit();
    void runsMalformedExpression_data();
    void runsMalformedExpression();
    void runsCsv();
    void runsTable();
    void runsMisspeltKeyIsNoted();
    void runsWithoutStartTime();
    void controlCharactersNeverReachTheTerminal();
    void importReportEscapesControlCharacters();
    void importCatBoostAndSkippedKinds();
    void integersAbove2To53StayExact();

    void experiments_data();
    void experiments();

    void metricHistory();
    void metricErrors();

    void demo();
    void compactAddsMissingSummaries();

    void databaseSafety_data();
    void databaseSafety();

    void benchQuickJson();
    void benchLoggingGroup();

    void importExitStatus_data();
    void importExitStatus();
    void importNothingFound_data();
    void importNothingFound();
    void importKubeflow();

    void exportChartWritesNothingWithoutData();
    void exportChartOnPaper();
    void exportChartTitleAndLabels();
    void exportChartLegendPlacement_data();
    void exportChartLegendPlacement();
    void exportChartSharesXRange();
    void exportChartBadValues_data();
    void exportChartBadValues();

    void tablesRoundAndFitTheTerminal();

private:
    Result run(const QStringList &args, const QByteArray &input = {}, int timeoutMs = DefaultTimeoutMs);
    // The same against this test's database.
    Result cli(const QStringList &args, const QByteArray &input = {}, int timeoutMs = DefaultTimeoutMs)
    {
        return run(QStringList{QStringLiteral("--db"), m_db} + args, input, timeoutMs);
    }
    Result cliOn(const QString &db, const QStringList &args, const QByteArray &input = {})
    {
        return run(QStringList{QStringLiteral("--db"), db} + args, input);
    }
    // `log ARGS` that must create a run: its id, or empty (with the reason as a warning).
    QString createRun(const QStringList &args, const QByteArray &input = {});
    // Two runs with pinned colours (red, blue) and a constant curve each: train/loss over steps 0..100,
    // val/loss over 50..100. Their ids.
    QStringList createChartRuns();
    QProcessEnvironment childEnvironment() const;
    void buildSearchFixture();

    std::unique_ptr<QTemporaryDir> m_dir; // fresh for every test function and data row
    QString m_db;
    QProcessEnvironment m_env;

    QTemporaryDir m_shared; // the search fixture, built once and only read
    QString m_searchDb;
    QHash<QString, QString> m_fixtureIds; // run name -> id
};

QProcessEnvironment TestCli::childEnvironment() const
{
    const QString root = m_dir->path();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    env.insert(QStringLiteral("HOME"), root + QStringLiteral("/home"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), root + QStringLiteral("/home/.local/share"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), root + QStringLiteral("/home/.config"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), root + QStringLiteral("/home/.cache"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), root + QStringLiteral("/runtime"));
    env.insert(QStringLiteral("TMPDIR"), root + QStringLiteral("/tmp"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("USER"), QStringLiteral("cli-tester"));
    return env;
}

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(RUNLENS_BINARY)).isExecutable(),
             "RUNLENS_BINARY " RUNLENS_BINARY " is not an executable; build the runlens target first");
    QVERIFY2(m_shared.isValid(), qPrintable(m_shared.errorString()));
    buildSearchFixture();
}

void TestCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_dir->isValid(), qPrintable(m_dir->errorString()));
    for (const char *sub : {"home", "tmp", "runtime"})
        QVERIFY(QDir(m_dir->path()).mkpath(QLatin1String(sub)));
    QFile::setPermissions(m_dir->filePath(QStringLiteral("runtime")),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_db = m_dir->filePath(QStringLiteral("runs.db"));
    m_env = childEnvironment();
}

void TestCli::cleanup()
{
    m_dir.reset();
}

Result TestCli::run(const QStringList &args, const QByteArray &input, int timeoutMs)
{
    Result r;
    r.args = args;
    QProcess p;
    p.setProcessEnvironment(m_env);
    p.setWorkingDirectory(m_dir->path());
    p.start(QStringLiteral(RUNLENS_BINARY), args);
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    r.finished = p.waitForFinished(timeoutMs) && p.exitStatus() == QProcess::NormalExit;
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = r.finished ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString TestCli::createRun(const QStringList &args, const QByteArray &input)
{
    const Result r = cli(QStringList{QStringLiteral("log")} + args, input);
    static const QRegularExpression id(QStringLiteral("^[0-9a-f]{32}\n$"));
    if (!r.ok() || !id.match(QString::fromUtf8(r.out)).hasMatch()) {
        qWarning("%s", r.why(0).constData());
        return {};
    }
    return r.line();
}

// Six active runs and a deleted one with known params, metrics (finite, NaN, +Inf, missing), statuses and
// start times, written through the store.
void TestCli::buildSearchFixture()
{
    struct Spec
    {
        const char *name;
        const char *experiment;
        const char *lr; // nullptr: no param
        std::optional<double> loss;
        RunStatus status;
        const char *team;
    };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const Spec specs[] = {
        {"r1", "sweep", "0.01", 0.3, RunStatus::Finished, "a"},
        {"r2", "sweep", "0.01", 0.7, RunStatus::Finished, "b"},
        {"r3", "sweep", "0.1", 0.2, RunStatus::Failed, "a"},
        {"r4", "sweep", "0.01", nan, RunStatus::Running, nullptr},
        {"r5", "other", "0.001", std::nullopt, RunStatus::Finished, "b"},
        {"r6", "other", nullptr, inf, RunStatus::Killed, nullptr},
        {"r7", "sweep", "0.01", 0.1, RunStatus::Finished, "a"}, // deleted below
    };
    m_searchDb = m_shared.filePath(QStringLiteral("search.db"));
    try {
        Store store(m_searchDb);
        int i = 0;
        for (const Spec &s : specs) {
            NewRun init;
            init.experimentId = store.runs().ensureExperiment(QLatin1String(s.experiment));
            init.name = QLatin1String(s.name);
            init.user = QStringLiteral("fixture");
            init.status = s.status;
            init.startMs = T0 + (++i) * 1000;
            if (isTerminal(s.status))
                init.endMs = *init.startMs + 500;
            const Run r = store.runs().createRun(init);
            if (s.lr)
                store.runs().logParam(r.id, QStringLiteral("lr"), QLatin1String(s.lr));
            if (s.team)
                store.runs().setTag(r.id, QStringLiteral("team"), QLatin1String(s.team));
            if (s.loss)
                store.series().logMetric(r.id, QStringLiteral("loss"), MetricPoint{0, T0, *s.loss});
            m_fixtureIds.insert(init.name, r.id);
        }
        store.runs().setRunLifecycle(m_fixtureIds.value(QStringLiteral("r7")), Lifecycle::Deleted);
    } catch (const Error &e) {
        QFAIL(qPrintable(e.message()));
    }
}

// ------------------------------------------------------------------------------------------ usage and help

void TestCli::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");

    QTest::newRow("--help") << QStringList{QStringLiteral("--help")}
                            << QStringLiteral("Usage: runlens [--db FILE] [COMMAND]");
    QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << QStringLiteral("Commands:");
    QTest::newRow("--version") << QStringList{QStringLiteral("--version")}
                               << QStringLiteral("runlens " RUNLENS_VERSION "\n");
    QTest::newRow("-v") << QStringList{QStringLiteral("-v")} << QStringLiteral("runlens " RUNLENS_VERSION);
    // Each command's help lists its own options.
    const QList<std::pair<const char *, const char *>> commands = {
        {"experiments", "--include-deleted"},
        {"runs", "--order-by"},
        {"metric", "KEY"},
        {"log", "--param"},
        {"demo", "--steps"},
        {"bench", "--quick"},
    };
    for (const auto &[command, option] : commands) {
        QTest::addRow("%s --help", command)
            << QStringList{QLatin1String(command), QStringLiteral("--help")} << QString::fromLatin1(option);
    }
    QTest::newRow("log --help after options")
        << QStringList{QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("loss=1"),
                       QStringLiteral("--help")}
        << QStringLiteral("--param");
}

void TestCli::helpAndVersion()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const Result r = cli(args);
    VERIFY_EXIT(r, 0);
    QVERIFY2(QString::fromUtf8(r.out).contains(expected), r.why(0));
    QVERIFY2(r.err.isEmpty(), r.why(0));
    QVERIFY2(!QFileInfo::exists(m_db), "help and version must not create the database");
}

// Every command the global help lists has its own help (also commands added after this test was written).
void TestCli::helpForEveryListedCommand()
{
    const Result help = cli({QStringLiteral("--help")});
    VERIFY_EXIT(help, 0);
    const QString text = QString::fromUtf8(help.out);
    const qsizetype from = text.indexOf(QLatin1String("Commands:\n"));
    QVERIFY2(from >= 0, help.why(0));
    QStringList listed;
    for (const QString &line : text.mid(from).split(u'\n').mid(1)) {
        if (!line.startsWith(QLatin1String("  ")))
            break;
        listed << line.trimmed().section(u' ', 0, 0);
    }
    for (const char *command : {"experiments", "runs", "metric", "log", "demo", "bench"})
        QVERIFY2(listed.contains(QLatin1String(command)), qPrintable(listed.join(u',')));
    for (const QString &command : listed) {
        const Result r = cli({command, QStringLiteral("--help")});
        VERIFY_EXIT(r, 0);
        QVERIFY2(r.out.contains("Options:"), r.why(0));
        QVERIFY2(r.err.isEmpty(), r.why(0));
    }
    QVERIFY2(!QFileInfo::exists(m_db), "help must not create the database");
}

void TestCli::commandHelpUsage_data()
{
    QTest::addColumn<QString>("command");
    for (const char *command : {"experiments", "runs", "metric", "log", "demo", "bench"})
        QTest::newRow(command) << QString::fromLatin1(command);
}

// cli.cpp's parse() means to print "Usage: runlens [--db FILE] COMMAND [options]" for `COMMAND --help`.
void TestCli::commandHelpUsage()
{
    QFETCH(QString, command);
    const Result r = cli({command, QStringLiteral("--help")});
    VERIFY_EXIT(r, 0);
    const QString usage = QString::fromUtf8(r.out).section(u'\n', 0, 0);
    QVERIFY2(
        usage.startsWith(QStringLiteral("Usage: runlens [--db FILE] %1").arg(command)),
        qPrintable(QStringLiteral("the usage line names neither the program nor the command: ") + usage));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const QStringList &args, const char *message) {
        QTest::newRow(name) << args << QString::fromUtf8(message);
    };
    row("unknown command", {QStringLiteral("frobnicate")}, "unknown command 'frobnicate'");
    row("unknown option", {QStringLiteral("runs"), QStringLiteral("--bogus")}, "Unknown option 'bogus'");
    row("unknown global option", {QStringLiteral("--bogus-global")}, "unknown option '--bogus-global'");
    row("option of another command",
        {QStringLiteral("experiments"), QStringLiteral("--limit"), QStringLiteral("1")},
        "Unknown option 'limit'");
    row("--db without file", {QStringLiteral("--db")}, "--db needs a file name");
    row("runs bad --format", {QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("xml")},
        "--format must be table, json or csv (got 'xml')");
    row("experiments bad --format",
        {QStringLiteral("experiments"), QStringLiteral("--format"), QStringLiteral("yaml")},
        "--format must be table, json or csv");
    row("metric bad --format",
        {QStringLiteral("metric"), QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("--format"),
         QStringLiteral("JSON")},
        "--format must be table, json or csv");
    row("--limit not a number", {QStringLiteral("runs"), QStringLiteral("--limit"), QStringLiteral("ten")},
        "--limit must be an integer (got 'ten')");
    row("--limit negative", {QStringLiteral("runs"), QStringLiteral("--limit"), QStringLiteral("-1")},
        "--limit must not be negative");
    row("--limit missing value", {QStringLiteral("runs"), QStringLiteral("--limit")}, "Missing value");
    row("runs extra argument", {QStringLiteral("runs"), QStringLiteral("extra")},
        "unexpected argument 'extra'");
    row("log --end BOGUS", {QStringLiteral("log"), QStringLiteral("--end"), QStringLiteral("BOGUS")},
        "--end must be FINISHED, FAILED or KILLED (got 'BOGUS')");
    row("log --end RUNNING", {QStringLiteral("log"), QStringLiteral("--end"), QStringLiteral("RUNNING")},
        "--end must be FINISHED, FAILED or KILLED");
    row("log --metric not a number",
        {QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("loss=abc")},
        "'abc' is not a number");
    row("log --param without =", {QStringLiteral("log"), QStringLiteral("--param"), QStringLiteral("lr")},
        "--param expects KEY=VALUE");
    row("log --tag with empty key", {QStringLiteral("log"), QStringLiteral("--tag"), QStringLiteral("=x")},
        "--tag expects KEY=VALUE");
    row("log --step not a number",
        {QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("loss=1"),
         QStringLiteral("--step"), QStringLiteral("1.5")},
        "--step must be an integer");
    row("log --timestamp not a number",
        {QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("loss=1"),
         QStringLiteral("--timestamp"), QStringLiteral("yesterday")},
        "--timestamp must be an integer");
    row("log --run with --experiment",
        {QStringLiteral("log"), QStringLiteral("--run"), QString(32, u'a'), QStringLiteral("--experiment"),
         QStringLiteral("x")},
        "--run adds to an existing run");
    row("metric with one argument", {QStringLiteral("metric"), QStringLiteral("0123")},
        "expected RUN and KEY");
    row("metric with three arguments",
        {QStringLiteral("metric"), QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
        "expected RUN and KEY");
    row("demo --runs 0", {QStringLiteral("demo"), QStringLiteral("--runs"), QStringLiteral("0")},
        "--runs must be between");
    row("demo --steps 5", {QStringLiteral("demo"), QStringLiteral("--steps"), QStringLiteral("5")},
        "--steps must be between");
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = cli(args);
    VERIFY_EXIT(r, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.why(2));
    QVERIFY2(QString::fromUtf8(r.err).contains(QLatin1String("--help")), "a usage error points at --help");
    QVERIFY2(r.out.isEmpty(), r.why(2));
    QVERIFY2(!QFileInfo::exists(m_db), "a usage error must not create the database");
}

// Without --db the child uses $RUNLENS_DB, else its data folder, which the test moved into the temp dir.
void TestCli::defaultDatabaseLocation()
{
    const QString home = m_dir->filePath(QStringLiteral("home"));
    const QString id = [&] {
        const Result r = run({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("nodb")});
        return r.ok() ? r.line() : QString::fromUtf8(r.why(0));
    }();
    QVERIFY2(id.size() == 32, qPrintable(id));
    QStringList found;
    for (QDirIterator it(home, {QStringLiteral("runlens.db")}, QDir::Files | QDir::Hidden,
                         QDirIterator::Subdirectories);
         it.hasNext();)
        found << it.next();
    QVERIFY2(found.size() == 1, qPrintable(found.join(u',')));
    {
        Store store(found.first());
        QVERIFY(store.runs().run(id));
    }

    const QString envDb = m_dir->filePath(QStringLiteral("from-env.db"));
    m_env.insert(QStringLiteral("RUNLENS_DB"), envDb);
    const Result fromEnv = run({QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("x=1")});
    VERIFY_EXIT(fromEnv, 0);
    QVERIFY2(QFileInfo::exists(envDb), "RUNLENS_DB is the default database");

    // --db wins over RUNLENS_DB, also in its --db=FILE spelling.
    const QString explicitDb = m_dir->filePath(QStringLiteral("explicit.db"));
    const Result withDb = run({QStringLiteral("--db=") + explicitDb, QStringLiteral("log"),
                               QStringLiteral("--metric"), QStringLiteral("x=1")});
    VERIFY_EXIT(withDb, 0);
    Store store(explicitDb);
    QVERIFY2(store.runs().run(withDb.line()), withDb.why(0));
    Store env(envDb);
    QVERIFY2(!env.runs().run(withDb.line()), "the run went to RUNLENS_DB instead of --db");
}

void TestCli::readCommandsRefuseMissingDatabase_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("experiments") << QStringList{QStringLiteral("experiments")};
    QTest::newRow("runs") << QStringList{QStringLiteral("runs"), QStringLiteral("--format"),
                                         QStringLiteral("json")};
    QTest::newRow("metric") << QStringList{QStringLiteral("metric"), QString(32, u'a'),
                                           QStringLiteral("loss")};
}

// A mistyped --db must not leave an empty database behind when the command only reads.
void TestCli::readCommandsRefuseMissingDatabase()
{
    QFETCH(QStringList, args);
    const QString missing = m_dir->filePath(QStringLiteral("typo/runz.db"));
    const Result r = cliOn(missing, args);
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("no database at") && r.err.contains("runz.db"), r.why(1));
    QVERIFY2(r.out.isEmpty(), r.why(1));
    QVERIFY2(!QFileInfo::exists(missing), "a read-only command created the database");
    QVERIFY2(!QFileInfo::exists(m_dir->filePath(QStringLiteral("typo"))),
             "a read-only command created the folder");
}

// ------------------------------------------------------------------------------------------------------ log

void TestCli::logCreatesRun()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const Result r = cli({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("vision"),
                          QStringLiteral("--name"), QStringLiteral("first"), QStringLiteral("--param"),
                          QStringLiteral("lr=0.01"), QStringLiteral("--param"), QStringLiteral("batch=32"),
                          QStringLiteral("--tag"), QStringLiteral("team=a"), QStringLiteral("--tag"),
                          QStringLiteral("note=x=y"), QStringLiteral("--metric"), QStringLiteral("loss=0.5"),
                          QStringLiteral("--metric"), QStringLiteral("acc=0.75")});
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    VERIFY_EXIT(r, 0);
    QVERIFY2(
        QRegularExpression(QStringLiteral("^[0-9a-f]{32}\n$")).match(QString::fromUtf8(r.out)).hasMatch(),
        r.why(0));
    QVERIFY2(r.err.isEmpty(), r.why(0));

    Store store(m_db);
    const auto experiment = store.runs().experimentByName(QStringLiteral("vision"));
    QVERIFY2(experiment, "--experiment creates the experiment");
    QCOMPARE(experiment->runCount, 1);
    const auto run = store.runs().run(r.line());
    QVERIFY(run);
    QCOMPARE(run->experimentName, QStringLiteral("vision"));
    QCOMPARE(run->name, QStringLiteral("first"));
    QCOMPARE(run->user, QStringLiteral("cli-tester"));
    QCOMPARE(run->status, RunStatus::Running);
    QVERIFY(run->startMs && *run->startMs >= before && *run->startMs <= after);
    QVERIFY(!run->endMs);
    QCOMPARE(run->params, (QMap<QString, QString>{{QStringLiteral("lr"), QStringLiteral("0.01")},
                                                  {QStringLiteral("batch"), QStringLiteral("32")}}));
    QCOMPARE(run->tags.value(QStringLiteral("team")), QStringLiteral("a"));
    QCOMPARE(run->tags.value(QStringLiteral("note")), QStringLiteral("x=y")); // split at the first '='
    QCOMPARE(store.runs().metricKeys(run->id), (QStringList{QStringLiteral("acc"), QStringLiteral("loss")}));
    const auto loss = store.series().metricHistory(run->id, QStringLiteral("loss"));
    QCOMPARE(loss.size(), size_t(1));
    QCOMPARE(loss[0].step, 0);
    QCOMPARE(loss[0].value, 0.5);
    QVERIFY(loss[0].timestamp >= before && loss[0].timestamp <= after);
    QCOMPARE(store.series().metricHistory(run->id, QStringLiteral("acc")).at(0).value, 0.75);

    // Without --experiment a run goes to "Default"; an existing experiment is reused, not duplicated.
    const QString second = createRun({QStringLiteral("--metric"), QStringLiteral("x=1")});
    QVERIFY(!second.isEmpty());
    QCOMPARE(store.runs().run(second)->experimentName, QStringLiteral("Default"));
    const QString third = createRun({QStringLiteral("--experiment"), QStringLiteral("vision")});
    QVERIFY(!third.isEmpty());
    QVERIFY(third != r.line());
    QCOMPARE(store.runs().experimentByName(QStringLiteral("vision"))->runCount, 2);
    QCOMPARE(store.runs().experiments().size(), size_t(2));
}

void TestCli::logNonFinite_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonValue>("json");

    QTest::newRow("nan") << QStringLiteral("nan") << QJsonValue(QStringLiteral("NaN"));
    QTest::newRow("NaN") << QStringLiteral("NaN") << QJsonValue(QStringLiteral("NaN"));
    QTest::newRow("inf") << QStringLiteral("inf") << QJsonValue(QStringLiteral("Infinity"));
    QTest::newRow("+inf") << QStringLiteral("+inf") << QJsonValue(QStringLiteral("Infinity"));
    QTest::newRow("Infinity") << QStringLiteral("Infinity") << QJsonValue(QStringLiteral("Infinity"));
    QTest::newRow("-inf") << QStringLiteral("-inf") << QJsonValue(QStringLiteral("-Infinity"));
    QTest::newRow("-Infinity") << QStringLiteral("-Infinity") << QJsonValue(QStringLiteral("-Infinity"));
    QTest::newRow("finite control") << QStringLiteral("-2.5e-3") << QJsonValue(-2.5e-3);
}

void TestCli::logNonFinite()
{
    QFETCH(QString, text);
    QFETCH(QJsonValue, json);
    const QString id = createRun({QStringLiteral("--metric"), QStringLiteral("loss=") + text});
    QVERIFY(!id.isEmpty());

    const Json points = parseJson(cli({QStringLiteral("metric"), id, QStringLiteral("loss"),
                                       QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(points.ok(), points.error);
    QCOMPARE(points.array().size(), 1);
    QCOMPARE(points.array().at(0).toObject().value(QStringLiteral("value")), json);

    const Json runs =
        parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(runs.ok(), runs.error);
    const QJsonObject loss = runs.array()
                                 .at(0)
                                 .toObject()
                                 .value(QStringLiteral("metrics"))
                                 .toObject()
                                 .value(QStringLiteral("loss"))
                                 .toObject();
    QCOMPARE(loss.value(QStringLiteral("last")), json);

    Store store(m_db);
    const auto history = store.series().metricHistory(id, QStringLiteral("loss"));
    QCOMPARE(history.size(), size_t(1));
    const double v = history[0].value;
    if (json.isString() && json.toString() == QLatin1String("NaN"))
        QVERIFY2(std::isnan(v), qPrintable(QString::number(v)));
    else if (json.isString())
        QVERIFY2(std::isinf(v) && (v > 0) == (json.toString() == QLatin1String("Infinity")),
                 qPrintable(QString::number(v)));
    else
        QCOMPARE(v, json.toDouble());
}

// -0.0 is a value of its own (the Python client and the store keep its sign bit for bit): the text formats
// print it as -0, not as 0.
void TestCli::signedZeroReadsBack()
{
    const QString id = createRun({QStringLiteral("--metric"), QStringLiteral("z=-0.0")});
    QVERIFY(!id.isEmpty());
    const Result plus = cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--metric"),
                             QStringLiteral("z=0")});
    QVERIFY2(plus.ok(), plus.why(0));
    const auto lines = [](const Result &r) {
        return QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    };
    {
        Store store(m_db);
        const auto history = store.series().metricHistory(id, QStringLiteral("z"));
        QCOMPARE(history.size(), size_t(2));
        QVERIFY(std::signbit(history[0].value) && history[0].value == 0);
        QVERIFY(!std::signbit(history[1].value) && history[1].value == 0);
    }
    const QStringList csv = lines(cli({QStringLiteral("metric"), id, QStringLiteral("z"),
                                       QStringLiteral("--format"), QStringLiteral("csv")}));
    QCOMPARE(csv.size(), 3);
    QVERIFY2(csv[1].endsWith(QLatin1String(",-0")), qPrintable(csv[1]));
    QVERIFY2(csv[2].endsWith(QLatin1String(",0")) && !csv[2].endsWith(QLatin1String(",-0")),
             qPrintable(csv[2]));
    const QStringList table = lines(cli({QStringLiteral("metric"), id, QStringLiteral("z")}));
    QCOMPARE(table.size(), 3);
    QVERIFY2(table[1].endsWith(QLatin1String("-0")), qPrintable(table[1]));
}

// Without --step each key continues one after its own last step; a new key starts at 0.
void TestCli::logDefaultSteps()
{
    const QString id = createRun({QStringLiteral("--metric"), QStringLiteral("loss=1"),
                                  QStringLiteral("--step"), QStringLiteral("5")});
    QVERIFY(!id.isEmpty());
    const QList<QStringList> appends = {
        {QStringLiteral("--metric"), QStringLiteral("loss=2")},
        {QStringLiteral("--metric"), QStringLiteral("acc=0.1")},
        {QStringLiteral("--metric"), QStringLiteral("loss=3"), QStringLiteral("--metric"),
         QStringLiteral("acc=0.2")},
        {QStringLiteral("--metric"), QStringLiteral("other=7"), QStringLiteral("--step"),
         QStringLiteral("40"), QStringLiteral("--timestamp"), QStringLiteral("1234567")},
    };
    for (const QStringList &a : appends) {
        const Result r = cli(QStringList{QStringLiteral("log"), QStringLiteral("--run"), id} + a);
        VERIFY_EXIT(r, 0);
        QVERIFY2(r.out.isEmpty(), "appending to --run prints no id");
    }
    Store store(m_db);
    const auto steps = [&](const QString &key) {
        QList<qint64> s;
        for (const MetricPoint &p : store.series().metricHistory(id, key))
            s << p.step;
        return s;
    };
    QCOMPARE(steps(QStringLiteral("loss")), (QList<qint64>{5, 6, 7}));
    QCOMPARE(steps(QStringLiteral("acc")), (QList<qint64>{0, 1}));
    QCOMPARE(steps(QStringLiteral("other")), (QList<qint64>{40}));
    QCOMPARE(store.series().metricHistory(id, QStringLiteral("other")).at(0).timestamp, 1234567);
}

// Two values for one key in one call, without --step: the second is "one after the key's previous step" like
// two JSON lines on stdin are, not a second point at the same step.
void TestCli::logRepeatedKeyDefaultSteps()
{
    const QString id = createRun({QStringLiteral("--metric"), QStringLiteral("loss=1"),
                                  QStringLiteral("--metric"), QStringLiteral("loss=2")});
    QVERIFY(!id.isEmpty());
    const Result viaStdin =
        cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--stdin")},
            "{\"metrics\": {\"acc\": 1}}\n{\"metrics\": {\"acc\": 2}}\n");
    VERIFY_EXIT(viaStdin, 0);
    Store store(m_db);
    const auto steps = [&](const QString &key) {
        QList<qint64> s;
        for (const MetricPoint &p : store.series().metricHistory(id, key))
            s << p.step;
        return s;
    };
    QCOMPARE(steps(QStringLiteral("acc")), (QList<qint64>{0, 1}));
    QCOMPARE(steps(QStringLiteral("loss")), (QList<qint64>{0, 1}));
}

void TestCli::logAppendsAndEnds()
{
    const QString id =
        createRun({QStringLiteral("--experiment"), QStringLiteral("e"), QStringLiteral("--param"),
                   QStringLiteral("lr=0.1"), QStringLiteral("--tag"), QStringLiteral("stage=a")});
    QVERIFY(!id.isEmpty());

    // Tags are mutable, params can be added, metrics appended.
    Result r = cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--tag"),
                    QStringLiteral("stage=b"), QStringLiteral("--param"), QStringLiteral("seed=3"),
                    QStringLiteral("--metric"), QStringLiteral("loss=0.25")});
    VERIFY_EXIT(r, 0);
    {
        Store store(m_db);
        const auto run = store.runs().run(id);
        QVERIFY(run);
        QCOMPARE(run->tags.value(QStringLiteral("stage")), QStringLiteral("b"));
        QCOMPARE(run->params.value(QStringLiteral("seed")), QStringLiteral("3"));
        QCOMPARE(run->params.value(QStringLiteral("lr")), QStringLiteral("0.1"));
        QCOMPARE(run->metrics.value(QStringLiteral("loss")).count, 1);
        QCOMPARE(run->status, RunStatus::Running);
        QCOMPARE(store.runs().experiments().size(), size_t(1)); // --run adds no experiment
    }

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    r = cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--end"),
             QStringLiteral("FINISHED")});
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    VERIFY_EXIT(r, 0);
    QVERIFY2(r.out.isEmpty(), r.why(0));
    {
        Store store(m_db);
        const auto run = store.runs().run(id);
        QCOMPARE(run->status, RunStatus::Finished);
        QVERIFY2(run->endMs && *run->endMs >= before && *run->endMs <= after,
                 qPrintable(QStringLiteral("end %1 not in [%2, %3]")
                                .arg(run->endMs.value_or(-1))
                                .arg(before)
                                .arg(after)));
    }

    // A new run logged and closed in one call; the status name is case-insensitive.
    const QString closed = createRun({QStringLiteral("--metric"), QStringLiteral("loss=1"),
                                      QStringLiteral("--end"), QStringLiteral("killed")});
    QVERIFY(!closed.isEmpty());
    Store store(m_db);
    QCOMPARE(store.runs().run(closed)->status, RunStatus::Killed);
    QVERIFY(store.runs().run(closed)->endMs);
    QCOMPARE(store.runs().run(closed)->metrics.value(QStringLiteral("loss")).count, 1);
}

// ensureExperiment finds a deleted experiment by name; a new run there is refused, not silently revived.
void TestCli::logToDeletedExperiment()
{
    QVERIFY(!createRun({QStringLiteral("--experiment"), QStringLiteral("old")}).isEmpty());
    {
        Store store(m_db);
        store.runs().setExperimentLifecycle(store.runs().experimentByName(QStringLiteral("old"))->id,
                                            Lifecycle::Deleted);
    }
    const Result r = cli({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("old"),
                          QStringLiteral("--metric"), QStringLiteral("loss=1")});
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("deleted"), r.why(1));
    QVERIFY2(r.out.isEmpty(), r.why(1));
    Store store(m_db);
    RunQuery everything;
    everything.includeDeleted = true;
    QCOMPARE(store.runs().searchRunIds(everything).size(), 1);
}

// A different value for an existing param fails the whole call: nothing of it is stored.
void TestCli::logParamsAreImmutable()
{
    const QString id = createRun({QStringLiteral("--param"), QStringLiteral("lr=0.1"),
                                  QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QVERIFY(!id.isEmpty());
    const QStringList listRuns{QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")};
    const Result before = cli(listRuns);
    VERIFY_EXIT(before, 0);

    const Result conflict = cli(
        {QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--param"),
         QStringLiteral("lr=0.2"), QStringLiteral("--metric"), QStringLiteral("loss=2"),
         QStringLiteral("--tag"), QStringLiteral("t=1"), QStringLiteral("--end"), QStringLiteral("FAILED")});
    VERIFY_EXIT(conflict, 1);
    QVERIFY2(conflict.err.contains("immutable") && conflict.err.contains("lr"), conflict.why(1));
    QVERIFY2(conflict.out.isEmpty(), conflict.why(1));

    const Result after = cli(listRuns);
    VERIFY_EXIT(after, 0);
    QCOMPARE(after.out, before.out);
    {
        Store store(m_db);
        const auto run = store.runs().run(id);
        QCOMPARE(run->params.value(QStringLiteral("lr")), QStringLiteral("0.1"));
        QCOMPARE(store.series().metricHistory(id, QStringLiteral("loss")).size(), size_t(1));
        QVERIFY(!run->tags.contains(QStringLiteral("t")));
        QCOMPARE(run->status, RunStatus::Running);
    }

    // The same value again is a no-op, not an error.
    const Result same = cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--param"),
                             QStringLiteral("lr=0.1"), QStringLiteral("--metric"), QStringLiteral("loss=2")});
    VERIFY_EXIT(same, 0);
    Store store(m_db);
    QCOMPARE(store.series().metricHistory(id, QStringLiteral("loss")).size(), size_t(2));
}

void TestCli::logUnknownRun_data()
{
    QTest::addColumn<QStringList>("args");
    const QString missing = QStringLiteral("0123456789abcdef0123456789abcdef");
    QTest::newRow("metric") << QStringList{QStringLiteral("--run"), missing, QStringLiteral("--metric"),
                                           QStringLiteral("loss=1")};
    QTest::newRow("end") << QStringList{QStringLiteral("--run"), missing, QStringLiteral("--end"),
                                        QStringLiteral("FINISHED")};
    QTest::newRow("not an id") << QStringList{QStringLiteral("--run"), QStringLiteral("nope"),
                                              QStringLiteral("--param"), QStringLiteral("a=1")};
    QTest::newRow("stdin") << QStringList{QStringLiteral("--run"), missing};
}

void TestCli::logUnknownRun()
{
    QFETCH(QStringList, args);
    const QString existing = createRun({QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QVERIFY(!existing.isEmpty());
    const Result r = cli(QStringList{QStringLiteral("log")} + args, "{\"metrics\": {\"loss\": 2}}\n");
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("no run with id"), r.why(1));
    QVERIFY2(r.out.isEmpty(), r.why(1));
    Store store(m_db);
    QCOMPARE(store.runs().searchRunIds(RunQuery()), QStringList{existing});
    QCOMPARE(store.series().metricHistory(existing, QStringLiteral("loss")).size(), size_t(1));
}

void TestCli::logStdin()
{
    const QByteArray input = R"({"params": {"lr": 0.001, "batch": 32, "optimizer": "adam", "nesterov": true}}
{"tags": {"team": "vision"}, "metrics": {"loss": 1.5, "acc": 0.1}, "step": 10, "timestamp": 1700000000000}
{"metrics": {"loss": "NaN"}}

{"metrics": {"loss": "Infinity", "acc": "-Infinity"}, "step": 20, "timestamp": 1700000001000}
  {"metrics": {"loss": 0.25}, "timestamp": 1700000002000}
{"metrics": {"fresh": 3}}
)";
    const Result r = cli({QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("streamed"),
                          QStringLiteral("--name"), QStringLiteral("s1"), QStringLiteral("--end"),
                          QStringLiteral("FINISHED")},
                         input);
    VERIFY_EXIT(r, 0);
    QVERIFY2(
        QRegularExpression(QStringLiteral("^[0-9a-f]{32}\n$")).match(QString::fromUtf8(r.out)).hasMatch(),
        r.why(0));
    QVERIFY2(r.err.isEmpty(), r.why(0));

    Store store(m_db);
    const auto run = store.runs().run(r.line());
    QVERIFY(run);
    QCOMPARE(run->experimentName, QStringLiteral("streamed"));
    QCOMPARE(run->name, QStringLiteral("s1"));
    QCOMPARE(run->status, RunStatus::Finished);
    QVERIFY(run->endMs);
    QCOMPARE(run->params, (QMap<QString, QString>{{QStringLiteral("lr"), QStringLiteral("0.001")},
                                                  {QStringLiteral("batch"), QStringLiteral("32")},
                                                  {QStringLiteral("optimizer"), QStringLiteral("adam")},
                                                  {QStringLiteral("nesterov"), QStringLiteral("True")}}));
    QCOMPARE(run->tags.value(QStringLiteral("team")), QStringLiteral("vision"));

    const auto loss = store.series().metricHistory(run->id, QStringLiteral("loss"));
    QCOMPARE(loss.size(), size_t(4));
    QCOMPARE(loss[0], (MetricPoint{10, 1'700'000'000'000, 1.5}));
    QCOMPARE(loss[1].step, 11); // no step: one after the key's previous
    QVERIFY(std::isnan(loss[1].value));
    QCOMPARE(loss[2], (MetricPoint{20, 1'700'000'001'000, std::numeric_limits<double>::infinity()}));
    QCOMPARE(loss[3], (MetricPoint{21, 1'700'000'002'000, 0.25}));
    const auto acc = store.series().metricHistory(run->id, QStringLiteral("acc"));
    QCOMPARE(acc.size(), size_t(2));
    QCOMPARE(acc[0], (MetricPoint{10, 1'700'000'000'000, 0.1}));
    QCOMPARE(acc[1], (MetricPoint{20, 1'700'000'001'000, -std::numeric_limits<double>::infinity()}));
    const auto fresh = store.series().metricHistory(run->id, QStringLiteral("fresh"));
    QCOMPARE(fresh.size(), size_t(1));
    QCOMPARE(fresh[0].step, 0);

    // And back out through the CLI.
    const Json json = parseJson(cli({QStringLiteral("metric"), run->id, QStringLiteral("loss"),
                                     QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(json.ok(), json.error);
    QStringList values;
    for (const QJsonValue &p : json.array())
        values << p.toObject().value(QStringLiteral("value")).toVariant().toString();
    QCOMPARE(values, (QStringList{QStringLiteral("1.5"), QStringLiteral("NaN"), QStringLiteral("Infinity"),
                                  QStringLiteral("0.25")}));
}

void TestCli::logStdinMalformed_data()
{
    QTest::addColumn<QByteArray>("badLine");
    QTest::addColumn<QString>("message");

    QTest::newRow("not JSON") << QByteArray("loss=1") << QStringLiteral("invalid JSON");
    QTest::newRow("truncated") << QByteArray("{\"metrics\": {\"loss\": 1}") << QStringLiteral("invalid JSON");
    QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("expected a JSON object");
    QTest::newRow("unknown field") << QByteArray("{\"metric\": {\"loss\": 1}}")
                                   << QStringLiteral("unknown field 'metric'");
    QTest::newRow("bad metric value") << QByteArray("{\"metrics\": {\"loss\": \"nan\"}}")
                                      << QStringLiteral("metrics.loss must be a number");
    QTest::newRow("metric null") << QByteArray("{\"metrics\": {\"loss\": null}}")
                                 << QStringLiteral("metrics.loss must be a number");
    QTest::newRow("metrics not object")
        << QByteArray("{\"metrics\": 1}") << QStringLiteral("'metrics' must be an object");
    QTest::newRow("fractional step") << QByteArray("{\"metrics\": {\"loss\": 1}, \"step\": 1.5}")
                                     << QStringLiteral("'step' must be an integer");
    QTest::newRow("string timestamp") << QByteArray("{\"metrics\": {\"loss\": 1}, \"timestamp\": \"now\"}")
                                      << QStringLiteral("'timestamp' must be an integer");
    QTest::newRow("param object") << QByteArray("{\"params\": {\"lr\": {}}}")
                                  << QStringLiteral("params.lr must be a string or number");
}

// The bad line is named by number; exit 1.
void TestCli::logStdinMalformed()
{
    QFETCH(QByteArray, badLine);
    QFETCH(QString, message);
    const QByteArray input = "{\"metrics\": {\"loss\": 1}}\n{\"metrics\": {\"loss\": 2}}\n" + badLine +
                             "\n{\"metrics\": {\"loss\": 4}}\n";
    const Result r = cli({QStringLiteral("log"), QStringLiteral("--end"), QStringLiteral("FINISHED")}, input);
    VERIFY_EXIT(r, 1);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.contains(QLatin1String("line 3")), r.why(1));
    QVERIFY2(err.contains(message), r.why(1));
    QCOMPARE(r.out.size(), 33); // the id was printed before stdin was read

    Store store(m_db);
    const auto run = store.runs().run(r.line());
    QVERIFY(run);
    QCOMPARE(run->status, RunStatus::Running); // --end is not applied after a failure
    for (const MetricPoint &p : store.series().metricHistory(run->id, QStringLiteral("loss")))
        QVERIFY2(p.value != 4, "a line after the malformed one was stored");
}

// Documented in `log --help`: "Each line is stored atomically and is visible to other readers at once".
// A malformed line therefore must not take the lines before it with it.
void TestCli::logStdinKeepsLinesBeforeError()
{
    const QByteArray input = "{\"metrics\": {\"loss\": 1}}\n{\"metrics\": {\"loss\": 2}}\nnot json\n";
    const Result r = cli({QStringLiteral("log")}, input);
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("line 3"), r.why(1));
    Store store(m_db);
    QVERIFY(store.runs().run(r.line()));
    const auto loss = store.series().metricHistory(r.line(), QStringLiteral("loss"));
    QVERIFY2(
        loss.size() == 2,
        qPrintable(
            QStringLiteral("lines 1-2 before the malformed line 3: %1 of 2 points kept").arg(loss.size())));
    QCOMPARE(loss[0].value, 1.0);
    QCOMPARE(loss[1].value, 2.0);
}

void TestCli::logStdinStoreRefusesLine_data()
{
    QTest::addColumn<QByteArray>("badLine");
    QTest::addColumn<QString>("message");
    // Well-formed JSON that the store refuses; the lines reach it together, in one write.
    QTest::newRow("param changed") << QByteArray("{\"params\": {\"lr\": 0.2}, \"metrics\": {\"loss\": 3}}")
                                   << QStringLiteral("immutable");
    QTest::newRow("empty key") << QByteArray("{\"metrics\": {\"\": 3}}")
                               << QStringLiteral("must not be empty");
    QTest::newRow("control character")
        << QByteArray("{\"tags\": {\"a\\u0001b\": \"x\"}}") << QStringLiteral("control character");
}

// Lines arriving together are written together; when the store refuses one of them, the lines before it are
// still stored and the refused one is named, as when each line was its own write.
void TestCli::logStdinStoreRefusesLine()
{
    QFETCH(QByteArray, badLine);
    QFETCH(QString, message);
    const QByteArray input =
        "{\"params\": {\"lr\": 0.1}, \"metrics\": {\"loss\": 1}}\n{\"metrics\": {\"loss\": "
        "2}, \"tags\": {\"t\": \"x\"}}\n" +
        badLine + "\n{\"metrics\": {\"loss\": 4}}\n";
    const Result r = cli({QStringLiteral("log"), QStringLiteral("--end"), QStringLiteral("FINISHED")}, input);
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains("line 3") && r.err.contains(message.toUtf8()), r.why(1));
    Store store(m_db);
    const auto run = store.runs().run(r.line());
    QVERIFY(run);
    QCOMPARE(run->status, RunStatus::Running);
    QCOMPARE(run->params, (QMap<QString, QString>{{QStringLiteral("lr"), QStringLiteral("0.1")}}));
    QCOMPARE(run->tags.value(QStringLiteral("t")), QStringLiteral("x"));
    QList<double> loss;
    for (const MetricPoint &p : store.series().metricHistory(run->id, QStringLiteral("loss")))
        loss << p.value;
    QCOMPARE(loss, (QList<double>{1, 2}));
}

// Closing a run must not wait for standard input, which a launcher may leave open.
void TestCli::logClosingDoesNotReadStdin()
{
    const QString id = createRun({QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QVERIFY(!id.isEmpty());
    QProcess p;
    p.setProcessEnvironment(m_env);
    QElapsedTimer timer;
    timer.start();
    p.start(QStringLiteral(RUNLENS_BINARY),
            {QStringLiteral("--db"), m_db, QStringLiteral("log"), QStringLiteral("--run"), id,
             QStringLiteral("--end"), QStringLiteral("FAILED")});
    QVERIFY(p.waitForStarted(10000));
    // stdin stays open: the pipe neither delivers data nor end-of-file.
    const bool finished = p.waitForFinished(10000);
    if (!finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    QVERIFY2(finished, "log --run ID --end FAILED blocked reading standard input");
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
             p.readAllStandardError().constData());
    qInfo("closed in %lld ms", timer.elapsed());
    Store store(m_db);
    QCOMPARE(store.runs().run(id)->status, RunStatus::Failed);
    QVERIFY(store.runs().run(id)->endMs);
}

// --stdin makes a closing call read its JSON lines first, then close the run at end of input.
void TestCli::logClosingWithStdinFlag()
{
    const QString id = createRun({QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QVERIFY(!id.isEmpty());
    const Result r = cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--end"),
                          QStringLiteral("KILLED"), QStringLiteral("--stdin")},
                         "{\"metrics\": {\"loss\": 0.5}}\n");
    VERIFY_EXIT(r, 0);
    Store store(m_db);
    QCOMPARE(store.runs().run(id)->status, RunStatus::Killed);
    const auto loss = store.series().metricHistory(id, QStringLiteral("loss"));
    QCOMPARE(loss.size(), size_t(2));
    QCOMPARE(loss[1], (MetricPoint{1, loss[1].timestamp, 0.5}));
}

// ----------------------------------------------------------------------------------------------------- runs

void TestCli::runsJsonShape()
{
    const QString a =
        createRun({QStringLiteral("--experiment"), QStringLiteral("shape"), QStringLiteral("--name"),
                   QStringLiteral("a"), QStringLiteral("--param"), QStringLiteral("lr=0.1"),
                   QStringLiteral("--tag"), QStringLiteral("team=x"), QStringLiteral("--metric"),
                   QStringLiteral("loss=0.5"), QStringLiteral("--metric"), QStringLiteral("acc=inf"),
                   QStringLiteral("--metric"), QStringLiteral("all_nan=nan")});
    QVERIFY(!a.isEmpty());
    Result r = cli({QStringLiteral("log"), QStringLiteral("--run"), a, QStringLiteral("--metric"),
                    QStringLiteral("loss=nan"), QStringLiteral("--metric"), QStringLiteral("acc=-inf"),
                    QStringLiteral("--step"), QStringLiteral("4"), QStringLiteral("--end"),
                    QStringLiteral("FINISHED")});
    VERIFY_EXIT(r, 0);

    const Json json =
        parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(json.ok(), json.error);
    QVERIFY(json.doc.isArray());
    QCOMPARE(json.array().size(), 1);
    const QJsonObject run = json.array().at(0).toObject();
    QStringList expectedKeys;
    for (const char *k : RunKeys)
        expectedKeys << QLatin1String(k);
    QCOMPARE(sorted(run.keys()), sorted(expectedKeys));
    QCOMPARE(run.value(QStringLiteral("id")).toString(), a);
    QCOMPARE(run.value(QStringLiteral("name")).toString(), QStringLiteral("a"));
    QCOMPARE(run.value(QStringLiteral("experiment")).toString(), QStringLiteral("shape"));
    QCOMPARE(run.value(QStringLiteral("status")).toString(), QStringLiteral("FINISHED"));
    QCOMPARE(run.value(QStringLiteral("lifecycle")).toString(), QStringLiteral("active"));
    QCOMPARE(run.value(QStringLiteral("user")).toString(), QStringLiteral("cli-tester"));
    QVERIFY(run.value(QStringLiteral("parent_id")).isNull());
    QVERIFY(run.value(QStringLiteral("start_time")).isDouble());
    QVERIFY(run.value(QStringLiteral("end_time")).isDouble());
    QVERIFY(run.value(QStringLiteral("end_time")).toDouble() >=
            run.value(QStringLiteral("start_time")).toDouble());
    QCOMPARE(run.value(QStringLiteral("params")).toObject(),
             (QJsonObject{{QStringLiteral("lr"), QStringLiteral("0.1")}}));
    QCOMPARE(run.value(QStringLiteral("tags")).toObject(),
             (QJsonObject{{QStringLiteral("team"), QStringLiteral("x")}}));

    const QJsonObject metrics = run.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(sorted(metrics.keys()),
             (QStringList{QStringLiteral("acc"), QStringLiteral("all_nan"), QStringLiteral("loss")}));
    for (const QJsonValue &m : metrics) {
        QCOMPARE(sorted(m.toObject().keys()),
                 (QStringList{QStringLiteral("count"), QStringLiteral("last"), QStringLiteral("last_step"),
                              QStringLiteral("max"), QStringLiteral("min")}));
    }
    const auto summary = [&](const char *key) {
        const QJsonObject m = metrics.value(QLatin1String(key)).toObject();
        return QStringList{m.value(QStringLiteral("last")).toVariant().toString(),
                           m.value(QStringLiteral("min")).toVariant().toString(),
                           m.value(QStringLiteral("max")).toVariant().toString(),
                           m.value(QStringLiteral("count")).toVariant().toString(),
                           m.value(QStringLiteral("last_step")).toVariant().toString()};
    };
    // loss: 0.5 at step 0, NaN at step 4 -> last NaN, min/max over the numbers.
    QCOMPARE(summary("loss"), (QStringList{QStringLiteral("NaN"), QStringLiteral("0.5"),
                                           QStringLiteral("0.5"), QStringLiteral("2"), QStringLiteral("4")}));
    QCOMPARE(summary("acc"),
             (QStringList{QStringLiteral("-Infinity"), QStringLiteral("-Infinity"),
                          QStringLiteral("Infinity"), QStringLiteral("2"), QStringLiteral("4")}));
    QCOMPARE(summary("all_nan"),
             (QStringList{QStringLiteral("NaN"), QStringLiteral("NaN"), QStringLiteral("NaN"),
                          QStringLiteral("1"), QStringLiteral("0")}));
    // Numbers stay JSON numbers.
    QVERIFY(metrics.value(QStringLiteral("loss")).toObject().value(QStringLiteral("min")).isDouble());
    QVERIFY(metrics.value(QStringLiteral("loss")).toObject().value(QStringLiteral("count")).isDouble());

    // The empty listing is an empty array, not nothing.
    const Json empty =
        parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json"),
                       QStringLiteral("--filter"), QStringLiteral("params.lr = 'none'")}));
    QVERIFY2(empty.ok(), empty.error);
    QVERIFY(empty.doc.isArray());
    QCOMPARE(empty.array().size(), 0);
}

void TestCli::runsFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("expected");

    const auto names = [](const char *s) { return QString::fromLatin1(s).split(u' ', Qt::SkipEmptyParts); };
    QTest::newRow("metric and param")
        << QStringLiteral("metrics.loss < 0.5 and params.lr = '0.01'") << names("r1");
    QTest::newRow("AND in capitals") << QStringLiteral("metrics.loss < 0.5 AND params.lr = \"0.01\"")
                                     << names("r1");
    QTest::newRow("metric below") << QStringLiteral("metrics.loss < 0.5") << names("r1 r3");
    QTest::newRow("metric at least (inf counts)") << QStringLiteral("metrics.loss >= 0.7") << names("r2 r6");
    QTest::newRow("metric positive (NaN never matches)")
        << QStringLiteral("metrics.loss > 0") << names("r1 r2 r3 r6");
    QTest::newRow("param equal") << QStringLiteral("params.lr = '0.1'") << names("r3");
    QTest::newRow("param not equal") << QStringLiteral("params.lr != '0.01'") << names("r3 r5");
    QTest::newRow("param missing") << QStringLiteral("params.lr IS NULL") << names("r6");
    QTest::newRow("tag") << QStringLiteral("tags.team = 'a'") << names("r1 r3");
    QTest::newRow("status") << QStringLiteral("attributes.status = 'FAILED'") << names("r3");
    QTest::newRow("run name like") << QStringLiteral("attributes.run_name LIKE 'r%' and metrics.loss <= 0.3")
                                   << names("r1 r3");
    QTest::newRow("start time") << QStringLiteral("attributes.start_time > %1").arg(T0 + 4000)
                                << names("r5 r6");
    QTest::newRow("empty filter") << QString() << names("r1 r2 r3 r4 r5 r6");
}

void TestCli::runsFilter()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, expected);
    QStringList args{QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")};
    if (!filter.isEmpty())
        args << QStringLiteral("--filter") << filter;
    const Json json = parseJson(cliOn(m_searchDb, args));
    QVERIFY2(json.ok(), json.error);
    QCOMPARE(sorted(namesOf(json.array())), expected);
}

void TestCli::runsOrderBy_data()
{
    QTest::addColumn<QString>("orderBy");
    QTest::addColumn<QStringList>("head");    // exactly these first, in this order
    QTest::addColumn<QStringList>("tailSet"); // then these, in an order the test does not prescribe

    const auto names = [](const char *s) { return QString::fromLatin1(s).split(u' ', Qt::SkipEmptyParts); };
    QTest::newRow("default: newest first") << QString() << names("r6 r5 r4 r3 r2 r1") << QStringList();
    QTest::newRow("start_time ASC") << QStringLiteral("attributes.start_time ASC")
                                    << names("r1 r2 r3 r4 r5 r6") << QStringList();
    // r4 (NaN), r5 (no loss) and r6 (+inf) sort last in both directions.
    QTest::newRow("loss ASC") << QStringLiteral("metrics.loss ASC") << names("r3 r1 r2") << names("r4 r5 r6");
    QTest::newRow("loss") << QStringLiteral("metrics.loss") << names("r3 r1 r2") << names("r4 r5 r6");
    QTest::newRow("loss DESC") << QStringLiteral("metrics.loss DESC") << names("r2 r1 r3")
                               << names("r4 r5 r6");
    // Params compare as strings; ties fall back to newest first; r6 has no lr.
    QTest::newRow("lr DESC") << QStringLiteral("params.lr DESC") << names("r3 r4 r2 r1 r5 r6")
                             << QStringList();
    QTest::newRow("lr ASC, loss DESC")
        << QStringLiteral("params.lr ASC, metrics.loss DESC") << names("r5 r2 r1 r4 r3 r6") << QStringList();
}

void TestCli::runsOrderBy()
{
    QFETCH(QString, orderBy);
    QFETCH(QStringList, head);
    QFETCH(QStringList, tailSet);
    QStringList args{QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")};
    if (!orderBy.isEmpty())
        args << QStringLiteral("--order-by") << orderBy;
    const Json json = parseJson(cliOn(m_searchDb, args));
    QVERIFY2(json.ok(), json.error);
    const QStringList names = namesOf(json.array());
    QCOMPARE(names.size(), head.size() + tailSet.size());
    QCOMPARE(names.mid(0, head.size()), head);
    QCOMPARE(sorted(names.mid(head.size())), sorted(tailSet));
}

void TestCli::runsExperiment_data()
{
    QTest::addColumn<QString>("experiment");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("sweep") << QStringLiteral("sweep")
                           << QStringList{QStringLiteral("r1"), QStringLiteral("r2"), QStringLiteral("r3"),
                                          QStringLiteral("r4")};
    QTest::newRow("other") << QStringLiteral("other")
                           << QStringList{QStringLiteral("r5"), QStringLiteral("r6")};
}

void TestCli::runsExperiment()
{
    QFETCH(QString, experiment);
    QFETCH(QStringList, expected);
    const Json json =
        parseJson(cliOn(m_searchDb, {QStringLiteral("runs"), QStringLiteral("--format"),
                                     QStringLiteral("json"), QStringLiteral("--experiment"), experiment}));
    QVERIFY2(json.ok(), json.error);
    QCOMPARE(sorted(namesOf(json.array())), expected);
    for (const QJsonValue &v : json.array())
        QCOMPARE(v.toObject().value(QStringLiteral("experiment")).toString(), experiment);

    const Result unknown = cliOn(m_searchDb, {QStringLiteral("runs"), QStringLiteral("--experiment"),
                                              experiment + QStringLiteral("-nope")});
    VERIFY_EXIT(unknown, 1);
    QVERIFY2(unknown.err.contains("no experiment named"), unknown.why(1));
    QVERIFY2(unknown.out.isEmpty(), unknown.why(1));
}

void TestCli::runsIncludeDeleted()
{
    const QStringList base{QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")};
    const Json active = parseJson(cliOn(m_searchDb, base));
    QVERIFY2(active.ok(), active.error);
    QVERIFY(!namesOf(active.array()).contains(QStringLiteral("r7")));

    const Json all = parseJson(cliOn(m_searchDb, base + QStringList{QStringLiteral("--include-deleted")}));
    QVERIFY2(all.ok(), all.error);
    QCOMPARE(all.array().size(), 7);
    for (const QJsonValue &v : all.array()) {
        const QJsonObject o = v.toObject();
        const bool deleted = o.value(QStringLiteral("name")).toString() == QLatin1String("r7");
        QCOMPARE(o.value(QStringLiteral("lifecycle")).toString(),
                 deleted ? QStringLiteral("deleted") : QStringLiteral("active"));
    }

    const Json filtered = parseJson(
        cliOn(m_searchDb, base + QStringList{QStringLiteral("--include-deleted"), QStringLiteral("--filter"),
                                             QStringLiteral("metrics.loss < 0.5")}));
    QVERIFY2(filtered.ok(), filtered.error);
    QCOMPARE(sorted(namesOf(filtered.array())),
             (QStringList{QStringLiteral("r1"), QStringLiteral("r3"), QStringLiteral("r7")}));
}

void TestCli::runsLimit_data()
{
    QTest::addColumn<QString>("limit");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("0") << QStringLiteral("0") << QStringList();
    QTest::newRow("1") << QStringLiteral("1") << QStringList{QStringLiteral("r6")};
    QTest::newRow("2") << QStringLiteral("2") << QStringList{QStringLiteral("r6"), QStringLiteral("r5")};
    QTest::newRow("more than there are")
        << QStringLiteral("100")
        << QStringList{QStringLiteral("r6"), QStringLiteral("r5"), QStringLiteral("r4"),
                       QStringLiteral("r3"), QStringLiteral("r2"), QStringLiteral("r1")};
}

void TestCli::runsLimit()
{
    QFETCH(QString, limit);
    QFETCH(QStringList, expected);
    const Json json =
        parseJson(cliOn(m_searchDb, {QStringLiteral("runs"), QStringLiteral("--format"),
                                     QStringLiteral("json"), QStringLiteral("--limit"), limit}));
    QVERIFY2(json.ok(), json.error);
    QVERIFY(json.doc.isArray());
    QCOMPARE(namesOf(json.array()), expected);
}

void TestCli::runsMalformedExpression_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("part");

    const QString filter = QStringLiteral("--filter");
    const QString orderBy = QStringLiteral("--order-by");
    QTest::newRow("missing value") << filter << QStringLiteral("metrics.loss <") << QStringLiteral("filter");
    QTest::newRow("unquoted param") << filter << QStringLiteral("params.lr = 0.01")
                                    << QStringLiteral("filter");
    QTest::newRow("unknown entity") << filter << QStringLiteral("bogus.key = 1") << QStringLiteral("filter");
    QTest::newRow("dangling and") << filter << QStringLiteral("metrics.loss < 0.5 and")
                                  << QStringLiteral("filter");
    QTest::newRow("metric with string")
        << filter << QStringLiteral("metrics.loss < 'low'") << QStringLiteral("filter");
    QTest::newRow("or") << filter << QStringLiteral("metrics.loss < 1 or metrics.loss > 2")
                        << QStringLiteral("filter");
    QTest::newRow("bad direction") << orderBy << QStringLiteral("metrics.loss SIDEWAYS")
                                   << QStringLiteral("order-by");
    QTest::newRow("trailing comma") << orderBy << QStringLiteral("metrics.loss ASC,")
                                    << QStringLiteral("order-by");
}

void TestCli::runsMalformedExpression()
{
    QFETCH(QString, option);
    QFETCH(QString, expression);
    QFETCH(QString, part);
    const Result r = cliOn(m_searchDb, {QStringLiteral("runs"), option, expression});
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.out.isEmpty(), r.why(1));
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.contains(part, Qt::CaseInsensitive), r.why(1));
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("position (\\d+)")).match(err);
    QVERIFY2(m.hasMatch(), r.why(1));
    const int position = m.captured(1).toInt();
    QVERIFY2(position >= 0 && position <= expression.size(), r.why(1));
    // The message the window shows below its filter bar, word for word.
    try {
        search::compile(option == QLatin1String("--filter") ? expression : QString(),
                        option == QLatin1String("--order-by") ? expression : QString());
        QFAIL("the expression compiled");
    } catch (const search::SyntaxError &e) {
        QCOMPARE(err, QStringLiteral("runlens runs: %1\n").arg(e.message()));
    }
}

void TestCli::runsCsv()
{
    const QString id =
        createRun({QStringLiteral("--name"), QStringLiteral("run, one"), QStringLiteral("--param"),
                   QStringLiteral("note=a,b"), QStringLiteral("--param"), QStringLiteral("quote=say \"hi\""),
                   QStringLiteral("--metric"), QStringLiteral("loss=0.5")},
                  {});
    QVERIFY(!id.isEmpty());
    const Result multi = cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--stdin")},
                             "{\"params\": {\"multi\": \"line1\\nline2\"}}\n");
    VERIFY_EXIT(multi, 0);

    const Result r = cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("csv")});
    VERIFY_EXIT(r, 0);
    const QString text = QString::fromUtf8(r.out);
    QVERIFY2(text.contains(QLatin1String("\"a,b\"")), r.why(0));
    QVERIFY2(text.contains(QLatin1String("\"say \"\"hi\"\"\"")), r.why(0));
    const QList<QStringList> rows = test::parseCsv(text);
    QCOMPARE(rows.size(), 2);
    const QStringList header = rows[0];
    QCOMPARE(header,
             (QStringList{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("experiment"),
                          QStringLiteral("status"), QStringLiteral("start_time"), QStringLiteral("end_time"),
                          QStringLiteral("lifecycle"), QStringLiteral("parent_id"), QStringLiteral("user"),
                          QStringLiteral("params.multi"), QStringLiteral("params.note"),
                          QStringLiteral("params.quote"), QStringLiteral("metrics.loss")}));
    QCOMPARE(rows[1].size(), header.size());
    const auto field = [&](const char *column) {
        return rows[1].value(header.indexOf(QLatin1String(column)));
    };
    QCOMPARE(field("id"), id);
    QCOMPARE(field("name"), QStringLiteral("run, one"));
    QCOMPARE(field("params.note"), QStringLiteral("a,b"));
    QCOMPARE(field("params.quote"), QStringLiteral("say \"hi\""));
    QCOMPARE(field("params.multi"), QStringLiteral("line1\nline2"));
    QCOMPARE(field("metrics.loss"), QStringLiteral("0.5"));
    QCOMPARE(field("status"), QStringLiteral("RUNNING"));
    QCOMPARE(field("end_time"), QString());
}

void TestCli::runsTable()
{
    const Result r =
        cliOn(m_searchDb, {QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("table")});
    VERIFY_EXIT(r, 0);
    const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 7); // header + six active runs
    const QStringList header = lines[0].split(QRegularExpression(QStringLiteral("\\s+")));
    for (const char *column :
         {"id", "name", "experiment", "status", "start_time", "params.lr", "metrics.loss"})
        QVERIFY2(header.contains(QLatin1String(column)), qPrintable(lines[0]));
    QVERIFY2(lines[1].startsWith(m_fixtureIds.value(QStringLiteral("r6"))), qPrintable(lines[1]));
    // Times are readable in the table.
    const QString start =
        QDateTime::fromMSecsSinceEpoch(T0 + 6000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY2(lines[1].contains(start), qPrintable(lines[1] + QStringLiteral(" lacks ") + start));
    // The default format is the table.
    const Result byDefault = cliOn(m_searchDb, {QStringLiteral("runs")});
    VERIFY_EXIT(byDefault, 0);
    QCOMPARE(byDefault.out, r.out);
}

void TestCli::runsMisspeltKeyIsNoted()
{
    // 0 runs is still a valid answer (exit 0, the empty listing on stdout); stderr says which key no run has
    // and the nearest one.
    const Result r = cliOn(m_searchDb, {QStringLiteral("runs"), QStringLiteral("--format"),
                                        QStringLiteral("json"), QStringLiteral("--filter"),
                                        QStringLiteral("params.lrr = '0.01' and tags.tem = 'a'")});
    VERIFY_EXIT(r, 0);
    const Json json = parseJson(r);
    QVERIFY2(json.ok(), json.error);
    QVERIFY(json.array().isEmpty());
    QCOMPARE(QString::fromUtf8(r.err),
             QStringLiteral("runlens runs: note: No run has params.lrr; did you mean params.lr?\n"
                            "runlens runs: note: No run has tags.tem; did you mean tags.team?\n"));
    // Scoped to an experiment: keys of other experiments' runs do not count.
    const Result other = cliOn(m_searchDb, {QStringLiteral("runs"), QStringLiteral("--experiment"),
                                            QStringLiteral("other"), QStringLiteral("--filter"),
                                            QStringLiteral("params.lr = '0.001' and metrics.los < 1")});
    VERIFY_EXIT(other, 0);
    QCOMPARE(QString::fromUtf8(other.err),
             QStringLiteral("runlens runs: note: No run in experiment 'other' has metrics.los; did you mean "
                            "metrics.loss?\n"));
    // Known keys: nothing on stderr.
    const Result known = cliOn(m_searchDb, {QStringLiteral("runs"), QStringLiteral("--filter"),
                                            QStringLiteral("params.lr = '0.01'")});
    VERIFY_EXIT(known, 0);
    QCOMPARE(known.err, QByteArray());
}

void TestCli::runsWithoutStartTime()
{
    // An imported log that does not tell when its run began: JSON null, CSV empty, "unknown" in the table,
    // never the import's time.
    const QString dir = m_dir->filePath(QStringLiteral("lightning_logs/version_0"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(test::writeFile(dir + QStringLiteral("/metrics.csv"), "train_loss,epoch,step\n0.5,0,9\n"));
    VERIFY_EXIT(cli({QStringLiteral("import"), m_dir->filePath(QStringLiteral("lightning_logs"))}), 0);
    const Json json =
        parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(json.ok(), json.error);
    QCOMPARE(json.array().size(), 1);
    QVERIFY(json.array().at(0).toObject().value(QStringLiteral("start_time")).isNull());
    QVERIFY(json.array().at(0).toObject().value(QStringLiteral("end_time")).isDouble());
    const Result table = cli({QStringLiteral("runs")});
    VERIFY_EXIT(table, 0);
    const QStringList lines = QString::fromUtf8(table.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    const QStringList header = lines[0].split(QRegularExpression(QStringLiteral("\\s+")));
    const QStringList row = lines[1].split(QRegularExpression(QStringLiteral("\\s+")));
    QCOMPARE(row.value(header.indexOf(QStringLiteral("start_time"))), QStringLiteral("unknown"));
}

// A name that clears the screen (ESC[2J), rings the bell, returns the carriage and sets the terminal's title
// (OSC 0), in every place a listing shows data: what reaches a terminal in table mode is escaped, JSON and
// CSV keep the exact text by their own rules.
void TestCli::controlCharactersNeverReachTheTerminal()
{
    const QString name = QStringLiteral("evil\x1b[2J\a\rname\x1b]0;owned\a");
    const QString experiment = QStringLiteral("exp\x1b[31m\u202Ereversed");
    const QString key = QStringLiteral("k\x1b[2J");
    const QString id = createRun({QStringLiteral("--experiment"), experiment, QStringLiteral("--name"), name,
                                  QStringLiteral("--param"), QStringLiteral("k=v\r\n2"),
                                  QStringLiteral("--tag"), QStringLiteral("t=\x07\x7f\u0085"),
                                  QStringLiteral("--metric"), QStringLiteral("lo\u2028ss=1")});
    QVERIFY(!id.isEmpty());
    // Keys with C0 controls are refused when logged, but the database is untrusted input: another writer
    // may have put one there.
    const QString sqlError =
        execSql(m_db, {QStringLiteral("UPDATE params SET key = 'k' || char(27) || '[2J' WHERE key = 'k'")});
    QVERIFY2(sqlError.isEmpty(), qPrintable(sqlError));
    const QString escapedName = QStringLiteral("evil\\e[2J\\a\\rname\\e]0;owned\\a");

    const auto noRawControls = [](const Result &r) {
        for (const char c : {'\x1b', '\x07', '\r', '\x7f'}) {
            if (r.out.contains(c) || r.err.contains(c))
                return false;
        }
        // U+0085, U+2028 and U+202E as UTF-8.
        return !r.out.contains("\xc2\x85") && !r.out.contains("\xe2\x80\xa8") &&
               !r.out.contains("\xe2\x80\xae");
    };

    const Result table = cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("table")});
    VERIFY_EXIT(table, 0);
    QVERIFY2(noRawControls(table), table.why(0));
    const QString tableText = QString::fromUtf8(table.out);
    QVERIFY2(tableText.contains(escapedName), table.why(0));
    QVERIFY2(tableText.contains(QStringLiteral("exp\\e[31m\\u{202E}reversed")), table.why(0));
    QVERIFY2(tableText.contains(QStringLiteral("params.k\\e[2J")), table.why(0));
    QVERIFY2(tableText.contains(QStringLiteral("v\\r\\n2")), table.why(0));
    QVERIFY2(tableText.contains(QStringLiteral("metrics.lo\\u{2028}ss")), table.why(0));
    QCOMPARE(tableText.count(u'\n'), 2); // header and one run: no line break of the data's own

    const Result experiments = cli({QStringLiteral("experiments")});
    VERIFY_EXIT(experiments, 0);
    QVERIFY2(noRawControls(experiments), experiments.why(0));
    QVERIFY2(QString::fromUtf8(experiments.out).contains(QStringLiteral("exp\\e[31m\\u{202E}reversed")),
             experiments.why(0));

    // JSON: the exact text, control characters written as JSON escapes.
    const Result jsonResult =
        cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")});
    const Json json = parseJson(jsonResult);
    QVERIFY2(json.ok(), json.error);
    const QJsonObject run = json.array().at(0).toObject();
    QCOMPARE(run.value(QStringLiteral("name")).toString(), name);
    QCOMPARE(run.value(QStringLiteral("experiment")).toString(), experiment);
    QCOMPARE(run.value(QStringLiteral("params")).toObject().value(key).toString(), QStringLiteral("v\r\n2"));
    QCOMPARE(run.value(QStringLiteral("tags")).toObject().value(QStringLiteral("t")).toString(),
             QStringLiteral("\x07\x7f\u0085"));
    QVERIFY2(jsonResult.out.contains("evil\\u001b[2J\\u0007\\rname\\u001b]0;owned\\u0007"),
             jsonResult.why(0));
    QVERIFY2(!jsonResult.out.contains('\x1b') && !jsonResult.out.contains('\x07') &&
                 !jsonResult.out.contains('\r'),
             jsonResult.why(0));

    // CSV: the exact text; a field holding CR or LF is quoted.
    const Result csv = cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("csv")});
    VERIFY_EXIT(csv, 0);
    QVERIFY2(csv.out.contains(QStringLiteral(",\"%1\",").arg(name).toUtf8()), csv.why(0));
    QVERIFY2(csv.out.contains(",\"v\r\n2\","), csv.why(0));
    const QList<QStringList> rows = test::parseCsv(QString::fromUtf8(csv.out));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[1].value(rows[0].indexOf(QStringLiteral("name"))), name);
    QCOMPARE(rows[1].value(rows[0].indexOf(QStringLiteral("params.") + key)), QStringLiteral("v\r\n2"));

    // Messages that name data escape it too.
    const Result noExperiment =
        cli({QStringLiteral("runs"), QStringLiteral("--experiment"), QStringLiteral("x\x1b]0;t\a\r")});
    VERIFY_EXIT(noExperiment, 1);
    QVERIFY2(noRawControls(noExperiment), noExperiment.why(1));
    QVERIFY2(noExperiment.err.contains("no experiment named 'x\\e]0;t\\a\\r'"), noExperiment.why(1));
    const Result noMetric = cli({QStringLiteral("metric"), id, QStringLiteral("\x1b[2Jgone")});
    VERIFY_EXIT(noMetric, 1);
    QVERIFY2(noRawControls(noMetric), noMetric.why(1));
    QVERIFY2(noMetric.err.contains("has no metric '\\e[2Jgone'"), noMetric.why(1));
}

// `runlens import` prints its report for people: file names and messages from the source are escaped.
void TestCli::importReportEscapesControlCharacters()
{
    const QString folder = m_dir->filePath(QStringLiteral("tb\x1b[2J\a\r"));
    QVERIFY(QDir().mkpath(folder + QStringLiteral("/run")));
    QFile events(folder + QStringLiteral("/run/events.out.tfevents.1700000000.host\x1b]0;x\a.1"));
    QVERIFY(events.open(QIODevice::WriteOnly));
    QVERIFY(events.write(QByteArray(64, 'x')) == 64); // damage only: a warning naming the file
    events.close();

    // Nothing could be read from it: exit 1, and stderr names the source, escaped too.
    const Result text = cli({QStringLiteral("import"), folder});
    VERIFY_EXIT(text, 1);
    QVERIFY2(text.err.contains("could not import") && text.err.contains("tb\\e[2J\\a\\r"), text.why(1));
    for (const char c : {'\x1b', '\x07', '\r'})
        QVERIFY2(!text.out.contains(c) && !text.err.contains(c), text.why(1));
    QVERIFY2(text.out.contains("tb\\e[2J\\a\\r/run/events.out.tfevents.1700000000.host\\e]0;x\\a.1"),
             text.why(1));
    QVERIFY2(text.out.contains("damaged record"), text.why(1));

    const Result json =
        cli({QStringLiteral("import"), folder, QStringLiteral("--report"), QStringLiteral("json")});
    VERIFY_EXIT(json, 1);
    const QJsonObject warnings =
        QJsonDocument::fromJson(json.out).object().value(QStringLiteral("warnings")).toObject();
    QCOMPARE(warnings.keys(),
             QStringList{QFileInfo(events).absoluteFilePath()}); // the exact name, by JSON's rules
}

// CatBoost's `catboost_info` (event files named exactly events.out.tfevents) is found and read as
// TensorBoard, a second time adds nothing; what an import leaves out is one "skipped N kind" line per kind.
void TestCli::importCatBoostAndSkippedKinds()
{
    const QString catboost =
        QStringLiteral(RUNLENS_FIXTURES "/public/catboost/04JJ15-Weather_prediction/catboost_info");
    const Result first = cli({QStringLiteral("import"), catboost});
    VERIFY_EXIT(first, 0);
    QVERIFY2(first.out.startsWith("1 experiments, 2 runs added (0 updated), 1199 points,"), first.why(0));
    QVERIFY2(!first.out.contains("skipped"), first.why(0));
    const Result again = cli({QStringLiteral("import"), catboost});
    VERIFY_EXIT(again, 0);
    QVERIFY2(again.out.startsWith("0 experiments, 0 runs added (0 updated), 0 points,"), again.why(0));

    const QString tb = QStringLiteral(RUNLENS_FIXTURES "/tensorboard/tb");
    const Result text = cli({QStringLiteral("import"), tb});
    VERIFY_EXIT(text, 0);
    const QList<QByteArray> lines = text.out.split('\n');
    QVERIFY2(lines.contains("skipped 3 histograms") && lines.contains("skipped 1 text"), text.why(0));
    const Result json =
        cli({QStringLiteral("import"), tb, QStringLiteral("--report"), QStringLiteral("json")});
    VERIFY_EXIT(json, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QStringLiteral("skipped")).toObject(),
             (QJsonObject{{QStringLiteral("histograms"), 3}, {QStringLiteral("text"), 1}}));
}

// Steps (and other int64 fields) above 2^53 are printed exactly, not rounded through a double.
void TestCli::integersAbove2To53StayExact()
{
    const QList<qint64> steps{9007199254740993, (qint64(1) << 62) + 1};
    QStringList ids;
    for (const qint64 step : steps) {
        ids << createRun({QStringLiteral("--name"), QString::number(step), QStringLiteral("--metric"),
                          QStringLiteral("k=1"), QStringLiteral("--step"), QString::number(step),
                          QStringLiteral("--timestamp"), QStringLiteral("1700000000001")});
        QVERIFY(!ids.back().isEmpty());
    }
    const Result runs = cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")});
    const Json json = parseJson(runs);
    QVERIFY2(json.ok(), json.error);
    for (qsizetype i = 0; i < steps.size(); ++i) {
        QVERIFY2(runs.out.contains(QStringLiteral("\"last_step\": %1").arg(steps[i]).toUtf8()), runs.why(0));
        for (const QJsonValue &v : json.array()) {
            const QJsonObject run = v.toObject();
            if (run.value(QStringLiteral("id")).toString() != ids[i])
                continue;
            const QJsonObject k =
                run.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("k")).toObject();
            QCOMPARE(k.value(QStringLiteral("last_step")).toInteger(), steps[i]);
            QCOMPARE(k.value(QStringLiteral("count")).toInteger(), 1);
            QCOMPARE(run.value(QStringLiteral("start_time")).toVariant().typeId(), int(QMetaType::LongLong));
        }

        const Result csv = cli({QStringLiteral("metric"), ids[i], QStringLiteral("k")});
        VERIFY_EXIT(csv, 0);
        QCOMPARE(QString::fromUtf8(csv.out),
                 QStringLiteral("step,timestamp,value\n%1,1700000000001,1\n").arg(steps[i]));
        const Result metricJson = cli({QStringLiteral("metric"), ids[i], QStringLiteral("k"),
                                       QStringLiteral("--format"), QStringLiteral("json")});
        VERIFY_EXIT(metricJson, 0);
        QVERIFY2(metricJson.out.contains(QStringLiteral("\"step\": %1,").arg(steps[i]).toUtf8()),
                 metricJson.why(0));
        QCOMPARE(QJsonDocument::fromJson(metricJson.out)
                     .array()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("step"))
                     .toInteger(),
                 steps[i]);
        const Result table = cli({QStringLiteral("metric"), ids[i], QStringLiteral("k"),
                                  QStringLiteral("--format"), QStringLiteral("table")});
        VERIFY_EXIT(table, 0);
        QVERIFY2(table.out.contains(QStringLiteral("\n%1  1700000000001  1\n").arg(steps[i]).toUtf8()),
                 table.why(0));
    }
}

// ---------------------------------------------------------------------------------------------- experiments

void TestCli::experiments_data()
{
    QTest::addColumn<QString>("format");
    QTest::newRow("table") << QStringLiteral("table");
    QTest::newRow("json") << QStringLiteral("json");
    QTest::newRow("csv") << QStringLiteral("csv");
}

void TestCli::experiments()
{
    QFETCH(QString, format);
    QString deleted;
    for (int i = 0; i < 3; ++i) {
        deleted = createRun({QStringLiteral("--experiment"), QStringLiteral("exp-a")});
        QVERIFY(!deleted.isEmpty());
    }
    QVERIFY(!createRun({QStringLiteral("--experiment"), QStringLiteral("exp, b")}).isEmpty());
    {
        Store store(m_db);
        store.runs().setRunLifecycle(deleted, Lifecycle::Deleted); // run_count counts active runs
    }

    const Result r = cli({QStringLiteral("experiments"), QStringLiteral("--format"), format});
    VERIFY_EXIT(r, 0);
    const QStringList columns{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("run_count"),
                              QStringLiteral("description"), QStringLiteral("lifecycle")};
    QMap<QString, QString> counts; // name -> run_count as printed
    if (format == QLatin1String("json")) {
        const Json json = parseJson(r);
        QVERIFY2(json.ok(), json.error);
        for (const QJsonValue &v : json.array()) {
            const QJsonObject o = v.toObject();
            QCOMPARE(sorted(o.keys()), sorted(columns));
            QVERIFY(o.value(QStringLiteral("id")).isDouble());
            QVERIFY(o.value(QStringLiteral("run_count")).isDouble());
            QCOMPARE(o.value(QStringLiteral("lifecycle")).toString(), QStringLiteral("active"));
            counts.insert(o.value(QStringLiteral("name")).toString(),
                          QString::number(o.value(QStringLiteral("run_count")).toInt()));
        }
    } else if (format == QLatin1String("csv")) {
        const QList<QStringList> rows = test::parseCsv(QString::fromUtf8(r.out));
        QVERIFY2(!rows.isEmpty(), r.why(0));
        QCOMPARE(rows[0], columns);
        QVERIFY2(r.out.contains("\"exp, b\""), r.why(0));
        for (const QStringList &row : rows.mid(1)) {
            QCOMPARE(row.size(), columns.size());
            counts.insert(row[1], row[2]);
        }
    } else {
        const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(!lines.isEmpty(), r.why(0));
        QCOMPARE(lines[0].split(QRegularExpression(QStringLiteral("\\s+"))), columns);
        for (const QString &line : lines.mid(1)) {
            const QStringList cells = line.split(QRegularExpression(QStringLiteral("\\s{2,}")));
            QVERIFY2(cells.size() >= 4, qPrintable(line));
            counts.insert(cells[1], cells[2]);
        }
    }
    QCOMPARE(counts, (QMap<QString, QString>{{QStringLiteral("exp-a"), QStringLiteral("2")},
                                             {QStringLiteral("exp, b"), QStringLiteral("1")}}));

    // A deleted experiment is listed only on request.
    {
        Store store(m_db);
        store.runs().setExperimentLifecycle(store.runs().experimentByName(QStringLiteral("exp, b"))->id,
                                            Lifecycle::Deleted);
    }
    const Json active =
        parseJson(cli({QStringLiteral("experiments"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(active.ok(), active.error);
    QCOMPARE(active.array().size(), 1);
    const Json all = parseJson(cli({QStringLiteral("experiments"), QStringLiteral("--format"),
                                    QStringLiteral("json"), QStringLiteral("--include-deleted")}));
    QVERIFY2(all.ok(), all.error);
    QCOMPARE(all.array().size(), 2);
}

// --------------------------------------------------------------------------------------------------- metric

// Every point in logging order: out-of-order steps and a repeated step stay as logged.
void TestCli::metricHistory()
{
    const QString id =
        createRun({QStringLiteral("--metric"), QStringLiteral("loss=1"), QStringLiteral("--step"),
                   QStringLiteral("5"), QStringLiteral("--timestamp"), QStringLiteral("1000")});
    QVERIFY(!id.isEmpty());
    const QList<QStringList> points = {{QStringLiteral("2"), QStringLiteral("6"), QStringLiteral("1001")},
                                       {QStringLiteral("3"), QStringLiteral("7"), QStringLiteral("1002")},
                                       {QStringLiteral("123"), QStringLiteral("7"), QStringLiteral("1003")},
                                       {QStringLiteral("0.5"), QStringLiteral("3"), QStringLiteral("1004")},
                                       {QStringLiteral("nan"), QStringLiteral("8"), QStringLiteral("1005")}};
    for (const QStringList &p : points) {
        const Result r = cli({QStringLiteral("log"), QStringLiteral("--run"), id, QStringLiteral("--metric"),
                              QStringLiteral("loss=") + p[0], QStringLiteral("--step"), p[1],
                              QStringLiteral("--timestamp"), p[2]});
        VERIFY_EXIT(r, 0);
    }

    const Result csv = cli({QStringLiteral("metric"), id, QStringLiteral("loss")});
    VERIFY_EXIT(csv, 0);
    QCOMPARE(QString::fromUtf8(csv.out), QStringLiteral("step,timestamp,value\n"
                                                        "5,1000,1\n"
                                                        "6,1001,2\n"
                                                        "7,1002,3\n"
                                                        "7,1003,123\n"
                                                        "3,1004,0.5\n"
                                                        "8,1005,NaN\n"));
    const Result explicitCsv = cli({QStringLiteral("metric"), id, QStringLiteral("loss"),
                                    QStringLiteral("--format"), QStringLiteral("csv")});
    VERIFY_EXIT(explicitCsv, 0);
    QCOMPARE(explicitCsv.out, csv.out);

    const Json json = parseJson(cli({QStringLiteral("metric"), id, QStringLiteral("loss"),
                                     QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(json.ok(), json.error);
    const QJsonArray a = json.array();
    QCOMPARE(a.size(), 6);
    QCOMPARE(a.at(3).toObject(), (QJsonObject{{QStringLiteral("step"), 7.0},
                                              {QStringLiteral("timestamp"), 1003.0},
                                              {QStringLiteral("value"), 123.0}}));
    QCOMPARE(a.at(5).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("NaN"));

    const Result table = cli({QStringLiteral("metric"), id, QStringLiteral("loss"),
                              QStringLiteral("--format"), QStringLiteral("table")});
    VERIFY_EXIT(table, 0);
    const QStringList lines = QString::fromUtf8(table.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 7);
    QCOMPARE(lines[0].split(QRegularExpression(QStringLiteral("\\s+"))),
             (QStringList{QStringLiteral("step"), QStringLiteral("timestamp"), QStringLiteral("value")}));
    QCOMPARE(lines[4].split(QRegularExpression(QStringLiteral("\\s+"))),
             (QStringList{QStringLiteral("7"), QStringLiteral("1003"), QStringLiteral("123")}));

    Store store(m_db);
    const auto history = store.series().metricHistory(id, QStringLiteral("loss"));
    QCOMPARE(history.size(), size_t(6));
    QCOMPARE(history[3], (MetricPoint{7, 1003, 123}));
    const auto summary = store.runs().metricSummary(id, QStringLiteral("loss"));
    QVERIFY(summary);
    QCOMPARE(summary->lastStep, 8);
    QVERIFY(std::isnan(summary->last));
    QCOMPARE(summary->min, 0.5);
    QCOMPARE(summary->max, 123.0);
}

void TestCli::metricErrors()
{
    const QString id = createRun({QStringLiteral("--metric"), QStringLiteral("loss=1")});
    QVERIFY(!id.isEmpty());
    const Result unknownKey = cli({QStringLiteral("metric"), id, QStringLiteral("accuracy")});
    VERIFY_EXIT(unknownKey, 1);
    QVERIFY2(unknownKey.err.contains("has no metric 'accuracy'"), unknownKey.why(1));
    QVERIFY2(unknownKey.out.isEmpty(), unknownKey.why(1));

    const Result unknownRun = cli({QStringLiteral("metric"), QString(32, u'f'), QStringLiteral("loss")});
    VERIFY_EXIT(unknownRun, 1);
    QVERIFY2(unknownRun.err.contains("no run with id"), unknownRun.why(1));
    QVERIFY2(unknownRun.out.isEmpty(), unknownRun.why(1));
}

// -------------------------------------------------------------------------------------------------- compact

// A file whose chunks lack their zoom summaries (as before schema 5) gets them back; the points are the
// same, and a second compaction has nothing to do.
void TestCli::compactAddsMissingSummaries()
{
    QStringList lines;
    for (int i = 0; i < 10'000; ++i)
        lines << QStringLiteral(R"({"step": %1, "metrics": {"loss": %2}})").arg(i).arg(1.0 / (i + 1));
    const QString id =
        createRun({QStringLiteral("--name"), QStringLiteral("long"), QStringLiteral("--stdin")},
                  lines.join(QLatin1Char('\n')).toUtf8());
    QVERIFY(!id.isEmpty());
    const Result before = cli({QStringLiteral("metric"), id, QStringLiteral("loss")});
    VERIFY_EXIT(before, 0);
    QCOMPARE(execSql(m_db, {QStringLiteral("DELETE FROM chunk_details")}), QString());

    const Result r = cli({QStringLiteral("compact")});
    VERIFY_EXIT(r, 0);
    // 10,000 points: two full chunks of 4096 and the rest.
    QCOMPARE(QString::fromUtf8(r.out),
             QStringLiteral("Compacted %1: 0 series rewritten, 3 chunks given zoom summaries\n").arg(m_db));
    const Result again = cli({QStringLiteral("compact")});
    VERIFY_EXIT(again, 0);
    QVERIFY(again.out.contains("0 series rewritten, 0 chunks given zoom summaries"));
    const Result after = cli({QStringLiteral("metric"), id, QStringLiteral("loss")});
    VERIFY_EXIT(after, 0);
    QCOMPARE(after.out, before.out);
    const Result extra = cli({QStringLiteral("compact"), QStringLiteral("now")});
    VERIFY_EXIT(extra, 2);
    // A mistyped --db is refused, not created empty.
    const QString missing = m_dir->filePath(QStringLiteral("typo.db"));
    const Result none = cliOn(missing, {QStringLiteral("compact")});
    VERIFY_EXIT(none, 1);
    QVERIFY(!QFileInfo::exists(missing));
}

// ----------------------------------------------------------------------------------------------------- demo

void TestCli::demo()
{
    const Result r = cli({QStringLiteral("demo"), QStringLiteral("--runs"), QStringLiteral("12"),
                          QStringLiteral("--steps"), QStringLiteral("200")},
                         {}, 60000);
    VERIFY_EXIT(r, 0);
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral("Added (\\d+) experiments, (\\d+) runs and (\\d+) metric points"))
            .match(QString::fromUtf8(r.out));
    QVERIFY2(m.hasMatch(), r.why(0));
    const int runCount = m.captured(2).toInt();
    const qint64 points = m.captured(3).toLongLong();
    QVERIFY2(runCount >= 12, r.why(0));

    const Json experiments =
        parseJson(cli({QStringLiteral("experiments"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(experiments.ok(), experiments.error);
    QCOMPARE(experiments.array().size(), m.captured(1).toInt());
    QStringList experimentNames;
    int sum = 0;
    for (const QJsonValue &v : experiments.array()) {
        experimentNames << v.toObject().value(QStringLiteral("name")).toString();
        sum += v.toObject().value(QStringLiteral("run_count")).toInt();
    }
    QVERIFY2(experimentNames.contains(QStringLiteral("image-classification")),
             qPrintable(experimentNames.join(u',')));
    QCOMPARE(sum, runCount);

    const Json runs =
        parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(runs.ok(), runs.error);
    QCOMPARE(runs.array().size(), runCount);

    QSet<QString> statuses;
    QStringList diverged;
    qint64 pointSum = 0;
    int trainedRuns = 0;
    Store store(m_db);
    for (const QJsonValue &v : runs.array()) {
        const QJsonObject run = v.toObject();
        const QString name = run.value(QStringLiteral("name")).toString();
        statuses << run.value(QStringLiteral("status")).toString();
        const QJsonObject metrics = run.value(QStringLiteral("metrics")).toObject();
        for (const QJsonValue &s : metrics)
            pointSum += s.toObject().value(QStringLiteral("count")).toInteger();
        if (metrics.isEmpty())
            continue; // the sweep's parent run only groups the others
        ++trainedRuns;
        const QJsonObject params = run.value(QStringLiteral("params")).toObject();
        for (const char *key : {"lr", "batch_size", "optimizer", "seed"})
            QVERIFY2(params.contains(QLatin1String(key)),
                     qPrintable(name + QStringLiteral(" lacks ") + QLatin1String(key)));
        const QString id = run.value(QStringLiteral("id")).toString();
        for (const QString &key : store.runs().metricKeys(id)) {
            if (!key.endsWith(QLatin1String("train/loss")))
                continue;
            const auto history = store.series().metricHistory(id, key);
            QCOMPARE(qint64(history.size()),
                     qint64(metrics.value(key).toObject().value(QStringLiteral("count")).toInteger()));
            if (std::any_of(history.begin(), history.end(),
                            [](const MetricPoint &p) { return std::isnan(p.value); }))
                diverged << name;
        }
    }
    QCOMPARE(trainedRuns, 12);
    QCOMPARE(pointSum, points);
    QVERIFY2(statuses.contains(QStringLiteral("FAILED")), "the demo has a failed run");
    QVERIFY2(statuses.contains(QStringLiteral("RUNNING")), "the demo has a running run");
    QVERIFY2(statuses.contains(QStringLiteral("FINISHED")), "the demo has finished runs");
    QVERIFY2(!diverged.isEmpty(), "the demo has a run whose train/loss diverged to NaN");

    // The diverged run's last loss is NaN, which the JSON carries as a string.
    const Json nanRuns = parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"),
                                        QStringLiteral("json"), QStringLiteral("--filter"),
                                        QStringLiteral("attributes.run_name = '%1'").arg(diverged.first())}));
    QVERIFY2(nanRuns.ok(), nanRuns.error);
    QCOMPARE(nanRuns.array()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("metrics"))
                 .toObject()
                 .value(QStringLiteral("train/loss"))
                 .toObject()
                 .value(QStringLiteral("last"))
                 .toString(),
             QStringLiteral("NaN"));
}

// -------------------------------------------------------------------------------------------------- safety

void TestCli::databaseSafety_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("args"); // RUN stands for a run id
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("message");

    const QList<std::pair<const char *, QStringList>> commands = {
        {"experiments", {QStringLiteral("experiments")}},
        {"runs", {QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}},
        {"metric", {QStringLiteral("metric"), QStringLiteral("RUN"), QStringLiteral("loss")}},
        {"log new run", {QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("loss=1")}},
        {"log stdin", {QStringLiteral("log"), QStringLiteral("--experiment"), QStringLiteral("x")}},
        {"log --run --end",
         {QStringLiteral("log"), QStringLiteral("--run"), QStringLiteral("RUN"), QStringLiteral("--end"),
          QStringLiteral("FINISHED")}},
        {"demo",
         {QStringLiteral("demo"), QStringLiteral("--runs"), QStringLiteral("1"), QStringLiteral("--steps"),
          QStringLiteral("10")}},
    };
    const QList<std::pair<const char *, const char *>> kinds = {
        {"garbage", "not a Runlens database"},
        {"foreign", "not a Runlens database"},
        {"newer", "newer"},
    };
    for (const auto &[kind, message] : kinds) {
        for (const auto &[name, args] : commands) {
            QTest::addRow("%s: %s", kind, name)
                << QString::fromLatin1(kind) << args << QByteArray("{\"metrics\": {\"loss\": 1}}\n")
                << QString::fromLatin1(message);
        }
    }
}

// A file that is not (or not yet) ours is refused by every command and left byte for byte as it was.
void TestCli::databaseSafety()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QString, message);

    const QString folder = m_dir->filePath(QStringLiteral("safety"));
    QVERIFY(QDir().mkpath(folder));
    const QString db = folder + QStringLiteral("/data.db");
    QString runId = QString(32, u'a');
    if (kind == QLatin1String("garbage")) {
        QFile f(db);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("experiment notes, not a database\n");
        f.write(QByteArray(5000, '\x5a'));
    } else if (kind == QLatin1String("foreign")) {
        const QString error =
            execSql(db, {QStringLiteral("CREATE TABLE foo(id INTEGER PRIMARY KEY, bar TEXT)"),
                         QStringLiteral("INSERT INTO foo(bar) VALUES ('keep me')")});
        QVERIFY2(error.isEmpty(), qPrintable(error));
    } else {
        const Result created =
            cliOn(db, {QStringLiteral("log"), QStringLiteral("--metric"), QStringLiteral("loss=1")});
        VERIFY_EXIT(created, 0);
        runId = created.line();
        const QString error = execSql(db, {QStringLiteral("PRAGMA user_version = 999")});
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    for (QString &a : args) {
        if (a == QLatin1String("RUN"))
            a = runId;
    }
    const QStringList filesBefore = filesIn(folder);
    const QByteArray hashBefore = test::fileSha256(db);
    QVERIFY(!hashBefore.isEmpty());

    const Result r = cliOn(db, args, input);
    VERIFY_EXIT(r, 1);
    QVERIFY2(r.err.contains(message.toUtf8()), r.why(1));
    QVERIFY2(r.err.contains(QFileInfo(db).fileName().toUtf8()), "the message names the file");
    QVERIFY2(r.out.isEmpty(), r.why(1));
    QCOMPARE(test::fileSha256(db), hashBefore);
    QCOMPARE(filesIn(folder), filesBefore);
}

// ---------------------------------------------------------------------------------------------------- bench

void TestCli::benchQuickJson()
{
    const Result r =
        cli({QStringLiteral("bench"), QStringLiteral("--quick"), QStringLiteral("--json")}, {}, 120000);
    VERIFY_EXIT(r, 0);
    const Json json = parseJson(r);
    QVERIFY2(json.ok(), json.error);
    QVERIFY(json.doc.isObject());
    const QJsonObject o = json.object();
    for (const char *key :
         {"ingest_points_per_s", "naive_ingest_points_per_s", "read_points_per_s", "overview_big_ms",
          "overview_small_ms", "search_ms", "bytes_per_point", "peak_rss_mb"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        QVERIFY2(v.isDouble() && v.toDouble() > 0,
                 qPrintable(QStringLiteral("%1 = %2").arg(
                     QLatin1String(key),
                     QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)))));
    }
    QVERIFY2(!QFileInfo::exists(m_db), "bench works on scratch databases only");
    QVERIFY2(QDir(m_dir->filePath(QStringLiteral("tmp"))).isEmpty(), "bench removes its scratch folder");
}

// The logging group runs the Python client (the source tree's) with Debian's python3: figures against the
// targets, every point read back; without a usable python3 the group says it was skipped and why, and the
// bench still succeeds.
void TestCli::benchLoggingGroup()
{
    Result r = cli({QStringLiteral("bench"), QStringLiteral("--only"), QStringLiteral("logging"),
                    QStringLiteral("--quick"), QStringLiteral("--json")},
                   {}, 300000);
    VERIFY_EXIT(r, 0);
    Json json = parseJson(r);
    QVERIFY2(json.ok(), json.error);
    QJsonObject o = json.object();
    QVERIFY2(!o.contains(QStringLiteral("skipped")), r.why(0));
    QVERIFY2(o.value(QStringLiteral("logging.log_metric_us")).toDouble() > 0, r.why(0));
    QVERIFY2(o.value(QStringLiteral("logging.writers_points_per_s")).toDouble() > 0, r.why(0));
    QCOMPARE(o.value(QStringLiteral("logging.writers")).toDouble(), 4.0);
    QCOMPARE(o.value(QStringLiteral("logging.points_per_writer")).toDouble(), 25000.0);
    QCOMPARE(o.value(QStringLiteral("logging.failures")).toDouble(), 0.0);
    const QJsonObject targets = o.value(QStringLiteral("targets")).toObject();
    QCOMPARE(
        targets.value(QStringLiteral("logging.log_metric_us")).toObject().value(QStringLiteral("target")),
        QStringLiteral("<= 2"));
    QCOMPARE(targets.value(QStringLiteral("logging.writers_points_per_s"))
                 .toObject()
                 .value(QStringLiteral("target")),
             QStringLiteral(">= 1000000"));
    QVERIFY(
        targets.value(QStringLiteral("logging.failures")).toObject().value(QStringLiteral("met")).toBool());
    QVERIFY2(QDir(m_dir->filePath(QStringLiteral("tmp"))).isEmpty(), "bench removes its scratch folder");

    m_env.insert(QStringLiteral("RUNLENS_PYTHON"), QStringLiteral("/nonexistent/python3"));
    r = cli({QStringLiteral("bench"), QStringLiteral("--only"), QStringLiteral("logging"),
             QStringLiteral("--quick"), QStringLiteral("--json")});
    VERIFY_EXIT(r, 0);
    json = parseJson(r);
    QVERIFY2(json.ok(), json.error);
    o = json.object();
    QCOMPARE(o.value(QStringLiteral("skipped")).toObject().value(QStringLiteral("logging")).toString(),
             QStringLiteral("RUNLENS_PYTHON names /nonexistent/python3, which is not an executable"));
    QVERIFY(!o.contains(QStringLiteral("logging.failures")));
    r = cli({QStringLiteral("bench"), QStringLiteral("--only"), QStringLiteral("logging"),
             QStringLiteral("--quick")});
    VERIFY_EXIT(r, 0);
    QVERIFY2(r.out.contains("logging:") && r.out.contains(" skipped: RUNLENS_PYTHON names"), r.why(0));

    // A python3 that runs but has no client to import: skipped, naming the import error.
    const QString fake = m_dir->filePath(QStringLiteral("python3"));
    QVERIFY(test::writeFile(
        fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'runlens'\" >&2\nexit 1\n"));
    QVERIFY(QFile::setPermissions(fake, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    m_env.insert(QStringLiteral("RUNLENS_PYTHON"), fake);
    r = cli({QStringLiteral("bench"), QStringLiteral("--only"), QStringLiteral("logging"),
             QStringLiteral("--quick"), QStringLiteral("--json")});
    VERIFY_EXIT(r, 0);
    QCOMPARE(
        parseJson(r)
            .object()
            .value(QStringLiteral("skipped"))
            .toObject()
            .value(QStringLiteral("logging"))
            .toString(),
        QStringLiteral("%1 cannot use the runlens client: ModuleNotFoundError: No module named 'runlens'")
            .arg(fake));
    m_env.remove(QStringLiteral("RUNLENS_PYTHON"));
}

void TestCli::importExitStatus_data()
{
    // Sources in m_dir: "mlruns" (a copy of the fixture store), "broken" (the same with every run's
    // meta.yaml damaged), "partly" (one run's), "junk.bin" (bytes of no format).
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrHas"); // empty: stderr empty
    QTest::addColumn<int>("runs");          // runs in the database afterwards
    QTest::newRow("readable") << QStringList{QStringLiteral("mlruns")} << 0 << QString() << 12;
    QTest::newRow("some runs refused by the reader")
        << QStringList{QStringLiteral("partly")} << 0 << QString() << 11;
    QTest::newRow("missing path") << QStringList{QStringLiteral("nowhere")} << 1 << "nowhere does not exist"
                                  << 0;
    QTest::newRow("unknown format") << QStringList{QStringLiteral("junk.bin")} << 1
                                    << "junk.bin: format not recognised" << 0;
    QTest::newRow("unreadable as the format named")
        << QStringList{QStringLiteral("--format"), QStringLiteral("mlflow-db"), QStringLiteral("junk.bin")}
        << 1 << "could not import junk.bin: " << 0;
    QTest::newRow("every run refused")
        << QStringList{QStringLiteral("broken")} << 1 << "could not import broken: no run could be read" << 0;
    QTest::newRow("one source of two refused")
        << QStringList{QStringLiteral("mlruns"), QStringLiteral("broken")} << 1
        << "could not import broken: no run could be read" << 12;
}

void TestCli::importExitStatus()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrHas);
    QFETCH(int, runs);
    const QDir dir(m_dir->path());
    for (const char *copy : {"mlruns", "broken", "partly"})
        QVERIFY(test::copyTree(QStringLiteral(RUNLENS_FIXTURES "/mlflow-file/mlruns"),
                               dir.filePath(QLatin1String(copy))));
    int damaged = 0;
    for (const char *copy : {"broken", "partly"}) {
        QDirIterator it(dir.filePath(QLatin1String(copy)), {QStringLiteral("meta.yaml")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString meta = it.next();
            QFile f(meta);
            QVERIFY(f.open(QIODevice::ReadOnly));
            if (!f.readAll().contains("run_id:") || QFileInfo(meta).dir().dirName().size() != 32)
                continue; // not a run's (model versions name runs too)
            f.close();
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("run_id: [unclosed\n");
            ++damaged;
            if (QLatin1String(copy) == QLatin1String("partly"))
                break;
        }
    }
    QCOMPARE(damaged, 13);
    {
        QFile junk(dir.filePath(QStringLiteral("junk.bin")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray("\x00\x01\x02\xff junk \x00\x7f", 12).repeated(100));
    }
    const Result r = cli(QStringList{QStringLiteral("import")} + args);
    VERIFY_EXIT(r, exitCode);
    if (stderrHas.isEmpty())
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    else
        QVERIFY2(QString::fromUtf8(r.err).contains(stderrHas), r.err.constData());
    if (QFileInfo::exists(m_db)) {
        const Result listed = cli({QStringLiteral("runs"), QStringLiteral("--include-deleted"),
                                   QStringLiteral("--format"), QStringLiteral("json")});
        const Json j = parseJson(listed);
        QVERIFY2(j.ok(), j.error.constData());
        QCOMPARE(j.array().size(), qsizetype(runs));
    } else {
        QCOMPARE(runs, 0);
    }
}

void TestCli::importNothingFound_data()
{
    // Sources in m_dir: "text" (a folder of text logs, no data of any format), "empty" (an empty mlflow.db
    // and an empty event file), "training.log" (Keras' CSVLogger, the fixture).
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrHas"); // empty: stderr empty
    QTest::addColumn<int>("runs");
    const auto format = [](const char *f, const char *path) {
        return QStringList{QStringLiteral("--format"), QLatin1String(f), QLatin1String(path)};
    };
    QTest::newRow("keras training.log, detected")
        << QStringList{QStringLiteral("training.log")} << 0 << QString() << 1;
    QTest::newRow("keras training.log as csv") << format("csv", "training.log") << 0 << QString() << 1;
    QTest::newRow("auto")
        << QStringList{QStringLiteral("text")} << 1
        << "text: format not recognised (an mlruns folder, mlflow.db, TensorBoard event "
           "files, CSV or JSON-lines logs, Kubeflow Pipelines metrics, a DVC project or DVCLive folder)"
        << 0;
    QTest::newRow("mlflow") << format("mlflow", "text") << 1
                            << "could not import text: text is not an MLflow file store (no experiment "
                               "folder with meta.yaml)"
                            << 0;
    QTest::newRow("mlflow-db") << format("mlflow-db", "empty/mlflow.db") << 1
                               << "could not import empty/mlflow.db: empty/mlflow.db is empty, not an MLflow "
                                  "database"
                               << 0;
    QTest::newRow("tensorboard") << format("tensorboard", "text") << 1
                                 << "could not import text: no TensorBoard event files (events.out.tfevents"
                                 << 0;
    QTest::newRow("tensorboard, an empty event file")
        << format("tensorboard", "empty/events.out.tfevents.1700000000.host") << 1
        << "could not import empty/events.out.tfevents.1700000000.host: no run could be read (1 warnings)"
        << 0;
    QTest::newRow("csv") << format("csv", "text") << 1
                         << "could not import text: nothing to import: no CSV or TSV log found (.csv and "
                            ".tsv files, or .log and .txt files holding a header row and rows of numbers)"
                         << 0;
    QTest::newRow("jsonl") << format("jsonl", "text") << 1
                           << "could not import text: nothing to import: no JSON-lines log found (.jsonl "
                              "and .ndjson files)"
                           << 0;
}

void TestCli::importNothingFound()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrHas);
    QFETCH(int, runs);
    const QDir dir(m_dir->path());
    QVERIFY(dir.mkpath(QStringLiteral("text/run1")) && dir.mkpath(QStringLiteral("empty")));
    const auto write = [&](const char *path, const QByteArray &bytes) {
        QFile f(dir.filePath(QLatin1String(path)));
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    QVERIFY(write("text/run1/train.log", "Epoch 1/10\nTraceback (most recent call last):\n"));
    QVERIFY(write("text/notes.txt", "tried lr 0.1, 0.01\n"));
    QVERIFY(write("empty/mlflow.db", ""));
    QVERIFY(write("empty/events.out.tfevents.1700000000.host", ""));
    QVERIFY(QFile::copy(
        QStringLiteral(RUNLENS_FIXTURES "/public/keras/AKBoles-Voice-Identification/training.log"),
        dir.filePath(QStringLiteral("training.log"))));
    const Result r = cli(QStringList{QStringLiteral("import")} + args);
    VERIFY_EXIT(r, exitCode);
    if (stderrHas.isEmpty())
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    else
        QVERIFY2(QString::fromUtf8(r.err).contains(stderrHas), r.err.constData());
    if (!QFileInfo::exists(m_db)) {
        QCOMPARE(runs, 0);
        return;
    }
    const Result listed = cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")});
    const Json j = parseJson(listed);
    QVERIFY2(j.ok(), j.error.constData());
    QCOMPARE(j.array().size(), qsizetype(runs));
    if (runs == 1) { // Keras: 4 metrics of 10 epochs (0-9), read from the file with Python's csv module
        const QJsonObject run = j.array().first().toObject();
        QCOMPARE(run.value(QStringLiteral("name")).toString(), QStringLiteral("training"));
        const QJsonObject metrics = run.value(QStringLiteral("metrics")).toObject();
        QCOMPARE(metrics.keys(), (QStringList{QStringLiteral("acc"), QStringLiteral("loss"),
                                              QStringLiteral("val_acc"), QStringLiteral("val_loss")}));
        for (const QJsonValue &m : metrics) {
            QCOMPARE(m.toObject().value(QStringLiteral("count")).toInteger(), qint64(10));
            QCOMPARE(m.toObject().value(QStringLiteral("last_step")).toInteger(), qint64(9));
        }
    }
}

// Kubeflow Pipelines metrics from the fixture written after the KFP documentation's examples (values read
// from the files with python3's json module), into a real database through the binary; again adds nothing.
// A folder whose only metrics file is broken is refused and leaves the database without runs.
void TestCli::importKubeflow()
{
    const QString kfp = m_dir->filePath(QStringLiteral("kfp"));
    QVERIFY(test::copyTree(QStringLiteral(RUNLENS_FIXTURES "/public/kubeflow/kubeflow-website"), kfp));
    const auto report = [&](const QStringList &args) {
        const Result r = cli(QStringList{QStringLiteral("import")} + args +
                             QStringList{QStringLiteral("--report"), QStringLiteral("json")});
        return std::pair{r, QJsonDocument::fromJson(r.out).object()};
    };
    const auto [first, firstReport] = report({kfp});
    VERIFY_EXIT(first, 0);
    QCOMPARE(firstReport.value(QStringLiteral("runs_added")).toInt(), 3);
    QCOMPARE(firstReport.value(QStringLiteral("points_added")).toInt(), 4);
    QCOMPARE(firstReport.value(QStringLiteral("experiments_added")).toInt(), 2);
    QCOMPARE(
        firstReport.value(QStringLiteral("skipped")).toObject(),
        (QJsonObject{{QStringLiteral("KFP ROC curves"), 1}, {QStringLiteral("KFP confusion matrices"), 1}}));

    const auto listed = [&] {
        const Json j =
            parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}));
        QMap<QString, QJsonObject> byName;
        for (const QJsonValue &v : j.array())
            byName.insert(v.toObject().value(QStringLiteral("name")).toString(), v.toObject());
        return byName;
    };
    QMap<QString, QJsonObject> runs = listed();
    QCOMPARE(runs.keys(), (QStringList{QStringLiteral("digit-classification"), QStringLiteral("my-divmod"),
                                       QStringLiteral("produce-metrics")}));
    const auto last = [&](const QString &run, const QString &key) {
        const QJsonObject m = runs[run].value(QStringLiteral("metrics")).toObject().value(key).toObject();
        return std::pair{m.value(QStringLiteral("last")).toDouble(),
                         m.value(QStringLiteral("count")).toInt()};
    };
    QCOMPARE(last(QStringLiteral("digit-classification"), QStringLiteral("accuracy")),
             (std::pair{97.95918367346938, 1}));
    QCOMPARE(last(QStringLiteral("produce-metrics"), QStringLiteral("accuracy-score")), (std::pair{0.8, 1}));
    QCOMPARE(last(QStringLiteral("my-divmod"), QStringLiteral("quotient")), (std::pair{14.0, 1}));
    QCOMPARE(last(QStringLiteral("my-divmod"), QStringLiteral("remainder")), (std::pair{2.0, 1}));
    QCOMPARE(runs[QStringLiteral("digit-classification")].value(QStringLiteral("experiment")).toString(),
             QStringLiteral("metrics-visualization-pipeline"));
    QCOMPARE(runs[QStringLiteral("my-divmod")].value(QStringLiteral("experiment")).toString(),
             QStringLiteral("v1-metrics-pipeline"));
    QCOMPARE(runs[QStringLiteral("produce-metrics")]
                 .value(QStringLiteral("tags"))
                 .toObject()
                 .value(QStringLiteral("kfp.format.accuracy-score")),
             QJsonValue(QStringLiteral("PERCENTAGE")));

    const auto [again, againReport] = report({kfp});
    VERIFY_EXIT(again, 0);
    QCOMPARE(againReport.value(QStringLiteral("runs_added")).toInt(), 0);
    QCOMPARE(againReport.value(QStringLiteral("runs_updated")).toInt(), 0);
    QCOMPARE(againReport.value(QStringLiteral("points_added")).toInt(), 0);
    QCOMPARE(listed().size(), 3);

    const QString brokenDb = m_dir->filePath(QStringLiteral("broken.db"));
    const QString broken = m_dir->filePath(QStringLiteral("broken/step"));
    QVERIFY(test::writeFile(broken + QStringLiteral("/mlpipeline-metrics.json"),
                            "{\"metrics\": [\n{\"name\": 1"));
    const Result refused =
        cliOn(brokenDb, {QStringLiteral("import"), m_dir->filePath(QStringLiteral("broken"))});
    VERIFY_EXIT(refused, 1);
    QVERIFY2(refused.err.contains("could not import") && refused.out.contains("mlpipeline-metrics.json") &&
                 refused.out.contains("line 2: invalid JSON"),
             refused.why(1));
    const Json none = parseJson(
        cliOn(brokenDb, {QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(none.ok(), none.error);
    QCOMPARE(none.array().size(), 0);
}

// ------------------------------------------------------------------------------------------ export-chart

QStringList TestCli::createChartRuns()
{
    QStringList ids;
    const QList<std::pair<QString, QString>> runs{{QStringLiteral("alpha"), QStringLiteral("#d62728")},
                                                  {QStringLiteral("beta"), QStringLiteral("#1f77b4")}};
    for (qsizetype r = 0; r < runs.size(); ++r) {
        QByteArray lines;
        for (int step = 0; step <= 100; step += 5) {
            QJsonObject metrics{{QStringLiteral("train/loss"), 1.0 + double(r)}};
            if (step >= 50)
                metrics.insert(QStringLiteral("val/loss"), 1.5 + double(r));
            QJsonObject line{{QStringLiteral("step"), step}, {QStringLiteral("metrics"), metrics}};
            if (step == 0)
                line.insert(QStringLiteral("tags"),
                            QJsonObject{{QStringLiteral("runlens.color"), runs[r].second}});
            lines += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
        }
        const QString id = createRun({QStringLiteral("--experiment"), QStringLiteral("paper"),
                                      QStringLiteral("--name"), runs[r].first},
                                     lines);
        if (id.isEmpty())
            return {};
        ids << id;
    }
    return ids;
}

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Centres of the 6x6 blocks of exactly `color` in the image (legend swatches: curves are thinner).
QList<QPoint> swatchesOf(const QImage &image, QColor color)
{
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    QList<QPoint> found;
    for (int y = 0; y + 6 <= img.height(); y += 2) {
        for (int x = 0; x + 6 <= img.width(); x += 2) {
            bool all = true;
            for (int dy = 0; dy < 6 && all; ++dy) {
                const QRgb *line = reinterpret_cast<const QRgb *>(img.constScanLine(y + dy));
                for (int dx = 0; dx < 6 && all; ++dx)
                    all = (line[x + dx] & 0xffffff) == (color.rgb() & 0xffffff);
            }
            if (all)
                found << QPoint(x + 3, y + 3);
        }
    }
    return found;
}

} // namespace

// A key that no chosen run has, or runs that do not exist: exit 1, every one of them named, and nothing
// written: no file, and a file already at --out is left as it was.
void TestCli::exportChartWritesNothingWithoutData()
{
    const QStringList ids = createChartRuns();
    QVERIFY(ids.size() == 2);
    const QString out = m_dir->filePath(QStringLiteral("chart.png"));
    const QString kept = m_dir->filePath(QStringLiteral("kept.svg"));
    {
        QFile f(kept);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("the figure of yesterday");
    }
    const Result oneKey =
        cli({QStringLiteral("export-chart"), QStringLiteral("--runs"), ids.join(u','),
             QStringLiteral("--metric"), QStringLiteral("train/loss"), QStringLiteral("--metric"),
             QStringLiteral("val/acc"), QStringLiteral("--out"), out});
    VERIFY_EXIT(oneKey, 1);
    QVERIFY2(oneKey.err.contains("no chosen run has the metric 'val/acc'"), oneKey.why(1));
    QVERIFY2(!QFileInfo::exists(out), "export-chart wrote a chart without data");

    const Result twoKeys = cli(
        {QStringLiteral("export-chart"), QStringLiteral("--runs"), ids.join(u','), QStringLiteral("--metric"),
         QStringLiteral("nope"), QStringLiteral("--metric"), QStringLiteral("train/loss"),
         QStringLiteral("--metric"), QStringLiteral("nada"), QStringLiteral("--out"), kept});
    VERIFY_EXIT(twoKeys, 1);
    QVERIFY2(twoKeys.err.contains("no chosen run has the metrics 'nope', 'nada'"), twoKeys.why(1));
    QCOMPARE(readAll(kept), QByteArray("the figure of yesterday"));

    const Result runs = cli({QStringLiteral("export-chart"), QStringLiteral("--runs"),
                             QStringLiteral("gone1,%1,gone2").arg(ids[0]), QStringLiteral("--metric"),
                             QStringLiteral("train/loss"), QStringLiteral("--out"), kept});
    VERIFY_EXIT(runs, 1);
    QVERIFY2(runs.err.contains("no runs with ids 'gone1', 'gone2'"), runs.why(1));
    QCOMPARE(readAll(kept), QByteArray("the figure of yesterday"));

    // With data, the same command writes.
    const Result good =
        cli({QStringLiteral("export-chart"), QStringLiteral("--runs"), ids.join(u','),
             QStringLiteral("--metric"), QStringLiteral("train/loss"), QStringLiteral("--out"), out});
    VERIFY_EXIT(good, 0);
    QVERIFY(QFileInfo::exists(out));
}

// Paper mode: an 85x60 mm figure is an 85x60 mm PDF page and SVG, its text 8 pt on paper (not 2.5 pt), and
// a PNG of it at the asked resolution that says so; --size in pixels keeps making pixel pictures.
void TestCli::exportChartOnPaper()
{
    const QStringList ids = createChartRuns();
    QVERIFY(ids.size() == 2);
    const QStringList base{QStringLiteral("export-chart"), QStringLiteral("--runs"), ids.join(u','),
                           QStringLiteral("--metric"), QStringLiteral("train/loss")};
    for (const QStringList &size : {QStringList{QStringLiteral("--size"), QStringLiteral("85x60mm")},
                                    QStringList{QStringLiteral("--width-mm"), QStringLiteral("85"),
                                                QStringLiteral("--height-mm"), QStringLiteral("60")}}) {
        const QString pdf = m_dir->filePath(QStringLiteral("fig.pdf"));
        const Result r = cli(base + size + QStringList{QStringLiteral("--out"), pdf});
        VERIFY_EXIT(r, 0);
        const QRegularExpressionMatch box =
            QRegularExpression(QStringLiteral("/MediaBox \\[\\s*0\\s+0\\s+([0-9.]+)\\s+([0-9.]+)\\s*\\]"))
                .match(QString::fromLatin1(readAll(pdf)));
        QVERIFY2(box.hasMatch(), "no MediaBox in the PDF");
        // 85 mm = 240.9 pt, 60 mm = 170.1 pt (PDF pages are whole points here).
        QVERIFY2(std::abs(box.captured(1).toDouble() - 85 / 25.4 * 72) <= 0.6, qPrintable(box.captured(0)));
        QVERIFY2(std::abs(box.captured(2).toDouble() - 60 / 25.4 * 72) <= 0.6, qPrintable(box.captured(0)));

        const QString svgPath = m_dir->filePath(QStringLiteral("fig.svg"));
        const Result r1 = cli(base + size + QStringList{QStringLiteral("--out"), svgPath});
        VERIFY_EXIT(r1, 0);
        const QString svg = QString::fromUtf8(readAll(svgPath));
        QVERIFY2(svg.contains(QStringLiteral("width=\"85mm\" height=\"60mm\"")), qPrintable(svg.left(600)));
        // Text in user units of the view box, which spans the 85 mm: 8 pt is 8/72 inch of 85/25.4 inches.
        const QRegularExpression fontSize(QStringLiteral("font-size=\"([0-9.]+)(pt|px)?\""));
        const QRegularExpression viewBox(QStringLiteral("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\""));
        const QRegularExpressionMatch vb = viewBox.match(svg);
        QVERIFY2(vb.hasMatch(), qPrintable(svg.left(600)));
        const double unitsPerPoint = vb.captured(1).toDouble() / (85 / 25.4 * 72);
        int texts = 0;
        for (auto it = fontSize.globalMatch(svg); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const double v = m.captured(1).toDouble();
            const double points = m.captured(2) == QLatin1String("pt")
                                      ? v * 96.0 / 72.0 / unitsPerPoint / (96.0 / 72.0)
                                      : v / unitsPerPoint;
            QVERIFY2(points >= 7.5 && points <= 10, qPrintable(m.captured(0)));
            ++texts;
        }
        QVERIFY(texts > 0);
    }

    const QString png = m_dir->filePath(QStringLiteral("fig.png"));
    VERIFY_EXIT(
        cli(base + QStringList{QStringLiteral("--size"), QStringLiteral("85x60mm"), QStringLiteral("--dpi"),
                               QStringLiteral("300"), QStringLiteral("--out"), png}),
        0);
    const QImage image(png);
    QCOMPARE(image.width(), qRound(85 / 25.4 * 300));
    QCOMPARE(image.height(), qRound(60 / 25.4 * 300));
    QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 300);

    const Result r2 = cli(base + QStringList{QStringLiteral("--size"), QStringLiteral("700x300"),
                                             QStringLiteral("--out"), png});
    VERIFY_EXIT(r2, 0);
    QCOMPARE(QImage(png).size(), QSize(700, 300));
}

void TestCli::exportChartTitleAndLabels()
{
    const QStringList ids = createChartRuns();
    QVERIFY(ids.size() == 2);
    const QString svgPath = m_dir->filePath(QStringLiteral("labels.svg"));
    const Result r =
        cli({QStringLiteral("export-chart"), QStringLiteral("--runs"), ids.join(u','),
             QStringLiteral("--metric"), QStringLiteral("train/loss"), QStringLiteral("--size"),
             QStringLiteral("85x60mm"), QStringLiteral("--title"), QStringLiteral("Loss & friends"),
             QStringLiteral("--x-label"), QStringLiteral("Epoch"), QStringLiteral("--y-label"),
             QStringLiteral("Cross-entropy"), QStringLiteral("--out"), svgPath});
    VERIFY_EXIT(r, 0);
    const QByteArray svg = readAll(svgPath);
    for (const char *text : {">Loss &amp; friends</text>", ">Epoch</text>", ">Cross-entropy</text>",
                             ">alpha</text>", ">beta</text>"})
        QVERIFY2(svg.contains(text), text);
    QVERIFY2(!svg.contains(">Step</text>"), "the x label replaces the axis' own name");
}

void TestCli::exportChartLegendPlacement_data()
{
    QTest::addColumn<QString>("legend");
    QTest::addColumn<QRect>("where"); // in a 700x300 picture
    QTest::newRow("default: below") << QString() << QRect(0, 240, 700, 60);
    QTest::newRow("below") << QStringLiteral("below") << QRect(0, 240, 700, 60);
    QTest::newRow("top-right") << QStringLiteral("top-right") << QRect(500, 0, 200, 120);
    QTest::newRow("top-left") << QStringLiteral("top-left") << QRect(50, 0, 200, 120);
    QTest::newRow("bottom-right") << QStringLiteral("bottom-right") << QRect(500, 150, 200, 120);
    QTest::newRow("bottom-left") << QStringLiteral("bottom-left") << QRect(50, 150, 200, 120);
    QTest::newRow("outside-right") << QStringLiteral("outside-right") << QRect(580, 0, 120, 300);
    QTest::newRow("none") << QStringLiteral("none") << QRect();
}

// Where the legend's swatches are in the PNG's pixels.
void TestCli::exportChartLegendPlacement()
{
    QFETCH(QString, legend);
    QFETCH(QRect, where);
    const QStringList ids = createChartRuns();
    QVERIFY(ids.size() == 2);
    const QString png = m_dir->filePath(QStringLiteral("legend.png"));
    QStringList args{QStringLiteral("export-chart"), QStringLiteral("--runs"),     ids.join(u','),
                     QStringLiteral("--metric"),     QStringLiteral("train/loss"), QStringLiteral("--size"),
                     QStringLiteral("700x300"),      QStringLiteral("--out"),      png};
    if (!legend.isEmpty())
        args << QStringLiteral("--legend") << legend;
    const Result r3 = cli(args);
    VERIFY_EXIT(r3, 0);
    const QImage image(png);
    QCOMPARE(image.size(), QSize(700, 300));
    for (const char *color : {"#d62728", "#1f77b4"}) {
        const QList<QPoint> swatches = swatchesOf(image, QColor(QLatin1String(color)));
        if (where.isNull()) {
            QVERIFY2(swatches.isEmpty(), color);
            continue;
        }
        QVERIFY2(!swatches.isEmpty(), color);
        for (const QPoint &at : swatches)
            QVERIFY2(
                where.contains(at),
                qPrintable(
                    QStringLiteral("%1 swatch at %2,%3").arg(QLatin1String(color)).arg(at.x()).arg(at.y())));
    }
}

// Charts of one picture on the same x axis share its range: val/loss (steps 50..100) is drawn from the x of
// step 50 on an axis from 0, as train/loss beside it, not from its chart's left edge.
void TestCli::exportChartSharesXRange()
{
    const QStringList ids = createChartRuns();
    QVERIFY(ids.size() == 2);
    const QString png = m_dir->filePath(QStringLiteral("grid.png"));
    const Result r4 =
        cli({QStringLiteral("export-chart"), QStringLiteral("--runs"), ids[0], QStringLiteral("--metric"),
             QStringLiteral("train/loss"), QStringLiteral("--metric"), QStringLiteral("val/loss"),
             QStringLiteral("--size"), QStringLiteral("1000x300"), QStringLiteral("--legend"),
             QStringLiteral("none"), QStringLiteral("--out"), png});
    VERIFY_EXIT(r4, 0);
    const QImage image = QImage(png).convertToFormat(QImage::Format_RGB32);
    // Red enough: the curve's colour, antialiased over the white background.
    const auto red = [](QRgb c) { return qRed(c) > 150 && qGreen(c) < 140 && qBlue(c) < 140; };
    // The leftmost and rightmost red pixels of each half (each chart).
    const auto span = [&](int from, int to) {
        int left = to, right = from;
        for (int y = 0; y < image.height(); ++y) {
            const QRgb *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
            for (int x = from; x < to; ++x) {
                if (red(line[x])) {
                    left = std::min(left, x);
                    right = std::max(right, x);
                }
            }
        }
        return std::pair{left - from, right - from};
    };
    const auto [trainLeft, trainRight] = span(0, 500);
    const auto [valLeft, valRight] = span(500, 1000);
    QVERIFY2(trainRight > trainLeft && valRight > valLeft, "no curve drawn");
    const double width = trainRight - trainLeft; // steps 0..100
    QVERIFY2(std::abs((valLeft - trainLeft) - width / 2) <= 3,
             qPrintable(QStringLiteral("train %1..%2, val %3..%4")
                            .arg(trainLeft)
                            .arg(trainRight)
                            .arg(valLeft)
                            .arg(valRight)));
    QVERIFY2(std::abs(valRight - trainRight) <= 2, "the charts end at different x");
}

void TestCli::exportChartBadValues_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unit") << QStringList{"--size", "85x60cm"} << "--size expects WIDTHxHEIGHT";
    QTest::newRow("tiny paper") << QStringList{"--size", "5x5mm"}
                                << "from 20x15mm to 2000x2000mm (got '5x5mm')";
    QTest::newRow("width not a number")
        << QStringList{"--width-mm", "wide"} << "--width-mm must be a number from 20 to 2000 (got 'wide')";
    QTest::newRow("height alone") << QStringList{"--height-mm", "60"} << "--height-mm goes with --width-mm";
    QTest::newRow("two sizes") << QStringList{"--size", "85x60mm", "--width-mm", "85"}
                               << "either with --size or with --width-mm";
    QTest::newRow("pixels and mm") << QStringList{"--size", "700x300", "--width-mm", "85"}
                                   << "exclude each other";
    QTest::newRow("dpi with pixels") << QStringList{"--size", "700x300", "--dpi", "300"}
                                     << "--dpi goes with a size in millimetres";
    QTest::newRow("dpi too low") << QStringList{"--width-mm", "85", "--dpi", "20"}
                                 << "--dpi must be a number from 96 to 768 (got '20')";
    QTest::newRow("scale with mm") << QStringList{"--width-mm", "85", "--scale", "2"}
                                   << "--scale goes with a size in pixels";
    QTest::newRow("font size") << QStringList{"--font-size", "0"}
                               << "--font-size must be a number from 4 to 24 (got '0')";
    QTest::newRow("legend")
        << QStringList{"--legend", "middle"}
        << "--legend must be one of below, outside-right, top-right, top-left, bottom-right, "
           "bottom-left, none (got 'middle')";
}

void TestCli::exportChartBadValues()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const QStringList ids = createChartRuns();
    QVERIFY(ids.size() == 2);
    const QString out = m_dir->filePath(QStringLiteral("bad.pdf"));
    const Result r = cli(QStringList{QStringLiteral("export-chart"), QStringLiteral("--runs"), ids.join(u','),
                                     QStringLiteral("--metric"), QStringLiteral("train/loss"),
                                     QStringLiteral("--out"), out} +
                         args);
    VERIFY_EXIT(r, 2);
    QVERIFY2(r.err.contains(message.toUtf8()), r.why(2));
    QVERIFY(!QFileInfo::exists(out));
}

// ------------------------------------------------------------------------------------------ tables

// --format table is for reading: measured numbers at 6 significant digits (counts, steps and times exact),
// lines fitted to $COLUMNS by putting further columns in blocks below, each led by the id; not on a
// terminal and without COLUMNS, one line per row. JSON and CSV keep every digit.
void TestCli::tablesRoundAndFitTheTerminal()
{
    QStringList args;
    args << QStringLiteral("--experiment") << QStringLiteral("wide") << QStringLiteral("--name")
         << QStringLiteral("r1") << QStringLiteral("--step") << QStringLiteral("123456789");
    for (int i = 0; i < 8; ++i)
        args << QStringLiteral("--param") << QStringLiteral("param_%1=value%1").arg(i)
             << QStringLiteral("--metric") << QStringLiteral("metric_%1=0.12345678901234%1").arg(i);
    const QString id = createRun(args);
    QVERIFY(!id.isEmpty());

    // Not a terminal, no COLUMNS: one line per row, rounded.
    const Result pipe = cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("table")});
    VERIFY_EXIT(pipe, 0);
    const QStringList pipeLines = QString::fromUtf8(pipe.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(pipeLines.size(), 2);
    QVERIFY2(pipeLines[1].contains(QStringLiteral(" 0.123457 ")), qPrintable(pipeLines[1]));
    QVERIFY2(!pipe.out.contains("0.1234567890123"), pipe.why(0));

    // COLUMNS=80: no line is longer, every column is there once, every block names the run.
    m_env.insert(QStringLiteral("COLUMNS"), QStringLiteral("80"));
    const Result fitted = cli({QStringLiteral("runs")});
    VERIFY_EXIT(fitted, 0);
    const QStringList lines = QString::fromUtf8(fitted.out).split(u'\n');
    int blocks = 0;
    QString all;
    for (const QString &line : lines) {
        QVERIFY2(line.size() <= 80, qPrintable(line));
        if (line.startsWith(QLatin1String("id ")))
            ++blocks;
        if (!line.isEmpty() && !line.startsWith(QLatin1String("id ")))
            QVERIFY2(line.startsWith(id), qPrintable(line));
        all += line + u'\n';
    }
    QVERIFY2(blocks >= 3, fitted.why(0));
    for (int i = 0; i < 8; ++i) {
        QCOMPARE(all.count(QStringLiteral("metrics.metric_%1").arg(i)), 1);
        QCOMPARE(all.count(QRegularExpression(QStringLiteral("params\\.param_%1\\b").arg(i))), 1);
        QVERIFY2(all.contains(QStringLiteral("value%1").arg(i)), qPrintable(all));
    }
    QCOMPARE(all.count(QStringLiteral("0.123457")), 8);

    // The metric command: steps exact, values rounded.
    const Result metric = cli({QStringLiteral("metric"), id, QStringLiteral("metric_3"),
                               QStringLiteral("--format"), QStringLiteral("table")});
    VERIFY_EXIT(metric, 0);
    QVERIFY2(metric.out.contains("123456789") && metric.out.contains("0.123457") &&
                 !metric.out.contains("0.12345678901234"),
             metric.why(0));

    // Experiments and artifacts are tables too, and fit.
    for (const QStringList &command :
         {QStringList{QStringLiteral("experiments")}, QStringList{QStringLiteral("artifacts"), id}}) {
        const Result r = cli(command);
        VERIFY_EXIT(r, 0);
        for (const QString &line : QString::fromUtf8(r.out).split(u'\n'))
            QVERIFY2(line.size() <= 80, qPrintable(line));
    }

    // JSON and CSV: every digit, whatever the terminal.
    const Json json =
        parseJson(cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("json")}));
    QVERIFY2(json.ok(), json.error.constData());
    QCOMPARE(json.array()
                 .first()
                 .toObject()
                 .value(QStringLiteral("metrics"))
                 .toObject()
                 .value(QStringLiteral("metric_3"))
                 .toObject()
                 .value(QStringLiteral("last"))
                 .toDouble(),
             0.123456789012343);
    const Result csv = cli({QStringLiteral("runs"), QStringLiteral("--format"), QStringLiteral("csv")});
    VERIFY_EXIT(csv, 0);
    QVERIFY2(csv.out.contains("0.123456789012343") &&
                 QString::fromUtf8(csv.out).split(u'\n', Qt::SkipEmptyParts).size() == 2,
             csv.why(0));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
