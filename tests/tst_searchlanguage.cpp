// SPDX-License-Identifier: GPL-3.0-or-later
// The MLflow search language: what compiles, where malformed expressions are reported, and what a real store
// returns for filters and orderings (including non-finite metrics and hostile strings).

#include "search/filterkeys.h"
#include "search/searchquery.h"
#include "store/store.h"

#include <limits>
#include <memory>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace runlens;

namespace {

QVariant ms(qint64 v)
{
    return QVariant::fromValue<qint64>(v);
}

QString describe(const QVariantList &list)
{
    QStringList parts;
    for (const QVariant &v : list)
        parts << QStringLiteral("%1:%2").arg(QString::fromLatin1(v.typeName()), v.toString());
    return parts.join(QStringLiteral(", "));
}

// Same values with the same types: a metric threshold must travel as a double, a time as an integer.
bool sameBinds(const QVariantList &a, const QVariantList &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].metaType() != b[i].metaType() || a[i] != b[i])
            return false;
    }
    return true;
}

// The generated SQL must never contain text that could only have come from the expression.
void verifyNoSplicedText(const search::CompiledQuery &c)
{
    for (const QString &sql : {c.where, c.joins, c.orderBy}) {
        for (const char *bad : {"'", "\"", "`", ";", "--"})
            QVERIFY2(!sql.contains(QLatin1String(bad)), qPrintable(sql));
    }
    for (const QVariant &v : c.whereBinds + c.joinBinds)
        QVERIFY2(!v.isNull() && !(v.metaType().id() == QMetaType::QString && v.toString().isNull()),
                 "a null bind would compare as SQL NULL");
    QCOMPARE(c.where.count(u'?'), c.whereBinds.size());
    QCOMPARE(c.joins.count(u'?'), c.joinBinds.size());
    QVERIFY2(!c.orderBy.contains(u'?'), qPrintable(c.orderBy));
}

RunQuery runQuery(const QString &filter, const QString &orderBy = {}, bool includeDeleted = false)
{
    RunQuery q;
    q.filter = filter;
    q.orderBy = orderBy;
    q.includeDeleted = includeDeleted;
    return q;
}

const QString tieBreakers = QStringLiteral("r.start_ms DESC, r.id ASC");

QString idFor(int n)
{
    return QStringLiteral("%1").arg(n, 32, 10, QLatin1Char('0'));
}

} // namespace

class TestSearchLanguage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void validFilters_data();
    void validFilters();
    void validOrderBy_data();
    void validOrderBy();
    void invalidExpressions_data();
    void invalidExpressions();
    void messageFormat();
    void dialects();
    void defaultOrderUsesIndex();

    void search_data();
    void search();
    void injection_data();
    void injection();

    void unknownKeys_data();
    void unknownKeys();
    void unknownKeysOfTheStore();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    QHash<QString, QString> m_nameById;

    QStringList names(const QStringList &ids) const
    {
        QStringList out;
        for (const QString &id : ids)
            out << m_nameById.value(id, id);
        return out;
    }
};

void TestSearchLanguage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<Store>(m_dir.filePath(QStringLiteral("t.db")));
    Store &s = *m_store;
    const ExperimentId exp = s.runs().createExperiment(QStringLiteral("search"));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();

    struct Spec
    {
        int n;
        const char *name;
        const char *user;
        RunStatus status;
        qint64 start;
        std::optional<qint64> end;
    };
    // Start times give the default order (newest first): zeta, delta, gamma, beta, alpha, epsilon.
    const Spec specs[] = {
        {1, "alpha", "alice", RunStatus::Finished, 1000, 5000},
        {2, "beta", "bob", RunStatus::Failed, 2000, 6000},
        {3, "gamma", "alice", RunStatus::Running, 3000, std::nullopt},
        {4, "delta", "carol", RunStatus::Killed, 4000, 4500},
        {5, "epsilon", "dave", RunStatus::Scheduled, 500, std::nullopt},
        {6, "zeta", "erin", RunStatus::Finished, 6000, 7000},
    };
    for (const Spec &spec : specs) {
        NewRun init;
        init.experimentId = exp;
        init.id = idFor(spec.n);
        init.name = QString::fromLatin1(spec.name);
        init.user = QString::fromLatin1(spec.user);
        init.status = spec.status;
        init.startMs = spec.start;
        init.endMs = spec.end;
        const Run run = s.runs().createRun(init);
        QCOMPARE(run.id, idFor(spec.n));
        m_nameById.insert(run.id, run.name);
    }
    const QString alpha = idFor(1), beta = idFor(2), gamma = idFor(3), delta = idFor(4), epsilon = idFor(5),
                  zeta = idFor(6);

    auto metric = [&](const QString &run, const QString &key, std::vector<MetricPoint> points) {
        s.series().logMetrics(run, key, points);
    };
    const QString acc = QStringLiteral("acc"), loss = QStringLiteral("loss"),
                  valLoss = QStringLiteral("val loss");

    s.runs().logParam(alpha, QStringLiteral("lr"), QStringLiteral("0.1"));
    s.runs().logParam(alpha, QStringLiteral("model"), QStringLiteral("ResNet-50"));
    s.runs().logParam(alpha, QStringLiteral("batch size"), QStringLiteral("32"));
    s.runs().setTag(alpha, QStringLiteral("team"), QStringLiteral("Vision"));
    s.runs().setTag(alpha, QStringLiteral("data.version"), QStringLiteral("v2"));
    s.runs().setTag(alpha, QString::fromLatin1(mlflowtag::RunName), QStringLiteral("alpha"));
    metric(alpha, acc, {{0, 10, 0.5}, {1, 20, 0.9}});
    metric(alpha, loss, {{0, 10, 1.0}, {1, 20, 0.2}});
    metric(alpha, valLoss, {{1, 20, 0.25}});

    s.runs().logParam(beta, QStringLiteral("lr"), QStringLiteral("0.01"));
    s.runs().logParam(beta, QStringLiteral("model"), QStringLiteral("resnet-18"));
    s.runs().setTag(beta, QStringLiteral("team"), QStringLiteral("vision"));
    metric(beta, acc, {{0, 10, 0.95}, {1, 20, nan}}); // last value NaN: never matches, sorts last
    metric(beta, loss, {{0, 10, 1.0}, {1, 20, inf}});

    s.runs().logParam(gamma, QStringLiteral("lr"), QStringLiteral("0.1"));
    s.runs().setTag(gamma, QStringLiteral("team"), QStringLiteral("Audio"));
    metric(gamma, acc, {{0, 10, 0.7}});
    metric(gamma, loss, {{0, 10, 0.5}});
    metric(gamma, valLoss, {{0, 10, 0.3}});

    s.runs().logParam(delta, QStringLiteral("model"), QStringLiteral("ViT"));
    metric(delta, acc, {{0, 10, 0.8}});
    metric(delta, loss, {{0, 10, -inf}});

    // The hostile strings are stored verbatim: searching for them must find exactly this run.
    s.runs().logParam(epsilon, QStringLiteral("lr"), QStringLiteral("x' OR 1=1 --"));
    s.runs().logParam(epsilon, QStringLiteral("it's;key"), QStringLiteral("v"));
    s.runs().setTag(epsilon, QStringLiteral("note"), QStringLiteral("'); DROP TABLE runs; --"));

    metric(zeta, acc, {{0, 10, 1.0}});
    s.runs().logParam(zeta, QStringLiteral("lr"), QStringLiteral("0.1"));
    s.runs().setRunLifecycle(zeta, Lifecycle::Deleted);
}

