// DocumentStore: the open/change/close lifecycle of documents keyed by URI.
#include "server/documents/document_store.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using tacit::documents::ContentChange;
using tacit::documents::DocumentStore;
using tacit::documents::PositionEncoding;
using tacit::documents::TextDocument;
using tacit::documents::TextRange;

ContentChange edit(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2, std::string text) {
  return ContentChange{TextRange{{l1, c1}, {l2, c2}}, std::move(text)};
}

}  // namespace

TEST_CASE("DocumentStore: open, get and close", "[document_store]") {
  DocumentStore store;
  CHECK(store.size() == 0);
  CHECK(store.get("file:///a") == nullptr);
  CHECK(store.uris().empty());

  CHECK(store.open("file:///b", "cpp", 1, "int b;\n"));
  CHECK(store.open("file:///a", "python", 7, "a = 1\n"));
  CHECK(store.size() == 2);
  CHECK(store.uris() == std::vector<std::string>{"file:///a", "file:///b"});

  const TextDocument* a = store.get("file:///a");
  REQUIRE(a != nullptr);
  CHECK(a->uri() == "file:///a");
  CHECK(a->languageId() == "python");
  CHECK(a->version() == 7);
  CHECK(a->text() == "a = 1\n");

  CHECK(store.close("file:///a"));
  CHECK(store.get("file:///a") == nullptr);
  CHECK_FALSE(store.close("file:///a"));
  CHECK(store.size() == 1);
  CHECK(store.uris() == std::vector<std::string>{"file:///b"});
  CHECK(store.get("file:///b")->text() == "int b;\n");
}

TEST_CASE("DocumentStore: re-opening replaces the document", "[document_store]") {
  DocumentStore store;
  CHECK(store.open("file:///a", "cpp", 3, "old"));
  const TextDocument* before = store.get("file:///a");
  CHECK_FALSE(store.open("file:///a", "c", 1, "new text"));
  CHECK(store.size() == 1);
  const TextDocument* after = store.get("file:///a");
  REQUIRE(after != nullptr);
  CHECK(after == before);  // replaced in place: earlier pointers stay valid
  CHECK(after->text() == "new text");
  CHECK(after->languageId() == "c");
  CHECK(after->version() == 1);
}

TEST_CASE("DocumentStore: changes apply in order and set the version", "[document_store]") {
  DocumentStore store;
  store.open("file:///a", "cpp", 1, "int x;\n");
  store.open("file:///other", "cpp", 1, "untouched");

  // Each change's positions refer to the text after the previous one.
  auto outcome = store.change("file:///a", 2,
                              {edit(0, 4, 0, 5, "value"), edit(0, 9, 0, 9, " = 0"),
                               edit(1, 0, 1, 0, "return value;\n")},
                              PositionEncoding::Utf16);
  CHECK(outcome.found);
  CHECK(outcome.clamped == 0);
  CHECK(store.get("file:///a")->text() == "int value = 0;\nreturn value;\n");
  CHECK(store.get("file:///a")->version() == 2);
  CHECK(store.get("file:///other")->text() == "untouched");

  outcome = store.change("file:///a", 3, {ContentChange{std::nullopt, "whole"}},
                         PositionEncoding::Utf16);
  CHECK(outcome.found);
  CHECK(store.get("file:///a")->text() == "whole");
  CHECK(store.get("file:///a")->version() == 3);

  outcome = store.change("file:///a", 4, {}, PositionEncoding::Utf16);  // version only
  CHECK(outcome.found);
  CHECK(store.get("file:///a")->version() == 4);
  CHECK(store.get("file:///a")->text() == "whole");
}

TEST_CASE("DocumentStore: clamped changes are counted", "[document_store]") {
  DocumentStore store;
  store.open("file:///a", "plaintext", 1, "ab\ncd");
  auto outcome = store.change("file:///a", 2,
                              {edit(0, 9, 0, 9, "!"),        // past the line end
                               edit(1, 1, 1, 2, "X"),        // fine
                               edit(7, 0, 7, 0, "\nend")},  // past the last line
                              PositionEncoding::Utf8);
  CHECK(outcome.found);
  CHECK(outcome.clamped == 2);
  CHECK(store.get("file:///a")->text() == "ab!\ncX\nend");
}

TEST_CASE("DocumentStore: changes to an unknown uri change nothing", "[document_store]") {
  DocumentStore store;
  store.open("file:///a", "cpp", 1, "text");
  auto outcome = store.change("file:///missing", 5, {ContentChange{std::nullopt, "x"}},
                              PositionEncoding::Utf16);
  CHECK_FALSE(outcome.found);
  CHECK(outcome.clamped == 0);
  CHECK(store.size() == 1);
  CHECK(store.get("file:///missing") == nullptr);
  CHECK(store.get("file:///a")->text() == "text");
  CHECK(store.get("file:///a")->version() == 1);

  store.close("file:///a");
  CHECK_FALSE(store.change("file:///a", 2, {}, PositionEncoding::Utf16).found);
  // Opening again after a close starts from the new text.
  CHECK(store.open("file:///a", "cpp", 1, "again"));
  CHECK(store.get("file:///a")->text() == "again");
}
