// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The registry's audit trail as CSV (RFC 4180 quoting, one header line), the one form both `runlens model
// --audit-csv` and the Models page's export write, so that the two files are identical.

#include "core/types.h"

#include <QString>
#include <vector>

namespace runlens {

// Columns: time (UTC, ISO 8601 with milliseconds), user, model, version (empty for model-level changes),
// action, from, to. Rows in the order given.
QString auditCsv(const std::vector<AuditEntry> &entries);

} // namespace runlens
