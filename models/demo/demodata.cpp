// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/demodata.h"

#include <cmath>
#include <limits>
#include <QRandomGenerator>
#include <random>

namespace runlens {

namespace {

constexpr qint64 StepMs = 180;

struct Curves
{
    std::vector<MetricPoint> trainLoss, valLoss, valAccuracy, lr;
};

// A training run: exponential decay towards a floor that depends on the learning rate, gaussian noise, a few
// isolated spikes, validation every 50 steps, warm-up then cosine decay of the learning rate.
Curves trainingCurves(std::mt19937_64 &rng, int steps, double lr, qint64 startMs, bool diverge)
{
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_int_distribution<int> spikeAt(steps / 10, steps - 1);
    std::vector<int> spikes;
    for (int i = 0; i < 3; ++i)
        spikes.push_back(spikeAt(rng));
    const double quality = std::exp(-std::pow(std::log10(lr) + 3.2, 2) / 0.8); // best near lr 6e-4
    const double floor = 0.08 + 0.35 * (1.0 - quality);
    const double tau = steps * (0.08 + 0.25 / (1.0 + lr * 800));
    const int divergeAt = steps / 3;
    Curves c;
    c.trainLoss.reserve(size_t(steps));
    for (int s = 0; s < steps; ++s) {
        const qint64 t = startMs + s * StepMs;
        double loss = floor + 2.2 * std::exp(-s / tau);
        loss *= 1.0 + 0.06 * noise(rng);
        if (std::find(spikes.begin(), spikes.end(), s) != spikes.end())
            loss *= 3.5;
        if (diverge && s >= divergeAt) {
            loss = floor * std::exp((s - divergeAt) / 25.0);
            if (s > divergeAt + 120)
                loss = std::numeric_limits<double>::quiet_NaN();
            else if (s == divergeAt + 120)
                loss = std::numeric_limits<double>::infinity();
        }
        c.trainLoss.push_back({s, t, loss});
        const double warm = std::min(1.0, s / (0.05 * steps));
        c.lr.push_back({s, t, lr * warm * 0.5 * (1.0 + std::cos(M_PI * s / steps))});
        if (s % 50 == 49 || s == steps - 1) {
            const double v = (diverge && s >= divergeAt)
                                 ? loss
                                 : floor * 1.15 + 2.0 * std::exp(-s / tau) * (1.0 + 0.03 * noise(rng));
            c.valLoss.push_back({s, t, v});
            const double acc = std::isfinite(v) ? std::clamp(1.0 - 0.55 * v, 0.05, 0.995) : 0.1;
            c.valAccuracy.push_back({s, t, acc});
        }
    }
    return c;
}

} // namespace

DemoSummary generateDemoData(Store &store, const DemoOptions &options, const DemoProgress &progress)
{
    std::mt19937_64 rng(20261122);
    DemoSummary summary;
    Store::Transaction tx(store);
    const qint64 baseMs = nowMs() - qint64(options.runs) * 3'600'000;

    const int imageRuns = std::max(1, options.runs * 7 / 10);
    const int textRuns = std::max(0, options.runs - imageRuns);
    const ExperimentId image = store.runs().ensureExperiment(QStringLiteral("image-classification"));
    store.runs().setExperimentDescription(
        image, QStringLiteral("ResNet-18 on CIFAR-10: learning-rate / batch-size / "
                              "optimizer sweep, three seeds each."));
    store.runs().setExperimentTag(image, QStringLiteral("dataset"), QStringLiteral("cifar10"));
    summary.experiments = 1;
    ExperimentId text = 0;
    if (textRuns > 0) {
        text = store.runs().ensureExperiment(QStringLiteral("text-regression"));
        store.runs().setExperimentDescription(
            text, QStringLiteral("Review-score regression with a small transformer."));
        summary.experiments = 2;
    }

    static const double lrs[] = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2};
    static const int batches[] = {32, 64, 128};
    static const char *optimizers[] = {"adam", "sgd", "adamw"};
    static const char *users[] = {"ana", "ben", "chen"};

