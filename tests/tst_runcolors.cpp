// SPDX-License-Identifier: GPL-3.0-or-later
// Run colours that tell runs apart: the palette measured (CIEDE2000 for normal vision and simulated colour-
// vision deficiencies), the window's colour map (order of entry, stability, pins, beyond the palette), and
// the real window: runs whose ids all fell on one colour under the old id hash get distinct colours in the
// runs table, the Compare legend, the charts' pixels, the Parameters header and the scatter; a colour pinned
// from the legend or by another process wins everywhere and survives reopening; export-chart draws them
// apart.

#include "charts/chartstab.h"
#include "charts/metricchart.h"
#include "charts/paramscatterview.h"
#include "itemmodels/roles.h"
#include "itemmodels/runcolormap.h"
#include "itemmodels/runcolors.h"
#include "itemmodels/runtablemodel.h"
#include "pages/comparepage.h"
#include "pages/runpage.h"
#include "pages/runspage.h"
#include "shell/mainwindow.h"
#include "store/store.h"
#include "testsupport.h"
#include "widgets/rundiffview.h"
#include "widgets/runheaderwidget.h"

#include <array>
#include <cmath>
#include <QApplication>
#include <QListWidget>
#include <QMenu>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace runlens;

namespace {

// --- Colour science, written here so that the test does not trust the code it checks ---------------------

using Lab = std::array<double, 3>;
using Rgb = std::array<double, 3>; // linear sRGB, 0..1

Rgb linearRgb(const QColor &c)
{
    const auto f = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return {f(c.redF()), f(c.greenF()), f(c.blueF())};
}

Lab labOf(const Rgb &rgb)
{
    const auto [r, g, b] = rgb;
    const double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    const double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    const double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    const auto f = [](double t) {
        return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16) / 116;
    };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

// CIEDE2000 after G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula: implementation
// notes, supplementary test data, and mathematical observations", Color Res. Appl. 30(1), 2005.
double ciede2000(const Lab &p, const Lab &q)
{
    constexpr double pi = 3.14159265358979323846;
    const auto rad = [](double deg) { return deg * pi / 180; };
    const auto deg = [](double r) { return r * 180 / pi; };
    const double c1 = std::hypot(p[1], p[2]), c2 = std::hypot(q[1], q[2]);
    const double cMean7 = std::pow((c1 + c2) / 2, 7);
    const double g = 0.5 * (1 - std::sqrt(cMean7 / (cMean7 + std::pow(25.0, 7))));
    const double a1 = (1 + g) * p[1], a2 = (1 + g) * q[1];
    const double c1p = std::hypot(a1, p[2]), c2p = std::hypot(a2, q[2]);
    const auto hue = [&](double b, double a) {
        if (a == 0 && b == 0)
            return 0.0;
        const double h = deg(std::atan2(b, a));
        return h < 0 ? h + 360 : h;
    };
    const double h1 = hue(p[2], a1), h2 = hue(q[2], a2);
    const double dL = q[0] - p[0], dC = c2p - c1p;
    double dh = 0;
    if (c1p * c2p != 0) {
        dh = h2 - h1;
        if (dh > 180)
            dh -= 360;
        else if (dh < -180)
            dh += 360;
    }
    const double dH = 2 * std::sqrt(c1p * c2p) * std::sin(rad(dh / 2));
    const double lMean = (p[0] + q[0]) / 2, cMean = (c1p + c2p) / 2;
    double hMean = h1 + h2;
    if (c1p * c2p != 0) {
        if (std::abs(h1 - h2) <= 180)
            hMean = (h1 + h2) / 2;
        else
            hMean = h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
    }
    const double t = 1 - 0.17 * std::cos(rad(hMean - 30)) + 0.24 * std::cos(rad(2 * hMean)) +
                     0.32 * std::cos(rad(3 * hMean + 6)) - 0.20 * std::cos(rad(4 * hMean - 63));
    const double dTheta = 30 * std::exp(-std::pow((hMean - 275) / 25, 2));
    const double cMeanP7 = std::pow(cMean, 7);
    const double rc = 2 * std::sqrt(cMeanP7 / (cMeanP7 + std::pow(25.0, 7)));
    const double sl = 1 + 0.015 * std::pow(lMean - 50, 2) / std::sqrt(20 + std::pow(lMean - 50, 2));
    const double sc = 1 + 0.045 * cMean, sh = 1 + 0.015 * cMean * t;
    const double rt = -std::sin(rad(2 * dTheta)) * rc;
    return std::sqrt(std::pow(dL / sl, 2) + std::pow(dC / sc, 2) + std::pow(dH / sh, 2) +
                     rt * (dC / sc) * (dH / sh));
}

// Dichromacy simulated with the severity-1.0 matrices of G. M. Machado, M. M. Oliveira, L. A. F. Fernandes,
// "A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6), 2009, applied
// to linear RGB.
enum class Vision { Normal, Deuteranopia, Protanopia, Tritanopia };
constexpr std::array<Vision, 4> visions = {Vision::Normal, Vision::Deuteranopia, Vision::Protanopia,
                                           Vision::Tritanopia};
using Matrix = std::array<std::array<double, 3>, 3>;
constexpr Matrix protanopia = {
    {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}};
constexpr Matrix deuteranopia = {
    {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}};
constexpr Matrix tritanopia = {
    {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}};

Lab seenAs(const QColor &c, Vision v)
{
    const Rgb rgb = linearRgb(c);
    if (v == Vision::Normal)
        return labOf(rgb);
    const Matrix &m = v == Vision::Protanopia     ? protanopia
                      : v == Vision::Deuteranopia ? deuteranopia
                                                  : tritanopia;
    Rgb out{};
    for (int i = 0; i < 3; ++i)
        out[i] = std::clamp(m[i][0] * rgb[0] + m[i][1] * rgb[1] + m[i][2] * rgb[2], 0.0, 1.0);
    return labOf(out);
}

// The smallest CIEDE2000 distance of two colours over the four visions.
double distance(const QColor &a, const QColor &b)
{
    double d = 1e9;
    for (Vision v : visions)
        d = std::min(d, ciede2000(seenAs(a, v), seenAs(b, v)));
    return d;
}

double smallestDistance(const QList<QColor> &colors)
{
    double d = 1e9;
    for (qsizetype i = 0; i < colors.size(); ++i)
        for (qsizetype j = 0; j < i; ++j)
            d = std::min(d, distance(colors[i], colors[j]));
    return d;
}

// What a palette for lines must give: the first k colours at least this far apart (CIEDE2000 2.3 is a just
// noticeable difference between large patches; thin lines need several times that).
constexpr std::array<std::pair<int, double>, 3> spacing = {{{4, 15.0}, {6, 10.0}, {10, 6.0}}};

QStringList spacingProblems(const QList<QColor> &palette)
{
    QStringList problems;
    if (palette.size() < 10)
        problems << QStringLiteral("only %1 colours").arg(palette.size());
    for (const auto &[n, least] : spacing) {
        const double d = smallestDistance(palette.mid(0, n));
        if (d < least)
            problems << QStringLiteral("first %1 colours: %2 < %3").arg(n).arg(d, 0, 'f', 1).arg(least);
    }
    return problems;
}

// The palette before issue 17, hashed by run id.
const QList<QColor> previousPalette = {
    QColor(0x1f, 0x77, 0xb4), QColor(0xe8, 0x6a, 0x10), QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
    QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
    QColor(0xb5, 0xb0, 0x0c), QColor(0x17, 0xbe, 0xcf), QColor(0x39, 0x3b, 0xd9), QColor(0x63, 0x8c, 0x1c),
    QColor(0xc4, 0x3c, 0x8e), QColor(0x0b, 0x8a, 0x7a), QColor(0xc9, 0x8a, 0x00), QColor(0x6b, 0x4f, 0xc8),
};

// The colour the previous code gave an id: FNV-1a of its characters over those 16 colours.
int previousIndex(const QString &id)
{
    quint32 h = 2166136261u;
    for (QChar c : id) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    return int(h % 16u);
}

// Twelve run ids that all had previousPalette[0]: the repeated blue of issue 17.
const QStringList collidingIds = {
    QStringLiteral("c0105ed0000000000000000000000025"), QStringLiteral("c0105ed000000000000000000000002e"),
    QStringLiteral("c0105ed0000000000000000000000032"), QStringLiteral("c0105ed000000000000000000000003b"),
    QStringLiteral("c0105ed0000000000000000000000043"), QStringLiteral("c0105ed000000000000000000000004c"),
    QStringLiteral("c0105ed0000000000000000000000050"), QStringLiteral("c0105ed0000000000000000000000069"),
    QStringLiteral("c0105ed0000000000000000000000076"), QStringLiteral("c0105ed000000000000000000000007f"),
    QStringLiteral("c0105ed0000000000000000000000087"), QStringLiteral("c0105ed0000000000000000000000094"),
};

QList<RunColorMap::Member> members(const QStringList &ids)
{
    QList<RunColorMap::Member> out;
    for (const QString &id : ids)
        out.push_back({id, {}});
    return out;
}

// The share of an image's pixels within a small distance of `c` (the curves' fully covered pixels).
int pixelsOf(const QImage &image, const QColor &c)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor p = image.pixelColor(x, y);
            if (std::abs(p.red() - c.red()) <= 6 && std::abs(p.green() - c.green()) <= 6 &&
                std::abs(p.blue() - c.blue()) <= 6)
                ++n;
        }
    }
    return n;
}

