// SPDX-License-Identifier: GPL-3.0-or-later
// The Compare page's param plots: the axis logic on hand-made runs (numeric vs categorical params, numbers
// as strings, missing values, log scales that the values cannot support, NaN and infinite metrics) and on a
// real MLflow store; then the scatter and the parallel-coordinates widgets driven offscreen as a person
// would: combos changed with the keyboard, a click on a dot, drags along the axes that brush, and both plots
// on demo data in light and dark palettes (PNGs written to $RUNLENS_PLOT_SHOTS when set).

#include "charts/parallelcoordinatescanvas.h"
#include "charts/parallelcoordinatesview.h"
#include "charts/paramscatterview.h"
#include "charts/scattercanvas.h"
#include "demo/demodata.h"
#include "import/importer.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "plots/axisscale.h"
#include "plots/colorramp.h"
#include "plots/metricaxis.h"
#include "plots/paramaxis.h"
#include "shell/theme.h"
#include "store/store.h"
#include "testsupport.h"

#include <cmath>
#include <functional>
#include <limits>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolTip>
#include <QtTest>
#include <set>

using namespace runlens;

namespace {

const QString Fixtures = QStringLiteral(RUNLENS_FIXTURES);
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Inf = std::numeric_limits<double>::infinity();

QString idOf(int i)
{
    return QStringLiteral("%1").arg(i + 1, 32, 16, QLatin1Char('0'));
}

MetricSummary summaryOf(double last, double min = NaN, double max = NaN)
{
    MetricSummary s;
    s.last = last;
    s.min = std::isnan(min) ? last : min;
    s.max = std::isnan(max) ? last : max;
    s.count = 10;
    return s;
}

Run makeRun(int i, const QMap<QString, QString> &params, const QMap<QString, MetricSummary> &metrics)
{
    Run r;
    r.id = idOf(i);
    r.name = QStringLiteral("run-%1").arg(i);
    r.params = params;
    r.metrics = metrics;
    return r;
}

using Params = QMap<QString, QString>;
using Metrics = QMap<QString, MetricSummary>;

// Six runs for the scatter: r3's last loss is NaN (max +inf), r4 has no lr, r5 no loss (only acc).
std::vector<Run> scatterRuns()
{
    const auto loss = [](double last, double min, double max) {
        return Metrics{{QStringLiteral("loss"), summaryOf(last, min, max)}};
    };
    return {
        makeRun(0, {{"lr", "0.0001"}, {"opt", "adam"}, {"batch", "32"}, {"shift", "-1"}},
                loss(0.9, 0.5, 2.0)),
        makeRun(1, {{"lr", "0.001"}, {"opt", "sgd"}, {"batch", "64"}, {"shift", "0"}}, loss(0.4, 0.3, 2.1)),
        makeRun(2, {{"lr", "0.01"}, {"opt", "adam"}, {"batch", "128"}, {"shift", "2"}}, loss(0.2, 0.2, 1.9)),
        makeRun(3, {{"lr", "0.1"}, {"opt", "rmsprop"}, {"batch", "32"}, {"shift", "3"}}, loss(NaN, 0.6, Inf)),
        makeRun(4, {{"opt", "sgd"}, {"batch", "64"}, {"shift", "4"}}, loss(0.5, 0.5, 1.0)),
        makeRun(5, {{"lr", "0.001"}, {"opt", "adam"}, {"batch", "64"}, {"shift", "5"}},
                Metrics{{QStringLiteral("acc"), summaryOf(0.7)}}),
    };
}

// Six runs for parallel coordinates: p4 has no lr and a NaN loss, seed is the same everywhere.
std::vector<Run> parallelRuns()
{
    const auto loss = [](double v) { return Metrics{{QStringLiteral("loss"), summaryOf(v)}}; };
    return {
        makeRun(0, {{"lr", "0.0001"}, {"opt", "adam"}, {"seed", "1"}}, loss(0.1)),
        makeRun(1, {{"lr", "0.001"}, {"opt", "sgd"}, {"seed", "1"}}, loss(0.2)),
        makeRun(2, {{"lr", "0.01"}, {"opt", "adam"}, {"seed", "1"}}, loss(0.3)),
        makeRun(3, {{"lr", "0.1"}, {"opt", "sgd"}, {"seed", "1"}}, loss(0.4)),
        makeRun(4, {{"opt", "adam"}, {"seed", "1"}}, loss(NaN)),
        makeRun(5, {{"lr", "0.001"}, {"opt", "rmsprop"}, {"seed", "1"}}, loss(0.6)),
    };
}

QStringList ids(std::initializer_list<int> indices)
{
    QStringList out;
    for (int i : indices)
        out << idOf(i);
    return out;
}

const ScatterCanvas::Point *pointOf(const ParamScatterView &view, int run)
{
    for (const auto &p : view.plottedPoints()) {
        if (p.runId == idOf(run))
            return &p;
    }
    return nullptr;
}

QStringList plottedIds(const ParamScatterView &view)
{
    QStringList out;
    for (const auto &p : view.plottedPoints())
        out << p.runId;
    out.sort();
    return out;
}

// Chooses a combo entry by typing its first letters into the focused combo, as a person would.
void typeInto(QComboBox *combo, const QString &text)
{
    combo->setFocus();
    QTest::keyClicks(combo, text);
}

QPolygonF lineOf(const ParallelCoordinatesView &view, int run)
{
    for (const auto &l : view.canvas()->polylines()) {
        if (l.runId == idOf(run))
            return l.points;
    }
    return {};
}

void drag(QWidget *w, double x, double y0, double y1)
{
    QTest::mousePress(w, Qt::LeftButton, {}, QPointF(x, y0).toPoint());
    QTest::mouseMove(w, QPointF(x, (y0 + y1) / 2).toPoint());
    QTest::mouseMove(w, QPointF(x, y1).toPoint());
    QTest::mouseRelease(w, Qt::LeftButton, {}, QPointF(x, y1).toPoint());
}

std::vector<Run> loadAll(Store &store)
{
    RunQuery q;
    q.orderBy = QStringLiteral("attributes.run_name ASC");
    return store.runs().searchRuns(q);
}

// Distinct colours in an image region, ignoring near-greys: is anything coloured drawn there?
int colouredPixels(const QImage &image)
{
    int count = 0;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            if (c.hsvSaturationF() > 0.35 && c.valueF() > 0.2)
                ++count;
        }
    }
    return count;
}

// Acts on the popup menu once it is open: a context menu runs its own event loop, so the test cannot act
// after sending the event that opens it.
void whenMenuOpens(QObject *context, std::function<void(QMenu *)> act)
{
    auto *timer = new QTimer(context);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, context, [timer, act] {
        if (auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) {
            timer->stop();
            timer->deleteLater();
            act(menu);
        }
    });
    timer->start();
}

QStringList menuEntries(const QMenu *menu)
{
    QStringList out;
    for (const QAction *a : menu->actions())
        out << a->text() + (a->isEnabled() ? QString() : QStringLiteral(" (disabled)"));
    return out;
}

// Relative luminance (WCAG): how light a colour looks, which HSL lightness does not say.
double luminance(const QColor &c)
{
    const auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

void saveShot(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("RUNLENS_PLOT_SHOTS");
    if (!dir.isEmpty())
        QVERIFY(w.grab().save(dir + QLatin1Char('/') + name));
}

} // namespace

class TestParamPlots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    // models/
    void paramKinds_data();
    void paramKinds();
    void numericStringsAsCategories();
    void missingValues();
    void logValidity();
    void differingKeys();
    void metricSummaries();
    void preferredMetric_data();
    void preferredMetric();
    void plotsStartOnLossLikeMetric();
    void axisScaleTicks_data();
    void axisScaleTicks();
    void axisScaleMapping();
    void colorRamp();
    void fixtureAxes();

    // ui/: scatter
    void scatterEmptyStates();
    void scatterPlotsAndCounts();
    void scatterLogAxes();
    void scatterCategories();
    void scatterClickActivatesRun();
    void scatterTooltipNamesEveryRunOnADot();

    // ui/: parallel coordinates
    void parallelEmptyStates();
    void parallelDefaultsAndColours();
    void parallelBrushing();
    void parallelAxesFollowTheList();
    void parallelLogChoice();
    void parallelContextMenu();
    void parallelHoverAndClick();
    void parallelFixtureRuns();
    void parallelManyRuns();

    // Both, on demo data, light and dark.
    void demoDataLightAndDark();

private:
    QTemporaryDir m_config;
};

void TestParamPlots::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
}

