#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace memkeydb {
namespace {

using Args = std::vector<std::string>;
using Result = RequestParser::Result;

// What a connection sees from a byte stream: the requests in order (empty ones included), and
// how the stream ended.
struct Outcome {
  std::vector<Args> commands;
  size_t consumed = 0;  // bytes of all returned commands
  bool error = false;
  std::string error_message;
  bool pending = false;  // a request started but not finished

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{commands=[";
  for (const Args& a : o.commands) {
    os << "[";
    for (const std::string& s : a) os << '"' << s << "\" ";
    os << "]";
  }
  os << "] consumed=" << o.consumed << " error=" << o.error << " '" << o.error_message
     << "' pending=" << o.pending << "}";
  return os;
}

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

// Emulates a connection: each chunk is appended to the input buffer, then requests are parsed
// until the parser wants more. Before every call the unconsumed bytes are copied to a new
// allocation, so a parser that kept pointers into an old buffer would trip AddressSanitizer.
// (Large buffers move only now and then, to keep the tests quick.)
Outcome Feed(const std::vector<std::string_view>& chunks, RequestParser* parser) {
  Outcome o;
  std::string buffer;
  size_t calls = 0;
  for (std::string_view chunk : chunks) {
    buffer.append(chunk);
    while (true) {
      if (buffer.size() <= 4096 || ++calls % 256 == 0) {
        std::string moved(buffer);
        buffer.swap(moved);
      }
      size_t consumed = 12345;
      const Result r = parser->Parse(buffer.data(), buffer.size(), &consumed);
      if (r == Result::kCommand) {
        EXPECT_GT(consumed, 0u);
        EXPECT_LE(consumed, buffer.size());
        o.commands.emplace_back(parser->args().begin(), parser->args().end());
        o.consumed += consumed;
        buffer.erase(0, consumed);
        if (buffer.empty()) break;
        continue;
      }
      EXPECT_EQ(consumed, 0u);
      if (r == Result::kError) {
        o.error = true;
        o.error_message = parser->error();
        return o;
      }
      EXPECT_GE(parser->BytesWanted(), 1u);
      break;
    }
  }
  o.pending = parser->in_progress();
  EXPECT_EQ(o.pending, !buffer.empty());
  return o;
}

Outcome Feed(const std::vector<std::string_view>& chunks, bool authenticated = true,
             int64_t max_bulk_len = 512LL << 20) {
  RequestParser parser;
  parser.set_authenticated(authenticated);
  parser.set_limits({max_bulk_len});
  return Feed(chunks, &parser);
}

Outcome FeedWhole(std::string_view input) { return Feed({input}); }

Outcome FeedBytewise(std::string_view input, bool authenticated = true,
                     int64_t max_bulk_len = 512LL << 20) {
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < input.size(); ++i) chunks.push_back(input.substr(i, 1));
  return Feed(chunks, authenticated, max_bulk_len);
}

// Parses one complete request that must be the whole input.
Args ParseOne(std::string_view input) {
  RequestParser parser;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kCommand) << Hex(input);
  EXPECT_EQ(consumed, input.size()) << Hex(input);
  return Args(parser.args().begin(), parser.args().end());
}

// Feeds input whole and byte by byte; both must end in the same protocol error.
std::string ErrorOf(std::string_view input, bool authenticated = true,
                    int64_t max_bulk_len = 512LL << 20) {
  const Outcome whole = Feed({input}, authenticated, max_bulk_len);
  const Outcome bytewise = FeedBytewise(input, authenticated, max_bulk_len);
  EXPECT_EQ(whole, bytewise) << Hex(input);
  EXPECT_TRUE(whole.error) << Hex(input);
  return whole.error_message;
}

// prefix followed by n copies of c. (Spelled out because GCC 12 misreports -Wrestrict on
// `literal + std::string(n, c)`.)
std::string Padded(std::string_view prefix, size_t n, char c) {
  std::string out(prefix);
  out.append(n, c);
  return out;
}

std::string Multibulk(const Args& args) {
  std::string out = "*";
  out += std::to_string(args.size());
  out += "\r\n";
  for (const std::string& a : args) {
    out += '$';
    out += std::to_string(a.size());
    out += "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

TEST(RequestParserTest, MultibulkCommand) {
  EXPECT_EQ(ParseOne("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"), (Args{"SET", "k", "hello"}));
  EXPECT_EQ(ParseOne("*1\r\n$0\r\n\r\n"), (Args{""}));
  const std::string binary("a\0\r\n$*b", 7);
  EXPECT_EQ(ParseOne(Multibulk({"ECHO", binary})), (Args{"ECHO", binary}));
}

TEST(RequestParserTest, ArgsPointIntoTheCallersBuffer) {
  const std::string input = Multibulk({"GET", "key"});
  RequestParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kCommand);
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[1].data(), input.data() + input.find("key"));
}

TEST(RequestParserTest, PipelinedCommandsOneAtATime) {
  const std::string input = Multibulk({"PING"}) + "ECHO hi\r\n" + Multibulk({"GET", "k"});
  RequestParser parser;
  size_t consumed = 0;
  size_t offset = 0;
  std::vector<Args> seen;
  while (offset < input.size()) {
    ASSERT_EQ(parser.Parse(input.data() + offset, input.size() - offset, &consumed),
              Result::kCommand);
    seen.emplace_back(parser.args().begin(), parser.args().end());
    offset += consumed;
  }
  EXPECT_EQ(seen, (std::vector<Args>{{"PING"}, {"ECHO", "hi"}, {"GET", "k"}}));
  EXPECT_EQ(parser.Parse(input.data() + offset, 0, &consumed), Result::kNeedMore);
  EXPECT_FALSE(parser.in_progress());
}

TEST(RequestParserTest, EmptyRequestsAreCommandsWithoutArgs) {
  for (std::string_view input :
       {"*0\r\n", "*-1\r\n", "*-5\r\n", "\r\n", "\n", "   \t \r\n", "\x0b\x0c\n"}) {
    RequestParser parser;
    size_t consumed = 0;
    EXPECT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kCommand) << Hex(input);
    EXPECT_EQ(consumed, input.size()) << Hex(input);
    EXPECT_TRUE(parser.args().empty()) << Hex(input);
  }
}