int distinctCount(const QList<QColor> &colors)
{
    QSet<QRgb> set;
    for (const QColor &c : colors)
        set.insert(c.rgba());
    return int(set.size());
}

QColor legendColor(QListWidget *legend, const QString &name)
{
    const QList<QListWidgetItem *> items = legend->findItems(name, Qt::MatchStartsWith);
    if (items.size() != 1)
        return {};
    return items.first()->icon().pixmap(QSize(28, 14)).toImage().pixelColor(7, 7);
}

} // namespace

class TestRunColors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { test::forgetSettings(); }
    void ciede2000MatchesSharmasTestData();
    void paletteTellsLinesApartForEveryVision();
    void paletteIsOrderedFarthestFirst();
    void paletteReadsOnLightAndDarkPlots();
    void mapGivesDistinctColoursInOrder();
    void mapKeepsColoursWhileRunsStay();
    void mapPinsWinAndAutomaticColoursAvoidThem();
    void mapBeyondThePaletteReusesTheLeastUsed();
    void mapDrawnTogetherBeatsAListing();
    void mapLetsGoOfRunsNoViewHolds();
    void windowShowsCollidingRunsApartEverywhere();
    void compareKeepsColoursWhenRunsComeAndGo();
    void legendPinWinsEverywhereAndSurvivesReopening();
    void pinByAnotherProcessShowsOnRefresh();
    void runPageShowsAndPinsTheColour();
    void exportChartDrawsCollidingRunsApart();

