// Status: the result of an operation that can fail for a reason worth reporting (I/O, parsing,
// configuration). No exceptions on the data path: functions return Status or StatusOr<T>.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace memkeydb {

class Status {
 public:
  enum class Code { kOk, kInvalidArgument, kIoError, kCorruption, kOutOfMemory, kNotSupported };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status OutOfMemory(std::string msg) { return {Code::kOutOfMemory, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {Code::kNotSupported, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// StatusOr<T>: a value or the Status that explains why there is none.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) {}   // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> v_;
};

#define MKDB_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::memkeydb::Status _st = (expr);          \
    if (!_st.ok()) return _st;                \
  } while (0)

}  // namespace memkeydb
