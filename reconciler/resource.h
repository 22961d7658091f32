// The resource model: what the operator declared, after schema validation, as plain values.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "reconciler/diagnostic.h"

namespace hx {

using Json = nlohmann::json;

// "Kind/name", the identity of a resource everywhere: plans, the store, the CLI's --target.
struct ResourceId {
  std::string kind;
  std::string name;
  std::string str() const { return kind + "/" + name; }
  auto operator<=>(const ResourceId&) const = default;
};

// How a reference field relates its resource to the one it names.
enum class RefRole {
  kRequires,  // the target must be ready before this resource can be applied
  kGates,     // (Task.resources) the task's state gates the target
  kWaitsOn,   // (Task.dependsOn) the task is blocked until the target is active / completed
  kMention,   // checked for existence only
};

struct Reference {
  ResourceId target;
  RefRole role = RefRole::kRequires;
  std::string path;  // field path in the source, e.g. "spec.embeddingModel"
  SourceLoc loc;
};

struct Resource {
  ResourceId id;
  std::map<std::string, std::string> labels;
  Json spec;      // validated, typed; keys as written in the spec (camelCase)
  SourceLoc loc;  // where the document starts
  // Field path ("spec.vectors.size") -> where it is in the document; the file is loc.file. (Not a
  // SourceLoc each: the file name repeated per field was a sixth of a large estate's memory.)
  struct FieldPos {
    int line = 0;
    int column = 0;
  };
  std::map<std::string, FieldPos> fields;
  std::vector<Reference> references;

  // The location of a field, falling back to the nearest enclosing field, then the document.
  SourceLoc locate(const std::string& path) const;
  const Json* field(const std::string& dottedPath) const;
};

// Everything the operator declared, in a stable order (file order, then document order).
struct DesiredState {
  std::vector<Resource> resources;
  // Resources whose desired value is unknown this run (a secret that cannot be read), and why.
  std::map<ResourceId, std::string> unresolved;
  // The spec files this state was loaded from, as absolute paths (set by the caller that knows
  // the file system; empty when the state was built in memory).
  std::set<std::string> sourceFiles;
  const Resource* find(const ResourceId& id) const;
  std::vector<const Resource*> ofKind(const std::string& kind) const;
};

}  // namespace hx