void TestParamPlots::paramKinds_data()
{
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("categories");
    const auto n = int(ParamAxis::Kind::Numeric), c = int(ParamAxis::Kind::Categorical);
    QTest::newRow("floats") << QStringList{"0.001", "1e-2", " 3 "} << n << QStringList{};
    QTest::newRow("negative") << QStringList{"-1", "0", "2.5"} << n << QStringList{};
    QTest::newRow("words") << QStringList{"sgd", "adam", "Adam"} << c << QStringList{"Adam", "adam", "sgd"};
    QTest::newRow("mixed") << QStringList{"1", "auto", "2"} << c << QStringList{"1", "2", "auto"};
    // nan and inf parse as doubles but are not places on an axis.
    QTest::newRow("nan text") << QStringList{"1", "nan"} << c << QStringList{"1", "nan"};
    QTest::newRow("inf text") << QStringList{"inf", "2"} << c << QStringList{"2", "inf"};
    QTest::newRow("booleans") << QStringList{"True", "False", "True"} << c << QStringList{"False", "True"};
    QTest::newRow("natural order") << QStringList{"layer10", "layer2", "layer1"} << c
                                   << QStringList{"layer1", "layer2", "layer10"};
    QTest::newRow("empty string") << QStringList{"", "x"} << c << QStringList{"", "x"};
}

void TestParamPlots::paramKinds()
{
    QFETCH(QStringList, values);
    QFETCH(int, kind);
    QFETCH(QStringList, categories);
    std::vector<Run> runs;
    for (int i = 0; i < values.size(); ++i)
        runs.push_back(makeRun(i, {{"p", values[i]}}, {}));
    const ParamAxis a = ParamAxis::build(runs, QStringLiteral("p"));
    QCOMPARE(int(a.kind()), kind);
    QCOMPARE(a.categories(), categories);
    QCOMPARE(a.presentCount(), int(values.size()));
    for (int i = 0; i < values.size(); ++i) {
        QCOMPARE(a.text(i), values[i]);
        if (kind == int(ParamAxis::Kind::Numeric)) {
            QCOMPARE(*a.number(i), values[i].trimmed().toDouble());
            QCOMPARE(a.category(i), -1);
        } else {
            QVERIFY(!a.number(i));
            QCOMPARE(a.categories().at(a.category(i)), values[i]);
        }
    }
}

void TestParamPlots::numericStringsAsCategories()
{
    std::vector<Run> runs;
    const QStringList values{"128", "32", "64", "32", "1e3", "1000"};
    for (int i = 0; i < values.size(); ++i)
        runs.push_back(makeRun(i, {{"batch", values[i]}}, {}));
    QCOMPARE(ParamAxis::build(runs, QStringLiteral("batch")).kind(), ParamAxis::Kind::Numeric);
    const ParamAxis a = ParamAxis::build(runs, QStringLiteral("batch"), true);
    QCOMPARE(a.kind(), ParamAxis::Kind::Categorical);
    // By value, not by text ("128" < "32" as text); equal values keep distinct spellings, by text.
    QCOMPARE(a.categories(), (QStringList{"32", "64", "128", "1000", "1e3"}));
    QCOMPARE(a.category(1), a.category(3));
    QCOMPARE(a.category(0), 2);
    QVERIFY(!a.canUseLog());
}

void TestParamPlots::missingValues()
{
    std::vector<Run> runs{makeRun(0, {{"lr", "0.1"}}, {}), makeRun(1, {}, {}),
                          makeRun(2, {{"lr", "0.3"}}, {}), makeRun(3, {{"opt", "x"}}, {})};
    const ParamAxis a = ParamAxis::build(runs, QStringLiteral("lr"));
    QCOMPARE(a.kind(), ParamAxis::Kind::Numeric);
    QCOMPARE(a.missingCount(), 2);
    QCOMPARE(a.presentCount(), 2);
    QVERIFY(a.isMissing(1) && a.isMissing(3) && !a.isMissing(0));
    QVERIFY(!a.number(1));
    QCOMPARE(a.text(1), QString());
    QCOMPARE(a.minimum(), 0.1);
    QCOMPARE(a.maximum(), 0.3);
    const ParamAxis c = ParamAxis::build(runs, QStringLiteral("opt"));
    QCOMPARE(c.kind(), ParamAxis::Kind::Categorical);
    QCOMPARE(c.category(0), -1);
    QCOMPARE(c.category(3), 0);
    const ParamAxis none = ParamAxis::build(runs, QStringLiteral("absent"));
    QCOMPARE(none.kind(), ParamAxis::Kind::Empty);
    QCOMPARE(none.missingCount(), 4);
    QVERIFY(!none.canUseLog());
}

void TestParamPlots::logValidity()
{
    const auto axis = [](const QStringList &values) {
        std::vector<Run> runs;
        for (int i = 0; i < values.size(); ++i)
            runs.push_back(makeRun(i, {{"p", values[i]}}, {}));
        return ParamAxis::build(runs, QStringLiteral("p"));
    };
    QVERIFY(axis({"0.001", "0.1", "10"}).canUseLog());
    QCOMPARE(axis({"0", "1", "10"}).nonPositiveCount(), 1);
    QVERIFY(!axis({"0", "1", "10"}).canUseLog());
    QCOMPARE(axis({"-2", "-1", "10"}).nonPositiveCount(), 2);
    QVERIFY(!axis({"a", "b"}).canUseLog());

    std::vector<Run> runs{makeRun(0, {}, {{"m", summaryOf(0.5)}}), makeRun(1, {}, {{"m", summaryOf(-0.5)}}),
                          makeRun(2, {}, {{"m", summaryOf(NaN)}})};
    const MetricAxis m = MetricAxis::build(runs, QStringLiteral("m"), MetricAxis::Summary::Last);
    QCOMPARE(m.nonPositiveCount(), 1);
    QVERIFY(!m.canUseLog());
    runs.erase(runs.begin() + 1);
    QVERIFY(MetricAxis::build(runs, QStringLiteral("m"), MetricAxis::Summary::Last).canUseLog());
}

void TestParamPlots::differingKeys()
{
    const std::vector<Run> runs{makeRun(0, {{"a", "1"}, {"b", "x"}, {"c", "1"}}, {}),
                                makeRun(1, {{"a", "1"}, {"b", "y"}, {"c", "1"}, {"d", "z"}}, {}),
                                makeRun(2, {{"a", "1"}, {"b", "x"}}, {})};
    QCOMPARE(ParamAxis::keys(runs), (QStringList{"a", "b", "c", "d"}));
    // c is missing in one run, d in two: both differ; a is the same everywhere.
    QCOMPARE(ParamAxis::differingKeys(runs), (QStringList{"b", "c", "d"}));
}

void TestParamPlots::metricSummaries()
{
    const std::vector<Run> runs{
        makeRun(0, {}, {{"loss", summaryOf(0.3, 0.1, 2.0)}}),
        makeRun(1, {}, {{"loss", summaryOf(NaN, 0.2, 1.5)}}),
        makeRun(2, {}, {{"loss", summaryOf(Inf, 0.4, Inf)}}),
        makeRun(3, {}, {{"acc", summaryOf(0.9)}}),
        makeRun(4, {}, {{"loss", summaryOf(-Inf, -Inf, 3.0)}}),
    };
    QCOMPARE(MetricAxis::keys(runs), (QStringList{"acc", "loss"}));
    const MetricAxis last = MetricAxis::build(runs, QStringLiteral("loss"), MetricAxis::Summary::Last);
    QCOMPARE(last.title(), QStringLiteral("loss (last)"));
    QCOMPARE(last.finiteCount(), 1);
    QCOMPARE(last.nonFiniteCount(), 3);
    QCOMPARE(last.missingCount(), 1);
    QCOMPARE(*last.value(0), 0.3);
    QVERIFY(!last.value(1) && !last.value(2) && !last.value(3));
    QVERIFY(std::isnan(*last.rawValue(1)));
    QVERIFY(!last.rawValue(3));
    QCOMPARE(last.unplottedText(), QStringLiteral("3 runs without a finite value, 1 run without loss"));

    const MetricAxis min = MetricAxis::build(runs, QStringLiteral("loss"), MetricAxis::Summary::Min);
    QCOMPARE(min.finiteCount(), 3);
    QCOMPARE(min.minimum(), 0.1);
    QCOMPARE(min.maximum(), 0.4);
    QCOMPARE(min.unplottedText(), QStringLiteral("1 run without a finite value, 1 run without loss"));
    const MetricAxis max = MetricAxis::build(runs, QStringLiteral("loss"), MetricAxis::Summary::Max);
    QCOMPARE(max.finiteCount(), 3);
    QCOMPARE(*max.value(4), 3.0);
    QCOMPARE(max.maximum(), 3.0);
    QCOMPARE(max.nonFiniteCount(), 1);

    const std::vector<Run> fine{makeRun(0, {}, {{"acc", summaryOf(0.9)}}),
                                makeRun(1, {}, {{"acc", summaryOf(0.8)}})};
    QCOMPARE(MetricAxis::build(fine, QStringLiteral("acc"), MetricAxis::Summary::Last).unplottedText(),
             QString());
}

