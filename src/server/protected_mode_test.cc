#include <gtest/gtest.h>

#include "server/server.h"

namespace memkeydb {
namespace {

TEST(ProtectedModeTest, RefusesRemoteClientsOnlyWhenUnprotectedByDefault) {
  Config c;  // protected-mode yes, no password, default bind
  EXPECT_TRUE(Server::ProtectedModeRefuses(c, "10.1.2.3:5555", false));
  EXPECT_TRUE(Server::ProtectedModeRefuses(c, "2001:db8::1:5555", false));
  EXPECT_FALSE(Server::ProtectedModeRefuses(c, "127.0.0.1:5555", false));
  EXPECT_FALSE(Server::ProtectedModeRefuses(c, "::1:5555", false));
  EXPECT_FALSE(Server::ProtectedModeRefuses(c, "/tmp/s.sock:0", true));

  Config with_pass = c;
  with_pass.requirepass = "secret";
  EXPECT_FALSE(Server::ProtectedModeRefuses(with_pass, "10.1.2.3:5555", false));

  Config explicit_bind = c;
  explicit_bind.bind = {"0.0.0.0"};
  EXPECT_FALSE(Server::ProtectedModeRefuses(explicit_bind, "10.1.2.3:5555", false));

  Config off = c;
  off.protected_mode = false;
  EXPECT_FALSE(Server::ProtectedModeRefuses(off, "10.1.2.3:5555", false));
}

}  // namespace
}  // namespace memkeydb
