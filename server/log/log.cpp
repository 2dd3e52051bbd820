#include "server/log/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace tacit::log {
namespace {

std::atomic<Level> currentLevel{Level::Info};
std::mutex writeMutex;
// Guarded by writeMutex.
bool holding = false;
std::string held;

char levelLetter(Level l) {
  switch (l) {
    case Level::Trace: return 'T';
    case Level::Debug: return 'D';
    case Level::Info: return 'I';
    case Level::Warn: return 'W';
    case Level::Error: return 'E';
    case Level::Off: break;
  }
  return '?';
}

}  // namespace

std::optional<Level> parseLevel(std::string_view name) {
  if (name == "trace") return Level::Trace;
  if (name == "debug") return Level::Debug;
  if (name == "info") return Level::Info;
  if (name == "warn" || name == "warning") return Level::Warn;
  if (name == "error") return Level::Error;
  if (name == "off") return Level::Off;
  return std::nullopt;
}

std::string_view toString(Level l) {
  switch (l) {
    case Level::Trace: return "trace";
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
    case Level::Off: return "off";
  }
  return "?";
}

void setLevel(Level l) { currentLevel.store(l); }
Level level() { return currentLevel.load(); }

void write(Level l, std::string_view message) {
  if (!enabled(l)) return;
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%c[%02d:%02d:%02d.%03d] ", levelLetter(l),
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  std::lock_guard lock(writeMutex);
  if (holding) {
    held.append(prefix).append(message) += '\n';
    return;
  }
  std::fputs(prefix, stderr);
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

Hold::Hold() {
  std::lock_guard lock(writeMutex);
  holding = true;
}

Hold::~Hold() { release(); }

void Hold::release() {
  std::lock_guard lock(writeMutex);
  std::fwrite(held.data(), 1, held.size(), stderr);
  std::fflush(stderr);
  held.clear();
  holding = false;
}

void Hold::discard() {
  std::lock_guard lock(writeMutex);
  held.clear();
  holding = false;
}

}  // namespace tacit::log
