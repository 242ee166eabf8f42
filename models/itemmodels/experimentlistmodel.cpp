// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/experimentlistmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"
#include "store/store.h"

#include <algorithm>
#include <QSet>
#include <utility>

namespace runlens {

namespace {

bool sameListing(const Experiment &a, const Experiment &b)
{
    return a.name == b.name && a.description == b.description && a.lifecycle == b.lifecycle &&
           a.runCount == b.runCount && a.createdMs == b.createdMs && a.updatedMs == b.updatedMs;
}

bool byId(const Experiment &a, const Experiment &b)
{
    return a.id < b.id;
}

} // namespace

ExperimentListModel::ExperimentListModel(StoreWorker *worker, QObject *parent)
    : QAbstractListModel(parent)
    , m_worker(worker)
{}

void ExperimentListModel::setIncludeDeleted(bool include)
{
    if (include == m_includeDeleted)
        return;
    m_includeDeleted = include;
    reload();
}

void ExperimentListModel::reload()
{
    const quint64 generation = ++m_generation;
    m_loading = true;
    // Always every experiment: the names of trashed ones stay taken, and nameProblem must know them.
    m_worker->run<std::vector<Experiment>>(
        this, [](Store &store) { return store.runs().experiments(true); },
        [this, generation](std::vector<Experiment> experiments) {
            if (generation != m_generation)
                return;
            m_loading = false;
            apply(std::move(experiments));
            Q_EMIT loaded();
            for (const auto &f : std::exchange(m_afterLoad, {}))
                f();
        },
        [this, generation](const QString &message) {
            if (generation != m_generation)
                return;
            m_loading = false;
            Q_EMIT loadFailed(message);
            for (const auto &f : std::exchange(m_afterLoad, {}))
                f();
        });
}

void ExperimentListModel::apply(std::vector<Experiment> all)
{
    m_all = std::move(all);
    std::vector<Experiment> fresh;
    for (const Experiment &e : m_all) {
        if (m_includeDeleted || e.lifecycle == Lifecycle::Active)
            fresh.push_back(e);
    }
    // The merge below relies on both lists being in id order (the store lists them so); anything else is
    // taken as a new list.
    if (!std::is_sorted(fresh.begin(), fresh.end(), byId) ||
        !std::is_sorted(m_rows.begin(), m_rows.end(), byId)) {
        beginResetModel();
        m_rows = std::move(fresh);
        endResetModel();
        return;
    }
    QSet<ExperimentId> kept;
    for (const Experiment &e : fresh)
        kept.insert(e.id);
    for (int last = int(m_rows.size()) - 1; last >= 0;) {
        if (kept.contains(m_rows[size_t(last)].id)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !kept.contains(m_rows[size_t(first - 1)].id))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
        endRemoveRows();
        last = first - 1;
    }
    // Every remaining row is in `fresh`, in the same order: walk both, inserting what is new.
    size_t row = 0;
    for (size_t j = 0; j < fresh.size();) {
        if (row < m_rows.size() && m_rows[row].id == fresh[j].id) {
            if (!sameListing(m_rows[row], fresh[j])) {
                m_rows[row] = fresh[j];
                Q_EMIT dataChanged(index(int(row)), index(int(row)));
            }
            ++row;
            ++j;
            continue;
        }
        size_t end = j;
        while (end < fresh.size() && (row >= m_rows.size() || fresh[end].id != m_rows[row].id))
            ++end;
        beginInsertRows({}, int(row), int(row + (end - j)) - 1);
        m_rows.insert(m_rows.begin() + qsizetype(row), fresh.begin() + qsizetype(j),
                      fresh.begin() + qsizetype(end));
        endInsertRows();
        row += end - j;
        j = end;
    }
}

int ExperimentListModel::rowOf(ExperimentId id) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].id == id)
            return int(i);
    }
    return -1;
}

std::optional<Experiment> ExperimentListModel::experimentById(ExperimentId id) const
{
    for (const Experiment &e : m_all) {
        if (e.id == id)
            return e;
    }
    return std::nullopt;
}

QString ExperimentListModel::nameProblem(const QString &name, ExperimentId self) const
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return tr("Enter a name for the experiment.");
    for (const Experiment &e : m_all) {
        if (e.id == self || e.name != trimmed)
            continue;
        if (e.lifecycle == Lifecycle::Deleted)
            return tr("An experiment named '%1' is in the trash; restore it or choose another name.")
                .arg(trimmed);
        return tr("An experiment named '%1' already exists.").arg(trimmed);
    }
    return {};
}

QString ExperimentListModel::editProblem(ExperimentId id) const
{
    // Id 0 stands for "no experiment" (all runs) in the sidebar: there is nothing to edit.
    if (id <= 0)
        return tr("Choose an experiment first.");
    const std::optional<Experiment> e = experimentById(id);
    if (e && e->lifecycle == Lifecycle::Deleted)
        return tr("'%1' is in the trash; restore it first.").arg(e->name);
    return {};
}

quint64 ExperimentListModel::refuse(ExperimentId id, const QString &message)
{
    Q_EMIT writeFailed(0, id, message);
    return 0;
}

