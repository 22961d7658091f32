// In `-o json` mode stdout carries exactly one JSON document on every path. A command that fails
// before printing its own (a missing store, a held lock, a bad flag, an interrupt, an exception)
// gets {"ok": false, "exitCode": N, "errors": [...]} built from what it told stderr, so that a
// script piping to jq reads an error instead of nothing.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace hx {

// True when the arguments ask for JSON output (-o json, -ojson, --output json, --output=json).
bool argsWantJson(int argc, char** argv);

// Passes everything to `dest`, counting the bytes and keeping a copy of the first `keep`.
class TeeStreamBuf : public std::streambuf {
 public:
  TeeStreamBuf(std::streambuf* dest, size_t keep) : dest_(dest), keep_(keep) {}
  size_t count() const { return count_; }
  const std::string& text() const { return text_; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override { return dest_->pubsync(); }

 private:
  std::streambuf* dest_;
  size_t keep_;
  size_t count_ = 0;
  std::string text_;
};

// The document printed for a failed command that printed none: its exit code and the non-empty
// lines it wrote to stderr, without their "error: " prefix.
std::string jsonErrorDocument(int exitCode, const std::string& stderrText);

}  // namespace hx