// ------------------------------------------------------------------------------------------- compile level

void TestSearchLanguage::validFilters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QVariantList>("binds");

    const QString acc = QStringLiteral("acc");
    QTest::newRow("empty") << QString() << QVariantList{};
    QTest::newRow("whitespace") << QStringLiteral("  \t ") << QVariantList{};
    QTest::newRow("metric >") << QStringLiteral("metrics.acc > 0.5") << QVariantList{acc, 0.5};
    QTest::newRow("metric >= no spaces") << QStringLiteral("metrics.acc>=0.5") << QVariantList{acc, 0.5};
    QTest::newRow("metric <") << QStringLiteral("metrics.acc < 1") << QVariantList{acc, 1.0};
    QTest::newRow("metric <=") << QStringLiteral("metrics.acc <= -2.5") << QVariantList{acc, -2.5};
    QTest::newRow("metric =") << QStringLiteral("metrics.acc = .5") << QVariantList{acc, 0.5};
    QTest::newRow("metric !=") << QStringLiteral("metrics.acc != +3") << QVariantList{acc, 3.0};
    QTest::newRow("metric exponent") << QStringLiteral("metrics.acc > 1e-3") << QVariantList{acc, 0.001};
    QTest::newRow("metric exponent upper")
        << QStringLiteral("metrics.acc < 2.5E+2") << QVariantList{acc, 250.0};
    QTest::newRow("metric trailing dot") << QStringLiteral("metrics.acc > 5.") << QVariantList{acc, 5.0};
    QTest::newRow("singular metric") << QStringLiteral("metric.acc > 0") << QVariantList{acc, 0.0};
    QTest::newRow("upper-case prefix") << QStringLiteral("METRICS.acc > 0") << QVariantList{acc, 0.0};
    QTest::newRow("backtick key") << QStringLiteral("metrics.`val loss` < 0.3")
                                  << QVariantList{QStringLiteral("val loss"), 0.3};
    QTest::newRow("double-quoted key") << QStringLiteral("params.\"batch size\" = '32'")
                                       << QVariantList{QStringLiteral("batch size"), QStringLiteral("32")};
    QTest::newRow("key with dots, slash, colon") << QStringLiteral("metrics.train/loss:avg.x-1 > 0")
                                                 << QVariantList{QStringLiteral("train/loss:avg.x-1"), 0.0};
    QTest::newRow("param =") << QStringLiteral("params.lr = '0.1'")
                             << QVariantList{QStringLiteral("lr"), QStringLiteral("0.1")};
    QTest::newRow("param double-quoted value")
        << QStringLiteral("params.lr = \"0.1\"") << QVariantList{QStringLiteral("lr"), QStringLiteral("0.1")};
    QTest::newRow("param doubled quote") << QStringLiteral("params.who = 'O''Brien'")
                                         << QVariantList{QStringLiteral("who"), QStringLiteral("O'Brien")};
    QTest::newRow("param empty string")
        << QStringLiteral("params.x != ''") << QVariantList{QStringLiteral("x"), QString(QLatin1String(""))};
    QTest::newRow("parameter LIKE") << QStringLiteral("parameters.model LIKE 'Res%'")
                                    << QVariantList{QStringLiteral("model"), QStringLiteral("Res%")};
    QTest::newRow("param ilike lower-case") << QStringLiteral("param.model ilike '%net%'")
                                            << QVariantList{QStringLiteral("model"), QStringLiteral("%net%")};
    QTest::newRow("param IS NULL") << QStringLiteral("params.model IS NULL")
                                   << QVariantList{QStringLiteral("model")};
    QTest::newRow("tag IS NOT NULL") << QStringLiteral("tags.team is not null")
                                     << QVariantList{QStringLiteral("team")};
    QTest::newRow("tag with dotted key")
        << QStringLiteral("tags.mlflow.runName = 'alpha'")
        << QVariantList{QStringLiteral("mlflow.runName"), QStringLiteral("alpha")};
    QTest::newRow("tag singular") << QStringLiteral("tag.team != 'Vision'")
                                  << QVariantList{QStringLiteral("team"), QStringLiteral("Vision")};
    QTest::newRow("attribute status")
        << QStringLiteral("attributes.status = 'FINISHED'") << QVariantList{QStringLiteral("FINISHED")};
    QTest::newRow("attr run_name LIKE")
        << QStringLiteral("attr.run_name LIKE 'al%'") << QVariantList{QStringLiteral("al%")};
    QTest::newRow("run. prefix") << QStringLiteral("run.user_id = 'alice'")
                                 << QVariantList{QStringLiteral("alice")};
    QTest::newRow("attribute start_time")
        << QStringLiteral("attributes.start_time >= 1700000000000") << QVariantList{ms(1700000000000)};
    QTest::newRow("attribute end_time exponent")
        << QStringLiteral("attribute.end_time < 1e3") << QVariantList{ms(1000)};
    QTest::newRow("attribute lifecycle_stage") << QStringLiteral("attributes.lifecycle_stage = 'deleted'")
                                               << QVariantList{QStringLiteral("deleted")};
    QTest::newRow("run_id IN") << QStringLiteral("attributes.run_id IN ('a', \"b\",'c')")
                               << QVariantList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
    QTest::newRow("run_id NOT IN") << QStringLiteral("attributes.run_id not in('a')")
                                   << QVariantList{QStringLiteral("a")};
    QTest::newRow("AND of three") << QStringLiteral(
                                         "metrics.acc > 0.5 AND params.lr = '0.1' and tags.team LIKE 'V%'")
                                  << QVariantList{acc,
                                                  0.5,
                                                  QStringLiteral("lr"),
                                                  QStringLiteral("0.1"),
                                                  QStringLiteral("team"),
                                                  QStringLiteral("V%")};
    QTest::newRow("surrounding whitespace")
        << QStringLiteral("  metrics.acc   >   1  ") << QVariantList{acc, 1.0};
    QTest::newRow("value containing AND") << QStringLiteral("params.x = 'a AND b'")
                                          << QVariantList{QStringLiteral("x"), QStringLiteral("a AND b")};
    QTest::newRow("injection-looking value")
        << QStringLiteral("params.x = 'x'' OR 1=1 --'")
        << QVariantList{QStringLiteral("x"), QStringLiteral("x' OR 1=1 --")};
    QTest::newRow("key with quote and semicolon")
        << QStringLiteral("params.`a';DROP TABLE runs;--` = 'x'")
        << QVariantList{QStringLiteral("a';DROP TABLE runs;--"), QStringLiteral("x")};
}

