// Test fixture for command families: an in-process Server with a fake client.
//
//   TEST_F(CommandTest, Set) { EXPECT_EQ(Run({"set", "k", "v"}), "OK"); }
//
// Run() returns the reply in a compact readable form:
//   simple string / error   its text ("OK", "ERR syntax error")
//   integer                 "(integer) 5"
//   bulk string             its bytes
//   null                    "(nil)"
//   array / set / push      "[a, b, (integer) 3]" (nested arrays likewise)
//   map                     "{k: v, k2: v2}"
//   double                  "(double) 1.5";  boolean "(true)" / "(false)"
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/server.h"

namespace memkeydb {

// Decodes one RESP value at `*pos` of `buf` into the readable form above.
std::string FormatResp(std::string_view buf, size_t* pos);

// Error replies as redis-server 7.0 words them, for expectations. Spelled out here, not taken
// from server/errors.h, so that a wrong text in the server fails the tests.
inline constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr const char* kNotInt = "ERR value is not an integer or out of range";
inline constexpr const char* kSyntax = "ERR syntax error";

class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Runs a command as the fake client and returns its reply.
  std::string Run(std::initializer_list<std::string_view> args);
  std::string Run(const std::vector<std::string>& args);
  // Runs as a second fake client (WATCH races, pub/sub).
  std::string RunAs(Client* c, const std::vector<std::string>& args);
  // Every reply `c` has received since the last call (a blocked client woken later), formatted
  // and joined by " | "; clears c's output.
  std::string Received(Client* c);
  // The raw RESP bytes of the last reply.
  const std::string& raw() const { return raw_; }

  // --- direct keyspace access, for checks the command line cannot make ---
  Database& db() { return server_->db(0); }
  const Entry* Find(std::string_view key) { return db().FindRaw(key); }
  bool Exists(std::string_view key);
  // OBJECT ENCODING's name, or "(nil)" for a missing key.
  std::string Encoding(std::string_view key);
  // Milliseconds to live, -1 without a TTL, -2 when missing (like PTTL).
  int64_t Pttl(std::string_view key);
  // Makes `key` a hash with one field (HSET key f v, after deleting whatever it held): a
  // non-string value for WRONGTYPE paths.
  void MakeHash(std::string_view key);

  // --- keyspace notifications ---
  // Subscribes a second client to every keyevent of db 0 (notify-keyspace-events KEA).
  void WatchEvents();
  // The events received since the last call, as "event:key" strings.
  std::vector<std::string> Events();
  Client* sub_ = nullptr;

  Config config_;
  std::unique_ptr<Server> server_;
  Client* client_ = nullptr;
  std::string raw_;
};

}  // namespace memkeydb
