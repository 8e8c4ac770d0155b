// Migration 4: the IVR. JSON columns (graphs, definitions, configs, fields, paths) are TEXT whose
// models live in src/ivr. Users are never deleted (they are disabled), so references to users
// need no ON DELETE action.
#include "store/schema_ivr.hpp"

namespace hotline::store {

Migration ivr_migration() {
  return {4,
          "ivr",
          {
              "CREATE TABLE ivr_flows ("
              " id {ID},"
              " name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
              " description TEXT NOT NULL DEFAULT '',"
              " draft TEXT NOT NULL DEFAULT '{}',"
              " draft_updated_at BIGINT NOT NULL,"
              " draft_updated_by BIGINT REFERENCES users(id),"
              " published_version INTEGER,"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              // A call keeps the version it started with, so versions are never rewritten
              // (trigger below); they go only with their flow.
              "CREATE TABLE ivr_flow_versions ("
              " id {ID},"
              " flow_id BIGINT NOT NULL REFERENCES ivr_flows(id) ON DELETE CASCADE,"
              " version INTEGER NOT NULL CHECK (version >= 1),"
              " graph TEXT NOT NULL,"
              " published_by BIGINT REFERENCES users(id),"
              " published_at BIGINT NOT NULL,"
              " note TEXT NOT NULL DEFAULT '',"
              " UNIQUE (flow_id, version))",
              "CREATE TABLE calendars ("
              " id {ID},"
              " name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
              " description TEXT NOT NULL DEFAULT '',"
              " definition TEXT NOT NULL DEFAULT '{}',"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE TABLE prompts ("
              " id {ID},"
              " name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
              " kind TEXT NOT NULL CHECK (kind IN ('audio', 'tts')),"
              " text TEXT NOT NULL DEFAULT '',"
              " file TEXT NOT NULL DEFAULT '',"
              " duration_ms BIGINT NOT NULL DEFAULT 0,"
              " sha256 TEXT NOT NULL DEFAULT '',"
              " created_by BIGINT REFERENCES users(id),"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL,"
              " CHECK ((kind = 'audio' AND file <> '') OR (kind = 'tts' AND text <> '')))",
              "CREATE TABLE data_sources ("
              " id {ID},"
              " name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
              " kind TEXT NOT NULL CHECK (kind IN ('table', 'http')),"
              " config TEXT NOT NULL DEFAULT '{}',"
              " enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              // The built-in table behind "table" data sources. No ID number in clear: the key
              // is a keyed hash and the ID itself is sealed (see docs/ivr_storage.md). The
              // UNIQUE constraint is also the lookup index.
              "CREATE TABLE self_service_records ("
              " id {ID},"
              " data_source_id BIGINT NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,"
              " lookup_key TEXT NOT NULL CHECK (lookup_key <> ''),"
              " id_sealed TEXT NOT NULL DEFAULT '',"
              " fields TEXT NOT NULL DEFAULT '{}',"
              " updated_at BIGINT NOT NULL,"
              " UNIQUE (data_source_id, lookup_key))",
              // A message always comes from a call (the call record exists from the moment the
              // call is offered), hence NOT NULL.
              "CREATE TABLE voice_messages ("
              " id {ID},"
              " call_id BIGINT NOT NULL REFERENCES calls(id),"
              " caller TEXT NOT NULL DEFAULT '',"
              " flow TEXT NOT NULL DEFAULT '',"
              " file TEXT NOT NULL CHECK (file <> ''),"
              " duration_ms BIGINT NOT NULL DEFAULT 0,"
              " status TEXT NOT NULL DEFAULT 'new'"
              " CHECK (status IN ('new', 'in_progress', 'done')),"
              " handled_by BIGINT REFERENCES users(id),"
              " note TEXT NOT NULL DEFAULT '',"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE INDEX voice_messages_created_at ON voice_messages(created_at)",
              "CREATE INDEX voice_messages_status ON voice_messages(status, created_at)",
              "CREATE INDEX voice_messages_call ON voice_messages(call_id)",
              "CREATE TABLE survey_ratings ("
              " id {ID},"
              " call_id BIGINT NOT NULL UNIQUE REFERENCES calls(id),"
              " agent_user_id BIGINT REFERENCES users(id),"
              " agent_extension TEXT NOT NULL DEFAULT '',"
              " rating TEXT NOT NULL CHECK (rating IN"
              " ('satisfied', 'basically_satisfied', 'dissatisfied', 'not_rated')),"
              " created_at BIGINT NOT NULL)",
              "CREATE INDEX survey_ratings_created_at ON survey_ratings(created_at)",
              "CREATE INDEX survey_ratings_agent_user ON survey_ratings(agent_user_id, created_at)",
              "CREATE INDEX survey_ratings_agent_extension"
              " ON survey_ratings(agent_extension, created_at)",
              // outcome is not an enumeration CHECK: the interpreter may add outcomes, and a
              // refused row would lose the call's IVR record (as with calls.disposition).
              "CREATE TABLE call_ivr ("
              " call_id BIGINT PRIMARY KEY REFERENCES calls(id),"
              " flow TEXT NOT NULL,"
              " flow_version INTEGER,"
              " path TEXT NOT NULL DEFAULT '[]',"
              " outcome TEXT NOT NULL CHECK (outcome <> ''),"
              " self_served INTEGER NOT NULL DEFAULT 0 CHECK (self_served IN (0, 1)),"
              " id_sealed TEXT NOT NULL DEFAULT '',"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE INDEX call_ivr_outcome ON call_ivr(outcome)",
          },
          {
              "CREATE TRIGGER ivr_flow_versions_no_update BEFORE UPDATE ON ivr_flow_versions "
              "BEGIN SELECT RAISE(ABORT, 'ivr_flow_versions are immutable'); END",
          },
          {
              "CREATE FUNCTION ivr_flow_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS "
              "$$ BEGIN RAISE EXCEPTION 'ivr_flow_versions are immutable'; END $$",
              "CREATE TRIGGER ivr_flow_versions_no_update BEFORE UPDATE ON ivr_flow_versions "
              "FOR EACH ROW EXECUTE FUNCTION ivr_flow_versions_immutable()",
          }};
}

// Migration 6: test versions. One row per flow at most (flow_id is the key): a test-publish
// replaces it, a withdrawal deletes it, and it goes with its flow. Unlike published versions
// it is not immutable and has no number: calls keep the graph they started with in memory, and
// the call record of a test call names no version.
Migration ivr_test_migration() {
  return {6,
          "ivr_test",
          {
              "CREATE TABLE ivr_flow_tests ("
              " flow_id BIGINT PRIMARY KEY REFERENCES ivr_flows(id) ON DELETE CASCADE,"
              " graph TEXT NOT NULL,"
              " published_by BIGINT REFERENCES users(id),"
              " published_at BIGINT NOT NULL)",
          },
          {},
          {}};
}

}  // namespace hotline::store
