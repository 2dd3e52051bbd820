// Events: the unit of shared truth. A thread is the deterministic fold of its
// events (see thread.h). Plain data plus a strict codec: events come from
// remotes, so decoding validates everything and never trusts a field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tacit::store {

using json = nlohmann::json;

inline constexpr int kEventVersion = 1;

// Limits on what an event may hold; anything larger is refused on write and
// skipped (with a warning) on read.
inline constexpr size_t kMaxBodyBytes = 64 * 1024;
inline constexpr size_t kMaxEventBytes = 256 * 1024;  // the whole canonical JSON
inline constexpr size_t kMaxNameBytes = 256;
inline constexpr size_t kMaxEmailBytes = 320;
inline constexpr size_t kMaxPathBytes = 4096;
inline constexpr size_t kMaxAssignees = 64;
inline constexpr size_t kMaxAnchorTextBytes = 32 * 1024;  // quote + context
inline constexpr size_t kMaxChapters = 500;               // a walkthrough's chapters
inline constexpr uint64_t kMaxLamport = (uint64_t{1} << 53) - 1;

struct Author {
  std::string name;
  std::string email;
  bool operator==(const Author&) const = default;
};

enum class EventType {
  Created,    // payload: kind, body, private, assignees, anchor (none for a walkthrough), context
  Reply,      // payload: body
  Answer,     // payload: body
  Edit,       // payload: body, target? (a reply's event id; absent = the thread body)
  State,      // payload: state ("open" | "resolved")
  Reaction,   // payload: reaction ("ack" | "+1")
  Assign,     // payload: assignees (replaces the list; last writer wins)
  Reanchor,   // payload: anchor
  Tombstone,  // payload: target? (a reply's event id; absent = the whole thread)
  Chapters,   // payload: chapters (a walkthrough's note ids in order; replaces the list, last writer wins)
};
std::string_view toString(EventType);  // "created", "reply", ... as on the wire
std::optional<EventType> parseEventType(std::string_view);

// A walkthrough is an ordered list of chapters, each an anchored note; it has
// no lines of its own (no anchor), so the lists of anchored threads
// (Index::list, search) leave it out unless asked for by kind.
enum class ThreadKind { Note, Lesson, Question, Walkthrough };
std::string_view toString(ThreadKind);  // "note", "lesson", "question", "walkthrough"
std::optional<ThreadKind> parseThreadKind(std::string_view);

// Where a thread was made. Lines are 1-based and inclusive.
struct Anchor {
  std::string path;    // relative to the repository root, '/'-separated, confined
  std::string commit;  // 40 hex; the commit the lines were read from (HEAD when made)
  std::string blob;    // 40 hex; the file's blob, or empty when made on unsaved text
  uint32_t startLine = 1;
  uint32_t endLine = 1;
  std::string text;    // the anchored lines
  std::string before;  // up to three lines of context before them
  std::string after;   // up to three lines after
  bool operator==(const Anchor&) const = default;
};

// The wire form of an anchor (payload.anchor of created and reanchor events),
// and back. anchorFromJson is lenient (missing or mistyped fields keep their
// defaults) because decodeEvent has already been strict about it.
json toJson(const Anchor&);
Anchor anchorFromJson(const json&);

struct Event {
  int v = kEventVersion;
  std::string id;       // 32 lowercase hex digits, random
  EventType type = EventType::Created;
  std::string thread;   // the thread's id (= id of its Created event)
  std::string replica;  // 32 lowercase hex digits
  uint64_t lamport = 0; // >= 1
  int64_t ts = 0;       // milliseconds since the Unix epoch, UTC; RFC 3339 on the wire
  Author author;
  json payload = json::object();
  bool operator==(const Event&) const = default;
};

// Canonical JSON: sorted keys, no insignificant whitespace, `ts` as RFC 3339
// with milliseconds ("2026-11-27T21:00:00.000Z"). Equal events encode to
// equal bytes.
std::string encodeEvent(const Event&);

// Strict decoding and validation: schema per type, sizes, ids, paths confined
// to the repository, UTF-8. Returns the event or a one-line reason.
struct DecodedEvent {
  std::optional<Event> event;
  std::string error;  // set when event is empty
};
DecodedEvent decodeEvent(std::string_view bytes);
// The same with a choice of parser: Fast (simdjson where it surely agrees
// with nlohmann, else nlohmann) is what decodeEvent uses; StrictOnly
// (nlohmann's lexer alone) is there to check that the two never differ.
enum class Parser { Fast, StrictOnly };
DecodedEvent decodeEvent(std::string_view bytes, Parser parser);

// The same checks on an event built in memory (before writing it).
std::optional<std::string> validateEvent(const Event&);

// A path is confined when it is relative, '/'-separated, non-empty, has no
// "." or ".." or empty components, no ".git" component (any case), no
// control character (C0, DEL, C1), no backslash, no leading '/', no drive
// letter ("C:") and no leading '~', and is at most kMaxPathBytes.
bool isConfinedPath(std::string_view path);
// A path as the path of a URI (RFC 3986): unreserved characters and '/' as
// they are, every other byte percent-encoded.
std::string percentEncodePath(std::string_view path);

// 128 random bits from the OS, as 32 lowercase hex digits.
std::string newId();
bool isId(std::string_view);  // 32 lowercase hex digits

// RFC 3339 with milliseconds in UTC, and back (accepts any offset and 0-9
// fraction digits; nullopt if malformed).
std::string formatTimestamp(int64_t unixMillis);
std::optional<int64_t> parseTimestamp(std::string_view);

// The total order of the fold: (lamport, replica, id).
bool eventOrder(const Event& a, const Event& b);

}  // namespace tacit::store
