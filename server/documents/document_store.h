// The open documents, keyed by URI. Not thread-safe: it belongs to the
// server's main loop, which applies didOpen/didChange/didClose in order;
// anything that reads a document elsewhere must take a copy first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/documents/position_encoding.h"
#include "server/documents/text_document.h"

namespace tacit::documents {

class DocumentStore {
 public:
  // Returns false if the URI was already open; the document is then replaced,
  // as clients re-open documents after a crash or reload.
  bool open(std::string uri, std::string languageId, int64_t version, std::string_view text);

  struct ChangeOutcome {
    bool found = false;    // false: the URI is not open and nothing changed
    unsigned clamped = 0;  // how many changes had a position clamped or snapped
  };
  // Applies the changes in order, then sets the version.
  ChangeOutcome change(const std::string& uri, int64_t version,
                       const std::vector<ContentChange>& changes, PositionEncoding);

  // Returns false if the URI was not open.
  bool close(const std::string& uri);

  // nullptr if not open. The pointer stays valid until the URI is closed
  // (a re-open replaces the document in place) or the store is destroyed.
  const TextDocument* get(const std::string& uri) const;

  size_t size() const { return documents_.size(); }
  std::vector<std::string> uris() const;  // sorted

 private:
  std::unordered_map<std::string, TextDocument> documents_;
};

}  // namespace tacit::documents