void TestSearchLanguage::validFilters()
{
    QFETCH(QString, filter);
    QFETCH(QVariantList, binds);
    const search::CompiledQuery c = search::compile(filter, QString());
    QVERIFY2(sameBinds(c.whereBinds, binds), qPrintable(describe(c.whereBinds)));
    if (filter.trimmed().isEmpty())
        QCOMPARE(c.where, QStringLiteral("1"));
    QVERIFY(c.joins.isEmpty());
    QCOMPARE(c.orderBy, tieBreakers);
    verifyNoSplicedText(c);
    // The SQL is valid for the real schema.
    m_store->runs().searchRunIds(runQuery(filter));
}

void TestSearchLanguage::validOrderBy_data()
{
    QTest::addColumn<QString>("orderBy");
    QTest::addColumn<QVariantList>("joinBinds");
    QTest::addColumn<QString>("expected"); // the order-by clause

    QTest::newRow("empty") << QString() << QVariantList{} << tieBreakers;
    QTest::newRow("metric desc") << QStringLiteral("metrics.acc DESC") << QVariantList{QStringLiteral("acc")}
                                 << QStringLiteral(
                                        "(o0.last IS NULL OR abs(o0.last) = 9e999) ASC, o0.last DESC, ") +
                                        tieBreakers;
    QTest::newRow("param default asc")
        << QStringLiteral("params.lr") << QVariantList{QStringLiteral("lr")}
        << QStringLiteral("(o0.value IS NULL) ASC, o0.value ASC, ") + tieBreakers;
    // SQLite sorts NULL first: ascending needs the extra key, descending not. A column is not repeated as
    // tie-breaker (the repeat would keep SQLite from using the runs_by_experiment index).
    QTest::newRow("attribute start_time")
        << QStringLiteral("attributes.start_time asc") << QVariantList{}
        << QStringLiteral("(r.start_ms IS NULL) ASC, r.start_ms ASC, r.id ASC");
    QTest::newRow("attribute start_time desc")
        << QStringLiteral("attributes.start_time DESC") << QVariantList{} << tieBreakers;
    QTest::newRow("attribute run_id") << QStringLiteral("attributes.run_id") << QVariantList{}
                                      << QStringLiteral("r.id ASC, r.start_ms DESC");
    QTest::newRow("attribute run_name") << QStringLiteral("attr.run_name DESC") << QVariantList{}
                                        << QStringLiteral("r.name DESC, ") + tieBreakers;
    QTest::newRow("several") << QStringLiteral(" tags.`my tag` desc ,metrics.\"val loss\",attributes.status ")
                             << QVariantList{QStringLiteral("my tag"), QStringLiteral("val loss")}
                             << QStringLiteral("o0.value DESC, "
                                               "(o1.last IS NULL OR abs(o1.last) = 9e999) ASC, o1.last ASC, "
                                               "r.status ASC, ") +
                                    tieBreakers;
    QTest::newRow("hostile key") << QStringLiteral("metrics.`x; DROP TABLE runs` DESC")
                                 << QVariantList{QStringLiteral("x; DROP TABLE runs")}
                                 << QStringLiteral(
                                        "(o0.last IS NULL OR abs(o0.last) = 9e999) ASC, o0.last DESC, ") +
                                        tieBreakers;
}

void TestSearchLanguage::validOrderBy()
{
    QFETCH(QString, orderBy);
    QFETCH(QVariantList, joinBinds);
    QFETCH(QString, expected);
    const search::CompiledQuery c = search::compile(QString(), orderBy);
    QCOMPARE(c.orderBy, expected);
    QVERIFY2(sameBinds(c.joinBinds, joinBinds), qPrintable(describe(c.joinBinds)));
    verifyNoSplicedText(c);
    m_store->runs().searchRunIds(runQuery({}, orderBy));
}

