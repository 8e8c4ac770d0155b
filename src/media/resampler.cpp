#include "media/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace hotline::media {

namespace {

constexpr int kHalfTaps = 32;  // filter half-length in samples at the lower of the two rates
constexpr double kKaiserBeta = 8.0;
constexpr long kMaxPhases = 4096;  // beyond this, odd ratios are approximated on a grid

// Zeroth-order modified Bessel function of the first kind, for the Kaiser window.
double bessel_i0(double x) {
  double sum = 1.0;
  double term = 1.0;
  for (int k = 1; k < 30; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

}  // namespace

std::vector<std::int16_t> resample(std::span<const std::int16_t> input, int from_rate,
                                   int to_rate) {
  if (from_rate <= 0 || to_rate <= 0 || input.empty()) return {};
  if (from_rate == to_rate) return {input.begin(), input.end()};

  // Output sample n sits at input position n * step / phases (a rational ratio), so the
  // filter only needs one set of coefficients per fractional phase: a polyphase table.
  const long divisor = std::gcd(from_rate, to_rate);
  long phases = to_rate / divisor;
  long step = from_rate / divisor;
  if (phases > kMaxPhases) {
    step = std::lround(static_cast<double>(step) * kMaxPhases / phases);
    phases = kMaxPhases;
  }
  const double cutoff = std::min(1.0, static_cast<double>(to_rate) / from_rate);
  const int half_width = static_cast<int>(std::ceil(kHalfTaps / cutoff));  // input samples
  const int taps = 2 * half_width;
  const double window_norm = bessel_i0(kKaiserBeta);

  std::vector<double> table(static_cast<std::size_t>(phases * taps));
  for (long phase = 0; phase < phases; ++phase) {
    const double fraction = static_cast<double>(phase) / static_cast<double>(phases);
    for (int j = 0; j < taps; ++j) {
      const double t = (j - half_width + 1) - fraction;  // input offset from the output point
      const double x = t * cutoff;
      const double sinc = x == 0.0 ? 1.0 : std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
      const double r = t / half_width;
      const double window =
          std::abs(r) >= 1.0 ? 0.0 : bessel_i0(kKaiserBeta * std::sqrt(1.0 - r * r)) / window_norm;
      table[static_cast<std::size_t>(phase * taps + j)] = cutoff * sinc * window;
    }
  }

  const auto output_length =
      static_cast<std::size_t>(static_cast<long double>(input.size()) * phases / step);
  std::vector<std::int16_t> output(output_length);
  const auto input_length = static_cast<long>(input.size());
  for (std::size_t n = 0; n < output_length; ++n) {
    const long position = static_cast<long>(n) * step;
    const long base = position / phases;
    const long phase = position % phases;
    const double* coefficients = &table[static_cast<std::size_t>(phase * taps)];
    double acc = 0.0;
    const long first = base - half_width + 1;
    for (int j = 0; j < taps; ++j) {
      const long k = first + j;
      if (k < 0 || k >= input_length) continue;
      acc += input[static_cast<std::size_t>(k)] * coefficients[j];
    }
    output[n] = static_cast<std::int16_t>(std::clamp(std::lround(acc), -32768L, 32767L));
  }
  return output;
}

}  // namespace hotline::media