private:
    QString makeDatabase(const QString &name);
    QTemporaryDir m_dir;
};

void TestRunColors::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The ids of this test all fell on one colour before.
    for (const QString &id : collidingIds)
        QCOMPARE(previousIndex(id), 0);
}

QString TestRunColors::makeDatabase(const QString &name)
{
    const QString db = m_dir.filePath(name);
    Store store(db);
    const ExperimentId e = store.runs().createExperiment(QStringLiteral("lightning"));
    for (int i = 0; i < 6; ++i) {
        NewRun n;
        n.experimentId = e;
        n.id = collidingIds[i];
        n.name = QStringLiteral("run%1").arg(i);
        n.startMs = 1'700'000'000'000 + i * 1000; // the table lists the newest first
        n.status = RunStatus::Finished;
        store.runs().createRun(n);
        store.runs().logParam(n.id, QStringLiteral("lr"), QString::number(0.001 * (i + 1)));
        std::vector<MetricPoint> loss;
        for (int s = 0; s < 400; ++s)
            loss.push_back({s, 1'700'000'000'000 + s * 100, 1.0 + i + std::sin(s / 30.0) * 0.2});
        store.series().logMetrics(n.id, QStringLiteral("loss"), loss);
    }
    return db;
}

void TestRunColors::ciede2000MatchesSharmasTestData()
{
    // Pairs 1, 7, 17 and 25 of Sharma et al.'s Table 1.
    QCOMPARE(std::round(ciede2000({50, 2.6772, -79.7751}, {50, 0, -82.7485}) * 1e4) / 1e4, 2.0425);
    QCOMPARE(std::round(ciede2000({50, 0, 0}, {50, -1, 2}) * 1e4) / 1e4, 2.3669);
    QCOMPARE(std::round(ciede2000({50, 2.5, 0}, {73, 25, -18}) * 1e4) / 1e4, 27.1492);
    QCOMPARE(std::round(ciede2000({60.2574, -34.0099, 36.2677}, {60.4626, -34.1751, 39.4387}) * 1e4) / 1e4,
             1.2644);
    // Machado's deuteranopia matrix makes pure red and green hard to tell apart, as it should.
    QVERIFY(ciede2000(seenAs(Qt::red, Vision::Normal), seenAs(Qt::green, Vision::Normal)) > 80);
    QVERIFY(ciede2000(seenAs(Qt::red, Vision::Deuteranopia), seenAs(Qt::green, Vision::Deuteranopia)) < 25);
}

