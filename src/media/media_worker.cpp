#include "media/media_worker.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace hotline::media {

namespace {

// After a stall longer than this the missed ticks are skipped rather than replayed in a burst.
constexpr std::uint64_t kMaxCatchUpTicks = 50;
constexpr int kMaxEventsPerWait = 64;

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

struct MediaWorker::Watch {
  enum class Kind { timer, wake, rtp, rtcp };
  Kind kind;
  RtpSession* session = nullptr;
};

struct MediaWorker::EndpointSlot {
  std::unique_ptr<RtpSession> session;
  Watch rtp_watch{Watch::Kind::rtp};
  Watch rtcp_watch{Watch::Kind::rtcp};
};

struct MediaWorker::Mixer {
  struct Member {
    RtpSession* session = nullptr;
    PartyMode mode = PartyMode::speak_to_all;
    EndpointId target = 0;
  };
  MixerId id = 0;
  std::vector<Member> members;
  std::vector<MixerParty> parties;  // rebuilt per tick, capacity kept
};

struct MediaWorker::RecordingTap {
  std::shared_ptr<RecordingSink> sink;
};

MediaWorker::MediaWorker(MediaEventQueue& events, unsigned index, int realtime_priority)
    : events_(events),
      index_(index),
      realtime_priority_(realtime_priority),
      timer_watch_(std::make_unique<Watch>(Watch{Watch::Kind::timer})),
      wake_watch_(std::make_unique<Watch>(Watch{Watch::Kind::wake})),
      receive_batch_(16, kMaxDatagramBytes) {}

MediaWorker::~MediaWorker() {
  stopping_.store(true);
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
  close_everything();  // if the thread never ran
  for (const int fd : {epoll_fd_, timer_fd_, wake_fd_})
    if (fd >= 0) ::close(fd);
}

Status MediaWorker::start() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || timer_fd_ < 0 || wake_fd_ < 0)
    return Error{"worker_start_failed", std::strerror(errno)};
  itimerspec period{};
  period.it_interval.tv_nsec = kTickMs * 1'000'000L;
  period.it_value.tv_nsec = kTickMs * 1'000'000L;
  if (::timerfd_settime(timer_fd_, 0, &period, nullptr) != 0)
    return Error{"worker_start_failed", std::strerror(errno)};
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = timer_watch_.get();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &event);
  event.data.ptr = wake_watch_.get();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  thread_ = std::thread([this] {
    // Named so operators (and the capacity bench) can tell media threads apart.
    const std::string name = "hl-media-" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());
    if (realtime_priority_ > 0) {
      // Best effort: without the privilege the worker simply stays an ordinary thread.
      sched_param param{};
      param.sched_priority = realtime_priority_;
      pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
    }
    run();
  });
  return ok_status();
}

void MediaWorker::post(std::vector<MediaCommand> commands) {
  std::lock_guard lock(commands_mutex_);
  for (auto& command : commands) posted_.push_back(std::move(command));
}

void MediaWorker::run() {
  std::array<epoll_event, kMaxEventsPerWait> ready{};
  while (!stopping_.load(std::memory_order_relaxed)) {
    const int count = ::epoll_wait(epoll_fd_, ready.data(), kMaxEventsPerWait, 100);
    if (count < 0 && errno != EINTR) break;
    // The clock first: a tick sends at a steady offset from the timer, whatever else is ready,
    // so packet timing towards the phones does not depend on how much arrived.
    std::uint64_t ticks_due = 0;
    for (int i = 0; i < count; ++i) {
      const auto* watch = static_cast<const Watch*>(ready[static_cast<std::size_t>(i)].data.ptr);
      if (watch->kind == Watch::Kind::timer) {
        std::uint64_t expirations = 0;
        if (::read(timer_fd_, &expirations, sizeof(expirations)) == sizeof(expirations))
          ticks_due += expirations;
      } else if (watch->kind == Watch::Kind::wake) {
        std::uint64_t value = 0;
        [[maybe_unused]] const auto got = ::read(wake_fd_, &value, sizeof(value));
      }
    }
    if (ticks_due > 0) {
      if (ticks_due > kMaxCatchUpTicks) {
        WorkerCounters::bump(counters_.skipped_ticks, ticks_due - kMaxCatchUpTicks);
        ticks_due = kMaxCatchUpTicks;
      }
      WorkerCounters::bump(counters_.late_ticks, ticks_due - 1);
      const std::int64_t now_ms = steady_us() / 1000;
      for (std::uint64_t i = 0; i < ticks_due; ++i) tick(now_ms);
    }
    // Endpoints destroyed by this tick's commands may still be named in the batch: their
    // slots stay allocated (retired, session cleared) until the batch is done.
    const std::int64_t now_us = steady_us();
    for (int i = 0; i < count; ++i) {
      auto* watch = static_cast<Watch*>(ready[static_cast<std::size_t>(i)].data.ptr);
      if (watch->kind != Watch::Kind::rtp && watch->kind != Watch::Kind::rtcp) continue;
      if (!watch->session) continue;
      if (watch->kind == Watch::Kind::rtp) {
        watch->session->on_rtp_readable(now_us, receive_batch_);
      } else {
        watch->session->on_rtcp_readable(now_us, receive_batch_);
      }
    }
    retired_.clear();
  }
  close_everything();
}

