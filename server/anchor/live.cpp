#include "server/anchor/live.h"

namespace tacit::anchor {

void LiveDocument::reset(std::vector<Entry> entries) {
  entries_ = std::move(entries);
  stale_ = false;
}

void LiveDocument::edit(const LineEdit& e) {
  for (auto& entry : entries_) shift(entry.location, e);
}

}  // namespace tacit::anchor