void TestSearchLanguage::invalidExpressions_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("orderBy");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("expected"); // a substring of what the error says was expected
    QTest::addColumn<QString>("found");    // empty: end of input

    auto filter = [](const char *tag, const char *text, int pos, const char *expected, const char *found) {
        QTest::newRow(tag) << QString::fromUtf8(text) << QString() << pos << QString::fromUtf8(expected)
                           << QString::fromUtf8(found);
    };
    auto orderBy = [](const char *tag, const char *text, int pos, const char *expected, const char *found) {
        QTest::newRow(tag) << QString() << QString::fromUtf8(text) << pos << QString::fromUtf8(expected)
                           << QString::fromUtf8(found);
    };

    filter("missing operator", "metrics.acc 0.5", 12, "comparison operator", "0.5");
    filter("missing operator at end", "metrics.acc", 11, "comparison operator", "");
    filter("unknown prefix", "foo.acc > 1", 0, "metrics, params, tags or attributes", "foo");
    filter("no prefix", "acc > 1", 0, "an identifier", "acc");
    filter("prefix without key", "metrics > 1", 7, "'.' and a key", " ");
    filter("missing key", "metrics. > 1", 8, "a key after 'metrics.'", " ");
    filter("missing key at end", "params.", 7, "a key after 'params.'", "");
    filter("empty quoted key", "tags.`` = 'a'", 5, "a key", "``");
    filter("single-quoted key", "params.'lr' = '1'", 7, "backticks or double quotes", "'lr'");
    filter("unterminated key", "metrics.`val loss > 1", 8, "a closing `", "`val loss > 1");
    filter("unterminated value", "params.lr = '0.1", 12, "a closing '", "'0.1");
    filter("unterminated double quote", "tags.t = \"abc", 9, "a closing \"", "\"abc");
    filter("metric vs string", "metrics.acc > 'high'", 14, "not strings", "'high'");
    filter("param vs number", "params.lr = 0.1", 12, "quote them", "0.1");
    filter("tag vs bare word", "tags.team = vision", 12, "a quoted string", "vision");
    filter("bad number", "metrics.acc > 1.2.3", 14, "a number", "1.2.3");
    filter("number with letters", "metrics.acc > 12abc", 14, "a number", "12abc");
    filter("sign only", "metrics.acc > -", 14, "a number", "-");
    filter("missing value", "metrics.acc >", 13, "a number", "");
    filter("number overflows", "metrics.acc > 1e999", 14, "range", "1e999");
    filter("trailing garbage", "metrics.acc > 1 garbage", 16, "AND or end of input", "garbage");
    filter("string then garbage", "tags.team = 'a'b", 15, "whitespace or end of input", "b");
    filter("dangling AND", "metrics.acc > 1 AND", 19, "a clause after AND", "");
    filter("dangling AND with spaces", "metrics.acc > 1 and   ", 22, "a clause after AND", "");
    filter("leading AND", "AND metrics.acc > 1", 0, "an identifier", "AND");
    filter("double AND", "metrics.acc > 1 AND AND metrics.b > 2", 20, "an identifier", "AND");
    filter("OR", "metrics.acc > 1 OR metrics.loss < 2", 16, "only AND is supported", "OR");
    filter("or lower-case", "params.a = 'x' or params.b = 'y'", 15, "only AND is supported", "or");
    filter("unknown attribute", "attributes.color = 'red'", 11, "run_id, run_name, status, user_id", "color");
    filter("LIKE on a metric", "metrics.acc LIKE '%a'", 12, "comparison operator for a metric", "LIKE");
    filter("< on a param", "params.lr > '1'", 10, "operator for a parameter", ">");
    filter("==", "metrics.acc == 1", 12, "comparison operator", "==");
    filter("=> ", "metrics.acc => 1", 12, "comparison operator", "=>");
    filter("time vs string", "attributes.start_time > 'yesterday'", 24, "a number", "'yesterday'");
    filter("fractional time", "attributes.start_time > 1.5", 24, "whole number of milliseconds", "1.5");
    filter("IN without list", "attributes.run_id IN 'a'", 21, "'('", "'a'");
    filter("unclosed IN list", "attributes.run_id IN ('a', 'b'", 30, "',' or ')'", "");
    filter("IN list of numbers", "attributes.run_id IN (1)", 22, "a quoted string in the list", "1");
    filter("IN on run_name", "attributes.run_name IN ('a')", 20, "an operator for run_name", "IN");
    filter("IS on a metric", "metrics.acc IS NULL", 12, "comparison operator for a metric", "IS");
    filter("IS without NULL", "params.lr IS 'x'", 13, "NULL or NOT NULL", "'x'");
    filter("NOT LIKE", "params.lr NOT LIKE 'x'", 14, "IN after NOT", "LIKE");
    filter("parenthesis", "(metrics.acc > 1)", 0, "an identifier", "(");

    orderBy("bad direction", "metrics.acc DOWN", 12, "ASC, DESC, ',' or end of input", "DOWN");
    orderBy("empty clause", "metrics.acc, , params.lr", 13, "an order-by identifier after ','", ",");
    orderBy("trailing comma", "metrics.acc,", 12, "an order-by identifier after ','", "");
    orderBy("leading comma", ", metrics.acc", 0, "an order-by identifier", ",");
    orderBy("missing comma", "metrics.acc DESC params.lr", 17, "',' or end of input", "params.lr");
    orderBy("bare attribute", "start_time DESC", 0, "an identifier", "start_time");
    orderBy("unknown attribute", "attributes.color", 11, "lifecycle_stage", "color");
    orderBy("unterminated key", "metrics.`acc", 8, "a closing `", "`acc");
    orderBy("unknown prefix", "met.acc", 0, "metrics, params, tags or attributes", "met");
    orderBy("min of a param", "min(params.lr)", 0, "metrics.<key> inside min(...)", "min");
    orderBy("unclosed max", "max(metrics.acc", 15, "')' after max(metrics.acc", "");
}

