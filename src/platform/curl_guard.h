// The loopback-only guard as a libcurl socket-open callback, shared by every curl user in hxctl
// (the HTTP transport and the load generator), so no connection can bypass it.
#pragma once

#include <curl/curl.h>

#include <string>

namespace hx {

struct CurlGuard {
  bool loopbackOnly = false;
  bool refused = false;
  std::string refusedAddress;
};

// Installs the guard on `curl`; `guard` must outlive the transfer.
void installCurlGuard(CURL* curl, CurlGuard* guard);

}  // namespace hx
