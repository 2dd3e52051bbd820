// The times people type (store/clock.h): durations, RFC 3339, local dates and
// times, "17:00" as its next occurrence, "tomorrow 09:00", weekdays, and the
// same in a time zone with daylight saving time across both of its changes.
// The zone is set through TZ as a POSIX rule, so no tzdata is needed.
#include "server/store/clock.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <initializer_list>
#include <ctime>
#include <optional>
#include <string>

#include "server/store/event.h"
#include "server/store/event_log.h"

namespace {

using namespace tacit::store;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

int64_t at(const char* rfc3339) {
  auto t = parseTimestamp(rfc3339);
  REQUIRE(t);
  return *t;
}

// TZ for the length of a test, then back as it was.
class Zone {
 public:
  explicit Zone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~Zone() {
    if (old_) ::setenv("TZ", old_->c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

// Each {text, expected} read at `now` (RFC 3339 both).
struct TimeCase {
  const char* text;
  const char* expected;
};
void checkTimes(const char* now, std::initializer_list<TimeCase> cases) {
  for (const auto& c : cases) {
    INFO("\"" << c.text << "\" at " << now);
    CHECK(formatTimestamp(parseTime(c.text, at(now))) == formatTimestamp(at(c.expected)));
  }
}

// Central Europe: UTC+1, UTC+2 from the last Sunday of March 02:00 to the
// last Sunday of October 03:00 (in 2026: 29 March and 25 October).
constexpr const char* kBerlin = "CET-1CEST,M3.5.0,M10.5.0/3";

}  // namespace

TEST_CASE("clock: durations", "[store][clock]") {
  CHECK(parseDuration("90s") == 90'000);
  CHECK(parseDuration("10m") == 10 * kMinute);
  CHECK(parseDuration("12h") == 12 * kHour);
  CHECK(parseDuration("7d") == 7 * kDay);
  CHECK(parseDuration("2w") == 14 * kDay);
  CHECK(parseDuration("1h30m") == 90 * kMinute);
  CHECK(parseDuration("0s") == 0);
  for (const char* bad : {"", "10", "m", "10x", "-1m", "1h 30m", "1.5h", "1234567890s", "1s1s1s1s1s1s1s1s1s1s1s1s1s"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseDuration(bad), StoreError);
  }
  CHECK_THROWS_WITH(parseDuration("soon"), "expected a duration such as 10m, 1h30m, 12h or 7d, got \"soon\"");
}

TEST_CASE("clock: times in UTC", "[store][clock]") {
  Zone utc("UTC0");
  // Now is Monday 30 November 2026, 09:00.
  checkTimes("2026-11-30T09:00:00Z", {
      // A duration from now.
      {"10m", "2026-11-30T09:10:00Z"},
      {"in 2h", "2026-11-30T11:00:00Z"},
      {"1h30m", "2026-11-30T10:30:00Z"},
      // RFC 3339, any offset.
      {"2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z"},
      {"2026-12-01T10:30:00+01:00", "2026-12-01T09:30:00Z"},
      {"2026-12-01t09:00:00z", "2026-12-01T09:00:00Z"},
      // A local date, with or without a time (09:00).
      {"2026-12-01 14:30", "2026-12-01T14:30:00Z"},
      {"2026-12-01T14:30", "2026-12-01T14:30:00Z"},
      {"2026-12-01", "2026-12-01T09:00:00Z"},
      // A time of day: its next occurrence, today or tomorrow (now is not next).
      {"17:00", "2026-11-30T17:00:00Z"},
      {"8:00", "2026-12-01T08:00:00Z"},
      {"09:00", "2026-12-01T09:00:00Z"},
      {"09:00:01", "2026-11-30T09:00:01Z"},
      {"today 17:00", "2026-11-30T17:00:00Z"},
      {"tomorrow", "2026-12-01T09:00:00Z"},
      {"Tomorrow 9:00", "2026-12-01T09:00:00Z"},
      {"tomorrow 18:15", "2026-12-01T18:15:00Z"},
      // A weekday: the next one (today only while its time is still to come).
      {"monday", "2026-12-07T09:00:00Z"},
      {"monday 10:00", "2026-11-30T10:00:00Z"},
      {"fri 14:30", "2026-12-04T14:30:00Z"},
      {"Sunday", "2026-12-06T09:00:00Z"},
  });
  checkTimes("2026-12-31T12:00:00Z", {{"tomorrow", "2027-01-01T09:00:00Z"}});  // across a year's end

  const int64_t now = at("2026-11-30T09:00:00Z");
  for (const char* bad : {"", "yesterday", "25:00", "12:60", "2026-02-30", "2026-02-30 09:00", "2026-13-01",
                          "tomorrow 25:00", "in soon", "10m later", "monday 9", "next week", "2026-12-01 09:00 x"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseTime(bad, now), StoreError);
  }
  CHECK_THROWS_WITH(parseTime("yesterday", now), Catch::StartsWith("cannot read \"yesterday\" as a time: use a duration"));
}

TEST_CASE("clock: local times in a zone with daylight saving time", "[store][clock]") {
  Zone berlin(kBerlin);
  SECTION("winter and summer") {
    checkTimes("2026-11-30T08:00:00Z", {  // Monday 09:00 CET
        {"17:00", "2026-11-30T16:00:00Z"},
        {"tomorrow 09:00", "2026-12-01T08:00:00Z"},
        {"2026-07-01 09:00", "2026-07-01T07:00:00Z"},  // CEST
        {"2026-12-01", "2026-12-01T08:00:00Z"},
        {"monday", "2026-12-07T08:00:00Z"},
        {"2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z"},  // RFC 3339 is not local
    });
  }
  SECTION("the night clocks go forward (29 March 2026)") {
    checkTimes("2026-03-28T12:00:00Z", {  // Saturday 13:00 CET
        {"tomorrow 09:00", "2026-03-29T07:00:00Z"},  // 09:00 CEST
        {"17:00", "2026-03-28T16:00:00Z"},           // still CET today
        {"monday", "2026-03-30T07:00:00Z"},
        {"08:00", "2026-03-29T06:00:00Z"},  // tomorrow, after the change
        // A duration is a length of time, not a time on the clock: a day is 24 hours.
        {"1d", "2026-03-29T12:00:00Z"},
        {"tomorrow 13:00", "2026-03-29T11:00:00Z"},
    });
  }
  SECTION("the night clocks go back (25 October 2026)") {
    checkTimes("2026-10-24T12:00:00Z", {  // Saturday 14:00 CEST
        {"tomorrow 09:00", "2026-10-25T08:00:00Z"},  // 09:00 CET
        {"20:00", "2026-10-24T18:00:00Z"},           // 20:00 CEST
        {"sun 12:00", "2026-10-25T11:00:00Z"},
        {"in 24h", "2026-10-25T12:00:00Z"},
    });
  }
  SECTION("for people") {
    const int64_t now = at("2026-03-28T12:00:00Z");
    CHECK(formatLocalTime(at("2026-03-29T07:00:00Z"), now) == "Sun 29 Mar 09:00");
    CHECK(formatLocalTime(at("2026-03-28T12:00:00Z"), now) == "Sat 28 Mar 13:00");
    CHECK(formatLocalTime(at("2027-01-04T08:00:00Z"), now) == "Mon 04 Jan 2027 09:00");  // another year
  }
}

TEST_CASE("clock: when something is due (--in or --at)", "[store][clock]") {
  Zone utc("UTC0");
  const int64_t now = at("2026-11-30T09:00:00Z");
  CHECK(dueTime("10m", "", now, "remind") == now + 10 * kMinute);
  CHECK(dueTime("", "17:00", now, "remind") == at("2026-11-30T17:00:00Z"));
  CHECK(dueTime("", "tomorrow", now, "remind") == at("2026-12-01T09:00:00Z"));
  CHECK_THROWS_WITH(dueTime("10m", "17:00", now, "remind"), "remind needs one of --in DURATION or --at TIME");
  CHECK_THROWS_WITH(dueTime("", "", now, "snooze"), "snooze needs one of --in DURATION or --at TIME");
  CHECK_THROWS_WITH(dueTime("0s", "", now, "remind"), "--in 0s: the duration must be more than zero");
  CHECK_THROWS_WITH(dueTime("", "2026-11-30T08:59:59Z", now, "remind"), "--at 2026-11-30T08:59:59Z is in the past");
  CHECK_THROWS_WITH(dueTime("", "2026-11-30 09:00", now, "remind"), "--at 2026-11-30 09:00 is in the past");  // now
  CHECK_THROWS_AS(dueTime("", "someday", now, "remind"), StoreError);
}

TEST_CASE("clock: relative times for people", "[store][clock]") {
  const int64_t now = at("2026-11-30T09:00:00Z");
  CHECK(relativeTime(now + 30'000, now) == "now");
  CHECK(relativeTime(now - 30'000, now) == "just now");
  CHECK(relativeTime(now + 10 * kMinute, now) == "in 10 minutes");
  CHECK(relativeTime(now + kMinute, now) == "in 1 minute");
  CHECK(relativeTime(now - 3 * kHour, now) == "3 hours ago");
  CHECK(relativeTime(now + 2 * kDay, now) == "in 2 days");
  CHECK(relativeTime(now - kDay, now) == "1 day ago");
}
