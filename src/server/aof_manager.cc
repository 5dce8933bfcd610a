#include "server/aof_manager.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/logging.h"
#include "memory/memory_tiers.h"
#include "persistence/aof_rewrite.h"
#include "persistence/rdb_file.h"
#include "persistence/snapshot.h"
#include "server/command_table.h"
#include "server/fork_child.h"
#include "server/rdb_persistence.h"
#include "server/server.h"

namespace memkeydb {
namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool DirExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  FILE* f = fopen(path.c_str(), "r");
  if (f == nullptr) return false;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  bool ok = !ferror(f);
  fclose(f);
  return ok;
}

double SecondsSince(int64_t start_us) {
  return static_cast<double>(MonotonicUs() - start_us) / 1e6;
}

std::string Fixed3(double v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

bool UseRdbBase(const Config& config) { return config.aof_use_rdb_preamble; }

// The command form of a base file as a SnapshotFile.
class CommandBaseFile : public SnapshotFile {
 public:
  CommandBaseFile(int fd, bool incremental_fsync) : writer_(fd, incremental_fsync) {}
  bool Begin() override { return true; }
  SnapshotConsumer* consumer() override { return &writer_; }
  bool Finish() override { return writer_.Finish(); }

 private:
  aof::AofCommandWriter writer_;
};

// A base file written to `fd` (not owned): an RDB (aof-use-rdb-preamble yes) or commands.
// Ordinary memory only: the rewrite child uses it.
std::unique_ptr<SnapshotFile> MakeBaseFile(const Config& config, int fd) {
  if (UseRdbBase(config)) {
    rdb::RdbWriterOptions options;
    options.compress = config.rdbcompression;
    options.checksum = config.rdbchecksum;
    rdb::RdbAux aux;
    aux.ctime_s = NowMs() / 1000;
    aux.aof_base = true;
    return rdb::MakeRdbSnapshotFile(fd, options, aux);
  }
  return std::make_unique<CommandBaseFile>(fd, config.aof_rewrite_incremental_fsync);
}

bool WriteBase(const Config& config, int fd, const std::vector<Database*>& dbs) {
  return WriteSnapshotFile(dbs, MakeBaseFile(config, fd).get(), fd);
}

}  // namespace

AofManager::AofManager(Server* server) : server_(server) {
  fsync_thread_ = std::thread([this] { FsyncLoop(); });
}

AofManager::~AofManager() {
  {
    std::lock_guard<std::mutex> lock(fsync_mu_);
    fsync_stop_ = true;
  }
  fsync_cv_.notify_all();
  fsync_thread_.join();
  StopRewrite();
  if (fd_ >= 0) close(fd_);
}

std::string AofManager::Path(const std::string& name) const {
  return server_->config().appenddirname + "/" + name;
}

std::string AofManager::TempRewriteName(pid_t pid) const {
  return "temp-rewriteaof-bg-" + std::to_string(pid) + ".aof";
}

