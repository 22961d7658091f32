#include "src/web/pages.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "reconciler/calendar.h"
#include "reconciler/observed.h"
#include "reconciler/values.h"
#include "src/views/criteria_text.h"
#include "src/views/status_view.h"
#include "src/web/charts.h"
#include "src/web/html.h"

namespace hx::web {

namespace {

// The backlog page's title and its navigation label.
constexpr const char* kBacklogPage = "Backlog";  // lint: not a kind

// A field of a document as text: strings as they are, numbers as numbers, null or absent as "-".
std::string field(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "-";
  const Json& v = j[key];
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}

// A time of a document as a table cell: "4 min ago", the time itself in <time> (hover, and for
// machines). Anything that is not such a time is shown as it is.
void whenCell(Html& h, const Json& doc, const char* key, int64_t now) {
  const std::string iso = field(doc, key);
  // Not an optional across the branches: GCC 12 at -O2 takes one for uninitialised.
  int64_t at = 0;
  if (iso != "-")
    if (auto parsed = parseDateSeconds(iso)) at = *parsed;
  h.raw("<td class=\"when\">");
  if (at <= 0) {
    h.text(iso);
  } else {
    const std::string shown = now <= at ? "just now" : humanSpan(now - at) + " ago";
    h.raw("<time datetime=\"").text(iso).raw("\" title=\"").text(iso).raw("\">");
    h.text(shown).raw("</time>");
  }
  h.raw("</td>");
}

std::string joinedStrings(const Json& list, const char* separator) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& x : list)
    if (x.is_string()) out += (out.empty() ? "" : separator) + x.get<std::string>();
  return out;
}

std::string cssToken(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  return s;
}

// The frame every page shares. `current`: the navigation entry this page is.
void open(Html& h, const Snapshot& s, const std::string& title, const std::string& current) {
  h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
      .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
      .raw("<meta name=\"color-scheme\" content=\"light dark\"><title>")
      .text(title + " · hxctl" + (s.estate.empty() ? "" : " · " + s.estate))
      .raw("</title><link rel=\"stylesheet\" href=\"/static/hxctl.css\">")
      .raw("<script src=\"/static/hxctl.js\" defer></script></head><body><header>")
      .raw("<nav aria-label=\"Pages\"><span class=\"brand\">hxctl</span>");
  for (const auto& [href, name] : std::vector<std::pair<std::string, std::string>>{
           {"/", "Estate"}, {"/backlog", kBacklogPage}, {"/runs", "Runs"}}) {
    h.raw("<a href=\"").raw(href).raw("\"");
    if (name == current) h.raw(" aria-current=\"page\"");
    h.raw(">").text(name).raw("</a>");
  }
  h.raw("</nav><p class=\"meta\">")
      .text(s.estate.empty() ? "" : "estate " + s.estate + " · ")
      .raw("read <time id=\"read-at\">")
      .text(formatTime(s.builtAt))
      .raw("</time> · <span id=\"live\" role=\"status\" aria-live=\"polite\">static</span></p>")
      .raw("</header><main id=\"content\" data-generation=\"")
      .raw(std::to_string(s.generation))
      .raw("\">");
  if (!s.error.empty()) h.raw("<p class=\"error\" role=\"alert\">").text(s.error).raw("</p>");
}

void close(Html& h, const std::vector<std::pair<std::string, std::string>>& json) {
  h.raw("</main><footer><p>Read only. The same data as JSON: ");
  bool first = true;
  for (const auto& [href, what] : json) {
    h.raw(first ? "" : ", ").raw("<a href=\"").text(href).raw("\">").text(href).raw("</a> (");
    h.text(what).raw(")");
    first = false;
  }
  h.raw(".</p></footer></body></html>\n");
}

void statusCell(Html& h, const std::string& status, const char* prefix) {
  h.raw("<td class=\"status ")
      .raw(prefix)
      .raw(cssToken(status))
      .raw("\">")
      .text(status)
      .raw("</td>");
}

