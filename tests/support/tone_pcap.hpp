#pragma once
// Writes a pcap file of G.711 RTP carrying a sine, for SIPp's play_pcap_audio: a phone that
// sends a known tone (early media, an answer, a codec change) so a test can tell by ear where
// audio went.
#include <string>

namespace hotline::test {

enum class G711 { pcmu, pcma };

// `seconds` of `freq_hz` at half of full scale, 20 ms packets, payload type 0 (PCMU) or 8
// (PCMA). Throws std::runtime_error when the file cannot be written.
void write_tone_pcap(const std::string& path, double freq_hz, double seconds,
                     G711 codec = G711::pcmu);

}  // namespace hotline::test
