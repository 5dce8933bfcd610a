#include "persistence/rdb_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_value.h"

namespace memkeydb::rdb {

// ---------------------------------------------------------------------------------------------
// Writing

RdbFileWriter::RdbFileWriter(RdbOut::Sink sink, RdbWriterOptions options)
    : out_(options.compress, std::move(sink)), options_(std::move(options)) {}

RdbOut::Sink RdbFileWriter::FdSink(int fd) {
  return [fd](std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  };
}

namespace {

void AuxString(RdbOut& out, std::string_view field, std::string_view value) {
  out.Byte(kOpAux);
  out.String(field);
  out.String(value);
}

void AuxInt(RdbOut& out, std::string_view field, int64_t value) {
  out.Byte(kOpAux);
  out.String(field);
  out.IntString(value);
}

}  // namespace

bool RdbFileWriter::Begin(const RdbAux& aux) {
  char magic[10];
  snprintf(magic, sizeof(magic), "REDIS%04d", kVersion);
  out_.Raw(magic, 9);
  AuxString(out_, "redis-ver", kCompatRedisVersion);
  AuxInt(out_, "redis-bits", 64);
  AuxInt(out_, "ctime", aux.ctime_s);
  AuxInt(out_, "used-mem", aux.used_mem);
  if (!aux.repl_id.empty()) {
    AuxInt(out_, "repl-stream-db", aux.repl_stream_db);
    AuxString(out_, "repl-id", aux.repl_id);
    AuxInt(out_, "repl-offset", aux.repl_offset);
  }
  AuxInt(out_, "aof-base", aux.aof_base ? 1 : 0);
  return !out_.failed();
}

void RdbFileWriter::Select(int db) {
  out_.Byte(kOpSelectDb);
  out_.Length(static_cast<uint64_t>(db));
  current_db_ = db;
}

bool RdbFileWriter::DbSize(int db, uint64_t keys, uint64_t expires) {
  if (static_cast<size_t>(db) >= sized_.size()) sized_.resize(db + 1, false);
  if (db != current_db_) Select(db);
  if (!sized_[db]) {
    sized_[db] = true;
    out_.Byte(kOpResizeDb);
    out_.Length(keys);
    out_.Length(expires);
  }
  return !out_.failed();
}

bool RdbFileWriter::Key(int db, const Entry& e) {
  if (db != current_db_) Select(db);
  if (e.has_expire()) {
    out_.Byte(kOpExpireTimeMs);
    out_.Millis(e.expire_at());
  }
  if (options_.idle_seconds) {
    out_.Byte(kOpIdle);
    out_.Length(options_.idle_seconds(e.clock()));
  } else if (options_.lfu_counter) {
    out_.Byte(kOpFreq);
    out_.Byte(options_.lfu_counter(e.clock()));
  }
  out_.Byte(TypeByteOf(e.value));
  out_.String(e.key());
  WriteValue(out_, e.value);
  ++keys_;
  return !out_.failed();
}

bool RdbFileWriter::Finish() {
  out_.Byte(kOpEof);
  uint64_t crc = options_.checksum ? out_.crc() : 0;
  out_.U64LE(crc);
  return out_.Flush();
}

// ---------------------------------------------------------------------------------------------
// Loading

namespace {

class Loader {
 public:
  Loader(RdbIn& in, const std::vector<Database*>& dbs, const RdbLoadOptions& options,
         RdbLoadResult* result)
      : in_(in), dbs_(dbs), options_(options), result_(result) {}

  bool Run();

 private:
  bool Header();
  bool Aux();
  bool KeyValue(uint8_t type);
  bool Function();
  bool ModuleAux();
  bool Trailer();
  void Progress() {
    if (options_.on_progress && in_.offset() >= next_progress_) {
      options_.on_progress(in_.offset());
      next_progress_ = in_.offset() + options_.progress_bytes;
    }
  }