void TestParamPlots::preferredMetric_data()
{
    // "key:n": the first n runs logged key; as many runs as the largest n.
    QTest::addColumn<QStringList>("keys");
    QTest::addColumn<QString>("expected");
    QTest::newRow("demo sweep") << QStringList{"lr:30", "train/loss:30", "val/loss:30", "val/accuracy:30"}
                                << QStringLiteral("val/loss");
    QTest::newRow("mlflow fixture") << QStringList{"accuracy:12", "loss:12", "lr:12", "val_loss:12"}
                                    << QStringLiteral("val_loss");
    QTest::newRow("schedules never") << QStringList{"epoch:8", "learning_rate:8", "lr:8", "step:8",
                                                    "reward:8"}
                                     << QStringLiteral("reward");
    QTest::newRow("lightning lr monitor")
        << QStringList{"lr-Adam:5", "epoch:5", "train_loss_step:5"} << QStringLiteral("train_loss_step");
    QTest::newRow("score when loss is rare")
        << QStringList{"accuracy:10", "loss:1", "lr:10"} << QStringLiteral("accuracy");
    QTest::newRow("loss on half the runs") << QStringList{"accuracy:10", "loss:5"} << QStringLiteral("loss");
    QTest::newRow("validation before training")
        << QStringList{"test/acc:4", "train/loss:4", "val/loss:4"} << QStringLiteral("val/loss");
    QTest::newRow("error is loss-like")
        << QStringList{"val/top1_acc:3", "val/top1_err:3"} << QStringLiteral("val/top1_err");
    QTest::newRow("perplexity before bleu")
        << QStringList{"eval/bleu:2", "eval/ppl:2"} << QStringLiteral("eval/ppl");
    QTest::newRow("system metrics never")
        << QStringList{"system/cpu_utilization_percentage:10", "reward:6"} << QStringLiteral("reward");
    QTest::newRow("others: most common")
        << QStringList{"episode_len:3", "reward:6"} << QStringLiteral("reward");
    QTest::newRow("schedules only: most common") << QStringList{"epoch:4", "lr:3"} << QStringLiteral("epoch");
    QTest::newRow("no metric") << QStringList{} << QString();
}

void TestParamPlots::preferredMetric()
{
    QFETCH(QStringList, keys);
    QFETCH(QString, expected);
    int total = 0;
    for (const QString &k : keys)
        total = std::max(total, k.section(QLatin1Char(':'), -1).toInt());
    std::vector<Run> runs;
    for (int i = 0; i < std::max(total, 2); ++i) {
        Metrics metrics;
        for (const QString &k : keys) {
            if (i < k.section(QLatin1Char(':'), -1).toInt())
                metrics.insert(k.section(QLatin1Char(':'), 0, -2), summaryOf(0.5 + i));
        }
        runs.push_back(makeRun(i, {{"seed", QString::number(i)}}, metrics));
    }
    QCOMPARE(MetricAxis::preferredKey(runs), expected);
    // Both plots start there.
    ParamScatterView scatter;
    scatter.setRuns(runs);
    QCOMPARE(scatter.metric(), expected);
    ParallelCoordinatesView parallel;
    parallel.setRuns(runs);
    QCOMPARE(parallel.metric(), expected);
}

// On demo data (whose first key, "lr", is the schedule) and on a real MLflow store (first key "accuracy"),
// the plots start on the validation loss; a metric the person chose stays when the runs change.
void TestParamPlots::plotsStartOnLossLikeMetric()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Store demo(dir.filePath(QStringLiteral("demo.db")));
    DemoOptions options;
    options.runs = 20;
    options.steps = 50;
    generateDemoData(demo, options);
    for (const QString &experiment :
         {QStringLiteral("image-classification"), QStringLiteral("text-regression")}) {
        RunQuery q;
        const auto e = demo.runs().experimentByName(experiment);
        QVERIFY2(e, qPrintable(experiment));
        q.experiments = {e->id};
        const std::vector<Run> runs = demo.runs().searchRuns(q);
        QVERIFY(runs.size() >= 5);
        QCOMPARE(MetricAxis::keys(runs).value(0), QStringLiteral("lr")); // what the plots started on
        const QString want = experiment == QLatin1String("image-classification")
                                 ? QStringLiteral("val/loss")
                                 : QStringLiteral("text/val/loss");
        ParamScatterView scatter;
        scatter.setRuns(runs);
        QCOMPARE(scatter.metric(), want);
        ParallelCoordinatesView parallel;
        parallel.setRuns(runs);
        QCOMPARE(parallel.metric(), want);
        if (experiment == QLatin1String("image-classification")) {
            for (QWidget *w : std::initializer_list<QWidget *>{&scatter, &parallel}) {
                w->resize(1000, 600);
                w->show();
                QVERIFY(QTest::qWaitForWindowExposed(w));
            }
            saveShot(scatter, QStringLiteral("scatter-default-metric.png"));
            saveShot(parallel, QStringLiteral("parallel-default-metric.png"));
        }
        // Chosen by the person: kept over the preferred key when the runs change.
        scatter.setMetric(QStringLiteral("lr"));
        parallel.setMetric(QStringLiteral("lr"));
        scatter.setRuns(runs);
        parallel.setRuns(runs);
        QCOMPARE(scatter.metric(), QStringLiteral("lr"));
        QCOMPARE(parallel.metric(), QStringLiteral("lr"));
    }

    const QString source = dir.filePath(QStringLiteral("src"));
    QVERIFY(test::copyTree(Fixtures + QStringLiteral("/mlflow-file"), source));
    Store store(dir.filePath(QStringLiteral("mlflow.db")));
    const auto report =
        import::importPaths(store, {source + QStringLiteral("/mlruns")}, import::Format::Auto, {});
    QVERIFY(report.failedRuns.isEmpty());
    const std::vector<Run> runs = loadAll(store);
    QCOMPARE(MetricAxis::keys(runs), (QStringList{"accuracy", "loss", "lr", "val_loss"}));
    ParamScatterView scatter;
    scatter.setRuns(runs);
    QCOMPARE(scatter.metric(), QStringLiteral("val_loss"));
    ParallelCoordinatesView parallel;
    parallel.setRuns(runs);
    QCOMPARE(parallel.metric(), QStringLiteral("val_loss"));
}

void TestParamPlots::axisScaleTicks_data()
{
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<bool>("log");
    QTest::addColumn<int>("maxTicks");
    QTest::addColumn<QStringList>("labels");
    QTest::newRow("unit") << 0.0 << 1.0 << false << 5 << QStringList{"0", "0.2", "0.4", "0.6", "0.8", "1"};
    QTest::newRow("negative") << -1.05 << 0.93 << false << 4 << QStringList{"-1", "-0.5", "0", "0.5"};
    QTest::newRow("big") << 0.0 << 3e6 << false << 3 << QStringList{"0", "1e6", "2e6", "3e6"};
    QTest::newRow("tiny step") << 1000.0 << 1000.3 << false << 3
                               << QStringList{"1000", "1000.1", "1000.2", "1000.3"};
    QTest::newRow("decades") << 1e-4 << 1e-1 << true << 5 << QStringList{"0.0001", "0.001", "0.01", "0.1"};
    QTest::newRow("few decades") << 0.9 << 11.0 << true << 8 << QStringList{"1", "2", "5", "10"};
    QTest::newRow("many decades") << 1e-9 << 1e9 << true << 5
                                  << QStringList{"1e-9", "1e-5", "0.1", "1000", "1e7"};
    QTest::newRow("inside a decade") << 3e-4 << 9e-4 << true << 4
                                     << QStringList{"0.0004", "0.0006", "0.0008"};
}

void TestParamPlots::axisScaleTicks()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(bool, log);
    QFETCH(int, maxTicks);
    QFETCH(QStringList, labels);
    const AxisScale s = log ? AxisScale::logarithmic(lo, hi) : AxisScale::linear(lo, hi);
    QStringList got;
    for (const auto &t : s.ticks(maxTicks)) {
        QVERIFY2(t.value >= lo - 1e-12 * std::abs(lo) && t.value <= hi * (1 + 1e-12), qPrintable(t.label));
        QVERIFY(QStringLiteral("%1").arg(t.label).size() > 0);
        got << t.label;
    }
    QCOMPARE(got, labels);
}

