// The RDB building blocks: CRC-64's check value and slicing, lengths at every width boundary,
// the integer and LZF string encodings as Redis writes them, and the reader's refusals of
// truncated and lying input.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_io.h"

namespace memkeydb::rdb {
namespace {

TEST(Crc64, CheckValue) {
  EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, "", 0), 0u);
}

TEST(Crc64, SlicedEqualsBytewise) {
  std::mt19937_64 rng(7);
  std::string s(1000, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  uint64_t whole = Crc64(0, s.data(), s.size());
  for (size_t split : {0, 1, 3, 8, 9, 500, 999}) {
    uint64_t part = Crc64(Crc64(0, s.data(), split), s.data() + split, s.size() - split);
    EXPECT_EQ(part, whole) << split;
  }
  uint64_t bytewise = 0;
  for (char c : s) bytewise = Crc64(bytewise, &c, 1);
  EXPECT_EQ(bytewise, whole);
}

std::string Hex(const std::string& s) {
  std::string h;
  char b[3];
  for (unsigned char c : s) {
    std::snprintf(b, sizeof(b), "%02x", c);
    h += b;
  }
  return h;
}

TEST(RdbOut, LengthForms) {
  RdbOut out(false);
  out.Length(63);
  out.Length(64);
  out.Length(16383);
  out.Length(16384);
  out.Length(UINT32_MAX);
  out.Length(uint64_t{1} << 32);
  EXPECT_EQ(Hex(out.buffer()),
            "3f" "4040" "7fff" "8000004000" "80ffffffff" "810000000100000000");
  RdbIn in(out.buffer());
  for (uint64_t want : {uint64_t{63}, uint64_t{64}, uint64_t{16383}, uint64_t{16384},
                        uint64_t{UINT32_MAX}, uint64_t{1} << 32}) {
    uint64_t got;
    ASSERT_TRUE(in.Length(&got)) << in.error();
    EXPECT_EQ(got, want);
  }
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(RdbOut, IntegerStringsAsRedisEncodesThem) {
  RdbOut out(false);
  out.String("12");          // int8
  out.String("-300");        // int16
  out.String("100000");      // int32
  out.String("12345678901"); // too big for int32: plain
  out.String("012");         // not canonical: plain
  EXPECT_EQ(Hex(out.buffer()), "c00c" "c1d4fe" "c2a0860100" "0b3132333435363738393031" "03303132");
  RdbIn in(out.buffer());
  for (const char* want : {"12", "-300", "100000", "12345678901", "012"}) {
    std::string got;
    ASSERT_TRUE(in.String(&got)) << in.error();
    EXPECT_EQ(got, want);
  }
}

TEST(RdbOut, LzfOnlyWhenOnAndWorthIt) {
  std::string repetitive(200, 'a');
  RdbOut on(true), off(false);
  on.String(repetitive);
  off.String(repetitive);
  EXPECT_EQ(static_cast<uint8_t>(on.buffer()[0]), 0xc3);
  EXPECT_LT(on.buffer().size(), 20u);
  EXPECT_EQ(off.buffer().size(), 2u + 200u);
  RdbIn in(on.buffer());
  std::string got;
  ASSERT_TRUE(in.String(&got)) << in.error();
  EXPECT_EQ(got, repetitive);
  // 20 bytes: never compressed, however repetitive.
  RdbOut short_on(true);
  short_on.String(std::string(20, 'a'));
  EXPECT_EQ(short_on.buffer().size(), 21u);
}

TEST(RdbIn, RefusesLyingLengthsWithOffsets) {
  RdbOut out(false);
  out.Length(1000);
  out.Raw("abc", 3);
  RdbIn in(out.buffer());
  std::string s;
  EXPECT_FALSE(in.String(&s));
  EXPECT_EQ(in.error(), "at offset 2: expected a string of 1000 bytes, 3 remain");
  // An LZF string claiming an absurd plain length is refused before anything is allocated.
  RdbOut lzf(false);
  lzf.Byte(0xc3);
  lzf.Length(3);
  lzf.Length(uint64_t{1} << 40);
  lzf.Raw("xyz", 3);
  RdbIn in2(lzf.buffer());
  EXPECT_FALSE(in2.String(&s));
  EXPECT_NE(in2.error().find("LZF string claims"), std::string::npos) << in2.error();
}

TEST(RdbIn, RandomBytesNeverCrash) {
  uint32_t seed = std::random_device{}();
  std::printf("seed %u\n", seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(rng() % 40, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    RdbIn in(bytes);
    std::string s;
    double d;
    while (!in.failed() && in.remaining() > 0) {
      switch (rng() % 3) {
        case 0: in.String(&s); break;
        case 1: in.TextDouble(&d); break;
        default: { uint64_t n; in.Length(&n); }
      }
    }
  }
}

TEST(RdbIn, FileReaderCrossesBufferBoundariesAndKeepsCrc) {
  // Strings larger than the reader's 1 MiB window, and many small ones across its edges.
  RdbOut out(false);
  std::string big(3 << 20, 'q');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  out.String(big);
  for (int i = 0; i < 100000; ++i) out.String("k" + std::to_string(i));
  char path[] = "/tmp/rdb_io_testXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, out.buffer().data(), out.buffer().size()),
            static_cast<ssize_t>(out.buffer().size()));
  lseek(fd, 0, SEEK_SET);
  RdbIn in(fd, out.buffer().size());
  std::string got;
  ASSERT_TRUE(in.String(&got)) << in.error();
  EXPECT_EQ(got, big);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(in.String(&got)) << in.error();
    ASSERT_EQ(got, "k" + std::to_string(i));
  }
  EXPECT_EQ(in.remaining(), 0u);
  EXPECT_EQ(in.crc(), out.crc());
  close(fd);
  unlink(path);
}

}  // namespace
}  // namespace memkeydb::rdb
