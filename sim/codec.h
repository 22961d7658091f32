// Content-Encoding as httplib applies it: decoding for the exchange log and the hostile knob,
// encoding for the hostile answer that compresses without being asked.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

namespace hxsim {

// `body` decoded from `encoding` (gzip, deflate, br); unchanged when not encoded or not
// decodable.
inline std::string decodeBody(const std::string& encoding, const std::string& body) {
  std::unique_ptr<httplib::detail::decompressor> d;
  if (encoding == "gzip" || encoding == "deflate")
    d = std::make_unique<httplib::detail::gzip_decompressor>();
  else if (encoding == "br")
    d = std::make_unique<httplib::detail::brotli_decompressor>();
  if (!d) return body;
  std::string out;
  bool ok = d->is_valid() && d->decompress(body.data(), body.size(), [&](const char* p, size_t n) {
    out.append(p, n);
    return true;
  });
  return ok ? out : body;
}

inline std::string gzipBody(const std::string& body) {
  httplib::detail::gzip_compressor c;
  std::string out;
  c.compress(body.data(), body.size(), true, [&](const char* p, size_t n) {
    out.append(p, n);
    return true;
  });
  return out;
}

}  // namespace hxsim
