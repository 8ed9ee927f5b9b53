// Native parser throughput (Google Benchmark). Every workload runs at chunk sizes 64 KiB, 1 KiB,
// 16 B and 1 B and reports bytes/s and events/s; memchr-over-lines and memcpy on the same
// buffers give the physical limit. Results and commands: bench/RESULTS.md.
//
//   build/release/sse_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "sse/parser.hpp"

namespace {

struct CountingSink final : sse::EventSink {
  void on_event(const sse::Event& event) override {
    ++events;
    bytes += event.data.size();
  }
  std::size_t events = 0, bytes = 0;
};

enum Workload : int { kTiny, kLlm, kMultiLine, kLongLine, kHeartbeats, kLlmCrlf, kLlmCr, kWorkloads };
const char* const kWorkloadNames[] = {"tiny",       "llm_tokens", "multi_line_100", "line_8MiB",
                                      "heartbeats", "llm_crlf",   "llm_cr_only"};
constexpr std::size_t kTargetBytes = 8 << 20;  // each stream is about 8 MiB

std::string with_line_ends(std::string stream, const char* line_end) {
  std::string out;
  out.reserve(stream.size() * 2);
  for (const char c : stream) {
    if (c == '\n') out += line_end;
    else out.push_back(c);
  }
  return out;
}

// An LLM token stream: ~190-byte JSON events with `id` and `event`, some non-ASCII.
std::string llm_stream() {
  std::string stream;
  const char* const tokens[] = {"Hello", " wor", "ld", " caf\xC3\xA9", " \xE6\x97\xA5\xE6\x9C\xAC",
                                " na\xC3\xAFve", " \xF0\x9F\x98\x80", " the"};
  for (int i = 0; stream.size() < kTargetBytes; ++i) {
    stream += "event: completion.delta\nid: " + std::to_string(1000000 + i) +
              "\ndata: {\"id\":\"chatcmpl-8x1Yb2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
              "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" +
              tokens[i % 8] + "\"},\"finish_reason\":null}]}\n\n";
  }
  return stream;
}

const std::string& stream_for(int workload) {
  static std::vector<std::string> streams(kWorkloads);
  std::string& stream = streams[static_cast<std::size_t>(workload)];
  if (!stream.empty()) return stream;
  switch (workload) {
    case kTiny:
      while (stream.size() < kTargetBytes) stream += "data: x\n\n";
      break;
    case kLlm: stream = llm_stream(); break;
    case kMultiLine:
      while (stream.size() < kTargetBytes) {
        for (int line = 0; line < 100; ++line) stream += "data: line of a long multi-line event\n";
        stream += "\n";
      }
      break;
    case kLongLine: stream = "data: " + std::string(kTargetBytes, 'x') + "\n\n"; break;
    case kHeartbeats:
      while (stream.size() < kTargetBytes) stream += ": heartbeat\n";
      break;
    case kLlmCrlf: stream = with_line_ends(llm_stream(), "\r\n"); break;
    case kLlmCr: stream = with_line_ends(llm_stream(), "\r"); break;
  }
  return stream;
}

std::size_t events_in(int workload) {
  CountingSink sink;
  sse::Parser parser(sink);
  parser.feed(stream_for(workload));
  return sink.events;
}

void report(benchmark::State& state, std::size_t bytes, std::size_t events) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * events), benchmark::Counter::kIsRate);
}

// range(0): workload, range(1): chunk size.
void Parse(benchmark::State& state) {
  const int workload = static_cast<int>(state.range(0));
  const auto chunk = static_cast<std::size_t>(state.range(1));
  const std::string& stream = stream_for(workload);
  const std::size_t events = events_in(workload);
  state.SetLabel(kWorkloadNames[workload]);
  CountingSink sink;
  sse::Parser parser(sink);
  // The stream, fed again and again: the steady state of one long-lived connection.
  for (auto _ : state) {
    const std::string_view bytes = stream;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) parser.feed(bytes.substr(at, chunk));
  }
  if (sink.events != events * state.iterations()) state.SkipWithError("events lost");
  report(state, stream.size(), events);
}

