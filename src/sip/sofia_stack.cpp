#include "sip/sofia_stack.hpp"

// sofia-sip context pointers: we use plain void* and cast, so no sofia type leaks out.
#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#define NTA_AGENT_MAGIC_T void
#define NTA_INCOMING_MAGIC_T void
#define NTA_OUTGOING_MAGIC_T void
#define NTA_LEG_MAGIC_T void

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/url.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/random.hpp"
#include "sip/security_gate.hpp"

namespace hotline::sip {

namespace {

constexpr unsigned kUdpBufferBytes = 4 * 1024 * 1024;

std::string url_text(const url_t* url) {
  if (url == nullptr) return {};
  const auto needed = url_e(nullptr, 0, url);
  if (needed <= 0) return {};
  std::string text(static_cast<std::size_t>(needed) + 1, '\0');
  url_e(text.data(), static_cast<isize_t>(text.size()), url);
  text.resize(static_cast<std::size_t>(needed));
  return text;
}

std::string or_empty(const char* text) {
  return text ? std::string(text) : std::string();
}

std::optional<int> parse_delta(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  long value = 0;
  for (const char* p = text; *p; ++p) {
    if (*p < '0' || *p > '9') return std::nullopt;
    value = value * 10 + (*p - '0');
    if (value > 100000000) return std::nullopt;
  }
  return static_cast<int>(value);
}

SourceAddress source_of(msg_t* msg) {
  SourceAddress source;
  const su_addrinfo_t* ai = msg_addrinfo(msg);
  if (ai == nullptr || ai->ai_addr == nullptr) return source;
  const auto* su = reinterpret_cast<const su_sockaddr_t*>(ai->ai_addr);
  char host[INET6_ADDRSTRLEN] = {0};
  if (su->su_family == AF_INET) {
    inet_ntop(AF_INET, &su->su_sin.sin_addr, host, sizeof host);
    source.port = ntohs(su->su_sin.sin_port);
  } else if (su->su_family == AF_INET6) {
    inet_ntop(AF_INET6, &su->su_sin6.sin6_addr, host, sizeof host);
    source.port = ntohs(su->su_sin6.sin6_port);
  }
  source.host = host;
  source.transport = ai->ai_protocol == IPPROTO_TCP ? "tcp" : "udp";
  return source;
}

// Authorization header back to text, for our own digest parser.
std::string authorization_text(const msg_auth_t* auth) {
  std::string text = or_empty(auth->au_scheme);
  if (auth->au_params) {
    bool first = true;
    for (auto p = auth->au_params; *p; ++p) {
      text += first ? " " : ", ";
      text += *p;
      first = false;
    }
  }
  return text;
}

std::vector<std::string> option_tags(const msg_list_t* list) {
  std::vector<std::string> tags;
  for (; list; list = list->k_next)
    if (list->k_items)
      for (auto item = list->k_items; *item; ++item) tags.emplace_back(*item);
  return tags;
}

SessionTimerHeaders timer_headers(const sip_t* sip) {
  SessionTimerHeaders timer;
  if (sip->sip_session_expires) {
    timer.session_expires = static_cast<int>(sip->sip_session_expires->x_delta);
    timer.refresher = or_empty(sip->sip_session_expires->x_refresher);
  }
  if (sip->sip_min_se) timer.min_se = static_cast<int>(sip->sip_min_se->min_delta);
  return timer;
}

IncomingRequest copy_request(const sip_t* sip, msg_t* msg) {
  IncomingRequest request;
  request.method = or_empty(sip->sip_request->rq_method_name);
  request.request_uri = url_text(sip->sip_request->rq_url);
  if (sip->sip_from) request.from_uri = url_text(sip->sip_from->a_url);
  if (sip->sip_to) {
    request.to_uri = url_text(sip->sip_to->a_url);
    request.to_user = or_empty(sip->sip_to->a_url->url_user);
  }
  if (sip->sip_call_id) request.call_id = or_empty(sip->sip_call_id->i_id);
  if (sip->sip_cseq) request.cseq = sip->sip_cseq->cs_seq;
  if (sip->sip_user_agent) request.user_agent = or_empty(sip->sip_user_agent->g_string);
  for (auto* auth = sip->sip_authorization; auth; auth = auth->au_next)
    request.authorizations.push_back(authorization_text(auth));
  for (auto* contact = sip->sip_contact; contact; contact = contact->m_next) {
    ContactEntry entry;
    entry.wildcard = contact->m_url->url_type == url_any;
    entry.uri = url_text(contact->m_url);
    entry.host = or_empty(contact->m_url->url_host);
    if (auto port = parse_delta(contact->m_url->url_port))
      entry.port = static_cast<std::uint16_t>(*port);
    entry.expires = parse_delta(contact->m_expires);
    request.contacts.push_back(std::move(entry));
  }
  if (sip->sip_expires) request.expires = static_cast<int>(sip->sip_expires->ex_delta);
  request.source = source_of(msg);
  // TLS arrives over TCP; the sender's Via says which.
  if (request.source.transport == "tcp" && sip->sip_via && sip->sip_via->v_protocol &&
      std::string_view(sip->sip_via->v_protocol).ends_with("TLS"))
    request.source.transport = "tls";
  request.received_at = now_ms();
  if (sip->sip_from) {
    request.from_user = or_empty(sip->sip_from->a_url->url_user);
    request.from_display = or_empty(sip->sip_from->a_display);
  }
  request.request_user = or_empty(sip->sip_request->rq_url->url_user);
  if (sip->sip_content_type) request.content_type = or_empty(sip->sip_content_type->c_type);
  if (sip->sip_payload && sip->sip_payload->pl_data)
    request.body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  request.supported = option_tags(sip->sip_supported);
  request.require = option_tags(sip->sip_require);
  request.timer = timer_headers(sip);
  if (sip->sip_refer_to) request.refer_to = url_text(sip->sip_refer_to->r_url);
  if (sip->sip_event) request.event = or_empty(sip->sip_event->o_type);
  if (sip->sip_reason) request.reason = or_empty(sip->sip_reason->re_protocol);
  return request;
}

std::string headers_text(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string text;
  for (const auto& [name, value] : headers) {
    if (!text.empty()) text += "\r\n";
    text += name + ": " + value;
  }
  return text;
}

std::string route_url(const SourceAddress& to) {
  const std::string host = to.host.find(':') != std::string::npos ? "[" + to.host + "]" : to.host;
  return "sip:" + host + ":" + std::to_string(to.port) + ";transport=" + to.transport;
}

}  // namespace

struct SofiaStack::Impl {
  SofiaStackOptions options;
  SofiaCallbacks callbacks;
  SecurityGate gate;
  std::thread thread;
  int wake_fd = -1;

