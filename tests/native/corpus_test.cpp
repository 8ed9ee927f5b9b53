// Runs every case of the shared corpus (tests/vectors) whole, byte by byte, split at every
// offset, split at every pair of offsets (short inputs) and in random chunkings.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "corpus.hpp"

namespace {

const std::vector<corpus::Case>& all_cases() {
  static const std::vector<corpus::Case> cases = corpus::load_all(SSE_VECTORS_DIR);
  return cases;
}

// Inputs up to this size are split at every offset; longer ones at a spread of offsets.
constexpr std::size_t kEverySplitMaxBytes = 4096;
constexpr std::size_t kEveryPairMaxBytes = 64;

std::vector<std::size_t> single_split_offsets(std::size_t size) {
  std::vector<std::size_t> offsets;
  if (size <= kEverySplitMaxBytes) {
    for (std::size_t at = 1; at < size; ++at) offsets.push_back(at);
    return offsets;
  }
  std::set<std::size_t> chosen;
  for (std::size_t k = 1; k < 32; ++k) {
    chosen.insert(k);
    chosen.insert(size - k);
  }
  for (std::size_t k = 1; k < 64; ++k) chosen.insert(size * k / 64);
  return {chosen.begin(), chosen.end()};
}

class Corpus : public ::testing::TestWithParam<std::size_t> {
 protected:
  const corpus::Case& test_case() const { return all_cases()[GetParam()]; }
};

TEST_P(Corpus, Whole) {
  EXPECT_EQ(corpus::run(test_case(), {}), test_case().expected) << test_case().id;
}

TEST_P(Corpus, ByteByByte) {
  EXPECT_EQ(corpus::run_in_chunks_of(test_case(), 1), test_case().expected) << test_case().id;
}

TEST_P(Corpus, SplitAtEveryOffset) {
  for (const std::size_t at : single_split_offsets(test_case().input.size())) {
    const corpus::Trace trace = corpus::run(test_case(), {at});
    ASSERT_EQ(trace, test_case().expected) << test_case().id << " split at " << at;
  }
}

// Short inputs: every pair of offsets. Longer ones: every pair from a spread of offsets.
TEST_P(Corpus, SplitAtEveryPairOfOffsets) {
  const std::size_t size = test_case().input.size();
  std::vector<std::size_t> offsets;
  if (size <= kEveryPairMaxBytes) {
    for (std::size_t at = 1; at < size; ++at) offsets.push_back(at);
  } else {
    std::set<std::size_t> chosen;
    for (std::size_t k = 1; k < 8; ++k) {
      chosen.insert(k);
      chosen.insert(size - k);
    }
    for (std::size_t k = 1; k < 16; ++k) chosen.insert(size * k / 16);
    offsets.assign(chosen.begin(), chosen.end());
  }
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    for (std::size_t j = i + 1; j < offsets.size(); ++j) {
      const corpus::Trace trace = corpus::run(test_case(), {offsets[i], offsets[j]});
      ASSERT_EQ(trace, test_case().expected)
          << test_case().id << " split at " << offsets[i] << " and " << offsets[j];
    }
  }
}

TEST_P(Corpus, RandomChunkings) {
  std::mt19937_64 random(GetParam());
  const std::size_t size = test_case().input.size();
  for (int round = 0; round < 16; ++round) {
    std::vector<std::size_t> splits;
    const std::size_t max_chunk = std::size_t{1} << (round % 12);
    for (std::size_t at = 0;;) {
      at += 1 + random() % max_chunk;
      if (at >= size) break;
      splits.push_back(at);
    }
    const corpus::Trace trace = corpus::run(test_case(), splits);
    ASSERT_EQ(trace, test_case().expected) << test_case().id << " random chunking " << round;
  }
}

// Every line-end scanning kernel against the expected traces (the corpus's long lines reach
// the vector loops; the short ones their tails).
TEST_P(Corpus, EveryScanKernel) {
  for (const auto kernel : sse::scan::available_kernels()) {
    ASSERT_EQ(sse::scan::use_kernel(kernel), kernel);
    EXPECT_EQ(corpus::run(test_case(), {}), test_case().expected)
        << test_case().id << " kernel " << static_cast<int>(kernel);
    EXPECT_EQ(corpus::run_in_chunks_of(test_case(), 7), test_case().expected)
        << test_case().id << " kernel " << static_cast<int>(kernel);
  }
  sse::scan::use_kernel(sse::scan::best_kernel());
}

std::string case_name(const ::testing::TestParamInfo<std::size_t>& info) {
  std::string name = all_cases()[info.param].id;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Vectors, Corpus, ::testing::Range<std::size_t>(0, all_cases().size()),
                         case_name);

TEST(CorpusFiles, HoldAtLeast150UniquelyNamedCases) {
  std::set<std::string> ids;
  for (const auto& c : all_cases()) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate case " << c.id;
  }
  EXPECT_GE(all_cases().size(), 150u);
}

}  // namespace
