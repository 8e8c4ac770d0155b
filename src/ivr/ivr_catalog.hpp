#pragma once
// What IVR calls read while they run, kept in memory: the published version of every flow,
// the flows' test versions, the working calendars, the prompts and the data sources. Loaded
// from the database off the control thread and swapped in whole when an admin changes
// something ("ivr.changed"), so a call never waits for the database; a call keeps the flow
// version it started with.
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "common/secret_box.hpp"
#include "ivr/data_source.hpp"
#include "ivr/flow_model.hpp"
#include "ivr/working_calendar.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::ivr {

// Test-publish: the bureau's own phones (registered extensions, never trunk callers) dial
// kTestCodePrefix + a flow's id ("*7712") to run that flow's test version; CallService hands
// such calls to the IVR with the target kTestTargetPrefix + id ("test:12").
inline constexpr std::string_view kTestCodePrefix = "*77";
inline constexpr std::string_view kTestTargetPrefix = "test:";
// What an internal phone dials to hear flow `flow_id`'s test version.
std::string test_dial_code(store::Id flow_id);

struct IvrCatalog {
  std::map<std::string, std::shared_ptr<const Flow>> flows;  // published versions, by name
  // Test versions by flow id (their name is the flow's; version 0: they have no number).
  std::map<store::Id, std::shared_ptr<const Flow>> test_flows;
  std::map<std::string, WorkingCalendar> calendars;
  std::map<std::string, store::Prompt> prompts;
  std::map<std::string, std::shared_ptr<DataSource>> sources;  // enabled ones
  std::vector<std::string> problems;  // what could not be loaded (logged; the rest works)

  const Flow* flow(const std::string& name) const;
};

// Reads everything; one broken flow, calendar or source is reported in `problems` and left
// out, the rest loads. Errors: the database could not be read at all.
Result<std::shared_ptr<IvrCatalog>> load_ivr_catalog(store::Database& db, const SecretBox& secrets,
                                                     boost::asio::thread_pool& workers);

}  // namespace hotline::ivr
