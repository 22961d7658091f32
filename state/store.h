// The SQLite store: the only code that knows SQL. Authoritative tables (runs, actions, inventory,
// lock) are migrated forward in a transaction and never reset; the observation cache may be
// dropped and rebuilt at any time.
//
// Thread-safety: one Store per thread. Several processes may open the same file (WAL mode); the
// lock row decides who may write changes to the estate.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/backoff.h"
#include "reconciler/clock.h"
#include "reconciler/inventory.h"
#include "reconciler/observed.h"
#include "reconciler/plan.h"
#include "reconciler/status.h"
#include "reconciler/task_status.h"

namespace hx::sql {
class Connection;
}

namespace hx {

struct RunInfo {
  std::string command;  // "apply", "plan", ...
  std::string user;
  std::string hostname;
  int pid = 0;
  std::string specDigest;
};

struct KeyEvent {
  std::string key, event, detail;  // event: created | rotated | redelivered | revoked | expired
  int64_t at = 0;
  int64_t runId = 0;
  std::string who;  // user@hostname of the run
};

// A Qdrant JWT hxctl minted: its id (the `value_exists` value), for which key, where it was
// written. Revocation and the token collection's clean-up go by these ids, never by what the
// collection itself says (any manage-key holder can write there).
struct IssuedToken {
  std::string server, key, jti, tokenFile, secretDigest;
  int64_t issuedAt = 0;
};

struct RunRecord {
  int64_t id = 0;
  int64_t startedAt = 0, endedAt = 0;
  int64_t durationMs =
      0;  // 0 while running (and, for runs recorded before schema 8, whole seconds)
  std::string user, hostname, command, specDigest, status, summary;
  int pid = 0;
  std::optional<int> exitCode;
};

struct ActionRecord {
  int64_t id = 0, runId = 0;
  std::string resource, action, status, reason, error, errorKind;
  int attempts = 0;
  int64_t startedAt = 0, endedAt = 0, durationMs = 0;
};

struct TaskTransition {
  std::string task;
  std::string from, to;  // from is "" for a task's first evaluation
  int64_t at = 0;
  std::string why;
};

// A host's probes in one 5-minute bucket: how many succeeded and failed, and its status after the
// last of them. No bucket: no probe was sent then (nothing was watching, or the breaker was open).
struct ProbeBucket {
  int64_t start = 0;  // unix seconds, a multiple of kSeconds
  int ok = 0, failed = 0;
  HostStatus status = HostStatus::kPendingInstallation;
  static constexpr int64_t kSeconds = 300;
};

// The daemons' lease (issue 21): who leads, in which term, renewed when, for how long.
struct Lease {
  std::string holder;
  int64_t term = 0;
  int64_t renewedMs = 0, durationMs = 0;
  bool expiredAt(int64_t nowMs) const { return nowMs > renewedMs + durationMs; }
};

struct LockInfo {
  std::string lockId;
  std::string holder, hostname, operation;
  int pid = 0;
  int64_t startedAt = 0, heartbeatAt = 0;
};

struct TaskEscalation {
  std::string task, status, priority, why;
  int64_t statusSince = 0, escalatedAt = 0;
};

// hxctl suspend KIND/NAME: apply and the daemon leave the resource (a host: everything on it) as
// it is, deferred with this reason, until hxctl resume.
struct Suspension {
  std::string resource, by, reason;
  int64_t since = 0;
};

struct LoadBaseline {
  std::string key, subject, value;
  double avgMs = 0, p95Ms = 0, rps = 0;
  int64_t at = 0;
};

class Store {
 public:
  static constexpr int kSchemaVersion = 11;