  std::mutex mutex;  // guards `queue` only
  std::deque<std::function<void()>> queue;

  // Sofia-thread state.
  su_root_t* root = nullptr;
  nta_agent_t* agent = nullptr;
  int wait_index = -1;
  std::uint64_t next_id = 1;
  struct Pending {
    nta_incoming_t* irq = nullptr;
    DialogId creates = 0;  // a dialog-creating INVITE: its dialog, released on a failure reply
  };
  std::unordered_map<std::uint64_t, Pending> pending;
  std::unordered_map<nta_outgoing_t*, nta_leg_t*> keepalives;  // in flight
  struct RegisterInFlight {
    std::uint64_t key = 0;
    nta_leg_t* leg = nullptr;
  };
  std::unordered_map<nta_outgoing_t*, RegisterInFlight> registers;

  struct Dialog {
    nta_leg_t* leg = nullptr;
    std::string route;                 // every request of the dialog goes here
    nta_outgoing_t* invite = nullptr;  // our INVITE without a final answer yet
    bool confirmed = false;            // remote tag and target taken from a 2xx
  };
  std::atomic<DialogId> next_dialog{1};  // allocated on any thread by invite()
  std::unordered_map<DialogId, Dialog> dialogs;
  std::unordered_map<nta_leg_t*, DialogId> leg_dialogs;
  std::unordered_map<nta_incoming_t*, DialogId> invite_dialogs;  // CANCEL and ACK lookup
  // INVITE transactions answered 2xx, kept until their ACK arrives: in UA mode nta matches
  // that ACK to the transaction (which retransmits the 2xx until then), not to the leg.
  std::unordered_map<nta_incoming_t*, DialogId> awaiting_ack;
  std::unordered_map<nta_outgoing_t*, DialogId> outgoing;  // our requests in flight

  Impl(SofiaStackOptions o, SofiaCallbacks c)
      : options(std::move(o)),
        callbacks(std::move(c)),
        gate(options.scanner_user_agents, options.max_messages_per_second) {}

  void post(std::function<void()> work) {
    {
      std::lock_guard lock(mutex);
      queue.push_back(std::move(work));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_fd, &one, sizeof one);
  }

