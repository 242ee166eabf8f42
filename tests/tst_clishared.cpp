// SPDX-License-Identifier: GPL-3.0-or-later
// What the command families of `runlens` share (app/cli/commandsupport.*, output.*): one message for a run or
// experiment that is not there, for an argument too many, for a database that is not there (which a reading
// command must not create), and one shape of --format json. Each row runs the real binary on a command of a
// different family, so that a family that grows its own copy again, with other words, fails here.

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Result
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QByteArray why(const QStringList &args) const
    {
        return QStringLiteral("runlens %1\nexit %2\n--- stdout:\n%3\n--- stderr:\n%4")
            .arg(args.join(u' '))
            .arg(finished ? QString::number(exitCode) : QStringLiteral("none (timeout or crash)"))
            .arg(QString::fromUtf8(out.left(4000)), QString::fromUtf8(err.left(4000)))
            .toUtf8();
    }
};

} // namespace

class TestCliShared : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameMessageInEveryFamily_data();
    void sameMessageInEveryFamily();
    void readersCreateNoDatabase_data();
    void readersCreateNoDatabase();
    void jsonIsOneIndentedDocument_data();
    void jsonIsOneIndentedDocument();

private:
    Result run(const QStringList &args) const;
    QStringList withRun(QStringList args) const;

    QTemporaryDir m_dir;
    QString m_db;
    QString m_runId;
};

Result TestCliShared::run(const QStringList &args) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("RUNLENS_DB"));
    env.insert(QStringLiteral("HOME"), m_dir.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir.path());
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess p;
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir.path());
    p.start(QStringLiteral(RUNLENS_BINARY), args);
    Result r;
    r.finished =
        p.waitForStarted(10000) && p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit;
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = r.finished ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// "RUN" in a row's arguments stands for the id of the run logged in initTestCase.
QStringList TestCliShared::withRun(QStringList args) const
{
    args.replaceInStrings(QRegularExpression(QStringLiteral("\\bRUN\\b")), m_runId);
    return args;
}

void TestCliShared::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(RUNLENS_BINARY)).isExecutable(),
             "RUNLENS_BINARY " RUNLENS_BINARY " is not an executable; build the runlens target first");
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(QStringLiteral("runs.db"));
    const QStringList log{QStringLiteral("--db"),    m_db,
                          QStringLiteral("log"),     QStringLiteral("--experiment"),
                          QStringLiteral("shared"),  QStringLiteral("--param"),
                          QStringLiteral("lr=0.1"),  QStringLiteral("--metric"),
                          QStringLiteral("loss=0.5")};
    const Result r = run(log);
    QVERIFY2(r.finished && r.exitCode == 0, r.why(log));
    m_runId = QString::fromUtf8(r.out).trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(m_runId).hasMatch(), r.why(log));
    const QStringList promote{QStringLiteral("--db"),    m_db,
                              QStringLiteral("promote"), m_runId,
                              QStringLiteral("--model"), QStringLiteral("m")};
    const Result p = run(promote);
    QVERIFY2(p.finished && p.exitCode == 0, p.why(promote));
}

void TestCliShared::sameMessageInEveryFamily_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message"); // the whole of stderr (after any Qt platform notice)

    const auto usage = [](const QString &command) {
        return QStringLiteral("runlens %1: unexpected argument 'extra'\nTry 'runlens %1 --help'.\n")
            .arg(command);
    };
    QTest::newRow("experiments, one argument too many")
        << QStringList{"experiments", "extra"} << 2 << usage("experiments");
    QTest::newRow("runs, one argument too many") << QStringList{"runs", "extra"} << 2 << usage("runs");
    QTest::newRow("log, one argument too many")
        << QStringList{"log", "--run", "RUN", "extra"} << 2 << usage("log");
    QTest::newRow("compact, one argument too many")
        << QStringList{"compact", "extra"} << 2 << usage("compact");
    QTest::newRow("export-chart, one argument too many")
        << QStringList{"export-chart", "--filter", "", "--metric", "loss", "--out", "c.png", "extra"} << 2
        << usage("export-chart");
    QTest::newRow("models, one argument too many") << QStringList{"models", "extra"} << 2 << usage("models");
    QTest::newRow("model, one argument too many")
        << QStringList{"model", "m", "extra"} << 2 << usage("model");

    const QString noRun = QStringLiteral("runlens %1: no run with id 'nosuch'\n");
    QTest::newRow("metric, no such run")
        << QStringList{"metric", "nosuch", "loss"} << 1 << noRun.arg("metric");
    QTest::newRow("log, no such run")
        << QStringList{"log", "--run", "nosuch", "--metric", "a=1"} << 1 << noRun.arg("log");
    QTest::newRow("export-chart, no such run")
        << QStringList{"export-chart", "--runs", "RUN,nosuch", "--metric", "loss", "--out", "c.png"} << 1
        << noRun.arg("export-chart");
    QTest::newRow("artifacts, no such run")
        << QStringList{"artifacts", "nosuch"} << 1 << noRun.arg("artifacts");
    QTest::newRow("artifact-get, no such run")
        << QStringList{"artifact-get", "nosuch", "x", "--out", "y"} << 1 << noRun.arg("artifact-get");

    const QString noExperiment = QStringLiteral("runlens %1: no experiment named 'nosuch'\n");
    QTest::newRow("runs, no such experiment")
        << QStringList{"runs", "--experiment", "nosuch"} << 1 << noExperiment.arg("runs");
    QTest::newRow("export-chart, no such experiment")
        << QStringList{"export-chart", "--filter", "",      "--experiment", "nosuch",
                       "--metric",     "loss",     "--out", "c.png"}
        << 1 << noExperiment.arg("export-chart");
}

