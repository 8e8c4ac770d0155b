#include "media/recording_service.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sndfile.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "media/audio_compressor.hpp"
#include "media/file_digest.hpp"
#include "media/media_constants.hpp"

namespace hotline::media {

namespace {

constexpr auto kDrainInterval = std::chrono::milliseconds(100);
constexpr auto kHeaderInterval = std::chrono::seconds(1);

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};

}  // namespace

struct RecordingService::ActiveRecording {
  std::shared_ptr<RecordingSink> sink;
  std::unique_ptr<SNDFILE, SndfileCloser> file;
  int fd = -1;  // owned by `file` once that is open
  std::int64_t frames = 0;
  std::string error;
  std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();
};

RecordingService::RecordingService(Completion on_finished)
    : on_finished_(std::move(on_finished)),
      writer_([this] {
        pthread_setname_np(pthread_self(), "hl-rec-write");
        write_loop();
      }),
      compressor_([this] {
        pthread_setname_np(pthread_self(), "hl-rec-compress");
        compress_loop();
      }) {}

RecordingService::~RecordingService() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_all();
  writer_.join();
  {
    std::lock_guard lock(mutex_);
    writer_done_ = true;
  }
  wake_compressor_.notify_all();
  compressor_.join();
}

void RecordingService::add(std::shared_ptr<RecordingSink> sink) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(sink));
  }
  wake_writer_.notify_all();
}

void RecordingService::queue_compression(CompressionJob job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_compressor_.notify_all();
}

void RecordingService::write_loop() {
  std::vector<ActiveRecording> active;
  std::vector<std::int16_t> buffer(RecordingSink::kRingSamples);
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_writer_.wait_for(lock, kDrainInterval,
                            [this] { return stopping_ || !pending_.empty(); });
      stopping = stopping_;
      for (auto& sink : pending_) {
        ActiveRecording recording;
        recording.sink = std::move(sink);
        active.push_back(std::move(recording));
      }
      pending_.clear();
    }
    const auto now = std::chrono::steady_clock::now();
    int sync_fd = -1;
    for (auto it = active.begin(); it != active.end();) {
      auto& recording = *it;
      if (!recording.file && recording.error.empty()) {
        SF_INFO info{};
        info.samplerate = kSampleRate;
        info.channels = 2;
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        recording.fd = ::open(recording.sink->request().path.c_str(),
                              O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (recording.fd >= 0)
          recording.file.reset(sf_open_fd(recording.fd, SFM_WRITE, &info, SF_TRUE));
        if (!recording.file) {
          if (recording.fd >= 0) ::close(recording.fd);
          recording.fd = -1;
          recording.error = "cannot create the WAV file";
        }
      }
      // Read the flag before draining: whatever was pushed before close() is then drained.
      const bool closed = recording.sink->closed();
      for (;;) {
        const std::size_t count = recording.sink->pop(buffer);
        if (count == 0) break;
        if (recording.file) {
          const auto frames = static_cast<sf_count_t>(count / 2);
          if (sf_writef_short(recording.file.get(), buffer.data(), frames) != frames &&
              recording.error.empty())
            recording.error = "writing the WAV file failed";
          recording.frames += frames;
        }
      }
      if (recording.file && now - recording.last_sync >= kHeaderInterval) {
        // The data went to the kernel on every drain; once a second the header learns the
        // new length, so the file as it is on disk is a complete, playable WAV.
        sf_command(recording.file.get(), SFC_UPDATE_HEADER_NOW, nullptr, 0);
        recording.last_sync = now;
        sync_fd = recording.fd;
      }
      if (closed || stopping) {
        recording.file.reset();  // closes the descriptor too
        recording.fd = -1;
        queue_compression(CompressionJob{recording.sink, recording.frames, recording.error});
        it = active.erase(it);
      } else {
        ++it;
      }
    }
    // One filesystem-wide flush a second instead of an fsync per file: with hundreds of calls
    // recording, per-file fsyncs would be the bottleneck. A machine crash then loses at most
    // about a second; a daemon crash loses nothing already drained (it is in the page cache).
    if (sync_fd >= 0) ::syncfs(sync_fd);
    if (stopping) return;
  }
}

void RecordingService::compress_loop() {
  for (;;) {
    CompressionJob job;
    {
      std::unique_lock lock(mutex_);
      wake_compressor_.wait(lock, [this] { return writer_done_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // writer finished and nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    compress(job);
  }
}

void RecordingService::compress(const CompressionJob& job) {
  const auto& request = job.sink->request();
  RecordingFinished finished;
  finished.recording = job.sink->id();
  finished.wav_path = request.path;
  finished.file_path = request.path;
  finished.format = RecordingFormat::wav;
  finished.duration_ms = job.frames * 1000 / kSampleRate;
  finished.dropped_frames = job.sink->dropped_frames();
  finished.error = job.error;
  if (finished.error.empty() && request.compress_to != RecordingFormat::wav) {
    auto compressed = compress_wav(request.path, request.compress_to);
    if (compressed) {
      finished.file_path = compressed->path;
      finished.format = request.compress_to;
    } else {
      finished.error = compressed.error().message;  // the WAV stays as the recording
    }
  }
  std::error_code exists_error;
  if (std::filesystem::exists(finished.file_path, exists_error)) {
    if (auto digest = sha256_file_hex(finished.file_path)) {
      finished.sha256 = std::move(*digest);
      std::error_code ec;
      finished.bytes = std::filesystem::file_size(finished.file_path, ec);
    } else if (finished.error.empty()) {
      finished.error = digest.error().message;
    }
  }
  if (finished.error.empty() && finished.file_path != request.path && !request.keep_wav) {
    std::error_code ec;
    std::filesystem::remove(request.path, ec);
  }
  if (on_finished_) on_finished_(std::move(finished));
}

}  // namespace hotline::media
