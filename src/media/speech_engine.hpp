#pragma once
// The process's one espeak-ng instance. libespeak-ng keeps all its state in globals and is not
// thread-safe, so every synthesizer shares this object and each call holds one process-wide
// lock. The library is initialised by the first open() and stays initialised until the process
// exits: espeak-ng 1.51's espeak_ng_Terminate() blocks forever on its idle audio thread.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hotline::media {

struct SpeechVoice {
  // espeak-ng 1.51 (Debian 12) `cmn` reads every Chinese character's pinyin tone digit aloud as
  // an English number ("nin two hao three"); `cmn-latn-pinyin` is the same Mandarin voice and
  // dictionary without that defect, so it is the default.
  std::string name = "cmn-latn-pinyin";
  int rate_wpm = 150;  // espeak's default is 175; a little slower is clearer over G.711
  int pitch = 50;      // 0..100, 50 is the voice's own pitch
  int volume = 100;    // espeak amplitude 0..200, 100 is the library default
};

// Speech at espeak-ng's native rate (22,050 Hz for the bundled voices).
struct RawSpeech {
  std::vector<std::int16_t> samples;
  int sample_rate = 0;
};

class EspeakEngine {
 public:
  // `data_path`: directory holding espeak-ng-data (or that directory itself); empty for the
  // library's built-in default. Error "tts_unavailable" when the data is missing, or when the
  // engine is already open with different data. The engine lives until the process exits.
  static Result<EspeakEngine*> open(const std::string& data_path);

  EspeakEngine(std::filesystem::path data_dir, int sample_rate);
  EspeakEngine(const EspeakEngine&) = delete;
  EspeakEngine& operator=(const EspeakEngine&) = delete;

  // Plain UTF-8 text (no SSML). Errors: "tts_unavailable" (voice or its dictionary missing),
  // "tts_failed" (synthesis error or output longer than `max_samples`).
  Result<RawSpeech> synthesize(const SpeechVoice& voice, std::string_view text,
                               std::size_t max_samples);
  // espeak's phoneme mnemonics for the text, one clause per line; "(en)" marks a switch to
  // English pronunciation. For diagnosing how a voice reads a prompt.
  Result<std::string> phonemes(const SpeechVoice& voice, std::string_view text);

  int sample_rate() const { return sample_rate_; }

 private:
  Result<Unit> select_voice(const SpeechVoice& voice);

  std::filesystem::path data_dir_;  // canonical espeak-ng-data directory in use
  int sample_rate_ = 0;
};

}  // namespace hotline::media
