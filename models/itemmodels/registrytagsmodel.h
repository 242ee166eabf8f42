// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The tags of a registered model (or of one of its versions): key and value, sorted by key, each row
// carrying its key (TagKeyRole). Read-only: the Models page writes tag edits through the store worker and
// shows the stored tags once written.

#include "itemmodels/keyvaluemodel.h"

namespace runlens {

class RegistryTagsModel : public KeyValueModel
{
    Q_OBJECT
public:
    explicit RegistryTagsModel(QObject *parent = nullptr);

    void setTags(const QMap<QString, QString> &tags);
    const QMap<QString, QString> &tags() const { return m_tags; }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    QMap<QString, QString> m_tags;
};

} // namespace runlens
