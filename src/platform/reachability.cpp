#include "src/platform/reachability.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

namespace hx {

namespace {

struct Outcome {
  ReachState state = ReachState::kUnknown;
  std::string detail;
  int64_t latencyMs = 0;
};

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

std::optional<sockaddr_storage> resolve(const std::string& address, socklen_t& length,
                                        std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(address.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    error = std::string("cannot resolve: ") + gai_strerror(rc);
    return std::nullopt;
  }
  sockaddr_storage out{};
  std::memcpy(&out, found->ai_addr, found->ai_addrlen);
  length = found->ai_addrlen;
  freeaddrinfo(found);
  return out;
}

bool isLoopback(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr) >> 24) == 127;
  if (a.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a).sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&in6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&in6)) return in6.s6_addr[12] == 127;
  }
  return false;
}

bool unreachableErrno(int e) { return e == ENETUNREACH || e == EHOSTUNREACH || e == EHOSTDOWN; }

// An echo over the unprivileged ping socket. nullopt: this user may not open one.
std::optional<Outcome> icmpEcho(const sockaddr_storage& to, socklen_t length, int64_t timeoutMs) {
  const bool v6 = to.ss_family == AF_INET6;
  const int protocol = v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
  Fd s{socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, protocol)};
  if (s.fd < 0) return std::nullopt;  // EACCES / EPERM: not in ping_group_range
  unsigned char packet[16] = {};
  packet[0] = v6 ? 128 : static_cast<unsigned char>(ICMP_ECHO);  // the kernel fills id, checksum
  packet[7] = 1;                                                 // sequence 1
  std::memcpy(packet + 8, "hxctl-rp", 8);
  const int64_t start = steadyMs();
  if (sendto(s.fd, packet, sizeof packet, 0, reinterpret_cast<const sockaddr*>(&to), length) < 0) {
    const int e = errno;
    if (unreachableErrno(e)) return Outcome{ReachState::kUnreachable, std::strerror(e), 0};
    return Outcome{ReachState::kUnknown, std::string("icmp echo not sent: ") + std::strerror(e), 0};
  }
  for (;;) {
    const int64_t left = timeoutMs - (steadyMs() - start);
    if (left <= 0) break;
    pollfd p{s.fd, POLLIN, 0};
    const int rc = poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) break;
    unsigned char reply[512];
    const ssize_t n = recv(s.fd, reply, sizeof reply, 0);
    if (n < 0) {
      const int e = errno;
      if (unreachableErrno(e)) return Outcome{ReachState::kUnreachable, std::strerror(e), 0};
      break;
    }
    // The ping socket delivers only replies to its own id; anything but an echo reply is ignored.
    if (n >= 8 && reply[0] == (v6 ? 129 : static_cast<int>(ICMP_ECHOREPLY))) {
      const int64_t ms = steadyMs() - start;
      return Outcome{ReachState::kReachable, "echo reply in " + std::to_string(ms) + " ms", ms};
    }
  }
  return Outcome{ReachState::kUnreachable, "no echo reply in " + std::to_string(timeoutMs) + " ms",
                 timeoutMs};
}

Outcome tcpConnect(sockaddr_storage to, socklen_t length, int port, int64_t timeoutMs) {
  if (to.ss_family == AF_INET)
    reinterpret_cast<sockaddr_in&>(to).sin_port = htons(static_cast<uint16_t>(port));
  else
    reinterpret_cast<sockaddr_in6&>(to).sin6_port = htons(static_cast<uint16_t>(port));
  Fd s{socket(to.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return {ReachState::kUnknown, std::string("no socket: ") + std::strerror(errno)};
  const int64_t start = steadyMs();
  int err = 0;
  if (connect(s.fd, reinterpret_cast<const sockaddr*>(&to), length) < 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{s.fd, POLLOUT, 0};
      int rc;
      do {
        const int64_t left = timeoutMs - (steadyMs() - start);
        rc = left > 0 ? poll(&p, 1, static_cast<int>(left)) : 0;
      } while (rc < 0 && errno == EINTR);
      if (rc == 0)
        return {ReachState::kUnreachable, "no answer in " + std::to_string(timeoutMs) + " ms",
                timeoutMs};
      socklen_t len = sizeof err;
      getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  const int64_t ms = steadyMs() - start;
  const std::string in = " in " + std::to_string(ms) + " ms";
  if (err == 0) return {ReachState::kReachable, "connected" + in, ms};
  if (err == ECONNREFUSED)
    return {ReachState::kReachable, "refused" + in + " (the machine answered)", ms};
  if (unreachableErrno(err)) return {ReachState::kUnreachable, std::strerror(err), ms};
  return {ReachState::kUnreachable, std::strerror(err), ms};
}

}  // namespace

Reachability ReachabilityProber::probe(const std::string& address, const ReachSpec& spec,
                                       int64_t timeoutMs, const Reachability& previous,
                                       int64_t nowMs) {
  Reachability r = previous;
  if (spec.via == "off") return r;
  socklen_t length = 0;
  std::string error;
  const auto to = resolve(address, length, error);
  Outcome outcome;
  if (!to) {
    outcome = {ReachState::kUnreachable, error};
    r.via = spec.via;
  } else if (loopbackOnly_ && !isLoopback(*to)) {
    // Nothing is sent: the state stays as it was, and says why.
    r.detail = "refused to probe " + address + ": HXCTL_LOOPBACK_ONLY allows loopback only";
    return r;
  } else {
    // auto shares the timeout: an echo on a LAN takes a millisecond, so ICMP gets at most a
    // second of it and TCP the rest.
    const int64_t icmpMs = spec.via == "auto"
                               ? std::max<int64_t>(std::min<int64_t>(timeoutMs / 2, 1000), 1)
                               : timeoutMs;
    std::optional<Outcome> icmp;
    if (spec.via != "tcp") icmp = icmpEcho(*to, length, icmpMs);
    const std::string tcpVia = "tcp port " + std::to_string(spec.port);
    if (icmp && (icmp->state == ReachState::kReachable || spec.via == "icmp")) {
      outcome = *icmp;
      r.via = "icmp echo";
    } else if (!icmp && spec.via == "icmp") {
      outcome = {ReachState::kUnknown,
                 "icmp not permitted to this user (net.ipv4.ping_group_range); use via: tcp"};
      r.via = "icmp echo";
    } else {
      outcome = tcpConnect(*to, length, spec.port,
                           icmp ? std::max<int64_t>(timeoutMs - icmpMs, 1) : timeoutMs);
      r.via = icmp                 ? "icmp echo, then " + tcpVia
              : spec.via == "auto" ? tcpVia + " (icmp is not permitted to this user)"
                                   : tcpVia;
      if (icmp && outcome.state != ReachState::kReachable)
        outcome.detail = icmp->detail + "; " + outcome.detail;
    }
  }
  if (outcome.state != r.state || !r.sinceMs) r.sinceMs = nowMs;
  r.state = outcome.state;
  r.detail = outcome.detail;
  r.latencyMs = outcome.latencyMs;
  r.atMs = nowMs;
  return r;
}

}  // namespace hx