void TestRunColors::paletteTellsLinesApartForEveryVision()
{
    const QStringList problems = spacingProblems(RunColors::palette());
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
    // The measure tells: the previous palette's first four already hold two colours a deuteranope cannot
    // tell apart (its orange and green).
    QVERIFY(!spacingProblems(previousPalette).isEmpty());
    QVERIFY(smallestDistance(previousPalette.mid(0, 4)) < 8);
}

void TestRunColors::paletteIsOrderedFarthestFirst()
{
    // Each colour is the one of those left that stands farthest from the colours before it.
    const QList<QColor> &p = RunColors::palette();
    for (qsizetype k = 2; k < p.size(); ++k) {
        const auto nearestBefore = [&](const QColor &c) {
            double d = 1e9;
            for (qsizetype i = 0; i < k; ++i)
                d = std::min(d, distance(c, p[i]));
            return d;
        };
        const double chosen = nearestBefore(p[k]);
        for (qsizetype j = k + 1; j < p.size(); ++j)
            QVERIFY2(nearestBefore(p[j]) <= chosen + 0.05,
                     qPrintable(QStringLiteral("%1 should come before %2").arg(p[j].name(), p[k].name())));
    }
}

void TestRunColors::paletteReadsOnLightAndDarkPlots()
{
    // The plot backgrounds: the light appearance's white base and the dark theme's (ui/shell/theme.cpp).
    for (const QColor &background : {QColor(Qt::white), QColor(0x1f, 0x21, 0x24)}) {
        for (const QColor &c : RunColors::palette())
            QVERIFY2(distance(c, background) >= 25,
                     qPrintable(QStringLiteral("%1 on %2").arg(c.name(), background.name())));
    }
}

void TestRunColors::mapGivesDistinctColoursInOrder()
{
    RunColorMap map;
    QSignalSpy changed(&map, &RunColorMap::colorsChanged);
    QVERIFY(changed.isValid());
    map.hold(QStringLiteral("compare"), members(collidingIds.mid(0, 5)));
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(map.paletteIndexOf(collidingIds[i]), i);
        QCOMPARE(map.colorOf(collidingIds[i]), RunColors::palette()[i]);
    }
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().first().toStringList(), collidingIds.mid(0, 5));
    QVERIFY(!map.colorOf(collidingIds[5]).isValid()); // held by no view
}

void TestRunColors::mapKeepsColoursWhileRunsStay()
{
    RunColorMap map;
    const QString view = QStringLiteral("compare");
    map.hold(view, members(collidingIds.mid(0, 4)));
    QHash<QString, QColor> before;
    for (const QString &id : collidingIds.mid(0, 4))
        before.insert(id, map.colorOf(id));
    // A run added at the front: the others keep theirs, the new one takes a colour none of them has.
    map.hold(view, members(QStringList{collidingIds[4]} + collidingIds.mid(0, 4)));
    for (const QString &id : collidingIds.mid(0, 4))
        QCOMPARE(map.colorOf(id), before.value(id));
    QCOMPARE(map.paletteIndexOf(collidingIds[4]), 4);
    // One removed: the others keep theirs; the next newcomer takes the colour it gave back.
    map.hold(view, members({collidingIds[4], collidingIds[0], collidingIds[2], collidingIds[3]}));
    for (const QString &id : {collidingIds[0], collidingIds[2], collidingIds[3]})
        QCOMPARE(map.colorOf(id), before.value(id));
    map.hold(view,
             members({collidingIds[4], collidingIds[0], collidingIds[2], collidingIds[3], collidingIds[5]}));
    QCOMPARE(map.colorOf(collidingIds[5]), before.value(collidingIds[1]));
}

