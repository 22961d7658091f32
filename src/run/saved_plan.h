// A plan saved by `hxctl plan -out FILE` and carried out by `hxctl apply FILE`, as Terraform's:
// apply does exactly what the plan showed, or nothing. It re-reads the specs the plan names,
// observes the estate again and plans again; if the specs, the options or the resulting actions
// differ from the saved ones, the plan is stale and apply refuses, naming what changed.
//
// The file holds no secret: a sensitive value is kept only as a keyed hash of the digest the
// store compares, enough to notice that it changed.
#pragma once

#include <string>
#include <vector>

#include "reconciler/loader.h"
#include "reconciler/plan.h"
#include "reconciler/status.h"
#include "src/run/run_options.h"

namespace hx {

struct SavedPlan {
  std::string version;             // the hxctl that wrote it: another one refuses it
  std::vector<std::string> files;  // the specs, as absolute paths
  std::string statePath;           // the store it was planned against, absolute
  std::string estate, configPath;  // the estate it belongs to (RunOptions)
  Json options;                    // the plan's options (prune, target, ...)
  Json resources;                  // KIND/NAME -> a hash of its spec, for naming what changed
  Json actions;                    // the plan's actions, comparable (actionsFingerprint)
  Json readable;                   // the plan as `plan -o json` shows it, for a reviewer
  std::string createdAt;
};

// What `plan -out` writes, from the specs and the plan it showed.
SavedPlan savePlanOf(const LoadResult& loaded, const Plan& plan, const PlanCommandOptions& options,
                     const RunOptions& common, const std::string& version, Json readable,
                     const std::string& createdAt);
Json savedPlanJson(const SavedPlan& saved);
// The saved plan in `text`; an error names what is wrong with the file (not a plan, a newer
// format, a field missing).
Result<SavedPlan> parseSavedPlan(const std::string& text);

// The options a saved plan was made with, applied to `options` (prune, target, ...).
void restorePlanOptions(const SavedPlan& saved, PlanCommandOptions& options);

// Why the saved plan no longer holds for the specs and the plan of now, one line per
// difference (empty: it holds).
std::vector<std::string> stalenessOf(const SavedPlan& saved, const LoadResult& now,
                                     const Plan& planNow);

// The actions as compared: resource, action, host, object, adoption and every field change
// (a sensitive value as a keyed hash of its digest).
Json actionsFingerprint(const Plan& plan);

}  // namespace hx