void TestParamPlots::axisScaleMapping()
{
    const AxisScale lin = AxisScale::linear(2.0, 6.0);
    QCOMPARE(lin.toUnit(4.0), 0.5);
    QCOMPARE(lin.fromUnit(0.25), 3.0);
    const AxisScale log = AxisScale::logarithmic(1e-4, 1e-2);
    QVERIFY(std::abs(log.toUnit(1e-3) - 0.5) < 1e-12);
    QVERIFY(std::abs(log.fromUnit(0.5) - 1e-3) < 1e-15);
    // Fitted scales keep the data inside, off the frame, also for a single value.
    for (bool l : {false, true}) {
        const AxisScale f = AxisScale::fitted(0.01, 0.1, l);
        QVERIFY(f.toUnit(0.01) > 0.0 && f.toUnit(0.1) < 1.0);
        const AxisScale one = AxisScale::fitted(5.0, 5.0, l);
        QVERIFY(one.lower() < 5.0 && one.upper() > 5.0);
        QVERIFY(std::abs(one.toUnit(5.0) - 0.5) < 1e-9);
    }
    const AxisScale zero = AxisScale::fitted(0.0, 0.0, false);
    QVERIFY(zero.lower() < 0.0 && zero.upper() > 0.0);
    QCOMPARE(AxisScale::formatNumber(1e-5), QStringLiteral("1e-5"));
    QCOMPARE(AxisScale::formatNumber(-2.5e12), QStringLiteral("-2.5e12"));
    QCOMPARE(AxisScale::formatNumber(0.30000000000000004), QStringLiteral("0.3"));
    QCOMPARE(AxisScale::formatNumber(NaN), QStringLiteral("NaN"));
    QCOMPARE(AxisScale::formatNumber(-Inf), QStringLiteral("-Infinity"));
}

void TestParamPlots::colorRamp()
{
    for (bool dark : {false, true}) {
        const QColor low = ColorRamp::at(0.0, dark), high = ColorRamp::at(1.0, dark);
        QVERIFY(luminance(high) > luminance(low) + 0.25);
        QCOMPARE(ColorRamp::at(-3.0, dark), low);
        QCOMPARE(ColorRamp::at(7.0, dark), high);
        QCOMPARE(ColorRamp::at(NaN, dark), low);
        // Monotonic in lightness: a higher value never looks darker.
        double previous = -1;
        for (int i = 0; i <= 20; ++i) {
            const double l = luminance(ColorRamp::at(i / 20.0, dark));
            QVERIFY(l > previous);
            previous = l;
        }
    }
    // The end that vanishes into the background is left out.
    QVERIFY(luminance(ColorRamp::at(0.0, true)) > luminance(ColorRamp::at(0.0, false)));
    QVERIFY(luminance(ColorRamp::at(1.0, false)) < luminance(ColorRamp::at(1.0, true)));
}

void TestParamPlots::fixtureAxes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("src"));
    QVERIFY(test::copyTree(Fixtures + QStringLiteral("/mlflow-file"), source));
    Store store(dir.filePath(QStringLiteral("runlens.db")));
    const auto report =
        import::importPaths(store, {source + QStringLiteral("/mlruns")}, import::Format::Auto, {});
    QVERIFY(report.failedRuns.isEmpty());
    QFile f(Fixtures + QStringLiteral("/mlflow-file/ground_truth.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject truth = QJsonDocument::fromJson(f.readAll()).object();

    const std::vector<Run> runs = loadAll(store);
    QCOMPARE(qint64(runs.size()), qint64(truth.value(QStringLiteral("check_active_runs")).toInt()));
    const ParamAxis lr = ParamAxis::build(runs, QStringLiteral("lr"));
    QCOMPARE(lr.kind(), ParamAxis::Kind::Numeric);
    QCOMPARE(lr.minimum(), 0.001);
    QCOMPARE(lr.maximum(), 0.1);
    QVERIFY(lr.canUseLog());
    const ParamAxis opt = ParamAxis::build(runs, QStringLiteral("optimizer"));
    QCOMPARE(opt.kind(), ParamAxis::Kind::Categorical);
    QCOMPARE(opt.categories(), (QStringList{"adam", "sgd"}));
    const ParamAxis batch = ParamAxis::build(runs, QStringLiteral("batch_size"), true);
    QCOMPARE(batch.categories(), (QStringList{"32", "64", "96", "128"}));

    // Each run's value is its param from the ground truth, and its metric the store's summary.
    const MetricAxis loss = MetricAxis::build(runs, QStringLiteral("loss"), MetricAxis::Summary::Last);
    QHash<QString, QJsonObject> byId;
    for (const QJsonValue &v : truth.value(QStringLiteral("runs")).toArray())
        byId.insert(v.toObject().value(QStringLiteral("run_id")).toString(), v.toObject());
    for (int i = 0; i < int(runs.size()); ++i) {
        const QJsonObject want = byId.value(runs[size_t(i)].id);
        QVERIFY(!want.isEmpty());
        QCOMPARE(*lr.number(i), want.value(QStringLiteral("params"))
                                    .toObject()
                                    .value(QStringLiteral("lr"))
                                    .toString()
                                    .toDouble());
        QCOMPARE(
            opt.categories().at(opt.category(i)),
            want.value(QStringLiteral("params")).toObject().value(QStringLiteral("optimizer")).toString());
        const auto s = store.runs().metricSummary(runs[size_t(i)].id, QStringLiteral("loss"));
        QCOMPARE(loss.rawValue(i).has_value(), s.has_value());
        if (runs[size_t(i)].name == QStringLiteral("run-02"))
            QCOMPARE(*loss.value(i), truth.value(QStringLiteral("check_latest_loss_run2")).toDouble());
    }
    // run-01 logged val_loss +inf at step 2: its max is not a number to plot, and it is counted.
    const MetricAxis valMax = MetricAxis::build(runs, QStringLiteral("val_loss"), MetricAxis::Summary::Max);
    const auto run01 = std::find_if(runs.begin(), runs.end(),
                                    [](const Run &r) { return r.name == QStringLiteral("run-01"); });
    QVERIFY(run01 != runs.end());
    const int i01 = int(run01 - runs.begin());
    QVERIFY(!valMax.value(i01));
    QVERIFY(std::isinf(*valMax.rawValue(i01)));
    QVERIFY(valMax.nonFiniteCount() >= 1);
    QVERIFY(valMax.unplottedText().contains(QStringLiteral("without a finite value")));
}

void TestParamPlots::scatterEmptyStates()
{
    ParamScatterView view;
    view.resize(700, 450);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.message().contains(QStringLiteral("at least two runs")));
    view.setRuns({makeRun(0, {{"lr", "1"}}, {{"loss", summaryOf(1)}})});
    QVERIFY(view.message().contains(QStringLiteral("at least two runs")));
    QVERIFY(view.plottedPoints().empty());
    QVERIFY(!view.findChild<QComboBox *>(QStringLiteral("paramCombo"))->isEnabled());
    view.setRuns({makeRun(0, {}, {{"loss", summaryOf(1)}}), makeRun(1, {}, {{"loss", summaryOf(2)}})});
    QVERIFY(view.message().contains(QStringLiteral("has a param")));
    saveShot(view, QStringLiteral("scatter-empty.png"));
    view.setRuns({makeRun(0, {{"lr", "1"}}, {}), makeRun(1, {{"lr", "2"}}, {})});
    QVERIFY(view.message().contains(QStringLiteral("has a metric")));
    // Both exist but never in one run together with a finite value.
    view.setRuns(
        {makeRun(0, {{"lr", "1"}}, {{"loss", summaryOf(NaN)}}), makeRun(1, {}, {{"loss", summaryOf(2)}})});
    QCOMPARE(view.message(), QStringLiteral("No run has both lr and a finite loss (last)."));
    QVERIFY(view.note().contains(QStringLiteral("0 of 2 runs plotted")));
    view.setRuns(scatterRuns());
    QVERIFY(view.message().isEmpty());
    QVERIFY(view.findChild<QComboBox *>(QStringLiteral("paramCombo"))->isEnabled());
}