    // A parent run that groups the sweep, as MLflow's nested runs do.
    NewRun parentInit;
    parentInit.experimentId = image;
    parentInit.name = QStringLiteral("lr-sweep");
    parentInit.user = QStringLiteral("ana");
    parentInit.status = RunStatus::Finished;
    parentInit.startMs = baseMs;
    parentInit.endMs = baseMs + qint64(imageRuns) * 3'600'000;
    parentInit.description = QStringLiteral("## Learning-rate sweep\nParent of the grid runs. Best so far: "
                                            "**adamw, lr 3e-4**.");
    const Run parent = store.runs().createRun(parentInit);
    store.runs().setTag(parent.id, QString::fromLatin1(mlflowtag::RunName), parent.name);
    ++summary.runs;
    const auto reportProgress = [&options, &summary, &progress] {
        if (progress && !progress(summary.runs, options.runs + 1))
            throw Error(QStringLiteral("demo data cancelled; nothing was written"));
    };
    reportProgress();

    for (int i = 0; i < options.runs; ++i) {
        const bool isImage = i < imageRuns;
        const double lr = lrs[(i / 3) % 5];
        const int batch = batches[(i / 15) % 3];
        const QString optimizer = QString::fromLatin1(optimizers[(i / 5) % 3]);
        const int seed = i % 3;
        const bool diverged = isImage && i == 4;
        const bool failed = isImage && i == 7;
        const bool running = i == options.runs - 1;
        int steps = options.steps;
        if (failed)
            steps = std::max(10, steps * 2 / 5);
        if (running)
            steps = std::max(10, steps / 2);

        NewRun init;
        init.experimentId = isImage ? image : text;
        init.name = isImage ? QStringLiteral("%1-lr%2-b%3-s%4").arg(optimizer).arg(lr).arg(batch).arg(seed)
                            : QStringLiteral("transformer-d%1-s%2").arg(64 << (i % 3)).arg(seed);
        init.user = QString::fromLatin1(users[i % 3]);
        init.startMs = baseMs + qint64(i) * 3'600'000;
        init.status = running ? RunStatus::Running : failed ? RunStatus::Failed : RunStatus::Finished;
        if (!running)
            init.endMs = *init.startMs + steps * StepMs;
        init.sourceName = isImage ? QStringLiteral("train_cifar.py") : QStringLiteral("train_reviews.py");
        init.sourceType = QStringLiteral("LOCAL");
        for (int w = 0; w < 3; ++w)
            init.gitCommit += QStringLiteral("%1").arg(quint64(rng()), 16, 16, QLatin1Char('0'));
        init.gitCommit.truncate(40);
        if (isImage)
            init.parentId = parent.id;
        if (diverged)
            init.description = QStringLiteral("Diverged after warm-up: loss went to **inf**, then NaN.\n\n"
                                              "- lr too high for batch %1\n- try gradient clipping")
                                   .arg(batch);
        else if (failed)
            init.description = QStringLiteral("CUDA out of memory at step %1.").arg(steps);
        const Run run = store.runs().createRun(init);
        ++summary.runs;

        RunStore::Batch b;
        b.params.insert(QStringLiteral("lr"), QString::number(lr));
        b.params.insert(QStringLiteral("batch_size"), QString::number(batch));
        b.params.insert(QStringLiteral("optimizer"), optimizer);
        b.params.insert(QStringLiteral("seed"), QString::number(seed));
        b.params.insert(QStringLiteral("epochs"), QString::number(steps / 100));
        if (!isImage)
            b.params.insert(QStringLiteral("hidden_dim"), QString::number(64 << (i % 3)));
        b.tags.insert(QString::fromLatin1(mlflowtag::RunName), init.name);
        b.tags.insert(QString::fromLatin1(mlflowtag::User), init.user);
        b.tags.insert(QString::fromLatin1(mlflowtag::GitCommit), init.gitCommit);
        b.tags.insert(QStringLiteral("team"), i % 2 ? QStringLiteral("vision") : QStringLiteral("research"));
        if (diverged)
            b.tags.insert(QStringLiteral("issue"), QStringLiteral("diverged"));
        if (isImage)
            b.tags.insert(QString::fromLatin1(mlflowtag::ParentRunId), parent.id);
        store.runs().logBatch(run.id, b);

        const Curves c = trainingCurves(rng, steps, lr, *init.startMs, diverged);
        const QString prefix = isImage ? QString() : QStringLiteral("text/");
        store.series().logMetrics(run.id, prefix + QStringLiteral("train/loss"), c.trainLoss);
        store.series().logMetrics(run.id, prefix + QStringLiteral("val/loss"), c.valLoss);
        store.series().logMetrics(run.id, prefix + QStringLiteral("val/accuracy"), c.valAccuracy);
        store.series().logMetrics(run.id, QStringLiteral("lr"), c.lr);
        summary.points += qint64(c.trainLoss.size() + c.valLoss.size() + c.valAccuracy.size() + c.lr.size());
        reportProgress();
    }
    tx.commit();
    return summary;
}

