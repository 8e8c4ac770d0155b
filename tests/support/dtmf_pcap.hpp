#pragma once
// Writes a pcap file of RFC 4733 telephone-event RTP packets for a string of keys, for SIPp's
// play_pcap_audio. Debian's sip-tester ships one capture per key, but they all share one RTP
// stream: the same key twice (an ID number's "11") would repeat its timestamp and be taken for
// a retransmission. Here every key is a new event on one stream, timed like a person keying.
#include <string>

namespace hotline::test {

struct DtmfPcapOptions {
  int payload_type = 101;
  int lead_in_ms = 500;  // PCMU silence before the first key (SIPp sends from the first packet)
  int key_ms = 120;      // how long each key is held
  int gap_ms = 250;      // between keys
};

// Keys: 0-9 * # A-D. Throws std::runtime_error when the file cannot be written or a key is
// not a DTMF key.
void write_dtmf_pcap(const std::string& path, const std::string& keys,
                     const DtmfPcapOptions& options = {});

}  // namespace hotline::test
