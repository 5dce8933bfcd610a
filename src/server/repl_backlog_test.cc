#include "server/repl_backlog.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace memkeydb {
namespace {

TEST(ReplBacklog, EmptyContinuesAtTheNextByte) {
  ReplBacklog b(16, 100);
  EXPECT_EQ(b.first_offset(), 101);
  EXPECT_EQ(b.end_offset(), 100);
  std::string out;
  EXPECT_TRUE(b.CopyFrom(101, &out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(b.CopyFrom(100, &out));
  EXPECT_FALSE(b.CopyFrom(102, &out));
}

TEST(ReplBacklog, WrapsAndKeepsTheNewestBytes) {
  ReplBacklog b(8, 0);
  b.Append("abcdef");
  b.Append("ghij");  // wraps: holds "cdefghij", offsets 3..10
  EXPECT_EQ(b.first_offset(), 3);
  EXPECT_EQ(b.end_offset(), 10);
  std::string out;
  EXPECT_TRUE(b.CopyFrom(3, &out));
  EXPECT_EQ(out, "cdefghij");
  out.clear();
  EXPECT_TRUE(b.CopyFrom(9, &out));
  EXPECT_EQ(out, "ij");
  EXPECT_FALSE(b.CopyFrom(2, &out));
  b.Append("0123456789ABC");  // longer than the ring
  out.clear();
  EXPECT_TRUE(b.CopyFrom(b.first_offset(), &out));
  EXPECT_EQ(out, "56789ABC");
  EXPECT_EQ(b.end_offset(), 23);
}

// Against a plain string holding the whole stream: random appends, resizes and reads.
TEST(ReplBacklog, MatchesTheWholeStream) {
  uint32_t seed = std::random_device{}();
  if (const char* s = std::getenv("MEMKEYDB_SEED")) seed = static_cast<uint32_t>(std::atoll(s));
  std::cout << "ReplBacklog seed " << seed << " (MEMKEYDB_SEED)\n";
  std::mt19937 rng(seed);
  std::string all = std::string(1000, '.');  // the stream starts at offset 1001
  ReplBacklog b(64, 1000);
  for (int i = 0; i < 20000; ++i) {
    int op = static_cast<int>(rng() % 20);
    if (op == 0) {
      b.Resize(1 + rng() % 200);
    } else if (op < 12) {
      std::string chunk(rng() % 90, '\0');
      for (char& ch : chunk) ch = static_cast<char>('a' + rng() % 26);
      b.Append(chunk);
      all += chunk;
    } else {
      ASSERT_EQ(b.end_offset(), static_cast<int64_t>(all.size()));
      ASSERT_LE(b.histlen(), b.capacity());
      int64_t from = b.first_offset() + static_cast<int64_t>(rng() % (b.histlen() + 1));
      std::string out;
      ASSERT_TRUE(b.CopyFrom(from, &out));
      ASSERT_EQ(out, all.substr(static_cast<size_t>(from - 1))) << "round " << i;
    }
  }
}

}  // namespace
}  // namespace memkeydb
