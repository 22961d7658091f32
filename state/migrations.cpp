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
      // Leader election for daemons sharing a PostgreSQL store (issue 21): one lease, as a
      // Kubernetes Lease (holder, term, renew time, duration). On PostgreSQL every write is
      // fenced: a session that carries a term (the daemons' connections: hxctl.fence_term) may
      // write only while that term is the lease's, so a leader that was paused or cut off and
      // lost the lease cannot write after it. Sessions without one (manual commands) are not
      // fenced; apply refuses while a leader holds the lease.
      {10,
       R"sql(
CREATE TABLE leases(
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  term INTEGER NOT NULL,
  renewed_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL);
)sql",
       R"sql(
CREATE TABLE leases(
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  term BIGINT NOT NULL,
  renewed_ms BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL);
CREATE FUNCTION hxctl_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  mine TEXT := current_setting('hxctl.fence_term', true);
  current BIGINT;
BEGIN
  IF mine IS NULL OR mine = '' THEN
    RETURN NULL;
  END IF;
  SELECT term INTO current FROM leases WHERE name = 'daemon';
  IF current IS DISTINCT FROM mine::BIGINT THEN
    RAISE EXCEPTION 'hxctl: term % is over; term % leads', mine, current USING ERRCODE = 'HXST1';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER runs_fenced BEFORE INSERT OR UPDATE OR DELETE ON runs FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER actions_fenced BEFORE INSERT OR UPDATE OR DELETE ON actions FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER inventory_fenced BEFORE INSERT OR UPDATE OR DELETE ON inventory FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER observations_fenced BEFORE INSERT OR UPDATE OR DELETE ON observations FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER host_observations_fenced BEFORE INSERT OR UPDATE OR DELETE ON host_observations FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER host_transitions_fenced BEFORE INSERT OR UPDATE OR DELETE ON host_transitions FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER task_evaluations_fenced BEFORE INSERT OR UPDATE OR DELETE ON task_evaluations FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER criterion_evidence_fenced BEFORE INSERT OR UPDATE OR DELETE ON criterion_evidence FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER task_transitions_fenced BEFORE INSERT OR UPDATE OR DELETE ON task_transitions FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER key_events_fenced BEFORE INSERT OR UPDATE OR DELETE ON key_events FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER resource_backoff_fenced BEFORE INSERT OR UPDATE OR DELETE ON resource_backoff FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER issued_tokens_fenced BEFORE INSERT OR UPDATE OR DELETE ON issued_tokens FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER task_escalations_fenced BEFORE INSERT OR UPDATE OR DELETE ON task_escalations FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER load_baselines_fenced BEFORE INSERT OR UPDATE OR DELETE ON load_baselines FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER suspensions_fenced BEFORE INSERT OR UPDATE OR DELETE ON suspensions FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER host_probe_buckets_fenced BEFORE INSERT OR UPDATE OR DELETE ON host_probe_buckets FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER lock_fenced BEFORE INSERT OR UPDATE OR DELETE ON lock FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
CREATE TRIGGER meta_fenced BEFORE INSERT OR UPDATE OR DELETE ON meta FOR EACH STATEMENT EXECUTE FUNCTION hxctl_fence();
)sql"},
      // Each host's reachability apart from its API (the operators' "ping", issue 32): state,
      // how it was asked, what answered, when, and since when, as one JSON object.
      {11, R"sql(
ALTER TABLE host_observations ADD COLUMN reach_json TEXT;
)sql"},
  };
  return kSteps;
}

}  // namespace hx