void TestCliShared::sameMessageInEveryFamily()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const QStringList full = QStringList{QStringLiteral("--db"), m_db} + withRun(args);
    const Result r = run(full);
    QVERIFY2(r.finished && r.exitCode == exitCode, r.why(full));
    QVERIFY2(r.err.endsWith(message.toUtf8()), r.why(full));
    QVERIFY2(r.out.isEmpty(), r.why(full));
    QVERIFY2(!QFileInfo::exists(m_dir.filePath(QStringLiteral("c.png"))),
             "a failed export-chart wrote c.png");
}

void TestCliShared::readersCreateNoDatabase_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("experiments (runs)") << QStringList{"experiments"};
    QTest::newRow("metric (runs)") << QStringList{"metric", "r", "loss"};
    QTest::newRow("compact (maintenance)") << QStringList{"compact"};
    QTest::newRow("backup (maintenance)") << QStringList{"backup", "copy.db"};
    QTest::newRow("export-chart") << QStringList{"export-chart", "--runs", "r",    "--metric",
                                                 "loss",         "--out",  "c.png"};
    QTest::newRow("models (registry)") << QStringList{"models"};
    QTest::newRow("stage (registry)") << QStringList{"stage", "m", "1", "Staging"};
    QTest::newRow("artifacts") << QStringList{"artifacts", "r"};
}

void TestCliShared::readersCreateNoDatabase()
{
    QFETCH(QStringList, args);
    const QString missing = m_dir.filePath(QStringLiteral("missing/none.db"));
    const QStringList full = QStringList{QStringLiteral("--db"), missing} + args;
    const Result r = run(full);
    QVERIFY2(r.finished && r.exitCode == 1, r.why(full));
    const QString message =
        QStringLiteral("runlens %1: no database at %2 (runlens log or runlens demo creates one)\n")
            .arg(args.first(), missing);
    QVERIFY2(r.err.endsWith(message.toUtf8()), r.why(full));
    QVERIFY2(!QFileInfo::exists(missing), "a reading command created the database");
    QVERIFY2(!QFileInfo::exists(m_dir.filePath(QStringLiteral("missing"))),
             "a reading command made its folder");
}

void TestCliShared::jsonIsOneIndentedDocument_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("firstKey"); // a key of the first (or only) object, proving it is the data
    QTest::newRow("experiments (listing)") << QStringList{"experiments", "--format", "json"} << "run_count";
    QTest::newRow("runs (listing)") << QStringList{"runs", "--format", "json"} << "params";
    QTest::newRow("metric (points)") << QStringList{"metric", "RUN", "loss", "--format", "json"} << "step";
    QTest::newRow("models (registry listing)")
        << QStringList{"models", "--format", "json"} << "latest_version";
    QTest::newRow("model (registry document)") << QStringList{"model", "m", "--format", "json"} << "audit";
}

void TestCliShared::jsonIsOneIndentedDocument()
{
    QFETCH(QStringList, args);
    QFETCH(QString, firstKey);
    const QStringList full = QStringList{QStringLiteral("--db"), m_db} + withRun(args);
    const Result r = run(full);
    QVERIFY2(r.finished && r.exitCode == 0, r.why(full));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &pe);
    QVERIFY2(pe.error == QJsonParseError::NoError, r.why(full));
    // Indented as QJsonDocument::Indented writes it (four spaces), one document, ending in a newline.
    QCOMPARE(r.out, doc.toJson(QJsonDocument::Indented));
    const QJsonObject first = doc.isArray() ? doc.array().first().toObject() : doc.object();
    QVERIFY2(first.contains(firstKey), r.why(full));
}

QTEST_GUILESS_MAIN(TestCliShared)
#include "tst_clishared.moc"
