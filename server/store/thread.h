// A thread (note, lesson, question or walkthrough) as the deterministic fold
// of its events: every replica holding the same events computes the same
// state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/store/event.h"

namespace tacit::store {

enum class ThreadState { Open, Answered, Resolved };
std::string_view toString(ThreadState);  // "open", "answered", "resolved"
std::optional<ThreadState> parseThreadState(std::string_view);

struct Reply {
  std::string id;  // the event id
  bool isAnswer = false;
  Author author;
  int64_t createdAt = 0;
  int64_t editedAt = 0;  // 0 when never edited
  std::string body;
  bool operator==(const Reply&) const = default;
};

struct Ack {
  Author author;
  int64_t at = 0;
  bool operator==(const Ack&) const = default;
};

struct Thread {
  std::string id;
  ThreadKind kind = ThreadKind::Note;
  ThreadState state = ThreadState::Open;
  bool isPrivate = false;
  std::string body;
  Author author;
  std::vector<std::string> assignees;  // emails
  int64_t createdAt = 0;
  int64_t updatedAt = 0;  // ts of the latest event folded in
  std::vector<Reply> replies;  // in fold order; tombstoned replies removed
  std::vector<Ack> acks;       // one per author (the first), in fold order
  std::vector<std::string> plusOnes;  // emails, one per author
  Anchor anchor;               // the latest (re-anchor is last-writer-wins); none for a walkthrough
  std::vector<std::string> chapters;  // a walkthrough's note ids in order (last-writer-wins)
  json context = json::object();  // from the Created payload (branch, ...)
  bool deleted = false;        // a whole-thread tombstone was folded in
  uint64_t maxLamport = 0;
  size_t eventCount = 0;
  bool operator==(const Thread&) const = default;
};

// Folds the events of one thread. Events are sorted by eventOrder first and
// duplicates (same id) are folded once. Returns nullopt when no Created event
// is present (its other events wait until it arrives).
//
// Rules: replies and answers grow-only; body edits, state, assignees and
// anchor are last-writer-wins in fold order; an answer moves an open
// question to Answered; "resolved" wins until a later "open" (reopen);
// tombstones hide a reply or the whole thread; a walkthrough's chapters are
// last-writer-wins (the whole list).
//
// Where the rules leave room: the first Created in fold order founds the
// thread and is folded first even when other events sort before it (a replica
// whose clock lagged still contributes); events of other threads are ignored;
// of events sharing an id the first in fold order wins, ties broken by the
// smaller canonical encoding; notes and lessons never become Answered; a
// tombstoned reply is hidden wherever the tombstone sorts and never counts as
// an answer; edits to a missing reply change nothing; a walkthrough ignores
// re-anchoring (it has no lines) and other kinds ignore chapters.
std::optional<Thread> foldThread(std::vector<Event> events);

}  // namespace tacit::store
