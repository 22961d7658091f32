// hxctl keys: each ApiKey with its role, deliveries, expiry, and its audit (created, last
// rotated), from the specs and the store. Never a secret: there is none to show.

#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/cli/table.h"
#include "src/run/prepare.h"

namespace hx {

int cmdKeys(CliEnv& env, const CommonOptions& common) {
  LoadResult loaded;
  if (int rc = loadValid(env, common, loaded)) return rc;
  auto store = openRecords(env, common);
  if (!store) return exit_code::kError;
  auto events = store.value()->keyEvents("");
  if (!events) {
    env.err << "error: " << events.status().message() << "\n";
    return exit_code::kError;
  }
  Json out = Json::array();
  std::vector<std::pair<int64_t, int64_t>> when;  // created, rotated: for the text's "ago"
  for (const auto* k : loaded.desired.ofKind(kind::kApiKey)) {
    Json deliveries = Json::array();
    const Json deliver = k->spec.value("deliver", Json::object());
    if (deliver.contains("qdrant"))
      deliveries.push_back("qdrant:" + deliver["qdrant"].value("server", ""));
    if (deliver.contains("gateway"))
      deliveries.push_back("gateway:" + deliver["gateway"].value("host", ""));
    Json created, rotated, last;
    int64_t createdAt = 0, rotatedAt = 0;
    for (const auto& e : events.value()) {
      if (e.key != k->id.name) continue;
      if (e.event == "created" && created.is_null()) {
        created = formatTime(e.at);
        createdAt = e.at;
      }
      if (e.event == "rotated") {
        rotated = formatTime(e.at);
        rotatedAt = e.at;
      }
      last = {{"event", e.event}, {"at", formatTime(e.at)}, {"by", e.who}};
    }
    when.emplace_back(createdAt, rotatedAt);
    out.push_back({{"name", k->id.name},
                   {"role", k->spec.value("role", "")},
                   {"deliveries", deliveries},
                   {"created", created},
                   {"expires", k->spec.contains("expires") ? k->spec["expires"] : Json()},
                   {"last_rotated", rotated},
                   {"last_event", last}});
  }
  if (common.json()) {
    env.out << toJsonText(Json{{"keys", out}}) << "\n";
    return exit_code::kOk;
  }
  auto show = [](const Json& v) { return v.is_null() ? std::string("-") : v.get<std::string>(); };
  const int64_t now = env.clock.nowSeconds();
  Table table({"KEY", "ROLE", "DELIVERIES", "CREATED", "EXPIRES", "LAST ROTATED"},
              {false, false, true, false, false, false});
  for (size_t i = 0; i < out.size(); ++i) {
    const Json& k = out[i];
    std::string where;
    for (const auto& d : k["deliveries"])
      where += (where.empty() ? "" : ", ") + d.get<std::string>();
    table.add({{k["name"].get<std::string>()},
               {k["role"].get<std::string>()},
               {where.empty() ? "-" : where},
               {ago(when[i].first, now)},
               {show(k["expires"])},
               {ago(when[i].second, now)}});
  }
  table.render(env.out, env.columns, common.style);
  return exit_code::kOk;
}

}  // namespace hx