  void drain() {
    std::uint64_t count = 0;
    [[maybe_unused]] auto read = ::read(wake_fd, &count, sizeof count);
    std::deque<std::function<void()>> work;
    {
      std::lock_guard lock(mutex);
      work.swap(queue);
    }
    for (auto& item : work) item();
  }

  static int on_wakeup(void* magic, su_wait_t*, void*) {
    static_cast<Impl*>(magic)->drain();
    return 0;
  }

  static int on_message(void* magic, nta_agent_t*, msg_t* msg, sip_t* sip) {
    static_cast<Impl*>(magic)->handle(msg, sip);
    return 0;
  }

  void handle(msg_t* msg, sip_t* sip) {
    // Responses (to nothing we sent) and ACKs need no answer.
    if (sip == nullptr || sip->sip_request == nullptr ||
        sip->sip_request->rq_method == sip_method_ack) {
      msg_destroy(msg);
      return;
    }
    const auto source = source_of(msg);
    const std::string user_agent =
        sip->sip_user_agent ? or_empty(sip->sip_user_agent->g_string) : std::string();
    if (auto drop = gate.check(source.host, user_agent, now_ms())) {
      if (options.metrics)
        options.metrics->counter_add("hotline_sip_dropped_total", {{"reason", drop->reason}});
      if (drop->report && callbacks.on_drop)
        callbacks.on_drop(DropNotice{source, drop->reason, drop->detail});
      msg_destroy(msg);
      return;
    }
    auto request = copy_request(sip, msg);
    const bool creates_dialog = sip->sip_request->rq_method == sip_method_invite && sip->sip_to &&
                                sip->sip_to->a_tag == nullptr && sip->sip_from &&
                                sip->sip_from->a_tag != nullptr && sip->sip_call_id;
    nta_leg_t* leg = nullptr;
    if (creates_dialog) {
      // Local = their To, remote = their From; our tag goes on every response.
      leg = nta_leg_tcreate(agent, &Impl::on_leg_request, this, SIPTAG_CALL_ID(sip->sip_call_id),
                            SIPTAG_FROM(sip->sip_to), SIPTAG_TO(sip->sip_from), TAG_END());
      if (leg == nullptr || nta_leg_tag(leg, nullptr) == nullptr) {
        if (leg) nta_leg_destroy(leg);
        msg_destroy(msg);
        return;
      }
      nta_leg_server_route(leg, sip->sip_record_route, sip->sip_contact);
    }
    nta_incoming_t* irq = nta_incoming_create(agent, leg, msg, sip, TAG_END());
    if (irq == nullptr) {
      if (leg) nta_leg_destroy(leg);
      msg_destroy(msg);
      return;
    }
    request.id = next_id++;
    Pending entry{irq, 0};
    if (leg) {
      const DialogId id = next_dialog++;
      dialogs[id] = Dialog{leg, route_url(request.source), nullptr, true};
      leg_dialogs[leg] = id;
      invite_dialogs[irq] = id;
      nta_incoming_bind(irq, &Impl::on_invite_cancel, this);
      request.dialog = id;
      request.new_dialog = true;
      entry.creates = id;
    }
    pending[request.id] = entry;
    callbacks.on_request(std::move(request));
  }

  // A request inside one of our dialogs (ACK, BYE, re-INVITE, UPDATE, REFER, INFO, ...).
  static int on_leg_request(void* magic, nta_leg_t* leg, nta_incoming_t* irq, const sip_t* sip) {
    return static_cast<Impl*>(magic)->leg_request(leg, irq, sip);
  }

  int leg_request(nta_leg_t* leg, nta_incoming_t* irq, const sip_t* sip) {
    const auto found = leg_dialogs.find(leg);
    if (found == leg_dialogs.end()) return 481;
    msg_t* msg = nta_incoming_getrequest(irq);
    auto request = copy_request(sip, msg);
    msg_destroy(msg);
    request.dialog = found->second;
    if (sip->sip_request->rq_method == sip_method_ack) {
      nta_incoming_destroy(irq);
      callbacks.on_request(std::move(request));
      return 0;
    }
    request.id = next_id++;
    pending[request.id] = Pending{irq, 0};
    if (sip->sip_request->rq_method == sip_method_invite) {
      invite_dialogs[irq] = found->second;
      nta_incoming_bind(irq, &Impl::on_invite_cancel, this);
    }
    callbacks.on_request(std::move(request));
    return 0;
  }

