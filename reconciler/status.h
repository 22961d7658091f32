// Errors as values. Every fallible call in hxctl returns a Status or a Result<T>; exceptions
// thrown by libraries are converted at the adapter that calls them (spec loader, store, JSON).
// Retry and back-off decide by kind(), never by parsing the message.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hx {

enum class ErrorKind {
  kInvalidSpec,  // the operator's input is wrong; nothing was changed
  kNotFound,     // the object does not exist
  kConflict,     // exists already / owned by someone else / lock held
  kTransient,    // timeout, refused connection, 5xx: retrying may help
  kTerminal,     // the remote refused for good (4xx, bad model name): do not retry
  kUnavailable,  // the dependency is not reachable or not ready (host down, breaker open)
  kInternal,     // a bug or an impossible state
};

const char* errorKindName(ErrorKind kind);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(ErrorKind kind, std::string message) {
    Status s;
    s.error_ = Error{kind, std::move(message)};
    return s;
  }

  bool isOk() const { return !error_.has_value(); }
  explicit operator bool() const { return isOk(); }
  ErrorKind kind() const { return error_ ? error_->kind : ErrorKind::kInternal; }
  const std::string& message() const {
    static const std::string kEmpty;
    return error_ ? error_->message : kEmpty;
  }
  bool retryable() const { return error_ && error_->kind == ErrorKind::kTransient; }
  // The same error, its message prefixed with `context` ("cannot open X: ..."); kind kept.
  Status withContext(const std::string& context) const {
    if (isOk()) return *this;
    return error(error_->kind, context + ": " + error_->message);
  }

 private:
  struct Error {
    ErrorKind kind;
    std::string message;
  };
  std::optional<Error> error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool isOk() const { return std::holds_alternative<T>(value_); }
  explicit operator bool() const { return isOk(); }
  const T& value() const& { return std::get<T>(value_); }
  T& value() & { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  const T* operator->() const { return &std::get<T>(value_); }
  T* operator->() { return &std::get<T>(value_); }
  Status status() const { return isOk() ? Status::ok() : std::get<Status>(value_); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace hx
