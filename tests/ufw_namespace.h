// A network namespace the test makes and removes, with its own UFW configuration: `ip netns exec`
// mounts /etc/netns/NAME/ufw over /etc/ufw and /etc/netns/NAME/default over /etc/default, so
// the real ufw runs there and never touches the machine's own firewall. hxctl reaches it through
// a wrapper that logs every ufw call (so tests can count them) and fails any call that names
// port 4444 (so tests can make one rule fail).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace hx::test {

inline std::string shell(const std::string& command, int* code = nullptr) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (code) *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// Root, iproute2 and ufw: without them these tests are skipped (exit 77), and say why.
inline void requireUfwNamespaces() {
  std::string why;
  if (geteuid() != 0)
    why = "not root";
  else if (!std::filesystem::exists("/usr/sbin/ufw"))
    why = "ufw is not installed (scripts/install-deps.sh installs it)";
  else if (!std::filesystem::exists("/usr/sbin/ip") && !std::filesystem::exists("/sbin/ip"))
    why = "iproute2 is not installed";
  if (why.empty()) return;
  std::cout << "SKIPPED: UFW namespace tests need root, ip and ufw: " << why << std::endl;
  std::exit(77);
}

class UfwNamespace {
 public:
  explicit UfwNamespace(const std::string& tag)
      : name_("hx" + tag + std::to_string(getpid() % 100000)),
        dir_(std::filesystem::temp_directory_path() / ("hxctl-ufw-" + name_)) {
    requireUfwNamespaces();
    cleanup();
    std::filesystem::create_directories(dir_);
    std::string etc = "/etc/netns/" + name_;
    run("ip netns add " + name_);
    run("mkdir -p " + etc + " && cp -a /etc/ufw " + etc + "/ufw && cp -a /etc/default " + etc +
        "/default");
    // Start from a known state: off, default deny in / allow out, logging low, no rules.
    run("sed -i 's/^ENABLED=.*/ENABLED=no/; s/^LOGLEVEL=.*/LOGLEVEL=low/' " + etc +
        "/ufw/ufw.conf");
    run("sed -i 's/^DEFAULT_INPUT_POLICY=.*/DEFAULT_INPUT_POLICY=\"DROP\"/; "
        "s/^DEFAULT_OUTPUT_POLICY=.*/DEFAULT_OUTPUT_POLICY=\"ACCEPT\"/; s/^IPV6=.*/IPV6=yes/' " +
        etc + "/default/ufw");
    for (const char* f : {"user.rules", "user6.rules"})
      run("sed -i '/^### tuple ###/,/^$/d' " + etc + "/ufw/" + f);
    run("ip netns exec " + name_ + " ip link set lo up");
    std::ofstream(wrapper()) << "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " << callLog() << "\n"
                             << "case \"$*\" in *'port 4444'*) echo 'ERROR: injected failure "
                                "for port 4444' >&2; exit 1;; esac\nexec ufw \"$@\"\n";
    std::filesystem::permissions(wrapper(), std::filesystem::perms::owner_all);
    std::ofstream(callLog()).close();
  }
  ~UfwNamespace() { cleanup(); }

  const std::string& name() const { return name_; }
  std::string wrapper() const { return (dir_ / "ufw").string(); }
  std::string callLog() const { return (dir_ / "calls.log").string(); }
  // The spec's firewall.exec for this namespace, as YAML.
  std::string execYaml() const { return "[ip, netns, exec, " + name_ + ", " + wrapper() + "]"; }

  std::vector<std::string> calls() const {
    std::vector<std::string> out;
    std::ifstream in(callLog());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  // Runs a shell command inside the namespace.
  std::string inside(const std::string& command, int* code = nullptr) const {
    return shell("ip netns exec " + name_ + " sh -c '" + command + "'", code);
  }
  std::string ufw(const std::string& args) const { return inside("ufw " + args); }
  // The tuple lines of both rule files, in order: what ufw itself has stored.
  std::string tuples() const {
    return shell("grep -h '^### tuple' /etc/netns/" + name_ + "/ufw/user.rules /etc/netns/" +
                 name_ + "/ufw/user6.rules");
  }

 private:
  void run(const std::string& command) {
    int code = 0;
    std::string out = shell(command, &code);
    if (code != 0) std::cerr << command << ": " << out;
  }
  void cleanup() {
    shell("ip netns del " + name_);
    std::filesystem::remove_all("/etc/netns/" + name_);
    std::filesystem::remove_all(dir_);
  }

  std::string name_;
  std::filesystem::path dir_;
};

}  // namespace hx::test