bool AofManager::PersistManifest(const aof::Manifest& m) {
  const std::string& prefix = server_->config().appendfilename;
  Status st = aof::WriteFileAtomically(server_->config().appenddirname,
                                       aof::ManifestFileName(prefix),
                                       aof::TempManifestFileName(prefix), m.ToString());
  if (!st.ok()) {
    MKDB_LOG(kWarning) << "Can't persist the AOF manifest: " << st.message();
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Start-up

bool AofManager::LoadAndOpenOnStart() {
  const Config& config = server_->config();
  if (!config.appendonly) return true;
  const std::string& dir = config.appenddirname;
  const std::string& prefix = config.appendfilename;
  std::string manifest_path = Path(aof::ManifestFileName(prefix));
  if (DirExists(dir) && FileExists(manifest_path)) {
    std::string text;
    if (!ReadWholeFile(manifest_path, &text)) {
      MKDB_LOG(kWarning) << "Fatal error: can't open the AOF manifest file " << manifest_path
                         << " for reading: " << strerror(errno);
      return false;
    }
    auto parsed = aof::Manifest::Parse(text);
    if (!parsed.ok()) {
      MKDB_LOG(kWarning) << "*** FATAL AOF MANIFEST FILE ERROR *** " << manifest_path << " "
                         << parsed.status().message();
      return false;
    }
    manifest_ = std::move(*parsed);
  } else if (FileExists(prefix)) {
    // An AOF from before the multi-part layout: it becomes the base of a new manifest.
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      MKDB_LOG(kWarning) << "Can't open or create append-only dir " << dir << ": "
                         << strerror(errno);
      return false;
    }
    manifest_.base = aof::FileInfo{prefix, 1, aof::FileType::kBase};
    manifest_.base_seq = 1;
    if (!PersistManifest(manifest_)) return false;
    if (rename(prefix.c_str(), Path(prefix).c_str()) != 0) {
      MKDB_LOG(kWarning) << "Error trying to move the old AOF file " << prefix << " into dir "
                         << dir << ": " << strerror(errno);
      return false;
    }
    MKDB_LOG(kNotice) << "Successfully migrated an old-style AOF file (" << prefix
                      << ") into the AOF directory (" << dir << ").";
  }
  if (!LoadFiles()) return false;

  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    MKDB_LOG(kWarning) << "Can't open or create append-only dir " << dir << ": "
                       << strerror(errno);
    return false;
  }
  bool had_incr = !manifest_.incrs.empty();
  if (!manifest_.base && !had_incr) {
    const aof::FileInfo& base = manifest_.NewBase(prefix, UseRdbBase(config));
    if (!CreateBaseInProcess(base.name)) return false;
    base_size_ = FileSize(Path(base.name));
    MKDB_LOG(kNotice) << "Creating AOF base file " << base.name << " on server start";
  }
  if (manifest_.incrs.empty()) manifest_.NewIncr(prefix);
  const std::string& incr = manifest_.incrs.back().name;
  fd_ = open(Path(incr).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    MKDB_LOG(kWarning) << "Can't open the append-only file " << incr << ": " << strerror(errno);
    return false;
  }
  if (!PersistManifest(manifest_)) return false;
  MKDB_LOG(kNotice) << (had_incr ? "Opening" : "Creating") << " AOF incr file " << incr
                    << " on server start";
  state_ = State::kOn;
  base_size_at_rewrite_ = current_size();
  fsynced_size_ = current_size();
  last_fsync_ms_ = NowMs();
  server_->AddWriteSink(this);
  return true;
}

bool AofManager::LoadFiles() {
  std::vector<aof::FileInfo> files;
  if (manifest_.base) files.push_back(*manifest_.base);
  for (const aof::FileInfo& f : manifest_.incrs) files.push_back(f);
  if (files.empty()) return true;
  for (const aof::FileInfo& f : files) {
    if (!FileExists(Path(f.name))) {
      MKDB_LOG(kWarning) << "The AOF file " << f.name << " doesn't exist";
      return false;
    }
  }
  int64_t start = MonotonicUs();
  loading_ = true;
  server_->set_loading(true);
  Database::ExpiryMode saved_expiry = Database::expiry_mode();
  Database::set_expiry_mode(Database::ExpiryMode::kKeep);
  bool ok = true;
  base_size_ = incr_size_ = 0;
  for (size_t i = 0; i < files.size() && ok; ++i) {
    uint64_t size = 0;
    int64_t file_start = MonotonicUs();
    ok = LoadFile(files[i], i + 1 == files.size(), &size);
    if (!ok) break;
    bool is_base = manifest_.base && i == 0;
    (is_base ? base_size_ : incr_size_) += size;
    MKDB_LOG(kNotice) << "DB loaded from " << (is_base ? "base" : "incr") << " file "
                      << files[i].name << ": " << Fixed3(SecondsSince(file_start))
                      << " seconds";
  }
  Database::set_expiry_mode(saved_expiry);
  server_->set_loading(false);
  loading_ = false;
  if (ok) {
    MKDB_LOG(kNotice) << "DB loaded from append only file: " << Fixed3(SecondsSince(start))
                      << " seconds";
  }
  return ok;
}

