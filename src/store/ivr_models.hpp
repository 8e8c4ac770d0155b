#pragma once
// Plain records of the IVR's configuration (flows and their published versions, calendars,
// prompts, data sources, the built-in self-service table) and of what IVR calls leave behind
// (voice messages, survey ratings, the IVR part of a call record).
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "store/models.hpp"

namespace hotline::store {

// An IVR flow as the designer edits it. The graph is JSON text whose model lives in src/ivr;
// calls run a published version (IvrFlowVersion), never the draft.
struct IvrFlow {
  Id id = 0;
  std::string name;  // unique; what inbound routes and "go to flow" nodes name
  std::string description;
  std::string draft = "{}";  // JSON graph being edited
  EpochMs draft_updated_at = 0;
  std::optional<Id> draft_updated_by;    // user
  std::optional<int> published_version;  // the version new calls start with; none yet
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// One published graph of a flow. Immutable: the schema refuses updates.
struct IvrFlowVersion {
  Id id = 0;
  Id flow_id = 0;
  std::string flow_name;           // read-only, joined
  int version = 0;                 // 1, 2, ... per flow
  std::string graph;               // JSON
  std::optional<Id> published_by;  // user
  EpochMs published_at = 0;
  std::string note;
};

// A flow's test version: its draft as it was test-published, which the bureau's own phones
// reach with the test code ("*77" + flow id) before the flow is published. At most one per
// flow; the next test-publish replaces it; withdrawn by the admin or removed with the flow.
struct IvrFlowTest {
  Id flow_id = 0;
  std::string flow_name;           // read-only, joined
  std::string graph;               // JSON
  std::optional<Id> published_by;  // user
  EpochMs published_at = 0;
};

// A working calendar (weekly hours plus dated exceptions); the definition's model lives in
// src/ivr.
struct IvrCalendar {
  Id id = 0;
  std::string name;  // unique, e.g. "default"
  std::string description;
  std::string definition = "{}";  // JSON
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// A prompt: an uploaded recording or speech generated from text.
struct Prompt {
  Id id = 0;
  std::string name;            // unique, e.g. "welcome"
  std::string kind = "audio";  // audio | tts
  std::string text;            // tts: what is spoken (required); audio: optional transcript
  std::string file;            // relative to the data dir; required for audio
  std::int64_t duration_ms = 0;
  std::string sha256;            // of the file's bytes
  std::optional<Id> created_by;  // user
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// Where a self-service query looks: the built-in table (self_service_records) or an HTTP
// JSON service; config is JSON whose model lives in src/ivr.
struct DataSource {
  Id id = 0;
  std::string name;            // unique; what data_query nodes name
  std::string kind = "table";  // table | http
  std::string config = "{}";
  bool enabled = true;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// One row of a "table" data source. The ID number never reaches the store in clear:
// lookup_key is a keyed hash computed by the caller and id_sealed its SecretBox output.
struct SelfServiceRecord {
  Id id = 0;
  Id data_source_id = 0;
  std::string lookup_key;     // keyed hash of the ID number
  std::string id_sealed;      // SecretBox("v1:...") of the ID number, for the admin view
  std::string fields = "{}";  // JSON object: status, expected_date, ...
  EpochMs updated_at = 0;
};

// A voice message left in the IVR, for agents to call back.
struct VoiceMessage {
  Id id = 0;
  Id call_id = 0;
  std::string call_uuid;  // read-only, joined
  std::string caller;     // number to call back (personal data: masked on output)
  std::string flow;       // name of the flow that took it
  std::string file;       // relative to the data dir
  std::int64_t duration_ms = 0;
  std::string status = "new";    // new | in_progress | done
  std::optional<Id> handled_by;  // user
  std::string note;
  EpochMs created_at = 0;  // 0 on create: now
  EpochMs updated_at = 0;
};

struct VoiceMessageFilter {
  std::optional<std::string> status;  // exact
  std::optional<EpochMs> from;        // created_at, inclusive
  std::optional<EpochMs> to;          // created_at, exclusive
  std::optional<std::string> caller;  // exact (the screen pop's "messages from this caller")
};

// The caller's rating of an agent-handled call; one per call.
struct SurveyRating {
  Id id = 0;
  Id call_id = 0;
  std::optional<Id> agent_user_id;  // the agent's account, when known
  std::string agent_extension;      // the extension that handled the call, "" when unknown
  // satisfied | basically_satisfied | dissatisfied | not_rated
  std::string rating = "not_rated";
  EpochMs created_at = 0;  // 0 on create: now
};

struct SurveyFilter {
  std::optional<EpochMs> from;  // created_at, inclusive
  std::optional<EpochMs> to;    // created_at, exclusive
  std::optional<Id> agent_user_id;
  std::optional<std::string> agent_extension;
};

// Counts of ratings for one agent (user id and extension as stored) over a filter.
struct AgentSurveyTally {
  std::optional<Id> agent_user_id;
  std::string agent_extension;
  std::int64_t satisfied = 0;
  std::int64_t basically_satisfied = 0;
  std::int64_t dissatisfied = 0;
  std::int64_t not_rated = 0;

  std::int64_t total() const { return satisfied + basically_satisfied + dissatisfied + not_rated; }
};

// The IVR part of a call record: which flow version ran, the interpreter's path log and how it
// ended. One row per call, rewritten as the call goes on.
struct CallIvr {
  Id call_id = 0;
  std::string flow;  // flow name (kept when the flow is later renamed or deleted)
  std::optional<int> flow_version;
  std::string path = "[]";  // JSON path log (personal numbers already masked by the interpreter)
  // self_served | queued | transferred | message | abandoned | ... (open: set by src/ivr)
  std::string outcome = "in_progress";
  bool self_served = false;
  std::string id_sealed;  // SecretBox output of an ID number keyed in the call, "" when none
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// How many IVR calls ended one way, for reports (self-served versus sent to agents).
struct IvrOutcomeCount {
  std::string outcome;
  std::int64_t calls = 0;
  std::int64_t self_served = 0;  // of those, marked self-served
};

}  // namespace hotline::store
