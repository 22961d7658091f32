#include "fakes/fake_world.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>

namespace hx::fake {

namespace {

Json emptyWorld() {
  return {{"hosts", Json::object()},        {"objects", Json::array()}, {"faults", Json::object()},
          {"observeFaults", Json::array()}, {"delays", Json::object()}, {"calls", Json::array()}};
}

std::mutex& processMutex() {
  static std::mutex mu;
  return mu;
}

class KindProvider : public Provider {
 public:
  KindProvider(FakeWorld& world, std::string kind) : world_(world), kind_(std::move(kind)) {}
  Result<std::vector<ObservedObject>> observe(const std::string& host) override {
    return world_.observe(kind_, host);
  }
  Status apply(const PlanAction& action) override { return world_.apply(action); }

 private:
  FakeWorld& world_;
  std::string kind_;
};

}  // namespace

FakeWorld::FakeWorld(Clock& clock, std::string file) : clock_(clock), file_(std::move(file)) {
  memory_ = emptyWorld();
  if (!file_.empty() && access(file_.c_str(), F_OK) != 0) {
    std::ofstream(file_) << emptyWorld().dump();
  }
}
FakeWorld::~FakeWorld() = default;

template <typename F>
auto FakeWorld::withWorld(F&& f) const {
  std::lock_guard<std::mutex> guard(processMutex());
  if (file_.empty()) return f(memory_);
  int fd = ::open((file_ + ".lock").c_str(), O_CREAT | O_RDWR, 0600);
  flock(fd, LOCK_EX);
  std::ifstream in(file_);
  std::stringstream text;
  text << in.rdbuf();
  Json world = text.str().empty() ? emptyWorld() : Json::parse(text.str());
  std::string before = world.dump();
  auto result = f(world);
  if (world.dump() != before) {
    std::ofstream out(file_ + ".tmp");
    out << world.dump(1);
    out.close();
    std::rename((file_ + ".tmp").c_str(), file_.c_str());
  }
  flock(fd, LOCK_UN);
  ::close(fd);
  return result;
}

void FakeWorld::setHost(const std::string& name, HostStatus status) {
  withWorld([&](Json& w) {
    w["hosts"][name] = hostStatusName(status);
    return 0;
  });
}

void FakeWorld::putObject(const std::string& kind, const std::string& host, const std::string& key,
                          const Json& fields) {
  withWorld([&](Json& w) {
    for (auto& o : w["objects"])
      if (o["kind"] == kind && o["host"] == host && o["key"] == key) {
        o["fields"] = fields;
        return 0;
      }
    w["objects"].push_back({{"kind", kind}, {"host", host}, {"key", key}, {"fields", fields}});
    return 0;
  });
}

void FakeWorld::eraseObject(const std::string& kind, const std::string& host,
                            const std::string& key) {
  withWorld([&](Json& w) {
    Json kept = Json::array();
    for (auto& o : w["objects"])
      if (!(o["kind"] == kind && o["host"] == host && o["key"] == key)) kept.push_back(o);
    w["objects"] = kept;
    return 0;
  });
}

void FakeWorld::failApply(const std::string& resource, ErrorKind kind, int times) {
  withWorld([&](Json& w) {
    w["faults"][resource] = {{"kind", static_cast<int>(kind)}, {"times", times}};
    return 0;
  });
}

void FakeWorld::failObserve(const std::string& kind, const std::string& host) {
  withWorld([&](Json& w) {
    w["observeFaults"].push_back(kind + "@" + host);
    return 0;
  });
}

void FakeWorld::delayApply(const std::string& resource, int64_t beforeMs, int64_t afterMs) {
  withWorld([&](Json& w) {
    w["delays"][resource] = {{"before", beforeMs}, {"after", afterMs}};
    return 0;
  });
}

std::vector<std::string> FakeWorld::calls() const {
  return withWorld([](Json& w) { return w["calls"].get<std::vector<std::string>>(); });
}

void FakeWorld::clearCalls() {
  withWorld([](Json& w) {
    w["calls"] = Json::array();
    return 0;
  });
}

Json FakeWorld::objects() const {
  return withWorld([](Json& w) { return w["objects"]; });
}

const Json* FakeWorld::object(const std::string& kind, const std::string& host,
                              const std::string& key) const {
  memory_ = file_.empty() ? memory_ : withWorld([](Json& w) { return w; });
  for (const auto& o : memory_["objects"])
    if (o["kind"] == kind && o["host"] == host && o["key"] == key) return &o["fields"];
  return nullptr;
}

Provider* FakeWorld::providerFor(const std::string& kind, const std::string&) {
  if (kind != "Model" && kind != "Collection" && kind != "FirewallRule" && kind != "Firewall" &&
      kind != "ApiKey")
    return nullptr;
  std::lock_guard<std::mutex> lock(providersMu_);
  auto& p = providers_[kind];
  if (!p) p = std::make_unique<KindProvider>(*this, kind);
  return p.get();
}

HostObservation FakeWorld::probe(const Resource& host, const HostObservation& previous) {
  std::string status = withWorld(
      [&](Json& w) { return w["hosts"].value(host.id.name, std::string("pending_installation")); });
  HostObservation h;
  h.status = parseHostStatus(status).value_or(HostStatus::kPendingInstallation);
  h.since =
      (h.status == previous.status && previous.since > 0) ? previous.since : clock_.nowSeconds();
  if (h.status == HostStatus::kPendingInstallation && previous.since == 0) h.since = 0;
  h.evidence = "fake world says " + status;
  // The machine answers unless the world lists it as unreachable.
  const bool unreachable = withWorld([&](Json& w) {
    for (const auto& u : w.value("unreachable", Json::array()))
      if (u == host.id.name) return true;
    return false;
  });
  h.reach.state = unreachable ? ReachState::kUnreachable : ReachState::kReachable;
  h.reach.via = "fake";
  h.reach.detail = unreachable ? "fake world says unreachable" : "fake world says reachable";
  h.reach.atMs = clock_.nowMillis();
  h.reach.sinceMs = previous.reach.state == h.reach.state && previous.reach.sinceMs
                        ? previous.reach.sinceMs
                        : h.reach.atMs;
  return h;
}

Result<std::vector<ObservedObject>> FakeWorld::observe(const std::string& kind,
                                                       const std::string& host) {
  return withWorld([&](Json& w) -> Result<std::vector<ObservedObject>> {
    w["calls"].push_back("observe " + kind + "@" + host);
    for (const auto& f : w["observeFaults"])
      if (f == kind + "@" + host)
        return Status::error(ErrorKind::kTransient, "connection refused (injected)");
    std::vector<ObservedObject> out;
    for (const auto& o : w["objects"])
      if (o["kind"] == kind && o["host"] == host)
        out.push_back(ObservedObject{kind, host, o["key"], o["fields"]});
    // A host with a firewall always has its state, as ufw does: off until enabled.
    if (kind == "Firewall" && out.empty())
      out.push_back(ObservedObject{kind, host, "ufw", Json{{"host", host}, {"enabled", false}}});
    return out;
  });
}

Status FakeWorld::apply(const PlanAction& a) {
  const std::string resource = a.id.str();
  auto [fault, before, after] = withWorld([&](Json& w) {
    w["calls"].push_back(std::string("apply ") + actionTypeName(a.type) + " " + resource);
    Status s = Status::ok();
    if (w["faults"].contains(resource)) {
      Json& f = w["faults"][resource];
      int times = f["times"];
      if (times != 0) {
        s = Status::error(static_cast<ErrorKind>(f["kind"].get<int>()),
                          "injected failure applying " + resource);
        if (times > 0) f["times"] = times - 1;
      }
    }
    Json d = w["delays"].value(resource, Json::object());
    return std::make_tuple(s, d.value("before", int64_t{0}), d.value("after", int64_t{0}));
  });
  if (!fault.isOk()) return fault;
  if (before > 0) clock_.sleepMillis(before);
  const std::string oldHost = a.previousKey.empty() ? a.host : a.previousHost;
  const std::string oldKey = a.previousKey.empty() ? a.key : a.previousKey;
  switch (a.type) {
    case ActionType::kCreate:
      putObject(a.id.kind, a.host, a.key, a.desired);
      break;
    case ActionType::kReplace:
      eraseObject(a.id.kind, oldHost, oldKey);
      putObject(a.id.kind, a.host, a.key, a.desired);
      break;
    case ActionType::kUpdate: {
      Json merged = a.observed.is_object() ? a.observed : Json::object();
      merged.merge_patch(a.desired);
      putObject(a.id.kind, a.host, a.key, merged);
      break;
    }
    case ActionType::kDelete:
      eraseObject(a.id.kind, a.host, a.key);
      break;
    default:
      return Status::error(ErrorKind::kInternal, "not an executable action");
  }
  if (after > 0) clock_.sleepMillis(after);
  return Status::ok();
}

}  // namespace hx::fake