void TestSearchLanguage::invalidExpressions()
{
    QFETCH(QString, filter);
    QFETCH(QString, orderBy);
    QFETCH(int, position);
    QFETCH(QString, expected);
    QFETCH(QString, found);
    try {
        search::compile(filter, orderBy);
        QFAIL("compiled");
    } catch (const search::SyntaxError &e) {
        QVERIFY2(e.expected().contains(expected), qPrintable(e.message()));
        QCOMPARE(e.position(), position);
        QCOMPARE(e.found(), found);
        QCOMPARE(e.kind(), Error::Kind::Input);
        const bool inFilter = !filter.isEmpty();
        QCOMPARE(e.part(), inFilter ? search::SyntaxError::Part::Filter : search::SyntaxError::Part::OrderBy);
        QVERIFY2(e.message().startsWith(inFilter ? QStringLiteral("Invalid filter")
                                                 : QStringLiteral("Invalid order-by")),
                 qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("at position %1: expected ").arg(position)),
                 qPrintable(e.message()));
    }
    // The store reports the same error and is left usable.
    QVERIFY_THROWS_EXCEPTION(search::SyntaxError, m_store->runs().searchRunIds(runQuery(filter, orderBy)));
    QCOMPARE(m_store->runs().countRuns(RunQuery{}), qint64(5));
}

void TestSearchLanguage::messageFormat()
{
    try {
        search::compile(QStringLiteral("metrics.acc >"), QString());
        QFAIL("compiled");
    } catch (const search::SyntaxError &e) {
        QCOMPARE(
            e.message(),
            QStringLiteral(
                "Invalid filter \"metrics.acc >\": at position 13: expected a number, found end of input"));
    }
    try {
        search::compile(QString(), QStringLiteral("metrics.acc sideways"));
        QFAIL("compiled");
    } catch (const search::SyntaxError &e) {
        QCOMPARE(e.message(),
                 QStringLiteral("Invalid order-by \"metrics.acc sideways\": at position 12: expected "
                                "ASC, DESC, ',' or end of input, found 'sideways'"));
    }
    const search::SyntaxError plain(QStringLiteral("x y"), 2, QStringLiteral("an operator"),
                                    QStringLiteral("y"));
    QCOMPARE(
        plain.message(),
        QStringLiteral("Invalid search expression \"x y\": at position 2: expected an operator, found 'y'"));
    QCOMPARE(plain.kind(), Error::Kind::Input);
    // Long tokens are shortened in the message but the position still points at their start.
    try {
        search::compile(QStringLiteral("metrics.acc > 1 ") + QString(100, u'x'), QString());
        QFAIL("compiled");
    } catch (const search::SyntaxError &e) {
        QCOMPARE(e.position(), 16);
        QCOMPARE(e.found(), QString(40, u'x') + QStringLiteral("..."));
    }
}

void TestSearchLanguage::dialects()
{
    const search::CompiledQuery lite =
        search::compile(QStringLiteral("params.m ILIKE 'a%' AND params.m LIKE 'b'"), QString(),
                        SqlDialect(SqlDialect::Engine::SQLite));
    QVERIFY2(lite.where.contains(QStringLiteral("lower(value) LIKE lower(?)")), qPrintable(lite.where));
    const search::CompiledQuery pg =
        search::compile(QStringLiteral("params.m ILIKE 'a%' AND params.m LIKE 'b'"),
                        QStringLiteral("metrics.acc"), SqlDialect(SqlDialect::Engine::PostgreSQL));
    QVERIFY2(pg.where.contains(QStringLiteral("(value ILIKE ?)")), qPrintable(pg.where));
    QVERIFY2(pg.where.contains(QStringLiteral("(value LIKE ?)")), qPrintable(pg.where));
    QVERIFY2(pg.orderBy.startsWith(
                 SqlDialect(SqlDialect::Engine::PostgreSQL).nonFiniteOrMissing(QStringLiteral("o0.last"))),
             qPrintable(pg.orderBy));
    // PostgreSQL sorts NULL first when descending: it is told to put missing values last either way.
    const search::CompiledQuery pgTime = search::compile(
        QString(), QStringLiteral("attributes.end_time DESC"), SqlDialect(SqlDialect::Engine::PostgreSQL));
    QCOMPARE(pgTime.orderBy, QStringLiteral("r.end_ms DESC NULLS LAST, r.start_ms DESC, r.id ASC"));
}

