#include "server/store/clock.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string_view>
#include <vector>

#include "server/store/event.h"
#include "server/store/event_log.h"

namespace tacit::store {

namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// The injected clock: INT64_MIN when the real clock is used.
std::atomic<int64_t>& injected() {
  static std::atomic<int64_t> value = [] {
    const char* fixed = std::getenv("TACIT_NOW");
    if (!fixed || !*fixed) return INT64_MIN;
    auto at = parseTimestamp(fixed);
    if (!at) {
      std::fprintf(stderr, "tacit: TACIT_NOW is not an RFC 3339 time: %s\n", fixed);
      std::exit(2);
    }
    return *at;
  }();
  return value;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

std::tm localTm(int64_t unixMillis) {
  std::time_t secs = static_cast<std::time_t>(unixMillis / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

// Local midnight-relative construction; mktime normalises overflowing days.
int64_t localMillis(std::tm tm) {
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  return static_cast<int64_t>(t) * 1000;
}

// "9:00", "09:00", "17:30:15" → {h, m, s}.
std::optional<std::tm> timeOfDay(std::string_view text) {
  int h = 0, m = 0, s = 0;
  char tail = 0;
  std::string t(text);
  int n = std::sscanf(t.c_str(), "%2d:%2d:%2d%c", &h, &m, &s, &tail);
  if (n == 2) {
    n = std::sscanf(t.c_str(), "%2d:%2d%c", &h, &m, &tail);
    if (n != 2) return std::nullopt;
  } else if (n != 3) {
    return std::nullopt;
  }
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return std::nullopt;
  std::tm tm{};
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  return tm;
}

// "2026-11-28" → the date.
std::optional<std::tm> date(std::string_view text) {
  int y = 0, mo = 0, d = 0;
  char tail = 0;
  std::string t(text);
  if (t.size() != 10 || std::sscanf(t.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  // Reject 2026-02-31 and the like: mktime would roll it into March.
  std::tm check = tm;
  check.tm_hour = 12;
  check.tm_isdst = -1;
  std::mktime(&check);
  if (check.tm_mday != d || check.tm_mon != mo - 1) return std::nullopt;
  return tm;
}

int weekday(const std::string& word) {
  static const char* names[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; ++i) {
    std::string_view name = names[i];
    if (word == name || (word.size() == 3 && name.substr(0, 3) == word)) return i;
  }
  return -1;
}

// The local moment on the day `dayOffset` days after `now`'s, at `clock`.
int64_t onDay(int64_t now, int dayOffset, const std::tm& clock) {
  std::tm tm = localTm(now);
  tm.tm_mday += dayOffset;
  tm.tm_hour = clock.tm_hour;
  tm.tm_min = clock.tm_min;
  tm.tm_sec = clock.tm_sec;
  return localMillis(tm);
}

[[noreturn]] void unparsable(const std::string& text) {
  throw StoreError("cannot read \"" + text +
                   "\" as a time: use a duration (10m, 2h, 1d), RFC 3339 (2026-11-28T09:00:00Z), "
                   "a local time (2026-11-28 09:00, 09:00, tomorrow 09:00, monday)");
}

}  // namespace

int64_t nowMillis() {
  int64_t fixed = injected().load();
  if (fixed != INT64_MIN) return fixed;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool clockIsInjected() { return injected().load() != INT64_MIN; }

bool setNow(int64_t unixMillis) {
  if (!clockIsInjected()) return false;
  injected().store(unixMillis);
  return true;
}

void freezeClock(int64_t unixMillis) { injected().store(unixMillis); }

int64_t parseDuration(const std::string& text) {
  auto bad = [&]() -> int64_t {
    throw StoreError("expected a duration such as 10m, 1h30m, 12h or 7d, got \"" + text + "\"");
  };
  if (text.empty() || text.size() > 24) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 9 || i == text.size()) return bad();
    const int64_t n = std::stoll(text.substr(start, i - start));
    switch (text[i++]) {
      case 's': total += n * 1000; break;
      case 'm': total += n * kMinute; break;
      case 'h': total += n * kHour; break;
      case 'd': total += n * kDay; break;
      case 'w': total += n * 7 * kDay; break;
      default: return bad();
    }
  }
  return total;
}

int64_t sinceNow(int64_t millis) { return nowMillis() - millis; }

int64_t parseTime(const std::string& input, int64_t now) {
  const std::vector<std::string> w = words(lower(input));
  if (w.empty()) unparsable(input);
  // "in 10m" and "10m".
  if (w.size() == 2 && w[0] == "in") {
    try {
      return now + parseDuration(w[1]);
    } catch (const StoreError&) {
      unparsable(input);
    }
  }
  if (w.size() == 1 && std::isdigit(static_cast<unsigned char>(w[0][0])) && w[0].find_first_of("-:") == std::string::npos) {
    try {
      return now + parseDuration(w[0]);
    } catch (const StoreError&) {
      unparsable(input);
    }
  }
  // RFC 3339, with an offset or Z.
  if (w.size() == 1 && w[0].size() > 10 && (w[0][10] == 't') &&
      (w[0].back() == 'z' || w[0].find_first_of("+-", 19) != std::string::npos)) {
    std::string upper = input;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (auto at = parseTimestamp(words(upper)[0])) return *at;
    unparsable(input);
  }
  // A local date, with an optional time: "2026-11-28", "2026-11-28 09:00", "2026-11-28T09:00".
  {
    std::string first = w[0], clock;
    if (first.size() > 10 && first[10] == 't') {
      clock = first.substr(11);
      first = first.substr(0, 10);
      if (w.size() != 1) unparsable(input);
    } else if (w.size() == 2) {
      clock = w[1];
    } else if (w.size() > 2) {
      clock = "-";
    }
    if (auto d = date(first)) {
      std::tm tod{};
      tod.tm_hour = 9;
      if (!clock.empty()) {
        auto t = timeOfDay(clock);
        if (!t) unparsable(input);
        tod = *t;
      }
      d->tm_hour = tod.tm_hour;
      d->tm_min = tod.tm_min;
      d->tm_sec = tod.tm_sec;
      return localMillis(*d);
    }
  }
  // "09:00": its next occurrence.
  if (w.size() == 1) {
    if (auto t = timeOfDay(w[0])) {
      int64_t at = onDay(now, 0, *t);
      return at > now ? at : onDay(now, 1, *t);
    }
  }
  // "today 17:00", "tomorrow [09:00]", "monday [14:30]".
  if (w.size() <= 2) {
    std::tm tod{};
    tod.tm_hour = 9;
    if (w.size() == 2) {
      auto t = timeOfDay(w[1]);
      if (!t) unparsable(input);
      tod = *t;
    }
    if (w[0] == "today") return onDay(now, 0, tod);
    if (w[0] == "tomorrow") return onDay(now, 1, tod);
    if (int day = weekday(w[0]); day >= 0) {
      const int today = localTm(now).tm_wday;
      int ahead = (day - today + 7) % 7;
      if (ahead == 0 && onDay(now, 0, tod) <= now) ahead = 7;
      return onDay(now, ahead, tod);
    }
  }
  unparsable(input);
}

std::string formatLocalTime(int64_t unixMillis, int64_t now) {
  std::tm tm = localTm(unixMillis);
  const bool sameYear = tm.tm_year == localTm(now).tm_year;
  char buffer[64];
  std::strftime(buffer, sizeof buffer, sameYear ? "%a %d %b %H:%M" : "%a %d %b %Y %H:%M", &tm);
  return buffer;
}

std::string relativeTime(int64_t at, int64_t now) {
  const bool future = at >= now;
  const int64_t s = (future ? at - now : now - at) / 1000;
  auto phrase = [&](int64_t n, const char* unit) {
    std::string p = std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
    return future ? "in " + p : p + " ago";
  };
  if (s < 60) return future ? "now" : "just now";
  if (s < 3600) return phrase((s + 30) / 60, "minute");
  if (s < 86400) return phrase((s + 1800) / 3600, "hour");
  return phrase((s + 43200) / 86400, "day");
}

// A moment given either as a duration from now (--in) or as a time (--at);
// exactly one of them, in the future.
int64_t dueTime(const std::string& in, const std::string& at, int64_t now, const char* what) {
  if (in.empty() == at.empty()) throw StoreError(std::string(what) + " needs one of --in DURATION or --at TIME");
  if (!in.empty()) {
    const int64_t d = parseDuration(in);
    if (d <= 0) throw StoreError("--in " + in + ": the duration must be more than zero");
    return now + d;
  }
  const int64_t t = parseTime(at, now);
  if (t <= now) throw StoreError("--at " + at + " is in the past");
  return t;
}

}  // namespace tacit::store
