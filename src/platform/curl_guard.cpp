#include "src/platform/curl_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace hx {

namespace {

bool isLoopback(const sockaddr* addr, std::string* printable) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    *printable = buf;
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    *printable = buf;
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  }
  *printable = "(non-IP address)";
  return false;
}

// Called by curl right before it creates each socket: the one place every connection passes.
curl_socket_t openSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* guard = static_cast<CurlGuard*>(user);
  std::string printable;
  if (guard->loopbackOnly && !isLoopback(&address->addr, &printable)) {
    guard->refused = true;
    guard->refusedAddress = printable;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

void installCurlGuard(CURL* curl, CurlGuard* guard) {
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, openSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, guard);
}

}  // namespace hx
