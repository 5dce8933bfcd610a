// memkeydb-server: a Redis 7.0-compatible server keeping its data in DRAM and far memory.
// Usage: memkeydb-server [config-file] [--option value ...]   (like redis-server)

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/logging.h"
#include "memory/memory_tiers.h"
#include "server/config.h"
#include "server/replication.h"
#include "server/server.h"

namespace memkeydb {
namespace {

constexpr const char* kVersion = "0.1.0";

void OnShutdownSignal(int sig) { Server::pending_shutdown_signal = sig; }

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnShutdownSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
}

void Daemonize() {
  if (fork() != 0) _exit(0);
  setsid();
  int fd = open("/dev/null", O_RDWR);
  if (fd >= 0) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

LogLevel ParseLogLevel(const std::string& s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "verbose") return LogLevel::kVerbose;
  if (s == "warning") return LogLevel::kWarning;
  return LogLevel::kNotice;
}

int Main(int argc, char** argv) {
  if (argc >= 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    printf("memkeydb server v=%s (Redis 7.0.15 compatible) malloc=memkind bits=64\n", kVersion);
    return 0;
  }
  if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
    printf(
        "Usage: memkeydb-server [/path/to/redis.conf] [options] [-]\n"
        "       memkeydb-server -v or --version\n"
        "       memkeydb-server -h or --help\n\n"
        "Examples:\n"
        "       memkeydb-server (run the server with default config)\n"
        "       memkeydb-server /etc/redis/6379.conf\n"
        "       memkeydb-server --port 7777\n"
        "       memkeydb-server --memory-alloc-policy ratio --dram-pmem-ratio 1 3\n");
    return 0;
  }
  Config config;
  Status st = config.LoadArgs(argc, argv);
  if (!st.ok()) {
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (memkeydb %s) ***\n%s\n", kVersion,
            st.message().c_str());
    return 1;
  }
  if (config.daemonize) Daemonize();
  SetLogLevel(ParseLogLevel(config.loglevel));
  if (!config.logfile.empty() && !SetLogFile(config.logfile)) {
    fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
    return 1;
  }
  if (!config.pidfile.empty()) {
    if (FILE* f = fopen(config.pidfile.c_str(), "w")) {
      fprintf(f, "%d\n", static_cast<int>(getpid()));
      fclose(f);
    }
  }
  MKDB_LOG(kNotice) << "oO0OoO0OoO0Oo memkeydb is starting oO0OoO0OoO0Oo";
  MKDB_LOG(kNotice) << "memkeydb version=" << kVersion << ", bits=64, pid=" << getpid()
                    << ", just started";
  if (!config.dir.empty() && chdir(config.dir.c_str()) != 0) {
    MKDB_LOG(kWarning) << "Can't chdir to '" << config.dir << "': " << strerror(errno);
    return 1;
  }
  // Like Redis (disable-thp yes): transparent huge pages make the first touch of memory stall
  // for milliseconds when the kernel compacts, and turn fork copy-on-write into 2 MiB copies.
  if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) {
    MKDB_LOG(kVerbose) << "Could not disable transparent huge pages: " << strerror(errno);
  }
  InstallSignalHandlers();
  std::string pidfile = config.pidfile, unixsocket = config.unixsocket;
  Server server(std::move(config));
  if (!server.Start()) return 1;
  MKDB_LOG(kNotice) << "Server initialized";
  // With appendonly the AOF (and its RDB preamble) is the dataset; otherwise the RDB file.
  if (!server.config().appendonly && !server.rdb().LoadAtStartup()) return 1;
  // The loaded data's place in a replication history (a restarted replica or primary).
  const rdb::RdbLoadResult& loaded = server.rdb().last_load();
  server.replication().RestoreFromRdb(loaded.repl_id, loaded.repl_offset, loaded.repl_stream_db);
  server.replication().Start();
  MKDB_LOG(kNotice) << "Ready to accept connections tcp";
  server.Run();
  if (!pidfile.empty()) unlink(pidfile.c_str());
  if (!unixsocket.empty()) unlink(unixsocket.c_str());
  MKDB_LOG(kWarning) << "memkeydb is now ready to exit, bye bye...";
  return 0;
}

}  // namespace
}  // namespace memkeydb

int main(int argc, char** argv) { return memkeydb::Main(argc, argv); }