void TestRunColors::mapPinsWinAndAutomaticColoursAvoidThem()
{
    RunColorMap map;
    const QList<QColor> &palette = RunColors::palette();
    // The last run pins the palette's first colour, another a custom shade close to its second.
    const QColor nearSecond = palette[1].lighter(104);
    QVERIFY(nearSecond != palette[1]);
    QList<RunColorMap::Member> m = members(collidingIds.mid(0, 4));
    m[3].pin = palette[0];
    m[2].pin = nearSecond;
    map.hold(QStringLiteral("compare"), m);
    QCOMPARE(map.colorOf(collidingIds[3]), palette[0]);
    QCOMPARE(map.colorOf(collidingIds[2]), nearSecond);
    QCOMPARE(map.colorOf(collidingIds[0]), palette[2]);
    QCOMPARE(map.colorOf(collidingIds[1]), palette[3]);
    QCOMPARE(map.paletteIndexOf(collidingIds[3]), -1); // pinned
    // The pin removed ("Automatic"): the run takes a palette colour nobody in the view has, the others stay.
    m[3].pin = QColor();
    m[2].pin = QColor(0x20, 0x20, 0x20); // and a pin near no palette colour frees the second
    QSignalSpy changed(&map, &RunColorMap::colorsChanged);
    QVERIFY(changed.isValid());
    map.hold(QStringLiteral("compare"), m);
    QCOMPARE(map.paletteIndexOf(collidingIds[3]), 0);
    QCOMPARE(map.colorOf(collidingIds[2]), QColor(0x20, 0x20, 0x20));
    QCOMPARE(map.colorOf(collidingIds[0]), palette[2]);
    QCOMPARE(map.colorOf(collidingIds[1]), palette[3]);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().first().toStringList(), QStringList{collidingIds[2]});
}

void TestRunColors::mapBeyondThePaletteReusesTheLeastUsed()
{
    RunColorMap map;
    const int size = int(RunColors::palette().size());
    QStringList ids;
    for (int i = 0; i < size + 3; ++i)
        ids << QStringLiteral("run%1").arg(i);
    map.hold(QStringLiteral("compare"), members(ids));
    QList<int> use(size, 0);
    for (const QString &id : std::as_const(ids))
        ++use[map.paletteIndexOf(id)];
    for (int i = 0; i < size; ++i)
        QVERIFY(use[i] == 1 || use[i] == 2);
    QCOMPARE(std::count(use.cbegin(), use.cend(), 2), 3);
    // The first `size` are all different.
    QSet<int> first;
    for (int i = 0; i < size; ++i)
        first.insert(map.paletteIndexOf(ids[i]));
    QCOMPARE(first.size(), size);
}

void TestRunColors::mapDrawnTogetherBeatsAListing()
{
    RunColorMap map;
    const int size = int(RunColors::palette().size());
    QStringList rows;
    for (int i = 0; i < size + 2; ++i)
        rows << QStringLiteral("row%1").arg(i, 2, 10, QLatin1Char('0'));
    map.hold(QStringLiteral("table"), members(rows), RunColorMap::Policy::Listing);
    QCOMPARE(map.colorOf(rows[size]), map.colorOf(rows[0])); // the listing is longer than the palette
    // Compared together, the two are drawn apart: the newcomer of the clash gives way, in every view.
    QSignalSpy changed(&map, &RunColorMap::colorsChanged);
    map.hold(QStringLiteral("compare"), members({rows[0], rows[size]}));
    QVERIFY(map.colorOf(rows[0]) != map.colorOf(rows[size]));
    QCOMPARE(map.paletteIndexOf(rows[0]), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().first().toStringList(), QStringList{rows[size]});
    // The listing holding again (a scroll) recolours nothing that the comparison shows.
    map.hold(QStringLiteral("table"), members(rows), RunColorMap::Policy::Listing);
    QVERIFY(map.colorOf(rows[0]) != map.colorOf(rows[size]));
    // And a run the comparison coloured keeps that colour when it enters the listing.
    map.hold(QStringLiteral("compare"), members({rows[0], rows[size], QStringLiteral("other")}));
    const QColor other = map.colorOf(QStringLiteral("other"));
    map.hold(QStringLiteral("table"), members(rows + QStringList{QStringLiteral("other")}),
             RunColorMap::Policy::Listing);
    QCOMPARE(map.colorOf(QStringLiteral("other")), other);

    // Beyond the palette a comparison shares colours; the table showing two runs that share one, again and
    // again (scrolling, refreshes), recolours neither: the charts keep theirs.
    RunColorMap wide;
    wide.hold(QStringLiteral("compare"), members(rows.mid(0, size + 1)));
    const QColor shared = wide.colorOf(rows[size]);
    QCOMPARE(shared, wide.colorOf(rows[0]));
    QSignalSpy recoloured(&wide, &RunColorMap::colorsChanged);
    for (int i = 0; i < 3; ++i)
        wide.hold(QStringLiteral("table"), members({rows[0], rows[size]}), RunColorMap::Policy::Listing);
    QCOMPARE(wide.colorOf(rows[size]), shared);
    QCOMPARE(recoloured.size(), 0);
}

