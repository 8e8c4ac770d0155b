// Migration 3: carrier trunks, inbound number routes, outbound dial rules, call records (CDRs),
// the append-only call event log and recording metadata.
#include "store/schema_telephony.hpp"

namespace hotline::store {

Migration telephony_migration() {
  return {3,
          "telephony",
          {
              // addresses and numbers are JSON arrays of strings; password_sealed is SecretBox
              // output ("v1:...") or '' when there is no password.
              "CREATE TABLE trunks ("
              " id {ID},"
              " name TEXT NOT NULL UNIQUE,"
              " kind TEXT NOT NULL CHECK (kind IN ('ip_peer', 'registration')),"
              " enabled INTEGER NOT NULL DEFAULT 1,"
              " addresses TEXT NOT NULL DEFAULT '[]',"
              " proxy TEXT NOT NULL DEFAULT '',"
              " transport TEXT NOT NULL DEFAULT 'udp' CHECK (transport IN ('udp', 'tcp')),"
              " numbers TEXT NOT NULL DEFAULT '[]',"
              " caller_id TEXT NOT NULL DEFAULT '',"
              " max_channels INTEGER NOT NULL DEFAULT 30,"
              " username TEXT NOT NULL DEFAULT '',"
              " password_sealed TEXT NOT NULL DEFAULT '',"
              " register_expires INTEGER NOT NULL DEFAULT 3600,"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE TABLE inbound_routes ("
              " id {ID},"
              " number TEXT NOT NULL UNIQUE,"
              " destination_type TEXT NOT NULL"
              " CHECK (destination_type IN ('extension', 'ivr', 'queue')),"
              " destination TEXT NOT NULL,"
              " record INTEGER NOT NULL DEFAULT 1,"
              " enabled INTEGER NOT NULL DEFAULT 1,"
              " description TEXT NOT NULL DEFAULT '',"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              // RESTRICT: a trunk cannot disappear from under the rules that send calls to it.
              "CREATE TABLE outbound_rules ("
              " id {ID},"
              " name TEXT NOT NULL,"
              " pattern TEXT NOT NULL,"
              " trunk_id BIGINT NOT NULL REFERENCES trunks(id) ON DELETE RESTRICT,"
              " strip_digits INTEGER NOT NULL DEFAULT 0,"
              " prepend TEXT NOT NULL DEFAULT '',"
              " priority INTEGER NOT NULL DEFAULT 100,"
              " enabled INTEGER NOT NULL DEFAULT 1,"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE INDEX outbound_rules_trunk ON outbound_rules(trunk_id)",
              // Dispositions and directions are not CHECKed: the call module may add values,
              // and a refused CDR would lose a call's record. trunk_name is copied so that the
              // record still says which trunk after the trunk is deleted (trunk_id: SET NULL).
              // recording_id has no foreign key: recordings reference calls, not both ways.
              "CREATE TABLE calls ("
              " id {ID},"
              " uuid TEXT NOT NULL UNIQUE,"
              " direction TEXT NOT NULL,"
              " caller TEXT NOT NULL DEFAULT '',"
              " callee TEXT NOT NULL DEFAULT '',"
              " did TEXT NOT NULL DEFAULT '',"
              " trunk_id BIGINT REFERENCES trunks(id) ON DELETE SET NULL,"
              " trunk_name TEXT NOT NULL DEFAULT '',"
              " route TEXT NOT NULL DEFAULT '',"
              " answered_by TEXT NOT NULL DEFAULT '',"
              " offered_at BIGINT NOT NULL,"
              " ringing_at BIGINT,"
              " answered_at BIGINT,"
              " ended_at BIGINT,"
              " disposition TEXT NOT NULL DEFAULT 'active',"
              " cause TEXT NOT NULL DEFAULT '',"
              " hangup_side TEXT NOT NULL DEFAULT '',"
              " recording_id BIGINT,"
              " caller_loss_percent {DOUBLE},"
              " caller_jitter_ms {DOUBLE},"
              " callee_loss_percent {DOUBLE},"
              " callee_jitter_ms {DOUBLE},"
              " legs_json TEXT NOT NULL DEFAULT '[]')",
              "CREATE INDEX calls_offered_at ON calls(offered_at)",
              "CREATE INDEX calls_disposition ON calls(disposition)",
              "CREATE INDEX calls_answered_by ON calls(answered_by)",
              "CREATE TABLE call_events ("
              " id {ID},"
              " call_id BIGINT NOT NULL REFERENCES calls(id),"
              " at BIGINT NOT NULL,"
              " type TEXT NOT NULL,"
              " detail_json TEXT NOT NULL DEFAULT '{}')",
              "CREATE INDEX call_events_call ON call_events(call_id, at)",
              "CREATE TABLE recordings ("
              " id {ID},"
              " call_id BIGINT NOT NULL REFERENCES calls(id),"
              " path TEXT NOT NULL,"
              " format TEXT NOT NULL,"
              " mime_type TEXT NOT NULL,"
              " started_at BIGINT NOT NULL,"
              " duration_ms BIGINT NOT NULL DEFAULT 0,"
              " bytes BIGINT NOT NULL DEFAULT 0,"
              " sha256 TEXT NOT NULL DEFAULT '',"
              " created_at BIGINT NOT NULL)",
              "CREATE INDEX recordings_started_at ON recordings(started_at)",
              "CREATE INDEX recordings_call ON recordings(call_id)",
          },
          // Call events are evidence (reports and KPIs are computed from them): append-only
          // in the database itself, like the audit log.
          {
              "CREATE TRIGGER call_events_no_update BEFORE UPDATE ON call_events "
              "BEGIN SELECT RAISE(ABORT, 'call_events is append-only'); END",
              "CREATE TRIGGER call_events_no_delete BEFORE DELETE ON call_events "
              "BEGIN SELECT RAISE(ABORT, 'call_events is append-only'); END",
          },
          {
              "CREATE FUNCTION call_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
              "$$ BEGIN RAISE EXCEPTION 'call_events is append-only'; END $$",
              "CREATE TRIGGER call_events_no_change BEFORE UPDATE OR DELETE ON call_events "
              "FOR EACH ROW EXECUTE FUNCTION call_events_append_only()",
          }};
}

}  // namespace hotline::store
