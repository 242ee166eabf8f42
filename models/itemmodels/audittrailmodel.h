// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A model's audit trail, newest change first: when, who, what (create, promote, alias, stage, delete…),
// which version, and the values before and after.

#include "core/types.h"

#include <QAbstractTableModel>
#include <vector>

namespace runlens {

class AuditTrailModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, UserColumn, ActionColumn, VersionColumn, FromColumn, ToColumn, ColumnCount };

    explicit AuditTrailModel(QObject *parent = nullptr);

    // `entries` oldest first, as Store::auditTrail gives them; the rows show the newest first. Only the
    // entries added since the last call are inserted when the trail grew (the usual case after an edit).
    void setEntries(std::vector<AuditEntry> entries);
    const std::vector<AuditEntry> &entries() const { return m_entries; } // oldest first

    // "Set alias", "Transition stage"…: the store's action names as people read them.
    static QString actionText(const QString &action);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<AuditEntry> m_entries;
};

} // namespace runlens