  // Copies every record of this store into `target`, a store with no records yet (hxctl state
  // migrate): runs, actions, inventory, observations, tasks, keys, tokens, back-offs, the secret
  // salt and the estate's name; not the lock. One transaction on the target. Returns the rows
  // copied per table.
  Result<std::vector<std::pair<std::string, int64_t>>> copyTo(Store& target);
  // The lease: taken when free or expired (the term goes up by one), renewed when `holder`
  // already has it; either way what the lease is afterwards (held by another: unchanged).
  // Times are the callers' clocks: the daemons' machines keep time (NTP), as Kubernetes' do.
  Result<Lease> tryLease(const std::string& holder, int64_t durationMs);
  Result<std::optional<Lease>> lease();
  // Given up on a clean stop, so that a standby need not wait for it to expire.
  Status releaseLease(const std::string& holder);
  // `url` with the session setting that fences its writes to `term` (PostgreSQL only).
  static std::string fencedUrl(const std::string& url, int64_t term);
  // Whether `location` names a PostgreSQL store (postgres://, postgresql://) rather than a file:
  // a store several daemons share (issue 21). Such a URL never holds a password.
  static bool isUrl(const std::string& location);
  // The location as it may be shown: a URL's password (user:password@, password=) masked.
  static std::string shown(const std::string& location);
  // Opens (creating if needed) and migrates the store. Fails with kConflict when the file was
  // written by a newer hxctl.
  static Result<std::unique_ptr<Store>> open(const std::string& path, Clock& clock);
  // Opens a store for reading only: nothing is created and nothing written, so a read-only
  // command cannot change what apply and the daemon rely on. A missing file reads as an empty
  // store (held in memory; *missing is set); a store of an older schema is copied into memory and
  // migrated there. Writes to the file fail; writes to an in-memory copy are forgotten.
  static Result<std::unique_ptr<Store>> openReadOnly(const std::string& path, Clock& clock,
                                                     bool* missing = nullptr);
  ~Store();
  bool readOnly() const { return readOnly_; }
  bool inBatch() const { return inBatch_; }

  int schemaVersion();

  // Runs and actions. An action row is written as "started" before the provider is called
  // and finished afterwards, so a crash in between leaves evidence that recover() turns into
  // "interrupted".
  Result<int64_t> beginRun(const RunInfo& info);
  Status endRun(int64_t runId, int exitCode, const std::string& status, const std::string& summary);
  Result<int64_t> actionStarted(int64_t runId, const PlanAction& action);
  Status actionFinished(int64_t actionId, const std::string& status, const Status& error,
                        int attempts, int64_t durationMs);
  Status recordAction(int64_t runId, const PlanAction& action, const std::string& status,
                      const std::string& why);
  // A batch: the single-statement writes between beginBatch and commitBatch (actionStarted,
  // actionFinished, recordAction, putInventory, removeInventory) are one transaction, committed
  // together, so an apply of N actions commits a few times per burst of work rather than four
  // times per action. Nothing else may be called inside one. commitBatch without a batch open
  // does nothing.
  Status beginBatch();
  Status commitBatch();
  // Marks unfinished actions and runs of dead processes as interrupted. Returns how many actions.
  Result<int> recoverInterrupted();
  // A process stopping at once (a second Ctrl-C): its running runs on `hostname` end
  // "interrupted" with the code it exits with, and their unfinished actions "interrupted".
  Status interruptRunsOf(const std::string& hostname, int pid, int exitCode);
  Result<std::vector<RunRecord>> runs(int limit);
  Result<std::vector<ActionRecord>> actions(int64_t runId);
  // The first `limit` of a run's actions, and how many it has: a page shows a few of an apply's
  // thousands.
  Result<std::vector<ActionRecord>> actions(int64_t runId, int limit);
  Result<int64_t> actionCount(int64_t runId);
  // One resource's actions ("Collection/docs"), newest first.
  Result<std::vector<ActionRecord>> actionsOf(const std::string& resource, int limit);

  // Inventory: what hxctl owns. Intent is written before the effect (origin, confirmed=0).
  Result<Inventory> inventory();
  Status putInventory(const InventoryEntry& entry, bool confirmed);
  Status removeInventory(const ResourceId& id);

