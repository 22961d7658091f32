// Locks on names rather than on a whole table: a holder takes a set of names at once (all or
// none, so two holders can never wait on each other in a cycle), and only holders whose sets
// meet wait for one another.
#pragma once

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>

namespace hx {

class KeyedLocks {
 public:
  class Held {
   public:
    Held(KeyedLocks& locks, std::set<std::string> names) : locks_(locks), names_(std::move(names)) {
      std::unique_lock<std::mutex> lock(locks_.mu_);
      locks_.freed_.wait(lock, [&] {
        for (const auto& n : names_)
          if (locks_.held_.count(n)) return false;
        return true;
      });
      locks_.held_.insert(names_.begin(), names_.end());
    }
    ~Held() {
      {
        std::lock_guard<std::mutex> lock(locks_.mu_);
        for (const auto& n : names_) locks_.held_.erase(n);
      }
      locks_.freed_.notify_all();
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    const std::set<std::string>& names() const { return names_; }

   private:
    KeyedLocks& locks_;
    std::set<std::string> names_;
  };

 private:
  std::mutex mu_;
  std::condition_variable freed_;
  std::set<std::string> held_;
};

}  // namespace hx
