#pragma once
// IVR flows: the draft the designer edits, the immutable published versions calls run and the
// test version internal phones can call before publishing.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class IvrFlowRepository {
 public:
  explicit IvrFlowRepository(Database& db) : db_(db) {}

  Result<std::vector<IvrFlow>> list();  // ordered by name
  Result<std::optional<IvrFlow>> find(Id id);
  Result<std::optional<IvrFlow>> find_by_name(const std::string& name);
  // Name, description and draft of `flow`; draft_updated_by as given. Errors: "conflict" for
  // a duplicate name, "invalid" for an empty name or a draft that is not JSON.
  Result<Id> create(const IvrFlow& flow);
  // Renames or redescribes; the draft is untouched. Errors as create, "not_found", and
  // "conflict" for a rename while inbound routes send calls to the flow by its name.
  Status update_details(Id id, const std::string& name, const std::string& description);
  // Replaces the draft. Errors: "invalid" (not JSON), "not_found".
  Status save_draft(Id id, const std::string& graph, std::optional<Id> by);
  // Deletes the flow, its versions and its test version. Error "conflict" while an inbound
  // route sends calls to it (calls already in it keep their version in memory; their records
  // keep the name).
  Status remove(Id id);

  // In one transaction: stores `graph` as version n+1 (n: the newest so far, 0 when none) and
  // makes it the flow's published version. The graph is validated by src/ivr beforehand.
  // Errors: "invalid" (not JSON), "not_found".
  Result<IvrFlowVersion> publish(Id flow_id, const std::string& graph, std::optional<Id> by,
                                 const std::string& note);
  // The version new calls to `flow_name` start with; nullopt when no such flow or none published.
  Result<std::optional<IvrFlowVersion>> published(const std::string& flow_name);
  // A given version (a call keeps the version it started with).
  Result<std::optional<IvrFlowVersion>> version(const std::string& flow_name, int version);
  // Every version of a flow, newest first.
  Result<std::vector<IvrFlowVersion>> versions(Id flow_id);

  // Test versions (one per flow). Stores `graph` as the flow's test version, replacing the one
  // it had; the graph is validated by src/ivr beforehand. Errors: "invalid" (not JSON),
  // "not_found".
  Result<IvrFlowTest> test_publish(Id flow_id, const std::string& graph, std::optional<Id> by);
  // The flow's test version; nullopt when none (or no such flow).
  Result<std::optional<IvrFlowTest>> test_version(Id flow_id);
  // Every test version, by flow name (the IVR catalog loads them).
  Result<std::vector<IvrFlowTest>> test_versions();
  // Removes the flow's test version: false when it had none.
  Result<bool> withdraw_test(Id flow_id);

 private:
  Database& db_;
};

}  // namespace hotline::store