void TestRunColors::mapLetsGoOfRunsNoViewHolds()
{
    RunColorMap map;
    map.hold(QStringLiteral("a"), members(collidingIds.mid(0, 3)));
    map.hold(QStringLiteral("b"), members(collidingIds.mid(2, 2)));
    map.release(QStringLiteral("a"));
    QVERIFY(!map.colorOf(collidingIds[0]).isValid());
    QVERIFY(map.colorOf(collidingIds[2]).isValid()); // still held by b
    QCOMPARE(map.heldBy(QStringLiteral("a")), QStringList());
    // Colours given back are free again: a new view of two runs gets the first two.
    map.release(QStringLiteral("b"));
    map.hold(QStringLiteral("c"), members(collidingIds.mid(6, 2)));
    QCOMPARE(map.paletteIndexOf(collidingIds[6]), 0);
    QCOMPARE(map.paletteIndexOf(collidingIds[7]), 1);
}

void TestRunColors::windowShowsCollidingRunsApartEverywhere()
{
    const QString db = makeDatabase(QStringLiteral("apart.db"));
    MainWindow window(db);
    window.resize(1400, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.runsPage()->showExperiment(1);
    QTRY_VERIFY(!window.isLoading());
    QTableView *table = window.runsPage()->table();
    QTRY_COMPARE(table->model()->rowCount(), 6);
    // The rows on screen, in table order, in distinct colours.
    QHash<QString, QColor> tableColor;
    const auto readTable = [&] {
        tableColor.clear();
        for (int row = 0; row < 6; ++row) {
            const QModelIndex name = table->model()->index(row, RunTableModel::NameColumn);
            tableColor.insert(name.data(RunIdRole).toString(), name.data(Qt::DecorationRole).value<QColor>());
        }
    };
    QTRY_VERIFY((readTable(), tableColor.size() == 6 && !tableColor.values().contains(QColor())));
    QCOMPARE(distinctCount(tableColor.values()), 6);
    QCOMPARE(table->model()->index(0, RunTableModel::NameColumn).data(RunColorRole).value<QColor>(),
             RunColors::palette()[0]);

    // Compared: five runs, five colours, the same as in the table, in the legend, the charts' pixels, the
    // Parameters header and the scatter's dots.
    const QStringList five = collidingIds.mid(0, 5);
    window.showCompare(five);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    ComparePage *page = window.comparePage();
    auto *legend = page->findChild<QListWidget *>(QStringLiteral("compareLegend"));
    QVERIFY(legend);
    QList<QColor> seen;
    for (int i = 0; i < 5; ++i) {
        const QColor c = legendColor(legend, QStringLiteral("run%1").arg(i));
        QCOMPARE(c, tableColor.value(collidingIds[i]));
        seen << c;
    }
    QCOMPARE(distinctCount(seen), 5);
    MetricChart *loss = page->charts().first();
    QCOMPARE(loss->key(), QStringLiteral("loss"));
    QTRY_VERIFY(!loss->isLoading());
    const QImage pixels = loss->grab().toImage();
    for (const QColor &c : std::as_const(seen))
        QVERIFY2(pixelsOf(pixels, c) > 30, qPrintable(c.name()));
    const QAbstractItemModel *diff = page->diffView()->table()->model();
    for (int column = 0; column < diff->columnCount(); ++column) {
        const QString id = diff->headerData(column, Qt::Horizontal, RunIdRole).toString();
        QCOMPARE(diff->headerData(column, Qt::Horizontal, RunColorRole).value<QColor>(),
                 tableColor.value(id));
    }
    page->scatterView()->setParam(QStringLiteral("lr"));
    page->scatterView()->setMetric(QStringLiteral("loss"));
    QCOMPARE(page->scatterView()->plottedPoints().size(), size_t(5));
    for (const ScatterCanvas::Point &p : page->scatterView()->plottedPoints())
        QCOMPARE(p.color, tableColor.value(p.runId));
}

void TestRunColors::compareKeepsColoursWhenRunsComeAndGo()
{
    const QString db = makeDatabase(QStringLiteral("stay.db"));
    MainWindow window(db);
    window.resize(1400, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showCompare(collidingIds.mid(0, 4));
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    auto *legend = window.comparePage()->findChild<QListWidget *>(QStringLiteral("compareLegend"));
    QHash<QString, QColor> before;
    for (int i = 0; i < 4; ++i)
        before.insert(collidingIds[i], legendColor(legend, QStringLiteral("run%1").arg(i)));
    QCOMPARE(distinctCount(before.values()), 4);

    window.showCompare(collidingIds.mid(0, 5)); // one added
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading() && legend->count() == 5, 20000);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(legendColor(legend, QStringLiteral("run%1").arg(i)), before.value(collidingIds[i]));
    const QColor added = legendColor(legend, QStringLiteral("run4"));
    QVERIFY(!before.values().contains(added));

    window.showCompare({collidingIds[0], collidingIds[2], collidingIds[3], collidingIds[4]}); // one removed
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading() && legend->count() == 4, 20000);
    for (int i : {0, 2, 3})
        QCOMPARE(legendColor(legend, QStringLiteral("run%1").arg(i)), before.value(collidingIds[i]));
    QCOMPARE(legendColor(legend, QStringLiteral("run4")), added);
}

