#include "app/daemon.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>

#include "acd/acd_service.hpp"
#include "api/api_context.hpp"
#include "api/http/http_server.hpp"
#include "api/http/router.hpp"
#include "api/request_auth.hpp"
#include "app/control_thread.hpp"
#include "app/demo_data.hpp"
#include "app/queue_audio_source.hpp"
#include "call/call_service.hpp"
#include "common/logging.hpp"
#include "common/random.hpp"
#include "common/secret_box.hpp"
#include "common/version.hpp"
#include "ivr/ivr_service.hpp"
#include "media/media_engine.hpp"
#include "media/speech_synthesizer.hpp"
#include "sip/sip_service.hpp"
#include "store/migrations.hpp"
#include "store/role_repository.hpp"
#include "store/session_repository.hpp"
#include "store/user_repository.hpp"

namespace hotline::app {

namespace {

// Common start-up: logging, crypto, data dir, database at the current schema.
Result<std::unique_ptr<store::Database>> open_storage(const Config& config) {
  if (auto logging = init_logging(config.log.level, config.log.file); !logging)
    return logging.error();
  if (!init_crypto()) return Error{"crypto", "libsodium failed to initialise"};
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec)
    return Error{"data_dir",
                 "server.data_dir: cannot create '" + config.data_dir + "': " + ec.message()};
  const auto url = config.effective_database_url();
  auto db = store::Database::open(url, config.database.pool_size);
  if (!db) return db.error();
  spdlog::info("database: {} ({})", store::redact_database_url(url), (*db)->dialect_name());
  if (auto migrated = store::migrate(**db); !migrated) return migrated.error();
  if (auto synced = store::RoleRepository(**db).sync_builtin_roles(); !synced)
    return synced.error();
  return std::move(*db);
}

// Runs `work` on the control thread and waits for its status.
Status run_on(boost::asio::io_context& io, std::function<Status()> work) {
  auto task = std::make_shared<std::packaged_task<Status()>>(std::move(work));
  auto result = task->get_future();
  boost::asio::post(io, [task] { (*task)(); });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    return Error{"unavailable", "the control thread did not answer"};
  return result.get();
}

int fail(const Error& error) {
  spdlog::critical("{}", error.message);
  std::cerr << "hotlined: " << error.message << "\n";
  return 1;
}

}  // namespace

int run_migrate(const Config& config) {
  auto db = open_storage(config);
  if (!db) return fail(db.error());
  auto version = store::schema_version(**db);
  std::cout << "schema version " << (version ? *version : -1) << "\n";
  return 0;
}

int run_init_admin(const Config& config, const InitAdminOptions& options) {
  auto db = open_storage(config);
  if (!db) return fail(db.error());
  std::string password;
  if (!options.password_env.empty()) {
    const char* value = std::getenv(options.password_env.c_str());
    if (!value)
      return fail({"init_admin", "environment variable " + options.password_env + " is not set"});
    password = value;
  } else {
    std::cerr << "password for " << options.username << ": ";
    std::getline(std::cin, password);
  }
  AuthConfig auth = config.auth;
  api::AuthService service(**db, auth);
  auto hash = service.hash_checked(password, options.username);
  if (!hash) return fail(hash.error());
  store::UserRepository users(**db);
  auto existing = users.find_credentials(options.username);
  if (!existing) return fail(existing.error());
  if (*existing) {
    const auto id = (*existing)->user.id;
    store::UserChanges changes;
    changes.status = "active";
    changes.roles = std::vector<std::string>{"admin"};
    if (auto updated = users.update(id, changes); !updated) return fail(updated.error());
    if (auto set = users.set_password(id, *hash); !set) return fail(set.error());
    if (auto unlocked = users.unlock(id); !unlocked) return fail(unlocked.error());
    std::cout << "administrator '" << options.username << "' reset\n";
  } else {
    store::NewUser user;
    user.username = options.username;
    user.display_name = options.display_name;
    user.password_hash = *hash;
    user.roles = {"admin"};
    if (auto created = users.create(user); !created) return fail(created.error());
    std::cout << "administrator '" << options.username << "' created\n";
  }
  store::AuditRepository audit(**db);
  store::AuditEntry entry;
  entry.at = now_ms();
  entry.source_ip = "local";
  entry.action = "user.init_admin";
  entry.target_type = "user";
  entry.target_id = options.username;
  (void)audit.append(entry);
  return 0;
}

