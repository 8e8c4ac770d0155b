#include "sip/sip_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <set>

#include "store/trunk_repository.hpp"

namespace hotline::sip {

namespace {

std::vector<std::string> lowercase(std::vector<std::string> values) {
  for (auto& value : values)
    for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return values;
}

constexpr const char* kAllow =
    "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, REFER, INFO, NOTIFY";

Reply answer(const IncomingRequest& request, int status, std::string phrase = {}) {
  Reply reply;
  reply.id = request.id;
  reply.status = status;
  reply.phrase = std::move(phrase);
  return reply;
}

// Waits for work posted to the control thread; an error when it does not run in time.
template <typename T>
Result<T> on_control_thread(boost::asio::io_context& control, std::function<T()> work) {
  auto task = std::make_shared<std::packaged_task<T()>>(std::move(work));
  auto future = task->get_future();
  boost::asio::post(control, [task] { (*task)(); });
  if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    return Error{"unavailable", "the control thread did not answer"};
  return future.get();
}

}  // namespace

Result<std::unique_ptr<SipService>> SipService::start(const SipConfig& config, store::Database& db,
                                                      EventBus& events, Metrics& metrics,
                                                      boost::asio::io_context& control,
                                                      const SecretBox* secrets) {
  metrics.describe("hotline_sip_requests_total", "counter", "SIP requests handled, by method");
  metrics.describe("hotline_sip_dropped_total", "counter",
                   "SIP messages dropped unanswered (blocked, scanner, rate_limit)");
  metrics.describe("hotline_sip_auth_failures_total", "counter",
                   "Failed SIP digest authentications");
  metrics.describe("hotline_sip_blocks_total", "counter", "Source addresses blocked");
  metrics.describe("hotline_sip_registered_contacts", "gauge", "Unexpired registrar bindings");
  auto service = std::make_unique<SipService>(config, db, events, metrics, control);
  service->secrets_ = secrets;
  SipService* self = service.get();
  SofiaStackOptions options;
  options.listen = config.listen;
  options.tls_listen = config.tls_listen;
  options.tls_certificate_dir = config.tls_certificate_dir;
  options.scanner_user_agents = config.scanner_user_agents;
  options.max_messages_per_second = config.max_messages_per_second;
  options.metrics = &metrics;
  SofiaCallbacks callbacks;
  callbacks.on_request = [self, &control](IncomingRequest request) {
    boost::asio::post(control, [self, request = std::move(request)] { self->handle(request); });
  };
  callbacks.on_response = [self, &control](DialogResponse response) {
    boost::asio::post(control,
                      [self, response = std::move(response)] { self->handle_response(response); });
  };
  callbacks.on_register_response = [self, &control](RegisterResponse response) {
    boost::asio::post(
        control, [self, response = std::move(response)] { self->trunks_.on_response(response); });
  };
  callbacks.on_drop = [self, &control](DropNotice notice) {
    boost::asio::post(control, [self, notice = std::move(notice)] { self->note_drop(notice); });
  };
  auto stack = SofiaStack::start(std::move(options), std::move(callbacks));
  if (!stack) return stack.error();
  service->stack_ = std::move(*stack);
  service->trunks_.set_stack(service->stack_.get());
  service->trunk_changes_ = events.subscribe([self, &control](const Event& event) {
    if (event.type == "telephony.changed" && event.data.value("what", "") == "trunks")
      boost::asio::post(control, [self] { self->reload_trunks(); });
  });
  boost::asio::post(control, [self] {
    self->schedule_maintenance();
    self->schedule_keepalive();
    self->reload_trunks();
  });
  return service;
}

SipService::SipService(const SipConfig& config, store::Database& db, EventBus& events,
                       Metrics& metrics, boost::asio::io_context& control)
    : config_(config),
      db_(db),
      events_(events),
      metrics_(metrics),
      control_(control),
      credentials_(db),
      bindings_(db),
      audit_(db),
      authenticator_(
          config.realm, config.nonce_lifetime_seconds * 1000LL,
          [this](const std::string& extension) { return credentials_.find_active(extension); },
          lowercase(config.md5_only_user_agents)),
      registrar_({config.register_min_expires, config.register_max_expires,
                  config.register_default_expires},
                 authenticator_, bindings_),
      blocker_(config.auth_max_failures, config.auth_window_seconds * 1000LL,
               config.block_seconds * 1000LL),
      maintenance_(control),
      keepalive_(control),
      trunks_(control, events, metrics) {}

SipService::~SipService() {
  trunk_changes_.reset();
  stack_.reset();  // joins the sofia thread: nothing is posted to the control thread after this
}

void SipService::handle_response(const DialogResponse& response) {
  if (call_handler_) call_handler_->on_response(response);
}

void SipService::handle(const IncomingRequest& request) {
  const auto now = now_ms();
  // Inside a dialog (and CANCEL notices): the call module's business.
  if (request.dialog != 0 && !request.new_dialog) {
    if (call_handler_) return call_handler_->on_dialog_request(request);
    if (request.id != 0) stack_->reply(answer(request, 481, "Call/Transaction Does Not Exist"));
    return;
  }
  if (blocker_.is_blocked(request.source.host, now)) {
    stack_->reply(answer(request, 403, "Forbidden"));
    return;
  }
  static const std::set<std::string> kCounted = {"REGISTER", "INVITE", "OPTIONS", "BYE", "CANCEL"};
  metrics_.counter_add("hotline_sip_requests_total",
                       {{"method", kCounted.count(request.method) ? request.method : "other"}});
  if (request.method == "REGISTER") return handle_register(request, now);
  if (request.method == "INVITE") return handle_invite(request, now);
  if (request.method == "OPTIONS") {
    auto reply = answer(request, 200, "OK");
    reply.headers = {{"Allow", kAllow}, {"Accept", "application/sdp"}};
    stack_->reply(std::move(reply));
    return;
  }
  if (request.method == "BYE" || request.method == "CANCEL") {
    stack_->reply(answer(request, 481, "Call/Transaction Does Not Exist"));
    return;
  }
  auto reply = answer(request, 405, "Method Not Allowed");
  reply.headers = {{"Allow", kAllow}};
  stack_->reply(std::move(reply));
}

void SipService::handle_register(const IncomingRequest& request, EpochMs now) {
  auto result = registrar_.handle(request, now);
  if (result.auth.status == AuthStatus::Failed || result.auth.status == AuthStatus::Replayed)
    note_failure(request, result.auth, now);
  if (result.auth.status == AuthStatus::Authenticated) {
    blocker_.record_success(request.source.host);
    if (result.bindings_changed) {
      spdlog::info("sip: {} registered from {} ({})", request.to_user, request.source.host_port(),
                   request.source.transport);
      events_.publish({"sip.registration", {{"extension", request.to_user}}, "sip.read"});
    }
  }
  stack_->reply(std::move(result.reply));
}

void SipService::handle_invite(const IncomingRequest& request, EpochMs now) {
  if (call_handler_ && request.new_dialog) {
    if (auto trunk = call_handler_->trunk_for_source(request.source.host)) {
      call_handler_->on_invite(request, {CallOrigin::Kind::trunk, *trunk, {}});
      return;
    }
  }
  const auto outcome = authenticator_.authenticate(request, {}, now);
  switch (outcome.status) {
    case AuthStatus::Authenticated:
      blocker_.record_success(request.source.host);
      if (call_handler_ && request.new_dialog) {
        call_handler_->on_invite(request, {CallOrigin::Kind::extension, 0, outcome.extension});
        return;
      }
      stack_->reply(answer(request, 480, "Temporarily Unavailable"));
      return;
    case AuthStatus::Challenge: {
      auto reply = answer(request, 401, "Unauthorized");
      reply.headers = authenticator_.challenge(outcome.stale, now, request.user_agent);
      stack_->reply(std::move(reply));
      return;
    }
    case AuthStatus::Failed:
      note_failure(request, outcome, now);
      stack_->reply(answer(request, 403, "Forbidden"));  // see Registrar: no retry loop
      return;
    case AuthStatus::Replayed:
      note_failure(request, outcome, now);
      stack_->reply(answer(request, 403, "Forbidden"));
      return;
    case AuthStatus::Unavailable:
      stack_->reply(answer(request, 500, "Server Internal Error"));
      return;
  }
}

void SipService::note_failure(const IncomingRequest& request, const AuthOutcome& outcome,
                              EpochMs now) {
  spdlog::warn("sip: authentication failed for '{}' from {} ({}): {}", outcome.extension,
               request.source.host_port(), request.method, outcome.reason);
  metrics_.counter_add("hotline_sip_auth_failures_total", {});
  auto block = blocker_.record_failure(request.source.host, now);
  if (!block) return;
  metrics_.counter_add("hotline_sip_blocks_total", {});
  stack_->block(block->address, block->until);
  spdlog::warn("sip: blocked {} until {}: {}", block->address, format_iso8601(block->until),
               block->reason);
  audit_block(block->address, "auth_failures",
              {{"reason", block->reason}, {"until", format_iso8601(block->until)}});
}

void SipService::note_drop(const DropNotice& notice) {
  spdlog::warn("sip: dropping messages from {} ({}{}{})", notice.source.host_port(), notice.reason,
               notice.detail.empty() ? "" : ": ", notice.detail);
  audit_block(notice.source.host, notice.reason, {{"detail", notice.detail}});
}

void SipService::audit_block(const std::string& address, const std::string& reason,
                             const nlohmann::json& detail) {
  store::AuditEntry entry;
  entry.at = now_ms();
  entry.source_ip = address;
  entry.action = "sip.block";
  entry.target_type = "address";
  entry.target_id = address;
  entry.success = true;
  auto full = detail;
  full["kind"] = reason;
  entry.detail_json = full.dump();
  if (auto written = audit_.append(entry); !written)
    spdlog::error("sip: cannot write audit entry: {}", written.error().message);
  events_.publish({"sip.block", {{"address", address}, {"reason", reason}}, "sip.read"});
}

void SipService::schedule_maintenance() {
  maintenance_.expires_after(std::chrono::seconds(10));
  maintenance_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const auto now = now_ms();
    blocker_.expire(now);
    if (auto purged = bindings_.purge_expired(now); purged && *purged > 0)
      spdlog::info("sip: {} registrations expired", *purged);
    if (auto active = bindings_.active("", now); active)
      metrics_.gauge_set("hotline_sip_registered_contacts", {},
                         static_cast<double>(active->size()));
    schedule_maintenance();
  });
}

