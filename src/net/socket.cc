#include "net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace memkeydb {
namespace {
std::string Errno(const std::string& what) { return what + ": " + strerror(errno); }

std::string FormatAddr(const sockaddr_storage& sa) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (sa.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&sa);
    inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
    port = ntohs(s->sin_port);
  } else if (sa.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&sa);
    inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
    port = ntohs(s->sin6_port);
  }
  return std::string(ip) + ":" + std::to_string(port);
}
}  // namespace

int ListenTcp(const std::string& host_in, int port, int backlog, std::string* error) {
  std::string host = host_in;
  bool v6 = host.find(':') != std::string::npos;
  if (host == "*") host = "0.0.0.0";
  if (host == "::*") host = "::";
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = v6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  std::string port_str = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0) {
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  }
  if (rc != 0) {
    *error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* p = res; p != nullptr; p = p->ai_next) {
    fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, p->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (p->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, p->ai_addr, p->ai_addrlen) == 0 && listen(fd, backlog) == 0) break;
    *error = Errno("Could not create server TCP listening socket " + host + ":" + port_str);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

int ListenUnix(const std::string& path, int permissions, int backlog, std::string* error) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) {
    *error = "unixsocket path too long: " + path;
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = Errno("socket(AF_UNIX)");
    return -1;
  }
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.data(), path.size());
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd, backlog) != 0) {
    *error = Errno("Could not create server unix socket " + path);
    close(fd);
    return -1;
  }
  if (permissions) chmod(path.c_str(), permissions);
  return fd;
}

int AcceptConnection(int listen_fd, bool unix_socket, std::string* peer, std::string* local,
                     std::string* error) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) *error = Errno("accept");
    return -1;
  }
  if (unix_socket) {
    *peer = "/unixsocket:0";
    *local = "/unixsocket:0";
  } else {
    *peer = FormatAddr(sa);
    sockaddr_storage la{};
    socklen_t llen = sizeof(la);
    getsockname(fd, reinterpret_cast<sockaddr*>(&la), &llen);
    *local = FormatAddr(la);
  }
  return fd;
}

void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void SetKeepAlive(int fd, int interval) {
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  if (interval <= 0) return;
  int idle = interval, intvl = interval / 3 ? interval / 3 : 1, cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

int BoundPort(int fd) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return -1;
  if (sa.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&sa)->sin_port);
  if (sa.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port);
  return -1;
}

}  // namespace memkeydb