// Redis skips the byte after a header's CR and the two bytes after a bulk without checking them.
TEST(RequestParserTest, BytesAfterCrAndAfterBulkDataAreNotChecked) {
  const Outcome o = FeedWhole("*1\r\n$4\r\nPINGxx*1\rx$4\ryPINGzz");
  EXPECT_EQ(o.commands, (std::vector<Args>{{"PING"}, {"PING"}}));
  EXPECT_FALSE(o.error);
  EXPECT_FALSE(o.pending);
}

TEST(RequestParserTest, CrMustNotBeTheLastByteOfAHeader) {
  RequestParser parser;
  size_t consumed = 0;
  std::string input = "*1\r";
  EXPECT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kNeedMore);
  input += "\n$2\r";
  EXPECT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kNeedMore);
  input += "\nhi\r";
  EXPECT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kNeedMore);
  input += "\n";
  EXPECT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kCommand);
  EXPECT_EQ(consumed, input.size());
}

TEST(RequestParserTest, MultibulkCountErrors) {
  const std::string kInvalid = "Protocol error: invalid multibulk length";
  EXPECT_EQ(ErrorOf("*x\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*01\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*+1\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*-0\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("* 1\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*1 \r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*1\n$1\r\n"), kInvalid);  // the line runs to the first CR
  EXPECT_EQ(ErrorOf("*2147483648\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*99999999999999999999\r\n"), kInvalid);
  // A count is a promise only; nothing is allocated for it.
  EXPECT_TRUE(FeedWhole("*2147483647\r\n").pending);
  EXPECT_TRUE(FeedWhole("*1048577\r\n").pending);
}

TEST(RequestParserTest, BulkHeaderErrors) {
  EXPECT_EQ(ErrorOf("*1\r\nfoo\r\n"), "Protocol error: expected '$', got 'f'");
  EXPECT_EQ(ErrorOf("*2\r\n$1\r\na\r\n:1\r\n"), "Protocol error: expected '$', got ':'");
  // Redis prints CR/LF as a space so the error stays one line.
  EXPECT_EQ(ErrorOf("*1\r\n\r\n"), "Protocol error: expected '$', got ' '");
  EXPECT_EQ(ErrorOf("*1\r\n\n\r\n"), "Protocol error: expected '$', got ' '");
  const std::string kInvalid = "Protocol error: invalid bulk length";
  EXPECT_EQ(ErrorOf("*1\r\n$-1\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*1\r\n$x\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*1\r\n$\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*1\r\n$04\r\nPING\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*1\r\n$3foo\r\n"), kInvalid);
  EXPECT_EQ(ErrorOf("*1\r\n$536870913\r\n"), kInvalid);
  EXPECT_TRUE(FeedWhole("*1\r\n$536870912\r\n").pending);
  EXPECT_EQ(ErrorOf("*1\r\n$11\r\n", true, 10), kInvalid);
  EXPECT_FALSE(Feed({"*1\r\n$10\r\n0123456789\r\n"}, true, 10).error);
}

TEST(RequestParserTest, TooLongHeaderLines) {
  const size_t kMax = RequestParser::kMaxLineBytes;
  // The limit applies to the bytes buffered from the line's start while its end is missing.
  EXPECT_TRUE(FeedWhole(std::string(kMax, 'a')).pending);
  EXPECT_EQ(FeedWhole(std::string(kMax + 1, 'a')).error_message,
            "Protocol error: too big inline request");
  EXPECT_TRUE(FeedWhole(Padded("*", kMax - 1, '1')).pending);
  EXPECT_EQ(FeedWhole(Padded("*", kMax, '1')).error_message,
            "Protocol error: too big mbulk count string");
  EXPECT_TRUE(FeedWhole(Padded("*1\r\n$", kMax - 1, '1')).pending);
  EXPECT_EQ(FeedWhole(Padded("*1\r\n$", kMax, '1')).error_message,
            "Protocol error: too big bulk count string");
  EXPECT_EQ(FeedWhole(Padded("*1\r\nx", kMax, '1')).error_message,
            "Protocol error: too big bulk count string");
  // A long inline line is fine when its end is already buffered.
  const std::string long_line = Padded("ECHO ", 70000, 'a') + "\r\n";
  const Outcome o = FeedWhole(long_line);
  ASSERT_EQ(o.commands.size(), 1u);
  EXPECT_EQ(o.commands[0][1].size(), 70000u);
}

TEST(RequestParserTest, TooLongInlineArrivingInPieces) {
  RequestParser parser;
  std::string buffer;
  size_t consumed = 0;
  Result r = Result::kNeedMore;
  while (r == Result::kNeedMore) {
    buffer.append(1000, 'a');
    r = parser.Parse(buffer.data(), buffer.size(), &consumed);
  }
  EXPECT_EQ(r, Result::kError);
  EXPECT_EQ(buffer.size(), 66000u);
  EXPECT_EQ(parser.error(), "Protocol error: too big inline request");
}

// Redis finds line ends with strchr(), which stops at NUL: a NUL before the end hides it.
TEST(RequestParserTest, NulBeforeLineEndHidesTheEnd) {
  for (std::string_view input :
       {std::string_view("PING\0\r\nPING\r\n", 13), std::string_view("*1\0\r\n$4\r\nPING\r\n", 15),
        std::string_view("*1\r\n$4\0\r\nPING\r\n", 15)}) {
    const Outcome o = FeedWhole(input);
    EXPECT_TRUE(o.commands.empty()) << Hex(input);
    EXPECT_TRUE(o.pending) << Hex(input);
    EXPECT_EQ(o, FeedBytewise(input));
  }
  EXPECT_EQ(FeedWhole(std::string("PING\0", 5) + std::string(65532, 'x') + "\r\n").error_message,
            "Protocol error: too big inline request");
  EXPECT_EQ(FeedWhole(std::string("*1\0", 3) + std::string(65534, '1') + "\r\n").error_message,
            "Protocol error: too big mbulk count string");
  // Inside bulk data a NUL is just a byte.
  EXPECT_EQ(ParseOne(std::string("*1\r\n$4\r\nPI\0G\r\n", 14)), (Args{std::string("PI\0G", 4)}));
}

TEST(RequestParserTest, UnauthenticatedLimits) {
  EXPECT_EQ(ErrorOf("*11\r\n", false), "Protocol error: unauthenticated multibulk length");
  EXPECT_TRUE(Feed({"*10\r\n"}, false).pending);
  EXPECT_EQ(ErrorOf("*1\r\n$16385\r\n", false), "Protocol error: unauthenticated bulk length");
  EXPECT_TRUE(Feed({"*1\r\n$16384\r\n"}, false).pending);
  // The malformed-count check comes first.
  EXPECT_EQ(ErrorOf("*2147483648\r\n", false), "Protocol error: invalid multibulk length");
  EXPECT_EQ(ErrorOf("*1\r\n$-1\r\n", false), "Protocol error: invalid bulk length");
  // Inline requests have no argument limit before AUTH.
  const Outcome o = Feed({"PING a a a a a a a a a a a a a a\r\n"}, false);
  ASSERT_EQ(o.commands.size(), 1u);
  EXPECT_EQ(o.commands[0].size(), 15u);

  // Authentication takes effect for the next request.
  RequestParser parser;
  parser.set_authenticated(false);
  const std::string input = Multibulk({"AUTH", "pw"}) + "*11\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kCommand);
  parser.set_authenticated(true);
  EXPECT_EQ(parser.Parse(input.data() + consumed, input.size() - consumed, &consumed),
            Result::kNeedMore);
}

TEST(RequestParserTest, ErrorResetsTheParser) {
  RequestParser parser;
  size_t consumed = 0;
  std::string bad = "*1\r\n$x\r\n";
  ASSERT_EQ(parser.Parse(bad.data(), bad.size(), &consumed), Result::kError);
  EXPECT_FALSE(parser.in_progress());
  std::string good = Multibulk({"PING"});
  EXPECT_EQ(parser.Parse(good.data(), good.size(), &consumed), Result::kCommand);
}

TEST(RequestParserTest, InlineSplitting) {
  EXPECT_EQ(ParseOne("SET k v\r\n"), (Args{"SET", "k", "v"}));
  EXPECT_EQ(ParseOne("  SET\tk   v  \n"), (Args{"SET", "k", "v"}));
  EXPECT_EQ(ParseOne("ECHO \"a b\"\r\n"), (Args{"ECHO", "a b"}));
  EXPECT_EQ(ParseOne("ECHO 'a\\'b'\r\n"), (Args{"ECHO", "a'b"}));
  EXPECT_EQ(ParseOne("ECHO 'a\\nb'\r\n"), (Args{"ECHO", "a\\nb"}));
  EXPECT_EQ(ParseOne("ECHO \"\\x41\\x4g\\q\\n\"\r\n"), (Args{"ECHO", "Ax4gq\n"}));
  EXPECT_EQ(ParseOne("ECHO \"\\r\\t\\b\\a\\\\\\\"\"\r\n"), (Args{"ECHO", "\r\t\b\a\\\""}));
  EXPECT_EQ(ParseOne("ECHO \"\\xfF\\x00\"\n"), (Args{"ECHO", std::string("\xff\0", 2)}));
  EXPECT_EQ(ParseOne("ECHO \"\"\r\n"), (Args{"ECHO", ""}));
  EXPECT_EQ(ParseOne("ECHO ''\r\n"), (Args{"ECHO", ""}));
  // A quote inside a bare argument opens a quoted part of the same argument.
  EXPECT_EQ(ParseOne("ECHO a\"b c\" d\r\n"), (Args{"ECHO", "ab c", "d"}));
  EXPECT_EQ(ParseOne("ECHO a'b c'\r\n"), (Args{"ECHO", "ab c"}));
  // '\v' and '\f' are skipped between arguments but do not end one; a lone CR does.
  const std::string vt_ff_line = "\vECHO\fa\r\n";
  EXPECT_EQ(ParseOne(vt_ff_line), (Args{"ECHO\fa"}));
  EXPECT_EQ(ParseOne("ECHO \"a\"\x0b\r\n"), (Args{"ECHO", "a"}));
  EXPECT_EQ(ParseOne("ECHO a\rb\r\n"), (Args{"ECHO", "a", "b"}));
  EXPECT_EQ(ParseOne("ECHO a\r\r\n"), (Args{"ECHO", "a"}));
}

TEST(RequestParserTest, InlineQuoteErrors) {
  const std::string kUnbalanced = "Protocol error: unbalanced quotes in request";
  EXPECT_EQ(ErrorOf("ECHO \"a\r\n"), kUnbalanced);
  EXPECT_EQ(ErrorOf("ECHO 'a\r\n"), kUnbalanced);
  EXPECT_EQ(ErrorOf("ECHO \"a\"b\r\n"), kUnbalanced);
  EXPECT_EQ(ErrorOf("ECHO 'a'b\r\n"), kUnbalanced);
  EXPECT_EQ(ErrorOf("ECHO a\"b c\"d\r\n"), kUnbalanced);
  EXPECT_EQ(ErrorOf("ECHO \"abc\\\"\r\n"), kUnbalanced);
  EXPECT_EQ(ErrorOf("ECHO \"abc\\\r\n"), kUnbalanced);
  // Commands before the bad line still come out.
  const Outcome o = FeedWhole("PING\r\nECHO \"a\r\nPING\r\n");
  EXPECT_EQ(o.commands, (std::vector<Args>{{"PING"}}));
  EXPECT_EQ(o.error_message, kUnbalanced);
}

TEST(RequestParserTest, SplitArgs) {
  std::vector<std::string> out;
  ASSERT_TRUE(RequestParser::SplitArgs("save 900 1", &out));
  EXPECT_EQ(out, (Args{"save", "900", "1"}));
  ASSERT_TRUE(RequestParser::SplitArgs("requirepass \"p w\\x21\"", &out));
  EXPECT_EQ(out, (Args{"requirepass", "p w!"}));
  ASSERT_TRUE(RequestParser::SplitArgs("   ", &out));
  EXPECT_TRUE(out.empty());
  // The line ends at a NUL, as a C string does.
  ASSERT_TRUE(RequestParser::SplitArgs(std::string_view("a b\0c", 5), &out));
  EXPECT_EQ(out, (Args{"a", "b"}));
  ASSERT_TRUE(RequestParser::SplitArgs(std::string_view("a \"b\0\"", 6), &out) == false);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(RequestParser::SplitArgs("dir \"/tmp", &out));
}

TEST(RequestParserTest, EveryIncrementalSplitMatchesTheWholeBuffer) {
  const std::string input = Multibulk({"SET", "key", std::string("v\r\n\0x", 5)}) +
                            "ECHO \"q\\x41\" 'r' plain\r\n" + "*0\r\n" + "\n" +
                            Multibulk({"GET", ""}) + "*-1\r\n" + "*1\rx$2\ryhiZZ" + "PING\n" +
                            Multibulk({"MSET", "a", "1", "b", "2"}) + "*2\r\n$3\r\nGE";
  const Outcome whole = FeedWhole(input);
  ASSERT_EQ(whole.commands.size(), 9u);
  EXPECT_TRUE(whole.pending);
  for (size_t k = 0; k <= input.size(); ++k) {
    const std::string_view in(input);
    EXPECT_EQ(Feed({in.substr(0, k), in.substr(k)}), whole) << "split at " << k;
  }
  EXPECT_EQ(FeedBytewise(input), whole);

  const std::string bad =
      Multibulk({"SET", "k", "v\r\n"}) + "ECHO 'x y'\r\n" + "*1\r\n$-2\r\n" + Multibulk({"PING"});
  const Outcome bad_whole = FeedWhole(bad);
  EXPECT_EQ(bad_whole.commands.size(), 2u);
  EXPECT_EQ(bad_whole.error_message, "Protocol error: invalid bulk length");
  for (size_t k = 0; k <= bad.size(); ++k) {
    const std::string_view in(bad);
    EXPECT_EQ(Feed({in.substr(0, k), in.substr(k)}), bad_whole) << "split at " << k;
  }
}

TEST(RequestParserTest, BigBulkOneByteAtATime) {
  const size_t kSize = 1 << 20;
  std::string value(kSize, 'v');
  for (size_t i = 0; i < kSize; i += 4099) value[i] = static_cast<char>(i);
  const std::string input = Multibulk({"SET", "k", value});
  const size_t data_start = input.size() - kSize - 2;

  RequestParser parser;
  size_t consumed = 0;
  size_t len = 1;
  for (; len < input.size(); ++len) {
    ASSERT_EQ(parser.Parse(input.data(), len, &consumed), Result::kNeedMore) << len;
    if (len >= data_start) {
      // Once the length line is read, the parser knows exactly what is missing.
      ASSERT_EQ(parser.BytesWanted(), input.size() - len) << len;
    }
  }
  ASSERT_EQ(parser.Parse(input.data(), len, &consumed), Result::kCommand);
  EXPECT_EQ(consumed, input.size());
  ASSERT_EQ(parser.args().size(), 3u);
  EXPECT_TRUE(parser.args()[2] == value);
}

TEST(RequestParserTest, ManyArgumentsInSmallPieces) {
  Args args;
  for (int i = 0; i < 50000; ++i) args.push_back(std::to_string(i));
  const std::string input = Multibulk(args);
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < input.size(); i += 7)
    chunks.push_back(std::string_view(input).substr(i, 7));
  const Outcome o = Feed(chunks);
  ASSERT_EQ(o.commands.size(), 1u);
  EXPECT_EQ(o.commands[0], args);
}

TEST(RequestParserTest, BufferShorterThanBeforeRestartsSafely) {
  RequestParser parser;
  size_t consumed = 0;
  const std::string input = Multibulk({"ECHO", "hello"});
  ASSERT_EQ(parser.Parse(input.data(), input.size() - 3, &consumed), Result::kNeedMore);
  ASSERT_EQ(parser.Parse(input.data(), 5, &consumed), Result::kNeedMore);
  ASSERT_EQ(parser.Parse(input.data(), input.size(), &consumed), Result::kCommand);
  EXPECT_EQ(parser.args().size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Randomized comparison with a reference model: a deliberately plain, non-incremental reading
// of Redis's rules over the whole input.

// strchr() over a std::string that holds a C string's bytes: stops at NUL.
size_t CFind(const std::string& s, size_t from, char c) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == c) return i;
    if (s[i] == '\0') return std::string::npos;
  }
  return std::string::npos;
}

