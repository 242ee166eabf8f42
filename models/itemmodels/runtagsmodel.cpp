// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runtagsmodel.h"

#include "itemmodels/displaytext.h"
#include "itemmodels/roles.h"
#include "store/store.h"

#include <algorithm>
#include <QFont>

namespace runlens {

namespace {
bool isSystemTag(const QString &key)
{
    return key.startsWith(QLatin1String("mlflow."));
}
} // namespace

RunTagsModel::RunTagsModel(StoreWorker *worker, QObject *parent)
    : KeyValueModel(tr("Tag"), parent)
    , m_worker(worker)
{}

void RunTagsModel::setRun(const QString &runId, const QMap<QString, QString> &tags)
{
    ++m_generation;
    m_runId = runId;
    m_writing.clear();
    resetRows(tags);
}

void RunTagsModel::storeValue(const QString &key, const QString &value)
{
    const int row = rowOf(key);
    if (row >= 0) {
        m_rows[size_t(row)].second = value;
        Q_EMIT dataChanged(index(row, KeyColumn), index(row, ValueColumn));
        return;
    }
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), key,
                                     [](const auto &r, const QString &k) { return r.first < k; });
    const int at = int(it - m_rows.begin());
    beginInsertRows({}, at, at);
    m_rows.insert(it, {key, value});
    endInsertRows();
}

void RunTagsModel::applyStored(const QString &key, const QString &value)
{
    storeValue(key, value);
}

void RunTagsModel::setPending(int delta)
{
    const bool was = isWriting();
    m_pending += delta;
    if (was != isWriting())
        Q_EMIT writingChanged(isWriting());
}

void RunTagsModel::setRowPending(const QString &key, bool pending)
{
    if (pending)
        m_writing.insert(key);
    else
        m_writing.remove(key);
    const int row = rowOf(key);
    if (row >= 0)
        Q_EMIT dataChanged(index(row, KeyColumn), index(row, ValueColumn),
                           {PendingRole, Qt::FontRole, Qt::ToolTipRole});
}

bool RunTagsModel::addTag(const QString &rawKey, const QString &value)
{
    const QString key = rawKey.trimmed();
    if (m_runId.isEmpty()) {
        Q_EMIT writeFailed(tr("No run is shown."));
        return false;
    }
    if (key.isEmpty()) {
        Q_EMIT writeFailed(tr("A tag needs a key."));
        return false;
    }
    if (rowOf(key) >= 0 || m_writing.contains(key)) {
        Q_EMIT writeFailed(tr("The run already has a tag '%1': edit its value in the table.").arg(key));
        return false;
    }
    const quint64 generation = m_generation;
    const QString runId = m_runId;
    m_writing.insert(key);
    setPending(+1);
    m_worker->write<bool>(
        this,
        [runId, key, value](Store &store) {
            store.runs().setTag(runId, key, value);
            return true;
        },
        [this, generation, key, value](bool) {
            setPending(-1);
            if (generation != m_generation)
                return;
            m_writing.remove(key);
            storeValue(key, value);
            Q_EMIT tagWritten(key, value);
        },
        [this, generation, key](const QString &message) {
            setPending(-1);
            if (generation != m_generation)
                return;
            m_writing.remove(key);
            Q_EMIT writeFailed(tr("Could not add tag '%1': %2").arg(key, message));
        });
    return true;
}

void RunTagsModel::removeTags(const QStringList &keys)
{
    if (keys.isEmpty() || m_runId.isEmpty())
        return;
    const quint64 generation = m_generation;
    const QString runId = m_runId;
    for (const QString &k : keys)
        setRowPending(k, true);
    setPending(+1);
    m_worker->write<bool>(
        this,
        [runId, keys](Store &store) {
            Store::Transaction tx(store);
            for (const QString &k : keys)
                store.runs().deleteTag(runId, k);
            tx.commit();
            return true;
        },
        [this, generation, keys](bool) {
            setPending(-1);
            if (generation != m_generation)
                return;
            for (const QString &k : keys) {
                m_writing.remove(k);
                const int row = rowOf(k);
                if (row < 0)
                    continue;
                beginRemoveRows({}, row, row);
                m_rows.erase(m_rows.begin() + row);
                endRemoveRows();
            }
            Q_EMIT tagsRemoved(keys);
        },
        [this, generation, keys](const QString &message) {
            setPending(-1);
            if (generation != m_generation)
                return;
            for (const QString &k : keys)
                setRowPending(k, false);
            Q_EMIT writeFailed(
                keys.size() == 1
                    ? tr("Could not delete tag '%1': %2").arg(keys.first(), message)
                    : tr("Could not delete %n tag(s): %1", nullptr, int(keys.size())).arg(message));
        });
}

Qt::ItemFlags RunTagsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == ValueColumn && !m_writing.contains(m_rows[size_t(index.row())].first))
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant RunTagsModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const QString &key = keyAt(index.row());
    const QString &text = textAt(index);
    switch (role) {
    case Qt::EditRole:
        return text;
    case Qt::ToolTipRole:
        if (m_writing.contains(key))
            return tr("Saving…");
        if (index.column() == KeyColumn && isSystemTag(key))
            return tr("%1\nAn MLflow system tag: changing it changes what MLflow shows for the run.")
                .arg(key);
        return display::tooltipText(text);
    case PendingRole:
        return m_writing.contains(key);
    case Qt::FontRole:
        if (m_writing.contains(key)) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    default:
        return KeyValueModel::data(index, role);
    }
}

bool RunTagsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || index.column() != ValueColumn || !index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const QString key = m_rows[size_t(index.row())].first;
    const QString text = value.toString();
    if (m_writing.contains(key) || text == m_rows[size_t(index.row())].second)
        return false;
    const quint64 generation = m_generation;
    const QString runId = m_runId;
    setRowPending(key, true);
    setPending(+1);
    m_worker->write<bool>(
        this,
        [runId, key, text](Store &store) {
            store.runs().setTag(runId, key, text);
            return true;
        },
        [this, generation, key, text](bool) {
            setPending(-1);
            if (generation != m_generation)
                return;
            setRowPending(key, false);
            storeValue(key, text);
            Q_EMIT tagWritten(key, text);
        },
        [this, generation, key](const QString &message) {
            setPending(-1);
            if (generation != m_generation)
                return;
            setRowPending(key, false);
            Q_EMIT writeFailed(tr("Could not set tag '%1': %2").arg(key, message));
        });
    return true;
}

} // namespace runlens
