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

 private:
  struct Histogram {
    std::vector<std::uint64_t> bucket_counts;  // per bound, not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string type;  // counter, gauge or histogram
    std::string help;
    std::map<Labels, double> values;  // counters and gauges
    std::vector<double> bounds;       // histograms: sorted, fixed on first use
    std::map<Labels, Histogram> histograms;
  };

  Family& family(const std::string& name, const char* type_if_new);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;  // ordered so the output is stable
};

}  // namespace hotline