bool ReferenceInt(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  size_t i = s[0] == '-' ? 1 : 0;
  if (i >= s.size() || s[i] < '1' || s[i] > '9') return false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return false;
  }
  const std::string digits = s.substr(i);
  const std::string limit = i == 1 ? "9223372036854775808" : "9223372036854775807";
  if (digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit)) {
    return false;
  }
  *out = i == 1 ? static_cast<int64_t>(0 - std::stoull(digits)) : std::stoll(digits);
  return true;
}

bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool ReferenceSplit(const std::string& line_bytes, Args* out) {
  const std::string line = line_bytes.c_str();  // the C string view of the line
  const char* p = line.c_str();
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  auto hexval = [](char c) { return std::stoi(std::string(1, c), nullptr, 16); };
  out->clear();
  while (true) {
    while (*p && IsCSpace(*p)) ++p;
    if (!*p) return true;
    std::string cur;
    bool in_double = false, in_single = false, done = false;
    while (!done) {
      if (in_double) {
        if (p[0] == '\\' && p[1] == 'x' && hex(p[2]) && hex(p[3])) {
          cur.push_back(static_cast<char>(hexval(p[2]) * 16 + hexval(p[3])));
          p += 3;
        } else if (p[0] == '\\' && p[1]) {
          ++p;
          const std::string from = "nrtba", to = "\n\r\t\b\a";
          const size_t k = from.find(*p);
          cur.push_back(k == std::string::npos ? *p : to[k]);
        } else if (*p == '"') {
          if (p[1] && !IsCSpace(p[1])) return false;
          done = true;
        } else if (!*p) {
          return false;
        } else {
          cur.push_back(*p);
        }
      } else if (in_single) {
        if (p[0] == '\\' && p[1] == '\'') {
          ++p;
          cur.push_back('\'');
        } else if (*p == '\'') {
          if (p[1] && !IsCSpace(p[1])) return false;
          done = true;
        } else if (!*p) {
          return false;
        } else {
          cur.push_back(*p);
        }
      } else if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == '\0') {
        done = true;
      } else if (*p == '"') {
        in_double = true;
      } else if (*p == '\'') {
        in_single = true;
      } else {
        cur.push_back(*p);
      }
      if (*p) ++p;
    }
    out->push_back(cur);
  }
}

