#include "common/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace hotline {

namespace {

// Go's ParseFloat (what Prometheus uses) accepts these spellings.
std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(const std::string& help) {
  std::string out;
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="1",b="2"}`, with an optional extra label appended (the histogram's `le`).
std::string format_labels(const Labels& labels, const std::string& extra_name = {},
                          const std::string& extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name + "=\"" + escape_label_value(value) + '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name + "=\"" + escape_label_value(extra_value) + '"';
  }
  return out + "}";
}

}  // namespace

Metrics::Family& Metrics::family(const std::string& name, const char* type_if_new) {
  auto& entry = families_[name];
  if (entry.type.empty()) entry.type = type_if_new;
  return entry;
}

void Metrics::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& entry = families_[name];
  entry.type = type;
  entry.help = help;
}

void Metrics::counter_add(const std::string& name, const Labels& labels, double delta) {
  if (!(delta >= 0)) return;  // counters only go up; also drops NaN
  std::lock_guard lock(mutex_);
  family(name, "counter").values[labels] += delta;
}

void Metrics::gauge_set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  family(name, "gauge").values[labels] = value;
}

void Metrics::gauge_add(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard lock(mutex_);
  family(name, "gauge").values[labels] += delta;
}

void Metrics::histogram_observe(const std::string& name, const Labels& labels, double value,
                                const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& entry = family(name, "histogram");
  if (entry.bounds.empty() && entry.histograms.empty()) {
    entry.bounds = bounds;
    std::sort(entry.bounds.begin(), entry.bounds.end());
    entry.bounds.erase(std::unique(entry.bounds.begin(), entry.bounds.end()), entry.bounds.end());
  }
  auto& histogram = entry.histograms[labels];
  histogram.bucket_counts.resize(entry.bounds.size());
  const auto bucket = std::lower_bound(entry.bounds.begin(), entry.bounds.end(), value);
  if (bucket != entry.bounds.end()) ++histogram.bucket_counts[bucket - entry.bounds.begin()];
  ++histogram.count;
  histogram.sum += value;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, entry] : families_) {
    if (entry.values.empty() && entry.histograms.empty()) continue;
    if (!entry.help.empty()) out += "# HELP " + name + ' ' + escape_help(entry.help) + '\n';
    out += "# TYPE " + name + ' ' + entry.type + '\n';
    for (const auto& [labels, value] : entry.values)
      out += name + format_labels(labels) + ' ' + format_value(value) + '\n';
    for (const auto& [labels, histogram] : entry.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < entry.bounds.size(); ++i) {
        cumulative += histogram.bucket_counts[i];
        out += name + "_bucket" + format_labels(labels, "le", format_value(entry.bounds[i])) + ' ' +
               std::to_string(cumulative) + '\n';
      }
      out += name + "_bucket" + format_labels(labels, "le", "+Inf") + ' ' +
             std::to_string(histogram.count) + '\n';
      out += name + "_sum" + format_labels(labels) + ' ' + format_value(histogram.sum) + '\n';
      out += name + "_count" + format_labels(labels) + ' ' + std::to_string(histogram.count) + '\n';
    }
  }
  return out;
}

}  // namespace hotline
