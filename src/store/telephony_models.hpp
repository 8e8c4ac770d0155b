#pragma once
// Plain records of the telephony configuration (trunks, inbound numbers, outbound rules) and
// of what calls leave behind (call records, call events, recordings).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "store/models.hpp"

namespace hotline::store {

// A carrier trunk. `ip_peer`: the carrier sends from `addresses` and we send to `proxy`.
// `registration`: hotlined registers to `proxy` as `username` and the carrier sends calls to
// that registration.
struct Trunk {
  Id id = 0;
  std::string name;              // unique, e.g. "demo-carrier"
  std::string kind = "ip_peer";  // ip_peer | registration
  bool enabled = true;
  std::vector<std::string> addresses;  // ip_peer: allowed source IPs or CIDRs ("10.1.2.0/24")
  std::string proxy;                   // "host:port" where outbound calls and REGISTERs go
  std::string transport = "udp";       // udp | tcp
  std::vector<std::string> numbers;    // public numbers (DIDs) delivered by this trunk
  std::string caller_id;               // public number presented on outbound calls
  int max_channels = 30;               // concurrent calls, both directions
  std::string username;                // registration: account at the carrier
  std::string password;                // registration: decrypted; never sent to the browser
  int register_expires = 3600;         // registration: requested lifetime in seconds
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// Where calls to a public number (DID) go.
struct InboundRoute {
  Id id = 0;
  std::string number;                          // the DID, digits only, unique
  std::string destination_type = "extension";  // extension | ivr | queue
  std::string destination;                     // extension number, flow name or queue name
  bool record = true;                          // record answered calls
  bool enabled = true;
  std::string description;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// Which dialled numbers may leave through which trunk (toll-fraud protection: nothing leaves
// unless a rule allows it). `pattern` uses the dial-plan notation: digits match themselves,
// X any digit, Z 1-9, N 2-9, [1-5] a range or set, a trailing '.' one or more further digits.
struct OutboundRule {
  Id id = 0;
  std::string name;
  std::string pattern;  // e.g. "1[3-9]XXXXXXXXX" (mobiles), "0XXXXXXXXX." (long distance)
  Id trunk_id = 0;
  std::string trunk_name;  // read-only, joined
  int strip_digits = 0;    // removed from the front before sending
  std::string prepend;     // added to the front after stripping
  int priority = 100;      // lower first
  bool enabled = true;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// One party's side of a call as kept in the call record.
struct CallLegRecord {
  std::string role;         // caller | callee | transfer | monitor
  std::string party;        // number or extension
  std::string kind;         // trunk | extension
  std::string contact;      // SIP target or source "host:port"
  std::string sip_call_id;  // the leg's Call-ID
  EpochMs started_at = 0;
  std::optional<EpochMs> answered_at;
  std::optional<EpochMs> ended_at;
  int final_status = 0;                // SIP status that ended the leg's INVITE (0: none)
  std::optional<double> loss_percent;  // media quality from RTP/RTCP at the end
  std::optional<double> jitter_ms;
};

// The call record (CDR). Written when the call is offered and completed when it ends.
struct CallRecord {
  Id id = 0;
  std::string uuid;       // our call identifier, shown to users
  std::string direction;  // inbound | internal | outbound
  std::string caller;     // calling number / extension (personal data: masked on output)
  std::string callee;     // dialled number / extension
  std::string did;        // inbound: the public number dialled; empty otherwise
  std::optional<Id> trunk_id;
  std::string trunk_name;
  std::string route;        // e.g. "did:84038437 -> extension:1001"
  std::string answered_by;  // extension that answered
  EpochMs offered_at = 0;
  std::optional<EpochMs> ringing_at;
  std::optional<EpochMs> answered_at;
  std::optional<EpochMs> ended_at;
  // active | answered | no_answer | busy | cancelled | rejected | failed | blocked
  std::string disposition = "active";
  std::string cause;        // precise cause, e.g. "sip:486 Busy Here", "caller_cancel"
  std::string hangup_side;  // caller | callee | system | ""
  std::optional<Id> recording_id;
  std::optional<double> caller_loss_percent;
  std::optional<double> caller_jitter_ms;
  std::optional<double> callee_loss_percent;
  std::optional<double> callee_jitter_ms;
  std::vector<CallLegRecord> legs;

  std::optional<std::int64_t> talk_ms() const {
    if (!answered_at || !ended_at) return std::nullopt;
    return *ended_at - *answered_at;
  }
};

// One state change of a call, append-only (the schema refuses updates and deletes).
struct CallEvent {
  Id id = 0;
  Id call_id = 0;
  EpochMs at = 0;
  std::string type;  // offered, routed, ringing, early_media, answered, hold, unhold,
                     // transfer, ended, recording_started, ...
  std::string detail_json = "{}";
};

struct CallFilter {
  std::optional<EpochMs> from;             // offered_at, inclusive
  std::optional<EpochMs> to;               // offered_at, exclusive
  std::optional<std::string> number;       // substring of caller, callee or did
  std::optional<std::string> extension;    // answered_by or an extension party, exact
  std::optional<std::string> disposition;  // exact
  std::optional<std::string> direction;    // exact
};

struct Recording {
  Id id = 0;
  Id call_id = 0;
  std::string call_uuid;  // read-only, joined
  std::string caller;     // read-only, joined from the call (masked on output)
  std::string callee;     // read-only, joined
  std::string path;       // relative to the data dir, e.g. "recordings/2026/11/28/<uuid>.mp3"
  std::string format;     // wav | mp3 | opus
  std::string mime_type;  // audio/wav, audio/mpeg, audio/ogg
  EpochMs started_at = 0;
  std::int64_t duration_ms = 0;
  std::int64_t bytes = 0;
  std::string sha256;
  EpochMs created_at = 0;
};

struct RecordingFilter {
  std::optional<EpochMs> from;           // started_at, inclusive
  std::optional<EpochMs> to;             // exclusive
  std::optional<std::string> number;     // substring of the call's caller or callee
  std::optional<std::string> extension;  // the call's answered_by
};

}  // namespace hotline::store