// Interprets the complete input at once. Inputs stay below the 64 KiB line limit, where
// arrival order cannot matter.
Outcome ReferenceParse(const std::string& in, bool authenticated, int64_t max_bulk_len) {
  Outcome o;
  size_t p = 0;
  auto fail = [&](const std::string& message) {
    o.error = true;
    o.error_message = message;
    return o;
  };
  while (p < in.size()) {
    Args args;
    if (in[p] != '*') {
      const size_t nl = CFind(in, p, '\n');
      if (nl == std::string::npos) break;
      size_t end = nl;
      if (end > p && in[end - 1] == '\r') --end;
      if (!ReferenceSplit(in.substr(p, end - p), &args)) {
        return fail("Protocol error: unbalanced quotes in request");
      }
      o.commands.push_back(args);
      o.consumed += nl + 1 - p;
      p = nl + 1;
      continue;
    }
    size_t q = p;
    size_t cr = CFind(in, q, '\r');
    if (cr == std::string::npos || cr + 1 >= in.size()) break;
    int64_t count = 0;
    if (!ReferenceInt(in.substr(q + 1, cr - q - 1), &count) || count > INT32_MAX) {
      return fail("Protocol error: invalid multibulk length");
    }
    if (!authenticated && count > 10) {
      return fail("Protocol error: unauthenticated multibulk length");
    }
    q = cr + 2;
    bool complete = true;
    for (int64_t i = 0; i < count; ++i) {
      cr = CFind(in, q, '\r');
      if (cr == std::string::npos || cr + 1 >= in.size()) {
        complete = false;
        break;
      }
      if (in[q] != '$') {
        const char got = in[q] == '\r' || in[q] == '\n' ? ' ' : in[q];
        return fail(std::string("Protocol error: expected '$', got '") + got + "'");
      }
      int64_t n = 0;
      if (!ReferenceInt(in.substr(q + 1, cr - q - 1), &n) || n < 0 || n > max_bulk_len) {
        return fail("Protocol error: invalid bulk length");
      }
      if (!authenticated && n > 16384) return fail("Protocol error: unauthenticated bulk length");
      q = cr + 2;
      if (in.size() - q < static_cast<uint64_t>(n) + 2) {
        complete = false;
        break;
      }
      args.push_back(in.substr(q, n));
      q += n + 2;
    }
    if (!complete) break;
    o.commands.push_back(args);
    o.consumed += q - p;
    p = q;
  }
  o.pending = p < in.size();
  return o;
}

