// Native parser throughput. Run: build/release/sse_bench (see bench/RESULTS.md).
#include <benchmark/benchmark.h>

#include <string>

#include "sse/parser.hpp"

namespace {

struct CountingSink final : sse::EventSink {
  void on_event(const sse::Event& event) override {
    ++events;
    bytes += event.data.size();
  }
  std::size_t events = 0, bytes = 0;
};

void feed_in_chunks(sse::Parser& parser, std::string_view stream, std::size_t chunk) {
  for (std::size_t at = 0; at < stream.size(); at += chunk) parser.feed(stream.substr(at, chunk));
}

// One `data:` line of range(0) MiB fed in range(1)-byte chunks: the time must grow linearly
// with the line (buffered bytes are never scanned again).
void LongLine(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0)) << 20;
  const auto chunk = static_cast<std::size_t>(state.range(1));
  const std::string stream = "data: " + std::string(size, 'x') + "\n\n";
  for (auto _ : state) {
    CountingSink sink;
    sse::Parser parser(sink, {.max_buffered_bytes = stream.size()});
    feed_in_chunks(parser, stream, chunk);
    if (sink.events != 1) state.SkipWithError("the line was not delivered");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.SetComplexityN(static_cast<std::int64_t>(size));
}
BENCHMARK(LongLine)
    ->ArgsProduct({{8, 16, 32, 64, 128, 256}, {1024}})
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);
BENCHMARK(LongLine)->ArgsProduct({{8, 64}, {65536}})->Unit(benchmark::kMillisecond);

// The physical limit for LongLine: the same bytes copied in the same chunks into a buffer that
// grows like the parser's (fresh memory every iteration, as a new long line needs).
void LongLineMemcpyBaseline(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0)) << 20;
  const auto chunk = static_cast<std::size_t>(state.range(1));
  const std::string stream = "data: " + std::string(size, 'x') + "\n\n";
  for (auto _ : state) {
    std::string copy;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      copy.append(std::string_view(stream).substr(at, chunk));
    }
    benchmark::DoNotOptimize(copy.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(LongLineMemcpyBaseline)
    ->ArgsProduct({{8, 64, 256}, {1024}})
    ->Unit(benchmark::kMillisecond);

// Many small events (`data: x\n\n`) in range(0)-byte chunks.
void TinyEvents(benchmark::State& state) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  std::string stream;
  for (int i = 0; i < 100000; ++i) stream += "data: x\n\n";
  for (auto _ : state) {
    CountingSink sink;
    sse::Parser parser(sink);
    feed_in_chunks(parser, stream, chunk);
    benchmark::DoNotOptimize(sink.events);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 100000,
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(TinyEvents)->Arg(65536)->Arg(1024)->Arg(16)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
