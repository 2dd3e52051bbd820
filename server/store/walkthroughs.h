// Walkthroughs: an ordered list of chapters, each an anchored note, a
// bite-sized explanation of one step of a feature's architecture.
//
// A walkthrough is a thread of kind `walkthrough` (body: the title, then a
// blank line and the description) with no lines of its own. Its chapters are
// ordinary notes, so they follow the code and show lenses and hovers like any
// note; a note made for it carries `context.walkthrough` = its id. Its order
// is the `chapters` event: the whole list, last writer wins, like `assign`.
//
// Reading, planning writes and exporting, for the command line and the
// built-in extension alike. A plan is Store::write's arguments: the caller
// writes it (the extension through HostApi, so the others hear of it), and
// a plan that is refused writes nothing. Positions are 1-based everywhere.
// Plain C++: no JSON-RPC, no command line.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/anchor/anchor.h"
#include "server/store/store.h"

namespace tacit::store {

class Locations;

inline constexpr size_t kMaxTitleBytes = 200;

struct Walkthrough {
  Thread thread;
  std::string title;        // the body's first line
  std::string description;  // the rest of the body, without the blank line
  // The chapters in order: the notes of thread.chapters that exist. One
  // deleted since (or not synced yet) is left out, and dropped from the
  // order at its next change.
  std::vector<Thread> chapters;
};

// Where a chapter's lines are now, and those lines.
struct ChapterPlace {
  anchor::Location location;        // orphaned: where they were last seen
  std::optional<std::string> code;  // nullopt when orphaned or unreadable
};

// The editor's text of a file (repository-relative path) when it holds it
// open; nullopt (or no function): the file in the work tree.
using OpenText = std::function<std::optional<std::string>(const std::string& path)>;

// The writes of one command, for Store::write (or HostApi::write).
struct WalkthroughPlan {
  std::optional<Store::NewThread> created;
  std::vector<Store::Append> events;  // empty (and nothing created): nothing to write
  std::string subject;                // the new thread's id, else the walkthrough's
};

class Walkthroughs {
 public:
  // The caller refreshes the store first.
  explicit Walkthroughs(Store& store) : store_(store) {}

  // The walkthrough `id` names (full id or unique prefix). StoreError for an
  // unknown or ambiguous id or a thread that is not a walkthrough.
  Walkthrough get(const std::string& id);
  // Every walkthrough, oldest first.
  std::vector<Walkthrough> list();
  // Notes made for `w` (context.walkthrough) that its order does not hold:
  // removed, or dropped by a concurrent change of the order.
  std::vector<Thread> unordered(const Walkthrough& w);

  // The position of a chapter named by `ref`: its position ("2") or its
  // note's id or a unique prefix of it (at least 4 hex digits). StoreError
  // when it names no chapter of `w`.
  size_t position(const Walkthrough& w, const std::string& ref);
  // StoreError unless 1 <= position <= last.
  static void checkPosition(const Walkthrough& w, size_t position, size_t last, const char* what);

  // StoreError for a blank title, a title with a line break or one longer
  // than kMaxTitleBytes.
  static WalkthroughPlan create(const std::string& title, const std::string& description);
  // A new note with `text` on `anchor`, as chapter `position` (1..n+1;
  // nullopt: the last).
  static WalkthroughPlan addChapter(const Walkthrough& w, const Anchor& anchor, const std::string& text,
                                    std::optional<size_t> position);
  // An existing note or lesson (`note`: its full id) as chapter `position`.
  WalkthroughPlan addNote(const Walkthrough& w, const std::string& note, std::optional<size_t> position);
  // Chapter `from` moved to position `to` (both 1..n); nothing to write when
  // they are equal.
  static WalkthroughPlan move(const Walkthrough& w, size_t from, size_t to);
  // Chapter `position` out of the order; its note deleted too with
  // `deleteNote` (else it stays, an ordinary note).
  static WalkthroughPlan remove(const Walkthrough& w, size_t position, bool deleteNote);

  // Where a chapter is now: in the editor's text when `open` holds its
  // file, else in the work tree.
  ChapterPlace place(Locations& locations, const Thread& chapter, const OpenText& open = {});

  // Markdown: the title, the description, then per chapter a heading, its
  // text, `path:lines` and the code as it is now (an orphaned chapter says
  // where it was last seen and shows the code it was written on).
  std::string exportMarkdown(const Walkthrough& w, const OpenText& open = {});

 private:
  Store& store_;
};

// As `tacit walkthrough list --json` prints each walkthrough: id, title,
// description, author, created_at, updated_at, chapter_count.
json walkthroughSummaryJson(const Walkthrough& w);
// As `tacit walkthrough show --json` prints it: the summary with `chapters`
// ({position, id, title, body, author, location, anchor}) and `unordered`
// ({id, title}).
json walkthroughJson(const Walkthrough& w, const std::vector<ChapterPlace>& places,
                     const std::vector<Thread>& unordered);
// The first line of a body, for titles.
std::string firstLineOf(const std::string& body);

}  // namespace tacit::store
