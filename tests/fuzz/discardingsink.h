// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The sink every fuzz target reads into: keeps nothing, but traps on an artifact path that would leave its
// run (a reader must never produce one, whatever the input).

#include "import/importsource.h"

namespace runlens::import {

class DiscardingSink : public ImportSink
{
public:
    bool experiment(const SourceExperiment &) override { return true; }
    bool run(SourceRun &&r) override
    {
        for (const SourceArtifact &a : r.artifacts) {
            if (a.path.startsWith(QLatin1Char('/')) ||
                a.path.split(QLatin1Char('/')).contains(QLatin1String("..")))
                __builtin_trap();
        }
        return true;
    }
    bool model(const SourceModel &) override { return true; }
    void warning(const Diagnostic &) override {}
    void skipped(const QString &, qint64) override {}
};

} // namespace runlens::import
