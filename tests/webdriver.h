// A headless Chromium driven over WebDriver (Debian's chromium and chromium-driver): the
// browser tests load the daemon's pages as a person's browser would, run its script, and read
// the DOM and screenshots back. Nothing leaves loopback: every host name but 127.0.0.1 fails to
// resolve, everything not on loopback goes to a proxy that does not exist, and the browser's
// own background traffic (updates, sync, safe browsing, metrics) is switched off.
#pragma once

#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim_process.h"
#include "src/platform/http.h"

extern char** environ;

namespace hx::test {

class WebDriver {
 public:
  WebDriver() : port_(freePort()) {
    profile_ = std::filesystem::temp_directory_path() /
               ("hxctl-chromium-" + std::to_string(getpid()) + "-" + std::to_string(port_));
    std::filesystem::create_directories(profile_);
    const std::string portArg = "--port=" + std::to_string(port_);
    const char* argv[] = {"/usr/bin/chromedriver", portArg.c_str(), "--allowed-ips=127.0.0.1",
                          nullptr};
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
      return;
    for (int i = 0; i < 200 && !ready(); ++i) usleep(50000);
    Json args = Json::array(
        {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--window-size=1400,1800", "--user-data-dir=" + profile_.string(), "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--no-pings", "--disable-domain-reliability",
         "--metrics-recording-only", "--disable-client-side-phishing-detection",
         "--disable-features=OptimizationHints,Translate,MediaRouter,"
         "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         "--proxy-server=http://127.0.0.1:9"});
    Json caps = {{"capabilities",
                  {{"alwaysMatch",
                    {{"browserName", "chrome"},
                     {"goog:chromeOptions", {{"binary", "/usr/bin/chromium"}, {"args", args}}}}}}}};
    Json session = call("POST", "/session", caps, 60000);
    session_ = session.value("sessionId", "");
  }
  ~WebDriver() {
    if (!session_.empty()) call("DELETE", "/session/" + session_, Json(), 10000);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(profile_, ignored);
  }
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  bool ok() const { return !session_.empty(); }
  const std::string& error() const { return error_; }

  void go(const std::string& url) { call("POST", path("/url"), {{"url", url}}, 30000); }
  // Runs `script` (a function body) in the page; its return value.
  Json run(const std::string& script) {
    return call("POST", path("/execute/sync"), {{"script", script}, {"args", Json::array()}},
                10000);
  }
  // A Chrome DevTools Protocol command (chromedriver's goog/cdp/execute), e.g. emulating the
  // dark colour scheme.
  Json cdp(const std::string& command, const Json& params) {
    return call("POST", path("/goog/cdp/execute"), {{"cmd", command}, {"params", params}}, 10000);
  }
  std::string dom() {
    Json v = run("return document.documentElement.outerHTML;");
    return v.is_string() ? v.get<std::string>() : "";
  }
  // The viewport as PNG at `file`; false when the browser sent none.
  bool screenshot(const std::string& file) {
    Json v = call("GET", path("/screenshot"), Json(), 30000);
    if (!v.is_string()) return false;
    const std::string b64 = v.get<std::string>();
    std::string png(b64.size(), '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(png.data()), png.size(), b64.c_str(),
                          b64.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
      return false;
    png.resize(length);
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    std::ofstream(file, std::ios::binary) << png;
    return length > 8 && png.compare(1, 3, "PNG") == 0;
  }

 private:
  std::string path(const std::string& rest) const { return "/session/" + session_ + rest; }
  bool ready() {
    Json v = call("GET", "/status", Json(), 1000);
    return v.is_object() && v.value("ready", false);
  }
  // One WebDriver command; its "value", or null (the error kept in error()).
  Json call(const std::string& method, const std::string& where, const Json& body,
            int64_t timeoutMs) {
    CurlTransport http(true);
    HttpRequest req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(port_) + where;
    req.timeoutMs = timeoutMs;
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers.emplace_back("Content-Type", "application/json");
    }
    auto r = http.send(req);
    if (!r) {
      error_ = r.status().message();
      return Json();
    }
    Json j = Json::parse(r.value().body, nullptr, false);
    if (!j.is_object()) return Json();
    if (r.value().status != 200) {
      error_ = j.dump();
      return Json();
    }
    return j.value("value", Json());
  }

  int port_;
  pid_t pid_ = -1;
  std::filesystem::path profile_;
  std::string session_;
  std::string error_;
};

}  // namespace hx::test