// The runs table's first page (an experiment, newest first) is read from the runs_by_experiment index in
// order: no sort of every run of the experiment before the first 60 come out.
void TestSearchLanguage::defaultOrderUsesIndex()
{
    const QString connection = QStringLiteral("plan");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(m_dir.filePath(QStringLiteral("t.db")));
        QVERIFY(db.open());
        for (const QString &orderBy : {QString(), QStringLiteral("attributes.start_time DESC")}) {
            const search::CompiledQuery c = search::compile(QString(), orderBy);
            for (const char *lifecycle : {"active", "deleted"}) {
                QSqlQuery q(db);
                QVERIFY(q.exec(QStringLiteral("EXPLAIN QUERY PLAN SELECT r.id FROM runs r "
                                              "WHERE r.lifecycle = '%1' AND r.experiment IN (1) "
                                              "ORDER BY %2 LIMIT 60")
                                   .arg(QLatin1String(lifecycle), c.orderBy)));
                QStringList plan;
                while (q.next())
                    plan << q.value(3).toString();
                QVERIFY2(plan.join(u' ').contains(QLatin1String("runs_by_experiment")),
                         qPrintable(plan.join(u'\n')));
                QVERIFY2(!plan.join(u' ').contains(QLatin1String("TEMP B-TREE")),
                         qPrintable(plan.join(u'\n')));
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
}

// ------------------------------------------------------------------------------------------------ end to end

void TestSearchLanguage::search_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("orderBy");
    QTest::addColumn<bool>("includeDeleted");
    QTest::addColumn<QStringList>("expected"); // run names, in order

    auto row = [](const char *tag, const char *filter, const char *orderBy, QStringList expected,
                  bool includeDeleted = false) {
        QTest::newRow(tag) << QString::fromUtf8(filter) << QString::fromUtf8(orderBy) << includeDeleted
                           << expected;
    };
    using L = QStringList;

    // Default order: newest start first; deleted runs only on request.
    row("everything", "", "", L{"delta", "gamma", "beta", "alpha", "epsilon"});
    row("everything incl. deleted", "", "", L{"zeta", "delta", "gamma", "beta", "alpha", "epsilon"}, true);

    // Metrics (beta's last acc is NaN, beta's last loss +inf, delta's -inf, epsilon has none).
    row("metric >", "metrics.acc > 0.75", "", L{"delta", "alpha"});
    row("metric >=", "metrics.acc >= 0.8", "", L{"delta", "alpha"});
    row("metric =", "metrics.acc = 0.9", "", L{"alpha"});
    row("metric != skips NaN and missing", "metrics.acc != 0.9", "", L{"delta", "gamma"});
    row("NaN matches nothing", "metrics.acc < 100", "", L{"delta", "gamma", "alpha"});
    row("+inf is greater", "metrics.loss > 0.3", "", L{"gamma", "beta"});
    row("-inf is smaller", "metrics.loss < 0", "", L{"delta"});
    row("backtick key with space", "metrics.`val loss` < 0.28", "", L{"alpha"});
    row("double-quoted key", "metrics.\"val loss\" > 0", "", L{"gamma", "alpha"});

    // Params and tags.
    row("param =", "params.lr = '0.1'", "", L{"gamma", "alpha"});
    row("param = incl. deleted", "params.lr = '0.1'", "", L{"zeta", "gamma", "alpha"}, true);
    row("param != needs the key", "params.lr != '0.1'", "", L{"beta", "epsilon"});
    row("LIKE is case-sensitive", "params.model LIKE 'ResNet%'", "", L{"alpha"});
    row("LIKE lower-case", "params.model LIKE '%net%'", "", L{"beta"});
    row("ILIKE ignores case", "params.model ILIKE 'RESNET%'", "", L{"beta", "alpha"});
    row("LIKE underscore", "params.model LIKE 'Vi_'", "", L{"delta"});
    row("param IS NULL", "params.model IS NULL", "", L{"gamma", "epsilon"});
    row("param IS NOT NULL", "params.model IS NOT NULL", "", L{"delta", "beta", "alpha"});
    row("param key with space", "params.`batch size` = '32'", "", L{"alpha"});
    row("tag = is case-sensitive", "tags.team = 'vision'", "", L{"beta"});
    row("tag ILIKE", "tags.team ILIKE 'VISION'", "", L{"beta", "alpha"});
    row("tag LIKE", "tags.team LIKE 'V%'", "", L{"alpha"});
    row("tag !=", "tags.team != 'Vision'", "", L{"gamma", "beta"});
    row("tag IS NULL", "tags.team IS NULL", "", L{"delta", "epsilon"});
    row("tag key with dots", "tags.data.version = 'v2'", "", L{"alpha"});
    row("quoted tag key with dots", "tags.`data.version` = 'v2'", "", L{"alpha"});
    row("run name tag", "tags.mlflow.runName = 'alpha'", "", L{"alpha"});
    row("param != empty string", "params.lr != ''", "", L{"gamma", "beta", "alpha", "epsilon"});
    row("param = empty string", "params.lr = \"\"", "", L{});
    row("no such key", "params.nope = 'x'", "", L{});

    // Attributes.
    row("status", "attributes.status = 'FINISHED'", "", L{"alpha"});
    row("status !=", "attributes.status != 'RUNNING'", "", L{"delta", "beta", "alpha", "epsilon"});
    row("status ILIKE", "attribute.status ILIKE 'finished'", "", L{"alpha"});
    row("user_id", "attributes.user_id = 'alice'", "", L{"gamma", "alpha"});
    row("run_name LIKE", "run.run_name LIKE '%a'", "", L{"delta", "gamma", "beta", "alpha"});
    row("run_name =", "attr.run_name = 'gamma'", "", L{"gamma"});
    row("start_time >=", "attributes.start_time >= 2000", "", L{"delta", "gamma", "beta"});
    row("start_time =", "attributes.start_time = 1000", "", L{"alpha"});
    row("end_time <", "attributes.end_time < 5500", "", L{"delta", "alpha"});
    row("end_time != skips unset", "attributes.end_time != 5000", "", L{"delta", "beta"});
    row("run_id IN",
        "attributes.run_id IN ('00000000000000000000000000000001', '00000000000000000000000000000003')", "",
        L{"gamma", "alpha"});
    row("run_id NOT IN", "attributes.run_id NOT IN ('00000000000000000000000000000001')", "",
        L{"delta", "gamma", "beta", "epsilon"});
    row("run_id =", "attributes.run_id = '00000000000000000000000000000002'", "", L{"beta"});
    row("lifecycle_stage", "attributes.lifecycle_stage = 'deleted'", "", L{"zeta"}, true);

    // Conjunctions.
    row("AND", "params.lr = '0.1' AND metrics.acc > 0.8", "", L{"alpha"});
    row("and lower-case", "attributes.status != 'RUNNING' and tags.team LIKE '%ision'", "",
        L{"beta", "alpha"});
    row("contradiction", "metrics.acc > 0.8 AND metrics.acc < 0.8", "", L{});

    // Ordering: non-finite and missing values last in both directions, ties by start time.
    row("metric DESC", "", "metrics.acc DESC", L{"alpha", "delta", "gamma", "beta", "epsilon"});
    row("metric ASC", "", "metrics.acc ASC", L{"gamma", "delta", "alpha", "beta", "epsilon"});
    row("metric default ASC", "", "metrics.acc", L{"gamma", "delta", "alpha", "beta", "epsilon"});
    // Within the trailing group the value still decides (SQLite puts NULL, i.e. missing, below -inf).
    row("infinities last ASC", "", "metrics.loss ASC", L{"alpha", "gamma", "epsilon", "delta", "beta"});
    row("infinities last DESC", "", "metrics.loss DESC", L{"gamma", "alpha", "beta", "delta", "epsilon"});
    row("metric key with space", "", "metrics.`val loss` desc",
        L{"gamma", "alpha", "delta", "beta", "epsilon"});
    row("param ASC missing last", "", "params.model ASC", L{"alpha", "delta", "beta", "gamma", "epsilon"});
    row("param DESC missing last", "", "params.model DESC", L{"beta", "delta", "alpha", "gamma", "epsilon"});
    row("tag ASC", "", "tags.team", L{"gamma", "alpha", "beta", "delta", "epsilon"});
    row("two keys", "", "params.lr ASC, metrics.acc DESC", L{"beta", "alpha", "gamma", "epsilon", "delta"});
    row("two keys DESC", "", "params.lr DESC, metrics.acc ASC",
        L{"epsilon", "gamma", "alpha", "beta", "delta"});
    row("end_time ASC nulls last", "", "attributes.end_time ASC",
        L{"delta", "alpha", "beta", "gamma", "epsilon"});
    row("end_time DESC nulls last", "", "attributes.end_time DESC",
        L{"beta", "alpha", "delta", "gamma", "epsilon"});
    row("start_time ASC", "", "attributes.start_time", L{"epsilon", "alpha", "beta", "gamma", "delta"});
    row("run_name DESC", "", "attributes.run_name DESC", L{"gamma", "epsilon", "delta", "beta", "alpha"});
    row("filter and order", "metrics.acc > 0", "metrics.acc DESC", L{"alpha", "delta", "gamma"});
    // Runlens extension: min(...)/max(...) sort by a metric's extremes (NaN excluded, +-inf kept).
    row("min ASC", "", "min(metrics.acc) ASC", L{"alpha", "gamma", "delta", "beta", "epsilon"});
    row("max DESC", "", "max(metrics.acc) DESC", L{"beta", "alpha", "delta", "gamma", "epsilon"});
    row("MIN quoted key", "", "MIN( metrics.`val loss` ) desc",
        L{"gamma", "alpha", "delta", "beta", "epsilon"});
    row("min with infinities", "", "min(metrics.loss)", L{"alpha", "gamma", "beta", "epsilon", "delta"});
    row("deleted run sorts too", "", "metrics.acc DESC",
        L{"zeta", "alpha", "delta", "gamma", "beta", "epsilon"}, true);
}

void TestSearchLanguage::search()
{
    QFETCH(QString, filter);
    QFETCH(QString, orderBy);
    QFETCH(bool, includeDeleted);
    QFETCH(QStringList, expected);
    const RunQuery query = runQuery(filter, orderBy, includeDeleted);

    QCOMPARE(names(m_store->runs().searchRunIds(query)), expected);

    QStringList fromRuns;
    for (const Run &run : m_store->runs().searchRuns(query))
        fromRuns << run.name;
    QCOMPARE(fromRuns, expected);
    QCOMPARE(m_store->runs().countRuns(query), qint64(expected.size()));

    // Paging keeps the order.
    if (expected.size() >= 3) {
        RunQuery page = query;
        page.limit = 2;
        page.offset = 1;
        QCOMPARE(names(m_store->runs().searchRunIds(page)), expected.mid(1, 2));
    }

    // Compiled once (as the runs table does on the GUI thread) and handed over: the same runs, order,
    // stamps, count and pages.
    const search::CompiledQuery compiled = search::compile(filter, orderBy);
    RunStore &runs = m_store->runs();
    QCOMPARE(names(runs.searchRunIds(query, compiled)), expected);
    QStringList fromCompiled;
    for (const Run &run : runs.searchRuns(query, compiled))
        fromCompiled << run.name;
    QCOMPARE(fromCompiled, expected);
    QCOMPARE(runs.countRuns(query, compiled), qint64(expected.size()));
    QCOMPARE(runs.searchRunStamps(query, compiled), runs.searchRunStamps(query));
    if (expected.size() >= 3) {
        RunQuery page = query;
        page.limit = 2;
        page.offset = 1;
        QCOMPARE(names(runs.searchRunIds(page, compiled)), expected.mid(1, 2));
    }
}

void TestSearchLanguage::injection_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("orderBy");
    QTest::addColumn<QStringList>("expected");

    using L = QStringList;
    QTest::newRow("literal value, doubled quote")
        << QStringLiteral("params.lr = 'x'' OR 1=1 --'") << QString() << L{"epsilon"};
    QTest::newRow("literal value, double quotes")
        << QStringLiteral("params.lr = \"x' OR 1=1 --\"") << QString() << L{"epsilon"};
    QTest::newRow("drop table value")
        << QStringLiteral("tags.note = \"'); DROP TABLE runs; --\"") << QString() << L{"epsilon"};
    QTest::newRow("tautology value") << QStringLiteral("params.lr = 'x'' OR ''1''=''1'") << QString() << L{};
    QTest::newRow("tautology in LIKE")
        << QStringLiteral("params.lr LIKE '%'' OR ''1''=''1%'") << QString() << L{};
    QTest::newRow("drop in attribute")
        << QStringLiteral("attributes.run_name = '''); DROP TABLE runs; --'") << QString() << L{};
    QTest::newRow("drop in IN list")
        << QStringLiteral("attributes.run_id IN ('x''); DROP TABLE runs; --', '1'' OR ''1''=''1')")
        << QString() << L{};
    QTest::newRow("key with quote and semicolon")
        << QStringLiteral("params.`it's;key` = 'v'") << QString() << L{"epsilon"};
    QTest::newRow("bare key with quote and semicolon")
        << QStringLiteral("params.it's;key = 'v'") << QString() << L{"epsilon"};
    QTest::newRow("hostile key") << QStringLiteral("params.`lr' OR '1'='1` = '0.1'") << QString() << L{};
    QTest::newRow("hostile metric key")
        << QStringLiteral("metrics.`acc); DROP TABLE runs; --` > 0") << QString() << L{};
    QTest::newRow("hostile order-by key")
        << QString() << QStringLiteral("metrics.`acc); DROP TABLE runs; --` DESC, params.\"x' OR 1=1\"")
        << L{"delta", "gamma", "beta", "alpha", "epsilon"};
}