// What the plan does with a resource, in the estate's words.
std::string outcomeOf(const Json& action) {
  const std::string a = action.value("action", "");
  const std::string reason = action.value("reason", "");
  if (a == "no-op") return "in sync";
  if (a == "create") return "missing: create";
  if (a == "update" || a == "replace" || a == "delete") return "drifted: " + a;
  if (a == "deferred") return "deferred: " + reason;
  if (a == "orphan") return "orphan: " + reason;
  return "refused (" + a + ")" + (reason.empty() ? "" : ": " + reason);
}

const char* outcomeClass(const Json& action) {
  const std::string a = action.value("action", "");
  if (a == "no-op") return "o-sync";
  if (a == "create" || a == "update" || a == "replace" || a == "delete") return "o-drift";
  if (a == "deferred") return "o-deferred";
  if (a == "orphan") return "o-orphan";
  return "o-refused";
}

void hostsSection(Html& h, const Snapshot& s) {
  h.raw("<section aria-labelledby=\"hosts-h\"><h2 id=\"hosts-h\">Hosts</h2>");
  h.raw("<p class=\"legend\"><span class=\"key p-ok\"></span>probes passed ")
      .raw("<span class=\"key p-mixed\"></span>some failed <span class=\"key p-down\"></span>")
      .raw("all failed <span class=\"key p-pending\"></span>not installed yet ")
      .raw("<span class=\"key p-none\"></span>not probed</p>");
  h.raw("<div class=\"scroll\"><table class=\"hosts\"><caption>Every host, its last probe and its ")
      .raw("availability over the last day and week</caption><thead><tr><th scope=\"col\">Host")
      .raw("</th><th scope=\"col\">Type</th><th scope=\"col\">Status</th><th scope=\"col\">Since")
      .raw("</th><th scope=\"col\">Last probe</th><th scope=\"col\">Latency</th>")
      .raw("<th scope=\"col\">Version</th><th scope=\"col\">Breaker</th><th scope=\"col\">")
      .raw("Models</th><th scope=\"col\">Last day</th><th scope=\"col\">Last week</th></tr>")
      .raw("</thead><tbody>");
  const int64_t now = s.builtAt;
  for (const auto& host : s.hosts) {
    const std::string name = host.value("name", "");
    h.raw("<tr data-host=\"").text(name).raw("\"><th scope=\"row\">").text(name).raw("</th>");
    h.element("td", field(host, "type"));
    statusCell(h, host.value("status", ""), "st-");
    whenCell(h, host, "since", now);
    whenCell(h, host, "last_probe", now);
    h.element("td",
              host.value("last_probe", Json()).is_null() ? "-" : field(host, "latency_ms") + " ms",
              "num");
    h.element("td", field(host, "version"));
    h.element("td", field(host, "breaker"));
    const Json& models = host.value("models", Json::object());
    h.raw("<td>");
    const std::string present = joinedStrings(models.value("present", Json()), ", ");
    const std::string missing = joinedStrings(models.value("missing", Json()), ", ");
    const std::string unmanaged = joinedStrings(models.value("unmanaged", Json()), ", ");
    if (!models.value("known", false) && !(present + missing).empty())
      h.raw("<span class=\"muted\">unknown (host not active)</span><br>");
    if (!present.empty()) h.raw("present: ").text(present).raw("<br>");
    if (!missing.empty())
      h.raw("<span class=\"o-drift\">missing: ").text(missing).raw("</span><br>");
    if (!unmanaged.empty()) h.raw("not managed by hxctl: ").text(unmanaged);
    if ((present + missing + unmanaged).empty()) h.raw("-");
    h.raw("</td>");
    const HostStrip* strip = nullptr;
    for (const auto& x : s.availability)
      if (x.host == name) strip = &x;
    const std::vector<ProbeBucket> none;
    const auto& buckets = strip ? strip->buckets : none;
    const int64_t hour = now - now % 3600 + 3600;
    h.raw("<td class=\"strip-cell\">")
        .raw(availabilityStrip(name, buckets, hour - 86400, hour, ProbeBucket::kSeconds))
        .raw("</td><td class=\"strip-cell\">")
        .raw(availabilityStrip(name, buckets, hour - 7 * 86400, hour, 3600))
        .raw("</td></tr>");
    if (!field(host, "evidence").empty() && host.value("status", "") != "active")
      h.raw("<tr class=\"note\"><td></td><td colspan=\"10\">")
          .text(field(host, "evidence"))
          .raw("</td></tr>");
  }
  h.raw("</tbody></table></div></section>");
}

