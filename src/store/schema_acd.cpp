// Migration 5: the ACD. Queue names are the keys flows and routes use (an IVR queue node names
// a queue), so visits, callbacks and missed calls keep the name as text: history stays readable
// after a queue is renamed or removed. Users are never deleted (they are disabled).
#include "store/schema_acd.hpp"

namespace hotline::store {

Migration acd_migration() {
  return {5,
          "acd",
          {
              "CREATE TABLE queues ("
              " id {ID},"
              " name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
              " display_name TEXT NOT NULL DEFAULT '',"
              " strategy TEXT NOT NULL DEFAULT 'longest_idle' CHECK (strategy IN ("
              "'longest_idle', 'round_robin', 'fewest_calls', 'least_talk_time', 'ring_all',"
              " 'skills')),"
              " tier_wait_seconds INTEGER NOT NULL DEFAULT 30 CHECK (tier_wait_seconds >= 0),"
              " ring_timeout_seconds INTEGER NOT NULL DEFAULT 15"
              " CHECK (ring_timeout_seconds BETWEEN 5 AND 120),"
              " wrap_up_seconds INTEGER NOT NULL DEFAULT 30"
              " CHECK (wrap_up_seconds BETWEEN 0 AND 3600),"
              " max_wait_seconds INTEGER NOT NULL DEFAULT 0 CHECK (max_wait_seconds >= 0),"
              " max_length INTEGER NOT NULL DEFAULT 0 CHECK (max_length >= 0),"
              // Where a call goes past max_wait / max_length: keep waiting (none), another
              // queue, a voice message, or an offer to be called back.
              " overflow_type TEXT NOT NULL DEFAULT 'none'"
              " CHECK (overflow_type IN ('none', 'queue', 'message', 'callback')),"
              " overflow_target TEXT NOT NULL DEFAULT '',"
              " moh_prompt TEXT NOT NULL DEFAULT '',"
              " announce_interval_seconds INTEGER NOT NULL DEFAULT 30"
              " CHECK (announce_interval_seconds >= 0),"
              " announce_position INTEGER NOT NULL DEFAULT 1 CHECK (announce_position IN (0, 1)),"
              " announce_wait INTEGER NOT NULL DEFAULT 1 CHECK (announce_wait IN (0, 1)),"
              " callback_key TEXT NOT NULL DEFAULT ''"
              " CHECK (callback_key IN ('', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',"
              " '*', '#')),"
              " service_level_seconds INTEGER NOT NULL DEFAULT 20"
              " CHECK (service_level_seconds > 0),"
              " service_level_target INTEGER NOT NULL DEFAULT 80"
              " CHECK (service_level_target BETWEEN 1 AND 100),"
              // Wallboard colours: waiting time (seconds) that turns a queue amber, then red.
              " warn_wait_seconds INTEGER NOT NULL DEFAULT 30,"
              " alert_wait_seconds INTEGER NOT NULL DEFAULT 60,"
              " enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE TABLE queue_members ("
              " queue_id BIGINT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
              " user_id BIGINT NOT NULL REFERENCES users(id),"
              " tier INTEGER NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 9),"
              " level INTEGER NOT NULL DEFAULT 5 CHECK (level BETWEEN 1 AND 10),"
              " PRIMARY KEY (queue_id, user_id))",
              "CREATE INDEX queue_members_user ON queue_members(user_id)",
              "CREATE TABLE not_ready_reasons ("
              " id {ID},"
              " name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
              " sort_order INTEGER NOT NULL DEFAULT 0,"
              " enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
              " created_at BIGINT NOT NULL)",
              // The state each agent is in now, so a restart resumes it.
              "CREATE TABLE agent_states ("
              " user_id BIGINT PRIMARY KEY REFERENCES users(id),"
              " state TEXT NOT NULL CHECK (state IN ('logged_out', 'ready', 'not_ready',"
              " 'ringing', 'talking', 'wrap_up')),"
              " reason TEXT NOT NULL DEFAULT '',"
              " since BIGINT NOT NULL,"
              " call_uuid TEXT NOT NULL DEFAULT '',"
              " logged_in_at BIGINT,"
              " updated_at BIGINT NOT NULL)",
              // Append-only: every state change, with how long the previous state lasted, so
              // reports can compute login time, occupancy and not-ready time per reason.
              "CREATE TABLE agent_events ("
              " id {ID},"
              " user_id BIGINT NOT NULL REFERENCES users(id),"
              " state TEXT NOT NULL,"
              " previous TEXT NOT NULL,"
              " reason TEXT NOT NULL DEFAULT '',"
              " call_uuid TEXT NOT NULL DEFAULT '',"
              " previous_ms BIGINT NOT NULL DEFAULT 0,"
              " by_user BIGINT REFERENCES users(id),"
              " at BIGINT NOT NULL)",
              "CREATE INDEX agent_events_user_at ON agent_events(user_id, at)",
              "CREATE INDEX agent_events_at ON agent_events(at)",
              // One row per visit of a call (or callback) to a queue, closed with its outcome.
              "CREATE TABLE queue_calls ("
              " id {ID},"
              " call_uuid TEXT NOT NULL,"
              " queue TEXT NOT NULL,"
              " caller TEXT NOT NULL DEFAULT '',"
              " priority INTEGER NOT NULL DEFAULT 0,"
              " entered_at BIGINT NOT NULL,"
              " left_at BIGINT,"
              " outcome TEXT CHECK (outcome IS NULL OR outcome IN ('answered', 'abandoned',"
              " 'overflow', 'callback', 'message', 'failed')),"
              " agent_id BIGINT REFERENCES users(id),"
              " wait_ms BIGINT NOT NULL DEFAULT 0,"
              " offers INTEGER NOT NULL DEFAULT 0)",
              "CREATE INDEX queue_calls_entered ON queue_calls(entered_at)",
              "CREATE INDEX queue_calls_call ON queue_calls(call_uuid)",
              "CREATE INDEX queue_calls_queue ON queue_calls(queue, entered_at)",
              "CREATE TABLE callbacks ("
              " id {ID},"
              " call_uuid TEXT NOT NULL DEFAULT '',"
              " queue TEXT NOT NULL,"
              " number TEXT NOT NULL CHECK (number <> ''),"
              " status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'dialling',"
              " 'completed', 'failed', 'cancelled')),"
              " place_at BIGINT NOT NULL,"
              " attempts INTEGER NOT NULL DEFAULT 0,"
              " agent_id BIGINT REFERENCES users(id),"
              " outcome TEXT NOT NULL DEFAULT '',"
              " callback_call_uuid TEXT NOT NULL DEFAULT '',"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE INDEX callbacks_status ON callbacks(status, place_at)",
              // 漏话: every caller the hotline did not serve, to be followed up.
              "CREATE TABLE missed_calls ("
              " id {ID},"
              " call_uuid TEXT NOT NULL DEFAULT '',"
              " number TEXT NOT NULL DEFAULT '',"
              " lost_in TEXT NOT NULL CHECK (lost_in IN ('ivr', 'queue', 'ringing', 'callback',"
              " 'message')),"
              " queue TEXT NOT NULL DEFAULT '',"
              " wait_ms BIGINT NOT NULL DEFAULT 0,"
              " occurred_at BIGINT NOT NULL,"
              " status TEXT NOT NULL DEFAULT 'open'"
              " CHECK (status IN ('open', 'in_progress', 'called_back', 'closed')),"
              " handled_by BIGINT REFERENCES users(id),"
              " handled_at BIGINT,"
              " note TEXT NOT NULL DEFAULT '',"
              " created_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE INDEX missed_calls_occurred ON missed_calls(occurred_at)",
              "CREATE INDEX missed_calls_status ON missed_calls(status, occurred_at)",
          },
          // Reports are computed from agent_events: the database refuses to rewrite it.
          {
              "CREATE TRIGGER agent_events_no_update BEFORE UPDATE ON agent_events "
              "BEGIN SELECT RAISE(ABORT, 'agent_events is append-only'); END",
              "CREATE TRIGGER agent_events_no_delete BEFORE DELETE ON agent_events "
              "BEGIN SELECT RAISE(ABORT, 'agent_events is append-only'); END",
          },
          {
              "CREATE FUNCTION agent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
              "$$ BEGIN RAISE EXCEPTION 'agent_events is append-only'; END $$",
              "CREATE TRIGGER agent_events_no_change BEFORE UPDATE OR DELETE ON agent_events "
              "FOR EACH ROW EXECUTE FUNCTION agent_events_append_only()",
          }};
}

}  // namespace hotline::store
