// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The model registry: registered models, their numbered versions, stages, aliases, tags and descriptions, and
// the audit trail of every change. Every change is recorded in the audit trail, in the same transaction, by
// the database's user(), and a call that changes nothing records nothing. Version numbers are never reused: a
// deleted version keeps its number (as in MLflow), so the next one is max + 1 over deleted versions too. Part
// of the Store (store.h: store.registry()), over its Database.

#include "core/types.h"

#include <functional>
#include <optional>
#include <QString>
#include <QVariantList>
#include <utility>
#include <vector>

namespace runlens {

class Database;

class Registry
{
public:
    explicit Registry(Database &db);
    Registry(const Registry &) = delete;
    Registry &operator=(const Registry &) = delete;

    void createRegisteredModel(const QString &name, const QString &description = {},
                               std::optional<qint64> createdMs = std::nullopt);
    std::optional<RegisteredModel> registeredModel(const QString &name); // with versions, aliases and tags
    std::vector<RegisteredModel> registeredModels();
    // v.version 0 takes the next number; an explicit number (imports) must be free. Returns the number.
    int createModelVersion(const QString &model, const ModelVersion &v);
    // With archiveExistingVersions (MLflow's archive_existing_versions, only for Staging and Production), the
    // model's other versions in the target stage move to Archived, each audited.
    void setModelVersionStage(const QString &model, int version, ModelStage stage,
                              bool archiveExistingVersions = false);
    // Aliases follow MLflow: word characters and '-' (at most 255), unique per model, "latest" (any case) and
    // "v<digits>" reserved. Setting an existing alias moves it.
    void setModelAlias(const QString &model, const QString &alias, int version);
    // Why `alias` cannot be an alias (the message setModelAlias throws), or nullopt when it can; no database
    // access, so a dialog can check as the user types.
    static std::optional<QString> aliasProblem(const QString &alias);
    void deleteModelAlias(const QString &model, const QString &alias);
    void setRegisteredModelTag(const QString &model, const QString &key, const QString &value);
    void setModelVersionTag(const QString &model, int version, const QString &key, const QString &value);
    std::vector<AuditEntry> auditTrail(const QString &model = {});
    // Creates the model when missing (audited "create"), then a version linked to the run, source = the
    // artifact folder or file ("" = whole run; it must exist among the run's active artifacts), audited
    // "promote"; sets `alias` when not empty. All or nothing. Version numbers are 1,2,… per model and stay
    // unique when two processes promote at once (the write lock is taken first: BEGIN IMMEDIATE). Returns the
    // new version number. A deleted run cannot be promoted.
    int promoteRun(const QString &runId, const QString &model, const QString &path = {},
                   const QString &description = {}, const QString &alias = {});
    void setRegisteredModelDescription(const QString &model, const QString &description);
    void setModelVersionDescription(const QString &model, int version, const QString &description);
    // Deleting a tag that is not there is a no-op (as in MLflow); the model (and version) must exist.
    void deleteRegisteredModelTag(const QString &model, const QString &key);
    void deleteModelVersionTag(const QString &model, int version, const QString &key);
    // Audited "delete"; aliases on it go too. The number stays taken.
    void deleteModelVersion(const QString &model, int version);
    // Audited "delete" (version empty): the model, its versions, aliases and tags go; its audit trail stays.
    void deleteRegisteredModel(const QString &model);
    // Active versions made from the run, by model name and version, with aliases and tags.
    std::vector<ModelVersion> modelVersionsOfRun(const QString &runId);
    // The version an alias points at; nullopt when the model has no such alias. Throws NotFound when there is
    // no such model.
    std::optional<ModelVersion> modelVersionByAlias(const QString &model, const QString &alias);
    // One active version; nullopt when it does not exist or was deleted. Throws NotFound without the model.
    std::optional<ModelVersion> modelVersion(const QString &model, int version);

private:
    struct Change;
    // The one way a tag, alias, description or stage changes (see Change).
    void changeAudited(const Change &change);

    qint64 modelId(const QString &model);
    void audit(const QString &model, std::optional<int> version, const QString &action, const QString &from,
               const QString &to);
    std::vector<ModelVersion> loadVersions(const QString &condition, const QVariantList &binds);
    int insertVersion(qint64 modelId, const ModelVersion &v);
    void requireVersion(qint64 modelId, const QString &model, int version); // throws NotFound

    Database &m_db;
};

} // namespace runlens