quint64 ExperimentListModel::write(ExperimentId id, std::function<qint64(Store &)> job,
                                   std::function<void(quint64, qint64)> succeeded, std::function<void()> undo)
{
    const quint64 request = ++m_lastRequest;
    ++m_pendingWrites;
    m_worker->write<qint64>(
        this, std::move(job),
        [this, request, succeeded = std::move(succeeded)](qint64 result) {
            --m_pendingWrites;
            m_afterLoad.push_back([succeeded, request, result] { succeeded(request, result); });
            reload();
        },
        [this, request, id, undo = std::move(undo)](const QString &message) {
            --m_pendingWrites;
            if (undo)
                undo();
            Q_EMIT writeFailed(request, id, message);
            reload(); // the refusal may come from changes made elsewhere: show them
        });
    return request;
}

quint64 ExperimentListModel::createExperiment(const QString &name, const QString &description)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return refuse(0, nameProblem(trimmed));
    return write(
        0,
        [trimmed, description](Store &store) { return store.runs().createExperiment(trimmed, description); },
        [this](quint64 request, qint64 id) { Q_EMIT experimentCreated(request, id); });
}

void ExperimentListModel::setLocalName(ExperimentId id, const QString &name)
{
    for (Experiment &e : m_all) {
        if (e.id == id)
            e.name = name;
    }
    if (const int row = rowOf(id); row >= 0) {
        m_rows[size_t(row)].name = name;
        Q_EMIT dataChanged(index(row), index(row), {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole});
    }
}

quint64 ExperimentListModel::rename(ExperimentId id, const QString &name)
{
    if (const QString problem = editProblem(id); !problem.isEmpty())
        return refuse(id, problem);
    const QString trimmed = name.trimmed();
    if (const QString problem = nameProblem(trimmed, id); !problem.isEmpty())
        return refuse(id, problem);
    const std::optional<Experiment> before = experimentById(id);
    const QString oldName = before ? before->name : QString();
    if (before && oldName == trimmed)
        return 0; // nothing to write
    setLocalName(id, trimmed);
    return write(
        id,
        [id, trimmed](Store &store) {
            store.runs().renameExperiment(id, trimmed);
            return id;
        },
        [this, oldName, trimmed](quint64 request, qint64 id) {
            Q_EMIT experimentRenamed(request, id, oldName, trimmed);
        },
        [this, id, oldName, trimmed] {
            if (const auto now = experimentById(id); now && now->name == trimmed && !oldName.isEmpty())
                setLocalName(id, oldName);
        });
}

quint64 ExperimentListModel::setDescription(ExperimentId id, const QString &description)
{
    if (const QString problem = editProblem(id); !problem.isEmpty())
        return refuse(id, problem);
    return write(
        id,
        [id, description](Store &store) {
            store.runs().setExperimentDescription(id, description);
            return id;
        },
        [this](quint64 request, qint64 id) { Q_EMIT descriptionChanged(request, id); });
}

quint64 ExperimentListModel::setDeleted(ExperimentId id, bool deleted)
{
    if (id <= 0)
        return refuse(id, editProblem(id));
    return write(
        id,
        [id, deleted](Store &store) {
            store.runs().setExperimentLifecycle(id, deleted ? Lifecycle::Deleted : Lifecycle::Active);
            return id;
        },
        [this, deleted](quint64 request, qint64 id) { Q_EMIT deletedChanged(request, id, deleted); });
}

int ExperimentListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ExperimentListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Experiment &e = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display::singleLine(e.name); // cut: names from elsewhere may be megabytes long
    case Qt::EditRole:
        return e.name;
    case Qt::ToolTipRole: {
        // Rich text, so that a long description wraps instead of making a screen-wide tooltip, and so that
        // a name that looks like markup is shown as typed.
        QString tip = QStringLiteral("<p><b>%1</b>")
                          .arg(display::elided(e.name, display::MaxLabelChars).toHtmlEscaped());
        if (e.lifecycle == Lifecycle::Deleted)
            tip += tr(" (in the trash)");
        tip += QStringLiteral("<br>") + tr("%n active run(s)", nullptr, int(e.runCount)) +
               QStringLiteral("</p>");
        if (!e.description.isEmpty())
            tip += QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>")
                       .arg(display::elided(e.description).toHtmlEscaped());
        return tip;
    }
    case DeletedRole:
        return e.lifecycle == Lifecycle::Deleted;
    case ExperimentIdRole:
        return e.id;
    case RunCountRole:
        return e.runCount;
    case DescriptionRole:
        return e.description;
    default:
        return {};
    }
}

Qt::ItemFlags ExperimentListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractListModel::flags(index);
    if (index.isValid() &&
        checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        const Experiment &e = m_rows[size_t(index.row())];
        if (e.id > 0 && e.lifecycle == Lifecycle::Active)
            f |= Qt::ItemIsEditable;
    }
    return f;
}

bool ExperimentListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    return rename(m_rows[size_t(index.row())].id, value.toString()) != 0;
}

} // namespace runlens
