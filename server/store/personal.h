// What is one person's and never shared: reminders ("remind me in 10
// minutes") and questions scheduled to be sent later. Both live in the
// private repository (.git/tacit/private.git, no remote), as one JSON
// document (personal.json) on the ref refs/tacit/v1/personal, rewritten by
// compare-and-swap so that the command line and any number of servers can
// change it at once without losing a write.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/anchor/anchor.h"
#include "server/store/store.h"

namespace tacit::store {

inline constexpr std::string_view kPersonalRef = "refs/tacit/v1/personal";
inline constexpr size_t kMaxReminders = 10'000;

struct Reminder {
  std::string id;      // 32 hex
  std::string thread;  // the thread it is about, or "" when about a place
  Anchor anchor;       // the place (lines of a file), when not about a thread
  std::string text;    // what to remember; may be empty
  int64_t createdAt = 0;
  int64_t dueAt = 0;
  int64_t deliveredAt = 0;  // when an editor last showed it due (0: not since it fell due)
  int snoozes = 0;
  int64_t doneAt = 0;  // 0 while pending
  bool due(int64_t now) const { return doneAt == 0 && dueAt <= now; }
};

// A question kept here until `sendAt`, then created in the shared log with
// the id chosen when it was scheduled (so sending twice is impossible).
struct Scheduled {
  std::string id;  // the question's id once sent
  int64_t createdAt = 0;
  int64_t sendAt = 0;
  Store::NewThread question;
  int64_t sentAt = 0;  // 0 while waiting
  std::string error;   // why the last attempt to send failed
};

struct Personal {
  std::vector<Reminder> reminders;  // in creation order
  std::vector<Scheduled> outbox;    // in creation order
};

nlohmann::json toJson(const Reminder&);
nlohmann::json toJson(const Scheduled&);

// Reads the current state (empty when nothing was ever written). Entries
// that do not decode are skipped with a warning.
Personal readPersonal(Store& store);

// Read, change, write by compare-and-swap on the ref, retried when another
// writer got there first (`change` is then called again on the new state).
// `change` may throw StoreError to write nothing. Returns the state written.
Personal updatePersonal(Store& store, const std::string& message, const std::function<void(Personal&)>& change);

// The reminder or scheduled question whose id starts with `prefix` (at least
// 4 hex digits); StoreError when none or several.
Reminder& findReminder(Personal& p, const std::string& prefix);
Scheduled& findScheduled(Personal& p, const std::string& prefix);

// The verbs on reminders, shared by the command line and the editor's
// commands; each one compare-and-swap write, StoreError when refused.
// Adds `r` (its id and createdAt are filled in when empty); refused past
// kMaxReminders pending, and for a thread a reminder cannot be about (a
// walkthrough: write_rules.h).
Reminder addReminder(Store& store, Reminder r);
// Puts the reminder off until `until` (it becomes undelivered again).
Reminder snoozeReminder(Store& store, const std::string& prefix, int64_t until);
// Marks it done at `now`.
Reminder finishReminder(Store& store, const std::string& prefix, int64_t now);

// Keeps `question` in the outbox until `sendAt` (which must be in the
// future; a private or blank question cannot be scheduled), with the id it
// will have.
Scheduled scheduleQuestion(Store& store, Store::NewThread question, int64_t sendAt);

// Where a reminder's lines are now, in the work tree (or, given `text`, in
// the file at `path` as an editor holds it): its thread's place, or its own
// anchor located. Orphaned with an empty path when its thread is gone.
anchor::Location reminderPlace(Store& store, const Reminder& r);
anchor::Location reminderPlace(Store& store, const Reminder& r, const std::string& path, const std::string& text);
// The reminder as `tacit reminders --json` prints it: toJson plus `location`
// and, when about a thread, `title` (its first line).
nlohmann::json reminderJson(Store& store, const Reminder& r);

// Sends the scheduled questions whose time has come (all of them with
// `force`, or just `onlyId`): creates each in the shared log, then marks it
// sent. Returns the ids of the questions created. A question that cannot be
// sent (no identity, ...) keeps its place with the error recorded. `create`
// writes each (default: Store::createThread; the server's goes through the
// host so that extensions hear of it).
using CreateThread = std::function<void(const Store::NewThread&)>;
std::vector<std::string> sendDue(Store& store, int64_t now, const std::string& onlyId = "",
                                 const CreateThread& create = {});

}  // namespace tacit::store
