#include "call/call_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <future>
#include <ranges>

#include "call/leg_media.hpp"
#include "call/media_address.hpp"
#include "call/music_on_hold.hpp"
#include "call/sip_outcome.hpp"
#include "common/masking.hpp"
#include "common/random.hpp"
#include "store/inbound_route_repository.hpp"
#include "store/outbound_rule_repository.hpp"
#include "store/sip_binding_repository.hpp"
#include "store/sip_credential_repository.hpp"
#include "store/trunk_repository.hpp"

namespace hotline::call {

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, REFER, INFO, NOTIFY";
constexpr auto kStatsWait = std::chrono::milliseconds(1500);
constexpr auto kDialogLinger = std::chrono::seconds(34);
constexpr auto kAckTimeout = std::chrono::seconds(32);  // 64 * T1

bool has_tag(const std::vector<std::string>& tags, const char* tag) {
  for (const auto& t : tags)
    if (t == tag) return true;
  return false;
}

// The user part of a SIP URI ("sip:1002@host;x" -> "1002").
std::string uri_user(const std::string& uri) {
  auto start = uri.find(':');
  start = start == std::string::npos ? 0 : start + 1;
  const auto at = uri.find('@', start);
  if (at == std::string::npos) return {};
  return uri.substr(start, at - start);
}

std::optional<sip::SourceAddress> parse_host_port(const std::string& text,
                                                  const std::string& transport) {
  auto source = sip::parse_source(text, transport);
  if (source) return source;
  if (text.find(':') == std::string::npos && !text.empty())
    return sip::SourceAddress{text, 5060, transport};
  return std::nullopt;
}

std::string today_path(EpochMs at) {
  const std::time_t seconds = static_cast<std::time_t>(at / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y/%m/%d", &local);
  return text;
}

// Calls in progress we accept: the configured limit, or what the RTP port range can carry
// (an anchored call holds a port pair per leg, two legs for most calls).
int call_capacity(const Config& config) {
  if (config.calls.max_calls > 0) return config.calls.max_calls;
  const auto ports = media::parse_port_range(config.calls.rtp_ports);
  if (!ports) return 1000;
  const int pairs = (ports->high - ports->low + 1) / 2;
  return std::max(1, pairs / 2);
}

}  // namespace

CallService::CallService(const Config& config, store::Database& db, const SecretBox& secrets,
                         sip::SipService& sip, media::MediaEngine& media, EventBus& events,
                         Metrics& metrics, boost::asio::io_context& control)
    : config_(config),
      db_(db),
      secrets_(secrets),
      sip_(sip),
      media_(media),
      events_(events),
      metrics_(metrics),
      control_(control),
      writer_(db),
      media_address_(resolve_media_address(config)),
      domain_(media_address_),
      max_calls_(call_capacity(config)) {
  metrics_.describe("hotline_calls_total", "counter", "Calls offered, by direction");
  metrics_.describe("hotline_calls_ended_total", "counter", "Calls ended, by disposition");
  metrics_.describe("hotline_calls_blocked_total", "counter",
                    "Calls refused because a trunk had no free channel, by trunk");
  metrics_.describe("hotline_calls_active", "gauge", "Calls in progress");
  metrics_.describe("hotline_calls_shed_total", "counter",
                    "New calls refused with 503 to shed load, by reason");
}

CallService::~CallService() = default;

Status CallService::start() {
  reload_routing();
  if (auto closed = store::CallRepository(db_).close_abandoned(now_ms()); closed && *closed > 0)
    spdlog::warn("calls: {} call records left open by the last run closed as failed", *closed);
  config_changes_ = events_.subscribe([this](const Event& event) {
    if (event.type != "telephony.changed") return;
    boost::asio::post(control_, [this] { reload_routing(); });
  });
  spdlog::info("calls: media address {}, {} trunks", media_address_, routing_.trunk_count());
  return ok_status();
}

void CallService::reload_routing() {
  store::TrunkRepository trunks(db_, secrets_);
  store::InboundRouteRepository inbound(db_);
  store::OutboundRuleRepository outbound(db_);
  auto t = trunks.list();
  auto i = inbound.list();
  auto o = outbound.list();
  if (!t || !i || !o) {
    spdlog::error("calls: cannot load trunks and routes: {}", !t   ? t.error().message
                                                              : !i ? i.error().message
                                                                   : o.error().message);
    return;
  }
  routing_ = RoutingTable(std::move(*t), std::move(*i), std::move(*o));
}

void CallService::shutdown() {
  shutting_down_ = true;
  std::vector<std::string> uuids;
  for (const auto& [uuid, call] : calls_) uuids.push_back(uuid);
  for (const auto& uuid : uuids) {
    if (auto* call = find_call(uuid)) end_call(*call, "failed", "shutdown", "system", 503);
    if (auto* call = find_call(uuid)) finish(*call);  // no time to wait for media statistics
  }
  writer_.flush();
}

std::optional<std::int64_t> CallService::trunk_for_source(const std::string& host) {
  if (const auto* trunk = routing_.trunk_for_source(host)) return trunk->id;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// New calls

void CallService::on_invite(const sip::IncomingRequest& request, const sip::CallOrigin& origin) {
  const auto now = now_ms();
  store::CallRecord record;
  record.uuid = random_token(12);
  record.offered_at = now;
  record.caller =
      origin.kind == sip::CallOrigin::Kind::extension ? origin.extension : request.from_user;
  record.callee = request.request_user.empty() ? request.to_user : request.request_user;
  const store::Trunk* trunk = nullptr;
  if (origin.kind == sip::CallOrigin::Kind::trunk) {
    trunk = routing_.trunk(origin.trunk_id);
    record.direction = "inbound";
    record.did = record.callee;
    if (trunk) {
      record.trunk_id = trunk->id;
      record.trunk_name = trunk->name;
    }
  } else {
    record.direction = "internal";
  }
  metrics_.counter_add("hotline_calls_total", {{"direction", record.direction}});
  spdlog::info("calls: {} {} -> {} from {}", record.direction, mask_phone_number(record.caller),
               mask_phone_number(record.callee), request.source.host_port());

  if (const auto overload = overload_cause(request, now); !overload.empty()) {
    metrics_.counter_add("hotline_calls_shed_total", {{"reason", overload}});
    return refuse(request, std::move(record), 503, "blocked", overload,
                  {{"Retry-After", std::to_string(config_.calls.trunk_retry_after_seconds)}});
  }
  if (request.body.empty())
    return refuse(request, std::move(record), 488, "failed", "no_sdp_offer");
  if (request.timer.session_expires &&
      *request.timer.session_expires < config_.calls.min_session_expires_seconds)
    return refuse(request, std::move(record), 422, "failed", "session_interval_too_small",
                  {{"Min-SE", std::to_string(config_.calls.min_session_expires_seconds)}});
  if (trunk && trunk_full(trunk->id)) {
    metrics_.counter_add("hotline_calls_blocked_total", {{"trunk", trunk->name}});
    return refuse(request, std::move(record), 503, "blocked", "trunk_channels_full",
                  {{"Retry-After", std::to_string(config_.calls.trunk_retry_after_seconds)}});
  }

  std::string failure;
  std::optional<Destination> destination;
  if (origin.kind == sip::CallOrigin::Kind::trunk) {
    if (const auto* route = routing_.inbound(record.did)) {
      destination = route_destination(*route, failure);
    } else {
      failure = "no_route";
    }
  } else {
    destination = resolve(record.callee, origin.extension, failure);
  }
  if (!destination) {
    const int status = failure == "no_route" ? 404 : 480;
    return refuse(request, std::move(record), status, "failed", failure);
  }
  if (destination->kind == Destination::Kind::trunk) {
    record.direction = "outbound";
    record.trunk_id = destination->outbound.trunk->id;
    record.trunk_name = destination->outbound.trunk->name;
    if (trunk_full(destination->outbound.trunk->id)) {
      metrics_.counter_add("hotline_calls_blocked_total",
                           {{"trunk", destination->outbound.trunk->name}});
      return refuse(request, std::move(record), 503, "blocked", "trunk_channels_full",
                    {{"Retry-After", std::to_string(config_.calls.trunk_retry_after_seconds)}});
    }
  }
  record.route = destination->route;

  auto& call = new_call(std::move(record));
  call.record_answered = destination->record;
  auto caller = std::make_unique<Leg>();
  caller->id = next_leg_++;
  caller->dialog = request.dialog;
  caller->inbound = true;
  caller->pending_invite = request.id;
  caller->role = "caller";
  caller->party = call.record.caller;
  caller->kind = origin.kind == sip::CallOrigin::Kind::trunk ? "trunk" : "extension";
  caller->contact = request.source.host_port();
  caller->sip_call_id = request.call_id;
  caller->trunk_id = call.record.trunk_id;
  caller->started_at = now;
  caller->state = LegState::offered;
  call.caller = std::move(caller);
  Leg& leg = *call.caller;
  dialogs_[leg.dialog] = {&call, &leg};
  if (trunk) count_channel(call, trunk->id);
  if (leg.kind == "extension") engage(call, leg);

  if (auto opened = open_leg_media(media_, leg, media_address_, 0); !opened) {
    spdlog::error("calls: no media for {}: {}", call.uuid, opened.error().message);
    return end_call(call, "failed", "media_unavailable", "system", 503);
  }
  endpoints_[leg.endpoint.id] = {&call, &leg};
  auto answer = answer_offer(media_, leg, request.body);
  if (!answer) {
    spdlog::info("calls: {} refused: {}", call.uuid, answer.error().message);
    return end_call(call, "failed", answer.error().code, "system", 488);
  }
  take_timer(leg, request.timer, true, has_tag(request.supported, "timer"));
  event(call, "offered",
        {{"caller", call.record.caller},
         {"callee", call.record.callee},
         {"did", call.record.did},
         {"trunk", call.record.trunk_name},
         {"source", request.source.host_port()}});
  event(call, "routed", {{"route", call.record.route}});
  if (destination->kind == Destination::Kind::application)
    return start_application(call, *destination);
  if (!dial(call, *destination, "callee")) return;
  call.ring_timer = std::make_unique<boost::asio::steady_timer>(control_);
  call.ring_timer->expires_after(std::chrono::seconds(config_.calls.ring_timeout_seconds));
  const std::string uuid = call.uuid;
  call.ring_timer->async_wait([this, uuid](const boost::system::error_code& ec) {
    if (ec) return;
    auto* c = find_call(uuid);
    if (c && !c->connected && !c->ending) end_call(*c, "no_answer", "ring_timeout", "system", 480);
  });
  publish(call, "ringing");
}

std::optional<Destination> CallService::resolve(const std::string& dialled,
                                                const std::string& caller_extension,
                                                std::string& failure) {
  if (dialled.empty()) {
    failure = "no_route";
    return std::nullopt;
  }
  if (dialled != caller_extension) {
    store::SipCredentialRepository credentials(db_);
    if (auto found = credentials.find_active(dialled); found && *found)
      return Destination{Destination::Kind::extension, dialled, {}, "extension:" + dialled, true};
  }
  if (!caller_extension.empty()) {
    for (const auto& code : internal_codes_) {
      if (!dialled.starts_with(code.prefix) || dialled.size() == code.prefix.size()) continue;
      const auto app = applications_.find(code.kind);
      if (app == applications_.end()) break;
      Destination destination;
      destination.kind = Destination::Kind::application;
      destination.application = app->second;
      destination.target = code.target_prefix + dialled.substr(code.prefix.size());
      destination.route = "code:" + code.prefix + " -> " + code.kind + ":" + destination.target;
      return destination;
    }
  }
  // Extensions dialling a public number reach what the trunk's callers reach.
  if (const auto* route = routing_.inbound(dialled)) return route_destination(*route, failure);
  if (auto outbound = routing_.outbound(dialled)) {
    Destination destination;
    destination.kind = Destination::Kind::trunk;
    destination.outbound = *outbound;
    destination.route = "rule:" + outbound->rule->name + " -> trunk:" + outbound->trunk->name;
    return destination;
  }
  // Toll-fraud guard: nothing leaves without an outbound rule.
  spdlog::warn("calls: no route or outbound rule allows {}", mask_phone_number(dialled));
  failure = "no_route";
  return std::nullopt;
}

std::optional<Destination> CallService::route_destination(const store::InboundRoute& route,
                                                          std::string& failure) {
  Destination destination;
  destination.route =
      "did:" + route.number + " -> " + route.destination_type + ":" + route.destination;
  destination.record = route.record;
  if (route.destination_type == "extension") {
    destination.kind = Destination::Kind::extension;
    destination.extension = route.destination;
    return destination;
  }
  if (const auto app = applications_.find(route.destination_type); app != applications_.end()) {
    destination.kind = Destination::Kind::application;
    destination.application = app->second;
    destination.target = route.destination;
    return destination;
  }
  failure = route.destination_type + "_not_available";
  return std::nullopt;
}

// Refusing early is cheap; accepting past capacity makes every call in progress fail (the
// control thread falls behind, peers retransmit, RTP ports run out).
std::string CallService::overload_cause(const sip::IncomingRequest& request, EpochMs now) const {
  if (static_cast<int>(calls_.size()) >= max_calls_) return "overload_calls_in_progress";
  if (request.received_at != 0 && now - request.received_at > config_.calls.overload_queue_ms)
    return "overload_control_delay";
  return {};
}

void CallService::refuse(const sip::IncomingRequest& request, store::CallRecord record, int status,
                         const std::string& disposition, const std::string& cause,
                         Headers headers) {
  reply(request.id, status, {}, std::move(headers));
  record.ended_at = record.offered_at;
  record.disposition = disposition;
  record.cause = cause;
  record.hangup_side = "system";
  store::CallLegRecord caller;
  caller.role = "caller";
  caller.party = record.caller;
  caller.kind = record.direction == "inbound" ? "trunk" : "extension";
  caller.contact = request.source.host_port();
  caller.sip_call_id = request.call_id;
  caller.started_at = record.offered_at;
  caller.ended_at = record.offered_at;
  caller.final_status = status;
  record.legs.push_back(caller);
  const auto uuid = record.uuid;
  const auto at = record.offered_at;
  writer_.create(std::move(record));
  writer_.event(
      uuid, at, "ended",
      nlohmann::json{{"disposition", disposition}, {"cause", cause}, {"status", status}}.dump());
  writer_.forget(uuid);
  metrics_.counter_add("hotline_calls_ended_total", {{"disposition", disposition}});
  spdlog::info("calls: {} refused with {} ({})", uuid, status, cause);
}

Call& CallService::new_call(store::CallRecord record) {
  auto call = std::make_unique<Call>();
  call->uuid = record.uuid;
  call->record = std::move(record);
  auto& ref = *call;
  calls_[call->uuid] = std::move(call);
  writer_.create(ref.record);
  metrics_.gauge_set("hotline_calls_active", {}, static_cast<double>(calls_.size()));
  return ref;
}

bool CallService::dial(Call& call, const Destination& destination, const std::string& role) {
  if (destination.kind == Destination::Kind::extension) {
    store::SipBindingRepository bindings(db_);
    auto active = bindings.active(destination.extension, now_ms());
    if (!active || active->empty()) {
      event(call, "callee_unavailable", {{"extension", destination.extension}});
      if (role == "callee") end_call(call, "failed", "not_registered", "system", 480);
      return false;
    }
    int started = 0;
    for (const auto& binding : *active) {
      auto target = sip::parse_source(binding.source, binding.transport);
      if (!target) continue;
      if (start_leg(call, role, destination.extension, "extension", binding.contact_uri, *target,
                    call.record.caller, std::nullopt))
        ++started;
    }
    if (started == 0 && role == "callee") {
      end_call(call, "failed", "no_reachable_contact", "system", 480);
      return false;
    }
    return started > 0;
  }
  const auto& choice = destination.outbound;
  auto target = parse_host_port(choice.trunk->proxy, choice.trunk->transport);
  if (!target && !choice.trunk->addresses.empty())
    target = sip::SourceAddress{choice.trunk->addresses.front(), 5060, choice.trunk->transport};
  if (!target) {
    if (role == "callee") end_call(call, "failed", "trunk_has_no_proxy", "system", 503);
    return false;
  }
  if (!call.counted_trunk) count_channel(call, choice.trunk->id);
  const std::string host = target->host + ":" + std::to_string(target->port);
  const std::string from =
      choice.trunk->caller_id.empty() ? call.record.caller : choice.trunk->caller_id;
  return start_leg(call, role, choice.number, "trunk", "sip:" + choice.number + "@" + host, *target,
                   from, choice.trunk->id) != nullptr;
}

Leg* CallService::start_leg(Call& call, const std::string& role, const std::string& party,
                            const std::string& kind, const std::string& request_uri,
                            const sip::SourceAddress& destination, const std::string& from_user,
                            std::optional<store::Id> trunk_id, const Headers& extra_headers) {
  auto leg = std::make_unique<Leg>();
  leg->id = next_leg_++;
  leg->role = role;
  leg->party = party;
  leg->kind = kind;
  leg->contact = destination.host_port();
  leg->trunk_id = trunk_id;
  leg->started_at = now_ms();
  leg->state = LegState::calling;
  // Bridged legs share a media worker: next to the caller, or (an originated call, whose first
  // leg is the agent's) next to the first leg.
  const media::EndpointId colocate = call.caller            ? call.caller->endpoint.id
                                     : call.callees.empty() ? 0
                                                            : call.callees.front()->endpoint.id;
  if (auto opened = open_leg_media(media_, *leg, media_address_, colocate); !opened) {
    spdlog::error("calls: no media for a leg of {}: {}", call.uuid, opened.error().message);
    return nullptr;
  }
  sip::OutgoingInvite invite;
  invite.request_uri = request_uri;
  invite.destination = destination;
  invite.from_uri = our_uri(from_user);
  invite.to_uri = kind == "extension" ? our_uri(party) : request_uri;
  invite.body = make_offer_body(*leg);
  invite.call_id = leg->sip_call_id = random_token(16) + "@hotline";
  invite.headers = {{"Supported", "timer"},
                    {"Session-Expires", std::to_string(config_.calls.session_expires_seconds)},
                    {"Min-SE", std::to_string(config_.calls.min_session_expires_seconds)},
                    {"Allow", kAllow}};
  if (role == call.pending)
    invite.headers.insert(invite.headers.end(), call.dial_headers.begin(), call.dial_headers.end());
  invite.headers.insert(invite.headers.end(), extra_headers.begin(), extra_headers.end());
  leg->dialog = sip_.stack().invite(std::move(invite));
  Leg* raw = leg.get();
  dialogs_[raw->dialog] = {&call, raw};
  endpoints_[raw->endpoint.id] = {&call, raw};
  call.callees.push_back(std::move(leg));
  event(call, "dialing", {{"party", party}, {"kind", kind}, {"contact", raw->contact}});
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Responses to what we sent

void CallService::on_response(const sip::DialogResponse& response) {
  auto ref = find(response.dialog);
  if (!ref) {
    // A call that is already gone: answer a late 2xx with BYE, then forget the dialog.
    if (response.method == "INVITE" && response.status >= 200 && response.status < 300)
      sip_.stack().request({response.dialog, "BYE", {}, {}, {}});
    else if (response.status >= 200)
      sip_.stack().release(response.dialog);
    return;
  }
  Call& call = *ref->call;
  Leg& leg = *ref->leg;
  if (response.method == "BYE" || leg.state == LegState::ended) {
    if (response.status >= 200 &&
        (response.method != "INVITE" || response.status >= 300 || leg.state == LegState::ended)) {
      if (response.method == "INVITE" && response.status < 300) {
        sip_.stack().request({leg.dialog, "BYE", {}, {}, {}});
        return;
      }
      if (leg.state == LegState::ended) {
        dialogs_.erase(leg.dialog);
        sip_.stack().release(leg.dialog);
      }
    }
    return;
  }
  if (response.method != "INVITE") return;  // refreshes, NOTIFYs: nothing to do
  if (leg.inbound) return;                  // our re-INVITE refreshing the caller's leg
  if (call.originated) {
    if (&leg == call.caller.get()) return on_dialled_party_response(call, leg, response);
    if (leg.role == "agent") return on_origin_agent_response(call, leg, response);
  }
  if (response.status < 200) return on_provisional(call, leg, response);
  if (response.status < 300) {
    if (leg.state == LegState::answered) return;  // answer to our refresh
    return on_answered(call, leg, response);
  }
  on_leg_failed(call, leg, response);
}

void CallService::on_provisional(Call& call, Leg& leg, const sip::DialogResponse& response) {
  if (leg.state == LegState::calling) {
    leg.state = LegState::ringing;
    if (!call.record.ringing_at) {
      call.record.ringing_at = now_ms();
      event(call, "ringing", {{"party", leg.party}, {"status", response.status}});
    }
  }
  if (call.keep_caller_audio) return;  // the caller stays with the application's music
  if (!response.body.empty() && leg.state != LegState::early && !call.connected) {
    // Early media from the callee (a carrier's announcement, a phone's ringback): bridge it.
    if (accept_answer_body(media_, leg, response.body)) {
      leg.state = LegState::early;
      stop_caller_tones(call);
      if (call.mixer == 0) {
        if (auto mixer = media_.bridge(call.caller->endpoint.id, leg.endpoint.id); mixer)
          call.mixer = *mixer;
      }
      event(call, "early_media", {{"party", leg.party}});
    }
  }
  if (call.caller && call.caller->pending_invite != 0 && call.caller->state == LegState::offered) {
    // Our own ringback (local, or the bridged early media) goes to the caller in a 183.
    reply(call.caller->pending_invite, 183, "Session Progress", {}, call.caller->last_local_sdp);
    call.caller->state = LegState::early;
  }
  if (leg.state == LegState::ringing && call.mixer == 0) play_ringback(call);
}

void CallService::on_answered(Call& call, Leg& leg, const sip::DialogResponse& response) {
  const bool pending_leg = !call.pending.empty() && leg.role != "callee";
  if (call.connected && call.connected != &leg && !pending_leg && leg.role != "monitor") {
    // Another contact answered first.
    leg.state = LegState::answered;
    end_leg(call, leg);
    return;
  }
  if (auto accepted = accept_answer_body(media_, leg, response.body); !accepted) {
    spdlog::warn("calls: {}: unusable answer from {}: {}", call.uuid, leg.party,
                 accepted.error().message);
    leg.state = LegState::answered;
    leg.final_status = 488;
    end_leg(call, leg);
    sip::DialogResponse failed = response;
    failed.status = 488;
    failed.phrase = "Not Acceptable Here";
    on_leg_failed(call, leg, failed);
    return;
  }
  leg.state = LegState::answered;
  leg.answered_at = now_ms();
  leg.final_status = response.status;
  take_timer(leg, response.timer, false, has_tag(response.require, "timer"));
  if (leg.role == "monitor") return monitor_answered(call, leg);
  engage(call, leg);
  // Every other contact of the same dialling still ringing is cancelled.
  for (auto& other : call.callees)
    if (other.get() != &leg && other->role == leg.role &&
        (other->state == LegState::calling || other->state == LegState::ringing ||
         other->state == LegState::early))
      end_leg(call, *other);
  if (!pending_leg) return connect(call, leg);
  const std::string pending = call.pending;
  call.pending.clear();
  call.transfer_target.clear();
  call.dial_headers.clear();
  call.keep_caller_audio = false;
  if (pending == "transfer") {
    Leg* previous = call.connected;
    call.connected = nullptr;
    notify_transferor(call, 200, "OK", true);
    call.transferor = nullptr;
    event(call, "transferred", {{"to", leg.party}});
    if (previous && previous->state != LegState::ended) end_leg(call, *previous);
    connect(call, leg);
  } else if (pending == "consult") {
    call.consult = &leg;
    if (call.connected) {
      if (auto mixer = media_.bridge(call.connected->endpoint.id, leg.endpoint.id); mixer)
        call.consult_mixer = *mixer;
    }
    event(call, "consult_answered", {{"party", leg.party}});
    schedule_session_timer(call, leg);
    publish(call, "consulting");
  } else if (pending == "conference") {
    join_conference(call, leg);
  } else if (pending == "retrieve") {
    call.parked = false;
    event(call, "retrieved", {{"party", leg.party}});
    if (leg.kind == "extension") call.record.answered_by = leg.party;
    connect(call, leg);
  } else if (pending == "hand_over") {
    event(call, "handed_over", {{"party", leg.party}});
    connect(call, leg);
    if (call.application) call.application->hand_over_answered(call.uuid, leg.party);
  }
}

// Everyone answered on the call (caller and callees) in one mixer, all hearing each other.
void CallService::join_conference(Call& call, Leg& leg) {
  stop_caller_tones(call);
  if (call.mixer) {
    (void)media_.destroy_mixer(call.mixer);
    call.mixer = 0;
  }
  auto mixer = media_.create_mixer(call.caller->endpoint.id);
  if (!mixer) {
    spdlog::error("calls: {}: no conference mixer: {}", call.uuid, mixer.error().message);
    end_leg(call, leg);
    if (call.connected) connect(call, *call.connected);
    return;
  }
  call.mixer = *mixer;
  call.conference = true;
  (void)media_.join_mixer(call.mixer, call.caller->endpoint.id, media::PartyMode::speak_to_all);
  for (auto& member : call.callees)
    if (member->state == LegState::answered)
      (void)media_.join_mixer(call.mixer, member->endpoint.id, media::PartyMode::speak_to_all);
  schedule_session_timer(call, leg);
  event(call, "conference", {{"party", leg.party}});
  publish(call, "conference");
}

void CallService::connect(Call& call, Leg& leg) {
  if (call.ring_timer) call.ring_timer->cancel();
  stop_caller_tones(call);
  if (call.with_application) {
    call.with_application = false;
    if (call.app_playback) (void)media_.stop_playback(call.caller->endpoint.id);
    call.app_playback = 0;
  }
  if (call.mixer != 0) {
    (void)media_.destroy_mixer(call.mixer);
    call.mixer = 0;
  }
  if (auto mixer = media_.bridge(call.caller->endpoint.id, leg.endpoint.id); mixer)
    call.mixer = *mixer;
  else
    spdlog::error("calls: {}: cannot bridge: {}", call.uuid, mixer.error().message);
  call.connected = &leg;
  for (auto& member : call.callees)  // supervisors stay on the call through its new mixer
    if (member->role == "monitor" && member->state == LegState::answered)
      join_monitor(call, *member);
  const bool first_answer = !call.record.answered_at;
  if (first_answer) {
    call.record.answered_at = leg.answered_at ? *leg.answered_at : now_ms();
    event(call, "answered", {{"party", leg.party}});
    answer_caller(call);
    if (call.originated) report_origination(call, OriginateProgress::Stage::answered);
  }
  // The first agent to take the call answered it, also when an application (IVR) answered
  // the caller before; recording starts with the first conversation.
  const bool first_agent = leg.kind == "extension" && call.record.answered_by.empty();
  if (first_agent) call.record.answered_by = leg.party;
  if (first_answer || first_agent) writer_.update(call.record);  // live views see it answered
  if (call.record_answered && call.recording == 0) start_recording(call);
  schedule_session_timer(call, leg);
  publish(call, "answered");
}

void CallService::answer_caller(Call& call) {
  Leg& caller = *call.caller;
  if (caller.pending_invite == 0) return;
  auto headers = timer_headers(caller);
  headers.emplace_back("Allow", kAllow);
  reply(caller.pending_invite, 200, "OK", std::move(headers), caller.last_local_sdp);
  caller.pending_invite = 0;
  caller.state = LegState::answered;
  caller.answered_at = now_ms();
  schedule_session_timer(call, caller);
  // RFC 3261 13.3.1.4: a 2xx never ACKed ends the call (the caller is gone, or its ACKs are
  // lost); otherwise it would hold its ports and media until a session timer, if any.
  caller.ack_timer = std::make_unique<boost::asio::steady_timer>(control_, kAckTimeout);
  const std::string uuid = call.uuid;
  caller.ack_timer->async_wait([this, uuid](const boost::system::error_code& ec) {
    if (ec) return;
    auto* c = find_call(uuid);
    if (c && !c->ending && c->caller && !c->caller->acked)
      end_call(*c, "answered", "ack_timeout", "system");
  });
}

void CallService::start_recording(Call& call) {
  if (!call.connected) return;
  const auto dir = std::filesystem::path(config_.data_dir) / "recordings" /
                   today_path(call.record.answered_at.value_or(now_ms()));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    spdlog::error("calls: cannot create {}: {}", dir.string(), ec.message());
    return;
  }
  media::RecordingRequest request;
  // Left: the caller. Right: what the caller hears (0), so the recording follows transfers,
  // conferences, hold music and parking without being restarted.
  request.left = call.caller->endpoint.id;
  request.right = 0;
  request.path = (dir / (call.uuid + ".wav")).string();
  request.compress_to = config_.calls.recording_format == "wav" ? media::RecordingFormat::wav
                                                                : media::RecordingFormat::mp3;
  auto recording = media_.start_recording(request);
  if (!recording) {
    spdlog::error("calls: {}: recording failed to start: {}", call.uuid, recording.error().message);
    return;
  }
  call.recording = *recording;
  recording_started_[*recording] = now_ms();
  event(call, "recording_started", nlohmann::json::object());
}

void CallService::on_leg_failed(Call& call, Leg& leg, const sip::DialogResponse& response) {
  const bool was_connected = call.connected == &leg;
  leg.final_status = response.status;
  leg.state = LegState::ended;
  leg.ended_at = now_ms();
  release(call, leg);
  dialogs_.erase(leg.dialog);
  sip_.stack().release(leg.dialog);
  event(call, "leg_failed",
        {{"party", leg.party}, {"status", response.status}, {"phrase", response.phrase}});
  if (was_connected || call.ending || leg.role == "monitor") return;
  for (const auto& other : call.callees)
    if (other->role == leg.role &&
        (other->state == LegState::calling || other->state == LegState::ringing ||
         other->state == LegState::early))
      return;  // still ringing elsewhere
  if (leg.role != "callee" && !call.pending.empty())
    return pending_failed(call, response.status, response.phrase);
  if (leg.role != "callee") return;
  const auto disposition = disposition_for(response.status);
  end_call(call, disposition, cause_text(response.status, response.phrase), "callee",
           caller_status_for(disposition, response.status));
}

// The leg an operation dialled did not answer: back to how the call was.
void CallService::pending_failed(Call& call, int status, const std::string& phrase) {
  const std::string pending = call.pending;
  call.pending.clear();
  call.transfer_target.clear();
  call.dial_headers.clear();
  call.keep_caller_audio = false;
  event(call, pending + "_failed", {{"status", status}});
  if (pending == "transfer") {
    notify_transferor(call, status, phrase, true);
    call.transferor = nullptr;
    if (call.connected && call.connected->state == LegState::answered) {
      connect(call, *call.connected);
      return;
    }
    end_call(call, "answered", "transfer_failed", "system");
  } else if (pending == "consult") {
    if (call.connected && call.connected->state == LegState::answered)
      connect(call, *call.connected);  // the caller comes back from hold
  } else if (pending == "retrieve") {
    // Still parked: music on hold goes on until someone retrieves it or the caller leaves.
  } else if (pending == "hand_over" && call.application) {
    stop_caller_tones(call);
    call.with_application = true;
    call.application->hand_over_failed(call.uuid, "sip:" + std::to_string(status));
  }
}

// ---------------------------------------------------------------------------------------------
// Requests inside dialogs

void CallService::on_dialog_request(const sip::IncomingRequest& request) {
  auto ref = find(request.dialog);
  if (!ref) {
    if (request.id != 0) reply(request.id, 481, "Call/Transaction Does Not Exist");
    return;
  }
  Call& call = *ref->call;
  Leg& leg = *ref->leg;
  if (request.cancelled) {
    // nta has answered the CANCEL and the INVITE (487); release the INVITE transaction.
    if (leg.pending_invite != 0) reply(leg.pending_invite, 487, "Request Terminated");
    leg.pending_invite = 0;
    leg.state = LegState::ended;
    leg.final_status = 487;
    release(call, leg);
    event(call, "caller_cancelled", nlohmann::json::object());
    end_call(call, "cancelled", "caller_cancel", "caller");
    return;
  }
  if (request.method == "ACK") {
    leg.acked = true;
    if (leg.ack_timer) leg.ack_timer->cancel();
    return;
  }
  if (request.method == "BYE") {
    reply(request.id, 200, "OK");
    leg.state = LegState::ended;
    leg.ended_at = now_ms();
    release(call, leg);
    dialogs_.erase(leg.dialog);
    sip_.stack().release(leg.dialog);
    // An originated call's caller leg is the party we dialled: the record's callee.
    const bool caller_leg = &leg == call.caller.get();
    if (caller_leg || !callee_left(call, leg))
      end_call(call, call.record.answered_at ? "answered" : "cancelled", "normal_clearing",
               caller_leg != call.originated ? "caller" : "callee");
    return;
  }
  if (request.method == "INVITE") return handle_reinvite(call, leg, request);
  if (request.method == "UPDATE") {
    if (!request.body.empty()) {
      auto answer = answer_offer(media_, leg, request.body);
      if (!answer) {
        reply(request.id, 488, "Not Acceptable Here");
        return;
      }
      take_timer(leg, request.timer, true, has_tag(request.supported, "timer"));
      reply(request.id, 200, "OK", timer_headers(leg), *answer);
      apply_hold_state(call);
    } else {
      take_timer(leg, request.timer, true, has_tag(request.supported, "timer"));
      reply(request.id, 200, "OK", timer_headers(leg));
    }
    schedule_session_timer(call, leg);
    return;
  }
  if (request.method == "REFER") return handle_refer(call, leg, request);
  if (request.method == "INFO" || request.method == "NOTIFY" || request.method == "OPTIONS") {
    reply(request.id, 200, "OK");
    return;
  }
  reply(request.id, 405, "Method Not Allowed", {{"Allow", kAllow}});
}

// A callee hung up. True when the call goes on without it (a consultation, a conference
// member, the party that started a transfer); false when the call is over.
bool CallService::callee_left(Call& call, Leg& leg) {
  if (leg.role == "monitor") {
    monitor_left(call, leg);
    return true;
  }
  if (leg.role == "agent" && !call.connected) return false;  // gave up on an originated call
  if (&leg == call.consult) {
    call.consult = nullptr;
    if (call.consult_mixer) (void)media_.destroy_mixer(call.consult_mixer);
    call.consult_mixer = 0;
    event(call, "consult_ended", {{"party", leg.party}});
    if (call.connected) connect(call, *call.connected);
    return true;
  }
  if (call.conference && leg.state == LegState::ended) {
    (void)media_.leave_mixer(leg.endpoint.id);
    event(call, "conference_left", {{"party", leg.party}});
    Leg* remaining = nullptr;
    for (auto& member : call.callees)
      if (member->state == LegState::answered) remaining = member.get();
    if (remaining == nullptr) return false;
    call.connected = remaining;
    return true;
  }
  if (&leg != call.connected) return true;  // e.g. a transferor already replaced
  if (application_takes_back(call, leg)) return true;
  if (call.pending == "transfer") {
    // The transferor hangs up while the target rings: the transfer goes on.
    call.connected = nullptr;
    call.transferor = nullptr;
    event(call, "transferor_left", nlohmann::json::object());
    play_ringback(call);
    return true;
  }
  if (call.pending == "consult" || call.consult) {
    // Hanging up during a consultation hands the caller over (attended transfer), or turns
    // a consultation still ringing into a blind transfer.
    call.connected = nullptr;
    if (call.consult) {
      Leg* target = call.consult;
      call.consult = nullptr;
      if (call.consult_mixer) (void)media_.destroy_mixer(call.consult_mixer);
      call.consult_mixer = 0;
      event(call, "transferred", {{"to", target->party}});
      connect(call, *target);
    } else {
      call.pending = "transfer";
      event(call, "transferor_left", nlohmann::json::object());
      stop_caller_tones(call);
      play_ringback(call);
    }
    return true;
  }
  return false;
}

void CallService::handle_reinvite(Call& call, Leg& leg, const sip::IncomingRequest& request) {
  if (leg.state != LegState::answered) {
    reply(request.id, 491, "Request Pending");
    return;
  }
  if (request.timer.session_expires &&
      *request.timer.session_expires < config_.calls.min_session_expires_seconds) {
    reply(request.id, 422, "Session Interval Too Small",
          {{"Min-SE", std::to_string(config_.calls.min_session_expires_seconds)}});
    return;
  }
  std::string body = leg.last_local_sdp;
  if (!request.body.empty()) {
    auto answer = answer_offer(media_, leg, request.body);
    if (!answer) {
      reply(request.id, 488, "Not Acceptable Here");
      return;
    }
    body = *answer;
  }
  take_timer(leg, request.timer, true, has_tag(request.supported, "timer"));
  auto headers = timer_headers(leg);
  headers.emplace_back("Allow", kAllow);
  reply(request.id, 200, "OK", std::move(headers), body);
  schedule_session_timer(call, leg);
  apply_hold_state(call);
}

// A phone on hold hears nothing from us; the other party hears music on hold.
void CallService::apply_hold_state(Call& call) {
  if (!call.connected) return;
  Leg& caller = *call.caller;
  Leg& callee = *call.connected;
  const bool held = caller.held_by_peer || callee.held_by_peer;
  if (held && !call.moh_playing) {
    if (call.mixer) {
      (void)media_.destroy_mixer(call.mixer);
      call.mixer = 0;
    }
    Leg& listener = callee.held_by_peer ? caller : callee;
    (void)media_.play(listener.endpoint.id, music_on_hold());
    call.moh_playing = true;
    event(call, "hold", {{"by", callee.held_by_peer ? callee.party : caller.party}});
    publish(call, "held");
  } else if (!held && call.moh_playing) {
    (void)media_.stop_playback(caller.endpoint.id);
    (void)media_.stop_playback(callee.endpoint.id);
    call.moh_playing = false;
    if (auto mixer = media_.bridge(caller.endpoint.id, callee.endpoint.id); mixer)
      call.mixer = *mixer;
    event(call, "unhold", nlohmann::json::object());
    publish(call, "answered");
  }
}

void CallService::handle_refer(Call& call, Leg& leg, const sip::IncomingRequest& request) {
  const std::string target = uri_user(request.refer_to);
  if (target.empty()) {
    reply(request.id, 400, "Bad Refer-To");
    return;
  }
  // The answering phone transfers the caller; a caller (carrier) cannot move our agent.
  if (&leg != call.connected || leg.state != LegState::answered) {
    reply(request.id, 403, "Forbidden");
    return;
  }
  if (!call.pending.empty() || call.consult || call.conference) {
    reply(request.id, 491, "Request Pending");
    return;
  }
  reply(request.id, 202, "Accepted");
  call.transferor = &leg;
  notify_transferor(call, 100, "Trying", false);
  if (auto started = blind_transfer(call.uuid, target); !started) {
    notify_transferor(call, 404, "Not Found", true);
    call.transferor = nullptr;
  }
}

void CallService::notify_transferor(Call& call, int status, const std::string& phrase, bool final) {
  Leg* leg = call.transferor;
  if (leg == nullptr || leg->state == LegState::ended) return;
  sip::DialogRequest notify;
  notify.dialog = leg->dialog;
  notify.method = "NOTIFY";
  notify.headers = {{"Event", "refer"},
                    {"Subscription-State", final ? "terminated;reason=noresource" : "active"}};
  notify.content_type = "message/sipfrag;version=2.0";
  notify.body = "SIP/2.0 " + std::to_string(status) + " " + phrase + "\r\n";
  sip_.stack().request(std::move(notify));
}

// ---------------------------------------------------------------------------------------------
// Operations

Status CallService::hangup(const std::string& uuid, const std::string& cause) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (call->ending) return Error{"invalid_state", "the call is already ending"};
  end_call(*call, call->record.answered_at ? "answered" : "cancelled", cause, "system", 480);
  return ok_status();
}

Status CallService::hold(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || call->moh_playing || call->conference || call->consult ||
      !call->pending.empty())
    return Error{"invalid_state", "only a connected two-party call can be put on hold"};
  if (call->mixer) {
    (void)media_.destroy_mixer(call->mixer);
    call->mixer = 0;
  }
  (void)media_.play(call->caller->endpoint.id, music_on_hold());
  call->moh_playing = true;
  event(*call, "hold", {{"by", "agent"}});
  publish(*call, "held");
  return ok_status();
}

