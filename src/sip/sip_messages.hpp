#pragma once
// Plain structs passed between the sofia-sip thread and the control thread. They copy what
// the control thread needs out of sofia's message, so no sofia object crosses threads.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"

namespace hotline::sip {

// Where a message came from (the observed source, not what its headers claim).
struct SourceAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string transport;  // "udp" | "tcp"

  std::string host_port() const;
};

// "HOST:PORT" or "[v6]:PORT" (as SourceAddress::host_port() writes it) back to an address.
std::optional<SourceAddress> parse_source(const std::string& host_port,
                                          const std::string& transport);

struct ContactEntry {
  std::string uri;             // e.g. "sip:1001@192.168.1.20:5062;transport=udp"
  std::string host;            // host part of the URI
  std::uint16_t port = 0;      // 0: not given
  std::optional<int> expires;  // ;expires= parameter
  bool wildcard = false;       // "Contact: *"
};

// Names a SIP dialog (an nta leg) held by the sofia thread: one per call leg. 0 is never used.
using DialogId = std::uint64_t;

// Session timer (RFC 4028) headers of a request or response.
struct SessionTimerHeaders {
  std::optional<int> session_expires;  // Session-Expires delta seconds
  std::string refresher;               // "uac" | "uas" | ""
  std::optional<int> min_se;           // Min-SE
};

// A request the control thread must answer (sofia keeps its server transaction meanwhile).
// ACKs carry no transaction (id 0) and need no Reply.
struct IncomingRequest {
  std::uint64_t id = 0;  // names the transaction in the Reply
  // In-dialog requests: the dialog they belong to. A dialog-creating INVITE: the dialog the
  // sofia thread created for it (released when the INVITE is answered with a failure).
  DialogId dialog = 0;
  bool new_dialog = false;  // a dialog-creating INVITE (dialog is the one created for it)
  std::string method;
  std::string request_uri;
  std::string from_uri;
  std::string to_uri;
  std::string to_user;  // user part of the To URI: the extension for REGISTER
  std::string call_id;
  std::uint32_t cseq = 0;
  std::string user_agent;
  std::vector<std::string> authorizations;  // Authorization header values
  std::vector<ContactEntry> contacts;
  std::optional<int> expires;  // Expires header
  SourceAddress source;
  EpochMs received_at = 0;
  // Calls.
  std::string from_user;     // user part of the From URI (the calling number)
  std::string from_display;  // display name of From, if any
  std::string request_user;  // user part of the Request-URI (the dialled number)
  std::string content_type;
  std::string body;
  std::vector<std::string> supported;  // option tags of Supported
  std::vector<std::string> require;    // option tags of Require
  SessionTimerHeaders timer;
  std::string refer_to;    // REFER: Refer-To URI
  std::string event;       // NOTIFY/SUBSCRIBE: Event
  std::string reason;      // Reason header text (BYE, CANCEL)
  bool cancelled = false;  // a CANCEL arrived for this INVITE (already answered 487)
};

// The answer to an IncomingRequest. Provisional answers (1xx) keep the transaction open.
struct Reply {
  std::uint64_t id = 0;
  int status = 500;
  std::string phrase;  // empty: the standard phrase
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;  // with a body: e.g. "application/sdp"
  std::string body;
};

// A new dialog we start with an INVITE (a call to a phone or out through a trunk).
struct OutgoingInvite {
  std::string request_uri;    // e.g. "sip:1001@192.168.1.20:5062"
  SourceAddress destination;  // where to send it (and every later request of the dialog)
  std::string from_uri;       // e.g. "sip:84038437@hotline"
  std::string from_display;
  std::string to_uri;
  std::string call_id;  // empty: sofia makes one
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/sdp";
  std::string body;
};

// A request inside an established dialog (BYE, re-INVITE, UPDATE, NOTIFY, INFO).
struct DialogRequest {
  DialogId dialog = 0;
  std::string method;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;
  std::string body;
};

// A response to an INVITE or in-dialog request we sent. 2xx answers to INVITE are ACKed by
// the sofia thread before this is posted. Local failures (timeout, transport) arrive as
// responses too (408, 503), as sofia generates them.
struct DialogResponse {
  DialogId dialog = 0;
  std::string method;  // of the request answered
  std::uint32_t cseq = 0;
  int status = 0;
  std::string phrase;
  std::string content_type;
  std::string body;
  std::string to_tag;
  SessionTimerHeaders timer;
  std::vector<std::string> require;
  std::optional<int> retry_after;
};

// A REGISTER we send to a carrier's registrar for a registration trunk (outside any dialog).
struct OutgoingRegister {
  std::uint64_t key = 0;      // names the registration in the answer
  SourceAddress destination;  // the carrier's registrar
  std::string registrar_uri;  // Request-URI, e.g. "sip:sip.carrier.cn:5060"
  std::string aor;            // From and To, e.g. "sip:02584038437@sip.carrier.cn"
  std::string contact_user;   // user part of our Contact
  int expires = 3600;         // 0 unregisters
  std::string call_id;        // the same for every refresh of one registration
  std::uint32_t cseq = 1;
  std::string authorization;         // Authorization header value; empty: none yet
  bool proxy_authorization = false;  // send it as Proxy-Authorization
};

struct RegisterResponse {
  std::uint64_t key = 0;
  int status = 0;
  std::string phrase;
  std::string challenge;  // WWW-Authenticate (or Proxy-Authenticate) value, first one
  bool proxy_challenge = false;
  std::optional<int> expires;  // what the registrar granted (Contact ;expires or Expires)
  std::optional<int> min_expires;
};

// The sofia thread dropped a message without answering (scanner, rate limit, blocked source).
struct DropNotice {
  SourceAddress source;
  std::string reason;  // "scanner", "rate_limit"
  std::string detail;  // e.g. the matched User-Agent pattern
};

}  // namespace hotline::sip
