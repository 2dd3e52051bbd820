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

// While one lives, lines are held instead of written: a command whose
// failure must be its one line on stderr (`tacit report`) writes them only
// once it has succeeded. release() writes what is held (in order, with the
// times they were logged at), discard() drops it; either ends the holding,
// and the destructor releases. One at a time.
class Hold {
 public:
  Hold();
  ~Hold();
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;
  void release();
  void discard();
};

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

namespace tacit::log {
// Turns the streamed expression into void so it fits the ?: in TACIT_LOG_AT.
struct Voidify {
  void operator&(Line&) {}
};
}  // namespace tacit::log

// Usage: TACIT_LOG(Info) << "opened " << uri;  or, with a level computed at
// run time, TACIT_LOG_AT(level) << ...  The streamed expression is not
// evaluated when the level is disabled, and the macro is a single expression,
// so it is safe under an unbraced if/else.
#define TACIT_LOG_AT(LEVEL_EXPR)                        \
  !::tacit::log::enabled(LEVEL_EXPR) ? (void)0          \
                                     : ::tacit::log::Voidify() & ::tacit::log::Line(LEVEL_EXPR)
#define TACIT_LOG(LEVEL) TACIT_LOG_AT(::tacit::log::Level::LEVEL)
