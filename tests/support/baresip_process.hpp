#pragma once
// Starts a real SIP phone, baresip (Debian 12: baresip-core 1.0.0 on libre 1.1.0), for
// real-peer tests: a temporary config directory, a free SIP port, a WAV file it plays into
// every call and WAV files of what it sends and receives; output captured to a log file;
// stopped (SIGTERM, then SIGKILL) by the destructor.
//
// What this baresip needs to run headless, as root, in a container without a sound card
// (found by trying; each is in the generated config). Root itself needs nothing special, and
// with -f DIR it reads and writes nothing outside DIR (no ~/.baresip).
// - No `stdio` UI module: with standard input not a terminal (/dev/null) it fails to start
//   ("epoll_ctl: Operation not permitted"). `menu` alone runs the `-e` commands (/dial ...).
// - `audio_player alsa,null` and `audio_alert alsa,null` (libasound's null device); the
//   source is `aufile,FILE.wav`: 16-bit mono at the codec's rate (8 kHz for G.711). When the
//   file ends, baresip hangs up the call ("audio error (0,end of file)"): make the file longer
//   than the call.
// - `net_interface 127.0.0.1` (an address; the name `lo` fails): without it the SDP and RTP
//   use the first real interface (eth0), not loopback.
// - `sip_listen IP:P` binds UDP and TCP on P and TLS on TCP P+1: all three must be free.
// - The `sndfile` filter writes SND_PATH/dump-<local time, seconds>-enc.wav (what it sent)
//   and -dec.wav (what it received, decoded) per call; two calls started in the same second
//   share names, so run one call per second and instance.
// - It registers with User-Agent "baresip v1.0.0 (x86_64/linux)" and a Contact whose user part
//   is not the extension: <sip:1001-0x55c2a21183a0@127.0.0.1:P> (calls must use it as is).
// - On SIGTERM it unregisters and waits for the answer before exiting: give it a few seconds.
// - Its digest client knows MD5 only, and (libre 1.1.0) gives up with "Register: Function not
//   implemented" (ENOSYS) as soon as ANY WWW-Authenticate header of the challenge names
//   another algorithm, even when an MD5 one is offered too. A wrong password answered with a
//   fresh 401 challenge makes it answer again at once, over and over, with no failure line:
//   only a 403 or the registrar's lockout stops it.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hotline::test {

struct BaresipOptions {
  // Address baresip binds SIP and RTP to (127.0.0.2 plays a trunk's IP peer).
  std::string listen_ip = "127.0.0.1";
  std::uint16_t sip_port = 0;  // 0: a free one (with P+1 free too, see above)
  // Account: <sip:user@registrar;transport=udp>. The user is the extension.
  std::string user = "1001";
  std::string registrar;             // "HOST[:PORT]": the daemon, or the domain of a peer
  std::string password;              // auth_pass; empty: none (must not contain ';' or '>')
  bool register_account = true;      // false: regint=0 (a trunk peer that only calls)
  int register_interval = 600;       // regint, seconds
  std::string answer_mode = "auto";  // answermode: auto, manual or early
  // Played into every call; empty: a silent WAV as long as `silence_seconds`.
  std::filesystem::path source_wav;
  double silence_seconds = 120;
  bool record = true;  // sndfile: WAVs of sent and received audio (received_audio_files())
  std::vector<std::string> commands;  // each passed as -e (e.g. "/dial sip:84038437@HOST:PORT")
  // -t: baresip exits by itself after this long, so a test killed mid-way (timeout, sanitizer
  // abort) leaves no phone behind holding its ports.
  int quit_after_seconds = 600;
  bool verbose = false;    // -v (debug lines: SDP, answering, RTP)
  bool sip_trace = false;  // -s (every SIP message in the log)
};

enum class RegistrationResult { Registered, Failed, Timeout };

class BaresipProcess {
 public:
  // Binary: $BARESIP, else `baresip` from PATH. Throws std::runtime_error (with the end of its
  // log) when it cannot be started or does not say "baresip is ready" within 5 s.
  explicit BaresipProcess(BaresipOptions options);
  ~BaresipProcess();
  BaresipProcess(const BaresipProcess&) = delete;
  BaresipProcess& operator=(const BaresipProcess&) = delete;

  std::uint16_t sip_port() const { return sip_port_; }
  const std::string& listen_ip() const { return options_.listen_ip; }
  // The config directory (config, accounts, baresip.log, audio/).
  const std::filesystem::path& dir() const { return dir_; }
  // Everything baresip wrote so far, colour codes removed and '\r' turned into line breaks.
  std::string log() const;
  // The first log line containing `text`, waiting up to `timeout` (not once baresip exited).
  std::optional<std::string> wait_for_line(const std::string& text,
                                           std::chrono::milliseconds timeout);
  // Registered: a "{0/UDP/v4} 200 OK" line for the account; Failed: a "reg: " error line
  // (a refused password, an unsupported challenge, no answer); `line` gets the deciding line.
  RegistrationResult wait_for_registration(std::chrono::milliseconds timeout,
                                           std::string* line = nullptr);
  bool wait_for_call_established(std::chrono::milliseconds timeout);
  bool wait_for_call_closed(std::chrono::milliseconds timeout);
  // The -dec.wav files of the calls so far (what this phone heard), oldest first.
  std::vector<std::filesystem::path> received_audio_files() const;
  std::vector<std::filesystem::path> sent_audio_files() const;
  bool running();
  // SIGTERM, up to 5 s to unregister and exit, then SIGKILL; the exit status (128 + signal
  // when killed). Later calls return the same value.
  int stop();

 private:
  std::vector<std::filesystem::path> audio_files(const std::string& suffix) const;
  std::string log_tail(std::size_t bytes = 3000) const;

  BaresipOptions options_;
  std::filesystem::path dir_;
  std::uint16_t sip_port_ = 0;
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// A port on `ip` free for UDP and TCP, with the next port free for TCP (baresip's TLS).
std::uint16_t free_baresip_port(const std::string& ip = "127.0.0.1");

}  // namespace hotline::test