// One table per kind, in the order the plan lists them, with each resource's plan outcome.
void resourcesSection(Html& h, const Snapshot& s) {
  const Json& actions = s.plan.value("actions", Json::array());
  std::vector<std::string> kinds;
  for (const auto& a : actions) {
    const std::string k = a.value("kind", "");
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  }
  h.raw("<section aria-labelledby=\"res-h\"><h2 id=\"res-h\">Resources</h2><p>")
      .text(s.plan.value("summary", Json::object()).value("line", ""))
      .raw(" (the plan against the last observation, as <code>hxctl plan --offline</code>)</p>");
  for (const auto& k : kinds) {
    std::vector<const Json*> rows;
    for (const auto& a : actions)
      if (a.value("kind", "") == k) rows.push_back(&a);
    std::stable_sort(rows.begin(), rows.end(), [](const Json* a, const Json* b) {
      return a->value("host", "") < b->value("host", "");
    });
    const std::string id = "kind-" + cssToken(k);
    h.raw("<section aria-labelledby=\"").raw(id).raw("\"><h3 id=\"").raw(id).raw("\">").text(k);
    h.raw(" <span class=\"muted\">(").raw(std::to_string(rows.size())).raw(")</span></h3>");
    h.raw("<div class=\"scroll\"><table class=\"resources\"><thead><tr><th scope=\"col\">Name")
        .raw("</th><th scope=\"col\">Host</th><th scope=\"col\">Key</th><th scope=\"col\">")
        .raw("Outcome</th><th scope=\"col\">Changes</th></tr></thead><tbody>");
    for (const Json* a : rows) {
      h.raw("<tr data-resource=\"").text(a->value("resource", "")).raw("\">");
      h.raw("<th scope=\"row\">").text(a->value("name", "")).raw("</th>");
      h.element("td", field(*a, "host")).element("td", field(*a, "key"));
      h.element("td", outcomeOf(*a), outcomeClass(*a));
      std::string changes;
      for (const auto& c : a->value("changes", Json::array()))
        changes += (changes.empty() ? "" : ", ") + c.value("path", "");
      h.element("td", changes.empty() ? "-" : changes);
      h.raw("</tr>");
    }
    h.raw("</tbody></table></div></section>");
  }
  const Json& notes = s.plan.value("notes", Json::array());
  if (!notes.empty()) {
    h.raw("<h3>Notes</h3><ul>");
    for (const auto& n : notes)
      if (n.is_string()) h.element("li", n.get<std::string>());
    h.raw("</ul>");
  }
  h.raw("</section>");
}