Status CallService::unhold(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || !call->moh_playing) return Error{"invalid_state", "call not on hold"};
  call->caller->held_by_peer = false;
  call->connected->held_by_peer = false;
  apply_hold_state(*call);
  return ok_status();
}

// Dials `target` for an operation; the answer (or failure) completes it.
Status CallService::dial_for(Call& call, const std::string& pending, const std::string& target) {
  const std::string caller_extension =
      call.caller->kind == "extension" ? call.caller->party : std::string();
  std::string failure;
  auto destination = resolve(target, caller_extension, failure);
  if (!destination) return Error{"not_found", "no route to " + target + " (" + failure + ")"};
  if (destination->kind == Destination::Kind::trunk && trunk_full(destination->outbound.trunk->id))
    return Error{"unavailable", "trunk channels full"};
  call.pending = pending;
  call.transfer_target = target;
  if (!dial(call, *destination, pending)) {
    call.pending.clear();
    call.transfer_target.clear();
    return Error{"unavailable", target + " cannot be reached"};
  }
  return ok_status();
}

Status CallService::blind_transfer(const std::string& uuid, const std::string& target) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || call->ending || !call->pending.empty() || call->consult)
    return Error{"invalid_state", "only a connected call can be transferred"};
  // The caller hears ringback while the target rings; the transferring party stays until the
  // target answers (and is then released), or gets the caller back if it does not.
  if (call->mixer) {
    (void)media_.destroy_mixer(call->mixer);
    call->mixer = 0;
  }
  stop_caller_tones(*call);
  play_ringback(*call);
  if (auto dialled = dial_for(*call, "transfer", target); !dialled) {
    connect(*call, *call->connected);
    return dialled;
  }
  event(*call, "transfer", {{"to", target}});
  return ok_status();
}

