// The resource kinds, as one explicit table (no registry, no mutable statics). Adding a kind means
// a schema and checks here, a provider in src/, and their tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reconciler/diagnostic.h"
#include "reconciler/plan.h"
#include "reconciler/resource.h"
#include "reconciler/schema.h"

namespace hx {

// The kinds' names, for code that means one kind in particular (a criterion's Model, the
// Firewall a host's rules make up): a misspelt name is then a compile error, not a kind that
// never matches. Behaviour that differs by kind belongs in its descriptor below.
namespace kind {
inline constexpr const char* kHost = "Host";
inline constexpr const char* kModel = "Model";
inline constexpr const char* kCollection = "Collection";
inline constexpr const char* kFirewallRule = "FirewallRule";
inline constexpr const char* kFirewall = "Firewall";
inline constexpr const char* kRole = "Role";
inline constexpr const char* kGatewayKeyFile = "GatewayKeyFile";
inline constexpr const char* kApiKey = "ApiKey";
inline constexpr const char* kTask = "Task";
inline constexpr const char* kPrometheus = "Prometheus";
inline constexpr const char* kBacklog = "Backlog";
}  // namespace kind

struct KindDescriptor {
  std::string name;
  Schema spec;
  // Checks one resource beyond its schema (fields that constrain each other).
  void (*validate)(const Resource&, Diagnostics&) = nullptr;
  // Managed kinds have objects in external systems that hxctl creates, changes and deletes.
  // Host, Role and Task are not managed: hosts are observed, roles fold into the keys that use
  // them, tasks are evaluated.
  bool managed = false;
  // Spec fields (dotted, '*' matches one segment) that the server cannot change in place.
  std::vector<std::string> immutableFields = {};
  // Spec fields that describe intent only and are never compared with the observed object.
  std::vector<std::string> specOnlyFields = {};
  // Fields whose values are never printed.
  std::vector<std::string> sensitiveFields = {};
  // Whether replacing destroys data (a collection's vectors), so it needs --allow-replace.
  bool replaceIsDestructive = false;
  // Whether an existing object hxctl did not create may be taken over without spec.adopt: true.
  bool adoptsExisting = false;
  // Changes the generic diff cannot see because it walks only what the spec sets: things present
  // on the server that the spec's complete set leaves out (a collection's removed named vector).
  void (*extraDiff)(const Json& desired, const Json& observed,
                    std::vector<FieldChange>& out) = nullptr;
  // Derived kinds are made by the loader from other resources (a Host's spec.firewall becomes
  // Firewall/<host>); specs may not declare them.
  bool derived = false;
  // Identity on its host. `hostField`: the spec field that names the host its object lives on
  // ("" for host-less kinds). `objectKey`: the object's identity there, from its spec (nullptr:
  // the resource's name). `normalize`: the spec as the server stores it, for comparison
  // (nullptr: the spec less its specOnlyFields).
  const char* hostField = "";
  std::string (*objectKey)(const Resource&) = nullptr;
  Json (*normalize)(const Resource&, Json fields) = nullptr;
  // Which hosts this kind is observed on whole, declared objects or not, so that what runs
  // there unmanaged is visible too: those whose spec.api.type is one of `observedOnApis`, and,
  // with `observedOnFirewalls`, those with a spec.firewall.
  std::vector<std::string> observedOnApis = {};
  bool observedOnFirewalls = false;
  // Declared objects that may have nothing outside hxctl to manage (an ApiKey delivered
  // nowhere): true when `r`, as declared and as seen (`seen` may be null), has nothing to
  // create, change or adopt. It is then planned as no change: valid and quiet, never a conflict.
  bool (*inert)(const Resource& r, const Json* seen) = nullptr;
  // A credential (a key, a key file's entries): once the specs drop it, it is revoked at once,
  // --prune or not, and the prune guards never hold its revocation back.
  bool credential = false;
};

const std::vector<KindDescriptor>& kinds();
const KindDescriptor* findKind(std::string_view name);
std::vector<std::string> kindNames();

// True when `path` ("vectors.size") matches `pattern` ("vectors.size", "vectors.*.size").
bool fieldMatches(std::string_view pattern, std::string_view path);

// The completion criteria (a Task's operators' words) one of its checks proves: `proves` of a
// live check, `criterion` of a manual one; nothing for a malformed entry.
std::vector<std::string> criterionProves(const Json& criterion);

}  // namespace hx
