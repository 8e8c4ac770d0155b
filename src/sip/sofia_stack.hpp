#pragma once
// sofia-sip in its own thread. The thread owns the su_root and the NTA agent, and is the only
// thread that ever calls sofia: su_root is not thread-safe. Other threads hand it work through
// a queue plus an eventfd registered in the su_root (a wakeup), never by calling sofia.
//
// Incoming requests pass the SecurityGate, get a server transaction (which absorbs
// retransmissions), and are copied into an IncomingRequest for `on_request`. The answer comes
// back later through reply(). Stray ACKs and responses are discarded here. The stack also
// sends the registrar's keep-alive OPTIONS.
#include <functional>
#include <memory>
#include <string>

#include "common/config.hpp"
#include "common/metrics.hpp"
#include "common/result.hpp"
#include "sip/sip_messages.hpp"

namespace hotline::sip {

struct SofiaStackOptions {
  Endpoint listen;
  Endpoint tls_listen;
  std::string tls_certificate_dir;  // empty: no TLS
  std::vector<std::string> scanner_user_agents;
  int max_messages_per_second = 50;
  std::string server_name = "hotlined";
  Metrics* metrics = nullptr;  // thread-safe; null: no metrics
};

struct SofiaCallbacks {
  // Called on the sofia thread: must only hand the struct off (post to the control thread).
  std::function<void(IncomingRequest)> on_request;
  std::function<void(DropNotice)> on_drop;
  std::function<void(DialogResponse)> on_response;
  std::function<void(RegisterResponse)> on_register_response;
};

class SofiaStack {
 public:
  // Starts the thread and binds UDP and TCP; an error when the address cannot be bound.
  static Result<std::unique_ptr<SofiaStack>> start(SofiaStackOptions options,
                                                   SofiaCallbacks callbacks);
  ~SofiaStack();  // stops the thread; unanswered transactions are dropped
  SofiaStack(const SofiaStack&) = delete;
  SofiaStack& operator=(const SofiaStack&) = delete;

  // Thread-safe: queue work for the sofia thread.
  void reply(Reply reply);
  void block(const std::string& address, EpochMs until);
  void unblock(const std::string& address);
  // Out-of-dialog OPTIONS to `request_uri`, sent to `destination` (the observed source of the
  // phone's REGISTER, so it passes the phone's NAT). The answer does not matter: the packets
  // keep the NAT binding open; the outcome is only logged.
  void send_options(const std::string& request_uri, const SourceAddress& destination);

  // Dialogs (call legs). A dialog-creating INVITE that arrives gets its DialogId in the
  // IncomingRequest; invite() starts one of ours. Every request of a dialog is sent to its
  // destination (the observed source of the peer, or the address given to invite()), which
  // keeps phones behind NAT reachable. Thread-safe; responses arrive through on_response.
  DialogId invite(OutgoingInvite invite);
  void cancel(DialogId dialog);  // CANCEL our INVITE while it has no final answer
  void request(DialogRequest request);
  void release(DialogId dialog);  // forget the dialog; in-flight requests are abandoned

  // A REGISTER to a carrier (registration trunks); the answer comes to on_register_response.
  void register_out(OutgoingRegister request);

  struct Impl;
  explicit SofiaStack(std::unique_ptr<Impl> impl);  // use start()

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::sip
