// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The tags of one run, editable: values are edited in place, tags added and removed. Every write goes to the
// store on the StoreWorker first; the table changes only once the write succeeded, and a failed write leaves
// it as it was and reports writeFailed(). MLflow's system tags (mlflow.*) are listed and editable too; the
// store keeps the run's native fields in step with the well-known ones.

#include "itemmodels/keyvaluemodel.h"
#include "store/storeworker.h"

#include <QSet>

namespace runlens {

class RunTagsModel : public KeyValueModel
{
    Q_OBJECT
public:
    explicit RunTagsModel(StoreWorker *worker, QObject *parent = nullptr);

    // Shows the tags of a run. Answers to writes made for the previously shown run are not applied.
    void setRun(const QString &runId, const QMap<QString, QString> &tags);
    QString runId() const { return m_runId; }
    QMap<QString, QString> tags() const { return toMap(); }
    // Takes a value the store already holds, written through another path (renaming the run writes
    // mlflow.runName): no write, the row is updated or added.
    void applyStored(const QString &key, const QString &value);

    // Validated here first (empty key, existing key): refused with writeFailed() and false, nothing written.
    bool addTag(const QString &key, const QString &value);
    void removeTags(const QStringList &keys); // in one transaction
    bool isWriting() const { return m_pending > 0; }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Editing a value starts the write and returns true; the new value shows once it is stored.
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void writeFailed(const QString &message);
    void tagWritten(const QString &key, const QString &value);
    void tagsRemoved(const QStringList &keys);
    void writingChanged(bool writing);

private:
    void setPending(int delta);
    void setRowPending(const QString &key, bool pending);
    void storeValue(const QString &key, const QString &value);

    StoreWorker *m_worker;
    QString m_runId;
    QSet<QString> m_writing; // keys with a write in flight
    quint64 m_generation = 0;
    int m_pending = 0;
};

} // namespace runlens