void TestParamPlots::scatterPlotsAndCounts()
{
    RunColorMap colors; // the window's, as the Compare page gives it
    ParamScatterView view;
    view.setColorMap(&colors);
    view.resize(900, 600);
    view.setRuns(scatterRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Defaults: the first param that differs, the loss (five runs have it, acc only one).
    QCOMPARE(view.param(), QStringLiteral("batch"));
    QCOMPARE(view.metric(), QStringLiteral("loss"));
    QCOMPARE(plottedIds(view), ids({0, 1, 2, 4}));

    auto *param = view.findChild<QComboBox *>(QStringLiteral("paramCombo"));
    auto *metric = view.findChild<QComboBox *>(QStringLiteral("metricCombo"));
    auto *summary = view.findChild<QComboBox *>(QStringLiteral("summaryCombo"));
    QVERIFY(param && metric && summary);
    typeInto(param, QStringLiteral("lr"));
    QCOMPARE(view.param(), QStringLiteral("lr"));
    typeInto(metric, QStringLiteral("loss"));
    QCOMPARE(view.metric(), QStringLiteral("loss"));

    // r3's last loss is NaN, r4 has no lr, r5 no loss.
    QCOMPARE(plottedIds(view), ids({0, 1, 2}));
    QVERIFY2(view.note().startsWith(QStringLiteral("3 of 6 runs plotted")), qPrintable(view.note()));
    QVERIFY(view.note().contains(QStringLiteral("1 run without lr")));
    QVERIFY(view.note().contains(QStringLiteral("1 run without a finite value")));
    QVERIFY(view.note().contains(QStringLiteral("1 run without loss")));

    // Positions follow the values: lr grows to the right, loss upwards.
    const auto *p0 = pointOf(view, 0), *p1 = pointOf(view, 1), *p2 = pointOf(view, 2);
    QVERIFY(p0 && p1 && p2);
    QVERIFY(p0->pos.x() < p1->pos.x() && p1->pos.x() < p2->pos.x());
    QVERIFY(p0->pos.y() < p1->pos.y() && p1->pos.y() < p2->pos.y());
    const QRectF plot = view.canvas()->plotRect();
    for (const auto &p : view.plottedPoints())
        QVERIFY(plot.contains(p.pos));
    // Linear: 0.001 sits a hundredth of the way from 0.0001 to 0.1... close to 0.0001.
    QVERIFY(std::abs((p1->pos.x() - p0->pos.x()) / (p2->pos.x() - p0->pos.x()) - 0.0009 / 0.0099) < 0.01);
    QCOMPARE(p0->color, RunColors::palette()[0]);
    QCOMPARE(p0->color, colors.colorOf(idOf(0)));
    QVERIFY(p0->tooltip.contains(QStringLiteral("run-0")) &&
            p0->tooltip.contains(QStringLiteral("lr = 0.0001")) &&
            p0->tooltip.contains(QStringLiteral("loss (last) = 0.9")));

    // Summary min: r3 has a finite min (0.6) and joins; max is +inf for r3 and leaves it out again.
    summary->setFocus();
    QTest::keyClick(summary, Qt::Key_Down);
    QCOMPARE(view.summary(), MetricAxis::Summary::Min);
    QCOMPARE(plottedIds(view), ids({0, 1, 2, 3}));
    QTest::keyClick(summary, Qt::Key_Down);
    QCOMPARE(view.summary(), MetricAxis::Summary::Max);
    QCOMPARE(plottedIds(view), ids({0, 1, 2}));
    QCOMPARE(pointOf(view, 1)->y, 2.1);

    // The same choices survive new runs that still have them.
    view.setRuns(scatterRuns());
    QCOMPARE(view.param(), QStringLiteral("lr"));
    QCOMPARE(view.metric(), QStringLiteral("loss"));
}

void TestParamPlots::scatterLogAxes()
{
    ParamScatterView view;
    view.resize(900, 600);
    view.setRuns(scatterRuns());
    view.setParam(QStringLiteral("lr"));
    view.setMetric(QStringLiteral("loss"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *logX = view.findChild<QCheckBox *>(QStringLiteral("logX"));
    auto *logY = view.findChild<QCheckBox *>(QStringLiteral("logY"));
    QVERIFY(logX && logY && logX->isEnabled() && logY->isEnabled());
    QTest::mouseClick(logX, Qt::LeftButton);
    QVERIFY(view.isLogX());
    // On a log axis 0.001 sits halfway between 0.0001 and 0.01.
    const auto *p0 = pointOf(view, 0), *p1 = pointOf(view, 1), *p2 = pointOf(view, 2);
    QVERIFY(std::abs(p1->pos.x() - (p0->pos.x() + p2->pos.x()) / 2) < 1.0);

    // "shift" has values at and below zero: Log X is switched off and says why; the wish is kept.
    view.setParam(QStringLiteral("shift"));
    QVERIFY(!view.isLogX());
    QVERIFY(!logX->isEnabled());
    QVERIFY(!logX->isChecked());
    QVERIFY2(view.note().contains(QStringLiteral("Log X is off: shift has 2 values at or below zero.")),
             qPrintable(view.note()));
    QVERIFY(logX->toolTip().contains(QStringLiteral("at or below zero")));
    view.setParam(QStringLiteral("lr"));
    QVERIFY(logX->isEnabled() && logX->isChecked() && view.isLogX());

    // Log Y on a metric with a negative value: off, with the reason.
    QTest::mouseClick(logY, Qt::LeftButton);
    QVERIFY(view.isLogY());
    auto runs = scatterRuns();
    runs[0].metrics[QStringLiteral("loss")] = summaryOf(-0.5);
    view.setRuns(runs);
    QVERIFY(!view.isLogY() && !logY->isEnabled());
    QVERIFY(view.note().contains(QStringLiteral("Log Y is off: loss (last) has 1 value at or below zero.")));
    QCOMPARE(plottedIds(view), ids({0, 1, 2})); // the negative value is still drawn, linearly
}

void TestParamPlots::scatterCategories()
{
    ParamScatterView view;
    view.resize(900, 600);
    view.setRuns(scatterRuns());
    view.setMetric(QStringLiteral("loss"));
    view.setSummary(MetricAxis::Summary::Min);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *logX = view.findChild<QCheckBox *>(QStringLiteral("logX"));
    auto *asCategories = view.findChild<QCheckBox *>(QStringLiteral("asCategories"));

    view.setParam(QStringLiteral("opt"));
    QVERIFY(!logX->isEnabled());
    QVERIFY(!asCategories->isEnabled()); // already categories
    // adam (r0, r2), rmsprop (r3), sgd (r1, r4): slots in that order, runs of one value in one column.
    QCOMPARE(plottedIds(view), ids({0, 1, 2, 3, 4}));
    QCOMPARE(pointOf(view, 0)->pos.x(), pointOf(view, 2)->pos.x());
    QCOMPARE(pointOf(view, 1)->pos.x(), pointOf(view, 4)->pos.x());
    QVERIFY(pointOf(view, 0)->pos.x() < pointOf(view, 3)->pos.x());
    QVERIFY(pointOf(view, 3)->pos.x() < pointOf(view, 1)->pos.x());
    const QRectF plot = view.canvas()->plotRect();
    QVERIFY(std::abs(pointOf(view, 3)->pos.x() - plot.center().x()) < 1.0);

    // batch as categories: 32, 64, 128 evenly spaced (as numbers 64 would sit near 32).
    view.setParam(QStringLiteral("batch"));
    QVERIFY(asCategories->isEnabled());
    const double x32 = pointOf(view, 0)->pos.x(), x64 = pointOf(view, 1)->pos.x(),
                 x128 = pointOf(view, 2)->pos.x();
    QVERIFY(x64 - x32 < (x128 - x64) / 1.5);
    QTest::mouseClick(asCategories, Qt::LeftButton);
    QVERIFY(!logX->isEnabled());
    const double c32 = pointOf(view, 0)->pos.x(), c64 = pointOf(view, 1)->pos.x(),
                 c128 = pointOf(view, 2)->pos.x();
    QVERIFY(c32 < c64 && c64 < c128);
    QVERIFY(std::abs((c64 - c32) - (c128 - c64)) < 1.0);
}

void TestParamPlots::scatterClickActivatesRun()
{
    ParamScatterView view;
    view.resize(900, 600);
    view.setRuns(scatterRuns());
    view.setParam(QStringLiteral("lr"));
    view.setMetric(QStringLiteral("loss"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy activated(&view, &ParamScatterView::runActivated);
    QVERIFY(activated.isValid());
    const auto *p2 = pointOf(view, 2);
    QVERIFY(p2);
    QCOMPARE(view.canvas()->pointAt(p2->pos + QPointF(2, -2)), int(p2 - view.plottedPoints().data()));
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, (p2->pos + QPointF(2, 1)).toPoint());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toString(), idOf(2));
    // Empty space activates nothing.
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {},
                      view.canvas()->plotRect().topLeft().toPoint() + QPoint(3, 3));
    QCOMPARE(activated.count(), 0);
}

void TestParamPlots::scatterTooltipNamesEveryRunOnADot()
{
    // r1 and r5 share lr 0.001; with the same loss they share a dot.
    auto runs = scatterRuns();
    runs[5].metrics.insert(QStringLiteral("loss"), summaryOf(0.4));
    ParamScatterView view;
    view.resize(900, 600);
    view.setRuns(runs);
    view.setParam(QStringLiteral("lr"));
    view.setMetric(QStringLiteral("loss"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(pointOf(view, 1)->pos, pointOf(view, 5)->pos);
    const QPoint at = pointOf(view, 5)->pos.toPoint();
    QHelpEvent help(QEvent::ToolTip, at, view.canvas()->mapToGlobal(at));
    QApplication::sendEvent(view.canvas(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    // The top dot (drawn last) is named first, the one under it after "Also here".
    QVERIFY2(QToolTip::text().startsWith(QStringLiteral("<b>run-5</b>")), qPrintable(QToolTip::text()));
    QVERIFY(QToolTip::text().contains(QStringLiteral("Also here: run-1")));
    QSignalSpy activated(&view, &ParamScatterView::runActivated);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, at);
    QCOMPARE(activated.value(0).value(0).toString(), idOf(5));
    QToolTip::hideText();
}

void TestParamPlots::parallelEmptyStates()
{
    ParallelCoordinatesView view;
    view.resize(800, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.message().contains(QStringLiteral("at least two runs")));
    QVERIFY(view.brushedRunIds().isEmpty());
    view.setRuns({makeRun(0, {{"lr", "1"}}, {{"loss", summaryOf(1)}})});
    QVERIFY(view.message().contains(QStringLiteral("at least two runs")));
    QCOMPARE(view.brushedRunIds(), ids({0}));
    view.setRuns({makeRun(0, {}, {{"loss", summaryOf(1)}}), makeRun(1, {}, {{"loss", summaryOf(2)}})});
    QVERIFY(view.message().contains(QStringLiteral("has a param")));
    QCOMPARE(view.brushedRunIds(), ids({0, 1}));
    view.setRuns({makeRun(0, {{"lr", "1"}}, {}), makeRun(1, {{"lr", "2"}}, {})});
    QVERIFY(view.message().contains(QStringLiteral("has a metric")));
    view.setRuns(parallelRuns());
    QVERIFY(view.message().isEmpty());
    view.setAxes({});
    QVERIFY(view.message().contains(QStringLiteral("Check at least one param")));
    saveShot(view, QStringLiteral("parallel-empty.png"));
    QCOMPARE(view.brushedRunIds().size(), 6);
}

void TestParamPlots::parallelDefaultsAndColours()
{
    ParallelCoordinatesView view;
    view.resize(900, 560);
    view.setRuns(parallelRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // seed is 1 everywhere: not an axis by default.
    QCOMPARE(view.axes(), (QStringList{"lr", "opt"}));
    QCOMPARE(view.metric(), QStringLiteral("loss"));
    const auto geometry = view.canvas()->axisGeometry();
    QCOMPARE(int(geometry.size()), 3);
    QCOMPARE(geometry[0].id, QStringLiteral("param|lr|log")); // 1e-4 .. 1e-1 starts logarithmic
    QCOMPARE(geometry[1].id, QStringLiteral("param|opt|categories"));
    QCOMPARE(geometry[2].id, QStringLiteral("metric|loss|last|linear"));
    QVERIFY(geometry[0].x < geometry[1].x && geometry[1].x < geometry[2].x);
    QVERIFY(geometry[0].hasMissing && !geometry[1].hasMissing && geometry[2].hasMissing);

    const auto lines = view.canvas()->polylines();
    QCOMPARE(int(lines.size()), 6);
    for (const auto &l : lines) {
        QCOMPARE(int(l.points.size()), 3);
        QVERIFY(l.brushed);
    }
    // Coloured by the metric: the highest loss (p5) at the top of the ramp, the lowest (p0) at its bottom,
    // the NaN one (p4) grey and at the missing slots of lr and of the metric.
    const bool dark = theme::isDark();
    const auto colorOf = [&](int run) {
        for (const auto &l : lines) {
            if (l.runId == idOf(run))
                return l.color;
        }
        return QColor();
    };
    const AxisScale metricScale = AxisScale::fitted(0.1, 0.6, false);
    QCOMPARE(colorOf(5), ColorRamp::at(metricScale.toUnit(0.6), dark));
    QCOMPARE(colorOf(0), ColorRamp::at(metricScale.toUnit(0.1), dark));
    QVERIFY(colorOf(4).hsvSaturationF() < 0.1);
    QCOMPARE(lineOf(view, 4)[0].y(), geometry[0].missingY);
    QCOMPARE(lineOf(view, 4)[2].y(), geometry[2].missingY);
    // Categories: adam below rmsprop below sgd.
    QVERIFY(lineOf(view, 0)[1].y() > lineOf(view, 5)[1].y());
    QVERIFY(lineOf(view, 5)[1].y() > lineOf(view, 1)[1].y());
    QCOMPARE(lineOf(view, 0)[1].y(), lineOf(view, 2)[1].y());
    // On the log lr axis, 0.001 halfway between 0.0001 and 0.01.
    QVERIFY(std::abs(lineOf(view, 1)[0].y() - (lineOf(view, 0)[0].y() + lineOf(view, 2)[0].y()) / 2) < 1.0);
    QVERIFY(view.note().contains(QStringLiteral("1 run without lr")));
    QVERIFY(view.note().contains(QStringLiteral("1 run without a finite value")));
}

void TestParamPlots::parallelBrushing()
{
    ParallelCoordinatesView view;
    view.resize(900, 560);
    view.setRuns(parallelRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy brushed(&view, &ParallelCoordinatesView::brushedRunsChanged);
    QVERIFY(brushed.isValid());
    QWidget *canvas = view.canvas();
    auto geometry = view.canvas()->axisGeometry();
    const double lrX = geometry[0].x, optX = geometry[1].x;
    auto *clear = view.findChild<QPushButton *>(QStringLiteral("clearBrushes"));
    QVERIFY(clear && !clear->isEnabled());

    // lr from 0.0001 to 0.001: p0, p1 and p5.
    const double y0 = lineOf(view, 0)[0].y(), y1 = lineOf(view, 1)[0].y();
    drag(canvas, lrX + 2, y1 - 4, y0 + 4);
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({0, 1, 5}));
    QCOMPARE(view.brushedRunIds(), ids({0, 1, 5}));
    QVERIFY(clear->isEnabled());
    QVERIFY(view.note().startsWith(QStringLiteral("3 of 6 runs inside the brushes.")));
    for (const auto &l : view.canvas()->polylines())
        QCOMPARE(l.brushed, ids({0, 1, 5}).contains(l.runId));

    // And opt = adam (dragged upwards this time): only p0 is in both.
    const double adam = lineOf(view, 0)[1].y();
    drag(canvas, optX - 3, adam + 5, adam - 5);
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({0}));

    // A click on the opt axis clears its brush: back to the lr brush alone.
    QTest::mouseClick(canvas, Qt::LeftButton, {}, QPointF(optX, adam).toPoint());
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({0, 1, 5}));

    // Dragging again replaces the lr brush: from 0.0001 down into the missing slot takes p0 and p4.
    drag(canvas, lrX, y0 - 4, geometry[0].missingY + 4);
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({0, 4}));

    // A drag over empty space between two values selects none.
    const double y2 = lineOf(view, 2)[0].y();
    drag(canvas, lrX, (y1 + y2) / 2 - 3, (y1 + y2) / 2 + 3);
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), QStringList());
    for (const auto &l : view.canvas()->polylines())
        QVERIFY(!l.brushed);

    // Clear Brushes: every run.
    QTest::mouseClick(clear, Qt::LeftButton);
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList().size(), 6);
    QVERIFY(!clear->isEnabled());

    // The metric axis brushes too; a brush on an axis that goes away is dropped (and says so).
    const double m5 = lineOf(view, 5)[2].y(), m3 = lineOf(view, 3)[2].y();
    drag(canvas, geometry[2].x, m5 - 4, m3 + 4);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({3, 5}));
    auto *summary = view.findChild<QComboBox *>(QStringLiteral("summaryCombo"));
    summary->setFocus();
    QTest::keyClick(summary, Qt::Key_Down); // min: another axis
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList().size(), 6);

    // A brush on lr survives a change elsewhere (opt unchecked), not the unchecking of lr itself.
    geometry = view.canvas()->axisGeometry();
    drag(canvas, geometry[0].x, lineOf(view, 3)[0].y() - 4, lineOf(view, 3)[0].y() + 4);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({3}));
    auto *list = view.findChild<QListWidget *>(QStringLiteral("axisList"));
    QVERIFY(list);
    const auto itemOf = [list](const QString &key) {
        return list->findItems(key, Qt::MatchExactly).value(0);
    };
    itemOf(QStringLiteral("opt"))->setCheckState(Qt::Unchecked);
    QCOMPARE(view.axes(), QStringList{"lr"});
    QCOMPARE(brushed.count(), 0);
    QCOMPARE(view.brushedRunIds(), ids({3}));
    itemOf(QStringLiteral("lr"))->setCheckState(Qt::Unchecked);
    QVERIFY(!view.message().isEmpty());
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList().size(), 6);

    // The same runs again (a refresh) keep the brushes; other runs drop them without a signal.
    view.setAxes({QStringLiteral("lr")});
    geometry = view.canvas()->axisGeometry();
    drag(canvas, geometry[0].x, lineOf(view, 3)[0].y() - 4, lineOf(view, 3)[0].y() + 4);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({3}));
    view.setRuns(parallelRuns());
    QCOMPARE(brushed.count(), 0);
    QCOMPARE(view.brushedRunIds(), ids({3}));
    auto fewer = parallelRuns();
    fewer.pop_back();
    view.setRuns(fewer);
    QCOMPARE(brushed.count(), 0);
    QCOMPARE(view.brushedRunIds(), ids({0, 1, 2, 3, 4}));
    QVERIFY(!view.canvas()->hasBrushes());
}