bool AofManager::LoadFile(const aof::FileInfo& file, bool last, uint64_t* size) {
  std::string path = Path(file.name);
  FILE* f = fopen(path.c_str(), "r");
  if (f == nullptr) {
    MKDB_LOG(kWarning) << "Fatal error: can't open the append log file " << file.name
                       << " for reading: " << strerror(errno);
    return false;
  }
  uint64_t file_size = FileSize(path);
  *size = file_size;
  if (file_size == 0) {
    fclose(f);
    return true;
  }
  char head[5] = {};
  size_t got = fread(head, 1, sizeof(head), f);
  uint64_t start = 0;
  if (aof::StartsWithRdbMagic(std::string_view(head, got))) {
    MKDB_LOG(kNotice) << "Reading RDB base file on AOF loading...";
    std::vector<Database*> dbs;
    for (int i = 0; i < server_->db_count(); ++i) dbs.push_back(&server_->db(i));
    int rdb_fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (rdb_fd < 0) {
      fclose(f);
      MKDB_LOG(kWarning) << "Can't open the RDB base file " << file.name << ": "
                         << strerror(errno);
      return false;
    }
    rdb::RdbIn in(rdb_fd, file_size);
    rdb::RdbLoadOptions options;
    options.now_ms = NowMs();
    options.skip_expired = false;  // keys expire after loading, as commands would
    // The tier controller steps while the base loads, so the data lands at the ratio.
    Tiering& tiering = server_->tiering();
    options.on_key = [&tiering] { tiering.OnKeyLoaded(); };
    rdb::RdbLoadResult result;
    bool loaded = rdb::LoadRdb(in, dbs, options, &result);
    close(rdb_fd);
    if (!loaded) {
      fclose(f);
      MKDB_LOG(kWarning) << "Error reading the RDB base file " << file.name
                         << ", AOF loading aborted: " << result.error;
      return false;
    }
    start = in.offset();
    if (start == file_size) {
      fclose(f);
      return true;
    }
    MKDB_LOG(kNotice) << "Reading the remaining AOF tail...";
  }
  if (fseeko(f, static_cast<off_t>(start), SEEK_SET) != 0) {
    fclose(f);
    MKDB_LOG(kWarning) << "Can't seek in the append only file " << file.name;
    return false;
  }
  Client* fake = server_->CreateFakeClient();
  fake->authenticated = true;
  auto apply = [&](const std::vector<std::string>& argv) -> std::string {
    Command* cmd = CommandTable::Get().Find(argv[0]);
    if (cmd != nullptr && cmd->has_subcommands() && argv.size() >= 2) {
      cmd = CommandTable::FindSub(cmd, argv[1]);
    }
    if (cmd == nullptr) {
      return "Unknown command '" + argv[0] + "' reading the append only file " + file.name;
    }
    int arity = cmd->spec->arity;
    auto argc = static_cast<int>(argv.size());
    if ((arity > 0 && argc != arity) || argc < -arity) {
      return "Wrong number of arguments for '" + cmd->full_name +
             "' reading the append only file " + file.name;
    }
    std::string_view name = cmd->parent ? cmd->parent->full_name : cmd->full_name;
    if (fake->has(kClientMulti) && name != "exec" && name != "discard" && name != "multi") {
      fake->multi_queue.emplace_back(argv.begin(), argv.end());
    } else {
      ArgList args(argv.begin(), argv.end());
      server_->Call(fake, cmd, args);
      server_->tiering().OnKeyLoaded();  // a controller step every 256 commands
    }
    fake->output().clear();
    return "";
  };
  aof::ReplayResult r = aof::ReplayCommandFile(f, start, file_size, apply);
  fclose(f);
  // A transaction the file ended inside is dropped, as Redis does.
  fake->multi_queue.clear();
  fake->flags &= ~(kClientMulti | kClientDirtyCas | kClientDirtyExec);
  server_->FreeClient(fake);
  switch (r.kind) {
    case aof::ReplayResult::Kind::kOk:
      return true;
    case aof::ReplayResult::Kind::kRefused:
      MKDB_LOG(kWarning) << r.message << " (at offset " << r.offset << ")";
      return false;
    case aof::ReplayResult::Kind::kBadFormat:
      MKDB_LOG(kWarning) << "Bad file format reading the append only file " << file.name << " "
                         << r.message
                         << ": make a backup of your AOF file, then use redis-check-aof --fix "
                            "<filename.manifest>";
      return false;
    case aof::ReplayResult::Kind::kIoError:
      MKDB_LOG(kWarning) << "Unrecoverable error reading the append only file " << file.name
                         << ": " << r.message;
      return false;
    case aof::ReplayResult::Kind::kTruncated:
      break;
  }
  if (r.reverted_multi) {
    MKDB_LOG(kWarning) << "Revert incomplete MULTI/EXEC transaction in AOF file " << file.name;
  }
  if (!last) {
    MKDB_LOG(kWarning) << "Fatal error: the truncated file " << file.name
                       << " is not the last file";
    return false;
  }
  if (!server_->config().aof_load_truncated) {
    MKDB_LOG(kWarning) << "Unexpected end of file reading the append only file " << file.name
                       << " (a command is cut at offset " << r.offset
                       << "). You can: 1) Make a backup of your AOF file, then use "
                          "redis-check-aof --fix <filename.manifest>. 2) Alternatively you can "
                          "set the 'aof-load-truncated' configuration option to yes and restart "
                          "the server.";
    return false;
  }
  MKDB_LOG(kWarning) << "!!! Warning: short read while loading the AOF file " << file.name
                     << "!!!";
  MKDB_LOG(kWarning) << "!!! Truncating the AOF " << file.name << " at offset " << r.offset
                     << " !!!";
  if (truncate(path.c_str(), static_cast<off_t>(r.offset)) != 0) {
    MKDB_LOG(kWarning) << "Error truncating the AOF file " << file.name << ": "
                       << strerror(errno);
    return false;
  }
  *size = r.offset;
  MKDB_LOG(kWarning) << "AOF " << file.name
                     << " loaded anyway because aof-load-truncated is enabled";
  return true;
}

