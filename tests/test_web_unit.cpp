// The web view without a server: its escaping, its pictures, its routes and its access control
// (the browser tests in test_web_e2e.cpp drive the daemon's real pages).
#include <sodium.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "cli_harness.h"
#include "src/web/basic_auth.h"
#include "src/web/charts.h"
#include "src/web/html.h"
#include "src/web/pages.h"
#include "src/web/site.h"

using namespace hx;
using namespace hx::web;

namespace {

// The Authorization header a browser sends for "user:password".
std::string basic(const std::string& credentials) {
  std::string out(sodium_base64_ENCODED_LEN(credentials.size(), sodium_base64_VARIANT_ORIGINAL),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(credentials.data()), credentials.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return "Basic " + out;
}

// A users file for `password` in a directory of the test's own, mode 0600.
struct UsersFile {
  explicit UsersFile(const std::string& password, const std::string& tag) {
    dir = std::filesystem::temp_directory_path() /
          ("hxctl-web-" + tag + "-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    path = (dir / "users").string();
    auto hash = BasicAuth::hash(password);
    REQUIRE(hash);
    std::ofstream(path) << "alice:" << hash.value() << "\n";
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  ~UsersFile() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
  std::string path;
};

const std::string kPayload = "<script>window.__pwned=1</script>\"><img src=x onerror=alert(1)>";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A snapshot whose every name, title and message carries the payload.
Snapshot hostileSnapshot() {
  Snapshot s;
  s.generation = 7;
  s.builtAt = 1'795'000'000;
  s.estate = kPayload;
  s.hosts = Json::array({Json{{"name", kPayload},
                              {"type", "ollama"},
                              {"status", "degraded"},
                              {"since", "2026-11-29T10:00:00Z"},
                              {"last_probe", "2026-11-29T10:00:00Z"},
                              {"latency_ms", 3},
                              {"version", kPayload},
                              {"breaker", "open"},
                              {"evidence", kPayload},
                              {"models",
                               {{"known", true},
                                {"present", {kPayload}},
                                {"missing", {kPayload}},
                                {"unmanaged", {kPayload}}}}}});
  Json task = {{"id", "1.1"},         {"title", kPayload},        {"group", kPayload},
               {"priority", "high"},  {"effort", "2h"},           {"status", "blocked"},
               {"since", nullptr},    {"waiting_on", {kPayload}}, {"criteria", Json::array()},
               {"escalated", nullptr}};
  s.status = {{"hosts", Json::array()},     {"tasks", {task}},
              {"summary", kPayload},        {"reviews", Json::array()},
              {"escalated", Json::array()}, {"writer", nullptr},
              {"backoffs", Json::array()}};
  Json detail = task;
  detail["criteria_spec"] = Json::array({Json{{"generate", {{"model", kPayload}}}}});
  detail["depends_on"] = Json::array({"Task/" + kPayload});
  detail["gates"] = Json::array({Json{{"resource", kPayload}, {"action", "deferred"}}});
  detail["transitions"] =
      Json::array({Json{{"from", ""}, {"to", "blocked"}, {"at", "x"}, {"why", kPayload}}});
  detail["notes"] = Json::array({kPayload});
  s.tasks["1.1"] = detail;
  s.plan = {{"actions", Json::array({Json{{"resource", "Model/" + kPayload},
                                          {"kind", "Model"},
                                          {"name", kPayload},
                                          {"host", kPayload},
                                          {"key", kPayload},
                                          {"action", "deferred"},
                                          {"reason", kPayload},
                                          {"changes", Json::array()}}})},
            {"notes", {kPayload}},
            {"summary", {{"line", kPayload}}}};
  s.history = Json::array({Json{{"id", 3},
                                {"started_at", "t"},
                                {"command", kPayload},
                                {"user", kPayload},
                                {"hostname", "h"},
                                {"status", "failed"},
                                {"duration_ms", 12},
                                {"summary", kPayload}}});
  s.runs[3] = s.history[0];
  s.runs[3]["actions"] = Json::array({Json{{"resource", kPayload},
                                           {"action", "create"},
                                           {"status", "failed"},
                                           {"duration_ms", 1},
                                           {"error", kPayload},
                                           {"reason", ""}}});
  return s;
}

}  // namespace

TEST_CASE("escape turns markup, quotes and bytes that are not UTF-8 into text", "[web]") {
  CHECK(escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(escape("caf\xC3\xA9 \xF0\x9F\x9A\x80") == "caf\xC3\xA9 \xF0\x9F\x9A\x80");  // kept
  CHECK(escape("a\xFF"
               "b") ==
        "a\xEF\xBF\xBD"
        "b");                               // U+FFFD
  CHECK(escape("\xC3") == "\xEF\xBF\xBD");  // cut short
  CHECK(escape(std::string("a\0b\x1b", 4)) ==
        "a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD");
  CHECK(urlPart("1.3 a/b") == "1.3%20a%2Fb");
  CHECK(decodePathSegment("1.3%20a%2Fb") == std::optional<std::string>("1.3 a/b"));
  CHECK_FALSE(decodePathSegment("bad%2"));
}

TEST_CASE("every page renders a hostile name, title or message as text, never as markup", "[web]") {
  const Snapshot s = hostileSnapshot();
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"estate", estatePage(s)},
      {"backlog", backlogPage(s)},
      {"task", taskPage(s, "1.1").value()},
      {"runs", runsPage(s)}};
  for (const auto& [name, html] : pages) {
    INFO(name);
    CHECK(html.find("<script>window") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(count(html, "<script") == 1);  // the page's own, with src
    CHECK(html.find("&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot;&gt;&lt;img src=x "
                    "onerror=alert(1)&gt;") != std::string::npos);
  }
  CHECK_FALSE(taskPage(s, "9.9"));
}

TEST_CASE("an availability strip colours each slot by its probes and says the figures", "[web]") {
  const int64_t from = 1'795'000'200;  // a multiple of 300
  std::vector<ProbeBucket> buckets = {
      {from, 10, 0, HostStatus::kActive},                    // slot 0: all passed
      {from + 300, 4, 6, HostStatus::kDegraded},             // slot 1: some failed
      {from + 600, 0, 10, HostStatus::kDegraded},            // slot 2: all failed
      {from + 900, 0, 3, HostStatus::kPendingInstallation},  // slot 3: not installed
                                                             // slots 4 and 5: nothing sent
  };
  const std::string svg = availabilityStrip("llm", buckets, from, from + 1800, 300);
  CHECK(count(svg, "class=\"p-ok\"") == 1);
  CHECK(count(svg, "class=\"p-mixed\"") == 1);
  CHECK(count(svg, "class=\"p-down\"") == 1);
  CHECK(count(svg, "class=\"p-pending\"") == 1);
  CHECK(count(svg, "class=\"p-none\"") == 1);  // slots 4 and 5 as one mark
  CHECK(svg.find("width=\"2\" height=\"10\" class=\"p-none\"") != std::string::npos);
  CHECK(svg.find("llm: 42.4% of 33 probes passed") != std::string::npos);
  CHECK(svg.find("role=\"img\"") != std::string::npos);
  // A week at one slot an hour sums the buckets inside each hour.
  const std::string week = availabilityStrip("llm", buckets, from - 3300, from + 300, 3600);
  CHECK(week.find("10 passed, 0 failed") != std::string::npos);
}

TEST_CASE("the backlog chart counts each task by its status at each bar's end", "[web]") {
  std::vector<TaskTransition> t = {{"1.1", "", "blocked", 100, ""},
                                   {"1.2", "", "ready", 100, ""},
                                   {"1.1", "blocked", "completed", 250, ""}};
  const std::string svg = backlogChart(t, 0, 300, 3);  // bars ending at 100, 200, 300
  CHECK(svg.find(": 1 ready, 1 blocked</title>") != std::string::npos);
  CHECK(svg.find(": 1 completed, 1 ready</title>") != std::string::npos);
  CHECK(count(svg, "class=\"t-blocked\"") == 2);
  CHECK(count(svg, "class=\"t-completed\"") == 1);
}

TEST_CASE("the site serves pages and JSON from one cached snapshot, and refuses to change anything",
          "[web]") {
  ChangeFeed feed;
  int reads = 0;
  int64_t now = 1'795'000'000;
  WebSite site(
      WebReaders{[&](int64_t generation) {
                   ++reads;
                   Snapshot s = hostileSnapshot();
                   s.generation = generation;
                   s.builtAt = now;
                   return s;
                 },
                 [](int64_t run) -> std::optional<Json> {
                   if (run != 3) return std::nullopt;
                   return Json{{"id", 3}, {"actions", Json::array()}};
                 }},
      feed, [&] { return now; }, true, 30);
  auto get = [&](const std::string& path) {
    return site.serve(WebRequest{"GET", path, "127.0.0.1:9847"});
  };
  auto header = [](const WebResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return std::string();
  };

  WebResponse estate = get("/");
  CHECK(estate.status == 200);
  CHECK(estate.contentType.rfind("text/html", 0) == 0);
  CHECK(header(estate, "Content-Security-Policy").find("script-src 'self'") != std::string::npos);
  CHECK(header(estate, "X-Content-Type-Options") == "nosniff");
  CHECK(get("/backlog").status == 200);
  CHECK(get("/runs").status == 200);
  CHECK(get("/tasks/1.1").status == 200);
  CHECK(get("/tasks/1%2E1").status == 200);
  CHECK(get("/tasks/9.9").status == 404);
  CHECK(get("/nowhere").status == 404);
  CHECK(Json::parse(get("/api/status").body) == hostileSnapshot().status);
  CHECK(Json::parse(get("/api/hosts").body) == hostileSnapshot().hosts);
  CHECK(Json::parse(get("/api/tasks/1.1").body) == hostileSnapshot().tasks.at("1.1"));
  CHECK(Json::parse(get("/api/runs/3").body) == Json{{"id", 3}, {"actions", Json::array()}});
  CHECK(get("/api/runs/3x").status == 404);
  CHECK(get("/api/runs/4").status == 404);
  CHECK(get("/static/hxctl.js").contentType.rfind("text/javascript", 0) == 0);
  CHECK(reads == 1);  // one snapshot served all of them

  feed.bump();
  CHECK(Json::parse(get("/api/generation").body)["generation"] == 2);
  CHECK(get("/api/status").status == 200);
  CHECK(reads == 2);  // the feed moved
  now += 31;
  CHECK(get("/").status == 200);
  CHECK(reads == 3);  // too old: ages go on counting

  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    WebResponse r = site.serve(WebRequest{method, "/api/status", "localhost"});
    CHECK(r.status == 405);
    CHECK(header(r, "Allow") == "GET, HEAD");
  }
  CHECK(reads == 3);
}

TEST_CASE("a snapshot that could not be read is a 503 with the reason, on pages and JSON",
          "[web]") {
  ChangeFeed feed;
  WebSite site(
      WebReaders{[](int64_t) {
                   Snapshot s;
                   s.error = "the store <x> is locked";
                   return s;
                 },
                 nullptr},
      feed, [] { return int64_t{0}; }, false);
  WebResponse page = site.serve(WebRequest{"GET", "/backlog", "reconciler.example"});
  CHECK(page.status == 503);
  CHECK(page.body.find("the store &lt;x&gt; is locked") != std::string::npos);
  WebResponse api = site.serve(WebRequest{"GET", "/api/status", ""});
  CHECK(api.status == 503);
  CHECK(Json::parse(api.body)["error"] == "the store <x> is locked");
}

TEST_CASE("on loopback the site answers only to loopback's names, against DNS rebinding", "[web]") {
  for (const char* host :
       {"127.0.0.1:9847", "127.0.0.1", "localhost:9847", "[::1]:9847", "", "10.0.0.5:80"})
    CHECK(loopbackHostHeader(host));
  for (const char* host : {"evil.example:9847", "evil.example", "127.0.0.1.evil.example", "[::1",
                           "localhost.evil.example:9847"})
    CHECK_FALSE(loopbackHostHeader(host));
  ChangeFeed feed;
  int reads = 0;
  WebSite site(
      WebReaders{[&](int64_t) {
                   ++reads;
                   return hostileSnapshot();
                 },
                 nullptr},
      feed, [] { return int64_t{0}; }, true);
  WebResponse refused = site.serve(WebRequest{"GET", "/api/status", "evil.example:9847"});
  CHECK(refused.status == 403);
  CHECK(refused.body.find("estate") == std::string::npos);
  CHECK(reads == 0);  // nothing was read for it
  CHECK(site.serve(WebRequest{"GET", "/api/status", "localhost:9847"}).status == 200);
  CHECK(site.refusesHost("evil.example"));
  CHECK_FALSE(site.refusesHost("127.0.0.1:9847"));
}

TEST_CASE("basic auth admits the users of its file with their password only", "[web]") {
  auto hash = BasicAuth::hash("correct horse battery");
  REQUIRE(hash);
  CHECK(hash.value().rfind("$argon2id$", 0) == 0);
  auto dir = std::filesystem::temp_directory_path() / ("hxctl-web-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "users").string();
  std::ofstream(path) << "# who may look\n\nalice:" << hash.value() << "\n";
  auto auth = BasicAuth::load(path);
  REQUIRE(auth);
  CHECK(auth.value()->allows(basic("alice:correct horse battery")));
  CHECK(auth.value()->allows(basic("alice:correct horse battery")));  // remembered
  CHECK_FALSE(auth.value()->allows(basic("alice:wrong")));
  CHECK_FALSE(auth.value()->allows(basic("bob:correct horse battery")));
  CHECK_FALSE(auth.value()->allows(""));
  CHECK_FALSE(auth.value()->allows("Bearer x"));
  CHECK_FALSE(auth.value()->allows("Basic !!!"));

  std::ofstream(path) << "alice:plaintext\n";
  auto bad = BasicAuth::load(path);
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message().find(path + ":1: expected USER:$argon2id$") != std::string::npos);
  std::ofstream(path) << "alice:" << hash.value() << "\nalice:" << hash.value() << "\n";
  CHECK(BasicAuth::load(path).status().message().find(":2: user alice appears twice") !=
        std::string::npos);
  std::ofstream(path) << "# nobody\n";
  CHECK_FALSE(BasicAuth::load(path));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a users file that group or others may write is refused, naming the fix", "[web]") {
  UsersFile users("correct horse battery", "mode");
  REQUIRE(BasicAuth::load(users.path));
  for (auto extra : {std::filesystem::perms::group_write, std::filesystem::perms::others_write}) {
    std::filesystem::permissions(users.path, extra, std::filesystem::perm_options::add);
    auto refused = BasicAuth::load(users.path);
    REQUIRE_FALSE(refused);
    CHECK(refused.status().message().find("group or others may write it") != std::string::npos);
    CHECK(refused.status().message().find("chmod go-w " + users.path) != std::string::npos);
    std::filesystem::permissions(users.path, extra, std::filesystem::perm_options::remove);
  }
  CHECK_FALSE(BasicAuth::load(users.dir.string()));  // not a regular file
}

TEST_CASE("a name not in the users file costs the same Argon2 verification as one that is",
          "[web]") {
  UsersFile users("correct horse battery", "timing");
  auto auth = BasicAuth::load(users.path);
  REQUIRE(auth);
  auto& a = *auth.value();
  CHECK(a.verifications() == 0);
  CHECK(a.check(basic("alice:wrong password"), "10.0.0.1").verdict ==
        AuthDecision::Verdict::kDenied);
  CHECK(a.verifications() == 1);
  // Nobody by that name: refused all the same, after the same work.
  CHECK(a.check(basic("mallory:wrong password"), "10.0.0.2").verdict ==
        AuthDecision::Verdict::kDenied);
  CHECK(a.verifications() == 2);
  // Malformed headers are refused before any hashing: nothing about a name to hide.
  CHECK(a.check("Basic !!!", "10.0.0.2").verdict == AuthDecision::Verdict::kDenied);
  CHECK(a.verifications() == 2);
}

TEST_CASE("failed logins are throttled per client and per user, without hashing", "[web]") {
  UsersFile users("correct horse battery", "throttle");
  auto now = LoginThrottle::Clock::now();
  BasicAuth::Options options;
  options.limits.perClient = 3;
  options.limits.perUser = 5;
  options.limits.window = std::chrono::seconds(60);
  options.now = [&] { return now; };
  auto auth = BasicAuth::load(users.path, options);
  REQUIRE(auth);
  auto& a = *auth.value();
  using Verdict = AuthDecision::Verdict;
  // A known client logs in first: it stays welcome while strangers guess at its name.
  REQUIRE(a.check(basic("alice:correct horse battery"), "10.0.0.9").verdict == Verdict::kAllowed);
  for (int i = 0; i < 3; ++i)
    CHECK(a.check(basic("alice:guess" + std::to_string(i)), "10.0.0.1").verdict ==
          Verdict::kDenied);
  const size_t hashed = a.verifications();
  auto throttled = a.check(basic("alice:guess3"), "10.0.0.1");
  CHECK(throttled.verdict == Verdict::kThrottled);
  CHECK(throttled.retryAfterSeconds == 60);
  // The right password from that client waits too: the client, not the password, is throttled.
  CHECK(a.check(basic("alice:correct horse battery2"), "10.0.0.1").verdict == Verdict::kThrottled);
  CHECK(a.verifications() == hashed);  // nothing hashed for a throttled try
  // Two more failures from another address reach the per-user limit (5) for alice.
  for (int i = 0; i < 2; ++i)
    CHECK(a.check(basic("alice:other" + std::to_string(i)), "10.0.0.2").verdict ==
          Verdict::kDenied);
  CHECK(a.check(basic("alice:other2"), "10.0.0.3").verdict == Verdict::kThrottled);
  // A new credential header from the client that logged in before is still verified.
  CHECK(a.check(basic("alice:typo"), "10.0.0.9").verdict == Verdict::kDenied);
  // Other names are not throttled by alice's.
  CHECK(a.check(basic("bob:x"), "10.0.0.3").verdict == Verdict::kDenied);
  // Once the window has passed, the first client may try again, and get in.
  now += std::chrono::seconds(61);
  CHECK(a.check(basic("alice:correct horse battery"), "10.0.0.1").verdict == Verdict::kAllowed);
}

TEST_CASE("the throttle's memory stays bounded, whatever the number of clients", "[web]") {
  LoginThrottle::Limits limits;
  limits.perClient = 1;
  limits.maxTracked = 16;
  LoginThrottle throttle(limits);
  auto now = LoginThrottle::Clock::now();
  for (int i = 0; i < 1000; ++i) {
    throttle.failed("10.0.0." + std::to_string(i), "user" + std::to_string(i), now);
    now += std::chrono::milliseconds(1);
  }
  // The newest are remembered; the oldest were let go.
  CHECK(throttle.waitBeforeTrying("10.0.0.999", "someone", now) > 0);
  CHECK(throttle.waitBeforeTrying("10.0.0.0", "someone", now) == 0);
}

TEST_CASE("verification waits in a bounded queue, and beyond it a login is busy at once", "[web]") {
  HashWorker worker(2);
  std::mutex gate;
  std::unique_lock<std::mutex> held(gate);
  std::atomic<int> started{0};
  auto slow = [&] {
    ++started;
    std::lock_guard<std::mutex> wait(gate);
    return true;
  };
  // One verification runs (and blocks on the gate), then two wait in the queue.
  std::vector<std::thread> callers;
  std::atomic<int> admitted{0};
  auto caller = [&] {
    if (worker.run(slow)) ++admitted;
  };
  callers.emplace_back(caller);
  REQUIRE(hx::test::eventually([&] { return started == 1; }, 30));
  callers.emplace_back(caller);
  callers.emplace_back(caller);
  // Once both others are queued, a fourth is refused without waiting.
  REQUIRE(hx::test::eventually([&] { return worker.waiting() == 2; }, 30));
  auto refused = worker.run([] { return true; });
  CHECK_FALSE(refused.has_value());
  held.unlock();
  for (auto& t : callers) t.join();
  CHECK(admitted == 3);
  CHECK(worker.run([] { return false; }) == std::optional<bool>(false));
}