void TestRunColors::legendPinWinsEverywhereAndSurvivesReopening()
{
    const QString db = makeDatabase(QStringLiteral("pin.db"));
    QColor pinned;
    {
        MainWindow window(db);
        window.resize(1400, 900);
        window.show();
        QTRY_VERIFY(!window.isLoading());
        window.runsPage()->showExperiment(1);
        window.showCompare(collidingIds.mid(0, 3));
        QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
        auto *legend = window.comparePage()->findChild<QListWidget *>(QStringLiteral("compareLegend"));
        QListWidgetItem *item = legend->findItems(QStringLiteral("run1"), Qt::MatchStartsWith).first();
        // Pin run1 to the colour run0 has: run0 must give way.
        const QColor pin = legendColor(legend, QStringLiteral("run0"));
        pinned = pin;
        const int swatchIndex = int(RunColors::palette().indexOf(pin));
        QVERIFY(swatchIndex >= 0);
        // Right-click the legend entry: Set Colour offers the palette, Custom… and Automatic.
        bool offered = false;
        QTimer::singleShot(50, this, [&] {
            auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
            QVERIFY(menu);
            QVERIFY(menu->findChild<QAction *>(QStringLiteral("runColorCustom")));
            QAction *automatic = menu->findChild<QAction *>(QStringLiteral("runColorAutomatic"));
            QVERIFY(automatic && !automatic->isEnabled()); // nothing pinned yet
            QAction *swatch = menu->findChild<QAction *>(QStringLiteral("runColor%1").arg(swatchIndex));
            QVERIFY(swatch);
            offered = true;
            swatch->trigger();
            menu->close();
        });
        Q_EMIT legend->customContextMenuRequested(legend->visualItemRect(item).center());
        QTRY_VERIFY(offered);
        // Written on the worker, read back: the legend, the charts and the runs table show the pin.
        QTRY_COMPARE_WITH_TIMEOUT(legendColor(legend, QStringLiteral("run1")), pin, 10000);
        QCOMPARE(window.comparePage()->chartContext().styles.value(collidingIds[1]).color, pin);
        QTableView *table = window.runsPage()->table();
        const int row = window.runsPage()->model()->rowOf(collidingIds[1]);
        QVERIFY(row >= 0);
        QTRY_COMPARE(table->model()->index(row, RunTableModel::NameColumn).data(RunColorRole).value<QColor>(),
                     pin);
        // The other runs of the comparison keep apart from the pin.
        QVERIFY(legendColor(legend, QStringLiteral("run0")) != pin);
        QVERIFY(legendColor(legend, QStringLiteral("run2")) != pin);
    }
    // Stored in the database: a new window shows it, in a comparison where the run comes first.
    MainWindow window(db);
    window.resize(1400, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.showCompare({collidingIds[4], collidingIds[1], collidingIds[5]});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 20000);
    auto *legend = window.comparePage()->findChild<QListWidget *>(QStringLiteral("compareLegend"));
    QCOMPARE(legendColor(legend, QStringLiteral("run1")), pinned);
    QVERIFY(legendColor(legend, QStringLiteral("run4")) != pinned);
    QVERIFY(legendColor(legend, QStringLiteral("run5")) != pinned);
}