void TestSearchLanguage::injection()
{
    QFETCH(QString, filter);
    QFETCH(QString, orderBy);
    QFETCH(QStringList, expected);
    QCOMPARE(names(m_store->runs().searchRunIds(runQuery(filter, orderBy))), expected);
    // Every run is still there, and so are their params and tags.
    QCOMPARE(m_store->runs().countRuns(runQuery({}, {}, true)), qint64(6));
    const std::optional<Run> epsilon = m_store->runs().run(idFor(5));
    QVERIFY(epsilon);
    QCOMPARE(epsilon->params.value(QStringLiteral("lr")), QStringLiteral("x' OR 1=1 --"));
    QCOMPARE(epsilon->tags.value(QStringLiteral("note")), QStringLiteral("'); DROP TABLE runs; --"));
}

QTEST_GUILESS_MAIN(TestSearchLanguage)
void TestSearchLanguage::unknownKeys_data()
{
    QTest::addColumn<QString>("filter");
    // One line per unknown key: "<identifier> -> <suggestion> | <corrected filter>" ("-" without one).
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("every key known") << "params.optimizer = 'adam' and metrics.loss < 1" << QStringList();
    QTest::newRow("empty filter") << "" << QStringList();
    QTest::newRow("attributes are the parser's") << "attributes.status = 'FINISHED'" << QStringList();
    QTest::newRow("a letter left out")
        << "params.optimzer = 'adam'"
        << QStringList{"params.optimzer -> optimizer | params.optimizer = 'adam'"};
    QTest::newRow("two letters swapped, in the second clause")
        << "metrics.loss < 1 and  params.optimiezr = 'adam'"
        << QStringList{"params.optimiezr -> optimizer | metrics.loss < 1 and  params.optimizer = 'adam'"};
    QTest::newRow("another case") << "tags.Team = 'a'" << QStringList{"tags.Team -> team | tags.team = 'a'"};
    QTest::newRow("the prefix's other spelling is replaced by the canonical one")
        << "param.optimzer != 'sgd'"
        << QStringList{"params.optimzer -> optimizer | params.optimizer != 'sgd'"};
    QTest::newRow("quoted key, suggestion quoted")
        << "metrics.`val los` < 2" << QStringList{"metrics.`val los` -> val loss | metrics.`val loss` < 2"};
    QTest::newRow("only keys of the same kind")
        << "metrics.optimizer > 1" << QStringList{"metrics.optimizer -> -"};
    QTest::newRow("nothing close") << "params.momentum = '0.9'" << QStringList{"params.momentum -> -"};
    QTest::newRow("short keys need a closer match") << "params.bs = '1'" << QStringList{"params.bs -> -"};
    QTest::newRow("named twice, said once") << "params.x != 'a' and params.x != 'b' and tags.y IS NULL"
                                            << QStringList{"params.x -> -", "tags.y -> -"};
}

