#include "api/ivr_entry_points.hpp"

#include <nlohmann/json.hpp>

#include "api/validation.hpp"
#include "store/ivr_flow_repository.hpp"

namespace hotline::api {

std::vector<IvrEntryPoint> ivr_entry_points(store::Database& db) {
  std::vector<IvrEntryPoint> points;
  store::IvrFlowRepository flows(db);
  for (const auto& flow : value_or_throw(flows.list())) {
    if (!flow.published_version) continue;
    const auto published = value_or_throw(flows.published(flow.name));
    if (!published) continue;
    const std::string label = flow.description.empty() ? flow.name : flow.description;
    points.push_back({flow.name, "", "flow", label});
    const auto graph = nlohmann::json::parse(published->graph, nullptr, false);
    if (!graph.is_object() || !graph.contains("nodes") || !graph["nodes"].is_object()) continue;
    for (const auto& [id, node] : graph["nodes"].items()) {
      if (!node.is_object()) continue;
      const auto type = node.value("type", "");
      if (type != "menu" && type != "message") continue;
      points.push_back({flow.name, id, type, label + " · " + node.value("name", id)});
    }
  }
  return points;
}

}  // namespace hotline::api
