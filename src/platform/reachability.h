// Is the machine there at all? The operators' "ping", apart from whether its API answers: an ICMP
// echo over an unprivileged ping socket (SOCK_DGRAM/IPPROTO_ICMP, allowed to the groups in
// net.ipv4.ping_group_range), or a TCP connect to a named port where that socket is not permitted.
// A refused connection is an answer (the machine's kernel sent the reset); silence until the
// timeout, or no route, is unreachable: the document's "requires investigation".
//
// `via: auto` tries ICMP first and, when no echo reply comes (ICMP may be filtered), TCP too: a
// machine that answers either is reachable. Under HXCTL_LOOPBACK_ONLY nothing but a loopback
// address is probed.
#pragma once

#include <cstdint>
#include <string>

#include "reconciler/observed.h"

namespace hx {

struct ReachSpec {
  std::string via = "auto";  // auto | icmp | tcp | off
  int port = 22;             // the TCP port (tcp, and auto's fallback)
};

class ReachabilityProber {
 public:
  explicit ReachabilityProber(bool loopbackOnly) : loopbackOnly_(loopbackOnly) {}
  virtual ~ReachabilityProber() = default;
  // One probe of `address`; `previous` carries `sinceMs` across a state that holds.
  virtual Reachability probe(const std::string& address, const ReachSpec& spec, int64_t timeoutMs,
                             const Reachability& previous, int64_t nowMs);

 private:
  bool loopbackOnly_;
};

}  // namespace hx
