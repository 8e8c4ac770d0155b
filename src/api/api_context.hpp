#pragma once
// What route handlers share: the database, services and the running configuration.
#include "acd/acd_service.hpp"
#include "api/audit_logger.hpp"
#include "api/auth_service.hpp"
#include "call/call_service.hpp"
#include "common/config.hpp"
#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "common/secret_box.hpp"
#include "ivr/ivr_service.hpp"
#include "media/speech_synthesizer.hpp"
#include "sip/sip_service.hpp"
#include "store/call_repository.hpp"
#include "store/database.hpp"
#include "store/inbound_route_repository.hpp"
#include "store/org_unit_repository.hpp"
#include "store/outbound_rule_repository.hpp"
#include "store/recording_repository.hpp"
#include "store/role_repository.hpp"
#include "store/user_repository.hpp"

namespace hotline::api {

class Router;

struct ApiContext {
  const Config& config;
  store::Database& db;
  AuthService& auth;
  AuditLogger& audit;
  Metrics& metrics;
  EventBus& events;
  sip::SipService* sip = nullptr;             // null when SIP is not running (tools, unit tests)
  call::CallService* call_service = nullptr;  // likewise
  // The data dir's key for secrets in the database (trunk passwords); null in tools and unit
  // tests, where the trunk routes answer 503.
  const SecretBox* secrets = nullptr;
  // IVR runtime and speech: null in tools and unit tests, where the routes that need them
  // (test query, speech preview) answer 503.
  ivr::IvrService* ivr = nullptr;
  media::SpeechSynthesizer* speech = nullptr;
  // The ACD: null in tools and unit tests, where the agent routes answer 503.
  acd::AcdService* acd = nullptr;
  store::UserRepository users{db};
  store::RoleRepository roles{db};
  store::OrgUnitRepository org_units{db};
  store::InboundRouteRepository inbound_routes{db};
  store::OutboundRuleRepository outbound_rules{db};
  store::CallRepository calls{db};
  store::RecordingRepository recordings{db};
};

// Adds every REST route of the foundation; later modules add theirs beside these.
void register_routes(Router& router, ApiContext& context);

void register_system_routes(Router& router, ApiContext& context);
void register_auth_routes(Router& router, ApiContext& context);
void register_user_routes(Router& router, ApiContext& context);
void register_role_routes(Router& router, ApiContext& context);
void register_org_routes(Router& router, ApiContext& context);
void register_audit_routes(Router& router, ApiContext& context);
void register_sip_routes(Router& router, ApiContext& context);
void register_telephony_routes(Router& router, ApiContext& context);
void register_call_routes(Router& router, ApiContext& context);
void register_recording_routes(Router& router, ApiContext& context);
// IVR (issue 5): flows, calendars, prompts, data sources; voice messages; survey ratings.
void register_ivr_flow_routes(Router& router, ApiContext& context);
void register_ivr_calendar_routes(Router& router, ApiContext& context);
void register_ivr_prompt_routes(Router& router, ApiContext& context);
void register_ivr_data_source_routes(Router& router, ApiContext& context);
void register_message_routes(Router& router, ApiContext& context);
void register_survey_routes(Router& router, ApiContext& context);
// ACD and CTI (issue 6): queues and not-ready reasons; agents, the soft phone bar, the wallboard
// and the screen pop; missed calls.
void register_queue_routes(Router& router, ApiContext& context);
void register_agent_routes(Router& router, ApiContext& context);
void register_missed_call_routes(Router& router, ApiContext& context);

}  // namespace hotline::api
