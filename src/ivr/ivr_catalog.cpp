#include "ivr/ivr_catalog.hpp"

#include "ivr/flow_json.hpp"
#include "ivr/http_json_source.hpp"
#include "ivr/table_source.hpp"
#include "store/calendar_repository.hpp"
#include "store/data_source_repository.hpp"
#include "store/ivr_flow_repository.hpp"
#include "store/prompt_repository.hpp"

namespace hotline::ivr {

std::string test_dial_code(store::Id flow_id) {
  return std::string(kTestCodePrefix) + std::to_string(flow_id);
}

const Flow* IvrCatalog::flow(const std::string& name) const {
  const auto found = flows.find(name);
  return found == flows.end() ? nullptr : found->second.get();
}

namespace {

void load_flows(store::Database& db, IvrCatalog& catalog, Status& status) {
  store::IvrFlowRepository repository(db);
  auto flows = repository.list();
  if (!flows) {
    status = flows.error();
    return;
  }
  for (const auto& flow : *flows) {
    if (!flow.published_version) continue;
    auto published = repository.published(flow.name);
    if (!published) {
      status = published.error();
      return;
    }
    if (!*published) continue;
    auto json = nlohmann::json::parse((*published)->graph, nullptr, false);
    auto parsed = parse_flow(json);
    if (!parsed.ok()) {
      catalog.problems.push_back("flow " + flow.name + ": " + parsed.status().error().message);
      continue;
    }
    parsed.flow->name = flow.name;
    parsed.flow->version = (*published)->version;
    catalog.flows[flow.name] = std::make_shared<const Flow>(std::move(*parsed.flow));
  }
  auto tests = repository.test_versions();
  if (!tests) {
    status = tests.error();
    return;
  }
  for (const auto& test : *tests) {
    auto json = nlohmann::json::parse(test.graph, nullptr, false);
    auto parsed = parse_flow(json);
    if (!parsed.ok()) {
      catalog.problems.push_back("test version of flow " + test.flow_name + ": " +
                                 parsed.status().error().message);
      continue;
    }
    parsed.flow->name = test.flow_name;
    parsed.flow->version = 0;
    catalog.test_flows[test.flow_id] = std::make_shared<const Flow>(std::move(*parsed.flow));
  }
}

void load_calendars(store::Database& db, IvrCatalog& catalog, Status& status) {
  auto calendars = store::CalendarRepository(db).list();
  if (!calendars) {
    status = calendars.error();
    return;
  }
  for (const auto& calendar : *calendars) {
    auto calendar_json = nlohmann::json::parse(calendar.definition, nullptr, false);
    auto parsed = WorkingCalendar::from_json(calendar_json);
    if (!parsed) {
      catalog.problems.push_back("calendar " + calendar.name + ": " + parsed.error().message);
      continue;
    }
    catalog.calendars.emplace(calendar.name, std::move(*parsed));
  }
}

void load_sources(store::Database& db, const SecretBox& secrets, boost::asio::thread_pool& workers,
                  IvrCatalog& catalog, Status& status) {
  auto sources = store::DataSourceRepository(db).list();
  if (!sources) {
    status = sources.error();
    return;
  }
  for (const auto& source : *sources) {
    if (!source.enabled) continue;
    auto config = nlohmann::json::parse(source.config, nullptr, false);
    if (source.kind == "table") {
      auto parsed = parse_table_source_config(config, source.id);
      if (!parsed) {
        catalog.problems.push_back("data source " + source.name + ": " + parsed.error().message);
        continue;
      }
      catalog.sources[source.name] =
          std::make_shared<TableSource>(std::move(*parsed), db, secrets, workers);
    } else {
      auto http = HttpJsonSource::from_json(config);
      if (!http) {
        catalog.problems.push_back("data source " + source.name + ": " + http.error().message);
        continue;
      }
      catalog.sources[source.name] = std::shared_ptr<DataSource>(std::move(*http));
    }
  }
}

}  // namespace

Result<std::shared_ptr<IvrCatalog>> load_ivr_catalog(store::Database& db, const SecretBox& secrets,
                                                     boost::asio::thread_pool& workers) {
  auto catalog = std::make_shared<IvrCatalog>();
  Status status = ok_status();
  load_flows(db, *catalog, status);
  if (status) load_calendars(db, *catalog, status);
  if (status) {
    auto prompts = store::PromptRepository(db).list();
    if (!prompts) {
      status = prompts.error();
    } else {
      for (auto& prompt : *prompts) catalog->prompts.emplace(prompt.name, std::move(prompt));
    }
  }
  if (status) load_sources(db, secrets, workers, *catalog, status);
  if (!status) return status.error();
  return catalog;
}

}  // namespace hotline::ivr
