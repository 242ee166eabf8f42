// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The params of one run as a key/value table, sorted by key. Values can be long or span lines: the display
// text is one line, the tooltip and FullTextRole carry the whole value.

#include "itemmodels/keyvaluemodel.h"

namespace runlens {

class RunParamsModel : public KeyValueModel
{
    Q_OBJECT
public:
    explicit RunParamsModel(QObject *parent = nullptr);

    void setParams(const QMap<QString, QString> &params) { resetRows(params); }
    QMap<QString, QString> params() const { return toMap(); }
};

} // namespace runlens