int run_daemon(const Config& config) {
  // Signals are taken synchronously by the main thread; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto opened = open_storage(config);
  if (!opened) return fail(opened.error());
  auto& db = **opened;
  spdlog::info("hotlined {} starting", kVersion);

  // Secrets kept in the database (trunk passwords) are sealed with this key: back it up.
  auto secrets =
      SecretBox::open_key_file((std::filesystem::path(config.data_dir) / "secret.key").string());
  if (!secrets) return fail(secrets.error());
  store::UserRepository users(db);
  if (config.demo) {
    auto loaded = load_demo_data(db, *secrets, config.sip.realm);
    if (!loaded) return fail(loaded.error());
    if (*loaded) spdlog::info("demo data loaded");
  }
  if (auto demo_users = users.count_demo_users(); demo_users && *demo_users > 0)
    spdlog::warn(
        "DEMO ACCOUNTS ARE ACTIVE ({} users with the published demo password): "
        "do not expose this instance; disable them before real use",
        *demo_users);
  if (auto count = users.count(); count && *count == 0)
    spdlog::warn(
        "no user accounts yet: create the first administrator with "
        "'hotlined init-admin --username admin'");

  Metrics metrics;
  metrics.describe("hotline_build_info", "gauge", "Build information");
  metrics.gauge_set("hotline_build_info", {{"version", kVersion}, {"database", db.dialect_name()}},
                    1);
  metrics.describe("process_start_time_seconds", "gauge",
                   "Start time of the process (Unix seconds)");
  metrics.gauge_set("process_start_time_seconds", {}, static_cast<double>(now_ms()) / 1000.0);
  EventBus events;
  api::AuthService auth(db, config.auth);
  api::AuditLogger audit(db);
  // The control thread owns SIP (and later call) state; see control_thread.hpp.
  ControlThread control;
  media::MediaEngineConfig media_config;
  auto ports = media::parse_port_range(config.calls.rtp_ports);
  if (!ports) return fail({"config_invalid", "calls.rtp_ports: " + ports.error().message});
  media_config.rtp_ports = *ports;
  media_config.workers = static_cast<unsigned>(config.calls.media_workers);
  // The engine reports silence after this long; CallService hangs up on it (0: never).
  media_config.endpoint.media_timeout =
      config.calls.media_timeout_seconds > 0
          ? std::chrono::milliseconds(config.calls.media_timeout_seconds * 1000LL)
          : std::chrono::milliseconds(std::chrono::hours(24 * 365));
  auto media = media::MediaEngine::start(media_config);
  if (!media) return fail(media.error());
  auto sip = sip::SipService::start(config.sip, db, events, metrics, control.context(), &*secrets);
  if (!sip) return fail(sip.error());
  spdlog::info("sip: listening on {}:{} (UDP and TCP), realm '{}'", config.sip.listen.host,
               config.sip.listen.port, config.sip.realm);
  // Calls: the B2BUA lives on the control thread; media events are drained there too.
  auto calls = std::make_unique<call::CallService>(config, db, *secrets, **sip, **media, events,
                                                   metrics, control.context());
  {
    auto* service = calls.get();
    auto* engine = media->get();
    auto& io = control.context();
    engine->events().set_notifier([service, engine, &io] {
      boost::asio::post(io, [service, engine] {
        while (auto event = engine->events().try_pop()) service->on_media_event(*event);
      });
    });
    auto started = run_on(io, [service, sip_service = sip->get()] {
      sip_service->set_call_handler(service);
      return service->start();
    });
    if (!started) return fail(started.error());
  }
  // IVR: the call application behind "ivr" routes; speech made with espeak-ng, cached on disk.
  media::SpeechSynthesizerConfig speech_config;
  speech_config.cache_dir = std::filesystem::path(config.data_dir) / "tts";
  speech_config.voice.rate_wpm = config.ivr.tts_rate;
  auto speech = std::make_unique<media::SpeechSynthesizer>(speech_config, (*media)->prompts());
  auto ivr = std::make_unique<ivr::IvrService>(config, db, *secrets, *calls, **media, *speech,
                                               events, metrics, control.context());
  if (auto started = run_on(control.context(), [&ivr] { return ivr->start(); }); !started)
    return fail(started.error());
  // ACD: queues behind "queue" routes and the IVR's queue node, with the IVR's voice and prompts.
  auto queue_audio =
      std::make_unique<QueueAudioSource>(config, **media, *speech, *ivr, control.context());
  auto acd = std::make_unique<acd::AcdService>(config, db, *calls, *queue_audio, events, metrics,
                                               control.context());
  if (auto started =
          run_on(control.context(),
                 [&acd, &ivr] {
                   ivr->set_queue_handoff(
                       [service = acd.get()](const std::string& uuid, const std::string& queue,
                                             int priority, const nlohmann::json& context) {
                         return service->enqueue_from_ivr(uuid, queue, priority, context);
                       });
                   return acd->start();
                 });
      !started)
    return fail(started.error());
  api::ApiContext context{config, db, auth, audit, metrics, events};
  context.sip = sip->get();
  context.secrets = &*secrets;
  context.call_service = calls.get();
  context.ivr = ivr.get();
  context.speech = speech.get();
  context.acd = acd.get();
  api::Router router;
  api::register_routes(router, context);

  api::ServerOptions options;
  options.listen = config.http.listen;
  options.body_limit_bytes = config.http.body_limit_bytes;
  options.request_timeout_seconds = config.http.request_timeout_seconds;
  options.web_root = config.http.web_root;
  options.threads = config.http.threads;
  options.version = kVersion;
  api::HttpServer server(
      options, router,
      [&auth](const api::Request& r) { return api::authenticate_request(auth, r); }, metrics,
      events);
  if (auto started = server.start(); !started) return fail(started.error());
  spdlog::info("serving http://{}:{}/ (web UI from {})", config.http.listen.host, server.port(),
               config.http.web_root);

  store::SessionRepository sessions(db);
  for (;;) {
    timespec timeout{60, 0};
    const int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal == SIGINT || signal == SIGTERM) {
      spdlog::info("signal {} received: stopping", signal);
      break;
    }
    if (auto purged = sessions.purge_expired(now_ms()); purged && *purged > 0)
      spdlog::debug("purged {} expired sessions", *purged);
  }
  server.stop();
  (void)run_on(control.context(), [&calls, &sip] {
    calls->shutdown();  // IVR sessions end with their calls
    (*sip)->set_call_handler(nullptr);
    (*sip)->stop_trunk_registrations();
    return ok_status();
  });
  control.stop();
  (*media)->events().set_notifier(nullptr);
  sip->reset();  // after the control thread: its handlers use the service
  acd.reset();
  queue_audio.reset();
  ivr.reset();
  speech.reset();  // it fills the media engine's prompt cache
  calls.reset();
  media->reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace hotline::app