void MediaWorker::tick(std::int64_t now_ms) {
  WorkerCounters::bump(counters_.ticks);
  apply_commands(now_ms);
  for (auto& [id, slot] : endpoints_) {
    slot->session->receive_frame(now_ms);
    slot->session->clear_output();
  }
  for (auto& [id, mixer] : mixers_) {
    mixer->parties.clear();
    for (const auto& member : mixer->members)
      mixer->parties.push_back(MixerParty{member.session->id(), member.mode, member.target,
                                          member.session->input(), member.session->output()});
    mix_frame(mixer->parties);
  }
  for (auto& [id, slot] : endpoints_) slot->session->send_frame(now_ms);
  for (auto& tap : recordings_) {
    const auto& request = tap.sink->request();
    RtpSession* left = find(request.left);
    RtpSession* right = request.right != 0 ? find(request.right) : nullptr;
    std::array<std::int16_t, kFrameSamples * 2> interleaved{};
    for (std::size_t i = 0; left && i < kFrameSamples; ++i) {
      interleaved[2 * i] = left->input()[i];
      interleaved[2 * i + 1] = right ? right->input()[i] : left->output()[i];
    }
    tap.sink->push_frame(interleaved);
  }
}

void MediaWorker::apply_commands(std::int64_t now_ms) {
  {
    std::lock_guard lock(commands_mutex_);
    if (posted_.empty()) return;
    std::swap(posted_, applying_);
  }
  for (auto& command : applying_) apply(command, now_ms);
  applying_.clear();
}

RtpSession* MediaWorker::find(EndpointId endpoint) {
  const auto it = endpoints_.find(endpoint);
  return it == endpoints_.end() ? nullptr : it->second->session.get();
}

void MediaWorker::report_error(EndpointId endpoint, const char* code, const char* message) {
  events_.push(MediaError{endpoint, code, message});
}

void MediaWorker::leave_mixer(RtpSession& session) {
  const auto it = mixers_.find(session.mixer());
  session.set_mixer(0);
  if (it == mixers_.end()) return;
  auto& members = it->second->members;
  std::erase_if(members, [&](const Mixer::Member& m) { return m.session == &session; });
  if (members.empty()) mixers_.erase(it);  // a mixer ends with its last member
}

void MediaWorker::destroy_endpoint(EndpointId endpoint) {
  const auto it = endpoints_.find(endpoint);
  if (it == endpoints_.end()) return;
  RtpSession& session = *it->second->session;
  leave_mixer(session);
  // Recordings that involve this endpoint end with it.
  std::erase_if(recordings_, [&](const RecordingTap& tap) {
    const auto& request = tap.sink->request();
    if (request.left != endpoint && request.right != endpoint) return false;
    tap.sink->close();
    return true;
  });
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, session.rtp_fd(), nullptr);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, session.rtcp_fd(), nullptr);
  session.close();
  it->second->rtp_watch.session = nullptr;
  it->second->rtcp_watch.session = nullptr;
  retired_.push_back(std::move(it->second));
  endpoints_.erase(it);
  WorkerCounters::drop(counters_.endpoints);
}