// OPTIONS to every registered contact, sent to where its REGISTER came from: this keeps NAT
// bindings open and, for a phone behind NAT, is the rewritten target calls will use too.
void SipService::schedule_keepalive() {
  if (config_.keepalive_interval_seconds <= 0) return;
  keepalive_.expires_after(std::chrono::seconds(config_.keepalive_interval_seconds));
  keepalive_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto active = bindings_.active("", now_ms()); active) {
      for (const auto& binding : *active)
        if (auto target = parse_source(binding.source, binding.transport))
          stack_->send_options(binding.contact_uri, *target);
    }
    schedule_keepalive();
  });
}

void SipService::reload_trunks() {
  if (secrets_ == nullptr) return;
  auto trunks = store::TrunkRepository(db_, *secrets_).list();
  if (!trunks) {
    spdlog::error("sip: cannot load trunks: {}", trunks.error().message);
    return;
  }
  trunks_.configure(*trunks);
}

Result<std::vector<TrunkRegistrationStatus>> SipService::trunk_registrations() {
  return on_control_thread<std::vector<TrunkRegistrationStatus>>(
      control_, [this] { return trunks_.status(); });
}

Result<std::vector<AddressBlock>> SipService::blocks() {
  return on_control_thread<std::vector<AddressBlock>>(control_,
                                                      [this] { return blocker_.blocks(now_ms()); });
}

Result<bool> SipService::unblock(const std::string& address) {
  return on_control_thread<bool>(control_, [this, address] {
    const bool lifted = blocker_.unblock(address, now_ms());
    stack_->unblock(address);
    if (lifted) spdlog::info("sip: {} unblocked by an administrator", address);
    return lifted;
  });
}

}  // namespace hotline::sip
