// The files the operators' document says they keep (its "Documentation Updates"), written by
// `hxctl export` from the specs and the recorded state:
//   external-models.yaml     every model with its server, endpoint and status now ("Update
//                            external-models.yaml with active server status")
//   model-collections.json   every collection with its model, embedding model, vectors and
//                            integration status (its last ingest evidence)
//   secrets.env.template     every environment variable the specs read a secret from, each empty,
//                            with what reads it ("Prepare environment variable templates")
// Deterministic: the same specs and records give the same bytes (no time of writing is in them;
// the times they hold are the records'). No secret is in their input.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconciler/observed.h"
#include "reconciler/resource.h"
#include "reconciler/task_status.h"

namespace hx {

struct ExportInput {
  const DesiredState* desired = nullptr;
  const ObservedState* observed = nullptr;
  const std::vector<TaskEvaluation>* evaluations = nullptr;
};

// A collection's last `ingest` evidence (the criterion whose subject ends with its address), with
// the task that ran it; nullopt when no ingest check has run for it.
struct IngestEvidence {
  const CriterionResult* result = nullptr;
  std::string task;
  std::string status;  // passed, failed, not checked
};
std::optional<IngestEvidence> lastIngest(const std::vector<TaskEvaluation>& evaluations,
                                         const ResourceId& collection);

Json externalModels(const ExportInput& in);    // rendered as YAML by the caller
Json modelCollections(const ExportInput& in);  // rendered as JSON
std::string secretsEnvTemplate(const ExportInput& in);

// The environment variables the specs read secrets from: name -> the fields that read it
// ("ApiKey/webui spec.secret"), sorted by name.
std::vector<std::pair<std::string, std::vector<std::string>>> secretVariables(
    const DesiredState& desired);

}  // namespace hx
