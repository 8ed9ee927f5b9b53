// The steady state allocates nothing per event: once the buffers have grown to the stream's
// usual sizes, parsing more events of the same shapes performs no heap allocation.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "sse/parser.hpp"

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

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
  const std::string warmup = sample_stream(100);
  const std::string stream = sample_stream(2000);
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{1024}, stream.size()}) {
    CountingSink sink;
    sse::Parser parser(sink);
    const auto feed_in_chunks = [&](std::string_view bytes) {
      for (std::size_t at = 0; at < bytes.size(); at += chunk) parser.feed(bytes.substr(at, chunk));
    };
    feed_in_chunks(warmup);  // buffers grow to the stream's sizes
    const long before = allocations.load();
    feed_in_chunks(stream);
    EXPECT_EQ(allocations.load() - before, 0) << "chunk " << chunk;
    EXPECT_EQ(sink.retries, 2100u);
    EXPECT_EQ(sink.comments, 2100u);
  }
}

}  // namespace