Status CallService::consult(const std::string& uuid, const std::string& target) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || call->ending || !call->pending.empty() || call->consult ||
      call->conference)
    return Error{"invalid_state", "only a connected two-party call can consult"};
  if (call->mixer) {
    (void)media_.destroy_mixer(call->mixer);
    call->mixer = 0;
  }
  stop_caller_tones(*call);
  (void)media_.play(call->caller->endpoint.id, music_on_hold());
  call->moh_playing = true;
  if (auto dialled = dial_for(*call, "consult", target); !dialled) {
    connect(*call, *call->connected);
    return dialled;
  }
  event(*call, "consult", {{"to", target}});
  publish(*call, "consulting");
  return ok_status();
}

Status CallService::complete_transfer(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->consult || !call->connected)
    return Error{"invalid_state", "no answered consultation to hand the caller to"};
  Leg* target = call->consult;
  Leg* previous = call->connected;
  call->consult = nullptr;
  if (call->consult_mixer) (void)media_.destroy_mixer(call->consult_mixer);
  call->consult_mixer = 0;
  call->connected = nullptr;
  end_leg(*call, *previous);
  event(*call, "transferred", {{"to", target->party}});
  connect(*call, *target);
  return ok_status();
}

Status CallService::cancel_consult(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || (!call->consult && call->pending != "consult"))
    return Error{"invalid_state", "no consultation in progress"};
  for (auto& leg : call->callees)
    if (leg->role == "consult" && leg->state != LegState::ended) end_leg(*call, *leg);
  call->consult = nullptr;
  if (call->consult_mixer) (void)media_.destroy_mixer(call->consult_mixer);
  call->consult_mixer = 0;
  call->pending.clear();
  call->transfer_target.clear();
  event(*call, "consult_cancelled", nlohmann::json::object());
  connect(*call, *call->connected);
  return ok_status();
}