  // CANCEL of an INVITE we have not answered (nta has answered the CANCEL 200 and the INVITE
  // 487), or the ACK of one we answered 2xx.
  static int on_invite_cancel(void* magic, nta_incoming_t* irq, const sip_t* sip) {
    auto* impl = static_cast<Impl*>(magic);
    if (sip == nullptr || sip->sip_request == nullptr) return 0;
    if (sip->sip_request->rq_method == sip_method_ack) {
      impl->acked(irq, sip);
      return 0;
    }
    if (sip->sip_request->rq_method != sip_method_cancel) return 0;
    const auto found = impl->invite_dialogs.find(irq);
    if (found == impl->invite_dialogs.end()) return 0;
    IncomingRequest notice;
    notice.method = "CANCEL";
    notice.dialog = found->second;
    notice.cancelled = true;
    if (sip->sip_reason) notice.reason = or_empty(sip->sip_reason->re_protocol);
    notice.received_at = now_ms();
    impl->callbacks.on_request(std::move(notice));
    return 0;
  }

  void acked(nta_incoming_t* irq, const sip_t* sip) {
    const auto found = awaiting_ack.find(irq);
    if (found == awaiting_ack.end()) return;
    IncomingRequest ack;
    ack.method = "ACK";
    ack.dialog = found->second;
    if (sip->sip_content_type) ack.content_type = or_empty(sip->sip_content_type->c_type);
    if (sip->sip_payload && sip->sip_payload->pl_data)
      ack.body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    ack.received_at = now_ms();
    awaiting_ack.erase(found);
    invite_dialogs.erase(irq);
    nta_incoming_destroy(irq);
    callbacks.on_request(std::move(ack));
  }

  sip_contact_t const* contact() const { return nta_agent_contact(agent); }

  void start_invite(DialogId id, const OutgoingInvite& invite) {
    const std::string from = "<" + invite.from_uri + ">";
    const std::string to = "<" + invite.to_uri + ">";
    nta_leg_t* leg = nta_leg_tcreate(
        agent, &Impl::on_leg_request, this, SIPTAG_FROM_STR(from.c_str()),
        SIPTAG_TO_STR(to.c_str()),
        TAG_IF(!invite.call_id.empty(), SIPTAG_CALL_ID_STR(invite.call_id.c_str())), TAG_END());
    if (leg == nullptr || nta_leg_tag(leg, nullptr) == nullptr) {
      if (leg) nta_leg_destroy(leg);
      return local_failure(id, "INVITE", 500, "Cannot create dialog");
    }
    Dialog dialog{leg, route_url(invite.destination), nullptr, false};
    const std::string headers = headers_text(invite.headers);
    std::string display_from;
    if (!invite.from_display.empty()) {
      display_from = "\"" + invite.from_display + "\" " + from + ";tag=" + nta_leg_get_tag(leg);
    }
    nta_outgoing_t* orq = nta_outgoing_tcreate(
        leg, &Impl::on_response, this, URL_STRING_MAKE(dialog.route.c_str()), SIP_METHOD_INVITE,
        URL_STRING_MAKE(invite.request_uri.c_str()), SIPTAG_CONTACT(contact()),
        TAG_IF(!display_from.empty(), SIPTAG_FROM_STR(display_from.c_str())),
        SIPTAG_USER_AGENT_STR(options.server_name.c_str()),
        TAG_IF(!invite.body.empty(), SIPTAG_CONTENT_TYPE_STR(invite.content_type.c_str())),
        TAG_IF(!invite.body.empty(), SIPTAG_PAYLOAD_STR(invite.body.c_str())),
        TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());
    if (orq == nullptr) {
      nta_leg_destroy(leg);
      return local_failure(id, "INVITE", 503, "Cannot send INVITE");
    }
    dialog.invite = orq;
    dialogs[id] = dialog;
    leg_dialogs[leg] = id;
    outgoing[orq] = id;
  }

