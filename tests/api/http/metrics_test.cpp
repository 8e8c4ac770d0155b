#include "common/metrics.hpp"

#include <gtest/gtest.h>

namespace hotline {
namespace {

TEST(Metrics, RendersPrometheusTextExactly) {
  Metrics metrics;
  metrics.describe("app_requests_total", "counter", "Requests\nserved \\ all");
  metrics.counter_add("app_requests_total", {{"route", "/a"}, {"method", "GET"}});
  metrics.counter_add("app_requests_total", {{"route", "/a"}, {"method", "GET"}}, 2);
  metrics.counter_add("app_requests_total", {{"route", "say \"hi\"\n\\"}, {"method", "POST"}});
  metrics.describe("app_queue_depth", "gauge", "Calls waiting");
  metrics.gauge_set("app_queue_depth", {}, 3);
  metrics.gauge_add("app_queue_depth", {}, -1.5);
  metrics.describe("app_latency_seconds", "histogram", "Latency");
  metrics.histogram_observe("app_latency_seconds", {{"route", "/a"}}, 0.05, {0.1, 0.5, 1});
  metrics.histogram_observe("app_latency_seconds", {{"route", "/a"}}, 0.5, {0.1, 0.5, 1});
  metrics.histogram_observe("app_latency_seconds", {{"route", "/a"}}, 3, {0.1, 0.5, 1});

  const std::string expected =
      "# HELP app_latency_seconds Latency\n"
      "# TYPE app_latency_seconds histogram\n"
      "app_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"
      "app_latency_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"
      "app_latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"
      "app_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"
      "app_latency_seconds_sum{route=\"/a\"} 3.55\n"
      "app_latency_seconds_count{route=\"/a\"} 3\n"
      "# HELP app_queue_depth Calls waiting\n"
      "# TYPE app_queue_depth gauge\n"
      "app_queue_depth 1.5\n"
      "# HELP app_requests_total Requests\\nserved \\\\ all\n"
      "# TYPE app_requests_total counter\n"
      "app_requests_total{method=\"GET\",route=\"/a\"} 3\n"
      "app_requests_total{method=\"POST\",route=\"say \\\"hi\\\"\\n\\\\\"} 1\n";
  EXPECT_EQ(metrics.render(), expected);
}

TEST(Metrics, UndescribedSeriesGetATypeLine) {
  Metrics metrics;
  metrics.counter_add("jobs_total", {});
  EXPECT_EQ(metrics.render(), "# TYPE jobs_total counter\njobs_total 1\n");
}

TEST(Metrics, CountersNeverDecrease) {
  Metrics metrics;
  metrics.counter_add("jobs_total", {}, 2);
  metrics.counter_add("jobs_total", {}, -1);
  EXPECT_EQ(metrics.render(), "# TYPE jobs_total counter\njobs_total 2\n");
}

TEST(Metrics, HistogramBucketsAreFixedOnFirstUse) {
  Metrics metrics;
  metrics.histogram_observe("h", {}, 1, {2, 1});
  metrics.histogram_observe("h", {{"k", "v"}}, 5, {10, 20, 30});
  const auto text = metrics.render();
  EXPECT_NE(text.find("h_bucket{le=\"1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{k=\"v\",le=\"2\"} 0\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("le=\"10\""), std::string::npos) << text;
}

TEST(Metrics, DescribedButUnusedFamiliesAreOmitted) {
  Metrics metrics;
  metrics.describe("later_total", "counter", "Not yet used");
  EXPECT_EQ(metrics.render(), "");
}

}  // namespace
}  // namespace hotline