Status CallService::conference(const std::string& uuid, const std::string& target) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || call->ending || !call->pending.empty() || call->consult)
    return Error{"invalid_state", "only a connected call can add a party"};
  if (auto dialled = dial_for(*call, "conference", target); !dialled) return dialled;
  event(*call, "conference_dialing", {{"to", target}});
  return ok_status();
}

Status CallService::park(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || call->ending || !call->pending.empty() || call->consult ||
      call->conference)
    return Error{"invalid_state", "only a connected two-party call can be parked"};
  if (call->mixer) {
    (void)media_.destroy_mixer(call->mixer);
    call->mixer = 0;
  }
  Leg* previous = call->connected;
  call->connected = nullptr;
  end_leg(*call, *previous);
  stop_caller_tones(*call);
  (void)media_.play(call->caller->endpoint.id, music_on_hold());
  call->moh_playing = true;
  call->parked = true;
  event(*call, "parked", {{"by", previous->party}});
  publish(*call, "parked");
  return ok_status();
}

Status CallService::retrieve(const std::string& uuid, const std::string& target) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->parked || !call->pending.empty()) return Error{"invalid_state", "call not parked"};
  return dial_for(*call, "retrieve", target);
}

Status CallService::answer(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->caller || call->caller->pending_invite == 0 || call->connected)
    return Error{"invalid_state", "the caller is already answered"};
  for (auto& leg : call->callees)
    if (leg->state != LegState::ended) end_leg(*call, *leg);
  if (call->ring_timer) call->ring_timer->cancel();
  stop_caller_tones(*call);
  answer_caller(*call);
  call->record.answered_at = call->caller->answered_at;
  event(*call, "answered", {{"party", "system"}});
  writer_.update(call->record);
  publish(*call, "answered");
  return ok_status();
}