void tasksTable(Html& h, const Json& tasks, const std::string& group, int64_t now) {
  h.raw("<div class=\"scroll\"><table class=\"tasks\"><thead><tr><th scope=\"col\">Task</th>")
      .raw("<th scope=\"col\">Title</th><th scope=\"col\">Priority</th><th scope=\"col\">Effort")
      .raw("</th><th scope=\"col\">Status</th><th scope=\"col\">Since</th><th scope=\"col\">")
      .raw("Waiting on / proven by</th></tr></thead><tbody>");
  for (const auto& t : tasks) {
    if (t.value("group", "") != group) continue;
    const std::string id = t.value("id", "");
    h.raw("<tr data-task=\"").text(id).raw("\"><th scope=\"row\"><a href=\"/tasks/");
    h.text(urlPart(id)).raw("\">").text(id).raw("</a></th>");
    h.element("td", t.value("title", ""));
    h.element("td", field(t, "priority")).element("td", field(t, "effort"));
    statusCell(h, t.value("status", ""), "t-");
    whenCell(h, t, "since", now);
    std::string proof;
    if (t.value("status", "") == "completed") {
      const Json& criteria = t.value("criteria", Json::array());
      proof = std::to_string(criteria.size()) + "/" + std::to_string(criteria.size()) +
              " criteria pass";
    } else {
      proof = joinedStrings(t.value("waiting_on", Json()), "; ");
    }
    if (!t.value("escalated", Json()).is_null()) proof = "ESCALATED. " + proof;
    h.element("td", proof.empty() ? "-" : proof);
    h.raw("</tr>");
  }
  h.raw("</tbody></table></div>");
}

void legendOfStatuses(Html& h) {
  h.raw("<p class=\"legend\">");
  for (const char* st : kTaskStatusOrder)
    h.raw("<span class=\"key t-").raw(st).raw("\"></span>").text(st).raw(" ");
  h.raw("</p>");
}

}  // namespace

std::string estatePage(const Snapshot& s) {
  Html h;
  open(h, s, "Estate", "Estate");
  h.raw("<h1>Estate</h1>");
  if (s.error.empty()) {
    hostsSection(h, s);
    resourcesSection(h, s);
  }
  close(h, {{"/api/hosts", "hxctl hosts --offline -o json"},
            {"/api/plan", "hxctl plan --offline -o json"}});
  return h.take();
}

std::string backlogPage(const Snapshot& s) {
  Html h;
  open(h, s, kBacklogPage, kBacklogPage);
  h.raw("<h1>Backlog</h1>");
  if (s.error.empty()) {
    h.raw("<p class=\"summary\">").text(s.status.value("summary", "")).raw("</p>");
    const int64_t to = s.builtAt;
    // From the first evaluation (at most a week back), so that a young estate fills the chart.
    int64_t from = to - 7 * 86400;
    if (!s.taskHistory.empty()) from = std::max(from, s.taskHistory.front().at);
    from -= std::max<int64_t>(1, (to - from) / 48);
    h.raw("<figure><figcaption>Tasks per status since ")
        .text(formatTime(from))
        .raw("</figcaption>")
        .raw(backlogChart(s.taskHistory, from, to, 48))
        .raw("<p class=\"axis\"><span>")
        .text(formatTime(from))
        .raw("</span><span>")
        .text(formatTime(to))
        .raw("</span></p>");
    legendOfStatuses(h);
    h.raw("</figure>");
    const Json& tasks = s.status.value("tasks", Json::array());
    std::vector<std::string> groups;
    for (const auto& t : tasks) {
      const std::string g = t.value("group", "");
      if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    }
    for (const auto& g : groups) {
      const std::string id = "group-" + cssToken(g);
      h.raw("<section aria-labelledby=\"").raw(id).raw("\"><h2 id=\"").raw(id).raw("\">");
      h.text(g.empty() ? "Other" : g).raw("</h2>");
      tasksTable(h, tasks, g, s.builtAt);
      h.raw("</section>");
    }
    const Json& reviews = s.status.value("reviews", Json::array());
    if (!reviews.empty()) {
      h.raw("<section aria-labelledby=\"rev-h\"><h2 id=\"rev-h\">Reviews</h2><table><thead><tr>")
          .raw("<th scope=\"col\">Review</th><th scope=\"col\">Schedule</th><th scope=\"col\">")
          .raw("State</th></tr></thead><tbody>");
      for (const auto& r : reviews) {
        h.raw("<tr><th scope=\"row\">").text(r.value("name", "")).raw("</th>");
        h.element("td", r.value("schedule", ""));
        std::string state = r.value("automated", false) ? "done by hxctl's probes"
                            : r.value("due", false)     ? "due since " + field(r, "due_since")
                                                        : "next " + field(r, "next");
        h.element("td", state, r.value("due", false) ? "o-deferred" : "").raw("</tr>");
      }
      h.raw("</tbody></table></section>");
    }
    const Json& escalated = s.status.value("escalated", Json::array());
    if (!escalated.empty()) {
      h.raw("<section aria-labelledby=\"esc-h\"><h2 id=\"esc-h\">Escalated</h2><ul>");
      for (const auto& e : escalated)
        h.raw("<li>")
            .text(e.value("task", "") + " " + e.value("status", "") + " for " + e.value("for", "") +
                  " (limit " + e.value("limit", "") + " for " + e.value("priority", "") +
                  " priority)")
            .raw("</li>");
      h.raw("</ul></section>");
    }
    const Json& writer = s.status.value("writer", Json());
    if (writer.is_object())
      h.raw("<p class=\"muted\">")
          .text("The store is held by " + field(writer, "operation") + " (pid " +
                field(writer, "pid") + " on " + field(writer, "hostname") + " since " +
                field(writer, "since") + ").")
          .raw("</p>");
  }
  close(h, {{"/api/status", "hxctl status -o json"}});
  return h.take();
}

