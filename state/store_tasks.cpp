// Task evaluations (the latest per task), their criteria's evidence, and every status transition.
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

namespace {
Json criteriaJson(const std::vector<CriterionResult>& criteria) {
  Json out = Json::array();
  for (const auto& c : criteria)
    out.push_back({{"kind", c.kind},
                   {"subject", c.subject},
                   {"pass", c.pass},
                   {"value", c.value},
                   {"threshold", c.threshold},
                   {"detail", c.detail},
                   {"at", c.at},
                   {"unknown", c.unknown}});
  for (size_t i = 0; i < criteria.size(); ++i)
    if (!criteria[i].prerequisite.empty()) out[i]["prerequisite"] = criteria[i].prerequisite;
  return out;
}

std::vector<CriterionResult> criteriaFrom(const Json& j) {
  std::vector<CriterionResult> out;
  for (const auto& c : j) {
    out.push_back(CriterionResult{
        c.value("kind", ""), c.value("subject", ""), c.value("pass", false), c.value("value", ""),
        c.value("threshold", ""), c.value("detail", ""), c.value("at", int64_t{0})});
    out.back().unknown = c.value("unknown", false);
    out.back().prerequisite = c.value("prerequisite", "");
  }
  return out;
}
}  // namespace

Status Store::recordTaskEvaluations(const std::vector<TaskEvaluation>& evaluations) {
  return guarded([&]() -> Status {
    sql::Transaction tx(*db_);
    int64_t now = clock_.nowSeconds();
    sql::Statement put(*db_,
                       "INSERT INTO task_evaluations(task, status, since, evaluated_at, "
                       "waiting_on, criteria) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(task) DO "
                       "UPDATE SET status = excluded.status, since = excluded.since, "
                       "evaluated_at = excluded.evaluated_at, waiting_on = "
                       "excluded.waiting_on, criteria = excluded.criteria");
    sql::Statement evidence(*db_,
                            "INSERT INTO criterion_evidence(task, idx, kind, subject, pass, value, "
                            "threshold, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sql::Statement transition(*db_,
                              "INSERT INTO task_transitions(task, from_status, to_status, at, why) "
                              "VALUES (?, ?, ?, ?, ?)");
    for (const auto& e : evaluations) {
      put.bind(1, e.task);
      put.bind(2, taskStatusName(e.status));
      put.bind(3, e.since);
      put.bind(4, now);
      put.bind(5, Json(e.waitingOn).dump());
      put.bind(6, criteriaJson(e.criteria).dump());
      put.exec();
      put.reset();
      for (size_t i = 0; i < e.criteria.size(); ++i) {
        const auto& c = e.criteria[i];
        evidence.bind(1, e.task);
        evidence.bind(2, static_cast<int>(i));
        evidence.bind(3, c.kind);
        evidence.bind(4, c.subject);
        evidence.bind(5, c.pass ? 1 : 0);
        evidence.bind(6, c.value);
        evidence.bind(7, c.threshold);
        evidence.bind(8, c.detail);
        evidence.bind(9, c.at);
        evidence.exec();
        evidence.reset();
      }
      if (!e.changed) continue;
      transition.bind(1, e.task);
      transition.bind(2, e.previous ? taskStatusName(*e.previous) : "");
      transition.bind(3, taskStatusName(e.status));
      transition.bind(4, e.since);
      std::string why;
      for (const auto& w : e.waitingOn) why += (why.empty() ? "" : "; ") + w;
      transition.bind(5, why);
      transition.exec();
      transition.reset();
    }
    tx.commit();
    return Status::ok();
  });
}

Result<std::map<std::string, TaskEvaluation>> Store::taskEvaluations() {
  return guarded([&]() -> Result<std::map<std::string, TaskEvaluation>> {
    sql::Statement q(*db_,
                     "SELECT task, status, since, waiting_on, criteria FROM task_evaluations");
    std::map<std::string, TaskEvaluation> out;
    while (q.executeStep()) {
      TaskEvaluation e;
      e.task = q.getColumn(0).getString();
      e.status = parseTaskStatus(q.getColumn(1).getString()).value_or(TaskStatus::kReady);
      e.since = q.getColumn(2).getInt64();
      e.waitingOn = Json::parse(q.getColumn(3).getString()).get<std::vector<std::string>>();
      e.criteria = criteriaFrom(Json::parse(q.getColumn(4).getString()));
      out[e.task] = std::move(e);
    }
    return out;
  });
}

Result<std::vector<TaskTransition>> Store::taskTransitions(const std::string& task) {
  return guarded([&]() -> Result<std::vector<TaskTransition>> {
    sql::Statement q(*db_,
                     "SELECT from_status, to_status, at, COALESCE(why, '') FROM task_transitions "
                     "WHERE task = ? ORDER BY id");
    q.bind(1, task);
    std::vector<TaskTransition> out;
    while (q.executeStep())
      out.push_back(TaskTransition{task, q.getColumn(0).getString(), q.getColumn(1).getString(),
                                   q.getColumn(2).getInt64(), q.getColumn(3).getString()});
    return out;
  });
}

Result<std::vector<TaskTransition>> Store::allTaskTransitions() {
  return guarded([&]() -> Result<std::vector<TaskTransition>> {
    sql::Statement q(*db_,
                     "SELECT task, from_status, to_status, at, COALESCE(why, '') "
                     "FROM task_transitions ORDER BY at, id");
    std::vector<TaskTransition> out;
    while (q.executeStep())
      out.push_back(TaskTransition{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                   q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                                   q.getColumn(4).getString()});
    return out;
  });
}

Result<std::map<std::string, TaskTransition>> Store::lastTaskTransitions() {
  return guarded([&]() -> Result<std::map<std::string, TaskTransition>> {
    sql::Statement q(*db_,
                     "SELECT t.task, t.from_status, t.to_status, t.at, COALESCE(t.why, '') FROM "
                     "task_transitions t JOIN (SELECT task, MAX(id) AS id FROM task_transitions "
                     "GROUP BY task) last ON t.id = last.id");
    std::map<std::string, TaskTransition> out;
    while (q.executeStep()) {
      TaskTransition t{q.getColumn(0).getString(), q.getColumn(1).getString(),
                       q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                       q.getColumn(4).getString()};
      out[t.task] = t;
    }
    return out;
  });
}

}  // namespace hx