class Fuzzer {
 public:
  explicit Fuzzer(uint64_t seed) : rng_(seed) {}

  size_t Uniform(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool OneIn(size_t n) { return Uniform(n) == 0; }

  char InterestingByte() {
    static constexpr char kList[] = "*$\r\n\"'\\ \t\x0b\0x0123456789-+abAB";
    static const std::string kBytes(kList, sizeof(kList) - 1);
    return OneIn(8) ? static_cast<char>(Uniform(256)) : kBytes[Uniform(kBytes.size())];
  }

  std::string RandomArg() {
    std::string s;
    const size_t n = OneIn(10) ? Uniform(300) : Uniform(8);
    for (size_t i = 0; i < n; ++i) s.push_back(InterestingByte());
    return s;
  }

  std::string ValidRequest() {
    switch (Uniform(6)) {
      case 0: {
        return OneIn(2) ? "*0\r\n" : "*-1\r\n";
      }
      case 1:
      case 2: {
        Args args(Uniform(13));
        for (std::string& a : args) a = RandomArg();
        return Multibulk(args);
      }
      case 3: {
        std::string line;
        const size_t n = Uniform(5);
        for (size_t i = 0; i < n; ++i) {
          static const char* kWords[] = {"SET",    "k",  "\"a b\"", "'c\\'d'", "\"\\x4a\\n\"",
                                         "x\"y\"", "\t", "  ",      "\"\"",    "\"\\\\\""};
          line += kWords[Uniform(std::size(kWords))];
          line += ' ';
        }
        return line + (OneIn(2) ? "\r\n" : "\n");
      }
      default: {
        std::string s;
        const size_t n = Uniform(40);
        for (size_t i = 0; i < n; ++i) s.push_back(InterestingByte());
        return s;
      }
    }
  }

  std::string Mutate(std::string s) {
    const size_t edits = Uniform(4);
    for (size_t e = 0; e < edits && !s.empty(); ++e) {
      const size_t at = Uniform(s.size());
      switch (Uniform(4)) {
        case 0:
          s[at] = InterestingByte();
          break;
        case 1:
          s.insert(s.begin() + at, InterestingByte());
          break;
        case 2:
          s.erase(at, 1);
          break;
        default:
          s.resize(at);
          break;
      }
    }
    return s;
  }

  std::vector<std::string_view> RandomChunks(std::string_view s) {
    std::vector<std::string_view> chunks;
    size_t i = 0;
    while (i < s.size()) {
      const size_t n = 1 + Uniform(OneIn(3) ? 3 : 64);
      chunks.push_back(s.substr(i, n));
      i += n;
    }
    return chunks;
  }

 private:
  std::mt19937_64 rng_;
};

uint64_t FuzzSeed() {
  if (const char* env = std::getenv("MEMKEYDB_SEED")) return std::strtoull(env, nullptr, 10);
  return std::random_device{}();
}

TEST(RequestParserFuzz, MatchesReferenceUnderAnySplitting) {
  const uint64_t seed = FuzzSeed();
  std::cout << "RequestParserFuzz seed: " << seed << " (rerun with MEMKEYDB_SEED=" << seed << ")\n";
  Fuzzer f(seed);
  for (int iteration = 0; iteration < 50000; ++iteration) {
    std::string input;
    const size_t requests = 1 + f.Uniform(5);
    for (size_t r = 0; r < requests; ++r) {
      std::string req = f.ValidRequest();
      if (f.OneIn(3)) req = f.Mutate(req);
      input += req;
    }
    const bool authenticated = !f.OneIn(4);
    const int64_t max_bulk_len = f.OneIn(4) ? static_cast<int64_t>(f.Uniform(50)) : 512LL << 20;
    const Outcome expected = ReferenceParse(input, authenticated, max_bulk_len);
    const Outcome whole = Feed({input}, authenticated, max_bulk_len);
    ASSERT_EQ(whole, expected) << "seed " << seed << " iteration " << iteration << " input "
                               << Hex(input);
    ASSERT_EQ(Feed(f.RandomChunks(input), authenticated, max_bulk_len), expected)
        << "seed " << seed << " iteration " << iteration << " input " << Hex(input);
    if (iteration % 16 == 0) {
      ASSERT_EQ(FeedBytewise(input, authenticated, max_bulk_len), expected)
          << "seed " << seed << " iteration " << iteration << " input " << Hex(input);
    }
  }
}

TEST(RequestParserFuzz, SplitArgsMatchesReference) {
  const uint64_t seed = FuzzSeed();
  std::cout << "SplitArgs fuzz seed: " << seed << "\n";
  Fuzzer f(seed);
  for (int iteration = 0; iteration < 50000; ++iteration) {
    std::string line;
    const size_t n = f.Uniform(24);
    for (size_t i = 0; i < n; ++i) line.push_back(f.InterestingByte());
    Args expected;
    const bool expected_ok = ReferenceSplit(line, &expected);
    Args got;
    ASSERT_EQ(RequestParser::SplitArgs(line, &got), expected_ok)
        << "seed " << seed << " line " << Hex(line);
    if (expected_ok) {
      ASSERT_EQ(got, expected) << "seed " << seed << " line " << Hex(line);
    }
  }
}

}  // namespace
}  // namespace memkeydb
