// The daemon's web view in a real browser: headless Chromium (over WebDriver) loads each page
// from a daemon running the demo estate (examples/local) on hx-sim, and the tests read what a
// person would see. Screenshots of every page land in the build tree (web-screenshots/).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <regex>
#include <thread>

#include "daemon_process.h"
#include "webdriver.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::DaemonProcess;
using hx::test::eventually;
using hx::test::httpGet;
using hx::test::SimProcess;
using hx::test::WebDriver;

namespace {

const std::string kKey = "web-demo-key";
const std::string kEnv = "HXCTL_DEMO_QDRANT_KEY=" + kKey;
constexpr int DaemonStreams = 8;  // DaemonHttpServer::kMaxStreams
// What a hostile server or spec author would try: a script, and an attribute that runs one.
const std::string kPayload =
    "<script>window.__pwned=1</script>\"><img src=x onerror=window.__pwned=2>";

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// A users file with USER's line as `hxctl web-password` writes it, mode 0600 as the daemon
// demands; its path.
std::string writeUsers(CliHarness& h, const std::string& user, const std::string& password) {
  auto line =
      h.runCommand("printf '" + password + "\\n' | (" + h.command("web-password " + user) + ")");
  REQUIRE(line.code == 0);
  REQUIRE(line.out.rfind(user + ":$argon2id$", 0) == 0);
  CHECK(line.out.find(password) == std::string::npos);
  const std::string users = (h.dir() / "users").string();
  std::ofstream(users) << line.out;
  std::filesystem::permissions(
      users, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return users;
}

std::string basicHeader(const std::string& credentials) {
  std::string b64(sodium_base64_ENCODED_LEN(credentials.size(), sodium_base64_VARIANT_ORIGINAL),
                  '\0');
  sodium_bin2base64(b64.data(), b64.size(),
                    reinterpret_cast<const unsigned char*>(credentials.data()), credentials.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  return "Basic " + std::string(b64.c_str());
}

// The status of GET `url` within `timeoutMs`, 0 when no answer came in that time.
int statusWithin(CurlTransport& http, const std::string& url, const std::string& credentials,
                 int64_t timeoutMs) {
  HttpRequest req;
  req.url = url;
  req.timeoutMs = timeoutMs;
  if (!credentials.empty()) req.headers.emplace_back("Authorization", basicHeader(credentials));
  auto r = http.send(req);
  return r ? r.value().status : 0;
}

// A TCP connection to 127.0.0.1:PORT that sends `bytes` (maybe none) and then nothing more.
int stalledConnection(int port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  if (!bytes.empty())
    REQUIRE(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  return fd;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The demo estate (examples/local) on hx-sim's free ports, with its own store, and the daemon
// serving it. `llmInterval`: llm-primary's probe interval; `titleOf151`: task 1.5.1's title.
struct DemoEstate {
  explicit DemoEstate(const std::string& name, const std::string& llmInterval = "1s",
                      const std::vector<std::string>& ollamaExtra = {},
                      const std::string& titleOf151 = "", const std::string& daemonExtra = "")
      : sim({{"--qdrant", "{PORT}", "--api-key", kKey},
             [&] {
               std::vector<std::string> args = {"--ollama",     "{PORT}",     "--registry",
                                                "mixtral:8x7b", "--registry", "nomic-embed-text=8"};
               args.insert(args.end(), ollamaExtra.begin(), ollamaExtra.end());
               return args;
             }()},
            ""),
        h(name, HX_BIN),
        webPort(hx::test::freePort()) {
    const std::filesystem::path examples = std::filesystem::path(HX_SOURCE_DIR) / "examples/local";
    for (const char* file : {"estate.yaml", "collections.yaml", "llm.yaml", "backlog.yaml"}) {
      std::string text = readFile(examples / file);
      text = replaced(text, "127.0.0.1:46333", "127.0.0.1:" + std::to_string(sim.port(0)));
      text = replaced(text, "127.0.0.1:41434", "127.0.0.1:" + std::to_string(sim.port(1)));
      text = replaced(text, "health: {interval: 1s,", "health: {interval: " + llmInterval + ",");
      if (!titleOf151.empty())
        text = replaced(text, "title: Firewall the vector database", "title: '" + titleOf151 + "'");
      h.writeSpec(file, text);
    }
    daemon = std::make_unique<DaemonProcess>(
        h,
        "-f specs --interval 60s --metrics-address 127.0.0.1:" + std::to_string(webPort) + " " +
            daemonExtra,
        kEnv);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(webPort) + path;
  }
  Json api(const std::string& path) const {
    auto r = httpGet(url(path));
    return r && r->status == 200 ? Json::parse(r->body, nullptr, false) : Json();
  }
  Json cli(const std::string& args) const {
    const bool specs = args.rfind("history", 0) != 0;  // history reads the store alone
    auto r = h.run(args + (specs ? " -f specs" : "") + " -o json", kEnv);
    return Json::parse(r.out, nullptr, false);
  }

  SimProcess sim;
  CliHarness h;
  int webPort;
  std::unique_ptr<DaemonProcess> daemon;
};

std::string screenshotPath(const std::string& name) {
  return std::string(HX_WEB_SCREENSHOT_DIR) + "/" + name + ".png";
}

// Loads `url` and waits until the page's script has its live stream.
bool openLive(WebDriver& browser, const std::string& url) {
  browser.go(url);
  return eventually(
      [&] {
        Json t =
            browser.run("const l = document.getElementById('live'); return l && l.textContent;");
        return t.is_string() && t.get<std::string>() == "live";
      },
      15);
}

// Seconds since the epoch of "2026-12-07T09:03:34Z"; -1 for anything else.
int64_t isoSeconds(const Json& t) {
  std::tm tm{};
  if (!t.is_string() || !strptime(t.get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm))
    return -1;
  return static_cast<int64_t>(timegm(&tm));
}

// The two documents alike but for the writer's heartbeat, which the web view's snapshot carries
// as it was when built (it is rebuilt when anything it shows changes, or at 30 s): there the
// page's heartbeat must be no newer than the store's, and at most 30 s (and a busy machine's
// second) older.
bool sameDocument(Json web, Json cli) {
  const Json* w = web.contains("writer") ? &web["writer"] : nullptr;
  const Json* c = cli.contains("writer") ? &cli["writer"] : nullptr;
  if (w && c && w->is_object() && c->is_object() && w->contains("heartbeat") &&
      c->contains("heartbeat")) {
    const int64_t shown = isoSeconds((*w)["heartbeat"]), stored = isoSeconds((*c)["heartbeat"]);
    if (shown < 0 || stored < shown || stored - shown > 31) return false;
    web["writer"].erase("heartbeat");
    cli["writer"].erase("heartbeat");
  }
  return web == cli;
}

// The web endpoint and the command line read at the same moment: the daemon probes on, so a read
// that straddles a probe is taken again (both sides equal, and the endpoint unmoved across).
bool agree(const DemoEstate& e, const std::string& path, const std::string& args, Json& web,
           Json& cli) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    web = e.api(path);
    cli = e.cli(args);
    if (sameDocument(web, cli) && e.api(path) == web) return true;
    usleep(200000);
  }
  return false;
}

}  // namespace

TEST_CASE("the web view shows the demo estate in a browser, and its JSON is the command line's",
          "[web][browser]") {
  DemoEstate e("web-pages", "15s");
  REQUIRE(e.daemon->waitLog("cycle 1 ", 60));
  REQUIRE(eventually(
      [&] { return e.cli("status").value("summary", "").find("3 completed") != std::string::npos; },
      60));
  WebDriver browser;
  if (!browser.ok()) FAIL("no browser session: " << browser.error());

  // Estate: every host and collection of the specs, each host's status as `hosts` has it.
  REQUIRE(openLive(browser, e.url("/")));
  std::string dom = browser.dom();
  for (const char* text : {"data-host=\"vector-db\"", "data-host=\"llm-primary\"",
                           "data-resource=\"Collection/hermes\"", "data-resource=\"Model/mixtral\"",
                           "in sync", "class=\"strip\""})
    CHECK(dom.find(text) != std::string::npos);
  Json shown = browser.run(
      "const out = {}; for (const r of document.querySelectorAll('tr[data-host]')) "
      "out[r.dataset.host] = r.querySelector('td.status').textContent; return out;");
  Json hosts = e.cli("hosts --offline");
  REQUIRE(hosts.size() == 2);
  for (const auto& host : hosts) CHECK(shown[host["name"].get<std::string>()] == host["status"]);
  CHECK(browser.screenshot(screenshotPath("estate")));

  // Backlog: every task in its group with the status `status` gives it.
  REQUIRE(openLive(browser, e.url("/backlog")));
  shown = browser.run(
      "const out = {}; for (const r of document.querySelectorAll('tr[data-task]')) "
      "out[r.dataset.task] = r.querySelector('td.status').textContent; return out;");
  Json status = e.cli("status");
  REQUIRE(status["tasks"].size() == 4);
  for (const auto& t : status["tasks"]) CHECK(shown[t["id"].get<std::string>()] == t["status"]);
  dom = browser.dom();
  for (const char* text : {"1.3 Live integration", "1.5 Security hardening", "held",
                           "Load test of the vector database", "class=\"chart\""})
    CHECK(dom.find(text) != std::string::npos);
  CHECK(browser.screenshot(screenshotPath("backlog")));
  // Dark, as a browser set to prefer it shows the page: the page's background follows.
  auto background = [&] {
    return browser.run("return getComputedStyle(document.body).backgroundColor;");
  };
  CHECK(background() == "rgb(255, 255, 255)");
  browser.cdp("Emulation.setEmulatedMedia",
              {{"features", Json::array({{{"name", "prefers-color-scheme"}, {"value", "dark"}}})}});
  CHECK(background() == "rgb(13, 17, 23)");
  CHECK(browser.screenshot(screenshotPath("backlog-dark")));
  browser.cdp("Emulation.setEmulatedMedia", {{"features", Json::array()}});

  // One task: its criteria with their evidence, its transitions.
  REQUIRE(openLive(browser, e.url("/tasks/1.3.5")));
  dom = browser.dom();
  for (const char* text : {"Load test of the vector database", "Criteria", "3000 requests",
                           ">pass<", "Transitions", "Task/1.3.7"})
    CHECK(dom.find(text) != std::string::npos);
  CHECK(browser.screenshot(screenshotPath("task-1.3.5")));

  // Runs: the daemon's cycles with their actions.
  REQUIRE(openLive(browser, e.url("/runs")));
  dom = browser.dom();
  for (const char* text :
       {"data-run=\"1\"", "daemon", "succeeded", "Collection/hermes", "Deferred now"})
    CHECK(dom.find(text) != std::string::npos);
  CHECK(browser.screenshot(screenshotPath("runs")));

  // No secret anywhere: the Qdrant API key the estate uses is in no page and no document.
  for (const std::string path : {"/", "/backlog", "/tasks/1.3.5", "/runs", "/api/status",
                                 "/api/hosts", "/api/plan", "/api/history", "/api/runs/1"}) {
    auto r = httpGet(e.url(path));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.find(kKey) == std::string::npos);
  }

  // Without JavaScript the pages say the same: the server writes every row (no script fills it).
  {
    auto raw = httpGet(e.url("/backlog"));
    REQUIRE(raw);
    for (const auto& t : status["tasks"])
      CHECK(raw->body.find("data-task=\"" + t["id"].get<std::string>() + "\"><th scope=\"row\">") !=
            std::string::npos);
    auto estate = httpGet(e.url("/"));
    REQUIRE(estate);
    CHECK(estate->body.find("data-host=\"llm-primary\"><th scope=\"row\">llm-primary</th>") !=
          std::string::npos);
  }

  // A page of another site pointed at the daemon by DNS rebinding sends its own name: refused.
  {
    CurlTransport http(true);
    for (const char* path : {"/", "/api/status", "/api/stream"}) {
      HttpRequest req;
      req.url = e.url(path);
      req.headers.emplace_back("Host", "rebound.example:" + std::to_string(e.webPort));
      auto r = http.send(req);
      REQUIRE(r);
      CHECK(r.value().status == 403);
    }
  }

  // The JSON endpoints are the command line's documents for the same store.
  for (const auto& [path, args] :
       std::vector<std::pair<std::string, std::string>>{{"/api/status", "status"},
                                                        {"/api/hosts", "hosts --offline"},
                                                        {"/api/tasks/1.3.5", "status 1.3.5"},
                                                        {"/api/plan", "plan --offline"},
                                                        {"/api/history", "history --limit 50"},
                                                        {"/api/runs/1", "history 1"}}) {
    INFO(path << " against hxctl " << args);
    Json web, cli;
    CHECK(agree(e, path, args, web, cli));
    CHECK(sameDocument(web, cli));
  }
  std::cout << "web view: screenshots in " << HX_WEB_SCREENSHOT_DIR << "\n";
}

TEST_CASE("a host brought down turns degraded in the open page without a reload",
          "[web][browser]") {
  DemoEstate e("web-live");
  REQUIRE(e.daemon->waitLog("cycle 1 ", 60));
  WebDriver browser;
  if (!browser.ok()) FAIL("no browser session: " << browser.error());
  REQUIRE(openLive(browser, e.url("/")));
  const std::string row = "document.querySelector('tr[data-host=\"llm-primary\"] td.status')";
  REQUIRE(browser.run("return " + row + ".textContent;") == "active");
  browser.run("window.__sameDocument = 42;");  // gone if the page reloads

  const int64_t down = nowMs();
  e.sim.admin(1, "down", "");
  int64_t seen = 0;
  const bool turned = eventually(
      [&] {
        Json s = browser.run("return " + row + ".textContent;");
        if (s != "degraded") return false;
        seen = nowMs();
        return true;
      },
      30);
  REQUIRE(turned);
  CHECK(browser.run("return window.__sameDocument;") == 42);
  // When the daemon knew: its log line, to split the delay into detection and display.
  std::smatch m;
  const std::string log = e.daemon->log();
  const std::regex line(
      R"(\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})\][^\n]*llm-primary: active -> degraded)");
  REQUIRE(std::regex_search(log, m, line));
  std::tm tm{};
  strptime(m[1].str().c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  const int64_t knew = static_cast<int64_t>(timegm(&tm)) * 1000 + std::stoi(m[1].str().substr(20));
  std::cout << "web view: llm-primary down -> degraded in the open page after " << (seen - down)
            << " ms (the daemon recorded it after " << (knew - down) << " ms: 3 failed probes "
            << "at 1 s; the page showed it " << (seen - knew) << " ms later)\n";
  CHECK(seen - down < 15000);
  CHECK(seen - knew < 3000);
  CHECK(browser.screenshot(screenshotPath("estate-degraded")));
}

TEST_CASE("a page that cannot have a live stream polls instead, and still shows a host going down",
          "[web][browser]") {
  DemoEstate e("web-poll");
  REQUIRE(e.daemon->waitLog("cycle 1 ", 60));
  // Every stream the daemon serves at once is taken: curl holds them open, each writing what it
  // receives to a file, so the test knows when all have their stream (its own probe must not
  // take one of them).
  std::vector<pid_t> holders;
  std::vector<std::string> received;
  for (int i = 0; i < DaemonStreams; ++i) {
    const std::string url = e.url("/api/stream");
    received.push_back((e.h.dir() / ("stream-" + std::to_string(i))).string());
    const char* argv[] = {"/usr/bin/curl",         "-sN",       "-o",
                          received.back().c_str(), url.c_str(), nullptr};
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
    holders.push_back(pid);
  }
  REQUIRE(eventually(
      [&] {
        for (const auto& file : received)
          if (readFile(file).find("event: change") == std::string::npos) return false;
        return true;
      },
      20));
  auto refused = httpGet(e.url("/api/stream"));
  REQUIRE(refused);
  REQUIRE(refused->status == 503);
  WebDriver browser;
  if (!browser.ok()) FAIL("no browser session: " << browser.error());
  browser.go(e.url("/"));
  Json live;
  const bool polling = eventually(
      [&] {
        live = browser.run("return document.getElementById('live').textContent;");
        return live == "live (polling)";
      },
      20);
  INFO("the page's live indicator: " << live.dump());
  const std::string row = "document.querySelector('tr[data-host=\"llm-primary\"] td.status')";
  const int64_t down = nowMs();
  e.sim.admin(1, "down", "");
  int64_t seen = 0;
  const bool turned = eventually(
      [&] {
        if (browser.run("return " + row + ".textContent;") != "degraded") return false;
        seen = nowMs();
        return true;
      },
      30);
  for (pid_t pid : holders) {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
  }
  REQUIRE(polling);
  REQUIRE(turned);
  std::cout << "web view (polling): llm-primary down -> degraded in the open page after "
            << (seen - down) << " ms\n";
  CHECK(seen - down < 15000);
}

TEST_CASE("a script in a model name or a task title is shown as text and never runs",
          "[web][browser]") {
  DemoEstate e("web-inject", "15s", {"--model", kPayload}, kPayload);
  REQUIRE(e.daemon->waitLog("cycle 1 ", 60));
  // The payload reached the store: the model is listed as not managed by hxctl.
  REQUIRE(eventually(
      [&] {
        Json hosts = e.cli("hosts --offline");
        return hosts.dump().find("window.__pwned=1") != std::string::npos;
      },
      30));
  WebDriver browser;
  if (!browser.ok()) FAIL("no browser session: " << browser.error());
  for (const std::string path : {"/", "/backlog", "/tasks/1.5.1"}) {
    INFO(path);
    REQUIRE(openLive(browser, e.url(path)));
    Json seen = browser.run(
        "return {pwned: window.__pwned === undefined ? null : window.__pwned, "
        "images: document.querySelectorAll('img').length, scripts: document.scripts.length, "
        "text: document.body.innerText};");
    CHECK(seen["pwned"].is_null());
    CHECK(seen["images"] == 0);
    CHECK(seen["scripts"] == 1);  // the page's own
    CHECK(seen["text"].get<std::string>().find(kPayload.substr(0, 33)) != std::string::npos);
    CHECK(seen["text"].get<std::string>().find("onerror=window.__pwned=2") != std::string::npos);
    CHECK(browser.screenshot(screenshotPath("injection" + replaced(path, "/", "-"))));
  }
  auto page = httpGet(e.url("/"));
  REQUIRE(page);
  CHECK(page->body.find("<img") == std::string::npos);
}

TEST_CASE("with --web-auth the view asks for a password, and the probes stay open", "[web]") {
  CliHarness hash("web-hash", HX_BIN);
  const std::string users = writeUsers(hash, "alice", "correct horse battery");
  DemoEstate e("web-auth", "15s", {}, "", "--web-auth " + users);
  REQUIRE(e.daemon->waitLog("web view on", 30));
  CHECK(e.daemon->log().find("(basic auth)") != std::string::npos);
  CurlTransport http(true);
  auto get = [&](const std::string& path, const std::string& credentials) {
    HttpRequest req;
    req.url = e.url(path);
    if (!credentials.empty()) req.headers.emplace_back("Authorization", basicHeader(credentials));
    auto r = http.send(req);
    REQUIRE(r);
    return r.value();
  };
  for (const char* path : {"/", "/api/status", "/metrics", "/api/stream"}) {
    INFO(path);
    auto refused = get(path, "");
    CHECK(refused.status == 401);
    CHECK(refused.body.find("authentication required") != std::string::npos);
    CHECK(get(path, "alice:wrong").status == 401);
  }
  CHECK(get("/", "alice:correct horse battery").status == 200);
  CHECK(get("/metrics", "alice:correct horse battery").status == 200);
  CHECK(get("/healthz", "").status == 200);
  CHECK(get("/readyz", "").status != 401);
  CHECK(e.daemon->log().find("correct horse") == std::string::npos);
}

TEST_CASE("forty clients guessing passwords leave the probes and the scrape answering", "[web]") {
  CliHarness hash("web-guess-hash", HX_BIN);
  const std::string users = writeUsers(hash, "alice", "correct horse battery");
  DemoEstate e("web-guess", "15s", {}, "", "--web-auth " + users);
  REQUIRE(e.daemon->waitLog("web view on", 30));
  const std::string good = "alice:correct horse battery";
  CurlTransport scraper(true);
  REQUIRE(statusWithin(scraper, e.url("/metrics"), good, 10000) == 200);  // verified, remembered
  std::mutex mu;
  std::map<int, int> answers;  // status -> how many guesses got it (0: none in time)
  std::atomic<int> finished{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 40; ++i)
    guessers.emplace_back([&, i] {
      CurlTransport http(true);
      for (int n = 0; n < 25; ++n) {
        const int status =
            statusWithin(http, e.url("/api/status"),
                         "alice:guess-" + std::to_string(i) + "-" + std::to_string(n), 10000);
        std::lock_guard<std::mutex> lock(mu);
        ++answers[status];
      }
      ++finished;
    });
  // While they guess, the probes and an authenticated scrape answer, each within the 5 s given
  // (at aa18c52 they waited behind the serialised hashing for 10 s and more).
  int rounds = 0;
  while (finished < 40 || rounds < 3) {
    CHECK(statusWithin(scraper, e.url("/healthz"), "", 5000) == 200);
    CHECK(statusWithin(scraper, e.url("/metrics"), good, 5000) == 200);
    CHECK(statusWithin(scraper, e.url("/readyz"), "", 5000) != 0);
    ++rounds;
  }
  for (auto& t : guessers) t.join();
  INFO("429: " << answers[429] << ", 401: " << answers[401] << ", 503: " << answers[503]);
  CHECK(answers[0] == 0);  // no guess hung either: each was answered, most of them at once
  CHECK(answers[429] > 0);
  // Five failures from one address within a minute, plus the few verifying when the fifth came.
  CHECK(answers[401] >= 5);
  CHECK(answers[401] <= 10);
  CHECK(answers[401] + answers[429] + answers[503] == 1000);  // 503: the hash queue was full
  // The operator's own browser, from an address that logged in before, is still let in.
  CHECK(statusWithin(scraper, e.url("/"), good, 5000) == 200);
  CHECK(e.daemon->log().find("guess-") == std::string::npos);
}

TEST_CASE("connections that send nothing, or half a request, do not hold up the probes", "[web]") {
  DemoEstate e("web-stall", "15s");
  REQUIRE(e.daemon->waitLog("web view on", 30));
  std::vector<int> stalled;
  for (int i = 0; i < 64; ++i) stalled.push_back(stalledConnection(e.webPort, ""));
  for (int i = 0; i < 64; ++i)
    stalled.push_back(stalledConnection(e.webPort, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  // At aa18c52 the server's 32 threads were held by these for its 5 s read timeout and more.
  CurlTransport http(true);
  for (int round = 0; round < 5; ++round) {
    CHECK(statusWithin(http, e.url("/healthz"), "", 4000) == 200);
    CHECK(statusWithin(http, e.url("/metrics"), "", 4000) == 200);
  }
  for (int fd : stalled) close(fd);
  // A connection stalled halfway is cut by the read timeout, not kept: an answer or EOF comes.
  int fd = stalledConnection(e.webPort, "GET /healthz HTTP/1.1\r\n");
  timeval wait{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char buf[256];
  CHECK(recv(fd, buf, sizeof buf, 0) >= 0);  // -1 would be our own 30 s limit
  close(fd);
}

TEST_CASE("listening beyond loopback without --web-auth warns at start-up", "[web][root]") {
  // 0.0.0.0 inside a network namespace of the test's own, whose only link is its loopback: the
  // address is "beyond loopback" to the daemon, and yet no packet can leave the machine.
  if (geteuid() != 0) std::exit(77);  // ctest counts it as skipped (SKIP_RETURN_CODE)
  CliHarness h("web-warn", HX_BIN);
  h.writeSpec("estate.yaml", hx::test::specDoc("Host", "vector-db",
                                               "  address: 127.0.0.1\n  api: {type: qdrant, url: "
                                               "\"http://127.0.0.1:9\"}\n"));
  // The daemon for 4 seconds, then SIGTERM (a clean stop).
  auto forAWhile = [&](const std::string& args) {
    return replaced(h.command(args), " && exec env ", " && exec timeout -s TERM 4 env ");
  };
  auto daemonIn = [&](const std::string& extra) {
    return h.runCommand("unshare --net sh -c \"ip link set lo up && " +
                        forAWhile("daemon -f specs --metrics-address 0.0.0.0:9847 " + extra) +
                        "\"");
  };
  auto open = daemonIn("");
  CHECK(open.err.find("web view on http://0.0.0.0:9847/") != std::string::npos);
  CHECK(open.err.find("beyond loopback with no access control") != std::string::npos);
  const std::string users = writeUsers(h, "bob", "another long secret");
  auto guarded = daemonIn("--web-auth " + users);
  CHECK(guarded.err.find("web view on http://0.0.0.0:9847/ (basic auth)") != std::string::npos);
  CHECK(guarded.err.find("beyond loopback") == std::string::npos);
  // On loopback no warning either.
  auto local = h.runCommand(forAWhile("daemon -f specs --metrics-address 127.0.0.1:" +
                                      std::to_string(hx::test::freePort())));
  CHECK(local.err.find("web view on http://127.0.0.1:") != std::string::npos);
  CHECK(local.err.find("beyond loopback") == std::string::npos);
}
