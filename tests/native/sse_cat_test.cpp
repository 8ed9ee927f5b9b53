// sse-cat as a user runs it: a child process fed through a pipe.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "corpus.hpp"
#include "json.hpp"

namespace {

struct ToolRun {
  int exit_code = -1;
  std::string out, err;
  long peak_rss_kib = 0;
};

// Runs sse-cat with `args`; `produce` is asked for stdin bytes until it returns an empty string
// or the child stops reading.
ToolRun run_sse_cat(const std::vector<std::string>& args, const std::function<std::string()>& produce) {
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  EXPECT_EQ(pipe(in), 0);
  EXPECT_EQ(pipe(out), 0);
  EXPECT_EQ(pipe(err), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    std::vector<char*> argv{const_cast<char*>(SSE_CAT_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(SSE_CAT_PATH, argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  ToolRun run;
  std::string pending = produce();
  std::size_t written = 0;
  bool stdin_open = true, out_open = true, err_open = true;
  if (pending.empty()) {
    close(in[1]);
    stdin_open = false;
  }
  char buffer[65536];
  while (out_open || err_open) {
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    if (!out_open) fds[0].fd = -1;
    if (!err_open) fds[1].fd = -1;
    if (!stdin_open) fds[2].fd = -1;
    poll(fds, 3, -1);
    for (int k = 0; k < 2; ++k) {
      if (fds[k].revents == 0) continue;
      const ssize_t n = read(fds[k].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[k].fd);
        (k == 0 ? out_open : err_open) = false;
      } else {
        (k == 0 ? run.out : run.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
    if (stdin_open && fds[2].revents != 0) {
      const ssize_t n = write(in[1], pending.data() + written, pending.size() - written);
      if (n < 0 && errno != EAGAIN) {  // EPIPE: the child stopped reading
        close(in[1]);
        stdin_open = false;
      } else if (n > 0 && (written += static_cast<std::size_t>(n)) == pending.size()) {
        pending = produce();
        written = 0;
        if (pending.empty()) {
          close(in[1]);
          stdin_open = false;
        }
      }
    }
  }
  if (stdin_open) close(in[1]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.peak_rss_kib = usage.ru_maxrss;
  return run;
}

ToolRun run_sse_cat(const std::vector<std::string>& args, std::string input) {
  bool given = false;
  return run_sse_cat(args, [&] {
    if (given) return std::string();
    given = true;
    return input;
  });
}

TEST(SseCat, PrintsTheIssueExample) {
  const ToolRun run = run_sse_cat({}, "data: a\r\n\r\nevent: ping\ndata: {\"time\": 1}\nid: 7\n\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "{\"type\":\"message\",\"data\":\"a\",\"lastEventId\":\"\"}\n"
            "{\"type\":\"ping\",\"data\":\"{\\\"time\\\": 1}\",\"lastEventId\":\"7\"}\n");
  EXPECT_EQ(run.err, "");
}

TEST(SseCat, PrintsRetriesCommentsAndEscapesControlCharacters) {
  const ToolRun run = run_sse_cat({"--comments", "--chunk", "1"},
                              std::string("retry: 250\n: hi\ndata: \x01\t\\\"\0\xFF\n\n", 30));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "{\"retry\":250}\n{\"comment\":\"hi\"}\n"
            "{\"type\":\"message\",\"data\":\"\\u0001\\t\\\\\\\"\\u0000\xEF\xBF\xBD\",\"lastEventId\":\"\"}\n");
}

// The whole corpus through the tool, in three chunkings: the JSON it prints must parse, be valid
// UTF-8 and say exactly what the corpus expects. (The corpus hears comments: --comments.)
TEST(SseCat, PrintsValidJsonMatchingTheCorpusInEveryChunking) {
  const auto cases = corpus::load_all(SSE_VECTORS_DIR);
  for (const auto& c : cases) {
    for (const char* chunk : {"1", "3", "65536"}) {
      const ToolRun run = run_sse_cat({"--comments", "--chunk", chunk, "--max-buffered-bytes",
                                   std::to_string(c.options.max_buffered_bytes)},
                                  c.input);
      ASSERT_EQ(run.exit_code, c.expected.buffer_limit_error ? 1 : 0) << c.id << run.err;
      ASSERT_TRUE(sse::utf8::is_valid(run.out)) << c.id;
      corpus::Trace trace;
      std::istringstream lines(run.out);
      for (std::string line; std::getline(lines, line);) {
        const testjson::Value json = testjson::parse(line);
        if (const auto* retry = json.find("retry")) {
          trace.retries.push_back(retry->u64());
        } else if (const auto* comment = json.find("comment")) {
          trace.comments.push_back(comment->str());
        } else {
          trace.events.push_back({json.at("type").str(), json.at("data").str(),
                                  json.at("lastEventId").str()});
        }
      }
      ASSERT_EQ(trace.events, c.expected.events) << c.id << " chunk " << chunk;
      ASSERT_EQ(trace.retries, c.expected.retries) << c.id << " chunk " << chunk;
      if (c.check_comments) ASSERT_EQ(trace.comments, c.expected.comments) << c.id << " chunk " << chunk;
    }
  }
}

TEST(SseCat, WithoutCommentsSkipsThemUnbufferedWhateverTheirSize) {
  const ToolRun run = run_sse_cat({"--max-buffered-bytes", "16"}, ": " + std::string(1000, 'c') + "\ndata: a\n\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "{\"type\":\"message\",\"data\":\"a\",\"lastEventId\":\"\"}\n");
}

TEST(SseCat, AParserErrorPrintsAClearMessageAndExitsNonZero) {
  const ToolRun run = run_sse_cat({"--max-buffered-bytes", "10"}, "data: a\n\ndata: 0123456789\n\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "{\"type\":\"message\",\"data\":\"a\",\"lastEventId\":\"\"}\n");
  EXPECT_EQ(run.err,
            "sse-cat: event-stream line or event exceeds the limit of 10 buffered bytes; the parser "
            "stopped until reset()\n");
}

TEST(SseCat, UnreadableInputPrintsAClearMessageAndExitsNonZero) {
  const ToolRun missing = run_sse_cat({"/nonexistent/stream.txt"}, "");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "sse-cat: cannot open /nonexistent/stream.txt: No such file or directory\n");
  const ToolRun directory = run_sse_cat({"/"}, "");
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_EQ(directory.err, "sse-cat: cannot read /: Is a directory\n");
  const ToolRun bad_option = run_sse_cat({"--chunk", "zero"}, "");
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_NE(bad_option.err.find("usage: sse-cat"), std::string::npos);
}

TEST(SseCat, ReadsAFileArgument) {
  char path[] = "/tmp/sse-cat-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string stream = "event: ping\ndata: 1\n\n";
  ASSERT_EQ(write(fd, stream.data(), stream.size()), static_cast<ssize_t>(stream.size()));
  close(fd);
  const ToolRun from_file = run_sse_cat({path}, "");
  unlink(path);
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(from_file.out, "{\"type\":\"ping\",\"data\":\"1\",\"lastEventId\":\"\"}\n");
}

#if !defined(SSE_SANITIZE)
// A stream that is one line, "data: " and then `value_bytes` bytes: the default limit stops it
// with bounded memory.
ToolRun run_on_one_huge_line(std::vector<std::string> args, std::size_t value_bytes) {
  const std::string block = std::string(1 << 16, 'x');
  std::size_t sent = 0;
  bool started = false;
  return run_sse_cat(std::move(args), [&] {
    if (!started) {
      started = true;
      return std::string("data: ");
    }
    if (sent >= value_bytes) return std::string();
    sent += block.size();
    return block;
  });
}

TEST(SseCat, AOneGibLineEndsWithAClearErrorAndBoundedMemory) {
  const ToolRun run = run_on_one_huge_line({}, std::size_t{1} << 30);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("exceeds the limit of 16777216 buffered bytes"), std::string::npos) << run.err;
  EXPECT_LT(run.peak_rss_kib, 64 * 1024) << "peak RSS in KiB";
  std::printf("peak RSS for a 1 GiB line: %ld KiB\n", run.peak_rss_kib);
}

TEST(SseCat, A16MibLineFedByteByByteEndsWithAClearErrorAndBoundedMemory) {
  const ToolRun run = run_on_one_huge_line({"--chunk", "1"}, std::size_t{16} << 20);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("exceeds the limit"), std::string::npos) << run.err;
  EXPECT_LT(run.peak_rss_kib, 64 * 1024) << "peak RSS in KiB";
  std::printf("peak RSS for a 16 MiB line, 1-byte chunks: %ld KiB\n", run.peak_rss_kib);
}
#endif

}  // namespace