bool AofManager::CreateBaseInProcess(const std::string& name) {
  std::string temp = Path("temp-rewriteaof-" + std::to_string(getpid()) + ".aof");
  int fd = open(temp.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    MKDB_LOG(kWarning) << "Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): "
                       << strerror(errno);
    return false;
  }
  std::vector<Database*> dbs;
  for (int i = 0; i < server_->db_count(); ++i) dbs.push_back(&server_->db(i));
  bool ok = WriteBase(server_->config(), fd, dbs);
  int err = errno;
  close(fd);
  if (!ok || rename(temp.c_str(), Path(name).c_str()) != 0) {
    if (ok) err = errno;
    MKDB_LOG(kWarning) << "Write error writing the AOF base file " << name << ": "
                       << strerror(err);
    unlink(temp.c_str());
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Writing

void AofManager::Feed(int db, const ArgList& argv) {
  if (state_ == State::kOff) return;
  // While waiting for the first rewrite, only writes after the fork matter (the child's
  // snapshot holds the rest); before it, there is nothing to keep.
  if (state_ == State::kWaitRewrite && !rewrite_in_progress()) return;
  if (server_->config().aof_timestamp_enabled) {
    int64_t now_s = NowMs() / 1000;
    if (now_s != last_timestamp_s_) {
      buf_ += "#TS:" + std::to_string(now_s) + "\r\n";
      last_timestamp_s_ = now_s;
    }
  }
  if (db != selected_db_) {
    aof::AppendCommand(&buf_, {"SELECT", std::to_string(db)});
    selected_db_ = db;
  }
  aof::AppendCommand(&buf_, argv);
}

void AofManager::FsyncInBackground(int fd, bool close_after) {
  ++fsync_pending_;
  {
    std::lock_guard<std::mutex> lock(fsync_mu_);
    fsync_jobs_.push_back({fd, close_after});
  }
  fsync_cv_.notify_one();
}

void AofManager::FsyncLoop() {
  while (true) {
    FsyncJob job;
    {
      std::unique_lock<std::mutex> lock(fsync_mu_);
      fsync_cv_.wait(lock, [this] { return fsync_stop_ || !fsync_jobs_.empty(); });
      if (fsync_jobs_.empty()) return;
      job = fsync_jobs_.front();
      fsync_jobs_.pop_front();
    }
    if (fdatasync(job.fd) != 0 && errno != EBADF && errno != EINVAL) {
      fsync_errno_ = errno;
    } else if (!job.close_after) {
      fsync_errno_ = 0;
    }
    if (job.close_after) close(job.fd);
    --fsync_pending_;
  }
}

void AofManager::Flush(bool force) {
  if (state_ != State::kOn || fd_ < 0) return;
  const Config& config = server_->config();
  int64_t now = NowMs();
  bool everysec = config.appendfsync == "everysec";
  bool always = config.appendfsync == "always";
  if (buf_.empty()) {
    // Writes may have gone out without their fsync (it was still running then).
    if (everysec && fsynced_size_ != current_size() && now - last_fsync_ms_ >= 1000 &&
        fsync_pending_ == 0) {
      FsyncInBackground(fd_, false);
      last_fsync_ms_ = now;
      fsynced_size_ = current_size();
    }
    return;
  }
  if (everysec && !force && fsync_pending_ > 0) {
    // write(2) would block behind the running fsync: wait up to two seconds for it.
    if (postponed_since_ms_ == 0) {
      postponed_since_ms_ = now;
      return;
    }
    if (now - postponed_since_ms_ < 2000) return;
    ++delayed_fsync_;
    MKDB_LOG(kNotice) << "Asynchronous AOF fsync is taking too long (disk is busy?). Writing "
                         "the AOF buffer without waiting for fsync to complete, this may "
                         "slow down memkeydb.";
  }
  postponed_since_ms_ = 0;

  size_t done = 0;
  while (done < buf_.size()) {
    ssize_t n = write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (done < buf_.size()) {
    int err = done > 0 ? ENOSPC : errno;
    if (done > 0) {
      // Take the partial command back out, so the retry writes whole commands.
      if (ftruncate(fd_, static_cast<off_t>(FileSize(Path(manifest_.incrs.back().name)) - done)) ==
          0) {
        done = 0;
      }
    }
    incr_size_ += done;
    buf_.erase(0, done);
    if (now - last_write_error_log_ms_ >= 30000) {
      MKDB_LOG(kWarning) << "Error writing to the AOF file: " << strerror(err);
      last_write_error_log_ms_ = now;
    }
    last_write_errno_ = err;
    if (always) {
      // Replies to these writes cannot be sent: they are not on disk and may never be.
      MKDB_LOG(kWarning) << "Can't recover from AOF write error when the AOF fsync policy is "
                            "'always'. Exiting...";
      _exit(1);
    }
    return;
  }
  incr_size_ += done;
  buf_.clear();
  if (last_write_errno_ != 0) {
    MKDB_LOG(kWarning) << "AOF write error looks solved, memkeydb can write again.";
    last_write_errno_ = 0;
  }
  if (config.no_appendfsync_on_rewrite && rewrite_in_progress()) return;
  if (always) {
    if (fdatasync(fd_) != 0) {
      MKDB_LOG(kWarning) << "Can't persist AOF for fsync error when the AOF fsync policy is "
                            "'always': "
                         << strerror(errno) << ". Exiting...";
      _exit(1);
    }
    last_fsync_ms_ = now;
    fsynced_size_ = current_size();
  } else if (everysec && now - last_fsync_ms_ >= 1000 && fsync_pending_ == 0) {
    FsyncInBackground(fd_, false);
    last_fsync_ms_ = now;
    fsynced_size_ = current_size();
  }
}

bool AofManager::WritesDenied(std::string* why) const {
  if (state_ == State::kOff) return false;
  int err = last_write_errno_ != 0 ? last_write_errno_ : fsync_errno_.load();
  if (err == 0) return false;
  *why = std::string("MISCONF Errors writing to the AOF file: ") + strerror(err);
  return true;
}

void AofManager::Shutdown() {
  if (state_ == State::kOff || fd_ < 0) return;
  Flush(true);
  if (fsync(fd_) != 0) MKDB_LOG(kWarning) << "Fail to fsync the AOF file: " << strerror(errno);
  if (rewrite_in_progress()) {
    MKDB_LOG(kNotice) << "There is a child rewriting the AOF. Killing it!";
  }
  MKDB_LOG(kNotice) << "Calling fsync() on the AOF file.";
}

// ---------------------------------------------------------------------------------------------
// Rewrite

int64_t AofManager::current_rewrite_time_sec() const {
  return rewrite_in_progress() ? (NowMs() - rewrite_start_ms_) / 1000 : -1;
}

void AofManager::RestartAfterSync() {
  if (!enabled()) return;
  Disable();
  std::string err = Enable();
  if (!err.empty()) {
    MKDB_LOG(kWarning) << "Failed enabling the AOF after successful master synchronization! " << err;
  }
}

std::string AofManager::RequestRewrite(bool* scheduled) {
  *scheduled = false;
  if (rewrite_in_progress()) return "ERR Background append only file rewriting already in progress";
  if (server_->rdb().bgsave_in_progress()) {
    // One child at a time, as Redis: the rewrite starts from the cron once the save is done.
    rewrite_scheduled_ = true;
    *scheduled = true;
    return "";
  }
  if (!StartRewrite()) return "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";
  return "";
}

bool AofManager::StartRewrite() {
  const Config& config = server_->config();
  const std::string& prefix = config.appendfilename;
  if (mkdir(config.appenddirname.c_str(), 0755) != 0 && errno != EEXIST) {
    MKDB_LOG(kWarning) << "Can't open or create append-only dir " << config.appenddirname
                       << ": " << strerror(errno);
    return false;
  }
  if (state_ == State::kOn) {
    Flush(true);
    // Appends go to a new incr file from here on; the base being written replaces what came
    // before it.
    aof::Manifest next = manifest_;
    const std::string name = next.NewIncr(prefix).name;
    int fd = open(Path(name).c_str(), O_WRONLY | O_APPEND | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      MKDB_LOG(kWarning) << "Can't open the append-only file " << name << ": "
                         << strerror(errno);
      return false;
    }
    if (!PersistManifest(next)) {
      close(fd);
      unlink(Path(name).c_str());
      return false;
    }
    MKDB_LOG(kNotice) << "Creating AOF incr file " << name << " on background rewrite";
    if (fd_ >= 0) FsyncInBackground(fd_, true);
    fd_ = fd;
    manifest_ = std::move(next);
  } else {
    buf_.clear();
  }
  selected_db_ = -1;

  rewrite_scheduled_ = false;
  const std::string& mode = config.snapshot_mode;
  bool fork_safe = MemoryTiers::Get().fork_snapshot_safe();
  if (mode == "fork" && !fork_safe) {
    MKDB_LOG(kWarning) << "Background AOF rewrite refused: snapshot-mode is fork, but the "
                          "far-memory backend 'file' maps its memory MAP_SHARED, so a forked "
                          "child would not see a point-in-time snapshot";
    last_bgrewrite_ok_ = false;
    ++consecutive_failures_;
    return false;
  }
  bool started = (mode == "fork" || (mode == "auto" && fork_safe)) ? StartRewriteChild()
                                                                    : StartInlineRewrite();
  if (!started) {
    last_bgrewrite_ok_ = false;
    ++consecutive_failures_;
  }
  return started;
}

bool AofManager::StartRewriteChild() {
  std::vector<Database*> dbs;
  for (int i = 0; i < server_->db_count(); ++i) dbs.push_back(&server_->db(i));
  int report[2];
  if (pipe2(report, O_CLOEXEC | O_NONBLOCK) != 0) {
    MKDB_LOG(kWarning) << "Can't create a pipe for the AOF rewrite child: " << strerror(errno);
    return false;
  }
  int64_t start_us = MonotonicUs();
  pid_t pid = fork();
  if (pid < 0) {
    MKDB_LOG(kWarning) << "Can't rewrite append only file in background: fork: "
                       << strerror(errno);
    close(report[0]);
    close(report[1]);
    return false;
  }
  if (pid == 0) {
    // The child: its copy-on-write image of the keyspace becomes the new base.
    signal(SIGUSR1, SIG_DFL);
    close(report[0]);
    std::string temp = Path(TempRewriteName(getpid()));
    int fd = open(temp.c_str(), O_WRONLY | O_TRUNC | O_CREAT, 0644);
    if (fd < 0) _exit(1);
    bool ok = WriteBase(server_->config(), fd, dbs);
    close(fd);
    uint64_t cow = PrivateDirtyBytes();
    ssize_t ignored = write(report[1], &cow, sizeof(cow));
    (void)ignored;
    _exit(ok ? 0 : 1);
  }
  close(report[1]);
  if (child_report_ >= 0) close(child_report_);
  child_report_ = report[0];
  server_->RecordFork(MonotonicUs() - start_us);
  child_pid_ = pid;
  rewrite_start_ms_ = NowMs();
  rewrite_temp_ = TempRewriteName(pid);
  MKDB_LOG(kNotice) << "Background append only file rewriting started by pid " << pid
                    << " (fork took " << (MonotonicUs() - start_us) / 1000 << " ms)";
  return true;
}

bool AofManager::StartInlineRewrite() {
  rewrite_temp_ = TempRewriteName(getpid());
  int fd = open(Path(rewrite_temp_).c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    MKDB_LOG(kWarning) << "Can't open the temporary AOF base file " << rewrite_temp_ << ": "
                       << strerror(errno);
    return false;
  }
  std::vector<Database*> dbs;
  for (int i = 0; i < server_->db_count(); ++i) dbs.push_back(&server_->db(i));
  // The snapshot moment: the incr file opened above receives every write from here on.
  inline_rewrite_ = std::make_unique<InlineSnapshotFile>(
      std::move(dbs), MakeBaseFile(server_->config(), fd), fd);
  if (inline_timer_ == SIZE_MAX) {
    inline_timer_ = server_->loop().AddTimer(0, [this] { return InlineRewriteTick(); });
  } else {
    server_->loop().RunTimerBy(inline_timer_, MonotonicUs());
  }
  rewrite_start_ms_ = NowMs();
  MKDB_LOG(kNotice) << "Background append only file rewriting started (inline snapshot)";
  return true;
}

int64_t AofManager::InlineRewriteTick() {
  constexpr int64_t kIdleUs = 1000000;  // woken early (RunTimerBy) when a rewrite starts
  constexpr int64_t kSliceUs = 2000, kPeriodUs = 4000;  // as the inline BGSAVE
  if (inline_rewrite_ == nullptr) return kIdleUs;
  switch (inline_rewrite_->Tick(kSliceUs)) {
    case InlineSnapshotFile::State::kWalking:
      return kPeriodUs - kSliceUs;
    case InlineSnapshotFile::State::kSyncing:
      return kPeriodUs;
    case InlineSnapshotFile::State::kDone:
      inline_rewrite_.reset();
      RewriteDone(0);
      return kIdleUs;
    default:
      inline_rewrite_.reset();
      RewriteDone(1 << 8);  // exit status 1, as a failed child
      return kIdleUs;
  }
}

void AofManager::StopRewrite() {
  if (child_pid_ > 0) {
    MKDB_LOG(kNotice) << "Killing running AOF rewrite child: " << child_pid_;
    kill(child_pid_, SIGUSR1);
    int status;
    waitpid(child_pid_, &status, 0);
    child_pid_ = -1;
    if (child_report_ >= 0) close(child_report_);
    child_report_ = -1;
  } else if (inline_rewrite_ != nullptr) {
    MKDB_LOG(kNotice) << "Stopping the running inline AOF rewrite";
    inline_rewrite_.reset();
  } else {
    return;
  }
  unlink(Path(rewrite_temp_).c_str());
}

void AofManager::RewriteDone(int status) {
  child_pid_ = -1;
  if (child_report_ >= 0) {
    // The child's last words (if it got that far): what its copy-on-write cost.
    uint64_t cow = 0;
    if (read(child_report_, &cow, sizeof(cow)) == static_cast<ssize_t>(sizeof(cow))) {
      last_cow_bytes_ = cow;
    }
    close(child_report_);
    child_report_ = -1;
  }
  last_rewrite_time_sec_ = (NowMs() - rewrite_start_ms_) / 1000;
  std::string temp = rewrite_temp_;
  bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  auto fail = [&](const std::string& why) {
    MKDB_LOG(kWarning) << why;
    unlink(Path(temp).c_str());
    last_bgrewrite_ok_ = false;
    ++consecutive_failures_;
    // Turning the AOF on waits for a successful rewrite: try again.
    if (state_ == State::kWaitRewrite) rewrite_scheduled_ = true;
  };
  if (!exited_ok) {
    if (WIFSIGNALED(status)) {
      fail("Background AOF rewrite terminated by signal " + std::to_string(WTERMSIG(status)));
    } else {
      fail("Background AOF rewrite terminated with error");
    }
    return;
  }
  if (state_ == State::kOff) {
    unlink(Path(temp).c_str());
    return;
  }
  MKDB_LOG(kNotice) << "Background AOF rewrite terminated with success";
  const Config& config = server_->config();
  const std::string& prefix = config.appendfilename;
  aof::Manifest next = manifest_;
  const std::string base = next.NewBase(prefix, UseRdbBase(config)).name;
  int new_fd = -1;
  if (state_ == State::kWaitRewrite) {
    next.RetireIncrs(0);
    const std::string incr = next.NewIncr(prefix).name;
    new_fd = open(Path(incr).c_str(), O_WRONLY | O_APPEND | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
    if (new_fd < 0) {
      fail("Can't open the append-only file " + incr + ": " + strerror(errno));
      return;
    }
  } else {
    next.RetireIncrs(1);
  }
  if (rename(Path(temp).c_str(), Path(base).c_str()) != 0) {
    if (new_fd >= 0) close(new_fd);
    fail("Error trying to rename the temporary AOF base file " + temp + " into " + base + ": " +
         strerror(errno));
    return;
  }
  MKDB_LOG(kNotice) << "Successfully renamed the temporary AOF base file " << temp << " into "
                    << base;
  if (!PersistManifest(next)) {
    if (new_fd >= 0) close(new_fd);
    unlink(Path(base).c_str());
    fail("Failed to write the AOF manifest after the rewrite");
    return;
  }
  manifest_ = std::move(next);
  if (new_fd >= 0) {
    fd_ = new_fd;
    state_ = State::kOn;
    MKDB_LOG(kNotice) << "AOF rewrite done, appending to " << manifest_.incrs.back().name;
  }
  base_size_ = FileSize(Path(base));
  incr_size_ = 0;
  for (const aof::FileInfo& f : manifest_.incrs) incr_size_ += FileSize(Path(f.name));
  base_size_at_rewrite_ = current_size();
  DeleteHistory();
  last_bgrewrite_ok_ = true;
  consecutive_failures_ = 0;
  ++rewrites_;
  Flush(true);
  MKDB_LOG(kNotice) << "Background AOF rewrite finished successfully";
}

void AofManager::DeleteHistory() {
  if (manifest_.history.empty()) return;
  for (const aof::FileInfo& f : manifest_.history) {
    MKDB_LOG(kNotice) << "Removing the history file " << f.name;
    unlink(Path(f.name).c_str());
  }
  manifest_.history.clear();
  PersistManifest(manifest_);
}

void AofManager::Cron() {
  if (child_pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(child_pid_, &status, WNOHANG);
    if (r == child_pid_) {
      RewriteDone(status);
    } else if (r < 0 && errno == ECHILD) {
      RewriteDone(1 << 8);  // lost: count as a failure
    }
  }
  if (state_ == State::kOff) return;
  if (!buf_.empty() && (postponed_since_ms_ != 0 || last_write_errno_ != 0)) Flush(false);
  if (server_->rdb().bgsave_in_progress()) return;
  if (!rewrite_in_progress() && rewrite_scheduled_) {
    StartRewrite();
    return;
  }
  const Config& config = server_->config();
  if (state_ == State::kOn && !rewrite_in_progress() && config.auto_aof_rewrite_percentage > 0 &&
      current_size() > static_cast<uint64_t>(config.auto_aof_rewrite_min_size)) {
    uint64_t base = base_size_at_rewrite_ ? base_size_at_rewrite_ : 1;
    int64_t growth = static_cast<int64_t>(current_size() * 100 / base) - 100;
    // After repeated failures, try at most once a minute.
    bool limited = consecutive_failures_ >= 3 && NowMs() - rewrite_start_ms_ < 60000;
    if (growth >= config.auto_aof_rewrite_percentage && !limited) {
      MKDB_LOG(kNotice) << "Starting automatic rewriting of AOF on " << growth << "% growth";
      StartRewrite();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CONFIG SET appendonly

std::string AofManager::Enable() {
  if (state_ != State::kOff) return "";
  const Config& config = server_->config();
  // The manifest on disk (from an earlier run) keeps its sequence numbers going.
  std::string manifest_path = Path(aof::ManifestFileName(config.appendfilename));
  if (FileExists(manifest_path)) {
    std::string text;
    if (ReadWholeFile(manifest_path, &text)) {
      auto parsed = aof::Manifest::Parse(text);
      if (parsed.ok()) manifest_ = std::move(*parsed);
    }
  }
  state_ = State::kWaitRewrite;
  last_write_errno_ = 0;
  fsync_errno_ = 0;
  server_->AddWriteSink(this);
  // A rewrite started while the AOF was off holds nothing to build on: start over.
  StopRewrite();
  if (server_->rdb().bgsave_in_progress()) {
    MKDB_LOG(kWarning) << "AOF was enabled but there is already another background operation. "
                          "An AOF background was scheduled to start when possible.";
    rewrite_scheduled_ = true;
    return "";
  }
  if (!StartRewrite()) {
    state_ = State::kOff;
    server_->RemoveWriteSink(this);
    MKDB_LOG(kWarning) << "memkeydb needs to enable the AOF but can't trigger a background AOF "
                          "rewrite operation. Check the above logs for more info about the "
                          "error.";
    return "Failed to start the AOF rewrite";
  }
  return "";
}

void AofManager::Disable() {
  if (state_ == State::kOff) return;
  Flush(true);
  if (fd_ >= 0) {
    if (fsync(fd_) != 0) MKDB_LOG(kWarning) << "Fail to fsync the AOF file: " << strerror(errno);
    close(fd_);
    fd_ = -1;
  }
  StopRewrite();
  state_ = State::kOff;
  selected_db_ = -1;
  rewrite_scheduled_ = false;
  buf_.clear();
  server_->RemoveWriteSink(this);
}

}  // namespace memkeydb
