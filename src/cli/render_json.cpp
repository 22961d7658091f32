#include "src/cli/render.h"

namespace hx {

std::string toJsonText(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

Json diagnosticsJson(const LoadResult& loaded) {
  auto located = [](const Diagnostic& d) {
    return Json{{"file", d.loc.file},
                {"line", d.loc.line},
                {"column", d.loc.column},
                {"path", d.path},
                {"message", d.message}};
  };
  Json errors = Json::array(), warnings = Json::array();
  for (const auto& d : loaded.diagnostics) errors.push_back(located(d));
  for (const auto& w : loaded.warnings) warnings.push_back(located(w));
  // "errors" holds the ones kept (spec_parser.h); "errorCount" counts them all.
  return {{"valid", loaded.ok()},
          {"files", loaded.files.size()},
          {"errorCount", loaded.errorCount()},
          {"errors", errors},
          {"warnings", warnings}};
}

Json resultsJson(const std::vector<ActionResult>& results) {
  Json out = Json::array();
  for (const auto& r : results)
    out.push_back({{"resource", r.id.str()},
                   {"action", actionTypeName(r.type)},
                   {"outcome", actionOutcomeName(r.outcome)},
                   {"attempts", r.attempts},
                   {"duration_ms", r.durationMs},
                   {"error", r.error.isOk() ? Json() : Json(r.error.message())},
                   {"error_kind", r.error.isOk() ? Json() : Json(errorKindName(r.error.kind()))}});
  return out;
}

}  // namespace hx
