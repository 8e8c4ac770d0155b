#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "media/file_digest.hpp"
#include "media/recording_service.hpp"
#include "media/spsc_ring.hpp"
#include "wav_file.hpp"

namespace hotline::media {
namespace {

TEST(SpscRing, PushesAllOrNothingAndPopsInOrder) {
  SpscRing<int> ring(5);  // rounded up to 8
  EXPECT_EQ(ring.capacity(), 8u);
  const int first[] = {1, 2, 3, 4, 5, 6};
  EXPECT_TRUE(ring.push(first));
  const int more[] = {7, 8, 9};
  EXPECT_FALSE(ring.push(more));  // only two free: nothing is written
  EXPECT_EQ(ring.size(), 6u);
  int out[4];
  ASSERT_EQ(ring.pop(out), 4u);
  EXPECT_EQ(out[3], 4);
  EXPECT_TRUE(ring.push(more));
  int rest[8];
  ASSERT_EQ(ring.pop(rest), 5u);
  EXPECT_EQ(rest[0], 5);
  EXPECT_EQ(rest[4], 9);
}

TEST(SpscRing, CarriesAStreamBetweenThreadsIntact) {
  SpscRing<std::uint32_t> ring(64);
  constexpr std::uint32_t kCount = 200000;
  std::thread producer([&] {
    std::uint32_t next = 0;
    while (next < kCount) {
      const std::uint32_t chunk[2] = {next, next + 1};
      if (ring.push(chunk)) next += 2;
    }
  });
  std::uint32_t expected = 0;
  std::uint32_t buffer[16];
  while (expected < kCount) {
    const std::size_t count = ring.pop(buffer);
    for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(buffer[i], expected++);
  }
  producer.join();
}

TEST(FileDigest, MatchesTheSha256TestVector) {
  const auto path = std::filesystem::temp_directory_path() / "hotline-media-digest.txt";
  std::ofstream(path) << "abc";
  const auto digest = sha256_file_hex(path.string());
  ASSERT_TRUE(digest);
  EXPECT_EQ(*digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::filesystem::remove(path);
  EXPECT_FALSE(sha256_file_hex(path.string()));
}

class RecordingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("hotline-media-rec-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  // Records `seconds` of a left ramp and a right constant, then closes and waits.
  RecordingFinished record(RecordingFormat format, bool keep_wav, int seconds) {
    std::promise<RecordingFinished> done;
    RecordingService service(
        [&](RecordingFinished finished) { done.set_value(std::move(finished)); });
    RecordingRequest request;
    request.left = 1;
    request.right = 2;
    request.path = (dir / "call.wav").string();
    request.compress_to = format;
    request.keep_wav = keep_wav;
    auto sink = std::make_shared<RecordingSink>(77, request);
    service.add(sink);
    for (int frame = 0; frame < seconds * 50; ++frame) {
      std::array<std::int16_t, 320> interleaved{};
      for (int i = 0; i < 160; ++i) {
        interleaved[2 * i] = static_cast<std::int16_t>((frame * 160 + i) % 20000);
        interleaved[2 * i + 1] = -1234;
      }
      sink->push_frame(interleaved);
      if (frame % 10 == 9) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    sink->close();
    auto future = done.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    return future.get();
  }

  std::filesystem::path dir;
};

TEST_F(RecordingServiceTest, WritesAStereoWavWithCallerLeftAndAgentRight) {
  const auto finished = record(RecordingFormat::wav, true, 2);
  EXPECT_TRUE(finished.error.empty()) << finished.error;
  EXPECT_EQ(finished.recording, 77u);
  EXPECT_EQ(finished.format, RecordingFormat::wav);
  EXPECT_EQ(finished.duration_ms, 2000);
  EXPECT_EQ(finished.dropped_frames, 0u);
  EXPECT_EQ(finished.sha256.size(), 64u);
  EXPECT_EQ(finished.sha256, *sha256_file_hex(finished.file_path));
  const auto wav = testing::read_wav(finished.file_path);
  EXPECT_EQ(wav.rate, 8000);
  ASSERT_EQ(wav.channels, 2);
  ASSERT_EQ(wav.samples.size(), 2u * 16000);
  for (std::size_t i = 0; i < 16000; ++i) {
    ASSERT_EQ(wav.samples[2 * i], static_cast<std::int16_t>(i % 20000)) << i;
    ASSERT_EQ(wav.samples[2 * i + 1], -1234) << i;
  }
}

TEST_F(RecordingServiceTest, CompressesToMp3AndRemovesTheWav) {
  const auto finished = record(RecordingFormat::mp3, false, 3);
  ASSERT_TRUE(finished.error.empty()) << finished.error;
  EXPECT_EQ(finished.format, RecordingFormat::mp3);
  EXPECT_EQ(finished.file_path, (dir / "call.mp3").string());
  EXPECT_EQ(finished.duration_ms, 3000);
  EXPECT_FALSE(std::filesystem::exists(finished.wav_path));
  ASSERT_TRUE(std::filesystem::exists(finished.file_path));
  EXPECT_GT(finished.bytes, 1000u);
  EXPECT_LT(finished.bytes, 3u * 8000 * 2 * 2 / 4);  // well under the WAV's size
  EXPECT_EQ(finished.sha256, *sha256_file_hex(finished.file_path));
  std::ifstream in(finished.file_path, std::ios::binary);
  char head[3] = {};
  in.read(head, 3);
  // An ID3 tag or an MPEG frame sync.
  EXPECT_TRUE((head[0] == 'I' && head[1] == 'D' && head[2] == '3') ||
              (static_cast<unsigned char>(head[0]) == 0xFF &&
               (static_cast<unsigned char>(head[1]) & 0xE0) == 0xE0));
}

TEST_F(RecordingServiceTest, CompressesToOggOpusKeepingTheWavWhenAsked) {
  const auto finished = record(RecordingFormat::opus, true, 2);
  ASSERT_TRUE(finished.error.empty()) << finished.error;
  EXPECT_EQ(finished.format, RecordingFormat::opus);
  EXPECT_TRUE(std::filesystem::exists(finished.wav_path));
  std::ifstream in(finished.file_path, std::ios::binary);
  char head[4] = {};
  in.read(head, 4);
  EXPECT_EQ(std::string(head, 4), "OggS");
}

TEST_F(RecordingServiceTest, TheWavIsPlayableWhileStillBeingWritten) {
  std::promise<RecordingFinished> done;
  RecordingService service(
      [&](RecordingFinished finished) { done.set_value(std::move(finished)); });
  RecordingRequest request;
  request.left = 1;
  request.path = (dir / "live.wav").string();
  request.compress_to = RecordingFormat::wav;
  auto sink = std::make_shared<RecordingSink>(5, request);
  service.add(sink);
  const std::array<std::int16_t, 320> frame{};
  for (int i = 0; i < 50; ++i) sink->push_frame(frame);  // one second
  // Within about a second the data is on disk with a header that says so (crash safety).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::size_t seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = testing::read_wav(request.path).samples.size();
    if (seen == 16000u) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(seen, 16000u);
  sink->close();
  EXPECT_EQ(done.get_future().get().duration_ms, 1000);
}

TEST_F(RecordingServiceTest, ReportsAnUnwritablePath) {
  std::promise<RecordingFinished> done;
  RecordingService service(
      [&](RecordingFinished finished) { done.set_value(std::move(finished)); });
  RecordingRequest request;
  request.left = 1;
  request.path = (dir / "no-such-dir" / "x.wav").string();
  auto sink = std::make_shared<RecordingSink>(9, request);
  service.add(sink);
  sink->close();
  const auto finished = done.get_future().get();
  EXPECT_FALSE(finished.error.empty());
}

}  // namespace
}  // namespace hotline::media
