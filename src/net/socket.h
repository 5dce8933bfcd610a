// Thin helpers over BSD sockets: listening on TCP (IPv4/IPv6) and Unix sockets, accepting,
// and socket options. All sockets are non-blocking and close-on-exec.
#pragma once

#include <string>

namespace memkeydb {

// Returns the listening fd, or -1 with *error set. `host` "*" means all IPv4 addresses,
// "::*" all IPv6 addresses; a leading '-' (Redis's "optional address") is accepted by the caller.
int ListenTcp(const std::string& host, int port, int backlog, std::string* error);
int ListenUnix(const std::string& path, int permissions, int backlog, std::string* error);
// Accepts one connection; *peer is "ip:port" (or the socket path for Unix sockets).
// Returns -1 when nothing is pending (EAGAIN) or on error (*error set).
int AcceptConnection(int listen_fd, bool unix_socket, std::string* peer, std::string* local,
                     std::string* error);
void SetNoDelay(int fd);
void SetKeepAlive(int fd, int interval_seconds);
// The port a listening socket is bound to (for --port 0).
int BoundPort(int fd);

}  // namespace memkeydb
