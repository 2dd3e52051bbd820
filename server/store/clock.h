// Wall-clock time for everything that stamps or compares moments (event
// timestamps, ages, reminders, send-later), and the parsing of the times
// people type. One clock for the process, injectable for tests: TACIT_NOW
// (RFC 3339) freezes it at start, and setNow moves it (the server's
// tacit/test/setClock, honoured only when TACIT_NOW was set).
#pragma once

#include <cstdint>
#include <string>

namespace tacit::store {

// Milliseconds since the Unix epoch: the real clock, or the test clock.
int64_t nowMillis();
// Is the clock frozen by TACIT_NOW (so tests may move it)?
bool clockIsInjected();
// Moves the injected clock; ignored (returns false) when it is the real one.
bool setNow(int64_t unixMillis);
// Injects the clock at `unixMillis` from now on (`tacit demo`, which plays
// time forward in its own throwaway repositories).
void freezeClock(int64_t unixMillis);

// "90s", "10m", "12h", "7d", "2w" and sums of them ("1h30m") → milliseconds;
// StoreError otherwise.
int64_t parseDuration(const std::string& text);
// Now minus `millis`.
int64_t sinceNow(int64_t millis);

// A moment as people write it, relative to `now`, in the local time zone
// (TZ): a duration from now ("10m", "in 2h"), RFC 3339
// ("2026-11-28T09:00:00Z"), a local date and time ("2026-11-28 09:00",
// "2026-11-28T09:00", "2026-11-28" = 09:00), a time of day ("09:00": its
// next occurrence), "today 17:00", "tomorrow" (09:00), "tomorrow 09:00", a
// weekday ("monday", "mon 14:30": the next one). StoreError when unparsable.
int64_t parseTime(const std::string& text, int64_t now);

// When something is due, given as `in` (a duration from now: --in) or `at`
// (a time: --at): exactly one of them, and in the future; StoreError
// naming `what` otherwise.
int64_t dueTime(const std::string& in, const std::string& at, int64_t now, const char* what);

// "Sat 28 Nov 09:00" in the local time zone (with the year when it is not
// `now`'s year), for people.
std::string formatLocalTime(int64_t unixMillis, int64_t now);
// "in 10 minutes", "in 3 hours", "2 days ago": `at` relative to `now`.
std::string relativeTime(int64_t at, int64_t now);

}  // namespace tacit::store
