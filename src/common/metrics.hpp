#pragma once
// Prometheus-style metrics registry shared by all modules; rendered at GET /metrics.
// Thread-safe; label values must not contain personal data.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hotline {

using Labels = std::map<std::string, std::string>;

class Metrics {
 public:
  void describe(const std::string& name, const std::string& type, const std::string& help);
  void counter_add(const std::string& name, const Labels& labels, double delta = 1.0);
  void gauge_set(const std::string& name, const Labels& labels, double value);
  void gauge_add(const std::string& name, const Labels& labels, double delta);
  // Histogram with the given upper bounds (seconds for latencies); buckets fixed on first use.
  void histogram_observe(const std::string& name, const Labels& labels, double value,
                         const std::vector<double>& bounds);
  // Prometheus text exposition format 0.0.4.
  std::string render() const;
};

}  // namespace hotline
