#pragma once
// What the SIP service hands to the call module (which depends on sip, not the other way
// round). Everything is called on the control thread.
#include <cstdint>
#include <optional>
#include <string>

#include "sip/sip_messages.hpp"

namespace hotline::sip {

// Who sent a dialog-creating INVITE, as established by the SIP service: an IP-peer trunk
// (trusted by its source address) or a phone that passed digest authentication.
struct CallOrigin {
  enum class Kind { trunk, extension };
  Kind kind = Kind::extension;
  std::int64_t trunk_id = 0;  // kind == trunk
  std::string extension;      // kind == extension: the authenticated extension
};

class CallSignalHandler {
 public:
  virtual ~CallSignalHandler() = default;
  // The IP-peer trunk whose allowed addresses include `host`, if any.
  virtual std::optional<std::int64_t> trunk_for_source(const std::string& host) = 0;
  // A dialog-creating INVITE from a trusted origin; the handler must answer it.
  virtual void on_invite(const IncomingRequest& request, const CallOrigin& origin) = 0;
  // Requests inside a dialog (ACK, BYE, re-INVITE, UPDATE, REFER, INFO, NOTIFY) and CANCEL
  // notices (`cancelled`). Those with an id must be answered.
  virtual void on_dialog_request(const IncomingRequest& request) = 0;
  virtual void on_response(const DialogResponse& response) = 0;
};

}  // namespace hotline::sip