void MediaWorker::close_everything() {
  for (auto& tap : recordings_) tap.sink->close();
  recordings_.clear();
  std::vector<EndpointId> ids;
  for (const auto& [id, slot] : endpoints_) ids.push_back(id);
  for (const auto id : ids) destroy_endpoint(id);
  mixers_.clear();
  retired_.clear();
  // Commands never applied still own sessions and sinks: release them cleanly.
  std::lock_guard lock(commands_mutex_);
  for (auto& command : posted_) {
    if (auto* start = std::get_if<StartRecordingCommand>(&command)) start->sink->close();
  }
  posted_.clear();
}

void MediaWorker::apply(MediaCommand& command, std::int64_t now_ms) {
  std::visit(
      Overloaded{
          [&](AddEndpointCommand& c) {
            const EndpointId id = c.session->id();
            auto slot = std::make_unique<EndpointSlot>();
            slot->session = std::move(c.session);
            slot->rtp_watch.session = slot->session.get();
            slot->rtcp_watch.session = slot->session.get();
            epoll_event event{};
            event.events = EPOLLIN;
            event.data.ptr = &slot->rtp_watch;
            ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, slot->session->rtp_fd(), &event);
            event.data.ptr = &slot->rtcp_watch;
            ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, slot->session->rtcp_fd(), &event);
            endpoints_.emplace(id, std::move(slot));
            WorkerCounters::bump(counters_.endpoints);
          },
          [&](SetRemoteCommand& c) {
            if (auto* session = find(c.endpoint)) session->set_remote(c.remote, now_ms);
          },
          [&](PlayCommand& c) {
            if (auto* session = find(c.endpoint)) {
              session->play(c.playback, std::move(c.request));
            } else {
              events_.push(PlaybackFinished{c.endpoint, c.playback, PlaybackEnd::endpoint_closed});
            }
          },
          [&](StopPlaybackCommand& c) {
            if (auto* session = find(c.endpoint)) session->stop_playback(PlaybackEnd::stopped);
          },
          [&](StartRecordingCommand& c) {
            const auto& request = c.sink->request();
            if (!find(request.left) || (request.right != 0 && !find(request.right))) {
              c.sink->close();
              report_error(request.left, "unknown_endpoint", "recording endpoint is gone");
              return;
            }
            recordings_.push_back(RecordingTap{std::move(c.sink)});
          },
          [&](StopRecordingCommand& c) {
            std::erase_if(recordings_, [&](const RecordingTap& tap) {
              if (tap.sink->id() != c.recording) return false;
              tap.sink->close();
              return true;
            });
          },
          [&](CreateMixerCommand& c) {
            auto mixer = std::make_unique<Mixer>();
            mixer->id = c.mixer;
            mixers_.emplace(c.mixer, std::move(mixer));
          },
          [&](JoinMixerCommand& c) {
            auto* session = find(c.endpoint);
            const auto it = mixers_.find(c.mixer);
            if (!session || it == mixers_.end()) {
              report_error(c.endpoint, "unknown_endpoint", "endpoint or mixer is gone");
              return;
            }
            if (session->mixer() != c.mixer) leave_mixer(*session);
            auto& members = it->second->members;
            const auto member =
                std::find_if(members.begin(), members.end(),
                             [&](const Mixer::Member& m) { return m.session == session; });
            if (member != members.end()) {
              member->mode = c.mode;
              member->target = c.target;
            } else {
              members.push_back(Mixer::Member{session, c.mode, c.target});
              it->second->parties.reserve(members.size());
            }
            session->set_mixer(c.mixer);
          },
          [&](LeaveMixerCommand& c) {
            if (auto* session = find(c.endpoint)) leave_mixer(*session);
          },
          [&](DestroyMixerCommand& c) {
            const auto it = mixers_.find(c.mixer);
            if (it == mixers_.end()) return;
            for (auto& member : it->second->members) member.session->set_mixer(0);
            mixers_.erase(it);
          },
          [&](SendDtmfCommand& c) {
            auto* session = find(c.endpoint);
            if (!session || !session->queue_dtmf(c.digits, c.duration_ms, c.pause_ms))
              report_error(c.endpoint, "dtmf_not_sent",
                           "endpoint gone, peer without telephone-event, or queue full");
          },
          [&](InjectDtmfCommand& c) {
            if (auto* session = find(c.endpoint))
              session->inject_digit(c.digit, c.duration_ms, DtmfSource::sip_info, now_ms);
          },
          [&](DestroyEndpointCommand& c) { destroy_endpoint(c.endpoint); },
      },
      command);
}

}  // namespace hotline::media