void TestSearchLanguage::unknownKeys()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, expected);
    search::KnownKeys known;
    known.metrics = QStringList{"acc", "loss", "val loss"};
    known.params = QStringList{"lr", "model", "optimizer"};
    known.tags = QStringList{"team", "data.version"};
    QStringList got;
    for (const search::UnknownKey &u : search::unknownKeys(filter, known)) {
        got << (u.suggestion.isEmpty()
                    ? QStringLiteral("%1 -> -").arg(u.identifier())
                    : QStringLiteral("%1 -> %2 | %3").arg(u.identifier(), u.suggestion, u.correctedFilter));
        if (!u.suggestion.isEmpty()) // the corrected filter parses and names only known keys of that kind
            QVERIFY(search::unknownKeys(u.correctedFilter, known).size() <
                    search::unknownKeys(filter, known).size());
    }
    QCOMPARE(got, expected);
}

void TestSearchLanguage::unknownKeysOfTheStore()
{
    // The store's own keys: the misspelt filter returns no run, the key meant returns some, and the message
    // names both.
    Store &s = *m_store;
    const search::KnownKeys known{s.runs().allMetricKeys(), s.runs().paramKeys(), s.runs().tagKeys()};
    RunQuery q;
    q.filter = QStringLiteral("params.modl LIKE 'res%'");
    QVERIFY(s.runs().searchRunIds(q).isEmpty());
    const QList<search::UnknownKey> unknown = search::unknownKeys(q.filter, known);
    QCOMPARE(unknown.size(), 1);
    QCOMPARE(search::unknownKeyMessage(unknown[0], QStringLiteral("in this experiment")),
             QStringLiteral("No run in this experiment has params.modl; did you mean params.model?"));
    QCOMPARE(search::unknownKeyMessage(unknown[0]),
             QStringLiteral("No run has params.modl; did you mean params.model?"));
    q.filter = unknown[0].correctedFilter;
    QCOMPARE(q.filter, QStringLiteral("params.model LIKE 'res%'"));
    QVERIFY(!s.runs().searchRunIds(q).isEmpty());
    QVERIFY_THROWS_EXCEPTION(search::SyntaxError,
                             search::unknownKeys(QStringLiteral("params.model ="), known));
}

#include "tst_searchlanguage.moc"
