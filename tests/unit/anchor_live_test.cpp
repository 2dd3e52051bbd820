// LiveDocument: the threads of an open buffer follow its edits without git,
// and go stale when the file underneath changes.
#include "server/anchor/live.h"

#include <catch2/catch.hpp>

namespace {

using namespace tacit::anchor;

TEST_CASE("a live document shifts every thread through each edit", "[anchor][live]") {
  LiveDocument doc;
  CHECK(doc.stale());  // nothing located yet
  doc.reset({{"t1", {"a.cpp", 10, 12, Status::Exact, 1.0, "diff"}},
             {"t2", {"a.cpp", 40, 40, Status::Moved, 0.9, "search"}}});
  CHECK_FALSE(doc.stale());

  doc.edit({.firstLine = 0, .lastLine = 0, .newLines = 2});  // two lines typed at the top
  CHECK(doc.entries()[0].location.startLine == 12);
  CHECK(doc.entries()[0].location.endLine == 14);
  CHECK(doc.entries()[0].location.status == Status::Exact);
  CHECK(doc.entries()[1].location.startLine == 42);
  CHECK(doc.entries()[1].location.status == Status::Moved);

  doc.edit({.firstLine = 12, .lastLine = 12, .newLines = 1});  // Enter inside the first thread's lines
  CHECK(doc.entries()[0].location.startLine == 12);
  CHECK(doc.entries()[0].location.endLine == 15);
  CHECK(doc.entries()[0].location.status == Status::Changed);
  CHECK(doc.entries()[1].location.startLine == 43);

  doc.edit({.firstLine = 30, .lastLine = 50, .newLines = 0});  // a selection over the second deleted
  CHECK(doc.entries()[1].location.status == Status::Orphaned);
  CHECK(doc.entries()[0].location.endLine == 15);

  doc.invalidate();  // saved, checked out, or a new HEAD: locate again before use
  CHECK(doc.stale());
}

}  // namespace
