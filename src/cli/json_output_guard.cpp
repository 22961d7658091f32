#include "src/cli/json_output_guard.h"

#include <algorithm>
#include <sstream>
#include <string_view>

#include "reconciler/resource.h"

namespace hx {

bool argsWantJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if ((a == "-o" || a == "--output") && i + 1 < argc && std::string_view(argv[i + 1]) == "json")
      return true;
    if (a == "-ojson" || a == "--output=json") return true;
  }
  return false;
}

TeeStreamBuf::int_type TeeStreamBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  char ch = traits_type::to_char_type(c);
  return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

std::streamsize TeeStreamBuf::xsputn(const char* s, std::streamsize n) {
  count_ += static_cast<size_t>(n);
  if (text_.size() < keep_) text_.append(s, std::min(static_cast<size_t>(n), keep_ - text_.size()));
  return dest_->sputn(s, n);
}

std::string jsonErrorDocument(int exitCode, const std::string& stderrText) {
  Json errors = Json::array();
  std::istringstream lines(stderrText);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("error: ", 0) == 0) line = line.substr(7);
    if (!line.empty()) errors.push_back(line);
  }
  Json doc{{"ok", false}, {"exitCode", exitCode}, {"errors", errors}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace hx
