#include "server/documents/document_store.h"

#include <algorithm>
#include <utility>

namespace tacit::documents {

bool DocumentStore::open(std::string uri, std::string languageId, int64_t version,
                         std::string_view text) {
  TextDocument document(uri, std::move(languageId), version, text);
  auto [it, inserted] = documents_.try_emplace(std::move(uri), std::move(document));
  if (!inserted) it->second = std::move(document);
  return inserted;
}

DocumentStore::ChangeOutcome DocumentStore::change(const std::string& uri, int64_t version,
                                                   const std::vector<ContentChange>& changes,
                                                   PositionEncoding encoding) {
  ChangeOutcome outcome;
  auto it = documents_.find(uri);
  if (it == documents_.end()) return outcome;
  outcome.found = true;
  for (const ContentChange& change : changes) {
    if (it->second.apply(change, encoding)) ++outcome.clamped;
  }
  it->second.setVersion(version);
  return outcome;
}

bool DocumentStore::close(const std::string& uri) { return documents_.erase(uri) > 0; }

const TextDocument* DocumentStore::get(const std::string& uri) const {
  auto it = documents_.find(uri);
  return it == documents_.end() ? nullptr : &it->second;
}

std::vector<std::string> DocumentStore::uris() const {
  std::vector<std::string> result;
  result.reserve(documents_.size());
  for (const auto& entry : documents_) result.push_back(entry.first);
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace tacit::documents
