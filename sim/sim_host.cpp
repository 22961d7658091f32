#include "sim_host.h"

#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <limits>

#include "codec.h"
#include "exchange_log.h"
#include "hostile.h"

namespace hxsim {

namespace {
// The fault injected into the request this thread is handling (httplib runs a request's
// handlers and its logger on one thread).
thread_local std::string tInjected;

bool isAdmin(const std::string& path) { return path.rfind("/__hxsim/", 0) == 0; }
}  // namespace

SimHost::SimHost(HostOptions options, std::unique_ptr<Personality> personality, ExchangeLog* log)
    : options_(std::move(options)),
      personality_(std::move(personality)),
      log_(log),
      faults_(options_.faults),
      hostile_(options_.hostile),
      hostileHealth_(options_.hostileHealth),
      rng_(options_.seed) {
  installAdmin();
  personality_->install(server_);
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    tInjected.clear();
    // A host that went down closed its listening socket, but httplib keeps serving connections
    // kept alive from before for up to its keep-alive timeout (5 s). A crashed server answers
    // nothing on them: the connection is cut after the headers, as the drop fault does.
    if (down_) {
      res.set_content_provider(64, "application/json",
                               [](size_t, size_t, httplib::DataSink&) { return false; });
      return httplib::Server::HandlerResponse::Handled;
    }
    if (isAdmin(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    countConnection(req);
    if (injectFaults(req, res)) return httplib::Server::HandlerResponse::Handled;
    if (!personality_->authorize(req, res)) return httplib::Server::HandlerResponse::Handled;
    // A streamed answer cannot be rewritten after its handler: a hostile one replaces it here.
    if (personality_->streams(req)) {
      std::string kind;
      if (hostileFor(req.path, &kind)) {
        spoil(req, res, true);
        if (log_)
          log_->write(options_.address + ":" + std::to_string(options_.port), options_.personality,
                      req, res, tInjected);
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // A handler that throws is a simulator bug, said on stderr; the client gets what the
  // personality decides (never cpp-httplib's bare 500).
  server_.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "hx-sim: %s %s threw: %s\n", req.method.c_str(), req.path.c_str(),
                       e.what());
          personality_->handlerThrew(e, res);
        } catch (...) {
          personality_->internalError(res);
        }
      });
  // Logged as the answer is about to be written, not after (httplib's logger): a client that has
  // read its answer must find the exchange in the log, or a test counting requests right after
  // hxctl exits races the server's worker thread. Streamed bodies are not in the log either way.
  server_.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!isAdmin(req.path) && tInjected.empty()) spoil(req, res, false);
    if (log_ && !isAdmin(req.path))
      log_->write(options_.address + ":" + std::to_string(options_.port), options_.personality, req,
                  res, tInjected);
  });
  // Qdrant's actix-web server closes an idle connection after its keep-alive timeout (5 s, as
  // httplib's default here) but sets no limit on the requests one connection may carry: its
  // keep-alive setting (actix_http::KeepAlive, docs.rs/actix-http) is a timeout, the OS's, or
  // disabled, with no request count; the default is 5 seconds (docs.rs/actix-settings,
  // KeepAlive). httplib's default closes a connection after 5 requests, which would make a client
  // that keeps its connections look as if it opened one per five requests.
  server_.set_keep_alive_max_count(std::numeric_limits<int>::max());
  // Headers and body go out in separate writes; without TCP_NODELAY, Nagle holds the body until
  // the client's delayed ACK (40 ms), which would swamp any latency a test injects.
  server_.set_tcp_nodelay(true);
  // A thread per kept-alive connection: httplib's default pool (8) would queue the 9th client
  // behind idle connections, which no real server does; load tests use dozens.
  server_.new_task_queue = [] { return new httplib::ThreadPool(96); };
  server_.set_socket_options([this](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listenFd_ = sock;
  });
}

SimHost::~SimHost() { stop(); }

void SimHost::countConnection(const httplib::Request& req) {
  std::lock_guard<std::mutex> lock(connMu_);
  peers_.insert(req.remote_addr + ":" + std::to_string(req.remote_port));
  ++requests_;
}

bool SimHost::injectFaults(const httplib::Request& req, httplib::Response& res) {
  Faults f;
  double roll = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    f = faults_;
    roll = std::uniform_real_distribution<double>(0, 1)(rng_);
  }
  if (f.latencyMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.latencyMs));
  if (personality_->isHealthPath(req.path)) return false;
  if (roll < f.errorRate) {
    tInjected = "error";
    personality_->internalError(res);
    return true;
  }
  if (roll < f.errorRate + f.dropRate) {
    tInjected = "drop";
    // The headers promise a body the provider never delivers: the client sees the connection
    // close mid-response.
    res.set_content_provider(64, "application/json",
                             [](size_t, size_t, httplib::DataSink&) { return false; });
    return true;
  }
  return false;
}

