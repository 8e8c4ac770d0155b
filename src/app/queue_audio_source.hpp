#pragma once
// The ACD's queue audio from the IVR's material: announcements synthesised with the IVR's
// Mandarin voice, and music from a prompt (an uploaded recording or a spoken text) named by the
// queue, or the built-in music. Results are posted to the control thread.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "acd/queue_audio.hpp"
#include "common/config.hpp"
#include "ivr/ivr_service.hpp"
#include "media/media_engine.hpp"
#include "media/speech_synthesizer.hpp"

namespace hotline::app {

class QueueAudioSource : public acd::QueueAudio {
 public:
  QueueAudioSource(const Config& config, media::MediaEngine& media,
                   media::SpeechSynthesizer& speech, ivr::IvrService& ivr,
                   boost::asio::io_context& control)
      : config_(config), media_(media), speech_(speech), ivr_(ivr), control_(control) {}
  ~QueueAudioSource() override { *alive_ = false; }

  void announcement(const std::string& text, Done done) override;
  void music(const std::string& prompt, Done done) override;

 private:
  void speak(const std::string& text, bool loop, Done done);

  const Config& config_;
  media::MediaEngine& media_;
  media::SpeechSynthesizer& speech_;
  ivr::IvrService& ivr_;
  boost::asio::io_context& control_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hotline::app