  void send_in_dialog(const DialogRequest& request) {
    const auto found = dialogs.find(request.dialog);
    if (found == dialogs.end())
      return local_failure(request.dialog, request.method, 481, "No dialog");
    auto& dialog = found->second;
    const std::string headers = headers_text(request.headers);
    const sip_method_t method = sip_method_code(request.method.c_str());
    const bool invite = method == sip_method_invite;
    nta_outgoing_t* orq = nta_outgoing_tcreate(
        dialog.leg, &Impl::on_response, this, URL_STRING_MAKE(dialog.route.c_str()), method,
        request.method.c_str(), nullptr, TAG_IF(invite, SIPTAG_CONTACT(contact())),
        SIPTAG_USER_AGENT_STR(options.server_name.c_str()),
        TAG_IF(!request.body.empty(), SIPTAG_CONTENT_TYPE_STR(request.content_type.c_str())),
        TAG_IF(!request.body.empty(), SIPTAG_PAYLOAD_STR(request.body.c_str())),
        TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());
    if (orq == nullptr) return local_failure(request.dialog, request.method, 503, "Cannot send");
    if (invite) dialog.invite = orq;
    outgoing[orq] = request.dialog;
  }

  void local_failure(DialogId id, const std::string& method, int status, const char* phrase) {
    DialogResponse response;
    response.dialog = id;
    response.method = method;
    response.status = status;
    response.phrase = phrase;
    callbacks.on_response(std::move(response));
  }

  static int on_response(void* magic, nta_outgoing_t* orq, const sip_t* sip) {
    static_cast<Impl*>(magic)->response(orq, sip);
    return 0;
  }

  void response(nta_outgoing_t* orq, const sip_t* sip) {
    const auto owner = outgoing.find(orq);
    if (owner == outgoing.end()) return;
    const DialogId id = owner->second;
    DialogResponse response;
    response.dialog = id;
    response.method = or_empty(nta_outgoing_method_name(orq));
    response.cseq = nta_outgoing_cseq(orq);
    response.status =
        sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
    if (response.status == 100) return;
    if (sip) {
      if (sip->sip_status) response.phrase = or_empty(sip->sip_status->st_phrase);
      if (sip->sip_content_type) response.content_type = or_empty(sip->sip_content_type->c_type);
      if (sip->sip_payload && sip->sip_payload->pl_data)
        response.body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
      if (sip->sip_to) response.to_tag = or_empty(sip->sip_to->a_tag);
      response.timer = timer_headers(sip);
      response.require = option_tags(sip->sip_require);
      if (sip->sip_retry_after)
        response.retry_after = static_cast<int>(sip->sip_retry_after->af_delta);
    } else {
      response.phrase =
          sip_status_phrase(response.status) ? sip_status_phrase(response.status) : "";
    }
    const auto found = dialogs.find(id);
    const bool invite = nta_outgoing_method(orq) == sip_method_invite;
    if (invite && response.status >= 200 && response.status < 300 && found != dialogs.end() &&
        sip) {
      auto& dialog = found->second;
      if (!dialog.confirmed) {
        nta_leg_rtag(dialog.leg, sip->sip_to->a_tag);
        nta_leg_client_route(dialog.leg, sip->sip_record_route, sip->sip_contact);
        dialog.confirmed = true;
      }
      nta_outgoing_t* ack =
          nta_outgoing_tcreate(dialog.leg, nullptr, nullptr, URL_STRING_MAKE(dialog.route.c_str()),
                               SIP_METHOD_ACK, nullptr, SIPTAG_CSEQ(sip->sip_cseq), TAG_END());
      if (ack) nta_outgoing_destroy(ack);
    }
    if (response.status >= 200) {
      if (invite && found != dialogs.end() && found->second.invite == orq)
        found->second.invite = nullptr;
      outgoing.erase(owner);
      nta_outgoing_destroy(orq);
    }
    callbacks.on_response(std::move(response));
  }

  void cancel_invite(DialogId id) {
    const auto found = dialogs.find(id);
    if (found == dialogs.end() || found->second.invite == nullptr) return;
    nta_outgoing_cancel(found->second.invite);
  }

