#include "app/queue_audio_source.hpp"

#include <boost/asio/post.hpp>
#include <filesystem>

#include "call/music_on_hold.hpp"

namespace hotline::app {

void QueueAudioSource::announcement(const std::string& text, Done done) {
  speak(text, false, std::move(done));
}

void QueueAudioSource::music(const std::string& prompt, Done done) {
  const auto& prompts = ivr_.catalog().prompts;
  const auto found = prompt.empty() ? prompts.end() : prompts.find(prompt);
  if (found == prompts.end()) return done(call::music_on_hold());
  if (found->second.kind == "tts") return speak(found->second.text, true, std::move(done));
  const auto path = std::filesystem::path(config_.data_dir) / found->second.file;
  auto clip = media_.prompts().get(path.string());
  if (!clip) return done(call::music_on_hold());  // a broken file: keep the caller company
  media::PlayRequest request;
  request.items.push_back(media::PlaylistItem::of_clip(*clip));
  request.loop = true;
  done(std::move(request));
}

void QueueAudioSource::speak(const std::string& text, bool loop, Done done) {
  speech_.synthesize(
      text, [this, loop, done = std::move(done),
             alive = std::weak_ptr<bool>(alive_)](Result<media::AudioClipPtr> clip) mutable {
        boost::asio::post(control_,
                          [loop, done = std::move(done), alive, clip = std::move(clip)]() mutable {
                            if (!alive.lock()) return;
                            if (!clip) return done(clip.error());
                            media::PlayRequest request;
                            request.items.push_back(media::PlaylistItem::of_clip(*clip));
                            request.loop = loop;
                            done(std::move(request));
                          });
      });
}

}  // namespace hotline::app