void TestParamPlots::parallelAxesFollowTheList()
{
    ParallelCoordinatesView view;
    view.resize(900, 560);
    view.setRuns(parallelRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *list = view.findChild<QListWidget *>(QStringLiteral("axisList"));
    QCOMPARE(list->count(), 3);
    // Checking seed adds its axis where it stands in the list.
    list->findItems(QStringLiteral("seed"), Qt::MatchExactly).value(0)->setCheckState(Qt::Checked);
    QCOMPARE(view.axes(), (QStringList{"lr", "opt", "seed"}));
    QCOMPARE(int(view.canvas()->axisGeometry().size()), 4);
    // Moving a row (what a drop in the list does) reorders the axes.
    QVERIFY(list->model()->moveRow({}, 2, {}, 0));
    QCOMPARE(view.axes(), (QStringList{"seed", "lr", "opt"}));
    QTRY_COMPARE(view.canvas()->axisGeometry()[0].id, QStringLiteral("param|seed|linear"));
    QCOMPARE(int(view.canvas()->axisGeometry().size()), 4);
    view.setAxes({QStringLiteral("opt"), QStringLiteral("lr")});
    QCOMPARE(view.axes(), (QStringList{"opt", "lr"}));
    QCOMPARE(list->item(2)->text(), QStringLiteral("seed"));
    QCOMPARE(list->item(2)->checkState(), Qt::Unchecked);
    // The choice survives new runs that have the same params.
    view.setRuns(parallelRuns());
    QCOMPARE(view.axes(), (QStringList{"opt", "lr"}));

    // At most eight axes by default, of the params that differ.
    std::vector<Run> wide;
    for (int r = 0; r < 3; ++r) {
        Params p;
        for (int k = 0; k < 12; ++k)
            p.insert(QStringLiteral("p%1").arg(k, 2, 10, QLatin1Char('0')), QString::number(r * k));
        wide.push_back(makeRun(r, p, {{"m", summaryOf(r)}}));
    }
    ParallelCoordinatesView fresh;
    fresh.setRuns(wide);
    // p00 is 0 in every run.
    QCOMPARE(fresh.axes(), (QStringList{"p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08"}));
}

void TestParamPlots::parallelLogChoice()
{
    ParallelCoordinatesView view;
    view.resize(900, 560);
    view.setRuns(parallelRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // What the axis' context menu asks for: lr back to linear; its brush (on the log axis) goes.
    QSignalSpy brushed(&view, &ParallelCoordinatesView::brushedRunsChanged);
    view.canvas()->setBrush(QStringLiteral("param|lr|log"), std::make_pair(0.0, 0.2), false);
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), ids({0}));
    Q_EMIT view.canvas()->logScaleRequested(QStringLiteral("param|lr|log"), false);
    QCOMPARE(view.canvas()->axisGeometry()[0].id, QStringLiteral("param|lr|linear"));
    QCOMPARE(brushed.count(), 1);
    QCOMPARE(brushed.takeFirst().at(0).toStringList().size(), 6);
    // Linear: 0.001 close to 0.0001, far from 0.1.
    const double y0 = lineOf(view, 0)[0].y(), y1 = lineOf(view, 1)[0].y(), y3 = lineOf(view, 3)[0].y();
    QVERIFY((y0 - y1) < (y1 - y3) / 10);
    // The choice is remembered per axis, whatever its scale was.
    view.setRuns(parallelRuns());
    QCOMPARE(view.canvas()->axisGeometry()[0].id, QStringLiteral("param|lr|linear"));
}