  void release_dialog(DialogId id) {
    const auto found = dialogs.find(id);
    if (found == dialogs.end()) return;
    for (auto it = outgoing.begin(); it != outgoing.end();) {
      if (it->second == id) {
        nta_outgoing_destroy(it->first);
        it = outgoing.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = awaiting_ack.begin(); it != awaiting_ack.end();) {
      if (it->second == id) {
        nta_incoming_destroy(it->first);
        it = awaiting_ack.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = invite_dialogs.begin(); it != invite_dialogs.end();)
      it = it->second == id ? invite_dialogs.erase(it) : std::next(it);
    leg_dialogs.erase(found->second.leg);
    nta_leg_destroy(found->second.leg);
    dialogs.erase(found);
  }

  void send_reply(const Reply& reply) {
    const auto found = pending.find(reply.id);
    if (found == pending.end()) return;
    nta_incoming_t* irq = found->second.irq;
    const DialogId creates = found->second.creates;
    const bool provisional = reply.status >= 100 && reply.status < 200;
    if (reply.status >= 100) {
      const std::string headers = headers_text(reply.headers);
      const char* phrase =
          reply.phrase.empty() ? sip_status_phrase(reply.status) : reply.phrase.c_str();
      const bool dialog_reply =
          nta_incoming_method(irq) == sip_method_invite && reply.status > 100 && reply.status < 300;
      nta_incoming_treply(
          irq, reply.status, phrase, SIPTAG_SERVER_STR(options.server_name.c_str()),
          TAG_IF(dialog_reply, SIPTAG_CONTACT(contact())),
          TAG_IF(!reply.body.empty(), SIPTAG_CONTENT_TYPE_STR(reply.content_type.c_str())),
          TAG_IF(!reply.body.empty(), SIPTAG_PAYLOAD_STR(reply.body.c_str())),
          TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());
    }
    if (provisional) return;
    pending.erase(found);
    const auto dialog = invite_dialogs.find(irq);
    if (dialog != invite_dialogs.end() && reply.status >= 200 && reply.status < 300) {
      awaiting_ack[irq] = dialog->second;  // destroyed when the ACK comes (or the dialog goes)
      return;
    }
    if (dialog != invite_dialogs.end()) invite_dialogs.erase(dialog);
    nta_incoming_destroy(irq);
    if (creates != 0 && (reply.status < 200 || reply.status >= 300)) release_dialog(creates);
  }

  void send_options(const std::string& request_uri, const SourceAddress& to) {
    if (keepalives.size() >= 10000) return;  // a backlog means peers are not answering
    const std::string from = "<sip:hotlined@" + options.listen.host + ">;tag=" + random_token(9);
    const std::string target = "<" + request_uri + ">";
    nta_leg_t* leg = nta_leg_tcreate(agent, nullptr, nullptr, SIPTAG_FROM_STR(from.c_str()),
                                     SIPTAG_TO_STR(target.c_str()), TAG_END());
    if (leg == nullptr) return;
    const std::string route = "sip:" + to.host_port() + ";transport=" + to.transport;
    nta_outgoing_t* orq = nta_outgoing_tcreate(
        leg, &Impl::on_keepalive_response, this, URL_STRING_MAKE(route.c_str()), SIP_METHOD_OPTIONS,
        URL_STRING_MAKE(request_uri.c_str()), SIPTAG_MAX_FORWARDS_STR("70"),
        SIPTAG_USER_AGENT_STR(options.server_name.c_str()), TAG_END());
    if (orq == nullptr) {
      nta_leg_destroy(leg);
      return;
    }
    keepalives[orq] = leg;
  }

  // Our Contact with a user part, on the agent's own address.
  std::string contact_for(const std::string& user) const {
    const sip_contact_t* ours = contact();
    if (ours == nullptr) return {};
    url_t url = *ours->m_url;
    url.url_user = user.c_str();
    return "<" + url_text(&url) + ">";
  }

  void send_register(const OutgoingRegister& request) {
    const std::string from = "<" + request.aor + ">;tag=" + random_token(9);
    const std::string to = "<" + request.aor + ">";
    const std::string cseq = std::to_string(request.cseq > 0 ? request.cseq - 1 : 0);
    nta_leg_t* leg = nta_leg_tcreate(
        agent, nullptr, nullptr, SIPTAG_FROM_STR(from.c_str()), SIPTAG_TO_STR(to.c_str()),
        SIPTAG_CALL_ID_STR(request.call_id.c_str()), SIPTAG_CSEQ_STR(cseq.c_str()), TAG_END());
    auto fail = [&](int status, const char* phrase) {
      RegisterResponse response;
      response.key = request.key;
      response.status = status;
      response.phrase = phrase;
      callbacks.on_register_response(std::move(response));
    };
    if (leg == nullptr) return fail(500, "Cannot create request");
    const std::string route = route_url(request.destination);
    const std::string contact_header = contact_for(request.contact_user);
    const std::string expires = std::to_string(request.expires);
    const bool with_auth = !request.authorization.empty();
    nta_outgoing_t* orq = nta_outgoing_tcreate(
        leg, &Impl::on_register_answer, this, URL_STRING_MAKE(route.c_str()), SIP_METHOD_REGISTER,
        URL_STRING_MAKE(request.registrar_uri.c_str()), SIPTAG_CONTACT_STR(contact_header.c_str()),
        SIPTAG_EXPIRES_STR(expires.c_str()), SIPTAG_USER_AGENT_STR(options.server_name.c_str()),
        TAG_IF(with_auth && !request.proxy_authorization,
               SIPTAG_AUTHORIZATION_STR(request.authorization.c_str())),
        TAG_IF(with_auth && request.proxy_authorization,
               SIPTAG_PROXY_AUTHORIZATION_STR(request.authorization.c_str())),
        TAG_END());
    if (orq == nullptr) {
      nta_leg_destroy(leg);
      return fail(503, "Cannot send REGISTER");
    }
    registers[orq] = {request.key, leg};
  }

  static int on_register_answer(void* magic, nta_outgoing_t* orq, const sip_t* sip) {
    auto* impl = static_cast<Impl*>(magic);
    const int status =
        sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
    if (status < 200) return 0;
    const auto found = impl->registers.find(orq);
    if (found == impl->registers.end()) return 0;
    RegisterResponse response;
    response.key = found->second.key;
    response.status = status;
    if (sip) {
      if (sip->sip_status) response.phrase = or_empty(sip->sip_status->st_phrase);
      if (sip->sip_www_authenticate) {
        response.challenge = authorization_text(sip->sip_www_authenticate);
      } else if (sip->sip_proxy_authenticate) {
        response.challenge = authorization_text(sip->sip_proxy_authenticate);
        response.proxy_challenge = true;
      }
      if (sip->sip_contact && sip->sip_contact->m_expires)
        response.expires = parse_delta(sip->sip_contact->m_expires);
      if (!response.expires && sip->sip_expires)
        response.expires = static_cast<int>(sip->sip_expires->ex_delta);
      if (sip->sip_min_expires)
        response.min_expires = static_cast<int>(sip->sip_min_expires->me_delta);
    } else {
      const char* phrase = sip_status_phrase(status);
      response.phrase = phrase ? phrase : "";
    }
    nta_outgoing_destroy(orq);
    nta_leg_destroy(found->second.leg);
    impl->registers.erase(found);
    impl->callbacks.on_register_response(std::move(response));
    return 0;
  }

  static int on_keepalive_response(void* magic, nta_outgoing_t* orq, const sip_t* sip) {
    auto* impl = static_cast<Impl*>(magic);
    const int status =
        sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
    if (status < 200) return 0;
    const auto found = impl->keepalives.find(orq);
    if (found != impl->keepalives.end()) {
      spdlog::debug("sip: keep-alive OPTIONS answered {}", status);
      nta_outgoing_destroy(orq);
      nta_leg_destroy(found->second);
      impl->keepalives.erase(found);
    }
    return 0;
  }

  // Runs on the sofia thread until su_root_break().
  void run(std::promise<Status>& started) {
    su_init();
    root = su_root_create(this);
    if (root == nullptr) {
      started.set_value(Error{"sip", "sofia-sip: cannot create su_root"});
      su_deinit();
      return;
    }
    su_wait_t wait[1];
    su_wait_create(wait, wake_fd, SU_WAIT_IN);
    wait_index = su_root_register(root, wait, &Impl::on_wakeup, nullptr, 0);
    const auto& listen = options.listen;
    const std::string host =
        listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host;
    const std::string base = "sip:" + host + ":" + std::to_string(listen.port);
    agent = nta_agent_create(
        root, URL_STRING_MAKE((base + ";transport=udp").c_str()), &Impl::on_message, this,
        NTATAG_SERVER_RPORT(1), NTATAG_CLIENT_RPORT(1), NTATAG_UA(1),
        // The kernel default (~200 KB) drops datagrams in call bursts;
        // lost answers turn into retransmissions and failed calls.
        TPTAG_UDP_RMEM(kUdpBufferBytes), TPTAG_UDP_WMEM(kUdpBufferBytes), TAG_END());
    if (agent == nullptr ||
        nta_agent_add_tport(agent, URL_STRING_MAKE((base + ";transport=tcp").c_str()), TAG_END()) !=
            0) {
      started.set_value(Error{"sip_listen", "sip.listen: cannot listen on " + listen.host + ":" +
                                                std::to_string(listen.port) + " (UDP and TCP)"});
      teardown();
      return;
    }
    if (!options.tls_certificate_dir.empty()) {
      const auto& tls = options.tls_listen;
      const std::string tls_host =
          tls.host.find(':') != std::string::npos ? "[" + tls.host + "]" : tls.host;
      const std::string url =
          "sips:" + tls_host + ":" + std::to_string(tls.port) + ";transport=tls";
      // Phones rarely present client certificates: do not ask for one.
      if (nta_agent_add_tport(agent, URL_STRING_MAKE(url.c_str()),
                              TPTAG_CERTIFICATE(options.tls_certificate_dir.c_str()),
                              TPTAG_TLS_VERIFY_POLICY(TPTLS_VERIFY_NONE), TAG_END()) != 0) {
        started.set_value(Error{"sip_tls", "sip.tls_listen: cannot listen on " + tls.host + ":" +
                                               std::to_string(tls.port) +
                                               " with the certificate in '" +
                                               options.tls_certificate_dir + "'"});
        teardown();
        return;
      }
    }
    started.set_value(ok_status());
    su_root_run(root);
    teardown();
  }

  void teardown() {
    for (auto& [id, entry] : pending) nta_incoming_destroy(entry.irq);
    pending.clear();
    for (auto& [irq, id] : awaiting_ack) nta_incoming_destroy(irq);
    awaiting_ack.clear();
    invite_dialogs.clear();
    for (auto& [orq, id] : outgoing) nta_outgoing_destroy(orq);
    outgoing.clear();
    for (auto& [id, dialog] : dialogs) nta_leg_destroy(dialog.leg);
    dialogs.clear();
    leg_dialogs.clear();
    for (auto& [orq, leg] : keepalives) {
      nta_outgoing_destroy(orq);
      nta_leg_destroy(leg);
    }
    keepalives.clear();
    for (auto& [orq, entry] : registers) {
      nta_outgoing_destroy(orq);
      nta_leg_destroy(entry.leg);
    }
    registers.clear();
    if (agent) nta_agent_destroy(agent);
    agent = nullptr;
    if (wait_index >= 0) su_root_deregister(root, wait_index);
    su_root_destroy(root);
    root = nullptr;
    su_deinit();
  }
};

Result<std::unique_ptr<SofiaStack>> SofiaStack::start(SofiaStackOptions options,
                                                      SofiaCallbacks callbacks) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(callbacks));
  impl->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl->wake_fd < 0) return Error{"sip", "eventfd failed"};
  std::promise<Status> started;
  auto result = started.get_future();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw, &started] { raw->run(started); });
  auto status = result.get();
  if (!status) {
    impl->thread.join();
    ::close(impl->wake_fd);
    return status.error();
  }
  return std::make_unique<SofiaStack>(std::move(impl));
}