Status CallService::perform(const CallAction& action) {
  auto task = std::make_shared<std::packaged_task<Status()>>([this, action]() -> Status {
    const auto& a = action.action;
    if (a == "hangup") return hangup(action.uuid, "api_hangup");
    if (a == "hold") return hold(action.uuid);
    if (a == "unhold") return unhold(action.uuid);
    if (a == "answer") return answer(action.uuid);
    if (a == "park") return park(action.uuid);
    if (a == "complete_transfer") return complete_transfer(action.uuid);
    if (a == "cancel_consult") return cancel_consult(action.uuid);
    if (action.target.empty()) return Error{"invalid", a + " needs a target"};
    if (a == "transfer") return blind_transfer(action.uuid, action.target);
    if (a == "consult") return consult(action.uuid, action.target);
    if (a == "conference") return conference(action.uuid, action.target);
    if (a == "retrieve") return retrieve(action.uuid, action.target);
    return Error{"invalid", "unknown action '" + a + "'"};
  });
  auto result = task->get_future();
  boost::asio::post(control_, [task] { (*task)(); });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    return Error{"unavailable", "the control thread did not answer"};
  return result.get();
}

std::vector<CallSummary> CallService::calls() const {
  std::vector<CallSummary> out;
  for (const auto& [uuid, call] : calls_) {
    CallSummary summary;
    summary.uuid = uuid;
    summary.direction = call->record.direction;
    summary.state = call->ending ? "ending" : call->connected ? "answered" : "ringing";
    summary.caller = call->record.caller;
    summary.callee = call->record.callee;
    summary.offered_at = call->record.offered_at;
    out.push_back(summary);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Media

void CallService::play_ringback(Call& call) {
  if (call.ringback_playing || !call.caller) return;
  media::PlayRequest request;
  request.items.push_back(media::PlaylistItem::of_tone(media::tones::ringback()));
  if (media_.play(call.caller->endpoint.id, std::move(request))) call.ringback_playing = true;
}

void CallService::stop_caller_tones(Call& call) {
  if ((call.ringback_playing || call.moh_playing) && call.caller)
    (void)media_.stop_playback(call.caller->endpoint.id);
  call.ringback_playing = false;
  call.moh_playing = false;
}

void CallService::on_media_event(const media::MediaEvent& event) {
  if (const auto* stats = std::get_if<media::RtcpStatsReport>(&event)) {
    if (!stats->final) return;
    const auto found = endpoints_.find(stats->endpoint);
    if (found == endpoints_.end()) return;
    auto [call, leg] = found->second;
    endpoints_.erase(found);
    leg->final_stats = stats->stats;
    if (call->ending && --call->awaiting_stats <= 0) finish(*call);
    return;
  }
  if (const auto* done = std::get_if<media::RecordingFinished>(&event)) {
    if (const auto message = message_recordings_.find(done->recording);
        message != message_recordings_.end()) {
      auto [uuid, application] = message->second;
      message_recordings_.erase(message);
      if (auto* call = find_call(uuid); call && call->app_recording == done->recording)
        call->app_recording = 0;
      application->message_recorded(uuid, *done);
      return;
    }
    const auto found = recordings_.find(done->recording);
    const auto started = recording_started_.find(done->recording);
    const EpochMs started_at = started != recording_started_.end() ? started->second : now_ms();
    if (started != recording_started_.end()) recording_started_.erase(started);
    if (found == recordings_.end()) {
      // The file can be ready before the call record is complete (it waits for media
      // statistics): keep it for finish().
      early_recordings_[done->recording] = {*done, started_at};
      return;
    }
    auto record = std::move(found->second);
    recordings_.erase(found);
    attach_recording(std::move(record), *done, started_at);
    return;
  }
  if (const auto* silent = std::get_if<media::MediaTimeout>(&event)) {
    if (silent->resumed || config_.calls.media_timeout_seconds == 0) return;
    const auto found = endpoints_.find(silent->endpoint);
    if (found == endpoints_.end()) return;
    auto [call, leg] = found->second;
    // Only a call in conversation: ringing legs send nothing yet, held legs may not.
    if (call->ending || leg->state != LegState::answered || leg->held_by_peer ||
        !call->record.answered_at)
      return;
    spdlog::warn("calls: {}: no media from {} for {} s, hanging up", call->uuid, leg->party,
                 silent->silent_ms / 1000);
    this->event(*call, "media_timeout", {{"party", leg->party}, {"silent_ms", silent->silent_ms}});
    end_call(*call, "answered", "media_timeout", "system");
    return;
  }
  // Keys and prompt ends go to the call's application (the IVR), if it has one.
  media::EndpointId endpoint = 0;
  if (const auto* digit = std::get_if<media::DtmfReceived>(&event)) endpoint = digit->endpoint;
  if (const auto* played = std::get_if<media::PlaybackFinished>(&event))
    endpoint = played->endpoint;
  if (endpoint != 0) {
    const auto found = endpoints_.find(endpoint);
    if (found != endpoints_.end() && found->second.call->application)
      application_event(*found->second.call, event);
    return;
  }
  if (const auto* error = std::get_if<media::MediaError>(&event)) {
    spdlog::warn("calls: media error on endpoint {}: {} {}", error->endpoint, error->code,
                 error->message);
  }
}

void CallService::attach_recording(store::CallRecord record, const media::RecordingFinished& done,
                                   EpochMs started_at) {
  if (!done.error.empty()) {
    spdlog::error("calls: recording of {} failed: {}", record.uuid, done.error);
    writer_.forget(record.uuid);
    return;
  }
  store::Recording recording;
  const auto root = std::filesystem::path(config_.data_dir);
  recording.path = std::filesystem::path(done.file_path).lexically_relative(root).string();
  recording.format = done.format == media::RecordingFormat::mp3    ? "mp3"
                     : done.format == media::RecordingFormat::opus ? "opus"
                                                                   : "wav";
  recording.mime_type = recording.format == "mp3"    ? "audio/mpeg"
                        : recording.format == "opus" ? "audio/ogg"
                                                     : "audio/wav";
  recording.started_at = started_at;
  recording.duration_ms = done.duration_ms;
  recording.bytes = static_cast<std::int64_t>(done.bytes);
  recording.sha256 = done.sha256;
  recording.created_at = now_ms();
  const auto uuid = record.uuid;
  writer_.attach_recording(std::move(record), std::move(recording));
  writer_.forget(uuid);
}

// ---------------------------------------------------------------------------------------------
// Session timers (RFC 4028)

void CallService::take_timer(Leg& leg, const sip::SessionTimerHeaders& timer, bool inbound_request,
                             bool peer_supports_timer) {
  if (!timer.session_expires) return;  // no timer asked for (or the callee ignored ours)
  leg.session_expires = std::max(*timer.session_expires, config_.calls.min_session_expires_seconds);
  if (inbound_request) {
    // The peer asked for a timer: it refreshes when it can, otherwise we do.
    leg.we_refresh = timer.refresher == "uas" || !peer_supports_timer;
  } else {
    // Answer to our INVITE: refresher=uac means us.
    leg.we_refresh = timer.refresher != "uas";
  }
}

std::vector<std::pair<std::string, std::string>> CallService::timer_headers(const Leg& leg) const {
  if (leg.session_expires == 0) return {};
  const char* refresher = leg.we_refresh ? "uas" : "uac";
  Headers headers = {
      {"Session-Expires", std::to_string(leg.session_expires) + ";refresher=" + refresher}};
  if (!leg.we_refresh) headers.emplace_back("Require", "timer");
  return headers;
}

void CallService::schedule_session_timer(Call& call, Leg& leg) {
  if (leg.session_expires == 0 || leg.state != LegState::answered) return;
  if (!leg.session_timer) leg.session_timer = std::make_unique<boost::asio::steady_timer>(control_);
  // We refresh at half the interval; a peer that should refresh gets the whole interval
  // (less a little slack, RFC 4028 section 10).
  const int seconds = leg.we_refresh ? leg.session_expires / 2
                                     : leg.session_expires - std::min(32, leg.session_expires / 3);
  leg.session_timer->expires_after(std::chrono::seconds(seconds));
  const std::string uuid = call.uuid;
  const auto leg_id = leg.id;
  leg.session_timer->async_wait([this, uuid, leg_id](const boost::system::error_code& ec) {
    if (ec) return;
    auto* c = find_call(uuid);
    if (!c || c->ending) return;
    Leg* target = c->caller && c->caller->id == leg_id ? c->caller.get() : nullptr;
    for (auto& other : c->callees)
      if (other->id == leg_id) target = other.get();
    if (!target || target->state != LegState::answered) return;
    if (target->we_refresh) {
      sip::DialogRequest refresh;
      refresh.dialog = target->dialog;
      refresh.method = "INVITE";
      refresh.content_type = "application/sdp";
      refresh.body = target->last_local_sdp;
      refresh.headers = {
          {"Supported", "timer"},
          {"Session-Expires", std::to_string(target->session_expires) + ";refresher=uac"}};
      sip_.stack().request(std::move(refresh));
      schedule_session_timer(*c, *target);
    } else {
      event(*c, "session_expired", {{"party", target->party}});
      end_call(*c, "answered", "session_timer_expired", "system");
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Ending

void CallService::end_leg(Call& call, Leg& leg) {
  if (leg.state == LegState::ended) return;
  if (leg.session_timer) leg.session_timer->cancel();
  if (leg.ack_timer) leg.ack_timer->cancel();
  const auto previous = leg.state;
  leg.state = LegState::ended;
  leg.ended_at = now_ms();
  release(call, leg);
  if (leg.inbound) {
    // Still ringing, the caller's INVITE gets its final answer in end_call.
    if (previous == LegState::answered) sip_.stack().request({leg.dialog, "BYE", {}, {}, {}});
  } else if (previous == LegState::answered) {
    sip_.stack().request({leg.dialog, "BYE", {}, {}, {}});
  } else {
    sip_.stack().cancel(leg.dialog);
  }
}

void CallService::end_call(Call& call, const std::string& disposition, const std::string& cause,
                           const std::string& side, int caller_status) {
  if (call.ending) return;
  call.ending = true;
  if (call.app_recording) (void)media_.stop_recording(call.app_recording);
  call.app_recording = 0;
  if (auto* application = std::exchange(call.application, nullptr)) {
    call.with_application = false;
    application->call_ended(call.uuid);
    // The applications underneath (the IVR under a queue) close their part of the call too.
    for (auto* earlier : std::exchange(call.earlier_applications, {}) | std::views::reverse)
      earlier->call_ended(call.uuid);
  }
  if (call.ring_timer) call.ring_timer->cancel();
  if (call.limit_timer) call.limit_timer->cancel();
  stop_caller_tones(call);
  if (call.recording) {
    (void)media_.stop_recording(call.recording);
  }
  const auto now = now_ms();
  if (call.caller) {
    Leg& caller = *call.caller;
    if (caller.pending_invite != 0) {
      reply(caller.pending_invite, caller_status ? caller_status : 480);
      caller.pending_invite = 0;
      caller.final_status = caller_status ? caller_status : 480;
      caller.state = LegState::ended;
      caller.ended_at = now;
      release(call, caller);
    }
    end_leg(call, caller);
  }
  for (auto& leg : call.callees) end_leg(call, *leg);
  if (call.mixer) {
    (void)media_.destroy_mixer(call.mixer);
    call.mixer = 0;
  }
  call.record.ended_at = now;
  call.record.disposition = disposition;
  call.record.cause = cause;
  call.record.hangup_side = side;
  event(call, "ended", {{"disposition", disposition}, {"cause", cause}, {"side", side}});
  if (call.originated) report_origination(call, OriginateProgress::Stage::ended);
  release_channel(call);
  metrics_.counter_add("hotline_calls_ended_total", {{"disposition", disposition}});
  spdlog::info("calls: {} ended: {} ({}, {})", call.uuid, disposition, cause, side);
  // Destroying the endpoints makes the workers report final RTP statistics; the record is
  // completed when they arrive (or after a short wait).
  std::vector<Leg*> legs;
  if (call.caller) legs.push_back(call.caller.get());
  for (auto& leg : call.callees) legs.push_back(leg.get());
  for (Leg* leg : legs) {
    if (leg->endpoint.id == 0) continue;
    if (media_.destroy_endpoint(leg->endpoint.id)) {
      ++call.awaiting_stats;
    } else {
      endpoints_.erase(leg->endpoint.id);
    }
  }
  if (call.awaiting_stats == 0) return finish(call);
  call.linger_timer = std::make_unique<boost::asio::steady_timer>(control_);
  call.linger_timer->expires_after(kStatsWait);
  const std::string uuid = call.uuid;
  call.linger_timer->async_wait([this, uuid](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto* c = find_call(uuid)) finish(*c);
  });
}

void CallService::finish(Call& call) {
  if (call.linger_timer) call.linger_timer->cancel();
  auto& record = call.record;
  record.legs.clear();
  std::vector<Leg*> legs;
  if (call.caller) legs.push_back(call.caller.get());
  for (auto& leg : call.callees) legs.push_back(leg.get());
  for (Leg* leg : legs) {
    store::CallLegRecord out;
    out.role = leg->role;
    out.party = leg->party;
    out.kind = leg->kind;
    out.contact = leg->contact;
    out.sip_call_id = leg->sip_call_id;
    out.started_at = leg->started_at;
    out.answered_at = leg->answered_at;
    out.ended_at = leg->ended_at;
    out.final_status = leg->final_status;
    if (leg->final_stats) {
      out.loss_percent = leg->final_stats->loss_percent;
      out.jitter_ms = leg->final_stats->max_jitter_ms;
    }
    record.legs.push_back(out);
    if (leg->endpoint.id) endpoints_.erase(leg->endpoint.id);
  }
  if (call.caller && call.caller->final_stats) {
    record.caller_loss_percent = call.caller->final_stats->loss_percent;
    record.caller_jitter_ms = call.caller->final_stats->max_jitter_ms;
  }
  if (call.connected && call.connected->final_stats) {
    record.callee_loss_percent = call.connected->final_stats->loss_percent;
    record.callee_jitter_ms = call.connected->final_stats->max_jitter_ms;
  }
  writer_.update(record);
  if (call.recording) {
    if (auto early = early_recordings_.find(call.recording); early != early_recordings_.end()) {
      auto [done, started_at] = std::move(early->second);
      early_recordings_.erase(early);
      attach_recording(record, done, started_at);
    } else {
      recordings_[call.recording] = record;
    }
  } else {
    writer_.forget(record.uuid);
  }
  publish(call, "ended");
  // Dialogs whose BYE or CANCEL is still in flight are released when the answer comes, or
  // by this timer if it never does.
  std::vector<sip::DialogId> open;
  for (Leg* leg : legs)
    if (dialogs_.count(leg->dialog)) open.push_back(leg->dialog);
  for (auto dialog : open) dialogs_.erase(dialog);
  if (!open.empty()) {
    auto timer = std::make_shared<boost::asio::steady_timer>(control_, kDialogLinger);
    timer->async_wait([this, timer, open](const boost::system::error_code& ec) {
      if (ec) return;
      for (auto dialog : open) sip_.stack().release(dialog);
    });
  }
  calls_.erase(call.uuid);  // `call` is gone after this line
  metrics_.gauge_set("hotline_calls_active", {}, static_cast<double>(calls_.size()));
}

// ---------------------------------------------------------------------------------------------
// Helpers

void CallService::reply(std::uint64_t request_id, int status, std::string phrase, Headers headers,
                        std::string body) {
  if (request_id == 0) return;
  sip::Reply reply;
  reply.id = request_id;
  reply.status = status;
  reply.phrase = std::move(phrase);
  reply.headers = std::move(headers);
  if (!body.empty()) {
    reply.content_type = "application/sdp";
    reply.body = std::move(body);
  }
  sip_.stack().reply(std::move(reply));
}

void CallService::event(Call& call, const std::string& type, nlohmann::json detail) {
  writer_.event(call.uuid, now_ms(), type, detail.dump());
}

void CallService::publish(const Call& call, const std::string& state) {
  // Numbers stay out of the bus payload: subscribers with the right permission read the
  // call record.
  events_.publish({"call.state",
                   {{"uuid", call.uuid},
                    {"state", state},
                    {"direction", call.record.direction},
                    {"answered_by", call.record.answered_by}},
                   "calls.read"});
}

std::optional<CallService::LegRef> CallService::find(sip::DialogId dialog) {
  const auto found = dialogs_.find(dialog);
  if (found == dialogs_.end()) return std::nullopt;
  return found->second;
}

Call* CallService::find_call(const std::string& uuid) {
  const auto found = calls_.find(uuid);
  return found == calls_.end() ? nullptr : found->second.get();
}

std::string CallService::our_uri(const std::string& user) const {
  const auto& listen = config_.sip.listen;
  const std::string host = domain_.find(':') != std::string::npos ? "[" + domain_ + "]" : domain_;
  return "sip:" + (user.empty() ? std::string("anonymous") : user) + "@" + host + ":" +
         std::to_string(listen.port);
}

void CallService::count_channel(Call& call, store::Id trunk_id) {
  if (call.counted_trunk) return;
  call.counted_trunk = trunk_id;
  ++channels_[trunk_id];
}

void CallService::release_channel(Call& call) {
  if (!call.counted_trunk) return;
  auto& count = channels_[*call.counted_trunk];
  if (count > 0) --count;
  call.counted_trunk.reset();
}

bool CallService::trunk_full(store::Id trunk_id) const {
  const auto* trunk = routing_.trunk(trunk_id);
  if (!trunk) return false;
  return active_channels(trunk_id) >= trunk->max_channels;
}

int CallService::active_channels(store::Id trunk_id) const {
  const auto found = channels_.find(trunk_id);
  return found == channels_.end() ? 0 : found->second;
}

}  // namespace hotline::call
