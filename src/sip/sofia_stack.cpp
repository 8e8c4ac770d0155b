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
  request.received_at = now_ms();
  return request;
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
  std::unordered_map<std::uint64_t, nta_incoming_t*> pending;
  std::unordered_map<nta_outgoing_t*, nta_leg_t*> keepalives;  // in flight

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
    nta_incoming_t* irq = nta_incoming_create(agent, nullptr, msg, sip, TAG_END());
    if (irq == nullptr) {
      msg_destroy(msg);
      return;
    }
    request.id = next_id++;
    pending[request.id] = irq;
    callbacks.on_request(std::move(request));
  }

  void send_reply(const Reply& reply) {
    const auto found = pending.find(reply.id);
    if (found == pending.end()) return;
    nta_incoming_t* irq = found->second;
    pending.erase(found);
    if (reply.status >= 100) {
      std::string headers;
      for (const auto& [name, value] : reply.headers) {
        if (!headers.empty()) headers += "\r\n";
        headers += name + ": " + value;
      }
      const char* phrase =
          reply.phrase.empty() ? sip_status_phrase(reply.status) : reply.phrase.c_str();
      nta_incoming_treply(irq, reply.status, phrase, SIPTAG_SERVER_STR(options.server_name.c_str()),
                          TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());
    }
    nta_incoming_destroy(irq);
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
    agent = nta_agent_create(root, URL_STRING_MAKE((base + ";transport=udp").c_str()),
                             &Impl::on_message, this, NTATAG_SERVER_RPORT(1),
                             NTATAG_CLIENT_RPORT(1), TAG_END());
    if (agent == nullptr ||
        nta_agent_add_tport(agent, URL_STRING_MAKE((base + ";transport=tcp").c_str()), TAG_END()) !=
            0) {
      started.set_value(Error{"sip_listen", "sip.listen: cannot listen on " + listen.host + ":" +
                                                std::to_string(listen.port) + " (UDP and TCP)"});
      teardown();
      return;
    }
    started.set_value(ok_status());
    su_root_run(root);
    teardown();
  }

  void teardown() {
    for (auto& [id, irq] : pending) nta_incoming_destroy(irq);
    pending.clear();
    for (auto& [orq, leg] : keepalives) {
      nta_outgoing_destroy(orq);
      nta_leg_destroy(leg);
    }
    keepalives.clear();
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

void SofiaStack::unblock(const std::string& address) {
  Impl* impl = impl_.get();
  impl->post([impl, address] { impl->gate.unblock(address); });
}

}  // namespace hotline::sip
