// The steady state allocates nothing per event: once the buffers have grown to the stream's
// usual sizes, parsing more events of the same shapes performs no heap allocation. And buffers
// that a huge value grew are freed once it has been used, not kept for the parser's life.
//
// The parser's buffers use malloc and realloc, so those are counted (glibc's own functions do the
// work). Under AddressSanitizer, which owns malloc, these tests are skipped.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "sse/parser.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define SSE_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SSE_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef SSE_COUNT_ALLOCATIONS
#define SSE_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<long> allocations{0};
}

#if SSE_COUNT_ALLOCATIONS
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void __libc_free(void* p);

void* malloc(std::size_t size) noexcept {
  ++allocations;
  return __libc_malloc(size);
}
void* realloc(void* p, std::size_t size) noexcept {
  ++allocations;
  return __libc_realloc(p, size);
}
void* calloc(std::size_t count, std::size_t size) noexcept {
  ++allocations;
  return __libc_calloc(count, size);
}
void free(void* p) noexcept { __libc_free(p); }
}
#endif

namespace {

struct CountingSink final : sse::EventSink {
  void on_event(const sse::Event& event) override { bytes += event.data.size() + event.type.size(); }
  void on_retry(std::uint64_t) override { ++retries; }
  void on_comment(std::string_view) override { ++comments; }
  std::size_t bytes = 0, retries = 0, comments = 0;
};

std::string sample_stream(int events) {
  std::string stream;
  for (int i = 0; i < events; ++i) {
    stream += "id: " + std::to_string(100000 + i) + "\n";
    stream += "event: token\ndata: {\"choices\":[{\"delta\":\"caf\xC3\xA9\"}]}\n\n";
    stream += "data: line one\r\ndata: line two\r\n\r\n";
    stream += ": heartbeat\rretry: 3000\rdata: bad \xFF byte\r\r";
  }
  return stream;
}

TEST(Allocation, NoHeapAllocationPerEventInTheSteadyState) {
  if (!SSE_COUNT_ALLOCATIONS) GTEST_SKIP() << "AddressSanitizer owns malloc";
  const std::string warmup = sample_stream(100);
  const std::string stream = sample_stream(2000);
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{1024}, stream.size()}) {
    CountingSink sink;
    sse::Parser parser(sink);
    const auto feed_in_chunks = [&](std::string_view bytes) {
      for (std::size_t at = 0; at < bytes.size(); at += chunk) parser.feed(bytes.substr(at, chunk));
    };
    const long start = allocations.load();
    feed_in_chunks(warmup);  // buffers grow to the stream's sizes
    const long before = allocations.load();
    EXPECT_GT(before - start, 0) << "the warm-up grew the buffers: allocations are counted";
    feed_in_chunks(stream);
    EXPECT_EQ(allocations.load() - before, 0) << "chunk " << chunk;
    EXPECT_EQ(sink.retries, 2100u);
    EXPECT_EQ(sink.comments, 2100u);
  }
}

// Each huge value is 4 MiB of 0xFF, repaired to 12 MiB of U+FFFD: as data, an event type, an id
// and a comment, each followed by an ordinary block. What the parser holds afterwards must not
// include any of those buffers.
TEST(Allocation, BuffersGrownByAHugeValueAreFreedAfterItIsUsed) {
  if (!SSE_COUNT_ALLOCATIONS) GTEST_SKIP() << "AddressSanitizer owns malloc";
  const std::string huge(4 << 20, '\xFF');
  for (const std::string field : {"data", "event", "id", ""}) {
    for (const std::size_t chunk : {std::size_t{64 * 1024}, std::size_t{64 << 20}}) {
      const std::string stream = field + ": " + huge + "\n\nid: 7\nevent: small\ndata: small\n\n";
      CountingSink sink;
      sse::Parser parser(sink);
      const std::size_t before = mallinfo2().uordblks;
      for (std::size_t at = 0; at < stream.size(); at += chunk) parser.feed(std::string_view(stream).substr(at, chunk));
      const std::size_t held = mallinfo2().uordblks - before;
      EXPECT_LT(held, std::size_t{1} << 20) << "after a huge " << (field.empty() ? "comment" : field) << " in chunks of " << chunk;
      EXPECT_EQ(parser.last_event_id(), "7");
    }
  }
}

TEST(Allocation, SetLastEventIdAcceptsAViewOfItsOwnBuffers) {
  CountingSink sink;
  sse::Parser parser(sink);
  parser.feed("id: " + std::string(1 << 20, 'a') + "\n\n");
  parser.set_last_event_id(parser.last_event_id().substr(0, 3));
  EXPECT_EQ(parser.last_event_id(), "aaa");
  EXPECT_EQ(parser.last_event_id_buffer(), "aaa");
  parser.set_last_event_id(parser.last_event_id_buffer());
  EXPECT_EQ(parser.last_event_id(), "aaa");
}

}  // namespace