SofiaStack::SofiaStack(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SofiaStack::~SofiaStack() {
  Impl* impl = impl_.get();
  impl->post([impl] { su_root_break(impl->root); });
  impl->thread.join();
  ::close(impl->wake_fd);
}

void SofiaStack::reply(Reply reply) {
  Impl* impl = impl_.get();
  impl->post([impl, reply = std::move(reply)] { impl->send_reply(reply); });
}

void SofiaStack::block(const std::string& address, EpochMs until) {
  Impl* impl = impl_.get();
  impl->post([impl, address, until] { impl->gate.block(address, until); });
}

void SofiaStack::send_options(const std::string& request_uri, const SourceAddress& destination) {
  Impl* impl = impl_.get();
  impl->post([impl, request_uri, destination] { impl->send_options(request_uri, destination); });
}

DialogId SofiaStack::invite(OutgoingInvite invite) {
  Impl* impl = impl_.get();
  const DialogId id = impl->next_dialog++;
  impl->post([impl, id, invite = std::move(invite)] { impl->start_invite(id, invite); });
  return id;
}

void SofiaStack::cancel(DialogId dialog) {
  Impl* impl = impl_.get();
  impl->post([impl, dialog] { impl->cancel_invite(dialog); });
}

void SofiaStack::request(DialogRequest request) {
  Impl* impl = impl_.get();
  impl->post([impl, request = std::move(request)] { impl->send_in_dialog(request); });
}

void SofiaStack::release(DialogId dialog) {
  Impl* impl = impl_.get();
  impl->post([impl, dialog] { impl->release_dialog(dialog); });
}

void SofiaStack::register_out(OutgoingRegister request) {
  Impl* impl = impl_.get();
  impl->post([impl, request = std::move(request)] { impl->send_register(request); });
}

void SofiaStack::unblock(const std::string& address) {
  Impl* impl = impl_.get();
  impl->post([impl, address] { impl->gate.unblock(address); });
}

}  // namespace hotline::sip
