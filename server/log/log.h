// Leveled logging to stderr. stdout belongs to the protocol, so nothing in
// Tacit writes there except the transport.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace tacit::log {

enum class Level { Trace, Debug, Info, Warn, Error, Off };

std::optional<Level> parseLevel(std::string_view name);
std::string_view toString(Level);

void setLevel(Level);
Level level();
inline bool enabled(Level l) { return l >= level() && l != Level::Off; }

// Writes one line "I[12:34:56.789] message" to stderr, atomically with
// respect to other threads.
void write(Level, std::string_view message);

// Collects a message with operator<< and writes it on destruction.
class Line {
 public:
  explicit Line(Level l) : level_(l) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line() { write(level_, stream_.str()); }
  template <typename T>
  Line& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  Level level_;
  std::ostringstream stream_;
};

}  // namespace tacit::log

// Usage: TACIT_LOG(Info) << "opened " << uri;  The stream expression is not
// evaluated when the level is disabled.
#define TACIT_LOG(LEVEL)                                           \
  if (!::tacit::log::enabled(::tacit::log::Level::LEVEL)) {        \
  } else                                                           \
    ::tacit::log::Line(::tacit::log::Level::LEVEL)