DemoSummary generateScaleData(Store &store, const ScaleOptions &options)
{
    std::mt19937_64 rng(10000);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    DemoSummary summary;
    Store::Transaction tx(store);
    const ExperimentId e = store.runs().ensureExperiment(QStringLiteral("scale"));
    summary.experiments = 1;
    const qint64 baseMs = nowMs() - qint64(options.runs) * 60'000;
    static const char *users[] = {"ana", "ben", "chen", "dana"};
    std::vector<MetricPoint> points(size_t(std::max(1, options.steps)));
    QString sweep; // the parent of the sweep being written
    for (int r = 0; r < options.runs; ++r) {
        NewRun init;
        init.experimentId = e;
        init.name = QStringLiteral("trial-%1").arg(r, 5, 10, QLatin1Char('0'));
        init.user = QString::fromLatin1(users[r % 4]);
        init.status = r % 50 == 7 ? RunStatus::Failed : RunStatus::Finished;
        init.startMs = baseMs + qint64(r) * 60'000;
        init.endMs = *init.startMs + 30'000 + qint64(unit(rng) * 600'000);
        init.sourceName = QStringLiteral("search.py");
        init.gitCommit = QStringLiteral("%1").arg(quint64(rng()), 16, 16, QLatin1Char('0')) +
                         QStringLiteral("%1").arg(quint64(rng()) >> 32, 8, 16, QLatin1Char('0'));
        const bool parent = options.sweepSize > 1 && r % options.sweepSize == 0;
        if (options.sweepSize > 1 && !parent)
            init.parentId = sweep;
        const QString id = store.runs().createRun(init).id;
        if (parent)
            sweep = id;
        RunStore::Batch b;
        for (int p = 0; p < options.params; ++p)
            b.params.insert(QStringLiteral("hp_%1").arg(p, 2, 10, QLatin1Char('0')),
                            p % 3 == 0   ? QString::number(std::pow(10.0, -1 - 4 * unit(rng)), 'g', 4)
                            : p % 3 == 1 ? QString::number(int(unit(rng) * 512))
                                         : QStringLiteral("choice_%1").arg(int(unit(rng) * 6)));
        b.tags.insert(QStringLiteral("sweep"), QStringLiteral("random-search"));
        b.tags.insert(QStringLiteral("seed"), QString::number(r % 5));
        store.runs().logBatch(id, b);
        for (int m = 0; m < options.metrics; ++m) {
            const double start = 1 + unit(rng), rate = 0.05 + unit(rng) * 0.2;
            for (size_t s = 0; s < points.size(); ++s)
                points[s] = {qint64(s), *init.startMs + qint64(s) * 1000,
                             start * std::exp(-rate * double(s)) + 0.02 * unit(rng)};
            store.series().logMetrics(id, QStringLiteral("metric_%1").arg(m, 2, 10, QLatin1Char('0')),
                                      points);
            summary.points += qint64(points.size());
        }
        ++summary.runs;
    }
    tx.commit();
    return summary;
}

} // namespace runlens