std::optional<std::string> taskPage(const Snapshot& s, const std::string& id) {
  auto it = s.tasks.find(id);
  if (it == s.tasks.end()) return std::nullopt;
  const Json& t = it->second;
  Html h;
  open(h, s, "Task " + id, kBacklogPage);
  h.raw("<h1>Task ").text(id).raw(": ").text(t.value("title", "")).raw("</h1>");
  h.raw("<dl class=\"facts\"><dt>Status</dt><dd class=\"t-")
      .raw(cssToken(t.value("status", "")))
      .raw("\" id=\"task-status\">")
      .text(t.value("status", ""))
      .raw("</dd><dt>Since</dt>");
  h.element("dd", field(t, "since")).raw("<dt>Group</dt>").element("dd", field(t, "group"));
  h.raw("<dt>Priority</dt>").element("dd", field(t, "priority"));
  h.raw("<dt>Effort</dt>").element("dd", field(t, "effort"));
  h.raw("<dt>Owner</dt>").element("dd", field(t, "owner"));
  h.raw("<dt>In the backlog since</dt>").element("dd", field(t, "opened"));
  const Json& hold = t.value("hold", Json());
  if (hold.is_object()) h.raw("<dt>Held</dt>").element("dd", field(hold, "reason"));
  const Json& esc = t.value("escalated", Json());
  if (esc.is_object())
    h.raw("<dt>Escalated</dt>")
        .element("dd",
                 field(esc, "status") + " for " + field(esc, "for") + " (limit " +
                     field(esc, "limit") + ")",
                 "o-refused");
  h.raw("</dl>");
  if (t.value("description", Json()).is_string())
    h.element("p", t["description"].get<std::string>());
  for (const auto& n : t.value("notes", Json::array()))
    if (n.is_string()) h.element("p", "Note: " + n.get<std::string>(), "muted");
  const Json& waiting = t.value("waiting_on", Json::array());
  if (!waiting.empty()) {
    h.raw("<h2>Waiting on</h2><ul>");
    for (const auto& w : waiting)
      if (w.is_string()) h.element("li", w.get<std::string>());
    h.raw("</ul>");
  }
  h.raw("<h2>Criteria</h2><div class=\"scroll\"><table class=\"criteria\"><thead><tr>")
      .raw("<th scope=\"col\">Criterion</th><th scope=\"col\">Result</th><th scope=\"col\">")
      .raw("Measured</th><th scope=\"col\">Required</th><th scope=\"col\">Checked</th>")
      .raw("<th scope=\"col\">Detail</th></tr></thead><tbody>");
  const Json& specs = t.value("criteria_spec", Json::array());
  const Json& results = t.value("criteria", Json::array());
  for (size_t i = 0; i < specs.size(); ++i) {
    h.raw("<tr><th scope=\"row\">").text(criterionSentence(specs[i])).raw("</th>");
    if (i < results.size()) {
      const Json& r = results[i];
      const bool pass = r.value("pass", false), unknown = r.value("could_not_check", false);
      h.element("td",
                pass      ? "pass"
                : unknown ? "could not check"
                          : "FAIL",
                pass      ? "o-sync"
                : unknown ? "o-deferred"
                          : "o-refused");
      h.element("td", field(r, "value")).element("td", field(r, "threshold"));
      h.element("td", field(r, "at")).element("td", field(r, "detail"));
    } else {
      h.raw("<td colspan=\"5\" class=\"muted\">not checked (")
          .text(t.value("status", ""))
          .raw(")</td>");
    }
    h.raw("</tr>");
  }
  h.raw("</tbody></table></div>");
  h.raw("<h2>Depends on</h2><ul>");
  for (const auto& d : t.value("depends_on", Json::array())) {
    const std::string ref = d.is_string() ? d.get<std::string>() : "";
    const auto slash = ref.find('/');
    const std::string name = slash == std::string::npos ? ref : ref.substr(slash + 1);
    h.raw("<li>");
    if (s.tasks.count(name))
      h.raw("<a href=\"/tasks/").text(urlPart(name)).raw("\">").text(ref).raw("</a>");
    else
      h.text(ref);
    h.raw("</li>");
  }
  h.raw("</ul><h2>Gates</h2><ul>");
  for (const auto& g : t.value("gates", Json::array()))
    h.element("li", field(g, "resource") + ": " + field(g, "action") +
                        (g.value("reason", "").empty() ? "" : " (" + g.value("reason", "") + ")"));
  h.raw("</ul><h2>Transitions</h2><table><thead><tr><th scope=\"col\">At</th>")
      .raw("<th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Why</th></tr>")
      .raw("</thead><tbody>");
  for (const auto& x : t.value("transitions", Json::array())) {
    h.raw("<tr>").element("td", field(x, "at")).element("td", field(x, "from"));
    h.element("td", field(x, "to")).element("td", field(x, "why")).raw("</tr>");
  }
  h.raw("</tbody></table>");
  const Json& escalations = t.value("escalations", Json::array());
  if (!escalations.empty()) {
    h.raw("<h2>Escalations</h2><ul>");
    for (const auto& x : escalations)
      h.element("li", field(x, "escalated_at") + ": " + field(x, "status") + " since " +
                          field(x, "status_since") + " (" + field(x, "why") + ")");
    h.raw("</ul>");
  }
  close(h, {{"/api/tasks/" + urlPart(id), "hxctl status " + id + " -o json"}});
  return h.take();
}

