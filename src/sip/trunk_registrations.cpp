#include "sip/trunk_registrations.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/random.hpp"
#include "sip/digest_client.hpp"

namespace hotline::sip {

namespace {

constexpr int kFirstBackoffSeconds = 30;
constexpr int kMaxBackoffSeconds = 600;

std::optional<SourceAddress> proxy_address(const store::Trunk& trunk) {
  const auto transport = trunk.transport.empty() ? std::string("udp") : trunk.transport;
  if (auto parsed = parse_source(trunk.proxy, transport)) return parsed;
  if (!trunk.proxy.empty() && trunk.proxy.find(':') == std::string::npos)
    return SourceAddress{trunk.proxy, 5060, transport};
  return std::nullopt;
}

// The carrier's domain for the AOR and Request-URI: the proxy without its port.
std::string proxy_host(const store::Trunk& trunk) {
  const auto address = proxy_address(trunk);
  return address ? address->host : trunk.proxy;
}

}  // namespace

TrunkRegistrations::TrunkRegistrations(boost::asio::io_context& control, EventBus& events,
                                       Metrics& metrics)
    : control_(control), events_(events), metrics_(metrics) {
  metrics_.describe("hotline_trunk_registered", "gauge",
                    "1 while a registration trunk is registered to its carrier");
}

TrunkRegistrations::~TrunkRegistrations() = default;

bool TrunkRegistrations::same_account(const store::Trunk& a, const store::Trunk& b) const {
  return a.proxy == b.proxy && a.transport == b.transport && a.username == b.username &&
         a.password == b.password && a.register_expires == b.register_expires;
}

void TrunkRegistrations::configure(const std::vector<store::Trunk>& trunks) {
  std::vector<store::Id> wanted;
  for (const auto& trunk : trunks) {
    if (trunk.kind != "registration" || !trunk.enabled) continue;
    wanted.push_back(trunk.id);
    auto found = registrations_.find(trunk.id);
    if (found != registrations_.end()) {
      if (same_account(found->second->trunk, trunk)) {
        found->second->trunk.name = trunk.name;
        continue;
      }
      unregister(*found->second);
      registrations_.erase(found);
    }
    auto registration = std::make_unique<Registration>();
    registration->trunk = trunk;
    registration->status.trunk_id = trunk.id;
    registration->status.trunk_name = trunk.name;
    registration->status.state = "registering";
    registration->call_id = random_token(12) + "@hotline";
    registration->expires = trunk.register_expires > 0 ? trunk.register_expires : 3600;
    registration->timer = std::make_unique<boost::asio::steady_timer>(control_);
    auto& ref = *registration;
    registrations_[trunk.id] = std::move(registration);
    send(ref, {}, false);
  }
  for (auto it = registrations_.begin(); it != registrations_.end();) {
    if (std::find(wanted.begin(), wanted.end(), it->first) == wanted.end()) {
      unregister(*it->second);
      it = registrations_.erase(it);
    } else {
      ++it;
    }
  }
}

void TrunkRegistrations::send(Registration& registration, const std::string& authorization,
                              bool proxy) {
  if (stack_ == nullptr) return;
  const auto destination = proxy_address(registration.trunk);
  if (!destination) {
    fail(registration, 0, "trunk has no usable proxy address");
    return;
  }
  const std::string host = proxy_host(registration.trunk);
  OutgoingRegister request;
  request.key = registration.key = next_key_++;
  request.destination = *destination;
  request.registrar_uri = "sip:" + host;
  request.aor = "sip:" + registration.trunk.username + "@" + host;
  request.contact_user = registration.trunk.username;
  request.expires = registration.expires;
  request.call_id = registration.call_id;
  request.cseq = ++registration.cseq;
  request.authorization = authorization;
  request.proxy_authorization = proxy;
  registration.answered_challenge = !authorization.empty();
  stack_->register_out(std::move(request));
}

void TrunkRegistrations::on_response(const RegisterResponse& response) {
  Registration* registration = nullptr;
  for (auto& [id, candidate] : registrations_)
    if (candidate->key == response.key) registration = candidate.get();
  if (registration == nullptr) return;  // an unregistration, or a trunk since removed
  registration->key = 0;
  auto& status = registration->status;
  status.last_status = response.status;
  if ((response.status == 401 || response.status == 407) && !registration->answered_challenge) {
    const auto host = proxy_host(registration->trunk);
    const auto cnonce = random_token(8);
    const auto answer = answer_digest_challenge(
        response.challenge, {registration->trunk.username, registration->trunk.password, "REGISTER",
                             "sip:" + host, ++registration->nonce_count, cnonce});
    if (!answer) return fail(*registration, response.status, "unsupported challenge");
    send(*registration, *answer, response.proxy_challenge);
    return;
  }
  if (response.status == 423 && response.min_expires) {
    registration->expires = *response.min_expires;
    send(*registration, {}, false);
    return;
  }
  if (response.status >= 200 && response.status < 300) {
    const int granted = std::max(response.expires.value_or(registration->expires), 10);
    const auto now = now_ms();
    const bool was_registered = status.state == "registered";
    status.state = "registered";
    status.last_error.clear();
    status.failures = 0;
    status.registered_at = now;
    status.expires_at = now + granted * 1000LL;
    registration->nonce_count = 0;
    metrics_.gauge_set("hotline_trunk_registered", {{"trunk", registration->trunk.name}}, 1);
    if (!was_registered) {
      spdlog::info("sip: trunk {} registered to {} for {} s", registration->trunk.name,
                   registration->trunk.proxy, granted);
      events_.publish({"trunk.registration",
                       {{"trunk", registration->trunk.name}, {"state", "registered"}},
                       "telephony.read"});
    }
    // Refresh well before it runs out: at 80 %, and never later than 30 s before.
    const int refresh = std::max(5, std::min(granted * 4 / 5, granted - 30));
    schedule(*registration, std::chrono::seconds(refresh));
    return;
  }
  fail(*registration, response.status,
       response.phrase.empty() ? "registration refused" : response.phrase);
}

void TrunkRegistrations::fail(Registration& registration, int status, const std::string& error) {
  auto& state = registration.status;
  const bool was_ok = state.state != "failed";
  state.state = "failed";
  state.last_status = status;
  state.last_error = error;
  ++state.failures;
  registration.nonce_count = 0;
  metrics_.gauge_set("hotline_trunk_registered", {{"trunk", registration.trunk.name}}, 0);
  const int backoff =
      std::min(kMaxBackoffSeconds, kFirstBackoffSeconds << std::min(state.failures - 1, 5));
  spdlog::warn("sip: trunk {} registration failed ({} {}), retrying in {} s",
               registration.trunk.name, status, error, backoff);
  // The alarm is raised once per failure streak; the state event on every attempt.
  if (was_ok)
    events_.publish({"alarm.trunk_registration",
                     {{"trunk", registration.trunk.name}, {"status", status}, {"error", error}},
                     "telephony.read"});
  events_.publish({"trunk.registration",
                   {{"trunk", registration.trunk.name},
                    {"state", "failed"},
                    {"status", status},
                    {"retry_in_seconds", backoff}},
                   "telephony.read"});
  schedule(registration, std::chrono::seconds(backoff));
}

void TrunkRegistrations::schedule(Registration& registration, std::chrono::seconds delay) {
  registration.status.next_attempt_at = now_ms() + delay.count() * 1000;
  registration.timer->expires_after(delay);
  const auto id = registration.trunk.id;
  registration.timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (ec) return;
    const auto found = registrations_.find(id);
    if (found == registrations_.end()) return;
    if (found->second->status.state != "registered") found->second->status.state = "registering";
    send(*found->second, {}, false);
  });
}

void TrunkRegistrations::unregister(Registration& registration) {
  registration.timer->cancel();
  metrics_.gauge_set("hotline_trunk_registered", {{"trunk", registration.trunk.name}}, 0);
  if (registration.status.state != "registered" || stack_ == nullptr) return;
  // Best effort: Expires 0 without waiting for a challenge round.
  registration.expires = 0;
  send(registration, {}, false);
  registration.key = 0;
  spdlog::info("sip: trunk {} unregistered", registration.trunk.name);
}

void TrunkRegistrations::stop() {
  for (auto& [id, registration] : registrations_) unregister(*registration);
  registrations_.clear();
}

std::vector<TrunkRegistrationStatus> TrunkRegistrations::status() const {
  std::vector<TrunkRegistrationStatus> out;
  for (const auto& [id, registration] : registrations_) out.push_back(registration->status);
  return out;
}

}  // namespace hotline::sip
