// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The changes the Models page and the registry dialogs make to the model registry, one typed method each:
// aliases, stages, descriptions, tags, deleting a version or a model, promoting a run. Each queues one write
// on the StoreWorker; its success comes back as the typed signal named after it, its failure as failed(what,
// why) with nothing changed. Reads stay with the item models and ModelDetails.

#include "actions/storeactions.h"
#include "core/types.h"

#include <optional>

namespace runlens {

class RegistryActions : public StoreActions
{
    Q_OBJECT
public:
    using StoreActions::StoreActions;

    // Why `alias` cannot be an alias (the message setAlias fails with), or nullopt when it can; no database
    // needed, so a dialog can say it while the name is typed.
    static std::optional<QString> aliasProblem(const QString &alias);

    // Points `alias` of `model` at `version` (moving it from another version).
    void setAlias(const QString &model, const QString &alias, int version);
    void removeAlias(const QString &model, const QString &alias);
    // With archiveExisting (Staging and Production only), the model's other versions in that stage move to
    // Archived, as MLflow's archive_existing_versions.
    void transitionStage(const QString &model, int version, ModelStage stage, bool archiveExisting = false);
    void setVersionDescription(const QString &model, int version, const QString &description);
    void setModelDescription(const QString &model, const QString &description);
    void setModelTag(const QString &model, const QString &key, const QString &value);
    void removeModelTag(const QString &model, const QString &key);
    void setVersionTag(const QString &model, int version, const QString &key, const QString &value);
    void removeVersionTag(const QString &model, int version, const QString &key);
    void deleteVersion(const QString &model, int version);
    void deleteModel(const QString &model);
    // Makes the run (its artifact folder `path`, "" for the whole run) the next version of `model`, created
    // when new, with `alias` when not empty.
    void promoteRun(const QString &runId, const QString &model, const QString &path,
                    const QString &description, const QString &alias);

Q_SIGNALS:
    void aliasSet(const QString &model, const QString &alias, int version);
    void aliasRemoved(const QString &model, const QString &alias);
    void stageChanged(const QString &model, int version, ModelStage stage, bool archiveExisting);
    void versionDescriptionSet(const QString &model, int version, const QString &description);
    void modelDescriptionSet(const QString &model, const QString &description);
    void modelTagSet(const QString &model, const QString &key, const QString &value);
    void modelTagRemoved(const QString &model, const QString &key);
    void versionTagSet(const QString &model, int version, const QString &key, const QString &value);
    void versionTagRemoved(const QString &model, int version, const QString &key);
    void versionDeleted(const QString &model, int version);
    void modelDeleted(const QString &model);
    void runPromoted(const QString &runId, const QString &model, int version, const QString &alias);
};

} // namespace runlens
