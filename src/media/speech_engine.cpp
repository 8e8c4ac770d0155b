#include "media/speech_engine.hpp"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

namespace hotline::media {

namespace {

// Guards the library's global state: initialisation, voice, parameters and every synthesis.
std::mutex g_espeak_mutex;
std::unique_ptr<EspeakEngine> g_engine;
std::string g_selected_voice;  // voice loaded into the library, so repeats skip the reload

struct SpeechCollector {
  std::vector<std::int16_t>* samples = nullptr;
  std::size_t max_samples = 0;
  bool overflowed = false;
};

// espeak-ng's synchronous output callback: runs inside espeak_ng_Synthesize on this thread.
int collect_speech(short* wav, int count, espeak_EVENT* events) {
  auto* collector = static_cast<SpeechCollector*>(events->user_data);
  if (collector == nullptr || wav == nullptr || count <= 0) return 0;
  if (collector->samples->size() + static_cast<std::size_t>(count) > collector->max_samples) {
    collector->overflowed = true;
    return 1;  // abort synthesis
  }
  collector->samples->insert(collector->samples->end(), wav, wav + count);
  return 0;
}

std::string status_message(espeak_ng_STATUS status) {
  char buffer[256] = {};
  espeak_ng_GetStatusCodeMessage(status, buffer, sizeof(buffer));
  return buffer;
}

// The espeak-ng-data directory `path` names (it or its espeak-ng-data subdirectory), if it
// holds espeak-ng data. espeak_ng_InitializePath silently falls back to the default data when
// the given path is wrong; checking here reports the misconfiguration instead.
std::optional<std::filesystem::path> espeak_data_dir(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  for (const auto& candidate : {path / "espeak-ng-data", path}) {
    if (fs::is_regular_file(candidate / "phontab", error)) {
      auto canonical = fs::canonical(candidate, error);
      if (!error) return canonical;
    }
  }
  return std::nullopt;
}

}  // namespace

EspeakEngine::EspeakEngine(std::filesystem::path data_dir, int sample_rate)
    : data_dir_(std::move(data_dir)), sample_rate_(sample_rate) {}

Result<EspeakEngine*> EspeakEngine::open(const std::string& data_path) {
  std::lock_guard lock(g_espeak_mutex);
  std::optional<std::filesystem::path> requested;
  if (!data_path.empty()) {
    requested = espeak_data_dir(data_path);
    if (!requested) return Error{"tts_unavailable", "no espeak-ng data under " + data_path};
  }
  if (g_engine) {
    if (requested && *requested != g_engine->data_dir_)
      return Error{"tts_unavailable",
                   "espeak-ng is already in use with data from " + g_engine->data_dir_.string()};
    return g_engine.get();
  }
  espeak_ng_InitializePath(requested ? requested->c_str() : nullptr);
  espeak_ng_ERROR_CONTEXT context = nullptr;
  const espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  if (status != ENS_OK)
    return Error{"tts_unavailable", "espeak-ng initialisation failed: " + status_message(status)};
  if (const auto output = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
      output != ENS_OK)
    return Error{"tts_unavailable", "espeak-ng output setup failed: " + status_message(output)};
  espeak_SetSynthCallback(collect_speech);
  const char* used_path = nullptr;
  espeak_Info(&used_path);
  auto data_dir = used_path != nullptr ? espeak_data_dir(used_path) : std::nullopt;
  g_engine = std::make_unique<EspeakEngine>(
      data_dir.value_or(std::filesystem::path(used_path ? used_path : "")),
      espeak_ng_GetSampleRate());
  return g_engine.get();
}

Result<Unit> EspeakEngine::select_voice(const SpeechVoice& voice) {
  if (g_selected_voice != voice.name) {
    g_selected_voice.clear();
    if (const auto status = espeak_ng_SetVoiceByName(voice.name.c_str()); status != ENS_OK)
      return Error{"tts_unavailable",
                   "espeak-ng voice '" + voice.name + "': " + status_message(status)};
    g_selected_voice = voice.name;
  }
  espeak_ng_SetParameter(espeakRATE, voice.rate_wpm, 0);
  espeak_ng_SetParameter(espeakPITCH, voice.pitch, 0);
  espeak_ng_SetParameter(espeakVOLUME, voice.volume, 0);
  return Unit{};
}

Result<RawSpeech> EspeakEngine::synthesize(const SpeechVoice& voice, std::string_view text,
                                           std::size_t max_samples) {
  std::lock_guard lock(g_espeak_mutex);
  if (auto selected = select_voice(voice); !selected) return selected.error();
  const std::string terminated(text);  // espeak reads up to a NUL
  RawSpeech speech;
  speech.sample_rate = sample_rate_;
  SpeechCollector collector{&speech.samples, max_samples};
  const espeak_ng_STATUS status =
      espeak_ng_Synthesize(terminated.c_str(), terminated.size() + 1, 0, POS_CHARACTER, 0,
                           espeakCHARS_UTF8, nullptr, &collector);
  if (collector.overflowed) return Error{"tts_failed", "synthesized speech is too long"};
  if (status != ENS_OK)
    return Error{"tts_failed", "espeak-ng synthesis failed: " + status_message(status)};
  return speech;
}

Result<std::string> EspeakEngine::phonemes(const SpeechVoice& voice, std::string_view text) {
  std::lock_guard lock(g_espeak_mutex);
  if (auto selected = select_voice(voice); !selected) return selected.error();
  const std::string terminated(text);
  const void* cursor = terminated.c_str();
  std::string result;
  while (cursor != nullptr) {
    const char* clause = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, 0);
    if (clause == nullptr) break;
    if (!result.empty()) result += '\n';
    result += clause;
  }
  return result;
}

}  // namespace hotline::media
