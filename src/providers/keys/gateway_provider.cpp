#include "src/providers/keys/gateway_provider.h"

#include "reconciler/kinds.h"
#include "src/platform/atomic_file.h"
#include "src/platform/secrets.h"
#include "src/providers/keys/gateway_keys.h"
#include "src/providers/rendered_file.h"

namespace hx {

void GatewayFileProvider::configure(const DesiredState& desired) {
  std::lock_guard<std::mutex> lock(mu_);
  files_.clear();
  keys_.clear();
  for (const auto* f : desired.ofKind(kind::kGatewayKeyFile))
    files_[f->spec.value("host", "")] = f->spec;
  for (const auto* k : desired.ofKind(kind::kApiKey))
    keys_[k->id.name] = {{"secret", k->spec.value("secret", Json())},
                         {"secretDigest", k->spec.value("secretDigest", "")}};
}

Result<std::vector<ObservedObject>> GatewayFileProvider::observe(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto file = files_.find(host);
  if (file == files_.end()) return std::vector<ObservedObject>{};
  std::string path = file->second.value("keyFile", "");
  auto text = readFileIfExists(path);
  if (!text) return text.status();
  if (!text.value()) return std::vector<ObservedObject>{};
  auto entries = parseGatewayFile(*text.value());
  if (!entries)
    return Status::error(ErrorKind::kTerminal, path + ": " + entries.status().message());
  Json fields = {{"host", host}, {"keyFile", path}, {"entries", Json::object()}};
  for (const auto& e : entries.value()) {
    // The digest of the key the entry's hash verifies: the declared one, or "unverified".
    std::string digest = "unverified";
    auto k = keys_.find(e.name);
    if (k != keys_.end()) {
      auto secret = readSecret(k->second["secret"]);
      if (secret && verifySaltedHash(e.hash, secret.value()))
        digest = k->second.value("secretDigest", "");
    }
    fields["entries"][e.name] = {{"role", e.role},
                                 {"permissions", e.permissions},
                                 {"expires", e.expires.empty() ? Json() : Json(e.expires)},
                                 {"secretDigest", digest}};
  }
  return std::vector<ObservedObject>{ObservedObject{kind::kGatewayKeyFile, host, path, fields}};
}

Status GatewayFileProvider::apply(const PlanAction& a) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string path = a.type == ActionType::kDelete ? a.observed.value("keyFile", "")
                                                   : a.desired.value("keyFile", "");
  auto text = readFileIfExists(path);
  if (!text) return text.status();
  std::map<std::string, std::string> oldHash;
  if (text.value()) {
    auto parsed = parseGatewayFile(*text.value());
    if (parsed)
      for (const auto& e : parsed.value()) oldHash[e.name] = e.hash;
  }
  std::vector<GatewayEntry> entries;
  if (a.type != ActionType::kDelete) {
    for (const auto& [name, want] : a.desired["entries"].items()) {
      auto k = keys_.find(name);
      if (k == keys_.end()) return Status::error(ErrorKind::kInternal, "no ApiKey " + name);
      auto secret = readSecret(k->second["secret"]);
      if (!secret)
        return Status::error(ErrorKind::kTerminal,
                             "ApiKey/" + name + " spec.secret: " + secret.status().message());
      GatewayEntry e;
      e.name = name;
      e.role = want.value("role", "");
      e.permissions = want.value("permissions", std::vector<std::string>{});
      e.expires = want["expires"].is_string() ? want["expires"].get<std::string>() : "";
      auto old = oldHash.find(name);
      // Keep the salt of a key that has not changed, so the file's bytes do not either.
      e.hash = old != oldHash.end() && verifySaltedHash(old->second, secret.value())
                   ? old->second
                   : saltedHash(secret.value());
      entries.push_back(std::move(e));
    }
  }
  const Json reload =
      a.type == ActionType::kDelete ? Json() : a.spec.value("reloadCommand", Json());
  return deliverRenderedFile(commands_, path, renderGatewayFile(entries), text.value(), reload,
                             0600);
}

}  // namespace hx
