#include "src/daemon/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace hx {

namespace {

std::string escapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  // The shortest form that reads back as the same double (0.1, not 0.10000000000000001).
  char buf[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// {a="x",b="y"} with the format's escapes; "" for no labels.
std::string renderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + escapeLabel(labels[i].second) + "\"";
  }
  return out + "}";
}

// Rendered labels with one more label appended: {a="x",le="0.1"}.
std::string withSuffix(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

}  // namespace

std::vector<double> MetricsRegistry::defaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name) {
  auto it = families_.find(name);
  // A typo in a metric name is a programming error; failing loudly in tests is the point.
  if (it == families_.end()) throw std::logic_error("metric not described: " + name);
  return it->second;
}

void MetricsRegistry::describe(const std::string& name, Family family) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!families_.count(name)) order_.push_back(name);
  families_[name] = std::move(family);
}

void MetricsRegistry::counter(const std::string& name, const std::string& help) {
  describe(name, Family{"counter", help, {}, {}, {}});
}

void MetricsRegistry::gauge(const std::string& name, const std::string& help) {
  describe(name, Family{"gauge", help, {}, {}, {}});
}

void MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                std::vector<double> buckets) {
  describe(name, Family{"histogram", help, std::move(buckets), {}, {}});
}

void MetricsRegistry::add(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  family(name).values[renderLabels(labels)] += delta;
}

void MetricsRegistry::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  family(name).values[renderLabels(labels)] = value;
}

void MetricsRegistry::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = family(name);
  Histogram& h = f.histograms[renderLabels(labels)];
  if (h.counts.empty()) h.counts.assign(f.buckets.size(), 0);
  for (size_t i = 0; i < f.buckets.size(); ++i)
    if (value <= f.buckets[i]) {
      h.counts[i] += 1;
      break;
    }
  h.sum += value;
  h.count += 1;
}

void MetricsRegistry::reset(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  family(name).values.clear();
}

std::string MetricsRegistry::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  for (const auto& name : order_) {
    const Family& f = families_.at(name);
    out << "# HELP " << name << " " << f.help << "\n# TYPE " << name << " " << f.type << "\n";
    for (const auto& [labels, v] : f.values) out << name << labels << " " << number(v) << "\n";
    for (const auto& [labels, h] : f.histograms) {
      double cumulative = 0;
      for (size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += h.counts[i];
        out << name << "_bucket" << withSuffix(labels, "le=\"" + number(f.buckets[i]) + "\"") << " "
            << number(cumulative) << "\n";
      }
      out << name << "_bucket" << withSuffix(labels, "le=\"+Inf\"") << " " << number(h.count)
          << "\n";
      out << name << "_sum" << labels << " " << number(h.sum) << "\n";
      out << name << "_count" << labels << " " << number(h.count) << "\n";
    }
  }
  return out.str();
}

}  // namespace hx
