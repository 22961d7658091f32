// The stylesheet and the script the pages use, compiled into hxctl: no build toolchain, no CDN,
// nothing fetched from the internet.
#pragma once

#include <string_view>

namespace hx::web {

extern const std::string_view kStylesheet;
// Keeps a page live: on each change the daemon announces (Server-Sent Events on /api/stream, or
// a poll of /api/generation where those are unavailable), fetches the page again and swaps its
// <main>. Parsed markup is inert: nothing in it runs.
extern const std::string_view kScript;

}  // namespace hx::web
