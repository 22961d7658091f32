// Keys without a server: JWT minting and verification, the gateway key file, salted hashes, the
// claims a role gives, and expiry in the plan.
#include <catch2/catch.hpp>

#include "reconciler/derive.h"
#include "reconciler/planner.h"
#include "reconciler/spec_parser.h"
#include "src/platform/jwt.h"
#include "src/providers/keys/gateway_keys.h"

using namespace hx;

TEST_CASE("keys: an HS256 token verifies with its key only, and base64url round-trips", "[keys]") {
  Json claims = {{"access", "r"}, {"sub", "monitoring"}};
  std::string token = mintHs256(claims, "server-key");
  CHECK(std::count(token.begin(), token.end(), '.') == 2);
  CHECK(token.find('=') == std::string::npos);  // unpadded, URL-safe
  auto back = verifiedClaims(token, "server-key");
  REQUIRE(back);
  CHECK(*back == claims);
  CHECK_FALSE(verifiedClaims(token, "another-key"));
  CHECK_FALSE(verifiedClaims(token.substr(0, token.size() - 1), "server-key"));
  CHECK_FALSE(verifiedClaims("not a token", "server-key"));
  for (std::string s : {"", "a", "ab", "abc", "\xff\xfe\x00 binary"})
    CHECK(base64UrlDecode(base64UrlEncode(s)) == s);
  CHECK(randomHex().size() == 32);
  CHECK(randomHex() != randomHex());
}

TEST_CASE("keys: the gateway file renders deterministically and its hashes verify the key only",
          "[keys]") {
  std::string hash = saltedHash("k-123");
  CHECK(hash.rfind("sha256:", 0) == 0);
  CHECK(verifySaltedHash(hash, "k-123"));
  CHECK_FALSE(verifySaltedHash(hash, "k-124"));
  CHECK(saltedHash("k-123") != hash);  // a new salt each time
  std::vector<GatewayEntry> entries = {{"zeta", "user", {"read"}, "", hash},
                                       {"alpha", "admin", {"admin", "read"}, "2027-06-30", hash}};
  std::string text = renderGatewayFile(entries);
  CHECK(text.find("k-123") == std::string::npos);
  CHECK(text.find("alpha") < text.find("zeta"));  // sorted, so the same keys give the same bytes
  auto parsed = parseGatewayFile(text);
  REQUIRE(parsed);
  REQUIRE(parsed.value().size() == 2);
  CHECK(parsed.value()[0].name == "alpha");
  CHECK(parsed.value()[0].expires == "2027-06-30");
  CHECK(parsed.value()[1].expires.empty());
  CHECK(renderGatewayFile(parsed.value()) == text);
  CHECK_FALSE(parseGatewayFile("keys: [unclosed"));
}

namespace {

const char* kKeys = R"(apiVersion: hx/v1
kind: Host
metadata: {name: q}
spec: {address: 127.0.0.1, api: {type: qdrant, url: "http://127.0.0.1:1"}}
---
apiVersion: hx/v1
kind: Collection
metadata: {name: docs}
spec: {server: q, vectors: {size: 4, distance: Cosine}}
---
apiVersion: hx/v1
kind: Role
metadata: {name: user}
spec:
  qdrant: {collections: [{collection: docs, access: rw}]}
  gateway: {permissions: [read, search]}
---
apiVersion: hx/v1
kind: Role
metadata: {name: gatewayonly}
spec:
  gateway: {permissions: [read]}
---
apiVersion: hx/v1
kind: ApiKey
metadata: {name: app}
spec:
  role: user
  secret: {env: APP_KEY}
  expires: 2026-11-27
  deliver:
    qdrant: {server: q, tokenFile: /tmp/app.jwt}
    gateway: {host: q, keyFile: /tmp/keys.yaml}
---
apiVersion: hx/v1
kind: ApiKey
metadata: {name: odd}
spec:
  role: gatewayonly
  secret: {env: ODD_KEY}
  deliver:
    qdrant: {server: q, tokenFile: /tmp/odd.jwt}
)";

}  // namespace

TEST_CASE("keys: a role becomes JWT claims and a gateway entry, expiry is announced, then enforced",
          "[keys]") {
  ParsedSpecs parsed = parseSpecs(kKeys, "keys.yaml");
  REQUIRE(parsed.diagnostics.empty());
  DesiredState desired;
  desired.resources = parsed.resources;
  deriveResources(desired);
  const Resource* app = desired.find({"ApiKey", "app"});
  REQUIRE(app);
  CHECK(app->spec["qdrantClaims"]["access"] ==
        Json::parse(R"([{"collection":"docs","access":"rw"}])"));
  CHECK(app->spec["qdrantClaims"]["exp"] == 1795824000);  // 2026-11-28T00:00:00Z
  const Resource* file = desired.find({"GatewayKeyFile", "q"});
  REQUIRE(file);
  CHECK(file->spec["keyFile"] == "/tmp/keys.yaml");
  CHECK(file->spec["entries"]["app"] ==
        Json::parse(R"({"role":"user","permissions":["read","search"],"expires":"2026-11-27"})"));
  // No Qdrant rights: an empty list, never a missing claim (which Qdrant reads as "manage").
  CHECK(desired.find({"ApiKey", "odd"})->spec["qdrantClaims"]["access"] == Json::array());

  ObservedState observed;
  observed.hosts["q"].status = HostStatus::kActive;
  observed.objects.push_back(ObservedObject{"ApiKey", "", "app", app->spec});
  const int64_t nov24 = 1795478400;  // 2026-11-24T00:00:00Z
  Plan soon = plan(desired, observed, Inventory{}, PlanOptions{}, nov24 + 3600);
  REQUIRE(soon.notes.size() == 1);
  CHECK(soon.notes[0] ==
        "ApiKey/app expires in 3 days (2026-11-27): it will then be revoked from every delivery");
  Plan after = plan(desired, observed, Inventory{}, PlanOptions{}, nov24 + 4 * 86400 + 60);
  const PlanAction* revoke = after.find({"ApiKey", "app"});
  REQUIRE(revoke);
  CHECK(revoke->type == ActionType::kDelete);
  CHECK(revoke->reason == "expired on 2026-11-27: revoked from every delivery");
  // ... and its gateway entry goes with it.
  const PlanAction* gateway = after.find({"GatewayKeyFile", "q"});
  REQUIRE(gateway);
  CHECK_FALSE(gateway->desired["entries"].contains("app"));
}
