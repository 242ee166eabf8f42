// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Domain types shared by the store, the importers, the item models and the CLI. Plain values, no behaviour
// beyond small helpers: semantics follow MLflow (see design.md "Data model").

#include <cmath>
#include <cstdint>
#include <optional>
#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <vector>

namespace runlens {

using ExperimentId = qint64;

enum class Lifecycle { Active, Deleted };
enum class RunStatus { Running, Scheduled, Finished, Failed, Killed };

QString lifecycleName(Lifecycle l);
std::optional<Lifecycle> lifecycleFromName(const QString &name);
QString runStatusName(RunStatus s);
std::optional<RunStatus> runStatusFromName(const QString &name); // case-insensitive
bool isTerminal(RunStatus s);

struct Experiment
{
    ExperimentId id = 0;
    QString name;
    QString description;
    Lifecycle lifecycle = Lifecycle::Active;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    qint64 runCount = 0; // active runs; filled by listings
    QMap<QString, QString> tags;
};

// One logged metric value. NaN and +-Inf are legal and round-trip bit-exactly through the store.
struct MetricPoint
{
    qint64 step = 0;
    qint64 timestamp = 0; // ms since epoch
    double value = 0.0;
    friend bool operator==(const MetricPoint &, const MetricPoint &) = default;
};

// MLflow's rule for a metric's "last" value: the point with the greatest (step, timestamp, value). Values are
// compared with NaN below every number, so a finite value logged at the same step and time wins over NaN.
bool isLaterThan(const MetricPoint &a, const MetricPoint &b);

// Per run and key, kept current on every append so that the runs table can sort and filter on it in SQL.
struct MetricSummary
{
    double last = 0.0; // may be NaN or +-Inf
    qint64 lastStep = 0;
    qint64 lastTimestamp = 0;
    double min = std::nan(""); // over non-NaN values; NaN when every value is NaN
    double max = std::nan("");
    qint64 count = 0;
};

struct Run
{
    QString id; // 32 lowercase hex characters
    ExperimentId experimentId = 0;
    QString experimentName;
    QString name;
    RunStatus status = RunStatus::Running;
    std::optional<qint64> startMs;
    std::optional<qint64> endMs;
    QString user;
    QString sourceName;
    QString sourceType;
    QString gitCommit;
    QString parentId;
    QString description; // Markdown
    Lifecycle lifecycle = Lifecycle::Active;
    std::optional<qint64> deletedMs;
    bool starred = false;
    // When anything of the run last changed, its params, tags and metrics included (ms since the epoch, and
    // greater with every change even within a millisecond): views re-read a run only when it moved.
    qint64 updatedMs = 0;
    QMap<QString, QString> params;
    QMap<QString, QString> tags;
    QMap<QString, MetricSummary> metrics;
};

// What creating a run may set; anything left empty gets the store's default (new id, now, RUNNING).
struct NewRun
{
    ExperimentId experimentId = 0;
    QString id;
    QString name;
    QString user;
    RunStatus status = RunStatus::Running;
    std::optional<qint64> startMs;
    // False keeps an empty startMs empty (an imported run whose start its source does not tell) instead of
    // now.
    bool startKnown = true;
    std::optional<qint64> endMs;
    QString sourceName;
    QString sourceType;
    QString gitCommit;
    QString parentId;
    QString description;
    Lifecycle lifecycle = Lifecycle::Active;
};

// A dataset a run consumed (MLflow's log_input), with the context it was used in (e.g. "training").
struct DatasetInput
{
    QString name;
    QString digest;
    QString sourceType;
    QString source;
    QString schema;
    QString profile;
    QString context;
    friend bool operator==(const DatasetInput &, const DatasetInput &) = default;
};

// A file attached to a run: its bytes live content-addressed (by sha256) in the artifact store.
struct Artifact
{
    QString path; // relative, '/'-separated
    qint64 size = 0;
    QString sha256;
    QString mediaType;
    qint64 createdMs = 0;
    Lifecycle lifecycle = Lifecycle::Active;
};

enum class ModelStage { None, Staging, Production, Archived };
QString modelStageName(ModelStage s); // "None", "Staging", "Production", "Archived"
std::optional<ModelStage> modelStageFromName(const QString &name); // case-insensitive

struct ModelVersion
{
    QString model;
    int version = 0;
    QString runId;
    QString source; // artifact path of the model
    QString description;
    ModelStage stage = ModelStage::None;
    QString creator;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    QStringList aliases;
    QMap<QString, QString> tags;
};

struct RegisteredModel
{
    QString name;
    QString description;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    QMap<QString, QString> tags;
    QMap<QString, int> aliases; // alias -> version
    std::vector<ModelVersion> versions;
};

// One registry change, as the audit trail records it.
struct AuditEntry
{
    qint64 atMs = 0;
    QString user;
    QString model;
    std::optional<int> version;
    QString action;
    QString from;
    QString to;
};

// Well-known MLflow tags that also fill native run fields; kept verbatim as tags too.
namespace mlflowtag {
inline constexpr char RunName[] = "mlflow.runName";
inline constexpr char User[] = "mlflow.user";
inline constexpr char SourceName[] = "mlflow.source.name";
inline constexpr char SourceType[] = "mlflow.source.type";
inline constexpr char GitCommit[] = "mlflow.source.git.commit";
inline constexpr char ParentRunId[] = "mlflow.parentRunId";
inline constexpr char Note[] = "mlflow.note.content";
} // namespace mlflowtag

namespace systemmetrics {
// A system metric (CPU, memory, disk, network, GPU samples), logged under "system/" as MLflow names them;
// series/systemmetrics.h says how they are charted.
inline bool isSystemKey(const QString &key)
{
    return key.startsWith(QLatin1String("system/"));
}
} // namespace systemmetrics

QString newRunId();                   // 32 random lowercase hex characters
bool isValidRunId(const QString &id); // 32 lowercase hex characters
qint64 nowMs();

} // namespace runlens