void TestParamPlots::parallelContextMenu()
{
    ParallelCoordinatesView view;
    view.resize(900, 560);
    view.setRuns(parallelRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.canvas()->axisGeometry()[0].id, QStringLiteral("param|lr|log"));
    // Right-click on the lr axis, untick "Logarithmic Scale" in the menu that opens.
    const auto g = view.canvas()->axisGeometry()[0];
    const QPoint at(int(g.x), int((g.top + g.bottom) / 2));
    QStringList offered;
    whenMenuOpens(this, [&offered](QMenu *menu) {
        offered = menuEntries(menu);
        menu->actions().at(0)->trigger();
        menu->close();
    });
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, view.canvas()->mapToGlobal(at));
    QApplication::sendEvent(view.canvas(), &event);
    QCOMPARE(offered, (QStringList{"Logarithmic Scale", "Clear Brush (disabled)"}));
    QCOMPARE(view.canvas()->axisGeometry()[0].id, QStringLiteral("param|lr|linear"));

    // A categorical axis offers no log scale.
    const auto opt = view.canvas()->axisGeometry()[1];
    const QPoint onOpt(int(opt.x), int((opt.top + opt.bottom) / 2));
    offered.clear();
    whenMenuOpens(this, [&offered](QMenu *menu) {
        offered = menuEntries(menu);
        menu->close();
    });
    QContextMenuEvent optEvent(QContextMenuEvent::Mouse, onOpt, view.canvas()->mapToGlobal(onOpt));
    QApplication::sendEvent(view.canvas(), &optEvent);
    QCOMPARE(offered, (QStringList{"Logarithmic Scale (disabled)", "Clear Brush (disabled)"}));
}

void TestParamPlots::parallelHoverAndClick()
{
    ParallelCoordinatesView view;
    view.resize(900, 560);
    view.setRuns(parallelRuns());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Halfway along p3's first segment (lr 0.1 -> sgd), away from the others.
    const QPolygonF line = lineOf(view, 3);
    const QPointF mid = (line[0] + line[1]) / 2;
    QCOMPARE(view.canvas()->lineAt(mid), 3);
    QHelpEvent help(QEvent::ToolTip, mid.toPoint(), view.canvas()->mapToGlobal(mid.toPoint()));
    QApplication::sendEvent(view.canvas(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QStringLiteral("run-3")) &&
                 QToolTip::text().contains(QStringLiteral("lr = 0.1")) &&
                 QToolTip::text().contains(QStringLiteral("loss (last) = 0.4")),
             qPrintable(QToolTip::text()));
    QToolTip::hideText();
    QSignalSpy activated(&view, &ParallelCoordinatesView::runActivated);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, mid.toPoint());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), idOf(3));
    // The hovered line is drawn thicker on top: its colour covers the pixel under the mouse.
    QTest::mouseMove(view.canvas(), mid.toPoint());
    const QImage image = view.canvas()->grab().toImage();
    const QColor drawn = image.pixelColor(mid.toPoint());
    const QColor want = view.canvas()->polylines()[3].color;
    QVERIFY2(std::abs(drawn.hueF() - want.hueF()) < 0.05,
             qPrintable(drawn.name() + QLatin1Char(' ') + want.name()));
}

