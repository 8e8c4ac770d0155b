#pragma once
// Registration trunks: hotlined registers to the carrier with the trunk's account, answers its
// digest challenge, refreshes before the granted lifetime runs out, and on failure backs off
// (30 s doubling to 10 min) and raises an alarm event. Runs on the control thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "sip/sofia_stack.hpp"
#include "store/telephony_models.hpp"

namespace hotline::sip {

struct TrunkRegistrationStatus {
  store::Id trunk_id = 0;
  std::string trunk_name;
  std::string state;  // registering | registered | failed | unregistered
  int last_status = 0;
  std::string last_error;
  std::optional<EpochMs> registered_at;
  std::optional<EpochMs> expires_at;
  std::optional<EpochMs> next_attempt_at;
  int failures = 0;  // consecutive
};

class TrunkRegistrations {
 public:
  TrunkRegistrations(boost::asio::io_context& control, EventBus& events, Metrics& metrics);
  ~TrunkRegistrations();
  TrunkRegistrations(const TrunkRegistrations&) = delete;
  TrunkRegistrations& operator=(const TrunkRegistrations&) = delete;

  void set_stack(SofiaStack* stack) { stack_ = stack; }
  // Starts, refreshes or ends registrations to match the enabled registration trunks.
  void configure(const std::vector<store::Trunk>& trunks);
  void on_response(const RegisterResponse& response);
  std::vector<TrunkRegistrationStatus> status() const;
  // Unregisters everything (shutdown).
  void stop();

 private:
  struct Registration {
    store::Trunk trunk;
    TrunkRegistrationStatus status;
    std::string call_id;
    std::uint32_t cseq = 0;
    std::uint64_t key = 0;  // of the REGISTER in flight; 0: none
    bool answered_challenge = false;
    int nonce_count = 0;
    int expires = 0;  // what we ask for
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  void send(Registration& registration, const std::string& authorization, bool proxy);
  void schedule(Registration& registration, std::chrono::seconds delay);
  void fail(Registration& registration, int status, const std::string& error);
  void unregister(Registration& registration);
  bool same_account(const store::Trunk& a, const store::Trunk& b) const;

  boost::asio::io_context& control_;
  EventBus& events_;
  Metrics& metrics_;
  SofiaStack* stack_ = nullptr;
  std::uint64_t next_key_ = 1;
  std::map<store::Id, std::unique_ptr<Registration>> registrations_;
};

}  // namespace hotline::sip