void chunk_sizes(benchmark::internal::Benchmark* b) {
  for (int workload = 0; workload < kWorkloads; ++workload) {
    for (const int chunk : {65536, 1024, 16, 1}) b->Args({workload, chunk});
  }
}
BENCHMARK(Parse)->Apply(chunk_sizes)->Unit(benchmark::kMillisecond)->MinTime(0.2);

// The physical limits on the same bytes: finding every line end with memchr, and copying.
void BaselineMemchrLines(benchmark::State& state) {
  const int workload = static_cast<int>(state.range(0));
  const std::string& stream = stream_for(workload);
  state.SetLabel(kWorkloadNames[workload]);
  for (auto _ : state) {
    std::size_t lines = 0;
    for (const char* p = stream.data(), *end = p + stream.size();; ++p, ++lines) {
      p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (p == nullptr) break;
    }
    benchmark::DoNotOptimize(lines);
  }
  report(state, stream.size(), events_in(workload));
}
BENCHMARK(BaselineMemchrLines)->DenseRange(0, kWorkloads - 1)->Unit(benchmark::kMillisecond);

void BaselineMemcpy(benchmark::State& state) {
  const std::string& stream = stream_for(static_cast<int>(state.range(0)));
  std::string copy(stream.size(), '\0');
  state.SetLabel(kWorkloadNames[state.range(0)]);
  for (auto _ : state) {
    std::memcpy(copy.data(), stream.data(), stream.size());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BaselineMemcpy)->Arg(kLlm)->Arg(kLongLine)->Unit(benchmark::kMillisecond);

// Each line-end kernel alone on the 8 MiB line: what the SIMD paths buy.
void ScanKernel(benchmark::State& state) {
  const auto kernel = static_cast<sse::scan::Kernel>(state.range(0));
  const auto kernels = sse::scan::available_kernels();
  if (std::find(kernels.begin(), kernels.end(), kernel) == kernels.end()) {
    state.SkipWithError("kernel not available here");
    return;
  }
  const std::string& stream = stream_for(kLongLine);
  const char* names[] = {"scalar", "sse2", "avx2", "simd128", "swar"};
  state.SetLabel(names[state.range(0)]);
  for (auto _ : state) {
    benchmark::DoNotOptimize(sse::scan::find_line_end(kernel, stream.data(), stream.data() + stream.size()));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(ScanKernel)->Arg(0)->Arg(4)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// One `data:` line of range(0) MiB fed in range(1)-byte chunks: the time must grow linearly
// with the line (buffered bytes are never scanned again).
void LongLine(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0)) << 20;
  const auto chunk = static_cast<std::size_t>(state.range(1));
  const std::string stream = "data: " + std::string(size, 'x') + "\n\n";
  for (auto _ : state) {
    CountingSink sink;
    sse::Parser parser(sink, {.max_buffered_bytes = stream.size()});
    for (std::size_t at = 0; at < stream.size(); at += chunk) parser.feed(std::string_view(stream).substr(at, chunk));
    if (sink.events != 1) state.SkipWithError("the line was not delivered");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.SetComplexityN(static_cast<std::int64_t>(size));
}
BENCHMARK(LongLine)
    ->ArgsProduct({{8, 16, 32, 64, 128, 256}, {1024}})
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

// The plain-copy limit for LongLine: the same chunks into a buffer that grows the same way.
void LongLineMemcpyBaseline(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0)) << 20;
  const auto chunk = static_cast<std::size_t>(state.range(1));
  const std::string stream = "data: " + std::string(size, 'x') + "\n\n";
  for (auto _ : state) {
    std::string copy;
    for (std::size_t at = 0; at < stream.size(); at += chunk) copy.append(std::string_view(stream).substr(at, chunk));
    benchmark::DoNotOptimize(copy.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(LongLineMemcpyBaseline)->ArgsProduct({{8, 64, 256}, {1024}})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