void TestParamPlots::parallelFixtureRuns()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("src"));
    QVERIFY(test::copyTree(Fixtures + QStringLiteral("/mlflow-file"), source));
    Store store(dir.filePath(QStringLiteral("runlens.db")));
    QVERIFY(import::importPaths(store, {source + QStringLiteral("/mlruns")}, import::Format::Auto, {})
                .failedRuns.isEmpty());
    const std::vector<Run> runs = loadAll(store);

    ParallelCoordinatesView parallel;
    parallel.resize(1000, 560);
    parallel.setRuns(runs);
    parallel.setMetric(QStringLiteral("loss"));
    parallel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parallel));
    // Every param of the fixture runs differs from run to run.
    QCOMPARE(parallel.axes(), ParamAxis::keys(runs));
    QVERIFY(parallel.axes().contains(QStringLiteral("lr")));
    QCOMPARE(int(parallel.canvas()->polylines().size()), int(runs.size()));
    QCOMPARE(parallel.brushedRunIds().size(), int(runs.size()));

    // Brush lr = 0.01 (the middle of 0.001 .. 0.1 on its log axis): exactly the fixture's lr 0.01 runs.
    const int lrAxis = int(parallel.axes().indexOf(QStringLiteral("lr")));
    const auto g = parallel.canvas()->axisGeometry()[size_t(lrAxis)];
    const double middle = (g.top + g.bottom) / 2;
    QSignalSpy brushed(&parallel, &ParallelCoordinatesView::brushedRunsChanged);
    drag(parallel.canvas(), g.x, middle - 6, middle + 6);
    QCOMPARE(brushed.count(), 1);
    QStringList want;
    for (const Run &r : runs) {
        if (r.params.value(QStringLiteral("lr")) == QStringLiteral("0.01"))
            want << r.id;
    }
    QVERIFY(!want.isEmpty());
    QCOMPARE(brushed.takeFirst().at(0).toStringList(), want);

    ParamScatterView scatter;
    scatter.resize(900, 560);
    scatter.setRuns(runs);
    scatter.setParam(QStringLiteral("lr"));
    scatter.setMetric(QStringLiteral("val_loss"));
    scatter.setSummary(MetricAxis::Summary::Max);
    scatter.show();
    QVERIFY(QTest::qWaitForWindowExposed(&scatter));
    // run-01's val_loss reached +inf: not plotted, and said.
    QVERIFY(scatter.note().contains(QStringLiteral("without a finite value")));
    QCOMPARE(int(scatter.plottedPoints().size()),
             MetricAxis::build(runs, QStringLiteral("val_loss"), MetricAxis::Summary::Max).finiteCount());
    std::set<double> columns;
    for (const auto &p : scatter.plottedPoints())
        columns.insert(std::round(p.pos.x()));
    QCOMPARE(int(columns.size()), 3); // lr 0.001, 0.01, 0.1
}

void TestParamPlots::parallelManyRuns()
{
    // 500 runs x 10 params: building and painting stay quick (reported, not asserted: timings belong to
    // benchmarks), and brushing still selects exactly.
    std::vector<Run> runs;
    for (int r = 0; r < 500; ++r) {
        Params p;
        for (int k = 0; k < 9; ++k)
            p.insert(QStringLiteral("p%1").arg(k), QString::number((r * (k + 3)) % 97 + 1));
        p.insert(QStringLiteral("kind"), QStringLiteral("k%1").arg(r % 7));
        runs.push_back(makeRun(r, p, {{"m", summaryOf(r * 0.01)}}));
    }
    ParallelCoordinatesView view;
    view.resize(1400, 700);
    QElapsedTimer timer;
    timer.start();
    view.setRuns(runs);
    view.setAxes(ParamAxis::keys(runs));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage image = view.grab().toImage();
    qInfo("500 runs x 11 axes: set, lay out and paint in %lld ms", timer.elapsed());
    QVERIFY(colouredPixels(image) > 1000);
    QCOMPARE(int(view.canvas()->polylines().size()), 500);
    timer.restart();
    for (int i = 0; i < 10; ++i)
        view.canvas()->repaint();
    qInfo("repaint: %lld ms", timer.elapsed() / 10);
    timer.restart();
    for (int i = 0; i < 10; ++i) {
        view.canvas()->setBrush(QStringLiteral("param|p1|linear"), std::make_pair(0.0, 0.1 * (i + 1)), false);
        view.canvas()->repaint();
    }
    qInfo("brush moved and repainted: %lld ms", timer.elapsed() / 10);
    view.clearBrushes();

    // kind = k3 (slot 3 of 7).
    const int axis = int(view.axes().indexOf(QStringLiteral("kind")));
    const auto g = view.canvas()->axisGeometry()[size_t(axis)];
    const double y = g.bottom - (3.5 / 7.0) * (g.bottom - g.top);
    QSignalSpy brushed(&view, &ParallelCoordinatesView::brushedRunsChanged);
    drag(view.canvas(), g.x, y - 5, y + 5);
    QCOMPARE(brushed.count(), 1);
    const QStringList got = brushed.takeFirst().at(0).toStringList();
    QCOMPARE(got.size(), 71); // r % 7 == 3 for r < 500
    for (int r = 0; r < 500; ++r)
        QCOMPARE(got.contains(idOf(r)), r % 7 == 3);
}

void TestParamPlots::demoDataLightAndDark()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Store store(dir.filePath(QStringLiteral("demo.db")));
    DemoOptions options;
    options.runs = 50;
    options.steps = 400;
    generateDemoData(store, options);
    RunQuery q;
    q.experiments = {store.runs().experimentByName(QStringLiteral("image-classification"))->id};
    q.filter = QStringLiteral("attributes.run_name != 'lr-sweep'");
    const std::vector<Run> runs = store.runs().searchRuns(q);
    QVERIFY(runs.size() >= 30);

    for (const theme::Theme t : {theme::Theme::Light, theme::Theme::Dark}) {
        theme::apply(t);
        const bool dark = t == theme::Theme::Dark;
        QCOMPARE(theme::isDark(), dark);
        const QString suffix = dark ? QStringLiteral("dark") : QStringLiteral("light");

        ParamScatterView scatter;
        scatter.resize(1100, 650);
        scatter.setRuns(runs);
        scatter.setParam(QStringLiteral("lr"));
        scatter.setMetric(QStringLiteral("val/loss"));
        scatter.setSummary(MetricAxis::Summary::Min);
        scatter.findChild<QCheckBox *>(QStringLiteral("logX"))->setChecked(true);
        scatter.show();
        QVERIFY(QTest::qWaitForWindowExposed(&scatter));
        QVERIFY(scatter.isLogX());
        QCOMPARE(int(scatter.plottedPoints().size()), int(runs.size()));
        const QImage scatterImage = scatter.canvas()->grab().toImage();
        double lightness = 0;
        int samples = 0;
        const QRect plot = scatter.canvas()->plotRect().toRect().adjusted(2, 2, -2, -2);
        for (int y = plot.top(); y < plot.bottom(); y += 7) {
            for (int x = plot.left(); x < plot.right(); x += 7, ++samples)
                lightness += scatterImage.pixelColor(x, y).lightnessF();
        }
        QCOMPARE(lightness / samples < 0.5, dark);
        QVERIFY(colouredPixels(scatterImage) > 50);
        saveShot(scatter, QStringLiteral("scatter-%1.png").arg(suffix));

        scatter.setParam(QStringLiteral("optimizer"));
        scatter.setMetric(QStringLiteral("val/accuracy"));
        scatter.setSummary(MetricAxis::Summary::Last);
        saveShot(scatter, QStringLiteral("scatter-categories-%1.png").arg(suffix));

        ParallelCoordinatesView parallel;
        parallel.resize(1100, 650);
        parallel.setRuns(runs);
        parallel.setMetric(QStringLiteral("val/loss"));
        parallel.setSummary(MetricAxis::Summary::Last);
        parallel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&parallel));
        // The diverged run's last val/loss is NaN: it is grey, and the note says so.
        QVERIFY2(parallel.note().contains(QStringLiteral("without a finite value")),
                 qPrintable(parallel.note()));
        QVERIFY(colouredPixels(parallel.canvas()->grab().toImage()) > 500);
        saveShot(parallel, QStringLiteral("parallel-%1.png").arg(suffix));
        const auto g = parallel.canvas()->axisGeometry();
        const auto &lr = g[size_t(parallel.axes().indexOf(QStringLiteral("lr")))];
        drag(parallel.canvas(), lr.x, lr.top + (lr.bottom - lr.top) * 0.35,
             lr.top + (lr.bottom - lr.top) * 0.65);
        QVERIFY(parallel.brushedRunIds().size() < int(runs.size()));
        QVERIFY(!parallel.brushedRunIds().isEmpty());
        saveShot(parallel, QStringLiteral("parallel-brushed-%1.png").arg(suffix));
    }
    theme::apply(theme::Theme::Light);
}

QTEST_MAIN(TestParamPlots)
#include "tst_paramplots.moc"
