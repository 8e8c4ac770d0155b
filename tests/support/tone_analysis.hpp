#pragma once
// Audio checks for real-peer tests: read what a phone heard (or what the daemon recorded) from
// a WAV file and tell whether a given tone is in it, with the Goertzel algorithm; and write the
// tone WAVs that baresip plays (its aufile source wants 16-bit mono at the codec's rate).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace hotline::test {

struct WavAudio {
  int sample_rate = 0;
  // One vector per channel, samples scaled to [-1, 1).
  std::vector<std::vector<double>> channels;

  std::size_t frames() const { return channels.empty() ? 0 : channels.front().size(); }
};

// Reads a 16-bit PCM WAV (any rate, mono or stereo) with libsndfile; throws
// std::runtime_error naming the file when it cannot.
WavAudio read_wav(const std::filesystem::path& path);

// Writes `seconds` of a sine at `freq_hz` as 16-bit mono PCM WAV; `amplitude` is relative to
// full scale (0.5 is -6 dBFS, loud but clear of G.711 clipping). freq_hz 0 writes silence.
void write_tone_wav(const std::filesystem::path& path, double freq_hz, double seconds,
                    int sample_rate = 8000, double amplitude = 0.5);

// Mean power of the samples (1.0 is a full-scale square wave; a full-scale sine is 0.5).
double mean_power(std::span<const double> samples);

// Share (0..1) of the signal's power at `freq_hz`: Goertzel over consecutive 100 ms blocks,
// each block's tone power summed and divided by the total power. A clean tone gives about 1,
// other tones and noise about 0; resolution is about 10 Hz. 0 for (near) silence.
double tone_power_ratio(std::span<const double> samples, int sample_rate, double freq_hz);

struct DominantTone {
  double freq_hz = 0;
  double power_ratio = 0;
};

// The frequency in [min_hz, max_hz] (scanned every `step_hz`) holding the largest share of the
// power, if that share is at least `min_ratio`; nothing for silence, noise or a tone outside
// the range.
std::optional<DominantTone> dominant_frequency(std::span<const double> samples, int sample_rate,
                                               double min_hz, double max_hz, double step_hz = 5.0,
                                               double min_ratio = 0.5);

}  // namespace hotline::test
