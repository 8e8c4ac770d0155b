#include "tone_analysis.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>

namespace hotline::test {

namespace {

// Below this mean power (-80 dB relative to a full-scale square wave) a signal is silence:
// G.711 idle noise and dither must not be reported as a tone.
constexpr double kSilencePower = 1e-8;

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};

// |X(f)|^2 of one block by the Goertzel recurrence (f need not be a DFT bin).
double goertzel_power(std::span<const double> block, int sample_rate, double freq_hz) {
  const double coefficient = 2.0 * std::cos(2.0 * std::numbers::pi * freq_hz / sample_rate);
  double previous = 0.0;
  double before_previous = 0.0;
  for (const double sample : block) {
    const double current = sample + coefficient * previous - before_previous;
    before_previous = previous;
    previous = current;
  }
  return previous * previous + before_previous * before_previous -
         coefficient * previous * before_previous;
}

}  // namespace

WavAudio read_wav(const std::filesystem::path& path) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) throw std::runtime_error("cannot read " + path.string() + ": " + sf_strerror(nullptr));
  if ((info.format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_16)
    throw std::runtime_error(path.string() + " is not 16-bit PCM");
  if (info.channels < 1 || info.channels > 2)
    throw std::runtime_error(path.string() + " has " + std::to_string(info.channels) +
                             " channels; expected mono or stereo");
  std::vector<std::int16_t> interleaved(static_cast<std::size_t>(info.frames * info.channels));
  const auto frames = sf_readf_short(file.get(), interleaved.data(), info.frames);
  WavAudio audio;
  audio.sample_rate = info.samplerate;
  audio.channels.assign(static_cast<std::size_t>(info.channels), {});
  for (auto& channel : audio.channels) channel.reserve(static_cast<std::size_t>(frames));
  for (sf_count_t frame = 0; frame < frames; ++frame)
    for (int channel = 0; channel < info.channels; ++channel)
      audio.channels[static_cast<std::size_t>(channel)].push_back(
          interleaved[static_cast<std::size_t>(frame * info.channels + channel)] / 32768.0);
  return audio;
}

void write_tone_wav(const std::filesystem::path& path, double freq_hz, double seconds,
                    int sample_rate, double amplitude) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!file)
    throw std::runtime_error("cannot write " + path.string() + ": " + sf_strerror(nullptr));
  const auto count = static_cast<std::size_t>(std::lround(seconds * sample_rate));
  std::vector<std::int16_t> samples(count);
  for (std::size_t n = 0; n < count; ++n)
    samples[n] = static_cast<std::int16_t>(std::lround(
        32767.0 * amplitude * std::sin(2.0 * std::numbers::pi * freq_hz * n / sample_rate)));
  if (sf_write_short(file.get(), samples.data(), static_cast<sf_count_t>(count)) !=
      static_cast<sf_count_t>(count))
    throw std::runtime_error("short write to " + path.string());
}

double mean_power(std::span<const double> samples) {
  if (samples.empty()) return 0.0;
  double energy = 0.0;
  for (const double sample : samples) energy += sample * sample;
  return energy / static_cast<double>(samples.size());
}

double tone_power_ratio(std::span<const double> samples, int sample_rate, double freq_hz) {
  if (sample_rate <= 0 || samples.empty()) return 0.0;
  // 100 ms blocks: 10 Hz resolution, and a tone that starts late or stops early is still
  // measured block by block instead of smeared over the whole file.
  const std::size_t block = std::max<std::size_t>(1, static_cast<std::size_t>(sample_rate) / 10);
  const std::size_t usable =
      samples.size() < block ? samples.size() : samples.size() / block * block;
  const auto measured = samples.first(usable);
  const double total_energy = mean_power(measured) * static_cast<double>(usable);
  if (total_energy / static_cast<double>(usable) < kSilencePower) return 0.0;
  double tone_energy = 0.0;
  for (std::size_t start = 0; start < usable; start += std::min(block, usable)) {
    const auto part = measured.subspan(start, std::min(block, usable - start));
    // A sine of amplitude A over N samples gives |X|^2 = (A N / 2)^2 and energy A^2 N / 2.
    tone_energy +=
        2.0 * goertzel_power(part, sample_rate, freq_hz) / static_cast<double>(part.size());
  }
  return std::clamp(tone_energy / total_energy, 0.0, 1.0);
}

std::optional<DominantTone> dominant_frequency(std::span<const double> samples, int sample_rate,
                                               double min_hz, double max_hz, double step_hz,
                                               double min_ratio) {
  if (step_hz <= 0 || max_hz < min_hz) return std::nullopt;
  DominantTone best;
  for (double freq = min_hz; freq <= max_hz + step_hz / 2; freq += step_hz) {
    const double ratio = tone_power_ratio(samples, sample_rate, freq);
    if (ratio > best.power_ratio) best = {freq, ratio};
  }
  if (best.power_ratio < min_ratio) return std::nullopt;
  return best;
}

}  // namespace hotline::test
