// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format (version 0.0.4). Thread-safe: the daemon's loop writes, the HTTP
// server reads.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hx {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  // Every family is described once before use; the order of description is the order shown.
  void counter(const std::string& name, const std::string& help);
  void gauge(const std::string& name, const std::string& help);
  void histogram(const std::string& name, const std::string& help, std::vector<double> buckets);

  void add(const std::string& name, const Labels& labels, double delta = 1);
  void set(const std::string& name, const Labels& labels, double value);
  void observe(const std::string& name, const Labels& labels, double value);
  // Drops every series of a gauge family (before setting the ones that exist now).
  void reset(const std::string& name);

  std::string render() const;

  // controller-runtime's reconcile-time buckets, in seconds.
  static std::vector<double> defaultBuckets();

 private:
  struct Histogram {
    std::vector<double> counts;  // per bucket, not cumulative
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string type, help;
    std::vector<double> buckets;
    std::map<std::string, double> values;         // rendered labels -> value
    std::map<std::string, Histogram> histograms;  // rendered labels -> histogram
  };
  Family& family(const std::string& name);
  void describe(const std::string& name, Family family);

  mutable std::mutex mu_;
  std::vector<std::string> order_;          // guarded by mu_
  std::map<std::string, Family> families_;  // guarded by mu_
};

}  // namespace hx
