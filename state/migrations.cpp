#include "state/migrations.h"

namespace hx {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kSteps = {
      {1, R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  user TEXT NOT NULL,
  hostname TEXT NOT NULL,
  pid INTEGER NOT NULL,
  command TEXT NOT NULL,
  spec_digest TEXT,
  status TEXT NOT NULL DEFAULT 'running',
  exit_code INTEGER,
  summary TEXT);
CREATE TABLE actions(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  resource TEXT NOT NULL,
  action TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  error TEXT,
  error_kind TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  duration_ms INTEGER);
CREATE INDEX actions_by_run ON actions(run_id);
CREATE INDEX actions_by_resource ON actions(resource);
CREATE TABLE inventory(
  resource TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  host TEXT NOT NULL,
  key TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('created', 'adopted')),
  spec_digest TEXT,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  observed_json TEXT,
  observed_at INTEGER);
CREATE TABLE observations(
  kind TEXT NOT NULL,
  host TEXT NOT NULL,
  key TEXT NOT NULL,
  fields_json TEXT NOT NULL,
  observed_at INTEGER NOT NULL,
  PRIMARY KEY (kind, host, key));
CREATE TABLE host_observations(
  host TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  since INTEGER NOT NULL,
  evidence TEXT,
  observed_at INTEGER NOT NULL,
  successes INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  version TEXT,
  latency_ms INTEGER,
  http_status INTEGER,
  last_probe_ms INTEGER,
  breaker TEXT NOT NULL DEFAULT 'closed',
  breaker_opened_ms INTEGER);
CREATE TABLE host_transitions(
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  at INTEGER NOT NULL,
  evidence TEXT,
  http_status INTEGER,
  latency_ms INTEGER,
  version TEXT);
CREATE INDEX host_transitions_by_host ON host_transitions(host, at);
CREATE TABLE task_evaluations(
  task TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  since INTEGER NOT NULL,
  evaluated_at INTEGER NOT NULL,
  waiting_on TEXT NOT NULL,
  criteria TEXT NOT NULL);
CREATE TABLE criterion_evidence(
  id INTEGER PRIMARY KEY,
  task TEXT NOT NULL,
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT,
  pass INTEGER NOT NULL,
  value TEXT,
  threshold TEXT,
  detail TEXT,
  at INTEGER NOT NULL);
CREATE INDEX criterion_evidence_by_task ON criterion_evidence(task, at);
CREATE TABLE task_transitions(
  id INTEGER PRIMARY KEY,
  task TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  at INTEGER NOT NULL,
  why TEXT);
CREATE TABLE lock(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  lock_id TEXT NOT NULL,
  holder TEXT NOT NULL,
  hostname TEXT NOT NULL,
  pid INTEGER NOT NULL,
  operation TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL);
)sql"},
      {2, R"sql(
CREATE TABLE key_events(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  key TEXT NOT NULL,
  event TEXT NOT NULL,
  detail TEXT,
  at INTEGER NOT NULL);
CREATE INDEX key_events_by_key ON key_events(key, at);
)sql"},
      {3, R"sql(
CREATE TABLE resource_backoff(
  resource TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  next_retry_at INTEGER NOT NULL,
  last_error TEXT,
  updated_at INTEGER NOT NULL);
)sql"},
      {4, R"sql(
CREATE TABLE issued_tokens(
  jti TEXT PRIMARY KEY,
  server TEXT NOT NULL,
  key TEXT NOT NULL,
  token_file TEXT NOT NULL,
  secret_digest TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  revoked_at INTEGER);
CREATE INDEX issued_tokens_live ON issued_tokens(server, revoked_at);
ALTER TABLE observations ADD COLUMN problem TEXT;
ALTER TABLE inventory ADD COLUMN source_file TEXT;
)sql"},
      {5, R"sql(
CREATE TABLE task_escalations(
  task TEXT NOT NULL,
  status_since INTEGER NOT NULL,
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  escalated_at INTEGER NOT NULL,
  why TEXT,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (task, status_since));
CREATE TABLE load_baselines(
  key TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  avg_ms REAL NOT NULL,
  p95_ms REAL NOT NULL,
  rps REAL NOT NULL,
  value TEXT NOT NULL,
  at INTEGER NOT NULL);
)sql"},
      {6, R"sql(
CREATE TABLE suspensions(
  resource TEXT PRIMARY KEY,
  by TEXT NOT NULL,
  since INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '');
)sql"},
      // Saving observations updates each observed object's inventory row by (kind, host, key):
      // without an index every update scanned the table, quadratic in the estate (issue 18).
      {7, R"sql(
CREATE INDEX inventory_by_object ON inventory(kind, host, key);
)sql"},
      // The web view's pictures (issue 20): probe outcomes per host in 5-minute buckets (a
      // host's availability strip shows gaps honestly, which transitions alone cannot), and each
      // run's duration in milliseconds (started_at and ended_at are whole seconds).
      {8, R"sql(
CREATE TABLE host_probe_buckets(
  host TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  status TEXT NOT NULL,
  last_probe_ms INTEGER NOT NULL,
  PRIMARY KEY (host, bucket));
ALTER TABLE runs ADD COLUMN started_ms INTEGER;
ALTER TABLE runs ADD COLUMN duration_ms INTEGER;
)sql"},
      // Issued tokens in the order they were issued, in words both engines speak: live tokens
      // were ordered by SQLite's rowid, which PostgreSQL does not have (issue 21).
      {9,
       R"sql(
ALTER TABLE issued_tokens ADD COLUMN seq INTEGER;
UPDATE issued_tokens SET seq = rowid;
)sql",
       R"sql(
ALTER TABLE issued_tokens ADD COLUMN seq BIGINT;
)sql"},
  };
  return kSteps;
}

}  // namespace hx