  RdbIn& in_;
  const std::vector<Database*>& dbs_;
  const RdbLoadOptions& options_;
  RdbLoadResult* result_;
  int version_ = 0;
  Database* db_ = nullptr;
  // Attributes of the next key.
  int64_t expire_ms_ = -1;
  bool has_clock_ = false;
  uint32_t clock_ = 0;
  uint64_t next_progress_ = 0;
};

bool Loader::Header() {
  char magic[9];
  if (!in_.Raw(magic, 9)) return false;
  if (std::memcmp(magic, "REDIS", 5) != 0) return in_.Fail("wrong signature, not an RDB file");
  int v = 0;
  for (int i = 5; i < 9; ++i) {
    if (magic[i] < '0' || magic[i] > '9') return in_.Fail("RDB version is not a number");
    v = v * 10 + (magic[i] - '0');
  }
  if (v < 1 || v > kMaxReadVersion) {
    return in_.Fail("can't handle RDB format version " + std::to_string(v));
  }
  version_ = result_->version = v;
  return true;
}

bool Loader::Aux() {
  std::string field, value;
  if (!in_.String(&field) || !in_.String(&value)) return false;
  if (field == "redis-ver") {
    MKDB_LOG(kNotice) << "Loading RDB produced by version " << value;
  } else if (field == "ctime") {
    int64_t ctime = atoll(value.c_str());
    int64_t age = options_.now_ms / 1000 - ctime;
    if (age < 0) age = 0;
    MKDB_LOG(kNotice) << "RDB age " << age << " seconds";
  } else if (field == "used-mem") {
    result_->used_mem = atoll(value.c_str());
    char mb[32];
    snprintf(mb, sizeof(mb), "%.2f", static_cast<double>(atoll(value.c_str())) / 1024 / 1024);
    MKDB_LOG(kNotice) << "RDB memory usage when created " << mb << " Mb";
  } else if (field == "repl-stream-db") {
    result_->repl_stream_db = atoi(value.c_str());
  } else if (field == "repl-id") {
    if (value.size() == 40) result_->repl_id = value;
  } else if (field == "repl-offset") {
    result_->repl_offset = atoll(value.c_str());
  } else if (field == "aof-base") {
    result_->aof_base = atoi(value.c_str()) != 0;
  } else if (field == "lua" || field == "redis-bits" || field == "aof-preamble") {
    // Nothing to do: scripts are not kept across restarts, the word size is ours.
  } else {
    MKDB_LOG(kDebug) << "Unrecognized RDB AUX field: '" << field << "'";
  }
  return true;
}

bool Loader::Function() {
  // FUNCTION2: one string, the library's code. memkeydb has no functions: only an empty
  // library could be "loaded" without losing it.
  std::string code;
  if (!in_.String(&code)) return false;
  if (code.empty()) return true;
  return in_.Fail(
      "the file holds a function library, and memkeydb does not support functions (FUNCTION "
      "LOAD); remove it in the source server (FUNCTION FLUSH) and save again");
}

bool Loader::ModuleAux() {
  return in_.Fail(
      "the file holds module data (MODULE_AUX), and memkeydb does not support modules");
}

// Skipped empty keys named in the log; the rest are only counted.
constexpr uint64_t kEmptyKeysLogged = 10;

bool Loader::KeyValue(uint8_t type) {
  if (db_ == nullptr) return in_.Fail("key before any SELECTDB");
  std::string key;
  if (!in_.String(&key)) return false;
  CompactValue value;
  if (type == kTypeModulePre || type == kTypeModule2) {
    return in_.Fail("key '" + key.substr(0, 64) +
                    "' holds a module value, and memkeydb does not support modules");
  }
  bool read = ReadValue(in_, type, &value);
  int64_t expire = expire_ms_;
  bool has_clock = has_clock_;
  expire_ms_ = -1;
  has_clock_ = false;
  if (!read) {
    if (!in_.empty_value()) return false;
    // The value was read in full and had no elements: the key is dropped, the load goes on.
    in_.ClearEmptyValue();
    if (result_->empty_keys_skipped++ < kEmptyKeysLogged) {
      MKDB_LOG(kWarning) << "RDB load skipping empty key: " << key.substr(0, 128);
    }
    return true;
  }
  if (expire >= 0 && options_.skip_expired && expire <= options_.now_ms) {
    ++result_->keys_expired;
    return true;
  }
  if (Entry* old = db_->FindRaw(key); old != nullptr) {
    if (!options_.allow_duplicates) {
      return in_.Fail("duplicate key '" + key.substr(0, 64) + "' in database " +
                      std::to_string(db_->index()));
    }
    db_->Delete(key);
  }
  Entry* e = db_->Add(key);
  e->value.MoveFrom(&value);
  if (has_clock) e->set_clock(clock_);
  if (expire >= 0) db_->SetExpire(&e, expire);
  ++result_->keys_loaded;
  if (options_.on_key) options_.on_key();
  return true;
}

bool Loader::Trailer() {
  if (version_ < 5) return true;  // no checksum before RDB 5
  uint64_t computed = in_.crc();
  uint64_t stored;
  if (!in_.U64LE(&stored)) return false;
  if (stored == 0) {
    MKDB_LOG(kVerbose) << "RDB file was saved with checksum disabled: no check performed.";
    return true;
  }
  if (stored != computed) {
    char buf[96];
    snprintf(buf, sizeof(buf), "wrong RDB checksum: stored %016llx, computed %016llx",
             static_cast<unsigned long long>(stored), static_cast<unsigned long long>(computed));
    return in_.Fail(buf);
  }
  return true;
}

bool Loader::Run() {
  if (!Header()) return false;
  for (;;) {
    Progress();
    uint8_t op;
    if (!in_.Byte(&op)) return false;
    switch (op) {
      case kOpEof:
        return Trailer();
      case kOpAux:
        if (!Aux()) return false;
        continue;
      case kOpSelectDb: {
        uint64_t n;
        if (!in_.Length(&n)) return false;
        if (n >= dbs_.size()) {
          return in_.Fail("FATAL: Data file was created with a Redis server configured to "
                          "handle more than " +
                          std::to_string(dbs_.size()) + " databases (SELECTDB " +
                          std::to_string(n) + ")");
        }
        db_ = dbs_[n];
        continue;
      }
      case kOpResizeDb: {
        // A hint only: the tables grow as keys arrive, so a lying count costs nothing.
        uint64_t keys, expires;
        if (!in_.Length(&keys) || !in_.Length(&expires)) return false;
        continue;
      }
      case kOpExpireTimeMs: {
        int64_t ms;
        if (!in_.Millis(&ms)) return false;
        expire_ms_ = ms < 0 ? 0 : ms;
        continue;
      }
      case kOpExpireTime: {
        uint32_t s;
        if (!in_.U32LE(&s)) return false;
        expire_ms_ = static_cast<int64_t>(static_cast<int32_t>(s)) * 1000;
        if (expire_ms_ < 0) expire_ms_ = 0;
        continue;
      }
      case kOpIdle: {
        uint64_t idle;
        if (!in_.Length(&idle)) return false;
        if (options_.clock_from_idle) {
          clock_ = options_.clock_from_idle(idle);
          has_clock_ = true;
        }
        continue;
      }
      case kOpFreq: {
        uint8_t freq;
        if (!in_.Byte(&freq)) return false;
        if (options_.clock_from_freq) {
          clock_ = options_.clock_from_freq(freq);
          has_clock_ = true;
        }
        continue;
      }
      case kOpFunction2:
      case kOpFunctionPre:
        if (!Function()) return false;
        continue;
      case kOpModuleAux:
        return ModuleAux();
      default:
        if (!IsValueType(op)) return in_.Fail("unknown RDB opcode or type " + std::to_string(op));
        if (!KeyValue(op)) return false;
    }
  }
}

}  // namespace

bool LoadRdb(RdbIn& in, const std::vector<Database*>& dbs, const RdbLoadOptions& options,
             RdbLoadResult* result) {
  Loader loader(in, dbs, options, result);
  if (loader.Run()) return true;
  // A file cut short reads as a claim past its end; anything else is corrupt data.
  bool short_read = in.remaining() == 0 || in.error().find("remain") != std::string::npos ||
                    in.error().find("end of") != std::string::npos;
  result->error = (short_read ? "Short read or OOM loading DB. Unrecoverable error, aborting now. "
                              : "Corrupt RDB, aborting now. ") +
                  in.error();
  return false;
}

}  // namespace memkeydb::rdb

namespace memkeydb::rdb {
namespace {

class RdbSnapshotFile : public SnapshotFile {
 public:
  RdbSnapshotFile(int fd, RdbWriterOptions options, RdbAux aux)
      : writer_(RdbFileWriter::FdSink(fd), options), aux_(std::move(aux)) {}
  bool Begin() override { return writer_.Begin(aux_); }
  SnapshotConsumer* consumer() override { return &writer_; }
  bool Finish() override { return writer_.Finish(); }

 private:
  RdbFileWriter writer_;
  RdbAux aux_;
};

}  // namespace

std::unique_ptr<SnapshotFile> MakeRdbSnapshotFile(int fd, RdbWriterOptions options, RdbAux aux) {
  return std::make_unique<RdbSnapshotFile>(fd, options, std::move(aux));
}

}  // namespace memkeydb::rdb
