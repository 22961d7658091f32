#include "reconciler/diff.h"

#include <algorithm>

#include "reconciler/kinds.h"

namespace hx {
namespace {

Json canonical(const Json& v) {
  if (!v.is_array()) return v;
  std::vector<std::string> items;
  for (const auto& item : v) items.push_back(item.dump());
  std::sort(items.begin(), items.end());
  return items;
}

bool matchesAny(const std::vector<std::string>& patterns, const std::string& path) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return fieldMatches(p, path); });
}

void walk(const Json& desired, const Json* observed, const std::string& path,
          const KindDescriptor* kind, std::vector<FieldChange>& out) {
  if (desired.is_object() && !(desired.empty() && !observed)) {
    for (const auto& [key, value] : desired.items()) {
      const Json* child = (observed && observed->is_object() && observed->contains(key))
                              ? &(*observed)[key]
                              : nullptr;
      walk(value, child, path.empty() ? key : path + "." + key, kind, out);
    }
    return;
  }
  if (!observed && desired.is_null()) return;  // declared absent (a metadata key: null), and is
  if (observed && canonical(desired) == canonical(*observed)) return;
  if (observed && desired.is_number() && observed->is_number() &&
      desired.get<double>() == observed->get<double>())
    return;
  FieldChange change;
  change.path = path;
  change.before = observed ? *observed : Json();
  change.after = desired;
  change.sensitive = kind && matchesAny(kind->sensitiveFields, path);
  // An immutable field forces replacement only if it existed: a new named vector is added in place.
  change.forcesReplace = observed && kind && matchesAny(kind->immutableFields, path);
  out.push_back(std::move(change));
}

}  // namespace

std::vector<FieldChange> diffFields(const Json& desired, const Json& observed,
                                    const std::string& kind) {
  std::vector<FieldChange> out;
  const KindDescriptor* k = findKind(kind);
  walk(desired, &observed, "", k, out);
  if (k && k->extraDiff) k->extraDiff(desired, observed, out);
  return out;
}

}  // namespace hx
