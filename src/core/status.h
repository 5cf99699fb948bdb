// Status and Result<T>: the error vocabulary used across every module boundary in stio.
//
// The codes are Abseil's canonical codes. The API layer maps each one to exactly one HTTP status
// (see api/problem.cc); nothing else in stio decides HTTP codes. A Status may also name the field
// (JSON pointer-ish path such as "tax_code" or "people[3].orcid") that caused the error, so that
// problem+json responses and CLI messages can point at it.
//
// Success costs a null pointer (as in LevelDB). Status and Result are [[nodiscard]].
// Thread-safety: values; safe to copy between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace stio {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,  // the caller's input is wrong whatever the system state
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,    // authenticated but not allowed
  kResourceExhausted = 8,   // quotas, rate limits, full queues
  kFailedPrecondition = 9,  // the input is fine but the system state forbids it (e.g. locked data)
  kAborted = 10,            // concurrency conflict; retry may succeed
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,  // transient; retry later
  kDataLoss = 15,
  kUnauthenticated = 16,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;  // OK
  Status(StatusCode code, std::string message, std::string field = {});
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return Status(StatusCode::kInvalidArgument, std::move(msg), std::move(field));
  }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg, std::string field = {}) {
    return Status(StatusCode::kAlreadyExists, std::move(msg), std::move(field));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(StatusCode::kPermissionDenied, std::move(msg));
  }
  static Status Unauthenticated(std::string msg) {
    return Status(StatusCode::kUnauthenticated, std::move(msg));
  }
  static Status ResourceExhausted(std::string msg) {
    return Status(StatusCode::kResourceExhausted, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg, std::string field = {}) {
    return Status(StatusCode::kFailedPrecondition, std::move(msg), std::move(field));
  }
  static Status Aborted(std::string msg) { return Status(StatusCode::kAborted, std::move(msg)); }
  static Status OutOfRange(std::string msg, std::string field = {}) {
    return Status(StatusCode::kOutOfRange, std::move(msg), std::move(field));
  }
  static Status Unimplemented(std::string msg) {
    return Status(StatusCode::kUnimplemented, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }
  static Status Unavailable(std::string msg) {
    return Status(StatusCode::kUnavailable, std::move(msg));
  }
  static Status DataLoss(std::string msg) { return Status(StatusCode::kDataLoss, std::move(msg)); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  const std::string& field() const;

  // Returns a copy with `prefix: ` prepended to the message (for adding context while propagating).
  Status WithContext(std::string_view prefix) const;
  // Returns a copy whose field is set (if it had none) to `field`.
  Status WithField(std::string field) const;

  // "INVALID_ARGUMENT: tax_code: the check digit does not match" (or "OK").
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message() && a.field() == b.field();
  }

 private:
  struct State {
    StatusCode code;
    std::string message;
    std::string field;
  };
  std::unique_ptr<State> state_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) v_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace stio

#define STIO_CONCAT_INNER_(a, b) a##b
#define STIO_CONCAT_(a, b) STIO_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (a Status) is not OK.
#define STIO_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::stio::Status stio_status_ = (expr);        \
    if (!stio_status_.ok()) return stio_status_; \
  } while (0)

// STIO_ASSIGN_OR_RETURN(auto x, FunctionReturningResult());
#define STIO_ASSIGN_OR_RETURN(lhs, expr) \
  STIO_ASSIGN_OR_RETURN_IMPL_(STIO_CONCAT_(stio_result_, __LINE__), lhs, expr)
#define STIO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