void TestRunColors::pinByAnotherProcessShowsOnRefresh()
{
    const QString db = makeDatabase(QStringLiteral("other.db"));
    MainWindow window(db);
    window.resize(1400, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.runsPage()->showExperiment(1);
    QTRY_VERIFY(!window.isLoading());
    QTableView *table = window.runsPage()->table();
    QTRY_COMPARE(table->model()->rowCount(), 6);
    QProcess p;
    p.start(QStringLiteral(RUNLENS_BINARY),
            {QStringLiteral("--db"), db, QStringLiteral("log"), QStringLiteral("--run"), collidingIds[2],
             QStringLiteral("--tag"), QStringLiteral("runlens.color=#ff0000")});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    const int row = window.runsPage()->model()->rowOf(collidingIds[2]);
    QTRY_COMPARE_WITH_TIMEOUT(
        table->model()->index(row, RunTableModel::NameColumn).data(Qt::DecorationRole).value<QColor>(),
        QColor(0xff, 0, 0), 10000);
}

void TestRunColors::runPageShowsAndPinsTheColour()
{
    const QString db = makeDatabase(QStringLiteral("runpage.db"));
    MainWindow window(db);
    window.resize(1400, 900);
    window.show();
    QTRY_VERIFY(!window.isLoading());
    window.runsPage()->showExperiment(1);
    QTableView *table = window.runsPage()->table();
    QTRY_COMPARE(table->model()->rowCount(), 6);
    const int row = window.runsPage()->model()->rowOf(collidingIds[3]);
    QTRY_VERIFY(
        table->model()->index(row, RunTableModel::NameColumn).data(RunColorRole).value<QColor>().isValid());
    const QColor inTable =
        table->model()->index(row, RunTableModel::NameColumn).data(RunColorRole).value<QColor>();

    window.showRun(collidingIds[3]);
    RunPage *page = window.runPage();
    QTRY_VERIFY(!page->isLoading() && page->currentRun());
    auto *header = page->findChild<RunHeaderWidget *>();
    QVERIFY(header);
    QToolButton *button = header->colorButton();
    const auto shown = [button] { return button->icon().pixmap(16, 16).toImage().pixelColor(8, 8); };
    QCOMPARE(shown(), inTable); // the colour the table gives it
    // The button's menu: the palette, Custom… and Automatic; a swatch pins the run.
    QMenu *menu = button->menu();
    QVERIFY(menu);
    Q_EMIT menu->aboutToShow();
    QVERIFY(menu->findChild<QAction *>(QStringLiteral("runColorCustom")));
    QAction *automatic = menu->findChild<QAction *>(QStringLiteral("runColorAutomatic"));
    QVERIFY(automatic && !automatic->isEnabled());
    const int other = inTable == RunColors::palette()[8] ? 9 : 8;
    menu->findChild<QAction *>(QStringLiteral("runColor%1").arg(other))->trigger();
    QTRY_COMPARE(shown(), RunColors::palette()[other]);
    QCOMPARE(Store(db).runs().run(collidingIds[3])->tags.value(QString::fromLatin1(RunColorTag)),
             RunColors::palette()[other].name());
    // Automatic takes the pin away again, and the run its automatic colour.
    Q_EMIT menu->aboutToShow();
    automatic = menu->findChild<QAction *>(QStringLiteral("runColorAutomatic"));
    QVERIFY(automatic->isEnabled());
    automatic->trigger();
    QTRY_VERIFY(!Store(db).runs().run(collidingIds[3])->tags.contains(QString::fromLatin1(RunColorTag)));
    QTRY_COMPARE(shown(), inTable); // the colour it had is free again
}

void TestRunColors::exportChartDrawsCollidingRunsApart()
{
    const QString db = makeDatabase(QStringLiteral("export.db"));
    const QString out = m_dir.filePath(QStringLiteral("five.png"));
    const QStringList five = collidingIds.mid(0, 5);
    QProcess p;
    p.start(QStringLiteral(RUNLENS_BINARY),
            {QStringLiteral("--db"), db, QStringLiteral("export-chart"), QStringLiteral("--runs"),
             five.join(QLatin1Char(',')), QStringLiteral("--metric"), QStringLiteral("loss"),
             QStringLiteral("--size"), QStringLiteral("900x500"), QStringLiteral("--out"), out});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QImage image(out);
    QVERIFY(!image.isNull());
    // The palette's first five colours, in the order the runs were given: each drawn, none shared.
    for (int i = 0; i < 5; ++i) {
        const QColor c = RunColors::palette()[i];
        QVERIFY2(pixelsOf(image, c) > 30, qPrintable(c.name()));
    }
    for (int i = 5; i < RunColors::palette().size(); ++i)
        QCOMPARE(pixelsOf(image, RunColors::palette()[i]), 0);
}

QTEST_MAIN(TestRunColors)
#include "tst_runcolors.moc"