  // Observation cache, for --offline plans.
  Status saveObservations(const ObservedState& observed);
  // `withObjects` false: the hosts' observations only (what a live plan starts from).
  Result<ObservedState> loadObservations(bool withObjects = true);
  // Drops cached objects of one kind on one host (after a change there, the cache is stale).
  Status forgetObservations(const std::string& kind, const std::string& host);

  // The backlog: the latest evaluation of each task, the evidence of every criterion run, and a
  // row per status transition.
  Status recordTaskEvaluations(const std::vector<TaskEvaluation>& evaluations);
  Result<std::map<std::string, TaskEvaluation>> taskEvaluations();
  Result<std::vector<TaskTransition>> taskTransitions(const std::string& task);
  // Every task's transitions, oldest first: the backlog over time.
  Result<std::vector<TaskTransition>> allTaskTransitions();
  // The latest transition of each task that has one.
  Result<std::map<std::string, TaskTransition>> lastTaskTransitions();

  // Escalations (a task blocked or regressed past its priority's limit): one row per stretch in
  // that status, written the first time it is seen escalated; all of a task's, oldest first.
  Status recordEscalations(const std::vector<TaskEscalation>& escalations);
  Result<std::vector<TaskEscalation>> escalations(const std::string& task);

  // Performance baselines: the first passing `load` of a criterion (by its key) is its baseline.
  Result<std::optional<LoadBaseline>> loadBaseline(const std::string& key);
  Status putLoadBaseline(const LoadBaseline& baseline);

  // Host status transitions, newest first.
  Result<std::vector<HostTransition>> hostTransitions(const std::string& host, int limit);
  // A host's probe buckets from `since` (unix seconds) on, oldest first. saveObservations fills
  // them from each host's last probe and keeps eight days.
  Result<std::vector<ProbeBucket>> probeBuckets(const std::string& host, int64_t since);

  // The single-writer lock. acquire fails with kConflict (message names the holder) when held.
  Result<LockInfo> acquireLock(const std::string& operation, const RunInfo& who);
  Status heartbeat(const std::string& lockId);
  Status releaseLock(const std::string& lockId);
  Result<std::optional<LockInfo>> currentLock();
  Status forceUnlock(const std::string& lockId);

  // A keyed-hash salt private to this store (never leaves it).
  Result<std::string> secretSalt();

  // The estate this store belongs to (src/run/estate_config.h), recorded by the first write of a
  // run that knew it; nothing before that.
  Result<std::optional<std::string>> estate();
  Status setEstate(const std::string& estate);

  // The API keys' audit (state/store_keys.cpp). `key` empty: every key.
  Status recordKeyEvent(int64_t runId, const std::string& key, const std::string& event,
                        const std::string& detail);
  Result<std::vector<KeyEvent>> keyEvents(const std::string& key);

  // Qdrant JWTs issued and not revoked (state/store_tokens.cpp).
  Status recordIssuedToken(const IssuedToken& token);
  Status markTokenRevoked(const std::string& jti);
  Result<std::vector<IssuedToken>> liveTokens(const std::string& server);  // oldest first

  // Suspensions (state/store_suspensions.cpp), by KIND/NAME. resume says whether there was one.
  Status suspend(const Suspension& s);
  Result<bool> resume(const std::string& resource);
  Result<std::map<std::string, Suspension>> suspensions();

  // The daemon's per-resource back-off after failures (state/store_backoff.cpp), by KIND/NAME.
  Status putBackoff(const std::string& resource, const Backoff& backoff);
  Status clearBackoff(const std::string& resource);
  Result<std::map<std::string, Backoff>> backoffs();

 private:
  Store(std::unique_ptr<sql::Connection> db, Clock& clock);
  Status migrate();
  Result<std::vector<ActionRecord>> actionRows(const std::string& where, const std::string& key,
                                               int limit);

  std::unique_ptr<sql::Connection> db_;
  Clock& clock_;
  bool readOnly_ = false;
  bool inBatch_ = false;
  std::string ephemeralSalt_;  // a read-only store without a salt: one for this process only
};

std::string describeLock(const LockInfo& lock);

}  // namespace hx
