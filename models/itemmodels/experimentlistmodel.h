// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The experiments of the open database with their run counts, loaded on the store worker, and the one place
// their edits (create, rename, describe, trash, restore) are written from, so that widgets stay thin. A
// reload merges the fresh list into the rows (insertions, removals, changes) rather than resetting, so views
// keep their selection, scroll position and open editors.

#include "core/types.h"
#include "store/storeworker.h"

#include <functional>
#include <optional>
#include <QAbstractListModel>

namespace runlens {

class ExperimentListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit ExperimentListModel(StoreWorker *worker, QObject *parent = nullptr);

    void reload();
    // Lists trashed experiments too (DeletedRole true). Only the listing changes: names of trashed
    // experiments are known either way (nameProblem needs them).
    void setIncludeDeleted(bool include);
    bool includeDeleted() const { return m_includeDeleted; }
    // True while a reload or a write is on its way.
    bool isLoading() const { return m_loading || m_pendingWrites > 0; }
    const Experiment &experimentAt(int row) const { return m_rows.at(size_t(row)); }
    int rowOf(ExperimentId id) const; // -1 when absent
    // Any experiment of the last load, listed or not (trashed ones while they are hidden).
    std::optional<Experiment> experimentById(ExperimentId id) const;
    // Why `name` cannot be given to an experiment other than `self`, judged from the names last loaded (no
    // database access; cheap enough for every keystroke); empty when it can. Mirrors the store's rules; the
    // store checks again when writing and its refusal arrives through writeFailed.
    QString nameProblem(const QString &name, ExperimentId self = 0) const;

    // Writes, each run on the store worker. Each returns a request number that its outcome signal carries.
    // Success is signalled once the reload showing the change has landed; failure at once, followed by a
    // reload. Request 0: nothing was sent, either because there was nothing to change or because it was
    // refused up front (writeFailed has then already been emitted, with request 0).
    quint64 createExperiment(const QString &name, const QString &description);
    // The new name shows at once; the old one comes back if the store refuses.
    quint64 rename(ExperimentId id, const QString &name);
    quint64 setDescription(ExperimentId id, const QString &description);
    quint64 setDeleted(ExperimentId id, bool deleted); // to the trash, or restored from it

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Qt::EditRole renames (see rename()); false when the name is refused or unchanged.
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);
    void experimentCreated(quint64 request, runlens::ExperimentId id);
    void experimentRenamed(quint64 request, runlens::ExperimentId id, const QString &oldName,
                           const QString &newName);
    void descriptionChanged(quint64 request, runlens::ExperimentId id);
    void deletedChanged(quint64 request, runlens::ExperimentId id, bool deleted);
    void writeFailed(quint64 request, runlens::ExperimentId id, const QString &message);

private:
    quint64 write(ExperimentId id, std::function<qint64(Store &)> job,
                  std::function<void(quint64 request, qint64 result)> succeeded,
                  std::function<void()> undo = {});
    quint64 refuse(ExperimentId id, const QString &message);
    QString editProblem(ExperimentId id) const; // why `id` cannot be edited, empty when it can
    void apply(std::vector<Experiment> all);
    void setLocalName(ExperimentId id, const QString &name);

    StoreWorker *m_worker;
    std::vector<Experiment> m_all;  // every experiment of the last load, trashed ones included
    std::vector<Experiment> m_rows; // the listed ones, in id order
    std::vector<std::function<void()>> m_afterLoad; // run when the next load lands
    bool m_includeDeleted = false;
    bool m_loading = false;
    int m_pendingWrites = 0;
    quint64 m_generation = 0;
    quint64 m_lastRequest = 0;
};

} // namespace runlens
