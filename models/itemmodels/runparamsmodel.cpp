// SPDX-License-Identifier: GPL-3.0-or-later
#include "itemmodels/runparamsmodel.h"

namespace runlens {

RunParamsModel::RunParamsModel(QObject *parent)
    : KeyValueModel(tr("Param"), parent)
{}

} // namespace runlens
