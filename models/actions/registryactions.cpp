// SPDX-License-Identifier: GPL-3.0-or-later
#include "actions/registryactions.h"

#include "store/store.h"

#include <memory>

namespace runlens {

std::optional<QString> RegistryActions::aliasProblem(const QString &alias)
{
    return Registry::aliasProblem(alias);
}

void RegistryActions::setAlias(const QString &model, const QString &alias, int version)
{
    write(
        tr("set the alias “%1”").arg(alias),
        [model, alias, version](Store &store) { store.registry().setModelAlias(model, alias, version); },
        [this, model, alias, version] { Q_EMIT aliasSet(model, alias, version); });
}

void RegistryActions::removeAlias(const QString &model, const QString &alias)
{
    write(
        tr("remove the alias “%1”").arg(alias),
        [model, alias](Store &store) { store.registry().deleteModelAlias(model, alias); },
        [this, model, alias] { Q_EMIT aliasRemoved(model, alias); });
}

void RegistryActions::transitionStage(const QString &model, int version, ModelStage stage,
                                      bool archiveExisting)
{
    write(
        tr("move version %1 to %2").arg(version).arg(modelStageName(stage)),
        [model, version, stage, archiveExisting](Store &store) {
            store.registry().setModelVersionStage(model, version, stage, archiveExisting);
        },
        [this, model, version, stage, archiveExisting] {
            Q_EMIT stageChanged(model, version, stage, archiveExisting);
        });
}

void RegistryActions::setVersionDescription(const QString &model, int version, const QString &description)
{
    write(
        tr("save the description of version %1").arg(version),
        [model, version, description](Store &store) {
            store.registry().setModelVersionDescription(model, version, description);
        },
        [this, model, version, description] { Q_EMIT versionDescriptionSet(model, version, description); });
}

void RegistryActions::setModelDescription(const QString &model, const QString &description)
{
    write(
        tr("save the description of %1").arg(model),
        [model, description](Store &store) {
            store.registry().setRegisteredModelDescription(model, description);
        },
        [this, model, description] { Q_EMIT modelDescriptionSet(model, description); });
}

void RegistryActions::setModelTag(const QString &model, const QString &key, const QString &value)
{
    write(
        tr("set the tag “%1”").arg(key),
        [model, key, value](Store &store) { store.registry().setRegisteredModelTag(model, key, value); },
        [this, model, key, value] { Q_EMIT modelTagSet(model, key, value); });
}

void RegistryActions::removeModelTag(const QString &model, const QString &key)
{
    write(
        tr("remove the tag “%1”").arg(key),
        [model, key](Store &store) { store.registry().deleteRegisteredModelTag(model, key); },
        [this, model, key] { Q_EMIT modelTagRemoved(model, key); });
}

void RegistryActions::setVersionTag(const QString &model, int version, const QString &key,
                                    const QString &value)
{
    write(
        tr("set the tag “%1” on version %2").arg(key).arg(version),
        [model, version, key, value](Store &store) {
            store.registry().setModelVersionTag(model, version, key, value);
        },
        [this, model, version, key, value] { Q_EMIT versionTagSet(model, version, key, value); });
}

void RegistryActions::removeVersionTag(const QString &model, int version, const QString &key)
{
    write(
        tr("remove the tag “%1” from version %2").arg(key).arg(version),
        [model, version, key](Store &store) { store.registry().deleteModelVersionTag(model, version, key); },
        [this, model, version, key] { Q_EMIT versionTagRemoved(model, version, key); });
}

void RegistryActions::deleteVersion(const QString &model, int version)
{
    write(
        tr("delete version %1").arg(version),
        [model, version](Store &store) { store.registry().deleteModelVersion(model, version); },
        [this, model, version] { Q_EMIT versionDeleted(model, version); });
}

void RegistryActions::deleteModel(const QString &model)
{
    write(
        tr("delete the model %1").arg(model),
        [model](Store &store) { store.registry().deleteRegisteredModel(model); },
        [this, model] { Q_EMIT modelDeleted(model); });
}

void RegistryActions::promoteRun(const QString &runId, const QString &model, const QString &path,
                                 const QString &description, const QString &alias)
{
    // The new version's number travels from the worker to the answer; the answer comes after the job.
    auto version = std::make_shared<int>(0);
    write(
        tr("promote the run"),
        [runId, model, path, description, alias, version](Store &store) {
            *version = store.registry().promoteRun(runId, model, path, description, alias);
        },
        [this, runId, model, alias, version] { Q_EMIT runPromoted(runId, model, *version, alias); });
}

} // namespace runlens
