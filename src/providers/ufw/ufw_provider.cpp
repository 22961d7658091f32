#include "src/providers/ufw/ufw_provider.h"

#include "src/platform/remote_command.h"

namespace hx {
namespace {

constexpr int64_t kUfwTimeoutMs = 60000;

// ufw's own words for a failure: its "ERROR: ..." line, else whatever it printed last.
std::string ufwMessage(const CommandResult& r) {
  for (const std::string* text : {&r.err, &r.out}) {
    auto at = text->find("ERROR: ");
    if (at != std::string::npos) return text->substr(at, text->find('\n', at) - at);
  }
  std::string all = r.err.empty() ? r.out : r.err;
  while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.pop_back();
  auto nl = all.rfind('\n');
  return nl == std::string::npos ? all : all.substr(nl + 1);
}

}  // namespace

Result<UfwSnapshot> UfwHost::snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  return readLocked();
}

Result<UfwSnapshot> UfwHost::readLocked() {
  if (cached_) return *cached_;
  std::vector<std::string> argv(exec_.begin(), exec_.end() - 1);
  argv.insert(argv.end(), {"tail", "-n", "+1"});
  argv.insert(argv.end(), ufwFiles().begin(), ufwFiles().end());
  auto r = runner_.run(forRemoteShell(argv), kUfwTimeoutMs);
  if (!r) return r.status();
  auto parsed = parseUfwSnapshot(r.value().out);
  if (!parsed)
    return Status::error(parsed.status().kind(),
                         formatCommand(argv) + ": " + parsed.status().message() +
                             (r.value().err.empty() ? "" : " (" + ufwMessage(r.value()) + ")"));
  cached_ = parsed.value();
  return parsed;
}

Status UfwHost::ufw(const std::vector<std::string>& args) {
  std::vector<std::string> argv = exec_;
  argv.insert(argv.end(), args.begin(), args.end());
  cached_.reset();
  // Over ssh every word is quoted for the remote shell: a rule's comment is its words, never code.
  auto r = runner_.run(forRemoteShell(argv), kUfwTimeoutMs);
  if (!r) return r.status();
  // "Skipping adding existing rule" and "Could not delete non-existent rule" exit 0: the goal
  // is reached, and the read-back below is the judge.
  if (r.value().exitCode == 0) return Status::ok();
  return Status::error(r.value().exitCode == 255 ? ErrorKind::kUnavailable : ErrorKind::kTerminal,
                       formatCommand(argv) + ": " + ufwMessage(r.value()));
}

Status UfwHost::verify(const std::string& key, bool present) {
  auto now = readLocked();
  if (!now) return now.status();
  bool found = false;
  for (const auto& r : now.value().rules) found |= r.key() == key;
  if (found == present) return Status::ok();
  return Status::error(ErrorKind::kInternal, "ufw reported success, but the rule \"" + key +
                                                 "\" is " + (present ? "not" : "still") +
                                                 " in its rule files on " + host_);
}

std::vector<std::vector<std::string>> UfwHost::ruleCommands(const PlanAction& a, int v4Count,
                                                            int total) {
  std::vector<std::vector<std::string>> out;
  auto remove = [&](const Json& fields) {
    UfwRule old = ufwRuleFromSpec(fields);
    old.comment.clear();  // ufw matches a rule to delete without its comment
    std::vector<std::string> args = {"delete"};
    auto words = ufwRuleArgs(old);
    args.insert(args.end(), words.begin(), words.end());
    out.push_back(args);
  };
  if (a.type == ActionType::kDelete) {
    remove(a.observed);
    return out;
  }
  int position = a.desired.value("position", 0);
  if (a.type == ActionType::kUpdate || a.type == ActionType::kReplace) {
    remove(a.observed);
    // An update keeps the rule where it was unless the spec places it.
    if (position == 0 && a.type == ActionType::kUpdate) position = a.observed.value("position", 0);
    UfwRule old = ufwRuleFromSpec(a.observed);
    v4Count -= old.v4;
    total -= old.v4 + old.v6;
  }
  // ufw numbers IPv4 rules first, then IPv6 ones; `insert N` must name an existing number of
  // the rule's own table, and a position past the end is an append.
  UfwRule rule = ufwRuleFromSpec(a.desired);
  bool fits = rule.v4 ? position <= v4Count : position > v4Count && position <= total;
  std::vector<std::string> args;
  if (position > 0 && fits) args = {"insert", std::to_string(position)};
  auto words = ufwRuleArgs(rule);
  args.insert(args.end(), words.begin(), words.end());
  out.push_back(args);
  return out;
}

Status UfwHost::applyRule(const PlanAction& a) {
  std::lock_guard<std::mutex> lock(mu_);
  auto before = readLocked();
  if (!before) return before.status();
  const UfwSnapshot& s = before.value();
  for (const auto& args : ruleCommands(a, s.v4Count, s.v4Count + s.v6Count))
    if (Status s = ufw(args); !s) return s;
  if (a.type == ActionType::kDelete) return verify(a.key, false);
  return verify(ufwRuleFromSpec(a.desired).key(), true);
}

std::vector<std::vector<std::string>> UfwHost::stateCommands(const Json& want, const Json& seen) {
  std::vector<std::vector<std::string>> out;
  bool enabled = seen.value("enabled", false);
  // Only what differs: `ufw default` and `ufw logging` reload a running firewall, and a reload
  // can drop live connections. Disabling goes first, enabling last, after the defaults are set.
  if (!want.value("enabled", true) && enabled) out.push_back({"disable"});
  if (want.contains("defaults")) {
    for (const char* dir : {"incoming", "outgoing"}) {
      if (!want["defaults"].contains(dir)) continue;
      std::string policy = want["defaults"][dir];
      if (!seen.contains("defaults") || seen["defaults"].value(dir, "") != policy)
        out.push_back({"default", policy, dir});
    }
  }
  if (want.contains("logging") && seen.value("logging", "") != want["logging"])
    out.push_back({"logging", want["logging"].get<std::string>()});
  if (want.value("enabled", true) && !enabled) out.push_back({"--force", "enable"});
  return out;
}

Status UfwHost::applyState(const PlanAction& a) {
  std::lock_guard<std::mutex> lock(mu_);
  auto before = readLocked();
  if (!before) return before.status();
  for (const auto& args : stateCommands(a.desired, ufwStateObject(before.value(), host_).fields))
    if (Status st = ufw(args); !st) return st;
  const Json& want = a.desired;
  auto after = readLocked();
  if (!after) return after.status();
  if (after.value().enabled != want.value("enabled", true))
    return Status::error(ErrorKind::kInternal,
                         "ufw reported success, but the firewall on " + host_ + " is still " +
                             (after.value().enabled ? "enabled" : "disabled"));
  return Status::ok();
}

Result<std::vector<ObservedObject>> UfwRuleProvider::observe(const std::string& host) {
  auto s = host_.snapshot();
  if (!s) return s.status();
  return ufwRuleObjects(s.value(), host);
}

Result<std::vector<ObservedObject>> UfwStateProvider::observe(const std::string& host) {
  auto s = host_.snapshot();
  if (!s) return s.status();
  return std::vector<ObservedObject>{ufwStateObject(s.value(), host)};
}

}  // namespace hx