bool SimHost::hostileFor(const std::string& path, std::string* kind) {
  std::lock_guard<std::mutex> lock(mu_);
  if (hostile_.empty() || isAdmin(path)) return false;
  if (!hostileHealth_ && personality_->isHealthPath(path)) return false;
  *kind = hostile_;
  return true;
}

void SimHost::spoil(const httplib::Request& req, httplib::Response& res, bool streamed) {
  std::string kind;
  if (!hostileFor(req.path, &kind)) return;
  // What the well-behaved answer was; a streamed one is stood in for by its last line.
  std::string body = streamed ? std::string("{\"status\":\"success\",\"done\":true}")
                              : decodeBody(res.get_header_value("Content-Encoding"), res.body);
  std::string type = streamed ? "application/x-ndjson" : res.get_header_value("Content-Type");
  HostileAnswer a = hostileAnswer(kind, res.status <= 0 ? 200 : res.status, type, body);
  res.headers.erase("Content-Encoding");
  res.headers.erase("Content-Length");
  res.content_provider_ = nullptr;
  res.is_chunked_content_provider_ = false;
  res.content_length_ = 0;
  res.status = a.status;
  res.set_content(a.body, a.contentType.c_str());
  if (!a.contentEncoding.empty()) res.set_header("Content-Encoding", a.contentEncoding);
  if (!streamed) res.set_header("Content-Length", std::to_string(a.body.size()));
  tInjected = "hostile:" + kind;
}

void SimHost::installAdmin() {
  server_.Post("/__hxsim/hostile", [this](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    std::string kind = body.is_object() ? body.value("kind", "") : "";
    if (!body.is_object() || (!kind.empty() && !isHostileKind(kind))) {
      res.status = 400;
      res.set_content(Json{{"error", "expected {\"kind\": one of the hostile kinds}"},
                           {"kinds", hostileKinds()}}
                          .dump(),
                      "application/json");
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    hostile_ = kind;
    hostileHealth_ = body.value("health", false);
    res.set_content("{\"ok\":true}", "application/json");
  });
  server_.Get("/__hxsim/faults", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    res.set_content(Json{{"latency_ms", faults_.latencyMs},
                         {"error_rate", faults_.errorRate},
                         {"drop_rate", faults_.dropRate}}
                        .dump(),
                    "application/json");
  });
  server_.Post("/__hxsim/faults", [this](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
      res.status = 400;
      res.set_content("{\"error\":\"expected a JSON object\"}", "application/json");
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    faults_.latencyMs = body.value("latency_ms", faults_.latencyMs);
    faults_.errorRate = body.value("error_rate", faults_.errorRate);
    faults_.dropRate = body.value("drop_rate", faults_.dropRate);
    res.set_content("{\"ok\":true}", "application/json");
  });
  server_.Get("/__hxsim/connections", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(connMu_);
    res.set_content(Json{{"connections", peers_.size()}, {"requests", requests_}}.dump(),
                    "application/json");
  });
  server_.Post("/__hxsim/down", [this](const httplib::Request& req, httplib::Response& res) {
    int seconds = req.has_param("seconds") ? std::stoi(req.get_param_value("seconds")) : 0;
    res.set_content("{\"ok\":true}", "application/json");
    // Close the socket after this answer has gone out.
    std::thread([this, seconds] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      goDown(seconds);
    }).detach();
  });
}

void SimHost::listenLoop() {
  while (running_) {
    if (down_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    // httplib 0.11 listens with a backlog of 5; a burst of connections then waits a SYN
    // retransmit (1 s). Qdrant's actix listens with 2048: raise it on the bound socket.
    listenFd_ = -1;
    if (!server_.bind_to_port(options_.address, options_.port)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (listenFd_ >= 0) ::listen(listenFd_, 2048);
    server_.listen_after_bind();
  }
}

void SimHost::start() {
  running_ = true;
  if (options_.downForSeconds > 0) goDown(options_.downForSeconds);
  thread_ = std::thread([this] { listenLoop(); });
}

void SimHost::goDown(int seconds) {
  down_ = true;
  server_.stop();
  if (seconds > 0) {
    if (downTimer_.joinable()) downTimer_.detach();
    downTimer_ = std::thread([this, seconds] {
      for (int i = 0; i < seconds * 10 && running_ && down_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      comeUp();
    });
  }
}

void SimHost::comeUp() { down_ = false; }

void SimHost::stop() {
  if (!running_.exchange(false)) return;
  down_ = true;
  server_.stop();
  if (thread_.joinable()) thread_.join();
  if (downTimer_.joinable()) downTimer_.join();
}

}  // namespace hxsim
