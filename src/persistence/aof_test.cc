// The AOF's on-disk pieces: the manifest's text both ways (odd names, Redis's refusals), the
// atomic write, RESP command encoding, and reading command files with torn tails, bad bytes
// and unfinished transactions.
#include "persistence/aof.h"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "common/strutil.h"

namespace memkeydb::aof {
namespace {

TEST(AofManifest, FormatsAsRedisDoes) {
  Manifest m;
  m.NewBase("appendonly.aof", true);
  m.NewIncr("appendonly.aof");
  EXPECT_EQ(m.ToString(),
            "file appendonly.aof.1.base.rdb seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
  m.NewIncr("appendonly.aof");
  m.NewBase("appendonly.aof", false);
  m.RetireIncrs(1);
  EXPECT_EQ(m.ToString(),
            "file appendonly.aof.2.base.aof seq 2 type b\n"
            "file appendonly.aof.1.base.rdb seq 1 type h\n"
            "file appendonly.aof.1.incr.aof seq 1 type h\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
}

TEST(AofManifest, RoundTripsOddNames) {
  for (std::string name : {"my file.aof", "quo\"te", "back\\slash", "tab\there", "nl\nx",
                           "bin\x01\xff", "plain-name_1.aof", "sp ace"}) {
    Manifest m;
    m.base = FileInfo{name + ".1.base.aof", 1, FileType::kBase};
    m.incrs.push_back(FileInfo{name + ".1.incr.aof", 1, FileType::kIncr});
    std::string text = m.ToString();
    auto parsed = Manifest::Parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message() << " for " << text;
    EXPECT_EQ(parsed->base->name, name + ".1.base.aof");
    EXPECT_EQ(parsed->incrs.at(0).name, name + ".1.incr.aof");
    EXPECT_EQ(parsed->ToString(), text);
  }
  EXPECT_EQ(Repr("a b"), "\"a b\"");
  EXPECT_EQ(Repr("x\x01"), "\"x\\x01\"");
  EXPECT_FALSE(NameNeedsQuoting("appendonly.aof.1.incr.aof"));
}

TEST(AofManifest, AcceptsWhatRedisAccepts) {
  // Any order and case of the pairs, extra pairs, comments, CRLF, single quotes.
  auto m = Manifest::Parse(
      "# comment\n"
      "SEQ 3 TYPE b FILE a.3.base.rdb extra x\r\n"
      "file 'b.5.incr.aof' seq 5 type i\n"
      "file \"c\\x41.6.incr.aof\" seq 6 type i\n");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->base->name, "a.3.base.rdb");
  EXPECT_EQ(m->base_seq, 3);
  ASSERT_EQ(m->incrs.size(), 2u);
  EXPECT_EQ(m->incrs[1].name, "cA.6.incr.aof");
  EXPECT_EQ(m->incr_seq, 6);
}

TEST(AofManifest, RefusesWhatRedisRefuses) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"", "Found an empty AOF manifest"},
      {"file a seq 1 type b\n\n", "Invalid AOF manifest file format"},
      {"file a seq 1 type b", "too long line"},  // no newline at the end
      {"file a seq 1\n", "Invalid AOF manifest file format"},
      {"file a seq 1 type\n", "Invalid AOF manifest file format"},
      {"file a seq 0 type b\n", "Invalid AOF manifest file format"},
      {"file a seq x type b\n", "Invalid AOF manifest file format"},
      {"file d/a seq 1 type b\n", "can't be a path"},
      {"file a seq 1 type b\nfile b seq 2 type b\n", "duplicate base"},
      {"file a seq 2 type i\nfile b seq 2 type i\n", "non-monotonic"},
      {"file a seq 1 type x\n", "Unknown AOF file type"},
      {"file \"a seq 1 type b\n", "Invalid AOF manifest file format"},
  };
  for (const Case& c : cases) {
    auto m = Manifest::Parse(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_NE(m.status().message().find(c.error), std::string::npos)
        << c.text << " -> " << m.status().message();
  }
  std::string long_line = "file " + std::string(1100, 'a') + " seq 1 type b\n";
  EXPECT_FALSE(Manifest::Parse(long_line).ok());
}

TEST(AofManifest, AtomicWriteReplacesTheFile) {
  char dir_template[] = "/tmp/aof_test_XXXXXX";
  std::string dir = mkdtemp(dir_template);
  ASSERT_TRUE(WriteFileAtomically(dir, "m", "temp-m", "one\n").ok());
  ASSERT_TRUE(WriteFileAtomically(dir, "m", "temp-m", "two\n").ok());
  FILE* f = fopen((dir + "/m").c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[16] = {};
  EXPECT_EQ(fread(buf, 1, sizeof(buf), f), 4u);
  fclose(f);
  EXPECT_STREQ(buf, "two\n");
  EXPECT_NE(access((dir + "/temp-m").c_str(), F_OK), 0);
  unlink((dir + "/m").c_str());
  rmdir(dir.c_str());
}

TEST(AofCommands, EncodesResp) {
  std::string out;
  AppendCommand(&out, {"SET", "k", ""});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
}

// Replays `text` and returns the commands seen, joined.
ReplayResult Replay(const std::string& text, std::string* seen) {
  FILE* f = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  ReplayResult r = ReplayCommandFile(f, 0, text.size(), [&](const std::vector<std::string>& a) {
    for (const std::string& s : a) *seen += s + " ";
    *seen += "|";
    return std::string();
  });
  fclose(f);
  return r;
}

TEST(AofCommands, ReadsCommandsAndAnnotations) {
  std::string text;
  AppendCommand(&text, {"SELECT", "0"});
  text += "#TS:1700000000\r\n";
  AppendCommand(&text, {"SET", "a", std::string_view("b\r\n\0c", 5)});
  std::string seen;
  ReplayResult r = Replay(text, &seen);
  EXPECT_EQ(r.kind, ReplayResult::Kind::kOk);
  EXPECT_EQ(r.commands, 2u);
  EXPECT_EQ(seen, "SELECT 0 |SET a " + std::string("b\r\n\0c", 5) + " |");
}

TEST(AofCommands, EveryTornTailIsCutAtTheLastWholeCommand) {
  std::string text;
  AppendCommand(&text, {"SET", "a", "1"});
  size_t first = text.size();
  AppendCommand(&text, {"RPUSH", "list", "xyz", "w"});
  for (size_t cut = first + 1; cut < text.size(); ++cut) {
    std::string seen;
    ReplayResult r = Replay(text.substr(0, cut), &seen);
    EXPECT_EQ(r.kind, ReplayResult::Kind::kTruncated) << cut;
    EXPECT_EQ(r.offset, first) << cut;
    EXPECT_EQ(r.commands, 1u) << cut;
  }
  std::string seen;
  EXPECT_EQ(Replay(text, &seen).kind, ReplayResult::Kind::kOk);
}

TEST(AofCommands, UnfinishedTransactionIsATornTail) {
  std::string text;
  AppendCommand(&text, {"SET", "a", "1"});
  size_t before = text.size();
  AppendCommand(&text, {"MULTI"});
  AppendCommand(&text, {"SET", "b", "2"});
  std::string seen;
  ReplayResult r = Replay(text, &seen);
  EXPECT_EQ(r.kind, ReplayResult::Kind::kTruncated);
  EXPECT_TRUE(r.reverted_multi);
  EXPECT_EQ(r.offset, before);
  AppendCommand(&text, {"EXEC"});
  seen.clear();
  EXPECT_EQ(Replay(text, &seen).kind, ReplayResult::Kind::kOk);
}

TEST(AofCommands, CorruptionInTheMiddleIsRefusedWithItsOffset) {
  std::string text;
  AppendCommand(&text, {"SET", "a", "1"});
  size_t at = text.size();
  text += "garbage\r\n";
  AppendCommand(&text, {"SET", "b", "2"});
  std::string seen;
  ReplayResult r = Replay(text, &seen);
  EXPECT_EQ(r.kind, ReplayResult::Kind::kBadFormat);
  EXPECT_NE(r.message.find("offset " + std::to_string(at)), std::string::npos) << r.message;

  for (std::string bad : {"*0\r\n", "*-1\r\n", "*x\r\n", "*1\r\n%3\r\nabc\r\n",
                          "*1\r\n$-2\r\nab\r\n", "*1\r\n$3\r\nabcXY"}) {
    seen.clear();
    std::string t = bad;
    AppendCommand(&t, {"PING"});
    EXPECT_EQ(Replay(t, &seen).kind, ReplayResult::Kind::kBadFormat) << bad;
  }
}

TEST(AofCommands, LyingLengthsNeverAllocate) {
  std::string seen;
  EXPECT_EQ(Replay("*2000000000\r\n$1\r\na\r\n", &seen).kind, ReplayResult::Kind::kTruncated);
  EXPECT_EQ(Replay("*1\r\n$999999999999\r\na\r\n", &seen).kind, ReplayResult::Kind::kTruncated);
  EXPECT_EQ(Replay("*99999999999999\r\n", &seen).kind, ReplayResult::Kind::kBadFormat);
}

TEST(AofCommands, RandomBytesNeverCrash) {
  uint64_t seed = std::random_device{}();
  std::mt19937_64 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    AppendCommand(&text, {"SET", "key", "value"});
    AppendCommand(&text, {"LPUSH", "l", "a", "b"});
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) text[rng() % text.size()] = static_cast<char>(rng());
    text.resize(rng() % (text.size() + 1));
    std::string seen;
    Replay(text, &seen);
  }
}

}  // namespace
}  // namespace memkeydb::aof
