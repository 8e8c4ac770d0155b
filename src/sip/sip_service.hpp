#pragma once
// The SIP service: the sofia thread plus the registrar and SIP security, whose state lives on
// the control thread (one io_context, one thread; no locks). Requests arrive as plain structs
// posted to the control thread; answers go back to the sofia thread as Reply structs.
//
// INVITEs reach the call module only from an IP-peer trunk's addresses or after digest
// authentication: nothing unauthenticated reaches routing.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "common/result.hpp"
#include "common/secret_box.hpp"
#include "sip/address_blocker.hpp"
#include "sip/call_signal_handler.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/registrar.hpp"
#include "sip/sofia_stack.hpp"
#include "sip/trunk_registrations.hpp"
#include "store/audit_repository.hpp"
#include "store/database.hpp"
#include "store/sip_binding_repository.hpp"
#include "store/sip_credential_repository.hpp"

namespace hotline::sip {

class SipService {
 public:
  // Binds the SIP port and starts the sofia thread; `control` must be run by one thread and
  // outlive the service, and must be stopped before the service is destroyed.
  // `secrets` (may be null: no registration trunks) opens the trunks' carrier passwords.
  static Result<std::unique_ptr<SipService>> start(const SipConfig& config, store::Database& db,
                                                   EventBus& events, Metrics& metrics,
                                                   boost::asio::io_context& control,
                                                   const SecretBox* secrets = nullptr);
  SipService(const SipConfig& config, store::Database& db, EventBus& events, Metrics& metrics,
             boost::asio::io_context& control);  // use start()
  ~SipService();
  SipService(const SipService&) = delete;
  SipService& operator=(const SipService&) = delete;

  // Thread-safe: round trips to the control thread (error when it does not answer in 5 s).
  Result<std::vector<AddressBlock>> blocks();
  Result<bool> unblock(const std::string& address);
  Result<std::vector<TrunkRegistrationStatus>> trunk_registrations();
  // Control thread: unregisters from carriers (shutdown).
  void stop_trunk_registrations() { trunks_.stop(); }

  // Control thread only. Calls go to `handler` (null: INVITEs are answered 480).
  void set_call_handler(CallSignalHandler* handler) { call_handler_ = handler; }
  SofiaStack& stack() { return *stack_; }
  const SipConfig& config() const { return config_; }

 private:
  void handle(const IncomingRequest& request);
  void handle_response(const DialogResponse& response);
  void handle_register(const IncomingRequest& request, EpochMs now);
  void handle_invite(const IncomingRequest& request, EpochMs now);
  void note_failure(const IncomingRequest& request, const AuthOutcome& outcome, EpochMs now);
  void note_drop(const DropNotice& notice);
  void audit_block(const std::string& address, const std::string& reason,
                   const nlohmann::json& detail);
  void schedule_maintenance();
  void schedule_keepalive();
  void reload_trunks();

  const SipConfig& config_;
  store::Database& db_;
  EventBus& events_;
  Metrics& metrics_;
  boost::asio::io_context& control_;
  store::SipCredentialRepository credentials_;
  store::SipBindingRepository bindings_;
  store::AuditRepository audit_;
  DigestAuthenticator authenticator_;
  Registrar registrar_;
  AddressBlocker blocker_;
  boost::asio::steady_timer maintenance_;
  boost::asio::steady_timer keepalive_;
  TrunkRegistrations trunks_;
  const SecretBox* secrets_ = nullptr;
  EventBus::Subscription trunk_changes_;
  std::unique_ptr<SofiaStack> stack_;
  CallSignalHandler* call_handler_ = nullptr;
};

}  // namespace hotline::sip
