// Leader election for daemons sharing a PostgreSQL store (issue 21): one lease in the store
// (Store::tryLease). The leader renews it every third of its duration; a standby tries to take it
// as often, and does once it expires or is released. A leader that cannot renew for a whole
// duration, or finds another holder, has lost it: it stops acting and rejoins as a standby. Its
// writes are fenced meanwhile (Store::fencedUrl): a paused leader that wakes cannot write.
#pragma once

#include <memory>
#include <string>

#include "reconciler/clock.h"
#include "state/store.h"

namespace hx {

class Leadership {
 public:
  Leadership(Clock& clock, std::string url, int64_t durationMs);

  // "HOST pid N": who this daemon is, in the lease and the logs.
  const std::string& me() const { return me_; }
  int64_t durationMs() const { return durationMs_; }
  int64_t renewEveryMs() const { return std::max<int64_t>(200, durationMs_ / 3); }

  // One attempt to take (or keep) the lease. True when this daemon leads, in term().
  bool tryLead();
  // The leader's renewal: false once the lease is lost.
  bool renew();
  // On a clean stop: a standby need not wait for the lease to expire.
  void release();

  int64_t term() const { return term_; }
  const std::string& leader() const { return leader_; }  // as last read ("" when none)
  // The store's URL fenced to this daemon's term: what it writes through while it leads.
  std::string fencedUrl() const { return Store::fencedUrl(url_, term_); }

 private:
  bool attempt();  // tries to take or keep the lease; true when this daemon holds it

  Clock& clock_;
  std::string url_;
  int64_t durationMs_;
  std::string me_;
  std::unique_ptr<Store> store_;  // the lease's own connection, not fenced
  int64_t term_ = 0;
  std::string leader_;
  int64_t lastRenewedMs_ = 0;
};

}  // namespace hx
