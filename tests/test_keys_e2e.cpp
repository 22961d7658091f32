// API keys end to end on hx-sim's Qdrant with JWT RBAC on: tokens per role checked endpoint by
// endpoint against the facts' matrix, revocation, rotation, expiry, and no secret anywhere.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "cli_harness.h"
#include "sim_process.h"
#include "src/platform/jwt.h"
#include "src/providers/keys/gateway_keys.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::Run;
using hx::test::SimProcess;

namespace {

const std::string kServerKey = "srv-4jf8s-server-key";
const std::string kAdminSecret = "adm-9f3kq2-secret-value";
const std::string kUserSecret = "usr-7hdk2-secret-value";

std::string doc(const std::string& kind, const std::string& name, const std::string& spec) {
  return hx::test::specDoc(kind, name, spec);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct KeyEstate {
  SimProcess sim{{{"--qdrant", "{PORT}", "--api-key", kServerKey, "--jwt-rbac"}},
                 hx::test::freshExchangeLog("keys")};
  CliHarness h{"keys", HX_BIN};
  std::string all;  // everything hxctl printed, to search for secrets
  std::filesystem::path dir = h.dir();

  KeyEstate() {
    std::ofstream(dir / "user.secret") << kUserSecret << "\n";
    chmod((dir / "user.secret").c_str(), 0600);
  }
  std::string env() const {
    return "HX_SERVER_KEY=" + kServerKey + " HX_ADMIN_SECRET=" + kAdminSecret;
  }
  std::string path(const std::string& f) const { return (dir / f).string(); }

  void write(bool withReadonly = true, const std::string& adminExpires = "",
             const std::string& userExpires = "") {
    std::string s;
    s += doc("Host", "vector",
             "  address: 127.0.0.1\n  api: {type: qdrant, url: \"" + sim.url(0) +
                 "\", auth: {env: HX_SERVER_KEY}}\n");
    for (const char* c : {"docs", "notes", "other"})
      s += doc("Collection", c, "  {server: vector, vectors: {size: 4, distance: Cosine}}\n");
    s += doc("Role", "admin",
             "  qdrant: {global: m}\n  gateway: {permissions: [admin, read, write, search, "
             "ingest, metrics]}\n");
    s += doc("Role", "user",
             "  qdrant:\n    collections:\n      - {collection: docs, access: rw}\n"
             "      - {collection: notes, access: r}\n  gateway: {permissions: [read, write, "
             "search]}\n");
    s += doc("Role", "readonly",
             "  qdrant: {global: r}\n  gateway: {permissions: [read, metrics]}\n");
    s +=
        doc("ApiKey", "admin-key",
            "  role: admin\n  secret: {env: HX_ADMIN_SECRET}\n" +
                (adminExpires.empty() ? "" : "  expires: " + adminExpires + "\n") +
                "  deliver:\n    qdrant: {server: vector, tokenFile: " + path("admin.jwt") + "}\n");
    s += doc("ApiKey", "user-key",
             "  role: user\n  secret: {file: " + path("user.secret") + "}\n" +
                 (userExpires.empty() ? "" : "  expires: " + userExpires + "\n") +
                 "  deliver:\n    qdrant: {server: vector, tokenFile: " + path("user.jwt") +
                 "}\n    gateway:\n      host: vector\n      keyFile: " + path("api-keys.yaml") +
                 "\n      reloadCommand: [sh, -c, \"echo reload >> " + path("reloads.log") +
                 "\"]\n");
    if (withReadonly)
      s += doc("ApiKey", "ro-key",
               "  role: readonly\n  secret: {generate: true, file: " + path("ro.secret") +
                   "}\n"
                   "  deliver:\n    qdrant: {server: vector, tokenFile: " +
                   path("ro.jwt") +
                   "}\n    gateway: {host: vector, keyFile: " + path("api-keys.yaml") + "}\n");
    h.writeSpec("estate.yaml", s);
  }
  Run run(const std::string& args) {
    Run r = h.run(args, env());
    all += r.out + r.err;
    return r;
  }
  std::string token(const std::string& name) {
    std::string t = slurp(dir / (name + ".jwt"));
    while (!t.empty() && t.back() == '\n') t.pop_back();
    return t;
  }
  int reloads() {
    std::ifstream in(dir / "reloads.log");
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
  // The status a request gets with `credential` as a Bearer token ("" sends none).
  int call(const std::string& credential, const std::string& method, const std::string& path,
           const std::string& body = "") {
    return answer(credential, method, path, body).first;
  }
  // The status and body of that request.
  std::pair<int, std::string> answer(const std::string& credential, const std::string& method,
                                     const std::string& path, const std::string& body = "") {
    CurlTransport http(true);
    HttpRequest req;
    req.method = method;
    req.url = sim.url(0) + path;
    req.body = body;
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    if (!credential.empty()) req.headers.emplace_back("Authorization", "Bearer " + credential);
    auto r = http.send(req);
    if (!r) return {-1, r.status().message()};
    return {r.value().status, r.value().body};
  }
  // The token id a minted token's value_exists claim names.
  std::string tokenId(const std::string& name) {
    auto claims = verifiedClaims(token(name), kServerKey);
    return claims ? (*claims)["value_exists"]["matches"][0].value("value", "") : "";
  }
};

const std::string kPoint = R"({"points":[{"id":1,"vector":[0.1,0.2,0.3,0.4]}]})";
const std::string kQuery = R"({"query":[0.1,0.2,0.3,0.4],"limit":1})";
const std::string kIndex = R"({"field_name":"lang","field_schema":"keyword"})";
const std::string kNew = R"({"vectors":{"size":4,"distance":"Dot"}})";

}  // namespace

TEST_CASE(
    "keys: a token minted for each role gets exactly the access of Qdrant's RBAC matrix, "
    "endpoint by endpoint",
    "[keys][e2e]") {
  KeyEstate e;
  e.write();
  Run r = e.run("apply --auto-approve -f specs");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  std::string admin = e.token("admin"), user = e.token("user"), ro = e.token("ro");
  struct Row {
    std::string method, path, body;
    int admin, user, ro;
  };
  std::vector<Row> matrix = {
      {"GET", "/collections", "", 200, 200, 200},
      {"GET", "/collections/docs", "", 200, 200, 200},
      {"GET", "/collections/other", "", 200, 403, 200},  // user's token does not list it
      {"GET", "/collections/docs/exists", "", 200, 200, 200},
      {"PUT", "/collections/made-by-token", kNew, 200, 403, 403},
      {"PATCH", "/collections/docs", R"({"optimizers_config":{}})", 200, 403, 403},
      {"PUT", "/collections/docs/index", kIndex, 200, 200, 403},   // rw includes extras
      {"PUT", "/collections/notes/index", kIndex, 200, 403, 403},  // r does not
      {"PUT", "/collections/docs/points", kPoint, 200, 200, 403},
      {"PUT", "/collections/notes/points", kPoint, 200, 403, 403},
      {"POST", "/collections/notes/points/query", kQuery, 200, 200, 200},
      {"POST", "/collections/other/points/count", "{}", 200, 403, 200},
      {"GET", "/metrics", "", 200, 403, 200},
      {"GET", "/healthz", "", 200, 200, 200},
      // From Qdrant's tests/consensus_tests/auth_tests/test_jwt_access.py: retrieve by POST is
      // a read; the issues are manage-only; changing a collection's cluster setup is refused
      // with 403 before its body is read (the admin's single node answers 400: no distributed
      // mode).
      {"POST", "/collections/notes/points", R"({"ids":[1]})", 200, 200, 200},
      {"GET", "/issues", "", 200, 403, 403},
      {"DELETE", "/issues", "", 200, 403, 403},
      {"POST", "/collections/docs/cluster",
       R"({"move_shard":{"shard_id":0,"from_peer_id":1,"to_peer_id":2}})", 400, 403, 403},
  };
  for (const auto& row : matrix) {
    INFO(row.method << " " << row.path);
    CHECK(e.call(admin, row.method, row.path, row.body) == row.admin);
    CHECK(e.call(user, row.method, row.path, row.body) == row.user);
    CHECK(e.call(ro, row.method, row.path, row.body) == row.ro);
  }
  // The lists show a collection token only the collections it may access, and their aliases.
  auto names = [&](const std::string& token, const char* path, const char* list,
                   const char* field) {
    std::set<std::string> out;
    Json j = Json::parse(e.answer(token, "GET", path).second, nullptr, false);
    if (j.is_object() && j.contains("result"))
      for (const auto& c : j["result"][list]) out.insert(c.value(field, ""));
    return out;
  };
  CHECK(names(user, "/collections", "collections", "name") ==
        std::set<std::string>{"docs", "notes"});
  CHECK(names(admin, "/collections", "collections", "name").count("other") == 1);
  for (const auto& alias : names(user, "/aliases", "aliases", "collection_name"))
    CHECK((alias == "docs" || alias == "notes"));
  std::string forged = admin.substr(0, admin.size() - 2) + (admin.back() == 'A' ? "BB" : "AA");
  CHECK(e.call(forged, "GET", "/collections") == 403);  // bad signature
  CHECK(e.call(mintHs256({{"access", "r"}}, "not-the-server-key"), "GET", "/collections") == 403);
  CHECK(e.call(mintHs256({{"access", "m"}, {"exp", 1000}}, kServerKey), "GET", "/collections") ==
        403);  // expired
  // Claims that do not deserialize make no JWT to Qdrant: an unknown credential, 401, never a
  // 500; unknown claims are ignored (src/common/auth/{claims,jwt_parser}.rs).
  for (const Json& claims :
       {Json{{"access", "r"}, {"value_exists", 5}},
        Json{{"access", "r"}, {"value_exists", {{"collection", 5}}}},
        Json{{"access", Json::array({5})}}, Json{{"access", nullptr}},
        Json{{"access", "r"}, {"sub", 5}}, Json{{"access", "r"}, {"exp", "soon"}}}) {
    INFO(claims.dump());
    CHECK(e.call(mintHs256(claims, kServerKey), "GET", "/collections") == 401);
  }
  CHECK(e.call(mintHs256({{"access", "r"}, {"hxctl-note", 1}}, kServerKey), "GET",
               "/collections") == 200);
  CHECK(e.call("", "GET", "/collections") == 401);  // no credential
  CHECK(e.call("some-random-key", "GET", "/collections") == 401);

  // The claims are the role's, and the token expires with the key.
  auto claims = verifiedClaims(user, kServerKey);
  REQUIRE(claims);
  CHECK((*claims)["access"] == Json::parse(R"([{"collection":"docs","access":"rw"},
                                                {"collection":"notes","access":"r"}])"));
  CHECK((*claims)["value_exists"]["collection"] == "hxctl-tokens");
  CHECK(e.run("plan -f specs").out.find("No changes.") != std::string::npos);
}

TEST_CASE(
    "keys: revoking a key fails its token at once while the others keep working, and a "
    "rotated secret re-delivers everything in one apply while an unchanged one changes nothing",
    "[keys][e2e]") {
  KeyEstate e;
  e.write();
  REQUIRE(e.run("apply --auto-approve -f specs").code == 0);
  std::string admin = e.token("admin"), ro = e.token("ro"), user = e.token("user");
  CHECK(e.reloads() == 1);

  // The server's key missing: its tokens cannot be read, so the keys there are not "absent".
  // The plan names the variable and offers to create none of them.
  Run noServerKey = e.h.run("plan -f specs", "HX_ADMIN_SECRET=" + kAdminSecret);
  CHECK(noServerKey.out.find("+ ApiKey/") == std::string::npos);
  CHECK(noServerKey.out.find("environment variable HX_SERVER_KEY is not set") != std::string::npos);

  // Unchanged: nothing is rewritten, nothing reloaded.
  auto keyFile = std::filesystem::path(e.path("api-keys.yaml"));
  auto before = std::filesystem::last_write_time(keyFile);
  Run again = e.run("apply --auto-approve -f specs");
  CHECK(again.out.find("No changes.") != std::string::npos);
  CHECK(std::filesystem::last_write_time(keyFile) == before);
  CHECK(e.reloads() == 1);
  CHECK(e.token("user") == user);

  // Rotation: the user key's secret changes; its token and its gateway entry follow at once.
  std::ofstream(e.path("user.secret")) << "usr-rotated-0000-value\n";
  Run plan = e.run("plan -f specs");
  CHECK(plan.out.find("secretDigest: (sensitive) changed") != std::string::npos);
  Run rotated = e.run("apply --auto-approve -f specs");
  INFO(rotated.out << rotated.err);
  CHECK(rotated.code == 0);
  CHECK(e.token("user") != user);
  CHECK(e.call(user, "GET", "/collections/docs") == 401);  // the old token is revoked
  CHECK(e.call(e.token("user"), "GET", "/collections/docs") == 200);
  auto entries = parseGatewayFile(slurp(keyFile));
  REQUIRE(entries);
  for (const auto& g : entries.value())
    if (g.name == "user-key") {
      CHECK(verifySaltedHash(g.hash, "usr-rotated-0000-value"));
      CHECK_FALSE(verifySaltedHash(g.hash, kUserSecret));
    }
  CHECK(e.reloads() == 2);

  // Revocation: ro-key leaves the specs; with --prune its token stops working at once.
  e.write(false);
  Run revoked = e.run("apply --auto-approve -f specs --prune");
  INFO(revoked.out << revoked.err);
  CHECK(revoked.code == 0);
  CHECK(e.call(ro, "GET", "/collections") == 401);
  CHECK(e.call(admin, "GET", "/collections") == 200);
  CHECK(slurp(keyFile).find("ro-key") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(e.path("ro.jwt")));

  Run keys = e.run("keys -f specs -o json");
  Json list = Json::parse(keys.out)["keys"];
  REQUIRE(list.size() == 2);
  for (const auto& k : list) {
    CHECK_FALSE(k["created"].is_null());
    if (k["name"] == "user-key") CHECK_FALSE(k["last_rotated"].is_null());
  }
}

TEST_CASE(
    "keys: no secret appears in output, plan JSON, debug logs, the store, the key file or the "
    "tokens, a generated secret is private, and a world-readable secret file is refused",
    "[keys][e2e]") {
  KeyEstate e;
  e.write();
  REQUIRE(e.run("plan -f specs -o json").code == 0);
  Run applied = e.h.run("apply --auto-approve -f specs", e.env() + " HXCTL_LOG_LEVEL=debug");
  e.all += applied.out + applied.err;
  REQUIRE(applied.code == 0);
  CHECK(applied.err.find("[debug]") != std::string::npos);  // debug logging was on
  e.run("status -f specs -o json");
  e.run("history");
  std::string generated = slurp(e.dir / "ro.secret");
  while (!generated.empty() && generated.back() == '\n') generated.pop_back();
  CHECK(generated.size() >= 43);  // 32 random bytes
  struct stat st {};
  REQUIRE(stat(e.path("ro.secret").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string places = e.all + slurp(e.dir / "state.db") + slurp(e.dir / "state.db-wal") +
                       slurp(e.dir / "api-keys.yaml") + e.token("admin") + e.token("user") +
                       e.token("ro");
  for (const std::string& secret : {kServerKey, kAdminSecret, kUserSecret, generated}) {
    INFO("a secret leaked: " << secret.substr(0, 3) << "...");
    CHECK(places.find(secret) == std::string::npos);
  }
  CHECK((std::filesystem::status(e.path("api-keys.yaml")).permissions() &
         std::filesystem::perms::others_read) == std::filesystem::perms::none);

  chmod(e.path("user.secret").c_str(), 0644);
  Run refused = e.run("apply --auto-approve -f specs");
  CHECK(refused.code != 0);
  CHECK(refused.out.find("secret file " + e.path("user.secret") +
                         " is readable by group or others; chmod 600 it before use") !=
        std::string::npos);
}

TEST_CASE(
    "keys: a key about to expire is announced by the plan, and an expired key is revoked from "
    "every delivery",
    "[keys][e2e]") {
  auto day = [](int offset) {
    time_t t = time(nullptr) + offset * 86400;
    char buf[16];
    strftime(buf, sizeof buf, "%Y-%m-%d", gmtime(&t));
    return std::string(buf);
  };
  KeyEstate e;
  e.write(true, day(30), day(3));
  REQUIRE(e.run("apply --auto-approve -f specs").code == 0);
  Run soon = e.run("plan -f specs");
  CHECK(soon.out.find("ApiKey/user-key expires in 3 days (" + day(3) + ")") != std::string::npos);
  std::string user = e.token("user");
  CHECK(e.call(user, "GET", "/collections/docs") == 200);

  e.write(true, day(30), day(-1));
  Run expired = e.run("apply --auto-approve -f specs");
  INFO(expired.out << expired.err);
  CHECK(expired.out.find("- ApiKey/user-key") != std::string::npos);
  CHECK(expired.out.find("expired on " + day(-1) + ": revoked from every delivery") !=
        std::string::npos);
  CHECK(e.call(user, "GET", "/collections/docs") == 401);
  CHECK(slurp(e.dir / "api-keys.yaml").find("user-key") == std::string::npos);
  CHECK(e.call(e.token("admin"), "GET", "/collections") == 200);
}

TEST_CASE(
    "keys: a manage-key holder who planted a point for its own token id is locked out once the "
    "key is revoked",
    "[keys][e2e][revocation]") {
  KeyEstate e;
  e.write();
  REQUIRE(e.run("apply --auto-approve -f specs").code == 0);
  const std::string admin = e.token("admin");
  const std::string jti = e.tokenId("admin");
  REQUIRE_FALSE(jti.empty());
  // The holder plants copies of its own token id, under ids of its choosing.
  const std::string plant = R"({"points":[{"id":424242,"vector":[1.0],"payload":{"token":")" + jti +
                            R"("}},{"id":"9b4c7a1e-0000-4000-8000-000000000001",)" +
                            R"("vector":[1.0],"payload":{"token":")" + jti + R"(","x":1}}]})";
  REQUIRE(e.call(admin, "PUT", "/collections/hxctl-tokens/points?wait=true", plant) == 200);

  // The key leaves the specs; the readonly one with it, so that admin is a minority of keys.
  std::string spec = hx::test::slurp(e.dir / "specs" / "estate.yaml");
  auto at = spec.find("---\napiVersion: hx/v1\nkind: ApiKey\nmetadata: {name: \"admin-key\"}");
  REQUIRE(at != std::string::npos);
  auto end = spec.find("---", at + 3);
  spec.erase(at, end - at);
  e.h.writeSpec("estate.yaml", spec);
  Run revoked = e.run("apply --auto-approve -f specs --prune");
  INFO(revoked.out << revoked.err);
  CHECK(revoked.code == 0);
  CHECK(revoked.out.find("- ApiKey/admin-key") != std::string::npos);
  // Locked out: no read, no write, and no second chance to plant.
  CHECK(e.call(admin, "GET", "/collections") == 401);
  CHECK(e.call(admin, "PUT", "/collections/made-after-revocation", kNew) == 401);
  CHECK(e.call(admin, "PUT", "/collections/hxctl-tokens/points?wait=true", plant) == 401);
  CHECK(e.call(e.token("user"), "GET", "/collections/docs") == 200);
  CHECK(e.run("plan -f specs").out.find("No changes.") != std::string::npos);
}

TEST_CASE(
    "keys: a global-read key learns nothing from the token collection that names or "
    "fingerprints another key, and stray points there are planned away",
    "[keys][e2e][revocation]") {
  KeyEstate e;
  e.write();
  REQUIRE(e.run("apply --auto-approve -f specs").code == 0);
  auto [status, body] = e.answer(e.token("ro"), "POST", "/collections/hxctl-tokens/points/scroll",
                                 R"({"limit":100,"with_payload":true,"with_vector":false})");
  REQUIRE(status == 200);
  Json points = Json::parse(body)["result"]["points"];
  CHECK(points.size() == 3);  // one per live token
  for (const auto& p : points) {
    INFO(p.dump());
    CHECK(p["payload"].size() == 1);
    CHECK(p["payload"].contains("token"));
  }
  for (const std::string& leak :
       std::vector<std::string>{"admin-key", "user-key", "ro-key", ".jwt", e.dir.string()})
    CHECK(body.find(leak) == std::string::npos);

  // A point hxctl did not issue (planted, or left by hand) is drift: planned, then removed.
  const std::string stray =
      R"({"points":[{"id":7,"vector":[1.0],"payload":{"token":"0123456789abcdef0123456789abcdef"}}]})";
  REQUIRE(e.call(e.token("admin"), "PUT", "/collections/hxctl-tokens/points?wait=true", stray) ==
          200);
  Run plan = e.run("plan -f specs");
  INFO(plan.out);
  CHECK(plan.out.find("strayTokenPoints: 1 -> 0") != std::string::npos);
  Run applied = e.run("apply --auto-approve -f specs");
  CHECK(applied.code == 0);
  auto after = e.answer(e.token("ro"), "POST", "/collections/hxctl-tokens/points/count",
                        R"({"exact":true})");
  CHECK(Json::parse(after.second)["result"]["count"] == 3);
  CHECK(e.run("plan -f specs").out.find("No changes.") != std::string::npos);
}

TEST_CASE(
    "keys: tokens are files without a trailing newline, carry subject (not sub), and the token "
    "collection is indexed on token",
    "[keys][e2e][revocation]") {
  KeyEstate e;
  e.write();
  REQUIRE(e.run("apply --auto-approve -f specs").code == 0);
  std::string raw = hx::test::slurp(e.dir / "admin.jwt");
  REQUIRE_FALSE(raw.empty());
  CHECK(raw.back() != '\n');
  CHECK(raw.find_first_of(" \r\n\t") == std::string::npos);
  auto claims = verifiedClaims(raw, kServerKey);
  REQUIRE(claims);
  CHECK((*claims)["subject"] == "admin-key");
  CHECK_FALSE(claims->contains("sub"));
  auto [status, info] =
      e.answer(mintHs256({{"access", "m"}}, kServerKey), "GET", "/collections/hxctl-tokens");
  REQUIRE(status == 200);
  Json schema = Json::parse(info)["result"]["payload_schema"];
  INFO(schema.dump());
  CHECK(schema["token"]["data_type"] == "keyword");
}

TEST_CASE("keys: a Qdrant with jwt_rbac off is reported by plan and apply, not silently in sync",
          "[keys][e2e][revocation]") {
  // The same estate on a server that takes its api key but no JWT (service.jwt_rbac unset).
  SimProcess plain({{"--qdrant", "{PORT}", "--api-key", kServerKey}},
                   hx::test::freshExchangeLog("keys-no-rbac"));
  KeyEstate e;
  e.write();
  std::string spec = hx::test::slurp(e.dir / "specs" / "estate.yaml");
  spec.replace(spec.find(e.sim.url(0)), e.sim.url(0).size(), plain.url(0));
  e.h.writeSpec("estate.yaml", spec);
  Run plan = e.run("plan -f specs");
  INFO(plan.out << plan.err);
  CHECK(plan.out.find("jwt_rbac") != std::string::npos);
  Run applied = e.run("apply --auto-approve -f specs");
  INFO(applied.out << applied.err);
  CHECK(applied.code == 5);
  CHECK(applied.out.find("Qdrant on vector does not accept JWTs: service.jwt_rbac is off") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(e.path("admin.jwt")));  // no token that would get 401
  Run again = e.run("plan -f specs");
  CHECK(again.out.find("No changes.") == std::string::npos);
}

TEST_CASE("keys: a role scoped to a collection warns that the collection's aliases are not covered",
          "[keys][e2e]") {
  KeyEstate e;
  e.write();
  std::string spec = hx::test::slurp(e.dir / "specs" / "estate.yaml");
  const std::string docs =
      "kind: Collection\nmetadata: {name: \"docs\"}\nspec:\n  {server: vector, "
      "vectors: {size: 4, distance: Cosine}";
  auto at = spec.find(docs);
  REQUIRE(at != std::string::npos);
  spec.insert(at + docs.size(), ", aliases: [docs-current]");
  e.h.writeSpec("estate.yaml", spec);
  Run v = e.run("validate -f specs");
  INFO(v.out << v.err);
  CHECK(v.code == 0);
  CHECK(v.out.find("warning: ") != std::string::npos);
  CHECK(v.out.find("Role/user spec.qdrant.collections[0].collection: docs is also reached as "
                   "docs-current") != std::string::npos);
  REQUIRE(e.run("apply --auto-approve -f specs").code == 0);
  // What the warning says, on the server: the alias is checked as written, before it resolves.
  CHECK(e.call(e.token("user"), "GET", "/collections/docs") == 200);
  CHECK(e.call(e.token("user"), "POST", "/collections/docs-current/points/query", kQuery) == 403);

  // The advice taken: the role grants the alias too; no warning, and the alias answers.
  spec = hx::test::slurp(e.dir / "specs" / "estate.yaml");
  const std::string grant = "      - {collection: docs, access: rw}\n";
  auto g = spec.find(grant);
  REQUIRE(g != std::string::npos);
  spec.insert(g + grant.size(), "      - {collection: docs-current, access: rw}\n");
  e.h.writeSpec("estate.yaml", spec);
  Run fixed = e.run("validate -f specs");
  INFO(fixed.out << fixed.err);
  CHECK(fixed.code == 0);
  CHECK(fixed.out.find("warning: ") == std::string::npos);
  REQUIRE(e.run("apply --auto-approve -f specs").code == 0);
  CHECK(e.call(e.token("user"), "POST", "/collections/docs-current/points/query", kQuery) == 200);
}