std::string runsPage(const Snapshot& s) {
  Html h;
  open(h, s, "Runs", "Runs");
  h.raw("<h1>Runs</h1>");
  if (s.error.empty()) {
    h.raw("<figure><figcaption>Reconcile durations, oldest on the left</figcaption>")
        .raw(durationChart(s.history))
        .raw("<p class=\"legend\"><span class=\"key r-ok\"></span>succeeded ")
        .raw("<span class=\"key r-partial\"></span>partial <span class=\"key r-failed\">")
        .raw("</span>failed <span class=\"key r-running\"></span>running</p></figure>");
    h.raw("<section aria-labelledby=\"def-h\"><h2 id=\"def-h\">Deferred now</h2>");
    bool any = false;
    for (const auto& a : s.plan.value("actions", Json::array())) {
      if (a.value("action", "") != "deferred") continue;
      if (!any) h.raw("<ul class=\"deferred\">");
      any = true;
      h.raw("<li><strong>").text(a.value("resource", "")).raw("</strong>: ");
      h.text(a.value("reason", "")).raw("</li>");
    }
    h.raw(any ? "</ul>" : "<p>Nothing is deferred.</p>").raw("</section>");
    h.raw("<section aria-labelledby=\"runs-h\"><h2 id=\"runs-h\">Recent runs</h2>");
    h.raw("<div class=\"scroll\"><table class=\"runs\"><thead><tr><th scope=\"col\">Run</th>")
        .raw("<th scope=\"col\">Started</th><th scope=\"col\">Command</th><th scope=\"col\">By")
        .raw("</th><th scope=\"col\">Status</th><th scope=\"col\">Duration</th>")
        .raw("<th scope=\"col\">Summary and actions</th></tr></thead><tbody>");
    for (const auto& r : s.history) {
      const int64_t id = r.value("id", int64_t{0});
      h.raw("<tr data-run=\"").raw(std::to_string(id)).raw("\"><th scope=\"row\">");
      h.raw(std::to_string(id)).raw("</th>");
      whenCell(h, r, "started_at", s.builtAt);
      h.element("td", field(r, "command"));
      h.element("td", field(r, "user") + "@" + field(r, "hostname"));
      statusCell(h, r.value("status", ""), "r-");
      const Json& ms = r.value("duration_ms", Json());
      h.element("td", ms.is_number() ? std::to_string(ms.get<int64_t>()) + " ms" : "-", "num");
      h.raw("<td>").text(field(r, "summary"));
      auto run = s.runs.find(id);
      const Json& actions = run == s.runs.end() ? Json::array() : run->second["actions"];
      if (!actions.empty()) {
        h.raw("<details id=\"run-").raw(std::to_string(id)).raw("\"><summary>");
        auto total = s.actionTotals.find(id);
        const int64_t all =
            total == s.actionTotals.end() ? static_cast<int64_t>(actions.size()) : total->second;
        h.raw(std::to_string(all)).raw(" actions");
        if (all > static_cast<int64_t>(actions.size()))
          h.raw(" (the first ")
              .raw(std::to_string(actions.size()))
              .raw("; all at ")
              .raw("<code>hxctl history ")
              .raw(std::to_string(id))
              .raw("</code>)");
        h.raw("</summary><table><thead><tr>")
            .raw("<th scope=\"col\">Resource</th><th scope=\"col\">Action</th>")
            .raw("<th scope=\"col\">Result</th><th scope=\"col\">Duration</th>")
            .raw("<th scope=\"col\">Reason or error</th></tr></thead><tbody>");
        for (const auto& a : actions) {
          h.raw("<tr>").element("td", field(a, "resource")).element("td", field(a, "action"));
          h.element("td", field(a, "status"));
          h.element("td", field(a, "duration_ms") + " ms");
          const std::string why =
              a.value("error", "").empty() ? a.value("reason", "") : a.value("error", "");
          h.element("td", why.empty() ? "-" : why).raw("</tr>");
        }
        h.raw("</tbody></table></details>");
      }
      h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div></section>");
  }
  close(h, {{"/api/history", "hxctl history -o json"}, {"/api/plan", "plan --offline -o json"}});
  return h.take();
}

std::string messagePage(const std::string& title, const std::string& message) {
  Html h;
  h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
      .text(title)
      .raw(" · hxctl</title><link rel=\"stylesheet\" href=\"/static/hxctl.css\"></head><body>")
      .raw("<header><nav aria-label=\"Pages\"><span class=\"brand\">hxctl</span>")
      .raw("<a href=\"/\">Estate</a><a href=\"/backlog\">Backlog</a><a href=\"/runs\">Runs</a>")
      .raw("</nav></header><main id=\"content\"><h1>")
      .text(title)
      .raw("</h1><p>")
      .text(message)
      .raw("</p></main></body></html>\n");
  return h.take();
}

}  // namespace hx::web
